/* test-cli-charm.c: gluster-peerctl inside a charm: hook mode acts only on
 * the endpoints the charm's metadata.yaml declares with interface
 * gluster-peer, commands default to that endpoint in every hook, this
 * unit's own departure forgets the relation, and the commands that
 * publish (set-bricks with no brick, set, set-local-unit). Also the Juju
 * stand-ins themselves, where they must behave as Juju's tools do.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "test-cli-util.h"

#define REL "server:0"

static const char metadata[] =
  "name: gluster-example\n"
  "summary: GlusterFS\n"
  "peers:\n"
  "  server:\n"
  "    interface: gluster-peer\n"
  "provides:\n"
  "  fuse:\n"
  "    interface: glusterfs\n"
  "    scope: global\n"
  "requires:\n"
  "  nfs: nfs\n"
  "  juju-info:\n"
  "    interface: juju-info\n";

static json_t *
server_relation (CliFixture *f)
{
  g_autoptr(json_t) status = cli_json (f, "status", NULL);
  json_t *relation = cli_status_relation (status, "server");

  return relation ? json_incref (relation) : NULL;
}

/* The hook named @hook through `gluster-peerctl hook`, as a charm's
 * dispatch runs it, in the charm of @charm_env. */
static int
run_dispatch (CliFixture *f, const char *charm_env, const char *hook, const char *relation,
              const char *relation_id, const char *remote, char **err)
{
  g_autofree char *v_hook = g_strconcat ("JUJU_HOOK_NAME=", hook, NULL);
  g_autofree char *v_rel = g_strconcat ("JUJU_RELATION=", relation ? relation : "", NULL);
  g_autofree char *v_id = g_strconcat ("JUJU_RELATION_ID=", relation_id ? relation_id : "", NULL);
  g_autofree char *v_remote = g_strconcat ("JUJU_REMOTE_UNIT=", remote ? remote : "", NULL);
  const char *env[] = {
    v_hook, v_rel, v_id, v_remote, "JUJU_UNIT_NAME=glusterfs/0", "JUJU_CONTEXT_ID=glusterfs/0-1",
    charm_env, NULL,
  };

  return cli_run (f, env, NULL, err, "hook", NULL);
}

/* In a charm, hooks of other endpoints and non-relation hooks are left
 * alone, silently; without a charm, today's usage error stays. */
static void
test_other_hooks (CliFixture *f, gconstpointer data)
{
  g_autofree char *charm = cli_charm_metadata (f, metadata);
  g_autofree char *calls = NULL, *err = NULL;
  g_autoptr(json_t) status = NULL;
  static const char *const plain[] = {
    "config-changed", "leader-elected", "upgrade-charm", "update-status", "install", "start",
    "stop", "fuse-relation-created", "fuse-relation-departed", "nfs-relation-broken", NULL,
  };

  cli_model_add_relation (f, "fuse:3");
  cli_model_set_bag (f, "fuse:3", "client/0", "{\"private-address\": \"10.0.9.1\"}");
  g_free (cli_model_take_calls (f));
  g_assert_cmpint (run_dispatch (f, charm, "fuse-relation-joined", "fuse", "fuse:3",
                                 "client/0", &err), ==, 0);
  g_assert_cmpstr (err, ==, "");
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_dispatch (f, charm, "nfs-relation-changed", "nfs", "nfs:5",
                                 "nfs-client/2", &err), ==, 0);
  g_assert_cmpstr (err, ==, "");
  for (guint i = 0; plain[i]; i++)
    {
      g_clear_pointer (&err, g_free);
      g_assert_cmpint (run_dispatch (f, charm, plain[i], NULL, NULL, NULL, &err), ==, 0);
      g_assert_cmpstr (err, ==, "");
    }
  g_assert_cmpuint (cli_take_signals (f), ==, 0);
  calls = cli_model_take_calls (f);
  g_assert_cmpstr (calls, ==, "");
  status = cli_json (f, "status", NULL);
  g_assert_cmpuint (json_array_size (cli_member (status, "relations")), ==, 0);

  /* Our own endpoint's hooks still act. */
  g_assert_cmpint (run_dispatch (f, charm, "server-relation-created", "server", REL, NULL,
                                 NULL), ==, 0);
  g_clear_pointer (&status, json_decref);
  status = server_relation (f);
  g_assert_nonnull (status);

  /* Outside a charm a non-relation hook is still a usage error. */
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_dispatch (f, "JUJU_CHARM_DIR=", "config-changed", NULL, NULL, NULL,
                                 &err), ==, 2);
  g_assert_nonnull (strstr (err, "not a relation hook"));
}

