/* gp-store.h: the durable state, one SQLite database, one transaction per
 * D-Bus method call. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define GP_TYPE_STORE (gp_store_get_type ())
G_DECLARE_FINAL_TYPE (GpStore, gp_store, GP, STORE, GObject)

typedef struct {
  const char *name;
  const char *id;              /* "" until known */
  const char *local_unit;      /* "" until known */
  GVariant *local_settings;    /* a{ss} */
  guint edge_states;           /* GpStates, edge bits only */
} GpRelationRecord;

typedef void (*GpStoreRelationFunc) (const GpRelationRecord *record, gpointer user_data);
/* @refused: why the unit's latest data bag was not taken ("" when it was). */
typedef void (*GpStoreUnitFunc) (const char *relation, const char *unit,
                                 GVariant *settings, const char *const *bricks,
                                 const char *refused, gpointer user_data);

/* Opens (creating) @state_dir/state.db. A database that cannot be opened,
 * is corrupt or is not ours is renamed aside with a warning and a new one
 * is created; only a state directory we cannot write fails. So does a
 * symlink at the directory or at any of the database's files, rather than
 * be followed; the directory is made 0700 (if ours) and the files 0600. */
GpStore *gp_store_open (const char *state_dir, GError **error);
const char *gp_store_get_path (GpStore *self);

gboolean gp_store_begin (GpStore *self, GError **error);
gboolean gp_store_commit (GpStore *self, GError **error);
void gp_store_rollback (GpStore *self);

gboolean gp_store_put_relation (GpStore *self, const GpRelationRecord *record,
                                GError **error);
gboolean gp_store_delete_relation (GpStore *self, const char *name, GError **error);
gboolean gp_store_put_unit (GpStore *self, const char *relation, const char *unit,
                            GVariant *settings, const char *const *bricks,
                            const char *refused, GError **error);
gboolean gp_store_delete_unit (GpStore *self, const char *relation,
                               const char *unit, GError **error);

/* @member_of: the relation ids ("server:8") the unit is a member of, the
 * endpoint name standing for a membership without a known id. Empty in a
 * database written before memberships were kept. */
gboolean gp_store_put_member_of (GpStore *self, const char *relation, const char *unit,
                                 const char *const *member_of, GError **error);
/* A departed unit's last address and bricks, until cleared. */
gboolean gp_store_put_departed (GpStore *self, const char *relation, const char *unit,
                                const char *address, const char *const *bricks,
                                GError **error);
gboolean gp_store_clear_departed (GpStore *self, const char *relation, GError **error);

/* Calls @relation_func for every relation, then @unit_func for every unit
 * (in no particular order). */
gboolean gp_store_load (GpStore *self, GpStoreRelationFunc relation_func,
                        GpStoreUnitFunc unit_func, gpointer user_data,
                        GError **error);

typedef void (*GpStoreMemberOfFunc) (const char *relation, const char *unit,
                                     const char *const *member_of, gpointer user_data);
typedef void (*GpStoreDepartedFunc) (const char *relation, const char *unit,
                                     const char *address, const char *const *bricks,
                                     gpointer user_data);
gboolean gp_store_load_membership (GpStore *self, GpStoreMemberOfFunc member_of_func,
                                   GpStoreDepartedFunc departed_func, gpointer user_data,
                                   GError **error);

G_END_DECLS
