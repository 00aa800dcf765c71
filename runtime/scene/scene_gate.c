// SPDX-License-Identifier: Apache-2.0
// The gate of a load's background work (stoa_scene_load_desc.hold_background):
// image decodes, levels of detail and the cache writer start their threads
// at once but wait here until the owner says its first frame is submitted
// (stoa_scene_release_background), until something waits for their results
// or the scene goes (those open it too), or at most SCENE_GATE_MAX_MS after
// the load began. On a 2-core machine the loading thread and the first
// frame's upload then have both cores; the threads are already made, so
// releasing them costs one wake-up.
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#include "scene_internal.h"

// A caller that never releases (or a first frame that takes long) delays
// background work by this much at most.
#define SCENE_GATE_MAX_MS 2000

struct scene_gate {
    pthread_mutex_t lock;
    pthread_cond_t opened_cond;
    atomic_bool open;
    struct timespec deadline; // CLOCK_MONOTONIC
};

scene_gate *scene_gate_create(void)
{
    scene_gate *g = calloc(1, sizeof *g);
    if (!g)
        return NULL; // no gate: the work is not held
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_mutex_init(&g->lock, NULL);
    pthread_cond_init(&g->opened_cond, &ca);
    pthread_condattr_destroy(&ca);
    atomic_init(&g->open, false);
    clock_gettime(CLOCK_MONOTONIC, &g->deadline);
    g->deadline.tv_sec += SCENE_GATE_MAX_MS / 1000;
    g->deadline.tv_nsec += (long)(SCENE_GATE_MAX_MS % 1000) * 1000000L;
    if (g->deadline.tv_nsec >= 1000000000L) {
        g->deadline.tv_sec++;
        g->deadline.tv_nsec -= 1000000000L;
    }
    return g;
}

void scene_gate_open(scene_gate *g)
{
    if (!g || atomic_load(&g->open))
        return;
    pthread_mutex_lock(&g->lock);
    atomic_store(&g->open, true);
    pthread_cond_broadcast(&g->opened_cond);
    pthread_mutex_unlock(&g->lock);
}

void scene_gate_pass(scene_gate *g)
{
    if (!g || atomic_load(&g->open))
        return;
    pthread_mutex_lock(&g->lock);
    int rc = 0;
    while (!atomic_load(&g->open) && rc != ETIMEDOUT)
        rc = pthread_cond_timedwait(&g->opened_cond, &g->lock, &g->deadline);
    pthread_mutex_unlock(&g->lock);
}

bool scene_gate_is_open(const scene_gate *g)
{
    return !g || atomic_load(&g->open);
}

void scene_gate_destroy(scene_gate **pg)
{
    if (!pg || !*pg)
        return;
    pthread_mutex_destroy(&(*pg)->lock);
    pthread_cond_destroy(&(*pg)->opened_cond);
    free(*pg);
    *pg = NULL;
}

void stoa_scene_release_background(stoa_scene *scene)
{
    if (scene)
        scene_gate_open(scene->gate);
}
