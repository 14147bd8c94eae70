/* test-policy.c: the D-Bus policy (data/org.juju.GlusterPeer.conf) on a
 * private system-like bus, against a stub service exporting the
 * interfaces of introspection/ XML. Every method of the API is called as
 * uid 65534 and as root; the stub answers every call that reaches it with
 * a recognisable error, so what the bus refused is told apart from what
 * the service refused. Independent of the real daemon.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "gp-test-bus.h"

#include <string.h>

#define ROOT_PATH "/org/juju/GlusterPeer"
#define RELATION_PATH ROOT_PATH "/server"
#define UNIT_PATH RELATION_PATH "/glusterfs_2f0"
#define MANAGER_IFACE "org.juju.GlusterPeer.Manager"
#define RELATION_IFACE "org.juju.GlusterPeer.Relation"
#define UNIT_IFACE "org.juju.GlusterPeer"
#define REACHED_ERROR "org.juju.GlusterPeer.Error.TestReached"
#define ACCESS_DENIED "org.freedesktop.DBus.Error.AccessDenied"

/* The contract (DESIGN.md, Privilege): what anyone may call. */
static const char *const query_methods[] = {
  "IpMap", "BrickMap", "PeerInfo", "RetrieveRemote", "VolumeBricks", NULL,
};

static const char object_manager_xml[] =
  "<node><interface name='org.freedesktop.DBus.ObjectManager'>"
  "<method name='GetManagedObjects'><arg type='a{oa{sa{sv}}}' direction='out'/></method>"
  "<signal name='InterfacesAdded'><arg type='o'/><arg type='a{sa{sv}}'/></signal>"
  "<signal name='InterfacesRemoved'><arg type='o'/><arg type='as'/></signal>"
  "</interface></node>";

typedef struct {
  GpTestBus *bus;
  GDBusConnection *service;
  GDBusNodeInfo *nodes[4];
  GDBusInterfaceInfo *manager, *relation, *unit, *object_manager;
  GHashTable *reached; /* "iface.member" -> count */
  GPtrArray *registrations;
} Fixture;

static GVariant *
default_value (const GVariantType *type)
{
  if (g_variant_type_is_array (type))
    return g_variant_new_array (g_variant_type_element (type), NULL, 0);
  if (g_variant_type_is_tuple (type))
    {
      g_autoptr(GPtrArray) items = g_ptr_array_new ();

      for (const GVariantType *t = g_variant_type_first (type); t; t = g_variant_type_next (t))
        g_ptr_array_add (items, default_value (t));
      return g_variant_new_tuple ((GVariant **) items->pdata, items->len);
    }
  if (g_variant_type_is_maybe (type))
    return g_variant_new_maybe (g_variant_type_element (type), NULL);
  if (g_variant_type_is_variant (type))
    return g_variant_new_variant (g_variant_new_string (""));

  switch (g_variant_type_peek_string (type)[0])
    {
    case 'b': return g_variant_new_boolean (FALSE);
    case 'y': return g_variant_new_byte (0);
    case 'n': return g_variant_new_int16 (0);
    case 'q': return g_variant_new_uint16 (0);
    case 'i': return g_variant_new_int32 (0);
    case 'u': return g_variant_new_uint32 (0);
    case 'x': return g_variant_new_int64 (0);
    case 't': return g_variant_new_uint64 (0);
    case 'h': return g_variant_new_handle (0);
    case 'd': return g_variant_new_double (0);
    case 's': return g_variant_new_string ("");
    case 'o': return g_variant_new_object_path ("/");
    case 'g': return g_variant_new_signature ("");
    default:
      g_error ("no default for type %s", g_variant_type_peek_string (type));
    }
}

static GVariant *
default_args (GDBusArgInfo **args)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new ();

  for (guint i = 0; args != NULL && args[i] != NULL; i++)
    {
      g_autoptr(GVariantType) t = g_variant_type_new (args[i]->signature);

      g_ptr_array_add (items, default_value (t));
    }
  return g_variant_new_tuple ((GVariant **) items->pdata, items->len);
}

static void
stub_method_call (GDBusConnection *conn, const char *sender, const char *path,
                  const char *iface, const char *method, GVariant *params,
                  GDBusMethodInvocation *invocation, gpointer user_data)
{
  Fixture *f = user_data;
  g_autofree char *key = g_strdup_printf ("%s.%s", iface, method);

  g_hash_table_insert (f->reached, g_strdup (key),
                       GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (f->reached, key)) + 1));

  if (g_str_equal (iface, "org.freedesktop.DBus.ObjectManager"))
    {
      g_dbus_method_invocation_return_value (invocation,
                                             g_variant_new ("(@a{oa{sa{sv}}})",
                                                            g_variant_new_array (G_VARIANT_TYPE ("{oa{sa{sv}}}"), NULL, 0)));
      return;
    }
  g_dbus_method_invocation_return_dbus_error (invocation, REACHED_ERROR, key);
}

