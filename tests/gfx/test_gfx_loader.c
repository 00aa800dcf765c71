// SPDX-License-Identifier: Apache-2.0
// Scene uploads and texture writes prepared on loader threads while the
// renderer's thread keeps drawing, so that the frame thread creates no GPU
// object (stoa_gfx_frame_scope counts what it does create), pipelines for a
// material variant no scene had included; textures that
// arrive late bound without a device-idle wait; and the test hook
// STOA_GFX_FAULT=frame-full@N (its own ctest entry, with that variable).
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gfx/gfx_internal.h"
#include "gfx_test_util.h"
#include "stoa_test.h"

#define SIZE 64
#define LOADERS 2

typedef struct loader {
    stoa_gfx_renderer *r;
    const stoa_scene *sc;
    const stoa_gfx_scene *written; // a scene whose texture 0 gets new pixels
    const uint8_t *red;
    stoa_gfx_upload *up;
    stoa_gfx_texture_write *write;
    stoa_result res;
    stoa_error err;
} loader;

static void *loader_main(void *arg)
{
    loader *l = arg;
    l->res = stoa_gfx_scene_upload_begin(l->r, l->sc, &l->up, &l->err);
    if (l->res >= 0)
        l->res = stoa_gfx_scene_upload_fill(l->up, &l->err);
    const stoa_texture *t = &l->sc->textures[0];
    if (l->res >= 0)
        l->res = stoa_gfx_texture_write_prepare(l->r, l->written, 0, l->red, t->width, t->height,
                                                &l->write, &l->err);
    return NULL;
}

static bool shot(stoa_gfx_target *t, const stoa_scene *sc, const stoa_gfx_scene *gs, uint8_t *rgba)
{
    stoa_gfx_view view;
    stoa_gfx_view_frame_bounds(sc->bounds_min, sc->bounds_max, 0.0f, 0.0f, 0.8f, 1.0f, &view);
    stoa_error err = {0};
    bool ok = stoa_gfx_render_now(gt_renderer(), t, &view, 1, gs, NULL, NULL, &err) >= 0 &&
              (!rgba || stoa_gfx_target_read_rgba(t, 0, rgba, &err) >= 0);
    CHECK_MSG(ok, "render: %s", err.message);
    return ok;
}

