/* gp-model.c: relations and units in memory, loading them, and the
 * helpers every hook call shares (the relation row, the observer). */
#include "config.h"

#include "gp-error.h"
#include "gp-model-private.h"

/* ---- units ------------------------------------------------------------------ */

GpModelUnit *
gp_model_unit_new (GpModelRelation *relation, const char *name)
{
  GpModelUnit *unit = g_new0 (GpModelUnit, 1);

  unit->relation = relation;
  unit->name = g_strdup (name);
  unit->host_name = gp_unit_host_name (name);
  unit->settings = g_variant_ref_sink (g_variant_new_array (G_VARIANT_TYPE ("{ss}"), NULL, 0));
  unit->address = g_strdup ("");
  unit->addresses = g_variant_ref (unit->settings);
  unit->bricks = g_new0 (char *, 1);
  unit->problems = g_new0 (char *, 1);
  unit->refused = g_strdup ("");
  unit->member_of = g_new0 (char *, 1);
  return unit;
}

void
gp_model_unit_free (GpModelUnit *unit)
{
  g_free (unit->name);
  g_free (unit->host_name);
  g_variant_unref (unit->settings);
  g_free (unit->address);
  g_variant_unref (unit->addresses);
  g_strfreev (unit->bricks);
  g_strfreev (unit->problems);
  g_free (unit->refused);
  g_strfreev (unit->member_of);
  g_free (unit);
}

static gboolean
strv_equal (char **a, char **b)
{
  return g_strv_equal ((const char *const *) a, (const char *const *) b);
}

#define REPLACE(field, value, free_func) \
  G_STMT_START { free_func (field); (field) = (value); } G_STMT_END

/* Problems: what the kept bag says, then why a newer one was refused. */
static GStrv
problems_new (GpPeerData *data, const char *refused)
{
  g_autoptr(GStrvBuilder) problems = g_strv_builder_new ();

  for (char **problem = data->problems; problem && *problem; problem++)
    g_strv_builder_add (problems, *problem);
  if (refused[0] != '\0')
    g_strv_builder_add (problems, refused);
  return g_strv_builder_end (problems);
}

GpUnitProps
gp_model_unit_update (GpModelUnit *unit, GVariant *settings, GpPeerData *data,
                      const char *refused)
{
  g_auto(GStrv) problems = problems_new (data, refused);
  GpUnitProps props = 0;

  if (!g_str_equal (unit->address, data->address))
    {
      props |= GP_UNIT_PROP_ADDRESS;
      unit->relation->hosts_dirty = TRUE;
    }
  if (!g_variant_equal (unit->addresses, data->addresses))
    props |= GP_UNIT_PROP_ADDRESSES;
  if (!strv_equal (unit->bricks, data->bricks))
    props |= GP_UNIT_PROP_BRICKS;
  if (!g_variant_equal (unit->settings, settings))
    props |= GP_UNIT_PROP_SETTINGS;
  if (unit->available != data->available)
    props |= GP_UNIT_PROP_AVAILABLE;
  if (!strv_equal (unit->problems, problems))
    props |= GP_UNIT_PROP_PROBLEMS;

  if (unit->available != data->available)
    unit->relation->n_available += data->available ? 1 : -1;
  REPLACE (unit->settings, g_variant_ref_sink (settings), g_variant_unref);
  REPLACE (unit->address, g_steal_pointer (&data->address), g_free);
  REPLACE (unit->addresses, g_steal_pointer (&data->addresses), g_variant_unref);
  REPLACE (unit->bricks, g_steal_pointer (&data->bricks), g_strfreev);
  REPLACE (unit->problems, g_steal_pointer (&problems), g_strfreev);
  if (!g_str_equal (unit->refused, refused))
    REPLACE (unit->refused, g_strdup (refused), g_free);
  unit->available = data->available;
  gp_peer_data_free (data);
  gp_model_budget_update (unit->relation->model, &unit->cost,
                          gp_model_unit_cost (unit->settings, (const char *const *) unit->bricks));
  unit->relation->generation++;
  return props;
}

