// SPDX-License-Identifier: Apache-2.0
// The headset front-end's frame loop (headset_loop.h).
#include "headset_loop.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/stoa_clock.h"
#include "core/stoa_log.h"
#include "desktop/stoa_mirror.h"
#include "headset_view.h"
#include "headset_warm.h"
#include "run/run_overlay_mesh.h"
#include "headset_internal.h"
#include "run/run_simworld.h"
#include "xr/stoa_xr.h"

static stoa_result create_xr(headset *h, stoa_error *err)
{
    run_session *s = h->s;
    stoa_xr_desc xd = {.app_name = "Stoa", .stereo = s->opt->stereo, .msaa = s->opt->msaa,
                       .force_vulkan1 = s->opt->force_vulkan1};
    static const char *swapchain_ext[] = {VK_KHR_SWAPCHAIN_EXTENSION_NAME};
    if (h->mirror) {
        xd.instance_extensions = stoa_desktop_mirror_instance_extensions(&xd.instance_extension_count);
        xd.device_extensions = swapchain_ext;
        xd.device_extension_count = 1;
        xd.create_surface = stoa_desktop_mirror_create_surface;
        xd.surface_user = h->mirror;
    }
    stoa_result r = stoa_xr_create(&xd, &h->xr, err);
    if (r < 0)
        return r;
    run_launch_mark("OpenXR + Vulkan + renderer");
    if (h->mirror) {
        if ((r = stoa_desktop_mirror_attach(h->mirror, stoa_xr_device(h->xr), err)) < 0)
            return r;
        stoa_xr_set_mirror(h->xr, stoa_desktop_mirror_record, h->mirror);
    }
    STOA_LOGI("run", "headset: %s", stoa_xr_runtime_name(h->xr));
    if ((r = run_ar_start(s, err)) < 0) // the blend mode for the lesson (AR or VR)
        return r;
    s->renderer = stoa_xr_renderer(h->xr); // GPU copies of launched lessons' scenes
    run_sky_frame(s, s->renderer); // before the pipelines: the sky's are made too
    run_launch_mark("AR, sky");
    r = stoa_gfx_scene_create(stoa_xr_renderer(h->xr), s->scene, &s->gscene, err);
    run_launch_mark("scene upload");
    // Pipelines now, not while the first frame is recorded: the scene's, and
    // the overlay's (an empty overlay has every material a full one has).
    if (r >= 0)
        r = stoa_xr_prepare(h->xr, s->gscene, false, err);
    run_launch_mark("scene pipelines");
    stoa_ui_panel_image none[RUN_MAX_PANELS] = {0};
    bool hidden[RUN_MAX_PANELS] = {false};
    stoa_scene *ov = r >= 0 ? overlay_scene_build(none, hidden, &s->overlay.hands) : NULL;
    if (ov && !overlay_scene_ok(ov))
        stoa_scene_destroy(&ov);
    // On a worker: the first frame does not wait for them (headset_warm.c).
    if (ov)
        r = headset_warm_start(&h->warm, h->xr, ov, err);
    run_launch_mark("overlay pipelines started");
    return r;
}

// Teardown or recovery, never a frame: waiting for the device is fine here.
static void destroy_xr(headset *h)
{
    run_session *s = h->s;
    headset_warm_poll(&h->warm, true); // its upload needs the renderer
    if (h->mirror)
        stoa_desktop_mirror_detach(h->mirror);
    if (h->xr)
        stoa_gfx_device_wait_idle(stoa_xr_device(h->xr));
    run_session_release_gpu(s);
    stoa_xr_destroy(&h->xr);
    s->renderer = NULL;
}

static void to_interact_pose(const stoa_xr_pose *p, stoa_interact_pose *out)
{
    memcpy(out->position, p->position, sizeof out->position);
    memcpy(out->orientation, p->orientation, sizeof out->orientation);
}

static void fill_input(const stoa_xr_frame *f, stoa_interact_frame *in)
{
    in->time_ns = f->display_time_ns;
    to_interact_pose(&f->head, &in->head);
    in->eye_gaze_valid = f->eye_gaze_valid;
    to_interact_pose(&f->eye_gaze, &in->eye_gaze);
    for (int h = 0; h < 2; h++) {
        const stoa_xr_hand *xh = &f->hands[h];
        stoa_interact_hand_input *ih = &in->hands[h];
        ih->active = xh->active;
        to_interact_pose(&xh->aim, &ih->aim);
        to_interact_pose(&xh->grip, &ih->grip);
        ih->select_value = xh->select;
        ih->grab_value = xh->squeeze;
        ih->menu_pressed = xh->menu;
        ih->thumbstick[0] = xh->thumbstick[0];
        ih->thumbstick[1] = xh->thumbstick[1];
    }
}

