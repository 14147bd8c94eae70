/* gp-bench-scale.c: P4, gluster-peerd with 10,000 units x 16 bricks:
 * start, peak RSS, and the big replies against an sd-bus service sending
 * the same ones.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "floor-service.h"
#include "gp-bench.h"
#include "gp-names.h"
#include "gp-store.h"

/* ---- P4: 10,000 units ------------------------------------------------------------- */

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
double
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

gsize
reply_count (sd_bus_message *reply, const char *signature)
{
  gsize n = 0;

  check (sd_bus_message_enter_container (reply, 'a', signature), "reply");
  while (sd_bus_message_skip (reply, signature) > 0)
    n++;
  sd_bus_message_unref (reply);
  return n;
}

/* Has the floor service call @member (BrickMap of "server", or
 * GetManagedObjects) on the daemon and keep the reply in @slot. */
static void
floor_capture (Bench *b, guint slot, const char *member)
{
  gboolean objects = g_str_equal (member, "GetManagedObjects");
  g_autofree char *path = objects ? g_strdup (GP_OBJECT_PATH_ROOT)
                                  : gp_relation_object_path ("server");
  sd_bus_message *m = msg_new (b->client, FLOOR_NAME, FLOOR_PATH, FLOOR_INTERFACE, "Capture");

  check (sd_bus_message_append (m, "ussss", slot, GP_BUS_NAME, path,
                                objects ? "org.freedesktop.DBus.ObjectManager" : RELATION_IFACE,
                                member), "Capture");
  call_timed (b->client, m, NULL);
}

static double
call_floor_replay (Bench *b, guint slot, sd_bus_message **reply)
{
  return call_timed (b->client, msg_new (b->client, FLOOR_NAME, FLOOR_PATH, FLOOR_INTERFACE,
                                         slot == FLOOR_SLOT_MAP ? "ReplayMap" : "ReplayObjects"),
                     reply);
}

/* UnitChanged on a unit among 10,000 and on one among 10, alternated, in
 * one daemon; each call swaps one brick. */
static void
measure_unit_changed (Bench *b, GArray *big, GArray *small)
{
  GVariant *big_variant[2], *small_variant[2];
  guint n = iterations (300), warmup = iterations (20), i, v;

  for (v = 0; v < 2; v++)
    {
      g_auto(GStrv) bricks = make_bricks (P4_BRICKS, v ? "-b" : NULL);
      g_autofree char *a = unit_address (5000);
      g_autofree char *s = unit_address (60005);

      big_variant[v] = make_settings (a, (const char *const *) bricks);
      small_variant[v] = make_settings (s, (const char *const *) bricks);
    }
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
  for (v = 0; v < 2; v++)
    {
      g_variant_unref (big_variant[v]);
      g_variant_unref (small_variant[v]);
    }
}

static void
measure_big_replies (Bench *b, GArray *brick_map, GArray *floor_map, GArray *objects,
                     GArray *floor_objects)
{
  sd_bus_message *reply = NULL;
  gsize n_entries;
  guint i;

  /* The floor: the same replies, captured once, sent again from memory
   * by an sd-bus service; alternated with the daemon's. */
  floor_capture (b, FLOOR_SLOT_MAP, "BrickMap");
  floor_capture (b, FLOOR_SLOT_OBJECTS, "GetManagedObjects");
  for (i = 0; i < iterations (20); i++)
    {
      samples_add (floor_map, call_floor_replay (b, FLOOR_SLOT_MAP, &reply));
      n_entries = reply_count (reply, "{sas}");
      if (n_entries != P4_UNITS)
        breakage ("the floor's BrickMap returned %zu hosts, not %u", n_entries, P4_UNITS);
      samples_add (brick_map, call_relation (b->client, "server", "BrickMap", &reply));
      n_entries = reply_count (reply, "{sas}");
      if (n_entries != P4_UNITS)
        breakage ("BrickMap returned %zu hosts, not %u", n_entries, P4_UNITS);
    }
  for (i = 0; i < iterations (8); i++)
    {
      samples_add (objects, call_timed (b->client,
                                        msg_new (b->client, GP_BUS_NAME, GP_OBJECT_PATH_ROOT,
                                                 "org.freedesktop.DBus.ObjectManager",
                                                 "GetManagedObjects"), &reply));
      n_entries = reply_count (reply, "{oa{sa{sv}}}");
      if (n_entries != P4_UNITS + P4_SMALL_UNITS + 2)
        breakage ("GetManagedObjects returned %zu objects, not %u", n_entries,
                  P4_UNITS + P4_SMALL_UNITS + 2);
      samples_add (floor_objects, call_floor_replay (b, FLOOR_SLOT_OBJECTS, &reply));
      n_entries = reply_count (reply, "{oa{sa{sv}}}");
      if (n_entries != P4_UNITS + P4_SMALL_UNITS + 2)
        breakage ("the floor's GetManagedObjects returned %zu objects", n_entries);
    }
}

