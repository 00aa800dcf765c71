// SPDX-License-Identifier: Apache-2.0
// BC7 blocks in mode 6 only: one subset, RGBA endpoints of 7 bits plus a
// shared low bit each (p-bit), 4-bit indices. Written for Stoa (Debian
// packages no BC7 encoder). Mode 6 suits smooth photographic colour and data
// maps; blocks with two distinct colour clusters lose most (the modes with
// partitions would keep them), which is why the render test bounds the error.
//
// Per block: the principal axis of the 16 texels (power iteration on their
// covariance) gives first endpoints; then three rounds of: quantise both
// endpoints under each of the four p-bit pairs, give each texel the index
// nearest its projection on the quantised segment, keep the pair with the
// least squared error, and refit the endpoints to those indices by least
// squares.
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "scene/stoa_scene_texfmt.h"

static const uint8_t k_weights[16] = {0, 4, 9, 13, 17, 21, 26, 30, 34, 38, 43, 47, 51, 55, 60, 64};

// The index whose weight is nearest to t (0..64).
static uint8_t g_nearest[65];
static pthread_once_t g_nearest_once = PTHREAD_ONCE_INIT;

static void make_nearest(void)
{
    for (int t = 0; t <= 64; t++) {
        int best = 0;
        for (int i = 1; i < 16; i++)
            if (abs(k_weights[i] - t) < abs(k_weights[best] - t))
                best = i;
        g_nearest[t] = (uint8_t)best;
    }
}

static inline int interp(int e0, int e1, int w)
{
    return ((64 - w) * e0 + w * e1 + 32) >> 6;
}

typedef struct candidate {
    int e[2][4]; // 8-bit endpoints (7 bits << 1 | p)
    uint8_t idx[16];
    uint32_t err;
} candidate;

static int quantise(float v, int p)
{
    int q = (int)lroundf((v - (float)p) * 0.5f);
    q = q < 0 ? 0 : q > 127 ? 127 : q;
    return (q << 1) | p;
}

// Indices from each texel's projection on the segment, and the error.
static void assign(const uint8_t px[64], candidate *c)
{
    int d[4], dd = 0;
    for (int k = 0; k < 4; k++) {
        d[k] = c->e[1][k] - c->e[0][k];
        dd += d[k] * d[k];
    }
    c->err = 0;
    for (int i = 0; i < 16; i++) {
        const uint8_t *x = px + i * 4;
        int dot = 0;
        for (int k = 0; k < 4; k++)
            dot += (x[k] - c->e[0][k]) * d[k];
        int t = dd ? (dot * 64 + dd / 2) / dd : 0;
        if (dot < 0)
            t = 0;
        uint8_t best = g_nearest[t < 0 ? 0 : t > 64 ? 64 : t];
        c->idx[i] = best;
        for (int k = 0; k < 4; k++) {
            int e = interp(c->e[0][k], c->e[1][k], k_weights[best]) - x[k];
            c->err += (uint32_t)(e * e);
        }
    }
}

static void try_endpoints(const uint8_t px[64], const float e0[4], const float e1[4],
                          candidate *best)
{
    for (int p = 0; p < 4; p++) {
        candidate c;
        for (int k = 0; k < 4; k++) {
            c.e[0][k] = quantise(e0[k], p & 1);
            c.e[1][k] = quantise(e1[k], p >> 1);
        }
        assign(px, &c);
        if (c.err < best->err)
            *best = c;
    }
}

// Least-squares endpoints for the indices of c; false when degenerate.
static bool refit(const uint8_t px[64], const candidate *c, float e0[4], float e1[4])
{
    float aa = 0, ab = 0, bb = 0, ax[4] = {0}, bx[4] = {0};
    for (int i = 0; i < 16; i++) {
        float b = k_weights[c->idx[i]] / 64.0f, a = 1.0f - b;
        aa += a * a;
        ab += a * b;
        bb += b * b;
        for (int k = 0; k < 4; k++) {
            ax[k] += a * px[i * 4 + k];
            bx[k] += b * px[i * 4 + k];
        }
    }
    float det = aa * bb - ab * ab;
    if (fabsf(det) < 1e-6f)
        return false;
    for (int k = 0; k < 4; k++) {
        e0[k] = fminf(255.0f, fmaxf(0.0f, (bb * ax[k] - ab * bx[k]) / det));
        e1[k] = fminf(255.0f, fmaxf(0.0f, (aa * bx[k] - ab * ax[k]) / det));
    }
    return true;
}

