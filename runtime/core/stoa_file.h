// SPDX-License-Identifier: Apache-2.0
// Whole-file reads with a size limit and errors that name the file.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <sys/stat.h>

#include "stoa_result.h"

// Reads `path` into a malloc'd buffer (NUL-terminated one past size, so text
// can be parsed in place). Caller frees *out_data with free().
// Files larger than max_size (0 = 1 GiB) fail with STOA_ERROR_LIMIT.
stoa_result stoa_file_read(const char *path, size_t max_size, uint8_t **out_data,
                           size_t *out_size, stoa_error *err);

// Opens `path` for reading only if it is a regular file: a FIFO is opened
// without waiting for a writer and refused, as are devices, sockets and
// folders. The descriptor (close-on-exec; its O_NONBLOCK left set, which a
// regular file's reads ignore) and *st, or -1 with errno set (ENOENT when
// missing; EINVAL when not a regular file).
int stoa_file_open_regular(const char *path, struct stat *st);

// Writes data to path atomically (temp file + fsync + rename).
stoa_result stoa_file_write_atomic(const char *path, const void *data, size_t size,
                                   stoa_error *err);

// Replaces path with data through a uniquely named temporary file and a
// rename, without fsync: a reader sees the old file or the new one whole,
// never half of one, but a crash may lose the new one. For files that are
// hints, checked when read (the scene cache's key memo), where an fsync on
// a load's path would cost more than the file saves.
stoa_result stoa_file_write_replace(const char *path, const void *data, size_t size,
                                    stoa_error *err);

// Modification time in nanoseconds, 0 when the file is missing.
int64_t stoa_file_mtime_ns(const char *path);
