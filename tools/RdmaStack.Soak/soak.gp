# The soak's samples (samples.csv of ./build.sh soak) as one PNG: gnuplot -e "dir='artifacts/soak'" soak.gp
set datafile separator ','
set terminal pngcairo size 1400,1000 noenhanced font ',10'
set output dir.'/soak.png'
set key top left
set grid
set xlabel 'seconds'
set multiplot layout 2,2 title 'RdmaStack soak: a stream over 2 links with a fault every few seconds'
set title 'memory (MiB)'
plot dir.'/samples.csv' using 1:2 with lines title 'resident', '' using 1:3 with lines title 'managed heap'
set title 'descriptors, threads, /dev/shm entries'
plot dir.'/samples.csv' using 1:4 with lines title 'open fds', '' using 1:5 with lines title 'threads', '' using 1:6 with steps title '/dev/shm'
set title 'one-way latency per sample (us, log)'
set logscale y
plot dir.'/samples.csv' using 1:15 with lines title 'p50', '' using 1:16 with lines title 'p99', '' using 1:17 with lines title 'p99.9', '' using 1:18 with lines title 'max'
unset logscale y
set title 'GC collections (cumulative), faults, failovers'
plot dir.'/samples.csv' using 1:7 with lines title 'gen0', '' using 1:8 with lines title 'gen1', '' using 1:9 with lines title 'gen2', '' using 1:12 with lines title 'faults', '' using 1:13 with lines title 'failovers'
unset multiplot