STOA_TEST(loader_threads_leave_the_frame_thread_nothing_to_create)
{
    stoa_gfx_renderer *r = gt_renderer();
    stoa_scene *sc = gt_load("textured/textured.glb");
    CHECK_MSG(sc != NULL, "textured/textured.glb did not load");
    stoa_gfx_target *t = NULL;
    stoa_gfx_scene *drawn = NULL, *one = NULL, *made[LOADERS] = {NULL};
    stoa_error err = {0};
    stoa_gfx_target_desc td = {.width = SIZE, .height = SIZE, .layers = 1};
    uint8_t *a = malloc(SIZE * SIZE * 4), *b = malloc(SIZE * SIZE * 4);
    uint8_t *red = sc ? malloc((size_t)sc->textures[0].width * sc->textures[0].height * 4) : NULL;
    if (!r || !sc || !a || !b || !red || stoa_gfx_target_create(r, &td, &t, &err) < 0 ||
        stoa_gfx_scene_create(r, sc, &drawn, &err) < 0 ||
        stoa_gfx_scene_create(r, sc, &one, &err) < 0) {
        CHECK_MSG(false, "set-up: %s", err.message);
        goto done;
    }
    for (size_t i = 0; i < (size_t)sc->textures[0].width * sc->textures[0].height; i++)
        memcpy(red + i * 4, (uint8_t[]){255, 0, 0, 255}, 4);
    CHECK(shot(t, sc, drawn, NULL)); // pipelines made before the frames below

    // The counter counts: a buffer made inside the scope is the frame's.
    stoa_gfx_stats s0 = stoa_gfx_stats_get();
    gfx_buffer probe;
    stoa_gfx_frame_scope(true);
    CHECK(gfx_buffer_create(r->dev, 256, VK_BUFFER_USAGE_VERTEX_BUFFER_BIT, GFX_MEM_GPU, &probe,
                            &err) >= 0);
    stoa_gfx_frame_scope(false);
    gfx_buffer_destroy(r->dev, &probe);
    CHECK(stoa_gfx_stats_get().frame_objects == s0.frame_objects + 1);

    // Loaders make their scenes and a texture write while frames are drawn.
    loader l[LOADERS];
    pthread_t th[LOADERS];
    bool started[LOADERS] = {false};
    stoa_gfx_stats s1 = stoa_gfx_stats_get();
    stoa_gfx_frame_scope(true);
    for (int i = 0; i < LOADERS; i++) {
        l[i] = (loader){.r = r, .sc = sc, .written = drawn, .red = red};
        started[i] = pthread_create(&th[i], NULL, loader_main, &l[i]) == 0;
        CHECK(started[i]);
    }
    for (int f = 0; f < 8; f++)
        CHECK(shot(t, sc, drawn, NULL));
    for (int i = 0; i < LOADERS; i++)
        if (started[i])
            pthread_join(th[i], NULL);
    // Taking their work in: a submit each and a queued write, nothing made.
    for (int i = 0; i < LOADERS; i++) {
        CHECK_MSG(started[i] && l[i].res >= 0, "loader %d: %s", i, l[i].err.message);
        if (l[i].up)
            CHECK(stoa_gfx_scene_upload_end(&l[i].up, &made[i], &err) >= 0 && made[i]);
    }
    CHECK(l[0].write && stoa_gfx_texture_write_queue(drawn, &l[0].write, &err) >= 0 && !l[0].write);
    stoa_gfx_frame_scope(false);
    stoa_gfx_stats s2 = stoa_gfx_stats_get();
    CHECK_MSG(s2.frame_objects == s1.frame_objects, "%llu GPU objects made on the frame thread",
              (unsigned long long)(s2.frame_objects - s1.frame_objects));
    CHECK(s2.frame_descriptor_pools == s1.frame_descriptor_pools);
    CHECK(s2.descriptor_pools >= s1.descriptor_pools + LOADERS); // made, on the loaders
    CHECK(s2.device_idle_waits == s1.device_idle_waits);
    // What the loaders made draws as a scene made on this thread does.
    for (int i = 0; i < LOADERS; i++)
        if (made[i] && shot(t, sc, one, a) && shot(t, sc, made[i], b))
            CHECK_MSG(memcmp(a, b, SIZE * SIZE * 4) == 0, "loader %d's scene draws differently", i);
    // The write prepared on a loader shows in the next frame of its scene.
    if (shot(t, sc, drawn, b)) {
        const uint8_t *p = b + ((SIZE / 2) * SIZE + SIZE / 2) * 4;
        CHECK_MSG(p[0] > 100 && p[1] < 60 && p[2] < 60, "centre %u %u %u", p[0], p[1], p[2]);
    }
    stoa_gfx_texture_write_discard(r, &l[1].write); // prepared, never queued
    CHECK(l[1].write == NULL);
done:
    for (int i = 0; i < LOADERS; i++)
        stoa_gfx_scene_destroy(&made[i]);
    stoa_gfx_scene_destroy(&one);
    stoa_gfx_scene_destroy(&drawn);
    stoa_gfx_target_destroy(&t);
    free(red);
    free(a);
    free(b);
    stoa_scene_destroy(&sc);
}

// A lesson switch to a scene with materials no scene before had (alpha.gltf:
// BLEND, double-sided): the loader makes its pipelines beside the frames
// drawn, and the swap on the frame thread (stoa_gfx_prepare, then frames of
// the new scene) only looks them up.
typedef struct pipe_loader {
    stoa_gfx_renderer *r;
    const stoa_scene *sc;
    stoa_gfx_pass_info pass;
    stoa_gfx_upload *up;
    stoa_result res;
    stoa_error err;
} pipe_loader;

static void *pipe_loader_main(void *arg)
{
    pipe_loader *l = arg;
    l->res = stoa_gfx_scene_upload_begin(l->r, l->sc, &l->up, &l->err);
    if (l->res >= 0)
        l->res = stoa_gfx_scene_upload_prepare(l->up, &l->pass, &l->err);
    if (l->res >= 0)
        l->res = stoa_gfx_scene_upload_fill(l->up, &l->err);
    return NULL;
}

