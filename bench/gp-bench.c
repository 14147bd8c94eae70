/* gp-bench: gluster-peerd measured against the floor of the bus and the
 * disk it sits on, in the same run. See bench/meson.build and the README's
 * "Benchmarks" section.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 *   gp-bench floor      floor, P1 UnitChanged, P2 BrickMap
 *   gp-bench cli        P3 gluster-peerctl vs busctl, one process per call
 *   gp-bench scale      P4 10,000 units x 16 bricks
 *   gp-bench fanout     P5 100 subscribers, 1,000 updates
 *
 * Every run starts its own private dbus-daemon (tests/gp-test-bus.h, the
 * test policy that lets the floor service own a name of its own) and its
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
 * with GP_TEST_TIMEOUT_SCALE); GP_BENCH_FLOOR_SERVICE, GP_BENCH_ONESHOT,
 * GP_BENCH_PEERCTL: the helper programs (meson sets them).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sqlite3.h>
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
#include "gp-bricks.h"
#include "gp-names.h"
#include "gp-settings.h"
#include "gp-store.h"
#include "gp-test-bus.h"

extern char **environ;

#define MANAGER_IFACE "org.juju.GlusterPeer.Manager"
#define RELATION_IFACE "org.juju.GlusterPeer.Relation"
#define CALL_TIMEOUT_USEC (120 * G_USEC_PER_SEC)

/* ---- the run ------------------------------------------------------------ */

typedef struct {
  GpTestBus *bus;
  GpTestDaemon *daemon;
  GSubprocess *floor;
  GSubprocess *floor_gdbus;
  sd_bus *client;
  char *dir;          /* $TMPDIR/gp-bench-XXXXXX: state/, floor/ */
  char *state_dir;
} Bench;

static Bench *current;
static gboolean broken;
static double scale = 1.0;

static void bench_free (Bench *b);

static void
vreport (const char *what, const char *format, va_list ap)
{
  fprintf (stderr, "gp-bench: %s: ", what);
  vfprintf (stderr, format, ap);
  fprintf (stderr, "\n");
}

static void G_GNUC_PRINTF (1, 2) G_GNUC_NORETURN
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
static void G_GNUC_PRINTF (1, 2)
breakage (const char *format, ...)
{
  va_list ap;

  va_start (ap, format);
  vreport ("BROKEN", format, ap);
  va_end (ap);
  broken = TRUE;
}

static guint
iterations (guint n)
{
  return MAX (3, (guint) (n * scale));
}

static double
now (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec + ts.tv_nsec * 1e-9;
}

static const char *
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
static double
percentile (GArray *samples, double p)
{
  guint rank;

  g_assert (samples->len > 0);
  qsort (samples->data, samples->len, sizeof (double), compare_doubles);
  rank = (guint) ceil (p * samples->len);
  return g_array_index (samples, double, CLAMP (rank, 1, samples->len) - 1);
}

static double
median (GArray *samples)
{
  return percentile (samples, 0.5);
}

static GArray *
samples_new (void)
{
  return g_array_new (FALSE, FALSE, sizeof (double));
}

static void
samples_add (GArray *samples, double value)
{
  g_array_append_val (samples, value);
}

static char *
fmt_time (double seconds)
{
  if (seconds < 1e-3)
    return g_strdup_printf ("%.1f µs", seconds * 1e6);
  if (seconds < 1.0)
    return g_strdup_printf ("%.3g ms", seconds * 1e3);
  return g_strdup_printf ("%.3g s", seconds);
}

static char *
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
static void
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

static void
row_info (const char *figure, char *value, char *baseline)
{
  row_add (g_strdup (figure), value, baseline, NULL, NULL, "info");
}

/* value / baseline against a maximum ratio. */
static void
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

static void
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

static char *
make_dir (const char *parent, const char *name)
{
  char *dir = g_build_filename (parent, name, NULL);

  if (g_mkdir_with_parents (dir, 0755) != 0)
    die ("cannot create %s: %s", dir, g_strerror (errno));
  return dir;
}

static Bench *
bench_new (void)
{
  Bench *b = g_new0 (Bench, 1);

  current = b;
  b->dir = gp_test_make_tmp_dir ("gp-bench-XXXXXX");
  b->state_dir = make_dir (b->dir, "state");
  /* The test policy: anyone may own any name, so the floor service can
   * sit on the same bus as gluster-peerd, and the two can be measured in
   * alternation. The daemon checks privilege itself either way. */
  b->bus = gp_test_bus_new (FALSE);
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

static void
bench_free (Bench *b)
{
  current = NULL;
  if (b->client)
    sd_bus_flush_close_unref (b->client);
  stop_process (&b->floor);
  stop_process (&b->floor_gdbus);
  g_clear_pointer (&b->daemon, gp_test_daemon_free);
  g_clear_pointer (&b->bus, gp_test_bus_free);
  gp_test_rm_rf (b->dir);
  g_free (b->state_dir);
  g_free (b->dir);
  g_free (b);
}

static GSubprocess *
start_floor (Bench *b, const char *path, const char *name)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autoptr(GError) error = NULL;
  GSubprocess *proc;

  g_subprocess_launcher_set_child_setup (launcher, child_setup_pdeathsig, NULL, NULL);
  proc = g_subprocess_launcher_spawn (launcher, &error, path,
                                      gp_test_bus_get_address (b->bus), name, NULL);
  if (proc == NULL)
    die ("cannot start %s: %s", path, error->message);
  gp_test_bus_wait_for_name (b->bus, name, TRUE, 10000);
  return proc;
}

