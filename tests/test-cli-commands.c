/* test-cli-commands.c: gluster-peerctl's commands, text and --json, checked
 * against what the daemon itself answers over D-Bus; usage errors and exit
 * codes; `monitor` seeing every signal.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <signal.h>
#include <string.h>

#include "gp-dbus.h"
#include "test-cli-util.h"

#define REL "server:0"

/* Three remote units with bricks, through the scripting commands. */
static void
populate (CliFixture *f)
{
  g_assert_cmpint (cli_run (f, NULL, NULL, NULL, "created", REL, NULL), ==, 0);
  for (guint i = 1; i <= 3; i++)
    {
      g_autofree char *unit = g_strdup_printf ("glusterfs/%u", i);
      g_autofree char *address = g_strdup_printf ("private-address=10.0.0.%u", 10 + i);
      g_autofree char *public = g_strdup_printf ("public-address=192.0.2.%u", i);
      g_autofree char *bricks = g_strdup_printf ("bricks=[\"/mnt/%u-a\", \"/mnt/%u-b\"]", i, i);

      g_assert_cmpint (cli_run (f, NULL, NULL, NULL, "joined", REL, unit, NULL), ==, 0);
      g_assert_cmpint (cli_run (f, NULL, NULL, NULL, "changed", REL, unit, address, public,
                                bricks, NULL), ==, 0);
    }
}

static GpDbusRelation *
relation_proxy (CliFixture *f)
{
  g_autoptr(GError) error = NULL;
  GpDbusRelation *proxy = gp_dbus_relation_proxy_new_sync (f->conn, G_DBUS_PROXY_FLAGS_NONE,
                                                           GP_TEST_BUS_NAME,
                                                           "/org/juju/GlusterPeer/server",
                                                           NULL, &error);

  g_assert_no_error (error);
  return proxy;
}

static void
assert_output (CliFixture *f, const char *expected, const char *first_arg, ...)
{
  g_autofree char *out = NULL;
  const char *args[5] = { NULL };
  guint n = 0;
  va_list ap;

  /* Padded with NULLs: cli_run takes up to four arguments, fewer end early. */
  va_start (ap, first_arg);
  for (const char *arg = first_arg; arg; arg = va_arg (ap, const char *))
    {
      g_assert_cmpuint (n, <, 4);
      args[n++] = arg;
    }
  va_end (ap);
  g_assert_cmpint (cli_run (f, NULL, &out, NULL, args[0], args[1], args[2], args[3], NULL), ==, 0);
  g_assert_cmpstr (out, ==, expected);
}

