/* The Relation methods anyone may call: read-only answers from memory. */
#include "config.h"

#include "gp-bricks.h"
#include "gp-error.h"
#include "gp-names.h"
#include "gp-relation.h"

/* "" means private-address, as the old interface's default did. */
static const char *
address_key (const char *key, GError **error)
{
  if (key[0] == '\0')
    return "private-address";
  return gp_settings_key_validate (key, error) ? key : NULL;
}

static gboolean
fail (GDBusMethodInvocation *invocation, GError *error)
{
  g_dbus_method_invocation_return_gerror (invocation, error);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
handle_ip_map (GpDbusRelation *iface, GDBusMethodInvocation *invocation,
               const char *key, GpRelation *self)
{
  GPtrArray *units = gp_relation_get_units (self);
  g_autoptr(GError) error = NULL;
  GVariantBuilder builder;
  guint i;

  if ((key = address_key (key, &error)) == NULL)
    return fail (invocation, error);
  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(ss)"));
  for (i = 0; i < units->len; i++)
    {
      GpUnit *unit = g_ptr_array_index (units, i);

      g_variant_builder_add (&builder, "(ss)", gp_unit_get_host_name (unit),
                             gp_peer_data_address_for (gp_unit_get_settings (unit), key));
    }
  gp_dbus_relation_complete_ip_map (iface, invocation, g_variant_builder_end (&builder));
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
handle_brick_map (GpDbusRelation *iface, GDBusMethodInvocation *invocation,
                  GpRelation *self)
{
  GPtrArray *units = gp_relation_get_units (self);
  GVariantBuilder builder;
  guint i;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a{sas}"));
  for (i = 0; i < units->len; i++)
    {
      /* Serialised when the unit last changed, not on every call. */
      g_variant_builder_add_value (&builder,
                                   gp_unit_get_brick_entry (g_ptr_array_index (units, i)));
    }
  gp_dbus_relation_complete_brick_map (iface, invocation, g_variant_builder_end (&builder));
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* The local unit's bricks, as its peers would read them. */
static GStrv
local_bricks (GpRelation *self)
{
  const char *value = gp_settings_lookup (gp_relation_get_local_settings (self), "bricks");
  GStrv bricks = NULL;

  if (value && value[0])
    bricks = gp_bricks_parse (value, gp_relation_get_limits (self)->max_bricks, NULL);
  return bricks ? bricks : g_new0 (char *, 1);
}

static gboolean
handle_peer_info (GpDbusRelation *iface, GDBusMethodInvocation *invocation,
                  const char *key, GpRelation *self)
{
  GPtrArray *units = gp_relation_get_units (self);
  const char *local = gp_relation_get_local_unit (self);
  g_autoptr(GError) error = NULL;
  GVariantBuilder builder;
  guint i;

  if ((key = address_key (key, &error)) == NULL)
    return fail (invocation, error);
  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a{s(sas)}"));
  for (i = 0; i < units->len; i++)
    {
      GpUnit *unit = g_ptr_array_index (units, i);

      g_variant_builder_add (&builder, "{s(s^as)}", gp_unit_get_name (unit),
                             gp_peer_data_address_for (gp_unit_get_settings (unit), key),
                             gp_unit_get_bricks (unit));
    }
  if (local[0])
    {
      g_auto(GStrv) bricks = local_bricks (self);

      g_variant_builder_add (&builder, "{s(s^as)}", local,
                             gp_peer_data_address_for (gp_relation_get_local_settings (self), key),
                             bricks);
    }
  gp_dbus_relation_complete_peer_info (iface, invocation, g_variant_builder_end (&builder));
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
handle_retrieve_remote (GpDbusRelation *iface, GDBusMethodInvocation *invocation,
                        const char *key, GpRelation *self)
{
  GPtrArray *units = gp_relation_get_units (self);
  g_autoptr(GPtrArray) values = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  guint i;

  if (!gp_settings_key_validate (key, &error))
    return fail (invocation, error);
  for (i = 0; i < units->len; i++)
    {
      const char *value = gp_settings_lookup (gp_unit_get_settings (g_ptr_array_index (units, i)), key);

      if (value && value[0])
        g_ptr_array_add (values, (gpointer) value);
    }
  g_ptr_array_add (values, NULL);
  gp_dbus_relation_complete_retrieve_remote (iface, invocation,
                                             (const char *const *) values->pdata);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
handle_volume_bricks (GpDbusRelation *iface, GDBusMethodInvocation *invocation,
                      guint replica, const char *key, GpRelation *self)
{
  GPtrArray *units = gp_relation_get_units (self);
  const char *local = gp_relation_get_local_unit (self);
  g_autofree GpHostBricks *hosts = g_new0 (GpHostBricks, units->len + 1);
  g_auto(GStrv) own_bricks = NULL;
  g_auto(GStrv) result = NULL;
  g_autoptr(GError) error = NULL;
  guint i, n = 0;
  gboolean local_placed = local[0] == '\0';

  if ((key = address_key (key, &error)) == NULL)
    return fail (invocation, error);

  /* The local unit takes its place among the remote ones by name, so every
   * unit computes the same order. */
  for (i = 0; i <= units->len; i++)
    {
      GpUnit *unit = i < units->len ? g_ptr_array_index (units, i) : NULL;

      if (!local_placed && (unit == NULL || gp_unit_name_compare (local, gp_unit_get_name (unit)) < 0))
        {
          own_bricks = local_bricks (self);
          hosts[n++] = (GpHostBricks) {
            gp_peer_data_address_for (gp_relation_get_local_settings (self), key),
            (const char *const *) own_bricks,
          };
          local_placed = TRUE;
        }
      if (unit && (local[0] == '\0' || !g_str_equal (local, gp_unit_get_name (unit))))
        hosts[n++] = (GpHostBricks) {
          gp_peer_data_address_for (gp_unit_get_settings (unit), key),
          gp_unit_get_bricks (unit),
        };
    }

  result = gp_volume_bricks (hosts, n, replica, &error);
  if (result == NULL)
    return fail (invocation, error);
  gp_dbus_relation_complete_volume_bricks (iface, invocation, (const char *const *) result);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

void
gp_relation_queries_connect (GpRelation *self, GpDbusRelation *iface)
{
  g_signal_connect (iface, "handle-ip-map", G_CALLBACK (handle_ip_map), self);
  g_signal_connect (iface, "handle-brick-map", G_CALLBACK (handle_brick_map), self);
  g_signal_connect (iface, "handle-peer-info", G_CALLBACK (handle_peer_info), self);
  g_signal_connect (iface, "handle-retrieve-remote", G_CALLBACK (handle_retrieve_remote), self);
  g_signal_connect (iface, "handle-volume-bricks", G_CALLBACK (handle_volume_bricks), self);
}
