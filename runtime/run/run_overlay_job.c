// SPDX-License-Identifier: Apache-2.0
// The overlay's slow work off the frame thread. A job, started when a panel
// is shown, hidden or changed, runs on a worker:
//   - draw the changed pictures (FreeType);
//   - when the overlay must be rebuilt (a panel shown, hidden or of a new
//     size): build its stoa_scene and its GPU copy (buffers, images,
//     descriptor pool, pixels: stoa_gfx_scene_upload_begin and _fill);
//   - otherwise: prepare the changed pictures for writing in place (straight
//     alpha, mip levels, staging buffers: stoa_gfx_texture_write_prepare).
// The frame thread polls (run_overlay_job_step): it submits the upload or
// queues the writes (creating nothing either way), and swaps the results
// in, giving each panel its drawn size and choice areas back. Until then the
// old overlay is drawn.
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "core/stoa_clock.h"
#include "core/stoa_log.h"
#include "run_ar.h"
#include "run_overlay.h"
#include "run_overlay_mesh.h"

enum { JOB_IDLE = 0, JOB_DRAWING };

typedef struct run_overlay_job {
    int phase;
    pthread_t thread;
    atomic_int done;
    stoa_ui_fonts *fonts;
    const stoa_ui_icons *icons; // the overlay's (read-only on the worker)
    const run_hands *hands; // the overlay's models (read-only on the worker)
    stoa_gfx_renderer *renderer; // the rebuilt overlay's GPU copy is made for it
    bool shown[RUN_MAX_PANELS]; // the set the job makes
    bool draw[RUN_MAX_PANELS];  // pictures it draws anew
    run_panel panels[RUN_MAX_PANELS];             // copies of those panels
    stoa_ui_panel_image images[RUN_MAX_PANELS];   // their new pictures
    const stoa_ui_panel_image *keep[RUN_MAX_PANELS]; // the overlay's own, unchanged
    int tex_w[RUN_MAX_PANELS], tex_h[RUN_MAX_PANELS]; // sizes in the current GPU copy
    bool have_gscene, force_rebuild;
    bool rebuild;
    stoa_gfx_scene *gscene;            // in place: the overlay's GPU copy now
    stoa_gfx_texture_write *writes[RUN_MAX_PANELS]; // in place: prepared writes
    stoa_scene *scene;                 // rebuild: the new overlay scene
    stoa_gfx_upload *upload;
    stoa_result result;
    stoa_error err;
    bool plates; // run_overlay.plates when the job began
} run_overlay_job;

static void job_clear(run_overlay_job *j)
{
    for (int i = 0; i < RUN_MAX_PANELS; i++) {
        stoa_ui_panel_image_fini(&j->images[i]);
        stoa_gfx_texture_write_discard(j->renderer, &j->writes[i]);
    }
    if (j->upload) {
        stoa_gfx_scene *gs = NULL;
        stoa_gfx_scene_upload_end(&j->upload, &gs, NULL);
        stoa_gfx_scene_destroy(&gs);
    }
    stoa_scene_destroy(&j->scene);
    memset(j, 0, sizeof *j);
}

