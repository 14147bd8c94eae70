/* test-sdbus.c: gluster-peerd seen through libsystemd's sd-bus, the client
 * stack busctl is built on, rather than through GDBus: method calls with
 * their D-Bus error names, properties, the ObjectManager tree,
 * introspection and the signals of the contract.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <gio/gio.h>
#include <string.h>
#include <systemd/sd-bus.h>

#include "gp-test-bus.h"
#include "gp-test-render.h"

#define DEST GP_TEST_BUS_NAME
#define ROOT_PATH "/org/juju/GlusterPeer"
#define SERVER_PATH ROOT_PATH "/server"
#define UNIT1_PATH SERVER_PATH "/glusterfs_2f1"
#define UNIT2_PATH SERVER_PATH "/glusterfs_2f2"
#define UNIT10_PATH SERVER_PATH "/glusterfs_2f10"
#define MANAGER_IFACE "org.juju.GlusterPeer.Manager"
#define RELATION_IFACE "org.juju.GlusterPeer.Relation"
#define PEER_IFACE "org.juju.GlusterPeer"
#define PROPERTIES_IFACE "org.freedesktop.DBus.Properties"
#define OBJECT_MANAGER_IFACE "org.freedesktop.DBus.ObjectManager"
#define ERROR_INVALID_ARGUMENT "org.juju.GlusterPeer.Error.InvalidArgument"
#define ERROR_LIMIT_EXCEEDED "org.juju.GlusterPeer.Error.LimitExceeded"
#define ERROR_INSUFFICIENT_PEERS "org.juju.GlusterPeer.Error.InsufficientPeers"
#define SIGNAL_TIMEOUT_MS 5000
/* (path, interface) pairs, for brevity */
#define MANAGER ROOT_PATH, MANAGER_IFACE
#define SERVER SERVER_PATH, RELATION_IFACE
#define PEER(path) path, PEER_IFACE

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sd_bus_message, sd_bus_message_unref)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (sd_bus_error, sd_bus_error_free)

typedef struct {
  char *path;
  char *interface;
  char *member;
  char *arg0; /* the first argument when it is a string or path */
  char *body; /* all arguments, rendered */
} Signal;

typedef struct {
  GpTestBus *bus;
  GpTestDaemon *daemon;
  sd_bus *client;
  char *daemon_name; /* the daemon's unique name */
  GPtrArray *signals; /* Signal, every signal the daemon sent us */
} Fixture;

static void
signal_free (gpointer data)
{
  Signal *s = data;

  g_free (s->path);
  g_free (s->interface);
  g_free (s->member);
  g_free (s->arg0);
  g_free (s->body);
  g_free (s);
}

/* ---- reading messages ------------------------------------------------------ */

static int
compare_strings (const void *a, const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* ---- calls --------------------------------------------------------------- */

/* Calls, asserts success (or the expected error) and returns the reply
 * as text (see gp_test_render_message()), NULL after an error. */
static char *
call_full (Fixture *f, const char *expected_error, const char *path, const char *iface,
           const char *member, const char *types, ...)
{
  g_auto(sd_bus_error) error = SD_BUS_ERROR_NULL;
  g_autoptr(sd_bus_message) reply = NULL;
  va_list ap;
  int r;

  va_start (ap, types);
  r = sd_bus_call_methodv (f->client, DEST, path, iface, member, &error, &reply, types, ap);
  va_end (ap);
  if ((r < 0) != (expected_error != NULL))
    g_test_message ("%s.%s on %s: %s: %s", iface, member, path,
                    error.name ? error.name : "success", error.message ? error.message : "");
  g_assert_cmpstr (error.name, ==, expected_error);
  if (expected_error == NULL)
    {
      g_assert_cmpint (r, >=, 0);
      return gp_test_render_message (reply);
    }
  g_assert_cmpint (r, <, 0);
  /* a message a person can act on */
  g_assert_nonnull (error.message);
  g_assert_cmpuint (strlen (error.message), >, 10);
  return NULL;
}

#define call(f, ...) call_full (f, NULL, __VA_ARGS__)
#define run(f, ...) g_free (call_full (f, NULL, __VA_ARGS__))
#define call_fails(f, error_name, ...) g_assert_null (call_full (f, error_name, __VA_ARGS__))

/* UnitChanged with a NULL-terminated key, value, key, value... list;
 * returns the unit's object path, or NULL if the call failed as expected. */
static char *
unit_changed (Fixture *f, const char *relation, const char *unit, const char *const *kv,
              const char *expected_error)
{
  g_autoptr(sd_bus_message) m = NULL;
  g_autoptr(sd_bus_message) reply = NULL;
  g_auto(sd_bus_error) error = SD_BUS_ERROR_NULL;

  g_assert_cmpint (sd_bus_message_new_method_call (f->client, &m, DEST, MANAGER,
                                                   "UnitChanged"), >=, 0);
  g_assert_cmpint (sd_bus_message_append (m, "ss", relation, unit), >=, 0);
  g_assert_cmpint (sd_bus_message_open_container (m, 'a', "{ss}"), >=, 0);
  for (; kv[0] != NULL; kv += 2)
    g_assert_cmpint (sd_bus_message_append (m, "{ss}", kv[0], kv[1]), >=, 0);
  g_assert_cmpint (sd_bus_message_close_container (m), >=, 0);
  if (sd_bus_call (f->client, m, 0, &error, &reply) < 0)
    g_test_message ("UnitChanged %s: %s: %s", unit, error.name, error.message);
  g_assert_cmpstr (error.name, ==, expected_error);
  return reply ? gp_test_render_message (reply) : NULL;
}

/* A property through sd_bus_get_property, as text. */
static char *
prop (Fixture *f, const char *path, const char *iface, const char *name, const char *type)
{
  g_auto(sd_bus_error) error = SD_BUS_ERROR_NULL;
  g_autoptr(sd_bus_message) reply = NULL;
  int r = sd_bus_get_property (f->client, DEST, path, iface, name, &error, &reply, type);

  if (r < 0)
    g_test_message ("%s.%s on %s: %s: %s", iface, name, path, error.name, error.message);
  g_assert_cmpint (r, >=, 0);
  return gp_test_render_message (reply);
}

#define assert_string(got, expected) G_STMT_START { \
    g_autofree char *got_ = (got); \
    g_assert_cmpstr (got_, ==, (expected)); \
  } G_STMT_END
