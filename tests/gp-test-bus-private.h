/* gp-test-bus-private.h: what gp-test-bus.c (the bus, and child processes
 * in general) lends gp-test-daemon.c (gluster-peerd). Not for the tests:
 * they include gp-test-bus.h.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "gp-test-bus.h"

G_BEGIN_DECLS

/* ms times gp_test_timeout_scale(). */
guint gp_test_scaled_ms (guint ms);

/* A launcher whose children die with the test process, with stdout sent to
 * stderr (stdout carries TAP). pid_fd >= 0: the child writes its pid there
 * (close-on-exec) before it execs. */
GSubprocessLauncher *gp_test_new_launcher (int pid_fd);

/* Iterates ctx until *a or *b (b may be NULL) or timeout_ms; returns *a. */
gboolean gp_test_iterate_until_either (GMainContext *ctx, gboolean *a, gboolean *b,
                                       guint timeout_ms);

/* g_subprocess_wait_async() with gp_test_proc_wait_cb and a GpTestProcWait:
 * done once the wait ended, exited if the process did (not cancelled). */
typedef struct {
  gboolean done;
  gboolean exited;
} GpTestProcWait;

void gp_test_proc_wait_cb (GObject *source, GAsyncResult *result, gpointer user_data);

/* Waits up to timeout_ms for proc to exit; TRUE if it did. */
gboolean gp_test_subprocess_wait_timeout (GSubprocess *proc, guint timeout_ms);

/* The root connection the harness itself uses on bus (made on first use). */
GDBusConnection *gp_test_bus_watch_conn (GpTestBus *bus);

/* The unique name owning name, or NULL. Transfer full. */
char *gp_test_get_name_owner (GDBusConnection *conn, const char *name);

/* NameOwnerChanged of one name: changed is set at each; subscription_freed
 * once gp_test_unsubscribe_name() is done with it. */
typedef struct {
  gboolean changed;
  gboolean subscription_freed;
} GpTestNameWatch;

guint gp_test_subscribe_name (GDBusConnection *conn, const char *name, GpTestNameWatch *w);
/* Unsubscribes, iterating ctx until the subscription is freed. */
void gp_test_unsubscribe_name (GDBusConnection *conn, GMainContext *ctx, guint id,
                               GpTestNameWatch *w);

G_END_DECLS
