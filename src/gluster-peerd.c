/* gluster-peerd: the org.juju.GlusterPeer system service. */
#include "config.h"

#include <glib-unix.h>
#include <locale.h>
#include <stdlib.h>
#include <systemd/sd-daemon.h>

#include "gp-error.h"
#include "gp-manager.h"
#include "gp-names.h"
#include "gp-store.h"

/* STATUS= is refreshed at most this often: counting bricks visits every
 * unit, which a burst of hook calls should not pay for each time. */
#define STATUS_DELAY_MS 250

typedef struct {
  GMainLoop *loop;
  GpManager *manager;
  int exit_code;
  gboolean name_acquired;
  gboolean notify;      /* NOTIFY_SOCKET is set: someone reads STATUS= */
  guint status_source;
  char *status;         /* last STATUS= sent */
} Daemon;

static const char *
plural (guint n)
{
  return n == 1 ? "" : "s";
}

/* Sends @state (e.g. "READY=1\n", or "") with a STATUS= line of the
 * current counts; a STATUS= that did not change is not sent again. */
static void
notify_status (Daemon *daemon, const char *state)
{
  guint relations, units, bricks;
  g_autofree char *status = NULL;

  gp_manager_get_counts (daemon->manager, &relations, &units, &bricks);
  status = g_strdup_printf ("STATUS=Serving %u relation%s, %u unit%s, %u brick%s",
                            relations, plural (relations), units, plural (units),
                            bricks, plural (bricks));
  if (state[0] == '\0' && g_strcmp0 (status, daemon->status) == 0)
    return;
  sd_notifyf (0, "%s%s", state, status);
  g_free (daemon->status);
  daemon->status = g_steal_pointer (&status);
}

static gboolean
on_status_timeout (gpointer user_data)
{
  Daemon *daemon = user_data;

  daemon->status_source = 0;
  notify_status (daemon, "");
  return G_SOURCE_REMOVE;
}

static void
on_manager_changed (GpManager *manager, gpointer user_data)
{
  Daemon *daemon = user_data;

  if (daemon->notify && daemon->name_acquired && daemon->status_source == 0)
    daemon->status_source = g_timeout_add (STATUS_DELAY_MS, on_status_timeout, daemon);
}

static gboolean
on_watchdog (gpointer user_data)
{
  sd_notify (0, "WATCHDOG=1");
  return G_SOURCE_CONTINUE;
}

/* With WatchdogSec= (WATCHDOG_USEC), pings from the main loop at half the
 * interval: a loop that stops turning stops the pings. */
static guint
watchdog_start (void)
{
  uint64_t usec = 0;
  guint interval_ms;

  if (sd_watchdog_enabled (0, &usec) <= 0 || usec == 0)
    return 0;
  interval_ms = (guint) MIN (usec / 2000, (uint64_t) G_MAXUINT);
  g_debug ("Watchdog: pinging every %u ms", MAX (interval_ms, 1u));
  sd_notify (0, "WATCHDOG=1");
  return g_timeout_add (MAX (interval_ms, 1u), on_watchdog, NULL);
}

static void
quit (Daemon *daemon, int exit_code)
{
  daemon->exit_code = exit_code;
  g_main_loop_quit (daemon->loop);
}

static gboolean
on_signal (gpointer user_data)
{
  g_message ("Stopping on request");
  quit (user_data, EXIT_SUCCESS);
  return G_SOURCE_CONTINUE;
}

static void
on_closed (GDBusConnection *connection, gboolean remote_peer_vanished,
           GError *error, gpointer user_data)
{
  /* Without the bus nobody can reach us; exit so systemd restarts us
   * against the new bus. */
  g_warning ("Lost the connection to the bus%s%s", error ? ": " : "",
             error ? error->message : "");
  quit (user_data, EXIT_FAILURE);
}

static void
on_name_acquired (GDBusConnection *connection, const char *name, gpointer user_data)
{
  Daemon *daemon = user_data;

  daemon->name_acquired = TRUE;
  g_message ("Serving %s", name);
  notify_status (daemon, "READY=1\n");
}

static void
on_name_lost (GDBusConnection *connection, const char *name, gpointer user_data)
{
  Daemon *daemon = user_data;

  if (daemon->name_acquired)
    g_warning ("Lost the bus name %s", name);
  else
    g_printerr ("gluster-peerd: could not own %s: another instance is running "
                "or the bus policy does not allow it\n", name);
  quit (daemon, EXIT_FAILURE);
}

static const char *
default_state_dir (void)
{
  /* systemd's StateDirectory= may list several, separated by ':'. */
  static char *dir = NULL;
  const char *env = g_getenv ("STATE_DIRECTORY");

  if (env && env[0])
    {
      dir = g_strndup (env, strcspn (env, ":"));
      return dir;
    }
  return GP_DEFAULT_STATE_DIR;
}

static gboolean
parse_limit (const char *flag, const char *text, guint64 *target, GError **error)
{
  if (text == NULL)
    return TRUE;
  if (g_ascii_string_to_unsigned (text, 10, 1, G_MAXUINT32, target, error))
    return TRUE;
  g_prefix_error (error, "%s: ", flag);
  return FALSE;
}

