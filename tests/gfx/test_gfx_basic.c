// SPDX-License-Identifier: Apache-2.0
// Renderer basics on Stoa's generated box (a 1 m cube, lit, base colour
// 0.8, 0, 0): colour over the clear colour, sRGB vs UNORM targets, multiview
// vs one pass per view, MSAA, and the CPU cost of recording a skinned frame.
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gfx_test_util.h"
#include "stoa_test.h"

#define BOX "box/box.glb"

static const float k_clear[4] = {0.1f, 0.2f, 0.4f, 1.0f};

static gt_render_desc box_desc(void)
{
    gt_render_desc d = {.azimuth = 0.6f, .elevation = 0.35f};
    for (int i = 0; i < 4; i++)
        d.options.clear_color[i] = k_clear[i];
    return d;
}

static int srgb8(float c)
{
    float e = c <= 0.0031308f ? c * 12.92f : 1.055f * powf(c, 1.0f / 2.4f) - 0.055f;
    return (int)lroundf(e * 255.0f);
}

STOA_TEST(box_is_red_at_the_centre_over_the_clear_colour)
{
    stoa_scene *scene = gt_load(BOX);
    CHECK(scene != NULL);
    if (!scene)
        return;
    gt_render_desc d = box_desc();
    gt_image img = {0};
    CHECK(gt_render(scene, &d, &img));
    if (img.rgba) {
        gt_save(&img, "box");
        const uint8_t *c = gt_px(&img, 128, 128);
        CHECK_MSG(c[0] > 90 && c[1] < 30 && c[2] < 30, "centre %d %d %d", c[0], c[1], c[2]);
        const uint8_t *corner = gt_px(&img, 2, 2);
        CHECK_MSG(abs(corner[0] - srgb8(k_clear[0])) <= 1 &&
                      abs(corner[1] - srgb8(k_clear[1])) <= 1 &&
                      abs(corner[2] - srgb8(k_clear[2])) <= 1,
                  "corner %d %d %d", corner[0], corner[1], corner[2]);
        // Lit faces differ: the top and the two visible sides are not one flat red.
        double top[3], left[3];
        gt_mean(&img, 120, 70, 136, 80, top);
        gt_mean(&img, 80, 140, 96, 150, left);
        CHECK_MSG(fabs(top[0] - left[0]) > 5.0, "top %.0f left %.0f", top[0], left[0]);
    }
    gt_free(&img);
    stoa_scene_destroy(&scene);
}

STOA_TEST(srgb_and_unorm_targets_give_the_same_image)
{
    stoa_scene *scene = gt_load("textured/textured.glb");
    CHECK(scene != NULL);
    if (!scene)
        return;
    gt_render_desc d = box_desc();
    gt_image a = {0}, b = {0};
    d.format = VK_FORMAT_R8G8B8A8_SRGB;
    CHECK(gt_render(scene, &d, &a));
    d.format = VK_FORMAT_B8G8R8A8_UNORM;
    CHECK(gt_render(scene, &d, &b));
    gt_save(&a, "textured-srgb");
    gt_save(&b, "textured-unorm");
    int diff = gt_max_diff(&a, &b, 3, "textured-srgb-vs-unorm-diff");
    CHECK_MSG(diff <= 3, "max difference %d", diff);
    // Not a blank picture that would trivially match.
    CHECK(a.rgba && gt_count_near(&a, srgb8(k_clear[0]), srgb8(k_clear[1]), srgb8(k_clear[2]), 2) <
                        200 * 256);
    gt_free(&a);
    gt_free(&b);
    stoa_scene_destroy(&scene);
}

