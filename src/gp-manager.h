/* gp-manager.h: org.juju.GlusterPeer.Manager, the ObjectManager and who may
 * call what. */
#pragma once

#include <gio/gio.h>

#include "gp-settings.h"
#include "gp-store.h"

G_BEGIN_DECLS

#define GP_TYPE_MANAGER (gp_manager_get_type ())
G_DECLARE_FINAL_TYPE (GpManager, gp_manager, GP, MANAGER, GObject)

/* Loads the stored relations and units; nothing is on a bus yet. */
GpManager *gp_manager_new (GpStore *store, const GpLimits *limits, GError **error);

/* Publishes everything on @connection without InterfacesAdded: nobody can
 * have seen the objects before, so there is nothing to announce. */
void gp_manager_start (GpManager *self, GDBusConnection *connection);

/* Relations on the bus, their remote units, and those units' valid bricks;
 * any pointer may be NULL. The signal "changed" (no arguments) is emitted
 * after every successful hook-facing Manager call, when they may differ. */
void gp_manager_get_counts (GpManager *self, guint *relations, guint *units, guint *bricks);

G_END_DECLS
