// SPDX-License-Identifier: Apache-2.0
// Lessons: the parsed form of a lesson file (YAML, see docs/lesson-format.md).
//
// A lesson is a graph of states. Each state runs its entry actions when it is
// entered and leaves by the first of its triggers that holds. The state
// machine that plays a lesson is in stoa_lesson_machine.h; the validator
// behind `stoa lint` and the Graphviz export are in stoa_lesson_check.h.
//
// Lifetimes: stoa_lesson_parse() allocates a lesson that the caller frees
// with stoa_lesson_destroy(&lesson) (which NULLs the pointer). Every pointer
// inside a lesson (strings, arrays, texts, expressions) is owned by it and
// lives exactly as long as it. The structs are public so that the runtime,
// the hub and the tools can read them; treat them as read-only.
//
// The module does no I/O except stoa_lesson_load_file(), a convenience that
// reads the file and calls stoa_lesson_parse().
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/stoa_result.h"

typedef struct stoa_lesson_diags stoa_lesson_diags; // stoa_lesson_check.h

// 1-based line and column in the lesson file (0, 0 = no position).
typedef struct stoa_lesson_loc {
    uint32_t line, column;
} stoa_lesson_loc;

// ---- texts -----------------------------------------------------------------

typedef struct stoa_lesson_text_entry {
    const char *lang;  // "en", "zh-CN", ...; NULL for a plain string (every language)
    const char *value; // UTF-8, never NULL
} stoa_lesson_text_entry;

// A text in one or more languages. count 0 = absent.
typedef struct stoa_lesson_text {
    uint32_t count;
    const stoa_lesson_text_entry *entries;
    stoa_lesson_loc loc;
} stoa_lesson_text;

// The text in `lang`: the exact tag, then the same tag ignoring case, then
// the same primary language ("zh" for "zh-TW"), then a plain string, then the
// first entry. Never NULL ("" when the text is absent).
const char *stoa_lesson_text_get(const stoa_lesson_text *text, const char *lang);
// A narration's recording for `lang`: the plain path (every language), else
// the entry of that language (exact, then same primary language), else NULL
// — never another language's voice: without one the subtitle is timed by
// its reading time. lang NULL = as stoa_lesson_text_get.
const char *stoa_lesson_audio_get(const stoa_lesson_text *audio, const char *lang);
// The entry for exactly `lang` (case-insensitive), or NULL. Plain strings
// match every language.
const char *stoa_lesson_text_exact(const stoa_lesson_text *text, const char *lang);

// ---- expressions (conditions on lesson variables) --------------------------

// Compiled at parse time; evaluated by the machine. Opaque.
typedef struct stoa_lesson_expr stoa_lesson_expr;

// ---- actions as written in the file ----------------------------------------

typedef enum stoa_lesson_step_kind {
    STOA_LESSON_STEP_NARRATE = 1,
    STOA_LESSON_STEP_SHOW_PANEL,
    STOA_LESSON_STEP_HIDE_PANEL,
    STOA_LESSON_STEP_HIGHLIGHT,
    STOA_LESSON_STEP_UNHIGHLIGHT,
    STOA_LESSON_STEP_SHOW_NODES,
    STOA_LESSON_STEP_HIDE_NODES,
    STOA_LESSON_STEP_PLAY,
    STOA_LESSON_STEP_STOP,
    STOA_LESSON_STEP_TELEPORT,
    STOA_LESSON_STEP_SET,
    STOA_LESSON_STEP_ADD,
    STOA_LESSON_STEP_SCORE,
    STOA_LESSON_STEP_QUIZ,
    STOA_LESSON_STEP_END,
    STOA_LESSON_STEP_PASSTHROUGH, // AR: fade the real room in or out (docs/ar.md)
} stoa_lesson_step_kind;

typedef enum stoa_lesson_outcome {
    STOA_LESSON_OUTCOME_NONE = 0,
    STOA_LESSON_OUTCOME_COMPLETED,
    STOA_LESSON_OUTCOME_PASSED,
    STOA_LESSON_OUTCOME_FAILED,
    STOA_LESSON_OUTCOME_ABORTED, // the instructor ended the lesson
} stoa_lesson_outcome;

const char *stoa_lesson_outcome_str(stoa_lesson_outcome o); // "completed", ...

