// SPDX-License-Identifier: Apache-2.0
// Where the lesson's panels stand in the world, what they say, and which
// quiz choice a ray points at. Internal to `stoa run`.
#pragma once

#include "run_lesson.h"

// A text panel: at a node (above its bounds, facing the learner) or, with
// node -1, 1.5 m in front of the learner at eye height.
run_panel *run_panels_show_text(run_lesson *rl, const char *id, const char *text, int32_t node);
// A panel of choices that is not a lesson's quiz (the lobby's names and
// keypad): the caller fills title, text, choices and choice_count.
run_panel *run_panels_show_choices(run_lesson *rl, const char *id);
run_panel *run_panels_find(run_lesson *rl, const char *id); // visible, or NULL
void run_panels_show_quiz(run_lesson *rl, const stoa_lesson_quiz *quiz);
void run_panels_quiz_answered(run_lesson *rl, const stoa_lesson_quiz *quiz, uint32_t choices,
                              bool correct);
void run_panels_feedback(run_lesson *rl, const char *text);
// The narration subtitle under the learner's view; NULL hides it.
void run_panels_subtitle(run_lesson *rl, const char *text);
void run_panels_hide(run_lesson *rl, const char *id);
// Hides a quiz; feedback shown on it stays up as the "feedback" panel.
void run_panels_hide_quiz(run_lesson *rl, const char *id);

// The open quiz panel, or NULL.
run_panel *run_panels_quiz(run_lesson *rl);
// Ray against a panel: distance along the (normalised) ray, or -1; out_choice
// is the choice under the hit point (-1 when none).
float run_panels_hit(const run_panel *p, const float origin[3], const float dir[3],
                     int32_t *out_choice);

// The world point at the middle of choice i of p (its drawn rectangle), for
// rays and for tests that aim at it; false when there is no such choice.
bool run_panels_choice_point(const run_panel *p, uint32_t i, float out[3]);

// run_layout.c: the layout manager. Panels in front of the learner (the
// lesson's, the teacher's message, the pause panel, subtitles) are stacked
// so that none overlaps another: the newest teacher message on top, then the
// pause panel, the lesson's panels, the subtitle at the bottom. A panel with
// an `until_ns` is hidden once now_ns (run_layout_clock_ns) has passed it:
// the teacher's message.
void run_layout_arrange(run_lesson *rl, int64_t now_ns);
// Wall-clock time for panels' lifetimes: what the teacher is told in seconds
// holds on the headset whatever its display clock does (xrsim's FAST mode).
int64_t run_layout_clock_ns(void);
// Seconds a teacher's message of this text stays up (sent to the hub).
double run_layout_message_s(const char *text);
// A panel with an until_ns fades out over its last RUN_LAYOUT_FADE_S
// (p->fade from 0 to 1 in RUN_LAYOUT_FADE_STEPS steps, each a new picture).
#define RUN_LAYOUT_FADE_S 1.0
#define RUN_LAYOUT_FADE_STEPS 8

// Where the "look here" arrow at the edge of the view stands and where its
// tip points, for a learner at head looking along forward, the node at
// node_pos (world). False when the learner faces the node (within 35
// degrees): the arrow over the node does instead. out_dir is the unit
// vector from out_pos to the node itself (before, it ran across the view and
// missed a node 3 m away by ~21 degrees).
bool run_layout_edge_arrow(const float head[3], const float forward[3], const float node_pos[3],
                           float out_pos[3], float out_dir[3]);
