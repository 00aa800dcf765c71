// SPDX-License-Identifier: Apache-2.0
// A scene loaded with .defer_textures draws at once with neutral stand-ins,
// and after stoa_scene_textures_ready + stoa_gfx_scene_update_textures draws
// as a normally loaded scene does.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gfx_test_util.h"
#include "stoa_test.h"

#define SIZE 192

typedef struct shot {
    stoa_gfx_target *target;
    stoa_gfx_view view;
} shot;

static bool shot_init(shot *s, const stoa_scene *scene)
{
    stoa_error err = {0};
    stoa_gfx_target_desc td = {.width = SIZE, .height = SIZE, .layers = 1};
    memset(s, 0, sizeof *s);
    stoa_gfx_view_frame_bounds(scene->bounds_min, scene->bounds_max, 0.6f, 0.35f, 0.8f, 1.0f,
                               &s->view);
    bool ok = stoa_gfx_target_create(gt_renderer(), &td, &s->target, &err) >= 0;
    CHECK_MSG(ok, "%s", err.message);
    return ok;
}

static bool shot_take(shot *s, const stoa_gfx_scene *gs, gt_image *out)
{
    stoa_error err = {0};
    out->w = out->h = SIZE;
    out->rgba = malloc((size_t)SIZE * SIZE * 4);
    bool ok = out->rgba &&
              stoa_gfx_render_now(gt_renderer(), s->target, &s->view, 1, gs, NULL, NULL, &err) >= 0 &&
              stoa_gfx_target_read_rgba(s->target, 0, out->rgba, &err) >= 0;
    CHECK_MSG(ok, "render: %s", err.message);
    return ok;
}

static void deferred_renders_like_normal(const char *rel, const char *name)
{
    stoa_gfx_renderer *r = gt_renderer();
    stoa_scene *normal = gt_load(rel);
    stoa_scene *deferred = gt_load_desc(rel, &(stoa_scene_load_desc){.defer_textures = true});
    stoa_gfx_scene *gn = NULL, *gd = NULL;
    stoa_error err = {0};
    shot s = {0};
    gt_image ref = {0}, before = {0}, after = {0};
    bool ok = r && normal && deferred && shot_init(&s, normal);
    ok = ok && stoa_gfx_scene_create(r, normal, &gn, &err) >= 0 && shot_take(&s, gn, &ref);
    ok = ok && stoa_gfx_scene_create(r, deferred, &gd, &err) >= 0;
    CHECK_MSG(ok, "%s: %s", rel, err.message);
    if (ok) {
        CHECK(stoa_gfx_scene_pending_textures(gd) == deferred->texture_count);
        ok = shot_take(&s, gd, &before);
        CHECK(stoa_scene_textures_ready(deferred, true) == 0);
        CHECK_MSG(stoa_gfx_scene_update_textures(r, gd, deferred, &err) >= 0, "%s", err.message);
        CHECK(stoa_gfx_scene_pending_textures(gd) == 0);
        ok = ok && shot_take(&s, gd, &after);
    }
    if (ok) {
        char n[128];
        snprintf(n, sizeof n, "deferred-%s-before", name);
        gt_save(&before, n);
        // The stand-ins look different (no texture detail) ...
        double changed = gt_diff_fraction(&before, &ref, 12);
        CHECK_MSG(changed > 0.05, "%s: stand-in render differs in only %.3f of pixels", name,
                  changed);
        // ... and once the textures are in, the picture is the normal one.
        snprintf(n, sizeof n, "deferred-%s-after", name);
        int diff = gt_max_diff(&after, &ref, 2, n);
        CHECK_MSG(diff <= 2, "%s: after update_textures differs by %d", name, diff);
    }
    gt_free(&ref);
    gt_free(&before);
    gt_free(&after);
    stoa_gfx_scene_destroy(&gd);
    stoa_gfx_scene_destroy(&gn);
    stoa_gfx_target_destroy(&s.target);
    stoa_scene_destroy(&deferred);
    stoa_scene_destroy(&normal);
}

STOA_TEST(deferred_helmet_renders_with_stand_ins_then_textures)
{
    deferred_renders_like_normal("DamagedHelmet/glTF-Binary/DamagedHelmet.glb", "helmet");
}

STOA_TEST(deferred_avocado_renders_with_stand_ins_then_textures)
{
    deferred_renders_like_normal("Avocado/glTF/Avocado.gltf", "avocado");
}

STOA_TEST(update_textures_without_pending_is_a_no_op)
{
    stoa_gfx_renderer *r = gt_renderer();
    stoa_scene *sc = gt_load("BoxTextured/glTF-Binary/BoxTextured.glb");
    stoa_gfx_scene *gs = NULL;
    stoa_error err = {0};
    if (r && sc && stoa_gfx_scene_create(r, sc, &gs, &err) >= 0) {
        CHECK(stoa_gfx_scene_pending_textures(gs) == 0);
        CHECK(stoa_gfx_scene_update_textures(r, gs, sc, &err) == STOA_OK);
        CHECK(stoa_gfx_scene_update_textures(NULL, gs, sc, &err) == STOA_ERROR_INVALID_ARGUMENT);
    }
    stoa_gfx_scene_destroy(&gs);
    stoa_scene_destroy(&sc);
}

int main(int argc, char **argv)
{
    int rc = stoa_test_main(argc, argv);
    uint32_t messages = gt_shutdown();
    if (messages) {
        fprintf(stderr, "FAIL: %u validation messages\n", messages);
        rc = 1;
    }
    return rc;
}