static void *draw_main(void *arg)
{
    run_overlay_job *j = arg;
    bool rebuild = !j->have_gscene || j->force_rebuild;
    for (int i = 0; i < RUN_MAX_PANELS; i++) {
        if (j->draw[i])
            run_overlay_draw_panel(j->fonts, j->icons, &j->panels[i], &j->images[i]);
        if (j->draw[i] && j->plates)
            run_ar_panel_plate(&j->images[i]); // readable over a bright room
        bool had = j->tex_w[i] > 0;
        if (j->shown[i] != had && !(j->shown[i] && !j->draw[i] && !j->keep[i]->rgba))
            rebuild = true; // shown or hidden
        if (j->draw[i] && (!j->images[i].rgba || j->images[i].width != j->tex_w[i] ||
                           j->images[i].height != j->tex_h[i]))
            rebuild = true; // a new size
    }
    j->rebuild = rebuild;
    if (rebuild) {
        stoa_ui_panel_image merged[RUN_MAX_PANELS];
        for (int i = 0; i < RUN_MAX_PANELS; i++)
            merged[i] = j->draw[i] ? j->images[i]
                        : j->shown[i] ? *j->keep[i]
                                      : (stoa_ui_panel_image){0};
        j->scene = overlay_scene_build(merged, j->shown, j->hands);
        if (!overlay_scene_ok(j->scene))
            j->result = stoa_error_set(&j->err, STOA_ERROR_OUT_OF_MEMORY, "out of memory building panels");
        // Its GPU copy here too; a failed one still needs its end (frame thread).
        double t0 = stoa_time_seconds();
        if (j->result >= 0)
            j->result = stoa_gfx_scene_upload_begin(j->renderer, j->scene, &j->upload, &j->err);
        double t1 = stoa_time_seconds();
        if (j->result >= 0)
            j->result = stoa_gfx_scene_upload_fill(j->upload, &j->err);
        STOA_LOGD("run", "panels: GPU objects made in %.1f ms, pixels in %.1f ms, on the worker",
                  (t1 - t0) * 1e3, (stoa_time_seconds() - t1) * 1e3);
    } else {
        for (int i = 0; i < RUN_MAX_PANELS && j->result >= 0; i++) {
            if (!j->draw[i])
                continue;
            size_t px = (size_t)j->images[i].width * j->images[i].height;
            uint8_t *straight = malloc(px * 4);
            if (!straight) {
                j->result = stoa_error_set(&j->err, STOA_ERROR_OUT_OF_MEMORY, "out of memory");
                break;
            }
            memcpy(straight, j->images[i].rgba, px * 4);
            stoa_ui_unpremultiply(straight, px);
            stoa_error werr = {0};
            // A refusal (another size, a device that cannot) leaves writes[i]
            // NULL: the frame thread then asks for a new overlay.
            if (stoa_gfx_texture_write_prepare(j->renderer, j->gscene, (uint32_t)i, straight,
                                               (uint32_t)j->images[i].width,
                                               (uint32_t)j->images[i].height, &j->writes[i],
                                               &werr) < 0)
                STOA_LOGD("run", "panel %d not written in place: %s", i, werr.message);
            free(straight);
        }
    }
    atomic_store(&j->done, 1);
    return NULL;
}

void run_overlay_job_cancel(run_overlay *o)
{
    run_overlay_job *j = o->job;
    if (!j || j->phase == JOB_IDLE)
        return;
    pthread_join(j->thread, NULL);
    job_clear(j);
}

// Whether the lesson's panels differ from what the overlay shows.
static bool wanted(const run_overlay *o, const run_lesson *rl, int i, bool *show)
{
    const run_panel *p = rl ? &rl->panels[i] : NULL;
    *show = p && p->visible && o->fonts;
    return *show != o->shown[i] || (*show && p->version != o->versions[i]);
}

static void start(run_overlay *o, stoa_gfx_renderer *renderer, run_lesson *rl)
{
    run_overlay_job *j = o->job;
    bool any = !o->gscene || o->force_rebuild;
    for (int i = 0; i < RUN_MAX_PANELS; i++) {
        bool show;
        j->draw[i] = wanted(o, rl, i, &show) && show;
        any |= show != o->shown[i] || j->draw[i];
        j->shown[i] = show;
        j->keep[i] = &o->images[i];
        j->tex_w[i] = o->gscene ? o->tex_w[i] : 0;
        j->tex_h[i] = o->gscene ? o->tex_h[i] : 0;
        if (j->draw[i])
            j->panels[i] = rl->panels[i];
    }
    if (!any)
        return;
    j->fonts = o->fonts;
    j->icons = o->icons;
    j->plates = o->plates;
    j->hands = &o->hands;
    j->renderer = renderer;
    j->gscene = o->gscene; // stays until this job is taken or cancelled
    j->have_gscene = o->gscene != NULL;
    j->force_rebuild = o->force_rebuild;
    atomic_store(&j->done, 0);
    if (pthread_create(&j->thread, NULL, draw_main, j) != 0) {
        draw_main(j); // no thread to be had: here, then
        j->thread = pthread_self();
        j->phase = JOB_DRAWING;
        return;
    }
    j->phase = JOB_DRAWING;
}

