#!/usr/bin/env bash
# bench/compare/ab.sh BEFORE_RDMASTACK [SIZES] — two builds of the stack side by side in the same minutes:
# ROUNDS (3) alternating rounds of the C cache-line ping-pong (the baseline), then `perf write-lat` and
# `perf write-bw` of the BEFORE binary and of this tree's build, each pinned to CPUS (0,1). Build the
# other commit elsewhere first, e.g.:
#   git archive 0b6c2bd | tar -x -C /tmp/before && (cd /tmp/before && dotnet build src/RdmaStack.Cli -c Release)
#   bench/compare/ab.sh /tmp/before/src/RdmaStack.Cli/bin/Release/net10.0/rdmastack
# Prints the size rows of each run; the figures are for same-run ratios only (see bench/results/README.md).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BEFORE=${1:?path of the other build\'s rdmastack}; SIZES=${2:-64}
AFTER="$ROOT/src/RdmaStack.Cli/bin/${CONFIG:-Release}/net10.0/rdmastack"
PINGPONG="$ROOT/native/build/cacheline-pingpong"
ROUNDS=${ROUNDS:-3}; CPUS=${CPUS:-0,1}; LAT_ITERS=${LAT_ITERS:-1000000}; BW_ITERS=${BW_ITERS:-20000000}
for exe in "$BEFORE" "$AFTER" "$PINGPONG"; do [ -x "$exe" ] || { echo "ab: $exe not built" >&2; exit 2; }; done
rows() { grep -E '^ +[0-9]+ +[0-9]+ ' || true; }
for r in $(seq 1 "$ROUNDS"); do
  echo "== round $r/$ROUNDS, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "-- C limit (RTT ns)"; "$PINGPONG" --iterations "$LAT_ITERS" --warmup $((LAT_ITERS / 10)) --cpus "$CPUS" | grep 'RTT ns'
  for side in before after; do
    exe=$BEFORE; [ "$side" = after ] && exe=$AFTER
    echo "-- $side write-lat"; "$exe" perf write-lat --sizes "$SIZES" --iterations "$LAT_ITERS" --cpus "$CPUS" | rows
    echo "-- $side write-bw"; "$exe" perf write-bw --sizes "$SIZES" --iterations "$BW_ITERS" --cpus "$CPUS" | rows
  done
done
