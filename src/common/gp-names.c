#include "config.h"

#include <arpa/inet.h>
#include <gio/gio.h>
#include <string.h>

#include "gp-error.h"
#include "gp-names.h"

static gboolean
is_lower_alnum (char c)
{
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* [a-z][a-z0-9]*(-[a-z0-9]+)* over the first @len bytes of @s. */
static gboolean
name_matches (const char *s, gsize len)
{
  gsize i;

  if (len == 0 || !(s[0] >= 'a' && s[0] <= 'z'))
    return FALSE;
  for (i = 1; i < len; i++)
    {
      if (s[i] == '-')
        {
          if (i + 1 >= len || !is_lower_alnum (s[i + 1]))
            return FALSE;
        }
      else if (!is_lower_alnum (s[i]))
        return FALSE;
    }
  return TRUE;
}

/* Decimal without sign or leading zeros, fitting in 32 bits, as Juju writes
 * unit numbers and relation ids. */
static gboolean
number_matches (const char *s, guint32 *out)
{
  guint64 v = 0;
  const char *p;

  if (*s == '\0' || (s[0] == '0' && s[1] != '\0'))
    return FALSE;
  for (p = s; *p; p++)
    {
      if (*p < '0' || *p > '9')
        return FALSE;
      v = v * 10 + (guint64) (*p - '0');
      if (v > G_MAXUINT32)
        return FALSE;
    }
  if (out)
    *out = (guint32) v;
  return TRUE;
}

static gboolean
fail (GError **error, const char *format, ...) G_GNUC_PRINTF (2, 3);

static gboolean
fail (GError **error, const char *format, ...)
{
  va_list args;

  va_start (args, format);
  g_propagate_error (error, g_error_new_valist (GP_ERROR, GP_ERROR_INVALID_ARGUMENT,
                                                format, args));
  va_end (args);
  return FALSE;
}

gboolean
gp_name_validate (const char *name, const char *what, GError **error)
{
  gsize len = strlen (name);

  if (len == 0)
    return fail (error, "%s is empty", what);
  if (len > GP_NAME_MAX)
    return fail (error, "%s is %zu bytes long; at most %d are allowed",
                 what, len, GP_NAME_MAX);
  if (!name_matches (name, len))
    return fail (error, "%s “%s” is not valid: use lower-case letters, digits "
                 "and single dashes, starting with a letter",
                 what, g_utf8_validate (name, -1, NULL) ? name : "(not UTF-8)");
  return TRUE;
}

gboolean
gp_unit_name_validate (const char *unit, GError **error)
{
  const char *slash = strchr (unit, '/');
  gsize len = strlen (unit);

  if (len == 0)
    return fail (error, "unit name is empty");
  if (len > GP_NAME_MAX + 11)
    return fail (error, "unit name is %zu bytes long; at most %d are allowed",
                 len, GP_NAME_MAX + 11);
  if (slash == NULL || !g_utf8_validate (unit, -1, NULL) ||
      (gsize) (slash - unit) > GP_NAME_MAX ||
      !name_matches (unit, (gsize) (slash - unit)) ||
      !number_matches (slash + 1, NULL))
    return fail (error, "unit name “%s” is not valid: expected "
                 "“<application>/<number>”, e.g. “glusterfs/0”",
                 g_utf8_validate (unit, -1, NULL) ? unit : "(not UTF-8)");
  return TRUE;
}

gboolean
gp_relation_parse (const char *relation, char **out_name, char **out_id,
                   GError **error)
{
  const char *colon = strchr (relation, ':');
  g_autofree char *name = NULL;

  if (strlen (relation) > GP_NAME_MAX + 11)
    return fail (error, "relation is %zu bytes long; at most %d are allowed",
                 strlen (relation), GP_NAME_MAX + 11);
  name = colon ? g_strndup (relation, (gsize) (colon - relation)) : g_strdup (relation);
  if (!gp_name_validate (name, "relation name", error))
    return FALSE;
  if (colon && !number_matches (colon + 1, NULL))
    return fail (error, "relation id “%s” is not valid: expected "
                 "“<endpoint>:<number>”, e.g. “server:3”",
                 g_utf8_validate (relation, -1, NULL) ? relation : "(not UTF-8)");
  if (out_id)
    *out_id = colon ? g_strdup (relation) : NULL;
  if (out_name)
    *out_name = g_steal_pointer (&name);
  return TRUE;
}

gboolean
gp_address_type_validate (const char *address_type, GError **error)
{
  return gp_name_validate (address_type, "address type", error);
}

/* An IPv6 address, possibly with a zone ("fe80::1%eth0"), over the first
 * @len bytes of @s; its 16 bytes in @bytes. */
static gboolean
ipv6_matches (const char *s, gsize len, guint8 bytes[16])
{
  g_autofree char *copy = g_strndup (s, len);
  char *zone = strchr (copy, '%');

  if (zone)
    {
      /* A zone is an interface name or index; anything else in it (a
       * bracket, a second "%") would survive into "address:/brick". */
      if (zone[1] == '\0' ||
          strspn (zone + 1, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                            "0123456789_.-") != strlen (zone + 1))
        return FALSE;
      *zone = '\0';
    }
  return inet_pton (AF_INET6, copy, bytes) == 1;
}

/* Host names, IPv4 and IPv6 addresses (with a zone or in brackets) are all
 * printable ASCII without white space; this is what ends up on a
 * "gluster peer probe" command line, so nothing else gets through. Brackets
 * are taken around an IPv6 address only, and a colon only in one: gluster
 * refuses "[198.51.100.1]" and "host:24007" alike. */
gboolean
gp_address_validate (const char *address, GError **error)
{
  gsize len = strlen (address);
  const char *p, *shown;
  guint8 bytes[16];

  if (len == 0)
    return fail (error, "address is empty");
  if (len > GP_ADDRESS_MAX)
    return fail (error, "address is %zu bytes long; at most %d are allowed",
                 len, GP_ADDRESS_MAX);
  shown = g_utf8_validate (address, -1, NULL) ? address : "(not UTF-8)";
  for (p = address; *p; p++)
    if ((guchar) *p <= ' ' || (guchar) *p >= 0x7f || *p == '/')
      return fail (error, "address “%s” is not valid: it must be a host name "
                   "or an IP address, without spaces, slashes or control characters",
                   shown);
  if (address[0] == '[')
    {
      if (len < 2 || address[len - 1] != ']' || !ipv6_matches (address + 1, len - 2, bytes))
        return fail (error, "address “%s” is not valid: only an IPv6 address may be "
                     "written in brackets", shown);
      return TRUE;
    }
  if (strpbrk (address, "[]"))
    return fail (error, "address “%s” is not valid: brackets are only allowed "
                 "around a whole IPv6 address", shown);
  if (strchr (address, ':') && !ipv6_matches (address, len, bytes))
    return fail (error, "address “%s” is not valid: a colon is only allowed in an "
                 "IPv6 address (no port)", shown);
  return TRUE;
}

char *
gp_address_bare (const char *address, GpAddressFamily *family)
{
  gsize len = strlen (address);
  guint8 bytes[16];

  if (!gp_address_validate (address, NULL))
    return NULL;
  if (address[0] == '[')
    {
      if (family)
        *family = GP_ADDRESS_IPV6;
      return g_strndup (address + 1, len - 2);
    }
  if (family)
    *family = strchr (address, ':') ? GP_ADDRESS_IPV6
              : inet_pton (AF_INET, address, bytes) == 1 ? GP_ADDRESS_IPV4
              : GP_ADDRESS_NAME;
  return g_strdup (address);
}

char *
gp_address_host_key (const char *address)
{
  GpAddressFamily family;
  g_autofree char *bare = gp_address_bare (address, &family);
  char text[INET6_ADDRSTRLEN];
  guint8 bytes[16];
  const char *zone;

  if (bare == NULL)
    return NULL;
  switch (family)
    {
    case GP_ADDRESS_IPV4:
      return g_steal_pointer (&bare);
    case GP_ADDRESS_IPV6:
      /* One spelling for "2001:db8::1" and "2001:DB8:0::1". */
      if (!ipv6_matches (bare, strlen (bare), bytes) ||
          inet_ntop (AF_INET6, bytes, text, sizeof text) == NULL)
        return g_steal_pointer (&bare);
      zone = strchr (bare, '%');
      return g_strconcat (text, zone, NULL);
    case GP_ADDRESS_NAME:
    default:
      /* DNS names are case-insensitive. */
      return g_ascii_strdown (bare, -1);
    }
}

/* What makes @c unfit for a settings key, or NULL. White space, line
 * breaks and invisible characters in any script would let two keys that
 * look alike on a terminal differ, or a key break a relation-set line. */
static const char *
key_char_problem (gunichar c)
{
  if (c == '=')
    return "“=”";
  if (g_unichar_isspace (c))
    return "white space";
  switch (g_unichar_type (c))
    {
    case G_UNICODE_CONTROL:
      return "a control character";
    case G_UNICODE_FORMAT:
      return "a format character";
    case G_UNICODE_SPACE_SEPARATOR:
    case G_UNICODE_LINE_SEPARATOR:
    case G_UNICODE_PARAGRAPH_SEPARATOR:
      return "white space";
    case G_UNICODE_UNASSIGNED:
      return "not an assigned character";
    case G_UNICODE_PRIVATE_USE:
      return "a private-use character";
    case G_UNICODE_SURROGATE:
      return "a surrogate";
    default:
      return NULL;
    }
}

gboolean
gp_settings_key_validate (const char *key, GError **error)
{
  gsize len = strlen (key);
  const char *p;

  if (len == 0)
    return fail (error, "settings key is empty");
  if (len > GP_KEY_MAX)
    return fail (error, "settings key is %zu bytes long; at most %d are allowed",
                 len, GP_KEY_MAX);
  /* Keys end up in a{ss} variants, which take nothing but UTF-8. */
  if (!g_utf8_validate (key, (gssize) len, NULL))
    return fail (error, "settings key is not valid UTF-8");
  for (p = key; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      const char *what = key_char_problem (c);

      if (what != NULL)
        return fail (error, "settings key “%s” is not valid: character %u "
                     "(U+%04X) is %s; keys take no “=”, white space, control "
                     "or format characters", key, (guint) (p - key) + 1,
                     (guint) c, what);
    }
  return TRUE;
}

char *
gp_unit_host_name (const char *unit)
{
  return g_strdelimit (g_strdup (unit), "/", '-');
}

/* Application, then unit number as a number: glusterfs/2 < glusterfs/10.
 * Names that are not unit names sort after unit names, bytewise. */
int
gp_unit_name_compare (const char *a, const char *b)
{
  const char *sa = strrchr (a, '/'), *sb = strrchr (b, '/');
  guint32 na = 0, nb = 0;
  gsize la, lb;
  int r;

  if (!sa || !number_matches (sa + 1, &na))
    sa = NULL;
  if (!sb || !number_matches (sb + 1, &nb))
    sb = NULL;
  if (!sa || !sb)
    return sa ? -1 : sb ? 1 : strcmp (a, b);
  la = (gsize) (sa - a);
  lb = (gsize) (sb - b);
  r = strncmp (a, b, MIN (la, lb));
  if (r != 0)
    return r;
  if (la != lb)
    return la < lb ? -1 : 1;
  return na < nb ? -1 : na > nb ? 1 : 0;
}

char *
gp_relation_object_path (const char *relation_name)
{
  g_autofree char *escaped = g_dbus_escape_object_path (relation_name);

  return g_strconcat (GP_OBJECT_PATH_ROOT "/", escaped, NULL);
}

char *
gp_unit_object_path (const char *relation_name, const char *unit)
{
  g_autofree char *rel = g_dbus_escape_object_path (relation_name);
  g_autofree char *escaped = g_dbus_escape_object_path (unit);

  return g_strconcat (GP_OBJECT_PATH_ROOT "/", rel, "/", escaped, NULL);
}

/* Sorted by name: the order States is published in. */
static const struct {
  const char *name;
  GpStates state;
} state_names[] = {
  { "available", GP_STATE_AVAILABLE },
  { "bricks.available", GP_STATE_BRICKS_AVAILABLE },
  { "bricks.removed", GP_STATE_BRICKS_REMOVED },
  { "connected", GP_STATE_CONNECTED },
  { "departed", GP_STATE_DEPARTED },
};

GpStates
gp_state_from_name (const char *name)
{
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (state_names); i++)
    if (g_str_equal (name, state_names[i].name))
      return state_names[i].state;
  return 0;
}

GStrv
gp_states_to_strv (GpStates states)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (state_names); i++)
    if (states & state_names[i].state)
      g_strv_builder_add (builder, state_names[i].name);
  return g_strv_builder_end (builder);
}
