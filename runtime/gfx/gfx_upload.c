// SPDX-License-Identifier: Apache-2.0
// Submitting a scene upload without waiting for it (gfx_upload_submit).
//
// While the caller records frames of its own, an upload's command pool and
// staging buffer go through the frame-fenced queue (gfx_defer.c). Before
// the first such frame (start-up: `stoa run` uploads its scene before its
// first frame; tools and `stoa bench load` draw no frame of the caller's),
// each upload gets a fence of its own and is kept here until that fence
// signals: the thread that made the scene goes on at once (pipelines, the
// first frame's recording) while the device copies. Nothing that the upload
// writes may be freed before it is done: a scene destroyed before any
// frame waits here first (gfx_defer_scene), and so does the renderer's
// teardown. A frame submitted later on the same queue is ordered after the
// copies by the upload's own barriers (their second scope covers later
// submissions), as it is for uploads made between frames.
#include <stdlib.h>
#include <string.h>

#include "core/stoa_log.h"
#include "gfx_internal.h"

struct gfx_inflight {
    VkFence fence;
    VkCommandPool pool; // and the command buffer with it
    gfx_buffer staging;
};

static VkFence take_fence(stoa_gfx_renderer *r)
{
    if (r->spare_count)
        return r->spare_fences[--r->spare_count];
    VkFenceCreateInfo fi = {.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
    VkFence f = VK_NULL_HANDLE;
    if (vkCreateFence(r->dev->h.device, &fi, NULL, &f) != VK_SUCCESS)
        return VK_NULL_HANDLE;
    return f;
}

static void give_fence(stoa_gfx_renderer *r, VkFence f)
{
    VkDevice d = r->dev->h.device;
    if (r->spare_count == r->spare_cap) {
        uint32_t cap = r->spare_cap ? r->spare_cap * 2 : 4;
        VkFence *grown = realloc(r->spare_fences, cap * sizeof *grown);
        if (!grown) {
            vkDestroyFence(d, f, NULL);
            return;
        }
        r->spare_fences = grown;
        r->spare_cap = cap;
    }
    vkResetFences(d, 1, &f);
    r->spare_fences[r->spare_count++] = f;
}

static void inflight_free(stoa_gfx_renderer *r, struct gfx_inflight *u)
{
    vkDestroyCommandPool(r->dev->h.device, u->pool, NULL);
    gfx_buffer_destroy(r->dev, &u->staging);
    give_fence(r, u->fence);
}

// Under upload_lock.
static void reap_locked(stoa_gfx_renderer *r, bool wait)
{
    VkDevice d = r->dev->h.device;
    uint32_t kept = 0;
    for (uint32_t i = 0; i < r->inflight_count; i++) {
        struct gfx_inflight *u = &r->inflight[i];
        VkResult st = vkGetFenceStatus(d, u->fence);
        if (st == VK_NOT_READY && wait) {
            gfx_count_upload(true);
            st = vkWaitForFences(d, 1, &u->fence, VK_TRUE, UINT64_MAX);
        }
        if (st == VK_SUCCESS)
            inflight_free(r, u);
        else if (st == VK_NOT_READY || st == VK_TIMEOUT)
            r->inflight[kept++] = *u;
        else { // device lost: nothing will signal; the device is gone anyway
            STOA_LOGW(GFX_MODULE, "an upload's fence: VkResult %d; freeing after a device wait",
                      (int)st);
            gfx_count_idle_wait();
            vkDeviceWaitIdle(d);
            inflight_free(r, u);
        }
    }
    r->inflight_count = kept;
}

void gfx_uploads_reap(stoa_gfx_renderer *r, bool wait)
{
    pthread_mutex_lock(&r->upload_lock);
    if (r->inflight_count)
        reap_locked(r, wait);
    pthread_mutex_unlock(&r->upload_lock);
}

void gfx_uploads_fini(stoa_gfx_renderer *r)
{
    gfx_uploads_reap(r, true);
    for (uint32_t i = 0; i < r->spare_count; i++)
        vkDestroyFence(r->dev->h.device, r->spare_fences[i], NULL);
    free(r->spare_fences);
    free(r->inflight);
    r->spare_fences = NULL;
    r->inflight = NULL;
    r->spare_count = r->spare_cap = r->inflight_count = r->inflight_cap = 0;
    pthread_mutex_destroy(&r->upload_lock);
}

void stoa_gfx_renderer_finish_uploads(stoa_gfx_renderer *r)
{
    if (r)
        gfx_uploads_reap(r, true);
}

// Before any frame: submitted with a fence of its own and kept until it
// signals. Out of memory for the list or a fence: waited for here, as before.
static stoa_result submit_fenced(stoa_gfx_renderer *r, VkCommandPool pool,
                                 const VkSubmitInfo *submit, gfx_buffer *staging, stoa_error *err)
{
    pthread_mutex_lock(&r->upload_lock);
    reap_locked(r, false);
    bool room = r->inflight_count < r->inflight_cap;
    if (!room) {
        uint32_t cap = r->inflight_cap ? r->inflight_cap * 2 : 8;
        struct gfx_inflight *grown = realloc(r->inflight, cap * sizeof *grown);
        if (grown) {
            r->inflight = grown;
            r->inflight_cap = cap;
            room = true;
        }
    }
    VkFence fence = room ? take_fence(r) : VK_NULL_HANDLE;
    stoa_result res;
    if (fence) {
        res = GFX_VK(err, vkQueueSubmit(r->dev->h.queue, 1, submit, fence));
        if (res >= 0) {
            r->inflight[r->inflight_count++] =
                (struct gfx_inflight){.fence = fence, .pool = pool, .staging = *staging};
            gfx_count_upload(false);
            memset(staging, 0, sizeof *staging);
            staging->alloc.block = -1;
        } else {
            give_fence(r, fence); // never submitted: unsignalled, reset is harmless
            vkDestroyCommandPool(r->dev->h.device, pool, NULL);
            gfx_buffer_destroy(r->dev, staging);
        }
        pthread_mutex_unlock(&r->upload_lock);
        return res;
    }
    pthread_mutex_unlock(&r->upload_lock);
    res = GFX_VK(err, vkQueueSubmit(r->dev->h.queue, 1, submit, r->dev->fence));
    if (res >= 0) {
        res =
            GFX_VK(err, vkWaitForFences(r->dev->h.device, 1, &r->dev->fence, VK_TRUE, UINT64_MAX));
        vkResetFences(r->dev->h.device, 1, &r->dev->fence);
    }
    vkDestroyCommandPool(r->dev->h.device, pool, NULL);
    gfx_buffer_destroy(r->dev, staging);
    return res;
}

stoa_result gfx_upload_submit(stoa_gfx_renderer *r, VkCommandPool pool, VkCommandBuffer cmd,
                              gfx_buffer *staging, stoa_error *err)
{
    stoa_result res = GFX_VK(err, vkEndCommandBuffer(cmd));
    VkSubmitInfo submit = {
        .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
        .commandBufferCount = 1,
        .pCommandBuffers = &cmd,
    };
    if (res < 0) {
        vkDestroyCommandPool(r->dev->h.device, pool, NULL);
        gfx_buffer_destroy(r->dev, staging);
        return res;
    }
    if (!r->caller_frames)
        return submit_fenced(r, pool, &submit, staging, err);
    // The upload's own barriers leave its images in SHADER_READ_ONLY for the
    // fragment stage; frames submitted later are ordered after them on the
    // queue, so no semaphore or fence is needed.
    res = GFX_VK(err, vkQueueSubmit(r->dev->h.queue, 1, &submit, VK_NULL_HANDLE));
    gfx_defer_upload(r, pool, staging);
    return res;
}
