// SPDX-License-Identifier: Apache-2.0
// xrsim's AR extensions: XR_FB_passthrough composited in captures at its
// place in the layer order with its opacity, XR_EXT_plane_detection's
// simulated planes, XR_MSFT_spatial_anchor(_persistence). Runs under the
// OpenXR core validation layer (tests/xrsim/CMakeLists.txt).
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stoa_test.h"
#include "xr/stoa_openxr_ext.h"
#include "xrsim_ar_frame.h"

#define CAM_R 200
#define CAM_G 100
#define CAM_B 50

static void env(tapp *a, const char *script)
{
    tapp_env(a, false);
    arf_env(a);
    setenv("XR_ENABLE_API_LAYERS", "XR_APILAYER_LUNARG_core_validation", 1);
    if (script)
        tapp_script(a, script);
}

static PFN_xrVoidFunction fn(tapp *a, const char *name)
{
    PFN_xrVoidFunction f = NULL;
    CHECK_MSG(xrGetInstanceProcAddr(a->instance, name, &f) == XR_SUCCESS && f, "%s", name);
    return f;
}

static bool offers(const char *ext)
{
    XrExtensionProperties props[16];
    uint32_t n = 0;
    for (int i = 0; i < 16; i++)
        props[i] = (XrExtensionProperties){XR_TYPE_EXTENSION_PROPERTIES};
    CHECK(xrEnumerateInstanceExtensionProperties(NULL, 16, &n, props) == XR_SUCCESS);
    for (uint32_t i = 0; i < n; i++)
        if (strcmp(props[i].extensionName, ext) == 0)
            return true;
    return false;
}

STOA_TEST(passthrough_is_offered_by_the_video_passthrough_headset_only)
{
    tapp a;
    env(&a, NULL);
    CHECK(offers(XR_FB_PASSTHROUGH_EXTENSION_NAME));
    env(&a, "passthrough: false\n");
    CHECK(!offers(XR_FB_PASSTHROUGH_EXTENSION_NAME));
    env(&a, "blend_modes: [ADDITIVE]\n"); // a see-through display has no cameras to pass through
    CHECK(!offers(XR_FB_PASSTHROUGH_EXTENSION_NAME));
    env(&a, "blend_modes: [OPAQUE]\npassthrough: true\n");
    CHECK(offers(XR_FB_PASSTHROUGH_EXTENSION_NAME));
}

// A headset that keeps no anchors across sessions (anchors.persistence:
// false): XR_MSFT_spatial_anchor without its persistence extension.
STOA_TEST(anchor_persistence_can_be_withheld)
{
    tapp a;
    env(&a, NULL);
    CHECK(offers(XR_MSFT_SPATIAL_ANCHOR_EXTENSION_NAME) &&
          offers(XR_MSFT_SPATIAL_ANCHOR_PERSISTENCE_EXTENSION_NAME));
    env(&a, "anchors: {persistence: false}\n");
    CHECK(offers(XR_MSFT_SPATIAL_ANCHOR_EXTENSION_NAME));
    CHECK(!offers(XR_MSFT_SPATIAL_ANCHOR_PERSISTENCE_EXTENSION_NAME));
}

typedef struct pt_fns {
    PFN_xrCreatePassthroughFB create;
    PFN_xrPassthroughStartFB start;
    PFN_xrCreatePassthroughLayerFB create_layer;
    PFN_xrPassthroughLayerSetStyleFB style;
    PFN_xrPassthroughLayerPauseFB pause_layer;
    PFN_xrDestroyPassthroughFB destroy;
} pt_fns;

