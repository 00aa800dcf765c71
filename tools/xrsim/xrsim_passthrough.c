// SPDX-License-Identifier: Apache-2.0
// XR_FB_passthrough: the camera image as a composition layer. One
// passthrough feature per session, any number of layers of purpose
// RECONSTRUCTION (the full camera image); a layer's style sets its
// opacity (textureOpacityFactor; edge colour and colour maps are taken
// and not drawn). In captures a running layer of a running feature is the
// camera image at its place in the layer order (xrsim_capture.c).
#include <stdlib.h>

#include "xrsim_api.h"

typedef struct xrsim_passthrough {
    xrsim_session *session;
    bool running;
} xrsim_passthrough;

typedef struct xrsim_passthrough_layer {
    xrsim_passthrough *passthrough;
    bool running;
    float opacity;
} xrsim_passthrough_layer;

#define MAX_OBJECTS 64

static XrResult check_pt(XrPassthroughFB h, const char *fn, xrsim_passthrough **out)
{
    if (!xrsim_handle_live(h, XRSIM_PASSTHROUGH))
        return xrsim_app_error(NULL, fn, XR_ERROR_HANDLE_INVALID, "not a live XrPassthroughFB");
    xrsim_passthrough *p = (xrsim_passthrough *)h;
    xrsim_session *s;
    XrResult r = xrsim_check_session((XrSession)p->session, fn, &s);
    *out = p;
    return r;
}

static XrResult check_layer(XrPassthroughLayerFB h, const char *fn, xrsim_passthrough_layer **out)
{
    if (!xrsim_handle_live(h, XRSIM_PASSTHROUGH_LAYER))
        return xrsim_app_error(NULL, fn, XR_ERROR_HANDLE_INVALID,
                               "not a live XrPassthroughLayerFB");
    xrsim_passthrough_layer *l = (xrsim_passthrough_layer *)h;
    xrsim_session *s;
    XrResult r = xrsim_check_session((XrSession)l->passthrough->session, fn, &s);
    *out = l;
    return r;
}

XrResult xrsim_xrCreatePassthroughFB(XrSession session, const XrPassthroughCreateInfoFB *ci,
                                     XrPassthroughFB *out)
{
    XRSIM_API_LOCK();
    const char *fn = "xrCreatePassthroughFB";
    xrsim_session *s;
    XrResult r = xrsim_check_session(session, fn, &s);
    if (r != XR_SUCCESS)
        return r;
    if (!ci || !out || ci->type != XR_TYPE_PASSTHROUGH_CREATE_INFO_FB ||
        (ci->flags & ~XR_PASSTHROUGH_IS_RUNNING_AT_CREATION_BIT_FB))
        return xrsim_app_error(s->instance, fn, XR_ERROR_VALIDATION_FAILURE,
                               "bad XrPassthroughCreateInfoFB");
    void *live[MAX_OBJECTS];
    size_t n = xrsim_handle_collect(XRSIM_PASSTHROUGH, live, MAX_OBJECTS);
    for (size_t i = 0; i < n; i++)
        if (((xrsim_passthrough *)live[i])->session == s)
            return xrsim_app_error(s->instance, fn, XR_ERROR_FEATURE_ALREADY_CREATED_PASSTHROUGH_FB,
                                   "the session has a passthrough feature already");
    xrsim_passthrough *p = calloc(1, sizeof *p);
    if (!p)
        return XR_ERROR_OUT_OF_MEMORY;
    p->session = s;
    p->running = ci->flags & XR_PASSTHROUGH_IS_RUNNING_AT_CREATION_BIT_FB;
    xrsim_handle_add(p, XRSIM_PASSTHROUGH);
    *out = (XrPassthroughFB)p;
    return XR_SUCCESS;
}

static void layers_free_of(xrsim_passthrough *p)
{
    void *live[MAX_OBJECTS];
    size_t n = xrsim_handle_collect(XRSIM_PASSTHROUGH_LAYER, live, MAX_OBJECTS);
    for (size_t i = 0; i < n; i++)
        if (((xrsim_passthrough_layer *)live[i])->passthrough == p)
            xrsim_handle_release(live[i]);
}

