#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>

#include "gp-bricks.h"
#include "gp-error.h"
#include "gp-settings.h"
#include "gp-store.h"

/* "GPR1": tells our database from someone else's SQLite file. */
#define GP_STORE_APPLICATION_ID 0x47505231
#define GP_STORE_SCHEMA_VERSION 1
/* Another process holding a write lock (an operator's sqlite3 shell) must
 * not hang the service: give up and answer Error.Failed instead. */
#define GP_STORE_BUSY_TIMEOUT_MS 1000

enum {
  STMT_BEGIN,
  STMT_COMMIT,
  STMT_ROLLBACK,
  STMT_PUT_RELATION,
  STMT_DELETE_RELATION,
  STMT_PUT_UNIT,
  STMT_DELETE_UNIT,
  N_STMTS
};

static const char *const stmt_sql[N_STMTS] = {
  [STMT_BEGIN] = "BEGIN IMMEDIATE",
  [STMT_COMMIT] = "COMMIT",
  [STMT_ROLLBACK] = "ROLLBACK",
  /* An upsert, not INSERT OR REPLACE: replacing would delete the row and
   * cascade to its units. */
  [STMT_PUT_RELATION] =
    "INSERT INTO relations (name, id, local_unit, local_settings, edge_states) "
    "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (name) DO UPDATE SET "
    "id = ?2, local_unit = ?3, local_settings = ?4, edge_states = ?5",
  [STMT_DELETE_RELATION] = "DELETE FROM relations WHERE name = ?1",
  [STMT_PUT_UNIT] =
    "INSERT INTO units (relation, name, settings, bricks) VALUES (?1, ?2, ?3, ?4) "
    "ON CONFLICT (relation, name) DO UPDATE SET settings = ?3, bricks = ?4",
  [STMT_DELETE_UNIT] = "DELETE FROM units WHERE relation = ?1 AND name = ?2",
};

static const char schema_sql[] =
  "CREATE TABLE IF NOT EXISTS relations ("
  "  name TEXT PRIMARY KEY NOT NULL,"
  "  id TEXT NOT NULL DEFAULT '',"
  "  local_unit TEXT NOT NULL DEFAULT '',"
  "  local_settings TEXT NOT NULL DEFAULT '{}',"
  "  edge_states INTEGER NOT NULL DEFAULT 0"
  ") WITHOUT ROWID;"
  "CREATE TABLE IF NOT EXISTS units ("
  "  relation TEXT NOT NULL REFERENCES relations (name) ON DELETE CASCADE,"
  "  name TEXT NOT NULL,"
  "  settings TEXT NOT NULL,"
  "  bricks TEXT NOT NULL,"
  "  PRIMARY KEY (relation, name)"
  ") WITHOUT ROWID;";

struct _GpStore
{
  GObject parent_instance;

  char *path;
  sqlite3 *db;
  sqlite3_stmt *stmts[N_STMTS];
};

G_DEFINE_TYPE (GpStore, gp_store, G_TYPE_OBJECT)

static gboolean
set_sqlite_error (GpStore *self, int rc, const char *what, GError **error)
{
  g_set_error (error, GP_ERROR, GP_ERROR_FAILED,
               "could not %s the state database %s: %s", what, self->path,
               self->db ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc));
  return FALSE;
}

static void
close_db (GpStore *self)
{
  gsize i;

  for (i = 0; i < N_STMTS; i++)
    g_clear_pointer (&self->stmts[i], sqlite3_finalize);
  g_clear_pointer (&self->db, sqlite3_close);
}

static void
gp_store_finalize (GObject *object)
{
  GpStore *self = GP_STORE (object);

  close_db (self);
  g_free (self->path);
  G_OBJECT_CLASS (gp_store_parent_class)->finalize (object);
}

static void
gp_store_class_init (GpStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = gp_store_finalize;
}

static void
gp_store_init (GpStore *self)
{
}

static gboolean
exec (GpStore *self, const char *sql, const char *what, GError **error)
{
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, NULL);

  return rc == SQLITE_OK || set_sqlite_error (self, rc, what, error);
}

