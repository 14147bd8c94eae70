/* gp-bench: gluster-peerd measured against the floor of the bus and the
 * disk it sits on, in the same run. See bench/meson.build and the README's
 * "Benchmarks" section.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 *   gp-bench floor      floor, P1 UnitChanged, P2 BrickMap (gp-bench-floor.c)
 *   gp-bench cli        P3 gluster-peerctl vs busctl, one process per call
 *   gp-bench scale      P4 10,000 units x 16 bricks (gp-bench-scale.c)
 *   gp-bench fanout     P5 100 subscribers, 1,000 updates (gp-bench-fanout.c)
 *   gp-bench flood      P6 root's calls while uid 65534 floods queries
 *                       (gp-bench-flood.c; needs root)
 *
 * This file has what they share and main().
 *
 * Every run starts its own private dbus-daemon (tests/gp-test-bus.h, the
 * test policy that lets the floor services own names of their own; P6 the
 * project's policy) and its
 * own gluster-peerd with a state directory under $TMPDIR, the disk the
 * floor commit is measured on.
 *
 * Each figure is printed with the baseline measured in the same run, the
 * ratio and the target. Verdicts: "pass", "MISS" (a speed or size target
 * was missed: reported, not a failure of the run), "info" (reported, no
 * target). The exit status is 1 only for a broken run: a call that failed,
 * a signal that was lost, a helper that would not start. Missing a target
 * is for people to read, not for CI to trip over on a noisy machine.
 *
 * Environment: GP_BENCH_SCALE (default 1) multiplies every iteration
 * count, e.g. 0.05 to run the daemon under valgrind (GP_DAEMON_WRAPPER,
 * with GP_TEST_TIMEOUT_SCALE); GP_BENCH_FLOOR_SERVICE, GP_BENCH_FLOOR_GDBUS,
 * GP_BENCH_FLOOR_PEERD, GP_BENCH_ONESHOT, GP_BENCH_PEERCTL: the helper
 * programs (meson sets them).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <systemd/sd-bus.h>
#include <time.h>
#include <unistd.h>

#include "floor-service.h"
#include "gp-bench-config.h"
#include "gp-bench.h"
#include "gp-bricks.h"
#include "gp-names.h"
#include "gp-test-bus.h"

extern char **environ;

/* ---- the run ------------------------------------------------------------ */

static Bench *current;
gboolean broken;
static double scale = 1.0;

static void
vreport (const char *what, const char *format, va_list ap)
{
  fprintf (stderr, "gp-bench: %s: ", what);
  vfprintf (stderr, format, ap);
  fprintf (stderr, "\n");
}

void
die (const char *format, ...)
{
  va_list ap;

  va_start (ap, format);
  vreport ("BROKEN RUN", format, ap);
  va_end (ap);
  printf ("\nBROKEN RUN (see the error above)\n");
  fflush (stdout);
  if (current)
    bench_free (current);
  exit (EXIT_FAILURE);
}

/* A broken measurement the run goes on after: it still fails at the end. */
void
breakage (const char *format, ...)
{
  va_list ap;

  va_start (ap, format);
  vreport ("BROKEN", format, ap);
  va_end (ap);
  broken = TRUE;
}

guint
iterations (guint n)
{
  return MAX (3, (guint) (n * scale));
}

double
now (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec + ts.tv_nsec * 1e-9;
}

const char *
env_or (const char *name, const char *fallback)
{
  const char *value = g_getenv (name);

  return value && value[0] ? value : fallback;
}

/* ---- statistics and the table ------------------------------------------ */

static int
compare_doubles (const void *pa, const void *pb)
{
  double a = *(const double *) pa, b = *(const double *) pb;

  return a < b ? -1 : a > b;
}

/* Nearest-rank percentile, p in [0, 1]. Sorts @samples. */
double
percentile (GArray *samples, double p)
{
  guint rank;

  g_assert (samples->len > 0);
  qsort (samples->data, samples->len, sizeof (double), compare_doubles);
  rank = (guint) ceil (p * samples->len);
  return g_array_index (samples, double, CLAMP (rank, 1, samples->len) - 1);
}

double
median (GArray *samples)
{
  return percentile (samples, 0.5);
}

