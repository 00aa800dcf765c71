// SPDX-License-Identifier: Apache-2.0
// Swapchains: VkImages created on the app's VkDevice; acquire, wait and
// release in the order the specification requires.
#include <stdlib.h>
#include <string.h>

#include "core/stoa_log.h"
#include "xrsim_api.h"

// Preferred first: sRGB colour, then UNORM, then depth.
static const int64_t k_formats[] = {
    VK_FORMAT_R8G8B8A8_SRGB, VK_FORMAT_B8G8R8A8_SRGB, VK_FORMAT_R8G8B8A8_UNORM,
    VK_FORMAT_B8G8R8A8_UNORM, VK_FORMAT_D32_SFLOAT,    VK_FORMAT_D16_UNORM,
};
#define FORMAT_COUNT (uint32_t)(sizeof k_formats / sizeof k_formats[0])

static bool is_depth(int64_t f)
{
    return f == VK_FORMAT_D32_SFLOAT || f == VK_FORMAT_D16_UNORM;
}

XrResult xrsim_xrEnumerateSwapchainFormats(XrSession session, uint32_t cap, uint32_t *count,
                                           int64_t *formats)
{
    XRSIM_API_LOCK();
    xrsim_session *s;
    XrResult r = xrsim_check_session(session, "xrEnumerateSwapchainFormats", &s);
    if (r != XR_SUCCESS)
        return r;
    return xrsim_fill(s->instance, "xrEnumerateSwapchainFormats", cap, count, formats, k_formats,
                      FORMAT_COUNT, sizeof k_formats[0]);
}

static VkImageUsageFlags vk_usage(XrSwapchainUsageFlags u, bool depth)
{
    VkImageUsageFlags v = depth ? 0 : VK_IMAGE_USAGE_TRANSFER_SRC_BIT; // for capture
    if (u & XR_SWAPCHAIN_USAGE_COLOR_ATTACHMENT_BIT)
        v |= VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT;
    if (u & XR_SWAPCHAIN_USAGE_DEPTH_STENCIL_ATTACHMENT_BIT)
        v |= VK_IMAGE_USAGE_DEPTH_STENCIL_ATTACHMENT_BIT;
    if (u & XR_SWAPCHAIN_USAGE_UNORDERED_ACCESS_BIT)
        v |= VK_IMAGE_USAGE_STORAGE_BIT;
    if (u & XR_SWAPCHAIN_USAGE_TRANSFER_SRC_BIT)
        v |= VK_IMAGE_USAGE_TRANSFER_SRC_BIT;
    if (u & XR_SWAPCHAIN_USAGE_TRANSFER_DST_BIT)
        v |= VK_IMAGE_USAGE_TRANSFER_DST_BIT;
    if (u & XR_SWAPCHAIN_USAGE_SAMPLED_BIT)
        v |= VK_IMAGE_USAGE_SAMPLED_BIT;
    if (u & XR_SWAPCHAIN_USAGE_INPUT_ATTACHMENT_BIT_MND)
        v |= VK_IMAGE_USAGE_INPUT_ATTACHMENT_BIT;
    return v;
}

// The layout the specification's Vulkan binding says images are in when the
// app acquires them (and must be in when it releases them).
static VkImageLayout required_layout(XrSwapchainUsageFlags u, bool depth)
{
    if (u & XR_SWAPCHAIN_USAGE_COLOR_ATTACHMENT_BIT)
        return VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL;
    if (u & XR_SWAPCHAIN_USAGE_DEPTH_STENCIL_ATTACHMENT_BIT || depth)
        return VK_IMAGE_LAYOUT_DEPTH_STENCIL_ATTACHMENT_OPTIMAL;
    if (u & XR_SWAPCHAIN_USAGE_UNORDERED_ACCESS_BIT)
        return VK_IMAGE_LAYOUT_GENERAL;
    if (u & XR_SWAPCHAIN_USAGE_TRANSFER_DST_BIT)
        return VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL;
    return VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL;
}

