#!/bin/bash
# Suite "perf" (not in all): the verbs write path against perftest, as issue 14 item 5 asks, in one guest run, in
# three parts (all by default; the kernel command line's rdmastack_perf=PART,PART picks some):
#   onehost  2 alternating rounds of ib_write_bw and `rdmastack perf write-bw --provider verbs` (two processes of
#            one invocation, the rate measured by the receiver) at 64 and 4096 B, 5,000 messages, ours once per
#            idle strategy ("spin yield": the receiver of a bandwidth run waits for the stream; ib_write_bw's
#            server does not poll at all, and on Soft-RoCE the NIC is this CPU);
#   twohost  the same in the form hw-lab/connectx/run.sh (suite hwlab) runs: server on rxe0 pinned to CPU 0,
#            client on rxe1 pinned to CPU 1, each its own invocation, perftest under taskset, 1,000 messages, the
#            figure the client prints (ours: until the reader has acknowledged the last message);
#   lat      4 rounds of ib_write_lat and `rdmastack perf write-lat` at 64 B (5,000 round trips).
# At the end, perf-ratios.awk sets each of our rows beside perftest's of the same round (and the best rounds of write-lat).
# Each command's CPU time (user + system, both peers) is printed beside its figure: under TCG rxe is CPU bound.
# An rdmastack built from another commit runs beside this tree's build in every round when the kernel command line
# names it: RDMASTACK_LAB_APPEND=rdmastack_perf_before=PATH ./build.sh lab perf (PATH inside the repository, e.g.
# artifacts/perf-before/rdmastack: the guest has a /tmp of its own). Rates are messages a second (perftest's MsgRate, our msg/s); timing is reported,
# never gated on.
set -u
R="$RDMASTACK_RESULTS"; CLI="$RDMASTACK_REPO/src/RdmaStack.Cli/bin/Release/net10.0/rdmastack"
source "$RDMASTACK_REPO/hw-lab/softroce/guest/perftest.sh"
ROUNDS=2 ITERS=5000 IDLES="spin yield" TWOHOST_ITERS=1000 LAT_ROUNDS=4
cmdline() { tr ' ' '\n' < /proc/cmdline | sed -n "s/^$1=//p"; }
BEFORE=$(cmdline rdmastack_perf_before)
PARTS=$(cmdline rdmastack_perf); PARTS=${PARTS:-onehost,twohost,lat}
part() { [[ ",$PARTS," == *",$1,"* ]]; }
BUILDS=("after=$CLI"); [ -n "$BEFORE" ] && BUILDS=("before=$BEFORE" "${BUILDS[@]}")
rc=0
TIMEFORMAT='%U %S'
# cpu CMD...: runs CMD (output in $OUT), leaves "user+system" seconds in $CPU.
cpu() { local t; t=$( { time "$@" > "$OUT" 2>&1; } 2>&1 ); CPU=$(echo "$t" | awk '{printf "%.2f", $1 + $2}'); }
table="$R/perf-table.txt"; : > "$table"
row() { printf '%-6s %-5s %-32s %7s B  %12s  cpu %6s s\n' "$@" | tee -a "$table"; }

part onehost && for round in $(seq 1 "$ROUNDS"); do
  for size in 64 4096; do
    OUT="$R/perf-r$round-ib_write_bw-$size.server.txt"
    timeout 120 ib_write_bw -d rxe0 -x 1 -F -s "$size" -n "$ITERS" > "$OUT" 2>&1 & sp=$!
    sleep 2
    OUT="$R/perf-r$round-ib_write_bw-$size.txt"
    cpu timeout 120 ib_write_bw -d rxe1 -x 1 -F -s "$size" -n "$ITERS" 10.77.0.1
    wait $sp
    # Columns: #bytes #iterations BW_peak BW_average MsgRate[Mpps]
    mpps=$(awk -v s="$size" '$1 == s && NF >= 5 {print $5}' "$OUT" | tail -1)
    row "r$round" bw ib_write_bw "$size" "$(awk -v m="${mpps:-0}" 'BEGIN {printf "%.0f", m * 1e6}') msg/s" "$CPU (client)"
    [ -n "$mpps" ] || { cat "$OUT"; rc=1; }
    for build in "${BUILDS[@]}"; do
      idles=$IDLES; [ "${build%%=*}" = before ] && idles=spin   # the other build only as the tool runs by default
      for idle in $idles; do
        OUT="$R/perf-r$round-${build%%=*}-bw-$idle-$size.txt"
        cpu "${build#*=}" perf write-bw --provider verbs --device rxe1 --peer-device rxe0 --sizes "$size" -n "$ITERS" --idle "$idle"
        rate=$(awk -v s="$size" '$1 == s && NF >= 9 {gsub(",", "", $8); print $8}' "$OUT" | tail -1)
        row "r$round" bw "rdmastack ${build%%=*} idle $idle" "$size" "${rate:-?} msg/s" "$CPU"
        [ -n "$rate" ] || { cat "$OUT"; rc=1; }
      done
    done
  done
