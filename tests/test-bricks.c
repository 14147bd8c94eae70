/* Unit tests of gp-bricks: brick validation, the "bricks" value as peers
 * put it on the wire (JSON, or a Python-style list from older charms), and
 * whole-path diffs. */
#include "config.h"

#include <glib.h>
#include <string.h>

#include "gp-bricks.h"
#include "gp-error.h"

#define LIMIT GP_DEFAULT_MAX_BRICKS

/* The same checks for every rejected input; the input is named only when
 * a check is about to fail, to keep TAP output short. */
static void
check_rejected (const char *what, const char *input, gboolean ok, GError *error,
                gint code)
{
  if (ok || !g_error_matches (error, GP_ERROR, code))
    {
      g_autofree char *escaped = g_strescape (input, NULL);
      g_test_message ("%s wrongly handled “%s”", what, escaped);
    }
  g_assert_false (ok);
  g_assert_error (error, GP_ERROR, code);
  /* Messages go into D-Bus replies and Problems (as): UTF-8 only. */
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
}

static void
expect_brick_valid (const char *brick)
{
  g_autoptr(GError) error = NULL;
  gboolean ok = gp_brick_validate (brick, &error);

  if (!ok)
    g_test_message ("rejected brick “%s”: %s", brick, error->message);
  g_assert_no_error (error);
  g_assert_true (ok);
}

static void
expect_brick_invalid (const char *brick)
{
  g_autoptr(GError) error = NULL;
  gboolean ok = gp_brick_validate (brick, &error);

  check_rejected ("gp_brick_validate", brick, ok, error, GP_ERROR_INVALID_ARGUMENT);
}

static void
expect_parse (const char *value, const char *const *expected)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) bricks = gp_bricks_parse (value, LIMIT, &error);

  if (bricks == NULL || !g_strv_equal ((const char *const *) bricks, expected))
    {
      g_autofree char *escaped = g_strescape (value, NULL);
      g_test_message ("gp_bricks_parse (\"%s\")", escaped);
    }
  g_assert_no_error (error);
  g_assert_cmpstrv (bricks, expected);
}

static void
expect_parse_error (const char *value, guint max_bricks, gint code)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) bricks = gp_bricks_parse (value, max_bricks, &error);

  check_rejected ("gp_bricks_parse", value, bricks != NULL, error, code);
  g_assert_true (g_str_has_prefix (error->message, "bricks: "));
}

/* A valid absolute path of exactly @len bytes. */
static char *
path_of_length (gsize len)
{
  char *s = g_strnfill (len, 'p');
  gsize i;

  for (i = 0; i < len; i += 100)
    s[i] = '/';
  return s;
}

static void
test_validate_valid (void)
{
  const char *valid[] = {
    "/", "/mnt/vdb1", "/a/...b", "/a/b..", "/a/..b", "/a/.b", "/a/./b", "/.",
    "/.../x", "/a..", "/mnt/with space", "/caf\xc3\xa9/\xe2\x82\xac", "/a/",
    "//a", "/a'b\"c\\d", "/a:b", "/\xef\xbf\xbd",
  };
  g_autofree char *longest = path_of_length (GP_BRICK_MAX);
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (valid); i++)
    expect_brick_valid (valid[i]);
  g_assert_cmpuint (strlen (longest), ==, 4096);
  expect_brick_valid (longest);
}

static void
test_validate_invalid (void)
{
  const char *invalid[] = {
    "", "relative", "mnt/vdb1", "./a", "../a", "..", ".", "~/a", " /a",
    "/..", "/../a", "/a/..", "/a/../b", "//..", "/a/b/..", "/a/b/../../c",
    "/a\nb", "/a\n", "/a\rb", "/a\tb", "/a\x1b[0m", "/a\x01", "/a\x7f",
    "/a\xff", "/a\xc0\xaf", "/\xed\xa0\x80", "/a\xe2\x82", "\xff/a",
  };
  g_autofree char *too_long = path_of_length (GP_BRICK_MAX + 1);
  g_autofree char *way_too_long = path_of_length (1 << 20);
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (invalid); i++)
    expect_brick_invalid (invalid[i]);
  g_assert_cmpuint (strlen (too_long), ==, 4097);
  expect_brick_invalid (too_long);
  expect_brick_invalid (way_too_long);
}

