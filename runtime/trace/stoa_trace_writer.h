// SPDX-License-Identifier: Apache-2.0
// The durable trace writer: appends lines to one file from a thread of its
// own, so the frame loop never waits for the disk.
//
// - The file is opened O_APPEND and never truncated or rewritten.
// - stoa_trace_writer_append() copies the line, then holds a mutex only to
//   link it onto a queue (no I/O, no waiting on the writer).
// - The writer thread wakes every flush_interval_ms (default 100) and at
//   once for lines marked STOA_TRACE_SYNC_NOW; it writes what is queued and
//   fdatasyncs, so a crash loses at most about one interval.
// - When writing fails (ENOSPC, EFBIG, EACCES, a folder that cannot be made,
//   ...) it warns through on_warning, keeps the lines queued in memory and
//   retries every retry_interval_ms. A half-written line is finished, never
//   written again: nothing is duplicated or reordered.
// - Past memory_limit bytes queued, lines marked STOA_TRACE_LOW_PRIORITY are
//   dropped first (from half the limit on), then every new line; each drop
//   is counted and warned about once per episode.
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/stoa_result.h"

typedef enum stoa_trace_warning {
    STOA_TRACE_WARN_OPEN_FAILED = 1, // the folder or file cannot be made/opened
    STOA_TRACE_WARN_WRITE_FAILED,    // write() failed: disk full, size limit, I/O
    STOA_TRACE_WARN_SYNC_FAILED,     // fdatasync failed
    STOA_TRACE_WARN_RECOVERED,       // writing works again; backlog written
    STOA_TRACE_WARN_DROPPED,         // memory bound reached; lines dropped
    STOA_TRACE_WARN_LOST_AT_CLOSE,   // destroy gave up with lines unwritten
} stoa_trace_warning;

// Called from the writer thread (or the caller of destroy); must be
// thread-safe and quick. message names the file and the OS error.
typedef void (*stoa_trace_warn_fn)(void *user, stoa_trace_warning code, const char *message);

enum {
    STOA_TRACE_SYNC_NOW = 1u << 0,      // wake the writer and fdatasync promptly
    STOA_TRACE_LOW_PRIORITY = 1u << 1,  // first to go when memory runs short
};

typedef struct stoa_trace_writer_desc {
    const char *path;            // file to append to; its folder is made if missing
    int flush_interval_ms;       // 0 = 100
    int retry_interval_ms;       // 0 = 1000
    int close_timeout_ms;        // how long destroy waits for a failing disk; 0 = 2000
    size_t memory_limit;         // bytes queued at most; 0 = 64 MiB
    stoa_trace_warn_fn on_warning; // NULL = log through stoa_log (module "trace")
    void *user;
    // Test hook: replaces write(2) (same contract: bytes written or -1+errno).
    ssize_t (*write_fn)(void *io_user, int fd, const void *buf, size_t n);
    void *io_user;
} stoa_trace_writer_desc;

typedef struct stoa_trace_writer_stats {
    uint64_t enqueued;       // lines accepted by append
    uint64_t written;        // lines fully written to the file
    uint64_t synced;         // lines written and fdatasync'ed
    uint64_t dropped;        // lines refused past the memory bound
    uint64_t write_errors;   // failed write/open attempts
    size_t queued_bytes;     // bytes waiting in memory now
    bool failing;            // the last attempt failed
} stoa_trace_writer_stats;

typedef struct stoa_trace_writer stoa_trace_writer;

// Starts the writer thread. Failing to open the file is NOT an error here
// (the writer warns and retries); errors are bad arguments or no thread.
// Destroy with stoa_trace_writer_destroy.
stoa_result stoa_trace_writer_create(const stoa_trace_writer_desc *desc,
                                     stoa_trace_writer **out_writer, stoa_error *err);

// Queues `line` (len bytes, without newline; copied). Safe from any thread.
// false when the line was dropped (memory bound) or w is NULL.
bool stoa_trace_writer_append(stoa_trace_writer *w, const char *line, size_t len,
                              unsigned flags);

// Waits until every line appended so far is written and synced, or
// timeout_ms passes (STOA_TIMEOUT). For tests and orderly shutdown only.
stoa_result stoa_trace_writer_flush(stoa_trace_writer *w, int timeout_ms);

void stoa_trace_writer_get_stats(stoa_trace_writer *w, stoa_trace_writer_stats *out);

// The file path (owned by the writer).
const char *stoa_trace_writer_path(const stoa_trace_writer *w);

// Writes what it can within close_timeout_ms, stops the thread, closes the
// file, frees everything and sets *w to NULL. Lines still unwritten are
// reported with STOA_TRACE_WARN_LOST_AT_CLOSE.
void stoa_trace_writer_destroy(stoa_trace_writer **w);
