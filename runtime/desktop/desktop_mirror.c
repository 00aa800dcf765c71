// SPDX-License-Identifier: Apache-2.0
#include "stoa_mirror.h"

#define GLFW_INCLUDE_VULKAN
#include <GLFW/glfw3.h>
#include <stdlib.h>
#include <string.h>

#include "core/stoa_log.h"
#include "desktop_vk.h"

#define MIRROR_MAX_IMAGES 8

struct stoa_desktop_mirror {
    GLFWwindow *window;
    const stoa_gfx_device_handles *vk;
    VkSwapchainKHR swapchain;
    VkFormat format;
    VkExtent2D extent;
    uint32_t image_count;
    VkImage images[MIRROR_MAX_IMAGES];
    VkSemaphore rendered[MIRROR_MAX_IMAGES];
    VkSemaphore acquired;
    VkFence fence;
    VkCommandPool pool;
    VkCommandBuffer cmd;
    // The copy of the eye, made in the headset's command buffer.
    VkImage eye;
    VkDeviceMemory eye_memory;
    VkFormat eye_format;
    uint32_t eye_w, eye_h;
    bool eye_ready; // a frame was copied since the last present
    bool broken;    // a Vulkan call failed: stop mirroring, keep the lesson going
};

stoa_result stoa_desktop_mirror_open(const char *title, uint32_t width, uint32_t height,
                                     stoa_desktop_mirror **out, stoa_error *err)
{
    *out = NULL;
    if (!glfwInit())
        return stoa_error_set(err, STOA_ERROR_UNSUPPORTED,
                              "the mirror window needs a display (is DISPLAY set?)");
    if (!glfwVulkanSupported()) {
        glfwTerminate();
        return stoa_error_set(err, STOA_ERROR_UNSUPPORTED, "GLFW finds no Vulkan for windows");
    }
    stoa_desktop_mirror *m = calloc(1, sizeof *m);
    if (!m)
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "out of memory");
    glfwWindowHint(GLFW_CLIENT_API, GLFW_NO_API);
    glfwWindowHint(GLFW_RESIZABLE, GLFW_FALSE);
    m->window = glfwCreateWindow((int)width, (int)height, title, NULL, NULL);
    if (!m->window) {
        free(m);
        glfwTerminate();
        return stoa_error_set(err, STOA_ERROR_UNSUPPORTED, "cannot create the mirror window");
    }
    *out = m;
    return STOA_OK;
}

const char *const *stoa_desktop_mirror_instance_extensions(uint32_t *out_count)
{
    return glfwGetRequiredInstanceExtensions(out_count);
}

VkResult stoa_desktop_mirror_create_surface(void *mirror, VkInstance instance, VkSurfaceKHR *out)
{
    stoa_desktop_mirror *m = mirror;
    return glfwCreateWindowSurface(instance, m->window, NULL, out);
}

static uint32_t memory_type(const stoa_desktop_mirror *m, uint32_t bits)
{
    VkPhysicalDeviceMemoryProperties mp;
    vkGetPhysicalDeviceMemoryProperties(m->vk->physical_device, &mp);
    for (uint32_t i = 0; i < mp.memoryTypeCount; i++)
        if ((bits & (1u << i)) &&
            (mp.memoryTypes[i].propertyFlags & VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT))
            return i;
    for (uint32_t i = 0; i < mp.memoryTypeCount; i++)
        if (bits & (1u << i))
            return i;
    return 0;
}

#define MCHECK(call, what)                                                                         \
    do {                                                                                           \
        VkResult r_ = (call);                                                                      \
        if (r_ != VK_SUCCESS)                                                                      \
            return stoa_error_set(err, STOA_ERROR_VULKAN, "mirror: %s failed (%d)", what, r_);     \
    } while (0)

