// SPDX-License-Identifier: Apache-2.0
// The machine's private state, shared by lesson_machine*.c and lesson_save.c.
#pragma once

#include "lesson/stoa_lesson_machine.h"
#include "lesson_internal.h"

// A name the machine tracks (a zone, a node's visibility, an animation).
// `name` points into the lesson.
typedef struct lm_flag {
    const char *name;
    int8_t value;     // zones: 1 inside; nodes: -1 untouched, 0 hidden, 1 shown;
                      // animations: 0 stopped, 1 looping, 2 played once
    bool this_state;  // animations: played by the current state (skip completes them)
} lm_flag;

typedef enum lm_shown_kind {
    LM_SHOWN_PANEL = 0,
    LM_SHOWN_HIGHLIGHT,
    LM_SHOWN_QUIZ,
} lm_shown_kind;

// Something on screen that a later action or leaving the state takes away.
typedef struct lm_shown {
    lm_shown_kind kind;
    uint32_t state, step; // the step that showed it
} lm_shown;

enum { LM_NARR_NONE = 0, LM_NARR_PLAYING = 1, LM_NARR_DONE = 2 };

typedef struct lm_flags {
    lm_flag *items;
    uint32_t count;
} lm_flags;

struct stoa_lesson_machine {
    const stoa_lesson *lesson;
    uint64_t rng;
    bool started, paused, ended, overdue_sent;
    stoa_lesson_outcome outcome;
    int32_t state;
    int64_t entered_ns;     // the state's clock origin; resume moves it forward
    int64_t pause_start_ns;
    double score;
    double *vars;            // lesson->var_count
    uint32_t *quiz_attempts; // lesson->quiz_count
    uint32_t *quiz_last;
    uint8_t *narr;           // per step of the current state, LM_NARR_*
    uint32_t max_steps;
    lm_flags zones, nodes, anims;
    uint32_t task_done;      // the current state's task: bit i = step i done
    uint8_t task_tries[STOA_LESSON_TASK_MAX_STEPS]; // moves counted against each step
    lm_shown *shown;
    uint32_t shown_count, shown_cap;
    // Set for the duration of one public call.
    stoa_lesson_out *out;
    int64_t now;
};

stoa_lesson_action *lm_emit(stoa_lesson_machine *m, stoa_lesson_action_type type);
lm_flag *lm_flag_find(lm_flags *f, const char *name);
const stoa_lesson_step *lm_shown_step(const stoa_lesson_machine *m, const lm_shown *s);
bool lm_shown_add(stoa_lesson_machine *m, lm_shown_kind kind, uint32_t state, uint32_t step);
void lm_enter(stoa_lesson_machine *m, int32_t state);
void lm_exit(stoa_lesson_machine *m, stoa_lesson_cause cause, int32_t trigger);
void lm_reset_progress(stoa_lesson_machine *m); // variables, score, quizzes, zones, scene
void lm_settle(stoa_lesson_machine *m);
void lm_emit_shown(stoa_lesson_machine *m, const lm_shown *s);
uint64_t lm_rng_next(uint64_t *state);
double lm_elapsed(const stoa_lesson_machine *m);
int32_t lm_quiz_index(const stoa_lesson *lesson, const char *id);
// A learner's move against the current state's task (lesson_machine_task.c):
// emits TASK_STEP when it is one of the task's steps or wrong moves.
void lm_task_event(stoa_lesson_machine *m, const stoa_lesson_event *ev);
bool lm_task_done(const stoa_lesson_machine *m);
