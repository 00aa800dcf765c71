// SPDX-License-Identifier: Apache-2.0
// What `stoa run` shows: the scene (pose, picking, interaction, GPU copy)
// and the lesson played in it; and switching to another lesson when the
// instructor launches one from the hub, without leaving the headset session.
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "core/stoa_clock.h"
#include "core/stoa_log.h"
#include "run_session.h"

// Nodes named like this are zones (see scenes/agora/README.md).
static uint32_t classify(void *user, const stoa_scene *scene, uint32_t node)
{
    (void)user;
    const stoa_node *n = &scene->nodes[node];
    if (strncmp(n->name, "Zone_", 5) == 0)
        return STOA_INTERACT_ZONE;
    if (!strcmp(n->name, "Floor") || !strcmp(n->name, "Platform") || !strcmp(n->name, "Steps"))
        return STOA_INTERACT_WALKABLE | STOA_INTERACT_PICKABLE;
    if (!strcmp(n->name, "Spawn"))
        return STOA_INTERACT_RAY_TRANSPARENT;
    return n->mesh_count ? STOA_INTERACT_PICKABLE : 0;
}

// The learner starts at the scene's Spawn node (feet), looking along its -Z.
static stoa_interact_rig spawn_rig(const stoa_scene *scene, const stoa_pose *pose)
{
    stoa_interact_rig rig = {{0, 0, 0}, 0.0f};
    int32_t spawn = stoa_scene_find_node(scene, "Spawn");
    if (spawn < 0)
        return rig;
    const float *m = stoa_pose_world(pose, (uint32_t)spawn);
    rig.position[0] = m[12];
    rig.position[1] = m[13];
    rig.position[2] = m[14];
    // Yaw of the node's -Z axis (column 2 is its +Z in world).
    rig.yaw = atan2f(m[8], m[10]);
    return rig;
}

static stoa_result register_grabbable(run_session *s, const char *list, stoa_error *err)
{
    char name[256];
    for (const char *p = list; p && *p;) {
        size_t n = strcspn(p, ",");
        snprintf(name, sizeof name, "%.*s", (int)n, p);
        stoa_interact_node_desc nd = {.flags = STOA_INTERACT_GRABBABLE | STOA_INTERACT_PICKABLE};
        if (stoa_interact_set_node_named(s->interact, name, &nd) < 0)
            return stoa_error_set(err, STOA_ERROR_NOT_FOUND, "%s: no node named '%s' to grab",
                                  s->opt->scene_path, name);
        p += n + (p[n] == ',');
    }
    return STOA_OK;
}

static void set_flags(run_session *s, const char *name, uint32_t add, float dwell_s)
{
    int32_t node = name ? stoa_scene_find_node(s->scene, name) : -1;
    if (node < 0)
        return;
    stoa_interact_node_desc nd = {
        .flags = stoa_interact_node_flags(s->interact, (uint32_t)node) | add,
        .dwell_s = dwell_s,
    };
    stoa_interact_set_node(s->interact, (uint32_t)node, &nd);
}

