#!/bin/sh
# The charm's logic, run by dispatch after `gluster-peerctl hook`. What
# charm-glusterfs did: publish this unit's bricks, and on the leader probe
# new peers and create or grow the volume. Everything it asks of the peer
# relation goes through gluster-peerctl; the rest through Juju's tools.
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

[ "$(is-leader)" = True ] || exit 0

# Probe every peer not probed yet.
gluster-peerctl ip-map | while read -r _host address; do
  [ "$address" != - ] || continue
  grep -qxF "$address" "$state/probed" && continue
  gluster peer probe "$address"
  echo "$address" >>"$state/probed"
done

# A unit that leaves: detach it unless the volume still holds its bricks
# (those need `gluster volume replace-brick`, an operator's decision).
if [ "$JUJU_HOOK_NAME" = server-relation-departed ] &&
   [ "${JUJU_DEPARTING_UNIT:-}" != "$JUJU_UNIT_NAME" ]; then
  # Juju keeps the departing unit's data readable in this hook; the
  # address is the one gluster-peerd uses (ingress, else private).
  address=$(relation-get ingress-address "$JUJU_REMOTE_UNIT")
  [ -n "$address" ] || address=$(relation-get private-address "$JUJU_REMOTE_UNIT")
  if grep -q "^$address:" "$state/volume-bricks"; then
    echo "gluster-example: $JUJU_REMOTE_UNIT left bricks in $volume; replace them" >&2
  elif grep -qxF "$address" "$state/probed"; then
    gluster peer detach "$address"
    grep -vxF "$address" "$state/probed" >"$state/probed.new" || true
    mv "$state/probed.new" "$state/probed"
  fi
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
