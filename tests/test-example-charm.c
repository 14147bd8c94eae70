/* test-example-charm.c: the example charm in examples/gluster-charm runs
 * its hooks (dispatch, then its shell logic through gluster-peerctl) under
 * the Juju stand-ins, against the real daemon, with a `gluster` on PATH
 * that only records its arguments. Five units join the leader, three
 * leave; the recorded gluster commands are what charm-glusterfs would
 * have run: probes, a volume on distinct hosts, its growth, the removal
 * of a replica set whose hosts all left, detaches.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib/gstdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test-cli-util.h"

#define REL "server:0"

typedef struct {
  CliFixture *f;
  char *charm_dir;
  char *path;      /* PATH=... */
  char *log;       /* what gluster recorded */
  char *err;       /* the last hook's stderr */
} Unit;

static void
install_charm (CliFixture *f, Unit *unit)
{
  g_autofree char *source = gp_test_source_path ("examples", "gluster-charm", NULL);
  g_autofree char *bin = g_build_filename (f->dir, "bin", NULL);
  g_autofree char *gluster = g_build_filename (bin, "gluster", NULL);
  g_autofree char *peerctl = g_build_filename (bin, "gluster-peerctl", NULL);
  g_autofree char *tools = gp_test_source_path ("tests", "juju", NULL);
  g_autofree char *script = NULL, *config = NULL, *leader = NULL;
  g_autoptr(GError) error = NULL;
  const char *cp[] = { "cp", "-R", source, NULL, NULL };
  int status;

  /* Juju unpacks the charm into a directory of the unit's own. */
  unit->charm_dir = g_build_filename (f->dir, "unit-glusterfs-0", NULL);
  cp[3] = unit->charm_dir;
  g_spawn_sync (NULL, (char **) cp, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
                &status, &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);

  unit->log = g_build_filename (f->dir, "gluster.log", NULL);
  script = g_strdup_printf ("#!/bin/sh\necho \"$*\" >>'%s'\n", unit->log);
  g_assert_cmpint (g_mkdir (bin, 0755), ==, 0);
  g_assert_true (g_file_set_contents (gluster, script, -1, NULL));
  g_assert_cmpint (g_chmod (gluster, 0755), ==, 0);
  g_assert_cmpint (symlink (g_getenv ("GP_PEERCTL"), peerctl), ==, 0);
  unit->path = g_strconcat ("PATH=", bin, ":", tools, ":/usr/bin:/bin", NULL);

  config = g_build_filename (f->juju_dir, "config.json", NULL);
  g_assert_true (g_file_set_contents (config, "{\"bricks\": \"/srv/b0 /srv/c0\", "
                                      "\"replicas\": 2, \"volume-name\": \"gv0\"}", -1, NULL));
  leader = g_build_filename (f->juju_dir, "leader", NULL);
  g_assert_true (g_file_set_contents (leader, "glusterfs/0\n", -1, NULL));
  unit->f = f;
}

static void
unit_clear (Unit *unit)
{
  g_free (unit->charm_dir);
  g_free (unit->path);
  g_free (unit->log);
  g_free (unit->err);
}

/* Runs the charm's dispatch for @hook as Juju would. */
static void
run_hook (Unit *unit, const char *hook, const char *remote, const char *departing)
{
  g_autofree char *dispatch = g_build_filename (unit->charm_dir, "dispatch", NULL);
  g_autofree char *v_hook = g_strconcat ("JUJU_HOOK_NAME=", hook, NULL);
  g_autofree char *v_dir = g_strconcat ("JUJU_CHARM_DIR=", unit->charm_dir, NULL);
  g_autofree char *v_remote = g_strconcat ("JUJU_REMOTE_UNIT=", remote ? remote : "", NULL);
  g_autofree char *v_departing = g_strconcat ("JUJU_DEPARTING_UNIT=", departing ? departing : "",
                                              NULL);
  gboolean relation_hook = g_str_has_prefix (hook, "server-relation-");
  const char *env[] = {
    v_hook, v_dir, unit->path, v_remote, v_departing, "JUJU_UNIT_NAME=glusterfs/0",
    "JUJU_CONTEXT_ID=glusterfs/0-42",
    relation_hook ? "JUJU_RELATION=server" : "JUJU_RELATION=",
    relation_hook ? "JUJU_RELATION_ID=" REL : "JUJU_RELATION_ID=",
    NULL,
  };
  const char *argv[] = { dispatch, NULL };

  g_test_message ("hook %s %s", hook, remote ? remote : "");
  g_clear_pointer (&unit->err, g_free);
  g_assert_cmpint (cli_spawn (unit->f, argv, env, NULL, &unit->err), ==, 0);
}

