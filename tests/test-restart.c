/* test-restart.c: durability of gluster-peerd's state. Acknowledged
 * changes survive a clean stop and kill -9 at any moment, nothing is torn,
 * no signal is replayed at start-up or for re-sent data, a call that could
 * not be written changed nothing, and a corrupt or foreign state.db is
 * moved aside instead of stopping the service.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <gio/gio.h>
#include <sqlite3.h>
#include <string.h>

#include "gp-test-bus.h"
#include "gp-test-snapshot.h"
#include "gp-test-state.h"

#define ROOT_PATH "/org/juju/GlusterPeer"
#define SERVER_PATH ROOT_PATH "/server"
#define PEER_PATH ROOT_PATH "/peer"
#define CLUSTER_PATH ROOT_PATH "/cluster"
#define MANAGER_IFACE "org.juju.GlusterPeer.Manager"
#define RELATION_IFACE "org.juju.GlusterPeer.Relation"
#define PEER_IFACE "org.juju.GlusterPeer"
#define KILL_ROUNDS 10
#define WRITER_UNITS 3

typedef GpTestState Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  gp_test_state_set_up (f, "gp-test-restart-XXXXXX");
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  gp_test_state_tear_down (f);
}

/* A Manager method at ROOT_PATH, else a Relation one. */
static void
call_ok (Fixture *f, const char *path, const char *method, const char *args)
{
  const GpTestStep step = { path, method, args };

  gp_test_run_step (f->conn, &step);
}

static GVariant *
get_property (Fixture *f, const char *path, const char *iface, const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = gp_test_call (f->conn, path, "org.freedesktop.DBus.Properties", "Get",
                                            g_variant_new ("(ss)", iface, name), &error);
  GVariant *value;

  g_assert_no_error (error);
  g_variant_get (reply, "(v)", &value);
  return value;
}

static void
assert_property (Fixture *f, const char *path, const char *iface, const char *name,
                 const char *expected_text)
{
  g_autoptr(GVariant) value = get_property (f, path, iface, name);
  g_autoptr(GVariant) expected = g_variant_parse (g_variant_get_type (value), expected_text,
                                                  NULL, NULL, NULL);

  g_assert_nonnull (expected);
  g_assert_cmpvariant (value, expected);
}

static char *
state_db_path (Fixture *f)
{
  return g_build_filename (f->state_dir, "state.db", NULL);
}

/* The state.db.broken-* files in the state directory (not their -wal, -shm). */
static GPtrArray *
broken_files (Fixture *f)
{
  g_autoptr(GDir) dir = g_dir_open (f->state_dir, 0, NULL);
  GPtrArray *found = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, "state.db.broken-") && !g_str_has_suffix (name, "-wal") &&
        !g_str_has_suffix (name, "-shm"))
      g_ptr_array_add (found, g_build_filename (f->state_dir, name, NULL));
  return found;
}

/* Killed or not, the database was never found broken. */
static void
assert_nothing_moved_aside (Fixture *f)
{
  g_autoptr(GPtrArray) broken = broken_files (f);

  g_assert_cmpuint (broken->len, ==, 0);
}

#define snapshot(f) gp_test_snapshot ((f)->conn)

/* ---- the data ----------------------------------------------------------------- */

/* Several relations and units, edge states set, local settings; a
 * relation created and broken. */
