// SPDX-License-Identifier: Apache-2.0
// Textures (RGBA8 with a full mip chain) and samplers from glTF sampler
// settings, shared between scenes through the renderer's cache.
//
// Three ways to the device (gfx_tex_path), chosen per texture:
//   blit  GPUs: level 0 through the staging buffer, the chain made by
//         vkCmdBlitImage in the same command buffer as everything else.
//   cpu   GPUs whose format lacks blit or linear-filter support: every level
//         made on the CPU (gfx_mips.c) and copied from staging.
//   host  CPU devices (lavapipe): "device" memory is host memory and a blit
//         is the driver's CPU code, so the levels are written straight into a
//         linear image; no staging copy, no blit. Tiling costs nothing there.
// Colour textures are sRGB images (averaged in linear light by blits and by
// gfx_mips.c); data textures UNORM. Both are viewable either way.
#include <stdlib.h>
#include <string.h>

#include "gfx_internal.h"
#include "scene/stoa_scene_texfmt.h"

void gfx_image_barrier(VkCommandBuffer cmd, VkImage image, uint32_t mip, uint32_t mips,
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

static void to_shader_read(VkCommandBuffer cmd, VkImage image, uint32_t mip, uint32_t mips,
                           VkImageLayout from, VkAccessFlags src_access, VkPipelineStageFlags src)
{
    gfx_image_barrier(cmd, image, mip, mips, from, VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL, src_access,
            VK_ACCESS_SHADER_READ_BIT, src, VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT);
}

// Each level is blitted from the one above it, with linear filtering (in
// linear light for an sRGB image).
static void record_blits(VkCommandBuffer cmd, VkImage image, uint32_t w, uint32_t h, uint32_t mips)
{
    for (uint32_t i = 1; i < mips; i++) {
        gfx_image_barrier(cmd, image, i - 1, 1, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL,
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
        to_shader_read(cmd, image, 0, mips - 1, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL,
                       VK_ACCESS_TRANSFER_READ_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT);
    to_shader_read(cmd, image, mips - 1, 1, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL,
                   VK_ACCESS_TRANSFER_WRITE_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT);
}

// ---- choosing a path -------------------------------------------------------------

static VkFormat tex_format(bool srgb)
{
    return srgb ? VK_FORMAT_R8G8B8A8_SRGB : VK_FORMAT_R8G8B8A8_UNORM;
}

static bool has_mapped_local_memory(const stoa_gfx_device *dev)
{
    const VkMemoryPropertyFlags want =
        VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT | VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT;
    for (uint32_t i = 0; i < dev->mem_props.memoryTypeCount; i++)
        if ((dev->mem_props.memoryTypes[i].propertyFlags & want) == want)
            return true;
    return false;
}

static void probe_host(stoa_gfx_device *dev, VkFormat format, const VkFormatProperties *fp,
                       gfx_tex_caps *c)
{
    const VkFormatFeatureFlags sample =
        VK_FORMAT_FEATURE_SAMPLED_IMAGE_BIT | VK_FORMAT_FEATURE_SAMPLED_IMAGE_FILTER_LINEAR_BIT;
    if (dev->props.deviceType != VK_PHYSICAL_DEVICE_TYPE_CPU ||
        (fp->linearTilingFeatures & sample) != sample || !has_mapped_local_memory(dev))
        return;
    VkImageFormatProperties ip;
    VkResult r = vkGetPhysicalDeviceImageFormatProperties(
        dev->h.physical_device, format, VK_IMAGE_TYPE_2D, VK_IMAGE_TILING_LINEAR,
        VK_IMAGE_USAGE_SAMPLED_BIT, VK_IMAGE_CREATE_MUTABLE_FORMAT_BIT, &ip);
    if (r != VK_SUCCESS)
        return;
    c->host = true;
    VkImageFormatProperties wp;
    c->host_writable = (fp->linearTilingFeatures & VK_FORMAT_FEATURE_TRANSFER_DST_BIT) &&
                       vkGetPhysicalDeviceImageFormatProperties(
                           dev->h.physical_device, format, VK_IMAGE_TYPE_2D,
                           VK_IMAGE_TILING_LINEAR,
                           VK_IMAGE_USAGE_SAMPLED_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT,
                           VK_IMAGE_CREATE_MUTABLE_FORMAT_BIT, &wp) == VK_SUCCESS &&
                       wp.maxMipLevels >= ip.maxMipLevels;
    c->host_max_mips = ip.maxMipLevels;
    c->host_max_extent =
        ip.maxExtent.width < ip.maxExtent.height ? ip.maxExtent.width : ip.maxExtent.height;
}

static const gfx_tex_caps *tex_caps(stoa_gfx_device *dev, bool srgb)
{
    gfx_tex_caps *c = &dev->tex_caps[srgb ? 1 : 0];
    if (c->known)
        return c;
    VkFormatProperties fp;
    vkGetPhysicalDeviceFormatProperties(dev->h.physical_device, tex_format(srgb), &fp);
    const VkFormatFeatureFlags blit = VK_FORMAT_FEATURE_BLIT_SRC_BIT |
                                      VK_FORMAT_FEATURE_BLIT_DST_BIT |
                                      VK_FORMAT_FEATURE_SAMPLED_IMAGE_FILTER_LINEAR_BIT;
    c->blit = (fp.optimalTilingFeatures & blit) == blit;
    probe_host(dev, tex_format(srgb), &fp, c);
    c->known = true;
    return c;
}

void gfx_texture_caps_init(stoa_gfx_device *dev)
{
    tex_caps(dev, false);
    tex_caps(dev, true);
}

static bool host_fits(const gfx_tex_caps *c, uint32_t w, uint32_t h)
{
    return c->host && w <= c->host_max_extent && h <= c->host_max_extent &&
           gfx_mip_count(w, h) <= c->host_max_mips;
}

gfx_tex_path gfx_texture_path(stoa_gfx_device *dev, uint32_t w, uint32_t h, bool srgb)
{
    const gfx_tex_caps *c = tex_caps(dev, srgb);
    const char *force = getenv("STOA_GFX_TEXTURES");
    if (force && strcmp(force, "cpu") == 0)
        return GFX_TEX_CPU;
    if (force && strcmp(force, "blit") == 0 && c->blit)
        return GFX_TEX_BLIT;
    if (host_fits(c, w, h))
        return GFX_TEX_HOST;
    return c->blit ? GFX_TEX_BLIT : GFX_TEX_CPU;
}

VkDeviceSize gfx_texture_staging_bytes(stoa_gfx_device *dev, uint32_t w, uint32_t h, bool srgb)
{
    switch (gfx_texture_path(dev, w, h, srgb)) {
    case GFX_TEX_HOST:
        return 0;
    case GFX_TEX_CPU:
        return gfx_mip_chain_bytes(w, h);
    default:
        return ((VkDeviceSize)w * h * 4 + 15) & ~(VkDeviceSize)15;
    }
}

// ---- the three paths ---------------------------------------------------------------

static stoa_result create_image(stoa_gfx_device *dev, const gfx_texture_desc *d, gfx_tex_path path,
                                gfx_texture *out, stoa_error *err)
{
    bool host = path == GFX_TEX_HOST;
    VkImageCreateInfo info = {
        .sType = VK_STRUCTURE_TYPE_IMAGE_CREATE_INFO,
        .flags = VK_IMAGE_CREATE_MUTABLE_FORMAT_BIT, // viewed as sRGB and as UNORM
        .imageType = VK_IMAGE_TYPE_2D,
        .format = tex_format(d->srgb),
        .extent = {d->width, d->height, 1},
        .mipLevels = out->mips,
        .arrayLayers = 1,
        .samples = VK_SAMPLE_COUNT_1_BIT,
        .tiling = host ? VK_IMAGE_TILING_LINEAR : VK_IMAGE_TILING_OPTIMAL,
        // Transfer destination on every path: stoa_gfx_scene_write_texture
        // replaces pixels in place (copies into a linear image are allowed
        // where the format says so: tex_caps.host_writable).
        .usage = host ? VK_IMAGE_USAGE_SAMPLED_BIT |
                            (tex_caps(dev, d->srgb)->host_writable ? VK_IMAGE_USAGE_TRANSFER_DST_BIT
                                                                  : 0)
                      : VK_IMAGE_USAGE_SAMPLED_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT |
                            VK_IMAGE_USAGE_TRANSFER_SRC_BIT,
        .sharingMode = VK_SHARING_MODE_EXCLUSIVE,
        .initialLayout = host ? VK_IMAGE_LAYOUT_PREINITIALIZED : VK_IMAGE_LAYOUT_UNDEFINED,
    };
    stoa_result res =
        gfx_image_create_in(dev, &info, host ? GFX_MEM_GPU_MAPPED : GFX_MEM_GPU, &out->image, err);
    if (res >= 0 && host && !out->image.alloc.mapped)
        res = stoa_error_set(err, STOA_ERROR_UNSUPPORTED, "gfx: texture memory is not mappable");
    return res;
}

// Host path: the levels go straight into the image's own mapping, at the
// offsets and row pitches the driver reports.
static void plan_host(stoa_gfx_device *dev, VkCommandBuffer cmd, gfx_texture *t, gfx_tex_fill *f)
{
    uint8_t *base = t->image.alloc.mapped;
    for (uint32_t i = 0; i < t->mips; i++) {
        VkImageSubresource sub = {VK_IMAGE_ASPECT_COLOR_BIT, i, 0};
        VkSubresourceLayout l;
        vkGetImageSubresourceLayout(dev->h.device, t->image.image, &sub, &l);
        f->dst[i] = base + l.offset;
        f->pitch[i] = (size_t)l.rowPitch;
    }
    f->levels = t->mips;
    // Host writes made before the submit are visible to it; the barrier
    // only changes the layout. Memory that is not coherent is flushed by
    // gfx_tex_fill_run_all once the levels are written.
    to_shader_read(cmd, t->image.image, 0, t->mips, VK_IMAGE_LAYOUT_PREINITIALIZED,
                   VK_ACCESS_HOST_WRITE_BIT, VK_PIPELINE_STAGE_HOST_BIT);
}

stoa_result gfx_tex_stage_levels(gfx_staging *st, gfx_tex_fill *f, VkBufferImageCopy *copies,
                                 stoa_error *err)
{
    const gfx_texture_desc *d = &f->src;
    bool blocks = d->format != STOA_TEXFMT_RGBA8;
    uint32_t w = d->width, h = d->height;
    for (uint32_t i = 0; i < f->levels; i++) {
        size_t bytes = stoa_texfmt_level_bytes((stoa_texfmt)d->format, w, h);
        int64_t o = gfx_staging_take(st, bytes);
        if (o < 0)
            return stoa_error_set(err, STOA_ERROR_LIMIT, "gfx: staging buffer too small");
        f->dst[i] = (uint8_t *)st->buffer.alloc.mapped + o;
        // Rows of texels; a block level in one piece (gfx_mips.c copies it whole).
        f->pitch[i] = blocks ? bytes : (size_t)w * 4;
        copies[i] = (VkBufferImageCopy){
            .bufferOffset = (VkDeviceSize)o,
            .imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, i, 0, 1},
            .imageExtent = {w, h, 1},
        };
        w = w > 1 ? w / 2 : 1;
        h = h > 1 ? h / 2 : 1;
    }
    return STOA_OK;
}

// Blit and CPU paths: the levels written (level 0 only for blits) are laid
// out tightly in staging, each 16-byte aligned, and copied in one command.
static stoa_result plan_staged(VkCommandBuffer cmd, gfx_staging *st, gfx_tex_path path,
                               gfx_texture *t, gfx_tex_fill *f, stoa_error *err)
{
    const gfx_texture_desc *d = &f->src;
    f->levels = path == GFX_TEX_CPU ? t->mips : 1;
    f->slow_read = true; // staging may be write-combined
    VkBufferImageCopy copies[GFX_MAX_MIPS];
    stoa_result res = gfx_tex_stage_levels(st, f, copies, err);
    if (res < 0)
        return res;
    VkImage image = t->image.image;
    gfx_image_barrier(cmd, image, 0, t->mips, VK_IMAGE_LAYOUT_UNDEFINED, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL,
            0, VK_ACCESS_TRANSFER_WRITE_BIT, VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT,
            VK_PIPELINE_STAGE_TRANSFER_BIT);
    vkCmdCopyBufferToImage(cmd, st->buffer.buffer, image, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL,
                           f->levels, copies);
    if (path == GFX_TEX_BLIT)
        record_blits(cmd, image, d->width, d->height, t->mips);
    else
        to_shader_read(cmd, image, 0, t->mips, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL,
                       VK_ACCESS_TRANSFER_WRITE_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT);
    return STOA_OK;
}

static stoa_result create_views(stoa_gfx_device *dev, gfx_texture *t, stoa_error *err)
{
    stoa_result res = gfx_view_create(dev, t->image.image, VK_FORMAT_R8G8B8A8_SRGB,
                                      VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, t->mips, &t->view_srgb, err);
    if (res >= 0)
        res = gfx_view_create(dev, t->image.image, VK_FORMAT_R8G8B8A8_UNORM,
                              VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, t->mips, &t->view_linear, err);
    return res;
}

static stoa_result plan(stoa_gfx_device *dev, VkCommandBuffer cmd, gfx_staging *st,
                        const gfx_texture_desc *d, gfx_texture *out, gfx_tex_fill *f,
                        stoa_error *err)
{
    memset(f, 0, sizeof *f);
    f->src = *d;
    uint32_t max = dev->props.limits.maxImageDimension2D;
    if (!(d->rgba || d->blocks) || d->width == 0 || d->height == 0 || d->width > max ||
        d->height > max || gfx_mip_count(d->width, d->height) > GFX_MAX_MIPS)
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT,
                              "gfx: texture of %ux%u (device limit %u)", d->width, d->height, max);
    if (d->blocks) { // a GPU format from the scene cache: copied as it is
        out->mips = d->no_mips ? 1 : gfx_mip_count(d->width, d->height);
        out->width = d->width;
        out->height = d->height;
        out->srgb = d->srgb;
        return gfx_texture_plan_blocks(dev, cmd, st, out, f, err);
    }
    gfx_tex_path path = gfx_texture_path(dev, d->width, d->height, d->srgb);
    out->mips = d->no_mips ? 1 : gfx_mip_count(d->width, d->height);
    out->width = d->width;
    out->height = d->height;
    out->srgb = d->srgb;
    out->writable = path != GFX_TEX_HOST || tex_caps(dev, d->srgb)->host_writable;
    stoa_result res = create_image(dev, d, path, out, err);
    if (res >= 0 && path == GFX_TEX_HOST) {
        plan_host(dev, cmd, out, f);
        const gfx_block *b = &dev->blocks[out->image.alloc.block];
        if (!(dev->mem_props.memoryTypes[b->type].propertyFlags &
              VK_MEMORY_PROPERTY_HOST_COHERENT_BIT)) {
            f->flush_memory = b->memory;
            f->flush_offset = out->image.alloc.offset;
        }
    } else if (res >= 0) {
        res = plan_staged(cmd, st, path, out, f, err);
    }
    if (res >= 0)
        res = create_views(dev, out, err);
    return res;
}

stoa_result gfx_texture_create(stoa_gfx_device *dev, VkCommandBuffer cmd, gfx_staging *st,
                               const gfx_texture_desc *d, gfx_texture *out, gfx_tex_fill *fill,
                               stoa_error *err)
{
    memset(out, 0, sizeof *out);
    out->image.alloc.block = -1;
    gfx_tex_fill own;
    stoa_result res = plan(dev, cmd, st, d, out, fill ? fill : &own, err);
    if (res >= 0 && !fill)
        res = gfx_tex_fill_run_all(dev, &own, 1, err);
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
    t->image.alloc.block = -1;
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

static stoa_result sampler_get_locked(stoa_gfx_renderer *r, int mag, int min, int wrap_s,
                                     int wrap_t, VkSampler *out, stoa_error *err)
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
    gfx_count_object();
    stoa_result res = GFX_VK(err, vkCreateSampler(r->dev->h.device, &info, NULL, &sampler));
    if (res < 0)
        return res;
    r->samplers[r->sampler_count++] = (gfx_sampler){mag, min, wrap_s, wrap_t, sampler};
    *out = sampler;
    return STOA_OK;
}

// Scene uploads on loader threads look samplers up while others may add one.
stoa_result gfx_sampler_get(stoa_gfx_renderer *r, int mag, int min, int wrap_s, int wrap_t,
                            VkSampler *out, stoa_error *err)
{
    pthread_mutex_lock(&r->sampler_lock);
    stoa_result res = sampler_get_locked(r, mag, min, wrap_s, wrap_t, out, err);
    pthread_mutex_unlock(&r->sampler_lock);
    return res;
}
