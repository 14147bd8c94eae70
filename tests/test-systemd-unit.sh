#!/usr/bin/env bash
# test-systemd-unit.sh UNIT DAEMON: the built systemd unit passes
# `systemd-analyze verify` and `systemd-analyze security` rates it at most
# 1.5. Skips (77) only when systemd-analyze is missing.
#
# verify checks that ExecStart= exists, so it runs on a copy whose
# ExecStart= points at the built DAEMON; everything else is the unit as
# installed. Man pages are checked by tests/test-install.sh, on the
# installed tree.
#
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail

unit=${1:?usage: test-systemd-unit.sh UNIT DAEMON}
daemon=${2:?usage: test-systemd-unit.sh UNIT DAEMON}
threshold=15 # systemd-analyze counts tenths: 15 is an exposure of 1.5

if ! command -v systemd-analyze >/dev/null 2>&1; then
  echo "SKIP: systemd-analyze not found (Debian package systemd)"
  exit 77
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sed "s|^ExecStart=.*|ExecStart=$daemon|" "$unit" >"$tmp/gluster-peerd.service"

echo "# systemd-analyze verify --man=no $unit (ExecStart=$daemon)"
if ! out=$(systemd-analyze verify --man=no "$tmp/gluster-peerd.service" 2>&1); then
  echo "$out"
  echo "FAIL: systemd-analyze verify"
  exit 1
fi
if [ -n "$out" ]; then
  # verify exits 0 on some warnings: any output is a finding.
  echo "$out"
  echo "FAIL: systemd-analyze verify has something to say"
  exit 1
fi
echo "ok: verify"

echo "# systemd-analyze security --offline=yes --threshold=$threshold $unit"
set +e
out=$(systemd-analyze security --offline=yes --threshold=$threshold "$unit" 2>&1)
rc=$?
set -e
echo "$out" | grep -v '^✓' || true
if [ $rc -ne 0 ]; then
  echo "FAIL: systemd-analyze security: exposure above 1.5 (exit $rc)"
  exit 1
fi
echo "ok: security: $(echo "$out" | grep -o 'exposure level for [^ ]*: [0-9.]* [A-Z]*' || true)"