static gint64
pragma_int (GpStore *self, const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value = -1;

  if (sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

/* FALSE with @error when the file is not a healthy database of ours. */
static gboolean
check_database (GpStore *self, GError **error)
{
  sqlite3_stmt *stmt = NULL;
  g_autofree char *verdict = NULL;
  gint64 app_id, n_objects;
  int rc;

  rc = sqlite3_prepare_v2 (self->db, "PRAGMA quick_check", -1, &stmt, NULL);
  if (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    verdict = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  if (verdict == NULL)
    return set_sqlite_error (self, rc, "read", error);
  if (!g_str_equal (verdict, "ok"))
    {
      g_set_error (error, GP_ERROR, GP_ERROR_FAILED, "%s is corrupt: %s",
                   self->path, verdict);
      return FALSE;
    }

  app_id = pragma_int (self, "PRAGMA application_id");
  n_objects = pragma_int (self, "SELECT count(*) FROM sqlite_master");
  if (app_id == 0 && n_objects == 0)
    return TRUE; /* new */
  if (app_id != GP_STORE_APPLICATION_ID)
    {
      g_set_error (error, GP_ERROR, GP_ERROR_FAILED,
                   "%s is not a gluster-peer database", self->path);
      return FALSE;
    }
  if (pragma_int (self, "PRAGMA user_version") > GP_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, GP_ERROR, GP_ERROR_FAILED,
                   "%s was written by a newer gluster-peerd (schema %" G_GINT64_FORMAT ")",
                   self->path, pragma_int (self, "PRAGMA user_version"));
      return FALSE;
    }
  return TRUE;
}

static gboolean
open_db (GpStore *self, GError **error)
{
  g_autofree char *setup = NULL;
  gsize i;
  int rc;

  rc = sqlite3_open_v2 (self->path, &self->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                        SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    return set_sqlite_error (self, rc, "open", error);
  sqlite3_extended_result_codes (self->db, TRUE);
  sqlite3_busy_timeout (self->db, GP_STORE_BUSY_TIMEOUT_MS);

  if (!check_database (self, error))
    return FALSE;

  /* WAL with synchronous=FULL: a commit is on disk when COMMIT returns,
   * so a reply is only sent for a change that survives power loss. */
  setup = g_strdup_printf ("PRAGMA journal_mode = WAL;"
                           "PRAGMA synchronous = FULL;"
                           "PRAGMA foreign_keys = ON;"
                           "PRAGMA application_id = %d;"
                           "PRAGMA user_version = %d;",
                           GP_STORE_APPLICATION_ID, GP_STORE_SCHEMA_VERSION);
  if (!exec (self, setup, "set up", error) ||
      !exec (self, schema_sql, "create the tables of", error))
    return FALSE;
  if (pragma_int (self, "PRAGMA foreign_keys") != 1)
    {
      g_set_error (error, GP_ERROR, GP_ERROR_FAILED,
                   "SQLite was built without foreign key support");
      return FALSE;
    }

  for (i = 0; i < N_STMTS; i++)
    {
      rc = sqlite3_prepare_v3 (self->db, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
                               &self->stmts[i], NULL);
      if (rc != SQLITE_OK)
        return set_sqlite_error (self, rc, "prepare statements for", error);
    }
  return TRUE;
}

/* Keep the bad file for a post-mortem rather than deleting anyone's data. */
static void
move_aside (GpStore *self, const GError *reason)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%dT%H%M%SZ");
  g_autofree char *aside = g_strdup_printf ("%s.broken-%s", self->path, stamp);
  const char *suffixes[] = { "-wal", "-shm" };
  gsize i;

  if (g_rename (self->path, aside) != 0)
    g_warning ("Could not move %s aside: %s", self->path, g_strerror (errno));
  else
    g_warning ("State database unusable (%s); moved it to %s and starting empty",
               reason->message, aside);
  for (i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *from = g_strconcat (self->path, suffixes[i], NULL);
      g_autofree char *to = g_strconcat (aside, suffixes[i], NULL);

      if (g_file_test (from, G_FILE_TEST_EXISTS))
        (void) g_rename (from, to);
    }
}

GpStore *
gp_store_open (const char *state_dir, GError **error)
{
  g_autoptr(GpStore) self = g_object_new (GP_TYPE_STORE, NULL);
  g_autoptr(GError) local = NULL;

  if (g_mkdir_with_parents (state_dir, 0700) != 0)
    {
      g_set_error (error, GP_ERROR, GP_ERROR_FAILED,
                   "could not create the state directory %s: %s",
                   state_dir, g_strerror (errno));
      return NULL;
    }
  self->path = g_build_filename (state_dir, "state.db", NULL);
  if (open_db (self, &local))
    return g_steal_pointer (&self);

  close_db (self);
  if (g_file_test (self->path, G_FILE_TEST_EXISTS))
    move_aside (self, local);
  if (!open_db (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

const char *
gp_store_get_path (GpStore *self)
{
  return self->path;
}

static gboolean
step_done (GpStore *self, sqlite3_stmt *stmt, const char *what, GError **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  return rc == SQLITE_DONE || set_sqlite_error (self, rc, what, error);
}

gboolean
gp_store_begin (GpStore *self, GError **error)
{
  return step_done (self, self->stmts[STMT_BEGIN], "start a transaction in", error);
}

gboolean
gp_store_commit (GpStore *self, GError **error)
{
  if (step_done (self, self->stmts[STMT_COMMIT], "commit to", error))
    return TRUE;
  gp_store_rollback (self);
  return FALSE;
}

void
gp_store_rollback (GpStore *self)
{
  /* After some errors SQLite has already rolled back; then there is no
   * transaction and ROLLBACK fails harmlessly. */
  if (!sqlite3_get_autocommit (self->db))
    step_done (self, self->stmts[STMT_ROLLBACK], "roll back", NULL);
}

static void
bind_text_owned (sqlite3_stmt *stmt, int index, char *text)
{
  sqlite3_bind_text (stmt, index, text, -1, g_free);
}

gboolean
gp_store_put_relation (GpStore *self, const GpRelationRecord *record, GError **error)
{
  sqlite3_stmt *stmt = self->stmts[STMT_PUT_RELATION];

  sqlite3_bind_text (stmt, 1, record->name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, record->id ? record->id : "", -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, record->local_unit ? record->local_unit : "", -1,
                     SQLITE_TRANSIENT);
  bind_text_owned (stmt, 4, gp_settings_to_json (record->local_settings));
  sqlite3_bind_int64 (stmt, 5, record->edge_states);
  return step_done (self, stmt, "write a relation to", error);
}

gboolean
gp_store_delete_relation (GpStore *self, const char *name, GError **error)
{
  sqlite3_stmt *stmt = self->stmts[STMT_DELETE_RELATION];

  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  return step_done (self, stmt, "delete a relation from", error);
}

gboolean
gp_store_put_unit (GpStore *self, const char *relation, const char *unit,
                   GVariant *settings, const char *const *bricks, GError **error)
{
  sqlite3_stmt *stmt = self->stmts[STMT_PUT_UNIT];

  sqlite3_bind_text (stmt, 1, relation, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, unit, -1, SQLITE_TRANSIENT);
  bind_text_owned (stmt, 3, gp_settings_to_json (settings));
  bind_text_owned (stmt, 4, gp_bricks_to_json (bricks));
  return step_done (self, stmt, "write a unit to", error);
}

gboolean
gp_store_delete_unit (GpStore *self, const char *relation, const char *unit,
                      GError **error)
{
  sqlite3_stmt *stmt = self->stmts[STMT_DELETE_UNIT];

  sqlite3_bind_text (stmt, 1, relation, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, unit, -1, SQLITE_TRANSIENT);
  return step_done (self, stmt, "delete a unit from", error);
}

static const char *
column_text (sqlite3_stmt *stmt, int column)
{
  const char *text = (const char *) sqlite3_column_text (stmt, column);

  return text ? text : "";
}

/* Stored bricks were validated before they were written; a list that no
 * longer parses means the file was edited by hand. */
static GStrv
bricks_from_json (const char *json, GError **error)
{
  return gp_bricks_parse (json, G_MAXUINT, error);
}

gboolean
gp_store_load (GpStore *self, GpStoreRelationFunc relation_func,
               GpStoreUnitFunc unit_func, gpointer user_data, GError **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (self->db,
                           "SELECT name, id, local_unit, local_settings, edge_states "
                           "FROM relations ORDER BY name", -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return set_sqlite_error (self, rc, "read", error);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(GVariant) settings = NULL;
      g_autoptr(GError) local = NULL;
      GpRelationRecord record = {
        .name = column_text (stmt, 0),
        .id = column_text (stmt, 1),
        .local_unit = column_text (stmt, 2),
        .edge_states = (guint) sqlite3_column_int64 (stmt, 4),
      };

      settings = gp_settings_from_json (column_text (stmt, 3), &local);
      if (settings == NULL)
        {
          g_warning ("Relation %s in %s has unreadable local settings (%s); "
                     "starting it with none", record.name, self->path, local->message);
          settings = g_variant_ref_sink (g_variant_new_array (G_VARIANT_TYPE ("{ss}"), NULL, 0));
        }
      record.local_settings = settings;
      relation_func (&record, user_data);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return set_sqlite_error (self, rc, "read", error);

  rc = sqlite3_prepare_v2 (self->db,
                           "SELECT relation, name, settings, bricks FROM units",
                           -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return set_sqlite_error (self, rc, "read", error);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(GVariant) settings = NULL;
      g_auto(GStrv) bricks = NULL;
      g_autoptr(GError) local = NULL;

      settings = gp_settings_from_json (column_text (stmt, 2), &local);
      if (settings)
        bricks = bricks_from_json (column_text (stmt, 3), &local);
      if (bricks == NULL)
        {
          g_warning ("Skipping unit %s of %s in %s: %s", column_text (stmt, 1),
                     column_text (stmt, 0), self->path, local->message);
          continue;
        }
      unit_func (column_text (stmt, 0), column_text (stmt, 1), settings,
                 (const char *const *) bricks, user_data);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return set_sqlite_error (self, rc, "read", error);
  return TRUE;
}
