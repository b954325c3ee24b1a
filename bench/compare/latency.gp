# Latency distributions of `./build.sh bench compare`: ours vs the C limit (RTT/2) vs UCX put_lat, one-way, 64 B.
# Data: the compare-*.dat files `rdmastack perf compare-report` writes from the same figures as compare.json.
# usage: gnuplot -e "results='bench/results'" bench/compare/latency.gp
if (!exists("results")) results = 'bench/results'
set terminal pngcairo size 1000,600 noenhanced font ",10"
set output results.'/compare-latency.png'
set title "One-way latency, 64 B over shared memory, two pinned processes (median of the rounds)"
set xlabel "percentile"
set ylabel "one-way latency (ns, log)"
set logscale y
# x as -log10(1 - p/100): 0 = p0, 1 = p90, 2 = p99, 3 = p99.9, 4 = p99.99
tail(p) = p >= 100 ? 5 : -log10(1 - p / 100.0)
set xtics ("p0" 0, "p50" tail(50), "p90" 1, "p99" 2, "p99.9" 3, "p99.99" 4)
set xrange [0:4.2]
set key top left
set grid
plot results.'/compare-ours.dat' using (tail($1)):2 with linespoints lw 2 pt 7 title "RdmaStack write-lat (shm provider)", \
     results.'/compare-c-limit.dat' using (tail($1)):2 with linespoints lw 2 pt 5 title "C cache-line ping-pong RTT/2 (hardware limit)", \
     results.'/compare-ucx.dat' using (tail($1)):2 with points ps 2 pt 9 title "UCX ucx_perftest put_lat -x posix"
