/* gp-model.h: what gluster-peerd knows, without any bus: relations, their
 * remote units and states. Every hook call reads validate -> persist (one
 * store transaction) -> publish (calls into the observer, in the order the
 * contract gives the signals). */
#pragma once

#include <glib.h>

#include "gp-settings.h"
#include "gp-store.h"

G_BEGIN_DECLS

typedef struct _GpModel GpModel;
typedef struct _GpModelRelation GpModelRelation;
typedef struct _GpModelUnit GpModelUnit;

/* Which published values of a relation or unit a call changed. */
typedef enum {
  GP_RELATION_PROP_ID             = 1 << 0,
  GP_RELATION_PROP_STATES         = 1 << 1,
  GP_RELATION_PROP_UNITS          = 1 << 2,
  GP_RELATION_PROP_LOCAL_UNIT     = 1 << 3,
  GP_RELATION_PROP_LOCAL_SETTINGS = 1 << 4,
  GP_RELATION_PROP_IDS            = 1 << 5,
  GP_RELATION_PROP_DEPARTED       = 1 << 6,
  GP_RELATION_PROP_PROBLEMS       = 1 << 7,
} GpRelationProps;

typedef enum {
  GP_UNIT_PROP_ADDRESS   = 1 << 0,
  GP_UNIT_PROP_ADDRESSES = 1 << 1,
  GP_UNIT_PROP_BRICKS    = 1 << 2,
  GP_UNIT_PROP_SETTINGS  = 1 << 3,
  GP_UNIT_PROP_AVAILABLE = 1 << 4,
  GP_UNIT_PROP_PROBLEMS  = 1 << 5,
} GpUnitProps;

/* Told of every change after it is on disk, in the order subscribers must
 * see it. Any member may be NULL. */
typedef struct {
  void (*relation_added) (gpointer data, GpModelRelation *relation);
  /* After its units' unit_removed, once it is no longer listed. */
  void (*relation_removed) (gpointer data, const char *relation_name);
  void (*relation_changed) (gpointer data, GpModelRelation *relation, GpRelationProps props);
  void (*unit_added) (gpointer data, GpModelUnit *unit);
  void (*unit_changed) (gpointer data, GpModelUnit *unit, GpUnitProps props);
  void (*unit_bricks_changed) (gpointer data, GpModelUnit *unit,
                               const char *const *added, const char *const *removed);
  /* The unit left its last relation id; its Address and Bricks are the
   * last it had. */
  void (*unit_departed) (gpointer data, GpModelUnit *unit);
  /* The unit is no longer in its relation; @unit is still readable. */
  void (*unit_removed) (gpointer data, GpModelUnit *unit);
} GpModelObserver;

/* Loads the stored relations and units; announces nothing. */
GpModel *gp_model_new (GpStore *store, const GpLimits *limits, GError **error);
void gp_model_free (GpModel *self);
void gp_model_set_observer (GpModel *self, const GpModelObserver *observer, gpointer data);

/* Bytes the whole state may cost (see gp-model-budget.c); a call that would
 * pass it fails (this unit's own data, a new unit) or is refused into the
 * unit's Problems (a peer's bag). */
#define GP_DEFAULT_STATE_BUDGET 29360128 /* 28 MiB */
void gp_model_set_state_budget (GpModel *self, gsize budget);
gsize gp_model_get_state_size (GpModel *self);

/* Relations by name (sorted), and lookups; NULL when unknown. */
GPtrArray *gp_model_list_relations (GpModel *self);
GpModelRelation *gp_model_lookup_relation (GpModel *self, const char *name);
GpModelUnit *gp_model_lookup_unit (GpModel *self, const char *relation, const char *unit);
void gp_model_get_counts (GpModel *self, guint *relations, guint *units, guint *bricks);

/* Manager hooks. The unit and relation returned belong to the model. */
GpModelRelation *gp_model_relation_created (GpModel *self, const char *relation, GError **error);
GpModelUnit *gp_model_unit_joined (GpModel *self, const char *relation, const char *unit,
                                   GError **error);
GpModelUnit *gp_model_unit_changed (GpModel *self, const char *relation, const char *unit,
                                    GVariant *settings, GError **error);
