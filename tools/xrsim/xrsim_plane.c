// SPDX-License-Identifier: Apache-2.0
// XR_EXT_plane_detection: the simulated room's planes (the script's
// `planes`, default the floor and the table). A plane's pose has its normal
// along +Z, its extents along X (width) and Y (height), and its contour is
// the rectangle, counter-clockwise in the pose's XY plane. Detection is
// PENDING until the next xrWaitFrame after xrBeginPlaneDetectionEXT, then
// DONE; the planes are fixed to the room (STAGE unless the script's
// `do: drift` moved the tracking), so any base space locates them.
#include <math.h>
#include <stdlib.h>

#include "xrsim_api.h"

#define MAX_DETECTORS 32

typedef struct xrsim_plane_detector {
    xrsim_session *session;
    bool contour;
    bool begun;
    uint64_t begin_frame; // session frames_waited at xrBeginPlaneDetectionEXT
    uint32_t count;
    uint32_t index[XRSIM_MAX_PLANES]; // the planes found, by index in inst->ar.planes
} xrsim_plane_detector;

static const XrSpaceLocationFlags k_tracked =
    XR_SPACE_LOCATION_ORIENTATION_VALID_BIT | XR_SPACE_LOCATION_POSITION_VALID_BIT |
    XR_SPACE_LOCATION_ORIENTATION_TRACKED_BIT | XR_SPACE_LOCATION_POSITION_TRACKED_BIT;

// The plane's pose in STAGE: +Z its normal.
static XrPosef plane_pose(const xrsim_script_plane *p)
{
    XrQuaternionf yaw = xrsim_quat_from_euler_deg(p->yaw_deg, 0, 0);
    const float h = sqrtf(0.5f);
    XrQuaternionf tilt = {0, 0, 0, 1}; // vertical: faces +Z (turned by yaw)
    if (p->orientation == XR_PLANE_DETECTOR_ORIENTATION_HORIZONTAL_UPWARD_EXT)
        tilt = (XrQuaternionf){-h, 0, 0, h}; // +Z up, +Y ahead (-Z of STAGE)
    else if (p->orientation == XR_PLANE_DETECTOR_ORIENTATION_HORIZONTAL_DOWNWARD_EXT)
        tilt = (XrQuaternionf){h, 0, 0, h}; // +Z down
    XrPosef pose = {xrsim_quat_mul(yaw, tilt), {p->position[0], p->position[1], p->position[2]}};
    return pose;
}

static XrResult check_detector(XrPlaneDetectorEXT h, const char *fn, xrsim_plane_detector **out)
{
    if (!xrsim_handle_live(h, XRSIM_PLANE_DETECTOR))
        return xrsim_app_error(NULL, fn, XR_ERROR_HANDLE_INVALID, "not a live XrPlaneDetectorEXT");
    xrsim_plane_detector *d = (xrsim_plane_detector *)h;
    xrsim_session *s;
    *out = d;
    return xrsim_check_session((XrSession)d->session, fn, &s);
}

XrResult xrsim_xrCreatePlaneDetectorEXT(XrSession session, const XrPlaneDetectorCreateInfoEXT *ci,
                                        XrPlaneDetectorEXT *out)
{
    XRSIM_API_LOCK();
    const char *fn = "xrCreatePlaneDetectorEXT";
    xrsim_session *s;
    XrResult r = xrsim_check_session(session, fn, &s);
    if (r != XR_SUCCESS)
        return r;
    if (!ci || !out || ci->type != XR_TYPE_PLANE_DETECTOR_CREATE_INFO_EXT ||
        (ci->flags & ~XR_PLANE_DETECTOR_ENABLE_CONTOUR_BIT_EXT))
        return xrsim_app_error(s->instance, fn, XR_ERROR_VALIDATION_FAILURE,
                               "bad XrPlaneDetectorCreateInfoEXT");
    void *live[MAX_DETECTORS];
    if (xrsim_handle_collect(XRSIM_PLANE_DETECTOR, live, MAX_DETECTORS) >= MAX_DETECTORS)
        return xrsim_app_error(s->instance, fn, XR_ERROR_LIMIT_REACHED, "too many plane detectors");
    xrsim_plane_detector *d = calloc(1, sizeof *d);
    if (!d)
        return XR_ERROR_OUT_OF_MEMORY;
    d->session = s;
    d->contour = ci->flags & XR_PLANE_DETECTOR_ENABLE_CONTOUR_BIT_EXT;
    xrsim_handle_add(d, XRSIM_PLANE_DETECTOR);
    *out = (XrPlaneDetectorEXT)d;
    return XR_SUCCESS;
}

