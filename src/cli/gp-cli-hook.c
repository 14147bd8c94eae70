/* gp-cli-hook.c: hook mode. Juju runs "<relation>-relation-<kind>" (a link
 * to gluster-peerctl, or a script that runs "gluster-peerctl hook"); we read
 * Juju's environment and data bags through its hook tools and call the
 * matching Manager method. Juju re-runs a failed hook, so every step here is
 * safe to repeat: we read before we change anything, and the daemon's
 * methods are idempotent.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "gp-cli.h"

#include <string.h>

#include "gp-error.h"
#include "gp-names.h"
#include "gp-settings.h"

typedef enum {
  HOOK_CREATED,
  HOOK_JOINED,
  HOOK_CHANGED,
  HOOK_DEPARTED,
  HOOK_BROKEN,
} HookKind;

static const char *const hook_kinds[] = {
  "created", "joined", "changed", "departed", "broken", NULL,
};

static const char *
env (const char *name)
{
  const char *value = g_getenv (name);

  return value && value[0] ? value : NULL;
}

gboolean
gp_cli_in_juju_context (void)
{
  /* Juju sets both for every hook and action, where its tools work. */
  return env ("JUJU_CONTEXT_ID") != NULL || env ("JUJU_HOOK_NAME") != NULL;
}

/* "server-relation-joined" -> "server", HOOK_JOINED. The endpoint itself
 * may contain "-relation-", so the kind is what follows the last one. */
static gboolean
parse_hook_name (const char *hook_name, char **endpoint, HookKind *kind)
{
  const char *p = NULL, *next = hook_name;

  while ((next = strstr (next, "-relation-")) != NULL)
    p = next++;
  if (p == NULL || p == hook_name)
    return FALSE;
  for (guint i = 0; hook_kinds[i]; i++)
    if (g_str_equal (p + strlen ("-relation-"), hook_kinds[i]))
      {
        *kind = (HookKind) i;
        *endpoint = g_strndup (hook_name, (gsize) (p - hook_name));
        return TRUE;
      }
  return FALSE;
}

gboolean
gp_cli_is_hook_name (const char *name)
{
  g_autofree char *endpoint = NULL;
  HookKind kind;

  return parse_hook_name (name, &endpoint, &kind);
}

/* ---- Juju's hook tools -------------------------------------------------- */

/* The last non-empty line a tool wrote to stderr: Juju's tools put the
 * reason there ("ERROR ..."). */
static char *
last_line (const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text ? text : "", "\n", -1);

  for (guint n = g_strv_length (lines); n > 0; n--)
    {
      g_strstrip (lines[n - 1]);
      if (lines[n - 1][0])
        return g_strdup (lines[n - 1]);
    }
  return NULL;
}

/* Runs a hook tool found on PATH, as Juju puts them there for a hook, and
 * returns what it printed on stdout. */
char *
gp_cli_juju_run (const char *const *argv, GError **error)
{
  g_autofree char *path = g_find_program_in_path (argv[0]);
  g_autoptr(GSubprocess) process = NULL;
  g_autofree char *out = NULL, *err = NULL, *reason = NULL, *command = NULL;
  g_autoptr(GPtrArray) args = g_ptr_array_new ();

  if (path == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   /* TRANSLATORS: %s is a Juju hook tool such as relation-get */
                   _("Juju hook tool %s not found on PATH: run this from a Juju "
                     "hook, where Juju puts its tools on PATH"), argv[0]);
      return NULL;
    }
  g_ptr_array_add (args, path);
  for (guint i = 1; argv[i]; i++)
    g_ptr_array_add (args, (gpointer) argv[i]);
  g_ptr_array_add (args, NULL);
  command = g_strjoinv (" ", (char **) argv);

  process = g_subprocess_newv ((const char *const *) args->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                               error);
  if (process == NULL ||
      !g_subprocess_communicate_utf8 (process, NULL, NULL, &out, &err, error))
    {
      g_prefix_error (error, "%s: ", command);
      return NULL;
    }
  if (!g_subprocess_get_successful (process))
    {
      reason = last_line (err);
      if (g_subprocess_get_if_exited (process))
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                     /* TRANSLATORS: command line, exit status, its error message */
                     _("“%s” failed with exit status %d: %s"), command,
                     g_subprocess_get_exit_status (process),
                     reason ? reason : _("no message"));
      else
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                     /* TRANSLATORS: command line, signal number */
                     _("“%s” was killed by signal %d"), command,
                     g_subprocess_get_term_sig (process));
      return NULL;
    }
  return g_steal_pointer (&out);
}

