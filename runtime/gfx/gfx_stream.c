// SPDX-License-Identifier: Apache-2.0
// Streaming a scene's textures in while frames are drawn (stoa_gfx_stream):
// the scene is drawn at once with stand-ins (gfx_pending.c); a worker thread
// collects the textures that finished decoding (stoa_scene_textures_ready),
// makes their images, fills their pixels and mip levels and writes the
// descriptor sets the materials will draw with, in a pool of the batch's own
// (a batch, in gfx_stream_batch.c); the frame thread creates no GPU object:
// it only submits that batch's copies (no wait), swaps in its sets (the
// former pool is freed once the frames in flight are done) and fades each
// material in from its stand-ins over a short time.
//
// The worker and the frame thread take turns on the pair (stoa_scene,
// stoa_gfx_scene): the worker touches neither while a prepared batch waits
// for the frame thread, and the frame thread changes the scene's texture
// state only while committing that batch.
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#include "core/stoa_log.h"
#include "gfx_scene_internal.h"

struct stoa_gfx_stream {
    stoa_gfx_scene *gs;
    stoa_scene *sc;
    pthread_t thread;
    bool running;                         // a thread to join
    atomic_bool stop;                     // the owner wants the worker gone
    atomic_bool finished;                 // the worker returned
    stoa_gfx_tex_batch *_Atomic ready;    // prepared, waiting for the frame thread
    stoa_result result;                   // the worker's failure (read once finished)
    stoa_error err;
};

float gfx_material_fade(const stoa_gfx_scene *s, uint32_t material)
{
    if (!s->fade_start || material >= s->material_count)
        return 1.0f;
    double start = s->fade_start[material];
    if (isnan(start))
        return 0.0f; // installed, the clock not yet read: as the stand-ins
    if (start < 0.0 || s->fade_s <= 0.0f)
        return 1.0f;
    double f = (s->fade_clock - start) / s->fade_s;
    return f <= 0.0 ? 0.0f : f >= 1.0 ? 1.0f : (float)f;
}

void stoa_gfx_scene_fade_clock(stoa_gfx_scene *gs, double now_s, float fade_s)
{
    if (!gs)
        return;
    gs->fade_clock = now_s;
    gs->fade_s = fade_s > 0.0f ? fade_s : 0.0f;
    if (!gs->fade_start)
        return;
    bool fading = false;
    for (uint32_t m = 0; m < gs->material_count; m++) {
        if (isnan(gs->fade_start[m]))
            gs->fade_start[m] = now_s;
        else if (gs->fade_start[m] >= 0.0 && now_s - gs->fade_start[m] >= gs->fade_s)
            gs->fade_start[m] = -1.0; // done
        fading |= gs->fade_start[m] >= 0.0 || isnan(gs->fade_start[m]);
    }
    if (!fading && gs->pending_count == 0) {
        free(gs->fade_start);
        gs->fade_start = NULL;
    }
}

static void nap_ms(long ms)
{
    struct timespec ts = {0, ms * 1000000L};
    nanosleep(&ts, NULL);
}

static void *stream_main(void *arg)
{
    stoa_gfx_stream *st = arg;
    while (!atomic_load(&st->stop)) {
        if (atomic_load(&st->ready)) { // the frame thread's turn
            nap_ms(1);
            continue;
        }
        uint32_t left = stoa_scene_textures_ready(st->sc, false);
        stoa_gfx_tex_batch *b = NULL;
        st->result = gfx_tex_batch_prepare(st->gs, st->sc, &b, &st->err);
        if (st->result < 0)
            break;
        if (b) {
            atomic_store(&st->ready, b);
            continue;
        }
        if (left == 0)
            break; // every texture decoded and handed over
        nap_ms(2);
    }
    atomic_store(&st->finished, true);
    return NULL;
}

stoa_result stoa_gfx_stream_start(stoa_gfx_scene *gs, stoa_scene *sc, stoa_gfx_stream **out,
                                  stoa_error *err)
{
    *out = NULL;
    if (!gs || !sc || stoa_gfx_scene_pending_textures(gs) == 0)
        return STOA_OK; // nothing to stream
    stoa_gfx_stream *st = calloc(1, sizeof *st);
    if (!st)
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "gfx: out of memory");
    st->gs = gs;
    st->sc = sc;
    if (pthread_create(&st->thread, NULL, stream_main, st) != 0) {
        free(st);
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "gfx: cannot start a texture thread");
    }
    st->running = true;
    *out = st;
    return STOA_OK;
}

stoa_result stoa_gfx_stream_poll(stoa_gfx_stream *st, stoa_error *err)
{
    if (!st)
        return STOA_OK;
    stoa_gfx_tex_batch *b = atomic_load(&st->ready);
    stoa_result res = STOA_OK;
    if (b) {
        res = gfx_tex_batch_commit(st->gs, st->sc, &b, err);
        atomic_store(&st->ready, NULL); // the worker's turn again
    }
    if (res >= 0 && st->running && atomic_load(&st->finished)) {
        pthread_join(st->thread, NULL);
        st->running = false;
        if (st->result < 0) {
            if (err)
                *err = st->err;
            res = st->result;
        }
    }
    return res;
}

bool stoa_gfx_stream_done(const stoa_gfx_stream *st)
{
    return !st || (!st->running && !atomic_load(&st->ready));
}

void stoa_gfx_stream_destroy(stoa_gfx_stream **stp)
{
    stoa_gfx_stream *st = stp ? *stp : NULL;
    if (!st)
        return;
    atomic_store(&st->stop, true);
    if (st->running)
        pthread_join(st->thread, NULL);
    stoa_gfx_tex_batch *b = atomic_load(&st->ready);
    gfx_tex_batch_discard(st->gs, &b);
    free(st);
    *stp = NULL;
}