static const GpTestStep steps[] = {
  { ROOT_PATH, "RelationCreated", "('server:3',)" },
  { ROOT_PATH, "UnitJoined", "('server:3', 'glusterfs/1')" },
  { ROOT_PATH, "UnitJoined", "('server:3', 'glusterfs/2')" },
  { ROOT_PATH, "UnitChanged", "('server:3', 'glusterfs/1', {'private-address': '10.0.0.1', "
                              "'bricks': '[\"/mnt/vdb1\",\"/mnt/vdc1\"]'})" },
  { ROOT_PATH, "UnitChanged", "('server', 'glusterfs/2', {'private-address': '10.0.0.2', "
                              "'ingress-address': '192.168.0.2', 'public-address': '198.51.100.2', "
                              "'bricks': \"['/mnt/vdb1', '/mnt/vdc1']\"})" },
  { ROOT_PATH, "UnitChanged", "('server', 'glusterfs/10', {'private-address': '10.0.0.10', "
                              "'bricks': '[\"/mnt/vdb1\"]'})" },
  { ROOT_PATH, "UnitChanged", "('server:3', 'glusterfs/1', {'private-address': '10.0.0.1', "
                              "'bricks': '[\"/mnt/vdc1\",\"/mnt/vdd1\"]'})" },
  { ROOT_PATH, "UnitDeparted", "('server:3', 'glusterfs/10')" },
  { SERVER_PATH, "SetLocalUnit", "('glusterfs/0', {'private-address': '10.0.0.100'})" },
  { SERVER_PATH, "SetAddress", "('public', '203.0.113.9')" },
  { SERVER_PATH, "SetBricks", "(['/srv/b1', '/srv/b2', '/srv/b1'],)" },
  { ROOT_PATH, "RelationCreated", "('peer:7',)" },
  { ROOT_PATH, "UnitChanged", "('peer:7', 'other-app/3', {'private-address': '10.1.0.3', "
                              "'bricks': 'not a list'})" },
  { ROOT_PATH, "UnitJoined", "('peer', 'other-app/0')" },
  { ROOT_PATH, "RelationCreated", "('cluster',)" },
  { CLUSTER_PATH, "SendAll", "({'volume': 'gv0', 'replica': '3'},)" },
  { ROOT_PATH, "RelationCreated", "('gone:9',)" },
  { ROOT_PATH, "UnitJoined", "('gone:9', 'x/1')" },
  { ROOT_PATH, "RelationBroken", "('gone',)" },
  { SERVER_PATH, "ClearState", "('bricks.available',)" },
  { SERVER_PATH, "SendAll", "({'public-address': '', 'volume': 'gv0'},)" },
};

/* The same data again, as Juju re-running hooks would send it. */
static const GpTestStep resent[] = {
  { ROOT_PATH, "RelationCreated", "('server:3',)" },
  { ROOT_PATH, "RelationCreated", "('server',)" },
  { ROOT_PATH, "UnitJoined", "('server:3', 'glusterfs/1')" },
  { ROOT_PATH, "UnitJoined", "('server', 'glusterfs/2')" },
  { ROOT_PATH, "UnitChanged", "('server:3', 'glusterfs/1', {'bricks': '[\"/mnt/vdc1\",\"/mnt/vdd1\"]', "
                              "'private-address': '10.0.0.1'})" },
  { ROOT_PATH, "UnitChanged", "('server', 'glusterfs/2', {'private-address': '10.0.0.2', "
                              "'ingress-address': '192.168.0.2', 'public-address': '198.51.100.2', "
                              "'bricks': \"['/mnt/vdb1', '/mnt/vdc1']\"})" },
  { ROOT_PATH, "UnitDeparted", "('server:3', 'glusterfs/10')" },
  { ROOT_PATH, "UnitChanged", "('peer:7', 'other-app/3', {'private-address': '10.1.0.3', "
                              "'bricks': 'not a list'})" },
  { ROOT_PATH, "UnitJoined", "('peer:7', 'other-app/0')" },
  { ROOT_PATH, "RelationCreated", "('cluster',)" },
  { ROOT_PATH, "RelationBroken", "('gone',)" },
  { SERVER_PATH, "SetLocalUnit", "('glusterfs/0', {'private-address': '10.0.0.100', "
                                 "'bricks': '[\"/srv/b1\",\"/srv/b2\"]', 'volume': 'gv0'})" },
  { SERVER_PATH, "SetAddress", "('private', '10.0.0.100')" },
  { SERVER_PATH, "SetBricks", "(['/srv/b1', '/srv/b2'],)" },
  { SERVER_PATH, "SendAll", "({'volume': 'gv0', 'public-address': ''},)" },
  { SERVER_PATH, "ClearState", "('bricks.available',)" },
  { CLUSTER_PATH, "ClearState", "('departed',)" },
};

static void
populate (Fixture *f)
{
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (steps); i++)
    gp_test_run_step (f->conn, &steps[i]);
}

