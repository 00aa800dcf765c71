// SPDX-License-Identifier: Apache-2.0
// Reading an offscreen target back to memory, and writing PNG files.
#include <stdlib.h>
#include <string.h>

#include "gfx_internal.h"

// Private to this file so that no other module's stb_image_write clashes.
#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STB_IMAGE_WRITE_STATIC
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#include <stb_image_write.h>
#pragma GCC diagnostic pop

static bool swizzled(VkFormat f)
{
    return f == VK_FORMAT_B8G8R8A8_SRGB || f == VK_FORMAT_B8G8R8A8_UNORM;
}

static bool readable(VkFormat f)
{
    return swizzled(f) || f == VK_FORMAT_R8G8B8A8_SRGB || f == VK_FORMAT_R8G8B8A8_UNORM;
}

static void record_copy(stoa_gfx_target *t, VkCommandBuffer cmd, VkBuffer buffer, uint32_t layer)
{
    // With TRANSFER_SRC as the final layout the render pass's own external
    // dependency already made the writes available to transfers.
    bool in_place = t->desc.final_layout == VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL;
    VkImageMemoryBarrier before = {
        .sType = VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER,
        .srcAccessMask = in_place ? 0 : VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT,
        .dstAccessMask = VK_ACCESS_TRANSFER_READ_BIT,
        .oldLayout = t->desc.final_layout,
        .newLayout = VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL,
        .srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
        .dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
        .image = t->own_color_image.image,
        .subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, layer, 1},
    };
    vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT,
                         VK_PIPELINE_STAGE_TRANSFER_BIT, 0, 0, NULL, 0, NULL, 1, &before);
    VkBufferImageCopy copy = {
        .imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, layer, 1},
        .imageExtent = {t->desc.width, t->desc.height, 1},
    };
    vkCmdCopyImageToBuffer(cmd, t->own_color_image.image, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL,
                           buffer, 1, &copy);
    VkImageMemoryBarrier after = before;
    after.srcAccessMask = VK_ACCESS_TRANSFER_READ_BIT;
    after.dstAccessMask = 0;
    after.oldLayout = VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL;
    after.newLayout = t->desc.final_layout;
    VkBufferMemoryBarrier host = {
        .sType = VK_STRUCTURE_TYPE_BUFFER_MEMORY_BARRIER,
        .srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT,
        .dstAccessMask = VK_ACCESS_HOST_READ_BIT,
        .srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
        .dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
        .buffer = buffer,
        .size = VK_WHOLE_SIZE,
    };
    vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT,
                         VK_PIPELINE_STAGE_HOST_BIT | VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, 0, 0,
                         NULL, 1, &host, 1, &after);
}

stoa_result stoa_gfx_target_read_rgba(stoa_gfx_target *target, uint32_t layer, uint8_t *rgba,
                                      stoa_error *err)
{
    if (!target || !rgba || layer >= target->desc.layers)
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT, "gfx: bad readback arguments");
    if (!target->own_color || !readable(target->desc.color_format))
        return stoa_error_set(err, STOA_ERROR_UNSUPPORTED,
                              "gfx: only Stoa-allocated 8-bit RGBA/BGRA targets can be read back");
    if (!target->rendered)
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT,
                              "gfx: read back of a target that was never rendered");
    stoa_gfx_device *dev = target->r->dev;
    size_t bytes = (size_t)target->desc.width * target->desc.height * 4;
    gfx_buffer buf;
    stoa_result res = gfx_buffer_create(dev, bytes, VK_BUFFER_USAGE_TRANSFER_DST_BIT,
                                        GFX_MEM_READBACK, &buf, err);
    if (res < 0)
        return res;
    VkCommandBuffer cmd;
    res = gfx_oneshot_begin(dev, &cmd, err);
    if (res >= 0) {
        record_copy(target, cmd, buf.buffer, layer);
        res = gfx_oneshot_end_submit(dev, cmd, err);
    }
    if (res >= 0) {
        VkMappedMemoryRange range = {
            .sType = VK_STRUCTURE_TYPE_MAPPED_MEMORY_RANGE,
            .memory = buf.alloc.memory,
            .offset = buf.alloc.offset,
            .size = VK_WHOLE_SIZE,
        };
        vkInvalidateMappedMemoryRanges(dev->h.device, 1, &range);
        memcpy(rgba, buf.alloc.mapped, bytes);
        if (swizzled(target->desc.color_format))
            for (size_t i = 0; i < bytes; i += 4) {
                uint8_t b = rgba[i];
                rgba[i] = rgba[i + 2];
                rgba[i + 2] = b;
            }
    }
    gfx_buffer_destroy(dev, &buf);
    return res;
}

stoa_result stoa_gfx_write_png(const char *path, uint32_t width, uint32_t height,
                               const uint8_t *rgba, stoa_error *err)
{
    if (!path || !rgba || width == 0 || height == 0)
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT, "gfx: bad PNG arguments");
    if (!stbi_write_png(path, (int)width, (int)height, 4, rgba, (int)width * 4))
        return stoa_error_set(err, STOA_ERROR_IO, "%s: cannot write the PNG file", path);
    return STOA_OK;
}
