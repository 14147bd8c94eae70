/* gp-test-render.c: sd-bus messages as text, for tests to compare.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "gp-test-render.h"

static void render_one (sd_bus_message *m, GString *out);

static int
compare_items (const void *a, const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* What is left of the current container, values separated by spaces. */
static void
render_rest (sd_bus_message *m, GString *out)
{
  gboolean first = TRUE;

  for (; sd_bus_message_peek_type (m, NULL, NULL) > 0; first = FALSE)
    {
      if (!first)
        g_string_append_c (out, ' ');
      render_one (m, out);
    }
}

/* "[a, b]"; dictionaries sorted by key, since their order means nothing. */
static void
render_array (sd_bus_message *m, const char *contents, GString *out)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_free);
  guint i;

  g_assert_cmpint (sd_bus_message_enter_container (m, 'a', contents), >, 0);
  while (sd_bus_message_peek_type (m, NULL, NULL) > 0)
    {
      GString *item = g_string_new (NULL);

      render_one (m, item);
      g_ptr_array_add (items, g_string_free (item, FALSE));
    }
  g_assert_cmpint (sd_bus_message_exit_container (m), >, 0);
  if (contents[0] == '{')
    g_ptr_array_sort (items, compare_items);
  g_string_append_c (out, '[');
  for (i = 0; i < items->len; i++)
    g_string_append_printf (out, "%s%s", i ? ", " : "", (char *) items->pdata[i]);
  g_string_append_c (out, ']');
}

/* One value as text: arrays as "[a, b]", dictionary entries as "key value",
 * structs as "(a b)", variants as their value. */
static void
render_one (sd_bus_message *m, GString *out)
{
  const char *contents = NULL, *text;
  uint32_t number;
  char type;

  g_assert_cmpint (sd_bus_message_peek_type (m, &type, &contents), >, 0);
  if (type == 's' || type == 'o' || type == 'g')
    {
      g_assert_cmpint (sd_bus_message_read_basic (m, type, &text), >, 0);
      g_string_append (out, text);
    }
  else if (type == 'b' || type == 'u')
    {
      g_assert_cmpint (sd_bus_message_read_basic (m, type, &number), >, 0);
      if (type == 'b')
        g_string_append (out, number ? "true" : "false");
      else
        g_string_append_printf (out, "%u", number);
    }
  else if (type == 'a')
    render_array (m, contents, out);
  else
    {
      g_assert_true (type == 'e' || type == 'r' || type == 'v');
      g_assert_cmpint (sd_bus_message_enter_container (m, type, contents), >, 0);
      g_string_append (out, type == 'r' ? "(" : "");
      render_rest (m, out);
      g_string_append (out, type == 'r' ? ")" : "");
      g_assert_cmpint (sd_bus_message_exit_container (m), >, 0);
    }
}

char *
gp_test_render_message (sd_bus_message *m)
{
  GString *out = g_string_new (NULL);

  render_rest (m, out);
  return g_string_free (out, FALSE);
}
