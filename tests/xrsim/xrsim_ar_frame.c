// SPDX-License-Identifier: Apache-2.0
#include "xrsim_ar_frame.h"

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wsign-compare"
#define STB_IMAGE_IMPLEMENTATION
#include <stb_image.h>
#pragma GCC diagnostic pop

#include "stoa_test.h"

static XrSwapchain g_sc;
static XrSwapchainImageVulkanKHR g_imgs[3];

double arf_srgb_to_linear(double s255)
{
    double s = s255 / 255.0;
    return s <= 0.04045 ? s / 12.92 : pow((s + 0.055) / 1.055, 2.4);
}

double arf_linear_to_srgb(double l)
{
    l = l < 0 ? 0 : l > 1 ? 1 : l;
    return 255.0 * (l <= 0.0031308 ? 12.92 * l : 1.055 * pow(l, 1 / 2.4) - 0.055);
}

void arf_env(tapp *a)
{
    char cap[300];
    snprintf(cap, sizeof cap, "%s/cap", a->dir);
    setenv("STOA_XRSIM_CAPTURE", cap, 1);
    setenv("STOA_XRSIM_CAPTURE_EVERY", "1", 1);
}

void arf_begin(tapp *a, XrSpace *local)
{
    tapp_poll(a);
    XrSessionBeginInfo bi = {XR_TYPE_SESSION_BEGIN_INFO};
    bi.primaryViewConfigurationType = XR_VIEW_CONFIGURATION_TYPE_PRIMARY_STEREO;
    CHECK(xrBeginSession(a->session, &bi) == XR_SUCCESS);
    XrSwapchainCreateInfo ci = {XR_TYPE_SWAPCHAIN_CREATE_INFO};
    ci.usageFlags = XR_SWAPCHAIN_USAGE_COLOR_ATTACHMENT_BIT | XR_SWAPCHAIN_USAGE_TRANSFER_DST_BIT;
    ci.format = VK_FORMAT_R8G8B8A8_UNORM;
    ci.sampleCount = 1;
    ci.width = 2 * ARF_EYE_W;
    ci.height = ARF_EYE_H;
    ci.faceCount = ci.arraySize = ci.mipCount = 1;
    CHECK(xrCreateSwapchain(a->session, &ci, &g_sc) == XR_SUCCESS);
    for (int i = 0; i < 3; i++)
        g_imgs[i] = (XrSwapchainImageVulkanKHR){XR_TYPE_SWAPCHAIN_IMAGE_VULKAN_KHR};
    uint32_t n;
    CHECK(xrEnumerateSwapchainImages(g_sc, 3, &n, (XrSwapchainImageBaseHeader *)g_imgs) ==
          XR_SUCCESS);
    XrReferenceSpaceCreateInfo ri = {XR_TYPE_REFERENCE_SPACE_CREATE_INFO};
    ri.referenceSpaceType = XR_REFERENCE_SPACE_TYPE_STAGE;
    ri.poseInReferenceSpace.orientation.w = 1;
    CHECK(xrCreateReferenceSpace(a->session, &ri, local) == XR_SUCCESS);
}

static int32_t memory_type(tapp *a, uint32_t bits)
{
    VkPhysicalDeviceMemoryProperties mp;
    vkGetPhysicalDeviceMemoryProperties(a->phys, &mp);
    VkMemoryPropertyFlags want =
        VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
    for (uint32_t i = 0; i < mp.memoryTypeCount; i++)
        if ((bits & (1u << i)) && (mp.memoryTypes[i].propertyFlags & want) == want)
            return (int32_t)i;
    return -1;
}

// Copies the texels into both halves of the acquired image.
static void upload(tapp *a, VkImage image, const uint8_t *texels)
{
    const VkDeviceSize size = ARF_EYE_W * ARF_EYE_H * 4;
    VkBufferCreateInfo bci = {.sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO,
                              .size = size,
                              .usage = VK_BUFFER_USAGE_TRANSFER_SRC_BIT};
    VkBuffer buf;
    vkCreateBuffer(a->device, &bci, NULL, &buf);
    VkMemoryRequirements req;
    vkGetBufferMemoryRequirements(a->device, buf, &req);
    VkMemoryAllocateInfo mai = {.sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO,
                                .allocationSize = req.size,
                                .memoryTypeIndex = (uint32_t)memory_type(a, req.memoryTypeBits)};
    VkDeviceMemory mem;
    vkAllocateMemory(a->device, &mai, NULL, &mem);
    vkBindBufferMemory(a->device, buf, mem, 0);
    void *p;
    vkMapMemory(a->device, mem, 0, size, 0, &p);
    memcpy(p, texels, size);
    vkUnmapMemory(a->device, mem);
    VkCommandPoolCreateInfo pci = {.sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO,
                                   .queueFamilyIndex = a->family};
    VkCommandPool pool;
    vkCreateCommandPool(a->device, &pci, NULL, &pool);
    VkCommandBufferAllocateInfo ai = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO,
                                      .commandPool = pool,
                                      .level = VK_COMMAND_BUFFER_LEVEL_PRIMARY,
                                      .commandBufferCount = 1};
    VkCommandBuffer cb;
    vkAllocateCommandBuffers(a->device, &ai, &cb);
    VkCommandBufferBeginInfo bi = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
    vkBeginCommandBuffer(cb, &bi);
    VkImageSubresourceRange range = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1};
    VkImageMemoryBarrier to = {.sType = VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER,
                               .dstAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT,
                               .oldLayout = VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL,
                               .newLayout = VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL,
                               .srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
                               .dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
                               .image = image,
                               .subresourceRange = range};
    vkCmdPipelineBarrier(cb, VK_PIPELINE_STAGE_ALL_COMMANDS_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT, 0,
                         0, NULL, 0, NULL, 1, &to);
    for (int e = 0; e < 2; e++) {
        VkBufferImageCopy r = {.imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1},
                               .imageOffset = {e * ARF_EYE_W, 0, 0},
                               .imageExtent = {ARF_EYE_W, ARF_EYE_H, 1}};
        vkCmdCopyBufferToImage(cb, buf, image, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 1, &r);
    }
    VkImageMemoryBarrier back = to;
    back.srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
    back.dstAccessMask = VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT;
    back.oldLayout = VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL;
    back.newLayout = VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL;
    vkCmdPipelineBarrier(cb, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_ALL_COMMANDS_BIT, 0,
                         0, NULL, 0, NULL, 1, &back);
    vkEndCommandBuffer(cb);
    VkSubmitInfo si = {
        .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO, .commandBufferCount = 1, .pCommandBuffers = &cb};
    vkQueueSubmit(a->queue, 1, &si, VK_NULL_HANDLE);
    vkQueueWaitIdle(a->queue);
    vkDestroyCommandPool(a->device, pool, NULL);
    vkDestroyBuffer(a->device, buf, NULL);
    vkFreeMemory(a->device, mem, NULL);
}

