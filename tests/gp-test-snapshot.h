/* gp-test-snapshot.h: raw method calls, comparable snapshots of what
 * gluster-peerd publishes, and a record of the signals it sends, for
 * test-restart, test-privilege and test-faults.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "gp-test-bus.h"

G_BEGIN_DECLS

/* The timeout of the calls below, before the harness's timeout scale. */
#define GP_TEST_CALL_TIMEOUT_MS 10000

/* --- calls ------------------------------------------------------------------ */

/* Calls method on GP_TEST_BUS_NAME, the harness's timeout scale applied.
 * params: NULL, or consumed if floating. */
GVariant *gp_test_call (GDBusConnection *conn, const char *path, const char *iface,
                        const char *method, GVariant *params, GError **error);

/* The same with arguments in GVariant text format
 * ("('server:3', 'glusterfs/1')"). */
GVariant *gp_test_call_text (GDBusConnection *conn, const char *path, const char *iface,
                             const char *method, const char *args, GError **error);

/* A hook's call: a Manager method when path is the root object
 * (/org/juju/GlusterPeer), else a Relation method of the relation at path. */
typedef struct {
  const char *path;
  const char *method;
  const char *args; /* GVariant text format */
} GpTestStep;

GVariant *gp_test_try_step (GDBusConnection *conn, const GpTestStep *step, GError **error);
/* Asserts that the step succeeds, saying which one did not. */
void gp_test_run_step (GDBusConnection *conn, const GpTestStep *step);

/* --- snapshots -------------------------------------------------------------- */

/* The dictionary with its entries sorted by key, and so the dictionaries
 * of a{sa{sv}} and a{sv} values; property values are left alone. Floating. */
GVariant *gp_test_sorted_dict (GVariant *dict);

/* Everything a client can see, comparable with g_variant_equal():
 * (Manager's GetAll, GetManagedObjects), both sorted. Transfer full. */
GVariant *gp_test_snapshot (GDBusConnection *conn);
/* Asserts that a snapshot taken now equals expected, one taken before. */
void gp_test_assert_snapshot (GDBusConnection *conn, GVariant *expected);

/* --- signals ---------------------------------------------------------------- */

/* A new connection to bus recording every signal but the bus's own into
 * signals (an array of g_free'd "PATH IFACE.MEMBER" strings), dispatched on
 * the default main context; the match rule is in place when it returns.
 * Transfer full: close it with gp_test_close_watcher(). */
GDBusConnection *gp_test_watch_signals (GpTestBus *bus, GPtrArray *signals);
/* A round trip to the daemon on watcher: every signal it sent before is
 * then dispatched. */
void gp_test_sync_signals (GDBusConnection *watcher);
/* Asserts that signals is empty, listing what it holds. */
void gp_test_assert_no_signals (GPtrArray *signals);
/* Closes and frees *watcher, and drops its subscription's pending
 * callbacks. */
void gp_test_close_watcher (GDBusConnection **watcher);

G_END_DECLS
