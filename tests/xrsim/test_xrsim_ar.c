// SPDX-License-Identifier: Apache-2.0
// AR on xrsim: environment blend modes offered by the script, and the
// captured picture composited as a headset shows it — the real room (the
// simulated camera) where the layer is transparent, the layer where it is
// opaque, premultiplied edges blended in linear light. Runs under the
// OpenXR core validation layer (tests/xrsim/CMakeLists.txt).
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wunused-function"
#define STB_IMAGE_WRITE_STATIC
#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb_image_write.h>
#pragma GCC diagnostic pop

#include "stoa_test.h"
#include "xrsim_ar_frame.h"

// The camera is one flat sRGB colour (script camera.color) so every
// background pixel is known.
#define CAM_R 200
#define CAM_G 100
#define CAM_B 50

// Columns of the pattern (the same in both eyes).
enum { COL_CLEAR = 8, COL_HALF = 24, COL_GREEN = 40, COL_UNPRE = 56 };

// The pattern: x < 16 transparent; 16..31 premultiplied half-alpha red
// (linear 0.5 red at alpha 0.5 -> 128, 0, 0, 128); 32..47 opaque green;
// 48..63 (unused by the premultiplied cases) the same texel as 16..31.
static bool g_clear; // the camera test: every texel transparent

static void pattern(arf_frame *f)
{
    for (int y = 0; y < ARF_EYE_H; y++)
        for (int x = 0; x < ARF_EYE_W; x++) {
            uint8_t *t = f->texels[y][x];
            t[0] = t[1] = t[2] = t[3] = 0;
            if (g_clear)
                continue;
            if (x >= 16 && (x < 32 || x >= 48))
                t[0] = 128, t[3] = 128;
            else if (x >= 32 && x < 48)
                t[1] = 255, t[3] = 255;
        }
}

static void check_px(const arf_frame *f, int col, double r, double g, double b, const char *what)
{
    for (int eye = 0; eye < 2; eye++) {
        const uint8_t *p = arf_px(f, eye, col, ARF_EYE_H / 2);
        CHECK_MSG(fabs(p[0] - r) <= 1.5 && fabs(p[1] - g) <= 1.5 && fabs(p[2] - b) <= 1.5,
                  "%s, eye %d: got %d %d %d, want %.1f %.1f %.1f", what, eye, p[0], p[1], p[2], r,
                  g, b);
    }
}

// One frame in `blend` with `flags` on the projection layer.
static void run(arf_frame *f, const char *script, XrEnvironmentBlendMode blend,
                XrCompositionLayerFlags flags)
{
    tapp a;
    tapp_env(&a, true);
    arf_env(&a);
    setenv("XR_ENABLE_API_LAYERS", "XR_APILAYER_LUNARG_core_validation", 1);
    tapp_script(&a, script);
    CHECK(tapp_create(&a) == XR_SUCCESS);
    CHECK(tapp_session(&a) == XR_SUCCESS);
    XrSpace local;
    arf_begin(&a, &local);
    pattern(f);
    f->blend = blend;
    f->flags = flags;
    CHECK(arf_submit(&a, local, f));
    tapp_destroy(&a);
    // The summary counts the frame under its blend mode.
    static const char *names[] = {"", "OPAQUE", "ADDITIVE", "ALPHA_BLEND"};
    cJSON *sum = tapp_summary(&a);
    cJSON *by = cJSON_GetObjectItem(cJSON_GetObjectItem(sum, "ar"), "frames_by_blend_mode");
    cJSON *n = cJSON_GetObjectItem(by, names[blend]);
    CHECK_MSG(cJSON_IsNumber(n) && n->valuedouble >= 1, "summary ar.frames_by_blend_mode.%s",
              names[blend]);
    cJSON_Delete(sum);
}

static const char *k_flat = "camera: {color: [200, 100, 50]}\n";

// What the camera's colour plus `add` (linear) is, per channel, in sRGB.
static double lin(int s)
{
    return arf_srgb_to_linear(s);
}

