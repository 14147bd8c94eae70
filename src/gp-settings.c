#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "gp-bricks.h"
#include "gp-error.h"
#include "gp-names.h"
#include "gp-settings.h"

void
gp_limits_init_default (GpLimits *limits)
{
  limits->max_units = GP_DEFAULT_MAX_UNITS;
  limits->max_bricks = GP_DEFAULT_MAX_BRICKS;
  limits->max_keys = GP_DEFAULT_MAX_KEYS;
  limits->max_value_size = GP_DEFAULT_MAX_VALUE_SIZE;
}

static gint
compare_keys (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* Sorted a{ss} from a key -> value table. */
static GVariant *
settings_from_table (GHashTable *table)
{
  g_autofree const char **keys = NULL;
  GVariantBuilder builder;
  GVariant *result;
  guint n, i;

  keys = (const char **) g_hash_table_get_keys_as_array (table, &n);
  qsort (keys, n, sizeof (char *), compare_keys);
  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a{ss}"));
  for (i = 0; i < n; i++)
    g_variant_builder_add (&builder, "{ss}", keys[i],
                           (const char *) g_hash_table_lookup (table, keys[i]));
  result = g_variant_ref_sink (g_variant_builder_end (&builder));
  /* Serialise now: a builder's variant serialises itself lazily on the
   * first lookup and frees its children then, which would leave strings
   * borrowed from an iteration in progress dangling. */
  (void) g_variant_get_data (result);
  return result;
}

static gboolean
check_entry (const char *key, const char *value, const GpLimits *limits,
             GError **error)
{
  gsize len = strlen (value);

  if (!gp_settings_key_validate (key, error))
    return FALSE;
  if (len > limits->max_value_size)
    {
      g_set_error (error, GP_ERROR, GP_ERROR_LIMIT_EXCEEDED,
                   "value of “%s” is %zu bytes; the limit is %zu",
                   key, len, limits->max_value_size);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_size (GHashTable *table, const GpLimits *limits, GError **error)
{
  if (g_hash_table_size (table) > limits->max_keys)
    {
      g_set_error (error, GP_ERROR, GP_ERROR_LIMIT_EXCEEDED,
                   "%u keys in the data bag; the limit is %u",
                   g_hash_table_size (table), limits->max_keys);
      return FALSE;
    }
  return TRUE;
}

/* Fills @table from @settings; values borrowed from @settings. */
static gboolean
add_entries (GHashTable *table, GVariant *settings, gboolean empty_deletes,
             const GpLimits *limits, GError **error)
{
  GVariantIter iter;
  const char *key, *value;

  g_variant_iter_init (&iter, settings);
  while (g_variant_iter_next (&iter, "{&s&s}", &key, &value))
    {
      if (!check_entry (key, value, limits, error))
        return FALSE;
      if (empty_deletes && value[0] == '\0')
        g_hash_table_remove (table, key);
      else
        g_hash_table_insert (table, (gpointer) key, (gpointer) value);
    }
  return TRUE;
}

GVariant *
gp_settings_canonicalize (GVariant *settings, const GpLimits *limits,
                          GError **error)
{
  g_autoptr(GHashTable) table = g_hash_table_new (g_str_hash, g_str_equal);

  g_return_val_if_fail (g_variant_is_of_type (settings, G_VARIANT_TYPE ("a{ss}")), NULL);

  /* Bound the work before hashing a hostile bag of a million keys. */
  if (g_variant_n_children (settings) > limits->max_keys)
    {
      g_set_error (error, GP_ERROR, GP_ERROR_LIMIT_EXCEEDED,
                   "%zu keys in the data bag; the limit is %u",
                   g_variant_n_children (settings), limits->max_keys);
      return NULL;
    }
  if (!add_entries (table, settings, FALSE, limits, error))
    return NULL;
  return settings_from_table (table);
}

GVariant *
gp_settings_merge (GVariant *settings, GVariant *updates, const GpLimits *limits,
                   GError **error)
{
  g_autoptr(GHashTable) table = g_hash_table_new (g_str_hash, g_str_equal);

  if (g_variant_n_children (updates) > limits->max_keys)
    {
      g_set_error (error, GP_ERROR, GP_ERROR_LIMIT_EXCEEDED,
                   "%zu keys in the update; the limit is %u",
                   g_variant_n_children (updates), limits->max_keys);
      return NULL;
    }
  if (!add_entries (table, settings, FALSE, limits, error) ||
      !add_entries (table, updates, TRUE, limits, error) ||
      !check_size (table, limits, error))
    return NULL;
  return settings_from_table (table);
}

const char *
gp_settings_lookup (GVariant *settings, const char *key)
{
  const char *value = NULL;

  if (settings == NULL || !g_variant_lookup (settings, key, "&s", &value))
    return NULL;
  return value;
}

char *
gp_settings_to_json (GVariant *settings)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) root = NULL;
  GVariantIter iter;
  const char *key, *value;

  json_builder_begin_object (builder);
  g_variant_iter_init (&iter, settings);
  while (g_variant_iter_next (&iter, "{&s&s}", &key, &value))
    {
      json_builder_set_member_name (builder, key);
      json_builder_add_string_value (builder, value);
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

GVariant *
gp_settings_from_json (const char *json, GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GHashTable) table = g_hash_table_new (g_str_hash, g_str_equal);
  JsonObjectIter iter;
  JsonObject *object;
  JsonNode *root, *node;
  const char *key;

  if (!json_parser_load_from_data (parser, json, -1, error))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, GP_ERROR, GP_ERROR_INVALID_ARGUMENT,
                           "settings are not a JSON object");
      return NULL;
    }
  object = json_node_get_object (root);
  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &key, &node))
    {
      /* json-glib takes octal escapes ("\377"), which JSON has not, and
       * hands back what they spell, UTF-8 or not: a{ss} takes only UTF-8. */
      if (!g_utf8_validate (key, -1, NULL) ||
          (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING &&
           !g_utf8_validate (json_node_get_string (node), -1, NULL)))
        {
          g_set_error_literal (error, GP_ERROR, GP_ERROR_INVALID_ARGUMENT,
                               "settings hold a string that is not valid UTF-8");
          return NULL;
        }
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        {
          g_set_error (error, GP_ERROR, GP_ERROR_INVALID_ARGUMENT,
                       "settings value of “%s” is not a string", key);
          return NULL;
        }
      g_hash_table_insert (table, (gpointer) key, (gpointer) json_node_get_string (node));
    }
  return settings_from_table (table);
}

