// SPDX-License-Identifier: Apache-2.0
// Stereo swapchains (one colour and one depth swapchain of two array layers)
// and the frame: xrWaitFrame, xrBeginFrame, render, xrEndFrame.
#include <cglm/cglm.h>
#include <string.h>
#include <time.h>

#include "core/stoa_clock.h"
#include "xr_internal.h"

static const int64_t g_color_formats[] = {VK_FORMAT_R8G8B8A8_SRGB, VK_FORMAT_B8G8R8A8_SRGB,
                                          VK_FORMAT_R8G8B8A8_UNORM, VK_FORMAT_B8G8R8A8_UNORM};
static const int64_t g_depth_formats[] = {VK_FORMAT_D32_SFLOAT, VK_FORMAT_D24_UNORM_S8_UINT,
                                          VK_FORMAT_D16_UNORM};

static int64_t pick(const int64_t *have, uint32_t n, const int64_t *want, uint32_t wn)
{
    for (uint32_t w = 0; w < wn; w++)
        for (uint32_t i = 0; i < n; i++)
            if (have[i] == want[w])
                return want[w];
    return 0;
}

static stoa_result make_swapchain(stoa_xr *xr, int64_t format, XrSwapchainUsageFlags usage,
                                  xr_swapchain *out, stoa_error *err)
{
    XrSwapchainCreateInfo ci = {XR_TYPE_SWAPCHAIN_CREATE_INFO};
    ci.usageFlags = usage;
    ci.format = format;
    ci.sampleCount = 1;
    ci.width = xr->view_config[0].recommendedImageRectWidth;
    ci.height = xr->view_config[0].recommendedImageRectHeight;
    ci.faceCount = 1;
    ci.arraySize = 2;
    ci.mipCount = 1;
    XR_CHECK(xr, xrCreateSwapchain(xr->session, &ci, &out->handle));
    out->format = format;
    XrSwapchainImageVulkanKHR imgs[XR_MAX_IMAGES];
    for (int i = 0; i < XR_MAX_IMAGES; i++)
        imgs[i] = (XrSwapchainImageVulkanKHR){XR_TYPE_SWAPCHAIN_IMAGE_VULKAN_KHR};
    XR_CHECK(xr, xrEnumerateSwapchainImages(out->handle, XR_MAX_IMAGES, &out->image_count,
                                            (XrSwapchainImageBaseHeader *)imgs));
    for (uint32_t i = 0; i < out->image_count; i++)
        out->images[i] = imgs[i].image;
    return STOA_OK;
}

static stoa_result make_commands(stoa_xr *xr, stoa_error *err)
{
    const stoa_gfx_device_handles *vk = stoa_gfx_device_get_handles(xr->device);
    VkCommandPoolCreateInfo pi = {VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO, NULL,
                                  VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT,
                                  vk->queue_family};
    XR_VK(vkCreateCommandPool(vk->device, &pi, NULL, &xr->pool));
    VkCommandBufferAllocateInfo ai = {VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO, NULL,
                                      xr->pool, VK_COMMAND_BUFFER_LEVEL_PRIMARY, 2};
    XR_VK(vkAllocateCommandBuffers(vk->device, &ai, xr->cmd));
    VkFenceCreateInfo fi = {VK_STRUCTURE_TYPE_FENCE_CREATE_INFO, NULL, VK_FENCE_CREATE_SIGNALED_BIT};
    for (int i = 0; i < 2; i++)
        XR_VK(vkCreateFence(vk->device, &fi, NULL, &xr->fence[i]));
    return STOA_OK;
}

