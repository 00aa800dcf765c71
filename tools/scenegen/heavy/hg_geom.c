// SPDX-License-Identifier: Apache-2.0
// Noise and the shapes of the ruin: a rubble ground, broken walls with a
// jagged top, fluted columns and their stumps, rocks. Every shape is dense
// and irregular on purpose, as a photogrammetry scan is.
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hg.h"

uint32_t hg_hash(uint32_t x)
{
    x ^= x >> 16;
    x *= 0x7feb352dU;
    x ^= x >> 15;
    x *= 0x846ca68bU;
    x ^= x >> 16;
    return x;
}

float hg_rand01(uint32_t *state)
{
    *state = hg_hash(*state + 0x9e3779b9U);
    return (float)(*state >> 8) / 16777216.0f;
}

static float lattice2(int32_t x, int32_t y, uint32_t seed)
{
    uint32_t h = hg_hash((uint32_t)x * 0x8da6b343U ^ (uint32_t)y * 0xd8163841U ^ seed);
    return (float)(h >> 8) / 8388608.0f - 1.0f;
}

static float smooth(float t) { return t * t * (3.0f - 2.0f * t); }

float hg_noise2(float x, float y, uint32_t seed)
{
    float fx = floorf(x), fy = floorf(y);
    int32_t ix = (int32_t)fx, iy = (int32_t)fy;
    float tx = smooth(x - fx), ty = smooth(y - fy);
    float a = lattice2(ix, iy, seed), b = lattice2(ix + 1, iy, seed);
    float c = lattice2(ix, iy + 1, seed), d = lattice2(ix + 1, iy + 1, seed);
    return (a + (b - a) * tx) + ((c + (d - c) * tx) - (a + (b - a) * tx)) * ty;
}

float hg_fbm2(float x, float y, int octaves, uint32_t seed)
{
    float sum = 0, amp = 0.5f;
    for (int o = 0; o < octaves; o++) {
        sum += amp * hg_noise2(x, y, seed + (uint32_t)o * 1013U);
        x = x * 2.03f + 17.1f;
        y = y * 2.03f - 5.3f;
        amp *= 0.5f;
    }
    return sum * 1.07f;
}

float hg_noise3(float x, float y, float z, uint32_t seed)
{
    float fz = floorf(z);
    float t = smooth(z - fz);
    uint32_t s0 = hg_hash(seed ^ (uint32_t)(int32_t)fz), s1 = hg_hash(seed ^ (uint32_t)((int32_t)fz + 1));
    float a = hg_noise2(x, y, s0), b = hg_noise2(x, y, s1);
    return a + (b - a) * t;
}

void hg_mesh_alloc(hg_mesh *m, uint32_t vcount, uint32_t icount)
{
    m->vcount = vcount;
    m->icount = icount;
    m->pos = calloc((size_t)vcount * 3, sizeof(float));
    m->nrm = calloc((size_t)vcount * 3, sizeof(float));
    m->tan = calloc((size_t)vcount * 4, sizeof(float));
    m->uv = calloc((size_t)vcount * 2, sizeof(float));
    m->idx = calloc(icount, sizeof(uint32_t));
    if (!m->pos || !m->nrm || !m->tan || !m->uv || !m->idx)
        abort(); // a generator: out of memory is fatal
}

void hg_mesh_free(hg_mesh *m)
{
    free(m->pos);
    free(m->nrm);
    free(m->tan);
    free(m->uv);
    free(m->idx);
    memset(m, 0, sizeof *m);
}

