/* test-cli-sync.c: `gluster-peerctl sync` brings the service in line with
 * what Juju's tools say (the stand-ins' model), from any hook: after
 * missed hooks, after the service lost its state, after an earlier life of
 * the relation; and a sync with nothing to do changes nothing.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib/gstdio.h>
#include <string.h>

#include "test-cli-util.h"

#define REL "server:0"

static const char *const config_changed[] = {
  "JUJU_HOOK_NAME=config-changed", "JUJU_UNIT_NAME=glusterfs/0",
  "JUJU_CONTEXT_ID=glusterfs/0-1", NULL,
};

static void
add_peer (CliFixture *f, const char *relation_id, guint n)
{
  g_autofree char *unit = g_strdup_printf ("glusterfs/%u", n);
  g_autofree char *bag = g_strdup_printf ("{\"private-address\": \"10.0.0.%u\", "
                                          "\"bricks\": \"[\\\"/srv/b%u\\\"]\"}", 10 + n, n);

  cli_model_set_bag (f, relation_id, unit, bag);
}

static void
sync_ok (CliFixture *f)
{
  g_autofree char *err = NULL;

  g_assert_cmpint (cli_run (f, config_changed, NULL, &err, "--relation", "server", "sync",
                            NULL), ==, 0);
  g_assert_cmpstr (err, ==, "");
}

static json_t *
server_relation (CliFixture *f)
{
  g_autoptr(json_t) status = cli_json (f, "status", NULL);
  json_t *relation = cli_status_relation (status, "server");

  return relation ? json_incref (relation) : NULL;
}

static char *
unit_names (const json_t *relation)
{
  json_t *units = cli_member (relation, "units");
  GString *names = g_string_new (NULL);
  json_t *unit;
  size_t i;

  json_array_foreach (units, i, unit)
    g_string_append_printf (names, "%s%s", i ? " " : "", cli_member_string (unit, "name"));
  return g_string_free (names, FALSE);
}

/* A second sync emits no signal and writes nothing to Juju. */
static void
assert_quiet_sync (CliFixture *f)
{
  g_autofree char *calls = NULL;

  cli_take_signals (f);
  g_free (cli_model_take_calls (f));
  sync_ok (f);
  g_assert_cmpuint (cli_take_signals (f), ==, 0);
  calls = cli_model_take_calls (f);
  g_assert_null (strstr (calls, "relation-set"));
  g_assert_nonnull (strstr (calls, "relation-list"));
}

static void
test_missed_hooks (CliFixture *f, gconstpointer data)
{
  g_autoptr(json_t) relation = NULL;
  g_autofree char *names = NULL, *states = NULL;
  json_t *unit;

  add_peer (f, REL, 1);
  add_peer (f, REL, 2);
  sync_ok (f);
  relation = server_relation (f);
  g_assert_nonnull (relation);
  g_assert_cmpstr (cli_member_string (relation, "id"), ==, REL);
  g_assert_cmpstr (cli_member_string (relation, "local_unit"), ==, "glusterfs/0");
  g_assert_cmpstr (cli_member_string (cli_member (relation, "local_settings"),
                                      "private-address"), ==, "10.0.0.10");
  names = unit_names (relation);
  g_assert_cmpstr (names, ==, "glusterfs/1 glusterfs/2");
  unit = cli_status_unit (relation, "glusterfs/2");
  g_assert_cmpstr (cli_member_string (unit, "address"), ==, "10.0.0.12");
  g_assert_true (cli_member_boolean (unit, "available"));
  assert_quiet_sync (f);
  g_clear_pointer (&relation, json_decref);
  g_clear_pointer (&names, g_free);

  /* glusterfs/2 left, glusterfs/1 changed its bricks, glusterfs/3 came,
   * this unit published an address: all while hooks did not run. */
  cli_model_remove_bag (f, REL, "glusterfs/2");
  cli_model_set_bag (f, REL, "glusterfs/1", "{\"private-address\": \"10.0.0.11\", "
                                            "\"bricks\": \"[\\\"/srv/c1\\\"]\"}");
  add_peer (f, REL, 3);
  cli_model_set_bag (f, REL, "glusterfs/0", "{\"private-address\": \"10.0.0.10\", "
                                            "\"cluster-address\": \"10.1.0.10\"}");
  sync_ok (f);
  relation = server_relation (f);
  names = unit_names (relation);
  g_assert_cmpstr (names, ==, "glusterfs/1 glusterfs/3");
  g_assert_cmpstr (cli_member_string (cli_member (relation, "local_settings"),
                                      "cluster-address"), ==, "10.1.0.10");
  unit = cli_status_unit (relation, "glusterfs/1");
  g_assert_cmpstr (json_string_value (json_array_get (cli_member (unit, "bricks"), 0)), ==,
                   "/srv/c1");
  states = cli_join_strings (cli_member (relation, "states"));
  g_assert_nonnull (strstr (states, "departed"));
  g_assert_nonnull (strstr (states, "bricks.removed"));
  assert_quiet_sync (f);
}

