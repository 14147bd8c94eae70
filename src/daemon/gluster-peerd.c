/* gluster-peerd: the org.juju.GlusterPeer system service, on sd-bus and
 * sd-event. */
#include "config.h"

#include <locale.h>
#include <malloc.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <systemd/sd-daemon.h>
#include <systemd/sd-event.h>

#include "gp-bus.h"
#include "gp-error.h"
#include "gp-model.h"
#include "gp-names.h"
#include "gp-store.h"

/* STATUS= is refreshed at most this often: counting bricks visits every
 * unit, which a burst of hook calls should not pay for each time. */
#define STATUS_DELAY_USEC (250 * 1000)

typedef struct {
  sd_event *event;
  GpModel *model;
  gboolean name_acquired;
  gboolean notify;          /* NOTIFY_SOCKET is set: someone reads STATUS= */
  sd_event_source *status_timer;
  char *status;             /* last STATUS= sent */
} Daemon;

typedef struct {
  gboolean session;
  char *state_dir;
  GpLimits limits;
  guint64 state_budget;
} Options;

static void
options_clear (Options *options)
{
  g_clear_pointer (&options->state_dir, g_free);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Options, options_clear)

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

  gp_model_get_counts (daemon->model, &relations, &units, &bricks);
  status = g_strdup_printf ("STATUS=Serving %u relation%s, %u unit%s, %u brick%s",
                            relations, plural (relations), units, plural (units),
                            bricks, plural (bricks));
  if (state[0] == '\0' && g_strcmp0 (status, daemon->status) == 0)
    return;
  sd_notifyf (0, "%s%s", state, status);
  g_free (daemon->status);
  daemon->status = g_steal_pointer (&status);
}

static int
on_status_timer (sd_event_source *source, uint64_t usec, void *user_data)
{
  Daemon *daemon = user_data;

  daemon->status_timer = sd_event_source_unref (daemon->status_timer);
  notify_status (daemon, "");
  return 0;
}

static void
on_model_changed (gpointer user_data)
{
  Daemon *daemon = user_data;

  if (daemon->notify && daemon->name_acquired && daemon->status_timer == NULL)
    sd_event_add_time_relative (daemon->event, &daemon->status_timer, CLOCK_MONOTONIC,
                                STATUS_DELAY_USEC, 0, on_status_timer, daemon);
}

static int
on_signal (sd_event_source *source, const struct signalfd_siginfo *info, void *user_data)
{
  g_message ("Stopping on request");
  return sd_event_exit (sd_event_source_get_event (source), EXIT_SUCCESS);
}

static int
on_disconnected (sd_bus_message *m, void *user_data, sd_bus_error *ret_error)
{
  Daemon *daemon = user_data;

  /* Without the bus nobody can reach us; exit so systemd restarts us
   * against the new bus. */
  g_warning ("Lost the connection to the bus");
  return sd_event_exit (daemon->event, EXIT_FAILURE);
}

static int
on_name_lost (sd_bus_message *m, void *user_data, sd_bus_error *ret_error)
{
  Daemon *daemon = user_data;
  const char *name = NULL;

  if (sd_bus_message_read (m, "s", &name) < 0 || g_strcmp0 (name, GP_BUS_NAME) != 0)
    return 0;
  g_warning ("Lost the bus name %s", name);
  return sd_event_exit (daemon->event, EXIT_FAILURE);
}

static int
on_request_name (sd_bus_message *m, void *user_data, sd_bus_error *ret_error)
{
  Daemon *daemon = user_data;
  uint32_t result = 0;

  if (sd_bus_message_is_method_error (m, NULL) ||
      sd_bus_message_read (m, "u", &result) < 0 ||
      (result != 1 /* primary owner */ && result != 4 /* already owner */))
    {
      g_printerr ("gluster-peerd: could not own %s: another instance is running "
                  "or the bus policy does not allow it\n", GP_BUS_NAME);
      return sd_event_exit (daemon->event, EXIT_FAILURE);
    }
  daemon->name_acquired = TRUE;
  g_message ("Serving %s", GP_BUS_NAME);
  notify_status (daemon, "READY=1\n");
  return 0;
}

/* A trusted connection: the daemon's own guard, not sd-bus's capability
 * check, decides who may call what. */