static void norm3(float *v)
{
    float n = sqrtf(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
    if (n > 1e-20f) {
        v[0] /= n;
        v[1] /= n;
        v[2] /= n;
    } else {
        v[0] = 0;
        v[1] = 1;
        v[2] = 0;
    }
}

void hg_mesh_normals(hg_mesh *m)
{
    memset(m->nrm, 0, (size_t)m->vcount * 3 * sizeof(float));
    memset(m->tan, 0, (size_t)m->vcount * 4 * sizeof(float));
    for (uint32_t t = 0; t + 2 < m->icount; t += 3) {
        const uint32_t *i = m->idx + t;
        const float *a = m->pos + i[0] * 3, *b = m->pos + i[1] * 3, *c = m->pos + i[2] * 3;
        float e1[3] = {b[0] - a[0], b[1] - a[1], b[2] - a[2]};
        float e2[3] = {c[0] - a[0], c[1] - a[1], c[2] - a[2]};
        float n[3] = {e1[1] * e2[2] - e1[2] * e2[1], e1[2] * e2[0] - e1[0] * e2[2],
                      e1[0] * e2[1] - e1[1] * e2[0]};
        const float *ua = m->uv + i[0] * 2, *ub = m->uv + i[1] * 2, *uc = m->uv + i[2] * 2;
        float du1 = ub[0] - ua[0], dv1 = ub[1] - ua[1], du2 = uc[0] - ua[0], dv2 = uc[1] - ua[1];
        float det = du1 * dv2 - du2 * dv1;
        float r = fabsf(det) > 1e-20f ? 1.0f / det : 0.0f;
        float tg[3];
        for (int k = 0; k < 3; k++)
            tg[k] = (e1[k] * dv2 - e2[k] * dv1) * r;
        for (int v = 0; v < 3; v++)
            for (int k = 0; k < 3; k++) {
                m->nrm[i[v] * 3 + k] += n[k];
                m->tan[i[v] * 4 + k] += tg[k];
            }
    }
    for (uint32_t v = 0; v < m->vcount; v++) {
        float *n = m->nrm + v * 3, *t = m->tan + v * 4;
        norm3(n);
        float d = n[0] * t[0] + n[1] * t[1] + n[2] * t[2];
        for (int k = 0; k < 3; k++)
            t[k] -= n[k] * d;
        if (t[0] * t[0] + t[1] * t[1] + t[2] * t[2] < 1e-20f) {
            // No UV gradient here: any unit vector across the normal.
            t[0] = fabsf(n[0]) < 0.9f ? 1.0f : 0.0f;
            t[1] = fabsf(n[0]) < 0.9f ? 0.0f : 1.0f;
            t[2] = 0;
            d = n[0] * t[0] + n[1] * t[1] + n[2] * t[2];
            for (int k = 0; k < 3; k++)
                t[k] -= n[k] * d;
        }
        norm3(t);
        t[3] = 1.0f;
    }
}

void hg_grid(hg_mesh *m, hg_surface_fn fn, void *user, uint32_t nu, uint32_t nv, float u0,
             float u1, float v0, float v1)
{
    hg_mesh_alloc(m, (nu + 1) * (nv + 1), nu * nv * 6);
    for (uint32_t j = 0; j <= nv; j++)
        for (uint32_t i = 0; i <= nu; i++) {
            uint32_t k = j * (nu + 1) + i;
            float u = u0 + (u1 - u0) * (float)i / (float)nu;
            float v = v0 + (v1 - v0) * (float)j / (float)nv;
            fn(user, u, v, m->pos + k * 3);
            m->uv[k * 2] = u;
            m->uv[k * 2 + 1] = 1.0f - v; // glTF: v runs down the image
        }
    uint32_t *o = m->idx;
    for (uint32_t j = 0; j < nv; j++)
        for (uint32_t i = 0; i < nu; i++) {
            uint32_t a = j * (nu + 1) + i, b = a + 1, c = a + nu + 1, d = c + 1;
            // Alternate the diagonal, as a scan's triangulation wanders.
            if ((hg_hash(a * 2654435761U) & 1) == 0) {
                *o++ = a, *o++ = b, *o++ = d;
                *o++ = a, *o++ = d, *o++ = c;
            } else {
                *o++ = a, *o++ = b, *o++ = c;
                *o++ = b, *o++ = d, *o++ = c;
            }
        }
    hg_mesh_normals(m);
}

// ---- ground ------------------------------------------------------------------------

float hg_ground_height(float x, float z, uint32_t seed)
{
    float h = 0.45f * hg_fbm2(x * 0.06f, z * 0.06f, 4, seed);
    // Rubble: sharp-edged lumps from the absolute value of noise.
    float r = 1.0f - fabsf(hg_fbm2(x * 0.9f, z * 0.9f, 3, seed + 7));
    h += 0.12f * r * r * r;
    h += 0.02f * hg_fbm2(x * 6.0f, z * 6.0f, 2, seed + 11);
    // The floor of the ruined building is lower and flatter.
    float inside = fmaxf(0.0f, 1.0f - fmaxf(fabsf(x) / 14.0f, fabsf(z) / 9.0f));
    return h * (1.0f - 0.6f * fminf(1.0f, inside * 4.0f)) - 0.15f * fminf(1.0f, inside * 4.0f);
}

void hg_ground_point(void *user, float u, float v, float out[3])
{
    uint32_t seed = *(const uint32_t *)user;
    float x = -HG_GROUND_HALF + 2.0f * HG_GROUND_HALF * u;
    float z = HG_GROUND_HALF - 2.0f * HG_GROUND_HALF * v; // faces up: see hg_grid
    out[0] = x;
    out[1] = hg_ground_height(x, z, seed);
    out[2] = z;
}

// ---- walls: front face up, over the top, back face down (v 0..1) ---------------------

static float wall_top(const hg_wall *w, float s)
{
    float n = hg_fbm2(s * 0.35f, 0.5f, 4, w->seed);
    float drop = fmaxf(0.0f, hg_noise2(s * 0.12f, 3.5f, w->seed + 5)); // broken stretches
    return w->height * fmaxf(0.12f, 0.75f + 0.35f * n - 0.9f * drop);
}

void hg_wall_point(void *user, float u, float v, float out[3])
{
    const hg_wall *w = user;
    const float a = 0.44f; // share of v on each face
    float s = u * w->length, top = wall_top(w, s), half = 0.5f * w->thickness;
    float x = s - 0.5f * w->length, y, z, nz;
    if (v <= a) {
        y = top * v / a;
        z = half;
        nz = 1;
    } else if (v >= 1.0f - a) {
        y = top * (1.0f - v) / a;
        z = -half;
        nz = -1;
    } else {
        float t = (v - a) / (1.0f - 2 * a);
        y = top + 0.06f * sinf(t * 3.14159f) + 0.05f * hg_noise2(s * 3.0f, t * 4.0f, w->seed + 9);
        z = half - t * w->thickness;
        nz = 0;
    }
    // Ashlar courses: blocks 0.45 m high, 0.9 m long, offset every other
    // course; joints recessed, faces weathered.
    float course = floorf(y / 0.45f);
    float bx = s / 0.9f + (fmodf(course, 2.0f) ? 0.5f : 0.0f);
    float jy = fabsf(y / 0.45f - course - 0.5f) * 2.0f, jx = fabsf(bx - floorf(bx) - 0.5f) * 2.0f;
    float joint = fmaxf(0.0f, fmaxf(jy, jx) - 0.9f) * 10.0f;
    float face = 0.03f * hg_fbm2(s * 4.0f, y * 4.0f + nz * 13.0f, 4, w->seed + 3) +
                 0.015f * hg_noise2(bx * 7.3f, course * 3.1f, w->seed + 4);
    float d = face - 0.025f * joint;
    out[0] = x;
    out[1] = y;
    out[2] = z + nz * d;
    if (nz == 0)
        out[1] += d;
}

// ---- columns and rocks -----------------------------------------------------------------

typedef struct column_param {
    float height, broken;
    uint32_t seed;
} column_param;

static void column_point(void *user, float u, float v, float out[3])
{
    const column_param *c = user;
    float ang = u * 6.2831853f, h = c->broken > 0 ? c->broken : c->height;
    float y = v * h;
    float r = 0.42f - 0.06f * (y / c->height); // entasis, roughly
    float flute = fabsf(sinf(ang * 10.0f)); // 20 flutes
    r -= 0.025f * (1.0f - flute);
    r += 0.01f * hg_noise3(cosf(ang) * 3.0f, sinf(ang) * 3.0f, y * 2.0f, c->seed); // chips
    if (c->broken > 0 && v > 0.97f) {
        // The jagged break: the top ring drawn inward at uneven heights.
        float k = (v - 0.97f) / 0.03f;
        y += 0.25f * k * hg_noise2(cosf(ang) * 2.0f, sinf(ang) * 2.0f, c->seed + 1);
        r *= 1.0f - k;
    } else if (c->broken <= 0 && v > 0.985f) {
        y = 0.985f * h; // the abacus's flat top, closed
        r = 0.6f * (1.0f - v) / 0.015f;
    } else if (c->broken <= 0 && v > 0.92f) {
        float k = (v - 0.92f) / 0.065f; // echinus and abacus
        r = 0.36f + 0.24f * sqrtf(k);
    }
    out[0] = r * cosf(ang);
    out[1] = y;
    out[2] = -r * sinf(ang); // u runs counter-clockwise seen from above: faces out
}

void hg_column(hg_mesh *m, uint32_t sides, uint32_t rings, float height, uint32_t seed,
               float broken)
{
    column_param p = {height, broken, seed};
    hg_grid(m, column_point, &p, sides, rings, 0.0f, 1.0f, 0.0f, 1.0f);
}

void hg_rock(hg_mesh *m, uint32_t subdiv, uint32_t seed)
{
    // A cube-sphere, each face a grid, pushed in and out by 3D noise.
    uint32_t n = subdiv, per = (n + 1) * (n + 1);
    hg_mesh_alloc(m, per * 6, n * n * 6 * 6);
    static const float axes[6][3][3] = {
        {{1, 0, 0}, {0, 0, -1}, {0, 1, 0}}, {{-1, 0, 0}, {0, 0, 1}, {0, 1, 0}},
        {{0, 1, 0}, {1, 0, 0}, {0, 0, -1}}, {{0, -1, 0}, {1, 0, 0}, {0, 0, 1}},
        {{0, 0, 1}, {1, 0, 0}, {0, 1, 0}},  {{0, 0, -1}, {-1, 0, 0}, {0, 1, 0}},
    };
    uint32_t *o = m->idx;
    for (uint32_t f = 0; f < 6; f++) {
        const float(*ax)[3] = axes[f];
        for (uint32_t j = 0; j <= n; j++)
            for (uint32_t i = 0; i <= n; i++) {
                float a = 2.0f * (float)i / (float)n - 1.0f, b = 2.0f * (float)j / (float)n - 1.0f;
                float p[3];
                for (int k = 0; k < 3; k++)
                    p[k] = ax[0][k] + a * ax[1][k] + b * ax[2][k];
                norm3(p);
                float d = 1.0f + 0.25f * hg_noise3(p[0] * 1.5f + 4, p[1] * 1.5f + 4, p[2] * 1.5f, seed) +
                          0.06f * hg_noise3(p[0] * 6.0f, p[1] * 6.0f, p[2] * 6.0f, seed + 1);
                uint32_t k = f * per + j * (n + 1) + i;
                for (int c = 0; c < 3; c++)
                    m->pos[k * 3 + c] = p[c] * d * (c == 1 ? 0.6f : 1.0f);
                m->uv[k * 2] = ((float)(f % 3) + (float)i / (float)n) / 3.0f;
                m->uv[k * 2 + 1] = ((float)(f / 3) + 1.0f - (float)j / (float)n) / 2.0f;
            }
        for (uint32_t j = 0; j < n; j++)
            for (uint32_t i = 0; i < n; i++) {
                uint32_t a = f * per + j * (n + 1) + i, b = a + 1, c = a + n + 1, d = c + 1;
                *o++ = a, *o++ = b, *o++ = d;
                *o++ = a, *o++ = d, *o++ = c;
            }
    }
    hg_mesh_normals(m);
}
