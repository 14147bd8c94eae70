/* gp-cli-monitor.c: `gluster-peerctl monitor`, one line per signal of
 * gluster-peerd (or, with --json, one JSON object per line) until SIGINT or
 * SIGTERM.
 *
 * It subscribes to the raw signals of the bus name rather than to proxies:
 * that shows every signal exactly once and in the order the daemon sent it
 * (a proxy folds PropertiesChanged into its cache and hides the
 * ObjectManager's own signals), and it keeps working across restarts of the
 * daemon, which are reported too.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "gp-cli.h"

#include <glib-unix.h>
#include <stdio.h>

#include "gp-names.h"

typedef struct {
  GpCli *cli;
  GMainLoop *loop;
  int status;
} Monitor;

/* "manager", "server" or "server glusterfs/1": whom a signal is about. */
static char *
subject (const char *path)
{
  char *described;

  if (g_str_equal (path, GP_OBJECT_PATH_ROOT))
    return g_strdup ("manager");
  described = gp_cli_describe_path (path);
  return described ? described : g_strdup (path);
}

/* A dictionary's key as a JSON object's member name. */
static char *
variant_key (GVariant *key)
{
  if (g_variant_is_of_type (key, G_VARIANT_TYPE_STRING) ||
      g_variant_is_of_type (key, G_VARIANT_TYPE_OBJECT_PATH) ||
      g_variant_is_of_type (key, G_VARIANT_TYPE_SIGNATURE))
    return g_variant_dup_string (key, NULL);
  return g_variant_print (key, FALSE);
}

/* A D-Bus value as JSON: tuples and arrays as arrays, dictionaries as
 * objects, variants and maybes by what they hold (nothing is null). */
static json_t *
variant_to_json (GVariant *value)
{
  g_autoptr(GVariant) child = NULL;
  json_t *json;
  gsize n, i;

  switch (g_variant_classify (value))
    {
    case G_VARIANT_CLASS_BOOLEAN: return json_boolean (g_variant_get_boolean (value));
    case G_VARIANT_CLASS_BYTE: return json_integer (g_variant_get_byte (value));
    case G_VARIANT_CLASS_INT16: return json_integer (g_variant_get_int16 (value));
    case G_VARIANT_CLASS_UINT16: return json_integer (g_variant_get_uint16 (value));
    case G_VARIANT_CLASS_INT32: return json_integer (g_variant_get_int32 (value));
    case G_VARIANT_CLASS_UINT32: return json_integer (g_variant_get_uint32 (value));
    case G_VARIANT_CLASS_INT64: return json_integer (g_variant_get_int64 (value));
    case G_VARIANT_CLASS_UINT64: return json_integer ((json_int_t) g_variant_get_uint64 (value));
    case G_VARIANT_CLASS_HANDLE: return json_integer (g_variant_get_handle (value));
    case G_VARIANT_CLASS_DOUBLE: return json_real (g_variant_get_double (value));
    case G_VARIANT_CLASS_STRING:
    case G_VARIANT_CLASS_OBJECT_PATH:
    case G_VARIANT_CLASS_SIGNATURE:
      return gp_json_string (g_variant_get_string (value, NULL));
    case G_VARIANT_CLASS_VARIANT:
    case G_VARIANT_CLASS_MAYBE:
      child = g_variant_n_children (value) ? g_variant_get_child_value (value, 0) : NULL;
      return child ? variant_to_json (child) : json_null ();
    case G_VARIANT_CLASS_ARRAY:
    case G_VARIANT_CLASS_TUPLE:
    case G_VARIANT_CLASS_DICT_ENTRY:
    default:
      break;
    }
  n = g_variant_n_children (value);
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_DICTIONARY))
    {
      json = json_object ();
      for (i = 0; i < n; i++)
        {
          g_autoptr(GVariant) entry = g_variant_get_child_value (value, i);
          g_autoptr(GVariant) key = g_variant_get_child_value (entry, 0);
          g_autoptr(GVariant) member = g_variant_get_child_value (entry, 1);
          g_autofree char *name = variant_key (key);

          json_object_set_new (json, name, variant_to_json (member));
        }
      return json;
    }
  json = json_array ();
  for (i = 0; i < n; i++)
    {
      g_autoptr(GVariant) element = g_variant_get_child_value (value, i);

      json_array_append_new (json, variant_to_json (element));
    }
  return json;
}

