/* gp-relation.h: one peer relation, published as org.juju.GlusterPeer.Relation,
 * with its remote units and its durable state. */
#pragma once

#include <gio/gio.h>

#include "gp-dbus.h"
#include "gp-settings.h"
#include "gp-store.h"
#include "gp-unit.h"

G_BEGIN_DECLS

#define GP_TYPE_RELATION (gp_relation_get_type ())
G_DECLARE_FINAL_TYPE (GpRelation, gp_relation, GP, RELATION, GObject)

/* Connects what must run before the relation's own method handlers. */
typedef void (*GpGuardFunc) (GDBusInterfaceSkeleton *iface, gpointer user_data);

/* A new relation is neither stored nor on the bus: the first successful
 * hook call writes and exports it. @guard is called on its interface
 * before its method handlers are connected. */
GpRelation *gp_relation_new (const char *name, GpStore *store,
                             GDBusObjectManagerServer *server,
                             const GpLimits *limits,
                             GpGuardFunc guard, gpointer guard_data);

const char *gp_relation_get_name (GpRelation *self);
const char *gp_relation_get_path (GpRelation *self);
gboolean gp_relation_is_exported (GpRelation *self);
GDBusInterfaceSkeleton *gp_relation_get_interface (GpRelation *self);

/* Hook calls. Each is one transaction: on error nothing changed, in memory
 * or on disk. @id may be NULL when the caller named only the endpoint. */
gboolean gp_relation_created (GpRelation *self, const char *id, GError **error);
GpUnit *gp_relation_unit_joined (GpRelation *self, const char *id,
                                 const char *unit, GError **error);
GpUnit *gp_relation_unit_changed (GpRelation *self, const char *id,
                                  const char *unit, GVariant *settings,
                                  GError **error);
gboolean gp_relation_unit_departed (GpRelation *self, const char *id,
                                    const char *unit, GError **error);
/* Deletes the stored relation and removes its objects from the bus. */
gboolean gp_relation_broken (GpRelation *self, GError **error);

/* Start-up: state as stored, no signals. gp_relation_export() publishes it. */
void gp_relation_load (GpRelation *self, const GpRelationRecord *record);
void gp_relation_load_unit (GpRelation *self, const char *unit,
                            GVariant *settings, const char *const *bricks);
void gp_relation_export (GpRelation *self);

/* For the query methods (gp-relation-queries.c). */
GPtrArray *gp_relation_get_units (GpRelation *self); /* sorted, borrowed */
const char *gp_relation_get_local_unit (GpRelation *self);
GVariant *gp_relation_get_local_settings (GpRelation *self);
const GpLimits *gp_relation_get_limits (GpRelation *self);

void gp_relation_queries_connect (GpRelation *self, GpDbusRelation *iface);

G_END_DECLS
