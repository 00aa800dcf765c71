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
    const xrsim_composition *comp;
    const xrsim_camera *camera;
    XrPosef room;
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

// Whether the picture is the layer's colour as stored: OPAQUE, no
// passthrough, and no colour to multiply by alpha.
static bool as_stored(const xrsim_composition *c)
{
    const XrCompositionLayerFlags both = XR_COMPOSITION_LAYER_BLEND_TEXTURE_SOURCE_ALPHA_BIT |
                                         XR_COMPOSITION_LAYER_UNPREMULTIPLIED_ALPHA_BIT;
    return c->blend == XR_ENVIRONMENT_BLEND_MODE_OPAQUE && c->passthrough_below <= 0 &&
           c->passthrough_above <= 0 && (c->proj_flags & both) != both;
}

// One pixel as the headset shows it, in linear light (spec "Composition
// layer blending" and XrEnvironmentBlendMode). `px` is the layer's texel in
// linear light (alpha linear in every format), `cam` the real room's.
static void composite(const xrsim_composition *c, const float px[4], const float cam[3],
                      float out[3])
{
    // Layers over transparent black, premultiplied: passthrough below, the
    // projection layer, passthrough above.
    float rgb[3], a = c->passthrough_below;
    for (int i = 0; i < 3; i++)
        rgb[i] = cam[i] * a;
    // Without BLEND_TEXTURE_SOURCE_ALPHA the texture's alpha is taken as 1;
    // UNPREMULTIPLIED_ALPHA: its colour is multiplied by alpha first.
    bool src_alpha = c->proj_flags & XR_COMPOSITION_LAYER_BLEND_TEXTURE_SOURCE_ALPHA_BIT;
    float sa = src_alpha ? px[3] : 1.0f;
    bool unpremul = src_alpha && (c->proj_flags & XR_COMPOSITION_LAYER_UNPREMULTIPLIED_ALPHA_BIT);
    for (int i = 0; i < 3; i++)
        rgb[i] = (unpremul ? px[i] * sa : px[i]) + (1 - sa) * rgb[i];
    a = sa + (1 - sa) * a;
    float pa = c->passthrough_above;
    for (int i = 0; i < 3; i++)
        rgb[i] = cam[i] * pa + (1 - pa) * rgb[i];
    a = pa + (1 - pa) * a;
    // The composited image against the real world.
    for (int i = 0; i < 3; i++) {
        switch (c->blend) {
        case XR_ENVIRONMENT_BLEND_MODE_ADDITIVE: out[i] = fminf(1.0f, cam[i] + rgb[i]); break;
        case XR_ENVIRONMENT_BLEND_MODE_ALPHA_BLEND: out[i] = rgb[i] + (1 - a) * cam[i]; break;
        default: out[i] = rgb[i]; break; // OPAQUE: alpha ignored
        }
    }
}

// Whether the room shows through a pixel whose texel alpha is `alpha`.
static bool needs_camera(const xrsim_composition *c, float alpha)
{
    if (c->blend == XR_ENVIRONMENT_BLEND_MODE_ADDITIVE || c->passthrough_above > 0)
        return true;
    bool src_alpha = c->proj_flags & XR_COMPOSITION_LAYER_BLEND_TEXTURE_SOURCE_ALPHA_BIT;
    bool below = c->blend == XR_ENVIRONMENT_BLEND_MODE_ALPHA_BLEND || c->passthrough_below > 0;
    return below && src_alpha && alpha < 1.0f;
}

// The direction of pixel (x, y) of an eye, in STAGE.
static XrVector3f pixel_dir(const xrsim_capture_eye *e, uint32_t x, uint32_t y, uint32_t w,
                            uint32_t h)
{
    float l = tanf(e->fov.angleLeft), r = tanf(e->fov.angleRight);
    float u = tanf(e->fov.angleUp), d = tanf(e->fov.angleDown);
    XrVector3f v = {l + ((float)x + 0.5f) / (float)w * (r - l),
                    u - ((float)y + 0.5f) / (float)h * (u - d), -1.0f};
    return xrsim_quat_rotate(e->pose.orientation, v);
}

