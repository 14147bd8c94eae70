#!/usr/bin/env bash
# gluster-peerctl speaks German where the locale asks for it: the catalog
# meson builds from po/de.po, read by a gluster-peerctl whose locale
# directory is the build tree's, in a de_DE.UTF-8 locale made here with
# localedef (LOCPATH), so no system locale has to be configured.
#
#   GP_PEERCTL_UNINSTALLED  gluster-peerctl built with GP_LOCALEDIR=<build>/po
#
# SPDX-License-Identifier: GPL-2.0-or-later
set -uo pipefail
: "${GP_PEERCTL_UNINSTALLED:?}"

if ! command -v localedef >/dev/null 2>&1; then
  echo "1..0 # SKIP localedef is not installed (Debian package locales)"
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if ! localedef -i de_DE -f UTF-8 "$tmp/de_DE.UTF-8" >"$tmp/localedef.log" 2>&1; then
  echo "1..0 # SKIP cannot build de_DE.UTF-8: $(tail -n 1 "$tmp/localedef.log")"
  exit 0
fi

n=0
failed=0
result() { # result STATUS DESCRIPTION
  n=$((n + 1))
  if [ "$1" = 0 ]; then echo "ok $n - $2"; else failed=$((failed + 1)); echo "not ok $n - $2"; fi
}
german() { LOCPATH=$tmp LC_ALL=de_DE.UTF-8 LANGUAGE= "$GP_PEERCTL_UNINSTALLED" "$@"; }
english() { LOCPATH=$tmp LC_ALL=C.UTF-8 LANGUAGE= "$GP_PEERCTL_UNINSTALLED" "$@"; }

help_de=$(german --help 2>&1)
help_en=$(english --help 2>&1)
grep -qF "Die Beziehungen, ihre Zustände und Einheiten anzeigen" <<<"$help_de"
result $? "--help lists the commands in German"
! grep -qF "Show the relations, their states and units" <<<"$help_de"
result $? "--help has no English command summary left"
grep -qF "Show the relations, their states and units" <<<"$help_en"
result $? "the C locale still gets English"

# An error from the system: German message, same exit status.
err=$(DBUS_SYSTEM_BUS_ADDRESS=unix:path=$tmp/no-bus german status 2>&1 >/dev/null)
status=$?
grep -qF "keine Verbindung zu dem Systembus" <<<"$err"
result $? "a connection error is reported in German"
[ "$status" = 1 ]
result $? "the exit status does not depend on the language (1)"

echo "1..$n"
[ "$failed" = 0 ]