static void
test_normalize (void)
{
  const char *in[] = { "/b", "/a", "/b", "/c", "/a", "/b", NULL };
  const char *out[] = { "/b", "/a", "/c", NULL };
  const char *bad[] = { "/a", "/b", "/b/../etc", NULL };
  const char *empty[] = { NULL };
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) result = NULL;
  g_auto(GStrv) from_null = NULL;

  result = gp_bricks_normalize (in, 3, &error);
  g_assert_no_error (error);
  g_assert_cmpstrv (result, out);
  g_clear_pointer (&result, g_strfreev);

  /* Three distinct bricks in six entries: only distinct ones count. */
  result = gp_bricks_normalize (in, 2, &error);
  g_assert_error (error, GP_ERROR, GP_ERROR_LIMIT_EXCEEDED);
  g_assert_null (result);
  g_clear_error (&error);

  result = gp_bricks_normalize (bad, LIMIT, &error);
  g_assert_error (error, GP_ERROR, GP_ERROR_INVALID_ARGUMENT);
  g_assert_null (result);
  g_clear_error (&error);

  result = gp_bricks_normalize (empty, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpstrv (result, empty);

  from_null = gp_bricks_normalize (NULL, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpstrv (from_null, empty);
}

static void
test_canonicalize (void)
{
  const struct { const char *in, *out; } cases[] = {
    { "/mnt/a", "/mnt/a" }, { "/mnt/a/", "/mnt/a" }, { "/mnt//a", "/mnt/a" },
    { "/mnt/./a", "/mnt/a" }, { "/mnt/a/.", "/mnt/a" }, { "//mnt///a//", "/mnt/a" },
    { "/./././mnt/a/./", "/mnt/a" }, { "/", "/" }, { "//", "/" }, { "/.", "/" },
    { "/mnt/.a", "/mnt/.a" }, { "/mnt/a.", "/mnt/a." }, { "/mnt/...", "/mnt/..." },
  };
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *canonical = gp_brick_canonicalize (cases[i].in);

      g_assert_cmpstr (canonical, ==, cases[i].out);
    }
}

/* One directory spelled five ways is one brick, in its canonical form,
 * where the first spelling stood. */
static void
test_normalize_canonical (void)
{
  const char *in[] = { "/mnt/b", "/mnt/a", "/mnt/a/", "/mnt//a", "/mnt/./a",
                       "/mnt/a/.", "/mnt/b/", NULL };
  const char *out[] = { "/mnt/b", "/mnt/a", NULL };
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) result = NULL;
  g_auto(GStrv) parsed = NULL;

  /* Two distinct directories fit a limit of two. */
  result = gp_bricks_normalize (in, 2, &error);
  g_assert_no_error (error);
  g_assert_cmpstrv (result, out);

  parsed = gp_bricks_parse ("[\"/mnt/a\", \"/mnt/a/\", \"/mnt//a\", "
                            "\"/mnt/./a\", \"/mnt/a/.\"]", LIMIT, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (parsed), ==, 1);
  g_assert_cmpstr (parsed[0], ==, "/mnt/a");
}

static void
test_parse_json (void)
{
  const char *two[] = { "/mnt/vdb1", "/mnt/vdc1", NULL };
  const char *none[] = { NULL };

  expect_parse ("[\"/mnt/vdb1\",\"/mnt/vdc1\"]", two);
  expect_parse ("  [ \"/mnt/vdb1\" ,\n\t\"/mnt/vdc1\" ]  \n", two);
  expect_parse ("[\"/mnt/vdb1\",\"/mnt/vdc1\",\"/mnt/vdb1\",\"/mnt/vdc1\"]", two);
  expect_parse ("[]", none);
  expect_parse (" [ ] ", none);
  expect_parse ("[\"/caf\\u00e9\"]", (const char *[]) { "/caf\xc3\xa9", NULL });
  expect_parse ("[\"/a\\/b\"]", (const char *[]) { "/a/b", NULL });
  expect_parse ("[\"/a\\\"b\"]", (const char *[]) { "/a\"b", NULL });
  expect_parse ("[\"/mnt/it's\"]", (const char *[]) { "/mnt/it's", NULL });
  /* A backslash followed by the text u0000 is no NUL. */
  expect_parse ("[\"/a\\\\u0000\"]", (const char *[]) { "/a\\u0000", NULL });
  expect_parse ("[\"/a/...b\",\"/a/b..\"]", (const char *[]) { "/a/...b", "/a/b..", NULL });
  expect_parse ("[\"/b\",\"/a\",\"/b\"]", (const char *[]) { "/b", "/a", NULL });
}

