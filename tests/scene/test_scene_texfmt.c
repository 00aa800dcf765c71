// SPDX-License-Identifier: Apache-2.0
// GPU texture formats of the baked scene cache (stoa_scene_texfmt.h):
// BC7 (Stoa's encoder) and ASTC (libastcenc) chains decode to within a
// PSNR bound of the RGBA8 chain, also for sizes that are not whole blocks;
// a cache file baked for BC or ASTC holds every texture in the format of its
// role and decodes back within the bound (the ASTC round trip: lavapipe
// cannot sample ASTC, so this is the only ASTC check here); a damaged block
// is caught by the checksums and the file rebuilt; the target picks its own
// file and "auto" follows the device.
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scene/stoa_scene_cache.h"
#include "scene/stoa_scene_texfmt.h"
#include "scene_test_util.h"

// PSNR of RGB (alpha too when `alpha`) over w x h texels.
static double psnr(const uint8_t *a, const uint8_t *b, uint32_t w, uint32_t h, bool alpha)
{
    double se = 0;
    size_t n = 0;
    for (size_t i = 0; i < (size_t)w * h; i++)
        for (int k = 0; k < (alpha ? 4 : 3); k++, n++) {
            double d = (double)a[i * 4 + k] - b[i * 4 + k];
            se += d * d;
        }
    return se == 0 ? 99.0 : 10.0 * log10(255.0 * 255.0 * (double)n / se);
}

// A photograph-like image: smooth light, two hues, fine noise, an edge.
static uint8_t *photo(uint32_t w, uint32_t h)
{
    uint8_t *p = malloc((size_t)w * h * 4);
    uint32_t seed = 18;
    for (uint32_t y = 0; y < h; y++)
        for (uint32_t x = 0; x < w; x++) {
            seed = seed * 1664525u + 1013904223u;
            int n = (int)(seed >> 28) - 8;
            float u = (float)x / (float)w, v = (float)y / (float)h;
            float light = 0.5f + 0.5f * sinf(u * 6.0f) * cosf(v * 4.0f);
            bool stone = u + 0.3f * v > 0.6f;
            uint8_t *o = p + ((size_t)y * w + x) * 4;
            int c[3] = {stone ? 190 : 90, stone ? 170 : 120, stone ? 140 : 60};
            for (int k = 0; k < 3; k++) {
                int val = (int)((float)c[k] * (0.4f + 0.6f * light)) + n;
                o[k] = (uint8_t)(val < 0 ? 0 : val > 255 ? 255 : val);
            }
            o[3] = 255;
        }
    return p;
}

// A normal map of round bumps (tangent space, Z up).
static uint8_t *bumps(uint32_t w, uint32_t h)
{
    uint8_t *p = malloc((size_t)w * h * 4);
    for (uint32_t y = 0; y < h; y++)
        for (uint32_t x = 0; x < w; x++) {
            float nx = 0.5f * sinf((float)x * 0.11f), ny = 0.5f * sinf((float)y * 0.09f);
            float nz = sqrtf(fmaxf(0.0f, 1.0f - nx * nx - ny * ny));
            uint8_t *o = p + ((size_t)y * w + x) * 4;
            o[0] = (uint8_t)lroundf((nx * 0.5f + 0.5f) * 255.0f);
            o[1] = (uint8_t)lroundf((ny * 0.5f + 0.5f) * 255.0f);
            o[2] = (uint8_t)lroundf((nz * 0.5f + 0.5f) * 255.0f);
            o[3] = 255;
        }
    return p;
}

// Encodes the chain, then decodes every level and compares it with the
// RGBA8 chain (made with the same box filter); returns level 0's PSNR.
static double chain_psnr(stoa_texfmt f, const uint8_t *img, uint32_t w, uint32_t h, bool srgb,
                         double min_level_psnr)
{
    size_t size = 0;
    uint8_t *blocks = stoa_texfmt_encode_chain(f, img, w, h, srgb, 2, &size);
    CHECK_MSG(blocks && size == stoa_texfmt_chain_bytes(f, w, h), "%s %ux%u encoded",
              stoa_texfmt_name(f), w, h);
    size_t ref_size = 0;
    uint8_t *ref = stoa_texfmt_encode_chain(STOA_TEXFMT_RGBA8, img, w, h, srgb, 1, &ref_size);
    double first = 0;
    const uint8_t *b = blocks, *r = ref;
    uint8_t *out = malloc((size_t)w * h * 4);
    for (uint32_t lw = w, lh = h, level = 0; blocks && ref; level++) {
        CHECK(stoa_texfmt_decode_level(f, b, lw, lh, srgb, out));
        double p = psnr(out, r, lw, lh, true);
        if (level == 0)
            first = p;
        CHECK_MSG(p >= min_level_psnr, "%s %ux%u level %u: PSNR %.1f dB < %.1f",
                  stoa_texfmt_name(f), w, h, level, p, min_level_psnr);
        b += stoa_texfmt_level_bytes(f, lw, lh);
        r += (size_t)lw * lh * 4;
        if (lw == 1 && lh == 1)
            break;
        lw = lw > 1 ? lw / 2 : 1;
        lh = lh > 1 ? lh / 2 : 1;
    }
    free(out);
    free(ref);
    free(blocks);
    return first;
}

