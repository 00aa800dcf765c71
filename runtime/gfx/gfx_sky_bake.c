// SPDX-License-Identifier: Apache-2.0
// Setting the renderer's sky, and its light baked ahead (stoa_gfx.h).
//
// The light of a sky (SH9 and the specular cube's levels, gfx_ibl.c) costs
// a few ms of CPU and a staging buffer. A headset's frame thread must do
// neither: a lesson switch's loader bakes the new lesson's sky on its own
// thread, and the frame thread only takes the bake in (a pointer swap, the
// copy into the cube recorded with the next render). Skies are told apart
// by content, a key over the procedural sky's parameters or the image's
// pixels: a new image that happens to sit where a freed one was, with the
// same size, is still a new sky.
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gfx_env.h"

struct stoa_gfx_sky_bake {
    stoa_gfx_device *dev;
    uint64_t key;
    bool image; // from an environment image: no sun, the scene's lights stay
    float sh[9][4];
    gfx_buffer staging;
};

#define HASH_PRIME 0x100000001b3ull

static uint64_t mix(uint64_t h, uint32_t word)
{
    return (h ^ word) * HASH_PRIME;
}

static uint32_t bits(float f)
{
    uint32_t u;
    if (f == 0.0f)
        f = 0.0f; // -0 and 0 are the same sky
    memcpy(&u, &f, sizeof u);
    return u;
}

// FNV-1a over 32-bit words, then a final avalanche (the words of a float
// image differ mostly in their low bits).
uint64_t stoa_gfx_sky_env_hash(const float *rgb, uint32_t width, uint32_t height)
{
    uint64_t h = 0xcbf29ce484222325ull;
    h = mix(mix(h, width), height);
    size_t n = rgb ? (size_t)width * height * 3 : 0;
    for (size_t i = 0; i < n; i++)
        h = mix(h, bits(rgb[i]));
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    return h ? h : 1; // 0 means "not hashed" in stoa_gfx_sky.env_hash
}

uint64_t stoa_gfx_sky_key(const stoa_gfx_sky *sky)
{
    uint64_t h = 0xcbf29ce484222325ull;
    if (sky->env_rgb) { // the picture is all there is: time and place do not matter
        uint64_t e = sky->env_hash
                         ? sky->env_hash
                         : stoa_gfx_sky_env_hash(sky->env_rgb, sky->env_width, sky->env_height);
        h = mix(mix(mix(h, 1u), (uint32_t)e), (uint32_t)(e >> 32));
        return mix(mix(h, sky->env_width), sky->env_height);
    }
    float p[] = {sky->hour, sky->latitude_deg, sky->day_of_year, sky->north_deg, sky->turbidity};
    h = mix(h, 2u);
    for (size_t i = 0; i < sizeof p / sizeof p[0]; i++)
        h = mix(h, bits(p[i]));
    return h;
}

static stoa_result check_sky(const stoa_gfx_sky *sky, stoa_error *err)
{
    if (!isfinite(sky->hour) || sky->hour < 0.0f || sky->hour > 24.0f ||
        !isfinite(sky->latitude_deg) || fabsf(sky->latitude_deg) > 90.0f ||
        !isfinite(sky->day_of_year) || sky->day_of_year < 0.0f || sky->day_of_year > 366.0f ||
        !isfinite(sky->north_deg) || !isfinite(sky->turbidity) || sky->turbidity > 10.0f ||
        (unsigned)sky->shadows > STOA_GFX_SHADOWS_AUTO ||
        (sky->env_rgb &&
         (sky->env_height < 2 || sky->env_width != 2 * sky->env_height || sky->env_width > 16384)))
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT,
                              "gfx: set_sky: hour 0..24, latitude -90..90, day 0..366, "
                              "turbidity 0..10, shadows off/low/high/auto, an environment "
                              "image 2:1 up to 16384 wide");
    return STOA_OK;
}

static stoa_result bake_new(stoa_gfx_device *dev, const stoa_gfx_sky *sky, uint64_t key,
                            stoa_gfx_sky_bake **out, stoa_error *err)
{
    *out = NULL;
    stoa_gfx_sky_bake *b = calloc(1, sizeof *b);
    gfx_sky_model *m = malloc(sizeof *m);
    if (!b || !m) {
        free(b);
        free(m);
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "gfx: out of memory");
    }
    b->dev = dev;
    b->key = key;
    b->image = sky->env_rgb != NULL;
    b->staging.alloc.block = -1;
    gfx_sky_model_make(sky, m);
    stoa_result res = gfx_ibl_bake(dev, m, b->sh, &b->staging, err);
    free(m);
    if (res < 0) {
        stoa_gfx_sky_bake_destroy(&b);
        return res;
    }
    *out = b;
    return STOA_OK;
}

