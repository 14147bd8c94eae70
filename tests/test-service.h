/* test-service.h: fixture shared by the integration tests of gluster-peerd
 * through the generated proxies (test-service*.c).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * A Svc is one private bus, one gluster-peerd on it (fresh state directory)
 * and two connections:
 *   - conn: makes every call, through the generated proxies; a filter
 *     logs the order of the daemon's signals and replies on it, so a test
 *     can check that every signal of a call came before its reply;
 *   - rec_conn: records every signal the daemon sends
 *     (g_dbus_connection_signal_subscribe on the daemon's unique name).
 *
 * A checked call is svc_begin(), the call, then svc_expect() (or
 * svc_expect_rejected()), which do a Ping round trip on both connections
 * before looking at what was recorded.
 */
#pragma once

#include <gio/gio.h>

#include "gp-dbus.h"
#include "gp-test-bus.h"

G_BEGIN_DECLS

#define ROOT_PATH "/org/juju/GlusterPeer"
#define REL_PATH ROOT_PATH "/server"
#define UNIT1_PATH REL_PATH "/glusterfs_2f1"
#define UNIT2_PATH REL_PATH "/glusterfs_2f2"
#define UNIT3_PATH REL_PATH "/glusterfs_2f3"
#define UNIT10_PATH REL_PATH "/glusterfs_2f10"

#define MANAGER_IFACE "org.juju.GlusterPeer.Manager"
#define RELATION_IFACE "org.juju.GlusterPeer.Relation"
#define PEER_IFACE "org.juju.GlusterPeer"

#define ERR_INVALID "org.juju.GlusterPeer.Error.InvalidArgument"
#define ERR_LIMIT "org.juju.GlusterPeer.Error.LimitExceeded"
#define ERR_PEERS "org.juju.GlusterPeer.Error.InsufficientPeers"
#define ERR_FAILED "org.juju.GlusterPeer.Error.Failed"
#define ERR_DENIED "org.freedesktop.DBus.Error.AccessDenied"

/* How svc_expect() spells a recorded signal. */
#define SIG_PC(path, iface, props) "PropertiesChanged " path " " iface " " props
#define SIG_ADDED(path, ifaces) "InterfacesAdded " path " " ifaces
#define SIG_REMOVED(path, ifaces) "InterfacesRemoved " path " " ifaces
#define SIG_BRICKS_ADDED(path, list) "BricksAdded " path " " list
#define SIG_BRICKS_REMOVED(path, list) "BricksRemoved " path " " list
/* args: the (address, bricks) printed, e.g. "('198.51.100.2', ['/b'])" */
#define SIG_DEPARTED(path, args) "Departed " path " " args

/* The properties PropertiesChanged of a unit carries when its data bag
 * first gets an address and bricks. */
#define UNIT_DATA_PROPS "Address,Addresses,Available,Bricks,Settings"

typedef struct {
  char *path;
  char *iface;
  char *member;
  GVariant *params;
} SvcSignal;

typedef struct {
  GpTestBus *bus;
  GpTestDaemon *daemon;
  char *state_dir;
  GStrv extra_args;
  char *owner;                /* the daemon's unique name */

  GDBusConnection *conn;
  guint conn_sub_id;
  guint filter_id;
  GMutex lock;
  GString *conn_log;          /* 'S' signal, 'R' reply: arrival order on conn */

  GDBusConnection *rec_conn;
  guint rec_sub_id;
  GPtrArray *signals;         /* SvcSignal, since svc_begin() */
  GPtrArray *last;            /* SvcSignal, what the last svc_expect() saw */

  GpDbusManager *manager;     /* proxy on conn */
} Svc;

/* Bus with the project's policy, daemon started with extra_args. */
Svc *svc_new (const char *const *extra_args);
Svc *svc_new_full (gboolean with_policy, const char *const *extra_args);
void svc_free (Svc *svc);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Svc, svc_free)

/* SIGTERM (exit status 0 asserted), then a new daemon on the same state
 * directory, with new connections. */
void svc_restart (Svc *svc);

/* Fresh proxies (properties loaded now) on conn. */
GpDbusManager *svc_manager (Svc *svc);
GpDbusRelation *svc_relation (Svc *svc, const char *path);
GpDbusPeer *svc_peer (Svc *svc, const char *path);

/* GetManagedObjects and the Manager's properties, as one value, every
 * dictionary sorted by key. */
GVariant *svc_snapshot (Svc *svc);
/* Object paths GetManagedObjects lists, sorted. */
GStrv svc_object_paths (Svc *svc);

void svc_begin (Svc *svc);
/* Checks that the signals since svc_begin() are exactly the NULL-terminated
 * list of descriptions (SIG_* macros), in order; that on conn each of them
 * came before the one reply of the call; and that every property value
 * announced (InterfacesAdded, PropertiesChanged) is the value the daemon
 * now reports. */
void svc_expect (Svc *svc, ...) G_GNUC_NULL_TERMINATED;
/* The checks of svc_expect() but the list: the descriptions, in order. */
GStrv svc_collect (Svc *svc);
/* The call failed with error name; no signal; snapshot equals before. */
void svc_expect_rejected (Svc *svc, GVariant *before, const GError *error,
                          const char *name);
/* Same, for a call made on another connection than conn. */
void svc_expect_rejected_elsewhere (Svc *svc, GVariant *before, const GError *error,
                                    const char *name);
/* The value of prop in the PropertiesChanged at index (of the last
 * svc_expect()); NULL when it does not carry prop. */
GVariant *svc_last_changed (Svc *svc, guint index, const char *prop);

/* Unchecked hook calls (they must succeed); return the object path. */
char *svc_relation_created (Svc *svc, const char *relation);
char *svc_unit_joined (Svc *svc, const char *relation, const char *unit);
char *svc_unit_changed (Svc *svc, const char *relation, const char *unit, GVariant *settings);
void svc_unit_departed (Svc *svc, const char *relation, const char *unit);
void svc_clear_state (Svc *svc, const char *state); /* on REL_PATH */

/* Local unit glusterfs/0 and remote units glusterfs/1, /2, /10 on "server":
 * see the table in test-service.c. */
void svc_populate (Svc *svc);

/* An a{ss} (floating) from NULL-terminated key, value pairs. */
GVariant *bag (const char *first_key, ...) G_GNUC_NULL_TERMINATED;
void assert_remote_error (const GError *error, const char *name);
/* actual (a{ss} or a{sas}, ...) equals the GVariant text expected, whatever
 * the order of the entries. */
void assert_dict (GVariant *actual, const char *expected);
void assert_strv_variant (GVariant *actual, const char *const *expected);
/* actual equals the GVariant text expected, order included. */
void assert_variant (GVariant *actual, const char *expected);

void register_query_tests (void);
void register_signal_tests (void);
void register_error_tests (void);
void register_bag_tests (void);
void register_member_tests (void);

G_END_DECLS
