// SPDX-License-Identifier: Apache-2.0
// Reference and action spaces, space and view location. Every pose is first
// expressed in STAGE coordinates (floor origin, the frame the script uses),
// then made relative: pose_in_base = inverse(base) * space.
#include <math.h>
#include <stdlib.h>

#include "core/stoa_log.h"
#include "xrsim_api.h"
#include "xrsim_result.h"

#define VALID_TRACKED                                                                              \
    (XR_SPACE_LOCATION_ORIENTATION_VALID_BIT | XR_SPACE_LOCATION_POSITION_VALID_BIT |              \
     XR_SPACE_LOCATION_ORIENTATION_TRACKED_BIT | XR_SPACE_LOCATION_POSITION_TRACKED_BIT)

XrPosef xrsim_head_pose(xrsim_session *s, int64_t t)
{
    XrPosef standing = {{0, 0, 0, 1}, {0, 1.7f, 0}};
    return xrsim_script_pose(&s->instance->script, XRSIM_TRACK_HEAD, xrsim_script_time(s, t),
                             standing);
}

static XrPosef hand_pose(xrsim_session *s, xrsim_track hand, int64_t t)
{
    float x = hand == XRSIM_TRACK_LEFT ? -0.2f : 0.2f;
    XrPosef held = {{0, 0, 0, 1}, {x, 1.4f, -0.35f}};
    return xrsim_script_pose(&s->instance->script, hand, xrsim_script_time(s, t), held);
}

bool xrsim_space_stage_pose(xrsim_space *sp, int64_t t, XrPosef *out)
{
    xrsim_session *s = sp->session;
    XrPosef base;
    if (sp->kind == XRSIM_SPACE_ACTION) {
        xrsim_track hand;
        if (!xrsim_action_pose_source(s, sp->action, sp->subaction, &hand))
            return false;
        base = hand_pose(s, hand, t);
    } else if (sp->kind == XRSIM_SPACE_ANCHOR) {
        base = xrsim_anchor_space_base(sp);
    } else if (sp->ref_type == XR_REFERENCE_SPACE_TYPE_VIEW) {
        base = xrsim_head_pose(s, t);
    } else if (sp->ref_type == XR_REFERENCE_SPACE_TYPE_LOCAL) {
        base = s->local_origin;
    } else if (sp->ref_type == XRSIM_REFERENCE_SPACE_TYPE_LOCAL_FLOOR) {
        // Spec 1.1 §7.1 (LOCAL_FLOOR): LOCAL's x, z and yaw, its origin on
        // the floor; xrsim knows the floor: STAGE's y = 0.
        base = s->local_origin;
        base.position.y = 0;
    } else {
        base = xrsim_pose_identity();
    }
    *out = xrsim_pose_mul(base, sp->offset);
    return true;
}

void xrsim_space_recentre(xrsim_session *s, int64_t t)
{
    // LOCAL moves to where the head is, turned to its heading, kept level.
    XrPosef head = xrsim_head_pose(s, t);
    float yaw = xrsim_quat_yaw(head.orientation);
    XrPosef next = {{0, sinf(yaw / 2), 0, cosf(yaw / 2)}, head.position};
    XrEventDataReferenceSpaceChangePending ev = {
        .type = XR_TYPE_EVENT_DATA_REFERENCE_SPACE_CHANGE_PENDING,
        .session = (XrSession)s,
        .referenceSpaceType = XR_REFERENCE_SPACE_TYPE_LOCAL,
        .changeTime = t,
        .poseValid = XR_TRUE,
        .poseInPreviousSpace = xrsim_pose_mul(xrsim_pose_inverse(s->local_origin), next),
    };
    s->local_origin = next;
    xrsim_event_push(s->instance, &ev, sizeof ev);
    if (s->instance->api_minor >= 1) {
        // Spec 1.1 §7.1: when LOCAL changes, LOCAL_FLOOR changes with it and
        // gets its own event.
        ev.referenceSpaceType = XRSIM_REFERENCE_SPACE_TYPE_LOCAL_FLOOR;
        xrsim_event_push(s->instance, &ev, sizeof ev);
    }
    STOA_LOGI(XRSIM_LOG, "script: recentred LOCAL");
}

