// SPDX-License-Identifier: Apache-2.0
// The vertex quantiser (stoa_scene_quant.h): each stream is encoded, decoded
// again and compared with the floats, so the error a bound is checked
// against is the one measured, not one derived from the step.
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scene_cache.h"
#include "scene/stoa_scene_quant.h"

// (float)q / 65535.0f for every q, the division the decoder does; made once.
static float k_unorm16[65536];
static pthread_once_t k_unorm16_once = PTHREAD_ONCE_INIT;

static void unorm16_init(void)
{
    for (uint32_t q = 0; q < 65536; q++)
        k_unorm16[q] = (float)q / 65535.0f;
}

// stoa_quant_positions, the largest error also as the double it was
// measured as (a twin's bound is checked against it, as if measured anew).
static bool quant_positions(const float *p, uint32_t n, float bound, uint16_t *out, float offset[3],
                            float *scale, float *max_error, double *worst_out)
{
    *worst_out = INFINITY;
    float flo[3] = {0, 0, 0}, fhi[3] = {0, 0, 0};
    for (uint32_t v = 0; v < n; v++)
        for (int a = 0; a < 3; a++) {
            float x = p[(size_t)v * 3 + a];
            if (!isfinite(x)) {
                *max_error = INFINITY;
                return false;
            }
            flo[a] = v && flo[a] <= x ? flo[a] : x;
            fhi[a] = v && fhi[a] >= x ? fhi[a] : x;
        }
    double lo[3] = {flo[0], flo[1], flo[2]}, hi[3] = {fhi[0], fhi[1], fhi[2]};
    // The smallest power-of-two step whose grid, started at a multiple of
    // the step below the minimum, reaches every axis's maximum in 65535 steps.
    double extent = fmax(hi[0] - lo[0], fmax(hi[1] - lo[1], hi[2] - lo[2]));
    int e = extent > 0 ? (int)ceil(log2(extent / 65535.0)) : -40;
    double step = 0, org[3];
    for (;; e++) {
        step = ldexp(1.0, e);
        bool fits = true;
        for (int a = 0; a < 3; a++) {
            org[a] = floor(lo[a] / step) * step;
            fits &= (hi[a] - org[a]) / step <= 65535.0;
        }
        if (fits)
            break;
    }
    pthread_once(&k_unorm16_once, unorm16_init);
    float s = (float)(step * 65535.0);
    // The step is a power of two: multiplying by its inverse is exact, the
    // same as dividing by it.
    double inv = ldexp(1.0, -e), worst = 0, off[3];
    for (int a = 0; a < 3; a++) {
        offset[a] = (float)org[a];
        off[a] = offset[a];
    }
    for (uint32_t v = 0; v < n; v++) {
        const float *x = p + (size_t)v * 3;
        uint16_t *o = out + (size_t)v * 4;
        for (int a = 0; a < 3; a++) {
            // floor(y) clamped to [0, 65535]; y is finite here.
            double y = ((double)x[a] - off[a]) * inv + 0.5;
            uint32_t q = y < 0.0 ? 0 : y >= 65535.0 ? 65535 : (uint32_t)y;
            // What the GPU computes: offset + scale * (q / 65535).
            float back = offset[a] + s * k_unorm16[q];
            double d = fabs((double)back - x[a]);
            worst = d > worst ? d : worst;
            o[a] = (uint16_t)q;
        }
        o[3] = 0;
        if (worst > bound) {
            *max_error = (float)worst;
            return false;
        }
    }
    *scale = s;
    *max_error = (float)worst;
    *worst_out = worst;
    return true;
}

bool stoa_quant_positions(const float *p, uint32_t n, float bound, uint16_t *out, float offset[3],
                          float *scale, float *max_error)
{
    double worst;
    return quant_positions(p, n, bound, out, offset, scale, max_error, &worst);
}

static int8_t snorm8(double x)
{
    double q = floor(x * 127.0 + 0.5);
    return (int8_t)(q < -127 ? -127 : q > 127 ? 127 : q);
}

