// SPDX-License-Identifier: Apache-2.0
// Levels of detail made after stoa_scene_load returned (.defer_lods): a
// first load is drawn at full detail while meshoptimizer works on a
// low-priority thread. The thread simplifies into a shallow copy of the
// scene (it only reads the meshes, which nobody changes after the load);
// stoa_scene_lods_ready moves the arrays into the scene on the owner's
// thread, and the cache writer reads them from the copy, so the cache file
// holds them whichever comes first.
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/stoa_log.h"
#include "scene_internal.h"

struct scene_lod_later {
    pthread_t thread;
    stoa_scene levels; // shallow copy; only its lods arrays are its own
    stoa_result result;
    atomic_bool cancel;
    bool taken; // the arrays moved into the scene (owner's thread)
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool done;   // under lock
    bool joined; // owner's thread
};

static void *lod_thread(void *arg)
{
    struct scene_lod_later *l = arg;
    // Below the frame loop, as the cache writer: the first frames come first.
    setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 10);
    scene_gate_pass(l->levels.gate); // held until the first frame (.hold_background)
    stoa_error err = {0};
    uint64_t t = scene_stage_begin();
    l->result = scene_build_lods_cancellable(&l->levels, &l->cancel, &err);
    scene_stage_end(STOA_SCENE_STAGE_LODS_BG, t);
    if (l->result < 0 && !atomic_load(&l->cancel))
        STOA_LOGW("scene", "%s: no levels of detail: %s", l->levels.path, err.message);
    pthread_mutex_lock(&l->lock);
    l->done = true;
    pthread_cond_broadcast(&l->cond);
    pthread_mutex_unlock(&l->lock);
    return NULL;
}

stoa_result scene_lod_later_start(stoa_scene *scene, stoa_error *err)
{
    if (!scene_lod_meshes(scene))
        return STOA_OK; // no mesh gets levels: no thread
    struct scene_lod_later *l = calloc(1, sizeof *l);
    if (!l)
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "%s: out of memory", scene->path);
    l->levels = *scene;
    l->levels.lods = NULL;
    l->levels.mesh_lod_first = NULL;
    l->levels.lod_count = 0;
    l->levels.baked = NULL;
    l->levels.deferred = NULL;
    l->levels.lods_later = NULL;
    atomic_init(&l->cancel, false);
    pthread_mutex_init(&l->lock, NULL);
    pthread_cond_init(&l->cond, NULL);
    if (pthread_create(&l->thread, NULL, lod_thread, l) != 0) {
        l->joined = true;
        lod_thread(l); // no thread: made here, as without .defer_lods
    }
    scene->lods_later = l;
    return STOA_OK;
}

// Any thread: waits until the levels are made; the copy holding them (NULL
// arrays when they failed or were cancelled), or NULL without a job.
const stoa_scene *scene_lod_later_wait(const stoa_scene *scene)
{
    struct scene_lod_later *l = scene->lods_later;
    if (!l)
        return NULL;
    scene_gate_open(l->levels.gate); // waited for: held no longer
    pthread_mutex_lock(&l->lock);
    while (!l->done)
        pthread_cond_wait(&l->cond, &l->lock);
    pthread_mutex_unlock(&l->lock);
    return &l->levels;
}

bool scene_lod_later_failed(const stoa_scene *scene)
{
    const stoa_scene *levels = scene_lod_later_wait(scene);
    return levels && (scene->lods_later->result < 0 || atomic_load(&scene->lods_later->cancel));
}

bool stoa_scene_lods_ready(stoa_scene *scene, bool wait)
{
    struct scene_lod_later *l = scene ? scene->lods_later : NULL;
    if (!l || l->taken)
        return true;
    if (!wait) {
        pthread_mutex_lock(&l->lock);
        bool done = l->done;
        pthread_mutex_unlock(&l->lock);
        if (!done)
            return false;
    }
    scene_lod_later_wait(scene);
    if (!l->joined) {
        pthread_join(l->thread, NULL);
        l->joined = true;
    }
    // The arrays now belong to the scene; the copy keeps pointers to them
    // for a cache writer still reading (it is joined before they are freed).
    scene->lods = l->levels.lods;
    scene->mesh_lod_first = l->levels.mesh_lod_first;
    scene->lod_count = l->levels.lod_count;
    l->taken = true;
    return true;
}

void scene_lod_later_stop(stoa_scene *scene)
{
    struct scene_lod_later *l = scene->lods_later;
    if (!l || l->joined)
        return;
    atomic_store(&l->cancel, true); // stops between meshes
    scene_gate_open(l->levels.gate); // and a held thread sees it
    pthread_join(l->thread, NULL);
    l->joined = true;
}

void scene_lod_later_destroy(stoa_scene *scene)
{
    struct scene_lod_later *l = scene->lods_later;
    if (!l)
        return;
    scene_lod_later_stop(scene);
    if (!l->taken)
        stoa_scene_free_lods(&l->levels);
    pthread_mutex_destroy(&l->lock);
    pthread_cond_destroy(&l->cond);
    free(l);
    scene->lods_later = NULL;
}
