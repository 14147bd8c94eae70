/* gp-test-bus.h: private message bus and daemon harness for GTest
 * integration tests.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Each test gets its own dbus-daemon, configured like the system bus
 * (tests/bus.conf.in) with the project's real policy file loaded
 * (data/org.juju.GlusterPeer.conf), or with an allow-everything policy
 * (tests/open-policy.conf) to test the daemon's own privilege checks.
 *
 * Paths: the daemon is $GP_DAEMON, else the gluster-peerd meson built
 * (compiled in); the source tree is $GP_SOURCE_DIR, else the one meson
 * configured (compiled in). tests/meson.build sets both variables.
 *
 * $GP_DAEMON_WRAPPER, when set, is split like a shell command line and put
 * in front of the daemon (e.g. "valgrind --error-exitcode=99 -q").
 * $GP_TEST_TIMEOUT_SCALE (a number, default 1) multiplies every timeout of
 * the harness, for slow machines and valgrind. $GP_DBUS_DAEMON overrides
 * the dbus-daemon found in PATH.
 *
 * Failures of the harness itself (dbus-daemon does not start, the daemon
 * does not appear on the bus, the daemon does not exit) abort the test with
 * a message, like g_assert.
 *
 * Free a GpTestDaemon before the GpTestBus it runs on; with g_autoptr,
 * declare the bus first.
 *
 * The bus and the helpers are in gp-test-bus.c, the daemon in
 * gp-test-daemon.c; what they share is in gp-test-bus-private.h.
 */
#pragma once

#include <gio/gio.h>
#include <sys/types.h>

G_BEGIN_DECLS

#define GP_TEST_BUS_NAME "org.juju.GlusterPeer"

/* uid the tests switch to for unprivileged calls ("nobody"). */
#define GP_TEST_UNPRIVILEGED_UID ((uid_t) 65534)
#define GP_TEST_UNPRIVILEGED_GID ((gid_t) 65534)

typedef struct _GpTestBus GpTestBus;
typedef struct _GpTestDaemon GpTestDaemon;

typedef enum {
  GP_TEST_DAEMON_FLAGS_NONE = 0,
  /* Do not pass --state-dir (to test $STATE_DIRECTORY and the default). */
  GP_TEST_DAEMON_FLAGS_NO_STATE_DIR_ARG = 1 << 0,
  /* Do not pass --verbose. */
  GP_TEST_DAEMON_FLAGS_QUIET = 1 << 1,
} GpTestDaemonFlags;

/* Paths. */
const char *gp_test_source_dir (void);           /* project source root */
const char *gp_test_daemon_path (void);          /* gluster-peerd to run */
char *gp_test_source_path (const char *first_element, ...) G_GNUC_NULL_TERMINATED;
double gp_test_timeout_scale (void);

/* Temporary directories: 0755 (so uid 65534 can reach what is inside),
 * removed recursively by gp_test_rm_rf. */
char *gp_test_make_tmp_dir (const char *tmpl);
void gp_test_rm_rf (const char *path);

/* --- the bus ---------------------------------------------------------- */

/* Starts dbus-daemon on a socket in a new temporary directory. with_policy:
 * load data/org.juju.GlusterPeer.conf (TRUE), or allow everything (FALSE). */
GpTestBus *gp_test_bus_new (gboolean with_policy);
/* Stops the bus (SIGTERM, then SIGKILL) and removes its directory. */
void gp_test_bus_free (GpTestBus *bus);
/* "unix:path=/tmp/gp-test-bus-XXXXXX/bus"; put it in DBUS_SYSTEM_BUS_ADDRESS. */
const char *gp_test_bus_get_address (GpTestBus *bus);
/* The generated dbus-daemon configuration file. */
const char *gp_test_bus_get_config_path (GpTestBus *bus);
gboolean gp_test_bus_has_policy (GpTestBus *bus);

/* A new private connection to the bus (Hello done), as the current user.
 * Transfer full. */
GDBusConnection *gp_test_bus_connect (GpTestBus *bus);

/* TRUE when gp_test_bus_connect_as_uid can work (the test runs as root). */
gboolean gp_test_can_switch_uid (void);
/* A new private connection authenticated as uid/gid: the process switches
 * its ids for the time of connect() and the EXTERNAL handshake, then
 * switches back; the bus keeps the credentials of connect(). Only as root:
 * call g_test_skip() when gp_test_can_switch_uid() is FALSE. */
GDBusConnection *gp_test_bus_connect_as_uid (GpTestBus *bus, uid_t uid, gid_t gid);
/* Same, as GP_TEST_UNPRIVILEGED_UID/GID (nobody). */
GDBusConnection *gp_test_bus_connect_unprivileged (GpTestBus *bus);

/* Waits until name has an owner (TRUE) or not (FALSE) on the bus; fails
 * the test after timeout_ms (scaled). */
void gp_test_bus_wait_for_name (GpTestBus *bus, const char *name,
                                gboolean owned, guint timeout_ms);

/* --- the daemon ------------------------------------------------------- */

/* Spawns the daemon with DBUS_SYSTEM_BUS_ADDRESS and DBUS_SESSION_BUS_ADDRESS
 * set to the bus, NOTIFY_SOCKET, WATCHDOG_*, LISTEN_*, STATE_DIRECTORY
 * unset, stdout sent to stderr, and args
 *   --state-dir STATE_DIR --verbose EXTRA_ARGS...
 * state_dir NULL: a new temporary directory, removed by
 * gp_test_daemon_free. extra_env: "NAME=VALUE" strings set on top (may
 * be NULL). Does not wait. Transfer full. */
GpTestDaemon *gp_test_daemon_spawn (GpTestBus *bus,
                                    const char *state_dir,
                                    const char *const *extra_args,
                                    const char *const *extra_env,
                                    GpTestDaemonFlags flags);
/* Waits (10 s, scaled) until GP_TEST_BUS_NAME has an owner on the bus.
 * FALSE and error if the process exits first or the time runs out. */
gboolean gp_test_daemon_wait_ready (GpTestDaemon *daemon, GError **error);

/* spawn + wait_ready; fails the test if the daemon does not get the name. */
GpTestDaemon *gp_test_daemon_start (GpTestBus *bus,
                                    const char *state_dir,
                                    const char *const *extra_args);

/* SIGKILL, reap, assert it died of SIGKILL. */
void gp_test_daemon_kill9 (GpTestDaemon *daemon);
/* SIGTERM, reap (10 s, scaled), assert it exited with status 0. */
void gp_test_daemon_stop (GpTestDaemon *daemon);
/* Waits (10 s, scaled) for the daemon to exit by itself; returns its wait
 * status as waitpid() gives it: use WIFEXITED/WEXITSTATUS/WIFSIGNALED. */
int gp_test_daemon_wait_exit (GpTestDaemon *daemon);
/* TRUE until the process has been reaped. */
gboolean gp_test_daemon_is_running (GpTestDaemon *daemon);
GPid gp_test_daemon_get_pid (GpTestDaemon *daemon);
const char *gp_test_daemon_get_state_dir (GpTestDaemon *daemon);
/* Kills (SIGKILL) the daemon if still running, reaps it, frees. */
void gp_test_daemon_free (GpTestDaemon *daemon);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GpTestBus, gp_test_bus_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GpTestDaemon, gp_test_daemon_free)

G_END_DECLS
