/* test-cli-util.h: running the real gluster-peerctl against the real daemon
 * on a private bus (gp-test-bus.h), with the stand-ins for Juju's hook
 * tools in tests/juju/ and their on-disk model (see tests/juju/fakejuju.py).
 *
 * $GP_PEERCTL is the gluster-peerctl to run (tests/meson.build sets it).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "gp-json.h"
#include "gp-test-bus.h"

typedef struct {
  GpTestBus *bus;
  GpTestDaemon *daemon;
  GDBusConnection *conn;  /* the test's own connection, root */
  char *dir;              /* temporary: juju model, hook links */
  char *juju_dir;         /* $GP_FAKE_JUJU_DIR */
  guint signals;          /* signals of the daemon seen on conn */
  guint subscription;
} CliFixture;

void cli_fixture_setup (CliFixture *f, gconstpointer data);
void cli_fixture_teardown (CliFixture *f, gconstpointer data);

/* Runs gluster-peerctl ARGS... (NULL-terminated) with extra "NAME=VALUE"
 * environment (@env may be NULL; "NAME=" unsets); returns the exit status;
 * @out and @err may be NULL. LC_ALL=C, PATH starts with tests/juju. */
int cli_run (CliFixture *f, const char *const *env, char **out, char **err,
             const char *first_arg, ...) G_GNUC_NULL_TERMINATED;
/* Runs the hook link <relation>-relation-<kind> (@hook is that name) with
 * a Juju-like environment for relation id @relation_id and the given
 * remote/departing unit (NULL: unset), local unit glusterfs/0, plus @env. */
int cli_hook (CliFixture *f, const char *hook, const char *relation_id,
              const char *remote, const char *departing, const char *const *env,
              char **err);
/* Runs @argv (any program) the same way. */
int cli_spawn (CliFixture *f, const char *const *argv, const char *const *env,
               char **out, char **err);
/* Writes @yaml as the metadata.yaml of a charm in the fixture's directory
 * and returns "JUJU_CHARM_DIR=<that charm>", to put in an environment. */
char *cli_charm_metadata (CliFixture *f, const char *yaml);
/* Runs with --json, asserts exit 0 and one valid JSON document. */
json_t *cli_json (CliFixture *f, const char *first_arg, ...) G_GNUC_NULL_TERMINATED;

/* The model: relation ids, data bags. */
void cli_model_add_relation (CliFixture *f, const char *relation_id);
void cli_model_set_bag (CliFixture *f, const char *relation_id, const char *unit,
                        const char *json);
void cli_model_remove_bag (CliFixture *f, const char *relation_id, const char *unit);
char *cli_model_get_bag (CliFixture *f, const char *relation_id, const char *unit);
void cli_model_fail_tool (CliFixture *f, const char *tool, const char *message);
/* What calls.log recorded since the last call of this. */
char *cli_model_take_calls (CliFixture *f);

/* Makes sure every signal the daemon sent so far has been counted, and
 * returns the count since the last call. */
guint cli_take_signals (CliFixture *f);

/* Members of a --json status document. */
json_t *cli_status_relation (const json_t *status, const char *name);
json_t *cli_status_unit (const json_t *relation, const char *unit);
/* Member @key of @object, asserting that it is there and, for the
 * typed ones, of that type. */
json_t *cli_member (const json_t *object, const char *key);
const char *cli_member_string (const json_t *object, const char *key);
gboolean cli_member_boolean (const json_t *object, const char *key);
/* Joins a JSON array of strings with spaces. */
char *cli_join_strings (const json_t *array);
/* Number of lines of @text (a last line without newline counts). */
guint cli_count_lines (const char *text);
