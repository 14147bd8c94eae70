/* test-service.c: gluster-peerd driven through the generated proxies on a
 * private bus: a peer relation with a local unit and several remote units,
 * every Manager and Relation method, the properties and the exact signals.
 * The signal-order and error tests are in test-service-signals.c and
 * test-service-errors.c; the fixture in test-service-common.c.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * svc_populate() builds this relation "server" (id "server:3"):
 *
 *   unit          addresses                               bricks value
 *   glusterfs/0   private 10.0.0.100 (local unit)         ["/srv/0a","/srv/0b"]
 *   glusterfs/1   private 10.0.0.1, ingress 192.168.0.1,  ["/mnt/a","/mnt/b"]
 *                 public pub1.example.com
 *   glusterfs/2   private 10.0.0.2                        ['/mnt/c', u'/mnt/d', '/mnt/c']
 *   glusterfs/10  private 10.0.0.3                        ["/mnt/e"]
 */
#include "config.h"

#include "test-service.h"

/* --- Manager -------------------------------------------------------------- */

static void
test_manager_relations (void)
{
  g_autoptr(Svc) svc = svc_new (NULL);
  g_autoptr(GpDbusManager) manager = svc_manager (svc);
  g_autoptr(GpDbusRelation) relation = NULL;
  g_autoptr(GpDbusRelation) dashed = NULL;
  g_autoptr(GpDbusManager) after = NULL;
  g_auto(GStrv) paths = NULL;
  g_autofree char *path = NULL;
  g_autofree char *dashed_path = NULL;
  g_autofree char *unit_path = NULL;
  const char *const none[] = { NULL };
  const char *const one[] = { REL_PATH, NULL };
  const char *const two[] = { ROOT_PATH "/gluster_2dpeer", REL_PATH, NULL };
  const char *const three[] = { ROOT_PATH "/backup", ROOT_PATH "/gluster_2dpeer", REL_PATH, NULL };

  g_assert_cmpstr (gp_dbus_manager_get_version (manager), ==, PACKAGE_VERSION);
  g_assert_cmpstrv (gp_dbus_manager_get_relations (manager), none);
  paths = svc_object_paths (svc);
  g_assert_cmpstrv (paths, none);

  /* The first hook call naming a relation creates it. */
  svc_begin (svc);
  path = svc_relation_created (svc, "server");
  g_assert_cmpstr (path, ==, REL_PATH);
  svc_expect (svc, SIG_ADDED (REL_PATH, RELATION_IFACE),
              SIG_PC (ROOT_PATH, MANAGER_IFACE, "Relations"), NULL);
  relation = svc_relation (svc, REL_PATH);
  g_assert_cmpstr (gp_dbus_relation_get_name (relation), ==, "server");
  g_assert_cmpstr (gp_dbus_relation_get_id (relation), ==, "");
  g_assert_cmpstrv (gp_dbus_relation_get_states (relation), none);
  g_assert_cmpstrv (gp_dbus_relation_get_units (relation), none);
  g_assert_cmpstr (gp_dbus_relation_get_local_unit (relation), ==, "");
  g_assert_cmpuint (g_variant_n_children (gp_dbus_relation_get_local_settings (relation)), ==, 0);
  g_clear_object (&manager);
  manager = svc_manager (svc);
  g_assert_cmpstrv (gp_dbus_manager_get_relations (manager), one);

  /* A relation id keys the same object and fills Id. */
  svc_begin (svc);
  g_free (path);
  path = svc_relation_created (svc, "server:3");
  g_assert_cmpstr (path, ==, REL_PATH);
  svc_expect (svc, SIG_PC (REL_PATH, RELATION_IFACE, "Id,Ids"), NULL);
  g_clear_object (&relation);
  relation = svc_relation (svc, REL_PATH);
  g_assert_cmpstr (gp_dbus_relation_get_id (relation), ==, "server:3");
  g_assert_cmpstr (gp_dbus_relation_get_name (relation), ==, "server");

  /* The endpoint name alone leaves the known id alone. */
  svc_begin (svc);
  g_free (path);
  path = svc_relation_created (svc, "server");
  g_assert_cmpstr (path, ==, REL_PATH);
  svc_expect (svc, NULL);
  g_clear_object (&relation);
  relation = svc_relation (svc, REL_PATH);
  g_assert_cmpstr (gp_dbus_relation_get_id (relation), ==, "server:3");

  /* Escaped path; Relations stays sorted. */
  svc_begin (svc);
  dashed_path = svc_relation_created (svc, "gluster-peer:7");
  g_assert_cmpstr (dashed_path, ==, ROOT_PATH "/gluster_2dpeer");
  svc_expect (svc, SIG_ADDED (ROOT_PATH "/gluster_2dpeer", RELATION_IFACE),
              SIG_PC (ROOT_PATH, MANAGER_IFACE, "Relations"), NULL);
  dashed = svc_relation (svc, dashed_path);
  g_assert_cmpstr (gp_dbus_relation_get_name (dashed), ==, "gluster-peer");
  g_assert_cmpstr (gp_dbus_relation_get_id (dashed), ==, "gluster-peer:7");
  g_clear_object (&manager);
  manager = svc_manager (svc);
  g_assert_cmpstrv (gp_dbus_manager_get_relations (manager), two);

  /* A join is a first hook call too: relation and unit appear. */
  svc_begin (svc);
  unit_path = svc_unit_joined (svc, "backup:5", "glusterfs/4");
  g_assert_cmpstr (unit_path, ==, ROOT_PATH "/backup/glusterfs_2f4");
  svc_expect (svc, SIG_ADDED (ROOT_PATH "/backup", RELATION_IFACE),
              SIG_PC (ROOT_PATH, MANAGER_IFACE, "Relations"),
              SIG_ADDED (ROOT_PATH "/backup/glusterfs_2f4", PEER_IFACE),
              SIG_PC (ROOT_PATH "/backup", RELATION_IFACE, "States,Units"), NULL);
  after = svc_manager (svc);
  g_assert_cmpstrv (gp_dbus_manager_get_relations (after), three);
  g_strfreev (paths);
  paths = svc_object_paths (svc);
  g_assert_cmpstrv (paths, ((const char *const[]) { ROOT_PATH "/backup",
                                                    ROOT_PATH "/backup/glusterfs_2f4",
                                                    ROOT_PATH "/gluster_2dpeer",
                                                    REL_PATH, NULL }));
}

