// SPDX-License-Identifier: Apache-2.0
// Render checks on Stoa's own generated test models (tools/testmodels, in
// $STOA_TESTMODELS): what the generator put in (colours, UV layout, joints,
// morph targets) is what the picture must show. test_render_generated checks
// the same models' pixels through their cameras with `stoa render` (vertex
// colours, samplers, alpha modes, JPEG); this file uses the renderer's own
// switches (no_skinning, no_morphing, a material edited in memory) to show
// each feature is what changes the picture. The Khronos-sample versions of
// these checks are in test_gfx_samples (an extra).
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gfx_test_util.h"
#include "stoa_test.h"

// Pixels within tol of rgb in [x0,x1) x [y0,y1).
static uint32_t count_rect(const gt_image *img, uint32_t x0, uint32_t y0, uint32_t x1,
                           uint32_t y1, int r, int g, int b, int tol)
{
    uint32_t n = 0;
    for (uint32_t y = y0; y < y1; y++)
        for (uint32_t x = x0; x < x1; x++) {
            const uint8_t *p = gt_px(img, x, y);
            n += abs(p[0] - r) <= tol && abs(p[1] - g) <= tol && abs(p[2] - b) <= tol;
        }
    return n;
}

// Renders `s` posed at time t (every animation; t < 0: the rest pose, no
// animation) through view v, 256x256 over black.
static bool render_at(const stoa_scene *s, const stoa_gfx_view *v, float t,
                      const stoa_gfx_render_options *opt, gt_image *out)
{
    stoa_pose *pose = stoa_pose_create(s);
    if (!pose)
        return false;
    stoa_pose_reset(pose);
    for (uint32_t i = 0; i < s->animation_count && t >= 0.0f; i++)
        stoa_pose_apply_animation(pose, i, t);
    stoa_pose_update(pose);
    gt_render_desc d = {.views = v, .pose = pose};
    if (opt)
        d.options = *opt;
    d.options.clear_color[3] = 1.0f;
    bool ok = gt_render(s, &d, out);
    stoa_pose_destroy(&pose);
    return ok;
}

// Posed bounds of `s` at time t.
static void bounds_at(const stoa_scene *s, float t, float bmin[3], float bmax[3])
{
    stoa_pose *pose = stoa_pose_create(s);
    memcpy(bmin, s->bounds_min, sizeof(float) * 3);
    memcpy(bmax, s->bounds_max, sizeof(float) * 3);
    if (!pose)
        return;
    stoa_pose_reset(pose);
    for (uint32_t i = 0; i < s->animation_count; i++)
        stoa_pose_apply_animation(pose, i, t);
    stoa_pose_update(pose);
    stoa_pose_bounds(pose, bmin, bmax);
    stoa_pose_destroy(&pose);
}

// textured.glb: an unlit cube whose texture holds four colours in its
// quadrants (generator: red top-left, green top-right, blue bottom-left,
// yellow bottom-right of the image); each face maps the whole image with
// UV (0,1) at its lower left, so the front face shows the image upright.
STOA_TEST(texture_quadrants_are_the_right_way_up)
{
    stoa_scene *s = gt_load("textured/textured.glb");
    CHECK(s != NULL);
    if (!s)
        return;
    stoa_gfx_view v;
    stoa_gfx_view_frame_bounds(s->bounds_min, s->bounds_max, 0.0f, 0.0f, 0.8f, 1.0f, &v);
    gt_image img = {0};
    CHECK(render_at(s, &v, 0.0f, NULL, &img));
    if (img.rgba) {
        gt_save(&img, "models-textured-front");
        // Each quadrant of the front face, inset from its edges and the centre lines.
        const struct {
            const char *name;
            int rgb[3];
        } q[4] = {{"top-left", {230, 40, 40}}, {"top-right", {40, 200, 60}},
                  {"bottom-left", {40, 60, 220}}, {"bottom-right", {240, 220, 40}}};
        // The face fills about the middle half of the picture at this framing;
        // sample 20x20 squares around (+-32, +-32) from the centre.
        for (int i = 0; i < 4; i++) {
            uint32_t cx = i & 1 ? 160 : 96, cy = i & 2 ? 160 : 96;
            double m[3];
            gt_mean(&img, cx - 10, cy - 10, cx + 10, cy + 10, m);
            CHECK_MSG(fabs(m[0] - q[i].rgb[0]) < 8 && fabs(m[1] - q[i].rgb[1]) < 8 &&
                          fabs(m[2] - q[i].rgb[2]) < 8,
                      "%s quadrant %.0f %.0f %.0f, want %d %d %d", q[i].name, m[0], m[1], m[2],
                      q[i].rgb[0], q[i].rgb[1], q[i].rgb[2]);
        }
    }
    gt_free(&img);
    stoa_scene_destroy(&s);
}

