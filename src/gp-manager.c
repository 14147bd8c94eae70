#include "config.h"

#include <unistd.h>

#include "gp-dbus.h"
#include "gp-error.h"
#include "gp-manager.h"
#include "gp-names.h"
#include "gp-relation.h"

/* Unique names are never reused on a bus, so a sender's uid can be cached;
 * the cache is dropped when it grows, which bounds it against many
 * short-lived clients. */
#define UID_CACHE_MAX 1024

struct _GpManager
{
  GObject parent_instance;

  GpStore *store;
  GpLimits limits;
  GHashTable *relations; /* name -> GpRelation, only those on the bus */

  GDBusConnection *connection;
  GDBusObjectManagerServer *server;
  GpDbusManager *iface;
  GHashTable *uid_cache; /* unique name -> uid */
};

G_DEFINE_TYPE (GpManager, gp_manager, G_TYPE_OBJECT)

enum { SIGNAL_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

/* The query methods are open to everyone; every other method of our
 * interfaces is privileged, so a method added later is closed by default. */
static const char *const open_methods[] = {
  "IpMap", "BrickMap", "PeerInfo", "RetrieveRemote", "VolumeBricks", NULL,
};

static void
gp_manager_finalize (GObject *object)
{
  GpManager *self = GP_MANAGER (object);

  g_clear_pointer (&self->relations, g_hash_table_unref);
  g_clear_pointer (&self->uid_cache, g_hash_table_unref);
  g_clear_object (&self->iface);
  g_clear_object (&self->server);
  g_clear_object (&self->connection);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (gp_manager_parent_class)->finalize (object);
}

static void
gp_manager_class_init (GpManagerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = gp_manager_finalize;

  /* Emitted after a hook-facing Manager call succeeded: the counts of
   * gp_manager_get_counts() may have changed. */
  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 0);
}

static void
gp_manager_init (GpManager *self)
{
  self->relations = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_object_unref);
  self->uid_cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

/* ---- privilege ------------------------------------------------------------ */

static gboolean
caller_uid (GpManager *self, GDBusMethodInvocation *invocation, guint32 *uid)
{
  const char *sender = g_dbus_method_invocation_get_sender (invocation);
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  gpointer cached;

  if (sender == NULL)
    return FALSE;
  if (g_hash_table_lookup_extended (self->uid_cache, sender, NULL, &cached))
    {
      *uid = GPOINTER_TO_UINT (cached);
      return TRUE;
    }
  /* Synchronous, once per client: the bus daemon answers at once, and
   * waiting here keeps every call in the order it arrived. */
  reply = g_dbus_connection_call_sync (g_dbus_method_invocation_get_connection (invocation),
                                       "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "GetConnectionUnixUser",
                                       g_variant_new ("(s)", sender), G_VARIANT_TYPE ("(u)"),
                                       G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  if (reply == NULL)
    {
      g_warning ("Could not look up the uid of %s: %s", sender, error->message);
      return FALSE;
    }
  g_variant_get (reply, "(u)", uid);
  if (g_hash_table_size (self->uid_cache) >= UID_CACHE_MAX)
    g_hash_table_remove_all (self->uid_cache);
  g_hash_table_insert (self->uid_cache, g_strdup (sender), GUINT_TO_POINTER (*uid));
  return TRUE;
}

/* Root, or whoever runs the daemon: on the system bus that is root too;
 * on a private or session bus it is the user who started it.
 *
 * Connected swapped ahead of a privileged method's handler, so one function
 * fits every handle-* signature; returning TRUE (handled) ends the emission
 * before the handler runs. Not g-authorize-method: with a handler for that
 * signal GDBus authorizes in worker threads, where two calls of one client
 * can overtake each other and a call can outlive the main loop. */
static gboolean
refuse_unprivileged (GpManager *self, GDBusMethodInvocation *invocation)
{
  guint32 uid;

  if (caller_uid (self, invocation, &uid) && (uid == 0 || uid == geteuid ()))
    return FALSE;
  g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR,
                                         G_DBUS_ERROR_ACCESS_DENIED,
                                         "%s changes gluster-peer state and is "
                                         "only for root",
                                         g_dbus_method_invocation_get_method_name (invocation));
  return TRUE;
}

