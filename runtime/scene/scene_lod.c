// SPDX-License-Identifier: Apache-2.0
// Levels of detail with meshoptimizer's simplifier (Debian's
// libmeshoptimizer). Each level is simplified from the one before, so the
// work shrinks as it goes, and its error is the sum of the steps (an upper
// bound on how far it strays from the mesh). The border is locked, so that
// the tiles of a scan, each its own mesh, meet whatever level each draws.
#include <meshoptimizer.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "scene_cache.h"
#include "scene_internal.h"
#include "scene/stoa_scene_quant.h"

#define MAX_LEVELS 4
#define MIN_LEVEL_TRIANGLES 128u
#define WORKERS 4

typedef struct mesh_levels {
    uint32_t count;
    uint32_t index_count[MAX_LEVELS];
    uint32_t *indices[MAX_LEVELS];
    float error[MAX_LEVELS];
    bool failed; // out of memory
} mesh_levels;

typedef struct lod_job {
    const stoa_scene *scene;
    const uint32_t *twin; // stoa_scene_mesh_twins, or NULL
    mesh_levels *out;
    atomic_uint next;
    atomic_bool *cancel; // NULL: never
} lod_job;

static bool wants_levels(const stoa_mesh *m)
{
    return m->index_count / 3 >= STOA_LOD_MIN_TRIANGLES && m->skin < 0 &&
           m->morph_target_count == 0 && m->positions && m->indices;
}

static void simplify_mesh(const stoa_mesh *m, mesh_levels *out)
{
    float scale = meshopt_simplifyScale(m->positions, m->vertex_count, 12);
    const uint32_t *src = m->indices;
    size_t src_count = m->index_count;
    float error = 0.0f;
    while (out->count < MAX_LEVELS) {
        size_t target = (src_count / 4) / 3 * 3;
        if (target < MIN_LEVEL_TRIANGLES * 3)
            break;
        uint32_t *dst = malloc(src_count * sizeof *dst);
        if (!dst) {
            out->failed = true;
            return;
        }
        float step = 0.0f;
        // No error bound: the level is asked for by size; its error is what it costs.
        size_t n = meshopt_simplify(dst, src, src_count, m->positions, m->vertex_count, 12, target,
                                    1.0f, meshopt_SimplifyLockBorder, &step);
        if (n == 0 || n > src_count * 3 / 4) { // could not take a quarter away: stop
            free(dst);
            break;
        }
        uint32_t *fit = realloc(dst, n * sizeof *dst);
        dst = fit ? fit : dst;
        error += step * scale;
        out->indices[out->count] = dst;
        out->index_count[out->count] = (uint32_t)n;
        out->error[out->count] = error;
        out->count++;
        src = dst;
        src_count = n;
    }
}

static bool copies_twin(const lod_job *job, uint32_t i);

static void *lod_worker(void *arg)
{
    lod_job *job = arg;
    for (;;) {
        uint32_t i = atomic_fetch_add(&job->next, 1);
        if (i >= job->scene->mesh_count || (job->cancel && atomic_load(job->cancel)))
            return NULL;
        if (wants_levels(&job->scene->meshes[i]) && !copies_twin(job, i))
            simplify_mesh(&job->scene->meshes[i], &job->out[i]);
    }
}

// A twin (equal vertices and indices: the simplifier gives it the same
// levels) takes copies of its first's levels after the workers.
static bool copies_twin(const lod_job *job, uint32_t i)
{
    return job->twin && job->twin[i] != i && wants_levels(&job->scene->meshes[job->twin[i]]);
}

static void copy_twin_levels(const mesh_levels *from, mesh_levels *to)
{
    *to = *from;
    for (uint32_t l = 0; l < from->count; l++) {
        size_t bytes = (size_t)from->index_count[l] * sizeof *to->indices[l];
        to->indices[l] = malloc(bytes ? bytes : 1);
        if (to->indices[l])
            memcpy(to->indices[l], from->indices[l], bytes);
        to->failed |= !to->indices[l];
    }
}

