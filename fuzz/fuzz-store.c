/* fuzz-store: the state loader. Whatever state.db holds, gluster-peerd
 * must start: gp_store_open moves a file that is not a healthy database of
 * ours aside, and loading (gp_model_new, as the daemon does it) skips
 * what it cannot use. Neither may crash, leak or hand GLib invalid UTF-8.
 *
 * Input, one of:
 *   - a file starting with "SQLite format 3": written as state.db as is
 *     (corrupt and foreign databases);
 *   - otherwise rows to put into a fresh database of ours: records
 *     separated by 0x1e, fields by 0x1f; "R" NAME ID LOCAL_UNIT
 *     LOCAL_SETTINGS EDGE_STATES for a relation, "U" RELATION NAME SETTINGS
 *     BRICKS REFUSED for a unit, "P" SQL to run a statement (e.g. PRAGMA
 *     user_version). Fields are bound as text with their exact bytes
 *     (NULs, invalid UTF-8 and all); a missing field is NULL.
 *
 * What is loaded is then published on a peer-to-peer D-Bus connection
 * and read back the way a client reads it (GetManagedObjects, the
 * Manager's properties): every value must be one D-Bus can carry.
 *
 * Runs in a directory under /dev/shm when it exists (state.db is opened
 * with synchronous=FULL: fsync on tmpfs costs nothing).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <sys/socket.h>
#include <sqlite3.h>
#include <systemd/sd-bus.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz-common.h"
#include "gp-bus.h"
#include "gp-error.h"
#include "gp-model.h"
#include "gp-settings.h"
#include "gp-store.h"

#define RECORD_SEP 0x1e
#define FIELD_SEP 0x1f
#define MAX_FIELDS 6

static char *state_dir;
static sd_bus *server_bus; /* the daemon's end */
static GDBusConnection *client_conn;

static void
empty_dir (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_unlink (path) != 0)
        {
          fprintf (stderr, "fuzz-store: cannot remove %s: %s\n", path, g_strerror (errno));
          abort ();
        }
    }
}

static void
remove_state_dir (void)
{
  empty_dir (state_dir);
  g_rmdir (state_dir);
}

static void
init_state_dir (void)
{
  g_autofree char *tmpl = NULL;

  if (state_dir != NULL)
    return;
  if (g_file_test ("/dev/shm", G_FILE_TEST_IS_DIR) && access ("/dev/shm", W_OK) == 0)
    tmpl = g_build_filename ("/dev/shm", "gp-fuzz-store-XXXXXX", NULL);
  else
    tmpl = g_build_filename (g_get_tmp_dir (), "gp-fuzz-store-XXXXXX", NULL);
  state_dir = g_mkdtemp (g_steal_pointer (&tmpl));
  if (state_dir == NULL)
    {
      fprintf (stderr, "fuzz-store: cannot make a directory: %s\n", g_strerror (errno));
      abort ();
    }
  atexit (remove_state_dir);
}

static gint client_ready;

static gpointer
client_handshake (gpointer user_data)
{
  g_autoptr(GError) error = NULL;
  GDBusConnection *conn;

  conn = g_dbus_connection_new_sync (G_IO_STREAM (user_data), NULL,
                                     G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT,
                                     NULL, NULL, &error);
  g_assert_no_error (error);
  g_atomic_int_set (&client_ready, 1);
  return conn;
}

/* Runs the daemon's end until it has nothing to do for a moment. */
static void
server_iterate (void)
{
  int r;

  while ((r = sd_bus_process (server_bus, NULL)) > 0)
    ;
  g_assert_cmpint (r, >=, 0);
  sd_bus_wait (server_bus, 1000);
}

/* Two ends of a peer-to-peer D-Bus connection, made once: sd-bus serves,
 * as in the daemon; GDBus asks, as a client would. */
