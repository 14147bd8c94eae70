/* Unit tests of gp-settings: relation data bags (a{ss}), their limits and
 * JSON form, and what a peer's bag says (GpPeerData). */
#include "config.h"

#include <glib.h>
#include <string.h>

#include "gp-error.h"
#include "gp-names.h"
#include "gp-settings.h"

/* An a{ss} of key, value, ..., NULL, in that order, duplicates and all:
 * what a D-Bus caller may send. */
static GVariant *
bag (const char *first_key, ...)
{
  GVariantBuilder builder;
  const char *key;
  va_list args;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a{ss}"));
  va_start (args, first_key);
  for (key = first_key; key; key = va_arg (args, const char *))
    g_variant_builder_add (&builder, "{ss}", key, va_arg (args, const char *));
  va_end (args);
  return g_variant_ref_sink (g_variant_builder_end (&builder));
}

static void
assert_bag (GVariant *actual, const char *expected)
{
  g_autofree char *printed = NULL;

  g_assert_nonnull (actual);
  g_assert_true (g_variant_is_of_type (actual, G_VARIANT_TYPE ("a{ss}")));
  g_assert_false (g_variant_is_floating (actual));
  printed = g_variant_print (actual, FALSE);
  g_assert_cmpstr (printed, ==, expected);
}

static void
test_default_limits (void)
{
  GpLimits limits;

  memset (&limits, 0xaa, sizeof limits);
  gp_limits_init_default (&limits);
  g_assert_cmpuint (limits.max_units, ==, GP_DEFAULT_MAX_UNITS);
  g_assert_cmpuint (limits.max_bricks, ==, GP_DEFAULT_MAX_BRICKS);
  g_assert_cmpuint (limits.max_keys, ==, GP_DEFAULT_MAX_KEYS);
  g_assert_cmpuint (limits.max_value_size, ==, GP_DEFAULT_MAX_VALUE_SIZE);
}

static void
test_canonicalize (void)
{
  GpLimits limits;
  g_autoptr(GVariant) in = bag ("private-address", "10.0.0.1", "bricks", "[]",
                                "b", "1", "a", "", NULL);
  g_autoptr(GVariant) dups = bag ("b", "1", "a", "2", "b", "3", NULL);
  g_autoptr(GVariant) other_order = bag ("a", "", "b", "1", "bricks", "[]",
                                         "private-address", "10.0.0.1", NULL);
  g_autoptr(GVariant) empty = bag (NULL);
  g_autoptr(GVariant) out = NULL;
  g_autoptr(GVariant) out2 = NULL;
  g_autoptr(GVariant) out_dups = NULL;
  g_autoptr(GVariant) out_empty = NULL;
  g_autoptr(GError) error = NULL;

  gp_limits_init_default (&limits);
  /* Sorted, empty values kept: only merging deletes. */
  out = gp_settings_canonicalize (in, &limits, &error);
  g_assert_no_error (error);
  assert_bag (out, "{'a': '', 'b': '1', 'bricks': '[]', 'private-address': '10.0.0.1'}");

  out2 = gp_settings_canonicalize (other_order, &limits, &error);
  g_assert_no_error (error);
  g_assert_true (g_variant_equal (out, out2));

  out_dups = gp_settings_canonicalize (dups, &limits, &error);
  g_assert_no_error (error);
  assert_bag (out_dups, "{'a': '2', 'b': '3'}");

  out_empty = gp_settings_canonicalize (empty, &limits, &error);
  g_assert_no_error (error);
  assert_bag (out_empty, "{}");
}

static void
expect_canonicalize_error (GVariant *settings, const GpLimits *limits, gint code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) out = gp_settings_canonicalize (settings, limits, &error);

  if (out != NULL || !g_error_matches (error, GP_ERROR, code))
    {
      g_autofree char *printed = g_variant_print (settings, FALSE);
      g_test_message ("canonicalize wrongly handled %s", printed);
    }
  g_assert_null (out);
  g_assert_error (error, GP_ERROR, code);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
}

