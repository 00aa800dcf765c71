// SPDX-License-Identifier: Apache-2.0
// Captures: both eyes read back from the right image, array layer and rect,
// written side by side as sRGB PNG whether the swapchain is sRGB or UNORM.
#include <dirent.h>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wsign-compare"
#define STB_IMAGE_IMPLEMENTATION
#include <stb_image.h>
#pragma GCC diagnostic pop

#include "stoa_test.h"
#include "xrsim_test_app.h"

// Clears one array layer of an acquired image (COLOR_ATTACHMENT_OPTIMAL in and out).
static void clear_layer(tapp *a, VkImage image, uint32_t layer, float r, float g, float b)
{
    VkCommandPool pool;
    VkCommandPoolCreateInfo pci = {.sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO,
                                   .queueFamilyIndex = a->family};
    vkCreateCommandPool(a->device, &pci, NULL, &pool);
    VkCommandBufferAllocateInfo ai = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO,
                                      .commandPool = pool,
                                      .level = VK_COMMAND_BUFFER_LEVEL_PRIMARY,
                                      .commandBufferCount = 1};
    VkCommandBuffer cb;
    vkAllocateCommandBuffers(a->device, &ai, &cb);
    VkCommandBufferBeginInfo bi = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
    vkBeginCommandBuffer(cb, &bi);
    VkImageSubresourceRange range = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, layer, 1};
    VkImageMemoryBarrier to = {.sType = VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER,
                               .dstAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT,
                               .oldLayout = VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL,
                               .newLayout = VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL,
                               .srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
                               .dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
                               .image = image,
                               .subresourceRange = range};
    vkCmdPipelineBarrier(cb, VK_PIPELINE_STAGE_ALL_COMMANDS_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT,
                         0, 0, NULL, 0, NULL, 1, &to);
    VkClearColorValue c = {.float32 = {r, g, b, 1}};
    vkCmdClearColorImage(cb, image, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, &c, 1, &range);
    VkImageMemoryBarrier back = to;
    back.srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
    back.dstAccessMask = VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT;
    back.oldLayout = VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL;
    back.newLayout = VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL;
    vkCmdPipelineBarrier(cb, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_ALL_COMMANDS_BIT,
                         0, 0, NULL, 0, NULL, 1, &back);
    vkEndCommandBuffer(cb);
    VkSubmitInfo si = {.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
                       .commandBufferCount = 1,
                       .pCommandBuffers = &cb};
    vkQueueSubmit(a->queue, 1, &si, VK_NULL_HANDLE);
    vkQueueWaitIdle(a->queue);
    vkDestroyCommandPool(a->device, pool, NULL);
}

static bool find_png(const char *dir, char *out, size_t size)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    bool found = false;
    while (d && (e = readdir(d)))
        if (strstr(e->d_name, ".png")) {
            snprintf(out, size, "%s/%s", dir, e->d_name);
            found = true;
        }
    if (d)
        closedir(d);
    return found;
}