static void join(run_overlay_job *j)
{
    if (!pthread_equal(j->thread, pthread_self()))
        pthread_join(j->thread, NULL);
}

// The job's pictures become the overlay's; panels get their drawn size back.
static void take_pictures(run_overlay *o, run_overlay_job *j, run_lesson *rl)
{
    for (int i = 0; i < RUN_MAX_PANELS; i++) {
        o->shown[i] = j->shown[i];
        if (!j->draw[i])
            continue;
        stoa_ui_panel_image_fini(&o->images[i]);
        o->images[i] = j->images[i];
        memset(&j->images[i], 0, sizeof j->images[i]);
        o->versions[i] = j->panels[i].version;
        run_panel *p = rl ? &rl->panels[i] : NULL;
        if (p && p->version == j->panels[i].version && !strcmp(p->id, j->panels[i].id)) {
            p->width = j->panels[i].width;
            p->height = j->panels[i].height;
            memcpy(p->choice_uv, j->panels[i].choice_uv, sizeof p->choice_uv);
            p->drawn = true;
        }
    }
}

static stoa_result swap_scene(run_overlay *o, run_overlay_job *j, stoa_gfx_scene *gs,
                              stoa_error *err)
{
    stoa_pose *pose = stoa_pose_create(j->scene);
    if (!pose) {
        stoa_gfx_scene_destroy(&gs);
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "out of memory");
    }
    stoa_gfx_scene_destroy(&o->gscene); // freed once the frames drawing it are done
    stoa_pose_destroy(&o->pose);
    stoa_scene_destroy(&o->scene);
    o->gscene = gs;
    o->scene = j->scene;
    j->scene = NULL;
    o->pose = pose;
    for (int i = 0; i < RUN_MAX_PANELS; i++) {
        const stoa_ui_panel_image *img = j->draw[i] ? &j->images[i] : &o->images[i];
        bool has = j->shown[i] && img->rgba;
        o->tex_w[i] = has ? img->width : 0;
        o->tex_h[i] = has ? img->height : 0;
    }
    o->rebuilds++;
    o->needs_prepare = true;
    o->force_rebuild = false;
    return STOA_OK;
}

stoa_result run_overlay_job_step(run_overlay *o, stoa_gfx_renderer *renderer, run_lesson *rl,
                                 stoa_error *err)
{
    if (!o->job && !(o->job = calloc(1, sizeof *o->job)))
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "out of memory");
    run_overlay_job *j = o->job;
    if (j->phase == JOB_IDLE) {
        start(o, renderer, rl);
        return STOA_OK;
    }
    if (!atomic_load(&j->done))
        return STOA_OK; // the old overlay is drawn meanwhile
    join(j);
    stoa_result r = j->result;
    if (r >= 0 && j->rebuild) { // a submit and a swap: nothing is created here
        stoa_gfx_scene *gs = NULL;
        r = stoa_gfx_scene_upload_end(&j->upload, &gs, &j->err);
        if (r >= 0)
            r = swap_scene(o, j, gs, &j->err);
    } else if (r >= 0) { // in place
        for (int i = 0; i < RUN_MAX_PANELS; i++) {
            stoa_error werr = {0};
            if (!j->draw[i])
                continue;
            if (!j->writes[i] || stoa_gfx_texture_write_queue(o->gscene, &j->writes[i], &werr) < 0) {
                if (werr.message[0])
                    STOA_LOGD("run", "panel %d not written in place: %s", i, werr.message);
                o->force_rebuild = true; // the next job makes a new overlay
            } else {
                o->writes++;
            }
        }
    }
    if (r >= 0)
        take_pictures(o, j, rl);
    else
        *err = j->err;
    job_clear(j);
    return r;
}
