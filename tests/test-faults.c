/* test-faults.c: gluster-peerd under faults.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 *   /faults/disk-full: the state directory is a tiny tmpfs, filled up while
 *     the daemon runs: every write fails with Error.Failed, changes nothing
 *     and emits nothing; queries keep answering; with the space back the
 *     same calls work, and a restart finds what they wrote.
 *   /faults/read-only: the state files turn immutable (chattr +i) while
 *     the daemon runs: as for a full disk. (Root is not stopped by
 *     permissions, and a file system cannot be remounted read-only while
 *     the daemon holds its files open for writing.) Needs a file system
 *     that checks the flag on every write, as ext4 does; a failed run may
 *     leave immutable files in the state directory (chattr -i them).
 *   /faults/read-only-at-start: a state directory on a read-only file
 *     system: the daemon exits non-zero (systemd retries) without touching
 *     the database or moving it aside, and starts once it is writable.
 *   /faults/kill9-concurrent: several clients, each on its own connection
 *     and thread, write at once (unit data, a relation's local settings,
 *     joins and departs) while the daemon is killed with SIGKILL at a
 *     random moment, round after round: after each restart every
 *     acknowledged call is there, the one cut off is whole or absent, and
 *     no signal is replayed. (test-restart.c does one client.)
 *   /faults/sigterm-during-writes: the same with SIGTERM: the daemon exits
 *     with status 0 every time, and no write is torn.
 * The bus going away is /service/lifecycle/bus-gone (test-service-errors.c).
 *
 * Mounts are made in a private mount namespace (unshare in main), so a
 * failed test leaves none behind. Without root, or where mounting or the
 * immutable flag is not allowed, those tests are skipped with the reason.
 */
#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <linux/fs.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gp-test-bus.h"
#include "gp-test-snapshot.h"

#define ROOT_PATH "/org/juju/GlusterPeer"
#define SERVER_PATH ROOT_PATH "/server"
#define CLUSTER_PATH ROOT_PATH "/cluster"
#define CHURN_PATH ROOT_PATH "/churn"
#define CHURN_UNIT_PATH CHURN_PATH "/churn_2f0"
#define MANAGER_IFACE "org.juju.GlusterPeer.Manager"
#define RELATION_IFACE "org.juju.GlusterPeer.Relation"
#define PEER_IFACE "org.juju.GlusterPeer"
#define ERROR_FAILED "org.juju.GlusterPeer.Error.Failed"
#define CALL_TIMEOUT_MS 10000

/* kill -9 rounds; fewer under valgrind (GP_TEST_TIMEOUT_SCALE > 1), where
 * a restart costs seconds and the point is memory errors, not races. */
#define KILL_ROUNDS 20
#define TERM_ROUNDS 12
#define SLOW_KILL_ROUNDS 4
#define SLOW_TERM_ROUNDS 2
#define N_UNIT_WRITERS 3

static gboolean private_mounts; /* main() got a mount namespace of its own */

typedef struct {
  GpTestBus *bus;
  char *state_dir;
  gboolean mounted;     /* a tmpfs on state_dir */
  GPtrArray *immutable; /* paths made immutable, to undo */
  GpTestDaemon *daemon;
  GDBusConnection *conn;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  /* The real policy needs root to own the name; otherwise the open one. */
  f->bus = gp_test_bus_new (gp_test_can_switch_uid ());
  f->state_dir = gp_test_make_tmp_dir ("gp-test-faults-XXXXXX");
  f->immutable = g_ptr_array_new_with_free_func (g_free);
  f->conn = gp_test_bus_connect (f->bus);
}

static int set_immutable (const char *path, gboolean on);

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_clear_pointer (&f->daemon, gp_test_daemon_free);
  for (guint i = 0; i < f->immutable->len; i++)
    set_immutable (f->immutable->pdata[i], FALSE);
  g_ptr_array_unref (f->immutable);
  if (f->mounted && umount (f->state_dir) != 0)
    {
      g_test_message ("umount %s: %s", f->state_dir, g_strerror (errno));
      umount2 (f->state_dir, MNT_DETACH);
    }
  g_dbus_connection_close_sync (f->conn, NULL, NULL);
  g_clear_object (&f->conn);
  g_clear_pointer (&f->bus, gp_test_bus_free);
  gp_test_rm_rf (f->state_dir);
  g_clear_pointer (&f->state_dir, g_free);
}

static void
start_with (Fixture *f, const char *const *extra_env)
{
  g_autoptr(GError) error = NULL;

  g_assert_null (f->daemon);
  f->daemon = gp_test_daemon_spawn (f->bus, f->state_dir, NULL, extra_env,
                                    GP_TEST_DAEMON_FLAGS_NONE);
  gp_test_daemon_wait_ready (f->daemon, &error);
  g_assert_no_error (error);
}