stoa_result xr_swapchains_create(stoa_xr *xr, stoa_error *err)
{
    int64_t formats[64];
    uint32_t n = 0;
    XR_CHECK(xr, xrEnumerateSwapchainFormats(xr->session, 64, &n, formats));
    int64_t color = pick(formats, n, g_color_formats, 4);
    if (!color)
        return stoa_error_set(err, STOA_ERROR_UNSUPPORTED,
                              "the runtime offers no 8-bit RGBA swapchain format");
    bool msaa = xr->desc.msaa > 1;
    int64_t depth = xr->has_depth_layer && !msaa ? pick(formats, n, g_depth_formats, 3) : 0;
    stoa_result r = make_swapchain(xr, color,
                                   XR_SWAPCHAIN_USAGE_COLOR_ATTACHMENT_BIT |
                                       XR_SWAPCHAIN_USAGE_TRANSFER_SRC_BIT,
                                   &xr->color, err);
    if (r >= 0 && depth)
        r = make_swapchain(xr, depth, XR_SWAPCHAIN_USAGE_DEPTH_STENCIL_ATTACHMENT_BIT, &xr->depth,
                           err);
    if (r < 0)
        return r;
    if (depth && xr->depth.image_count != xr->color.image_count) {
        // gfx pairs colour and depth image i; unequal counts: keep our own depth.
        xrDestroySwapchain(xr->depth.handle);
        memset(&xr->depth, 0, sizeof xr->depth);
    }
    stoa_gfx_target_desc td = {
        .width = xr->view_config[0].recommendedImageRectWidth,
        .height = xr->view_config[0].recommendedImageRectHeight,
        .layers = 2,
        .color_format = (VkFormat)color,
        .depth_format = xr->depth.handle ? (VkFormat)xr->depth.format : 0,
        .samples = msaa ? xr->desc.msaa : 1,
        .image_count = xr->color.image_count,
        .color_images = xr->color.images,
        .depth_images = xr->depth.handle ? xr->depth.images : NULL,
        .initial_layout = VK_IMAGE_LAYOUT_UNDEFINED,
        // OpenXR wants images back in the layout they were acquired in.
        .final_layout = VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL,
        .keep_contents = true, // panels and lasers are drawn over the scene
    };
    r = stoa_gfx_target_create(xr->renderer, &td, &xr->target, err);
    if (r < 0)
        return r;
    return xr->pool ? STOA_OK : make_commands(xr, err);
}

void xr_swapchains_destroy(stoa_xr *xr)
{
    stoa_gfx_target_destroy(&xr->target);
    if (xr->depth.handle)
        xrDestroySwapchain(xr->depth.handle);
    if (xr->color.handle)
        xrDestroySwapchain(xr->color.handle);
    memset(&xr->depth, 0, sizeof xr->depth);
    memset(&xr->color, 0, sizeof xr->color);
    xr->rendered_once = false;
    if (xr->pool && xr->device) {
        VkDevice dev = stoa_gfx_device_get_handles(xr->device)->device;
        for (int i = 1; i >= 0; i--)
            if (xr->fence[i])
                vkDestroyFence(dev, xr->fence[i], NULL);
        vkDestroyCommandPool(dev, xr->pool, NULL);
        memset(xr->fence, 0, sizeof xr->fence);
        memset(xr->cmd, 0, sizeof xr->cmd);
        xr->pool = VK_NULL_HANDLE;
    }
}

static stoa_result locate(stoa_xr *xr, stoa_xr_frame *frame, stoa_error *err);

stoa_result stoa_xr_begin_frame(stoa_xr *xr, stoa_xr_frame *frame, stoa_error *err)
{
    memset(frame, 0, sizeof *frame);
    XrFrameWaitInfo wi = {XR_TYPE_FRAME_WAIT_INFO};
    xr->frame_state = (XrFrameState){XR_TYPE_FRAME_STATE};
    XrResult xres = xrWaitFrame(xr->session, &wi, &xr->frame_state);
    if (xres == XR_ERROR_SESSION_LOST)
        return xr_session_lost(xr);
    XR_CHECK(xr, xres);
    XrFrameBeginInfo bi = {XR_TYPE_FRAME_BEGIN_INFO};
    xres = xrBeginFrame(xr->session, &bi);
    if (xres == XR_ERROR_SESSION_LOST)
        return xr_session_lost(xr);
    XR_CHECK(xr, xres);
    stoa_result r = locate(xr, frame, err);
    if (r < 0) {
        // The frame was begun: end it empty so the next xrWaitFrame is in order.
        XrFrameEndInfo ei = {XR_TYPE_FRAME_END_INFO};
        ei.displayTime = xr->frame_state.predictedDisplayTime;
        ei.environmentBlendMode = xr->blend.mode;
        XrResult er = xrEndFrame(xr->session, &ei);
        if (er == XR_ERROR_SESSION_LOST || r == STOA_ERROR_SESSION_LOST)
            return xr_session_lost(xr);
    }
    return r;
}

