// SPDX-License-Identifier: Apache-2.0
#include "run_session.h"
#include "run_simworld.h"

#include <cglm/cglm.h>
#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/stoa_clock.h"
#include "core/stoa_log.h"
#include "run_overlay_mesh.h"

static stoa_result create_xr(run_session *s, stoa_error *err)
{
    stoa_xr_desc xd = {.app_name = "Stoa", .stereo = s->opt->stereo, .msaa = s->opt->msaa,
                       .force_vulkan1 = s->opt->force_vulkan1};
    static const char *swapchain_ext[] = {VK_KHR_SWAPCHAIN_EXTENSION_NAME};
    if (s->mirror) {
        xd.instance_extensions = stoa_desktop_mirror_instance_extensions(&xd.instance_extension_count);
        xd.device_extensions = swapchain_ext;
        xd.device_extension_count = 1;
        xd.create_surface = stoa_desktop_mirror_create_surface;
        xd.surface_user = s->mirror;
    }
    stoa_result r = stoa_xr_create(&xd, &s->xr, err);
    if (r < 0)
        return r;
    if (s->mirror) {
        if ((r = stoa_desktop_mirror_attach(s->mirror, stoa_xr_device(s->xr), err)) < 0)
            return r;
        stoa_xr_set_mirror(s->xr, stoa_desktop_mirror_record, s->mirror);
    }
    STOA_LOGI("run", "headset: %s", stoa_xr_runtime_name(s->xr));
    run_sky_frame(s, stoa_xr_renderer(s->xr)); // before the pipelines: the sky's are made too
    r = stoa_gfx_scene_create(stoa_xr_renderer(s->xr), s->scene, &s->gscene, err);
    // Pipelines now, not while the first frame is recorded: the scene's, and
    // the overlay's (an empty overlay has every material a full one has).
    if (r >= 0)
        r = stoa_xr_prepare(s->xr, s->gscene, false, err);
    stoa_ui_panel_image none[RUN_MAX_PANELS] = {0};
    bool hidden[RUN_MAX_PANELS] = {false};
    stoa_scene *ov = r >= 0 ? overlay_scene_build(none, hidden, &s->overlay.hands) : NULL;
    stoa_gfx_scene *gov = NULL;
    if (ov && overlay_scene_ok(ov) &&
        stoa_gfx_scene_create(stoa_xr_renderer(s->xr), ov, &gov, err) >= 0)
        r = stoa_xr_prepare(s->xr, gov, true, err);
    stoa_gfx_scene_destroy(&gov);
    stoa_scene_destroy(&ov);
    return r;
}

// Teardown or recovery, never a frame: waiting for the device is fine here.
static void destroy_xr(run_session *s)
{
    if (s->mirror)
        stoa_desktop_mirror_detach(s->mirror);
    if (s->xr)
        stoa_gfx_device_wait_idle(stoa_xr_device(s->xr));
    run_view_release_gpu(&s->view);
    run_overlay_release_gpu(&s->overlay, NULL);
    stoa_gfx_scene_destroy(&s->gscene);
    stoa_xr_destroy(&s->xr);
}

stoa_result run_session_init(run_session *s, const run_options *opt, stoa_error *err)
{
    memset(s, 0, sizeof *s);
    s->opt = opt;
    stoa_gfx_sky sky;
    stoa_result r = run_sky_resolve(opt, NULL, &sky, err);
    if (r < 0)
        return r;
    r = run_content_load(s, err);
    if (r < 0)
        return r;
    if ((r = run_overlay_init(&s->overlay, err)) < 0)
        return r;
    if (opt->front == RUN_FRONT_HEADSET)
        run_hands_load(&s->overlay.hands, opt->controllers_path);
    if (opt->mirror && opt->front == RUN_FRONT_HEADSET &&
        (r = stoa_desktop_mirror_open("Stoa - what the learner sees", 960, 540, &s->mirror,
                                      err)) < 0)
        return r;
    if (opt->events_path) {
        s->events = fopen(opt->events_path, "w");
        if (!s->events)
            return stoa_error_set(err, STOA_ERROR_IO, "%s: cannot write events file",
                                  opt->events_path);
    }
    if (opt->hub.url && (r = run_hub_start(&s->hub, &opt->hub, err)) < 0) // classroom hub
        return r;
    if ((r = run_period_init(s, err)) < 0) // with a hub: the lobby first
        return r;
    if (opt->front == RUN_FRONT_DESKTOP)
        return STOA_OK; // the desktop front-end (run_play.c) brings its window and renderer
    return create_xr(s, err);
}

