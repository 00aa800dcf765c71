// SPDX-License-Identifier: Apache-2.0
// The frame loop: xrWaitFrame paces on the simulated display clock (or on
// real time with STOA_XRSIM_REALTIME=1), advances the session's states and
// the script; xrBeginFrame/xrEndFrame check order and layers, then count,
// capture and end the run when asked.
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "core/stoa_log.h"
#include "xrsim_api.h"
#include "xrsim_result.h"

#define NO_END_FRAME_LIMIT 10 // waits while FOCUSED without xrEndFrame before reporting

double xrsim_script_time(const xrsim_session *s, int64_t t)
{
    const struct xrsim_timeline *tl = &s->instance->timeline;
    if (!tl->t0_ns)
        return 0.0;
    double v = (double)(t - tl->t0_ns - tl->paused_ns) / 1e9;
    return tl->waiting && v > tl->wait_t ? tl->wait_t : v;
}

// How long xrWaitFrame waits for the previous frame's xrBeginFrame. The
// specification has it block until then; an app that calls xrWaitFrame
// twice on one thread would block forever, so after this long xrsim gives
// up, counts the earlier frame as dropped and says so in the log.
#define WAIT_FOR_BEGIN_NS 2000000000LL

// The simulated display clock. XrTime is CLOCK_MONOTONIC in nanoseconds
// (xrConvertTimespecTimeToTimeKHR is the identity). A session's first
// display period starts at the later of the timeline's clock and the
// monotonic clock now, so a predicted display time is never in the past
// when the session starts; after that each xrWaitFrame advances exactly one
// period, which keeps every run's frame times, and the script's t, the same,
// and blocks until that period begins on the monotonic clock (spec §10.4.2:
// "the runtime should block until the beginning of the next frame
// interval"). An app slower than the display gets its frames late rather
// than skipped. With STOA_XRSIM_REALTIME=1 xrWaitFrame also skips the
// periods the app missed, as a real compositor does.
static void advance_clock(xrsim_session *s)
{
    xrsim_instance *inst = s->instance;
    if (!inst->cfg.realtime) {
        if (!s->predicted_ns) {
            int64_t now = xrsim_mono_ns();
            if (now > inst->timeline.clock_ns) {
                // The script's t runs on frames, not on gaps between sessions.
                if (inst->timeline.t0_ns)
                    inst->timeline.t0_ns += now - inst->timeline.clock_ns;
                inst->timeline.clock_ns = now;
            }
        }
        s->predicted_ns = (s->predicted_ns ? s->predicted_ns : inst->timeline.clock_ns) + s->period_ns;
    } else {
        int64_t now = xrsim_mono_ns();
        int64_t next = s->predicted_ns ? s->predicted_ns + s->period_ns : now + s->period_ns;
        while (next < now + s->period_ns / 2) // the app fell behind: skip vsyncs
            next += s->period_ns;
        s->predicted_ns = next;
    }
    if (!inst->timeline.t0_ns)
        inst->timeline.t0_ns = s->predicted_ns;
    inst->timeline.clock_ns = s->predicted_ns;
}

// Pacing: sleeps (with the runtime's lock released, so other threads can
// begin and end frames) until the display period before the predicted
// display time starts. An app that fell behind the display catches up, but
// no faster than two frames a period: the spec (§10.4.2) has xrWaitFrame
// block until the next frame interval when less than one has passed since
// its previous return ("should"), and a real compositor would skip the
// periods instead, which would make runs differ. Returns an error when the
// session went away meanwhile.
static XrResult sleep_until_period(XrSession session, xrsim_session *s)
{
    int64_t wake = s->predicted_ns - s->period_ns;
    if (s->wake_ns && s->wake_ns + s->period_ns / 2 > wake)
        wake = s->wake_ns + s->period_ns / 2;
    int64_t now = xrsim_mono_ns();
    s->wake_ns = wake > now ? wake : now;
    if (now >= wake)
        return XR_SUCCESS;
    while ((now = xrsim_mono_ns()) < wake) {
        xrsim_api_frame_wait(wake);
        xrsim_session *live;
        XrResult r = xrsim_check_session(session, "xrWaitFrame", &live);
        if (r != XR_SUCCESS)
            return r;
        if (!live->running)
            return XR_ERROR_SESSION_NOT_RUNNING;
    }
    // How late the sleep ended (scheduler and lock latency): the part of an
    // app's frame time that is xrsim's own, kept for the summary.
    xrsim_summary *sum = &s->instance->summary;
    const int64_t late = now - wake;
    sum->wake_sleeps++;
    sum->wake_late_sum_ns += late;
    if (late > sum->wake_late_max_ns)
        sum->wake_late_max_ns = late;
    return XR_SUCCESS;
}