// One frame: a swapchain (arraySize layers), eyes taken from layers or rects.
static void capture_one(int64_t format, bool multiview, unsigned char out_left[3],
                        unsigned char out_right[3], int *w, int *h)
{
    tapp a;
    tapp_env(&a, false);
    char cap[300];
    snprintf(cap, sizeof cap, "%s/cap", a.dir);
    setenv("STOA_XRSIM_CAPTURE", cap, 1);
    setenv("STOA_XRSIM_FRAMES", "1", 1);
    CHECK(tapp_create(&a) == XR_SUCCESS);
    CHECK(tapp_session(&a) == XR_SUCCESS);
    tapp_poll(&a);
    XrSessionBeginInfo bi = {XR_TYPE_SESSION_BEGIN_INFO};
    bi.primaryViewConfigurationType = XR_VIEW_CONFIGURATION_TYPE_PRIMARY_STEREO;
    CHECK(xrBeginSession(a.session, &bi) == XR_SUCCESS);
    XrSwapchainCreateInfo ci = {XR_TYPE_SWAPCHAIN_CREATE_INFO};
    ci.usageFlags = XR_SWAPCHAIN_USAGE_COLOR_ATTACHMENT_BIT | XR_SWAPCHAIN_USAGE_TRANSFER_DST_BIT;
    ci.format = format;
    ci.sampleCount = 1;
    ci.width = multiview ? 32 : 64;
    ci.height = 32;
    ci.faceCount = 1;
    ci.arraySize = multiview ? 2 : 1;
    ci.mipCount = 1;
    XrSwapchain sc;
    CHECK(xrCreateSwapchain(a.session, &ci, &sc) == XR_SUCCESS);
    XrSwapchainImageVulkanKHR imgs[3] = {{XR_TYPE_SWAPCHAIN_IMAGE_VULKAN_KHR},
                                         {XR_TYPE_SWAPCHAIN_IMAGE_VULKAN_KHR},
                                         {XR_TYPE_SWAPCHAIN_IMAGE_VULKAN_KHR}};
    uint32_t n;
    CHECK(xrEnumerateSwapchainImages(sc, 3, &n, (XrSwapchainImageBaseHeader *)imgs) == XR_SUCCESS);
    XrReferenceSpaceCreateInfo ri = {XR_TYPE_REFERENCE_SPACE_CREATE_INFO};
    ri.referenceSpaceType = XR_REFERENCE_SPACE_TYPE_LOCAL;
    ri.poseInReferenceSpace.orientation.w = 1;
    XrSpace local;
    CHECK(xrCreateReferenceSpace(a.session, &ri, &local) == XR_SUCCESS);
    tapp_run_until(&a, XR_SESSION_STATE_FOCUSED, 0); // poll only
    XrFrameState fs = {XR_TYPE_FRAME_STATE};
    CHECK(xrWaitFrame(a.session, NULL, &fs) == XR_SUCCESS);
    CHECK(xrBeginFrame(a.session, NULL) == XR_SUCCESS);
    uint32_t i;
    XrSwapchainImageWaitInfo wi = {XR_TYPE_SWAPCHAIN_IMAGE_WAIT_INFO, NULL, XR_INFINITE_DURATION};
    CHECK(xrAcquireSwapchainImage(sc, NULL, &i) == XR_SUCCESS);
    CHECK(xrWaitSwapchainImage(sc, &wi) == XR_SUCCESS);
    // Layer 0 linear 0.5 red; layer 1 (multiview) linear 0.2 green. With
    // rects, both eyes are halves of layer 0 and so both red.
    clear_layer(&a, imgs[i].image, 0, 0.5f, 0, 0);
    if (multiview)
        clear_layer(&a, imgs[i].image, 1, 0, 0.2f, 0);
    CHECK(xrReleaseSwapchainImage(sc, NULL) == XR_SUCCESS);
    XrCompositionLayerProjectionView v[2];
    for (int e = 0; e < 2; e++) {
        v[e] = (XrCompositionLayerProjectionView){XR_TYPE_COMPOSITION_LAYER_PROJECTION_VIEW};
        v[e].pose.orientation.w = 1;
        v[e].subImage.swapchain = sc;
        v[e].subImage.imageRect.extent = (XrExtent2Di){32, 32};
        v[e].subImage.imageRect.offset.x = multiview ? 0 : 32 * e;
        v[e].subImage.imageArrayIndex = multiview ? (uint32_t)e : 0;
    }
    XrCompositionLayerProjection layer = {XR_TYPE_COMPOSITION_LAYER_PROJECTION};
    layer.space = local;
    layer.viewCount = 2;
    layer.views = v;
    const XrCompositionLayerBaseHeader *layers[] = {(XrCompositionLayerBaseHeader *)&layer};
    XrFrameEndInfo end = {XR_TYPE_FRAME_END_INFO, NULL, fs.predictedDisplayTime,
                          XR_ENVIRONMENT_BLEND_MODE_OPAQUE, 1, layers};
    CHECK(xrEndFrame(a.session, &end) == XR_SUCCESS);
    char png[600];
    CHECK(find_png(cap, png, sizeof png));
    CHECK_CONTAINS(png, "frame_000001_");
    int c;
    unsigned char *px = stbi_load(png, w, h, &c, 3);
    CHECK(px != NULL);
    if (px) {
        memcpy(out_left, px + ((size_t)16 * *w + 16) * 3, 3);
        memcpy(out_right, px + ((size_t)16 * *w + 48) * 3, 3);
        stbi_image_free(px);
    }
    tapp_destroy(&a);
}

