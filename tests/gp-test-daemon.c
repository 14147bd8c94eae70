/* gp-test-daemon.c: gluster-peerd on a private bus for GTest integration
 * tests: spawning it, waiting for it to own its name, stopping and reaping
 * it. See gp-test-bus.h.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "gp-test-bus-private.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib-unix.h>
#include <glib/gstdio.h>

#define GP_TEST_DAEMON_TIMEOUT_MS 10000

struct _GpTestDaemon {
  GpTestBus *bus;
  GSubprocess *proc;
  GPid pid;
  char *state_dir;
  gboolean own_state_dir;
  char *unique_name; /* its connection, once it owned the well-known name */
  gboolean reaped;
  int status;
};

static char *
describe_status (int status)
{
  if (WIFEXITED (status))
    return g_strdup_printf ("exited with status %d", WEXITSTATUS (status));
  if (WIFSIGNALED (status))
    return g_strdup_printf ("killed by signal %d (%s)", WTERMSIG (status),
                            g_strsignal (WTERMSIG (status)));
  return g_strdup_printf ("ended with wait status 0x%x", status);
}

/* The pid of connection name on the bus; 0 once it is gone. */
static guint32
get_connection_pid (GDBusConnection *conn, const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  guint32 pid = 0;

  reply = g_dbus_connection_call_sync (conn, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "GetConnectionUnixProcessID",
                                       g_variant_new ("(s)", name), G_VARIANT_TYPE ("(u)"),
                                       G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  if (reply == NULL)
    return 0; /* gone already */
  g_variant_get (reply, "(u)", &pid);
  return pid;
}

static const char *const unset_vars[] = {
  "NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "LISTEN_FDS", "LISTEN_PID",
  "LISTEN_FDNAMES", "STATE_DIRECTORY", "JOURNAL_STREAM", "INVOCATION_ID",
  "DBUS_STARTER_ADDRESS", "DBUS_STARTER_BUS_TYPE", NULL,
};

GpTestDaemon *
gp_test_daemon_spawn (GpTestBus *bus,
                      const char *state_dir,
                      const char *const *extra_args,
                      const char *const *extra_env,
                      GpTestDaemonFlags flags)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *cmdline = NULL;
  const char *wrapper = g_getenv ("GP_DAEMON_WRAPPER");
  const char *daemon_path = gp_test_daemon_path ();
  GpTestDaemon *d;
  int pid_pipe[2];
  pid_t pid = 0;
  ssize_t n;

  if (!g_file_test (daemon_path, G_FILE_TEST_IS_EXECUTABLE))
    g_error ("daemon %s is not an executable (set GP_DAEMON)", daemon_path);

  d = g_new0 (GpTestDaemon, 1);
  d->bus = bus;
  if (state_dir != NULL)
    d->state_dir = g_strdup (state_dir);
  else
    {
      d->state_dir = gp_test_make_tmp_dir ("gp-test-state-XXXXXX");
      d->own_state_dir = TRUE;
    }

  if (wrapper != NULL && *wrapper != '\0')
    {
      g_auto(GStrv) wargv = NULL;

      g_shell_parse_argv (wrapper, NULL, &wargv, &error);
      g_assert_no_error (error);
      for (guint i = 0; wargv[i] != NULL; i++)
        g_ptr_array_add (argv, g_strdup (wargv[i]));
    }
  g_ptr_array_add (argv, g_strdup (daemon_path));
  if (!(flags & GP_TEST_DAEMON_FLAGS_NO_STATE_DIR_ARG))
    {
      g_ptr_array_add (argv, g_strdup ("--state-dir"));
      g_ptr_array_add (argv, g_strdup (d->state_dir));
    }
  if (!(flags & GP_TEST_DAEMON_FLAGS_QUIET))
    g_ptr_array_add (argv, g_strdup ("--verbose"));
  for (guint i = 0; extra_args != NULL && extra_args[i] != NULL; i++)
    g_ptr_array_add (argv, g_strdup (extra_args[i]));
  g_ptr_array_add (argv, NULL);

  g_unix_open_pipe (pid_pipe, FD_CLOEXEC, &error);
  g_assert_no_error (error);
  launcher = gp_test_new_launcher (pid_pipe[1]);

  for (guint i = 0; unset_vars[i] != NULL; i++)
    g_subprocess_launcher_unsetenv (launcher, unset_vars[i]);
  g_subprocess_launcher_setenv (launcher, "DBUS_SYSTEM_BUS_ADDRESS",
                                gp_test_bus_get_address (bus), TRUE);
  g_subprocess_launcher_setenv (launcher, "DBUS_SESSION_BUS_ADDRESS",
                                gp_test_bus_get_address (bus), TRUE);
  for (guint i = 0; extra_env != NULL && extra_env[i] != NULL; i++)
    {
      const char *eq = strchr (extra_env[i], '=');
      g_autofree char *name = NULL;

      g_assert_nonnull (eq);
      name = g_strndup (extra_env[i], eq - extra_env[i]);
      g_subprocess_launcher_setenv (launcher, name, eq + 1, TRUE);
    }

  cmdline = g_strjoinv (" ", (char **) argv->pdata);
  g_test_message ("starting %s", cmdline);

  d->proc = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_close (pid_pipe[1], NULL);
  /* The spawn returned after a successful exec, so the pid is in the pipe. */
  do
    n = read (pid_pipe[0], &pid, sizeof pid);
  while (n < 0 && errno == EINTR);
  g_close (pid_pipe[0], NULL);
  g_assert_no_error (error);
  g_assert_cmpint (n, ==, sizeof pid);
  d->pid = (GPid) pid;
  return d;
}

