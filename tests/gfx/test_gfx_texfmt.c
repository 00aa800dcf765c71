// SPDX-License-Identifier: Apache-2.0
// Block-compressed textures from the baked scene cache, drawn on the device
// (lavapipe samples BC): a scene read from a BC cache file looks like the same
// scene read from an RGBA8 one, within a bounded mean and largest difference;
// its textures are BC images, smaller on the GPU. Built twice: with
// TEXFMT_NO_BC (run with STOA_GFX_TEXTURE_COMPRESSION=off) the device offers
// no BC, "auto" bakes RGBA8, and a BC file is decoded on the CPU, drawn alike.
// With TEXFMT_SAMPLES: DamagedHelmet from ../shared (skipped without it).
// Pictures: test-output/gfx/texfmt-<name>-{rgba8,bc}.png (and -diff.png).
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gfx/gfx_internal.h"
#include "gfx_test_util.h"
#include "scene/stoa_scene_cache.h"
#include "scene/stoa_scene_texfmt.h"
#include "scene/scene_test_util.h"
#include "stoa_test.h"

static char g_dir[256];

// Loaded twice through the cache for `target`: the second load maps the file.
static stoa_scene *cached(const char *rel, bool sample, stoa_texture_target target)
{
    stoa_scene_load_desc d = {.use_cache = true, .cache_dir = g_dir, .texture_target = target};
    stoa_scene *s = sample ? gt_load_sample_desc(rel, &d) : gt_load_desc(rel, &d);
    stoa_scene_cache_wait(s);
    stoa_scene_destroy(&s);
    s = sample ? gt_load_sample_desc(rel, &d) : gt_load_desc(rel, &d);
    CHECK_MSG(stoa_scene_cache_outcome_of(s) == STOA_SCENE_CACHE_HIT, "%s: a cache hit", rel);
    return s;
}

static uint64_t texture_bytes(const stoa_scene *s)
{
    stoa_gfx_scene *gs = NULL;
    stoa_error err = {0};
    uint64_t n = 0;
    if (stoa_gfx_scene_create(gt_renderer(), s, &gs, &err) >= 0)
        for (uint32_t i = 0; i < gs->texture_count; i++)
            n += gs->textures[i].image.alloc.size;
    stoa_gfx_scene_destroy(&gs);
    return n;
}

static void compare(const char *rel, bool sample, const char *name, float azimuth, double max_mean,
                    int max_px, double max_off)
{
    stoa_scene *plain = cached(rel, sample, STOA_TEXTURE_TARGET_RGBA8);
    stoa_scene *bc = cached(rel, sample, STOA_TEXTURE_TARGET_BC);
    uint32_t blocks = 0;
    for (uint32_t i = 0; bc && i < bc->texture_count; i++)
        blocks += bc->textures[i].gpu_format == STOA_TEXFMT_BC7;
    CHECK_MSG(bc && blocks > 0, "%s: BC7 textures in the BC file", rel);
    gt_render_desc rd = {.w = 384, .h = 384, .azimuth = azimuth, .elevation = 0.3f};
    gt_image a = {0}, b = {0};
    CHECK(plain && bc && gt_render(plain, &rd, &a) && gt_render(bc, &rd, &b));
    char png[128];
    snprintf(png, sizeof png, "texfmt-%s-rgba8", name);
    gt_save(&a, png);
    snprintf(png, sizeof png, "texfmt-%s-bc", name);
    gt_save(&b, png);
    double sum = 0;
    for (size_t i = 0; a.rgba && b.rgba && i < (size_t)a.w * a.h * 4; i++)
        sum += abs((int)a.rgba[i] - (int)b.rgba[i]);
    double mean = a.rgba ? sum / ((double)a.w * a.h * 4) : 1e9;
    snprintf(png, sizeof png, "texfmt-%s", name);
    int worst = a.rgba && b.rgba ? gt_max_diff(&a, &b, max_px, png) : 999;
    uint64_t mem_a = plain ? texture_bytes(plain) : 0, mem_b = bc ? texture_bytes(bc) : 0;
    printf("     %s: %u BC7 textures; mean difference %.3f, largest %d; GPU texture memory "
           "%.2f MiB (RGBA8 file) -> %.2f MiB (BC file)\n",
           name, blocks, mean, worst, (double)mem_a / 1048576.0, (double)mem_b / 1048576.0);
    CHECK_MSG(mean <= max_mean, "%s: mean difference %.3f > %.3f", name, mean, max_mean);
    CHECK_MSG(worst <= max_px, "%s: largest difference %d > %d", name, worst, max_px);
    double off = a.rgba && b.rgba ? gt_diff_fraction(&a, &b, 16) : 1.0;
    CHECK_MSG(off <= max_off, "%s: %.2f%% of pixels differ by more than 16", name, off * 100);
#ifndef TEXFMT_NO_BC
    CHECK_MSG(mem_b * 3 < mem_a, "%s: BC7 on the GPU is a quarter of RGBA8", name);
#else
    CHECK_MSG(mem_b == mem_a, "%s: decoded to RGBA8 images", name);
#endif
    gt_free(&a);
    gt_free(&b);
    stoa_scene_destroy(&plain);
    stoa_scene_destroy(&bc);
}

