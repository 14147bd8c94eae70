/* gp-model-private.h: the model's data, shared by its source files. */
#pragma once

#include "gp-model.h"
#include "gp-names.h"

G_BEGIN_DECLS

struct _GpModelUnit {
  GpModelRelation *relation;
  char *name;
  char *host_name;
  GVariant *settings;     /* a{ss}, canonical */
  char *address;
  GVariant *addresses;    /* a{ss} */
  GStrv bricks;
  GStrv problems;         /* the bag's, then @refused */
  char *refused;          /* why the latest bag was not taken, or "" */
  gboolean available;
  gsize cost;             /* its share of the state budget */
  GStrv member_of;        /* relation ids (or the bare endpoint name), sorted */
};

struct _GpModelRelation {
  char *name;
  char *id;
  char *local_unit;
  GVariant *local_settings;
  guint edge_states;
  GHashTable *units;       /* name -> GpModelUnit, owned */
  GPtrArray *sorted_units; /* GpModelUnit, borrowed, in Units order */
  guint n_available;
  gboolean stored;
  guint64 generation;
  const GpLimits *limits;
  GpModel *model;
  gsize cost;              /* the relation's own share: local settings */
  /* "replica key" -> GStrv: VolumeBricks answers at volume_generation */
  GHashTable *volume_cache;
  guint64 volume_generation;
  GStrv ids;               /* Ids as last published */
  GStrv problems;          /* Problems as last published */
  gboolean ids_dirty;      /* a membership changed since Ids was computed */
  gboolean hosts_dirty;    /* an address changed since Problems was computed */
  GTree *departed;         /* unit name -> (sas), owned */
  gsize departed_cost;     /* the departed units' share of the budget */
};

struct _GpModel {
  GpStore *store;
  GpLimits limits;
  GHashTable *relations; /* name -> GpModelRelation, those on the bus */
  GpModelObserver observer;
  gpointer observer_data;
  gsize state_size;        /* sum of every relation's and unit's cost */
  gsize state_budget;
};

/* What a call would write for the relation row; compared with the current
 * state to skip writes (and signals) when a retried hook changes nothing. */
typedef struct {
  const char *id;
  const char *local_unit;
  GVariant *local_settings;
  guint edge_states;
} GpRelationRow;

GpModelRelation *gp_model_relation_new (GpModel *self, const char *name);
void gp_model_relation_free (GpModelRelation *relation);
guint gp_model_relation_states (GpModelRelation *relation);

void gp_model_row_init (GpModelRelation *relation, GpRelationRow *row, const char *id);
gboolean gp_model_row_differs (GpModelRelation *relation, const GpRelationRow *row);
/* One transaction: the row if it changed, and one unit row put (@settings
 * set) or deleted (@settings NULL); @unit NULL: the row alone. */
gboolean gp_model_write (GpModel *self, GpModelRelation *relation, const GpRelationRow *row,
                         const char *unit, GVariant *settings, const char *const *bricks,
                         const char *refused, GError **error);
/* Like gp_model_write, and @unit's memberships when @member_of is set
 * (@settings NULL then keeps the unit's row). */
gboolean gp_model_write_member (GpModel *self, GpModelRelation *relation,
                                const GpRelationRow *row, const char *unit,
                                GVariant *settings, const char *const *bricks,
                                const char *refused, const char *const *member_of,
                                GError **error);
/* One transaction: the row if it changed, @unit deleted and recorded as
 * departed with its last address and bricks. */
gboolean gp_model_write_departure (GpModel *self, GpModelRelation *relation,
                                   const GpRelationRow *row, GpModelUnit *unit,
                                   GError **error);
/* One transaction: the row if it changed, the departed units forgotten. */
gboolean gp_model_write_departed_cleared (GpModel *self, GpModelRelation *relation,
                                          const GpRelationRow *row, GError **error);
/* Recomputes Ids and Problems if they may have moved; returns which did. */
GpRelationProps gp_model_relation_refresh (GpModelRelation *relation);
/* The memberships a relation call adds: its id, else the relation's
 * latest, else the bare endpoint name. */
const char *gp_model_membership (GpModelRelation *relation, const char *id);
/* Records a departed unit (the budget counts it) or forgets them all. */
void gp_model_departed_add (GpModelRelation *relation, const char *unit,
                            const char *address, const char *const *bricks);
void gp_model_departed_clear (GpModelRelation *relation);
GTree *gp_model_departed_new (void);
/* A new sorted list with @id added, or NULL if @member_of has it. */
GStrv gp_model_member_of_with (const char *const *member_of, const char *id);
/* What is left after departing from @id (NULL: from every id). */
GStrv gp_model_member_of_without (const char *const *member_of, const char *id,
                                  const char *relation_name);
/* After a successful write; returns which relation values changed. */
GpRelationProps gp_model_apply_row (GpModelRelation *relation, const GpRelationRow *row);

/* Publishing, through the observer. */
void gp_model_publish_relation (GpModel *self, GpModelRelation *relation);
void gp_model_publish_relation_changed (GpModel *self, GpModelRelation *relation,
                                        GpRelationProps props);

GpModelUnit *gp_model_unit_new (GpModelRelation *relation, const char *name);
void gp_model_unit_free (GpModelUnit *unit);
/* Takes @data; returns which values changed. */
GpUnitProps gp_model_unit_update (GpModelUnit *unit, GVariant *settings, GpPeerData *data,
                                  const char *refused);
/* Returns GP_UNIT_PROP_PROBLEMS if that changed them. */
GpUnitProps gp_model_unit_set_refused (GpModelUnit *unit, const char *refused);

/* The state budget (gp-model-budget.c). A cost bounds what the object
 * adds to any one reply (GetManagedObjects, BrickMap, VolumeBricks, ...),
 * so a state within the budget never makes a reply pass the bus's limit. */
gsize gp_model_unit_cost (GVariant *settings, const char *const *bricks);
gsize gp_model_relation_cost (GVariant *local_settings);
gsize gp_model_departed_cost (const char *address, const char *const *bricks);
/* FALSE (GP_ERROR_LIMIT_EXCEEDED) if replacing @old_cost by @new_cost
 * would pass the budget. */
gboolean gp_model_budget_check (GpModel *self, gsize old_cost, gsize new_cost, GError **error);
void gp_model_budget_update (GpModel *self, gsize *cost, gsize new_cost);

G_END_DECLS
