// SPDX-License-Identifier: Apache-2.0
// The real room behind the scene: the environment blend modes the system
// offers (xrEnumerateEnvironmentBlendModes), the one frames are submitted
// with, the projection layer's alpha flags, and XR_FB_passthrough's layer
// under the scene when the runtime has it. Which mode a lesson gets is the
// caller's policy (runtime/run/run_ar_pick.c); this file only does it.
#include <stdio.h>
#include <string.h>

#include "xr_internal.h"

const char *stoa_xr_blend_name(stoa_xr_blend mode)
{
    switch (mode) {
    case STOA_XR_BLEND_OPAQUE: return "OPAQUE";
    case STOA_XR_BLEND_ADDITIVE: return "ADDITIVE";
    case STOA_XR_BLEND_ALPHA: return "ALPHA_BLEND";
    }
    return "?";
}

stoa_result xr_blend_init(stoa_xr *xr, stoa_error *err)
{
    xr_blend *b = &xr->blend;
    XrEnvironmentBlendMode modes[16];
    uint32_t n = 0;
    XR_CHECK(xr, xrEnumerateEnvironmentBlendModes(xr->instance, xr->system,
                                                  XR_VIEW_CONFIGURATION_TYPE_PRIMARY_STEREO, 16,
                                                  &n, modes));
    b->count = 0;
    for (uint32_t i = 0; i < n && b->count < 4; i++)
        if (modes[i] >= XR_ENVIRONMENT_BLEND_MODE_OPAQUE &&
            modes[i] <= XR_ENVIRONMENT_BLEND_MODE_ALPHA_BLEND)
            b->offered[b->count++] = modes[i];
    if (b->count == 0)
        return stoa_error_set(err, STOA_ERROR_UNSUPPORTED,
                              "the OpenXR runtime '%s' offers no environment blend mode",
                              xr->runtime_name);
    // Until the caller chooses: the runtime's first (its preferred) mode,
    // OPAQUE when offered, as Stoa always did.
    b->mode = b->offered[0];
    for (uint32_t i = 0; i < b->count; i++)
        if (b->offered[i] == XR_ENVIRONMENT_BLEND_MODE_OPAQUE)
            b->mode = XR_ENVIRONMENT_BLEND_MODE_OPAQUE;
    b->fb_opacity = 1.0f;
    b->fb_opacity_set = -1.0f;
    char list[64] = "";
    for (uint32_t i = 0; i < b->count; i++)
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "",
                 stoa_xr_blend_name((stoa_xr_blend)b->offered[i]));
    STOA_LOGI("xr", "blend modes offered: %s%s", list,
              b->has_fb ? "; XR_FB_passthrough" : "");
    if (b->has_fb) {
#define XR_PROC(field, name)                                                                       \
    XR_CHECK(xr, xrGetInstanceProcAddr(xr->instance, name, (PFN_xrVoidFunction *)&b->field))
        XR_PROC(create, "xrCreatePassthroughFB");
        XR_PROC(destroy, "xrDestroyPassthroughFB");
        XR_PROC(create_layer, "xrCreatePassthroughLayerFB");
        XR_PROC(destroy_layer, "xrDestroyPassthroughLayerFB");
        XR_PROC(set_style, "xrPassthroughLayerSetStyleFB");
#undef XR_PROC
    }
    return STOA_OK;
}

uint32_t stoa_xr_blend_modes(const stoa_xr *xr, stoa_xr_blend out[3])
{
    uint32_t n = xr->blend.count < 3 ? xr->blend.count : 3;
    for (uint32_t i = 0; i < n; i++)
        out[i] = (stoa_xr_blend)xr->blend.offered[i];
    return n;
}

bool stoa_xr_has_fb_passthrough(const stoa_xr *xr)
{
    return xr->blend.has_fb;
}

stoa_xr_blend stoa_xr_get_blend(const stoa_xr *xr)
{
    return (stoa_xr_blend)xr->blend.mode;
}

bool stoa_xr_fb_passthrough_on(const stoa_xr *xr)
{
    return xr->blend.fb_on;
}

