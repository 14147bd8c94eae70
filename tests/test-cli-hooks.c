/* test-cli-hooks.c: whole relation lifecycles through gluster-peerctl's
 * hook mode (the real binary, through links named like Juju's hooks, with
 * the stand-ins for Juju's tools), against the real daemon on a private
 * bus; the outcome is read back with `gluster-peerctl status --json`.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "test-cli-util.h"

#define REL "server:0"

static void
join_unit (CliFixture *f, const char *unit, const char *bag)
{
  cli_model_set_bag (f, REL, unit, bag);
  g_assert_cmpint (cli_hook (f, "server-relation-joined", REL, unit, NULL, NULL, NULL), ==, 0);
  g_assert_cmpint (cli_hook (f, "server-relation-changed", REL, unit, NULL, NULL, NULL), ==, 0);
}

static json_t *
relation_of (json_t *status)
{
  json_t *relation = cli_status_relation (status, "server");

  g_assert_nonnull (relation);
  return relation;
}

static char *
states_of (json_t *status)
{
  return cli_join_strings (cli_member (relation_of (status), "states"));
}

static char *
bricks_of (json_t *status, const char *unit)
{
  json_t *object = cli_status_unit (relation_of (status), unit);

  g_assert_nonnull (object);
  return cli_join_strings (cli_member (object, "bricks"));
}

static void
test_lifecycle (CliFixture *f, gconstpointer data)
{
  g_autoptr(json_t) status = NULL;
  g_autofree char *states = NULL, *bricks = NULL, *calls = NULL;
  json_t *relation, *unit;

  g_assert_cmpint (cli_hook (f, "server-relation-created", REL, NULL, NULL, NULL, NULL), ==, 0);
  calls = cli_model_take_calls (f);
  g_assert_nonnull (strstr (calls, "[\"relation-get\", \"--format=json\", \"-r\", \"server:0\", "
                                   "\"-\", \"glusterfs/0\"]"));
  status = cli_json (f, "status", NULL);
  relation = relation_of (status);
  g_assert_cmpstr (cli_member_string (relation, "id"), ==, REL);
  g_assert_cmpstr (cli_member_string (relation, "local_unit"), ==, "glusterfs/0");
  g_assert_cmpstr (cli_member_string (cli_member (relation, "local_settings"),
                                                  "private-address"), ==, "10.0.0.10");
  g_assert_cmpuint (json_array_size (cli_member (relation, "units")), ==, 0);
  g_clear_pointer (&status, json_decref);

  join_unit (f, "glusterfs/1", "{\"private-address\": \"10.0.0.11\", \"bricks\": \"[\\\"/mnt/a\\\"]\"}");
  join_unit (f, "glusterfs/2", "{\"private-address\": \"10.0.0.12\", \"bricks\": \"['/mnt/a', '/mnt/b']\"}");
  join_unit (f, "glusterfs/3", "{\"ingress-address\": \"10.0.1.13\", \"private-address\": \"10.0.0.13\"}");
  status = cli_json (f, "status", NULL);
  states = states_of (status);
  g_assert_cmpstr (states, ==, "available bricks.available connected");
  unit = cli_status_unit (relation_of (status), "glusterfs/3");
  g_assert_cmpstr (cli_member_string (unit, "address"), ==, "10.0.1.13");
  g_assert_false (cli_member_boolean (unit, "available"));
  bricks = bricks_of (status, "glusterfs/2");
  g_assert_cmpstr (bricks, ==, "/mnt/a /mnt/b");
  g_clear_pointer (&status, json_decref);
  g_clear_pointer (&states, g_free);
  g_clear_pointer (&bricks, g_free);

  g_assert_cmpint (cli_run (f, NULL, NULL, NULL, "clear-state", "bricks.available", NULL), ==, 0);
  /* A brick added, then one removed. */
  cli_model_set_bag (f, REL, "glusterfs/1",
                     "{\"private-address\": \"10.0.0.11\", \"bricks\": \"[\\\"/mnt/a\\\", \\\"/mnt/c\\\"]\"}");
  g_assert_cmpint (cli_hook (f, "server-relation-changed", REL, "glusterfs/1", NULL, NULL, NULL), ==, 0);
  cli_model_set_bag (f, REL, "glusterfs/2",
                     "{\"private-address\": \"10.0.0.12\", \"bricks\": \"[\\\"/mnt/b\\\"]\"}");
  g_assert_cmpint (cli_hook (f, "server-relation-changed", REL, "glusterfs/2", NULL, NULL, NULL), ==, 0);
  status = cli_json (f, "status", NULL);
  states = states_of (status);
  g_assert_cmpstr (states, ==, "available bricks.available bricks.removed connected");
  bricks = bricks_of (status, "glusterfs/1");
  g_assert_cmpstr (bricks, ==, "/mnt/a /mnt/c");
  g_clear_pointer (&status, json_decref);
  g_clear_pointer (&states, g_free);

  /* glusterfs/3 departs: relation-list no longer shows it, its data is
   * still readable during the hook. */
  g_assert_cmpint (cli_hook (f, "server-relation-departed", REL, "glusterfs/3", "glusterfs/3",
                             NULL, NULL), ==, 0);
  cli_model_remove_bag (f, REL, "glusterfs/3");
  status = cli_json (f, "status", NULL);
  g_assert_null (cli_status_unit (relation_of (status), "glusterfs/3"));
  g_assert_nonnull (cli_status_unit (relation_of (status), "glusterfs/2"));
  states = states_of (status);
  g_assert_cmpstr (states, ==, "available bricks.available bricks.removed connected departed");
  g_clear_pointer (&status, json_decref);

  g_assert_cmpint (cli_hook (f, "server-relation-broken", REL, NULL, NULL, NULL, NULL), ==, 0);
  status = cli_json (f, "status", NULL);
  g_assert_null (cli_status_relation (status, "server"));
}