STOA_TEST(loader_makes_the_pipelines_of_a_new_material_variant)
{
    stoa_gfx_renderer *r = gt_renderer();
    stoa_scene *old = gt_load("textured/textured.glb"), *sc = gt_load("alpha/alpha.gltf");
    stoa_gfx_target *t = NULL;
    stoa_gfx_scene *drawn = NULL, *made = NULL;
    stoa_error err = {0};
    stoa_gfx_target_desc td = {.width = SIZE, .height = SIZE, .layers = 1};
    pipe_loader l = {.r = r, .sc = sc};
    if (!r || !old || !sc || stoa_gfx_target_create(r, &td, &t, &err) < 0 ||
        stoa_gfx_scene_create(r, old, &drawn, &err) < 0 ||
        stoa_gfx_prepare(r, t, drawn, STOA_GFX_STEREO_AUTO, false, &err) < 0 ||
        stoa_gfx_target_pass_info(r, t, STOA_GFX_STEREO_AUTO, false, &l.pass, &err) < 0) {
        CHECK_MSG(false, "set-up: %s", err.message);
        goto done;
    }
    CHECK(shot(t, old, drawn, NULL));
    stoa_gfx_stats s0 = stoa_gfx_stats_get();
    stoa_gfx_frame_scope(true);
    pthread_t th;
    bool started = pthread_create(&th, NULL, pipe_loader_main, &l) == 0;
    CHECK(started);
    for (int f = 0; f < 4; f++) // the old scene keeps drawing meanwhile
        CHECK(shot(t, old, drawn, NULL));
    if (started)
        pthread_join(th, NULL);
    CHECK_MSG(started && l.res >= 0, "loader: %s", l.err.message);
    stoa_gfx_stats s1 = stoa_gfx_stats_get();
    // The swap: a submit, the pipelines looked up, frames of the new scene.
    if (l.up)
        CHECK(stoa_gfx_scene_upload_end(&l.up, &made, &err) >= 0 && made);
    if (made) {
        CHECK_MSG(stoa_gfx_prepare(r, t, made, STOA_GFX_STEREO_AUTO, false, &err) >= 0, "%s",
                  err.message);
        for (int f = 0; f < 2; f++)
            CHECK(shot(t, sc, made, NULL));
    }
    stoa_gfx_frame_scope(false);
    stoa_gfx_stats s2 = stoa_gfx_stats_get();
    // The premise: alpha.gltf needs pipelines textured.glb did not.
    CHECK_MSG(s1.pipelines_created > s0.pipelines_created, "the loader made no pipeline");
    CHECK_MSG(s2.frame_objects == s0.frame_objects, "%llu GPU objects made on the frame thread",
              (unsigned long long)(s2.frame_objects - s0.frame_objects));
    CHECK_MSG(s2.pipelines_created == s1.pipelines_created,
              "%llu pipelines made on the frame thread after the swap",
              (unsigned long long)(s2.pipelines_created - s1.pipelines_created));
    CHECK(s2.pipelines_while_recording == s0.pipelines_while_recording);
done:
    if (l.up) { // a failed load still ends its upload
        stoa_gfx_scene *none = NULL;
        stoa_gfx_scene_upload_end(&l.up, &none, NULL);
        stoa_gfx_scene_destroy(&none);
    }
    stoa_gfx_scene_destroy(&made);
    stoa_gfx_scene_destroy(&drawn);
    stoa_gfx_target_destroy(&t);
    stoa_scene_destroy(&sc);
    stoa_scene_destroy(&old);
}