/* Adds one data bag entry. Juju's values are strings; a peer that put
 * something else there (a number, a real JSON list of bricks through a
 * newer client) gets it as JSON text, which the daemon reads like any
 * value: a peer's odd data shows up in its Problems, never as a failed
 * hook. Keys the daemon would refuse are dropped with a warning. */
static void
add_value (GVariantBuilder *builder, const char *key, const json_t *value, const char *unit)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  if (json_is_null (value))
    return;
  if (!gp_settings_key_validate (key, &error))
    {
      /* TRANSLATORS: unit name, then the reason */
      g_printerr (_("gluster-peerctl: warning: ignoring a key of %s: %s\n"), unit,
                  error->message);
      return;
    }
  /* The parser has checked that strings are UTF-8 without NUL, as a D-Bus
   * string must be. */
  if (json_is_string (value))
    text = g_strdup (json_string_value (value));
  else
    text = gp_json_to_string (value, JSON_COMPACT);
  g_variant_builder_add (builder, "{ss}", key, text);
}

GVariant *
gp_cli_juju_read_bag (const char *relation_id, const char *unit, GError **error)
{
  const char *with_id[] = { "relation-get", "--format=json", "-r", relation_id, "-", unit, NULL };
  const char *without_id[] = { "relation-get", "--format=json", "-", unit, NULL };
  g_autofree char *out = gp_cli_juju_run (relation_id ? with_id : without_id, error);
  g_autoptr(json_t) root = NULL;
  GVariantBuilder builder;
  const char *key;
  json_t *value;

  if (out == NULL)
    return NULL;
  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a{ss}"));
  /* A unit that has set nothing yet may come back as null, or as nothing. */
  if (g_strstrip (out)[0] == '\0')
    return g_variant_ref_sink (g_variant_builder_end (&builder));
  root = gp_json_parse (out, JSON_DECODE_ANY, error);
  if (root == NULL)
    {
      g_variant_builder_clear (&builder);
      g_prefix_error (error, _("relation-get gave no valid JSON for %s: "), unit);
      return NULL;
    }
  if (json_is_null (root))
    return g_variant_ref_sink (g_variant_builder_end (&builder));
  if (!json_is_object (root))
    {
      g_variant_builder_clear (&builder);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("relation-get gave no JSON object for %s"), unit);
      return NULL;
    }
  json_object_foreach (root, key, value)
    add_value (&builder, key, value, unit);
  return g_variant_ref_sink (g_variant_builder_end (&builder));
}

GStrv
gp_cli_juju_read_list (const char *const *argv, GError **error)
{
  g_autofree char *out = gp_cli_juju_run (argv, error);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(json_t) root = NULL;
  json_t *element;
  size_t i;

  if (out == NULL)
    return NULL;
  if (g_strstrip (out)[0] != '\0')
    {
      root = gp_json_parse (out, JSON_DECODE_ANY, error);
      if (root == NULL)
        {
          /* TRANSLATORS: %s is a Juju hook tool such as relation-list */
          g_prefix_error (error, _("%s gave no valid JSON: "), argv[0]);
          return NULL;
        }
      if (!json_is_null (root) && !json_is_array (root))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("%s gave no JSON list"), argv[0]);
          return NULL;
        }
    }
  json_array_foreach (root, i, element)
    if (json_is_string (element))
      g_strv_builder_add (builder, json_string_value (element));
  return g_strv_builder_end (builder);
}

gboolean
gp_cli_publish (const char *endpoint, const char *const *settings, GError **error)
{
  const char *ids_argv[] = { "relation-ids", "--format=json", endpoint, NULL };
  g_auto(GStrv) ids = gp_cli_juju_read_list (ids_argv, error);

  if (ids == NULL)
    return FALSE;
  for (guint i = 0; ids[i]; i++)
    {
      g_autoptr(GPtrArray) set_argv = g_ptr_array_new ();
      g_autofree char *ignored = NULL;

      g_ptr_array_add (set_argv, "relation-set");
      g_ptr_array_add (set_argv, "-r");
      g_ptr_array_add (set_argv, ids[i]);
      for (const char *const *s = settings; *s; s++)
        g_ptr_array_add (set_argv, (gpointer) *s);
      g_ptr_array_add (set_argv, NULL);
      ignored = gp_cli_juju_run ((const char *const *) set_argv->pdata, error);
      if (ignored == NULL)
        return FALSE;
    }
  return TRUE;
}

/* ---- the hooks ---------------------------------------------------------- */

