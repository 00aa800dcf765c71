// SPDX-License-Identifier: Apache-2.0
// Frustum culling of draws: a BVH over the draws' world bounds (built once
// with the scene, refit each frame from the pose), walked once per frame for
// both eyes together: a node outside one eye's frustum is still walked for
// the other, a node wholly inside a frustum is not tested again below it.
#include <float.h>
#include <pthread.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gfx_cull.h"

#define LEAF_MAX 4
#define STACK_MAX 64

void gfx_frustum_planes(const float m[16], float out[GFX_FRUSTUM_PLANES][4])
{
    // Row i of the column-major matrix: m[i], m[4 + i], m[8 + i], m[12 + i].
    for (int k = 0; k < 4; k++) {
        float r0 = m[k * 4], r1 = m[k * 4 + 1], r2 = m[k * 4 + 2], r3 = m[k * 4 + 3];
        out[0][k] = r3 + r0; // left:   -w <= x
        out[1][k] = r3 - r0; // right:   x <= w
        out[2][k] = r3 + r1; // -w <= y
        out[3][k] = r3 - r1; //  y <= w
        out[4][k] = r2;      // near: 0 <= z (Vulkan depth 0..1)
    }
}

int gfx_box_in_frustum(const float planes[GFX_FRUSTUM_PLANES][4], const float mn[3],
                       const float mx[3])
{
    int inside = 2;
    for (int p = 0; p < GFX_FRUSTUM_PLANES; p++) {
        const float *q = planes[p];
        // The corner farthest along the plane's normal, and the nearest.
        float far = q[3], near = q[3];
        for (int k = 0; k < 3; k++) {
            far += q[k] * (q[k] >= 0 ? mx[k] : mn[k]);
            near += q[k] * (q[k] >= 0 ? mn[k] : mx[k]);
        }
        if (far < 0)
            return 0;
        if (near < 0)
            inside = 1;
    }
    return inside;
}

void gfx_box_transform(const float m[16], const float mn[3], const float mx[3], float out_mn[3],
                       float out_mx[3])
{
    for (int r = 0; r < 3; r++) {
        float c = m[12 + r], e = 0;
        for (int k = 0; k < 3; k++) {
            float mid = 0.5f * (mn[k] + mx[k]), half = 0.5f * (mx[k] - mn[k]);
            c += m[k * 4 + r] * mid;
            e += fabsf(m[k * 4 + r]) * half;
        }
        out_mn[r] = c - e;
        out_mx[r] = c + e;
    }
}

// ---- the BVH ----------------------------------------------------------------------

typedef struct build_ctx {
    gfx_cull_bvh *b;
    const float (*mn)[3], (*mx)[3];
} build_ctx;

static float centre(const build_ctx *c, uint32_t box, int axis)
{
    return c->mn[box][axis] + c->mx[box][axis];
}

static void fit(gfx_cull_bvh *b, uint32_t node, const float (*mn)[3], const float (*mx)[3])
{
    float *lo = b->node_min[node], *hi = b->node_max[node];
    for (int k = 0; k < 3; k++) {
        lo[k] = FLT_MAX;
        hi[k] = -FLT_MAX;
    }
    if (b->node_count_[node]) {
        for (uint32_t i = b->node_first[node]; i < b->node_first[node] + b->node_count_[node]; i++)
            for (int k = 0; k < 3; k++) {
                lo[k] = fminf(lo[k], mn[b->order[i]][k]);
                hi[k] = fmaxf(hi[k], mx[b->order[i]][k]);
            }
        return;
    }
    uint32_t l = node + 1, r = b->node_first[node];
    for (int k = 0; k < 3; k++) {
        lo[k] = fminf(b->node_min[l][k], b->node_min[r][k]);
        hi[k] = fmaxf(b->node_max[l][k], b->node_max[r][k]);
    }
}

static const build_ctx *g_sort_ctx; // qsort has no user pointer; builds are not concurrent per call
static int g_sort_axis;

static int by_centre(const void *a, const void *b)
{
    float x = centre(g_sort_ctx, *(const uint32_t *)a, g_sort_axis);
    float y = centre(g_sort_ctx, *(const uint32_t *)b, g_sort_axis);
    return x < y ? -1 : x > y;
}