STOA_TEST(formats_decode_within_bounds)
{
    // 67 x 45: neither whole 4x4 nor 6x6 blocks, down to 1x1.
    uint8_t *ph = photo(67, 45), *nm = bumps(64, 40), *big = photo(256, 256);
    struct {
        stoa_texfmt f;
        const uint8_t *img;
        uint32_t w, h;
        bool srgb;
        double level0, levels; // dB
    } cases[] = {
        {STOA_TEXFMT_BC7, ph, 67, 45, true, 38, 30},
        {STOA_TEXFMT_BC7, big, 256, 256, true, 38, 30},
        // Mode 6 has one axis a block: a normal map whose X and Y vary
        // independently costs it more than ASTC (docs/scene-cache.md).
        {STOA_TEXFMT_BC7, nm, 64, 40, false, 36, 28},
        {STOA_TEXFMT_ASTC_4x4, ph, 67, 45, true, 38, 30},
        {STOA_TEXFMT_ASTC_4x4, nm, 64, 40, false, 38, 28},
        {STOA_TEXFMT_ASTC_6x6, ph, 67, 45, true, 30, 24},
        {STOA_TEXFMT_ASTC_6x6, big, 256, 256, true, 30, 24},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double p = chain_psnr(cases[i].f, cases[i].img, cases[i].w, cases[i].h, cases[i].srgb,
                              cases[i].levels);
        printf("     %-8s %3ux%-3u %s: level 0 PSNR %.1f dB\n", stoa_texfmt_name(cases[i].f),
               cases[i].w, cases[i].h, cases[i].srgb ? "colour" : "data  ", p);
        CHECK_MSG(p >= cases[i].level0, "%s: %.1f dB < %.1f", stoa_texfmt_name(cases[i].f), p,
                  cases[i].level0);
    }
    // One flat colour is kept to within one step by BC7.
    uint8_t flat[64], block[16], back[64];
    for (int i = 0; i < 16; i++)
        memcpy(flat + i * 4, (uint8_t[4]){37, 200, 111, 255}, 4);
    stoa_bc7_encode_block(flat, block);
    stoa_bc7_decode_block(block, back);
    for (int i = 0; i < 64; i++)
        CHECK_MSG(abs(flat[i] - back[i]) <= 1, "flat texel byte %d: %u -> %u", i, flat[i], back[i]);
    CHECK(stoa_texfmt_chain_bytes(STOA_TEXFMT_BC7, 5, 3) == (size_t)(2 * 16 + 16 + 16));
    CHECK(stoa_texfmt_level_bytes(STOA_TEXFMT_ASTC_6x6, 13, 6) == (size_t)(3 * 16));
    free(ph);
    free(nm);
    free(big);
}

STOA_TEST(target_follows_device_and_environment)
{
    unsetenv("STOA_TEXTURE_FORMAT");
    stoa_texture_target_set_device(false, false); // a device without BC: RGBA8
    CHECK(stoa_texture_target_resolve(STOA_TEXTURE_TARGET_AUTO) == STOA_TEXTURE_TARGET_RGBA8);
    stoa_texture_target_set_device(true, false);
    CHECK(stoa_texture_target_resolve(STOA_TEXTURE_TARGET_AUTO) == STOA_TEXTURE_TARGET_BC);
    stoa_texture_target_set_device(true, true);
    CHECK(stoa_texture_target_resolve(STOA_TEXTURE_TARGET_AUTO) == STOA_TEXTURE_TARGET_ASTC);
    setenv("STOA_TEXTURE_FORMAT", "rgba8", 1);
    CHECK(stoa_texture_target_resolve(STOA_TEXTURE_TARGET_AUTO) == STOA_TEXTURE_TARGET_RGBA8);
    CHECK(stoa_texture_target_resolve(STOA_TEXTURE_TARGET_BC) == STOA_TEXTURE_TARGET_BC);
    unsetenv("STOA_TEXTURE_FORMAT");
    stoa_texture_target_set_device(false, false);
    stoa_texture_target t;
    CHECK(stoa_texture_target_parse("astc", &t) && t == STOA_TEXTURE_TARGET_ASTC);
    CHECK(!stoa_texture_target_parse("etc2", &t));
    CHECK(stoa_texfmt_for(STOA_TEXTURE_TARGET_ASTC, STOA_TEXTURE_ROLE_NORMAL) ==
          STOA_TEXFMT_ASTC_4x4);
    CHECK(stoa_texfmt_for(STOA_TEXTURE_TARGET_ASTC, STOA_TEXTURE_ROLE_COLOUR) ==
          STOA_TEXFMT_ASTC_6x6);
    CHECK(stoa_texfmt_for(STOA_TEXTURE_TARGET_BC, STOA_TEXTURE_ROLE_DATA) == STOA_TEXFMT_BC7);
}