bool xrsim_pose_valid(const XrPosef *p)
{
    const XrQuaternionf *q = &p->orientation;
    float n = q->x * q->x + q->y * q->y + q->z * q->z + q->w * q->w;
    return fabsf(n - 1.0f) < 0.01f && isfinite(p->position.x) && isfinite(p->position.y) &&
           isfinite(p->position.z);
}

static const XrReferenceSpaceType k_ref_types[] = {
    XR_REFERENCE_SPACE_TYPE_VIEW, XR_REFERENCE_SPACE_TYPE_LOCAL, XR_REFERENCE_SPACE_TYPE_STAGE,
    XRSIM_REFERENCE_SPACE_TYPE_LOCAL_FLOOR};

// LOCAL_FLOOR is core from 1.1 on (xrsim offers no XR_EXT_local_floor).
static uint32_t ref_type_count(const xrsim_instance *inst)
{
    return inst->api_minor >= 1 ? 4 : 3;
}

XrResult xrsim_xrEnumerateReferenceSpaces(XrSession session, uint32_t cap, uint32_t *count,
                                          XrReferenceSpaceType *spaces)
{
    XRSIM_API_LOCK();
    xrsim_session *s;
    XrResult r = xrsim_check_session(session, "xrEnumerateReferenceSpaces", &s);
    if (r != XR_SUCCESS)
        return r;
    return xrsim_fill(s->instance, "xrEnumerateReferenceSpaces", cap, count, spaces, k_ref_types,
                      ref_type_count(s->instance), sizeof k_ref_types[0]);
}

XrResult xrsim_space_new(xrsim_session *s, xrsim_space tmpl, XrSpace *out)
{
    xrsim_space *sp = malloc(sizeof *sp);
    if (!sp)
        return XR_ERROR_OUT_OF_MEMORY;
    *sp = tmpl;
    sp->session = s;
    xrsim_handle_add(sp, XRSIM_SPACE);
    *out = (XrSpace)sp;
    return XR_SUCCESS;
}

XrResult xrsim_xrCreateReferenceSpace(XrSession session, const XrReferenceSpaceCreateInfo *ci,
                                      XrSpace *out)
{
    XRSIM_API_LOCK();
    const char *fn = "xrCreateReferenceSpace";
    xrsim_session *s;
    XrResult r = xrsim_check_session(session, fn, &s);
    if (r != XR_SUCCESS)
        return r;
    if (!ci || !out || ci->type != XR_TYPE_REFERENCE_SPACE_CREATE_INFO)
        return xrsim_app_error(s->instance, fn, XR_ERROR_VALIDATION_FAILURE, "bad create info");
    if (!xrsim_pose_valid(&ci->poseInReferenceSpace))
        return xrsim_app_error(s->instance, fn, XR_ERROR_POSE_INVALID, "unnormalised pose");
    bool known = false;
    for (uint32_t i = 0; i < ref_type_count(s->instance); i++)
        known = known || ci->referenceSpaceType == k_ref_types[i];
    if (!known)
        return xrsim_app_error(s->instance, fn, XR_ERROR_REFERENCE_SPACE_UNSUPPORTED,
                               "only VIEW, LOCAL, STAGE (and LOCAL_FLOOR in 1.1)");
    xrsim_space t = {.kind = XRSIM_SPACE_REFERENCE,
                     .ref_type = ci->referenceSpaceType,
                     .offset = ci->poseInReferenceSpace};
    return xrsim_space_new(s, t, out);
}

XrResult xrsim_xrCreateActionSpace(XrSession session, const XrActionSpaceCreateInfo *ci,
                                   XrSpace *out)
{
    XRSIM_API_LOCK();
    const char *fn = "xrCreateActionSpace";
    xrsim_session *s;
    XrResult r = xrsim_check_session(session, fn, &s);
    if (r != XR_SUCCESS)
        return r;
    if (!ci || !out || ci->type != XR_TYPE_ACTION_SPACE_CREATE_INFO)
        return xrsim_app_error(s->instance, fn, XR_ERROR_VALIDATION_FAILURE, "bad create info");
    if (!xrsim_handle_live(ci->action, XRSIM_ACTION))
        return xrsim_app_error(s->instance, fn, XR_ERROR_HANDLE_INVALID, "bad action");
    xrsim_action *a = (xrsim_action *)ci->action;
    if (a->type != XR_ACTION_TYPE_POSE_INPUT)
        return xrsim_app_error(s->instance, fn, XR_ERROR_ACTION_TYPE_MISMATCH, "not a pose");
    if (ci->subactionPath && xrsim_action_subaction_slot(a, ci->subactionPath) < 0)
        return xrsim_app_error(s->instance, fn, XR_ERROR_PATH_UNSUPPORTED,
                               "subaction path not declared by the action");
    if (!xrsim_pose_valid(&ci->poseInActionSpace))
        return xrsim_app_error(s->instance, fn, XR_ERROR_POSE_INVALID, "unnormalised pose");
    xrsim_space t = {.kind = XRSIM_SPACE_ACTION,
                     .action = a,
                     .subaction = ci->subactionPath,
                     .offset = ci->poseInActionSpace};
    return xrsim_space_new(s, t, out);
}

