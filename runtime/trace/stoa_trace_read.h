// SPDX-License-Identifier: Apache-2.0
// Reading a trace log (JSON Lines) back, for `stoa trace check` and
// `stoa report`. A last line without its newline that does not parse is a
// torn write from a crash: it is reported through on_torn_tail and skipped.
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "core/stoa_result.h"

typedef struct stoa_trace_read_desc {
    // Each parsed line (any JSON value; the checker says if it is a
    // statement). st is only valid during the call. line is 1-based.
    void (*on_statement)(void *user, int line, const cJSON *st);
    // Instead of on_statement when set: the callee owns st (cJSON_Delete),
    // which spares a reader that keeps statements a copy of each.
    void (*on_statement_owned)(void *user, int line, cJSON *st);
    // A line that is not JSON (and not the torn tail).
    void (*on_bad_line)(void *user, int line, const char *message);
    // The torn last line: its number and length in bytes.
    void (*on_torn_tail)(void *user, int line, size_t bytes);
    void *user;
    size_t max_size; // 0 = 1 GiB
} stoa_trace_read_desc;

typedef struct stoa_trace_read_counts {
    size_t statements; // lines that parsed
    size_t bad_lines;
    bool torn_tail;
} stoa_trace_read_counts;

// Reads the whole file. Errors: the file cannot be read or is too large.
stoa_result stoa_trace_read_file(const char *path, const stoa_trace_read_desc *desc,
                                 stoa_trace_read_counts *out_counts, stoa_error *err);

// A set of statement ids (strings) with the line each was first seen on,
// for finding duplicates in logs of any size. create/destroy; the set
// copies the strings it keeps.
typedef struct stoa_trace_id_set stoa_trace_id_set;
stoa_trace_id_set *stoa_trace_id_set_create(void);
void stoa_trace_id_set_destroy(stoa_trace_id_set **set);
// Adds id; returns 0 when it is new (or memory ran out), else the line it
// was first added with.
int stoa_trace_id_set_add(stoa_trace_id_set *set, const char *id, int line);
