/* gp-bench-flood.c: P6, root's hook calls while unprivileged clients
 * flood the most expensive queries at 10,000 units.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * The bus runs the project's real policy (as a system bus would), so the
 * flood is what uid 65534 may send: BrickMap and VolumeBricks. 16 forked
 * children switch to uid/gid 65534 (needs root) and each opens one
 * connection and keeps P6_WINDOW calls outstanding, twice the daemon's
 * per-sender quota, reading the replies as they come and sending more.
 * Meanwhile root calls UnitChanged, one call at a time; its latencies are
 * held to an absolute target, beside the same call on the idle daemon
 * measured just before in the same run. The flood is bounded in time
 * (P6_MAX_SECONDS) and count (P6_MAX_CALLS per child), and all of it goes
 * to the private bus.
 */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gp-bench.h"
#include "gp-names.h"

#define P6_FLOODERS 16
#define P6_WINDOW 32
#define P6_MAX_CALLS 5000
#define P6_MAX_SECONDS 60.0
#define P6_ROOT_GAP_USEC 5000
#define LIMITS_EXCEEDED "org.freedesktop.DBus.Error.LimitsExceeded"

/* What a child did; in memory shared with the parent. */
typedef struct {
  gint sent, answered, limits_exceeded, other_errors, outstanding;
  gint started, failed;
} FlooderCounts;

typedef struct {
  FlooderCounts counts[P6_FLOODERS];
  gint stop;
} FloodShared;

static int
on_flood_reply (sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
  FlooderCounts *c = userdata;
  const sd_bus_error *error = sd_bus_message_get_error (m);

  c->outstanding--;
  if (error == NULL)
    c->answered++;
  else if (g_strcmp0 (error->name, LIMITS_EXCEEDED) == 0)
    c->limits_exceeded++;
  else
    c->other_errors++;
  return 0;
}

static int
flood_send (sd_bus *bus, FlooderCounts *c, const char *relation_path)
{
  gboolean map = c->sent % 2 == 0;
  sd_bus_message *m = NULL;
  int r;

  r = sd_bus_message_new_method_call (bus, &m, GP_BUS_NAME, relation_path, RELATION_IFACE,
                                      map ? "BrickMap" : "VolumeBricks");
  if (r >= 0 && !map)
    r = sd_bus_message_append (m, "us", 3, "");
  if (r >= 0)
    r = sd_bus_call_async (bus, NULL, m, on_flood_reply, c, CALL_TIMEOUT_USEC);
  sd_bus_message_unref (m);
  if (r >= 0)
    {
      c->sent++;
      c->outstanding++;
    }
  return r;
}

/* The child: as uid 65534, keep the window full until told to stop. */
static G_GNUC_NORETURN void
flooder_main (const char *address, FloodShared *shared, guint index, double deadline)
{
  FlooderCounts *c = &shared->counts[index];
  g_autofree char *relation_path = gp_relation_object_path ("server");
  sd_bus *bus = NULL;
  int r;

  prctl (PR_SET_PDEATHSIG, SIGKILL);
  if (setgroups (0, NULL) < 0 ||
      setresgid (GP_TEST_UNPRIVILEGED_GID, GP_TEST_UNPRIVILEGED_GID, GP_TEST_UNPRIVILEGED_GID) < 0 ||
      setresuid (GP_TEST_UNPRIVILEGED_UID, GP_TEST_UNPRIVILEGED_UID, GP_TEST_UNPRIVILEGED_UID) < 0 ||
      sd_bus_new (&bus) < 0 || sd_bus_set_address (bus, address) < 0 ||
      sd_bus_set_bus_client (bus, 1) < 0 || sd_bus_start (bus) < 0)
    {
      c->failed = 1;
      _exit (EXIT_FAILURE);
    }
  c->started = 1;
  while (!g_atomic_int_get (&shared->stop) && now () < deadline)
    {
      while (c->outstanding < P6_WINDOW && c->sent < P6_MAX_CALLS)
        if (flood_send (bus, c, relation_path) < 0)
          break;
      while ((r = sd_bus_process (bus, NULL)) > 0)
        ;
      if (r < 0)
        {
          c->failed = 1;
          break;
        }
      if (c->sent >= P6_MAX_CALLS && c->outstanding == 0)
        break;
      sd_bus_wait (bus, 100000);
    }
  /* Leave at once: what is outstanding is the daemon's to cope with. */
  _exit (c->failed ? EXIT_FAILURE : EXIT_SUCCESS);
}

/* utime + stime of @pid, in seconds. */
static double
cpu_seconds (pid_t pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", (int) pid);
  g_autofree char *text = NULL;
  unsigned long utime = 0, stime = 0;
  const char *p;

  /* After "(comm)", state is field 3; utime and stime are 14 and 15. */
  if (!g_file_get_contents (path, &text, NULL, NULL) || (p = strrchr (text, ')')) == NULL ||
      sscanf (p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &utime,
              &stime) != 2)
    return 0;
  return (double) (utime + stime) / sysconf (_SC_CLK_TCK);
}

