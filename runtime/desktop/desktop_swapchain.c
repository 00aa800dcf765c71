// SPDX-License-Identifier: Apache-2.0
#include "desktop_swapchain.h"

#define GLFW_INCLUDE_VULKAN
#include <GLFW/glfw3.h>
#include <stdlib.h>
#include <string.h>

#include "core/stoa_log.h"
#include "desktop_vk.h"

#define VK_CHECK(call, what)                                                                       \
    do {                                                                                           \
        VkResult r_ = (call);                                                                      \
        if (r_ != VK_SUCCESS)                                                                      \
            return stoa_error_set(err, STOA_ERROR_VULKAN, "%s failed (VkResult %d) at %s:%d",      \
                                  what, (int)r_, __FILE__, __LINE__);                              \
    } while (0)

static VkResult create_surface(void *user, VkInstance instance, VkSurfaceKHR *out)
{
    return glfwCreateWindowSurface(instance, (GLFWwindow *)user, NULL, out);
}

static uint32_t find_memory(const desktop_swapchain *sc, uint32_t bits, VkMemoryPropertyFlags want)
{
    VkPhysicalDeviceMemoryProperties mp;
    vkGetPhysicalDeviceMemoryProperties(sc->vk->physical_device, &mp);
    for (uint32_t i = 0; i < mp.memoryTypeCount; i++)
        if ((bits & (1u << i)) && (mp.memoryTypes[i].propertyFlags & want) == want)
            return i;
    return UINT32_MAX;
}

static stoa_result create_frame(desktop_swapchain *sc, desktop_frame *f, stoa_error *err)
{
    VkDevice dev = sc->vk->device;
    VkCommandBufferAllocateInfo ai = {VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO, NULL,
                                      sc->pool, VK_COMMAND_BUFFER_LEVEL_PRIMARY, 1};
    VK_CHECK(vkAllocateCommandBuffers(dev, &ai, &f->cmd), "vkAllocateCommandBuffers");
    VkFenceCreateInfo fi = {VK_STRUCTURE_TYPE_FENCE_CREATE_INFO, NULL, VK_FENCE_CREATE_SIGNALED_BIT};
    VK_CHECK(vkCreateFence(dev, &fi, NULL, &f->fence), "vkCreateFence");
    VkSemaphoreCreateInfo si = {VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO, NULL, 0};
    VK_CHECK(vkCreateSemaphore(dev, &si, NULL, &f->acquired), "vkCreateSemaphore");
    VkBufferCreateInfo bi = {VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO};
    bi.size = (VkDeviceSize)sc->hud_width * sc->hud_height * 4;
    bi.usage = VK_BUFFER_USAGE_TRANSFER_SRC_BIT;
    VK_CHECK(vkCreateBuffer(dev, &bi, NULL, &f->hud_buffer), "vkCreateBuffer");
    VkMemoryRequirements req;
    vkGetBufferMemoryRequirements(dev, f->hud_buffer, &req);
    uint32_t type = find_memory(sc, req.memoryTypeBits, VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT |
                                                            VK_MEMORY_PROPERTY_HOST_COHERENT_BIT);
    if (type == UINT32_MAX)
        return stoa_error_set(err, STOA_ERROR_VULKAN, "no host-visible memory for the HUD");
    VkMemoryAllocateInfo mi = {VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO, NULL, req.size, type};
    VK_CHECK(vkAllocateMemory(dev, &mi, NULL, &f->hud_memory), "vkAllocateMemory");
    VK_CHECK(vkBindBufferMemory(dev, f->hud_buffer, f->hud_memory, 0), "vkBindBufferMemory");
    VK_CHECK(vkMapMemory(dev, f->hud_memory, 0, VK_WHOLE_SIZE, 0, &f->hud_mapped), "vkMapMemory");
    return STOA_OK;
}

static void destroy_swapchain_objects(desktop_swapchain *sc)
{
    VkDevice dev = sc->vk->device;
    stoa_gfx_target_destroy(&sc->target);
    for (uint32_t i = 0; i < DESKTOP_MAX_IMAGES; i++) {
        if (sc->rendered[i])
            vkDestroySemaphore(dev, sc->rendered[i], NULL);
        sc->rendered[i] = VK_NULL_HANDLE;
    }
    if (sc->swapchain)
        vkDestroySwapchainKHR(dev, sc->swapchain, NULL);
    sc->swapchain = VK_NULL_HANDLE;
}

