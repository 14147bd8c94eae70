/* gp-bench-fanout.c: P5, 100 subscribers while 1,000 updates run: no
 * signal may be lost.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gp-bench.h"
#include "gp-names.h"

/* ---- P5: subscribers ---------------------------------------------------------------- */

#define P5_SUBSCRIBERS 100
#define P5_UPDATES 1000
#define P5_DRAIN_SECONDS 60

typedef struct _Fanout Fanout;

typedef struct {
  Fanout *fanout;
  sd_bus *bus;
  guint n_added, n_removed, n_changed, n_other;
  guint8 *seen;     /* [n_updates + 1]: BricksAdded of update i received */
  double *received; /* [n_updates + 1] */
  gboolean complete;
  int error;
} Subscriber;

struct _Fanout {
  Subscriber subs[P5_SUBSCRIBERS];
  guint n_updates;
  const char *unit_path;
  double *sent;     /* [n_updates + 1] */
  gint stop;
  guint n_complete;
};

static guint
seq_of (const char *brick)
{
  const char *prefix = "/bench/seq/";

  if (!g_str_has_prefix (brick, prefix))
    return 0;
  return (guint) g_ascii_strtoull (brick + strlen (prefix), NULL, 10);
}

static int
on_signal (sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
  Subscriber *s = userdata;
  Fanout *f = s->fanout;
  double t = now ();
  const char *member = sd_bus_message_get_member (m);
  char **bricks = NULL, **p;

  if (g_strcmp0 (member, "BricksAdded") == 0)
    {
      if (sd_bus_message_read_strv (m, &bricks) < 0)
        return 0;
      for (p = bricks; p && *p; p++)
        {
          guint seq = seq_of (*p);

          if (seq >= 1 && seq <= f->n_updates && !s->seen[seq])
            {
              s->seen[seq] = 1;
              s->received[seq] = t;
              s->n_added++;
            }
        }
      g_strfreev (bricks);
    }
  else if (g_strcmp0 (member, "BricksRemoved") == 0)
    s->n_removed++;
  else if (g_strcmp0 (member, "PropertiesChanged") == 0 &&
           g_strcmp0 (sd_bus_message_get_path (m), f->unit_path) == 0)
    s->n_changed++;
  else
    s->n_other++;
  return 0;
}

static gpointer
subscribers_thread (gpointer data)
{
  Fanout *f = data;
  struct pollfd fds[P5_SUBSCRIBERS];
  guint i;
  int r;

  for (i = 0; i < P5_SUBSCRIBERS; i++)
    fds[i].revents = POLLIN;
  while (!g_atomic_int_get (&f->stop) && f->n_complete < P5_SUBSCRIBERS)
    {
      for (i = 0; i < P5_SUBSCRIBERS; i++)
        {
          Subscriber *s = &f->subs[i];

          if (fds[i].revents == 0 || s->error)
            continue;
          while ((r = sd_bus_process (s->bus, NULL)) > 0)
            ;
          if (r < 0)
            s->error = r;
          if (!s->complete && s->n_added == f->n_updates &&
              s->n_removed >= f->n_updates && s->n_changed >= f->n_updates)
            {
              s->complete = TRUE;
              f->n_complete++;
            }
        }
      for (i = 0; i < P5_SUBSCRIBERS; i++)
        {
          fds[i].fd = f->subs[i].error ? -1 : sd_bus_get_fd (f->subs[i].bus);
          fds[i].events = (short) sd_bus_get_events (f->subs[i].bus);
          fds[i].revents = 0;
        }
      if (poll (fds, P5_SUBSCRIBERS, 100) < 0 && errno != EINTR)
        break;
    }
  return NULL;
}

static GVariant *
fanout_settings (guint seq)
{
  g_autofree char *brick = g_strdup_printf ("/bench/seq/%u", seq);
  const char *bricks[] = { "/srv/gluster/brick00", brick, NULL };

  return make_settings ("10.1.0.1", bricks);
}

