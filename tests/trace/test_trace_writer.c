// SPDX-License-Identifier: Apache-2.0
// The durable writer under kill -9, a file size limit, a full disk and an
// unwritable folder. Timing margins are wide: the machine may be loaded.
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/stoa_clock.h"
#include "stoa_test.h"
#include "trace/stoa_trace.h"
#include "trace/stoa_trace_writer.h"
#include "trace_test_util.h"

static int64_t mono_ns(void)
{
    return stoa_clock_now(stoa_clock_monotonic());
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

// Warnings seen by a writer, counted per code (thread-safe).
typedef struct warn_log {
    pthread_mutex_t mu;
    int count[8];
    char last[1024];
} warn_log;

static void on_warning(void *user, stoa_trace_warning code, const char *message)
{
    warn_log *w = user;
    pthread_mutex_lock(&w->mu);
    if (code < 8)
        w->count[code]++;
    snprintf(w->last, sizeof w->last, "%s", message);
    pthread_mutex_unlock(&w->mu);
}

static int warn_count(warn_log *w, stoa_trace_warning code)
{
    pthread_mutex_lock(&w->mu);
    int n = w->count[code];
    pthread_mutex_unlock(&w->mu);
    return n;
}

static bool wait_for(warn_log *w, stoa_trace_warning code, int timeout_ms)
{
    for (int t = 0; t < timeout_ms; t += 10) {
        if (warn_count(w, code) > 0)
            return true;
        sleep_ms(10);
    }
    return false;
}

// Lines "{"seq":N,"pad":"..."}" so order and exactness can be checked.
static void append_seq(stoa_trace_writer *w, int seq, unsigned flags)
{
    char line[256];
    int n = snprintf(line, sizeof line, "{\"seq\":%d,\"pad\":\"%s\"}", seq,
                     "the learner looked at the column of the stoa for a while");
    stoa_trace_writer_append(w, line, (size_t)n, flags);
}

// Every line of the file must be seq 0..n-1, once each, in order.
static void check_exact_sequence(const char *path, int n)
{
    bool torn = true;
    cJSON *all = tt_read_log(path, &torn);
    CHECK(all != NULL && !torn);
    if (!all)
        return;
    CHECK_MSG(cJSON_GetArraySize(all) == n, "%d lines, want %d", cJSON_GetArraySize(all), n);
    int i = 0;
    const cJSON *st;
    cJSON_ArrayForEach(st, all)
    {
        const cJSON *seq = cJSON_GetObjectItem(st, "seq");
        CHECK_MSG(cJSON_IsNumber(seq) && seq->valueint == i, "line %d has seq %d", i + 1,
                  cJSON_IsNumber(seq) ? seq->valueint : -1);
        i++;
    }
    cJSON_Delete(all);
}

STOA_TEST(appends_in_order_and_never_truncates)
{
    char dir[512], path[700];
    tt_make_temp_dir(dir, sizeof dir, "wr");
    snprintf(path, sizeof path, "%s/sub/dir/log.jsonl", dir); // folders are made
    for (int round = 0; round < 2; round++) {
        stoa_trace_writer *w = NULL;
        stoa_error err;
        CHECK(stoa_trace_writer_create(&(stoa_trace_writer_desc){.path = path}, &w, &err) == STOA_OK);
        for (int i = 0; i < 500; i++)
            append_seq(w, round * 500 + i, i % 50 == 0 ? STOA_TRACE_SYNC_NOW : 0);
        CHECK(stoa_trace_writer_flush(w, 10000) == STOA_OK);
        stoa_trace_writer_stats s;
        stoa_trace_writer_get_stats(w, &s);
        CHECK(s.synced == 500 && s.written == 500 && s.queued_bytes == 0);
        stoa_trace_writer_destroy(&w);
        CHECK(w == NULL);
    }
    check_exact_sequence(path, 1000); // the second writer appended
}

// ---- kill -9 -----------------------------------------------------------------

typedef struct enqueue_report {
    int32_t seq;
    int64_t t_ns; // CLOCK_MONOTONIC, shared by parent and child
} enqueue_report;

static void child_writes_forever(const char *dir, int report_fd)
{
    stoa_trace_log *log = NULL;
    stoa_error err;
    if (stoa_trace_log_create(&(stoa_trace_log_desc){.traces_dir = dir, .lesson_id = "kill",
                                                     .learner_account = "learner-1"},
                              &log, &err) != STOA_OK)
        _exit(3);
    stoa_trace_initialized(log, stoa_trace_now(log));
    stoa_trace_names none = {0};
    for (int32_t seq = 0;; seq++) {
        char node[32];
        snprintf(node, sizeof node, "n%d", seq); // the node id carries the sequence number
        int64_t now = stoa_trace_now(log);
        if (seq % 10 == 0)
            stoa_trace_state_entered(log, node, none, NULL, 0, now);
        else
            stoa_trace_gaze_dwell(log, node, none, false, 1000000, now);
        enqueue_report r = {seq, mono_ns()};
        if (write(report_fd, &r, sizeof r) != (ssize_t)sizeof r)
            _exit(4);
        sleep_ms(2); // a frame loop's pace, roughly
    }
}

static int seq_of(const cJSON *st)
{
    const cJSON *id = cJSON_GetObjectItem(cJSON_GetObjectItem(st, "object"), "id");
    const char *n = cJSON_IsString(id) ? strrchr(id->valuestring, '/') : NULL;
    return n && n[1] == 'n' ? atoi(n + 2) : -1;
}

STOA_TEST(sigkill_loses_at_most_the_last_250ms)
{
    char dir[512];
    tt_make_temp_dir(dir, sizeof dir, "kill");
    int fds[2];
    CHECK(pipe(fds) == 0);
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        child_writes_forever(dir, fds[1]);
    }
    close(fds[1]);
    enqueue_report *reps = calloc(200000, sizeof *reps);
    size_t n = 0;
    int64_t start = mono_ns(), kill_at = 0;
    // Read reports until 1.5 s of writing, then kill in the middle of it.
    while (n < 200000) {
        ssize_t r = read(fds[0], &reps[n], sizeof *reps);
        if (r != (ssize_t)sizeof *reps)
            break;
        n++;
        if (!kill_at && mono_ns() - start > 1500000000LL) {
            kill_at = mono_ns();
            kill(pid, SIGKILL);
        }
    }
    int status;
    waitpid(pid, &status, 0);
    close(fds[0]);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    CHECK(n > 50);

    char cmd[1024], *out = NULL;
    snprintf(cmd, sizeof cmd, "ls %s/*.jsonl", dir);
    CHECK(tt_run(cmd, &out) == 0);
    char path[1024] = "";
    if (out)
        sscanf(out, "%1023s", path);
    free(out);
    cJSON *all = tt_read_log(path, NULL); // a torn tail is allowed and skipped
    CHECK(all != NULL);
    if (!all) {
        free(reps);
        return;
    }
    int max_seq = -1, expected_max = -1, in_file = 0;
    const cJSON *st;
    cJSON_ArrayForEach(st, all)
    {
        int s = seq_of(st);
        if (s >= 0) {
            CHECK_MSG(s == max_seq + 1, "seq %d follows %d", s, max_seq); // no gaps, in order
            max_seq = s;
            in_file++;
        }
    }
    for (size_t i = 0; i < n; i++)
        if (reps[i].t_ns < kill_at - 250000000LL)
            expected_max = reps[i].seq;
    CHECK_MSG(max_seq >= expected_max, "file ends at %d; %d was enqueued >250 ms before the kill",
              max_seq, expected_max);
    CHECK(expected_max > 0);
    printf("  kill -9: %zu enqueued, %d in the file, last lost %.0f ms before the kill\n", n,
           in_file,
           max_seq + 1 < (int)n ? (double)(kill_at - reps[max_seq + 1].t_ns) / 1e6 : 0.0);
    cJSON_Delete(all);
    free(reps);
}