static void
start_floor_services (Bench *b)
{
  b->floor = start_floor (b, env_or ("GP_BENCH_FLOOR_SERVICE", GP_BENCH_FLOOR_SERVICE_PATH),
                          FLOOR_NAME);
  b->floor_gdbus = start_floor (b, env_or ("GP_BENCH_FLOOR_GDBUS", GP_BENCH_FLOOR_GDBUS_PATH),
                                FLOOR_GDBUS_NAME);
}

static const char *const daemon_args[] = { NULL };

static double
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

static double
stop_daemon (Bench *b)
{
  double t0 = now ();

  gp_test_daemon_stop (b->daemon);
  g_clear_pointer (&b->daemon, gp_test_daemon_free);
  return now () - t0;
}

/* A field of /proc/PID/status in bytes ("VmHWM", "VmRSS"). */
static double
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
static double
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

static sd_bus *
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

static void
check (int r, const char *what)
{
  if (r < 0)
    die ("%s: %s", what, g_strerror (-r));
}

static sd_bus_message *
msg_new (sd_bus *bus, const char *dest, const char *path, const char *iface,
         const char *member)
{
  sd_bus_message *m = NULL;

  check (sd_bus_message_new_method_call (bus, &m, dest, path, iface, member), member);
  return m;
}

/* Sends @m (taken) and waits for the reply; the seconds it took. The reply,
 * when @reply is not NULL. */
static double
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

static double
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
static double
call_floor_update (sd_bus *bus, const char *name, GVariant *settings)
{
  sd_bus_message *m = msg_new (bus, name, FLOOR_PATH, FLOOR_INTERFACE, "Update");

  append_settings (m, settings);
  return call_timed (bus, m, NULL);
}

static sd_bus_message *
msg_unit_changed (sd_bus *bus, const char *relation, const char *unit, GVariant *settings)
{
  sd_bus_message *m = msg_new (bus, GP_BUS_NAME, GP_OBJECT_PATH_ROOT, MANAGER_IFACE, "UnitChanged");

  check (sd_bus_message_append (m, "ss", relation, unit), "UnitChanged");
  append_settings (m, settings);
  return m;
}

static double
call_unit_changed (sd_bus *bus, const char *relation, const char *unit, GVariant *settings)
{
  return call_timed (bus, msg_unit_changed (bus, relation, unit, settings), NULL);
}

static double
call_relation (sd_bus *bus, const char *relation, const char *member, sd_bus_message **reply)
{
  g_autofree char *path = gp_relation_object_path (relation);

  return call_timed (bus, msg_new (bus, GP_BUS_NAME, path, RELATION_IFACE, member), reply);
}

/* ---- data ------------------------------------------------------------------- */

/* n bricks /srv/gluster/brickNN; the last one gets @last_suffix. */
static GStrv
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
static GVariant *
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

static char *
unit_address (guint n)
{
  return g_strdup_printf ("10.%u.%u.%u", 1 + n / 65536, (n / 256) % 256, n % 256);
}

/* ---- the floor commit ----------------------------------------------------------- */

/* The same schema, pragmas and statements as src/gp-store.c: one
 * transaction writing one unit row. */
typedef struct {
  sqlite3 *db;
  sqlite3_stmt *begin, *commit, *put;
} FloorDb;

static void
floor_db_check (FloorDb *f, int rc, const char *what)
{
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
    die ("floor database: %s: %s", what, sqlite3_errmsg (f->db));
}

static void
floor_db_open (FloorDb *f, const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "floor.db", NULL);

  floor_db_check (f, sqlite3_open_v2 (path, &f->db, SQLITE_OPEN_READWRITE |
                                      SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL), "open");
  floor_db_check (f, sqlite3_exec (f->db,
                                   "PRAGMA journal_mode = WAL;"
                                   "PRAGMA synchronous = FULL;"
                                   "PRAGMA foreign_keys = ON;"
                                   "CREATE TABLE relations ("
                                   "  name TEXT PRIMARY KEY NOT NULL,"
                                   "  id TEXT NOT NULL DEFAULT '',"
                                   "  local_unit TEXT NOT NULL DEFAULT '',"
                                   "  local_settings TEXT NOT NULL DEFAULT '{}',"
                                   "  edge_states INTEGER NOT NULL DEFAULT 0"
                                   ") WITHOUT ROWID;"
                                   "CREATE TABLE units ("
                                   "  relation TEXT NOT NULL REFERENCES relations (name) ON DELETE CASCADE,"
                                   "  name TEXT NOT NULL,"
                                   "  settings TEXT NOT NULL,"
                                   "  bricks TEXT NOT NULL,"
                                   "  PRIMARY KEY (relation, name)"
                                   ") WITHOUT ROWID;"
                                   "INSERT INTO relations (name, id) VALUES ('server', 'server:1');",
                                   NULL, NULL, NULL), "set up");
  floor_db_check (f, sqlite3_prepare_v3 (f->db, "BEGIN IMMEDIATE", -1,
                                         SQLITE_PREPARE_PERSISTENT, &f->begin, NULL), "prepare");
  floor_db_check (f, sqlite3_prepare_v3 (f->db, "COMMIT", -1,
                                         SQLITE_PREPARE_PERSISTENT, &f->commit, NULL), "prepare");
  floor_db_check (f, sqlite3_prepare_v3 (f->db,
                                         "INSERT INTO units (relation, name, settings, bricks) "
                                         "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (relation, name) "
                                         "DO UPDATE SET settings = ?3, bricks = ?4", -1,
                                         SQLITE_PREPARE_PERSISTENT, &f->put, NULL), "prepare");
}

static void
floor_db_step (FloorDb *f, sqlite3_stmt *stmt, const char *what)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    die ("floor database: %s: %s", what, sqlite3_errmsg (f->db));
}