static void
test_reading (CliFixture *f, gconstpointer data)
{
  g_autoptr(GpDbusRelation) relation = NULL;
  g_autoptr(GVariant) map = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(json_t) node = NULL;
  g_auto(GStrv) bricks = NULL;
  g_autofree char *joined = NULL, *out = NULL;
  GVariantIter iter;
  const char *host, *address;
  guint i;

  populate (f);
  relation = relation_proxy (f);

  /* units */
  assert_output (f, "glusterfs/1\nglusterfs/2\nglusterfs/3\n", "units", NULL);
  node = cli_json (f, "units", NULL);
  g_assert_cmpuint (json_array_size (node), ==, 3);
  g_assert_cmpstr (cli_member_string (json_array_get (node, 2), "address"),
                   ==, "10.0.0.13");
  g_clear_pointer (&node, json_decref);

  /* ip-map, against IpMap */
  gp_dbus_relation_call_ip_map_sync (relation, "public-address", &map, NULL, &error);
  g_assert_no_error (error);
  node = cli_json (f, "ip-map", "--address-key", "public-address", NULL);
  g_assert_cmpuint (json_array_size (node), ==, g_variant_n_children (map));
  g_variant_iter_init (&iter, map);
  for (i = 0; g_variant_iter_next (&iter, "(&s&s)", &host, &address); i++)
    {
      json_t *pair = json_array_get (node, i);

      g_assert_cmpstr (cli_member_string (pair, "host"), ==, host);
      g_assert_cmpstr (cli_member_string (pair, "address"), ==, address);
    }
  g_clear_pointer (&node, json_decref);
  assert_output (f, "glusterfs-1 10.0.0.11\nglusterfs-2 10.0.0.12\nglusterfs-3 10.0.0.13\n",
                 "ip-map", NULL);

  /* brick-map */
  assert_output (f, "glusterfs-1 /mnt/1-a /mnt/1-b\nglusterfs-2 /mnt/2-a /mnt/2-b\n"
                    "glusterfs-3 /mnt/3-a /mnt/3-b\n", "brick-map", NULL);
  node = cli_json (f, "brick-map", NULL);
  joined = cli_join_strings (cli_member (node, "glusterfs-2"));
  g_assert_cmpstr (joined, ==, "/mnt/2-a /mnt/2-b");
  g_clear_pointer (&node, json_decref);
  g_clear_pointer (&joined, g_free);

  /* peer-info: the local unit once it is known */
  g_assert_cmpint (cli_run (f, NULL, NULL, NULL, "set-bricks", "/mnt/0-a", NULL), ==, 0);
  g_assert_cmpint (cli_run (f, NULL, NULL, NULL, "set-address", "private", "10.0.0.10", NULL), ==, 0);
  node = cli_json (f, "peer-info", NULL);
  g_assert_cmpuint (json_object_size (node), ==, 3);
  g_clear_pointer (&node, json_decref);

  /* volume-bricks, against VolumeBricks */
  gp_dbus_relation_call_volume_bricks_sync (relation, 3, "", &bricks, NULL, &error);
  g_assert_no_error (error);
  joined = g_strjoinv ("\n", bricks);
  g_assert_cmpint (cli_run (f, NULL, &out, NULL, "volume-bricks", "--replica", "3", NULL), ==, 0);
  g_assert_cmpstr (g_strchomp (out), ==, joined);
  g_clear_pointer (&out, g_free);
  node = cli_json (f, "volume-bricks", "--replica=3", NULL);
  g_assert_cmpuint (json_array_size (node), ==, g_strv_length (bricks));
  g_assert_cmpstr (json_string_value (json_array_get (node, 0)), ==, bricks[0]);
  g_clear_pointer (&node, json_decref);
  g_clear_pointer (&joined, g_free);
  g_assert_cmpint (cli_run (f, NULL, NULL, &out, "volume-bricks", "--replica", "4", NULL), ==, 1);
  g_assert_cmpuint (cli_count_lines (out), ==, 1);
  g_clear_pointer (&out, g_free);

  /* states, against the States property */
  assert_output (f, "server.available\nserver.bricks.available\nserver.connected\n", "states", NULL);
  node = cli_json (f, "states", NULL);
  joined = cli_join_strings (node);
  g_assert_cmpstr (joined, ==, "server.available server.bricks.available server.connected");
  g_clear_pointer (&node, json_decref);

  /* status: text fits 80 columns and names every unit */
  g_assert_cmpint (cli_run (f, NULL, &out, NULL, "status", NULL), ==, 0);
  {
    g_auto(GStrv) lines = g_strsplit (out, "\n", -1);

    for (i = 0; lines[i]; i++)
      g_assert_cmpuint (g_utf8_strlen (lines[i], -1), <=, 80);
    g_assert_nonnull (strstr (out, "Relation server (server:0)"));
    g_assert_nonnull (strstr (out, "glusterfs/3  10.0.0.13"));
  }
}