static VkSurfaceFormatKHR pick_format(desktop_swapchain *sc)
{
    VkSurfaceFormatKHR formats[64];
    uint32_t n = 64;
    vkGetPhysicalDeviceSurfaceFormatsKHR(sc->vk->physical_device, sc->vk->surface, &n, formats);
    for (uint32_t i = 0; i < n; i++)
        if ((formats[i].format == VK_FORMAT_B8G8R8A8_SRGB ||
             formats[i].format == VK_FORMAT_R8G8B8A8_SRGB) &&
            formats[i].colorSpace == VK_COLOR_SPACE_SRGB_NONLINEAR_KHR)
            return formats[i];
    return formats[0]; // a UNORM format: the renderer encodes sRGB itself
}

static stoa_result create_swapchain(desktop_swapchain *sc, stoa_error *err)
{
    VkDevice dev = sc->vk->device;
    VkSurfaceCapabilitiesKHR caps;
    VK_CHECK(vkGetPhysicalDeviceSurfaceCapabilitiesKHR(sc->vk->physical_device, sc->vk->surface,
                                                       &caps),
             "vkGetPhysicalDeviceSurfaceCapabilitiesKHR");
    int fw, fh;
    glfwGetFramebufferSize(sc->window, &fw, &fh);
    if (fw <= 0 || fh <= 0)
        return STOA_TIMEOUT; // minimised
    VkExtent2D extent = caps.currentExtent;
    if (extent.width == UINT32_MAX) {
        extent.width = (uint32_t)fw;
        extent.height = (uint32_t)fh;
    }
    if (extent.width == 0 || extent.height == 0)
        return STOA_TIMEOUT;
    uint32_t count = caps.minImageCount + 1;
    if (caps.maxImageCount && count > caps.maxImageCount)
        count = caps.maxImageCount;
    if (count > DESKTOP_MAX_IMAGES)
        count = DESKTOP_MAX_IMAGES;
    if (!(caps.supportedUsageFlags & VK_IMAGE_USAGE_TRANSFER_DST_BIT))
        return stoa_error_set(err, STOA_ERROR_UNSUPPORTED,
                              "the window's swapchain cannot be a transfer destination");
    sc->format = pick_format(sc);
    VkSwapchainCreateInfoKHR ci = {VK_STRUCTURE_TYPE_SWAPCHAIN_CREATE_INFO_KHR};
    ci.surface = sc->vk->surface;
    ci.minImageCount = count;
    ci.imageFormat = sc->format.format;
    ci.imageColorSpace = sc->format.colorSpace;
    ci.imageExtent = extent;
    ci.imageArrayLayers = 1;
    ci.imageUsage = VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT;
    // A tap (the teacher's live view, runtime/play/play_view.c) reads the image.
    ci.imageUsage |= caps.supportedUsageFlags & VK_IMAGE_USAGE_TRANSFER_SRC_BIT;
    ci.imageSharingMode = VK_SHARING_MODE_EXCLUSIVE;
    ci.preTransform = caps.currentTransform;
    ci.compositeAlpha = VK_COMPOSITE_ALPHA_OPAQUE_BIT_KHR;
    ci.presentMode = VK_PRESENT_MODE_FIFO_KHR;
    ci.clipped = VK_TRUE;
    VK_CHECK(vkCreateSwapchainKHR(dev, &ci, NULL, &sc->swapchain), "vkCreateSwapchainKHR");
    sc->extent = extent;
    sc->image_count = DESKTOP_MAX_IMAGES;
    VK_CHECK(vkGetSwapchainImagesKHR(dev, sc->swapchain, &sc->image_count, sc->images),
             "vkGetSwapchainImagesKHR");
    VkSemaphoreCreateInfo si = {VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO};
    for (uint32_t i = 0; i < sc->image_count; i++)
        VK_CHECK(vkCreateSemaphore(dev, &si, NULL, &sc->rendered[i]), "vkCreateSemaphore");
    stoa_gfx_target_desc td = {
        .width = extent.width,
        .height = extent.height,
        .layers = 1,
        .color_format = sc->format.format,
        .samples = sc->msaa,
        .image_count = sc->image_count,
        .color_images = sc->images,
        .initial_layout = VK_IMAGE_LAYOUT_UNDEFINED,
        .final_layout = VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL,
        .keep_contents = true, // play mode draws its panels over the scene
    };
    return stoa_gfx_target_create(sc->renderer, &td, &sc->target, err);
}

