/* Unit tests of gp-names and gp-error: the names Juju hands the service and
 * the D-Bus error names of the contract. */
#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "gp-error.h"
#include "gp-names.h"

typedef gboolean (*ValidateFunc) (const char *value, GError **error);

/* Reports the input only when the checks below are about to fail, so TAP
 * output stays short while a failure still names its case. */
static void
expect_valid (ValidateFunc validate, const char *value)
{
  g_autoptr(GError) error = NULL;
  gboolean ok = validate (value, &error);

  if (!ok)
    {
      g_autofree char *escaped = g_strescape (value, NULL);
      g_test_message ("rejected “%s”: %s", escaped, error->message);
    }
  g_assert_no_error (error);
  g_assert_true (ok);
}

static void
expect_invalid (ValidateFunc validate, const char *value)
{
  g_autoptr(GError) error = NULL;
  gboolean ok = validate (value, &error);

  if (ok || !g_error_matches (error, GP_ERROR, GP_ERROR_INVALID_ARGUMENT))
    {
      g_autofree char *escaped = g_strescape (value, NULL);
      g_test_message ("wrongly handled “%s”", escaped);
    }
  g_assert_false (ok);
  g_assert_error (error, GP_ERROR, GP_ERROR_INVALID_ARGUMENT);
  /* The message travels in a D-Bus reply: invalid UTF-8 there is a
   * critical in GDBus and a dropped reply. */
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_assert_cmpstr (error->message, !=, "");
}

static gboolean
validate_endpoint (const char *value, GError **error)
{
  return gp_name_validate (value, "endpoint name", error);
}

static gboolean
validate_relation (const char *value, GError **error)
{
  return gp_relation_parse (value, NULL, NULL, error);
}

/* A name of @len bytes that matches the grammar. */
static char *
long_name (gsize len)
{
  char *s = g_strnfill (len, 'a');

  if (len > 2)
    s[len / 2] = '-';
  return s;
}

static void
test_name_valid (void)
{
  const char *valid[] = { "a", "server", "gluster-peer", "a1", "a-1", "a1-b2-c3",
                          "x0-0-0" };
  g_autofree char *longest = long_name (GP_NAME_MAX);
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (valid); i++)
    expect_valid (validate_endpoint, valid[i]);
  expect_valid (validate_endpoint, longest);
}

static void
test_name_invalid (void)
{
  const char *invalid[] = {
    "", "Server", "sErver", "1server", "-server", "server-", "ser--ver",
    "ser_ver", "ser ver", " server", "server ", "server\n", "server:",
    "server:3", "server/0", "serv\xc3\xa9r", "serv\xff", "\xc0\xaf", "a-",
    "a.b", "-", "--", "a\tb", "\x7f",
  };
  g_autofree char *too_long = long_name (GP_NAME_MAX + 1);
  g_autoptr(GError) error = NULL;
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (invalid); i++)
    expect_invalid (validate_endpoint, invalid[i]);
  expect_invalid (validate_endpoint, too_long);

  /* The caller's noun is what a person reads in the message. */
  g_assert_false (gp_name_validate ("", "address type", &error));
  g_assert_error (error, GP_ERROR, GP_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "address type"));
}

static void
test_unit_name (void)
{
  const char *valid[] = {
    "glusterfs/0", "gluster-fs/12", "a/4294967295", "a1-b2/7", "x/10",
  };
  const char *invalid[] = {
    "glusterfs/01", "glusterfs/-1", "Glusterfs/0", "gluster--fs/0", "gluster-/0",
    "-gluster/0", "glusterfs/", "/0", "glusterfs/0/1", "glusterfs/4294967296",
    "glusterfs/99999999999999999999", "glusterfs", "", "/", "glusterfs//0",
    "glusterfs/0 ", " glusterfs/0", "glusterfs/0\n", "glusterfs/+1",
    "glusterfs/0x1", "glusterfs/1.0", "1gluster/0", "gluster_fs/0",
    "gl\xc3\xbcster/0", "gluster\xff/0", "glusterfs/\xd9\xa3", "glusterfs/00",
    "glusterfs\\0", "glusterfs:0",
  };
  g_autofree char *app = long_name (GP_NAME_MAX);
  g_autofree char *longest = g_strconcat (app, "/4294967295", NULL);
  g_autofree char *app_too_long = long_name (GP_NAME_MAX + 1);
  g_autofree char *too_long = g_strconcat (app_too_long, "/0", NULL);
  g_autofree char *way_too_long = g_strnfill (100000, 'a');
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (valid); i++)
    expect_valid (gp_unit_name_validate, valid[i]);
  expect_valid (gp_unit_name_validate, longest);

  for (i = 0; i < G_N_ELEMENTS (invalid); i++)
    expect_invalid (gp_unit_name_validate, invalid[i]);
  expect_invalid (gp_unit_name_validate, too_long);
  expect_invalid (gp_unit_name_validate, way_too_long);
}

