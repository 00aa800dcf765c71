// SPDX-License-Identifier: Apache-2.0
// bench_trace [DIR] [N]: what the trace log costs the frame loop per
// statement (median and p99 of the calling thread's time, building JSON
// included), and how many statements per second the writer sustains to disk.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/stoa_clock.h"
#include "trace/stoa_trace.h"

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

static const stoa_trace_text k_names[] = {{"zh-CN", "多立克柱"}, {"en", "Doric column"}};

static stoa_trace_log *open_log(const char *dir, const char *lesson)
{
    stoa_trace_log *log = NULL;
    stoa_error err;
    if (stoa_trace_log_create(&(stoa_trace_log_desc){.traces_dir = dir, .lesson_id = lesson,
                                                     .learner_account = "bench", .language = "en",
                                                     .writer = {.memory_limit = 256u << 20}},
                              &log, &err) != STOA_OK) {
        fprintf(stderr, "bench_trace: %s\n", err.message);
        exit(1);
    }
    stoa_trace_initialized(log, stoa_trace_now(log));
    return log;
}

// One "frame event": alternately a gaze dwell and an answer, the common kinds.
static void one_statement(stoa_trace_log *log, int i)
{
    stoa_trace_names names = {k_names, 2};
    if (i % 4 == 3)
        stoa_trace_answered(log, &(stoa_trace_answer){.question_id = "q1", .names = names,
                                                       .response = "b", .success = i % 8 == 3},
                            stoa_trace_now(log));
    else
        stoa_trace_gaze_dwell(log, "column", names, true, 1500000000, stoa_trace_now(log));
}

int main(int argc, char **argv)
{
    char dir[512];
    if (argc > 1) {
        snprintf(dir, sizeof dir, "%s", argv[1]);
    } else {
        snprintf(dir, sizeof dir, "/tmp/stoa-bench-trace-XXXXXX");
        if (!mkdtemp(dir))
            return 1;
    }
    int n = argc > 2 ? atoi(argv[2]) : 50000;
    if (n < 100)
        n = 100;

    // 1. Frame-loop cost at a realistic pace (the writer keeps up).
    stoa_trace_log *log = open_log(dir, "bench-latency");
    int64_t *cost = malloc(sizeof *cost * (size_t)n);
    for (int i = 0; i < n; i++) {
        int64_t t0 = now_ns();
        one_statement(log, i);
        cost[i] = now_ns() - t0;
        if (i % 64 == 63) {
            struct timespec ts = {0, 200000}; // ~5000 statements/s: a busy lesson x 100
            nanosleep(&ts, NULL);
        }
    }
    qsort(cost, (size_t)n, sizeof *cost, cmp_i64);
    stoa_trace_writer_stats st;
    stoa_trace_writer_get_stats(stoa_trace_log_writer(log), &st);
    printf("frame-loop cost per statement (build + enqueue, %d statements incl. 1 in 4 "
           "sync-now answers): median %lld ns, p99 %lld ns, max %lld ns\n",
           n, (long long)cost[n / 2], (long long)cost[(int64_t)n * 99 / 100],
           (long long)cost[n - 1]);
    stoa_trace_log_destroy(&log);

    // 2. Sustained throughput: enqueue flat out (waiting only if the queue
    // passes 32 MiB), until everything is written and fdatasync'ed.
    log = open_log(dir, "bench-throughput");
    stoa_trace_writer *w = stoa_trace_log_writer(log);
    int64_t t0 = now_ns();
    for (int i = 0; i < n; i++) {
        one_statement(log, i);
        if (i % 1024 == 0) {
            stoa_trace_writer_get_stats(w, &st);
            while (st.queued_bytes > (32u << 20)) {
                usleep(1000);
                stoa_trace_writer_get_stats(w, &st);
            }
        }
    }
    int64_t t_enq = now_ns();
    stoa_trace_writer_flush(w, 120000);
    int64_t t1 = now_ns();
    stoa_trace_writer_get_stats(w, &st);
    printf("writer throughput: %llu statements written and synced in %.3f s = %.0f statements/s "
           "(producer alone: %.0f statements/s; dropped %llu)\n",
           (unsigned long long)st.synced, (double)(t1 - t0) / 1e9,
           (double)st.synced / ((double)(t1 - t0) / 1e9), (double)n / ((double)(t_enq - t0) / 1e9),
           (unsigned long long)st.dropped);
        stoa_trace_log_destroy(&log);

    // 3. The writer alone: pre-built 1 KB lines, appended flat out.
    char path[700], line[1024];
    snprintf(path, sizeof path, "%s/bench-raw.jsonl", dir);
    memset(line, 'x', sizeof line);
    memcpy(line, "{\"x\":\"", 6);
    memcpy(line + sizeof line - 2, "\"}", 2);
    stoa_error err;
    if (stoa_trace_writer_create(&(stoa_trace_writer_desc){.path = path, .memory_limit = 256u << 20},
                                 &w, &err) != STOA_OK)
        return 1;
    int raw_n = n * 4;
    t0 = now_ns();
    for (int i = 0; i < raw_n; i++) {
        stoa_trace_writer_append(w, line, sizeof line, 0);
        if (i % 1024 == 0) {
            stoa_trace_writer_get_stats(w, &st);
            while (st.queued_bytes > (64u << 20)) {
                usleep(1000);
                stoa_trace_writer_get_stats(w, &st);
            }
        }
    }
    stoa_trace_writer_flush(w, 120000);
    t1 = now_ns();
    stoa_trace_writer_get_stats(w, &st);
    printf("writer alone: %llu lines of 1 KiB written and synced in %.3f s = %.0f lines/s (%.0f MB/s)\n",
           (unsigned long long)st.synced, (double)(t1 - t0) / 1e9,
           (double)st.synced / ((double)(t1 - t0) / 1e9),
           (double)st.synced * 1025 / 1e6 / ((double)(t1 - t0) / 1e9));
    stoa_trace_writer_destroy(&w);
    free(cost);
    if (argc <= 1) { // our own temporary folder: ~100 MB of logs, not worth keeping
        char cmd[600];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        if (system(cmd) != 0)
            fprintf(stderr, "bench_trace: could not remove %s\n", dir);
    }
    return 0;
}