stoa_result stoa_gfx_sky_bake_create(stoa_gfx_renderer *r, const stoa_gfx_sky *sky,
                                     stoa_gfx_sky_bake **out, stoa_error *err)
{
    *out = NULL;
    if (!r || !r->env || !sky)
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT, "gfx: sky bake: no renderer");
    stoa_result res = check_sky(sky, err);
    if (res < 0)
        return res;
    return bake_new(r->dev, sky, stoa_gfx_sky_key(sky), out, err);
}

void stoa_gfx_sky_bake_destroy(stoa_gfx_sky_bake **bake)
{
    if (!bake || !*bake)
        return;
    // Never recorded into a command buffer: no frame can be using it.
    if ((*bake)->staging.buffer)
        gfx_buffer_destroy((*bake)->dev, &(*bake)->staging);
    free(*bake);
    *bake = NULL;
}

uint64_t stoa_gfx_sky_bake_key(const stoa_gfx_sky_bake *bake)
{
    return bake ? bake->key : 0;
}

// The renderer's light from here on (nothing created: the staging buffer
// changes hands).
static void take(gfx_env *e, stoa_gfx_renderer *r, const stoa_gfx_sky *sky,
                 stoa_gfx_sky_bake **bake)
{
    stoa_gfx_sky_bake *b = *bake;
    gfx_sky_model_make(sky, &e->model); // the sun's place and colour: a few sines
    e->model.env = NULL;                // the caller's pixels are not kept
    memcpy(e->sh, b->sh, sizeof e->sh);
    if (e->staging.buffer) // a sky set twice between renders: the first never went up
        gfx_buffer_destroy(r->dev, &e->staging);
    e->staging = b->staging;
    b->staging = (gfx_buffer){.alloc.block = -1};
    e->upload = true;
    e->image = b->image;
    e->key = b->key;
    e->computed = true;
    stoa_gfx_sky_bake_destroy(bake);
}

stoa_result stoa_gfx_renderer_set_sky_bake(stoa_gfx_renderer *r, const stoa_gfx_sky *sky,
                                           stoa_gfx_sky_bake **bake, stoa_error *err)
{
    if (!r || !r->env) {
        stoa_gfx_sky_bake_destroy(bake);
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT, "gfx: set_sky: no renderer");
    }
    gfx_env *e = r->env;
    if (!sky || !sky->enabled) { // the bake stays with the caller for when it is on
        e->on = false;
        return STOA_OK;
    }
    stoa_result res = check_sky(sky, err);
    if (res < 0) {
        stoa_gfx_sky_bake_destroy(bake);
        return res;
    }
    // A sky turned off and on again (a lesson switch, the room shown in AR)
    // keeps its light: recomputed only when its content changed.
    uint64_t key = stoa_gfx_sky_key(sky);
    bool recompute = !e->computed || e->key != key;
    e->sky = *sky;
    e->sky.env_rgb = NULL; // not kept past this call
    if (e->sky.shadows == STOA_GFX_SHADOWS_AUTO)
        e->sky.shadows = r->dev->props.deviceType == VK_PHYSICAL_DEVICE_TYPE_CPU
                             ? STOA_GFX_SHADOWS_OFF
                             : STOA_GFX_SHADOWS_LOW;
    e->on = true;
    stoa_gfx_sky_bake *mine = NULL;
    if (bake && *bake && (!recompute || (*bake)->key != key || (*bake)->dev != r->dev))
        stoa_gfx_sky_bake_destroy(bake); // not needed, or not this sky's
    if (!recompute)
        return STOA_OK;
    if (!bake || !*bake) { // no bake: computed here, on the caller's thread
        bake = &mine;
        res = bake_new(r->dev, sky, key, bake, err);
        if (res < 0) {
            e->on = false;
            e->computed = false;
            return res;
        }
    }
    take(e, r, sky, bake);
    return STOA_OK;
}

stoa_result stoa_gfx_renderer_set_sky(stoa_gfx_renderer *r, const stoa_gfx_sky *sky,
                                      stoa_error *err)
{
    return stoa_gfx_renderer_set_sky_bake(r, sky, NULL, err);
}
