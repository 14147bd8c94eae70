/* gluster-peerctl: the command line client of gluster-peerd.
 *
 *   gluster-peerctl [--session] [--json] [--relation R] COMMAND [ARGS...]
 *   <relation>-relation-<kind>          (a link: hook mode, see gp-cli-hook.c)
 *
 * Options given before the command apply to it as if given after it.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "gp-cli.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>

static GpCli cli;
static gboolean opt_version;

static const GOptionEntry bus_entries[] = {
  { "session", 0, 0, G_OPTION_ARG_NONE, &cli.session,
    N_("Use the session bus instead of the system bus"), NULL },
  { NULL }
};

static const GOptionEntry json_entries[] = {
  { "json", 'j', 0, G_OPTION_ARG_NONE, &cli.json,
    N_("Print JSON for scripts"), NULL },
  { NULL }
};

static const GOptionEntry relation_entries[] = {
  { "relation", 'R', 0, G_OPTION_ARG_STRING, &cli.relation,
    N_("Work on relation NAME (server, or an id: server:3)"),
    N_("NAME") },
  { NULL }
};

static const GOptionEntry main_entries[] = {
  { "version", 0, 0, G_OPTION_ARG_NONE, &opt_version,
    N_("Print the version and exit"), NULL },
  { NULL }
};

static GOptionContext *
new_context (const char *parameters)
{
  GOptionContext *context = g_option_context_new (parameters);

  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, bus_entries, GETTEXT_PACKAGE);
  return context;
}

static char *
commands_description (void)
{
  GString *text = g_string_new (_("Commands:"));

  g_string_append_c (text, '\n');
  for (const GpCliCommand *c = gp_cli_commands; c->name; c++)
    {
      g_autofree char *line = g_strdup_printf ("  %-15s %s", c->name, _(c->summary));

      g_string_append_printf (text, "%s\n", line);
    }
  g_string_append_c (text, '\n');
  g_string_append (text, _("Run as “gluster-peerctl hook”, or through a link named\n"
                           "<relation>-relation-<kind> (created, joined, changed, departed,\n"
                           "broken), it is a Juju relation hook.\n\n"
                           "“gluster-peerctl COMMAND --help” describes a command; see also\n"
                           "gluster-peerctl(1)."));
  return g_string_free (text, FALSE);
}

static const GpCliCommand *
find_command (const char *name)
{
  for (const GpCliCommand *c = gp_cli_commands; c->name; c++)
    if (g_str_equal (c->name, name))
      return c;
  return NULL;
}

/* Parses COMMAND's own options (and the common ones again, so they may
 * follow the command), then runs it. */
static int
run_command (const GpCliCommand *command, int argc, char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *usage_name = g_strdup_printf ("gluster-peerctl %s", command->name);
  gboolean json_before = cli.json;
  const char *parameters = command->parameters[0] ? _(command->parameters) : NULL;

  cli.command = command->name;
  context = new_context (parameters);
  g_option_context_set_summary (context, _(command->summary));
  if (command->flags & GP_CLI_COMMAND_READS)
    g_option_context_add_main_entries (context, json_entries, GETTEXT_PACKAGE);
  if (command->flags & GP_CLI_COMMAND_RELATION)
    g_option_context_add_main_entries (context, relation_entries, GETTEXT_PACKAGE);
  if (command->entries)
    g_option_context_add_main_entries (context, command->entries, GETTEXT_PACKAGE);

  /* --help prints "Usage: gluster-peerctl COMMAND ..." from the prgname. */
  g_set_prgname (usage_name);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return gp_cli_usage (&cli, "%s", error->message);
  g_set_prgname ("gluster-peerctl");
  if (json_before && !(command->flags & GP_CLI_COMMAND_READS))
    return gp_cli_usage (&cli, _("--json does not apply: this command prints nothing"));
  if (cli.relation && !(command->flags & GP_CLI_COMMAND_RELATION))
    return gp_cli_usage (&cli, _("--relation does not apply to this command"));
  return command->run (&cli, argc, argv);
}

/* Invoked through a link named after a relation hook. */
static int
run_hook_link (const char *hook_name, int argc, char **argv)
{
  g_autoptr(GOptionContext) context = new_context (NULL);
  g_autoptr(GError) error = NULL;

  cli.command = hook_name;
  g_option_context_set_summary (context, _("Juju relation hook: tells gluster-peerd what "
                                           "happened on the relation"));
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return gp_cli_usage (&cli, "%s", error->message);
  if (argc > 1)
    return gp_cli_usage (&cli, _("a hook takes no arguments"));
  return gp_cli_hook (&cli, hook_name);
}

static int
run (int argc, char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *base = g_path_get_basename (argv[0]);
  g_autofree char *description = NULL;
  const GpCliCommand *command;

  if (gp_cli_is_hook_name (base))
    return run_hook_link (base, argc, argv);

  cli.command = NULL;
  context = new_context (_("COMMAND [ARGUMENT…]"));
  g_option_context_set_summary (context, _("Look at and act on the peers of Juju GlusterFS "
                                           "relations that gluster-peerd tracks."));
  g_option_context_add_main_entries (context, json_entries, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, relation_entries, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, main_entries, GETTEXT_PACKAGE);
  description = commands_description ();
  g_option_context_set_description (context, description);
  /* Stop at the command: what follows is the command's. */
  g_option_context_set_strict_posix (context, TRUE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return gp_cli_usage (&cli, "%s", error->message);
  if (opt_version)
    {
      g_print ("gluster-peerctl %s\n", PACKAGE_VERSION);
      return GP_CLI_EXIT_OK;
    }
  if (argc < 2)
    return gp_cli_usage (&cli, _("no command given (see gluster-peerctl --help)"));
  command = find_command (argv[1]);
  if (command == NULL)
    return gp_cli_usage (&cli, _("unknown command “%s” (see gluster-peerctl --help)"), argv[1]);
  return run_command (command, argc - 1, argv + 1);
}

int
main (int argc, char **argv)
{
  int status;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, GP_LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_set_prgname ("gluster-peerctl");

  status = run (argc, argv);
  gp_cli_disconnect (&cli);
  g_free (cli.relation);
  return status;
}