static void
test_acting (CliFixture *f, gconstpointer data)
{
  g_autoptr(GpDbusRelation) relation = NULL;
  g_autofree char *err = NULL, *calls = NULL, *bag = NULL;
  GVariant *local;
  const char *value = NULL;
  static const char *const in_hook[] = {
    "JUJU_CONTEXT_ID=test", "JUJU_UNIT_NAME=glusterfs/0", "JUJU_RELATION=server", NULL,
  };

  populate (f);
  relation = relation_proxy (f);

  /* Outside a hook: only the daemon. */
  g_assert_cmpint (cli_run (f, NULL, NULL, NULL, "set-bricks", "/b1", "/b2", "/b1", NULL), ==, 0);
  cli_take_signals (f);
  local = gp_dbus_relation_get_local_settings (relation);
  g_assert_true (g_variant_lookup (local, "bricks", "&s", &value));
  g_assert_cmpstr (value, ==, "[\"/b1\",\"/b2\"]");
  calls = cli_model_take_calls (f);
  g_assert_cmpstr (calls, ==, "");
  g_clear_pointer (&calls, g_free);

  /* Inside a hook: relation-set on every relation id of the endpoint. */
  cli_model_add_relation (f, "server:7");
  g_assert_cmpint (cli_run (f, in_hook, NULL, NULL, "set-address", "public", "198.51.100.7", NULL), ==, 0);
  calls = cli_model_take_calls (f);
  g_assert_nonnull (strstr (calls, "[\"relation-ids\", \"--format=json\", \"server\"]"));
  g_assert_nonnull (strstr (calls, "[\"relation-set\", \"-r\", \"server:0\", \"public-address=198.51.100.7\"]"));
  g_assert_nonnull (strstr (calls, "[\"relation-set\", \"-r\", \"server:7\", \"public-address=198.51.100.7\"]"));
  g_assert_cmpint (cli_run (f, in_hook, NULL, NULL, "set-bricks", "/c1", NULL), ==, 0);
  bag = cli_model_get_bag (f, "server:7", "glusterfs/0");
  g_assert_nonnull (strstr (bag, "\"bricks\": \"[\\\"/c1\\\"]\""));
  g_assert_nonnull (strstr (bag, "\"public-address\": \"198.51.100.7\""));
  cli_take_signals (f);
  local = gp_dbus_relation_get_local_settings (relation);
  g_assert_true (g_variant_lookup (local, "public-address", "&s", &value));
  g_assert_cmpstr (value, ==, "198.51.100.7");

  /* clear-state, with the reactive name too */
  g_assert_cmpint (cli_run (f, NULL, NULL, NULL, "clear-state", "server.bricks.available", NULL), ==, 0);
  cli_take_signals (f);
  g_assert_false (g_strv_contains (gp_dbus_relation_get_states (relation), "bricks.available"));
  g_assert_cmpint (cli_run (f, NULL, NULL, &err, "clear-state", "connected", NULL), ==, 1);
  g_assert_cmpuint (cli_count_lines (err), ==, 1);
  g_clear_pointer (&err, g_free);

  /* Bad input, caught before the bus: usage. */
  g_assert_cmpint (cli_run (f, NULL, NULL, &err, "set-bricks", "relative/path", NULL), ==, 2);
  g_assert_cmpuint (cli_count_lines (err), ==, 1);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (cli_run (f, NULL, NULL, NULL, "set-address", "bad type!", "x", NULL), ==, 2);

  /* scripting: departed, broken */
  g_assert_cmpint (cli_run (f, NULL, NULL, NULL, "departed", REL, "glusterfs/3", NULL), ==, 0);
  assert_output (f, "glusterfs/1\nglusterfs/2\n", "units", NULL);
  g_assert_cmpint (cli_run (f, NULL, NULL, NULL, "changed", REL, "glusterfs/2", "novalue", NULL), ==, 2);
  g_assert_cmpint (cli_run (f, NULL, NULL, NULL, "broken", "server", NULL), ==, 0);
  assert_output (f, "", "states", NULL);
}

static void
test_usage (CliFixture *f, gconstpointer data)
{
  g_autofree char *out = NULL, *err = NULL;

  g_assert_cmpint (cli_run (f, NULL, &out, NULL, "--version", NULL), ==, 0);
  g_assert_true (g_str_has_prefix (out, "gluster-peerctl "));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (cli_run (f, NULL, &out, NULL, "--help", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "volume-bricks"));
  g_clear_pointer (&out, g_free);
  for (guint i = 0; i < 3; i++)
    {
      static const char *const cmds[] = { "status", "volume-bricks", "monitor" };

      g_assert_cmpint (cli_run (f, NULL, &out, NULL, cmds[i], "--help", NULL), ==, 0);
      g_assert_nonnull (strstr (out, cmds[i]));
      g_clear_pointer (&out, g_free);
    }

  g_assert_cmpint (cli_run (f, NULL, NULL, &err, "no-such-command", NULL), ==, 2);
  g_assert_cmpuint (cli_count_lines (err), ==, 1);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (cli_run (f, NULL, NULL, NULL, "--json", NULL), ==, 2);
  g_assert_cmpint (cli_run (f, NULL, NULL, NULL, "units", "--bogus", NULL), ==, 2);
  g_assert_cmpint (cli_run (f, NULL, NULL, NULL, "set-address", "--json", "a", "b", NULL), ==, 2);
  g_assert_cmpint (cli_run (f, NULL, NULL, NULL, "volume-bricks", NULL), ==, 2);
  g_assert_cmpint (cli_run (f, NULL, NULL, NULL, "joined", REL, NULL), ==, 2);

  /* No relation yet: an error of the service's state, not of usage. */
  g_assert_cmpint (cli_run (f, NULL, NULL, &err, "units", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "no relation"));
  g_clear_pointer (&err, g_free);
  /* Several relations: --relation chooses. */
  g_assert_cmpint (cli_run (f, NULL, NULL, NULL, "joined", "server", "glusterfs/1", NULL), ==, 0);
  g_assert_cmpint (cli_run (f, NULL, NULL, NULL, "joined", "other", "glusterfs/2", NULL), ==, 0);
  g_assert_cmpint (cli_run (f, NULL, NULL, &err, "units", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "--relation"));
  assert_output (f, "glusterfs/2\n", "units", "--relation", "other", NULL);
  assert_output (f, "glusterfs/1\n", "--relation=server:0", "units", NULL);
  assert_output (f, "other.connected\nserver.connected\n", "states", NULL);
  g_assert_cmpint (cli_run (f, NULL, NULL, NULL, "units", "--relation", "nope", NULL), ==, 1);
}

