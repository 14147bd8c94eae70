/* test-model.c: the daemon's model in-process, without a bus: the order
 * in which a hook call publishes, retried hooks publishing nothing, a
 * peer's bag over a limit or over the state budget kept out (the call
 * succeeds), this unit's own data over the budget refused, and VolumeBricks
 * answers kept until the relation changes.
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
    "relation-changed server 0x6", NULL,
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
  first = gp_model_volume_bricks (relation, 2, "", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (relation->volume_cache), ==, 1);
  again = gp_model_volume_bricks (relation, 2, "", &error);
  g_assert_cmpstrv (again, first);

  /* a change drops what was kept */
  changed (f, "glusterfs/2", "{'private-address': '10.0.0.3', 'bricks': '[\"/a\"]'}");
  after = gp_model_volume_bricks (relation, 2, "", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (after[1], ==, "10.0.0.3:/a");
  /* errors are not kept */
  g_assert_null (gp_model_volume_bricks (relation, 3, "", &error));
  g_assert_error (error, GP_ERROR, GP_ERROR_INSUFFICIENT_PEERS);
  g_assert_cmpuint (g_hash_table_size (relation->volume_cache), ==, 1);
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
  return g_test_run ();
}