// skin.glb: an unlit orange bar along +Y bound to three joints; animation
// "Bend" bends it 90 degrees over 1 s. At t=0 the joints are at rest (the
// skinned picture is the bind pose); at t=1 the top of the bar lies sideways,
// and drawing without skinning brings back the straight bar.
STOA_TEST(skinning_bends_the_bar)
{
    stoa_scene *s = gt_load("skin/skin.glb");
    CHECK(s != NULL);
    if (!s)
        return;
    CHECK(s->skin_count == 1 && s->animation_count == 1);
    // One view for all pictures that holds the bar both straight and bent.
    float amin[3], amax[3], bmin[3], bmax[3];
    bounds_at(s, 0.0f, amin, amax);
    bounds_at(s, 1.0f, bmin, bmax);
    // Posed on the CPU too: thin and upright, then reaching out sideways.
    CHECK_MSG(amax[0] - amin[0] < 0.5f && bmax[0] - bmin[0] > 1.0f,
              "bar spans %.2f m across straight, %.2f m bent", amax[0] - amin[0],
              bmax[0] - bmin[0]);
    for (int k = 0; k < 3; k++) {
        amin[k] = fminf(amin[k], bmin[k]);
        amax[k] = fmaxf(amax[k], bmax[k]);
    }
    stoa_gfx_view v;
    stoa_gfx_view_frame_bounds(amin, amax, 0.0f, 0.0f, 0.8f, 1.0f, &v);
    gt_image rest = {0}, bent = {0}, bind = {0};
    stoa_gfx_render_options no_skin = {.no_skinning = true};
    CHECK(render_at(s, &v, 0.0f, NULL, &rest));
    CHECK(render_at(s, &v, 1.0f, NULL, &bent));
    CHECK(render_at(s, &v, 1.0f, &no_skin, &bind));
    gt_save(&rest, "models-skin-t0");
    gt_save(&bent, "models-skin-t1");
    gt_save(&bind, "models-skin-t1-noskin");
    if (rest.rgba && bent.rgba && bind.rgba) {
        // Unlit (1, 0.5, 0) is sRGB (255, 188, 0).
        uint32_t bar0 = count_rect(&rest, 0, 0, 256, 256, 255, 188, 0, 6);
        uint32_t bar1 = count_rect(&bent, 0, 0, 256, 256, 255, 188, 0, 6);
        CHECK_MSG(bar0 > 1500 && bar1 > 1500, "bar pixels: straight %u, bent %u", bar0, bar1);
        double moved = gt_diff_fraction(&rest, &bent, 24);
        CHECK_MSG(moved > 0.02, "t=0 vs t=1: %.4f of pixels differ", moved);
        int same = gt_max_diff(&rest, &bind, 2, "models-skin-rest-vs-noskin");
        CHECK_MSG(same <= 2, "rest pose vs no_skinning differ by %d", same);
        // The straight bar's top stands above the middle of the picture; bent,
        // the top row of the view is empty and the bar reaches sideways.
        uint32_t top0 = count_rect(&rest, 0, 0, 256, 64, 255, 188, 0, 6);
        uint32_t top1 = count_rect(&bent, 0, 0, 256, 64, 255, 188, 0, 6);
        CHECK_MSG(top0 > 200 && top1 < top0 / 4, "bar pixels in the top quarter: %u then %u",
                  top0, top1);
    }
    gt_free(&rest);
    gt_free(&bent);
    gt_free(&bind);
    stoa_scene_destroy(&s);
}

// Whether the world point (x, y, 0) is drawn (not the black clear colour).
static bool covered(const gt_image *img, const stoa_gfx_view *v, float x, float y)
{
    uint32_t px, py;
    gt_project(v, x, y, 0.0f, img->w, img->h, &px, &py);
    if (px >= img->w || py >= img->h)
        return false;
    const uint8_t *p = gt_px(img, px, py);
    return p[0] + p[1] + p[2] > 60;
}

