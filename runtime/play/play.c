// SPDX-License-Identifier: Apache-2.0
#include "play.h"

#include <cglm/cglm.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/stoa_clock.h"
#include "core/stoa_file.h"
#include "core/stoa_log.h"
#include "desktop/stoa_desktop_window.h"
#include "run/run_overlay_mesh.h"
#include "play_author.h"
#include "play_marks.h"
#include "play_view.h"

#define LOOK_RAD_PER_PX 0.0025f
#define WALK_M_PER_S 1.4f
#define EYE_HEIGHT_M 1.6f
#define HUD_CHARS 90
#define HUD_LINES 14
#define HUD_PX 14 // the overlay's text size (tests/play/test_play_author.py looks for it)

// The learner's head in tracking space (the rig, moved by teleports, puts it
// in the world), turned by the mouse and walked by the keys.
typedef struct play_head {
    float position[3];
    float yaw, pitch;
} play_head;

static void head_pose(const play_head *h, stoa_interact_pose *out)
{
    versor qy, qp, q;
    glm_quatv(qy, h->yaw, (vec3){0, 1, 0});
    glm_quatv(qp, h->pitch, (vec3){1, 0, 0});
    glm_quat_mul(qy, qp, q);
    memcpy(out->position, h->position, sizeof out->position);
    memcpy(out->orientation, q, sizeof out->orientation); // cglm: x, y, z, w
}

static void move_head(play_head *h, const stoa_desktop_input *in, float dt)
{
    h->yaw -= in->look_dx * LOOK_RAD_PER_PX;
    h->pitch -= in->look_dy * LOOK_RAD_PER_PX;
    h->pitch = fmaxf(-1.5f, fminf(1.5f, h->pitch));
    float step = WALK_M_PER_S * (in->fast ? 3.0f : 1.0f) * dt;
    // Forward is -Z turned by yaw; walking stays level whatever the pitch.
    float fx = -sinf(h->yaw), fz = -cosf(h->yaw), rx = cosf(h->yaw), rz = -sinf(h->yaw);
    h->position[0] += (fx * in->move_forward + rx * in->move_right) * step;
    h->position[2] += (fz * in->move_forward + rz * in->move_right) * step;
}

// The interaction input a headset would give: the head, and a right hand
// whose laser leaves the eye through the centre of the window.
static void fill_input(const play_head *h, const stoa_desktop_input *in, int64_t now_ns,
                       stoa_interact_frame *out)
{
    memset(out, 0, sizeof *out);
    out->time_ns = now_ns;
    head_pose(h, &out->head);
    stoa_interact_hand_input *hand = &out->hands[STOA_INTERACT_RIGHT];
    hand->active = true;
    hand->aim = out->head;
    // Held things float half a metre in front of the eye, a little low.
    hand->grip = out->head;
    versor q;
    memcpy(q, out->head.orientation, sizeof q);
    vec3 off = {0.0f, -0.15f, -0.5f};
    glm_quat_rotatev(q, off, off);
    for (int i = 0; i < 3; i++)
        hand->grip.position[i] += off[i];
    hand->select_value = in->select ? 1.0f : 0.0f;
    hand->select_pressed = in->select;
    hand->grab_value = in->grab ? 1.0f : 0.0f;
    hand->grab_pressed = in->grab;
    // T held is the teleport stick pushed forward: the arc leaves the eye.
    hand->thumbstick[1] = in->teleport ? 1.0f : 0.0f;
}

static void make_view(stoa_desktop_window *w, const float world_from_tracking[16],
                      const play_head *h, stoa_gfx_view *out, float out_eye[3])
{
    stoa_interact_pose p;
    head_pose(h, &p);
    mat4 head, world, rig;
    versor q;
    memcpy(q, p.orientation, sizeof q);
    glm_quat_mat4(q, head);
    head[3][0] = p.position[0];
    head[3][1] = p.position[1];
    head[3][2] = p.position[2];
    memcpy(rig, world_from_tracking, sizeof rig);
    glm_mat4_mul(rig, head, world);
    out_eye[0] = world[3][0];
    out_eye[1] = world[3][1];
    out_eye[2] = world[3][2];
    glm_mat4_inv(world, (vec4 *)out->view);
    uint32_t fw, fh;
    stoa_desktop_window_size(w, &fw, &fh);
    stoa_gfx_projection_perspective(1.0f, (float)fw / (float)fh, 0.05f, 0.0f, out->projection);
}

