/* gp-fake-peerd.c: a stand-in for gluster-peerd that only owns the bus
 * name, used by test-bus-harness to test the harness independently of the
 * real daemon. Accepts gluster-peerd's options, plus:
 *   --exit-code N   exit with status N at once, without owning the name
 * It writes its arguments and bus address to STATE_DIR/fake-peerd.args,
 * exits 0 on SIGTERM/SIGINT and 1 if it loses (or cannot get) the name.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <gio/gio.h>
#include <glib-unix.h>
#include <stdlib.h>

#define NAME "org.juju.GlusterPeer"

static GMainLoop *loop;
static int exit_status;

static gboolean
on_signal (gpointer user_data)
{
  g_main_loop_quit (loop);
  return G_SOURCE_CONTINUE;
}

static void
on_name_acquired (GDBusConnection *conn, const char *name, gpointer user_data)
{
  g_debug ("fake-peerd: acquired %s", name);
}

static void
on_name_lost (GDBusConnection *conn, const char *name, gpointer user_data)
{
  g_printerr ("fake-peerd: lost or could not get %s\n", name);
  exit_status = 1;
  g_main_loop_quit (loop);
}

int
main (int argc, char **argv)
{
  g_autoptr(GOptionContext) octx = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *state_dir = NULL;
  g_autoptr(GString) args = g_string_new (NULL);
  gboolean session = FALSE, verbose = FALSE, version = FALSE;
  int max_units = 0, max_bricks = 0, max_keys = 0, max_value_size = 0;
  int exit_code = -1;
  guint owner_id;
  GOptionEntry entries[] = {
    { "session", 0, 0, G_OPTION_ARG_NONE, &session, "Use the session bus", NULL },
    { "state-dir", 0, 0, G_OPTION_ARG_FILENAME, &state_dir, "State directory", "DIR" },
    { "verbose", 0, 0, G_OPTION_ARG_NONE, &verbose, "Debug output", NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, "Print the version", NULL },
    { "max-units", 0, 0, G_OPTION_ARG_INT, &max_units, NULL, "N" },
    { "max-bricks", 0, 0, G_OPTION_ARG_INT, &max_bricks, NULL, "N" },
    { "max-keys", 0, 0, G_OPTION_ARG_INT, &max_keys, NULL, "N" },
    { "max-value-size", 0, 0, G_OPTION_ARG_INT, &max_value_size, NULL, "N" },
    { "exit-code", 0, 0, G_OPTION_ARG_INT, &exit_code, "Exit at once with N", "N" },
    { NULL }
  };

  for (int i = 1; i < argc; i++)
    g_string_append_printf (args, "%s\n", argv[i]);

  octx = g_option_context_new ("- fake gluster-peerd for harness tests");
  g_option_context_add_main_entries (octx, entries, NULL);
  if (!g_option_context_parse (octx, &argc, &argv, &error))
    {
      g_printerr ("fake-peerd: %s\n", error->message);
      return 2;
    }
  if (version)
    {
      g_print ("fake-peerd 0\n");
      return 0;
    }
  if (exit_code >= 0)
    return exit_code;

  if (state_dir != NULL)
    {
      g_autofree char *path = g_build_filename (state_dir, "fake-peerd.args", NULL);
      const char *addr = g_getenv ("DBUS_SYSTEM_BUS_ADDRESS");

      g_string_append_printf (args, "DBUS_SYSTEM_BUS_ADDRESS=%s\n", addr ? addr : "");
      if (!g_file_set_contents (path, args->str, -1, &error))
        {
          g_printerr ("fake-peerd: %s\n", error->message);
          return 1;
        }
    }

  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGTERM, on_signal, NULL);
  g_unix_signal_add (SIGINT, on_signal, NULL);
  owner_id = g_bus_own_name (session ? G_BUS_TYPE_SESSION : G_BUS_TYPE_SYSTEM, NAME,
                             G_BUS_NAME_OWNER_FLAGS_DO_NOT_QUEUE, NULL,
                             on_name_acquired, on_name_lost, NULL, NULL);
  g_main_loop_run (loop);
  g_bus_unown_name (owner_id);
  g_main_loop_unref (loop);
  return exit_status;
}
