/* gp-test-bus.c: the harness of the GTest integration tests, but for the
 * daemon (gp-test-daemon.c): paths, temporary directories, child processes
 * and the private message bus. See gp-test-bus.h.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "gp-test-config.h"
#include "gp-test-bus-private.h"

#include <errno.h>
#include <ftw.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib-unix.h>
#include <glib/gstdio.h>
#include <gio/gunixinputstream.h>

#define GP_TEST_BUS_START_TIMEOUT_MS 10000

struct _GpTestBus {
  char *dir;
  char *config_path;
  char *address;
  gboolean with_policy;
  GSubprocess *proc;
  GDBusConnection *watch_conn; /* root connection the harness itself uses */
};

/* --- paths and small helpers -------------------------------------------- */

const char *
gp_test_source_dir (void)
{
  const char *dir = g_getenv ("GP_SOURCE_DIR");

  return (dir != NULL && *dir != '\0') ? dir : GP_TEST_SOURCE_DIR;
}

const char *
gp_test_daemon_path (void)
{
  const char *path = g_getenv ("GP_DAEMON");

  return (path != NULL && *path != '\0') ? path : GP_TEST_DAEMON_PATH;
}

char *
gp_test_source_path (const char *first_element, ...)
{
  va_list ap;
  g_autofree char *rel = NULL;

  va_start (ap, first_element);
  rel = g_build_filename_valist (first_element, &ap);
  va_end (ap);

  return g_build_filename (gp_test_source_dir (), rel, NULL);
}

double
gp_test_timeout_scale (void)
{
  const char *s = g_getenv ("GP_TEST_TIMEOUT_SCALE");
  double scale;

  if (s == NULL || *s == '\0')
    return 1.0;
  scale = g_ascii_strtod (s, NULL);
  return scale > 0 ? scale : 1.0;
}

guint
gp_test_scaled_ms (guint ms)
{
  return (guint) (ms * gp_test_timeout_scale ());
}

char *
gp_test_make_tmp_dir (const char *tmpl)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp (tmpl, &error);

  g_assert_no_error (error);
  /* Reachable by the unprivileged uid the tests switch to. */
  g_assert_cmpint (g_chmod (dir, 0755), ==, 0);
  return dir;
}

static int
rm_rf_one (const char *path, const struct stat *sb, int typeflag, struct FTW *ftwbuf)
{
  if (remove (path) != 0 && errno != ENOENT)
    g_warning ("cannot remove %s: %s", path, g_strerror (errno));
  return 0;
}

void
gp_test_rm_rf (const char *path)
{
  if (path == NULL)
    return;
  if (nftw (path, rm_rf_one, 16, FTW_DEPTH | FTW_PHYS) != 0 && errno != ENOENT)
    g_warning ("cannot remove %s: %s", path, g_strerror (errno));
}

/* Children die with the test process, even when it aborts on a failed
 * assertion: a dbus-daemon left behind would keep meson's pipes open. */
/* user_data: 1 + the write end of a pipe to report the child's pid on
 * (GSubprocess forgets the pid as soon as it reaps the child, which can
 * happen before the spawning thread gets to read it), or 0. The fd is
 * close-on-exec. Async-signal-safe calls only. */
static void
child_setup (gpointer user_data)
{
  int pid_fd = GPOINTER_TO_INT (user_data) - 1;

  prctl (PR_SET_PDEATHSIG, SIGKILL);
  if (pid_fd >= 0)
    {
      pid_t pid = getpid ();
      ssize_t n;

      do
        n = write (pid_fd, &pid, sizeof pid);
      while (n < 0 && errno == EINTR);
    }
}

GSubprocessLauncher *
gp_test_new_launcher (int pid_fd)
{
  GSubprocessLauncher *launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  int err_fd = dup (STDERR_FILENO);

  /* stdout carries TAP: children's output (GLib logs info and debug to
   * stdout) goes to stderr instead. stdin is /dev/null. */
  g_assert_cmpint (err_fd, >=, 0);
  g_subprocess_launcher_take_stdout_fd (launcher, err_fd);
  g_subprocess_launcher_set_child_setup (launcher, child_setup,
                                         GINT_TO_POINTER (pid_fd + 1), NULL);
  return launcher;
}