/* --- a whole relation --------------------------------------------------------- */

static void
assert_fresh_unit (Svc *svc, const char *path, const char *name, const char *host)
{
  g_autoptr(GpDbusPeer) peer = svc_peer (svc, path);
  const char *const none[] = { NULL };

  g_assert_cmpstr (gp_dbus_peer_get_name (peer), ==, name);
  g_assert_cmpstr (gp_dbus_peer_get_host_name (peer), ==, host);
  g_assert_cmpstr (gp_dbus_peer_get_address (peer), ==, "");
  assert_dict (gp_dbus_peer_get_addresses (peer), "@a{ss} {}");
  g_assert_cmpstrv (gp_dbus_peer_get_bricks (peer), none);
  assert_dict (gp_dbus_peer_get_settings (peer), "@a{ss} {}");
  g_assert_false (gp_dbus_peer_get_available (peer));
  g_assert_cmpstrv (gp_dbus_peer_get_problems (peer), none);
}

static void
test_relation_full (void)
{
  g_autoptr(Svc) svc = svc_new (NULL);
  g_autoptr(GpDbusRelation) relation = NULL;
  g_autoptr(GpDbusPeer) peer = NULL;
  g_autoptr(GDBusObjectManager) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) value = NULL;
  g_autofree char *path = NULL;
  GList *objects;
  const char *const none[] = { NULL };

  svc_begin (svc);
  path = svc_relation_created (svc, "server:3");
  svc_expect (svc, SIG_ADDED (REL_PATH, RELATION_IFACE),
              SIG_PC (ROOT_PATH, MANAGER_IFACE, "Relations"), NULL);

  /* The local unit. */
  relation = svc_relation (svc, REL_PATH);
  svc_begin (svc);
  gp_dbus_relation_call_set_local_unit_sync (relation, "glusterfs/0",
                                             bag ("private-address", "10.0.0.100",
                                                  "bricks", "[\"/srv/0a\",\"/srv/0b\"]", NULL),
                                             NULL, &error);
  g_assert_no_error (error);
  svc_expect (svc, SIG_PC (REL_PATH, RELATION_IFACE, "LocalSettings,LocalUnit"), NULL);
  g_clear_object (&relation);
  relation = svc_relation (svc, REL_PATH);
  g_assert_cmpstr (gp_dbus_relation_get_local_unit (relation), ==, "glusterfs/0");
  assert_dict (gp_dbus_relation_get_local_settings (relation),
               "{'private-address': '10.0.0.100', 'bricks': '[\"/srv/0a\",\"/srv/0b\"]'}");

  /* Joins, out of order. */
  svc_begin (svc);
  g_free (path);
  path = svc_unit_joined (svc, "server:3", "glusterfs/10");
  g_assert_cmpstr (path, ==, UNIT10_PATH);
  svc_expect (svc, SIG_ADDED (UNIT10_PATH, PEER_IFACE),
              SIG_PC (REL_PATH, RELATION_IFACE, "States,Units"), NULL);
  value = svc_last_changed (svc, 1, "States");
  assert_strv_variant (value, (const char *const[]) { "connected", NULL });
  assert_fresh_unit (svc, UNIT10_PATH, "glusterfs/10", "glusterfs-10");

  svc_begin (svc);
  g_free (path);
  path = svc_unit_joined (svc, "server:3", "glusterfs/2");
  g_assert_cmpstr (path, ==, UNIT2_PATH);
  svc_expect (svc, SIG_ADDED (UNIT2_PATH, PEER_IFACE),
              SIG_PC (REL_PATH, RELATION_IFACE, "Units"), NULL);

  svc_begin (svc);
  g_free (path);
  path = svc_unit_joined (svc, "server:3", "glusterfs/1");
  g_assert_cmpstr (path, ==, UNIT1_PATH);
  svc_expect (svc, SIG_ADDED (UNIT1_PATH, PEER_IFACE),
              SIG_PC (REL_PATH, RELATION_IFACE, "Units"), NULL);
  g_clear_pointer (&value, g_variant_unref);
  value = svc_last_changed (svc, 1, "Units");
  assert_strv_variant (value, (const char *const[]) { UNIT1_PATH, UNIT2_PATH, UNIT10_PATH, NULL });
  assert_fresh_unit (svc, UNIT1_PATH, "glusterfs/1", "glusterfs-1");

  /* Data: the first complete unit makes the relation available. */
  svc_begin (svc);
  g_free (path);
  path = svc_unit_changed (svc, "server:3", "glusterfs/1",
                           bag ("private-address", "10.0.0.1", "ingress-address", "192.168.0.1",
                                "public-address", "pub1.example.com",
                                "bricks", "[\"/mnt/a\",\"/mnt/b\"]", NULL));
  g_assert_cmpstr (path, ==, UNIT1_PATH);
  svc_expect (svc, SIG_PC (UNIT1_PATH, PEER_IFACE, UNIT_DATA_PROPS),
              SIG_PC (REL_PATH, RELATION_IFACE, "States"),
              SIG_BRICKS_ADDED (UNIT1_PATH, "['/mnt/a', '/mnt/b']"), NULL);
  peer = svc_peer (svc, UNIT1_PATH);
  g_assert_cmpstr (gp_dbus_peer_get_name (peer), ==, "glusterfs/1");
  g_assert_cmpstr (gp_dbus_peer_get_host_name (peer), ==, "glusterfs-1");
  g_assert_cmpstr (gp_dbus_peer_get_address (peer), ==, "192.168.0.1");
  assert_dict (gp_dbus_peer_get_addresses (peer),
               "{'private': '10.0.0.1', 'ingress': '192.168.0.1', 'public': 'pub1.example.com'}");
  g_assert_cmpstrv (gp_dbus_peer_get_bricks (peer), ((const char *const[]) { "/mnt/a", "/mnt/b", NULL }));
  assert_dict (gp_dbus_peer_get_settings (peer),
               "{'private-address': '10.0.0.1', 'ingress-address': '192.168.0.1', "
               "'public-address': 'pub1.example.com', 'bricks': '[\"/mnt/a\",\"/mnt/b\"]'}");
  g_assert_true (gp_dbus_peer_get_available (peer));
  g_assert_cmpstrv (gp_dbus_peer_get_problems (peer), none);

  /* Python-style list with a duplicate: the state is already set. */
  svc_begin (svc);
  g_free (path);
  path = svc_unit_changed (svc, "server:3", "glusterfs/2",
                           bag ("private-address", "10.0.0.2",
                                "bricks", "['/mnt/c', u'/mnt/d', '/mnt/c']", NULL));
  g_assert_cmpstr (path, ==, UNIT2_PATH);
  svc_expect (svc, SIG_PC (UNIT2_PATH, PEER_IFACE, UNIT_DATA_PROPS),
              SIG_BRICKS_ADDED (UNIT2_PATH, "['/mnt/c', '/mnt/d']"), NULL);
  g_clear_object (&peer);
  peer = svc_peer (svc, UNIT2_PATH);
  g_assert_cmpstr (gp_dbus_peer_get_address (peer), ==, "10.0.0.2");
  assert_dict (gp_dbus_peer_get_addresses (peer), "{'private': '10.0.0.2'}");
  g_assert_cmpstrv (gp_dbus_peer_get_bricks (peer), ((const char *const[]) { "/mnt/c", "/mnt/d", NULL }));
  assert_dict (gp_dbus_peer_get_settings (peer),
               "{'private-address': '10.0.0.2', 'bricks': \"['/mnt/c', u'/mnt/d', '/mnt/c']\"}");
  g_assert_true (gp_dbus_peer_get_available (peer));

  svc_begin (svc);
  g_free (path);
  path = svc_unit_changed (svc, "server:3", "glusterfs/10",
                           bag ("private-address", "10.0.0.3", "bricks", "[\"/mnt/e\"]", NULL));
  g_assert_cmpstr (path, ==, UNIT10_PATH);
  svc_expect (svc, SIG_PC (UNIT10_PATH, PEER_IFACE, UNIT_DATA_PROPS),
              SIG_BRICKS_ADDED (UNIT10_PATH, "['/mnt/e']"), NULL);

  g_clear_object (&relation);
  relation = svc_relation (svc, REL_PATH);
  g_assert_cmpstr (gp_dbus_relation_get_name (relation), ==, "server");
  g_assert_cmpstr (gp_dbus_relation_get_id (relation), ==, "server:3");
  g_assert_cmpstrv (gp_dbus_relation_get_states (relation),
                    ((const char *const[]) { "available", "bricks.available", "connected", NULL }));
  g_assert_cmpstrv (gp_dbus_relation_get_units (relation),
                    ((const char *const[]) { UNIT1_PATH, UNIT2_PATH, UNIT10_PATH, NULL }));
  g_assert_cmpstr (gp_dbus_relation_get_local_unit (relation), ==, "glusterfs/0");

  /* The ObjectManager client sees the same objects, typed. */
  client = gp_dbus_object_manager_client_new_sync (svc->conn,
                                                   G_DBUS_OBJECT_MANAGER_CLIENT_FLAGS_DO_NOT_AUTO_START,
                                                   GP_TEST_BUS_NAME, ROOT_PATH, NULL, &error);
  g_assert_no_error (error);
  objects = g_dbus_object_manager_get_objects (client);
  g_assert_cmpuint (g_list_length (objects), ==, 4);
  for (GList *l = objects; l; l = l->next)
    {
      GpDbusObject *object = GP_DBUS_OBJECT (l->data);
      const char *object_path = g_dbus_object_get_object_path (G_DBUS_OBJECT (object));
      GpDbusPeer *unit = gp_dbus_object_peek_peer (object);

      if (g_str_equal (object_path, REL_PATH))
        {
          g_assert_null (unit);
          g_assert_cmpstr (gp_dbus_relation_get_id (gp_dbus_object_peek_relation (object)), ==,
                           "server:3");
          continue;
        }
      g_assert_null (gp_dbus_object_peek_relation (object));
      g_assert_nonnull (unit);
      g_assert_true (g_str_equal (object_path, UNIT1_PATH) || g_str_equal (object_path, UNIT2_PATH) ||
                     g_str_equal (object_path, UNIT10_PATH));
      g_assert_true (gp_dbus_peer_get_available (unit));
    }
  g_list_free_full (objects, g_object_unref);
}

