/* floor-peerd: the floor of gluster-peerd's UnitChanged, the least an
 * sd-bus service on sd-event can do for the same work. The benchmark
 * holds gluster-peerd's UnitChanged to a ratio of this.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 *   floor-peerd BUS-ADDRESS NAME STATE-DIR
 *
 * Owns NAME and exports, at /org/juju/GlusterPeer, the very method
 * org.juju.GlusterPeer.Manager.UnitChanged (ssa{ss}) -> o, so the
 * benchmark sends it the same message it sends gluster-peerd. For each
 * call it does what gluster-peerd must do and nothing else:
 *
 *   - reads the bag and parses its "bricks" JSON list (no checks, no
 *     canonical form, no limits);
 *   - writes the unit's row through gp-store, the daemon's own store
 *     (STATE-DIR/state.db: WAL, synchronous=FULL, the same schema and
 *     statements), in one durable transaction;
 *   - emits what gluster-peerd emits for a changed bag: PropertiesChanged
 *     (Bricks and Settings, with values) on the unit's object, then
 *     BricksAdded and BricksRemoved with the whole-path differences;
 *   - replies with the unit's object path.
 *
 * No model, no validation, no privilege check, no budget: it remembers the
 * last unit it was told about, which is all the benchmark changes. Serves
 * until SIGTERM, SIGINT or the bus goes away.
 */
#include "config.h"

#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

#include "gp-names.h"
#include "gp-store.h"

#define MANAGER_INTERFACE "org.juju.GlusterPeer.Manager"
#define UNIT_INTERFACE "org.juju.GlusterPeer"

typedef struct {
  GpStore *store;
  char *relation;     /* the relation row the units hang off */
  char *path;         /* the unit's object path */
  GVariant *settings; /* a{ss} */
  GStrv bricks;
} Floor;

static GStrv
parse_bricks (const char *json)
{
  g_autoptr(GPtrArray) bricks = g_ptr_array_new ();
  json_t *list = json ? json_loads (json, 0, NULL) : NULL;
  size_t i;
  json_t *item;

  json_array_foreach (list, i, item)
    if (json_is_string (item))
      g_ptr_array_add (bricks, g_strdup (json_string_value (item)));
  json_decref (list);
  g_ptr_array_add (bricks, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&bricks), FALSE);
}

/* The bricks of @bricks that @others lacks. */
static GStrv
bricks_missing (const char *const *bricks, const char *const *others)
{
  g_autoptr(GPtrArray) missing = g_ptr_array_new ();

  for (; bricks && *bricks; bricks++)
    if (others == NULL || !g_strv_contains (others, *bricks))
      g_ptr_array_add (missing, g_strdup (*bricks));
  g_ptr_array_add (missing, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&missing), FALSE);
}

static int
read_settings (sd_bus_message *m, GVariant **out_settings, const char **out_bricks)
{
  GVariantBuilder builder;
  const char *key, *value;
  int r;

  if ((r = sd_bus_message_enter_container (m, 'a', "{ss}")) < 0)
    return r;
  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a{ss}"));
  while ((r = sd_bus_message_read (m, "{ss}", &key, &value)) > 0)
    {
      g_variant_builder_add (&builder, "{ss}", key, value);
      if (g_str_equal (key, "bricks"))
        *out_bricks = value;
    }
  if (r >= 0)
    r = sd_bus_message_exit_container (m);
  if (r < 0)
    {
      g_variant_builder_clear (&builder);
      return r;
    }
  *out_settings = g_variant_ref_sink (g_variant_builder_end (&builder));
  return 0;
}

static gboolean
commit_row (Floor *floor, const char *unit, GVariant *settings, const char *const *bricks)
{
  g_autoptr(GError) error = NULL;

  if (!gp_store_begin (floor->store, &error) ||
      !gp_store_put_unit (floor->store, floor->relation, unit, settings, bricks, "", &error) ||
      !gp_store_commit (floor->store, &error))
    {
      fprintf (stderr, "floor-peerd: %s\n", error->message);
      gp_store_rollback (floor->store);
      return FALSE;
    }
  return TRUE;
}

