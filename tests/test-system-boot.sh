#!/usr/bin/env bash
# test-system-boot.sh dbus-daemon|dbus-broker: the INSTALLED gluster-peerd
# under a real systemd booted as PID 1 in systemd-nspawn, with the given
# system bus. tests/system-boot-scenario.sh runs inside as a oneshot
# service and checks start, StatusText, the watchdog, root calls, nobody
# refused and allowed as the policy says, kill -9 and restart with the
# state kept, stop, and D-Bus activation.
#
# The container: `systemd-nspawn -D / --volatile=yes` gives a tmpfs root
# with the host's /usr, over which `--overlay-ro` lays DESTDIR/usr (a
# `meson install --destdir` of this build), so no OS tree is copied. /etc
# is a small directory of ours, bound in writable: a machine-id (so the
# boot is no first boot and no preset enables the host's units), the test
# service, the dbus.service alias for dbus-broker; systemd-sysusers fills
# in passwd and group (root, nobody, messagebus) from /usr/lib/sysusers.d.
# The host need not run systemd: --register=no (and --keep-unit where the
# host has no systemd) need neither machined nor the host's bus. The test
# unit's SuccessAction=exit-force / FailureAction=exit-force hands the
# scenario's exit status to nspawn.
#
# The build's prefix (by default /usr/local): systemd reads units from
# /usr/local/lib/systemd/system and both buses' activation files from
# /usr/local/share/dbus-1/system-services, but the system bus reads
# policies only from /usr/share/dbus-1/system.d and /etc/dbus-1/system.d.
# A directory the system does not read is added the way an administrator
# of such an install must (README "System integration"): an <includedir>
# or <servicedir> in /etc/dbus-1/system-local.conf, a link in
# /etc/systemd/system for the unit; the TAP output says so. This tests the
# very build `meson test` runs on, without a second build with
# --prefix=/usr.
#
# TAP output; skipped (1..0 # SKIP) only where systemd-nspawn cannot run:
# not root, not installed, or a trivial container fails. The paths come
# from tests/meson.build (GP_INST_*, as for test-install.sh).
#
# SPDX-License-Identifier: GPL-2.0-or-later
set -uo pipefail

bus=${1:?usage: test-system-boot.sh dbus-daemon|dbus-broker}
: "${GP_BUILD_DIR:?}" "${GP_SOURCE_DIR:?}" "${GP_VERSION:?}"
: "${GP_INST_LIBEXECDIR:?}" "${GP_INST_POLICY_DIR:?}" "${GP_INST_SERVICES_DIR:?}"
: "${GP_INST_UNIT_DIR:?}"
meson=${MESON:-meson}
boot_timeout=${GP_SYSTEM_BOOT_TIMEOUT:-200} # seconds for the whole boot

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }
diag() { sed 's/^/# /'; }
skip_all() { echo "1..0 # SKIP $*"; exit 0; }
finish() { echo "1..$n"; [ "$failed" -eq 0 ]; exit; }

case $bus in
  dbus-daemon) bus_unit=/usr/lib/systemd/system/dbus.service ;;
  dbus-broker) bus_unit=/usr/lib/systemd/system/dbus-broker.service ;;
  *) echo "usage: test-system-boot.sh dbus-daemon|dbus-broker" >&2; exit 2 ;;
esac

[ "$(id -u)" -eq 0 ] || skip_all "systemd-nspawn needs root"
command -v systemd-nspawn >/dev/null 2>&1 ||
  skip_all "systemd-nspawn not found (Debian package systemd-container)"

tmp=$(mktemp -d /tmp/gp-system-boot.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
machine=gp-system-$bus-$$
nspawn=(systemd-nspawn --quiet --directory=/ --volatile=yes --register=no
        --private-network --console=read-only)
# Without systemd on the host (no /run/systemd/system, as sd_booted() says)
# there is no manager to make a scope for the container: it stays in ours.
[ -d /run/systemd/system ] || nspawn+=(--keep-unit)

# ---- can systemd-nspawn run here at all? --------------------------------------
mkdir -p "$tmp/empty"
if ! out=$(timeout -k 5 60 "${nspawn[@]}" --machine="$machine-probe" \
             --overlay-ro="/usr:$tmp/empty:/usr" /bin/true 2>&1 </dev/null); then
  skip_all "systemd-nspawn cannot run here: $(head -n1 <<<"$out")"
fi

# ---- the install --------------------------------------------------------------
dest=$tmp/dest
if $meson install -C "$GP_BUILD_DIR" --destdir "$dest" --no-rebuild --quiet \
     >"$tmp/install.log" 2>&1; then
  ok "meson install --destdir"
else
  not_ok "meson install --destdir"
  diag <"$tmp/install.log"
  finish
fi
if [ -e "$bus_unit" ]; then
  ok "$bus is installed ($bus_unit)"
else
  not_ok "$bus is installed ($bus_unit; scripts/bootstrap installs it)"
  finish
fi

# ---- the container's /etc and mounts --------------------------------------------
etc=$tmp/etc
io=$tmp/io
mkdir -p "$etc/systemd/system" "$etc/dbus-1" "$io"
systemd-id128 new >"$etc/machine-id"
[ -d "$dest/etc" ] && cp -a "$dest/etc/." "$etc/"
mounts=(--bind="$etc:/etc" --bind="$io:/gp-io")
for top in "$dest"/*; do
  case ${top##*/} in
    usr) mounts+=(--overlay-ro="/usr:$dest/usr:/usr") ;;
    etc) ;;
    *)
      # A link such as Debian's /lib -> usr/lib cannot take a mount.
      if [ -L "/${top##*/}" ]; then
        not_ok "the install stays out of /${top##*/} (a link on this host)"
        finish
      fi
      mounts+=(--bind-ro="$top:/${top##*/}")
      ;;
  esac