GpUnitProps
gp_model_unit_set_refused (GpModelUnit *unit, const char *refused)
{
  guint n = g_strv_length (unit->problems);
  g_autoptr(GStrvBuilder) problems = g_strv_builder_new ();

  if (g_str_equal (unit->refused, refused))
    return 0;
  /* The bag's own problems stay; the old refusal, listed last, goes. */
  if (unit->refused[0] != '\0' && n > 0)
    n--;
  for (guint i = 0; i < n; i++)
    g_strv_builder_add (problems, unit->problems[i]);
  if (refused[0] != '\0')
    g_strv_builder_add (problems, refused);
  REPLACE (unit->problems, g_strv_builder_end (problems), g_strfreev);
  REPLACE (unit->refused, g_strdup (refused), g_free);
  unit->relation->generation++;
  return GP_UNIT_PROP_PROBLEMS;
}

/* ---- relations -------------------------------------------------------------- */

GpModelRelation *
gp_model_relation_new (GpModel *self, const char *name)
{
  GpModelRelation *relation = g_new0 (GpModelRelation, 1);

  relation->name = g_strdup (name);
  relation->id = g_strdup ("");
  relation->local_unit = g_strdup ("");
  relation->local_settings = g_variant_ref_sink (g_variant_new_array (G_VARIANT_TYPE ("{ss}"),
                                                                      NULL, 0));
  relation->units = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                           (GDestroyNotify) gp_model_unit_free);
  relation->sorted_units = g_ptr_array_new ();
  relation->limits = &self->limits;
  relation->model = self;
  relation->volume_cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                  (GDestroyNotify) g_strfreev);
  relation->ids = g_new0 (char *, 1);
  relation->problems = g_new0 (char *, 1);
  relation->departed = gp_model_departed_new ();
  return relation;
}

void
gp_model_relation_free (GpModelRelation *relation)
{
  g_ptr_array_unref (relation->sorted_units);
  g_hash_table_unref (relation->units);
  g_free (relation->name);
  g_free (relation->id);
  g_free (relation->local_unit);
  g_variant_unref (relation->local_settings);
  g_hash_table_unref (relation->volume_cache);
  g_strfreev (relation->ids);
  g_strfreev (relation->problems);
  g_tree_destroy (relation->departed);
  g_free (relation);
}

guint
gp_model_relation_states (GpModelRelation *relation)
{
  return relation->edge_states |
         (relation->sorted_units->len > 0 ? GP_STATE_CONNECTED : 0) |
         (relation->n_available > 0 ? GP_STATE_AVAILABLE : 0);
}

void
gp_model_row_init (GpModelRelation *relation, GpRelationRow *row, const char *id)
{
  row->id = id ? id : relation->id;
  row->local_unit = relation->local_unit;
  row->local_settings = relation->local_settings;
  row->edge_states = relation->edge_states;
}

gboolean
gp_model_row_differs (GpModelRelation *relation, const GpRelationRow *row)
{
  return !relation->stored ||
         !g_str_equal (row->id, relation->id) ||
         !g_str_equal (row->local_unit, relation->local_unit) ||
         !g_variant_equal (row->local_settings, relation->local_settings) ||
         row->edge_states != relation->edge_states;
}

static gboolean
put_row (GpModel *self, GpModelRelation *relation, const GpRelationRow *row, GError **error)
{
  GpRelationRecord record = {
    .name = relation->name,
    .id = row->id,
    .local_unit = row->local_unit,
    .local_settings = row->local_settings,
    .edge_states = row->edge_states,
  };

  return gp_store_put_relation (self->store, &record, error);
}

gboolean
gp_model_write (GpModel *self, GpModelRelation *relation, const GpRelationRow *row,
                const char *unit, GVariant *settings, const char *const *bricks,
                const char *refused, GError **error)
{
  return gp_model_write_member (self, relation, row, unit, settings, bricks, refused, NULL,
                                error);
}

gboolean
gp_model_write_member (GpModel *self, GpModelRelation *relation, const GpRelationRow *row,
                       const char *unit, GVariant *settings, const char *const *bricks,
                       const char *refused, const char *const *member_of, GError **error)
{
  gboolean delete_unit = unit && !settings && !member_of;

  if (!gp_store_begin (self->store, error))
    return FALSE;
  if ((gp_model_row_differs (relation, row) && !put_row (self, relation, row, error)) ||
      (unit && settings && !gp_store_put_unit (self->store, relation->name, unit,
                                               settings, bricks, refused, error)) ||
      (unit && member_of && !gp_store_put_member_of (self->store, relation->name, unit,
                                                     member_of, error)) ||
      (delete_unit && !gp_store_delete_unit (self->store, relation->name, unit, error)) ||
      !gp_store_commit (self->store, error))
    {
      gp_store_rollback (self->store);
      return FALSE;
    }
  return TRUE;
}

