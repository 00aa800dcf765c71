// SPDX-License-Identifier: Apache-2.0
// A lesson inside `stoa run`: the lesson machine driven by interaction and
// audio events, its actions applied to the scene, the audio and the panels,
// and every step written to the learner's trace. Glue only.
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "run_audio_probe.h"
#include "audio/stoa_audio.h"
#include "interact/stoa_interact.h"
#include "lesson/stoa_lesson.h"
#include "lesson/stoa_lesson_machine.h"
#include "scene/stoa_scene.h"
#include "trace/stoa_trace.h"

#define RUN_MAX_PANELS 8
#define RUN_MAX_ANIMS 16
#define RUN_MAX_NARRATIONS 32
#define RUN_MAX_CHOICES 12 // a quiz has up to 6; the lobby's keypad 12
// Lesson actions one event may produce: the queue starts at 128 and grows to
// this; beyond it actions are counted (actions_dropped), logged as errors and
// counted in `stoa run`'s closing lines, never passed over in silence.
#define RUN_ACTION_LIMIT 4096

// Why the lesson is paused. Each source is set and cleared on its own; the
// lesson is paused while any is set, so a headset that gets its session back
// does not cancel the teacher's pause, nor the teacher's resume a lost session.
enum {
    RUN_PAUSE_TEACHER = 1u << 0, // the hub's pause command
    RUN_PAUSE_SESSION = 1u << 1, // the OpenXR session was lost (until a new one runs)
    RUN_PAUSE_SYSTEM = 1u << 2,  // the runtime took focus (system menu, headset off)
};

typedef enum run_panel_kind { RUN_PANEL_TEXT = 0, RUN_PANEL_QUIZ, RUN_PANEL_SUBTITLE } run_panel_kind;

// A panel in the world: a quad facing the learner. The picture itself is
// made by runtime/ui; here is what it says and where it is.
typedef struct run_panel {
    bool visible;
    run_panel_kind kind;
    char id[64];
    char title[256];
    char text[1024];
    char footer[256];
    const stoa_lesson_quiz *quiz;
    uint32_t choice_count;
    uint32_t choice_columns; // > 1: a grid (the lobby's keypad)
    char choices[RUN_MAX_CHOICES][160];
    float choice_uv[RUN_MAX_CHOICES][4]; // u0, v0, u1, v1 (v down), from the layout
    int32_t hovered, chosen;             // choice index or -1
    bool answered, correct;
    bool drawn;                          // its picture is up: rays and gaze may answer it
    float center[3], right[3], up[3];    // world; right/up are unit vectors
    float width, height;                 // metres, at 1 px = 1 mm
    float scale;                         // grows with distance so text stays readable
    bool front;                          // in front of the learner (stacked by run_layout.c)
    int64_t until_ns;                    // > 0: hidden at this display time
    float fade;                          // 0 opaque .. 1 gone: a message's last second (run_layout.c)
    uint32_t shown_seq;                  // order shown in (newest highest)
    uint32_t version;                    // bumps when the picture must be remade
    uint8_t icon;                        // stoa_ui_icon_id in its corner (0 = none)
} run_panel;

typedef struct run_anim {
    int32_t anim;
    int64_t start_ns;
    bool loop, playing;
    float hold_t; // when stopped or completed: the time it stays at
} run_anim;

typedef struct run_lesson_desc {
    const char *lesson_path;
    const char *language;   // NULL = the lesson's first language
    const char *traces_dir; // NULL = the per-user default
    const char *device_type; // "headset" or "desktop": the trace's context says which
    const char *learner;    // pseudonym; NULL = anonymous
    uint64_t seed;
    bool quiet; // no progress lines on stdout (benchmarks)
    const char *registration; // UUID of this run from the hub's launch; NULL = fresh
    // The actor's account homePage: the hub's address when a signed-in
    // learner's id is the account name (docs/hub.md); NULL = Stoa's default.
    const char *account_home_page;
    // The interface sounds' folder (share/stoa/sounds; run_ui_sound.h); NULL = none.
    const char *sounds_dir;
} run_lesson_desc;

