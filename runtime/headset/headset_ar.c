// SPDX-License-Identifier: Apache-2.0
// What the session's AR asks of the headset (run_xr_ops, runtime/run/run_ar.h),
// answered with runtime/xr: blend modes and passthrough (xr_blend.c),
// detected planes (xr_planes.c) and spatial anchors (xr_anchor.c).
#include <string.h>

#include "headset_internal.h"

_Static_assert((int)RUN_BLEND_OPAQUE == (int)STOA_XR_BLEND_OPAQUE &&
                   (int)RUN_BLEND_ADDITIVE == (int)STOA_XR_BLEND_ADDITIVE &&
                   (int)RUN_BLEND_ALPHA == (int)STOA_XR_BLEND_ALPHA,
               "run_blend and stoa_xr_blend are OpenXR's numbers");

static stoa_xr *xr_of(void *user)
{
    return ((headset *)user)->xr;
}

static bool on(void *user)
{
    return xr_of(user) != NULL;
}

static uint32_t blend_modes(void *user, run_blend out[3])
{
    stoa_xr_blend m[3];
    uint32_t n = stoa_xr_blend_modes(xr_of(user), m);
    for (uint32_t i = 0; i < n && i < 3; i++)
        out[i] = (run_blend)m[i];
    return n < 3 ? n : 3;
}

static bool has_fb(void *user)
{
    return stoa_xr_has_fb_passthrough(xr_of(user));
}
static const char *runtime_name(void *user)
{
    return stoa_xr_runtime_name(xr_of(user));
}

static stoa_result set_blend(void *user, run_blend blend, bool fb, stoa_error *err)
{
    return stoa_xr_set_blend(xr_of(user), (stoa_xr_blend)blend, fb, err);
}

static void set_opacity(void *user, float opacity)
{
    stoa_xr_set_passthrough_opacity(xr_of(user), opacity);
}
static bool has_planes(void *user)
{
    return stoa_xr_has_planes(xr_of(user));
}

static uint32_t planes(void *user, run_plane *out, uint32_t max)
{
    stoa_xr_plane p[16];
    uint32_t n = stoa_xr_planes(xr_of(user), p, max < 16 ? max : 16);
    for (uint32_t i = 0; i < n; i++) {
        memcpy(out[i].position, p[i].position, sizeof out[i].position);
        memcpy(out[i].orientation, p[i].orientation, sizeof out[i].orientation);
        out[i].width = p[i].width;
        out[i].height = p[i].height;
        out[i].floor = p[i].floor;
    }
    return n;
}

static bool has_anchors(void *user)
{
    return stoa_xr_has_anchors(xr_of(user));
}
static bool has_anchor_store(void *user)
{
    return stoa_xr_has_anchor_store(xr_of(user));
}

static stoa_result anchor_set(void *user, const float p[3], const float q[4], const char *name,
                              stoa_error *err)
{
    return stoa_xr_anchor_set(xr_of(user), p, q, name, err);
}

static bool anchor_load(void *user, const char *name)
{
    return stoa_xr_anchor_load(xr_of(user), name);
}

static bool anchor_locate(void *user, float p[3], float q[4])
{
    return stoa_xr_anchor_locate(xr_of(user), p, q);
}

const run_xr_ops headset_xr_ops = {
    .on = on,
    .blend_modes = blend_modes,
    .has_fb_passthrough = has_fb,
    .runtime_name = runtime_name,
    .set_blend = set_blend,
    .set_passthrough_opacity = set_opacity,
    .has_planes = has_planes,
    .planes = planes,
    .has_anchors = has_anchors,
    .has_anchor_store = has_anchor_store,
    .anchor_set = anchor_set,
    .anchor_load = anchor_load,
    .anchor_locate = anchor_locate,
};