// morph.gltf: the quad [-0.5, 0.5]^2 (vertices 0, 1 at the bottom, 2 top
// right) with two targets: 0 raises the bottom edge by 0.5, 1 moves vertex 2
// right by 1 (sparse). Mesh default weights (0.25, 0): bottom edge at -0.375.
// Animation "Grow": (0, 0) at t=0 to (1, 0.5) at t=2: bottom edge at 0,
// vertex 2 at (1, 0.5). no_morphing draws the base quad.
STOA_TEST(morph_weights_move_the_quads_corners)
{
    stoa_scene *s = gt_load("morph/morph.gltf");
    CHECK(s != NULL);
    if (!s)
        return;
    const float lo[3] = {-0.6f, -0.6f, -0.1f}, hi[3] = {1.1f, 0.6f, 0.1f};
    stoa_gfx_view v;
    stoa_gfx_view_frame_bounds(lo, hi, 0.0f, 0.0f, 0.8f, 1.0f, &v);
    gt_image rest = {0}, t0 = {0}, t2 = {0}, off = {0};
    stoa_gfx_render_options no_morph = {.no_morphing = true};
    CHECK(render_at(s, &v, -1.0f, NULL, &rest));
    CHECK(render_at(s, &v, 0.0f, NULL, &t0));
    CHECK(render_at(s, &v, 2.0f, NULL, &t2));
    CHECK(render_at(s, &v, 2.0f, &no_morph, &off));
    gt_save(&rest, "models-morph-rest");
    gt_save(&t0, "models-morph-t0");
    gt_save(&t2, "models-morph-t2");
    gt_save(&off, "models-morph-t2-nomorph");
    if (rest.rgba && t0.rgba && t2.rgba && off.rgba) {
        // Base quad: t=0 weights (0, 0) and no_morphing draw it.
        CHECK(covered(&off, &v, 0.0f, -0.45f) && covered(&off, &v, -0.45f, 0.45f));
        CHECK(!covered(&off, &v, 0.9f, 0.45f));
        int same = gt_max_diff(&t0, &off, 2, "models-morph-t0-vs-nomorph");
        CHECK_MSG(same <= 2, "weights (0, 0) vs no morphing differ by %d", same);
        // Default weights: the bottom edge at -0.375.
        CHECK_MSG(!covered(&rest, &v, 0.0f, -0.45f) && covered(&rest, &v, 0.0f, -0.3f),
                  "rest pose: bottom edge not at -0.375");
        // t=2: the bottom edge at 0, vertex 2 out at (1, 0.5).
        CHECK_MSG(!covered(&t2, &v, 0.0f, -0.1f) && covered(&t2, &v, 0.0f, 0.1f),
                  "t=2: bottom edge not at 0");
        CHECK_MSG(covered(&t2, &v, 0.9f, 0.45f) && !covered(&t2, &v, 0.9f, 0.2f),
                  "t=2: top right corner not moved out to (1, 0.5)");
    }
    gt_free(&rest);
    gt_free(&t0);
    gt_free(&t2);
    gt_free(&off);
    stoa_scene_destroy(&s);
}

// normals.gltf: three quads with a flat normal map (128,128,255) read with
// explicit tangents, generated tangents and generated tangents under mirrored
// UVs. A flat map must shade exactly as no map at all, whichever tangents;
// a map decoded as sRGB or a wrong tangent frame would tilt the normals.
static void normals_like_no_map(const char *tag, const stoa_scene_load_desc *desc)
{
    stoa_scene *s = gt_load_desc("normals/normals.gltf", desc);
    CHECK(s != NULL);
    if (!s)
        return;
    CHECK(s->material_count == 1 && s->materials[0].normal_tex.texture >= 0);
    stoa_gfx_view v;
    stoa_gfx_view_frame_bounds(s->bounds_min, s->bounds_max, 0.3f, 0.2f, 0.8f, 1.0f, &v);
    gt_image mapped = {0}, plain = {0};
    CHECK(render_at(s, &v, 0.0f, NULL, &mapped));
    int32_t tex = s->materials[0].normal_tex.texture;
    s->materials[0].normal_tex.texture = -1;
    CHECK(render_at(s, &v, 0.0f, NULL, &plain));
    s->materials[0].normal_tex.texture = tex;
    char name[64];
    snprintf(name, sizeof name, "models-normals-%s", tag);
    gt_save(&mapped, name);
    if (mapped.rgba && plain.rgba) {
        uint32_t lit = 256 * 256 - count_rect(&mapped, 0, 0, 256, 256, 0, 0, 0, 3);
        CHECK_MSG(lit > 256 * 256 / 8, "%s: the quads cover %u pixels", tag, lit);
        snprintf(name, sizeof name, "models-normals-%s-vs-plain", tag);
        int d = gt_max_diff(&mapped, &plain, 3, name);
        CHECK_MSG(d <= 3, "%s: flat normal map vs none differ by %d", tag, d);
    }
    gt_free(&mapped);
    gt_free(&plain);
    stoa_scene_destroy(&s);
}

STOA_TEST(flat_normal_maps_shade_like_no_map_with_generated_tangents)
{
    normals_like_no_map("generated", NULL);
}

STOA_TEST(flat_normal_maps_shade_like_no_map_with_derived_tangents)
{
    stoa_scene_load_desc derive = {.no_generated_tangents = true};
    normals_like_no_map("derived", &derive);
}

int main(int argc, char **argv)
{
    return gt_test_main(argc, argv); // the validation messages too
}