GArray *
samples_new (void)
{
  return g_array_new (FALSE, FALSE, sizeof (double));
}

void
samples_add (GArray *samples, double value)
{
  g_array_append_val (samples, value);
}

char *
fmt_time (double seconds)
{
  if (seconds < 1e-3)
    return g_strdup_printf ("%.1f µs", seconds * 1e6);
  if (seconds < 1.0)
    return g_strdup_printf ("%.3g ms", seconds * 1e3);
  return g_strdup_printf ("%.3g s", seconds);
}

char *
fmt_bytes (double bytes)
{
  if (bytes < 1024)
    return g_strdup_printf ("%.0f B", bytes);
  if (bytes < 1024 * 1024)
    return g_strdup_printf ("%.1f KiB", bytes / 1024);
  return g_strdup_printf ("%.1f MiB", bytes / (1024 * 1024));
}

typedef struct {
  char *figure;
  char *value;
  char *baseline;
  char *ratio;
  char *target;
  const char *verdict;
} Row;

static GPtrArray *rows;
static guint n_missed;

/* Takes the strings. */
void
row_add (char *figure, char *value, char *baseline, char *ratio, char *target,
         const char *verdict)
{
  Row *row = g_new0 (Row, 1);

  row->figure = figure;
  row->value = value;
  row->baseline = baseline ? baseline : g_strdup ("");
  row->ratio = ratio ? ratio : g_strdup ("");
  row->target = target ? target : g_strdup ("");
  row->verdict = verdict;
  if (g_str_equal (verdict, "MISS"))
    n_missed++;
  g_ptr_array_add (rows, row);
}

void
row_info (const char *figure, char *value, char *baseline)
{
  row_add (g_strdup (figure), value, baseline, NULL, NULL, "info");
}

/* value / baseline against a maximum ratio. */
void
row_ratio (const char *figure, double value, const char *baseline_name,
           double baseline, double max_ratio)
{
  double ratio = value / baseline;
  g_autofree char *b = fmt_time (baseline);

  row_add (g_strdup (figure), fmt_time (value),
           g_strdup_printf ("%s %s", b, baseline_name),
           g_strdup_printf ("%.2f", ratio),
           max_ratio > 0 ? g_strdup_printf ("≤ %.2f", max_ratio) : NULL,
           max_ratio <= 0 ? "info" : ratio <= max_ratio ? "pass" : "MISS");
}

static guint
text_width (const char *text)
{
  return (guint) g_utf8_strlen (text, -1);
}

static void
print_cell (const char *text, guint width, gboolean right)
{
  guint pad = width > text_width (text) ? width - text_width (text) : 0;

  if (right)
    printf ("%*s%s", (int) pad, "", text);
  else
    printf ("%s%*s", text, (int) pad, "");
}

void
print_table (const char *title)
{
  const char *heads[] = { "figure", "value", "baseline (same run)", "ratio", "target", "verdict" };
  guint w[6], i, j;

  for (j = 0; j < 6; j++)
    w[j] = text_width (heads[j]);
  for (i = 0; i < rows->len; i++)
    {
      Row *r = g_ptr_array_index (rows, i);
      const char *cells[] = { r->figure, r->value, r->baseline, r->ratio, r->target, r->verdict };

      for (j = 0; j < 6; j++)
        w[j] = MAX (w[j], text_width (cells[j]));
    }
  printf ("\n%s\n\n", title);
  for (j = 0; j < 6; j++)
    {
      print_cell (heads[j], w[j], j == 1 || j == 3);
      printf (j < 5 ? "  " : "\n");
    }
  for (j = 0; j < 6; j++)
    {
      for (i = 0; i < w[j]; i++)
        printf ("-");
      printf (j < 5 ? "  " : "\n");
    }
  for (i = 0; i < rows->len; i++)
    {
      Row *r = g_ptr_array_index (rows, i);
      const char *cells[] = { r->figure, r->value, r->baseline, r->ratio, r->target, r->verdict };

      for (j = 0; j < 6; j++)
        {
          print_cell (cells[j], w[j], j == 1 || j == 3);
          printf (j < 5 ? "  " : "\n");
        }
    }
  printf ("\n%s: %u target%s missed%s\n", broken ? "BROKEN RUN" : "run complete",
          n_missed, n_missed == 1 ? "" : "s",
          broken ? "; the run is broken (see the errors above)" : "");
  fflush (stdout);
}

