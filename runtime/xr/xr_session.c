// SPDX-License-Identifier: Apache-2.0
// Session lifecycle as the OpenXR specification lays it out: begin on READY,
// end on STOPPING, leave on EXITING; on LOSS_PENDING tear the session down
// and bring a new one up when the runtime is back.
#include <stdlib.h>
#include <string.h>

#include "core/stoa_clock.h"
#include "xr_internal.h"

static const char *state_name(XrSessionState s)
{
    static const char *names[] = {"UNKNOWN", "IDLE",     "READY",        "SYNCHRONIZED", "VISIBLE",
                                  "FOCUSED", "STOPPING", "LOSS_PENDING", "EXITING"};
    return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "?";
}

static stoa_result make_spaces(stoa_xr *xr, stoa_error *err)
{
    XrReferenceSpaceType types[8];
    uint32_t n = 0;
    XR_CHECK(xr, xrEnumerateReferenceSpaces(xr->session, 8, &n, types));
    xr->app_space_is_stage = false;
    for (uint32_t i = 0; i < n; i++)
        xr->app_space_is_stage |= types[i] == XR_REFERENCE_SPACE_TYPE_STAGE;
    XrReferenceSpaceCreateInfo ci = {XR_TYPE_REFERENCE_SPACE_CREATE_INFO};
    ci.poseInReferenceSpace.orientation.w = 1.0f;
    ci.referenceSpaceType =
        xr->app_space_is_stage ? XR_REFERENCE_SPACE_TYPE_STAGE : XR_REFERENCE_SPACE_TYPE_LOCAL;
    XR_CHECK(xr, xrCreateReferenceSpace(xr->session, &ci, &xr->app_space));
    ci.referenceSpaceType = XR_REFERENCE_SPACE_TYPE_VIEW;
    XR_CHECK(xr, xrCreateReferenceSpace(xr->session, &ci, &xr->view_space));
    STOA_LOGI("xr", "tracking space: %s", xr->app_space_is_stage ? "STAGE" : "LOCAL");
    return STOA_OK;
}

stoa_result xr_session_create(stoa_xr *xr, stoa_error *err)
{
    const stoa_gfx_device_handles *vk = stoa_gfx_device_get_handles(xr->device);
    XrGraphicsBindingVulkanKHR binding = {XR_TYPE_GRAPHICS_BINDING_VULKAN_KHR};
    binding.instance = vk->instance;
    binding.physicalDevice = vk->physical_device;
    binding.device = vk->device;
    binding.queueFamilyIndex = vk->queue_family;
    binding.queueIndex = vk->queue_index;
    XrSessionCreateInfo ci = {XR_TYPE_SESSION_CREATE_INFO, &binding};
    ci.systemId = xr->system;
    XR_CHECK(xr, xrCreateSession(xr->instance, &ci, &xr->session));
    xr->state = XR_SESSION_STATE_UNKNOWN;
    stoa_result r = make_spaces(xr, err);
    if (r >= 0)
        r = xr_actions_attach(xr, err);
    if (r >= 0)
        r = xr_swapchains_create(xr, err);
    if (r >= 0)
        r = xr_blend_session_create(xr, err); // XR_FB_passthrough's layer, when on
    return r;
}

void xr_session_destroy(stoa_xr *xr)
{
    // The swapchain images are used by our own frames only: waiting for
    // their fences is enough (no device-idle wait on a session loss).
    if (xr->device && xr->pool) {
        VkDevice d = stoa_gfx_device_get_handles(xr->device)->device;
        if (vkWaitForFences(d, 2, xr->fence, VK_TRUE, UINT64_MAX) != VK_SUCCESS)
            stoa_gfx_device_wait_idle(xr->device); // a lost device: nothing better
    }
    xr_swapchains_destroy(xr);
    xr_blend_session_destroy(xr);
    xr_planes_session_destroy(xr);
    xr_anchor_session_destroy(xr);
    xr_actions_destroy_spaces(xr);
    if (xr->view_space)
        xrDestroySpace(xr->view_space);
    if (xr->app_space)
        xrDestroySpace(xr->app_space);
    xr->view_space = xr->app_space = XR_NULL_HANDLE;
    if (xr->session)
        xrDestroySession(xr->session);
    xr->session = XR_NULL_HANDLE;
    xr->running = false;
    xr->state = XR_SESSION_STATE_UNKNOWN;
    xr->exit_sent = false;
    xr->focused_once = false;
}

