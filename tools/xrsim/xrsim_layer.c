// SPDX-License-Identifier: Apache-2.0
// Validation of the composition layers handed to xrEndFrame: projection
// (with optional XR_KHR_composition_layer_depth info) and quad layers.
#include <math.h>

#include "xrsim_api.h"

static const char *k_fn = "xrEndFrame";

static XrResult check_sub_image(xrsim_session *s, const XrSwapchainSubImage *sub)
{
    xrsim_instance *inst = s->instance;
    if (!xrsim_handle_live(sub->swapchain, XRSIM_SWAPCHAIN))
        return xrsim_app_error(inst, k_fn, XR_ERROR_HANDLE_INVALID, "layer swapchain is invalid");
    const xrsim_swapchain *sc = (const xrsim_swapchain *)sub->swapchain;
    if (sc->session != s)
        return xrsim_app_error(inst, k_fn, XR_ERROR_HANDLE_INVALID,
                               "layer swapchain belongs to another session");
    if (sc->last_released < 0)
        return xrsim_app_error(inst, k_fn, XR_ERROR_LAYER_INVALID,
                               "layer swapchain has no released image");
    if (sub->imageArrayIndex >= sc->info.arraySize)
        return xrsim_app_error(inst, k_fn, XR_ERROR_VALIDATION_FAILURE,
                               "imageArrayIndex beyond the swapchain's arraySize");
    const XrRect2Di *r = &sub->imageRect;
    if (r->offset.x < 0 || r->offset.y < 0 || r->extent.width <= 0 || r->extent.height <= 0 ||
        (uint32_t)(r->offset.x + r->extent.width) > sc->info.width ||
        (uint32_t)(r->offset.y + r->extent.height) > sc->info.height)
        return xrsim_app_error(inst, k_fn, XR_ERROR_SWAPCHAIN_RECT_INVALID,
                               "imageRect outside the swapchain image");
    return XR_SUCCESS;
}

static bool pose_ok(const XrPosef *p)
{
    const XrQuaternionf *q = &p->orientation;
    float n = q->x * q->x + q->y * q->y + q->z * q->z + q->w * q->w;
    return fabsf(n - 1.0f) < 0.01f;
}

static XrResult check_space(xrsim_session *s, XrSpace space)
{
    if (!xrsim_handle_live(space, XRSIM_SPACE) || ((xrsim_space *)space)->session != s)
        return xrsim_app_error(s->instance, k_fn, XR_ERROR_HANDLE_INVALID, "layer space invalid");
    return XR_SUCCESS;
}

static XrResult check_depth(xrsim_session *s, const XrCompositionLayerProjectionView *v)
{
    for (const XrBaseInStructure *n = v->next; n; n = n->next) {
        if (n->type != XR_TYPE_COMPOSITION_LAYER_DEPTH_INFO_KHR)
            continue;
        const XrCompositionLayerDepthInfoKHR *d = (const XrCompositionLayerDepthInfoKHR *)n;
        XrResult r = check_sub_image(s, &d->subImage);
        if (r != XR_SUCCESS)
            return r;
        if (d->minDepth < 0 || d->maxDepth > 1 || d->minDepth >= d->maxDepth ||
            d->nearZ == d->farZ)
            return xrsim_app_error(s->instance, k_fn, XR_ERROR_VALIDATION_FAILURE,
                                   "depth info range invalid");
    }
    return XR_SUCCESS;
}

static XrResult check_projection(xrsim_session *s, const XrCompositionLayerProjection *p)
{
    XrResult r = check_space(s, p->space);
    if (r != XR_SUCCESS)
        return r;
    if (p->viewCount != 2 || !p->views)
        return xrsim_app_error(s->instance, k_fn, XR_ERROR_VALIDATION_FAILURE,
                               "projection layer needs 2 views for PRIMARY_STEREO");
    for (uint32_t i = 0; i < 2; i++) {
        const XrCompositionLayerProjectionView *v = &p->views[i];
        if (v->type != XR_TYPE_COMPOSITION_LAYER_PROJECTION_VIEW)
            return xrsim_app_error(s->instance, k_fn, XR_ERROR_VALIDATION_FAILURE,
                                   "bad XrCompositionLayerProjectionView");
        if (!pose_ok(&v->pose))
            return xrsim_app_error(s->instance, k_fn, XR_ERROR_POSE_INVALID, "view pose");
        r = check_sub_image(s, &v->subImage);
        if (r == XR_SUCCESS)
            r = check_depth(s, v);
        if (r != XR_SUCCESS)
            return r;
    }
    return XR_SUCCESS;
}

static XrResult check_quad(xrsim_session *s, const XrCompositionLayerQuad *q)
{
    XrResult r = check_space(s, q->space);
    if (r != XR_SUCCESS)
        return r;
    if (!pose_ok(&q->pose))
        return xrsim_app_error(s->instance, k_fn, XR_ERROR_POSE_INVALID, "quad pose");
    // A quad of size 0 is valid (spec §10.5.4: it shows nothing); a
    // negative or NaN size is not a size.
    if (q->eyeVisibility > XR_EYE_VISIBILITY_RIGHT || !(q->size.width >= 0) ||
        !(q->size.height >= 0))
        return xrsim_app_error(s->instance, k_fn, XR_ERROR_VALIDATION_FAILURE,
                               "quad size or eye visibility invalid");
    return check_sub_image(s, &q->subImage);
}

XrResult xrsim_layer_check(xrsim_session *s, const XrCompositionLayerBaseHeader *l)
{
    if (!l)
        return xrsim_app_error(s->instance, k_fn, XR_ERROR_LAYER_INVALID, "NULL layer");
    switch (l->type) {
    case XR_TYPE_COMPOSITION_LAYER_PROJECTION:
        return check_projection(s, (const XrCompositionLayerProjection *)l);
    case XR_TYPE_COMPOSITION_LAYER_QUAD:
        return check_quad(s, (const XrCompositionLayerQuad *)l);
    default:
        return xrsim_app_error(s->instance, k_fn, XR_ERROR_LAYER_INVALID,
                               "layer type not supported (projection and quad only)");
    }
}
