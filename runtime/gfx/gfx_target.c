// SPDX-License-Identifier: Apache-2.0
// Render targets: colour images (own or the caller's), depth, the MSAA image,
// the views and framebuffers for one multiview pass and for one pass per layer.
#include <stdlib.h>
#include <string.h>

#include "core/stoa_log.h"
#include "gfx_internal.h"

static bool is_unorm_8bit(VkFormat f)
{
    return f == VK_FORMAT_R8G8B8A8_UNORM || f == VK_FORMAT_B8G8R8A8_UNORM ||
           f == VK_FORMAT_A8B8G8R8_UNORM_PACK32 || f == VK_FORMAT_R8G8B8_UNORM ||
           f == VK_FORMAT_B8G8R8_UNORM || f == VK_FORMAT_A2B10G10R10_UNORM_PACK32 ||
           f == VK_FORMAT_A2R10G10B10_UNORM_PACK32 || f == VK_FORMAT_R16G16B16A16_UNORM;
}

static VkFormat pick_depth(stoa_gfx_device *dev)
{
    const VkFormat candidates[] = {VK_FORMAT_D32_SFLOAT, VK_FORMAT_D24_UNORM_S8_UINT,
                                   VK_FORMAT_D16_UNORM};
    for (size_t i = 0; i < 3; i++) {
        VkFormatProperties p;
        vkGetPhysicalDeviceFormatProperties(dev->h.physical_device, candidates[i], &p);
        if (p.optimalTilingFeatures & VK_FORMAT_FEATURE_DEPTH_STENCIL_ATTACHMENT_BIT)
            return candidates[i];
    }
    return VK_FORMAT_D16_UNORM;
}

static stoa_result validate_desc(stoa_gfx_renderer *r, stoa_gfx_target_desc *d, stoa_error *err)
{
    if (d->width == 0 || d->height == 0 || d->width > 16384 || d->height > 16384)
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT,
                              "gfx: target size %ux%u is out of range", d->width, d->height);
    if (d->layers == 0)
        d->layers = 1;
    if (d->layers > GFX_MAX_VIEWS)
        return stoa_error_set(err, STOA_ERROR_LIMIT, "gfx: at most %d layers", GFX_MAX_VIEWS);
    if (d->samples == 0)
        d->samples = 1;
    VkSampleCountFlags allowed = r->dev->props.limits.framebufferColorSampleCounts &
                                 r->dev->props.limits.framebufferDepthSampleCounts;
    if ((d->samples & (d->samples - 1)) || d->samples > 64 || !(allowed & d->samples))
        return stoa_error_set(err, STOA_ERROR_UNSUPPORTED,
                              "gfx: %u samples per pixel are not supported by this device",
                              d->samples);
    if (!d->color_format)
        d->color_format = VK_FORMAT_R8G8B8A8_SRGB;
    if (d->no_depth)
        d->depth_format = VK_FORMAT_UNDEFINED;
    else if (!d->depth_format)
        d->depth_format = pick_depth(r->dev);
    if (d->color_images && d->image_count == 0)
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT,
                              "gfx: color_images given but image_count is 0");
    if (!d->color_images)
        d->image_count = 1;
    if (d->depth_images && d->samples > 1)
        return stoa_error_set(err, STOA_ERROR_UNSUPPORTED,
                              "gfx: caller depth images cannot be used with MSAA");
    if (!d->final_layout)
        d->final_layout = d->color_images ? VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL
                                          : VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL;
    return STOA_OK;
}

static stoa_result make_image(stoa_gfx_target *t, VkFormat format, VkImageUsageFlags usage,
                              uint32_t samples, gfx_image *out, stoa_error *err)
{
    VkImageCreateInfo info = {
        .sType = VK_STRUCTURE_TYPE_IMAGE_CREATE_INFO,
        .imageType = VK_IMAGE_TYPE_2D,
        .format = format,
        .extent = {t->desc.width, t->desc.height, 1},
        .mipLevels = 1,
        .arrayLayers = t->desc.layers,
        .samples = (VkSampleCountFlagBits)samples,
        .tiling = VK_IMAGE_TILING_OPTIMAL,
        .usage = usage,
        .sharingMode = VK_SHARING_MODE_EXCLUSIVE,
        .initialLayout = VK_IMAGE_LAYOUT_UNDEFINED,
    };
    return gfx_image_create(t->r->dev, &info, out, err);
}

