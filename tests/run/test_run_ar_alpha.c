// SPDX-License-Identifier: Apache-2.0
// The alpha an AR frame carries (docs/ar.md): cleared to transparent black,
// as run_ar.c asks in AR, the renderer leaves alpha 0 where there is no
// scene, 1 where an opaque (or alpha-masked) surface is, and a BLEND
// material's colour premultiplied by its alpha, which is what OpenXR's
// ALPHA_BLEND mode (and XR_FB_passthrough under the projection layer) wants
// without XR_COMPOSITION_LAYER_UNPREMULTIPLIED_ALPHA_BIT. ADDITIVE reads the
// same picture: black where the room shows. Model: Stoa's alpha test model
// (tools/testmodels, models_attr.py) with its blue backdrop hidden.
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gfx_test_util.h"
#include "stoa_test.h"

#define W 192
#define H 144

static float srgb_to_linear(int v)
{
    float c = (float)v / 255.0f;
    return c <= 0.04045f ? c / 12.92f : powf((c + 0.055f) / 1.055f, 2.4f);
}

static void look(stoa_gfx_view *v)
{
    memset(v, 0, sizeof *v);
    for (int i = 0; i < 16; i++)
        v->view[i] = i % 5 == 0 ? 1.0f : 0.0f;
    v->view[14] = -3.0f; // the eye at z = 3 looking down -Z
    float a = atanf(2.2f / 3.0f), b = atanf(1.65f / 3.0f);
    stoa_gfx_projection_fov(-a, a, b, -b, 0.05f, 0.0f, v->projection);
}

static const uint8_t *at(const gt_image *img, const stoa_gfx_view *v, float x, float y)
{
    uint32_t px, py;
    gt_project(v, x, y, 0.0f, W, H, &px, &py);
    return gt_px(img, px < W ? px : W - 1, py < H ? py : H - 1);
}

STOA_TEST(transparent_clear_gives_premultiplied_alpha)
{
    stoa_scene *scene = gt_load("alpha/alpha.gltf");
    CHECK(scene != NULL);
    if (!scene)
        return;
    stoa_pose *pose = stoa_pose_create(scene);
    int32_t back = stoa_scene_find_node(scene, "Backdrop");
    CHECK(pose && back >= 0);
    if (!pose || back < 0) {
        stoa_pose_destroy(&pose);
        stoa_scene_destroy(&scene);
        return;
    }
    // Hidden as run_ar.c hides an environment node.
    static const float zero[3] = {0, 0, 0};
    const stoa_node *bn = &scene->nodes[back];
    stoa_pose_set_local(pose, (uint32_t)back, bn->translation, bn->rotation, zero);
    stoa_pose_update(pose);
    stoa_gfx_view view;
    look(&view);
    gt_render_desc d = {.w = W, .h = H, .views = &view, .pose = pose};
    // clear_color zero: transparent black, as in AR.
    gt_image img = {0};
    CHECK(gt_render(scene, &d, &img));
    if (img.rgba) {
        gt_save(&img, "ar-alpha");
        const uint8_t *p = gt_px(&img, 2, 2);
        CHECK_MSG(p[0] == 0 && p[1] == 0 && p[2] == 0 && p[3] == 0, "clear %d %d %d %d", p[0],
                  p[1], p[2], p[3]);
        p = at(&img, &view, -1.25f, 0.65f); // OPAQUE red (its alpha 0.3 ignored)
        CHECK_MSG(p[0] > 250 && p[1] < 5 && p[3] == 255, "opaque %d %d %d %d", p[0], p[1], p[2],
                  p[3]);
        p = at(&img, &view, -0.3f, 0.65f); // MASK: cut away: the room shows
        CHECK_MSG(p[3] == 0 && p[0] + p[1] + p[2] == 0, "mask cut %d %d %d %d", p[0], p[1], p[2],
                  p[3]);
        p = at(&img, &view, 0.3f, 0.65f); // MASK: kept, opaque green
        CHECK_MSG(p[1] > 250 && p[3] == 255, "mask kept %d %d %d %d", p[0], p[1], p[2], p[3]);
        // BLEND red at 0.5: premultiplied, the stored red is 0.5 in linear
        // light (sRGB 188), not 1.0 (255) as straight alpha would have it.
        p = at(&img, &view, 1.25f, 0.65f);
        float r = srgb_to_linear(p[0]), a = (float)p[3] / 255.0f;
        CHECK_MSG(fabsf(a - 0.5f) < 0.02f && fabsf(r - 0.5f) < 0.03f && p[1] < 3 && p[2] < 3,
                  "blend %d %d %d %d (linear red %.3f, alpha %.3f)", p[0], p[1], p[2], p[3], r, a);
        CHECK_MSG(r <= a + 0.02f, "premultiplied: colour %.3f above alpha %.3f", r, a);
        // What ALPHA_BLEND shows over a camera image (linear grey 0.8):
        // colour + (1 - alpha) * camera = 0.5 + 0.4 red, 0.4 green and blue.
        float cam = 0.8f, out_r = r + (1.0f - a) * cam, out_g = (1.0f - a) * cam;
        CHECK_MSG(fabsf(out_r - 0.9f) < 0.04f && fabsf(out_g - 0.4f) < 0.03f,
                  "over the room: %.3f %.3f", out_r, out_g);
    }
    gt_free(&img);
    stoa_pose_destroy(&pose);
    stoa_scene_destroy(&scene);
}

STOA_TEST(validation_is_clean)
{
    CHECK(gt_shutdown() == 0);
}

STOA_TEST_MAIN()
