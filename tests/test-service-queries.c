/* test-service-queries.c: the query methods (IpMap, BrickMap, PeerInfo,
 * RetrieveRemote, VolumeBricks) with exact answers, and the local unit's
 * methods (SetLocalUnit, SetAddress, SetBricks, SendAll). The relation of
 * svc_populate() is described in test-service.c.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "gp-json.h"
#include "test-service.h"

/* --- queries ------------------------------------------------------------------ */

static GVariant *
ip_map (GpDbusRelation *relation, const char *key)
{
  g_autoptr(GError) error = NULL;
  GVariant *map = NULL;

  gp_dbus_relation_call_ip_map_sync (relation, key, &map, NULL, &error);
  g_assert_no_error (error);
  return map;
}

static GVariant *
peer_info (GpDbusRelation *relation, const char *key)
{
  g_autoptr(GError) error = NULL;
  GVariant *info = NULL;

  gp_dbus_relation_call_peer_info_sync (relation, key, &info, NULL, &error);
  g_assert_no_error (error);
  return info;
}

static GStrv
retrieve_remote (GpDbusRelation *relation, const char *key)
{
  g_autoptr(GError) error = NULL;
  GStrv values = NULL;

  gp_dbus_relation_call_retrieve_remote_sync (relation, key, &values, NULL, &error);
  g_assert_no_error (error);
  return values;
}

static void
assert_volume_bricks (Svc *svc, GpDbusRelation *relation, guint replica, const char *key,
                      const char *const *expected)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) bricks = NULL;

  svc_begin (svc);
  gp_dbus_relation_call_volume_bricks_sync (relation, replica, key, &bricks, NULL, &error);
  g_assert_no_error (error);
  svc_expect (svc, NULL);
  g_assert_cmpstrv (bricks, expected);
  /* The contract's property, checked on its own. */
  g_assert_cmpuint (g_strv_length (bricks) % replica, ==, 0);
  for (guint i = 0; bricks[i]; i += replica)
    for (guint j = i; j < i + replica; j++)
      for (guint k = j + 1; k < i + replica; k++)
        {
          g_autofree char *a = g_strndup (bricks[j], strchr (bricks[j], ':') - bricks[j]);
          g_autofree char *b = g_strndup (bricks[k], strchr (bricks[k], ':') - bricks[k]);

          g_assert_cmpstr (a, !=, b);
        }
}

static void
assert_volume_bricks_error (Svc *svc, GpDbusRelation *relation, guint replica, const char *key,
                            const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) before = svc_snapshot (svc);
  g_auto(GStrv) bricks = NULL;

  svc_begin (svc);
  g_assert_false (gp_dbus_relation_call_volume_bricks_sync (relation, replica, key, &bricks, NULL,
                                                            &error));
  svc_expect_rejected (svc, before, error, name);
}