static void record_initial_layout(xrsim_vk *vk, VkCommandBuffer cb, void *user)
{
    xrsim_swapchain *sc = user;
    for (uint32_t i = 0; i < sc->image_count; i++) {
        VkImageMemoryBarrier b = {
            .sType = VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER,
            .dstAccessMask = VK_ACCESS_MEMORY_READ_BIT | VK_ACCESS_MEMORY_WRITE_BIT,
            .oldLayout = VK_IMAGE_LAYOUT_UNDEFINED,
            .newLayout = sc->layout,
            .srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
            .dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
            .image = sc->images[i],
            .subresourceRange = {sc->is_depth ? VK_IMAGE_ASPECT_DEPTH_BIT : VK_IMAGE_ASPECT_COLOR_BIT,
                                 0, VK_REMAINING_MIP_LEVELS, 0, VK_REMAINING_ARRAY_LAYERS},
        };
        vk->vkCmdPipelineBarrier(cb, VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT,
                                 VK_PIPELINE_STAGE_ALL_COMMANDS_BIT, 0, 0, NULL, 0, NULL, 1, &b);
    }
}

static void swapchain_free(xrsim_swapchain *sc)
{
    xrsim_vk *vk = &sc->session->vk;
    for (uint32_t i = sc->image_count; i-- > 0;) {
        if (sc->images[i])
            vk->vkDestroyImage(vk->device, sc->images[i], NULL);
        if (sc->memory[i])
            vk->vkFreeMemory(vk->device, sc->memory[i], NULL);
    }
    xrsim_handle_release(sc);
}

// Whether the app's device can make such an image at all. A swapchain the
// device cannot hold (e.g. lavapipe has no storage-image sRGB formats) is
// XR_ERROR_FEATURE_UNSUPPORTED, which the specification lets
// xrCreateSwapchain return for any unsupported combination, instead of an
// invalid vkCreateImage call and XR_ERROR_RUNTIME_FAILURE.
static bool image_supported(const xrsim_vk *vk, const VkImageCreateInfo *ii)
{
    VkImageFormatProperties p;
    if (vk->vkGetPhysicalDeviceImageFormatProperties(vk->phys, ii->format, ii->imageType,
                                                     ii->tiling, ii->usage, ii->flags,
                                                     &p) != VK_SUCCESS)
        return false;
    return ii->extent.width <= p.maxExtent.width && ii->extent.height <= p.maxExtent.height &&
           ii->mipLevels <= p.maxMipLevels && ii->arrayLayers <= p.maxArrayLayers &&
           (p.sampleCounts & ii->samples);
}

static XrResult create_images(xrsim_swapchain *sc)
{
    xrsim_vk *vk = &sc->session->vk;
    const XrSwapchainCreateInfo *ci = &sc->info;
    VkImageCreateInfo ii = {
        .sType = VK_STRUCTURE_TYPE_IMAGE_CREATE_INFO,
        .flags = (ci->usageFlags & XR_SWAPCHAIN_USAGE_MUTABLE_FORMAT_BIT)
                     ? VK_IMAGE_CREATE_MUTABLE_FORMAT_BIT
                     : 0,
        .imageType = VK_IMAGE_TYPE_2D,
        .format = sc->format,
        .extent = {ci->width, ci->height, 1},
        .mipLevels = ci->mipCount,
        .arrayLayers = ci->arraySize,
        .samples = (VkSampleCountFlagBits)ci->sampleCount,
        .tiling = VK_IMAGE_TILING_OPTIMAL,
        .usage = vk_usage(ci->usageFlags, sc->is_depth),
        .sharingMode = VK_SHARING_MODE_EXCLUSIVE,
        .initialLayout = VK_IMAGE_LAYOUT_UNDEFINED,
    };
    if (ci->sampleCount > 1)
        ii.usage &= ~(VkImageUsageFlags)VK_IMAGE_USAGE_TRANSFER_SRC_BIT;
    if (!image_supported(vk, &ii))
        return XR_ERROR_FEATURE_UNSUPPORTED;
    for (uint32_t i = 0; i < sc->image_count; i++) {
        if (vk->vkCreateImage(vk->device, &ii, NULL, &sc->images[i]) != VK_SUCCESS)
            return XR_ERROR_RUNTIME_FAILURE;
        VkMemoryRequirements req;
        vk->vkGetImageMemoryRequirements(vk->device, sc->images[i], &req);
        int32_t type = xrsim_vk_memory_type(vk, req.memoryTypeBits,
                                            VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT);
        if (type < 0)
            type = xrsim_vk_memory_type(vk, req.memoryTypeBits, 0);
        VkMemoryAllocateInfo ai = {
            .sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO,
            .allocationSize = req.size,
            .memoryTypeIndex = (uint32_t)type,
        };
        if (type < 0 || vk->vkAllocateMemory(vk->device, &ai, NULL, &sc->memory[i]) != VK_SUCCESS ||
            vk->vkBindImageMemory(vk->device, sc->images[i], sc->memory[i], 0) != VK_SUCCESS)
            return XR_ERROR_OUT_OF_MEMORY; // no memory type or no memory left for it
    }
    return xrsim_vk_run(vk, record_initial_layout, sc) ? XR_SUCCESS : XR_ERROR_RUNTIME_FAILURE;
}

