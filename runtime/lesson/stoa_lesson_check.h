// SPDX-License-Identifier: Apache-2.0
// Diagnostics, the lesson validator (what `stoa lint` reports) and the
// Graphviz export of a lesson's state graph.
//
// The validator does no I/O: the caller passes the scene's node and
// animation names and an "asset exists" callback (cmd_lint.c loads the scene
// and checks files).
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "lesson/stoa_lesson.h"

typedef enum stoa_lesson_severity {
    STOA_LESSON_SEV_ERROR = 0,
    STOA_LESSON_SEV_WARNING,
    STOA_LESSON_SEV_NOTE, // for the author's information; never fails a lint
} stoa_lesson_severity;

typedef struct stoa_lesson_diag {
    stoa_lesson_severity severity;
    uint32_t line, column; // 1-based; 0 = the whole file
    char code[32];         // stable id, e.g. "unknown-key" (listed in docs/lesson-format.md)
    char message[480];     // UTF-8, no file name and no position
} stoa_lesson_diag;

// A growing list owned by the caller: init/fini. Items are in the order
// found; stoa_lesson_diags_sort() orders them by position.
struct stoa_lesson_diags {
    stoa_lesson_diag *items;
    uint32_t count, capacity;
    uint32_t errors, warnings, notes;
};

void stoa_lesson_diags_init(stoa_lesson_diags *d);
void stoa_lesson_diags_fini(stoa_lesson_diags *d);
void stoa_lesson_diags_add(stoa_lesson_diags *d, stoa_lesson_severity sev, stoa_lesson_loc loc,
                           const char *code, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
void stoa_lesson_diags_sort(stoa_lesson_diags *d);
// "error", "warning", "note".
const char *stoa_lesson_severity_str(stoa_lesson_severity sev);
// "FILE:LINE:COL: error: MESSAGE [CODE]" into out (truncated to out_size).
void stoa_lesson_diag_format(const stoa_lesson_diag *diag, const char *file, char *out,
                             size_t out_size);

// The closest of `candidates` to `word` by edit distance (at most a third of
// the word's length, at least 1 and at most 3 edits), or NULL.
const char *stoa_lesson_suggest(const char *word, const char *const *candidates, uint32_t count);

typedef struct stoa_lesson_check_desc {
    // The scene's node and animation names. With has_scene false, node and
    // animation references are not checked.
    bool has_scene;
    uint32_t node_count;
    const char *const *nodes;
    uint32_t animation_count;
    const char *const *animations;
    // Returns whether an asset path written in the lesson (relative to the
    // lesson file) exists. NULL = audio files are not checked.
    bool (*asset_exists)(void *user, const char *rel_path);
    void *user;
} stoa_lesson_check_desc;

// Appends every problem of a parsed lesson to diags: the state graph
// (unreachable states, states that cannot reach an end), triggers that can
// never fire, scene references, audio files, translations. Returns the
// number of errors it added.
uint32_t stoa_lesson_check(const stoa_lesson *lesson, const stoa_lesson_check_desc *desc,
                           stoa_lesson_diags *diags);
// For a lesson that parsed with errors (kept with keep_partial): only the
// checks that do not depend on what failed to parse — scene names, audio
// files, translations — so that one `stoa lint` run reports them all.
uint32_t stoa_lesson_check_partial(const stoa_lesson *lesson, const stoa_lesson_check_desc *desc,
                                   stoa_lesson_diags *diags);

// The state graph as Graphviz DOT: states labelled with their titles in
// `lang` (NULL = the lesson's first language), triggers as labelled edges,
// skip_to as dashed edges. Returns a malloc'd NUL-terminated string the
// caller frees, or NULL when out of memory.
char *stoa_lesson_graph_dot(const stoa_lesson *lesson, const char *lang);

// A short description of a trigger for graphs and logs ("gaze Statue 2s").
void stoa_lesson_trigger_describe(const stoa_lesson_trigger *t, char *out, size_t out_size);
