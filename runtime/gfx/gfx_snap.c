// SPDX-License-Identifier: Apache-2.0
// Small pictures of a rendered eye for the teacher's panel (stoa_gfx.h,
// "snapshots"). A snapshot is recorded into the frame's own command buffer
// (a blit of the centre of layer 0 into a small image, a copy into a
// host-visible buffer, then a VkEvent set) and read a frame or more later,
// when the event says the GPU got there: the host never waits on the
// device for it. Three slots, so that one being written, one ready and one
// being read never collide.
#include <stdlib.h>
#include <string.h>

#include "gfx_internal.h"

#define SNAP_SLOTS 3
// A slot recorded into a frame that was never submitted (the frame failed)
// never sees its event: it is taken back after this many records.
#define SNAP_STALE_RECORDS 16

typedef enum snap_state { SNAP_FREE = 0, SNAP_PENDING } snap_state;

typedef struct snap_slot {
    gfx_image image;  // the downscaled picture, TRANSFER_DST then TRANSFER_SRC
    gfx_buffer buffer; // GFX_MEM_READBACK, width*height*4
    VkEvent event;
    snap_state state;
    uint64_t seq, recorded_at; // recorded_at: the snap's record counter then
    uint64_t user;             // the caller's tag (a timestamp)
} snap_slot;

struct stoa_gfx_snap {
    stoa_gfx_device *dev;
    uint32_t width, height;
    VkFormat format;
    VkFilter filter;
    snap_slot slots[SNAP_SLOTS];
    uint64_t records, seq;
};

static bool swizzled(VkFormat f)
{
    return f == VK_FORMAT_B8G8R8A8_SRGB || f == VK_FORMAT_B8G8R8A8_UNORM;
}

stoa_result stoa_gfx_snap_create(stoa_gfx_device *dev, const stoa_gfx_snap_desc *desc,
                                 stoa_gfx_snap **out, stoa_error *err)
{
    *out = NULL;
    VkFormat f = desc->format;
    if (!swizzled(f) && f != VK_FORMAT_R8G8B8A8_SRGB && f != VK_FORMAT_R8G8B8A8_UNORM)
        return stoa_error_set(err, STOA_ERROR_UNSUPPORTED, "gfx: snapshots need an 8-bit RGBA/BGRA eye");
    if (desc->width < 8 || desc->height < 8 || desc->width > 2048 || desc->height > 2048)
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT, "gfx: snapshot size %ux%u out of 8..2048",
                              desc->width, desc->height);
    VkFormatProperties fp;
    vkGetPhysicalDeviceFormatProperties(dev->h.physical_device, f, &fp);
    VkFormatFeatureFlags need = VK_FORMAT_FEATURE_BLIT_SRC_BIT | VK_FORMAT_FEATURE_BLIT_DST_BIT;
    if ((fp.optimalTilingFeatures & need) != need)
        return stoa_error_set(err, STOA_ERROR_UNSUPPORTED, "gfx: the eye's format cannot be blitted here");
    stoa_gfx_snap *s = calloc(1, sizeof *s);
    if (!s)
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "gfx: snapshot");
    s->dev = dev;
    s->width = desc->width;
    s->height = desc->height;
    s->format = f;
    s->filter = (fp.optimalTilingFeatures & VK_FORMAT_FEATURE_SAMPLED_IMAGE_FILTER_LINEAR_BIT)
                    ? VK_FILTER_LINEAR : VK_FILTER_NEAREST;
    stoa_result r = STOA_OK;
    for (int i = 0; i < SNAP_SLOTS && r >= 0; i++) {
        snap_slot *sl = &s->slots[i];
        VkImageCreateInfo ii = {
            .sType = VK_STRUCTURE_TYPE_IMAGE_CREATE_INFO,
            .imageType = VK_IMAGE_TYPE_2D,
            .format = f,
            .extent = {s->width, s->height, 1},
            .mipLevels = 1,
            .arrayLayers = 1,
            .samples = VK_SAMPLE_COUNT_1_BIT,
            .tiling = VK_IMAGE_TILING_OPTIMAL,
            .usage = VK_IMAGE_USAGE_TRANSFER_DST_BIT | VK_IMAGE_USAGE_TRANSFER_SRC_BIT,
            .initialLayout = VK_IMAGE_LAYOUT_UNDEFINED,
        };
        r = gfx_image_create(dev, &ii, &sl->image, err);
        if (r >= 0)
            r = gfx_buffer_create(dev, (VkDeviceSize)s->width * s->height * 4, VK_BUFFER_USAGE_TRANSFER_DST_BIT,
                                  GFX_MEM_READBACK, &sl->buffer, err);
        VkEventCreateInfo ei = {VK_STRUCTURE_TYPE_EVENT_CREATE_INFO};
        if (r >= 0)
            r = GFX_VK(err, vkCreateEvent(dev->h.device, &ei, NULL, &sl->event));
    }
    if (r < 0) {
        stoa_gfx_snap_destroy(&s);
        return r;
    }
    *out = s;
    return STOA_OK;
}