static void
test_canonicalize_invalid (void)
{
  const char *bad_keys[] = { "", "a=b", "=", "a b", " a", "a\n", "a\tb", "a\x7f", "a\x01" };
  g_autofree char *long_key = g_strnfill (GP_KEY_MAX, 'k');
  g_autofree char *too_long_key = g_strnfill (GP_KEY_MAX + 1, 'k');
  g_autofree char *value = g_strnfill (10, 'v');
  g_autofree char *too_big = g_strnfill (11, 'v');
  GpLimits limits;
  gsize i;

  gp_limits_init_default (&limits);
  for (i = 0; i < G_N_ELEMENTS (bad_keys); i++)
    {
      g_autoptr(GVariant) settings = bag ("good", "1", bad_keys[i], "x", NULL);
      /* Already sorted: the path that keeps a sorted bag as it is checks too. */
      g_autoptr(GVariant) sorted = bag (bad_keys[i], "x", "~good", "1", NULL);

      expect_canonicalize_error (settings, &limits, GP_ERROR_INVALID_ARGUMENT);
      expect_canonicalize_error (sorted, &limits, GP_ERROR_INVALID_ARGUMENT);
    }

  limits.max_keys = 3;
  limits.max_value_size = 10;
  {
    g_autoptr(GVariant) at_limit = bag ("a", value, "b", "", long_key, "", NULL);
    g_autoptr(GVariant) long_key_bag = bag (too_long_key, "", NULL);
    g_autoptr(GVariant) too_many = bag ("a", "", "b", "", "c", "", "d", "", NULL);
    g_autoptr(GVariant) big_value = bag ("a", too_big, NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(GVariant) out = gp_settings_canonicalize (at_limit, &limits, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (g_variant_n_children (out), ==, 3);
    expect_canonicalize_error (long_key_bag, &limits, GP_ERROR_INVALID_ARGUMENT);
    expect_canonicalize_error (too_many, &limits, GP_ERROR_LIMIT_EXCEEDED);
    expect_canonicalize_error (big_value, &limits, GP_ERROR_LIMIT_EXCEEDED);
  }
}

static void
expect_merge (GVariant *settings, GVariant *updates, const GpLimits *limits,
              const char *expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) out = gp_settings_merge (settings, updates, limits, &error);

  g_assert_no_error (error);
  assert_bag (out, expected);
}

static void
expect_merge_error (GVariant *settings, GVariant *updates, const GpLimits *limits,
                    gint code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) out = gp_settings_merge (settings, updates, limits, &error);

  g_assert_error (error, GP_ERROR, code);
  g_assert_null (out);
}

static void
test_merge (void)
{
  GpLimits limits;
  g_autoptr(GVariant) base = bag ("a", "1", "b", "2", NULL);
  g_autoptr(GVariant) empty = bag (NULL);
  g_autoptr(GVariant) add = bag ("c", "3", "b", "two", NULL);
  g_autoptr(GVariant) del = bag ("a", "", NULL);
  g_autoptr(GVariant) del_missing = bag ("z", "", NULL);
  g_autoptr(GVariant) set_then_delete = bag ("a", "x", "a", "", NULL);
  g_autoptr(GVariant) delete_then_set = bag ("a", "", "a", "y", NULL);
  g_autoptr(GVariant) swap = bag ("a", "", "c", "3", NULL);
  g_autoptr(GVariant) grow = bag ("c", "3", "d", "4", NULL);
  g_autoptr(GVariant) bad_key = bag ("a=b", "1", NULL);
  g_autoptr(GVariant) bad_delete = bag ("a b", "", NULL);
  g_autoptr(GVariant) big = bag ("c", "0123456789x", NULL);
  g_autofree char *base_before = g_variant_print (base, FALSE);
  g_autofree char *base_after = NULL;

  gp_limits_init_default (&limits);
  expect_merge (base, add, &limits, "{'a': '1', 'b': 'two', 'c': '3'}");
  expect_merge (base, del, &limits, "{'b': '2'}");
  expect_merge (base, del_missing, &limits, "{'a': '1', 'b': '2'}");
  /* Within one update the last entry for a key wins, deletes included. */
  expect_merge (base, set_then_delete, &limits, "{'b': '2'}");
  expect_merge (base, delete_then_set, &limits, "{'a': 'y', 'b': '2'}");
  expect_merge (base, empty, &limits, "{'a': '1', 'b': '2'}");
  expect_merge (empty, empty, &limits, "{}");
  expect_merge (empty, del, &limits, "{}");
  expect_merge (empty, add, &limits, "{'b': 'two', 'c': '3'}");

  /* The limit is on the result: a delete makes room for a new key. */
  limits.max_keys = 3;
  limits.max_value_size = 10;
  expect_merge (base, swap, &limits, "{'b': '2', 'c': '3'}");
  expect_merge_error (base, grow, &limits, GP_ERROR_LIMIT_EXCEEDED);
  expect_merge_error (base, big, &limits, GP_ERROR_LIMIT_EXCEEDED);
  expect_merge_error (base, bad_key, &limits, GP_ERROR_INVALID_ARGUMENT);
  expect_merge_error (base, bad_delete, &limits, GP_ERROR_INVALID_ARGUMENT);

  base_after = g_variant_print (base, FALSE);
  g_assert_cmpstr (base_before, ==, base_after);
}