static int
emit_bricks (sd_bus *bus, const char *path, const char *member, char **bricks)
{
  sd_bus_message *signal = NULL;
  int r;

  if (bricks[0] == NULL)
    return 0;
  r = sd_bus_message_new_signal (bus, &signal, path, UNIT_INTERFACE, member);
  if (r >= 0)
    r = sd_bus_message_append_strv (signal, bricks);
  if (r >= 0)
    r = sd_bus_send (bus, signal, NULL);
  sd_bus_message_unref (signal);
  return r;
}

static int
method_unit_changed (sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
  Floor *floor = userdata;
  sd_bus *bus = sd_bus_message_get_bus (m);
  g_autoptr(GVariant) settings = NULL;
  g_auto(GStrv) bricks = NULL, added = NULL, removed = NULL;
  const char *relation, *unit, *bricks_json = NULL;
  int r;

  if ((r = sd_bus_message_read (m, "ss", &relation, &unit)) < 0 ||
      (r = read_settings (m, &settings, &bricks_json)) < 0)
    return r;
  bricks = parse_bricks (bricks_json);
  if (!commit_row (floor, unit, settings, (const char *const *) bricks))
    return sd_bus_error_set (ret_error, SD_BUS_ERROR_FAILED, "cannot write the row");

  added = bricks_missing ((const char *const *) bricks, (const char *const *) floor->bricks);
  removed = bricks_missing ((const char *const *) floor->bricks, (const char *const *) bricks);
  g_free (floor->path);
  floor->path = gp_unit_object_path (floor->relation, unit);
  g_clear_pointer (&floor->settings, g_variant_unref);
  floor->settings = g_steal_pointer (&settings);
  g_strfreev (floor->bricks);
  floor->bricks = g_steal_pointer (&bricks);

  if ((r = sd_bus_emit_properties_changed (bus, floor->path, UNIT_INTERFACE,
                                           "Bricks", "Settings", NULL)) < 0 ||
      (r = emit_bricks (bus, floor->path, "BricksAdded", added)) < 0 ||
      (r = emit_bricks (bus, floor->path, "BricksRemoved", removed)) < 0)
    return r;
  return sd_bus_reply_method_return (m, "o", floor->path);
}

static int
get_bricks (sd_bus *bus, const char *path, const char *interface, const char *property,
            sd_bus_message *reply, void *userdata, sd_bus_error *ret_error)
{
  return sd_bus_message_append_strv (reply, ((Floor *) userdata)->bricks);
}

static int
get_settings (sd_bus *bus, const char *path, const char *interface, const char *property,
              sd_bus_message *reply, void *userdata, sd_bus_error *ret_error)
{
  GVariantIter iter;
  const char *key, *value;
  int r = sd_bus_message_open_container (reply, 'a', "{ss}");

  g_variant_iter_init (&iter, ((Floor *) userdata)->settings);
  while (r >= 0 && g_variant_iter_next (&iter, "{&s&s}", &key, &value))
    r = sd_bus_message_append (reply, "{ss}", key, value);
  return r < 0 ? r : sd_bus_message_close_container (reply);
}

static const sd_bus_vtable manager_vtable[] = {
  SD_BUS_VTABLE_START (0),
  SD_BUS_METHOD ("UnitChanged", "ssa{ss}", "o", method_unit_changed,
                 SD_BUS_VTABLE_UNPRIVILEGED),
  SD_BUS_VTABLE_END
};

