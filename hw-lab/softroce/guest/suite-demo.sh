#!/bin/bash
# Suite "demo": `rdmastack demo --provider verbs` between rxe0 (sender) and rxe1 (receiver): a stream of
# DEMO_COUNT messages of 64 B (200,000 by default: 20-40 s under TCG) that must arrive with 0 lost /
# duplicated / corrupted, then a ping-pong. Then the latency comparison in the same guest run: LATENCY_ROUNDS (7)
# rounds, each ib_write_lat (perftest) and then `rdmastack perf write-lat` (our perftest-style harness: the
# same ping-pong of one 64 B RDMA WRITE each way, t_typical = median of RTT/2) between the same devices,
# 5,000 round trips each. Under TCG either program lands, for a whole run, in a state where its round trips
# take up to twice as long (ib_write_lat: t_min 18 us in every run here, t_typical 18.5 us in some runs and
# 30-40 us in others; ours alike), a state that only ever adds time. So the figure to quote is the best round
# of each, ours over ib_write_lat's; the medians over the rounds and each round's pair are printed beside it.
# The latency target is reported, never gated on (timing under TCG).
set -u
R="$RDMASTACK_RESULTS"; CLI="$RDMASTACK_REPO/src/RdmaStack.Cli/bin/Release/net10.0/rdmastack"
source "$RDMASTACK_REPO/hw-lab/softroce/guest/perftest.sh"
COUNT=${DEMO_COUNT:-200000} PINGS=${DEMO_PINGS:-20000} WARMUP=${DEMO_WARMUP:-2000} ROUNDS=${LATENCY_ROUNDS:-7}
rc=0
log "rdmastack demo --provider verbs --device rxe0 --peer-device rxe1 --count $COUNT --pings $PINGS --warmup $WARMUP"
start=$(up)
"$CLI" demo --provider verbs --device rxe0 --peer-device rxe1 --count "$COUNT" --size 64 --pings "$PINGS" --warmup "$WARMUP" \
  > "$R/demo.txt" 2>&1 || rc=1
cat "$R/demo.txt"
log "demo took $(echo "$(up) - $start" | bc) s"
grep -q '^result     PASS' "$R/demo.txt" || { log "FAIL: the verbs demo did not pass"; rc=1; }

median() { sort -n | awk '{a[NR]=$1} END {if (NR) printf "%.3f\n", (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
ratio() { printf "%.3f" "$(echo "scale=4; $1 / $2" | bc)"; }
ib=() ours=() ratios=()
for round in $(seq 1 "$ROUNDS"); do
  write_lat rxe1 rxe0 10.77.0.2 64 "$R/round${round}_ib_write_lat" > /dev/null || { rc=1; continue; }
  our_write_lat rxe0 rxe1 64 "$R/round${round}_perf" || { rc=1; continue; }
  t=$(cat "$R/round${round}_ib_write_lat.typical") o=$(cat "$R/round${round}_perf.typical")
  r=$(ratio "$o" "$t")
  ib+=("$t"); ours+=("$o"); ratios+=("$r")
  echo "  round $round: ib_write_lat t_typical $t us, rdmastack perf write-lat t_typical $o us, ratio $r" >> "$R/latency-rounds.txt"
done
if [ ${#ratios[@]} -gt 0 ]; then
  bib=$(printf '%s\n' "${ib[@]}" | sort -n | head -n 1) bours=$(printf '%s\n' "${ours[@]}" | sort -n | head -n 1)
  mib=$(printf '%s\n' "${ib[@]}" | median) mours=$(printf '%s\n' "${ours[@]}" | median) mr=$(printf '%s\n' "${ratios[@]}" | median)
  best=$(ratio "$bours" "$bib")
  p50=$(sed -n 's/.*RTT min [0-9.]*  p50 \([0-9.]*\) .*/\1/p' "$R/demo.txt")
  {
    echo "latency (64 B, rxe0 <-> rxe1, one RDMA WRITE each way, ${#ratios[@]} alternating rounds in this guest run; t_typical in us):"
    echo "                                  ib_write_lat   rdmastack perf write-lat   ratio"
    printf "  best round of each              %12s   %24s   %s  (target <= 1.25: %s)\n" "$bib" "$bours" "$best" "$([ "$(echo "$best <= 1.25" | bc)" = 1 ] && echo met || echo NOT met)"
    printf "  median of the rounds            %12s   %24s   %s\n" "$mib" "$mours" "$(ratio "$mours" "$mib")"
    echo "  median of the per-round ratios                                              $mr"
    [ -n "$p50" ] && echo "  the demo's ping-pong p50 RTT / 2: $(printf "%.3f" "$(echo "scale=4; $p50 / 2" | bc)") us (two clock reads and a payload check per round trip)"
    cat "$R/latency-rounds.txt"
  } > "$R/latency.txt"
  cat "$R/latency.txt"
else
  log "FAIL: no latency round gave figures"; rc=1
fi
log "demo suite rc=$rc"
exit $rc
