// SPDX-License-Identifier: Apache-2.0
// What keeps the frame loop from stalling: freed device memory reused at once
// (first-fit free list), scenes and buffers destroyed only after the frames
// that used them, textures written in place, pipelines made ahead of the
// frame, uploads split for a loader thread; no device-idle wait anywhere.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gfx/gfx_internal.h"
#include "gfx_test_util.h"
#include "stoa_test.h"

#define SIZE 96

STOA_TEST(freed_ranges_are_reused_and_merged)
{
    stoa_gfx_renderer *r = gt_renderer();
    if (!r)
        return;
    stoa_gfx_device *dev = r->dev;
    stoa_error err = {0};
    gfx_buffer a, b, c, d, big;
    const VkDeviceSize mib = 1 << 20;
    VkBufferUsageFlags use = VK_BUFFER_USAGE_VERTEX_BUFFER_BIT;
    CHECK(gfx_buffer_create(dev, mib, use, GFX_MEM_GPU, &a, &err) >= 0);
    CHECK(gfx_buffer_create(dev, mib, use, GFX_MEM_GPU, &b, &err) >= 0);
    CHECK(gfx_buffer_create(dev, mib, use, GFX_MEM_GPU, &c, &err) >= 0);
    CHECK(a.alloc.block == b.alloc.block && b.alloc.block == c.alloc.block);
    VkDeviceSize b_offset = b.alloc.offset;
    gfx_buffer_destroy(dev, &b);
    // The hole b left is taken by the next allocation that fits: no new memory.
    CHECK(gfx_buffer_create(dev, mib / 2, use, GFX_MEM_GPU, &d, &err) >= 0);
    CHECK(d.alloc.block == a.alloc.block && d.alloc.offset == b_offset);
    // Freeing neighbours merges them: a then d then c give one range back,
    // large enough for what none of them could hold alone.
    int32_t block = a.alloc.block;
    VkDeviceSize first = a.alloc.offset, end = c.alloc.offset + c.alloc.size;
    gfx_buffer_destroy(dev, &a);
    gfx_buffer_destroy(dev, &d);
    CHECK(gfx_buffer_create(dev, mib + mib / 2, use, GFX_MEM_GPU, &big, &err) >= 0);
    CHECK(big.alloc.block == block && big.alloc.offset < c.alloc.offset);
    gfx_buffer_destroy(dev, &big);
    gfx_buffer_destroy(dev, &c);
    // All four are one free range again (other allocations may share the block).
    const gfx_block *bl = &dev->blocks[block];
    bool merged = !bl->memory;
    for (uint32_t i = 0; bl->memory && i < bl->free_count; i++)
        merged |= bl->free[i].offset <= first && bl->free[i].offset + bl->free[i].size >= end;
    CHECK(merged);
}

static stoa_gfx_target *target(void)
{
    stoa_gfx_target *t = NULL;
    stoa_error err = {0};
    stoa_gfx_target_desc td = {.width = SIZE, .height = SIZE, .layers = 1, .keep_contents = true};
    CHECK_MSG(stoa_gfx_target_create(gt_renderer(), &td, &t, &err) >= 0, "%s", err.message);
    return t;
}

static bool shot(stoa_gfx_target *t, const stoa_scene *sc, const stoa_gfx_scene *gs, uint8_t *rgba)
{
    stoa_gfx_view view;
    stoa_gfx_view_frame_bounds(sc->bounds_min, sc->bounds_max, 0.0f, 0.0f, 0.8f, 1.0f, &view);
    stoa_error err = {0};
    bool ok = stoa_gfx_render_now(gt_renderer(), t, &view, 1, gs, NULL, NULL, &err) >= 0 &&
              stoa_gfx_target_read_rgba(t, 0, rgba, &err) >= 0;
    CHECK_MSG(ok, "render: %s", err.message);
    return ok;
}

STOA_TEST(texture_written_in_place_shows_next_frame)
{
    stoa_gfx_renderer *r = gt_renderer();
    stoa_scene *sc = gt_load("textured/textured.glb");
    CHECK_MSG(sc != NULL, "textured/textured.glb did not load");
    stoa_gfx_target *t = r && sc ? target() : NULL;
    stoa_gfx_scene *gs = NULL;
    stoa_error err = {0};
    uint8_t *before = malloc(SIZE * SIZE * 4), *after = malloc(SIZE * SIZE * 4);
    if (t && before && after && stoa_gfx_scene_create(r, sc, &gs, &err) >= 0 &&
        shot(t, sc, gs, before)) {
        uint32_t w = sc->textures[0].width, h = sc->textures[0].height;
        uint8_t *red = malloc((size_t)w * h * 4);
        for (size_t i = 0; red && i < (size_t)w * h; i++)
            memcpy(red + i * 4, (uint8_t[]){255, 0, 0, 255}, 4);
        stoa_gfx_stats s0 = stoa_gfx_stats_get();
        CHECK_MSG(stoa_gfx_scene_write_texture(r, gs, 0, red, w, h, &err) == STOA_OK, "%s",
                  err.message);
        CHECK(stoa_gfx_scene_write_texture(r, gs, 0, red, w / 2, h, &err) ==
              STOA_ERROR_INVALID_ARGUMENT);
        CHECK(shot(t, sc, gs, after));
        stoa_gfx_stats s1 = stoa_gfx_stats_get();
        // The middle of the box's face, now red where it was textured.
        const uint8_t *p = after + ((SIZE / 2) * SIZE + SIZE / 2) * 4;
        const uint8_t *q = before + ((SIZE / 2) * SIZE + SIZE / 2) * 4;
        CHECK_MSG(p[0] > 100 && p[1] < 60 && p[2] < 60 && (q[1] > 60 || q[2] > 60),
                  "before %u %u %u, after %u %u %u", q[0], q[1], q[2], p[0], p[1], p[2]);
        CHECK(s1.texture_writes == s0.texture_writes + 1);
        CHECK(s1.descriptor_pools == s0.descriptor_pools); // no new scene
        CHECK(s1.device_idle_waits == s0.device_idle_waits);
        free(red);
    }
    free(before);
    free(after);
    stoa_gfx_scene_destroy(&gs);
    stoa_gfx_target_destroy(&t);
    stoa_scene_destroy(&sc);
}