static const sd_bus_vtable unit_vtable[] = {
  SD_BUS_VTABLE_START (0),
  SD_BUS_PROPERTY ("Bricks", "as", get_bricks, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
  SD_BUS_PROPERTY ("Settings", "a{ss}", get_settings, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
  SD_BUS_SIGNAL ("BricksAdded", "as", 0),
  SD_BUS_SIGNAL ("BricksRemoved", "as", 0),
  SD_BUS_VTABLE_END
};

/* Fallback vtables, as in gluster-peerd: sd-bus wants every vtable of one
 * path to be a fallback or none, and the unit lives below the manager. */
static int
find_manager (sd_bus *bus, const char *path, const char *interface, void *userdata,
              void **found, sd_bus_error *ret_error)
{
  if (!g_str_equal (path, GP_OBJECT_PATH_ROOT))
    return 0;
  *found = userdata;
  return 1;
}

static int
find_unit (sd_bus *bus, const char *path, const char *interface, void *userdata,
           void **found, sd_bus_error *ret_error)
{
  Floor *floor = userdata;

  if (floor->path == NULL || !g_str_equal (path, floor->path))
    return 0;
  *found = floor;
  return 1;
}

static int
fail (const char *what, int r)
{
  fprintf (stderr, "floor-peerd: %s: %s\n", what, g_strerror (-r));
  return EXIT_FAILURE;
}

static Floor *
floor_open (const char *state_dir)
{
  g_autoptr(GError) error = NULL;
  Floor *floor = g_new0 (Floor, 1);
  g_autoptr(GVariant) empty = g_variant_ref_sink (g_variant_new_array (G_VARIANT_TYPE ("{ss}"),
                                                                       NULL, 0));
  GpRelationRecord record = {
    .name = "server", .id = "server:1", .local_unit = "", .local_settings = empty,
  };

  floor->relation = g_strdup (record.name);
  floor->store = gp_store_open (state_dir, &error);
  if (floor->store == NULL || !gp_store_begin (floor->store, &error) ||
      !gp_store_put_relation (floor->store, &record, &error) ||
      !gp_store_commit (floor->store, &error))
    {
      fprintf (stderr, "floor-peerd: %s\n", error->message);
      exit (EXIT_FAILURE);
    }
  return floor;
}

int
main (int argc, char **argv)
{
  sd_event *event = NULL;
  sd_bus *bus = NULL;
  sigset_t mask;
  Floor *floor;
  int r;

  if (argc != 4)
    {
      fprintf (stderr, "usage: floor-peerd BUS-ADDRESS NAME STATE-DIR\n");
      return 2;
    }
  floor = floor_open (argv[3]);
  sigemptyset (&mask);
  sigaddset (&mask, SIGTERM);
  sigaddset (&mask, SIGINT);
  sigprocmask (SIG_BLOCK, &mask, NULL);

  if ((r = sd_event_default (&event)) < 0 ||
      (r = sd_event_add_signal (event, NULL, SIGTERM, NULL, NULL)) < 0 ||
      (r = sd_event_add_signal (event, NULL, SIGINT, NULL, NULL)) < 0)
    return fail ("event loop", r);
  if ((r = sd_bus_new (&bus)) < 0 ||
      (r = sd_bus_set_address (bus, argv[1])) < 0 ||
      (r = sd_bus_set_bus_client (bus, 1)) < 0 ||
      (r = sd_bus_start (bus)) < 0)
    return fail ("connect", r);
  if ((r = sd_bus_add_fallback_vtable (bus, NULL, GP_OBJECT_PATH_ROOT, MANAGER_INTERFACE,
                                       manager_vtable, find_manager, floor)) < 0 ||
      (r = sd_bus_add_fallback_vtable (bus, NULL, GP_OBJECT_PATH_ROOT, UNIT_INTERFACE,
                                       unit_vtable, find_unit, floor)) < 0)
    return fail ("export", r);
  if ((r = sd_bus_attach_event (bus, event, SD_EVENT_PRIORITY_NORMAL)) < 0 ||
      (r = sd_bus_set_exit_on_disconnect (bus, 1)) < 0 ||
      (r = sd_bus_request_name (bus, argv[2], 0)) < 0)
    return fail ("serve", r);

  r = sd_event_loop (event);
  sd_bus_flush_close_unref (bus);
  sd_event_unref (event);
  g_clear_object (&floor->store);
  return r < 0 ? fail ("event loop", r) : EXIT_SUCCESS;
}
