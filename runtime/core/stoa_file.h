// SPDX-License-Identifier: Apache-2.0
// Whole-file reads with a size limit and errors that name the file.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "stoa_result.h"

// Reads `path` into a malloc'd buffer (NUL-terminated one past size, so text
// can be parsed in place). Caller frees *out_data with free().
// Files larger than max_size (0 = 1 GiB) fail with STOA_ERROR_LIMIT.
stoa_result stoa_file_read(const char *path, size_t max_size, uint8_t **out_data,
                           size_t *out_size, stoa_error *err);

// Writes data to path atomically (temp file + fsync + rename).
stoa_result stoa_file_write_atomic(const char *path, const void *data, size_t size,
                                   stoa_error *err);

// Modification time in nanoseconds, 0 when the file is missing.
int64_t stoa_file_mtime_ns(const char *path);
