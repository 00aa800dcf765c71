// SPDX-License-Identifier: Apache-2.0
// The lesson state machine: events and a clock in, actions out, as plain
// data. No I/O, no audio, no graphics; deterministic for a given seed and
// sequence of (event, time) calls.
//
// Usage:
//   stoa_lesson_machine *m;
//   stoa_lesson_machine_create(lesson, &(stoa_lesson_machine_desc){.seed = 7}, &m, &err);
//   stoa_lesson_action buf[256];
//   stoa_lesson_out out;
//   stoa_lesson_out_init(&out, buf, 256);
//   stoa_lesson_machine_start(m, now, &out);           // enters the start state
//   ... each frame: stoa_lesson_machine_update(m, now, &out);
//   ... on input:  stoa_lesson_machine_handle_event(m, &ev, now, &out);
//   for (i < out.count) perform(out.items[i]);          // audio, panels, traces
//
// Times are nanoseconds from any monotonic clock (stoa_clock_now()); only
// differences matter. Actions point into the lesson (texts, names) and stay
// valid while the lesson lives. The machine keeps a pointer to the lesson:
// destroy the machine first. The caller owns the action array.
//
// Semantics (also in docs/lesson-format.md):
// - Entering a state emits STATE_ENTERED then its entry actions in order,
//   then checks its triggers at once (a condition may already hold; chains
//   stop after 64 transitions in one call).
// - Leaving a state stops its narrations that have not finished, hides its
//   panels, highlights, arrows and quiz (those marked keep stay), then emits
//   STATE_EXITED.
// - Triggers are checked in order on every event and update; the first that
//   holds wins. Event triggers hold only for the event that matches them;
//   timer, condition, random, narration-finished and enter-zone triggers
//   hold whenever their condition is true.
// - Pause stops the state's clock (timers, elapsed, "stuck" alerts) and
//   ignores learner events until resume. Skip, goto, restart and end work
//   while paused and leave the machine paused.
// - Skip fast-forwards the current state: its narrations stop (STOP_NARRATION),
//   its non-looping animations complete (COMPLETE_ANIMATION), looping ones
//   stop, then the machine goes to the state's skip_to, else to the target of
//   its first trigger (a random trigger draws its branch as usual). A state
//   without either (an end state) ignores skip.
// - Restart emits RESTARTED (reset the scene), clears variables, score, quiz
//   attempts and zones, and enters the start state. The random generator is
//   not reseeded: a restarted lesson may take other random branches.
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lesson/stoa_lesson.h"

typedef enum stoa_lesson_event_kind {
    STOA_LESSON_EV_GAZE = 1,      // node, seconds: the learner has looked at node this long
    STOA_LESSON_EV_SELECT,        // node
    STOA_LESSON_EV_GRAB,          // node
    STOA_LESSON_EV_RELEASE,       // node
    STOA_LESSON_EV_PLACE,         // node placed into zone (zone NULL: put down outside every zone)
    STOA_LESSON_EV_ENTER_ZONE,    // node = the zone
    STOA_LESSON_EV_LEAVE_ZONE,    // node = the zone
    STOA_LESSON_EV_NARRATION_DONE, // id = the narration's id (from the NARRATE action)
    STOA_LESSON_EV_ANSWER,        // id = quiz id, choices = bit mask of chosen indices
    STOA_LESSON_EV_TICK,          // time passing (same as update)
    // Instructor commands.
    STOA_LESSON_EV_PAUSE,
    STOA_LESSON_EV_RESUME,
    STOA_LESSON_EV_SKIP,
    STOA_LESSON_EV_GOTO,          // id = state name
    STOA_LESSON_EV_RESTART,
    STOA_LESSON_EV_END,           // ends with outcome ABORTED
    STOA_LESSON_EV_COMMAND,       // id = a named command for `instructor:` triggers
} stoa_lesson_event_kind;

#define STOA_LESSON_CHOICE(i) (1u << (i))

typedef struct stoa_lesson_event {
    stoa_lesson_event_kind kind;
    const char *node;
    const char *zone;
    const char *id;
    double seconds;
    uint32_t choices;
} stoa_lesson_event;

