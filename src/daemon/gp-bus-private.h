/* gp-bus-private.h: what the interface adapters share. */
#pragma once

#include "gp-bus.h"

G_BEGIN_DECLS

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sd_bus_message, sd_bus_message_unref)

/* A property getter of sd-bus's signature; userdata is the object found. */
#define GETTER(name) \
  static int name (sd_bus *bus, const char *path, const char *interface, \
                   const char *property, sd_bus_message *reply, void *userdata, \
                   sd_bus_error *ret_error)

struct _GpBus {
  sd_bus *bus;
  GpModel *model;
  GpBusGuard *guard;
  GPtrArray *slots; /* sd_bus_slot, unreffed on free */
  GpBusChangedFunc changed;
  gpointer changed_data;
};

/* The GpBus of the vtable being dispatched (its registration userdata;
 * a fallback handler's own userdata is the object found). */
GpBus *gp_bus_current (sd_bus *bus);

/* A GError as the contract's D-Bus error; returns what a handler returns. */
int gp_bus_return_error (sd_bus_error *ret_error, const GError *error);

int gp_bus_append_settings (sd_bus_message *m, GVariant *settings);
int gp_bus_read_settings (sd_bus_message *m, GVariant **out_settings);
int gp_bus_append_paths (sd_bus_message *m, GPtrArray *paths);

/* Object paths of the model's objects, and the other way round. */
char *gp_bus_relation_path (GpModelRelation *relation);
char *gp_bus_unit_path (GpModelUnit *unit);
GpModelRelation *gp_bus_find_relation (GpModel *model, const char *path);
GpModelUnit *gp_bus_find_unit (GpModel *model, const char *path);

/* Emits PropertiesChanged for @names (NULL-terminated, in mask order). */
void gp_bus_properties_changed (GpBus *self, const char *path, const char *interface,
                                const char *const *names);

/* The unit adapter's part of the model observer (gp-bus-unit.c). */
void gp_bus_unit_changed (gpointer data, GpModelUnit *unit, GpUnitProps props);
void gp_bus_unit_bricks_changed (gpointer data, GpModelUnit *unit,
                                 const char *const *added, const char *const *removed);
void gp_bus_unit_departed (gpointer data, GpModelUnit *unit);

G_END_DECLS
