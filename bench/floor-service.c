/* floor-service: the smallest D-Bus service sd-bus can make, the floor the
 * benchmarks measure gluster-peerd against.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 *   floor-service BUS-ADDRESS NAME
 *
 * Connects to BUS-ADDRESS, exports FLOOR_PATH with FLOOR_INTERFACE.Noop ()
 * -> (), the floor of a call; FLOOR_INTERFACE.Update (a{ss}) -> (), which
 * emits what UnitChanged emits (PropertiesChanged with the bag,
 * BricksAdded, BricksRemoved) before its reply, with no work and no disk;
 * and FLOOR_INTERFACE.Capture (u slot, s destination, s path, s interface,
 * s member) -> (), which calls that argument-less method and keeps its
 * reply (slot FLOOR_SLOT_MAP or FLOOR_SLOT_OBJECTS), and ReplayMap () ->
 * a{sas} and ReplayObjects () -> a{oa{sa{sv}}}, which build the same reply
 * again from that copy and send it: the floor of sending a big reply
 * (BrickMap, GetManagedObjects) from memory already laid out. Owns NAME and serves until SIGTERM, SIGINT or the bus goes
 * away. Single-threaded: one sd_bus_process() per message, the reply
 * written before the next message is read.
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

/* Replies captured from another service (Capture), kept as the list of
 * appends that build them again (Replay): what a service that holds its
 * data in memory, ready to send, does at the least. sd_bus_message_copy()
 * would read the captured message on every call, which costs more than
 * the daemon's own building. */
typedef struct {
  char op;        /* 'b'asic, 'o'pen, 'c'lose */
  char type;
  char *contents; /* of a container */
  union {
    uint8_t y;
    int b;
    int16_t n;
    uint16_t q;
    int32_t i;
    uint32_t u;
    int64_t x;
    uint64_t t;
    double d;
    const char *s;
  } value;
} Append;

typedef struct {
  Append *appends;
  size_t n, allocated;
} Captured;

#define N_CAPTURED 2
static Captured captured[N_CAPTURED];

static Append *
captured_add (Captured *c, char op, char type)
{
  Append *a;

  if (c->n == c->allocated)
    {
      c->allocated = c->allocated ? 2 * c->allocated : 1024;
      c->appends = realloc (c->appends, c->allocated * sizeof (Append));
      if (c->appends == NULL)
        abort ();
    }
  a = &c->appends[c->n++];
  memset (a, 0, sizeof *a);
  a->op = op;
  a->type = type;
  return a;
}

static void
captured_clear (Captured *c)
{
  for (size_t i = 0; i < c->n; i++)
    {
      free (c->appends[i].contents);
      if (c->appends[i].op == 'b' && strchr ("sog", c->appends[i].type))
        free ((char *) c->appends[i].value.s);
    }
  free (c->appends);
  memset (c, 0, sizeof *c);
}

/* Records what is left of the current container of @m. */
static int
record (Captured *c, sd_bus_message *m)
{
  const char *contents;
  char type;
  int r;

  while ((r = sd_bus_message_peek_type (m, &type, &contents)) > 0)
    {
      Append *a;

      if (strchr ("avre", type))
        {
          a = captured_add (c, 'o', type);
          a->contents = strdup (contents);
          if ((r = sd_bus_message_enter_container (m, type, contents)) < 0 ||
              (r = record (c, m)) < 0 ||
              (r = sd_bus_message_exit_container (m)) < 0)
            return r;
          captured_add (c, 'c', type);
          continue;
        }
      a = captured_add (c, 'b', type);
      if ((r = sd_bus_message_read_basic (m, type, &a->value)) < 0)
        return r;
      if (strchr ("sog", type))
        a->value.s = strdup (a->value.s);
    }
  return r;
}

static int
method_capture (sd_bus_message *m, void *userdata, sd_bus_error *error)
{
  const char *destination, *path, *interface, *member;
  sd_bus_message *reply = NULL;
  uint32_t slot;
  int r;

  if ((r = sd_bus_message_read (m, "ussss", &slot, &destination, &path, &interface,
                                &member)) < 0)
    return r;
  if (slot >= N_CAPTURED)
    return sd_bus_error_set (error, SD_BUS_ERROR_INVALID_ARGS, "no such slot");
  if ((r = sd_bus_call_method (sd_bus_message_get_bus (m), destination, path, interface,
                               member, error, &reply, "")) < 0)
    return r;
  captured_clear (&captured[slot]);
  r = record (&captured[slot], reply);
  sd_bus_message_unref (reply);
  return r < 0 ? r : sd_bus_reply_method_return (m, NULL);
}

/* sd-bus holds a reply to the signature its vtable declares, so each
 * kind of captured reply gets a method of its own. */
static int
replay (sd_bus_message *m, uint32_t slot, sd_bus_error *error)
{
  Captured *c = &captured[slot];
  sd_bus_message *reply = NULL;
  int r;

  if (c->n == 0)
    return sd_bus_error_set (error, SD_BUS_ERROR_INVALID_ARGS, "nothing captured");
  if ((r = sd_bus_message_new_method_return (m, &reply)) < 0)
    return r;
  for (size_t i = 0; r >= 0 && i < c->n; i++)
    {
      Append *a = &c->appends[i];

      if (a->op == 'o')
        r = sd_bus_message_open_container (reply, a->type, a->contents);
      else if (a->op == 'c')
        r = sd_bus_message_close_container (reply);
      else
        r = sd_bus_message_append_basic (reply, a->type,
                                         strchr ("sog", a->type) ? (const void *) a->value.s
                                                                 : (const void *) &a->value);
    }
  if (r >= 0)
    r = sd_bus_send (NULL, reply, NULL);
  sd_bus_message_unref (reply);
  return r;
}

static int
method_replay_map (sd_bus_message *m, void *userdata, sd_bus_error *error)
{
  return replay (m, FLOOR_SLOT_MAP, error);
}

static int
method_replay_objects (sd_bus_message *m, void *userdata, sd_bus_error *error)
{
  return replay (m, FLOOR_SLOT_OBJECTS, error);
}

static const sd_bus_vtable floor_vtable[] = {
  SD_BUS_VTABLE_START (0),
  SD_BUS_METHOD ("Noop", "", "", method_noop, SD_BUS_VTABLE_UNPRIVILEGED),
  SD_BUS_METHOD ("Update", "a{ss}", "", method_update, SD_BUS_VTABLE_UNPRIVILEGED),
  SD_BUS_METHOD ("Capture", "ussss", "", method_capture, SD_BUS_VTABLE_UNPRIVILEGED),
  SD_BUS_METHOD ("ReplayMap", "", "a{sas}", method_replay_map, SD_BUS_VTABLE_UNPRIVILEGED),
  SD_BUS_METHOD ("ReplayObjects", "", "a{oa{sa{sv}}}", method_replay_objects,
                 SD_BUS_VTABLE_UNPRIVILEGED),
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