stoa_result stoa_desktop_mirror_attach(stoa_desktop_mirror *m, stoa_gfx_device *device,
                                       stoa_error *err)
{
    m->vk = stoa_gfx_device_get_handles(device);
    if (!m->vk->surface)
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT, "mirror: the device has no surface");
    VkDevice dev = m->vk->device;
    VkSurfaceCapabilitiesKHR caps;
    MCHECK(vkGetPhysicalDeviceSurfaceCapabilitiesKHR(m->vk->physical_device, m->vk->surface, &caps),
           "surface capabilities");
    if (!(caps.supportedUsageFlags & VK_IMAGE_USAGE_TRANSFER_DST_BIT))
        return stoa_error_set(err, STOA_ERROR_UNSUPPORTED,
                              "mirror: the window's swapchain cannot be a copy destination");
    VkSurfaceFormatKHR formats[32];
    uint32_t nf = 32;
    VkResult fr =
        vkGetPhysicalDeviceSurfaceFormatsKHR(m->vk->physical_device, m->vk->surface, &nf, formats);
    if ((fr != VK_SUCCESS && fr != VK_INCOMPLETE) || nf == 0)
        return stoa_error_set(err, STOA_ERROR_VULKAN, "mirror: the window offers no format (%d)", fr);
    VkSurfaceFormatKHR fmt = formats[0];
    for (uint32_t i = 0; i < nf; i++)
        if (formats[i].format == VK_FORMAT_B8G8R8A8_SRGB)
            fmt = formats[i];
    int w, h;
    glfwGetFramebufferSize(m->window, &w, &h);
    m->extent = caps.currentExtent.width != UINT32_MAX
                    ? caps.currentExtent
                    : (VkExtent2D){(uint32_t)w, (uint32_t)h};
    VkSwapchainCreateInfoKHR ci = {VK_STRUCTURE_TYPE_SWAPCHAIN_CREATE_INFO_KHR};
    ci.surface = m->vk->surface;
    ci.minImageCount = caps.minImageCount + 1 > MIRROR_MAX_IMAGES ? MIRROR_MAX_IMAGES
                                                                   : caps.minImageCount + 1;
    if (caps.maxImageCount && ci.minImageCount > caps.maxImageCount)
        ci.minImageCount = caps.maxImageCount;
    ci.imageFormat = fmt.format;
    ci.imageColorSpace = fmt.colorSpace;
    ci.imageExtent = m->extent;
    ci.imageArrayLayers = 1;
    ci.imageUsage = VK_IMAGE_USAGE_TRANSFER_DST_BIT;
    ci.preTransform = caps.currentTransform;
    ci.compositeAlpha = VK_COMPOSITE_ALPHA_OPAQUE_BIT_KHR;
    // The headset sets the pace: never let the mirror's vsync hold it back.
    ci.presentMode = VK_PRESENT_MODE_IMMEDIATE_KHR;
    uint32_t npm = 8;
    VkPresentModeKHR modes[8];
    if (vkGetPhysicalDeviceSurfacePresentModesKHR(m->vk->physical_device, m->vk->surface, &npm,
                                                  modes) < 0)
        npm = 0; // FIFO, which every surface has
    bool immediate = false;
    for (uint32_t i = 0; i < npm; i++)
        immediate |= modes[i] == VK_PRESENT_MODE_IMMEDIATE_KHR;
    if (!immediate)
        ci.presentMode = VK_PRESENT_MODE_FIFO_KHR;
    ci.clipped = VK_TRUE;
    MCHECK(vkCreateSwapchainKHR(dev, &ci, NULL, &m->swapchain), "vkCreateSwapchainKHR");
    m->format = fmt.format;
    m->image_count = MIRROR_MAX_IMAGES;
    MCHECK(vkGetSwapchainImagesKHR(dev, m->swapchain, &m->image_count, m->images),
           "vkGetSwapchainImagesKHR");
    VkSemaphoreCreateInfo si = {VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO};
    for (uint32_t i = 0; i < m->image_count; i++)
        MCHECK(vkCreateSemaphore(dev, &si, NULL, &m->rendered[i]), "vkCreateSemaphore");
    MCHECK(vkCreateSemaphore(dev, &si, NULL, &m->acquired), "vkCreateSemaphore");
    VkFenceCreateInfo fi = {VK_STRUCTURE_TYPE_FENCE_CREATE_INFO, NULL, VK_FENCE_CREATE_SIGNALED_BIT};
    MCHECK(vkCreateFence(dev, &fi, NULL, &m->fence), "vkCreateFence");
    VkCommandPoolCreateInfo pi = {VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO, NULL,
                                  VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT,
                                  m->vk->queue_family};
    MCHECK(vkCreateCommandPool(dev, &pi, NULL, &m->pool), "vkCreateCommandPool");
    VkCommandBufferAllocateInfo ai = {VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO, NULL, m->pool,
                                      VK_COMMAND_BUFFER_LEVEL_PRIMARY, 1};
    MCHECK(vkAllocateCommandBuffers(dev, &ai, &m->cmd), "vkAllocateCommandBuffers");
    m->broken = false;
    return STOA_OK;
}