static stoa_result make_views(stoa_gfx_target *t, VkImage image, VkFormat format,
                              VkImageAspectFlags aspect, VkImageView *array, VkImageView *layer,
                              stoa_error *err)
{
    stoa_gfx_device *dev = t->r->dev;
    uint32_t n = t->desc.layers;
    stoa_result res = gfx_view_create(dev, image, format, aspect, 0, n, 1, array, err);
    for (uint32_t i = 0; i < n && n > 1 && res >= 0; i++)
        res = gfx_view_create(dev, image, format, aspect, i, 1, 1, &layer[i], err);
    return res;
}

static stoa_result make_framebuffer(stoa_gfx_target *t, VkRenderPass pass, VkImageView color,
                                    VkImageView depth, VkImageView msaa, VkFramebuffer *out,
                                    stoa_error *err)
{
    VkImageView att[3];
    uint32_t n = 0;
    att[n++] = msaa ? msaa : color;
    if (depth)
        att[n++] = depth;
    if (msaa)
        att[n++] = color;
    VkFramebufferCreateInfo info = {
        .sType = VK_STRUCTURE_TYPE_FRAMEBUFFER_CREATE_INFO,
        .renderPass = pass,
        .attachmentCount = n,
        .pAttachments = att,
        .width = t->desc.width,
        .height = t->desc.height,
        .layers = 1,
    };
    return GFX_VK(err, vkCreateFramebuffer(t->r->dev->h.device, &info, NULL, out));
}

static stoa_result make_passes(stoa_gfx_target *t, bool caller_depth, stoa_error *err)
{
    gfx_pass_key key;
    memset(&key, 0, sizeof key);
    key.color = t->desc.color_format;
    key.depth = t->desc.depth_format;
    key.samples = t->desc.samples;
    key.initial = t->desc.initial_layout;
    key.final = t->desc.final_layout;
    key.store = caller_depth || t->desc.keep_contents;
    bool mv = t->desc.layers > 1 && t->r->dev->h.multiview &&
              t->desc.layers <= t->r->dev->h.max_multiview_views;
    uint32_t mask = (1u << t->desc.layers) - 1;
    stoa_result res = STOA_OK;
    for (int load = 0; load < 2 && res >= 0; load++) {
        if (load && !t->desc.keep_contents)
            break;
        key.load = load;
        key.view_mask = 0;
        res = gfx_render_pass_get(t->r, &key, load ? &t->pass_single_load : &t->pass_single, err);
        key.view_mask = mask;
        if (res >= 0 && mv)
            res = gfx_render_pass_get(t->r, &key,
                                      load ? &t->pass_multiview_load : &t->pass_multiview, err);
    }
    return res;
}

static stoa_result make_image_set(stoa_gfx_target *t, uint32_t i, stoa_error *err)
{
    gfx_target_image *im = &t->images[i];
    const stoa_gfx_target_desc *d = &t->desc;
    stoa_result res = make_views(t, im->color, d->color_format, VK_IMAGE_ASPECT_COLOR_BIT,
                                 &im->color_array, im->color_layer, err);
    if (res >= 0 && im->depth)
        res = make_views(t, im->depth, d->depth_format, VK_IMAGE_ASPECT_DEPTH_BIT,
                         &im->depth_array, im->depth_layer, err);
    if (res < 0)
        return res;
    if (d->layers == 1)
        return make_framebuffer(t, t->pass_single, im->color_array, im->depth_array,
                                t->msaa_array, &im->fb_layer[0], err);
    if (t->pass_multiview)
        res = make_framebuffer(t, t->pass_multiview, im->color_array, im->depth_array,
                               t->msaa_array, &im->fb_multiview, err);
    for (uint32_t l = 0; l < d->layers && res >= 0; l++)
        res = make_framebuffer(t, t->pass_single, im->color_layer[l], im->depth_layer[l],
                               t->msaa_array ? t->msaa_layer[l] : VK_NULL_HANDLE,
                               &im->fb_layer[l], err);
    return res;
}

