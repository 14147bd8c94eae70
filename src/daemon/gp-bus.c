/* gp-bus.c: the objects on the bus (one vtable per interface, fallback
 * vtables and an enumerator for relations and units: no per-object
 * registration), and the model's changes turned into signals. */
#include "config.h"

#include <string.h>

#include "gp-bus-private.h"
#include "gp-error.h"
#include "gp-names.h"

/* ---- helpers ---------------------------------------------------------------- */

GpBus *
gp_bus_current (sd_bus *bus)
{
  return sd_bus_slot_get_userdata (sd_bus_get_current_slot (bus));
}

int
gp_bus_return_error (sd_bus_error *ret_error, const GError *error)
{
  g_autofree char *name = g_dbus_error_encode_gerror (error);

  g_debug ("Call failed: %s", error->message);
  return sd_bus_error_set (ret_error, name, error->message);
}

int
gp_bus_append_settings (sd_bus_message *m, GVariant *settings)
{
  GVariantIter iter;
  const char *key, *value;
  int r;

  r = sd_bus_message_open_container (m, 'a', "{ss}");
  g_variant_iter_init (&iter, settings);
  while (r >= 0 && g_variant_iter_next (&iter, "{&s&s}", &key, &value))
    r = sd_bus_message_append (m, "{ss}", key, value);
  return r < 0 ? r : sd_bus_message_close_container (m);
}

int
gp_bus_read_settings (sd_bus_message *m, GVariant **out_settings)
{
  GVariantBuilder builder;
  const char *key, *value;
  int r;

  r = sd_bus_message_enter_container (m, 'a', "{ss}");
  if (r < 0)
    return r;
  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a{ss}"));
  while ((r = sd_bus_message_read (m, "{ss}", &key, &value)) > 0)
    g_variant_builder_add (&builder, "{ss}", key, value);
  if (r >= 0)
    r = sd_bus_message_exit_container (m);
  if (r < 0)
    {
      g_variant_builder_clear (&builder);
      return r;
    }
  *out_settings = g_variant_ref_sink (g_variant_builder_end (&builder));
  return 0;
}

int
gp_bus_append_paths (sd_bus_message *m, GPtrArray *paths)
{
  int r = sd_bus_message_open_container (m, 'a', "o");

  for (guint i = 0; r >= 0 && i < paths->len; i++)
    r = sd_bus_message_append_basic (m, 'o', paths->pdata[i]);
  return r < 0 ? r : sd_bus_message_close_container (m);
}

char *
gp_bus_relation_path (GpModelRelation *relation)
{
  return gp_relation_object_path (gp_model_relation_get_name (relation));
}

char *
gp_bus_unit_path (GpModelUnit *unit)
{
  return gp_unit_object_path (gp_model_relation_get_name (gp_model_unit_get_relation (unit)),
                              gp_model_unit_get_name (unit));
}

/* One path element back to the name it escapes; NULL unless it is that
 * name's own escaping (the same name must have one path). */
static char *
unescape_element (const char *element, gsize len)
{
  g_autofree char *escaped = g_strndup (element, len);
  g_autofree char *name = (char *) g_dbus_unescape_object_path (escaped);
  g_autofree char *again = NULL;

  if (name == NULL || name[0] == '\0')
    return NULL;
  again = g_dbus_escape_object_path (name);
  return g_str_equal (again, escaped) ? g_steal_pointer (&name) : NULL;
}

/* "/org/juju/GlusterPeer/<a>[/<b>]": the unescaped elements. */
static gboolean
split_path (const char *path, char **relation, char **unit)
{
  const char *rest, *slash;

  if (!g_str_has_prefix (path, GP_OBJECT_PATH_ROOT "/"))
    return FALSE;
  rest = path + strlen (GP_OBJECT_PATH_ROOT "/");
  slash = strchr (rest, '/');
  if ((slash == NULL) != (unit == NULL))
    return FALSE;
  if (unit && strchr (slash + 1, '/'))
    return FALSE;
  *relation = unescape_element (rest, slash ? (gsize) (slash - rest) : strlen (rest));
  if (*relation == NULL)
    return FALSE;
  if (unit && (*unit = unescape_element (slash + 1, strlen (slash + 1))) == NULL)
    {
      g_clear_pointer (relation, g_free);
      return FALSE;
    }
  return TRUE;
}

GpModelRelation *
gp_bus_find_relation (GpModel *model, const char *path)
{
  g_autofree char *relation = NULL;

  if (!split_path (path, &relation, NULL))
    return NULL;
  return gp_model_lookup_relation (model, relation);
}

GpModelUnit *
gp_bus_find_unit (GpModel *model, const char *path)
{
  g_autofree char *relation = NULL, *unit = NULL;

  if (!split_path (path, &relation, &unit))
    return NULL;
  return gp_model_lookup_unit (model, relation, unit);
}