#define assert_prop(f, target, name, type, expected) \
  assert_string (prop (f, target, name, type), expected)

/* ---- signals ---------------------------------------------------------------- */

static int
on_signal (sd_bus_message *m, void *user_data, sd_bus_error *ret_error)
{
  Fixture *f = user_data;
  Signal *s = g_new0 (Signal, 1);
  const char *arg0;
  char type;

  g_assert_cmpstr (sd_bus_message_get_sender (m), ==, f->daemon_name);
  s->path = g_strdup (sd_bus_message_get_path (m));
  s->interface = g_strdup (sd_bus_message_get_interface (m));
  s->member = g_strdup (sd_bus_message_get_member (m));
  if (sd_bus_message_peek_type (m, &type, NULL) > 0 && (type == 's' || type == 'o'))
    {
      g_assert_cmpint (sd_bus_message_read_basic (m, type, &arg0), >, 0);
      s->arg0 = g_strdup (arg0);
      g_assert_cmpint (sd_bus_message_rewind (m, 1), >=, 0);
    }
  s->body = gp_test_render_message (m);
  g_ptr_array_add (f->signals, s);
  return 0;
}

/* Dispatches what the client received, waiting (with a deadline) until at
 * least @n signals are recorded. */
static void
wait_for_signals (Fixture *f, guint n)
{
  gint64 deadline = g_get_monotonic_time () +
                    (gint64) (SIGNAL_TIMEOUT_MS * gp_test_timeout_scale ()) * 1000;

  for (;;)
    {
      gint64 now;
      int r = sd_bus_process (f->client, NULL);

      g_assert_cmpint (r, >=, 0);
      if (r > 0)
        continue;
      now = g_get_monotonic_time ();
      if (f->signals->len >= n || now >= deadline)
        break;
      g_assert_cmpint (sd_bus_wait (f->client, (uint64_t) (deadline - now)), >=, 0);
    }
}

/* A round trip to the daemon: every signal it sent before is then queued
 * here, and dispatched. */
static void
sync_signals (Fixture *f)
{
  run (f, ROOT_PATH, "org.freedesktop.DBus.Peer", "Ping", "");
  wait_for_signals (f, 0);
}

/* The org.juju.GlusterPeer signals received so far, "Member unit args"
 * joined with "; ", then forgets all signals. */
static char *
take_peer_signals (Fixture *f)
{
  GString *out = g_string_new (NULL);
  guint i;

  for (i = 0; i < f->signals->len; i++)
    {
      Signal *s = g_ptr_array_index (f->signals, i);

      if (g_strcmp0 (s->interface, PEER_IFACE) == 0)
        g_string_append_printf (out, "%s%s %s %s", out->len ? "; " : "", s->member,
                                strrchr (s->path, '/') + 1, s->body);
    }
  g_ptr_array_set_size (f->signals, 0);
  return g_string_free (out, FALSE);
}

/* Index of the first signal matching, or -1. */
static int
find_signal (Fixture *f, const char *member, const char *path, const char *arg0)
{
  guint i;

  for (i = 0; i < f->signals->len; i++)
    {
      Signal *s = g_ptr_array_index (f->signals, i);

      if (g_str_equal (s->member, member) && g_str_equal (s->path, path) &&
          (arg0 == NULL || g_strcmp0 (s->arg0, arg0) == 0))
        return (int) i;
    }
  return -1;
}

