/* Unit tests of gp-json: the properties of jansson that peer data relies
 * on, checked on the jansson this build links, and the helpers' own. */
#include "config.h"

#include <glib.h>
#include <string.h>

#include "gp-error.h"
#include "gp-json.h"

static void
expect_refused (const char *text, size_t flags, const char *message)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(json_t) json = gp_json_parse (text, flags, &error);

  g_assert_null (json);
  g_assert_error (error, GP_ERROR, GP_ERROR_INVALID_ARGUMENT);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_assert_cmpstr (error->message, ==, message);
}

/* A megabyte of "[" is refused where jansson's depth limit stops it: the
 * parser neither recurses further nor reads the rest. */
static void
test_depth (void)
{
  g_autofree char *deep = g_strnfill (1000000, '[');
  g_autofree char *at_limit = NULL;
  g_autoptr(GString) limit = g_string_new (NULL);
  g_autoptr(json_t) json = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (JSON_PARSER_MAX_DEPTH, ==, 2048);
  expect_refused (deep, 0, "nesting deeper than 2048 levels at line 1 column 2049");

  /* 2048 levels are still JSON. */
  for (guint i = 0; i < JSON_PARSER_MAX_DEPTH; i++)
    g_string_append_c (limit, '[');
  for (guint i = 0; i < JSON_PARSER_MAX_DEPTH; i++)
    g_string_append_c (limit, ']');
  at_limit = g_string_free (g_steal_pointer (&limit), FALSE);
  json = gp_json_parse (at_limit, 0, &error);
  g_assert_no_error (error);
  g_assert_true (json_is_array (json));
}

static void
test_strict (void)
{
  expect_refused ("[1][2]", 0, "more data after the JSON value at line 1 column 4");
  expect_refused ("{\"a\":\"b\"} x", 0, "more data after the JSON value at line 1 column 11");
  expect_refused ("[\"\xff\"]", 0, "not valid UTF-8 at line 1 column 2");
  expect_refused ("[\"a\\u0000\"]", 0, "a string holds \\u0000 at line 1 column 10");
  expect_refused ("{\"a\":1,\"a\":2}", 0, "a key appears twice in one object at line 1 column 10");
  expect_refused ("[\"\\101\"]", 0, "invalid escape near '\"\\1' at line 1 column 4");
  expect_refused ("[\"\\ud800\"]", 0, "invalid Unicode '\\uD800' near '\"\\ud800\"' at line 1 column 9");
  expect_refused ("[1", 0, "the text ends inside the JSON value at line 1 column 2");
  /* Only arrays and objects, unless asked. */
  expect_refused ("null", 0, "'[' or '{' expected near 'null' at line 1 column 4");
}

static void
test_any (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(json_t) json = gp_json_parse (" null\n", JSON_DECODE_ANY, &error);

  g_assert_no_error (error);
  g_assert_true (json_is_null (json));
}

static void
test_write (void)
{
  g_autoptr(json_t) object = json_object ();
  g_autoptr(json_t) bad = gp_json_string ("a\xff");
  g_autoptr(json_t) none = gp_json_string (NULL);
  const char *strv[] = { "/b", "/a", NULL };
  g_autofree char *compact = NULL;
  g_autofree char *pretty = NULL;

  /* Members in the order they were added, not sorted or hashed. */
  json_object_set_new (object, "z", gp_json_string ("1\n\"\\\x01</"));
  json_object_set_new (object, "a", gp_json_strv (strv));
  json_object_set_new (object, "m", gp_json_strv (NULL));
  compact = gp_json_to_string (object, JSON_COMPACT);
  g_assert_cmpstr (compact, ==, "{\"z\":\"1\\n\\\"\\\\\\u0001</\",\"a\":[\"/b\",\"/a\"],\"m\":[]}");
  pretty = gp_json_to_string (object, JSON_INDENT (2));
  g_assert_cmpstr (pretty, ==, "{\n  \"z\": \"1\\n\\\"\\\\\\u0001</\",\n"
                   "  \"a\": [\n    \"/b\",\n    \"/a\"\n  ],\n  \"m\": []\n}");

  g_assert_cmpstr (json_string_value (bad), ==, "a\xef\xbf\xbd");
  g_assert_true (json_is_null (none));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/json/depth", test_depth);
  g_test_add_func ("/json/strict", test_strict);
  g_test_add_func ("/json/any", test_any);
  g_test_add_func ("/json/write", test_write);
  return g_test_run ();
}
