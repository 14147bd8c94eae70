/* gp-settings.h: relation data bags (a{ss}) and what a peer's bag says. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  guint max_units;      /* remote units per relation */
  guint max_bricks;     /* bricks per unit */
  guint max_keys;       /* keys per data bag */
  gsize max_value_size; /* bytes per value */
} GpLimits;

void gp_limits_init_default (GpLimits *limits);

/* Checks keys and limits of an a{ss} bag and returns it with keys sorted
 * and duplicates resolved (last wins), so equal bags compare equal with
 * g_variant_equal(). Floating reference dropped: caller owns the result. */
GVariant *gp_settings_canonicalize (GVariant *settings, const GpLimits *limits,
                                    GError **error);
/* @settings with @updates merged in; an empty value deletes the key. */
GVariant *gp_settings_merge (GVariant *settings, GVariant *updates,
                             const GpLimits *limits, GError **error);
const char *gp_settings_lookup (GVariant *settings, const char *key);

char *gp_settings_to_json (GVariant *settings);
GVariant *gp_settings_from_json (const char *json, GError **error);

/* What a data bag says about its unit. */
typedef struct {
  char *address;        /* ingress-address, else private-address, else "" */
  GVariant *addresses;  /* a{ss}: type -> address for every <type>-address */
  GStrv bricks;         /* valid, deduplicated; empty when missing or bad */
  GStrv problems;       /* one sentence each; empty when fine */
  gboolean available;   /* address and non-empty bricks */
} GpPeerData;

/* A bad "bricks" or address value becomes a problem, not an error; only a
 * brick list beyond limits->max_bricks fails (GP_ERROR_LIMIT_EXCEEDED). */
GpPeerData *gp_peer_data_new (GVariant *settings, const GpLimits *limits,
                              GError **error);
/* A bag as loaded from the state, with the bricks stored beside it
 * (already checked): no limit applies, and the bag's own "bricks" value is
 * read only for its problem when none were stored. */
GpPeerData *gp_peer_data_new_stored (GVariant *settings, const char *const *bricks);
void gp_peer_data_free (GpPeerData *data);
/* The address under @key, bare as in GpPeerData.address; "" (or NULL)
 * means the unit's address (ingress-address, else private-address), the
 * one Address shows. "" when missing or not valid. Free with g_free(). */
char *gp_peer_data_dup_address (GVariant *settings, const char *key);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GpPeerData, gp_peer_data_free)

G_END_DECLS