XrResult xrsim_xrDestroyPassthroughFB(XrPassthroughFB h)
{
    XRSIM_API_LOCK();
    if (!xrsim_handle_live(h, XRSIM_PASSTHROUGH))
        return xrsim_app_error(NULL, "xrDestroyPassthroughFB", XR_ERROR_HANDLE_INVALID,
                               "not a live XrPassthroughFB");
    layers_free_of((xrsim_passthrough *)h);
    xrsim_handle_release(h);
    return XR_SUCCESS;
}

static XrResult set_running(XrPassthroughFB h, const char *fn, bool run)
{
    XRSIM_API_LOCK();
    xrsim_passthrough *p = NULL;
    XrResult r = check_pt(h, fn, &p);
    if (r == XR_SUCCESS)
        p->running = run;
    return r;
}

XrResult xrsim_xrPassthroughStartFB(XrPassthroughFB h)
{
    return set_running(h, "xrPassthroughStartFB", true);
}

XrResult xrsim_xrPassthroughPauseFB(XrPassthroughFB h)
{
    return set_running(h, "xrPassthroughPauseFB", false);
}

XrResult xrsim_xrCreatePassthroughLayerFB(XrSession session,
                                          const XrPassthroughLayerCreateInfoFB *ci,
                                          XrPassthroughLayerFB *out)
{
    XRSIM_API_LOCK();
    const char *fn = "xrCreatePassthroughLayerFB";
    xrsim_session *s;
    XrResult r = xrsim_check_session(session, fn, &s);
    if (r != XR_SUCCESS)
        return r;
    if (!ci || !out || ci->type != XR_TYPE_PASSTHROUGH_LAYER_CREATE_INFO_FB ||
        (ci->flags & ~XR_PASSTHROUGH_IS_RUNNING_AT_CREATION_BIT_FB))
        return xrsim_app_error(s->instance, fn, XR_ERROR_VALIDATION_FAILURE,
                               "bad XrPassthroughLayerCreateInfoFB");
    if (!xrsim_handle_live(ci->passthrough, XRSIM_PASSTHROUGH) ||
        ((xrsim_passthrough *)ci->passthrough)->session != s)
        return xrsim_app_error(s->instance, fn, XR_ERROR_HANDLE_INVALID,
                               "passthrough is not a live XrPassthroughFB of this session");
    if (ci->purpose != XR_PASSTHROUGH_LAYER_PURPOSE_RECONSTRUCTION_FB)
        return xrsim_app_error(s->instance, fn, XR_ERROR_FEATURE_UNSUPPORTED,
                               ci->purpose == XR_PASSTHROUGH_LAYER_PURPOSE_PROJECTED_FB
                                   ? "PROJECTED passthrough (geometry) is not simulated"
                                   : "unknown purpose");
    xrsim_passthrough_layer *l = calloc(1, sizeof *l);
    if (!l)
        return XR_ERROR_OUT_OF_MEMORY;
    l->passthrough = (xrsim_passthrough *)ci->passthrough;
    l->running = ci->flags & XR_PASSTHROUGH_IS_RUNNING_AT_CREATION_BIT_FB;
    l->opacity = 1.0f;
    xrsim_handle_add(l, XRSIM_PASSTHROUGH_LAYER);
    *out = (XrPassthroughLayerFB)l;
    return XR_SUCCESS;
}

XrResult xrsim_xrDestroyPassthroughLayerFB(XrPassthroughLayerFB h)
{
    XRSIM_API_LOCK();
    if (!xrsim_handle_live(h, XRSIM_PASSTHROUGH_LAYER))
        return xrsim_app_error(NULL, "xrDestroyPassthroughLayerFB", XR_ERROR_HANDLE_INVALID,
                               "not a live XrPassthroughLayerFB");
    xrsim_handle_release(h);
    return XR_SUCCESS;
}

static XrResult layer_running(XrPassthroughLayerFB h, const char *fn, bool run)
{
    XRSIM_API_LOCK();
    xrsim_passthrough_layer *l = NULL;
    XrResult r = check_layer(h, fn, &l);
    if (r == XR_SUCCESS)
        l->running = run;
    return r;
}