/* "SetLocalUnit" -> "handle-set-local-unit", as gdbus-codegen names it. */
static char *
handle_signal_name (const char *method)
{
  GString *name = g_string_new ("handle");
  const char *p;

  for (p = method; *p; p++)
    {
      if (g_ascii_isupper (*p))
        g_string_append_c (name, '-');
      g_string_append_c (name, g_ascii_tolower (*p));
    }
  return g_string_free (name, FALSE);
}

/* Every method not in open_methods, read from the interface itself, so a
 * method added to the XML later is privileged without anyone remembering. */
static void
guard_privileged_methods (GDBusInterfaceSkeleton *iface, gpointer user_data)
{
  GDBusInterfaceInfo *info = g_dbus_interface_skeleton_get_info (iface);
  guint i;

  for (i = 0; info->methods && info->methods[i]; i++)
    if (!g_strv_contains (open_methods, info->methods[i]->name))
      {
        g_autofree char *signal = handle_signal_name (info->methods[i]->name);

        g_signal_connect_swapped (iface, signal, G_CALLBACK (refuse_unprivileged), user_data);
      }
}

/* ---- relations -------------------------------------------------------------- */

static gint
compare_strings (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

static void
sync_relations (GpManager *self)
{
  g_autoptr(GPtrArray) paths = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->relations);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (paths, (gpointer) gp_relation_get_path (value));
  g_ptr_array_sort (paths, compare_strings);
  g_ptr_array_add (paths, NULL);
  gp_dbus_manager_set_relations (self->iface, (const char *const *) paths->pdata);
  g_dbus_interface_skeleton_flush (G_DBUS_INTERFACE_SKELETON (self->iface));
}

static void
relation_settle (GpManager *self, GpRelation *relation)
{
  const char *name = gp_relation_get_name (relation);

  if (gp_relation_is_exported (relation) && !g_hash_table_contains (self->relations, name))
    {
      g_hash_table_insert (self->relations, (gpointer) name, g_object_ref (relation));
      sync_relations (self);
    }
  else if (!gp_relation_is_exported (relation) && g_hash_table_contains (self->relations, name))
    {
      g_hash_table_remove (self->relations, name);
      sync_relations (self);
    }
}

static GpRelation *
relation_new (GpManager *self, const char *name)
{
  GpRelation *relation = gp_relation_new (name, self->store, self->server, &self->limits,
                                          guard_privileged_methods, self);

  g_signal_connect_swapped (relation, "exported", G_CALLBACK (relation_settle), self);
  return relation;
}

/* A new relation joins the table only once a call has published it. */
static GpRelation *
relation_lookup_or_new (GpManager *self, const char *name)
{
  GpRelation *relation = g_hash_table_lookup (self->relations, name);

  return relation ? g_object_ref (relation) : relation_new (self, name);
}

/* ---- Manager methods ---------------------------------------------------------- */