static bool make_eye(stoa_desktop_mirror *m, uint32_t w, uint32_t h, VkFormat format)
{
    VkDevice dev = m->vk->device;
    VkImageCreateInfo ic = {VK_STRUCTURE_TYPE_IMAGE_CREATE_INFO};
    ic.imageType = VK_IMAGE_TYPE_2D;
    ic.format = format;
    ic.extent = (VkExtent3D){w, h, 1};
    ic.mipLevels = ic.arrayLayers = 1;
    ic.samples = VK_SAMPLE_COUNT_1_BIT;
    ic.tiling = VK_IMAGE_TILING_OPTIMAL;
    ic.usage = VK_IMAGE_USAGE_TRANSFER_DST_BIT | VK_IMAGE_USAGE_TRANSFER_SRC_BIT;
    if (vkCreateImage(dev, &ic, NULL, &m->eye) != VK_SUCCESS)
        return false;
    VkMemoryRequirements req;
    vkGetImageMemoryRequirements(dev, m->eye, &req);
    VkMemoryAllocateInfo mi = {VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO, NULL, req.size,
                               memory_type(m, req.memoryTypeBits)};
    if (vkAllocateMemory(dev, &mi, NULL, &m->eye_memory) != VK_SUCCESS ||
        vkBindImageMemory(dev, m->eye, m->eye_memory, 0) != VK_SUCCESS)
        return false;
    m->eye_w = w;
    m->eye_h = h;
    m->eye_format = format;
    return true;
}

void stoa_desktop_mirror_record(void *mirror, VkCommandBuffer cmd, VkImage image, uint32_t width,
                                uint32_t height, VkFormat format)
{
    stoa_desktop_mirror *m = mirror;
    if (!m->vk || m->broken)
        return;
    if (!m->eye && !make_eye(m, width, height, format)) {
        STOA_LOGW("desktop", "mirror: cannot make its image; mirroring stops");
        m->broken = true;
        return;
    }
    // The eye image leaves the render pass in COLOR_ATTACHMENT_OPTIMAL and
    // must go back to the runtime that way.
    desktop_vk_barrier(cmd, image, VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL,
            VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT,
            VK_ACCESS_TRANSFER_READ_BIT, VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT,
            VK_PIPELINE_STAGE_TRANSFER_BIT);
    desktop_vk_barrier(cmd, m->eye, VK_IMAGE_LAYOUT_UNDEFINED, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL,
            VK_ACCESS_TRANSFER_READ_BIT, VK_ACCESS_TRANSFER_WRITE_BIT,
            VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT);
    VkImageCopy copy = {0};
    copy.srcSubresource = (VkImageSubresourceLayers){VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1};
    copy.dstSubresource = (VkImageSubresourceLayers){VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1};
    copy.extent = (VkExtent3D){m->eye_w < width ? m->eye_w : width,
                               m->eye_h < height ? m->eye_h : height, 1};
    vkCmdCopyImage(cmd, image, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, m->eye,
                   VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 1, &copy);
    desktop_vk_barrier(cmd, image, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL,
            VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL, VK_ACCESS_TRANSFER_READ_BIT,
            VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT,
            VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT);
    desktop_vk_barrier(cmd, m->eye, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL,
            VK_ACCESS_TRANSFER_WRITE_BIT, VK_ACCESS_TRANSFER_READ_BIT,
            VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT);
    m->eye_ready = true;
    (void)format;
}

// Fits the square-ish eye into the window, centred, keeping its shape.
static VkImageBlit fit(const stoa_desktop_mirror *m)
{
    VkImageBlit b = {0};
    b.srcSubresource = b.dstSubresource =
        (VkImageSubresourceLayers){VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1};
    b.srcOffsets[1] = (VkOffset3D){(int32_t)m->eye_w, (int32_t)m->eye_h, 1};
    float sx = (float)m->extent.width / (float)m->eye_w;
    float sy = (float)m->extent.height / (float)m->eye_h;
    float s = sx < sy ? sx : sy;
    int32_t w = (int32_t)((float)m->eye_w * s), h = (int32_t)((float)m->eye_h * s);
    int32_t x = ((int32_t)m->extent.width - w) / 2, y = ((int32_t)m->extent.height - h) / 2;
    b.dstOffsets[0] = (VkOffset3D){x, y, 0};
    b.dstOffsets[1] = (VkOffset3D){x + w, y + h, 1};
    return b;
}