gboolean
gp_model_write_departure (GpModel *self, GpModelRelation *relation, const GpRelationRow *row,
                          GpModelUnit *unit, GError **error)
{
  if (!gp_store_begin (self->store, error))
    return FALSE;
  if ((gp_model_row_differs (relation, row) && !put_row (self, relation, row, error)) ||
      !gp_store_delete_unit (self->store, relation->name, unit->name, error) ||
      !gp_store_put_departed (self->store, relation->name, unit->name, unit->address,
                              (const char *const *) unit->bricks, error) ||
      !gp_store_commit (self->store, error))
    {
      gp_store_rollback (self->store);
      return FALSE;
    }
  return TRUE;
}

gboolean
gp_model_write_departed_cleared (GpModel *self, GpModelRelation *relation,
                                 const GpRelationRow *row, GError **error)
{
  if (!gp_store_begin (self->store, error))
    return FALSE;
  if ((gp_model_row_differs (relation, row) && !put_row (self, relation, row, error)) ||
      !gp_store_clear_departed (self->store, relation->name, error) ||
      !gp_store_commit (self->store, error))
    {
      gp_store_rollback (self->store);
      return FALSE;
    }
  return TRUE;
}

GpRelationProps
gp_model_apply_row (GpModelRelation *relation, const GpRelationRow *row)
{
  GpRelationProps props = 0;
  guint states_before = gp_model_relation_states (relation);

  if (!g_str_equal (row->id, relation->id))
    {
      REPLACE (relation->id, g_strdup (row->id), g_free);
      props |= GP_RELATION_PROP_ID;
      relation->ids_dirty = TRUE;
    }
  if (!g_str_equal (row->local_unit, relation->local_unit))
    {
      REPLACE (relation->local_unit, g_strdup (row->local_unit), g_free);
      props |= GP_RELATION_PROP_LOCAL_UNIT;
      relation->hosts_dirty = TRUE;
    }
  if (!g_variant_equal (row->local_settings, relation->local_settings))
    {
      relation->hosts_dirty = TRUE;
      REPLACE (relation->local_settings, g_variant_ref (row->local_settings), g_variant_unref);
      props |= GP_RELATION_PROP_LOCAL_SETTINGS;
      if (g_hash_table_lookup (relation->model->relations, relation->name) == relation)
        gp_model_budget_update (relation->model, &relation->cost,
                                gp_model_relation_cost (relation->local_settings));
    }
  relation->edge_states = row->edge_states;
  relation->stored = TRUE;
  relation->generation++;
  if (gp_model_relation_states (relation) != states_before)
    props |= GP_RELATION_PROP_STATES;
  return props;
}

/* ---- publishing ------------------------------------------------------------- */

void
gp_model_publish_relation (GpModel *self, GpModelRelation *relation)
{
  if (g_hash_table_contains (self->relations, relation->name))
    return;
  g_hash_table_insert (self->relations, relation->name, relation);
  gp_model_budget_update (self, &relation->cost,
                          gp_model_relation_cost (relation->local_settings));
  gp_model_relation_refresh (relation); /* its values go out with it */
  if (self->observer.relation_added)
    self->observer.relation_added (self->observer_data, relation);
}

void
gp_model_publish_relation_changed (GpModel *self, GpModelRelation *relation,
                                   GpRelationProps props)
{
  props |= gp_model_relation_refresh (relation);
  if (props != 0 && self->observer.relation_changed)
    self->observer.relation_changed (self->observer_data, relation, props);
}

/* ---- loading ---------------------------------------------------------------- */