static XrResult check_create_info(xrsim_session *s, const XrSwapchainCreateInfo *ci)
{
    const char *fn = "xrCreateSwapchain";
    xrsim_instance *inst = s->instance;
    if (!ci || ci->type != XR_TYPE_SWAPCHAIN_CREATE_INFO)
        return xrsim_app_error(inst, fn, XR_ERROR_VALIDATION_FAILURE, "bad create info");
    // Implicit valid usage: createFlags is 0 or a combination of the
    // XrSwapchainCreateFlagBits (the core defines these two).
    if (ci->createFlags & ~(XrSwapchainCreateFlags)(XR_SWAPCHAIN_CREATE_PROTECTED_CONTENT_BIT |
                                                    XR_SWAPCHAIN_CREATE_STATIC_IMAGE_BIT))
        return xrsim_app_error(inst, fn, XR_ERROR_VALIDATION_FAILURE, "unknown createFlags");
    if (ci->createFlags & XR_SWAPCHAIN_CREATE_PROTECTED_CONTENT_BIT)
        return xrsim_app_error(inst, fn, XR_ERROR_FEATURE_UNSUPPORTED, "protected content");
    bool known = false;
    for (uint32_t i = 0; i < FORMAT_COUNT; i++)
        known = known || k_formats[i] == ci->format;
    if (!known)
        return xrsim_app_error(inst, fn, XR_ERROR_SWAPCHAIN_FORMAT_UNSUPPORTED,
                               "format not listed by xrEnumerateSwapchainFormats");
    if (is_depth(ci->format) && (ci->usageFlags & XR_SWAPCHAIN_USAGE_COLOR_ATTACHMENT_BIT))
        return xrsim_app_error(inst, fn, XR_ERROR_FEATURE_UNSUPPORTED, "depth format as colour");
    if (!is_depth(ci->format) && (ci->usageFlags & XR_SWAPCHAIN_USAGE_DEPTH_STENCIL_ATTACHMENT_BIT))
        return xrsim_app_error(inst, fn, XR_ERROR_FEATURE_UNSUPPORTED, "colour format as depth");
    if (ci->faceCount == 6)
        return xrsim_app_error(inst, fn, XR_ERROR_FEATURE_UNSUPPORTED, "cube swapchains");
    bool samples_ok = ci->sampleCount == 1 || ci->sampleCount == 2 || ci->sampleCount == 4;
    if (ci->width == 0 || ci->height == 0 || ci->width > 8192 || ci->height > 8192 ||
        ci->arraySize == 0 || ci->arraySize > 16 || ci->mipCount == 0 || ci->mipCount > 16 ||
        ci->faceCount != 1 || !samples_ok)
        return xrsim_app_error(inst, fn, XR_ERROR_VALIDATION_FAILURE,
                               "size, array, mip, face or sample count out of range");
    return XR_SUCCESS;
}

