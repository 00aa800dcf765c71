// SPDX-License-Identifier: Apache-2.0
// Evaluation across lessons and over time: the curriculum (a concept graph),
// mastery by Bayesian Knowledge Tracing, item analysis, the evaluation
// dimensions and recommendations. Pure logic: no files, no sockets, no
// clock — callers feed it lesson runs (typed structs) and ask for the
// analysis as a cJSON tree (documented in docs/curriculum-format.md and
// docs/traces.md). Used by `stoa report` (runtime/trace) and the hub.
//
//   stoa_eval_curriculum *cur = NULL;                 // optional
//   stoa_eval_curriculum_parse(text, len, "c.yaml", &cur, &err);
//   stoa_eval *ev; stoa_eval_create(&(stoa_eval_desc){.curriculum = cur}, &ev);
//   stoa_eval_add_run(ev, &run);   // any order: evidence is sorted by time
//   cJSON *a = stoa_eval_analyse(ev);  // caller cJSON_Deletes
//   stoa_eval_destroy(&ev); stoa_eval_curriculum_destroy(&cur);
//
// Memory: learners x concepts (observations kept per learner and concept,
// at most STOA_EVAL_MAX_OBS each), learners x questions (first tries) and
// one small record per run. Never the statements themselves.
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "core/stoa_result.h"

// ---- Bayesian Knowledge Tracing (Corbett & Anderson 1995) ----------------
// prior: P(known before any evidence); learn: P(unknown -> known) after each
// opportunity; guess: P(right | unknown); slip: P(wrong | known).
typedef struct stoa_bkt_params {
    double prior, learn, guess, slip;
} stoa_bkt_params;

// The documented defaults (docs/curriculum-format.md): values typical of
// fitted BKT models of school subjects, used until a fit has enough data.
#define STOA_BKT_DEFAULT_PRIOR 0.2
#define STOA_BKT_DEFAULT_LEARN 0.15
#define STOA_BKT_DEFAULT_GUESS 0.2
#define STOA_BKT_DEFAULT_SLIP 0.1
stoa_bkt_params stoa_bkt_defaults(void);

// Mastery after one observation: the posterior P(known | answer) followed
// by the learning transition.
double stoa_bkt_update(const stoa_bkt_params *p, double mastery, bool correct);
// Mastery after a whole sequence (0/1 bytes), starting from p->prior.
double stoa_bkt_trace(const stoa_bkt_params *p, const uint8_t *obs, size_t n);
// log P(sequence | p) by the scaled forward algorithm.
double stoa_bkt_log_likelihood(const stoa_bkt_params *p, const uint8_t *obs, size_t n);

// EM (Baum-Welch on the two-state hidden Markov model, no forgetting).
// Sequences are given as one array of 0/1 bytes with lengths.
typedef struct stoa_bkt_fit_desc {
    const uint8_t *obs;
    const size_t *lengths;
    size_t sequences;
    stoa_bkt_params start;  // zero = defaults
    int max_iterations;     // 0 = 200
    double tolerance;       // on the log-likelihood; 0 = 1e-7
} stoa_bkt_fit_desc;
typedef struct stoa_bkt_fit_result {
    stoa_bkt_params params;
    double log_likelihood;
    int iterations;
    bool fitted;            // false: below the data threshold, params = start
} stoa_bkt_fit_result;
// Data threshold: at least STOA_BKT_FIT_MIN_LEARNERS sequences of at least
// STOA_BKT_FIT_MIN_SEQ observations, STOA_BKT_FIT_MIN_OBS observations in
// all. guess and slip are kept at or below STOA_BKT_MAX_GUESS_SLIP so that
// "known" stays the state that answers right (no label switching).
#define STOA_BKT_FIT_MIN_LEARNERS 10
#define STOA_BKT_FIT_MIN_SEQ 3
#define STOA_BKT_FIT_MIN_OBS 100
#define STOA_BKT_MAX_GUESS_SLIP 0.4
stoa_bkt_fit_result stoa_bkt_fit(const stoa_bkt_fit_desc *d);

// ---- curriculum -------------------------------------------------------------
typedef struct stoa_eval_curriculum stoa_eval_curriculum;

// Parses the YAML text of a curriculum (docs/curriculum-format.md); errors
// name file:line:column. Cycles in `requires` are errors naming the line of
// a concept on the cycle. *out is freed with stoa_eval_curriculum_destroy.
stoa_result stoa_eval_curriculum_parse(const char *text, size_t len, const char *file,
                                       stoa_eval_curriculum **out, stoa_error *err);
