#!/bin/sh
# The charm's logic, run by dispatch after `gluster-peerctl hook`. What
# charm-glusterfs did: publish this unit's bricks, and on the leader probe
# new peers, create or grow the volume, and shrink it when units leave.
# Everything it asks of the peer relation goes through gluster-peerctl;
# the rest through Juju's tools.
# SPDX-License-Identifier: GPL-2.0-or-later
set -eu

state="$JUJU_CHARM_DIR/.gluster-example"  # the charm directory is the unit's own
mkdir -p "$state"
touch "$state/probed" "$state/volume-bricks"

# Nothing to do until Juju has created the peer relation.
[ -n "$(relation-ids server)" ] || exit 0

bricks=$(config-get bricks)
replicas=$(config-get replicas)
volume=$(config-get volume-name)

case "$JUJU_HOOK_NAME" in
  server-relation-created|config-changed|upgrade-charm)
    # Word splitting is wanted: one argument per brick; none withdraws all.
    # shellcheck disable=SC2086
    gluster-peerctl set-bricks $bricks
    ;;
esac

# gluster-peerctl departed-units --json, one line per brick:
# "UNIT ADDRESS BRICK", or "UNIT ADDRESS" for a unit without bricks. The
# brick comes last so that `read` keeps any blank inside it.
departed_units() {
  gluster-peerctl departed-units --json | python3 -c '
import json, sys
for unit, entry in sorted(json.load(sys.stdin).items()):
    for brick in entry["bricks"] or [""]:
        print(unit, entry["address"], brick)'
}

# Whether $2 lists a brick at address $1 (an IPv6 address has colons, so
# match the whole "address:/" prefix).
holds_brick() {
  while IFS= read -r brick; do
    case "$brick" in "$1":/*) return 0 ;; esac
  done <"$2"
  return 1
}

# Gluster keeps a replica set's data on every brick of it, and the charm's
# record lists the volume's bricks set by set (create and add-brick only
# ever take whole sets). A set is removed only when every brick of it
# belongs to a departed unit: its data left with those hosts, so
# `remove-brick ... force` (no migration, which would read from hosts
# that are gone) loses nothing the cluster still had. A set that keeps a
# live member is left alone: removing one brick of it would lower the
# replica count of every set, which only an operator should decide; the
# other members may depart in a later hook (remove-unit of several
# units), so Departed is kept, and the leader tries again every hook.
handle_departures() {
  departed_units >"$state/departed"
  [ -s "$state/departed" ] || return 0
  while read -r _unit address brick; do
    [ -z "$brick" ] || printf '%s:%s\n' "$address" "$brick"
  done <"$state/departed" >"$state/gone"
  awk -v n="$replicas" '
    FILENAME == ARGV[1] { gone[$0] = 1; next }
    { count++; brick[count] = $0; if ($0 in gone) hits[int((count - 1) / n)]++ }
    END { for (i = 1; i <= count; i++) if (hits[int((i - 1) / n)] == n) print brick[i] }
  ' "$state/gone" "$state/volume-bricks" >"$state/removable"
  # Gluster refuses to remove every brick of a volume.
  if [ -s "$state/removable" ] &&
     [ "$(wc -l <"$state/removable")" -lt "$(wc -l <"$state/volume-bricks")" ]; then
    set --
    while IFS= read -r brick; do set -- "$@" "$brick"; done <"$state/removable"
    gluster volume remove-brick "$volume" replica "$replicas" "$@" force
    grep -vxF -f "$state/removable" "$state/volume-bricks" >"$state/volume-bricks.new" || true
    mv "$state/volume-bricks.new" "$state/volume-bricks"
  fi
  grep -xF -f "$state/gone" "$state/volume-bricks" >"$state/stranded" || true
  gluster-peerctl ip-map >"$state/ip-map"
  cut -d' ' -f1,2 "$state/departed" | uniq | while read -r unit address; do
    if holds_brick "$address" "$state/stranded"; then
      echo "gluster-example: $unit left bricks in $volume whose replica sets still" \
           "have live members; waiting for those to depart, or replace them with" \
           "gluster volume replace-brick" >&2
    # Co-located units share an address: the peer stays while one remains.
    elif ! awk -v a="$address" '$2 == a { found = 1 } END { exit !found }' "$state/ip-map" &&
         grep -qxF "$address" "$state/probed"; then
      gluster peer detach "$address"
      grep -vxF "$address" "$state/probed" >"$state/probed.new" || true
      mv "$state/probed.new" "$state/probed"
    fi
  done
  [ -s "$state/stranded" ] || gluster-peerctl clear-state departed
}

[ "$(is-leader)" = True ] || exit 0

# Probe every peer not probed yet.
gluster-peerctl ip-map | while read -r _host address; do
  [ "$address" != - ] || continue
  grep -qxF "$address" "$state/probed" && continue
  gluster peer probe "$address"
  echo "$address" >>"$state/probed"
done

# Units that left: shrink the volume by whole replica sets, detach them,
# and forget them (see handle_departures). Not when this unit is the one
# leaving: the rest of the cluster carries on without it.
if [ "${JUJU_DEPARTING_UNIT:-}" != "$JUJU_UNIT_NAME" ]; then
  handle_departures
fi

# The volume: volume-bricks prints one address:/brick a line, every
# consecutive group of $replicas on distinct hosts. Too few hosts yet: it
# fails, and we wait.
wanted=$(gluster-peerctl volume-bricks --replica "$replicas" 2>/dev/null) || exit 0
if [ ! -s "$state/volume-bricks" ]; then
  # shellcheck disable=SC2086
  gluster volume create "$volume" replica "$replicas" $wanted
  gluster volume start "$volume"
  printf '%s\n' "$wanted" >"$state/volume-bricks"
  exit 0
fi
added=$(printf '%s\n' "$wanted" | grep -vxF -f "$state/volume-bricks" || true)
count=$(printf '%s\n' "$added" | grep -c . || true)
# Only whole replica sets can be added.
if [ "$count" -gt 0 ] && [ $((count % replicas)) -eq 0 ]; then
  # shellcheck disable=SC2086
  gluster volume add-brick "$volume" replica "$replicas" $added
  printf '%s\n' "$added" >>"$state/volume-bricks"
fi