static stoa_result make_images(stoa_gfx_target *t, const VkImage *color, const VkImage *depth,
                               stoa_error *err)
{
    const stoa_gfx_target_desc *d = &t->desc;
    stoa_result res = STOA_OK;
    if (!color) {
        t->own_color = true;
        res = make_image(t, d->color_format,
                         VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT | VK_IMAGE_USAGE_TRANSFER_SRC_BIT |
                             VK_IMAGE_USAGE_SAMPLED_BIT,
                         1, &t->own_color_image, err);
    }
    if (res >= 0 && !depth && d->depth_format) {
        t->own_depth = true;
        res = make_image(t, d->depth_format, VK_IMAGE_USAGE_DEPTH_STENCIL_ATTACHMENT_BIT,
                         d->samples, &t->depth_image, err);
    }
    if (res >= 0 && d->samples > 1) {
        res = make_image(t, d->color_format,
                         VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT |
                             (d->keep_contents ? 0 : VK_IMAGE_USAGE_TRANSIENT_ATTACHMENT_BIT),
                         d->samples, &t->msaa_image, err);
        if (res >= 0)
            res = make_views(t, t->msaa_image.image, d->color_format, VK_IMAGE_ASPECT_COLOR_BIT,
                             &t->msaa_array, t->msaa_layer, err);
    }
    for (uint32_t i = 0; i < t->image_count && res >= 0; i++) {
        t->images[i].color = color ? color[i] : t->own_color_image.image;
        t->images[i].depth = depth ? depth[i] : t->depth_image.image;
        res = make_image_set(t, i, err);
    }
    return res;
}

stoa_result stoa_gfx_target_create(stoa_gfx_renderer *renderer, const stoa_gfx_target_desc *desc,
                                   stoa_gfx_target **out_target, stoa_error *err)
{
    if (!renderer || !desc || !out_target)
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT, "gfx: target needs a renderer");
    *out_target = NULL;
    stoa_gfx_target_desc d = *desc;
    stoa_result res = validate_desc(renderer, &d, err);
    if (res < 0)
        return res;
    stoa_gfx_target *t = calloc(1, sizeof *t);
    if (!t)
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "gfx: out of memory");
    t->r = renderer;
    t->desc = d;
    t->desc.color_images = NULL;
    t->desc.depth_images = NULL;
    t->image_count = d.image_count;
    t->encode_srgb = is_unorm_8bit(d.color_format);
    t->own_color_image.alloc.block = -1;
    t->depth_image.alloc.block = -1;
    t->msaa_image.alloc.block = -1;
    t->images = calloc(t->image_count, sizeof *t->images);
    if (!t->images)
        res = stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "gfx: out of memory");
    if (res >= 0)
        res = make_passes(t, d.depth_images != NULL, err);
    if (res >= 0)
        res = make_images(t, d.color_images, d.depth_images, err);
    if (res < 0) {
        stoa_gfx_target_destroy(&t);
        return res;
    }
    *out_target = t;
    return STOA_OK;
}

static void destroy_image_set(VkDevice d, gfx_target_image *im)
{
    for (uint32_t l = GFX_MAX_VIEWS; l-- > 0;)
        if (im->fb_layer[l])
            vkDestroyFramebuffer(d, im->fb_layer[l], NULL);
    if (im->fb_multiview)
        vkDestroyFramebuffer(d, im->fb_multiview, NULL);
    for (uint32_t l = GFX_MAX_VIEWS; l-- > 0;)
        if (im->depth_layer[l])
            vkDestroyImageView(d, im->depth_layer[l], NULL);
    if (im->depth_array)
        vkDestroyImageView(d, im->depth_array, NULL);
    for (uint32_t l = GFX_MAX_VIEWS; l-- > 0;)
        if (im->color_layer[l])
            vkDestroyImageView(d, im->color_layer[l], NULL);
    if (im->color_array)
        vkDestroyImageView(d, im->color_array, NULL);
}

void stoa_gfx_target_destroy(stoa_gfx_target **target)
{
    if (!target || !*target)
        return;
    stoa_gfx_target *t = *target;
    VkDevice d = t->r->dev->h.device;
    for (uint32_t i = t->image_count; t->images && i-- > 0;)
        destroy_image_set(d, &t->images[i]);
    free(t->images);
    for (uint32_t l = GFX_MAX_VIEWS; l-- > 0;)
        if (t->msaa_layer[l])
            vkDestroyImageView(d, t->msaa_layer[l], NULL);
    if (t->msaa_array)
        vkDestroyImageView(d, t->msaa_array, NULL);
    gfx_image_destroy(t->r->dev, &t->msaa_image);
    gfx_image_destroy(t->r->dev, &t->depth_image);
    gfx_image_destroy(t->r->dev, &t->own_color_image);
    // Render passes belong to the renderer's cache.
    free(t);
    *target = NULL;
}
