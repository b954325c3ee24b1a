// cacheline_pingpong: the hardware limit for a shared-memory round trip on this host.
//
// Two processes share one page of /dev/shm. The initiator stores a counter into its own cache line;
// the responder spins on that line (pause between loads) and answers with the same counter in a second
// line. Each round trip is timed with the TSC (calibrated against CLOCK_MONOTONIC_RAW), so the figure is
// what two cores need to move one cache line there and back, with no queue, checksum or copy.
// Both processes are pinned (sched_setaffinity) to the CPUs given on the command line.
//
// usage: cacheline-pingpong [--iterations N] [--warmup N] [--cpus A,B] [--json FILE]
// Prints RTT percentiles in ns; --json writes them (and a log2-bucket histogram) for ./build.sh bench compare.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <x86intrin.h>

struct line {
    _Alignas(64) volatile uint64_t value;
    char pad[64 - sizeof(uint64_t)];
};

// The two lines sit 128 bytes apart so the adjacent-line prefetcher never pairs them.
struct shared {
    struct line ping;
    struct line gap;
    struct line pong;
    struct line gap2;
};

static void pin_or_die(int cpu, const char *who)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    if (sched_setaffinity(0, sizeof set, &set) != 0) {
        fprintf(stderr, "cacheline-pingpong: %s: sched_setaffinity(cpu %d): %s\n", who, cpu, strerror(errno));
        exit(2);
    }
}

static double now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC_RAW, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

// TSC ticks per ns, measured over 100 ms.
static double tsc_per_ns(void)
{
    double a = now_ns();
    uint64_t t0 = __rdtsc();
    while (now_ns() - a < 1e8) {
    }
    uint64_t t1 = __rdtsc();
    return (double)(t1 - t0) / (now_ns() - a);
}

static int by_value(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return (a > b) - (a < b);
}

static double percentile(const uint64_t *sorted, long n, double p, double scale)
{
    long rank = (long)(p / 100.0 * (double)n + 0.999999999);
    if (rank < 1) rank = 1;
    if (rank > n) rank = n;
    return (double)sorted[rank - 1] / scale;
}

int main(int argc, char **argv)
{
    long iterations = 1000000, warmup = 100000;
    int cpu_a = 0, cpu_b = 1;
    const char *json = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--iterations") && i + 1 < argc) iterations = atol(argv[++i]);
        else if (!strcmp(argv[i], "--warmup") && i + 1 < argc) warmup = atol(argv[++i]);
        else if (!strcmp(argv[i], "--cpus") && i + 1 < argc) {
            if (sscanf(argv[++i], "%d,%d", &cpu_a, &cpu_b) != 2) { fprintf(stderr, "cacheline-pingpong: --cpus takes A,B\n"); return 2; }
        }
        else if (!strcmp(argv[i], "--json") && i + 1 < argc) json = argv[++i];
        else { fprintf(stderr, "usage: %s [--iterations N] [--warmup N] [--cpus A,B] [--json FILE]\n", argv[0]); return 2; }
    }
    if (iterations < 1 || warmup < 0) { fprintf(stderr, "cacheline-pingpong: --iterations must be >= 1, --warmup >= 0\n"); return 2; }

    char path[64];
    snprintf(path, sizeof path, "/dev/shm/rdmastack.pingpong.%d", (int)getpid());
    int fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0600);
    if (fd < 0) { fprintf(stderr, "cacheline-pingpong: open %s: %s\n", path, strerror(errno)); return 2; }
    if (ftruncate(fd, 4096) != 0) { fprintf(stderr, "cacheline-pingpong: ftruncate: %s\n", strerror(errno)); unlink(path); return 2; }
    struct shared *s = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    unlink(path);  // the mapping stays; nothing is left behind in /dev/shm
    if (s == MAP_FAILED) { fprintf(stderr, "cacheline-pingpong: mmap: %s\n", strerror(errno)); return 2; }
    memset((void *)s, 0, sizeof *s);

    double scale = tsc_per_ns();
    long total = warmup + iterations;
    uint64_t *rtt = malloc((size_t)iterations * sizeof *rtt);
    if (!rtt) { fprintf(stderr, "cacheline-pingpong: out of memory\n"); return 2; }

    pid_t child = fork();
    if (child < 0) { fprintf(stderr, "cacheline-pingpong: fork: %s\n", strerror(errno)); return 2; }
    if (child == 0) {
        pin_or_die(cpu_b, "responder");
        for (uint64_t i = 1; i <= (uint64_t)total; i++) {
            while (s->ping.value != i) _mm_pause();
            s->pong.value = i;
        }
        _exit(0);
    }

    pin_or_die(cpu_a, "initiator");
    uint64_t begin = __rdtsc();
    for (uint64_t i = 1; i <= (uint64_t)total; i++) {
        uint64_t t0 = __rdtsc();
        s->ping.value = i;
        while (s->pong.value != i) _mm_pause();
        uint64_t t1 = __rdtsc();
        if ((long)i > warmup) rtt[i - 1 - warmup] = t1 - t0;
    }
    uint64_t elapsed = __rdtsc() - begin;
    int status = 0;
    waitpid(child, &status, 0);

    double sum = 0;
    for (long i = 0; i < iterations; i++) sum += (double)rtt[i];
    qsort(rtt, (size_t)iterations, sizeof *rtt, by_value);
    double min = (double)rtt[0] / scale, p50 = percentile(rtt, iterations, 50, scale);
    double p99 = percentile(rtt, iterations, 99, scale), p999 = percentile(rtt, iterations, 99.9, scale);
    double max = (double)rtt[iterations - 1] / scale, mean = sum / (double)iterations / scale;
    printf("cacheline-pingpong: %ld round trips (after %ld warm-up), cpus %d,%d, tsc %.3f GHz\n", iterations, warmup, cpu_a, cpu_b, scale);
    printf("RTT ns: min %.1f  p50 %.1f  p99 %.1f  p99.9 %.1f  max %.1f  mean %.1f  (loop mean %.1f)\n",
           min, p50, p99, p999, max, mean, (double)elapsed / scale / (double)total);

    if (json) {
        FILE *f = fopen(json, "w");
        if (!f) { fprintf(stderr, "cacheline-pingpong: %s: %s\n", json, strerror(errno)); return 2; }
        fprintf(f, "{\"tool\":\"cacheline-pingpong\",\"iterations\":%ld,\"warmup\":%ld,\"cpus\":[%d,%d],\"tscGhz\":%.4f,", iterations, warmup, cpu_a, cpu_b, scale);
        fprintf(f, "\"rttNs\":{\"min\":%.1f,\"p50\":%.1f,\"p99\":%.1f,\"p999\":%.1f,\"max\":%.1f,\"mean\":%.1f},", min, p50, p99, p999, max, mean);
        // The distribution for the plot: the RTT at each percentile from 0 to 99.99.
        static const double points[] = {0, 1, 5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 99, 99.5, 99.9, 99.99};
        fputs("\"rttPercentilesNs\":[", f);
        for (size_t k = 0; k < sizeof points / sizeof points[0]; k++)
            fprintf(f, "%s[%g,%.1f]", k ? "," : "", points[k], points[k] == 0 ? min : percentile(rtt, iterations, points[k], scale));
        fputs("]}\n", f);
        fclose(f);
    }
    free(rtt);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
