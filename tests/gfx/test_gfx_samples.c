// SPDX-License-Identifier: Apache-2.0
// Render checks on the Khronos sample models (../shared/gltf-samples or
// $STOA_GLTF_SAMPLES), an extra beside test_gfx_models' checks on Stoa's own
// generated models: skipped, with the reason, when the samples are not there.
// Each test says what the model's README describes as the right picture. Pixel
// regions refer to the deterministic framing of gt_render (256x256, front
// view of the model's bounds) unless a test builds its own view.
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gfx_test_util.h"
#include "stoa_test.h"

static gt_render_desc front(void)
{
    gt_render_desc d = {.azimuth = 0.0f, .elevation = 0.0f};
    d.options.clear_color[3] = 1.0f;
    return d;
}

// Pixels in [x0,x1) x [y0,y1) that satisfy a colour class.
typedef bool (*px_class)(const uint8_t *p);
static uint32_t count_in(const gt_image *img, uint32_t x0, uint32_t y0, uint32_t x1, uint32_t y1,
                         px_class cls)
{
    uint32_t n = 0;
    for (uint32_t y = y0; y < y1; y++)
        for (uint32_t x = x0; x < x1; x++)
            n += cls(gt_px(img, x, y));
    return n;
}
static bool is_red(const uint8_t *p) { return p[0] > 150 && p[1] < 70 && p[2] < 70; }
static bool is_green(const uint8_t *p) { return p[1] > 150 && p[0] < 70 && p[2] < 70; }
static bool is_blue(const uint8_t *p) { return p[2] > 150 && p[0] < 70 && p[1] < 70; }
static bool is_cyan(const uint8_t *p) { return p[1] > 120 && p[2] > 120 && p[0] < 70; }
static bool is_magenta(const uint8_t *p) { return p[0] > 120 && p[2] > 120 && p[1] < 70; }
static bool is_yellow(const uint8_t *p) { return p[0] > 120 && p[1] > 120 && p[2] < 70; }
static bool is_dark(const uint8_t *p) { return p[0] < 40 && p[1] < 40 && p[2] < 40; }
static bool is_lit(const uint8_t *p) { return p[0] > 60 || p[1] > 60 || p[2] > 60; }

STOA_TEST(vertex_colors_multiply_the_base_colour)
{
    // README: the top ("Test") row shows red, green and blue checkmarks with no
    // cyan / magenta / yellow X; those appear only when vertex colours are ignored.
    stoa_scene *s = gt_load_sample("VertexColorTest/glTF/VertexColorTest.gltf");
    CHECK(s != NULL);
    if (!s)
        return;
    gt_render_desc d = front();
    gt_image img = {0};
    CHECK(gt_render(s, &d, &img));
    if (img.rgba) {
        gt_save(&img, "vertexcolortest");
        const uint32_t cells[3][2] = {{60, 100}, {106, 150}, {153, 197}};
        const px_class want[3] = {is_red, is_green, is_blue};
        const px_class x_mark[3] = {is_cyan, is_magenta, is_yellow};
        for (int c = 0; c < 3; c++) {
            uint32_t check = count_in(&img, cells[c][0], 78, cells[c][1], 120, want[c]);
            uint32_t x = count_in(&img, cells[c][0], 78, cells[c][1], 120, x_mark[c]);
            CHECK_MSG(check > 60 && x < 3, "test cell %d: %u check pixels, %u X pixels", c, check,
                      x);
            uint32_t sample = count_in(&img, cells[c][0], 150, cells[c][1], 192, want[c]);
            CHECK_MSG(sample > 60, "sample cell %d: %u check pixels", c, sample);
        }
    }
    gt_free(&img);
    stoa_scene_destroy(&s);
}

typedef struct square {
    const char *name;
    uint32_t x0, y0, x1, y1;
    int corner; // where the checker marks sit: 0 TL, 1 TR, 2 BL, 3 BR
    double rgb[3];
} square;

