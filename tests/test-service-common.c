/* test-service-common.c: the Svc fixture of test-service*.c; see
 * test-service.h.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "test-service.h"

#include <stdarg.h>
#include <string.h>

/* --- recording ------------------------------------------------------------ */

static void
svc_signal_free (gpointer data)
{
  SvcSignal *sig = data;

  g_free (sig->path);
  g_free (sig->iface);
  g_free (sig->member);
  g_variant_unref (sig->params);
  g_free (sig);
}

static void
record_cb (GDBusConnection *conn, const char *sender, const char *path, const char *iface,
           const char *member, GVariant *params, gpointer user_data)
{
  Svc *svc = user_data;
  SvcSignal *sig = g_new0 (SvcSignal, 1);

  sig->path = g_strdup (path);
  sig->iface = g_strdup (iface);
  sig->member = g_strdup (member);
  sig->params = g_variant_ref (params);
  g_ptr_array_add (svc->signals, sig);
}

static void
ignore_cb (GDBusConnection *conn, const char *sender, const char *path, const char *iface,
           const char *member, GVariant *params, gpointer user_data)
{
}

/* Runs in conn's worker thread, in arrival order, before any dispatch. */
static GDBusMessage *
log_filter (GDBusConnection *conn, GDBusMessage *message, gboolean incoming, gpointer user_data)
{
  Svc *svc = user_data;
  GDBusMessageType type = g_dbus_message_get_message_type (message);

  if (!incoming)
    return message;
  g_mutex_lock (&svc->lock);
  if (g_strcmp0 (g_dbus_message_get_sender (message), svc->owner) != 0)
    ;
  else if (type == G_DBUS_MESSAGE_TYPE_SIGNAL)
    g_string_append_c (svc->conn_log, 'S');
  else if (type == G_DBUS_MESSAGE_TYPE_METHOD_RETURN || type == G_DBUS_MESSAGE_TYPE_ERROR)
    g_string_append_c (svc->conn_log, 'R');
  g_mutex_unlock (&svc->lock);
  return message;
}

static GVariant *
call (GDBusConnection *conn, const char *dest, const char *path, const char *iface,
      const char *method, GVariant *params, const char *reply_type, GError **error)
{
  return g_dbus_connection_call_sync (conn, dest, path, iface, method, params,
                                      reply_type ? G_VARIANT_TYPE (reply_type) : NULL,
                                      G_DBUS_CALL_FLAGS_NO_AUTO_START, -1, NULL, error);
}

static void
ping (GDBusConnection *conn, const char *dest)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = call (conn, dest, "/", "org.freedesktop.DBus.Peer", "Ping",
                                    NULL, "()", &error);

  g_assert_no_error (error);
}

/* A round trip to the bus: the AddMatch sent before it is in effect. */
static void
bus_round_trip (GDBusConnection *conn)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = call (conn, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                    "org.freedesktop.DBus", "GetId", NULL, "(s)", &error);

  g_assert_no_error (error);
}

static void
drain_main_context (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* --- set-up --------------------------------------------------------------- */

static void
svc_connect (Svc *svc)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;

  svc->conn = gp_test_bus_connect (svc->bus);
  svc->rec_conn = gp_test_bus_connect (svc->bus);

  reply = call (svc->conn, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                "GetNameOwner", g_variant_new ("(s)", GP_TEST_BUS_NAME), "(s)", &error);
  g_assert_no_error (error);
  g_mutex_lock (&svc->lock);
  g_variant_get (reply, "(s)", &svc->owner);
  g_mutex_unlock (&svc->lock);
  g_assert_true (g_dbus_is_unique_name (svc->owner));

  svc->rec_sub_id = g_dbus_connection_signal_subscribe (svc->rec_conn, svc->owner, NULL, NULL,
                                                        NULL, NULL, G_DBUS_SIGNAL_FLAGS_NONE,
                                                        record_cb, svc, NULL);
  svc->conn_sub_id = g_dbus_connection_signal_subscribe (svc->conn, svc->owner, NULL, NULL,
                                                         NULL, NULL, G_DBUS_SIGNAL_FLAGS_NONE,
                                                         ignore_cb, NULL, NULL);
  svc->filter_id = g_dbus_connection_add_filter (svc->conn, log_filter, svc, NULL);
  bus_round_trip (svc->rec_conn);
  bus_round_trip (svc->conn);

  svc->manager = gp_dbus_manager_proxy_new_sync (svc->conn, G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START,
                                                 GP_TEST_BUS_NAME, ROOT_PATH, NULL, &error);
  g_assert_no_error (error);
}