static void
print_json_line (const char *member, const char *interface, const char *path,
                 json_t *object)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *time = g_date_time_format_iso8601 (now);
  g_autofree char *about = subject (path);
  g_autoptr(json_t) root = object;

  json_object_set_new (root, "time", gp_json_string (time));
  json_object_set_new (root, "signal", gp_json_string (member));
  json_object_set_new (root, "interface", gp_json_string (interface));
  json_object_set_new (root, "path", gp_json_string (path));
  json_object_set_new (root, "subject", gp_json_string (about));
  gp_cli_print_json (root, FALSE);
}

/* A signal as JSON: its arguments, as they are. */
static void
print_json_args (const char *member, const char *interface, const char *path,
                 GVariant *parameters)
{
  json_t *object = json_object ();

  json_object_set_new (object, "args", variant_to_json (parameters));
  print_json_line (member, interface, path, object);
}

static void
on_properties_changed (Monitor *monitor, const char *path, GVariant *parameters)
{
  g_autoptr(GVariant) changed = NULL;
  g_autofree const char **invalidated = NULL;
  g_autofree char *about = subject (path);
  const char *interface;
  GVariantIter iter;
  const char *name;
  GVariant *value;

  g_variant_get (parameters, "(&s@a{sv}^a&s)", &interface, &changed, &invalidated);
  if (monitor->cli->json)
    {
      json_t *object = json_object ();

      json_object_set_new (object, "changed", variant_to_json (changed));
      json_object_set_new (object, "invalidated", gp_json_strv (invalidated));
      print_json_line ("PropertiesChanged", interface, path, object);
      return;
    }
  g_print ("%s: PropertiesChanged", about);
  g_variant_iter_init (&iter, changed);
  while (g_variant_iter_next (&iter, "{&sv}", &name, &value))
    {
      g_autofree char *text = g_variant_print (value, FALSE);

      g_print (" %s=%s", name, text);
      g_variant_unref (value);
    }
  for (guint i = 0; invalidated[i]; i++)
    g_print (" %s", invalidated[i]);
  g_print ("\n");
}

/* InterfacesAdded and InterfacesRemoved are about the object in their
 * first argument, not the ObjectManager that sends them. */
static void
on_interfaces (Monitor *monitor, const char *member, GVariant *parameters)
{
  g_autoptr(GVariant) interfaces = g_variant_get_child_value (parameters, 1);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *path;
  GVariantIter iter;
  char *name;

  g_variant_get_child (parameters, 0, "&o", &path);
  g_variant_iter_init (&iter, interfaces);
  /* a{sa{sv}} for InterfacesAdded, as for InterfacesRemoved. */
  while (g_variant_iter_next (&iter, g_variant_is_of_type (interfaces, G_VARIANT_TYPE ("as"))
                              ? "s" : "{s@a{sv}}", &name, NULL))
    g_ptr_array_add (names, name);
  g_ptr_array_add (names, NULL);
  if (monitor->cli->json)
    {
      json_t *object = json_object ();

      json_object_set_new (object, "interfaces",
                           gp_json_strv ((const char *const *) names->pdata));
      if (g_variant_is_of_type (interfaces, G_VARIANT_TYPE ("a{sa{sv}}")))
        json_object_set_new (object, "properties", variant_to_json (interfaces));
      print_json_line (member, "org.freedesktop.DBus.ObjectManager", path, object);
    }
  else
    {
      g_autofree char *about = subject (path);
      g_autofree char *list = g_strjoinv (" ", (char **) names->pdata);

      g_print ("%s: %s %s\n", about, member, list);
    }
}

static void
on_signal (GDBusConnection *connection, const char *sender, const char *path,
           const char *interface, const char *member, GVariant *parameters,
           gpointer user_data)
{
  Monitor *monitor = user_data;

  if (g_str_equal (member, "PropertiesChanged") &&
      g_str_equal (interface, "org.freedesktop.DBus.Properties"))
    on_properties_changed (monitor, path, parameters);
  else if (g_str_equal (interface, "org.freedesktop.DBus.ObjectManager"))
    on_interfaces (monitor, member, parameters);
  else if (monitor->cli->json)
    print_json_args (member, interface, path, parameters);
  else
    {
      g_autofree char *about = subject (path);
      GString *line = g_string_new (NULL);

      g_string_append_printf (line, "%s: %s", about, member);
      for (gsize i = 0; i < g_variant_n_children (parameters); i++)
        {
          g_autoptr(GVariant) arg = g_variant_get_child_value (parameters, i);
          g_autofree char *text = g_variant_print (arg, FALSE);

          g_string_append_printf (line, " %s", text);
        }
      g_print ("%s\n", line->str);
      g_string_free (line, TRUE);
    }
  fflush (stdout);
}

