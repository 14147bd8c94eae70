/* test-faults-kill.c: gluster-peerd stopped amid concurrent writers:
 * /faults/kill9-concurrent and /faults/sigterm-during-writes, described in
 * test-faults.c, which runs them.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <gio/gio.h>

#include "gp-test-bus.h"
#include "gp-test-snapshot.h"
#include "gp-test-state.h"
#include "test-faults.h"

#define CLUSTER_PATH ROOT_PATH "/cluster"
#define CHURN_PATH ROOT_PATH "/churn"
#define CHURN_UNIT_PATH CHURN_PATH "/churn_2f0"
#define MANAGER_IFACE "org.juju.GlusterPeer.Manager"
#define RELATION_IFACE "org.juju.GlusterPeer.Relation"
#define PEER_IFACE "org.juju.GlusterPeer"

/* kill -9 rounds; fewer under valgrind (GP_TEST_TIMEOUT_SCALE > 1), where
 * a restart costs seconds and the point is memory errors, not races. */
#define KILL_ROUNDS 20
#define TERM_ROUNDS 12
#define SLOW_KILL_ROUNDS 4
#define SLOW_TERM_ROUNDS 2
#define N_UNIT_WRITERS 3

typedef enum {
  WRITER_UNIT,  /* UnitChanged of its own unit; now and then SendAll of its own key */
  WRITER_CHURN, /* UnitJoined / UnitDeparted of churn/0, by turns */
} WriterKind;

typedef struct _Writers Writers;

typedef struct {
  Writers *all;
  WriterKind kind;
  guint index;
  GDBusConnection *conn;
  GThread *thread;
  guint next;            /* last sequence number used */
  /* WRITER_UNIT: UnitChanged */
  guint acked;           /* what the daemon holds, as far as we know */
  guint in_flight;       /* sent, not answered; 0: none */
  /* WRITER_UNIT: SendAll of key w<index> */
  guint acked_key;
  guint in_flight_key;
  /* WRITER_CHURN */
  gboolean present;      /* churn/0 joined, as far as we know */
  gboolean toggling;     /* a join or depart in flight */
  GError *error;         /* how the round ended for it */
} Writer;

struct _Writers {
  GMutex lock;
  GCond cond;
  guint n_acked;         /* this round, all writers */
  guint n_done;          /* writers that stopped this round */
  Writer w[N_UNIT_WRITERS + 1];
};

/* The data bag of call @seq of unit writer @index: 1 to 3 bricks, every
 * value derived from @seq, so a torn write shows. */
static GVariant *
unit_bag (guint index, guint seq, GStrv *out_bricks)
{
  g_autoptr(GStrvBuilder) bricks = g_strv_builder_new ();
  g_autoptr(GString) json = g_string_new ("[");
  g_autofree char *address = g_strdup_printf ("10.3.%u.%u", index, seq % 250 + 1);
  g_autofree char *seq_text = g_strdup_printf ("%u", seq);
  GVariantBuilder bag;

  for (guint k = 0; k <= seq % 3; k++)
    {
      g_autofree char *brick = g_strdup_printf ("/srv/w%u/%u/b%u", index, seq, k);

      g_string_append_printf (json, "%s\"%s\"", k ? "," : "", brick);
      g_strv_builder_add (bricks, brick);
    }
  g_string_append_c (json, ']');
  g_variant_builder_init (&bag, G_VARIANT_TYPE ("a{ss}"));
  g_variant_builder_add (&bag, "{ss}", "bricks", json->str);
  g_variant_builder_add (&bag, "{ss}", "private-address", address);
  g_variant_builder_add (&bag, "{ss}", "seq", seq_text);
  if (out_bricks != NULL)
    *out_bricks = g_strv_builder_end (bricks);
  return g_variant_builder_end (&bag);
}

static char *
unit_name (guint index)
{
  return g_strdup_printf ("glusterfs/%u", index + 1);
}

static char *
unit_path (guint index)
{
  return g_strdup_printf (SERVER_PATH "/glusterfs_2f%u", index + 1);
}

static char *
key_name (guint index)
{
  return g_strdup_printf ("w%u", index);
}

