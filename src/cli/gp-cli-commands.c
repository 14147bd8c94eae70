/* gp-cli-commands.c: gluster-peerctl's commands for operators and scripts,
 * and the table main() dispatches with. Reading commands print text for
 * people or, with --json, one JSON document for scripts.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "gp-cli.h"

#include <stdio.h>
#include <string.h>

#include "gp-bricks.h"
#include "gp-names.h"

/* Command-specific options; one invocation runs one command. */
static char *opt_address_key;
static char *opt_replica;
static guint replica_count; /* opt_replica, checked */
static const char *retrieve_key; /* retrieve-remote's argument */

static const GOptionEntry address_key_entries[] = {
  { "address-key", 'k', 0, G_OPTION_ARG_STRING, &opt_address_key,
    N_("Settings key holding the address (default: private-address)"), N_("KEY") },
  { NULL }
};

static const GOptionEntry volume_bricks_entries[] = {
  { "replica", 'r', 0, G_OPTION_ARG_STRING, &opt_replica,
    N_("Replica count of the volume (required)"), N_("N") },
  { "address-key", 'k', 0, G_OPTION_ARG_STRING, &opt_address_key,
    N_("Settings key holding the address (default: private-address)"), N_("KEY") },
  { NULL }
};

/* ---- helpers ------------------------------------------------------------ */

/* Connects and picks the relation; returns an exit code on failure. */
static int
open_relation (GpCli *cli, GpDbusRelation **relation)
{
  g_autoptr(GError) error = NULL;
  gboolean usage = FALSE;

  if (!gp_cli_connect_service (cli, TRUE, &error))
    return gp_cli_fail (cli, error);
  *relation = gp_cli_choose_relation (cli, &usage, &error);
  if (*relation)
    return GP_CLI_EXIT_OK;
  return usage ? gp_cli_usage (cli, "%s", error->message) : gp_cli_fail (cli, error);
}

static const char *
address_key (void)
{
  return opt_address_key ? opt_address_key : "";
}

/* Host names in the order of the units they stand for ("glusterfs-10"
 * after "glusterfs-9"). */
static gint
compare_hosts (gconstpointer a, gconstpointer b)
{
  g_autofree char *unit_a = g_strdup (*(const char *const *) a);
  g_autofree char *unit_b = g_strdup (*(const char *const *) b);
  char *dash_a = strrchr (unit_a, '-'), *dash_b = strrchr (unit_b, '-');

  if (dash_a)
    *dash_a = '/';
  if (dash_b)
    *dash_b = '/';
  return gp_unit_name_compare (unit_a, unit_b);
}

static gint
compare_units (gconstpointer a, gconstpointer b)
{
  return gp_unit_name_compare (*(const char *const *) a, *(const char *const *) b);
}

/* Copies: a reply's GVariant may be a tree whose parts, and so borrowed
 * strings, go away when it is serialized (as g_variant_lookup does). */
static GPtrArray *
sorted_keys (GVariant *dict, GCompareFunc compare)
{
  GPtrArray *keys = g_ptr_array_new_with_free_func (g_free);
  GVariantIter iter;
  char *key;

  g_variant_iter_init (&iter, dict);
  while (g_variant_iter_next (&iter, "{s@*}", &key, NULL))
    g_ptr_array_add (keys, key);
  g_ptr_array_sort (keys, compare);
  return keys;
}

static void
print_strv_line (const char *first, const char *const *strv)
{
  g_print ("%s", first);
  for (; strv && *strv; strv++)
    g_print (" %s", *strv);
  g_print ("\n");
}

/* ---- reading ------------------------------------------------------------ */

/* What a reading command works on. */
typedef enum {
  ONE_RELATION,   /* the one gp_cli_choose_relation() chooses */
  EVERY_RELATION, /* all of them, unless --relation names one */
} ReadScope;

/* A reading command's own part, on the relations run_read() chose: it
 * puts its document in *@json, which run_read() prints with --json;
 * without --json it prints its text instead (and may leave *@json NULL).
 * FALSE with @error set when the service said no. */
typedef gboolean (*ReadFunc) (GpCli *cli, GList *relations, json_t **json,
                              GError **error);

