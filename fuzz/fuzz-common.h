/* fuzz-common.h: what every fuzz target of gluster-peer shares.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Each target defines LLVMFuzzerTestOneInput. Built with clang and
 * -Dfuzzing=true it links libFuzzer; in every build it also links
 * fuzz-replay.c, a main() that runs the target on the files it is given
 * (the seed corpus and tests/fuzz-regressions/<target>/), so the inputs
 * that once crashed it are replayed by a normal `meson test`.
 */
#pragma once

#include <glib.h>
#include <stddef.h>
#include <stdint.h>

G_BEGIN_DECLS

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* Once per process: GLib criticals and errors abort (a failed
 * g_return_if_fail is a bug the fuzzer must report); warnings and debug
 * output (the loader warns about every bad row it skips) are dropped
 * unless $GP_FUZZ_VERBOSE is set. */
void fuzz_init (void);

/* The input as a NUL-terminated string, cut at its first NUL: what a D-Bus
 * string or an SQLite text column can hold. */
char *fuzz_strndup (const uint8_t *data, size_t size);

/* Aborts unless @error is set, in @domain, with a message that is valid
 * UTF-8 (messages travel over D-Bus, which takes nothing else). */
void fuzz_assert_error (const GError *error, GQuark domain);

G_END_DECLS