// One OPAQUE frame with a passthrough layer of `opacity` before (or after)
// the pattern's projection layer (premultiplied, SOURCE_ALPHA).
static void passthrough_frame(arf_frame *f, float opacity, bool after, bool paused)
{
    tapp a;
    env(&a, "camera: {color: [200, 100, 50]}\n");
    // Debian's OpenXR core validation layer (1.0.20) knows XR_FB_passthrough's
    // functions but not its composition layer: it fails xrEndFrame with
    // "XrCompositionLayerBaseHeader has an invalid XrStructureType" and does
    // not pass the call on. So these frames run without it (the functions
    // are checked under it in passthrough_functions_under_validation).
    unsetenv("XR_ENABLE_API_LAYERS");
    a.extra_extensions[0] = XR_FB_PASSTHROUGH_EXTENSION_NAME;
    CHECK(tapp_create(&a) == XR_SUCCESS);
    CHECK(tapp_session(&a) == XR_SUCCESS);
    pt_fns p = {(PFN_xrCreatePassthroughFB)fn(&a, "xrCreatePassthroughFB"),
                (PFN_xrPassthroughStartFB)fn(&a, "xrPassthroughStartFB"),
                (PFN_xrCreatePassthroughLayerFB)fn(&a, "xrCreatePassthroughLayerFB"),
                (PFN_xrPassthroughLayerSetStyleFB)fn(&a, "xrPassthroughLayerSetStyleFB"),
                (PFN_xrPassthroughLayerPauseFB)fn(&a, "xrPassthroughLayerPauseFB"),
                (PFN_xrDestroyPassthroughFB)fn(&a, "xrDestroyPassthroughFB")};
    XrSpace local;
    arf_begin(&a, &local);
    // Created paused (flags 0 is valid in XR_FB_passthrough version 2 on;
    // version 1, Debian's validation layer, requires a flag), then started.
    XrPassthroughCreateInfoFB pci = {XR_TYPE_PASSTHROUGH_CREATE_INFO_FB};
    XrPassthroughFB pt;
    CHECK(p.create(a.session, &pci, &pt) == XR_SUCCESS);
    CHECK(p.start(pt) == XR_SUCCESS);
    XrPassthroughLayerCreateInfoFB lci = {XR_TYPE_PASSTHROUGH_LAYER_CREATE_INFO_FB, NULL, pt,
                                          XR_PASSTHROUGH_IS_RUNNING_AT_CREATION_BIT_FB,
                                          XR_PASSTHROUGH_LAYER_PURPOSE_RECONSTRUCTION_FB};
    XrPassthroughLayerFB layer;
    CHECK(p.create_layer(a.session, &lci, &layer) == XR_SUCCESS);
    XrPassthroughStyleFB style = {XR_TYPE_PASSTHROUGH_STYLE_FB, NULL, opacity, {0, 0, 0, 0}};
    CHECK(p.style(layer, &style) == XR_SUCCESS);
    if (paused)
        CHECK(p.pause_layer(layer) == XR_SUCCESS);
    XrCompositionLayerPassthroughFB pl = {XR_TYPE_COMPOSITION_LAYER_PASSTHROUGH_FB, NULL, 0,
                                          XR_NULL_HANDLE, layer};
    for (int y = 0; y < ARF_EYE_H; y++)
        for (int x = 0; x < ARF_EYE_W; x++) {
            uint8_t *t = f->texels[y][x];
            memset(t, 0, 4);
            if (x >= 16 && x < 32)
                t[0] = 128, t[3] = 128; // premultiplied half-alpha red
            else if (x >= 32)
                t[1] = 255, t[3] = 255; // opaque green
        }
    f->blend = XR_ENVIRONMENT_BLEND_MODE_OPAQUE;
    f->flags = XR_COMPOSITION_LAYER_BLEND_TEXTURE_SOURCE_ALPHA_BIT;
    if (after)
        f->after = (const XrCompositionLayerBaseHeader *)&pl;
    else
        f->before = (const XrCompositionLayerBaseHeader *)&pl;
    CHECK(arf_submit(&a, local, f));
    CHECK(p.destroy(pt) == XR_SUCCESS); // its layer goes with it
    tapp_destroy(&a);
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

STOA_TEST(passthrough_layer_below_the_scene_with_its_opacity)
{
    arf_frame f = {0};
    passthrough_frame(&f, 0.5f, false, false);
    if (!f.png)
        return;
    const double cam[3] = {arf_srgb_to_linear(CAM_R), arf_srgb_to_linear(CAM_G),
                           arf_srgb_to_linear(CAM_B)};
    check_px(&f, 8, arf_linear_to_srgb(0.5 * cam[0]), arf_linear_to_srgb(0.5 * cam[1]),
             arf_linear_to_srgb(0.5 * cam[2]), "transparent: half the room over black");
    double a = 128 / 255.0;
    check_px(&f, 24, arf_linear_to_srgb(a + (1 - a) * 0.5 * cam[0]),
             arf_linear_to_srgb((1 - a) * 0.5 * cam[1]), arf_linear_to_srgb((1 - a) * 0.5 * cam[2]),
             "premultiplied edge over the passthrough");
    check_px(&f, 40, 0, 255, 0, "opaque scene");
    free(f.png);
}

STOA_TEST(passthrough_layer_above_the_scene_fades_it_into_the_room)
{
    arf_frame f = {0};
    passthrough_frame(&f, 0.25f, true, false);
    if (!f.png)
        return;
    check_px(&f, 40, arf_linear_to_srgb(0.25 * arf_srgb_to_linear(CAM_R)),
             arf_linear_to_srgb(0.25 * arf_srgb_to_linear(CAM_G) + 0.75),
             arf_linear_to_srgb(0.25 * arf_srgb_to_linear(CAM_B)), "a quarter room over green");
    free(f.png);
}

STOA_TEST(paused_passthrough_layer_shows_nothing)
{
    arf_frame f = {0};
    passthrough_frame(&f, 1.0f, false, true);
    if (!f.png)
        return;
    check_px(&f, 8, 0, 0, 0, "paused: black behind the scene");
    free(f.png);
}

STOA_TEST(passthrough_functions_under_validation)
{
    tapp a;
    env(&a, NULL);
    a.extra_extensions[0] = XR_FB_PASSTHROUGH_EXTENSION_NAME;
    CHECK(tapp_create(&a) == XR_SUCCESS);
    CHECK(tapp_session(&a) == XR_SUCCESS);
    PFN_xrCreatePassthroughFB create = (PFN_xrCreatePassthroughFB)fn(&a, "xrCreatePassthroughFB");
    PFN_xrPassthroughPauseFB pause = (PFN_xrPassthroughPauseFB)fn(&a, "xrPassthroughPauseFB");
    PFN_xrPassthroughStartFB start = (PFN_xrPassthroughStartFB)fn(&a, "xrPassthroughStartFB");
    PFN_xrCreatePassthroughLayerFB create_layer =
        (PFN_xrCreatePassthroughLayerFB)fn(&a, "xrCreatePassthroughLayerFB");
    PFN_xrPassthroughLayerSetStyleFB style =
        (PFN_xrPassthroughLayerSetStyleFB)fn(&a, "xrPassthroughLayerSetStyleFB");
    PFN_xrPassthroughLayerPauseFB lpause =
        (PFN_xrPassthroughLayerPauseFB)fn(&a, "xrPassthroughLayerPauseFB");
    PFN_xrPassthroughLayerResumeFB lresume =
        (PFN_xrPassthroughLayerResumeFB)fn(&a, "xrPassthroughLayerResumeFB");
    PFN_xrDestroyPassthroughLayerFB destroy_layer =
        (PFN_xrDestroyPassthroughLayerFB)fn(&a, "xrDestroyPassthroughLayerFB");
    PFN_xrDestroyPassthroughFB destroy =
        (PFN_xrDestroyPassthroughFB)fn(&a, "xrDestroyPassthroughFB");
    XrPassthroughCreateInfoFB pci = {XR_TYPE_PASSTHROUGH_CREATE_INFO_FB, NULL,
                                     XR_PASSTHROUGH_IS_RUNNING_AT_CREATION_BIT_FB};
    XrPassthroughFB pt;
    CHECK(create(a.session, &pci, &pt) == XR_SUCCESS);
    CHECK(pause(pt) == XR_SUCCESS);
    CHECK(start(pt) == XR_SUCCESS);
    XrPassthroughLayerCreateInfoFB lci = {XR_TYPE_PASSTHROUGH_LAYER_CREATE_INFO_FB, NULL, pt,
                                          XR_PASSTHROUGH_IS_RUNNING_AT_CREATION_BIT_FB,
                                          XR_PASSTHROUGH_LAYER_PURPOSE_RECONSTRUCTION_FB};
    XrPassthroughLayerFB layer;
    CHECK(create_layer(a.session, &lci, &layer) == XR_SUCCESS);
    XrPassthroughStyleFB st = {XR_TYPE_PASSTHROUGH_STYLE_FB, NULL, 0.75f, {0, 0, 0, 0}};
    CHECK(style(layer, &st) == XR_SUCCESS);
    CHECK(lpause(layer) == XR_SUCCESS);
    CHECK(lresume(layer) == XR_SUCCESS);
    CHECK(destroy_layer(layer) == XR_SUCCESS);
    CHECK(destroy(pt) == XR_SUCCESS);
    tapp_destroy(&a);
}

typedef struct plane_fns {
    PFN_xrCreatePlaneDetectorEXT create;
    PFN_xrBeginPlaneDetectionEXT begin;
    PFN_xrGetPlaneDetectionStateEXT state;
    PFN_xrGetPlaneDetectionsEXT get;
    PFN_xrGetPlanePolygonBufferEXT polygon;
    PFN_xrDestroyPlaneDetectorEXT destroy;
} plane_fns;

// Detects with `bi` (orientation filter optional) in STAGE; returns the count.
static uint32_t detect(tapp *a, const plane_fns *p, XrSpace stage, XrPlaneDetectorEXT det,
                       const XrPlaneDetectorOrientationEXT *only, XrPlaneDetectorLocationEXT *out,
                       uint32_t cap)
{
    XrFrameState fs;
    CHECK(tapp_frame(a, &fs) == XR_SUCCESS);
    XrPlaneDetectorBeginInfoEXT bi = {XR_TYPE_PLANE_DETECTOR_BEGIN_INFO_EXT};
    bi.baseSpace = stage;
    bi.time = fs.predictedDisplayTime;
    bi.orientationCount = only ? 1 : 0;
    bi.orientations = only;
    bi.maxPlanes = 8;
    bi.boundingBoxPose.orientation.w = 1;
    bi.boundingBoxExtent = (XrExtent3DfEXT){20, 20, 20};
    CHECK(p->begin(det, &bi) == XR_SUCCESS);
    XrPlaneDetectionStateEXT st = XR_PLANE_DETECTION_STATE_NONE_EXT;
    CHECK(p->state(det, &st) == XR_SUCCESS);
    CHECK(st == XR_PLANE_DETECTION_STATE_PENDING_EXT); // done at the next frame
    for (int i = 0; i < 3 && st != XR_PLANE_DETECTION_STATE_DONE_EXT; i++) {
        CHECK(tapp_frame(a, &fs) == XR_SUCCESS);
        CHECK(p->state(det, &st) == XR_SUCCESS);
    }
    CHECK(st == XR_PLANE_DETECTION_STATE_DONE_EXT);
    XrPlaneDetectorGetInfoEXT gi = {XR_TYPE_PLANE_DETECTOR_GET_INFO_EXT, NULL, stage,
                                    fs.predictedDisplayTime};
    XrPlaneDetectorLocationsEXT locs = {XR_TYPE_PLANE_DETECTOR_LOCATIONS_EXT};
    CHECK(p->get(det, &gi, &locs) == XR_SUCCESS); // the count first
    for (uint32_t i = 0; i < cap; i++)
        out[i] = (XrPlaneDetectorLocationEXT){XR_TYPE_PLANE_DETECTOR_LOCATION_EXT};
    locs.planeLocationCapacityInput = cap;
    locs.planeLocations = out;
    CHECK(p->get(det, &gi, &locs) == XR_SUCCESS);
    return locs.planeLocationCountOutput;
}

// Rotates v by q (test's own math).
static XrVector3f rot(XrQuaternionf q, XrVector3f v)
{
    XrVector3f t = {2 * (q.y * v.z - q.z * v.y), 2 * (q.z * v.x - q.x * v.z),
                    2 * (q.x * v.y - q.y * v.x)};
    return (XrVector3f){v.x + q.w * t.x + (q.y * t.z - q.z * t.y),
                        v.y + q.w * t.y + (q.z * t.x - q.x * t.z),
                        v.z + q.w * t.z + (q.x * t.y - q.y * t.x)};
}

STOA_TEST(default_planes_are_the_floor_and_the_table)
{
    tapp a;
    env(&a, NULL);
    a.extra_extensions[0] = XR_EXT_PLANE_DETECTION_EXTENSION_NAME;
    CHECK(tapp_create(&a) == XR_SUCCESS);
    CHECK(tapp_session(&a) == XR_SUCCESS);
    plane_fns p = {(PFN_xrCreatePlaneDetectorEXT)fn(&a, "xrCreatePlaneDetectorEXT"),
                   (PFN_xrBeginPlaneDetectionEXT)fn(&a, "xrBeginPlaneDetectionEXT"),
                   (PFN_xrGetPlaneDetectionStateEXT)fn(&a, "xrGetPlaneDetectionStateEXT"),
                   (PFN_xrGetPlaneDetectionsEXT)fn(&a, "xrGetPlaneDetectionsEXT"),
                   (PFN_xrGetPlanePolygonBufferEXT)fn(&a, "xrGetPlanePolygonBufferEXT"),
                   (PFN_xrDestroyPlaneDetectorEXT)fn(&a, "xrDestroyPlaneDetectorEXT")};
    XrSpace stage;
    arf_begin(&a, &stage);
    tapp_run_until(&a, XR_SESSION_STATE_FOCUSED, 4);
    XrPlaneDetectorCreateInfoEXT ci = {XR_TYPE_PLANE_DETECTOR_CREATE_INFO_EXT, NULL,
                                       XR_PLANE_DETECTOR_ENABLE_CONTOUR_BIT_EXT};
    XrPlaneDetectorEXT det;
    CHECK(p.create(a.session, &ci, &det) == XR_SUCCESS);
    XrPlaneDetectorLocationEXT l[8];
    uint32_t n = detect(&a, &p, stage, det, NULL, l, 8);
    CHECK(n == 2);
    for (uint32_t i = 0; i < n && i < 8; i++) {
        CHECK(l[i].locationFlags & XR_SPACE_LOCATION_POSITION_TRACKED_BIT);
        CHECK(l[i].orientation == XR_PLANE_DETECTOR_ORIENTATION_HORIZONTAL_UPWARD_EXT);
        // The plane's +Z (its normal) points up; its +Y ahead (-Z).
        XrVector3f normal = rot(l[i].pose.orientation, (XrVector3f){0, 0, 1});
        XrVector3f ahead = rot(l[i].pose.orientation, (XrVector3f){0, 1, 0});
        CHECK_NEAR(normal.y, 1, 1e-4);
        CHECK_NEAR(ahead.z, -1, 1e-4);
        CHECK(l[i].polygonBufferCount == 1);
    }
    const XrPlaneDetectorLocationEXT *table =
        l[0].semanticType == XR_PLANE_DETECTOR_SEMANTIC_TYPE_PLATFORM_EXT ? &l[0] : &l[1];
    CHECK(table->semanticType == XR_PLANE_DETECTOR_SEMANTIC_TYPE_PLATFORM_EXT);
    CHECK_NEAR(table->pose.position.x, 0, 1e-5);
    CHECK_NEAR(table->pose.position.y, 0.75, 1e-5);
    CHECK_NEAR(table->pose.position.z, -1.0, 1e-5);
    CHECK_NEAR(table->extents.width, 1.2, 1e-5);
    CHECK_NEAR(table->extents.height, 0.8, 1e-5);
    // Its contour: the rectangle, counter-clockwise about +Z.
    XrVector2f v[8];
    XrPlaneDetectorPolygonBufferEXT pb = {XR_TYPE_PLANE_DETECTOR_POLYGON_BUFFER_EXT};
    CHECK(p.polygon(det, table->planeId, 0, &pb) == XR_SUCCESS);
    CHECK(pb.vertexCountOutput == 4);
    pb.vertexCapacityInput = 8;
    pb.vertices = v;
    CHECK(p.polygon(det, table->planeId, 0, &pb) == XR_SUCCESS);
    double area2 = 0;
    for (int i = 0; i < 4; i++) {
        CHECK_NEAR(fabs(v[i].x), 0.6, 1e-5);
        CHECK_NEAR(fabs(v[i].y), 0.4, 1e-5);
        area2 += v[i].x * v[(i + 1) % 4].y - v[(i + 1) % 4].x * v[i].y;
    }
    CHECK_NEAR(area2 / 2, 1.2 * 0.8, 1e-4); // positive: counter-clockwise
    CHECK(p.destroy(det) == XR_SUCCESS);
    tapp_destroy(&a);
}

STOA_TEST(script_planes_and_filters)
{
    tapp a;
    env(&a, "planes:\n"
            "  - {semantic: table, position: [1, 0.9, -2], size: [2, 1], yaw: 90}\n"
            "  - {semantic: wall, position: [0, 1.5, -5], size: [8, 3]}\n");
    a.extra_extensions[0] = XR_EXT_PLANE_DETECTION_EXTENSION_NAME;
    CHECK(tapp_create(&a) == XR_SUCCESS);
    CHECK(tapp_session(&a) == XR_SUCCESS);
    plane_fns p = {(PFN_xrCreatePlaneDetectorEXT)fn(&a, "xrCreatePlaneDetectorEXT"),
                   (PFN_xrBeginPlaneDetectionEXT)fn(&a, "xrBeginPlaneDetectionEXT"),
                   (PFN_xrGetPlaneDetectionStateEXT)fn(&a, "xrGetPlaneDetectionStateEXT"),
                   (PFN_xrGetPlaneDetectionsEXT)fn(&a, "xrGetPlaneDetectionsEXT"),
                   (PFN_xrGetPlanePolygonBufferEXT)fn(&a, "xrGetPlanePolygonBufferEXT"),
                   (PFN_xrDestroyPlaneDetectorEXT)fn(&a, "xrDestroyPlaneDetectorEXT")};
    XrSpace stage;
    arf_begin(&a, &stage);
    tapp_run_until(&a, XR_SESSION_STATE_FOCUSED, 4);
    XrPlaneDetectorCreateInfoEXT ci = {XR_TYPE_PLANE_DETECTOR_CREATE_INFO_EXT};
    XrPlaneDetectorEXT det;
    CHECK(p.create(a.session, &ci, &det) == XR_SUCCESS);
    XrPlaneDetectorLocationEXT l[8];
    const XrPlaneDetectorOrientationEXT up = XR_PLANE_DETECTOR_ORIENTATION_HORIZONTAL_UPWARD_EXT;
    CHECK(detect(&a, &p, stage, det, &up, l, 8) == 1); // the wall is filtered out
    CHECK(l[0].semanticType == XR_PLANE_DETECTOR_SEMANTIC_TYPE_PLATFORM_EXT);
    CHECK_NEAR(l[0].pose.position.y, 0.9, 1e-5);
    CHECK(l[0].polygonBufferCount == 0); // no contour asked for
    // Turned 90° left: its width (X) runs along -Z of STAGE.
    XrVector3f x = rot(l[0].pose.orientation, (XrVector3f){1, 0, 0});
    CHECK_NEAR(x.z, -1, 1e-4);
    CHECK(detect(&a, &p, stage, det, NULL, l, 8) == 2);
    const XrPlaneDetectorLocationEXT *wall =
        l[0].semanticType == XR_PLANE_DETECTOR_SEMANTIC_TYPE_WALL_EXT ? &l[0] : &l[1];
    CHECK(wall->orientation == XR_PLANE_DETECTOR_ORIENTATION_VERTICAL_EXT);
    XrVector3f normal = rot(wall->pose.orientation, (XrVector3f){0, 0, 1});
    CHECK_NEAR(normal.z, 1, 1e-4); // faces into the room
    CHECK(p.destroy(det) == XR_SUCCESS);
    tapp_destroy(&a);
}

STOA_TEST_MAIN()