static void
test_lookup (void)
{
  g_autoptr(GVariant) settings = bag ("a", "1", "b", "", NULL);

  g_assert_cmpstr (gp_settings_lookup (settings, "a"), ==, "1");
  g_assert_cmpstr (gp_settings_lookup (settings, "b"), ==, "");
  g_assert_null (gp_settings_lookup (settings, "c"));
  g_assert_null (gp_settings_lookup (settings, "A"));
  g_assert_null (gp_settings_lookup (NULL, "a"));
}

static void
test_json_round_trip (void)
{
  GpLimits limits;
  g_autofree char *long_value = g_strnfill (100000, 'x');
  g_autoptr(GVariant) raw = bag ("quote", "say \"hi\"", "backslash", "a\\b",
                                 "nul-text", "\\u0000", "control", "\x01\x1f\x7f",
                                 "newline", "a\nb\r\n", "tab", "\t", "empty", "",
                                 "unicode", "caf\xc3\xa9 \xf0\x9f\x92\xbe \xe2\x80\xa8",
                                 "caf\xc3\xa9.key", "v", "bricks", "[\"/mnt/vdb1\"]",
                                 "long", long_value, "slash", "</script>", NULL);
  g_autoptr(GVariant) settings = NULL;
  g_autoptr(GVariant) back = NULL;
  g_autoptr(GVariant) simple = bag ("b", "2", "a", "1", NULL);
  g_autoptr(GVariant) simple_canonical = NULL;
  g_autoptr(GVariant) empty = bag (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  g_autofree char *simple_json = NULL;
  g_autofree char *empty_json = NULL;

  gp_limits_init_default (&limits);
  settings = gp_settings_canonicalize (raw, &limits, &error);
  g_assert_no_error (error);
  json = gp_settings_to_json (settings);
  back = gp_settings_from_json (json, &error);
  g_assert_no_error (error);
  g_assert_true (g_variant_equal (back, settings));
  g_assert_false (g_variant_is_floating (back));

  simple_canonical = gp_settings_canonicalize (simple, &limits, &error);
  g_assert_no_error (error);
  simple_json = gp_settings_to_json (simple_canonical);
  g_assert_cmpstr (simple_json, ==, "{\"a\":\"1\",\"b\":\"2\"}");
  empty_json = gp_settings_to_json (empty);
  g_assert_cmpstr (empty_json, ==, "{}");
}

static void
test_json_parse (void)
{
  const struct {
    const char *json, *expected;
  } cases[] = {
    { "{\"b\":\"1\",\"a\":\"2\"}", "{'a': '2', 'b': '1'}" },
    { " { } ", "{}" },
    { "{\"private-address\":\"10.0.0.1\",\"bricks\":\"[\\\"/a\\\"]\"}",
      "{'bricks': '[\"/a\"]', 'private-address': '10.0.0.1'}" },
  };
  /* Juju's relation-get --format=json gives strings only. */
  const char *not_bags[] = {
    "", "[]", "[\"a\"]", "\"s\"", "1", "null", "true", "{\"a\":1}", "{\"a\":null}",
    "{\"a\":[\"x\"]}", "{\"a\":{}}", "{\"a\":true}", "{\"a\":1.5}",
    "{\"a\":\"1\",\"b\":2}",
  };
  /* We never write a key twice: a file that has one is not ours. */
  const char *broken[] = { "{", "{\"a\":\"b\"", "{\"a\" \"b\"}", "{\"a\":\"b\",}",
                           "{\"a\":\"\xff\"}", "{a:b}", "{\"a\":\"1\",\"a\":\"2\"}" };
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GVariant) settings = gp_settings_from_json (cases[i].json, &error);

      g_assert_no_error (error);
      assert_bag (settings, cases[i].expected);
    }
  for (i = 0; i < G_N_ELEMENTS (not_bags); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GVariant) settings = gp_settings_from_json (not_bags[i], &error);

      g_assert_error (error, GP_ERROR, GP_ERROR_INVALID_ARGUMENT);
      g_assert_null (settings);
    }
  for (i = 0; i < G_N_ELEMENTS (broken); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GVariant) settings = gp_settings_from_json (broken[i], &error);

      g_assert_error (error, GP_ERROR, GP_ERROR_INVALID_ARGUMENT);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      g_assert_null (settings);
    }
}

