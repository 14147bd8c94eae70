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
 *   (Those two are in test-faults-kill.c.)
 *   /faults/state-files/...: symlinks planted at the state files or the
 *     state directory are refused, never followed; the directory is made
 *     0700 and the files 0600 whatever the umask (test-faults-files.c).
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
#include "gp-test-state.h"
#include "test-faults.h"

#define ERROR_FAILED "org.juju.GlusterPeer.Error.Failed"

static gboolean private_mounts; /* main() got a mount namespace of its own */

typedef struct {
  GpTestState s;        /* bus, state directory, daemon, connection */
  gboolean mounted;     /* a tmpfs on s.state_dir */
  GPtrArray *immutable; /* paths made immutable, to undo */
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  gp_test_state_set_up (&f->s, FAULTS_STATE_DIR_TEMPLATE);
  f->immutable = g_ptr_array_new_with_free_func (g_free);
}

static int set_immutable (const char *path, gboolean on);

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_clear_pointer (&f->s.daemon, gp_test_daemon_free);
  for (guint i = 0; i < f->immutable->len; i++)
    set_immutable (f->immutable->pdata[i], FALSE);
  g_ptr_array_unref (f->immutable);
  if (f->mounted && umount (f->s.state_dir) != 0)
    {
      g_test_message ("umount %s: %s", f->s.state_dir, g_strerror (errno));
      umount2 (f->s.state_dir, MNT_DETACH);
    }
  gp_test_state_tear_down (&f->s);
}

static char *
state_path (Fixture *f, const char *name)
{
  return g_build_filename (f->s.state_dir, name, NULL);
}

/* ---- calls ---------------------------------------------------------------------- */

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
static const GpTestStep populate_steps[] = {
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
static const GpTestStep write_steps[] = {
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
    gp_test_run_step (f->s.conn, &populate_steps[i]);
}

/* The query methods and property reads all answer. */
static void
assert_queries_answer (Fixture *f)
{
  static const GpTestStep queries[] = {
    { SERVER_PATH, "IpMap", "('',)" },
    { SERVER_PATH, "BrickMap", "()" },
    { SERVER_PATH, "PeerInfo", "('private-address',)" },
    { SERVER_PATH, "RetrieveRemote", "('private-address',)" },
    { SERVER_PATH, "VolumeBricks", "(uint32 1, '')" },
  };
  g_autoptr(GVariant) snap = gp_test_snapshot (f->s.conn);

  for (gsize i = 0; i < G_N_ELEMENTS (queries); i++)
    gp_test_run_step (f->s.conn, &queries[i]);
}

/* ---- mounts and flags ----------------------------------------------------------- */

/* A tmpfs on the state directory; FALSE (test skipped) when not allowed. */
static gboolean
mount_tmpfs (Fixture *f, const char *options)
{
  g_autofree char *why = NULL;

  if (!private_mounts)
    why = g_strdup ("needs root and a mount namespace of its own (unshare)");
  else if (mount ("tmpfs", f->s.state_dir, "tmpfs", MS_NOSUID | MS_NODEV, options) != 0)
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
  g_autoptr(GVariant) mended = NULL;
  gpointer undo = NULL;

  gp_test_state_start (&f->s, NULL);
  populate (f);
  before = gp_test_snapshot (f->s.conn);
  if (!break_it (f, &undo))
    {
      gp_test_state_stop (&f->s, GP_TEST_STOP_TERM);
      return;
    }

  watcher = gp_test_watch_signals (f->s.bus, signals);
  for (int pass = 0; pass < 2; pass++) /* the second time round, too */
    for (gsize i = 0; i < G_N_ELEMENTS (write_steps); i++)
      {
        g_autoptr(GError) error = NULL;
        g_autoptr(GVariant) reply = gp_test_try_step (f->s.conn, &write_steps[i], &error);

        if (reply != NULL)
          g_test_message ("%s%s succeeded on a broken state directory",
                          write_steps[i].method, write_steps[i].args);
        g_assert_null (reply);
        assert_remote_error (error, ERROR_FAILED);
      }
  gp_test_sync_signals (watcher);
  gp_test_assert_no_signals (signals);
  gp_test_assert_snapshot (f->s.conn, before);
  assert_queries_answer (f);
  g_assert_true (gp_test_daemon_is_running (f->s.daemon));

  mend_it (f, undo);
  for (gsize i = 0; i < G_N_ELEMENTS (write_steps); i++)
    gp_test_run_step (f->s.conn, &write_steps[i]);
  gp_test_sync_signals (watcher);
  g_assert_cmpuint (signals->len, >, 0);
  mended = gp_test_snapshot (f->s.conn);
  g_assert_false (g_variant_equal (mended, before));
  gp_test_close_watcher (&watcher);

  gp_test_state_stop (&f->s, GP_TEST_STOP_TERM);
  gp_test_state_start (&f->s, NULL);
  gp_test_assert_snapshot (f->s.conn, mended);
  gp_test_state_stop (&f->s, GP_TEST_STOP_KILL);
  gp_test_state_start (&f->s, NULL);
  gp_test_assert_snapshot (f->s.conn, mended);
  gp_test_state_stop (&f->s, GP_TEST_STOP_TERM);
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
    why = g_strdup_printf ("cannot make a file immutable in %s: %s", f->s.state_dir,
                           g_strerror (err));
  else if (write (fd, "x", 1) == 1)
    why = g_strdup_printf ("the file system of %s lets an immutable file be written "
                           "through an open descriptor", f->s.state_dir);
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
  g_autoptr(GDir) dir = NULL;
  gsize len_before = 0, len_after = 0;
  const char *name;
  int status;

  if (!mount_tmpfs (f, "size=4m,mode=0755"))
    return;
  gp_test_state_start (&f->s, NULL);
  populate (f);
  before = gp_test_snapshot (f->s.conn);
  gp_test_state_stop (&f->s, GP_TEST_STOP_TERM);
  g_assert_true (g_file_get_contents (db_path, &db_before, &len_before, NULL));

  g_assert_cmpint (mount ("tmpfs", f->s.state_dir, "tmpfs", MS_REMOUNT | MS_RDONLY, NULL), ==, 0);
  f->s.daemon = gp_test_daemon_spawn (f->s.bus, f->s.state_dir, NULL, env,
                                     GP_TEST_DAEMON_FLAGS_NONE);
  status = gp_test_daemon_wait_exit (f->s.daemon);
  g_clear_pointer (&f->s.daemon, gp_test_daemon_free);
  g_test_message ("on a read-only state directory: wait status 0x%x", (guint) status);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), !=, 0);
  g_assert_true (g_file_get_contents (db_path, &db_after, &len_after, NULL));
  g_assert_cmpmem (db_after, len_after, db_before, len_before);

  g_assert_cmpint (mount ("tmpfs", f->s.state_dir, "tmpfs", MS_REMOUNT, NULL), ==, 0);
  dir = g_dir_open (f->s.state_dir, 0, NULL);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_assert_false (g_str_has_prefix (name, "state.db.broken"));
  gp_test_state_start (&f->s, NULL);
  gp_test_assert_snapshot (f->s.conn, before);
  gp_test_state_stop (&f->s, GP_TEST_STOP_TERM);
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
#undef ADD
  faults_add_kill_tests ();
  faults_add_files_tests ();
  return g_test_run ();
}