/* One durable transaction writing the row UnitChanged writes for @settings. */
static double
floor_commit (FloorDb *f, const char *unit, const char *settings_json, const char *bricks_json)
{
  double t0 = now ();

  floor_db_step (f, f->begin, "begin");
  sqlite3_bind_text (f->put, 1, "server", -1, SQLITE_STATIC);
  sqlite3_bind_text (f->put, 2, unit, -1, SQLITE_STATIC);
  sqlite3_bind_text (f->put, 3, settings_json, -1, SQLITE_STATIC);
  sqlite3_bind_text (f->put, 4, bricks_json, -1, SQLITE_STATIC);
  floor_db_step (f, f->put, "write");
  floor_db_step (f, f->commit, "commit");
  return now () - t0;
}

static void
floor_db_close (FloorDb *f)
{
  sqlite3_finalize (f->begin);
  sqlite3_finalize (f->commit);
  sqlite3_finalize (f->put);
  sqlite3_close (f->db);
}

/* ---- floor, P1, P2 -------------------------------------------------------------- */

#define P1_BRICKS 24
#define P2_UNITS 3
#define RTT_PER_COMMIT 4

static int
bench_floor (void)
{
  Bench *b = bench_new ();
  g_autofree char *floor_dir = make_dir (b->dir, "floor");
  g_autoptr(GArray) floor_rtt = samples_new ();
  g_autoptr(GArray) gdbus_rtt = samples_new ();
  g_autoptr(GArray) update_floor = samples_new ();
  g_autoptr(GArray) update_gdbus = samples_new ();
  g_autoptr(GArray) floor_db = samples_new ();
  g_autoptr(GArray) changed = samples_new ();
  g_autoptr(GArray) brick_map = samples_new ();
  GVariant *variant[2] = { NULL, NULL };
  char *settings_json[2] = { NULL, NULL };
  char *bricks_json[2] = { NULL, NULL };
  guint warmup = iterations (50), n = iterations (1000), i, k, v;
  double p50_rtt, p50_db, p50_changed, p99_rtt, p99_db;
  FloorDb fdb = { 0 };
  g_autofree char *row_size = NULL;

  start_floor_services (b);
  start_daemon (b);
  b->client = client_new (gp_test_bus_get_address (b->bus));
  floor_db_open (&fdb, floor_dir);

  for (v = 0; v < 2; v++)
    {
      g_auto(GStrv) bricks = make_bricks (P1_BRICKS, v ? "-b" : "-a");

      variant[v] = make_settings ("10.1.0.1", (const char *const *) bricks);
      settings_json[v] = gp_settings_to_json (variant[v]);
      bricks_json[v] = gp_bricks_to_json ((const char *const *) bricks);
    }
  row_size = fmt_bytes (strlen ("server") + strlen ("glusterfs/1") +
                        strlen (settings_json[0]) + strlen (bricks_json[0]));

  /* P2's units; glusterfs/1 is P1's. */
  for (k = 0; k < P2_UNITS; k++)
    {
      g_autofree char *unit = g_strdup_printf ("glusterfs/%u", k);
      g_autofree char *address = unit_address (k);
      g_auto(GStrv) bricks = make_bricks (P1_BRICKS, "-a");
      g_autoptr(GVariant) settings = make_settings (address, (const char *const *) bricks);

      call_unit_changed (b->client, "server:1", unit, settings);
    }

  /* Alternate every measured operation with its baseline, so that a
   * noisy second of the machine hits both alike. Each UnitChanged changes
   * one brick of 24: a durable write, PropertiesChanged, BricksAdded and
   * BricksRemoved, then the reply. */
  for (i = 0; i < warmup + n; i++)
    {
      gboolean keep = i >= warmup;
      double t_floor_db, t_changed;

      for (k = 0; k < RTT_PER_COMMIT; k++)
        {
          double t_floor = call_floor (b->client, FLOOR_NAME);
          double t_map = call_relation (b->client, "server", "BrickMap", NULL);
          double t_gdbus = call_floor (b->client, FLOOR_GDBUS_NAME);

          if (keep)
            {
              samples_add (floor_rtt, t_floor);
              samples_add (brick_map, t_map);
              samples_add (gdbus_rtt, t_gdbus);
            }
        }
      v = (i + 1) % 2; /* setup left variant 0 */
      {
        double t_sd = call_floor_update (b->client, FLOOR_NAME, variant[v]);
        double t_g = call_floor_update (b->client, FLOOR_GDBUS_NAME, variant[v]);

        if (keep)
          {
            samples_add (update_floor, t_sd);
            samples_add (update_gdbus, t_g);
          }
      }
      if (i % 2)
        {
          t_floor_db = floor_commit (&fdb, "glusterfs/1", settings_json[v], bricks_json[v]);
          t_changed = call_unit_changed (b->client, "server:1", "glusterfs/1", variant[v]);
        }
      else
        {
          t_changed = call_unit_changed (b->client, "server:1", "glusterfs/1", variant[v]);
          t_floor_db = floor_commit (&fdb, "glusterfs/1", settings_json[v], bricks_json[v]);
        }
      if (keep)
        {
          samples_add (floor_db, t_floor_db);
          samples_add (changed, t_changed);
        }
    }

  p50_rtt = median (floor_rtt);
  p99_rtt = percentile (floor_rtt, 0.99);
  p50_db = median (floor_db);
  p99_db = percentile (floor_db, 0.99);
  p50_changed = median (changed);

  row_add (g_strdup ("floor: no-op call, sd-bus to sd-bus, p50"), fmt_time (p50_rtt),
           NULL, NULL, NULL, "info");
  row_add (g_strdup ("floor: no-op call, p99"), fmt_time (p99_rtt), NULL, NULL, NULL, "info");
  row_add (g_strdup_printf ("floor: durable SQLite commit (%s row), p50", row_size),
           fmt_time (p50_db), NULL, NULL, NULL, "info");
  row_add (g_strdup ("floor: durable SQLite commit, p99"), fmt_time (p99_db),
           NULL, NULL, NULL, "info");
  row_ratio ("P1 UnitChanged, 24 bricks, durable, p50", p50_changed,
             "(call + commit)", p50_rtt + p50_db, 1.25);
  row_ratio ("P1 UnitChanged, 24 bricks, durable, p99", percentile (changed, 0.99),
             "(call + commit, p99s)", p99_rtt + p99_db, 0);
  row_ratio ("P2 BrickMap, 3 units x 24 bricks, p50", median (brick_map),
             "(call)", p50_rtt, 1.3);
  row_ratio ("P2 BrickMap, p99", percentile (brick_map, 0.99), "(call, p99)", p99_rtt, 0);
  row_ratio ("stack: no-op call on a minimal GDBus service, p50", median (gdbus_rtt),
             "(call)", p50_rtt, 0);
  row_ratio ("P2 BrickMap against the GDBus no-op, p50", median (brick_map),
             "(GDBus call)", median (gdbus_rtt), 0);
  row_ratio ("stack: call + UnitChanged's 3 signals, sd-bus service, p50",
             median (update_floor), "(call)", p50_rtt, 0);
  row_ratio ("stack: call + UnitChanged's 3 signals, GDBus service, p50",
             median (update_gdbus), "(call)", p50_rtt, 0);
  row_ratio ("P1 UnitChanged against GDBus call + 3 signals + commit, p50", p50_changed,
             "(GDBus + commit)", median (update_gdbus) + p50_db, 0);
  row_add (g_strdup ("samples"), g_strdup_printf ("%u", changed->len),
           g_strdup_printf ("UnitChanged; %u BrickMap", brick_map->len), NULL, NULL, "info");

  floor_db_close (&fdb);
  stop_daemon (b);
  bench_free (b);
  for (v = 0; v < 2; v++)
    {
      g_variant_unref (variant[v]);
      g_free (settings_json[v]);
      g_free (bricks_json[v]);
    }
  print_table ("floor, P1 (UnitChanged) and P2 (BrickMap): medians of alternated samples");
  return broken ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* ---- P3: one process per call ------------------------------------------------------ */

static void G_GNUC_NULL_TERMINATED
add_args (GStrvBuilder *builder, ...)
{
  va_list ap;
  const char *arg;

  va_start (ap, builder);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_strv_builder_add (builder, arg);
  va_end (ap);
}

static GStrv
cli_argv (const char *tool, const char *program, const char *address, const char *bricks_json)
{
  g_autoptr(GStrvBuilder) argv = g_strv_builder_new ();
  g_autofree char *subnet = g_strdup_printf ("%s/32", address);

  g_strv_builder_add (argv, program);
  if (g_str_equal (tool, "busctl"))
    {
      add_args (argv, "call", GP_BUS_NAME, GP_OBJECT_PATH_ROOT, MANAGER_IFACE,
                               "UnitChanged", "ssa{ss}", "server:1", "glusterfs/1", "4",
                               "bricks", bricks_json, "egress-subnets", subnet,
                               "ingress-address", address, "private-address", address, NULL);
    }
  else
    {
      g_autofree char *b = g_strconcat ("bricks=", bricks_json, NULL);
      g_autofree char *e = g_strconcat ("egress-subnets=", subnet, NULL);
      g_autofree char *in = g_strconcat ("ingress-address=", address, NULL);
      g_autofree char *p = g_strconcat ("private-address=", address, NULL);

      if (g_str_equal (tool, "gluster-peerctl"))
        g_strv_builder_add (argv, "changed");
      add_args (argv, "server:1", "glusterfs/1", b, e, in, p, NULL);
    }
  return g_strv_builder_end (argv);
}

static int
bench_cli (void)
{
  g_autofree char *busctl = g_find_program_in_path ("busctl");
  const char *peerctl = env_or ("GP_BENCH_PEERCTL", GP_BENCH_PEERCTL_PATH);
  const char *oneshot = env_or ("GP_BENCH_ONESHOT", GP_BENCH_ONESHOT_PATH);
  const char *tools[3] = { "busctl", "gluster-peerctl", "oneshot-client" };
  const char *programs[3] = { busctl, peerctl, oneshot };
  GArray *times[3] = { samples_new (), samples_new (), samples_new () };
  GStrv argvs[3][2] = { { NULL } };
  guint warmup = iterations (5), n = iterations (100), i, t, v, calls = 0;
  gboolean have_peerctl = peerctl[0] && g_file_test (peerctl, G_FILE_TEST_IS_EXECUTABLE);
  Bench *b;

  if (busctl == NULL)
    die ("busctl is not installed");
  b = bench_new ();
  start_daemon (b);
  for (t = 0; t < 3; t++)
    for (v = 0; v < 2; v++)
      {
        g_auto(GStrv) bricks = make_bricks (P1_BRICKS, v ? "-b" : "-a");
        g_autofree char *json = gp_bricks_to_json ((const char *const *) bricks);

        argvs[t][v] = cli_argv (tools[t], programs[t], "10.1.0.1", json);
      }

  /* Round robin over the tools; every call flips one brick, so every call
   * is a real, durable change. */
  for (i = 0; i < warmup + n; i++)
    for (t = 0; t < 3; t++)
      {
        double time;

        if (t == 1 && !have_peerctl)
          continue;
        time = run_process (argvs[t][calls++ % 2]);
        if (i >= warmup)
          samples_add (times[t], time);
      }
  stop_daemon (b);
  bench_free (b);

  if (have_peerctl)
    row_ratio ("P3 gluster-peerctl changed (whole process), p50", median (times[1]),
               "busctl call", median (times[0]), 1.0);
  else
    row_add (g_strdup ("P3 gluster-peerctl changed (whole process), p50"),
             g_strdup ("not built"), NULL, NULL, g_strdup ("≤ 1.00"), "MISS");
  row_ratio ("P3 sd-bus one-shot client (whole process), p50", median (times[2]),
             "busctl call", median (times[0]), 0);
  row_info ("P3 busctl call UnitChanged (whole process), p50",
            fmt_time (median (times[0])), NULL);
  row_add (g_strdup ("samples"), g_strdup_printf ("%u", times[0]->len),
           g_strdup ("per tool, alternated"), NULL, NULL, "info");
  for (t = 0; t < 3; t++)
    {
      for (v = 0; v < 2; v++)
        g_strfreev (argvs[t][v]);
      g_array_unref (times[t]);
    }
  print_table ("P3: one UnitChanged per process, medians of alternated runs");
  return broken ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* ---- P4: 10,000 units ------------------------------------------------------------- */

#define P4_UNITS 10000
#define P4_SMALL_UNITS 10
#define P4_BRICKS 16

static void
store_relation (GpStore *store, const char *name, const char *id, const char *app,
                guint n_units, guint address_base)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *local_unit = g_strdup_printf ("%s/%u", app, n_units);
  g_autofree char *local_address = unit_address (address_base + n_units);
  g_auto(GStrv) bricks = make_bricks (P4_BRICKS, NULL);
  g_autoptr(GVariant) local = make_settings (local_address, (const char *const *) bricks);
  GpRelationRecord record = {
    .name = name, .id = id, .local_unit = local_unit, .local_settings = local,
    .edge_states = 0,
  };
  guint i;

  if (!gp_store_put_relation (store, &record, &error))
    die ("%s", error->message);
  for (i = 0; i < n_units; i++)
    {
      g_autofree char *unit = g_strdup_printf ("%s/%u", app, i);
      g_autofree char *address = unit_address (address_base + i);
      g_autoptr(GVariant) settings = make_settings (address, (const char *const *) bricks);

      if (!gp_store_put_unit (store, name, unit, settings, (const char *const *) bricks, "",
                              &error))
        die ("%s", error->message);
    }
}

/* The state a daemon with 10,000 units leaves behind, written straight
 * through gp-store (a UnitChanged each would take minutes of fsyncs). */
static double
write_scale_state (const char *state_dir)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GpStore) store = NULL;
  double t0 = now ();

  store = gp_store_open (state_dir, &error);
  if (store == NULL || !gp_store_begin (store, &error))
    die ("%s", error->message);
  store_relation (store, "server", "server:1", "glusterfs", P4_UNITS, 0);
  store_relation (store, "small", "small:2", "smallfs", P4_SMALL_UNITS, 60000);
  if (!gp_store_commit (store, &error))
    die ("%s", error->message);
  return now () - t0;
}