// Poses, views and input for the frame just begun.
static stoa_result locate(stoa_xr *xr, stoa_xr_frame *frame, stoa_error *err)
{
    frame->index = ++xr->frames_begun;
    frame->should_render = xr->frame_state.shouldRender;
    frame->display_time_ns = xr->frame_state.predictedDisplayTime;
    frame->display_period_ns = xr->frame_state.predictedDisplayPeriod;
    XrTime t = xr->frame_state.predictedDisplayTime;

    XrViewLocateInfo li = {XR_TYPE_VIEW_LOCATE_INFO};
    li.viewConfigurationType = XR_VIEW_CONFIGURATION_TYPE_PRIMARY_STEREO;
    li.displayTime = t;
    li.space = xr->app_space;
    XrViewState vs = {XR_TYPE_VIEW_STATE};
    uint32_t n = 0;
    xr->views[0] = xr->views[1] = (XrView){XR_TYPE_VIEW};
    XR_CHECK(xr, xrLocateViews(xr->session, &li, &vs, 2, &n, xr->views));
    bool views_ok = (vs.viewStateFlags & XR_VIEW_STATE_POSITION_VALID_BIT) &&
                    (vs.viewStateFlags & XR_VIEW_STATE_ORIENTATION_VALID_BIT);
    for (int e = 0; e < 2; e++) {
        xr_pose_from(&xr->views[e].pose, views_ok, &frame->eyes[e]);
        frame->fov[e][0] = xr->views[e].fov.angleLeft;
        frame->fov[e][1] = xr->views[e].fov.angleRight;
        frame->fov[e][2] = xr->views[e].fov.angleUp;
        frame->fov[e][3] = xr->views[e].fov.angleDown;
    }
    if (!views_ok)
        frame->should_render = false; // nothing sensible to draw
    XrSpaceLocation loc = {XR_TYPE_SPACE_LOCATION};
    if (XR_SUCCEEDED(xrLocateSpace(xr->view_space, xr->app_space, t, &loc)))
        xr_pose_from(&loc.pose,
                     (loc.locationFlags & XR_SPACE_LOCATION_POSITION_VALID_BIT) &&
                         (loc.locationFlags & XR_SPACE_LOCATION_ORIENTATION_VALID_BIT),
                     &frame->head);
    stoa_result r = xr_actions_sync(xr, t, frame, err);
    if (r >= 0)
        xr_actions_profiles(xr, frame);
    return r;
}

static void eye_view(const stoa_xr *xr, int eye, stoa_gfx_view *out)
{
    const XrPosef *p = &xr->views[eye].pose;
    versor q = {p->orientation.x, p->orientation.y, p->orientation.z, p->orientation.w};
    mat4 tracking_from_eye, world_from_eye, world_from_tracking;
    glm_quat_mat4(q, tracking_from_eye);
    tracking_from_eye[3][0] = p->position.x;
    tracking_from_eye[3][1] = p->position.y;
    tracking_from_eye[3][2] = p->position.z;
    memcpy(world_from_tracking, xr->world_from_tracking, sizeof world_from_tracking);
    glm_mat4_mul(world_from_tracking, tracking_from_eye, world_from_eye);
    mat4 view;
    glm_mat4_inv(world_from_eye, view);
    memcpy(out->view, view, sizeof view);
    const XrFovf *f = &xr->views[eye].fov;
    stoa_gfx_projection_fov(f->angleLeft, f->angleRight, f->angleUp, f->angleDown, 0.05f, 0.0f,
                            out->projection);
}

static stoa_result acquire(stoa_xr *xr, XrSwapchain sc, uint32_t *index, stoa_error *err)
{
    XrSwapchainImageAcquireInfo ai = {XR_TYPE_SWAPCHAIN_IMAGE_ACQUIRE_INFO};
    XR_CHECK(xr, xrAcquireSwapchainImage(sc, &ai, index));
    XrSwapchainImageWaitInfo wi = {XR_TYPE_SWAPCHAIN_IMAGE_WAIT_INFO};
    wi.timeout = XR_INFINITE_DURATION;
    XR_CHECK(xr, xrWaitSwapchainImage(sc, &wi));
    return STOA_OK;
}

static stoa_result release(stoa_xr *xr, XrSwapchain sc, stoa_error *err)
{
    XrSwapchainImageReleaseInfo ri = {XR_TYPE_SWAPCHAIN_IMAGE_RELEASE_INFO};
    XR_CHECK(xr, xrReleaseSwapchainImage(sc, &ri));
    return STOA_OK;
}