// A frame of the caller's own, submitted and not waited for (its fence).
static VkFence caller_frame(stoa_gfx_renderer *r, stoa_gfx_target *t, const stoa_scene *sc,
                            const stoa_gfx_scene *gs, VkCommandBuffer *cmd)
{
    const stoa_gfx_device_handles *h = stoa_gfx_device_get_handles(r->dev);
    stoa_gfx_view view;
    stoa_gfx_view_frame_bounds(sc->bounds_min, sc->bounds_max, 0.0f, 0.0f, 0.8f, 1.0f, &view);
    stoa_error err = {0};
    VkFence fence = VK_NULL_HANDLE;
    VkFenceCreateInfo fi = {.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
    CHECK(vkCreateFence(h->device, &fi, NULL, &fence) == VK_SUCCESS);
    CHECK(gfx_oneshot_begin(r->dev, cmd, &err) >= 0);
    stoa_gfx_begin_frame(r);
    CHECK_MSG(stoa_gfx_render(r, *cmd, t, 0, &view, 1, gs, NULL, NULL, &err) >= 0, "%s",
              err.message);
    CHECK(vkEndCommandBuffer(*cmd) == VK_SUCCESS);
    VkSubmitInfo si = {.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO, .commandBufferCount = 1,
                       .pCommandBuffers = cmd};
    CHECK(vkQueueSubmit(h->queue, 1, &si, fence) == VK_SUCCESS);
    return fence;
}

// The desktop preview's path: textures that finish decoding while frames
// are in flight are uploaded and bound without a device-idle wait; the
// descriptor sets frames in flight use go through the frame-fenced queue.
STOA_TEST(textures_arriving_while_frames_fly_wait_for_nothing)
{
    stoa_gfx_renderer *r = gt_renderer();
    stoa_scene *sc = gt_load_desc("textured/textured.glb",
                                  &(stoa_scene_load_desc){.defer_textures = true});
    stoa_scene *normal = gt_load("textured/textured.glb");
    stoa_gfx_target *t = NULL;
    stoa_gfx_scene *gs = NULL, *gn = NULL;
    stoa_error err = {0};
    stoa_gfx_target_desc td = {.width = SIZE, .height = SIZE, .layers = 1};
    uint8_t *a = malloc(SIZE * SIZE * 4), *b = malloc(SIZE * SIZE * 4);
    if (!r || !sc || !normal || !a || !b || stoa_gfx_target_create(r, &td, &t, &err) < 0 ||
        stoa_gfx_scene_create(r, sc, &gs, &err) < 0 ||
        stoa_gfx_scene_create(r, normal, &gn, &err) < 0 ||
        stoa_gfx_prepare(r, t, gs, STOA_GFX_STEREO_AUTO, false, &err) < 0) {
        CHECK_MSG(false, "set-up: %s", err.message);
        goto done;
    }
    const stoa_gfx_device_handles *h = stoa_gfx_device_get_handles(r->dev);
    VkCommandBuffer cmd[2];
    VkFence fence[2];
    fence[0] = caller_frame(r, t, sc, gs, &cmd[0]);
    CHECK(stoa_scene_textures_ready(sc, true) == 0);
    stoa_gfx_stats s0 = stoa_gfx_stats_get();
    uint32_t deferred = stoa_gfx_renderer_deferred_count(r);
    CHECK_MSG(stoa_gfx_scene_update_textures(r, gs, sc, &err) >= 0, "%s", err.message);
    CHECK(stoa_gfx_scene_pending_textures(gs) == 0);
    CHECK(stoa_gfx_stats_get().device_idle_waits == s0.device_idle_waits);
    // The old sets (and the upload's staging) wait for the frames in flight.
    CHECK(stoa_gfx_renderer_deferred_count(r) >= deferred + 2);
    fence[1] = caller_frame(r, t, sc, gs, &cmd[1]);
    CHECK(vkWaitForFences(h->device, 2, fence, VK_TRUE, UINT64_MAX) == VK_SUCCESS);
    for (int i = 0; i < 3; i++)
        stoa_gfx_begin_frame(r);
    CHECK(stoa_gfx_renderer_deferred_count(r) == 0);
    for (int i = 0; i < 2; i++) {
        vkDestroyFence(h->device, fence[i], NULL);
        vkFreeCommandBuffers(h->device, r->dev->pool, 1, &cmd[i]);
    }
    // And it draws as the scene loaded with its textures does.
    if (shot(t, normal, gn, a) && shot(t, sc, gs, b)) {
        int diff = 0;
        for (int i = 0; i < SIZE * SIZE * 4; i++)
            diff = abs(a[i] - b[i]) > diff ? abs(a[i] - b[i]) : diff;
        CHECK_MSG(diff <= 2, "after update_textures the picture differs by %d", diff);
    }
done:
    stoa_gfx_scene_destroy(&gs);
    stoa_gfx_scene_destroy(&gn);
    stoa_gfx_target_destroy(&t);
    free(a);
    free(b);
    stoa_scene_destroy(&sc);
    stoa_scene_destroy(&normal);
}

// Run with STOA_GFX_FAULT=frame-full@3 (ctest test_gfx_fault): the third
// frame of the process fails as a full per-frame buffer does; the others draw.
STOA_TEST(fault_frame_full_fails_that_frame_only)
{
    const char *f = getenv("STOA_GFX_FAULT");
    CHECK_MSG(f && !strcmp(f, "frame-full@3"), "run with STOA_GFX_FAULT=frame-full@3 (%s)",
              f ? f : "unset");
    stoa_gfx_renderer *r = gt_renderer();
    stoa_scene *sc = gt_load("box/box.glb");
    stoa_gfx_target *t = NULL;
    stoa_gfx_scene *gs = NULL;
    stoa_error err = {0};
    stoa_gfx_target_desc td = {.width = SIZE, .height = SIZE, .layers = 1};
    if (!r || !sc || stoa_gfx_target_create(r, &td, &t, &err) < 0 ||
        stoa_gfx_scene_create(r, sc, &gs, &err) < 0) {
        CHECK_MSG(false, "set-up: %s", err.message);
    } else {
        stoa_gfx_view view;
        stoa_gfx_view_frame_bounds(sc->bounds_min, sc->bounds_max, 0.0f, 0.0f, 0.8f, 1.0f, &view);
        for (int frame = 1; frame <= 5; frame++) {
            stoa_result res = stoa_gfx_render_now(r, t, &view, 1, gs, NULL, NULL, &err);
            CHECK_MSG(frame == 3 ? res == STOA_ERROR_LIMIT : res == STOA_OK, "frame %d: %s (%s)",
                      frame, stoa_result_str(res), err.message);
        }
    }
    stoa_gfx_scene_destroy(&gs);
    stoa_gfx_target_destroy(&t);
    stoa_scene_destroy(&sc);
}

int main(int argc, char **argv)
{
    return gt_test_main(argc, argv); // the validation messages too
}