int
bench_fanout (void)
{
  Bench *b = bench_new (FALSE);
  Fanout *f = g_new0 (Fanout, 1);
  g_autoptr(GArray) latency = samples_new ();
  g_autoptr(GArray) updates = samples_new ();
  g_autofree char *unit_path = gp_unit_object_path ("server", "glusterfs/1");
  g_autoptr(GVariant) first = NULL;
  g_autofree char *rule = NULL;
  GThread *thread;
  const char *owner = NULL;
  sd_bus_message *reply = NULL;
  double t_first, t_last_reply, t_last_received = 0, deadline;
  guint i, s, lost_added = 0, lost_removed = 0, lost_changed = 0, errors = 0;

  f->n_updates = iterations (P5_UPDATES);
  f->unit_path = unit_path;
  f->sent = g_new0 (double, f->n_updates + 1);
  start_daemon (b);
  b->client = client_new (gp_test_bus_get_address (b->bus));

  /* Before anyone listens: the unit exists, with brick /bench/seq/0, and
   * both edge states are set already, so each update below is one brick
   * in, one brick out. */
  first = fanout_settings (0);
  call_unit_changed (b->client, "server:1", "glusterfs/1", first);

  check (sd_bus_call_method (b->client, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                             "org.freedesktop.DBus", "GetNameOwner", NULL, &reply, "s",
                             GP_BUS_NAME), "GetNameOwner");
  check (sd_bus_message_read (reply, "s", &owner), "GetNameOwner");
  rule = g_strdup_printf ("type='signal',sender='%s',path_namespace='%s'", owner,
                          GP_OBJECT_PATH_ROOT);
  sd_bus_message_unref (reply);

  for (s = 0; s < P5_SUBSCRIBERS; s++)
    {
      Subscriber *sub = &f->subs[s];

      sub->fanout = f;
      sub->bus = client_new (gp_test_bus_get_address (b->bus));
      sub->seen = g_new0 (guint8, f->n_updates + 1);
      sub->received = g_new0 (double, f->n_updates + 1);
      /* Synchronous AddMatch: the bus has the rule before the updates. */
      check (sd_bus_add_match (sub->bus, NULL, rule, on_signal, sub), "AddMatch");
    }

  thread = g_thread_new ("subscribers", subscribers_thread, f);
  t_first = now ();
  for (i = 1; i <= f->n_updates; i++)
    {
      g_autoptr(GVariant) settings = fanout_settings (i);

      f->sent[i] = now ();
      samples_add (updates, call_unit_changed (b->client, "server:1", "glusterfs/1", settings));
    }
  t_last_reply = now ();
  deadline = t_last_reply + P5_DRAIN_SECONDS;
  while (g_atomic_int_get ((gint *) &f->n_complete) < P5_SUBSCRIBERS && now () < deadline)
    g_usleep (10000);
  g_atomic_int_set (&f->stop, 1);
  g_thread_join (thread);

  for (s = 0; s < P5_SUBSCRIBERS; s++)
    {
      Subscriber *sub = &f->subs[s];

      if (sub->error)
        {
          errors++;
          breakage ("subscriber %u: %s", s, g_strerror (-sub->error));
        }
      lost_added += f->n_updates - sub->n_added;
      lost_removed += sub->n_removed < f->n_updates ? f->n_updates - sub->n_removed : 0;
      lost_changed += sub->n_changed < f->n_updates ? f->n_updates - sub->n_changed : 0;
      for (i = 1; i <= f->n_updates; i++)
        if (sub->seen[i])
          {
            samples_add (latency, sub->received[i] - f->sent[i]);
            t_last_received = MAX (t_last_received, sub->received[i]);
          }
      sd_bus_flush_close_unref (sub->bus);
      g_free (sub->seen);
      g_free (sub->received);
    }
  if (lost_added + lost_removed + lost_changed > 0)
    breakage ("%u BricksAdded, %u BricksRemoved, %u PropertiesChanged lost",
              lost_added, lost_removed, lost_changed);

  stop_daemon (b);
  bench_free (b);

  row_add (g_strdup_printf ("P5 signals lost, %u subscribers x %u updates x 3 signals",
                            P5_SUBSCRIBERS, f->n_updates),
           g_strdup_printf ("%u", lost_added + lost_removed + lost_changed),
           g_strdup_printf ("%u x BricksAdded, %u x BricksRemoved, %u x PropertiesChanged",
                            lost_added, lost_removed, lost_changed),
           NULL, g_strdup ("0"),
           lost_added + lost_removed + lost_changed + errors == 0 ? "pass" : "BROKEN");
  if (latency->len > 0)
    {
      row_info ("P5 delivery, call sent to BricksAdded received, p50",
                fmt_time (median (latency)), NULL);
      row_info ("P5 delivery, p99", fmt_time (percentile (latency, 0.99)), NULL);
      row_info ("P5 delivery, max", fmt_time (percentile (latency, 1.0)), NULL);
      row_info ("P5 all delivered, from the first update sent",
                fmt_time (t_last_received - t_first),
                g_strdup_printf ("last reply after %.3g s", t_last_reply - t_first));
    }
  row_info ("P5 UnitChanged with 100 subscribers, p50", fmt_time (median (updates)), NULL);
  row_info ("P5 UnitChanged with 100 subscribers, p99", fmt_time (percentile (updates, 0.99)),
            NULL);
  g_free (f->sent);
  g_free (f);
  print_table ("P5: 100 subscribers while 1,000 updates run");
  return broken ? EXIT_FAILURE : EXIT_SUCCESS;
}
