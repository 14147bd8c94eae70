#!/bin/bash
# system-boot-scenario.sh: the checks of tests/test-system-boot.sh, run
# INSIDE the container, as a systemd service, with systemd as PID 1 and the
# real system bus (dbus-daemon or dbus-broker). Only black-box behaviour:
# systemctl, the bus (busctl, dbus-send) and the state that survives.
#
# Writes TAP lines without numbers ("ok - ...", "not ok - ...") to
# $GP_IO/tap, the journal of the unit and the bus to $GP_IO/journal, and
# exits 0 when every check passed, 1 otherwise; SuccessAction= and
# FailureAction= of its unit hand that status to systemd-nspawn.
#
# Environment (set by its unit): GP_IO, GP_BUS (dbus-daemon or
# dbus-broker), GP_UNIT_PATH (the installed unit file), GP_VERSION.
#
# SPDX-License-Identifier: GPL-2.0-or-later
set -uo pipefail

: "${GP_IO:?}" "${GP_BUS:?}" "${GP_UNIT_PATH:?}" "${GP_VERSION:?}"
tap=$GP_IO/tap
unit=gluster-peerd.service
name=org.juju.GlusterPeer
manager=/org/juju/GlusterPeer
relation=$manager/server
peer=$relation/glusterfs_2f1
watchdog_sec=3 # the drop-in's WatchdogSec=, short enough to see several periods
nobody_uid=65534

failed=0
# The journal for tests/test-system-boot.sh, however this script ends.
trap 'journalctl -b -u $unit -u dbus.service -u gp-system-test.service --no-pager >"$GP_IO/journal" 2>&1' EXIT
ok() { echo "ok - $*" >>"$tap"; }
not_ok() { failed=$((failed + 1)); echo "not ok - $*" >>"$tap"; }
diag() { sed 's/^/# /' >>"$tap"; }
check() { # check DESCRIPTION COMMAND...
  local what=$1
  shift
  if "$@"; then ok "$what"; else not_ok "$what"; fi
}
# expect DESCRIPTION WANTED ACTUAL: equality, with both shown on failure
expect() {
  if [ "$2" = "$3" ]; then
    ok "$1"
  else
    not_ok "$1"
    printf 'wanted: %s\ngot:    %s\n' "$2" "$3" | diag
  fi
}
# expect_match DESCRIPTION EXTENDED-REGEX ACTUAL
expect_match() {
  if grep -qE -- "$2" <<<"$3"; then
    ok "$1"
  else
    not_ok "$1"
    printf 'wanted: /%s/\ngot:    %s\n' "$2" "$3" | diag
  fi
}

prop() { systemctl show -P "$1" "$unit"; }
# wait_until SECONDS COMMAND...: polls COMMAND every 0.1 s
wait_until() {
  local tries=$(($1 * 10))
  shift
  until "$@"; do
    tries=$((tries - 1))
    [ "$tries" -gt 0 ] || return 1
    sleep 0.1
  done
}
is_state() { [ "$(prop ActiveState)" = "$1" ]; }
status_is() { [ "$(prop StatusText)" = "$1" ]; }
# restarted_from PID: running again, under another main pid
restarted_from() { is_state active && [ "$(prop MainPID)" != "$1" ] && [ "$(prop MainPID)" != 0 ]; }
# signal_main SIGNAL PID: never pid 0, which is this script's process group
signal_main() { [ "${2:-0}" -gt 0 ] && kill -s "$1" "$2"; }
as_nobody() { setpriv --reuid=$nobody_uid --regid=$nobody_uid --clear-groups "$@"; }
name_has_owner() {
  busctl call org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus \
    NameHasOwner s "$name" 2>&1
}
relations() { busctl get-property "$name" $manager $name.Manager Relations 2>&1; }
peer_bricks() { busctl get-property "$name" "$peer" $name Bricks 2>&1; }

# ---- the system bus ---------------------------------------------------------
# dbus.service is dbus-daemon's unit on Debian 12, or dbus-broker.service
# through the Alias= symlink in /etc (what `systemctl enable dbus-broker`
# makes); the executable of its main process tells which bus really runs.
# The bus is socket-activated: a first call starts it.
busctl list >/dev/null 2>&1
bus_pid=$(systemctl show -P MainPID dbus.service)
bus_exe=$(readlink "/proc/$bus_pid/exe" 2>&1)
case $GP_BUS in
  dbus-broker) expect "the system bus is dbus-broker" /usr/bin/dbus-broker-launch "$bus_exe" ;;
  *) expect "the system bus is dbus-daemon" /usr/bin/dbus-daemon "$bus_exe" ;;