// What the lesson's triggers need: grabbable nodes, zones, gaze thresholds.
static void register_lesson_nodes(run_session *s)
{
    const stoa_lesson *l = s->lesson.lesson;
    for (uint32_t i = 0; i < l->state_count; i++) {
        for (uint32_t j = 0; j < l->states[i].trigger_count; j++) {
            const stoa_lesson_trigger *t = &l->states[i].triggers[j];
            switch (t->kind) {
            case STOA_LESSON_TRIG_GRAB:
            case STOA_LESSON_TRIG_RELEASE:
                set_flags(s, t->node, STOA_INTERACT_GRABBABLE | STOA_INTERACT_PICKABLE, 0);
                break;
            case STOA_LESSON_TRIG_PLACE:
                set_flags(s, t->node, STOA_INTERACT_GRABBABLE | STOA_INTERACT_PICKABLE, 0);
                set_flags(s, t->zone, STOA_INTERACT_ZONE, 0);
                break;
            case STOA_LESSON_TRIG_ENTER_ZONE:
            case STOA_LESSON_TRIG_LEAVE_ZONE: set_flags(s, t->node, STOA_INTERACT_ZONE, 0); break;
            case STOA_LESSON_TRIG_GAZE:
                set_flags(s, t->node, STOA_INTERACT_PICKABLE, (float)t->seconds);
                break;
            case STOA_LESSON_TRIG_SELECT: set_flags(s, t->node, STOA_INTERACT_PICKABLE, 0); break;
            default: break;
            }
        }
        // A task's moves need the same (docs/lesson-format.md, "Tasks").
        const stoa_lesson_task *tk = l->states[i].task;
        for (uint32_t j = 0; tk && j < tk->step_count + tk->wrong_count; j++) {
            const stoa_lesson_move *mv = j < tk->step_count ? &tk->steps[j] : &tk->wrong[j - tk->step_count];
            set_flags(s, mv->node, mv->kind == STOA_LESSON_MOVE_SELECT ? STOA_INTERACT_PICKABLE
                                   : STOA_INTERACT_GRABBABLE | STOA_INTERACT_PICKABLE, 0);
            set_flags(s, mv->zone, STOA_INTERACT_ZONE, 0);
        }
    }
}

// Loads the scene and everything that depends on it, except its GPU copy.
// bvh_later: the picking BVH is built on a worker (run_pick_rebuild) and
// taken by the first frame step (run_pick_wait), so that a launch does not
// wait for it (agora: 12-35 ms) before starting OpenXR and the renderer.
static stoa_result load_scene(run_session *s, const char *path, bool bvh_later, stoa_error *err)
{
    const run_options *opt = s->opt;
    // The first frame does not wait for textures: they stream in (run_stream.c);
    // nor for levels of detail: run_session_step takes them when made.
    stoa_result r = stoa_scene_load(
        path,
        &(stoa_scene_load_desc){.use_cache = true, .defer_textures = true, .defer_lods = true,
                                .hold_background = true}, // until the first frame: run_stream.c
        &s->scene, err);
    if (r < 0)
        return r;
    // The scene's warnings were logged by stoa_scene_load, with its path.
    s->pose = stoa_pose_create(s->scene);
    s->moved = calloc(s->scene->node_count, sizeof *s->moved);
    s->moved_trs = calloc(s->scene->node_count, sizeof *s->moved_trs);
    s->highlights = calloc(s->scene->node_count, sizeof *s->highlights);
    if (!s->pose || !s->moved || !s->moved_trs || !s->highlights)
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "out of memory");
    stoa_pose_update(s->pose);
    if (bvh_later)
        run_pick_rebuild(s);
    if (!s->pick.busy) // not later, or no worker could start: now
        s->bvh = stoa_bvh_build(s->scene, s->pose);
    stoa_interact_desc id = {
        .mode = opt->seated ? STOA_INTERACT_SEATED : STOA_INTERACT_STANDING,
        .classify = classify,
        // Historical sites are large: let the laser reach across a hall.
        .pointer_max_m = 25.0f,
        .gaze_max_m = 40.0f,
        .gaze_dwell_s = opt->dwell_s,
        .rig = spawn_rig(s->scene, s->pose),
    };
    r = stoa_interact_create(s->scene, &id, &s->interact, err);
    if (r < 0)
        return r;
    if ((r = register_grabbable(s, opt->grab_nodes, err)) < 0)
        return r;
    if (s->lesson_on)
        register_lesson_nodes(s);
    return STOA_OK;
}

