/* test-daemon-guard.c: the daemon's privilege guard is closed by default.
 * A method added to a copy of a real vtable, with no flag, is refused to
 * uid 65534 before its handler runs, while one flagged as a query is not;
 * root may call both. The guard runs in-process on a private bus.
 *
 * Only meaningful as root (switching uid needs it); skipped otherwise.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <gio/gio.h>
#include <systemd/sd-bus.h>

#include "gp-bus.h"
#include "gp-test-bus.h"

#define TEST_PATH "/org/juju/GlusterPeer/test"
#define TEST_IFACE "org.juju.GlusterPeer.Relation"

typedef struct {
  sd_bus *bus;
  GThread *thread;
  gint stop;
  gint handled; /* handler runs */
} Service;

static int
method_ok (sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
  Service *service = userdata;

  g_atomic_int_inc (&service->handled);
  return sd_bus_reply_method_return (m, NULL);
}

/* gp_bus_relation_vtable, its methods pointed at method_ok, plus two new
 * ones: "Added" without a flag and "AddedQuery" flagged as a query. */
static sd_bus_vtable *
vtable_with_new_methods (void)
{
  static const sd_bus_vtable added[] = {
    SD_BUS_METHOD ("Added", "", "", method_ok, 0),
    SD_BUS_METHOD ("AddedQuery", "", "", method_ok, SD_BUS_VTABLE_UNPRIVILEGED),
  };
  guint n = 0, out = 0;
  sd_bus_vtable *copy;

  while (gp_bus_relation_vtable[n].type != _SD_BUS_VTABLE_END)
    n++;
  copy = g_new0 (sd_bus_vtable, n + G_N_ELEMENTS (added) + 1);
  for (guint i = 0; i < n; i++)
    {
      copy[out] = gp_bus_relation_vtable[i];
      if (copy[out].type == _SD_BUS_VTABLE_PROPERTY)
        continue; /* the real getters want a relation */
      if (copy[out].type == _SD_BUS_VTABLE_METHOD)
        copy[out].x.method.handler = method_ok;
      out++;
    }
  for (guint i = 0; i < G_N_ELEMENTS (added); i++)
    copy[out++] = added[i];
  copy[out] = gp_bus_relation_vtable[n];
  return copy;
}

static gpointer
service_thread (gpointer data)
{
  Service *service = data;

  while (!g_atomic_int_get (&service->stop))
    {
      if (sd_bus_process (service->bus, NULL) > 0)
        continue;
      sd_bus_wait (service->bus, 50 * 1000);
    }
  return NULL;
}

static sd_bus *
connect_trusted (GpTestBus *test_bus)
{
  sd_bus *bus = NULL;

  g_assert_cmpint (sd_bus_new (&bus), >=, 0);
  g_assert_cmpint (sd_bus_set_address (bus, gp_test_bus_get_address (test_bus)), >=, 0);
  g_assert_cmpint (sd_bus_set_bus_client (bus, 1), >=, 0);
  g_assert_cmpint (sd_bus_set_trusted (bus, 1), >=, 0);
  g_assert_cmpint (sd_bus_start (bus), >=, 0);
  return bus;
}

/* @expected_error NULL: the call must succeed. */
static void
assert_call (GDBusConnection *conn, const char *service, const char *method,
             const char *expected_error)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autofree char *remote = NULL;

  reply = g_dbus_connection_call_sync (conn, service, TEST_PATH, TEST_IFACE, method, NULL,
                                       NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  remote = error ? g_dbus_error_get_remote_error (error) : NULL;
  g_test_message ("%s: %s", method, error ? error->message : "ok");
  g_assert_cmpstr (remote, ==, expected_error);
}

static void
test_new_method_is_privileged (void)
{
  g_autoptr(GpTestBus) test_bus = NULL;
  g_autoptr(GDBusConnection) root = NULL;
  g_autoptr(GDBusConnection) nobody = NULL;
  g_autofree sd_bus_vtable *vtable = NULL;
  GpBusGuardInterface guarded[2] = { { TEST_IFACE, NULL }, { NULL, NULL } };
  Service service = { 0 };
  GpBusGuard *guard;
  const char *name;
  g_autoptr(GError) error = NULL;

  if (!gp_test_can_switch_uid ())
    {
      g_test_skip ("needs root to connect as uid 65534");
      return;
    }
  test_bus = gp_test_bus_new (FALSE);
  service.bus = connect_trusted (test_bus);
  vtable = vtable_with_new_methods ();
  guarded[0].vtable = vtable;
  g_assert_cmpint (sd_bus_add_object_vtable (service.bus, NULL, TEST_PATH, TEST_IFACE,
                                             vtable, &service), >=, 0);
  guard = gp_bus_guard_new (service.bus, NULL, guarded, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sd_bus_get_unique_name (service.bus, &name), >=, 0);
  service.thread = g_thread_new ("service", service_thread, &service);

  root = gp_test_bus_connect (test_bus);
  nobody = gp_test_bus_connect_unprivileged (test_bus);

  /* closed by default: the new method, and an existing privileged one */
  assert_call (nobody, name, "Added", "org.freedesktop.DBus.Error.AccessDenied");
  assert_call (nobody, name, "ClearState", "org.freedesktop.DBus.Error.AccessDenied");
  g_assert_cmpint (g_atomic_int_get (&service.handled), ==, 0);
  /* a query is open; root may call everything */
  assert_call (nobody, name, "AddedQuery", NULL);
  assert_call (root, name, "Added", NULL);
  g_assert_cmpint (g_atomic_int_get (&service.handled), ==, 2);

  g_atomic_int_set (&service.stop, 1);
  g_thread_join (service.thread);
  gp_bus_guard_free (guard);
  sd_bus_flush_close_unref (service.bus);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/daemon/guard/new-method-is-privileged", test_new_method_is_privileged);
  return g_test_run ();
}
