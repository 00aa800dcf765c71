// SPDX-License-Identifier: Apache-2.0
// A bounding volume hierarchy over the posed scene's world-space triangles,
// for gaze and controller rays. Built by median split on the longest axis of
// the centroids; traversed nearest child first.
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "scene_internal.h"

#define LEAF_MAX 4
#define STACK_MAX 64

typedef struct bvh_tri {
    float v[9];
    int32_t node, mesh;
    uint32_t index; // triangle number within the mesh
} bvh_tri;

typedef struct bvh_node {
    float min[3], max[3];
    uint32_t first; // leaf: first triangle; inner: right child (left is this + 1)
    uint32_t count; // triangles in a leaf, 0 for an inner node
} bvh_node;

struct stoa_bvh {
    bvh_tri *tris;
    uint32_t tri_count;
    bvh_node *nodes;
    uint32_t node_count;
    float *centroid; // 3 per triangle, build only
    bool *skip;      // per scene node: hidden, its triangles catch no ray (NULL: none)
    uint32_t skip_count;
};

static float cent(const struct stoa_bvh *b, uint32_t t, int axis)
{
    return b->centroid[(size_t)t * 3 + axis];
}

static void swap_tri(struct stoa_bvh *b, uint32_t i, uint32_t j)
{
    bvh_tri t = b->tris[i];
    b->tris[i] = b->tris[j];
    b->tris[j] = t;
    float c[3];
    memcpy(c, b->centroid + (size_t)i * 3, sizeof c);
    memcpy(b->centroid + (size_t)i * 3, b->centroid + (size_t)j * 3, sizeof c);
    memcpy(b->centroid + (size_t)j * 3, c, sizeof c);
}

// Quickselect with a three-way partition (grids of equal centroids are
// common in architecture): puts the k-th smallest centroid at index k.
static void select_kth(struct stoa_bvh *b, uint32_t lo, uint32_t hi, uint32_t k, int axis)
{
    while (hi - lo > 1) {
        float pivot = cent(b, lo + (hi - lo) / 2, axis);
        uint32_t lt = lo, i = lo, gt = hi;
        while (i < gt) {
            float c = cent(b, i, axis);
            if (c < pivot)
                swap_tri(b, lt++, i++);
            else if (c > pivot)
                swap_tri(b, i, --gt);
            else
                i++;
        }
        if (k < lt)
            hi = lt;
        else if (k >= gt)
            lo = gt;
        else
            return;
    }
}

// fminf and fmaxf as the build uses them (a NaN coordinate is passed over:
// the accumulators start finite), inlined: as library calls, one per
// coordinate and level, they took two thirds of a build (agora: 35 ms).
static inline float min_of(float a, float b)
{
    return b < a ? b : a;
}

static inline float max_of(float a, float b)
{
    return b > a ? b : a;
}

static uint32_t build(struct stoa_bvh *b, uint32_t first, uint32_t count, int depth)
{
    uint32_t idx = b->node_count++;
    bvh_node *n = &b->nodes[idx];
    float cmin[3] = {FLT_MAX, FLT_MAX, FLT_MAX}, cmax[3] = {-FLT_MAX, -FLT_MAX, -FLT_MAX};
    float lo[3] = {FLT_MAX, FLT_MAX, FLT_MAX}, hi[3] = {-FLT_MAX, -FLT_MAX, -FLT_MAX};
    for (uint32_t t = first; t < first + count; t++) {
        const float *v = b->tris[t].v;
        for (int k = 0; k < 3; k++) {
            lo[k] = min_of(min_of(lo[k], v[k]), min_of(v[3 + k], v[6 + k]));
            hi[k] = max_of(max_of(hi[k], v[k]), max_of(v[3 + k], v[6 + k]));
            cmin[k] = min_of(cmin[k], cent(b, t, k));
            cmax[k] = max_of(cmax[k], cent(b, t, k));
        }
    }
    memcpy(n->min, lo, sizeof lo);
    memcpy(n->max, hi, sizeof hi);
    if (count <= LEAF_MAX || depth >= STACK_MAX - 2) {
        n->first = first;
        n->count = count;
        return idx;
    }
    int axis = 0;
    for (int k = 1; k < 3; k++)
        if (cmax[k] - cmin[k] > cmax[axis] - cmin[axis])
            axis = k;
    uint32_t half = count / 2;
    select_kth(b, first, first + count, first + half, axis);
    build(b, first, half, depth + 1);
    uint32_t right = build(b, first + half, count - half, depth + 1);
    b->nodes[idx].first = right;
    b->nodes[idx].count = 0;
    return idx;
}

