/* gp-cli-charm.c: which of the charm's endpoints are ours. A charm's
 * metadata.yaml declares its endpoints under `peers`, `provides` and
 * `requires`, each with an interface; hook mode acts on those of interface
 * gluster-peer and leaves every other hook alone, and commands default to
 * that endpoint rather than to the endpoint of whatever hook runs them.
 *
 * The file is read with libyaml's event API, bounded in size and nesting:
 * it comes from the charm, but a hook that chokes on it must fail with a
 * message, not crash or stall.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "gp-cli.h"

#include <yaml.h>

#include "gp-names.h"

/* Real metadata.yaml files are a few KiB and a few levels deep. */
#define METADATA_MAX_BYTES (1024 * 1024)
#define METADATA_MAX_DEPTH 64

#define GLUSTER_PEER_INTERFACE "gluster-peer"

typedef struct {
  yaml_parser_t parser;
  guint depth;
  const char *path;
  GPtrArray *endpoints; /* of ours, in file order */
} MetadataReader;

static gboolean
reader_fail (MetadataReader *reader, GError **error, const char *reason)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s:%lu: %s", reader->path,
               (unsigned long) reader->parser.problem_mark.line + 1, reason);
  return FALSE;
}

/* The next event, with the nesting depth kept and bounded. */
static gboolean
next_event (MetadataReader *reader, yaml_event_t *event, GError **error)
{
  if (!yaml_parser_parse (&reader->parser, event))
    return reader_fail (reader, error, reader->parser.problem ? reader->parser.problem
                                                               : _("not valid YAML"));
  switch (event->type)
    {
    case YAML_MAPPING_START_EVENT:
    case YAML_SEQUENCE_START_EVENT:
      if (++reader->depth > METADATA_MAX_DEPTH)
        {
          yaml_event_delete (event);
          return reader_fail (reader, error, _("nested too deeply"));
        }
      break;
    case YAML_MAPPING_END_EVENT:
    case YAML_SEQUENCE_END_EVENT:
      reader->depth--;
      break;
    default:
      break;
    }
  return TRUE;
}

/* Skips the rest of the node that @first (already read) starts. */
static gboolean
skip_node (MetadataReader *reader, const yaml_event_t *first, GError **error)
{
  guint depth = reader->depth;

  if (first->type != YAML_MAPPING_START_EVENT && first->type != YAML_SEQUENCE_START_EVENT)
    return TRUE;
  while (reader->depth >= depth)
    {
      yaml_event_t event;

      if (!next_event (reader, &event, error))
        return FALSE;
      yaml_event_delete (&event);
    }
  return TRUE;
}

static gboolean
scalar_is (const yaml_event_t *event, const char *text)
{
  return event->type == YAML_SCALAR_EVENT &&
         g_str_equal ((const char *) event->data.scalar.value, text);
}

/* One endpoint's value: "interface-name" (the short form) or a mapping
 * with an `interface` key. TRUE in *ours when that is gluster-peer. */
static gboolean
read_endpoint (MetadataReader *reader, gboolean *ours, GError **error)
{
  yaml_event_t value;

  *ours = FALSE;
  if (!next_event (reader, &value, error))
    return FALSE;
  if (value.type != YAML_MAPPING_START_EVENT)
    {
      gboolean ok;

      *ours = scalar_is (&value, GLUSTER_PEER_INTERFACE);
      ok = skip_node (reader, &value, error);
      yaml_event_delete (&value);
      return ok;
    }
  yaml_event_delete (&value);
  for (;;)
    {
      yaml_event_t key, field;
      gboolean is_interface, ok;

      if (!next_event (reader, &key, error))
        return FALSE;
      if (key.type == YAML_MAPPING_END_EVENT)
        return TRUE;
      is_interface = scalar_is (&key, "interface");
      ok = skip_node (reader, &key, error);
      yaml_event_delete (&key);
      if (!ok || !next_event (reader, &field, error))
        return FALSE;
      if (is_interface)
        *ours = scalar_is (&field, GLUSTER_PEER_INTERFACE);
      ok = skip_node (reader, &field, error);
      yaml_event_delete (&field);
      if (!ok)
        return FALSE;
    }
}

/* The mapping of endpoint names under `peers`, `provides` or `requires`
 * (its start event read already). */
static gboolean
read_endpoints (MetadataReader *reader, GError **error)
{
  for (;;)
    {
      yaml_event_t key;
      g_autofree char *name = NULL;
      gboolean ours;

      if (!next_event (reader, &key, error))
        return FALSE;
      if (key.type == YAML_MAPPING_END_EVENT)
        return TRUE;
      if (key.type == YAML_SCALAR_EVENT)
        name = g_strdup ((const char *) key.data.scalar.value);
      if (!skip_node (reader, &key, error))
        {
          yaml_event_delete (&key);
          return FALSE;
        }
      yaml_event_delete (&key);
      if (!read_endpoint (reader, &ours, error))
        return FALSE;
      /* A name Juju would refuse cannot name one of our relations. */
      if (ours && name && gp_name_validate (name, "endpoint", NULL))
        g_ptr_array_add (reader->endpoints, g_steal_pointer (&name));
    }
}

