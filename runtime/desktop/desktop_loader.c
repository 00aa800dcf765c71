// SPDX-License-Identifier: Apache-2.0
#include "desktop_loader.h"

#include <stdio.h>
#include <string.h>

#include "core/stoa_clock.h"

static void on_progress(void *user, float fraction, const char *stage)
{
    desktop_loader *l = user;
    atomic_store(&l->progress, fraction);
    atomic_store(&l->stage, stage);
}

static void *load_main(void *arg)
{
    desktop_loader *l = arg;
    // The preview draws the scene as soon as its geometry is in, with
    // stand-ins for textures still decoding and at full detail until its
    // levels of detail are made (desktop_preview.c collects both), as `stoa
    // run` does (runtime/run/run_content.c).
    stoa_scene_load_desc desc = {.progress = on_progress,
                                 .progress_user = l,
                                 .defer_textures = true,
                                 .defer_lods = true,
                                 .use_cache = true};
    l->result = stoa_scene_load(l->path, &desc, &l->scene, &l->err);
    atomic_store(&l->done, true);
    return NULL;
}

bool desktop_loader_start(desktop_loader *l, const char *path)
{
    if (l->running)
        return false;
    snprintf(l->path, sizeof l->path, "%s", path);
    l->scene = NULL;
    l->result = STOA_OK;
    memset(&l->err, 0, sizeof l->err);
    atomic_store(&l->done, false);
    atomic_store(&l->progress, 0.0f);
    atomic_store(&l->stage, (const char *)NULL);
    l->started_at = stoa_time_seconds();
    if (pthread_create(&l->thread, NULL, load_main, l) != 0) {
        // No thread: load synchronously rather than not at all.
        load_main(l);
        return true;
    }
    l->running = true;
    return true;
}

bool desktop_loader_take(desktop_loader *l, stoa_scene **out_scene, stoa_error *out_err)
{
    if (!atomic_load(&l->done))
        return false;
    if (l->running) {
        pthread_join(l->thread, NULL);
        l->running = false;
    }
    atomic_store(&l->done, false);
    *out_scene = l->scene;
    l->scene = NULL;
    if (out_err)
        *out_err = l->err;
    return true;
}

void desktop_loader_fini(desktop_loader *l)
{
    if (l->running) {
        pthread_join(l->thread, NULL);
        l->running = false;
    }
    stoa_scene_destroy(&l->scene);
}
