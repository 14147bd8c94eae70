#!/usr/bin/env bash
# test-gluster.sh: VolumeBricks as a real glusterd takes it.
#
# Three gluster servers, each a glusterd of its own in a network namespace
# this test creates, joined by veth pairs to a bridge in a fourth namespace
# of its own: nothing is added to, or leaves through, the host's network.
# Addresses come from the documentation ranges only (198.51.100.0/24,
# 2001:db8::/64). Each glusterd runs in the private mount namespace of
# `ip netns exec`, with its own /run, /var/lib/glusterd and
# /var/log/glusterfs, and its bricks on a tmpfs mounted there before it
# starts: three hosts, as gluster sees them.
#
# gluster-peerd runs on a private bus with the project's policy and is fed
# the units as the hooks would (UnitJoined, UnitChanged, SetLocalUnit);
# `gluster-peerctl volume-bricks` then goes to `gluster volume create`
# without `force`, and `volume start`, for replica 1, 2 and 3 over hosts
# with uneven brick counts, units sharing one address (with a duplicate
# export), ingress-address differing from private-address, and IPv6 (a
# second set of glusterds with transport.address-family inet6, units
# writing their addresses in brackets). `gluster volume info --xml` must show
# every replica set on distinct servers. A relation too small for replica
# 3 and one mixing IPv4 and IPv6 must be refused by the service.
#
# Everything started here is stopped by PID (the processes of the test's
# own namespaces, the bus and the daemon), and the namespaces, their
# mounts and the temporary directory are removed, also on failure.
# Exits 77 only where it cannot run: not root, no glusterd, no network
# namespaces.
#
#   GP_DAEMON, GP_PEERCTL, GP_SOURCE_DIR   set by meson (tests/meson.build)
#
# SPDX-License-Identifier: GPL-2.0-or-later
set -uo pipefail

daemon=${GP_DAEMON:?GP_DAEMON not set}
peerctl=${GP_PEERCTL:?GP_PEERCTL not set}
source_dir=${GP_SOURCE_DIR:?GP_SOURCE_DIR not set}
n_hosts=3
step_timeout=60 # seconds for any one gluster command

skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "needs root (network namespaces, mounts, glusterd)"
for tool in glusterd gluster ip nsenter dbus-daemon busctl python3; do
  command -v "$tool" >/dev/null 2>&1 ||
    skip "$tool not found (scripts/bootstrap installs glusterfs-server, iproute2, dbus, python3)"
done

tag=gp-test-$$
work=$(mktemp -d /tmp/gp-gluster.XXXXXX)
namespaces=()
pids=() # the bus and gluster-peerd
n=0
failed=0

# --- clean-up --------------------------------------------------------------

# Every process in the test's own namespaces is one it started (glusterd,
# and the glusterfsd/glustershd glusterd spawned): TERM, then KILL.
stop_namespace_processes() {
  local ns pid i
  for ns in "${namespaces[@]}"; do
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -TERM "$pid" 2>/dev/null; done
  done
  for ((i = 0; i < 50; i++)); do
    local left=0
    for ns in "${namespaces[@]}"; do
      [ -n "$(ip netns pids "$ns" 2>/dev/null)" ] && left=1
    done
    [ $left = 0 ] && return 0
    sleep 0.1
  done
  for ns in "${namespaces[@]}"; do
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null; done
  done
  sleep 0.2
}

cleanup() {
  local status=$? i ns
  stop_namespace_processes
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    kill -TERM "${pids[i]}" 2>/dev/null
    wait "${pids[i]}" 2>/dev/null
  done
  # The mounts live in the glusterds' mount namespaces and went with them.
  for ns in "${namespaces[@]}"; do ip netns del "$ns" 2>/dev/null; done
  if [ "$status" != 0 ] && [ "$status" != 77 ]; then
    for log in "$work"/h*/log/glusterd.log "$work"/peerd.log; do
      [ -f "$log" ] && { echo "# --- tail of $log"; tail -n 15 "$log" | sed 's/^/# /'; }
    done
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- reporting -------------------------------------------------------------

ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=1; echo "not ok $n - $*"; }
bail() { echo "Bail out! $*"; exit 1; }