/* Runs a reading command, which takes no arguments: connects, chooses the
 * relations, and has @read print. Returns the exit code. */
static int
run_read (GpCli *cli, int argc, ReadScope scope, ReadFunc read)
{
  g_autolist(GpDbusRelation) relations = NULL;
  g_autoptr(json_t) json = NULL;
  g_autoptr(GError) error = NULL;
  GpDbusRelation *relation = NULL;
  int status;

  if ((status = gp_cli_check_args (cli, argc, 0, 0)))
    return status;
  if (scope == EVERY_RELATION && cli->relation == NULL)
    {
      if (!gp_cli_connect_service (cli, TRUE, &error))
        return gp_cli_fail (cli, error);
      relations = gp_cli_list_relations (cli);
    }
  else if ((status = open_relation (cli, &relation)))
    return status;
  else
    relations = g_list_prepend (NULL, relation);

  if (!read (cli, relations, &json, &error))
    return gp_cli_fail (cli, error);
  if (cli->json)
    gp_cli_print_json (json, TRUE);
  return GP_CLI_EXIT_OK;
}

/* One string a line, or with --json a JSON array. */
static void
print_strv (GpCli *cli, const char *const *strv, json_t **json)
{
  if (cli->json)
    *json = gp_json_strv (strv);
  else
    for (; strv && *strv; strv++)
      g_print ("%s\n", *strv);
}

static gboolean
read_status (GpCli *cli, GList *relations, json_t **json, GError **error)
{
  json_t *object;
  json_t *array;

  if (!cli->json)
    {
      gp_cli_print_status (cli, relations);
      return TRUE;
    }
  object = json_object ();
  array = json_array ();
  json_object_set_new (object, "version",
                       gp_json_string (gp_dbus_manager_get_version (cli->manager)));
  for (GList *l = relations; l; l = l->next)
    json_array_append_new (array, gp_cli_json_relation (cli, l->data));
  json_object_set_new (object, "relations", array);
  *json = object;
  return TRUE;
}

static gboolean
read_units (GpCli *cli, GList *relations, json_t **json, GError **error)
{
  g_autolist(GpDbusPeer) peers = gp_cli_relation_peers (cli, relations->data);
  json_t *array = json_array ();

  *json = array;
  for (GList *l = peers; l; l = l->next)
    if (cli->json)
      json_array_append_new (array, gp_cli_json_peer (l->data));
    else
      g_print ("%s\n", gp_dbus_peer_get_name (l->data));
  return TRUE;
}

static gboolean
read_ip_map (GpCli *cli, GList *relations, json_t **json, GError **error)
{
  g_autoptr(GVariant) map = NULL;
  json_t *array;
  GVariantIter iter;
  const char *host, *address;

  if (!gp_dbus_relation_call_ip_map_sync (relations->data, address_key (), &map, NULL, error))
    return FALSE;
  array = json_array ();
  *json = array;
  g_variant_iter_init (&iter, map);
  while (g_variant_iter_next (&iter, "(&s&s)", &host, &address))
    if (cli->json)
      {
        json_t *pair = json_object ();

        json_object_set_new (pair, "host", gp_json_string (host));
        json_object_set_new (pair, "address", gp_json_string (address));
        json_array_append_new (array, pair);
      }
    else
      g_print ("%s %s\n", host, address[0] ? address : "-");
  return TRUE;
}

static gboolean
read_brick_map (GpCli *cli, GList *relations, json_t **json, GError **error)
{
  g_autoptr(GVariant) map = NULL;
  g_autoptr(GPtrArray) hosts = NULL;
  json_t *object;

  if (!gp_dbus_relation_call_brick_map_sync (relations->data, &map, NULL, error))
    return FALSE;
  hosts = sorted_keys (map, compare_hosts);
  object = json_object ();
  *json = object;
  for (guint i = 0; i < hosts->len; i++)
    {
      g_autofree const char **bricks = NULL;

      g_variant_lookup (map, hosts->pdata[i], "^a&s", &bricks);
      if (cli->json)
        json_object_set_new (object, hosts->pdata[i], gp_json_strv (bricks));
      else
        print_strv_line (hosts->pdata[i], bricks);
    }
  return TRUE;
}