static void
svc_disconnect (Svc *svc)
{
  g_clear_object (&svc->manager);
  if (svc->conn)
    {
      g_dbus_connection_remove_filter (svc->conn, svc->filter_id);
      g_dbus_connection_signal_unsubscribe (svc->conn, svc->conn_sub_id);
      g_dbus_connection_close_sync (svc->conn, NULL, NULL);
    }
  if (svc->rec_conn)
    {
      g_dbus_connection_signal_unsubscribe (svc->rec_conn, svc->rec_sub_id);
      g_dbus_connection_close_sync (svc->rec_conn, NULL, NULL);
    }
  drain_main_context ();
  g_clear_object (&svc->conn);
  g_clear_object (&svc->rec_conn);
  /* conn's worker thread may still be in log_filter(). */
  g_mutex_lock (&svc->lock);
  g_clear_pointer (&svc->owner, g_free);
  g_mutex_unlock (&svc->lock);
}

Svc *
svc_new_full (gboolean with_policy, const char *const *extra_args)
{
  Svc *svc = g_new0 (Svc, 1);

  g_mutex_init (&svc->lock);
  svc->conn_log = g_string_new (NULL);
  svc->signals = g_ptr_array_new_with_free_func (svc_signal_free);
  svc->last = g_ptr_array_new_with_free_func (svc_signal_free);
  svc->extra_args = g_strdupv ((char **) extra_args);
  svc->bus = gp_test_bus_new (with_policy);
  /* Ours, not the harness's: it must outlive a daemon for svc_restart(). */
  svc->state_dir = gp_test_make_tmp_dir ("gp-test-service-XXXXXX");
  svc->daemon = gp_test_daemon_start (svc->bus, svc->state_dir,
                                      (const char *const *) svc->extra_args);
  svc_connect (svc);
  return svc;
}

Svc *
svc_new (const char *const *extra_args)
{
  return svc_new_full (TRUE, extra_args);
}

void
svc_free (Svc *svc)
{
  if (svc == NULL)
    return;
  svc_disconnect (svc);
  g_clear_pointer (&svc->daemon, gp_test_daemon_free);
  g_clear_pointer (&svc->bus, gp_test_bus_free);
  gp_test_rm_rf (svc->state_dir);
  g_free (svc->state_dir);
  g_strfreev (svc->extra_args);
  g_ptr_array_unref (svc->signals);
  g_ptr_array_unref (svc->last);
  g_string_free (svc->conn_log, TRUE);
  g_mutex_clear (&svc->lock);
  g_free (svc);
}

void
svc_restart (Svc *svc)
{
  svc_disconnect (svc);
  gp_test_daemon_stop (svc->daemon);
  g_clear_pointer (&svc->daemon, gp_test_daemon_free);
  svc->daemon = gp_test_daemon_start (svc->bus, svc->state_dir,
                                      (const char *const *) svc->extra_args);
  svc_connect (svc);
}

/* --- proxies and snapshots -------------------------------------------------- */

GpDbusManager *
svc_manager (Svc *svc)
{
  g_autoptr(GError) error = NULL;
  GpDbusManager *proxy = gp_dbus_manager_proxy_new_sync (svc->conn,
                                                         G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START,
                                                         GP_TEST_BUS_NAME, ROOT_PATH, NULL, &error);

  g_assert_no_error (error);
  return proxy;
}