done

if [ "$bus" = dbus-broker ]; then
  # What `systemctl enable dbus-broker` does on Debian 12: its Alias=
  # dbus.service in /etc overrides dbus-daemon's /usr/lib/.../dbus.service.
  ln -s "$bus_unit" "$etc/systemd/system/dbus.service"
fi

local_conf=
case $GP_INST_POLICY_DIR in
  /usr/share/dbus-1/system.d | /etc/dbus-1/system.d) ;;
  *)
    echo "# the system bus does not read $GP_INST_POLICY_DIR: included by /etc/dbus-1/system-local.conf"
    local_conf+="  <includedir>$GP_INST_POLICY_DIR</includedir>"$'\n'
    ;;
esac
case $GP_INST_SERVICES_DIR in
  /usr/local/share/dbus-1/system-services | /usr/share/dbus-1/system-services) ;;
  *)
    echo "# the system bus does not read $GP_INST_SERVICES_DIR: added by /etc/dbus-1/system-local.conf"
    local_conf+="  <servicedir>$GP_INST_SERVICES_DIR</servicedir>"$'\n'
    ;;
esac
if [ -n "$local_conf" ]; then
  cat >"$etc/dbus-1/system-local.conf" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
$local_conf</busconfig>
EOF
fi
unit_path=$GP_INST_UNIT_DIR/gluster-peerd.service
if ! systemd-analyze --system unit-paths 2>/dev/null | grep -qxF "$GP_INST_UNIT_DIR"; then
  echo "# systemd does not read $GP_INST_UNIT_DIR: linked into /etc/systemd/system"
  ln -s "$unit_path" "$etc/systemd/system/gluster-peerd.service"
fi

cp "$GP_SOURCE_DIR/tests/system-boot-scenario.sh" "$io/scenario.sh"
chmod 755 "$io/scenario.sh"
cat >"$etc/systemd/system/gp-system-test.service" <<EOF
[Unit]
Description=gluster-peer system test (tests/system-boot-scenario.sh)
Requires=basic.target
After=basic.target
SuccessAction=exit-force
FailureAction=exit-force

[Service]
Type=oneshot
Environment=GP_IO=/gp-io GP_BUS=$bus GP_UNIT_PATH=$unit_path GP_VERSION=$GP_VERSION
ExecStart=/gp-io/scenario.sh
TimeoutStartSec=$((boot_timeout - 20))
EOF

# ---- boot -----------------------------------------------------------------------
# The arguments after the directory go to systemd: boot straight into the
# test service (with sysinit.target and basic.target, the bus socket), no
# multi-user.target; the console in plain text.
timeout -k 10 "$boot_timeout" "${nspawn[@]}" --machine="$machine" "${mounts[@]}" \
  --setenv=SYSTEMD_COLORS=0 --boot -- --unit=gp-system-test.service \
  >"$tmp/console.log" 2>&1 </dev/null
rc=$?

if [ -f "$io/tap" ]; then
  while IFS= read -r line; do
    case $line in
      "ok - "*) ok "${line#ok - }" ;;
      "not ok - "*) not_ok "${line#not ok - }" ;;
      *) echo "$line" ;;
    esac
  done <"$io/tap"
fi
if [ "$rc" -eq 0 ] && [ "$failed" -eq 0 ] && [ -f "$io/tap" ]; then
  ok "the container exits 0 after the scenario"
else
  case $rc in
    124 | 137) not_ok "the container exits 0 after the scenario (timed out after ${boot_timeout}s)" ;;
    *) not_ok "the container exits 0 after the scenario (exit status $rc)" ;;
  esac
  echo "# ---- journal of gluster-peerd, the bus and the scenario in the container"
  [ -f "$io/journal" ] && diag <"$io/journal"
  echo "# ---- console (last 60 lines, without the progress spinner)"
  sed 's/\x1b\[[0-9;]*[A-Za-z]//g; s/\r//g' "$tmp/console.log" |
    grep -v 'Job .* running (' | tail -n 60 | diag
fi
finish