STOA_TEST(texture_coordinates_are_the_right_way_up)
{
    // README: the upper-left of the texture maps to the "Top Left" square, and
    // so on; the checker marks sit in each square's own outer corner.
    stoa_scene *s = gt_load_sample("TextureCoordinateTest/glTF/TextureCoordinateTest.gltf");
    CHECK(s != NULL);
    if (!s)
        return;
    gt_render_desc d = front();
    d.w = d.h = 512; // the checker marks are thin
    gt_image img = {0};
    CHECK(gt_render(s, &d, &img));
    square sq[4] = {{"TopLeft", 92, 92, 226, 226, 0, {0}},
                    {"TopRight", 286, 92, 420, 226, 1, {0}},
                    {"BottomLeft", 92, 286, 226, 420, 2, {0}},
                    {"BottomRight", 286, 286, 420, 420, 3, {0}}};
    if (img.rgba) {
        gt_save(&img, "texturecoordinatetest");
        for (int i = 0; i < 4; i++) {
            uint32_t w = (sq[i].x1 - sq[i].x0) / 4, h = (sq[i].y1 - sq[i].y0) / 4;
            uint32_t counts[4];
            for (int c = 0; c < 4; c++) {
                uint32_t x = c & 1 ? sq[i].x1 - w : sq[i].x0;
                uint32_t y = c & 2 ? sq[i].y1 - h : sq[i].y0;
                counts[c] = count_in(&img, x, y, x + w, y + h, is_dark);
            }
            for (int c = 0; c < 4; c++)
                if (c != sq[i].corner)
                    CHECK_MSG(counts[sq[i].corner] > 3 * counts[c] + 20,
                              "%s: %u dark pixels in its own corner, %u in corner %d", sq[i].name,
                              counts[sq[i].corner], counts[c], c);
            gt_mean(&img, sq[i].x0 + w, sq[i].y0 + h + 8, sq[i].x1 - w, sq[i].y1 - h,
                    sq[i].rgb);
        }
        // The squares' own colours, from the materials the file names for
        // them (TopLeftMat ... BottomRightMat): yellow, orange, blue, green.
        CHECK(sq[0].rgb[0] > 120 && sq[0].rgb[1] > 120 && sq[0].rgb[2] < 60);
        CHECK(sq[1].rgb[0] > sq[1].rgb[1] + 40 && sq[1].rgb[1] > sq[1].rgb[2]);
        CHECK(sq[2].rgb[2] > sq[2].rgb[0] + 60 && sq[2].rgb[2] > sq[2].rgb[1] + 30);
        CHECK(sq[3].rgb[1] > sq[3].rgb[0] + 60 && sq[3].rgb[1] > sq[3].rgb[2] + 60);
    }
    gt_free(&img);
    stoa_scene_destroy(&s);
}

static int saturation(const uint8_t *p)
{
    int hi = p[0] > p[1] ? p[0] : p[1], lo = p[0] < p[1] ? p[0] : p[1];
    hi = p[2] > hi ? p[2] : hi;
    lo = p[2] < lo ? p[2] : lo;
    return hi - lo;
}

// In a band of a test box: the fraction of pixels showing the ramp's
// saturated yellow/blue stripes (the marble behind is nearly grey), and the
// mean saturation (which grows with alpha under blending).
static void box_band(const gt_image *img, const stoa_gfx_view *v, float bx, float y0, float y1,
                     double *shown, double *mean)
{
    uint32_t xa, ya, xb, yb;
    gt_project(v, bx + 0.05f, y1, 0.0f, img->w, img->h, &xa, &ya);
    gt_project(v, bx + 0.3f, y0, 0.0f, img->w, img->h, &xb, &yb);
    uint32_t n = 0, sat = 0;
    double sum = 0;
    for (uint32_t y = ya; y < yb; y++)
        for (uint32_t x = xa; x < xb; x++, n++) {
            int s = saturation(gt_px(img, x, y));
            sat += s > 60;
            sum += s;
        }
    *shown = n ? (double)sat / n : 0;
    *mean = n ? sum / n : 0;
}

static bool is_x_red(const uint8_t *p) { return p[0] > 150 && p[1] < 80 && p[2] < 80; }
static bool is_check_green(const uint8_t *p) { return p[1] > 110 && p[0] < 90 && p[2] < 90; }