STOA_TEST(scenes_outlive_the_frames_that_draw_them)
{
    stoa_gfx_renderer *r = gt_renderer();
    stoa_scene *sc = gt_load("box/box.glb");
    CHECK_MSG(sc != NULL, "box/box.glb did not load");
    stoa_gfx_target *t = r && sc ? target() : NULL;
    stoa_gfx_scene *gs = NULL;
    stoa_error err = {0};
    if (!t || stoa_gfx_scene_create(r, sc, &gs, &err) < 0) {
        CHECK_MSG(false, "%s", err.message);
        stoa_gfx_target_destroy(&t);
        stoa_scene_destroy(&sc);
        return;
    }
    const stoa_gfx_device_handles *h = stoa_gfx_device_get_handles(r->dev);
    stoa_gfx_view view;
    stoa_gfx_view_frame_bounds(sc->bounds_min, sc->bounds_max, 0.6f, 0.3f, 0.8f, 1.0f, &view);
    stoa_gfx_stats s0 = stoa_gfx_stats_get();
    // A frame of the caller's own, submitted and not waited for.
    VkCommandBuffer cmd;
    CHECK(gfx_oneshot_begin(r->dev, &cmd, &err) >= 0);
    stoa_gfx_begin_frame(r);
    CHECK(stoa_gfx_prepare(r, t, gs, STOA_GFX_STEREO_AUTO, false, &err) >= 0);
    CHECK(stoa_gfx_render(r, cmd, t, 0, &view, 1, gs, NULL, NULL, &err) >= 0);
    CHECK(vkEndCommandBuffer(cmd) == VK_SUCCESS);
    VkSubmitInfo si = {.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO, .commandBufferCount = 1,
                       .pCommandBuffers = &cmd};
    VkFenceCreateInfo fi = {.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
    VkFence fence;
    CHECK(vkCreateFence(h->device, &fi, NULL, &fence) == VK_SUCCESS);
    CHECK(vkQueueSubmit(h->queue, 1, &si, fence) == VK_SUCCESS);
    // Destroyed while that frame may still draw it: kept for now.
    stoa_gfx_scene_destroy(&gs);
    CHECK(gs == NULL);
    CHECK(stoa_gfx_renderer_deferred_count(r) >= 1);
    // The frames-in-flight contract: by this begin_frame that frame is done.
    CHECK(vkWaitForFences(h->device, 1, &fence, VK_TRUE, UINT64_MAX) == VK_SUCCESS);
    for (int i = 0; i < 3; i++)
        stoa_gfx_begin_frame(r);
    CHECK(stoa_gfx_renderer_deferred_count(r) == 0);
    stoa_gfx_stats s1 = stoa_gfx_stats_get();
    CHECK(s1.deferred_frees > s0.deferred_frees);
    CHECK(s1.device_idle_waits == s0.device_idle_waits);
    CHECK(s1.pipelines_while_recording == s0.pipelines_while_recording); // prepared ahead
    vkDestroyFence(h->device, fence, NULL);
    vkFreeCommandBuffers(h->device, r->dev->pool, 1, &cmd);
    stoa_gfx_target_destroy(&t);
    stoa_scene_destroy(&sc);
}

STOA_TEST(upload_in_three_steps_matches_one)
{
    stoa_gfx_renderer *r = gt_renderer();
    stoa_scene *sc = gt_load("textured/textured.glb");
    CHECK_MSG(sc != NULL, "textured/textured.glb did not load");
    stoa_gfx_target *t = r && sc ? target() : NULL;
    stoa_gfx_scene *one = NULL, *three = NULL;
    stoa_gfx_upload *up = NULL;
    stoa_error err = {0};
    uint8_t *a = malloc(SIZE * SIZE * 4), *b = malloc(SIZE * SIZE * 4);
    if (t && a && b && stoa_gfx_scene_create(r, sc, &one, &err) >= 0) {
        CHECK_MSG(stoa_gfx_scene_upload_begin(r, sc, &up, &err) >= 0, "%s", err.message);
        CHECK(up && stoa_gfx_scene_upload_fill(up, &err) >= 0);
        CHECK(stoa_gfx_scene_upload_end(&up, &three, &err) >= 0 && three && !up);
        if (three && shot(t, sc, one, a) && shot(t, sc, three, b))
            CHECK(memcmp(a, b, SIZE * SIZE * 4) == 0);
    }
    // Ended before its pixels were written: refused, nothing leaks.
    stoa_gfx_scene *none = NULL;
    if (r && sc && stoa_gfx_scene_upload_begin(r, sc, &up, &err) >= 0)
        CHECK(stoa_gfx_scene_upload_end(&up, &none, &err) == STOA_ERROR_INVALID_ARGUMENT && !none);
    free(a);
    free(b);
    stoa_gfx_scene_destroy(&one);
    stoa_gfx_scene_destroy(&three);
    stoa_gfx_target_destroy(&t);
    stoa_scene_destroy(&sc);
}

int main(int argc, char **argv)
{
    return gt_test_main(argc, argv); // the validation messages too
}
