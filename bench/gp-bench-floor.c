/* gp-bench-floor.c: the floor, P1 (UnitChanged against floor-peerd) and
 * P2 (BrickMap against a no-op call), medians of alternated samples.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "floor-service.h"
#include "gp-bench.h"
#include "gp-bricks.h"
#include "gp-names.h"
#include "gp-settings.h"
#include "gp-store.h"

/* ---- the floor commit ----------------------------------------------------------- */

/* The daemon's own store (gp-store: its schema, pragmas and statements)
 * in a database of its own, holding relation "server". */
static GpStore *
floor_store_open (const char *dir)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) empty = g_variant_ref_sink (g_variant_new_array (G_VARIANT_TYPE ("{ss}"),
                                                                       NULL, 0));
  GpRelationRecord record = {
    .name = "server", .id = "server:1", .local_unit = "", .local_settings = empty,
  };
  GpStore *store = gp_store_open (dir, &error);

  if (store == NULL || !gp_store_begin (store, &error) ||
      !gp_store_put_relation (store, &record, &error) || !gp_store_commit (store, &error))
    die ("floor database: %s", error->message);
  return store;
}

/* One durable transaction writing the row UnitChanged writes. */
static double
floor_commit (GpStore *store, const char *unit, GVariant *settings, char **bricks)
{
  g_autoptr(GError) error = NULL;
  double t0 = now ();

  if (!gp_store_begin (store, &error) ||
      !gp_store_put_unit (store, "server", unit, settings, (const char *const *) bricks, "",
                          &error) ||
      !gp_store_commit (store, &error))
    die ("floor database: %s", error->message);
  return now () - t0;
}

/* ---- floor, P1, P2 -------------------------------------------------------------- */

#define P2_UNITS 3
#define RTT_PER_COMMIT 4

static double
call_floor_unit_changed (sd_bus *bus, GVariant *settings)
{
  return call_timed (bus, msg_unit_changed_to (bus, FLOOR_PEERD_NAME, "server:1", "glusterfs/1",
                                               settings), NULL);
}

static int
compare_string_items (const void *a, const void *b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

typedef struct {
  const char *unit_path, *relation_path;
  GHashTable *counts; /* "member on what" -> count */
} SignalTally;

static int
on_tally_signal (sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
  SignalTally *tally = userdata;
  const char *path = sd_bus_message_get_path (m);
  const char *what = g_strcmp0 (path, tally->unit_path) == 0 ? "the unit"
                     : g_strcmp0 (path, tally->relation_path) == 0 ? "the relation"
                     : path;
  char *key = g_strdup_printf ("%s on %s", sd_bus_message_get_member (m), what);

  g_hash_table_replace (tally->counts, key,
                        GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (tally->counts,
                                                                                 key)) + 1));
  return 0;
}

/* The signals @dest emits for a UnitChanged that swaps one brick, from
 * two such calls (variant 1, then back to 0) after two more unwatched:
 * "BricksAdded on the unit x 1, ...". @n_signals: how many in all. */
static char *
signals_of_unit_changed (Bench *b, const char *dest, GVariant *const *variant, guint *n_signals)
{
  g_autofree char *unit_path = gp_unit_object_path ("server", "glusterfs/1");
  g_autofree char *relation_path = gp_relation_object_path ("server");
  g_autofree char *rule = g_strdup_printf ("type='signal',sender='%s'", dest);
  SignalTally tally = { unit_path, relation_path,
                        g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL) };
  sd_bus *monitor = client_new (gp_test_bus_get_address (b->bus));
  g_autofree const char **keys = NULL;
  guint n_keys = 0;
  GString *text = g_string_new (NULL);
  double deadline;
  guint i;

  /* Once unwatched: the first swap sets the relation's edge states. */
  for (i = 0; i < 2; i++)
    call_timed (b->client, msg_unit_changed_to (b->client, dest, "server:1", "glusterfs/1",
                                                variant[1 - i]), NULL);
  check (sd_bus_add_match (monitor, NULL, rule, on_tally_signal, &tally), "AddMatch");
  for (i = 0; i < 2; i++)
    call_timed (b->client, msg_unit_changed_to (b->client, dest, "server:1", "glusterfs/1",
                                                variant[1 - i]), NULL);
  /* Signals are sent before the reply; a ping after the calls comes back
   * after every one of them. */
  check (sd_bus_call_method (monitor, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                             "org.freedesktop.DBus.Peer", "Ping", NULL, NULL, ""), "Ping");
  deadline = now () + 0.5;
  while (now () < deadline)
    if (sd_bus_process (monitor, NULL) == 0)
      sd_bus_wait (monitor, 50000);
  sd_bus_flush_close_unref (monitor);

  keys = (const char **) g_hash_table_get_keys_as_array (tally.counts, &n_keys);
  qsort (keys, n_keys, sizeof (char *), compare_string_items);
  *n_signals = 0;
  for (i = 0; i < n_keys; i++)
    *n_signals += GPOINTER_TO_UINT (g_hash_table_lookup (tally.counts, keys[i])) / 2;
  for (i = 0; i < n_keys; i++)
    g_string_append_printf (text, "%s%s x %u", i ? ", " : "", keys[i],
                            GPOINTER_TO_UINT (g_hash_table_lookup (tally.counts, keys[i])) / 2);
  g_hash_table_unref (tally.counts);
  return g_string_free (text, FALSE);
}