STOA_TEST(alpha_blend_and_mask_rows_differ_as_specified)
{
    // README: OPAQUE ignores alpha; BLEND shows the alpha ramp fading into the
    // background; MASK cuts the ramp at alphaCutoff 0.25, 0.5 (default) and
    // 0.75: a lower cutoff keeps more of the ramp, each texel either shown or not.
    stoa_scene *s = gt_load_sample("AlphaBlendModeTest/glTF/AlphaBlendModeTest.gltf");
    CHECK(s != NULL);
    if (!s)
        return;
    gt_render_desc d = front();
    d.w = 1024;
    d.h = 384;
    stoa_gfx_view v;
    const float eye[3] = {0, 1.2f, 5.5f}, at[3] = {0, 1.0f, 0}, up[3] = {0, 1, 0};
    stoa_gfx_look_at(eye, at, up, v.view);
    stoa_gfx_projection_perspective(0.55f, 1024.0f / 384.0f, 0.1f, 50.0f, v.projection);
    d.views = &v;
    gt_image img = {0};
    CHECK(gt_render(s, &d, &img));
    if (img.rgba) {
        gt_save(&img, "alphablendmodetest");
        // The ramp runs from alpha 0 at y ~ 1.86 to 1 at y ~ 0.31 (alpha =
        // (1.86 - y) / 1.55). Bands at alpha ~0.12, ~0.38, ~0.64, ~0.9.
        const float boxes[5] = {-3.0f, -1.5f, 0.0f, 1.5f, 3.0f}; // opaque, blend, 25, 50, 75
        const float bands[4][2] = {{1.6f, 1.72f}, {1.21f, 1.33f}, {0.81f, 0.93f}, {0.41f, 0.53f}};
        double lit[5][4], mean[5][4];
        for (int b = 0; b < 5; b++)
            for (int k = 0; k < 4; k++)
                box_band(&img, &v, boxes[b], bands[k][0], bands[k][1], &lit[b][k], &mean[b][k]);
        // Under OPAQUE and BLEND: green check marks, no red X (README).
        uint32_t red = count_in(&img, 0, 300, 450, 350, is_x_red);
        uint32_t green = count_in(&img, 0, 300, 450, 350, is_check_green);
        CHECK_MSG(red < 5 && green > 40, "label row: %u red X pixels, %u green check pixels", red,
                  green);
        for (int k = 0; k < 4; k++)
            CHECK_MSG(lit[0][k] > 0.9, "opaque band %d lit %.2f", k, lit[0][k]);
        CHECK_MSG(mean[1][0] + 10 < mean[1][1] && mean[1][1] + 10 < mean[1][2] &&
                      mean[1][2] + 10 < mean[1][3],
                  "blend means %.0f %.0f %.0f %.0f", mean[1][0], mean[1][1], mean[1][2],
                  mean[1][3]);
        const int shown[3][4] = {{0, 1, 1, 1}, {0, 0, 1, 1}, {0, 0, 0, 1}}; // 0.25, 0.5, 0.75
        for (int b = 0; b < 3; b++)
            for (int k = 0; k < 4; k++)
                CHECK_MSG(shown[b][k] ? lit[2 + b][k] > 0.9 : lit[2 + b][k] < 0.1,
                          "cutoff box %d band %d: %.2f lit", b, k, lit[2 + b][k]);
    }
    gt_free(&img);
    stoa_scene_destroy(&s);
}

// Brightness of the right half minus the left half of a cell: which side the
// key light seems to come from.
static double side_bias(const gt_image *img, uint32_t x0, uint32_t y0, uint32_t size)
{
    double l[3], r[3];
    gt_mean(img, x0 + size / 8, y0 + size / 8, x0 + size / 2, y0 + size * 7 / 8, l);
    gt_mean(img, x0 + size / 2, y0 + size / 8, x0 + size * 7 / 8, y0 + size * 7 / 8, r);
    return (r[0] + r[1] + r[2] - l[0] - l[1] - l[2]) / 3.0;
}

// README: each pair shows real geometry (left) and a normal-mapped quad
// (right) in five UV orientations; a correct renderer shades both alike. The
// file has no tangents, so this checks the tangents the renderer derives, and
// (loaded with defaults) the ones the scene module generates.
static void check_normal_pairs(const char *tag, const stoa_scene_load_desc *desc)
{
    stoa_scene *s = gt_load_sample_desc("NormalTangentTest/glTF/NormalTangentTest.gltf", desc);
    CHECK(s != NULL);
    if (!s)
        return;
    gt_render_desc d = front();
    d.w = d.h = 384;
    gt_image img = {0};
    CHECK(gt_render(s, &d, &img));
    if (img.rgba) {
        char name[64];
        snprintf(name, sizeof name, "normaltangenttest-%s", tag);
        gt_save(&img, name);
        const uint32_t cols[3] = {69, 158, 247}, rows[5] = {72, 117, 162, 207, 251};
        for (int c = 0; c < 2; c++) // the dark third column shows too little
            for (int r = 0; r < 5; r++) {
                double geo = side_bias(&img, cols[c], rows[r], 34);
                double mapped = side_bias(&img, cols[c] + 35, rows[r], 34);
                CHECK_MSG(fabs(geo - mapped) < 12.0, "%s: cell %d,%d: geometry %.1f, normal map %.1f",
                          tag, c, r, geo, mapped);
            }
    }
    gt_free(&img);
    stoa_scene_destroy(&s);
}

STOA_TEST(normal_maps_shade_like_the_geometry_they_fake)
{
    stoa_scene_load_desc derive = {.no_generated_tangents = true};
    check_normal_pairs("derived", &derive);
}

// The same with the tangents runtime/scene generates (Assimp's tangent space
// turned into glTF's xyz + handedness w).
STOA_TEST(generated_tangents_shade_like_the_geometry)
{
    check_normal_pairs("generated", NULL);
}

