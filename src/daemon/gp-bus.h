/* gp-bus.h: the model on sd-bus. One adapter per interface (gp-bus-manager.c,
 * gp-bus-relation.c, gp-bus-unit.c) turns calls into model calls and model
 * changes into signals; gp-bus-guard.c decides who may call what. */
#pragma once

#include <glib.h>
#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

#include "gp-model.h"

G_BEGIN_DECLS

#define GP_MANAGER_INTERFACE "org.juju.GlusterPeer.Manager"
#define GP_RELATION_INTERFACE "org.juju.GlusterPeer.Relation"
#define GP_UNIT_INTERFACE "org.juju.GlusterPeer"

typedef struct _GpBus GpBus;
typedef void (*GpBusChangedFunc) (gpointer user_data);

/* Registers the objects of @model on @bus (which must be trusted: the
 * guard, not sd-bus, checks privilege) and becomes the model's observer. */
GpBus *gp_bus_new (sd_bus *bus, sd_event *event, GpModel *model, GError **error);
void gp_bus_free (GpBus *self);

/* @func runs after every successful hook-facing Manager call. */
void gp_bus_set_changed_func (GpBus *self, GpBusChangedFunc func, gpointer user_data);

/* The interfaces' vtables: every method is privileged unless flagged
 * SD_BUS_VTABLE_UNPRIVILEGED (the five queries). */
extern const sd_bus_vtable gp_bus_manager_vtable[];
extern const sd_bus_vtable gp_bus_relation_vtable[];
extern const sd_bus_vtable gp_bus_unit_vtable[];

/* ---- the guard (gp-bus-guard.c) ---- */

/* The object a queued query is for (a handler's userdata), or NULL. */
typedef void *(*GpBusGuardFindFunc) (const char *path, void *find_data);

typedef struct {
  const char *interface;
  const sd_bus_vtable *vtable;
  GpBusGuardFindFunc find;
  void *find_data;
} GpBusGuardInterface;

typedef struct _GpBusGuard GpBusGuard;

/* Calls in flight an unprivileged sender may have, and all of them
 * together; past either: org.freedesktop.DBus.Error.LimitsExceeded. */
#define GP_BUS_GUARD_SENDER_QUOTA 16
#define GP_BUS_GUARD_QUEUE_MAX 1024
/* Bytes of arguments a queued query may hold. */
#define GP_BUS_GUARD_ARGUMENTS_MAX 4096

/* A filter ahead of every object on @bus: a method call to one of
 * @interfaces (NULL-terminated by a NULL interface) that its vtable does
 * not mark SD_BUS_VTABLE_UNPRIVILEGED is answered AccessDenied unless the
 * caller's euid is 0 or ours; an uid that cannot be learnt refuses.
 * Unprivileged callers' queries wait in a bounded queue, served by
 * @event (at idle priority, one at a time) once no message is waiting:
 * privileged calls go first. */
GpBusGuard *gp_bus_guard_new (sd_bus *bus, sd_event *event,
                              const GpBusGuardInterface *interfaces, GError **error);
void gp_bus_guard_free (GpBusGuard *guard);
/* From the handler of a queued query: serve @m once more, first, on a
 * later idle turn, so that privileged calls read in between go first; the
 * handler then must not reply. FALSE when @m is not the query being
 * served from the queue, or is already served a second time. */
gboolean gp_bus_guard_serve_again (sd_bus_message *m);
/* Whether @m is a query served a second time. */
gboolean gp_bus_guard_is_served_again (sd_bus_message *m);

G_END_DECLS