typedef struct run_lesson {
    stoa_lesson *lesson;
    char lesson_path[4096];
    char scene_path[4096];
    const char *lang;
    const stoa_scene *scene;
    stoa_lesson_machine *machine;
    stoa_lesson_out out; // a bounded queue (RUN_ACTION_LIMIT)
    uint32_t actions_dropped; // over the limit, since start (reported)
    uint32_t pause_sources;   // RUN_PAUSE_* bits
    uint32_t hidden_version;  // bumps when a node is shown or hidden (picking)
    stoa_audio *audio;
    uint32_t select_taken; // hands whose select a panel of the session took this frame (run_hand.c)
    run_audio_probe probe; // STOA_AUDIO_PROBE: what is heard, measured (run_audio_probe.h)
    stoa_trace_log *trace;
    stoa_clock trace_clock; // display time mapped onto wall time
    int64_t now_ns, display0_ns;
    bool started, ended;
    // The last `passthrough:` action, for run_ar.c (room_to < 0: back to
    // the start, after a restart); room_version counts them.
    float room_to;
    double room_s;
    uint32_t room_version;
    int64_t ended_ns;
    stoa_lesson_outcome outcome;
    bool *hidden;      // per node
    bool *highlighted; // per node
    int32_t arrow_node;
    bool look_glow;    // the teacher's "look here" lit arrow_node (run_look.c)
    run_anim anims[RUN_MAX_ANIMS];
    uint32_t anim_count;
    struct {
        uint32_t audio_id;
        char lesson_id[64];
    } narrations[RUN_MAX_NARRATIONS];
    uint32_t narration_count;
    run_panel panels[RUN_MAX_PANELS];
    uint32_t panel_seq;          // counts panels shown (run_panel.shown_seq)
    bool layout_set;             // the stack's anchor below is in use
    bool layout_reanchor;        // a teleport moved the learner: anchor again at the next pose
    float layout_center[3], layout_right[3];
    float head_world[3], head_forward[3];
    const stoa_pose *pose; // the scene as last posed (audio sources follow its nodes)
    int64_t last_activity_ns;  // last interaction, or the head moving (idle time)
    float activity_anchor[3];  // head position when activity was last seen
    float select_prev[2];    // last trigger values, for press edges on panels
    int32_t gaze_node;       // for attention traces: what the learner looks at
    int64_t gaze_since_ns;
    int64_t quiz_gaze_since_ns;
    int32_t quiz_gaze_choice;
    bool teleport_pending;
    float teleport_point[3];
    float teleport_yaw;
    uint32_t statements;     // written so far (for the summary line)
    bool quiet;
    struct run_survey *survey; // the end-of-lesson survey while it runs (run_survey.c)
    struct run_attention *attention; // narrations being listened to (run_attention.c)
    char sounds_dir[1024];           // interface sounds (run_ui_sound.c); "" = none
    uint32_t sounds_played[6];       // per run_sound, since start
} run_lesson;

// Loads the lesson (and says which scene it needs through scene_path).
stoa_result run_lesson_load(run_lesson *rl, const run_lesson_desc *desc, stoa_error *err);
// Once the scene is loaded: audio, trace, machine. Starts at now_ns.
stoa_result run_lesson_start(run_lesson *rl, const stoa_scene *scene, const run_lesson_desc *desc,
                             int64_t now_ns, stoa_error *err);
// Feeds this frame's interaction output; may consume trigger presses aimed
// at a panel (returns which hands' SELECT events to ignore as a bit mask).
uint32_t run_lesson_input(run_lesson *rl, const stoa_interact_output *io,
                          const stoa_interact_frame *in, int64_t now_ns);
// Advances time, audio and the machine; applies actions. Teleports go to ia.
void run_lesson_update(run_lesson *rl, stoa_interact *ia, int64_t now_ns);
// Poses the scene for the lesson (animations, hidden nodes); call after reset.
void run_lesson_pose(run_lesson *rl, stoa_pose *pose);
// Moves the learner onto node (standing there, facing its -Z) at the next
// update, traced as `teleported`: the lesson's teleport step, and a desktop
// learner's click on one of the lesson's teleport points (runtime/play).
void run_lesson_teleport_node(run_lesson *rl, int32_t node);
// Sets or clears one pause source (RUN_PAUSE_*). The lesson machine pauses
// when the first source is set and resumes when the last is cleared. The
// session source also writes suspended/resumed (session-lost) to the trace.
void run_lesson_set_paused(run_lesson *rl, uint32_t source, bool on);
void run_lesson_fini(run_lesson *rl);
// "Look here" from the teacher: the node glows under an arrow; a learner who
// faces away sees an arrow at the edge of the view, and a chime sounds from
// the node (run_look.c). node -1 clears it.
void run_lesson_look_here(run_lesson *rl, int32_t node);

// Names of a lesson text in the trace's form (entries point into the lesson).
stoa_trace_names run_lesson_names(const run_lesson *rl, const stoa_lesson_text *text,
                                  stoa_trace_text *buf, uint32_t buf_count);

// World matrix (float[16]) of a node as the scene was last posed, or NULL.
const float *run_lesson_node_world(const run_lesson *rl, int32_t node);

// Seconds since the learner last did anything (acted, or moved the head).
double run_lesson_idle_s(const run_lesson *rl);

// Hands one event to the lesson machine and applies what it answers.
void run_lesson_feed(run_lesson *rl, const stoa_lesson_event *ev);
// Puts a started lesson where a saved machine was (stoa_lesson_machine_save
// of the same lesson) and applies what that shows (play mode's reload).
stoa_result run_lesson_restore(run_lesson *rl, const char *blob, size_t len, stoa_error *err);
