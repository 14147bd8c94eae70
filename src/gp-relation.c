#include "config.h"

#include "gp-bricks.h"
#include "gp-error.h"
#include "gp-names.h"
#include "gp-relation.h"

struct _GpRelation
{
  GObject parent_instance;

  char *name;
  char *id;
  char *local_unit;
  GVariant *local_settings;
  guint edge_states;

  GHashTable *units;       /* name -> GpUnit, owned */
  GPtrArray *sorted_units; /* GpUnit, borrowed, in Units order */
  guint n_available;       /* units with Available set */

  GpStore *store;
  GDBusObjectManagerServer *server;
  const GpLimits *limits;
  gboolean stored;
  gboolean exported;

  GpDbusObjectSkeleton *object;
  GpDbusRelation *iface;
};

G_DEFINE_TYPE (GpRelation, gp_relation, G_TYPE_OBJECT)

static void connect_local_methods (GpRelation *self);

/* What a call would write for the relation row; compared with the current
 * row to skip writes (and signals) when a retried hook changes nothing. */
typedef struct {
  const char *id;
  const char *local_unit;
  GVariant *local_settings;
  guint edge_states;
} RelationRow;

static void
gp_relation_finalize (GObject *object)
{
  GpRelation *self = GP_RELATION (object);

  g_free (self->name);
  g_free (self->id);
  g_free (self->local_unit);
  g_clear_pointer (&self->local_settings, g_variant_unref);
  g_clear_pointer (&self->sorted_units, g_ptr_array_unref);
  g_clear_pointer (&self->units, g_hash_table_unref);
  g_clear_object (&self->store);
  g_clear_object (&self->server);
  g_clear_object (&self->iface);
  g_clear_object (&self->object);
  G_OBJECT_CLASS (gp_relation_parent_class)->finalize (object);
}

enum {
  SIGNAL_EXPORTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
gp_relation_class_init (GpRelationClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = gp_relation_finalize;

  /* The manager lists the relation in Relations as soon as it is on the
   * bus, before the call that published it emits anything else. */
  signals[SIGNAL_EXPORTED] = g_signal_new ("exported", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                           G_TYPE_NONE, 0);
}

static void
gp_relation_init (GpRelation *self)
{
  self->units = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_object_unref);
  self->sorted_units = g_ptr_array_new ();
  self->id = g_strdup ("");
  self->local_unit = g_strdup ("");
  self->local_settings = g_variant_ref_sink (g_variant_new_array (G_VARIANT_TYPE ("{ss}"),
                                                                  NULL, 0));
}

/* ---- published state ---------------------------------------------------- */

static guint
current_states (GpRelation *self)
{
  return self->edge_states |
         (self->sorted_units->len > 0 ? GP_STATE_CONNECTED : 0) |
         (self->n_available > 0 ? GP_STATE_AVAILABLE : 0);
}

static void
sync_states (GpRelation *self)
{
  g_auto(GStrv) states = gp_states_to_strv (current_states (self));

  gp_dbus_relation_set_states (self->iface, (const char *const *) states);
}

static void
sync_units (GpRelation *self)
{
  g_autofree const char **paths = g_new0 (const char *, self->sorted_units->len + 1);
  guint i;

  for (i = 0; i < self->sorted_units->len; i++)
    paths[i] = gp_unit_get_path (g_ptr_array_index (self->sorted_units, i));
  gp_dbus_relation_set_units (self->iface, paths);
}

static void
sync_local (GpRelation *self)
{
  gp_dbus_relation_set_id (self->iface, self->id);
  gp_dbus_relation_set_local_unit (self->iface, self->local_unit);
  gp_dbus_relation_set_local_settings (self->iface, self->local_settings);
}

static void
flush (GpRelation *self)
{
  g_dbus_interface_skeleton_flush (G_DBUS_INTERFACE_SKELETON (self->iface));
}

/* ---- construction and loading -------------------------------------------- */

