/* test-fairness.c: what clients send cannot stop, stall or swell the
 * daemon. A flood of pipelined queries from uid 65534 gets
 * LimitsExceeded past its quota of calls in flight while root's hook call
 * is answered ahead of the queries still waiting; a queued VolumeBricks
 * answered a loop turn after its placement gets root's answer, before or
 * after a change read in between; peers whose bags would
 * make GetManagedObjects pass the bus's 32 MiB limit are refused into
 * Problems, and the hook call succeeds; 16 MiB arguments from uid 65534
 * are refused without the daemon keeping them.
 *
 * Only meaningful as root (switching uid needs it); skipped otherwise.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <gio/gio.h>
#include <stdlib.h>
#include <string.h>

#include "gp-test-bus.h"

#define ROOT_PATH "/org/juju/GlusterPeer"
#define SERVER_PATH ROOT_PATH "/server"
#define MANAGER_IFACE "org.juju.GlusterPeer.Manager"
#define RELATION_IFACE "org.juju.GlusterPeer.Relation"
#define LIMITS_EXCEEDED "org.freedesktop.DBus.Error.LimitsExceeded"

typedef struct {
  GpTestBus *bus;
  GpTestDaemon *daemon;
  GDBusConnection *root;
  GDBusConnection *nobody;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  if (!gp_test_can_switch_uid ())
    return;
  f->bus = gp_test_bus_new (TRUE);
  f->daemon = gp_test_daemon_start (f->bus, NULL, NULL);
  f->root = gp_test_bus_connect (f->bus);
  f->nobody = gp_test_bus_connect_unprivileged (f->bus);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  if (f->bus == NULL)
    return;
  g_dbus_connection_close_sync (f->nobody, NULL, NULL);
  g_clear_object (&f->nobody);
  g_clear_object (&f->root);
  gp_test_daemon_stop (f->daemon);
  gp_test_daemon_free (f->daemon);
  gp_test_bus_free (f->bus);
}

static gboolean
skip_unless_root (Fixture *f)
{
  if (f->bus)
    return FALSE;
  g_test_skip ("needs root to connect as uid 65534");
  return TRUE;
}

static GVariant *
call (GDBusConnection *conn, const char *path, const char *iface, const char *method,
      GVariant *args, GError **error)
{
  return g_dbus_connection_call_sync (conn, GP_TEST_BUS_NAME, path, iface, method, args,
                                      NULL, G_DBUS_CALL_FLAGS_NONE, 120000, NULL, error);
}

static void
unit_changed (Fixture *f, guint unit, GVariant *settings)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_strdup_printf ("glusterfs/%u", unit);
  g_autoptr(GVariant) reply = call (f->root, ROOT_PATH, MANAGER_IFACE, "UnitChanged",
                                    g_variant_new ("(ss@a{ss})", "server", name, settings),
                                    &error);

  g_assert_no_error (error);
}

/* VmHWM of the daemon, in KiB. */
static guint64
daemon_hwm_kib (Fixture *f)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", (int) gp_test_daemon_get_pid (f->daemon));
  g_autofree char *status = NULL;
  const char *line;

  g_assert_true (g_file_get_contents (path, &status, NULL, NULL));
  line = strstr (status, "VmHWM:");
  g_assert_nonnull (line);
  return g_ascii_strtoull (line + strlen ("VmHWM:"), NULL, 10);
}

/* ---- a flood of queries ------------------------------------------------------ */

typedef struct {
  guint done, ok, limits_exceeded, other;
  guint done_when_root_answered;
  gboolean root_answered;
} Flood;

static void
on_query_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Flood *flood = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source),
                                                             result, &error);
  g_autofree char *remote = error ? g_dbus_error_get_remote_error (error) : NULL;

  flood->done++;
  if (reply)
    flood->ok++;
  else if (g_strcmp0 (remote, LIMITS_EXCEEDED) == 0)
    flood->limits_exceeded++;
  else
    {
      g_test_message ("query failed: %s", error->message);
      flood->other++;
    }
}

static void
on_root_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Flood *flood = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source),
                                                             result, &error);

  g_assert_no_error (error);
  flood->root_answered = TRUE;
  flood->done_when_root_answered = flood->done;
}

static GVariant *
unit_settings (guint unit, guint n_bricks)
{
  g_autoptr(GString) bricks = g_string_new ("[");
  g_autofree char *address = g_strdup_printf ("10.0.%u.%u", unit / 250, unit % 250 + 1);

  for (guint b = 0; b < n_bricks; b++)
    g_string_append_printf (bricks, "%s\"/srv/gluster/a-rather-long-brick-path-%04u/data\"",
                            b ? "," : "", b);
  g_string_append_c (bricks, ']');
  return g_variant_new_parsed ("{'private-address': %s, 'bricks': %s}", address, bricks->str);
}

