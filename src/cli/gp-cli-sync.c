/* gp-cli-sync.c: `gluster-peerctl sync`, for any hook. Juju is the truth
 * about who is on a relation and what they published; the service learns
 * it hook by hook, so a hook that failed, was skipped, or ran while the
 * service was down (or lost its state) leaves it behind. sync reads
 * Juju's whole view (relation-ids, relation-list, relation-get) and calls
 * only the methods whose effect is missing: a sync with nothing to do
 * reads, but changes nothing and makes the service send no signal.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "gp-cli.h"

#include <stdlib.h>
#include <string.h>

#include "gp-names.h"

/* What Juju says about the endpoint, read before anything is changed. */
typedef struct {
  char *endpoint;
  GStrv ids;            /* the endpoint's relation ids, oldest first */
  char *latest_id;      /* highest relation id, NULL when there is none */
  GHashTable *members;  /* remote unit -> its relation id (gchar*) */
  GHashTable *bags;     /* remote unit -> a{ss} */
  GVariant *local_bag;  /* this unit's, on latest_id */
} JujuView;

static void
juju_view_free (JujuView *view)
{
  g_free (view->endpoint);
  g_strfreev (view->ids);
  g_free (view->latest_id);
  g_clear_pointer (&view->members, g_hash_table_unref);
  g_clear_pointer (&view->bags, g_hash_table_unref);
  g_clear_pointer (&view->local_bag, g_variant_unref);
  g_free (view);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (JujuView, juju_view_free)

static guint64
id_number (const char *relation_id)
{
  const char *colon = strrchr (relation_id, ':');

  return colon ? g_ascii_strtoull (colon + 1, NULL, 10) : 0;
}

static gint
compare_ids (gconstpointer a, gconstpointer b)
{
  guint64 x = id_number (*(const char *const *) a), y = id_number (*(const char *const *) b);

  return x < y ? -1 : x > y;
}

/* Members of one relation id; a unit of several ids is kept with the
 * latest, which the ids are read in order to get. */
static gboolean
read_members (JujuView *view, const char *relation_id, GError **error)
{
  const char *list_argv[] = { "relation-list", "--format=json", "-r", relation_id, NULL };
  g_auto(GStrv) members = gp_cli_juju_read_list (list_argv, error);

  if (members == NULL)
    return FALSE;
  for (guint i = 0; members[i]; i++)
    {
      GVariant *bag = gp_cli_juju_read_bag (relation_id, members[i], error);

      if (bag == NULL)
        return FALSE;
      g_hash_table_replace (view->members, g_strdup (members[i]), g_strdup (relation_id));
      g_hash_table_replace (view->bags, g_strdup (members[i]), bag);
    }
  return TRUE;
}

static JujuView *
read_juju (const char *endpoint, const char *local_unit, GError **error)
{
  const char *ids_argv[] = { "relation-ids", "--format=json", endpoint, NULL };
  g_auto(GStrv) ids = gp_cli_juju_read_list (ids_argv, error);
  g_autoptr(JujuView) view = g_new0 (JujuView, 1);
  guint n;

  if (ids == NULL)
    return NULL;
  view->endpoint = g_strdup (endpoint);
  view->members = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  view->bags = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                      (GDestroyNotify) g_variant_unref);
  n = g_strv_length (ids);
  if (n == 0)
    return g_steal_pointer (&view);
  qsort (ids, n, sizeof (char *), (int (*) (const void *, const void *)) compare_ids);
  for (guint i = 0; i < n; i++)
    if (!read_members (view, ids[i], error))
      return NULL;
  view->latest_id = g_strdup (ids[n - 1]);
  view->ids = g_steal_pointer (&ids);
  view->local_bag = gp_cli_juju_read_bag (view->latest_id, local_unit, error);
  if (view->local_bag == NULL)
    return NULL;
  return g_steal_pointer (&view);
}

/* Same keys, same values, whatever the order. */
static gboolean
settings_equal (GVariant *a, GVariant *b)
{
  GVariantIter iter;
  const char *key, *value;

  if (a == NULL || b == NULL)
    return a == b;
  if (g_variant_n_children (a) != g_variant_n_children (b))
    return FALSE;
  g_variant_iter_init (&iter, a);
  while (g_variant_iter_next (&iter, "{&s&s}", &key, &value))
    {
      g_autofree char *other = NULL;

      if (!g_variant_lookup (b, key, "s", &other) || !g_str_equal (value, other))
        return FALSE;
    }
  return TRUE;
}

/* The relation as the service has it, or NULL. */
static GpDbusRelation *
service_relation (GpCli *cli, const char *endpoint)
{
  g_autofree char *path = gp_relation_object_path (endpoint);
  g_autoptr(GDBusObject) object = g_dbus_object_manager_get_object (cli->objects, path);

  return object ? gp_dbus_object_get_relation (GP_DBUS_OBJECT (object)) : NULL;
}