GpRelation *
gp_relation_new (const char *name, GpStore *store, GDBusObjectManagerServer *server,
                 const GpLimits *limits, GpGuardFunc guard, gpointer guard_data)
{
  GpRelation *self = g_object_new (GP_TYPE_RELATION, NULL);
  g_autofree char *path = gp_relation_object_path (name);

  self->name = g_strdup (name);
  self->store = g_object_ref (store);
  self->server = g_object_ref (server);
  self->limits = limits;
  self->object = gp_dbus_object_skeleton_new (path);
  self->iface = gp_dbus_relation_skeleton_new ();
  gp_dbus_relation_set_name (self->iface, name);
  sync_local (self);
  sync_states (self);
  gp_dbus_object_skeleton_set_relation (self->object, self->iface);
  guard (G_DBUS_INTERFACE_SKELETON (self->iface), guard_data);
  connect_local_methods (self);
  gp_relation_queries_connect (self, self->iface);
  return self;
}

static guint
sorted_position (GpRelation *self, const char *unit, gboolean *found)
{
  guint lo = 0, hi = self->sorted_units->len;

  *found = FALSE;
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      int cmp = gp_unit_name_compare (gp_unit_get_name (g_ptr_array_index (self->sorted_units, mid)),
                                      unit);
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

/* @pos -1: at the end, for gp_relation_export() to sort. */
static void
insert_unit (GpRelation *self, GpUnit *unit, gint pos)
{
  g_hash_table_insert (self->units, (gpointer) gp_unit_get_name (unit), unit);
  g_ptr_array_insert (self->sorted_units, pos, unit);
  if (gp_unit_get_available (unit))
    self->n_available++;
}

static void
add_unit (GpRelation *self, GpUnit *unit)
{
  gboolean found;
  guint pos = sorted_position (self, gp_unit_get_name (unit), &found);

  g_assert (!found);
  insert_unit (self, unit, (gint) pos);
}

static gint
compare_units (gconstpointer a, gconstpointer b)
{
  return gp_unit_name_compare (gp_unit_get_name (*(GpUnit *const *) a),
                               gp_unit_get_name (*(GpUnit *const *) b));
}

void
gp_relation_load (GpRelation *self, const GpRelationRecord *record)
{
  g_free (self->id);
  self->id = g_strdup (record->id);
  g_free (self->local_unit);
  self->local_unit = g_strdup (record->local_unit);
  g_clear_pointer (&self->local_settings, g_variant_unref);
  self->local_settings = g_variant_ref (record->local_settings);
  self->edge_states = record->edge_states & GP_STATES_EDGE;
  self->stored = TRUE;
  sync_local (self);
}

/* The stored bricks, not a fresh parse, are what the unit last announced;
 * diffs after a restart start from them, so nothing is announced twice. */
void
gp_relation_load_unit (GpRelation *self, const char *unit_name, GVariant *settings,
                       const char *const *bricks)
{
  GpUnit *unit;
  GpPeerData *data;
  GpLimits unlimited = *self->limits;

  if (g_hash_table_contains (self->units, unit_name))
    return;
  unlimited.max_bricks = G_MAXUINT;
  data = gp_peer_data_new (settings, &unlimited, NULL);
  g_strfreev (data->bricks);
  data->bricks = g_strdupv ((GStrv) bricks);
  data->available = data->address[0] != '\0' && data->bricks[0] != NULL;

  unit = gp_unit_new (self->name, unit_name);
  gp_unit_update (unit, settings, data);
  gp_unit_flush (unit);
  /* The store hands units over in its own order: sorting once in
   * gp_relation_export() beats moving half the array for each of them. */
  insert_unit (self, unit, -1);
}

static void
export_unit (GpRelation *self, GpUnit *unit)
{
  /* Drop PropertiesChanged queued while unexported: InterfacesAdded carries
   * the values. */
  gp_unit_flush (unit);
  g_dbus_object_manager_server_export (self->server, gp_unit_get_object (unit));
}

static void
ensure_exported (GpRelation *self)
{
  if (self->exported)
    return;
  sync_units (self);
  sync_states (self);
  flush (self);
  g_dbus_object_manager_server_export (self->server, G_DBUS_OBJECT_SKELETON (self->object));
  self->exported = TRUE;
  g_signal_emit (self, signals[SIGNAL_EXPORTED], 0);
}

void
gp_relation_export (GpRelation *self)
{
  guint i;

  g_ptr_array_sort (self->sorted_units, compare_units);
  ensure_exported (self);
  for (i = 0; i < self->sorted_units->len; i++)
    export_unit (self, g_ptr_array_index (self->sorted_units, i));
}

/* ---- accessors ---------------------------------------------------------- */

const char *
gp_relation_get_name (GpRelation *self)
{
  return self->name;
}

const char *
gp_relation_get_path (GpRelation *self)
{
  return g_dbus_object_get_object_path (G_DBUS_OBJECT (self->object));
}

gboolean
gp_relation_is_exported (GpRelation *self)
{
  return self->exported;
}

GDBusInterfaceSkeleton *
gp_relation_get_interface (GpRelation *self)
{
  return G_DBUS_INTERFACE_SKELETON (self->iface);
}

GPtrArray *
gp_relation_get_units (GpRelation *self)
{
  return self->sorted_units;
}

const char *
gp_relation_get_local_unit (GpRelation *self)
{
  return self->local_unit;
}

GVariant *
gp_relation_get_local_settings (GpRelation *self)
{
  return self->local_settings;
}

const GpLimits *
gp_relation_get_limits (GpRelation *self)
{
  return self->limits;
}

/* ---- writing ------------------------------------------------------------- */

static void
row_init (GpRelation *self, RelationRow *row, const char *id)
{
  row->id = id ? id : self->id;
  row->local_unit = self->local_unit;
  row->local_settings = self->local_settings;
  row->edge_states = self->edge_states;
}

static gboolean
row_differs (GpRelation *self, const RelationRow *row)
{
  return !self->stored ||
         !g_str_equal (row->id, self->id) ||
         !g_str_equal (row->local_unit, self->local_unit) ||
         !g_variant_equal (row->local_settings, self->local_settings) ||
         row->edge_states != self->edge_states;
}

static gboolean
put_row (GpRelation *self, const RelationRow *row, GError **error)
{
  GpRelationRecord record = {
    .name = self->name,
    .id = row->id,
    .local_unit = row->local_unit,
    .local_settings = row->local_settings,
    .edge_states = row->edge_states,
  };

  return gp_store_put_relation (self->store, &record, error);
}

/* Write the row (if it changed) and one unit row, put or deleted, in one
 * transaction. @unit NULL: the relation row alone. */
static gboolean
write_change (GpRelation *self, const RelationRow *row, const char *unit,
              GVariant *settings, const char *const *bricks, GError **error)
{
  if (!gp_store_begin (self->store, error))
    return FALSE;
  if ((row_differs (self, row) && !put_row (self, row, error)) ||
      (unit && settings && !gp_store_put_unit (self->store, self->name, unit,
                                               settings, bricks, error)) ||
      (unit && !settings && !gp_store_delete_unit (self->store, self->name, unit, error)) ||
      !gp_store_commit (self->store, error))
    {
      gp_store_rollback (self->store);
      return FALSE;
    }
  return TRUE;
}

/* After a successful write: the row becomes the relation's state. */
static void
apply_row (GpRelation *self, const RelationRow *row)
{
  /* A field whose pointer did not change did not change: its property
   * need not be set again (most calls change a unit, not the relation). */
  gboolean local_changed = FALSE;

  if (row->id != self->id)
    {
      g_free (self->id);
      self->id = g_strdup (row->id);
      local_changed = TRUE;
    }
  if (row->local_unit != self->local_unit)
    {
      g_free (self->local_unit);
      self->local_unit = g_strdup (row->local_unit);
      local_changed = TRUE;
    }
  if (row->local_settings != self->local_settings)
    {
      g_variant_ref (row->local_settings);
      g_variant_unref (self->local_settings);
      self->local_settings = row->local_settings;
      local_changed = TRUE;
    }
  self->edge_states = row->edge_states;
  self->stored = TRUE;
  if (local_changed)
    sync_local (self);
  sync_states (self);
}

/* ---- hook calls ------------------------------------------------------------ */

gboolean
gp_relation_created (GpRelation *self, const char *id, GError **error)
{
  RelationRow row;

  row_init (self, &row, id);
  if (row_differs (self, &row))
    {
      if (!write_change (self, &row, NULL, NULL, NULL, error))
        return FALSE;
      apply_row (self, &row);
    }
  ensure_exported (self);
  flush (self);
  return TRUE;
}

static gboolean
check_unit_limit (GpRelation *self, GError **error)
{
  if (g_hash_table_size (self->units) < self->limits->max_units)
    return TRUE;
  g_set_error (error, GP_ERROR, GP_ERROR_LIMIT_EXCEEDED,
               "relation %s already has %u units; the limit is %u",
               self->name, g_hash_table_size (self->units), self->limits->max_units);
  return FALSE;
}

/* Updates an existing or new unit in memory and on the bus, then emits the
 * brick signals: PropertiesChanged first, so a subscriber reading
 * properties on a signal sees the new state. */
static GpUnit *
apply_unit (GpRelation *self, GpUnit *unit, const char *unit_name,
            GVariant *settings, GpPeerData *data,
            const char *const *added, const char *const *removed)
{
  gboolean was_available = unit && gp_unit_get_available (unit);

  ensure_exported (self);
  if (unit == NULL)
    {
      unit = gp_unit_new (self->name, unit_name);
      gp_unit_update (unit, settings, data);
      add_unit (self, unit);
      export_unit (self, unit);
      sync_units (self);
    }
  else
    {
      gp_unit_update (unit, settings, data);
      if (was_available != gp_unit_get_available (unit))
        self->n_available += gp_unit_get_available (unit) ? 1 : -1;
      gp_unit_flush (unit);
    }
  sync_states (self);
  flush (self);
  gp_unit_emit_bricks_changed (unit, added, removed);
  return unit;
}

GpUnit *
gp_relation_unit_joined (GpRelation *self, const char *id, const char *unit_name,
                         GError **error)
{
  GpUnit *unit = g_hash_table_lookup (self->units, unit_name);
  g_autoptr(GVariant) empty = NULL;
  RelationRow row;

  row_init (self, &row, id);
  if (unit)
    {
      if (!gp_relation_created (self, id, error))
        return NULL;
      return unit;
    }
  if (!check_unit_limit (self, error))
    return NULL;

  empty = g_variant_ref_sink (g_variant_new_array (G_VARIANT_TYPE ("{ss}"), NULL, 0));
  if (!write_change (self, &row, unit_name, empty, NULL, error))
    return NULL;
  apply_row (self, &row);
  return apply_unit (self, NULL, unit_name, empty,
                     gp_peer_data_new (empty, self->limits, NULL), NULL, NULL);
}

GpUnit *
gp_relation_unit_changed (GpRelation *self, const char *id, const char *unit_name,
                          GVariant *settings, GError **error)
{
  GpUnit *unit = g_hash_table_lookup (self->units, unit_name);
  g_autoptr(GVariant) canonical = NULL;
  g_autoptr(GpPeerData) data = NULL;
  g_auto(GStrv) added = NULL;
  g_auto(GStrv) removed = NULL;
  static const char *const none[] = { NULL };
  RelationRow row;

  canonical = gp_settings_canonicalize (settings, self->limits, error);
  if (canonical == NULL)
    return NULL;
  data = gp_peer_data_new (canonical, self->limits, error);
  if (data == NULL)
    return NULL;
  if (unit == NULL && !check_unit_limit (self, error))
    return NULL;

  gp_bricks_diff (unit ? gp_unit_get_bricks (unit) : none,
                  (const char *const *) data->bricks, &added, &removed);
  row_init (self, &row, id);
  row.edge_states |= (added[0] ? GP_STATE_BRICKS_AVAILABLE : 0) |
                     (removed[0] ? GP_STATE_BRICKS_REMOVED : 0);

  if (unit && g_variant_equal (gp_unit_get_settings (unit), canonical))
    {
      /* A retried hook: at most the relation id is new. */
      if (!gp_relation_created (self, id, error))
        return NULL;
      return unit;
    }

  if (!write_change (self, &row, unit_name, canonical,
                     (const char *const *) data->bricks, error))
    return NULL;
  apply_row (self, &row);
  return apply_unit (self, unit, unit_name, canonical, g_steal_pointer (&data),
                     (const char *const *) added, (const char *const *) removed);
}

gboolean
gp_relation_unit_departed (GpRelation *self, const char *id, const char *unit_name,
                           GError **error)
{
  g_autoptr(GpUnit) unit = g_hash_table_lookup (self->units, unit_name);
  gboolean found;
  guint pos;
  RelationRow row;

  if (unit == NULL)
    return TRUE;
  g_object_ref (unit);

  row_init (self, &row, id);
  row.edge_states |= GP_STATE_DEPARTED;
  if (!write_change (self, &row, unit_name, NULL, NULL, error))
    return FALSE;

  gp_unit_emit_departed (unit);
  g_dbus_object_manager_server_unexport (self->server, gp_unit_get_path (unit));
  pos = sorted_position (self, unit_name, &found);
  g_assert (found);
  g_ptr_array_remove_index (self->sorted_units, pos);
  if (gp_unit_get_available (unit))
    self->n_available--;
  g_hash_table_remove (self->units, unit_name);

  apply_row (self, &row);
  sync_units (self);
  flush (self);
  return TRUE;
}

gboolean
gp_relation_broken (GpRelation *self, GError **error)
{
  guint i;

  if (self->stored)
    {
      if (!gp_store_begin (self->store, error))
        return FALSE;
      if (!gp_store_delete_relation (self->store, self->name, error) ||
          !gp_store_commit (self->store, error))
        {
          gp_store_rollback (self->store);
          return FALSE;
        }
      self->stored = FALSE;
    }
  if (self->exported)
    {
      for (i = 0; i < self->sorted_units->len; i++)
        g_dbus_object_manager_server_unexport (self->server,
                                               gp_unit_get_path (g_ptr_array_index (self->sorted_units, i)));
      g_dbus_object_manager_server_unexport (self->server, gp_relation_get_path (self));
      self->exported = FALSE;
    }
  g_ptr_array_set_size (self->sorted_units, 0);
  g_hash_table_remove_all (self->units);
  self->n_available = 0;
  return TRUE;
}

/* ---- the local unit's methods (privileged: see gp-manager.c) ------------ */

static gboolean
set_local (GpRelation *self, const char *local_unit, GVariant *settings,
           GError **error)
{
  RelationRow row;

  row_init (self, &row, NULL);
  row.local_unit = local_unit ? local_unit : self->local_unit;
  row.local_settings = settings;
  if (!row_differs (self, &row))
    return TRUE;
  if (!write_change (self, &row, NULL, NULL, NULL, error))
    return FALSE;
  apply_row (self, &row);
  flush (self);
  return TRUE;
}

static gboolean
merge_local (GpRelation *self, GVariant *updates, GError **error)
{
  g_autoptr(GVariant) merged = NULL;

  g_variant_ref_sink (updates);
  merged = gp_settings_merge (self->local_settings, updates, self->limits, error);
  g_variant_unref (updates);
  return merged && set_local (self, NULL, merged, error);
}

static gboolean
finish (GDBusMethodInvocation *invocation, gboolean ok, GError *error)
{
  if (ok)
    g_dbus_method_invocation_return_value (invocation, NULL);
  else
    g_dbus_method_invocation_return_gerror (invocation, error);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
handle_set_local_unit (GpDbusRelation *iface, GDBusMethodInvocation *invocation,
                       const char *unit, GVariant *settings, GpRelation *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) canonical = NULL;

  if (gp_unit_name_validate (unit, &error))
    canonical = gp_settings_canonicalize (settings, self->limits, &error);
  return finish (invocation, canonical && set_local (self, unit, canonical, &error), error);
}

static gboolean
handle_set_address (GpDbusRelation *iface, GDBusMethodInvocation *invocation,
                    const char *address_type, const char *address, GpRelation *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;
  gboolean ok = FALSE;

  if (gp_address_type_validate (address_type, &error) &&
      gp_address_validate (address, &error))
    {
      key = g_strconcat (address_type, "-address", NULL);
      ok = merge_local (self, g_variant_new_parsed ("{%s: %s}", key, address), &error);
    }
  return finish (invocation, ok, error);
}

static gboolean
handle_set_bricks (GpDbusRelation *iface, GDBusMethodInvocation *invocation,
                   const char *const *bricks, GpRelation *self)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) normalized = gp_bricks_normalize (bricks, self->limits->max_bricks, &error);
  g_autofree char *json = NULL;
  gboolean ok = FALSE;

  if (normalized)
    {
      json = gp_bricks_to_json ((const char *const *) normalized);
      ok = merge_local (self, g_variant_new_parsed ("{'bricks': %s}", json), &error);
    }
  return finish (invocation, ok, error);
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