int
main (int argc, char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GpStore) store = NULL;
  g_autoptr(GpManager) manager = NULL;
  g_autoptr(GDBusConnection) connection = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autofree char *state_dir = NULL;
  g_autofree char *max_units = NULL, *max_bricks = NULL, *max_keys = NULL, *max_value = NULL;
  gboolean session = FALSE, verbose = FALSE, version = FALSE;
  Daemon daemon = { 0 };
  GpLimits limits;
  guint64 units, bricks, keys, value_size;
  guint owner_id, watchdog_id;
  const GOptionEntry entries[] = {
    { "session", 0, 0, G_OPTION_ARG_NONE, &session, "Use the session bus instead of the system bus", NULL },
    { "state-dir", 0, 0, G_OPTION_ARG_FILENAME, &state_dir, "Keep state in DIR (default: $STATE_DIRECTORY, else " GP_DEFAULT_STATE_DIR ")", "DIR" },
    { "max-units", 0, 0, G_OPTION_ARG_STRING, &max_units, "Remote units per relation (default: " G_STRINGIFY (GP_DEFAULT_MAX_UNITS) ")", "N" },
    { "max-bricks", 0, 0, G_OPTION_ARG_STRING, &max_bricks, "Bricks per unit (default: " G_STRINGIFY (GP_DEFAULT_MAX_BRICKS) ")", "N" },
    { "max-keys", 0, 0, G_OPTION_ARG_STRING, &max_keys, "Keys per data bag (default: " G_STRINGIFY (GP_DEFAULT_MAX_KEYS) ")", "N" },
    { "max-value-size", 0, 0, G_OPTION_ARG_STRING, &max_value, "Bytes per settings value (default: " G_STRINGIFY (GP_DEFAULT_MAX_VALUE_SIZE) ")", "BYTES" },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, "Log every call", NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, "Print the version and exit", NULL },
    { NULL }
  };

  setlocale (LC_ALL, "");
  context = g_option_context_new ("- track the peers of a Juju GlusterFS relation");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("gluster-peerd: %s\n", error->message);
      return 2;
    }
  if (version)
    {
      g_print ("gluster-peerd %s\n", PACKAGE_VERSION);
      return EXIT_SUCCESS;
    }
  if (verbose)
    g_setenv ("G_MESSAGES_DEBUG", "all", TRUE);

  gp_limits_init_default (&limits);
  units = limits.max_units;
  bricks = limits.max_bricks;
  keys = limits.max_keys;
  value_size = limits.max_value_size;
  if (!parse_limit ("--max-units", max_units, &units, &error) ||
      !parse_limit ("--max-bricks", max_bricks, &bricks, &error) ||
      !parse_limit ("--max-keys", max_keys, &keys, &error) ||
      !parse_limit ("--max-value-size", max_value, &value_size, &error))
    {
      g_printerr ("gluster-peerd: %s\n", error->message);
      return 2;
    }
  limits.max_units = (guint) units;
  limits.max_bricks = (guint) bricks;
  limits.max_keys = (guint) keys;
  limits.max_value_size = (gsize) value_size;

  (void) gp_error_quark ();
  store = gp_store_open (state_dir ? state_dir : default_state_dir (), &error);
  if (store == NULL)
    {
      g_printerr ("gluster-peerd: %s\n", error->message);
      return EXIT_FAILURE;
    }
  manager = gp_manager_new (store, &limits, &error);
  if (manager == NULL)
    {
      g_printerr ("gluster-peerd: %s\n", error->message);
      return EXIT_FAILURE;
    }

  connection = g_bus_get_sync (session ? G_BUS_TYPE_SESSION : G_BUS_TYPE_SYSTEM, NULL, &error);
  if (connection == NULL)
    {
      g_printerr ("gluster-peerd: cannot connect to the %s bus: %s\n",
                  session ? "session" : "system", error->message);
      return EXIT_FAILURE;
    }

  loop = g_main_loop_new (NULL, FALSE);
  daemon.loop = loop;
  daemon.manager = manager;
  daemon.exit_code = EXIT_SUCCESS;

  g_dbus_connection_set_exit_on_close (connection, FALSE);
  g_signal_connect (connection, "closed", G_CALLBACK (on_closed), &daemon);
  g_unix_signal_add (SIGTERM, on_signal, &daemon);
  g_unix_signal_add (SIGINT, on_signal, &daemon);

  daemon.notify = g_getenv ("NOTIFY_SOCKET") != NULL;
  g_signal_connect (manager, "changed", G_CALLBACK (on_manager_changed), &daemon);
  watchdog_id = watchdog_start ();

  gp_manager_start (manager, connection);
  owner_id = g_bus_own_name_on_connection (connection, GP_BUS_NAME,
                                           G_BUS_NAME_OWNER_FLAGS_DO_NOT_QUEUE,
                                           on_name_acquired, on_name_lost,
                                           &daemon, NULL);
  g_debug ("State in %s", gp_store_get_path (store));

  g_main_loop_run (loop);

  sd_notify (0, "STOPPING=1");
  g_bus_unown_name (owner_id);
  g_signal_handlers_disconnect_by_data (connection, &daemon);
  g_signal_handlers_disconnect_by_data (manager, &daemon);
  g_clear_handle_id (&daemon.status_source, g_source_remove);
  g_clear_handle_id (&watchdog_id, g_source_remove);
  g_free (daemon.status);
  return daemon.exit_code;
}