void
gp_bus_properties_changed (GpBus *self, const char *path, const char *interface,
                           const char *const *names)
{
  int r;

  if (names[0] == NULL)
    return;
  r = sd_bus_emit_properties_changed_strv (self->bus, path, interface, (char **) names);
  if (r < 0)
    g_message ("Could not emit PropertiesChanged on %s: %s", path, g_strerror (-r));
}

/* ---- the object tree -------------------------------------------------------- */

static int
find_manager (sd_bus *bus, const char *path, const char *interface, void *userdata,
              void **found, sd_bus_error *ret_error)
{
  if (!g_str_equal (path, GP_OBJECT_PATH_ROOT))
    return 0;
  *found = userdata;
  return 1;
}

static int
find_relation (sd_bus *bus, const char *path, const char *interface, void *userdata,
               void **found, sd_bus_error *ret_error)
{
  GpModelRelation *relation = gp_bus_find_relation (((GpBus *) userdata)->model, path);

  if (relation == NULL)
    return 0;
  *found = relation;
  return 1;
}

static int
find_unit (sd_bus *bus, const char *path, const char *interface, void *userdata,
           void **found, sd_bus_error *ret_error)
{
  GpModelUnit *unit = gp_bus_find_unit (((GpBus *) userdata)->model, path);

  if (unit == NULL)
    return 0;
  *found = unit;
  return 1;
}

/* Every relation and unit path; sd-bus keeps those under the path asked. */
static int
enumerate (sd_bus *bus, const char *prefix, void *userdata, char ***nodes,
           sd_bus_error *ret_error)
{
  GpBus *self = userdata;
  g_autoptr(GPtrArray) relations = gp_model_list_relations (self->model);
  GPtrArray *paths = g_ptr_array_new ();

  for (guint i = 0; i < relations->len; i++)
    {
      GPtrArray *units = gp_model_relation_get_units (relations->pdata[i]);

      g_ptr_array_add (paths, gp_bus_relation_path (relations->pdata[i]));
      for (guint j = 0; j < units->len; j++)
        g_ptr_array_add (paths, gp_bus_unit_path (units->pdata[j]));
    }
  g_ptr_array_add (paths, NULL);
  /* sd-bus frees them with free(), which g_malloc's memory allows. */
  *nodes = (char **) g_ptr_array_free (paths, FALSE);
  return 0;
}

/* ---- model changes as signals ----------------------------------------------- */

static void
emit_interfaces_added (GpBus *self, const char *path, const char *interface)
{
  int r = sd_bus_emit_interfaces_added (self->bus, path, interface, NULL);

  if (r < 0)
    g_message ("Could not emit InterfacesAdded for %s: %s", path, g_strerror (-r));
}

static void
emit_interfaces_removed (GpBus *self, const char *path, const char *interface)
{
  int r = sd_bus_emit_interfaces_removed (self->bus, path, interface, NULL);

  if (r < 0)
    g_message ("Could not emit InterfacesRemoved for %s: %s", path, g_strerror (-r));
}

static void
relations_changed (GpBus *self)
{
  static const char *const names[] = { "Relations", NULL };

  gp_bus_properties_changed (self, GP_OBJECT_PATH_ROOT, GP_MANAGER_INTERFACE, names);
}

static void
on_relation_added (gpointer data, GpModelRelation *relation)
{
  g_autofree char *path = gp_bus_relation_path (relation);

  emit_interfaces_added (data, path, GP_RELATION_INTERFACE);
  relations_changed (data);
}

static void
on_relation_removed (gpointer data, const char *relation_name)
{
  g_autofree char *path = gp_relation_object_path (relation_name);

  emit_interfaces_removed (data, path, GP_RELATION_INTERFACE);
  relations_changed (data);
}

static void
on_relation_changed (gpointer data, GpModelRelation *relation, GpRelationProps props)
{
  g_autofree char *path = gp_bus_relation_path (relation);
  const char *names[9];
  guint n = 0;

  if (props & GP_RELATION_PROP_ID)
    names[n++] = "Id";
  if (props & GP_RELATION_PROP_STATES)
    names[n++] = "States";
  if (props & GP_RELATION_PROP_UNITS)
    names[n++] = "Units";
  if (props & GP_RELATION_PROP_LOCAL_UNIT)
    names[n++] = "LocalUnit";
  if (props & GP_RELATION_PROP_LOCAL_SETTINGS)
    names[n++] = "LocalSettings";
  if (props & GP_RELATION_PROP_IDS)
    names[n++] = "Ids";
  if (props & GP_RELATION_PROP_DEPARTED)
    names[n++] = "Departed";
  if (props & GP_RELATION_PROP_PROBLEMS)
    names[n++] = "Problems";
  names[n] = NULL;
  gp_bus_properties_changed (data, path, GP_RELATION_INTERFACE, names);
}