static void principal_ends(const uint8_t px[64], float e0[4], float e1[4])
{
    float mean[4] = {0}, cov[4][4] = {{0}};
    for (int i = 0; i < 16; i++)
        for (int k = 0; k < 4; k++)
            mean[k] += px[i * 4 + k] / 16.0f;
    for (int i = 0; i < 16; i++)
        for (int j = 0; j < 4; j++)
            for (int k = 0; k < 4; k++)
                cov[j][k] += (px[i * 4 + j] - mean[j]) * (px[i * 4 + k] - mean[k]);
    float axis[4] = {1, 1, 1, 1};
    for (int it = 0; it < 8; it++) {
        float n[4] = {0}, len = 0;
        for (int j = 0; j < 4; j++) {
            for (int k = 0; k < 4; k++)
                n[j] += cov[j][k] * axis[k];
            len += n[j] * n[j];
        }
        if (len < 1e-12f)
            break;
        len = 1.0f / sqrtf(len);
        for (int j = 0; j < 4; j++)
            axis[j] = n[j] * len;
    }
    float lo = 0, hi = 0;
    for (int i = 0; i < 16; i++) {
        float t = 0;
        for (int k = 0; k < 4; k++)
            t += (px[i * 4 + k] - mean[k]) * axis[k];
        lo = fminf(lo, t);
        hi = fmaxf(hi, t);
    }
    for (int k = 0; k < 4; k++) {
        e0[k] = fminf(255.0f, fmaxf(0.0f, mean[k] + axis[k] * lo));
        e1[k] = fminf(255.0f, fmaxf(0.0f, mean[k] + axis[k] * hi));
    }
}

typedef struct bits {
    uint8_t *out;
    uint32_t at;
} bits;

static void put_bits(bits *b, uint32_t v, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++, b->at++)
        if (v >> i & 1)
            b->out[b->at / 8] |= (uint8_t)(1u << (b->at % 8));
}

static uint32_t get_bits(const uint8_t *in, uint32_t *at, uint32_t n)
{
    uint32_t v = 0;
    for (uint32_t i = 0; i < n; i++, (*at)++)
        v |= (uint32_t)(in[*at / 8] >> (*at % 8) & 1) << i;
    return v;
}

void stoa_bc7_encode_block(const uint8_t px[64], uint8_t out[16])
{
    pthread_once(&g_nearest_once, make_nearest);
    float e0[4], e1[4];
    principal_ends(px, e0, e1);
    candidate best = {.err = UINT32_MAX};
    // A round that keeps the best candidate would refit it to the same ends
    // again, so every later round would repeat it: stop there (lossless).
    for (int round = 0; round < 3 && best.err; round++) {
        uint32_t before = best.err;
        try_endpoints(px, e0, e1, &best);
        if (best.err >= before || !refit(px, &best, e0, e1))
            break;
    }
    if (best.idx[0] & 8) { // the first index's top bit is implied 0: swap the ends
        for (int k = 0; k < 4; k++) {
            int t = best.e[0][k];
            best.e[0][k] = best.e[1][k];
            best.e[1][k] = t;
        }
        for (int i = 0; i < 16; i++)
            best.idx[i] = (uint8_t)(15 - best.idx[i]);
    }
    memset(out, 0, 16);
    bits b = {out, 0};
    put_bits(&b, 1u << 6, 7); // mode 6
    for (int k = 0; k < 4; k++) {
        put_bits(&b, (uint32_t)best.e[0][k] >> 1, 7);
        put_bits(&b, (uint32_t)best.e[1][k] >> 1, 7);
    }
    put_bits(&b, (uint32_t)best.e[0][0] & 1, 1);
    put_bits(&b, (uint32_t)best.e[1][0] & 1, 1);
    for (int i = 0; i < 16; i++)
        put_bits(&b, best.idx[i], i == 0 ? 3 : 4);
}

void stoa_bc7_decode_block(const uint8_t in[16], uint8_t px[64])
{
    if ((in[0] & 0x7F) != 0x40) { // not mode 6
        memset(px, 0, 64);
        return;
    }
    uint32_t at = 7;
    int e[2][4];
    for (int k = 0; k < 4; k++) {
        e[0][k] = (int)get_bits(in, &at, 7) << 1;
        e[1][k] = (int)get_bits(in, &at, 7) << 1;
    }
    int p0 = (int)get_bits(in, &at, 1), p1 = (int)get_bits(in, &at, 1);
    for (int k = 0; k < 4; k++) {
        e[0][k] |= p0;
        e[1][k] |= p1;
    }
    for (int i = 0; i < 16; i++) {
        uint32_t w = k_weights[get_bits(in, &at, i == 0 ? 3 : 4)];
        for (int k = 0; k < 4; k++)
            px[i * 4 + k] = (uint8_t)interp(e[0][k], e[1][k], (int)w);
    }
}
