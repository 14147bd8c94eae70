/* fuzz-replay.c: main() for the plain (non-libFuzzer) build of a fuzz
 * target: runs LLVMFuzzerTestOneInput on each file given, and on each
 * regular file in each directory given (sorted by name, not recursive).
 * Exits 0 when every input ran through; a bad input aborts, like it does
 * under libFuzzer, with the file name printed first.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "fuzz-common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static gboolean
run_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &contents, &length, &error))
    {
      fprintf (stderr, "replay: %s\n", error->message);
      return FALSE;
    }
  fprintf (stderr, "replay: %s (%zu bytes)\n", path, (size_t) length);
  /* A private copy of exactly @length bytes, so that ASan or valgrind
   * catches a target reading past the input. */
  {
    g_autofree uint8_t *copy = g_memdup2 (contents, length);

    LLVMFuzzerTestOneInput (copy, length);
  }
  return TRUE;
}

static gint
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

int
main (int argc, char **argv)
{
  guint n_inputs = 0;
  gboolean ok = TRUE;

  if (argc < 2)
    {
      fprintf (stderr, "usage: %s FILE-OR-DIRECTORY...\n", argv[0]);
      return 2;
    }
  for (int i = 1; i < argc; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GDir) dir = NULL;
      g_autoptr(GPtrArray) names = NULL;
      const char *name;

      if (!g_file_test (argv[i], G_FILE_TEST_IS_DIR))
        {
          ok = run_file (argv[i]) && ok;
          n_inputs++;
          continue;
        }
      dir = g_dir_open (argv[i], 0, &error);
      if (dir == NULL)
        {
          fprintf (stderr, "replay: %s\n", error->message);
          ok = FALSE;
          continue;
        }
      names = g_ptr_array_new_with_free_func (g_free);
      while ((name = g_dir_read_name (dir)) != NULL)
        g_ptr_array_add (names, g_build_filename (argv[i], name, NULL));
      g_ptr_array_sort (names, compare_names);
      for (guint j = 0; j < names->len; j++)
        {
          const char *path = names->pdata[j];

          if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
            continue;
          ok = run_file (path) && ok;
          n_inputs++;
        }
    }
  fprintf (stderr, "replay: %u input%s\n", n_inputs, n_inputs == 1 ? "" : "s");
  if (n_inputs == 0)
    {
      fprintf (stderr, "replay: no input found\n");
      return 1;
    }
  return ok ? 0 : 1;
}