static GVariant *
stub_get_property (GDBusConnection *conn, const char *sender, const char *path,
                   const char *iface, const char *property, GError **error,
                   gpointer user_data)
{
  Fixture *f = user_data;
  GDBusInterfaceInfo *info = NULL;
  GDBusPropertyInfo *prop;
  g_autoptr(GVariantType) t = NULL;

  if (g_str_equal (iface, MANAGER_IFACE))
    info = f->manager;
  else if (g_str_equal (iface, RELATION_IFACE))
    info = f->relation;
  else if (g_str_equal (iface, UNIT_IFACE))
    info = f->unit;
  g_assert_nonnull (info);
  prop = g_dbus_interface_info_lookup_property (info, property);
  g_assert_nonnull (prop);
  t = g_variant_type_new (prop->signature);
  return default_value (t);
}

static const GDBusInterfaceVTable stub_vtable = {
  stub_method_call, stub_get_property, NULL, { 0 },
};

static GDBusInterfaceInfo *
load_interface (Fixture *f, guint slot, const char *file, const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = gp_test_source_path ("introspection", file, NULL);
  g_autofree char *xml = NULL;
  GDBusInterfaceInfo *info;

  g_file_get_contents (path, &xml, NULL, &error);
  g_assert_no_error (error);
  f->nodes[slot] = g_dbus_node_info_new_for_xml (xml, &error);
  g_assert_no_error (error);
  info = g_dbus_node_info_lookup_interface (f->nodes[slot], name);
  g_assert_nonnull (info);
  return info;
}

static void
export (Fixture *f, const char *path, GDBusInterfaceInfo *info)
{
  g_autoptr(GError) error = NULL;
  guint id;

  id = g_dbus_connection_register_object (f->service, path, info, &stub_vtable, f, NULL, &error);
  g_assert_no_error (error);
  g_ptr_array_add (f->registrations, GUINT_TO_POINTER (id));
}

static void
fixture_setup (Fixture *f, gboolean with_policy)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  guint32 code = 0;

  f->bus = gp_test_bus_new (with_policy);
  f->reached = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  f->registrations = g_ptr_array_new ();

  f->manager = load_interface (f, 0, "org.juju.GlusterPeer.Manager.xml", MANAGER_IFACE);
  f->relation = load_interface (f, 1, "org.juju.GlusterPeer.Relation.xml", RELATION_IFACE);
  f->unit = load_interface (f, 2, "org.juju.GlusterPeer.xml", UNIT_IFACE);
  f->nodes[3] = g_dbus_node_info_new_for_xml (object_manager_xml, &error);
  g_assert_no_error (error);
  f->object_manager = f->nodes[3]->interfaces[0];

  /* The stub service runs as root, like gluster-peerd. */
  f->service = gp_test_bus_connect (f->bus);
  export (f, ROOT_PATH, f->manager);
  export (f, ROOT_PATH, f->object_manager);
  export (f, RELATION_PATH, f->relation);
  export (f, UNIT_PATH, f->unit);

  reply = g_dbus_connection_call_sync (f->service, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "RequestName",
                                       g_variant_new ("(su)", GP_TEST_BUS_NAME, 4),
                                       G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, -1,
                                       NULL, &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(u)", &code);
  g_assert_cmpuint (code, ==, 1);
}

