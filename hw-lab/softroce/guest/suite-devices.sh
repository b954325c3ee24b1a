#!/bin/bash
# Suite "devices": `rdmastack devices` lists rxe0..rxe3 with ports and GIDs; ib_write_lat rxe1 -> rxe0 is the
# latency baseline of this guest.
set -u
R="$RDMASTACK_RESULTS"; CLI="$RDMASTACK_REPO/src/RdmaStack.Cli/bin/Release/net10.0/rdmastack"
source "$RDMASTACK_REPO/hw-lab/softroce/guest/perftest.sh"
rc=0
log "rdmastack devices"
"$CLI" devices > "$R/devices.txt" 2>&1 || rc=1
cat "$R/devices.txt"
for d in rxe0 rxe1 rxe2 rxe3; do
  grep -q "$d" "$R/devices.txt" || { log "FAIL: $d missing from rdmastack devices"; rc=1; }
done
ibv_devinfo -v > "$R/ibv_devinfo.txt" 2>&1
write_lat rxe0 rxe1 10.77.0.1 64 "$R/ib_write_lat" || rc=1
log "devices suite rc=$rc"
exit $rc
