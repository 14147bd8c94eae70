/* gp-json.c: JSON through jansson. jansson is strict by default (RFC 8259,
 * UTF-8 checked, trailing data refused, \u0000 refused) and its recursive
 * parser stops at JSON_PARSER_MAX_DEPTH, so no nesting a peer sends can
 * exhaust the stack. What is left to us: refusing duplicate keys, and
 * messages that say what is wrong and where. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "gp-error.h"
#include "gp-json.h"

/* jansson's own text for the common cases names its flags or quotes the
 * input; ours says what is wrong with the value. */
static char *
describe_parse_error (const json_error_t *error)
{
  switch (json_error_code (error))
    {
    case json_error_stack_overflow:
      return g_strdup_printf ("nesting deeper than %d levels", JSON_PARSER_MAX_DEPTH);
    case json_error_end_of_input_expected:
      return g_strdup ("more data after the JSON value");
    case json_error_premature_end_of_input:
      return g_strdup ("the text ends inside the JSON value");
    case json_error_invalid_utf8:
      return g_strdup ("not valid UTF-8");
    case json_error_null_character:
      return g_strdup ("a string holds \\u0000");
    case json_error_duplicate_key:
      return g_strdup ("a key appears twice in one object");
    default:
      /* jansson quotes at most a token of the input, which it has
       * checked for UTF-8 up to there; make sure all the same. */
      return g_utf8_make_valid (error->text, -1);
    }
}

json_t *
gp_json_parse (const char *text, size_t flags, GError **error)
{
  json_error_t parse_error;
  g_autofree char *what = NULL;
  json_t *json;

  json = json_loadb (text, strlen (text), flags | JSON_REJECT_DUPLICATES, &parse_error);
  if (json != NULL)
    return json;
  what = describe_parse_error (&parse_error);
  g_set_error (error, GP_ERROR, GP_ERROR_INVALID_ARGUMENT, "%s at line %d column %d",
               what, parse_error.line, parse_error.column);
  return NULL;
}

char *
gp_json_to_string (const json_t *json, size_t flags)
{
  char *text = json_dumps (json, flags | JSON_ENCODE_ANY);
  char *copy;

  /* NULL only when out of memory, which GLib treats as fatal too. */
  if (text == NULL)
    g_error ("out of memory writing JSON");
  copy = g_strdup (text);
  free (text);
  return copy;
}

json_t *
gp_json_string (const char *text)
{
  g_autofree char *valid = NULL;

  if (text == NULL)
    return json_null ();
  if (g_utf8_validate (text, -1, NULL))
    return json_string (text);
  valid = g_utf8_make_valid (text, -1);
  return json_string (valid);
}

json_t *
gp_json_strv (const char *const *strv)
{
  json_t *array = json_array ();

  for (; strv && *strv; strv++)
    json_array_append_new (array, gp_json_string (*strv));
  return array;
}