typedef enum stoa_lesson_action_type {
    STOA_LESSON_ACT_STATE_ENTERED = 1, // state; resumed = true after restore
    STOA_LESSON_ACT_STATE_EXITED,      // state, cause, trigger index (-1 when not a trigger)
    STOA_LESSON_ACT_NARRATE,           // id, node (NULL = learner's head), audio, text (subtitle)
    STOA_LESSON_ACT_STOP_NARRATION,    // id
    STOA_LESSON_ACT_SHOW_PANEL,        // id, node (NULL = in front of the learner), text
    STOA_LESSON_ACT_HIDE_PANEL,        // id
    STOA_LESSON_ACT_HIGHLIGHT,         // node
    STOA_LESSON_ACT_UNHIGHLIGHT,       // node
    STOA_LESSON_ACT_SHOW_ARROW,        // node
    STOA_LESSON_ACT_HIDE_ARROW,        // node
    STOA_LESSON_ACT_SHOW_NODE,         // node
    STOA_LESSON_ACT_HIDE_NODE,         // node
    STOA_LESSON_ACT_PLAY_ANIMATION,    // animation, loop
    STOA_LESSON_ACT_STOP_ANIMATION,    // animation
    STOA_LESSON_ACT_COMPLETE_ANIMATION, // animation: jump to its end (skip, restore)
    STOA_LESSON_ACT_TELEPORT,          // node
    STOA_LESSON_ACT_VARIABLE,          // variable, value
    STOA_LESSON_ACT_SCORE,             // value = points, total = new score, text = feedback
    STOA_LESSON_ACT_QUIZ,              // quiz: show it
    STOA_LESSON_ACT_HIDE_QUIZ,         // quiz
    STOA_LESSON_ACT_QUIZ_ANSWERED,     // quiz, choices, correct, value = attempt number,
                                       // total = points the quiz gave, text = its feedback
                                       // (then a SCORE action with quiz set, when it has either)
    STOA_LESSON_ACT_PAUSED,
    STOA_LESSON_ACT_RESUMED,
    STOA_LESSON_ACT_RESTARTED,         // reset the scene (visibility, animations, learner)
    STOA_LESSON_ACT_OVERDUE,           // state, value = expected_seconds: the learner is stuck
    STOA_LESSON_ACT_ENDED,             // outcome, total = score
    STOA_LESSON_ACT_TASK_STEP,         // task, step, task_result, correct, value = attempt at
                                       // the step, node/zone = what the learner did
    STOA_LESSON_ACT_PASSTHROUGH,       // value = the room's share (0..1), total = seconds
    STOA_LESSON_ACT_TASK_DONE,         // task: every step done (right after the TASK_STEP
                                       // that finished it); value = seconds in the state,
                                       // total = errors (wrong and order moves), step =
                                       // steps right at the first try, correct = no
                                       // errors and within the task's time_limit
} stoa_lesson_action_type;

// How a learner's move in a task went.
typedef enum stoa_lesson_task_result {
    STOA_LESSON_TASK_RIGHT = 0, // the step (the next one, when in order)
    STOA_LESSON_TASK_WRONG,     // one of the task's wrong moves
    STOA_LESSON_TASK_ORDER,     // a later step before the one due
} stoa_lesson_task_result;

typedef enum stoa_lesson_cause {
    STOA_LESSON_CAUSE_TRIGGER = 0,
    STOA_LESSON_CAUSE_SKIP,
    STOA_LESSON_CAUSE_GOTO,
    STOA_LESSON_CAUSE_RESTART,
    STOA_LESSON_CAUSE_END,
} stoa_lesson_cause;

typedef struct stoa_lesson_action {
    stoa_lesson_action_type type;
    const stoa_lesson_state *state; // the state that emitted it (concepts, weight for traces)
    const char *id;
    const char *node;
    const char *animation;
    const char *variable;
    const stoa_lesson_text *text;
    const stoa_lesson_text *audio;
    const stoa_lesson_quiz *quiz;
    double value;
    double total;
    uint32_t choices;
    bool loop;
    bool correct;
    bool resumed;
    stoa_lesson_cause cause;
    int32_t trigger;
    stoa_lesson_outcome outcome;
    const stoa_lesson_task *task;   // TASK_STEP
    uint32_t step;                  // TASK_STEP: 0-based step the move counts for
    stoa_lesson_task_result task_result;
    const char *zone;               // TASK_STEP: the zone of a place, or NULL
    stoa_lesson_move_kind move;     // TASK_STEP: what the learner did
} stoa_lesson_action;