GpDbusRelation *
svc_relation (Svc *svc, const char *path)
{
  g_autoptr(GError) error = NULL;
  GpDbusRelation *proxy = gp_dbus_relation_proxy_new_sync (svc->conn,
                                                           G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START,
                                                           GP_TEST_BUS_NAME, path, NULL, &error);

  g_assert_no_error (error);
  /* A proxy of a missing object has no properties: fail here, not later. */
  g_assert_nonnull (gp_dbus_relation_get_name (proxy));
  return proxy;
}

GpDbusPeer *
svc_peer (Svc *svc, const char *path)
{
  g_autoptr(GError) error = NULL;
  GpDbusPeer *proxy = gp_dbus_peer_proxy_new_sync (svc->conn, G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START,
                                                   GP_TEST_BUS_NAME, path, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (gp_dbus_peer_get_name (proxy));
  return proxy;
}

static int
compare_entries (gconstpointer a, gconstpointer b)
{
  g_autoptr(GVariant) ka = g_variant_get_child_value (*(GVariant *const *) a, 0);
  g_autoptr(GVariant) kb = g_variant_get_child_value (*(GVariant *const *) b, 0);

  return strcmp (g_variant_get_string (ka, NULL), g_variant_get_string (kb, NULL));
}

/* The dictionary (string or path keys) with its entries sorted by key, and
 * so the dictionaries in its values: equal state compares equal whatever
 * order a hash table gave. Takes dict; returns a new floating value. */
static GVariant *
sorted_dict (GVariant *dict)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) g_variant_unref);
  GVariantIter iter;
  GVariant *entry;

  g_variant_iter_init (&iter, dict);
  while ((entry = g_variant_iter_next_value (&iter)))
    {
      g_autoptr(GVariant) key = g_variant_get_child_value (entry, 0);
      g_autoptr(GVariant) value = g_variant_get_child_value (entry, 1);

      if (g_variant_type_is_subtype_of (g_variant_get_type (value), G_VARIANT_TYPE ("a{s*}")))
        {
          g_variant_unref (entry);
          entry = g_variant_ref_sink (g_variant_new_dict_entry (key, sorted_dict (g_steal_pointer (&value))));
        }
      g_ptr_array_add (entries, entry);
    }
  g_ptr_array_sort (entries, compare_entries);
  {
    GVariant *result = g_variant_new_array (g_variant_type_element (g_variant_get_type (dict)),
                                            (GVariant *const *) entries->pdata, entries->len);

    g_variant_unref (dict);
    return result;
  }
}

GVariant *
svc_snapshot (Svc *svc)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) objects = NULL;
  g_autoptr(GVariant) manager = NULL;

  objects = call (svc->rec_conn, GP_TEST_BUS_NAME, ROOT_PATH, "org.freedesktop.DBus.ObjectManager",
                  "GetManagedObjects", NULL, "(a{oa{sa{sv}}})", &error);
  g_assert_no_error (error);
  manager = call (svc->rec_conn, GP_TEST_BUS_NAME, ROOT_PATH, "org.freedesktop.DBus.Properties",
                  "GetAll", g_variant_new ("(s)", MANAGER_IFACE), "(a{sv})", &error);
  g_assert_no_error (error);
  return g_variant_ref_sink (g_variant_new ("(@a{oa{sa{sv}}}@a{sv})",
                                            sorted_dict (g_variant_get_child_value (objects, 0)),
                                            sorted_dict (g_variant_get_child_value (manager, 0))));
}

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

GStrv
svc_object_paths (Svc *svc)
{
  g_autoptr(GVariant) snapshot = svc_snapshot (svc);
  g_autoptr(GVariant) dict = g_variant_get_child_value (snapshot, 0);
  g_autoptr(GPtrArray) paths = g_ptr_array_new ();
  GVariantIter iter;
  const char *path;

  g_variant_iter_init (&iter, dict);
  while (g_variant_iter_next (&iter, "{&o@a{sa{sv}}}", &path, NULL))
    g_ptr_array_add (paths, g_strdup (path));
  g_ptr_array_sort (paths, compare_strings);
  g_ptr_array_add (paths, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&paths), FALSE);
}

