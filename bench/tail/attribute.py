#!/usr/bin/env python3
"""Matches slow round trips against kernel events: bench/tail/attribute.py OUTLIERS EVENTS.

OUTLIERS: '# pid=N ...' header, then one 'start_ns length_ns' line per slow round trip (CLOCK_MONOTONIC).
EVENTS: `perf script -F comm,pid,tid,cpu,time,event,trace --ns` of a `perf record -a -k CLOCK_MONOTONIC`.
Each slow round trip is charged to the first class of event found inside it on the hot CPUs (0 and 1), in
this order: another process scheduled on a hot CPU, another thread of ours (the runtime's), a page fault of
ours, a device interrupt, a timer interrupt, a softirq; 'nothing the guest saw' is left (the hypervisor
took the vCPU: steal time, invisible inside the guest).
"""
import bisect
import re
import sys
from collections import Counter, defaultdict

HOT_CPUS = {0, 1}
LINE = re.compile(r"^\s*(?P<comm>.+?)\s+(?P<pid>\d+)/(?P<tid>\d+)\s+\[(?P<cpu>\d+)\]\s+(?P<time>\d+\.\d+):\s+(?P<event>[\w:]+):\s*(?P<trace>.*)$")


def main(outliers_path, events_path):
    outliers = []
    ours = None
    window = None
    with open(outliers_path) as f:
        for line in f:
            if line.startswith("#"):
                m = re.search(r"pid=(\d+)", line)
                ours = int(m.group(1)) if m else None
                w = re.search(r"loop_start_ns=(\d+) loop_end_ns=(\d+)", line)
                window = (int(w.group(1)), int(w.group(2))) if w else None
                continue
            if not line.strip():
                continue
            start, length = line.split()
            outliers.append((int(start), int(length)))
    by_class = defaultdict(list)  # class -> sorted times (ns)
    totals = Counter()
    pids = Counter()
    our_tids = set()
    lines = []
    with open(events_path) as f:
        for line in f:
            m = LINE.match(line)
            if m:
                lines.append(m)
                if int(m["pid"]) == ours:
                    our_tids.add(int(m["tid"]))
    for m in lines:
        cpu = int(m["cpu"])
        t = int(m["time"].replace(".", ""))
        event, trace = m["event"], m["trace"]
        if event == "exceptions:page_fault_user":
            if int(m["pid"]) == ours:
                by_class["page fault (ours)"].append(t)
                totals["page fault (ours)"] += 1
            continue
        if cpu not in HOT_CPUS:
            continue
        if event == "sched:sched_switch":
            nxt = re.search(r"next_comm=(.+?) next_pid=(\d+)", trace)
            name, tid = (nxt.group(1), int(nxt.group(2))) if nxt else ("?", -1)
            if name.startswith("swapper"):
                continue
            cls = "another thread of ours" if tid in our_tids else "another process on a hot CPU"
            by_class[cls].append(t)
            totals[cls] += 1
            pids[name] += 1
        elif event == "irq:irq_handler_entry":
            by_class["device interrupt"].append(t)
            totals["device interrupt"] += 1
        elif event == "irq_vectors:local_timer_entry":
            by_class["timer interrupt"].append(t)
            totals["timer interrupt"] += 1
        elif event == "irq:softirq_entry":
            by_class["softirq"].append(t)
            totals["softirq"] += 1
    for times in by_class.values():
        times.sort()
    order = ["another process on a hot CPU", "another thread of ours", "page fault (ours)", "device interrupt", "timer interrupt", "softirq"]
    charged = Counter()
    lengths = defaultdict(list)
    for start, length in outliers:
        cls = "nothing the guest saw (hypervisor)"
        for c in order:
            times = by_class.get(c, [])
            i = bisect.bisect_left(times, start)
            if i < len(times) and times[i] <= start + length:
                cls = c
                break
        charged[cls] += 1
        lengths[cls].append(length)
    print(f"{len(outliers)} round trips over 4 us; charged to the first event class found inside each:")
    for cls, n in charged.most_common():
        ls = sorted(lengths[cls])
        print(f"  {cls:38s} {n:6d}  ({100.0 * n / max(1, len(outliers)):5.1f} %)  median {ls[len(ls) // 2] / 1000:.1f} us, max {ls[-1] / 1000:.1f} us")
    print("events on the hot CPUs over the whole run: " + ", ".join(f"{c} {totals[c]}" for c in order))
    if window:
        inside = {c: sum(1 for t in by_class.get(c, []) if window[0] <= t <= window[1]) for c in order}
        seconds = (window[1] - window[0]) / 1e9
        print(f"inside the measured loop ({seconds:.2f} s): " + ", ".join(f"{c} {inside[c]}" for c in order))
    if pids:
        print("tasks that took a hot CPU: " + ", ".join(f"{n} x{c}" for n, c in pids.most_common(8)))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