static stoa_result recreate(desktop_swapchain *sc, stoa_error *err)
{
    vkDeviceWaitIdle(sc->vk->device);
    destroy_swapchain_objects(sc);
    sc->needs_recreate = false;
    return create_swapchain(sc, err);
}

stoa_result desktop_swapchain_init(desktop_swapchain *sc, const char *title, uint32_t width,
                                   uint32_t height, uint32_t msaa, uint32_t hud_width,
                                   uint32_t hud_height, stoa_error *err)
{
    memset(sc, 0, sizeof *sc);
    sc->msaa = msaa;
    sc->hud_width = hud_width;
    sc->hud_height = hud_height;
    if (!glfwInit())
        return stoa_error_set(err, STOA_ERROR_UNSUPPORTED,
                              "cannot open a window: no display (is DISPLAY set? run under "
                              "xvfb-run, or use `stoa render` for headless pictures)");
    if (!glfwVulkanSupported())
        return stoa_error_set(err, STOA_ERROR_UNSUPPORTED,
                              "GLFW finds no Vulkan loader/driver for windows");
    glfwWindowHint(GLFW_CLIENT_API, GLFW_NO_API);
    sc->window = glfwCreateWindow((int)width, (int)height, title, NULL, NULL);
    if (!sc->window)
        return stoa_error_set(err, STOA_ERROR_UNSUPPORTED, "cannot create a window");

    uint32_t ext_count = 0;
    const char **exts = glfwGetRequiredInstanceExtensions(&ext_count);
    static const char *dev_exts[] = {VK_KHR_SWAPCHAIN_EXTENSION_NAME};
    stoa_gfx_device_desc dd = {
        .instance_extensions = exts,
        .instance_extension_count = ext_count,
        .device_extensions = dev_exts,
        .device_extension_count = 1,
        .app_name = "stoa preview",
        .hooks = {.user = sc->window, .create_surface = create_surface},
    };
    stoa_result r = stoa_gfx_device_create(&dd, &sc->device, err);
    if (r < 0)
        return r;
    sc->vk = stoa_gfx_device_get_handles(sc->device);
    stoa_gfx_renderer_desc rd = {.frames_in_flight = DESKTOP_FRAMES};
    r = stoa_gfx_renderer_create(sc->device, &rd, &sc->renderer, err);
    if (r < 0)
        return r;
    VkCommandPoolCreateInfo pi = {VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO, NULL,
                                  VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT,
                                  sc->vk->queue_family};
    VK_CHECK(vkCreateCommandPool(sc->vk->device, &pi, NULL, &sc->pool), "vkCreateCommandPool");
    for (int i = 0; i < DESKTOP_FRAMES; i++)
        if ((r = create_frame(sc, &sc->frames[i], err)) < 0)
            return r;
    r = create_swapchain(sc, err);
    return r < 0 ? r : STOA_OK;
}

void desktop_swapchain_fini(desktop_swapchain *sc)
{
    if (sc->vk) {
        VkDevice dev = sc->vk->device;
        vkDeviceWaitIdle(dev);
        destroy_swapchain_objects(sc);
        for (int i = DESKTOP_FRAMES - 1; i >= 0; i--) {
            desktop_frame *f = &sc->frames[i];
            if (f->hud_buffer)
                vkDestroyBuffer(dev, f->hud_buffer, NULL);
            if (f->hud_memory)
                vkFreeMemory(dev, f->hud_memory, NULL);
            if (f->acquired)
                vkDestroySemaphore(dev, f->acquired, NULL);
            if (f->fence)
                vkDestroyFence(dev, f->fence, NULL);
        }
        if (sc->pool)
            vkDestroyCommandPool(dev, sc->pool, NULL);
    }
    stoa_gfx_renderer_destroy(&sc->renderer);
    stoa_gfx_device_destroy(&sc->device);
    if (sc->window)
        glfwDestroyWindow(sc->window);
    glfwTerminate();
    memset(sc, 0, sizeof *sc);
}