// ---- file size limit (RLIMIT_FSIZE) ----------------------------------------------

// Runs in a child: a soft limit the parent would not want. Exit 0 = pass;
// otherwise the code says which step failed.
static int size_limit_child(const char *path)
{
    signal(SIGXFSZ, SIG_IGN);
    struct rlimit rl;
    getrlimit(RLIMIT_FSIZE, &rl);
    struct rlimit small = {.rlim_cur = 4096, .rlim_max = rl.rlim_max};
    if (setrlimit(RLIMIT_FSIZE, &small) != 0)
        return 10;
    warn_log wl = {.mu = PTHREAD_MUTEX_INITIALIZER};
    stoa_trace_writer *w = NULL;
    stoa_error err;
    if (stoa_trace_writer_create(&(stoa_trace_writer_desc){.path = path, .on_warning = on_warning,
                                                           .user = &wl, .retry_interval_ms = 50},
                                 &w, &err) != STOA_OK)
        return 11;
    for (int i = 0; i < 200; i++) // ~20 KB: well past the limit
        append_seq(w, i, i % 20 == 0 ? STOA_TRACE_SYNC_NOW : 0);
    if (!wait_for(&wl, STOA_TRACE_WARN_WRITE_FAILED, 10000))
        return 12;
    if (!strstr(wl.last, "File too large") || !strstr(wl.last, path))
        return 13;
    for (int i = 200; i < 250; i++) // the lesson goes on
        append_seq(w, i, 0);
    sleep_ms(200);
    struct stat sb;
    if (stat(path, &sb) != 0 || sb.st_size > 4096)
        return 14;
    stoa_trace_writer_stats s;
    stoa_trace_writer_get_stats(w, &s);
    if (!s.failing || s.enqueued != 250 || s.queued_bytes == 0)
        return 15;
    if (setrlimit(RLIMIT_FSIZE, &rl) != 0) // space returns
        return 16;
    if (stoa_trace_writer_flush(w, 20000) != STOA_OK)
        return 17;
    if (!wait_for(&wl, STOA_TRACE_WARN_RECOVERED, 5000))
        return 18;
    stoa_trace_writer_destroy(&w);
    return 0;
}