static void
test_relation_parse (void)
{
  const struct {
    const char *relation, *name, *id;
  } valid[] = {
    { "server", "server", NULL },
    { "server:3", "server", "server:3" },
    { "server:0", "server", "server:0" },
    { "gluster-peer:4294967295", "gluster-peer", "gluster-peer:4294967295" },
  };
  const char *invalid[] = {
    "", ":3", "server:", "server:01", "server:x", "server:-1", "server:+1",
    "server:3:4", "server:3 ", "server :3", "Server:3", "server:4294967296",
    "server/0", "server:\xff", "se\xffrver:1", "server:\xd9\xa3",
  };
  g_autofree char *name = long_name (GP_NAME_MAX);
  g_autofree char *longest = g_strconcat (name, ":4294967295", NULL);
  g_autofree char *too_long = g_strconcat (name, ":42949672950", NULL);
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (valid); i++)
    {
      g_autofree char *out_name = NULL, *out_id = NULL;
      g_autoptr(GError) error = NULL;

      g_assert_true (gp_relation_parse (valid[i].relation, &out_name, &out_id, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (out_name, ==, valid[i].name);
      g_assert_cmpstr (out_id, ==, valid[i].id);
    }
  expect_valid (validate_relation, longest);

  for (i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_autofree char *out_name = NULL, *out_id = NULL;

      expect_invalid (validate_relation, invalid[i]);
      /* A failed parse leaves the caller's pointers alone. */
      g_assert_false (gp_relation_parse (invalid[i], &out_name, &out_id, NULL));
      g_assert_null (out_name);
      g_assert_null (out_id);
    }
  expect_invalid (validate_relation, too_long);
}

static void
test_address_type (void)
{
  const char *valid[] = { "private", "public", "ingress", "cluster-net", "v6" };
  const char *invalid[] = { "", "Private", "priv_ate", "private address",
                            "private/x", "-private", "private-", "priv\xff" };
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (valid); i++)
    expect_valid (gp_address_type_validate, valid[i]);
  for (i = 0; i < G_N_ELEMENTS (invalid); i++)
    expect_invalid (gp_address_type_validate, invalid[i]);
}

static void
test_address (void)
{
  const char *valid[] = {
    "10.0.0.1", "fe80::1%eth0", "[::1]", "::", "host.example.com",
    "glusterfs-0.local", "a", "[2001:db8::12]", "[fe80::1%eth0]",
  };
  /* Brackets only around IPv6, a colon only in IPv6: gluster refuses the
   * rest ("does not conform to standards"). */
  const char *invalid[] = {
    "", "10.0.0.1 ", " 10.0.0.1", "10.0.0.1\n", "a\tb", "10.0.0.0/24",
    "caf\xc3\xa9.example", "a\x7f", "a\xff", "a\x01", "a b",
    "[198.51.100.12]", "[fe80::1%e][]", "fe80::1%e]", "fe80::1%a%b", "[host]", "[2001:db8::12", "2001:db8::12]", "[]", "[",
    "a[b]", "198.51.100.12:24007", "host:24007", "fe80::1%", "2001:db8:::1",
  };
  g_autofree char *longest = g_strnfill (GP_ADDRESS_MAX, 'a');
  g_autofree char *too_long = g_strnfill (GP_ADDRESS_MAX + 1, 'a');
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (valid); i++)
    expect_valid (gp_address_validate, valid[i]);
  expect_valid (gp_address_validate, longest);
  for (i = 0; i < G_N_ELEMENTS (invalid); i++)
    expect_invalid (gp_address_validate, invalid[i]);
  expect_invalid (gp_address_validate, too_long);
}

static void
expect_bare (const char *address, const char *bare, GpAddressFamily family,
             const char *key)
{
  GpAddressFamily got = (GpAddressFamily) -1;
  g_autofree char *out = gp_address_bare (address, &got);
  g_autofree char *host_key = gp_address_host_key (address);

  g_assert_cmpstr (out, ==, bare);
  g_assert_cmpint (got, ==, family);
  g_assert_cmpstr (host_key, ==, key);
}