/* Commands in another endpoint's hook work on the gluster-peer one. */
static void
test_default_endpoint (CliFixture *f, gconstpointer data)
{
  g_autofree char *charm = cli_charm_metadata (f, metadata);
  g_autofree char *err = NULL, *calls = NULL, *bag = NULL, *out = NULL;
  g_autoptr(json_t) relation = NULL;
  const char *fuse_hook[] = {
    "JUJU_HOOK_NAME=fuse-relation-joined", "JUJU_RELATION=fuse", "JUJU_RELATION_ID=fuse:3",
    "JUJU_REMOTE_UNIT=client/0", "JUJU_UNIT_NAME=glusterfs/0", "JUJU_CONTEXT_ID=glusterfs/0-2",
    charm, NULL,
  };
  const char *no_charm[] = {
    "JUJU_HOOK_NAME=fuse-relation-joined", "JUJU_RELATION=fuse", "JUJU_RELATION_ID=fuse:3",
    "JUJU_REMOTE_UNIT=client/0", "JUJU_UNIT_NAME=glusterfs/0", "JUJU_CONTEXT_ID=glusterfs/0-2",
    NULL,
  };

  cli_model_add_relation (f, "fuse:3");
  g_assert_cmpint (cli_hook (f, "server-relation-created", REL, NULL, NULL, NULL, NULL), ==, 0);
  g_free (cli_model_take_calls (f));

  g_assert_cmpint (cli_run (f, fuse_hook, NULL, &err, "set-bricks", "/srv/b1", NULL), ==, 0);
  g_assert_cmpint (cli_run (f, fuse_hook, NULL, NULL, "set-address", "cluster", "10.0.1.10",
                            NULL), ==, 0);
  g_assert_cmpint (cli_run (f, fuse_hook, &out, NULL, "peer-info", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "glusterfs/0 10.0.0.10 /srv/b1"));
  calls = cli_model_take_calls (f);
  g_assert_nonnull (strstr (calls, "[\"relation-ids\", \"--format=json\", \"server\"]"));
  g_assert_null (strstr (calls, "fuse"));
  bag = cli_model_get_bag (f, REL, "glusterfs/0");
  g_assert_nonnull (strstr (bag, "\"bricks\": \"[\\\"/srv/b1\\\"]\""));
  g_assert_nonnull (strstr (bag, "\"cluster-address\": \"10.0.1.10\""));
  relation = server_relation (f);
  g_assert_cmpstr (cli_member_string (cli_member (relation, "local_settings"), "bricks"), ==,
                   "[\"/srv/b1\"]");

  /* Without the charm's metadata the hook's own endpoint is taken. */
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (cli_run (f, no_charm, NULL, &err, "set-bricks", "/srv/b2", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "knows no relation"));
  g_assert_nonnull (strstr (err, "fuse"));
}

static void
test_several_endpoints (CliFixture *f, gconstpointer data)
{
  g_autofree char *charm = cli_charm_metadata (f,
    "peers:\n  server: {interface: gluster-peer}\n  backup:\n    interface: gluster-peer\n");
  g_autofree char *err = NULL;
  const char *config_changed[] = {
    "JUJU_HOOK_NAME=config-changed", "JUJU_UNIT_NAME=glusterfs/0",
    "JUJU_CONTEXT_ID=glusterfs/0-3", charm, NULL,
  };
  const char *server_hook[] = {
    "JUJU_HOOK_NAME=server-relation-changed", "JUJU_RELATION=server",
    "JUJU_RELATION_ID=" REL, "JUJU_UNIT_NAME=glusterfs/0", "JUJU_CONTEXT_ID=glusterfs/0-4",
    charm, NULL,
  };

  g_assert_cmpint (cli_hook (f, "server-relation-created", REL, NULL, NULL, NULL, NULL), ==, 0);
  g_assert_cmpint (cli_run (f, config_changed, NULL, &err, "units", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "several gluster-peer endpoints (server, backup)"));
  g_assert_cmpint (cli_run (f, server_hook, NULL, NULL, "units", NULL), ==, 0);
  g_assert_cmpint (cli_run (f, config_changed, NULL, NULL, "--relation", "server", "units",
                            NULL), ==, 0);
}