/* Juju re-runs hooks: the same hook twice changes nothing the second time. */
static void
test_retry (CliFixture *f, gconstpointer data)
{
  const char *bag = "{\"private-address\": \"10.0.0.11\", \"bricks\": \"[\\\"/mnt/a\\\"]\"}";

  g_assert_cmpint (cli_hook (f, "server-relation-created", REL, NULL, NULL, NULL, NULL), ==, 0);
  g_assert_cmpuint (cli_take_signals (f), >, 0);
  g_assert_cmpint (cli_hook (f, "server-relation-created", REL, NULL, NULL, NULL, NULL), ==, 0);
  g_assert_cmpuint (cli_take_signals (f), ==, 0);

  cli_model_set_bag (f, REL, "glusterfs/1", bag);
  g_assert_cmpint (cli_hook (f, "server-relation-joined", REL, "glusterfs/1", NULL, NULL, NULL), ==, 0);
  g_assert_cmpuint (cli_take_signals (f), >, 0);
  g_assert_cmpint (cli_hook (f, "server-relation-joined", REL, "glusterfs/1", NULL, NULL, NULL), ==, 0);
  g_assert_cmpuint (cli_take_signals (f), ==, 0);

  g_assert_cmpint (cli_hook (f, "server-relation-changed", REL, "glusterfs/1", NULL, NULL, NULL), ==, 0);
  g_assert_cmpuint (cli_take_signals (f), >, 0);
  g_assert_cmpint (cli_hook (f, "server-relation-changed", REL, "glusterfs/1", NULL, NULL, NULL), ==, 0);
  g_assert_cmpuint (cli_take_signals (f), ==, 0);

  g_assert_cmpint (cli_hook (f, "server-relation-departed", REL, "glusterfs/1", "glusterfs/1",
                             NULL, NULL), ==, 0);
  g_assert_cmpuint (cli_take_signals (f), >, 0);
  g_assert_cmpint (cli_hook (f, "server-relation-departed", REL, "glusterfs/1", "glusterfs/1",
                             NULL, NULL), ==, 0);
  g_assert_cmpuint (cli_take_signals (f), ==, 0);
}

/* A changed that ran before its joined, and a joined retried after. */
static void
test_out_of_order (CliFixture *f, gconstpointer data)
{
  g_autoptr(json_t) status = NULL;
  g_autofree char *bricks = NULL;

  cli_model_set_bag (f, REL, "glusterfs/4",
                     "{\"private-address\": \"10.0.0.14\", \"bricks\": \"[\\\"/srv/b1\\\"]\"}");
  g_assert_cmpint (cli_hook (f, "server-relation-changed", REL, "glusterfs/4", NULL, NULL, NULL), ==, 0);
  g_assert_cmpuint (cli_take_signals (f), >, 0);
  g_assert_cmpint (cli_hook (f, "server-relation-joined", REL, "glusterfs/4", NULL, NULL, NULL), ==, 0);
  /* Only the local unit's bag is new to the daemon. */
  cli_take_signals (f);
  g_assert_cmpint (cli_hook (f, "server-relation-joined", REL, "glusterfs/4", NULL, NULL, NULL), ==, 0);
  g_assert_cmpuint (cli_take_signals (f), ==, 0);
  status = cli_json (f, "status", NULL);
  bricks = bricks_of (status, "glusterfs/4");
  g_assert_cmpstr (bricks, ==, "/srv/b1");
  g_clear_pointer (&status, json_decref);

  /* A departed retried after the unit is gone from Juju's model. */
  g_assert_cmpint (cli_hook (f, "server-relation-departed", REL, "glusterfs/4", "glusterfs/4",
                             NULL, NULL), ==, 0);
  cli_model_remove_bag (f, REL, "glusterfs/4");
  g_assert_cmpint (cli_hook (f, "server-relation-departed", REL, "glusterfs/4", "glusterfs/4",
                             NULL, NULL), ==, 0);
  cli_take_signals (f);
  status = cli_json (f, "status", NULL);
  g_assert_null (cli_status_unit (relation_of (status), "glusterfs/4"));
}

