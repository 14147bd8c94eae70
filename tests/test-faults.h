/* test-faults.h: what test-faults.c (main, and a full or read-only state
 * directory) shares with test-faults-kill.c (kill -9 and SIGTERM amid
 * concurrent writers). See test-faults.c.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "gp-test-state.h"

#define ROOT_PATH "/org/juju/GlusterPeer"
#define SERVER_PATH ROOT_PATH "/server"

/* The state directory of every fault test. */
#define FAULTS_STATE_DIR_TEMPLATE "gp-test-faults-XXXXXX"

/* Adds /faults/kill9-concurrent and /faults/sigterm-during-writes. */
void faults_add_kill_tests (void);
/* Adds /faults/state-files/... (test-faults-files.c). */
void faults_add_files_tests (void);