static void
test_flood (Fixture *f, gconstpointer data)
{
  const guint n_units = 200, n_bricks = 32, n_queries = 256;
  g_autoptr(GError) error = NULL;
  Flood flood = { 0 };

  if (skip_unless_root (f))
    return;
  for (guint u = 1; u <= n_units; u++)
    unit_changed (f, u, unit_settings (u, n_bricks));

  /* Pipelined, never waiting for an answer before the next. */
  for (guint i = 0; i < n_queries; i++)
    g_dbus_connection_call (f->nobody, GP_TEST_BUS_NAME, SERVER_PATH, RELATION_IFACE,
                            i % 2 ? "BrickMap" : "VolumeBricks",
                            i % 2 ? NULL : g_variant_new ("(us)", 2, ""), NULL,
                            G_DBUS_CALL_FLAGS_NONE, 120000, NULL, on_query_done, &flood);
  g_dbus_connection_flush_sync (f->nobody, NULL, &error);
  g_assert_no_error (error);
  g_dbus_connection_call (f->root, GP_TEST_BUS_NAME, ROOT_PATH, MANAGER_IFACE, "UnitChanged",
                          g_variant_new ("(ss@a{ss})", "server", "glusterfs/1",
                                         unit_settings (1, n_bricks + 1)),
                          NULL, G_DBUS_CALL_FLAGS_NONE, 120000, NULL, on_root_done, &flood);
  while (flood.done < n_queries || !flood.root_answered)
    g_main_context_iteration (NULL, TRUE);

  g_test_message ("%u queries: %u answered, %u LimitsExceeded; %u done before root's reply",
                  n_queries, flood.ok, flood.limits_exceeded, flood.done_when_root_answered);
  g_assert_cmpuint (flood.other, ==, 0);
  g_assert_cmpuint (flood.ok, >, 0);
  g_assert_cmpuint (flood.limits_exceeded, >, 0);
  /* root went ahead of the queries still waiting */
  g_assert_cmpuint (flood.done_when_root_answered, <, n_queries);
  g_assert_true (gp_test_daemon_is_running (f->daemon));
}

/* A queued VolumeBricks that places afresh answers on a later loop turn:
 * the answer is the one root gets at once, and with root's change read in
 * between, the state before or after it, never a mix. */
static GVariant *
volume_bricks (GDBusConnection *conn)
{
  g_autoptr(GError) error = NULL;
  GVariant *reply = call (conn, SERVER_PATH, RELATION_IFACE, "VolumeBricks",
                          g_variant_new ("(us)", 2, ""), &error);

  g_assert_no_error (error);
  return reply;
}

static void
on_reply (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;

  *(GVariant **) user_data = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source),
                                                            result, &error);
  g_assert_no_error (error);
}

static void
test_volume_bricks_later_turn (Fixture *f, gconstpointer data)
{
  g_autoptr(GVariant) from_root = NULL, from_nobody = NULL, before = NULL, after = NULL;
  g_autoptr(GVariant) changed = NULL;
  g_autoptr(GVariant) root_reply = NULL, bricks = NULL;

  if (skip_unless_root (f))
    return;
  for (guint u = 1; u <= 4; u++)
    unit_changed (f, u, unit_settings (u, 3));
  from_nobody = volume_bricks (f->nobody);
  from_root = volume_bricks (f->root);
  g_assert_true (g_variant_equal (from_nobody, from_root));
  bricks = g_variant_get_child_value (from_root, 0);
  g_assert_cmpuint (g_variant_n_children (bricks), ==, 12);

  before = g_steal_pointer (&from_root);
  g_dbus_connection_call (f->nobody, GP_TEST_BUS_NAME, SERVER_PATH, RELATION_IFACE,
                          "VolumeBricks", g_variant_new ("(us)", 2, ""), NULL,
                          G_DBUS_CALL_FLAGS_NONE, 120000, NULL, on_reply, &changed);
  g_dbus_connection_call (f->root, GP_TEST_BUS_NAME, ROOT_PATH, MANAGER_IFACE, "UnitChanged",
                          g_variant_new ("(ss@a{ss})", "server", "glusterfs/5",
                                         unit_settings (5, 3)),
                          NULL, G_DBUS_CALL_FLAGS_NONE, 120000, NULL, on_reply, &root_reply);
  while (changed == NULL || root_reply == NULL)
    g_main_context_iteration (NULL, TRUE);
  after = volume_bricks (f->root);
  g_assert_false (g_variant_equal (before, after));
  g_assert_true (g_variant_equal (changed, before) || g_variant_equal (changed, after));
  g_clear_pointer (&from_nobody, g_variant_unref);
  from_nobody = volume_bricks (f->nobody);
  g_assert_true (g_variant_equal (from_nobody, after));
}

