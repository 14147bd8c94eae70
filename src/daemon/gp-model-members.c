/* gp-model-members.c: what a relation knows beyond its units' bags: which
 * relation ids each unit is a member of (one endpoint can hold several at
 * once), the Ids they add up to, the units that departed and what they
 * last advertised, and the problems of the hosts taken together. */
#include "config.h"

#include <stdlib.h>

#include "gp-bricks.h"
#include "gp-model-private.h"

const char *
gp_model_membership (GpModelRelation *relation, const char *id)
{
  if (id && id[0])
    return id;
  return relation->id[0] ? relation->id : relation->name;
}

/* "server:10" after "server:9": ids in the order Juju made them. */
static guint64
id_number (const char *id)
{
  const char *colon = strrchr (id, ':');

  return colon ? g_ascii_strtoull (colon + 1, NULL, 10) : 0;
}

static gint
compare_ids (gconstpointer a, gconstpointer b)
{
  const char *x = *(const char *const *) a, *y = *(const char *const *) b;
  guint64 nx = id_number (x), ny = id_number (y);

  if (nx != ny)
    return nx < ny ? -1 : 1;
  return strcmp (x, y);
}

GStrv
gp_model_member_of_with (const char *const *member_of, const char *id)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();

  if (g_strv_contains (member_of, id))
    return NULL;
  for (guint i = 0; member_of[i]; i++)
    g_ptr_array_add (ids, g_strdup (member_of[i]));
  g_ptr_array_add (ids, g_strdup (id));
  g_ptr_array_sort (ids, compare_ids);
  g_ptr_array_add (ids, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&ids), FALSE);
}

GStrv
gp_model_member_of_without (const char *const *member_of, const char *id,
                            const char *relation_name)
{
  g_autoptr(GStrvBuilder) left = g_strv_builder_new ();

  /* A departure naming no id is from the endpoint as a whole; one naming
   * an id also ends a membership recorded before any id was known. */
  for (guint i = 0; id && member_of[i]; i++)
    if (!g_str_equal (member_of[i], id) && !g_str_equal (member_of[i], relation_name))
      g_strv_builder_add (left, member_of[i]);
  return g_strv_builder_end (left);
}

static GStrv
compute_ids (GpModelRelation *relation)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key;

  if (relation->id[0])
    g_hash_table_add (seen, relation->id);
  for (guint i = 0; i < relation->sorted_units->len; i++)
    {
      GpModelUnit *unit = relation->sorted_units->pdata[i];

      for (guint j = 0; unit->member_of[j]; j++)
        if (strchr (unit->member_of[j], ':'))
          g_hash_table_add (seen, unit->member_of[j]);
    }
  g_hash_table_iter_init (&iter, seen);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (ids, g_strdup (key));
  g_ptr_array_sort (ids, compare_ids);
  g_ptr_array_add (ids, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&ids), FALSE);
}

/* Every host's Address, the local unit's included: two units on one
 * address are a problem wherever they are. */
static GStrv
compute_problems (GpModelRelation *relation)
{
  guint n = relation->sorted_units->len;
  g_autofree GpHostBricks *hosts = g_new0 (GpHostBricks, n + 1);
  g_autofree const char **names = g_new0 (const char *, n + 2);
  g_autofree char *local_address = NULL;

  for (guint i = 0; i < n; i++)
    {
      GpModelUnit *unit = relation->sorted_units->pdata[i];

      hosts[i].address = unit->address;
      names[i] = unit->name;
    }
  if (relation->local_unit[0])
    {
      local_address = gp_peer_data_dup_address (relation->local_settings, "");
      hosts[n].address = local_address;
      names[n++] = relation->local_unit;
    }
  return gp_hosts_problems (hosts, names, n);
}

GpRelationProps
gp_model_relation_refresh (GpModelRelation *relation)
{
  GpRelationProps props = 0;

  if (relation->ids_dirty)
    {
      g_auto(GStrv) ids = compute_ids (relation);

      if (!g_strv_equal ((const char *const *) ids, (const char *const *) relation->ids))
        {
          g_strfreev (relation->ids);
          relation->ids = g_steal_pointer (&ids);
          props |= GP_RELATION_PROP_IDS;
        }
      relation->ids_dirty = FALSE;
    }
  if (relation->hosts_dirty)
    {
      g_auto(GStrv) problems = compute_problems (relation);

      if (!g_strv_equal ((const char *const *) problems,
                         (const char *const *) relation->problems))
        {
          g_strfreev (relation->problems);
          relation->problems = g_steal_pointer (&problems);
          props |= GP_RELATION_PROP_PROBLEMS;
        }
      relation->hosts_dirty = FALSE;
    }
  return props;
}

void
gp_model_departed_add (GpModelRelation *relation, const char *unit, const char *address,
                       const char *const *bricks)
{
  GVariant *entry = g_variant_ref_sink (g_variant_new ("(s^as)", address, bricks));

  /* A unit that departs twice keeps both costs until cleared: an upper
   * bound is all the budget needs. */
  g_tree_replace (relation->departed, g_strdup (unit), entry);
  gp_model_budget_update (relation->model, &relation->departed_cost,
                          relation->departed_cost + gp_model_departed_cost (address, bricks));
}

static gint
compare_unit_names (gconstpointer a, gconstpointer b, gpointer data)
{
  return gp_unit_name_compare (a, b);
}

GTree *
gp_model_departed_new (void)
{
  return g_tree_new_full (compare_unit_names, NULL, g_free, (GDestroyNotify) g_variant_unref);
}

void
gp_model_departed_clear (GpModelRelation *relation)
{
  g_tree_destroy (relation->departed);
  relation->departed = gp_model_departed_new ();
  gp_model_budget_update (relation->model, &relation->departed_cost, 0);
}

static gboolean
add_departed_entry (gpointer key, gpointer value, gpointer data)
{
  g_variant_builder_add (data, "{s@(sas)}", key, value);
  return FALSE;
}

GVariant *
gp_model_relation_get_departed (GpModelRelation *relation)
{
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a{s(sas)}"));
  g_tree_foreach (relation->departed, add_departed_entry, &builder);
  return g_variant_ref_sink (g_variant_builder_end (&builder));
}

const char *const *
gp_model_relation_get_ids (GpModelRelation *relation)
{
  return (const char *const *) relation->ids;
}

const char *const *
gp_model_relation_get_problems (GpModelRelation *relation)
{
  return (const char *const *) relation->problems;
}

const char *const *
gp_model_unit_get_member_of (GpModelUnit *unit)
{
  return (const char *const *) unit->member_of;
}