static gboolean
set_flag_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Iterates ctx until *a or *b (b may be NULL) or timeout_ms; returns *a. */
gboolean
gp_test_iterate_until_either (GMainContext *ctx, gboolean *a, gboolean *b, guint timeout_ms)
{
  gboolean timed_out = FALSE;
  GSource *timeout = g_timeout_source_new (timeout_ms);

  g_source_set_callback (timeout, set_flag_cb, &timed_out, NULL);
  g_source_attach (timeout, ctx);
  while (!*a && (b == NULL || !*b) && !timed_out)
    g_main_context_iteration (ctx, TRUE);
  g_source_destroy (timeout);
  g_source_unref (timeout);
  return *a;
}

static gboolean
iterate_until (GMainContext *ctx, gboolean *done, guint timeout_ms)
{
  return gp_test_iterate_until_either (ctx, done, NULL, timeout_ms);
}

void
gp_test_proc_wait_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GpTestProcWait *w = user_data;
  g_autoptr(GError) error = NULL;

  if (g_subprocess_wait_finish (G_SUBPROCESS (source), result, &error))
    w->exited = TRUE;
  else
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  w->done = TRUE;
}

/* Waits up to timeout_ms for proc to exit; TRUE if it did. */
gboolean
gp_test_subprocess_wait_timeout (GSubprocess *proc, guint timeout_ms)
{
  g_autoptr(GMainContext) ctx = g_main_context_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  GpTestProcWait w = { FALSE, FALSE };

  g_main_context_push_thread_default (ctx);
  g_subprocess_wait_async (proc, cancellable, gp_test_proc_wait_cb, &w);
  if (!iterate_until (ctx, &w.done, timeout_ms))
    {
      g_cancellable_cancel (cancellable);
      while (!w.done)
        g_main_context_iteration (ctx, TRUE);
    }
  g_main_context_pop_thread_default (ctx);
  return w.exited;
}

static char *
replace_all (const char *text, const char *token, const char *value)
{
  g_auto(GStrv) parts = g_strsplit (text, token, -1);

  return g_strjoinv (value, parts);
}

/* --- the bus ------------------------------------------------------------- */

typedef struct {
  gboolean done;
  char *line;
  GError *error;
} LineRead;

static void
read_line_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  LineRead *r = user_data;

  r->line = g_data_input_stream_read_line_finish (G_DATA_INPUT_STREAM (source),
                                                  result, NULL, &r->error);
  r->done = TRUE;
}

static char *
write_bus_config (GpTestBus *bus, const char *socket_path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *template_path = gp_test_source_path ("tests", "bus.conf.in", NULL);
  g_autofree char *policy_path = NULL;
  g_autofree char *template = NULL;
  g_autofree char *escaped_socket = g_dbus_address_escape_value (socket_path);
  g_autofree char *listen = g_strdup_printf ("unix:path=%s", escaped_socket);
  g_autofree char *listen_xml = g_markup_escape_text (listen, -1);
  g_autofree char *policy_xml = NULL;
  g_autofree char *step = NULL;
  char *config;

  if (bus->with_policy)
    policy_path = gp_test_source_path ("data", "org.juju.GlusterPeer.conf", NULL);
  else
    policy_path = gp_test_source_path ("tests", "open-policy.conf", NULL);
  if (!g_file_test (policy_path, G_FILE_TEST_IS_REGULAR))
    g_error ("bus policy %s not found (GP_SOURCE_DIR=%s)", policy_path, gp_test_source_dir ());
  policy_xml = g_markup_escape_text (policy_path, -1);

  g_file_get_contents (template_path, &template, NULL, &error);
  g_assert_no_error (error);

  step = replace_all (template, "@GP_LISTEN_ADDRESS@", listen_xml);
  config = replace_all (step, "@GP_POLICY_FILE@", policy_xml);
  g_assert_null (strstr (config, "@GP_"));
  return config;
}

