// SPDX-License-Identifier: Apache-2.0
// The writer thread and its queue. Producers only link a node under the
// mutex; the thread owns the file, the backlog and every system call.
#include "stoa_trace_writer.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/stoa_log.h"

typedef struct node {
    struct node *next;
    size_t len; // bytes including the trailing '\n'
    char data[];
} node;

struct stoa_trace_writer {
    stoa_trace_writer_desc desc;
    char *path;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t wake;
    pthread_cond_t done;

    // Shared, under mu.
    node *in_head, *in_tail;
    bool sync_requested, stop, drop_warning_due, drop_episode;
    uint64_t enqueued, dropped, written, synced, write_errors;
    size_t queued_bytes;
    bool failing;

    // Writer thread only.
    node *back_head, *back_tail;
    size_t back_offset; // bytes of back_head already in the file
    int fd;
    int64_t next_retry_ns;
    bool warned_failure;
    bool warned_sync; // fdatasync failures are warned once per writer
};

static int64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static struct timespec deadline_in(int64_t ns)
{
    int64_t t = mono_ns() + ns;
    return (struct timespec){.tv_sec = t / 1000000000LL, .tv_nsec = t % 1000000000LL};
}

static void warn(stoa_trace_writer *w, stoa_trace_warning code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void warn(stoa_trace_writer *w, stoa_trace_warning code, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (w->desc.on_warning)
        w->desc.on_warning(w->desc.user, code, msg);
    else
        stoa_log("trace", code == STOA_TRACE_WARN_RECOVERED ? STOA_LOG_INFO : STOA_LOG_WARN, "%s",
                 msg);
}

// mkdir -p of the file's folder; errors surface when the open fails.
static void make_parent_dirs(const char *path)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", path);
    char *slash = strrchr(buf, '/');
    if (!slash || slash == buf)
        return;
    *slash = '\0';
    for (char *p = buf + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            mkdir(buf, 0755);
            *p = '/';
        }
    }
    mkdir(buf, 0755);
}

