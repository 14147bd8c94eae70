/* test-service-errors.c: every error name of the contract, that a refused
 * call changes nothing and emits nothing, and the daemon's life on the bus
 * (second instance, bus gone, SIGTERM).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <signal.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/wait.h>

#include "test-service.h"

typedef enum {
  RELATION_CREATED,
  UNIT_JOINED,
  UNIT_CHANGED,
  UNIT_DEPARTED,
  RELATION_BROKEN,
  SET_LOCAL_UNIT,
  SET_ADDRESS,
  SET_BRICKS,
  SEND_ALL,
  CLEAR_STATE,
} Method;

/* One call: string arguments a and b as the method takes them; value is
 * GVariant text of the a{ss} settings, or of the as bricks of SetBricks. */
typedef struct {
  Method method;
  const char *a;
  const char *b;
  const char *value;
} Call;

static gboolean
call_method (GpDbusManager *manager, GpDbusRelation *relation, const Call *c, GError **error)
{
  g_autoptr(GVariant) value = NULL;
  g_autofree char *path = NULL;
  g_autofree const char **bricks = NULL;

  if (c->value)
    {
      g_autoptr(GError) parse_error = NULL;

      value = g_variant_parse (G_VARIANT_TYPE (c->method == SET_BRICKS ? "as" : "a{ss}"),
                               c->value, NULL, NULL, &parse_error);
      g_assert_no_error (parse_error); /* g_variant_parse: not floating */
      if (c->method == SET_BRICKS)
        bricks = g_variant_get_strv (value, NULL);
    }
  else
    value = g_variant_ref_sink (g_variant_new_array (G_VARIANT_TYPE ("{ss}"), NULL, 0));

  switch (c->method)
    {
    case RELATION_CREATED:
      return gp_dbus_manager_call_relation_created_sync (manager, c->a, &path, NULL, error);
    case UNIT_JOINED:
      return gp_dbus_manager_call_unit_joined_sync (manager, c->a, c->b, &path, NULL, error);
    case UNIT_CHANGED:
      return gp_dbus_manager_call_unit_changed_sync (manager, c->a, c->b, value, &path, NULL, error);
    case UNIT_DEPARTED:
      return gp_dbus_manager_call_unit_departed_sync (manager, c->a, c->b, NULL, error);
    case RELATION_BROKEN:
      return gp_dbus_manager_call_relation_broken_sync (manager, c->a, NULL, error);
    case SET_LOCAL_UNIT:
      return gp_dbus_relation_call_set_local_unit_sync (relation, c->a, value, NULL, error);
    case SET_ADDRESS:
      return gp_dbus_relation_call_set_address_sync (relation, c->a, c->b, NULL, error);
    case SET_BRICKS:
      return gp_dbus_relation_call_set_bricks_sync (relation, bricks, NULL, error);
    case SEND_ALL:
      return gp_dbus_relation_call_send_all_sync (relation, value, NULL, error);
    case CLEAR_STATE:
      return gp_dbus_relation_call_clear_state_sync (relation, c->a, NULL, error);
    }
  g_assert_not_reached ();
}

static const char *const method_names[] = {
  "RelationCreated", "UnitJoined", "UnitChanged", "UnitDeparted", "RelationBroken",
  "SetLocalUnit", "SetAddress", "SetBricks", "SendAll", "ClearState",
};

/* The call is refused with name; nothing changed, nothing was emitted. */
static void
assert_refused (Svc *svc, GpDbusManager *manager, GpDbusRelation *relation, const Call *c,
                const char *name)
{
  g_autoptr(GVariant) before = svc_snapshot (svc);
  g_autoptr(GError) error = NULL;

  g_test_message ("%s (%.60s%s, %.60s, %.80s): expect %s", method_names[c->method],
                  c->a ? c->a : "", c->a && strlen (c->a) > 60 ? "..." : "",
                  c->b ? c->b : "", c->value ? c->value : "", name);
  svc_begin (svc);
  g_assert_false (call_method (manager, relation, c, &error));
  if (manager == svc->manager || relation == NULL ||
      g_dbus_proxy_get_connection (G_DBUS_PROXY (relation)) == svc->conn)
    svc_expect_rejected (svc, before, error, name);
  else
    svc_expect_rejected_elsewhere (svc, before, error, name);
}