/* One call of @w, recording what is in flight. */
static gboolean
writer_step (Writer *w, GError **error)
{
  g_autoptr(GVariant) reply = NULL;
  guint seq = ++w->next;

  if (w->kind == WRITER_CHURN)
    {
      w->toggling = TRUE;
      reply = gp_test_call (w->conn, ROOT_PATH, MANAGER_IFACE,
                            w->present ? "UnitDeparted" : "UnitJoined",
                            g_variant_new ("(ss)", "churn:2", "churn/0"), error);
      if (reply == NULL)
        return FALSE;
      w->present = !w->present;
      w->toggling = FALSE;
    }
  else if (seq % 4 == 0)
    {
      g_autofree char *key = key_name (w->index);
      g_autofree char *value = g_strdup_printf ("%u", seq);
      GVariantBuilder bag;

      g_variant_builder_init (&bag, G_VARIANT_TYPE ("a{ss}"));
      g_variant_builder_add (&bag, "{ss}", key, value);
      w->in_flight_key = seq;
      reply = gp_test_call (w->conn, CLUSTER_PATH, RELATION_IFACE, "SendAll",
                            g_variant_new ("(a{ss})", &bag), error);
      if (reply == NULL)
        return FALSE;
      w->acked_key = seq;
      w->in_flight_key = 0;
    }
  else
    {
      g_autofree char *unit = unit_name (w->index);

      w->in_flight = seq;
      reply = gp_test_call (w->conn, ROOT_PATH, MANAGER_IFACE, "UnitChanged",
                            g_variant_new ("(ss@a{ss})", "server:3", unit,
                                           unit_bag (w->index, seq, NULL)),
                            error);
      if (reply == NULL)
        return FALSE;
      w->acked = seq;
      w->in_flight = 0;
    }
  return TRUE;
}

/* Writes until a call fails: the daemon went away. */
static gpointer
writer_thread (gpointer data)
{
  Writer *w = data;
  Writers *all = w->all;

  while (writer_step (w, &w->error))
    {
      g_mutex_lock (&all->lock);
      all->n_acked++;
      g_cond_broadcast (&all->cond);
      g_mutex_unlock (&all->lock);
    }
  g_mutex_lock (&all->lock);
  all->n_done++;
  g_cond_broadcast (&all->cond);
  g_mutex_unlock (&all->lock);
  return NULL;
}

/* The call cut off reached the daemon (NoReply: it may have been
 * applied) or not (ServiceUnknown: the name had no owner any more). */
static gboolean
maybe_applied (const GError *error)
{
  if (g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_NO_REPLY))
    return TRUE;
  if (!g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN))
    g_error ("a writer failed for another reason than the daemon going away: %s",
             error ? error->message : "(no error)");
  return FALSE;
}

static GVariant *
lookup_props (GVariant *objects, const char *path, const char *iface)
{
  g_autoptr(GVariant) ifaces = g_variant_lookup_value (objects, path, G_VARIANT_TYPE ("a{sa{sv}}"));

  if (ifaces == NULL)
    return NULL;
  return g_variant_lookup_value (ifaces, iface, G_VARIANT_TYPE ("a{sv}"));
}

static GVariant *
lookup_prop (GVariant *props, const char *name)
{
  GVariant *value = g_variant_lookup_value (props, name, NULL);

  g_assert_nonnull (value);
  return value;
}

static gboolean
strv_variant_contains (GVariant *strv, const char *item)
{
  g_autofree const char **items = g_variant_get_strv (strv, NULL);

  return g_strv_contains (items, item);
}

/* After a restart: each writer's last acknowledged call is there, or the
 * one cut off, whole; relations agree with their units. That is the new
 * baseline. */