// Fires the script's one-shot events due by now; returns a success code
// for xrWaitFrame (XR_SESSION_LOSS_PENDING once the session is being lost).
static XrResult run_script(xrsim_session *s)
{
    xrsim_instance *inst = s->instance;
    const xrsim_script *sc = &inst->script;
    double now = xrsim_script_time(s, s->predicted_ns);
    XrResult result = XR_SUCCESS;
    uint32_t *cursor = &inst->timeline.cursor;
    while (*cursor < sc->event_count && sc->events[*cursor].t <= now + 1e-6) {
        const xrsim_script_event *e = &sc->events[*cursor];
        if (e->kind == XRSIM_EV_WAIT) {
            struct xrsim_timeline *tl = &inst->timeline;
            if (access(e->path, F_OK) != 0) { // the clock stands until the file is there
                if (!tl->waiting)
                    STOA_LOGI(XRSIM_LOG, "script: waiting for %s at t = %.3f", e->path, e->t);
                tl->waiting = true;
                tl->wait_t = e->t;
                break;
            }
            // Go on from wait_t: the time stood still is not the script's.
            double raw = (double)(s->predicted_ns - tl->t0_ns - tl->paused_ns) / 1e9;
            if (raw > e->t)
                tl->paused_ns += (int64_t)((raw - e->t) * 1e9);
            tl->waiting = false;
            double at = e->t;
            char path[sizeof e->path], err[512];
            snprintf(path, sizeof path, "%s", e->path);
            (*cursor)++;
            if (!xrsim_script_splice(&inst->script, *cursor, at, path, err, sizeof err))
                STOA_LOGW(XRSIM_LOG, "script: %s (the timeline goes on unchanged)", err);
            else
                STOA_LOGI(XRSIM_LOG, "script: %s is there, going on at t = %.3f", path, at);
            now = xrsim_script_time(s, s->predicted_ns);
            continue;
        }
        (*cursor)++;
        switch (e->kind) {
        case XRSIM_EV_RECENTRE: xrsim_space_recentre(s, s->predicted_ns); break;
        case XRSIM_EV_DRIFT: {
            XrPosef delta = {xrsim_quat_from_euler_deg(e->x, 0, 0),
                             {e->point[0], e->point[1], e->point[2]}};
            inst->timeline.room = xrsim_pose_mul(delta, inst->timeline.room);
            STOA_LOGI(XRSIM_LOG, "script: the room drifts by (%.3f, %.3f, %.3f), %.1f deg",
                      e->point[0], e->point[1], e->point[2], e->x);
            break;
        }
        case XRSIM_EV_HOLD: xrsim_session_set_hold(s, e->hold); break;
        case XRSIM_EV_EXIT: xrsim_session_request_stop(s, "script exit"); break;
        case XRSIM_EV_LOSE_SESSION:
            xrsim_session_lose(s);
            result = XR_SESSION_LOSS_PENDING;
            break;
        case XRSIM_EV_LOSE_INSTANCE: {
            XrEventDataInstanceLossPending ev = {
                .type = XR_TYPE_EVENT_DATA_INSTANCE_LOSS_PENDING,
                .lossTime = s->predicted_ns,
            };
            xrsim_event_push(inst, &ev, sizeof ev);
            inst->loss_pending = true;
            inst->summary.instance_lost = true;
            STOA_LOGI(XRSIM_LOG, "script: losing the instance");
            break;
        }
        case XRSIM_EV_LOOK_AT:
        case XRSIM_EV_SELECT:
        case XRSIM_EV_GRAB:
        case XRSIM_EV_ANSWER:
        case XRSIM_EV_TELEPORT: {
            // Adds keys and inputs to the script: `e` and `sc->events` may move.
            xrsim_script_event copy = *e;
            xrsim_learner_fire(inst, &copy, now);
            break;
        }
        default: break; // inputs are read by time, not fired
        }
    }
    return result;
}