static void
assert_accepted (Svc *svc, GpDbusRelation *relation, const Call *c)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (call_method (svc->manager, relation, c, &error));
  g_assert_no_error (error);
}

/* --- InvalidArgument --------------------------------------------------------- */

static const Call invalid_calls[] = {
  { RELATION_CREATED, "" },
  { RELATION_CREATED, "Server" },
  { RELATION_CREATED, "1server" },
  { RELATION_CREATED, "server-" },
  { RELATION_CREATED, "ser--ver" },
  { RELATION_CREATED, "ser_ver" },
  { RELATION_CREATED, "ser ver" },
  { RELATION_CREATED, "server/0" },
  { RELATION_CREATED, "server:" },
  { RELATION_CREATED, "server:x" },
  { RELATION_CREATED, "server:-3" },
  { RELATION_CREATED, "server:3:4" },
  { RELATION_CREATED, ":3" },
  { UNIT_JOINED, "server", "" },
  { UNIT_JOINED, "server", "glusterfs" },
  { UNIT_JOINED, "server", "glusterfs/" },
  { UNIT_JOINED, "server", "glusterfs/x" },
  { UNIT_JOINED, "server", "glusterfs/-1" },
  { UNIT_JOINED, "server", "glusterfs/1/2" },
  { UNIT_JOINED, "server", "Glusterfs/1" },
  { UNIT_JOINED, "server", "gluster fs/1" },
  { UNIT_JOINED, "server", "/1" },
  { UNIT_JOINED, "Server", "glusterfs/1" },
  { UNIT_JOINED, "server:x", "glusterfs/1" },
  { UNIT_CHANGED, "server", "glusterfs", "{'private-address': '10.0.0.1'}" },
  { UNIT_CHANGED, "bad_name", "glusterfs/1", "{'private-address': '10.0.0.1'}" },
  { UNIT_CHANGED, "server", "glusterfs/1", "{'': 'x'}" },
  { UNIT_CHANGED, "server", "glusterfs/1", "{'private-address': '10.0.0.9', 'a b': 'x'}" },
  { UNIT_CHANGED, "server", "glusterfs/1", "{'a=b': 'x'}" },
  { UNIT_CHANGED, "server", "glusterfs/1", "{'a\\nb': 'x'}" },
  { UNIT_CHANGED, "server", "glusterfs/7", "{'a\\tb': 'x'}" },
  { UNIT_DEPARTED, "server", "glusterfs" },
  { UNIT_DEPARTED, "Server", "glusterfs/1" },
  { RELATION_BROKEN, "Server" },
  { RELATION_BROKEN, "server:x" },
  { SET_LOCAL_UNIT, "glusterfs", NULL, "{'private-address': '10.0.0.9'}" },
  { SET_LOCAL_UNIT, "glusterfs/0", NULL, "{'': '10.0.0.9'}" },
  { SET_ADDRESS, "Private", "10.0.0.9" },
  { SET_ADDRESS, "", "10.0.0.9" },
  { SET_ADDRESS, "pri vate", "10.0.0.9" },
  { SET_ADDRESS, "private-", "10.0.0.9" },
  { SET_ADDRESS, "private", "" },
  { SET_ADDRESS, "private", "10.0.0.9 " },
  { SET_ADDRESS, "private", "10.0.0.9\n" },
  { SET_ADDRESS, "private", "10.0.0.0/24" },
  { SET_BRICKS, NULL, NULL, "['relative']" },
  { SET_BRICKS, NULL, NULL, "['/srv/ok', 'bad']" },
  { SET_BRICKS, NULL, NULL, "['/srv/../etc']" },
  { SET_BRICKS, NULL, NULL, "['/srv/..']" },
  { SET_BRICKS, NULL, NULL, "['/srv/a\\nb']" },
  { SET_BRICKS, NULL, NULL, "['']" },
  { SEND_ALL, NULL, NULL, "{'bricks': 'not a list'}" },
  { SEND_ALL, NULL, NULL, "{'bricks': '[\"relative\"]'}" },
  { SEND_ALL, NULL, NULL, "{'custom': 'x', 'bricks': '[\"/srv/a\", 3]'}" },
  { SEND_ALL, NULL, NULL, "{'private-address': 'bad address'}" },
  { SEND_ALL, NULL, NULL, "{'public-address': 'a/b'}" },
  { SEND_ALL, NULL, NULL, "{'': 'x'}" },
  { CLEAR_STATE, "connected" },
  { CLEAR_STATE, "available" },
  { CLEAR_STATE, "bogus" },
  { CLEAR_STATE, "" },
};