/* The state of steps[], as the contract describes it. */
static void
assert_populated (Fixture *f, GVariant *snap)
{
  g_autoptr(GVariant) objects = g_variant_get_child_value (snap, 1);

  assert_property (f, ROOT_PATH, MANAGER_IFACE, "Relations",
                   "[objectpath '" CLUSTER_PATH "', '" PEER_PATH "', '" SERVER_PATH "']");
  /* 3 relations, 2 units of server, 2 of peer */
  g_assert_cmpuint (g_variant_n_children (objects), ==, 7);
  assert_property (f, SERVER_PATH, RELATION_IFACE, "States",
                   "['available', 'bricks.removed', 'connected', 'departed']");
  assert_property (f, SERVER_PATH, RELATION_IFACE, "LocalSettings",
                   "{'bricks': '[\"/srv/b1\",\"/srv/b2\"]', 'private-address': '10.0.0.100', "
                   "'volume': 'gv0'}");
  assert_property (f, SERVER_PATH "/glusterfs_2f1", PEER_IFACE, "Bricks",
                   "['/mnt/vdc1', '/mnt/vdd1']");
  assert_property (f, PEER_PATH, RELATION_IFACE, "Id", "'peer:7'");
  assert_property (f, PEER_PATH "/other_2dapp_2f3", PEER_IFACE, "Available", "false");
  assert_property (f, CLUSTER_PATH, RELATION_IFACE, "States", "@as []");
}

/* ---- (a), (b): stop and kill -9 ---------------------------------------------- */

static void
test_stop_start (Fixture *f, gconstpointer data)
{
  g_autoptr(GVariant) before = NULL;

  gp_test_state_start (f, NULL);
  populate (f);
  before = snapshot (f);
  assert_populated (f, before);
  gp_test_state_stop (f, GP_TEST_STOP_TERM);
  gp_test_state_start (f, NULL);
  gp_test_assert_snapshot (f->conn, before);
  gp_test_state_stop (f, GP_TEST_STOP_TERM);
}

/* kill -9 right after every acknowledged call: each is there after restart. */
static void
test_kill9_after_ack (Fixture *f, gconstpointer data)
{
  g_autoptr(GVariant) last = NULL;
  gsize i;

  gp_test_state_start (f, NULL);
  for (i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      g_autoptr(GVariant) before = NULL;

      gp_test_run_step (f->conn, &steps[i]);
      before = snapshot (f);
      gp_test_state_stop (f, GP_TEST_STOP_KILL);
      gp_test_state_start (f, NULL);
      g_clear_pointer (&last, g_variant_unref);
      last = snapshot (f);
      if (!g_variant_equal (before, last))
        g_test_message ("lost by kill -9 after step %zu: %s%s", i, steps[i].method, steps[i].args);
      g_assert_cmpvariant (last, before);
    }
  assert_populated (f, last);
  assert_nothing_moved_aside (f);
  gp_test_state_stop (f, GP_TEST_STOP_TERM);
}

/* ---- (c): kill -9 with calls in flight ------------------------------------------ */

typedef struct {
  GDBusConnection *conn;
  GMutex lock;
  GCond cond;
  guint next_seq;
  guint acked[WRITER_UNITS];     /* last acknowledged sequence number */
  guint in_flight[WRITER_UNITS]; /* sent, not answered (0: none) */
  guint n_acked;                 /* this round */
  gboolean done;
  GError *error;                 /* how the last call failed */
} Writer;

/* The data bag of sequence number @seq: 1 to 3 bricks, all named after it. */
static GVariant *
writer_settings (guint unit, guint seq, GStrv *out_bricks)
{
  g_autoptr(GStrvBuilder) bricks = g_strv_builder_new ();
  g_autoptr(GString) json = g_string_new ("[");
  g_autofree char *address = g_strdup_printf ("10.2.0.%u", unit + 1);
  g_autofree char *seq_text = g_strdup_printf ("%u", seq);
  GVariantBuilder builder;
  guint i;

  for (i = 0; i <= seq % 3; i++)
    {
      g_autofree char *brick = g_strdup_printf ("/bricks/%u/%u", seq, i);

      g_strv_builder_add (bricks, brick);
      g_string_append_printf (json, "%s\"%s\"", i ? "," : "", brick);
    }
  g_string_append (json, "]");
  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a{ss}"));
  g_variant_builder_add (&builder, "{ss}", "bricks", json->str);
  g_variant_builder_add (&builder, "{ss}", "private-address", address);
  g_variant_builder_add (&builder, "{ss}", "seq", seq_text);
  if (out_bricks)
    *out_bricks = g_strv_builder_end (bricks);
  return g_variant_builder_end (&builder);
}

static GVariant *
writer_call (GDBusConnection *conn, guint unit, guint seq, GError **error)
{
  g_autofree char *name = g_strdup_printf ("glusterfs/%u", unit + 1);

  return gp_test_call (conn, ROOT_PATH, MANAGER_IFACE, "UnitChanged",
                       g_variant_new ("(ss@a{ss})", "server:3", name,
                                      writer_settings (unit, seq, NULL)), error);
}