void run_session_fini(run_session *s)
{
    run_content_switch_cancel(s);
    run_content_retire_wait(s);
    run_pick_cancel(s);
    if (s->lesson_on)
        run_lesson_fini(&s->lesson);
    run_hub_stop(&s->hub); // after the lesson: its last statements still reach the hub
    run_class_fini(&s->cls);
    destroy_xr(s);
    run_view_report(&s->view);
    run_view_free(&s->view);
    run_overlay_fini(&s->overlay, NULL);
    stoa_desktop_mirror_close(&s->mirror);
    if (s->events)
        fclose(s->events);
    run_content_drop_scene(s);
    free(s->cpu_us);
    memset(s, 0, sizeof *s);
}

static const char *node_name(const run_session *s, int32_t node)
{
    return node >= 0 && (uint32_t)node < s->scene->node_count ? s->scene->nodes[node].name : NULL;
}

static void write_event(run_session *s, const stoa_interact_event *e)
{
    s->event_count++;
    STOA_LOGD("run", "%s %s", stoa_interact_event_name(e->type),
              node_name(s, e->node) ? node_name(s, e->node) : "-");
    if (!s->events)
        return;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "t", (double)e->time_ns * 1e-9);
    cJSON_AddStringToObject(o, "type", stoa_interact_event_name(e->type));
    if (e->hand != STOA_INTERACT_NO_HAND)
        cJSON_AddStringToObject(o, "hand", e->hand == STOA_INTERACT_LEFT ? "left" : "right");
    if (node_name(s, e->node))
        cJSON_AddStringToObject(o, "node", node_name(s, e->node));
    if (node_name(s, e->zone))
        cJSON_AddStringToObject(o, "zone", node_name(s, e->zone));
    cJSON *p = cJSON_AddArrayToObject(o, "point");
    for (int i = 0; i < 3; i++)
        cJSON_AddItemToArray(p, cJSON_CreateNumber(e->point[i]));
    if (e->value != 0.0f)
        cJSON_AddNumberToObject(o, "value", e->value);
    char *line = cJSON_PrintUnformatted(o);
    if (line) {
        fprintf(s->events, "%s\n", line);
        fflush(s->events);
    }
    free(line);
    cJSON_Delete(o);
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

// The rig (tracking -> world) as a matrix for the views.
static void rig_matrix(const run_session *s, float out[16])
{
    stoa_interact_rig rig = stoa_interact_get_rig(s->interact);
    mat4 m;
    glm_mat4_identity(m);
    glm_translate(m, rig.position);
    glm_rotate_y(m, rig.yaw, m);
    if (s->opt->seated)
        glm_translate_y(m, 1.6f);
    memcpy(out, m, sizeof m);
}

static void pose_scene(run_session *s, double dt)
{
    s->anim_time += dt;
    stoa_pose_reset(s->pose);
    if (s->lesson_on)
        run_lesson_pose(&s->lesson, s->pose);
    // Without a lesson the scene plays its animations in a loop, as a museum would.
    for (uint32_t a = 0; !s->lesson_on && a < s->scene->animation_count; a++) {
        float d = s->scene->animations[a].duration;
        stoa_pose_apply_animation(s->pose, a, d > 0 ? fmodf((float)s->anim_time, d) : 0.0f);
    }
    for (uint32_t n = 0; n < s->scene->node_count; n++)
        if (s->moved[n])
            stoa_pose_set_local(s->pose, n, s->moved_trs[n], s->moved_trs[n] + 3,
                                s->moved_trs[n] + 7);
}

static void apply_output(run_session *s, const stoa_interact_output *out)
{
    bool grabbing = false;
    for (int h = 0; h < 2; h++) {
        const stoa_interact_grab *g = &out->grabs[h];
        if (g->active) {
            stoa_pose_set_local(s->pose, (uint32_t)g->node, g->translation, g->rotation, g->scale);
            float *trs = s->moved_trs[g->node];
            memcpy(trs, g->translation, 3 * sizeof(float));
            memcpy(trs + 3, g->rotation, 4 * sizeof(float));
            memcpy(trs + 7, g->scale, 3 * sizeof(float));
            s->moved[g->node] = true;
            grabbing = true;
        }
    }
    for (uint32_t i = 0; i < out->event_count; i++)
        write_event(s, &out->events[i]);
    stoa_pose_update(s->pose);
    // A node put down somewhere new: rays must see it there (a worker
    // builds the new BVH; the old one serves meanwhile).
    if (s->grabbing && !grabbing)
        run_pick_rebuild(s);
    run_pick_poll(s);
    // Shown or hidden by the lesson: hidden nodes catch no ray (no rebuild).
    uint32_t hv = s->lesson_on ? s->lesson.hidden_version : 0;
    if (hv != s->hidden_version &&
        stoa_bvh_set_hidden(s->bvh, s->scene, s->lesson_on ? s->lesson.hidden : NULL))
        s->hidden_version = hv;
    s->grabbing = grabbing;
}