static void
test_invalid_argument (void)
{
  g_autoptr(Svc) svc = svc_new (NULL);
  g_autoptr(GpDbusRelation) relation = NULL;
  g_autofree char *long_name = g_strnfill (129, 'a');
  g_autofree char *long_unit = g_strconcat (long_name, "/1", NULL);
  g_autofree char *long_address = g_strnfill (256, 'a');
  g_autofree char *long_key = g_strnfill (257, 'k');
  g_autofree char *long_key_bag = g_strdup_printf ("{'%s': 'x'}", long_key);
  g_autofree char *brick_name = g_strnfill (4096, 'b');
  g_autofree char *long_brick = g_strdup_printf ("['/%s']", brick_name);

  svc_populate (svc);
  relation = svc_relation (svc, REL_PATH);
  for (gsize i = 0; i < G_N_ELEMENTS (invalid_calls); i++)
    assert_refused (svc, svc->manager, relation, &invalid_calls[i], ERR_INVALID);

  /* Oversized input. */
  assert_refused (svc, svc->manager, relation, &(Call) { RELATION_CREATED, long_name }, ERR_INVALID);
  assert_refused (svc, svc->manager, relation, &(Call) { UNIT_JOINED, "server", long_unit },
                  ERR_INVALID);
  assert_refused (svc, svc->manager, relation, &(Call) { SET_ADDRESS, "private", long_address },
                  ERR_INVALID);
  assert_refused (svc, svc->manager, relation, &(Call) { UNIT_CHANGED, "server", "glusterfs/1",
                                                         long_key_bag }, ERR_INVALID);
  assert_refused (svc, svc->manager, relation, &(Call) { SET_BRICKS, NULL, NULL, long_brick },
                  ERR_INVALID);

  /* VolumeBricks with replica 0 is refused the same way. */
  {
    g_autoptr(GVariant) before = svc_snapshot (svc);
    g_autoptr(GError) error = NULL;
    g_auto(GStrv) bricks = NULL;

    svc_begin (svc);
    g_assert_false (gp_dbus_relation_call_volume_bricks_sync (relation, 0, "", &bricks, NULL,
                                                              &error));
    svc_expect_rejected (svc, before, error, ERR_INVALID);
  }
}

/* --- LimitExceeded ------------------------------------------------------------- */