bool desktop_swapchain_is_bgra(const desktop_swapchain *sc)
{
    return sc->format.format == VK_FORMAT_B8G8R8A8_SRGB ||
           sc->format.format == VK_FORMAT_B8G8R8A8_UNORM;
}

static stoa_result record(desktop_swapchain *sc, desktop_frame *f, uint32_t idx,
                          const stoa_gfx_view *view, const stoa_desktop_draw *draws,
                          uint32_t draw_count, const float clear[4], const desktop_hud *hud,
                          stoa_error *err)
{
    VkCommandBuffer cmd = f->cmd;
    VkCommandBufferBeginInfo bi = {VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO, NULL,
                                   VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT, NULL};
    VK_CHECK(vkBeginCommandBuffer(cmd, &bi), "vkBeginCommandBuffer");
    stoa_gfx_begin_frame(sc->renderer);
    VkImage image = sc->images[idx];
    if (draw_count > 0 && draws[0].scene) {
        // The first draw clears; later ones (panels, lasers) go over it,
        // depth-tested against it (the target keeps its contents).
        for (uint32_t d = 0; d < draw_count; d++) {
            if (!draws[d].scene)
                continue;
            stoa_gfx_render_options opt = draws[d].options;
            opt.stereo = STOA_GFX_STEREO_AUTO;
            if (d == 0)
                memcpy(opt.clear_color, clear, sizeof opt.clear_color);
            opt.no_clear = d > 0;
            stoa_result r = stoa_gfx_render(sc->renderer, cmd, sc->target, idx, view, 1,
                                            draws[d].scene, draws[d].pose, &opt, err);
            if (r < 0)
                return r;
        }
    } else {
        desktop_vk_barrier(cmd, image, VK_IMAGE_LAYOUT_UNDEFINED, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 0,
                VK_ACCESS_TRANSFER_WRITE_BIT, VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT,
                VK_PIPELINE_STAGE_TRANSFER_BIT);
        VkClearColorValue c = {{clear[0], clear[1], clear[2], 1.0f}};
        VkImageSubresourceRange range = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1};
        vkCmdClearColorImage(cmd, image, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, &c, 1, &range);
    }
    // The render pass (or the clear) left the image in TRANSFER_DST_OPTIMAL.
    desktop_vk_barrier(cmd, image, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL,
            VK_ACCESS_TRANSFER_WRITE_BIT | VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT,
            VK_ACCESS_TRANSFER_WRITE_BIT,
            VK_PIPELINE_STAGE_TRANSFER_BIT | VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT,
            VK_PIPELINE_STAGE_TRANSFER_BIT);
    if (sc->tap) // the picture without the HUD
        sc->tap(sc->tap_user, cmd, image, sc->extent.width, sc->extent.height, sc->format.format,
                VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL);
    // Only the box the HUD's rows took (the rest of its bitmap is not shown).
    uint32_t hud_w = hud ? hud->used_width : 0, hud_h = hud ? hud->used_height : 0;
    hud_w = hud_w < sc->hud_width ? hud_w : sc->hud_width;
    hud_h = hud_h < sc->hud_height ? hud_h : sc->hud_height;
    if (hud_w && hud_h && hud->width == sc->hud_width) {
        uint32_t w = hud_w < sc->extent.width ? hud_w : sc->extent.width;
        uint32_t h = hud_h < sc->extent.height ? hud_h : sc->extent.height;
        memcpy(f->hud_mapped, hud->pixels, (size_t)sc->hud_width * h * 4);
        VkBufferImageCopy region = {0};
        region.bufferRowLength = sc->hud_width;
        region.bufferImageHeight = sc->hud_height;
        region.imageSubresource = (VkImageSubresourceLayers){VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1};
        region.imageExtent = (VkExtent3D){w, h, 1};
        vkCmdCopyBufferToImage(cmd, f->hud_buffer, image, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 1,
                               &region);
    }
    desktop_vk_barrier(cmd, image, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, VK_IMAGE_LAYOUT_PRESENT_SRC_KHR,
            VK_ACCESS_TRANSFER_WRITE_BIT, 0, VK_PIPELINE_STAGE_TRANSFER_BIT,
            VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT);
    VK_CHECK(vkEndCommandBuffer(cmd), "vkEndCommandBuffer");
    return STOA_OK;
}

