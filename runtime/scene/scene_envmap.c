// SPDX-License-Identifier: Apache-2.0
// A scene's environment image (stoa_scene.h, docs/environment.md): an
// equirectangular picture of the surroundings, decoded, checked and
// resampled to the size the renderer's light baking reads (512 x 256
// linear RGB). PNG/JPEG/WebP through the scene's own decoders (sRGB),
// Radiance .hdr through stb_image (linear).
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/stoa_file.h"
#include "scene_internal.h"

#define STB_IMAGE_STATIC
#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_HDR
#define STBI_NO_STDIO
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wimplicit-fallthrough"
#include <stb_image.h>
#pragma GCC diagnostic pop

#define ENV_MAX_FILE ((size_t)256 << 20)
#define ENV_MIN_HEIGHT 8

static float srgb_to_linear(uint8_t v)
{
    float c = (float)v / 255.0f;
    return c <= 0.04045f ? c / 12.92f : powf((c + 0.055f) / 1.055f, 2.4f);
}

// src (w x h, rgb floats) into dst (STOA_SCENE_ENV_WIDTH x _HEIGHT): the
// mean of the source texels under each target texel when shrinking,
// bilinear (wrapping round the horizon) when growing.
static void resample(const float *src, uint32_t w, uint32_t h, float *dst)
{
    const uint32_t W = STOA_SCENE_ENV_WIDTH, H = STOA_SCENE_ENV_HEIGHT;
    for (uint32_t y = 0; y < H; y++)
        for (uint32_t x = 0; x < W; x++) {
            float *o = dst + 3 * ((size_t)y * W + x);
            if (w >= W) {
                uint32_t x0 = (uint32_t)((uint64_t)x * w / W), x1 = (uint32_t)((uint64_t)(x + 1) * w / W);
                uint32_t y0 = (uint32_t)((uint64_t)y * h / H), y1 = (uint32_t)((uint64_t)(y + 1) * h / H);
                x1 = x1 > x0 ? x1 : x0 + 1;
                y1 = y1 > y0 ? y1 : y0 + 1;
                double sum[3] = {0, 0, 0};
                for (uint32_t sy = y0; sy < y1; sy++)
                    for (uint32_t sx = x0; sx < x1; sx++)
                        for (int c = 0; c < 3; c++)
                            sum[c] += src[3 * ((size_t)sy * w + sx) + c];
                double n = (double)(x1 - x0) * (y1 - y0);
                for (int c = 0; c < 3; c++)
                    o[c] = (float)(sum[c] / n);
                continue;
            }
            float fx = ((float)x + 0.5f) * (float)w / W - 0.5f;
            float fy = ((float)y + 0.5f) * (float)h / H - 0.5f;
            fy = fy < 0 ? 0 : fy > (float)(h - 1) ? (float)(h - 1) : fy;
            int ix = (int)floorf(fx), iy = (int)floorf(fy);
            float tx = fx - (float)ix, ty = fy - (float)iy;
            uint32_t xa = (uint32_t)((ix + (int)w) % (int)w), xb = (xa + 1) % w;
            uint32_t ya = (uint32_t)iy, yb = ya + 1 < h ? ya + 1 : ya;
            for (int c = 0; c < 3; c++) {
                float a = src[3 * ((size_t)ya * w + xa) + c], b = src[3 * ((size_t)ya * w + xb) + c];
                float d = src[3 * ((size_t)yb * w + xa) + c], e = src[3 * ((size_t)yb * w + xb) + c];
                o[c] = (a + (b - a) * tx) * (1 - ty) + (d + (e - d) * tx) * ty;
            }
        }
}