#define start(f) start_with (f, NULL)

typedef enum { STOP_TERM, STOP_KILL } StopMode;

/* SIGTERM (exit status 0 asserted) or SIGKILL. */
static void
stop (Fixture *f, StopMode mode)
{
  if (mode == STOP_KILL)
    gp_test_daemon_kill9 (f->daemon);
  else
    gp_test_daemon_stop (f->daemon);
  g_clear_pointer (&f->daemon, gp_test_daemon_free);
}

static char *
state_path (Fixture *f, const char *name)
{
  return g_build_filename (f->state_dir, name, NULL);
}

/* ---- calls ---------------------------------------------------------------------- */

static GVariant *
call_on (GDBusConnection *conn, const char *path, const char *iface, const char *method,
         GVariant *params, GError **error)
{
  return g_dbus_connection_call_sync (conn, GP_TEST_BUS_NAME, path, iface, method, params,
                                      NULL, G_DBUS_CALL_FLAGS_NONE,
                                      (int) (CALL_TIMEOUT_MS * gp_test_timeout_scale ()),
                                      NULL, error);
}

typedef struct {
  const char *path; /* ROOT_PATH: a Manager method; else a Relation's */
  const char *method;
  const char *args;
} Step;

static GVariant *
try_step (Fixture *f, const Step *step, GError **error)
{
  const char *iface = g_str_equal (step->path, ROOT_PATH) ? MANAGER_IFACE : RELATION_IFACE;

  return gp_test_call_text (f->conn, step->path, iface, step->method, step->args, error);
}

static void
run_step (Fixture *f, const Step *step)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = try_step (f, step, &error);

  if (error != NULL)
    g_test_message ("%s%s on %s failed", step->method, step->args, step->path);
  g_assert_no_error (error);
}

static void
assert_remote_error (const GError *error, const char *name)
{
  g_autofree char *remote = NULL;

  g_assert_nonnull (error);
  remote = g_dbus_error_get_remote_error (error);
  if (g_strcmp0 (remote, name) != 0)
    g_test_message ("expected %s, got %s", name, error->message);
  g_assert_cmpstr (remote, ==, name);
}

/* A relation with units, edge states and local settings. */
static const Step populate_steps[] = {
  { ROOT_PATH, "RelationCreated", "('server:3',)" },
  { ROOT_PATH, "UnitJoined", "('server:3', 'glusterfs/1')" },
  { ROOT_PATH, "UnitChanged", "('server:3', 'glusterfs/1', {'private-address': '10.0.0.1', "
                              "'bricks': '[\"/mnt/vdb1\",\"/mnt/vdc1\"]'})" },
  { ROOT_PATH, "UnitChanged", "('server:3', 'glusterfs/2', {'private-address': '10.0.0.2', "
                              "'bricks': '[\"/mnt/vdb1\"]'})" },
  { SERVER_PATH, "SetLocalUnit", "('glusterfs/0', {'private-address': '10.0.0.100'})" },
  { SERVER_PATH, "SetBricks", "(['/srv/b1'],)" },
};

/* Each would change something, and emit signals, if it could be written. */
static const Step write_steps[] = {
  { ROOT_PATH, "UnitChanged", "('server:3', 'glusterfs/1', {'private-address': '10.0.0.1', "
                              "'bricks': '[\"/mnt/vdb1\",\"/mnt/new\"]'})" },
  { ROOT_PATH, "UnitJoined", "('server:3', 'glusterfs/3')" },
  { ROOT_PATH, "UnitDeparted", "('server:3', 'glusterfs/2')" },
  { ROOT_PATH, "RelationCreated", "('other:9',)" },
  { SERVER_PATH, "SendAll", "({'volume': 'gv0'},)" },
  { SERVER_PATH, "ClearState", "('bricks.available',)" },
};

static void
populate (Fixture *f)
{
  for (gsize i = 0; i < G_N_ELEMENTS (populate_steps); i++)
    run_step (f, &populate_steps[i]);
}

/* The query methods and property reads all answer. */
static void
assert_queries_answer (Fixture *f)
{
  static const Step queries[] = {
    { SERVER_PATH, "IpMap", "('',)" },
    { SERVER_PATH, "BrickMap", "()" },
    { SERVER_PATH, "PeerInfo", "('private-address',)" },
    { SERVER_PATH, "RetrieveRemote", "('private-address',)" },
    { SERVER_PATH, "VolumeBricks", "(uint32 1, '')" },
  };
  g_autoptr(GVariant) snap = gp_test_snapshot (f->conn);

  for (gsize i = 0; i < G_N_ELEMENTS (queries); i++)
    run_step (f, &queries[i]);
}

/* ---- signals -------------------------------------------------------------------- */