/* The top-level mapping (its start event read already). */
static gboolean
read_top (MetadataReader *reader, GError **error)
{
  for (;;)
    {
      yaml_event_t key, value;
      gboolean section, ok;

      if (!next_event (reader, &key, error))
        return FALSE;
      if (key.type == YAML_MAPPING_END_EVENT)
        return TRUE;
      section = scalar_is (&key, "peers") || scalar_is (&key, "provides") ||
                scalar_is (&key, "requires");
      ok = skip_node (reader, &key, error);
      yaml_event_delete (&key);
      if (!ok || !next_event (reader, &value, error))
        return FALSE;
      if (section && value.type == YAML_MAPPING_START_EVENT)
        ok = read_endpoints (reader, error);
      else
        ok = skip_node (reader, &value, error);
      yaml_event_delete (&value);
      if (!ok)
        return FALSE;
    }
}

/* The top-level mapping of the first document that has one; a document
 * that is not a mapping declares no endpoints. */
static gboolean
read_metadata (MetadataReader *reader, GError **error)
{
  for (;;)
    {
      yaml_event_t event;
      gboolean ok = TRUE, done;

      if (!next_event (reader, &event, error))
        return FALSE;
      done = event.type == YAML_STREAM_END_EVENT;
      if (event.type == YAML_MAPPING_START_EVENT && reader->depth == 1)
        {
          ok = read_top (reader, error);
          done = TRUE;
        }
      else
        ok = skip_node (reader, &event, error);
      yaml_event_delete (&event);
      if (!ok || done)
        return ok;
    }
}

GStrv
gp_cli_charm_parse_endpoints (const char *path, const char *text, gsize length,
                              GError **error)
{
  MetadataReader reader = { .path = path, .depth = 0 };
  g_autoptr(GPtrArray) endpoints = g_ptr_array_new_with_free_func (g_free);
  gboolean ok;

  if (length > METADATA_MAX_BYTES)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   /* TRANSLATORS: file name, size limit in bytes */
                   _("%s: larger than %u bytes: not a charm's metadata"), path,
                   (guint) METADATA_MAX_BYTES);
      return NULL;
    }
  if (!yaml_parser_initialize (&reader.parser))
    g_error ("yaml_parser_initialize: out of memory");
  yaml_parser_set_input_string (&reader.parser, (const unsigned char *) text, length);
  reader.endpoints = endpoints;
  ok = read_metadata (&reader, error);
  yaml_parser_delete (&reader.parser);
  if (!ok)
    return NULL;
  g_ptr_array_add (endpoints, NULL);
  return (GStrv) g_ptr_array_steal (endpoints, NULL);
}

static char *
metadata_path (void)
{
  static const char *const variables[] = { "JUJU_CHARM_DIR", "CHARM_DIR", NULL };

  for (guint i = 0; variables[i]; i++)
    {
      const char *dir = g_getenv (variables[i]);
      g_autofree char *path = NULL;

      if (dir == NULL || dir[0] == '\0')
        continue;
      path = g_build_filename (dir, "metadata.yaml", NULL);
      if (g_file_test (path, G_FILE_TEST_EXISTS))
        return g_steal_pointer (&path);
    }
  return NULL;
}

gboolean
gp_cli_charm_endpoints (GStrv *endpoints, GError **error)
{
  g_autofree char *path = metadata_path ();
  g_autoptr(GMappedFile) file = NULL;

  *endpoints = NULL;
  if (path == NULL)
    return TRUE;
  file = g_mapped_file_new (path, FALSE, error);
  if (file == NULL)
    return FALSE;
  *endpoints = gp_cli_charm_parse_endpoints (path, g_mapped_file_get_contents (file),
                                             g_mapped_file_get_length (file), error);
  return *endpoints != NULL;
}

static char *
join_names (const char *const *names)
{
  return g_strjoinv (", ", (char **) names);
}

gboolean
gp_cli_default_endpoint (char **endpoint, gboolean *usage, GError **error)
{
  g_auto(GStrv) endpoints = NULL;
  g_autofree char *names = NULL;
  const char *hook_relation = g_getenv ("JUJU_RELATION");

  *endpoint = NULL;
  *usage = FALSE;
  if (!gp_cli_in_juju_context ())
    return TRUE;
  if (hook_relation && hook_relation[0] == '\0')
    hook_relation = NULL;
  if (!gp_cli_charm_endpoints (&endpoints, error))
    return FALSE;
  /* No charm around us: the hook's relation, as before charms declared. */
  if (endpoints == NULL)
    {
      *endpoint = g_strdup (hook_relation);
      return TRUE;
    }
  if (endpoints[0] && endpoints[1] == NULL)
    {
      *endpoint = g_strdup (endpoints[0]);
      return TRUE;
    }
  if (hook_relation && g_strv_contains ((const char *const *) endpoints, hook_relation))
    {
      *endpoint = g_strdup (hook_relation);
      return TRUE;
    }
  *usage = TRUE;
  if (endpoints[0] == NULL)
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                         _("the charm declares no endpoint of interface gluster-peer "
                           "in its metadata.yaml"));
  else
    {
      names = join_names ((const char *const *) endpoints);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   /* TRANSLATORS: %s: list of endpoint names */
                   _("the charm has several gluster-peer endpoints (%s): choose one "
                     "with --relation"), names);
    }
  return FALSE;
}