#if defined(TEXFMT_SAMPLES)
// Level 0 of each BC7 texture decoded against the imported pixels.
static void psnr_per_texture(const char *rel)
{
    stoa_scene *fresh = gt_load_sample(rel), *bc = cached(rel, true, STOA_TEXTURE_TARGET_BC);
    for (uint32_t i = 0; fresh && bc && i < bc->texture_count; i++) {
        const stoa_texture *t = &bc->textures[i];
        uint8_t *out = malloc((size_t)t->width * t->height * 4);
        // Checked first, as the renderer does: a hit maps the texels then.
        if (!out || !stoa_scene_texture_check(bc, i) || !t->blocks ||
            !stoa_texfmt_decode_level(t->gpu_format, t->blocks, t->width, t->height, false, out)) {
            CHECK_MSG(false, "texture %u decoded", i);
            free(out);
            continue;
        }
        double se = 0;
        size_t n = (size_t)t->width * t->height * 4;
        for (size_t k = 0; k < n; k++)
            se += ((double)out[k] - fresh->textures[i].rgba[k]) *
                  ((double)out[k] - fresh->textures[i].rgba[k]);
        double p = se ? 10.0 * log10(255.0 * 255.0 * (double)n / se) : 99.0;
        printf("     texture %u (%s, %ux%u) as %s: PSNR %.1f dB\n", i, t->name, t->width, t->height,
               stoa_texfmt_name(t->gpu_format), p);
        CHECK_MSG(p >= 38.0, "texture %u: %.1f dB", i, p);
        free(out);
    }
    stoa_scene_destroy(&fresh);
    stoa_scene_destroy(&bc);
}

STOA_TEST(damaged_helmet_bc_looks_like_rgba8)
{
    tu_mkdtemp(g_dir, sizeof g_dir, "texfmt-render");
    compare("DamagedHelmet/glTF-Binary/DamagedHelmet.glb", true, "helmet", 0.6f, 1.0, 160, 0.01);
    psnr_per_texture("DamagedHelmet/glTF-Binary/DamagedHelmet.glb");
    tu_rmdir(g_dir);
    CHECK(gt_shutdown() == 0);
}
#else
STOA_TEST(generated_scenes_bc_look_like_rgba8)
{
    tu_mkdtemp(g_dir, sizeof g_dir, "texfmt-render");
    CHECK(gt_renderer() != NULL);
#ifdef TEXFMT_NO_BC
    // The device offers no BC: "auto" bakes RGBA8 and a BC file still draws
    // (decoded on the CPU, with a warning).
    CHECK(stoa_texture_target_resolve(STOA_TEXTURE_TARGET_AUTO) == STOA_TEXTURE_TARGET_RGBA8);
#else // run with STOA_GFX_TEXTURE_COMPRESSION=on: lavapipe, a CPU device, bakes BC too
    CHECK(stoa_texture_target_resolve(STOA_TEXTURE_TARGET_AUTO) == STOA_TEXTURE_TARGET_BC);
#endif
    compare("jpeg/jpeg.gltf", false, "photo", 0.3f, 0.5, 8, 0.01);
    compare("textured/textured.glb", false, "quadrants", 0.6f, 0.5, 8, 0.01);
#ifdef TEXFMT_NO_BC // 512² noise, BC's worst case; decoded, then mips made of the decoded noise
    compare("large/large.glb", false, "layers", 0.3f, 2.0, 48, 0.03);
#else
    compare("large/large.glb", false, "layers", 0.3f, 1.0, 24, 0.01);
#endif
    tu_rmdir(g_dir);
    CHECK(gt_shutdown() == 0);
}
#endif

STOA_TEST_MAIN()