STOA_TEST(capture_multiview_unorm_is_encoded_to_srgb)
{
    unsigned char l[3] = {0}, r[3] = {0};
    int w = 0, h = 0;
    capture_one(VK_FORMAT_R8G8B8A8_UNORM, true, l, r, &w, &h);
    CHECK(w == 64 && h == 32);
    // Linear 0.5 stored as 128 in UNORM shows as sRGB 188; 0.2 (51) as 124.
    CHECK_MSG(abs(l[0] - 188) <= 1 && l[1] == 0 && l[2] == 0, "left %d %d %d", l[0], l[1], l[2]);
    CHECK_MSG(r[0] == 0 && abs(r[1] - 124) <= 1 && r[2] == 0, "right %d %d %d", r[0], r[1], r[2]);
}

STOA_TEST(capture_srgb_rects_side_by_side)
{
    unsigned char l[3] = {0}, r[3] = {0};
    int w = 0, h = 0;
    capture_one(VK_FORMAT_B8G8R8A8_SRGB, false, l, r, &w, &h);
    CHECK(w == 64 && h == 32);
    // sRGB swapchains hold encoded values: linear 0.5 is stored and shown as 188.
    CHECK_MSG(abs(l[0] - 188) <= 1 && l[1] == 0 && l[2] == 0, "left %d %d %d", l[0], l[1], l[2]);
    CHECK_MSG(abs(r[0] - 188) <= 1 && r[1] == 0 && r[2] == 0, "right %d %d %d", r[0], r[1], r[2]);
}

static XrSwapchain make_swapchain(tapp *a, int64_t format, XrSwapchainUsageFlags usage)
{
    XrSwapchainCreateInfo ci = {XR_TYPE_SWAPCHAIN_CREATE_INFO};
    ci.usageFlags = usage;
    ci.format = format;
    ci.sampleCount = 1;
    ci.width = 32;
    ci.height = 32;
    ci.faceCount = 1;
    ci.arraySize = 1;
    ci.mipCount = 1;
    XrSwapchain sc = XR_NULL_HANDLE;
    CHECK(xrCreateSwapchain(a->session, &ci, &sc) == XR_SUCCESS);
    uint32_t i;
    XrSwapchainImageWaitInfo wi = {XR_TYPE_SWAPCHAIN_IMAGE_WAIT_INFO, NULL, XR_INFINITE_DURATION};
    CHECK(xrAcquireSwapchainImage(sc, NULL, &i) == XR_SUCCESS);
    CHECK(xrWaitSwapchainImage(sc, &wi) == XR_SUCCESS);
    CHECK(xrReleaseSwapchainImage(sc, NULL) == XR_SUCCESS);
    return sc;
}