static stoa_result frame(headset *h, stoa_error *err)
{
    run_session *s = h->s;
    // Taking a switched lesson in is the frame thread's work too, between
    // frames: counted in this frame's CPU time.
    double ts = stoa_time_seconds(), cs = stoa_thread_cpu_seconds();
    run_period_switch(s);
    double switch_s = stoa_time_seconds() - ts, switch_cpu_s = stoa_thread_cpu_seconds() - cs;
    stoa_xr_frame f;
    stoa_result r = stoa_xr_begin_frame(h->xr, &f, err);
    if (r != STOA_OK)
        return r < 0 ? r : STOA_OK; // the session went away: the next poll says so
    run_launch_mark("frame begun (xrWaitFrame)");
    headset_warm_poll(&h->warm, false);
    if (s->frames == 0)
        s->gfx_at_start = stoa_gfx_stats_get();
    double t0 = stoa_time_seconds() - switch_s, c0 = stoa_thread_cpu_seconds() - switch_cpu_s;
    double dt = s->last_display_ns ? (double)(f.display_time_ns - s->last_display_ns) * 1e-9 : 0.0;
    s->last_display_ns = f.display_time_ns;
    stoa_interact_frame in = {0};
    fill_input(&f, &in);
    run_step st = {.device = stoa_xr_device(h->xr), .renderer = stoa_xr_renderer(h->xr),
                   .profiles = {f.hands[0].profile, f.hands[1].profile}};
    stoa_result ovr = run_session_step(s, &in, dt, f.display_time_ns, &st, err);
    run_simworld_frame(s, f.display_time_ns); // only for xrsim's learner actions
    for (int i = 0; i < 2; i++)
        if (st.out->haptics[i].requested)
            stoa_xr_haptic(h->xr, (stoa_xr_hand_id)i, st.out->haptics[i].amplitude,
                           (float)st.out->haptics[i].duration_ns * 1e-9f);
    stoa_xr_set_world_from_tracking(h->xr, st.world_from_tracking);
    if (ovr >= 0 && s->overlay.needs_prepare && headset_warm_busy(&h->warm)) {
        // Its pipelines are still being compiled on the worker: wait for it
        // (the first frames only) rather than compile them here, so that the
        // frame thread makes no GPU object and the overlay is not left out.
        headset_warm_join(&h->warm);
        headset_warm_poll(&h->warm, false);
    }
    if (ovr >= 0 && s->overlay.needs_prepare) {
        stoa_result pr = stoa_xr_prepare(h->xr, s->overlay.gscene, true, err);
        s->overlay.needs_prepare = pr < 0;
        ovr = pr;
        if (pr < 0)
            st.draws[1].scene = NULL;
    }
    double t1 = stoa_time_seconds(), c1 = stoa_thread_cpu_seconds();
    stoa_xr_draw draws[2];
    for (int i = 0; i < 2; i++)
        draws[i] = (stoa_xr_draw){.scene = st.draws[i].scene, .pose = st.draws[i].pose,
                                  .options = st.draws[i].options};
    headset_view_frame(&s->view, h->xr, &s->hub, s->lesson_on ? &s->lesson : NULL, run_period_panels(s), &f,
                   f.display_time_ns); // the teacher's live view, the hand
    stoa_error derr = {0};
    run_launch_mark("frame stepped");
    r = stoa_xr_end_frame(h->xr, &f, draws, 2, &derr);
    run_launch_mark("frame recorded, submitted");
    run_launch_frame_submitted(s->scene, r >= 0 && f.should_render && f.eyes[0].valid &&
                                             f.eyes[1].valid);
    // Stoa's own CPU work: input to posing here, plus recording in end_frame.
    double rec_us = f.should_render ? stoa_xr_last_record_us(h->xr) : 0.0;
    if (f.should_render)
        run_session_record_cpu(s, (c1 - c0) * 1e6 + stoa_xr_last_record_cpu_us(h->xr),
                               (t1 - t0) * 1e6 + rec_us);
    if ((t1 - t0) * 1e3 + rec_us * 1e-3 > 8.0) // a slow frame: where the time went (STOA_LOG=debug)
        STOA_LOGD("run", "slow frame %llu: switch %.1f, pose+input %.1f, lesson %.1f, hub %.1f, "
                         "picking %.1f, panels %.1f, recording %.1f ms",
                  (unsigned long long)s->frames, switch_s * 1e3, st.split_ms[0], st.split_ms[1],
                  st.split_ms[2], st.split_ms[3],
                  (t1 - t0 - switch_s) * 1e3 - st.split_ms[0] - st.split_ms[1] - st.split_ms[2] -
                      st.split_ms[3],
                  rec_us * 1e-3);
    s->frames++;
    if (r < 0) {
        *err = derr;
        return r;
    }
    if (ovr < 0)
        return ovr; // err holds the overlay's error; the frame itself was shown
    return r;
}

