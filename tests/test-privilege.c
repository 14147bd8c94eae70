/* test-privilege.c: who may change gluster-peerd's state. uid 65534 is
 * refused every privileged method with AccessDenied and changes nothing,
 * but may call every query, read every property, introspect, use the
 * ObjectManager and ping; root may do everything. Run twice: with the
 * project's bus policy, and with an open policy, where the daemon's own
 * check is all that stands in the way.
 *
 * Only meaningful as root (switching uid needs it); skipped otherwise.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <gio/gio.h>
#include <string.h>

#include "gp-test-bus.h"
#include "gp-test-snapshot.h"

#define DEST GP_TEST_BUS_NAME
#define ROOT_PATH "/org/juju/GlusterPeer"
#define SERVER_PATH ROOT_PATH "/server"
#define UNIT1_PATH SERVER_PATH "/glusterfs_2f1"
#define MANAGER_IFACE "org.juju.GlusterPeer.Manager"
#define RELATION_IFACE "org.juju.GlusterPeer.Relation"
#define PEER_IFACE "org.juju.GlusterPeer"
#define PROPERTIES_IFACE "org.freedesktop.DBus.Properties"
#define ACCESS_DENIED "org.freedesktop.DBus.Error.AccessDenied"

typedef struct {
  const char *path;
  const char *iface;
  const char *method;
  const char *args; /* GVariant text format */
} Call;

/* Every privileged method, each with arguments that would change the
 * state; in an order where each does, one after the other, as root. */
static const Call privileged[] = {
  { SERVER_PATH, RELATION_IFACE, "SetLocalUnit", "('glusterfs/9', {'private-address': '10.9.9.9'})" },
  { SERVER_PATH, RELATION_IFACE, "SetAddress", "('public', '10.9.9.8')" },
  { SERVER_PATH, RELATION_IFACE, "SetBricks", "(['/evil'],)" },
  { SERVER_PATH, RELATION_IFACE, "SendAll", "({'evil': 'yes'},)" },
  { SERVER_PATH, RELATION_IFACE, "ClearState", "('bricks.available',)" },
  { ROOT_PATH, MANAGER_IFACE, "RelationCreated", "('other:5',)" },
  { ROOT_PATH, MANAGER_IFACE, "UnitJoined", "('server:3', 'glusterfs/5')" },
  { ROOT_PATH, MANAGER_IFACE, "UnitChanged", "('server:3', 'glusterfs/1', {'private-address': '10.9.9.7'})" },
  { ROOT_PATH, MANAGER_IFACE, "UnitDeparted", "('server:3', 'glusterfs/2')" },
  { ROOT_PATH, MANAGER_IFACE, "RelationBroken", "('server:3',)" },
};

/* Refused before the arguments are looked at: no validation leaks out. */
static const Call privileged_bad_args[] = {
  { ROOT_PATH, MANAGER_IFACE, "UnitJoined", "('server', 'glusterfs/01')" },
  { ROOT_PATH, MANAGER_IFACE, "UnitDeparted", "('server', 'nope')" },
  { SERVER_PATH, RELATION_IFACE, "ClearState", "('connected',)" },
  { ROOT_PATH, MANAGER_IFACE, "RelationBroken", "('no-such',)" },
};

static const Call queries[] = {
  { SERVER_PATH, RELATION_IFACE, "IpMap", "('',)" },
  { SERVER_PATH, RELATION_IFACE, "BrickMap", "()" },
  { SERVER_PATH, RELATION_IFACE, "PeerInfo", "('',)" },
  { SERVER_PATH, RELATION_IFACE, "RetrieveRemote", "('private-address',)" },
  { SERVER_PATH, RELATION_IFACE, "VolumeBricks", "(uint32 2, '')" },
  { ROOT_PATH, PROPERTIES_IFACE, "Get", "('" MANAGER_IFACE "', 'Version')" },
  { ROOT_PATH, PROPERTIES_IFACE, "Get", "('" MANAGER_IFACE "', 'Relations')" },
  { SERVER_PATH, PROPERTIES_IFACE, "Get", "('" RELATION_IFACE "', 'States')" },
  { SERVER_PATH, PROPERTIES_IFACE, "Get", "('" RELATION_IFACE "', 'LocalSettings')" },
  { UNIT1_PATH, PROPERTIES_IFACE, "Get", "('" PEER_IFACE "', 'Bricks')" },
  { UNIT1_PATH, PROPERTIES_IFACE, "Get", "('" PEER_IFACE "', 'Settings')" },
  { ROOT_PATH, PROPERTIES_IFACE, "GetAll", "('" MANAGER_IFACE "',)" },
  { SERVER_PATH, PROPERTIES_IFACE, "GetAll", "('" RELATION_IFACE "',)" },
  { UNIT1_PATH, PROPERTIES_IFACE, "GetAll", "('" PEER_IFACE "',)" },
  { ROOT_PATH, "org.freedesktop.DBus.Introspectable", "Introspect", "()" },
  { SERVER_PATH, "org.freedesktop.DBus.Introspectable", "Introspect", "()" },
  { UNIT1_PATH, "org.freedesktop.DBus.Introspectable", "Introspect", "()" },
  { ROOT_PATH, "org.freedesktop.DBus.ObjectManager", "GetManagedObjects", "()" },
  { ROOT_PATH, "org.freedesktop.DBus.Peer", "Ping", "()" },
  { UNIT1_PATH, "org.freedesktop.DBus.Peer", "Ping", "()" },
};

