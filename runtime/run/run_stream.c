// SPDX-License-Identifier: Apache-2.0
// The scene's textures stream in while the learner already sees it: the
// scene is loaded with .defer_textures and .defer_lods (run_content.c), its
// GPU copy drawn at once with stand-ins (the materials' own factors) and at
// full detail; workers decode and upload the textures and make the levels of
// detail's GPU copy, and between frames only the prepared work is submitted
// (no wait). Each material fades in over RUN_TEXTURE_FADE_S of the session's
// clock (the headset's display time) instead of popping. The frame-thread
// half is stoa_gfx_arrivals (runtime/gfx/gfx_arrive.c), shared with the
// desktop preview; here the session marks the frames textures streamed over
// (`stoa bench frame`).
#include "run_session.h"

#define RUN_TEXTURE_FADE_S 0.4f

void run_stream_frame(run_session *s, stoa_gfx_renderer *renderer, int64_t now_ns)
{
    // The scene's background work (decodes, levels, cache writer) was held
    // (.hold_background) until a frame drawing it was submitted: frames
    // counts the submitted ones.
    if (s->frames > 0 && s->scene)
        stoa_scene_release_background(s->scene);
    uint32_t ev = stoa_gfx_arrivals_frame(&s->arrive, renderer, s->gscene, s->scene,
                                          (double)now_ns * 1e-9, RUN_TEXTURE_FADE_S, "run");
    if (ev & STOA_GFX_ARRIVE_STREAM_STARTED) { // UINT32_MAX: still streaming
        s->stream_span[0] = s->cpu_count;
        s->stream_span[1] = UINT32_MAX;
    }
    if (ev & STOA_GFX_ARRIVE_TEXTURES_DONE)
        s->stream_span[1] = s->cpu_count;
}

void run_stream_stop(run_session *s)
{
    stoa_gfx_arrivals_stop(&s->arrive);
}