static gpointer
writer_thread (gpointer data)
{
  Writer *w = data;
  guint i;

  for (i = 0;; i++)
    {
      guint unit = i % WRITER_UNITS;
      g_autoptr(GVariant) reply = NULL;
      g_autoptr(GError) error = NULL;
      guint seq;

      g_mutex_lock (&w->lock);
      seq = ++w->next_seq;
      w->in_flight[unit] = seq;
      g_mutex_unlock (&w->lock);

      reply = writer_call (w->conn, unit, seq, &error);

      g_mutex_lock (&w->lock);
      if (reply != NULL)
        {
          w->acked[unit] = seq;
          w->in_flight[unit] = 0;
          w->n_acked++;
        }
      else
        {
          w->error = g_steal_pointer (&error);
          w->done = TRUE;
        }
      g_cond_broadcast (&w->cond);
      g_mutex_unlock (&w->lock);
      if (reply == NULL)
        return NULL;
    }
}

/* Each unit holds its last acknowledged bag or the one in flight, whole:
 * Settings and Bricks from the same call. Then that is the new baseline. */
static void
verify_writer_units (Fixture *f, Writer *w)
{
  guint unit;

  for (unit = 0; unit < WRITER_UNITS; unit++)
    {
      g_autofree char *path = g_strdup_printf (SERVER_PATH "/glusterfs_2f%u", unit + 1);
      g_autoptr(GVariant) settings = get_property (f, path, PEER_IFACE, "Settings");
      g_autoptr(GVariant) bricks = get_property (f, path, PEER_IFACE, "Bricks");
      g_autoptr(GVariant) expected = NULL;
      g_autofree const char **got_bricks = g_variant_get_strv (bricks, NULL);
      g_auto(GStrv) expected_bricks = NULL;
      const char *seq_text = NULL;
      guint64 seq = 0;

      g_assert_true (g_variant_lookup (settings, "seq", "&s", &seq_text));
      g_assert_true (g_ascii_string_to_unsigned (seq_text, 10, 0, G_MAXUINT, &seq, NULL));
      if (seq != w->acked[unit])
        g_test_message ("%s holds the call in flight at the kill, %" G_GUINT64_FORMAT, path, seq);
      if (seq != w->acked[unit] && seq != w->in_flight[unit])
        g_test_message ("%s holds call %" G_GUINT64_FORMAT "; acknowledged %u, in flight %u",
                        path, seq, w->acked[unit], w->in_flight[unit]);
      g_assert_true (seq == w->acked[unit] || (w->in_flight[unit] != 0 && seq == w->in_flight[unit]));
      expected = g_variant_ref_sink (writer_settings (unit, (guint) seq, &expected_bricks));
      g_assert_cmpvariant (settings, expected);
      g_assert_cmpstrv (got_bricks, expected_bricks);
      assert_property (f, path, PEER_IFACE, "Available", "true");
      w->acked[unit] = (guint) seq;
      w->in_flight[unit] = 0;
    }
}

static void
test_kill9_in_flight (Fixture *f, gconstpointer data)
{
  Writer w = { 0 };
  guint round, unit;

  g_mutex_init (&w.lock);
  g_cond_init (&w.cond);
  w.conn = gp_test_bus_connect (f->bus);
  gp_test_state_start (f, NULL);
  for (unit = 0; unit < WRITER_UNITS; unit++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GVariant) reply = writer_call (f->conn, unit, 0, &error);

      g_assert_no_error (error);
    }

  for (round = 0; round < KILL_ROUNDS; round++)
    {
      guint target = (guint) g_test_rand_int_range (1, 60);
      gint64 deadline = g_get_monotonic_time () +
                        (gint64) (GP_TEST_CALL_TIMEOUT_MS * gp_test_timeout_scale ()) * 1000;
      GThread *thread;

      w.n_acked = 0;
      w.done = FALSE;
      g_clear_error (&w.error);
      thread = g_thread_new ("writer", writer_thread, &w);
      /* A random moment: after @target acknowledged calls. */
      g_mutex_lock (&w.lock);
      while (w.n_acked < target && !w.done)
        if (!g_cond_wait_until (&w.cond, &w.lock, deadline))
          break;
      g_assert_false (w.done); /* the writer must not fail on its own */
      g_assert_cmpuint (w.n_acked, >=, target);
      g_mutex_unlock (&w.lock);
      /* and a random point within the next call (not a wait for anything) */
      g_usleep ((gulong) g_test_rand_int_range (0, 4000));

      gp_test_state_stop (f, GP_TEST_STOP_KILL);
      g_thread_join (thread);
      /* The call in flight was cut off, or refused for want of a daemon. */
      g_test_message ("round %u: killed after %u calls (%s)", round, w.n_acked, w.error->message);
      g_assert_true (g_error_matches (w.error, G_DBUS_ERROR, G_DBUS_ERROR_NO_REPLY) ||
                     g_error_matches (w.error, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN));

      gp_test_state_start (f, NULL);
      verify_writer_units (f, &w);
    }
  assert_nothing_moved_aside (f);
  gp_test_state_stop (f, GP_TEST_STOP_TERM);
  g_clear_error (&w.error);
  g_dbus_connection_close_sync (w.conn, NULL, NULL);
  g_clear_object (&w.conn);
  g_cond_clear (&w.cond);
  g_mutex_clear (&w.lock);
}