void run_content_drop_scene(run_session *s)
{
    run_stream_stop(s);
    stoa_interact_destroy(&s->interact);
    stoa_bvh_destroy(&s->bvh);
    stoa_pose_destroy(&s->pose);
    stoa_scene_destroy(&s->scene);
    free(s->moved);
    free(s->moved_trs);
    free(s->highlights);
    s->moved = NULL;
    s->moved_trs = NULL;
    s->highlights = NULL;
    s->grabbing = false;
}

stoa_result run_content_load(run_session *s, stoa_error *err)
{
    const run_options *opt = s->opt;
    const char *scene_path = opt->scene_path;
    if (opt->lesson_path) {
        s->lesson_desc = opt->lesson;
        stoa_result lr = run_lesson_load(&s->lesson, &s->lesson_desc, err);
        if (lr < 0)
            return lr;
        s->lesson_on = true;
        scene_path = s->lesson.scene_path;
    }
    return load_scene(s, scene_path, true, err);
}

// ---- switching lessons on a worker thread -----------------------------------
//
// The new lesson and (when it differs) its scene are read, parsed, made
// ready for picking and copied to the GPU (buffers, images, descriptor
// pool, pipelines, texture pixels: stoa_gfx_scene_upload_begin, _prepare
// and _fill may run off the renderer's thread) on a worker, into a scratch run_session, while the
// old lesson keeps drawing. The frame thread then only submits the upload
// and swaps the pieces over (run_content_switch_poll).

static void *switch_main(void *arg)
{
    run_switch *w = arg;
    run_session *t = w->scratch;
    w->result = run_lesson_load(&t->lesson, &t->lesson_desc, &w->err);
    if (w->result >= 0) {
        t->lesson_on = true;
        w->same_scene = strcmp(t->lesson.scene_path, w->current_scene) == 0;
        if (!w->same_scene)
            w->result = load_scene(t, t->lesson.scene_path, false, &w->err);
    }
    // The lesson's sky too: its image decoded, its light baked (run_sky.c).
    if (w->result >= 0)
        run_sky_prepare(t, w->renderer, w->sky_key);
    if (w->result >= 0 && !w->same_scene && w->renderer) {
        // An upload that fails still needs its end (on the frame thread).
        double t0 = stoa_time_seconds();
        w->result = stoa_gfx_scene_upload_begin(w->renderer, t->scene, &w->upload, &w->err);
        double t1 = stoa_time_seconds();
        // Its pipelines too (a material variant no scene had before), so
        // that the frame thread's stoa_xr_prepare after the swap only looks up.
        if (w->upload && w->result >= 0 && w->pass.pass)
            w->result = stoa_gfx_scene_upload_prepare(w->upload, &w->pass, &w->err);
        double t2 = stoa_time_seconds();
        if (w->upload && w->result >= 0)
            w->result = stoa_gfx_scene_upload_fill(w->upload, &w->err);
        STOA_LOGD("run",
                  "%s: GPU objects made in %.1f ms, pipelines in %.1f ms, pixels in %.1f ms, "
                  "on the worker",
                  t->lesson.scene_path, (t1 - t0) * 1e3, (t2 - t1) * 1e3,
                  (stoa_time_seconds() - t2) * 1e3);
    }
    atomic_store(&w->done, 1);
    return NULL;
}

