// SPDX-License-Identifier: Apache-2.0
// Block-compressed textures (BC7, ASTC) from the baked scene cache: every
// level is copied as it lies in the mapped cache file into staging, then into
// an optimally tiled image; no texel is touched on the CPU. The image is
// MUTABLE_FORMAT with the sRGB and UNORM views of its block format, so a
// texture is sampled as colour or data as an RGBA8 one is. Levels whose size
// is not a multiple of the block size end in a partial block, as Vulkan
// allows for the last block of a level.
#include <stdlib.h>
#include <string.h>

#include "core/stoa_log.h"
#include "gfx_internal.h"
#include "scene/stoa_scene_texfmt.h"

VkFormat gfx_block_format(uint32_t format, bool srgb)
{
    switch (format) {
    case STOA_TEXFMT_BC7:
        return srgb ? VK_FORMAT_BC7_SRGB_BLOCK : VK_FORMAT_BC7_UNORM_BLOCK;
    case STOA_TEXFMT_ASTC_4x4:
        return srgb ? VK_FORMAT_ASTC_4x4_SRGB_BLOCK : VK_FORMAT_ASTC_4x4_UNORM_BLOCK;
    case STOA_TEXFMT_ASTC_6x6:
        return srgb ? VK_FORMAT_ASTC_6x6_SRGB_BLOCK : VK_FORMAT_ASTC_6x6_UNORM_BLOCK;
    default:
        return VK_FORMAT_UNDEFINED;
    }
}

// Sampled with linear filtering in both views.
static bool format_samples(VkPhysicalDevice pd, uint32_t format)
{
    const VkFormatFeatureFlags want =
        VK_FORMAT_FEATURE_SAMPLED_IMAGE_BIT | VK_FORMAT_FEATURE_SAMPLED_IMAGE_FILTER_LINEAR_BIT;
    for (int srgb = 0; srgb < 2; srgb++) {
        VkFormatProperties fp;
        vkGetPhysicalDeviceFormatProperties(pd, gfx_block_format(format, srgb), &fp);
        if ((fp.optimalTilingFeatures & want) != want)
            return false;
    }
    return true;
}

void gfx_texture_blocks_features(VkPhysicalDevice pd, const VkPhysicalDeviceFeatures *avail,
                                 VkPhysicalDeviceFeatures *enable)
{
    const char *env = getenv("STOA_GFX_TEXTURE_COMPRESSION");
    if (env && strcmp(env, "off") == 0) {
        STOA_LOGI("gfx", "block-compressed textures off (STOA_GFX_TEXTURE_COMPRESSION=off)");
        return;
    }
    enable->textureCompressionBC =
        avail->textureCompressionBC && format_samples(pd, STOA_TEXFMT_BC7);
    enable->textureCompressionASTC_LDR = avail->textureCompressionASTC_LDR &&
                                         format_samples(pd, STOA_TEXFMT_ASTC_4x4) &&
                                         format_samples(pd, STOA_TEXFMT_ASTC_6x6);
}

void gfx_texture_blocks_register(VkPhysicalDevice pd, bool bc, bool astc)
{
    VkPhysicalDeviceProperties p;
    vkGetPhysicalDeviceProperties(pd, &p);
    const char *env = getenv("STOA_GFX_TEXTURE_COMPRESSION");
    bool cpu = p.deviceType == VK_PHYSICAL_DEVICE_TYPE_CPU && !(env && strcmp(env, "on") == 0);
    if (cpu && (bc || astc))
        STOA_LOGD("gfx", "%s is a CPU device: scenes are baked with RGBA8 textures "
                         "(STOA_GFX_TEXTURE_COMPRESSION=on bakes its block formats)",
                  p.deviceName);
    stoa_texture_target_set_device(bc && !cpu, astc && !cpu);
}

