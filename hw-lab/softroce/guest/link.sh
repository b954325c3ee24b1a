#!/bin/bash
# link.sh down|up N — the lab's link commands for the two-host drill (`run.sh client --link-down/--link-up`): takes
# link N's client-side veth (link 0: vethB of rxe1, link 1: vethD of rxe3) down or up. Taking a link down makes the
# kernel delete the routes through it, and bringing it up restores only its own, so "up" also puts back the policy
# route network.sh added for that end (tables 101 and 111: traffic to the server's end crosses the veth, not lo).
set -euo pipefail
action=${1:?down|up} link=${2:?link 0 or 1}
case "$link" in
  0) dev=vethB peer=10.77.0.1 src=10.77.0.2 table=101 ;;
  1) dev=vethD peer=10.77.1.1 src=10.77.1.2 table=111 ;;
  *) echo "link.sh: link $link (0 or 1)" >&2; exit 2 ;;
esac
case "$action" in
  down) ip link set dev "$dev" down ;;
  up) ip link set dev "$dev" up; ip route replace "$peer" dev "$dev" src "$src" table "$table" ;;
  *) echo "link.sh: $action (down or up)" >&2; exit 2 ;;
esac