static void
test_parse_json_invalid (void)
{
  const char *invalid[] = {
    /* not lists */
    "", "   ", "{}", "{\"a\":\"/b\"}", "\"/mnt/vdb1\"", "/mnt/vdb1", "1", "-1.5",
    "null", "true", "false",
    /* broken */
    "[", "]", "[\"/a\"", "[\"/a\",]", "[,]", "[\"/a\" \"/b\"]", "[\"/a\"] x",
    "[\"/a\"]]", "[\"/a\"] ,", "[\"/a]", "[/a]",
    /* lists of other things */
    "[1]", "[\"/a\", 2]", "[null]", "[true]", "[[\"/a\"]]", "[\"/a\", [\"/b\"]]",
    "[{\"a\":\"/b\"}]", "[\"/a\", {}]",
    /* bad bricks */
    "[\"/a\\u0000b\"]", "[\"/a\\u0000\"]", "[\"/a\\\\\\u0000\"]", "[\"/a\\n\"]",
    "[\"/a\nb\"]", "[\"/a\\tb\"]", "[\"/a\\u001b\"]", "[\"/a\\u007f\"]",
    "[\"relative\"]", "[\"\"]", "[\"/a\", \"b\"]", "[\"/..\"]", "[\"/a/..\"]",
    "[\"/a/../b\"]", "[\"/a\xff\"]", "[\"/\xc0\xaf\"]", "[\"/\\ud800\"]",
  };
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (invalid); i++)
    expect_parse_error (invalid[i], LIMIT, GP_ERROR_INVALID_ARGUMENT);
}

/* @value is refused with a message that says why: @reason, and where. */
static void
expect_parse_refused (const char *value, const char *reason, const char *where)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) bricks = gp_bricks_parse (value, LIMIT, &error);
  g_autofree char *start = g_strndup (value, 60);
  g_autofree char *escaped = g_strescape (start, NULL);

  g_assert_null (bricks);
  g_assert_error (error, GP_ERROR, GP_ERROR_INVALID_ARGUMENT);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_test_message ("%s%s: %s", escaped, strlen (value) > 60 ? "..." : "", error->message);
  g_assert_true (g_str_has_prefix (error->message, "bricks: "));
  g_assert_nonnull (strstr (error->message, reason));
  if (where)
    g_assert_nonnull (strstr (error->message, where));
}

/* @depth times @open, then @close as often (when not NULL). */
static char *
nested (const char *open, const char *close, gsize depth)
{
  GString *text = g_string_sized_new (depth * (strlen (open) + (close ? strlen (close) : 0)));
  gsize i;

  for (i = 0; i < depth; i++)
    g_string_append (text, open);
  for (i = 0; close && i < depth; i++)
    g_string_append (text, close);
  return g_string_free (text, FALSE);
}

/* The values of the hostile-peer report: they crashed a recursive parser
 * without a depth limit. Refused, at the depth limit, with no crash. */
static void
test_parse_json_deep (void)
{
  g_autofree char *brackets = nested ("[", "]", 80000);
  g_autofree char *objects = nested ("{\"a\":", "}", 80000);
  g_autofree char *unclosed = nested ("[", NULL, 1000000);
  g_autofree char *at_limit = nested ("[", "]", 2048);
  g_autofree char *list_in_list = nested ("[", "]", 2);

  g_assert_cmpuint (strlen (brackets), ==, 160000);
  expect_parse_refused (brackets, "nesting deeper than 2048 levels", "at line 1 column 2049");
  expect_parse_refused (objects, "nesting deeper than 2048 levels", "at line 1 column ");
  expect_parse_refused (unclosed, "nesting deeper than 2048 levels", "at line 1 column 2049");
  /* The column says jansson stopped at the limit, not at the end of the
   * megabyte. */
  /* Within jansson's limit, and still not a list of strings. */
  expect_parse_refused (at_limit, "element 1 is not a string", NULL);
  expect_parse_refused (list_in_list, "element 1 is not a string", NULL);
  expect_parse_refused ("[\"/a\", [\"/b\"]]", "element 2 is not a string", NULL);
  expect_parse_refused ("[\"/a\", {\"b\": \"/c\"}]", "element 2 is not a string", NULL);
}