STOA_TEST(default_headset_offers_opaque_then_alpha_blend)
{
    tapp a;
    tapp_env(&a, false);
    setenv("XR_ENABLE_API_LAYERS", "XR_APILAYER_LUNARG_core_validation", 1);
    CHECK(tapp_create(&a) == XR_SUCCESS);
    XrEnvironmentBlendMode modes[4];
    uint32_t n = 0;
    CHECK(xrEnumerateEnvironmentBlendModes(a.instance, a.system,
                                           XR_VIEW_CONFIGURATION_TYPE_PRIMARY_STEREO, 4, &n,
                                           modes) == XR_SUCCESS);
    CHECK(n == 2 && modes[0] == XR_ENVIRONMENT_BLEND_MODE_OPAQUE &&
          modes[1] == XR_ENVIRONMENT_BLEND_MODE_ALPHA_BLEND);
    tapp_destroy(&a);
    // The script chooses the modes and their order.
    tapp_env(&a, false);
    setenv("XR_ENABLE_API_LAYERS", "XR_APILAYER_LUNARG_core_validation", 1);
    tapp_script(&a, "blend_modes: [ADDITIVE, opaque]\n");
    CHECK(tapp_create(&a) == XR_SUCCESS);
    CHECK(xrEnumerateEnvironmentBlendModes(a.instance, a.system,
                                           XR_VIEW_CONFIGURATION_TYPE_PRIMARY_STEREO, 4, &n,
                                           modes) == XR_SUCCESS);
    CHECK(n == 2 && modes[0] == XR_ENVIRONMENT_BLEND_MODE_ADDITIVE &&
          modes[1] == XR_ENVIRONMENT_BLEND_MODE_OPAQUE);
    tapp_destroy(&a);
}

STOA_TEST(alpha_blend_premultiplied_shows_the_room_behind)
{
    arf_frame f = {0};
    run(&f, k_flat, XR_ENVIRONMENT_BLEND_MODE_ALPHA_BLEND,
        XR_COMPOSITION_LAYER_BLEND_TEXTURE_SOURCE_ALPHA_BIT);
    if (!f.png)
        return;
    check_px(&f, COL_CLEAR, CAM_R, CAM_G, CAM_B, "transparent: the camera");
    check_px(&f, COL_GREEN, 0, 255, 0, "opaque: the layer");
    // Premultiplied: out = layer.rgb + (1 - a) * camera, in linear light.
    double a = 128 / 255.0, red = 128 / 255.0;
    check_px(&f, COL_HALF, arf_linear_to_srgb(red + (1 - a) * lin(CAM_R)),
             arf_linear_to_srgb((1 - a) * lin(CAM_G)), arf_linear_to_srgb((1 - a) * lin(CAM_B)),
             "half alpha edge");
    free(f.png);
}

STOA_TEST(alpha_blend_unpremultiplied_multiplies_colour_by_alpha)
{
    arf_frame f = {0};
    run(&f, k_flat, XR_ENVIRONMENT_BLEND_MODE_ALPHA_BLEND,
        XR_COMPOSITION_LAYER_BLEND_TEXTURE_SOURCE_ALPHA_BIT |
            XR_COMPOSITION_LAYER_UNPREMULTIPLIED_ALPHA_BIT);
    if (!f.png)
        return;
    double a = 128 / 255.0, red = 128 / 255.0;
    check_px(&f, COL_HALF, arf_linear_to_srgb(red * a + (1 - a) * lin(CAM_R)),
             arf_linear_to_srgb((1 - a) * lin(CAM_G)), arf_linear_to_srgb((1 - a) * lin(CAM_B)),
             "unpremultiplied half alpha");
    check_px(&f, COL_CLEAR, CAM_R, CAM_G, CAM_B, "transparent");
    free(f.png);
}

STOA_TEST(alpha_blend_without_source_alpha_covers_the_room)
{
    // Without XR_COMPOSITION_LAYER_BLEND_TEXTURE_SOURCE_ALPHA_BIT the
    // texture's alpha is taken as 1: the layer hides the room everywhere.
    arf_frame f = {0};
    run(&f, k_flat, XR_ENVIRONMENT_BLEND_MODE_ALPHA_BLEND, 0);
    if (!f.png)
        return;
    check_px(&f, COL_CLEAR, 0, 0, 0, "transparent texel, alpha ignored");
    check_px(&f, COL_HALF, arf_linear_to_srgb(128 / 255.0), 0, 0, "half texel, alpha ignored");
    free(f.png);
}

STOA_TEST(opaque_ignores_alpha_and_the_room)
{
    arf_frame f = {0};
    run(&f, k_flat, XR_ENVIRONMENT_BLEND_MODE_OPAQUE,
        XR_COMPOSITION_LAYER_BLEND_TEXTURE_SOURCE_ALPHA_BIT);
    if (!f.png)
        return;
    check_px(&f, COL_CLEAR, 0, 0, 0, "transparent shows black, not the room");
    check_px(&f, COL_HALF, arf_linear_to_srgb(128 / 255.0), 0, 0, "premultiplied colour as is");
    check_px(&f, COL_GREEN, 0, 255, 0, "opaque");
    free(f.png);
}