typedef struct stoa_lesson_quiz {
    const char *id;
    stoa_lesson_text question;
    uint32_t choice_count; // 2..6 in a valid lesson
    const stoa_lesson_text *choices;
    uint32_t correct; // bit i set = choice i is correct
    stoa_lesson_loc loc;
    // What an answer adds to the score and says back, without a state per
    // outcome (docs/lesson-format.md, "Quizzes"); all optional.
    bool has_points;
    double right_points;                     // `score: N`: for a right answer
    const double *choice_points;             // `score: [..]`: per choice (NULL = right_points)
    const stoa_lesson_text *choice_feedback; // `feedback: [..]`: per choice, or NULL
    stoa_lesson_text feedback_right;         // `feedback: {right: .., wrong: ..}`
    stoa_lesson_text feedback_wrong;
} stoa_lesson_quiz;

// Points an answer (bit mask of choices) earns: the sum of the chosen
// choices' points with `score: [..]`, else right_points when it is right.
double stoa_lesson_quiz_points(const stoa_lesson_quiz *q, uint32_t choices);
// The feedback an answer gets: `feedback: {right, wrong}` by rightness, else
// the first chosen choice's text of `feedback: [..]`; NULL when none.
const stoa_lesson_text *stoa_lesson_quiz_feedback(const stoa_lesson_quiz *q, uint32_t choices);

// One entry action. Which fields are used depends on kind (see the format
// reference); unused pointers are NULL.
typedef struct stoa_lesson_step {
    stoa_lesson_step_kind kind;
    stoa_lesson_loc loc;
    const char *id;        // narration / panel id (narrations get "<state>#<n>" when unnamed)
    const char *node;      // NULL = at the learner (narrate, show_panel); target node otherwise
    stoa_lesson_loc node_loc;
    const char *animation; // play / stop
    stoa_lesson_text text; // subtitle, panel text or score feedback
    stoa_lesson_text audio; // narrate: path(s) relative to the lesson file, per language
    bool arrow;            // highlight: also point an arrow at the node
    bool loop;             // play
    bool keep;             // show_panel / highlight: stays after the state is left
    uint32_t name_count;   // show / hide: nodes; set / add: variables
    const char **names;
    const stoa_lesson_loc *name_locs;
    const double *values;  // set / add: one per name
    double points;         // score
    const stoa_lesson_quiz *quiz;
    stoa_lesson_outcome outcome; // end; FAILED/PASSED chosen at run time when by_score
    bool by_score;
    double pass_score;
    double room_to, room_seconds; // passthrough: the room's share 0..1, over seconds
} stoa_lesson_step;

// ---- triggers --------------------------------------------------------------

typedef enum stoa_lesson_trigger_kind {
    STOA_LESSON_TRIG_GAZE = 1,      // gaze dwell on node >= seconds
    STOA_LESSON_TRIG_SELECT,        // node selected (trigger / pinch / click)
    STOA_LESSON_TRIG_GRAB,
    STOA_LESSON_TRIG_RELEASE,
    STOA_LESSON_TRIG_PLACE,         // node placed into zone
    STOA_LESSON_TRIG_ENTER_ZONE,    // learner is in zone (entered now or before)
    STOA_LESSON_TRIG_LEAVE_ZONE,    // learner left zone
    STOA_LESSON_TRIG_TIMER,         // seconds in this state (pauses excluded)
    STOA_LESSON_TRIG_NARRATION_DONE,
    STOA_LESSON_TRIG_QUIZ,
    STOA_LESSON_TRIG_INSTRUCTOR,    // a named instructor command
    STOA_LESSON_TRIG_CONDITION,
    STOA_LESSON_TRIG_RANDOM,
    STOA_LESSON_TRIG_TASK_DONE,     // every step of the state's task is done
} stoa_lesson_trigger_kind;

typedef enum stoa_lesson_quiz_match {
    STOA_LESSON_ANSWER_ANY = 0,
    STOA_LESSON_ANSWER_RIGHT,
    STOA_LESSON_ANSWER_WRONG,
    STOA_LESSON_ANSWER_CHOICE, // the answer includes `choice`
} stoa_lesson_quiz_match;

typedef struct stoa_lesson_branch {
    const char *target;
    int32_t target_index;
    double weight;
    stoa_lesson_loc loc;
} stoa_lesson_branch;

