// SPDX-License-Identifier: Apache-2.0
// A scene's quantised streams (stoa_scene_quantise, stoa_scene_quant.h), in
// two steps so that the work spreads over the cores: first every mesh's
// streams are encoded and measured on its own, on worker threads (the
// encoders: scene_quant.c); then one pass in mesh order takes the
// decisions as if the meshes were done one after the other: the first mesh
// over a bound drops that stream for the scene (its arrays freed, its
// reason kept), the errors are the largest of the meshes taken before.
// The result is the same to the byte whatever the number of threads.
// Twins (stoa_scene_mesh_twins) under the same rest scale are encoded once
// and share the arrays (twin_of).
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scene/stoa_scene_quant.h"

#define MAX_WORKERS 4
#define VERTICES_PER_WORKER 65536u // fewer: not worth a thread

// What encoding one mesh's streams measured.
typedef struct mesh_outcome {
    bool pos_ok, uv_ok[2], color_ok, out_of_memory;
    float pos_err, normal_deg, uv_err[2];
} mesh_outcome;

typedef struct quant_job {
    const stoa_scene *scene;
    stoa_scene_quant *q;
    const float *scale;
    mesh_outcome *oc;
    uint32_t want;
    atomic_uint next;
} quant_job;

static void free_mesh(stoa_mesh_quant *m)
{
    free(m->positions);
    free(m->normals);
    free(m->tangents);
    free(m->uv0);
    free(m->uv1);
    free(m->colors);
    memset(m, 0, sizeof *m);
}

void stoa_scene_quant_destroy(stoa_scene_quant **pq)
{
    if (!pq || !*pq)
        return;
    stoa_scene_quant *q = *pq;
    for (uint32_t i = 0; q->owned && q->meshes && i < q->mesh_count; i++)
        if (!q->twin_of || q->twin_of[i] == i)
            free_mesh(&q->meshes[i]);
    free(q->twin_of);
    free(q->meshes);
    free(q);
    *pq = NULL;
}

// Drops the arrays of stream `flag` from mesh m (freed unless shared).
static void drop_stream(stoa_mesh_quant *m, uint32_t flag, bool shared)
{
    void *gone[2] = {NULL, NULL};
    if (flag == STOA_QUANT_POSITION) {
        gone[0] = m->positions;
        m->positions = NULL;
        m->scale = 0;
    } else if (flag == STOA_QUANT_NORMAL) {
        gone[0] = m->normals, gone[1] = m->tangents;
        m->normals = m->tangents = NULL;
    } else if (flag == STOA_QUANT_UV) {
        gone[0] = m->uv0, gone[1] = m->uv1;
        m->uv0 = m->uv1 = NULL;
    } else {
        gone[0] = m->colors;
        m->colors = NULL;
    }
    if (!shared) {
        free(gone[0]);
        free(gone[1]);
    }
}

// Drops stream `flag` from every mesh and says why (the first reason kept).
static void give_up(stoa_scene_quant *q, uint32_t flag, const char *why)
{
    q->flags &= ~flag;
    for (uint32_t i = 0; i < q->mesh_count; i++)
        drop_stream(&q->meshes[i], flag, q->twin_of[i] != i);
    if (!q->reason[0])
        snprintf(q->reason, sizeof q->reason, "%s", why);
}

static const char *mesh_name(const stoa_mesh *m)
{
    return m->name && m->name[0] ? m->name : "(unnamed)";
}

// The largest scale (world matrix column length) of the nodes that draw
// each mesh at rest, so that the position bound holds in metres: a mesh in
// centimetres under a 0.01 scale may take a coarser grid. 1 for skinned
// meshes (their joints place them) and meshes no node draws. NULL when out
// of memory.
static float *world_scales(const stoa_scene *sc)
{
    float *scale = calloc((size_t)sc->mesh_count + 1, sizeof *scale);
    stoa_pose *pose = scale ? stoa_pose_create(sc) : NULL;
    if (pose) {
        stoa_pose_reset(pose);
        stoa_pose_update(pose);
        for (uint32_t n = 0; n < sc->node_count; n++) {
            const float *w = stoa_pose_world(pose, n);
            float c = 0;
            for (int k = 0; k < 3; k++)
                c = fmaxf(c, sqrtf(w[k * 4] * w[k * 4] + w[k * 4 + 1] * w[k * 4 + 1] +
                                   w[k * 4 + 2] * w[k * 4 + 2]));
            for (uint32_t i = 0; i < sc->nodes[n].mesh_count; i++) {
                uint32_t m = sc->nodes[n].meshes[i];
                if (m < sc->mesh_count && isfinite(c))
                    scale[m] = fmaxf(scale[m], c);
            }
        }
        stoa_pose_destroy(&pose);
    }
    for (uint32_t m = 0; scale && m < sc->mesh_count; m++)
        if (!(scale[m] > 1e-6f) || sc->meshes[m].skin >= 0)
            scale[m] = 1.0f;
    return scale;
}