static void
test_limit_exceeded (void)
{
  const char *const limits[] = { "--max-units", "3", "--max-bricks", "4", "--max-keys", "5",
                                 "--max-value-size", "4096", NULL };
  g_autoptr(Svc) svc = svc_new (limits);
  g_autoptr(GpDbusRelation) relation = NULL;
  g_autofree char *value_4096 = g_strnfill (4096, 'v');
  g_autofree char *value_4097 = g_strnfill (4097, 'v');
  g_autofree char *bag_4096 = g_strdup_printf ("{'private-address': '10.0.0.1', 'custom': '%s'}",
                                               value_4096);
  g_autofree char *send_4097 = g_strdup_printf ("{'custom': '%s'}", value_4097);
  const char *six_keys = "{'a': '1', 'b': '2', 'c': '3', 'd': '4', 'e': '5', 'f': '6'}";
  const char *five_keys = "{'a': '1', 'b': '2', 'c': '3', 'd': '4', 'private-address': '10.0.0.1'}";
  const char *four_bricks_dup = "{'private-address': '10.0.0.1', "
                                "'bricks': '[\"/m/1\",\"/m/2\",\"/m/3\",\"/m/4\",\"/m/1\"]'}";

  g_free (svc_unit_joined (svc, "server", "glusterfs/1"));
  g_free (svc_unit_joined (svc, "server", "glusterfs/2"));
  g_free (svc_unit_joined (svc, "server", "glusterfs/3"));
  relation = svc_relation (svc, REL_PATH);

  /* Units per relation. */
  assert_refused (svc, svc->manager, relation, &(Call) { UNIT_JOINED, "server", "glusterfs/4" },
                  ERR_LIMIT);
  assert_refused (svc, svc->manager, relation,
                  &(Call) { UNIT_CHANGED, "server:3", "glusterfs/4", "{'private-address': '10.0.0.4'}" },
                  ERR_LIMIT);
  assert_accepted (svc, relation, &(Call) { UNIT_CHANGED, "server", "glusterfs/3",
                                            "{'private-address': '10.0.0.3'}" });
  assert_accepted (svc, relation, &(Call) { UNIT_JOINED, "other", "glusterfs/4" });

  /* Bricks per unit: distinct ones count. A peer's bag over a limit is
   * not refused (test-service-bags.c); this unit's own calls are. */
  assert_accepted (svc, relation, &(Call) { UNIT_CHANGED, "server", "glusterfs/1", four_bricks_dup });
  assert_refused (svc, svc->manager, relation,
                  &(Call) { SET_BRICKS, NULL, NULL, "['/s/1', '/s/2', '/s/3', '/s/4', '/s/5']" },
                  ERR_LIMIT);
  assert_refused (svc, svc->manager, relation,
                  &(Call) { SEND_ALL, NULL, NULL, "{'bricks': '[\"/s/1\",\"/s/2\",\"/s/3\",\"/s/4\",\"/s/5\"]'}" },
                  ERR_LIMIT);
  assert_accepted (svc, relation,
                   &(Call) { SET_BRICKS, NULL, NULL, "['/s/1', '/s/2', '/s/3', '/s/4', '/s/1']" });

  /* Keys per data bag. */
  assert_accepted (svc, relation, &(Call) { UNIT_CHANGED, "server", "glusterfs/2", five_keys });
  assert_refused (svc, svc->manager, relation, &(Call) { SET_LOCAL_UNIT, "glusterfs/0", NULL,
                                                         six_keys }, ERR_LIMIT);
  assert_accepted (svc, relation, &(Call) { SET_LOCAL_UNIT, "glusterfs/0", NULL,
                                            "{'a': '1', 'b': '2', 'c': '3', 'd': '4'}" });
  /* SendAll would make it six. */
  assert_refused (svc, svc->manager, relation,
                  &(Call) { SEND_ALL, NULL, NULL, "{'e': '5', 'f': '6'}" }, ERR_LIMIT);
  assert_accepted (svc, relation, &(Call) { SEND_ALL, NULL, NULL, "{'e': '5', 'a': ''}" });

  /* Value size. */
  assert_accepted (svc, relation, &(Call) { UNIT_CHANGED, "server", "glusterfs/3", bag_4096 });
  assert_refused (svc, svc->manager, relation, &(Call) { SEND_ALL, NULL, NULL, send_4097 },
                  ERR_LIMIT);

  /* A departed unit makes room. */
  svc_unit_departed (svc, "server", "glusterfs/2");
  assert_accepted (svc, relation, &(Call) { UNIT_JOINED, "server", "glusterfs/4" });
}

/* --- Failed ----------------------------------------------------------------- */

static void
exec_sql (sqlite3 *db, const char *sql)
{
  char *message = NULL;
  int rc = sqlite3_exec (db, sql, NULL, NULL, &message);

  if (rc != SQLITE_OK)
    g_test_message ("%s: %s", sql, message ? message : sqlite3_errstr (rc));
  sqlite3_free (message);
  g_assert_cmpint (rc, ==, SQLITE_OK);
}