/* A metadata.yaml that is not one fails the hook with a message, quickly. */
static void
test_bad_metadata (CliFixture *f, gconstpointer data)
{
  g_autoptr(GString) deep = g_string_new ("peers: ");
  g_autoptr(GString) huge = g_string_new ("# padding\n");
  g_autofree char *charm = NULL, *err = NULL;
  g_autofree char *dir = g_build_filename (f->dir, "charm", NULL);
  g_autofree char *charm_dir = g_strconcat ("CHARM_DIR=", dir, NULL);

  for (guint i = 0; i < 100000; i++)
    g_string_append_c (deep, '[');
  while (huge->len < 2 * 1024 * 1024)
    g_string_append (huge, "# a comment line to make the file large enough to refuse\n");

  charm = cli_charm_metadata (f, deep->str);
  g_assert_cmpint (run_dispatch (f, charm, "config-changed", NULL, NULL, NULL, &err), ==, 1);
  g_assert_nonnull (strstr (err, "nested too deeply"));
  g_clear_pointer (&err, g_free);
  g_clear_pointer (&charm, g_free);

  charm = cli_charm_metadata (f, huge->str);
  g_assert_cmpint (run_dispatch (f, charm, "config-changed", NULL, NULL, NULL, &err), ==, 1);
  g_assert_nonnull (strstr (err, "larger than"));
  g_clear_pointer (&err, g_free);
  g_clear_pointer (&charm, g_free);

  charm = cli_charm_metadata (f, "peers: {server: [unclosed\n");
  g_assert_cmpint (run_dispatch (f, charm, "config-changed", NULL, NULL, NULL, &err), ==, 1);
  g_assert_nonnull (strstr (err, "metadata.yaml:"));
  g_clear_pointer (&err, g_free);
  g_clear_pointer (&charm, g_free);

  /* $CHARM_DIR is read when $JUJU_CHARM_DIR is not set. */
  charm = cli_charm_metadata (f, metadata);
  g_assert_cmpint (run_dispatch (f, charm_dir, "config-changed", NULL, NULL, NULL, &err), ==, 0);
  g_assert_cmpstr (err, ==, "");
}

/* This unit is removed: Juju runs departed for each remote unit with
 * JUJU_DEPARTING_UNIT set to this unit, and never relation-broken. */
static void
test_self_departure (CliFixture *f, gconstpointer data)
{
  g_autoptr(json_t) relation = NULL;
  g_autofree char *states = NULL;

  g_assert_cmpint (cli_hook (f, "server-relation-created", REL, NULL, NULL, NULL, NULL), ==, 0);
  for (guint i = 1; i <= 2; i++)
    {
      g_autofree char *unit = g_strdup_printf ("glusterfs/%u", i);
      g_autofree char *bag = g_strdup_printf ("{\"private-address\": \"10.0.0.1%u\", "
                                              "\"bricks\": \"[\\\"/srv/b\\\"]\"}", i);

      cli_model_set_bag (f, REL, unit, bag);
      g_assert_cmpint (cli_hook (f, "server-relation-joined", REL, unit, NULL, NULL, NULL), ==, 0);
      g_assert_cmpint (cli_hook (f, "server-relation-changed", REL, unit, NULL, NULL, NULL), ==, 0);
    }
  g_assert_cmpint (cli_hook (f, "server-relation-departed", REL, "glusterfs/1", "glusterfs/0",
                             NULL, NULL), ==, 0);
  relation = server_relation (f);
  g_assert_nonnull (relation);
  g_clear_pointer (&relation, json_decref);
  g_assert_cmpint (cli_hook (f, "server-relation-departed", REL, "glusterfs/2", "glusterfs/0",
                             NULL, NULL), ==, 0);
  relation = server_relation (f);
  g_assert_null (relation);
  /* A retry of the last hook finds nothing left to do. */
  g_assert_cmpint (cli_hook (f, "server-relation-departed", REL, "glusterfs/2", "glusterfs/0",
                             NULL, NULL), ==, 0);

  /* A unit deployed here later starts clean on a new relation id. */
  cli_model_add_relation (f, "server:4");
  cli_model_set_bag (f, "server:4", "glusterfs/0", "{\"private-address\": \"10.0.0.10\"}");
  g_assert_cmpint (cli_hook (f, "server-relation-created", "server:4", NULL, NULL, NULL, NULL),
                   ==, 0);
  relation = server_relation (f);
  g_assert_cmpstr (cli_member_string (relation, "id"), ==, "server:4");
  states = cli_join_strings (cli_member (relation, "states"));
  g_assert_cmpstr (states, ==, "");
  g_assert_cmpuint (json_array_size (cli_member (relation, "units")), ==, 0);
}