static void
on_unit_added (gpointer data, GpModelUnit *unit)
{
  g_autofree char *path = gp_bus_unit_path (unit);

  emit_interfaces_added (data, path, GP_UNIT_INTERFACE);
}

static void
on_unit_removed (gpointer data, GpModelUnit *unit)
{
  g_autofree char *path = gp_bus_unit_path (unit);

  emit_interfaces_removed (data, path, GP_UNIT_INTERFACE);
}

static const GpModelObserver observer = {
  .relation_added = on_relation_added,
  .relation_removed = on_relation_removed,
  .relation_changed = on_relation_changed,
  .unit_added = on_unit_added,
  .unit_changed = gp_bus_unit_changed,
  .unit_bricks_changed = gp_bus_unit_bricks_changed,
  .unit_departed = gp_bus_unit_departed,
  .unit_removed = on_unit_removed,
};

/* ---- set-up ----------------------------------------------------------------- */

static void *
guard_find_relation (const char *path, void *data)
{
  return gp_bus_find_relation (((GpBus *) data)->model, path);
}

static void *
guard_find_unit (const char *path, void *data)
{
  return gp_bus_find_unit (((GpBus *) data)->model, path);
}

static void *
guard_find_manager (const char *path, void *data)
{
  return g_str_equal (path, GP_OBJECT_PATH_ROOT) ? data : NULL;
}

static int
register_objects (GpBus *self)
{
  sd_bus_slot *slots[5] = { NULL };
  int r;

  /* sd-bus wants every vtable of one path to be a fallback, or none. */
  r = sd_bus_add_fallback_vtable (self->bus, &slots[0], GP_OBJECT_PATH_ROOT,
                                  GP_MANAGER_INTERFACE, gp_bus_manager_vtable,
                                  find_manager, self);
  if (r >= 0)
    r = sd_bus_add_fallback_vtable (self->bus, &slots[1], GP_OBJECT_PATH_ROOT,
                                    GP_RELATION_INTERFACE, gp_bus_relation_vtable,
                                    find_relation, self);
  if (r >= 0)
    r = sd_bus_add_fallback_vtable (self->bus, &slots[2], GP_OBJECT_PATH_ROOT,
                                    GP_UNIT_INTERFACE, gp_bus_unit_vtable, find_unit, self);
  if (r >= 0)
    r = sd_bus_add_node_enumerator (self->bus, &slots[3], GP_OBJECT_PATH_ROOT, enumerate, self);
  if (r >= 0)
    r = sd_bus_add_object_manager (self->bus, &slots[4], GP_OBJECT_PATH_ROOT);
  for (guint i = 0; i < G_N_ELEMENTS (slots); i++)
    if (slots[i])
      g_ptr_array_add (self->slots, slots[i]);
  return r;
}

static void
slot_free (gpointer slot)
{
  sd_bus_slot_unref (slot);
}

GpBus *
gp_bus_new (sd_bus *bus, sd_event *event, GpModel *model, GError **error)
{
  GpBus *self = g_new0 (GpBus, 1);
  const GpBusGuardInterface guarded[] = {
    { GP_MANAGER_INTERFACE, gp_bus_manager_vtable, guard_find_manager, self },
    { GP_RELATION_INTERFACE, gp_bus_relation_vtable, guard_find_relation, self },
    { GP_UNIT_INTERFACE, gp_bus_unit_vtable, guard_find_unit, self },
    { NULL, NULL, NULL, NULL },
  };
  int r;

  self->bus = sd_bus_ref (bus);
  self->model = model;
  self->slots = g_ptr_array_new_with_free_func (slot_free);
  self->guard = gp_bus_guard_new (bus, event, guarded, error);
  if (self->guard == NULL)
    {
      gp_bus_free (self);
      return NULL;
    }
  r = register_objects (self);
  if (r < 0)
    {
      g_set_error (error, GP_ERROR, GP_ERROR_FAILED, "cannot publish %s: %s",
                   GP_OBJECT_PATH_ROOT, g_strerror (-r));
      gp_bus_free (self);
      return NULL;
    }
  gp_model_set_observer (model, &observer, self);
  return self;
}

void
gp_bus_free (GpBus *self)
{
  static const GpModelObserver none = { NULL };

  gp_model_set_observer (self->model, &none, NULL);
  g_ptr_array_unref (self->slots);
  g_clear_pointer (&self->guard, gp_bus_guard_free);
  sd_bus_unref (self->bus);
  g_free (self);
}

void
gp_bus_set_changed_func (GpBus *self, GpBusChangedFunc func, gpointer user_data)
{
  self->changed = func;
  self->changed_data = user_data;
}
