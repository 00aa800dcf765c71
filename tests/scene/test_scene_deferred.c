// SPDX-License-Identifier: Apache-2.0
// stoa_scene_load_desc.defer_textures: the load returns with textures
// pending, stoa_scene_textures_ready fills them with exactly a normal load's
// pixels, and destroying a scene whose images are still decoding is clean
// (this test runs under ASan in the sanitizer build).
#include "scene/stoa_scene.h"
#include "scene_test_util.h"
#include "stoa_test.h"

// Built twice: on Stoa's own generated models (test_scene_deferred) and,
// with STOA_ON_SAMPLES, on the Khronos samples (test_scene_deferred_samples,
// an extra that is skipped without ../shared).
#ifdef STOA_ON_SAMPLES
#define MANY_TEXTURES "DamagedHelmet/glTF-Binary/DamagedHelmet.glb"
#define JPEG_TEXTURES "Avocado/glTF/Avocado.gltf"
#define TEXTURED_DIR "BoxTextured/glTF"
#define TEXTURED_BIN "BoxTextured0.bin"
#define TEXTURED_GLTF "BoxTextured.gltf"
#else
#define MANY_TEXTURES "large/large.glb"
#define JPEG_TEXTURES "jpeg/jpeg.gltf"
#define TEXTURED_DIR "textured"
#define TEXTURED_BIN "textured.bin"
#define TEXTURED_GLTF "textured.gltf"
#endif

static void model_path(char *out, size_t size, const char *rel)
{
#ifdef STOA_ON_SAMPLES
    snprintf(out, size, "%s/%s", tu_samples(), rel);
#else
    stoa_test_model(out, size, rel);
#endif
}

static stoa_scene *load(const char *rel, bool defer)
{
    char p[4096];
    model_path(p, sizeof p, rel);
    stoa_scene *s = NULL;
    stoa_error err = {0};
    stoa_scene_load_desc d = {.defer_textures = defer};
    CHECK_MSG(stoa_scene_load(p, &d, &s, &err) == STOA_OK, "%s: %s", rel, err.message);
    return s;
}

static uint32_t count_pending(const stoa_scene *s)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < s->texture_count; i++)
        n += s->textures[i].pending;
    return n;
}

static void check_same_textures(const stoa_scene *a, const stoa_scene *b)
{
    CHECK(a->texture_count == b->texture_count);
    for (uint32_t i = 0; i < a->texture_count && i < b->texture_count; i++) {
        const stoa_texture *x = &a->textures[i], *y = &b->textures[i];
        CHECK_MSG(!x->pending && x->rgba, "texture %u still pending", i);
        CHECK(x->width == y->width && x->height == y->height);
        CHECK(x->placeholder == y->placeholder);
        CHECK(x->sampler.wrap_s == y->sampler.wrap_s && x->sampler.min_filter == y->sampler.min_filter);
        if (x->rgba && y->rgba && x->width == y->width && x->height == y->height)
            CHECK_MSG(memcmp(x->rgba, y->rgba, (size_t)x->width * x->height * 4) == 0,
                      "texture %u: pixels differ from a normal load", i);
    }
}

static void deferred_equals_normal(const char *rel)
{
    stoa_scene *normal = load(rel, false);
    stoa_scene *s = load(rel, true);
    if (!normal || !s) {
        stoa_scene_destroy(&normal);
        stoa_scene_destroy(&s);
        return;
    }
    CHECK(stoa_scene_textures_ready(normal, false) == 0);
    // Every texture with an image is pending at return, decoded or not.
    CHECK(s->texture_count > 0 && count_pending(s) == s->texture_count);
    for (uint32_t i = 0; i < s->texture_count; i++)
        CHECK(s->textures[i].rgba == NULL && s->textures[i].width == 0);
    // Everything else is there already.
    CHECK(s->mesh_count == normal->mesh_count && s->material_count == normal->material_count);
    uint32_t left = stoa_scene_textures_ready(s, false);
    CHECK(left <= s->texture_count && left == count_pending(s));
    CHECK(stoa_scene_textures_ready(s, true) == 0);
    CHECK(count_pending(s) == 0);
    CHECK(s->deferred == NULL);
    check_same_textures(s, normal);
    CHECK(s->warning_count == normal->warning_count);
    CHECK(stoa_scene_textures_ready(s, true) == 0); // again: nothing left, no crash
    stoa_scene_destroy(&s);
    stoa_scene_destroy(&normal);
}

STOA_TEST(deferred_many_textures_match_normal_load)
{
    deferred_equals_normal(MANY_TEXTURES);
}

STOA_TEST(deferred_jpeg_textures_match_normal_load)
{
    deferred_equals_normal(JPEG_TEXTURES);
}

STOA_TEST(destroy_while_decoding_is_clean)
{
    // Straight after the load the large images are mid-decode.
    for (int k = 0; k < 3; k++) {
        stoa_scene *s = load(MANY_TEXTURES, true);
        CHECK(s && s->deferred != NULL);
        stoa_scene_destroy(&s);
        CHECK(s == NULL);
    }
    // Collected partly, then destroyed.
    stoa_scene *s = load(JPEG_TEXTURES, true);
    if (s)
        stoa_scene_textures_ready(s, false);
    stoa_scene_destroy(&s);
}

STOA_TEST(deferred_missing_image_becomes_placeholder)
{
    char dir[4096], from[4096], to[4400];
    tu_mkdtemp(dir, sizeof dir, "deferred");
    model_path(from, sizeof from, TEXTURED_DIR "/" TEXTURED_BIN);
    snprintf(to, sizeof to, "%s/" TEXTURED_BIN, dir);
    CHECK(tu_copy(from, to) == 0);
    model_path(from, sizeof from, TEXTURED_DIR "/" TEXTURED_GLTF);
    snprintf(to, sizeof to, "%s/no_png.gltf", dir);
    CHECK(tu_copy(from, to) == 0); // the PNG is not copied
    stoa_scene *s = NULL;
    stoa_error err = {0};
    stoa_scene_load_desc d = {.defer_textures = true};
    CHECK_MSG(stoa_scene_load(to, &d, &s, &err) == STOA_OK, "%s", err.message);
    if (s) {
        CHECK(s->texture_count == 1 && s->textures[0].pending);
        uint32_t warnings = s->warning_count;
        CHECK(stoa_scene_textures_ready(s, true) == 0);
        CHECK(s->textures[0].placeholder && s->textures[0].rgba && !s->textures[0].pending);
        CHECK(s->warning_count == warnings + 1);
        CHECK_CONTAINS(s->warning_count ? s->warnings[s->warning_count - 1] : "",
#ifdef STOA_ON_SAMPLES
                       "CesiumLogoFlat.png"
#else
                       "quadrants.png"
#endif
        );
    }
    stoa_scene_destroy(&s);
    tu_rmdir(dir);
}

STOA_TEST_MAIN()