XrResult xrsim_xrPassthroughLayerPauseFB(XrPassthroughLayerFB h)
{
    return layer_running(h, "xrPassthroughLayerPauseFB", false);
}

XrResult xrsim_xrPassthroughLayerResumeFB(XrPassthroughLayerFB h)
{
    return layer_running(h, "xrPassthroughLayerResumeFB", true);
}

XrResult xrsim_xrPassthroughLayerSetStyleFB(XrPassthroughLayerFB h, const XrPassthroughStyleFB *st)
{
    XRSIM_API_LOCK();
    const char *fn = "xrPassthroughLayerSetStyleFB";
    xrsim_passthrough_layer *l = NULL;
    XrResult r = check_layer(h, fn, &l);
    if (r != XR_SUCCESS)
        return r;
    if (!st || st->type != XR_TYPE_PASSTHROUGH_STYLE_FB ||
        !(st->textureOpacityFactor >= 0 && st->textureOpacityFactor <= 1))
        return xrsim_app_error(l->passthrough->session->instance, fn, XR_ERROR_VALIDATION_FAILURE,
                               "bad XrPassthroughStyleFB (textureOpacityFactor in 0..1)");
    l->opacity = st->textureOpacityFactor;
    return XR_SUCCESS;
}

// Projected passthrough (geometry instances) is not simulated.
XrResult xrsim_xrCreateGeometryInstanceFB(XrSession session,
                                          const XrGeometryInstanceCreateInfoFB *ci,
                                          XrGeometryInstanceFB *out)
{
    XRSIM_API_LOCK();
    xrsim_session *s;
    XrResult r = xrsim_check_session(session, "xrCreateGeometryInstanceFB", &s);
    (void)ci;
    (void)out;
    return r != XR_SUCCESS ? r
                           : xrsim_app_error(s->instance, "xrCreateGeometryInstanceFB",
                                             XR_ERROR_FEATURE_UNSUPPORTED,
                                             "projected passthrough is not simulated");
}

XrResult xrsim_xrDestroyGeometryInstanceFB(XrGeometryInstanceFB h)
{
    (void)h; // none is ever created
    return XR_ERROR_HANDLE_INVALID;
}

XrResult xrsim_xrGeometryInstanceSetTransformFB(XrGeometryInstanceFB h,
                                                const XrGeometryInstanceTransformFB *t)
{
    (void)h;
    (void)t;
    return XR_ERROR_HANDLE_INVALID;
}

XrResult xrsim_passthrough_layer_check(xrsim_session *s, const XrCompositionLayerBaseHeader *base,
                                       float *opacity)
{
    const XrCompositionLayerPassthroughFB *pl = (const XrCompositionLayerPassthroughFB *)base;
    if (!s->instance->ext_passthrough)
        return xrsim_app_error(s->instance, "xrEndFrame", XR_ERROR_LAYER_INVALID,
                               "passthrough layer without XR_FB_passthrough enabled");
    if (!xrsim_handle_live(pl->layerHandle, XRSIM_PASSTHROUGH_LAYER) ||
        ((xrsim_passthrough_layer *)pl->layerHandle)->passthrough->session != s)
        return xrsim_app_error(s->instance, "xrEndFrame", XR_ERROR_HANDLE_INVALID,
                               "layerHandle is not a live XrPassthroughLayerFB of this session");
    const xrsim_passthrough_layer *l = (const xrsim_passthrough_layer *)pl->layerHandle;
    *opacity = l->running && l->passthrough->running ? l->opacity : 0.0f;
    return XR_SUCCESS;
}

void xrsim_passthrough_free_for(xrsim_session *s)
{
    void *live[MAX_OBJECTS];
    size_t n = xrsim_handle_collect(XRSIM_PASSTHROUGH, live, MAX_OBJECTS);
    for (size_t i = 0; i < n; i++)
        if (((xrsim_passthrough *)live[i])->session == s) {
            layers_free_of(live[i]);
            xrsim_handle_release(live[i]);
        }
}