static gboolean
fail (GDBusMethodInvocation *invocation, GError *error)
{
  g_debug ("%s failed: %s", g_dbus_method_invocation_get_method_name (invocation),
           error->message);
  g_dbus_method_invocation_return_gerror (invocation, error);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
handle_relation_created (GpDbusManager *iface, GDBusMethodInvocation *invocation,
                         const char *relation_arg, GpManager *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GpRelation) relation = NULL;
  g_autofree char *name = NULL, *id = NULL;

  if (!gp_relation_parse (relation_arg, &name, &id, &error))
    return fail (invocation, error);
  relation = relation_lookup_or_new (self, name);
  if (!gp_relation_created (relation, id, &error))
    return fail (invocation, error);
  gp_dbus_manager_complete_relation_created (iface, invocation, gp_relation_get_path (relation));
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* UnitJoined (@settings NULL) and UnitChanged. The unit returned belongs
 * to its relation, which is in self->relations once the call succeeded. */
static GpUnit *
unit_call (GpManager *self, const char *relation_arg, const char *unit_name,
           GVariant *settings, GError **error)
{
  g_autoptr(GpRelation) relation = NULL;
  g_autofree char *name = NULL, *id = NULL;

  if (!gp_relation_parse (relation_arg, &name, &id, error) ||
      !gp_unit_name_validate (unit_name, error))
    return NULL;
  relation = relation_lookup_or_new (self, name);
  if (settings)
    return gp_relation_unit_changed (relation, id, unit_name, settings, error);
  return gp_relation_unit_joined (relation, id, unit_name, error);
}

static gboolean
handle_unit_joined (GpDbusManager *iface, GDBusMethodInvocation *invocation,
                    const char *relation_arg, const char *unit_name, GpManager *self)
{
  g_autoptr(GError) error = NULL;
  GpUnit *unit = unit_call (self, relation_arg, unit_name, NULL, &error);

  if (unit == NULL)
    return fail (invocation, error);
  gp_dbus_manager_complete_unit_joined (iface, invocation, gp_unit_get_path (unit));
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
handle_unit_changed (GpDbusManager *iface, GDBusMethodInvocation *invocation,
                     const char *relation_arg, const char *unit_name, GVariant *settings,
                     GpManager *self)
{
  g_autoptr(GError) error = NULL;
  GpUnit *unit = unit_call (self, relation_arg, unit_name, settings, &error);

  if (unit == NULL)
    return fail (invocation, error);
  gp_dbus_manager_complete_unit_changed (iface, invocation, gp_unit_get_path (unit));
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
handle_unit_departed (GpDbusManager *iface, GDBusMethodInvocation *invocation,
                      const char *relation_arg, const char *unit_name, GpManager *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL, *id = NULL;
  GpRelation *relation;

  if (!gp_relation_parse (relation_arg, &name, &id, &error) ||
      !gp_unit_name_validate (unit_name, &error))
    return fail (invocation, error);
  relation = g_hash_table_lookup (self->relations, name);
  if (relation && !gp_relation_unit_departed (relation, id, unit_name, &error))
    return fail (invocation, error);
  gp_dbus_manager_complete_unit_departed (iface, invocation);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
handle_relation_broken (GpDbusManager *iface, GDBusMethodInvocation *invocation,
                        const char *relation_arg, GpManager *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autoptr(GpRelation) relation = NULL;

  if (!gp_relation_parse (relation_arg, &name, NULL, &error))
    return fail (invocation, error);
  relation = g_hash_table_lookup (self->relations, name);
  if (relation)
    g_object_ref (relation);
  if (relation)
    {
      if (!gp_relation_broken (relation, &error))
        return fail (invocation, error);
      relation_settle (self, relation);
    }
  gp_dbus_manager_complete_relation_broken (iface, invocation);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* ---- start-up ------------------------------------------------------------------- */

static void
load_relation (const GpRelationRecord *record, gpointer user_data)
{
  GpManager *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL, *id = NULL;
  GpRelationRecord checked;
  GpRelation *relation;

  if (!gp_name_validate (record->name, "relation name", &error))
    {
      g_warning ("Skipping a stored relation: %s", error->message);
      return;
    }
  /* Two rows can read as one name only in a damaged file (a NUL inside). */
  if (g_hash_table_contains (self->relations, record->name))
    {
      g_warning ("Skipping a second stored relation %s", record->name);
      return;
    }
  /* Id and local unit go out as D-Bus strings: one that is not what a
   * hook would have stored (a damaged or hand-edited file) is dropped. */
  checked = *record;
  if (checked.id[0] != '\0' &&
      (!gp_relation_parse (checked.id, &name, &id, NULL) || id == NULL ||
       !g_str_equal (name, checked.name)))
    {
      g_warning ("Stored relation %s has a bad relation id; dropping it", checked.name);
      checked.id = "";
    }
  if (checked.local_unit[0] != '\0' && !gp_unit_name_validate (checked.local_unit, NULL))
    {
      g_warning ("Stored relation %s has a bad local unit name; dropping it", checked.name);
      checked.local_unit = "";
    }
  relation = relation_new (self, record->name);
  gp_relation_load (relation, &checked);
  g_hash_table_insert (self->relations, (gpointer) gp_relation_get_name (relation), relation);
}

static void
load_unit (const char *relation_name, const char *unit, GVariant *settings,
           const char *const *bricks, gpointer user_data)
{
  GpManager *self = user_data;
  GpRelation *relation = g_hash_table_lookup (self->relations, relation_name);

  if (relation == NULL || !gp_unit_name_validate (unit, NULL))
    {
      g_warning ("Skipping stored unit “%s” of relation “%s”", unit, relation_name);
      return;
    }
  gp_relation_load_unit (relation, unit, settings, bricks);
}

GpManager *
gp_manager_new (GpStore *store, const GpLimits *limits, GError **error)
{
  g_autoptr(GpManager) self = g_object_new (GP_TYPE_MANAGER, NULL);
  GHashTableIter iter;
  gpointer value;

  self->store = g_object_ref (store);
  self->limits = *limits;
  self->server = g_dbus_object_manager_server_new (GP_OBJECT_PATH_ROOT);
  self->iface = gp_dbus_manager_skeleton_new ();
  gp_dbus_manager_set_version (self->iface, PACKAGE_VERSION);

  guard_privileged_methods (G_DBUS_INTERFACE_SKELETON (self->iface), self);
  g_signal_connect (self->iface, "handle-relation-created", G_CALLBACK (handle_relation_created), self);
  g_signal_connect (self->iface, "handle-unit-joined", G_CALLBACK (handle_unit_joined), self);
  g_signal_connect (self->iface, "handle-unit-changed", G_CALLBACK (handle_unit_changed), self);
  g_signal_connect (self->iface, "handle-unit-departed", G_CALLBACK (handle_unit_departed), self);
  g_signal_connect (self->iface, "handle-relation-broken", G_CALLBACK (handle_relation_broken), self);

  if (!gp_store_load (store, load_relation, load_unit, self, error))
    return NULL;
  g_hash_table_iter_init (&iter, self->relations);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    gp_relation_export (value);
  sync_relations (self);
  return g_steal_pointer (&self);
}

void
gp_manager_start (GpManager *self, GDBusConnection *connection)
{
  g_autoptr(GError) error = NULL;

  self->connection = g_object_ref (connection);
  if (!g_dbus_interface_skeleton_export (G_DBUS_INTERFACE_SKELETON (self->iface), connection,
                                         GP_OBJECT_PATH_ROOT, &error))
    g_error ("Could not export %s: %s", GP_OBJECT_PATH_ROOT, error->message);
  g_dbus_object_manager_server_set_connection (self->server, connection);
}

void
gp_manager_get_counts (GpManager *self, guint *relations, guint *units, guint *bricks)
{
  GHashTableIter iter;
  gpointer value;
  guint n_units = 0, n_bricks = 0;

  g_hash_table_iter_init (&iter, self->relations);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      GPtrArray *list = gp_relation_get_units (value);

      n_units += list->len;
      if (bricks)
        for (guint i = 0; i < list->len; i++)
          n_bricks += g_strv_length ((char **) gp_unit_get_bricks (list->pdata[i]));
    }
  if (relations)
    *relations = g_hash_table_size (self->relations);
  if (units)
    *units = n_units;
  if (bricks)
    *bricks = n_bricks;
}