/* GetManagedObjects through GDBus, for the size of the reply on the wire. */
static gsize
managed_objects_size (Bench *b)
{
  g_autoptr(GDBusConnection) conn = gp_test_bus_connect (b->bus);
  g_autoptr(GDBusMessage) call = NULL;
  g_autoptr(GDBusMessage) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree guchar *blob = NULL;
  gsize size = 0;

  call = g_dbus_message_new_method_call (GP_BUS_NAME, GP_OBJECT_PATH_ROOT,
                                         "org.freedesktop.DBus.ObjectManager",
                                         "GetManagedObjects");
  reply = g_dbus_connection_send_message_with_reply_sync (conn, call,
                                                          G_DBUS_SEND_MESSAGE_FLAGS_NONE,
                                                          120000, NULL, NULL, &error);
  if (reply == NULL || g_dbus_message_to_gerror (reply, &error))
    die ("GetManagedObjects: %s", error->message);
  blob = g_dbus_message_to_blob (reply, &size, G_DBUS_CAPABILITY_FLAGS_NONE, &error);
  if (blob == NULL)
    die ("GetManagedObjects: %s", error->message);
  return size;
}

static gsize
reply_count (sd_bus_message *reply, const char *signature)
{
  gsize n = 0;

  check (sd_bus_message_enter_container (reply, 'a', signature), "reply");
  while (sd_bus_message_skip (reply, signature) > 0)
    n++;
  sd_bus_message_unref (reply);
  return n;
}