static void
load_relation (const GpRelationRecord *record, gpointer user_data)
{
  GpModel *self = user_data;
  g_autofree char *name = NULL, *id = NULL;
  g_autoptr(GError) error = NULL;
  GpModelRelation *relation;

  if (!gp_name_validate (record->name, "relation name", &error))
    {
      g_warning ("Skipping a stored relation: %s", error->message);
      return;
    }
  /* Two rows can read as one name only in a damaged file (a NUL inside). */
  if (g_hash_table_contains (self->relations, record->name))
    {
      g_warning ("Skipping a second stored relation %s", record->name);
      return;
    }
  relation = gp_model_relation_new (self, record->name);
  /* Id and local unit go out as D-Bus strings: one that is not what a
   * hook would have stored (a damaged or hand-edited file) is dropped. */
  if (record->id[0] != '\0' &&
      (!gp_relation_parse (record->id, &name, &id, NULL) || id == NULL ||
       !g_str_equal (name, record->name)))
    g_warning ("Stored relation %s has a bad relation id; dropping it", record->name);
  else
    REPLACE (relation->id, g_strdup (record->id), g_free);
  if (record->local_unit[0] != '\0' && !gp_unit_name_validate (record->local_unit, NULL))
    g_warning ("Stored relation %s has a bad local unit name; dropping it", record->name);
  else
    REPLACE (relation->local_unit, g_strdup (record->local_unit), g_free);
  REPLACE (relation->local_settings, g_variant_ref (record->local_settings), g_variant_unref);
  relation->edge_states = record->edge_states & GP_STATES_EDGE;
  relation->stored = TRUE;
  g_hash_table_insert (self->relations, relation->name, relation);
  gp_model_budget_update (self, &relation->cost,
                          gp_model_relation_cost (relation->local_settings));
}

/* The stored bricks, not a fresh parse, are what the unit last announced;
 * diffs after a restart start from them, so nothing is announced twice. */
static void
load_unit (const char *relation_name, const char *unit_name, GVariant *settings,
           const char *const *bricks, const char *refused, gpointer user_data)
{
  GpModel *self = user_data;
  GpModelRelation *relation = g_hash_table_lookup (self->relations, relation_name);
  GpModelUnit *unit;
  GpPeerData *data;

  if (relation == NULL || !gp_unit_name_validate (unit_name, NULL))
    {
      g_warning ("Skipping stored unit “%s” of relation “%s”", unit_name, relation_name);
      return;
    }
  if (g_hash_table_contains (relation->units, unit_name))
    return;
  data = gp_peer_data_new_stored (settings, bricks);

  unit = gp_model_unit_new (relation, unit_name);
  gp_model_unit_update (unit, settings, data, refused ? refused : "");
  g_hash_table_insert (relation->units, unit->name, unit);
  /* Sorted once after loading: cheaper than inserting in order. */
  g_ptr_array_add (relation->sorted_units, unit);
}

/* Ids not of this relation (a damaged file) are dropped; none left (a
 * database from before memberships were kept): a member of the relation's
 * latest id. */
static void
load_member_of (const char *relation_name, const char *unit_name,
                const char *const *member_of, gpointer user_data)
{
  GpModelUnit *unit = gp_model_lookup_unit (user_data, relation_name, unit_name);
  g_auto(GStrv) kept = NULL;

  if (unit == NULL)
    return;
  kept = g_new0 (char *, 1);
  for (guint i = 0; member_of[i]; i++)
    {
      g_autofree char *name = NULL, *id = NULL;
      GStrv with;

      if (!g_str_equal (member_of[i], relation_name) &&
          (!gp_relation_parse (member_of[i], &name, &id, NULL) || id == NULL ||
           !g_str_equal (name, relation_name)))
        continue;
      if ((with = gp_model_member_of_with ((const char *const *) kept, member_of[i])))
        REPLACE (kept, with, g_strfreev);
    }
  if (kept[0] == NULL)
    {
      GStrv with = gp_model_member_of_with ((const char *const *) kept,
                                            gp_model_membership (unit->relation, NULL));

      REPLACE (kept, with, g_strfreev);
    }
  REPLACE (unit->member_of, g_steal_pointer (&kept), g_strfreev);
}

static void
load_departed (const char *relation_name, const char *unit_name, const char *address,
               const char *const *bricks, gpointer user_data)
{
  GpModelRelation *relation = gp_model_lookup_relation (user_data, relation_name);

  /* What goes out on the bus must be what a unit could have had. */
  if (relation && gp_unit_name_validate (unit_name, NULL) &&
      (address[0] == '\0' || gp_address_validate (address, NULL)))
    gp_model_departed_add (relation, unit_name, address, bricks);
  else
    g_warning ("Skipping stored departed unit “%s” of relation “%s”", unit_name, relation_name);
}

static gint
compare_units (gconstpointer a, gconstpointer b)
{
  return gp_unit_name_compare ((*(GpModelUnit *const *) a)->name,
                               (*(GpModelUnit *const *) b)->name);
}

