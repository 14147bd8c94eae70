/* gp-model-hooks.c: the Manager's hook calls. Each reads top to bottom:
 * validate, persist (one transaction), publish (the observer, in the
 * contract's order: properties, then brick signals; the caller replies). */
#include "config.h"

#include "gp-bricks.h"
#include "gp-error.h"
#include "gp-model-private.h"

static const char *const no_bricks[] = { NULL };

/* The named relation, or a new one that is neither stored nor published:
 * the first successful call does both. */
static GpModelRelation *
relation_lookup_or_new (GpModel *self, const char *name)
{
  GpModelRelation *relation = g_hash_table_lookup (self->relations, name);

  return relation ? relation : gp_model_relation_new (self, name);
}

/* A new relation that a failed call did not publish is dropped. */
static void
relation_release (GpModel *self, GpModelRelation *relation)
{
  if (g_hash_table_lookup (self->relations, relation->name) != relation)
    gp_model_relation_free (relation);
}

static gboolean
is_published (GpModel *self, GpModelRelation *relation)
{
  return g_hash_table_lookup (self->relations, relation->name) == relation;
}

static gboolean
check_unit_limit (GpModelRelation *relation, GError **error)
{
  guint n = g_hash_table_size (relation->units);

  if (n < relation->limits->max_units)
    return TRUE;
  g_set_error (error, GP_ERROR, GP_ERROR_LIMIT_EXCEEDED,
               "relation %s already has %u units; the limit is %u",
               relation->name, n, relation->limits->max_units);
  return FALSE;
}

/* RelationCreated, and a retried hook that changes at most the id: the
 * row is written if it differs, and the relation published. */
static gboolean
relation_touch (GpModel *self, GpModelRelation *relation, const char *id, GError **error)
{
  GpRelationProps props = 0;
  GpRelationRow row;

  gp_model_row_init (relation, &row, id);
  if (!is_published (self, relation) &&
      !gp_model_budget_check (self, 0, gp_model_relation_cost (row.local_settings), error))
    return FALSE;
  if (gp_model_row_differs (relation, &row))
    {
      if (!gp_model_write (self, relation, &row, NULL, NULL, NULL, NULL, error))
        return FALSE;
      props = gp_model_apply_row (relation, &row);
    }
  if (!is_published (self, relation))
    gp_model_publish_relation (self, relation); /* its values go with it */
  else
    gp_model_publish_relation_changed (self, relation, props);
  return TRUE;
}

GpModelRelation *
gp_model_relation_created (GpModel *self, const char *relation_arg, GError **error)
{
  g_autofree char *name = NULL, *id = NULL;
  GpModelRelation *relation;

  if (!gp_relation_parse (relation_arg, &name, &id, error))
    return NULL;
  relation = relation_lookup_or_new (self, name);
  if (!relation_touch (self, relation, id, error))
    {
      relation_release (self, relation);
      return NULL;
    }
  return relation;
}

