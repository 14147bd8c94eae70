/* gp-bench.h: what the benchmarks of gp-bench share: the run (a private
 * bus, gluster-peerd, the floor services), statistics, the table, and
 * calls through sd-bus, in gp-bench.c with main(); each benchmark has a
 * file of its own.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <systemd/sd-bus.h>

#include "gp-test-bus.h"

#define MANAGER_IFACE "org.juju.GlusterPeer.Manager"
#define RELATION_IFACE "org.juju.GlusterPeer.Relation"
#define CALL_TIMEOUT_USEC (120 * G_USEC_PER_SEC)

/* Bricks of P1's unit (P3 sends the same bag). */
#define P1_BRICKS 24

/* The scale benchmarks' relation: P4 and P6. */
#define P4_UNITS 10000
#define P4_SMALL_UNITS 10
#define P4_BRICKS 16

typedef struct {
  GpTestBus *bus;
  GpTestDaemon *daemon;
  GSubprocess *floor;
  GSubprocess *floor_gdbus;
  GSubprocess *floor_peerd;
  sd_bus *client;
  char *dir;          /* $TMPDIR/gp-bench-XXXXXX: state/, floor/ */
  char *state_dir;
} Bench;

/* A broken measurement happened: the run exits 1 at the end. */
extern gboolean broken;

void die (const char *format, ...) G_GNUC_PRINTF (1, 2) G_GNUC_NORETURN;
void breakage (const char *format, ...) G_GNUC_PRINTF (1, 2);
guint iterations (guint n);
double now (void);

GArray *samples_new (void);
void samples_add (GArray *samples, double value);
double percentile (GArray *samples, double p);
double median (GArray *samples);
char *fmt_time (double seconds);
char *fmt_bytes (double bytes);

/* The table: rows take the strings; verdicts "pass", "MISS", "info". */
void row_add (char *figure, char *value, char *baseline, char *ratio, char *target,
              const char *verdict);
void row_info (const char *figure, char *value, char *baseline);
void row_ratio (const char *figure, double value, const char *baseline_name,
                double baseline, double max_ratio);
void print_table (const char *title);

char *make_dir (const char *parent, const char *name);
/* with_policy: the bus loads the project's policy (no floor service can
 * own a name then); else the open test policy. */
Bench *bench_new (gboolean with_policy);
void bench_free (Bench *b);
double start_daemon (Bench *b);
double stop_daemon (Bench *b);
double proc_status_bytes (GPid pid, const char *field);

sd_bus *client_new (const char *address);
void check (int r, const char *what);
sd_bus_message *msg_new (sd_bus *bus, const char *dest, const char *path, const char *iface,
                         const char *member);
double call_timed (sd_bus *bus, sd_bus_message *m, sd_bus_message **reply);
/* The floor service's Noop and Update (UnitChanged's signals alone). */
double call_floor (sd_bus *bus, const char *name);
double call_floor_update (sd_bus *bus, const char *name, GVariant *settings);
/* Manager.UnitChanged to gluster-peerd, or the same message to @dest. */
sd_bus_message *msg_unit_changed_to (sd_bus *bus, const char *dest, const char *relation,
                                     const char *unit, GVariant *settings);
sd_bus_message *msg_unit_changed (sd_bus *bus, const char *relation, const char *unit,
                                  GVariant *settings);
double call_unit_changed (sd_bus *bus, const char *relation, const char *unit,
                          GVariant *settings);
double call_relation (sd_bus *bus, const char *relation, const char *member,
                      sd_bus_message **reply);
gsize reply_count (sd_bus_message *reply, const char *signature);

GStrv make_bricks (guint n, const char *last_suffix);
GVariant *make_settings (const char *address, const char *const *bricks);
char *unit_address (guint n);
/* 10,000 units x 16 bricks in "server" (server:1), 10 in "small". */
double write_scale_state (const char *state_dir);

/* $name, or @fallback when unset or empty. */
const char *env_or (const char *name, const char *fallback);
/* The floor services on the run's bus: floor-service alone; it and
 * floor-gdbus; floor-peerd, with its state next to the daemon's. */
void start_floor_sdbus (Bench *b);
void start_floor_services (Bench *b);
void start_floor_peerd (Bench *b);
/* One process, stdout to /dev/null; its wall time from spawn to reaping. */
double run_process (char *const *argv);

int bench_floor (void);   /* gp-bench-floor.c */
int bench_cli (void);     /* gp-bench-cli.c */
int bench_scale (void);   /* gp-bench-scale.c */
int bench_fanout (void);  /* gp-bench-fanout.c */
int bench_flood (void);   /* gp-bench-flood.c */
