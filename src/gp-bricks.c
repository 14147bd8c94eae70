#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "gp-bricks.h"
#include "gp-error.h"

gboolean
gp_brick_validate (const char *brick, GError **error)
{
  gsize len = strlen (brick);
  const char *p;

  if (len == 0)
    {
      g_set_error_literal (error, GP_ERROR, GP_ERROR_INVALID_ARGUMENT,
                           "brick path is empty");
      return FALSE;
    }
  if (len > GP_BRICK_MAX)
    {
      g_set_error (error, GP_ERROR, GP_ERROR_INVALID_ARGUMENT,
                   "brick path is %zu bytes long; at most %d are allowed",
                   len, GP_BRICK_MAX);
      return FALSE;
    }
  if (!g_utf8_validate (brick, (gssize) len, NULL))
    {
      g_set_error_literal (error, GP_ERROR, GP_ERROR_INVALID_ARGUMENT,
                           "brick path is not valid UTF-8");
      return FALSE;
    }
  if (brick[0] != '/')
    {
      g_set_error (error, GP_ERROR, GP_ERROR_INVALID_ARGUMENT,
                   "brick “%s” is not an absolute path", brick);
      return FALSE;
    }
  /* Newlines and other control characters would split or garble a gluster
   * command line; the contract names NUL and newline, we refuse them all. */
  for (p = brick; *p; p++)
    if ((guchar) *p < 0x20 || (guchar) *p == 0x7f)
      {
        g_set_error (error, GP_ERROR, GP_ERROR_INVALID_ARGUMENT,
                     "brick path contains a control character (0x%02x)",
                     (guint) (guchar) *p);
        return FALSE;
      }
  for (p = brick; p; p = strchr (p + 1, '/'))
    if (p[1] == '.' && p[2] == '.' && (p[3] == '/' || p[3] == '\0'))
      {
        g_set_error (error, GP_ERROR, GP_ERROR_INVALID_ARGUMENT,
                     "brick “%s” has a “..” component", brick);
        return FALSE;
      }
  return TRUE;
}

GStrv
gp_bricks_normalize (const char *const *bricks, guint max_bricks, GError **error)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  guint n = 0;

  for (; bricks && *bricks; bricks++)
    {
      if (!gp_brick_validate (*bricks, error))
        return NULL;
      if (!g_hash_table_add (seen, (gpointer) *bricks))
        continue;
      if (++n > max_bricks)
        {
          g_set_error (error, GP_ERROR, GP_ERROR_LIMIT_EXCEEDED,
                       "more than %u bricks; the limit is %u per unit",
                       max_bricks, max_bricks);
          return NULL;
        }
      g_strv_builder_add (builder, *bricks);
    }
  return g_strv_builder_end (builder);
}

/* Whether @value holds the escape \u0000. After an escaped backslash the
 * same characters are a path's own text, as gp_bricks_to_json() writes a
 * brick holding them: that list must read back. */
static gboolean
has_json_nul (const char *value)
{
  const char *p;

  for (p = strchr (value, '\\'); p; p = strchr (p + 2, '\\'))
    {
      /* json-glib also takes octal escapes, which JSON has not: "\0". */
      if (g_str_has_prefix (p + 1, "u0000") || p[1] == '0')
        return TRUE;
      if (p[1] == '\0')
        break;
    }
  return FALSE;
}

/* The end of the first JSON value in @text, or NULL when the text ends
 * inside it or holds what JSON has not outside strings (json-glib also
 * takes comments, and leaks on some of them). Finds the extent only:
 * json-glib judges the rest. */
static const char *
json_value_end (const char *p)
{
  int depth = 0;

  while (g_ascii_isspace (*p))
    p++;
  do
    {
      if (*p == '"')
        {
          for (p++; *p != '"'; p++)
            {
              if (*p == '\0')
                return NULL;
              if (*p == '\\' && p[1] != '\0')
                p++;
            }
          p++;
        }
      else if (*p == '[' || *p == '{')
        depth++, p++;
      else if (*p == ']' || *p == '}')
        depth--, p++;
      else if (*p != '\0' && (g_ascii_isspace (*p) || strchr (",:", *p) != NULL) && depth > 0)
        p++;
      else if (*p != '\0' && (g_ascii_isalnum (*p) || strchr ("+-.", *p) != NULL))
        {
          /* a number, true, false or null */
          while (g_ascii_isalnum (*p) || (*p != '\0' && strchr ("+-.", *p) != NULL))
            p++;
        }
      else
        return NULL;
    }
  while (depth > 0);
  return p;
}