/* ---- fixture ------------------------------------------------------------------ */

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr(sd_bus_message) reply = NULL;

  /* The real policy needs root to own the name; otherwise the open one,
   * where the daemon's own uid is privileged. */
  f->bus = gp_test_bus_new (gp_test_can_switch_uid ());
  f->daemon = gp_test_daemon_start (f->bus, NULL, data);
  f->signals = g_ptr_array_new_with_free_func (signal_free);

  g_assert_cmpint (sd_bus_new (&f->client), >=, 0);
  g_assert_cmpint (sd_bus_set_address (f->client, gp_test_bus_get_address (f->bus)), >=, 0);
  g_assert_cmpint (sd_bus_set_bus_client (f->client, 1), >=, 0);
  g_assert_cmpint (sd_bus_start (f->client), >=, 0);

  g_assert_cmpint (sd_bus_call_method (f->client, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "GetNameOwner", NULL, &reply,
                                       "s", DEST), >=, 0);
  f->daemon_name = gp_test_render_message (reply);
  /* Everything the daemon broadcasts; AddMatch is a synchronous call. */
  g_assert_cmpint (sd_bus_match_signal (f->client, NULL, f->daemon_name, NULL, NULL, NULL,
                                        on_signal, f), >=, 0);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_clear_pointer (&f->client, sd_bus_flush_close_unref);
  /* Also checks that the daemon survived the test and exits cleanly. */
  gp_test_daemon_stop (f->daemon);
  g_clear_pointer (&f->daemon, gp_test_daemon_free);
  g_clear_pointer (&f->bus, gp_test_bus_free);
  g_clear_pointer (&f->signals, g_ptr_array_unref);
  g_clear_pointer (&f->daemon_name, g_free);
}

static const char *const unit1_settings[] = {
  "private-address", "10.0.0.1", "bricks", "[\"/mnt/vdb1\",\"/mnt/vdc1\"]", NULL,
};
static const char *const unit2_settings[] = {
  "private-address", "10.0.0.2", "ingress-address", "192.168.0.2",
  "public-address", "198.51.100.2",
  "bricks", "['/mnt/vdb1', u'/mnt/vdc1', '/mnt/vdb1']", /* from older charms */
  NULL,
};
static const char *const unit10_settings[] = {
  "private-address", "10.0.0.10", "bricks", "[\"/mnt/vdb1\",\"/mnt/vdc1\"]", NULL,
};

/* The three-unit relation "server:3", joined out of order. */
static void
populate (Fixture *f)
{
  assert_string (call (f, MANAGER, "RelationCreated", "s", "server:3"), SERVER_PATH);
  assert_string (call (f, MANAGER, "UnitJoined", "ss", "server:3", "glusterfs/10"), UNIT10_PATH);
  assert_string (call (f, MANAGER, "UnitJoined", "ss", "server:3", "glusterfs/2"), UNIT2_PATH);
  assert_string (call (f, MANAGER, "UnitJoined", "ss", "server:3", "glusterfs/1"), UNIT1_PATH);
  assert_string (unit_changed (f, "server:3", "glusterfs/1", unit1_settings, NULL), UNIT1_PATH);
  assert_string (unit_changed (f, "server:3", "glusterfs/2", unit2_settings, NULL), UNIT2_PATH);
  assert_string (unit_changed (f, "server", "glusterfs/10", unit10_settings, NULL), UNIT10_PATH);
}

/* ---- tests ----------------------------------------------------------------------- */

#define VDB_VDC "[/mnt/vdb1, /mnt/vdc1]"

