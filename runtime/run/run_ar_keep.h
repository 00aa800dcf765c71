// SPDX-License-Identifier: Apache-2.0
// The hand-set scale and turn of a tabletop model, kept by anchor name in
// the runtime's state folder (run_ar_keep.c).
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct run_ar_kept {
    char name[256]; // the anchor's name
    float scale;    // 1e-4 .. 1
    float turn_deg; // the turn the learner gave it (the anchor holds it too)
} run_ar_kept;

// Parses a kept file's text (pure, bounded: see run_ar_keep.c): the entries,
// at most max (and 256). Lines that do not parse are skipped.
uint32_t run_ar_keep_parse(const char *text, size_t len, run_ar_kept *out, uint32_t max);
// The entry kept for `name`: false when there is none.
bool run_ar_keep_load(const char *name, run_ar_kept *out);
// Keeps (or replaces) the entry for `name`; false when it could not be written.
bool run_ar_keep_save(const char *name, float scale, float turn_deg);