/* The bus of this run: the dbus-daemon child of this process. */
static pid_t
find_bus_daemon (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc", 0, NULL);
  const char *name;

  while (dir && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_strdup_printf ("/proc/%s/stat", name);
      g_autofree char *text = NULL;
      int ppid = 0;
      const char *p;

      if (!g_ascii_isdigit (name[0]) || !g_file_get_contents (path, &text, NULL, NULL) ||
          (p = strrchr (text, ')')) == NULL || sscanf (p + 2, "%*c %d", &ppid) != 1)
        continue;
      if (ppid == getpid () && strstr (text, "(dbus-daemon)"))
        return (pid_t) g_ascii_strtoll (name, NULL, 10);
    }
  return 0;
}

static void
root_unit_changed (Bench *b, GArray *samples, guint n, GVariant *const *variant)
{
  for (guint i = 0; i < n; i++)
    {
      samples_add (samples, call_unit_changed (b->client, "server:1", "glusterfs/5000",
                                               variant[i % 2]));
      g_usleep (P6_ROOT_GAP_USEC);
    }
}

static void
flood_totals (FloodShared *shared, FlooderCounts *total)
{
  memset (total, 0, sizeof *total);
  for (guint i = 0; i < P6_FLOODERS; i++)
    {
      FlooderCounts *c = &shared->counts[i];

      total->sent += g_atomic_int_get (&c->sent);
      total->answered += g_atomic_int_get (&c->answered);
      total->limits_exceeded += g_atomic_int_get (&c->limits_exceeded);
      total->other_errors += g_atomic_int_get (&c->other_errors);
      total->started += g_atomic_int_get (&c->started);
      total->failed += g_atomic_int_get (&c->failed);
    }
}

/* Forks the flooders; waits until each has a connection. */
static void
flood_start (Bench *b, FloodShared *shared, pid_t *pids, double deadline)
{
  FlooderCounts total;
  double give_up = now () + 10;

  for (guint i = 0; i < P6_FLOODERS; i++)
    {
      pids[i] = fork ();
      if (pids[i] < 0)
        die ("fork: %s", g_strerror (errno));
      if (pids[i] == 0)
        flooder_main (gp_test_bus_get_address (b->bus), shared, i, deadline);
    }
  do
    {
      g_usleep (10000);
      flood_totals (shared, &total);
    }
  while (total.started + total.failed < P6_FLOODERS && now () < give_up);
  if (total.failed > 0 || total.started < P6_FLOODERS)
    die ("%d of %d flooders could not connect as uid %u", P6_FLOODERS - total.started,
         P6_FLOODERS, (guint) GP_TEST_UNPRIVILEGED_UID);
  /* Let the window fill before root's first call. */
  g_usleep (200000);
}

/* Stops the flooders; the CPU time they used. */
static double
flood_stop (FloodShared *shared, pid_t *pids)
{
  double cpu = 0;

  g_atomic_int_set (&shared->stop, 1);
  for (guint i = 0; i < P6_FLOODERS; i++)
    {
      struct rusage usage;
      int status;

      while (wait4 (pids[i], &status, 0, &usage) < 0 && errno == EINTR)
        ;
      cpu += usage.ru_utime.tv_sec + usage.ru_utime.tv_usec * 1e-6 +
             usage.ru_stime.tv_sec + usage.ru_stime.tv_usec * 1e-6;
    }
  return cpu;
}

