// SPDX-License-Identifier: Apache-2.0
// Mip levels made on the CPU: one 2x2 box-filter step. Baked scene textures
// (scene_cache_write.c) and the renderer's own CPU path (gfx_mips.c) both
// use it, so that a chain read from the cache equals one made at upload.
//
// Colour (sRGB) texels are averaged in linear light through two tables: 8-bit
// sRGB -> 16-bit linear, and 16-bit linear -> 8-bit sRGB (64 KiB; within one
// step of the exact float result). Alpha and data textures are averaged as
// stored.
#include <math.h>
#include <pthread.h>
#include <string.h>

#include "scene/stoa_scene_cache.h"

static uint16_t g_to_linear[256];
static uint8_t g_to_srgb[65536];
static pthread_once_t g_tables_once = PTHREAD_ONCE_INIT;

static float srgb_decode(float c)
{
    return c <= 0.04045f ? c / 12.92f : powf((c + 0.055f) / 1.055f, 2.4f);
}

static float srgb_encode(float l)
{
    return l <= 0.0031308f ? l * 12.92f : 1.055f * powf(l, 1.0f / 2.4f) - 0.055f;
}

static void build_tables(void)
{
    for (uint32_t i = 0; i < 256; i++)
        g_to_linear[i] = (uint16_t)lroundf(srgb_decode((float)i / 255.0f) * 65535.0f);
    for (uint32_t i = 0; i < 65536; i++)
        g_to_srgb[i] = (uint8_t)lroundf(srgb_encode((float)i / 65535.0f) * 255.0f);
}

// Data texels, four channels at once: the bytes of a pixel pair are split
// into even and odd channels held in 16-bit lanes, the lanes of a 2x2 box
// summed (at most 4 * 255 + 2, no carry into the next lane), rounded and
// halved twice. Loads go through memcpy: rows need no alignment.
#define LANES 0x00FF00FF00FF00FFull

static inline uint32_t mean4(uint64_t top, uint64_t bottom)
{
    uint64_t even = (top & LANES) + (bottom & LANES);
    uint64_t odd = ((top >> 8) & LANES) + ((bottom >> 8) & LANES);
    uint32_t e = (uint32_t)even + (uint32_t)(even >> 32) + 0x00020002u;
    uint32_t o = (uint32_t)odd + (uint32_t)(odd >> 32) + 0x00020002u;
    return ((e >> 2) & 0x00FF00FFu) | (((o >> 2) & 0x00FF00FFu) << 8);
}

// dx: bytes from a texel to its right neighbour in the box (0 when the source
// is one texel wide).
static void halve_row_data(const uint8_t *r0, const uint8_t *r1, uint32_t dw, uint32_t dx,
                           uint8_t *out)
{
    for (uint32_t x = 0; x < dw; x++) {
        uint32_t a, b, c, d;
        memcpy(&a, r0 + x * 8, 4);
        memcpy(&b, r0 + x * 8 + dx, 4);
        memcpy(&c, r1 + x * 8, 4);
        memcpy(&d, r1 + x * 8 + dx, 4);
        uint32_t m = mean4(a | (uint64_t)b << 32, c | (uint64_t)d << 32);
        memcpy(out + x * 4, &m, 4);
    }
}

static inline void halve_row_srgb(const uint8_t *r0, const uint8_t *r1, uint32_t dw, uint32_t dx,
                                  uint8_t *out)
{
    const uint16_t *lin = g_to_linear;
    for (uint32_t x = 0; x < dw; x++) {
        const uint8_t *a = r0 + x * 8, *b = a + dx, *c = r1 + x * 8, *d = c + dx;
        uint8_t *o = out + x * 4;
        for (uint32_t k = 0; k < 3; k++) {
            uint32_t sum = (uint32_t)lin[a[k]] + lin[b[k]] + lin[c[k]] + lin[d[k]];
            o[k] = g_to_srgb[(sum + 2) >> 2];
        }
        o[3] = (uint8_t)((a[3] + b[3] + c[3] + d[3] + 2) >> 2);
    }
}

void stoa_scene_mip_halve(const uint8_t *src, uint32_t w, uint32_t h, size_t src_pitch, uint8_t *dst,
                          size_t dst_pitch, bool srgb)
{
    if (srgb)
        pthread_once(&g_tables_once, build_tables);
    uint32_t dw = w > 1 ? w / 2 : 1, dh = h > 1 ? h / 2 : 1;
    for (uint32_t y = 0; y < dh; y++) {
        const uint8_t *r0 = src + (size_t)(h > 1 ? 2 * y : 0) * src_pitch;
        const uint8_t *r1 = h > 1 ? r0 + src_pitch : r0;
        uint8_t *out = dst + (size_t)y * dst_pitch;
        if (srgb && w > 1)
            halve_row_srgb(r0, r1, dw, 4, out);
        else if (srgb)
            halve_row_srgb(r0, r1, dw, 0, out);
        else
            halve_row_data(r0, r1, dw, w > 1 ? 4 : 0, out);
    }
}