static void
test_address_bare (void)
{
  expect_bare ("198.51.100.12", "198.51.100.12", GP_ADDRESS_IPV4, "198.51.100.12");
  expect_bare ("[2001:db8::12]", "2001:db8::12", GP_ADDRESS_IPV6, "2001:db8::12");
  expect_bare ("2001:DB8:0::12", "2001:DB8:0::12", GP_ADDRESS_IPV6, "2001:db8::12");
  expect_bare ("[fe80::1%eth0]", "fe80::1%eth0", GP_ADDRESS_IPV6, "fe80::1%eth0");
  expect_bare ("::ffff:198.51.100.1", "::ffff:198.51.100.1", GP_ADDRESS_IPV6,
               "::ffff:198.51.100.1");
  expect_bare ("Gluster-1.Example", "Gluster-1.Example", GP_ADDRESS_NAME, "gluster-1.example");
  /* Not a dotted quad: a name, as far as anyone can tell without DNS. */
  expect_bare ("198.51.100", "198.51.100", GP_ADDRESS_NAME, "198.51.100");
  g_assert_null (gp_address_bare ("[198.51.100.12]", NULL));
  g_assert_null (gp_address_host_key ("a b"));
}

static void
test_settings_key (void)
{
  const char *valid[] = { "bricks", "private-address", "a.b", "a:b", "K_Y",
                          "caf\xc3\xa9", "-", "/",
                          "\xe6\x97\xa5\xe6\x9c\xac", /* 日本 */
                          "\xce\xb1\xce\xb2" /* αβ */ };
  const char *invalid[] = { "", "a=b", "=", "a b", " a", "a\tb", "a\nb",
                            "a\x7f", "a\x01", "a\xff", "\xc0\xaf",
                            "\xed\xa0\x80",
                            /* U+00A0, U+2028, U+0085, U+009B, U+3000, U+200B,
                             * U+FEFF, U+202E, U+1680, U+E000 */
                            "a\xc2\xa0" "b", "a\xe2\x80\xa8" "b", "a\xc2\x85" "b",
                            "a\xc2\x9b" "b", "a\xe3\x80\x80" "b", "a\xe2\x80\x8b" "b",
                            "\xef\xbb\xbf" "key", "key\xe2\x80\xae", "a\xe1\x9a\x80" "b",
                            "a\xee\x80\x80" };
  g_autofree char *longest = g_strnfill (GP_KEY_MAX, 'k');
  g_autofree char *too_long = g_strnfill (GP_KEY_MAX + 1, 'k');
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (valid); i++)
    expect_valid (gp_settings_key_validate, valid[i]);
  expect_valid (gp_settings_key_validate, longest);
  for (i = 0; i < G_N_ELEMENTS (invalid); i++)
    expect_invalid (gp_settings_key_validate, invalid[i]);
  expect_invalid (gp_settings_key_validate, too_long);
}

/* The error names the character and why, so a charm author can find it. */
static void
test_settings_key_reason (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (gp_settings_key_validate ("my\xc2\xa0key", &error));
  g_assert_error (error, GP_ERROR, GP_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "U+00A0"));
  g_assert_nonnull (strstr (error->message, "white space"));
  g_assert_nonnull (strstr (error->message, "character 3"));
  g_clear_error (&error);

  g_assert_false (gp_settings_key_validate ("k\xe2\x80\x8b", &error));
  g_assert_nonnull (strstr (error->message, "U+200B"));
  g_assert_nonnull (strstr (error->message, "format character"));
  g_clear_error (&error);

  g_assert_false (gp_settings_key_validate ("k\xc2\x9b", &error));
  g_assert_nonnull (strstr (error->message, "U+009B"));
  g_assert_nonnull (strstr (error->message, "control character"));
}

static void
test_host_name (void)
{
  const char *cases[][2] = {
    { "glusterfs/0", "glusterfs-0" },
    { "gluster-fs/12", "gluster-fs-12" },
    { "a/4294967295", "a-4294967295" },
  };
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *host = gp_unit_host_name (cases[i][0]);

      g_assert_cmpstr (host, ==, cases[i][1]);
    }
}

static gint
compare_units (gconstpointer a, gconstpointer b)
{
  return gp_unit_name_compare (*(const char *const *) a, *(const char *const *) b);
}

static int
sign (int v)
{
  return (v > 0) - (v < 0);
}