static void
init_connections (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket1 = NULL;
  g_autoptr(GSocketConnection) stream1 = NULL;
  sd_id128_t id;
  GThread *thread;
  int fds[2];

  if (server_bus != NULL)
    return;
  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0)
    {
      fprintf (stderr, "fuzz-store: socketpair: %s\n", g_strerror (errno));
      abort ();
    }
  g_assert_cmpint (sd_id128_randomize (&id), >=, 0);
  g_assert_cmpint (sd_bus_new (&server_bus), >=, 0);
  g_assert_cmpint (sd_bus_set_fd (server_bus, fds[0], fds[0]), >=, 0);
  g_assert_cmpint (sd_bus_set_server (server_bus, 1, id), >=, 0);
  g_assert_cmpint (sd_bus_set_trusted (server_bus, 1), >=, 0);
  g_assert_cmpint (sd_bus_start (server_bus), >=, 0);
  socket1 = g_socket_new_from_fd (fds[1], &error);
  g_assert_no_error (error);
  stream1 = g_socket_connection_factory_create_connection (socket1);

  thread = g_thread_new ("handshake", client_handshake, stream1);
  while (!g_atomic_int_get (&client_ready))
    server_iterate ();
  client_conn = g_thread_join (thread);
}

static void
call_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* A method call from the client end, answered by the daemon's objects on
 * the server end. */
static GVariant *
client_call (const char *path, const char *iface, const char *method,
             GVariant *params, const char *reply_type)
{
  g_autoptr(GError) error = NULL;
  GAsyncResult *result = NULL;
  GVariant *reply;

  g_dbus_connection_call (client_conn, NULL, path, iface, method, params,
                          G_VARIANT_TYPE (reply_type), G_DBUS_CALL_FLAGS_NONE, -1,
                          NULL, call_done, &result);
  while (result == NULL)
    {
      server_iterate ();
      g_main_context_iteration (NULL, FALSE);
    }
  reply = g_dbus_connection_call_finish (client_conn, result, &error);
  g_object_unref (result);
  g_assert_no_error (error);
  return reply;
}

/* What a client of the restarted daemon would read. */
static void
read_published (void)
{
  g_autoptr(GVariant) objects = NULL;
  g_autoptr(GVariant) manager = NULL;
  g_autoptr(GVariant) relations = NULL;
  g_autoptr(GVariant) props = NULL;
  GVariantIter iter;
  const char *path;

  objects = client_call ("/org/juju/GlusterPeer", "org.freedesktop.DBus.ObjectManager",
                         "GetManagedObjects", NULL, "(a{oa{sa{sv}}})");
  manager = client_call ("/org/juju/GlusterPeer", "org.freedesktop.DBus.Properties",
                         "GetAll", g_variant_new ("(s)", "org.juju.GlusterPeer.Manager"),
                         "(a{sv})");
  props = g_variant_get_child_value (manager, 0);
  relations = g_variant_lookup_value (props, "Relations", G_VARIANT_TYPE ("ao"));
  g_assert_nonnull (relations);
  /* Every relation listed is an object, with its own properties. */
  g_variant_iter_init (&iter, relations);
  while (g_variant_iter_next (&iter, "&o", &path))
    {
      g_autoptr(GVariant) relation = NULL;

      relation = client_call (path, "org.freedesktop.DBus.Properties", "GetAll",
                           g_variant_new ("(s)", "org.juju.GlusterPeer.Relation"),
                           "(a{sv})");
    }
}

/* One record: up to MAX_FIELDS fields, [start, end) each. */
typedef struct {
  const uint8_t *start[MAX_FIELDS];
  size_t length[MAX_FIELDS];
  guint n;
} Record;

static void
split_record (const uint8_t *data, size_t size, Record *record)
{
  size_t begin = 0;

  record->n = 0;
  for (size_t i = 0; i <= size && record->n < MAX_FIELDS; i++)
    if (i == size || data[i] == FIELD_SEP)
      {
        record->start[record->n] = data + begin;
        record->length[record->n] = i - begin;
        record->n++;
        begin = i + 1;
      }
}