static int
bus_open (gboolean session, sd_bus **out_bus)
{
  const char *address = g_getenv (session ? "DBUS_SESSION_BUS_ADDRESS" : "DBUS_SYSTEM_BUS_ADDRESS");
  g_autofree char *fallback = NULL;
  sd_bus *bus = NULL;
  int r;

  if (address == NULL || address[0] == '\0')
    address = fallback = session
      ? g_strdup_printf ("unix:path=%s/bus", g_get_user_runtime_dir ())
      : g_strdup ("unix:path=/run/dbus/system_bus_socket");
  if ((r = sd_bus_new (&bus)) < 0)
    return r;
  if ((r = sd_bus_set_address (bus, address)) < 0 ||
      (r = sd_bus_set_bus_client (bus, 1)) < 0 ||
      (r = sd_bus_set_trusted (bus, 1)) < 0 ||
      (r = sd_bus_set_description (bus, "gluster-peerd")) < 0 ||
      (r = sd_bus_start (bus)) < 0)
    {
      sd_bus_unref (bus);
      return r;
    }
  *out_bus = bus;
  return 0;
}

static const char *
default_state_dir (void)
{
  /* systemd's StateDirectory= may list several, separated by ':'. */
  static char *dir = NULL;
  const char *env = g_getenv ("STATE_DIRECTORY");

  if (env && env[0])
    {
      g_free (dir);
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

/* Returns -1 to go on, else the exit status. */
static int
parse_options (int *argc, char ***argv, Options *options)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *max_units = NULL, *max_bricks = NULL, *max_keys = NULL, *max_value = NULL;
  g_autofree char *max_state = NULL;
  gboolean verbose = FALSE, version = FALSE;
  guint64 units, bricks, keys, value_size;
  const GOptionEntry entries[] = {
    { "session", 0, 0, G_OPTION_ARG_NONE, &options->session, "Use the session bus instead of the system bus", NULL },
    { "state-dir", 0, 0, G_OPTION_ARG_FILENAME, &options->state_dir, "Keep state in DIR (default: $STATE_DIRECTORY, else " GP_DEFAULT_STATE_DIR ")", "DIR" },
    { "max-units", 0, 0, G_OPTION_ARG_STRING, &max_units, "Remote units per relation (default: " G_STRINGIFY (GP_DEFAULT_MAX_UNITS) ")", "N" },
    { "max-bricks", 0, 0, G_OPTION_ARG_STRING, &max_bricks, "Bricks per unit (default: " G_STRINGIFY (GP_DEFAULT_MAX_BRICKS) ")", "N" },
    { "max-keys", 0, 0, G_OPTION_ARG_STRING, &max_keys, "Keys per data bag (default: " G_STRINGIFY (GP_DEFAULT_MAX_KEYS) ")", "N" },
    { "max-value-size", 0, 0, G_OPTION_ARG_STRING, &max_value, "Bytes per settings value (default: " G_STRINGIFY (GP_DEFAULT_MAX_VALUE_SIZE) ")", "BYTES" },
    { "max-state-size", 0, 0, G_OPTION_ARG_STRING, &max_state, "Bytes the whole state may cost, so every reply fits a D-Bus message (default: " G_STRINGIFY (GP_DEFAULT_STATE_BUDGET) ")", "BYTES" },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, "Log every call", NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, "Print the version and exit", NULL },
    { NULL }
  };

  context = g_option_context_new ("- track the peers of a Juju GlusterFS relation");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, argc, argv, &error))
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

  gp_limits_init_default (&options->limits);
  units = options->limits.max_units;
  bricks = options->limits.max_bricks;
  keys = options->limits.max_keys;
  value_size = options->limits.max_value_size;
  options->state_budget = GP_DEFAULT_STATE_BUDGET;
  if (!parse_limit ("--max-units", max_units, &units, &error) ||
      !parse_limit ("--max-bricks", max_bricks, &bricks, &error) ||
      !parse_limit ("--max-keys", max_keys, &keys, &error) ||
      !parse_limit ("--max-value-size", max_value, &value_size, &error) ||
      !parse_limit ("--max-state-size", max_state, &options->state_budget, &error))
    {
      g_printerr ("gluster-peerd: %s\n", error->message);
      return 2;
    }
  options->limits.max_units = (guint) units;
  options->limits.max_bricks = (guint) bricks;
  options->limits.max_keys = (guint) keys;
  options->limits.max_value_size = (gsize) value_size;
  return -1;
}