// The lesson's highlighted nodes glow, pulsing about once a second.
static void set_highlights(run_session *s, stoa_gfx_render_options *o)
{
    uint32_t n = 0;
    for (uint32_t i = 0; s->lesson_on && s->lesson.highlighted && i < s->scene->node_count; i++)
        if (s->lesson.highlighted[i])
            s->highlights[n++] = i;
    o->highlight_nodes = s->highlights;
    o->highlight_count = n;
    float pulse = 0.35f + 0.25f * sinf((float)s->anim_time * 6.0f);
    o->highlight_color[0] = 1.0f;
    o->highlight_color[1] = 0.8f;
    o->highlight_color[2] = 0.3f;
    o->highlight_color[3] = pulse;
}

static void record_cpu(run_session *s, double us)
{
    if (s->cpu_count == s->cpu_cap) {
        uint32_t cap = s->cpu_cap ? s->cpu_cap * 2 : 1024;
        double *p = realloc(s->cpu_us, cap * sizeof *p);
        if (!p)
            return;
        s->cpu_us = p;
        s->cpu_cap = cap;
    }
    s->cpu_us[s->cpu_count++] = us;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

run_frame_report run_session_report(const run_session *s)
{
    run_frame_report rep = {0};
    const stoa_gfx_stats *a = &s->gfx_at_start, *b = &s->gfx_at_end;
    if (s->frames) {
        rep.idle_waits = b->device_idle_waits - a->device_idle_waits - s->recovery_idle_waits;
        rep.descriptor_pools = b->frame_descriptor_pools - a->frame_descriptor_pools;
        rep.frame_objects = b->frame_objects - a->frame_objects;
        rep.pipelines_while_recording = b->pipelines_while_recording - a->pipelines_while_recording;
        rep.deferred_frees = b->deferred_frees - a->deferred_frees;
    }
    // The first frames fill caches: left out, as `stoa bench frame` does.
    uint32_t skip = s->cpu_count > 20 ? 10 : 0, n = s->cpu_count - skip;
    double *v = n ? malloc(n * sizeof *v) : NULL;
    if (v) {
        memcpy(v, s->cpu_us + skip, n * sizeof *v);
        qsort(v, n, sizeof *v, cmp_double);
        rep.frames_measured = n;
        rep.median_ms = v[(n - 1) / 2] / 1000.0;
        rep.p99_ms = v[(uint32_t)(0.99 * (n - 1) + 0.5)] / 1000.0;
        rep.max_ms = v[n - 1] / 1000.0;
        free(v);
    }
    return rep;
}

stoa_result run_session_step(run_session *s, stoa_interact_frame *in, double dt, int64_t now_ns,
                             run_step *st, stoa_error *err)
{
    double t0 = stoa_time_seconds(), tp[4];
    pose_scene(s, dt);
    stoa_pose_update(s->pose);
    in->pose = s->pose;
    in->bvh = s->bvh;
    const stoa_interact_output *out = stoa_interact_update(s->interact, in);
    tp[0] = stoa_time_seconds();
    run_period_frame(s, out, in, now_ns); // the lesson, or the lobby
    tp[1] = stoa_time_seconds();
    run_hub_frame(&s->hub, s->lesson_on ? &s->lesson : NULL, s->in_class ? &s->cls : NULL,
                  now_ns); // classroom hub
    tp[2] = stoa_time_seconds();
    apply_output(s, out);
    tp[3] = stoa_time_seconds();
    rig_matrix(s, st->world_from_tracking);
    run_sky_frame(s, st->renderer); // the sky and sun, replacing the clear colour
    run_hands_set(&s->overlay.hands, in, st->world_from_tracking,
                  st->profiles[0] || st->profiles[1] ? st->profiles : NULL);
    st->overlay_result = run_overlay_update(&s->overlay, st->device, st->renderer,
                                            run_period_panels(s), out, s->pose, s->anim_time, err);
    st->out = out;
    // Without its overlay the frame still shows the scene (panels come back
    // with the next frame that can make them).
    st->draws[0] = (run_draw){.scene = s->gscene, .pose = s->pose,
                              .options = {.clear_color = {0.55f, 0.70f, 0.90f, 1.0f}}};
    st->draws[1] = (run_draw){.scene = st->overlay_result >= 0 ? s->overlay.gscene : NULL,
                              .pose = s->overlay.pose};
    set_highlights(s, &st->draws[0].options);
    // Paused (the teacher is talking, the session is coming back, a system
    // menu is up) or waiting in the lobby: the scene dims behind the panels.
    if (run_period_dimmed(s))
        st->draws[0].options.exposure = 0.3f;
    for (int i = 0; i < 4; i++)
        st->split_ms[i] = (tp[i] - (i ? tp[i - 1] : t0)) * 1e3;
    return st->overlay_result;
}

static stoa_result frame(run_session *s, stoa_error *err)
{
    // Taking a switched lesson in is the frame thread's work too, between
    // frames: counted in this frame's CPU time.
    double ts = stoa_time_seconds();
    run_period_switch(s);
    double switch_s = stoa_time_seconds() - ts;
    stoa_xr_frame f;
    stoa_result r = stoa_xr_begin_frame(s->xr, &f, err);
    if (r != STOA_OK)
        return r < 0 ? r : STOA_OK; // the session went away: the next poll says so
    if (s->frames == 0)
        s->gfx_at_start = stoa_gfx_stats_get();
    double t0 = stoa_time_seconds() - switch_s;
    double dt = s->last_display_ns ? (double)(f.display_time_ns - s->last_display_ns) * 1e-9 : 0.0;
    s->last_display_ns = f.display_time_ns;
    stoa_interact_frame in = {0};
    fill_input(&f, &in);
    run_step st = {.device = stoa_xr_device(s->xr), .renderer = stoa_xr_renderer(s->xr),
                   .profiles = {f.hands[0].profile, f.hands[1].profile}};
    stoa_result ovr = run_session_step(s, &in, dt, f.display_time_ns, &st, err);
    run_simworld_frame(s, f.display_time_ns); // only for xrsim's learner actions
    if (s->xr)
        for (int h = 0; h < 2; h++)
            if (st.out->haptics[h].requested)
                stoa_xr_haptic(s->xr, (stoa_xr_hand_id)h, st.out->haptics[h].amplitude,
                               (float)st.out->haptics[h].duration_ns * 1e-9f);
    stoa_xr_set_world_from_tracking(s->xr, st.world_from_tracking);
    if (ovr >= 0 && s->overlay.needs_prepare) {
        stoa_result pr = stoa_xr_prepare(s->xr, s->overlay.gscene, true, err);
        s->overlay.needs_prepare = pr < 0;
        ovr = pr;
        if (pr < 0)
            st.draws[1].scene = NULL;
    }
    double t1 = stoa_time_seconds();
    stoa_xr_draw draws[2];
    for (int i = 0; i < 2; i++)
        draws[i] = (stoa_xr_draw){.scene = st.draws[i].scene, .pose = st.draws[i].pose,
                                  .options = st.draws[i].options};
    run_view_frame(&s->view, s->xr, &s->hub, s->lesson_on ? &s->lesson : NULL, run_period_panels(s), &f,
                   f.display_time_ns); // the teacher's live view, the hand
    stoa_error derr = {0};
    r = stoa_xr_end_frame(s->xr, &f, draws, 2, &derr);
    // Stoa's own CPU work: input to posing here, plus recording in end_frame.
    double rec_us = f.should_render ? stoa_xr_last_record_us(s->xr) : 0.0;
    if (f.should_render)
        record_cpu(s, (t1 - t0) * 1e6 + rec_us);
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
static stoa_result rebuild_xr(run_session *s, stoa_error *err)
{
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
    destroy_xr(s);
    stoa_result r = create_xr(s, err);
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
static stoa_result survive(run_session *s, stoa_result r, stoa_error *err)
{
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
        return rebuild_xr(s, err);
    case STOA_CLASS_FATAL: break;
    }
    return r;
}

stoa_result run_session_loop(run_session *s, volatile int *stop_flag, stoa_error *err)
{
    double start = stoa_time_seconds();
    bool exit_asked = false;
    stoa_result r = STOA_OK;
    for (;;) {
        if (!exit_asked && ((stop_flag && *stop_flag) ||
                            (s->opt->max_seconds > 0 &&
                             stoa_time_seconds() - start > s->opt->max_seconds))) {
            STOA_LOGI("run", "ending the session");
            stoa_xr_request_exit(s->xr);
            exit_asked = true;
        }
        stoa_xr_status st;
        r = stoa_xr_poll(s->xr, &st, err);
        if (r < 0) {
            if ((r = survive(s, r, err)) < 0)
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
            if ((r = rebuild_xr(s, err)) < 0)
                break;
            if (exit_asked)
                stoa_xr_request_exit(s->xr);
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
        r = frame(s, err);
        stoa_gfx_frame_scope(false);
        if (r < 0 && (r = survive(s, r, err)) < 0)
            break;
        if (s->mirror && !stoa_desktop_mirror_present(s->mirror) && !exit_asked) {
            STOA_LOGI("run", "the mirror window was closed: ending the session");
            stoa_xr_request_exit(s->xr);
            exit_asked = true;
        }
    }
    s->gfx_at_end = stoa_gfx_stats_get();
    return r < 0 ? r : STOA_OK;
}