static stoa_result on_state(stoa_xr *xr, XrSessionState s, stoa_xr_status *st, stoa_error *err)
{
    STOA_LOGI("xr", "session %s -> %s", state_name(xr->state), state_name(s));
    xr->state = s;
    switch (s) {
    case XR_SESSION_STATE_READY: {
        if (xr->exit_requested) // leaving anyway: no need to begin
            break;
        XrSessionBeginInfo bi = {XR_TYPE_SESSION_BEGIN_INFO};
        bi.primaryViewConfigurationType = XR_VIEW_CONFIGURATION_TYPE_PRIMARY_STEREO;
        XrResult r = xrBeginSession(xr->session, &bi);
        if (r == XR_ERROR_SESSION_LOST)
            return xr_session_lost(xr);
        XR_CHECK(xr, r);
        xr->running = true;
        break;
    }
    case XR_SESSION_STATE_FOCUSED: xr->focused_once = true; break;
    case XR_SESSION_STATE_STOPPING: {
        // Frames must not be waited, begun or ended from here on.
        XrResult r = xrEndSession(xr->session);
        xr->running = false;
        if (r == XR_ERROR_SESSION_LOST)
            return xr_session_lost(xr);
        XR_CHECK(xr, r);
        break;
    }
    case XR_SESSION_STATE_EXITING:
        st->should_exit = true;
        break;
    case XR_SESSION_STATE_LOSS_PENDING:
        // The runtime lost the device; a new session may be possible later.
        xr_session_lost(xr);
        break;
    default: break;
    }
    return STOA_OK;
}

stoa_result xr_session_lost(stoa_xr *xr)
{
    STOA_LOGW("xr", "session lost; waiting for the runtime to offer a new one");
    xr_session_destroy(xr);
    xr->session_lost_pending = true;
    xr->loss_unreported = true;
    return STOA_TIMEOUT;
}

// After a loss: try for a new system and session, quietly, on each poll.
static void try_recover(stoa_xr *xr, stoa_xr_status *st)
{
    XrSystemGetInfo si = {XR_TYPE_SYSTEM_GET_INFO};
    si.formFactor = XR_FORM_FACTOR_HEAD_MOUNTED_DISPLAY;
    XrSystemId system;
    XrResult r = xrGetSystem(xr->instance, &si, &system);
    if (r == XR_ERROR_INSTANCE_LOST) {
        st->instance_lost = true;
        return;
    }
    if (XR_FAILED(r) || system != xr->system)
        return; // not back yet (a different system would need a new device)
    stoa_error err = {0};
    if (xr_session_create(xr, &err) < 0) {
        STOA_LOGW("xr", "session not back yet: %s", err.message);
        xr_session_destroy(xr);
        return;
    }
    STOA_LOGI("xr", "session recreated after loss");
    xr->session_lost_pending = false;
}

// One step of leaving (see stoa_xr_request_exit for the path per state).
static void exit_step(stoa_xr *xr, stoa_xr_status *st)
{
    if (!xr->session) { // lost, and no new one yet: nothing to end
        STOA_LOGI("xr", "leaving without a session");
        st->should_exit = true;
        return;
    }
    if (xr->running && xr->state != XR_SESSION_STATE_STOPPING && !xr->exit_sent) {
        XrResult r = xrRequestExitSession(xr->session);
        if (XR_SUCCEEDED(r)) {
            xr->exit_sent = true;
        } else {
            // The runtime will not stop this session for us: end it here.
            STOA_LOGW("xr", "xrRequestExitSession in %s failed (%d): leaving without it",
                      state_name(xr->state), (int)r);
            st->should_exit = true;
        }
    } else if (!xr->running && !xr->exit_sent) {
        // UNKNOWN, IDLE, READY not begun, or STOPPING already ended: the
        // specification lets the application destroy such a session.
        STOA_LOGI("xr", "leaving from %s: no running session to end", state_name(xr->state));
        st->should_exit = true;
    }
    // Otherwise STOPPING, IDLE then EXITING follow our request: wait for them
    // (bounded below).
    if (!st->should_exit && stoa_time_seconds() - xr->exit_asked_s > STOA_XR_EXIT_TIMEOUT_S) {
        STOA_LOGW("xr", "the runtime has not ended the session %.0f s after the request "
                        "(state %s): leaving anyway",
                  STOA_XR_EXIT_TIMEOUT_S, state_name(xr->state));
        st->should_exit = true;
    }
}