typedef struct {
  GpCli *cli;
  const char *endpoint;
  HookKind kind;
  const char *relation_id; /* $JUJU_RELATION_ID, may be NULL */
  const char *relation;    /* what the daemon is told: the id, else the endpoint */
} Hook;

/* The endpoint's relation object; @flags on top of never listening for
 * its signals (a hook only calls and reads). */
static GpDbusRelation *
endpoint_relation (Hook *hook, GDBusProxyFlags flags, GError **error)
{
  g_autofree char *path = gp_relation_object_path (hook->endpoint);

  return gp_dbus_relation_proxy_new_sync (hook->cli->connection,
                                          flags | G_DBUS_PROXY_FLAGS_DO_NOT_CONNECT_SIGNALS,
                                          GP_BUS_NAME, path, NULL, error);
}

/* Hands this unit's own data bag (read before anything changed) to the
 * daemon. */
static gboolean
set_local_unit (Hook *hook, GVariant *bag, GError **error)
{
  /* No properties needed: just the method call. */
  g_autoptr(GpDbusRelation) relation =
    endpoint_relation (hook, G_DBUS_PROXY_FLAGS_DO_NOT_LOAD_PROPERTIES, error);

  return relation && gp_dbus_relation_call_set_local_unit_sync (relation, env ("JUJU_UNIT_NAME"),
                                                                bag, NULL, error);
}

/* Juju never runs relation-broken for a peer relation: when this unit
 * itself is leaving, it gets a departed hook for each remote unit, and
 * after the last one the relation is over for it. Forgetting it then lets
 * a unit later deployed here start clean on a new relation id. */
static gboolean
forget_if_left (Hook *hook, GError **error)
{
  g_autoptr(GpDbusRelation) relation = NULL;
  const char *departing = env ("JUJU_DEPARTING_UNIT");
  const char *const *units;

  if (departing == NULL || g_strcmp0 (departing, env ("JUJU_UNIT_NAME")) != 0)
    return TRUE;
  relation = endpoint_relation (hook, G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START, error);
  if (relation == NULL)
    return FALSE;
  units = gp_dbus_relation_get_units (relation);
  /* No properties: the relation is gone already (a retried hook). */
  if (units == NULL || units[0] != NULL)
    return TRUE;
  return gp_dbus_manager_call_relation_broken_sync (hook->cli->manager, hook->relation,
                                                    NULL, error);
}

/* A relation the service keeps for another local unit is from an earlier
 * life of this machine: a unit removed while it had no peer left never
 * got a departed hook. Juju never reuses a unit name, so a new unit starts
 * clean. */
static gboolean
forget_earlier_life (Hook *hook, GError **error)
{
  g_autoptr(GpDbusRelation) relation =
    endpoint_relation (hook, G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START, error);
  const char *local_unit;

  if (relation == NULL)
    return FALSE;
  local_unit = gp_dbus_relation_get_local_unit (relation);
  if (local_unit == NULL || local_unit[0] == '\0' ||
      g_str_equal (local_unit, env ("JUJU_UNIT_NAME")))
    return TRUE;
  return gp_dbus_manager_call_relation_broken_sync (hook->cli->manager, hook->endpoint,
                                                    NULL, error);
}

/* Reads everything from Juju first, so that a failing hook tool fails the
 * hook before the daemon changed anything. */
static gboolean
run_hook (Hook *hook, GError **error)
{
  const char *remote = env ("JUJU_REMOTE_UNIT");
  g_autofree char *path = NULL;
  g_autoptr(GVariant) bag = NULL;

  switch (hook->kind)
    {
    case HOOK_CREATED:
      bag = gp_cli_juju_read_bag (hook->relation_id, env ("JUJU_UNIT_NAME"), error);
      return bag &&
             gp_cli_connect_service (hook->cli, FALSE, error) &&
             forget_earlier_life (hook, error) &&
             gp_dbus_manager_call_relation_created_sync (hook->cli->manager,
                                                         hook->relation, &path, NULL, error) &&
             set_local_unit (hook, bag, error);
    case HOOK_JOINED:
      bag = gp_cli_juju_read_bag (hook->relation_id, env ("JUJU_UNIT_NAME"), error);
      return bag &&
             gp_cli_connect_service (hook->cli, FALSE, error) &&
             gp_dbus_manager_call_unit_joined_sync (hook->cli->manager, hook->relation,
                                                    remote, &path, NULL, error) &&
             set_local_unit (hook, bag, error);
    case HOOK_CHANGED:
      bag = gp_cli_juju_read_bag (hook->relation_id, remote, error);
      return bag &&
             gp_cli_connect_service (hook->cli, FALSE, error) &&
             gp_dbus_manager_call_unit_changed_sync (hook->cli->manager, hook->relation,
                                                     remote, bag, &path, NULL, error);
    case HOOK_DEPARTED:
      /* JUJU_REMOTE_UNIT is the unit leaving our view; JUJU_DEPARTING_UNIT
       * is the one leaving the relation, which is ourselves when this unit
       * is being removed. Older Juju sets only the former. */
      if (remote == NULL)
        remote = env ("JUJU_DEPARTING_UNIT");
      return gp_cli_connect_service (hook->cli, FALSE, error) &&
             gp_dbus_manager_call_unit_departed_sync (hook->cli->manager,
                                                      hook->relation, remote, NULL, error) &&
             forget_if_left (hook, error);
    case HOOK_BROKEN:
      return gp_cli_connect_service (hook->cli, FALSE, error) &&
             gp_dbus_manager_call_relation_broken_sync (hook->cli->manager,
                                                        hook->relation, NULL, error);
    default:
      g_assert_not_reached ();
    }
}