float stoa_quant_directions(const float *v, uint32_t n, bool with_w, int8_t *out)
{
    size_t stride = with_w ? 4 : 3;
    // The largest angle is the acos of the smallest cosine (acos falls
    // monotonically): one acos per array instead of one per vector.
    double least = 1.0;
    for (uint32_t i = 0; i < n; i++) {
        const float *d = v + i * stride;
        double len = sqrt((double)d[0] * d[0] + (double)d[1] * d[1] + (double)d[2] * d[2]);
        int8_t *o = out + (size_t)i * 4;
        if (!(len > 1e-20) || !isfinite(len)) {
            o[0] = o[1] = o[2] = 0;
        } else {
            for (int a = 0; a < 3; a++)
                o[a] = snorm8(d[a] / len);
            double ql = sqrt((double)o[0] * o[0] + (double)o[1] * o[1] + (double)o[2] * o[2]);
            double c = ql > 0 ? (o[0] * d[0] + o[1] * d[1] + o[2] * d[2]) / (ql * len) : -1.0;
            least = c < least ? c : least;
        }
        o[3] = with_w ? (d[3] < 0 ? -127 : 127) : 0;
    }
    return (float)(acos(fmax(-1.0, least)) * 180.0 / M_PI);
}

bool stoa_quant_unorm(const float *v, size_t count, int bits, void *out, float *max_error)
{
    double top = bits == 8 ? 255.0 : 65535.0;
    double worst = 0;
    for (size_t i = 0; i < count; i++) {
        double x = v[i];
        if (!(x >= 0.0 && x <= 1.0)) { // also NaN
            *max_error = INFINITY;
            return false;
        }
        double q = floor(x * top + 0.5);
        worst = fmax(worst, fabs(q / top - x));
        if (bits == 8)
            ((uint8_t *)out)[i] = (uint8_t)q;
        else
            ((uint16_t *)out)[i] = (uint16_t)q;
    }
    *max_error = (float)worst;
    return true;
}

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

