/* test-introspection.c: the running daemon's own Introspect output, for
 * each kind of object, equals the XML files in introspection/, the documented API:
 * the same interfaces, members, signatures, argument names and
 * directions, property access and EmitsChangedSignal annotations.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <gio/gio.h>
#include <string.h>

#include "gp-test-bus.h"

#define ROOT_PATH "/org/juju/GlusterPeer"
#define SERVER_PATH ROOT_PATH "/server"
#define UNIT_PATH SERVER_PATH "/glusterfs_2f1"

typedef struct {
  const char *path;
  const char *interface;
  const char *xml;
} ObjectKind;

static const ObjectKind kinds[] = {
  { ROOT_PATH, "org.juju.GlusterPeer.Manager", "org.juju.GlusterPeer.Manager.xml" },
  { SERVER_PATH, "org.juju.GlusterPeer.Relation", "org.juju.GlusterPeer.Relation.xml" },
  { UNIT_PATH, "org.juju.GlusterPeer", "org.juju.GlusterPeer.xml" },
};

static void
describe_args (GString *out, const char *what, GDBusArgInfo **args)
{
  for (guint i = 0; args && args[i]; i++)
    g_string_append_printf (out, " %s %s:%s", what, args[i]->name, args[i]->signature);
}

/* What a property promises about PropertiesChanged; absent means "true". */
static const char *
emits_changed (GDBusPropertyInfo *property)
{
  const char *value = g_dbus_annotation_info_lookup (property->annotations,
                                                     "org.freedesktop.DBus.Property.EmitsChangedSignal");

  return value ? value : "true";
}

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* One sorted line per member: everything a client relies on, nothing of
 * the order or documentation. */
static GStrv
describe_interface (GDBusInterfaceInfo *info)
{
  g_autoptr(GPtrArray) lines = g_ptr_array_new ();

  for (guint i = 0; info->methods && info->methods[i]; i++)
    {
      GString *line = g_string_new (NULL);

      g_string_append_printf (line, "method %s", info->methods[i]->name);
      describe_args (line, "in", info->methods[i]->in_args);
      describe_args (line, "out", info->methods[i]->out_args);
      g_ptr_array_add (lines, g_string_free (line, FALSE));
    }
  for (guint i = 0; info->signals && info->signals[i]; i++)
    {
      GString *line = g_string_new (NULL);

      g_string_append_printf (line, "signal %s", info->signals[i]->name);
      describe_args (line, "arg", info->signals[i]->args);
      g_ptr_array_add (lines, g_string_free (line, FALSE));
    }
  for (guint i = 0; info->properties && info->properties[i]; i++)
    {
      GDBusPropertyInfo *p = info->properties[i];

      g_ptr_array_add (lines, g_strdup_printf ("property %s %s%s%s emits=%s", p->name,
                                               p->signature,
                                               p->flags & G_DBUS_PROPERTY_INFO_FLAGS_READABLE ? " read" : "",
                                               p->flags & G_DBUS_PROPERTY_INFO_FLAGS_WRITABLE ? " write" : "",
                                               emits_changed (p)));
    }
  g_ptr_array_sort (lines, compare_strings);
  g_ptr_array_add (lines, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&lines), FALSE);
}

static GDBusNodeInfo *
introspect (GDBusConnection *conn, const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  const char *xml;
  GDBusNodeInfo *node;

  reply = g_dbus_connection_call_sync (conn, GP_TEST_BUS_NAME, path,
                                       "org.freedesktop.DBus.Introspectable", "Introspect",
                                       NULL, G_VARIANT_TYPE ("(s)"), G_DBUS_CALL_FLAGS_NONE,
                                       -1, NULL, &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(&s)", &xml);
  node = g_dbus_node_info_new_for_xml (xml, &error);
  g_assert_no_error (error);
  return node;
}

static GDBusNodeInfo *
documented (const char *file)
{
  g_autofree char *path = gp_test_source_path ("introspection", file, NULL);
  g_autofree char *xml = NULL;
  g_autoptr(GError) error = NULL;
  GDBusNodeInfo *node;

  g_file_get_contents (path, &xml, NULL, &error);
  g_assert_no_error (error);
  node = g_dbus_node_info_new_for_xml (xml, &error);
  g_assert_no_error (error);
  return node;
}

static void
call (GDBusConnection *conn, const char *method, GVariant *args)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;

  reply = g_dbus_connection_call_sync (conn, GP_TEST_BUS_NAME, ROOT_PATH,
                                       "org.juju.GlusterPeer.Manager", method, args, NULL,
                                       G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
}

static void
test_introspection_matches_xml (void)
{
  g_autoptr(GpTestBus) bus = gp_test_bus_new (FALSE);
  g_autoptr(GpTestDaemon) daemon = gp_test_daemon_start (bus, NULL, NULL);
  g_autoptr(GDBusConnection) conn = gp_test_bus_connect (bus);

  call (conn, "UnitChanged", g_variant_new_parsed ("('server:1', 'glusterfs/1', "
                                                   "{'private-address': '10.0.0.1'})"));
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autoptr(GDBusNodeInfo) live = introspect (conn, kinds[i].path);
      g_autoptr(GDBusNodeInfo) doc = documented (kinds[i].xml);
      GDBusInterfaceInfo *live_iface = g_dbus_node_info_lookup_interface (live, kinds[i].interface);
      GDBusInterfaceInfo *doc_iface = g_dbus_node_info_lookup_interface (doc, kinds[i].interface);
      g_auto(GStrv) want = NULL;
      g_auto(GStrv) got = NULL;

      g_test_message ("%s: %s", kinds[i].path, kinds[i].interface);
      g_assert_nonnull (doc_iface);
      g_assert_nonnull (live_iface);
      want = describe_interface (doc_iface);
      got = describe_interface (live_iface);
      g_assert_cmpstrv (got, want);

      /* No interface of ours on an object of another kind. */
      for (guint j = 0; live->interfaces[j]; j++)
        if (g_str_has_prefix (live->interfaces[j]->name, "org.juju."))
          g_assert_cmpstr (live->interfaces[j]->name, ==, kinds[i].interface);
    }
  gp_test_daemon_stop (daemon);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/introspection/matches-xml", test_introspection_matches_xml);
  return g_test_run ();
}