/* gluster-peerd started or stopped. */
static void
on_owner_changed (GDBusConnection *connection, const char *sender, const char *path,
                  const char *interface, const char *member, GVariant *parameters,
                  gpointer user_data)
{
  Monitor *monitor = user_data;
  const char *name, *old_owner, *new_owner;

  g_variant_get (parameters, "(&s&s&s)", &name, &old_owner, &new_owner);
  if (monitor->cli->json)
    print_json_args (member, interface, path, parameters);
  else if (new_owner[0])
    /* TRANSLATORS: bus name, then the unique name of its new owner */
    g_print (_("gluster-peerd: NameOwnerChanged %s started (%s)\n"), name, new_owner);
  else
    /* TRANSLATORS: bus name, then the unique name of its old owner */
    g_print (_("gluster-peerd: NameOwnerChanged %s stopped (was %s)\n"), name, old_owner);
  fflush (stdout);
}

static gboolean
on_unix_signal (gpointer user_data)
{
  Monitor *monitor = user_data;

  g_main_loop_quit (monitor->loop);
  return G_SOURCE_CONTINUE;
}

static void
on_closed (GDBusConnection *connection, gboolean remote_peer_vanished, GError *error,
           gpointer user_data)
{
  Monitor *monitor = user_data;
  g_autoptr(GError) lost = g_error_new (G_IO_ERROR, G_IO_ERROR_CLOSED,
                                        _("lost the connection to the bus: %s"),
                                        error ? error->message : _("closed"));

  monitor->status = gp_cli_fail (monitor->cli, lost);
  g_main_loop_quit (monitor->loop);
}

int
gp_cli_monitor (GpCli *cli, int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GVariant) reply = NULL;
  Monitor monitor = { cli, loop, GP_CLI_EXIT_OK };
  guint signals_id, owner_id, sigint_id, sigterm_id;
  int status;

  if ((status = gp_cli_check_args (cli, argc, 0, 0)))
    return status;
  if (!gp_cli_connect (cli, &error))
    return gp_cli_fail (cli, error);

  g_dbus_connection_set_exit_on_close (cli->connection, FALSE);
  g_signal_connect (cli->connection, "closed", G_CALLBACK (on_closed), &monitor);
  signals_id = g_dbus_connection_signal_subscribe (cli->connection, GP_BUS_NAME, NULL, NULL,
                                                   NULL, NULL, G_DBUS_SIGNAL_FLAGS_NONE,
                                                   on_signal, &monitor, NULL);
  owner_id = g_dbus_connection_signal_subscribe (cli->connection, "org.freedesktop.DBus",
                                                 "org.freedesktop.DBus", "NameOwnerChanged",
                                                 "/org/freedesktop/DBus", GP_BUS_NAME,
                                                 G_DBUS_SIGNAL_FLAGS_NONE,
                                                 on_owner_changed, &monitor, NULL);
  sigint_id = g_unix_signal_add (SIGINT, on_unix_signal, &monitor);
  sigterm_id = g_unix_signal_add (SIGTERM, on_unix_signal, &monitor);

  /* The bus handles messages in order: once this reply is here, our match
   * rules are in place, and a script waiting for the line below may act. */
  reply = g_dbus_connection_call_sync (cli->connection, "org.freedesktop.DBus",
                                       "/org/freedesktop/DBus", "org.freedesktop.DBus",
                                       "NameHasOwner", g_variant_new ("(s)", GP_BUS_NAME),
                                       G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE, -1,
                                       NULL, &error);
  if (reply == NULL)
    monitor.status = gp_cli_fail (cli, error);
  else
    {
      gboolean running;

      g_variant_get (reply, "(b)", &running);
      if (running)
        g_printerr (_("gluster-peerctl: monitoring gluster-peerd; interrupt to stop\n"));
      else
        g_printerr (_("gluster-peerctl: monitoring; gluster-peerd is not running yet\n"));
      g_main_loop_run (loop);
    }

  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);
  g_dbus_connection_signal_unsubscribe (cli->connection, signals_id);
  g_dbus_connection_signal_unsubscribe (cli->connection, owner_id);
  g_signal_handlers_disconnect_by_data (cli->connection, &monitor);
  return monitor.status;
}