/* An a{s(sas)} of unit -> (address, bricks): a line a unit, or a JSON
 * object. */
static void
print_unit_entries (GpCli *cli, GVariant *info, json_t **json)
{
  g_autoptr(GPtrArray) units = NULL;
  json_t *object;

  units = sorted_keys (info, compare_units);
  object = json_object ();
  *json = object;
  for (guint i = 0; i < units->len; i++)
    {
      g_autofree const char **bricks = NULL;
      const char *address;

      g_variant_lookup (info, units->pdata[i], "(&s^a&s)", &address, &bricks);
      if (cli->json)
        {
          json_t *entry = json_object ();

          json_object_set_new (entry, "address", gp_json_string (address));
          json_object_set_new (entry, "bricks", gp_json_strv (bricks));
          json_object_set_new (object, units->pdata[i], entry);
        }
      else
        {
          g_autofree char *first = g_strdup_printf ("%s %s", (const char *) units->pdata[i],
                                                    address[0] ? address : "-");

          print_strv_line (first, bricks);
        }
    }
}

static gboolean
read_peer_info (GpCli *cli, GList *relations, json_t **json, GError **error)
{
  g_autoptr(GVariant) info = NULL;

  if (!gp_dbus_relation_call_peer_info_sync (relations->data, address_key (), &info, NULL, error))
    return FALSE;
  print_unit_entries (cli, info, json);
  return TRUE;
}

/* What the departed units last advertised, for remove-brick and detach. */
static gboolean
read_departed_units (GpCli *cli, GList *relations, json_t **json, GError **error)
{
  GVariant *departed = gp_dbus_relation_get_departed (relations->data);
  g_autoptr(GVariant) empty = NULL;

  if (departed == NULL)
    departed = empty = g_variant_ref_sink (g_variant_new_array (G_VARIANT_TYPE ("{s(sas)}"),
                                                                NULL, 0));
  print_unit_entries (cli, departed, json);
  return TRUE;
}

static gboolean
read_volume_bricks (GpCli *cli, GList *relations, json_t **json, GError **error)
{
  g_auto(GStrv) bricks = NULL;

  if (!gp_dbus_relation_call_volume_bricks_sync (relations->data, replica_count, address_key (),
                                                 &bricks, NULL, error))
    return FALSE;
  print_strv (cli, (const char *const *) bricks, json);
  return TRUE;
}

static gboolean
read_retrieve_remote (GpCli *cli, GList *relations, json_t **json, GError **error)
{
  g_auto(GStrv) values = NULL;

  if (!gp_dbus_relation_call_retrieve_remote_sync (relations->data, retrieve_key, &values,
                                                   NULL, error))
    return FALSE;
  print_strv (cli, (const char *const *) values, json);
  return TRUE;
}

static gboolean
read_states (GpCli *cli, GList *relations, json_t **json, GError **error)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  /* The reactive names the old interface set: "<relation>.<state>". */
  for (GList *l = relations; l; l = l->next)
    for (const char *const *s = gp_dbus_relation_get_states (l->data); s && *s; s++)
      g_ptr_array_add (names, g_strconcat (gp_dbus_relation_get_name (l->data), ".", *s, NULL));
  g_ptr_array_add (names, NULL);
  print_strv (cli, (const char *const *) names->pdata, json);
  return TRUE;
}

static int
cmd_status (GpCli *cli, int argc, char **argv)
{
  return run_read (cli, argc, EVERY_RELATION, read_status);
}

static int
cmd_units (GpCli *cli, int argc, char **argv)
{
  return run_read (cli, argc, ONE_RELATION, read_units);
}

static int
cmd_ip_map (GpCli *cli, int argc, char **argv)
{
  return run_read (cli, argc, ONE_RELATION, read_ip_map);
}

static int
cmd_brick_map (GpCli *cli, int argc, char **argv)
{
  return run_read (cli, argc, ONE_RELATION, read_brick_map);
}

static int
cmd_peer_info (GpCli *cli, int argc, char **argv)
{
  return run_read (cli, argc, ONE_RELATION, read_peer_info);
}

static int
cmd_departed_units (GpCli *cli, int argc, char **argv)
{
  return run_read (cli, argc, ONE_RELATION, read_departed_units);
}