XrResult xrsim_xrDestroyPlaneDetectorEXT(XrPlaneDetectorEXT h)
{
    XRSIM_API_LOCK();
    if (!xrsim_handle_live(h, XRSIM_PLANE_DETECTOR))
        return xrsim_app_error(NULL, "xrDestroyPlaneDetectorEXT", XR_ERROR_HANDLE_INVALID,
                               "not a live XrPlaneDetectorEXT");
    xrsim_handle_release(h);
    return XR_SUCCESS;
}

static bool listed(const int32_t *list, uint32_t n, int32_t v)
{
    if (!n)
        return true; // no filter
    for (uint32_t i = 0; i < n; i++)
        if (list[i] == v)
            return true;
    return false;
}

// Inside the box (in the box's frame); an extent <= 0 leaves that axis open.
static bool in_box(XrPosef box, const XrExtent3DfEXT *e, XrVector3f p)
{
    XrPosef local = xrsim_pose_mul(xrsim_pose_inverse(box), (XrPosef){{0, 0, 0, 1}, p});
    const float v[3] = {local.position.x, local.position.y, local.position.z};
    const float ext[3] = {e->width, e->height, e->depth};
    for (int i = 0; i < 3; i++)
        if (ext[i] > 0 && fabsf(v[i]) > ext[i] / 2)
            return false;
    return true;
}

XrResult xrsim_xrBeginPlaneDetectionEXT(XrPlaneDetectorEXT h, const XrPlaneDetectorBeginInfoEXT *bi)
{
    XRSIM_API_LOCK();
    const char *fn = "xrBeginPlaneDetectionEXT";
    xrsim_plane_detector *d = NULL;
    XrResult r = check_detector(h, fn, &d);
    if (r != XR_SUCCESS)
        return r;
    xrsim_session *s = d->session;
    if (!bi || bi->type != XR_TYPE_PLANE_DETECTOR_BEGIN_INFO_EXT || bi->maxPlanes == 0 ||
        (bi->orientationCount && !bi->orientations) ||
        (bi->semanticTypeCount && !bi->semanticTypes) || !(bi->minArea >= 0))
        return xrsim_app_error(s->instance, fn, XR_ERROR_VALIDATION_FAILURE,
                               "bad XrPlaneDetectorBeginInfoEXT (maxPlanes > 0, lists, minArea)");
    if (!xrsim_handle_live(bi->baseSpace, XRSIM_SPACE) ||
        ((xrsim_space *)bi->baseSpace)->session != s)
        return xrsim_app_error(s->instance, fn, XR_ERROR_HANDLE_INVALID, "baseSpace");
    if (bi->time <= 0)
        return xrsim_app_error(s->instance, fn, XR_ERROR_TIME_INVALID, "time <= 0");
    XrPosef base;
    if (!xrsim_space_stage_pose((xrsim_space *)bi->baseSpace, bi->time, &base))
        return xrsim_app_error(s->instance, fn, XR_ERROR_SPACE_NOT_LOCATABLE_EXT,
                               "baseSpace is not locatable now");
    const XrPosef box = xrsim_pose_mul(base, bi->boundingBoxPose);
    const xrsim_script_ar *ar = &s->instance->ar;
    d->count = 0;
    for (uint32_t i = 0; i < ar->plane_count && d->count < bi->maxPlanes; i++) {
        const xrsim_script_plane *p = &ar->planes[i];
        XrVector3f c = xrsim_pose_mul(s->instance->timeline.room, plane_pose(p)).position;
        if (listed((const int32_t *)bi->orientations, bi->orientationCount, p->orientation) &&
            listed((const int32_t *)bi->semanticTypes, bi->semanticTypeCount, p->semantic) &&
            p->width * p->depth >= bi->minArea && in_box(box, &bi->boundingBoxExtent, c))
            d->index[d->count++] = i;
    }
    d->begun = true;
    s->instance->summary.plane_detections++;
    d->begin_frame = s->frames_waited;
    return XR_SUCCESS;
}