static void
flood_rows (FlooderCounts *total, double seconds, GArray *idle, GArray *flooded,
            double hwm_before, double hwm_after, double rss_after, const double *cpu)
{
  double p99 = percentile (flooded, 0.99);
  double growth = hwm_after - hwm_before;
  g_autofree char *idle_p99 = fmt_time (percentile (idle, 0.99));
  g_autofree char *idle_p50 = fmt_time (median (idle));
  g_autofree char *before = fmt_bytes (hwm_before);

  row_add (g_strdup ("P6 root UnitChanged during the flood, p99"), fmt_time (p99),
           g_strdup_printf ("%s idle (p99)", idle_p99), NULL, g_strdup ("≤ 50 ms"),
           p99 <= 0.050 ? "pass" : "MISS");
  row_add (g_strdup ("P6 root UnitChanged during the flood, p50"),
           fmt_time (median (flooded)), g_strdup_printf ("%s idle (p50)", idle_p50),
           NULL, NULL, "info");
  row_info ("P6 root UnitChanged during the flood, max", fmt_time (percentile (flooded, 1.0)),
            NULL);
  row_add (g_strdup ("P6 daemon VmHWM growth over the flood"), fmt_bytes (growth),
           g_strdup_printf ("from %s; VmRSS after %.1f MiB", before, rss_after / (1024 * 1024)),
           NULL, g_strdup ("≤ 64 MiB"), growth <= 64.0 * 1024 * 1024 ? "pass" : "MISS");
  row_info ("P6 flood: calls sent by 16 uid-65534 connections",
            g_strdup_printf ("%d", total->sent), g_strdup_printf ("in %.1f s", seconds));
  row_info ("P6 flood: answered (BrickMap, VolumeBricks alternately)",
            g_strdup_printf ("%d", total->answered),
            g_strdup_printf ("%.0f per second", total->answered / seconds));
  row_info ("P6 flood: refused with LimitsExceeded", g_strdup_printf ("%d",
                                                                    total->limits_exceeded),
            g_strdup_printf ("%d other errors", total->other_errors));
  row_info ("P6 CPU time during the flood: gluster-peerd", g_strdup_printf ("%.1f s", cpu[0]),
            g_strdup_printf ("dbus-daemon %.1f s, the 16 flooders %.1f s, of %.1f s x 2 cores",
                             cpu[1], cpu[2], seconds));
  row_add (g_strdup ("samples"), g_strdup_printf ("%u", flooded->len),
           g_strdup_printf ("root calls during the flood; %u idle", idle->len), NULL, NULL,
           "info");
}

int
bench_flood (void)
{
  Bench *b;
  FloodShared *shared;
  FlooderCounts total;
  g_autoptr(GArray) idle = samples_new ();
  g_autoptr(GArray) flooded = samples_new ();
  GVariant *variant[2];
  pid_t pids[P6_FLOODERS];
  double hwm_before, hwm_after, rss_after, t0, seconds, cpu[3];
  pid_t bus_pid;
  GPid pid;

  /* 77: meson's "skipped", which says what happened; a pass would not. */
  if (geteuid () != 0)
    {
      printf ("SKIP: P6 needs root, to switch its flooders to uid %u\n",
              (guint) GP_TEST_UNPRIVILEGED_UID);
      return 77;
    }
  b = bench_new (TRUE);
  write_scale_state (b->state_dir);
  start_daemon (b);
  pid = gp_test_daemon_get_pid (b->daemon);
  b->client = client_new (gp_test_bus_get_address (b->bus));
  for (guint v = 0; v < 2; v++)
    {
      g_auto(GStrv) bricks = make_bricks (P4_BRICKS, v ? "-b" : "-a");
      g_autofree char *address = unit_address (5000);

      variant[v] = make_settings (address, (const char *const *) bricks);
    }

  /* The idle baseline, then one round of each query so that what the
   * daemon caches on first use is not counted as growth. */
  root_unit_changed (b, idle, iterations (200), variant);
  call_relation (b->client, "server", "BrickMap", NULL);
  {
    g_autofree char *path = gp_relation_object_path ("server");
    sd_bus_message *m = msg_new (b->client, GP_BUS_NAME, path, RELATION_IFACE, "VolumeBricks");

    check (sd_bus_message_append (m, "us", 3, ""), "VolumeBricks");
    call_timed (b->client, m, NULL);
  }
  hwm_before = proc_status_bytes (pid, "VmHWM");

  shared = mmap (NULL, sizeof *shared, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
                 -1, 0);
  if (shared == MAP_FAILED)
    die ("mmap: %s", g_strerror (errno));
  memset (shared, 0, sizeof *shared);
  bus_pid = find_bus_daemon ();
  t0 = now ();
  cpu[0] = -cpu_seconds (pid);
  cpu[1] = bus_pid ? -cpu_seconds (bus_pid) : 0;
  flood_start (b, shared, pids, t0 + P6_MAX_SECONDS);
  root_unit_changed (b, flooded, iterations (200), variant);
  flood_totals (shared, &total);
  seconds = now () - t0;
  cpu[0] += cpu_seconds (pid);
  cpu[1] += bus_pid ? cpu_seconds (bus_pid) : 0;
  cpu[2] = flood_stop (shared, pids);
  if (!gp_test_daemon_is_running (b->daemon))
    breakage ("gluster-peerd died under the flood");
  hwm_after = proc_status_bytes (pid, "VmHWM");
  rss_after = proc_status_bytes (pid, "VmRSS");
  if (total.answered == 0)
    breakage ("no flood query was answered: the flood did not happen");
  munmap (shared, sizeof *shared);
  stop_daemon (b);
  bench_free (b);
  g_variant_unref (variant[0]);
  g_variant_unref (variant[1]);

  flood_rows (&total, seconds, idle, flooded, hwm_before, hwm_after, rss_after, cpu);
  print_table ("P6: root's UnitChanged while 16 uid-65534 connections flood "
               "BrickMap/VolumeBricks at 10,000 units");
  return broken ? EXIT_FAILURE : EXIT_SUCCESS;
}
