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