static void
test_units_order (void)
{
  g_autoptr(Svc) svc = svc_new (NULL);
  g_autoptr(GpDbusRelation) relation = NULL;
  g_autoptr(GpDbusPeer) peer = NULL;
  g_autoptr(GVariant) map = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) values = NULL;
  const char *const joins[] = { "glusterfs/10", "gluster-fs/12", "glusterfs/2", "glusterfs/1",
                                "glusterfs/9", NULL };
  const char *const sorted[] = { REL_PATH "/gluster_2dfs_2f12", UNIT1_PATH, UNIT2_PATH,
                                 REL_PATH "/glusterfs_2f9", UNIT10_PATH, NULL };

  for (guint i = 0; joins[i]; i++)
    {
      g_autofree char *path = svc_unit_changed (svc, "server", joins[i],
                                                bag ("private-address", strchr (joins[i], '/') + 1,
                                                     NULL));
      g_autofree char *escaped = g_dbus_escape_object_path (joins[i]);
      g_autofree char *want = g_strconcat (REL_PATH "/", escaped, NULL);

      g_assert_cmpstr (path, ==, want);
    }
  relation = svc_relation (svc, REL_PATH);
  g_assert_cmpstrv (gp_dbus_relation_get_units (relation), sorted);
  peer = svc_peer (svc, REL_PATH "/gluster_2dfs_2f12");
  g_assert_cmpstr (gp_dbus_peer_get_name (peer), ==, "gluster-fs/12");
  g_assert_cmpstr (gp_dbus_peer_get_host_name (peer), ==, "gluster-fs-12");

  /* The queries list units in the same order. */
  gp_dbus_relation_call_ip_map_sync (relation, "", &map, NULL, &error);
  g_assert_no_error (error);
  assert_variant (map, "[('gluster-fs-12', '12'), ('glusterfs-1', '1'), ('glusterfs-2', '2'), "
                       "('glusterfs-9', '9'), ('glusterfs-10', '10')]");
  gp_dbus_relation_call_retrieve_remote_sync (relation, "private-address", &values, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstrv (values, ((const char *const[]) { "12", "1", "2", "9", "10", NULL }));

  svc_begin (svc);
  svc_unit_departed (svc, "server", "glusterfs/2");
  svc_expect (svc, SIG_DEPARTED (UNIT2_PATH, "('2', [])"), SIG_REMOVED (UNIT2_PATH, PEER_IFACE),
              SIG_PC (REL_PATH, RELATION_IFACE, "Departed,States,Units"), NULL);
  g_clear_object (&relation);
  relation = svc_relation (svc, REL_PATH);
  g_assert_cmpstrv (gp_dbus_relation_get_units (relation),
                    ((const char *const[]) { REL_PATH "/gluster_2dfs_2f12", UNIT1_PATH,
                                             REL_PATH "/glusterfs_2f9", UNIT10_PATH, NULL }));

  /* The order does not depend on what order the state file gives back. */
  svc_restart (svc);
  g_clear_object (&relation);
  relation = svc_relation (svc, REL_PATH);
  g_assert_cmpstrv (gp_dbus_relation_get_units (relation),
                    ((const char *const[]) { REL_PATH "/gluster_2dfs_2f12", UNIT1_PATH,
                                             REL_PATH "/glusterfs_2f9", UNIT10_PATH, NULL }));

  /* An empty value: "" in IpMap, skipped by RetrieveRemote. */
  g_free (svc_unit_changed (svc, "server", "glusterfs/9", bag ("private-address", "", NULL)));
  g_clear_pointer (&map, g_variant_unref);
  gp_dbus_relation_call_ip_map_sync (relation, "", &map, NULL, &error);
  g_assert_no_error (error);
  assert_variant (map, "[('gluster-fs-12', '12'), ('glusterfs-1', '1'), ('glusterfs-9', ''), "
                       "('glusterfs-10', '10')]");
  g_strfreev (values);
  gp_dbus_relation_call_retrieve_remote_sync (relation, "private-address", &values, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstrv (values, ((const char *const[]) { "12", "1", "10", NULL }));
}

/* --- a unit's data --------------------------------------------------------------- */

static void
assert_address (Svc *svc, GVariant *settings, const char *address, const char *addresses)
{
  g_autoptr(GpDbusPeer) peer = NULL;
  g_autofree char *path = svc_unit_changed (svc, "server", "glusterfs/1", settings);

  g_assert_cmpstr (path, ==, UNIT1_PATH);
  peer = svc_peer (svc, UNIT1_PATH);
  g_assert_cmpstr (gp_dbus_peer_get_address (peer), ==, address);
  assert_dict (gp_dbus_peer_get_addresses (peer), addresses);
  g_assert_cmpstrv (gp_dbus_peer_get_problems (peer), ((const char *const[]) { NULL }));
}

static void
test_unit_address (void)
{
  g_autoptr(Svc) svc = svc_new (NULL);

  assert_address (svc, bag ("private-address", "10.0.0.1", NULL), "10.0.0.1",
                  "{'private': '10.0.0.1'}");
  assert_address (svc, bag ("private-address", "10.0.0.1", "ingress-address", "192.168.0.1", NULL),
                  "192.168.0.1", "{'private': '10.0.0.1', 'ingress': '192.168.0.1'}");
  assert_address (svc, bag ("ingress-address", "fd00::1", "egress-subnets", "10.0.0.0/24", NULL),
                  "fd00::1", "{'ingress': 'fd00::1'}");
  assert_address (svc, bag ("public-address", "pub.example.com", "cluster-address", "10.1.0.1",
                            NULL),
                  "", "{'public': 'pub.example.com', 'cluster': '10.1.0.1'}");
  assert_address (svc, bag ("egress-subnets", "10.0.0.0/24", NULL), "", "@a{ss} {}");
  /* Brackets around IPv6 are dropped: gluster takes the bare form only. */
  assert_address (svc, bag ("private-address", "[2001:db8::12]", NULL), "2001:db8::12",
                  "{'private': '2001:db8::12'}");
}

static void
assert_bricks (Svc *svc, const char *path, const char *const *bricks, gboolean available,
               gboolean problems)
{
  g_autoptr(GpDbusPeer) peer = svc_peer (svc, path);

  g_assert_cmpstrv (gp_dbus_peer_get_bricks (peer), bricks);
  g_assert_cmpint (gp_dbus_peer_get_available (peer), ==, available);
  if (problems)
    {
      const char *const *list = gp_dbus_peer_get_problems (peer);

      g_assert_nonnull (list);
      g_assert_nonnull (list[0]);
      g_test_message ("problem: %s", list[0]);
      g_assert_cmpuint (strlen (list[0]), >, 0);
    }
  else
    g_assert_cmpstrv (gp_dbus_peer_get_problems (peer), ((const char *const[]) { NULL }));
}

static void
test_unit_bricks (void)
{
  g_autoptr(Svc) svc = svc_new (NULL);
  g_autoptr(GpDbusPeer) peer = NULL;
  g_autoptr(GVariant) value = NULL;
  const char *const none[] = { NULL };
  const char *const xz[] = { "/mnt/x", "/mnt/z", NULL };
  const char *const malformed[] = {
    "/mnt/x", "[\"relative\"]", "[\"/mnt/../etc\"]", "{\"a\": \"/mnt/x\"}", "[1, 2]",
    "['/mnt/x'", "[\"/mnt/x\", ]x", NULL,
  };

  g_free (svc_relation_created (svc, "server"));
  svc_begin (svc);
  g_free (svc_unit_changed (svc, "server", "glusterfs/1",
                            bag ("private-address", "10.0.0.1",
                                 "bricks", "[\"/mnt/x\", \"/mnt/y\", \"/mnt/x\"]", NULL)));
  svc_expect (svc, SIG_ADDED (UNIT1_PATH, PEER_IFACE),
              SIG_PC (REL_PATH, RELATION_IFACE, "States,Units"),
              SIG_BRICKS_ADDED (UNIT1_PATH, "['/mnt/x', '/mnt/y']"), NULL);
  assert_bricks (svc, UNIT1_PATH, (const char *const[]) { "/mnt/x", "/mnt/y", NULL }, TRUE, FALSE);

  /* Python style; whole-path diff. */
  svc_begin (svc);
  g_free (svc_unit_changed (svc, "server", "glusterfs/1",
                            bag ("private-address", "10.0.0.1", "bricks", "['/mnt/x', u'/mnt/z']",
                                 NULL)));
  svc_expect (svc, SIG_PC (UNIT1_PATH, PEER_IFACE, "Bricks,Settings"),
              SIG_PC (REL_PATH, RELATION_IFACE, "States"),
              SIG_BRICKS_ADDED (UNIT1_PATH, "['/mnt/z']"),
              SIG_BRICKS_REMOVED (UNIT1_PATH, "['/mnt/y']"), NULL);
  assert_bricks (svc, UNIT1_PATH, xz, TRUE, FALSE);

  /* The same bricks written as JSON: only Settings changes. */
  svc_begin (svc);
  g_free (svc_unit_changed (svc, "server", "glusterfs/1",
                            bag ("private-address", "10.0.0.1", "bricks", "[\"/mnt/x\",\"/mnt/z\"]",
                                 NULL)));
  svc_expect (svc, SIG_PC (UNIT1_PATH, PEER_IFACE, "Settings"), NULL);
  assert_bricks (svc, UNIT1_PATH, xz, TRUE, FALSE);

  /* Malformed: kept, reported, not an error; the bricks are gone. */
  svc_begin (svc);
  g_free (svc_unit_changed (svc, "server", "glusterfs/1",
                            bag ("private-address", "10.0.0.1", "bricks", "/mnt/x", NULL)));
  svc_expect (svc, SIG_PC (UNIT1_PATH, PEER_IFACE, "Available,Bricks,Problems,Settings"),
              SIG_PC (REL_PATH, RELATION_IFACE, "States"),
              SIG_BRICKS_REMOVED (UNIT1_PATH, "['/mnt/x', '/mnt/z']"), NULL);
  value = svc_last_changed (svc, 1, "States");
  assert_strv_variant (value, (const char *const[]) { "bricks.available", "bricks.removed",
                                                      "connected", NULL });
  assert_bricks (svc, UNIT1_PATH, none, FALSE, TRUE);
  peer = svc_peer (svc, UNIT1_PATH);
  assert_dict (gp_dbus_peer_get_settings (peer),
               "{'private-address': '10.0.0.1', 'bricks': '/mnt/x'}");

  for (guint i = 0; malformed[i]; i++)
    {
      g_test_message ("malformed bricks: %s", malformed[i]);
      g_free (svc_unit_changed (svc, "server", "glusterfs/1",
                                bag ("private-address", "10.0.0.1", "bricks", malformed[i], NULL)));
      assert_bricks (svc, UNIT1_PATH, none, FALSE, TRUE);
    }

  /* Valid again. */
  svc_begin (svc);
  g_free (svc_unit_changed (svc, "server", "glusterfs/1",
                            bag ("private-address", "10.0.0.1", "bricks", "[\"/mnt/x\"]", NULL)));
  svc_expect (svc, SIG_PC (UNIT1_PATH, PEER_IFACE, "Available,Bricks,Problems,Settings"),
              SIG_PC (REL_PATH, RELATION_IFACE, "States"),
              SIG_BRICKS_ADDED (UNIT1_PATH, "['/mnt/x']"), NULL);
  assert_bricks (svc, UNIT1_PATH, (const char *const[]) { "/mnt/x", NULL }, TRUE, FALSE);

  /* Bricks without an address: not available. */
  g_free (svc_unit_changed (svc, "server", "glusterfs/2", bag ("bricks", "[\"/mnt/q\"]", NULL)));
  assert_bricks (svc, UNIT2_PATH, (const char *const[]) { "/mnt/q", NULL }, FALSE, FALSE);
}

/* --- states -------------------------------------------------------------------- */

static void
assert_states (Svc *svc, const char *const *states)
{
  g_autoptr(GpDbusRelation) relation = svc_relation (svc, REL_PATH);

  g_assert_cmpstrv (gp_dbus_relation_get_states (relation), states);
}

static void
test_states (void)
{
  g_autoptr(Svc) svc = svc_new (NULL);
  g_autoptr(GpDbusRelation) relation = NULL;
  g_autoptr(GError) error = NULL;
  const char *const levels[] = { "connected", "available", "bogus", "server.departed", "", NULL };

  g_free (svc_relation_created (svc, "server"));
  assert_states (svc, (const char *const[]) { NULL });
  g_free (svc_unit_joined (svc, "server", "glusterfs/1"));
  assert_states (svc, (const char *const[]) { "connected", NULL });
  g_free (svc_unit_changed (svc, "server", "glusterfs/1",
                            bag ("private-address", "10.0.0.1", "bricks", "[\"/mnt/a\"]", NULL)));
  assert_states (svc, (const char *const[]) { "available", "bricks.available", "connected", NULL });

  relation = svc_relation (svc, REL_PATH);
  svc_begin (svc);
  gp_dbus_relation_call_clear_state_sync (relation, "bricks.available", NULL, &error);
  g_assert_no_error (error);
  svc_expect (svc, SIG_PC (REL_PATH, RELATION_IFACE, "States"), NULL);
  assert_states (svc, (const char *const[]) { "available", "connected", NULL });
  /* Clearing a state that is not set succeeds and changes nothing. */
  svc_begin (svc);
  gp_dbus_relation_call_clear_state_sync (relation, "bricks.available", NULL, &error);
  g_assert_no_error (error);
  svc_expect (svc, NULL);

  for (guint i = 0; levels[i]; i++)
    {
      g_autoptr(GVariant) before = svc_snapshot (svc);
      g_autoptr(GError) refused = NULL;

      g_test_message ("ClearState (%s)", levels[i]);
      svc_begin (svc);
      g_assert_false (gp_dbus_relation_call_clear_state_sync (relation, levels[i], NULL, &refused));
      svc_expect_rejected (svc, before, refused, ERR_INVALID);
    }

  /* Level: available follows the data. Edge: bricks.removed stays. */
  g_free (svc_unit_changed (svc, "server", "glusterfs/1", bag ("private-address", "10.0.0.1", NULL)));
  assert_states (svc, (const char *const[]) { "bricks.removed", "connected", NULL });
  g_free (svc_unit_changed (svc, "server", "glusterfs/2",
                            bag ("private-address", "10.0.0.2", "bricks", "[\"/mnt/b\"]", NULL)));
  assert_states (svc, (const char *const[]) { "available", "bricks.available", "bricks.removed",
                                              "connected", NULL });
  svc_unit_departed (svc, "server", "glusterfs/2");
  assert_states (svc, (const char *const[]) { "bricks.available", "bricks.removed", "connected",
                                              "departed", NULL });

  /* Edge states survive a restart. */
  svc_restart (svc);
  assert_states (svc, (const char *const[]) { "bricks.available", "bricks.removed", "connected",
                                              "departed", NULL });
  svc_clear_state (svc, "departed");
  assert_states (svc, (const char *const[]) { "bricks.available", "bricks.removed", "connected",
                                              NULL });
  svc_unit_departed (svc, "server", "glusterfs/1");
  assert_states (svc, (const char *const[]) { "bricks.available", "bricks.removed", "departed",
                                              NULL });
  svc_clear_state (svc, "bricks.removed");
  svc_clear_state (svc, "bricks.available");
  svc_clear_state (svc, "departed");
  assert_states (svc, (const char *const[]) { NULL });
}

/* --- departures and broken relations ------------------------------------------ */

static void
test_relation_broken (void)
{
  g_autoptr(Svc) svc = svc_new (NULL);
  g_autoptr(GpDbusManager) manager = NULL;
  g_autoptr(GpDbusRelation) relation = NULL;
  g_autoptr(GVariant) before = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) paths = NULL;
  const char *const other[] = { ROOT_PATH "/other", NULL };

  svc_populate (svc);
  g_free (svc_relation_created (svc, "other"));

  /* Unknown units and relations: success, nothing happens. */
  before = svc_snapshot (svc);
  svc_begin (svc);
  svc_unit_departed (svc, "server:3", "glusterfs/99");
  svc_expect (svc, NULL);
  svc_begin (svc);
  svc_unit_departed (svc, "nosuch", "glusterfs/1");
  svc_expect (svc, NULL);
  svc_begin (svc);
  gp_dbus_manager_call_relation_broken_sync (svc->manager, "nosuch:4", NULL, &error);
  g_assert_no_error (error);
  svc_expect (svc, NULL);
  {
    g_autoptr(GVariant) after = svc_snapshot (svc);

    g_assert_true (g_variant_equal (before, after));
  }

  svc_begin (svc);
  gp_dbus_manager_call_relation_broken_sync (svc->manager, "server:3", NULL, &error);
  g_assert_no_error (error);
  svc_expect (svc, SIG_REMOVED (UNIT1_PATH, PEER_IFACE), SIG_REMOVED (UNIT2_PATH, PEER_IFACE),
              SIG_REMOVED (UNIT10_PATH, PEER_IFACE), SIG_REMOVED (REL_PATH, RELATION_IFACE),
              SIG_PC (ROOT_PATH, MANAGER_IFACE, "Relations"), NULL);
  paths = svc_object_paths (svc);
  g_assert_cmpstrv (paths, other);
  manager = svc_manager (svc);
  g_assert_cmpstrv (gp_dbus_manager_get_relations (manager), other);

  /* Gone is gone: repeating, or departing from it, is a no-op. */
  svc_begin (svc);
  gp_dbus_manager_call_relation_broken_sync (svc->manager, "server", NULL, &error);
  g_assert_no_error (error);
  svc_expect (svc, NULL);
  svc_begin (svc);
  svc_unit_departed (svc, "server", "glusterfs/1");
  svc_expect (svc, NULL);
  g_strfreev (paths);
  paths = svc_object_paths (svc);
  g_assert_cmpstrv (paths, other);

  /* Its state went with it, on disk too. */
  svc_restart (svc);
  g_strfreev (paths);
  paths = svc_object_paths (svc);
  g_assert_cmpstrv (paths, other);
  g_free (svc_unit_joined (svc, "server", "glusterfs/1"));
  relation = svc_relation (svc, REL_PATH);
  g_assert_cmpstr (gp_dbus_relation_get_id (relation), ==, "");
  g_assert_cmpstr (gp_dbus_relation_get_local_unit (relation), ==, "");
  g_assert_cmpuint (g_variant_n_children (gp_dbus_relation_get_local_settings (relation)), ==, 0);
  g_assert_cmpstrv (gp_dbus_relation_get_states (relation), ((const char *const[]) { "connected", NULL }));
  g_assert_cmpstrv (gp_dbus_relation_get_units (relation), ((const char *const[]) { UNIT1_PATH, NULL }));
  assert_fresh_unit (svc, UNIT1_PATH, "glusterfs/1", "glusterfs-1");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/service/manager/relations", test_manager_relations);
  g_test_add_func ("/service/relation/full", test_relation_full);
  g_test_add_func ("/service/relation/units-order", test_units_order);
  g_test_add_func ("/service/relation/states", test_states);
  g_test_add_func ("/service/relation/broken", test_relation_broken);
  g_test_add_func ("/service/unit/address", test_unit_address);
  g_test_add_func ("/service/unit/bricks", test_unit_bricks);
  register_query_tests ();
  register_signal_tests ();
  register_error_tests ();
  register_bag_tests ();
  register_member_tests ();

  return g_test_run ();
}