GpTestBus *
gp_test_bus_new (gboolean with_policy)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GInputStream) raw_in = NULL;
  g_autoptr(GDataInputStream) in = NULL;
  g_autoptr(GMainContext) ctx = NULL;
  g_autofree char *socket_path = NULL;
  g_autofree char *config = NULL;
  g_autofree char *config_arg = NULL;
  const char *dbus_daemon = g_getenv ("GP_DBUS_DAEMON");
  LineRead r = { FALSE, NULL, NULL };
  GpTestBus *bus;
  int fds[2];

  bus = g_new0 (GpTestBus, 1);
  bus->with_policy = with_policy;
  bus->dir = gp_test_make_tmp_dir ("gp-test-bus-XXXXXX");
  socket_path = g_build_filename (bus->dir, "bus", NULL);
  bus->config_path = g_build_filename (bus->dir, "bus.conf", NULL);

  config = write_bus_config (bus, socket_path);
  g_file_set_contents (bus->config_path, config, -1, &error);
  g_assert_no_error (error);

  g_unix_open_pipe (fds, FD_CLOEXEC, &error);
  g_assert_no_error (error);

  if (dbus_daemon == NULL || *dbus_daemon == '\0')
    dbus_daemon = "dbus-daemon";
  config_arg = g_strdup_printf ("--config-file=%s", bus->config_path);

  launcher = gp_test_new_launcher (-1);
  g_subprocess_launcher_take_fd (launcher, fds[1], 3);
  bus->proc = g_subprocess_launcher_spawn (launcher, &error,
                                           dbus_daemon, config_arg,
                                           "--nofork", "--nosyslog",
                                           "--print-address=3", NULL);
  g_assert_no_error (error);
  /* Closes the parent's copy of the pipe's write end: EOF if it dies. */
  g_clear_object (&launcher);

  raw_in = g_unix_input_stream_new (fds[0], TRUE);
  in = g_data_input_stream_new (raw_in);

  ctx = g_main_context_new ();
  g_main_context_push_thread_default (ctx);
  g_data_input_stream_read_line_async (in, G_PRIORITY_DEFAULT, NULL, read_line_cb, &r);
  if (!iterate_until (ctx, &r.done, gp_test_scaled_ms (GP_TEST_BUS_START_TIMEOUT_MS)))
    g_error ("dbus-daemon (%s) did not print its address within %u ms",
             bus->config_path, gp_test_scaled_ms (GP_TEST_BUS_START_TIMEOUT_MS));
  g_main_context_pop_thread_default (ctx);

  g_assert_no_error (r.error);
  if (r.line == NULL || *g_strstrip (r.line) == '\0')
    g_error ("dbus-daemon failed to start with %s (see its messages above)",
             bus->config_path);
  bus->address = r.line;
  g_test_message ("private %s bus at %s (%s)",
                  with_policy ? "system-like" : "open", bus->address, bus->config_path);
  return bus;
}

void
gp_test_bus_free (GpTestBus *bus)
{
  if (bus == NULL)
    return;

  if (bus->watch_conn != NULL)
    {
      g_dbus_connection_close_sync (bus->watch_conn, NULL, NULL);
      g_clear_object (&bus->watch_conn);
    }

  if (bus->proc != NULL)
    {
      g_subprocess_send_signal (bus->proc, SIGTERM);
      if (!gp_test_subprocess_wait_timeout (bus->proc, gp_test_scaled_ms (5000)))
        {
          g_test_message ("dbus-daemon ignored SIGTERM; killing it");
          g_subprocess_force_exit (bus->proc);
          g_subprocess_wait (bus->proc, NULL, NULL);
        }
      g_clear_object (&bus->proc);
    }

  gp_test_rm_rf (bus->dir);
  g_free (bus->dir);
  g_free (bus->config_path);
  g_free (bus->address);
  g_free (bus);
}

const char *
gp_test_bus_get_address (GpTestBus *bus)
{
  return bus->address;
}

const char *
gp_test_bus_get_config_path (GpTestBus *bus)
{
  return bus->config_path;
}

gboolean
gp_test_bus_has_policy (GpTestBus *bus)
{
  return bus->with_policy;
}