// The session's pause sources from the headset (the teacher's come from the hub).
static void headset_pauses(run_session *s, const stoa_xr_status *st)
{
    if (!s->lesson_on)
        return;
    bool lost = st->session_lost || s->paused_by_loss;
    if (st->session_lost && !s->paused_by_loss)
        s->paused_by_loss = true;
    if (st->session_running && s->paused_by_loss && st->focused)
        s->paused_by_loss = lost = false; // the session is running again
    run_lesson_set_paused(&s->lesson, RUN_PAUSE_SESSION, lost);
    bool was = s->lesson.pause_sources & RUN_PAUSE_SYSTEM;
    run_lesson_set_paused(&s->lesson, RUN_PAUSE_SYSTEM, st->system_paused && !lost);
    bool now = s->lesson.pause_sources & RUN_PAUSE_SYSTEM;
    if (was != now) // the headset took focus (a system menu, the headset off) or gave it back
        STOA_LOGI("run", "%s by the headset (system)%s", now ? "paused" : "pause lifted",
                  !now && s->lesson.pause_sources ? "; another pause still holds" : "");
}

// Rebuilds the OpenXR instance, the Vulkan device and everything on them.
static stoa_result rebuild_xr(headset *h, stoa_error *err)
{
    run_session *s = h->s;
    if (++s->instance_rebuilds > 5)
        return stoa_error_set(err, STOA_ERROR_INSTANCE_LOST,
                              "the headset was lost %u times: giving up", s->instance_rebuilds - 1);
    uint64_t waits = stoa_gfx_stats_get().device_idle_waits;
    // A lesson being loaded has its GPU copy made for the old renderer:
    // start its loading again for the new one.
    char path[sizeof s->sw.path], registration[sizeof s->sw.registration];
    char learner[sizeof s->sw.learner];
    bool relaunch = s->sw.busy;
    snprintf(path, sizeof path, "%s", s->sw.path);
    snprintf(registration, sizeof registration, "%s", s->sw.registration);
    snprintf(learner, sizeof learner, "%s", s->sw.learner);
    run_content_switch_cancel(s);
    destroy_xr(h);
    stoa_result r = create_xr(h, err);
    s->recovery_idle_waits += stoa_gfx_stats_get().device_idle_waits - waits;
    stoa_error lerr = {0};
    if (r >= 0 && relaunch &&
        run_content_switch_lesson(s, path, registration[0] ? registration : NULL, learner,
                                  &lerr) < 0) {
        run_hub_launch_failed(&s->hub, lerr.message);
        s->launches_failed++;
    }
    return r;
}

// One frame's error, by what it means for the session (stoa_result_classify).
static stoa_result survive(headset *h, stoa_result r, stoa_error *err)
{
    run_session *s = h->s;
    switch (stoa_result_classify(r)) {
    case STOA_CLASS_OK:
    case STOA_CLASS_SESSION: return STOA_OK; // stoa_xr waits for a new session itself
    case STOA_CLASS_SKIP_FRAME:
        if (s->frames_skipped++ % 100 == 0) // the first of a run of them, then a reminder
            STOA_LOGW("run", "a frame was dropped (%s): %s", stoa_result_str(r), err->message);
        return STOA_OK;
    case STOA_CLASS_INSTANCE:
        STOA_LOGW("run", "%s: %s; starting the headset again", stoa_result_str(r), err->message);
        if (s->lesson_on)
            run_lesson_set_paused(&s->lesson, RUN_PAUSE_SESSION, true);
        s->paused_by_loss = true;
        return rebuild_xr(h, err);
    case STOA_CLASS_FATAL: break;
    }
    return r;
}

