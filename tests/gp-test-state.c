/* gp-test-state.c: see gp-test-state.h.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "gp-test-state.h"

void
gp_test_state_set_up (GpTestState *s, const char *tmpl)
{
  s->bus = gp_test_bus_new (gp_test_can_switch_uid ());
  s->state_dir = gp_test_make_tmp_dir (tmpl);
  s->conn = gp_test_bus_connect (s->bus);
}

void
gp_test_state_tear_down (GpTestState *s)
{
  g_clear_pointer (&s->daemon, gp_test_daemon_free);
  g_dbus_connection_close_sync (s->conn, NULL, NULL);
  g_clear_object (&s->conn);
  g_clear_pointer (&s->bus, gp_test_bus_free);
  gp_test_rm_rf (s->state_dir);
  g_clear_pointer (&s->state_dir, g_free);
}

void
gp_test_state_start (GpTestState *s, const char *const *extra_env)
{
  g_autoptr(GError) error = NULL;

  g_assert_null (s->daemon);
  s->daemon = gp_test_daemon_spawn (s->bus, s->state_dir, NULL, extra_env,
                                    GP_TEST_DAEMON_FLAGS_NONE);
  gp_test_daemon_wait_ready (s->daemon, &error);
  g_assert_no_error (error);
}

void
gp_test_state_stop (GpTestState *s, GpTestStop how)
{
  if (how == GP_TEST_STOP_KILL)
    gp_test_daemon_kill9 (s->daemon);
  else
    gp_test_daemon_stop (s->daemon);
  g_clear_pointer (&s->daemon, gp_test_daemon_free);
}
