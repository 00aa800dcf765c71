// SPDX-License-Identifier: Apache-2.0
// The event queue, paths, and the to-string functions.
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/stoa_log.h"
#include <openxr/openxr_reflection.h>

#include "xrsim_api.h"

// Engines often call xrWaitFrame (which queues state changes) on another
// thread than xrPollEvent: the queue is the state they share.
static pthread_mutex_t g_events_lock = PTHREAD_MUTEX_INITIALIZER;

void xrsim_event_push(xrsim_instance *inst, const void *event, size_t size)
{
    pthread_mutex_lock(&g_events_lock);
    if (inst->event_count == XRSIM_MAX_EVENTS) {
        pthread_mutex_unlock(&g_events_lock);
        STOA_LOGW(XRSIM_LOG, "event queue full: the app is not calling xrPollEvent");
        return;
    }
    uint32_t slot = (inst->event_head + inst->event_count++) % XRSIM_MAX_EVENTS;
    memset(&inst->events[slot], 0, sizeof inst->events[slot]);
    memcpy(&inst->events[slot], event, size);
    pthread_mutex_unlock(&g_events_lock);
}

void xrsim_event_purge_session(xrsim_instance *inst, XrSession session)
{
    XrEventDataBuffer keep[XRSIM_MAX_EVENTS];
    uint32_t n = 0;
    pthread_mutex_lock(&g_events_lock);
    for (uint32_t i = 0; i < inst->event_count; i++) {
        XrEventDataBuffer *e = &inst->events[(inst->event_head + i) % XRSIM_MAX_EVENTS];
        XrSession ref = XR_NULL_HANDLE;
        if (e->type == XR_TYPE_EVENT_DATA_SESSION_STATE_CHANGED)
            ref = ((XrEventDataSessionStateChanged *)e)->session;
        else if (e->type == XR_TYPE_EVENT_DATA_REFERENCE_SPACE_CHANGE_PENDING)
            ref = ((XrEventDataReferenceSpaceChangePending *)e)->session;
        else if (e->type == XR_TYPE_EVENT_DATA_INTERACTION_PROFILE_CHANGED)
            ref = ((XrEventDataInteractionProfileChanged *)e)->session;
        if (ref != session)
            keep[n++] = *e;
    }
    memcpy(inst->events, keep, n * sizeof keep[0]);
    inst->event_head = 0;
    inst->event_count = n;
    pthread_mutex_unlock(&g_events_lock);
}

XrResult xrsim_xrPollEvent(XrInstance instance, XrEventDataBuffer *out)
{
    XRSIM_API_LOCK();
    if (!xrsim_handle_live(instance, XRSIM_INSTANCE))
        return xrsim_check_instance(instance, "xrPollEvent");
    xrsim_instance *inst = (xrsim_instance *)instance;
    if (!out || out->type != XR_TYPE_EVENT_DATA_BUFFER)
        return xrsim_app_error(inst, "xrPollEvent", XR_ERROR_VALIDATION_FAILURE,
                               "eventData is not an XrEventDataBuffer");
    pthread_mutex_lock(&g_events_lock);
    if (inst->event_count == 0) {
        pthread_mutex_unlock(&g_events_lock);
        return inst->lost ? XR_ERROR_INSTANCE_LOST : XR_EVENT_UNAVAILABLE;
    }
    *out = inst->events[inst->event_head];
    inst->event_head = (inst->event_head + 1) % XRSIM_MAX_EVENTS;
    inst->event_count--;
    pthread_mutex_unlock(&g_events_lock);
    if (out->type == XR_TYPE_EVENT_DATA_INSTANCE_LOSS_PENDING)
        inst->lost = true; // from now on every call but destroy reports the loss
    if (out->type == XR_TYPE_EVENT_DATA_SESSION_STATE_CHANGED) {
        const XrEventDataSessionStateChanged *ev = (const XrEventDataSessionStateChanged *)out;
        // The app knows now: its session is lost (see xrsim_session.loss_pending).
        if (ev->state == XR_SESSION_STATE_LOSS_PENDING &&
            xrsim_handle_live(ev->session, XRSIM_SESSION))
            ((xrsim_session *)ev->session)->lost = true;
    }
    return XR_SUCCESS;
}