static int
cmd_volume_bricks (GpCli *cli, int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  guint64 replica;
  int status;

  /* The arguments, then --replica, then the service (run_read() checks
   * the arguments again, which costs nothing). */
  if ((status = gp_cli_check_args (cli, argc, 0, 0)))
    return status;
  if (opt_replica == NULL)
    return gp_cli_usage (cli, _("--replica N is required"));
  if (!g_ascii_string_to_unsigned (opt_replica, 10, 0, G_MAXUINT32, &replica, &error))
    return gp_cli_usage (cli, "--replica: %s", error->message);
  replica_count = (guint) replica;
  return run_read (cli, argc, ONE_RELATION, read_volume_bricks);
}

static int
cmd_retrieve_remote (GpCli *cli, int argc, char **argv)
{
  int status;

  if ((status = gp_cli_check_args (cli, argc, 1, 1)))
    return status;
  retrieve_key = argv[1];
  return run_read (cli, argc - 1, ONE_RELATION, read_retrieve_remote);
}

static int
cmd_states (GpCli *cli, int argc, char **argv)
{
  return run_read (cli, argc, EVERY_RELATION, read_states);
}

/* ---- acting ------------------------------------------------------------- */

static int
cmd_clear_state (GpCli *cli, int argc, char **argv)
{
  g_autoptr(GpDbusRelation) relation = NULL;
  g_autoptr(GError) error = NULL;
  const char *state = argv[1];
  const char *name;
  int status;

  if ((status = gp_cli_check_args (cli, argc, 1, 1)) || (status = open_relation (cli, &relation)))
    return status;
  /* Also take the reactive name "server.departed" that `states` prints. */
  name = gp_dbus_relation_get_name (relation);
  if (g_str_has_prefix (state, name) && state[strlen (name)] == '.')
    state += strlen (name) + 1;
  if (!gp_dbus_relation_call_clear_state_sync (relation, state, NULL, &error))
    return gp_cli_fail (cli, error);
  return GP_CLI_EXIT_OK;
}

/* Inside a hook, what this unit advertises also goes to Juju, on every
 * relation id of the endpoint, so peers see it. */
static int
publish (GpCli *cli, GpDbusRelation *relation, const char *const *settings)
{
  g_autoptr(GError) error = NULL;

  if (gp_cli_in_juju_context () &&
      !gp_cli_publish (gp_dbus_relation_get_name (relation), settings, &error))
    return gp_cli_fail (cli, error);
  return GP_CLI_EXIT_OK;
}

static int
publish_one (GpCli *cli, GpDbusRelation *relation, const char *key, const char *value)
{
  g_autofree char *setting = g_strconcat (key, "=", value, NULL);
  const char *settings[] = { setting, NULL };

  return publish (cli, relation, settings);
}

static int
cmd_set_address (GpCli *cli, int argc, char **argv)
{
  g_autoptr(GpDbusRelation) relation = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;
  int status;

  if ((status = gp_cli_check_args (cli, argc, 2, 2)))
    return status;
  if (!gp_address_type_validate (argv[1], &error) || !gp_address_validate (argv[2], &error))
    return gp_cli_usage (cli, "%s", error->message);
  if ((status = open_relation (cli, &relation)))
    return status;
  if (!gp_dbus_relation_call_set_address_sync (relation, argv[1], argv[2], NULL, &error))
    return gp_cli_fail (cli, error);
  key = g_strconcat (argv[1], "-address", NULL);
  return publish_one (cli, relation, key, argv[2]);
}

static int
cmd_set_bricks (GpCli *cli, int argc, char **argv)
{
  g_autoptr(GpDbusRelation) relation = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) bricks = NULL;
  g_autofree char *json = NULL;
  int status;

  /* No brick at all is a list too: this unit withdraws every brick. */
  if ((status = gp_cli_check_args (cli, argc, 0, -1)))
    return status;
  /* The daemon enforces the configured limit on the count. */
  bricks = gp_bricks_normalize ((const char *const *) argv + 1, G_MAXUINT, &error);
  if (bricks == NULL)
    return gp_cli_usage (cli, "%s", error->message);
  if ((status = open_relation (cli, &relation)))
    return status;
  if (!gp_dbus_relation_call_set_bricks_sync (relation, (const char *const *) bricks, NULL, &error))
    return gp_cli_fail (cli, error);
  json = gp_bricks_to_json ((const char *const *) bricks);
  return publish_one (cli, relation, "bricks", json);
}

