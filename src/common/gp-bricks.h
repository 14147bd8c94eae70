/* gp-bricks.h: brick lists as peers put them on the wire, and the answers
 * gluster automation asks of them. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define GP_BRICK_MAX 4096

gboolean gp_brick_validate (const char *brick, GError **error);

/* @brick (valid) in canonical form: "//" collapsed, "." components and a
 * trailing "/" dropped. */
char *gp_brick_canonicalize (const char *brick);

/* Checks every brick, puts each in canonical form, drops duplicates by
 * canonical form keeping the first, keeps order.
 * More than @max_bricks distinct bricks is GP_ERROR_LIMIT_EXCEEDED. */
GStrv gp_bricks_normalize (const char *const *bricks, guint max_bricks,
                           GError **error);

/* A "bricks" value: a JSON list of strings or, from older charms, a
 * Python-style list ("['/a', u'/b']"). Returns the normalized list. */
GStrv gp_bricks_parse (const char *value, guint max_bricks, GError **error);

char *gp_bricks_to_json (const char *const *bricks);

/* Whole-path differences: @added in the order of @new_bricks, @removed in
 * the order of @old_bricks. Either out may be NULL. */
void gp_bricks_diff (const char *const *old_bricks, const char *const *new_bricks,
                     GStrv *added, GStrv *removed);

/* One unit's address (as it wrote it: brackets and all) and bricks. */
typedef struct {
  const char *address;
  const char *const *bricks;
  gboolean distinct;  /* @bricks hold no duplicates (normalized): not checked */
} GpHostBricks;

/* "address:/brick" for "gluster volume create ... replica N": see
 * VolumeBricks in introspection/org.juju.GlusterPeer.Relation.xml. A host
 * is a distinct address: units sharing one are merged (bricks in the
 * order of @units, each export once) and take the place of the first of
 * them; @units are in the order ties are broken in. IPv6 is written bare.
 * Fewer than @replica hosts with bricks: GP_ERROR_INSUFFICIENT_PEERS;
 * IPv4 and IPv6 hosts mixed: GP_ERROR_FAILED. */
GStrv gp_volume_bricks (const GpHostBricks *units, guint n_units, guint replica,
                        GError **error);
/* What is wrong relation-wide with these units' addresses, one sentence
 * each (for a relation's Problems): units sharing an address, IPv4 hosts
 * mixed with IPv6 ones. @names[i] names @units[i]; bricks are not looked
 * at. Empty when fine. */
GStrv gp_hosts_problems (const GpHostBricks *units, const char *const *names,
                         guint n_units);

G_END_DECLS