// ---- paths ---------------------------------------------------------------------------

static bool path_well_formed(const char *s)
{
    size_t n = strlen(s);
    if (n < 2 || n >= XR_MAX_PATH_LENGTH || s[0] != '/' || s[n - 1] == '/')
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
                  c == '.' || c == '/';
        if (!ok || (c == '/' && s[i + 1] == '/'))
            return false;
        if (c == '/' && s[i + 1] == '.' && (s[i + 2] == '/' || s[i + 2] == '\0' ||
                                            (s[i + 2] == '.' && (s[i + 3] == '/' || !s[i + 3]))))
            return false;
    }
    return true;
}

XrPath xrsim_path_intern(xrsim_instance *inst, const char *s)
{
    for (uint32_t i = 0; i < inst->path_count; i++)
        if (strcmp(inst->paths[i], s) == 0)
            return (XrPath)(i + 1);
    if (inst->path_count == inst->path_cap) {
        uint32_t cap = inst->path_cap ? inst->path_cap * 2 : 128;
        char **p = realloc(inst->paths, cap * sizeof *p);
        if (!p)
            return XR_NULL_PATH;
        inst->paths = p;
        inst->path_cap = cap;
    }
    char *copy = strdup(s);
    if (!copy)
        return XR_NULL_PATH;
    inst->paths[inst->path_count++] = copy;
    return (XrPath)inst->path_count;
}

const char *xrsim_path_str(xrsim_instance *inst, XrPath p)
{
    if (p == XR_NULL_PATH || p > inst->path_count)
        return NULL;
    return inst->paths[p - 1];
}

void xrsim_paths_free(xrsim_instance *inst)
{
    for (uint32_t i = 0; i < inst->path_count; i++)
        free(inst->paths[i]);
    free(inst->paths);
    inst->paths = NULL;
    inst->path_count = inst->path_cap = 0;
}

XrResult xrsim_xrStringToPath(XrInstance instance, const char *s, XrPath *out)
{
    XRSIM_API_LOCK();
    XrResult r = xrsim_check_instance(instance, "xrStringToPath");
    if (r != XR_SUCCESS)
        return r;
    xrsim_instance *inst = (xrsim_instance *)instance;
    if (!s || !out)
        return xrsim_app_error(inst, "xrStringToPath", XR_ERROR_VALIDATION_FAILURE, "NULL");
    if (!path_well_formed(s))
        return xrsim_app_error(inst, "xrStringToPath", XR_ERROR_PATH_FORMAT_INVALID, s);
    *out = xrsim_path_intern(inst, s);
    return *out ? XR_SUCCESS : XR_ERROR_PATH_COUNT_EXCEEDED;
}

XrResult xrsim_xrPathToString(XrInstance instance, XrPath path, uint32_t cap, uint32_t *count,
                              char *buffer)
{
    XRSIM_API_LOCK();
    XrResult r = xrsim_check_instance(instance, "xrPathToString");
    if (r != XR_SUCCESS)
        return r;
    xrsim_instance *inst = (xrsim_instance *)instance;
    const char *s = xrsim_path_str(inst, path);
    if (!s)
        return xrsim_app_error(inst, "xrPathToString", XR_ERROR_PATH_INVALID, "unknown XrPath");
    return xrsim_fill_string(inst, "xrPathToString", cap, count, buffer, s);
}

// ---- strings ---------------------------------------------------------------------------

const char *xrsim_result_str(XrResult r)
{
    switch ((int)r) {
    // 1.1 core results that Debian's 1.0.20 headers do not list.
    case XRSIM_ERROR_PERMISSION_INSUFFICIENT: return "XR_ERROR_PERMISSION_INSUFFICIENT";
    case XRSIM_ERROR_EXTENSION_DEPENDENCY_NOT_ENABLED:
        return "XR_ERROR_EXTENSION_DEPENDENCY_NOT_ENABLED";
#define XRSIM_CASE(name, value) case name: return #name;
        XR_LIST_ENUM_XrResult(XRSIM_CASE)
#undef XRSIM_CASE
    default: return "XR_UNKNOWN_RESULT";
    }
}

