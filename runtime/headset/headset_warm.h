// SPDX-License-Identifier: Apache-2.0
// The overlay's pipelines (every material an overlay can have) compiled on a
// worker thread while the first frames are drawn, instead of before them:
// the first frame needs only the scene's. An overlay that needs them before
// the worker is done waits for it (headset_warm_join): the frame thread
// compiles none itself.
// Internal to runtime/headset.
#pragma once

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "gfx/stoa_gfx.h"
#include "scene/stoa_scene.h"
#include "xr/stoa_xr.h"

typedef struct headset_warm {
    pthread_t thread;
    bool running;         // a worker to join
    atomic_bool done;     // it returned
    stoa_gfx_renderer *renderer;
    stoa_gfx_pass_info pass;
    stoa_scene *scene;    // the empty overlay (owned)
    stoa_gfx_upload *upload;
    stoa_gfx_scene *made; // the upload's result, destroyed a few frames after its submit
    uint32_t polls;       // since the submit
    stoa_result result;
    stoa_error err;
} headset_warm;

// Takes `scene` (an empty overlay) and starts compiling its pipelines for the
// headset's overlay pass. On failure to start, compiles them here.
stoa_result headset_warm_start(headset_warm *w, stoa_xr *xr, stoa_scene *scene, stoa_error *err);
// The frame thread: once the worker is done (or at once, waiting, with
// `wait`: before the renderer goes), ends its upload and frees what it made.
void headset_warm_poll(headset_warm *w, bool wait);
// Whether the worker may still be compiling (until a poll has seen it done).
static inline bool headset_warm_busy(const headset_warm *w)
{
    return w->scene != NULL;
}
// The frame thread, when the overlay needs the pipelines now: waits for the
// worker to finish (a poll then ends its upload), so that the frame thread
// compiles none itself. Only the first frames can wait here.
void headset_warm_join(headset_warm *w);
