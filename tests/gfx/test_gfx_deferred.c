// SPDX-License-Identifier: Apache-2.0
// A scene loaded with .defer_textures draws at once with neutral stand-ins,
// and after stoa_scene_textures_ready + stoa_gfx_scene_update_textures draws
// as a normally loaded scene does: on Stoa's generated models with PNG
// images in their own files and inside a .glb, a JPEG image, and a model
// with eight textures under as many samplers. (DamagedHelmet and Avocado: test_gfx_deferred_samples.)
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gfx_test_util.h"
#include "stoa_test.h"

static void deferred_renders_like_normal(const char *rel, const char *name)
{
    stoa_scene *normal = gt_load(rel);
    stoa_scene *deferred = gt_load_desc(rel, &(stoa_scene_load_desc){.defer_textures = true});
    CHECK_MSG(normal && deferred && deferred->texture_count > 0, "%s", rel);
    gt_check_deferred(normal, deferred, name);
    stoa_scene_destroy(&deferred);
    stoa_scene_destroy(&normal);
}

STOA_TEST(deferred_png_file_renders_with_stand_ins_then_textures)
{
    deferred_renders_like_normal("textured/textured.gltf", "textured-gltf");
}

STOA_TEST(deferred_png_in_glb_renders_with_stand_ins_then_textures)
{
    deferred_renders_like_normal("textured/textured.glb", "textured-glb");
}

STOA_TEST(deferred_jpeg_renders_with_stand_ins_then_textures)
{
    deferred_renders_like_normal("jpeg/jpeg.gltf", "jpeg");
}

// Eight textures, one per sampler (filters, wrap modes, mipmaps).
STOA_TEST(deferred_every_sampler_renders_with_stand_ins_then_textures)
{
    deferred_renders_like_normal("samplers/samplers.gltf", "samplers");
}

STOA_TEST(update_textures_without_pending_is_a_no_op)
{
    stoa_gfx_renderer *r = gt_renderer();
    stoa_scene *sc = gt_load("textured/textured.glb");
    stoa_gfx_scene *gs = NULL;
    stoa_error err = {0};
    CHECK(sc != NULL);
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
    return gt_test_main(argc, argv); // the validation messages too
}