static void
test_rejoin (CliFixture *f, gconstpointer data)
{
  g_autoptr(json_t) status = NULL;
  g_autofree char *states = NULL, *bricks = NULL;

  join_unit (f, "glusterfs/1", "{\"private-address\": \"10.0.0.11\", \"bricks\": \"[\\\"/mnt/a\\\"]\"}");
  g_assert_cmpint (cli_hook (f, "server-relation-departed", REL, "glusterfs/1", "glusterfs/1",
                             NULL, NULL), ==, 0);
  status = cli_json (f, "status", NULL);
  g_assert_null (cli_status_unit (relation_of (status), "glusterfs/1"));
  g_clear_pointer (&status, json_decref);

  join_unit (f, "glusterfs/1", "{\"private-address\": \"10.0.0.21\", \"bricks\": \"[\\\"/mnt/z\\\"]\"}");
  status = cli_json (f, "status", NULL);
  g_assert_cmpstr (cli_member_string (cli_status_unit (relation_of (status), "glusterfs/1"),
                                                  "address"), ==, "10.0.0.21");
  bricks = bricks_of (status, "glusterfs/1");
  g_assert_cmpstr (bricks, ==, "/mnt/z");
  states = states_of (status);
  g_assert_cmpstr (states, ==, "available bricks.available connected departed");
}

/* A peer's bad data: the hook succeeds, the daemon reports Problems. */
static void
test_malformed (CliFixture *f, gconstpointer data)
{
  g_autoptr(json_t) status = NULL;
  g_autofree char *err = NULL;
  json_t *unit, *settings;

  cli_model_set_bag (f, REL, "glusterfs/5",
                     "{\"private-address\": \"10.0.0.15\", \"bricks\": \"/mnt/not-a-list\","
                     " \"port\": 24007, \"extra\": {\"a\": [1, true]}, \"gone\": null,"
                     " \"bad key\": \"x\"}");
  g_assert_cmpint (cli_hook (f, "server-relation-changed", REL, "glusterfs/5", NULL, NULL, &err), ==, 0);
  g_assert_nonnull (strstr (err, "bad key"));
  status = cli_json (f, "status", NULL);
  unit = cli_status_unit (relation_of (status), "glusterfs/5");
  g_assert_nonnull (unit);
  g_assert_cmpuint (json_array_size (cli_member (unit, "problems")), >, 0);
  g_assert_cmpuint (json_array_size (cli_member (unit, "bricks")), ==, 0);
  g_assert_false (cli_member_boolean (unit, "available"));
  settings = cli_member (unit, "settings");
  g_assert_cmpstr (cli_member_string (settings, "port"), ==, "24007");
  g_assert_cmpstr (cli_member_string (settings, "extra"), ==, "{\"a\":[1,true]}");
  g_assert_null (json_object_get (settings, "gone"));
  g_assert_null (json_object_get (settings, "bad key"));

  /* A JSON list where Juju has strings is taken as the list it is. */
  cli_model_set_bag (f, REL, "glusterfs/5",
                     "{\"private-address\": \"10.0.0.15\", \"bricks\": [\"/mnt/x\", \"/mnt/y\"]}");
  g_assert_cmpint (cli_hook (f, "server-relation-changed", REL, "glusterfs/5", NULL, NULL, NULL), ==, 0);
  g_clear_pointer (&status, json_decref);
  status = cli_json (f, "status", NULL);
  unit = cli_status_unit (relation_of (status), "glusterfs/5");
  g_assert_cmpuint (json_array_size (cli_member (unit, "problems")), ==, 0);
  g_assert_true (cli_member_boolean (unit, "available"));
}

