// SPDX-License-Identifier: Apache-2.0
// The desktop front-end of the lesson session (`stoa play`): a window
// (runtime/desktop's stoa_desktop_window) instead of a headset. Mouse look
// and WASD move the learner's head; a centre reticle is the right hand's
// laser (left button selects, right button grabs); gaze is the view
// direction. Each frame goes through run_session_step, as the headset's do:
// the same lesson machine, interaction, panels, audio, trace and hub.
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "run/run_session.h"

typedef struct play_options {
    run_options run;          // run.front is set to RUN_FRONT_DESKTOP
    uint32_t width, height;   // window size; 0 = 1280 x 720
    uint32_t msaa;            // 0 = 4
    bool overlay;             // start with the author's overlay shown
    bool no_reload;           // do not reload the lesson when its file changes
    double speed;             // lesson time per wall second at the start (F2 changes it); 0 = 1
} play_options;

// What the play session did, for the command's summary line.
typedef struct play_summary {
    uint64_t frames;
    uint32_t events, reloads;
    char last_state[128];
    bool ended;
    // GPU objects the frame thread made (stoa_gfx_stats.frame_objects):
    // in all, and of those while it stepped the session and the author's
    // side (a reload, a sky: none; the rest are pipelines made when first
    // drawn, as the desktop does).
    uint64_t frame_objects, step_objects;
} play_summary;

// Plays until the lesson ends (with a hub: until the window is closed), Esc,
// the window closes, *stop_flag or run.max_seconds. Returns STOA_OK or < 0
// with err filled (no display, no Vulkan surface, a lesson that cannot load).
stoa_result play_run(play_options *opt, volatile int *stop_flag, play_summary *out,
                     stoa_error *err);