/* Read-only properties: any error will do, but an error it must be. */
static const Call property_sets[] = {
  { ROOT_PATH, PROPERTIES_IFACE, "Set", "('" MANAGER_IFACE "', 'Version', <'9.9'>)" },
  { ROOT_PATH, PROPERTIES_IFACE, "Set", "('" MANAGER_IFACE "', 'Relations', <@ao []>)" },
  { SERVER_PATH, PROPERTIES_IFACE, "Set", "('" RELATION_IFACE "', 'LocalUnit', <'glusterfs/9'>)" },
  { SERVER_PATH, PROPERTIES_IFACE, "Set", "('" RELATION_IFACE "', 'States', <@as []>)" },
  { UNIT1_PATH, PROPERTIES_IFACE, "Set", "('" PEER_IFACE "', 'Bricks', <['/evil']>)" },
  { UNIT1_PATH, PROPERTIES_IFACE, "Set", "('" PEER_IFACE "', 'Available', <false>)" },
};

typedef struct {
  GpTestBus *bus;
  GpTestDaemon *daemon;
  GDBusConnection *root;
  GDBusConnection *nobody;
  GVariant *before; /* snapshot of what set-up left, for every test to start from */
} Fixture;

static GVariant *
try_call (GDBusConnection *conn, const Call *call, GError **error)
{
  return gp_test_call_text (conn, call->path, call->iface, call->method, call->args, error);
}

static GVariant *
call_ok (GDBusConnection *conn, const Call *call)
{
  g_autoptr(GError) error = NULL;
  GVariant *reply = try_call (conn, call, &error);

  if (error)
    g_test_message ("%s.%s%s on %s failed", call->iface, call->method, call->args, call->path);
  g_assert_no_error (error);
  return reply;
}

static void
run (GDBusConnection *conn, const char *path, const char *iface, const char *method,
     const char *args)
{
  Call call = { path, iface, method, args };
  g_autoptr(GVariant) reply = call_ok (conn, &call);
}

#define snapshot(f) gp_test_snapshot ((f)->root)

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  if (!gp_test_can_switch_uid ())
    {
      g_test_skip ("needs root to connect as uid 65534");
      return;
    }
  f->bus = gp_test_bus_new (GPOINTER_TO_INT (data));
  f->daemon = gp_test_daemon_start (f->bus, NULL, NULL);
  f->root = gp_test_bus_connect (f->bus);
  f->nobody = gp_test_bus_connect_unprivileged (f->bus);

  run (f->root, ROOT_PATH, MANAGER_IFACE, "RelationCreated", "('server:3',)");
  run (f->root, ROOT_PATH, MANAGER_IFACE, "UnitChanged",
       "('server:3', 'glusterfs/1', {'private-address': '10.0.0.1', "
       "'bricks': '[\"/mnt/vdb1\",\"/mnt/vdc1\"]'})");
  run (f->root, ROOT_PATH, MANAGER_IFACE, "UnitChanged",
       "('server:3', 'glusterfs/2', {'private-address': '10.0.0.2', "
       "'bricks': '[\"/mnt/vdb1\"]'})");
  run (f->root, SERVER_PATH, RELATION_IFACE, "SetLocalUnit",
       "('glusterfs/0', {'private-address': '10.0.0.100', 'bricks': '[\"/srv/b1\"]'})");
  f->before = snapshot (f);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  if (f->bus == NULL)
    return;
  g_clear_pointer (&f->before, g_variant_unref);
  g_dbus_connection_close_sync (f->nobody, NULL, NULL);
  g_dbus_connection_close_sync (f->root, NULL, NULL);
  g_clear_object (&f->nobody);
  g_clear_object (&f->root);
  /* The daemon survived whatever the test sent it. */
  gp_test_daemon_stop (f->daemon);
  g_clear_pointer (&f->daemon, gp_test_daemon_free);
  g_clear_pointer (&f->bus, gp_test_bus_free);
}