static void
on_any_signal (GDBusConnection *conn, const char *sender, const char *path,
               const char *iface, const char *member, GVariant *params, gpointer user_data)
{
  if (g_strcmp0 (sender, "org.freedesktop.DBus") == 0)
    return;
  g_ptr_array_add (user_data, g_strdup_printf ("%s %s.%s", path, iface, member));
}

/* A connection recording every signal but the bus's own into @signals;
 * the match rule is in place when it returns. */
static GDBusConnection *
watch_signals (Fixture *f, GPtrArray *signals)
{
  GDBusConnection *watcher = gp_test_bus_connect (f->bus);
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  g_dbus_connection_signal_subscribe (watcher, NULL, NULL, NULL, NULL, NULL,
                                      G_DBUS_SIGNAL_FLAGS_NONE, on_any_signal, signals, NULL);
  reply = g_dbus_connection_call_sync (watcher, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "GetId", NULL, NULL,
                                       G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
  return watcher;
}

/* A round trip to the daemon on @watcher: every signal it sent before is
 * then dispatched. */
static void
sync_signals (GDBusConnection *watcher)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = call_on (watcher, ROOT_PATH, "org.freedesktop.DBus.Peer",
                                       "Ping", NULL, &error);

  g_assert_no_error (error);
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
assert_no_signals (GPtrArray *signals)
{
  for (guint i = 0; i < signals->len; i++)
    g_test_message ("unexpected signal: %s", (const char *) signals->pdata[i]);
  g_assert_cmpuint (signals->len, ==, 0);
}

static void
close_watcher (GDBusConnection **watcher)
{
  g_dbus_connection_close_sync (*watcher, NULL, NULL);
  g_clear_object (watcher);
  /* Drop the subscription's pending callbacks. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* ---- mounts and flags ----------------------------------------------------------- */

/* A tmpfs on the state directory; FALSE (test skipped) when not allowed. */
static gboolean
mount_tmpfs (Fixture *f, const char *options)
{
  g_autofree char *why = NULL;

  if (!private_mounts)
    why = g_strdup ("needs root and a mount namespace of its own (unshare)");
  else if (mount ("tmpfs", f->state_dir, "tmpfs", MS_NOSUID | MS_NODEV, options) != 0)
    why = g_strdup_printf ("cannot mount a tmpfs: %s", g_strerror (errno));
  if (why != NULL)
    {
      g_test_skip (why);
      return FALSE;
    }
  f->mounted = TRUE;
  return TRUE;
}

/* 0, or the errno of FS_IOC_SETFLAGS. */
static int
set_immutable (const char *path, gboolean on)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  int flags = 0, saved = 0;

  if (fd < 0)
    return errno;
  if (ioctl (fd, FS_IOC_GETFLAGS, &flags) != 0)
    saved = errno;
  else
    {
      flags = on ? (flags | FS_IMMUTABLE_FL) : (flags & ~FS_IMMUTABLE_FL);
      if (ioctl (fd, FS_IOC_SETFLAGS, &flags) != 0)
        saved = errno;
    }
  close (fd);
  return saved;
}

/* Fills the file system of the state directory: returns the filler. */
static char *
fill_up (Fixture *f)
{
  char *filler = state_path (f, "filler");
  static const char block[4096];
  gsize total = 0;
  int fd = open (filler, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

  g_assert_cmpint (fd, >=, 0);
  for (;;)
    {
      ssize_t n = write (fd, block, sizeof block);

      if (n > 0)
        {
          total += (gsize) n;
          continue;
        }
      if (n < 0 && errno == EINTR)
        continue;
      g_assert_cmpint (errno, ==, ENOSPC);
      break;
    }
  /* and the last partial block */
  while (write (fd, block, 1) == 1)
    total++;
  g_assert_cmpint (fsync (fd), ==, 0);
  close (fd);
  g_test_message ("filled the state directory with %zu bytes", total);
  return filler;
}

/* ---- a write-proof state directory -------------------------------------------- */

typedef gboolean (*BreakFunc) (Fixture *f, gpointer *undo);
typedef void (*MendFunc) (Fixture *f, gpointer undo);

/* Populated; broken: every write step fails with Error.Failed, emits
 * nothing and changes nothing, queries answer; mended: the write steps
 * work, and a restart (clean, then kill -9) finds what they wrote. */
static void
check_unwritable (Fixture *f, BreakFunc break_it, MendFunc mend_it)
{
  g_autoptr(GPtrArray) signals = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDBusConnection) watcher = NULL;
  g_autoptr(GVariant) before = NULL;
  g_autoptr(GVariant) after = NULL;
  g_autoptr(GVariant) mended = NULL;
  g_autoptr(GVariant) restarted = NULL;
  gpointer undo = NULL;

  start (f);
  populate (f);
  before = gp_test_snapshot (f->conn);
  if (!break_it (f, &undo))
    {
      stop (f, STOP_TERM);
      return;
    }

  watcher = watch_signals (f, signals);
  for (int pass = 0; pass < 2; pass++) /* the second time round, too */
    for (gsize i = 0; i < G_N_ELEMENTS (write_steps); i++)
      {
        g_autoptr(GError) error = NULL;
        g_autoptr(GVariant) reply = try_step (f, &write_steps[i], &error);

        if (reply != NULL)
          g_test_message ("%s%s succeeded on a broken state directory",
                          write_steps[i].method, write_steps[i].args);
        g_assert_null (reply);
        assert_remote_error (error, ERROR_FAILED);
      }
  sync_signals (watcher);
  assert_no_signals (signals);
  after = gp_test_snapshot (f->conn);
  g_assert_cmpvariant (after, before);
  assert_queries_answer (f);
  g_assert_true (gp_test_daemon_is_running (f->daemon));

  mend_it (f, undo);
  for (gsize i = 0; i < G_N_ELEMENTS (write_steps); i++)
    run_step (f, &write_steps[i]);
  sync_signals (watcher);
  g_assert_cmpuint (signals->len, >, 0);
  mended = gp_test_snapshot (f->conn);
  g_assert_false (g_variant_equal (mended, before));
  close_watcher (&watcher);

  stop (f, STOP_TERM);
  start (f);
  restarted = gp_test_snapshot (f->conn);
  g_assert_cmpvariant (restarted, mended);
  stop (f, STOP_KILL);
  start (f);
  g_clear_pointer (&restarted, g_variant_unref);
  restarted = gp_test_snapshot (f->conn);
  g_assert_cmpvariant (restarted, mended);
  stop (f, STOP_TERM);
}

static gboolean
break_fill (Fixture *f, gpointer *undo)
{
  *undo = fill_up (f);
  return TRUE;
}

static void
mend_fill (Fixture *f, gpointer undo)
{
  g_autofree char *filler = undo;

  g_assert_cmpint (g_unlink (filler), ==, 0);
}

static void
test_disk_full (Fixture *f, gconstpointer data)
{
  /* Room for the database and its WAL as populate() leaves them. */
  if (!mount_tmpfs (f, "size=1m,mode=0755"))
    return;
  check_unwritable (f, break_fill, mend_fill);
}

/* The database, its WAL and the directory (no new journal, no rename);
 * not the -shm index, which SQLite maps into memory. */
static const char *const immutable_names[] = { "state.db", "state.db-wal", "." };

/* Whether the file system refuses a write to an immutable file through a
 * descriptor opened before (ext4 does, tmpfs does not); else why not. */
static char *
immutable_unsupported (Fixture *f)
{
  g_autofree char *probe = state_path (f, "probe");
  int fd = open (probe, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  char *why = NULL;
  int err;

  g_assert_cmpint (fd, >=, 0);
  err = set_immutable (probe, TRUE);
  if (err != 0)
    why = g_strdup_printf ("cannot make a file immutable in %s: %s", f->state_dir,
                           g_strerror (err));
  else if (write (fd, "x", 1) == 1)
    why = g_strdup_printf ("the file system of %s lets an immutable file be written "
                           "through an open descriptor", f->state_dir);
  if (err == 0)
    g_assert_cmpint (set_immutable (probe, FALSE), ==, 0);
  close (fd);
  g_assert_cmpint (g_unlink (probe), ==, 0);
  return why;
}

static gboolean
break_immutable (Fixture *f, gpointer *undo)
{
  g_autofree char *unsupported = immutable_unsupported (f);

  if (unsupported != NULL)
    {
      g_test_skip (unsupported);
      return FALSE;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (immutable_names); i++)
    {
      g_autofree char *path = state_path (f, immutable_names[i]);
      int err;

      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        continue;
      err = set_immutable (path, TRUE);
      if (err != 0)
        {
          g_autofree char *why = g_strdup_printf ("cannot make %s immutable: %s", path,
                                                  g_strerror (err));

          g_test_skip (why);
          return FALSE;
        }
      g_ptr_array_add (f->immutable, g_steal_pointer (&path));
    }
  return TRUE;
}

static void
mend_immutable (Fixture *f, gpointer undo)
{
  for (guint i = 0; i < f->immutable->len; i++)
    g_assert_cmpint (set_immutable (f->immutable->pdata[i], FALSE), ==, 0);
  g_ptr_array_set_size (f->immutable, 0);
}

static void
test_read_only (Fixture *f, gconstpointer data)
{
  /* Not on a tmpfs: it takes the flag but only checks it when a file is
   * opened, and SQLite keeps its files open. */
  check_unwritable (f, break_immutable, mend_immutable);
}

static void
test_read_only_at_start (Fixture *f, gconstpointer data)
{
  /* Losing the state is worth a warning; G_DEBUG=fatal-warnings would turn
   * it into an abort, not the daemon's own exit status. */
  const char *const env[] = { "G_DEBUG=fatal-criticals", NULL };
  g_autofree char *db_path = state_path (f, "state.db");
  g_autofree char *db_before = NULL;
  g_autofree char *db_after = NULL;
  g_autoptr(GVariant) before = NULL;
  g_autoptr(GVariant) after = NULL;
  g_autoptr(GDir) dir = NULL;
  gsize len_before = 0, len_after = 0;
  const char *name;
  int status;

  if (!mount_tmpfs (f, "size=4m,mode=0755"))
    return;
  start (f);
  populate (f);
  before = gp_test_snapshot (f->conn);
  stop (f, STOP_TERM);
  g_assert_true (g_file_get_contents (db_path, &db_before, &len_before, NULL));

  g_assert_cmpint (mount ("tmpfs", f->state_dir, "tmpfs", MS_REMOUNT | MS_RDONLY, NULL), ==, 0);
  f->daemon = gp_test_daemon_spawn (f->bus, f->state_dir, NULL, env, GP_TEST_DAEMON_FLAGS_NONE);
  status = gp_test_daemon_wait_exit (f->daemon);
  g_clear_pointer (&f->daemon, gp_test_daemon_free);
  g_test_message ("on a read-only state directory: wait status 0x%x", (guint) status);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), !=, 0);
  g_assert_true (g_file_get_contents (db_path, &db_after, &len_after, NULL));
  g_assert_cmpmem (db_after, len_after, db_before, len_before);

  g_assert_cmpint (mount ("tmpfs", f->state_dir, "tmpfs", MS_REMOUNT, NULL), ==, 0);
  dir = g_dir_open (f->state_dir, 0, NULL);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_assert_false (g_str_has_prefix (name, "state.db.broken"));
  start (f);
  after = gp_test_snapshot (f->conn);
  g_assert_cmpvariant (after, before);
  stop (f, STOP_TERM);
}

