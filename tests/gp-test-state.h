/* gp-test-state.h: gluster-peerd on a private bus, stopped and started
 * again over one state directory: the fixture of test-restart and of
 * test-faults.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "gp-test-bus.h"

G_BEGIN_DECLS

typedef struct {
  GpTestBus *bus;
  char *state_dir;       /* outlives every daemon; removed at tear-down */
  GpTestDaemon *daemon;  /* NULL while stopped */
  GDBusConnection *conn; /* the test's own connection to the bus */
} GpTestState;

typedef enum {
  GP_TEST_STOP_TERM, /* SIGTERM, exit status 0 asserted */
  GP_TEST_STOP_KILL, /* SIGKILL */
} GpTestStop;

/* A bus (the real policy when the test runs as root, which it needs to own
 * the name; otherwise the open one), a new state directory from tmpl
 * ("gp-test-NAME-XXXXXX") and a connection. No daemon yet. */
void gp_test_state_set_up (GpTestState *s, const char *tmpl);
/* Kills the daemon if one runs, and frees and removes the rest. */
void gp_test_state_tear_down (GpTestState *s);

/* Starts the daemon (none may run) on the state directory and waits until
 * it owns its name. extra_env: as gp_test_daemon_spawn(), NULL for none. */
void gp_test_state_start (GpTestState *s, const char *const *extra_env);
/* Stops the daemon as how says, and frees it. */
void gp_test_state_stop (GpTestState *s, GpTestStop how);

G_END_DECLS
