// SPDX-License-Identifier: Apache-2.0
#include "run_session.h"
#include "core/stoa_stats.h"
#include "run_hand.h"
#include "run_simworld.h"

#include <cglm/cglm.h>
#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/stoa_clock.h"
#include "core/stoa_log.h"

stoa_result run_session_init(run_session *s, const run_options *opt, stoa_error *err)
{
    memset(s, 0, sizeof *s);
    s->opt = opt;
    stoa_gfx_sky sky;
    run_launch_mark("main");
    stoa_result r = run_sky_resolve(opt, NULL, &sky, err);
    if (r < 0)
        return r;
    r = run_content_load(s, err);
    if (r < 0)
        return r;
    run_launch_mark("lesson and scene loaded");
    if ((r = run_overlay_init(&s->overlay, err)) < 0)
        return r;
    run_launch_mark("overlay (fonts, panels)");
    run_overlay_load_icons(&s->overlay, opt->icons_dir); // panels' icons (run_overlay.c)
    if (opt->front == RUN_FRONT_HEADSET) // the hands' models (desktop: none)
        run_hands_load(&s->overlay.hands, opt->controllers_path);
    run_launch_mark("controller models");
    if (opt->events_path) {
        s->events = fopen(opt->events_path, "w");
        if (!s->events)
            return stoa_error_set(err, STOA_ERROR_IO, "%s: cannot write events file",
                                  opt->events_path);
    }
    if (opt->hub.url && (r = run_hub_start(&s->hub, &opt->hub, err)) < 0) // classroom hub
        return r;
    r = run_period_init(s, err); // with a hub: the lobby first
    run_launch_mark("period (lesson machine, audio)");
    return r;
}

void run_session_fini(run_session *s)
{
    run_content_switch_cancel(s);
    run_content_retire_wait(s);
    run_pick_cancel(s);
    if (s->lesson_on)
        run_lesson_fini(&s->lesson);
    run_view_pics_stop(&s->view); // its picker hands pictures to the hub's connection
    run_hub_stop(&s->hub); // after the lesson: its last statements still reach the hub
    run_class_fini(&s->cls);
    run_sky_fini(s);
    if (s->front && s->front->release)
        s->front->release(s->front_user); // the GPU copies, then the front-end's device
    else
        run_session_release_gpu(s);
    run_view_report(&s->view);
    run_view_free(&s->view);
    run_overlay_fini(&s->overlay, NULL);
    if (s->events)
        fclose(s->events);
    run_content_drop_scene(s);
    run_ar_free(&s->ar);
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
    // In AR the environment-only nodes too (run_ar.c).
    uint32_t hv = (s->lesson_on ? s->lesson.hidden_version : 0) + s->ar.version;
    if (hv != s->hidden_version &&
        stoa_bvh_set_hidden(s->bvh, s->scene,
                            run_ar_hidden(s, s->lesson_on ? s->lesson.hidden : NULL)))
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

void run_session_release_gpu(run_session *s)
{
    run_stream_stop(s);
    run_view_release_gpu(&s->view);
    run_overlay_release_gpu(&s->overlay, NULL);
    stoa_gfx_scene_destroy(&s->gscene);
    run_sky_release_gpu(s);
}

void run_session_request_exit(run_session *s)
{
    s->exit_requested = true;
    if (s->front && s->front->request_exit) // a desktop front-end sees exit_requested itself
        s->front->request_exit(s->front_user);
}

void run_session_record_cpu(run_session *s, double cpu_us, double wall_us)
{
    if (s->cpu_count == s->cpu_cap) {
        uint32_t cap = s->cpu_cap ? s->cpu_cap * 2 : 1024;
        double (*p)[2] = realloc(s->cpu_us, cap * sizeof *p);
        if (!p)
            return;
        s->cpu_us = p;
        s->cpu_cap = cap;
    }
    s->cpu_us[s->cpu_count][0] = cpu_us;
    s->cpu_us[s->cpu_count++][1] = wall_us;
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
        rep.texture_batches = b->texture_batches - a->texture_batches;
    }
    // The first frames fill caches: left out, as `stoa bench frame` does.
    uint32_t skip = s->cpu_count > 20 ? 10 : 0, n = s->cpu_count - skip;
    double *v = n ? malloc(n * sizeof *v) : NULL;
    for (int k = 0; v && k < 2; k++) {
        for (uint32_t i = 0; i < n; i++)
            v[i] = s->cpu_us[skip + i][k];
        stoa_sort_doubles(v, n);
        double med = v[(n - 1) / 2] / 1000.0, p99 = v[(uint32_t)(0.99 * (n - 1) + 0.5)] / 1000.0,
               max = v[n - 1] / 1000.0;
        rep.frames_measured = n;
        *(k ? &rep.wall_median_ms : &rep.median_ms) = med;
        *(k ? &rep.wall_p99_ms : &rep.p99_ms) = p99;
        *(k ? &rep.wall_max_ms : &rep.max_ms) = max;
    }
    free(v);
    return rep;
}

stoa_result run_session_step(run_session *s, stoa_interact_frame *in, double dt, int64_t now_ns,
                             run_step *st, stoa_error *err)
{
    double t0 = stoa_time_seconds(), tp[4];
    if (!s->bvh) // the first frame: the BVH built while OpenXR and the renderer started
        run_pick_wait(s);  // (none when the scene's build ran out of memory: no hits)
    pose_scene(s, dt);
    float clear[4];
    run_tabletop_input(s, in, dt); // tabletop: placing, turning, scaling by hand
    run_ar_frame(s, now_ns, clear); // AR: the room's share, environment nodes hidden
    stoa_pose_update(s->pose);
    if (run_tabletop_take_rebuild(s))
        run_pick_rebuild(s); // the model stands somewhere new: rays see it there
    in->pose = s->pose;
    in->bvh = s->bvh;
    const stoa_interact_output *out = stoa_interact_update(s->interact, in);
    tp[0] = stoa_time_seconds();
    run_hand_frame(s, out, in); // the learner's "raise my hand" button
    bool placing = run_tabletop_waiting(s);
    if (!placing) // placing the model first: the lesson waits
        run_period_frame(s, out, in, now_ns); // the lesson, or the lobby
    run_ar_hint_frame(s, out, placing); // tabletop: what to do while placing
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
    // Textures and levels of detail that arrived, before they are drawn.
    run_stream_frame(s, st->renderer, now_ns);
    // Without its overlay the frame still shows the scene (panels come back
    // with the next frame that can make them).
    st->draws[0] = (run_draw){.scene = s->gscene, .pose = s->pose,
                              .options = {.clear_color = {clear[0], clear[1], clear[2],
                                                          clear[3]}}};
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