// Records the draws into this slot's command buffer and submits it.
static stoa_result record_submit(stoa_xr *xr, uint32_t idx, const stoa_xr_draw *draws,
                                 uint32_t draw_count, stoa_error *err)
{
    const stoa_gfx_device_handles *vk = stoa_gfx_device_get_handles(xr->device);
    uint32_t slot = xr->frame_slot;
    xr->frame_slot ^= 1;
    // The frame two back used this slot: a wait on its own fence, never on
    // the whole device. It has normally finished long ago.
    XR_VK(vkWaitForFences(vk->device, 1, &xr->fence[slot], VK_TRUE, UINT64_MAX));
    VkCommandBuffer cmd = xr->cmd[slot];
    XR_VK(vkResetCommandBuffer(cmd, 0));
    VkCommandBufferBeginInfo bi = {VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO, NULL,
                                   VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT, NULL};
    XR_VK(vkBeginCommandBuffer(cmd, &bi));
    stoa_gfx_view views[2];
    eye_view(xr, 0, &views[0]);
    eye_view(xr, 1, &views[1]);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    double c0 = stoa_thread_cpu_seconds();
    stoa_gfx_begin_frame(xr->renderer);
    stoa_result r = STOA_OK;
    for (uint32_t d = 0; d < draw_count && r >= 0; d++) {
        if (!draws[d].scene)
            continue;
        stoa_gfx_render_options opt = draws[d].options;
        if (opt.stereo == STOA_GFX_STEREO_AUTO)
            opt.stereo = xr->desc.stereo;
        opt.no_clear = d > 0;
        r = stoa_gfx_render(xr->renderer, cmd, xr->target, idx, views, 2, draws[d].scene,
                            draws[d].pose, &opt, err);
    }
    if (xr->mirror && r >= 0)
        xr->mirror(xr->mirror_user, cmd, xr->color.images[idx],
                   xr->view_config[0].recommendedImageRectWidth,
                   xr->view_config[0].recommendedImageRectHeight, (VkFormat)xr->color.format);
    if (xr->tap && r >= 0)
        xr->tap(xr->tap_user, cmd, xr->color.images[idx], xr->view_config[0].recommendedImageRectWidth,
                xr->view_config[0].recommendedImageRectHeight, (VkFormat)xr->color.format);
    XR_VK(vkEndCommandBuffer(cmd));
    clock_gettime(CLOCK_MONOTONIC, &t1);
    xr->record_us = (double)(t1.tv_sec - t0.tv_sec) * 1e6 + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-3;
    xr->record_cpu_us = (stoa_thread_cpu_seconds() - c0) * 1e6;
    if (r < 0)
        return r; // nothing submitted: the fence stays signalled for the next use
    XR_VK(vkResetFences(vk->device, 1, &xr->fence[slot]));
    VkSubmitInfo si = {VK_STRUCTURE_TYPE_SUBMIT_INFO};
    si.commandBufferCount = 1;
    si.pCommandBuffers = &cmd;
    stoa_result sr = stoa_gfx_vk_result(
        stoa_gfx_fault_device_lost() ? VK_ERROR_DEVICE_LOST // a test's fault (gfx_fault.c)
                                     : vkQueueSubmit(vk->queue, 1, &si, xr->fence[slot]),
        "vkQueueSubmit", err);
    if (sr < 0) {
        // Leave the fence signalled so that the next wait on it returns.
        VkSubmitInfo empty = {VK_STRUCTURE_TYPE_SUBMIT_INFO};
        vkQueueSubmit(vk->queue, 1, &empty, xr->fence[slot]);
    }
    return sr;
}

stoa_result xr_render_views(stoa_xr *xr, const stoa_xr_draw *draws, uint32_t draw_count,
                            stoa_error *err)
{
    uint32_t idx = 0, didx = 0;
    stoa_result r = acquire(xr, xr->color.handle, &idx, err);
    if (r < 0)
        return r;
    if (xr->depth.handle && (r = acquire(xr, xr->depth.handle, &didx, err)) < 0) {
        release(xr, xr->color.handle, &(stoa_error){0});
        return r;
    }
    r = record_submit(xr, idx, draws, draw_count, err);
    // Release even after a failure so the swapchain stays usable.
    stoa_error rerr = {0};
    stoa_result rr = release(xr, xr->color.handle, &rerr);
    if (xr->depth.handle) {
        stoa_result rd = release(xr, xr->depth.handle, &rerr);
        rr = rr < 0 ? rr : rd;
    }
    xr->last_image = idx;
    xr->rendered_once = r >= 0;
    if (r >= 0 && rr < 0) {
        *err = rerr;
        return rr;
    }
    return r;
}