void stoa_gfx_snap_destroy(stoa_gfx_snap **snap)
{
    stoa_gfx_snap *s = snap ? *snap : NULL;
    if (!s)
        return;
    for (int i = SNAP_SLOTS - 1; i >= 0; i--) {
        snap_slot *sl = &s->slots[i];
        if (sl->event)
            vkDestroyEvent(s->dev->h.device, sl->event, NULL);
        gfx_buffer_destroy(s->dev, &sl->buffer);
        gfx_image_destroy(s->dev, &sl->image);
    }
    free(s);
    *snap = NULL;
}

bool stoa_gfx_snap_record(stoa_gfx_snap *s, VkCommandBuffer cmd, VkImage eye, uint32_t eye_width,
                          uint32_t eye_height, VkImageLayout layout, float crop, uint64_t user)
{
    s->records++;
    snap_slot *sl = NULL;
    for (int i = 0; i < SNAP_SLOTS && !sl; i++) {
        snap_slot *c = &s->slots[i];
        if (c->state == SNAP_PENDING && s->records - c->recorded_at > SNAP_STALE_RECORDS &&
            vkGetEventStatus(s->dev->h.device, c->event) != VK_EVENT_SET)
            c->state = SNAP_FREE; // its frame was never submitted
        if (c->state == SNAP_FREE)
            sl = c;
    }
    if (!sl)
        return false; // every slot waits to be read: skip this one
    // The crop: the centre of the eye, `crop` of its width, with the
    // picture's aspect (clamped to the eye's height).
    crop = crop <= 0.0f || crop > 1.0f ? 1.0f : crop;
    int32_t cw = (int32_t)((float)eye_width * crop);
    int32_t ch = (int32_t)((float)cw * (float)s->height / (float)s->width);
    if (ch > (int32_t)eye_height) {
        ch = (int32_t)eye_height;
        cw = (int32_t)((float)ch * (float)s->width / (float)s->height);
    }
    int32_t x0 = ((int32_t)eye_width - cw) / 2, y0 = ((int32_t)eye_height - ch) / 2;
    VkImageMemoryBarrier b[2] = {
        {.sType = VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER,
         .srcAccessMask = VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT | VK_ACCESS_TRANSFER_WRITE_BIT,
         .dstAccessMask = VK_ACCESS_TRANSFER_READ_BIT,
         .oldLayout = layout,
         .newLayout = VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL,
         .srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
         .dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
         .image = eye,
         .subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1}},
        {.sType = VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER,
         .srcAccessMask = 0,
         .dstAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT,
         .oldLayout = VK_IMAGE_LAYOUT_UNDEFINED,
         .newLayout = VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL,
         .srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
         .dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
         .image = sl->image.image,
         .subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1}},
    };
    vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT,
                         VK_PIPELINE_STAGE_TRANSFER_BIT, 0, 0, NULL, 0, NULL, 2, b);
    VkImageBlit blit = {
        .srcSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1},
        .srcOffsets = {{x0, y0, 0}, {x0 + cw, y0 + ch, 1}},
        .dstSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1},
        .dstOffsets = {{0, 0, 0}, {(int32_t)s->width, (int32_t)s->height, 1}},
    };
    vkCmdBlitImage(cmd, eye, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, sl->image.image,
                   VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 1, &blit, s->filter);
    // The eye goes back as it came (OpenXR wants it so); the picture on to
    // the copy.
    VkImageMemoryBarrier a[2] = {b[0], b[1]};
    a[0].srcAccessMask = VK_ACCESS_TRANSFER_READ_BIT;
    a[0].dstAccessMask = VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT | VK_ACCESS_COLOR_ATTACHMENT_READ_BIT;
    a[0].oldLayout = VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL;
    a[0].newLayout = layout;
    a[1].srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
    a[1].dstAccessMask = VK_ACCESS_TRANSFER_READ_BIT;
    a[1].oldLayout = VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL;
    a[1].newLayout = VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL;
    vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT,
                         VK_PIPELINE_STAGE_TRANSFER_BIT | VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT, 0, 0,
                         NULL, 0, NULL, 2, a);
    VkBufferImageCopy copy = {
        .imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1},
        .imageExtent = {s->width, s->height, 1},
    };
    vkCmdCopyImageToBuffer(cmd, sl->image.image, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, sl->buffer.buffer, 1,
                           &copy);
    VkBufferMemoryBarrier host = {
        .sType = VK_STRUCTURE_TYPE_BUFFER_MEMORY_BARRIER,
        .srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT,
        .dstAccessMask = VK_ACCESS_HOST_READ_BIT,
        .srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
        .dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
        .buffer = sl->buffer.buffer,
        .size = VK_WHOLE_SIZE,
    };
    vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_HOST_BIT, 0, 0, NULL, 1, &host,
                         0, NULL);
    vkCmdSetEvent(cmd, sl->event, VK_PIPELINE_STAGE_TRANSFER_BIT);
    sl->state = SNAP_PENDING;
    sl->seq = ++s->seq;
    sl->recorded_at = s->records;
    sl->user = user;
    return true;
}