bool gfx_texture_blocks_supported(const stoa_gfx_device *dev, uint32_t format)
{
    if (format == STOA_TEXFMT_BC7)
        return dev->tex_bc;
    if (format == STOA_TEXFMT_ASTC_4x4 || format == STOA_TEXFMT_ASTC_6x6)
        return dev->tex_astc;
    return false;
}

VkDeviceSize gfx_texture_blocks_staging_bytes(uint32_t format, uint32_t w, uint32_t h)
{
    VkDeviceSize n = 0;
    for (uint32_t i = gfx_mip_count(w, h); i-- > 0;) {
        n += ((VkDeviceSize)stoa_texfmt_level_bytes(format, w, h) + 15) & ~(VkDeviceSize)15;
        w = w > 1 ? w / 2 : 1;
        h = h > 1 ? h / 2 : 1;
    }
    return n;
}

stoa_result gfx_texture_plan_blocks(stoa_gfx_device *dev, VkCommandBuffer cmd, gfx_staging *st,
                                    gfx_texture *t, gfx_tex_fill *f, stoa_error *err)
{
    const gfx_texture_desc *d = &f->src;
    VkImageCreateInfo info = {
        .sType = VK_STRUCTURE_TYPE_IMAGE_CREATE_INFO,
        .flags = VK_IMAGE_CREATE_MUTABLE_FORMAT_BIT, // viewed as sRGB and as UNORM
        .imageType = VK_IMAGE_TYPE_2D,
        .format = gfx_block_format(d->format, d->srgb),
        .extent = {d->width, d->height, 1},
        .mipLevels = t->mips,
        .arrayLayers = 1,
        .samples = VK_SAMPLE_COUNT_1_BIT,
        .tiling = VK_IMAGE_TILING_OPTIMAL,
        .usage = VK_IMAGE_USAGE_SAMPLED_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT,
        .sharingMode = VK_SHARING_MODE_EXCLUSIVE,
        .initialLayout = VK_IMAGE_LAYOUT_UNDEFINED,
    };
    t->format = d->format;
    t->writable = false; // stoa_gfx_scene_write_texture writes RGBA8 texels
    stoa_result res = gfx_image_create_in(dev, &info, GFX_MEM_GPU, &t->image, err);
    if (res < 0)
        return res;
    f->levels = t->mips;
    f->slow_read = true;
    VkBufferImageCopy copies[GFX_MAX_MIPS];
    res = gfx_tex_stage_levels(st, f, copies, err);
    if (res < 0)
        return res;
    gfx_image_barrier(cmd, t->image.image, 0, t->mips, VK_IMAGE_LAYOUT_UNDEFINED,
                      VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 0, VK_ACCESS_TRANSFER_WRITE_BIT,
                      VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT);
    vkCmdCopyBufferToImage(cmd, st->buffer.buffer, t->image.image,
                           VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, f->levels, copies);
    gfx_image_barrier(cmd, t->image.image, 0, t->mips, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL,
                      VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL, VK_ACCESS_TRANSFER_WRITE_BIT,
                      VK_ACCESS_SHADER_READ_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT,
                      VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT);
    res = gfx_view_create(dev, t->image.image, gfx_block_format(d->format, true),
                          VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, t->mips, &t->view_srgb, err);
    if (res >= 0)
        res = gfx_view_create(dev, t->image.image, gfx_block_format(d->format, false),
                              VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, t->mips, &t->view_linear, err);
    return res;
}

void gfx_texture_fill_blocks(const gfx_tex_fill *f)
{
    const uint8_t *src = f->src.blocks;
    for (uint32_t i = 0; i < f->levels; i++) {
        memcpy(f->dst[i], src, f->pitch[i]);
        src += f->pitch[i];
    }
}

uint8_t *gfx_texture_blocks_decode(const gfx_texture_desc *d)
{
    uint8_t *rgba = malloc((size_t)d->width * d->height * 4);
    if (rgba &&
        !stoa_texfmt_decode_level(d->format, d->blocks, d->width, d->height, d->srgb, rgba)) {
        free(rgba);
        rgba = NULL;
    }
    return rgba;
}