static void
test_hooks_and_properties (Fixture *f, gconstpointer data)
{
  g_auto(sd_bus_error) error = SD_BUS_ERROR_NULL;
  g_autofree char *version = NULL;

  g_assert_cmpint (sd_bus_get_property_string (f->client, DEST, MANAGER, "Version",
                                               &error, &version), >=, 0);
  g_assert_cmpstr (version, !=, "");
  assert_prop (f, MANAGER, "Relations", "ao", "[]");

  run (f, MANAGER, "RelationCreated", "s", "server:3");
  assert_prop (f, MANAGER, "Relations", "ao", "[" SERVER_PATH "]");
  assert_prop (f, SERVER, "Name", "s", "server");
  assert_prop (f, SERVER, "Id", "s", "server:3");
  assert_prop (f, SERVER, "States", "as", "[]");
  assert_prop (f, SERVER, "LocalUnit", "s", "");

  populate (f);
  /* by application, then unit number */
  assert_prop (f, SERVER, "Units", "ao", "[" UNIT1_PATH ", " UNIT2_PATH ", " UNIT10_PATH "]");
  assert_prop (f, SERVER, "States", "as", "[available, bricks.available, connected]");
  /* calling with the bare endpoint name keeps the id */
  assert_prop (f, SERVER, "Id", "s", "server:3");

  assert_prop (f, PEER (UNIT1_PATH), "Name", "s", "glusterfs/1");
  assert_prop (f, PEER (UNIT10_PATH), "HostName", "s", "glusterfs-10");
  assert_prop (f, PEER (UNIT1_PATH), "Address", "s", "10.0.0.1");
  /* ingress-address wins over private-address */
  assert_prop (f, PEER (UNIT2_PATH), "Address", "s", "192.168.0.2");
  assert_prop (f, PEER (UNIT2_PATH), "Addresses", "a{ss}",
               "[ingress 192.168.0.2, private 10.0.0.2, public 198.51.100.2]");
  assert_prop (f, PEER (UNIT1_PATH), "Bricks", "as", VDB_VDC);
  /* Python-style list, duplicates dropped, order kept */
  assert_prop (f, PEER (UNIT2_PATH), "Bricks", "as", VDB_VDC);
  assert_prop (f, PEER (UNIT1_PATH), "Settings", "a{ss}",
               "[bricks [\"/mnt/vdb1\",\"/mnt/vdc1\"], private-address 10.0.0.1]");
  assert_prop (f, PEER (UNIT10_PATH), "Available", "b", "true");
  assert_prop (f, PEER (UNIT10_PATH), "Problems", "as", "[]");

  /* escaping of another application's unit */
  assert_string (call (f, MANAGER, "UnitJoined", "ss", "server", "gluster-fs/12"),
                 SERVER_PATH "/gluster_2dfs_2f12");
  assert_prop (f, SERVER, "Units", "ao", "[" SERVER_PATH "/gluster_2dfs_2f12, " UNIT1_PATH
               ", " UNIT2_PATH ", " UNIT10_PATH "]");
  assert_prop (f, PEER (SERVER_PATH "/gluster_2dfs_2f12"), "Available", "b", "false");
}

static void
test_local_and_queries (Fixture *f, gconstpointer data)
{
  g_autofree char *three = NULL;
  g_auto(GStrv) groups = NULL;
  guint i;

  populate (f);
  run (f, SERVER, "SetLocalUnit", "sa{ss}", "glusterfs/0",
       2, "private-address", "10.0.0.100", "egress-subnets", "10.0.0.0/24");
  run (f, SERVER, "SetAddress", "ss", "public", "203.0.113.9");
  run (f, SERVER, "SetBricks", "as", 3, "/srv/b1", "/srv/b1", "/srv/b2");
  assert_prop (f, SERVER, "LocalUnit", "s", "glusterfs/0");
  assert_prop (f, SERVER, "LocalSettings", "a{ss}",
               "[bricks [\"/srv/b1\",\"/srv/b2\"], egress-subnets 10.0.0.0/24, "
               "private-address 10.0.0.100, public-address 203.0.113.9]");
  /* merged; an empty value deletes */
  run (f, SERVER, "SendAll", "a{ss}", 2, "public-address", "", "volume", "gv0");
  assert_prop (f, SERVER, "LocalSettings", "a{ss}",
               "[bricks [\"/srv/b1\",\"/srv/b2\"], egress-subnets 10.0.0.0/24, "
               "private-address 10.0.0.100, volume gv0]");

  /* sorted like Units; "" is each unit's Address, ingress-address first */
  assert_string (call (f, SERVER, "IpMap", "s", ""),
                 "[(glusterfs-1 10.0.0.1), (glusterfs-2 192.168.0.2), (glusterfs-10 10.0.0.10)]");
  assert_string (call (f, SERVER, "IpMap", "s", "ingress-address"),
                 "[(glusterfs-1 ), (glusterfs-2 192.168.0.2), (glusterfs-10 )]");
  assert_string (call (f, SERVER, "BrickMap", ""),
                 "[glusterfs-1 " VDB_VDC ", glusterfs-10 " VDB_VDC ", glusterfs-2 " VDB_VDC "]");
  assert_string (call (f, SERVER, "PeerInfo", "s", ""),
                 "[glusterfs/0 (10.0.0.100 [/srv/b1, /srv/b2]), glusterfs/1 (10.0.0.1 " VDB_VDC
                 "), glusterfs/10 (10.0.0.10 " VDB_VDC "), glusterfs/2 (192.168.0.2 " VDB_VDC ")]");
  assert_string (call (f, SERVER, "RetrieveRemote", "s", "private-address"),
                 "[10.0.0.1, 10.0.0.2, 10.0.0.10]");
  assert_string (call (f, SERVER, "RetrieveRemote", "s", "public-address"), "[198.51.100.2]");

  /* Equal brick counts: plain round robin over the hosts in name order. */
  assert_string (call (f, SERVER, "VolumeBricks", "us", 2, ""),
                 "[10.0.0.100:/srv/b1, 10.0.0.1:/mnt/vdb1, 192.168.0.2:/mnt/vdb1, "
                 "10.0.0.10:/mnt/vdb1, 10.0.0.100:/srv/b2, 10.0.0.1:/mnt/vdc1, "
                 "192.168.0.2:/mnt/vdc1, 10.0.0.10:/mnt/vdc1]");
  /* replica 3: 8 bricks trimmed to 6, each group on 3 distinct hosts */
  three = call (f, SERVER, "VolumeBricks", "us", 3, "");
  three[strlen (three) - 1] = '\0';
  groups = g_strsplit (three + 1, ", ", -1);
  g_assert_cmpuint (g_strv_length (groups), ==, 6);
  for (i = 0; i < 6; i += 3)
    {
      g_auto(GStrv) a = g_strsplit (groups[i], ":", 2);
      g_auto(GStrv) b = g_strsplit (groups[i + 1], ":", 2);
      g_auto(GStrv) c = g_strsplit (groups[i + 2], ":", 2);

      g_assert_cmpstr (a[0], !=, b[0]);
      g_assert_cmpstr (a[0], !=, c[0]);
      g_assert_cmpstr (b[0], !=, c[0]);
    }
  call_fails (f, ERROR_INSUFFICIENT_PEERS, SERVER, "VolumeBricks", "us", 5, "");
  call_fails (f, ERROR_INVALID_ARGUMENT, SERVER, "VolumeBricks", "us", 0, "");
}