/* ---- (d): no replayed signals ------------------------------------------------------ */

static void
test_no_replay (Fixture *f, gconstpointer data)
{
  g_autoptr(GPtrArray) signals = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDBusConnection) watcher = NULL;
  gsize i;

  gp_test_state_start (f, NULL);
  populate (f);
  gp_test_state_stop (f, GP_TEST_STOP_TERM);

  /* Subscribed before the daemon starts: it exports its objects before it
   * owns the name, so anything it emits at start-up is seen here. */
  watcher = gp_test_watch_signals (f->bus, signals);
  gp_test_state_start (f, NULL);
  gp_test_sync_signals (watcher);
  gp_test_assert_no_signals (signals);

  for (i = 0; i < G_N_ELEMENTS (resent); i++)
    gp_test_run_step (f->conn, &resent[i]);
  gp_test_sync_signals (watcher);
  gp_test_assert_no_signals (signals);

  /* The watcher does see a real change. */
  call_ok (f, ROOT_PATH, "UnitChanged", "('server', 'glusterfs/1', {'private-address': '10.0.0.1', "
                                        "'bricks': '[\"/mnt/vdc1\",\"/mnt/vdd1\",\"/mnt/vde1\"]'})");
  gp_test_sync_signals (watcher);
  g_assert_true (g_ptr_array_find_with_equal_func (signals, SERVER_PATH "/glusterfs_2f1 "
                                                   PEER_IFACE ".BricksAdded", g_str_equal, NULL));
  gp_test_close_watcher (&watcher);
  gp_test_state_stop (f, GP_TEST_STOP_TERM);
}

/* ---- (g): a change that cannot be written changes nothing --------------------- */

static void
test_write_failure (Fixture *f, gconstpointer data)
{
  /* Each would change something, and emit signals, if it could write. */
  static const GpTestStep refused[] = {
    { ROOT_PATH, "UnitChanged", "('server', 'glusterfs/1', {'bricks': '[\"/mnt/new\"]'})" },
    { ROOT_PATH, "UnitJoined", "('newrel:1', 'glusterfs/4')" },
    { ROOT_PATH, "UnitDeparted", "('server', 'glusterfs/2')" },
    { SERVER_PATH, "ClearState", "('departed',)" },
    { ROOT_PATH, "RelationBroken", "('peer',)" },
  };
  g_autoptr(GPtrArray) signals = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDBusConnection) watcher = NULL;
  g_autoptr(GVariant) before = NULL;
  g_autofree char *path = state_db_path (f);
  sqlite3 *db = NULL;
  gsize i;

  gp_test_state_start (f, NULL);
  populate (f);
  before = snapshot (f);
  watcher = gp_test_watch_signals (f->bus, signals);

  /* Another process holds the write lock, as an operator's sqlite3 shell
   * might: the daemon gives up after its busy timeout. */
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "BEGIN IMMEDIATE", NULL, NULL, NULL), ==, SQLITE_OK);
  for (i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GVariant) reply = gp_test_try_step (f->conn, &refused[i], &error);
      g_autofree char *remote = error ? g_dbus_error_get_remote_error (error) : NULL;

      g_assert_null (reply);
      g_assert_cmpstr (remote, ==, "org.juju.GlusterPeer.Error.Failed");
    }
  gp_test_sync_signals (watcher);
  gp_test_assert_no_signals (signals);
  gp_test_assert_snapshot (f->conn, before);
  g_assert_cmpint (sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  gp_test_state_stop (f, GP_TEST_STOP_KILL);
  gp_test_state_start (f, NULL);
  gp_test_assert_snapshot (f->conn, before);
  /* and the same calls work now */
  for (i = 0; i < G_N_ELEMENTS (refused); i++)
    gp_test_run_step (f->conn, &refused[i]);
  assert_property (f, ROOT_PATH, MANAGER_IFACE, "Relations",
                   "[objectpath '" CLUSTER_PATH "', '" ROOT_PATH "/newrel', '" SERVER_PATH "']");
  gp_test_close_watcher (&watcher);
  gp_test_state_stop (f, GP_TEST_STOP_TERM);
}