stoa_result xr_blend_session_create(stoa_xr *xr, stoa_error *err)
{
    xr_blend *b = &xr->blend;
    if (!b->fb_on || b->fb || !xr->session)
        return STOA_OK;
    XrPassthroughCreateInfoFB pc = {XR_TYPE_PASSTHROUGH_CREATE_INFO_FB};
    pc.flags = XR_PASSTHROUGH_IS_RUNNING_AT_CREATION_BIT_FB;
    XR_CHECK(xr, b->create(xr->session, &pc, &b->fb));
    XrPassthroughLayerCreateInfoFB lc = {XR_TYPE_PASSTHROUGH_LAYER_CREATE_INFO_FB};
    lc.passthrough = b->fb;
    lc.flags = XR_PASSTHROUGH_IS_RUNNING_AT_CREATION_BIT_FB;
    lc.purpose = XR_PASSTHROUGH_LAYER_PURPOSE_RECONSTRUCTION_FB;
    XrResult r = b->create_layer(xr->session, &lc, &b->fb_layer);
    if (XR_FAILED(r)) {
        b->destroy(b->fb);
        b->fb = XR_NULL_HANDLE;
        XR_CHECK(xr, r);
    }
    b->fb_opacity_set = -1.0f;
    return STOA_OK;
}

void xr_blend_session_destroy(stoa_xr *xr)
{
    xr_blend *b = &xr->blend;
    if (b->fb_layer)
        b->destroy_layer(b->fb_layer);
    if (b->fb)
        b->destroy(b->fb);
    b->fb_layer = XR_NULL_HANDLE;
    b->fb = XR_NULL_HANDLE;
}

stoa_result stoa_xr_set_blend(stoa_xr *xr, stoa_xr_blend mode, bool fb_passthrough,
                              stoa_error *err)
{
    xr_blend *b = &xr->blend;
    bool offered = false;
    for (uint32_t i = 0; i < b->count; i++)
        offered |= b->offered[i] == (XrEnvironmentBlendMode)mode;
    if (!offered)
        return stoa_error_set(err, STOA_ERROR_UNSUPPORTED,
                              "the headset '%s' does not offer the %s blend mode",
                              xr->runtime_name, stoa_xr_blend_name(mode));
    if (fb_passthrough && (!b->has_fb || mode != STOA_XR_BLEND_OPAQUE))
        return stoa_error_set(err, STOA_ERROR_UNSUPPORTED,
                              "XR_FB_passthrough is %s",
                              b->has_fb ? "for the OPAQUE blend mode only"
                                        : "not offered by this runtime");
    b->mode = (XrEnvironmentBlendMode)mode;
    if (b->fb_on && !fb_passthrough)
        xr_blend_session_destroy(xr);
    b->fb_on = fb_passthrough;
    STOA_LOGI("xr", "frames go out as %s%s", stoa_xr_blend_name(mode),
              fb_passthrough ? " over XR_FB_passthrough" : "");
    return xr_blend_session_create(xr, err);
}

void stoa_xr_set_passthrough_opacity(stoa_xr *xr, float opacity)
{
    xr->blend.fb_opacity = opacity < 0.0f ? 0.0f : opacity > 1.0f ? 1.0f : opacity;
}

uint32_t xr_blend_under_layers(stoa_xr *xr, XrCompositionLayerPassthroughFB *pt)
{
    xr_blend *b = &xr->blend;
    if (!b->fb_on || !b->fb_layer)
        return 0;
    if (b->fb_opacity != b->fb_opacity_set) {
        XrPassthroughStyleFB st = {XR_TYPE_PASSTHROUGH_STYLE_FB};
        st.textureOpacityFactor = b->fb_opacity;
        st.edgeColor = (XrColor4f){0, 0, 0, 0};
        XrResult r = b->set_style(b->fb_layer, &st);
        if (XR_FAILED(r))
            STOA_LOGW("xr", "xrPassthroughLayerSetStyleFB failed (%d)", (int)r);
        b->fb_opacity_set = b->fb_opacity;
    }
    *pt = (XrCompositionLayerPassthroughFB){XR_TYPE_COMPOSITION_LAYER_PASSTHROUGH_FB};
    pt->flags = XR_COMPOSITION_LAYER_BLEND_TEXTURE_SOURCE_ALPHA_BIT;
    pt->space = XR_NULL_HANDLE;
    pt->layerHandle = b->fb_layer;
    return 1;
}

XrCompositionLayerFlags xr_blend_projection_flags(const stoa_xr *xr)
{
    // Premultiplied alpha (no UNPREMULTIPLIED bit): what gfx writes when it
    // clears to transparent black (see stoa_xr_set_blend).
    if (xr->blend.mode != XR_ENVIRONMENT_BLEND_MODE_OPAQUE || xr->blend.fb_on)
        return XR_COMPOSITION_LAYER_BLEND_TEXTURE_SOURCE_ALPHA_BIT;
    return 0;
}