static stoa_scene *load(const char *path, const char *dir, uint32_t target,
                        stoa_scene_cache_outcome want)
{
    stoa_scene *s = NULL;
    stoa_error err = {0};
    stoa_scene_load_desc d = {.use_cache = dir != NULL, .cache_dir = dir, .texture_target = target};
    CHECK_MSG(stoa_scene_load(path, &d, &s, &err) == STOA_OK, "%s", err.message);
    if (s)
        stoa_scene_cache_wait(s);
    CHECK_MSG(stoa_scene_cache_outcome_of(s) == want, "%s (%s): outcome %d, expected %d", path,
              stoa_texture_target_name(target), (int)stoa_scene_cache_outcome_of(s), (int)want);
    return s;
}

static stoa_texture_role role_of(const stoa_scene *s, uint32_t i)
{
    for (uint32_t k = 0; k < s->material_count; k++)
        if (s->materials[k].base_color_tex.texture == (int32_t)i ||
            s->materials[k].emissive_tex.texture == (int32_t)i)
            return STOA_TEXTURE_ROLE_COLOUR;
    for (uint32_t k = 0; k < s->material_count; k++)
        if (s->materials[k].normal_tex.texture == (int32_t)i)
            return STOA_TEXTURE_ROLE_NORMAL;
    return STOA_TEXTURE_ROLE_DATA;
}

// Baked for `target`, read back: every image in its role's format, level 0
// within `min_psnr` of the imported pixels.
static void round_trip(const char *model, const char *dir, stoa_texture_target target,
                       double min_psnr)
{
    char path[1024];
    stoa_test_model(path, sizeof path, model);
    stoa_scene *fresh = load(path, NULL, 0, STOA_SCENE_CACHE_UNUSED);
    stoa_scene *miss = load(path, dir, target, STOA_SCENE_CACHE_MISS);
    stoa_scene *hit = load(path, dir, target, STOA_SCENE_CACHE_HIT);
    CHECK(fresh && hit && hit->texture_count == fresh->texture_count);
    for (uint32_t i = 0; fresh && hit && i < hit->texture_count; i++) {
        const stoa_texture *t = &hit->textures[i], *f = &fresh->textures[i];
        stoa_texfmt want =
            f->placeholder ? STOA_TEXFMT_RGBA8 : stoa_texfmt_for(target, role_of(hit, i));
        CHECK_MSG(t->gpu_format == want, "%s texture %u: %s, expected %s", model, i,
                  stoa_texfmt_name(t->gpu_format), stoa_texfmt_name(want));
        CHECK(t->width == f->width && t->height == f->height);
        CHECK(stoa_scene_texture_check(hit, i));
        if (want == STOA_TEXFMT_RGBA8)
            continue;
        CHECK(!t->rgba && !t->mips && t->blocks &&
              t->blocks_size == stoa_texfmt_chain_bytes(want, t->width, t->height));
        uint8_t *out = malloc((size_t)t->width * t->height * 4);
        CHECK(stoa_texfmt_decode_level(want, t->blocks, t->width, t->height,
                                       role_of(hit, i) == STOA_TEXTURE_ROLE_COLOUR, out));
        double p = psnr(out, f->rgba, t->width, t->height, true);
        printf("     %s texture %u (%ux%u) as %s: PSNR %.1f dB\n", model, i, t->width, t->height,
               stoa_texfmt_name(want), p);
        CHECK_MSG(p >= min_psnr, "%s texture %u: %.1f dB < %.1f", model, i, p, min_psnr);
        free(out);
    }
    stoa_scene_destroy(&fresh);
    stoa_scene_destroy(&miss);
    stoa_scene_destroy(&hit);
}

