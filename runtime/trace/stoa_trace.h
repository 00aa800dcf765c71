// SPDX-License-Identifier: Apache-2.0
// The learner trace: typed calls that turn what happens in a lesson run into
// xAPI 1.0.3 statements, written one per line to a crash-safe log.
//
//   stoa_trace_log *log;
//   stoa_trace_log_create(&(stoa_trace_log_desc){
//       .traces_dir = NULL,               // default: $XDG_STATE_HOME/stoa/traces
//       .lesson_id = "agora", .lesson_names = names, .language = "zh-CN",
//       .learner_account = "learner-07", .clock = clock}, &log, &err);
//   stoa_trace_launched(log, now);        // cmi5 order: launched, initialized,
//   stoa_trace_initialized(log, now);     // ... the lesson ..., terminated
//   stoa_trace_state_entered(log, "intro", names, concepts, n_concepts, now);
//   stoa_trace_answered(log, &(stoa_trace_answer){.question_id = "q1", ...}, now);
//   stoa_trace_terminated(log, now);
//   stoa_trace_log_destroy(&log);
//
// Every call takes `now_ns` on the log's clock (desc.clock, the same clock
// the lesson machine runs on). Timestamps are the wall time at creation plus
// the clock's progress, so a fake clock gives reproducible traces.
//
// Calls are for one thread (the frame loop); each costs JSON building and a
// queue push, never I/O (see stoa_trace_writer.h). Calls never fail the
// lesson: a problem is a warning and the call returns false.
//
// Strings passed in are copied; the caller keeps ownership of its own.
// Statement layout, IRIs and extensions: docs/traces.md.
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/stoa_clock.h"
#include "core/stoa_result.h"
#include "trace/stoa_trace_writer.h"

// A language map entry: {"zh-CN": "雅典广场"}.
typedef struct stoa_trace_text {
    const char *lang; // RFC 5646 tag
    const char *text;
} stoa_trace_text;

// Names of an activity in the lesson's languages (count 0 = none given:
// the id is used as an "und" name so the language map is never empty).
typedef struct stoa_trace_names {
    const stoa_trace_text *items;
    size_t count;
} stoa_trace_names;

typedef struct stoa_trace_log_desc {
    const char *traces_dir;        // NULL = stoa_trace_default_dir()
    const char *file_path;         // overrides traces_dir + generated name (tests)
    const char *lesson_id;         // required; short id from the lesson file
    const char *lesson_iri;        // NULL = https://stoa.dev/xapi/lessons/<id>
    stoa_trace_names lesson_names;
    const char *language;          // language the learner sees (context.language); NULL = none
    const char *device_type;       // "headset" or "desktop" (context.extensions.device-type); NULL = none
    const char *account_home_page; // NULL = "https://stoa.dev/accounts"
    const char *learner_account;   // pseudonym; NULL = "anonymous-<8 hex>"
    const char *learner_name;      // a real name, ONLY when the instructor maps one
    const char *instructor_account; // NULL = no instructor in context
    const char *instructor_name;
    const char *registration;      // UUID of this lesson run; NULL = a fresh one
    stoa_clock *clock;             // NULL = stoa_clock_monotonic()
    int64_t start_unix_ns;         // wall time at create; 0 = now
    int pose_sample_interval_ms;   // 0 = 500 (2 Hz); attached to a statement every 5 s
    stoa_trace_writer_desc writer; // path is filled in; the rest passes through
} stoa_trace_log_desc;

typedef struct stoa_trace_log stoa_trace_log;

// "$XDG_STATE_HOME/stoa/traces", else "$HOME/.local/state/stoa/traces",
// else "./stoa-traces". Writes into out.
void stoa_trace_default_dir(char *out, size_t out_size);

// Creates the log file name (<UTC time>_<lesson>_<learner>_<reg8>.jsonl,
// never an existing one) and starts the writer. An unwritable folder is a
// warning, not an error: statements wait in memory. Destroy with
// stoa_trace_log_destroy.
stoa_result stoa_trace_log_create(const stoa_trace_log_desc *desc, stoa_trace_log **out_log,
                                  stoa_error *err);

// Emits `terminated` if the session was initialized and not terminated,
// flushes (up to the writer's close timeout), frees, sets *log to NULL.
void stoa_trace_log_destroy(stoa_trace_log **log);

const char *stoa_trace_log_path(const stoa_trace_log *log);
const char *stoa_trace_log_registration(const stoa_trace_log *log);
stoa_trace_writer *stoa_trace_log_writer(stoa_trace_log *log);
int64_t stoa_trace_now(stoa_trace_log *log); // the log clock's now

// ---- session (cmi5 order) ---------------------------------------------------
// A call out of order is repaired: anything before initialized first emits
// launched/initialized; anything after terminated is ignored with a warning.
bool stoa_trace_launched(stoa_trace_log *log, int64_t now_ns);
bool stoa_trace_initialized(stoa_trace_log *log, int64_t now_ns);
typedef enum stoa_trace_suspend_reason {
    STOA_TRACE_PAUSED = 0,       // the learner or instructor paused
    STOA_TRACE_SESSION_LOST,     // the headset session was lost or went idle
} stoa_trace_suspend_reason;
bool stoa_trace_suspended(stoa_trace_log *log, stoa_trace_suspend_reason reason, int64_t now_ns);
bool stoa_trace_resumed(stoa_trace_log *log, int64_t now_ns);
bool stoa_trace_terminated(stoa_trace_log *log, int64_t now_ns);

