// SPDX-License-Identifier: Apache-2.0
// The scan's textures, as a photogrammetry capture bakes them: albedo with
// the light already in it (dirt, stains, shadowed joints), a normal map of
// the fine relief the mesh does not hold. JPEG through libturbojpeg.
#include <math.h>
#include <stdlib.h>
#include <turbojpeg.h>

#include "hg.h"

static uint8_t to8(float v)
{
    v = v < 0.0f ? 0.0f : v > 1.0f ? 1.0f : v;
    return (uint8_t)(v * 255.0f + 0.5f);
}

static void ground(float x, float y, uint32_t seed, float rgb[3])
{
    float soil = hg_fbm2(x * 24.0f, y * 24.0f, 5, seed);
    float stones = hg_fbm2(x * 90.0f, y * 90.0f, 3, seed + 1);
    float grit = hg_noise2(x * 900.0f, y * 900.0f, seed + 2);
    float dry = 0.5f + 0.5f * hg_fbm2(x * 5.0f, y * 5.0f, 3, seed + 3);
    float base[3] = {0.42f + 0.1f * dry, 0.33f + 0.06f * dry, 0.22f + 0.03f * dry};
    float k = stones > 0.18f ? 1.0f : 0.0f; // pale pebbles in the soil
    for (int c = 0; c < 3; c++) {
        float stone = 0.62f - 0.04f * (float)c + 0.1f * stones;
        rgb[c] = (base[c] + 0.08f * soil) * (1 - k) + stone * k + 0.05f * grit;
    }
}

static void wall(float x, float y, uint32_t seed, float rgb[3])
{
    // Texture u spans a 12 m wall; v one face up, the top, the other face down.
    float s = x * 12.0f, t = y * 8.0f;
    float course = floorf(t / 0.45f);
    float bx = s / 0.9f + (fmodf(course, 2.0f) ? 0.5f : 0.0f);
    float jy = fabsf(t / 0.45f - course - 0.5f) * 2.0f, jx = fabsf(bx - floorf(bx) - 0.5f) * 2.0f;
    float joint = fmaxf(jy, jx) > 0.93f ? 1.0f : 0.0f;
    float tint = 0.08f * hg_noise2(floorf(bx) * 1.7f, course * 2.9f, seed);
    float weather = hg_fbm2(s * 3.0f, t * 3.0f, 5, seed + 1);
    float lichen = fmaxf(0.0f, hg_fbm2(s * 0.8f, t * 0.8f, 4, seed + 2) - 0.2f) * 1.5f;
    float grit = hg_noise2(s * 300.0f, t * 300.0f, seed + 3);
    float stain = fmaxf(0.0f, 1.0f - fabsf(y - 0.5f) * 2.2f); // runs below the top
    for (int c = 0; c < 3; c++) {
        float lime = 0.78f - 0.05f * (float)c + tint + 0.06f * weather + 0.03f * grit;
        lime -= 0.12f * stain * (0.5f + 0.5f * hg_noise2(s * 20.0f, t * 0.5f, seed + 4));
        float green = c == 1 ? 0.42f : c == 0 ? 0.36f : 0.22f;
        lime = lime * (1 - fminf(lichen, 0.7f)) + green * fminf(lichen, 0.7f);
        rgb[c] = joint ? lime * 0.45f : lime;
    }
}

static void stone(float x, float y, uint32_t seed, float rgb[3])
{
    float vein = fabsf(sinf(x * 40.0f + 6.0f * hg_fbm2(x * 6.0f, y * 6.0f, 5, seed)));
    float cloud = hg_fbm2(x * 20.0f, y * 20.0f, 4, seed + 1);
    for (int c = 0; c < 3; c++)
        rgb[c] = 0.8f - 0.03f * (float)c + 0.07f * cloud - 0.25f * powf(1.0f - vein, 8.0f);
}

// The ground's fine relief as a tangent-space normal map (x = +u, y = +v up the image).
static void ground_normal(float x, float y, uint32_t seed, float rgb[3])
{
    const float e = 1.0f / 4096.0f;
    float h0 = hg_fbm2(x * 160.0f, y * 160.0f, 3, seed + 5);
    float hx = hg_fbm2((x + e) * 160.0f, y * 160.0f, 3, seed + 5);
    float hy = hg_fbm2(x * 160.0f, (y + e) * 160.0f, 3, seed + 5);
    float nx = -(hx - h0) * 6.0f, ny = (hy - h0) * 6.0f, nz = 1.0f;
    float n = sqrtf(nx * nx + ny * ny + nz * nz);
    rgb[0] = 0.5f + 0.5f * nx / n;
    rgb[1] = 0.5f + 0.5f * ny / n;
    rgb[2] = 0.5f + 0.5f * nz / n;
}

uint8_t *hg_texture_jpeg(hg_tex_kind kind, uint32_t size, uint32_t seed, size_t *out_len)
{
    uint8_t *rgb = malloc((size_t)size * size * 3);
    if (!rgb)
        abort();
    for (uint32_t j = 0; j < size; j++)
        for (uint32_t i = 0; i < size; i++) {
            float x = ((float)i + 0.5f) / (float)size, y = ((float)j + 0.5f) / (float)size, c[3];
            if (kind == HG_TEX_GROUND)
                ground(x, y, seed, c);
            else if (kind == HG_TEX_GROUND_NORMAL)
                ground_normal(x, y, seed, c);
            else if (kind == HG_TEX_WALL)
                wall(x, y, seed, c);
            else
                stone(x, y, seed, c);
            uint8_t *p = rgb + ((size_t)j * size + i) * 3;
            for (int k = 0; k < 3; k++)
                p[k] = to8(c[k]);
        }
    tjhandle tj = tjInitCompress();
    unsigned char *jpeg = NULL;
    unsigned long len = 0;
    int quality = kind == HG_TEX_GROUND_NORMAL ? 95 : 88;
    if (!tj || tjCompress2(tj, rgb, (int)size, 0, (int)size, TJPF_RGB, &jpeg, &len,
                           kind == HG_TEX_GROUND_NORMAL ? TJSAMP_444 : TJSAMP_420,
                           quality, TJFLAG_ACCURATEDCT) != 0)
        abort();
    tjDestroy(tj);
    free(rgb);
    uint8_t *out = malloc(len);
    if (!out)
        abort();
    for (unsigned long k = 0; k < len; k++)
        out[k] = jpeg[k];
    tjFree(jpeg);
    *out_len = len;
    return out;
}