/* --- checked calls ---------------------------------------------------------- */

static void
sync_both (Svc *svc)
{
  ping (svc->conn, svc->owner);
  ping (svc->rec_conn, svc->owner);
  drain_main_context ();
}

void
svc_begin (Svc *svc)
{
  sync_both (svc);
  g_ptr_array_set_size (svc->signals, 0);
  g_mutex_lock (&svc->lock);
  g_string_truncate (svc->conn_log, 0);
  g_mutex_unlock (&svc->lock);
}

static char *
sorted_keys (GVariant *dict, const char *format)
{
  g_autoptr(GPtrArray) keys = g_ptr_array_new ();
  GVariantIter iter;
  const char *key;

  g_variant_iter_init (&iter, dict);
  while (g_variant_iter_next (&iter, format, &key, NULL))
    g_ptr_array_add (keys, (gpointer) key);
  g_ptr_array_sort (keys, compare_strings);
  g_ptr_array_add (keys, NULL);
  return g_strjoinv (",", (char **) keys->pdata);
}

static char *
describe (const SvcSignal *sig)
{
  gboolean at_root = g_str_equal (sig->path, ROOT_PATH);

  if (g_str_equal (sig->iface, "org.freedesktop.DBus.Properties") &&
      g_str_equal (sig->member, "PropertiesChanged") &&
      g_variant_is_of_type (sig->params, G_VARIANT_TYPE ("(sa{sv}as)")))
    {
      g_autoptr(GVariant) changed = g_variant_get_child_value (sig->params, 1);
      g_autoptr(GVariant) invalidated = g_variant_get_child_value (sig->params, 2);
      g_autofree char *names = sorted_keys (changed, "{&sv}");
      const char *iface;

      g_variant_get_child (sig->params, 0, "&s", &iface);
      if (g_variant_n_children (invalidated) == 0)
        return g_strdup_printf ("PropertiesChanged %s %s %s", sig->path, iface, names);
    }
  else if (at_root && g_str_equal (sig->iface, "org.freedesktop.DBus.ObjectManager") &&
           g_str_equal (sig->member, "InterfacesAdded") &&
           g_variant_is_of_type (sig->params, G_VARIANT_TYPE ("(oa{sa{sv}})")))
    {
      g_autoptr(GVariant) ifaces = g_variant_get_child_value (sig->params, 1);
      g_autofree char *names = sorted_keys (ifaces, "{&s@a{sv}}");
      const char *path;

      g_variant_get_child (sig->params, 0, "&o", &path);
      return g_strdup_printf ("InterfacesAdded %s %s", path, names);
    }
  else if (at_root && g_str_equal (sig->iface, "org.freedesktop.DBus.ObjectManager") &&
           g_str_equal (sig->member, "InterfacesRemoved") &&
           g_variant_is_of_type (sig->params, G_VARIANT_TYPE ("(oas)")))
    {
      g_autofree const char **ifaces = NULL;
      g_autofree char *names = NULL;
      const char *path;

      g_variant_get (sig->params, "(&o^a&s)", &path, &ifaces);
      qsort (ifaces, g_strv_length ((char **) ifaces), sizeof (char *), compare_strings);
      names = g_strjoinv (",", (char **) ifaces);
      return g_strdup_printf ("InterfacesRemoved %s %s", path, names);
    }
  else if (g_str_equal (sig->iface, PEER_IFACE) &&
           (g_str_equal (sig->member, "BricksAdded") || g_str_equal (sig->member, "BricksRemoved")) &&
           g_variant_is_of_type (sig->params, G_VARIANT_TYPE ("(as)")))
    {
      g_autoptr(GVariant) bricks = g_variant_get_child_value (sig->params, 0);
      g_autofree char *text = g_variant_print (bricks, FALSE);

      return g_strdup_printf ("%s %s %s", sig->member, sig->path, text);
    }
  else if (g_str_equal (sig->iface, PEER_IFACE) && g_str_equal (sig->member, "Departed") &&
           g_variant_is_of_type (sig->params, G_VARIANT_TYPE ("(sas)")))
    {
      g_autofree char *text = g_variant_print (sig->params, FALSE);

      return g_strdup_printf ("Departed %s %s", sig->path, text);
    }

  {
    g_autofree char *text = g_variant_print (sig->params, TRUE);

    return g_strdup_printf ("%s.%s at %s %s", sig->iface, sig->member, sig->path, text);
  }
}

