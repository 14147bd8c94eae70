/* gp-model-queries.c: the read-only answers anyone may ask of a relation. */
#include "config.h"

#include "gp-bricks.h"
#include "gp-error.h"
#include "gp-model-private.h"

/* "" means the unit's Address (ingress-address, else private-address), so
 * a charm probes and builds volumes with the address it shows. */
static const char *
address_key (const char *key, GError **error)
{
  if (key[0] == '\0')
    return key;
  return gp_settings_key_validate (key, error) ? key : NULL;
}

/* The unit's address under @key; "" is the Address already kept. */
static char *
unit_address (GpModelUnit *unit, const char *key)
{
  if (key[0] == '\0')
    return g_strdup (unit->address);
  return gp_peer_data_dup_address (unit->settings, key);
}

static void
peer_entry_clear (gpointer data)
{
  g_free (((GpPeerEntry *) data)->address);
}

/* The local unit's bricks, as its peers would read them. */
static GStrv
local_bricks (GpModelRelation *relation)
{
  const char *value = gp_settings_lookup (relation->local_settings, "bricks");
  GStrv bricks = NULL;

  if (value && value[0])
    bricks = gp_bricks_parse (value, relation->limits->max_bricks, NULL);
  return bricks ? bricks : g_new0 (char *, 1);
}

GArray *
gp_model_peer_entries (GpModelRelation *relation, const char *key, gboolean with_local,
                       GStrv *out_local_bricks, GError **error)
{
  GArray *entries;

  if ((key = address_key (key, error)) == NULL)
    return NULL;
  entries = g_array_sized_new (FALSE, FALSE, sizeof (GpPeerEntry),
                               relation->sorted_units->len + 1);
  g_array_set_clear_func (entries, peer_entry_clear);
  for (guint i = 0; i < relation->sorted_units->len; i++)
    {
      GpModelUnit *unit = relation->sorted_units->pdata[i];
      GpPeerEntry entry = {
        unit->name, unit->host_name,
        unit_address (unit, key),
        (const char *const *) unit->bricks,
      };

      g_array_append_val (entries, entry);
    }
  if (with_local && relation->local_unit[0])
    {
      GpPeerEntry entry = { relation->local_unit, NULL,
                            gp_peer_data_dup_address (relation->local_settings, key), NULL };

      *out_local_bricks = local_bricks (relation);
      entry.bricks = (const char *const *) *out_local_bricks;
      g_array_append_val (entries, entry);
    }
  return entries;
}

GPtrArray *
gp_model_retrieve_remote (GpModelRelation *relation, const char *key, GError **error)
{
  GPtrArray *values;

  if (!gp_settings_key_validate (key, error))
    return NULL;
  values = g_ptr_array_new ();
  for (guint i = 0; i < relation->sorted_units->len; i++)
    {
      GpModelUnit *unit = relation->sorted_units->pdata[i];
      const char *value = gp_settings_lookup (unit->settings, key);

      if (value && value[0])
        g_ptr_array_add (values, (gpointer) value);
    }
  return values;
}

/* Answers kept per relation until it changes; a few, so that callers
 * varying the arguments cannot make the cache grow. */
#define VOLUME_CACHE_MAX 16

static GStrv
compute_volume_bricks (GpModelRelation *relation, guint replica, const char *key,
                       GError **error)
{
  GPtrArray *units = relation->sorted_units;
  const char *local = relation->local_unit;
  g_autofree GpHostBricks *hosts = g_new0 (GpHostBricks, units->len + 1);
  g_autoptr(GPtrArray) addresses = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) own_bricks = NULL;
  gboolean local_placed = local[0] == '\0';
  guint n = 0;

  if ((key = address_key (key, error)) == NULL)
    return NULL;

  /* The local unit takes its place among the remote ones by name, so every
   * unit computes the same order. */
  for (guint i = 0; i <= units->len; i++)
    {
      GpModelUnit *unit = i < units->len ? units->pdata[i] : NULL;

      if (!local_placed && (unit == NULL || gp_unit_name_compare (local, unit->name) < 0))
        {
          own_bricks = local_bricks (relation);
          g_ptr_array_add (addresses, gp_peer_data_dup_address (relation->local_settings, key));
          hosts[n++] = (GpHostBricks) {
            addresses->pdata[addresses->len - 1],
            (const char *const *) own_bricks,
            TRUE,
          };
          local_placed = TRUE;
        }
      if (unit && (local[0] == '\0' || !g_str_equal (local, unit->name)))
        {
          g_ptr_array_add (addresses, unit_address (unit, key));
          hosts[n++] = (GpHostBricks) {
            addresses->pdata[addresses->len - 1],
            (const char *const *) unit->bricks,
            TRUE,
          };
        }
    }
  return gp_volume_bricks (hosts, n, replica, error);
}

#define VOLUME_CACHE_KEY(replica, key) g_strdup_printf ("%u %s", (replica), (key))

gboolean
gp_model_volume_bricks_is_kept (GpModelRelation *relation, guint replica, const char *key)
{
  g_autofree char *cache_key = VOLUME_CACHE_KEY (replica, key);

  return relation->volume_generation == relation->generation &&
         g_hash_table_contains (relation->volume_cache, cache_key);
}

const char *const *
gp_model_volume_bricks_last (GpModelRelation *relation, guint replica, const char *key)
{
  g_autofree char *cache_key = VOLUME_CACHE_KEY (replica, key);

  return g_hash_table_lookup (relation->volume_cache, cache_key);
}

const char *const *
gp_model_volume_bricks (GpModelRelation *relation, guint replica, const char *key,
                        GError **error)
{
  g_autofree char *cache_key = VOLUME_CACHE_KEY (replica, key);
  GStrv cached, bricks;

  if (relation->volume_generation != relation->generation ||
      g_hash_table_size (relation->volume_cache) >= VOLUME_CACHE_MAX)
    {
      g_hash_table_remove_all (relation->volume_cache);
      relation->volume_generation = relation->generation;
    }
  cached = g_hash_table_lookup (relation->volume_cache, cache_key);
  if (cached)
    return (const char *const *) cached;
  bricks = compute_volume_bricks (relation, replica, key, error);
  if (bricks)
    g_hash_table_insert (relation->volume_cache, g_steal_pointer (&cache_key), bricks);
  return (const char *const *) bricks;
}
