/* test-model.c: the daemon's model in-process, without a bus: the order
 * in which a hook call publishes, retried hooks publishing nothing, a
 * peer's bag over a limit or over the state budget kept out (the call
 * succeeds), this unit's own data over the budget refused, and VolumeBricks
 * answers kept until the relation changes: each kind of change drops them,
 * nothing else does.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <gio/gio.h>
#include <string.h>

#include "gp-error.h"
#include "gp-model-private.h"
#include "gp-test-bus.h"

typedef struct {
  char *dir;
  GpStore *store;
  GpModel *model;
  GPtrArray *events; /* one line per observer call */
} Fixture;

static void
record (Fixture *f, char *line)
{
  g_ptr_array_add (f->events, line);
}

static void on_relation_added (gpointer d, GpModelRelation *r) { record (d, g_strdup_printf ("relation-added %s", gp_model_relation_get_name (r))); }
static void on_relation_removed (gpointer d, const char *name) { record (d, g_strdup_printf ("relation-removed %s", name)); }
static void on_relation_changed (gpointer d, GpModelRelation *r, GpRelationProps p) { record (d, g_strdup_printf ("relation-changed %s %#x", gp_model_relation_get_name (r), p)); }
static void on_unit_added (gpointer d, GpModelUnit *u) { record (d, g_strdup_printf ("unit-added %s", gp_model_unit_get_name (u))); }
static void on_unit_changed (gpointer d, GpModelUnit *u, GpUnitProps p) { record (d, g_strdup_printf ("unit-changed %s %#x", gp_model_unit_get_name (u), p)); }
static void on_unit_departed (gpointer d, GpModelUnit *u) { record (d, g_strdup_printf ("unit-departed %s", gp_model_unit_get_name (u))); }
static void on_unit_removed (gpointer d, GpModelUnit *u) { record (d, g_strdup_printf ("unit-removed %s", gp_model_unit_get_name (u))); }

static void
on_unit_bricks_changed (gpointer d, GpModelUnit *u, const char *const *added,
                        const char *const *removed)
{
  g_autofree char *a = g_strjoinv (",", (char **) added);
  g_autofree char *r = g_strjoinv (",", (char **) removed);

  record (d, g_strdup_printf ("bricks %s +%s -%s", gp_model_unit_get_name (u), a, r));
}

static const GpModelObserver observer = {
  on_relation_added, on_relation_removed, on_relation_changed, on_unit_added,
  on_unit_changed, on_unit_bricks_changed, on_unit_departed, on_unit_removed,
};

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  GpLimits limits;

  f->dir = gp_test_make_tmp_dir ("gp-test-model-XXXXXX");
  f->store = gp_store_open (f->dir, &error);
  g_assert_no_error (error);
  gp_limits_init_default (&limits);
  limits.max_keys = 4;
  f->model = gp_model_new (f->store, &limits, &error);
  g_assert_no_error (error);
  f->events = g_ptr_array_new_with_free_func (g_free);
  gp_model_set_observer (f->model, &observer, f);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  gp_model_free (f->model);
  g_object_unref (f->store);
  g_ptr_array_unref (f->events);
  gp_test_rm_rf (f->dir);
  g_free (f->dir);
}

static void
assert_events (Fixture *f, const char *const *expected)
{
  for (guint i = 0; i < f->events->len; i++)
    g_test_message ("event: %s", (char *) f->events->pdata[i]);
  g_ptr_array_add (f->events, NULL);
  g_assert_cmpstrv ((const char *const *) f->events->pdata, expected);
  g_ptr_array_set_size (f->events, 0);
}

static GpModelUnit *
changed (Fixture *f, const char *unit, const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) settings = g_variant_ref_sink (g_variant_new_parsed (text));
  GpModelUnit *result = gp_model_unit_changed (f->model, "server:1", unit, settings, &error);

  g_assert_no_error (error);
  return result;
}