static void
measure_volume_and_joins (Bench *b, GArray *volume, GArray *joins)
{
  sd_bus_message *reply = NULL;
  gsize n_entries;
  guint i;

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

}

static void
start_row (GArray *starts)
{
  g_autoptr(GString) list = g_string_new (NULL);
  double start_p50;

  for (guint i = 0; i < starts->len; i++)
    {
      g_autofree char *t = fmt_time (g_array_index (starts, double, i));

      g_string_append_printf (list, "%s%s", i ? ", " : "", t);
    }
  start_p50 = median (starts);
  row_add (g_strdup ("P4 start from 10,000 stored units to name on bus, median"),
           fmt_time (start_p50), g_strdup_printf ("of %s", list->str), NULL,
           g_strdup ("≤ 500 ms"), start_p50 <= 0.5 ? "pass" : "MISS");
}

int
bench_scale (void)
{
  Bench *b = bench_new (FALSE);
  g_autoptr(GArray) starts = samples_new ();
  g_autoptr(GArray) big = samples_new ();
  g_autoptr(GArray) small = samples_new ();
  g_autoptr(GArray) brick_map = samples_new ();
  g_autoptr(GArray) floor_map = samples_new ();
  g_autoptr(GArray) objects = samples_new ();
  g_autoptr(GArray) floor_objects = samples_new ();
  g_autoptr(GArray) volume = samples_new ();
  g_autoptr(GArray) joins = samples_new ();
  guint n_starts = 3, i;
  double write_time, stop_time = 0, last_stop, hwm_start, hwm_end, rss_end;
  gsize objects_size;
  g_autofree char *objects_size_text = NULL;
  GPid pid;

  write_time = write_scale_state (b->state_dir);
  start_floor_sdbus (b);
  for (i = 0; i < n_starts; i++)
    {
      samples_add (starts, start_daemon (b));
      if (i + 1 < n_starts)
        stop_time = stop_daemon (b);
    }
  pid = gp_test_daemon_get_pid (b->daemon);
  hwm_start = proc_status_bytes (pid, "VmHWM");
  b->client = client_new (gp_test_bus_get_address (b->bus));

  measure_unit_changed (b, big, small);
  measure_big_replies (b, brick_map, floor_map, objects, floor_objects);
  objects_size = managed_objects_size (b);
  measure_volume_and_joins (b, volume, joins);
  hwm_end = proc_status_bytes (pid, "VmHWM");
  rss_end = proc_status_bytes (pid, "VmRSS");
  last_stop = stop_daemon (b);
  stop_time = MAX (stop_time, last_stop);
  bench_free (b);

  objects_size_text = fmt_bytes (objects_size);
  start_row (starts);
  row_info ("P4 peak RSS (VmHWM) after start", fmt_bytes (hwm_start), NULL);
  row_add (g_strdup ("P4 peak RSS (VmHWM) over the run, GetManagedObjects included"),
           fmt_bytes (hwm_end),
           g_strdup_printf ("VmRSS at the end %.1f MiB", rss_end / (1024 * 1024)), NULL,
           g_strdup ("≤ 48 MiB"), hwm_end <= 48.0 * 1024 * 1024 ? "pass" : "MISS");
  row_ratio ("P4 UnitChanged at 10,000 units, p50", median (big), "at 10 units", median (small),
             1.05);
  row_ratio ("P4 GetManagedObjects, 10,012 objects, p50", median (objects),
             "same reply from sd-bus", median (floor_objects), 1.2);
  row_info ("P4 GetManagedObjects reply size", g_strdup (objects_size_text), NULL);
  row_ratio ("P4 BrickMap, 10,000 units x 16 bricks, p50", median (brick_map),
             "same reply from sd-bus", median (floor_map), 1.1);
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