static bool collect(const stoa_scene *sc, const stoa_pose *pose, struct stoa_bvh *b)
{
    size_t total = 0;
    uint32_t maxv = 1;
    for (uint32_t i = 0; i < sc->node_count; i++)
        for (uint32_t k = 0; k < sc->nodes[i].mesh_count; k++) {
            const stoa_mesh *m = &sc->meshes[sc->nodes[i].meshes[k]];
            total += m->index_count / 3;
            if (m->vertex_count > maxv)
                maxv = m->vertex_count;
        }
    b->tris = malloc((total ? total : 1) * sizeof *b->tris);
    b->centroid = malloc((total ? total : 1) * 3 * sizeof(float));
    float *buf = malloc((size_t)maxv * 3 * sizeof(float));
    if (!b->tris || !b->centroid || !buf) {
        free(buf);
        return false;
    }
    for (uint32_t i = 0; i < sc->node_count; i++)
        for (uint32_t k = 0; k < sc->nodes[i].mesh_count; k++) {
            uint32_t mi = sc->nodes[i].meshes[k];
            const stoa_mesh *m = &sc->meshes[mi];
            scene_instance_positions(pose, i, mi, buf);
            for (uint32_t t = 0; t < m->index_count / 3; t++) {
                bvh_tri *tri = &b->tris[b->tri_count];
                for (int v = 0; v < 3; v++)
                    memcpy(tri->v + v * 3, buf + (size_t)m->indices[t * 3 + v] * 3,
                           3 * sizeof(float));
                tri->node = (int32_t)i;
                tri->mesh = (int32_t)mi;
                tri->index = t;
                for (int c = 0; c < 3; c++)
                    b->centroid[(size_t)b->tri_count * 3 + c] =
                        (tri->v[c] + tri->v[3 + c] + tri->v[6 + c]) / 3.0f;
                b->tri_count++;
            }
        }
    free(buf);
    return true;
}

stoa_bvh *stoa_bvh_build(const stoa_scene *scene, const stoa_pose *pose)
{
    if (!scene || !pose)
        return NULL;
    struct stoa_bvh *b = calloc(1, sizeof *b);
    if (!b)
        return NULL;
    bool ok = collect(scene, pose, b);
    if (!ok ||
        !(b->nodes = calloc(b->tri_count ? 2 * (size_t)b->tri_count : 1, sizeof *b->nodes))) {
        free(b->centroid);
        stoa_bvh_destroy(&b);
        return NULL;
    }
    if (b->tri_count)
        build(b, 0, b->tri_count, 0);
    free(b->centroid);
    b->centroid = NULL;
    return b;
}

bool stoa_bvh_set_hidden(stoa_bvh *bvh, const stoa_scene *scene, const bool *hidden)
{
    if (!bvh)
        return false;
    free(bvh->skip);
    bvh->skip = NULL;
    bvh->skip_count = 0;
    if (!hidden || !scene)
        return true;
    bool any = false;
    for (uint32_t i = 0; i < scene->node_count && !any; i++)
        any = hidden[i];
    if (!any)
        return true;
    if (!(bvh->skip = calloc(scene->node_count, sizeof *bvh->skip)))
        return false;
    bvh->skip_count = scene->node_count;
    // A hidden node hides its subtree; parents come before their children.
    for (uint32_t i = 0; i < scene->node_count; i++) {
        int32_t p = scene->nodes[i].parent;
        bvh->skip[i] = hidden[i] || (p >= 0 && (uint32_t)p < i && bvh->skip[p]);
    }
    return true;
}

void stoa_bvh_destroy(stoa_bvh **bvh)
{
    if (!bvh || !*bvh)
        return;
    free((*bvh)->skip);
    free((*bvh)->tris);
    free((*bvh)->nodes);
    free(*bvh);
    *bvh = NULL;
}

// Slab test; returns the entry distance or INFINITY on a miss.
static float ray_box(const bvh_node *n, const float o[3], const float inv[3], float tmax)
{
    float t0 = 0, t1 = tmax;
    for (int k = 0; k < 3; k++) {
        float a = (n->min[k] - o[k]) * inv[k], b = (n->max[k] - o[k]) * inv[k];
        if (a > b) {
            float t = a;
            a = b;
            b = t;
        }
        t0 = a > t0 ? a : t0; // NaN (0 * inf) leaves t0/t1 as they are
        t1 = b < t1 ? b : t1;
        if (t0 > t1)
            return INFINITY;
    }
    return t0;
}

