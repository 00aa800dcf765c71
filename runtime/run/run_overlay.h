// SPDX-License-Identifier: Apache-2.0
// What `stoa run` draws over the scene: the lesson's panels (pictures made
// by runtime/ui), the controller lasers, the gaze reticle, the teleport arc
// and the arrow that points at a node. It is a small scene of its own, made
// in memory and drawn by the same renderer after the main scene, depth-tested
// against it. Internal to `stoa run`.
#pragma once

#include <stdbool.h>

#include "gfx/stoa_gfx.h"
#include "interact/stoa_interact.h"
#include "run_hands.h"
#include "run_lesson.h"
#include "ui/stoa_ui.h"

typedef struct run_overlay {
    stoa_ui_fonts *fonts; // NULL when no font is installed: panels are not drawn
    stoa_scene *scene;
    stoa_gfx_scene *gscene;
    stoa_pose *pose;
    uint32_t versions[RUN_MAX_PANELS];
    bool shown[RUN_MAX_PANELS];
    stoa_ui_panel_image images[RUN_MAX_PANELS];
    // Size of each panel's texture in gscene (0 = a 1x1 blank): a picture of
    // the same size is written in place, anything else rebuilds the overlay.
    int tex_w[RUN_MAX_PANELS], tex_h[RUN_MAX_PANELS];
    struct run_overlay_job *job; // pictures and uploads on a worker (run_overlay_job.c)
    bool force_rebuild;      // an in-place write failed: the next job rebuilds
    bool plates;             // AR: panels on an opaque backing plate (run_ar_panel.c)
    float arrow_scale;       // the highlight arrow's size (0 = 1; small on a tabletop model)
    uint32_t rebuilds;       // new overlay scenes (a panel shown, hidden or resized)
    uint32_t writes;         // pictures updated in place (hover, answers)
    bool needs_prepare;      // a new gscene: its pipelines are still to be made
    run_hands hands;         // controller and hand models (run_hands.c)
    stoa_ui_icons *icons;    // the panels' icons; NULL: marks drawn as glyphs
} run_overlay;

// run_overlay_job.c: panel pictures are drawn, and a rebuilt overlay's
// pixels written, on a worker thread; the frame thread only makes the GPU
// objects and swaps the result in (one or two frames later). One job at a
// time; step once per frame.
stoa_result run_overlay_job_step(run_overlay *o, stoa_gfx_renderer *renderer, run_lesson *rl,
                                 stoa_error *err);
// Waits for a job in flight and throws it away (before the renderer goes).
void run_overlay_job_cancel(run_overlay *o);
void run_overlay_draw_panel(stoa_ui_fonts *fonts, const stoa_ui_icons *icons, run_panel *p,
                            stoa_ui_panel_image *img);
// Loads the panels' icons from $STOA_ICONS_DIR, else dir; a missing or bad
// file is a warning naming it, and the panels keep their glyph marks.
void run_overlay_load_icons(run_overlay *o, const char *dir);

stoa_result run_overlay_init(run_overlay *o, stoa_error *err);
void run_overlay_fini(run_overlay *o, stoa_gfx_device *device);
// Remakes panel pictures that changed (on a worker) and places everything
// for this frame. A picture that keeps its size (a hovered quiz choice, an
// answer) is written into its texture in place; a panel shown, hidden or
// resized makes a new GPU copy of the overlay, the old one freed once the
// frames drawing it are done. Nothing here waits for the device or for the
// worker. rl may be NULL (no lesson).
stoa_result run_overlay_update(run_overlay *o, stoa_gfx_device *device,
                               stoa_gfx_renderer *renderer, run_lesson *rl,
                               const stoa_interact_output *io, const stoa_pose *scene_pose,
                               double time_s, stoa_error *err);
// Drops the GPU copy (before the device goes away; frame-fenced, so device
// may be NULL); the next update remakes it.
void run_overlay_release_gpu(run_overlay *o, stoa_gfx_device *device);
