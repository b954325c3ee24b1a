# perf-ratios.awk: the ratios issue 14 item 5 asks for, from suite perf's table (perf-table.txt), read by the
# columns row() prints: round (1-6), kind (8-12), name (14-45), size (47-53), then the figure and its unit.
#   each rdmastack row beside perftest's of the same round, kind and size: ours / perftest for latency (lower is
#   better; target <= 1.1 for the best round), ours / perftest for rates (higher is better; target >= 0.9);
#   and for latency, per build, the round whose ratio is lowest, and the best figures of all rounds against each
#   other: min(ours) / min(ib_write_lat).
# usage: awk -f perf-ratios.awk perf-table.txt
function trim(s) { gsub(/^ +| +$/, "", s); return s }
{
  round = trim(substr($0, 1, 6)); kind = trim(substr($0, 8, 5)); name = trim(substr($0, 14, 32))
  size = trim(substr($0, 47, 7)); split(trim(substr($0, 57)), figure, " "); value = figure[1] + 0
  key = round SUBSEP kind SUBSEP size
  if (name ~ /^ib_write/) { base[key] = value; basename[kind] = name; if (kind == "lat" && (!(size in bestbase) || value < bestbase[size])) bestbase[size] = value; next }
  n++; rk[n] = key; rn[n] = name; rv[n] = value; rs[n] = size; rkind[n] = kind; rround[n] = round
  if (kind == "lat") { b = name SUBSEP size; if (!(b in best) || value < best[b]) best[b] = value; bests[b] = size; bestname[b] = name }
}
END {
  for (i = 1; i <= n; i++) {
    if (!(rk[i] in base) || base[rk[i]] <= 0) continue
    r = rv[i] / base[rk[i]]
    printf "ratio  %-5s %-4s %5s B  %-32s / %-12s = %.2f\n", rround[i], rkind[i], rs[i], rn[i], basename[rkind[i]], r
    b = rn[i] SUBSEP rs[i]
    if (rkind[i] == "lat" && (!(b in lowest) || r < lowest[b])) { lowest[b] = r; lowestround[b] = rround[i] }
  }
  for (b in lowest)
    printf "best   lat  %5s B  %-32s lowest ratio of a round: %.2f (%s; target <= 1.1)\n", bests[b], bestname[b], lowest[b], lowestround[b]
  for (b in best) if (bests[b] in bestbase && bestbase[bests[b]] > 0)
    printf "best   lat  %5s B  %-32s best of all rounds %.3f us / ib_write_lat's %.3f us = %.2f\n", bests[b], bestname[b], best[b], bestbase[bests[b]], best[b] / bestbase[bests[b]]
}