/* Every sample of the floor run; medians and p99s are taken at the end. */
typedef struct {
  GArray *noop;         /* floor-service's no-op */
  GArray *noop_gdbus;   /* floor-gdbus's no-op */
  GArray *update;       /* floor-service: UnitChanged's 3 signals alone */
  GArray *update_gdbus;
  GArray *commit;       /* one gp-store transaction */
  GArray *changed;      /* gluster-peerd's UnitChanged */
  GArray *peerd;        /* floor-peerd's UnitChanged */
  GArray *brick_map;    /* gluster-peerd's BrickMap, 3 units */
} FloorSamples;

static void
floor_samples_init (FloorSamples *f)
{
  GArray **all[] = { &f->noop, &f->noop_gdbus, &f->update, &f->update_gdbus, &f->commit,
                     &f->changed, &f->peerd, &f->brick_map };

  for (guint i = 0; i < G_N_ELEMENTS (all); i++)
    *all[i] = samples_new ();
}

static void
floor_samples_clear (FloorSamples *f)
{
  GArray **all[] = { &f->noop, &f->noop_gdbus, &f->update, &f->update_gdbus, &f->commit,
                     &f->changed, &f->peerd, &f->brick_map };

  for (guint i = 0; i < G_N_ELEMENTS (all); i++)
    g_clear_pointer (all[i], g_array_unref);
}

/* One round: every measured operation next to its baseline, so that a
 * noisy second of the machine hits both alike. Each UnitChanged swaps one
 * brick of 24 (variant @v): a durable write, PropertiesChanged,
 * BricksAdded and BricksRemoved, then the reply. */
static void
floor_round (Bench *b, GpStore *store, FloorSamples *f, guint round, gboolean keep,
             GVariant *variant, char **bricks)
{
  double t_commit = 0, t_changed = 0, t_peerd = 0, t_update, t_update_gdbus;

  for (guint k = 0; k < RTT_PER_COMMIT; k++)
    {
      double t_noop = call_floor (b->client, FLOOR_NAME);
      double t_map = call_relation (b->client, "server", "BrickMap", NULL);
      double t_gdbus = call_floor (b->client, FLOOR_GDBUS_NAME);

      if (keep)
        {
          samples_add (f->noop, t_noop);
          samples_add (f->brick_map, t_map);
          samples_add (f->noop_gdbus, t_gdbus);
        }
    }
  t_update = call_floor_update (b->client, FLOOR_NAME, variant);
  t_update_gdbus = call_floor_update (b->client, FLOOR_GDBUS_NAME, variant);
  /* Three fsyncs a round, in an order that rotates, so that none of them
   * always follows another's. */
  for (guint k = 0; k < 3; k++)
    switch ((round + k) % 3)
      {
      case 0:
        t_changed = call_unit_changed (b->client, "server:1", "glusterfs/1", variant);
        break;
      case 1:
        t_peerd = call_floor_unit_changed (b->client, variant);
        break;
      default:
        t_commit = floor_commit (store, "glusterfs/1", variant, bricks);
        break;
      }
  if (!keep)
    return;
  samples_add (f->update, t_update);
  samples_add (f->update_gdbus, t_update_gdbus);
  samples_add (f->commit, t_commit);
  samples_add (f->peerd, t_peerd);
  samples_add (f->changed, t_changed);
}

/* Whether floor-peerd emits what gluster-peerd emits; prints both. */
static void
check_floor_signals (Bench *b, GVariant *const *variant, guint *n_daemon, guint *n_floor)
{
  g_autofree char *daemon = signals_of_unit_changed (b, GP_BUS_NAME, variant, n_daemon);
  g_autofree char *floor = signals_of_unit_changed (b, FLOOR_PEERD_NAME, variant, n_floor);

  printf ("signals of one UnitChanged, gluster-peerd: %s\n", daemon);
  printf ("                           floor-peerd: %s\n", floor);
  if (!g_str_equal (daemon, floor))
    {
      breakage ("floor-peerd emits %s for a UnitChanged, gluster-peerd %s: the floor is wrong",
                floor, daemon);
      *n_floor = G_MAXUINT;
    }
}