gboolean gp_model_unit_departed (GpModel *self, const char *relation, const char *unit,
                                 GError **error);
gboolean gp_model_relation_broken (GpModel *self, const char *relation, GError **error);

/* The local unit's methods of a relation. */
gboolean gp_model_set_local_unit (GpModel *self, GpModelRelation *relation, const char *unit,
                                  GVariant *settings, GError **error);
gboolean gp_model_set_address (GpModel *self, GpModelRelation *relation,
                               const char *address_type, const char *address, GError **error);
gboolean gp_model_set_bricks (GpModel *self, GpModelRelation *relation,
                              const char *const *bricks, GError **error);
gboolean gp_model_send_all (GpModel *self, GpModelRelation *relation, GVariant *settings,
                            GError **error);
gboolean gp_model_clear_state (GpModel *self, GpModelRelation *relation, const char *state,
                               GError **error);

/* Relation accessors. */
const char *gp_model_relation_get_name (GpModelRelation *relation);
const char *gp_model_relation_get_id (GpModelRelation *relation);
const char *gp_model_relation_get_local_unit (GpModelRelation *relation);
GVariant *gp_model_relation_get_local_settings (GpModelRelation *relation);
GStrv gp_model_relation_get_states (GpModelRelation *relation);
/* Every id with members, and the latest, in numeric order; borrowed. */
const char *const *gp_model_relation_get_ids (GpModelRelation *relation);
/* a{s(sas)}: departed unit -> (last address, last bricks), by unit order;
 * a new reference. */
GVariant *gp_model_relation_get_departed (GpModelRelation *relation);
/* Relation-wide problems of the hosts' addresses; borrowed. */
const char *const *gp_model_relation_get_problems (GpModelRelation *relation);
/* GpModelUnit, in Units order; borrowed. */
GPtrArray *gp_model_relation_get_units (GpModelRelation *relation);
/* Bumped on every change of the relation or its units: a query answer
 * computed at one generation holds until it moves. */
guint64 gp_model_relation_get_generation (GpModelRelation *relation);

/* Unit accessors. */
GpModelRelation *gp_model_unit_get_relation (GpModelUnit *unit);
const char *gp_model_unit_get_name (GpModelUnit *unit);
const char *gp_model_unit_get_host_name (GpModelUnit *unit);
const char *gp_model_unit_get_address (GpModelUnit *unit);
GVariant *gp_model_unit_get_addresses (GpModelUnit *unit);
const char *const *gp_model_unit_get_bricks (GpModelUnit *unit);
GVariant *gp_model_unit_get_settings (GpModelUnit *unit);
gboolean gp_model_unit_get_available (GpModelUnit *unit);
const char *const *gp_model_unit_get_problems (GpModelUnit *unit);
/* The relation ids the unit is a member of, sorted; the endpoint name
 * stands for a membership recorded before any id was known. */
const char *const *gp_model_unit_get_member_of (GpModelUnit *unit);

/* Queries (gp-model-queries.c). @address_key "" means each unit's Address. */
typedef struct {
  const char *name;            /* unit name */
  const char *host_name;
  char *address;               /* owned by the array */
  const char *const *bricks;
} GpPeerEntry;

/* Remote units (and the local unit when @with_local and known), in Units
 * order; the entries borrow names and bricks from the model and from
 * *@local_bricks. */
GArray *gp_model_peer_entries (GpModelRelation *relation, const char *address_key,
                               gboolean with_local, GStrv *local_bricks, GError **error);
GPtrArray *gp_model_retrieve_remote (GpModelRelation *relation, const char *key,
                                     GError **error);
/* The answer is the model's, kept until the relation changes or the next
 * call: copy it to keep it. */
const char *const *gp_model_volume_bricks (GpModelRelation *relation, guint replica,
                                           const char *address_key, GError **error);
/* Whether the answer for these arguments is kept and current. */
gboolean gp_model_volume_bricks_is_kept (GpModelRelation *relation, guint replica,
                                         const char *address_key);
/* The answer last computed for these arguments, even if the relation
 * changed since, or NULL: for a call that computed it and answers a loop
 * turn later (the call came before that change), not for new calls. */
const char *const *gp_model_volume_bricks_last (GpModelRelation *relation, guint replica,
                                                const char *address_key);

G_END_DECLS