// A failed call stops the mirror (the headset goes on), as the desktop
// swapchain's VK_CHECK does for the preview.
#define BCHECK(call)                                                                               \
    do {                                                                                           \
        VkResult r_ = (call);                                                                      \
        if (r_ != VK_SUCCESS) {                                                                    \
            STOA_LOGW("desktop", "mirror: %s failed (%d)", #call, r_);                            \
            return false;                                                                          \
        }                                                                                          \
    } while (0)

static bool blit_and_present(stoa_desktop_mirror *m)
{
    VkDevice dev = m->vk->device;
    BCHECK(vkWaitForFences(dev, 1, &m->fence, VK_TRUE, UINT64_MAX));
    uint32_t idx;
    VkResult r = vkAcquireNextImageKHR(dev, m->swapchain, 0, m->acquired, VK_NULL_HANDLE, &idx);
    if (r != VK_SUCCESS && r != VK_SUBOPTIMAL_KHR)
        return r == VK_NOT_READY || r == VK_TIMEOUT; // skip this frame, try the next
    BCHECK(vkResetCommandBuffer(m->cmd, 0));
    VkCommandBufferBeginInfo bi = {VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO, NULL,
                                   VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT, NULL};
    BCHECK(vkBeginCommandBuffer(m->cmd, &bi));
    VkImage dst = m->images[idx];
    desktop_vk_barrier(m->cmd, dst, VK_IMAGE_LAYOUT_UNDEFINED, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 0,
            VK_ACCESS_TRANSFER_WRITE_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT,
            VK_PIPELINE_STAGE_TRANSFER_BIT);
    VkClearColorValue black = {{0, 0, 0, 1}};
    VkImageSubresourceRange range = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1};
    vkCmdClearColorImage(m->cmd, dst, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, &black, 1, &range);
    desktop_vk_barrier(m->cmd, dst, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL,
            VK_ACCESS_TRANSFER_WRITE_BIT, VK_ACCESS_TRANSFER_WRITE_BIT,
            VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT);
    // The headset's submit (earlier, same queue) wrote the eye image.
    desktop_vk_barrier(m->cmd, m->eye, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL,
            VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, VK_ACCESS_TRANSFER_WRITE_BIT,
            VK_ACCESS_TRANSFER_READ_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT,
            VK_PIPELINE_STAGE_TRANSFER_BIT);
    VkImageBlit b = fit(m);
    vkCmdBlitImage(m->cmd, m->eye, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, dst,
                   VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 1, &b, VK_FILTER_LINEAR);
    desktop_vk_barrier(m->cmd, dst, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, VK_IMAGE_LAYOUT_PRESENT_SRC_KHR,
            VK_ACCESS_TRANSFER_WRITE_BIT, 0, VK_PIPELINE_STAGE_TRANSFER_BIT,
            VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT);
    BCHECK(vkEndCommandBuffer(m->cmd));
    // Reset only now: a fence left unsignalled by a failure above would
    // hang the next wait.
    BCHECK(vkResetFences(dev, 1, &m->fence));
    VkPipelineStageFlags wait = VK_PIPELINE_STAGE_TRANSFER_BIT;
    VkSubmitInfo si = {VK_STRUCTURE_TYPE_SUBMIT_INFO, NULL, 1, &m->acquired, &wait, 1, &m->cmd,
                       1, &m->rendered[idx]};
    BCHECK(vkQueueSubmit(m->vk->queue, 1, &si, m->fence));
    VkPresentInfoKHR pi = {VK_STRUCTURE_TYPE_PRESENT_INFO_KHR, NULL, 1, &m->rendered[idx], 1,
                           &m->swapchain, &idx, NULL};
    r = vkQueuePresentKHR(m->vk->queue, &pi);
    return r == VK_SUCCESS || r == VK_SUBOPTIMAL_KHR || r == VK_ERROR_OUT_OF_DATE_KHR;
}

bool stoa_desktop_mirror_present(stoa_desktop_mirror *m)
{
    glfwPollEvents();
    if (glfwWindowShouldClose(m->window))
        return false;
    if (m->vk && m->swapchain && m->eye_ready && !m->broken) {
        m->eye_ready = false;
        if (!blit_and_present(m)) {
            STOA_LOGW("desktop", "mirror: presenting failed; mirroring stops");
            m->broken = true;
        }
    }
    return true;
}

void stoa_desktop_mirror_detach(stoa_desktop_mirror *m)
{
    if (!m->vk)
        return;
    VkDevice dev = m->vk->device;
    vkDeviceWaitIdle(dev);
    if (m->eye)
        vkDestroyImage(dev, m->eye, NULL);
    if (m->eye_memory)
        vkFreeMemory(dev, m->eye_memory, NULL);
    if (m->pool)
        vkDestroyCommandPool(dev, m->pool, NULL);
    if (m->fence)
        vkDestroyFence(dev, m->fence, NULL);
    if (m->acquired)
        vkDestroySemaphore(dev, m->acquired, NULL);
    for (uint32_t i = 0; i < m->image_count; i++)
        vkDestroySemaphore(dev, m->rendered[i], NULL);
    if (m->swapchain)
        vkDestroySwapchainKHR(dev, m->swapchain, NULL);
    GLFWwindow *w = m->window;
    memset(m, 0, sizeof *m);
    m->window = w;
}

void stoa_desktop_mirror_close(stoa_desktop_mirror **pm)
{
    stoa_desktop_mirror *m = *pm;
    if (!m)
        return;
    stoa_desktop_mirror_detach(m);
    glfwDestroyWindow(m->window);
    glfwTerminate();
    free(m);
    *pm = NULL;
}