// Copies one eye into the side-by-side picture, composited as the headset
// shows it, sRGB-encoded RGBA. Blending is done in linear light: an sRGB
// swapchain's texels are decoded first (as a compositor's sampler does),
// a UNORM swapchain holds linear values; the result is encoded to sRGB.
static void convert_eye(uint8_t *dst, uint32_t dst_w, uint32_t x0, const uint8_t *src,
                        const xrsim_capture_eye *e, const copy_job *job)
{
    VkFormat f = e->swapchain->format;
    bool bgra = f == VK_FORMAT_B8G8R8A8_SRGB || f == VK_FORMAT_B8G8R8A8_UNORM;
    bool linear = f == VK_FORMAT_R8G8B8A8_UNORM || f == VK_FORMAT_B8G8R8A8_UNORM;
    bool stored = as_stored(job->comp);
    // The room's coordinates (it may have drifted in STAGE).
    const XrPosef to_room = xrsim_pose_inverse(job->room);
    const XrPosef eye_room = xrsim_pose_mul(to_room, e->pose);
    uint32_t w = (uint32_t)e->rect.extent.width, h = (uint32_t)e->rect.extent.height;
    for (uint32_t y = 0; y < h; y++)
        for (uint32_t x = 0; x < w; x++) {
            const uint8_t *p = src + ((size_t)y * w + x) * 4;
            uint8_t *q = dst + ((size_t)y * dst_w + x0 + x) * 4;
            uint8_t rgb[3] = {bgra ? p[2] : p[0], p[1], bgra ? p[0] : p[2]};
            q[3] = 255; // the picture is what the eye sees: opaque
            if (stored) {
                for (int c = 0; c < 3; c++)
                    q[c] = linear ? xrsim_linear_to_srgb(rgb[c] / 255.0f) : rgb[c];
                continue;
            }
            float px[4], cam[3], out[3];
            for (int c = 0; c < 3; c++)
                px[c] = linear ? rgb[c] / 255.0f : xrsim_srgb_to_linear(rgb[c]);
            px[3] = p[3] / 255.0f;
            if (needs_camera(job->comp, px[3]))
                xrsim_camera_sample(job->camera, eye_room.position,
                                    xrsim_quat_rotate(to_room.orientation, pixel_dir(e, x, y, w, h)),
                                    cam);
            else // the layer hides the room here: skip the ray
                cam[0] = cam[1] = cam[2] = 0;
            composite(job->comp, px, cam, out);
            for (int c = 0; c < 3; c++)
                q[c] = xrsim_linear_to_srgb(out[c]);
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
    convert_eye(img, W, 0, mapped + job->offset[0], &e[0], job);
    convert_eye(img, W, w0, mapped + job->offset[1], &e[1], job);
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

bool xrsim_capture_eyes(xrsim_session *s, const xrsim_capture_eye eyes[2],
                        const xrsim_composition *comp, uint64_t frame, int64_t display_time)
{
    xrsim_vk *vk = &s->vk;
    for (int i = 0; i < 2; i++)
        if (!xrsim_handle_live(eyes[i].swapchain, XRSIM_SWAPCHAIN) || eyes[i].image_index < 0 ||
            !format_ok(eyes[i].swapchain->format) || eyes[i].swapchain->info.sampleCount != 1) {
            STOA_LOGW(XRSIM_LOG, "frame %llu: cannot capture this layer's format or samples",
                      (unsigned long long)frame);
            return false;
        }
    copy_job job = {.eyes = eyes, .comp = comp, .camera = &s->instance->camera,
                    .room = s->instance->timeline.room};
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
    xrsim_capture_eyes(s, s->last_eyes, &s->last_comp, s->last_layer_frame, s->last_layer_time);
}
