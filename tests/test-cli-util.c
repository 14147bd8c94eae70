/* test-cli-util.c: see test-cli-util.h.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "test-cli-util.h"

#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

static const char *
peerctl_path (void)
{
  const char *path = g_getenv ("GP_PEERCTL");

  g_assert_nonnull (path);
  return path;
}

static void
on_signal (GDBusConnection *connection, const char *sender, const char *path,
           const char *interface, const char *member, GVariant *parameters,
           gpointer user_data)
{
  CliFixture *f = user_data;

  f->signals++;
}

void
cli_fixture_setup (CliFixture *f, gconstpointer data)
{
  f->bus = gp_test_bus_new (TRUE);
  f->daemon = gp_test_daemon_start (f->bus, NULL, NULL);
  f->conn = gp_test_bus_connect (f->bus);
  f->dir = gp_test_make_tmp_dir ("gp-test-cli-XXXXXX");
  f->juju_dir = g_build_filename (f->dir, "juju", NULL);
  g_assert_cmpint (g_mkdir (f->juju_dir, 0755), ==, 0);
  f->subscription = g_dbus_connection_signal_subscribe (f->conn, GP_TEST_BUS_NAME, NULL, NULL,
                                                        NULL, NULL, G_DBUS_SIGNAL_FLAGS_NONE,
                                                        on_signal, f, NULL);
  /* Links named like the hooks, as a charm has them. */
  for (guint i = 0; i < 5; i++)
    {
      static const char *const kinds[] = { "created", "joined", "changed", "departed", "broken" };
      g_autofree char *name = g_strdup_printf ("server-relation-%s", kinds[i]);
      g_autofree char *link = g_build_filename (f->dir, name, NULL);

      g_assert_cmpint (symlink (peerctl_path (), link), ==, 0);
    }
  cli_model_add_relation (f, "server:0");
  cli_model_set_bag (f, "server:0", "glusterfs/0", "{\"private-address\": \"10.0.0.10\"}");
  cli_take_signals (f);
}

void
cli_fixture_teardown (CliFixture *f, gconstpointer data)
{
  g_dbus_connection_signal_unsubscribe (f->conn, f->subscription);
  g_clear_object (&f->conn);
  g_clear_pointer (&f->daemon, gp_test_daemon_free);
  g_clear_pointer (&f->bus, gp_test_bus_free);
  gp_test_rm_rf (f->dir);
  g_free (f->dir);
  g_free (f->juju_dir);
}

static int
run_argv (CliFixture *f, const char *const *argv, const char *const *env,
          char **out, char **err)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *juju_tools = gp_test_source_path ("tests", "juju", NULL);
  g_autofree char *path = g_strconcat (juju_tools, ":", g_getenv ("PATH"), NULL);
  g_autofree char *stdout_text = NULL, *stderr_text = NULL;
  static const char *const juju_vars[] = {
    "JUJU_HOOK_NAME", "JUJU_RELATION", "JUJU_RELATION_ID", "JUJU_REMOTE_UNIT",
    "JUJU_DEPARTING_UNIT", "JUJU_UNIT_NAME", "JUJU_CONTEXT_ID", "JUJU_REMOTE_APP",
    "JUJU_CHARM_DIR", "CHARM_DIR", NULL,
  };

  for (guint i = 0; juju_vars[i]; i++)
    g_subprocess_launcher_unsetenv (launcher, juju_vars[i]);
  g_subprocess_launcher_setenv (launcher, "DBUS_SYSTEM_BUS_ADDRESS",
                                gp_test_bus_get_address (f->bus), TRUE);
  g_subprocess_launcher_setenv (launcher, "PATH", path, TRUE);
  g_subprocess_launcher_setenv (launcher, "GP_FAKE_JUJU_DIR", f->juju_dir, TRUE);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C", TRUE);
  g_subprocess_launcher_unsetenv (launcher, "LANGUAGE");
  for (; env && *env; env++)
    {
      const char *eq = strchr (*env, '=');
      g_autofree char *name = g_strndup (*env, (gsize) (eq - *env));

      if (eq[1])
        g_subprocess_launcher_setenv (launcher, name, eq + 1, TRUE);
      else
        g_subprocess_launcher_unsetenv (launcher, name);
    }
  process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &stdout_text, &stderr_text, &error);
  g_assert_no_error (error);
  if (g_subprocess_get_if_exited (process))
    g_test_message ("%s: exit %d\nstdout: %s\nstderr: %s", argv[0],
                    g_subprocess_get_exit_status (process), stdout_text, stderr_text);
  else
    g_test_message ("%s: killed by signal %d\nstdout: %s\nstderr: %s", argv[0],
                    g_subprocess_get_term_sig (process), stdout_text, stderr_text);
  g_assert_true (g_subprocess_get_if_exited (process));
  if (out)
    *out = g_steal_pointer (&stdout_text);
  if (err)
    *err = g_steal_pointer (&stderr_text);
  return g_subprocess_get_exit_status (process);
}