static void
test_signals (Fixture *f, gconstpointer data)
{
  static const char *const moved[] = {
    "private-address", "10.0.0.1", "bricks", "[\"/mnt/vdc1\",\"/mnt/vdd1\"]", NULL,
  };
  static const char *const malformed[] = {
    "private-address", "10.0.0.1", "bricks", "/mnt/vdc1 /mnt/vdd1", NULL,
  };
  int changed, added, departed, removed, relation;

  populate (f);
  wait_for_signals (f, 3);
  sync_signals (f);
  g_assert_cmpint (find_signal (f, "InterfacesAdded", ROOT_PATH, SERVER_PATH), >=, 0);
  g_assert_cmpint (find_signal (f, "InterfacesAdded", ROOT_PATH, UNIT1_PATH), >=, 0);
  g_assert_cmpint (find_signal (f, "InterfacesAdded", ROOT_PATH, UNIT10_PATH), >=, 0);
  assert_string (take_peer_signals (f), "BricksAdded glusterfs_2f1 " VDB_VDC
                 "; BricksAdded glusterfs_2f2 " VDB_VDC "; BricksAdded glusterfs_2f10 " VDB_VDC);

  /* Whole paths compared: vdb1 gone, vdd1 new. PropertiesChanged first. */
  g_free (unit_changed (f, "server", "glusterfs/1", moved, NULL));
  wait_for_signals (f, 2);
  sync_signals (f);
  changed = find_signal (f, "PropertiesChanged", UNIT1_PATH, PEER_IFACE);
  added = find_signal (f, "BricksAdded", UNIT1_PATH, NULL);
  g_assert_cmpint (changed, >=, 0);
  g_assert_cmpint (added, >, changed);
  g_assert_nonnull (strstr (((Signal *) f->signals->pdata[changed])->body,
                            "Bricks [/mnt/vdc1, /mnt/vdd1]"));
  assert_string (take_peer_signals (f), "BricksAdded glusterfs_2f1 [/mnt/vdd1]; "
                 "BricksRemoved glusterfs_2f1 [/mnt/vdb1]");
  assert_prop (f, SERVER, "States", "as",
               "[available, bricks.available, bricks.removed, connected]");

  /* A retried hook: nothing at all. */
  g_free (unit_changed (f, "server:3", "glusterfs/1", moved, NULL));
  run (f, MANAGER, "UnitJoined", "ss", "server:3", "glusterfs/1");
  sync_signals (f);
  g_assert_cmpuint (f->signals->len, ==, 0);

  /* A malformed list is no hook failure: the bag is kept, the problem told. */
  g_free (unit_changed (f, "server", "glusterfs/1", malformed, NULL));
  wait_for_signals (f, 1);
  sync_signals (f);
  assert_string (take_peer_signals (f), "BricksRemoved glusterfs_2f1 [/mnt/vdc1, /mnt/vdd1]");
  assert_prop (f, PEER (UNIT1_PATH), "Bricks", "as", "[]");
  assert_prop (f, PEER (UNIT1_PATH), "Available", "b", "false");
  {
    g_autofree char *problems = prop (f, PEER (UNIT1_PATH), "Problems", "as");

    g_assert_cmpstr (problems, !=, "[]");
    g_assert_nonnull (strstr (problems, "bricks"));
  }
  assert_prop (f, PEER (UNIT1_PATH), "Settings", "a{ss}",
               "[bricks /mnt/vdc1 /mnt/vdd1, private-address 10.0.0.1]");

  /* Depart: Departed, InterfacesRemoved, the relation's PropertiesChanged. */
  run (f, MANAGER, "UnitDeparted", "ss", "server:3", "glusterfs/2");
  wait_for_signals (f, 3);
  sync_signals (f);
  departed = find_signal (f, "Departed", UNIT2_PATH, NULL);
  removed = find_signal (f, "InterfacesRemoved", ROOT_PATH, UNIT2_PATH);
  relation = find_signal (f, "PropertiesChanged", SERVER_PATH, RELATION_IFACE);
  g_assert_cmpint (departed, >=, 0);
  g_assert_cmpint (removed, >, departed);
  g_assert_cmpint (relation, >, removed);
  assert_string (take_peer_signals (f), "Departed glusterfs_2f2 192.168.0.2 [/mnt/vdb1, /mnt/vdc1]");
  assert_prop (f, SERVER, "Units", "ao", "[" UNIT1_PATH ", " UNIT10_PATH "]");
  assert_prop (f, SERVER, "States", "as",
               "[available, bricks.available, bricks.removed, connected, departed]");
  assert_prop (f, SERVER, "Departed", "a{s(sas)}",
               "[glusterfs/2 (192.168.0.2 [/mnt/vdb1, /mnt/vdc1])]");
  assert_prop (f, SERVER, "Ids", "as", "[server:3]");
  {
    g_auto(sd_bus_error) error = SD_BUS_ERROR_NULL;
    char *value = NULL;

    g_assert_cmpint (sd_bus_get_property_string (f->client, DEST, PEER (UNIT2_PATH), "Name",
                                                 &error, &value), <, 0);
    g_assert_null (value);
  }

  /* Departing again, an unknown unit, an unknown relation: success, no
   * signal, nothing created. */
  run (f, MANAGER, "UnitDeparted", "ss", "server:3", "glusterfs/2");
  run (f, MANAGER, "UnitDeparted", "ss", "server:3", "glusterfs/77");
  run (f, MANAGER, "UnitDeparted", "ss", "other:8", "glusterfs/1");
  sync_signals (f);
  g_assert_cmpuint (f->signals->len, ==, 0);
  assert_prop (f, MANAGER, "Relations", "ao", "[" SERVER_PATH "]");

  run (f, SERVER, "ClearState", "s", "departed");
  assert_prop (f, SERVER, "States", "as",
               "[available, bricks.available, bricks.removed, connected]");
  assert_prop (f, SERVER, "Departed", "a{s(sas)}", "[]");
}