done
# two_host NAME CMD...: CMD as the server (rxe0, CPU 0) in the background, then as the client (rxe1, CPU 1);
# the client's perftest-format row gives MsgRate[Mpps] (column 5), for perftest and ours alike.
umask 077; head -c 32 /dev/urandom | base64 > /tmp/perf-secret; umask 022
two_host() {
  local name=$1 size=$2; shift 2
  OUT="$R/perf-twohost-$name-$size.server.txt"
  "$@" server > "$OUT" 2>&1 & local sp=$!
  sleep 2
  OUT="$R/perf-twohost-$name-$size.txt"
  local tries=0   # a client started before its server listens is refused: again, as run.sh does, up to 60 s
  while cpu "$@" client; [ $tries -lt 60 ] && grep -qiE "couldn't connect|connection refused" "$OUT"; do
    tries=$((tries + 1)); sleep 1
  done
  wait $sp
  local mpps; mpps=$(awk -v s="$size" '$1 == s && NF >= 5 {print $5}' "$OUT" | tail -1)
  row "2host" bw "$name" "$size" "$(awk -v m="${mpps:-0}" 'BEGIN {printf "%.0f", m * 1e6}') msg/s" "$CPU (client)"
  [ -n "$mpps" ] || { cat "$OUT"; rc=1; }
}
# side ROLE ARGS...: the server's or the client's command line (the client names the server's address).
ib_side() { local size=$1 role=$2; local d=rxe0 c=0; [ "$role" = client ] && d=rxe1 c=1
  taskset -c $c ib_write_bw -d $d -x 1 -F -s "$size" -n "$TWOHOST_ITERS" -p 18610 $([ "$role" = client ] && echo 10.77.0.1); }
our_side() { local exe=$1 idle=$2 size=$3 role=$4; local d=rxe0 c=0; [ "$role" = client ] && d=rxe1 c=1
  "$exe" perf write-bw -d $d -x 1 -F -s "$size" -n "$TWOHOST_ITERS" -p 18620 --cpus $c --idle "$idle" \
    --secret-file /tmp/perf-secret $([ "$role" = client ] && echo 10.77.0.1); }
part twohost && for round in $(seq 1 "$ROUNDS"); do
  for size in 64 4096; do
    two_host ib_write_bw "$size" ib_side "$size"
    [ -n "$BEFORE" ] && two_host "rdmastack before idle spin" "$size" our_side "$BEFORE" spin "$size"
    for idle in $IDLES; do two_host "rdmastack after idle $idle" "$size" our_side "$CLI" "$idle" "$size"; done
  done
done

part lat && for round in $(seq 1 "$LAT_ROUNDS"); do
  write_lat rxe1 rxe0 10.77.0.2 64 "$R/perf-r${round}_ib_write_lat" > /dev/null || rc=1
  row "r$round" lat ib_write_lat 64 "$(cat "$R/perf-r${round}_ib_write_lat.typical") us" "-"
  for build in "${BUILDS[@]}"; do
    OUT="$R/perf-r$round-${build%%=*}-lat.txt"
    cpu "${build#*=}" perf write-lat --provider verbs --device rxe0 --peer-device rxe1 --sizes 64 -n 5000 --warmup 1000
    typical=$(awk '$1 == 64 && NF >= 9 {print $4}' "$OUT" | tail -1)
    row "r$round" lat "rdmastack ${build%%=*}" 64 "${typical:-?} us" "$CPU"
    [ -n "$typical" ] || { cat "$OUT"; rc=1; }
  done
done
echo "--- perf suite (rates in messages a second; latency t_typical one-way)"; cat "$table"
echo "--- ratios (ours / perftest's of the same round; latency: lower is better, rates: higher is better)"
awk -f "$RDMASTACK_REPO/hw-lab/softroce/guest/perf-ratios.awk" "$table" | tee "$R/perf-ratios.txt"
log "perf suite rc=$rc"
exit $rc