/* @depth times @open, then @close as often (when not NULL). */
static char *
nested (const char *open, const char *close, gsize depth)
{
  GString *text = g_string_new (NULL);
  gsize i;

  for (i = 0; i < depth; i++)
    g_string_append (text, open);
  for (i = 0; close && i < depth; i++)
    g_string_append (text, close);
  return g_string_free (text, FALSE);
}

static void
expect_from_json_refused (const char *json, const char *reason)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) settings = gp_settings_from_json (json, &error);

  g_assert_null (settings);
  g_assert_error (error, GP_ERROR, GP_ERROR_INVALID_ARGUMENT);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_assert_nonnull (strstr (error->message, reason));
}

/* Nesting that exhausted a recursive parser's stack, and what JSON has
 * not: refused with a message, never a crash. */
static void
test_json_hostile (void)
{
  g_autofree char *brackets = nested ("[", "]", 80000);
  g_autofree char *objects = nested ("{\"a\":", "}", 80000);
  g_autofree char *deeper = nested ("{\"a\":", NULL, 1000000);
  g_autofree char *in_value = g_strconcat ("{\"a\":", brackets, "}", NULL);

  expect_from_json_refused (brackets, "nesting deeper than 2048 levels at line 1 column 2049");
  expect_from_json_refused (objects, "nesting deeper than 2048 levels at line 1 column 10241");
  expect_from_json_refused (deeper, "nesting deeper than 2048 levels at line 1 column 10241");
  expect_from_json_refused (in_value, "nesting deeper than 2048 levels");
  expect_from_json_refused ("{\"a\":\"b\"}{\"c\":\"d\"}", "more data after the JSON value");
  expect_from_json_refused ("{\"a\":\"b\"} garbage", "more data after the JSON value");
  expect_from_json_refused ("{\"a\":\"b\xc0\xaf\"}", "not valid UTF-8");
  expect_from_json_refused ("{\"a\\u0000\":\"b\"}", "\\u0000");
  expect_from_json_refused ("{\"a\":\"\\u0000\"}", "\\u0000");
  expect_from_json_refused ("{\"a\":\"\\101\"}", "invalid escape");
  expect_from_json_refused ("{\"a\":[\"b\"]}", "not a string");
  expect_from_json_refused ("{\"a\":{\"b\":\"c\"}}", "not a string");
}

/* The daemon hands over canonical bags only. */
static GpPeerData *
peer_data (GVariant *raw, const GpLimits *limits)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) settings = gp_settings_canonicalize (raw, limits, &error);
  GpPeerData *data;

  g_assert_no_error (error);
  data = gp_peer_data_new (settings, limits, &error);

  g_assert_no_error (error);
  g_assert_nonnull (data);
  g_assert_nonnull (data->address);
  g_assert_nonnull (data->bricks);
  g_assert_nonnull (data->problems);
  g_assert_true (g_variant_is_of_type (data->addresses, G_VARIANT_TYPE ("a{ss}")));
  return data;
}

