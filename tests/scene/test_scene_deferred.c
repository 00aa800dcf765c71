// SPDX-License-Identifier: Apache-2.0
// stoa_scene_load_desc.defer_textures: the load returns with textures
// pending, stoa_scene_textures_ready fills them with exactly a normal load's
// pixels, and destroying a scene whose images are still decoding is clean
// (this test runs under ASan in the sanitizer build).
#include "scene/stoa_scene.h"
#include "scene_test_util.h"
#include "stoa_test.h"

static stoa_scene *load(const char *rel, bool defer)
{
    char p[4096];
    snprintf(p, sizeof p, "%s/%s", tu_samples(), rel);
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

STOA_TEST(deferred_damaged_helmet_matches_normal_load)
{
    deferred_equals_normal("DamagedHelmet/glTF-Binary/DamagedHelmet.glb");
}

STOA_TEST(deferred_avocado_matches_normal_load)
{
    deferred_equals_normal("Avocado/glTF/Avocado.gltf");
}

STOA_TEST(destroy_while_decoding_is_clean)
{
    // Straight after the load the helmet's 2048x2048 images are mid-decode.
    for (int k = 0; k < 3; k++) {
        stoa_scene *s = load("DamagedHelmet/glTF-Binary/DamagedHelmet.glb", true);
        CHECK(s && s->deferred != NULL);
        stoa_scene_destroy(&s);
        CHECK(s == NULL);
    }
    // Collected partly, then destroyed.
    stoa_scene *s = load("Avocado/glTF/Avocado.gltf", true);
    if (s)
        stoa_scene_textures_ready(s, false);
    stoa_scene_destroy(&s);
}

STOA_TEST(deferred_missing_image_becomes_placeholder)
{
    char dir[4096], from[4096], to[4400];
    tu_mkdtemp(dir, sizeof dir, "deferred");
    snprintf(from, sizeof from, "%s/BoxTextured/glTF/BoxTextured0.bin", tu_samples());
    snprintf(to, sizeof to, "%s/BoxTextured0.bin", dir);
    CHECK(tu_copy(from, to) == 0);
    snprintf(from, sizeof from, "%s/BoxTextured/glTF/BoxTextured.gltf", tu_samples());
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
                       "CesiumLogoFlat.png");
    }
    stoa_scene_destroy(&s);
    tu_rmdir(dir);
}

STOA_TEST_MAIN()
