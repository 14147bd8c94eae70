/* test-service-members.c: one endpoint holding several relation ids (a
 * unit leaves only when it departed from all of them), the Departed
 * property, and the relation's Problems, as a subscriber sees them.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "test-service.h"

#define UNIT1_LEFT "('198.51.100.1', ['/b1'])"

/* juju/juju#19631: server:8 and server:9 at once, glusterfs/1 a member of
 * both. Departed on :9 keeps it; departed on :8 too, it leaves. */
static void
test_relation_ids (void)
{
  g_autoptr(Svc) svc = svc_new (NULL);
  g_autoptr(GpDbusRelation) relation = NULL;
  g_autoptr(GpDbusPeer) peer = NULL;

  g_free (svc_unit_changed (svc, "server:8", "glusterfs/1",
                            bag ("private-address", "198.51.100.1", "bricks", "[\"/b1\"]", NULL)));
  g_free (svc_unit_changed (svc, "server:8", "glusterfs/2",
                            bag ("private-address", "198.51.100.2", "bricks", "[\"/b2\"]", NULL)));

  svc_begin (svc);
  g_free (svc_unit_joined (svc, "server:9", "glusterfs/1"));
  svc_expect (svc, SIG_PC (REL_PATH, RELATION_IFACE, "Id,Ids"), NULL);
  relation = svc_relation (svc, REL_PATH);
  g_assert_cmpstrv (gp_dbus_relation_get_ids (relation),
                    ((const char *const[]) { "server:8", "server:9", NULL }));

  /* a retried hook changes nothing */
  svc_begin (svc);
  g_free (svc_unit_changed (svc, "server:9", "glusterfs/1",
                            bag ("private-address", "198.51.100.1", "bricks", "[\"/b1\"]", NULL)));
  svc_expect (svc, NULL);

  svc_begin (svc);
  svc_unit_departed (svc, "server:9", "glusterfs/1");
  svc_expect (svc, NULL);
  peer = svc_peer (svc, UNIT1_PATH);
  g_assert_cmpstr (gp_dbus_peer_get_address (peer), ==, "198.51.100.1");

  svc_begin (svc);
  svc_unit_departed (svc, "server:8", "glusterfs/1");
  svc_expect (svc, SIG_DEPARTED (UNIT1_PATH, UNIT1_LEFT), SIG_REMOVED (UNIT1_PATH, PEER_IFACE),
              SIG_PC (REL_PATH, RELATION_IFACE, "Departed,Id,Ids,States,Units"), NULL);
  g_clear_object (&relation);
  relation = svc_relation (svc, REL_PATH);
  g_assert_cmpstrv (gp_dbus_relation_get_ids (relation),
                    ((const char *const[]) { "server:8", NULL }));
  assert_variant (gp_dbus_relation_get_departed (relation), "{'glusterfs/1': " UNIT1_LEFT "}");
}

/* Departed: kept across a restart, emptied with the departed state. */
static void
test_departed_property (void)
{
  g_autoptr(Svc) svc = svc_new (NULL);
  g_autoptr(GpDbusRelation) relation = NULL;
  g_autoptr(GError) error = NULL;

  svc_populate (svc);
  svc_unit_departed (svc, "server:3", "glusterfs/10");
  svc_unit_departed (svc, "server:3", "glusterfs/2");
  svc_restart (svc);
  relation = svc_relation (svc, REL_PATH);
  assert_variant (gp_dbus_relation_get_departed (relation),
                  "{'glusterfs/2': ('10.0.0.2', ['/mnt/c', '/mnt/d']), "
                  "'glusterfs/10': ('10.0.0.3', ['/mnt/e'])}");

  svc_begin (svc);
  gp_dbus_relation_call_clear_state_sync (relation, "departed", NULL, &error);
  g_assert_no_error (error);
  svc_expect (svc, SIG_PC (REL_PATH, RELATION_IFACE, "Departed,States"), NULL);
  g_clear_object (&relation);
  relation = svc_relation (svc, REL_PATH);
  assert_variant (gp_dbus_relation_get_departed (relation), "@a{s(sas)} {}");
}

/* Problems follows the hosts' addresses, the local unit's included. */
static void
test_relation_problems (void)
{
  g_autoptr(Svc) svc = svc_new (NULL);
  g_autoptr(GpDbusRelation) relation = NULL;
  g_autoptr(GError) error = NULL;
  const char *const *problems;

  g_free (svc_unit_changed (svc, "server:3", "glusterfs/1",
                            bag ("private-address", "198.51.100.1", NULL)));
  relation = svc_relation (svc, REL_PATH);
  g_assert_cmpuint (g_strv_length ((char **) gp_dbus_relation_get_problems (relation)), ==, 0);

  svc_begin (svc);
  gp_dbus_relation_call_set_local_unit_sync (relation, "glusterfs/0",
                                             bag ("private-address", "198.51.100.1", NULL),
                                             NULL, &error);
  g_assert_no_error (error);
  svc_expect (svc, SIG_PC (REL_PATH, RELATION_IFACE, "LocalSettings,LocalUnit,Problems"), NULL);
  g_clear_object (&relation);
  relation = svc_relation (svc, REL_PATH);
  problems = gp_dbus_relation_get_problems (relation);
  g_assert_cmpuint (g_strv_length ((char **) problems), ==, 1);
  g_assert_nonnull (strstr (problems[0], "glusterfs/0"));
  g_assert_nonnull (strstr (problems[0], "glusterfs/1"));

  svc_begin (svc);
  g_free (svc_unit_changed (svc, "server:3", "glusterfs/1",
                            bag ("private-address", "2001:db8::1", NULL)));
  svc_expect (svc, SIG_PC (UNIT1_PATH, PEER_IFACE, "Address,Addresses,Settings"),
              SIG_PC (REL_PATH, RELATION_IFACE, "Problems"), NULL);
  g_clear_object (&relation);
  relation = svc_relation (svc, REL_PATH);
  problems = gp_dbus_relation_get_problems (relation);
  g_assert_cmpuint (g_strv_length ((char **) problems), ==, 1);
  g_assert_nonnull (strstr (problems[0], "IPv6"));

  svc_begin (svc);
  svc_unit_departed (svc, "server:3", "glusterfs/1");
  svc_expect (svc, SIG_DEPARTED (UNIT1_PATH, "('2001:db8::1', [])"),
              SIG_REMOVED (UNIT1_PATH, PEER_IFACE),
              SIG_PC (REL_PATH, RELATION_IFACE, "Departed,Problems,States,Units"), NULL);
}

void
register_member_tests (void)
{
  g_test_add_func ("/service/members/relation-ids", test_relation_ids);
  g_test_add_func ("/service/members/departed-property", test_departed_property);
  g_test_add_func ("/service/members/relation-problems", test_relation_problems);
}
