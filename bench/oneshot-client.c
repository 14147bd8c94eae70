/* oneshot-client: the least a process can do to call UnitChanged, the
 * reference the P3 benchmark shows next to busctl and gluster-peerctl.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 *   oneshot-client RELATION UNIT [KEY=VALUE...]
 *
 * Connects to the system bus ($DBUS_SYSTEM_BUS_ADDRESS), calls
 * org.juju.GlusterPeer.Manager.UnitChanged with the pairs as the data bag,
 * prints the unit's object path and exits 0; 1 when the call fails.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-bus.h>

static int
fail (const char *what, int r)
{
  fprintf (stderr, "oneshot-client: %s: %s\n", what, strerror (-r));
  return EXIT_FAILURE;
}

int
main (int argc, char **argv)
{
  sd_bus_error error = SD_BUS_ERROR_NULL;
  sd_bus_message *m = NULL, *reply = NULL;
  sd_bus *bus = NULL;
  const char *path;
  int i, r;

  if (argc < 3)
    {
      fprintf (stderr, "usage: oneshot-client RELATION UNIT [KEY=VALUE...]\n");
      return 2;
    }
  if ((r = sd_bus_open_system (&bus)) < 0)
    return fail ("connect", r);
  if ((r = sd_bus_message_new_method_call (bus, &m, "org.juju.GlusterPeer",
                                           "/org/juju/GlusterPeer",
                                           "org.juju.GlusterPeer.Manager",
                                           "UnitChanged")) < 0 ||
      (r = sd_bus_message_append (m, "ss", argv[1], argv[2])) < 0 ||
      (r = sd_bus_message_open_container (m, 'a', "{ss}")) < 0)
    return fail ("message", r);
  for (i = 3; i < argc; i++)
    {
      char *eq = strchr (argv[i], '=');

      if (eq == NULL)
        {
          fprintf (stderr, "oneshot-client: %s is not KEY=VALUE\n", argv[i]);
          return 2;
        }
      *eq = '\0';
      if ((r = sd_bus_message_append (m, "{ss}", argv[i], eq + 1)) < 0)
        return fail ("message", r);
    }
  if ((r = sd_bus_message_close_container (m)) < 0)
    return fail ("message", r);
  if ((r = sd_bus_call (bus, m, 0, &error, &reply)) < 0)
    {
      fprintf (stderr, "oneshot-client: UnitChanged: %s\n",
               error.message ? error.message : strerror (-r));
      return EXIT_FAILURE;
    }
  if ((r = sd_bus_message_read (reply, "o", &path)) < 0)
    return fail ("reply", r);
  printf ("%s\n", path);
  sd_bus_message_unref (reply);
  sd_bus_message_unref (m);
  sd_bus_flush_close_unref (bus);
  return EXIT_SUCCESS;
}
