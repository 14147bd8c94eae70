/* gp-cli-bus.c: gluster-peerctl's side of the bus: the connection, the
 * generated proxies, choosing a relation, and turning errors into one line a
 * person can act on.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "gp-cli.h"

#include <stdio.h>

#include "gp-error.h"
#include "gp-names.h"

static const char *
bus_description (GpCli *cli)
{
  return cli->session ? _("the session bus") : _("the system bus");
}

/* ---- errors ------------------------------------------------------------- */

/* The message of @error without the "GDBus.Error:name: " prefix, with a
 * hint where the remedy is not in the message itself. */
static char *
explain (GpCli *cli, const GError *error)
{
  g_autoptr(GError) copy = g_error_copy (error);

  g_dbus_error_strip_remote_error (copy);
  if (g_error_matches (copy, G_DBUS_ERROR, G_DBUS_ERROR_ACCESS_DENIED))
    /* TRANSLATORS: %s is the reason D-Bus gave */
    return g_strdup_printf (_("%s (run it as root)"), copy->message);
  if (g_error_matches (copy, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN) ||
      g_error_matches (copy, G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER))
    /* TRANSLATORS: %s is "the system bus" or "the session bus" */
    return g_strdup_printf (_("gluster-peerd is not running on %s: start it "
                              "(systemctl start gluster-peerd)"),
                            bus_description (cli));
  if (g_error_matches (copy, G_DBUS_ERROR, G_DBUS_ERROR_NO_REPLY) ||
      g_error_matches (copy, G_DBUS_ERROR, G_DBUS_ERROR_TIMEOUT) ||
      g_error_matches (copy, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    return g_strdup_printf (_("gluster-peerd did not answer: %s (see "
                              "journalctl -u gluster-peerd)"), copy->message);
  return g_strdup (copy->message);
}

/* "gluster-peerctl: COMMAND: MESSAGE" on stderr; returns @status. */
static int
print_error (GpCli *cli, const char *message, int status)
{
  if (cli->command)
    fprintf (stderr, "gluster-peerctl: %s: %s\n", cli->command, message);
  else
    fprintf (stderr, "gluster-peerctl: %s\n", message);
  return status;
}

int
gp_cli_fail (GpCli *cli, const GError *error)
{
  g_autofree char *message = explain (cli, error);

  /* One line: hooks' stderr ends up line by line in Juju's debug log. */
  g_strdelimit (message, "\n", ' ');
  return print_error (cli, message, GP_CLI_EXIT_FAILED);
}

int
gp_cli_usage (GpCli *cli, const char *format, ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  return print_error (cli, message, GP_CLI_EXIT_USAGE);
}

int
gp_cli_check_args (GpCli *cli, int argc, int min, int max)
{
  if (argc - 1 < min)
    return gp_cli_usage (cli, _("missing arguments (see gluster-peerctl %s --help)"),
                         cli->command);
  if (max >= 0 && argc - 1 > max)
    return gp_cli_usage (cli, _("too many arguments (see gluster-peerctl %s --help)"),
                         cli->command);
  return GP_CLI_EXIT_OK;
}

/* ---- connecting --------------------------------------------------------- */

gboolean
gp_cli_connect (GpCli *cli, GError **error)
{
  g_autoptr(GError) local_error = NULL;
  GBusType type = cli->session ? G_BUS_TYPE_SESSION : G_BUS_TYPE_SYSTEM;
  const char *variable = cli->session ? "DBUS_SESSION_BUS_ADDRESS" : "DBUS_SYSTEM_BUS_ADDRESS";
  const char *address;

  if (cli->connection)
    return TRUE;
  /* Our error domain maps the service's D-Bus error names back to GpError. */
  (void) gp_error_quark ();
  cli->connection = g_bus_get_sync (type, NULL, &local_error);
  if (cli->connection)
    return TRUE;
  address = g_getenv (variable);
  if (address && address[0])
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                 /* TRANSLATORS: %s: "the system bus"; %s=%s: variable and value; %s: reason */
                 _("cannot connect to %s at %s=%s: %s"), bus_description (cli),
                 variable, address, local_error->message);
  else
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                 /* TRANSLATORS: %s: "the system bus"; %s: reason */
                 _("cannot connect to %s: %s (is dbus running?)"),
                 bus_description (cli), local_error->message);
  return FALSE;
}

/* @lean: only for calling methods (hooks, scripting), which then costs one
 * round trip less than loading the properties and subscribing to signals
 * nobody reads: a hook runs this once per peer per change. */
static gboolean
connect_manager (GpCli *cli, gboolean lean, GError **error)
{
  g_autofree char *owner = NULL;
  GDBusProxyFlags flags = G_DBUS_PROXY_FLAGS_NONE;

  if (!gp_cli_connect (cli, error))
    return FALSE;
  if (lean)
    flags |= G_DBUS_PROXY_FLAGS_DO_NOT_LOAD_PROPERTIES |
             G_DBUS_PROXY_FLAGS_DO_NOT_CONNECT_SIGNALS;
  /* Without DO_NOT_AUTO_START the proxy asks the bus to start a
   * bus-activatable gluster-peerd; if that is not possible it has no owner. */
  cli->manager = gp_dbus_manager_proxy_new_sync (cli->connection, flags,
                                                 GP_BUS_NAME, GP_OBJECT_PATH_ROOT,
                                                 NULL, error);
  if (cli->manager == NULL)
    return FALSE;
  owner = g_dbus_proxy_get_name_owner (G_DBUS_PROXY (cli->manager));
  if (owner == NULL)
    {
      g_set_error (error, G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER,
                   "%s has no owner", GP_BUS_NAME);
      g_clear_object (&cli->manager);
      return FALSE;
    }
  return TRUE;
}

