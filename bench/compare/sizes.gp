# One-way p50 against message size of `./build.sh bench compare`: ours vs UCX put_lat, with the C limit's RTT/2
# (one cache line, size-less) as a level line. Data: compare-sizes.dat, written by `rdmastack perf compare-report`
# from the same medians as compare.json ("?" where a run has no figure: a 64-B-only run has one point).
# usage: gnuplot -e "results='bench/results'" bench/compare/sizes.gp
if (!exists("results")) results = 'bench/results'
set terminal pngcairo size 1000,600 noenhanced font ",10"
set output results.'/compare-sizes.png'
set title "One-way latency p50 against message size, shared memory, two pinned processes (median of the rounds)"
set xlabel "message size (bytes, log)"
set ylabel "one-way latency p50 (ns)"
set logscale x 2
set xrange [6:5500]
set xtics (8, 64, 512, 4096)
set yrange [0:*]
set datafile missing "?"
set key top left
set grid
plot results.'/compare-sizes.dat' using 1:2 with linespoints lw 2 pt 7 title "RdmaStack write-lat (shm provider)", \
     results.'/compare-sizes.dat' using 1:3 with linespoints lw 2 pt 9 title "UCX ucx_perftest put_lat -x posix", \
     results.'/compare-sizes.dat' using 1:4 with lines lw 2 dt 2 title "C cache-line ping-pong RTT/2 p50 (hardware limit, one line)"
