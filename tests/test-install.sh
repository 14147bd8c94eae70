#!/usr/bin/env bash
# test-install.sh: `meson install` into a DESTDIR puts every file where the
# system expects it, and the installed pieces work together:
#   - the daemon in libexecdir, runnable
#   - the bus policy in the dbus-1 system.d directory, loaded by a
#     dbus-daemon configured like the system bus (includedir, as system.conf)
#   - the activation file in system-services, with Exec= and SystemdService=
#     right, listed by that dbus-daemon as activatable
#   - the systemd unit with the right ExecStart=, passing
#     `systemd-analyze verify` with its Documentation= man pages found in
#     the installed tree
#   - the introspection XML in dbus-1/interfaces, the man pages, the API
#     reference in the doc directory
#   - as root: the installed daemon owns its name on that bus under the
#     installed policy and answers
# TAP output. The paths come from tests/meson.build (GP_INST_*), the
# meson command from MESON.
#
# SPDX-License-Identifier: GPL-2.0-or-later
set -uo pipefail

: "${GP_BUILD_DIR:?}" "${GP_SOURCE_DIR:?}" "${GP_VERSION:?}"
: "${GP_INST_LIBEXECDIR:?}" "${GP_INST_BINDIR:?}" "${GP_INST_MANDIR:?}" "${GP_INST_DOCDIR:?}"
: "${GP_INST_POLICY_DIR:?}" "${GP_INST_SERVICES_DIR:?}" "${GP_INST_INTERFACES_DIR:?}"
: "${GP_INST_UNIT_DIR:?}"
meson=${MESON:-meson}

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
diag() { sed 's/^/# /'; }
check() { # check DESCRIPTION COMMAND...
  local what=$1
  shift
  if "$@"; then ok "$what"; else not_ok "$what"; fi
}