static void
floor_rows (FloorSamples *f, const char *row_size, guint n_signals_daemon,
            guint n_signals_floor)
{
  double p50_noop = median (f->noop), p99_noop = percentile (f->noop, 0.99);
  double p50_commit = median (f->commit), p50_changed = median (f->changed);

  row_info ("floor: no-op call, sd-bus to sd-bus, p50", fmt_time (p50_noop), NULL);
  row_info ("floor: no-op call, p99", fmt_time (p99_noop), NULL);
  row_add (g_strdup_printf ("floor: durable gp-store commit (%s row), p50", row_size),
           fmt_time (p50_commit), NULL, NULL, NULL, "info");
  row_info ("floor: durable gp-store commit, p99", fmt_time (percentile (f->commit, 0.99)),
            NULL);
  row_ratio ("P1 UnitChanged, 24 bricks, durable, p50", p50_changed,
             "floor-peerd", median (f->peerd), 1.15);
  row_ratio ("P1 UnitChanged, 24 bricks, durable, p99", percentile (f->changed, 0.99),
             "floor-peerd p99", percentile (f->peerd, 0.99), 1.3);
  row_add (g_strdup ("P1 signals per UnitChanged (member and path alike)"),
           g_strdup_printf ("%u", n_signals_daemon),
           n_signals_floor == G_MAXUINT ? g_strdup ("others from floor-peerd")
                                        : g_strdup_printf ("%u from floor-peerd",
                                                           n_signals_floor),
           NULL, NULL, n_signals_floor == G_MAXUINT ? "BROKEN" : "info");
  row_ratio ("P1 UnitChanged against no-op call + commit, p50", p50_changed,
             "(call + commit)", p50_noop + p50_commit, 0);
  row_ratio ("floor-peerd against no-op call + commit, p50", median (f->peerd),
             "(call + commit)", p50_noop + p50_commit, 0);
  row_ratio ("P2 BrickMap, 3 units x 24 bricks, p50", median (f->brick_map),
             "(call)", p50_noop, 1.3);
  row_ratio ("P2 BrickMap, p99", percentile (f->brick_map, 0.99), "(call, p99)", p99_noop, 0);
  row_ratio ("stack: no-op call on a minimal GDBus service, p50", median (f->noop_gdbus),
             "(call)", p50_noop, 0);
  row_ratio ("stack: call + UnitChanged's 3 signals, sd-bus service, p50",
             median (f->update), "(call)", p50_noop, 0);
  row_ratio ("stack: call + UnitChanged's 3 signals, GDBus service, p50",
             median (f->update_gdbus), "(call)", p50_noop, 0);
  row_add (g_strdup ("samples"), g_strdup_printf ("%u", f->changed->len),
           g_strdup_printf ("UnitChanged; %u BrickMap", f->brick_map->len), NULL, NULL,
           "info");
}

/* P2's units glusterfs/0..2, glusterfs/1 also P1's. */
static void
add_p2_units (Bench *b)
{
  for (guint k = 0; k < P2_UNITS; k++)
    {
      g_autofree char *unit = g_strdup_printf ("glusterfs/%u", k);
      g_autofree char *address = unit_address (k);
      g_auto(GStrv) bricks = make_bricks (P1_BRICKS, "-a");
      g_autoptr(GVariant) settings = make_settings (address, (const char *const *) bricks);

      call_unit_changed (b->client, "server:1", unit, settings);
    }
}

int
bench_floor (void)
{
  Bench *b = bench_new (FALSE);
  g_autofree char *floor_dir = make_dir (b->dir, "floor");
  g_autoptr(GpStore) store = NULL;
  g_autofree char *row_size = NULL;
  FloorSamples f;
  GVariant *variant[2];
  GStrv bricks[2];
  guint warmup = iterations (50), n = iterations (1000), n_signals_daemon, n_signals_floor;

  floor_samples_init (&f);
  start_floor_services (b);
  start_floor_peerd (b);
  start_daemon (b);
  b->client = client_new (gp_test_bus_get_address (b->bus));
  store = floor_store_open (floor_dir);
  for (guint v = 0; v < 2; v++)
    {
      bricks[v] = make_bricks (P1_BRICKS, v ? "-b" : "-a");
      variant[v] = make_settings ("10.1.0.1", (const char *const *) bricks[v]);
    }
  {
    g_autofree char *settings_json = gp_settings_to_json (variant[0]);
    g_autofree char *bricks_json = gp_bricks_to_json ((const char *const *) bricks[0]);

    row_size = fmt_bytes (strlen ("server") + strlen ("glusterfs/1") + strlen (settings_json) +
                          strlen (bricks_json));
  }
  add_p2_units (b);
  call_floor_unit_changed (b->client, variant[0]);
  check_floor_signals (b, variant, &n_signals_daemon, &n_signals_floor);

  /* Set-up left variant 0 everywhere: each round swaps to the other. */
  for (guint i = 0; i < warmup + n; i++)
    floor_round (b, store, &f, i, i >= warmup, variant[(i + 1) % 2], bricks[(i + 1) % 2]);

  floor_rows (&f, row_size, n_signals_daemon, n_signals_floor);
  stop_daemon (b);
  bench_free (b);
  floor_samples_clear (&f);
  for (guint v = 0; v < 2; v++)
    {
      g_variant_unref (variant[v]);
      g_strfreev (bricks[v]);
    }
  print_table ("floor, P1 (UnitChanged) and P2 (BrickMap): medians of alternated samples");
  return broken ? EXIT_FAILURE : EXIT_SUCCESS;
}