int
cli_spawn (CliFixture *f, const char *const *argv, const char *const *env,
           char **out, char **err)
{
  return run_argv (f, argv, env, out, err);
}

char *
cli_charm_metadata (CliFixture *f, const char *yaml)
{
  g_autofree char *dir = g_build_filename (f->dir, "charm", NULL);
  g_autofree char *path = g_build_filename (dir, "metadata.yaml", NULL);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_assert_true (g_file_set_contents (path, yaml, -1, NULL));
  return g_strconcat ("JUJU_CHARM_DIR=", dir, NULL);
}

static GPtrArray *
collect_args (const char *first_arg, va_list args)
{
  GPtrArray *argv = g_ptr_array_new ();

  g_ptr_array_add (argv, (gpointer) peerctl_path ());
  for (const char *arg = first_arg; arg; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  g_ptr_array_add (argv, NULL);
  return argv;
}

int
cli_run (CliFixture *f, const char *const *env, char **out, char **err,
         const char *first_arg, ...)
{
  g_autoptr(GPtrArray) argv = NULL;
  va_list args;

  va_start (args, first_arg);
  argv = collect_args (first_arg, args);
  va_end (args);
  return run_argv (f, (const char *const *) argv->pdata, env, out, err);
}

int
cli_hook (CliFixture *f, const char *hook, const char *relation_id,
          const char *remote, const char *departing, const char *const *env,
          char **err)
{
  g_autofree char *link = g_build_filename (f->dir, hook, NULL);
  g_autofree char *v_hook = g_strconcat ("JUJU_HOOK_NAME=", hook, NULL);
  g_autofree char *v_id = g_strconcat ("JUJU_RELATION_ID=", relation_id, NULL);
  g_autofree char *v_remote = g_strconcat ("JUJU_REMOTE_UNIT=", remote, NULL);
  g_autofree char *v_departing = g_strconcat ("JUJU_DEPARTING_UNIT=", departing, NULL);
  g_autoptr(GPtrArray) vars = g_ptr_array_new ();
  const char *argv[] = { link, NULL };

  g_ptr_array_add (vars, v_hook);
  g_ptr_array_add (vars, v_id);
  g_ptr_array_add (vars, "JUJU_RELATION=server");
  g_ptr_array_add (vars, "JUJU_UNIT_NAME=glusterfs/0");
  g_ptr_array_add (vars, "JUJU_CONTEXT_ID=server:0-test");
  if (remote)
    g_ptr_array_add (vars, v_remote);
  if (departing)
    g_ptr_array_add (vars, v_departing);
  for (; env && *env; env++)
    g_ptr_array_add (vars, (gpointer) *env);
  g_ptr_array_add (vars, NULL);
  return run_argv (f, argv, (const char *const *) vars->pdata, NULL, err);
}

json_t *
cli_json (CliFixture *f, const char *first_arg, ...)
{
  g_autoptr(GPtrArray) argv = NULL;
  g_autoptr(GError) error = NULL;
  json_t *json;
  g_autofree char *out = NULL;
  va_list args;

  va_start (args, first_arg);
  argv = collect_args (first_arg, args);
  va_end (args);
  g_ptr_array_insert (argv, 1, "--json");
  g_assert_cmpint (run_argv (f, (const char *const *) argv->pdata, NULL, &out, NULL), ==, 0);
  json = gp_json_parse (out, JSON_DECODE_ANY, &error);
  g_assert_no_error (error);
  return json;
}

/* ---- the model ---------------------------------------------------------- */

void
cli_model_add_relation (CliFixture *f, const char *relation_id)
{
  g_autofree char *ids = g_build_filename (f->juju_dir, "relation-ids", NULL);
  g_autofree char *dir = g_build_filename (f->juju_dir, relation_id, NULL);
  g_autofree char *old = NULL, *text = NULL;

  if (!g_file_get_contents (ids, &old, NULL, NULL))
    old = g_strdup ("");
  text = g_strconcat (old, relation_id, "\n", NULL);
  g_assert_true (g_file_set_contents (ids, text, -1, NULL));
  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
}

static char *
bag_path (CliFixture *f, const char *relation_id, const char *unit)
{
  g_autofree char *file = g_strconcat (unit, ".json", NULL);

  g_strdelimit (file, "/", '-');
  return g_build_filename (f->juju_dir, relation_id, file, NULL);
}

void
cli_model_set_bag (CliFixture *f, const char *relation_id, const char *unit, const char *json)
{
  g_autofree char *path = bag_path (f, relation_id, unit);

  g_assert_true (g_file_set_contents (path, json, -1, NULL));
}

void
cli_model_remove_bag (CliFixture *f, const char *relation_id, const char *unit)
{
  g_autofree char *path = bag_path (f, relation_id, unit);

  g_assert_cmpint (g_unlink (path), ==, 0);
}

char *
cli_model_get_bag (CliFixture *f, const char *relation_id, const char *unit)
{
  g_autofree char *path = bag_path (f, relation_id, unit);
  char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  return text;
}

void
cli_model_fail_tool (CliFixture *f, const char *tool, const char *message)
{
  g_autofree char *name = g_strconcat ("fail-", tool, NULL);
  g_autofree char *path = g_build_filename (f->juju_dir, name, NULL);

  if (message)
    g_assert_true (g_file_set_contents (path, message, -1, NULL));
  else
    g_unlink (path);
}

char *
cli_model_take_calls (CliFixture *f)
{
  g_autofree char *path = g_build_filename (f->juju_dir, "calls.log", NULL);
  char *text = NULL;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return g_strdup ("");
  g_unlink (path);
  return text;
}

guint
cli_take_signals (CliFixture *f)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  guint n;

  /* The daemon sends its signals before its replies, and the bus keeps
   * one sender's messages in order: once the daemon answered us, every
   * signal it sent before is queued for dispatch here. */
  reply = g_dbus_connection_call_sync (f->conn, GP_TEST_BUS_NAME, "/org/juju/GlusterPeer",
                                       "org.freedesktop.DBus.Peer", "Ping", NULL, NULL,
                                       G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  n = f->signals;
  f->signals = 0;
  return n;
}

/* ---- JSON --------------------------------------------------------------- */

json_t *
cli_member (const json_t *object, const char *key)
{
  json_t *member;

  g_assert_true (json_is_object (object));
  member = json_object_get (object, key);
  if (member == NULL)
    g_error ("no member “%s” in the JSON object", key);
  return member;
}

const char *
cli_member_string (const json_t *object, const char *key)
{
  json_t *member = cli_member (object, key);

  g_assert_true (json_is_string (member));
  return json_string_value (member);
}

gboolean
cli_member_boolean (const json_t *object, const char *key)
{
  json_t *member = cli_member (object, key);

  g_assert_true (json_is_boolean (member));
  return json_is_true (member);
}

json_t *
cli_status_relation (const json_t *status, const char *name)
{
  json_t *relations = cli_member (status, "relations");
  json_t *relation;
  size_t i;

  g_assert_true (json_is_array (relations));
  json_array_foreach (relations, i, relation)
    if (g_str_equal (cli_member_string (relation, "name"), name))
      return relation;
  return NULL;
}

json_t *
cli_status_unit (const json_t *relation, const char *unit)
{
  json_t *units = cli_member (relation, "units");
  json_t *object;
  size_t i;

  g_assert_true (json_is_array (units));
  json_array_foreach (units, i, object)
    if (g_str_equal (cli_member_string (object, "name"), unit))
      return object;
  return NULL;
}

char *
cli_join_strings (const json_t *array)
{
  GString *text = g_string_new (NULL);
  json_t *element;
  size_t i;

  g_assert_true (json_is_array (array));
  json_array_foreach (array, i, element)
    {
      g_assert_true (json_is_string (element));
      g_string_append_printf (text, "%s%s", i ? " " : "", json_string_value (element));
    }
  return g_string_free (text, FALSE);
}

guint
cli_count_lines (const char *text)
{
  guint n = 0;

  for (const char *p = text; *p; p++)
    if (*p == '\n' || p[1] == '\0')
      n++;
  return n;
}
