/* gp-names.h: names Juju hands us, validated once for daemon, CLI and tests. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Longest application, endpoint or address-type name we take. Juju's own
 * names are far shorter; anything longer is "oversized input". */
#define GP_NAME_MAX 128
#define GP_ADDRESS_MAX 255
#define GP_KEY_MAX 256

#define GP_OBJECT_PATH_ROOT "/org/juju/GlusterPeer"
#define GP_BUS_NAME "org.juju.GlusterPeer"

gboolean gp_name_validate (const char *name, const char *what, GError **error);
gboolean gp_unit_name_validate (const char *unit, GError **error);
gboolean gp_relation_parse (const char *relation, char **out_name, char **out_id,
                            GError **error);
gboolean gp_address_type_validate (const char *address_type, GError **error);
gboolean gp_address_validate (const char *address, GError **error);

typedef enum {
  GP_ADDRESS_NAME,  /* a host name: it may resolve to either family */
  GP_ADDRESS_IPV4,
  GP_ADDRESS_IPV6,
} GpAddressFamily;

/* @address as gluster takes it: an IPv6 address without brackets
 * ("[2001:db8::1]" -> "2001:db8::1"); @family, when not NULL, set to what
 * it is. NULL when @address is not valid (gp_address_validate()). */
char *gp_address_bare (const char *address, GpAddressFamily *family);
/* Equal for two spellings of one host (IPv6 in canonical text, names in
 * lower case); NULL when @address is not valid. */
char *gp_address_host_key (const char *address);
gboolean gp_settings_key_validate (const char *key, GError **error);

char *gp_unit_host_name (const char *unit);
int gp_unit_name_compare (const char *a, const char *b);

char *gp_relation_object_path (const char *relation_name);
char *gp_unit_object_path (const char *relation_name, const char *unit);

G_END_DECLS

G_BEGIN_DECLS

/* The reactive states of a relation. Edge states are stored as these bits;
 * level states are derived from the units. */
typedef enum {
  GP_STATE_CONNECTED        = 1 << 0, /* level */
  GP_STATE_AVAILABLE        = 1 << 1, /* level */
  GP_STATE_DEPARTED         = 1 << 2, /* edge */
  GP_STATE_BRICKS_AVAILABLE = 1 << 3, /* edge */
  GP_STATE_BRICKS_REMOVED   = 1 << 4, /* edge */
} GpStates;

#define GP_STATES_EDGE (GP_STATE_DEPARTED | GP_STATE_BRICKS_AVAILABLE | GP_STATE_BRICKS_REMOVED)

/* The bit of "connected", ...; 0 for anything else. */
GpStates gp_state_from_name (const char *name);
/* Sorted names of the states set in @states, as the States property has them. */
GStrv gp_states_to_strv (GpStates states);

G_END_DECLS