XrResult xrsim_xrGetReferenceSpaceBoundsRect(XrSession session, XrReferenceSpaceType type,
                                             XrExtent2Df *bounds)
{
    XRSIM_API_LOCK();
    const char *fn = "xrGetReferenceSpaceBoundsRect";
    xrsim_session *s;
    XrResult r = xrsim_check_session(session, fn, &s);
    if (r != XR_SUCCESS)
        return r;
    if (!bounds)
        return xrsim_app_error(s->instance, fn, XR_ERROR_VALIDATION_FAILURE, "NULL bounds");
    if (type == XR_REFERENCE_SPACE_TYPE_STAGE) {
        *bounds = (XrExtent2Df){3.0f, 3.0f};
        return XR_SUCCESS;
    }
    *bounds = (XrExtent2Df){0, 0};
    if (type == XR_REFERENCE_SPACE_TYPE_VIEW || type == XR_REFERENCE_SPACE_TYPE_LOCAL ||
        (type == XRSIM_REFERENCE_SPACE_TYPE_LOCAL_FLOOR && s->instance->api_minor >= 1))
        return XR_SPACE_BOUNDS_UNAVAILABLE;
    // Not a valid XrReferenceSpaceType at all (the CTS prefers this to
    // UNSUPPORTED here; xrCreateReferenceSpace must answer UNSUPPORTED).
    if (!xrsim_enum_valid("XrReferenceSpaceType", type, s->instance->api_minor))
        return xrsim_app_error(s->instance, fn, XR_ERROR_VALIDATION_FAILURE, "invalid type");
    return xrsim_app_error(s->instance, fn, XR_ERROR_REFERENCE_SPACE_UNSUPPORTED, "unknown type");
}

static XrResult check_space(XrSpace h, const char *fn, xrsim_space **out)
{
    if (!xrsim_handle_live(h, XRSIM_SPACE))
        return xrsim_check_session(XR_NULL_HANDLE, fn, &(xrsim_session *){NULL});
    xrsim_space *sp = (xrsim_space *)h;
    xrsim_session *s;
    XrResult r = xrsim_check_session((XrSession)sp->session, fn, &s);
    *out = sp;
    return r;
}

// Where `sp` is relative to `bs` at `time`: pose, flags and (when asked
// for) velocity, as xrLocateSpace and xrLocateSpaces report them.
static void locate(xrsim_space *sp, xrsim_space *bs, XrTime time, xrsim_space_location_data *out,
                   xrsim_space_velocity_data *vel)
{
    XrPosef a, b;
    bool ok = xrsim_space_stage_pose(sp, time, &a) && xrsim_space_stage_pose(bs, time, &b);
    out->locationFlags = ok ? VALID_TRACKED : 0;
    out->pose = ok ? xrsim_pose_mul(xrsim_pose_inverse(b), a) : xrsim_pose_identity();
    if (!vel)
        return;
    XrPosef a0, b0;
    const int64_t dt = 1000000; // 1 ms back: finite difference of the script
    vel->velocityFlags = 0;
    vel->linearVelocity = (XrVector3f){0, 0, 0};
    vel->angularVelocity = (XrVector3f){0, 0, 0};
    if (ok && time > dt && xrsim_space_stage_pose(sp, time - dt, &a0) &&
        xrsim_space_stage_pose(bs, time - dt, &b0)) {
        XrPosef p0 = xrsim_pose_mul(xrsim_pose_inverse(b0), a0);
        vel->linearVelocity = (XrVector3f){(out->pose.position.x - p0.position.x) * 1000.0f,
                                           (out->pose.position.y - p0.position.y) * 1000.0f,
                                           (out->pose.position.z - p0.position.z) * 1000.0f};
        // Angular: the rotation from 1 ms back to now, as axis * angle / dt
        // in the base space (the spec's angularVelocity).
        XrQuaternionf d = xrsim_pose_mul(out->pose, xrsim_pose_inverse(p0)).orientation;
        if (d.w < 0)
            d = (XrQuaternionf){-d.x, -d.y, -d.z, -d.w};
        float s = sqrtf(d.x * d.x + d.y * d.y + d.z * d.z);
        float angle = 2.0f * atan2f(s, d.w);
        float k = s > 1e-9f ? angle / s * 1000.0f : 2000.0f; // small angles: 2 * xyz / dt
        vel->angularVelocity = (XrVector3f){d.x * k, d.y * k, d.z * k};
        vel->velocityFlags = XR_SPACE_VELOCITY_LINEAR_VALID_BIT | XR_SPACE_VELOCITY_ANGULAR_VALID_BIT;
    }
}

