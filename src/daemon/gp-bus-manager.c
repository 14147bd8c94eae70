/* gp-bus-manager.c: org.juju.GlusterPeer.Manager on sd-bus. Each method
 * reads its arguments, calls the model (which publishes its changes), and
 * replies. */
#include "config.h"

#include "gp-bus-private.h"
#include "gp-names.h"

static int
get_version (sd_bus *bus, const char *path, const char *interface, const char *property,
             sd_bus_message *reply, void *userdata, sd_bus_error *ret_error)
{
  return sd_bus_message_append_basic (reply, 's', PACKAGE_VERSION);
}

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

static int
get_relations (sd_bus *bus, const char *path, const char *interface, const char *property,
               sd_bus_message *reply, void *userdata, sd_bus_error *ret_error)
{
  GpBus *self = userdata;
  g_autoptr(GPtrArray) relations = gp_model_list_relations (self->model);
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < relations->len; i++)
    g_ptr_array_add (paths, gp_bus_relation_path (relations->pdata[i]));
  g_ptr_array_sort (paths, compare_strings);
  return gp_bus_append_paths (reply, paths);
}

/* A hook call succeeded: the daemon's counts may have moved. */
static int
reply_done (GpBus *self, sd_bus_message *m, const char *path)
{
  int r = path ? sd_bus_reply_method_return (m, "o", path)
               : sd_bus_reply_method_return (m, NULL);

  if (self->changed)
    self->changed (self->changed_data);
  return r;
}

static int
method_relation_created (sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
  GpBus *self = userdata;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  GpModelRelation *relation;
  const char *name;
  int r;

  if ((r = sd_bus_message_read (m, "s", &name)) < 0)
    return r;
  relation = gp_model_relation_created (self->model, name, &error);
  if (relation == NULL)
    return gp_bus_return_error (ret_error, error);
  path = gp_bus_relation_path (relation);
  return reply_done (self, m, path);
}

static int
method_unit_joined (sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
  GpBus *self = userdata;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  const char *relation, *name;
  GpModelUnit *unit;
  int r;

  if ((r = sd_bus_message_read (m, "ss", &relation, &name)) < 0)
    return r;
  unit = gp_model_unit_joined (self->model, relation, name, &error);
  if (unit == NULL)
    return gp_bus_return_error (ret_error, error);
  path = gp_bus_unit_path (unit);
  return reply_done (self, m, path);
}

static int
method_unit_changed (sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
  GpBus *self = userdata;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) settings = NULL;
  g_autofree char *path = NULL;
  const char *relation, *name;
  GpModelUnit *unit;
  int r;

  if ((r = sd_bus_message_read (m, "ss", &relation, &name)) < 0 ||
      (r = gp_bus_read_settings (m, &settings)) < 0)
    return r;
  unit = gp_model_unit_changed (self->model, relation, name, settings, &error);
  if (unit == NULL)
    return gp_bus_return_error (ret_error, error);
  path = gp_bus_unit_path (unit);
  return reply_done (self, m, path);
}

static int
method_unit_departed (sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
  GpBus *self = userdata;
  g_autoptr(GError) error = NULL;
  const char *relation, *name;
  int r;

  if ((r = sd_bus_message_read (m, "ss", &relation, &name)) < 0)
    return r;
  if (!gp_model_unit_departed (self->model, relation, name, &error))
    return gp_bus_return_error (ret_error, error);
  return reply_done (self, m, NULL);
}

static int
method_relation_broken (sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
  GpBus *self = userdata;
  g_autoptr(GError) error = NULL;
  const char *relation;
  int r;

  if ((r = sd_bus_message_read (m, "s", &relation)) < 0)
    return r;
  if (!gp_model_relation_broken (self->model, relation, &error))
    return gp_bus_return_error (ret_error, error);
  return reply_done (self, m, NULL);
}

const sd_bus_vtable gp_bus_manager_vtable[] = {
  SD_BUS_VTABLE_START (0),
  SD_BUS_PROPERTY ("Version", "s", get_version, 0, SD_BUS_VTABLE_PROPERTY_CONST),
  SD_BUS_PROPERTY ("Relations", "ao", get_relations, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
  SD_BUS_METHOD_WITH_NAMES ("RelationCreated", "s", SD_BUS_PARAM (relation),
                            "o", SD_BUS_PARAM (path), method_relation_created, 0),
  SD_BUS_METHOD_WITH_NAMES ("UnitJoined", "ss", SD_BUS_PARAM (relation) SD_BUS_PARAM (unit),
                            "o", SD_BUS_PARAM (path), method_unit_joined, 0),
  SD_BUS_METHOD_WITH_NAMES ("UnitChanged", "ssa{ss}",
                            SD_BUS_PARAM (relation) SD_BUS_PARAM (unit) SD_BUS_PARAM (settings),
                            "o", SD_BUS_PARAM (path), method_unit_changed, 0),
  SD_BUS_METHOD_WITH_NAMES ("UnitDeparted", "ss", SD_BUS_PARAM (relation) SD_BUS_PARAM (unit),
                            "", , method_unit_departed, 0),
  SD_BUS_METHOD_WITH_NAMES ("RelationBroken", "s", SD_BUS_PARAM (relation),
                            "", , method_relation_broken, 0),
  SD_BUS_VTABLE_END
};
