/* gp-json.h: all JSON of gluster-peer goes through jansson: strict parsing
 * of what peers, Juju's tools and the state file say, and writing. */
#pragma once

#include <glib.h>
#include <jansson.h>

G_BEGIN_DECLS

G_DEFINE_AUTOPTR_CLEANUP_FUNC (json_t, json_decref)

/* @text as exactly one JSON value, as RFC 8259 has it: valid UTF-8, no
 * \u0000, no duplicate keys, nothing but white space after the value, at
 * most JSON_PARSER_MAX_DEPTH (2048) levels of nesting. The value must be
 * an array or object unless @flags has JSON_DECODE_ANY. On failure
 * GP_ERROR_INVALID_ARGUMENT, with a UTF-8 message that says what and where
 * ("nesting deeper than 2048 levels at line 1 column 2049"). */
json_t *gp_json_parse (const char *text, size_t flags, GError **error);

/* @json as text (jansson's flags: JSON_COMPACT, JSON_INDENT (n), ...);
 * free with g_free(). Never NULL. */
char *gp_json_to_string (const json_t *json, size_t flags);

/* A JSON string holding @text, null for NULL. Text that is not UTF-8,
 * which jansson refuses, gets its bad bytes replaced rather than lost. */
json_t *gp_json_string (const char *text);

/* A JSON array of the strings of @strv (NULL: empty). */
json_t *gp_json_strv (const char *const *strv);

G_END_DECLS
