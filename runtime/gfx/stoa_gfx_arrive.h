// SPDX-License-Identifier: Apache-2.0
// What a scene loaded with .defer_textures and .defer_lods still owes its
// GPU copy after the first frame, brought in between frames: the textures
// stream in (stoa_gfx_stream) and fade over fade_s of the caller's clock,
// and the levels of detail, once the scene has made them, get their GPU
// copy on a worker and are swapped in (stoa_gfx_lods_start / _poll). Both
// front-ends that draw a scene as soon as its geometry is in use it: `stoa
// run`/`play` (runtime/run/run_stream.c) and `stoa preview`
// (runtime/desktop/desktop_preview.c), so neither waits for levels of
// detail before its first frame nor makes a GPU object on its frame thread
// for them.
//
// Lifetime: zero-initialise a stoa_gfx_arrivals per GPU copy; call
// stoa_gfx_arrivals_frame on the renderer's thread once per frame before
// drawing, and stoa_gfx_arrivals_stop before the GPU copy or the stoa_scene
// is destroyed or replaced (it joins the workers and zeroes the struct, ready
// for the next copy). Failures are logged under `log_module` and leave the
// scene drawn as it is (stand-ins, full detail): they never end the caller.
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "gfx/stoa_gfx.h"

typedef struct stoa_gfx_arrivals {
    stoa_gfx_stream *stream; // textures still coming in (NULL when none or done)
    stoa_gfx_lods *lods;     // levels of detail being made ready on a worker
    bool stream_started;     // once per GPU copy
    bool lods_started;
} stoa_gfx_arrivals;

// What one call saw happen, as bits (the run's benchmark marks the frames
// textures streamed over).
enum {
    STOA_GFX_ARRIVE_STREAM_STARTED = 1u << 0, // the first call for this copy
    STOA_GFX_ARRIVE_TEXTURES_DONE = 1u << 1,  // the last pending texture went in
    STOA_GFX_ARRIVE_LODS_IN = 1u << 2,        // the levels of detail were swapped in
};

// gs and sc: the GPU copy and the scene it was made from (NULL: nothing to
// do). now_s: any monotonic clock in seconds for the fade. Returns the bits.
uint32_t stoa_gfx_arrivals_frame(stoa_gfx_arrivals *a, stoa_gfx_renderer *renderer,
                                 stoa_gfx_scene *gs, stoa_scene *sc, double now_s, float fade_s,
                                 const char *log_module);
void stoa_gfx_arrivals_stop(stoa_gfx_arrivals *a);
