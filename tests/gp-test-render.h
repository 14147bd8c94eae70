/* gp-test-render.h: sd-bus messages as text, for tests to compare.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib.h>
#include <systemd/sd-bus.h>

G_BEGIN_DECLS

/* The rest of @m's arguments, GVariant-text style (strings quoted, arrays
 * in brackets, dictionaries sorted by key), read to the end. */
char *gp_test_render_message (sd_bus_message *m);

G_END_DECLS
