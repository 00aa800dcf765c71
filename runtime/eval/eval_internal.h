// SPDX-License-Identifier: Apache-2.0
// The evaluation module's own structures (not part of the public API).
#pragma once

#include "stoa_eval.h"

typedef struct ev_concept {
    char *id;
    cJSON *names;       // language map {"en": "...", ...}
    size_t *requires;   // indices of prerequisite concepts
    size_t n_requires;
    int line;
} ev_concept;

typedef struct ev_lesson {
    char *id, *iri, *file;
    cJSON *names;
    size_t *teaches, n_teaches;   // concept indices
    size_t *assesses, n_assesses;
    double expected_s;            // 0 = not stated
    int line;
} ev_lesson;

struct stoa_eval_curriculum {
    char *id;
    cJSON *title;
    ev_concept *concepts;
    size_t n_concepts;
    ev_lesson *lessons;
    size_t n_lessons;
};

// Index of the concept with this id, or -1.
long ev_curriculum_find(const stoa_eval_curriculum *c, const char *id);
// The curriculum lesson a trace's lesson IRI names (by `iri:`, or an IRI
// ending in /lessons/<id>, or the id itself), or -1.
long ev_curriculum_find_lesson(const stoa_eval_curriculum *c, const char *iri);
// A name from a language map in the preferred language (exact tag, then the
// same primary language), else the first, else fallback.
const char *ev_pick_name(const cJSON *map, const char *language, const char *fallback);
char *ev_strdup(const char *s);

// ---- the accumulator (eval_class.c) ------------------------------------------
typedef struct ev_obs {
    int64_t t;
    uint8_t ok;
} ev_obs;

typedef struct ev_cell { // one learner x one concept
    ev_obs *obs;
    uint32_t n, cap;
    bool dropped; // older observations were let go (STOA_EVAL_MAX_OBS)
} ev_cell;

typedef struct ev_run_rec {
    size_t lesson;
    int64_t start, end;
    double duration_s, idle_s, key_dwell_s, expected_s, score;
    bool completed, has_score;
    stoa_eval_outcome outcome;
    int first_answers, first_right, wrong_answers;
    int steps, steps_right_first, step_errors, order_errors; // task steps (also counted above)
    double narration_score;
    int narrations;
} ev_run_rec;

typedef struct ev_learner {
    char *id, *name;
    ev_cell *cells;
    size_t n_cells;
    ev_run_rec *runs;
    size_t n_runs, cap_runs;
    double likert_sum;
    int likert_n;
} ev_learner;

#define EV_MAX_RESPONSES 12
typedef struct ev_item {
    char *id, *name, *type;
    size_t lesson;
    size_t *concepts, n_concepts;
    bool survey;
    int8_t *first; // per learner: -1 not answered, 0 wrong, 1 right (first try)
    size_t n_first;
    char *responses[EV_MAX_RESPONSES];
    uint32_t counts[EV_MAX_RESPONSES], right_counts[EV_MAX_RESPONSES];
    uint32_t other, answers;
} ev_item;

typedef struct ev_lesson_seen {
    char *iri, *name;
    long cur;                // curriculum lesson index or -1
    size_t *concepts, n_concepts; // concepts seen in its runs
} ev_lesson_seen;

typedef struct ev_concept_rt { // concepts in play: the curriculum's, then new ones
    char *id;
    long cur;                // curriculum index or -1
    stoa_bkt_params params;
} ev_concept_rt;

struct stoa_eval {
    stoa_eval_desc desc;
    const stoa_eval_curriculum *cur;
    ev_concept_rt *concepts;
    size_t n_concepts, cap_concepts;
    ev_learner *learners;
    size_t n_learners, cap_learners;
    ev_item *items;
    size_t n_items, cap_items;
    ev_lesson_seen *lessons;
    size_t n_lessons, cap_lessons;
    int64_t first_t, last_t;
    struct { char *account, *name; } *names; // display names (stoa_eval_set_learner_name)
    size_t n_names, cap_names;
};

// Index of a concept in play, added when new; (size_t)-1 when out of memory.
size_t ev_concept_index(stoa_eval *e, const char *id);

// ---- the analysis (eval_analyse.c, eval_recommend.c, eval_items.c) -------------
typedef struct ev_lstate { // one learner's map while it is analysed
    double *m;             // mastery per concept
    bool *assessed, *mastered, *weak, *ready;
} ev_lstate;

double ev_r4(double v);                         // rounded to 4 decimals
void ev_add_opt(cJSON *o, const char *k, double v); // a number, or null when not finite
const char *ev_concept_name(const stoa_eval *e, size_t c);
const char *ev_lesson_name(const stoa_eval *e, size_t li_seen, long cur);
bool ev_requires_mastered(const stoa_eval *e, const ev_lstate *s, size_t c);
// The concepts a lesson teaches or assesses (the curriculum's word, else
// what its runs carried); *out is malloc'd.
void ev_lesson_concepts(const stoa_eval *e, const ev_lesson_seen *ls, long cur, size_t **out, size_t *n);
void ev_recommend(const stoa_eval *e, const ev_learner *l, const ev_lstate *s, int64_t now, cJSON *out);
void ev_item_analysis(const stoa_eval *e, cJSON *items, cJSON *surveys);
