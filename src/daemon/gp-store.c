#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gp-bricks.h"
#include "gp-error.h"
#include "gp-settings.h"
#include "gp-store.h"

/* "GPR1": tells our database from someone else's SQLite file. */
#define GP_STORE_APPLICATION_ID 0x47505231
/* 2: units.refused, why the unit's latest data bag was not taken.
 * 3: units.member_of, the relation ids a unit is a member of; the
 *    departed table, what departed units last advertised. */
#define GP_STORE_SCHEMA_VERSION 3
/* Another process holding a write lock (an operator's sqlite3 shell) must
 * not hang the service: give up and answer Error.Failed instead. */
#define GP_STORE_BUSY_TIMEOUT_MS 1000

#define GP_STORE_DB_NAME "state.db"
/* The database and what SQLite keeps next to it: none may be a symlink,
 * all are 0600, and a broken database is moved aside with all of them (a
 * hot journal left behind would be played into the new database). */
static const char *const db_file_suffixes[] = { "", "-wal", "-shm", "-journal" };

enum {
  STMT_BEGIN,
  STMT_COMMIT,
  STMT_ROLLBACK,
  STMT_PUT_RELATION,
  STMT_DELETE_RELATION,
  STMT_PUT_UNIT,
  STMT_DELETE_UNIT,
  STMT_PUT_MEMBER_OF,
  STMT_PUT_DEPARTED,
  STMT_CLEAR_DEPARTED,
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
    "INSERT INTO units (relation, name, settings, bricks, refused) "
    "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (relation, name) DO UPDATE SET "
    "settings = ?3, bricks = ?4, refused = ?5",
  [STMT_DELETE_UNIT] = "DELETE FROM units WHERE relation = ?1 AND name = ?2",
  [STMT_PUT_MEMBER_OF] = "UPDATE units SET member_of = ?3 WHERE relation = ?1 AND name = ?2",
  [STMT_PUT_DEPARTED] =
    "INSERT INTO departed (relation, name, address, bricks) VALUES (?1, ?2, ?3, ?4) "
    "ON CONFLICT (relation, name) DO UPDATE SET address = ?3, bricks = ?4",
  [STMT_CLEAR_DEPARTED] = "DELETE FROM departed WHERE relation = ?1",
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
  "  refused TEXT NOT NULL DEFAULT '',"
  "  member_of TEXT NOT NULL DEFAULT '',"
  "  PRIMARY KEY (relation, name)"
  ") WITHOUT ROWID;"
  "CREATE TABLE IF NOT EXISTS departed ("
  "  relation TEXT NOT NULL REFERENCES relations (name) ON DELETE CASCADE,"
  "  name TEXT NOT NULL,"
  "  address TEXT NOT NULL,"
  "  bricks TEXT NOT NULL,"
  "  PRIMARY KEY (relation, name)"
  ") WITHOUT ROWID;";

struct _GpStore
{
  GObject parent_instance;

