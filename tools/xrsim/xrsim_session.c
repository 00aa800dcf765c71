// SPDX-License-Identifier: Apache-2.0
// Session lifecycle. Every state change goes through xrsim_session_set_state,
// which queues the event and assigns the state in one place, so the state
// the app sees through events is always the state the runtime is in.
#include <stdlib.h>
#include <string.h>

#include "core/stoa_log.h"
#include "xrsim_api.h"

static XrTime event_time(const xrsim_session *s)
{
    return s->predicted_ns ? s->predicted_ns : s->instance->timeline.clock_ns;
}

void xrsim_session_set_state(xrsim_session *s, XrSessionState state)
{
    XrEventDataSessionStateChanged ev = {
        .type = XR_TYPE_EVENT_DATA_SESSION_STATE_CHANGED,
        .session = (XrSession)s,
        .state = state,
        .time = event_time(s),
    };
    xrsim_event_push(s->instance, &ev, sizeof ev);
    STOA_LOGD(XRSIM_LOG, "session %s -> %s", xrsim_state_str(s->state), xrsim_state_str(state));
    s->state = state;
    xrsim_summary_state(&s->instance->summary, state);
}

void xrsim_session_request_stop(xrsim_session *s, const char *why)
{
    if (s->exit_requested || s->loss_pending || !s->running)
        return;
    s->exit_requested = true;
    xrsim_summary *sum = &s->instance->summary;
    if (!sum->exit_reason[0])
        strncpy(sum->exit_reason, why, sizeof sum->exit_reason - 1);
    STOA_LOGI(XRSIM_LOG, "asking the app to stop (%s)", why);
    // The specification's diagram: down through each state to STOPPING.
    if (s->state == XR_SESSION_STATE_FOCUSED)
        xrsim_session_set_state(s, XR_SESSION_STATE_VISIBLE);
    if (s->state == XR_SESSION_STATE_VISIBLE || s->state == XR_SESSION_STATE_READY)
        xrsim_session_set_state(s, XR_SESSION_STATE_SYNCHRONIZED);
    if (s->state == XR_SESSION_STATE_SYNCHRONIZED)
        xrsim_session_set_state(s, XR_SESSION_STATE_STOPPING);
}

// IDLE < READY < SYNCHRONIZED < VISIBLE < FOCUSED, the order a session
// climbs in; the enum's values follow it.
bool xrsim_session_may_enter(const xrsim_session *s, XrSessionState next)
{
    XrSessionState hold = s->instance->timeline.hold;
    return !hold || next <= hold;
}

void xrsim_session_set_hold(xrsim_session *s, XrSessionState hold)
{
    s->instance->timeline.hold = hold;
    STOA_LOGI(XRSIM_LOG, "script: hold at %s", hold ? xrsim_state_str(hold) : "none");
    if (!hold || s->loss_pending || s->exit_requested)
        return;
    // Down the specification's diagram to the held state.
    if (s->state == XR_SESSION_STATE_FOCUSED && hold < XR_SESSION_STATE_FOCUSED)
        xrsim_session_set_state(s, XR_SESSION_STATE_VISIBLE);
    if (s->state == XR_SESSION_STATE_VISIBLE && hold < XR_SESSION_STATE_VISIBLE)
        xrsim_session_set_state(s, XR_SESSION_STATE_SYNCHRONIZED);
    if (s->state == XR_SESSION_STATE_SYNCHRONIZED && hold < XR_SESSION_STATE_SYNCHRONIZED &&
        s->running) {
        // Below SYNCHRONIZED the session does not run: the user took the
        // headset off. It stops; xrEndSession brings it to IDLE, where it stays.
        s->held_stop = true;
        xrsim_session_set_state(s, XR_SESSION_STATE_STOPPING);
    }
}

void xrsim_session_lose(xrsim_session *s)
{
    if (s->loss_pending)
        return;
    STOA_LOGI(XRSIM_LOG, "script: losing the session");
    xrsim_session_set_state(s, XR_SESSION_STATE_LOSS_PENDING);
    s->loss_pending = true; // lost once the app has polled the event (xrPollEvent)
    s->instance->summary.session_lost = true;
    xrsim_api_frame_signal(); // a blocked xrWaitFrame returns the loss
}