XrResult xrsim_xrLocateSpace(XrSpace space, XrSpace base, XrTime time, XrSpaceLocation *loc)
{
    XRSIM_API_LOCK();
    const char *fn = "xrLocateSpace";
    xrsim_space *sp = NULL, *bs = NULL;
    XrResult r = check_space(space, fn, &sp);
    if (r == XR_SUCCESS)
        r = check_space(base, fn, &bs);
    if (r != XR_SUCCESS)
        return r;
    xrsim_instance *inst = sp->session->instance;
    if (!loc || loc->type != XR_TYPE_SPACE_LOCATION)
        return xrsim_app_error(inst, fn, XR_ERROR_VALIDATION_FAILURE, "bad XrSpaceLocation");
    if (sp->session != bs->session)
        return xrsim_app_error(inst, fn, XR_ERROR_VALIDATION_FAILURE, "spaces of two sessions");
    if (time <= 0)
        return xrsim_app_error(inst, fn, XR_ERROR_TIME_INVALID, "time <= 0");
    XrSpaceVelocity *v = NULL;
    for (XrBaseOutStructure *n = loc->next; n; n = n->next)
        if (n->type == XR_TYPE_SPACE_VELOCITY)
            v = (XrSpaceVelocity *)n;
    xrsim_space_location_data d;
    xrsim_space_velocity_data vd;
    locate(sp, bs, time, &d, v ? &vd : NULL);
    loc->locationFlags = d.locationFlags;
    loc->pose = d.pose;
    if (v) {
        v->velocityFlags = vd.velocityFlags;
        v->linearVelocity = vd.linearVelocity;
        v->angularVelocity = vd.angularVelocity;
    }
    return XR_SUCCESS;
}

// Spec 1.1 §7.5 (xrLocateSpaces): every space of the list relative to one
// base space at one time; XrSpaceLocations::locationCount (and a chained
// XrSpaceVelocities::velocityCount) must equal spaceCount.
XrResult xrsim_xrLocateSpaces(XrSession session, const xrsim_spaces_locate_info *info,
                              xrsim_space_locations *locs)
{
    XRSIM_API_LOCK();
    const char *fn = "xrLocateSpaces";
    xrsim_session *s;
    XrResult r = xrsim_check_session(session, fn, &s);
    if (r != XR_SUCCESS)
        return r;
    xrsim_instance *inst = s->instance;
    if (!info || info->type != XRSIM_TYPE_SPACES_LOCATE_INFO || !locs ||
        locs->type != XRSIM_TYPE_SPACE_LOCATIONS)
        return xrsim_app_error(inst, fn, XR_ERROR_VALIDATION_FAILURE, "bad arguments");
    if (info->spaceCount == 0 || !info->spaces)
        return xrsim_app_error(inst, fn, XR_ERROR_VALIDATION_FAILURE, "spaceCount must be > 0");
    xrsim_space *bs = NULL;
    r = check_space(info->baseSpace, fn, &bs);
    if (r != XR_SUCCESS)
        return r;
    for (uint32_t i = 0; i < info->spaceCount; i++) {
        xrsim_space *sp = NULL;
        r = check_space(info->spaces[i], fn, &sp);
        if (r != XR_SUCCESS)
            return r;
        if (sp->session != s || bs->session != s)
            return xrsim_app_error(inst, fn, XR_ERROR_VALIDATION_FAILURE,
                                   "spaces of another session");
    }
    if (locs->locationCount != info->spaceCount || !locs->locations)
        return xrsim_app_error(inst, fn, XR_ERROR_VALIDATION_FAILURE,
                               "locationCount differs from spaceCount");
    xrsim_space_velocities *vel = NULL;
    for (XrBaseOutStructure *n = locs->next; n; n = n->next)
        if (n->type == XRSIM_TYPE_SPACE_VELOCITIES)
            vel = (xrsim_space_velocities *)n;
    if (vel && (vel->velocityCount != info->spaceCount || !vel->velocities))
        return xrsim_app_error(inst, fn, XR_ERROR_VALIDATION_FAILURE,
                               "velocityCount differs from spaceCount");
    if (info->time <= 0)
        return xrsim_app_error(inst, fn, XR_ERROR_TIME_INVALID, "time <= 0");
    for (uint32_t i = 0; i < info->spaceCount; i++)
        locate((xrsim_space *)info->spaces[i], bs, info->time, &locs->locations[i],
               vel ? &vel->velocities[i] : NULL);
    return XR_SUCCESS;
}