/* What lax parsers take and JSON has not: refused, saying why. */
static void
test_parse_json_strict (void)
{
  expect_parse_refused ("[\"/a\"][\"/b\"]", "more data after the JSON value",
                        "at line 1 column 7");
  expect_parse_refused ("[\"/a\"] [\"/b\"]", "more data after the JSON value", NULL);
  expect_parse_refused ("[\"/a\"] x", "more data after the JSON value", NULL);
  expect_parse_refused ("[\"/a\"]\n]", "more data after the JSON value", "at line 2");
  expect_parse_refused ("[\"/a\xff\"]", "not valid UTF-8", NULL);
  expect_parse_refused ("[\"/a\xc3\"]", "not valid UTF-8", NULL);
  expect_parse_refused ("[\"/\xed\xa0\x80\"]", "not valid UTF-8", NULL);
  expect_parse_refused ("[\"/a\\u0000b\"]", "\\u0000", NULL);
  expect_parse_refused ("[\"/a\\377\"]", "invalid escape", NULL);
  expect_parse_refused ("[\"/a\\0\"]", "invalid escape", NULL);
  expect_parse_refused ("[\"/a\" /* c */]", "expected near '/'", "at line 1 column 7");
  expect_parse_refused ("[\"/a\",]", "not a valid JSON list", "at line 1 column 7");
}

static void
test_parse_python (void)
{
  const char *two[] = { "/mnt/vdb1", "/mnt/vdc1", NULL };
  const char *none[] = { NULL };

  expect_parse ("['/mnt/vdb1', '/mnt/vdc1']", two);
  expect_parse ("[u'/mnt/vdb1', u'/mnt/vdc1']", two);
  expect_parse ("[U'/mnt/vdb1', u\"/mnt/vdc1\"]", two);
  expect_parse ("['/mnt/vdb1', \"/mnt/vdc1\"]", two);
  expect_parse ("  ['/mnt/vdb1','/mnt/vdc1',]  ", two);
  expect_parse ("['/mnt/vdb1', '/mnt/vdc1', '/mnt/vdb1']", two);
  expect_parse ("['/a\\'b']", (const char *[]) { "/a'b", NULL });
  expect_parse ("['/a\"b']", (const char *[]) { "/a\"b", NULL });
  expect_parse ("['/a\\\\b']", (const char *[]) { "/a\\b", NULL });
  expect_parse ("['/caf\\xe9']", (const char *[]) { "/caf\xc3\xa9", NULL });
  expect_parse ("['/caf\xc3\xa9']", (const char *[]) { "/caf\xc3\xa9", NULL });
  /* repr() double-quotes a string that holds a single quote, so a list can
   * start with "..." and still be Python, with Python's escapes. */
  expect_parse ("[\"/mnt/it's\", '/mnt/vdc1']",
                (const char *[]) { "/mnt/it's", "/mnt/vdc1", NULL });
  expect_parse ("[\"/mnt/it's\", '/mnt/a\\\\b']",
                (const char *[]) { "/mnt/it's", "/mnt/a\\b", NULL });
  expect_parse ("[\"/mnt/it's\", u'/mnt/b']", (const char *[]) { "/mnt/it's", "/mnt/b", NULL });
  expect_parse ("[\"/mnt/it's\\xe9\"]", (const char *[]) { "/mnt/it's\xc3\xa9", NULL });
  expect_parse ("['/a\\\\u0000']", (const char *[]) { "/a\\u0000", NULL });
  expect_parse ("[]", none);
}