STOA_TEST(multiview_and_two_passes_give_the_same_stereo_pair)
{
    stoa_scene *scene = gt_load(BOX);
    CHECK(scene != NULL);
    if (!scene)
        return;
    gt_render_desc d = box_desc();
    stoa_gfx_view views[2];
    for (int e = 0; e < 2; e++) {
        stoa_gfx_view_frame_bounds(scene->bounds_min, scene->bounds_max, 0.6f, 0.35f, 0.8f, 1.0f,
                                   &views[e]);
        views[e].view[12] += e == 0 ? 0.15f : -0.15f; // eyes apart along view x
        stoa_gfx_projection_fov(-0.45f, 0.4f, 0.42f, -0.4f, 0.05f, 100.0f, views[e].projection);
    }
    d.layers = 2;
    d.views = views;
    gt_image plain[2] = {{0}};
    for (uint32_t samples = 1; samples <= 4; samples += 3) { // plain and MSAA
        gt_image mv[2] = {{0}}, mp[2] = {{0}};
        d.samples = samples;
        d.options.stereo = STOA_GFX_STEREO_MULTIVIEW;
        CHECK(gt_render(scene, &d, mv));
        d.options.stereo = STOA_GFX_STEREO_MULTIPASS;
        CHECK(gt_render(scene, &d, mp));
        const char *tag = samples == 1 ? "" : "-msaa4";
        char name[4][64];
        snprintf(name[0], 64, "stereo-multiview-left%s", tag);
        snprintf(name[1], 64, "stereo-multiview-right%s", tag);
        snprintf(name[2], 64, "stereo-twopass-left%s", tag);
        snprintf(name[3], 64, "stereo-twopass-right%s", tag);
        gt_save(&mv[0], name[0]);
        gt_save(&mv[1], name[1]);
        gt_save(&mp[0], name[2]);
        gt_save(&mp[1], name[3]);
        strcat(name[0], "-diff");
        strcat(name[1], "-diff");
        int dl = gt_max_diff(&mv[0], &mp[0], 2, name[0]);
        CHECK_MSG(dl <= 2, "samples %u: left eyes differ by %d", samples, dl);
        if (samples == 1) {
            int dr = gt_max_diff(&mv[1], &mp[1], 2, name[1]);
            CHECK_MSG(dr <= 2, "right eyes differ by %d", dr);
            // Parallax: the two eyes do see different pictures.
            CHECK(gt_diff_fraction(&mv[0], &mv[1], 10) > 0.02);
            plain[0] = mv[0];
            plain[1] = mv[1];
            gt_free(&mp[0]);
            gt_free(&mp[1]);
            continue;
        }
        // Mesa 22.3's lavapipe resolves a render pass into array layer 0 whatever
        // the views' base layer (fixed in later Mesa), so the one-pass-per-view
        // path with MSAA cannot be compared on the right eye here. Multiview
        // MSAA must match the plain multiview picture but for the edges.
        for (int e = 0; e < 2; e++) {
            double f = gt_diff_fraction(&plain[e], &mv[e], 8);
            CHECK_MSG(f > 0.001 && f < 0.1, "eye %d: MSAA changed %.4f of the pixels", e, f);
        }
        for (int i = 0; i < 2; i++) {
            gt_free(&mv[i]);
            gt_free(&mp[i]);
            gt_free(&plain[i]);
        }
    }
    stoa_scene_destroy(&scene);
}

STOA_TEST(msaa_smooths_edges_only)
{
    stoa_scene *scene = gt_load(BOX);
    CHECK(scene != NULL);
    if (!scene)
        return;
    gt_render_desc d = box_desc();
    gt_image one = {0}, four = {0};
    CHECK(gt_render(scene, &d, &one));
    d.samples = 4;
    CHECK(gt_render(scene, &d, &four));
    gt_save(&four, "box-msaa4");
    double f = gt_diff_fraction(&one, &four, 8);
    // Edge pixels change, the interior does not.
    CHECK_MSG(f > 0.001 && f < 0.1, "fraction of changed pixels %.4f", f);
    const uint8_t *a = gt_px(&one, 128, 128), *b = gt_px(&four, 128, 128);
    CHECK(abs(a[0] - b[0]) <= 2);
    gt_free(&one);
    gt_free(&four);
    stoa_scene_destroy(&scene);
}

// VR needs the CPU side of a frame well under a millisecond: time posing
// plus recording a stereo multiview frame of the generated skinned bar
// (skin/skin.glb: two skinned meshes, three joints, one animation; no
// submit). test_gfx_samples times CesiumMan the same way.
STOA_TEST(recording_a_stereo_frame_is_cheap)
{
    stoa_scene *scene = gt_load("skin/skin.glb");
    CHECK(scene != NULL);
    gt_frame_times t;
    if (scene && gt_time_stereo_frames(scene, &t)) {
        printf("skin.glb stereo frame: pose %.3f ms, record %.3f ms (median of %d; p90 %.3f)\n",
               t.pose_ms, t.record_ms, t.frames, t.record_p90_ms);
        // Generous bound: the machine is shared; a regression to per-frame
        // uploads or allocations would still show.
        CHECK(t.record_ms < 2.0);
    }
    stoa_scene_destroy(&scene);
}

int main(int argc, char **argv)
{
    return gt_test_main(argc, argv); // the validation messages too
}