static const char *
valid_address (GVariant *settings, const char *key, GPtrArray *problems)
{
  const char *value = gp_settings_lookup (settings, key);
  g_autoptr(GError) error = NULL;

  if (value == NULL || value[0] == '\0')
    return NULL;
  if (!gp_address_validate (value, &error))
    {
      if (problems)
        g_ptr_array_add (problems, g_strdup_printf ("%s: %s", key, error->message));
      return NULL;
    }
  return value;
}

const char *
gp_peer_data_address_for (GVariant *settings, const char *key)
{
  const char *value = valid_address (settings, key && key[0] ? key : "private-address", NULL);

  return value ? value : "";
}

GpPeerData *
gp_peer_data_new (GVariant *settings, const GpLimits *limits, GError **error)
{
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GpPeerData) data = g_new0 (GpPeerData, 1);
  g_autoptr(GError) local = NULL;
  const char *ingress, *private, *bricks, *key, *value;
  GVariantBuilder addresses;
  GVariantIter iter;

  /* Same reason as in settings_from_table(): a caller's bag may be fresh
   * from a builder. */
  (void) g_variant_get_data (settings);

  /* Addresses lists only usable addresses, so it agrees with Address and
   * IpMap; a bad one is reported once, as a problem. */
  g_variant_builder_init (&addresses, G_VARIANT_TYPE ("a{ss}"));
  g_variant_iter_init (&iter, settings);
  while (g_variant_iter_next (&iter, "{&s&s}", &key, &value))
    {
      gsize len = strlen (key);

      if (len > strlen ("-address") && g_str_has_suffix (key, "-address") &&
          valid_address (settings, key, problems))
        {
          g_autofree char *type = g_strndup (key, len - strlen ("-address"));
          g_variant_builder_add (&addresses, "{ss}", type, value);
        }
    }
  ingress = valid_address (settings, "ingress-address", NULL);
  private = valid_address (settings, "private-address", NULL);
  data->address = g_strdup (ingress ? ingress : private ? private : "");
  data->addresses = g_variant_ref_sink (g_variant_builder_end (&addresses));

  bricks = gp_settings_lookup (settings, "bricks");
  if (bricks && bricks[0])
    {
      data->bricks = gp_bricks_parse (bricks, limits->max_bricks, &local);
      if (data->bricks == NULL)
        {
          if (g_error_matches (local, GP_ERROR, GP_ERROR_LIMIT_EXCEEDED))
            {
              g_propagate_error (error, g_steal_pointer (&local));
              return NULL;
            }
          g_ptr_array_add (problems, g_strdup (local->message));
        }
    }
  if (data->bricks == NULL)
    data->bricks = g_new0 (char *, 1);

  data->available = data->address[0] != '\0' && data->bricks[0] != NULL;
  g_ptr_array_add (problems, NULL);
  data->problems = (GStrv) g_ptr_array_steal (problems, NULL);
  return g_steal_pointer (&data);
}

void
gp_peer_data_free (GpPeerData *data)
{
  if (data == NULL)
    return;
  g_free (data->address);
  g_clear_pointer (&data->addresses, g_variant_unref);
  g_strfreev (data->bricks);
  g_strfreev (data->problems);
  g_free (data);
}
