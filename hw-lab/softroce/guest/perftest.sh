#!/bin/bash
# write_lat SERVERDEV CLIENTDEV SERVERADDR SIZE PREFIX: ib_write_lat from CLIENTDEV to SERVERDEV on the RoCEv2
# GID (index 1 on rxe over IPv4); prints "ib_write_lat SIZE B: t_typical X us" and leaves it in PREFIX.typical.
write_lat() {
  local s=$1 c=$2 addr=$3 size=$4 out=$5
  timeout 120 ib_write_lat -d "$s" -x 1 -F -s "$size" -n 5000 > "$out.server.txt" 2>&1 & local sp=$!
  sleep 2
  timeout 120 ib_write_lat -d "$c" -x 1 -F -s "$size" -n 5000 "$addr" > "$out.client.txt" 2>&1; local crc=$?
  wait $sp; local src=$?
  # Columns: #bytes #iterations t_min t_max t_typical t_avg t_stdev 99% 99.9%
  local typical
  typical=$(awk '$1 ~ /^[0-9]+$/ && NF >= 9 {print $5}' "$out.client.txt" | tail -1)
  echo "${typical:-}" > "$out.typical"
  log "ib_write_lat $c -> $s, $size B: client rc=$crc server rc=$src, t_typical ${typical:-?} us"
  grep -B1 -A1 t_typical "$out.client.txt"
  [ $crc -eq 0 ] && [ -n "$typical" ]
}

# our_write_lat SENDERDEV RECEIVERDEV SIZE PREFIX: `rdmastack perf write-lat` over the verbs provider, 5,000
# round trips after 1,000 unmeasured ones (ib_write_lat above: 5,000, none unmeasured); its t_typical (the
# median of RTT/2, the clock read once per round trip while the message is in flight) goes to PREFIX.typical.
our_write_lat() {
  local s=$1 r=$2 size=$3 out=$4
  "$RDMASTACK_REPO/src/RdmaStack.Cli/bin/Release/net10.0/rdmastack" perf write-lat --provider verbs --device "$s" --peer-device "$r" \
    --sizes "$size" -n 5000 --warmup 1000 > "$out.txt" 2>&1; local prc=$?
  local typical
  typical=$(awk -v size="$size" '$1 == size && NF >= 9 {print $4}' "$out.txt" | tail -1)
  echo "${typical:-}" > "$out.typical"
  log "rdmastack perf write-lat $s -> $r, $size B: rc=$prc, t_typical ${typical:-?} us"
  [ $prc -eq 0 ] && [ -n "$typical" ] || { cat "$out.txt"; return 1; }
}
