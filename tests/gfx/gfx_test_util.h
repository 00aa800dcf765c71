// SPDX-License-Identifier: Apache-2.0
// Shared by the renderer tests: a device with validation, loading test
// models, rendering to an offscreen target, pixel checks and PNGs kept in the
// build folder (STOA_BUILD_DIR/test-output/gfx/).
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "gfx/stoa_gfx.h"
#include "scene/stoa_scene.h"

typedef struct gt_image {
    uint32_t w, h;
    uint8_t *rgba;
} gt_image;

// Creates the process-wide device and renderer on first use (NULL on failure).
stoa_gfx_renderer *gt_renderer(void);
// The device's raw handles (for tests that misuse Vulkan on purpose).
const stoa_gfx_device_handles *gt_handles(void);
// Destroys them; returns the number of validation messages seen (must be 0).
uint32_t gt_shutdown(void);
// A gfx test's main: runs the tests (stoa_test_main), then gt_shutdown; a
// validation message fails the run. Use: int main(int c, char **v) { return gt_test_main(c, v); }
int gt_test_main(int argc, char **argv);

// Loads one of Stoa's generated test models, $STOA_TESTMODELS/<rel>; NULL
// (and a printed error) on failure.
stoa_scene *gt_load(const char *rel);
stoa_scene *gt_load_desc(const char *rel, const stoa_scene_load_desc *desc);
// Loads a Khronos sample model, <samples>/<rel>, for the tests of that
// content (an extra): without the samples folder the process says why and
// exits with the skip code, so call it before any other test has run.
stoa_scene *gt_load_sample(const char *rel);
stoa_scene *gt_load_sample_desc(const char *rel, const stoa_scene_load_desc *desc);

typedef struct gt_render_desc {
    uint32_t w, h;       // 0 = 256
    uint32_t layers;     // 0 = 1
    VkFormat format;     // 0 = R8G8B8A8_SRGB
    uint32_t samples;
    const stoa_gfx_view *views; // NULL: frame the posed bounds from az/el
    float azimuth, elevation;
    const stoa_pose *pose;
    stoa_gfx_render_options options;
    bool wait_uploads; // stoa_gfx_renderer_finish_uploads between the upload and the render
} gt_render_desc;

// Renders and reads layer 0..layers-1 into out[0..layers-1]. true on success.
bool gt_render(const stoa_scene *scene, const gt_render_desc *desc, gt_image *out);

void gt_save(const gt_image *img, const char *name); // <name>.png in the output folder
void gt_free(gt_image *img);
const uint8_t *gt_px(const gt_image *img, uint32_t x, uint32_t y);
// Largest per-channel difference over the image; writes <name>-diff.png when
// it exceeds `tolerance` (name may be NULL to skip).
int gt_max_diff(const gt_image *a, const gt_image *b, int tolerance, const char *name);
// Fraction of pixels differing by more than `threshold` in any channel.
double gt_diff_fraction(const gt_image *a, const gt_image *b, int threshold);
// Mean colour of the rectangle [x0,x1) x [y0,y1).
void gt_mean(const gt_image *img, uint32_t x0, uint32_t y0, uint32_t x1, uint32_t y1,
             double out[3]);
// Pixel (px, py) of the world point (x, y, z) seen through view v in a w x h image.
void gt_project(const stoa_gfx_view *v, float x, float y, float z, uint32_t w, uint32_t h,
                uint32_t *px, uint32_t *py);
// Counts pixels whose colour is within tol of rgb.
uint32_t gt_count_near(const gt_image *img, int r, int g, int b, int tol);

// Checks a scene loaded with .defer_textures against the same file loaded
// normally (both owned by the caller): every texture is pending at first,
// the stand-in picture differs from the normal one in more than 5% of its
// pixels, and after stoa_scene_textures_ready + stoa_gfx_scene_update_textures
// the picture is the normal one (within 2). Pictures are saved as
// deferred-<name>-before/after.
void gt_check_deferred(stoa_scene *normal, stoa_scene *deferred, const char *name);

// Median CPU milliseconds of posing (animation 0 at 60 successive frame
// times) and of recording a stereo (2-layer) frame of `scene`, no submit.
typedef struct gt_frame_times {
    int frames;
    double pose_ms, record_ms, record_p90_ms;
} gt_frame_times;
bool gt_time_stereo_frames(const stoa_scene *scene, gt_frame_times *out);
