/* fuzz-bricks: gp_bricks_parse, the parser of the "bricks" value every
 * remote unit sends (JSON or Python-style list), and what is promised of
 * its result.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <stdlib.h>

#include "fuzz-common.h"
#include "gp-bricks.h"
#include "gp-error.h"

#define MAX_BRICKS 64

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *value = NULL;
  g_autofree char *json = NULL;
  g_auto(GStrv) bricks = NULL;
  g_auto(GStrv) again = NULL;
  g_auto(GStrv) added = NULL;
  g_auto(GStrv) removed = NULL;
  g_autoptr(GHashTable) seen = NULL;
  g_autoptr(GError) error = NULL;

  fuzz_init ();
  value = fuzz_strndup (data, size);
  bricks = gp_bricks_parse (value, MAX_BRICKS, &error);
  if (bricks == NULL)
    {
      fuzz_assert_error (error, GP_ERROR);
      g_assert_true (error->code == GP_ERROR_INVALID_ARGUMENT ||
                     error->code == GP_ERROR_LIMIT_EXCEEDED);
      return 0;
    }
  g_assert_no_error (error);

  /* Every brick valid, none twice, within the limit. */
  g_assert_cmpuint (g_strv_length (bricks), <=, MAX_BRICKS);
  seen = g_hash_table_new (g_str_hash, g_str_equal);
  for (char **b = bricks; *b; b++)
    {
      g_assert_true (gp_brick_validate (*b, NULL));
      g_assert_true (g_hash_table_add (seen, *b));
    }

  /* What the store writes reads back the same. */
  json = gp_bricks_to_json ((const char *const *) bricks);
  again = gp_bricks_parse (json, MAX_BRICKS, &error);
  g_assert_no_error (error);
  g_assert_true (g_strv_equal ((const char *const *) bricks, (const char *const *) again));

  /* A list differs from itself in nothing. */
  gp_bricks_diff ((const char *const *) bricks, (const char *const *) again, &added, &removed);
  g_assert_cmpuint (g_strv_length (added), ==, 0);
  g_assert_cmpuint (g_strv_length (removed), ==, 0);
  g_clear_pointer (&added, g_strfreev);
  g_clear_pointer (&removed, g_strfreev);
  gp_bricks_diff (NULL, (const char *const *) bricks, &added, &removed);
  g_assert_true (g_strv_equal ((const char *const *) added, (const char *const *) bricks));
  g_assert_cmpuint (g_strv_length (removed), ==, 0);
  return 0;
}
