// SPDX-License-Identifier: Apache-2.0
// The parser's context and YAML helpers, shared by lesson_parse*.c.
#pragma once

#include <yaml.h>

#include "lesson/stoa_lesson_check.h"
#include "lesson_internal.h"

typedef struct lp {
    yaml_document_t *doc;
    stoa_lesson *lesson;
    lesson_arena *arena;
    stoa_lesson_diags *diags;
    stoa_error *err;
    const char *file;
    uint32_t errors;
    uint64_t budget; // parsed elements left; guards against alias blow-ups
    const char *state; // the state being parsed, for messages
    uint32_t state_index;
    // Collected while parsing, copied into the arena at the end.
    const stoa_lesson_quiz **quizzes;
    uint32_t quiz_count, quiz_cap;
    const char *task_ids[64]; // tasks seen so far (ids are unique in a lesson)
    uint32_t task_count;
    const char **vars;
    double *var_init;
    uint32_t var_count, var_cap;
} lp;

stoa_lesson_loc lp_loc(const yaml_node_t *n);
const char *lp_kind(const yaml_node_t *n); // "a string", "a list", "a map"
void lp_error(lp *p, stoa_lesson_loc loc, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void lp_warn(lp *p, stoa_lesson_loc loc, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
bool lp_spend(lp *p, const yaml_node_t *n);
yaml_node_t *lp_node(lp *p, int id);

// Checks that n is a map whose keys are all in `allowed`; reports unknown
// keys (with a suggestion) and duplicates. False when n is not a map.
bool lp_keys(lp *p, yaml_node_t *n, const char *where, const char *const *allowed,
             uint32_t count);
yaml_node_t *lp_get(lp *p, yaml_node_t *map, const char *key);
yaml_node_t *lp_need(lp *p, yaml_node_t *map, const char *key, const char *where);
const char *lp_key_of(lp *p, yaml_node_t *map, uint32_t pair); // pair-th key or NULL
yaml_node_t *lp_value_of(lp *p, yaml_node_t *map, uint32_t pair);
uint32_t lp_len(const yaml_node_t *n); // pairs of a map, items of a list, else 0
yaml_node_t *lp_item(lp *p, yaml_node_t *list, uint32_t i);

// Typed scalars. Each reports a "type" error naming `field` and returns false.
bool lp_string(lp *p, yaml_node_t *n, const char *field, const char **out);
bool lp_number(lp *p, yaml_node_t *n, const char *field, double *out);
bool lp_bool(lp *p, yaml_node_t *n, const char *field, bool *out);
// A plain string, or a map language -> string.
bool lp_text(lp *p, yaml_node_t *n, const char *field, stoa_lesson_text *out);
// A string or a list of strings.
bool lp_names(lp *p, yaml_node_t *n, const char *field, uint32_t *out_count,
              const char ***out_names, const stoa_lesson_loc **out_locs);
// Registers a variable (declared ones first), returns its index or -1.
int32_t lp_var(lp *p, const char *name, double initial);
// Column of byte `offset` inside scalar n (quotes counted).
stoa_lesson_loc lp_loc_in(const yaml_node_t *n, size_t offset);

bool lp_parse_steps(lp *p, yaml_node_t *n, stoa_lesson_state *st);
bool lp_parse_triggers(lp *p, yaml_node_t *n, stoa_lesson_state *st);
// A state's task (lesson_parse_task.c); parsed before the state's triggers.
void lp_parse_task(lp *p, yaml_node_t *n, stoa_lesson_state *st);
// The lesson's end-of-lesson survey (lesson_parse_survey.c); n may be NULL.
void lp_parse_survey(lp *p, yaml_node_t *n, stoa_lesson *L);
// The lesson's `presentation`, `environment` and `tabletop` (lesson_parse_ar.c).
void lp_parse_ar(lp *p, yaml_node_t *root, stoa_lesson *L);
// A `passthrough: {to, seconds}` action (lesson_parse_ar.c).
void lp_parse_passthrough(lp *p, yaml_node_t *n, stoa_lesson_step *s);
// The lesson's sky: {time, shadows} (lesson_parse_sky.c); n may be NULL.
void lp_parse_sky(lp *p, yaml_node_t *n, stoa_lesson *L);
// A quiz's optional `score` and `feedback` (lesson_parse_quiz.c); after its choices.
void lp_parse_quiz_outcomes(lp *p, yaml_node_t *quiz, stoa_lesson_quiz *q);