typedef struct stoa_lesson_trigger {
    stoa_lesson_trigger_kind kind;
    stoa_lesson_loc loc;
    const char *node;     // gaze, select, grab, release, place; the zone for enter/leave_zone
    stoa_lesson_loc node_loc;
    const char *zone;     // place
    stoa_lesson_loc zone_loc;
    const char *id;       // narration id (NULL = every narration of the state), quiz id,
                          // instructor command
    double seconds;       // gaze, timer
    stoa_lesson_quiz_match match;
    uint32_t choice;      // ANSWER_CHOICE, 0-based
    const stoa_lesson_expr *expr; // condition
    const char *expr_text;
    const char *target;   // goto (NULL for random)
    int32_t target_index;
    stoa_lesson_loc target_loc;
    uint32_t branch_count; // random
    const stoa_lesson_branch *branches;
} stoa_lesson_trigger;

// ---- tasks (steps done right or wrong, as evaluation evidence) --------------

// What the learner does with a node: the interaction events a task watches.
typedef enum stoa_lesson_move_kind {
    STOA_LESSON_MOVE_SELECT = 1,
    STOA_LESSON_MOVE_GRAB,
    STOA_LESSON_MOVE_RELEASE,
    STOA_LESSON_MOVE_PLACE,
} stoa_lesson_move_kind;

typedef struct stoa_lesson_move {
    stoa_lesson_move_kind kind;
    const char *node;
    const char *zone; // place: the zone; NULL in a `wrong` place = anywhere else, or no zone
    stoa_lesson_loc loc, node_loc, zone_loc;
} stoa_lesson_move;

#define STOA_LESSON_TASK_MAX_STEPS 8

// A state's task (docs/lesson-format.md, "Tasks"): the right steps, in
// order unless any_order, and the wrong moves that count as errors. Each
// matching event is one piece of evidence on the task's concepts.
typedef struct stoa_lesson_task {
    const char *id;
    stoa_lesson_text title;          // optional; traces name the task by it
    uint32_t step_count;             // 1..STOA_LESSON_TASK_MAX_STEPS
    const stoa_lesson_move *steps;
    uint32_t wrong_count;            // 0..STOA_LESSON_TASK_MAX_STEPS
    const stoa_lesson_move *wrong;
    bool any_order;
    double time_limit;               // seconds to finish every step for success; 0 = none
    uint32_t concept_count;          // 0 = the state's concepts
    const char **concepts;
    stoa_lesson_loc loc;
} stoa_lesson_task;

const char *stoa_lesson_move_kind_str(stoa_lesson_move_kind k); // "select", ...

// ---- states and the lesson -------------------------------------------------

typedef struct stoa_lesson_state {
    const char *name;
    stoa_lesson_loc loc;
    stoa_lesson_text title;
    uint32_t step_count;
    const stoa_lesson_step *steps;        // entry actions, in order
    uint32_t trigger_count;
    const stoa_lesson_trigger *triggers;  // checked in order; the first that holds wins
    uint32_t concept_count;
    const char **concepts;
    double weight;            // for evaluation; default 1
    uint32_t key_node_count;  // nodes the learner should attend to here
    const char **key_nodes;
    const stoa_lesson_loc *key_node_locs;
    double expected_seconds;  // 0 = no expectation; beyond it the learner is "stuck"
    const char *skip_to;      // where an instructor "skip" goes (NULL = first trigger's target)
    int32_t skip_index;
    stoa_lesson_loc skip_loc;
    bool ends;                // has an `end` action
    const stoa_lesson_task *task; // NULL = none
} stoa_lesson_state;

// A self-report question asked when the lesson ends (docs/lesson-format.md,
// "Surveys"): a 1-5 scale, or one choice among 2-6.
typedef struct stoa_lesson_survey_item {
    const char *id;
    stoa_lesson_text question;
    uint32_t choice_count;          // 0 = a 1-5 scale
    const stoa_lesson_text *choices;
    stoa_lesson_text low, high;     // scale labels for 1 and 5 (may be empty)
    stoa_lesson_loc loc;
} stoa_lesson_survey_item;

// How a lesson wants to be shown (docs/ar.md): VR (the scene fills the
// view, the default), AR (over the real room: a headset with passthrough or
// a see-through display), or either.
typedef enum stoa_lesson_presentation {
    STOA_LESSON_PRESENT_VR = 0,
    STOA_LESSON_PRESENT_AR,
    STOA_LESSON_PRESENT_ANY,
} stoa_lesson_presentation;

const char *stoa_lesson_presentation_str(stoa_lesson_presentation p); // "vr", "ar", "any"

