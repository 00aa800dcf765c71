// SPDX-License-Identifier: Apache-2.0
// Uploads made before any frame of the caller's are submitted without
// waiting (gfx_upload.c): stoa_gfx_scene_create returns with the copies on
// the queue; a scene destroyed at once waits for them before its buffers
// and images go (the validation layer reports a buffer or image destroyed
// while a submitted command buffer uses it); a frame rendered at once
// draws the uploaded pixels (gt_render: create, then render); the
// renderer's teardown and stoa_gfx_renderer_finish_uploads wait too.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gfx_test_util.h"
#include "stoa_test.h"

STOA_TEST(create_returns_before_the_upload_is_done_and_destroy_waits)
{
    stoa_gfx_renderer *r = gt_renderer();
    stoa_scene *sc = gt_load("large/large.glb"); // large textures: a copy worth waiting for
    CHECK(sc != NULL);
    stoa_gfx_stats before = stoa_gfx_stats_get();
    for (int k = 0; sc && k < 3; k++) {
        stoa_gfx_scene *gs = NULL;
        stoa_error err = {0};
        CHECK_MSG(stoa_gfx_scene_create(r, sc, &gs, &err) == STOA_OK, "%s", err.message);
        stoa_gfx_scene_destroy(&gs); // at once: must wait for the copies
        CHECK(gs == NULL);
    }
    stoa_gfx_stats after = stoa_gfx_stats_get();
    CHECK_MSG(after.uploads_unwaited - before.uploads_unwaited == 3, "%llu uploads not waited for",
              (unsigned long long)(after.uploads_unwaited - before.uploads_unwaited));
    CHECK(after.device_idle_waits == before.device_idle_waits);
    // Kept, and waited for explicitly: then a destroy has nothing to wait for.
    stoa_gfx_scene *gs = NULL;
    stoa_error err = {0};
    CHECK(sc && stoa_gfx_scene_create(r, sc, &gs, &err) == STOA_OK);
    stoa_gfx_renderer_finish_uploads(r);
    stoa_gfx_renderer_finish_uploads(r); // again: none left
    stoa_gfx_stats mid = stoa_gfx_stats_get();
    stoa_gfx_scene_destroy(&gs);
    CHECK(stoa_gfx_stats_get().upload_waits_on_destroy == mid.upload_waits_on_destroy);
    stoa_scene_destroy(&sc);
}

// Drawn straight after the upload (no wait between them): the same picture
// as when the upload was waited for first.
STOA_TEST(a_frame_right_after_the_upload_draws_its_pixels)
{
    stoa_scene *sc = gt_load("textured/textured.glb");
    gt_image a = {0}, b = {0};
    gt_render_desc d = {.w = 128, .h = 128, .azimuth = 30.0f, .elevation = 20.0f};
    CHECK(sc && gt_render(sc, &d, &a)); // create, then render at once
    d.wait_uploads = true;              // create, wait for the copies, render
    CHECK(sc && gt_render(sc, &d, &b));
    CHECK(gt_max_diff(&a, &b, 0, "upload-nowait") == 0);
    gt_save(&a, "upload-nowait"); // to look at
    // Something was drawn: the centre is not the corner's clear colour.
    CHECK(a.w == 128 && memcmp(gt_px(&a, 64, 64), gt_px(&a, 0, 0), 3) != 0);
    gt_free(&a);
    gt_free(&b);
    stoa_scene_destroy(&sc);
}

int main(int argc, char **argv)
{
    return gt_test_main(argc, argv); // the renderer's teardown, and no validation message
}