static void advance_states(xrsim_session *s)
{
    if (s->exit_requested || s->loss_pending)
        return;
    if (s->state == XR_SESSION_STATE_READY &&
        xrsim_session_may_enter(s, XR_SESSION_STATE_SYNCHRONIZED)) {
        xrsim_session_set_state(s, XR_SESSION_STATE_SYNCHRONIZED);
    } else if (s->state == XR_SESSION_STATE_SYNCHRONIZED &&
               xrsim_session_may_enter(s, XR_SESSION_STATE_VISIBLE)) {
        xrsim_session_set_state(s, XR_SESSION_STATE_VISIBLE);
        if (xrsim_session_may_enter(s, XR_SESSION_STATE_FOCUSED))
            xrsim_session_set_state(s, XR_SESSION_STATE_FOCUSED);
    } else if (s->state == XR_SESSION_STATE_VISIBLE &&
               xrsim_session_may_enter(s, XR_SESSION_STATE_FOCUSED)) {
        xrsim_session_set_state(s, XR_SESSION_STATE_FOCUSED); // a hold let go
    }
}

static void watch_end_frame(xrsim_session *s)
{
    xrsim_summary *sum = &s->instance->summary;
    if (s->state != XR_SESSION_STATE_FOCUSED)
        return;
    s->waits_without_end++;
    if (s->waits_without_end > sum->no_end_frame_waits && s->waits_without_end >= NO_END_FRAME_LIMIT)
        sum->no_end_frame_waits = s->waits_without_end;
    if (s->waits_without_end >= NO_END_FRAME_LIMIT && !s->reported_no_end_frame) {
        s->reported_no_end_frame = true;
        sum->no_end_frame = true;
        STOA_LOGW(XRSIM_LOG, "app is FOCUSED but has not called xrEndFrame for %u frames: "
                             "nothing reaches the display",
                  s->waits_without_end);
    }
}

XrResult xrsim_xrWaitFrame(XrSession session, const XrFrameWaitInfo *info, XrFrameState *state)
{
    XRSIM_API_LOCK();
    const char *fn = "xrWaitFrame";
    xrsim_session *s;
    XrResult r = xrsim_check_session(session, fn, &s);
    if (r != XR_SUCCESS)
        return r;
    xrsim_instance *inst = s->instance;
    if ((info && info->type != XR_TYPE_FRAME_WAIT_INFO) || !state ||
        state->type != XR_TYPE_FRAME_STATE)
        return xrsim_app_error(inst, fn, XR_ERROR_VALIDATION_FAILURE, "bad arguments");
    if (!s->running)
        return xrsim_app_error(inst, fn, XR_ERROR_SESSION_NOT_RUNNING, "not running");
    // Spec 1.1 §10.4.2 (xrWaitFrame): "A subsequent xrWaitFrame call must
    // block until the previous frame has been begun with xrBeginFrame and
    // must unblock independently of the corresponding call to xrEndFrame."
    // The app may call xrBeginFrame on another thread (§10.4, frames
    // pipelined across threads): wait for it with the lock released.
    const int64_t give_up = xrsim_mono_ns() + WAIT_FOR_BEGIN_NS;
    while (s->frame_waited) {
        bool signalled = xrsim_api_frame_wait(give_up);
        r = xrsim_check_session(session, fn, &s);
        if (r != XR_SUCCESS)
            return r;
        if (!s->running)
            return xrsim_app_error(inst, fn, XR_ERROR_SESSION_NOT_RUNNING, "session ended");
        if (!signalled && s->frame_waited) {
            STOA_LOGW(XRSIM_LOG, "xrWaitFrame: the previous frame was never begun; dropping it");
            inst->summary.frames_dropped++;
            break;
        }
    }
    s->frame_waited = true;
    advance_clock(s);
    if (!inst->cfg.fast) {
        r = sleep_until_period(session, s);
        if (r != XR_SUCCESS)
            return r;
    }
    s->frames_waited++;
    inst->summary.frames_waited++;
    advance_states(s);
    watch_end_frame(s);
    // The frame at a scripted exit is still shown; the app learns of the
    // stop through events, after this frame.
    state->shouldRender = s->state == XR_SESSION_STATE_VISIBLE ||
                          s->state == XR_SESSION_STATE_FOCUSED;
    r = run_script(s);
    if (inst->cfg.frames_limit && (int64_t)s->frames_waited > inst->cfg.frames_limit)
        xrsim_session_request_stop(s, "STOA_XRSIM_FRAMES");
    state->predictedDisplayTime = s->predicted_ns;
    state->predictedDisplayPeriod = s->period_ns;
    return r;
}

