/* test-service-util.c: unchecked hook calls, the populated relation and
 * value assertions shared by test-service*.c; see test-service.h.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "test-service.h"

#include <stdarg.h>
#include <string.h>

/* --- unchecked hook calls ---------------------------------------------------- */

char *
svc_relation_created (Svc *svc, const char *relation)
{
  g_autoptr(GError) error = NULL;
  char *path = NULL;

  gp_dbus_manager_call_relation_created_sync (svc->manager, relation, &path, NULL, &error);
  g_assert_no_error (error);
  return path;
}

char *
svc_unit_joined (Svc *svc, const char *relation, const char *unit)
{
  g_autoptr(GError) error = NULL;
  char *path = NULL;

  gp_dbus_manager_call_unit_joined_sync (svc->manager, relation, unit, &path, NULL, &error);
  g_assert_no_error (error);
  return path;
}

char *
svc_unit_changed (Svc *svc, const char *relation, const char *unit, GVariant *settings)
{
  g_autoptr(GError) error = NULL;
  char *path = NULL;

  gp_dbus_manager_call_unit_changed_sync (svc->manager, relation, unit, settings, &path, NULL,
                                          &error);
  g_assert_no_error (error);
  return path;
}

void
svc_unit_departed (Svc *svc, const char *relation, const char *unit)
{
  g_autoptr(GError) error = NULL;

  gp_dbus_manager_call_unit_departed_sync (svc->manager, relation, unit, NULL, &error);
  g_assert_no_error (error);
}

void
svc_clear_state (Svc *svc, const char *state)
{
  g_autoptr(GpDbusRelation) relation = svc_relation (svc, REL_PATH);
  g_autoptr(GError) error = NULL;

  gp_dbus_relation_call_clear_state_sync (relation, state, NULL, &error);
  g_assert_no_error (error);
}

void
svc_populate (Svc *svc)
{
  g_autoptr(GpDbusRelation) relation = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  const char *const units[] = { "glusterfs/10", "glusterfs/2", "glusterfs/1", NULL };

  gp_dbus_manager_call_relation_created_sync (svc->manager, "server:3", &path, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (path, ==, REL_PATH);
  relation = svc_relation (svc, REL_PATH);
  gp_dbus_relation_call_set_local_unit_sync (relation, "glusterfs/0",
                                             bag ("private-address", "10.0.0.100",
                                                  "bricks", "[\"/srv/0a\",\"/srv/0b\"]", NULL),
                                             NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; units[i]; i++)
    g_free (svc_unit_joined (svc, "server:3", units[i]));
  g_free (svc_unit_changed (svc, "server:3", "glusterfs/1",
                            bag ("private-address", "10.0.0.1", "ingress-address", "192.168.0.1",
                                 "public-address", "pub1.example.com",
                                 "bricks", "[\"/mnt/a\",\"/mnt/b\"]", NULL)));
  g_free (svc_unit_changed (svc, "server:3", "glusterfs/2",
                            bag ("private-address", "10.0.0.2",
                                 "bricks", "['/mnt/c', u'/mnt/d', '/mnt/c']", NULL)));
  g_free (svc_unit_changed (svc, "server:3", "glusterfs/10",
                            bag ("private-address", "10.0.0.3", "bricks", "[\"/mnt/e\"]", NULL)));
}

/* --- values ------------------------------------------------------------------ */

GVariant *
bag (const char *first_key, ...)
{
  GVariantBuilder builder;
  const char *key;
  va_list ap;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a{ss}"));
  va_start (ap, first_key);
  for (key = first_key; key != NULL; key = va_arg (ap, const char *))
    g_variant_builder_add (&builder, "{ss}", key, va_arg (ap, const char *));
  va_end (ap);
  return g_variant_builder_end (&builder);
}

void
assert_remote_error (const GError *error, const char *name)
{
  g_autofree char *remote = NULL;

  g_assert_nonnull (error);
  remote = g_dbus_error_get_remote_error (error);
  g_test_message ("error %s: %s", remote ? remote : "(not remote)", error->message);
  g_assert_cmpstr (remote, ==, name);
  /* A message a person can act on, beyond the error name. */
  g_assert_cmpuint (strlen (error->message), >, strlen (name) + 10);
}

void
assert_dict (GVariant *actual, const char *expected_text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) expected = NULL;
  g_autofree char *actual_text = NULL;
  GVariantIter iter;
  GVariant *entry;

  g_assert_nonnull (actual);
  actual_text = g_variant_print (actual, TRUE);
  expected = g_variant_parse (g_variant_get_type (actual), expected_text, NULL, NULL, &error);
  g_assert_no_error (error);
  g_test_message ("dict: %s, expected %s", actual_text, expected_text);
  g_assert_cmpuint (g_variant_n_children (actual), ==, g_variant_n_children (expected));
  g_variant_iter_init (&iter, expected);
  while ((entry = g_variant_iter_next_value (&iter)))
    {
      g_autoptr(GVariant) key = g_variant_get_child_value (entry, 0);
      g_autoptr(GVariant) want = g_variant_get_child_value (entry, 1);
      g_autoptr(GVariant) got = g_variant_lookup_value (actual, g_variant_get_string (key, NULL),
                                                        NULL);

      g_variant_unref (entry);
      g_assert_nonnull (got);
      g_assert_true (g_variant_equal (got, want));
    }
}

void
assert_strv_variant (GVariant *actual, const char *const *expected)
{
  g_autofree const char **strv = NULL;

  g_assert_nonnull (actual);
  g_assert_true (g_variant_is_of_type (actual, G_VARIANT_TYPE ("as")) ||
                 g_variant_is_of_type (actual, G_VARIANT_TYPE ("ao")));
  strv = g_variant_is_of_type (actual, G_VARIANT_TYPE ("as"))
         ? g_variant_get_strv (actual, NULL)
         : g_variant_get_objv (actual, NULL);
  g_assert_cmpstrv (strv, expected);
}

void
assert_variant (GVariant *actual, const char *expected_text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) expected = NULL;
  g_autofree char *actual_text = NULL;
  g_autofree char *want_text = NULL;

  g_assert_nonnull (actual);
  expected = g_variant_parse (g_variant_get_type (actual), expected_text, NULL, NULL, &error);
  g_assert_no_error (error);
  actual_text = g_variant_print (actual, FALSE);
  want_text = g_variant_print (expected, FALSE);
  g_assert_cmpstr (actual_text, ==, want_text);
}