GpModel *
gp_model_new (GpStore *store, const GpLimits *limits, GError **error)
{
  GpModel *self = g_new0 (GpModel, 1);
  GHashTableIter iter;
  gpointer value;

  self->store = g_object_ref (store);
  self->limits = *limits;
  self->state_budget = GP_DEFAULT_STATE_BUDGET;
  self->relations = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                           (GDestroyNotify) gp_model_relation_free);
  if (!gp_store_load (store, load_relation, load_unit, self, error) ||
      !gp_store_load_membership (store, load_member_of, load_departed, self, error))
    {
      gp_model_free (self);
      return NULL;
    }
  g_hash_table_iter_init (&iter, self->relations);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      GpModelRelation *relation = value;

      g_ptr_array_sort (relation->sorted_units, compare_units);
      relation->ids_dirty = relation->hosts_dirty = TRUE;
      gp_model_relation_refresh (relation);
    }
  return self;
}

void
gp_model_free (GpModel *self)
{
  g_hash_table_unref (self->relations);
  g_object_unref (self->store);
  g_free (self);
}

void
gp_model_set_observer (GpModel *self, const GpModelObserver *observer, gpointer data)
{
  self->observer = *observer;
  self->observer_data = data;
}

/* ---- lookups ---------------------------------------------------------------- */

static gint
compare_relations (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 ((*(GpModelRelation *const *) a)->name,
                    (*(GpModelRelation *const *) b)->name);
}

GPtrArray *
gp_model_list_relations (GpModel *self)
{
  GPtrArray *list = g_ptr_array_sized_new (g_hash_table_size (self->relations));
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->relations);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (list, value);

  g_ptr_array_sort (list, compare_relations);
  return list;
}

GpModelRelation *
gp_model_lookup_relation (GpModel *self, const char *name)
{
  return g_hash_table_lookup (self->relations, name);
}

GpModelUnit *
gp_model_lookup_unit (GpModel *self, const char *relation_name, const char *unit)
{
  GpModelRelation *relation = g_hash_table_lookup (self->relations, relation_name);

  return relation ? g_hash_table_lookup (relation->units, unit) : NULL;
}

void
gp_model_get_counts (GpModel *self, guint *relations, guint *units, guint *bricks)
{
  GHashTableIter iter;
  gpointer value;
  guint n_units = 0, n_bricks = 0;

  g_hash_table_iter_init (&iter, self->relations);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      GPtrArray *list = ((GpModelRelation *) value)->sorted_units;

      n_units += list->len;
      if (bricks)
        for (guint i = 0; i < list->len; i++)
          n_bricks += g_strv_length (((GpModelUnit *) list->pdata[i])->bricks);
    }
  if (relations)
    *relations = g_hash_table_size (self->relations);
  if (units)
    *units = n_units;
  if (bricks)
    *bricks = n_bricks;
}

/* ---- accessors -------------------------------------------------------------- */

const char *gp_model_relation_get_name (GpModelRelation *r) { return r->name; }
const char *gp_model_relation_get_id (GpModelRelation *r) { return r->id; }
const char *gp_model_relation_get_local_unit (GpModelRelation *r) { return r->local_unit; }
GVariant *gp_model_relation_get_local_settings (GpModelRelation *r) { return r->local_settings; }
GPtrArray *gp_model_relation_get_units (GpModelRelation *r) { return r->sorted_units; }
guint64 gp_model_relation_get_generation (GpModelRelation *r) { return r->generation; }

GStrv
gp_model_relation_get_states (GpModelRelation *relation)
{
  return gp_states_to_strv (gp_model_relation_states (relation));
}

GpModelRelation *gp_model_unit_get_relation (GpModelUnit *u) { return u->relation; }
const char *gp_model_unit_get_name (GpModelUnit *u) { return u->name; }
const char *gp_model_unit_get_host_name (GpModelUnit *u) { return u->host_name; }
const char *gp_model_unit_get_address (GpModelUnit *u) { return u->address; }
GVariant *gp_model_unit_get_addresses (GpModelUnit *u) { return u->addresses; }
const char *const *gp_model_unit_get_bricks (GpModelUnit *u) { return (const char *const *) u->bricks; }
GVariant *gp_model_unit_get_settings (GpModelUnit *u) { return u->settings; }
gboolean gp_model_unit_get_available (GpModelUnit *u) { return u->available; }
const char *const *gp_model_unit_get_problems (GpModelUnit *u) { return (const char *const *) u->problems; }