/* ---- (e): corrupt and foreign databases ----------------------------------------- */

/* Started on a bad file: empty state, the file kept aside, and a fresh
 * database that works. Returns the path of the file moved aside. */
static char *
assert_started_fresh (Fixture *f)
{
  g_autoptr(GVariant) snap = NULL;
  g_autoptr(GVariant) objects = NULL;
  g_autoptr(GPtrArray) broken = NULL;

  /* Start-up on a bad state file logs a warning, which must not be fatal
   * here whatever G_DEBUG says. */
  gp_test_state_start (f, (const char *const[]) { "G_DEBUG=fatal-criticals", NULL });
  assert_property (f, ROOT_PATH, MANAGER_IFACE, "Relations", "@ao []");
  snap = snapshot (f);
  objects = g_variant_get_child_value (snap, 1);
  g_assert_cmpuint (g_variant_n_children (objects), ==, 0);
  broken = broken_files (f);
  g_assert_cmpuint (broken->len, ==, 1);

  call_ok (f, ROOT_PATH, "UnitChanged", "('server:3', 'glusterfs/1', {'private-address': '10.0.0.1'})");
  gp_test_state_stop (f, GP_TEST_STOP_KILL);
  gp_test_state_start (f, NULL);
  assert_property (f, ROOT_PATH, MANAGER_IFACE, "Relations", "[objectpath '" SERVER_PATH "']");
  assert_property (f, SERVER_PATH "/glusterfs_2f1", PEER_IFACE, "Address", "'10.0.0.1'");
  gp_test_state_stop (f, GP_TEST_STOP_TERM);
  return g_strdup (broken->pdata[0]);
}