/* GetManagedObjects as sorted "path iface" lines, plus "path iface.Prop=value"
 * for the string properties. */
static GStrv
managed_objects (Fixture *f)
{
  g_autoptr(sd_bus_message) reply = NULL;
  g_autoptr(GPtrArray) out = g_ptr_array_new ();
  const char *path, *iface, *name, *contents, *value;

  g_assert_cmpint (sd_bus_call_method (f->client, DEST, ROOT_PATH, OBJECT_MANAGER_IFACE,
                                       "GetManagedObjects", NULL, &reply, ""), >=, 0);
  g_assert_cmpint (sd_bus_message_enter_container (reply, 'a', "{oa{sa{sv}}}"), >, 0);
  while (sd_bus_message_enter_container (reply, 'e', "oa{sa{sv}}") > 0)
    {
      g_assert_cmpint (sd_bus_message_read (reply, "o", &path), >, 0);
      g_assert_cmpint (sd_bus_message_enter_container (reply, 'a', "{sa{sv}}"), >, 0);
      while (sd_bus_message_enter_container (reply, 'e', "sa{sv}") > 0)
        {
          g_assert_cmpint (sd_bus_message_read (reply, "s", &iface), >, 0);
          /* sd-bus lists the standard interfaces every object has
           * (Peer, Introspectable, Properties), GDBus did not: only the
           * service's own interfaces are compared. */
          if (g_str_has_prefix (iface, "org.freedesktop.DBus."))
            {
              g_assert_cmpint (sd_bus_message_skip (reply, "a{sv}"), >=, 0);
              g_assert_cmpint (sd_bus_message_exit_container (reply), >, 0);
              continue;
            }
          g_ptr_array_add (out, g_strdup_printf ("%s %s", path, iface));
          g_assert_cmpint (sd_bus_message_enter_container (reply, 'a', "{sv}"), >, 0);
          while (sd_bus_message_enter_container (reply, 'e', "sv") > 0)
            {
              g_assert_cmpint (sd_bus_message_read (reply, "s", &name), >, 0);
              g_assert_cmpint (sd_bus_message_peek_type (reply, NULL, &contents), >, 0);
              if (g_str_equal (contents, "s"))
                {
                  g_assert_cmpint (sd_bus_message_read (reply, "v", "s", &value), >, 0);
                  g_ptr_array_add (out, g_strdup_printf ("%s %s.%s=%s", path, iface, name, value));
                }
              else
                g_assert_cmpint (sd_bus_message_skip (reply, "v"), >=, 0);
              g_assert_cmpint (sd_bus_message_exit_container (reply), >, 0);
            }
          g_assert_cmpint (sd_bus_message_exit_container (reply), >, 0);
          g_assert_cmpint (sd_bus_message_exit_container (reply), >, 0);
        }
      g_assert_cmpint (sd_bus_message_exit_container (reply), >, 0);
      g_assert_cmpint (sd_bus_message_exit_container (reply), >, 0);
    }
  g_assert_cmpint (sd_bus_message_exit_container (reply), >, 0);
  g_ptr_array_sort (out, compare_strings);
  g_ptr_array_add (out, NULL);
  return (GStrv) g_ptr_array_steal (out, NULL);
}