static guint
sorted_position (GpModelRelation *relation, const char *unit, gboolean *found)
{
  guint lo = 0, hi = relation->sorted_units->len;

  *found = FALSE;
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      GpModelUnit *at = g_ptr_array_index (relation->sorted_units, mid);
      int cmp = gp_unit_name_compare (at->name, unit);

      if (cmp == 0)
        {
          *found = TRUE;
          return mid;
        }
      if (cmp < 0)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

/* Publishes a new unit of @relation (publishing the relation first if it
 * is new), then the relation's changes since @states_before. */
static GpModelUnit *
add_unit (GpModel *self, GpModelRelation *relation, const char *unit_name,
          GVariant *settings, GpPeerData *data, const char *refused,
          GStrv member_of, GpRelationProps props, guint states_before)
{
  GpModelUnit *unit = gp_model_unit_new (relation, unit_name);
  gboolean found;
  guint pos;

  g_strfreev (unit->member_of);
  unit->member_of = member_of;
  relation->ids_dirty = relation->hosts_dirty = TRUE;

  if (!is_published (self, relation))
    {
      gp_model_publish_relation (self, relation);
      props = 0;
      states_before = gp_model_relation_states (relation);
    }
  gp_model_unit_update (unit, settings, data, refused);
  pos = sorted_position (relation, unit_name, &found);
  g_assert (!found);
  g_hash_table_insert (relation->units, unit->name, unit);
  g_ptr_array_insert (relation->sorted_units, (gint) pos, unit);
  if (self->observer.unit_added)
    self->observer.unit_added (self->observer_data, unit);

  props |= GP_RELATION_PROP_UNITS;
  if (gp_model_relation_states (relation) != states_before)
    props |= GP_RELATION_PROP_STATES;
  gp_model_publish_relation_changed (self, relation, props);
  return unit;
}

static GpModelRelation *
parse_unit_call (GpModel *self, const char *relation_arg, const char *unit_name,
                 char **id, GError **error)
{
  g_autofree char *name = NULL;

  if (!gp_relation_parse (relation_arg, &name, id, error) ||
      !gp_unit_name_validate (unit_name, error))
    return NULL;
  return relation_lookup_or_new (self, name);
}

/* The memberships of a unit a call names: NULL if @unit is already a
 * member of what the call names. */
static GStrv
member_of_after (GpModelRelation *relation, GpModelUnit *unit, const char *id)
{
  static const char *const none[] = { NULL };

  return gp_model_member_of_with (unit ? (const char *const *) unit->member_of : none,
                                  gp_model_membership (relation, id));
}

/* Juju holds one relation id per endpoint, two while one replaces
 * another (juju/juju#19631): a unit in more than this many is a caller's
 * mistake, and memberships are not in the state budget. */
#define MAX_MEMBERSHIPS 16

static gboolean
check_member_limit (GpModelRelation *relation, GpModelUnit *unit, const char *id,
                    GError **error)
{
  const char *membership = gp_model_membership (relation, id);

  if (unit == NULL || g_strv_length (unit->member_of) < MAX_MEMBERSHIPS ||
      g_strv_contains ((const char *const *) unit->member_of, membership))
    return TRUE;
  g_set_error (error, GP_ERROR, GP_ERROR_LIMIT_EXCEEDED,
               "unit %s is already a member of %u relation ids of %s; the limit is %u",
               unit->name, g_strv_length (unit->member_of), relation->name, MAX_MEMBERSHIPS);
  return FALSE;
}

/* A known unit whose bag did not change: its membership of @id may have. */
static GpModelUnit *
unit_touch (GpModel *self, GpModelRelation *relation, GpModelUnit *unit, const char *id,
            GError **error)
{
  g_auto(GStrv) member_of = member_of_after (relation, unit, id);
  GpRelationProps props;
  GpRelationRow row;

  if (member_of == NULL)
    return relation_touch (self, relation, id, error) ? unit : NULL;
  gp_model_row_init (relation, &row, id);
  if (!gp_model_write_member (self, relation, &row, unit->name, NULL, NULL, NULL,
                              (const char *const *) member_of, error))
    return NULL;
  props = gp_model_apply_row (relation, &row);
  g_strfreev (unit->member_of);
  unit->member_of = g_steal_pointer (&member_of);
  relation->ids_dirty = TRUE;
  gp_model_publish_relation_changed (self, relation, props);
  return unit;
}

static GpModelUnit *
unit_joined (GpModel *self, GpModelRelation *relation, const char *id,
             const char *unit_name, GError **error)
{
  GpModelUnit *unit = g_hash_table_lookup (relation->units, unit_name);
  g_autoptr(GVariant) empty = NULL;
  g_auto(GStrv) member_of = NULL;
  GpRelationProps props;
  GpRelationRow row;
  guint states_before;

  if (!check_member_limit (relation, unit, id, error))
    return NULL;
  if (unit)
    return unit_touch (self, relation, unit, id, error);
  empty = g_variant_ref_sink (g_variant_new_array (G_VARIANT_TYPE ("{ss}"), NULL, 0));
  if (!check_unit_limit (relation, error) ||
      !gp_model_budget_check (self, 0, gp_model_unit_cost (empty, no_bricks), error))
    return NULL;

  gp_model_row_init (relation, &row, id);
  member_of = member_of_after (relation, NULL, id);
  if (!gp_model_write_member (self, relation, &row, unit_name, empty, NULL, "",
                              (const char *const *) member_of, error))
    return NULL;

  states_before = gp_model_relation_states (relation);
  props = gp_model_apply_row (relation, &row);
  return add_unit (self, relation, unit_name, empty,
                   gp_peer_data_new (empty, relation->limits, NULL), "",
                   g_steal_pointer (&member_of), props, states_before);
}

GpModelUnit *
gp_model_unit_joined (GpModel *self, const char *relation_arg, const char *unit_name,
                      GError **error)
{
  g_autofree char *id = NULL;
  GpModelRelation *relation = parse_unit_call (self, relation_arg, unit_name, &id, error);
  GpModelUnit *unit;

  if (relation == NULL)
    return NULL;
  unit = unit_joined (self, relation, id, unit_name, error);
  if (unit == NULL)
    relation_release (self, relation);
  return unit;
}

/* After the write: @unit is now a member of what *@member_of lists. */
static void
adopt_member_of (GpModelUnit *unit, GStrv *member_of)
{
  if (*member_of == NULL)
    return;
  g_strfreev (unit->member_of);
  unit->member_of = g_steal_pointer (member_of);
  unit->relation->ids_dirty = TRUE;
}

/* An existing unit's changes, then its relation's. */
static void
publish_unit_changes (GpModel *self, GpModelUnit *unit, GpUnitProps unit_props,
                      GpRelationProps props, guint states_before)
{
  GpModelRelation *relation = unit->relation;

  if (unit_props && self->observer.unit_changed)
    self->observer.unit_changed (self->observer_data, unit, unit_props);
  if (gp_model_relation_states (relation) != states_before)
    props |= GP_RELATION_PROP_STATES;
  gp_model_publish_relation_changed (self, relation, props);
}

/* A peer's bag over a limit is the peer's problem, not this hook's:
 * failing would block our hook until someone raised the limit. The unit
 * keeps what it had (nothing, for a new one) and its Problems says why. */
static GpModelUnit *
refuse_bag (GpModel *self, GpModelRelation *relation, const char *id, GpModelUnit *unit,
            const char *unit_name, const char *reason, GError **error)
{
  g_autofree char *refused = g_strdup_printf ("the latest data bag was not taken "
                                              "and the previous one is kept: %s", reason);
  g_autoptr(GVariant) empty = NULL;
  g_auto(GStrv) member_of = NULL;
  GpRelationProps props;
  GpRelationRow row;
  GVariant *settings;
  guint states_before;

  if (unit && g_str_equal (unit->refused, refused))
    return unit_touch (self, relation, unit, id, error);

  empty = g_variant_ref_sink (g_variant_new_array (G_VARIANT_TYPE ("{ss}"), NULL, 0));
  if (unit == NULL &&
      !gp_model_budget_check (self, 0, gp_model_unit_cost (empty, no_bricks), error))
    return NULL;
  settings = unit ? unit->settings : empty;
  gp_model_row_init (relation, &row, id);
  member_of = member_of_after (relation, unit, id);
  if (!gp_model_write_member (self, relation, &row, unit_name, settings,
                              unit ? (const char *const *) unit->bricks : no_bricks, refused,
                              (const char *const *) member_of, error))
    return NULL;

  states_before = gp_model_relation_states (relation);
  props = gp_model_apply_row (relation, &row);
  if (unit == NULL)
    return add_unit (self, relation, unit_name, empty,
                     gp_peer_data_new (empty, relation->limits, NULL),
                     refused, g_steal_pointer (&member_of), props, states_before);
  adopt_member_of (unit, &member_of);
  publish_unit_changes (self, unit, gp_model_unit_set_refused (unit, refused),
                        props, states_before);
  return unit;
}

static GpModelUnit *
unit_changed (GpModel *self, GpModelRelation *relation, const char *id,
              const char *unit_name, GVariant *settings, GError **error)
{
  GpModelUnit *unit = g_hash_table_lookup (relation->units, unit_name);
  g_autoptr(GVariant) canonical = NULL;
  g_autoptr(GpPeerData) data = NULL;
  g_autoptr(GError) refusal = NULL;
  g_auto(GStrv) added = NULL, removed = NULL, member_of = NULL;
  GpRelationProps props;
  GpRelationRow row;
  guint states_before;

  /* validate */
  if (!check_member_limit (relation, unit, id, error))
    return NULL;
  canonical = gp_settings_canonicalize (settings, relation->limits, &refusal);
  if (canonical)
    data = gp_peer_data_new (canonical, relation->limits, &refusal);
  if (data && !gp_model_budget_check (self, unit ? unit->cost : 0,
                                      gp_model_unit_cost (canonical,
                                                          (const char *const *) data->bricks),
                                      &refusal))
    g_clear_pointer (&data, gp_peer_data_free);
  if (data == NULL && !g_error_matches (refusal, GP_ERROR, GP_ERROR_LIMIT_EXCEEDED))
    {
      g_propagate_error (error, g_steal_pointer (&refusal));
      return NULL;
    }
  if (unit == NULL && !check_unit_limit (relation, error))
    return NULL;
  if (data == NULL)
    return refuse_bag (self, relation, id, unit, unit_name, refusal->message, error);
  if (unit && g_variant_equal (unit->settings, canonical) && unit->refused[0] == '\0')
    return unit_touch (self, relation, unit, id, error);

  gp_bricks_diff (unit ? (const char *const *) unit->bricks : no_bricks,
                  (const char *const *) data->bricks, &added, &removed);
  gp_model_row_init (relation, &row, id);
  row.edge_states |= (added[0] ? GP_STATE_BRICKS_AVAILABLE : 0) |
                     (removed[0] ? GP_STATE_BRICKS_REMOVED : 0);

  member_of = member_of_after (relation, unit, id);

  /* persist */
  if (!gp_model_write_member (self, relation, &row, unit_name, canonical,
                              (const char *const *) data->bricks, "",
                              (const char *const *) member_of, error))
    return NULL;

  /* publish: properties, then the brick signals */
  states_before = gp_model_relation_states (relation);
  props = gp_model_apply_row (relation, &row);
  if (unit)
    {
      adopt_member_of (unit, &member_of);
      publish_unit_changes (self, unit,
                            gp_model_unit_update (unit, canonical, g_steal_pointer (&data), ""),
                            props, states_before);
    }
  else
    unit = add_unit (self, relation, unit_name, canonical, g_steal_pointer (&data), "",
                     g_steal_pointer (&member_of), props, states_before);
  if (self->observer.unit_bricks_changed && (added[0] || removed[0]))
    self->observer.unit_bricks_changed (self->observer_data, unit,
                                        (const char *const *) added,
                                        (const char *const *) removed);
  return unit;
}

GpModelUnit *
gp_model_unit_changed (GpModel *self, const char *relation_arg, const char *unit_name,
                       GVariant *settings, GError **error)
{
  g_autofree char *id = NULL;
  GpModelRelation *relation = parse_unit_call (self, relation_arg, unit_name, &id, error);
  GpModelUnit *unit;

  if (relation == NULL)
    return NULL;
  unit = unit_changed (self, relation, id, unit_name, settings, error);
  if (unit == NULL)
    relation_release (self, relation);
  return unit;
}

/* Departed from one id while still a member of another (juju/juju#19631):
 * the unit stays; only its memberships, and so maybe Id and Ids, change. */
static gboolean
leave_id (GpModel *self, GpModelRelation *relation, GpModelUnit *unit, const char *id,
          GStrv *member_of, GError **error)
{
  GpRelationProps props;
  GpRelationRow row;

  gp_model_row_init (relation, &row, id);
  if (!gp_model_write_member (self, relation, &row, unit->name, NULL, NULL, NULL,
                              (const char *const *) *member_of, error))
    return FALSE;
  props = gp_model_apply_row (relation, &row);
  adopt_member_of (unit, member_of);
  gp_model_publish_relation_changed (self, relation, props);
  return TRUE;
}

gboolean
gp_model_unit_departed (GpModel *self, const char *relation_arg, const char *unit_name,
                        GError **error)
{
  g_autofree char *name = NULL, *id = NULL;
  GpModelRelation *relation;
  GpModelUnit *unit;
  g_auto(GStrv) member_of = NULL;
  GpRelationProps props;
  GpRelationRow row;
  guint states_before, pos;
  gboolean found;

  /* validate: an unknown relation or unit is a successful no-op */
  if (!gp_relation_parse (relation_arg, &name, &id, error) ||
      !gp_unit_name_validate (unit_name, error))
    return FALSE;
  relation = g_hash_table_lookup (self->relations, name);
  unit = relation ? g_hash_table_lookup (relation->units, unit_name) : NULL;
  if (unit == NULL)
    return TRUE;
  member_of = gp_model_member_of_without ((const char *const *) unit->member_of, id, name);
  if (member_of[0] != NULL && g_strv_equal ((const char *const *) member_of,
                                            (const char *const *) unit->member_of))
    return relation_touch (self, relation, id, error); /* not a member of @id */
  if (member_of[0] != NULL)
    return leave_id (self, relation, unit, id, &member_of, error);

  /* persist */
  gp_model_row_init (relation, &row, id);
  row.edge_states |= GP_STATE_DEPARTED;
  if (!gp_model_write_departure (self, relation, &row, unit, error))
    return FALSE;

  /* publish: Departed, the unit gone, then the relation */
  states_before = gp_model_relation_states (relation);
  if (self->observer.unit_departed)
    self->observer.unit_departed (self->observer_data, unit);
  pos = sorted_position (relation, unit_name, &found);
  g_assert (found);
  g_ptr_array_remove_index (relation->sorted_units, pos);
  if (unit->available)
    relation->n_available--;
  g_hash_table_steal (relation->units, unit_name);
  if (self->observer.unit_removed)
    self->observer.unit_removed (self->observer_data, unit);
  gp_model_budget_update (self, &unit->cost, 0);
  gp_model_departed_add (relation, unit->name, unit->address,
                         (const char *const *) unit->bricks);
  gp_model_unit_free (unit);
  relation->ids_dirty = relation->hosts_dirty = TRUE;

  props = gp_model_apply_row (relation, &row) | GP_RELATION_PROP_UNITS |
          GP_RELATION_PROP_DEPARTED;
  if (gp_model_relation_states (relation) != states_before)
    props |= GP_RELATION_PROP_STATES;
  gp_model_publish_relation_changed (self, relation, props);
  return TRUE;
}

gboolean
gp_model_relation_broken (GpModel *self, const char *relation_arg, GError **error)
{
  g_autofree char *name = NULL;
  GpModelRelation *relation;

  if (!gp_relation_parse (relation_arg, &name, NULL, error))
    return FALSE;
  relation = g_hash_table_lookup (self->relations, name);
  if (relation == NULL)
    return TRUE;

  if (relation->stored)
    {
      if (!gp_store_begin (self->store, error))
        return FALSE;
      if (!gp_store_delete_relation (self->store, relation->name, error) ||
          !gp_store_commit (self->store, error))
        {
          gp_store_rollback (self->store);
          return FALSE;
        }
    }

  g_hash_table_steal (self->relations, name);
  gp_model_budget_update (self, &relation->cost, 0);
  gp_model_budget_update (self, &relation->departed_cost, 0);
  for (guint i = 0; i < relation->sorted_units->len; i++)
    {
      GpModelUnit *unit = relation->sorted_units->pdata[i];

      gp_model_budget_update (self, &unit->cost, 0);
      if (self->observer.unit_removed)
        self->observer.unit_removed (self->observer_data, unit);
    }
  if (self->observer.relation_removed)
    self->observer.relation_removed (self->observer_data, relation->name);
  gp_model_relation_free (relation);
  return TRUE;
}