esac

# ---- start --------------------------------------------------------------------
# Debian 12 looks in /lib/systemd/system first: the same directory, /lib
# being a link to usr/lib.
fragment=$(prop FragmentPath)
if [ "$fragment" -ef "$GP_UNIT_PATH" ]; then
  ok "systemd loads the installed unit ($fragment)"
else
  not_ok "systemd loads the installed unit ($GP_UNIT_PATH)"
  echo "got: $fragment" | diag
fi
start_log=$(systemctl start $unit 2>&1)
check "systemctl start (Type=notify: returns after READY=1)" is_state active
[ -n "$start_log" ] && diag <<<"$start_log"
# WatchdogUSec is the running service's watchdog (infinity before a start).
expect_match "the installed unit arms a watchdog (WatchdogSec=)" '^[1-9]' "$(prop WatchdogUSec)"
systemctl stop $unit
# A shorter watchdog, as an administrator would set it, so that several
# periods fit in this test; the daemon takes its period from WATCHDOG_USEC.
mkdir -p /etc/systemd/system/$unit.d
printf '[Service]\nWatchdogSec=%s\n' $watchdog_sec >/etc/systemd/system/$unit.d/watchdog.conf
systemctl daemon-reload
systemctl start $unit
check "started again with a drop-in" is_state active
expect "the drop-in shortens the watchdog to ${watchdog_sec}s" ${watchdog_sec}s "$(prop WatchdogUSec)"
main_pid=$(prop MainPID)
# (no awk in the container: /usr/bin/awk is a link through /etc/alternatives)
owner=$(busctl call org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus \
  GetConnectionUnixProcessID s "$name" 2>&1)