// Renders `s` posed at time t (every animation) from a fixed view of its rest bounds.
static bool render_at(const stoa_scene *s, float t, const stoa_gfx_render_options *opt,
                      gt_image *out)
{
    stoa_pose *pose = stoa_pose_create(s);
    if (!pose)
        return false;
    stoa_pose_reset(pose);
    for (uint32_t i = 0; i < s->animation_count; i++)
        stoa_pose_apply_animation(pose, i, t);
    stoa_pose_update(pose);
    gt_render_desc d = front();
    stoa_gfx_view v;
    stoa_gfx_view_frame_bounds(s->bounds_min, s->bounds_max, 0.6f, 0.3f, 0.8f, 1.0f, &v);
    d.views = &v;
    d.pose = pose;
    if (opt)
        d.options = *opt;
    d.options.clear_color[3] = 1.0f;
    bool ok = gt_render(s, &d, out);
    stoa_pose_destroy(&pose);
    return ok;
}

STOA_TEST(cesium_man_skinning_moves_the_figure)
{
    stoa_scene *s = gt_load_sample("CesiumMan/glTF-Binary/CesiumMan.glb");
    CHECK(s != NULL);
    if (!s)
        return;
    CHECK(s->skin_count == 1);
    gt_image a = {0}, b = {0}, bind = {0};
    stoa_gfx_render_options no_skin = {.no_skinning = true};
    CHECK(render_at(s, 0.3f, NULL, &a));
    CHECK(render_at(s, 1.1f, NULL, &b));
    CHECK(render_at(s, 1.1f, &no_skin, &bind));
    gt_save(&a, "cesiumman-t0.3");
    gt_save(&b, "cesiumman-t1.1");
    gt_save(&bind, "cesiumman-t1.1-noskin");
    if (a.rgba && b.rgba && bind.rgba) {
        uint32_t figure = count_in(&a, 0, 0, 256, 256, is_lit);
        CHECK_MSG(figure > 256 * 256 / 50, "figure covers %u pixels", figure);
        double moved = gt_diff_fraction(&a, &b, 24);
        double skin = gt_diff_fraction(&b, &bind, 24);
        CHECK_MSG(moved > 0.01, "t=0.3 vs t=1.1: %.4f of pixels differ", moved);
        CHECK_MSG(skin > 0.01, "skinned vs bind pose: %.4f of pixels differ", skin);
    }
    gt_free(&a);
    gt_free(&b);
    gt_free(&bind);
    stoa_scene_destroy(&s);
}

STOA_TEST(animated_morph_cube_changes_shape)
{
    stoa_scene *s = gt_load_sample("AnimatedMorphCube/glTF/AnimatedMorphCube.gltf");
    CHECK(s != NULL);
    if (!s)
        return;
    gt_image a = {0}, b = {0}, off = {0};
    stoa_gfx_render_options no_morph = {.no_morphing = true};
    CHECK(render_at(s, 0.0f, NULL, &a));
    CHECK(render_at(s, 1.3f, NULL, &b));
    CHECK(render_at(s, 1.3f, &no_morph, &off));
    gt_save(&a, "morphcube-t0");
    gt_save(&b, "morphcube-t1.3");
    gt_save(&off, "morphcube-t1.3-nomorph");
    double changed = gt_diff_fraction(&a, &b, 24);
    double morph = gt_diff_fraction(&b, &off, 24);
    CHECK_MSG(changed > 0.01, "t=0 vs t=1.3: %.4f of pixels differ", changed);
    CHECK_MSG(morph > 0.01, "morphed vs not: %.4f of pixels differ", morph);
    gt_free(&a);
    gt_free(&b);
    gt_free(&off);
    stoa_scene_destroy(&s);
}

// The frame-cost check of test_gfx_basic on a heavier skinned model.
STOA_TEST(recording_a_cesium_man_stereo_frame_is_cheap)
{
    stoa_scene *scene = gt_load_sample("CesiumMan/glTF-Binary/CesiumMan.glb");
    CHECK(scene != NULL);
    gt_frame_times t;
    if (scene && gt_time_stereo_frames(scene, &t)) {
        printf("CesiumMan stereo frame: pose %.3f ms, record %.3f ms (median of %d; p90 %.3f)\n",
               t.pose_ms, t.record_ms, t.frames, t.record_p90_ms);
        CHECK(t.record_ms < 2.0);
    }
    stoa_scene_destroy(&scene);
}

int main(int argc, char **argv)
{
    stoa_test_require_samples(); // exits with the skip code when they are not there
    return gt_test_main(argc, argv); // the validation messages too
}