static void
bind_field (sqlite3_stmt *stmt, int index, const Record *record, guint field)
{
  if (field < record->n)
    sqlite3_bind_text (stmt, index, (const char *) record->start[field],
                       (int) record->length[field], SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, index);
}

static void
put_record (sqlite3 *db, const Record *record)
{
  sqlite3_stmt *stmt = NULL;
  const char *sql = NULL;
  int n_params = 0;

  if (record->n == 0 || record->length[0] != 1)
    return;
  switch (record->start[0][0])
    {
    case 'R':
      sql = "INSERT OR IGNORE INTO relations (name, id, local_unit, local_settings, edge_states) "
            "VALUES (?1, ?2, ?3, ?4, ?5)";
      n_params = 5;
      break;
    case 'U':
      sql = "INSERT OR IGNORE INTO units (relation, name, settings, bricks, refused) "
            "VALUES (?1, ?2, ?3, ?4, ?5)";
      n_params = 5;
      break;
    case 'P':
      if (record->n > 1)
        {
          g_autofree char *text = g_strndup ((const char *) record->start[1], record->length[1]);

          (void) sqlite3_exec (db, text, NULL, NULL, NULL);
        }
      return;
    default:
      return;
    }
  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      fprintf (stderr, "fuzz-store: %s: %s\n", sql, sqlite3_errmsg (db));
      abort ();
    }
  for (int i = 1; i <= n_params; i++)
    bind_field (stmt, i, record, (guint) i);
  (void) sqlite3_step (stmt); /* NULL into NOT NULL fails: fine */
  sqlite3_finalize (stmt);
}

/* A database of ours (made by gp_store_open itself), then the rows. */
static void
write_rows (const char *path, const uint8_t *data, size_t size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GpStore) store = NULL;
  sqlite3 *db = NULL;
  size_t begin = 0;

  store = gp_store_open (state_dir, &error);
  g_assert_no_error (error);
  g_clear_object (&store);

  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
    {
      fprintf (stderr, "fuzz-store: cannot open %s: %s\n", path, sqlite3_errmsg (db));
      abort ();
    }
  sqlite3_exec (db, "BEGIN", NULL, NULL, NULL);
  for (size_t i = 0; i <= size; i++)
    if (i == size || data[i] == RECORD_SEP)
      {
        Record record;

        split_record (data + begin, i - begin, &record);
        put_record (db, &record);
        begin = i + 1;
      }
  sqlite3_exec (db, "COMMIT", NULL, NULL, NULL);
  sqlite3_close (db);
}

static void
write_file (const char *path, const uint8_t *data, size_t size)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, (const char *) data, (gssize) size, &error);
  g_assert_no_error (error);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static const char magic[] = "SQLite format 3";
  g_autoptr(GError) error = NULL;
  g_autoptr(GpStore) store = NULL;
  GpModel *model;
  GpBus *adapter;
  g_autofree char *path = NULL;
  GpLimits limits;

  fuzz_init ();
  init_state_dir ();
  empty_dir (state_dir);
  path = g_build_filename (state_dir, "state.db", NULL);

  if (size >= sizeof magic - 1 && memcmp (data, magic, sizeof magic - 1) == 0)
    write_file (path, data, size);
  else
    write_rows (path, data, size);

  /* Whatever the file holds, the daemon starts. */
  store = gp_store_open (state_dir, &error);
  g_assert_no_error (error);
  g_assert_nonnull (store);
  gp_limits_init_default (&limits);
  model = gp_model_new (store, &limits, &error);
  g_assert_no_error (error);
  g_assert_nonnull (model);

  init_connections ();
  adapter = gp_bus_new (server_bus, NULL, model, &error);
  g_assert_no_error (error);
  read_published ();
  gp_bus_free (adapter);
  gp_model_free (model);
  return 0;
}