  char *dir;       /* canonical: SQLite's NOFOLLOW refuses any symlink in a path */
  int dir_fd;      /* opened once, O_NOFOLLOW; every file is looked at through it */
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
  if (self->dir_fd >= 0)
    close (self->dir_fd);
  g_free (self->dir);
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
  self->dir_fd = -1;
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

/* Brings a database of an older schema up to this one, in place, one
 * version after the other. Units stored before memberships were kept are
 * members of their relation's id (the endpoint name when none was known);
 * the departed table is created with the others. */
static gboolean
upgrade_schema (GpStore *self, GError **error)
{
  gint64 version = pragma_int (self, "PRAGMA user_version");

  if (version < 1 || version >= GP_STORE_SCHEMA_VERSION ||
      pragma_int (self, "SELECT count(*) FROM sqlite_master WHERE name = 'units'") != 1)
    return TRUE;
  if (version == 1 &&
      !exec (self, "ALTER TABLE units ADD COLUMN refused TEXT NOT NULL DEFAULT ''",
             "upgrade", error))
    return FALSE;
  return exec (self,
               "BEGIN;"
               "ALTER TABLE units ADD COLUMN member_of TEXT NOT NULL DEFAULT '';"
               "UPDATE units SET member_of = (SELECT CASE WHEN r.id = '' THEN r.name "
               "ELSE r.id END FROM relations r WHERE r.name = units.relation);"
               "COMMIT;", "upgrade", error);
}

static gboolean
open_db (GpStore *self, GError **error)
{
  g_autofree char *setup = NULL;
  gsize i;
  int rc;

  rc = sqlite3_open_v2 (self->path, &self->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                        SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_NOFOLLOW, NULL);
  if (rc != SQLITE_OK)
    return set_sqlite_error (self, rc, "open", error);
  sqlite3_extended_result_codes (self->db, TRUE);
  sqlite3_busy_timeout (self->db, GP_STORE_BUSY_TIMEOUT_MS);

  if (!check_database (self, error) || !upgrade_schema (self, error))
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

static gboolean
set_errno_error (GError **error, int saved_errno, const char *what, const char *dir,
                 const char *name)
{
  g_set_error (error, GP_ERROR, GP_ERROR_FAILED, "could not %s %s%s%s: %s", what,
               dir, name ? "/" : "", name ? name : "", g_strerror (saved_errno));
  return FALSE;
}

/* Narrows @st's directory to 0700 when it is ours; someone else's
 * directory wider than that is refused, not changed (think --state-dir
 * /tmp). */
static gboolean
make_dir_private (int fd, const char *dir, const struct stat *st, GError **error)
{
  if ((st->st_mode & 07777 & ~S_IRWXU) == 0)
    return TRUE;
  if (st->st_uid != geteuid ())
    {
      g_set_error (error, GP_ERROR, GP_ERROR_FAILED,
                   "the state directory %s has mode 0%03o and belongs to uid %u, "
                   "not to us (uid %u): make it 0700 or choose another one", dir,
                   (guint) (st->st_mode & 07777), (guint) st->st_uid, (guint) geteuid ());
      return FALSE;
    }
  if (fchmod (fd, S_IRWXU) != 0)
    return set_errno_error (error, errno, "make private (0700) the state directory", dir, NULL);
  g_message ("State directory %s had mode 0%03o; made it 0700", dir,
             (guint) (st->st_mode & 07777));
  return TRUE;
}

/* The canonical name of @dir, checked to lead to the directory opened
 * (@st): NULL with @error if it was swapped meanwhile. */
static char *
canonical_dir_path (const char *dir, const struct stat *st, GError **error)
{
  struct stat resolved_st;
  char *resolved = realpath (dir, NULL);
  char *canonical;

  if (resolved == NULL)
    {
      set_errno_error (error, errno, "resolve the state directory", dir, NULL);
      return NULL;
    }
  if (stat (resolved, &resolved_st) != 0 || resolved_st.st_dev != st->st_dev ||
      resolved_st.st_ino != st->st_ino)
    {
      g_set_error (error, GP_ERROR, GP_ERROR_FAILED,
                   "the state directory %s changed while it was being opened", dir);
      free (resolved);
      return NULL;
    }
  canonical = g_strdup (resolved);
  free (resolved);
  return canonical;
}

/* Creates @state_dir (0700) if need be and opens it without following a
 * symlink there; *canonical is its path with no symlink in it. */
static int
open_state_dir (const char *state_dir, char **canonical, GError **error)
{
  g_autofree char *dir = g_strdup (state_dir);
  g_autofree char *parent = NULL;
  struct stat st;
  gsize len = strlen (dir);
  int fd;

  /* With a trailing slash, O_NOFOLLOW would follow a symlink at dir. */
  while (len > 1 && dir[len - 1] == '/')
    dir[--len] = '\0';
  parent = g_path_get_dirname (dir);
  if (g_mkdir_with_parents (parent, 0755) != 0 || (mkdir (dir, S_IRWXU) != 0 && errno != EEXIST))
    {
      set_errno_error (error, errno, "create the state directory", dir, NULL);
      return -1;
    }
  fd = open (dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    {
      int saved = errno;

      /* O_DIRECTORY makes a symlink fail with ENOTDIR rather than ELOOP. */
      if (saved == ELOOP || (lstat (dir, &st) == 0 && S_ISLNK (st.st_mode)))
        g_set_error (error, GP_ERROR, GP_ERROR_FAILED, "the state directory %s is a "
                     "symbolic link; refusing to follow it: name the real directory", dir);
      else if (saved == ENOTDIR)
        g_set_error (error, GP_ERROR, GP_ERROR_FAILED,
                     "the state directory %s is not a directory", dir);
      else
        set_errno_error (error, saved, "open the state directory", dir, NULL);
      return -1;
    }
  if (fstat (fd, &st) != 0)
    set_errno_error (error, errno, "look at the state directory", dir, NULL);
  else if (make_dir_private (fd, dir, &st, error))
    *canonical = canonical_dir_path (dir, &st, error);
  if (*canonical == NULL)
    {
      close (fd);
      return -1;
    }
  return fd;
}

/* @name in the state directory: absent is fine (unless @create), a symlink
 * or anything but a regular file is refused, a mode wider than 0600 is
 * narrowed. @create makes the database file 0600 whatever the umask:
 * SQLite would make it 0644 & ~umask, and gives -wal and -shm its mode. */
static gboolean
secure_state_file (GpStore *self, const char *name, gboolean create, GError **error)
{
  struct stat st;
  int fd, open_flags = O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC;

  if (fstatat (self->dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0)
    {
      if (S_ISLNK (st.st_mode))
        {
          g_set_error (error, GP_ERROR, GP_ERROR_FAILED,
                       "%s/%s is a symbolic link; refusing to follow it: remove it",
                       self->dir, name);
          return FALSE;
        }
      if (!S_ISREG (st.st_mode))
        {
          g_set_error (error, GP_ERROR, GP_ERROR_FAILED,
                       "%s/%s is not a regular file: remove it", self->dir, name);
          return FALSE;
        }
      if ((st.st_mode & 07777 & ~(S_IRUSR | S_IWUSR)) == 0)
        return TRUE;
    }
  else if (errno != ENOENT)
    return set_errno_error (error, errno, "look at", self->dir, name);
  else if (!create)
    return TRUE;
  else
    open_flags |= O_CREAT | O_EXCL;

  fd = openat (self->dir_fd, name, open_flags, S_IRUSR | S_IWUSR);
  if (fd < 0 || fchmod (fd, S_IRUSR | S_IWUSR) != 0)
    {
      int saved = errno;

      if (fd >= 0)
        close (fd);
      return set_errno_error (error, saved, "make private (0600)", self->dir, name);
    }
  close (fd);
  return TRUE;
}

static gboolean
secure_state_files (GpStore *self, GError **error)
{
  for (gsize i = 0; i < G_N_ELEMENTS (db_file_suffixes); i++)
    {
      g_autofree char *name = g_strconcat (GP_STORE_DB_NAME, db_file_suffixes[i], NULL);

      if (!secure_state_file (self, name, i == 0, error))
        return FALSE;
    }
  return TRUE;
}

/* Keep the bad file for a post-mortem rather than deleting anyone's data.
 * renameat() moves a symlink, never what it points to. */
static void
move_aside (GpStore *self, const GError *reason)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%dT%H%M%SZ");
  g_autofree char *aside = g_strdup_printf (GP_STORE_DB_NAME ".broken-%s", stamp);
  struct stat st;

  if (renameat (self->dir_fd, GP_STORE_DB_NAME, self->dir_fd, aside) != 0)
    g_warning ("Could not move %s aside: %s", self->path, g_strerror (errno));
  else
    g_warning ("State database unusable (%s); moved it to %s/%s and starting empty",
               reason->message, self->dir, aside);
  for (gsize i = 1; i < G_N_ELEMENTS (db_file_suffixes); i++)
    {
      g_autofree char *from = g_strconcat (GP_STORE_DB_NAME, db_file_suffixes[i], NULL);
      g_autofree char *to = g_strconcat (aside, db_file_suffixes[i], NULL);

      if (fstatat (self->dir_fd, from, &st, AT_SYMLINK_NOFOLLOW) == 0)
        (void) renameat (self->dir_fd, from, self->dir_fd, to);
    }
}

/* Everything about the files is settled before SQLite sees them: it would
 * create a symlink's target, wherever that is, and the -wal and -shm next
 * to it. */
GpStore *
gp_store_open (const char *state_dir, GError **error)
{
  g_autoptr(GpStore) self = g_object_new (GP_TYPE_STORE, NULL);
  g_autoptr(GError) local = NULL;

  self->dir_fd = open_state_dir (state_dir, &self->dir, error);
  if (self->dir_fd < 0 || !secure_state_files (self, error))
    return NULL;
  self->path = g_build_filename (self->dir, GP_STORE_DB_NAME, NULL);
  if (open_db (self, &local))
    return g_steal_pointer (&self);

  close_db (self);
  /* A link planted meanwhile is refused, not taken for a corrupt database. */
  if (!secure_state_files (self, error))
    return NULL;
  move_aside (self, local);
  if (!secure_state_files (self, error) || !open_db (self, error))
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
                   GVariant *settings, const char *const *bricks,
                   const char *refused, GError **error)
{
  sqlite3_stmt *stmt = self->stmts[STMT_PUT_UNIT];

  sqlite3_bind_text (stmt, 1, relation, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, unit, -1, SQLITE_TRANSIENT);
  bind_text_owned (stmt, 3, gp_settings_to_json (settings));
  bind_text_owned (stmt, 4, gp_bricks_to_json (bricks));
  sqlite3_bind_text (stmt, 5, refused ? refused : "", -1, SQLITE_TRANSIENT);
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

gboolean
gp_store_put_member_of (GpStore *self, const char *relation, const char *unit,
                        const char *const *member_of, GError **error)
{
  sqlite3_stmt *stmt = self->stmts[STMT_PUT_MEMBER_OF];

  sqlite3_bind_text (stmt, 1, relation, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, unit, -1, SQLITE_TRANSIENT);
  bind_text_owned (stmt, 3, g_strjoinv (" ", (char **) member_of));
  return step_done (self, stmt, "write a unit's memberships to", error);
}

gboolean
gp_store_put_departed (GpStore *self, const char *relation, const char *unit,
                       const char *address, const char *const *bricks, GError **error)
{
  sqlite3_stmt *stmt = self->stmts[STMT_PUT_DEPARTED];

  sqlite3_bind_text (stmt, 1, relation, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, unit, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, address, -1, SQLITE_TRANSIENT);
  bind_text_owned (stmt, 4, gp_bricks_to_json (bricks));
  return step_done (self, stmt, "write a departed unit to", error);
}

gboolean
gp_store_clear_departed (GpStore *self, const char *relation, GError **error)
{
  sqlite3_stmt *stmt = self->stmts[STMT_CLEAR_DEPARTED];

  sqlite3_bind_text (stmt, 1, relation, -1, SQLITE_TRANSIENT);
  return step_done (self, stmt, "clear the departed units in", error);
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
                           "SELECT relation, name, settings, bricks, refused FROM units",
                           -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return set_sqlite_error (self, rc, "read", error);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(GVariant) settings = NULL;
      g_auto(GStrv) bricks = NULL;
      g_autoptr(GError) local = NULL;
      /* Shown as a Problems entry: D-Bus carries nothing but UTF-8. */
      g_autofree char *refused = g_utf8_make_valid (column_text (stmt, 4), -1);

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
                 (const char *const *) bricks, refused, user_data);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return set_sqlite_error (self, rc, "read", error);
  return TRUE;
}

/* Memberships and departed units, after gp_store_load: rows whose
 * relation or unit was not loaded are the caller's to skip. */
gboolean
gp_store_load_membership (GpStore *self, GpStoreMemberOfFunc member_of_func,
                          GpStoreDepartedFunc departed_func, gpointer user_data,
                          GError **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (self->db, "SELECT relation, name, member_of FROM units",
                           -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return set_sqlite_error (self, rc, "read", error);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_auto(GStrv) member_of = g_strsplit (column_text (stmt, 2), " ", -1);

      member_of_func (column_text (stmt, 0), column_text (stmt, 1),
                      (const char *const *) member_of, user_data);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return set_sqlite_error (self, rc, "read", error);

  rc = sqlite3_prepare_v2 (self->db, "SELECT relation, name, address, bricks FROM departed",
                           -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return set_sqlite_error (self, rc, "read", error);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(GError) local = NULL;
      g_auto(GStrv) bricks = bricks_from_json (column_text (stmt, 3), &local);

      if (bricks == NULL)
        {
          g_warning ("Skipping departed unit %s of %s in %s: %s", column_text (stmt, 1),
                     column_text (stmt, 0), self->path, local->message);
          continue;
        }
      departed_func (column_text (stmt, 0), column_text (stmt, 1), column_text (stmt, 2),
                     (const char *const *) bricks, user_data);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return set_sqlite_error (self, rc, "read", error);
  return TRUE;
}
