// SPDX-License-Identifier: Apache-2.0
// What the direct geometry path computes itself: flat normals where a file
// has no NORMAL, tangents where a UV-mapped primitive has no TANGENT, and
// the sign of a file's own tangents. Compared with Assimp's (which averages
// tangents over vertices at the same place as well) by angle in
// tests/scene/test_scene_native.c.
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "scene_native.h"

static void sub3(const float *a, const float *b, float *o)
{
    o[0] = a[0] - b[0];
    o[1] = a[1] - b[1];
    o[2] = a[2] - b[2];
}

static void cross3(const float *a, const float *b, float *o)
{
    o[0] = a[1] * b[2] - a[2] * b[1];
    o[1] = a[2] * b[0] - a[0] * b[2];
    o[2] = a[0] * b[1] - a[1] * b[0];
}

static float dot3(const float *a, const float *b)
{
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

// Scales v to unit length; false (v untouched) when it has none.
static bool unit3(float *v)
{
    float l = sqrtf(dot3(v, v));
    if (!(l > 1e-30f) || !isfinite(l))
        return false;
    v[0] /= l, v[1] /= l, v[2] /= l;
    return true;
}

bool scene_native_flat_normals(const float *pos, uint32_t nv, const uint32_t *idx, uint32_t ni,
                               float *out)
{
    uint8_t *set = calloc(nv ? nv : 1, 1);
    if (!set)
        return false;
    memset(out, 0, (size_t)nv * 3 * sizeof *out);
    bool fits = true;
    for (uint32_t t = 0; fits && t + 2 < ni; t += 3) {
        const uint32_t *f = idx + t;
        float e1[3], e2[3], n[3];
        sub3(pos + (size_t)f[1] * 3, pos + (size_t)f[0] * 3, e1);
        sub3(pos + (size_t)f[2] * 3, pos + (size_t)f[0] * 3, e2);
        cross3(e1, e2, n);
        float l = sqrtf(dot3(n, n)), inv = 1.0f / l; // times 1/l: Assimp's rounding
        if (!(l > 1e-30f) || !isfinite(l))
            continue; // a degenerate triangle shows nothing: it sets no normal
        n[0] *= inv, n[1] *= inv, n[2] *= inv;
        for (int k = 0; k < 3; k++) {
            float *o = out + (size_t)f[k] * 3;
            if (set[f[k]] && dot3(o, n) < 0.99999f) {
                fits = false;
                break;
            }
            memcpy(o, n, sizeof n);
            set[f[k]] = 1;
        }
    }
    free(set);
    return fits;
}

// Some unit vector perpendicular to unit n.
static void any_perpendicular(const float *n, float *t)
{
    float axis[3] = {0, 0, 0};
    axis[fabsf(n[0]) < 0.6f ? 0 : fabsf(n[1]) < 0.6f ? 1 : 2] = 1;
    float d = dot3(axis, n);
    for (int c = 0; c < 3; c++)
        t[c] = axis[c] - n[c] * d;
    if (!unit3(t))
        t[0] = 1, t[1] = 0, t[2] = 0;
}

// Adds triangle f's area-weighted unit dP/du and dP/dv to acc (6 per vertex).
static void add_triangle(const float *pos, const float *uv, const uint32_t *f, float *acc)
{
    const float *p0 = pos + (size_t)f[0] * 3, *u0 = uv + (size_t)f[0] * 2;
    const float *u1 = uv + (size_t)f[1] * 2, *u2 = uv + (size_t)f[2] * 2;
    float e1[3], e2[3], area[3], t[3], b[3];
    sub3(pos + (size_t)f[1] * 3, p0, e1);
    sub3(pos + (size_t)f[2] * 3, p0, e2);
    float du1 = u1[0] - u0[0], dv1 = u1[1] - u0[1], du2 = u2[0] - u0[0], dv2 = u2[1] - u0[1];
    float det = du1 * dv2 - du2 * dv1;
    if (!(fabsf(det) > 1e-20f))
        return; // no UV area: no direction to give
    cross3(e1, e2, area);
    float w = sqrtf(dot3(area, area));
    for (int c = 0; c < 3; c++) {
        t[c] = (e1[c] * dv2 - e2[c] * dv1) / det;
        b[c] = (e2[c] * du1 - e1[c] * du2) / det;
    }
    if (!(w > 0) || !isfinite(w) || !unit3(t) || !unit3(b))
        return;
    for (int k = 0; k < 3; k++) {
        float *a = acc + (size_t)f[k] * 6;
        for (int c = 0; c < 3; c++) {
            a[c] += t[c] * w;
            a[3 + c] += b[c] * w;
        }
    }
}

stoa_result scene_native_tangents(const float *pos, const float *nrm, const float *uv, uint32_t nv,
                                  const uint32_t *idx, uint32_t ni, float **out)
{
    float *acc = calloc((size_t)(nv ? nv : 1) * 6, sizeof *acc);
    float *tan = malloc((size_t)(nv ? nv : 1) * 4 * sizeof *tan);
    if (!acc || !tan) {
        free(acc);
        free(tan);
        return STOA_ERROR_OUT_OF_MEMORY;
    }
    for (uint32_t t = 0; t + 2 < ni; t += 3)
        add_triangle(pos, uv, idx + t, acc);
    for (uint32_t v = 0; v < nv; v++) {
        float n[3] = {nrm[v * 3], nrm[v * 3 + 1], nrm[v * 3 + 2]}, *t = tan + (size_t)v * 4;
        const float *a = acc + (size_t)v * 6;
        if (!unit3(n))
            n[0] = 0, n[1] = 0, n[2] = 1;
        float d = dot3(a, n), nxt[3];
        for (int c = 0; c < 3; c++)
            t[c] = a[c] - n[c] * d; // Gram-Schmidt: perpendicular to the normal
        if (!unit3(t))
            any_perpendicular(n, t);
        cross3(n, t, nxt);
        // a[3..5] runs along increasing v, down the image; glTF's bitangent
        // runs up it, so a UV map that keeps its orientation gets w = +1.
        t[3] = dot3(nxt, a + 3) > 0 ? -1.0f : 1.0f;
    }
    free(acc);
    *out = tan;
    return STOA_OK;
}

// As the Assimp path stores a file's tangent: w = +1 unless the bitangent
// glTF defines, cross(N, T) * w, points against cross(N, T).
void scene_native_tangent_signs(const float *nrm, float *tan, uint32_t nv)
{
    for (uint32_t v = 0; v < nv; v++) {
        float *t = tan + (size_t)v * 4, c[3];
        cross3(nrm + (size_t)v * 3, t, c);
        float b[3] = {c[0] * t[3], c[1] * t[3], c[2] * t[3]};
        t[3] = dot3(c, b) >= 0 ? 1.0f : -1.0f;
    }
}
