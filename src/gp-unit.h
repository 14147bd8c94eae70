/* gp-unit.h: one remote unit of a relation, published as org.juju.GlusterPeer. */
#pragma once

#include <gio/gio.h>

#include "gp-settings.h"

G_BEGIN_DECLS

#define GP_TYPE_UNIT (gp_unit_get_type ())
G_DECLARE_FINAL_TYPE (GpUnit, gp_unit, GP, UNIT, GObject)

GpUnit *gp_unit_new (const char *relation_name, const char *name);

const char *gp_unit_get_name (GpUnit *self);
const char *gp_unit_get_host_name (GpUnit *self);
const char *gp_unit_get_path (GpUnit *self);
GVariant *gp_unit_get_settings (GpUnit *self);
const char *const *gp_unit_get_bricks (GpUnit *self);
gboolean gp_unit_get_available (GpUnit *self);
/* {sas}: host name -> bricks, as BrickMap lists the unit. Borrowed. */
GVariant *gp_unit_get_brick_entry (GpUnit *self);
GDBusObjectSkeleton *gp_unit_get_object (GpUnit *self);

/* Takes @data. Properties change at once; PropertiesChanged goes out on
 * gp_unit_flush(), which the caller does after the change is on disk. */
void gp_unit_update (GpUnit *self, GVariant *settings, GpPeerData *data);
void gp_unit_flush (GpUnit *self);

void gp_unit_emit_bricks_changed (GpUnit *self, const char *const *added,
                                  const char *const *removed);
void gp_unit_emit_departed (GpUnit *self);

G_END_DECLS