/* ---- processes ------------------------------------------------------------- */

static void
child_setup_pdeathsig (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

char *
make_dir (const char *parent, const char *name)
{
  char *dir = g_build_filename (parent, name, NULL);

  if (g_mkdir_with_parents (dir, 0755) != 0)
    die ("cannot create %s: %s", dir, g_strerror (errno));
  return dir;
}

Bench *
bench_new (gboolean with_policy)
{
  Bench *b = g_new0 (Bench, 1);

  current = b;
  b->dir = gp_test_make_tmp_dir ("gp-bench-XXXXXX");
  b->state_dir = make_dir (b->dir, "state");
  /* The test policy: anyone may own any name, so the floor service can
   * sit on the same bus as gluster-peerd, and the two can be measured in
   * alternation. The daemon checks privilege itself either way. P6 needs
   * the real policy, as unprivileged callers meet it on a system bus. */
  b->bus = gp_test_bus_new (with_policy);
  g_setenv ("DBUS_SYSTEM_BUS_ADDRESS", gp_test_bus_get_address (b->bus), TRUE);
  return b;
}

static void
stop_process (GSubprocess **proc)
{
  if (*proc == NULL)
    return;
  g_subprocess_send_signal (*proc, SIGTERM);
  g_subprocess_wait (*proc, NULL, NULL);
  g_clear_object (proc);
}

void
bench_free (Bench *b)
{
  current = NULL;
  if (b->client)
    sd_bus_flush_close_unref (b->client);
  stop_process (&b->floor);
  stop_process (&b->floor_gdbus);
  stop_process (&b->floor_peerd);
  g_clear_pointer (&b->daemon, gp_test_daemon_free);
  g_clear_pointer (&b->bus, gp_test_bus_free);
  gp_test_rm_rf (b->dir);
  g_free (b->state_dir);
  g_free (b->dir);
  g_free (b);
}

/* @state_dir: the third argument, or none (NULL). */
static GSubprocess *
start_floor (Bench *b, const char *path, const char *name, const char *state_dir)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autoptr(GError) error = NULL;
  GSubprocess *proc;

  g_subprocess_launcher_set_child_setup (launcher, child_setup_pdeathsig, NULL, NULL);
  proc = g_subprocess_launcher_spawn (launcher, &error, path,
                                      gp_test_bus_get_address (b->bus), name, state_dir, NULL);
  if (proc == NULL)
    die ("cannot start %s: %s", path, error->message);
  gp_test_bus_wait_for_name (b->bus, name, TRUE, 10000);
  return proc;
}

void
start_floor_sdbus (Bench *b)
{
  b->floor = start_floor (b, env_or ("GP_BENCH_FLOOR_SERVICE", GP_BENCH_FLOOR_SERVICE_PATH),
                          FLOOR_NAME, NULL);
}

void
start_floor_services (Bench *b)
{
  start_floor_sdbus (b);
  b->floor_gdbus = start_floor (b, env_or ("GP_BENCH_FLOOR_GDBUS", GP_BENCH_FLOOR_GDBUS_PATH),
                                FLOOR_GDBUS_NAME, NULL);
}

/* floor-peerd, with its state next to the daemon's, on the same disk. */
void
start_floor_peerd (Bench *b)
{
  g_autofree char *dir = make_dir (b->dir, "floor-peerd");

  b->floor_peerd = start_floor (b, env_or ("GP_BENCH_FLOOR_PEERD", GP_BENCH_FLOOR_PEERD_PATH),
                                FLOOR_PEERD_NAME, dir);
}

static const char *const daemon_args[] = { NULL };

double
start_daemon (Bench *b)
{
  g_autoptr(GError) error = NULL;
  double t0 = now ();

  b->daemon = gp_test_daemon_spawn (b->bus, b->state_dir, daemon_args, NULL,
                                    GP_TEST_DAEMON_FLAGS_QUIET);
  if (!gp_test_daemon_wait_ready (b->daemon, &error))
    die ("gluster-peerd did not start: %s", error->message);
  return now () - t0;
}