static gboolean
handle_send_all (GpDbusRelation *iface, GDBusMethodInvocation *invocation,
                 GVariant *settings, GpRelation *self)
{
  g_autoptr(GError) error = NULL;
  gboolean ok;

  ok = check_published (settings, self->limits, &error) &&
       merge_local (self, settings, &error);
  return finish (invocation, ok, error);
}

static gboolean
handle_clear_state (GpDbusRelation *iface, GDBusMethodInvocation *invocation,
                    const char *state_name, GpRelation *self)
{
  g_autoptr(GError) error = NULL;
  GpStates state = gp_state_from_name (state_name);
  RelationRow row;
  gboolean ok = FALSE;

  if (state == 0)
    g_set_error (&error, GP_ERROR, GP_ERROR_INVALID_ARGUMENT,
                 "unknown state “%s”; the edge states are departed, "
                 "bricks.available and bricks.removed", state_name);
  else if ((state & GP_STATES_EDGE) == 0)
    g_set_error (&error, GP_ERROR, GP_ERROR_INVALID_ARGUMENT,
                 "“%s” follows the units and cannot be cleared; only departed, "
                 "bricks.available and bricks.removed can", state_name);
  else
    {
      row_init (self, &row, NULL);
      row.edge_states &= ~state;
      ok = !row_differs (self, &row) || write_change (self, &row, NULL, NULL, NULL, &error);
      if (ok && row_differs (self, &row))
        {
          apply_row (self, &row);
          flush (self);
        }
    }
  return finish (invocation, ok, error);
}

static void
connect_local_methods (GpRelation *self)
{
  g_signal_connect (self->iface, "handle-set-local-unit", G_CALLBACK (handle_set_local_unit), self);
  g_signal_connect (self->iface, "handle-set-address", G_CALLBACK (handle_set_address), self);
  g_signal_connect (self->iface, "handle-set-bricks", G_CALLBACK (handle_set_bricks), self);
  g_signal_connect (self->iface, "handle-send-all", G_CALLBACK (handle_send_all), self);
  g_signal_connect (self->iface, "handle-clear-state", G_CALLBACK (handle_clear_state), self);
}