static GDBusNodeInfo *
introspect (Fixture *f, const char *path)
{
  g_autofree char *xml = call (f, path, "org.freedesktop.DBus.Introspectable", "Introspect", "");
  g_autoptr(GError) error = NULL;
  GDBusNodeInfo *info;

  g_assert_nonnull (strstr (xml, "org.juju.GlusterPeer"));
  info = g_dbus_node_info_new_for_xml (xml, &error);
  g_assert_no_error (error);
  return info;
}

static gboolean
has_child_node (GDBusNodeInfo *info, const char *name)
{
  guint i;

  for (i = 0; info->nodes && info->nodes[i]; i++)
    if (g_strcmp0 (info->nodes[i]->path, name) == 0)
      return TRUE;
  return FALSE;
}

#define UNIT_LINES(path, address, n) \
  path " " PEER_IFACE, path " " PEER_IFACE ".Address=" address, \
  path " " PEER_IFACE ".HostName=glusterfs-" n, path " " PEER_IFACE ".Name=glusterfs/" n

static void
test_object_tree (Fixture *f, gconstpointer data)
{
  static const char *const expected[] = {
    SERVER_PATH " " RELATION_IFACE, SERVER_PATH " " RELATION_IFACE ".Id=server:3",
    SERVER_PATH " " RELATION_IFACE ".LocalUnit=", SERVER_PATH " " RELATION_IFACE ".Name=server",
    UNIT_LINES (UNIT1_PATH, "10.0.0.1", "1"), UNIT_LINES (UNIT10_PATH, "10.0.0.10", "10"),
    UNIT_LINES (UNIT2_PATH, "192.168.0.2", "2"), NULL,
  };
  g_autoptr(GDBusNodeInfo) unit_info = NULL;
  g_autoptr(GDBusNodeInfo) root_info = NULL;
  g_autoptr(GDBusNodeInfo) relation_info = NULL;
  g_auto(GStrv) before = managed_objects (f);
  g_auto(GStrv) populated = NULL;
  g_auto(GStrv) after = NULL;
  GDBusInterfaceInfo *peer;
  GDBusSignalInfo *added;

  g_assert_cmpuint (g_strv_length (before), ==, 0);
  populate (f);
  populated = managed_objects (f);
  g_assert_cmpstrv (populated, expected);

  /* What busctl introspect shows, and what busctl tree walks. */
  unit_info = introspect (f, UNIT1_PATH);
  peer = g_dbus_node_info_lookup_interface (unit_info, PEER_IFACE);
  g_assert_nonnull (peer);
  g_assert_nonnull (g_dbus_node_info_lookup_interface (unit_info, PROPERTIES_IFACE));
  added = g_dbus_interface_info_lookup_signal (peer, "BricksAdded");
  g_assert_nonnull (added);
  g_assert_cmpstr (added->args[0]->signature, ==, "as");
  g_assert_nonnull (g_dbus_interface_info_lookup_signal (peer, "BricksRemoved"));
  g_assert_nonnull (g_dbus_interface_info_lookup_signal (peer, "Departed"));
  g_assert_nonnull (g_dbus_interface_info_lookup_property (peer, "Bricks"));
  root_info = introspect (f, ROOT_PATH);
  g_assert_nonnull (g_dbus_node_info_lookup_interface (root_info, MANAGER_IFACE));
  g_assert_nonnull (g_dbus_node_info_lookup_interface (root_info, OBJECT_MANAGER_IFACE));
  g_assert_true (has_child_node (root_info, "server"));
  relation_info = introspect (f, SERVER_PATH);
  g_assert_nonnull (g_dbus_node_info_lookup_interface (relation_info, RELATION_IFACE));
  g_assert_true (has_child_node (relation_info, "glusterfs_2f1"));
  g_assert_true (has_child_node (relation_info, "glusterfs_2f10"));

  /* RelationBroken drops everything, InterfacesRemoved announces it. */
  run (f, MANAGER, "RelationBroken", "s", "server:3");
  wait_for_signals (f, 4);
  sync_signals (f);
  g_assert_cmpint (find_signal (f, "InterfacesRemoved", ROOT_PATH, SERVER_PATH), >=, 0);
  g_assert_cmpint (find_signal (f, "InterfacesRemoved", ROOT_PATH, UNIT1_PATH), >=, 0);
  after = managed_objects (f);
  g_assert_cmpuint (g_strv_length (after), ==, 0);
  assert_prop (f, MANAGER, "Relations", "ao", "[]");
  run (f, MANAGER, "RelationBroken", "s", "server");
}