// The newest finished slot (older finished ones are let go); NULL when none.
static snap_slot *newest_done(stoa_gfx_snap *s)
{
    snap_slot *best = NULL;
    for (int i = 0; i < SNAP_SLOTS; i++) {
        snap_slot *c = &s->slots[i];
        if (c->state == SNAP_PENDING && (!best || c->seq > best->seq) &&
            vkGetEventStatus(s->dev->h.device, c->event) == VK_EVENT_SET)
            best = c;
    }
    for (int i = 0; best && i < SNAP_SLOTS; i++) {
        snap_slot *c = &s->slots[i];
        if (c->state == SNAP_PENDING && c->seq <= best->seq &&
            vkGetEventStatus(s->dev->h.device, c->event) == VK_EVENT_SET) {
            vkResetEvent(s->dev->h.device, c->event);
            c->state = SNAP_FREE; // free for a record from now on: read it before the next one
        }
    }
    if (best) {
        VkMappedMemoryRange range = {
            .sType = VK_STRUCTURE_TYPE_MAPPED_MEMORY_RANGE,
            .memory = best->buffer.alloc.memory,
            .offset = best->buffer.alloc.offset,
            .size = VK_WHOLE_SIZE,
        };
        vkInvalidateMappedMemoryRanges(s->dev->h.device, 1, &range);
    }
    return best;
}

const uint8_t *stoa_gfx_snap_map(stoa_gfx_snap *s, uint64_t *out_user, bool *out_bgra)
{
    snap_slot *best = newest_done(s);
    if (!best)
        return NULL;
    if (out_user)
        *out_user = best->user;
    if (out_bgra)
        *out_bgra = swizzled(s->format);
    return best->buffer.alloc.mapped;
}

bool stoa_gfx_snap_take(stoa_gfx_snap *s, uint8_t *rgba, uint64_t *out_user)
{
    bool bgra = false;
    const uint8_t *src = stoa_gfx_snap_map(s, out_user, &bgra);
    if (!src)
        return false;
    size_t bytes = (size_t)s->width * s->height * 4;
    memcpy(rgba, src, bytes);
    if (bgra)
        for (size_t i = 0; i < bytes; i += 4) {
            uint8_t t = rgba[i];
            rgba[i] = rgba[i + 2];
            rgba[i + 2] = t;
        }
    return true;
}

void stoa_gfx_snap_size(const stoa_gfx_snap *s, uint32_t *out_width, uint32_t *out_height)
{
    *out_width = s->width;
    *out_height = s->height;
}