STOA_TEST(additive_adds_the_layer_to_the_room)
{
    arf_frame f = {0};
    run(&f, "blend_modes: [ADDITIVE, OPAQUE]\ncamera: {color: [200, 100, 50]}\n",
        XR_ENVIRONMENT_BLEND_MODE_ADDITIVE, XR_COMPOSITION_LAYER_BLEND_TEXTURE_SOURCE_ALPHA_BIT);
    if (!f.png)
        return;
    check_px(&f, COL_CLEAR, CAM_R, CAM_G, CAM_B, "black is transparent");
    check_px(&f, COL_GREEN, CAM_R, 255, CAM_B, "green light added, clamped");
    check_px(&f, COL_HALF, arf_linear_to_srgb(lin(CAM_R) + 128 / 255.0), CAM_G, CAM_B,
             "red light added");
    free(f.png);
}

// Projects a STAGE point into eye e's picture (views from xrLocateViews).
static bool project(const arf_frame *f, int e, const double p[3], int *x, int *y)
{
    const XrPosef *v = &f->views[e].pose;
    double d[3] = {p[0] - v->position.x, p[1] - v->position.y, p[2] - v->position.z};
    // Rotate by the inverse orientation: q* d q.
    double qx = -v->orientation.x, qy = -v->orientation.y, qz = -v->orientation.z,
           qw = v->orientation.w;
    double tx = 2 * (qy * d[2] - qz * d[1]), ty = 2 * (qz * d[0] - qx * d[2]),
           tz = 2 * (qx * d[1] - qy * d[0]);
    double r[3] = {d[0] + qw * tx + (qy * tz - qz * ty), d[1] + qw * ty + (qz * tx - qx * tz),
                   d[2] + qw * tz + (qx * ty - qy * tx)};
    if (r[2] >= 0)
        return false;
    double u = r[0] / -r[2], w = r[1] / -r[2];
    const XrFovf *fov = &f->views[e].fov;
    double l = tan(fov->angleLeft), rt = tan(fov->angleRight), up = tan(fov->angleUp),
           dn = tan(fov->angleDown);
    *x = (int)((u - l) / (rt - l) * ARF_EYE_W);
    *y = (int)((up - w) / (up - dn) * ARF_EYE_H);
    return *x >= 0 && *x < ARF_EYE_W && *y >= 0 && *y < ARF_EYE_H;
}

static void classroom(arf_frame *f, const char *script)
{
    tapp a;
    tapp_env(&a, false);
    arf_env(&a);
    setenv("XR_ENABLE_API_LAYERS", "XR_APILAYER_LUNARG_core_validation", 1);
    tapp_script(&a, script);
    CHECK(tapp_create(&a) == XR_SUCCESS);
    CHECK(tapp_session(&a) == XR_SUCCESS);
    XrSpace local;
    arf_begin(&a, &local);
    f->blend = XR_ENVIRONMENT_BLEND_MODE_ALPHA_BLEND;
    f->flags = XR_COMPOSITION_LAYER_BLEND_TEXTURE_SOURCE_ALPHA_BIT;
    f->located_views = true; // texels all 0: fully transparent
    CHECK(arf_submit(&a, local, f));
    tapp_destroy(&a);
}

STOA_TEST(built_in_classroom_is_seen_from_each_eye)
{
    arf_frame f = {0};
    classroom(&f, "head: [{t: 0, position: [0, 1.7, 0]}]\n");
    if (!f.png)
        return;
    const double table[3] = {0, 0.75, -1.0}, board[3] = {1.2, 1.5, -5};
    for (int e = 0; e < 2; e++) {
        int x, y;
        CHECK(project(&f, e, table, &x, &y));
        const uint8_t *p = arf_px(&f, e, x, y);
        // The table top (196, 150, 98), lit from above.
        CHECK_MSG(abs(p[0] - 196) <= 3 && abs(p[1] - 150) <= 3 && abs(p[2] - 98) <= 3,
                  "eye %d table at %d,%d: %d %d %d", e, x, y, p[0], p[1], p[2]);
        CHECK(project(&f, e, board, &x, &y));
        p = arf_px(&f, e, x, y);
        CHECK_MSG(p[0] > 225 && p[1] > 225 && p[2] > 225, "eye %d whiteboard: %d %d %d", e, p[0],
                  p[1], p[2]);
    }
    free(f.png);
    // Turned 60° to the left, the window (sky blue) is ahead.
    arf_frame g = {0};
    classroom(&g, "head: [{t: 0, position: [0, 1.7, 0], yaw: 60}]\n");
    if (!g.png)
        return;
    const double window[3] = {-4, 1.6, -2};
    for (int e = 0; e < 2; e++) {
        int x, y;
        CHECK(project(&g, e, window, &x, &y));
        const uint8_t *p = arf_px(&g, e, x, y);
        CHECK_MSG(p[2] > 200 && p[2] > p[0] + 30, "eye %d window: %d %d %d", e, p[0], p[1], p[2]);
    }
    free(g.png);
}

