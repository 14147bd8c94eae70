/* test-cli-metadata.c: reading a charm's metadata.yaml for its endpoints
 * of interface gluster-peer (src/cli/gp-cli-charm.c, through the gp-cli library): the forms
 * YAML allows for the same thing, what is not ours, and hostile files.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "gp-cli.h"

#include <glib/gstdio.h>
#include <string.h>

/* gp-cli-charm.c asks this of hook mode (gp-cli-hook.c, not linked). */
gboolean
gp_cli_in_juju_context (void)
{
  return TRUE;
}

static char *
endpoints_of (const char *yaml)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) endpoints = gp_cli_charm_parse_endpoints ("metadata.yaml", yaml,
                                                          strlen (yaml), &error);

  g_assert_no_error (error);
  g_assert_nonnull (endpoints);
  return g_strjoinv (" ", endpoints);
}

static void
assert_refused (const char *yaml, gsize length, const char *reason)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) endpoints = gp_cli_charm_parse_endpoints ("metadata.yaml", yaml, length, &error);

  g_assert_null (endpoints);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_true (g_str_has_prefix (error->message, "metadata.yaml"));
  g_assert_nonnull (strstr (error->message, reason));
}

static void
test_forms (void)
{
  static const struct {
    const char *yaml;
    const char *endpoints;
  } cases[] = {
    { "peers:\n  server:\n    interface: gluster-peer\n", "server" },
    /* The short form, flow style, every section, file order. */
    { "requires: {nfs: gluster-peer}\npeers: {server: {interface: gluster-peer}}\n"
      "provides:\n  fuse: glusterfs\n  extra:\n    scope: global\n    interface: gluster-peer\n",
      "nfs server extra" },
    /* Quoted scalars are the same scalars. */
    { "peers:\n  'server':\n    \"interface\": \"gluster-peer\"\n", "server" },
    /* Anchors and aliases: the alias is no interface name. */
    { "peers:\n  server: &gp\n    interface: gluster-peer\n  backup: *gp\n", "server" },
    /* Other sections, other interfaces, other shapes: not ours. */
    { "name: gluster\nsummary: x\nextra-bindings: {peers: gluster-peer}\n"
      "storage:\n  bricks:\n    type: block\n    interface: gluster-peer\n", "" },
    { "peers:\n  server:\n    interface: [gluster-peer]\n", "" },
    { "peers:\n  server:\n    interface: gluster-peer-v2\n", "" },
    { "peers: [server, gluster-peer]\n", "" },
    { "peers:\n  ? [complex, key]\n  : gluster-peer\n", "" },
    /* A name Juju would refuse is no endpoint. */
    { "peers:\n  Server_1: gluster-peer\n  ok-2: gluster-peer\n", "ok-2" },
    /* Not a mapping at all, or nothing. */
    { "- peers\n- server\n", "" },
    { "just a string\n", "" },
    { "", "" },
    { "# only a comment\n", "" },
    { "---\n...\n", "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *endpoints = endpoints_of (cases[i].yaml);

      g_test_message ("case %u: %s", i, cases[i].yaml);
      g_assert_cmpstr (endpoints, ==, cases[i].endpoints);
    }
}

static void
test_hostile (void)
{
  g_autoptr(GString) text = g_string_new ("peers: ");
  g_autofree char *big = NULL;
  g_autofree char *at_limit = NULL;

  /* 64 levels are fine, 65 are not; 100,000 fail as fast. */
  for (guint i = 0; i < 63; i++)
    g_string_append_c (text, '[');
  for (guint i = 0; i < 63; i++)
    g_string_append_c (text, ']');
  at_limit = endpoints_of (text->str);
  g_assert_cmpstr (at_limit, ==, "");
  g_string_assign (text, "peers: ");
  for (guint i = 0; i < 64; i++)
    g_string_append_c (text, '[');
  for (guint i = 0; i < 64; i++)
    g_string_append_c (text, ']');
  assert_refused (text->str, text->len, "nested too deeply");
  g_string_assign (text, "a: ");
  for (guint i = 0; i < 100000; i++)
    g_string_append (text, "{b: ");
  assert_refused (text->str, text->len, "nested too deeply");

  big = g_malloc0 (1024 * 1024 + 2);
  memset (big, '#', 1024 * 1024 + 1);
  assert_refused (big, 1024 * 1024 + 1, "larger than");

  assert_refused ("peers: {server: [unclosed\n", 26, "metadata.yaml:");
  assert_refused ("peers:\n\tserver: x\n", 18, "metadata.yaml:");
  assert_refused ("peers: \xff\xfe\n", 10, "metadata.yaml:");
  /* A NUL inside is what it is: not YAML. */
  assert_refused ("peers:\0 x\n", 10, "metadata.yaml:");
}

/* Which endpoint commands default to, from the environment. */
static void
test_default_endpoint (void)
{
  g_autofree char *dir = g_dir_make_tmp ("gp-test-metadata-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "metadata.yaml", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *endpoint = NULL;
  gboolean usage;

  g_assert_nonnull (dir);
  g_setenv ("JUJU_CHARM_DIR", dir, TRUE);
  g_unsetenv ("CHARM_DIR");

  /* No metadata: the hook's relation. */
  g_setenv ("JUJU_RELATION", "fuse", TRUE);
  g_assert_true (gp_cli_default_endpoint (&endpoint, &usage, &error));
  g_assert_cmpstr (endpoint, ==, "fuse");
  g_clear_pointer (&endpoint, g_free);

  g_assert_true (g_file_set_contents (path, "peers: {server: gluster-peer}\n"
                                      "provides: {fuse: glusterfs}\n", -1, NULL));
  g_assert_true (gp_cli_default_endpoint (&endpoint, &usage, &error));
  g_assert_cmpstr (endpoint, ==, "server");
  g_clear_pointer (&endpoint, g_free);

  g_assert_true (g_file_set_contents (path, "peers: {a: gluster-peer, b: gluster-peer}\n",
                                      -1, NULL));
  g_assert_false (gp_cli_default_endpoint (&endpoint, &usage, &error));
  g_assert_true (usage);
  g_assert_nonnull (strstr (error->message, "(a, b)"));
  g_clear_error (&error);
  g_setenv ("JUJU_RELATION", "b", TRUE);
  g_assert_true (gp_cli_default_endpoint (&endpoint, &usage, &error));
  g_assert_cmpstr (endpoint, ==, "b");
  g_clear_pointer (&endpoint, g_free);

  g_assert_true (g_file_set_contents (path, "provides: {fuse: glusterfs}\n", -1, NULL));
  g_assert_false (gp_cli_default_endpoint (&endpoint, &usage, &error));
  g_assert_true (usage);
  g_clear_error (&error);

  g_unlink (path);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cli/metadata/forms", test_forms);
  g_test_add_func ("/cli/metadata/hostile", test_hostile);
  g_test_add_func ("/cli/metadata/default-endpoint", test_default_endpoint);
  return g_test_run ();
}