gboolean
gp_json_is_one_value (const char *text)
{
  const char *end = json_value_end (text);

  if (end == NULL)
    return FALSE;
  while (g_ascii_isspace (*end))
    end++;
  return *end == '\0';
}

static GStrv
parse_json_list (const char *value, GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) local = NULL;
  JsonNode *root;
  JsonArray *array;
  guint i, n;

  /* json-glib hands strings back NUL-terminated, so an escaped NUL would
   * silently cut a path short: refuse it before parsing. */
  if (has_json_nul (value))
    {
      g_set_error_literal (error, GP_ERROR, GP_ERROR_INVALID_ARGUMENT,
                           "bricks: a brick path contains a NUL character");
      return NULL;
    }
  if (!gp_json_is_one_value (value))
    {
      g_set_error_literal (error, GP_ERROR, GP_ERROR_INVALID_ARGUMENT,
                           "bricks: not a valid JSON list: not one JSON value");
      return NULL;
    }
  if (!json_parser_load_from_data (parser, value, -1, &local))
    {
      /* json-glib quotes the input, decoding octal escapes ("\377") that
       * JSON has not: the message may not be UTF-8, and it goes out over
       * D-Bus (Problems, error replies). */
      g_autofree char *message = g_utf8_make_valid (local->message, -1);

      g_set_error (error, GP_ERROR, GP_ERROR_INVALID_ARGUMENT,
                   "bricks: not a valid JSON list: %s", message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_ARRAY (root))
    {
      g_set_error_literal (error, GP_ERROR, GP_ERROR_INVALID_ARGUMENT,
                           "bricks: the value is not a list");
      return NULL;
    }
  array = json_node_get_array (root);
  n = json_array_get_length (array);
  for (i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (array, i);

      if (!JSON_NODE_HOLDS_VALUE (node) ||
          json_node_get_value_type (node) != G_TYPE_STRING)
        {
          g_set_error (error, GP_ERROR, GP_ERROR_INVALID_ARGUMENT,
                       "bricks: element %u is not a string", i + 1);
          return NULL;
        }
      g_ptr_array_add (items, g_strdup (json_node_get_string (node)));
    }
  g_ptr_array_add (items, NULL);
  return (GStrv) g_ptr_array_steal (items, NULL);
}

/* One Python string literal at *p ('...' or "...", optional u/b prefix),
 * with the escapes repr() writes. Advances *p past it. */
