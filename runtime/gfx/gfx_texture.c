// SPDX-License-Identifier: Apache-2.0
// Textures (RGBA8 with a full mip chain made by blits) and samplers from
// glTF sampler settings, shared between scenes through the renderer's cache.
#include <stdlib.h>
#include <string.h>

#include "gfx_internal.h"

static uint32_t mip_count(uint32_t w, uint32_t h)
{
    uint32_t n = 1;
    while (w > 1 || h > 1) {
        w = w > 1 ? w / 2 : 1;
        h = h > 1 ? h / 2 : 1;
        n++;
    }
    return n;
}

static void barrier(VkCommandBuffer cmd, VkImage image, uint32_t mip, uint32_t mips,
                    VkImageLayout from, VkImageLayout to, VkAccessFlags src_access,
                    VkAccessFlags dst_access, VkPipelineStageFlags src, VkPipelineStageFlags dst)
{
    VkImageMemoryBarrier b = {
        .sType = VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER,
        .srcAccessMask = src_access,
        .dstAccessMask = dst_access,
        .oldLayout = from,
        .newLayout = to,
        .srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
        .dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
        .image = image,
        .subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, mip, mips, 0, 1},
    };
    vkCmdPipelineBarrier(cmd, src, dst, 0, 0, NULL, 0, NULL, 1, &b);
}

// Each level is blitted from the one above it (linear filtering, in the
// sRGB-decoded space since the image's own format is sRGB).
static void record_mips(VkCommandBuffer cmd, VkImage image, uint32_t w, uint32_t h, uint32_t mips)
{
    for (uint32_t i = 1; i < mips; i++) {
        barrier(cmd, image, i - 1, 1, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL,
                VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, VK_ACCESS_TRANSFER_WRITE_BIT,
                VK_ACCESS_TRANSFER_READ_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT,
                VK_PIPELINE_STAGE_TRANSFER_BIT);
        uint32_t nw = w > 1 ? w / 2 : 1, nh = h > 1 ? h / 2 : 1;
        VkImageBlit blit = {
            .srcSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, i - 1, 0, 1},
            .srcOffsets = {{0, 0, 0}, {(int32_t)w, (int32_t)h, 1}},
            .dstSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, i, 0, 1},
            .dstOffsets = {{0, 0, 0}, {(int32_t)nw, (int32_t)nh, 1}},
        };
        vkCmdBlitImage(cmd, image, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, image,
                       VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 1, &blit, VK_FILTER_LINEAR);
        w = nw;
        h = nh;
    }
    if (mips > 1)
        barrier(cmd, image, 0, mips - 1, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL,
                VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL, VK_ACCESS_TRANSFER_READ_BIT,
                VK_ACCESS_SHADER_READ_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT,
                VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT);
    barrier(cmd, image, mips - 1, 1, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL,
            VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL, VK_ACCESS_TRANSFER_WRITE_BIT,
            VK_ACCESS_SHADER_READ_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT,
            VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT);
}

stoa_result gfx_texture_create(stoa_gfx_device *dev, VkCommandBuffer cmd, VkBuffer staging,
                               VkDeviceSize offset, uint32_t width, uint32_t height,
                               gfx_texture *out, stoa_error *err)
{
    memset(out, 0, sizeof *out);
    VkFormatProperties fp;
    vkGetPhysicalDeviceFormatProperties(dev->h.physical_device, VK_FORMAT_R8G8B8A8_SRGB, &fp);
    const VkFormatFeatureFlags blit = VK_FORMAT_FEATURE_BLIT_SRC_BIT |
                                      VK_FORMAT_FEATURE_BLIT_DST_BIT |
                                      VK_FORMAT_FEATURE_SAMPLED_IMAGE_FILTER_LINEAR_BIT;
    out->mips = (fp.optimalTilingFeatures & blit) == blit ? mip_count(width, height) : 1;
    VkImageCreateInfo info = {
        .sType = VK_STRUCTURE_TYPE_IMAGE_CREATE_INFO,
        .flags = VK_IMAGE_CREATE_MUTABLE_FORMAT_BIT, // viewed as sRGB and as UNORM
        .imageType = VK_IMAGE_TYPE_2D,
        .format = VK_FORMAT_R8G8B8A8_SRGB,
        .extent = {width, height, 1},
        .mipLevels = out->mips,
        .arrayLayers = 1,
        .samples = VK_SAMPLE_COUNT_1_BIT,
        .tiling = VK_IMAGE_TILING_OPTIMAL,
        .usage = VK_IMAGE_USAGE_SAMPLED_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT |
                 VK_IMAGE_USAGE_TRANSFER_SRC_BIT,
        .sharingMode = VK_SHARING_MODE_EXCLUSIVE,
        .initialLayout = VK_IMAGE_LAYOUT_UNDEFINED,
    };
    stoa_result res = gfx_image_create(dev, &info, &out->image, err);
    if (res < 0)
        return res;
    VkImage image = out->image.image;
    barrier(cmd, image, 0, out->mips, VK_IMAGE_LAYOUT_UNDEFINED,
            VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 0, VK_ACCESS_TRANSFER_WRITE_BIT,
            VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT);
    VkBufferImageCopy copy = {
        .bufferOffset = offset,
        .imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1},
        .imageExtent = {width, height, 1},
    };
    vkCmdCopyBufferToImage(cmd, staging, image, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 1, &copy);
    record_mips(cmd, image, width, height, out->mips);
    res = gfx_view_create(dev, image, VK_FORMAT_R8G8B8A8_SRGB, VK_IMAGE_ASPECT_COLOR_BIT, 0, 1,
                          out->mips, &out->view_srgb, err);
    if (res >= 0)
        res = gfx_view_create(dev, image, VK_FORMAT_R8G8B8A8_UNORM, VK_IMAGE_ASPECT_COLOR_BIT, 0,
                              1, out->mips, &out->view_linear, err);
    if (res < 0)
        gfx_texture_destroy(dev, out);
    return res;
}