double
stop_daemon (Bench *b)
{
  double t0 = now ();

  gp_test_daemon_stop (b->daemon);
  g_clear_pointer (&b->daemon, gp_test_daemon_free);
  return now () - t0;
}

/* A field of /proc/PID/status in bytes ("VmHWM", "VmRSS"). */
double
proc_status_bytes (GPid pid, const char *field)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", (int) pid);
  g_autofree char *text = NULL;
  g_autofree char *key = g_strconcat ("\n", field, ":", NULL);
  const char *p;

  if (!g_file_get_contents (path, &text, NULL, NULL) || (p = strstr (text, key)) == NULL)
    die ("cannot read %s of process %d", field, (int) pid);
  return g_ascii_strtod (p + strlen (key), NULL) * 1024;
}

/* One process, stdout to /dev/null; its wall time from spawn to reaping. */
double
run_process (char *const *argv)
{
  posix_spawn_file_actions_t actions;
  double t0, t;
  pid_t pid;
  int status, r;

  posix_spawn_file_actions_init (&actions);
  posix_spawn_file_actions_addopen (&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  t0 = now ();
  r = posix_spawn (&pid, argv[0], &actions, NULL, argv, environ);
  if (r != 0)
    die ("cannot run %s: %s", argv[0], g_strerror (r));
  while (waitpid (pid, &status, 0) < 0)
    if (errno != EINTR)
      die ("waitpid: %s", g_strerror (errno));
  t = now () - t0;
  posix_spawn_file_actions_destroy (&actions);
  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
    die ("%s failed (wait status 0x%x)", argv[0], (unsigned) status);
  return t;
}

/* ---- sd-bus calls ------------------------------------------------------------ */

sd_bus *
client_new (const char *address)
{
  sd_bus *bus = NULL;
  int r;

  if ((r = sd_bus_new (&bus)) < 0 ||
      (r = sd_bus_set_address (bus, address)) < 0 ||
      (r = sd_bus_set_bus_client (bus, 1)) < 0 ||
      (r = sd_bus_start (bus)) < 0)
    die ("cannot connect an sd-bus client to %s: %s", address, g_strerror (-r));
  return bus;
}

void
check (int r, const char *what)
{
  if (r < 0)
    die ("%s: %s", what, g_strerror (-r));
}

sd_bus_message *
msg_new (sd_bus *bus, const char *dest, const char *path, const char *iface,
         const char *member)
{
  sd_bus_message *m = NULL;

  check (sd_bus_message_new_method_call (bus, &m, dest, path, iface, member), member);
  return m;
}

/* Sends @m (taken) and waits for the reply; the seconds it took. The reply,
 * when @reply is not NULL. */
double
call_timed (sd_bus *bus, sd_bus_message *m, sd_bus_message **reply)
{
  sd_bus_error error = SD_BUS_ERROR_NULL;
  sd_bus_message *r_msg = NULL;
  double t0, t;
  int r;

  t0 = now ();
  r = sd_bus_call (bus, m, CALL_TIMEOUT_USEC, &error, &r_msg);
  t = now () - t0;
  if (r < 0)
    die ("%s.%s failed: %s", sd_bus_message_get_interface (m), sd_bus_message_get_member (m),
         error.message ? error.message : g_strerror (-r));
  sd_bus_message_unref (m);
  if (reply)
    *reply = r_msg;
  else
    sd_bus_message_unref (r_msg);
  return t;
}

double
call_floor (sd_bus *bus, const char *name)
{
  return call_timed (bus, msg_new (bus, name, FLOOR_PATH, FLOOR_INTERFACE, "Noop"), NULL);
}

static void
append_settings (sd_bus_message *m, GVariant *settings)
{
  GVariantIter iter;
  const char *key, *value;

  check (sd_bus_message_open_container (m, 'a', "{ss}"), "settings");
  g_variant_iter_init (&iter, settings);
  while (g_variant_iter_next (&iter, "{&s&s}", &key, &value))
    check (sd_bus_message_append (m, "{ss}", key, value), "settings");
  check (sd_bus_message_close_container (m), "settings");
}

/* The floors' Update: UnitChanged's signals, no work, no disk. */
double
call_floor_update (sd_bus *bus, const char *name, GVariant *settings)
{
  sd_bus_message *m = msg_new (bus, name, FLOOR_PATH, FLOOR_INTERFACE, "Update");

  append_settings (m, settings);
  return call_timed (bus, m, NULL);
}

sd_bus_message *
msg_unit_changed (sd_bus *bus, const char *relation, const char *unit, GVariant *settings)
{
  return msg_unit_changed_to (bus, GP_BUS_NAME, relation, unit, settings);
}

/* The same message to another service (floor-peerd). */
sd_bus_message *
msg_unit_changed_to (sd_bus *bus, const char *dest, const char *relation, const char *unit,
                     GVariant *settings)
{
  sd_bus_message *m = msg_new (bus, dest, GP_OBJECT_PATH_ROOT, MANAGER_IFACE, "UnitChanged");

  check (sd_bus_message_append (m, "ss", relation, unit), "UnitChanged");
  append_settings (m, settings);
  return m;
}

double
call_unit_changed (sd_bus *bus, const char *relation, const char *unit, GVariant *settings)
{
  return call_timed (bus, msg_unit_changed (bus, relation, unit, settings), NULL);
}

double
call_relation (sd_bus *bus, const char *relation, const char *member, sd_bus_message **reply)
{
  g_autofree char *path = gp_relation_object_path (relation);

  return call_timed (bus, msg_new (bus, GP_BUS_NAME, path, RELATION_IFACE, member), reply);
}

/* ---- data ------------------------------------------------------------------- */

/* n bricks /srv/gluster/brickNN; the last one gets @last_suffix. */
GStrv
make_bricks (guint n, const char *last_suffix)
{
  GStrv bricks = g_new0 (char *, n + 1);
  guint i;

  for (i = 0; i < n; i++)
    bricks[i] = g_strdup_printf ("/srv/gluster/brick%02u%s", i,
                                 i == n - 1 && last_suffix ? last_suffix : "");
  return bricks;
}

/* What Juju puts in a remote unit's data bag, plus the charm's bricks;
 * keys sorted, as the daemon stores it. */
GVariant *
make_settings (const char *address, const char *const *bricks)
{
  g_autofree char *json = gp_bricks_to_json (bricks);
  g_autofree char *subnet = g_strdup_printf ("%s/32", address);
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a{ss}"));
  g_variant_builder_add (&builder, "{ss}", "bricks", json);
  g_variant_builder_add (&builder, "{ss}", "egress-subnets", subnet);
  g_variant_builder_add (&builder, "{ss}", "ingress-address", address);
  g_variant_builder_add (&builder, "{ss}", "private-address", address);
  return g_variant_ref_sink (g_variant_builder_end (&builder));
}

char *
unit_address (guint n)
{
  return g_strdup_printf ("10.%u.%u.%u", 1 + n / 65536, (n / 256) % 256, n % 256);
}

/* ---- main ------------------------------------------------------------------------------- */

int
main (int argc, char **argv)
{
  const char *which = argc > 1 ? argv[1] : "";
  const char *scale_text = g_getenv ("GP_BENCH_SCALE");

  signal (SIGPIPE, SIG_IGN);
  setvbuf (stdout, NULL, _IOLBF, 0);
  rows = g_ptr_array_new ();
  if (scale_text && scale_text[0])
    scale = CLAMP (g_ascii_strtod (scale_text, NULL), 0.001, 100.0);

  printf ("gp-bench %s on %ld cores, TMPDIR %s, scale %g\n", which,
          sysconf (_SC_NPROCESSORS_ONLN), g_get_tmp_dir (), scale);
  if (g_str_equal (which, "floor"))
    return bench_floor ();
  if (g_str_equal (which, "cli"))
    return bench_cli ();
  if (g_str_equal (which, "scale"))
    return bench_scale ();
  if (g_str_equal (which, "fanout"))
    return bench_fanout ();
  if (g_str_equal (which, "flood"))
    return bench_flood ();
  fprintf (stderr, "usage: gp-bench floor|cli|scale|fanout|flood\n");
  return 2;
}
