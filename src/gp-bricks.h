/* gp-bricks.h: brick lists as peers put them on the wire, and the answers
 * gluster automation asks of them. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define GP_BRICK_MAX 4096

gboolean gp_brick_validate (const char *brick, GError **error);

/* Checks every brick, drops duplicates keeping the first, keeps order.
 * More than @max_bricks distinct bricks is GP_ERROR_LIMIT_EXCEEDED. */
GStrv gp_bricks_normalize (const char *const *bricks, guint max_bricks,
                           GError **error);

/* A "bricks" value: a JSON list of strings or, from older charms, a
 * Python-style list ("['/a', u'/b']"). Returns the normalized list. */
GStrv gp_bricks_parse (const char *value, guint max_bricks, GError **error);

char *gp_bricks_to_json (const char *const *bricks);

/* Whether @text is one JSON value (as far as brackets and strings tell)
 * with nothing but white space around it. json-glib 1.6 takes "[...] [...]",
 * keeps the first value and leaks the others: check text from outside with
 * this before parsing it. */
gboolean gp_json_is_one_value (const char *text);

/* Whole-path differences: @added in the order of @new_bricks, @removed in
 * the order of @old_bricks. Either out may be NULL. */
void gp_bricks_diff (const char *const *old_bricks, const char *const *new_bricks,
                     GStrv *added, GStrv *removed);

typedef struct {
  const char *address;
  const char *const *bricks;
} GpHostBricks;

/* "address:/brick" for "gluster volume create ... replica N": see
 * VolumeBricks in introspection/org.juju.GlusterPeer.Relation.xml.
 * @hosts are in the order ties are broken in. */
GStrv gp_volume_bricks (const GpHostBricks *hosts, guint n_hosts, guint replica,
                        GError **error);

G_END_DECLS