GDBusConnection *
gp_test_bus_connect (GpTestBus *bus)
{
  g_autoptr(GError) error = NULL;
  GDBusConnection *conn;

  conn = g_dbus_connection_new_for_address_sync (bus->address,
                                                 G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                 G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                 NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (conn);
  return conn;
}

gboolean
gp_test_can_switch_uid (void)
{
  return geteuid () == 0;
}

GDBusConnection *
gp_test_bus_connect_as_uid (GpTestBus *bus, uid_t uid, gid_t gid)
{
  g_autoptr(GError) error = NULL;
  GDBusConnection *conn;
  int saved_errno;

  g_assert_true (gp_test_can_switch_uid ());

  /* The saved ids stay 0, so root can switch back. The kernel records the
   * credentials of connect() for SO_PEERCRED, which EXTERNAL checks: the
   * connection keeps uid for its whole life. glibc applies set*id to
   * every thread of the process. */
  if (setresgid (gid, gid, 0) != 0)
    g_error ("setresgid(%u): %s", (unsigned) gid, g_strerror (errno));
  if (setresuid (uid, uid, 0) != 0)
    {
      saved_errno = errno;
      (void) setresgid (0, 0, 0);
      g_error ("setresuid(%u): %s", (unsigned) uid, g_strerror (saved_errno));
    }

  conn = g_dbus_connection_new_for_address_sync (bus->address,
                                                 G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                 G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                 NULL, NULL, &error);

  if (setresuid (0, 0, 0) != 0)
    g_error ("cannot switch back to uid 0: %s", g_strerror (errno));
  if (setresgid (0, 0, 0) != 0)
    g_error ("cannot switch back to gid 0: %s", g_strerror (errno));

  g_assert_no_error (error);
  g_assert_nonnull (conn);
  return conn;
}

GDBusConnection *
gp_test_bus_connect_unprivileged (GpTestBus *bus)
{
  return gp_test_bus_connect_as_uid (bus, GP_TEST_UNPRIVILEGED_UID, GP_TEST_UNPRIVILEGED_GID);
}

GDBusConnection *
gp_test_bus_watch_conn (GpTestBus *bus)
{
  if (bus->watch_conn == NULL)
    bus->watch_conn = gp_test_bus_connect (bus);
  return bus->watch_conn;
}

char *
gp_test_get_name_owner (GDBusConnection *conn, const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  char *owner = NULL;

  reply = g_dbus_connection_call_sync (conn, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "GetNameOwner",
                                       g_variant_new ("(s)", name), G_VARIANT_TYPE ("(s)"),
                                       G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  if (reply == NULL)
    {
      if (!g_dbus_error_is_remote_error (error))
        g_assert_no_error (error);
      return NULL; /* NameHasNoOwner */
    }
  g_variant_get (reply, "(s)", &owner);
  return owner;
}


static void
name_owner_changed_cb (GDBusConnection *conn, const char *sender, const char *path,
                       const char *iface, const char *signal, GVariant *params,
                       gpointer user_data)
{
  ((GpTestNameWatch *) user_data)->changed = TRUE;
}

static void
name_watch_freed (gpointer user_data)
{
  ((GpTestNameWatch *) user_data)->subscription_freed = TRUE;
}

guint
gp_test_subscribe_name (GDBusConnection *conn, const char *name, GpTestNameWatch *w)
{
  return g_dbus_connection_signal_subscribe (conn, "org.freedesktop.DBus",
                                             "org.freedesktop.DBus", "NameOwnerChanged",
                                             "/org/freedesktop/DBus", name,
                                             G_DBUS_SIGNAL_FLAGS_NONE,
                                             name_owner_changed_cb, w, name_watch_freed);
}

void
gp_test_unsubscribe_name (GDBusConnection *conn, GMainContext *ctx, guint id, GpTestNameWatch *w)
{
  g_dbus_connection_signal_unsubscribe (conn, id);
  while (!w->subscription_freed)
    g_main_context_iteration (ctx, TRUE);
}

void
gp_test_bus_wait_for_name (GpTestBus *bus, const char *name, gboolean owned, guint timeout_ms)
{
  GDBusConnection *conn = gp_test_bus_watch_conn (bus);
  g_autoptr(GMainContext) ctx = g_main_context_new ();
  GpTestNameWatch w = { FALSE, FALSE };
  gint64 deadline = g_get_monotonic_time () + (gint64) gp_test_scaled_ms (timeout_ms) * 1000;
  gboolean reached = FALSE;
  guint id;

  g_main_context_push_thread_default (ctx);
  id = gp_test_subscribe_name (conn, name, &w);
  for (;;)
    {
      g_autofree char *owner = gp_test_get_name_owner (conn, name);
      gint64 left_ms;

      if ((owner != NULL) == owned)
        {
          reached = TRUE;
          break;
        }
      left_ms = (deadline - g_get_monotonic_time ()) / 1000;
      if (left_ms <= 0)
        break;
      w.changed = FALSE;
      iterate_until (ctx, &w.changed, (guint) left_ms);
    }
  gp_test_unsubscribe_name (conn, ctx, id, &w);
  g_main_context_pop_thread_default (ctx);

  if (!reached)
    g_error ("%s still %s on %s after %u ms", name, owned ? "has no owner" : "has an owner",
             bus->address, gp_test_scaled_ms (timeout_ms));
}