static char *
parse_python_string (const char **p, GError **error)
{
  g_autoptr(GString) out = g_string_new (NULL);
  const char *s = *p;
  char quote;

  if (*s == 'u' || *s == 'U')
    s++;
  quote = *s;
  if (quote != '\'' && quote != '"')
    {
      g_set_error_literal (error, GP_ERROR, GP_ERROR_INVALID_ARGUMENT,
                           "bricks: expected a quoted string in the list");
      return NULL;
    }
  for (s++; *s != quote; s++)
    {
      if (*s == '\0')
        {
          g_set_error_literal (error, GP_ERROR, GP_ERROR_INVALID_ARGUMENT,
                               "bricks: unterminated string in the list");
          return NULL;
        }
      if (*s != '\\')
        {
          g_string_append_c (out, *s);
          continue;
        }
      s++;
      switch (*s)
        {
        case '\\': case '\'': case '"':
          g_string_append_c (out, *s);
          break;
        case 'n': g_string_append_c (out, '\n'); break;
        case 't': g_string_append_c (out, '\t'); break;
        case 'r': g_string_append_c (out, '\r'); break;
        case 'x':
          if (g_ascii_isxdigit (s[1]) && g_ascii_isxdigit (s[2]))
            {
              int c = g_ascii_xdigit_value (s[1]) * 16 + g_ascii_xdigit_value (s[2]);
              if (c == 0)
                {
                  g_set_error_literal (error, GP_ERROR, GP_ERROR_INVALID_ARGUMENT,
                                       "bricks: a brick path contains a NUL character");
                  return NULL;
                }
              g_string_append_unichar (out, (gunichar) c);
              s += 2;
              break;
            }
          G_GNUC_FALLTHROUGH;
        default:
          g_set_error_literal (error, GP_ERROR, GP_ERROR_INVALID_ARGUMENT,
                               "bricks: unsupported escape sequence in the list");
          return NULL;
        }
    }
  *p = s + 1;
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static GStrv
parse_python_list (const char *value, GError **error)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_free);
  const char *p = value;

  while (g_ascii_isspace (*p))
    p++;
  if (*p++ != '[')
    {
      g_set_error_literal (error, GP_ERROR, GP_ERROR_INVALID_ARGUMENT,
                           "bricks: the value is not a list");
      return NULL;
    }
  for (;;)
    {
      char *item;

      while (g_ascii_isspace (*p))
        p++;
      if (*p == ']')
        break;
      item = parse_python_string (&p, error);
      if (item == NULL)
        return NULL;
      g_ptr_array_add (items, item);
      while (g_ascii_isspace (*p))
        p++;
      if (*p == ',')
        p++;
      else if (*p != ']')
        {
          g_set_error_literal (error, GP_ERROR, GP_ERROR_INVALID_ARGUMENT,
                               "bricks: expected “,” or “]” in the list");
          return NULL;
        }
    }
  for (p++; g_ascii_isspace (*p); p++)
    ;
  if (*p != '\0')
    {
      g_set_error_literal (error, GP_ERROR, GP_ERROR_INVALID_ARGUMENT,
                           "bricks: text after the end of the list");
      return NULL;
    }
  g_ptr_array_add (items, NULL);
  return (GStrv) g_ptr_array_steal (items, NULL);
}

/* Python's repr() quotes with ' unless the string holds a ' and no ", so a
 * Python list may well start with "...". Any '...' or u'...' item, or a \x
 * escape (JSON has none), makes the list Python; everything else is JSON, so
 * JSON's error messages win. json-glib itself takes '...' but without
 * Python's escapes, and drops the backslash of \x: it would misread paths. */
static gboolean
looks_like_python (const char *value)
{
  const char *p = value;

  while (g_ascii_isspace (*p))
    p++;
  if (*p != '[')
    return FALSE;
  for (p++; *p; p++)
    {
      if (*p == '\'' || ((*p == 'u' || *p == 'U') && (p[1] == '\'' || p[1] == '"')))
        return TRUE;
      if (*p != '"')
        continue;
      for (p++; *p != '"'; p++)
        {
          if (*p == '\0')
            return FALSE;
          if (*p == '\\')
            {
              if (p[1] == 'x')
                return TRUE;
              if (p[1] == '\0')
                return FALSE;
              p++;
            }
        }
    }
  return FALSE;
}

GStrv
gp_bricks_parse (const char *value, guint max_bricks, GError **error)
{
  g_auto(GStrv) raw = NULL;
  g_autoptr(GError) local = NULL;
  GStrv result;

  raw = looks_like_python (value) ? parse_python_list (value, error)
                                  : parse_json_list (value, error);
  if (raw == NULL)
    return NULL;
  result = gp_bricks_normalize ((const char *const *) raw, max_bricks, &local);
  if (result == NULL)
    {
      g_set_error (error, GP_ERROR, local->code, "bricks: %s", local->message);
      return NULL;
    }
  return result;
}

char *
gp_bricks_to_json (const char *const *bricks)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_array (builder);
  for (; bricks && *bricks; bricks++)
    json_builder_add_string_value (builder, *bricks);
  json_builder_end_array (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

static GStrv
strv_minus (const char *const *a, const char *const *b)
{
  g_autoptr(GHashTable) in_b = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (; b && *b; b++)
    g_hash_table_add (in_b, (gpointer) *b);
  for (; a && *a; a++)
    if (!g_hash_table_contains (in_b, *a))
      g_strv_builder_add (builder, *a);
  return g_strv_builder_end (builder);
}

void
gp_bricks_diff (const char *const *old_bricks, const char *const *new_bricks,
                GStrv *added, GStrv *removed)
{
  if (added)
    *added = strv_minus (new_bricks, old_bricks);
  if (removed)
    *removed = strv_minus (old_bricks, new_bricks);
}