STOA_TEST(camera_image_is_an_environment_map)
{
    // A 4 x 2 equirectangular image: columns red, green, blue, white from
    // behind-left round to behind-right; straight ahead (-Z) is column 2.
    tapp a;
    tapp_env(&a, false);
    const uint8_t px[2][4][3] = {{{255, 0, 0}, {0, 255, 0}, {0, 0, 255}, {255, 255, 255}},
                                 {{255, 0, 0}, {0, 255, 0}, {0, 0, 255}, {255, 255, 255}}};
    char png[300], script[400];
    snprintf(png, sizeof png, "%s/pano.png", a.dir);
    CHECK(stbi_write_png(png, 4, 2, 3, px, 12) != 0);
    snprintf(script, sizeof script, "camera: {image: %s}\n", png);
    arf_frame f = {0};
    g_clear = true;
    run(&f, script, XR_ENVIRONMENT_BLEND_MODE_ALPHA_BLEND,
        XR_COMPOSITION_LAYER_BLEND_TEXTURE_SOURCE_ALPHA_BIT);
    g_clear = false;
    if (!f.png)
        return;
    // Identity views with a 90° field: the centre looks along -Z (blue),
    // the left edge 45° to the left (green); the layer is transparent there.
    const uint8_t *c = arf_px(&f, 0, ARF_EYE_W / 2 + 4, 4);
    CHECK_MSG(c[0] < 5 && c[1] < 5 && c[2] > 250, "ahead: %d %d %d", c[0], c[1], c[2]);
    const uint8_t *l = arf_px(&f, 0, 1, 4);
    CHECK_MSG(l[0] < 5 && l[1] > 250 && l[2] < 5, "left: %d %d %d", l[0], l[1], l[2]);
    free(f.png);
}

STOA_TEST(camera_image_that_cannot_be_read_fails_the_instance)
{
    tapp a;
    tapp_env(&a, false);
    // Not under the validation layer: Debian's (1.0.20) prints "INTERNAL
    // VALIDATION LAYER ERROR: Null handle" when a runtime refuses xrCreateInstance.
    unsetenv("XR_ENABLE_API_LAYERS");
    tapp_script(&a, "camera: {image: no-such-picture.png}\n");
    CHECK(tapp_create(&a) == XR_ERROR_INITIALIZATION_FAILED);
    tapp_destroy(&a);
}

STOA_TEST(xrEndFrame_refuses_a_blend_mode_not_offered)
{
    tapp a;
    tapp_env(&a, false);
    setenv("XR_ENABLE_API_LAYERS", "XR_APILAYER_LUNARG_core_validation", 1);
    tapp_script(&a, "blend_modes: [OPAQUE]\n"); // a VR-only headset
    CHECK(tapp_create(&a) == XR_SUCCESS);
    CHECK(tapp_session(&a) == XR_SUCCESS);
    XrSessionBeginInfo bi = {XR_TYPE_SESSION_BEGIN_INFO, NULL,
                             XR_VIEW_CONFIGURATION_TYPE_PRIMARY_STEREO};
    tapp_poll(&a);
    CHECK(xrBeginSession(a.session, &bi) == XR_SUCCESS);
    XrFrameState fs = {XR_TYPE_FRAME_STATE};
    CHECK(xrWaitFrame(a.session, NULL, &fs) == XR_SUCCESS);
    CHECK(xrBeginFrame(a.session, NULL) == XR_SUCCESS);
    XrFrameEndInfo end = {XR_TYPE_FRAME_END_INFO,
                          NULL,
                          fs.predictedDisplayTime,
                          XR_ENVIRONMENT_BLEND_MODE_ALPHA_BLEND,
                          0,
                          NULL};
    CHECK(xrEndFrame(a.session, &end) == XR_ERROR_ENVIRONMENT_BLEND_MODE_UNSUPPORTED);
    end.environmentBlendMode = XR_ENVIRONMENT_BLEND_MODE_OPAQUE;
    CHECK(xrEndFrame(a.session, &end) == XR_SUCCESS);
    tapp_destroy(&a);
}

STOA_TEST_MAIN()