typedef struct {
  GpTestProcWait proc;
  GpTestNameWatch name;
} ReadyWait;

static void
ready_proc_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  gp_test_proc_wait_cb (source, result, &((ReadyWait *) user_data)->proc);
}

gboolean
gp_test_daemon_wait_ready (GpTestDaemon *d, GError **error)
{
  GDBusConnection *conn = gp_test_bus_watch_conn (d->bus);
  g_autoptr(GMainContext) ctx = g_main_context_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  guint timeout_ms = gp_test_scaled_ms (GP_TEST_DAEMON_TIMEOUT_MS);
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  ReadyWait w = { { FALSE, FALSE }, { FALSE, FALSE } };
  gboolean ready = FALSE;
  guint id;

  if (d->reaped)
    {
      g_autofree char *how = describe_status (d->status);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s %s", gp_test_daemon_path (), how);
      return FALSE;
    }

  g_main_context_push_thread_default (ctx);
  id = gp_test_subscribe_name (conn, GP_TEST_BUS_NAME, &w.name);
  g_subprocess_wait_async (d->proc, cancellable, ready_proc_cb, &w);
  for (;;)
    {
      g_autofree char *owner = gp_test_get_name_owner (conn, GP_TEST_BUS_NAME);
      gint64 left_ms;

      /* Someone else may hold the name: ready means the owner is our
       * process (a valgrind wrapper keeps the pid). */
      if (owner != NULL && get_connection_pid (conn, owner) == (guint32) d->pid)
        {
          d->unique_name = g_steal_pointer (&owner);
          ready = TRUE;
          break;
        }
      if (w.proc.exited)
        break;
      left_ms = (deadline - g_get_monotonic_time ()) / 1000;
      if (left_ms <= 0)
        break;
      w.name.changed = FALSE;
      gp_test_iterate_until_either (ctx, &w.name.changed, &w.proc.done, (guint) left_ms);
    }

  if (!w.proc.done)
    {
      g_cancellable_cancel (cancellable);
      while (!w.proc.done)
        g_main_context_iteration (ctx, TRUE);
    }
  gp_test_unsubscribe_name (conn, ctx, id, &w.name);
  g_main_context_pop_thread_default (ctx);

  if (ready)
    return TRUE;

  if (w.proc.exited)
    {
      g_autofree char *how = NULL;

      d->reaped = TRUE;
      d->status = g_subprocess_get_status (d->proc);
      how = describe_status (d->status);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "%s %s before owning %s", gp_test_daemon_path (), how, GP_TEST_BUS_NAME);
    }
  else
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                 "%s did not own %s on %s within %u ms", gp_test_daemon_path (),
                 GP_TEST_BUS_NAME, gp_test_bus_get_address (d->bus), timeout_ms);
  return FALSE;
}

GpTestDaemon *
gp_test_daemon_start (GpTestBus *bus, const char *state_dir, const char *const *extra_args)
{
  g_autoptr(GError) error = NULL;
  GpTestDaemon *d = gp_test_daemon_spawn (bus, state_dir, extra_args, NULL,
                                          GP_TEST_DAEMON_FLAGS_NONE);

  if (!gp_test_daemon_wait_ready (d, &error))
    g_error ("gluster-peerd did not start: %s", error->message);
  return d;
}