/* ---- replies within the bus's limit ------------------------------------------ */

static void
test_state_budget (Fixture *f, gconstpointer data)
{
  const guint n_peers = 3, n_keys = 14;
  g_autofree char *value = g_strnfill (1000 * 1000, 'x');
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) objects = NULL;
  g_autoptr(GVariant) problems = NULL;
  g_autofree char *problems_text = NULL;

  if (skip_unless_root (f))
    return;
  /* Every bag within the per-value and per-bag limits; together they
   * would make GetManagedObjects larger than 32 MiB. */
  for (guint u = 1; u <= n_peers; u++)
    {
      GVariantBuilder settings;

      g_variant_builder_init (&settings, G_VARIANT_TYPE ("a{ss}"));
      for (guint k = 0; k < n_keys; k++)
        {
          g_autofree char *key = g_strdup_printf ("blob-%u", k);

          g_variant_builder_add (&settings, "{ss}", key, value);
        }
      unit_changed (f, u, g_variant_builder_end (&settings));
    }

  objects = call (f->nobody, ROOT_PATH, "org.freedesktop.DBus.ObjectManager",
                  "GetManagedObjects", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_variant_get_size (objects), <, 32 * 1024 * 1024);
  g_assert_true (gp_test_daemon_is_running (f->daemon));

  problems = call (f->nobody, SERVER_PATH "/glusterfs_2f3", "org.freedesktop.DBus.Properties",
                   "Get", g_variant_new ("(ss)", "org.juju.GlusterPeer", "Problems"), &error);
  g_assert_no_error (error);
  problems_text = g_variant_print (problems, FALSE);
  g_test_message ("glusterfs/3: %s", problems_text);
  g_assert_nonnull (strstr (problems_text, "budget"));
}

/* ---- large unprivileged arguments -------------------------------------------- */

typedef struct {
  guint done, refused;
} Big;

static void
on_big_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Big *big = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source),
                                                             result, &error);

  big->done++;
  if (reply == NULL)
    big->refused++;
}

static void
test_large_arguments (Fixture *f, gconstpointer data)
{
  const guint n_calls = 32;
  g_autofree char *key = g_strnfill (16 * 1024 * 1024, 'k');
  g_autoptr(GError) error = NULL;
  guint64 before;
  Big big = { 0 };

  if (skip_unless_root (f))
    return;
  unit_changed (f, 1, unit_settings (1, 2));
  before = daemon_hwm_kib (f);
  for (guint i = 0; i < n_calls; i++)
    g_dbus_connection_call (f->nobody, GP_TEST_BUS_NAME, SERVER_PATH, RELATION_IFACE,
                            "RetrieveRemote", g_variant_new ("(s)", key), NULL,
                            G_DBUS_CALL_FLAGS_NONE, 120000, NULL, on_big_done, &big);
  g_dbus_connection_flush_sync (f->nobody, NULL, &error);
  g_assert_no_error (error);
  while (big.done < n_calls)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpuint (big.refused, ==, n_calls);
  g_assert_true (gp_test_daemon_is_running (f->daemon));
  g_test_message ("VmHWM %" G_GUINT64_FORMAT " KiB -> %" G_GUINT64_FORMAT " KiB",
                  before, daemon_hwm_kib (f));
  /* Under valgrind (a wrapper) or ASan, freed blocks are held back on
   * purpose (valgrind's copies, ASan's quarantine). */
  if (g_getenv ("GP_DAEMON_WRAPPER") == NULL && g_getenv ("ASAN_OPTIONS") == NULL)
    g_assert_cmpuint (daemon_hwm_kib (f) - before, <=, 64 * 1024);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/fairness/flood", Fixture, NULL, fixture_set_up, test_flood, fixture_tear_down);
  g_test_add ("/fairness/volume-bricks-later-turn", Fixture, NULL, fixture_set_up,
              test_volume_bricks_later_turn, fixture_tear_down);
  g_test_add ("/fairness/state-budget", Fixture, NULL, fixture_set_up, test_state_budget,
              fixture_tear_down);
  g_test_add ("/fairness/large-arguments", Fixture, NULL, fixture_set_up, test_large_arguments,
              fixture_tear_down);
  return g_test_run ();
}
