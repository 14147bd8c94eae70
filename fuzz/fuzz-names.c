/* fuzz-names: the validators of the names Juju hands the service (unit,
 * relation, application, address, address type, settings key, state), and
 * what is promised of a name they accept.
 *
 * Input: one name, or two separated by the first newline (the second only
 * feeds gp_unit_name_compare).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "fuzz-common.h"
#include "gp-error.h"
#include "gp-names.h"

static int
sign (int v)
{
  return (v > 0) - (v < 0);
}

static void
check_unit (const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *host = NULL;
  g_autofree char *path = NULL;

  if (!gp_unit_name_validate (name, &error))
    {
      fuzz_assert_error (error, GP_ERROR);
      return;
    }
  g_assert_nonnull (strchr (name, '/'));
  g_assert_true (g_utf8_validate (name, -1, NULL));
  host = gp_unit_host_name (name);
  g_assert_null (strchr (host, '/'));
  path = gp_unit_object_path ("server", name);
  g_assert_true (g_variant_is_object_path (path));
  g_assert_cmpint (gp_unit_name_compare (name, name), ==, 0);
}

static void
check_relation (const char *relation)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *id = NULL;
  g_autofree char *path = NULL;

  if (!gp_relation_parse (relation, &name, &id, &error))
    {
      fuzz_assert_error (error, GP_ERROR);
      g_assert_null (name);
      g_assert_null (id);
      return;
    }
  g_assert_true (gp_name_validate (name, "relation name", NULL));
  if (id != NULL)
    {
      g_assert_cmpstr (id, ==, relation);
      g_assert_true (g_str_has_prefix (id, name));
      g_assert_cmpint (id[strlen (name)], ==, ':');
    }
  else
    g_assert_cmpstr (name, ==, relation);
  path = gp_relation_object_path (name);
  g_assert_true (g_variant_is_object_path (path));
}

static void
check_plain (const char *text)
{
  g_autoptr(GError) error = NULL;
  const char *p;

  if (gp_name_validate (text, "application name", &error))
    {
      g_assert_true (text[0] >= 'a' && text[0] <= 'z');
      g_assert_true (strlen (text) <= GP_NAME_MAX);
    }
  else
    fuzz_assert_error (error, GP_ERROR);
  g_clear_error (&error);

  if (gp_address_type_validate (text, &error))
    g_assert_true (gp_name_validate (text, "address type", NULL));
  else
    fuzz_assert_error (error, GP_ERROR);
  g_clear_error (&error);

  if (gp_address_validate (text, &error))
    {
      g_autofree char *bare = gp_address_bare (text, NULL);
      g_autofree char *host_key = gp_address_host_key (text);

      g_assert_true (strlen (text) <= GP_ADDRESS_MAX);
      for (p = text; *p; p++)
        g_assert_true (g_ascii_isgraph (*p) && *p != '/');
      /* What goes before ":/brick" has no brackets and is itself valid. */
      g_assert_nonnull (bare);
      g_assert_null (strpbrk (bare, "[]"));
      g_assert_true (gp_address_validate (bare, NULL));
      g_assert_nonnull (host_key);
    }
  else
    {
      fuzz_assert_error (error, GP_ERROR);
      g_assert_null (gp_address_bare (text, NULL));
    }
  g_clear_error (&error);

  if (gp_settings_key_validate (text, &error))
    {
      /* Goes into a{ss} variants and relation-set key=value. */
      g_assert_true (g_utf8_validate (text, -1, NULL));
      g_assert_null (strchr (text, '='));
      g_assert_true (strlen (text) <= GP_KEY_MAX);
    }
  else
    fuzz_assert_error (error, GP_ERROR);
  g_clear_error (&error);

  if (gp_state_from_name (text) != 0)
    {
      g_auto(GStrv) names = gp_states_to_strv (gp_state_from_name (text));

      g_assert_cmpuint (g_strv_length (names), ==, 1);
      g_assert_cmpstr (names[0], ==, text);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *text = NULL;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  const char *newline;

  fuzz_init ();
  text = fuzz_strndup (data, size);

  check_unit (text);
  check_relation (text);
  check_plain (text);

  newline = strchr (text, '\n');
  if (newline != NULL)
    {
      a = g_strndup (text, (gsize) (newline - text));
      b = g_strdup (newline + 1);
      check_unit (a);
      check_unit (b);
      check_relation (a);
      /* A total order: antisymmetric, and equal only for equal strings. */
      g_assert_cmpint (sign (gp_unit_name_compare (a, b)), ==,
                       -sign (gp_unit_name_compare (b, a)));
      if (gp_unit_name_compare (a, b) == 0)
        g_assert_cmpstr (a, ==, b);
    }
  return 0;
}
