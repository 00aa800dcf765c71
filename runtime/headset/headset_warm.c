// SPDX-License-Identifier: Apache-2.0
// Overlay pipelines compiled off the frame thread (headset_warm.h). The
// pipeline table is locked and two threads that compile the same pipeline
// keep one (gfx_pipeline.c), so the frame thread may draw meanwhile.
#include "headset_warm.h"

#include <string.h>

#include "core/stoa_log.h"

static void *warm_main(void *arg)
{
    headset_warm *w = arg;
    w->result = stoa_gfx_scene_upload_begin(w->renderer, w->scene, &w->upload, &w->err);
    if (w->upload && w->result >= 0 && w->pass.pass)
        w->result = stoa_gfx_scene_upload_prepare(w->upload, &w->pass, &w->err);
    if (w->upload && w->result >= 0)
        w->result = stoa_gfx_scene_upload_fill(w->upload, &w->err);
    atomic_store(&w->done, true);
    return NULL;
}

stoa_result headset_warm_start(headset_warm *w, stoa_xr *xr, stoa_scene *scene, stoa_error *err)
{
    memset(w, 0, sizeof *w);
    w->renderer = stoa_xr_renderer(xr);
    w->scene = scene;
    stoa_result r = stoa_xr_pass_info(xr, true, &w->pass, err);
    if (r < 0 || !w->pass.pass) {
        stoa_scene_destroy(&w->scene);
        return r;
    }
    if (pthread_create(&w->thread, NULL, warm_main, w) == 0) {
        w->running = true;
        return STOA_OK;
    }
    warm_main(w); // no thread: here, then
    headset_warm_poll(w, true);
    return STOA_OK;
}

void headset_warm_join(headset_warm *w)
{
    if (w->running) {
        pthread_join(w->thread, NULL);
        w->running = false;
    }
}

void headset_warm_poll(headset_warm *w, bool wait)
{
    // The upload was submitted after the frame then begun: its images go once
    // later frames have begun, so that the frame-fenced destroy comes after it.
    if (w->made && (wait || ++w->polls > 3))
        stoa_gfx_scene_destroy(&w->made);
    if (!w->scene)
        return;
    if (w->running) {
        if (!wait && !atomic_load(&w->done))
            return;
        pthread_join(w->thread, NULL);
        w->running = false;
    }
    if (w->upload) {
        stoa_gfx_scene_upload_end(&w->upload, &w->made, NULL); // a submit: no wait while drawing
        w->polls = 0;
        if (wait)
            stoa_gfx_scene_destroy(&w->made);
    }
    if (w->result < 0) // the frame thread makes them when the overlay needs them
        STOA_LOGW("run", "overlay pipelines: %s", w->err.message);
    stoa_scene_destroy(&w->scene);
}
