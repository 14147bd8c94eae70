/* test-service-signals.c: the exact signals of gluster-peerd, their order
 * against the method reply, idempotent hook calls, and what a subscriber
 * reads when a signal arrives.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "test-service.h"

static void
change_unit1 (Svc *svc, const char *bricks, const char *extra_key, const char *extra_value)
{
  g_autofree char *path = svc_unit_changed (svc, "server", "glusterfs/1",
                                            bag ("private-address", "10.0.0.1", "bricks", bricks,
                                                 extra_key, extra_value, NULL));

  g_assert_cmpstr (path, ==, UNIT1_PATH);
}

/* Order on a change: PropertiesChanged of the unit (and of the relation
 * when its States move), then BricksAdded, BricksRemoved, then the reply. */
static void
test_change_order (void)
{
  g_autoptr(Svc) svc = svc_new (NULL);
  g_autoptr(GVariant) states = NULL;
  g_autofree char *path = NULL;

  g_free (svc_unit_joined (svc, "server", "glusterfs/1"));

  svc_begin (svc);
  change_unit1 (svc, "[\"/mnt/a\",\"/mnt/ab\"]", NULL, NULL);
  svc_expect (svc, SIG_PC (UNIT1_PATH, PEER_IFACE, UNIT_DATA_PROPS),
              SIG_PC (REL_PATH, RELATION_IFACE, "States"),
              SIG_BRICKS_ADDED (UNIT1_PATH, "['/mnt/a', '/mnt/ab']"), NULL);
  states = svc_last_changed (svc, 1, "States");
  assert_strv_variant (states, (const char *const[]) { "available", "bricks.available",
                                                       "connected", NULL });
  svc_clear_state (svc, "bricks.available");

  /* Whole paths: /mnt/ab is gone, /mnt/b is new. */
  svc_begin (svc);
  change_unit1 (svc, "[\"/mnt/a\",\"/mnt/b\"]", NULL, NULL);
  svc_expect (svc, SIG_PC (UNIT1_PATH, PEER_IFACE, "Bricks,Settings"),
              SIG_PC (REL_PATH, RELATION_IFACE, "States"),
              SIG_BRICKS_ADDED (UNIT1_PATH, "['/mnt/b']"),
              SIG_BRICKS_REMOVED (UNIT1_PATH, "['/mnt/ab']"), NULL);
  g_clear_pointer (&states, g_variant_unref);
  states = svc_last_changed (svc, 1, "States");
  assert_strv_variant (states, (const char *const[]) { "available", "bricks.available",
                                                       "bricks.removed", "connected", NULL });

  /* Another order of the same bricks: nothing added or removed. */
  svc_begin (svc);
  change_unit1 (svc, "[\"/mnt/b\",\"/mnt/a\"]", NULL, NULL);
  svc_expect (svc, SIG_PC (UNIT1_PATH, PEER_IFACE, "Bricks,Settings"), NULL);

  /* A removal alone; the edge state is set already. */
  svc_begin (svc);
  change_unit1 (svc, "[\"/mnt/b\"]", NULL, NULL);
  svc_expect (svc, SIG_PC (UNIT1_PATH, PEER_IFACE, "Bricks,Settings"),
              SIG_BRICKS_REMOVED (UNIT1_PATH, "['/mnt/a']"), NULL);

  /* A key that is neither an address nor bricks. */
  svc_begin (svc);
  change_unit1 (svc, "[\"/mnt/b\"]", "egress-subnets", "10.0.0.0/24");
  svc_expect (svc, SIG_PC (UNIT1_PATH, PEER_IFACE, "Settings"), NULL);

  /* A new address. */
  svc_begin (svc);
  g_free (svc_unit_changed (svc, "server", "glusterfs/1",
                            bag ("private-address", "10.0.0.9", "bricks", "[\"/mnt/b\"]",
                                 "egress-subnets", "10.0.0.0/24", NULL)));
  svc_expect (svc, SIG_PC (UNIT1_PATH, PEER_IFACE, "Address,Addresses,Settings"), NULL);

  /* A change from a unit that has not joined yet creates it. */
  svc_begin (svc);
  path = svc_unit_changed (svc, "server", "glusterfs/2",
                           bag ("private-address", "10.0.0.2", "bricks", "[\"/mnt/c\"]", NULL));
  g_assert_cmpstr (path, ==, UNIT2_PATH);
  svc_expect (svc, SIG_ADDED (UNIT2_PATH, PEER_IFACE), SIG_PC (REL_PATH, RELATION_IFACE, "Units"),
              SIG_BRICKS_ADDED (UNIT2_PATH, "['/mnt/c']"), NULL);
}

