// SPDX-License-Identifier: Apache-2.0
// Capture: reads both eyes of a submitted projection layer back from the
// app's images (on the app's queue, with xrsim's own command pool) and writes
// them side by side as an sRGB PNG.
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wunused-function"
#define STB_IMAGE_WRITE_STATIC
#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb_image_write.h>
#pragma GCC diagnostic pop

#include "core/stoa_log.h"
#include "xrsim_api.h"

typedef struct copy_job {
    const xrsim_capture_eye *eyes;
    VkBuffer buffer;
    VkDeviceSize offset[2];
} copy_job;

static bool format_ok(VkFormat f)
{
    return f == VK_FORMAT_R8G8B8A8_SRGB || f == VK_FORMAT_B8G8R8A8_SRGB ||
           f == VK_FORMAT_R8G8B8A8_UNORM || f == VK_FORMAT_B8G8R8A8_UNORM;
}

static void barrier(xrsim_vk *vk, VkCommandBuffer cb, const xrsim_capture_eye *e,
                    VkImageLayout from, VkImageLayout to)
{
    VkImageMemoryBarrier b = {
        .sType = VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER,
        .srcAccessMask = VK_ACCESS_MEMORY_WRITE_BIT,
        .dstAccessMask = VK_ACCESS_MEMORY_READ_BIT | VK_ACCESS_MEMORY_WRITE_BIT,
        .oldLayout = from,
        .newLayout = to,
        .srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
        .dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
        .image = e->swapchain->images[e->image_index],
        .subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, e->array_index, 1},
    };
    vk->vkCmdPipelineBarrier(cb, VK_PIPELINE_STAGE_ALL_COMMANDS_BIT,
                             VK_PIPELINE_STAGE_ALL_COMMANDS_BIT, 0, 0, NULL, 0, NULL, 1, &b);
}

static void record_copy(xrsim_vk *vk, VkCommandBuffer cb, void *user)
{
    copy_job *job = user;
    for (int i = 0; i < 2; i++) {
        const xrsim_capture_eye *e = &job->eyes[i];
        VkImageLayout held = e->swapchain->layout;
        barrier(vk, cb, e, held, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL);
        VkBufferImageCopy region = {
            .bufferOffset = job->offset[i],
            .imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, e->array_index, 1},
            .imageOffset = {e->rect.offset.x, e->rect.offset.y, 0},
            .imageExtent = {(uint32_t)e->rect.extent.width, (uint32_t)e->rect.extent.height, 1},
        };
        vk->vkCmdCopyImageToBuffer(cb, e->swapchain->images[e->image_index],
                                   VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, job->buffer, 1, &region);
        barrier(vk, cb, e, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, held);
    }
}

static uint8_t linear_to_srgb(uint8_t v)
{
    static uint8_t lut[256];
    static bool ready;
    if (!ready) {
        for (int i = 0; i < 256; i++) {
            double l = i / 255.0;
            double s = l <= 0.0031308 ? 12.92 * l : 1.055 * pow(l, 1 / 2.4) - 0.055;
            lut[i] = (uint8_t)lround(s * 255.0);
        }
        ready = true;
    }
    return lut[v];
}

// Copies one eye into the side-by-side picture, as sRGB-encoded RGBA.
static void convert_eye(uint8_t *dst, uint32_t dst_w, uint32_t x0, const uint8_t *src,
                        const xrsim_capture_eye *e)
{
    VkFormat f = e->swapchain->format;
    bool bgra = f == VK_FORMAT_B8G8R8A8_SRGB || f == VK_FORMAT_B8G8R8A8_UNORM;
    bool linear = f == VK_FORMAT_R8G8B8A8_UNORM || f == VK_FORMAT_B8G8R8A8_UNORM;
    uint32_t w = (uint32_t)e->rect.extent.width, h = (uint32_t)e->rect.extent.height;
    for (uint32_t y = 0; y < h; y++)
        for (uint32_t x = 0; x < w; x++) {
            const uint8_t *p = src + ((size_t)y * w + x) * 4;
            uint8_t *q = dst + ((size_t)y * dst_w + x0 + x) * 4;
            uint8_t rgb[3] = {bgra ? p[2] : p[0], p[1], bgra ? p[0] : p[2]};
            for (int c = 0; c < 3; c++)
                q[c] = linear ? linear_to_srgb(rgb[c]) : rgb[c];
            q[3] = 255; // opaque blend mode: alpha is not shown
        }
}