// Step one: every wanted stream of mesh m encoded and measured.
static void encode_mesh(const stoa_mesh *m, uint32_t want, float world_scale, stoa_mesh_quant *o,
                        mesh_outcome *oc)
{
    size_t n = m->vertex_count;
    if (want & STOA_QUANT_POSITION) {
        if (!(o->positions = malloc(n * 8 + 1)))
            goto oom;
        oc->pos_ok = stoa_quant_positions(m->positions, m->vertex_count,
                                          STOA_QUANT_POSITION_BOUND / world_scale, o->positions,
                                          o->offset, &o->scale, &oc->pos_err);
    }
    if (want & STOA_QUANT_NORMAL) {
        if (!(o->normals = malloc(n * 4 + 1)) ||
            (m->tangents && !(o->tangents = malloc(n * 4 + 1))))
            goto oom;
        oc->normal_deg = m->normals
                             ? stoa_quant_directions(m->normals, m->vertex_count, false, o->normals)
                             : 0.0f;
        if (!m->normals)
            memset(o->normals, 0, n * 4);
        if (m->tangents)
            oc->normal_deg =
                fmaxf(oc->normal_deg,
                      stoa_quant_directions(m->tangents, m->vertex_count, true, o->tangents));
    }
    const float *uv[2] = {m->uv0, m->uv1};
    for (int k = 0; k < 2 && (want & STOA_QUANT_UV); k++) {
        uint16_t **dst = k ? &o->uv1 : &o->uv0;
        if (uv[k] && !(*dst = malloc(n * 4 + 1)))
            goto oom;
        if (uv[k])
            oc->uv_ok[k] = stoa_quant_unorm(uv[k], n * 2, 16, *dst, &oc->uv_err[k]);
    }
    if ((want & STOA_QUANT_COLOR) && m->colors) {
        float unused;
        if (!(o->colors = malloc(n * 4 + 1)))
            goto oom;
        oc->color_ok = stoa_quant_unorm(m->colors, n * 4, 8, o->colors, &unused);
    }
    return;
oom:
    oc->out_of_memory = true;
}

static void *encode_worker(void *arg)
{
    quant_job *job = arg;
    for (;;) {
        uint32_t i = atomic_fetch_add(&job->next, 1);
        if (i >= job->scene->mesh_count)
            return NULL;
        if (job->q->twin_of[i] == i)
            encode_mesh(&job->scene->meshes[i], job->want, job->scale[i], &job->q->meshes[i],
                        &job->oc[i]);
    }
}

static void encode_all(quant_job *job)
{
    uint64_t vertices = 0;
    for (uint32_t i = 0; i < job->scene->mesh_count; i++)
        if (job->q->twin_of[i] == i)
            vertices += job->scene->meshes[i].vertex_count;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    uint64_t workers = vertices / VERTICES_PER_WORKER;
    workers = workers > (uint64_t)cores ? (uint64_t)cores : workers;
    workers = workers > MAX_WORKERS ? MAX_WORKERS : workers;
    pthread_t threads[MAX_WORKERS];
    uint32_t started = 0;
    for (uint64_t t = 1; t < workers; t++)
        if (pthread_create(&threads[started], NULL, encode_worker, job) == 0)
            started++;
    encode_worker(job); // this thread too (alone when no thread could start)
    for (uint32_t t = 0; t < started; t++)
        pthread_join(threads[t], NULL);
}