static void
assert_access_denied (GDBusConnection *conn, const Call *call)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = try_call (conn, call, &error);
  g_autofree char *remote = NULL;

  if (reply != NULL || !g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_ACCESS_DENIED))
    g_test_message ("%s.%s%s: %s", call->iface, call->method, call->args,
                    error ? error->message : "allowed");
  g_assert_null (reply);
  g_assert_error (error, G_DBUS_ERROR, G_DBUS_ERROR_ACCESS_DENIED);
  remote = g_dbus_error_get_remote_error (error);
  g_assert_cmpstr (remote, ==, ACCESS_DENIED);
}

static void
test_privileged_refused (Fixture *f, gconstpointer data)
{
  gsize i;

  if (f->bus == NULL)
    return;
  for (i = 0; i < G_N_ELEMENTS (privileged); i++)
    assert_access_denied (f->nobody, &privileged[i]);
  for (i = 0; i < G_N_ELEMENTS (privileged_bad_args); i++)
    assert_access_denied (f->nobody, &privileged_bad_args[i]);
  gp_test_assert_snapshot (f->root, f->before);
}

static void
test_queries_allowed (Fixture *f, gconstpointer data)
{
  gsize i;

  if (f->bus == NULL)
    return;
  for (i = 0; i < G_N_ELEMENTS (queries); i++)
    {
      g_autoptr(GVariant) as_nobody = call_ok (f->nobody, &queries[i]);
      g_autoptr(GVariant) as_root = call_ok (f->root, &queries[i]);

      /* the same answer as root gets */
      if (!g_str_equal (queries[i].method, "GetManagedObjects") &&
          !g_str_equal (queries[i].method, "GetAll"))
        g_assert_cmpvariant (as_nobody, as_root);
      else
        {
          g_autoptr(GVariant) a = g_variant_get_child_value (as_nobody, 0);
          g_autoptr(GVariant) b = g_variant_get_child_value (as_root, 0);
          g_autoptr(GVariant) sa = g_variant_ref_sink (gp_test_sorted_dict (a));
          g_autoptr(GVariant) sb = g_variant_ref_sink (gp_test_sorted_dict (b));

          g_assert_cmpvariant (sa, sb);
        }
    }
  for (i = 0; i < G_N_ELEMENTS (property_sets); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GVariant) reply = try_call (f->nobody, &property_sets[i], &error);

      if (reply != NULL)
        g_test_message ("%s accepted", property_sets[i].args);
      g_assert_null (reply);
      g_assert_nonnull (error);
    }
  gp_test_assert_snapshot (f->root, f->before);
}

static void
test_root_allowed (Fixture *f, gconstpointer data)
{
  g_autoptr(GVariant) last = NULL;
  gsize i;

  if (f->bus == NULL)
    return;
  last = g_variant_ref (f->before);
  for (i = 0; i < G_N_ELEMENTS (privileged); i++)
    {
      g_autoptr(GVariant) reply = call_ok (f->root, &privileged[i]);
      g_autoptr(GVariant) now = snapshot (f);

      /* each call had its effect */
      if (g_variant_equal (now, last))
        g_test_message ("%s%s changed nothing", privileged[i].method, privileged[i].args);
      g_assert_false (g_variant_equal (now, last));
      g_clear_pointer (&last, g_variant_unref);
      last = g_steal_pointer (&now);
    }
  /* server broken; only the relation created along the way is left */
  {
    g_autoptr(GVariant) tree = g_variant_get_child_value (last, 1);
    g_autoptr(GVariant) other = g_variant_lookup_value (tree, ROOT_PATH "/other", NULL);

    g_assert_cmpuint (g_variant_n_children (tree), ==, 1);
    g_assert_nonnull (other);
  }
}

int
main (int argc, char **argv)
{
  static const struct {
    const char *name;
    gboolean with_policy;
  } policies[] = {
    { "bus-policy", TRUE },
    { "open-policy", FALSE },
  };
  gsize i;

  g_test_init (&argc, &argv, NULL);
  for (i = 0; i < G_N_ELEMENTS (policies); i++)
    {
      gconstpointer data = GINT_TO_POINTER (policies[i].with_policy);
      g_autofree char *refused = g_strdup_printf ("/privilege/%s/unprivileged-refused",
                                                  policies[i].name);
      g_autofree char *allowed = g_strdup_printf ("/privilege/%s/unprivileged-queries",
                                                  policies[i].name);
      g_autofree char *root = g_strdup_printf ("/privilege/%s/root-allowed", policies[i].name);

      g_test_add (refused, Fixture, data, fixture_set_up, test_privileged_refused,
                  fixture_tear_down);
      g_test_add (allowed, Fixture, data, fixture_set_up, test_queries_allowed,
                  fixture_tear_down);
      g_test_add (root, Fixture, data, fixture_set_up, test_root_allowed, fixture_tear_down);
    }
  return g_test_run ();
}