static XrPlaneDetectionStateEXT state_of(const xrsim_plane_detector *d)
{
    if (!d->begun)
        return XR_PLANE_DETECTION_STATE_NONE_EXT;
    return d->session->frames_waited > d->begin_frame ? XR_PLANE_DETECTION_STATE_DONE_EXT
                                                      : XR_PLANE_DETECTION_STATE_PENDING_EXT;
}

XrResult xrsim_xrGetPlaneDetectionStateEXT(XrPlaneDetectorEXT h, XrPlaneDetectionStateEXT *state)
{
    XRSIM_API_LOCK();
    const char *fn = "xrGetPlaneDetectionStateEXT";
    xrsim_plane_detector *d = NULL;
    XrResult r = check_detector(h, fn, &d);
    if (r != XR_SUCCESS)
        return r;
    if (!state)
        return xrsim_app_error(d->session->instance, fn, XR_ERROR_VALIDATION_FAILURE, "NULL state");
    *state = state_of(d);
    return XR_SUCCESS;
}

XrResult xrsim_xrGetPlaneDetectionsEXT(XrPlaneDetectorEXT h, const XrPlaneDetectorGetInfoEXT *info,
                                       XrPlaneDetectorLocationsEXT *out)
{
    XRSIM_API_LOCK();
    const char *fn = "xrGetPlaneDetectionsEXT";
    xrsim_plane_detector *d = NULL;
    XrResult r = check_detector(h, fn, &d);
    if (r != XR_SUCCESS)
        return r;
    xrsim_session *s = d->session;
    if (!info || info->type != XR_TYPE_PLANE_DETECTOR_GET_INFO_EXT || !out ||
        out->type != XR_TYPE_PLANE_DETECTOR_LOCATIONS_EXT ||
        (out->planeLocationCapacityInput && !out->planeLocations))
        return xrsim_app_error(s->instance, fn, XR_ERROR_VALIDATION_FAILURE,
                               "bad get info or XrPlaneDetectorLocationsEXT");
    if (state_of(d) != XR_PLANE_DETECTION_STATE_DONE_EXT)
        return xrsim_app_error(s->instance, fn, XR_ERROR_CALL_ORDER_INVALID,
                               "detection is not DONE (xrGetPlaneDetectionStateEXT)");
    if (!xrsim_handle_live(info->baseSpace, XRSIM_SPACE) ||
        ((xrsim_space *)info->baseSpace)->session != s)
        return xrsim_app_error(s->instance, fn, XR_ERROR_HANDLE_INVALID, "baseSpace");
    if (info->time <= 0)
        return xrsim_app_error(s->instance, fn, XR_ERROR_TIME_INVALID, "time <= 0");
    XrPosef base;
    if (!xrsim_space_stage_pose((xrsim_space *)info->baseSpace, info->time, &base))
        return xrsim_app_error(s->instance, fn, XR_ERROR_SPACE_NOT_LOCATABLE_EXT,
                               "baseSpace is not locatable now");
    out->planeLocationCountOutput = d->count;
    if (out->planeLocationCapacityInput == 0)
        return XR_SUCCESS;
    if (out->planeLocationCapacityInput < d->count)
        return xrsim_app_error(s->instance, fn, XR_ERROR_SIZE_INSUFFICIENT, "capacity below count");
    const XrPosef to_base = xrsim_pose_inverse(base);
    for (uint32_t i = 0; i < d->count; i++) {
        XrPlaneDetectorLocationEXT *l = &out->planeLocations[i];
        if (l->type != XR_TYPE_PLANE_DETECTOR_LOCATION_EXT)
            return xrsim_app_error(s->instance, fn, XR_ERROR_VALIDATION_FAILURE,
                                   "bad XrPlaneDetectorLocationEXT");
        const xrsim_script_plane *p = &s->instance->ar.planes[d->index[i]];
        l->planeId = d->index[i] + 1;
        l->locationFlags = k_tracked;
        l->pose =
            xrsim_pose_mul(to_base, xrsim_pose_mul(s->instance->timeline.room, plane_pose(p)));
        l->extents = (XrExtent2Df){p->width, p->depth};
        l->orientation = (XrPlaneDetectorOrientationEXT)p->orientation;
        l->semanticType = (XrPlaneDetectorSemanticTypeEXT)p->semantic;
        l->polygonBufferCount = d->contour ? 1 : 0;
    }
    return XR_SUCCESS;
}