static void
verify_writers (GpTestState *f, Writers *all)
{
  g_autoptr(GVariant) snap = gp_test_snapshot (f->conn);
  g_autoptr(GVariant) objects = g_variant_get_child_value (snap, 1);
  g_autoptr(GVariant) server = lookup_props (objects, SERVER_PATH, RELATION_IFACE);
  g_autoptr(GVariant) cluster = lookup_props (objects, CLUSTER_PATH, RELATION_IFACE);
  g_autoptr(GVariant) churn = lookup_props (objects, CHURN_PATH, RELATION_IFACE);
  g_autoptr(GVariant) server_units = NULL;
  g_autoptr(GVariant) server_states = NULL;
  g_autoptr(GVariant) local = NULL;
  g_autoptr(GVariant) churn_units = NULL;
  g_autoptr(GVariant) churn_states = NULL;

  g_assert_nonnull (server);
  g_assert_nonnull (cluster);
  g_assert_nonnull (churn);
  server_units = lookup_prop (server, "Units");
  g_assert_cmpuint (g_variant_n_children (server_units), ==, N_UNIT_WRITERS);
  server_states = lookup_prop (server, "States");
  g_assert_true (strv_variant_contains (server_states, "available"));
  g_assert_true (strv_variant_contains (server_states, "connected"));
  local = lookup_prop (cluster, "LocalSettings");

  for (guint i = 0; i < G_N_ELEMENTS (all->w); i++)
    {
      Writer *w = &all->w[i];
      gboolean cut_off_applied_possible = w->error != NULL && maybe_applied (w->error);

      if (w->kind == WRITER_CHURN)
        {
          g_autoptr(GVariant) unit = lookup_props (objects, CHURN_UNIT_PATH, PEER_IFACE);
          gboolean present = unit != NULL;

          churn_units = lookup_prop (churn, "Units");
          churn_states = lookup_prop (churn, "States");
          if (present != w->present)
            {
              g_test_message ("churn/0 %s: the %s cut off was applied",
                              present ? "present" : "absent",
                              w->present ? "departure" : "join");
              g_assert_true (w->toggling && cut_off_applied_possible);
            }
          /* The relation agrees with its units. */
          g_assert_cmpuint (g_variant_n_children (churn_units), ==, present ? 1 : 0);
          g_assert_true (strv_variant_contains (churn_states, "connected") == present);
          w->present = present;
          w->toggling = FALSE;
        }
      else
        {
          g_autofree char *path = unit_path (w->index);
          g_autofree char *key = key_name (w->index);
          g_autoptr(GVariant) unit = lookup_props (objects, path, PEER_IFACE);
          g_autoptr(GVariant) settings = NULL;
          g_autoptr(GVariant) bricks = NULL;
          g_autoptr(GVariant) address = NULL;
          g_autoptr(GVariant) available = NULL;
          g_autoptr(GVariant) expected = NULL;
          g_auto(GStrv) expected_bricks = NULL;
          g_autofree const char **got_bricks = NULL;
          const char *seq_text = NULL, *key_text = NULL, *address_text = NULL;
          guint64 seq = 0, key_seq = 0;

          g_assert_nonnull (unit);
          settings = lookup_prop (unit, "Settings");
          bricks = lookup_prop (unit, "Bricks");
          address = lookup_prop (unit, "Address");
          available = lookup_prop (unit, "Available");
          g_assert_true (g_variant_lookup (settings, "seq", "&s", &seq_text));
          g_assert_true (g_ascii_string_to_unsigned (seq_text, 10, 1, G_MAXUINT, &seq, NULL));
          if (seq != w->acked)
            {
              g_test_message ("%s holds call %" G_GUINT64_FORMAT "; acknowledged %u, cut off %u",
                              path, seq, w->acked, w->in_flight);
              g_assert_true (cut_off_applied_possible && w->in_flight != 0 &&
                             seq == w->in_flight);
            }
          /* Whole: every property from that one call. */
          expected = g_variant_ref_sink (unit_bag (w->index, (guint) seq, &expected_bricks));
          g_assert_cmpvariant (settings, expected);
          got_bricks = g_variant_get_strv (bricks, NULL);
          g_assert_cmpstrv (got_bricks, expected_bricks);
          g_assert_true (g_variant_lookup (settings, "private-address", "&s", &address_text));
          g_assert_cmpstr (g_variant_get_string (address, NULL), ==, address_text);
          g_assert_true (g_variant_get_boolean (available));
          w->acked = (guint) seq;
          w->in_flight = 0;

          g_assert_true (g_variant_lookup (local, key, "&s", &key_text));
          g_assert_true (g_ascii_string_to_unsigned (key_text, 10, 0, G_MAXUINT, &key_seq, NULL));
          if (key_seq != w->acked_key)
            {
              g_test_message ("LocalSettings[%s] is %" G_GUINT64_FORMAT "; acknowledged %u, "
                              "cut off %u", key, key_seq, w->acked_key, w->in_flight_key);
              g_assert_true (cut_off_applied_possible && w->in_flight_key != 0 &&
                             key_seq == w->in_flight_key);
            }
          w->acked_key = (guint) key_seq;
          w->in_flight_key = 0;
        }
      g_clear_error (&w->error);
    }
}