XrResult xrsim_xrBeginFrame(XrSession session, const XrFrameBeginInfo *info)
{
    XRSIM_API_LOCK();
    const char *fn = "xrBeginFrame";
    xrsim_session *s;
    XrResult r = xrsim_check_session(session, fn, &s);
    if (r != XR_SUCCESS)
        return r;
    xrsim_instance *inst = s->instance;
    if (info && info->type != XR_TYPE_FRAME_BEGIN_INFO)
        return xrsim_app_error(inst, fn, XR_ERROR_VALIDATION_FAILURE, "bad begin info");
    if (!s->running)
        return xrsim_app_error(inst, fn, XR_ERROR_SESSION_NOT_RUNNING, "not running");
    if (!s->frame_waited)
        return xrsim_app_error(inst, fn, XR_ERROR_CALL_ORDER_INVALID,
                               "no xrWaitFrame before this xrBeginFrame");
    s->frame_waited = false;
    xrsim_api_frame_signal(); // a pipelined xrWaitFrame may go on
    r = XR_SUCCESS;
    if (s->frame_begun) { // the previous frame never reached xrEndFrame
        inst->summary.frames_dropped++;
        r = XR_FRAME_DISCARDED;
    }
    s->frame_begun = true;
    s->frames_begun++;
    return r;
}

// The view's pose in STAGE at display time t (the head's when the layer's
// space is not tracked now).
static XrPosef view_stage_pose(xrsim_session *s, const XrCompositionLayerProjection *proj, int e,
                               int64_t t)
{
    XrPosef base;
    if (!xrsim_space_stage_pose((xrsim_space *)proj->space, t, &base))
        return xrsim_head_pose(s, t);
    return xrsim_pose_mul(base, proj->views[e].pose);
}

static void after_submit(xrsim_session *s, const XrFrameEndInfo *info,
                         const XrCompositionLayerProjection *proj, const xrsim_composition *comp)
{
    xrsim_instance *inst = s->instance;
    xrsim_summary *sum = &inst->summary;
    s->frames_ended++;
    sum->frames_submitted++;
    sum->frames_with_layers[info->layerCount]++;
    if (comp->blend >= 1 && comp->blend <= 3)
        sum->frames_by_blend[comp->blend]++;
    sum->frames_with_passthrough += comp->has_passthrough;
    if (inst->cfg.realtime && xrsim_mono_ns() > info->displayTime)
        sum->frames_late++;
    bool last = inst->cfg.frames_limit && (int64_t)s->frames_ended >= inst->cfg.frames_limit;
    if (proj) {
        for (int e = 0; e < 2; e++) {
            const XrSwapchainSubImage *sub = &proj->views[e].subImage;
            xrsim_swapchain *sc = (xrsim_swapchain *)sub->swapchain;
            s->last_eyes[e] = (xrsim_capture_eye){sc, sc->last_released, sub->imageRect,
                                                  sub->imageArrayIndex,
                                                  view_stage_pose(s, proj, e, info->displayTime),
                                                  proj->views[e].fov};
        }
        s->last_comp = *comp;
        s->last_layer_valid = true;
        s->last_layer_captured = false;
        s->last_layer_frame = sum->frames_submitted;
        s->last_layer_time = info->displayTime;
        if (inst->cfg.capture_dir[0] &&
            (last || sum->frames_submitted % (uint64_t)inst->cfg.capture_every == 0))
            xrsim_capture_last(s);
    }
    if (last)
        xrsim_session_request_stop(s, "STOA_XRSIM_FRAMES");
}