static int count_files(const char *dir)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "ls '%s'/*.stoabake 2>/dev/null | wc -l", dir);
    FILE *p = popen(cmd, "r");
    int n = -1;
    if (p && fscanf(p, "%d", &n) != 1)
        n = -1;
    if (p)
        pclose(p);
    return n;
}

STOA_TEST(cache_files_per_target_round_trip)
{
    char dir[256];
    tu_mkdtemp(dir, sizeof dir, "texfmt");
    // A photograph (32x32 JPEG), flat quadrants, a normal map.
    round_trip("jpeg/jpeg.gltf", dir, STOA_TEXTURE_TARGET_BC, 36);
    round_trip("jpeg/jpeg.gltf", dir, STOA_TEXTURE_TARGET_ASTC, 30);
    round_trip("textured/textured.glb", dir, STOA_TEXTURE_TARGET_BC, 40);
    round_trip("normals/normals.gltf", dir, STOA_TEXTURE_TARGET_ASTC, 36);
    round_trip("normals/normals.gltf", dir, STOA_TEXTURE_TARGET_BC, 36);
    round_trip("jpeg/jpeg.gltf", dir, STOA_TEXTURE_TARGET_RGBA8, 99);
    CHECK(count_files(dir) == 6); // one file per scene and target
    tu_rmdir(dir);
}

// Finds `needle` (n bytes) in the file's bytes: its offset, or -1.
static long find_in(const char *hay, size_t size, const uint8_t *needle, size_t n)
{
    for (size_t i = 0; i + n <= size; i++)
        if (memcmp(hay + i, needle, n) == 0)
            return (long)i;
    return -1;
}

STOA_TEST(damaged_blocks_are_caught_and_rebuilt)
{
    char dir[256], path[1024], file[600];
    tu_mkdtemp(dir, sizeof dir, "texfmt-damage");
    stoa_test_model(path, sizeof path, "large/large.glb");
    stoa_scene *s = load(path, dir, STOA_TEXTURE_TARGET_BC, STOA_SCENE_CACHE_MISS);
    stoa_scene_destroy(&s);
    s = load(path, dir, STOA_TEXTURE_TARGET_BC, STOA_SCENE_CACHE_HIT);
    snprintf(file, sizeof file, "%s", dir);
    char cmd[700];
    snprintf(cmd, sizeof cmd, "ls '%s'/*.stoabake", dir);
    FILE *p = popen(cmd, "r");
    CHECK(p && fgets(file, sizeof file, p));
    if (p)
        pclose(p);
    file[strcspn(file, "\n")] = 0;
    size_t size = 0;
    char *bytes = tu_read(file, &size);
    // The last texture's blocks, somewhere in the file: one byte flipped.
    // (Checked first: a hit maps the texels on their first use.)
    const stoa_texture *t = s && stoa_scene_texture_check(s, s->texture_count - 1)
                                ? &s->textures[s->texture_count - 1]
                                : NULL;
    long at = t && t->blocks && bytes ? find_in(bytes, size, t->blocks, 64) : -1;
    CHECK_MSG(at > 0, "the texture's blocks are in the file");
    stoa_scene_destroy(&s);
    if (at > 0) {
        bytes[at + 20] ^= 0x5A;
        CHECK(tu_write(file, bytes, size) == 0);
    }
    free(bytes);
    // Texels are checked on first use: the load maps it, the check refuses it.
    s = load(path, dir, STOA_TEXTURE_TARGET_BC, STOA_SCENE_CACHE_HIT);
    bool all = true;
    for (uint32_t i = 0; s && i < s->texture_count; i++)
        all = stoa_scene_texture_check(s, i) && all;
    CHECK_MSG(!all, "a damaged block is caught");
    stoa_scene_destroy(&s);
    CHECK(count_files(dir) == 0); // removed
    s = load(path, dir, STOA_TEXTURE_TARGET_BC, STOA_SCENE_CACHE_MISS);
    stoa_scene_destroy(&s);
    s = load(path, dir, STOA_TEXTURE_TARGET_BC, STOA_SCENE_CACHE_HIT);
    for (uint32_t i = 0; s && i < s->texture_count; i++)
        CHECK(stoa_scene_texture_check(s, i) && s->textures[i].gpu_format == STOA_TEXFMT_BC7);
    stoa_scene_destroy(&s);
    tu_rmdir(dir);
}