// The capture with the highest frame number.
static bool newest_png(const char *dir, char *out, size_t size)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char best[256] = "";
    while (d && (e = readdir(d)))
        if (strstr(e->d_name, ".png") && strcmp(e->d_name, best) > 0)
            snprintf(best, sizeof best, "%s", e->d_name);
    if (d)
        closedir(d);
    snprintf(out, size, "%s/%s", dir, best);
    return best[0] != '\0';
}

bool arf_submit(tapp *a, XrSpace local, arf_frame *f)
{
    tapp_run_until(a, XR_SESSION_STATE_FOCUSED, 4);
    XrFrameState fs = {XR_TYPE_FRAME_STATE};
    if (xrWaitFrame(a->session, NULL, &fs) != XR_SUCCESS ||
        xrBeginFrame(a->session, NULL) != XR_SUCCESS)
        return false;
    uint32_t i;
    XrSwapchainImageWaitInfo wi = {XR_TYPE_SWAPCHAIN_IMAGE_WAIT_INFO, NULL, XR_INFINITE_DURATION};
    CHECK(xrAcquireSwapchainImage(g_sc, NULL, &i) == XR_SUCCESS);
    CHECK(xrWaitSwapchainImage(g_sc, &wi) == XR_SUCCESS);
    upload(a, g_imgs[i].image, &f->texels[0][0][0]);
    CHECK(xrReleaseSwapchainImage(g_sc, NULL) == XR_SUCCESS);
    XrCompositionLayerProjectionView v[2];
    for (int e = 0; e < 2; e++) {
        f->views[e] = (XrView){XR_TYPE_VIEW};
        f->views[e].pose.orientation.w = 1;
        f->views[e].fov = (XrFovf){-0.785398f, 0.785398f, 0.785398f, -0.785398f};
    }
    if (f->located_views) {
        XrViewLocateInfo li = {XR_TYPE_VIEW_LOCATE_INFO, NULL,
                               XR_VIEW_CONFIGURATION_TYPE_PRIMARY_STEREO, fs.predictedDisplayTime,
                               local};
        XrViewState vs = {XR_TYPE_VIEW_STATE};
        uint32_t n;
        CHECK(xrLocateViews(a->session, &li, &vs, 2, &n, f->views) == XR_SUCCESS);
    }
    for (int e = 0; e < 2; e++) {
        v[e] = (XrCompositionLayerProjectionView){XR_TYPE_COMPOSITION_LAYER_PROJECTION_VIEW};
        v[e].pose = f->views[e].pose;
        v[e].fov = f->views[e].fov;
        v[e].subImage.swapchain = g_sc;
        v[e].subImage.imageRect.offset.x = e * ARF_EYE_W;
        v[e].subImage.imageRect.extent = (XrExtent2Di){ARF_EYE_W, ARF_EYE_H};
    }
    XrCompositionLayerProjection proj = {XR_TYPE_COMPOSITION_LAYER_PROJECTION};
    proj.layerFlags = f->flags;
    proj.space = local;
    proj.viewCount = 2;
    proj.views = v;
    const XrCompositionLayerBaseHeader *layers[3];
    uint32_t n = 0;
    if (f->before)
        layers[n++] = f->before;
    layers[n++] = (const XrCompositionLayerBaseHeader *)&proj;
    if (f->after)
        layers[n++] = f->after;
    XrFrameEndInfo end = {
        XR_TYPE_FRAME_END_INFO, NULL, fs.predictedDisplayTime, f->blend, n, layers};
    XrResult r = xrEndFrame(a->session, &end);
    CHECK_MSG(r == XR_SUCCESS, "xrEndFrame %d", (int)r);
    char dir[300], png[600];
    snprintf(dir, sizeof dir, "%s/cap", a->dir);
    if (r != XR_SUCCESS || !newest_png(dir, png, sizeof png))
        return false;
    int c;
    f->png = stbi_load(png, &f->png_w, &f->png_h, &c, 3);
    return f->png && f->png_w == 2 * ARF_EYE_W && f->png_h == ARF_EYE_H;
}

const uint8_t *arf_px(const arf_frame *f, int eye, int x, int y)
{
    return f->png + ((size_t)y * (size_t)f->png_w + (size_t)(eye * ARF_EYE_W + x)) * 3;
}
