// SPDX-License-Identifier: Apache-2.0
// The script's AR keys (blend_modes, camera, passthrough, planes, anchors):
// parsed values, and errors that name the file, the line and the key.
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "stoa_test.h"
#include "xr/stoa_openxr_ext.h"
#include "xrsim_script.h"

static const char *write_tmp(const char *name, const char *text)
{
    static char path[256];
    snprintf(path, sizeof path, "/tmp/xrsim_script_ar_%d_%s", (int)getpid(), name);
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
    return path;
}

static void expect_error(const char *name, const char *text, const char *where, const char *what)
{
    xrsim_script s;
    char err[512] = "";
    CHECK_MSG(!xrsim_script_load(&s, write_tmp(name, text), err, sizeof err), "%s loaded", name);
    CHECK_CONTAINS(err, where);
    CHECK_CONTAINS(err, what);
}

STOA_TEST(ar_keys_load)
{
    xrsim_script s;
    char err[512] = "";
    const char *yaml =
        "blend_modes: [alpha_blend, OPAQUE]\n"
        "passthrough: false\n"
        "camera: {color: [10, 20, 30]}\n"
        "planes:\n"
        "  - {semantic: table, position: [0, 0.8, -1.5], size: [1.5, 0.9], yaw: 30}\n"
        "  - {semantic: ceiling, position: [0, 3, 0], size: [8, 8]}\n"
        "  - {position: [0, 1, -3], size: [2, 2], orientation: vertical}\n"
        "anchors: {store: anchor-dir}\n";
    const char *path = write_tmp("ar.yaml", yaml);
    CHECK_MSG(xrsim_script_load(&s, path, err, sizeof err), "%s", err);
    CHECK(s.ar.blend_count == 2 && s.ar.blend[0] == XR_ENVIRONMENT_BLEND_MODE_ALPHA_BLEND &&
          s.ar.blend[1] == XR_ENVIRONMENT_BLEND_MODE_OPAQUE);
    CHECK(s.ar.passthrough == -1);
    CHECK(s.ar.camera == XRSIM_CAMERA_COLOR && s.ar.camera_color[0] == 10 &&
          s.ar.camera_color[2] == 30);
    CHECK(s.ar.planes_given && s.ar.plane_count == 3);
    CHECK(s.ar.planes[0].semantic == XR_PLANE_DETECTOR_SEMANTIC_TYPE_PLATFORM_EXT &&
          s.ar.planes[0].orientation == XR_PLANE_DETECTOR_ORIENTATION_HORIZONTAL_UPWARD_EXT);
    CHECK_NEAR(s.ar.planes[0].yaw_deg, 30, 1e-6);
    CHECK_NEAR(s.ar.planes[0].width, 1.5, 1e-6);
    CHECK(s.ar.planes[1].orientation == XR_PLANE_DETECTOR_ORIENTATION_HORIZONTAL_DOWNWARD_EXT);
    CHECK(s.ar.planes[2].semantic == XR_PLANE_DETECTOR_SEMANTIC_TYPE_UNDEFINED_EXT &&
          s.ar.planes[2].orientation == XR_PLANE_DETECTOR_ORIENTATION_VERTICAL_EXT);
    // Relative paths are taken from the script's folder.
    CHECK_CONTAINS(s.ar.anchor_store, "/tmp/anchor-dir");
    CHECK(!s.ar.no_anchor_store);
    xrsim_script_fini(&s);
    // A drift of the tracking against the room.
    CHECK_MSG(xrsim_script_load(&s,
                                write_tmp("d.yaml", "events:\n  - {t: 2, do: drift, "
                                                    "offset: [0.1, 0, -0.2], turn: 5}\n"),
                                err, sizeof err),
              "%s", err);
    CHECK(s.event_count == 1 && s.events[0].kind == XRSIM_EV_DRIFT);
    CHECK_NEAR(s.events[0].point[2], -0.2, 1e-6);
    CHECK_NEAR(s.events[0].x, 5, 1e-6);
    xrsim_script_fini(&s);
    // Defaults: nothing given (xrsim_ar.c fills in the headset's defaults).
    CHECK(xrsim_script_load(&s, write_tmp("none.yaml", "frames: 1\n"), err, sizeof err));
    CHECK(s.ar.blend_count == 0 && s.ar.passthrough == 0 && !s.ar.planes_given &&
          s.ar.camera == XRSIM_CAMERA_CLASSROOM);
    xrsim_script_fini(&s);
    // An empty list of planes: a room where nothing is detected.
    CHECK(xrsim_script_load(&s, write_tmp("np.yaml", "planes: []\ncamera: classroom\n"), err,
                            sizeof err));
    CHECK(s.ar.planes_given && s.ar.plane_count == 0);
    xrsim_script_fini(&s);
}

STOA_TEST(ar_key_errors_name_the_key)
{
    expect_error("b1.yaml", "frames: 1\nblend_modes: [OPAQUE, MIXED]\n",
                 ":2:", "'blend_modes': 'MIXED' is not");
    expect_error("b2.yaml", "blend_modes: []\n", ":1:", "'blend_modes' is a list of 1 to 3");
    expect_error("b3.yaml", "blend_modes: [opaque, OPAQUE]\n", ":1:", "given twice");
    expect_error("p1.yaml", "passthrough: yes please\n", ":1:", "'passthrough' is true or false");
    expect_error("c1.yaml", "camera: {color: [300, 0, 0]}\n", ":1:", "'camera.color'");
    expect_error("c2.yaml", "camera: {colour: [1, 2, 3]}\n",
                 ":1:", "unknown key 'colour' in 'camera'");
    expect_error("c3.yaml", "camera: dusk\n", ":1:", "'camera' is classroom");
    expect_error("c4.yaml", "camera: {image: \"\"}\n", ":1:", "'camera.image' takes a path");
    expect_error("l1.yaml", "planes:\n  - {position: [0, 1, 0]}\n",
                 ":2:", "needs 'position' and 'size'");
    expect_error("l2.yaml", "planes:\n  - {position: [0, 1, 0], size: [0, 1]}\n",
                 ":2:", "'planes.size'");
    expect_error("l3.yaml", "planes:\n  - {position: [0, 1, 0], size: [1, 1], semantic: sofa}\n",
                 ":2:", "'planes.semantic' is one of undefined, ceiling, floor, wall, table");
    expect_error("l4.yaml", "planes:\n  - {position: [0, 1, 0], size: [1, 1], normal: up}\n",
                 ":2:", "unknown key 'normal' in a plane");
    expect_error("l5.yaml", "planes: {a: 1}\n", ":1:", "'planes' is a list");
    expect_error("a1.yaml", "anchors: {folder: x}\n", ":1:", "unknown key 'folder' in 'anchors'");
    expect_error("a2.yaml", "anchors: {persistence: maybe}\n", ":1:", "anchors.persistence");
    expect_error("u1.yaml", "blend: [OPAQUE]\n", ":1:", "unknown key 'blend'");
    expect_error("d1.yaml", "events:\n  - {t: 1, do: drift}\n", ":2:", "'do: drift' takes");
    expect_error("d2.yaml", "events:\n  - {t: 1, do: exit, offset: [0, 0, 1]}\n",
                 ":2:", "and only it does");
    expect_error("d3.yaml", "events:\n  - {t: 1, do: drift, offset: [0, 1]}\n", ":2:", "3 numbers");
}

STOA_TEST_MAIN()
