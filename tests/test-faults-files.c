/* test-faults-files.c: the state files against a hostile or careless
 * neighbour, described in test-faults.c, which runs them:
 *
 *   /faults/state-files/symlink/<name>[-dangling]: a symlink at state.db,
 *     -wal, -shm or -journal, to a file outside the state directory (or to
 *     where one would be): the daemon exits non-zero saying which link to
 *     remove, the target is untouched (or still absent, with no -wal or
 *     -shm next to it), the state directory is as it was (nothing moved
 *     aside); without the link it starts with its old state.
 *   /faults/state-files/symlink-dir: the state directory itself a symlink
 *     (with and without a trailing slash): refused, nothing created.
 *   /faults/state-files/modes/widened: a state directory of mode 0755 and
 *     state.db, -wal and -shm of mode 0644 (as an older gluster-peerd under
 *     umask 022 left them), started under umask 022: the directory is made
 *     0700 and the files 0600, and nothing is lost.
 *   /faults/state-files/modes/fresh: a state directory that does not exist
 *     yet, the daemon started under umask 000: 0700 and 0600.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <errno.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gp-test-bus.h"
#include "gp-test-snapshot.h"
#include "gp-test-state.h"
#include "test-faults.h"

#define REFUSAL_TIMEOUT_MS 10000
#define VICTIM_TEXT "not the daemon's to touch\n"

typedef struct {
  GpTestState s;
  char *outside;      /* a directory next to the state directory */
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  gp_test_state_set_up (&f->s, FAULTS_STATE_DIR_TEMPLATE);
  f->outside = gp_test_make_tmp_dir ("gp-test-faults-outside-XXXXXX");
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  gp_test_state_tear_down (&f->s);
  gp_test_rm_rf (f->outside);
  g_free (f->outside);
}

/* A relation with a unit and local settings: something to lose. */
static const GpTestStep populate_steps[] = {
  { ROOT_PATH, "RelationCreated", "('server:3',)" },
  { ROOT_PATH, "UnitChanged", "('server:3', 'glusterfs/1', {'private-address': '10.0.0.1', "
                              "'bricks': '[\"/mnt/vdb1\"]'})" },
  { SERVER_PATH, "SetLocalUnit", "('glusterfs/0', {'private-address': '10.0.0.100'})" },
};

static GVariant *
start_and_populate (Fixture *f)
{
  gp_test_state_start (&f->s, NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (populate_steps); i++)
    gp_test_run_step (f->s.conn, &populate_steps[i]);
  return gp_test_snapshot (f->s.conn);
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* The names in @dir, sorted, one per line. */
static char *
list_dir (const char *dir)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) d = g_dir_open (dir, 0, &error);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  const char *name;

  g_assert_no_error (error);
  while ((name = g_dir_read_name (d)) != NULL)
    g_ptr_array_add (names, (gpointer) name);
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return g_strjoinv ("\n", (char **) names->pdata);
}

static void
on_communicated (GObject *source, GAsyncResult *result, gpointer user_data)
{
  char **err = user_data;
  g_autoptr(GError) error = NULL;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), result, NULL, err, &error);
  g_assert_no_error (error);
  if (*err == NULL)
    *err = g_strdup ("");
}