/* KEY=VALUE... as a data bag; with @check_keys, keys the service would
 * refuse are a usage error here already. Returns an exit code. */
static int parse_bag (GpCli *cli, int argc, char **argv, gboolean check_keys, GVariant **bag);

static int
cmd_set (GpCli *cli, int argc, char **argv)
{
  g_autoptr(GpDbusRelation) relation = NULL;
  g_autoptr(GVariant) bag = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  if ((status = gp_cli_check_args (cli, argc, 1, -1)) ||
      (status = parse_bag (cli, argc - 1, argv + 1, TRUE, &bag)) ||
      (status = open_relation (cli, &relation)))
    return status;
  if (!gp_dbus_relation_call_send_all_sync (relation, bag, NULL, &error))
    return gp_cli_fail (cli, error);
  /* Juju's relation-set, like SendAll, deletes a key set to "". */
  return publish (cli, relation, (const char *const *) argv + 1);
}

/* Names the local unit, keeping what it advertises: outside hook mode
 * nothing else tells the service who "we" are. */
static int
cmd_set_local_unit (GpCli *cli, int argc, char **argv)
{
  g_autoptr(GpDbusRelation) relation = NULL;
  g_autoptr(GError) error = NULL;
  GVariant *settings;
  int status;

  if ((status = gp_cli_check_args (cli, argc, 1, 1)))
    return status;
  if (!gp_unit_name_validate (argv[1], &error))
    return gp_cli_usage (cli, "%s", error->message);
  if ((status = open_relation (cli, &relation)))
    return status;
  settings = gp_dbus_relation_get_local_settings (relation);
  if (settings == NULL)
    settings = g_variant_new_array (G_VARIANT_TYPE ("{ss}"), NULL, 0);
  if (!gp_dbus_relation_call_set_local_unit_sync (relation, argv[1], settings, NULL, &error))
    return gp_cli_fail (cli, error);
  return GP_CLI_EXIT_OK;
}

static int
parse_bag (GpCli *cli, int argc, char **argv, gboolean check_keys, GVariant **bag)
{
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a{ss}"));
  for (int i = 0; i < argc; i++)
    {
      const char *eq = strchr (argv[i], '=');
      g_autofree char *key = NULL;
      g_autoptr(GError) error = NULL;

      if (eq == NULL)
        {
          g_variant_builder_clear (&builder);
          return gp_cli_usage (cli, _("“%s” is not KEY=VALUE"), argv[i]);
        }
      key = g_strndup (argv[i], (gsize) (eq - argv[i]));
      if (check_keys && !gp_settings_key_validate (key, &error))
        {
          g_variant_builder_clear (&builder);
          return gp_cli_usage (cli, "%s", error->message);
        }
      g_variant_builder_add (&builder, "{ss}", key, eq + 1);
    }
  *bag = g_variant_ref_sink (g_variant_builder_end (&builder));
  return GP_CLI_EXIT_OK;
}

/* created|joined|changed|departed|broken: the hook methods by hand, for
 * scripts and tests without Juju. */
static int
cmd_hook_method (GpCli *cli, int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) bag = NULL;
  g_autofree char *path = NULL;
  const char *what = argv[0];
  gboolean with_unit = !g_str_equal (what, "created") && !g_str_equal (what, "broken");
  gboolean ok;
  int status;

  status = gp_cli_check_args (cli, argc, with_unit ? 2 : 1,
                       g_str_equal (what, "changed") ? -1 : (with_unit ? 2 : 1));
  if (status)
    return status;
  if (g_str_equal (what, "changed") && (status = parse_bag (cli, argc - 3, argv + 3, FALSE, &bag)))
    return status;
  if (!gp_cli_connect_service (cli, FALSE, &error))
    return gp_cli_fail (cli, error);

  if (g_str_equal (what, "changed"))
    ok = gp_dbus_manager_call_unit_changed_sync (cli->manager, argv[1], argv[2], bag,
                                                 &path, NULL, &error);
  else if (g_str_equal (what, "created"))
    ok = gp_dbus_manager_call_relation_created_sync (cli->manager, argv[1], &path, NULL, &error);
  else if (g_str_equal (what, "joined"))
    ok = gp_dbus_manager_call_unit_joined_sync (cli->manager, argv[1], argv[2], &path,
                                                NULL, &error);
  else if (g_str_equal (what, "departed"))
    ok = gp_dbus_manager_call_unit_departed_sync (cli->manager, argv[1], argv[2], NULL, &error);
  else
    ok = gp_dbus_manager_call_relation_broken_sync (cli->manager, argv[1], NULL, &error);
  return ok ? GP_CLI_EXIT_OK : gp_cli_fail (cli, error);
}

