#include "config.h"

#include <string.h>

#include "gp-bricks.h"
#include "gp-error.h"
#include "gp-json.h"
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

/* ---- reading bags --------------------------------------------------------
 * The daemon runs these on every hook call and, at start-up, for every
 * stored unit: they read entries directly, without format strings, and
 * skip re-sorting a bag that is sorted already. */

/* Entry @i of the a{ss} @settings; the strings are borrowed from it. */
static void
entry_at (GVariant *settings, gsize i, const char **key, const char **value)
{
  g_autoptr(GVariant) entry = NULL;

  /* Serialised, the strings live in the bag's own buffer; a tree-form bag
   * would free them when something serialises it later. */
  (void) g_variant_get_data (settings);
  entry = g_variant_get_child_value (settings, i);
  g_autoptr(GVariant) k = g_variant_get_child_value (entry, 0);
  g_autoptr(GVariant) v = g_variant_get_child_value (entry, 1);

  *key = g_variant_get_string (k, NULL);
  *value = g_variant_get_string (v, NULL);
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

/* TRUE when @settings is a non-floating a{ss} with strictly increasing keys
 * whose entries all pass check_entry(); FALSE, with @error set when an
 * entry failed, otherwise. */
static gboolean
is_canonical (GVariant *settings, const GpLimits *limits, GError **error)
{
  const char *key, *value, *previous = NULL;
  gsize i, n = g_variant_n_children (settings);

  if (g_variant_is_floating (settings))
    return FALSE;
  for (i = 0; i < n; i++)
    {
      entry_at (settings, i, &key, &value);
      if (previous && strcmp (previous, key) >= 0)
        return FALSE;
      if (!check_entry (key, value, limits, error))
        return FALSE;
      previous = key;
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
  if (is_canonical (settings, limits, error))
    {
      /* Already sorted without duplicates (what clients that sort, and
       * the daemon itself, send): checked, and kept as it is. */
      GVariant *result = g_variant_ref (settings);

      (void) g_variant_get_data (result); /* as settings_from_table() does */
      return result;
    }
  if (error && *error)
    return NULL;
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
  const char *k, *v;
  gsize i, n;

  /* g_variant_lookup() without its format strings: the first match. */
  if (settings == NULL)
    return NULL;
  n = g_variant_n_children (settings);
  for (i = 0; i < n; i++)
    {
      entry_at (settings, i, &k, &v);
      if (strcmp (k, key) == 0)
        return v;
    }
  return NULL;
}

char *
gp_settings_to_json (GVariant *settings)
{
  g_autoptr(json_t) object = json_object ();
  GVariantIter iter;
  const char *key, *value;

  g_variant_iter_init (&iter, settings);
  while (g_variant_iter_next (&iter, "{&s&s}", &key, &value))
    json_object_set_new (object, key, gp_json_string (value));
  return gp_json_to_string (object, JSON_COMPACT);
}

/* The state file's settings: one object of strings (depth 1). */
GVariant *
gp_settings_from_json (const char *json, GError **error)
{
  g_autoptr(GHashTable) table = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GError) local = NULL;
  g_autoptr(json_t) root = NULL;
  const char *key;
  json_t *value;

  root = gp_json_parse (json, JSON_DECODE_ANY, &local);
  if (root == NULL)
    {
      g_set_error (error, GP_ERROR, GP_ERROR_INVALID_ARGUMENT,
                   "settings are not valid JSON: %s", local->message);
      return NULL;
    }
  if (!json_is_object (root))
    {
      g_set_error_literal (error, GP_ERROR, GP_ERROR_INVALID_ARGUMENT,
                           "settings are not a JSON object");
      return NULL;
    }
  json_object_foreach (root, key, value)
    {
      if (!json_is_string (value))
        {
          g_set_error (error, GP_ERROR, GP_ERROR_INVALID_ARGUMENT,
                       "settings value of “%s” is not a string", key);
          return NULL;
        }
      g_hash_table_insert (table, (gpointer) key, (gpointer) json_string_value (value));
    }
  return settings_from_table (table);
}

/* @value of @key as gluster takes it (an IPv6 address without brackets),
 * when it is a usable address; a bad one is a problem. */
static char *
check_address (const char *key, const char *value, GPtrArray *problems)
{
  g_autoptr(GError) error = NULL;

  if (value == NULL || value[0] == '\0')
    return NULL;
  if (!gp_address_validate (value, &error))
    {
      if (problems)
        g_ptr_array_add (problems, g_strdup_printf ("%s: %s", key, error->message));
      return NULL;
    }
  return gp_address_bare (value, NULL);
}

/* ingress-address, else private-address: what Juju documents as the
 * address peers should use. */
static char *
unit_address (const char *ingress, const char *private)
{
  char *address = check_address ("ingress-address", ingress, NULL);

  return address ? address : check_address ("private-address", private, NULL);
}

char *
gp_peer_data_dup_address (GVariant *settings, const char *key)
{
  char *value;

  if (key == NULL || key[0] == '\0')
    value = unit_address (gp_settings_lookup (settings, "ingress-address"),
                          gp_settings_lookup (settings, "private-address"));
  else
    value = check_address (key, gp_settings_lookup (settings, key), NULL);
  return value ? value : g_strdup ("");
}

typedef struct {
  const char *key;
  const char *value;
} Entry;

/* gp_settings_lookup() on the entries read once. */
static const char *
entries_lookup (const Entry *entries, gsize n, const char *key)
{
  gsize i;

  for (i = 0; i < n; i++)
    if (strcmp (entries[i].key, key) == 0)
      return entries[i].value;
  return NULL;
}

static GpPeerData *peer_data_read (GVariant *settings, const GpLimits *limits,
                                   gboolean read_bricks, GError **error);

GpPeerData *
gp_peer_data_new (GVariant *settings, const GpLimits *limits, GError **error)
{
  return peer_data_read (settings, limits, TRUE, error);
}

GpPeerData *
gp_peer_data_new_stored (GVariant *settings, const char *const *bricks)
{
  static const GpLimits unlimited = { .max_bricks = G_MAXUINT };
  /* Stored bricks came from this bag: when there are some, the bag's list
   * parsed and has no problem to report, so it is not parsed again. */
  gboolean read_bricks = bricks[0] == NULL;
  GpPeerData *data = peer_data_read (settings, &unlimited, read_bricks, NULL);

  g_strfreev (data->bricks);
  data->bricks = g_strdupv ((GStrv) bricks);
  data->available = data->address[0] != '\0' && data->bricks[0] != NULL;
  return data;
}

static GpPeerData *
peer_data_read (GVariant *settings, const GpLimits *limits, gboolean read_bricks,
                GError **error)
{
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GpPeerData) data = g_new0 (GpPeerData, 1);
  g_autoptr(GError) local = NULL;
  g_autofree Entry *heap = NULL;
  Entry stack[16], *entries;
  const char *bricks;
  char *address;
  GVariantBuilder addresses;
  gsize i, n;

  /* Same reason as in settings_from_table(): a caller's bag may be fresh
   * from a builder. */
  (void) g_variant_get_data (settings);

  /* Read the bag once; every lookup below is on these. */
  n = g_variant_n_children (settings);
  entries = n <= G_N_ELEMENTS (stack) ? stack : (heap = g_new (Entry, n));
  for (i = 0; i < n; i++)
    entry_at (settings, i, &entries[i].key, &entries[i].value);

  /* Addresses lists only usable addresses, so it agrees with Address and
   * IpMap; a bad one is reported once, as a problem. */
  g_variant_builder_init (&addresses, G_VARIANT_TYPE ("a{ss}"));
  for (i = 0; i < n; i++)
    {
      const char *key = entries[i].key;
      gsize len = strlen (key);

      if (len > strlen ("-address") && g_str_has_suffix (key, "-address") &&
          (address = check_address (key, entries[i].value, problems)))
        {
          g_autofree char *type = g_strndup (key, len - strlen ("-address"));

          g_variant_builder_add_value (&addresses,
                                       g_variant_new_dict_entry (g_variant_new_string (type),
                                                                 g_variant_new_take_string (address)));
        }
    }
  data->address = unit_address (entries_lookup (entries, n, "ingress-address"),
                                entries_lookup (entries, n, "private-address"));
  if (data->address == NULL)
    data->address = g_strdup ("");
  data->addresses = g_variant_ref_sink (g_variant_builder_end (&addresses));
  /* Kept for the unit's life: one block, not a tree of small ones. */
  (void) g_variant_get_data (data->addresses);

  bricks = read_bricks ? entries_lookup (entries, n, "bricks") : NULL;
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