/* A unit removed while it had no peer left gets no departed hook at all;
 * the next unit on this machine (Juju never reuses a unit name) starts
 * clean anyway. */
static void
test_earlier_life (CliFixture *f, gconstpointer data)
{
  static const char *const new_unit[] = { "JUJU_UNIT_NAME=glusterfs/3", NULL };
  g_autoptr(json_t) relation = NULL;
  g_autofree char *states = NULL;

  cli_model_set_bag (f, REL, "glusterfs/1", "{\"private-address\": \"10.0.0.11\", "
                                            "\"bricks\": \"[\\\"/srv/b\\\"]\"}");
  g_assert_cmpint (cli_hook (f, "server-relation-created", REL, NULL, NULL, NULL, NULL), ==, 0);
  g_assert_cmpint (cli_hook (f, "server-relation-joined", REL, "glusterfs/1", NULL, NULL, NULL), ==, 0);
  g_assert_cmpint (cli_hook (f, "server-relation-changed", REL, "glusterfs/1", NULL, NULL, NULL), ==, 0);
  g_assert_cmpint (cli_hook (f, "server-relation-departed", REL, "glusterfs/1", "glusterfs/1",
                             NULL, NULL), ==, 0);

  cli_model_add_relation (f, "server:4");
  cli_model_set_bag (f, "server:4", "glusterfs/3", "{\"private-address\": \"10.0.0.10\"}");
  g_assert_cmpint (cli_hook (f, "server-relation-created", "server:4", NULL, NULL, new_unit,
                             NULL), ==, 0);
  relation = server_relation (f);
  g_assert_cmpstr (cli_member_string (relation, "local_unit"), ==, "glusterfs/3");
  states = cli_join_strings (cli_member (relation, "states"));
  g_assert_cmpstr (states, ==, "");
  g_clear_pointer (&relation, json_decref);
  /* A retried created hook of the same unit keeps what it has. */
  g_assert_cmpint (cli_hook (f, "server-relation-joined", "server:4", "glusterfs/1", NULL,
                             new_unit, NULL), ==, 0);
  g_assert_cmpint (cli_hook (f, "server-relation-created", "server:4", NULL, NULL, new_unit,
                             NULL), ==, 0);
  relation = server_relation (f);
  g_assert_cmpuint (json_array_size (cli_member (relation, "units")), ==, 1);
}

static const char *const hook_env[] = {
  "JUJU_HOOK_NAME=config-changed", "JUJU_UNIT_NAME=glusterfs/0",
  "JUJU_CONTEXT_ID=glusterfs/0-5", "JUJU_RELATION=server", NULL,
};

static void
test_set_bricks_none (CliFixture *f, gconstpointer data)
{
  g_autoptr(json_t) relation = NULL;
  g_autofree char *bag = NULL;

  g_assert_cmpint (cli_hook (f, "server-relation-created", REL, NULL, NULL, NULL, NULL), ==, 0);
  g_assert_cmpint (cli_run (f, hook_env, NULL, NULL, "set-bricks", "/srv/a", "/srv/b", NULL), ==, 0);
  g_assert_cmpint (cli_run (f, hook_env, NULL, NULL, "set-bricks", NULL), ==, 0);
  relation = server_relation (f);
  g_assert_cmpstr (cli_member_string (cli_member (relation, "local_settings"), "bricks"), ==, "[]");
  bag = cli_model_get_bag (f, REL, "glusterfs/0");
  g_assert_nonnull (strstr (bag, "\"bricks\": \"[]\""));
}