// Möller-Trumbore, both faces (a learner can point at the back of a panel).
static float ray_tri(const bvh_tri *t, const float o[3], const float d[3])
{
    const float *a = t->v, *b = t->v + 3, *c = t->v + 6;
    float e1[3] = {b[0] - a[0], b[1] - a[1], b[2] - a[2]};
    float e2[3] = {c[0] - a[0], c[1] - a[1], c[2] - a[2]};
    float p[3] = {d[1] * e2[2] - d[2] * e2[1], d[2] * e2[0] - d[0] * e2[2],
                  d[0] * e2[1] - d[1] * e2[0]};
    float det = e1[0] * p[0] + e1[1] * p[1] + e1[2] * p[2];
    if (fabsf(det) < 1e-12f)
        return INFINITY;
    float inv = 1.0f / det;
    float s[3] = {o[0] - a[0], o[1] - a[1], o[2] - a[2]};
    float u = (s[0] * p[0] + s[1] * p[1] + s[2] * p[2]) * inv;
    if (u < 0 || u > 1)
        return INFINITY;
    float q[3] = {s[1] * e1[2] - s[2] * e1[1], s[2] * e1[0] - s[0] * e1[2],
                  s[0] * e1[1] - s[1] * e1[0]};
    float v = (d[0] * q[0] + d[1] * q[1] + d[2] * q[2]) * inv;
    if (v < 0 || u + v > 1)
        return INFINITY;
    float t_hit = (e2[0] * q[0] + e2[1] * q[1] + e2[2] * q[2]) * inv;
    return t_hit >= 0 ? t_hit : INFINITY;
}

bool stoa_scene_raycast(const stoa_bvh *bvh, const float origin[3], const float dir[3],
                        float max_distance, stoa_ray_hit *out_hit)
{
    if (!bvh || bvh->tri_count == 0 || !origin || !dir)
        return false;
    float len = sqrtf(dir[0] * dir[0] + dir[1] * dir[1] + dir[2] * dir[2]);
    if (!(len > 0) || !isfinite(len))
        return false;
    float d[3] = {dir[0] / len, dir[1] / len, dir[2] / len};
    float inv[3] = {1.0f / d[0], 1.0f / d[1], 1.0f / d[2]};
    float best = max_distance > 0 ? max_distance : INFINITY;
    int32_t best_tri = -1;
    uint32_t stack[STACK_MAX], top = 0;
    stack[top++] = 0;
    while (top) {
        const bvh_node *n = &bvh->nodes[stack[--top]];
        if (ray_box(n, origin, inv, best) == INFINITY)
            continue;
        if (n->count) {
            for (uint32_t i = n->first; i < n->first + n->count; i++) {
                const bvh_tri *tri = &bvh->tris[i];
                if (bvh->skip && (uint32_t)tri->node < bvh->skip_count && bvh->skip[tri->node])
                    continue;
                float t = ray_tri(tri, origin, d);
                if (t < best) {
                    best = t;
                    best_tri = (int32_t)i;
                }
            }
            continue;
        }
        uint32_t left = (uint32_t)(n - bvh->nodes) + 1, right = n->first;
        float dl = ray_box(&bvh->nodes[left], origin, inv, best);
        float dr = ray_box(&bvh->nodes[right], origin, inv, best);
        // Push the farther child first so the nearer is tested first.
        if (dl < dr) {
            if (dr < INFINITY && top < STACK_MAX)
                stack[top++] = right;
            if (top < STACK_MAX)
                stack[top++] = left;
        } else {
            if (dl < INFINITY && top < STACK_MAX)
                stack[top++] = left;
            if (dr < INFINITY && top < STACK_MAX)
                stack[top++] = right;
        }
    }
    if (best_tri < 0)
        return false;
    if (out_hit) {
        const bvh_tri *t = &bvh->tris[best_tri];
        out_hit->node = t->node;
        out_hit->mesh = t->mesh;
        out_hit->triangle = t->index;
        out_hit->distance = best;
        for (int k = 0; k < 3; k++)
            out_hit->point[k] = origin[k] + d[k] * best;
    }
    return true;
}