static void
test_peer_data (void)
{
  const char *two[] = { "/mnt/vdb1", "/mnt/vdc1", NULL };
  const char *none[] = { NULL };
  GpLimits limits;
  g_autoptr(GVariant) complete = bag ("private-address", "10.0.0.1",
                                      "bricks", "[\"/mnt/vdb1\",\"/mnt/vdc1\",\"/mnt/vdb1\"]",
                                      NULL);
  g_autoptr(GVariant) ingress = bag ("ingress-address", "10.1.1.1", "private-address",
                                     "10.0.0.1", "public-address", "203.0.113.9",
                                     "cluster-address", "192.168.0.1", "-address", "x",
                                     "address", "y", "empty-address", "",
                                     "addressx", "z", "bricks", "['/mnt/vdb1', u'/mnt/vdc1']",
                                     NULL);
  g_autoptr(GVariant) no_address = bag ("bricks", "[\"/mnt/vdb1\"]", NULL);
  g_autoptr(GVariant) no_bricks = bag ("private-address", "10.0.0.1", "bricks", "[]", NULL);
  g_autoptr(GVariant) empty = bag (NULL);
  g_autoptr(GpPeerData) a = NULL;
  g_autoptr(GpPeerData) b = NULL;
  g_autoptr(GpPeerData) c = NULL;
  g_autoptr(GpPeerData) d = NULL;
  g_autoptr(GpPeerData) e = NULL;

  gp_limits_init_default (&limits);
  a = peer_data (complete, &limits);
  g_assert_cmpstr (a->address, ==, "10.0.0.1");
  g_assert_cmpstrv (a->bricks, two);
  g_assert_cmpstrv (a->problems, none);
  g_assert_true (a->available);
  assert_bag (a->addresses, "{'private': '10.0.0.1'}");

  /* ingress-address wins; every non-empty <type>-address is listed. */
  b = peer_data (ingress, &limits);
  g_assert_cmpstr (b->address, ==, "10.1.1.1");
  g_assert_cmpstrv (b->bricks, two);
  g_assert_true (b->available);
  assert_bag (b->addresses, "{'cluster': '192.168.0.1', 'ingress': '10.1.1.1', "
              "'private': '10.0.0.1', 'public': '203.0.113.9'}");

  c = peer_data (no_address, &limits);
  g_assert_cmpstr (c->address, ==, "");
  g_assert_false (c->available);
  g_assert_cmpstrv (c->problems, none);

  d = peer_data (no_bricks, &limits);
  g_assert_cmpstrv (d->bricks, none);
  g_assert_false (d->available);
  g_assert_cmpstrv (d->problems, none);

  e = peer_data (empty, &limits);
  g_assert_cmpstr (e->address, ==, "");
  g_assert_cmpstrv (e->bricks, none);
  g_assert_cmpstrv (e->problems, none);
  g_assert_false (e->available);
  assert_bag (e->addresses, "{}");
}

static void
test_peer_data_problems (void)
{
  const char *bad_bricks[] = {
    "/mnt/vdb1", "{}", "[1]", "['/mnt/vdb1'", "[\"relative\"]", "[\"/a\\u0000\"]",
    "null", "[\"/a/../etc\"]", "[\"/a\\n\"]", "['/a', ['/b']]", "\xff",
  };
  const char *none[] = { NULL };
  GpLimits limits;
  g_autoptr(GVariant) bad_ingress = bag ("ingress-address", "10.1.1.1 ; rm -rf /",
                                         "private-address", "10.0.0.1",
                                         "bricks", "[\"/mnt/vdb1\"]", NULL);
  g_autoptr(GVariant) both_bad = bag ("ingress-address", "a\nb", "private-address",
                                      "10.0.0.1/24", "bricks", "[\"/mnt/vdb1\"]", NULL);
  g_autoptr(GpPeerData) a = NULL;
  g_autoptr(GpPeerData) b = NULL;
  gsize i;

  gp_limits_init_default (&limits);
  /* A bad "bricks" is the peer's problem, not the hook's: the address
   * stays, the bricks go, and Problems says why. */
  for (i = 0; i < G_N_ELEMENTS (bad_bricks); i++)
    {
      g_autofree char *valid = g_utf8_make_valid (bad_bricks[i], -1);
      g_autoptr(GVariant) settings = bag ("private-address", "10.0.0.1",
                                          "bricks", valid, NULL);
      g_autoptr(GpPeerData) data = peer_data (settings, &limits);

      g_assert_cmpstr (data->address, ==, "10.0.0.1");
      g_assert_cmpstrv (data->bricks, none);
      g_assert_false (data->available);
      g_assert_cmpuint (g_strv_length (data->problems), ==, 1);
      g_assert_true (g_str_has_prefix (data->problems[0], "bricks: "));
    }

  a = peer_data (bad_ingress, &limits);
  g_assert_cmpstr (a->address, ==, "10.0.0.1");
  g_assert_true (a->available);
  g_assert_cmpuint (g_strv_length (a->problems), ==, 1);
  g_assert_true (g_str_has_prefix (a->problems[0], "ingress-address: "));

  b = peer_data (both_bad, &limits);
  g_assert_cmpstr (b->address, ==, "");
  g_assert_false (b->available);
  g_assert_cmpuint (g_strv_length (b->problems), ==, 2);
}