/* The service lost everything: a sync rebuilds what Juju knows. */
static void
test_lost_state (CliFixture *f, gconstpointer data)
{
  g_autofree char *state_dir = gp_test_make_tmp_dir ("gp-test-sync-state-XXXXXX");
  g_autoptr(json_t) before = NULL, after = NULL;
  g_autofree char *before_text = NULL, *after_text = NULL;

  gp_test_daemon_stop (f->daemon);
  g_clear_pointer (&f->daemon, gp_test_daemon_free);
  f->daemon = gp_test_daemon_start (f->bus, state_dir, NULL);
  add_peer (f, REL, 1);
  add_peer (f, REL, 2);
  sync_ok (f);
  before = cli_json (f, "status", NULL);

  gp_test_daemon_stop (f->daemon);
  g_clear_pointer (&f->daemon, gp_test_daemon_free);
  gp_test_rm_rf (state_dir);
  g_assert_cmpint (g_mkdir (state_dir, 0700), ==, 0);
  f->daemon = gp_test_daemon_start (f->bus, state_dir, NULL);
  after = cli_json (f, "status", NULL);
  g_assert_cmpuint (json_array_size (cli_member (after, "relations")), ==, 0);
  g_clear_pointer (&after, json_decref);

  sync_ok (f);
  after = cli_json (f, "status", NULL);
  before_text = gp_json_to_string (before, JSON_COMPACT);
  after_text = gp_json_to_string (after, JSON_COMPACT);
  g_assert_cmpstr (after_text, ==, before_text);
  assert_quiet_sync (f);
  gp_test_daemon_stop (f->daemon);
  g_clear_pointer (&f->daemon, gp_test_daemon_free);
  gp_test_rm_rf (state_dir);
}

/* The service remembers a relation of an earlier life of this unit (Juju
 * runs no relation-broken for peers); Juju now has another id. */
static void
test_stale_relation (CliFixture *f, gconstpointer data)
{
  g_autoptr(json_t) relation = NULL;
  g_autofree char *ids = g_build_filename (f->juju_dir, "relation-ids", NULL);
  g_autofree char *names = NULL, *states = NULL;

  add_peer (f, REL, 1);
  g_assert_cmpint (cli_hook (f, "server-relation-created", REL, NULL, NULL, NULL, NULL), ==, 0);
  g_assert_cmpint (cli_hook (f, "server-relation-joined", REL, "glusterfs/1", NULL, NULL, NULL), ==, 0);
  g_assert_cmpint (cli_hook (f, "server-relation-changed", REL, "glusterfs/1", NULL, NULL, NULL), ==, 0);
  g_assert_cmpint (cli_hook (f, "server-relation-departed", REL, "glusterfs/1", "glusterfs/1",
                             NULL, NULL), ==, 0);

  g_assert_true (g_file_set_contents (ids, "", -1, NULL));
  cli_model_add_relation (f, "server:4");
  cli_model_set_bag (f, "server:4", "glusterfs/0", "{\"private-address\": \"10.0.0.20\"}");
  add_peer (f, "server:4", 5);
  sync_ok (f);
  relation = server_relation (f);
  g_assert_cmpstr (cli_member_string (relation, "id"), ==, "server:4");
  names = unit_names (relation);
  g_assert_cmpstr (names, ==, "glusterfs/5");
  states = cli_join_strings (cli_member (relation, "states"));
  g_assert_null (strstr (states, "departed"));
  g_assert_cmpstr (cli_member_string (cli_member (relation, "local_settings"),
                                      "private-address"), ==, "10.0.0.20");
  assert_quiet_sync (f);

  /* Juju has no relation of the endpoint any more: forgotten. */
  g_assert_true (g_file_set_contents (ids, "", -1, NULL));
  sync_ok (f);
  g_clear_pointer (&relation, json_decref);
  relation = server_relation (f);
  g_assert_null (relation);
}

/* Two ids of one endpoint with different members: every member is on. */
static void
test_two_ids (CliFixture *f, gconstpointer data)
{
  g_autoptr(json_t) relation = NULL;
  g_autofree char *names = NULL;

  cli_model_add_relation (f, "server:9");
  cli_model_set_bag (f, "server:9", "glusterfs/0", "{\"private-address\": \"10.0.0.10\"}");
  add_peer (f, REL, 1);
  add_peer (f, "server:9", 1);
  add_peer (f, "server:9", 2);
  sync_ok (f);
  relation = server_relation (f);
  g_assert_cmpstr (cli_member_string (relation, "id"), ==, "server:9");
  names = unit_names (relation);
  g_assert_cmpstr (names, ==, "glusterfs/1 glusterfs/2");
  assert_quiet_sync (f);
}

static void
test_usage (CliFixture *f, gconstpointer data)
{
  g_autofree char *err = NULL;

  /* Outside Juju there is nothing to ask. */
  g_assert_cmpint (cli_run (f, NULL, NULL, &err, "sync", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "Juju"));
  g_clear_pointer (&err, g_free);
  /* A failing tool fails the sync before anything changed. */
  add_peer (f, REL, 1);
  cli_model_fail_tool (f, "relation-list", "ERROR permission denied\n");
  g_assert_cmpint (cli_run (f, config_changed, NULL, &err, "--relation", "server", "sync",
                            NULL), ==, 1);
  g_assert_nonnull (strstr (err, "permission denied"));
  g_assert_cmpuint (cli_take_signals (f), ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(name, func) \
  g_test_add ("/cli/sync/" name, CliFixture, NULL, cli_fixture_setup, func, cli_fixture_teardown)
  ADD ("missed-hooks", test_missed_hooks);
  ADD ("lost-state", test_lost_state);
  ADD ("stale-relation", test_stale_relation);
  ADD ("two-ids", test_two_ids);
  ADD ("usage", test_usage);
  return g_test_run ();
}