gboolean
gp_cli_connect_service (GpCli *cli, gboolean with_objects, GError **error)
{
  if (cli->objects || (cli->manager && !with_objects))
    return TRUE;
  if (cli->manager && cli->manager_lean)
    g_clear_object (&cli->manager); /* now its properties are wanted */
  if (cli->manager == NULL && !connect_manager (cli, !with_objects, error))
    return FALSE;
  cli->manager_lean = !with_objects;
  if (!with_objects)
    return TRUE;
  /* Hooks skip this: it fetches every unit of every relation. */
  cli->objects = gp_dbus_object_manager_client_new_sync (cli->connection,
                                                         G_DBUS_OBJECT_MANAGER_CLIENT_FLAGS_DO_NOT_AUTO_START,
                                                         GP_BUS_NAME, GP_OBJECT_PATH_ROOT,
                                                         NULL, error);
  return cli->objects != NULL;
}

void
gp_cli_disconnect (GpCli *cli)
{
  g_clear_object (&cli->objects);
  g_clear_object (&cli->manager);
  if (cli->connection)
    g_dbus_connection_flush_sync (cli->connection, NULL, NULL);
  g_clear_object (&cli->connection);
}

/* ---- relations and units ------------------------------------------------ */

static GpDbusRelation *
relation_at (GpCli *cli, const char *path)
{
  g_autoptr(GDBusObject) object = g_dbus_object_manager_get_object (cli->objects, path);

  return object ? gp_dbus_object_get_relation (GP_DBUS_OBJECT (object)) : NULL;
}

GList *
gp_cli_list_relations (GpCli *cli)
{
  const char *const *paths = gp_dbus_manager_get_relations (cli->manager);
  GList *list = NULL;
  GpDbusRelation *relation;

  /* Manager.Relations gives the order; the object manager the proxies. */
  for (; paths && *paths; paths++)
    if ((relation = relation_at (cli, *paths)) != NULL)
      list = g_list_prepend (list, relation);
  return g_list_reverse (list);
}

static char *
relation_names (GList *relations)
{
  g_autoptr(GString) names = g_string_new (NULL);

  for (GList *l = relations; l; l = l->next)
    g_string_append_printf (names, "%s%s", names->len ? ", " : "",
                            gp_dbus_relation_get_name (l->data));
  return g_string_free (g_steal_pointer (&names), FALSE);
}

GpDbusRelation *
gp_cli_choose_relation (GpCli *cli, gboolean *usage, GError **error)
{
  g_autolist(GpDbusRelation) relations = NULL;
  g_autofree char *name = NULL, *path = NULL, *known = NULL, *endpoint = NULL;
  const char *wanted = cli->relation;
  GpDbusRelation *relation;

  *usage = FALSE;
  /* In a hook the relation is the charm's gluster-peer endpoint, unless
   * told otherwise: never the endpoint of some other interface whose hook
   * happens to run. */
  if (wanted == NULL)
    {
      if (!gp_cli_default_endpoint (&endpoint, usage, error))
        return NULL;
      wanted = endpoint;
    }
  if (wanted && wanted[0])
    {
      if (!gp_relation_parse (wanted, &name, NULL, error))
        {
          *usage = TRUE;
          return NULL;
        }
      path = gp_relation_object_path (name);
      relation = relation_at (cli, path);
      if (relation)
        return relation;
      relations = gp_cli_list_relations (cli);
      known = relation_names (relations);
      if (relations)
        g_set_error (error, GP_ERROR, GP_ERROR_INVALID_ARGUMENT,
                     /* TRANSLATORS: %s: relation name; %s: list of names */
                     _("gluster-peerd knows no relation “%s” (it knows: %s)"),
                     name, known);
      else
        g_set_error (error, GP_ERROR, GP_ERROR_INVALID_ARGUMENT,
                     _("gluster-peerd knows no relation “%s” yet: it learns "
                       "relations from the relation hooks"), name);
      return NULL;
    }

  relations = gp_cli_list_relations (cli);
  if (relations == NULL)
    {
      g_set_error_literal (error, GP_ERROR, GP_ERROR_INVALID_ARGUMENT,
                           _("gluster-peerd knows no relation yet: it learns "
                             "relations from the relation hooks"));
      return NULL;
    }
  if (relations->next)
    {
      known = relation_names (relations);
      *usage = TRUE;
      g_set_error (error, GP_ERROR, GP_ERROR_INVALID_ARGUMENT,
                   /* TRANSLATORS: %s: list of relation names */
                   _("there are several relations (%s): choose one with --relation"),
                   known);
      return NULL;
    }
  return g_object_ref (relations->data);
}

GList *
gp_cli_relation_peers (GpCli *cli, GpDbusRelation *relation)
{
  const char *const *paths = gp_dbus_relation_get_units (relation);
  GList *list = NULL;

  for (; paths && *paths; paths++)
    {
      g_autoptr(GDBusObject) object = g_dbus_object_manager_get_object (cli->objects, *paths);
      GpDbusPeer *peer = object ? gp_dbus_object_get_peer (GP_DBUS_OBJECT (object)) : NULL;

      if (peer)
        list = g_list_prepend (list, peer);
    }
  return g_list_reverse (list);
}
