/* fuzz-common.c: see fuzz-common.h.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "fuzz-common.h"

#include <stdio.h>
#include <stdlib.h>

static gboolean verbose;

static GLogWriterOutput
fuzz_log_writer (GLogLevelFlags level, const GLogField *fields, gsize n_fields,
                 gpointer user_data)
{
  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL))
    {
      g_log_writer_standard_streams (level, fields, n_fields, user_data);
      abort ();
    }
  if (verbose)
    return g_log_writer_standard_streams (level, fields, n_fields, user_data);
  return G_LOG_WRITER_HANDLED;
}

void
fuzz_init (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done))
    {
      verbose = g_getenv ("GP_FUZZ_VERBOSE") != NULL;
      g_log_set_writer_func (fuzz_log_writer, NULL, NULL);
      g_once_init_leave (&done, 1);
    }
}

char *
fuzz_strndup (const uint8_t *data, size_t size)
{
  return g_strndup ((const char *) data, size);
}

void
fuzz_assert_error (const GError *error, GQuark domain)
{
  if (error == NULL)
    {
      fprintf (stderr, "fuzz: a call failed without setting its GError\n");
      abort ();
    }
  if (error->domain != domain)
    {
      fprintf (stderr, "fuzz: error in domain %s, expected %s: %s\n",
               g_quark_to_string (error->domain), g_quark_to_string (domain),
               error->message);
      abort ();
    }
  if (!g_utf8_validate (error->message, -1, NULL))
    {
      fprintf (stderr, "fuzz: error message is not valid UTF-8\n");
      abort ();
    }
}