stoa_result headset_loop(run_session *s, volatile int *stop_flag, stoa_error *err)
{
    headset *h = s->front_user;
    if (!h || !h->xr)
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT, "headset_loop: no headset (headset_open)");
    double start = stoa_time_seconds();
    bool exit_asked = false;
    stoa_result r = STOA_OK;
    for (;;) {
        if (!exit_asked && ((stop_flag && *stop_flag) ||
                            (s->opt->max_seconds > 0 &&
                             stoa_time_seconds() - start > s->opt->max_seconds))) {
            STOA_LOGI("run", "ending the session");
            stoa_xr_request_exit(h->xr);
            exit_asked = true;
        }
        stoa_xr_status st;
        r = stoa_xr_poll(h->xr, &st, err);
        if (r < 0) {
            if ((r = survive(h, r, err)) < 0)
                break;
            continue;
        }
        if (st.session_lost) {
            s->session_losses++;
            STOA_LOGW("run", "the headset session was lost; waiting for it to come back");
        }
        if (st.instance_lost) {
            STOA_LOGW("run", "the OpenXR instance was lost; starting again");
            if (s->lesson_on)
                run_lesson_set_paused(&s->lesson, RUN_PAUSE_SESSION, true);
            s->paused_by_loss = true;
            if ((r = rebuild_xr(h, err)) < 0)
                break;
            if (exit_asked)
                stoa_xr_request_exit(h->xr);
            continue;
        }
        headset_pauses(s, &st);
        if (st.should_exit)
            break;
        if (!st.session_running) {
            // Idle, stopping or waiting after a loss: don't spin.
            run_period_switch(s); // a launch still lands while the headset is off
            struct timespec ts = {0, 5 * 1000000};
            nanosleep(&ts, NULL);
            continue;
        }
        stoa_gfx_frame_scope(true); // what gfx creates now, the frame path made
        r = frame(h, err);
        stoa_gfx_frame_scope(false);
        if (r < 0 && (r = survive(h, r, err)) < 0)
            break;
        if (h->mirror && !stoa_desktop_mirror_present(h->mirror) && !exit_asked) {
            STOA_LOGI("run", "the mirror window was closed: ending the session");
            stoa_xr_request_exit(h->xr);
            exit_asked = true;
        }
    }
    s->gfx_at_end = stoa_gfx_stats_get();
    return r < 0 ? r : STOA_OK;
}

// ---- what the shared session asks of its front-end (run_front_ops) ----------

static stoa_result op_prepare(void *user, const stoa_gfx_scene *scene, bool overlay, stoa_error *err)
{
    headset *h = user;
    return h->xr ? stoa_xr_prepare(h->xr, scene, overlay, err) : STOA_OK;
}

static stoa_result op_pass_info(void *user, stoa_gfx_pass_info *out, stoa_error *err)
{
    headset *h = user;
    return h->xr ? stoa_xr_pass_info(h->xr, false, out, err) : STOA_OK;
}

static void op_request_exit(void *user)
{
    headset *h = user;
    if (h->xr)
        stoa_xr_request_exit(h->xr);
}

static void op_release(void *user)
{
    headset *h = user;
    run_session *s = h->s;
    destroy_xr(h);
    stoa_desktop_mirror_close(&h->mirror);
    s->front = NULL;
    s->front_user = NULL;
    free(h);
}

static const run_front_ops headset_ops = {.prepare = op_prepare, .pass_info = op_pass_info,
                                          .request_exit = op_request_exit, .release = op_release,
                                          .xr = &headset_xr_ops};

stoa_result headset_open(run_session *s, const run_options *opt, stoa_error *err)
{
    stoa_result r = run_session_init(s, opt, err);
    if (r < 0)
        return r;
    headset *h = calloc(1, sizeof *h);
    if (!h)
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "out of memory");
    h->s = s;
    s->front = &headset_ops;
    s->front_user = h;
    if (opt->mirror &&
        (r = stoa_desktop_mirror_open("Stoa - what the learner sees", 960, 540, &h->mirror, err)) < 0)
        return r;
    return create_xr(h, err);
}