static void
test_publish_order (Fixture *f, gconstpointer data)
{
  static const char *const first[] = {
    "relation-added server", "unit-added glusterfs/1",
    "relation-changed server 0x6", /* States, Units */
    "bricks glusterfs/1 +/a,/b -", NULL,
  };
  static const char *const second[] = {
    "unit-changed glusterfs/1 0xc",  /* Bricks, Settings */
    "relation-changed server 0x2",   /* States: bricks.removed */
    "bricks glusterfs/1 +/c -/a", NULL,
  };
  static const char *const depart[] = {
    "unit-departed glusterfs/1", "unit-removed glusterfs/1",
    "relation-changed server 0x46", /* States, Units, Departed */ NULL,
  };
  static const char *const nothing[] = { NULL };
  g_autoptr(GError) error = NULL;

  changed (f, "glusterfs/1", "{'private-address': '10.0.0.1', 'bricks': '[\"/a\", \"/b\"]'}");
  assert_events (f, first);
  changed (f, "glusterfs/1", "{'private-address': '10.0.0.1', 'bricks': '[\"/a\", \"/b\"]'}");
  assert_events (f, nothing);
  changed (f, "glusterfs/1", "{'private-address': '10.0.0.1', 'bricks': '[\"/b\", \"/c\"]'}");
  assert_events (f, second);
  g_assert_true (gp_model_unit_departed (f->model, "server", "glusterfs/1", &error));
  g_assert_no_error (error);
  assert_events (f, depart);
  g_assert_true (gp_model_unit_departed (f->model, "server", "glusterfs/1", &error));
  assert_events (f, nothing);
}

static void
test_peer_over_limit (Fixture *f, gconstpointer data)
{
  GpModelUnit *unit = changed (f, "glusterfs/1", "{'private-address': '10.0.0.1'}");
  const char *const *problems;

  /* five keys, the limit is four: kept out, the call succeeds */
  changed (f, "glusterfs/1", "{'a': '1', 'b': '2', 'c': '3', 'd': '4', 'e': '5'}");
  g_assert_cmpstr (gp_model_unit_get_address (unit), ==, "10.0.0.1");
  problems = gp_model_unit_get_problems (unit);
  g_assert_cmpuint (g_strv_length ((char **) problems), ==, 1);
  g_assert_nonnull (strstr (problems[0], "not taken"));
  /* a good bag again clears it */
  changed (f, "glusterfs/1", "{'private-address': '10.0.0.2'}");
  g_assert_cmpuint (g_strv_length ((char **) gp_model_unit_get_problems (unit)), ==, 0);
}