/* The values of the hostile-peer report, as a peer's "bricks": the bricks
 * are refused, the address stays, Problems says why in valid UTF-8. */
static void
test_peer_data_deep_bricks (void)
{
  g_autofree char *brackets = nested ("[", "]", 80000);
  g_autofree char *objects = nested ("{\"a\":", "}", 80000);
  g_autofree char *unclosed = nested ("[", NULL, 1000000);
  const char *values[] = { brackets, objects, unclosed };
  const char *none[] = { NULL };
  GpLimits limits;
  gsize i;

  gp_limits_init_default (&limits);
  g_assert_cmpuint (strlen (brackets), ==, 160000);
  for (i = 0; i < G_N_ELEMENTS (values); i++)
    {
      g_autoptr(GVariant) settings = bag ("private-address", "10.0.0.3",
                                          "bricks", values[i], NULL);
      g_autoptr(GpPeerData) data = peer_data (settings, &limits);

      g_assert_cmpstr (data->address, ==, "10.0.0.3");
      g_assert_cmpstrv (data->bricks, none);
      g_assert_false (data->available);
      g_assert_cmpuint (g_strv_length (data->problems), ==, 1);
      g_assert_true (g_utf8_validate (data->problems[0], -1, NULL));
      g_assert_true (g_str_has_prefix (data->problems[0], "bricks: not a valid JSON list: "));
      g_assert_nonnull (strstr (data->problems[0], "nesting deeper than 2048 levels at line 1"));
    }
}

static void
test_peer_data_limit (void)
{
  GpLimits limits;
  g_autoptr(GVariant) three = bag ("private-address", "10.0.0.1",
                                   "bricks", "[\"/a\",\"/b\",\"/c\"]", NULL);
  g_autoptr(GVariant) two_distinct = bag ("private-address", "10.0.0.1",
                                          "bricks", "['/a', '/b', '/a', '/b']", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GpPeerData) over = NULL;
  g_autoptr(GpPeerData) ok = NULL;

  gp_limits_init_default (&limits);
  limits.max_bricks = 2;
  over = gp_peer_data_new (three, &limits, &error);
  g_assert_error (error, GP_ERROR, GP_ERROR_LIMIT_EXCEEDED);
  g_assert_null (over);
  g_clear_error (&error);

  ok = gp_peer_data_new (two_distinct, &limits, &error);
  g_assert_no_error (error);
  g_assert_cmpstrv (ok->bricks, ((const char *[]) { "/a", "/b", NULL }));
}

static void
assert_address_for (GVariant *settings, const char *key, const char *expected)
{
  g_autofree char *address = gp_peer_data_dup_address (settings, key);

  g_assert_cmpstr (address, ==, expected);
}

static void
test_address_for (void)
{
  g_autoptr(GVariant) settings = bag ("private-address", "10.0.0.1",
                                      "public-address", "203.0.113.9",
                                      "bad-address", "a b", "empty-address", "", NULL);

  assert_address_for (settings, "", "10.0.0.1");
  assert_address_for (settings, NULL, "10.0.0.1");
  assert_address_for (settings, "private-address", "10.0.0.1");
  assert_address_for (settings, "public-address", "203.0.113.9");
  assert_address_for (settings, "ingress-address", "");
  assert_address_for (settings, "bad-address", "");
  assert_address_for (settings, "empty-address", "");
  assert_address_for (settings, "public", "");
}

