/* test-notify.c: gluster-peerd's sd_notify protocol, as systemd would see
 * it with Type=notify and WatchdogSec=: READY=1 with a STATUS= line once
 * the name is owned, STATUS= following the counts, WATCHDOG=1 pings at half
 * WATCHDOG_USEC, STOPPING=1 on SIGTERM.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "gp-test-bus.h"

#include <gio/gunixsocketaddress.h>
#include <string.h>

typedef struct {
  char *dir;
  char *path;
  GSocket *socket;
  GPtrArray *messages; /* every datagram received, in order */
} NotifySocket;

static NotifySocket *
notify_socket_new (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  NotifySocket *ns = g_new0 (NotifySocket, 1);

  ns->dir = gp_test_make_tmp_dir ("gp-test-notify-XXXXXX");
  ns->path = g_build_filename (ns->dir, "notify", NULL);
  ns->messages = g_ptr_array_new_with_free_func (g_free);
  ns->socket = g_socket_new (G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_DATAGRAM,
                             G_SOCKET_PROTOCOL_DEFAULT, &error);
  g_assert_no_error (error);
  address = g_unix_socket_address_new (ns->path);
  g_socket_bind (ns->socket, address, FALSE, &error);
  g_assert_no_error (error);
  return ns;
}

static void
notify_socket_free (NotifySocket *ns)
{
  g_object_unref (ns->socket);
  g_ptr_array_unref (ns->messages);
  gp_test_rm_rf (ns->dir);
  g_free (ns->dir);
  g_free (ns->path);
  g_free (ns);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NotifySocket, notify_socket_free)

/* Receives datagrams until one has a line equal to @line (or, when @line
 * ends with '*', starting with it); returns that datagram (owned by ns) or
 * NULL after timeout_ms (scaled). */
static const char *
notify_socket_wait (NotifySocket *ns, const char *line, guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () +
                    (gint64) (timeout_ms * gp_test_timeout_scale ()) * 1000;
  gsize prefix_len = strlen (line);
  gboolean prefix = prefix_len > 0 && line[prefix_len - 1] == '*';

  if (prefix)
    prefix_len--;
  while (g_get_monotonic_time () < deadline)
    {
      g_autoptr(GError) error = NULL;
      g_auto(GStrv) lines = NULL;
      char buf[4096];
      gssize n;

      if (!g_socket_condition_timed_wait (ns->socket, G_IO_IN,
                                          deadline - g_get_monotonic_time (), NULL, NULL))
        break;
      n = g_socket_receive (ns->socket, buf, sizeof buf - 1, NULL, &error);
      g_assert_no_error (error);
      buf[n] = '\0';
      g_test_message ("notify: %s", buf);
      g_ptr_array_add (ns->messages, g_strdup (buf));
      lines = g_strsplit (buf, "\n", -1);
      for (guint i = 0; lines[i]; i++)
        if (prefix ? strncmp (lines[i], line, prefix_len) == 0 : strcmp (lines[i], line) == 0)
          return ns->messages->pdata[ns->messages->len - 1];
    }
  return NULL;
}

static void
unit_changed (GDBusConnection *conn, const char *unit, const char *bricks)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  GVariantBuilder settings;

  g_variant_builder_init (&settings, G_VARIANT_TYPE ("a{ss}"));
  g_variant_builder_add (&settings, "{ss}", "private-address", "10.0.0.1");
  g_variant_builder_add (&settings, "{ss}", "bricks", bricks);
  reply = g_dbus_connection_call_sync (conn, GP_TEST_BUS_NAME, "/org/juju/GlusterPeer",
                                       "org.juju.GlusterPeer.Manager", "UnitChanged",
                                       g_variant_new ("(ssa{ss})", "server", unit, &settings),
                                       G_VARIANT_TYPE ("(o)"), G_DBUS_CALL_FLAGS_NONE,
                                       -1, NULL, &error);
  g_assert_no_error (error);
}

static void
test_notify_protocol (void)
{
  /* Open policy: the test may run as any user; the daemon's own uid is
   * privileged there. */
  g_autoptr(GpTestBus) bus = gp_test_bus_new (FALSE);
  g_autoptr(NotifySocket) ns = notify_socket_new ();
  g_autoptr(GpTestDaemon) daemon = NULL;
  g_autoptr(GDBusConnection) conn = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *socket_env = g_strdup_printf ("NOTIFY_SOCKET=%s", ns->path);
  const char *env[] = { socket_env, "WATCHDOG_USEC=400000", NULL };
  const char *msg;
  gint64 start;
  guint pings = 0;

  daemon = gp_test_daemon_spawn (bus, NULL, NULL, env, GP_TEST_DAEMON_FLAGS_NONE);
  g_assert_true (gp_test_daemon_wait_ready (daemon, &error));
  g_assert_no_error (error);

  msg = notify_socket_wait (ns, "READY=1", 10000);
  g_assert_nonnull (msg);
  g_assert_nonnull (strstr (msg, "STATUS=Serving 0 relations, 0 units, 0 bricks"));

  /* Pings every 200 ms: at least 3 in a second (scaled). */
  start = g_get_monotonic_time ();
  while (g_get_monotonic_time () - start < G_USEC_PER_SEC * gp_test_timeout_scale () &&
         pings < 3)
    if (notify_socket_wait (ns, "WATCHDOG=1", 1000))
      pings++;
  g_assert_cmpuint (pings, >=, 3);

  conn = gp_test_bus_connect (bus);
  unit_changed (conn, "glusterfs/1", "[\"/mnt/a\",\"/mnt/b\"]");
  g_assert_nonnull (notify_socket_wait (ns, "STATUS=Serving 1 relation, 1 unit, 2 bricks", 5000));
  unit_changed (conn, "glusterfs/2", "[\"/mnt/c\"]");
  g_assert_nonnull (notify_socket_wait (ns, "STATUS=Serving 1 relation, 2 units, 3 bricks", 5000));

  gp_test_daemon_stop (daemon);
  g_assert_nonnull (notify_socket_wait (ns, "STOPPING=1", 1000));
}

static void
test_no_watchdog (void)
{
  /* Without WATCHDOG_USEC: READY=1 and no ping. */
  g_autoptr(GpTestBus) bus = gp_test_bus_new (FALSE);
  g_autoptr(NotifySocket) ns = notify_socket_new ();
  g_autoptr(GpTestDaemon) daemon = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *socket_env = g_strdup_printf ("NOTIFY_SOCKET=%s", ns->path);
  const char *env[] = { socket_env, NULL };

  daemon = gp_test_daemon_spawn (bus, NULL, NULL, env, GP_TEST_DAEMON_FLAGS_NONE);
  g_assert_true (gp_test_daemon_wait_ready (daemon, &error));
  g_assert_nonnull (notify_socket_wait (ns, "READY=1", 10000));
  g_assert_null (notify_socket_wait (ns, "WATCHDOG=1", 500));
  gp_test_daemon_stop (daemon);
  g_assert_nonnull (notify_socket_wait (ns, "STOPPING=1", 1000));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/notify/protocol", test_notify_protocol);
  g_test_add_func ("/notify/no-watchdog", test_no_watchdog);
  return g_test_run ();
}