/* Reads lines from @stream until one contains @until; returns them all. */
static char *
read_until (GDataInputStream *stream, const char *until)
{
  GString *text = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  char *line;

  while ((line = g_data_input_stream_read_line_utf8 (stream, NULL, NULL, &error)) != NULL)
    {
      g_string_append_printf (text, "%s\n", line);
      if (strstr (line, until))
        {
          g_free (line);
          break;
        }
      g_free (line);
    }
  g_assert_no_error (error);
  g_assert_nonnull (strstr (text->str, until));
  return g_string_free (text, FALSE);
}

static void
run_monitor (CliFixture *f, gboolean json)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) monitor = NULL;
  g_autoptr(GDataInputStream) out = NULL, err = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *ready = NULL, *lines = NULL;

  g_subprocess_launcher_setenv (launcher, "DBUS_SYSTEM_BUS_ADDRESS", gp_test_bus_get_address (f->bus), TRUE);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C", TRUE);
  /* NULL ends the argument list early for the text monitor. */
  monitor = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("GP_PEERCTL"), "monitor",
                                         json ? "--json" : NULL, NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (monitor));
  err = g_data_input_stream_new (g_subprocess_get_stderr_pipe (monitor));
  /* It says when its match rules are in place. */
  ready = read_until (err, "monitoring");

  populate (f);
  g_assert_cmpint (cli_run (f, NULL, NULL, NULL, "changed", REL, "glusterfs/1",
                            "private-address=10.0.0.11", "bricks=[\"/mnt/1-a\"]", NULL), ==, 0);
  g_assert_cmpint (cli_run (f, NULL, NULL, NULL, "departed", REL, "glusterfs/2", NULL), ==, 0);
  g_assert_cmpint (cli_run (f, NULL, NULL, NULL, "broken", REL, NULL), ==, 0);
  lines = read_until (out, json ? "\"Relations\":[]" : "Relations=[]");
  g_test_message ("monitor saw:\n%s", lines);

  if (json)
    {
      g_auto(GStrv) split = g_strsplit (lines, "\n", -1);

      for (guint i = 0; split[i] && split[i][0]; i++)
        {
          g_autoptr(json_t) line = gp_json_parse (split[i], 0, &error);

          g_assert_no_error (error);
          g_assert_true (json_is_object (line));
        }
      g_assert_nonnull (strstr (lines, "\"signal\":\"InterfacesAdded\""));
      g_assert_nonnull (strstr (lines, "\"signal\":\"BricksAdded\""));
      g_assert_nonnull (strstr (lines, "\"signal\":\"BricksRemoved\",\"interface\":\"org.juju.GlusterPeer\""));
      g_assert_nonnull (strstr (lines, "\"signal\":\"Departed\""));
      g_assert_nonnull (strstr (lines, "\"args\":[\"10.0.0.12\",[\"/mnt/2-a\",\"/mnt/2-b\"]]"));
      g_assert_nonnull (strstr (lines, "\"signal\":\"InterfacesRemoved\""));
      g_assert_nonnull (strstr (lines, "\"subject\":\"server glusterfs/2\""));
    }
  else
    {
      g_assert_nonnull (strstr (lines, "server: InterfacesAdded org.juju.GlusterPeer.Relation\n"));
      g_assert_nonnull (strstr (lines, "server glusterfs/3: InterfacesAdded org.juju.GlusterPeer\n"));
      g_assert_nonnull (strstr (lines, "server glusterfs/2: BricksAdded ['/mnt/2-a', '/mnt/2-b']\n"));
      g_assert_nonnull (strstr (lines, "server glusterfs/1: BricksRemoved ['/mnt/1-b']\n"));
      g_assert_nonnull (strstr (lines, "server glusterfs/2: Departed '10.0.0.12' "
                                       "['/mnt/2-a', '/mnt/2-b']\n"));
      g_assert_nonnull (strstr (lines, "server glusterfs/2: InterfacesRemoved org.juju.GlusterPeer\n"));
      g_assert_nonnull (strstr (lines, "server: PropertiesChanged States=['connected']"));
      g_assert_nonnull (strstr (lines, "server: InterfacesRemoved org.juju.GlusterPeer.Relation\n"));
    }

  g_subprocess_send_signal (monitor, SIGTERM);
  g_subprocess_wait (monitor, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (monitor));
  g_assert_cmpint (g_subprocess_get_exit_status (monitor), ==, 0);
}