static bool ensure_open(stoa_trace_writer *w)
{
    if (w->fd >= 0)
        return true;
    make_parent_dirs(w->path);
    w->fd = open(w->path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (w->fd >= 0)
        return true;
    int e = errno;
    if (!w->warned_failure)
        warn(w, STOA_TRACE_WARN_OPEN_FAILED,
             "trace: cannot open %s: %s; the lesson goes on, statements are kept in memory "
             "(up to %zu bytes) and written when the folder works again (retry every %d ms)",
             w->path, strerror(e), w->desc.memory_limit, w->desc.retry_interval_ms);
    return false;
}

static ssize_t do_write(stoa_trace_writer *w, const void *buf, size_t n)
{
    if (w->desc.write_fn)
        return w->desc.write_fn(w->desc.io_user, w->fd, buf, n);
    return write(w->fd, buf, n);
}

// Writes the backlog in order. Returns lines and bytes completed; sets
// *failed when a write failed (the backlog keeps what is left).
static void write_backlog(stoa_trace_writer *w, uint64_t *lines, size_t *bytes, bool *failed)
{
    *lines = 0;
    *bytes = 0;
    *failed = false;
    if (!w->back_head)
        return;
    if (!ensure_open(w)) {
        *failed = true;
        return;
    }
    while (w->back_head) {
        node *n = w->back_head;
        ssize_t r = do_write(w, n->data + w->back_offset, n->len - w->back_offset);
        if (r < 0) {
            int e = errno;
            if (e == EINTR)
                continue;
            if (!w->warned_failure)
                warn(w, STOA_TRACE_WARN_WRITE_FAILED,
                     "trace: writing %s failed: %s; the lesson goes on, statements are kept in "
                     "memory (up to %zu bytes) and written when writing works again (retry "
                     "every %d ms)",
                     w->path, strerror(e), w->desc.memory_limit, w->desc.retry_interval_ms);
            if (e != ENOSPC && e != EFBIG && e != EDQUOT && e != EAGAIN) {
                close(w->fd);
                w->fd = -1; // reopen on retry (the file may have gone)
            }
            *failed = true;
            return;
        }
        w->back_offset += (size_t)r;
        if (w->back_offset < n->len)
            continue; // short write: finish this line, never restart it
        w->back_head = n->next;
        if (!w->back_head)
            w->back_tail = NULL;
        w->back_offset = 0;
        *bytes += n->len;
        (*lines)++;
        free(n);
    }
}

static void take_incoming(stoa_trace_writer *w)
{
    if (!w->in_head)
        return;
    if (w->back_tail)
        w->back_tail->next = w->in_head;
    else
        w->back_head = w->in_head;
    w->back_tail = w->in_tail;
    w->in_head = w->in_tail = NULL;
}

static void *writer_main(void *arg)
{
    stoa_trace_writer *w = arg;
    // Signals belong to the main thread; a blocked SIGXFSZ also turns a
    // file-size limit into a plain EFBIG here instead of killing the lesson.
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, NULL);

    int64_t close_deadline = 0;
    uint64_t unsynced = 0;
    pthread_mutex_lock(&w->mu);
    while (true) {
        if (!w->stop && !w->sync_requested) {
            int64_t wait_ms = w->failing ? w->desc.retry_interval_ms : w->desc.flush_interval_ms;
            struct timespec dl = deadline_in(wait_ms * 1000000LL);
            pthread_cond_timedwait(&w->wake, &w->mu, &dl);
        }
        take_incoming(w);
        bool sync_now = w->sync_requested, stopping = w->stop;
        w->sync_requested = false;
        bool drop_warn = w->drop_warning_due;
        w->drop_warning_due = false;
        uint64_t dropped = w->dropped;
        pthread_mutex_unlock(&w->mu);

        if (drop_warn)
            warn(w, STOA_TRACE_WARN_DROPPED,
                 "trace: %s: more than %zu bytes of statements waiting in memory; new "
                 "statements are being dropped (%llu so far)",
                 w->path, w->desc.memory_limit, (unsigned long long)dropped);
        if (stopping && !close_deadline)
            close_deadline = mono_ns() + w->desc.close_timeout_ms * 1000000LL;

        uint64_t lines = 0;
        size_t bytes = 0;
        bool failed = false;
        int64_t now = mono_ns();
        bool retry_due = !w->warned_failure || now >= w->next_retry_ns || stopping;
        if (retry_due) {
            write_backlog(w, &lines, &bytes, &failed);
            if (failed) {
                w->warned_failure = true;
                w->next_retry_ns = now + w->desc.retry_interval_ms * 1000000LL;
            }
        }
        unsynced += lines;
        bool sync_failed = false;
        if (unsynced > 0 && w->fd >= 0 && (lines > 0 || sync_now)) {
            if (fdatasync(w->fd) == 0) {
                unsynced = 0;
            } else {
                sync_failed = true;
            }
            if (sync_failed && !w->warned_sync) {
                w->warned_sync = true;
                warn(w, STOA_TRACE_WARN_SYNC_FAILED, "trace: fdatasync %s failed: %s", w->path,
                     strerror(errno));
            }
        }
        bool recovered = retry_due && !failed && w->warned_failure;
        if (recovered) {
            w->warned_failure = false;
            warn(w, STOA_TRACE_WARN_RECOVERED,
                 "trace: writing %s works again; statements kept in memory are written", w->path);
        }

        pthread_mutex_lock(&w->mu);
        w->written += lines;
        if (!sync_failed)
            w->synced = w->written - unsynced;
        w->queued_bytes -= bytes;
        if (w->queued_bytes < w->desc.memory_limit / 4)
            w->drop_episode = false;
        w->failing = w->warned_failure;
        if (failed)
            w->write_errors++;
        pthread_cond_broadcast(&w->done);
        bool empty = !w->back_head && !w->in_head;
        if (stopping && (empty || mono_ns() >= close_deadline))
            break;
        if (stopping && w->failing) {
            // Closing on a failing disk: retry often until the deadline.
            pthread_mutex_unlock(&w->mu);
            struct timespec ts = {0, 50 * 1000000L};
            nanosleep(&ts, NULL);
            w->next_retry_ns = 0;
            pthread_mutex_lock(&w->mu);
        }
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

stoa_result stoa_trace_writer_create(const stoa_trace_writer_desc *desc,
                                     stoa_trace_writer **out_writer, stoa_error *err)
{
    *out_writer = NULL;
    if (!desc || !desc->path || !*desc->path)
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT, "trace writer: no file path");
    stoa_trace_writer *w = calloc(1, sizeof *w);
    if (!w || !(w->path = strdup(desc->path))) {
        free(w);
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "trace writer: out of memory");
    }
    w->desc = *desc;
    w->desc.path = w->path;
    if (w->desc.flush_interval_ms <= 0)
        w->desc.flush_interval_ms = 100;
    if (w->desc.retry_interval_ms <= 0)
        w->desc.retry_interval_ms = 1000;
    if (w->desc.close_timeout_ms <= 0)
        w->desc.close_timeout_ms = 2000;
    if (w->desc.memory_limit == 0)
        w->desc.memory_limit = 64u << 20;
    w->fd = -1;
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->wake, &ca);
    pthread_cond_init(&w->done, &ca);
    pthread_condattr_destroy(&ca);
    if (pthread_create(&w->thread, NULL, writer_main, w) != 0) {
        pthread_mutex_destroy(&w->mu);
        pthread_cond_destroy(&w->wake);
        pthread_cond_destroy(&w->done);
        free(w->path);
        free(w);
        return stoa_error_set(err, STOA_ERROR_IO, "trace writer: cannot start its thread");
    }
    *out_writer = w;
    return STOA_OK;
}