static XrResult end_frame(XrSession session, const XrFrameEndInfo *info)
{
    XRSIM_API_LOCK();
    const char *fn = "xrEndFrame";
    xrsim_session *s;
    XrResult r = xrsim_check_session(session, fn, &s);
    if (r != XR_SUCCESS)
        return r;
    xrsim_instance *inst = s->instance;
    if (!info || info->type != XR_TYPE_FRAME_END_INFO)
        return xrsim_app_error(inst, fn, XR_ERROR_VALIDATION_FAILURE, "bad end info");
    if (!s->running)
        return xrsim_app_error(inst, fn, XR_ERROR_SESSION_NOT_RUNNING, "not running");
    if (!s->frame_begun)
        return xrsim_app_error(inst, fn, XR_ERROR_CALL_ORDER_INVALID,
                               "no xrBeginFrame before this xrEndFrame");
    if (info->displayTime <= 0)
        return xrsim_app_error(inst, fn, XR_ERROR_TIME_INVALID, "displayTime <= 0");
    if (!xrsim_enum_valid("XrEnvironmentBlendMode", info->environmentBlendMode, inst->api_minor))
        return xrsim_app_error(inst, fn, XR_ERROR_VALIDATION_FAILURE, "invalid blend mode");
    if (!xrsim_ar_blend_offered(&inst->ar, info->environmentBlendMode))
        return xrsim_app_error(inst, fn, XR_ERROR_ENVIRONMENT_BLEND_MODE_UNSUPPORTED,
                               "a blend mode xrEnumerateEnvironmentBlendModes does not offer");
    if (info->layerCount > XRSIM_MAX_LAYERS)
        return xrsim_app_error(inst, fn, XR_ERROR_LAYER_LIMIT_EXCEEDED, "too many layers");
    const XrCompositionLayerProjection *proj = NULL;
    xrsim_composition comp = {.blend = info->environmentBlendMode};
    for (uint32_t i = 0; i < info->layerCount; i++) {
        const XrCompositionLayerBaseHeader *l = info->layers ? info->layers[i] : NULL;
        if (l && l->type == XR_TYPE_COMPOSITION_LAYER_PASSTHROUGH_FB) {
            // The camera image at its place in the layer order.
            float opacity = 0;
            r = xrsim_passthrough_layer_check(s, l, &opacity);
            if (r != XR_SUCCESS)
                return r;
            comp.has_passthrough = true;
            float *acc = proj ? &comp.passthrough_above : &comp.passthrough_below;
            *acc = 1 - (1 - *acc) * (1 - opacity);
            continue;
        }
        r = xrsim_layer_check(s, l);
        if (r != XR_SUCCESS)
            return r;
        if (!proj && l->type == XR_TYPE_COMPOSITION_LAYER_PROJECTION) {
            proj = (const XrCompositionLayerProjection *)l;
            comp.proj_flags = proj->layerFlags;
        }
    }
    s->frame_begun = false;
    s->waits_without_end = 0;
    after_submit(s, info, proj, &comp);
    return XR_SUCCESS;
}

// Times each xrEndFrame, the runtime's lock wait included: with the wait's
// lateness, the part of an app's frame time that is xrsim's (summary).
XrResult xrsim_xrEndFrame(XrSession session, const XrFrameEndInfo *info)
{
    const int64_t t_in = xrsim_mono_ns();
    XrResult r = end_frame(session, info);
    const int64_t spent = xrsim_mono_ns() - t_in;
    XRSIM_API_LOCK();
    if (xrsim_handle_live(session, XRSIM_SESSION)) { // no second error for a bad handle
        xrsim_summary *sum = &((xrsim_session *)session)->instance->summary;
        sum->end_frames++;
        sum->end_frame_sum_ns += spent;
        if (spent > sum->end_frame_max_ns)
            sum->end_frame_max_ns = spent;
    }
    return r;
}
