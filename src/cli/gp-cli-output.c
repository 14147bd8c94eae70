/* gp-cli-output.c: how gluster-peerctl prints: JSON documents for scripts
 * (jansson), and text for people that fits an 80-column terminal.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "gp-cli.h"

#include <stdio.h>
#include <string.h>

#include "gp-names.h"
#include "gp-settings.h"

#define SCREEN_WIDTH 80

/* ---- JSON --------------------------------------------------------------- */

void
gp_cli_print_json (const json_t *json, gboolean pretty)
{
  g_autofree char *text = gp_json_to_string (json, pretty ? JSON_INDENT (2) : JSON_COMPACT);

  fputs (text, stdout);
  fputc ('\n', stdout);
  fflush (stdout);
}

static gint
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* An a{ss} as an object with its keys sorted, so output is stable. */
json_t *
gp_cli_json_settings (GVariant *settings)
{
  json_t *object = json_object ();
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func (g_free);
  GVariantIter iter;
  char *key, *value;

  /* Copied, not borrowed: see sorted_keys() in gp-cli-commands.c. Each
   * entry is "key\0value". */
  if (settings)
    {
      g_variant_iter_init (&iter, settings);
      while (g_variant_iter_next (&iter, "{ss}", &key, &value))
        {
          gsize len = strlen (key);
          char *entry = g_malloc (len + 1 + strlen (value) + 1);

          memcpy (entry, key, len + 1);
          strcpy (entry + len + 1, value);
          g_ptr_array_add (entries, entry);
          g_free (key);
          g_free (value);
        }
    }
  g_ptr_array_sort (entries, compare_strings);
  for (guint i = 0; i < entries->len; i++)
    {
      const char *entry = entries->pdata[i];

      json_object_set_new (object, entry, gp_json_string (entry + strlen (entry) + 1));
    }
  return object;
}

json_t *
gp_cli_json_peer (GpDbusPeer *peer)
{
  json_t *object = json_object ();

  json_object_set_new (object, "name", gp_json_string (gp_dbus_peer_get_name (peer)));
  json_object_set_new (object, "host_name", gp_json_string (gp_dbus_peer_get_host_name (peer)));
  json_object_set_new (object, "path",
                       gp_json_string (g_dbus_proxy_get_object_path (G_DBUS_PROXY (peer))));
  json_object_set_new (object, "address", gp_json_string (gp_dbus_peer_get_address (peer)));
  json_object_set_new (object, "addresses",
                       gp_cli_json_settings (gp_dbus_peer_get_addresses (peer)));
  json_object_set_new (object, "bricks", gp_json_strv (gp_dbus_peer_get_bricks (peer)));
  json_object_set_new (object, "available", json_boolean (gp_dbus_peer_get_available (peer)));
  json_object_set_new (object, "problems", gp_json_strv (gp_dbus_peer_get_problems (peer)));
  json_object_set_new (object, "settings",
                       gp_cli_json_settings (gp_dbus_peer_get_settings (peer)));
  return object;
}

/* Departed: unit -> {"address", "bricks"}, as peer-info prints units. */
static json_t *
json_departed (GVariant *departed)
{
  json_t *object = json_object ();
  GVariantIter iter;
  const char *unit, *address;
  g_autofree const char **bricks = NULL;

  if (departed == NULL)
    return object;
  g_variant_iter_init (&iter, departed);
  while (g_variant_iter_next (&iter, "{&s(&s^a&s)}", &unit, &address, &bricks))
    {
      json_t *entry = json_object ();

      json_object_set_new (entry, "address", gp_json_string (address));
      json_object_set_new (entry, "bricks", gp_json_strv (bricks));
      json_object_set_new (object, unit, entry);
      g_clear_pointer (&bricks, g_free);
    }
  return object;
}

json_t *
gp_cli_json_relation (GpCli *cli, GpDbusRelation *relation)
{
  json_t *object = json_object ();
  json_t *units = json_array ();
  g_autolist(GpDbusPeer) peers = gp_cli_relation_peers (cli, relation);

  json_object_set_new (object, "name", gp_json_string (gp_dbus_relation_get_name (relation)));
  json_object_set_new (object, "id", gp_json_string (gp_dbus_relation_get_id (relation)));
  json_object_set_new (object, "ids", gp_json_strv (gp_dbus_relation_get_ids (relation)));
  json_object_set_new (object, "path",
                       gp_json_string (g_dbus_proxy_get_object_path (G_DBUS_PROXY (relation))));
  json_object_set_new (object, "states", gp_json_strv (gp_dbus_relation_get_states (relation)));
  json_object_set_new (object, "local_unit",
                       gp_json_string (gp_dbus_relation_get_local_unit (relation)));
  json_object_set_new (object, "local_settings",
                       gp_cli_json_settings (gp_dbus_relation_get_local_settings (relation)));
  for (GList *l = peers; l; l = l->next)
    json_array_append_new (units, gp_cli_json_peer (l->data));
  json_object_set_new (object, "units", units);
  json_object_set_new (object, "departed", json_departed (gp_dbus_relation_get_departed (relation)));
  json_object_set_new (object, "problems", gp_json_strv (gp_dbus_relation_get_problems (relation)));
  return object;
}

