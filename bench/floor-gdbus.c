/* floor-gdbus: the smallest D-Bus service GDBus can make: the floor of the
 * stack gluster-peerd is written on, reported next to the sd-bus floor
 * (floor-service.c) so the cost of the stack and the cost of the service
 * can be told apart.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 *   floor-gdbus BUS-ADDRESS NAME
 *
 * Exports FLOOR_PATH with FLOOR_INTERFACE.Noop () -> (), and Update (a{ss})
 * -> (), which emits what UnitChanged emits (PropertiesChanged with the
 * bag, BricksAdded, BricksRemoved) and replies, with no work and no disk;
 * through
 * g_dbus_connection_register_object (no skeleton, no authorization
 * handler), owns NAME and serves until SIGTERM or SIGINT.
 */
#include <gio/gio.h>
#include <glib-unix.h>
#include <stdlib.h>

#include "floor-service.h"

static const char introspection_xml[] =
  "<node>"
  "  <interface name='" FLOOR_INTERFACE "'>"
  "    <method name='Noop'/>"
  "    <method name='Update'><arg type='a{ss}' direction='in'/></method>"
  "  </interface>"
  "</node>";

static void
method_call (GDBusConnection *connection, const char *sender, const char *path,
             const char *interface, const char *method, GVariant *parameters,
             GDBusMethodInvocation *invocation, gpointer user_data)
{
  if (g_str_equal (method, "Update"))
    {
      static const char *const added[] = { "/srv/gluster/added", NULL };
      static const char *const removed[] = { "/srv/gluster/removed", NULL };
      g_autoptr(GVariant) settings = g_variant_get_child_value (parameters, 0);
      GVariantBuilder changed;

      g_variant_builder_init (&changed, G_VARIANT_TYPE ("a{sv}"));
      g_variant_builder_add (&changed, "{sv}", "Settings", settings);
      g_dbus_connection_emit_signal (connection, NULL, path, "org.freedesktop.DBus.Properties",
                                     "PropertiesChanged",
                                     g_variant_new ("(sa{sv}as)", interface, &changed, NULL),
                                     NULL);
      g_dbus_connection_emit_signal (connection, NULL, path, interface, "BricksAdded",
                                     g_variant_new ("(^as)", added), NULL);
      g_dbus_connection_emit_signal (connection, NULL, path, interface, "BricksRemoved",
                                     g_variant_new ("(^as)", removed), NULL);
    }
  g_dbus_method_invocation_return_value (invocation, NULL);
}

static const GDBusInterfaceVTable vtable = { method_call, NULL, NULL, { 0 } };

static gboolean
on_signal (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

int
main (int argc, char **argv)
{
  g_autoptr(GDBusNodeInfo) info = NULL;
  g_autoptr(GDBusConnection) connection = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  if (argc != 3)
    {
      g_printerr ("usage: floor-gdbus BUS-ADDRESS NAME\n");
      return 2;
    }
  info = g_dbus_node_info_new_for_xml (introspection_xml, &error);
  g_assert_no_error (error);
  connection = g_dbus_connection_new_for_address_sync (argv[1],
                                                       G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                       G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                       NULL, NULL, &error);
  if (connection == NULL)
    {
      g_printerr ("floor-gdbus: %s\n", error->message);
      return EXIT_FAILURE;
    }
  if (g_dbus_connection_register_object (connection, FLOOR_PATH, info->interfaces[0],
                                         &vtable, NULL, NULL, &error) == 0)
    {
      g_printerr ("floor-gdbus: %s\n", error->message);
      return EXIT_FAILURE;
    }
  reply = g_dbus_connection_call_sync (connection, "org.freedesktop.DBus",
                                       "/org/freedesktop/DBus", "org.freedesktop.DBus",
                                       "RequestName", g_variant_new ("(su)", argv[2], 4),
                                       G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE,
                                       -1, NULL, &error);
  if (reply == NULL)
    {
      g_printerr ("floor-gdbus: %s\n", error->message);
      return EXIT_FAILURE;
    }
  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGTERM, on_signal, loop);
  g_unix_signal_add (SIGINT, on_signal, loop);
  g_main_loop_run (loop);
  return EXIT_SUCCESS;
}