static void
test_queries (void)
{
  g_autoptr(Svc) svc = svc_new (NULL);
  g_autoptr(GpDbusRelation) relation = NULL;
  g_autoptr(GVariant) map = NULL;
  g_autoptr(GVariant) info = NULL;
  g_autoptr(GVariant) bricks = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) values = NULL;

  svc_populate (svc);
  relation = svc_relation (svc, REL_PATH);

  svc_begin (svc);
  /* "" is each unit's Address: ingress-address where there is one. */
  map = ip_map (relation, "");
  svc_expect (svc, NULL);
  assert_variant (map, "[('glusterfs-1', '192.168.0.1'), ('glusterfs-2', '10.0.0.2'), "
                       "('glusterfs-10', '10.0.0.3')]");
  g_clear_pointer (&map, g_variant_unref);
  map = ip_map (relation, "private-address");
  assert_variant (map, "[('glusterfs-1', '10.0.0.1'), ('glusterfs-2', '10.0.0.2'), "
                       "('glusterfs-10', '10.0.0.3')]");
  g_clear_pointer (&map, g_variant_unref);
  map = ip_map (relation, "ingress-address");
  assert_variant (map, "[('glusterfs-1', '192.168.0.1'), ('glusterfs-2', ''), ('glusterfs-10', '')]");
  g_clear_pointer (&map, g_variant_unref);
  map = ip_map (relation, "public-address");
  assert_variant (map, "[('glusterfs-1', 'pub1.example.com'), ('glusterfs-2', ''), "
                       "('glusterfs-10', '')]");

  svc_begin (svc);
  gp_dbus_relation_call_brick_map_sync (relation, &bricks, NULL, &error);
  g_assert_no_error (error);
  svc_expect (svc, NULL);
  assert_dict (bricks, "{'glusterfs-1': ['/mnt/a', '/mnt/b'], 'glusterfs-2': ['/mnt/c', '/mnt/d'], "
                       "'glusterfs-10': ['/mnt/e']}");

  svc_begin (svc);
  info = peer_info (relation, "");
  svc_expect (svc, NULL);
  assert_dict (info, "{'glusterfs/0': ('10.0.0.100', ['/srv/0a', '/srv/0b']), "
                     "'glusterfs/1': ('192.168.0.1', ['/mnt/a', '/mnt/b']), "
                     "'glusterfs/2': ('10.0.0.2', ['/mnt/c', '/mnt/d']), "
                     "'glusterfs/10': ('10.0.0.3', ['/mnt/e'])}");
  g_clear_pointer (&info, g_variant_unref);
  info = peer_info (relation, "ingress-address");
  assert_dict (info, "{'glusterfs/0': ('', ['/srv/0a', '/srv/0b']), "
                     "'glusterfs/1': ('192.168.0.1', ['/mnt/a', '/mnt/b']), "
                     "'glusterfs/2': ('', ['/mnt/c', '/mnt/d']), "
                     "'glusterfs/10': ('', ['/mnt/e'])}");

  svc_begin (svc);
  values = retrieve_remote (relation, "private-address");
  svc_expect (svc, NULL);
  g_assert_cmpstrv (values, ((const char *const[]) { "10.0.0.1", "10.0.0.2", "10.0.0.3", NULL }));
  g_strfreev (values);
  values = retrieve_remote (relation, "public-address");
  g_assert_cmpstrv (values, ((const char *const[]) { "pub1.example.com", NULL }));
  g_strfreev (values);
  values = retrieve_remote (relation, "bricks");
  g_assert_cmpstrv (values, ((const char *const[]) { "[\"/mnt/a\",\"/mnt/b\"]",
                                                     "['/mnt/c', u'/mnt/d', '/mnt/c']",
                                                     "[\"/mnt/e\"]", NULL }));
  g_strfreev (values);
  values = retrieve_remote (relation, "no-such-key");
  g_assert_cmpstrv (values, ((const char *const[]) { NULL }));

  /* Hosts in name order: glusterfs/0 (local), 1, 2, 10. */
  assert_volume_bricks (svc, relation, 1, "",
                        (const char *const[]) { "10.0.0.100:/srv/0a", "192.168.0.1:/mnt/a",
                                                "10.0.0.2:/mnt/c", "10.0.0.3:/mnt/e",
                                                "10.0.0.100:/srv/0b", "192.168.0.1:/mnt/b",
                                                "10.0.0.2:/mnt/d", NULL });
  assert_volume_bricks (svc, relation, 2, "",
                        (const char *const[]) { "10.0.0.100:/srv/0a", "192.168.0.1:/mnt/a",
                                                "10.0.0.2:/mnt/c", "10.0.0.3:/mnt/e",
                                                "10.0.0.100:/srv/0b", "192.168.0.1:/mnt/b", NULL });
  assert_volume_bricks (svc, relation, 3, "private-address",
                        (const char *const[]) { "10.0.0.100:/srv/0a", "10.0.0.1:/mnt/a",
                                                "10.0.0.2:/mnt/c", "10.0.0.3:/mnt/e",
                                                "10.0.0.100:/srv/0b", "10.0.0.1:/mnt/b", NULL });
  assert_volume_bricks (svc, relation, 4, "",
                        (const char *const[]) { "10.0.0.100:/srv/0a", "192.168.0.1:/mnt/a",
                                                "10.0.0.2:/mnt/c", "10.0.0.3:/mnt/e", NULL });
  assert_volume_bricks (svc, relation, 1, "ingress-address",
                        (const char *const[]) { "192.168.0.1:/mnt/a", "192.168.0.1:/mnt/b", NULL });
  assert_volume_bricks_error (svc, relation, 5, "", ERR_PEERS);
  assert_volume_bricks_error (svc, relation, 2, "ingress-address", ERR_PEERS);
  assert_volume_bricks_error (svc, relation, 0, "", ERR_INVALID);
}

/* --- the local unit ------------------------------------------------------------ */

static void
assert_json_bricks (const char *json, const char *const *expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = g_ptr_array_new ();
  g_autoptr(json_t) array = NULL;
  json_t *element;
  size_t i;

  g_assert_nonnull (json);
  array = gp_json_parse (json, 0, &error);
  g_assert_no_error (error);
  g_assert_true (json_is_array (array));
  json_array_foreach (array, i, element)
    {
      g_assert_true (json_is_string (element));
      g_ptr_array_add (items, (gpointer) json_string_value (element));
    }
  g_ptr_array_add (items, NULL);
  g_assert_cmpstrv ((const char *const *) items->pdata, expected);
}