static bool write_png(xrsim_session *s, const uint8_t *mapped, const copy_job *job,
                      uint64_t frame, int64_t t)
{
    const xrsim_capture_eye *e = job->eyes;
    uint32_t w0 = (uint32_t)e[0].rect.extent.width, w1 = (uint32_t)e[1].rect.extent.width;
    uint32_t h0 = (uint32_t)e[0].rect.extent.height, h1 = (uint32_t)e[1].rect.extent.height;
    uint32_t W = w0 + w1, H = h0 > h1 ? h0 : h1;
    uint8_t *img = calloc((size_t)W * H, 4);
    if (!img)
        return false;
    convert_eye(img, W, 0, mapped + job->offset[0], &e[0]);
    convert_eye(img, W, w0, mapped + job->offset[1], &e[1]);
    const char *dir = s->instance->cfg.capture_dir;
    if (mkdir(dir, 0755) != 0 && errno != EEXIST)
        STOA_LOGW(XRSIM_LOG, "cannot create capture folder %s: %s", dir, strerror(errno));
    char path[1200];
    snprintf(path, sizeof path, "%s/frame_%06llu_%015lldns.png", dir, (unsigned long long)frame,
             (long long)t);
    bool ok = stbi_write_png(path, (int)W, (int)H, 4, img, (int)W * 4) != 0;
    free(img);
    if (!ok)
        STOA_LOGE(XRSIM_LOG, "cannot write %s", path);
    else
        STOA_LOGD(XRSIM_LOG, "captured %s", path);
    return ok;
}

bool xrsim_capture_eyes(xrsim_session *s, const xrsim_capture_eye eyes[2], uint64_t frame,
                        int64_t display_time)
{
    xrsim_vk *vk = &s->vk;
    for (int i = 0; i < 2; i++)
        if (!xrsim_handle_live(eyes[i].swapchain, XRSIM_SWAPCHAIN) || eyes[i].image_index < 0 ||
            !format_ok(eyes[i].swapchain->format) || eyes[i].swapchain->info.sampleCount != 1) {
            STOA_LOGW(XRSIM_LOG, "frame %llu: cannot capture this layer's format or samples",
                      (unsigned long long)frame);
            return false;
        }
    copy_job job = {.eyes = eyes};
    VkDeviceSize size0 = (VkDeviceSize)eyes[0].rect.extent.width * eyes[0].rect.extent.height * 4;
    VkDeviceSize size = size0 + (VkDeviceSize)eyes[1].rect.extent.width * eyes[1].rect.extent.height * 4;
    job.offset[1] = size0;
    VkBufferCreateInfo bi = {
        .sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO,
        .size = size,
        .usage = VK_BUFFER_USAGE_TRANSFER_DST_BIT,
    };
    VkDeviceMemory mem = VK_NULL_HANDLE;
    void *mapped = NULL;
    bool ok = vk->vkCreateBuffer(vk->device, &bi, NULL, &job.buffer) == VK_SUCCESS;
    if (ok) {
        VkMemoryRequirements req;
        vk->vkGetBufferMemoryRequirements(vk->device, job.buffer, &req);
        int32_t type = xrsim_vk_memory_type(vk, req.memoryTypeBits,
                                            VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT |
                                                VK_MEMORY_PROPERTY_HOST_COHERENT_BIT);
        VkMemoryAllocateInfo ai = {
            .sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO,
            .allocationSize = req.size,
            .memoryTypeIndex = (uint32_t)type,
        };
        ok = type >= 0 && vk->vkAllocateMemory(vk->device, &ai, NULL, &mem) == VK_SUCCESS &&
             vk->vkBindBufferMemory(vk->device, job.buffer, mem, 0) == VK_SUCCESS;
    }
    ok = ok && xrsim_vk_run(vk, record_copy, &job);
    ok = ok && vk->vkMapMemory(vk->device, mem, 0, VK_WHOLE_SIZE, 0, &mapped) == VK_SUCCESS;
    if (ok) {
        ok = write_png(s, mapped, &job, frame, display_time);
        vk->vkUnmapMemory(vk->device, mem);
    }
    if (job.buffer)
        vk->vkDestroyBuffer(vk->device, job.buffer, NULL);
    if (mem)
        vk->vkFreeMemory(vk->device, mem, NULL);
    if (ok)
        s->instance->summary.captures++;
    return ok;
}

void xrsim_capture_last(xrsim_session *s)
{
    if (!s->last_layer_valid || s->last_layer_captured || !s->instance->cfg.capture_dir[0])
        return;
    s->last_layer_captured = true; // one try: a failure is logged, not repeated
    xrsim_capture_eyes(s, s->last_eyes, s->last_layer_frame, s->last_layer_time);
}
