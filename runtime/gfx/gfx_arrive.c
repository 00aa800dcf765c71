// SPDX-License-Identifier: Apache-2.0
// Textures and levels of detail reaching a scene's GPU copy after its first
// frame (stoa_gfx_arrive.h): the frame-thread half shared by `stoa run` and
// `stoa preview`. The GPU work is on workers (gfx_stream.c, gfx_lod_late.c);
// here only their results are polled and submitted.
#include "gfx/stoa_gfx_arrive.h"

#include <string.h>

#include "core/stoa_log.h"
#include "scene/stoa_scene.h"

static void textures_frame(stoa_gfx_arrivals *a, stoa_gfx_scene *gs, stoa_scene *sc,
                           const char *mod, uint32_t *events)
{
    stoa_error err = {0};
    if (!a->stream_started) {
        a->stream_started = true;
        *events |= STOA_GFX_ARRIVE_STREAM_STARTED;
        if (stoa_gfx_stream_start(gs, sc, &a->stream, &err) < 0)
            stoa_log(mod, STOA_LOG_WARN, "textures of %s stay stand-ins: %s", sc->path,
                     err.message);
        if (a->stream)
            stoa_log(mod, STOA_LOG_INFO,
                     "%s: first frames with stand-ins, %u textures streaming in", sc->path,
                     stoa_gfx_scene_pending_textures(gs));
    }
    if (!a->stream)
        return;
    if (stoa_gfx_stream_poll(a->stream, &err) < 0) {
        stoa_log(mod, STOA_LOG_WARN, "streaming the textures of %s: %s", sc->path, err.message);
        stoa_gfx_stream_destroy(&a->stream);
    } else if (stoa_gfx_stream_done(a->stream)) {
        *events |= STOA_GFX_ARRIVE_TEXTURES_DONE;
        stoa_log(mod, STOA_LOG_INFO, "%s: every texture in (%u still pending)", sc->path,
                 stoa_gfx_scene_pending_textures(gs));
        stoa_gfx_stream_destroy(&a->stream);
    }
}

static void lods_frame(stoa_gfx_arrivals *a, stoa_gfx_renderer *renderer, stoa_gfx_scene *gs,
                       stoa_scene *sc, const char *mod, uint32_t *events)
{
    stoa_error err = {0};
    if (!a->lods_started) {
        if (!stoa_scene_lods_ready(sc, false))
            return;
        a->lods_started = true;
        if (stoa_gfx_lods_start(renderer, gs, sc, &a->lods, &err) < 0)
            stoa_log(mod, STOA_LOG_WARN, "%s: drawn without levels of detail: %s", sc->path,
                     err.message);
        return; // polled from the next frame on
    }
    if (!a->lods)
        return;
    stoa_result r = stoa_gfx_lods_poll(&a->lods, &err);
    if (r > 0) {
        *events |= STOA_GFX_ARRIVE_LODS_IN;
        stoa_log(mod, STOA_LOG_INFO, "%s: %u levels of detail in, made after the first frame",
                 sc->path, sc->lod_count);
    } else if (r < 0) {
        stoa_log(mod, STOA_LOG_WARN, "%s: drawn without levels of detail: %s", sc->path,
                 err.message);
    }
}

uint32_t stoa_gfx_arrivals_frame(stoa_gfx_arrivals *a, stoa_gfx_renderer *renderer,
                                 stoa_gfx_scene *gs, stoa_scene *sc, double now_s, float fade_s,
                                 const char *log_module)
{
    uint32_t events = 0;
    if (!gs || !sc)
        return 0;
    textures_frame(a, gs, sc, log_module, &events);
    stoa_gfx_scene_fade_clock(gs, now_s, fade_s);
    if (renderer)
        lods_frame(a, renderer, gs, sc, log_module, &events);
    return events;
}

void stoa_gfx_arrivals_stop(stoa_gfx_arrivals *a)
{
    stoa_gfx_stream_destroy(&a->stream);
    stoa_gfx_lods_destroy(&a->lods);
    memset(a, 0, sizeof *a);
}