stoa_result stoa_xr_end_frame(stoa_xr *xr, const stoa_xr_frame *frame, const stoa_xr_draw *draws,
                              uint32_t draw_count, stoa_error *err)
{
    XrCompositionLayerProjectionView pv[2];
    XrCompositionLayerDepthInfoKHR depth[2];
    XrCompositionLayerProjection layer = {XR_TYPE_COMPOSITION_LAYER_PROJECTION};
    XrCompositionLayerPassthroughFB passthrough;
    const XrCompositionLayerBaseHeader *layers[2];
    XrFrameEndInfo ei = {XR_TYPE_FRAME_END_INFO};
    ei.displayTime = xr->frame_state.predictedDisplayTime;
    // The mode the caller chose (xr_blend.c; OPAQUE unless asked otherwise).
    ei.environmentBlendMode = xr->blend.mode;
    if (frame->should_render) {
        stoa_result r = xr_render_views(xr, draws, draw_count, err);
        if (r == STOA_ERROR_SESSION_LOST)
            return xr_session_lost(xr);
        if (r < 0) {
            // Keep the frame loop balanced: the frame ends with no layer.
            XrResult er = xrEndFrame(xr->session, &ei);
            if (er == XR_ERROR_SESSION_LOST)
                return xr_session_lost(xr);
            return r;
        }
        int32_t w = (int32_t)xr->view_config[0].recommendedImageRectWidth;
        int32_t h = (int32_t)xr->view_config[0].recommendedImageRectHeight;
        for (uint32_t e = 0; e < 2; e++) {
            pv[e] = (XrCompositionLayerProjectionView){XR_TYPE_COMPOSITION_LAYER_PROJECTION_VIEW};
            // The compositor reprojects from the pose the eye was rendered
            // with: the views in the tracking space, not the world.
            pv[e].pose = xr->views[e].pose;
            pv[e].fov = xr->views[e].fov;
            pv[e].subImage.swapchain = xr->color.handle;
            pv[e].subImage.imageRect.extent = (XrExtent2Di){w, h};
            pv[e].subImage.imageArrayIndex = e;
            if (xr->depth.handle) {
                depth[e] = (XrCompositionLayerDepthInfoKHR){XR_TYPE_COMPOSITION_LAYER_DEPTH_INFO_KHR};
                depth[e].subImage.swapchain = xr->depth.handle;
                depth[e].subImage.imageRect.extent = (XrExtent2Di){w, h};
                depth[e].subImage.imageArrayIndex = e;
                depth[e].minDepth = 0.0f;
                depth[e].maxDepth = 1.0f;
                depth[e].nearZ = 0.05f;
                depth[e].farZ = 1e30f; // infinite far plane in the projection
                pv[e].next = &depth[e];
            }
        }
        layer.space = xr->app_space;
        layer.viewCount = 2;
        layer.views = pv;
        // Alpha for the room behind (premultiplied), in AR modes.
        layer.layerFlags = xr_blend_projection_flags(xr);
        uint32_t n = xr_blend_under_layers(xr, &passthrough);
        if (n)
            layers[0] = (const void *)&passthrough;
        layers[n] = (const void *)&layer;
        ei.layerCount = n + 1;
        ei.layers = layers;
    }
    XrResult xres = xrEndFrame(xr->session, &ei);
    if (xres == XR_ERROR_SESSION_LOST)
        return xr_session_lost(xr);
    XR_CHECK(xr, xres);
    return STOA_OK;
}

void stoa_xr_set_mirror(stoa_xr *xr, stoa_xr_mirror_fn fn, void *user)
{
    xr->mirror = fn;
    xr->mirror_user = user;
}

void stoa_xr_set_tap(stoa_xr *xr, stoa_xr_mirror_fn fn, void *user)
{
    xr->tap = fn;
    xr->tap_user = user;
}

stoa_result stoa_xr_prepare(stoa_xr *xr, const stoa_gfx_scene *scene, bool over,
                            stoa_error *err)
{
    if (!xr->target || !scene)
        return STOA_OK;
    return stoa_gfx_prepare(xr->renderer, xr->target, scene, xr->desc.stereo, over, err);
}

stoa_result stoa_xr_pass_info(stoa_xr *xr, bool over, stoa_gfx_pass_info *out, stoa_error *err)
{
    *out = (stoa_gfx_pass_info){0};
    if (!xr->target)
        return STOA_OK;
    return stoa_gfx_target_pass_info(xr->renderer, xr->target, xr->desc.stereo, over, out, err);
}

double stoa_xr_last_record_us(const stoa_xr *xr)
{
    return xr->record_us;
}

double stoa_xr_last_record_cpu_us(const stoa_xr *xr)
{
    return xr->record_cpu_us;
}

stoa_gfx_target *stoa_xr_last_target(stoa_xr *xr, uint32_t *out_image_index)
{
    if (out_image_index)
        *out_image_index = xr->last_image;
    return xr->rendered_once ? xr->target : NULL;
}