/* ---- concurrent writers, killed ---------------------------------------------- */

typedef enum {
  WRITER_UNIT,  /* UnitChanged of its own unit; now and then SendAll of its own key */
  WRITER_CHURN, /* UnitJoined / UnitDeparted of churn/0, by turns */
} WriterKind;

typedef struct _Writers Writers;

typedef struct {
  Writers *all;
  WriterKind kind;
  guint index;
  GDBusConnection *conn;
  GThread *thread;
  guint next;            /* last sequence number used */
  /* WRITER_UNIT: UnitChanged */
  guint acked;           /* what the daemon holds, as far as we know */
  guint in_flight;       /* sent, not answered; 0: none */
  /* WRITER_UNIT: SendAll of key w<index> */
  guint acked_key;
  guint in_flight_key;
  /* WRITER_CHURN */
  gboolean present;      /* churn/0 joined, as far as we know */
  gboolean toggling;     /* a join or depart in flight */
  GError *error;         /* how the round ended for it */
} Writer;

struct _Writers {
  GMutex lock;
  GCond cond;
  guint n_acked;         /* this round, all writers */
  guint n_done;          /* writers that stopped this round */
  Writer w[N_UNIT_WRITERS + 1];
};

/* The data bag of call @seq of unit writer @index: 1 to 3 bricks, every
 * value derived from @seq, so a torn write shows. */