const char *xrsim_state_str(XrSessionState s)
{
    switch (s) {
#define XRSIM_CASE(name, value) case name: return #name;
        XR_LIST_ENUM_XrSessionState(XRSIM_CASE)
#undef XRSIM_CASE
    default: return "XR_SESSION_STATE_UNKNOWN";
    }
}

static const char *struct_str(XrStructureType t)
{
    switch ((int)t) {
    case XRSIM_TYPE_SPACES_LOCATE_INFO: return "XR_TYPE_SPACES_LOCATE_INFO";
    case XRSIM_TYPE_SPACE_LOCATIONS: return "XR_TYPE_SPACE_LOCATIONS";
    case XRSIM_TYPE_SPACE_VELOCITIES: return "XR_TYPE_SPACE_VELOCITIES";
#define XRSIM_CASE(name, value) case name: return #name;
        XR_LIST_ENUM_XrStructureType(XRSIM_CASE)
#undef XRSIM_CASE
    default: return NULL;
    }
}

XrResult xrsim_xrResultToString(XrInstance instance, XrResult value,
                                char buffer[XR_MAX_RESULT_STRING_SIZE])
{
    XRSIM_API_LOCK();
    XrResult r = xrsim_check_instance(instance, "xrResultToString");
    if (r != XR_SUCCESS)
        return r;
    const char *s = xrsim_result_str(value);
    // Spec §2.9 (xrResultToString): an unknown value is XR_UNKNOWN_SUCCESS_
    // or XR_UNKNOWN_FAILURE_ followed by the value, its sign kept.
    if (strcmp(s, "XR_UNKNOWN_RESULT") == 0)
        snprintf(buffer, XR_MAX_RESULT_STRING_SIZE, "XR_UNKNOWN_%s_%d",
                 value < 0 ? "FAILURE" : "SUCCESS", (int)value);
    else
        snprintf(buffer, XR_MAX_RESULT_STRING_SIZE, "%s", s);
    return XR_SUCCESS;
}

XrResult xrsim_xrStructureTypeToString(XrInstance instance, XrStructureType value,
                                       char buffer[XR_MAX_STRUCTURE_NAME_SIZE])
{
    XRSIM_API_LOCK();
    XrResult r = xrsim_check_instance(instance, "xrStructureTypeToString");
    if (r != XR_SUCCESS)
        return r;
    const char *s = struct_str(value);
    if (s)
        snprintf(buffer, XR_MAX_STRUCTURE_NAME_SIZE, "%s", s);
    else
        snprintf(buffer, XR_MAX_STRUCTURE_NAME_SIZE, "XR_UNKNOWN_STRUCTURE_TYPE_%d", (int)value);
    return XR_SUCCESS;
}

// XrTime is CLOCK_MONOTONIC nanoseconds in real-time mode; on the simulated
// clock the mapping is the same formula, so conversions round-trip.
XrResult xrsim_xrConvertTimespecTimeToTimeKHR(XrInstance instance, const struct timespec *ts,
                                              XrTime *time)
{
    XRSIM_API_LOCK();
    XrResult r = xrsim_check_instance(instance, "xrConvertTimespecTimeToTimeKHR");
    if (r != XR_SUCCESS)
        return r;
    if (!ts || !time)
        return XR_ERROR_VALIDATION_FAILURE;
    *time = (XrTime)ts->tv_sec * 1000000000 + ts->tv_nsec;
    return *time > 0 ? XR_SUCCESS : XR_ERROR_TIME_INVALID;
}

XrResult xrsim_xrConvertTimeToTimespecTimeKHR(XrInstance instance, XrTime time,
                                              struct timespec *ts)
{
    XRSIM_API_LOCK();
    XrResult r = xrsim_check_instance(instance, "xrConvertTimeToTimespecTimeKHR");
    if (r != XR_SUCCESS)
        return r;
    if (!ts)
        return XR_ERROR_VALIDATION_FAILURE;
    if (time <= 0)
        return XR_ERROR_TIME_INVALID;
    ts->tv_sec = time / 1000000000;
    ts->tv_nsec = time % 1000000000;
    return XR_SUCCESS;
}