static char *
property_key (const char *path, const char *iface, const char *prop)
{
  return g_strdup_printf ("%s\n%s\n%s", path, iface, prop);
}

static void
expect_props (GHashTable *values, const char *path, const char *iface, GVariant *props)
{
  GVariantIter iter;
  const char *prop;
  GVariant *value;

  g_variant_iter_init (&iter, props);
  while (g_variant_iter_next (&iter, "{&sv}", &prop, &value))
    g_hash_table_insert (values, property_key (path, iface, prop), value);
}

static void
forget_object (GHashTable *values, const char *path)
{
  g_autofree char *prefix = g_strconcat (path, "\n", NULL);
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, values);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (g_str_has_prefix (key, prefix))
      g_hash_table_iter_remove (&iter);
}

/* Every value the signals announced is what Properties.Get says now: a
 * PropertiesChanged carries the new value, not a stale one. */
static void
check_announced_values (Svc *svc)
{
  g_autoptr(GHashTable) values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                        (GDestroyNotify) g_variant_unref);
  GHashTableIter iter;
  gpointer key, value;

  for (guint i = 0; i < svc->signals->len; i++)
    {
      SvcSignal *sig = g_ptr_array_index (svc->signals, i);

      if (g_str_equal (sig->member, "PropertiesChanged"))
        {
          g_autoptr(GVariant) props = g_variant_get_child_value (sig->params, 1);
          const char *iface;

          g_variant_get_child (sig->params, 0, "&s", &iface);
          expect_props (values, sig->path, iface, props);
        }
      else if (g_str_equal (sig->member, "InterfacesAdded"))
        {
          g_autoptr(GVariant) ifaces = g_variant_get_child_value (sig->params, 1);
          GVariantIter it;
          const char *path, *iface;
          GVariant *props;

          g_variant_get_child (sig->params, 0, "&o", &path);
          g_variant_iter_init (&it, ifaces);
          while (g_variant_iter_next (&it, "{&s@a{sv}}", &iface, &props))
            {
              expect_props (values, path, iface, props);
              g_variant_unref (props);
            }
        }
      else if (g_str_equal (sig->member, "InterfacesRemoved"))
        {
          const char *path;

          g_variant_get_child (sig->params, 0, "&o", &path);
          forget_object (values, path);
        }
    }

  g_hash_table_iter_init (&iter, values);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      g_auto(GStrv) parts = g_strsplit (key, "\n", 3);
      g_autoptr(GError) error = NULL;
      g_autoptr(GVariant) reply = NULL;
      g_autoptr(GVariant) now = NULL;
      g_autofree char *announced_text = g_variant_print (value, TRUE);
      g_autofree char *now_text = NULL;

      reply = call (svc->rec_conn, GP_TEST_BUS_NAME, parts[0], "org.freedesktop.DBus.Properties",
                    "Get", g_variant_new ("(ss)", parts[1], parts[2]), "(v)", &error);
      g_assert_no_error (error);
      g_variant_get (reply, "(v)", &now);
      now_text = g_variant_print (now, TRUE);
      g_test_message ("%s %s.%s: announced %s, now %s", parts[0], parts[1], parts[2],
                      announced_text, now_text);
      g_assert_cmpstr (announced_text, ==, now_text);
    }
}

/* The contract's order on a change: every PropertiesChanged (and object
 * added) before BricksAdded/BricksRemoved. */
