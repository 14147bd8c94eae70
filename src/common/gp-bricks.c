#include "config.h"

#include <string.h>

#include "gp-bricks.h"
#include "gp-error.h"
#include "gp-json.h"

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

char *
gp_brick_canonicalize (const char *brick)
{
  GString *canonical = g_string_sized_new (strlen (brick));
  const char *p = brick;

  /* Component by component: an empty one ("//") and "." name the
   * directory they stand in, so they add nothing. */
  while (*p != '\0')
    {
      const char *end;
      gsize len;

      while (*p == '/')
        p++;
      end = strchrnul (p, '/');
      len = (gsize) (end - p);
      if (len > 0 && !(len == 1 && p[0] == '.'))
        {
          g_string_append_c (canonical, '/');
          g_string_append_len (canonical, p, (gssize) len);
        }
      p = end;
    }
  if (canonical->len == 0)
    g_string_append_c (canonical, '/');
  return g_string_free (canonical, FALSE);
}

GStrv
gp_bricks_normalize (const char *const *bricks, guint max_bricks, GError **error)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal,
                                                      g_free, NULL);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  guint n = 0;

  for (; bricks && *bricks; bricks++)
    {
      g_autofree char *canonical = NULL;

      if (!gp_brick_validate (*bricks, error))
        return NULL;
      /* One directory is one brick however a peer spells it: gluster
       * refuses a volume that exports the same directory twice. */
      canonical = gp_brick_canonicalize (*bricks);
      if (g_hash_table_contains (seen, canonical))
        continue;
      if (++n > max_bricks)
        {
          g_set_error (error, GP_ERROR, GP_ERROR_LIMIT_EXCEEDED,
                       "more than %u bricks; the limit is %u per unit",
                       max_bricks, max_bricks);
          return NULL;
        }
      g_strv_builder_add (builder, canonical);
      g_hash_table_add (seen, g_steal_pointer (&canonical));
    }
  return g_strv_builder_end (builder);
}

/* Only depth 1: a list of strings. jansson has refused what is not JSON,
 * not UTF-8, holds \u0000 or has anything after the list, and nesting past
 * its depth limit; a nested list or object inside is refused here. */
static GStrv
parse_json_list (const char *value, GError **error)
{
  g_autoptr(GStrvBuilder) items = g_strv_builder_new ();
  g_autoptr(GError) local = NULL;
  g_autoptr(json_t) root = NULL;
  size_t i;
  json_t *element;

  root = gp_json_parse (value, JSON_DECODE_ANY, &local);
  if (root == NULL)
    {
      g_set_error (error, GP_ERROR, GP_ERROR_INVALID_ARGUMENT,
                   "bricks: not a valid JSON list: %s", local->message);
      return NULL;
    }
  if (!json_is_array (root))
    {
      g_set_error_literal (error, GP_ERROR, GP_ERROR_INVALID_ARGUMENT,
                           "bricks: the value is not a list");
      return NULL;
    }
  json_array_foreach (root, i, element)
    {
      if (!json_is_string (element))
        {
          g_set_error (error, GP_ERROR, GP_ERROR_INVALID_ARGUMENT,
                       "bricks: element %zu is not a string", i + 1);
          return NULL;
        }
      g_strv_builder_add (items, json_string_value (element));
    }
  return g_strv_builder_end (items);
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
 * JSON's error messages win. */
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
  g_autoptr(json_t) array = gp_json_strv (bricks);

  return gp_json_to_string (array, JSON_COMPACT);
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