XrResult xrsim_xrCreateSwapchain(XrSession session, const XrSwapchainCreateInfo *ci,
                                 XrSwapchain *out)
{
    XRSIM_API_LOCK();
    const char *fn = "xrCreateSwapchain";
    xrsim_session *s;
    XrResult r = xrsim_check_session(session, fn, &s);
    if (r == XR_SUCCESS)
        r = check_create_info(s, ci);
    if (r != XR_SUCCESS)
        return r;
    if (!out)
        return xrsim_app_error(s->instance, fn, XR_ERROR_VALIDATION_FAILURE, "NULL swapchain");
    xrsim_swapchain *sc = calloc(1, sizeof *sc);
    if (!sc)
        return XR_ERROR_OUT_OF_MEMORY;
    sc->session = s;
    sc->info = *ci;
    sc->info.next = NULL;
    sc->format = (VkFormat)ci->format;
    sc->is_depth = is_depth(ci->format);
    sc->layout = required_layout(ci->usageFlags, sc->is_depth);
    sc->image_count = (ci->createFlags & XR_SWAPCHAIN_CREATE_STATIC_IMAGE_BIT) ? 1 : XRSIM_MAX_IMAGES;
    sc->last_released = -1;
    xrsim_handle_add(sc, XRSIM_SWAPCHAIN);
    r = create_images(sc);
    if (r != XR_SUCCESS) {
        swapchain_free(sc);
        return xrsim_app_error(s->instance, fn, r,
                               r == XR_ERROR_FEATURE_UNSUPPORTED
                                   ? "the Vulkan device cannot make images with these parameters"
                                   : "Vulkan refused the images");
    }
    *out = (XrSwapchain)sc;
    return XR_SUCCESS;
}

static XrResult check_swapchain(XrSwapchain h, const char *fn, xrsim_swapchain **out)
{
    if (!xrsim_handle_live(h, XRSIM_SWAPCHAIN))
        return xrsim_check_session(XR_NULL_HANDLE, fn, &(xrsim_session *){NULL});
    xrsim_swapchain *sc = (xrsim_swapchain *)h;
    xrsim_session *s;
    *out = sc;
    return xrsim_check_session((XrSession)sc->session, fn, &s);
}

XrResult xrsim_xrDestroySwapchain(XrSwapchain swapchain)
{
    XRSIM_API_LOCK();
    if (!xrsim_handle_live(swapchain, XRSIM_SWAPCHAIN))
        return xrsim_app_error(NULL, "xrDestroySwapchain", XR_ERROR_HANDLE_INVALID, "bad handle");
    xrsim_swapchain *sc = (xrsim_swapchain *)swapchain;
    xrsim_session *s = sc->session;
    for (int e = 0; e < 2; e++)
        if (s->last_layer_valid && s->last_eyes[e].swapchain == sc)
            xrsim_capture_last(s); // before its images go away
    for (int e = 0; e < 2; e++)
        if (s->last_eyes[e].swapchain == sc)
            s->last_layer_valid = false;
    swapchain_free(sc);
    return XR_SUCCESS;
}

void xrsim_swapchains_free_for(xrsim_session *s)
{
    void *objs[256];
    size_t n = xrsim_handle_collect(XRSIM_SWAPCHAIN, objs, 256);
    for (size_t i = n; i-- > 0;)
        if (((xrsim_swapchain *)objs[i])->session == s)
            swapchain_free(objs[i]);
}

XrResult xrsim_xrEnumerateSwapchainImages(XrSwapchain swapchain, uint32_t cap, uint32_t *count,
                                          XrSwapchainImageBaseHeader *images)
{
    XRSIM_API_LOCK();
    const char *fn = "xrEnumerateSwapchainImages";
    xrsim_swapchain *sc = NULL;
    XrResult r = check_swapchain(swapchain, fn, &sc);
    if (r != XR_SUCCESS)
        return r;
    xrsim_instance *inst = sc->session->instance;
    if (!count)
        return xrsim_app_error(inst, fn, XR_ERROR_VALIDATION_FAILURE, "NULL count");
    *count = sc->image_count;
    if (cap == 0)
        return XR_SUCCESS;
    if (!images) // spec: a non-zero capacity needs the array
        return xrsim_app_error(inst, fn, XR_ERROR_VALIDATION_FAILURE, "NULL images");
    if (cap < sc->image_count)
        return xrsim_app_error(inst, fn, XR_ERROR_SIZE_INSUFFICIENT, "capacity below count");
    XrSwapchainImageVulkanKHR *vk = (XrSwapchainImageVulkanKHR *)images;
    for (uint32_t i = 0; i < sc->image_count; i++) {
        if (vk[i].type != XR_TYPE_SWAPCHAIN_IMAGE_VULKAN_KHR)
            return xrsim_app_error(inst, fn, XR_ERROR_VALIDATION_FAILURE,
                                   "not XrSwapchainImageVulkanKHR");
        vk[i].image = sc->images[i];
    }
    return XR_SUCCESS;
}