// Output list. With stoa_lesson_out_init the caller owns a fixed array; with
// stoa_lesson_out_init_queue the list owns a heap array that grows as needed
// up to `limit` actions (free it with stoa_lesson_out_fini). When it is full,
// further actions are counted in `dropped` and the call returns
// STOA_ERROR_LIMIT (the machine still moved): callers must report that,
// never pass over it. Pointers into items are valid until the next emit.
typedef struct stoa_lesson_out {
    stoa_lesson_action *items;
    uint32_t capacity, count, dropped;
    uint32_t limit; // > capacity: items is the list's own and may grow to this
    uint32_t peak;  // the most actions one call has produced
} stoa_lesson_out;

static inline void stoa_lesson_out_init(stoa_lesson_out *out, stoa_lesson_action *items,
                                        uint32_t capacity)
{
    out->items = items;
    out->capacity = capacity;
    out->count = 0;
    out->dropped = 0;
    out->limit = 0;
    out->peak = 0;
}
// A growing queue: starts with `initial` slots, grows to `limit`. False when
// out of memory.
bool stoa_lesson_out_init_queue(stoa_lesson_out *out, uint32_t initial, uint32_t limit);
void stoa_lesson_out_fini(stoa_lesson_out *out);
static inline void stoa_lesson_out_clear(stoa_lesson_out *out)
{
    out->count = 0;
    out->dropped = 0;
}

typedef struct stoa_lesson_machine stoa_lesson_machine;

typedef struct stoa_lesson_machine_desc {
    uint64_t seed; // for random branches; 0 is a valid seed
} stoa_lesson_machine_desc;

// The lesson must have parsed without errors and outlive the machine.
stoa_result stoa_lesson_machine_create(const stoa_lesson *lesson,
                                       const stoa_lesson_machine_desc *desc,
                                       stoa_lesson_machine **out_machine, stoa_error *err);
void stoa_lesson_machine_destroy(stoa_lesson_machine **machine);

// Enters the start state. Events before start are ignored.
stoa_result stoa_lesson_machine_start(stoa_lesson_machine *m, int64_t now_ns,
                                      stoa_lesson_out *out);
// Appends the actions an event causes to out.
stoa_result stoa_lesson_machine_handle_event(stoa_lesson_machine *m,
                                             const stoa_lesson_event *ev, int64_t now_ns,
                                             stoa_lesson_out *out);
// Time passing: timers, conditions, random branches, "stuck" alerts.
stoa_result stoa_lesson_machine_update(stoa_lesson_machine *m, int64_t now_ns,
                                       stoa_lesson_out *out);

// Queries.
const stoa_lesson_state *stoa_lesson_machine_state(const stoa_lesson_machine *m); // NULL before start
bool stoa_lesson_machine_paused(const stoa_lesson_machine *m);
bool stoa_lesson_machine_ended(const stoa_lesson_machine *m);
stoa_lesson_outcome stoa_lesson_machine_outcome(const stoa_lesson_machine *m);
double stoa_lesson_machine_score(const stoa_lesson_machine *m);
// A variable's value; "score" and "elapsed" are built in; unknown names give 0.
double stoa_lesson_machine_var(const stoa_lesson_machine *m, const char *name, int64_t now_ns);
// Seconds spent in the current state, pauses excluded.
double stoa_lesson_machine_elapsed(const stoa_lesson_machine *m, int64_t now_ns);
uint32_t stoa_lesson_machine_quiz_attempts(const stoa_lesson_machine *m, const char *quiz_id);

// Save/restore. The blob is small UTF-8 text (see docs/lesson-format.md):
// current state, pause, variables, score, elapsed time in the state, quiz
// attempts, narrations, zones, node visibility, animations, shown panels and
// highlights and the random generator. stoa_lesson_machine_save writes a
// NUL-terminated blob into buf and its length (without the NUL) into
// *out_len; STOA_ERROR_LIMIT when buf is too small (*out_len = size needed).
stoa_result stoa_lesson_machine_save(const stoa_lesson_machine *m, int64_t now_ns, char *buf,
                                     size_t buf_size, size_t *out_len);
// Restores a saved blob into a machine made for the same lesson. Elapsed
// times continue from now_ns. Emits what the runtime needs to rebuild the
// scene: STATE_ENTERED (resumed), node visibility, animations (looping ones
// play, others COMPLETE), shown panels, highlights, arrows, the quiz and the
// state's unfinished narrations (started again), then PAUSED if paused.
// On a malformed blob or another lesson, returns < 0 and leaves m untouched.
stoa_result stoa_lesson_machine_restore(stoa_lesson_machine *m, const char *blob, size_t len,
                                        int64_t now_ns, stoa_lesson_out *out, stoa_error *err);

const char *stoa_lesson_action_type_str(stoa_lesson_action_type t); // "narrate", ...
