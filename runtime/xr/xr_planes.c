// SPDX-License-Identifier: Apache-2.0
// The room's horizontal surfaces through XR_EXT_plane_detection, for
// tabletop placement (runtime/run/run_tabletop.c): one detector per session,
// asked for upward-facing planes around the learner; each finished
// detection replaces the list and the next one starts.
#include <string.h>

#include "xr_internal.h"

stoa_result xr_planes_init(stoa_xr *xr, stoa_error *err)
{
    xr_planes *p = &xr->planes;
    // The extension offered is taken as the system detecting planes: asking
    // (XrSystemPlaneDetectionPropertiesEXT) fails under Debian's OpenXR
    // validation layer (1.0.20), which does not know the structure. A
    // system that cannot fails xrCreatePlaneDetectorEXT: the set height then.
    if (!p->has)
        return STOA_OK;
#define XR_PROC(field, name)                                                                       \
    XR_CHECK(xr, xrGetInstanceProcAddr(xr->instance, name, (PFN_xrVoidFunction *)&p->field))
    XR_PROC(create, "xrCreatePlaneDetectorEXT");
    XR_PROC(destroy, "xrDestroyPlaneDetectorEXT");
    XR_PROC(begin, "xrBeginPlaneDetectionEXT");
    XR_PROC(state, "xrGetPlaneDetectionStateEXT");
    XR_PROC(get, "xrGetPlaneDetectionsEXT");
#undef XR_PROC
    STOA_LOGI("xr", "plane detection: XR_EXT_plane_detection");
    return STOA_OK;
}

void xr_planes_session_destroy(stoa_xr *xr)
{
    xr_planes *p = &xr->planes;
    if (p->detector)
        p->destroy(p->detector);
    p->detector = XR_NULL_HANDLE;
    p->begun = false;
    p->count = 0;
}

bool stoa_xr_has_planes(const stoa_xr *xr)
{
    return xr->planes.has;
}

static void failed(stoa_xr *xr, const char *call, XrResult r)
{
    if (!xr->planes.failed)
        STOA_LOGW("xr", "plane detection: %s failed (%d); placing on a set height instead", call,
                  (int)r);
    xr->planes.failed = true;
}

static void begin(stoa_xr *xr)
{
    xr_planes *p = &xr->planes;
    static const XrPlaneDetectorOrientationEXT up[] = {
        XR_PLANE_DETECTOR_ORIENTATION_HORIZONTAL_UPWARD_EXT};
    XrPlaneDetectorBeginInfoEXT bi = {XR_TYPE_PLANE_DETECTOR_BEGIN_INFO_EXT};
    bi.baseSpace = xr->app_space;
    bi.time = xr->frame_state.predictedDisplayTime;
    bi.orientationCount = 1;
    bi.orientations = up;
    bi.maxPlanes = XR_MAX_PLANES;
    bi.minArea = 0.04f; // a 20 cm square: a stool, not a book
    bi.boundingBoxPose.orientation.w = 1.0f;
    bi.boundingBoxExtent = (XrExtent3DfEXT){20.0f, 20.0f, 20.0f}; // the classroom
    XrResult r = p->begin(p->detector, &bi);
    if (XR_FAILED(r))
        failed(xr, "xrBeginPlaneDetectionEXT", r);
    p->begun = XR_SUCCEEDED(r);
}

static void take(stoa_xr *xr)
{
    xr_planes *p = &xr->planes;
    XrPlaneDetectorLocationEXT loc[XR_MAX_PLANES];
    for (uint32_t i = 0; i < XR_MAX_PLANES; i++)
        loc[i] = (XrPlaneDetectorLocationEXT){XR_TYPE_PLANE_DETECTOR_LOCATION_EXT};
    XrPlaneDetectorLocationsEXT ls = {XR_TYPE_PLANE_DETECTOR_LOCATIONS_EXT};
    ls.planeLocationCapacityInput = XR_MAX_PLANES;
    ls.planeLocations = loc;
    XrPlaneDetectorGetInfoEXT gi = {XR_TYPE_PLANE_DETECTOR_GET_INFO_EXT};
    gi.baseSpace = xr->app_space;
    gi.time = xr->frame_state.predictedDisplayTime;
    XrResult r = p->get(p->detector, &gi, &ls);
    if (XR_FAILED(r)) {
        failed(xr, "xrGetPlaneDetectionsEXT", r);
        return;
    }
    uint32_t n = 0;
    for (uint32_t i = 0; i < ls.planeLocationCountOutput && i < XR_MAX_PLANES; i++) {
        const XrPlaneDetectorLocationEXT *l = &loc[i];
        if (!(l->locationFlags & XR_SPACE_LOCATION_POSITION_VALID_BIT) ||
            !(l->locationFlags & XR_SPACE_LOCATION_ORIENTATION_VALID_BIT))
            continue;
        stoa_xr_plane *o = &p->found[n++];
        o->position[0] = l->pose.position.x;
        o->position[1] = l->pose.position.y;
        o->position[2] = l->pose.position.z;
        o->orientation[0] = l->pose.orientation.x;
        o->orientation[1] = l->pose.orientation.y;
        o->orientation[2] = l->pose.orientation.z;
        o->orientation[3] = l->pose.orientation.w;
        o->width = l->extents.width;
        o->height = l->extents.height;
        o->floor = l->semanticType == XR_PLANE_DETECTOR_SEMANTIC_TYPE_FLOOR_EXT;
    }
    if (n != p->count)
        STOA_LOGI("xr", "plane detection: %u horizontal surface(s)", n);
    p->count = n;
}

uint32_t stoa_xr_planes(stoa_xr *xr, stoa_xr_plane *out, uint32_t max)
{
    xr_planes *p = &xr->planes;
    if (!p->has || !xr->session || !xr->running || p->failed)
        return 0;
    if (!p->detector) {
        XrPlaneDetectorCreateInfoEXT ci = {XR_TYPE_PLANE_DETECTOR_CREATE_INFO_EXT};
        XrResult r = p->create(xr->session, &ci, &p->detector);
        if (XR_FAILED(r)) {
            failed(xr, "xrCreatePlaneDetectorEXT", r);
            return 0;
        }
    }
    if (p->begun) {
        XrPlaneDetectionStateEXT st = XR_PLANE_DETECTION_STATE_NONE_EXT;
        XrResult r = p->state(p->detector, &st);
        if (XR_FAILED(r) || st == XR_PLANE_DETECTION_STATE_FATAL_EXT) {
            failed(xr, "plane detection", XR_FAILED(r) ? r : XR_ERROR_RUNTIME_FAILURE);
            return 0;
        }
        if (st == XR_PLANE_DETECTION_STATE_DONE_EXT)
            take(xr);
        if (st != XR_PLANE_DETECTION_STATE_PENDING_EXT)
            p->begun = false; // done or a passing error: ask again
    }
    if (!p->begun)
        begin(xr);
    uint32_t n = p->count < max ? p->count : max;
    memcpy(out, p->found, n * sizeof *out);
    return n;
}