# --- the network: a bridge namespace and one namespace per host ------------

ipv4() { echo "198.51.100.$1"; }
ipv6() { echo "2001:db8::$1"; }

make_network() {
  local bridge=$tag i ns
  ip netns add "$bridge" 2>/dev/null || skip "cannot create a network namespace (ip netns add)"
  namespaces+=("$bridge")
  ip -n "$bridge" link add br0 type bridge &&
    ip -n "$bridge" link set br0 up || bail "bridge in $bridge"
  for ((i = 1; i <= n_hosts; i++)); do
    ns=$tag-h$i
    ip netns add "$ns" || bail "ip netns add $ns"
    namespaces+=("$ns")
    # Both ends are created inside the test's namespaces, never the host's.
    ip -n "$bridge" link add "v$i" type veth peer name eth0 netns "$ns" &&
      ip -n "$bridge" link set "v$i" master br0 up &&
      ip -n "$ns" link set lo up &&
      ip -n "$ns" addr add "$(ipv4 "$i")/24" dev eth0 &&
      ip -n "$ns" addr add "$(ipv6 "$i")/64" dev eth0 nodad &&
      ip -n "$ns" link set eth0 up || bail "network of $ns"
  done
}

# --- glusterd, one per host ------------------------------------------------

glusterd_pid() { cat "$work/h$1/glusterd.pid" 2>/dev/null; }

# gluster CLI of host $1, in its glusterd's namespaces (its socket is in
# that glusterd's private /run).
gl() {
  local host=$1
  shift
  timeout "$step_timeout" nsenter -t "$(glusterd_pid "$host")" -m -n \
    gluster --mode=script --timeout="$step_timeout" "$@"
}

# Runs on host $1, as root of its mount namespace.
on_host() {
  local host=$1
  shift
  nsenter -t "$(glusterd_pid "$host")" -m -n "$@"
}

# start_glusterds FAMILY (inet or inet6): fresh state on every host.
start_glusterds() {
  local family=$1 i d
  for ((i = 1; i <= n_hosts; i++)); do
    d=$work/h$i
    rm -rf "$d"
    mkdir -p "$d/lib" "$d/log" "$work/bricks"
    # Debian's glusterd.vol, with the family; glusterd refuses to probe
    # when the keepalive and tcp-user-timeout options are missing.
    cat >"$d/glusterd.vol" <<EOF
volume management
    type mgmt/glusterd
    option working-directory /var/lib/glusterd
    option transport-type socket
    option transport.address-family $family
    option transport.socket.keepalive-time 10
    option transport.socket.keepalive-interval 2
    option transport.tcp-user-timeout 0
    option transport.socket.read-fail-log off
    option transport.socket.listen-port 24007
    option ping-timeout 0
    option event-threads 1
end-volume
EOF
    # ip netns exec gives the command a mount namespace of its own whose
    # mounts do not propagate back: /run, the state and log directories
    # and the bricks' tmpfs exist for this glusterd and its children only.
    ip netns exec "$tag-h$i" sh -c '
      mount -t tmpfs -o mode=0755 gp-run /run && mkdir -p /run/gluster &&
      mount --bind "$1/lib" /var/lib/glusterd &&
      mount --bind "$1/log" /var/log/glusterfs &&
      mount -t tmpfs -o size=64m,mode=0755 gp-bricks "$2" &&
      exec glusterd -N -f "$1/glusterd.vol" -p "$1/glusterd.pid" \
        --log-file="$1/log/glusterd.log"' sh "$d" "$work/bricks" \
      </dev/null >"$d/out" 2>&1 &
  done
  for ((i = 1; i <= n_hosts; i++)); do
    wait_for "glusterd on host $i answers" 30 gl "$i" pool list ||
      bail "glusterd on host $i did not start: $(cat "$work/h$i/out")"
  done
}

# wait_for WHAT SECONDS COMMAND...: polls COMMAND until it succeeds.
wait_for() {
  local what=$1 seconds=$2 i
  shift 2
  for ((i = 0; i < seconds * 5; i++)); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  echo "# timed out: $what"
  return 1
}

