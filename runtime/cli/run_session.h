// SPDX-License-Identifier: Apache-2.0
// The learner's session inside `stoa run`: the scene, the headset, the
// interaction module, and (from the lessons issue on) the lesson, audio and
// trace. Glue only: every piece of logic lives in its module.
#pragma once

#include <stdbool.h>
#include <stdio.h>

#include "core/stoa_result.h"
#include "gfx/stoa_gfx.h"
#include "interact/stoa_interact.h"
#include "scene/stoa_scene.h"
#include "desktop/stoa_mirror.h"
#include "run_hub.h"
#include "run_lesson.h"
#include "run_overlay.h"
#include "xr/stoa_xr.h"

typedef struct run_options {
    const char *scene_path;
    const char *events_path;     // JSON Lines of interaction events, or NULL
    stoa_gfx_stereo_mode stereo; // AUTO, MULTIVIEW or MULTIPASS
    uint32_t msaa;
    bool seated;
    bool force_vulkan1;
    double max_seconds; // > 0: ask the runtime to exit after this long
    const char *grab_nodes; // comma-separated node names the learner may pick up
    float dwell_s;          // gaze dwell threshold, 0 = the interaction default
    bool mirror;            // show the left eye in a desktop window
    // A lesson (.yaml) instead of a bare scene: scene_path is then the
    // lesson's; these go to run_lesson.
    const char *lesson_path;
    run_lesson_desc lesson;
    run_hub_options hub; // --hub/--join: the classroom hub (run_hub.c)
} run_options;

typedef struct run_session {
    const run_options *opt;
    stoa_scene *scene;
    stoa_pose *pose;
    stoa_bvh *bvh;
    stoa_interact *interact;
    stoa_xr *xr;
    stoa_gfx_scene *gscene;
    FILE *events;
    double anim_time;
    int64_t last_display_ns;
    uint64_t frames;
    uint32_t event_count;
    uint32_t session_losses;
    bool grabbing;
    run_lesson lesson; // used when opt->lesson_path is set
    run_lesson_desc lesson_desc; // the lesson now played (a hub launch may change it)
    char switch_path[4096];      // storage for a lesson the hub launched
    char switch_registration[40];
    run_hub hub;       // classroom hub connection (run_hub.c); idle without --hub
    run_overlay overlay;
    stoa_desktop_mirror *mirror;
    uint32_t *highlights; // node indices for the renderer
    bool lesson_on;
    bool exit_requested;
    bool paused_by_loss; // the lesson waits for the headset to come back
    // Nodes a learner has moved keep their place across frames (the
    // animation pass resets the pose every frame).
    bool *moved;
    float (*moved_trs)[10];
    // Per-frame CPU time in Stoa's own code (µs), for `stoa bench frame`.
    double *cpu_us;
    uint32_t cpu_count, cpu_cap;
} run_session;

// run_content.c: the scene and lesson the session shows.
stoa_result run_content_load(run_session *s, stoa_error *err);
void run_content_drop_scene(run_session *s);
// Ends the current lesson and plays the one at `path` (fetched from the hub),
// loading its scene when it differs; the headset session goes on.
stoa_result run_content_switch_lesson(run_session *s, const char *path, const char *registration,
                                      stoa_error *err);

stoa_result run_session_init(run_session *s, const run_options *opt, stoa_error *err);
// Runs the frame loop until the runtime ends the session (or a signal asks).
stoa_result run_session_loop(run_session *s, volatile int *stop_flag, stoa_error *err);
void run_session_fini(run_session *s);