static void
test_parse_python_invalid (void)
{
  const char *invalid[] = {
    /* broken */
    "['/a", "['/a'", "['/a]", "['/a' '/b']", "['/a',", "['/a'] x", "['/a']]", "['/a',,]",
    "['/a', ,'/b']", "[u'/a', u]", "['/a'\"/b\"]", "['/a'];",
    /* bad escapes */
    "['/a\\q']", "['/a\\x4']", "['/a\\xg0']", "['/a\\']", "['/a\\u00e9']",
    "['/a\\0']", "['/a\\N{DASH}']",
    /* NUL and other control characters */
    "['/a\\x00']", "['/a\\x00b']", "['/a\\x0a']", "['/a\\n']", "['/a\\t']",
    "['/a\\r']", "['/a\\x7f']", "['/a\\x1b']", "['/a\nb']",
    /* lists of other things */
    "['/a', 1]", "['/a', None]", "['/a', ['/b']]", "[['/a']]", "['/a', {}]",
    /* bad bricks */
    "['relative']", "['']", "['/..']", "['/a/../b']", "['/a/..']",
    "['/a\xff']", "[u'/\xc0\xaf']", "[\"/it's\", 'b']",
  };
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (invalid); i++)
    expect_parse_error (invalid[i], LIMIT, GP_ERROR_INVALID_ARGUMENT);
}