all_connected() {
  local out
  out=$(gl 1 pool list) || return 1
  [ "$(grep -c Connected <<<"$out")" = "$n_hosts" ]
}

# probe_peers ADDRESS_OF: host 1 probes the others, as the leader would.
probe_peers() {
  local addr=$1 i
  for ((i = 2; i <= n_hosts; i++)); do
    gl 1 peer probe "$("$addr" "$i")" >/dev/null || bail "peer probe $("$addr" "$i")"
  done
  wait_for "every peer connected" 60 all_connected || bail "peers did not connect"
}

# --- gluster-peerd on a private bus ----------------------------------------

start_service() {
  local address
  sed -e "s|@GP_LISTEN_ADDRESS@|unix:path=$work/bus|" \
      -e "s|@GP_POLICY_FILE@|$source_dir/data/org.juju.GlusterPeer.conf|" \
      "$source_dir/tests/bus.conf.in" >"$work/bus.conf"
  mkfifo "$work/bus-address"
  dbus-daemon --config-file="$work/bus.conf" --nofork --print-address=3 \
    3>"$work/bus-address" </dev/null >"$work/bus.log" 2>&1 &
  pids+=($!)
  read -r -t 10 address <"$work/bus-address" || bail "dbus-daemon did not start"
  export DBUS_SYSTEM_BUS_ADDRESS=$address
  export DBUS_SESSION_BUS_ADDRESS=$address
  "$daemon" --state-dir "$work/state" </dev/null >"$work/peerd.log" 2>&1 &
  pids+=($!)
  wait_for "gluster-peerd on the bus" 10 \
    busctl --address="$address" status org.juju.GlusterPeer || bail "gluster-peerd did not start"
}

manager() {
  busctl --address="$DBUS_SYSTEM_BUS_ADDRESS" call org.juju.GlusterPeer \
    /org/juju/GlusterPeer org.juju.GlusterPeer.Manager "$@" >/dev/null
}

# bag KEY=VALUE...: busctl's a{ss} arguments.
bag() {
  local kv
  echo "$#"
  for kv in "$@"; do printf '%s\n%s\n' "${kv%%=*}" "${kv#*=}"; done
}

# json_list BRICK...: a "bricks" value as charm-glusterfs publishes it.
json_list() { python3 -c 'import json,sys; print(json.dumps(sys.argv[1:]))' "$@"; }

# unit RELATION UNIT KEY=VALUE...: relation-joined, then relation-changed
# with the unit's whole data bag, as Juju runs them.
unit() {
  local relation=$1 name=$2
  shift 2
  local -a args
  mapfile -t args < <(bag "$@")
  manager UnitJoined ss "$relation" "$name" &&
    manager UnitChanged 'ssa{ss}' "$relation" "$name" "${args[@]}" ||
    bail "UnitChanged $relation $name"
}

# local_unit RELATION UNIT KEY=VALUE...: this unit's own bag (relation-created).
local_unit() {
  local relation=$1 name=$2
  shift 2
  local -a args
  mapfile -t args < <(bag "$@")
  manager RelationCreated s "$relation" || bail "RelationCreated $relation"
  busctl --address="$DBUS_SYSTEM_BUS_ADDRESS" call org.juju.GlusterPeer \
    "/org/juju/GlusterPeer/$relation" org.juju.GlusterPeer.Relation SetLocalUnit \
    'sa{ss}' "$name" "${args[@]}" >/dev/null || bail "SetLocalUnit $relation $name"
}

# --- volumes ---------------------------------------------------------------

