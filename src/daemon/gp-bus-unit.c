/* gp-bus-unit.c: org.juju.GlusterPeer (one remote unit) on sd-bus, one
 * fallback vtable for every unit, and the unit's signals. */
#include "config.h"

#include "gp-bus-private.h"

GETTER (get_name)
{
  return sd_bus_message_append_basic (reply, 's', gp_model_unit_get_name (userdata));
}

GETTER (get_host_name)
{
  return sd_bus_message_append_basic (reply, 's', gp_model_unit_get_host_name (userdata));
}

GETTER (get_address)
{
  return sd_bus_message_append_basic (reply, 's', gp_model_unit_get_address (userdata));
}

GETTER (get_addresses)
{
  return gp_bus_append_settings (reply, gp_model_unit_get_addresses (userdata));
}

GETTER (get_bricks)
{
  return sd_bus_message_append_strv (reply, (char **) gp_model_unit_get_bricks (userdata));
}

GETTER (get_settings)
{
  return gp_bus_append_settings (reply, gp_model_unit_get_settings (userdata));
}

GETTER (get_available)
{
  int available = gp_model_unit_get_available (userdata);

  return sd_bus_message_append_basic (reply, 'b', &available);
}

GETTER (get_problems)
{
  return sd_bus_message_append_strv (reply, (char **) gp_model_unit_get_problems (userdata));
}

#define EMITS SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE

const sd_bus_vtable gp_bus_unit_vtable[] = {
  SD_BUS_VTABLE_START (0),
  SD_BUS_PROPERTY ("Name", "s", get_name, 0, SD_BUS_VTABLE_PROPERTY_CONST),
  SD_BUS_PROPERTY ("HostName", "s", get_host_name, 0, SD_BUS_VTABLE_PROPERTY_CONST),
  SD_BUS_PROPERTY ("Address", "s", get_address, 0, EMITS),
  SD_BUS_PROPERTY ("Addresses", "a{ss}", get_addresses, 0, EMITS),
  SD_BUS_PROPERTY ("Bricks", "as", get_bricks, 0, EMITS),
  SD_BUS_PROPERTY ("Settings", "a{ss}", get_settings, 0, EMITS),
  SD_BUS_PROPERTY ("Available", "b", get_available, 0, EMITS),
  SD_BUS_PROPERTY ("Problems", "as", get_problems, 0, EMITS),
  SD_BUS_SIGNAL_WITH_NAMES ("BricksAdded", "as", SD_BUS_PARAM (bricks), 0),
  SD_BUS_SIGNAL_WITH_NAMES ("BricksRemoved", "as", SD_BUS_PARAM (bricks), 0),
  SD_BUS_SIGNAL_WITH_NAMES ("Departed", "sas", SD_BUS_PARAM (address) SD_BUS_PARAM (bricks), 0),
  SD_BUS_VTABLE_END
};

/* ---- the model's unit changes as signals ---- */

void
gp_bus_unit_changed (gpointer data, GpModelUnit *unit, GpUnitProps props)
{
  g_autofree char *path = gp_bus_unit_path (unit);
  const char *names[7];
  guint n = 0;

  if (props & GP_UNIT_PROP_ADDRESS)
    names[n++] = "Address";
  if (props & GP_UNIT_PROP_ADDRESSES)
    names[n++] = "Addresses";
  if (props & GP_UNIT_PROP_BRICKS)
    names[n++] = "Bricks";
  if (props & GP_UNIT_PROP_SETTINGS)
    names[n++] = "Settings";
  if (props & GP_UNIT_PROP_AVAILABLE)
    names[n++] = "Available";
  if (props & GP_UNIT_PROP_PROBLEMS)
    names[n++] = "Problems";
  names[n] = NULL;
  gp_bus_properties_changed (data, path, GP_UNIT_INTERFACE, names);
}

static void
emit_bricks (GpBus *self, const char *path, const char *member, const char *const *bricks)
{
  g_autoptr(sd_bus_message) signal = NULL;
  int r;

  r = sd_bus_message_new_signal (self->bus, &signal, path, GP_UNIT_INTERFACE, member);
  if (r >= 0)
    r = sd_bus_message_append_strv (signal, (char **) bricks);
  if (r >= 0)
    r = sd_bus_send (self->bus, signal, NULL);
  if (r < 0)
    g_message ("Could not emit %s on %s: %s", member, path, g_strerror (-r));
}

void
gp_bus_unit_bricks_changed (gpointer data, GpModelUnit *unit,
                            const char *const *added, const char *const *removed)
{
  g_autofree char *path = gp_bus_unit_path (unit);

  if (added[0])
    emit_bricks (data, path, "BricksAdded", added);
  if (removed[0])
    emit_bricks (data, path, "BricksRemoved", removed);
}

void
gp_bus_unit_departed (gpointer data, GpModelUnit *unit)
{
  GpBus *self = data;
  g_autofree char *path = gp_bus_unit_path (unit);
  g_autoptr(sd_bus_message) signal = NULL;
  int r;

  /* The last address and bricks: the object is gone after this, and a
   * subscriber needs them to shrink the volume and detach the peer. */
  r = sd_bus_message_new_signal (self->bus, &signal, path, GP_UNIT_INTERFACE, "Departed");
  if (r >= 0)
    r = sd_bus_message_append_basic (signal, 's', gp_model_unit_get_address (unit));
  if (r >= 0)
    r = sd_bus_message_append_strv (signal, (char **) gp_model_unit_get_bricks (unit));
  if (r >= 0)
    r = sd_bus_send (self->bus, signal, NULL);
  if (r < 0)
    g_message ("Could not emit Departed on %s: %s", path, g_strerror (-r));
}