int
gp_cli_hook (GpCli *cli, const char *hook_name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id_name = NULL;
  g_autofree char *endpoint = NULL;
  g_auto(GStrv) ours = NULL;
  gboolean is_relation_hook;
  Hook hook = { cli, NULL, 0, NULL, NULL };
  const char *juju_relation = env ("JUJU_RELATION");
  const char *remote = env ("JUJU_REMOTE_UNIT");
  int status;

  if (hook_name == NULL)
    hook_name = env ("JUJU_HOOK_NAME");
  if (hook_name == NULL)
    return gp_cli_usage (cli, _("JUJU_HOOK_NAME is not set: run this as a Juju "
                                "relation hook"));
  if (!gp_cli_charm_endpoints (&ours, &error))
    return gp_cli_fail (cli, error);
  is_relation_hook = parse_hook_name (hook_name, &endpoint, &hook.kind);
  /* In a charm, every hook but those of our own endpoints is someone
   * else's business: a dispatch script may run us for all of them. */
  if (ours && (!is_relation_hook || !g_strv_contains ((const char *const *) ours, endpoint)))
    return GP_CLI_EXIT_OK;
  if (!is_relation_hook)
    return gp_cli_usage (cli, _("“%s” is not a relation hook: expected "
                                "<relation>-relation-<created|joined|changed|departed|broken>"),
                         hook_name);
  hook.endpoint = endpoint;
  /* Make sure Juju's view and ours agree on the relation before acting. */
  if (juju_relation && !g_str_equal (juju_relation, hook.endpoint))
    return gp_cli_usage (cli, _("JUJU_RELATION is “%s” but the hook is %s"),
                         juju_relation, hook_name);
  hook.relation_id = env ("JUJU_RELATION_ID");
  if (hook.relation_id)
    {
      if (!gp_relation_parse (hook.relation_id, &id_name, NULL, &error))
        return gp_cli_usage (cli, "JUJU_RELATION_ID: %s", error->message);
      if (!g_str_equal (id_name, hook.endpoint))
        return gp_cli_usage (cli, _("JUJU_RELATION_ID is “%s” but the hook is %s"),
                             hook.relation_id, hook_name);
    }
  hook.relation = hook.relation_id ? hook.relation_id : hook.endpoint;

  if ((hook.kind == HOOK_CREATED || hook.kind == HOOK_JOINED) && env ("JUJU_UNIT_NAME") == NULL)
    return gp_cli_usage (cli, _("JUJU_UNIT_NAME is not set: run this as a Juju relation hook"));
  if (hook.kind == HOOK_JOINED && remote == NULL)
    return gp_cli_usage (cli, _("JUJU_REMOTE_UNIT is not set: run this as a Juju relation hook"));
  if (hook.kind == HOOK_DEPARTED && remote == NULL && env ("JUJU_DEPARTING_UNIT") == NULL)
    return gp_cli_usage (cli, _("neither JUJU_REMOTE_UNIT nor JUJU_DEPARTING_UNIT is set: "
                                "run this as a Juju relation hook"));
  /* The remote application's own data changed: nothing of ours to track. */
  if (hook.kind == HOOK_CHANGED && remote == NULL)
    return GP_CLI_EXIT_OK;

  status = GP_CLI_EXIT_OK;
  if (!run_hook (&hook, &error))
    status = gp_cli_fail (cli, error);
  return status;
}