static gboolean
on_timeout (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the daemon on @state_dir (on the test bus, as an administrator
 * would start it) and asserts that it exits non-zero by itself, without a
 * warning (G_DEBUG=fatal-warnings would abort it), with @message on its
 * standard error. */
static void
assert_start_refused (Fixture *f, const char *state_dir, const char *message)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  gboolean timed_out = FALSE;
  guint timeout_id;

  g_subprocess_launcher_unsetenv (launcher, "STATE_DIRECTORY");
  g_subprocess_launcher_unsetenv (launcher, "NOTIFY_SOCKET");
  g_subprocess_launcher_setenv (launcher, "DBUS_SYSTEM_BUS_ADDRESS",
                                gp_test_bus_get_address (f->s.bus), TRUE);
  g_test_message ("starting %s --state-dir %s", gp_test_daemon_path (), state_dir);
  proc = g_subprocess_launcher_spawn (launcher, &error, gp_test_daemon_path (),
                                      "--state-dir", state_dir, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (proc, NULL, NULL, on_communicated, &err);
  timeout_id = g_timeout_add ((guint) (REFUSAL_TIMEOUT_MS * gp_test_timeout_scale ()),
                              on_timeout, &timed_out);
  while (err == NULL && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (timed_out)
    {
      g_subprocess_force_exit (proc);
      while (err == NULL)
        g_main_context_iteration (NULL, TRUE);
      g_test_message ("the daemon was still running: %s", err);
      g_assert_not_reached ();
    }
  g_source_remove (timeout_id);
  g_test_message ("the daemon said: %s", err);
  g_assert_true (g_subprocess_get_if_exited (proc));
  g_assert_cmpint (g_subprocess_get_exit_status (proc), !=, 0);
  g_assert_nonnull (strstr (err, message));
}

static void
assert_mode (const char *dir, const char *name, guint mode)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  struct stat st;

  g_assert_cmpint (lstat (path, &st), ==, 0);
  if ((st.st_mode & 07777) != mode)
    g_test_message ("%s: mode 0%03o", path, (guint) (st.st_mode & 07777));
  g_assert_true (S_ISREG (st.st_mode) || S_ISDIR (st.st_mode));
  g_assert_cmphex (st.st_mode & 07777, ==, mode);
}

/* ---- symlinks ------------------------------------------------------------------ */

typedef struct {
  const char *name;   /* of the symlink in the state directory */
  gboolean dangling;  /* to where a file would be, else to a file */
} LinkCase;

static const LinkCase link_cases[] = {
  { "state.db", TRUE },
  { "state.db", FALSE },
  { "state.db-wal", FALSE },
  { "state.db-wal", TRUE },
  { "state.db-shm", FALSE },
  { "state.db-journal", FALSE },
};

static void
test_symlink (Fixture *f, gconstpointer data)
{
  const LinkCase *c = data;
  g_autofree char *real_dir = realpath (f->s.state_dir, NULL);
  g_autofree char *link = g_build_filename (f->s.state_dir, c->name, NULL);
  g_autofree char *victim = g_build_filename (f->outside, "planted.db", NULL);
  g_autofree char *message = NULL;
  g_autofree char *listed_before = NULL, *listed_after = NULL, *outside_after = NULL;
  g_autofree char *db_path = g_build_filename (f->s.state_dir, "state.db", NULL);
  g_autofree char *kept_path = g_build_filename (f->s.state_dir, "kept.db", NULL);
  gboolean at_db = g_str_equal (c->name, "state.db");
  g_autofree char *db_before = NULL, *db_after = NULL, *text = NULL;
  g_autofree char *target = NULL;
  g_autoptr(GVariant) before = NULL;
  gsize len_before = 0, len_after = 0;
  struct stat st;

  before = start_and_populate (f);
  gp_test_state_stop (&f->s, GP_TEST_STOP_TERM);
  g_assert_true (g_file_get_contents (db_path, &db_before, &len_before, NULL));
  /* A link at state.db stands in for the database, kept aside meanwhile;
   * a clean stop leaves no -wal or -shm, but make sure. */
  if (at_db)
    g_assert_cmpint (g_rename (db_path, kept_path), ==, 0);
  else
    (void) g_unlink (link);
  if (!c->dangling)
    {
      g_assert_true (g_file_set_contents (victim, VICTIM_TEXT, -1, NULL));
      g_assert_cmpint (g_chmod (victim, 0644), ==, 0);
    }
  g_assert_cmpint (symlink (victim, link), ==, 0);
  listed_before = list_dir (f->s.state_dir);

  message = g_strdup_printf ("%s/%s is a symbolic link; refusing to follow it: remove it",
                             real_dir, c->name);
  assert_start_refused (f, f->s.state_dir, message);

  listed_after = list_dir (f->s.state_dir);
  g_assert_cmpstr (listed_after, ==, listed_before);
  target = g_file_read_link (link, NULL);
  g_assert_cmpstr (target, ==, victim);
  outside_after = list_dir (f->outside);
  if (c->dangling)
    g_assert_cmpstr (outside_after, ==, ""); /* no planted.db, -wal, -shm */
  else
    g_assert_cmpstr (outside_after, ==, "planted.db");
  if (!c->dangling)
    {
      g_assert_true (g_file_get_contents (victim, &text, NULL, NULL));
      g_assert_cmpstr (text, ==, VICTIM_TEXT);
      g_assert_cmpint (stat (victim, &st), ==, 0);
      g_assert_cmphex (st.st_mode & 07777, ==, 0644);
    }

  g_assert_cmpint (g_unlink (link), ==, 0);
  if (at_db)
    g_assert_cmpint (g_rename (kept_path, db_path), ==, 0);
  g_assert_true (g_file_get_contents (db_path, &db_after, &len_after, NULL));
  g_assert_cmpmem (db_after, len_after, db_before, len_before);
  gp_test_state_start (&f->s, NULL);
  gp_test_assert_snapshot (f->s.conn, before);
  gp_test_state_stop (&f->s, GP_TEST_STOP_TERM);
}

static void
test_symlink_dir (Fixture *f, gconstpointer data)
{
  g_autofree char *link = g_build_filename (f->s.state_dir, "link", NULL);
  g_autofree char *slashed = g_strconcat (link, "/", NULL);
  g_autofree char *listed = NULL;

  g_assert_cmpint (symlink (f->outside, link), ==, 0);
  assert_start_refused (f, link, "is a symbolic link; refusing to follow it");
  /* With a trailing slash, open() follows the link even with O_NOFOLLOW. */
  assert_start_refused (f, slashed, "is a symbolic link; refusing to follow it");
  listed = list_dir (f->outside);
  g_assert_cmpstr (listed, ==, "");
}

/* ---- modes --------------------------------------------------------------------- */

static const char *const db_files[] = { "state.db", "state.db-wal", "state.db-shm" };

/* The directory 0700 and the database with its -wal and -shm 0600, all of
 * them there (the daemon keeps them open while it runs). */
static void
assert_private (const char *state_dir)
{
  assert_mode (state_dir, ".", 0700);
  for (gsize i = 0; i < G_N_ELEMENTS (db_files); i++)
    assert_mode (state_dir, db_files[i], 0600);
}

static void
test_modes_widened (Fixture *f, gconstpointer data)
{
  static const GpTestStep write = { ROOT_PATH, "RelationCreated", "('other:9',)" };
  g_autoptr(GVariant) before = start_and_populate (f);
  mode_t old_umask;

  /* kill -9 leaves the -wal and -shm behind, as after a crash */
  gp_test_state_stop (&f->s, GP_TEST_STOP_KILL);
  for (gsize i = 0; i < G_N_ELEMENTS (db_files); i++)
    {
      g_autofree char *path = g_build_filename (f->s.state_dir, db_files[i], NULL);

      g_assert_cmpint (g_chmod (path, 0644), ==, 0);
    }
  g_assert_cmpint (g_chmod (f->s.state_dir, 0755), ==, 0);

  old_umask = umask (022);
  gp_test_state_start (&f->s, NULL);
  umask (old_umask);
  assert_private (f->s.state_dir);
  gp_test_assert_snapshot (f->s.conn, before);
  gp_test_run_step (f->s.conn, &write);
  assert_private (f->s.state_dir);
  gp_test_state_stop (&f->s, GP_TEST_STOP_TERM);
}

static void
test_modes_fresh (Fixture *f, gconstpointer data)
{
  static const GpTestStep write = { ROOT_PATH, "RelationCreated", "('server:3',)" };
  g_autofree char *fresh = g_build_filename (f->s.state_dir, "new", "state", NULL);
  g_autoptr(GError) error = NULL;
  mode_t old_umask;

  old_umask = umask (0);
  f->s.daemon = gp_test_daemon_spawn (f->s.bus, fresh, NULL, NULL, GP_TEST_DAEMON_FLAGS_NONE);
  umask (old_umask);
  gp_test_daemon_wait_ready (f->s.daemon, &error);
  g_assert_no_error (error);
  gp_test_run_step (f->s.conn, &write);
  assert_private (fresh);
  gp_test_state_stop (&f->s, GP_TEST_STOP_TERM);
  assert_mode (fresh, "state.db", 0600);
}

void
faults_add_files_tests (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (link_cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("/faults/state-files/symlink/%s%s",
                                               link_cases[i].name,
                                               link_cases[i].dangling ? "-dangling" : "");

      g_test_add (name, Fixture, &link_cases[i], fixture_set_up, test_symlink,
                  fixture_tear_down);
    }
#define ADD(name, func) \
  g_test_add (name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/faults/state-files/symlink-dir", test_symlink_dir);
  ADD ("/faults/state-files/modes/widened", test_modes_widened);
  ADD ("/faults/state-files/modes/fresh", test_modes_fresh);
#undef ADD
}
