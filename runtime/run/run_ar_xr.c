// SPDX-License-Identifier: Apache-2.0
// The headset's AR calls (run_ar.h), through the front-end's
// run_front_ops.xr: the headset front-end answers with runtime/xr, the
// desktop has none. This module stays free of OpenXR.
#include "run_session.h"

static const run_xr_ops *ops(const run_session *s)
{
    const run_xr_ops *x = s->front ? s->front->xr : NULL;
    return x && x->on && x->on(s->front_user) ? x : NULL;
}

static const char *const k_blend_names[] = {"?", "OPAQUE", "ADDITIVE", "ALPHA_BLEND"};

const char *run_blend_name(run_blend b)
{
    return (unsigned)b < 4 ? k_blend_names[b] : "?";
}

bool run_xr_on(const run_session *s)
{
    return ops(s) != NULL;
}

uint32_t run_xr_blend_modes(run_session *s, run_blend out[3])
{
    const run_xr_ops *x = ops(s);
    return x && x->blend_modes ? x->blend_modes(s->front_user, out) : 0;
}

bool run_xr_has_fb_passthrough(run_session *s)
{
    const run_xr_ops *x = ops(s);
    return x && x->has_fb_passthrough && x->has_fb_passthrough(s->front_user);
}

const char *run_xr_runtime_name(run_session *s)
{
    const run_xr_ops *x = ops(s);
    return x && x->runtime_name ? x->runtime_name(s->front_user) : "none";
}

stoa_result run_xr_set_blend(run_session *s, run_blend blend, bool fb, stoa_error *err)
{
    const run_xr_ops *x = ops(s);
    return x && x->set_blend ? x->set_blend(s->front_user, blend, fb, err) : STOA_OK;
}

void run_xr_set_passthrough_opacity(run_session *s, float opacity)
{
    const run_xr_ops *x = ops(s);
    if (x && x->set_passthrough_opacity)
        x->set_passthrough_opacity(s->front_user, opacity);
}

bool run_xr_has_planes(run_session *s)
{
    const run_xr_ops *x = ops(s);
    return x && x->has_planes && x->has_planes(s->front_user);
}

uint32_t run_xr_planes(run_session *s, run_plane *out, uint32_t max)
{
    const run_xr_ops *x = ops(s);
    return x && x->planes ? x->planes(s->front_user, out, max) : 0;
}

bool run_xr_has_anchors(run_session *s)
{
    const run_xr_ops *x = ops(s);
    return x && x->has_anchors && x->has_anchors(s->front_user);
}

bool run_xr_has_anchor_store(run_session *s)
{
    const run_xr_ops *x = ops(s);
    return x && x->has_anchor_store && x->has_anchor_store(s->front_user);
}

stoa_result run_xr_anchor_set(run_session *s, const float position[3], const float orientation[4],
                              const char *name, stoa_error *err)
{
    const run_xr_ops *x = ops(s);
    if (!x || !x->anchor_set)
        return stoa_error_set(err, STOA_ERROR_UNSUPPORTED, "the headset has no spatial anchors");
    return x->anchor_set(s->front_user, position, orientation, name, err);
}

bool run_xr_anchor_load(run_session *s, const char *name)
{
    const run_xr_ops *x = ops(s);
    return x && x->anchor_load && x->anchor_load(s->front_user, name);
}

bool run_xr_anchor_locate(run_session *s, float position[3], float orientation[4])
{
    const run_xr_ops *x = ops(s);
    return x && x->anchor_locate && x->anchor_locate(s->front_user, position, orientation);
}