stoa_result run_content_switch_lesson(run_session *s, const char *path, const char *registration,
                                      const char *learner, stoa_error *err)
{
    run_switch *w = &s->sw;
    if (w->busy)
        return stoa_error_set(err, STOA_ERROR_STATE, "a lesson is already being loaded");
    memset(w, 0, sizeof *w);
    w->scratch = calloc(1, sizeof *w->scratch);
    if (!w->scratch)
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "out of memory");
    snprintf(w->path, sizeof w->path, "%s", path);
    snprintf(w->registration, sizeof w->registration, "%s", registration ? registration : "");
    snprintf(w->learner, sizeof w->learner, "%s", learner ? learner : "");
    // The scene on the headset now (the lobby keeps the last lesson's).
    snprintf(w->current_scene, sizeof w->current_scene, "%s",
             s->scene && s->scene->path ? s->scene->path : "");
    w->renderer = s->renderer;
    w->sky_key = run_sky_key(s);
    stoa_error perr = {0};
    if (s->front && s->front->pass_info && s->front->pass_info(s->front_user, &w->pass, &perr) < 0) // then made after the swap
        STOA_LOGW("run", "pipelines for %s: %s", path, perr.message);
    run_session *t = w->scratch;
    t->opt = s->opt;
    t->lesson_desc = s->opt->lesson;
    t->lesson_desc.lesson_path = w->path;
    t->lesson_desc.registration = w->registration[0] ? w->registration : NULL;
    if (w->learner[0]) { // a signed-in learner: their id under the hub's address
        t->lesson_desc.learner = w->learner;
        t->lesson_desc.account_home_page = s->opt->hub.url;
    }
    if (pthread_create(&w->thread, NULL, switch_main, w) != 0) {
        free(w->scratch);
        w->scratch = NULL;
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "cannot start a loader thread");
    }
    w->busy = true;
    STOA_LOGI("run", "loading lesson %s on a worker", path);
    return STOA_OK;
}

// Frees what the worker made that was not taken over.
static void switch_discard(run_switch *w)
{
    if (w->upload) {
        stoa_gfx_scene *gs = NULL;
        stoa_gfx_scene_upload_end(&w->upload, &gs, NULL);
        stoa_gfx_scene_destroy(&gs);
    }
    run_session *t = w->scratch;
    if (t) {
        if (t->lesson.lesson || t->lesson.machine)
            run_lesson_fini(&t->lesson);
        run_content_drop_scene(t);
        run_sky_fini(t); // a sky it made, or the one a swap let go
        free(t);
    }
    w->scratch = NULL;
}

void run_content_switch_cancel(run_session *s)
{
    run_switch *w = &s->sw;
    if (!w->busy)
        return;
    pthread_join(w->thread, NULL);
    switch_discard(w);
    memset(w, 0, sizeof *w);
}

// What a switch lets go, freed off the frame thread.
typedef struct retire_job {
    run_session *old;
    stoa_net *net;   // the hub's, or NULL
    char log[4096];  // the old run's trace log ("" = none)
} retire_job;

static void *retire_main(void *arg)
{
    retire_job *j = arg;
    run_session *old = j->old;
    if (old->lesson_on)
        run_lesson_fini(&old->lesson); // the old run's trace ends (terminated)
    // The hub follows the new run's log by now: what the old run wrote while
    // it was being let go (its last statements) is sent from its log, which
    // is complete here. The hub stores each statement once and ignores the
    // ones it has.
    if (j->net && j->log[0])
        stoa_net_resend_log(j->net, j->log);
    run_content_drop_scene(old);
    free(old);
    free(j);
    return NULL;
}

void run_content_retire_wait(run_session *s)
{
    if (s->retiring)
        pthread_join(s->retire_thread, NULL);
    s->retiring = false;
}

static void retire(run_session *s, run_session *old)
{
    run_content_retire_wait(s); // the one before (long done: switches are seconds apart)
    retire_job *j = calloc(1, sizeof *j);
    if (!j) { // out of memory: let go here; the log is offered again at the next start
        if (old->lesson_on)
            run_lesson_fini(&old->lesson);
        run_content_drop_scene(old);
        free(old);
        return;
    }
    j->old = old;
    j->net = s->hub.net;
    const char *log = old->lesson_on && old->lesson.trace ? stoa_trace_log_path(old->lesson.trace) : NULL;
    snprintf(j->log, sizeof j->log, "%s", log ? log : "");
    if (pthread_create(&s->retire_thread, NULL, retire_main, j) == 0)
        s->retiring = true;
    else
        retire_main(j); // no thread to be had: here, then
}