static void
test_relation_local (void)
{
  g_autoptr(Svc) svc = svc_new (NULL);
  g_autoptr(GpDbusRelation) relation = NULL;
  g_autoptr(GpDbusRelation) fresh = NULL;
  g_autoptr(GVariant) info = NULL;
  g_autoptr(GError) error = NULL;
  const char *bricks = NULL;

  g_free (svc_relation_created (svc, "server"));
  relation = svc_relation (svc, REL_PATH);

  svc_begin (svc);
  gp_dbus_relation_call_set_local_unit_sync (relation, "glusterfs/0",
                                             bag ("private-address", "10.0.0.100",
                                                  "egress-subnets", "10.0.0.0/24", NULL),
                                             NULL, &error);
  g_assert_no_error (error);
  svc_expect (svc, SIG_PC (REL_PATH, RELATION_IFACE, "LocalSettings,LocalUnit"), NULL);

  svc_begin (svc);
  gp_dbus_relation_call_set_address_sync (relation, "public", "pub0.example.com", NULL, &error);
  g_assert_no_error (error);
  svc_expect (svc, SIG_PC (REL_PATH, RELATION_IFACE, "LocalSettings"), NULL);
  fresh = svc_relation (svc, REL_PATH);
  assert_dict (gp_dbus_relation_get_local_settings (fresh),
               "{'private-address': '10.0.0.100', 'egress-subnets': '10.0.0.0/24', "
               "'public-address': 'pub0.example.com'}");

  svc_begin (svc);
  gp_dbus_relation_call_set_bricks_sync (relation, (const char *const[]) { "/srv/a", "/srv/b", "/srv/a", NULL },
                                         NULL, &error);
  g_assert_no_error (error);
  svc_expect (svc, SIG_PC (REL_PATH, RELATION_IFACE, "LocalSettings"), NULL);
  g_clear_object (&fresh);
  fresh = svc_relation (svc, REL_PATH);
  g_assert_true (g_variant_lookup (gp_dbus_relation_get_local_settings (fresh), "bricks", "&s", &bricks));
  assert_json_bricks (bricks, (const char *const[]) { "/srv/a", "/srv/b", NULL });
  g_assert_cmpuint (g_variant_n_children (gp_dbus_relation_get_local_settings (fresh)), ==, 4);

  /* SendAll merges; an empty value deletes. */
  svc_begin (svc);
  gp_dbus_relation_call_send_all_sync (relation,
                                       bag ("bricks", "", "custom", "x",
                                            "public-address", "pub0b.example.com", NULL),
                                       NULL, &error);
  g_assert_no_error (error);
  svc_expect (svc, SIG_PC (REL_PATH, RELATION_IFACE, "LocalSettings"), NULL);
  g_clear_object (&fresh);
  fresh = svc_relation (svc, REL_PATH);
  assert_dict (gp_dbus_relation_get_local_settings (fresh),
               "{'private-address': '10.0.0.100', 'egress-subnets': '10.0.0.0/24', "
               "'public-address': 'pub0b.example.com', 'custom': 'x'}");
  g_assert_cmpstr (gp_dbus_relation_get_local_unit (fresh), ==, "glusterfs/0");

  gp_dbus_relation_call_send_all_sync (relation, bag ("bricks", "['/srv/c']", NULL), NULL, &error);
  g_assert_no_error (error);
  gp_dbus_relation_call_set_address_sync (relation, "private", "10.0.0.101", NULL, &error);
  g_assert_no_error (error);
  info = peer_info (relation, "");
  assert_variant (info, "{'glusterfs/0': ('10.0.0.101', ['/srv/c'])}");
  g_clear_pointer (&info, g_variant_unref);
  info = peer_info (relation, "public-address");
  assert_variant (info, "{'glusterfs/0': ('pub0b.example.com', ['/srv/c'])}");

  /* SetLocalUnit replaces the whole bag. */
  svc_begin (svc);
  gp_dbus_relation_call_set_local_unit_sync (relation, "glusterfs/0",
                                             bag ("private-address", "10.0.0.102", NULL), NULL, &error);
  g_assert_no_error (error);
  svc_expect (svc, SIG_PC (REL_PATH, RELATION_IFACE, "LocalSettings"), NULL);
  g_clear_object (&fresh);
  fresh = svc_relation (svc, REL_PATH);
  assert_variant (gp_dbus_relation_get_local_settings (fresh), "{'private-address': '10.0.0.102'}");
  g_clear_pointer (&info, g_variant_unref);
  info = peer_info (relation, "");
  assert_variant (info, "{'glusterfs/0': ('10.0.0.102', @as [])}");
}

void
register_query_tests (void)
{
  g_test_add_func ("/service/queries", test_queries);
  g_test_add_func ("/service/relation/local-unit", test_relation_local);
}
