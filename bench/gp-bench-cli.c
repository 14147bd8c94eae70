/* gp-bench-cli.c: P3, one UnitChanged per process: gluster-peerctl
 * against busctl and the least an sd-bus client can do.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "gp-bench-config.h"
#include "gp-bench.h"
#include "gp-bricks.h"
#include "gp-names.h"

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

int
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
  b = bench_new (FALSE);
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