static void
test_unit_compare (void)
{
  const char *sorted[] = {
    "a/0", "gluster/1", "gluster-fs/0", "gluster-fs/2", "gluster-fs/10",
    "glusterfs/0", "glusterfs/1", "glusterfs/2", "glusterfs/9", "glusterfs/10",
    "glusterfs/11", "glusterfs/4294967295", "z/0",
  };
  /* Odd names, which the daemon never stores but a sort must survive. */
  const char *mixed[] = {
    "a/10", "a/2", "a/1x", "a/01", "aaa", "", "/", "a/", "glusterfs/0",
    "zzz/3", "b/0/1", "a/9", "A/1",
  };
  g_autoptr(GPtrArray) shuffled = g_ptr_array_new ();
  gsize i, j, k;

  for (i = G_N_ELEMENTS (sorted); i > 0; i--)
    g_ptr_array_add (shuffled, (gpointer) sorted[(i * 7) % G_N_ELEMENTS (sorted)]);
  g_ptr_array_sort (shuffled, compare_units);
  for (i = 0; i < G_N_ELEMENTS (sorted); i++)
    g_assert_cmpstr (g_ptr_array_index (shuffled, i), ==, sorted[i]);

  g_assert_cmpint (gp_unit_name_compare ("glusterfs/2", "glusterfs/10"), <, 0);
  g_assert_cmpint (gp_unit_name_compare ("glusterfs/10", "glusterfs/2"), >, 0);
  g_assert_cmpint (gp_unit_name_compare ("glusterfs/7", "glusterfs/7"), ==, 0);
  /* As documented: names that are not unit names come after unit names. */
  g_assert_cmpint (gp_unit_name_compare ("aaa", "glusterfs/0"), >, 0);
  g_assert_cmpint (gp_unit_name_compare ("glusterfs/0", "aaa"), <, 0);
  g_assert_cmpint (gp_unit_name_compare ("zzz/3", "a/01"), <, 0);

  /* A sort and a binary search need a total order: antisymmetric and
   * transitive over every triple, odd names included. */
  for (i = 0; i < G_N_ELEMENTS (mixed); i++)
    for (j = 0; j < G_N_ELEMENTS (mixed); j++)
      {
        int ij = sign (gp_unit_name_compare (mixed[i], mixed[j]));

        g_assert_cmpint (ij, ==, -sign (gp_unit_name_compare (mixed[j], mixed[i])));
        g_assert_cmpint (ij == 0, ==, g_str_equal (mixed[i], mixed[j]));
        for (k = 0; k < G_N_ELEMENTS (mixed); k++)
          if (ij < 0 && gp_unit_name_compare (mixed[j], mixed[k]) < 0)
            g_assert_cmpint (gp_unit_name_compare (mixed[i], mixed[k]), <, 0);
      }
}

static void
test_object_paths (void)
{
  const char *odd[] = { "server", "a b", "caf\xc3\xa9", "_", "x/../y", "1" };
  g_autofree char *rel = gp_relation_object_path ("server");
  g_autofree char *unit0 = gp_unit_object_path ("server", "glusterfs/0");
  g_autofree char *unit12 = gp_unit_object_path ("server", "gluster-fs/12");
  g_autofree char *dashed = gp_relation_object_path ("gluster-peer");
  gsize i, j;

  g_assert_cmpstr (rel, ==, "/org/juju/GlusterPeer/server");
  g_assert_cmpstr (unit0, ==, "/org/juju/GlusterPeer/server/glusterfs_2f0");
  g_assert_cmpstr (unit12, ==, "/org/juju/GlusterPeer/server/gluster_2dfs_2f12");
  g_assert_cmpstr (dashed, ==, "/org/juju/GlusterPeer/gluster_2dpeer");

  /* Whatever a non-empty name holds, it is one valid element below its
   * parent: a unit can never land on another relation's path. */
  for (i = 0; i < G_N_ELEMENTS (odd); i++)
    for (j = 0; j < G_N_ELEMENTS (odd); j++)
      {
        g_autofree char *r = gp_relation_object_path (odd[i]);
        g_autofree char *u = gp_unit_object_path (odd[i], odd[j]);
        g_autofree char *prefix = g_strconcat (r, "/", NULL);

        g_assert_true (g_variant_is_object_path (r));
        g_assert_true (g_variant_is_object_path (u));
        g_assert_true (g_str_has_prefix (u, prefix));
        g_assert_null (strchr (u + strlen (prefix), '/'));
      }
}