uint32_t scene_lod_meshes(const stoa_scene *scene)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < scene->mesh_count; i++)
        n += wants_levels(&scene->meshes[i]);
    return n;
}

void stoa_scene_free_lods(stoa_scene *scene)
{
    if (!scene)
        return;
    // From a cache file, the index arrays and offsets point into its bytes.
    for (uint32_t i = 0; scene->lods && i < scene->lod_count; i++)
        scene_free_owned(scene, scene->lods[i].indices);
    free(scene->lods);
    scene_free_owned(scene, scene->mesh_lod_first);
    scene->lods = NULL;
    scene->mesh_lod_first = NULL;
    scene->lod_count = 0;
}

stoa_result stoa_scene_build_lods(stoa_scene *scene, stoa_error *err)
{
    return scene_build_lods_cancellable(scene, NULL, err);
}

stoa_result scene_build_lods_cancellable(stoa_scene *scene, atomic_bool *cancel, stoa_error *err)
{
    if (!scene)
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT, "stoa_scene_build_lods: NULL");
    stoa_scene_free_lods(scene);
    uint32_t wanted = scene_lod_meshes(scene);
    if (!wanted)
        return STOA_OK;
    lod_job job = {.scene = scene,
                   .twin = stoa_scene_mesh_twins(scene), // NULL: each mesh its own
                   .out = calloc(scene->mesh_count, sizeof(mesh_levels)),
                   .cancel = cancel};
    if (!job.out) {
        free((void *)job.twin);
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY,
                              "%s: out of memory for levels of detail",
                              scene->path ? scene->path : "scene");
    }
    atomic_init(&job.next, 0);
    pthread_t threads[WORKERS];
    uint32_t started = 0;
    uint32_t want_threads = wanted < WORKERS ? wanted : WORKERS;
    for (uint32_t t = 1; t < want_threads; t++)
        if (pthread_create(&threads[started], NULL, lod_worker, &job) == 0)
            started++;
    lod_worker(&job); // this thread works too (alone when no thread could start)
    for (uint32_t t = 0; t < started; t++)
        pthread_join(threads[t], NULL);
    uint32_t total = 0;
    bool cancelled = cancel && atomic_load(cancel), failed = cancelled;
    for (uint32_t i = 0; !failed && i < scene->mesh_count; i++)
        if (wants_levels(&scene->meshes[i]) && copies_twin(&job, i))
            copy_twin_levels(&job.out[job.twin[i]], &job.out[i]);
    free((void *)job.twin);
    for (uint32_t i = 0; i < scene->mesh_count; i++) {
        total += job.out[i].count;
        failed |= job.out[i].failed;
    }
    stoa_result r = STOA_OK;
    if (!failed && total) {
        scene->lods = calloc(total, sizeof *scene->lods);
        scene->mesh_lod_first = calloc(scene->mesh_count + 1, sizeof *scene->mesh_lod_first);
        failed = !scene->lods || !scene->mesh_lod_first;
    }
    for (uint32_t i = 0, k = 0; i < scene->mesh_count; i++) {
        if (scene->mesh_lod_first && !failed)
            scene->mesh_lod_first[i] = k;
        for (uint32_t l = 0; l < job.out[i].count; l++) {
            if (failed || !total) {
                free(job.out[i].indices[l]);
                continue;
            }
            scene->lods[k++] = (stoa_mesh_lod){.mesh = i,
                                               .index_count = job.out[i].index_count[l],
                                               .indices = job.out[i].indices[l],
                                               .error = job.out[i].error[l]};
        }
        if (scene->mesh_lod_first && !failed)
            scene->mesh_lod_first[i + 1] = k;
    }
    if (failed) {
        free(scene->lods);
        free(scene->mesh_lod_first);
        scene->lods = NULL;
        scene->mesh_lod_first = NULL;
        r = cancelled ? stoa_error_set(err, STOA_ERROR_STATE, "levels of detail cancelled")
                      : stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY,
                                       "%s: out of memory for levels of detail",
                                       scene->path ? scene->path : "scene");
    } else {
        scene->lod_count = total;
    }
    free(job.out);
    return r;
}