/* Writers on their own connections, and the data they start from. */
static void
writers_init (GpTestState *f, Writers *all)
{
  static const GpTestStep relations[] = {
    { ROOT_PATH, "RelationCreated", "('server:3',)" },
    { ROOT_PATH, "RelationCreated", "('cluster:1',)" },
    { ROOT_PATH, "RelationCreated", "('churn:2',)" },
    { CLUSTER_PATH, "SetLocalUnit", "('glusterfs/0', {'w0': '0', 'w1': '0', 'w2': '0'})" },
  };
  g_autoptr(GVariant) snap = NULL;

  g_mutex_init (&all->lock);
  g_cond_init (&all->cond);
  for (gsize i = 0; i < G_N_ELEMENTS (relations); i++)
    gp_test_run_step (f->conn, &relations[i]);
  for (guint i = 0; i < G_N_ELEMENTS (all->w); i++)
    {
      Writer *w = &all->w[i];
      g_autoptr(GError) error = NULL;

      w->all = all;
      w->index = i;
      w->kind = i < N_UNIT_WRITERS ? WRITER_UNIT : WRITER_CHURN;
      w->conn = gp_test_bus_connect (f->bus);
      /* A first acknowledged call for each. */
      g_assert_true (writer_step (w, &error));
      g_assert_no_error (error);
    }
}

static void
writers_clear (Writers *all)
{
  for (guint i = 0; i < G_N_ELEMENTS (all->w); i++)
    {
      g_dbus_connection_close_sync (all->w[i].conn, NULL, NULL);
      g_clear_object (&all->w[i].conn);
      g_clear_error (&all->w[i].error);
    }
  g_cond_clear (&all->cond);
  g_mutex_clear (&all->lock);
}

/* Rounds of: writers at work, the daemon stopped (@mode) at a random
 * moment, restarted with a watcher on the bus, everything checked. */
static void
run_rounds (GpTestState *f, GpTestStop mode, guint rounds)
{
  Writers all = { 0 };

  gp_test_state_start (f, NULL);
  writers_init (f, &all);
  for (guint round = 0; round < rounds; round++)
    {
      g_autoptr(GPtrArray) signals = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(GDBusConnection) watcher = NULL;
      guint target = (guint) g_test_rand_int_range (1, 40);
      gint64 deadline = g_get_monotonic_time () +
                        (gint64) (GP_TEST_CALL_TIMEOUT_MS * gp_test_timeout_scale ()) * 1000;

      all.n_acked = 0;
      all.n_done = 0;
      for (guint i = 0; i < G_N_ELEMENTS (all.w); i++)
        all.w[i].thread = g_thread_new ("writer", writer_thread, &all.w[i]);

      /* A random moment: after @target acknowledged calls, and then a
       * random point within the calls in flight. */
      g_mutex_lock (&all.lock);
      while (all.n_acked < target && all.n_done == 0)
        if (!g_cond_wait_until (&all.cond, &all.lock, deadline))
          break;
      g_assert_cmpuint (all.n_done, ==, 0); /* no writer may fail on its own */
      g_assert_cmpuint (all.n_acked, >=, target);
      g_mutex_unlock (&all.lock);
      g_usleep ((gulong) g_test_rand_int_range (0, 3000));

      gp_test_state_stop (f, mode);
      for (guint i = 0; i < G_N_ELEMENTS (all.w); i++)
        g_thread_join (all.w[i].thread);
      g_test_message ("round %u: %s after %u acknowledged calls", round,
                      mode == GP_TEST_STOP_KILL ? "killed" : "terminated", all.n_acked);

      /* Subscribed before the daemon starts: it exports its objects before
       * it owns the name, so anything it emits at start-up is seen. */
      watcher = gp_test_watch_signals (f->bus, signals);
      gp_test_state_start (f, NULL);
      gp_test_sync_signals (watcher);
      gp_test_assert_no_signals (signals);
      gp_test_close_watcher (&watcher);
      verify_writers (f, &all);
    }
  gp_test_state_stop (f, GP_TEST_STOP_TERM);
  writers_clear (&all);
}

static void
test_kill9_concurrent (GpTestState *f, gconstpointer data)
{
  run_rounds (f, GP_TEST_STOP_KILL, gp_test_timeout_scale () > 1 ? SLOW_KILL_ROUNDS : KILL_ROUNDS);
}

static void
test_sigterm_during_writes (GpTestState *f, gconstpointer data)
{
  run_rounds (f, GP_TEST_STOP_TERM, gp_test_timeout_scale () > 1 ? SLOW_TERM_ROUNDS : TERM_ROUNDS);
}

static void
fixture_set_up (GpTestState *f, gconstpointer data)
{
  gp_test_state_set_up (f, FAULTS_STATE_DIR_TEMPLATE);
}

static void
fixture_tear_down (GpTestState *f, gconstpointer data)
{
  gp_test_state_tear_down (f);
}

void
faults_add_kill_tests (void)
{
#define ADD(name, func) \
  g_test_add (name, GpTestState, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/faults/kill9-concurrent", test_kill9_concurrent);
  ADD ("/faults/sigterm-during-writes", test_sigterm_during_writes);
#undef ADD
}