tmp=$(mktemp -d)
bus_pid=
daemon_pid=
cleanup() {
  [ -n "$daemon_pid" ] && kill -KILL "$daemon_pid" 2>/dev/null
  [ -n "$bus_pid" ] && kill -TERM "$bus_pid" 2>/dev/null
  wait 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
dest=$tmp/dest

# ---- install ---------------------------------------------------------------
if $meson install -C "$GP_BUILD_DIR" --destdir "$dest" --no-rebuild --quiet >"$tmp/install.log" 2>&1; then
  ok "meson install --destdir"
else
  not_ok "meson install --destdir"
  diag <"$tmp/install.log"
  echo "1..$n"
  exit 1
fi

daemon=$dest$GP_INST_LIBEXECDIR/gluster-peerd
policy=$dest$GP_INST_POLICY_DIR/org.juju.GlusterPeer.conf
activation=$dest$GP_INST_SERVICES_DIR/org.juju.GlusterPeer.service
unit=$dest$GP_INST_UNIT_DIR/gluster-peerd.service
man8=$dest$GP_INST_MANDIR/man8/gluster-peerd.8
man5=$dest$GP_INST_MANDIR/man5/org.juju.GlusterPeer.5
apidoc=$dest$GP_INST_DOCDIR/org.juju.GlusterPeer.md

mode() { stat -c %a "$1" 2>/dev/null; }
has_line() { grep -qxF -- "$2" "$1"; }

# ---- the files -------------------------------------------------------------
check "daemon in libexecdir ($GP_INST_LIBEXECDIR), mode 755" \
  test -f "$daemon" -a "$(mode "$daemon")" = 755
check "installed daemon runs: --version" \
  test "$("$daemon" --version 2>&1)" = "gluster-peerd $GP_VERSION"
if [ -n "${GP_INST_CLI:-}" ]; then
  check "$GP_INST_CLI in bindir ($GP_INST_BINDIR)" test -x "$dest$GP_INST_BINDIR/$GP_INST_CLI"
fi

check "policy in $GP_INST_POLICY_DIR, as in data/" \
  cmp -s "$policy" "$GP_SOURCE_DIR/data/org.juju.GlusterPeer.conf"
check "policy mode 644" test "$(mode "$policy")" = 644

check "activation file in $GP_INST_SERVICES_DIR" test -f "$activation"
check "activation: [D-BUS Service]" has_line "$activation" "[D-BUS Service]"
check "activation: Name=org.juju.GlusterPeer" has_line "$activation" "Name=org.juju.GlusterPeer"
check "activation: Exec=$GP_INST_LIBEXECDIR/gluster-peerd" \
  has_line "$activation" "Exec=$GP_INST_LIBEXECDIR/gluster-peerd"
check "activation: User=root" has_line "$activation" "User=root"
check "activation: SystemdService=gluster-peerd.service" \
  has_line "$activation" "SystemdService=gluster-peerd.service"

check "unit in $GP_INST_UNIT_DIR, mode 644" test -f "$unit" -a "$(mode "$unit")" = 644
check "unit: ExecStart=$GP_INST_LIBEXECDIR/gluster-peerd" \
  has_line "$unit" "ExecStart=$GP_INST_LIBEXECDIR/gluster-peerd"
check "unit: Type=notify" has_line "$unit" "Type=notify"
check "unit: BusName=org.juju.GlusterPeer" has_line "$unit" "BusName=org.juju.GlusterPeer"
check "unit: WatchdogSec=" grep -q '^WatchdogSec=[1-9]' "$unit"
check "unit: StateDirectory=gluster-peer" has_line "$unit" "StateDirectory=gluster-peer"
check "unit: no @variable@ left" bash -c '! grep -q "@[a-z_]*@" "$1" "$2"' _ "$unit" "$activation"

for xml in "$GP_SOURCE_DIR"/introspection/*.xml; do
  name=$(basename "$xml")
  check "interfaces: $name in $GP_INST_INTERFACES_DIR" \
    cmp -s "$xml" "$dest$GP_INST_INTERFACES_DIR/$name"
done

check "man page gluster-peerd(8)" test -s "$man8"
check "man page org.juju.GlusterPeer(5)" test -s "$man5"
check "gluster-peerd(8) names the installed paths" \
  grep -qF "$GP_INST_LIBEXECDIR/gluster" "$man8"
check "API reference in $GP_INST_DOCDIR" test -s "$apidoc"
for iface in org.juju.GlusterPeer.Manager org.juju.GlusterPeer.Relation org.juju.GlusterPeer; do
  check "API reference and man page document $iface" \
    bash -c 'grep -qx "## $1" "$2" && grep -qix ".SH INTERFACE $1" "$3"' _ "$iface" "$apidoc" "$man5"
done
if command -v man >/dev/null 2>&1; then
  for page in "$man8" "$man5"; do
    # man --warnings: groff complains about anything malformed.
    out=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null)
    if [ -z "$out" ]; then ok "$(basename "$page") renders without warnings"
    else not_ok "$(basename "$page") renders without warnings"; diag <<<"$out"; fi
  done
else
  skip "man pages render" "man not installed"
fi

# ---- the unit against systemd ------------------------------------------------
if command -v systemd-analyze >/dev/null 2>&1; then
  # verify wants ExecStart= to exist: point it at the installed daemon.
  # The man pages of Documentation= are looked up in the installed tree.
  mkdir -p "$tmp/unit"
  sed "s|^ExecStart=.*|ExecStart=$daemon|" "$unit" >"$tmp/unit/gluster-peerd.service"
  man_opt=--man=yes
  command -v man >/dev/null 2>&1 || man_opt=--man=no
  out=$(MANPATH=$dest$GP_INST_MANDIR systemd-analyze verify "$man_opt" \
          "$tmp/unit/gluster-peerd.service" 2>&1)
  rc=$?
  if [ $rc -eq 0 ] && [ -z "$out" ]; then
    ok "systemd-analyze verify $man_opt on the installed unit"
  else
    not_ok "systemd-analyze verify $man_opt on the installed unit"
    diag <<<"$out"
  fi
else
  skip "systemd-analyze verify on the installed unit" "systemd-analyze not found"
fi

# ---- the policy and activation file against dbus-daemon ----------------------
# Like /usr/share/dbus-1/system.conf: system bus, EXTERNAL, default deny,
# the policy picked up from its directory and the activation file from its.
cat >"$tmp/system.conf" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=$tmp/bus</listen>
  <auth>EXTERNAL</auth>
  <servicedir>$dest$GP_INST_SERVICES_DIR</servicedir>
  <policy context="default">
    <allow user="*"/>
    <deny own="*"/>
    <deny send_type="method_call"/>
    <allow send_type="signal"/>
    <allow send_requested_reply="true" send_type="method_return"/>
    <allow send_requested_reply="true" send_type="error"/>
    <allow receive_type="method_call"/>
    <allow receive_type="method_return"/>
    <allow receive_type="error"/>
    <allow receive_type="signal"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Introspectable"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Properties"/>
  </policy>
  <includedir>$dest$GP_INST_POLICY_DIR</includedir>
</busconfig>
EOF
dbus-daemon --config-file="$tmp/system.conf" --nofork --print-address \
  >"$tmp/address" 2>"$tmp/bus.log" &
bus_pid=$!
for _ in $(seq 100); do
  [ -s "$tmp/address" ] && break
  kill -0 "$bus_pid" 2>/dev/null || break
  sleep 0.1
done
address=$(head -n1 "$tmp/address")
if [ -n "$address" ]; then
  ok "dbus-daemon starts with the installed policy and activation file"
else
  not_ok "dbus-daemon starts with the installed policy and activation file"
  diag <"$tmp/bus.log"
fi
# A system bus not started as root, or in a container, cannot raise its fd
# limit; that says nothing about our files.
grep -v 'Failed to set fd limit' "$tmp/bus.log" >"$tmp/bus-complaints.log"
if [ -s "$tmp/bus-complaints.log" ]; then
  not_ok "dbus-daemon has no complaint about the installed files"
  diag <"$tmp/bus-complaints.log"
else
  ok "dbus-daemon has no complaint about the installed files"
fi

bus_call() { # bus_call DEST PATH METHOD ARGS...
  local dest_name=$1 path=$2 method=$3
  shift 3
  dbus-send --bus="$address" --print-reply --reply-timeout=5000 \
    --dest="$dest_name" "$path" "$method" "$@"
}
if [ -n "$address" ]; then
  out=$(bus_call org.freedesktop.DBus /org/freedesktop/DBus \
          org.freedesktop.DBus.ListActivatableNames 2>&1)
  if grep -q '"org.juju.GlusterPeer"' <<<"$out"; then
    ok "the bus lists org.juju.GlusterPeer as activatable"
  else
    not_ok "the bus lists org.juju.GlusterPeer as activatable"
    diag <<<"$out"
  fi
fi

if [ -n "$address" ] && [ "$(id -u)" -eq 0 ]; then
  # The installed daemon, as root, under the installed policy.
  mkdir -p "$tmp/state"
  env -u NOTIFY_SOCKET -u WATCHDOG_USEC -u STATE_DIRECTORY \
    DBUS_SYSTEM_BUS_ADDRESS="$address" \
    "$daemon" --state-dir "$tmp/state" >"$tmp/daemon.log" 2>&1 &
  daemon_pid=$!
  owned=
  for _ in $(seq 100); do
    if bus_call org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus.NameHasOwner \
         string:org.juju.GlusterPeer 2>/dev/null | grep -q 'boolean true'; then
      owned=1
      break
    fi
    kill -0 "$daemon_pid" 2>/dev/null || break
    sleep 0.1
  done
  if [ -n "$owned" ]; then
    ok "the installed daemon owns org.juju.GlusterPeer under the installed policy"
  else
    not_ok "the installed daemon owns org.juju.GlusterPeer under the installed policy"
    diag <"$tmp/daemon.log"
  fi
  out=$(bus_call org.juju.GlusterPeer /org/juju/GlusterPeer org.freedesktop.DBus.Properties.Get \
          string:org.juju.GlusterPeer.Manager string:Version 2>&1)
  check "the installed daemon answers: Version is $GP_VERSION" \
    grep -qF "string \"$GP_VERSION\"" <<<"$out"
  kill -TERM "$daemon_pid"
  wait "$daemon_pid"
  rc=$?
  daemon_pid=
  check "the installed daemon exits 0 on SIGTERM" test "$rc" -eq 0
else
  skip "the installed daemon on the installed policy" "needs root (the policy gives the name to root)"
fi

echo "1..$n"
[ "$failed" -eq 0 ]