static void
join (Unit *unit, guint n, gboolean with_brick)
{
  g_autofree char *name = g_strdup_printf ("glusterfs/%u", n);
  g_autofree char *bag = NULL;

  if (with_brick)
    bag = g_strdup_printf ("{\"private-address\": \"10.0.0.1%u\", "
                           "\"bricks\": \"[\\\"/srv/b%u\\\"]\"}", n, n);
  else
    bag = g_strdup_printf ("{\"private-address\": \"10.0.0.1%u\"}", n);
  cli_model_set_bag (unit->f, REL, name, bag);
  run_hook (unit, "server-relation-joined", name, NULL);
  run_hook (unit, "server-relation-changed", name, NULL);
}

static char **
recorded (Unit *unit)
{
  g_autofree char *text = NULL;

  if (!g_file_get_contents (unit->log, &text, NULL, NULL) || g_strchomp (text)[0] == '\0')
    return g_new0 (char *, 1);
  return g_strsplit (g_strchomp (text), "\n", -1);
}

/* "volume create gv0 replica 2 A:/x B:/y" -> its bricks, whose hosts must
 * differ within the replica set. */
static void
assert_replica_set (const char *line, const char *prefix, GPtrArray *bricks)
{
  g_auto(GStrv) words = NULL;
  g_autofree char *host_a = NULL, *host_b = NULL;

  g_assert_true (g_str_has_prefix (line, prefix));
  words = g_strsplit (line + strlen (prefix), " ", -1);
  g_assert_cmpuint (g_strv_length (words), ==, 2);
  host_a = g_strndup (words[0], (gsize) (strchr (words[0], ':') - words[0]));
  host_b = g_strndup (words[1], (gsize) (strchr (words[1], ':') - words[1]));
  g_assert_cmpstr (host_a, !=, host_b);
  g_ptr_array_add (bricks, g_strdup (words[0]));
  g_ptr_array_add (bricks, g_strdup (words[1]));
}

/* Runs the departed hook of unit @n as Juju does (its bag readable in the
 * hook, gone after). */
static void
depart (Unit *unit, guint n)
{
  g_autofree char *name = g_strdup_printf ("glusterfs/%u", n);

  run_hook (unit, "server-relation-departed", name, name);
  cli_model_remove_bag (unit->f, REL, name);
}