static void
test_errors (Fixture *f, gconstpointer data)
{
  static const char *const bad_key[] = { "private address", "10.0.0.9", NULL };

  populate (f);
  call_fails (f, ERROR_INVALID_ARGUMENT, MANAGER, "UnitJoined", "ss", "server", "glusterfs/01");
  call_fails (f, ERROR_INVALID_ARGUMENT, MANAGER, "UnitJoined", "ss", "server", "glusterfs");
  call_fails (f, ERROR_INVALID_ARGUMENT, MANAGER, "RelationCreated", "s", "Server:3");
  call_fails (f, ERROR_INVALID_ARGUMENT, MANAGER, "UnitDeparted", "ss", "server", "glusterfs/x");
  call_fails (f, ERROR_INVALID_ARGUMENT, SERVER, "SetBricks", "as", 1, "relative/brick");
  call_fails (f, ERROR_INVALID_ARGUMENT, SERVER, "SetBricks", "as", 1, "/mnt/../etc");
  call_fails (f, ERROR_INVALID_ARGUMENT, SERVER, "SetAddress", "ss", "Public Net", "10.0.0.1");
  call_fails (f, ERROR_INVALID_ARGUMENT, SERVER, "SetLocalUnit", "sa{ss}", "glusterfs", 0);
  call_fails (f, ERROR_INVALID_ARGUMENT, SERVER, "ClearState", "s", "connected");
  call_fails (f, ERROR_INVALID_ARGUMENT, SERVER, "ClearState", "s", "available");
  call_fails (f, ERROR_INVALID_ARGUMENT, SERVER, "ClearState", "s", "bogus");
  call_fails (f, "org.freedesktop.DBus.Error.UnknownMethod", SERVER, "NoSuchMethod", "");
  /* read-only properties: sd-bus answers with the specification's
   * PropertyReadOnly */
  call_fails (f, "org.freedesktop.DBus.Error.PropertyReadOnly", SERVER_PATH, PROPERTIES_IFACE,
              "Set", "ssv", RELATION_IFACE, "Name", "s", "other");
  g_assert_null (unit_changed (f, "server", "glusterfs/1", bad_key, ERROR_INVALID_ARGUMENT));

  /* Nothing changed by the failed calls. */
  assert_prop (f, SERVER, "Units", "ao", "[" UNIT1_PATH ", " UNIT2_PATH ", " UNIT10_PATH "]");
  assert_prop (f, SERVER, "LocalUnit", "s", "");
  assert_prop (f, SERVER, "LocalSettings", "a{ss}", "[]");
  assert_prop (f, PEER (UNIT1_PATH), "Settings", "a{ss}",
               "[bricks [\"/mnt/vdb1\",\"/mnt/vdc1\"], private-address 10.0.0.1]");
  assert_prop (f, SERVER, "Name", "s", "server");
  assert_prop (f, MANAGER, "Relations", "ao", "[" SERVER_PATH "]");
}

static void
test_limits (Fixture *f, gconstpointer data)
{
  run (f, MANAGER, "UnitJoined", "ss", "server", "glusterfs/1");
  run (f, MANAGER, "UnitJoined", "ss", "server", "glusterfs/2");
  call_fails (f, ERROR_LIMIT_EXCEEDED, MANAGER, "UnitJoined", "ss", "server", "glusterfs/3");
  call_fails (f, ERROR_LIMIT_EXCEEDED, SERVER, "SetBricks", "as", 3, "/b/1", "/b/2", "/b/3");
  assert_prop (f, SERVER, "Units", "ao", "[" UNIT1_PATH ", " UNIT2_PATH "]");
}

int
main (int argc, char **argv)
{
  static const char *const limits[] = { "--max-units", "2", "--max-bricks", "2", NULL };

  g_test_init (&argc, &argv, NULL);
#define ADD(name, func, data) \
  g_test_add (name, Fixture, data, fixture_set_up, func, fixture_tear_down)
  ADD ("/sdbus/hooks-and-properties", test_hooks_and_properties, NULL);
  ADD ("/sdbus/local-and-queries", test_local_and_queries, NULL);
  ADD ("/sdbus/signals", test_signals, NULL);
  ADD ("/sdbus/object-tree", test_object_tree, NULL);
  ADD ("/sdbus/errors", test_errors, NULL);
  ADD ("/sdbus/limits", test_limits, limits);
#undef ADD
  return g_test_run ();
}