// The right hand's laser leaves the eye: seen end-on it would be a square in
// the middle of the window, so it goes. The reticle where the gaze lands is
// what a desktop shows: sized by its distance, it stays a few pixels wide
// (a headset's 1.5 cm cube is a speck at ten metres on a monitor).
static void desktop_reticle(run_session *s, const stoa_interact_output *io, const float eye[3])
{
    if (!s->overlay.pose)
        return;
    const float t[3] = {0, 0, 0}, r[4] = {0, 0, 0, 1}, z[3] = {0, 0, 0};
    stoa_pose_set_local(s->overlay.pose, OV_NODE_LASER_R, t, r, z);
    float d = 0.0f;
    for (int i = 0; i < 3; i++)
        d += (io->gaze.position[i] - eye[i]) * (io->gaze.position[i] - eye[i]);
    float size = fmaxf(0.012f * sqrtf(d), 0.004f) * (1.0f + io->gaze.dwell_progress);
    const float sc[3] = {size, size, size};
    stoa_pose_set_local(s->overlay.pose, OV_NODE_RETICLE, io->gaze.position, r, sc);
    stoa_pose_update(s->overlay.pose);
}

static stoa_result upload_scene(run_session *s, stoa_error *err)
{
    run_stream_stop(s);
    stoa_gfx_scene_destroy(&s->gscene);
    return stoa_gfx_scene_create(s->renderer, s->scene, &s->gscene, err);
}

static void summarise(const run_session *s, play_summary *out)
{
    out->frames = s->frames;
    out->events = s->event_count;
    const stoa_lesson_state *st =
        s->lesson_on && s->lesson.machine ? stoa_lesson_machine_state(s->lesson.machine) : NULL;
    if (st)
        snprintf(out->last_state, sizeof out->last_state, "%s", st->name);
    out->ended = s->lesson_on && s->lesson.ended;
    out->frame_objects = stoa_gfx_stats_get().frame_objects;
}

