// SPDX-License-Identifier: Apache-2.0
// The scene's textures stream in while the learner already sees it: the
// scene is loaded with .defer_textures (run_content.c), its GPU copy drawn
// at once with stand-ins (the materials' own factors), and a stoa_gfx_stream
// (runtime/gfx/gfx_stream.c, shared with the desktop preview) decodes and
// uploads the rest on workers; between frames only the prepared uploads are
// submitted (no wait), and each material fades in over RUN_TEXTURE_FADE_S of
// the session's clock (the headset's display time) instead of popping.
#include "core/stoa_log.h"
#include "run_session.h"

#define RUN_TEXTURE_FADE_S 0.4f

void run_stream_frame(run_session *s, int64_t now_ns)
{
    // The scene's background work (decodes, levels, cache writer) was held
    // (.hold_background) until a frame drawing it was submitted: frames
    // counts the submitted ones.
    if (s->frames > 0)
        stoa_scene_release_background(s->scene);
    if (!s->gscene)
        return;
    if (!s->stream && !s->stream_started) {
        stoa_error err = {0};
        s->stream_started = true; // once per GPU copy (run_stream_stop resets it)
        if (stoa_gfx_stream_start(s->gscene, s->scene, &s->stream, &err) < 0)
            STOA_LOGW("run", "textures of %s stay stand-ins: %s", s->scene->path, err.message);
        s->stream_span[0] = s->stream_span[1] = s->cpu_count;
        if (s->stream)
            STOA_LOGI("run", "%s: first frames with stand-ins, %u textures streaming in",
                      s->scene->path, stoa_gfx_scene_pending_textures(s->gscene));
    }
    stoa_gfx_scene_fade_clock(s->gscene, (double)now_ns * 1e-9, RUN_TEXTURE_FADE_S);
    if (!s->stream)
        return;
    stoa_error err = {0};
    if (stoa_gfx_stream_poll(s->stream, &err) < 0) {
        STOA_LOGW("run", "streaming the textures of %s: %s", s->scene->path, err.message);
        stoa_gfx_stream_destroy(&s->stream);
    } else if (stoa_gfx_stream_done(s->stream)) {
        s->stream_span[1] = s->cpu_count;
        STOA_LOGI("run", "%s: every texture in (%u still pending)", s->scene->path,
                  stoa_gfx_scene_pending_textures(s->gscene));
        stoa_gfx_stream_destroy(&s->stream);
    }
}

void run_stream_stop(run_session *s)
{
    stoa_gfx_stream_destroy(&s->stream);
    s->stream_started = false;
    stoa_gfx_lods_destroy(&s->lods_job);
    s->lods_started = false;
}

// Levels of detail made after the first frame (a .defer_lods load): once the
// scene has them, a worker makes their GPU copy, and a later frame only
// submits it and swaps (stoa_gfx_lods_start / _poll).
void run_lods_frame(run_session *s, stoa_gfx_renderer *renderer)
{
    if (!s->gscene || !s->scene)
        return;
    stoa_error err = {0};
    if (!s->lods_started) {
        if (!stoa_scene_lods_ready(s->scene, false))
            return;
        s->lods_started = true; // once per GPU copy (run_stream_stop resets it)
        if (stoa_gfx_lods_start(renderer, s->gscene, s->scene, &s->lods_job, &err) < 0)
            STOA_LOGW("run", "%s: drawn without levels of detail: %s", s->scene->path, err.message);
        return;
    }
    if (!s->lods_job)
        return;
    stoa_result r = stoa_gfx_lods_poll(&s->lods_job, &err);
    if (r > 0)
        STOA_LOGI("run", "%s: %u levels of detail in, made after the first frame", s->scene->path,
                  s->scene->lod_count);
    else if (r < 0)
        STOA_LOGW("run", "%s: drawn without levels of detail: %s", s->scene->path, err.message);
}