static void
fixture_teardown (Fixture *f)
{
  for (guint i = 0; i < f->registrations->len; i++)
    g_dbus_connection_unregister_object (f->service,
                                         GPOINTER_TO_UINT (f->registrations->pdata[i]));
  g_ptr_array_unref (f->registrations);
  g_dbus_connection_close_sync (f->service, NULL, NULL);
  g_clear_object (&f->service);
  for (guint i = 0; i < G_N_ELEMENTS (f->nodes); i++)
    g_clear_pointer (&f->nodes[i], g_dbus_node_info_unref);
  g_hash_table_unref (f->reached);
  gp_test_bus_free (f->bus);
  /* Let GDBus finish the closures it queued on the default context. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

typedef struct {
  gboolean done;
  GDBusMessage *reply;
  GError *error;
} CallWait;

static void
call_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  CallWait *w = user_data;

  w->reply = g_dbus_connection_send_message_with_reply_finish (G_DBUS_CONNECTION (source),
                                                                result, &w->error);
  w->done = TRUE;
}

/* Sends a method call and returns the D-Bus error name of the reply, or
 * NULL for a method return. The stub service runs on this thread's
 * default main context, so iterate it while waiting. */
static char *
call (GDBusConnection *conn, const char *path, const char *iface, const char *member,
      GVariant *params)
{
  g_autoptr(GDBusMessage) msg = g_dbus_message_new_method_call (GP_TEST_BUS_NAME, path,
                                                                  iface, member);
  CallWait w = { FALSE, NULL, NULL };
  char *error_name = NULL;

  g_dbus_message_set_body (msg, params);
  g_dbus_connection_send_message_with_reply (conn, msg, G_DBUS_SEND_MESSAGE_FLAGS_NONE,
                                             5000, NULL, NULL, call_done, &w);
  while (!w.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (w.error);
  if (g_dbus_message_get_message_type (w.reply) == G_DBUS_MESSAGE_TYPE_ERROR)
    error_name = g_strdup (g_dbus_message_get_error_name (w.reply));
  g_object_unref (w.reply);
  return error_name;
}

static guint
reached_count (Fixture *f, const char *iface, const char *member)
{
  g_autofree char *key = g_strdup_printf ("%s.%s", iface, member);

  return GPOINTER_TO_UINT (g_hash_table_lookup (f->reached, key));
}

/* Calls iface.member; asserts the bus let it through or refused it. */
static void
check_call (Fixture *f, GDBusConnection *conn, const char *path, const char *iface,
            const char *member, GVariant *params, gboolean expect_allowed)
{
  g_autofree char *error_name = NULL;

  g_test_message ("%s %s.%s on %s: expect %s", g_dbus_connection_get_unique_name (conn),
                  iface, member, path, expect_allowed ? "allowed" : "denied by the bus");
  error_name = call (conn, path, iface, member, params);
  if (expect_allowed)
    {
      if (g_strcmp0 (error_name, ACCESS_DENIED) == 0)
        g_error ("%s.%s was refused by the bus policy, but must be allowed", iface, member);
    }
  else
    {
      if (g_strcmp0 (error_name, ACCESS_DENIED) != 0)
        g_error ("%s.%s got %s, but the bus policy must refuse it", iface, member,
                 error_name ? error_name : "a reply");
    }
}

static gboolean
is_query (const char *iface, const char *member)
{
  return g_str_equal (iface, RELATION_IFACE) && g_strv_contains (query_methods, member);
}

/* Walks every method and property of the API as conn. privileged: conn
 * may do everything (root, or an open bus). */
static void
check_api (Fixture *f, GDBusConnection *conn, gboolean privileged)
{
  struct { const char *path; GDBusInterfaceInfo *info; } objects[] = {
    { ROOT_PATH, f->manager },
    { RELATION_PATH, f->relation },
    { UNIT_PATH, f->unit },
  };
  guint queries_seen = 0;

  for (guint o = 0; o < G_N_ELEMENTS (objects); o++)
    {
      const char *path = objects[o].path;
      GDBusInterfaceInfo *info = objects[o].info;

      for (guint m = 0; info->methods != NULL && info->methods[m] != NULL; m++)
        {
          GDBusMethodInfo *method = info->methods[m];
          gboolean allowed = privileged || is_query (info->name, method->name);
          guint before = reached_count (f, info->name, method->name);

          if (is_query (info->name, method->name))
            queries_seen++;
          check_call (f, conn, path, info->name, method->name,
                      default_args (method->in_args), allowed);
          g_assert_cmpuint (reached_count (f, info->name, method->name), ==,
                            before + (allowed ? 1 : 0));
        }

      /* Properties: Get and GetAll for anyone, Set for root only (GDBus in
       * the service then refuses it: the properties are read-only). */
      check_call (f, conn, path, "org.freedesktop.DBus.Properties", "GetAll",
                  g_variant_new ("(s)", info->name), TRUE);
      for (guint p = 0; info->properties != NULL && info->properties[p] != NULL; p++)
        {
          GDBusPropertyInfo *prop = info->properties[p];
          g_autoptr(GVariantType) t = g_variant_type_new (prop->signature);

          check_call (f, conn, path, "org.freedesktop.DBus.Properties", "Get",
                      g_variant_new ("(ss)", info->name, prop->name), TRUE);
          check_call (f, conn, path, "org.freedesktop.DBus.Properties", "Set",
                      g_variant_new ("(ssv)", info->name, prop->name, default_value (t)),
                      privileged);
        }

      check_call (f, conn, path, "org.freedesktop.DBus.Introspectable", "Introspect",
                  NULL, TRUE);
      check_call (f, conn, path, "org.freedesktop.DBus.Peer", "Ping", NULL, TRUE);
      check_call (f, conn, path, "org.freedesktop.DBus.Peer", "GetMachineId", NULL, TRUE);
    }

  check_call (f, conn, ROOT_PATH, "org.freedesktop.DBus.ObjectManager", "GetManagedObjects",
              NULL, TRUE);

  /* Calls without an interface field match no allow rule. */
  check_call (f, conn, RELATION_PATH, NULL, "IpMap", g_variant_new ("(s)", ""), privileged);
  check_call (f, conn, RELATION_PATH, NULL, "SetBricks",
              g_variant_new ("(@as)", g_variant_new_strv (NULL, 0)), privileged);

  /* Every query method of the contract is in the introspection data. */
  g_assert_cmpuint (queries_seen, ==, g_strv_length ((char **) query_methods));
}

typedef struct {
  guint count;
} SignalWait;

static gboolean
set_flag (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
signal_cb (GDBusConnection *conn, const char *sender, const char *path, const char *iface,
           const char *signal, GVariant *params, gpointer user_data)
{
  ((SignalWait *) user_data)->count++;
}

/* The service's signals reach conn. */
static void
check_signals (Fixture *f, GDBusConnection *conn)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  SignalWait w = { 0 };
  gboolean timed_out = FALSE;
  guint timeout_id;
  guint sub;

  sub = g_dbus_connection_signal_subscribe (conn, GP_TEST_BUS_NAME, NULL, NULL, NULL, NULL,
                                            G_DBUS_SIGNAL_FLAGS_NONE, signal_cb, &w, NULL);
  /* The AddMatch is sent asynchronously: a round trip to the bus on the
   * same connection makes sure the bus has it. */
  reply = g_dbus_connection_call_sync (conn, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "GetId", NULL, NULL,
                                       G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);

  g_dbus_connection_emit_signal (f->service, NULL, UNIT_PATH, UNIT_IFACE, "BricksAdded",
                                 g_variant_new ("(^as)", (const char *const[]) { "/mnt/vdb1", NULL }),
                                 &error);
  g_assert_no_error (error);
  g_dbus_connection_emit_signal (f->service, NULL, UNIT_PATH, UNIT_IFACE, "Departed",
                                 g_variant_new ("(s^as)", "10.0.0.2",
                                                (const char *const[]) { "/mnt/vdb1", NULL }),
                                 &error);
  g_assert_no_error (error);
  g_dbus_connection_emit_signal (f->service, NULL, UNIT_PATH, "org.freedesktop.DBus.Properties",
                                 "PropertiesChanged",
                                 g_variant_new ("(s@a{sv}@as)", UNIT_IFACE,
                                                g_variant_new_array (G_VARIANT_TYPE ("{sv}"), NULL, 0),
                                                g_variant_new_strv (NULL, 0)),
                                 &error);
  g_assert_no_error (error);

  timeout_id = g_timeout_add_seconds (5, set_flag, &timed_out);
  while (w.count < 3 && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (timeout_id);
  g_dbus_connection_signal_unsubscribe (conn, sub);
  g_assert_cmpuint (w.count, ==, 3);
}

static void
test_policy_unprivileged (void)
{
  Fixture f = { 0 };
  g_autoptr(GDBusConnection) nobody = NULL;

  if (!gp_test_can_switch_uid ())
    {
      g_test_skip ("needs root to connect as uid 65534");
      return;
    }
  fixture_setup (&f, TRUE);
  nobody = gp_test_bus_connect_unprivileged (f.bus);
  check_api (&f, nobody, FALSE);
  check_signals (&f, nobody);
  g_dbus_connection_close_sync (nobody, NULL, NULL);
  fixture_teardown (&f);
}

static void
test_policy_root (void)
{
  Fixture f = { 0 };
  g_autoptr(GDBusConnection) root = NULL;

  if (geteuid () != 0)
    {
      g_test_skip ("runs as root only: the policy grants root everything");
      return;
    }
  fixture_setup (&f, TRUE);
  root = gp_test_bus_connect (f.bus);
  check_api (&f, root, TRUE);
  check_signals (&f, root);
  g_dbus_connection_close_sync (root, NULL, NULL);
  fixture_teardown (&f);
}

static void
test_policy_open_bus (void)
{
  Fixture f = { 0 };
  g_autoptr(GDBusConnection) nobody = NULL;

  if (!gp_test_can_switch_uid ())
    {
      g_test_skip ("needs root to connect as uid 65534");
      return;
    }
  /* Without the project's policy the bus lets everything through: then
   * only the daemon's own checks protect the privileged methods. */
  fixture_setup (&f, FALSE);
  nobody = gp_test_bus_connect_unprivileged (f.bus);
  check_api (&f, nobody, TRUE);
  g_dbus_connection_close_sync (nobody, NULL, NULL);
  fixture_teardown (&f);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/policy/unprivileged", test_policy_unprivileged);
  g_test_add_func ("/policy/root", test_policy_root);
  g_test_add_func ("/policy/open-bus", test_policy_open_bus);

  return g_test_run ();
}