/* A list of @n bricks, @distinct of them different, as JSON or Python. */
static char *
big_list (guint n, guint distinct, gboolean python)
{
  g_autoptr(GString) s = g_string_new ("[");
  guint i;

  for (i = 0; i < n; i++)
    g_string_append_printf (s, python ? "%s'/srv/brick%u'" : "%s\"/srv/brick%u\"",
                            i ? ", " : "", i % distinct);
  g_string_append_c (s, ']');
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static void
test_parse_limits (void)
{
  const gboolean styles[] = { FALSE, TRUE };
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (styles); i++)
    {
      g_autofree char *at_limit = big_list (LIMIT, LIMIT, styles[i]);
      g_autofree char *over = big_list (LIMIT + 1, LIMIT + 1, styles[i]);
      g_autofree char *dups = big_list (20 * LIMIT, LIMIT, styles[i]);
      g_autofree char *one = big_list (50000, 1, styles[i]);
      g_autofree char *last = g_strdup_printf ("/srv/brick%u", LIMIT - 1);
      g_autoptr(GError) error = NULL;
      g_auto(GStrv) bricks = NULL;
      g_auto(GStrv) single = NULL;

      bricks = gp_bricks_parse (at_limit, LIMIT, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (g_strv_length (bricks), ==, LIMIT);
      g_assert_cmpstr (bricks[LIMIT - 1], ==, last);
      g_clear_pointer (&bricks, g_strfreev);

      expect_parse_error (over, LIMIT, GP_ERROR_LIMIT_EXCEEDED);

      /* Duplicates do not count towards the limit. */
      bricks = gp_bricks_parse (dups, LIMIT, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (g_strv_length (bricks), ==, LIMIT);
      g_assert_cmpstr (bricks[0], ==, "/srv/brick0");

      single = gp_bricks_parse (one, 1, &error);
      g_assert_no_error (error);
      g_assert_cmpstrv (single, ((const char *[]) { "/srv/brick0", NULL }));

      expect_parse_error ("[\"/a\", \"/b\"]", 1, GP_ERROR_LIMIT_EXCEEDED);
      expect_parse_error ("['/a', '/b']", 1, GP_ERROR_LIMIT_EXCEEDED);
      expect_parse_error ("[\"/a\"]", 0, GP_ERROR_LIMIT_EXCEEDED);
    }
}

static void
test_to_json (void)
{
  const char *two[] = { "/mnt/vdb1", "/mnt/vdc1", NULL };
  const char *none[] = { NULL };
  g_autofree char *json_two = gp_bricks_to_json (two);
  g_autofree char *json_none = gp_bricks_to_json (none);
  g_autofree char *json_null = gp_bricks_to_json (NULL);

  g_assert_cmpstr (json_two, ==, "[\"/mnt/vdb1\",\"/mnt/vdc1\"]");
  g_assert_cmpstr (json_none, ==, "[]");
  g_assert_cmpstr (json_null, ==, "[]");
}

/* What the service writes (LocalSettings, the state file) it must read
 * back unchanged, for every valid brick. */
static void
test_round_trip (void)
{
  g_autofree char *longest = path_of_length (GP_BRICK_MAX);
  const char *bricks[] = {
    "/mnt/vdb1", "/a\"b", "/a\\b", "/a\\u0000", "/a\\\\u0000", "/it's",
    "/caf\xc3\xa9", "/\xf0\x9f\x92\xbe", "/a b", "/a/...b", "/a/b..", "/",
    "/a\\", "/\\x00", "/u'x", "/a/.b", "/\xe2\x80\xa8", longest, NULL,
  };
  g_autofree char *json = gp_bricks_to_json (bricks);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) back = gp_bricks_parse (json, LIMIT, &error);
  gsize i;

  g_assert_no_error (error);
  g_assert_cmpstrv (back, bricks);

  for (i = 0; bricks[i]; i++)
    {
      const char *one[] = { bricks[i], NULL };
      g_autofree char *one_json = gp_bricks_to_json (one);
      g_auto(GStrv) one_back = gp_bricks_parse (one_json, 1, &error);

      g_assert_no_error (error);
      g_assert_cmpstrv (one_back, one);
    }
}

static void
expect_diff (const char *const *old_bricks, const char *const *new_bricks,
             const char *const *added, const char *const *removed)
{
  g_auto(GStrv) a = NULL;
  g_auto(GStrv) r = NULL;

  gp_bricks_diff (old_bricks, new_bricks, &a, &r);
  g_assert_cmpstrv (a, added);
  g_assert_cmpstrv (r, removed);
}

static void
test_diff (void)
{
  const char *none[] = { NULL };
  const char *abc[] = { "/a", "/b", "/c", NULL };
  const char *cda[] = { "/c", "/d", "/a", NULL };
  const char *vdb1[] = { "/mnt/vdb1", NULL };
  const char *vdb10[] = { "/mnt/vdb10", NULL };
  const char *vdb[] = { "/mnt/vdb", NULL };
  const char *grow[] = { "/z", "/a", "/y", "/b", "/x", "/c", NULL };
  g_auto(GStrv) only_added = NULL;
  g_auto(GStrv) only_removed = NULL;

  expect_diff (abc, cda, (const char *[]) { "/d", NULL }, (const char *[]) { "/b", NULL });
  expect_diff (abc, abc, none, none);
  expect_diff (none, abc, abc, none);
  expect_diff (abc, none, none, abc);
  expect_diff (NULL, NULL, none, none);
  expect_diff (NULL, abc, abc, none);
  expect_diff (abc, NULL, none, abc);
  /* Added in the new list's order, removed in the old one's. */
  expect_diff (abc, grow, (const char *[]) { "/z", "/y", "/x", NULL }, none);
  expect_diff (grow, abc, none, (const char *[]) { "/z", "/y", "/x", NULL });
  /* Whole paths: the old interface compared the characters of the string,
   * and saw nothing change from /mnt/vdb1 to /mnt/vdb10. */
  expect_diff (vdb1, vdb10, vdb10, vdb1);
  expect_diff (vdb10, vdb1, vdb1, vdb10);
  expect_diff (vdb, vdb1, vdb1, vdb);
  /* Reordering is no change. */
  expect_diff (abc, (const char *[]) { "/c", "/b", "/a", NULL }, none, none);

  /* Either output may be skipped. */
  gp_bricks_diff (abc, cda, &only_added, NULL);
  g_assert_cmpstrv (only_added, ((const char *[]) { "/d", NULL }));
  gp_bricks_diff (abc, cda, NULL, &only_removed);
  g_assert_cmpstrv (only_removed, ((const char *[]) { "/b", NULL }));
  gp_bricks_diff (abc, cda, NULL, NULL);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/bricks/validate/valid", test_validate_valid);
  g_test_add_func ("/bricks/validate/invalid", test_validate_invalid);
  g_test_add_func ("/bricks/normalize", test_normalize);
  g_test_add_func ("/bricks/normalize/canonical", test_normalize_canonical);
  g_test_add_func ("/bricks/canonicalize", test_canonicalize);
  g_test_add_func ("/bricks/parse/json", test_parse_json);
  g_test_add_func ("/bricks/parse/json-invalid", test_parse_json_invalid);
  g_test_add_func ("/bricks/parse/json-deep", test_parse_json_deep);
  g_test_add_func ("/bricks/parse/json-strict", test_parse_json_strict);
  g_test_add_func ("/bricks/parse/python", test_parse_python);
  g_test_add_func ("/bricks/parse/python-invalid", test_parse_python_invalid);
  g_test_add_func ("/bricks/parse/limits", test_parse_limits);
  g_test_add_func ("/bricks/to-json", test_to_json);
  g_test_add_func ("/bricks/round-trip", test_round_trip);
  g_test_add_func ("/bricks/diff", test_diff);

  return g_test_run ();
}
