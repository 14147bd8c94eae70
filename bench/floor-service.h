/* floor-service.h: where the floor service (floor-service.c) answers.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#define FLOOR_NAME "org.juju.GlusterPeer.BenchFloor"
#define FLOOR_PATH "/org/juju/GlusterPeer/BenchFloor"
#define FLOOR_INTERFACE "org.juju.GlusterPeer.BenchFloor"
/* Capture's slots: a BrickMap reply, a GetManagedObjects reply. */
#define FLOOR_SLOT_MAP 0
#define FLOOR_SLOT_OBJECTS 1
/* floor-gdbus.c: the same method on a minimal GDBus service. */
#define FLOOR_GDBUS_NAME "org.juju.GlusterPeer.BenchFloorGDBus"
/* floor-peerd.c: gluster-peerd's UnitChanged, the least of it. */
#define FLOOR_PEERD_NAME "org.juju.GlusterPeer.BenchFloorPeerd"