owner_pid=${owner#u }
expect "the unit's main process owns $name" "$main_pid" "$owner_pid"
started_at=$SECONDS
wait_until 2 status_is "Serving 0 relations, 0 units, 0 bricks"
expect "StatusText (STATUS=) after start" "Serving 0 relations, 0 units, 0 bricks" \
  "$(prop StatusText)"
caps=$(sed -n 's/^CapEff:[[:space:]]*//p' "/proc/$main_pid/status" 2>&1)
expect "the daemon runs without capabilities (CapabilityBoundingSet=)" 0000000000000000 "$caps"

# ---- calls as root ------------------------------------------------------------
out=$(busctl call "$name" $manager $name.Manager RelationCreated s server 2>&1)
expect "root: Manager.RelationCreated server" "o \"$relation\"" "$out"
out=$(busctl call "$name" $manager $name.Manager UnitChanged 'ssa{ss}' server glusterfs/1 \
        2 private-address 10.0.0.1 bricks '["/srv/b1","/srv/b2"]' 2>&1)
expect "root: Manager.UnitChanged server glusterfs/1" "o \"$peer\"" "$out"
expect "root: the Relations property" "ao 1 \"$relation\"" "$(relations)"
expect "root: the unit's Bricks property" 'as 2 "/srv/b1" "/srv/b2"' "$(peer_bricks)"
wait_until 5 status_is "Serving 1 relation, 1 unit, 2 bricks"
expect "StatusText follows the calls" "Serving 1 relation, 1 unit, 2 bricks" "$(prop StatusText)"

# ---- as nobody ----------------------------------------------------------------
# dbus-send prints the D-Bus error name, busctl only its message.
out=$(as_nobody dbus-send --system --print-reply --dest="$name" $manager \
        $name.Manager.RelationCreated string:intruder 2>&1)
expect_match "nobody: Manager.RelationCreated is refused (AccessDenied)" \
  '^Error org\.freedesktop\.DBus\.Error\.AccessDenied' "$out"
out=$(as_nobody dbus-send --system --print-reply --dest="$name" "$relation" \
        $name.Relation.ClearState string:departed 2>&1)
expect_match "nobody: Relation.ClearState is refused (AccessDenied)" \
  '^Error org\.freedesktop\.DBus\.Error\.AccessDenied' "$out"
expect "nobody changed nothing" "ao 1 \"$relation\"" "$(relations)"
out=$(as_nobody busctl get-property "$name" $manager $name.Manager Version 2>&1)
expect "nobody: reads the Version property" "s \"$GP_VERSION\"" "$out"
out=$(as_nobody busctl introspect --xml-interface "$name" $manager 2>&1)
expect_match "nobody: introspects" "<interface name=\"$name\\.Manager\">" "$out"
out=$(as_nobody busctl call "$name" $manager org.freedesktop.DBus.ObjectManager \
        GetManagedObjects 2>&1)
expect_match "nobody: GetManagedObjects lists the unit" "\"$peer\"" "$out"
out=$(as_nobody busctl call "$name" "$relation" $name.Relation BrickMap 2>&1)
expect "nobody: Relation.BrickMap (a query)" \
  'a{sas} 1 "glusterfs-1" 2 "/srv/b1" "/srv/b2"' "$out"

# ---- the watchdog -------------------------------------------------------------
# systemd stamps WatchdogTimestamp on every WATCHDOG=1: it advances while
# the daemon idles, and the daemon outlives several periods.
stamp=$(prop WatchdogTimestampMonotonic)
sleep $((watchdog_sec + 1))
check "the daemon pings the watchdog (WatchdogTimestamp advances)" \
  test "$(prop WatchdogTimestampMonotonic)" -gt "${stamp:-0}"
left=$((started_at + 4 * watchdog_sec + 1 - SECONDS))
[ "$left" -gt 0 ] && sleep "$left"
check "the daemon lives through 4 watchdog periods, not restarted" \
  test "$(prop MainPID)" = "$main_pid" -a "$(prop NRestarts)" = 0
# A daemon that stops pinging is killed and restarted: the watchdog is armed.
signal_main STOP "$main_pid"
if wait_until $((watchdog_sec * 5)) restarted_from "$main_pid"; then
  ok "a stopped daemon (SIGSTOP) is killed by the watchdog and restarted"
else
  not_ok "a stopped daemon (SIGSTOP) is killed by the watchdog and restarted"
  signal_main CONT "$main_pid" 2>/dev/null
fi
journalctl -b -u $unit -o cat --no-pager | grep -qi 'watchdog timeout'
check "systemd logs the watchdog timeout" test $? -eq 0

# ---- kill -9: systemd restarts it with its state --------------------------------
main_pid=$(prop MainPID)
restarts=$(prop NRestarts)
signal_main KILL "$main_pid"
check "kill -9: systemd restarts the daemon (Restart=on-failure)" \
  wait_until 15 restarted_from "$main_pid"
expect "kill -9: NRestarts counts it" $((restarts + 1)) "$(prop NRestarts)"
expect "kill -9: the relation is still there" "ao 1 \"$relation\"" "$(relations)"
expect "kill -9: the unit's bricks are still there" 'as 2 "/srv/b1" "/srv/b2"' "$(peer_bricks)"
wait_until 2 status_is "Serving 1 relation, 1 unit, 2 bricks"
expect "kill -9: StatusText counts the state it came back with" \
  "Serving 1 relation, 1 unit, 2 bricks" "$(prop StatusText)"

# ---- stop -----------------------------------------------------------------------
systemctl stop $unit
check "systemctl stop" is_state inactive
expect "stop: the daemon exited 0 on SIGTERM" 0 "$(prop ExecMainStatus)"
expect "stop: the name is released" "b false" "$(name_has_owner)"

# ---- D-Bus activation -----------------------------------------------------------
# The bus starts gluster-peerd.service (SystemdService= of the installed
# activation file) for a call to the name; busctl asks for auto-start.
# The bus answers once the name is owned, systemd marks the unit active
# once it has read READY=1: the two race, hence the wait.
expect "activation: a root call starts it and is answered" "ao 1 \"$relation\"" "$(relations)"
check "activation: the unit is active" wait_until 5 is_state active
systemctl stop $unit
out=$(as_nobody busctl get-property "$name" $manager $name.Manager Version 2>&1)
expect "activation: a query by nobody starts it too" "s \"$GP_VERSION\"" "$out"
check "activation by nobody: the unit is active" wait_until 5 is_state active
systemctl stop $unit

[ "$failed" -eq 0 ]