/* The units in `gluster-peerctl departed-units --json`, joined by blanks. */
static char *
departed_units (CliFixture *f)
{
  g_autoptr(json_t) node = cli_json (f, "departed-units", NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  const char *name;
  json_t *entry;

  g_assert_true (json_is_object (node));
  json_object_foreach (node, name, entry)
    g_ptr_array_add (names, (char *) name);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (" ", (char **) names->pdata);
}

static gint
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static void
test_scenario (CliFixture *f, gconstpointer data)
{
  g_auto(GStrv) lines = NULL;
  g_autoptr(GPtrArray) bricks = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) grown = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *bag = NULL, *departed = NULL, *removal = NULL;
  Unit unit = { 0 };

  install_charm (f, &unit);
  /* The start of a unit's life, as Juju orders it. */
  run_hook (&unit, "install", NULL, NULL);
  run_hook (&unit, "server-relation-created", NULL, NULL);
  run_hook (&unit, "leader-elected", NULL, NULL);
  run_hook (&unit, "config-changed", NULL, NULL);
  run_hook (&unit, "start", NULL, NULL);
  bag = cli_model_get_bag (f, REL, "glusterfs/0");
  g_assert_nonnull (strstr (bag, "\"bricks\": \"[\\\"/srv/b0\\\",\\\"/srv/c0\\\"]\""));
  lines = recorded (&unit);
  g_assert_cmpuint (g_strv_length (lines), ==, 0);
  g_clear_pointer (&lines, g_strfreev);

  join (&unit, 1, TRUE);   /* two hosts: the volume */
  join (&unit, 2, TRUE);   /* a third host: a second replica set */
  join (&unit, 3, FALSE);  /* no storage yet: probed only */
  run_hook (&unit, "update-status", NULL, NULL);
  depart (&unit, 3);       /* no bricks: detached at once */
  departed = departed_units (f);
  g_assert_cmpstr (departed, ==, "");
  g_clear_pointer (&departed, g_free);
  run_hook (&unit, "update-status", NULL, NULL);

  join (&unit, 4, TRUE);   /* one brick more: no whole replica set */
  join (&unit, 5, TRUE);   /* now one: a third replica set, on 4 and 5 */
  depart (&unit, 4);       /* its set still has 5: left, Departed kept */
  g_assert_nonnull (strstr (unit.err, "glusterfs/4 left bricks in gv0"));
  departed = departed_units (f);
  g_assert_cmpstr (departed, ==, "glusterfs/4");
  g_clear_pointer (&departed, g_free);
  run_hook (&unit, "update-status", NULL, NULL);
  depart (&unit, 5);       /* the whole set gone: removed, both detached */
  departed = departed_units (f);
  g_assert_cmpstr (departed, ==, "");
  run_hook (&unit, "update-status", NULL, NULL);

  lines = recorded (&unit);
  g_assert_cmpuint (g_strv_length (lines), ==, 13);
  g_assert_cmpstr (lines[0], ==, "peer probe 10.0.0.11");
  assert_replica_set (lines[1], "volume create gv0 replica 2 ", bricks);
  g_assert_cmpstr (lines[2], ==, "volume start gv0");
  g_assert_cmpstr (lines[3], ==, "peer probe 10.0.0.12");
  assert_replica_set (lines[4], "volume add-brick gv0 replica 2 ", bricks);
  g_assert_cmpstr (lines[5], ==, "peer probe 10.0.0.13");
  g_assert_cmpstr (lines[6], ==, "peer detach 10.0.0.13");
  g_assert_cmpstr (lines[7], ==, "peer probe 10.0.0.14");
  g_assert_cmpstr (lines[8], ==, "peer probe 10.0.0.15");
  assert_replica_set (lines[9], "volume add-brick gv0 replica 2 ", grown);
  g_ptr_array_sort (grown, compare_strings);
  g_assert_cmpstr (grown->pdata[0], ==, "10.0.0.14:/srv/b4");
  g_assert_cmpstr (grown->pdata[1], ==, "10.0.0.15:/srv/b5");
  /* Exactly that set's bricks, at the departed units' last addresses. */
  removal = g_strdup_printf ("volume remove-brick gv0 replica 2 %s force",
                             lines[9] + strlen ("volume add-brick gv0 replica 2 "));
  g_assert_cmpstr (lines[10], ==, removal);
  g_assert_cmpstr (lines[11], ==, "peer detach 10.0.0.14");
  g_assert_cmpstr (lines[12], ==, "peer detach 10.0.0.15");
  /* Every brick of the relation is in the volume, once. */
  g_ptr_array_sort (bricks, compare_strings);
  g_assert_cmpuint (bricks->len, ==, 4);
  g_assert_cmpstr (bricks->pdata[0], ==, "10.0.0.10:/srv/b0");
  g_assert_cmpstr (bricks->pdata[1], ==, "10.0.0.10:/srv/c0");
  g_assert_cmpstr (bricks->pdata[2], ==, "10.0.0.11:/srv/b1");
  g_assert_cmpstr (bricks->pdata[3], ==, "10.0.0.12:/srv/b2");
  unit_clear (&unit);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/cli/example-charm/scenario", CliFixture, NULL, cli_fixture_setup,
              test_scenario, cli_fixture_teardown);
  return g_test_run ();
}