stoa_result stoa_xr_poll(stoa_xr *xr, stoa_xr_status *st, stoa_error *err)
{
    memset(st, 0, sizeof *st);
    if (xr->loss_unreported) {
        st->session_lost = true;
        xr->loss_unreported = false;
    }
    if (xr->session_lost_pending && !xr->exit_requested)
        try_recover(xr, st);
    for (;;) {
        XrEventDataBuffer ev = {XR_TYPE_EVENT_DATA_BUFFER};
        XrResult r = xrPollEvent(xr->instance, &ev);
        if (r == XR_EVENT_UNAVAILABLE)
            break;
        if (r == XR_ERROR_INSTANCE_LOST) {
            st->instance_lost = true;
            break;
        }
        XR_CHECK(xr, r);
        switch (ev.type) {
        case XR_TYPE_EVENT_DATA_SESSION_STATE_CHANGED: {
            const XrEventDataSessionStateChanged *sc = (const void *)&ev;
            if (sc->session != xr->session)
                break; // an event for a session already torn down
            stoa_result res = on_state(xr, sc->state, st, err);
            if (res < 0)
                return res;
            break;
        }
        case XR_TYPE_EVENT_DATA_INSTANCE_LOSS_PENDING: st->instance_lost = true; break;
        case XR_TYPE_EVENT_DATA_REFERENCE_SPACE_CHANGE_PENDING: st->recentred = true; break;
        case XR_TYPE_EVENT_DATA_INTERACTION_PROFILE_CHANGED: st->profile_changed = true; break;
        case XR_TYPE_EVENT_DATA_EVENTS_LOST:
            STOA_LOGW("xr", "the runtime dropped events");
            break;
        default: break;
        }
    }
    if (xr->exit_requested && !st->should_exit)
        exit_step(xr, st);
    st->session_running = xr->running;
    st->focused = xr->state == XR_SESSION_STATE_FOCUSED;
    st->visible = xr->state == XR_SESSION_STATE_VISIBLE || st->focused;
    st->system_paused = xr->session && xr->focused_once && !st->focused;
    return STOA_OK;
}

void stoa_xr_request_exit(stoa_xr *xr)
{
    if (xr->exit_requested)
        return;
    xr->exit_requested = true;
    xr->exit_asked_s = stoa_time_seconds();
    STOA_LOGI("xr", "exit asked in state %s", stoa_xr_state_name(xr));
}

const char *stoa_xr_state_name(const stoa_xr *xr)
{
    return xr->session ? state_name(xr->state) : "NONE";
}

stoa_result stoa_xr_create(const stoa_xr_desc *desc, stoa_xr **out, stoa_error *err)
{
    *out = NULL;
    stoa_xr *xr = calloc(1, sizeof *xr);
    if (!xr)
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "out of memory");
    if (desc)
        xr->desc = *desc;
    for (int i = 0; i < 16; i++)
        xr->world_from_tracking[i] = i % 5 == 0 ? 1.0f : 0.0f;
    stoa_result r = xr_instance_create(xr, err);
    if (r >= 0)
        r = xr_blend_init(xr, err);
    if (r >= 0)
        r = xr_planes_init(xr, err);
    if (r >= 0)
        r = xr_anchor_init(xr, err);
    if (r >= 0)
        r = xr_actions_create(xr, err);
    if (r >= 0)
        r = xr_device_create(xr, err);
    if (r >= 0)
        r = xr_session_create(xr, err);
    if (r < 0) {
        stoa_xr_destroy(&xr);
        return r;
    }
    *out = xr;
    return STOA_OK;
}

void stoa_xr_destroy(stoa_xr **pxr)
{
    stoa_xr *xr = *pxr;
    if (!xr)
        return;
    xr_session_destroy(xr);
    stoa_gfx_renderer_destroy(&xr->renderer);
    stoa_gfx_device_destroy(&xr->device);
    if (xr->actions.set)
        xrDestroyActionSet(xr->actions.set);
    if (xr->instance)
        xrDestroyInstance(xr->instance);
    free(xr);
    *pxr = NULL;
}

stoa_gfx_device *stoa_xr_device(stoa_xr *xr)
{
    return xr->device;
}

stoa_gfx_renderer *stoa_xr_renderer(stoa_xr *xr)
{
    return xr->renderer;
}

const char *stoa_xr_runtime_name(const stoa_xr *xr)
{
    return xr->runtime_name;
}

void stoa_xr_set_world_from_tracking(stoa_xr *xr, const float m[16])
{
    memcpy(xr->world_from_tracking, m, sizeof xr->world_from_tracking);
}

void stoa_xr_haptic(stoa_xr *xr, stoa_xr_hand_id hand, float amplitude, float seconds)
{
    if (!xr->running)
        return;
    XrHapticVibration v = {XR_TYPE_HAPTIC_VIBRATION};
    v.amplitude = amplitude;
    v.duration = (XrDuration)(seconds * 1e9f);
    v.frequency = XR_FREQUENCY_UNSPECIFIED;
    XrHapticActionInfo hi = {XR_TYPE_HAPTIC_ACTION_INFO};
    hi.action = xr->actions.haptic;
    hi.subactionPath = xr->actions.hand_paths[hand];
    XrResult r = xrApplyHapticFeedback(xr->session, &hi, (const XrHapticBaseHeader *)&v);
    if (XR_FAILED(r))
        STOA_LOGW("xr", "haptic pulse failed (%d)", (int)r);
}
