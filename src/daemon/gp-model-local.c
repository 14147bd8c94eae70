/* gp-model-local.c: what this unit advertises on a relation (LocalUnit,
 * LocalSettings) and ClearState. Validate, persist, publish, as the hooks. */
#include "config.h"

#include "gp-bricks.h"
#include "gp-error.h"
#include "gp-model-private.h"

/* Writes @row if it changed anything and publishes what did. */
static gboolean
commit_row (GpModel *self, GpModelRelation *relation, const GpRelationRow *row, GError **error)
{
  if (!gp_model_row_differs (relation, row))
    return TRUE;
  if (!gp_model_write (self, relation, row, NULL, NULL, NULL, NULL, error))
    return FALSE;
  gp_model_publish_relation_changed (self, relation, gp_model_apply_row (relation, row));
  return TRUE;
}

static gboolean
set_local (GpModel *self, GpModelRelation *relation, const char *local_unit,
           GVariant *settings, GError **error)
{
  GpRelationRow row;

  gp_model_row_init (relation, &row, NULL);
  row.local_unit = local_unit ? local_unit : relation->local_unit;
  row.local_settings = settings;
  if (!gp_model_budget_check (self, relation->cost, gp_model_relation_cost (settings), error))
    return FALSE;
  return commit_row (self, relation, &row, error);
}

static gboolean
merge_local (GpModel *self, GpModelRelation *relation, GVariant *updates, GError **error)
{
  g_autoptr(GVariant) merged = NULL;

  g_variant_ref_sink (updates);
  merged = gp_settings_merge (relation->local_settings, updates, relation->limits, error);
  g_variant_unref (updates);
  return merged && set_local (self, relation, NULL, merged, error);
}

gboolean
gp_model_set_local_unit (GpModel *self, GpModelRelation *relation, const char *unit,
                         GVariant *settings, GError **error)
{
  g_autoptr(GVariant) canonical = NULL;

  if (!gp_unit_name_validate (unit, error))
    return FALSE;
  canonical = gp_settings_canonicalize (settings, relation->limits, error);
  return canonical && set_local (self, relation, unit, canonical, error);
}

gboolean
gp_model_set_address (GpModel *self, GpModelRelation *relation, const char *address_type,
                      const char *address, GError **error)
{
  g_autofree char *key = NULL;

  if (!gp_address_type_validate (address_type, error) ||
      !gp_address_validate (address, error))
    return FALSE;
  key = g_strconcat (address_type, "-address", NULL);
  return merge_local (self, relation, g_variant_new_parsed ("{%s: %s}", key, address), error);
}

gboolean
gp_model_set_bricks (GpModel *self, GpModelRelation *relation, const char *const *bricks,
                     GError **error)
{
  g_auto(GStrv) normalized = gp_bricks_normalize (bricks, relation->limits->max_bricks, error);
  g_autofree char *json = NULL;

  if (normalized == NULL)
    return FALSE;
  json = gp_bricks_to_json ((const char *const *) normalized);
  return merge_local (self, relation, g_variant_new_parsed ("{'bricks': %s}", json), error);
}

/* What this unit publishes must be usable by its peers: refuse a bad brick
 * list or address here rather than let every peer report a problem. */
static gboolean
check_published (GVariant *settings, const GpLimits *limits, GError **error)
{
  GVariantIter iter;
  const char *key, *value;

  g_variant_iter_init (&iter, settings);
  while (g_variant_iter_next (&iter, "{&s&s}", &key, &value))
    {
      if (value[0] == '\0')
        continue;
      if (g_str_equal (key, "bricks"))
        {
          g_auto(GStrv) bricks = gp_bricks_parse (value, limits->max_bricks, error);
          if (bricks == NULL)
            return FALSE;
        }
      else if (g_str_has_suffix (key, "-address") && !gp_address_validate (value, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
gp_model_send_all (GpModel *self, GpModelRelation *relation, GVariant *settings,
                   GError **error)
{
  return check_published (settings, relation->limits, error) &&
         merge_local (self, relation, settings, error);
}

/* The departed units go with the state that announced them. */
static gboolean
clear_departed (GpModel *self, GpModelRelation *relation, const GpRelationRow *row,
                GError **error)
{
  GpRelationProps props;

  if (!gp_model_write_departed_cleared (self, relation, row, error))
    return FALSE;
  props = gp_model_apply_row (relation, row) | GP_RELATION_PROP_DEPARTED;
  gp_model_departed_clear (relation);
  gp_model_publish_relation_changed (self, relation, props);
  return TRUE;
}

gboolean
gp_model_clear_state (GpModel *self, GpModelRelation *relation, const char *state_name,
                      GError **error)
{
  GpStates state = gp_state_from_name (state_name);
  GpRelationRow row;

  if (state == 0)
    {
      g_set_error (error, GP_ERROR, GP_ERROR_INVALID_ARGUMENT,
                   "unknown state “%s”; the edge states are departed, "
                   "bricks.available and bricks.removed", state_name);
      return FALSE;
    }
  if ((state & GP_STATES_EDGE) == 0)
    {
      g_set_error (error, GP_ERROR, GP_ERROR_INVALID_ARGUMENT,
                   "“%s” follows the units and cannot be cleared; only departed, "
                   "bricks.available and bricks.removed can", state_name);
      return FALSE;
    }
  gp_model_row_init (relation, &row, NULL);
  row.edge_states &= ~state;
  if (state == GP_STATE_DEPARTED && g_tree_nnodes (relation->departed) > 0)
    return clear_departed (self, relation, &row, error);
  return commit_row (self, relation, &row, error);
}