/* "" is the unit's Address: ingress-address before private-address, as
 * GpPeerData.address has it, so IpMap("") probes what Address shows. */
static void
test_address_for_ingress (void)
{
  g_autoptr(GVariant) both = bag ("ingress-address", "198.51.100.12",
                                  "private-address", "10.0.0.12", NULL);
  g_autoptr(GVariant) bad_ingress = bag ("ingress-address", "[198.51.100.12]",
                                         "private-address", "10.0.0.12", NULL);
  GpLimits limits;
  g_autoptr(GpPeerData) data = NULL;

  gp_limits_init_default (&limits);
  data = peer_data (both, &limits);
  assert_address_for (both, "", data->address);
  assert_address_for (both, "", "198.51.100.12");
  assert_address_for (both, "private-address", "10.0.0.12");
  /* An unusable ingress-address falls back to private-address, as Address does. */
  assert_address_for (bad_ingress, "", "10.0.0.12");
}

/* Gluster takes IPv6 bare ("2001:db8::12:/b"); brackets from a peer are
 * dropped everywhere an address is used, and a malformed one is a problem. */
static void
test_address_brackets (void)
{
  g_autoptr(GVariant) bracketed = bag ("private-address", "[2001:db8::12]",
                                       "public-address", "[2001:db8::99]",
                                       "bricks", "[\"/b\"]", NULL);
  const char *bad[] = { "[198.51.100.12]", "[2001:db8::12", "2001:db8::12]", "[host]",
                        "198.51.100.12:24007", "[]", "a[b]" };
  GpLimits limits;
  g_autoptr(GpPeerData) data = NULL;
  g_autoptr(GVariant) expected = NULL;
  gsize i;

  gp_limits_init_default (&limits);
  data = peer_data (bracketed, &limits);
  g_assert_cmpstr (data->address, ==, "2001:db8::12");
  g_assert_true (data->available);
  g_assert_cmpstrv (data->problems, ((const char *[]) { NULL }));
  expected = g_variant_ref_sink (g_variant_new_parsed ("{'private': '2001:db8::12', "
                                                       "'public': '2001:db8::99'}"));
  g_assert_true (g_variant_equal (data->addresses, expected));
  assert_address_for (bracketed, "", "2001:db8::12");
  assert_address_for (bracketed, "public-address", "2001:db8::99");

  for (i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GVariant) settings = bag ("private-address", bad[i], "bricks", "[\"/b\"]", NULL);
      g_autoptr(GpPeerData) broken = peer_data (settings, &limits);

      g_assert_cmpstr (broken->address, ==, "");
      g_assert_false (broken->available);
      g_assert_cmpuint (g_strv_length (broken->problems), ==, 1);
      g_assert_nonnull (strstr (broken->problems[0], "private-address"));
      assert_address_for (settings, "", "");
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/settings/default-limits", test_default_limits);
  g_test_add_func ("/settings/canonicalize", test_canonicalize);
  g_test_add_func ("/settings/canonicalize-invalid", test_canonicalize_invalid);
  g_test_add_func ("/settings/merge", test_merge);
  g_test_add_func ("/settings/lookup", test_lookup);
  g_test_add_func ("/settings/json/round-trip", test_json_round_trip);
  g_test_add_func ("/settings/json/parse", test_json_parse);
  g_test_add_func ("/settings/json/hostile", test_json_hostile);
  g_test_add_func ("/settings/peer-data", test_peer_data);
  g_test_add_func ("/settings/peer-data/problems", test_peer_data_problems);
  g_test_add_func ("/settings/peer-data/deep-bricks", test_peer_data_deep_bricks);
  g_test_add_func ("/settings/peer-data/limit", test_peer_data_limit);
  g_test_add_func ("/settings/address-for", test_address_for);
  g_test_add_func ("/settings/address-for/ingress", test_address_for_ingress);
  g_test_add_func ("/settings/address-brackets", test_address_brackets);

  return g_test_run ();
}
