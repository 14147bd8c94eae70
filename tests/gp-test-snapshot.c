/* gp-test-snapshot.c: see gp-test-snapshot.h.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "gp-test-bus.h"
#include "gp-test-snapshot.h"

#define CALL_TIMEOUT_MS 10000

GVariant *
gp_test_call_text (GDBusConnection *conn, const char *path, const char *iface,
                   const char *method, const char *args, GError **error)
{
  g_autoptr(GError) parse_error = NULL;
  g_autoptr(GVariant) params = g_variant_parse (NULL, args, NULL, NULL, &parse_error);

  g_assert_no_error (parse_error);
  return g_dbus_connection_call_sync (conn, GP_TEST_BUS_NAME, path, iface, method, params,
                                      NULL, G_DBUS_CALL_FLAGS_NONE,
                                      (int) (CALL_TIMEOUT_MS * gp_test_timeout_scale ()),
                                      NULL, error);
}

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
  g_autoptr(GVariant) reply = gp_test_call_text (conn, "/org/juju/GlusterPeer", iface, method,
                                                 args, &error);
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