/* ---- text --------------------------------------------------------------- */

char *
gp_cli_describe_path (const char *path)
{
  g_auto(GStrv) parts = NULL;
  g_autoptr(GString) text = g_string_new (NULL);

  if (!g_str_has_prefix (path, GP_OBJECT_PATH_ROOT "/"))
    return NULL;
  parts = g_strsplit (path + strlen (GP_OBJECT_PATH_ROOT "/"), "/", 0);
  for (guint i = 0; parts[i]; i++)
    {
      g_autofree char *name = (char *) g_dbus_unescape_object_path (parts[i]);

      if (name == NULL || !g_utf8_validate (name, -1, NULL))
        return NULL;
      g_string_append_printf (text, "%s%s", i ? " " : "", name);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

guint
gp_cli_text_width (const char *text)
{
  return g_utf8_validate (text, -1, NULL) ? (guint) g_utf8_strlen (text, -1) : strlen (text);
}

void
gp_cli_print_padded (const char *text, guint width)
{
  guint len = gp_cli_text_width (text);

  fputs (text, stdout);
  for (; len < width; len++)
    fputc (' ', stdout);
}

/* A table cell: truncated with "…" rather than pushing the line past the
 * screen. */
static void
print_cell (const char *text, guint width, gboolean right)
{
  guint len = gp_cli_text_width (text);

  if (len > width && width > 1)
    {
      g_autofree char *cut = g_utf8_substring (text, 0, width - 1);

      fputs (cut, stdout);
      fputs ("…", stdout);
      return;
    }
  for (; right && len < width; len++)
    fputc (' ', stdout);
  if (right)
    fputs (text, stdout);
  else
    gp_cli_print_padded (text, width);
}

char *
gp_cli_wrap (const char *text, guint indent, guint width)
{
  g_auto(GStrv) words = g_strsplit (text, " ", -1);
  g_autoptr(GString) out = g_string_new (NULL);
  guint column = indent;

  for (guint i = 0; words[i]; i++)
    {
      guint len = gp_cli_text_width (words[i]);

      if (i > 0 && column + 1 + len > width)
        {
          g_string_append_c (out, '\n');
          for (column = 0; column < indent + 2; column++)
            g_string_append_c (out, ' ');
        }
      else if (i > 0)
        {
          g_string_append_c (out, ' ');
          column++;
        }
      g_string_append (out, words[i]);
      column += len;
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
print_local (GpDbusRelation *relation)
{
  GVariant *settings = gp_dbus_relation_get_local_settings (relation);
  const char *unit = gp_dbus_relation_get_local_unit (relation);
  g_autoptr(GpPeerData) data = NULL;
  GpLimits limits;

  gp_limits_init_default (&limits);
  if (settings)
    data = gp_peer_data_new (settings, &limits, NULL);
  /* TRANSLATORS: status line label, keep the width of the other labels */
  g_print ("  %s ", _("Local unit:"));
  if (unit[0] == '\0')
    {
      g_print ("%s\n", _("not known yet"));
      return;
    }
  if (data)
    /* TRANSLATORS: unit name, its address, and how many bricks it advertises */
    g_print (g_dngettext (GETTEXT_PACKAGE, "%s, address %s, %u brick\n",
                          "%s, address %s, %u bricks\n", g_strv_length (data->bricks)),
             unit, data->address[0] ? data->address : "-", g_strv_length (data->bricks));
  else
    g_print ("%s\n", unit);
}

/* "Relation server (server:8, server:9)": every id the endpoint holds. */
static void
print_relation_name (GpDbusRelation *relation)
{
  const char *const *ids = gp_dbus_relation_get_ids (relation);
  const char *id = gp_dbus_relation_get_id (relation);
  g_autofree char *all = ids && ids[0] && ids[1] ? g_strjoinv (", ", (char **) ids) : NULL;

  if (all || id[0])
    /* TRANSLATORS: relation name and Juju relation id */
    g_print (_("Relation %s (%s)\n"), gp_dbus_relation_get_name (relation), all ? all : id);
  else
    g_print (_("Relation %s\n"), gp_dbus_relation_get_name (relation));
}

/* The units that departed, with what they last advertised. */
static void
print_departed (GpDbusRelation *relation)
{
  GVariant *departed = gp_dbus_relation_get_departed (relation);
  GVariantIter iter;
  const char *unit, *address;
  g_autofree const char **bricks = NULL;

  if (departed == NULL || g_variant_n_children (departed) == 0)
    return;
  /* TRANSLATORS: status line label, followed by one line per departed unit */
  g_print ("  %s\n", _("Departed:"));
  g_variant_iter_init (&iter, departed);
  while (g_variant_iter_next (&iter, "{&s(&s^a&s)}", &unit, &address, &bricks))
    {
      g_print ("    ");
      g_print (g_dngettext (GETTEXT_PACKAGE, "%s, address %s, %u brick\n",
                            "%s, address %s, %u bricks\n", g_strv_length ((char **) bricks)),
               unit, address[0] ? address : "-", g_strv_length ((char **) bricks));
      g_clear_pointer (&bricks, g_free);
    }
}

/* The relation's problems, then each unit's. */
static void
print_problems (GpDbusRelation *relation, GList *peers)
{
  const char *const *relation_problems = gp_dbus_relation_get_problems (relation);
  gboolean any = relation_problems && relation_problems[0];

  for (GList *l = peers; l && !any; l = l->next)
    any = g_strv_length ((char **) gp_dbus_peer_get_problems (l->data)) > 0;
  if (!any)
    return;
  g_print ("  %s\n", _("Problems:"));
  for (const char *const *p = relation_problems; p && *p; p++)
    {
      g_autofree char *line = g_strdup_printf ("    %s", *p);
      g_autofree char *wrapped = gp_cli_wrap (line, 4, SCREEN_WIDTH);

      g_print ("%s\n", wrapped);
    }
  for (GList *l = peers; l; l = l->next)
    for (const char *const *p = gp_dbus_peer_get_problems (l->data); p && *p; p++)
      {
        g_autofree char *line = g_strdup_printf ("    %s: %s",
                                                 gp_dbus_peer_get_name (l->data), *p);
        g_autofree char *wrapped = gp_cli_wrap (line, 4, SCREEN_WIDTH);

        g_print ("%s\n", wrapped);
      }
}

static void
print_relation (GpCli *cli, GpDbusRelation *relation)
{
  g_autolist(GpDbusPeer) peers = gp_cli_relation_peers (cli, relation);
  const char *const *states = gp_dbus_relation_get_states (relation);
  const char *h_unit = _("UNIT"), *h_address = _("ADDRESS");
  const char *h_bricks = _("BRICKS"), *h_available = _("AVAILABLE");
  guint w_unit = gp_cli_text_width (h_unit), w_address = gp_cli_text_width (h_address);
  guint w_bricks = MAX (gp_cli_text_width (h_bricks), 3);
  guint w_available = gp_cli_text_width (h_available);
  gint excess;
  g_autofree char *state_text = NULL;

  print_relation_name (relation);
  print_local (relation);
  state_text = states && states[0] ? g_strjoinv (" ", (char **) states) : g_strdup ("-");
  {
    g_autofree char *line = g_strdup_printf ("  %s %s", _("States:"), state_text);
    g_autofree char *wrapped = gp_cli_wrap (line, 2, SCREEN_WIDTH);

    g_print ("%s\n", wrapped);
  }
  print_departed (relation);
  if (peers == NULL)
    {
      g_print ("  %s\n", _("No remote units."));
      print_problems (relation, NULL);
      return;
    }

  for (GList *l = peers; l; l = l->next)
    {
      w_unit = MAX (w_unit, gp_cli_text_width (gp_dbus_peer_get_name (l->data)));
      w_address = MAX (w_address, gp_cli_text_width (gp_dbus_peer_get_address (l->data)));
    }
  /* Four columns, two spaces before each: shrink addresses, then names. */
  excess = (gint) (2 + w_unit + 2 + w_address + 2 + w_bricks + 2 + w_available) - SCREEN_WIDTH;
  if (excess > 0)
    {
      guint cut = MIN ((guint) excess, w_address > 15 ? w_address - 15 : 0);

      w_address -= cut;
      excess -= (gint) cut;
      if (excess > 0)
        w_unit -= MIN ((guint) excess, w_unit > 12 ? w_unit - 12 : 0);
    }

  g_print ("  ");
  print_cell (h_unit, w_unit, FALSE);
  g_print ("  ");
  print_cell (h_address, w_address, FALSE);
  g_print ("  ");
  print_cell (h_bricks, w_bricks, TRUE);
  g_print ("  %s\n", h_available);
  for (GList *l = peers; l; l = l->next)
    {
      GpDbusPeer *peer = l->data;
      const char *address = gp_dbus_peer_get_address (peer);
      g_autofree char *count = g_strdup_printf ("%u", g_strv_length ((char **) gp_dbus_peer_get_bricks (peer)));

      g_print ("  ");
      print_cell (gp_dbus_peer_get_name (peer), w_unit, FALSE);
      g_print ("  ");
      print_cell (address[0] ? address : "-", w_address, FALSE);
      g_print ("  ");
      print_cell (count, w_bricks, TRUE);
      g_print ("  %s\n", gp_dbus_peer_get_available (peer) ? _("yes") : _("no"));
    }
  print_problems (relation, peers);
}

void
gp_cli_print_status (GpCli *cli, GList *relations)
{
  if (relations == NULL)
    {
      g_print ("%s\n", _("No relations: gluster-peerd learns them from the relation hooks."));
      return;
    }
  for (GList *l = relations; l; l = l->next)
    {
      if (l != relations)
        g_print ("\n");
      print_relation (cli, l->data);
    }
}