typedef struct stoa_lesson {
    const char *file_name; // as given to the parser, for messages
    const char *id;
    stoa_lesson_text title;
    stoa_lesson_text description;
    uint32_t language_count; // >= 1; languages[0] is the default
    const char **languages;
    const char *scene;       // relative to the lesson file (see stoa_lesson_resolve_path)
    stoa_lesson_loc scene_loc;
    const char *start;
    int32_t start_index;
    uint32_t state_count;
    const stoa_lesson_state *states;
    uint32_t quiz_count;
    const stoa_lesson_quiz **quizzes;
    // Every variable a lesson mentions: declared ones first, with their
    // initial values, then those only set, added or read (initially 0).
    uint32_t var_count;
    const char **var_names;
    const double *var_initial;
    uint32_t declared_var_count;
    uint32_t survey_count;          // 0 = no survey
    const stoa_lesson_survey_item *survey;
    // AR (lesson_parse_ar.c, docs/ar.md). presentation: `presentation:`.
    // environment: `environment: [..]`, the nodes only a virtual
    // surrounding needs (sky, ground, walls), hidden over the real room.
    // tabletop_scale > 0: `tabletop: {scale, node}`, the scene (or node)
    // placed on a real surface at that scale in AR.
    stoa_lesson_presentation presentation;
    stoa_lesson_loc presentation_loc;
    uint32_t environment_count;
    const char **environment;
    const stoa_lesson_loc *environment_locs;
    double tabletop_scale;
    const char *tabletop_node; // NULL = the whole scene
    stoa_lesson_loc tabletop_loc, tabletop_node_loc;
    // sky: {time: "HH:MM", shadows: off|low|high} (docs/environment.md), as
    // written and checked; NULL when not given.
    const char *sky_time;
    const char *sky_shadows;
    const char *sky_environment; // sky.environment: an image file, relative to the lesson
    struct stoa_lesson_private *priv;
} stoa_lesson;

typedef struct stoa_lesson_parse_desc {
    const char *file_name; // used in messages; NULL = "lesson"
    // With errors, still hand back what parsed (and return STOA_ERROR_PARSE),
    // so that `stoa lint` can also check its nodes, files and translations.
    // Such a lesson is for stoa_lesson_check_partial() only: never run it.
    bool keep_partial;
} stoa_lesson_parse_desc;

// Parses a lesson from UTF-8 YAML text (need not be NUL-terminated).
// Every problem found is appended to `diags` (may be NULL) with its line and
// column. Returns STOA_OK and a lesson when there was no error (warnings are
// allowed), else < 0, *out_lesson NULL and err filled with the first error.
// Structural problems (unknown state names, bad expressions, quizzes with no
// right answer) are errors here; graph and scene checks are in
// stoa_lesson_check().
stoa_result stoa_lesson_parse(const char *text, size_t size, const stoa_lesson_parse_desc *desc,
                              stoa_lesson **out_lesson, stoa_lesson_diags *diags,
                              stoa_error *err);

// Reads `path` (at most 4 MiB) and parses it, file_name = path.
stoa_result stoa_lesson_load_file(const char *path, stoa_lesson **out_lesson,
                                  stoa_lesson_diags *diags, stoa_error *err);
// The same with keep_partial (see stoa_lesson_parse_desc): for `stoa lint`.
stoa_result stoa_lesson_load_file_partial(const char *path, stoa_lesson **out_lesson,
                                          stoa_lesson_diags *diags, stoa_error *err);

void stoa_lesson_destroy(stoa_lesson **lesson);

int32_t stoa_lesson_find_state(const stoa_lesson *lesson, const char *name);
int32_t stoa_lesson_find_var(const stoa_lesson *lesson, const char *name);

// Resolves a path written in a lesson (scene, audio) into `out`. Paths are
// relative to the lesson file's folder and must stay inside the lesson's
// content root: that folder, or its parent when the folder is named
// "lessons" (the layout scenes/NAME/{NAME.glb, lessons/*.yaml}), so that a
// lesson can name "../agora.glb" but nothing outside scenes/NAME/.
stoa_result stoa_lesson_resolve_path(const char *lesson_path, const char *rel, char *out,
                                     size_t out_size, stoa_error *err);

// The lesson's content root (the folder stoa_lesson_resolve_path confines its
// paths to) into out; returns the lesson file's path below it ("x.yaml", or
// "lessons/x.yaml"), a pointer into lesson_path. A hub sends a lesson's files
// relative to this root so that a headset lays them out as the same tree.
const char *stoa_lesson_content_root(const char *lesson_path, char *out, size_t out_size);