// ---- lesson -------------------------------------------------------------------
// `experienced` the state; concepts are the state's tags and are carried by
// every statement made while the state is current (docs/traces.md).
bool stoa_trace_state_entered(stoa_trace_log *log, const char *state_id, stoa_trace_names names,
                              const char *const *concepts, size_t concept_count, int64_t now_ns);

// `experienced` a question (it was put to the learner): starts its answer timer.
bool stoa_trace_question_shown(stoa_trace_log *log, const char *question_id,
                               stoa_trace_names names, int64_t now_ns);

typedef struct stoa_trace_answer {
    const char *question_id;
    stoa_trace_names names;         // the question's text/title
    const char *interaction_type;   // cmi.interaction type; NULL = "choice"
    const char *response;           // what the learner chose, e.g. "b"
    const char *correct_response;   // NULL = not stated
    bool success;
    const char *const *concepts;    // NULL = the current state's concepts
    size_t concept_count;
    // A self-report survey answer (docs/lesson-format.md, "Surveys"): no
    // right or wrong (no result.success), no concepts; the definition
    // carries the extension `survey: true`. Likert answers are "1".."5".
    bool survey;
    // A task step (docs/lesson-format.md, "Tasks"): question_id is the
    // task's id and the activity is .../tasks/<id>/steps/<task_step>
    // (1-based); task_error ("wrong", "order") goes in result.extensions.
    uint32_t task_step;
    const char *task_error; // NULL = the step was done right
    // A quiz with its own score and feedback (docs/lesson-format.md,
    // "Quizzes"): result.score.raw = the points this answer added, and the
    // feedback shown, in the learner's language, as result.extensions.feedback.
    bool has_score;
    double score_raw;
    const char *feedback; // NULL = none
    // A whole task, once every step is done (docs/traces.md, "Task steps"):
    // question_id is the task's id and the activity .../tasks/<id>;
    // result.duration = the time to finish (since the state was entered),
    // result.score raw = steps right at the first try of score_max (the
    // step count), extensions task-errors and, when the task has one,
    // time-limit (seconds). Use interaction type "other": it is not a step.
    bool task_done;
    uint32_t task_errors;
    uint32_t score_max;
    double time_limit_s; // 0 = none
} stoa_trace_answer;
// `answered`, with result.duration = time since question_shown (or since
// the state was entered when it was never shown).
bool stoa_trace_answered(stoa_trace_log *log, const stoa_trace_answer *answer, int64_t now_ns);

// `completed` the lesson (result.completion, duration since initialized).
bool stoa_trace_completed(stoa_trace_log *log, int64_t now_ns);
// `passed` or `failed` the lesson with a score; raw must lie in min..max.
bool stoa_trace_scored(stoa_trace_log *log, double raw, double min, double max, bool passed,
                       int64_t now_ns);

// ---- interaction (VR verbs; node ids are the scene's node names) ----------
// `interacted` (select); `grabbed`, `released`, `pointed` at a node.
typedef enum stoa_trace_node_verb {
    STOA_TRACE_INTERACTED = 0,
    STOA_TRACE_GRABBED,
    STOA_TRACE_RELEASED,
    STOA_TRACE_POINTED,
} stoa_trace_node_verb;
bool stoa_trace_node_event(stoa_trace_log *log, stoa_trace_node_verb verb, const char *node_id,
                           stoa_trace_names names, bool key_node, int64_t now_ns);
// `gazed` at a node for dwell_ns (emitted when the gaze leaves or the dwell
// trigger fires). key_node: the lesson marks the node as one that matters.
bool stoa_trace_gaze_dwell(stoa_trace_log *log, const char *node_id, stoa_trace_names names,
                           bool key_node, int64_t dwell_ns, int64_t now_ns);
// `listened` to a narration (docs/traces.md, "Attention to narration"),
// when it ends (finished) or is cut short (not finished): result.duration =
// time it played, result.completion = finished; with a source node
// (source_node non-NULL), result.extensions `attention` = the share of that
// time the learner faced the source (0..1).
bool stoa_trace_narration(stoa_trace_log *log, const char *narration_id, stoa_trace_names names,
                          const char *source_node, double attention, bool finished,
                          int64_t played_ns, int64_t now_ns);
// `teleported` to a position (metres, scene space).
bool stoa_trace_teleported(stoa_trace_log *log, const float position[3], int64_t now_ns);

// Head pose and gaze target, sampled at most every pose_sample_interval_ms
// (extra calls are ignored cheaply). Samples ride on the next statement's
// context extension; after 5 s without one, a `tracked` statement carries
// them. gaze_node may be NULL.
void stoa_trace_pose_sample(stoa_trace_log *log, const float position[3],
                            const float orientation_xyzw[4], const char *gaze_node,
                            int64_t now_ns);