static void
test_corrupt_garbage (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  /* with its NUL: "SQLite format 3\0" is the real header */
  g_autoptr(GString) garbage = g_string_new_len (data, (gssize) strlen (data) + 1);
  g_autofree char *path = state_db_path (f);
  g_autofree char *broken = NULL;
  g_autofree char *kept = NULL;
  gsize kept_len = 0;
  guint i;

  for (i = 0; i < 8192; i++)
    g_string_append_c (garbage, (char) g_test_rand_int_range (0, 256));
  g_file_set_contents (path, garbage->str, (gssize) garbage->len, &error);
  g_assert_no_error (error);

  broken = assert_started_fresh (f);
  g_file_get_contents (broken, &kept, &kept_len, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (kept, kept_len, garbage->str, garbage->len);
}

static void
test_corrupt_foreign (Fixture *f, gconstpointer data)
{
  g_autofree char *path = state_db_path (f);
  g_autofree char *broken = NULL;
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, data, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  broken = assert_started_fresh (f);
  /* Someone else's data is kept intact. */
  g_assert_cmpint (sqlite3_open_v2 (broken, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT owner FROM accounts", -1, &stmt, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "alice");
  sqlite3_finalize (stmt);
  sqlite3_close (db);
}

/* A database written by an older schema (1: no units.refused; 2: no
 * memberships, no departed units) is upgraded in place, one version after
 * the other: nothing moved aside, nothing lost, and the new columns in
 * use. A unit stored before memberships were kept is a member of its
 * relation's id. */
static void
test_upgrade_schema (Fixture *f, gconstpointer data)
{
  g_autofree char *path = state_db_path (f);
  g_autoptr(GPtrArray) broken = NULL;
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, data, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  gp_test_state_start (f, NULL);
  broken = broken_files (f);
  g_assert_cmpuint (broken->len, ==, 0);
  assert_property (f, SERVER_PATH, RELATION_IFACE, "Id", "'server:4'");
  assert_property (f, SERVER_PATH "/glusterfs_2f1", PEER_IFACE, "Address", "'10.0.0.1'");
  assert_property (f, SERVER_PATH "/glusterfs_2f1", PEER_IFACE, "Bricks", "['/b']");
  assert_property (f, SERVER_PATH, RELATION_IFACE, "Ids", "['server:4']");
  /* a member of server:4 only: departing from another id keeps it */
  call_ok (f, ROOT_PATH, "UnitDeparted", "('server:5', 'glusterfs/1')");
  assert_property (f, SERVER_PATH "/glusterfs_2f1", PEER_IFACE, "Address", "'10.0.0.1'");
  call_ok (f, ROOT_PATH, "UnitDeparted", "('server:4', 'glusterfs/1')");
  gp_test_state_stop (f, GP_TEST_STOP_TERM);

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "SELECT refused, member_of FROM units", NULL, NULL, NULL),
                   ==, SQLITE_OK);
  sqlite3_close (db);
  gp_test_state_start (f, NULL);
  assert_property (f, SERVER_PATH, RELATION_IFACE, "Departed",
                   "{'glusterfs/1': ('10.0.0.1', ['/b'])}");
  assert_property (f, SERVER_PATH, RELATION_IFACE, "Units", "@ao []");
  gp_test_state_stop (f, GP_TEST_STOP_TERM);
}

/* ---- (f): edge states ------------------------------------------------------------------ */

#define assert_states(f, path, states) assert_property (f, path, RELATION_IFACE, "States", states)

static void
test_edge_states (Fixture *f, gconstpointer data)
{
  static const char *const all =
    "['available', 'bricks.available', 'bricks.removed', 'connected', 'departed']";

  gp_test_state_start (f, NULL);
  call_ok (f, ROOT_PATH, "UnitChanged", "('server:3', 'glusterfs/1', {'private-address': '10.0.0.1', "
                                        "'bricks': '[\"/a\",\"/b\"]'})");
  call_ok (f, ROOT_PATH, "UnitChanged", "('server:3', 'glusterfs/1', {'private-address': '10.0.0.1', "
                                        "'bricks': '[\"/b\"]'})");
  call_ok (f, ROOT_PATH, "UnitJoined", "('server:3', 'glusterfs/2')");
  call_ok (f, ROOT_PATH, "UnitDeparted", "('server:3', 'glusterfs/2')");
  /* a relation left with nothing but an edge state */
  call_ok (f, ROOT_PATH, "UnitJoined", "('peer:4', 'other/1')");
  call_ok (f, ROOT_PATH, "UnitDeparted", "('peer:4', 'other/1')");
  assert_states (f, SERVER_PATH, all);
  assert_states (f, PEER_PATH, "['departed']");

  gp_test_state_stop (f, GP_TEST_STOP_TERM);
  gp_test_state_start (f, NULL);
  assert_states (f, SERVER_PATH, all);
  assert_states (f, PEER_PATH, "['departed']");
  assert_property (f, PEER_PATH, RELATION_IFACE, "Units", "@ao []");
  assert_property (f, PEER_PATH, RELATION_IFACE, "Departed", "{'other/1': ('', @as [])}");
  assert_property (f, SERVER_PATH, RELATION_IFACE, "Departed", "{'glusterfs/2': ('', @as [])}");

  gp_test_state_stop (f, GP_TEST_STOP_KILL);
  gp_test_state_start (f, NULL);
  assert_states (f, SERVER_PATH, all);
  call_ok (f, SERVER_PATH, "ClearState", "('bricks.available',)");
  gp_test_state_stop (f, GP_TEST_STOP_KILL);
  gp_test_state_start (f, NULL);
  assert_states (f, SERVER_PATH, "['available', 'bricks.removed', 'connected', 'departed']");
  call_ok (f, SERVER_PATH, "ClearState", "('departed',)");
  call_ok (f, SERVER_PATH, "ClearState", "('bricks.removed',)");
  call_ok (f, PEER_PATH, "ClearState", "('departed',)");
  gp_test_state_stop (f, GP_TEST_STOP_TERM);
  gp_test_state_start (f, NULL);
  assert_states (f, SERVER_PATH, "['available', 'connected']");
  assert_states (f, PEER_PATH, "@as []");
  assert_property (f, PEER_PATH, RELATION_IFACE, "Departed", "@a{s(sas)} {}");
  /* A brick new to the service after the restart sets it again. */
  call_ok (f, ROOT_PATH, "UnitChanged", "('server:3', 'glusterfs/1', {'private-address': '10.0.0.1', "
                                        "'bricks': '[\"/b\",\"/c\"]'})");
  assert_states (f, SERVER_PATH, "['available', 'bricks.available', 'connected']");
  gp_test_state_stop (f, GP_TEST_STOP_TERM);
}

int
main (int argc, char **argv)
{
#define ACCOUNTS "CREATE TABLE accounts (id INTEGER PRIMARY KEY, owner TEXT NOT NULL);" \
                 "INSERT INTO accounts (owner) VALUES ('alice');"
  static const char foreign_sql[] = ACCOUNTS;
  /* Same tables as ours, but not marked as a gluster-peer database. */
  static const char lookalike_sql[] =
    ACCOUNTS
    "CREATE TABLE relations (name TEXT PRIMARY KEY NOT NULL, id TEXT, local_unit TEXT,"
    " local_settings TEXT, edge_states INTEGER);"
    "INSERT INTO relations VALUES ('evil', 'evil:1', '', '{}', 0);";
  /* The first schema, as gluster-peerd 0.1 wrote it. */
  static const char schema_1_sql[] =
    "PRAGMA application_id = 1196446257; PRAGMA user_version = 1;"
    "CREATE TABLE relations (name TEXT PRIMARY KEY NOT NULL, id TEXT NOT NULL DEFAULT '',"
    " local_unit TEXT NOT NULL DEFAULT '', local_settings TEXT NOT NULL DEFAULT '{}',"
    " edge_states INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;"
    "CREATE TABLE units (relation TEXT NOT NULL REFERENCES relations (name) ON DELETE CASCADE,"
    " name TEXT NOT NULL, settings TEXT NOT NULL, bricks TEXT NOT NULL,"
    " PRIMARY KEY (relation, name)) WITHOUT ROWID;"
    "INSERT INTO relations VALUES ('server', 'server:4', 'glusterfs/0', '{}', 0);"
    "INSERT INTO units VALUES ('server', 'glusterfs/1',"
    " '{\"bricks\":\"[\\\"/b\\\"]\",\"private-address\":\"10.0.0.1\"}', '[\"/b\"]');";
  /* The second schema: units.refused, no memberships, no departed table. */
  static const char schema_2_sql[] =
    "PRAGMA application_id = 1196446257; PRAGMA user_version = 2;"
    "CREATE TABLE relations (name TEXT PRIMARY KEY NOT NULL, id TEXT NOT NULL DEFAULT '',"
    " local_unit TEXT NOT NULL DEFAULT '', local_settings TEXT NOT NULL DEFAULT '{}',"
    " edge_states INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;"
    "CREATE TABLE units (relation TEXT NOT NULL REFERENCES relations (name) ON DELETE CASCADE,"
    " name TEXT NOT NULL, settings TEXT NOT NULL, bricks TEXT NOT NULL,"
    " refused TEXT NOT NULL DEFAULT '', PRIMARY KEY (relation, name)) WITHOUT ROWID;"
    "INSERT INTO relations VALUES ('server', 'server:4', 'glusterfs/0', '{}', 0);"
    "INSERT INTO units VALUES ('server', 'glusterfs/1',"
    " '{\"bricks\":\"[\\\"/b\\\"]\",\"private-address\":\"10.0.0.1\"}', '[\"/b\"]', '');";

  g_test_init (&argc, &argv, NULL);
#define ADD(name, func, data) \
  g_test_add (name, Fixture, data, fixture_set_up, func, fixture_tear_down)
  ADD ("/restart/stop-start", test_stop_start, NULL);
  ADD ("/restart/kill9-after-ack", test_kill9_after_ack, NULL);
  ADD ("/restart/kill9-in-flight", test_kill9_in_flight, NULL);
  ADD ("/restart/no-replay", test_no_replay, NULL);
  ADD ("/restart/corrupt/garbage", test_corrupt_garbage, "this is not a database\n");
  ADD ("/restart/corrupt/sqlite-header", test_corrupt_garbage, "SQLite format 3");
  ADD ("/restart/corrupt/foreign", test_corrupt_foreign, foreign_sql);
  ADD ("/restart/corrupt/lookalike", test_corrupt_foreign, lookalike_sql);
  ADD ("/restart/upgrade/schema-1", test_upgrade_schema, schema_1_sql);
  ADD ("/restart/upgrade/schema-2", test_upgrade_schema, schema_2_sql);
  ADD ("/restart/edge-states", test_edge_states, NULL);
  ADD ("/restart/write-failure", test_write_failure, NULL);
#undef ADD
  return g_test_run ();
}