static void
test_monitor_text (CliFixture *f, gconstpointer data)
{
  run_monitor (f, FALSE);
}

static void
test_monitor_json (CliFixture *f, gconstpointer data)
{
  run_monitor (f, TRUE);
}

/* departed-units and status: what departed units last advertised, every
 * relation id, the relation's problems. */
static void
test_departed_units (CliFixture *f, gconstpointer data)
{
  g_autoptr(json_t) node = NULL;
  g_autofree char *out = NULL, *joined = NULL;

  populate (f);
  assert_output (f, "", "departed-units", NULL);
  g_assert_cmpint (cli_run (f, NULL, NULL, NULL, "joined", "server:1", "glusterfs/3", NULL), ==, 0);
  g_assert_cmpint (cli_run (f, NULL, NULL, NULL, "departed", REL, "glusterfs/2", NULL), ==, 0);
  /* still a member of server:1 */
  g_assert_cmpint (cli_run (f, NULL, NULL, NULL, "departed", REL, "glusterfs/3", NULL), ==, 0);
  assert_output (f, "glusterfs/2 10.0.0.12 /mnt/2-a /mnt/2-b\n", "departed-units", NULL);
  node = cli_json (f, "departed-units", NULL);
  g_assert_cmpstr (cli_member_string (cli_member (node, "glusterfs/2"), "address"), ==, "10.0.0.12");
  joined = cli_join_strings (cli_member (cli_member (node, "glusterfs/2"), "bricks"));
  g_assert_cmpstr (joined, ==, "/mnt/2-a /mnt/2-b");
  g_clear_pointer (&node, json_decref);

  /* two units on one address: a relation-wide problem */
  g_assert_cmpint (cli_run (f, NULL, NULL, NULL, "changed", REL, "glusterfs/1",
                            "private-address=10.0.0.13", NULL), ==, 0);
  g_assert_cmpint (cli_run (f, NULL, &out, NULL, "status", NULL), ==, 0);
  g_test_message ("%s", out);
  g_assert_nonnull (strstr (out, "Relation server (server:0, server:1)\n"));
  g_assert_nonnull (strstr (out, "  Departed:\n    glusterfs/2, address 10.0.0.12, 2 bricks\n"));
  g_assert_nonnull (strstr (out, "  Problems:\n    "));
  g_assert_nonnull (strstr (out, "10.0.0.13"));
  node = cli_json (f, "status", NULL);
  {
    json_t *relation = json_array_get (cli_member (node, "relations"), 0);

    g_clear_pointer (&joined, g_free);
    joined = cli_join_strings (cli_member (relation, "ids"));
    g_assert_cmpstr (joined, ==, "server:0 server:1");
    g_assert_nonnull (cli_member (cli_member (relation, "departed"), "glusterfs/2"));
    g_assert_cmpuint (json_array_size (cli_member (relation, "problems")), ==, 1);
  }

  /* clear-state departed empties it */
  g_assert_cmpint (cli_run (f, NULL, NULL, NULL, "clear-state", "departed", NULL), ==, 0);
  assert_output (f, "", "departed-units", NULL);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(name, func) \
  g_test_add ("/cli/commands/" name, CliFixture, NULL, cli_fixture_setup, func, cli_fixture_teardown)
  ADD ("reading", test_reading);
  ADD ("acting", test_acting);
  ADD ("usage", test_usage);
  ADD ("departed-units", test_departed_units);
  ADD ("monitor-text", test_monitor_text);
  ADD ("monitor-json", test_monitor_json);
  return g_test_run ();
}
