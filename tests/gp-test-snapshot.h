/* gp-test-snapshot.h: raw method calls and comparable snapshots of what
 * gluster-peerd publishes, for test-restart and test-privilege.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Calls method on GP_TEST_BUS_NAME with arguments in GVariant text format
 * ("('server:3', 'glusterfs/1')"), the harness's timeout scale applied. */
GVariant *gp_test_call_text (GDBusConnection *conn, const char *path, const char *iface,
                             const char *method, const char *args, GError **error);

/* The dictionary with its entries sorted by key, and so the dictionaries
 * of a{sa{sv}} and a{sv} values; property values are left alone. Floating. */
GVariant *gp_test_sorted_dict (GVariant *dict);

/* Everything a client can see, comparable with g_variant_equal():
 * (Manager's GetAll, GetManagedObjects), both sorted. Transfer full. */
GVariant *gp_test_snapshot (GDBusConnection *conn);

G_END_DECLS