STOA_TEST(file_size_limit_warns_keeps_going_and_writes_once)
{
    char dir[512], path[700];
    tt_make_temp_dir(dir, sizeof dir, "fsize");
    snprintf(path, sizeof path, "%s/log.jsonl", dir);
    pid_t pid = fork();
    if (pid == 0)
        _exit(size_limit_child(path));
    int status;
    waitpid(pid, &status, 0);
    CHECK_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child step %d failed",
              WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status));
    check_exact_sequence(path, 250);
}

// ---- unwritable folder -------------------------------------------------------------

STOA_TEST(unwritable_folder_warns_and_recovers)
{
    char dir[512], blocker[700], path[800];
    tt_make_temp_dir(dir, sizeof dir, "unwritable");
    // A file where the folder should be: unwritable even for root, who
    // ignores permission bits.
    snprintf(blocker, sizeof blocker, "%s/traces", dir);
    snprintf(path, sizeof path, "%s/run.jsonl", blocker);
    int fd = open(blocker, O_CREAT | O_WRONLY, 0644);
    close(fd);
    warn_log wl = {.mu = PTHREAD_MUTEX_INITIALIZER};
    stoa_trace_writer *w = NULL;
    stoa_error err;
    CHECK(stoa_trace_writer_create(&(stoa_trace_writer_desc){.path = path, .on_warning = on_warning,
                                                             .user = &wl, .retry_interval_ms = 50},
                                   &w, &err) == STOA_OK);
    for (int i = 0; i < 100; i++)
        append_seq(w, i, i == 0 ? STOA_TRACE_SYNC_NOW : 0);
    CHECK(wait_for(&wl, STOA_TRACE_WARN_OPEN_FAILED, 10000));
    CHECK_CONTAINS(wl.last, path);
    CHECK_CONTAINS(wl.last, "Not a directory");
    CHECK_CONTAINS(wl.last, "the lesson goes on");
    sleep_ms(300); // several retries fail: still one warning per episode
    CHECK(warn_count(&wl, STOA_TRACE_WARN_OPEN_FAILED) == 1);
    for (int i = 100; i < 150; i++)
        append_seq(w, i, 0);
    unlink(blocker); // the operator fixes the folder
    CHECK(stoa_trace_writer_flush(w, 20000) == STOA_OK);
    CHECK(wait_for(&wl, STOA_TRACE_WARN_RECOVERED, 5000));
    stoa_trace_writer_destroy(&w);
    check_exact_sequence(path, 150);
}

// ---- disk full, through the write hook ---------------------------------------------

