#!/usr/bin/env bash
# bench/compare/compare.sh — the body of `./build.sh bench compare` (build.sh has built everything first).
#
# Runs, ROUNDS times in alternation, on the two CPUs of CPUS (each process pinned to one; each round takes the three
# one-way latencies back to back, then the C limit again into round*-cacheline-after.json, then the rest):
#   1. native/build/cacheline-pingpong  the hardware limit: one cache line each way between two processes
#   2. ucx_perftest -t put_lat -x posix: 64 B at ranks 50/90/99/99.9, 8/512/4096 B at rank 50; -t put_bw at
#      8/64/512/4096 B: UCX over shared memory
#   3. rdmastack perf write-lat and write-bw --sizes 8,64,512,4096 (one invocation each, one results row per
#      size): ours over the shared-memory provider
#   4. native/build/slot-stream: the 64 B stream of the slot protocol in C (write-bw's defaults: 4 x 512 slots,
#      batches of 1,024; no mirror copy: in place, the ring is failover's copy), right after ours: how much of our
#      stream is software path
# then `rdmastack perf compare-report` takes the medians, prints each 64 B figure beside its baseline with
# the ratio and the other sizes beside UCX in a second table, and writes bench/results/compare.{json,md};
# gnuplot draws compare-latency.png (64 B distributions) and compare-sizes.png (p50 against size) from them.
# Environment: ROUNDS (3), CPUS (0,1), LAT_ITERS (1000000), BW_ITERS (20000000), BW_BYTES (8000000000),
# RESULTS (bench/results).
# LAT_ITERS round trips at every size. BW_ITERS messages at 8 and 64 B; a larger size moves no more than
# BW_BYTES (8e9) bytes: iterations = min(BW_ITERS, BW_BYTES / size), so 15.6 M at 512 B and 1.95 M at 4096 B
# (ours through write-bw --max-bytes, UCX put_bw through -n).
# Run time at the defaults: one round took 15 s on the 2-vCPU dev host (2026-12-01, AMD EPYC, measured with
# ROUNDS=1), so about 45 s for ROUNDS=3, well under the 12 min budget.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
ROUNDS=${ROUNDS:-3}
CPUS=${CPUS:-0,1}
LAT_ITERS=${LAT_ITERS:-1000000}
BW_ITERS=${BW_ITERS:-20000000}
BW_BYTES=${BW_BYTES:-8000000000}
SIZES=(8 64 512 4096)
RESULTS=${RESULTS:-bench/results}
CONFIG=${CONFIG:-Release}
CPU_A=${CPUS%,*}
CPU_B=${CPUS#*,}
PINGPONG=native/build/cacheline-pingpong
RDMASTACK=src/RdmaStack.Cli/bin/$CONFIG/net10.0/rdmastack
WORK="$ROOT/artifacts/bench-compare"
[ -x "$PINGPONG" ] || { echo "compare: $PINGPONG not built (native build failed?)" >&2; exit 2; }
SLOTSTREAM=native/build/slot-stream
[ -x "$SLOTSTREAM" ] || { echo "compare: $SLOTSTREAM not built (native build failed?)" >&2; exit 2; }
[ -x "$RDMASTACK" ] || { echo "compare: $RDMASTACK not built" >&2; exit 2; }
command -v ucx_perftest >/dev/null || { echo "compare: ucx_perftest missing (Debian package ucx-utils)" >&2; exit 2; }
rm -rf "$WORK"; mkdir -p "$WORK" "$RESULTS"

# Messages of write-bw/put_bw at size $1: BW_ITERS, capped at BW_BYTES of payload.
bw_iters() { local cap=$((BW_BYTES / $1)); echo $((cap < BW_ITERS ? cap : BW_ITERS)); }

step() { printf '\033[1m--> round %s/%s: %s\033[0m\n' "$1" "$ROUNDS" "$2" >&2; }

# One ucx_perftest client/server pair on loopback, server on CPU_B, client on CPU_A; retries until the server listens.
ucx_pair() {
  local out=$1; shift
  local port=$((20000 + RANDOM % 20000))
  ucx_perftest -p "$port" -c "$CPU_B" >"$out.server" 2>&1 &
  local server=$!
  local tries=0
  until ucx_perftest 127.0.0.1 -p "$port" -c "$CPU_A" -x posix -d memory "$@" >"$out" 2>&1; do
    tries=$((tries + 1))
    if [ $tries -ge 50 ] || ! kill -0 "$server" 2>/dev/null; then
      kill "$server" 2>/dev/null || true
      echo "compare: ucx_perftest $* failed:" >&2; cat "$out" "$out.server" >&2; return 1
    fi
    sleep 0.1
  done
  wait "$server" || true
  grep -h 'Final:' "$out" >&2
}

START=$(date +%s)
for r in $(seq 1 "$ROUNDS"); do
  # The three one-way latencies back to back (the C limit, UCX's typical at 64 B, ours at every size), then the C limit
  # again: this host changes state on a scale of seconds (bench/results/README.md), and the 64 B ratios are read
  # between figures taken within seconds of each other, the C limit before and after bracketing them.
  step "$r" "C cache-line ping-pong (the hardware limit)"
  "$PINGPONG" --iterations "$LAT_ITERS" --warmup $((LAT_ITERS / 10)) --cpus "$CPUS" --json "$WORK/round$r-cacheline.json" >&2
  step "$r" "ucx_perftest put_lat at 64 B, then rdmastack perf write-lat (shared-memory provider), then the C limit again"
  ucx_pair "$WORK/round$r-ucx-lat-R50.txt" -t put_lat -s 64 -n "$LAT_ITERS" -w $((LAT_ITERS / 10)) -R 50
  sizes=$(IFS=,; echo "${SIZES[*]}")
  "$RDMASTACK" perf write-lat --sizes "$sizes" --iterations "$LAT_ITERS" --cpus "$CPUS" --json "$WORK/round$r-write-lat.json" >&2
  "$PINGPONG" --iterations "$LAT_ITERS" --warmup $((LAT_ITERS / 10)) --cpus "$CPUS" --json "$WORK/round$r-cacheline-after.json" >&2
  step "$r" "ucx_perftest put_lat's other ranks and sizes, put_bw"
  for rank in 90 99 99.9; do
    ucx_pair "$WORK/round$r-ucx-lat-R$rank.txt" -t put_lat -s 64 -n "$LAT_ITERS" -w $((LAT_ITERS / 10)) -R "$rank"
  done
  for size in 8 512 4096; do
    ucx_pair "$WORK/round$r-ucx-lat-s$size-R50.txt" -t put_lat -s "$size" -n "$LAT_ITERS" -w $((LAT_ITERS / 10)) -R 50
  done
  for size in "${SIZES[@]}"; do
    # 64 B keeps the file name of the 64-B-only script (compare-report reads both).
    suffix=$([ "$size" = 64 ] && echo "" || echo "-s$size")
    ucx_pair "$WORK/round$r-ucx-bw$suffix.txt" -t put_bw -s "$size" -n "$(bw_iters "$size")"
  done
  step "$r" "rdmastack perf write-bw (shared-memory provider)"
  "$RDMASTACK" perf write-bw --sizes "$sizes" --iterations "$BW_ITERS" --max-bytes "$BW_BYTES" --cpus "$CPUS" --json "$WORK/round$r-write-bw.json" >&2
  step "$r" "native/build/slot-stream (the slot protocol's 64 B stream in C)"
  "$SLOTSTREAM" --messages "$BW_ITERS" --cpus "$CPUS" | tee "$WORK/round$r-slot-stream.txt" >&2
done

"$RDMASTACK" perf compare-report --work "$WORK" --out "$RESULTS" --rounds "$ROUNDS" \
  --invocation "./build.sh bench compare (ROUNDS=$ROUNDS CPUS=$CPUS LAT_ITERS=$LAT_ITERS BW_ITERS=$BW_ITERS BW_BYTES=$BW_BYTES)"
gnuplot -e "results='$RESULTS'" bench/compare/latency.gp
gnuplot -e "results='$RESULTS'" bench/compare/sizes.gp
cp "$WORK"/round*-*.json "$WORK"/round*-slot-stream.txt "$RESULTS/" 2>/dev/null || true
echo "compare: $(( $(date +%s) - START )) s; results in $RESULTS/compare.json, compare.md, compare-latency.png, compare-sizes.png"
