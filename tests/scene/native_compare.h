// SPDX-License-Identifier: Apache-2.0
// Comparison of a scene read with Assimp and the same scene read directly
// (scene_native.c): every count, name, index and attribute byte the same,
// but for the tangents the direct path generates (Assimp's CalcTangentSpace
// also averages over vertices at the same place: compared by angle and
// handedness) and morph target deltas (the Assimp path subtracts the base
// from Assimp's base + delta: compared within a few float steps).
#pragma once

#include <math.h>
#include <string.h>

#include "scene_cache_compare.h"

typedef struct nc_stats {
    uint64_t tangents;  // vertices whose generated tangents were compared
    uint64_t exact;     // ... and were the same bytes
    uint64_t within_10; // ... and whose xyz lie within 10 degrees of Assimp's
    uint64_t within_45; // ... 45 degrees
    uint64_t same_sign; // ... and whose w agrees
    float worst_delta;  // largest morph delta difference / (1 + |delta|)
} nc_stats;

static inline bool nc_close(const float *a, const float *b, size_t n, nc_stats *st)
{
    if (!a || !b)
        return a == b;
    for (size_t i = 0; i < n; i++) {
        float d = fabsf(a[i] - b[i]) / (1.0f + fabsf(a[i]));
        if (!(d <= 1e-4f))
            return false;
        st->worst_delta = d > st->worst_delta ? d : st->worst_delta;
    }
    return true;
}

// Meshes whose tangents are the same bytes (the file's own) are not counted.
static inline void nc_tangents(const float *a, const float *b, uint32_t n, nc_stats *st)
{
    if (!memcmp(a, b, (size_t)n * 16))
        return;
    for (uint32_t v = 0; v < n; v++) {
        const float *x = a + (size_t)v * 4, *y = b + (size_t)v * 4;
        float lx = sqrtf(x[0] * x[0] + x[1] * x[1] + x[2] * x[2]);
        float ly = sqrtf(y[0] * y[0] + y[1] * y[1] + y[2] * y[2]);
        float c = (x[0] * y[0] + x[1] * y[1] + x[2] * y[2]) / (lx * ly);
        st->tangents++;
        st->exact += !memcmp(x, y, 16);
        st->within_10 += c >= 0.9848f; // cos 10 degrees
        st->within_45 += c >= 0.7071f;
        st->same_sign += x[3] == y[3];
    }
}

// Whether native mesh b matches Assimp's mesh a; tangent figures into st.
static inline bool nc_mesh_same(const stoa_mesh *a, const stoa_mesh *b, nc_stats *st)
{
    size_t v = a->vertex_count;
    if (!sc_mesh_header_same(a, b))
        return false;
    bool same = SC_SAME(a->positions, b->positions, v * 12) &&
                SC_SAME(a->normals, b->normals, v * 12) && !a->tangents == !b->tangents &&
                SC_SAME(a->uv0, b->uv0, v * 8) && SC_SAME(a->uv1, b->uv1, v * 8) &&
                SC_SAME(a->colors, b->colors, v * 16) && SC_SAME(a->joints, b->joints, v * 8) &&
                SC_SAME(a->weights, b->weights, v * 16) &&
                (a->index_count == 0 || SC_SAME(a->indices, b->indices, a->index_count * 4ul)) &&
                SC_SAME(a->default_weights, b->default_weights, a->morph_target_count * 4ul);
    if (same && a->tangents)
        nc_tangents(a->tangents, b->tangents, a->vertex_count, st);
    for (uint32_t t = 0; same && t < a->morph_target_count; t++)
        same = nc_close(a->morph_targets[t].positions, b->morph_targets[t].positions, v * 3, st) &&
               nc_close(a->morph_targets[t].normals, b->morph_targets[t].normals, v * 3, st) &&
               nc_close(a->morph_targets[t].tangents, b->morph_targets[t].tangents, v * 3, st);
    return same;
}

static inline bool nc_mesh_cmp(const stoa_mesh *a, const stoa_mesh *b, void *st)
{
    return nc_mesh_same(a, b, st);
}

// Everything but texture pixels (they do not depend on the geometry path).
static inline bool nc_scene_same(const stoa_scene *a, const stoa_scene *b, const char *what,
                                 nc_stats *st)
{
    return sc_scene_same_by(a, b, what, nc_mesh_cmp, st, false);
}