// The hub bakes with no device, so for RGBA8: a BC device takes that file
// from beside the scene (every device draws RGBA8) rather than importing.
STOA_TEST(rgba8_file_beside_the_scene_serves_a_bc_load)
{
    char dir[256], src[1024], scene[600], hub[600], mine[600], side[700], cmd[2000];
    tu_mkdtemp(dir, sizeof dir, "texfmt-side");
    stoa_test_model(src, sizeof src, "textured/textured.glb");
    snprintf(scene, sizeof scene, "%s/t.glb", dir);
    snprintf(hub, sizeof hub, "%s/hub", dir);
    snprintf(mine, sizeof mine, "%s/mine", dir);
    CHECK(tu_copy(src, scene) == 0);
    char file[4200];
    stoa_error err = {0};
    CHECK(stoa_scene_bake_for(scene, hub, STOA_TEXTURE_TARGET_RGBA8, file, sizeof file, NULL,
                              &err) == STOA_OK);
    snprintf(side, sizeof side, "%s.stoabake", scene);
    CHECK(tu_copy(file, side) == 0);
    stoa_scene *s = load(scene, mine, STOA_TEXTURE_TARGET_BC, STOA_SCENE_CACHE_HIT);
    CHECK(s && s->texture_count == 1 && s->textures[0].gpu_format == STOA_TEXFMT_RGBA8 &&
          s->textures[0].rgba);
    stoa_scene_destroy(&s);
    const char *name = strrchr(file, '/');
    snprintf(cmd, sizeof cmd, "%s%s", mine, name ? name : "/?");
    size_t n = 0;
    char *taken = tu_read(cmd, &n);
    CHECK_MSG(taken != NULL, "the hub's file is in the cache under its own key");
    free(taken);
    tu_rmdir(dir);
}

static bool stop_now(void *user)
{
    (*(int *)user)++;
    return true;
}

// A scene destroyed while its file is being written does not wait for the
// GPU encoding: the file keeps RGBA8 for what was not encoded yet, still
// loads, and that load completes it (tests/scene/test_scene_cache_complete.c).
STOA_TEST(destroy_hurries_the_bake)
{
    int asked = 0;
    size_t n = 0;
    uint8_t *img = photo(256, 256);
    CHECK(!stoa_texfmt_encode_chain_until(STOA_TEXFMT_BC7, img, 256, 256, true, 2, stop_now, &asked,
                                          &n));
    CHECK(asked > 0);
    free(img);

    char dir[256], path[1024], file[4200];
    tu_mkdtemp(dir, sizeof dir, "texfmt-hurry");
    stoa_test_model(path, sizeof path, "large/large.glb");
    stoa_scene *s = NULL;
    stoa_error err = {0};
    stoa_scene_load_desc d = {
        .use_cache = true, .cache_dir = dir, .texture_target = STOA_TEXTURE_TARGET_BC};
    CHECK_MSG(stoa_scene_load(path, &d, &s, &err) == STOA_OK, "%s", err.message);
    stoa_scene_destroy(&s); // no stoa_scene_cache_wait: hurried
    s = load(path, dir, STOA_TEXTURE_TARGET_BC, STOA_SCENE_CACHE_HIT);
    uint32_t rgba8 = 0;
    for (uint32_t i = 0; s && i < s->texture_count; i++) {
        CHECK(stoa_scene_texture_check(s, i));
        rgba8 += s->textures[i].gpu_format == STOA_TEXFMT_RGBA8;
    }
    printf("texfmt: destroyed at once: %u of %u textures left RGBA8\n", rgba8,
           s ? s->texture_count : 0);
    stoa_scene_destroy(&s);
    stoa_scene_cache_outcome o;
    CHECK_MSG(stoa_scene_bake_for(path, dir, STOA_TEXTURE_TARGET_BC, file, sizeof file, &o, &err) ==
                  STOA_OK,
              "%s", err.message);
    // The load above completed the file (scene_cache_complete.c; waited for
    // in load()): the bake finds it whole.
    CHECK(o == STOA_SCENE_CACHE_HIT);
    s = load(path, dir, STOA_TEXTURE_TARGET_BC, STOA_SCENE_CACHE_HIT);
    for (uint32_t i = 0; s && i < s->texture_count; i++)
        CHECK(s->textures[i].gpu_format == STOA_TEXFMT_BC7);
    stoa_scene_destroy(&s);
    CHECK(count_files(dir) == 1);
    tu_rmdir(dir);
}

STOA_TEST_MAIN()