static void
test_failed (void)
{
  g_autoptr(Svc) svc = svc_new (NULL);
  g_autoptr(GpDbusRelation) relation = NULL;
  g_autoptr(GVariant) before_restart = NULL;
  g_autoptr(GVariant) after_restart = NULL;
  g_autofree char *db_path = NULL;
  sqlite3 *db = NULL;
  const Call change = { UNIT_CHANGED, "server:3", "glusterfs/1",
                        "{'private-address': '10.0.0.1', 'ingress-address': '192.168.0.1', "
                        "'public-address': 'pub1.example.com', "
                        "'bricks': '[\"/mnt/a\",\"/mnt/z\"]'}" };
  const Call refused[] = {
    change,
    { UNIT_JOINED, "server", "glusterfs/7" },
    { UNIT_CHANGED, "server", "glusterfs/8", "{'private-address': '10.0.0.8'}" },
    { UNIT_DEPARTED, "server", "glusterfs/2" },
    { RELATION_CREATED, "other" },
    { RELATION_CREATED, "server:4" },
    { RELATION_BROKEN, "server" },
    { SET_ADDRESS, "public", "pub0.example.com" },
    { CLEAR_STATE, "bricks.available" },
  };

  svc_populate (svc);
  relation = svc_relation (svc, REL_PATH);

  /* Someone holds the write lock for longer than the daemon waits. */
  db_path = g_build_filename (gp_test_daemon_get_state_dir (svc->daemon), "state.db", NULL);
  g_assert_true (g_file_test (db_path, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpint (sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  exec_sql (db, "BEGIN EXCLUSIVE");

  for (gsize i = 0; i < G_N_ELEMENTS (refused); i++)
    assert_refused (svc, svc->manager, relation, &refused[i], ERR_FAILED);

  exec_sql (db, "COMMIT");
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);

  /* The same call now lands, with its signals. */
  svc_begin (svc);
  g_assert_true (call_method (svc->manager, relation, &change, NULL));
  svc_expect (svc, SIG_PC (UNIT1_PATH, PEER_IFACE, "Bricks,Settings"),
              SIG_PC (REL_PATH, RELATION_IFACE, "States"),
              SIG_BRICKS_ADDED (UNIT1_PATH, "['/mnt/z']"),
              SIG_BRICKS_REMOVED (UNIT1_PATH, "['/mnt/b']"), NULL);

  /* Disk holds what memory does: none of the failed calls. */
  before_restart = svc_snapshot (svc);
  svc_restart (svc);
  after_restart = svc_snapshot (svc);
  g_assert_true (g_variant_equal (before_restart, after_restart));
}

/* --- AccessDenied ----------------------------------------------------------- */

static void
access_denied (gboolean with_policy)
{
  g_autoptr(Svc) svc = NULL;
  g_autoptr(GDBusConnection) nobody = NULL;
  g_autoptr(GpDbusManager) manager = NULL;
  g_autoptr(GpDbusRelation) relation = NULL;
  g_autoptr(GVariant) map = NULL;
  g_autoptr(GError) error = NULL;
  const Call privileged[] = {
    { RELATION_CREATED, "other" },
    { UNIT_JOINED, "server", "glusterfs/7" },
    { UNIT_CHANGED, "server", "glusterfs/1", "{'private-address': '10.0.0.9'}" },
    { UNIT_DEPARTED, "server", "glusterfs/1" },
    { RELATION_BROKEN, "server" },
    { SET_LOCAL_UNIT, "glusterfs/0", NULL, "{'private-address': '10.0.0.9'}" },
    { SET_ADDRESS, "private", "10.0.0.9" },
    { SET_BRICKS, NULL, NULL, "['/srv/x']" },
    { SEND_ALL, NULL, NULL, "{'custom': 'x'}" },
    { CLEAR_STATE, "bricks.available" },
  };

  if (!gp_test_can_switch_uid ())
    {
      g_test_skip ("needs root to connect as another uid");
      return;
    }
  svc = svc_new_full (with_policy, NULL);
  svc_populate (svc);
  nobody = gp_test_bus_connect_unprivileged (svc->bus);
  manager = gp_dbus_manager_proxy_new_sync (nobody, G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START,
                                            GP_TEST_BUS_NAME, ROOT_PATH, NULL, &error);
  g_assert_no_error (error);
  relation = gp_dbus_relation_proxy_new_sync (nobody, G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START,
                                              GP_TEST_BUS_NAME, REL_PATH, NULL, &error);
  g_assert_no_error (error);

  for (gsize i = 0; i < G_N_ELEMENTS (privileged); i++)
    assert_refused (svc, manager, relation, &privileged[i], ERR_DENIED);

  /* The queries stay open. */
  gp_dbus_relation_call_ip_map_sync (relation, "", &map, NULL, &error);
  g_assert_no_error (error);
  assert_variant (map, "[('glusterfs-1', '192.168.0.1'), ('glusterfs-2', '10.0.0.2'), "
                       "('glusterfs-10', '10.0.0.3')]");
}

static void
test_access_denied_by_bus (void)
{
  access_denied (TRUE);
}

static void
test_access_denied_by_daemon (void)
{
  access_denied (FALSE);
}

/* --- hostile peer data ------------------------------------------------------- */

/* @depth times @open, then @close as often. */
static char *
nested (const char *open, const char *close, gsize depth)
{
  GString *text = g_string_new (NULL);

  for (gsize i = 0; i < depth; i++)
    g_string_append (text, open);
  for (gsize i = 0; i < depth; i++)
    g_string_append (text, close);
  return g_string_free (text, FALSE);
}

/* The unit at @path has its address, no bricks, and one problem: its
 * bricks value, nested too deep. */
static void
assert_deep_bricks_refused (Svc *svc, const char *path)
{
  g_autoptr(GpDbusPeer) peer = svc_peer (svc, path);
  const char *const *problems = gp_dbus_peer_get_problems (peer);

  g_assert_cmpstr (gp_dbus_peer_get_address (peer), ==, "10.0.0.3");
  g_assert_cmpuint (g_strv_length ((GStrv) gp_dbus_peer_get_bricks (peer)), ==, 0);
  g_assert_false (gp_dbus_peer_get_available (peer));
  g_assert_cmpuint (g_strv_length ((GStrv) problems), ==, 1);
  g_test_message ("Problems: %s", problems[0]);
  g_assert_true (g_str_has_prefix (problems[0], "bricks: not a valid JSON list: "));
  g_assert_nonnull (strstr (problems[0], "nesting deeper than 2048 levels at line 1 column "));
}

/* A peer's bricks value nested 80,000 deep killed a daemon whose JSON
 * parser recursed without a limit (SIGSEGV): it is the peer's problem. */
static void
test_deep_bricks (void)
{
  g_autoptr(Svc) svc = svc_new (NULL);
  g_autoptr(GpDbusRelation) relation = NULL;
  g_autoptr(GVariant) map = NULL;
  g_autoptr(GVariant) before_restart = NULL;
  g_autoptr(GVariant) after_restart = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *brackets = nested ("[", "]", 80000);
  g_autofree char *objects = nested ("{\"a\":", "}", 80000);
  g_autofree char *path3 = NULL;
  g_autofree char *path4 = NULL;
  g_autofree const char **bricks3 = NULL;

  svc_populate (svc);
  g_assert_cmpuint (strlen (brackets), ==, 160000);
  path3 = svc_unit_changed (svc, "server", "glusterfs/3",
                            bag ("private-address", "10.0.0.3", "bricks", brackets, NULL));
  path4 = svc_unit_changed (svc, "server", "glusterfs/4",
                            bag ("private-address", "10.0.0.3", "bricks", objects, NULL));
  g_assert_true (gp_test_daemon_is_running (svc->daemon));
  assert_deep_bricks_refused (svc, path3);
  assert_deep_bricks_refused (svc, path4);

  /* It still answers, with the other units' bricks. */
  relation = svc_relation (svc, REL_PATH);
  g_assert_true (gp_dbus_relation_call_brick_map_sync (relation, &map, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_variant_n_children (map), >, 0);
  if (g_variant_lookup (map, "glusterfs-3", "^a&s", &bricks3))
    g_assert_cmpuint (g_strv_length ((GStrv) bricks3), ==, 0);

  /* And reads the same back from its state file. */
  before_restart = svc_snapshot (svc);
  svc_restart (svc);
  after_restart = svc_snapshot (svc);
  g_assert_true (g_variant_equal (before_restart, after_restart));
  assert_deep_bricks_refused (svc, path3);
}

/* --- life on the bus ---------------------------------------------------------- */

static void
test_second_instance (void)
{
  g_autoptr(Svc) svc = svc_new (NULL);
  g_autoptr(GpTestDaemon) second = NULL;
  g_autoptr(GVariant) before = NULL;
  g_autoptr(GVariant) after = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  const char *owner = NULL;
  int status;

  svc_populate (svc);
  before = svc_snapshot (svc);

  /* Same bus, same state directory: it must give up, not take over. */
  second = gp_test_daemon_spawn (svc->bus, svc->state_dir, NULL, NULL, GP_TEST_DAEMON_FLAGS_NONE);
  status = gp_test_daemon_wait_exit (second);
  g_test_message ("second instance: wait status 0x%x", (guint) status);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), !=, 0);

  g_assert_true (gp_test_daemon_is_running (svc->daemon));
  reply = g_dbus_connection_call_sync (svc->conn, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "GetNameOwner",
                                       g_variant_new ("(s)", GP_TEST_BUS_NAME),
                                       G_VARIANT_TYPE ("(s)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL,
                                       &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(&s)", &owner);
  g_assert_cmpstr (owner, ==, svc->owner);
  after = svc_snapshot (svc);
  g_assert_true (g_variant_equal (before, after));

  /* And the first one still works, state included. */
  svc_begin (svc);
  svc_unit_departed (svc, "server:3", "glusterfs/2");
  svc_expect (svc, SIG_DEPARTED (UNIT2_PATH, "('10.0.0.2', ['/mnt/c', '/mnt/d'])"), SIG_REMOVED (UNIT2_PATH, PEER_IFACE),
              SIG_PC (REL_PATH, RELATION_IFACE, "Departed,States,Units"), NULL);
}

static void
test_bus_gone (void)
{
  GpTestBus *bus = gp_test_bus_new (TRUE);
  /* Losing the bus is worth a warning; under the test suite's
   * G_DEBUG=fatal-warnings that warning would abort the daemon instead of
   * letting it exit with its own status. */
  const char *const env[] = { "G_DEBUG=", NULL };
  g_autoptr(GpTestDaemon) daemon = gp_test_daemon_spawn (bus, NULL, NULL, env,
                                                         GP_TEST_DAEMON_FLAGS_NONE);
  gint64 start, elapsed_ms;
  int status;

  gp_test_bus_wait_for_name (bus, GP_TEST_BUS_NAME, TRUE, 10000);
  g_assert_true (gp_test_daemon_is_running (daemon));

  start = g_get_monotonic_time ();
  gp_test_bus_free (bus);
  status = gp_test_daemon_wait_exit (daemon);
  elapsed_ms = (g_get_monotonic_time () - start) / 1000;
  g_test_message ("daemon: wait status 0x%x, %" G_GINT64_FORMAT " ms after the bus went away",
                  (guint) status, elapsed_ms);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), !=, 0);
  g_assert_cmpint (elapsed_ms, <, 3000 * gp_test_timeout_scale ());
}

static void
test_sigterm (void)
{
  g_autoptr(Svc) svc = svc_new (NULL);
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  gboolean owned = TRUE;

  svc_populate (svc);
  /* Asserts exit status 0 and waits for the bus to drop the connection. */
  gp_test_daemon_stop (svc->daemon);
  g_assert_false (gp_test_daemon_is_running (svc->daemon));
  reply = g_dbus_connection_call_sync (svc->conn, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "NameHasOwner",
                                       g_variant_new ("(s)", GP_TEST_BUS_NAME),
                                       G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL,
                                       &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(b)", &owned);
  g_assert_false (owned);
}

void
register_error_tests (void)
{
  g_test_add_func ("/service/errors/invalid-argument", test_invalid_argument);
  g_test_add_func ("/service/errors/limit-exceeded", test_limit_exceeded);
  g_test_add_func ("/service/errors/failed", test_failed);
  g_test_add_func ("/service/errors/access-denied-by-bus", test_access_denied_by_bus);
  g_test_add_func ("/service/errors/access-denied-by-daemon", test_access_denied_by_daemon);
  g_test_add_func ("/service/errors/deep-bricks", test_deep_bricks);
  g_test_add_func ("/service/lifecycle/second-instance", test_second_instance);
  g_test_add_func ("/service/lifecycle/bus-gone", test_bus_gone);
  g_test_add_func ("/service/lifecycle/sigterm", test_sigterm);
}