XrResult xrsim_xrAcquireSwapchainImage(XrSwapchain swapchain,
                                       const XrSwapchainImageAcquireInfo *info, uint32_t *index)
{
    XRSIM_API_LOCK();
    const char *fn = "xrAcquireSwapchainImage";
    xrsim_swapchain *sc = NULL;
    XrResult r = check_swapchain(swapchain, fn, &sc);
    if (r != XR_SUCCESS)
        return r;
    xrsim_instance *inst = sc->session->instance;
    if (!index || (info && info->type != XR_TYPE_SWAPCHAIN_IMAGE_ACQUIRE_INFO))
        return xrsim_app_error(inst, fn, XR_ERROR_VALIDATION_FAILURE, "bad arguments");
    if (sc->acquired_count == sc->image_count)
        return xrsim_app_error(inst, fn, XR_ERROR_CALL_ORDER_INVALID,
                               "every image is already acquired");
    if (sc->image_count == 1 && sc->last_released >= 0)
        return xrsim_app_error(inst, fn, XR_ERROR_CALL_ORDER_INVALID,
                               "static swapchain image was already released");
    *index = sc->next_index;
    sc->acquired[sc->acquired_count++] = sc->next_index;
    sc->next_index = (sc->next_index + 1) % sc->image_count;
    return XR_SUCCESS;
}

XrResult xrsim_xrWaitSwapchainImage(XrSwapchain swapchain, const XrSwapchainImageWaitInfo *info)
{
    XRSIM_API_LOCK();
    const char *fn = "xrWaitSwapchainImage";
    xrsim_swapchain *sc = NULL;
    XrResult r = check_swapchain(swapchain, fn, &sc);
    if (r != XR_SUCCESS)
        return r;
    xrsim_instance *inst = sc->session->instance;
    if (!info || info->type != XR_TYPE_SWAPCHAIN_IMAGE_WAIT_INFO)
        return xrsim_app_error(inst, fn, XR_ERROR_VALIDATION_FAILURE, "bad wait info");
    if (sc->acquired_count == 0)
        return xrsim_app_error(inst, fn, XR_ERROR_CALL_ORDER_INVALID, "no image acquired");
    if (sc->waited)
        return xrsim_app_error(inst, fn, XR_ERROR_CALL_ORDER_INVALID,
                               "image already waited on and not yet released");
    sc->waited = true; // images are ready at once: no compositor holds them
    return XR_SUCCESS;
}

XrResult xrsim_xrReleaseSwapchainImage(XrSwapchain swapchain,
                                       const XrSwapchainImageReleaseInfo *info)
{
    XRSIM_API_LOCK();
    const char *fn = "xrReleaseSwapchainImage";
    xrsim_swapchain *sc = NULL;
    XrResult r = check_swapchain(swapchain, fn, &sc);
    if (r != XR_SUCCESS)
        return r;
    xrsim_instance *inst = sc->session->instance;
    if (info && info->type != XR_TYPE_SWAPCHAIN_IMAGE_RELEASE_INFO)
        return xrsim_app_error(inst, fn, XR_ERROR_VALIDATION_FAILURE, "bad release info");
    if (sc->acquired_count == 0 || !sc->waited)
        return xrsim_app_error(inst, fn, XR_ERROR_CALL_ORDER_INVALID,
                               "no acquired image has been waited on");
    sc->last_released = (int32_t)sc->acquired[0];
    memmove(sc->acquired, sc->acquired + 1, --sc->acquired_count * sizeof sc->acquired[0]);
    sc->waited = false;
    return XR_SUCCESS;
}