static void
test_state_budget (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *big = g_strnfill (64 * 1024, 'x');
  g_autoptr(GVariant) settings = g_variant_ref_sink (g_variant_new_parsed ("{'blob': %s}", big));
  GpModelRelation *relation;
  GpModelUnit *unit;

  unit = changed (f, "glusterfs/1", "{'private-address': '10.0.0.1'}");
  relation = gp_model_unit_get_relation (unit);
  gp_model_set_state_budget (f->model, gp_model_get_state_size (f->model) + 16 * 1024);

  /* a peer's bag: kept out, Problems says why, the call succeeds */
  g_assert_nonnull (gp_model_unit_changed (f->model, "server", "glusterfs/1", settings, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (gp_model_unit_get_address (unit), ==, "10.0.0.1");
  g_assert_nonnull (strstr (gp_model_unit_get_problems (unit)[0], "budget"));

  /* this unit's own data: the call fails, nothing changes */
  g_assert_false (gp_model_send_all (f->model, relation, settings, &error));
  g_assert_error (error, GP_ERROR, GP_ERROR_LIMIT_EXCEEDED);
  g_assert_cmpuint (g_variant_n_children (gp_model_relation_get_local_settings (relation)), ==, 0);
}

static void
test_volume_cache (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) first = NULL, again = NULL, after = NULL;
  GpModelRelation *relation;

  changed (f, "glusterfs/1", "{'private-address': '10.0.0.1', 'bricks': '[\"/a\"]'}");
  relation = gp_model_unit_get_relation (changed (f, "glusterfs/2", "{'private-address': "
                                                  "'10.0.0.2', 'bricks': '[\"/a\"]'}"));
  first = g_strdupv ((GStrv) gp_model_volume_bricks (relation, 2, "", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (relation->volume_cache), ==, 1);
  again = g_strdupv ((GStrv) gp_model_volume_bricks (relation, 2, "", &error));
  g_assert_cmpstrv (again, first);

  /* a change drops what was kept */
  changed (f, "glusterfs/2", "{'private-address': '10.0.0.3', 'bricks': '[\"/a\"]'}");
  after = g_strdupv ((GStrv) gp_model_volume_bricks (relation, 2, "", &error));
  g_assert_no_error (error);
  g_assert_cmpstr (after[1], ==, "10.0.0.3:/a");
  /* errors are not kept */
  g_assert_null (gp_model_volume_bricks (relation, 3, "", &error));
  g_assert_error (error, GP_ERROR, GP_ERROR_INSUFFICIENT_PEERS);
  g_assert_cmpuint (g_hash_table_size (relation->volume_cache), ==, 1);
  g_clear_error (&error);

  /* a unit gone drops the kept answers too */
  changed (f, "glusterfs/3", "{'private-address': '10.0.0.4', 'bricks': '[\"/b\"]'}");
  g_clear_pointer (&after, g_strfreev);
  after = g_strdupv ((GStrv) gp_model_volume_bricks (relation, 2, "", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (after), ==, 2);
  g_assert_true (gp_model_unit_departed (f->model, "server:1", "glusterfs/2", &error));
  g_assert_no_error (error);
  g_clear_pointer (&after, g_strfreev);
  after = g_strdupv ((GStrv) gp_model_volume_bricks (relation, 2, "", &error));
  g_assert_no_error (error);
  g_assert_cmpstr (after[0], ==, "10.0.0.1:/a");
  g_assert_cmpstr (after[1], ==, "10.0.0.4:/b");
}

static GpModelUnit *
changed_on (Fixture *f, const char *relation, const char *unit, const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) settings = g_variant_ref_sink (g_variant_new_parsed (text));
  GpModelUnit *result = gp_model_unit_changed (f->model, relation, unit, settings, &error);

  g_assert_no_error (error);
  return result;
}

static void
departed (Fixture *f, const char *relation, const char *unit)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (gp_model_unit_departed (f->model, relation, unit, &error));
  g_assert_no_error (error);
}

/* The model as a restarted daemon loads it from the same store. */
static void
reopen (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  GpLimits limits;

  gp_model_free (f->model);
  g_object_unref (f->store);
  f->store = gp_store_open (f->dir, &error);
  g_assert_no_error (error);
  gp_limits_init_default (&limits);
  limits.max_keys = 4;
  f->model = gp_model_new (f->store, &limits, &error);
  g_assert_no_error (error);
  gp_model_set_observer (f->model, &observer, f);
}

static void
assert_departed (GpModelRelation *relation, const char *expected)
{
  g_autoptr(GVariant) value = gp_model_relation_get_departed (relation);
  g_autofree char *text = g_variant_print (value, FALSE);

  g_assert_cmpstr (text, ==, expected);
}

#define IDS(...) ((const char *const[]) { __VA_ARGS__, NULL })
#define NO_IDS ((const char *const[]) { NULL })

/* juju/juju#19631: one endpoint, ids :8 and :9; glusterfs/1 a member of
 * both stays until it departed from both. */
static void
test_member_of_ids (Fixture *f, gconstpointer data)
{
  static const char *const bag = "{'private-address': '10.0.0.1', 'bricks': '[\"/a\"]'}";
  GpModelRelation *relation;
  GpModelUnit *unit;

  changed_on (f, "server:8", "glusterfs/1", bag);
  changed_on (f, "server:8", "glusterfs/2", "{'private-address': '10.0.0.2'}");
  unit = changed_on (f, "server:9", "glusterfs/1", bag);
  relation = gp_model_unit_get_relation (unit);
  g_assert_cmpstrv (gp_model_unit_get_member_of (unit), IDS ("server:8", "server:9"));
  g_assert_cmpstrv (gp_model_relation_get_ids (relation), IDS ("server:8", "server:9"));
  g_ptr_array_set_size (f->events, 0);

  /* departed on :9: still a member of :8, nothing leaves */
  departed (f, "server:9", "glusterfs/1");
  g_assert_true (gp_model_lookup_unit (f->model, "server", "glusterfs/1") == unit);
  g_assert_cmpstrv (gp_model_unit_get_member_of (unit), IDS ("server:8"));
  g_assert_cmpstrv (gp_model_relation_get_ids (relation), IDS ("server:8", "server:9"));
  assert_departed (relation, "{}");
  assert_events (f, NO_IDS);

  /* the memberships survive a restart */
  reopen (f);
  relation = gp_model_lookup_relation (f->model, "server");
  unit = gp_model_lookup_unit (f->model, "server", "glusterfs/1");
  g_assert_nonnull (unit);
  g_assert_cmpstrv (gp_model_unit_get_member_of (unit), IDS ("server:8"));
  g_assert_cmpstrv (gp_model_relation_get_ids (relation), IDS ("server:8", "server:9"));

  /* departed on :8 too: it leaves */
  departed (f, "server:8", "glusterfs/1");
  g_assert_null (gp_model_lookup_unit (f->model, "server", "glusterfs/1"));
  assert_events (f, IDS ("unit-departed glusterfs/1", "unit-removed glusterfs/1",
                         "relation-changed server 0x67")); /* Id, States, Units, Ids, Departed */
  g_assert_cmpstrv (gp_model_relation_get_ids (relation), IDS ("server:8"));
  assert_departed (relation, "{'glusterfs/1': ('10.0.0.1', ['/a'])}");

  /* no id: the relation's latest; a departure without one ends them all */
  unit = changed_on (f, "server", "glusterfs/3", "@a{ss} {}");
  g_assert_cmpstrv (gp_model_unit_get_member_of (unit), IDS ("server:8"));
  changed_on (f, "server:10", "glusterfs/3", "@a{ss} {}");
  g_assert_cmpstrv (gp_model_relation_get_ids (relation), IDS ("server:8", "server:10"));
  departed (f, "server", "glusterfs/3");
  g_assert_null (gp_model_lookup_unit (f->model, "server", "glusterfs/3"));
}

/* Memberships are bounded: a unit in too many relation ids is refused. */
static void
test_member_of_limit (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  GpModelUnit *unit = NULL;
  guint n;

  for (n = 1; n <= 64; n++)
    {
      g_autofree char *id = g_strdup_printf ("server:%u", n);

      unit = gp_model_unit_joined (f->model, id, "glusterfs/1", &error);
      if (unit == NULL)
        break;
    }
  g_assert_error (error, GP_ERROR, GP_ERROR_LIMIT_EXCEEDED);
  g_assert_cmpuint (n, >, 2);
  unit = gp_model_lookup_unit (f->model, "server", "glusterfs/1");
  g_assert_cmpuint (g_strv_length ((char **) gp_model_unit_get_member_of (unit)), ==, n - 1);
  /* an id it is a member of is still fine */
  g_clear_error (&error);
  g_assert_nonnull (gp_model_unit_joined (f->model, "server:1", "glusterfs/1", &error));
  g_assert_no_error (error);
}

/* Departed keeps what a departed unit last advertised until ClearState
 * departed, across restarts. */
static void
test_departed_units (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  GpModelRelation *relation;

  relation = gp_model_unit_get_relation (
    changed (f, "glusterfs/2", "{'ingress-address': '10.0.0.2', 'bricks': '[\"/a\", \"/b\"]'}"));
  changed (f, "glusterfs/10", "{'private-address': '10.0.0.10'}");
  departed (f, "server:1", "glusterfs/10");
  departed (f, "server:1", "glusterfs/2");
  assert_departed (relation, "{'glusterfs/2': ('10.0.0.2', ['/a', '/b']), "
                             "'glusterfs/10': ('10.0.0.10', [])}");

  reopen (f);
  relation = gp_model_lookup_relation (f->model, "server");
  assert_departed (relation, "{'glusterfs/2': ('10.0.0.2', ['/a', '/b']), "
                             "'glusterfs/10': ('10.0.0.10', [])}");

  /* clearing another state keeps them; clearing departed empties it */
  g_assert_true (gp_model_clear_state (f->model, relation, "bricks.available", &error));
  assert_departed (relation, "{'glusterfs/2': ('10.0.0.2', ['/a', '/b']), "
                             "'glusterfs/10': ('10.0.0.10', [])}");
  g_ptr_array_set_size (f->events, 0);
  g_assert_true (gp_model_clear_state (f->model, relation, "departed", &error));
  g_assert_no_error (error);
  assert_events (f, IDS ("relation-changed server 0x42")); /* States, Departed */
  assert_departed (relation, "{}");
  reopen (f);
  assert_departed (gp_model_lookup_relation (f->model, "server"), "{}");
}

/* Problems: two units on one address, then IPv4 mixed with IPv6. */
static void
test_relation_problems (Fixture *f, gconstpointer data)
{
  GpModelRelation *relation;
  const char *const *problems;

  relation = gp_model_unit_get_relation (changed (f, "glusterfs/1",
                                                  "{'private-address': '198.51.100.1'}"));
  changed (f, "glusterfs/2", "{'private-address': '198.51.100.2'}");
  g_assert_cmpstrv (gp_model_relation_get_problems (relation), NO_IDS);
  g_ptr_array_set_size (f->events, 0);

  changed (f, "glusterfs/2", "{'private-address': '198.51.100.1'}");
  problems = gp_model_relation_get_problems (relation);
  g_assert_cmpuint (g_strv_length ((char **) problems), ==, 1);
  g_assert_nonnull (strstr (problems[0], "198.51.100.1"));
  assert_events (f, IDS ("unit-changed glusterfs/2 0xb", /* Address, Addresses, Settings */
                         "relation-changed server 0x80"));

  changed (f, "glusterfs/2", "{'private-address': '[2001:db8::2]'}");
  problems = gp_model_relation_get_problems (relation);
  g_assert_cmpuint (g_strv_length ((char **) problems), ==, 1);
  g_assert_nonnull (strstr (problems[0], "2001:db8::2"));
  g_assert_nonnull (strstr (problems[0], "198.51.100.1"));

  departed (f, "server:1", "glusterfs/2");
  g_assert_cmpstrv (gp_model_relation_get_problems (relation), NO_IDS);
}

/* Asks two VolumeBricks argument sets, so that a dropped cache shows as
 * one kept answer after the next call instead of two. */
static const char *const *
ask_volume_bricks (GpModelRelation *relation)
{
  g_autoptr(GError) error = NULL;
  const char *const *answer = gp_model_volume_bricks (relation, 1, "", &error);

  g_assert_no_error (error);
  g_assert_nonnull (gp_model_volume_bricks (relation, 1, "private-address", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (relation->volume_cache), ==, 2);
  return answer;
}

/* After a change: the next call computes afresh (the old answers are gone)
 * and sees the change. */
static void
assert_recomputed (GpModelRelation *relation, guint64 generation, const char *expected)
{
  g_autoptr(GError) error = NULL;
  const char *const *answer;
  g_autofree char *text = NULL;

  g_assert_cmpuint (gp_model_relation_get_generation (relation), >, generation);
  answer = gp_model_volume_bricks (relation, 1, "", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (relation->volume_cache), ==, 1);
  text = g_strjoinv (" ", (char **) answer);
  g_assert_cmpstr (text, ==, expected);
}

static void
test_query_cache_invalidation (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) local = NULL;
  const char *const *answer;
  GpModelRelation *relation, *other;
  guint64 generation;

  changed (f, "glusterfs/1", "{'private-address': '10.0.0.1', 'bricks': '[\"/a\"]'}");
  relation = gp_model_unit_get_relation (changed (f, "glusterfs/2", "{'private-address': "
                                                  "'10.0.0.2', 'bricks': '[\"/b\"]'}"));
  other = gp_model_unit_get_relation (changed_on (f, "client:7", "fuse/1",
                                                  "{'private-address': '10.0.1.1'}"));

  /* reused: asked again, a retried hook that changes nothing, another
   * relation's change */
  answer = ask_volume_bricks (relation);
  generation = gp_model_relation_get_generation (relation);
  g_assert_true (gp_model_volume_bricks (relation, 1, "", &error) == answer);
  changed (f, "glusterfs/2", "{'private-address': '10.0.0.2', 'bricks': '[\"/b\"]'}");
  changed_on (f, "client:7", "fuse/1", "{'private-address': '10.0.1.2'}");
  g_assert_cmpuint (gp_model_relation_get_generation (relation), ==, generation);
  g_assert_true (gp_model_volume_bricks (relation, 1, "", &error) == answer);
  g_assert_cmpuint (g_hash_table_size (relation->volume_cache), ==, 2);
  g_assert_cmpuint (g_hash_table_size (other->volume_cache), ==, 0);

  /* unit changed; until asked again, the last answer is still there for a
   * call that placed it and answers a loop turn later */
  g_assert_true (gp_model_volume_bricks_is_kept (relation, 1, ""));
  changed (f, "glusterfs/2", "{'private-address': '10.0.0.3', 'bricks': '[\"/b\"]'}");
  g_assert_false (gp_model_volume_bricks_is_kept (relation, 1, ""));
  g_assert_true (gp_model_volume_bricks_last (relation, 1, "") == answer);
  assert_recomputed (relation, generation, "10.0.0.1:/a 10.0.0.3:/b");
  g_assert_true (gp_model_volume_bricks_is_kept (relation, 1, ""));

  /* unit joined, with its bricks, on an id of its own */
  ask_volume_bricks (relation);
  generation = gp_model_relation_get_generation (relation);
  changed_on (f, "server:2", "glusterfs/3", "{'private-address': '10.0.0.4', "
                                            "'bricks': '[\"/c\"]'}");
  assert_recomputed (relation, generation, "10.0.0.1:/a 10.0.0.3:/b 10.0.0.4:/c");

  /* unit joined, before any bag: no bricks, but a change all the same */
  ask_volume_bricks (relation);
  generation = gp_model_relation_get_generation (relation);
  g_assert_nonnull (gp_model_unit_joined (f->model, "server:1", "glusterfs/4", &error));
  g_assert_no_error (error);
  assert_recomputed (relation, generation, "10.0.0.1:/a 10.0.0.3:/b 10.0.0.4:/c");

  /* unit departed */
  ask_volume_bricks (relation);
  generation = gp_model_relation_get_generation (relation);
  departed (f, "server:1", "glusterfs/1");
  assert_recomputed (relation, generation, "10.0.0.3:/b 10.0.0.4:/c");

  /* local settings: this unit's own bricks join the answer */
  ask_volume_bricks (relation);
  generation = gp_model_relation_get_generation (relation);
  local = g_variant_ref_sink (g_variant_new_parsed ("{'private-address': '10.0.0.9', "
                                                    "'bricks': '[\"/z\"]'}"));
  g_assert_true (gp_model_set_local_unit (f->model, relation, "glusterfs/9", local, &error));
  g_assert_no_error (error);
  assert_recomputed (relation, generation, "10.0.0.3:/b 10.0.0.4:/c 10.0.0.9:/z");

  /* relation broken: the relation and what it kept are gone; the name
   * comes back empty */
  ask_volume_bricks (relation);
  g_assert_true (gp_model_relation_broken (f->model, "server:1", &error));
  g_assert_no_error (error);
  g_assert_null (gp_model_lookup_relation (f->model, "server"));
  relation = gp_model_unit_get_relation (changed (f, "glusterfs/5", "{'private-address': "
                                                  "'10.0.0.5', 'bricks': '[\"/e\"]'}"));
  assert_recomputed (relation, 0, "10.0.0.5:/e");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  (void) gp_error_quark ();
  g_test_add ("/model/publish-order", Fixture, NULL, fixture_set_up, test_publish_order,
              fixture_tear_down);
  g_test_add ("/model/peer-over-limit", Fixture, NULL, fixture_set_up, test_peer_over_limit,
              fixture_tear_down);
  g_test_add ("/model/state-budget", Fixture, NULL, fixture_set_up, test_state_budget,
              fixture_tear_down);
  g_test_add ("/model/volume-cache", Fixture, NULL, fixture_set_up, test_volume_cache,
              fixture_tear_down);
  g_test_add ("/model/member-of-ids", Fixture, NULL, fixture_set_up, test_member_of_ids,
              fixture_tear_down);
  g_test_add ("/model/member-of-limit", Fixture, NULL, fixture_set_up, test_member_of_limit,
              fixture_tear_down);
  g_test_add ("/model/departed-units", Fixture, NULL, fixture_set_up, test_departed_units,
              fixture_tear_down);
  g_test_add ("/model/relation-problems", Fixture, NULL, fixture_set_up,
              test_relation_problems, fixture_tear_down);
  g_test_add ("/model/query-cache-invalidation", Fixture, NULL, fixture_set_up,
              test_query_cache_invalidation, fixture_tear_down);
  return g_test_run ();
}