// Step two, mesh i of an own encoding: the decisions, in the order a mesh
// after mesh takes them (positions, normals, UV0, UV1, colours).
static void decide_mesh(stoa_scene_quant *q, const stoa_mesh *m, uint32_t i, float world_scale,
                        const mesh_outcome *oc)
{
    stoa_mesh_quant *o = &q->meshes[i];
    char why[192];
    if (!(q->flags & STOA_QUANT_POSITION)) { // as a mesh whose positions were never tried
        drop_stream(o, STOA_QUANT_POSITION, false);
        memset(o->offset, 0, sizeof o->offset);
    } else if (!oc->pos_ok) {
        snprintf(why, sizeof why, "positions: mesh %u (%s) would be off by %.3g mm (bound %.3g mm)",
                 i, mesh_name(m), oc->pos_err * world_scale * 1000.0,
                 STOA_QUANT_POSITION_BOUND * 1000.0);
        give_up(q, STOA_QUANT_POSITION, why);
    } else {
        q->position_error = fmaxf(q->position_error, oc->pos_err * world_scale);
    }
    if (!(q->flags & STOA_QUANT_NORMAL)) {
        drop_stream(o, STOA_QUANT_NORMAL, false);
    } else if (oc->normal_deg > STOA_QUANT_NORMAL_BOUND_DEG) {
        snprintf(why, sizeof why, "normals: mesh %u (%s) would be off by %.2f degrees", i,
                 mesh_name(m), oc->normal_deg);
        give_up(q, STOA_QUANT_NORMAL, why);
    } else {
        q->normal_error_deg = fmaxf(q->normal_error_deg, oc->normal_deg);
    }
    const float *uv[2] = {m->uv0, m->uv1};
    for (int k = 0; k < 2; k++) {
        if (!(q->flags & STOA_QUANT_UV)) {
            drop_stream(o, STOA_QUANT_UV, false);
            break;
        }
        if (!uv[k])
            continue;
        if (!oc->uv_ok[k]) {
            snprintf(why, sizeof why, "UVs: mesh %u (%s) has UV%d outside [0, 1]", i, mesh_name(m),
                     k);
            give_up(q, STOA_QUANT_UV, why);
        } else {
            q->uv_error = fmaxf(q->uv_error, oc->uv_err[k]);
        }
    }
    if (!(q->flags & STOA_QUANT_COLOR)) {
        drop_stream(o, STOA_QUANT_COLOR, false);
    } else if (m->colors && !oc->color_ok) {
        snprintf(why, sizeof why, "colours: mesh %u (%s) has a channel outside [0, 1]", i,
                 mesh_name(m));
        give_up(q, STOA_QUANT_COLOR, why);
    }
}

// Step two, twin i of mesh t (same scale, decided already): t's arrays as
// they stand, and t's errors counted again (the maxima do not change).
static void share_twin(stoa_scene_quant *q, uint32_t i, uint32_t t, float world_scale,
                       const mesh_outcome *oc)
{
    q->meshes[i] = q->meshes[t];
    if (!(q->flags & STOA_QUANT_POSITION))
        memset(q->meshes[i].offset, 0, sizeof q->meshes[i].offset);
    else
        q->position_error = fmaxf(q->position_error, oc[t].pos_err * world_scale);
}

stoa_result stoa_scene_quantise(const stoa_scene *scene, uint32_t want, stoa_scene_quant **out,
                                stoa_error *err)
{
    return stoa_scene_quantise_twins(scene, want, NULL, out, err);
}

stoa_result stoa_scene_quantise_twins(const stoa_scene *scene, uint32_t want, const uint32_t *twins,
                                      stoa_scene_quant **out, stoa_error *err)
{
    *out = NULL;
    uint32_t n = scene->mesh_count;
    stoa_scene_quant *q = calloc(1, sizeof *q);
    if (q) {
        q->owned = true;
        q->mesh_count = n;
        q->flags = want & STOA_QUANT_ALL;
        q->meshes = calloc((size_t)n + 1, sizeof *q->meshes);
        if (twins && (q->twin_of = malloc(((size_t)n + 1) * sizeof *twins)))
            memcpy(q->twin_of, twins, (size_t)n * sizeof *twins);
        else if (!twins)
            q->twin_of = stoa_scene_mesh_twins(scene);
    }
    float *scale = world_scales(scene);
    mesh_outcome *oc = calloc((size_t)n + 1, sizeof *oc);
    bool ok = q && q->meshes && q->twin_of && scale && oc;
    for (uint32_t i = 0; ok && i < n; i++) // a twin under another scale: its own encoding
        if (q->twin_of[i] >= i || scale[q->twin_of[i]] != scale[i])
            q->twin_of[i] = i;
    if (ok) {
        quant_job job = {.scene = scene, .q = q, .scale = scale, .oc = oc, .want = q->flags};
        atomic_init(&job.next, 0);
        encode_all(&job);
    }
    for (uint32_t i = 0; ok && i < n; i++)
        ok = !oc[i].out_of_memory;
    for (uint32_t i = 0; ok && i < n; i++) {
        if (q->twin_of[i] != i)
            share_twin(q, i, q->twin_of[i], scale[i], oc);
        else
            decide_mesh(q, &scene->meshes[i], i, scale[i], &oc[i]);
    }
    free(scale);
    free(oc);
    if (!ok) {
        stoa_scene_quant_destroy(&q);
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "scene: out of memory (quantise)");
    }
    *out = q;
    return STOA_OK;
}