STOA_TEST(depth_info_and_quad_layers)
{
    tapp a;
    tapp_env(&a, true);
    CHECK(tapp_create(&a) == XR_SUCCESS);
    CHECK(tapp_session(&a) == XR_SUCCESS);
    tapp_poll(&a);
    XrSessionBeginInfo bi = {XR_TYPE_SESSION_BEGIN_INFO};
    bi.primaryViewConfigurationType = XR_VIEW_CONFIGURATION_TYPE_PRIMARY_STEREO;
    CHECK(xrBeginSession(a.session, &bi) == XR_SUCCESS);
    XrSwapchain colour = make_swapchain(&a, VK_FORMAT_R8G8B8A8_SRGB,
                                        XR_SWAPCHAIN_USAGE_COLOR_ATTACHMENT_BIT);
    XrSwapchain depth = make_swapchain(&a, VK_FORMAT_D32_SFLOAT,
                                       XR_SWAPCHAIN_USAGE_DEPTH_STENCIL_ATTACHMENT_BIT);
    XrSwapchain d16 = make_swapchain(&a, VK_FORMAT_D16_UNORM,
                                     XR_SWAPCHAIN_USAGE_DEPTH_STENCIL_ATTACHMENT_BIT |
                                         XR_SWAPCHAIN_USAGE_SAMPLED_BIT);
    (void)d16;
    XrReferenceSpaceCreateInfo ri = {XR_TYPE_REFERENCE_SPACE_CREATE_INFO};
    ri.referenceSpaceType = XR_REFERENCE_SPACE_TYPE_STAGE;
    ri.poseInReferenceSpace.orientation.w = 1;
    XrSpace stage;
    CHECK(xrCreateReferenceSpace(a.session, &ri, &stage) == XR_SUCCESS);
    XrCompositionLayerDepthInfoKHR di[2];
    XrCompositionLayerProjectionView v[2];
    for (int e = 0; e < 2; e++) {
        di[e] = (XrCompositionLayerDepthInfoKHR){XR_TYPE_COMPOSITION_LAYER_DEPTH_INFO_KHR};
        di[e].subImage.swapchain = depth;
        di[e].subImage.imageRect.extent = (XrExtent2Di){32, 32};
        di[e].minDepth = 0;
        di[e].maxDepth = 1;
        di[e].nearZ = 0.05f;
        di[e].farZ = 100;
        v[e] = (XrCompositionLayerProjectionView){XR_TYPE_COMPOSITION_LAYER_PROJECTION_VIEW, &di[e]};
        v[e].pose.orientation.w = 1;
        v[e].subImage.swapchain = colour;
        v[e].subImage.imageRect.extent = (XrExtent2Di){32, 32};
    }
    XrCompositionLayerProjection proj = {XR_TYPE_COMPOSITION_LAYER_PROJECTION};
    proj.space = stage;
    proj.viewCount = 2;
    proj.views = v;
    XrCompositionLayerQuad quad = {XR_TYPE_COMPOSITION_LAYER_QUAD};
    quad.space = stage;
    quad.eyeVisibility = XR_EYE_VISIBILITY_BOTH;
    quad.subImage = v[0].subImage;
    quad.pose = (XrPosef){{0, 0, 0, 1}, {0, 1.5f, -1}};
    quad.size = (XrExtent2Df){0.5f, 0.5f};
    const XrCompositionLayerBaseHeader *layers[] = {(XrCompositionLayerBaseHeader *)&proj,
                                                    (XrCompositionLayerBaseHeader *)&quad};
    XrFrameState fs = {XR_TYPE_FRAME_STATE};
    CHECK(xrWaitFrame(a.session, NULL, &fs) == XR_SUCCESS);
    CHECK(xrBeginFrame(a.session, NULL) == XR_SUCCESS);
    XrFrameEndInfo end = {XR_TYPE_FRAME_END_INFO, NULL, fs.predictedDisplayTime,
                          XR_ENVIRONMENT_BLEND_MODE_OPAQUE, 2, layers};
    di[1].maxDepth = 0; // an empty depth range is refused
    CHECK(xrEndFrame(a.session, &end) == XR_ERROR_VALIDATION_FAILURE);
    di[1].maxDepth = 1;
    quad.size.width = -1; // not a size
    CHECK(xrEndFrame(a.session, &end) == XR_ERROR_VALIDATION_FAILURE);
    // Spec §10.5.4 (XrCompositionLayerQuad): a quad of size {0, 0} is valid
    // and shows nothing; the conformance suite submits one.
    quad.size = (XrExtent2Df){0, 0};
    CHECK(xrEndFrame(a.session, &end) == XR_SUCCESS);
    tapp_destroy(&a);
    cJSON *s = tapp_summary(&a);
    cJSON *lpf = cJSON_GetObjectItem(cJSON_GetObjectItem(s, "frames"), "layers_per_frame");
    CHECK(cJSON_GetNumberValue(cJSON_GetObjectItem(lpf, "2")) == 1);
    cJSON_Delete(s);
}

STOA_TEST_MAIN()