static int
index_of (const char *const *strv, const char *s)
{
  for (int i = 0; strv[i]; i++)
    if (g_str_equal (strv[i], s))
      return i;
  return -1;
}

/* The first hook call of a relation is a change with bricks: the relation,
 * the unit and Manager.Relations are announced before the bricks. */
static void
test_first_call_is_change (void)
{
  g_autoptr(Svc) svc = svc_new (NULL);
  g_auto(GStrv) seen = NULL;
  const char *const wanted[] = {
    SIG_ADDED (REL_PATH, RELATION_IFACE),
    SIG_PC (ROOT_PATH, MANAGER_IFACE, "Relations"),
    SIG_ADDED (UNIT1_PATH, PEER_IFACE),
    SIG_PC (REL_PATH, RELATION_IFACE, "States,Units"),
    SIG_BRICKS_ADDED (UNIT1_PATH, "['/mnt/a']"),
    NULL,
  };

  svc_begin (svc);
  change_unit1 (svc, "[\"/mnt/a\"]", NULL, NULL);
  seen = svc_collect (svc);
  /* Each exactly once; the order among the announcements is free, but an
   * object is added before anything refers to it and the bricks come last. */
  g_assert_cmpuint (g_strv_length (seen), ==, g_strv_length ((char **) wanted));
  for (guint i = 0; wanted[i]; i++)
    g_assert_cmpint (index_of ((const char *const *) seen, wanted[i]), >=, 0);
  g_assert_cmpint (index_of ((const char *const *) seen, wanted[0]), <,
                   index_of ((const char *const *) seen, wanted[1]));
  g_assert_cmpint (index_of ((const char *const *) seen, wanted[1]), <,
                   index_of ((const char *const *) seen, wanted[2]));
  g_assert_cmpint (index_of ((const char *const *) seen, wanted[0]), <,
                   index_of ((const char *const *) seen, wanted[3]));
  g_assert_cmpstr (seen[4], ==, wanted[4]);
}

/* Order on depart: Departed, InterfacesRemoved, the relation's
 * PropertiesChanged, reply. */
static void
test_depart_order (void)
{
  g_autoptr(Svc) svc = svc_new (NULL);
  g_autoptr(GVariant) value = NULL;
  g_autoptr(GpDbusPeer) peer = NULL;
  g_auto(GStrv) paths = NULL;

  svc_populate (svc);
  svc_clear_state (svc, "bricks.available");

  svc_begin (svc);
  svc_unit_departed (svc, "server:3", "glusterfs/2");
  svc_expect (svc, SIG_DEPARTED (UNIT2_PATH, "('10.0.0.2', ['/mnt/c', '/mnt/d'])"), SIG_REMOVED (UNIT2_PATH, PEER_IFACE),
              SIG_PC (REL_PATH, RELATION_IFACE, "Departed,States,Units"), NULL);
  value = svc_last_changed (svc, 2, "States");
  assert_strv_variant (value, (const char *const[]) { "available", "connected", "departed", NULL });
  g_clear_pointer (&value, g_variant_unref);
  value = svc_last_changed (svc, 2, "Units");
  assert_strv_variant (value, (const char *const[]) { UNIT1_PATH, UNIT10_PATH, NULL });
  paths = svc_object_paths (svc);
  g_assert_cmpstrv (paths, ((const char *const[]) { REL_PATH, UNIT1_PATH, UNIT10_PATH, NULL }));

  svc_begin (svc);
  svc_unit_departed (svc, "server:3", "glusterfs/1");
  svc_expect (svc, SIG_DEPARTED (UNIT1_PATH, "('192.168.0.1', ['/mnt/a', '/mnt/b'])"),
              SIG_REMOVED (UNIT1_PATH, PEER_IFACE),
              SIG_PC (REL_PATH, RELATION_IFACE, "Departed,Units"), NULL);

  svc_begin (svc);
  svc_unit_departed (svc, "server", "glusterfs/10");
  svc_expect (svc, SIG_DEPARTED (UNIT10_PATH, "('10.0.0.3', ['/mnt/e'])"),
              SIG_REMOVED (UNIT10_PATH, PEER_IFACE),
              SIG_PC (REL_PATH, RELATION_IFACE, "Departed,States,Units"), NULL);
  g_clear_pointer (&value, g_variant_unref);
  value = svc_last_changed (svc, 2, "States");
  assert_strv_variant (value, (const char *const[]) { "departed", NULL });

  /* The departed unit's data went with it. */
  svc_begin (svc);
  g_free (svc_unit_joined (svc, "server", "glusterfs/2"));
  svc_expect (svc, SIG_ADDED (UNIT2_PATH, PEER_IFACE),
              SIG_PC (REL_PATH, RELATION_IFACE, "States,Units"), NULL);
  peer = svc_peer (svc, UNIT2_PATH);
  g_assert_cmpuint (g_variant_n_children (gp_dbus_peer_get_settings (peer)), ==, 0);
  g_assert_cmpstrv (gp_dbus_peer_get_bricks (peer), ((const char *const[]) { NULL }));
}