static uint32_t build(build_ctx *c, uint32_t first, uint32_t count, int depth)
{
    gfx_cull_bvh *b = c->b;
    uint32_t idx = b->node_count++;
    b->node_first[idx] = first;
    b->node_count_[idx] = count;
    if (count <= LEAF_MAX || depth >= STACK_MAX - 2)
        return idx;
    float lo[3] = {FLT_MAX, FLT_MAX, FLT_MAX}, hi[3] = {-FLT_MAX, -FLT_MAX, -FLT_MAX};
    for (uint32_t i = first; i < first + count; i++)
        for (int k = 0; k < 3; k++) {
            lo[k] = fminf(lo[k], centre(c, b->order[i], k));
            hi[k] = fmaxf(hi[k], centre(c, b->order[i], k));
        }
    int axis = 0;
    for (int k = 1; k < 3; k++)
        if (hi[k] - lo[k] > hi[axis] - lo[axis])
            axis = k;
    g_sort_ctx = c;
    g_sort_axis = axis;
    qsort(b->order + first, count, sizeof *b->order, by_centre);
    uint32_t half = count / 2;
    b->node_count_[idx] = 0;
    build(c, first, half, depth + 1);
    b->node_first[idx] = build(c, first + half, count - half, depth + 1);
    return idx;
}

static pthread_mutex_t g_build_lock = PTHREAD_MUTEX_INITIALIZER;

bool gfx_cull_bvh_build(gfx_cull_bvh *b, uint32_t count, const float (*mn)[3],
                        const float (*mx)[3])
{
    memset(b, 0, sizeof *b);
    size_t nodes = count ? 2 * (size_t)count : 1;
    b->node_min = malloc(nodes * sizeof *b->node_min);
    b->node_max = malloc(nodes * sizeof *b->node_max);
    b->node_first = malloc(nodes * sizeof *b->node_first);
    b->node_count_ = malloc(nodes * sizeof *b->node_count_);
    b->order = malloc((count ? count : 1) * sizeof *b->order);
    if (!b->node_min || !b->node_max || !b->node_first || !b->node_count_ || !b->order) {
        gfx_cull_bvh_free(b);
        return false;
    }
    b->box_count = count;
    for (uint32_t i = 0; i < count; i++)
        b->order[i] = i;
    if (!count)
        return true;
    build_ctx c = {b, mn, mx};
    pthread_mutex_lock(&g_build_lock); // loader threads may build two scenes at once
    build(&c, 0, count, 0);
    pthread_mutex_unlock(&g_build_lock);
    gfx_cull_bvh_refit(b, mn, mx);
    return true;
}

void gfx_cull_bvh_refit(gfx_cull_bvh *b, const float (*mn)[3], const float (*mx)[3])
{
    // Children have higher indices than their parent: fit from the back.
    for (uint32_t n = b->node_count; n-- > 0;)
        fit(b, n, mn, mx);
}

void gfx_cull_bvh_run(const gfx_cull_bvh *b, const float (*mn)[3], const float (*mx)[3],
                      const float (*planes)[GFX_FRUSTUM_PLANES][4], uint32_t view_count,
                      uint8_t *out_mask)
{
    if (!b->node_count || !b->box_count)
        return;
    // Per stack entry: the views still to test (bits) and those that hold
    // the node wholly inside (no test below).
    uint32_t stack[STACK_MAX];
    uint8_t test[STACK_MAX], in[STACK_MAX];
    uint32_t top = 0;
    uint8_t all = (uint8_t)((1u << view_count) - 1);
    stack[top] = 0;
    test[top] = all;
    in[top++] = 0;
    while (top) {
        top--;
        uint32_t n = stack[top];
        uint8_t t = test[top], inside = in[top], seen = inside;
        for (uint32_t v = 0; v < view_count; v++) {
            if (!(t & (1u << v)))
                continue;
            int r = gfx_box_in_frustum(planes[v], b->node_min[n], b->node_max[n]);
            if (r == 2)
                inside |= (uint8_t)(1u << v);
            if (r)
                seen |= (uint8_t)(1u << v);
        }
        if (!seen)
            continue;
        uint8_t still = seen & (uint8_t)~inside;
        if (b->node_count_[n]) {
            for (uint32_t i = b->node_first[n]; i < b->node_first[n] + b->node_count_[n]; i++) {
                uint32_t box = b->order[i];
                uint8_t m = inside;
                for (uint32_t v = 0; v < view_count; v++)
                    if ((still & (1u << v)) && gfx_box_in_frustum(planes[v], mn[box], mx[box]))
                        m |= (uint8_t)(1u << v);
                out_mask[box] |= m;
            }
            continue;
        }
        if (top + 2 > STACK_MAX)
            continue; // cannot happen: depth is bounded at build
        stack[top] = b->node_first[n];
        test[top] = still;
        in[top++] = inside;
        stack[top] = n + 1;
        test[top] = still;
        in[top++] = inside;
    }
}

void gfx_cull_bvh_free(gfx_cull_bvh *b)
{
    free(b->node_min);
    free(b->node_max);
    free(b->node_first);
    free(b->node_count_);
    free(b->order);
    memset(b, 0, sizeof *b);
}
