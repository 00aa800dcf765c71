// SPDX-License-Identifier: Apache-2.0
// The author's desktop window (GLFW + Vulkan): scene preview, and later the
// learner runtime's mirror window. GLFW's types stay inside this module.
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "core/stoa_result.h"

typedef struct stoa_desktop_preview_desc {
    const char *scene_path;   // .gltf or .glb (required)
    uint32_t width, height;   // window size; 0 = 1280 x 720
    uint32_t msaa;            // 0 = 4
    const char *camera;       // scene camera to start from; NULL = frame bounds
    float start_time;         // animation time at start, seconds
    bool start_paused;        // animations paused at start_time
    double exit_after;        // > 0: close by itself after this many seconds
    // Called once when the first frame with the scene on screen has been
    // presented (tests wait for it before taking a screenshot).
    void (*on_ready)(void *user);
    void *user;
} stoa_desktop_preview_desc;

// Opens the window and runs until it is closed, Esc is pressed or exit_after
// passes. Returns STOA_OK on a normal close; < 0 with err filled when there
// is no display, no Vulkan surface support, or the first load fails (later
// reload failures are shown in the window and the previous scene stays).
stoa_result stoa_desktop_preview_run(const stoa_desktop_preview_desc *desc, stoa_error *err);