static void
test_set (CliFixture *f, gconstpointer data)
{
  g_autoptr(json_t) relation = NULL;
  g_autofree char *bag = NULL, *calls = NULL, *err = NULL;
  json_t *local;

  cli_model_add_relation (f, "server:7");
  cli_model_set_bag (f, "server:7", "glusterfs/0", "{}");
  g_assert_cmpint (cli_hook (f, "server-relation-created", REL, NULL, NULL, NULL, NULL), ==, 0);
  g_assert_cmpint (cli_run (f, hook_env, NULL, NULL, "set", "volume=gv0", "mount=/mnt/gv0",
                            NULL), ==, 0);
  relation = server_relation (f);
  local = cli_member (relation, "local_settings");
  g_assert_cmpstr (cli_member_string (local, "volume"), ==, "gv0");
  g_assert_cmpstr (cli_member_string (local, "mount"), ==, "/mnt/gv0");
  /* On every relation id of the endpoint. */
  bag = cli_model_get_bag (f, REL, "glusterfs/0");
  g_assert_nonnull (strstr (bag, "\"volume\": \"gv0\""));
  g_clear_pointer (&bag, g_free);
  bag = cli_model_get_bag (f, "server:7", "glusterfs/0");
  g_assert_nonnull (strstr (bag, "\"mount\": \"/mnt/gv0\""));
  g_clear_pointer (&bag, g_free);
  g_clear_pointer (&relation, json_decref);

  /* KEY= deletes, in the service and on the relation. */
  g_assert_cmpint (cli_run (f, hook_env, NULL, NULL, "set", "mount=", NULL), ==, 0);
  relation = server_relation (f);
  g_assert_null (json_object_get (cli_member (relation, "local_settings"), "mount"));
  bag = cli_model_get_bag (f, REL, "glusterfs/0");
  g_assert_null (strstr (bag, "mount"));

  /* Outside a hook: the service only. */
  g_free (cli_model_take_calls (f));
  g_assert_cmpint (cli_run (f, NULL, NULL, NULL, "set", "volume=gv1", NULL), ==, 0);
  calls = cli_model_take_calls (f);
  g_assert_cmpstr (calls, ==, "");

  g_assert_cmpint (cli_run (f, NULL, NULL, &err, "set", "bad key=1", NULL), ==, 2);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (cli_run (f, NULL, NULL, &err, "set", "novalue", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "KEY=VALUE"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (cli_run (f, NULL, NULL, &err, "set", NULL), ==, 2);
}

/* Outside hook mode the local unit is named by hand. */
static void
test_local_unit (CliFixture *f, gconstpointer data)
{
  g_autoptr(json_t) relation = NULL;
  g_autofree char *out = NULL, *err = NULL;

  g_assert_cmpint (cli_run (f, NULL, NULL, NULL, "created", "server", NULL), ==, 0);
  g_assert_cmpint (cli_run (f, NULL, NULL, NULL, "changed", "server", "glusterfs/1",
                            "private-address=10.0.0.11", "bricks=[\"/srv/b\"]", NULL), ==, 0);
  g_assert_cmpint (cli_run (f, NULL, NULL, NULL, "set-address", "private", "10.0.0.10", NULL), ==, 0);
  g_assert_cmpint (cli_run (f, NULL, NULL, NULL, "set-bricks", "/srv/a", NULL), ==, 0);
  g_assert_cmpint (cli_run (f, NULL, &out, NULL, "volume-bricks", "--replica", "1", NULL), ==, 0);
  g_assert_cmpstr (out, ==, "10.0.0.11:/srv/b\n");
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (cli_run (f, NULL, NULL, NULL, "set-local-unit", "glusterfs/0", NULL), ==, 0);
  relation = server_relation (f);
  g_assert_cmpstr (cli_member_string (relation, "local_unit"), ==, "glusterfs/0");
  g_assert_cmpstr (cli_member_string (cli_member (relation, "local_settings"),
                                      "private-address"), ==, "10.0.0.10");
  g_assert_cmpint (cli_run (f, NULL, &out, NULL, "volume-bricks", "--replica", "2", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "10.0.0.10:/srv/a"));
  g_assert_nonnull (strstr (out, "10.0.0.11:/srv/b"));
  /* Naming it again changes nothing. */
  cli_take_signals (f);
  g_assert_cmpint (cli_run (f, NULL, NULL, NULL, "set-local-unit", "glusterfs/0", NULL), ==, 0);
  g_assert_cmpuint (cli_take_signals (f), ==, 0);

  g_assert_cmpint (cli_run (f, NULL, NULL, &err, "set-local-unit", "not-a-unit", NULL), ==, 2);

  /* retrieve_remote() of the old interface: remote units only. */
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (cli_run (f, NULL, &out, NULL, "retrieve-remote", "private-address", NULL), ==, 0);
  g_assert_cmpstr (out, ==, "10.0.0.11\n");
}

/* The stand-ins answer as Juju's tools do where hook mode relies on it. */
static void
test_stand_ins (CliFixture *f, gconstpointer data)
{
  g_autofree char *tools = gp_test_source_path ("tests", "juju", NULL);
  g_autofree char *list = g_build_filename (tools, "relation-list", NULL);
  g_autofree char *get = g_build_filename (tools, "relation-get", NULL);
  g_autofree char *ids = g_build_filename (tools, "relation-ids", NULL);
  g_autofree char *out = NULL;
  const char *base[] = { "JUJU_UNIT_NAME=glusterfs/0", NULL };
  const char *departed[] = {
    "JUJU_UNIT_NAME=glusterfs/0", "JUJU_HOOK_NAME=server-relation-departed",
    "JUJU_RELATION_ID=server:9", "JUJU_REMOTE_UNIT=glusterfs/1",
    "JUJU_DEPARTING_UNIT=glusterfs/1", NULL,
  };
  const char *app_hook[] = {
    "JUJU_UNIT_NAME=glusterfs/0", "JUJU_HOOK_NAME=server-relation-changed",
    "JUJU_RELATION_ID=server:9", "JUJU_REMOTE_APP=glusterfs", NULL,
  };

  /* Two ids of one endpoint, with different members. */
  cli_model_add_relation (f, "server:9");
  cli_model_set_bag (f, REL, "glusterfs/1", "{\"private-address\": \"10.0.0.11\"}");
  cli_model_set_bag (f, "server:9", "glusterfs/1", "{\"private-address\": \"10.0.0.11\"}");
  cli_model_set_bag (f, "server:9", "glusterfs/2", "{\"private-address\": \"10.0.0.12\"}");
  cli_model_set_bag (f, "server:9", "glusterfs.app", "{\"volume\": \"gv0\"}");
  g_assert_cmpint (cli_spawn (f, (const char *[]) { ids, "--format=json", "server", NULL },
                              base, &out, NULL), ==, 0);
  g_assert_cmpstr (out, ==, "[\"server:0\",\"server:9\"]\n");
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (cli_spawn (f, (const char *[]) { list, "--format=json", "-r", REL, NULL },
                              base, &out, NULL), ==, 0);
  g_assert_cmpstr (out, ==, "[\"glusterfs/1\"]\n");
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (cli_spawn (f, (const char *[]) { list, "--format=json", "-r", "9", NULL },
                              base, &out, NULL), ==, 0);
  g_assert_cmpstr (out, ==, "[\"glusterfs/1\",\"glusterfs/2\"]\n");
  g_clear_pointer (&out, g_free);

  /* Departed from server:9: not listed there, its bag still readable,
   * still a member of server:0. */
  g_assert_cmpint (cli_spawn (f, (const char *[]) { list, "--format=json", NULL },
                              departed, &out, NULL), ==, 0);
  g_assert_cmpstr (out, ==, "[\"glusterfs/2\"]\n");
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (cli_spawn (f, (const char *[]) { get, "--format=json", "-", "glusterfs/1", NULL },
                              departed, &out, NULL), ==, 0);
  g_assert_cmpstr (out, ==, "{\"private-address\":\"10.0.0.11\"}\n");
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (cli_spawn (f, (const char *[]) { list, "--format=json", "-r", REL, NULL },
                              departed, &out, NULL), ==, 0);
  g_assert_cmpstr (out, ==, "[\"glusterfs/1\"]\n");
  g_clear_pointer (&out, g_free);

  /* Application data: no unit given, no remote unit: the remote app's. */
  g_assert_cmpint (cli_spawn (f, (const char *[]) { get, "--format=json", NULL },
                              app_hook, &out, NULL), ==, 0);
  g_assert_cmpstr (out, ==, "{\"volume\":\"gv0\"}\n");
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (cli_spawn (f, (const char *[]) { get, "--app", "volume", "glusterfs/2", NULL },
                              app_hook, &out, NULL), ==, 0);
  g_assert_cmpstr (out, ==, "gv0\n");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(name, func) \
  g_test_add ("/cli/charm/" name, CliFixture, NULL, cli_fixture_setup, func, cli_fixture_teardown)
  ADD ("other-hooks", test_other_hooks);
  ADD ("default-endpoint", test_default_endpoint);
  ADD ("several-endpoints", test_several_endpoints);
  ADD ("bad-metadata", test_bad_metadata);
  ADD ("self-departure", test_self_departure);
  ADD ("earlier-life", test_earlier_life);
  ADD ("set-bricks-none", test_set_bricks_none);
  ADD ("set", test_set);
  ADD ("local-unit", test_local_unit);
  ADD ("stand-ins", test_stand_ins);
  return g_test_run ();
}