static void
assert_one_line (const char *err, const char *must_contain)
{
  g_assert_cmpuint (cli_count_lines (err), ==, 1);
  g_assert_true (g_str_has_prefix (err, "gluster-peerctl: "));
  g_assert_nonnull (strstr (err, must_contain));
}

static void
test_failures (CliFixture *f, gconstpointer data)
{
  g_autofree char *err = NULL;
  static const char *const no_tools[] = { "PATH=/usr/bin:/bin", NULL };

  cli_model_set_bag (f, REL, "glusterfs/1", "{\"private-address\": \"10.0.0.11\"}");
  /* relation-get fails: the hook fails, nothing changed. */
  cli_model_fail_tool (f, "relation-get", "ERROR permission denied\n");
  g_assert_cmpint (cli_hook (f, "server-relation-changed", REL, "glusterfs/1", NULL, NULL, &err), ==, 1);
  assert_one_line (err, "relation-get");
  g_assert_nonnull (strstr (err, "permission denied"));
  g_assert_cmpuint (cli_take_signals (f), ==, 0);
  cli_model_fail_tool (f, "relation-get", NULL);
  g_clear_pointer (&err, g_free);

  /* An unknown unit is a failing relation-get too. */
  g_assert_cmpint (cli_hook (f, "server-relation-changed", REL, "glusterfs/9", NULL, NULL, &err), ==, 1);
  assert_one_line (err, "settings not found");
  g_clear_pointer (&err, g_free);

  /* The hook tools are not on PATH. */
  g_assert_cmpint (cli_hook (f, "server-relation-joined", REL, "glusterfs/1", NULL, no_tools, &err), ==, 1);
  assert_one_line (err, "relation-get not found on PATH");
  g_clear_pointer (&err, g_free);

  /* Application data changed: no-op, no tool called. */
  g_free (cli_model_take_calls (f));
  g_assert_cmpint (cli_hook (f, "server-relation-changed", REL, NULL, NULL, NULL, NULL), ==, 0);
  g_assert_cmpuint (cli_take_signals (f), ==, 0);
  err = cli_model_take_calls (f);
  g_assert_cmpstr (err, ==, "");
  g_clear_pointer (&err, g_free);

  /* Not a Juju environment: bad usage. */
  g_assert_cmpint (cli_run (f, NULL, NULL, &err, "hook", NULL), ==, 2);
  assert_one_line (err, "JUJU_HOOK_NAME");
  g_clear_pointer (&err, g_free);

  /* The daemon is not running. */
  gp_test_daemon_stop (f->daemon);
  g_assert_cmpint (cli_hook (f, "server-relation-created", REL, NULL, NULL, NULL, &err), ==, 1);
  assert_one_line (err, "gluster-peerd is not running");
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (cli_run (f, NULL, NULL, &err, "status", NULL), ==, 1);
  assert_one_line (err, "gluster-peerd is not running");
}

/* `gluster-peerctl hook` takes the hook from JUJU_HOOK_NAME. */
static void
test_hook_command (CliFixture *f, gconstpointer data)
{
  static const char *const env[] = {
    "JUJU_HOOK_NAME=server-relation-joined", "JUJU_RELATION=server",
    "JUJU_RELATION_ID=" REL, "JUJU_REMOTE_UNIT=glusterfs/7", "JUJU_UNIT_NAME=glusterfs/0", NULL,
  };
  static const char *const wrong[] = {
    "JUJU_HOOK_NAME=server-relation-joined", "JUJU_RELATION_ID=other:1",
    "JUJU_REMOTE_UNIT=glusterfs/7", "JUJU_UNIT_NAME=glusterfs/0", NULL,
  };
  g_autoptr(json_t) status = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (cli_run (f, env, NULL, NULL, "hook", NULL), ==, 0);
  status = cli_json (f, "status", NULL);
  g_assert_nonnull (cli_status_unit (relation_of (status), "glusterfs/7"));
  g_assert_cmpint (cli_run (f, wrong, NULL, &err, "hook", NULL), ==, 2);
  assert_one_line (err, "JUJU_RELATION_ID");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(name, func) \
  g_test_add ("/cli/hook/" name, CliFixture, NULL, cli_fixture_setup, func, cli_fixture_teardown)
  ADD ("lifecycle", test_lifecycle);
  ADD ("retry", test_retry);
  ADD ("out-of-order", test_out_of_order);
  ADD ("rejoin", test_rejoin);
  ADD ("malformed", test_malformed);
  ADD ("failures", test_failures);
  ADD ("hook-command", test_hook_command);
  return g_test_run ();
}
