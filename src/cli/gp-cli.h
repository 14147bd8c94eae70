/* gp-cli.h: what the parts of gluster-peerctl share: the invocation's
 * options and bus connection, error reporting with the exit codes, the
 * command table, JSON and table output, and Juju's hook tools.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "config.h"

#include <glib/gi18n.h>

#include "gp-dbus.h"
#include "gp-json.h"

G_BEGIN_DECLS

/* Exit codes, as the man page documents them. */
enum {
  GP_CLI_EXIT_OK = 0,
  GP_CLI_EXIT_FAILED = 1, /* the service or the system said no */
  GP_CLI_EXIT_USAGE = 2,  /* the command line (or hook environment) is wrong */
};

typedef struct {
  /* Options any command may take (see gluster-peerctl.c). */
  gboolean session;
  gboolean json;
  char *relation;

  const char *command;           /* for messages: "status", "hook", ... */
  GDBusConnection *connection;   /* once gp_cli_connect() succeeded */
  GpDbusManager *manager;        /* once gp_cli_connect_service() succeeded */
  gboolean manager_lean;         /* manager has no properties loaded */
  GDBusObjectManager *objects;   /* idem: the relations and units */
} GpCli;

typedef enum {
  GP_CLI_COMMAND_READS = 1 << 0,    /* prints something: takes --json */
  GP_CLI_COMMAND_RELATION = 1 << 1, /* works on one relation: takes --relation */
} GpCliCommandFlags;

typedef struct {
  const char *name;
  const char *parameters;  /* N_() */
  const char *summary;     /* N_() */
  GpCliCommandFlags flags;
  const GOptionEntry *entries; /* command-specific options, or NULL */
  /* argv[0] is the command name; options are parsed already. */
  int (*run) (GpCli *cli, int argc, char **argv);
} GpCliCommand;

/* gp-cli-commands.c and gp-cli-monitor.c; NULL-name terminated. */
extern const GpCliCommand gp_cli_commands[];
int gp_cli_monitor (GpCli *cli, int argc, char **argv);

/* gp-cli-hook.c */
/* The <relation>-relation-<kind> hook named @hook_name (NULL: take it
 * from $JUJU_HOOK_NAME). */
int gp_cli_hook (GpCli *cli, const char *hook_name);
/* TRUE when @name looks like "<relation>-relation-<kind>". */
gboolean gp_cli_is_hook_name (const char *name);
/* TRUE when running inside a Juju hook or action (hook tools usable). */
gboolean gp_cli_in_juju_context (void);
/* relation-set KEY=VALUE... (@settings) on every relation id of
 * @endpoint (relation-ids). */
gboolean gp_cli_publish (const char *endpoint, const char *const *settings, GError **error);
/* Runs one of Juju's hook tools (found on PATH) and returns its stdout. */
char *gp_cli_juju_run (const char *const *argv, GError **error);
/* relation-get --format=json -r ID - UNIT: the whole data bag as a{ss}
 * (@relation_id NULL: the hook's). */
GVariant *gp_cli_juju_read_bag (const char *relation_id, const char *unit, GError **error);
/* A tool's --format=json list of strings (relation-ids, relation-list);
 * null or nothing is the empty list. */
GStrv gp_cli_juju_read_list (const char *const *argv, GError **error);

/* gp-cli-sync.c: `sync`, Juju's truth into the service. */
int gp_cli_sync (GpCli *cli, int argc, char **argv);

/* gp-cli-charm.c: the charm's metadata.yaml */
/* Names of the endpoints of interface gluster-peer declared in @text (a
 * metadata.yaml read from @path, for messages). NULL and @error when the
 * text is not YAML, too large or nested too deeply. */
GStrv gp_cli_charm_parse_endpoints (const char *path, const char *text, gsize length,
                                    GError **error);
/* Same for $JUJU_CHARM_DIR/metadata.yaml, else $CHARM_DIR/metadata.yaml;
 * TRUE with *@endpoints NULL when there is no such file (not a charm). */
gboolean gp_cli_charm_endpoints (GStrv *endpoints, GError **error);
/* The endpoint a command works on when not told: in a Juju hook, the
 * charm's only gluster-peer endpoint, or of several the one whose hook
 * runs (without charm metadata: $JUJU_RELATION); NULL outside Juju. FALSE
 * with *@usage set when the choice is the user's. */
gboolean gp_cli_default_endpoint (char **endpoint, gboolean *usage, GError **error);

/* gp-cli-bus.c: errors */
/* Prints "gluster-peerctl: COMMAND: MESSAGE" for a failure of the service
 * or the system and returns GP_CLI_EXIT_FAILED. */
int gp_cli_fail (GpCli *cli, const GError *error);
/* Same for a usage error; returns GP_CLI_EXIT_USAGE. */
int gp_cli_usage (GpCli *cli, const char *format, ...) G_GNUC_PRINTF (2, 3);
/* A usage error unless the command got @min to @max arguments (@max < 0:
 * no limit) besides argv[0]; else GP_CLI_EXIT_OK. */
int gp_cli_check_args (GpCli *cli, int argc, int min, int max);

/* gp-cli-bus.c: the service */
gboolean gp_cli_connect (GpCli *cli, GError **error);
/* Connects, and fails unless gluster-peerd owns its name. @with_objects:
 * also fetch every relation and unit (the object manager). */
gboolean gp_cli_connect_service (GpCli *cli, gboolean with_objects, GError **error);
/* Relations on the bus, sorted like Manager.Relations. Transfer full
 * (list and elements). */
GList *gp_cli_list_relations (GpCli *cli);
/* The relation the command works on: --relation, else $JUJU_RELATION in a
 * hook, else the only one. Sets *usage when the choice is the user's to
 * make (several relations, no --relation). Transfer full. */
GpDbusRelation *gp_cli_choose_relation (GpCli *cli, gboolean *usage, GError **error);
/* The relation's units in the order of its Units property. Transfer full. */
GList *gp_cli_relation_peers (GpCli *cli, GpDbusRelation *relation);
void gp_cli_disconnect (GpCli *cli);

/* gp-cli-output.c */
/* Members in the order they were added; @pretty: indented by 2. */
void gp_cli_print_json (const json_t *json, gboolean pretty);
json_t *gp_cli_json_settings (GVariant *settings);
json_t *gp_cli_json_peer (GpDbusPeer *peer);
json_t *gp_cli_json_relation (GpCli *cli, GpDbusRelation *relation);
/* "unit" or "relation unit" for an object path of ours; NULL for others. */
char *gp_cli_describe_path (const char *path);
/* @text wrapped at @width columns, every line after the first indented
 * by @indent spaces. */
char *gp_cli_wrap (const char *text, guint indent, guint width);
/* Column width in characters, for tables that fit 80 columns. */
guint gp_cli_text_width (const char *text);
/* Pads to @width columns with spaces (UTF-8 aware). */
void gp_cli_print_padded (const char *text, guint width);
void gp_cli_print_status (GpCli *cli, GList *relations);

G_END_DECLS