/* Reaps the process (timeout_ms, scaled); FALSE if it is still running. */
static gboolean
daemon_reap (GpTestDaemon *d, guint timeout_ms)
{
  if (d->reaped)
    return TRUE;
  if (!gp_test_subprocess_wait_timeout (d->proc, gp_test_scaled_ms (timeout_ms)))
    return FALSE;
  d->reaped = TRUE;
  d->status = g_subprocess_get_status (d->proc);
  return TRUE;
}

/* After the process is gone, wait until the bus has dropped its
 * connection, so that a restart can own the name at once. */
static void
daemon_wait_disconnected (GpTestDaemon *d)
{
  if (d->unique_name == NULL)
    return;
  gp_test_bus_wait_for_name (d->bus, d->unique_name, FALSE, 5000);
  g_clear_pointer (&d->unique_name, g_free);
}

static void
daemon_assert_running (GpTestDaemon *d, const char *what)
{
  g_autofree char *how = NULL;

  if (!d->reaped && !gp_test_subprocess_wait_timeout (d->proc, 0))
    return;
  daemon_reap (d, 0);
  how = describe_status (d->status);
  g_error ("%s: gluster-peerd (pid %d) had already %s", what, (int) d->pid, how);
}

void
gp_test_daemon_kill9 (GpTestDaemon *d)
{
  g_autofree char *how = NULL;

  daemon_assert_running (d, "kill -9");
  g_subprocess_send_signal (d->proc, SIGKILL);
  if (!daemon_reap (d, GP_TEST_DAEMON_TIMEOUT_MS))
    g_error ("gluster-peerd (pid %d) survived SIGKILL", (int) d->pid);
  how = describe_status (d->status);
  if (!WIFSIGNALED (d->status) || WTERMSIG (d->status) != SIGKILL)
    g_error ("gluster-peerd (pid %d) %s, expected SIGKILL", (int) d->pid, how);
  daemon_wait_disconnected (d);
}

void
gp_test_daemon_stop (GpTestDaemon *d)
{
  g_autofree char *how = NULL;

  daemon_assert_running (d, "stop");
  g_subprocess_send_signal (d->proc, SIGTERM);
  if (!daemon_reap (d, GP_TEST_DAEMON_TIMEOUT_MS))
    g_error ("gluster-peerd (pid %d) did not exit within %u ms of SIGTERM", (int) d->pid,
             gp_test_scaled_ms (GP_TEST_DAEMON_TIMEOUT_MS));
  how = describe_status (d->status);
  if (!WIFEXITED (d->status) || WEXITSTATUS (d->status) != 0)
    g_error ("gluster-peerd (pid %d) %s after SIGTERM, expected status 0", (int) d->pid, how);
  daemon_wait_disconnected (d);
}

int
gp_test_daemon_wait_exit (GpTestDaemon *d)
{
  if (!daemon_reap (d, GP_TEST_DAEMON_TIMEOUT_MS))
    g_error ("gluster-peerd (pid %d) did not exit within %u ms", (int) d->pid,
             gp_test_scaled_ms (GP_TEST_DAEMON_TIMEOUT_MS));
  daemon_wait_disconnected (d);
  return d->status;
}

gboolean
gp_test_daemon_is_running (GpTestDaemon *d)
{
  if (d->reaped)
    return FALSE;
  return !daemon_reap (d, 0);
}

GPid
gp_test_daemon_get_pid (GpTestDaemon *d)
{
  return d->pid;
}

const char *
gp_test_daemon_get_state_dir (GpTestDaemon *d)
{
  return d->state_dir;
}

void
gp_test_daemon_free (GpTestDaemon *d)
{
  if (d == NULL)
    return;
  if (!d->reaped)
    {
      g_subprocess_force_exit (d->proc);
      if (!daemon_reap (d, GP_TEST_DAEMON_TIMEOUT_MS))
        g_warning ("gluster-peerd (pid %d) survived SIGKILL", (int) d->pid);
    }
  g_clear_object (&d->proc);
  if (d->own_state_dir)
    gp_test_rm_rf (d->state_dir);
  g_free (d->state_dir);
  g_free (d->unique_name);
  g_free (d);
}
