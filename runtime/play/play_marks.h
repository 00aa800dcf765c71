// SPDX-License-Identifier: Apache-2.0
// What play mode draws in 3D for the lesson's places (play.c): a disc
// on the floor at each teleport point (the nodes the lesson's `teleport`
// steps name), always shown, that the learner clicks to stand there (the
// disc under the reticle glows); and, while the author's overlay is shown,
// each zone's volume (a translucent box over its world bounds) and a marker
// (an orange diamond) above each narration source. A small scene of its own,
// made in memory, drawn after the overlay and depth-tested against the scene.
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "gfx/stoa_gfx.h"
#include "run/run_session.h"

#define PLAY_MARKS_MAX 32 // of each kind

typedef struct play_marks {
    stoa_scene *scene; // the markers; NULL when the lesson names no place
    stoa_gfx_scene *gscene;
    stoa_pose *pose;
    uint32_t teleport_count, zone_count, narration_count;
    int32_t teleports[PLAY_MARKS_MAX];  // nodes of the lesson's scene
    int32_t zones[PLAY_MARKS_MAX];
    int32_t narrations[PLAY_MARKS_MAX];
    int32_t hot; // index into teleports under the reticle, -1
} play_marks;

// Collects the lesson's places and makes the markers' GPU copy. No lesson
// (the lobby) or no place: nothing is drawn. Call again after a reload.
stoa_result play_marks_build(play_marks *m, run_session *s, stoa_gfx_renderer *renderer,
                                 stoa_error *err);
// Places the markers for this frame (the scene's pose: nodes may move) and
// finds the teleport point the eye's ray (eye, unit dir) lands on before
// anything else (hit_distance: the gaze's hit, < 0 = none). author: zones
// and narration sources are shown too. Fills *out (scene NULL: nothing).
void play_marks_frame(play_marks *m, const run_session *s, const float eye[3],
                          const float dir[3], float hit_distance, bool author, run_draw *out);
// The node of the teleport point under the reticle, or -1.
int32_t play_marks_hot(const play_marks *m);
// Frees the markers (their GPU copy is frame-fenced).
void play_marks_free(play_marks *m);