static GVariant *
unit_bag (guint index, guint seq, GStrv *out_bricks)
{
  g_autoptr(GStrvBuilder) bricks = g_strv_builder_new ();
  g_autoptr(GString) json = g_string_new ("[");
  g_autofree char *address = g_strdup_printf ("10.3.%u.%u", index, seq % 250 + 1);
  g_autofree char *seq_text = g_strdup_printf ("%u", seq);
  GVariantBuilder bag;

  for (guint k = 0; k <= seq % 3; k++)
    {
      g_autofree char *brick = g_strdup_printf ("/srv/w%u/%u/b%u", index, seq, k);

      g_string_append_printf (json, "%s\"%s\"", k ? "," : "", brick);
      g_strv_builder_add (bricks, brick);
    }
  g_string_append_c (json, ']');
  g_variant_builder_init (&bag, G_VARIANT_TYPE ("a{ss}"));
  g_variant_builder_add (&bag, "{ss}", "bricks", json->str);
  g_variant_builder_add (&bag, "{ss}", "private-address", address);
  g_variant_builder_add (&bag, "{ss}", "seq", seq_text);
  if (out_bricks != NULL)
    *out_bricks = g_strv_builder_end (bricks);
  return g_variant_builder_end (&bag);
}

static char *
unit_name (guint index)
{
  return g_strdup_printf ("glusterfs/%u", index + 1);
}