static void
check_brick_signals_last (Svc *svc)
{
  gboolean bricks_seen = FALSE;

  for (guint i = 0; i < svc->signals->len; i++)
    {
      SvcSignal *sig = g_ptr_array_index (svc->signals, i);

      if (g_str_equal (sig->member, "BricksAdded") || g_str_equal (sig->member, "BricksRemoved"))
        bricks_seen = TRUE;
      else if (g_str_equal (sig->member, "PropertiesChanged") ||
               g_str_equal (sig->member, "InterfacesAdded"))
        {
          if (bricks_seen)
            g_test_message ("signal %u (%s on %s) comes after BricksAdded/BricksRemoved", i,
                            sig->member, sig->path);
          g_assert_false (bricks_seen);
        }
    }
}

/* Collects what the call since svc_begin() caused. */
static GStrv
svc_end (Svc *svc, guint n_replies)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autofree char *log = NULL;
  g_autofree char *want = NULL;

  sync_both (svc);
  g_mutex_lock (&svc->lock);
  log = g_strdup (svc->conn_log->str);
  g_mutex_unlock (&svc->lock);

  for (guint i = 0; i < svc->signals->len; i++)
    {
      g_autofree char *text = describe (g_ptr_array_index (svc->signals, i));

      g_test_message ("signal %u: %s", i, text);
      g_strv_builder_add (builder, text);
    }
  /* On conn: the call's signals, the call's reply, the Ping's reply. */
  want = g_strnfill (svc->signals->len, 'S');
  for (guint i = 0; i < n_replies; i++)
    {
      g_autofree char *tmp = g_strconcat (want, "R", NULL);

      g_free (want);
      want = g_steal_pointer (&tmp);
    }
  g_assert_cmpstr (log, ==, want);
  return g_strv_builder_end (builder);
}

GStrv
svc_collect (Svc *svc)
{
  GStrv seen = svc_end (svc, 2);

  check_brick_signals_last (svc);
  check_announced_values (svc);
  g_ptr_array_unref (svc->last);
  svc->last = g_steal_pointer (&svc->signals);
  svc->signals = g_ptr_array_new_with_free_func (svc_signal_free);
  return seen;
}

void
svc_expect (Svc *svc, ...)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) expected = NULL;
  g_auto(GStrv) seen = NULL;
  const char *text;
  va_list ap;

  va_start (ap, svc);
  while ((text = va_arg (ap, const char *)) != NULL)
    g_strv_builder_add (builder, text);
  va_end (ap);
  expected = g_strv_builder_end (builder);

  seen = svc_collect (svc);
  g_assert_cmpstrv (seen, expected);
}

static void
expect_rejected (Svc *svc, GVariant *before, const GError *error, const char *name,
                 guint n_replies)
{
  const char *const none[] = { NULL };
  g_auto(GStrv) seen = NULL;
  g_autoptr(GVariant) after = NULL;

  assert_remote_error (error, name);
  seen = svc_end (svc, n_replies);
  g_assert_cmpstrv (seen, none);
  after = svc_snapshot (svc);
  if (!g_variant_equal (before, after))
    {
      g_autofree char *a = g_variant_print (before, TRUE);
      g_autofree char *b = g_variant_print (after, TRUE);

      g_test_message ("before: %s", a);
      g_test_message ("after:  %s", b);
    }
  g_assert_true (g_variant_equal (before, after));
}

void
svc_expect_rejected (Svc *svc, GVariant *before, const GError *error, const char *name)
{
  expect_rejected (svc, before, error, name, 2);
}

void
svc_expect_rejected_elsewhere (Svc *svc, GVariant *before, const GError *error, const char *name)
{
  expect_rejected (svc, before, error, name, 1);
}

GVariant *
svc_last_changed (Svc *svc, guint index, const char *prop)
{
  SvcSignal *sig;
  g_autoptr(GVariant) changed = NULL;

  g_assert_cmpuint (index, <, svc->last->len);
  sig = g_ptr_array_index (svc->last, index);
  g_assert_cmpstr (sig->member, ==, "PropertiesChanged");
  changed = g_variant_get_child_value (sig->params, 1);
  return g_variant_lookup_value (changed, prop, NULL);
}