/* Everything of the loop: signals, watchdog, the bus and its name. */
static int
loop_setup (Daemon *daemon, sd_bus *bus)
{
  sigset_t mask;
  int r;

  sigemptyset (&mask);
  sigaddset (&mask, SIGTERM);
  sigaddset (&mask, SIGINT);
  sigprocmask (SIG_BLOCK, &mask, NULL);
  if ((r = sd_event_add_signal (daemon->event, NULL, SIGTERM, on_signal, daemon)) < 0 ||
      (r = sd_event_add_signal (daemon->event, NULL, SIGINT, on_signal, daemon)) < 0)
    return r;
  /* With WatchdogSec= (WATCHDOG_USEC), the loop itself pings: a loop that
   * stops turning stops the pings. */
  if ((r = sd_event_set_watchdog (daemon->event, TRUE)) < 0)
    return r;
  if (r > 0)
    g_debug ("Watchdog enabled");
  if ((r = sd_bus_attach_event (bus, daemon->event, SD_EVENT_PRIORITY_NORMAL)) < 0 ||
      (r = sd_bus_match_signal (bus, NULL, "org.freedesktop.DBus.Local", NULL,
                                "org.freedesktop.DBus.Local", "Disconnected",
                                on_disconnected, daemon)) < 0 ||
      (r = sd_bus_match_signal (bus, NULL, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                "org.freedesktop.DBus", "NameLost", on_name_lost, daemon)) < 0)
    return r;
  return sd_bus_request_name_async (bus, NULL, GP_BUS_NAME, 0, on_request_name, daemon);
}

static int
run (const Options *options, GpModel *model)
{
  g_autoptr(GError) error = NULL;
  Daemon daemon = { .model = model };
  sd_bus *bus = NULL;
  GpBus *adapter;
  int r, exit_code = EXIT_FAILURE;

  r = bus_open (options->session, &bus);
  if (r < 0)
    {
      g_printerr ("gluster-peerd: cannot connect to the %s bus: %s\n",
                  options->session ? "session" : "system", g_strerror (-r));
      return EXIT_FAILURE;
    }
  r = sd_event_default (&daemon.event);
  adapter = r < 0 ? NULL : gp_bus_new (bus, daemon.event, model, &error);
  if (adapter == NULL)
    {
      g_printerr ("gluster-peerd: %s\n", error ? error->message : g_strerror (-r));
      sd_bus_unref (bus);
      sd_event_unref (daemon.event);
      return EXIT_FAILURE;
    }
  daemon.notify = g_getenv ("NOTIFY_SOCKET") != NULL;
  gp_bus_set_changed_func (adapter, on_model_changed, &daemon);

  r = loop_setup (&daemon, bus);
  if (r >= 0)
    r = sd_event_loop (daemon.event);
  if (r < 0)
    g_printerr ("gluster-peerd: %s\n", g_strerror (-r));
  else
    exit_code = r;

  sd_notify (0, "STOPPING=1");
  sd_event_source_unref (daemon.status_timer);
  gp_bus_free (adapter);
  sd_bus_flush_close_unref (bus);
  sd_event_unref (daemon.event);
  g_free (daemon.status);
  return exit_code;
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GpStore) store = NULL;
  g_auto(Options) options = { 0 };
  GpModel *model;
  int status;

  /* Peers' data is nobody else's business: whatever the caller's umask,
   * every file SQLite or we create is 0600 (UMask=0077 in the unit says
   * the same to systemd). */
  umask (S_IRWXG | S_IRWXO);
  /* Big replies (GetManagedObjects at 10,000 units is 14.5 MiB) are
   * grown by realloc; with glibc's sliding threshold, once one is freed
   * the next ones come from the heap, which keeps the peak. A fixed
   * threshold hands them back to the kernel: 51 -> 46 MiB peak at 10,000
   * units, no slower (README, Benchmarks). */
  mallopt (M_MMAP_THRESHOLD, 128 * 1024);
  setlocale (LC_ALL, "");
  status = parse_options (&argc, &argv, &options);
  if (status >= 0)
    return status;

  (void) gp_error_quark ();
  store = gp_store_open (options.state_dir ? options.state_dir : default_state_dir (), &error);
  if (store == NULL)
    {
      g_printerr ("gluster-peerd: %s\n", error->message);
      return EXIT_FAILURE;
    }
  g_debug ("State in %s", gp_store_get_path (store));
  model = gp_model_new (store, &options.limits, &error);
  if (model == NULL)
    {
      g_printerr ("gluster-peerd: %s\n", error->message);
      return EXIT_FAILURE;
    }
  gp_model_set_state_budget (model, (gsize) options.state_budget);
  status = run (&options, model);
  gp_model_free (model);
  return status;
}