void xrsim_session_free(xrsim_session *s)
{
    xrsim_capture_last(s);
    xrsim_passthrough_free_for(s);
    xrsim_planes_free_for(s);
    xrsim_anchors_free_for(s);
    xrsim_anchor_stores_free_for(s);
    xrsim_spaces_free_for(s);
    xrsim_swapchains_free_for(s);
    xrsim_vk_fini(&s->vk);
    xrsim_event_purge_session(s->instance, (XrSession)s);
    if (s->instance->session == s)
        s->instance->session = NULL;
    xrsim_handle_release(s);
    xrsim_api_frame_signal(); // a blocked xrWaitFrame sees the handle gone
}

static const XrGraphicsBindingVulkanKHR *find_binding(const void *next)
{
    for (const XrBaseInStructure *b = next; b; b = b->next)
        if (b->type == XR_TYPE_GRAPHICS_BINDING_VULKAN_KHR)
            return (const XrGraphicsBindingVulkanKHR *)b;
    return NULL;
}

XrResult xrsim_xrCreateSession(XrInstance instance, const XrSessionCreateInfo *ci,
                               XrSession *out)
{
    XRSIM_API_LOCK();
    const char *fn = "xrCreateSession";
    XrResult r = xrsim_check_instance(instance, fn);
    if (r != XR_SUCCESS)
        return r;
    xrsim_instance *inst = (xrsim_instance *)instance;
    if (!ci || !out || ci->type != XR_TYPE_SESSION_CREATE_INFO)
        return xrsim_app_error(inst, fn, XR_ERROR_VALIDATION_FAILURE, "bad create info");
    if (ci->createFlags != 0) // XrSessionCreateFlags has no bits: must be 0
        return xrsim_app_error(inst, fn, XR_ERROR_VALIDATION_FAILURE, "createFlags not 0");
    if (ci->systemId != 1)
        return xrsim_app_error(inst, fn, XR_ERROR_SYSTEM_INVALID, "unknown XrSystemId");
    if (!inst->gfx_reqs_queried)
        return xrsim_app_error(inst, fn, XR_ERROR_GRAPHICS_REQUIREMENTS_CALL_MISSING,
                               "xrGetVulkanGraphicsRequirements(2)KHR not called");
    const XrGraphicsBindingVulkanKHR *b = find_binding(ci->next);
    if (!b || !b->device || !b->physicalDevice || !b->instance)
        return xrsim_app_error(inst, fn, XR_ERROR_GRAPHICS_DEVICE_INVALID,
                               "no XrGraphicsBindingVulkanKHR in the next chain");
    if (inst->vk_phys && b->physicalDevice != inst->vk_phys)
        return xrsim_app_error(inst, fn, XR_ERROR_GRAPHICS_DEVICE_INVALID,
                               "physical device differs from xrGetVulkanGraphicsDevice(2)KHR");
    if (inst->session)
        return xrsim_app_error(inst, fn, XR_ERROR_LIMIT_REACHED, "a session already exists");
    xrsim_session *s = calloc(1, sizeof *s);
    if (!s)
        return XR_ERROR_OUT_OF_MEMORY;
    s->instance = inst;
    s->period_ns = (int64_t)(1e9 / inst->cfg.refresh_hz + 0.5);
    s->local_origin = (XrPosef){{0, 0, 0, 1}, {0, 1.7f, 0}};
    r = xrsim_vk_init(inst, b, &s->vk);
    if (r != XR_SUCCESS) {
        xrsim_vk_fini(&s->vk);
        free(s);
        return xrsim_app_error(inst, fn, r, "cannot use the app's VkDevice");
    }
    xrsim_handle_add(s, XRSIM_SESSION);
    inst->session = s;
    inst->summary.sessions++;
    s->state = XR_SESSION_STATE_UNKNOWN;
    xrsim_session_set_state(s, XR_SESSION_STATE_IDLE);
    if (xrsim_session_may_enter(s, XR_SESSION_STATE_READY))
        xrsim_session_set_state(s, XR_SESSION_STATE_READY);
    if (inst->sets) // sets from an earlier session may be attached again
        s->sets_attached = false;
    *out = (XrSession)s;
    return XR_SUCCESS;
}