static void
test_states (void)
{
  const struct {
    const char *name;
    GpStates state;
  } states[] = {
    { "connected", GP_STATE_CONNECTED },
    { "available", GP_STATE_AVAILABLE },
    { "departed", GP_STATE_DEPARTED },
    { "bricks.available", GP_STATE_BRICKS_AVAILABLE },
    { "bricks.removed", GP_STATE_BRICKS_REMOVED },
  };
  const char *unknown[] = { "", "Connected", "connected ", "bricks", "server.connected",
                            "bricks.available.", "bricks_available", "edge" };
  const char *all[] = { "available", "bricks.available", "bricks.removed",
                        "connected", "departed", NULL };
  const char *edges[] = { "bricks.available", "bricks.removed", "departed", NULL };
  g_auto(GStrv) none = gp_states_to_strv (0);
  g_auto(GStrv) every = NULL;
  g_auto(GStrv) edge = gp_states_to_strv (GP_STATES_EDGE);
  GpStates mask = 0;
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (states); i++)
    {
      g_auto(GStrv) one = gp_states_to_strv (states[i].state);

      g_assert_cmpuint (gp_state_from_name (states[i].name), ==, states[i].state);
      g_assert_cmpuint (g_strv_length (one), ==, 1);
      g_assert_cmpstr (one[0], ==, states[i].name);
      g_assert_cmpuint (mask & states[i].state, ==, 0);
      mask |= states[i].state;
    }
  for (i = 0; i < G_N_ELEMENTS (unknown); i++)
    g_assert_cmpuint (gp_state_from_name (unknown[i]), ==, 0);

  g_assert_nonnull (none);
  g_assert_null (none[0]);
  every = gp_states_to_strv (mask);
  g_assert_cmpstrv (every, all);
  g_assert_cmpstrv (edge, edges);
  g_assert_cmpuint (GP_STATES_EDGE & (GP_STATE_CONNECTED | GP_STATE_AVAILABLE), ==, 0);
}

static void
test_error_names (void)
{
  const struct {
    GpError code;
    const char *name;
  } errors[] = {
    { GP_ERROR_INVALID_ARGUMENT, "org.juju.GlusterPeer.Error.InvalidArgument" },
    { GP_ERROR_LIMIT_EXCEEDED, "org.juju.GlusterPeer.Error.LimitExceeded" },
    { GP_ERROR_INSUFFICIENT_PEERS, "org.juju.GlusterPeer.Error.InsufficientPeers" },
    { GP_ERROR_FAILED, "org.juju.GlusterPeer.Error.Failed" },
  };
  gsize i;

  g_assert_cmpuint (G_N_ELEMENTS (errors), ==, GP_ERROR_NUM_ERRORS);
  for (i = 0; i < G_N_ELEMENTS (errors); i++)
    {
      g_autoptr(GError) error = g_error_new (GP_ERROR, (gint) errors[i].code,
                                             "case %" G_GSIZE_FORMAT, i);
      g_autofree char *encoded = g_dbus_error_encode_gerror (error);
      g_autoptr(GError) remote = g_dbus_error_new_for_dbus_error (errors[i].name,
                                                                 "what went wrong");
      g_autofree char *remote_name = NULL;

      /* What the daemon sends... */
      g_assert_cmpstr (encoded, ==, errors[i].name);
      /* ...and what a client linking this library gets back. */
      g_assert_error (remote, GP_ERROR, (gint) errors[i].code);
      g_assert_true (g_dbus_error_is_remote_error (remote));
      remote_name = g_dbus_error_get_remote_error (remote);
      g_assert_cmpstr (remote_name, ==, errors[i].name);
      g_assert_true (g_dbus_error_strip_remote_error (remote));
      g_assert_cmpstr (remote->message, ==, "what went wrong");
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/names/name/valid", test_name_valid);
  g_test_add_func ("/names/name/invalid", test_name_invalid);
  g_test_add_func ("/names/unit-name", test_unit_name);
  g_test_add_func ("/names/relation-parse", test_relation_parse);
  g_test_add_func ("/names/address-type", test_address_type);
  g_test_add_func ("/names/address", test_address);
  g_test_add_func ("/names/address-bare", test_address_bare);
  g_test_add_func ("/names/settings-key", test_settings_key);
  g_test_add_func ("/names/settings-key/reason", test_settings_key_reason);
  g_test_add_func ("/names/host-name", test_host_name);
  g_test_add_func ("/names/unit-compare", test_unit_compare);
  g_test_add_func ("/names/object-paths", test_object_paths);
  g_test_add_func ("/names/states", test_states);
  g_test_add_func ("/error/dbus-names", test_error_names);

  return g_test_run ();
}
