/* fuzz-settings: the data bags (a{ss}) hooks hand the service, checked by
 * gp_settings_canonicalize and gp_settings_merge, and read by
 * gp_peer_data_new; and gp_settings_from_json, which reads them back from
 * the state file.
 *
 * Input: byte 0 splits the rest in two; each part is taken as a serialised
 * a{ss} GVariant (g_variant_new_from_data, then its normal form: what
 * GDBus hands a method handler is always in normal form). Part A is
 * canonicalized, part B merged into it. The whole input, as text, is also
 * read as JSON settings.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <string.h>

#include "fuzz-common.h"
#include "gp-error.h"
#include "gp-names.h"
#include "gp-settings.h"

static GVariant *
bag_from_bytes (const uint8_t *data, size_t size)
{
  g_autoptr(GBytes) bytes = g_bytes_new (data, size);
  g_autoptr(GVariant) raw = NULL;

  raw = g_variant_ref_sink (g_variant_new_from_bytes (G_VARIANT_TYPE ("a{ss}"), bytes, FALSE));
  return g_variant_get_normal_form (raw); /* not floating */
}

/* Keys valid, sorted, unique; values within the limit. */
static void
assert_canonical (GVariant *settings, const GpLimits *limits)
{
  GVariantIter iter;
  const char *key, *value;
  const char *previous = NULL;

  g_assert_true (g_variant_is_of_type (settings, G_VARIANT_TYPE ("a{ss}")));
  g_assert_cmpuint (g_variant_n_children (settings), <=, limits->max_keys);
  g_variant_iter_init (&iter, settings);
  while (g_variant_iter_next (&iter, "{&s&s}", &key, &value))
    {
      g_assert_true (gp_settings_key_validate (key, NULL));
      g_assert_cmpuint (strlen (value), <=, limits->max_value_size);
      if (previous != NULL)
        g_assert_cmpint (strcmp (previous, key), <, 0);
      previous = key;
    }
}

static void
check_peer_data (GVariant *settings, const GpLimits *limits)
{
  g_autoptr(GpPeerData) data = NULL;
  g_autoptr(GError) error = NULL;

  data = gp_peer_data_new (settings, limits, &error);
  if (data == NULL)
    {
      fuzz_assert_error (error, GP_ERROR);
      g_assert_cmpint (error->code, ==, GP_ERROR_LIMIT_EXCEEDED);
      return;
    }
  g_assert_no_error (error);
  g_assert_nonnull (data->address);
  g_assert_nonnull (data->bricks);
  g_assert_nonnull (data->problems);
  g_assert_true (g_variant_is_of_type (data->addresses, G_VARIANT_TYPE ("a{ss}")));
  g_assert_true (data->available == (data->address[0] != '\0' && data->bricks[0] != NULL));
  if (data->address[0] != '\0')
    g_assert_true (gp_address_validate (data->address, NULL));
  for (char **p = data->problems; *p; p++)
    g_assert_true (g_utf8_validate (*p, -1, NULL));
  g_assert_cmpuint (g_strv_length (data->bricks), <=, limits->max_bricks);
}

/* gp_settings_to_json, then gp_settings_from_json: the same bag. */
static void
check_json_round_trip (GVariant *settings)
{
  g_autofree char *json = gp_settings_to_json (settings);
  g_autoptr(GVariant) again = NULL;
  g_autoptr(GError) error = NULL;

  again = gp_settings_from_json (json, &error);
  g_assert_no_error (error);
  g_assert_true (g_variant_equal (settings, again));
}

/* What merging B into A must give, key by key: B's last value for a key
 * wins, an empty one deletes it, the rest of A stays. */
static void
check_merged (GVariant *a, GVariant *b, GVariant *merged)
{
  g_autoptr(GHashTable) expected = g_hash_table_new (g_str_hash, g_str_equal);
  GVariantIter iter;
  const char *key, *value;

  g_variant_iter_init (&iter, a);
  while (g_variant_iter_next (&iter, "{&s&s}", &key, &value))
    g_hash_table_insert (expected, (gpointer) key, (gpointer) value);
  g_variant_iter_init (&iter, b);
  while (g_variant_iter_next (&iter, "{&s&s}", &key, &value))
    if (value[0] == '\0')
      g_hash_table_remove (expected, key);
    else
      g_hash_table_insert (expected, (gpointer) key, (gpointer) value);

  g_assert_cmpuint (g_variant_n_children (merged), ==, g_hash_table_size (expected));
  g_variant_iter_init (&iter, merged);
  while (g_variant_iter_next (&iter, "{&s&s}", &key, &value))
    g_assert_cmpstr (value, ==, g_hash_table_lookup (expected, key));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(GVariant) a = NULL;
  g_autoptr(GVariant) b = NULL;
  g_autoptr(GVariant) canonical = NULL;
  g_autoptr(GVariant) twice = NULL;
  g_autoptr(GVariant) merged = NULL;
  g_autoptr(GVariant) from_json = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  GpLimits limits;
  size_t split;

  fuzz_init ();
  if (size == 0)
    return 0;
  /* Small limits, so that the fuzzer reaches them. */
  limits.max_units = 8;
  limits.max_bricks = 4;
  limits.max_keys = 8;
  limits.max_value_size = 64;

  split = 1 + (size_t) data[0] * (size - 1) / 256;
  a = bag_from_bytes (data + 1, split - 1);
  b = bag_from_bytes (data + split, size - split);

  canonical = gp_settings_canonicalize (a, &limits, &error);
  if (canonical == NULL)
    {
      fuzz_assert_error (error, GP_ERROR);
      g_assert_true (error->code == GP_ERROR_INVALID_ARGUMENT ||
                     error->code == GP_ERROR_LIMIT_EXCEEDED);
      g_clear_error (&error);
    }
  else
    {
      assert_canonical (canonical, &limits);
      twice = gp_settings_canonicalize (canonical, &limits, &error);
      g_assert_no_error (error);
      g_assert_true (g_variant_equal (canonical, twice));
      check_json_round_trip (canonical);
      check_peer_data (canonical, &limits);

      merged = gp_settings_merge (canonical, b, &limits, &error);
      if (merged == NULL)
        {
          fuzz_assert_error (error, GP_ERROR);
          g_assert_true (error->code == GP_ERROR_INVALID_ARGUMENT ||
                         error->code == GP_ERROR_LIMIT_EXCEEDED);
          g_clear_error (&error);
        }
      else
        {
          assert_canonical (merged, &limits);
          check_merged (canonical, b, merged);
          check_json_round_trip (merged);
          check_peer_data (merged, &limits);
        }
    }

  /* The state loader's path: JSON straight from the file, unchecked. */
  text = fuzz_strndup (data, size);
  from_json = gp_settings_from_json (text, &error);
  if (from_json == NULL)
    {
      /* Logged when the state file holds it, so it must be UTF-8 too. */
      fuzz_assert_error (error, GP_ERROR);
    }
  else
    {
      g_assert_true (g_variant_is_of_type (from_json, G_VARIANT_TYPE ("a{ss}")));
      limits.max_bricks = G_MAXUINT;
      check_peer_data (from_json, &limits);
    }
  return 0;
}
