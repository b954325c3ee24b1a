#!/usr/bin/env bash
# bench/tail/run.sh [ROUND_TRIPS] [SIZE] — what makes the slow round trips slow, with evidence.
# Runs the two-thread ping-pong of RdmaStack.Benchmarks (`loop pingpong`: hot threads pinned to CPUs 0 and 1)
# under `perf record` of the kernel's scheduler, interrupt and page-fault tracepoints on every CPU (clock
# CLOCK_MONOTONIC, the same clock as .NET's Stopwatch on Linux), then attribute.py matches each round trip
# slower than 4 us against the events that fell inside it. Needs perf (linux-perf) and a Release build.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
COUNT=${1:-2000000}; SIZE=${2:-64}
DLL="$ROOT/bench/RdmaStack.Benchmarks/bin/${CONFIG:-Release}/net10.0/RdmaStack.Benchmarks.dll"
[ -f "$DLL" ] || { echo "tail: $DLL not built" >&2; exit 2; }
WORK=${WORK:-$(mktemp -d)}; mkdir -p "$WORK"
EVENTS=sched:sched_switch,irq_vectors:local_timer_entry,irq:irq_handler_entry,irq:softirq_entry,exceptions:page_fault_user
echo "tail: load average $(cut -d' ' -f1-3 /proc/loadavg); work in $WORK" >&2
RDMASTACK_OUTLIERS="$WORK/outliers.txt" DOTNET_TieredCompilation=0 \
  perf record -q -a -k CLOCK_MONOTONIC -e "$EVENTS" -o "$WORK/perf.data" -- \
  dotnet "$DLL" loop pingpong "$SIZE" "$COUNT" | tee "$WORK/pingpong.txt"
perf script -i "$WORK/perf.data" -F comm,pid,tid,cpu,time,event,trace --ns 2>/dev/null >"$WORK/events.txt"
python3 "$ROOT/bench/tail/attribute.py" "$WORK/outliers.txt" "$WORK/events.txt"
