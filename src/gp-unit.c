#include "config.h"

#include "gp-dbus.h"
#include "gp-names.h"
#include "gp-unit.h"

struct _GpUnit
{
  GObject parent_instance;

  char *name;
  char *host_name;
  GVariant *settings;
  GpPeerData *data;      /* without bricks: the skeleton's Bricks has them */
  /* {sas}: host name -> bricks, BrickMap's entry for this unit: made on
   * the first BrickMap after a change, serialised, reused until the next. */
  GVariant *brick_entry;

  GpDbusObjectSkeleton *object;
  GpDbusPeer *iface;
};

G_DEFINE_TYPE (GpUnit, gp_unit, G_TYPE_OBJECT)

static void
gp_unit_finalize (GObject *object)
{
  GpUnit *self = GP_UNIT (object);

  g_free (self->name);
  g_free (self->host_name);
  g_clear_pointer (&self->settings, g_variant_unref);
  g_clear_pointer (&self->data, gp_peer_data_free);
  g_clear_pointer (&self->brick_entry, g_variant_unref);
  g_clear_object (&self->iface);
  g_clear_object (&self->object);
  G_OBJECT_CLASS (gp_unit_parent_class)->finalize (object);
}

static void
gp_unit_class_init (GpUnitClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = gp_unit_finalize;
}

static void
gp_unit_init (GpUnit *self)
{
}

static const char *const no_bricks[] = { NULL };

GpUnit *
gp_unit_new (const char *relation_name, const char *name)
{
  GpUnit *self = g_object_new (GP_TYPE_UNIT, NULL);
  g_autofree char *path = gp_unit_object_path (relation_name, name);

  self->name = g_strdup (name);
  self->host_name = gp_unit_host_name (name);
  self->object = gp_dbus_object_skeleton_new (path);
  self->iface = gp_dbus_peer_skeleton_new ();
  gp_dbus_peer_set_name (self->iface, self->name);
  gp_dbus_peer_set_host_name (self->iface, self->host_name);
  gp_dbus_object_skeleton_set_peer (self->object, self->iface);
  return self;
}

const char *
gp_unit_get_name (GpUnit *self)
{
  return self->name;
}

const char *
gp_unit_get_host_name (GpUnit *self)
{
  return self->host_name;
}

const char *
gp_unit_get_path (GpUnit *self)
{
  return g_dbus_object_get_object_path (G_DBUS_OBJECT (self->object));
}

GVariant *
gp_unit_get_settings (GpUnit *self)
{
  return self->settings;
}

const char *const *
gp_unit_get_bricks (GpUnit *self)
{
  /* The one copy kept: the property's. */
  const char *const *bricks = gp_dbus_peer_get_bricks (self->iface);

  return bricks ? bricks : no_bricks;
}

gboolean
gp_unit_get_available (GpUnit *self)
{
  return self->data && self->data->available;
}

GVariant *
gp_unit_get_brick_entry (GpUnit *self)
{
  if (self->brick_entry == NULL)
    {
      self->brick_entry = g_variant_new_dict_entry (g_variant_new_string (self->host_name),
                                                    g_variant_new_strv (gp_unit_get_bricks (self), -1));
      g_variant_ref_sink (self->brick_entry);
      (void) g_variant_get_data (self->brick_entry); /* one block, not a tree */
    }
  return self->brick_entry;
}

GDBusObjectSkeleton *
gp_unit_get_object (GpUnit *self)
{
  return G_DBUS_OBJECT_SKELETON (self->object);
}

void
gp_unit_update (GpUnit *self, GVariant *settings, GpPeerData *data)
{
  g_clear_pointer (&self->settings, g_variant_unref);
  self->settings = g_variant_ref_sink (settings);
  g_clear_pointer (&self->data, gp_peer_data_free);
  self->data = data;
  if (!g_strv_equal (gp_unit_get_bricks (self), (const char *const *) data->bricks))
    g_clear_pointer (&self->brick_entry, g_variant_unref);

  /* The skeleton compares each value and queues PropertiesChanged only for
   * those that differ. */
  gp_dbus_peer_set_address (self->iface, data->address);
  gp_dbus_peer_set_addresses (self->iface, data->addresses);
  gp_dbus_peer_set_bricks (self->iface, (const char *const *) data->bricks);
  gp_dbus_peer_set_settings (self->iface, settings);
  gp_dbus_peer_set_available (self->iface, data->available);
  gp_dbus_peer_set_problems (self->iface, (const char *const *) data->problems);
  g_clear_pointer (&data->bricks, g_strfreev);
}

void
gp_unit_flush (GpUnit *self)
{
  g_dbus_interface_skeleton_flush (G_DBUS_INTERFACE_SKELETON (self->iface));
}

void
gp_unit_emit_bricks_changed (GpUnit *self, const char *const *added,
                             const char *const *removed)
{
  if (added && added[0])
    gp_dbus_peer_emit_bricks_added (self->iface, added);
  if (removed && removed[0])
    gp_dbus_peer_emit_bricks_removed (self->iface, removed);
}

void
gp_unit_emit_departed (GpUnit *self)
{
  gp_dbus_peer_emit_departed (self->iface);
}