static char *
unit_path (guint index)
{
  return g_strdup_printf (SERVER_PATH "/glusterfs_2f%u", index + 1);
}

static char *
key_name (guint index)
{
  return g_strdup_printf ("w%u", index);
}

/* One call of @w, recording what is in flight. */
static gboolean
writer_step (Writer *w, GError **error)
{
  g_autoptr(GVariant) reply = NULL;
  guint seq = ++w->next;

  if (w->kind == WRITER_CHURN)
    {
      w->toggling = TRUE;
      reply = call_on (w->conn, ROOT_PATH, MANAGER_IFACE,
                       w->present ? "UnitDeparted" : "UnitJoined",
                       g_variant_new ("(ss)", "churn:2", "churn/0"), error);
      if (reply == NULL)
        return FALSE;
      w->present = !w->present;
      w->toggling = FALSE;
    }
  else if (seq % 4 == 0)
    {
      g_autofree char *key = key_name (w->index);
      g_autofree char *value = g_strdup_printf ("%u", seq);
      GVariantBuilder bag;

      g_variant_builder_init (&bag, G_VARIANT_TYPE ("a{ss}"));
      g_variant_builder_add (&bag, "{ss}", key, value);
      w->in_flight_key = seq;
      reply = call_on (w->conn, CLUSTER_PATH, RELATION_IFACE, "SendAll",
                       g_variant_new ("(a{ss})", &bag), error);
      if (reply == NULL)
        return FALSE;
      w->acked_key = seq;
      w->in_flight_key = 0;
    }
  else
    {
      g_autofree char *unit = unit_name (w->index);

      w->in_flight = seq;
      reply = call_on (w->conn, ROOT_PATH, MANAGER_IFACE, "UnitChanged",
                       g_variant_new ("(ss@a{ss})", "server:3", unit,
                                      unit_bag (w->index, seq, NULL)),
                       error);
      if (reply == NULL)
        return FALSE;
      w->acked = seq;
      w->in_flight = 0;
    }
  return TRUE;
}

/* Writes until a call fails: the daemon went away. */
static gpointer
writer_thread (gpointer data)
{
  Writer *w = data;
  Writers *all = w->all;

  while (writer_step (w, &w->error))
    {
      g_mutex_lock (&all->lock);
      all->n_acked++;
      g_cond_broadcast (&all->cond);
      g_mutex_unlock (&all->lock);
    }
  g_mutex_lock (&all->lock);
  all->n_done++;
  g_cond_broadcast (&all->cond);
  g_mutex_unlock (&all->lock);
  return NULL;
}

/* The call cut off reached the daemon (NoReply: it may have been
 * applied) or not (ServiceUnknown: the name had no owner any more). */
static gboolean
maybe_applied (const GError *error)
{
  if (g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_NO_REPLY))
    return TRUE;
  if (!g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN))
    g_error ("a writer failed for another reason than the daemon going away: %s",
             error ? error->message : "(no error)");
  return FALSE;
}

static GVariant *
lookup_props (GVariant *objects, const char *path, const char *iface)
{
  g_autoptr(GVariant) ifaces = g_variant_lookup_value (objects, path, G_VARIANT_TYPE ("a{sa{sv}}"));

  if (ifaces == NULL)
    return NULL;
  return g_variant_lookup_value (ifaces, iface, G_VARIANT_TYPE ("a{sv}"));
}

static GVariant *
lookup_prop (GVariant *props, const char *name)
{
  GVariant *value = g_variant_lookup_value (props, name, NULL);

  g_assert_nonnull (value);
  return value;
}

static gboolean
strv_variant_contains (GVariant *strv, const char *item)
{
  g_autofree const char **items = g_variant_get_strv (strv, NULL);

  return g_strv_contains (items, item);
}

/* After a restart: each writer's last acknowledged call is there, or the
 * one cut off, whole; relations agree with their units. That is the new
 * baseline. */