// The file's pixels as linear RGB floats (malloc), or NULL with why.
static float *decode(const uint8_t *bytes, size_t size, uint32_t *w, uint32_t *h, char *why,
                     size_t why_size)
{
    if (stbi_is_hdr_from_memory(bytes, (int)size)) {
        int iw = 0, ih = 0, comp = 0;
        if (!stbi_info_from_memory(bytes, (int)size, &iw, &ih, &comp)) {
            snprintf(why, why_size, "not a readable Radiance .hdr (%s)", stbi_failure_reason());
            return NULL;
        }
        if (iw > STOA_SCENE_ENV_MAX_WIDTH || ih > STOA_SCENE_ENV_MAX_WIDTH / 2) {
            snprintf(why, why_size, "%dx%d is larger than %ux%u", iw, ih,
                     STOA_SCENE_ENV_MAX_WIDTH, STOA_SCENE_ENV_MAX_WIDTH / 2);
            return NULL;
        }
        float *f = stbi_loadf_from_memory(bytes, (int)size, &iw, &ih, &comp, 3);
        if (!f)
            snprintf(why, why_size, "broken Radiance .hdr (%s)", stbi_failure_reason());
        *w = (uint32_t)iw;
        *h = (uint32_t)ih;
        // stb's memory is plain malloc (no STBI_MALLOC override here).
        return f;
    }
    uint8_t *rgba = NULL;
    bool ok;
    if (scene_is_jpeg(bytes, size))
        ok = scene_jpeg_decode(bytes, size, STOA_SCENE_ENV_MAX_WIDTH, &rgba, w, h, why, why_size);
    else if (scene_is_webp(bytes, size))
        ok = scene_webp_decode(bytes, size, STOA_SCENE_ENV_MAX_WIDTH, &rgba, w, h, why, why_size);
    else if (size >= 8 && memcmp(bytes, "\x89PNG", 4) == 0)
        ok = scene_png_decode(bytes, size, STOA_SCENE_ENV_MAX_WIDTH, &rgba, w, h, why, why_size);
    else {
        snprintf(why, why_size, "not a PNG, JPEG, WebP or Radiance .hdr image");
        return NULL;
    }
    if (!ok)
        return NULL;
    if (*h > STOA_SCENE_ENV_MAX_WIDTH / 2) { // before the float copy, three times the size
        snprintf(why, why_size, "%ux%u is larger than %ux%u", *w, *h, STOA_SCENE_ENV_MAX_WIDTH,
                 STOA_SCENE_ENV_MAX_WIDTH / 2);
        free(rgba);
        return NULL;
    }
    size_t n = (size_t)*w * *h;
    float *f = malloc(n * 3 * sizeof *f);
    if (!f)
        snprintf(why, why_size, "out of memory");
    for (size_t i = 0; f && i < n; i++)
        for (int c = 0; c < 3; c++)
            f[3 * i + c] = srgb_to_linear(rgba[4 * i + c]);
    free(rgba);
    return f;
}

stoa_result stoa_scene_env_image_load(const char *path, float intensity,
                                      stoa_scene_env_image *out, stoa_error *err)
{
    memset(out, 0, sizeof *out);
    if (!(intensity > 0.0f && intensity <= 100.0f))
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT,
                              "%s: intensity %g (wants above 0, at most 100)", path,
                              (double)intensity);
    uint8_t *bytes = NULL;
    size_t size = 0;
    stoa_result r = stoa_file_read(path, ENV_MAX_FILE, &bytes, &size, err);
    if (r < 0)
        return r;
    char why[200] = "";
    uint32_t w = 0, h = 0;
    float *src = size > 0 && size < (size_t)1 << 30 ? decode(bytes, size, &w, &h, why, sizeof why)
                                                     : NULL;
    free(bytes);
    if (!src)
        return stoa_error_set(err, STOA_ERROR_PARSE, "%s: %s", path,
                              why[0] ? why : "empty or unreadable image");
    if (w != 2 * h || h < ENV_MIN_HEIGHT || w > STOA_SCENE_ENV_MAX_WIDTH) {
        free(src);
        return stoa_error_set(err, STOA_ERROR_LIMIT,
                              "%s: %ux%u: an environment image is equirectangular, twice as wide "
                              "as high, from %ux%u to %ux%u",
                              path, w, h, 2 * ENV_MIN_HEIGHT, ENV_MIN_HEIGHT,
                              STOA_SCENE_ENV_MAX_WIDTH, STOA_SCENE_ENV_MAX_WIDTH / 2);
    }
    out->rgb = malloc((size_t)STOA_SCENE_ENV_WIDTH * STOA_SCENE_ENV_HEIGHT * 3 * sizeof(float));
    if (!out->rgb) {
        free(src);
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "out of memory");
    }
    // Non-finite or negative texels (a broken .hdr) would poison every
    // sum the renderer makes of them: clamp them to 0 .. 65504 (half max).
    for (size_t i = 0; i < (size_t)w * h * 3; i++)
        src[i] = isfinite(src[i]) ? fminf(fmaxf(src[i], 0.0f), 65504.0f) : 0.0f;
    resample(src, w, h, out->rgb);
    free(src);
    for (size_t i = 0; i < (size_t)STOA_SCENE_ENV_WIDTH * STOA_SCENE_ENV_HEIGHT * 3; i++)
        out->rgb[i] = fminf(out->rgb[i] * intensity, 65504.0f);
    out->width = STOA_SCENE_ENV_WIDTH;
    out->height = STOA_SCENE_ENV_HEIGHT;
    return STOA_OK;
}