void run_content_retire_lesson(run_session *s, run_lesson *lesson)
{
    run_session *old = calloc(1, sizeof *old);
    if (!old) { // out of memory for the hand-over: ended here, then
        run_lesson_fini(lesson);
        return;
    }
    old->lesson = *lesson;
    old->lesson_on = true;
    memset(lesson, 0, sizeof *lesson);
    retire(s, old);
}

stoa_result run_content_switch_poll(run_session *s, bool *out_switched, stoa_error *err)
{
    run_switch *w = &s->sw;
    *out_switched = false;
    if (!w->busy || !atomic_load(&w->done))
        return STOA_OK;
    pthread_join(w->thread, NULL);
    run_session *t = w->scratch;
    stoa_result r = w->result;
    stoa_gfx_scene *gscene = NULL;
    if (r >= 0 && !w->same_scene && !w->upload)
        r = stoa_error_set(&w->err, STOA_ERROR_STATE, "no headset to show %s on", w->path);
    if (w->upload) { // a submit and a hand-over: nothing is created here
        stoa_result ur = stoa_gfx_scene_upload_end(&w->upload, &gscene, &w->err);
        r = r < 0 ? r : ur;
    }
    w->busy = false;
    if (r < 0) {
        *err = w->err;
        switch_discard(w);
        memset(w, 0, sizeof *w);
        return r;
    }
    // What the switch lets go is freed on a thread of its own: the old
    // trace's writer is joined there (its last write and fdatasync) and the
    // old scene's memory given back, not on the frame thread.
    run_session *old = calloc(1, sizeof *old);
    if (old && s->lesson_on) {
        old->lesson = s->lesson;
        old->lesson_on = true;
    } else if (s->lesson_on) {
        run_lesson_fini(&s->lesson); // no memory for the hand-over: here, then
    }
    s->lesson = t->lesson;
    s->lesson_desc = t->lesson_desc;
    snprintf(s->switch_path, sizeof s->switch_path, "%s", w->path);
    snprintf(s->switch_registration, sizeof s->switch_registration, "%s", w->registration);
    snprintf(s->switch_learner, sizeof s->switch_learner, "%s", w->learner);
    if (w->learner[0])
        s->lesson_desc.learner = s->switch_learner;
    s->lesson_desc.lesson_path = s->switch_path;
    s->lesson_desc.registration = s->switch_registration[0] ? s->switch_registration : NULL;
    s->lesson_on = true;
    memset(&t->lesson, 0, sizeof t->lesson);
    run_sky_take(s, t); // resolved and baked by the worker: run_sky_frame only hands it over
    printf("stoa run: switching to lesson %s\n", w->path);
    fflush(stdout);
    if (w->same_scene) {
        register_lesson_nodes(s);
        memset(s->moved, 0, s->scene->node_count * sizeof *s->moved);
    } else {
        // The old scene's GPU copy goes once the frames drawing it are done.
        run_pick_cancel(s); // a BVH of the old scene
        run_stream_stop(s);
        stoa_gfx_scene_destroy(&s->gscene);
        if (old) {
            old->scene = s->scene, old->pose = s->pose, old->bvh = s->bvh;
            old->interact = s->interact, old->moved = s->moved;
            old->moved_trs = s->moved_trs, old->highlights = s->highlights;
        } else {
            run_content_drop_scene(s);
        }
        s->gscene = gscene;
        s->scene = t->scene, t->scene = NULL;
        s->pose = t->pose, t->pose = NULL;
        s->bvh = t->bvh, t->bvh = NULL;
        s->interact = t->interact, t->interact = NULL;
        s->moved = t->moved, t->moved = NULL;
        s->moved_trs = t->moved_trs, t->moved_trs = NULL;
        s->highlights = t->highlights, t->highlights = NULL;
    }
    switch_discard(w);
    memset(w, 0, sizeof *w);
    if (old)
        retire(s, old);
    *out_switched = true;
    return STOA_OK;
}