stoa_result play_run(play_options *opt, volatile int *stop_flag, play_summary *out,
                     stoa_error *err)
{
    memset(out, 0, sizeof *out);
    opt->run.front = RUN_FRONT_DESKTOP;
    if (!opt->run.lesson.device_type)
        opt->run.lesson.device_type = "desktop";
    opt->run.hub.seat = "desktop"; // the panel shows the seat as a desktop
    char title[600];
    snprintf(title, sizeof title, "Stoa play - %s", opt->run.scene_path);
    stoa_desktop_window *w = NULL;
    stoa_result r = stoa_desktop_window_open(
        &(stoa_desktop_window_desc){.title = title, .width = opt->width, .height = opt->height,
                                    .msaa = opt->msaa,
                                    .hud_chars = HUD_CHARS, .hud_lines = HUD_LINES,
                                    .hud_px = HUD_PX},
        &w, err);
    if (r < 0)
        return r;
    static run_session s; // large; one play session per process
    r = run_session_init(&s, &opt->run, err);
    if (r >= 0) // the desktop: VR, unless --ar asks to preview AR (environment hidden)
        r = run_ar_start(&s, err);
    play_author author;
    play_author_init(&author, &s, opt->overlay, !opt->no_reload);
    if (opt->speed > 0.0)
        author.speed = opt->speed;
    if (r >= 0) {
        s.renderer = stoa_desktop_window_renderer(w);
        run_sky_frame(&s, s.renderer); // the sky before the scene's pipelines
        r = upload_scene(&s, err);
    }
    play_marks marks;
    memset(&marks, 0, sizeof marks);
    const stoa_lesson *marks_for = NULL; // the lesson the markers were made for
    bool was_select = false, was_walking = false, was_looking = false;
    play_head head = {.position = {0.0f, EYE_HEIGHT_M, 0.0f}};
    double start = stoa_time_seconds(), last = start;
    int64_t lesson_ns = 1000000000; // the session's clock: wall time, sped up by the author
    bool ready = false;
    uint64_t step_objects = 0; // GPU objects made by the frame thread outside the draw
    while (r >= 0) {
        stoa_desktop_input in;
        stoa_desktop_window_poll(w, &in);
        double now = stoa_time_seconds();
        float dt = (float)(now - last);
        last = now;
        if (in.close || (stop_flag && *stop_flag) || s.exit_requested ||
            (opt->run.max_seconds > 0 && now - start > opt->run.max_seconds))
            break;
        run_period_switch(&s); // a lesson the hub launched, between frames
        bool rescene = false;
        uint64_t made = stoa_gfx_stats_get().frame_objects;
        stoa_gfx_frame_scope(true); // counted: what the frame path makes (none, for a reload)
        r = play_author_frame(&author, &in, &rescene, err);
        stoa_gfx_frame_scope(false);
        step_objects += stoa_gfx_stats_get().frame_objects - made;
        if (r < 0)
            break;
        if (rescene && (r = upload_scene(&s, err)) < 0)
            break;
        const stoa_lesson *now_lesson = s.lesson_on ? s.lesson.lesson : NULL;
        if (rescene || now_lesson != marks_for) { // a launch, a reload, the lobby
            marks_for = now_lesson;
            if ((r = play_marks_build(&marks, &s, s.renderer, err)) < 0)
                break;
        }
        move_head(&head, &in, dt);
        double ldt = (double)dt * author.speed;
        lesson_ns += (int64_t)(ldt * 1e9);
        stoa_interact_frame fin;
        fill_input(&head, &in, lesson_ns, &fin);
        run_step st = {.device = stoa_desktop_window_device(w), .renderer = s.renderer};
        stoa_error oerr = {0};
        made = stoa_gfx_stats_get().frame_objects;
        stoa_gfx_frame_scope(true);
        stoa_result sr = run_session_step(&s, &fin, ldt, lesson_ns, &st, &oerr);
        stoa_gfx_frame_scope(false);
        step_objects += stoa_gfx_stats_get().frame_objects - made;
        if (sr < 0 && s.frames % 100 == 0)
            STOA_LOGW("play", "panels: %s", oerr.message);
        s.overlay.needs_prepare = false; // pipelines are made when first drawn here
        play_view_frame(&s, w, in.hand, lesson_ns); // the hand, attention, the teacher's live view
        play_author_marks(&author, &st.draws[0].options);
        stoa_gfx_view view;
        float eye[3];
        make_view(w, st.world_from_tracking, &head, &view, eye);
        desktop_reticle(&s, st.out, eye);
        // Where a walk ended, for a scripted learner that walks by holding keys
        // (tests/play/desktop_learner.py corrects its course from it).
        bool walking = in.move_forward != 0.0f || in.move_right != 0.0f;
        if (was_walking && !walking) {
            printf("stoa play: stopped at %.3f %.3f %.3f yaw %.4f pitch %.4f\n", eye[0], eye[1],
                   eye[2], head.yaw, head.pitch); // the head's, in tracking space
            fflush(stdout);
        }
        was_walking = walking;
        // Where a turn ended, for the same learner (only with --events: a
        // script's aid, not a person's): it corrects motion lost to slow frames.
        bool looking = in.look_dx != 0.0f || in.look_dy != 0.0f;
        if (was_looking && !looking && s.events) {
            printf("stoa play: looking yaw %.4f pitch %.4f\n", head.yaw, head.pitch);
            fflush(stdout);
        }
        was_looking = looking;
        // The lesson's teleport points: a click on one stands the learner there.
        const stoa_interact_reticle *g = &st.out->gaze;
        float dir[3], len = 0.0f;
        for (int i = 0; i < 3; i++) {
            dir[i] = g->position[i] - g->origin[i];
            len += dir[i] * dir[i];
        }
        len = sqrtf(len);
        for (int i = 0; i < 3 && len > 0.0f; i++)
            dir[i] /= len;
        run_draw mark_draw;
        play_marks_frame(&marks, &s, g->origin, dir, g->hit ? len : -1.0f, author.shown,
                             &mark_draw);
        if (in.select && !was_select && s.lesson_on && play_marks_hot(&marks) >= 0) {
            STOA_LOGI("play", "teleport to %s (clicked)", s.scene->nodes[play_marks_hot(&marks)].name);
            run_lesson_teleport_node(&s.lesson, play_marks_hot(&marks));
        }
        was_select = in.select;
        stoa_desktop_draw draws[3];
        draws[2] = (stoa_desktop_draw){.scene = mark_draw.scene, .pose = mark_draw.pose};
        for (int i = 0; i < 2; i++)
            draws[i] = (stoa_desktop_draw){.scene = st.draws[i].scene, .pose = st.draws[i].pose,
                                           .options = st.draws[i].options};
        const char *lines[HUD_LINES];
        uint32_t n = play_author_hud(&author, lines, HUD_LINES);
        stoa_gfx_frame_scope(true);
        r = stoa_desktop_window_draw(w, &view, draws, mark_draw.scene ? 3 : 2, n ? lines : NULL, n,
                                     err);
        stoa_gfx_frame_scope(false);
        if (r == STOA_TIMEOUT)
            r = STOA_OK;
        else if (r == STOA_OK && !ready) {
            ready = true; // tests wait for this line before sending input
            printf("stoa play: ready\n");
            fflush(stdout);
        } else if (r == STOA_OK && s.events) {
            // A script's aid: a screenshot taken two of these after an input
            // shows it, however slow the frames (no fixed waits in tests).
            printf("stoa play: frame %llu\n", (unsigned long long)s.frames);
            fflush(stdout);
        }
        s.frames++;
    }
    summarise(&s, out);
    out->reloads = author.reloads;
    out->step_objects = step_objects;
    if (s.renderer)
        stoa_gfx_device_wait_idle(stoa_desktop_window_device(w));
    play_marks_free(&marks);
    play_author_fini(&author);
    run_session_fini(&s); // frees the GPU copies (frame-fenced) before the window goes
    stoa_desktop_window_close(&w);
    return r;
}