static int
cmd_hook (GpCli *cli, int argc, char **argv)
{
  int status;

  if ((status = gp_cli_check_args (cli, argc, 0, 0)))
    return status;
  return gp_cli_hook (cli, NULL);
}

#define READS GP_CLI_COMMAND_READS
#define RELATION GP_CLI_COMMAND_RELATION

const GpCliCommand gp_cli_commands[] = {
  { "status", "", N_("Show the relations, their states and units"),
    READS | RELATION, NULL, cmd_status },
  { "units", "", N_("List the remote units of the relation"),
    READS | RELATION, NULL, cmd_units },
  { "ip-map", "", N_("Show the host name and address of every remote unit"),
    READS | RELATION, address_key_entries, cmd_ip_map },
  { "brick-map", "", N_("Show the bricks of every remote unit"),
    READS | RELATION, NULL, cmd_brick_map },
  { "peer-info", "", N_("Show address and bricks of every unit, this one included"),
    READS | RELATION, address_key_entries, cmd_peer_info },
  { "volume-bricks", "", N_("Print the bricks for “gluster volume create”"),
    READS | RELATION, volume_bricks_entries, cmd_volume_bricks },
  { "retrieve-remote", N_("KEY"), N_("Print KEY's value of every remote unit that set it"),
    READS | RELATION, NULL, cmd_retrieve_remote },
  { "departed-units", "", N_("Show address and bricks of the units that departed"),
    READS | RELATION, NULL, cmd_departed_units },
  { "states", "", N_("Print the reactive states, as <relation>.<state>"),
    READS | RELATION, NULL, cmd_states },
  { "clear-state", N_("STATE"), N_("Clear an edge state (departed, bricks.available, bricks.removed)"),
    RELATION, NULL, cmd_clear_state },
  { "set-address", N_("TYPE ADDRESS"), N_("Advertise this unit's <TYPE>-address"),
    RELATION, NULL, cmd_set_address },
  { "set-bricks", N_("[BRICK…]"), N_("Advertise this unit's bricks (none: withdraw all)"),
    RELATION, NULL, cmd_set_bricks },
  { "set", N_("KEY=VALUE…"), N_("Advertise settings of this unit (KEY= deletes one)"),
    RELATION, NULL, cmd_set },
  { "set-local-unit", N_("UNIT"), N_("Name this unit, for queries outside Juju hooks"),
    RELATION, NULL, cmd_set_local_unit },
  { "sync", "", N_("Bring the service in line with Juju's view of the relation"),
    RELATION, NULL, gp_cli_sync },
  { "monitor", "", N_("Print every signal and property change until interrupted"),
    READS, NULL, gp_cli_monitor },
  { "hook", "", N_("Run the relation hook Juju's environment names"),
    0, NULL, cmd_hook },
  { "created", N_("RELATION"), N_("Tell the service a relation was created"),
    0, NULL, cmd_hook_method },
  { "joined", N_("RELATION UNIT"), N_("Tell the service a unit joined"),
    0, NULL, cmd_hook_method },
  { "changed", N_("RELATION UNIT [KEY=VALUE…]"), N_("Give the service a unit's whole data bag"),
    0, NULL, cmd_hook_method },
  { "departed", N_("RELATION UNIT"), N_("Tell the service a unit departed"),
    0, NULL, cmd_hook_method },
  { "broken", N_("RELATION"), N_("Tell the service a relation is broken"),
    0, NULL, cmd_hook_method },
  { NULL }
};