void gfx_texture_destroy(stoa_gfx_device *dev, gfx_texture *t)
{
    if (t->view_linear)
        vkDestroyImageView(dev->h.device, t->view_linear, NULL);
    if (t->view_srgb)
        vkDestroyImageView(dev->h.device, t->view_srgb, NULL);
    gfx_image_destroy(dev, &t->image);
    memset(t, 0, sizeof *t);
}

static VkSamplerAddressMode wrap_mode(int gl)
{
    switch (gl) {
    case 33071:
        return VK_SAMPLER_ADDRESS_MODE_CLAMP_TO_EDGE;
    case 33648:
        return VK_SAMPLER_ADDRESS_MODE_MIRRORED_REPEAT;
    default:
        return VK_SAMPLER_ADDRESS_MODE_REPEAT;
    }
}

stoa_result gfx_sampler_get(stoa_gfx_renderer *r, int mag, int min, int wrap_s, int wrap_t,
                            VkSampler *out, stoa_error *err)
{
    for (uint32_t i = 0; i < r->sampler_count; i++) {
        gfx_sampler *s = &r->samplers[i];
        if (s->mag == mag && s->min == min && s->wrap_s == wrap_s && s->wrap_t == wrap_t) {
            *out = s->sampler;
            return STOA_OK;
        }
    }
    if (r->sampler_count == r->sampler_cap) {
        uint32_t cap = r->sampler_cap ? r->sampler_cap * 2 : 8;
        gfx_sampler *grown = realloc(r->samplers, cap * sizeof *grown);
        if (!grown)
            return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "gfx: out of memory");
        r->samplers = grown;
        r->sampler_cap = cap;
    }
    // glTF min filters: 9728 NEAREST, 9729 LINEAR, 9984 N_MIP_N, 9985 L_MIP_N,
    // 9986 N_MIP_L, 9987 L_MIP_L. Plain NEAREST/LINEAR means no mip maps.
    bool min_nearest = min == 9728 || min == 9984 || min == 9986;
    bool mip_nearest = min == 9984 || min == 9985;
    bool no_mips = min == 9728 || min == 9729;
    VkSamplerCreateInfo info = {
        .sType = VK_STRUCTURE_TYPE_SAMPLER_CREATE_INFO,
        .magFilter = mag == 9728 ? VK_FILTER_NEAREST : VK_FILTER_LINEAR,
        .minFilter = min_nearest ? VK_FILTER_NEAREST : VK_FILTER_LINEAR,
        .mipmapMode = mip_nearest ? VK_SAMPLER_MIPMAP_MODE_NEAREST : VK_SAMPLER_MIPMAP_MODE_LINEAR,
        .addressModeU = wrap_mode(wrap_s),
        .addressModeV = wrap_mode(wrap_t),
        .addressModeW = VK_SAMPLER_ADDRESS_MODE_REPEAT,
        .maxLod = no_mips ? 0.25f : VK_LOD_CLAMP_NONE,
    };
    VkSampler sampler;
    stoa_result res = GFX_VK(err, vkCreateSampler(r->dev->h.device, &info, NULL, &sampler));
    if (res < 0)
        return res;
    r->samplers[r->sampler_count++] = (gfx_sampler){mag, min, wrap_s, wrap_t, sampler};
    *out = sampler;
    return STOA_OK;
}
