// SPDX-License-Identifier: Apache-2.0
// XR_MSFT_spatial_anchor: an anchor is a pose fixed to the simulated room,
// taken from a space at a time; an anchor space locates it. An anchor
// stays exactly where it was made in the room whatever the head does and
// across LOCAL's recentring; when the script's `do: drift` moves the
// tracking against the room, it goes with the room (kept in the room's
// coordinates; those are also what the store persists). An anchor space outlives its
// anchor (it keeps the last pose).
#include <stdlib.h>

#include "xrsim_api.h"

#define MAX_ANCHORS 256

XrResult xrsim_anchor_new(xrsim_session *s, XrPosef pose, XrSpatialAnchorMSFT *out)
{
    void *live[MAX_ANCHORS];
    if (xrsim_handle_collect(XRSIM_ANCHOR, live, MAX_ANCHORS) >= MAX_ANCHORS)
        return xrsim_app_error(s->instance, "xrCreateSpatialAnchor*MSFT", XR_ERROR_LIMIT_REACHED,
                               "too many anchors");
    xrsim_anchor *a = calloc(1, sizeof *a);
    if (!a)
        return XR_ERROR_OUT_OF_MEMORY;
    a->session = s;
    a->pose = pose;
    s->instance->summary.anchors_created++;
    xrsim_handle_add(a, XRSIM_ANCHOR);
    *out = (XrSpatialAnchorMSFT)a;
    return XR_SUCCESS;
}

XrResult xrsim_xrCreateSpatialAnchorMSFT(XrSession session, const XrSpatialAnchorCreateInfoMSFT *ci,
                                         XrSpatialAnchorMSFT *out)
{
    XRSIM_API_LOCK();
    const char *fn = "xrCreateSpatialAnchorMSFT";
    xrsim_session *s;
    XrResult r = xrsim_check_session(session, fn, &s);
    if (r != XR_SUCCESS)
        return r;
    if (!ci || !out || ci->type != XR_TYPE_SPATIAL_ANCHOR_CREATE_INFO_MSFT)
        return xrsim_app_error(s->instance, fn, XR_ERROR_VALIDATION_FAILURE,
                               "bad XrSpatialAnchorCreateInfoMSFT");
    if (!xrsim_handle_live(ci->space, XRSIM_SPACE) || ((xrsim_space *)ci->space)->session != s)
        return xrsim_app_error(s->instance, fn, XR_ERROR_HANDLE_INVALID, "space");
    if (ci->time <= 0)
        return xrsim_app_error(s->instance, fn, XR_ERROR_TIME_INVALID, "time <= 0");
    if (!xrsim_pose_valid(&ci->pose))
        return xrsim_app_error(s->instance, fn, XR_ERROR_POSE_INVALID, "unnormalised pose");
    XrPosef base;
    if (!xrsim_space_stage_pose((xrsim_space *)ci->space, ci->time, &base))
        return xrsim_app_error(s->instance, fn, XR_ERROR_CREATE_SPATIAL_ANCHOR_FAILED_MSFT,
                               "the space is not tracked now");
    XrPosef in_room = xrsim_pose_mul(xrsim_pose_inverse(s->instance->timeline.room),
                                     xrsim_pose_mul(base, ci->pose));
    return xrsim_anchor_new(s, in_room, out);
}

XrResult xrsim_xrCreateSpatialAnchorSpaceMSFT(XrSession session,
                                              const XrSpatialAnchorSpaceCreateInfoMSFT *ci,
                                              XrSpace *out)
{
    XRSIM_API_LOCK();
    const char *fn = "xrCreateSpatialAnchorSpaceMSFT";
    xrsim_session *s;
    XrResult r = xrsim_check_session(session, fn, &s);
    if (r != XR_SUCCESS)
        return r;
    if (!ci || !out || ci->type != XR_TYPE_SPATIAL_ANCHOR_SPACE_CREATE_INFO_MSFT)
        return xrsim_app_error(s->instance, fn, XR_ERROR_VALIDATION_FAILURE,
                               "bad XrSpatialAnchorSpaceCreateInfoMSFT");
    if (!xrsim_handle_live(ci->anchor, XRSIM_ANCHOR) || ((xrsim_anchor *)ci->anchor)->session != s)
        return xrsim_app_error(s->instance, fn, XR_ERROR_HANDLE_INVALID, "anchor");
    if (!xrsim_pose_valid(&ci->poseInAnchorSpace))
        return xrsim_app_error(s->instance, fn, XR_ERROR_POSE_INVALID, "unnormalised pose");
    xrsim_anchor *a = (xrsim_anchor *)ci->anchor;
    xrsim_space t = {.kind = XRSIM_SPACE_ANCHOR,
                     .anchor = a,
                     .anchor_pose = a->pose,
                     .offset = ci->poseInAnchorSpace};
    return xrsim_space_new(s, t, out);
}

XrResult xrsim_xrDestroySpatialAnchorMSFT(XrSpatialAnchorMSFT h)
{
    XRSIM_API_LOCK();
    if (!xrsim_handle_live(h, XRSIM_ANCHOR))
        return xrsim_app_error(NULL, "xrDestroySpatialAnchorMSFT", XR_ERROR_HANDLE_INVALID,
                               "not a live XrSpatialAnchorMSFT");
    xrsim_handle_release(h);
    return XR_SUCCESS;
}

XrPosef xrsim_anchor_space_base(xrsim_space *sp)
{
    if (xrsim_handle_live(sp->anchor, XRSIM_ANCHOR))
        sp->anchor_pose = sp->anchor->pose;
    return xrsim_pose_mul(sp->session->instance->timeline.room, sp->anchor_pose);
}

void xrsim_anchors_free_for(xrsim_session *s)
{
    void *live[MAX_ANCHORS];
    size_t n = xrsim_handle_collect(XRSIM_ANCHOR, live, MAX_ANCHORS);
    for (size_t i = 0; i < n; i++)
        if (((xrsim_anchor *)live[i])->session == s)
            xrsim_handle_release(live[i]);
}