typedef struct flaky_disk {
    pthread_mutex_t mu;
    bool full;
    size_t room; // bytes accepted before the disk fills (then partial writes)
} flaky_disk;

static ssize_t flaky_write(void *user, int fd, const void *buf, size_t n)
{
    flaky_disk *d = user;
    pthread_mutex_lock(&d->mu);
    size_t allow = n;
    if (d->full) {
        allow = n < d->room ? n : d->room;
        d->room -= allow;
    }
    pthread_mutex_unlock(&d->mu);
    if (allow == 0) {
        errno = ENOSPC;
        return -1;
    }
    return write(fd, buf, allow);
}

STOA_TEST(disk_full_keeps_statements_and_finishes_torn_lines)
{
    char dir[512], path[700];
    tt_make_temp_dir(dir, sizeof dir, "enospc");
    snprintf(path, sizeof path, "%s/log.jsonl", dir);
    flaky_disk disk = {.mu = PTHREAD_MUTEX_INITIALIZER, .full = true, .room = 1000};
    warn_log wl = {.mu = PTHREAD_MUTEX_INITIALIZER};
    stoa_trace_writer *w = NULL;
    stoa_error err;
    CHECK(stoa_trace_writer_create(&(stoa_trace_writer_desc){.path = path, .on_warning = on_warning,
                                                             .user = &wl, .retry_interval_ms = 50,
                                                             .write_fn = flaky_write,
                                                             .io_user = &disk},
                                   &w, &err) == STOA_OK);
    for (int i = 0; i < 100; i++)
        append_seq(w, i, STOA_TRACE_SYNC_NOW);
    CHECK(wait_for(&wl, STOA_TRACE_WARN_WRITE_FAILED, 10000));
    CHECK_CONTAINS(wl.last, "No space left on device");
    bool torn = false;
    cJSON *partial = tt_read_log(path, &torn);
    CHECK(torn); // 1000 bytes is not a whole number of lines
    cJSON_Delete(partial);
    pthread_mutex_lock(&disk.mu);
    disk.full = false;
    pthread_mutex_unlock(&disk.mu);
    CHECK(stoa_trace_writer_flush(w, 20000) == STOA_OK);
    stoa_trace_writer_destroy(&w);
    check_exact_sequence(path, 100);
}

STOA_TEST(memory_bound_drops_new_lines_and_says_so)
{
    char dir[512], path[700];
    tt_make_temp_dir(dir, sizeof dir, "bound");
    snprintf(path, sizeof path, "%s/log.jsonl", dir);
    flaky_disk disk = {.mu = PTHREAD_MUTEX_INITIALIZER, .full = true, .room = 0};
    warn_log wl = {.mu = PTHREAD_MUTEX_INITIALIZER};
    stoa_trace_writer *w = NULL;
    stoa_error err;
    CHECK(stoa_trace_writer_create(&(stoa_trace_writer_desc){.path = path, .on_warning = on_warning,
                                                             .user = &wl, .memory_limit = 10000,
                                                             .write_fn = flaky_write,
                                                             .io_user = &disk, .close_timeout_ms = 100},
                                   &w, &err) == STOA_OK);
    int accepted = 0;
    for (int i = 0; i < 200; i++) {
        char line[128];
        int n = snprintf(line, sizeof line, "{\"seq\":%d,\"pad\":\"%060d\"}", i, 0);
        accepted += stoa_trace_writer_append(w, line, (size_t)n, 0);
    }
    CHECK(accepted > 50 && accepted < 200);
    char small[] = "{\"low\":1}";
    stoa_trace_writer_stats s;
    stoa_trace_writer_get_stats(w, &s);
    CHECK(s.dropped == (uint64_t)(200 - accepted));
    CHECK(!stoa_trace_writer_append(w, small, strlen(small), STOA_TRACE_LOW_PRIORITY)); // > half
    CHECK(wait_for(&wl, STOA_TRACE_WARN_DROPPED, 5000));
    CHECK(warn_count(&wl, STOA_TRACE_WARN_DROPPED) == 1); // once per episode
    stoa_trace_writer_destroy(&w); // disk still full: reports the loss
    CHECK(warn_count(&wl, STOA_TRACE_WARN_LOST_AT_CLOSE) == 1);
}

STOA_TEST_MAIN()