/* Remote units: joins, changes, departures. */
static gboolean
sync_units (GpCli *cli, JujuView *view, GpDbusRelation *relation, GError **error)
{
  g_autolist(GpDbusPeer) peers = relation ? gp_cli_relation_peers (cli, relation) : NULL;
  g_autoptr(GHashTable) known = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GList) members = g_hash_table_get_keys (view->members);
  g_autofree char *path = NULL;

  for (GList *l = peers; l; l = l->next)
    {
      const char *name = gp_dbus_peer_get_name (l->data);
      GVariant *bag = g_hash_table_lookup (view->bags, name);

      g_hash_table_insert (known, (gpointer) name, l->data);
      /* In no relation id's list: departed from the endpoint as a whole,
       * whatever ids the service had it as a member of. */
      if (bag == NULL)
        {
          if (!gp_dbus_manager_call_unit_departed_sync (cli->manager, view->endpoint, name,
                                                        NULL, error))
            return FALSE;
        }
      else if (!settings_equal (gp_dbus_peer_get_settings (l->data), bag) &&
               !gp_dbus_manager_call_unit_changed_sync (cli->manager,
                                                        g_hash_table_lookup (view->members, name),
                                                        name, bag, NULL, NULL, error))
        return FALSE;
    }
  /* Joined, then changed: the order Juju runs the hooks in. */
  members = g_list_sort (members, (GCompareFunc) gp_unit_name_compare);
  for (GList *l = members; l; l = l->next)
    {
      const char *id = g_hash_table_lookup (view->members, l->data);

      if (g_hash_table_contains (known, l->data))
        continue;
      g_clear_pointer (&path, g_free);
      if (!gp_dbus_manager_call_unit_joined_sync (cli->manager, id, l->data, &path, NULL, error))
        return FALSE;
      g_clear_pointer (&path, g_free);
      if (!gp_dbus_manager_call_unit_changed_sync (cli->manager, id, l->data,
                                                   g_hash_table_lookup (view->bags, l->data),
                                                   &path, NULL, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
sync_local_unit (GpCli *cli, JujuView *view, GpDbusRelation *relation, const char *local_unit,
                 GError **error)
{
  g_autoptr(GpDbusRelation) lean = NULL;
  g_autofree char *path = NULL;

  if (relation &&
      g_strcmp0 (gp_dbus_relation_get_local_unit (relation), local_unit) == 0 &&
      settings_equal (gp_dbus_relation_get_local_settings (relation), view->local_bag))
    return TRUE;
  path = gp_relation_object_path (view->endpoint);
  lean = gp_dbus_relation_proxy_new_sync (cli->connection,
                                          G_DBUS_PROXY_FLAGS_DO_NOT_LOAD_PROPERTIES |
                                          G_DBUS_PROXY_FLAGS_DO_NOT_CONNECT_SIGNALS,
                                          GP_BUS_NAME, path, NULL, error);
  return lean && gp_dbus_relation_call_set_local_unit_sync (lean, local_unit, view->local_bag,
                                                            NULL, error);
}

static gboolean
apply (GpCli *cli, JujuView *view, const char *local_unit, GError **error)
{
  g_autoptr(GpDbusRelation) relation = service_relation (cli, view->endpoint);
  const char *id = relation ? gp_dbus_relation_get_id (relation) : NULL;
  const char *known_unit = relation ? gp_dbus_relation_get_local_unit (relation) : NULL;
  g_autofree char *path = NULL;

  /* Gone from Juju, or a relation of an earlier life of this machine (an
   * id Juju no longer has, another local unit: Juju runs no
   * relation-broken for peers): what the service has is stale. */
  if (relation && (view->latest_id == NULL ||
                   (id && id[0] && !g_strv_contains ((const char *const *) view->ids, id)) ||
                   (known_unit && known_unit[0] && !g_str_equal (known_unit, local_unit))))
    {
      if (!gp_dbus_manager_call_relation_broken_sync (cli->manager, view->endpoint, NULL, error))
        return FALSE;
      g_clear_object (&relation);
    }
  if (view->latest_id == NULL)
    return TRUE;
  if ((relation == NULL || g_strcmp0 (id, view->latest_id) != 0) &&
      !gp_dbus_manager_call_relation_created_sync (cli->manager, view->latest_id, &path,
                                                   NULL, error))
    return FALSE;
  return sync_units (cli, view, relation, error) &&
         sync_local_unit (cli, view, relation, local_unit, error);
}

int
gp_cli_sync (GpCli *cli, int argc, char **argv)
{
  g_autoptr(JujuView) view = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *endpoint = NULL;
  const char *local_unit = g_getenv ("JUJU_UNIT_NAME");
  gboolean usage = FALSE;
  int status;

  if ((status = gp_cli_check_args (cli, argc, 0, 0)))
    return status;
  if (!gp_cli_in_juju_context () || local_unit == NULL || local_unit[0] == '\0')
    return gp_cli_usage (cli, _("sync asks Juju's hook tools: run it in a Juju hook "
                                "(or with juju exec)"));
  if (cli->relation)
    {
      /* An id names its endpoint: sync covers every id of it. */
      if (!gp_relation_parse (cli->relation, &endpoint, NULL, &error))
        return gp_cli_usage (cli, "%s", error->message);
    }
  else if (!gp_cli_default_endpoint (&endpoint, &usage, &error))
    return usage ? gp_cli_usage (cli, "%s", error->message) : gp_cli_fail (cli, error);
  if (endpoint == NULL)
    return gp_cli_usage (cli, _("no relation to sync: choose one with --relation"));

  view = read_juju (endpoint, local_unit, &error);
  if (view == NULL || !gp_cli_connect_service (cli, TRUE, &error) ||
      !apply (cli, view, local_unit, &error))
    return gp_cli_fail (cli, error);
  return GP_CLI_EXIT_OK;
}