// Drops stream `flag` from every mesh and says why (the first reason kept).
static void give_up(stoa_scene_quant *q, uint32_t flag, const char *why)
{
    q->flags &= ~flag;
    for (uint32_t i = 0; i < q->mesh_count; i++) {
        stoa_mesh_quant *m = &q->meshes[i];
        if (q->twin_of && q->twin_of[i] != i) { // shares its twin's arrays
            stoa_mesh_quant keep = *m;
            *m = (stoa_mesh_quant){0};
            memcpy(m->offset, keep.offset, sizeof m->offset);
            m->scale = flag == STOA_QUANT_POSITION ? 0 : keep.scale;
            m->positions = flag == STOA_QUANT_POSITION ? NULL : keep.positions;
            m->normals = flag == STOA_QUANT_NORMAL ? NULL : keep.normals;
            m->tangents = flag == STOA_QUANT_NORMAL ? NULL : keep.tangents;
            m->uv0 = flag == STOA_QUANT_UV ? NULL : keep.uv0;
            m->uv1 = flag == STOA_QUANT_UV ? NULL : keep.uv1;
            m->colors = flag == STOA_QUANT_COLOR ? NULL : keep.colors;
            continue;
        }
        if (flag == STOA_QUANT_POSITION) {
            free(m->positions);
            m->positions = NULL;
            m->scale = 0;
        } else if (flag == STOA_QUANT_NORMAL) {
            free(m->normals);
            free(m->tangents);
            m->normals = NULL;
            m->tangents = NULL;
        } else if (flag == STOA_QUANT_UV) {
            free(m->uv0);
            free(m->uv1);
            m->uv0 = m->uv1 = NULL;
        } else {
            free(m->colors);
            m->colors = NULL;
        }
    }
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

// Returns false only when out of memory. world_scale: world_scales's.
static bool quantise_mesh(stoa_scene_quant *q, const stoa_mesh *m, stoa_mesh_quant *o,
                          uint32_t index, float world_scale, double *pos_worst)
{
    size_t n = m->vertex_count;
    char why[192];
    float err = 0;
    if (q->flags & STOA_QUANT_POSITION) {
        if (!(o->positions = malloc(n * 8 + 1)))
            return false;
        if (!quant_positions(m->positions, m->vertex_count, STOA_QUANT_POSITION_BOUND / world_scale,
                             o->positions, o->offset, &o->scale, &err, pos_worst)) {
            snprintf(why, sizeof why,
                     "positions: mesh %u (%s) would be off by %.3g mm (bound %.3g mm)", index,
                     mesh_name(m), err * world_scale * 1000.0, STOA_QUANT_POSITION_BOUND * 1000.0);
            give_up(q, STOA_QUANT_POSITION, why);
        } else {
            q->position_error = fmaxf(q->position_error, err * world_scale);
        }
    }
    if (q->flags & STOA_QUANT_NORMAL) {
        if (!(o->normals = malloc(n * 4 + 1)) ||
            (m->tangents && !(o->tangents = malloc(n * 4 + 1))))
            return false;
        err = m->normals ? stoa_quant_directions(m->normals, m->vertex_count, false, o->normals)
                         : 0.0f;
        if (!m->normals)
            memset(o->normals, 0, n * 4);
        if (m->tangents)
            err =
                fmaxf(err, stoa_quant_directions(m->tangents, m->vertex_count, true, o->tangents));
        if (err > STOA_QUANT_NORMAL_BOUND_DEG) {
            snprintf(why, sizeof why, "normals: mesh %u (%s) would be off by %.2f degrees", index,
                     mesh_name(m), err);
            give_up(q, STOA_QUANT_NORMAL, why);
        } else {
            q->normal_error_deg = fmaxf(q->normal_error_deg, err);
        }
    }
    const float *uv[2] = {m->uv0, m->uv1};
    for (int k = 0; k < 2 && (q->flags & STOA_QUANT_UV); k++) {
        if (!uv[k])
            continue;
        uint16_t **dst = k ? &o->uv1 : &o->uv0;
        if (!(*dst = malloc(n * 4 + 1)))
            return false;
        if (!stoa_quant_unorm(uv[k], n * 2, 16, *dst, &err)) {
            snprintf(why, sizeof why, "UVs: mesh %u (%s) has UV%d outside [0, 1]", index,
                     mesh_name(m), k);
            give_up(q, STOA_QUANT_UV, why);
        } else {
            q->uv_error = fmaxf(q->uv_error, err);
        }
    }
    if ((q->flags & STOA_QUANT_COLOR) && m->colors) {
        if (!(o->colors = malloc(n * 4 + 1)))
            return false;
        if (!stoa_quant_unorm(m->colors, n * 4, 8, o->colors, &err)) {
            snprintf(why, sizeof why, "colours: mesh %u (%s) has a channel outside [0, 1]", index,
                     mesh_name(m));
            give_up(q, STOA_QUANT_COLOR, why);
        }
    }
    return true;
}

// Mesh i shares twin t's arrays (t < i, quantised already) when its
// positions pass the bound at its own scale with t's measured error, so that
// every figure is what quantising i anew would give. False: quantise i.
static bool share_twin(stoa_scene_quant *q, uint32_t i, uint32_t t, float world_scale,
                       const double *pos_worst)
{
    float bound = STOA_QUANT_POSITION_BOUND / world_scale;
    if ((q->flags & STOA_QUANT_POSITION) && !(pos_worst[t] <= bound))
        return false;
    q->meshes[i] = q->meshes[t];
    q->twin_of[i] = t;
    if (!(q->flags & STOA_QUANT_POSITION)) // as a mesh that never had its positions tried
        memset(q->meshes[i].offset, 0, sizeof q->meshes[i].offset);
    if (q->flags & STOA_QUANT_POSITION)
        q->position_error = fmaxf(q->position_error, (float)pos_worst[t] * world_scale);
    return true; // normals', UVs' errors: t's, counted already
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
    stoa_scene_quant *q = calloc(1, sizeof *q);
    if (q) {
        q->meshes = calloc(scene->mesh_count + 1, sizeof *q->meshes);
        if (twins && (q->twin_of = malloc(((size_t)scene->mesh_count + 1) * sizeof *twins)))
            memcpy(q->twin_of, twins, (size_t)scene->mesh_count * sizeof *twins);
        else if (!twins)
            q->twin_of = stoa_scene_mesh_twins(scene);
    }
    float *scale = world_scales(scene);
    double *pos_worst = malloc(((size_t)scene->mesh_count + 1) * sizeof *pos_worst);
    bool ok = q && q->meshes && q->twin_of && scale && pos_worst;
    if (q) {
        q->owned = true;
        q->mesh_count = scene->mesh_count;
        q->flags = want & STOA_QUANT_ALL;
    }
    for (uint32_t i = 0; ok && i < scene->mesh_count; i++) {
        uint32_t t = q->twin_of[i];
        pos_worst[i] = INFINITY;
        if (t != i && share_twin(q, i, t, scale[i], pos_worst)) {
            pos_worst[i] = pos_worst[t];
            continue;
        }
        q->twin_of[i] = i;
        ok = quantise_mesh(q, &scene->meshes[i], &q->meshes[i], i, scale[i], &pos_worst[i]);
    }
    free(scale);
    free(pos_worst);
    if (!ok) {
        stoa_scene_quant_destroy(&q);
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "scene: out of memory (quantise)");
    }
    *out = q;
    return STOA_OK;
}

const stoa_scene_quant *stoa_scene_quant_baked(const stoa_scene *scene)
{
    return scene && scene->baked ? scene->baked->quant : NULL;
}