# check_volume NAME REPLICA BRICK...: volume info lists exactly these
# bricks, in this order, with every replica set on distinct servers (by
# glusterd UUID and by address).
check_volume() {
  local name=$1 replica=$2
  shift 2
  gl 1 volume info "$name" --xml | python3 -c '
import sys, xml.etree.ElementTree as ET
replica, expected = int(sys.argv[1]), sys.argv[2:]
volume = ET.parse(sys.stdin).getroot().find("volInfo/volumes/volume")
bricks = [(b.findtext("name"), b.findtext("hostUuid")) for b in volume.iter("brick")]
names = [b[0] for b in bricks]
if names != expected:
    sys.exit("bricks %s, expected %s" % (names, expected))
if int(volume.findtext("replicaCount")) != replica:
    sys.exit("replica count %s" % volume.findtext("replicaCount"))
for i in range(0, len(bricks), replica):
    group = bricks[i:i + replica]
    hosts = {b[0].rsplit(":", 1)[0] for b in group}
    uuids = {b[1] for b in group}
    if len(hosts) != replica or len(uuids) != replica:
        sys.exit("replica set %s is not on %d distinct servers" % (group, replica))
' "$replica" "$@"
}

# volume_round RELATION REPLICA EXPECTED_COUNT: volume-bricks, then create
# (without force), start, check; then stop, delete and wipe the bricks, so
# the next round may use them again.
volume_round() {
  local relation=$1 replica=$2 count=$3 name=gv-$1-$2 out brick host i
  local -a bricks
  if ! out=$("$peerctl" --relation "$relation" volume-bricks --replica "$replica" 2>&1); then
    not_ok "$relation: volume-bricks --replica $replica: $out"
    return
  fi
  mapfile -t bricks <<<"$out"
  if [ "${#bricks[@]}" != "$count" ]; then
    not_ok "$relation: replica $replica gave ${#bricks[@]} bricks, expected $count: ${bricks[*]}"
    return
  fi
  # The charm prepares its brick directories' parents on each host.
  for brick in "${bricks[@]}"; do
    for ((i = 1; i <= n_hosts; i++)); do
      host=${brick%:*}
      if [ "$host" = "$(ipv4 "$i")" ] || [ "$host" = "$(ipv6 "$i")" ]; then
        on_host "$i" mkdir -p "$(dirname "${brick##*:}")"
      fi
    done
  done
  # Replica 1 is a plain distributed volume: gluster takes no "replica 1".
  local -a layout=()
  [ "$replica" -gt 1 ] && layout=(replica "$replica")
  if ! out=$(gl 1 volume create "$name" "${layout[@]}" "${bricks[@]}" 2>&1); then
    not_ok "$relation: gluster volume create $name ${layout[*]} ${bricks[*]}: $out"
  elif ! out=$(gl 1 volume start "$name" 2>&1); then
    not_ok "$relation: gluster volume start $name: $out"
  elif ! out=$(check_volume "$name" "$replica" "${bricks[@]}" 2>&1); then
    not_ok "$relation: volume info of $name: $out"
  else
    ok "$relation: replica $replica, ${#bricks[@]} bricks, created and started without force"
  fi
  gl 1 volume stop "$name" >/dev/null 2>&1
  gl 1 volume delete "$name" >/dev/null 2>&1
  for ((i = 1; i <= n_hosts; i++)); do on_host "$i" sh -c "rm -rf '$work'/bricks/*"; done
}

# refused RELATION REPLICA PATTERN: volume-bricks fails saying PATTERN.
refused() {
  local relation=$1 replica=$2 pattern=$3 out
  if out=$("$peerctl" --relation "$relation" volume-bricks --replica "$replica" 2>&1); then
    not_ok "$relation: replica $replica must be refused, gave: $out"
  elif ! grep -q -- "$pattern" <<<"$out"; then
    not_ok "$relation: replica $replica refused without “$pattern”: $out"
  else
    ok "$relation: replica $replica refused: $(head -n 1 <<<"$out")"
  fi
}

# --- the relations the service is fed ---------------------------------------

b=$work/bricks

# Uneven hosts: 3, 1 and 2 bricks. Juju's private-address is an address
# gluster does not listen on; ingress-address is the one to use, as
# Address shows it.
feed_uneven() {
  local r=uneven
  local_unit $r glusterfs/0 private-address=198.51.100.201 ingress-address="$(ipv4 1)" \
    bricks="$(json_list "$b/u0/b1" "$b/u0/b2" "$b/u0/b3")"
  unit $r glusterfs/1 private-address=198.51.100.202 ingress-address="$(ipv4 2)" \
    bricks="$(json_list "$b/u1/b1")"
  unit $r glusterfs/2 private-address=198.51.100.203 ingress-address="$(ipv4 3)" \
    bricks="$(json_list "$b/u2/b1" "$b/u2/b2")"
}

# Two units on host 2, one advertising the other's brick too (a duplicate
# export gluster refuses even with force).
feed_co_located() {
  local r=colocated
  local_unit $r glusterfs/0 private-address="$(ipv4 1)" bricks="$(json_list "$b/u0/c1")"
  unit $r glusterfs/1 private-address="$(ipv4 2)" bricks="$(json_list "$b/u1/c1")"
  unit $r glusterfs/2 private-address="$(ipv4 2)" bricks="$(json_list "$b/u2/c1" "$b/u1/c1")"
  unit $r glusterfs/3 private-address="$(ipv4 3)" bricks="$(json_list "$b/u3/c1")"
}

# Three units, two addresses: no replica-3 layout exists.
feed_two_hosts() {
  local r=twohosts
  local_unit $r glusterfs/0 private-address="$(ipv4 1)" bricks="$(json_list "$b/u0/d1")"
  unit $r glusterfs/1 private-address="$(ipv4 2)" bricks="$(json_list "$b/u1/d1")"
  unit $r glusterfs/2 private-address="$(ipv4 2)" bricks="$(json_list "$b/u2/d1")"
}

feed_mixed() {
  local r=mixed
  local_unit $r glusterfs/0 private-address="$(ipv4 1)" bricks="$(json_list "$b/u0/m1")"
  unit $r glusterfs/1 private-address="$(ipv6 2)" bricks="$(json_list "$b/u1/m1")"
}

# IPv6, this unit and a peer writing their addresses in brackets.
feed_ipv6() {
  local r=ipv6
  local_unit $r glusterfs/0 private-address="[$(ipv6 1)]" \
    bricks="$(json_list "$b/u0/e1" "$b/u0/e2")"
  unit $r glusterfs/1 private-address="[$(ipv6 2)]" bricks="$(json_list "$b/u1/e1")"
  unit $r glusterfs/2 private-address="$(ipv6 3)" \
    bricks="$(json_list "$b/u2/e1" "$b/u2/e2" "$b/u2/e3")"
}

# --- the test --------------------------------------------------------------

echo "# work directory $work, namespaces $tag-*"
make_network
start_service
feed_uneven
feed_co_located
feed_two_hosts
feed_mixed
feed_ipv6

peer_property() { # RELATION UNIT_PATH_NAME PROPERTY
  busctl --address="$DBUS_SYSTEM_BUS_ADDRESS" get-property org.juju.GlusterPeer \
    "/org/juju/GlusterPeer/$1/$2" org.juju.GlusterPeer "$3"
}
got=$(peer_property ipv6 glusterfs_2f1 Address)/$(peer_property ipv6 glusterfs_2f1 Problems)
if [ "$got" = "s \"$(ipv6 2)\"/as 0" ]; then
  ok "ipv6: [$(ipv6 2)] is Address $(ipv6 2), no problem"
else
  not_ok "ipv6: Address/Problems of glusterfs/1: $got"
fi
refused twohosts 3 "InsufficientPeers\|distinct host"
refused mixed 1 "IPv4 (198.51.100.1) and IPv6 (2001:db8::2)"

start_glusterds inet
probe_peers ipv4
ok "three glusterds (IPv4) in a trusted pool"
# uneven: 3+1+2 bricks: replica 2 fits 3 sets, replica 3 one.
volume_round uneven 1 6
volume_round uneven 2 6
volume_round uneven 3 3
# co-located: hosts hold 1, 2 (3 advertised, one twice) and 1 bricks.
volume_round colocated 1 4
volume_round colocated 2 4
volume_round colocated 3 3
stop_namespace_processes

start_glusterds inet6
probe_peers ipv6
ok "three glusterds (IPv6, transport.address-family inet6) in a trusted pool"
# ipv6: 2+1+3 bricks.
volume_round ipv6 1 6
volume_round ipv6 2 6
volume_round ipv6 3 3

echo "1..$n"
exit $failed
