// slot_stream: the hardware limit for a one-way stream in the segmented queue's slot protocol on this host.
//
// Two processes (fork) share a ring of SEGMENTS x SLOTS slots of STRIDE bytes, laid out as SlotDescriptor lays
// out a slot: sequence (int64) at 0, length (int32) at 8, check word at 12, payload at 16. The writer claims up to
// BATCH slots the reader's head allows (it publishes its head once a segment, as SegmentedQueueReader does), writes
// each slot's length, then each payload (the whole message, or with --stamp-only its first 8 bytes), then each check
// word and the sequence with a release store, in three passes as TryClaimBatch / payloads / CommitBatch do; with
// --mirror it then copies the batch's slots into a private mirror (the in-place writer did that for failover until
// its ring became failover's copy). The reader spins on the next slot's sequence (acquire) and reads its length, as
// a handler that takes only the length. No checksum, no allocation, no runtime: what is left of our write-bw's time
// beyond this is software path.
//
// usage: slot-stream [--size B] [--segments N] [--slots N] [--batch N] [--messages N] [--stamp-only] [--mirror]
//                    [--cpus A,B]
// Prints the messages a second, measured at the reader from its first message to its last.
#define _GNU_SOURCE
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define HEADER 16
#define ALIGNMENT 128
#define STORE_ORDER_MARKER 0x44524F53u

struct control {
    _Alignas(128) _Atomic int64_t head; // the reader's published head
    _Alignas(128) double seconds;       // the reader's measured time
};

static void pin_or_die(int cpu, const char *who)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    if (sched_setaffinity(0, sizeof set, &set) != 0) {
        fprintf(stderr, "slot-stream: cannot pin the %s to CPU %d\n", who, cpu);
        exit(2);
    }
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static long parse(const char *text, const char *name)
{
    char *end;
    long value = strtol(text, &end, 10);
    if (*text == '\0' || *end != '\0' || value < 0) {
        fprintf(stderr, "slot-stream: %s must be a whole number, not '%s'\n", name, text);
        exit(2);
    }
    return value;
}

int main(int argc, char **argv)
{
    long size = 64, segments = 4, slots = 512, batch = 1024, messages = 20000000;
    int stamp_only = 0, mirror = 0, cpu_writer = 0, cpu_reader = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : "";
        if (!strcmp(a, "--size")) size = parse(v, a), i++;
        else if (!strcmp(a, "--segments")) segments = parse(v, a), i++;
        else if (!strcmp(a, "--slots")) slots = parse(v, a), i++;
        else if (!strcmp(a, "--batch")) batch = parse(v, a), i++;
        else if (!strcmp(a, "--messages")) messages = parse(v, a), i++;
        else if (!strcmp(a, "--stamp-only")) stamp_only = 1;
        else if (!strcmp(a, "--mirror")) mirror = 1;
        else if (!strcmp(a, "--cpus") && sscanf(v, "%d,%d", &cpu_writer, &cpu_reader) == 2) i++;
        else {
            fprintf(stderr, "usage: slot-stream [--size B] [--segments N] [--slots N] [--batch N] [--messages N] "
                            "[--stamp-only] [--mirror] [--cpus A,B]\n");
            return 2;
        }
    }
    if (segments < 2 || slots < 1 || batch < 1 || messages < 1 || size < 8) {
        fprintf(stderr, "slot-stream: needs at least 2 segments, 1 slot, a batch of 1, 1 message and 8 bytes\n");
        return 2;
    }

    long stride = (HEADER + size + ALIGNMENT - 1) & ~(long)(ALIGNMENT - 1);
    long capacity = segments * slots;
    size_t ring_bytes = (size_t)(capacity * stride);
    unsigned char *ring = mmap(NULL, ring_bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    struct control *control = mmap(NULL, sizeof *control, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    unsigned char *message = malloc((size_t)size);
    if (ring == MAP_FAILED || control == MAP_FAILED || message == NULL) {
        perror("slot-stream: mmap");
        return 2;
    }
    memset(ring, 0, ring_bytes);
    for (long i = 0; i < size; i++) message[i] = (unsigned char)(i * 7 + 1);

    pid_t reader = fork();
    if (reader == 0) {
        pin_or_die(cpu_reader, "reader");
        long index = 0, in_segment = 0, sum = 0;
        double start = 0;
        for (int64_t expected = 1; expected <= messages; expected++) {
            unsigned char *slot = ring + index * stride;
            while (atomic_load_explicit((_Atomic int64_t *)slot, memory_order_acquire) != expected) {
            }
            if (expected == 1) start = now();
            sum += *(int32_t *)(slot + 8);
            if (++index == capacity) index = 0;
            if (++in_segment == slots) {
                in_segment = 0;
                atomic_store_explicit(&control->head, expected, memory_order_release);
            }
        }
        control->seconds = now() - start;
        _exit(sum == messages * size ? 0 : 1);
    }

    pin_or_die(cpu_writer, "writer");
    unsigned char *copy = mirror ? aligned_alloc(4096, ring_bytes) : NULL;
    if (copy) memset(copy, 0, ring_bytes);
    long index = 0;
    for (int64_t next = 1; next <= messages;) {
        // Sequence s reuses the slot of s - capacity: it may be written once the reader's head (published at the end
        // of each segment, so the writer crosses into a segment only when the reader is out of it) has passed that.
        int64_t head = atomic_load_explicit(&control->head, memory_order_acquire);
        long room = (long)(head + capacity - (next - 1));
        long count = room < batch ? room : batch;
        if (count > messages - next + 1) count = messages - next + 1;
        if (count <= 0) continue;
        long first = index;
        for (long k = 0, i = first; k < count; k++, i = i + 1 == capacity ? 0 : i + 1)
            *(int32_t *)(ring + i * stride + 8) = (int32_t)size;
        for (long k = 0, i = first; k < count; k++, i = i + 1 == capacity ? 0 : i + 1) {
            unsigned char *payload = ring + i * stride + HEADER;
            if (!stamp_only) memcpy(payload, message, (size_t)size);
            memcpy(payload, &(int64_t){next + k}, sizeof(int64_t));
        }
        for (long k = 0, i = first; k < count; k++, i = i + 1 == capacity ? 0 : i + 1) {
            unsigned char *slot = ring + i * stride;
            *(uint32_t *)(slot + 12) = STORE_ORDER_MARKER;
            atomic_store_explicit((_Atomic int64_t *)slot, next + k, memory_order_release);
        }
        if (copy) {
            long run = count < capacity - first ? count : capacity - first;
            memcpy(copy + first * stride, ring + first * stride, (size_t)(run * stride));
            if (count > run) memcpy(copy, ring, (size_t)((count - run) * stride));
        }
        index = (first + count) % capacity;
        next += count;
    }

    int status;
    waitpid(reader, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "slot-stream: the reader saw wrong lengths\n");
        return 1;
    }
    printf("slot-stream: %ld B in %ld-byte slots, %ld x %ld ring, batch %ld, %s%s: %.1f M msg/s (%ld messages, %.3f s)\n",
           size, stride, segments, slots, batch, stamp_only ? "8-byte stamp only" : "whole message",
           mirror ? ", mirror copy" : "", messages / control->seconds / 1e6, messages, control->seconds);
    return 0;
}
