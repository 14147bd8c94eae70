/* floor-service: the smallest D-Bus service sd-bus can make, the floor the
 * benchmarks measure gluster-peerd against.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 *   floor-service BUS-ADDRESS NAME
 *
 * Connects to BUS-ADDRESS, exports FLOOR_PATH with FLOOR_INTERFACE.Noop ()
 * -> (), the floor of a call, and FLOOR_INTERFACE.Map (u hosts, u bricks)
 * -> a{sas}, a reply shaped like BrickMap's ("glusterfs-N" ->
 * "/srv/gluster/brickNN"...), built on every call: the floor of moving that
 * much data; and FLOOR_INTERFACE.Update (a{ss}) -> (), which emits what
 * UnitChanged emits (PropertiesChanged with the bag, BricksAdded,
 * BricksRemoved) before its reply, with no work and no disk. Owns NAME and serves until SIGTERM, SIGINT or the bus goes
 * away. Single-threaded: one sd_bus_process() per
 * message, the reply written before the next message is read.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-bus.h>

#include "floor-service.h"

static volatile sig_atomic_t stop;

static void
on_signal (int signum)
{
  stop = 1;
}

static int
method_noop (sd_bus_message *m, void *userdata, sd_bus_error *error)
{
  return sd_bus_reply_method_return (m, NULL);
}

static int
method_map (sd_bus_message *m, void *userdata, sd_bus_error *error)
{
  sd_bus_message *reply = NULL;
  uint32_t hosts, bricks, h, b;
  char host[32], brick[64];
  int r;

  if ((r = sd_bus_message_read (m, "uu", &hosts, &bricks)) < 0 ||
      (r = sd_bus_message_new_method_return (m, &reply)) < 0 ||
      (r = sd_bus_message_open_container (reply, 'a', "{sas}")) < 0)
    goto out;
  for (h = 0; h < hosts; h++)
    {
      snprintf (host, sizeof host, "glusterfs-%u", h);
      if ((r = sd_bus_message_open_container (reply, 'e', "sas")) < 0 ||
          (r = sd_bus_message_append (reply, "s", host)) < 0 ||
          (r = sd_bus_message_open_container (reply, 'a', "s")) < 0)
        goto out;
      for (b = 0; b < bricks; b++)
        {
          snprintf (brick, sizeof brick, "/srv/gluster/brick%02u", b);
          if ((r = sd_bus_message_append (reply, "s", brick)) < 0)
            goto out;
        }
      if ((r = sd_bus_message_close_container (reply)) < 0 ||
          (r = sd_bus_message_close_container (reply)) < 0)
        goto out;
    }
  if ((r = sd_bus_message_close_container (reply)) < 0)
    goto out;
  r = sd_bus_send (NULL, reply, NULL);
out:
  sd_bus_message_unref (reply);
  return r;
}

static int
emit_changed (sd_bus *bus, sd_bus_message *settings_call)
{
  sd_bus_message *signal = NULL;
  const char *key, *value;
  int r;

  if ((r = sd_bus_message_new_signal (bus, &signal, FLOOR_PATH,
                                      "org.freedesktop.DBus.Properties",
                                      "PropertiesChanged")) < 0 ||
      (r = sd_bus_message_append (signal, "s", FLOOR_INTERFACE)) < 0 ||
      (r = sd_bus_message_open_container (signal, 'a', "{sv}")) < 0 ||
      (r = sd_bus_message_open_container (signal, 'e', "sv")) < 0 ||
      (r = sd_bus_message_append (signal, "s", "Settings")) < 0 ||
      (r = sd_bus_message_open_container (signal, 'v', "a{ss}")) < 0 ||
      (r = sd_bus_message_open_container (signal, 'a', "{ss}")) < 0 ||
      (r = sd_bus_message_enter_container (settings_call, 'a', "{ss}")) < 0)
    goto out;
  while ((r = sd_bus_message_read (settings_call, "{ss}", &key, &value)) > 0)
    if ((r = sd_bus_message_append (signal, "{ss}", key, value)) < 0)
      goto out;
  if (r < 0 ||
      (r = sd_bus_message_close_container (signal)) < 0 ||
      (r = sd_bus_message_close_container (signal)) < 0 ||
      (r = sd_bus_message_close_container (signal)) < 0 ||
      (r = sd_bus_message_close_container (signal)) < 0 ||
      (r = sd_bus_message_append (signal, "as", 0)) < 0)
    goto out;
  r = sd_bus_send (bus, signal, NULL);
out:
  sd_bus_message_unref (signal);
  return r;
}

static int
method_update (sd_bus_message *m, void *userdata, sd_bus_error *error)
{
  sd_bus *bus = sd_bus_message_get_bus (m);
  int r;

  if ((r = emit_changed (bus, m)) < 0 ||
      (r = sd_bus_emit_signal (bus, FLOOR_PATH, FLOOR_INTERFACE, "BricksAdded", "as",
                               1, "/srv/gluster/added")) < 0 ||
      (r = sd_bus_emit_signal (bus, FLOOR_PATH, FLOOR_INTERFACE, "BricksRemoved", "as",
                               1, "/srv/gluster/removed")) < 0)
    return r;
  return sd_bus_reply_method_return (m, NULL);
}

static const sd_bus_vtable floor_vtable[] = {
  SD_BUS_VTABLE_START (0),
  SD_BUS_METHOD ("Noop", "", "", method_noop, SD_BUS_VTABLE_UNPRIVILEGED),
  SD_BUS_METHOD ("Map", "uu", "a{sas}", method_map, SD_BUS_VTABLE_UNPRIVILEGED),
  SD_BUS_METHOD ("Update", "a{ss}", "", method_update, SD_BUS_VTABLE_UNPRIVILEGED),
  SD_BUS_SIGNAL ("BricksAdded", "as", 0),
  SD_BUS_SIGNAL ("BricksRemoved", "as", 0),
  SD_BUS_VTABLE_END
};

static int
fail (const char *what, int r)
{
  fprintf (stderr, "floor-service: %s: %s\n", what, strerror (-r));
  return EXIT_FAILURE;
}

int
main (int argc, char **argv)
{
  struct sigaction sa;
  sd_bus *bus = NULL;
  int r;

  if (argc != 3)
    {
      fprintf (stderr, "usage: floor-service BUS-ADDRESS NAME\n");
      return 2;
    }

  memset (&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigaction (SIGTERM, &sa, NULL);
  sigaction (SIGINT, &sa, NULL);

  if ((r = sd_bus_new (&bus)) < 0)
    return fail ("sd_bus_new", r);
  if ((r = sd_bus_set_address (bus, argv[1])) < 0)
    return fail ("bus address", r);
  if ((r = sd_bus_set_bus_client (bus, 1)) < 0)
    return fail ("sd_bus_set_bus_client", r);
  if ((r = sd_bus_start (bus)) < 0)
    return fail ("connect", r);
  if ((r = sd_bus_add_object_vtable (bus, NULL, FLOOR_PATH, FLOOR_INTERFACE,
                                     floor_vtable, NULL)) < 0)
    return fail ("export", r);
  if ((r = sd_bus_request_name (bus, argv[2], 0)) < 0)
    return fail ("request name", r);

  while (!stop)
    {
      r = sd_bus_process (bus, NULL);
      if (r < 0)
        break; /* the bus went away */
      if (r > 0)
        continue;
      r = sd_bus_wait (bus, UINT64_MAX);
      if (r < 0 && r != -EINTR)
        break;
    }
  sd_bus_flush_close_unref (bus);
  return EXIT_SUCCESS;
}