void stoa_eval_curriculum_destroy(stoa_eval_curriculum **c);

size_t stoa_eval_curriculum_concept_count(const stoa_eval_curriculum *c);
const char *stoa_eval_curriculum_concept_id(const stoa_eval_curriculum *c, size_t i);
bool stoa_eval_curriculum_has_concept(const stoa_eval_curriculum *c, const char *id);
size_t stoa_eval_curriculum_lesson_count(const stoa_eval_curriculum *c);
const char *stoa_eval_curriculum_lesson_id(const stoa_eval_curriculum *c, size_t i);
// The lesson's `file:` (relative to the curriculum), or NULL.
const char *stoa_eval_curriculum_lesson_file(const stoa_eval_curriculum *c, size_t i);
int stoa_eval_curriculum_lesson_line(const stoa_eval_curriculum *c, size_t i);

// ---- evidence ----------------------------------------------------------------
typedef struct stoa_eval_answer {
    const char *question;        // question IRI (or id)
    const char *question_name;   // in the report's language
    const char *const *concepts;
    size_t concept_count;
    const char *response;        // "" when none
    bool success;
    int64_t t_ns;                // Unix ns
    bool survey;                 // a self-report answer, not evidence of knowledge
    const char *interaction_type; // "likert" for 1-5 survey scales
    // A task step (docs/lesson-format.md, "Tasks"; interaction type
    // "performance"): question = the step's IRI; success = done right.
    bool task_step;
    bool order_error;            // a task step: a later step done before this one
} stoa_eval_answer;

typedef enum stoa_eval_outcome {
    STOA_EVAL_NONE = 0,
    STOA_EVAL_PASSED,
    STOA_EVAL_FAILED,
} stoa_eval_outcome;

typedef struct stoa_eval_run {
    const char *learner;         // account (pseudonym); required
    const char *learner_name;    // NULL = the account
    const char *lesson;          // lesson IRI; required
    const char *lesson_name;
    const char *const *lesson_concepts; // the concepts its states carry (any order)
    size_t lesson_concept_count;
    int64_t start_ns, end_ns;
    double duration_s, idle_s;   // active time; idle within it
    bool completed;
    stoa_eval_outcome outcome;
    bool has_score;
    double score_scaled;
    double key_dwell_s;          // time gazing at key nodes
    double expected_s;           // 0 = not known (then the curriculum's)
    // Attention to narration (docs/curriculum-format.md, "engagement"): the
    // sum of the run's narration scores and how many there were (0 = none).
    double narration_score;
    size_t narrations;
    const stoa_eval_answer *answers; // in the order given
    size_t answer_count;
} stoa_eval_run;

typedef struct stoa_eval_desc {
    const stoa_eval_curriculum *curriculum; // borrowed; NULL = learn concepts from the runs
    const char *language;        // for names; NULL = each map's first
    double mastered;             // mastery at or above this is "mastered"; 0 = 0.95
    double recent_days;          // a lesson passed this recently is not recommended; 0 = 14
    bool no_fit;                 // keep the default (or curriculum) parameters
} stoa_eval_desc;

typedef struct stoa_eval stoa_eval;
stoa_result stoa_eval_create(const stoa_eval_desc *desc, stoa_eval **out, stoa_error *err);
void stoa_eval_destroy(stoa_eval **e);
// Copies what it keeps. Errors: missing learner/lesson, out of memory.
stoa_result stoa_eval_add_run(stoa_eval *e, const stoa_eval_run *run, stoa_error *err);

// The name to show for an account (a roster's, e.g. the hub's learners, or
// `stoa report --names FILE`): archives, recommendations ("Li Wei has not
// mastered ...") and the class pages say it instead of the account or the
// name in the traces. Before or after the account's runs are added; the
// last call for an account wins. Copies both strings.
stoa_result stoa_eval_set_learner_name(stoa_eval *e, const char *account, const char *name,
                                       stoa_error *err);

// Observations kept per learner and concept: beyond this the oldest go
// (mastery then starts from the prior at the oldest kept answer).
#define STOA_EVAL_MAX_OBS 1024

// The whole analysis (fits, mastery, maps, dimensions, items, lessons,
// recommendations, weekly trends) as a new cJSON tree, or NULL when out
// of memory. `now_ns` decides what "recently" means (0 = the latest run).
cJSON *stoa_eval_analyse(stoa_eval *e, int64_t now_ns);