stoa_result desktop_swapchain_draw(desktop_swapchain *sc, const stoa_gfx_view *view,
                                   const stoa_desktop_draw *draws, uint32_t draw_count,
                                   const float clear[4], const desktop_hud *hud,
                                   stoa_error *err)
{
    int fw = 0, fh = 0;
    glfwGetFramebufferSize(sc->window, &fw, &fh);
    if ((uint32_t)fw != sc->extent.width || (uint32_t)fh != sc->extent.height)
        sc->needs_recreate = true; // resized: cheaper to ask GLFW than to trust callbacks
    if (sc->needs_recreate || !sc->swapchain) {
        stoa_result r = recreate(sc, err);
        return r < 0 ? r : STOA_TIMEOUT;
    }
    VkDevice dev = sc->vk->device;
    desktop_frame *f = &sc->frames[sc->frame_index];
    VK_CHECK(vkWaitForFences(dev, 1, &f->fence, VK_TRUE, UINT64_MAX), "vkWaitForFences");
    uint32_t idx;
    VkResult ar = vkAcquireNextImageKHR(dev, sc->swapchain, UINT64_MAX, f->acquired,
                                        VK_NULL_HANDLE, &idx);
    if (ar == VK_ERROR_OUT_OF_DATE_KHR) {
        sc->needs_recreate = true;
        return STOA_TIMEOUT;
    }
    if (ar != VK_SUCCESS && ar != VK_SUBOPTIMAL_KHR)
        return stoa_error_set(err, STOA_ERROR_VULKAN, "vkAcquireNextImageKHR failed (%d)", ar);
    VK_CHECK(vkResetFences(dev, 1, &f->fence), "vkResetFences");
    VK_CHECK(vkResetCommandBuffer(f->cmd, 0), "vkResetCommandBuffer");
    stoa_result r = record(sc, f, idx, view, draws, draw_count, clear, hud, err);
    if (r < 0)
        return r;
    VkPipelineStageFlags wait_stage = VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT |
                                      VK_PIPELINE_STAGE_TRANSFER_BIT;
    VkSubmitInfo si = {VK_STRUCTURE_TYPE_SUBMIT_INFO};
    si.waitSemaphoreCount = 1;
    si.pWaitSemaphores = &f->acquired;
    si.pWaitDstStageMask = &wait_stage;
    si.commandBufferCount = 1;
    si.pCommandBuffers = &f->cmd;
    si.signalSemaphoreCount = 1;
    si.pSignalSemaphores = &sc->rendered[idx];
    VK_CHECK(vkQueueSubmit(sc->vk->queue, 1, &si, f->fence), "vkQueueSubmit");
    VkPresentInfoKHR pi = {VK_STRUCTURE_TYPE_PRESENT_INFO_KHR};
    pi.waitSemaphoreCount = 1;
    pi.pWaitSemaphores = &sc->rendered[idx];
    pi.swapchainCount = 1;
    pi.pSwapchains = &sc->swapchain;
    pi.pImageIndices = &idx;
    VkResult pr = vkQueuePresentKHR(sc->vk->queue, &pi);
    sc->frame_index = (sc->frame_index + 1) % DESKTOP_FRAMES;
    if (pr == VK_ERROR_OUT_OF_DATE_KHR || pr == VK_SUBOPTIMAL_KHR)
        sc->needs_recreate = true;
    else if (pr != VK_SUCCESS)
        return stoa_error_set(err, STOA_ERROR_VULKAN, "vkQueuePresentKHR failed (%d)", pr);
    return STOA_OK;
}
