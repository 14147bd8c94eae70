/* test-bus-harness.c: smoke tests of the private bus harness
 * (gp-test-bus.c). Runs with GP_DAEMON pointing at gp-fake-peerd, so it
 * does not depend on the real daemon.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "gp-test-bus.h"

#include <string.h>
#include <sys/wait.h>

#define DBUS_NAME_FLAG_DO_NOT_QUEUE 4
#define DBUS_REQUEST_NAME_REPLY_PRIMARY_OWNER 1

static GVariant *
bus_call (GDBusConnection *conn, const char *method, GVariant *params,
          const char *reply_type, GError **error)
{
  return g_dbus_connection_call_sync (conn, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                      "org.freedesktop.DBus", method, params,
                                      reply_type ? G_VARIANT_TYPE (reply_type) : NULL,
                                      G_DBUS_CALL_FLAGS_NONE, -1, NULL, error);
}

/* RequestName: the reply code, or 0 and error. */
static guint32
request_name (GDBusConnection *conn, const char *name, GError **error)
{
  g_autoptr(GVariant) reply = NULL;
  guint32 code = 0;

  reply = bus_call (conn, "RequestName",
                    g_variant_new ("(su)", name, DBUS_NAME_FLAG_DO_NOT_QUEUE), "(u)", error);
  if (reply != NULL)
    g_variant_get (reply, "(u)", &code);
  return code;
}