/* --- idempotency -------------------------------------------------------------- */

typedef struct {
  Svc *svc;
  GVariant *before;
} Repeat;

static void
repeat_begin (Repeat *r, Svc *svc)
{
  r->svc = svc;
  r->before = svc_snapshot (svc);
  svc_begin (svc);
}

static void
repeat_end (Repeat *r)
{
  g_autoptr(GVariant) after = NULL;

  svc_expect (r->svc, NULL);
  after = svc_snapshot (r->svc);
  g_assert_true (g_variant_equal (r->before, after));
  g_clear_pointer (&r->before, g_variant_unref);
}

static void
test_idempotent (void)
{
  g_autoptr(Svc) svc = svc_new (NULL);
  g_autoptr(GpDbusRelation) relation = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  Repeat r;
  const char *const bricks[] = { "/srv/0c", "/srv/0d", NULL };

  svc_populate (svc);
  relation = svc_relation (svc, REL_PATH);

  repeat_begin (&r, svc);
  gp_dbus_manager_call_relation_created_sync (svc->manager, "server:3", &path, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (path, ==, REL_PATH);
  repeat_end (&r);

  repeat_begin (&r, svc);
  g_clear_pointer (&path, g_free);
  gp_dbus_manager_call_relation_created_sync (svc->manager, "server", &path, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (path, ==, REL_PATH);
  repeat_end (&r);

  repeat_begin (&r, svc);
  g_free (path);
  path = svc_unit_joined (svc, "server:3", "glusterfs/1");
  g_assert_cmpstr (path, ==, UNIT1_PATH);
  repeat_end (&r);

  /* The same bag as svc_populate() sent, in another key order. */
  repeat_begin (&r, svc);
  g_free (path);
  path = svc_unit_changed (svc, "server:3", "glusterfs/1",
                           bag ("bricks", "[\"/mnt/a\",\"/mnt/b\"]",
                                "public-address", "pub1.example.com",
                                "ingress-address", "192.168.0.1",
                                "private-address", "10.0.0.1", NULL));
  g_assert_cmpstr (path, ==, UNIT1_PATH);
  repeat_end (&r);

  repeat_begin (&r, svc);
  g_free (path);
  path = svc_unit_changed (svc, "server:3", "glusterfs/2",
                           bag ("private-address", "10.0.0.2",
                                "bricks", "['/mnt/c', u'/mnt/d', '/mnt/c']", NULL));
  g_assert_cmpstr (path, ==, UNIT2_PATH);
  repeat_end (&r);

  repeat_begin (&r, svc);
  gp_dbus_relation_call_set_local_unit_sync (relation, "glusterfs/0",
                                             bag ("private-address", "10.0.0.100",
                                                  "bricks", "[\"/srv/0a\",\"/srv/0b\"]", NULL),
                                             NULL, &error);
  g_assert_no_error (error);
  repeat_end (&r);

  repeat_begin (&r, svc);
  gp_dbus_relation_call_set_address_sync (relation, "private", "10.0.0.100", NULL, &error);
  g_assert_no_error (error);
  repeat_end (&r);

  /* Methods whose first call changes something: the second does not. */
  svc_begin (svc);
  gp_dbus_relation_call_set_bricks_sync (relation, bricks, NULL, &error);
  g_assert_no_error (error);
  svc_expect (svc, SIG_PC (REL_PATH, RELATION_IFACE, "LocalSettings"), NULL);
  repeat_begin (&r, svc);
  gp_dbus_relation_call_set_bricks_sync (relation, bricks, NULL, &error);
  g_assert_no_error (error);
  repeat_end (&r);

  svc_begin (svc);
  gp_dbus_relation_call_send_all_sync (relation, bag ("custom", "1", "egress-subnets", "", NULL),
                                       NULL, &error);
  g_assert_no_error (error);
  svc_expect (svc, SIG_PC (REL_PATH, RELATION_IFACE, "LocalSettings"), NULL);
  repeat_begin (&r, svc);
  gp_dbus_relation_call_send_all_sync (relation, bag ("custom", "1", "egress-subnets", "", NULL),
                                       NULL, &error);
  g_assert_no_error (error);
  repeat_end (&r);

  svc_begin (svc);
  gp_dbus_relation_call_clear_state_sync (relation, "bricks.available", NULL, &error);
  g_assert_no_error (error);
  svc_expect (svc, SIG_PC (REL_PATH, RELATION_IFACE, "States"), NULL);
  repeat_begin (&r, svc);
  gp_dbus_relation_call_clear_state_sync (relation, "bricks.available", NULL, &error);
  g_assert_no_error (error);
  repeat_end (&r);

  svc_begin (svc);
  svc_unit_departed (svc, "server:3", "glusterfs/2");
  svc_expect (svc, SIG_DEPARTED (UNIT2_PATH, "('10.0.0.2', ['/mnt/c', '/mnt/d'])"), SIG_REMOVED (UNIT2_PATH, PEER_IFACE),
              SIG_PC (REL_PATH, RELATION_IFACE, "Departed,States,Units"), NULL);
  repeat_begin (&r, svc);
  svc_unit_departed (svc, "server:3", "glusterfs/2");
  repeat_end (&r);

  svc_begin (svc);
  gp_dbus_manager_call_relation_broken_sync (svc->manager, "server:3", NULL, &error);
  g_assert_no_error (error);
  svc_expect (svc, SIG_REMOVED (UNIT1_PATH, PEER_IFACE), SIG_REMOVED (UNIT10_PATH, PEER_IFACE),
              SIG_REMOVED (REL_PATH, RELATION_IFACE),
              SIG_PC (ROOT_PATH, MANAGER_IFACE, "Relations"), NULL);
  repeat_begin (&r, svc);
  gp_dbus_manager_call_relation_broken_sync (svc->manager, "server:3", NULL, &error);
  g_assert_no_error (error);
  repeat_end (&r);
}

/* --- a subscriber reads properties when a signal arrives ----------------------- */

typedef struct {
  GpTestBus *bus;
  const char *owner;
  const char *member;     /* the signal to wait for */
  const char *read_path;  /* what its handler reads with GetAll */
  const char *read_iface;

  GMutex lock;
  GCond cond;
  GMainContext *ctx;      /* the thread's, referenced */
  gboolean ready;
  gboolean got;
  int stop;
  char *path;             /* of the signal */
  GVariant *args;
  GVariant *props;        /* a{sv} read in the handler */
  GThread *thread;
} Subscriber;

static void
subscriber_cb (GDBusConnection *conn, const char *sender, const char *path, const char *iface,
               const char *member, GVariant *params, gpointer user_data)
{
  Subscriber *s = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;

  if (s->got)
    return;
  /* Synchronously, from the handler: nothing else runs in between. */
  reply = g_dbus_connection_call_sync (conn, s->owner, s->read_path,
                                       "org.freedesktop.DBus.Properties", "GetAll",
                                       g_variant_new ("(s)", s->read_iface),
                                       G_VARIANT_TYPE ("(a{sv})"), G_DBUS_CALL_FLAGS_NONE, -1,
                                       NULL, &error);
  g_assert_no_error (error);
  g_mutex_lock (&s->lock);
  s->path = g_strdup (path);
  s->args = g_variant_ref (params);
  s->props = g_variant_get_child_value (reply, 0);
  s->got = TRUE;
  g_cond_broadcast (&s->cond);
  g_mutex_unlock (&s->lock);
}

static gpointer
subscriber_thread (gpointer data)
{
  Subscriber *s = data;
  g_autoptr(GMainContext) ctx = g_main_context_new ();
  g_autoptr(GDBusConnection) conn = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  guint id;

  g_main_context_push_thread_default (ctx);
  conn = gp_test_bus_connect (s->bus);
  id = g_dbus_connection_signal_subscribe (conn, s->owner, PEER_IFACE, s->member, NULL, NULL,
                                           G_DBUS_SIGNAL_FLAGS_NONE, subscriber_cb, s, NULL);
  /* A round trip to the bus: the match rule is in place. */
  reply = g_dbus_connection_call_sync (conn, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "GetId", NULL, G_VARIANT_TYPE ("(s)"),
                                       G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);

  g_mutex_lock (&s->lock);
  s->ctx = g_main_context_ref (ctx);
  s->ready = TRUE;
  g_cond_broadcast (&s->cond);
  g_mutex_unlock (&s->lock);

  while (!g_atomic_int_get (&s->stop))
    g_main_context_iteration (ctx, TRUE);

  g_dbus_connection_signal_unsubscribe (conn, id);
  g_dbus_connection_close_sync (conn, NULL, NULL);
  while (g_main_context_iteration (ctx, FALSE))
    ;
  g_main_context_pop_thread_default (ctx);
  return NULL;
}

static gboolean
subscriber_wait (Subscriber *s, gboolean *flag)
{
  gint64 end = g_get_monotonic_time () + 10 * G_TIME_SPAN_SECOND * gp_test_timeout_scale ();
  gboolean done;

  g_mutex_lock (&s->lock);
  while (!*flag && g_cond_wait_until (&s->cond, &s->lock, end))
    ;
  done = *flag;
  g_mutex_unlock (&s->lock);
  return done;
}

static void
subscriber_start (Subscriber *s, Svc *svc, const char *member, const char *read_path,
                  const char *read_iface)
{
  memset (s, 0, sizeof *s);
  g_mutex_init (&s->lock);
  g_cond_init (&s->cond);
  s->bus = svc->bus;
  s->owner = svc->owner;
  s->member = member;
  s->read_path = read_path;
  s->read_iface = read_iface;
  s->thread = g_thread_new (member, subscriber_thread, s);
  g_assert_true (subscriber_wait (s, &s->ready));
}

static void
subscriber_stop (Subscriber *s)
{
  g_atomic_int_set (&s->stop, 1);
  g_main_context_wakeup (s->ctx);
  g_thread_join (s->thread);
  g_main_context_unref (s->ctx);
  g_free (s->path);
  g_clear_pointer (&s->args, g_variant_unref);
  g_clear_pointer (&s->props, g_variant_unref);
  g_mutex_clear (&s->lock);
  g_cond_clear (&s->cond);
}

static GVariant *
subscriber_prop (Subscriber *s, const char *name)
{
  GVariant *value;

  g_assert_true (subscriber_wait (s, &s->got));
  value = g_variant_lookup_value (s->props, name, NULL);
  g_assert_nonnull (value);
  return value;
}

static void
test_subscriber_sees_new_state (void)
{
  g_autoptr(Svc) svc = svc_new (NULL);
  g_autoptr(GVariant) bricks = NULL;
  g_autoptr(GVariant) removed_bricks = NULL;
  g_autoptr(GVariant) states = NULL;
  g_autoptr(GVariant) departed_states = NULL;
  g_autoptr(GVariant) units = NULL;
  Subscriber added, removed, relation, departed;

  svc_populate (svc);
  svc_clear_state (svc, "bricks.available");
  subscriber_start (&added, svc, "BricksAdded", UNIT1_PATH, PEER_IFACE);
  subscriber_start (&removed, svc, "BricksRemoved", UNIT1_PATH, PEER_IFACE);
  subscriber_start (&relation, svc, "BricksAdded", REL_PATH, RELATION_IFACE);
  subscriber_start (&departed, svc, "Departed", REL_PATH, RELATION_IFACE);

  /* ["/mnt/a","/mnt/b"] -> ["/mnt/b","/mnt/new"] */
  g_free (svc_unit_changed (svc, "server:3", "glusterfs/1",
                            bag ("private-address", "10.0.0.1", "ingress-address", "192.168.0.1",
                                 "bricks", "[\"/mnt/b\",\"/mnt/new\"]", NULL)));

  bricks = subscriber_prop (&added, "Bricks");
  g_assert_cmpstr (added.path, ==, UNIT1_PATH);
  assert_variant (added.args, "(['/mnt/new'],)");
  assert_strv_variant (bricks, (const char *const[]) { "/mnt/b", "/mnt/new", NULL });

  removed_bricks = subscriber_prop (&removed, "Bricks");
  assert_variant (removed.args, "(['/mnt/a'],)");
  assert_strv_variant (removed_bricks, (const char *const[]) { "/mnt/b", "/mnt/new", NULL });

  states = subscriber_prop (&relation, "States");
  assert_strv_variant (states, (const char *const[]) { "available", "bricks.available",
                                                       "bricks.removed", "connected", NULL });

  svc_unit_departed (svc, "server:3", "glusterfs/2");
  units = subscriber_prop (&departed, "Units");
  g_assert_cmpstr (departed.path, ==, UNIT2_PATH);
  assert_strv_variant (units, (const char *const[]) { UNIT1_PATH, UNIT10_PATH, NULL });
  departed_states = subscriber_prop (&departed, "States");
  assert_strv_variant (departed_states, (const char *const[]) { "available", "bricks.available",
                                                                "bricks.removed", "connected",
                                                                "departed", NULL });

  subscriber_stop (&added);
  subscriber_stop (&removed);
  subscriber_stop (&relation);
  subscriber_stop (&departed);
}

/* A client that sends calls without waiting for replies has them applied
 * in the order it sent them, so the last bricks it sent are the ones kept;
 * the privilege check must not let one call overtake another. */
static void
on_pipelined_reply (GObject *source, GAsyncResult *result, gpointer user_data)
{
  guint *pending = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  g_assert_true (gp_dbus_manager_call_unit_changed_finish (GP_DBUS_MANAGER (source), &path,
                                                           result, &error));
  g_assert_no_error (error);
  (*pending)--;
}

static void
test_pipelined_calls_keep_order (void)
{
  g_autoptr(Svc) svc = svc_new (NULL);
  g_autoptr(GpDbusPeer) peer = NULL;
  g_autofree char *last = NULL;
  const guint n_calls = 64;
  guint pending = 0, i;

  for (i = 0; i < n_calls; i++)
    {
      g_autofree char *bricks = g_strdup_printf ("[\"/mnt/call-%u\"]", i);

      gp_dbus_manager_call_unit_changed (svc->manager, "server", "glusterfs/1",
                                         bag ("private-address", "10.0.0.1",
                                              "bricks", bricks, NULL),
                                         NULL, on_pipelined_reply, &pending);
      pending++;
    }
  while (pending > 0)
    g_main_context_iteration (NULL, TRUE);

  peer = svc_peer (svc, UNIT1_PATH);
  last = g_strdup_printf ("/mnt/call-%u", n_calls - 1);
  g_assert_cmpstrv (gp_dbus_peer_get_bricks (peer), ((const char *const[]) { last, NULL }));
}

void
register_signal_tests (void)
{
  g_test_add_func ("/service/signals/change-order", test_change_order);
  g_test_add_func ("/service/signals/first-call-is-change", test_first_call_is_change);
  g_test_add_func ("/service/signals/depart-order", test_depart_order);
  g_test_add_func ("/service/signals/idempotent", test_idempotent);
  g_test_add_func ("/service/signals/subscriber-sees-new-state", test_subscriber_sees_new_state);
  g_test_add_func ("/service/signals/pipelined-calls-keep-order", test_pipelined_calls_keep_order);
}