XrResult xrsim_xrGetPlanePolygonBufferEXT(XrPlaneDetectorEXT h, uint64_t plane_id,
                                          uint32_t buffer_index,
                                          XrPlaneDetectorPolygonBufferEXT *pb)
{
    XRSIM_API_LOCK();
    const char *fn = "xrGetPlanePolygonBufferEXT";
    xrsim_plane_detector *d = NULL;
    XrResult r = check_detector(h, fn, &d);
    if (r != XR_SUCCESS)
        return r;
    xrsim_instance *inst = d->session->instance;
    if (!pb || pb->type != XR_TYPE_PLANE_DETECTOR_POLYGON_BUFFER_EXT ||
        (pb->vertexCapacityInput && !pb->vertices))
        return xrsim_app_error(inst, fn, XR_ERROR_VALIDATION_FAILURE,
                               "bad XrPlaneDetectorPolygonBufferEXT");
    const xrsim_script_plane *p = NULL;
    for (uint32_t i = 0; i < d->count; i++)
        if (d->index[i] + 1 == plane_id)
            p = &inst->ar.planes[d->index[i]];
    if (!p || !d->contour || buffer_index != 0)
        return xrsim_app_error(inst, fn, XR_ERROR_VALIDATION_FAILURE,
                               "no such plane or polygon buffer (contours need "
                               "XR_PLANE_DETECTOR_ENABLE_CONTOUR_BIT_EXT; index 0 only)");
    const float w = p->width / 2, hh = p->depth / 2;
    const XrVector2f rect[4] = {{-w, -hh}, {w, -hh}, {w, hh}, {-w, hh}}; // counter-clockwise
    pb->vertexCountOutput = 4;
    if (pb->vertexCapacityInput == 0)
        return XR_SUCCESS;
    if (pb->vertexCapacityInput < 4)
        return xrsim_app_error(inst, fn, XR_ERROR_SIZE_INSUFFICIENT, "capacity below 4");
    for (int i = 0; i < 4; i++)
        pb->vertices[i] = rect[i];
    return XR_SUCCESS;
}

void xrsim_planes_free_for(xrsim_session *s)
{
    void *live[MAX_DETECTORS];
    size_t n = xrsim_handle_collect(XRSIM_PLANE_DETECTOR, live, MAX_DETECTORS);
    for (size_t i = 0; i < n; i++)
        if (((xrsim_plane_detector *)live[i])->session == s)
            xrsim_handle_release(live[i]);
}

void xrsim_planes_system_properties(const xrsim_instance *inst, XrSystemProperties *p)
{
    for (XrBaseOutStructure *n = p->next; n; n = n->next)
        if (inst->ext_planes && n->type == XR_TYPE_SYSTEM_PLANE_DETECTION_PROPERTIES_EXT)
            ((XrSystemPlaneDetectionPropertiesEXT *)n)->supportedFeatures =
                XR_PLANE_DETECTION_CAPABILITY_PLANE_DETECTION_BIT_EXT |
                XR_PLANE_DETECTION_CAPABILITY_SEMANTIC_CEILING_BIT_EXT |
                XR_PLANE_DETECTION_CAPABILITY_SEMANTIC_FLOOR_BIT_EXT |
                XR_PLANE_DETECTION_CAPABILITY_SEMANTIC_WALL_BIT_EXT |
                XR_PLANE_DETECTION_CAPABILITY_SEMANTIC_PLATFORM_BIT_EXT |
                XR_PLANE_DETECTION_CAPABILITY_ORIENTATION_BIT_EXT;
}