static gboolean
name_has_owner (GDBusConnection *conn, const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  gboolean owned = FALSE;

  reply = bus_call (conn, "NameHasOwner", g_variant_new ("(s)", name), "(b)", &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(b)", &owned);
  return owned;
}

static void
test_bus_starts (void)
{
  g_autoptr(GpTestBus) bus = gp_test_bus_new (TRUE);
  g_autoptr(GDBusConnection) conn = gp_test_bus_connect (bus);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autofree char *config = NULL;
  g_autofree char *policy = gp_test_source_path ("data", "org.juju.GlusterPeer.conf", NULL);
  g_autofree char *include = NULL;
  const char *id = NULL;

  g_assert_true (g_str_has_prefix (gp_test_bus_get_address (bus), "unix:path="));
  g_assert_true (gp_test_bus_has_policy (bus));

  reply = bus_call (conn, "GetId", NULL, "(s)", &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(&s)", &id);
  g_assert_cmpuint (strlen (id), ==, 32);

  /* The project's policy file is what the bus loaded. */
  g_assert_true (g_file_get_contents (gp_test_bus_get_config_path (bus), &config, NULL, NULL));
  include = g_strdup_printf ("<include>%s</include>", policy);
  g_assert_nonnull (strstr (config, include));
  g_assert_null (strstr (config, "open-policy.conf</include>"));

  /* A second bus is independent. */
  {
    g_autoptr(GpTestBus) bus2 = gp_test_bus_new (FALSE);

    g_assert_cmpstr (gp_test_bus_get_address (bus), !=, gp_test_bus_get_address (bus2));
  }
}

static void
test_bus_policy_ownership (void)
{
  g_autoptr(GpTestBus) bus = NULL;
  g_autoptr(GDBusConnection) root = NULL;
  g_autoptr(GDBusConnection) nobody = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  guint32 uid = 0;

  if (!gp_test_can_switch_uid ())
    {
      g_test_skip ("needs root to connect as uid 65534");
      return;
    }

  bus = gp_test_bus_new (TRUE);
  root = gp_test_bus_connect (bus);
  nobody = gp_test_bus_connect_unprivileged (bus);

  /* The bus sees the connection as uid 65534, and this process is root
   * again. */
  reply = bus_call (root, "GetConnectionUnixUser",
                    g_variant_new ("(s)", g_dbus_connection_get_unique_name (nobody)),
                    "(u)", &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(u)", &uid);
  g_assert_cmpuint (uid, ==, GP_TEST_UNPRIVILEGED_UID);
  g_assert_cmpuint (geteuid (), ==, 0);
  g_assert_cmpuint (getuid (), ==, 0);
  g_assert_cmpuint (getegid (), ==, 0);

  /* nobody may not own the service's name, nor any other. */
  g_assert_cmpuint (request_name (nobody, GP_TEST_BUS_NAME, &error), ==, 0);
  g_assert_error (error, G_DBUS_ERROR, G_DBUS_ERROR_ACCESS_DENIED);
  g_clear_error (&error);
  g_assert_cmpuint (request_name (nobody, "org.example.Other", &error), ==, 0);
  g_assert_error (error, G_DBUS_ERROR, G_DBUS_ERROR_ACCESS_DENIED);
  g_clear_error (&error);

  /* root may own it. */
  g_assert_cmpuint (request_name (root, GP_TEST_BUS_NAME, &error), ==,
                    DBUS_REQUEST_NAME_REPLY_PRIMARY_OWNER);
  g_assert_no_error (error);
  g_assert_true (name_has_owner (nobody, GP_TEST_BUS_NAME));
}

static void
test_bus_open_ownership (void)
{
  g_autoptr(GpTestBus) bus = NULL;
  g_autoptr(GDBusConnection) nobody = NULL;
  g_autoptr(GError) error = NULL;

  if (!gp_test_can_switch_uid ())
    {
      g_test_skip ("needs root to connect as uid 65534");
      return;
    }

  bus = gp_test_bus_new (FALSE);
  g_assert_false (gp_test_bus_has_policy (bus));
  nobody = gp_test_bus_connect_unprivileged (bus);
  g_assert_cmpuint (request_name (nobody, GP_TEST_BUS_NAME, &error), ==,
                    DBUS_REQUEST_NAME_REPLY_PRIMARY_OWNER);
  g_assert_no_error (error);
}

static void
test_daemon_lifecycle (void)
{
  g_autoptr(GpTestBus) bus = gp_test_bus_new (TRUE);
  g_autoptr(GpTestDaemon) daemon = NULL;
  g_autoptr(GDBusConnection) conn = gp_test_bus_connect (bus);
  g_autofree char *state_dir = gp_test_make_tmp_dir ("gp-test-harness-XXXXXX");
  g_autofree char *args_path = g_build_filename (state_dir, "fake-peerd.args", NULL);
  g_autofree char *args = NULL;
  g_autofree char *expected = NULL;
  const char *const extra[] = { "--max-units", "7", NULL };

  daemon = gp_test_daemon_start (bus, state_dir, extra);
  g_assert_true (gp_test_daemon_is_running (daemon));
  g_assert_cmpint (gp_test_daemon_get_pid (daemon), >, 0);
  g_assert_cmpstr (gp_test_daemon_get_state_dir (daemon), ==, state_dir);
  g_assert_true (name_has_owner (conn, GP_TEST_BUS_NAME));

  /* Arguments and environment as documented. */
  g_assert_true (g_file_get_contents (args_path, &args, NULL, NULL));
  expected = g_strdup_printf ("--state-dir\n%s\n--verbose\n--max-units\n7\n"
                              "DBUS_SYSTEM_BUS_ADDRESS=%s\n",
                              state_dir, gp_test_bus_get_address (bus));
  g_assert_cmpstr (args, ==, expected);

  gp_test_daemon_stop (daemon);
  g_assert_false (gp_test_daemon_is_running (daemon));
  g_assert_false (name_has_owner (conn, GP_TEST_BUS_NAME));

  gp_test_rm_rf (state_dir);
}

static void
test_daemon_kill9_restart (void)
{
  g_autoptr(GpTestBus) bus = gp_test_bus_new (TRUE);
  g_autoptr(GpTestDaemon) first = NULL;
  g_autoptr(GpTestDaemon) second = NULL;
  g_autoptr(GDBusConnection) conn = gp_test_bus_connect (bus);
  GPid pid;

  /* NULL state dir: the harness makes and removes one. */
  first = gp_test_daemon_start (bus, NULL, NULL);
  pid = gp_test_daemon_get_pid (first);
  gp_test_daemon_kill9 (first);
  g_assert_false (name_has_owner (conn, GP_TEST_BUS_NAME));

  /* The name is free at once: the fake uses DO_NOT_QUEUE and would exit. */
  second = gp_test_daemon_start (bus, gp_test_daemon_get_state_dir (first), NULL);
  g_assert_cmpint (gp_test_daemon_get_pid (second), !=, pid);
  gp_test_daemon_stop (second);
}

static void
test_daemon_exits_early (void)
{
  g_autoptr(GpTestBus) bus = gp_test_bus_new (TRUE);
  g_autoptr(GpTestDaemon) daemon = NULL;
  g_autoptr(GError) error = NULL;
  const char *const extra[] = { "--exit-code", "3", NULL };
  int status;

  daemon = gp_test_daemon_spawn (bus, NULL, extra, NULL, GP_TEST_DAEMON_FLAGS_QUIET);
  g_assert_false (gp_test_daemon_wait_ready (daemon, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "exited with status 3"));

  status = gp_test_daemon_wait_exit (daemon);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 3);
  g_assert_false (gp_test_daemon_is_running (daemon));
}

static void
test_daemon_name_taken (void)
{
  g_autoptr(GpTestBus) bus = gp_test_bus_new (TRUE);
  g_autoptr(GpTestDaemon) daemon = NULL;
  g_autoptr(GDBusConnection) root = gp_test_bus_connect (bus);
  g_autoptr(GError) error = NULL;
  int status;

  /* Someone else owns the name: the harness must not take that owner for
   * the daemon; the fake gives up (DO_NOT_QUEUE) with status 1. */
  g_assert_cmpuint (request_name (root, GP_TEST_BUS_NAME, &error), ==,
                    DBUS_REQUEST_NAME_REPLY_PRIMARY_OWNER);
  g_assert_no_error (error);

  daemon = gp_test_daemon_spawn (bus, NULL, NULL, NULL, GP_TEST_DAEMON_FLAGS_NONE);
  g_assert_false (gp_test_daemon_wait_ready (daemon, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  status = gp_test_daemon_wait_exit (daemon);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/bus/starts", test_bus_starts);
  g_test_add_func ("/bus/policy/ownership", test_bus_policy_ownership);
  g_test_add_func ("/bus/open/ownership", test_bus_open_ownership);
  g_test_add_func ("/daemon/lifecycle", test_daemon_lifecycle);
  g_test_add_func ("/daemon/kill9-restart", test_daemon_kill9_restart);
  g_test_add_func ("/daemon/exits-early", test_daemon_exits_early);
  g_test_add_func ("/daemon/name-taken", test_daemon_name_taken);

  return g_test_run ();
}
