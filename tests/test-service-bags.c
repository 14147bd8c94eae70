/* test-service-bags.c: a peer's data bag over a limit is the peer's
 * problem. The call succeeds, the unit keeps the data it had, its Problems
 * says which limit and why, the refusal survives a restart and the next bag
 * that fits clears it.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <string.h>

#include "test-service.h"

#define NOT_TAKEN "the latest data bag was not taken"

static const char *const limits[] = { "--max-bricks", "2", "--max-keys", "3",
                                      "--max-value-size", "64", NULL };

/* What a unit shows: Settings, Bricks and Problems, through fresh proxies. */
typedef struct {
  GVariant *settings;
  GStrv bricks;
  GStrv problems;
} Shown;

static void
shown_clear (Shown *shown)
{
  g_clear_pointer (&shown->settings, g_variant_unref);
  g_clear_pointer (&shown->bricks, g_strfreev);
  g_clear_pointer (&shown->problems, g_strfreev);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Shown, shown_clear)

static void
shown_read (Svc *svc, const char *path, Shown *shown)
{
  g_autoptr(GpDbusPeer) peer = svc_peer (svc, path);

  shown_clear (shown);
  shown->settings = g_variant_ref (gp_dbus_peer_get_settings (peer));
  shown->bricks = g_strdupv ((GStrv) gp_dbus_peer_get_bricks (peer));
  shown->problems = g_strdupv ((GStrv) gp_dbus_peer_get_problems (peer));
}

/* The last problem says the bag was not taken, and why. */
static void
assert_refusal (const Shown *shown, const char *why)
{
  guint n = g_strv_length (shown->problems);

  g_assert_cmpuint (n, >, 0);
  g_test_message ("problem: %s", shown->problems[n - 1]);
  g_assert_nonnull (strstr (shown->problems[n - 1], NOT_TAKEN));
  g_assert_nonnull (strstr (shown->problems[n - 1], why));
}

static void
assert_no_refusal (const Shown *shown)
{
  char **p;

  for (p = shown->problems; *p; p++)
    g_assert_null (strstr (*p, NOT_TAKEN));
}

/* UnitChanged with @settings succeeds; the unit's data is what @before
 * shows, and Problems names @why. */
static void
assert_kept (Svc *svc, const Shown *before, GVariant *settings, const char *why)
{
  g_auto(Shown) after = { 0 };

  g_free (svc_unit_changed (svc, "server", "glusterfs/1", settings));
  shown_read (svc, UNIT1_PATH, &after);
  g_assert_true (g_variant_equal (after.settings, before->settings));
  g_assert_cmpstrv (after.bricks, before->bricks);
  assert_refusal (&after, why);
}

static void
test_over_limits_kept (void)
{
  g_autoptr(Svc) svc = svc_new (limits);
  g_autofree char *big = g_strnfill (65, 'v');
  g_auto(Shown) good = { 0 };
  g_auto(Shown) shown = { 0 };
  const char *const good_bricks[] = { "/m/1", "/m/2", NULL };
  const char *address = NULL;

  g_free (svc_unit_changed (svc, "server", "glusterfs/1",
                            bag ("private-address", "198.51.100.1",
                                 "bricks", "[\"/m/1\",\"/m/2\"]", NULL)));
  shown_read (svc, UNIT1_PATH, &good);
  g_assert_cmpstrv (good.bricks, good_bricks);
  assert_no_refusal (&good);

  assert_kept (svc, &good, bag ("private-address", "198.51.100.1",
                                "bricks", "[\"/m/1\",\"/m/2\",\"/m/3\"]", NULL),
               "the limit is 2");
  assert_kept (svc, &good, bag ("private-address", "198.51.100.1", "a", "1", "b", "2",
                                "c", "3", NULL),
               "the limit is 3");
  assert_kept (svc, &good, bag ("private-address", "198.51.100.1", "custom", big, NULL),
               "the limit is 64");

  /* The next bag that fits is taken, and the problem goes. */
  g_free (svc_unit_changed (svc, "server", "glusterfs/1",
                            bag ("private-address", "198.51.100.9",
                                 "bricks", "[\"/m/2\"]", NULL)));
  shown_read (svc, UNIT1_PATH, &shown);
  g_assert_true (g_variant_lookup (shown.settings, "private-address", "&s", &address));
  g_assert_cmpstr (address, ==, "198.51.100.9");
  assert_no_refusal (&shown);
}

/* A unit whose first bag is over a limit exists, with no data. */
static void
test_new_unit_over_limit (void)
{
  g_autoptr(Svc) svc = svc_new (limits);
  g_autoptr(GpDbusRelation) relation = NULL;
  g_auto(Shown) shown = { 0 };

  g_free (svc_unit_changed (svc, "server", "glusterfs/1",
                            bag ("a", "1", "b", "2", "c", "3", "d", "4", NULL)));
  shown_read (svc, UNIT1_PATH, &shown);
  g_assert_cmpuint (g_variant_n_children (shown.settings), ==, 0);
  g_assert_cmpuint (g_strv_length (shown.bricks), ==, 0);
  assert_refusal (&shown, "4 keys");
  relation = svc_relation (svc, REL_PATH);
  g_assert_cmpuint (g_strv_length ((GStrv) gp_dbus_relation_get_units (relation)), ==, 1);
}

/* The refusal is state: it survives a restart, and a retried hook with the
 * same bag changes nothing and says nothing. */
static void
test_refusal_durable (void)
{
  g_autoptr(Svc) svc = svc_new (limits);
  g_autoptr(GVariant) over = g_variant_ref_sink (bag ("private-address", "198.51.100.1",
                                                      "bricks", "[\"/a\",\"/b\",\"/c\"]",
                                                      NULL));
  g_autoptr(GVariant) before = NULL;
  g_autoptr(GVariant) after = NULL;
  g_auto(Shown) shown = { 0 };

  g_free (svc_unit_changed (svc, "server", "glusterfs/1",
                            bag ("private-address", "198.51.100.1",
                                 "bricks", "[\"/a\"]", NULL)));
  g_free (svc_unit_changed (svc, "server", "glusterfs/1", over));

  before = svc_snapshot (svc);
  svc_restart (svc);
  after = svc_snapshot (svc);
  g_assert_true (g_variant_equal (before, after));
  shown_read (svc, UNIT1_PATH, &shown);
  assert_refusal (&shown, "more than 2 bricks");

  svc_begin (svc);
  g_free (svc_unit_changed (svc, "server", "glusterfs/1", over));
  svc_expect (svc, NULL);
}

void
register_bag_tests (void)
{
  g_test_add_func ("/service/bags/over-limits-kept", test_over_limits_kept);
  g_test_add_func ("/service/bags/new-unit-over-limit", test_new_unit_over_limit);
  g_test_add_func ("/service/bags/refusal-durable", test_refusal_durable);
}