XrResult xrsim_xrDestroySession(XrSession session)
{
    XRSIM_API_LOCK();
    if (!xrsim_handle_live(session, XRSIM_SESSION))
        return xrsim_check_session(session, "xrDestroySession", &(xrsim_session *){NULL});
    xrsim_session *s = (xrsim_session *)session;
    if (s->running && !s->loss_pending && !s->instance->lost)
        STOA_LOGW(XRSIM_LOG, "session destroyed while running (xrEndSession not called)");
    xrsim_session_free(s);
    return XR_SUCCESS;
}

XrResult xrsim_xrBeginSession(XrSession session, const XrSessionBeginInfo *info)
{
    XRSIM_API_LOCK();
    const char *fn = "xrBeginSession";
    xrsim_session *s;
    XrResult r = xrsim_check_session(session, fn, &s);
    if (r != XR_SUCCESS)
        return r;
    if (!info || info->type != XR_TYPE_SESSION_BEGIN_INFO)
        return xrsim_app_error(s->instance, fn, XR_ERROR_VALIDATION_FAILURE, "bad begin info");
    r = xrsim_check_view_config(s->instance, info->primaryViewConfigurationType, fn);
    if (r != XR_SUCCESS)
        return r;
    if (s->running)
        return xrsim_app_error(s->instance, fn, XR_ERROR_SESSION_RUNNING, "already running");
    if (s->state != XR_SESSION_STATE_READY)
        return xrsim_app_error(s->instance, fn, XR_ERROR_SESSION_NOT_READY, "state is not READY");
    s->running = true;
    s->frames_waited = s->frames_begun = s->frames_ended = 0;
    s->frame_waited = s->frame_begun = false;
    return XR_SUCCESS;
}

XrResult xrsim_xrEndSession(XrSession session)
{
    XRSIM_API_LOCK();
    const char *fn = "xrEndSession";
    xrsim_session *s;
    XrResult r = xrsim_check_session(session, fn, &s);
    if (r != XR_SUCCESS)
        return r;
    if (!s->running)
        return xrsim_app_error(s->instance, fn, XR_ERROR_SESSION_NOT_RUNNING, "not running");
    if (s->state != XR_SESSION_STATE_STOPPING)
        return xrsim_app_error(s->instance, fn, XR_ERROR_SESSION_NOT_STOPPING,
                               "state is not STOPPING");
    xrsim_capture_last(s);
    if (s->frame_waited || s->frame_begun)
        s->instance->summary.frames_dropped++;
    s->running = false;
    s->frame_waited = s->frame_begun = false;
    xrsim_api_frame_signal();
    xrsim_session_set_state(s, XR_SESSION_STATE_IDLE);
    // A hold that stopped the session keeps it in IDLE (the headset lies on
    // the table) until the app leaves. Otherwise the simulated user never
    // puts the headset back on: stopping is final.
    if (s->held_stop && !s->exit_requested)
        return XR_SUCCESS;
    xrsim_session_set_state(s, XR_SESSION_STATE_EXITING);
    return XR_SUCCESS;
}

XrResult xrsim_xrRequestExitSession(XrSession session)
{
    XRSIM_API_LOCK();
    const char *fn = "xrRequestExitSession";
    xrsim_session *s;
    XrResult r = xrsim_check_session(session, fn, &s);
    if (r != XR_SUCCESS)
        return r;
    if (!s->running)
        return xrsim_app_error(s->instance, fn, XR_ERROR_SESSION_NOT_RUNNING, "not running");
    xrsim_session_request_stop(s, "app requested exit");
    return XR_SUCCESS;
}