static void
verify_writers (Fixture *f, Writers *all)
{
  g_autoptr(GVariant) snap = gp_test_snapshot (f->conn);
  g_autoptr(GVariant) objects = g_variant_get_child_value (snap, 1);
  g_autoptr(GVariant) server = lookup_props (objects, SERVER_PATH, RELATION_IFACE);
  g_autoptr(GVariant) cluster = lookup_props (objects, CLUSTER_PATH, RELATION_IFACE);
  g_autoptr(GVariant) churn = lookup_props (objects, CHURN_PATH, RELATION_IFACE);
  g_autoptr(GVariant) server_units = NULL;
  g_autoptr(GVariant) server_states = NULL;
  g_autoptr(GVariant) local = NULL;
  g_autoptr(GVariant) churn_units = NULL;
  g_autoptr(GVariant) churn_states = NULL;

  g_assert_nonnull (server);
  g_assert_nonnull (cluster);
  g_assert_nonnull (churn);
  server_units = lookup_prop (server, "Units");
  g_assert_cmpuint (g_variant_n_children (server_units), ==, N_UNIT_WRITERS);
  server_states = lookup_prop (server, "States");
  g_assert_true (strv_variant_contains (server_states, "available"));
  g_assert_true (strv_variant_contains (server_states, "connected"));
  local = lookup_prop (cluster, "LocalSettings");

  for (guint i = 0; i < G_N_ELEMENTS (all->w); i++)
    {
      Writer *w = &all->w[i];
      gboolean cut_off_applied_possible = w->error != NULL && maybe_applied (w->error);

      if (w->kind == WRITER_CHURN)
        {
          g_autoptr(GVariant) unit = lookup_props (objects, CHURN_UNIT_PATH, PEER_IFACE);
          gboolean present = unit != NULL;

          churn_units = lookup_prop (churn, "Units");
          churn_states = lookup_prop (churn, "States");
          if (present != w->present)
            {
              g_test_message ("churn/0 %s: the %s cut off was applied",
                              present ? "present" : "absent",
                              w->present ? "departure" : "join");
              g_assert_true (w->toggling && cut_off_applied_possible);
            }
          /* The relation agrees with its units. */
          g_assert_cmpuint (g_variant_n_children (churn_units), ==, present ? 1 : 0);
          g_assert_true (strv_variant_contains (churn_states, "connected") == present);
          w->present = present;
          w->toggling = FALSE;
        }
      else
        {
          g_autofree char *path = unit_path (w->index);
          g_autofree char *key = key_name (w->index);
          g_autoptr(GVariant) unit = lookup_props (objects, path, PEER_IFACE);
          g_autoptr(GVariant) settings = NULL;
          g_autoptr(GVariant) bricks = NULL;
          g_autoptr(GVariant) address = NULL;
          g_autoptr(GVariant) available = NULL;
          g_autoptr(GVariant) expected = NULL;
          g_auto(GStrv) expected_bricks = NULL;
          g_autofree const char **got_bricks = NULL;
          const char *seq_text = NULL, *key_text = NULL, *address_text = NULL;
          guint64 seq = 0, key_seq = 0;

          g_assert_nonnull (unit);
          settings = lookup_prop (unit, "Settings");
          bricks = lookup_prop (unit, "Bricks");
          address = lookup_prop (unit, "Address");
          available = lookup_prop (unit, "Available");
          g_assert_true (g_variant_lookup (settings, "seq", "&s", &seq_text));
          g_assert_true (g_ascii_string_to_unsigned (seq_text, 10, 1, G_MAXUINT, &seq, NULL));
          if (seq != w->acked)
            {
              g_test_message ("%s holds call %" G_GUINT64_FORMAT "; acknowledged %u, cut off %u",
                              path, seq, w->acked, w->in_flight);
              g_assert_true (cut_off_applied_possible && w->in_flight != 0 &&
                             seq == w->in_flight);
            }
          /* Whole: every property from that one call. */
          expected = g_variant_ref_sink (unit_bag (w->index, (guint) seq, &expected_bricks));
          g_assert_cmpvariant (settings, expected);
          got_bricks = g_variant_get_strv (bricks, NULL);
          g_assert_cmpstrv (got_bricks, expected_bricks);
          g_assert_true (g_variant_lookup (settings, "private-address", "&s", &address_text));
          g_assert_cmpstr (g_variant_get_string (address, NULL), ==, address_text);
          g_assert_true (g_variant_get_boolean (available));
          w->acked = (guint) seq;
          w->in_flight = 0;

          g_assert_true (g_variant_lookup (local, key, "&s", &key_text));
          g_assert_true (g_ascii_string_to_unsigned (key_text, 10, 0, G_MAXUINT, &key_seq, NULL));
          if (key_seq != w->acked_key)
            {
              g_test_message ("LocalSettings[%s] is %" G_GUINT64_FORMAT "; acknowledged %u, "
                              "cut off %u", key, key_seq, w->acked_key, w->in_flight_key);
              g_assert_true (cut_off_applied_possible && w->in_flight_key != 0 &&
                             key_seq == w->in_flight_key);
            }
          w->acked_key = (guint) key_seq;
          w->in_flight_key = 0;
        }
      g_clear_error (&w->error);
    }
}