static int
bench_scale (void)
{
  Bench *b = bench_new ();
  g_autoptr(GArray) starts = samples_new ();
  g_autoptr(GArray) big = samples_new ();
  g_autoptr(GArray) small = samples_new ();
  g_autoptr(GArray) brick_map = samples_new ();
  g_autoptr(GArray) floor_map = samples_new ();
  g_autoptr(GArray) objects = samples_new ();
  g_autoptr(GArray) volume = samples_new ();
  g_autoptr(GArray) joins = samples_new ();
  GVariant *big_variant[2] = { NULL, NULL };
  GVariant *small_variant[2] = { NULL, NULL };
  guint n_starts = 3, n = iterations (300), warmup = iterations (20), i, v;
  double write_time, stop_time = 0, last_stop, hwm_start, hwm_end, rss_end, start_p50;
  double p50_big, p50_small;
  gsize objects_size, n_entries;
  g_autofree char *objects_size_text = NULL;
  sd_bus_message *reply = NULL;
  GPid pid;

  write_time = write_scale_state (b->state_dir);
  b->floor = start_floor (b, env_or ("GP_BENCH_FLOOR_SERVICE", GP_BENCH_FLOOR_SERVICE_PATH),
                          FLOOR_NAME);
  for (i = 0; i < n_starts; i++)
    {
      samples_add (starts, start_daemon (b));
      if (i + 1 < n_starts)
        stop_time = stop_daemon (b);
    }
  pid = gp_test_daemon_get_pid (b->daemon);
  hwm_start = proc_status_bytes (pid, "VmHWM");
  b->client = client_new (gp_test_bus_get_address (b->bus));

  for (v = 0; v < 2; v++)
    {
      g_auto(GStrv) bricks = make_bricks (P4_BRICKS, v ? "-b" : NULL);
      g_autofree char *a = unit_address (5000);
      g_autofree char *s = unit_address (60005);

      big_variant[v] = make_settings (a, (const char *const *) bricks);
      small_variant[v] = make_settings (s, (const char *const *) bricks);
    }
  /* Alternated: a unit among 10,000, a unit among 10, in one daemon. */
  for (i = 0; i < warmup + n; i++)
    {
      double t_big, t_small;

      v = (i + 1) % 2;
      t_big = call_unit_changed (b->client, "server:1", "glusterfs/5000", big_variant[v]);
      t_small = call_unit_changed (b->client, "small:2", "smallfs/5", small_variant[v]);
      if (i >= warmup)
        {
          samples_add (big, t_big);
          samples_add (small, t_small);
        }
    }

  for (i = 0; i < iterations (20); i++)
    {
      sd_bus_message *m = msg_new (b->client, FLOOR_NAME, FLOOR_PATH, FLOOR_INTERFACE, "Map");

      check (sd_bus_message_append (m, "uu", P4_UNITS, P4_BRICKS), "Map");
      samples_add (floor_map, call_timed (b->client, m, &reply));
      n_entries = reply_count (reply, "{sas}");
      if (n_entries != P4_UNITS)
        breakage ("the floor's Map returned %zu hosts, not %u", n_entries, P4_UNITS);
      samples_add (brick_map, call_relation (b->client, "server", "BrickMap", &reply));
      n_entries = reply_count (reply, "{sas}");
      if (n_entries != P4_UNITS)
        breakage ("BrickMap returned %zu hosts, not %u", n_entries, P4_UNITS);
    }
  for (i = 0; i < iterations (5); i++)
    {
      samples_add (objects, call_timed (b->client,
                                        msg_new (b->client, GP_BUS_NAME, GP_OBJECT_PATH_ROOT,
                                                 "org.freedesktop.DBus.ObjectManager",
                                                 "GetManagedObjects"), &reply));
      n_entries = reply_count (reply, "{oa{sa{sv}}}");
      if (n_entries != P4_UNITS + P4_SMALL_UNITS + 2)
        breakage ("GetManagedObjects returned %zu objects, not %u", n_entries,
                  P4_UNITS + P4_SMALL_UNITS + 2);
    }
  objects_size = managed_objects_size (b);
  for (i = 0; i < iterations (5); i++)
    {
      g_autofree char *path = gp_relation_object_path ("server");
      sd_bus_message *m = msg_new (b->client, GP_BUS_NAME, path, RELATION_IFACE, "VolumeBricks");

      check (sd_bus_message_append (m, "us", 3, ""), "VolumeBricks");
      samples_add (volume, call_timed (b->client, m, &reply));
      n_entries = reply_count (reply, "s");
      if (n_entries != (P4_UNITS + 1) * P4_BRICKS / 3 * 3)
        breakage ("VolumeBricks returned %zu bricks, not %u", n_entries,
                  (P4_UNITS + 1) * P4_BRICKS / 3 * 3);
    }
  /* Joining changes Relation.Units, an ao the contract publishes whole:
   * PropertiesChanged carries all 10,000 paths, by design. */
  for (i = 0; i < iterations (10); i++)
    {
      g_autofree char *unit = g_strdup_printf ("glusterfs/%u", 20000 + i);
      sd_bus_message *m = msg_new (b->client, GP_BUS_NAME, GP_OBJECT_PATH_ROOT,
                                   MANAGER_IFACE, "UnitJoined");
      sd_bus_message *d = msg_new (b->client, GP_BUS_NAME, GP_OBJECT_PATH_ROOT,
                                   MANAGER_IFACE, "UnitDeparted");

      check (sd_bus_message_append (m, "ss", "server:1", unit), "UnitJoined");
      check (sd_bus_message_append (d, "ss", "server:1", unit), "UnitDeparted");
      samples_add (joins, call_timed (b->client, m, NULL));
      call_timed (b->client, d, NULL);
    }

  for (v = 0; v < 2; v++)
    {
      g_variant_unref (big_variant[v]);
      g_variant_unref (small_variant[v]);
    }
  hwm_end = proc_status_bytes (pid, "VmHWM");
  rss_end = proc_status_bytes (pid, "VmRSS");
  last_stop = stop_daemon (b);
  stop_time = MAX (stop_time, last_stop);
  bench_free (b);

  objects_size_text = fmt_bytes (objects_size);
  start_p50 = median (starts);
  p50_big = median (big);
  p50_small = median (small);
  {
    g_autofree char *all = NULL;
    GString *list = g_string_new (NULL);

    for (i = 0; i < starts->len; i++)
      {
        g_autofree char *t = fmt_time (g_array_index (starts, double, i));
        g_string_append_printf (list, "%s%s", i ? ", " : "", t);
      }
    all = g_string_free (list, FALSE);
    row_add (g_strdup ("P4 start from 10,000 stored units to name on bus, median"),
             fmt_time (start_p50), g_strdup_printf ("of %s", all), NULL, g_strdup ("≤ 1 s"),
             start_p50 <= 1.0 ? "pass" : "MISS");
  }
  row_add (g_strdup ("P4 peak RSS (VmHWM) after start"), fmt_bytes (hwm_start), NULL, NULL,
           g_strdup ("≤ 64 MiB"), hwm_start <= 64.0 * 1024 * 1024 ? "pass" : "MISS");
  row_add (g_strdup ("P4 peak RSS (VmHWM) after all P4 calls"), fmt_bytes (hwm_end),
           g_strdup_printf ("VmRSS now %.1f MiB", rss_end / (1024 * 1024)), NULL,
           g_strdup ("≤ 64 MiB"), hwm_end <= 64.0 * 1024 * 1024 ? "pass" : "MISS");
  row_ratio ("P4 UnitChanged at 10,000 units, p50", p50_big, "at 10 units", p50_small, 1.1);
  {
    g_autofree char *floor_text = fmt_time (median (floor_map));

    row_add (g_strdup ("P4 BrickMap, 10,000 units x 16 bricks, p50"),
             fmt_time (median (brick_map)),
             g_strdup_printf ("%s same reply from sd-bus", floor_text),
             g_strdup_printf ("%.2f", median (brick_map) / median (floor_map)),
             g_strdup ("≤ 50 ms"), median (brick_map) <= 0.050 ? "pass" : "MISS");
  }
  row_info ("P4 GetManagedObjects, 10,012 objects, p50", fmt_time (median (objects)),
            g_strconcat ("reply ", objects_size_text, NULL));
  row_info ("P4 VolumeBricks replica 3, 160,016 bricks, p50", fmt_time (median (volume)), NULL);
  row_info ("P4 UnitJoined at 10,000 units (Units re-sent), p50", fmt_time (median (joins)), NULL);
  row_info ("P4 writing the state (gp-store, one transaction)", fmt_time (write_time), NULL);
  row_info ("P4 SIGTERM to exit at 10,000 units (slowest)", fmt_time (stop_time), NULL);
  row_add (g_strdup ("samples"), g_strdup_printf ("%u", big->len),
           g_strdup_printf ("UnitChanged per relation; %u BrickMap", brick_map->len),
           NULL, NULL, "info");
  print_table ("P4: 10,000 units x 16 bricks");
  return broken ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* ---- P5: subscribers ---------------------------------------------------------------- */

#define P5_SUBSCRIBERS 100
#define P5_UPDATES 1000
#define P5_DRAIN_SECONDS 60

typedef struct _Fanout Fanout;

typedef struct {
  Fanout *fanout;
  sd_bus *bus;
  guint n_added, n_removed, n_changed, n_other;
  guint8 *seen;     /* [n_updates + 1]: BricksAdded of update i received */
  double *received; /* [n_updates + 1] */
  gboolean complete;
  int error;
} Subscriber;

struct _Fanout {
  Subscriber subs[P5_SUBSCRIBERS];
  guint n_updates;
  const char *unit_path;
  double *sent;     /* [n_updates + 1] */
  gint stop;
  guint n_complete;
};

static guint
seq_of (const char *brick)
{
  const char *prefix = "/bench/seq/";

  if (!g_str_has_prefix (brick, prefix))
    return 0;
  return (guint) g_ascii_strtoull (brick + strlen (prefix), NULL, 10);
}

static int
on_signal (sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
  Subscriber *s = userdata;
  Fanout *f = s->fanout;
  double t = now ();
  const char *member = sd_bus_message_get_member (m);
  char **bricks = NULL, **p;

  if (g_strcmp0 (member, "BricksAdded") == 0)
    {
      if (sd_bus_message_read_strv (m, &bricks) < 0)
        return 0;
      for (p = bricks; p && *p; p++)
        {
          guint seq = seq_of (*p);

          if (seq >= 1 && seq <= f->n_updates && !s->seen[seq])
            {
              s->seen[seq] = 1;
              s->received[seq] = t;
              s->n_added++;
            }
        }
      g_strfreev (bricks);
    }
  else if (g_strcmp0 (member, "BricksRemoved") == 0)
    s->n_removed++;
  else if (g_strcmp0 (member, "PropertiesChanged") == 0 &&
           g_strcmp0 (sd_bus_message_get_path (m), f->unit_path) == 0)
    s->n_changed++;
  else
    s->n_other++;
  return 0;
}

static gpointer
subscribers_thread (gpointer data)
{
  Fanout *f = data;
  struct pollfd fds[P5_SUBSCRIBERS];
  guint i;
  int r;

  for (i = 0; i < P5_SUBSCRIBERS; i++)
    fds[i].revents = POLLIN;
  while (!g_atomic_int_get (&f->stop) && f->n_complete < P5_SUBSCRIBERS)
    {
      for (i = 0; i < P5_SUBSCRIBERS; i++)
        {
          Subscriber *s = &f->subs[i];

          if (fds[i].revents == 0 || s->error)
            continue;
          while ((r = sd_bus_process (s->bus, NULL)) > 0)
            ;
          if (r < 0)
            s->error = r;
          if (!s->complete && s->n_added == f->n_updates &&
              s->n_removed >= f->n_updates && s->n_changed >= f->n_updates)
            {
              s->complete = TRUE;
              f->n_complete++;
            }
        }
      for (i = 0; i < P5_SUBSCRIBERS; i++)
        {
          fds[i].fd = f->subs[i].error ? -1 : sd_bus_get_fd (f->subs[i].bus);
          fds[i].events = (short) sd_bus_get_events (f->subs[i].bus);
          fds[i].revents = 0;
        }
      if (poll (fds, P5_SUBSCRIBERS, 100) < 0 && errno != EINTR)
        break;
    }
  return NULL;
}

static GVariant *
fanout_settings (guint seq)
{
  g_autofree char *brick = g_strdup_printf ("/bench/seq/%u", seq);
  const char *bricks[] = { "/srv/gluster/brick00", brick, NULL };

  return make_settings ("10.1.0.1", bricks);
}

static int
bench_fanout (void)
{
  Bench *b = bench_new ();
  Fanout *f = g_new0 (Fanout, 1);
  g_autoptr(GArray) latency = samples_new ();
  g_autoptr(GArray) updates = samples_new ();
  g_autofree char *unit_path = gp_unit_object_path ("server", "glusterfs/1");
  g_autoptr(GVariant) first = NULL;
  g_autofree char *rule = NULL;
  GThread *thread;
  const char *owner = NULL;
  sd_bus_message *reply = NULL;
  double t_first, t_last_reply, t_last_received = 0, deadline;
  guint i, s, lost_added = 0, lost_removed = 0, lost_changed = 0, errors = 0;

  f->n_updates = iterations (P5_UPDATES);
  f->unit_path = unit_path;
  f->sent = g_new0 (double, f->n_updates + 1);
  start_daemon (b);
  b->client = client_new (gp_test_bus_get_address (b->bus));

  /* Before anyone listens: the unit exists, with brick /bench/seq/0, and
   * both edge states are set already, so each update below is one brick
   * in, one brick out. */
  first = fanout_settings (0);
  call_unit_changed (b->client, "server:1", "glusterfs/1", first);

  check (sd_bus_call_method (b->client, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                             "org.freedesktop.DBus", "GetNameOwner", NULL, &reply, "s",
                             GP_BUS_NAME), "GetNameOwner");
  check (sd_bus_message_read (reply, "s", &owner), "GetNameOwner");
  rule = g_strdup_printf ("type='signal',sender='%s',path_namespace='%s'", owner,
                          GP_OBJECT_PATH_ROOT);
  sd_bus_message_unref (reply);

  for (s = 0; s < P5_SUBSCRIBERS; s++)
    {
      Subscriber *sub = &f->subs[s];

      sub->fanout = f;
      sub->bus = client_new (gp_test_bus_get_address (b->bus));
      sub->seen = g_new0 (guint8, f->n_updates + 1);
      sub->received = g_new0 (double, f->n_updates + 1);
      /* Synchronous AddMatch: the bus has the rule before the updates. */
      check (sd_bus_add_match (sub->bus, NULL, rule, on_signal, sub), "AddMatch");
    }

  thread = g_thread_new ("subscribers", subscribers_thread, f);
  t_first = now ();
  for (i = 1; i <= f->n_updates; i++)
    {
      g_autoptr(GVariant) settings = fanout_settings (i);

      f->sent[i] = now ();
      samples_add (updates, call_unit_changed (b->client, "server:1", "glusterfs/1", settings));
    }
  t_last_reply = now ();
  deadline = t_last_reply + P5_DRAIN_SECONDS;
  while (g_atomic_int_get ((gint *) &f->n_complete) < P5_SUBSCRIBERS && now () < deadline)
    g_usleep (10000);
  g_atomic_int_set (&f->stop, 1);
  g_thread_join (thread);

  for (s = 0; s < P5_SUBSCRIBERS; s++)
    {
      Subscriber *sub = &f->subs[s];

      if (sub->error)
        {
          errors++;
          breakage ("subscriber %u: %s", s, g_strerror (-sub->error));
        }
      lost_added += f->n_updates - sub->n_added;
      lost_removed += sub->n_removed < f->n_updates ? f->n_updates - sub->n_removed : 0;
      lost_changed += sub->n_changed < f->n_updates ? f->n_updates - sub->n_changed : 0;
      for (i = 1; i <= f->n_updates; i++)
        if (sub->seen[i])
          {
            samples_add (latency, sub->received[i] - f->sent[i]);
            t_last_received = MAX (t_last_received, sub->received[i]);
          }
      sd_bus_flush_close_unref (sub->bus);
      g_free (sub->seen);
      g_free (sub->received);
    }
  if (lost_added + lost_removed + lost_changed > 0)
    breakage ("%u BricksAdded, %u BricksRemoved, %u PropertiesChanged lost",
              lost_added, lost_removed, lost_changed);

  stop_daemon (b);
  bench_free (b);

  row_add (g_strdup_printf ("P5 signals lost, %u subscribers x %u updates x 3 signals",
                            P5_SUBSCRIBERS, f->n_updates),
           g_strdup_printf ("%u", lost_added + lost_removed + lost_changed),
           g_strdup_printf ("%u x BricksAdded, %u x BricksRemoved, %u x PropertiesChanged",
                            lost_added, lost_removed, lost_changed),
           NULL, g_strdup ("0"),
           lost_added + lost_removed + lost_changed + errors == 0 ? "pass" : "BROKEN");
  if (latency->len > 0)
    {
      row_info ("P5 delivery, call sent to BricksAdded received, p50",
                fmt_time (median (latency)), NULL);
      row_info ("P5 delivery, p99", fmt_time (percentile (latency, 0.99)), NULL);
      row_info ("P5 delivery, max", fmt_time (percentile (latency, 1.0)), NULL);
      row_info ("P5 all delivered, from the first update sent",
                fmt_time (t_last_received - t_first),
                g_strdup_printf ("last reply after %.3g s", t_last_reply - t_first));
    }
  row_info ("P5 UnitChanged with 100 subscribers, p50", fmt_time (median (updates)), NULL);
  row_info ("P5 UnitChanged with 100 subscribers, p99", fmt_time (percentile (updates, 0.99)),
            NULL);
  g_free (f->sent);
  g_free (f);
  print_table ("P5: 100 subscribers while 1,000 updates run");
  return broken ? EXIT_FAILURE : EXIT_SUCCESS;
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
  fprintf (stderr, "usage: gp-bench floor|cli|scale|fanout\n");
  return 2;
}