bool stoa_trace_writer_append(stoa_trace_writer *w, const char *line, size_t len, unsigned flags)
{
    if (!w)
        return false;
    node *n = malloc(sizeof *n + len + 1);
    if (!n)
        return false;
    memcpy(n->data, line, len);
    n->data[len] = '\n';
    n->len = len + 1;
    n->next = NULL;

    pthread_mutex_lock(&w->mu);
    size_t limit = w->desc.memory_limit;
    if ((flags & STOA_TRACE_LOW_PRIORITY) ? w->queued_bytes + n->len > limit / 2
                                          : w->queued_bytes + n->len > limit) {
        w->dropped++;
        if (!w->drop_episode)
            w->drop_warning_due = w->drop_episode = true;
        pthread_mutex_unlock(&w->mu);
        free(n);
        return false;
    }
    if (w->in_tail)
        w->in_tail->next = n;
    else
        w->in_head = n;
    w->in_tail = n;
    w->queued_bytes += n->len;
    w->enqueued++;
    if (flags & STOA_TRACE_SYNC_NOW) {
        w->sync_requested = true;
        pthread_cond_signal(&w->wake);
    }
    pthread_mutex_unlock(&w->mu);
    return true;
}

stoa_result stoa_trace_writer_flush(stoa_trace_writer *w, int timeout_ms)
{
    if (!w)
        return STOA_ERROR_INVALID_ARGUMENT;
    struct timespec dl = deadline_in((int64_t)timeout_ms * 1000000LL);
    pthread_mutex_lock(&w->mu);
    uint64_t target = w->enqueued;
    w->sync_requested = true;
    pthread_cond_signal(&w->wake);
    int rc = 0;
    while (w->synced < target && rc == 0)
        rc = pthread_cond_timedwait(&w->done, &w->mu, &dl);
    bool ok = w->synced >= target;
    pthread_mutex_unlock(&w->mu);
    return ok ? STOA_OK : STOA_TIMEOUT;
}

void stoa_trace_writer_get_stats(stoa_trace_writer *w, stoa_trace_writer_stats *out)
{
    pthread_mutex_lock(&w->mu);
    *out = (stoa_trace_writer_stats){
        .enqueued = w->enqueued,
        .written = w->written,
        .synced = w->synced,
        .dropped = w->dropped,
        .write_errors = w->write_errors,
        .queued_bytes = w->queued_bytes,
        .failing = w->failing,
    };
    pthread_mutex_unlock(&w->mu);
}

const char *stoa_trace_writer_path(const stoa_trace_writer *w)
{
    return w ? w->path : "";
}

static void free_list(node *n)
{
    while (n) {
        node *next = n->next;
        free(n);
        n = next;
    }
}

void stoa_trace_writer_destroy(stoa_trace_writer **pw)
{
    if (!pw || !*pw)
        return;
    stoa_trace_writer *w = *pw;
    pthread_mutex_lock(&w->mu);
    w->stop = true;
    pthread_cond_signal(&w->wake);
    pthread_mutex_unlock(&w->mu);
    pthread_join(w->thread, NULL);
    uint64_t lost = w->enqueued - w->written;
    if (lost > 0)
        warn(w, STOA_TRACE_WARN_LOST_AT_CLOSE,
             "trace: closing %s with %llu statements not written (writing kept failing)", w->path,
             (unsigned long long)lost);
    free_list(w->back_head);
    free_list(w->in_head);
    if (w->fd >= 0)
        close(w->fd);
    pthread_mutex_destroy(&w->mu);
    pthread_cond_destroy(&w->wake);
    pthread_cond_destroy(&w->done);
    free(w->path);
    free(w);
    *pw = NULL;
}