/* Writers on their own connections, and the data they start from. */
static void
writers_init (Fixture *f, Writers *all)
{
  g_autoptr(GVariant) snap = NULL;

  g_mutex_init (&all->lock);
  g_cond_init (&all->cond);
  run_step (f, &(Step) { ROOT_PATH, "RelationCreated", "('server:3',)" });
  run_step (f, &(Step) { ROOT_PATH, "RelationCreated", "('cluster:1',)" });
  run_step (f, &(Step) { ROOT_PATH, "RelationCreated", "('churn:2',)" });
  run_step (f, &(Step) { CLUSTER_PATH, "SetLocalUnit", "('glusterfs/0', {'w0': '0', 'w1': '0', "
                                                        "'w2': '0'})" });
  for (guint i = 0; i < G_N_ELEMENTS (all->w); i++)
    {
      Writer *w = &all->w[i];
      g_autoptr(GError) error = NULL;

      w->all = all;
      w->index = i;
      w->kind = i < N_UNIT_WRITERS ? WRITER_UNIT : WRITER_CHURN;
      w->conn = gp_test_bus_connect (f->bus);
      /* A first acknowledged call for each. */
      g_assert_true (writer_step (w, &error));
      g_assert_no_error (error);
    }
}

static void
writers_clear (Writers *all)
{
  for (guint i = 0; i < G_N_ELEMENTS (all->w); i++)
    {
      g_dbus_connection_close_sync (all->w[i].conn, NULL, NULL);
      g_clear_object (&all->w[i].conn);
      g_clear_error (&all->w[i].error);
    }
  g_cond_clear (&all->cond);
  g_mutex_clear (&all->lock);
}

/* Rounds of: writers at work, the daemon stopped (@mode) at a random
 * moment, restarted with a watcher on the bus, everything checked. */
static void
run_rounds (Fixture *f, StopMode mode, guint rounds)
{
  Writers all = { 0 };

  start (f);
  writers_init (f, &all);
  for (guint round = 0; round < rounds; round++)
    {
      g_autoptr(GPtrArray) signals = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(GDBusConnection) watcher = NULL;
      guint target = (guint) g_test_rand_int_range (1, 40);
      gint64 deadline = g_get_monotonic_time () +
                        (gint64) (CALL_TIMEOUT_MS * gp_test_timeout_scale ()) * 1000;

      all.n_acked = 0;
      all.n_done = 0;
      for (guint i = 0; i < G_N_ELEMENTS (all.w); i++)
        all.w[i].thread = g_thread_new ("writer", writer_thread, &all.w[i]);

      /* A random moment: after @target acknowledged calls, and then a
       * random point within the calls in flight. */
      g_mutex_lock (&all.lock);
      while (all.n_acked < target && all.n_done == 0)
        if (!g_cond_wait_until (&all.cond, &all.lock, deadline))
          break;
      g_assert_cmpuint (all.n_done, ==, 0); /* no writer may fail on its own */
      g_assert_cmpuint (all.n_acked, >=, target);
      g_mutex_unlock (&all.lock);
      g_usleep ((gulong) g_test_rand_int_range (0, 3000));

      stop (f, mode);
      for (guint i = 0; i < G_N_ELEMENTS (all.w); i++)
        g_thread_join (all.w[i].thread);
      g_test_message ("round %u: %s after %u acknowledged calls", round,
                      mode == STOP_KILL ? "killed" : "terminated", all.n_acked);

      /* Subscribed before the daemon starts: it exports its objects before
       * it owns the name, so anything it emits at start-up is seen. */
      watcher = watch_signals (f, signals);
      start (f);
      sync_signals (watcher);
      assert_no_signals (signals);
      close_watcher (&watcher);
      verify_writers (f, &all);
    }
  stop (f, STOP_TERM);
  writers_clear (&all);
}

static void
test_kill9_concurrent (Fixture *f, gconstpointer data)
{
  run_rounds (f, STOP_KILL, gp_test_timeout_scale () > 1 ? SLOW_KILL_ROUNDS : KILL_ROUNDS);
}

static void
test_sigterm_during_writes (Fixture *f, gconstpointer data)
{
  run_rounds (f, STOP_TERM, gp_test_timeout_scale () > 1 ? SLOW_TERM_ROUNDS : TERM_ROUNDS);
}

int
main (int argc, char **argv)
{
  /* Before any thread exists: unshare(CLONE_NEWNS) wants a process that
   * shares its file system attributes with no one. Mounts made from here
   * on vanish with the test process, whatever becomes of it. */
  if (geteuid () == 0 && unshare (CLONE_NEWNS) == 0 &&
      mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0)
    private_mounts = TRUE;

  g_test_init (&argc, &argv, NULL);
#define ADD(name, func) \
  g_test_add (name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/faults/disk-full", test_disk_full);
  ADD ("/faults/read-only", test_read_only);
  ADD ("/faults/read-only-at-start", test_read_only_at_start);
  ADD ("/faults/kill9-concurrent", test_kill9_concurrent);
  ADD ("/faults/sigterm-during-writes", test_sigterm_during_writes);
#undef ADD
  return g_test_run ();
}