XrResult xrsim_xrDestroySpace(XrSpace space)
{
    XRSIM_API_LOCK();
    if (!xrsim_handle_live(space, XRSIM_SPACE))
        return xrsim_app_error(NULL, "xrDestroySpace", XR_ERROR_HANDLE_INVALID, "bad space");
    xrsim_handle_release(space);
    return XR_SUCCESS;
}

void xrsim_spaces_free_for(xrsim_session *s)
{
    void *objs[256];
    size_t n;
    while ((n = xrsim_handle_collect(XRSIM_SPACE, objs, 256)) > 0) {
        size_t freed = 0;
        for (size_t i = 0; i < n; i++)
            if (((xrsim_space *)objs[i])->session == s) {
                xrsim_handle_release(objs[i]);
                freed++;
            }
        if (freed == 0)
            break;
    }
}

XrResult xrsim_xrLocateViews(XrSession session, const XrViewLocateInfo *info, XrViewState *state,
                             uint32_t cap, uint32_t *count, XrView *views)
{
    XRSIM_API_LOCK();
    const char *fn = "xrLocateViews";
    xrsim_session *s;
    XrResult r = xrsim_check_session(session, fn, &s);
    if (r != XR_SUCCESS)
        return r;
    xrsim_instance *inst = s->instance;
    if (!info || info->type != XR_TYPE_VIEW_LOCATE_INFO || !state ||
        state->type != XR_TYPE_VIEW_STATE || !count)
        return xrsim_app_error(inst, fn, XR_ERROR_VALIDATION_FAILURE, "bad arguments");
    r = xrsim_check_view_config(inst, info->viewConfigurationType, fn);
    if (r != XR_SUCCESS)
        return r;
    xrsim_space *sp = NULL;
    r = check_space(info->space, fn, &sp);
    if (r != XR_SUCCESS)
        return r;
    if (info->displayTime <= 0)
        return xrsim_app_error(inst, fn, XR_ERROR_TIME_INVALID, "displayTime <= 0");
    *count = 2;
    if (cap == 0)
        return XR_SUCCESS;
    if (!views) // spec: a non-zero capacity needs the array
        return xrsim_app_error(inst, fn, XR_ERROR_VALIDATION_FAILURE, "NULL views");
    if (cap < 2)
        return xrsim_app_error(inst, fn, XR_ERROR_SIZE_INSUFFICIENT, "capacity below 2");
    XrPosef base;
    bool ok = xrsim_space_stage_pose(sp, info->displayTime, &base);
    state->viewStateFlags = ok ? VALID_TRACKED : 0;
    XrPosef head = xrsim_head_pose(s, info->displayTime);
    for (int i = 0; i < 2; i++) {
        if (views[i].type != XR_TYPE_VIEW)
            return xrsim_app_error(inst, fn, XR_ERROR_VALIDATION_FAILURE, "bad XrView");
        float half = inst->cfg.ipd_m / 2;
        XrPosef eye = {{0, 0, 0, 1}, {i == 0 ? -half : half, 0, 0}};
        XrPosef stage = xrsim_pose_mul(head, eye);
        views[i].pose = ok ? xrsim_pose_mul(xrsim_pose_inverse(base), stage) : xrsim_pose_identity();
        views[i].fov = inst->cfg.fov[i];
    }
    return XR_SUCCESS;
}
