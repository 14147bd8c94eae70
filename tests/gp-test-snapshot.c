/* gp-test-snapshot.c: see gp-test-snapshot.h.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "gp-test-bus.h"
#include "gp-test-snapshot.h"

#define ROOT_PATH "/org/juju/GlusterPeer"
#define MANAGER_IFACE "org.juju.GlusterPeer.Manager"
#define RELATION_IFACE "org.juju.GlusterPeer.Relation"

/* --- calls ------------------------------------------------------------------ */

GVariant *
gp_test_call (GDBusConnection *conn, const char *path, const char *iface, const char *method,
              GVariant *params, GError **error)
{
  return g_dbus_connection_call_sync (conn, GP_TEST_BUS_NAME, path, iface, method, params,
                                      NULL, G_DBUS_CALL_FLAGS_NONE,
                                      (int) (GP_TEST_CALL_TIMEOUT_MS * gp_test_timeout_scale ()),
                                      NULL, error);
}

GVariant *
gp_test_call_text (GDBusConnection *conn, const char *path, const char *iface,
                   const char *method, const char *args, GError **error)
{
  g_autoptr(GError) parse_error = NULL;
  g_autoptr(GVariant) params = g_variant_parse (NULL, args, NULL, NULL, &parse_error);

  g_assert_no_error (parse_error);
  return gp_test_call (conn, path, iface, method, params, error);
}

GVariant *
gp_test_try_step (GDBusConnection *conn, const GpTestStep *step, GError **error)
{
  const char *iface = g_str_equal (step->path, ROOT_PATH) ? MANAGER_IFACE : RELATION_IFACE;

  return gp_test_call_text (conn, step->path, iface, step->method, step->args, error);
}

void
gp_test_run_step (GDBusConnection *conn, const GpTestStep *step)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = gp_test_try_step (conn, step, &error);

  if (error != NULL)
    g_test_message ("%s%s on %s failed", step->method, step->args, step->path);
  g_assert_no_error (error);
}

/* --- snapshots -------------------------------------------------------------- */

static int
compare_entries (gconstpointer a, gconstpointer b)
{
  g_autoptr(GVariant) ka = g_variant_get_child_value (*(GVariant *const *) a, 0);
  g_autoptr(GVariant) kb = g_variant_get_child_value (*(GVariant *const *) b, 0);

  return strcmp (g_variant_get_string (ka, NULL), g_variant_get_string (kb, NULL));
}

GVariant *
gp_test_sorted_dict (GVariant *dict)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) g_variant_unref);
  GVariantIter iter;
  GVariant *entry;

  g_variant_iter_init (&iter, dict);
  while ((entry = g_variant_iter_next_value (&iter)) != NULL)
    {
      g_autoptr(GVariant) key = g_variant_get_child_value (entry, 0);
      g_autoptr(GVariant) value = g_variant_get_child_value (entry, 1);

      if (g_variant_is_of_type (value, G_VARIANT_TYPE ("a{sa{sv}}")) ||
          g_variant_is_of_type (value, G_VARIANT_TYPE ("a{sv}")))
        {
          g_variant_unref (entry);
          entry = g_variant_ref_sink (g_variant_new_dict_entry (key, gp_test_sorted_dict (value)));
        }
      g_ptr_array_add (entries, entry);
    }
  /* GetManagedObjects and GetAll list in hash table order. */
  g_ptr_array_sort (entries, compare_entries);
  return g_variant_new_array (g_variant_type_element (g_variant_get_type (dict)),
                              (GVariant *const *) entries->pdata, entries->len);
}

static GVariant *
sorted_reply (GDBusConnection *conn, const char *iface, const char *method, const char *args)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = gp_test_call_text (conn, ROOT_PATH, iface, method, args, &error);
  g_autoptr(GVariant) dict = NULL;

  g_assert_no_error (error);
  dict = g_variant_get_child_value (reply, 0);
  return gp_test_sorted_dict (dict);
}

GVariant *
gp_test_snapshot (GDBusConnection *conn)
{
  return g_variant_ref_sink (g_variant_new (
      "(@a{sv}@a{oa{sa{sv}}})",
      sorted_reply (conn, "org.freedesktop.DBus.Properties", "GetAll",
                    "('org.juju.GlusterPeer.Manager',)"),
      sorted_reply (conn, "org.freedesktop.DBus.ObjectManager", "GetManagedObjects", "()")));
}

void
gp_test_assert_snapshot (GDBusConnection *conn, GVariant *expected)
{
  g_autoptr(GVariant) now = gp_test_snapshot (conn);

  g_assert_cmpvariant (now, expected);
}

/* --- signals ---------------------------------------------------------------- */

static void
on_any_signal (GDBusConnection *conn, const char *sender, const char *path,
               const char *iface, const char *member, GVariant *params, gpointer user_data)
{
  if (g_strcmp0 (sender, "org.freedesktop.DBus") == 0)
    return;
  g_ptr_array_add (user_data, g_strdup_printf ("%s %s.%s", path, iface, member));
}

GDBusConnection *
gp_test_watch_signals (GpTestBus *bus, GPtrArray *signals)
{
  GDBusConnection *watcher = gp_test_bus_connect (bus);
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  g_dbus_connection_signal_subscribe (watcher, NULL, NULL, NULL, NULL, NULL,
                                      G_DBUS_SIGNAL_FLAGS_NONE, on_any_signal, signals, NULL);
  /* AddMatch is in place once the bus answered a later call. */
  reply = g_dbus_connection_call_sync (watcher, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "GetId", NULL, NULL,
                                       G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
  return watcher;
}

void
gp_test_sync_signals (GDBusConnection *watcher)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = gp_test_call (watcher, ROOT_PATH, "org.freedesktop.DBus.Peer",
                                            "Ping", NULL, &error);

  g_assert_no_error (error);
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

void
gp_test_assert_no_signals (GPtrArray *signals)
{
  for (guint i = 0; i < signals->len; i++)
    g_test_message ("unexpected signal: %s", (const char *) signals->pdata[i]);
  g_assert_cmpuint (signals->len, ==, 0);
}

void
gp_test_close_watcher (GDBusConnection **watcher)
{
  g_dbus_connection_close_sync (*watcher, NULL, NULL);
  g_clear_object (watcher);
  /* Drop the subscription's pending callbacks. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
}
