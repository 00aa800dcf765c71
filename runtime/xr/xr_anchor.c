// SPDX-License-Identifier: Apache-2.0
// The tabletop placement kept in the room (docs/ar.md): one spatial anchor
// per session through XR_MSFT_spatial_anchor, located every frame (the
// runtime keeps it on the real table as its tracking improves), and kept
// by name across sessions through XR_MSFT_spatial_anchor_persistence.
#include <stdio.h>
#include <string.h>

#include "xr_internal.h"

stoa_result xr_anchor_init(stoa_xr *xr, stoa_error *err)
{
    xr_anchor *a = &xr->anchor;
    if (!a->has)
        return STOA_OK;
#define XR_PROC(field, name)                                                                       \
    XR_CHECK(xr, xrGetInstanceProcAddr(xr->instance, name, (PFN_xrVoidFunction *)&a->field))
    XR_PROC(create, "xrCreateSpatialAnchorMSFT");
    XR_PROC(create_space, "xrCreateSpatialAnchorSpaceMSFT");
    XR_PROC(destroy, "xrDestroySpatialAnchorMSFT");
    if (a->has_store) {
        XR_PROC(store_open, "xrCreateSpatialAnchorStoreConnectionMSFT");
        XR_PROC(store_close, "xrDestroySpatialAnchorStoreConnectionMSFT");
        XR_PROC(persist, "xrPersistSpatialAnchorMSFT");
        XR_PROC(unpersist, "xrUnpersistSpatialAnchorMSFT");
        XR_PROC(load, "xrCreateSpatialAnchorFromPersistedNameMSFT");
    }
#undef XR_PROC
    STOA_LOGI("xr", "spatial anchors: XR_MSFT_spatial_anchor%s",
              a->has_store ? " + persistence" : "");
    return STOA_OK;
}

static void drop(xr_anchor *a)
{
    if (a->space)
        xrDestroySpace(a->space);
    if (a->anchor)
        a->destroy(a->anchor);
    a->space = XR_NULL_HANDLE;
    a->anchor = XR_NULL_HANDLE;
}

void xr_anchor_session_destroy(stoa_xr *xr)
{
    xr_anchor *a = &xr->anchor;
    drop(a);
    if (a->store)
        a->store_close(a->store);
    a->store = XR_NULL_HANDLE;
}

bool stoa_xr_has_anchors(const stoa_xr *xr)
{
    return xr->anchor.has;
}

bool stoa_xr_has_anchor_store(const stoa_xr *xr)
{
    return xr->anchor.has_store;
}

// The anchor's space, for locating it.
static stoa_result make_space(stoa_xr *xr, stoa_error *err)
{
    xr_anchor *a = &xr->anchor;
    XrSpatialAnchorSpaceCreateInfoMSFT sc = {XR_TYPE_SPATIAL_ANCHOR_SPACE_CREATE_INFO_MSFT};
    sc.anchor = a->anchor;
    sc.poseInAnchorSpace.orientation.w = 1.0f;
    XrResult r = a->create_space(xr->session, &sc, &a->space);
    if (XR_FAILED(r)) {
        drop(a);
        XR_CHECK(xr, r);
    }
    return STOA_OK;
}

static bool open_store(stoa_xr *xr)
{
    xr_anchor *a = &xr->anchor;
    if (!a->has_store || !xr->session)
        return false;
    if (!a->store) {
        XrResult r = a->store_open(xr->session, &a->store);
        if (XR_FAILED(r)) {
            STOA_LOGW("xr", "spatial anchor store: cannot connect (%d)", (int)r);
            a->store = XR_NULL_HANDLE;
            return false;
        }
    }
    return true;
}

static void set_name(XrSpatialAnchorPersistenceNameMSFT *n, const char *name)
{
    memset(n, 0, sizeof *n);
    snprintf(n->name, sizeof n->name, "%s", name);
}

stoa_result stoa_xr_anchor_set(stoa_xr *xr, const float position[3], const float orientation[4],
                               const char *name, stoa_error *err)
{
    xr_anchor *a = &xr->anchor;
    if (!a->has || !xr->session)
        return stoa_error_set(err, STOA_ERROR_UNSUPPORTED, "the runtime has no spatial anchors");
    drop(a);
    XrSpatialAnchorCreateInfoMSFT ci = {XR_TYPE_SPATIAL_ANCHOR_CREATE_INFO_MSFT};
    ci.space = xr->app_space;
    ci.pose.position = (XrVector3f){position[0], position[1], position[2]};
    ci.pose.orientation = (XrQuaternionf){orientation[0], orientation[1], orientation[2],
                                          orientation[3]};
    ci.time = xr->frame_state.predictedDisplayTime;
    XR_CHECK(xr, a->create(xr->session, &ci, &a->anchor));
    stoa_result res = make_space(xr, err);
    if (res < 0 || !name || !open_store(xr))
        return res;
    XrSpatialAnchorPersistenceNameMSFT pn;
    set_name(&pn, name);
    a->unpersist(a->store, &pn); // a placement from before: replaced (none is fine)
    XrSpatialAnchorPersistenceInfoMSFT pi = {XR_TYPE_SPATIAL_ANCHOR_PERSISTENCE_INFO_MSFT};
    pi.spatialAnchorPersistenceName = pn;
    pi.spatialAnchor = a->anchor;
    XrResult r = a->persist(a->store, &pi);
    if (XR_FAILED(r)) // the anchor holds for this session all the same
        STOA_LOGW("xr", "spatial anchor '%s' not persisted (%d)", name, (int)r);
    return STOA_OK;
}

bool stoa_xr_anchor_load(stoa_xr *xr, const char *name)
{
    xr_anchor *a = &xr->anchor;
    if (!name || !open_store(xr))
        return false;
    XrSpatialAnchorFromPersistedAnchorCreateInfoMSFT li = {
        XR_TYPE_SPATIAL_ANCHOR_FROM_PERSISTED_ANCHOR_CREATE_INFO_MSFT};
    li.spatialAnchorStore = a->store;
    set_name(&li.spatialAnchorPersistenceName, name);
    XrSpatialAnchorMSFT anchor = XR_NULL_HANDLE;
    XrResult r = a->load(xr->session, &li, &anchor);
    if (XR_FAILED(r)) {
        if (r != XR_ERROR_SPATIAL_ANCHOR_NAME_NOT_FOUND_MSFT)
            STOA_LOGW("xr", "spatial anchor '%s' could not be loaded (%d)", name, (int)r);
        return false;
    }
    drop(a);
    a->anchor = anchor;
    stoa_error err = {0};
    return make_space(xr, &err) >= 0;
}

bool stoa_xr_anchor_locate(stoa_xr *xr, float position[3], float orientation[4])
{
    xr_anchor *a = &xr->anchor;
    if (!a->space)
        return false;
    XrSpaceLocation loc = {XR_TYPE_SPACE_LOCATION};
    XrResult r = xrLocateSpace(a->space, xr->app_space, xr->frame_state.predictedDisplayTime, &loc);
    if (XR_FAILED(r) || !(loc.locationFlags & XR_SPACE_LOCATION_POSITION_VALID_BIT) ||
        !(loc.locationFlags & XR_SPACE_LOCATION_ORIENTATION_VALID_BIT))
        return false;
    position[0] = loc.pose.position.x;
    position[1] = loc.pose.position.y;
    position[2] = loc.pose.position.z;
    orientation[0] = loc.pose.orientation.x;
    orientation[1] = loc.pose.orientation.y;
    orientation[2] = loc.pose.orientation.z;
    orientation[3] = loc.pose.orientation.w;
    return true;
}
