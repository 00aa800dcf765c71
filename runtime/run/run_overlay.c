// SPDX-License-Identifier: Apache-2.0
#include "run_overlay.h"

#include <cglm/cglm.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/stoa_log.h"
#include "run_overlay_mesh.h"
#include "run_hand.h"
#include "run_panels.h"

stoa_result run_overlay_init(run_overlay *o, stoa_error *err)
{
    memset(o, 0, sizeof *o);
    stoa_ui_fonts_desc fd = {0};
    stoa_error ferr = {0};
    if (stoa_ui_fonts_create(&fd, &o->fonts, &ferr) < 0)
        STOA_LOGW("run", "panels cannot be drawn: %s", ferr.message);
    (void)err;
    return STOA_OK;
}

void run_overlay_load_icons(run_overlay *o, const char *dir)
{
    const char *env = getenv("STOA_ICONS_DIR");
    dir = env && env[0] ? env : dir;
    stoa_error ierr = {0};
    stoa_ui_icons_destroy(&o->icons);
    if (!dir)
        STOA_LOGW("run", "no icon folder (share/stoa/icons): panels show no icons");
    else if (stoa_ui_icons_load(dir, &o->icons, &ierr) < 0)
        STOA_LOGW("run", "panels show no icons: %s", ierr.message);
}

void run_overlay_release_gpu(run_overlay *o, stoa_gfx_device *device)
{
    (void)device; // the renderer frees it once its frames are done
    run_overlay_job_cancel(o); // its upload belongs to this renderer too
    stoa_gfx_scene_destroy(&o->gscene);
}

void run_overlay_fini(run_overlay *o, stoa_gfx_device *device)
{
    run_overlay_release_gpu(o, device);
    run_hands_fini(&o->hands);
    stoa_pose_destroy(&o->pose);
    stoa_scene_destroy(&o->scene);
    for (int i = 0; i < RUN_MAX_PANELS; i++)
        stoa_ui_panel_image_fini(&o->images[i]);
    free(o->job);
    stoa_ui_fonts_destroy(&o->fonts);
    stoa_ui_icons_destroy(&o->icons);
    memset(o, 0, sizeof *o);
}

static stoa_ui_choice_state choice_state(const run_panel *p, uint32_t i)
{
    bool correct = p->quiz && (p->quiz->correct & (1u << i));
    if (p->answered && (int32_t)i == p->chosen)
        return p->correct ? STOA_UI_CHOICE_CORRECT : STOA_UI_CHOICE_WRONG;
    if (p->answered && correct)
        return STOA_UI_CHOICE_CORRECT; // show the right answer after a wrong one
    return (int32_t)i == p->hovered ? STOA_UI_CHOICE_HOVERED : STOA_UI_CHOICE_NORMAL;
}

// Draws one panel's picture and takes its real size and choice areas back
// into p (a worker's copy: run_overlay_job.c writes them back on swap).
void run_overlay_draw_panel(stoa_ui_fonts *fonts, const stoa_ui_icons *icons, run_panel *p,
                            stoa_ui_panel_image *img)
{
    stoa_ui_panel_image_fini(img);
    stoa_error err = {0};
    stoa_result r;
    if (p->kind == RUN_PANEL_SUBTITLE) {
        stoa_ui_label_desc ld = {.text = p->text};
        r = stoa_ui_label_render(fonts, &ld, img, &err);
    } else {
        stoa_ui_panel_desc pd = {.title = p->title[0] ? p->title : NULL,
                                 .body = p->text,
                                 .footer = p->footer[0] ? p->footer : NULL,
                                 .footer_tone = p->answered ? (p->correct ? STOA_UI_TONE_POSITIVE
                                                                          : STOA_UI_TONE_NEGATIVE)
                                                            : STOA_UI_TONE_NEUTRAL,
                                 .icons = icons,
                                 .icon = (stoa_ui_icon_id)p->icon};
        pd.choice_count = (int)p->choice_count;
        pd.choice_columns = (int)p->choice_columns;
        for (uint32_t i = 0; i < p->choice_count; i++) {
            pd.choices[i] = p->choices[i];
            pd.choice_states[i] = choice_state(p, i);
            // The raise-my-hand button shows the hand, not a letter.
            pd.choice_icons[i] = !strcmp(p->id, RUN_HAND_PANEL) ? STOA_UI_ICON_HAND
                                                                : STOA_UI_ICON_NONE;
        }
        r = stoa_ui_panel_render(fonts, &pd, img, &err);
    }
    if (r < 0) {
        STOA_LOGW("run", "panel '%s': %s", p->id, err.message);
        return;
    }
    p->width = img->width_m;
    p->height = img->height_m;
    // A fading message (run_layout.c): the picture is premultiplied, so
    // every channel scales with its opacity.
    if (p->fade > 0.0f && img->rgba) {
        uint32_t keep = (uint32_t)((1.0f - (p->fade < 1.0f ? p->fade : 1.0f)) * 256.0f);
        size_t n = (size_t)img->width * (size_t)img->height * 4;
        for (size_t i = 0; i < n; i++)
            img->rgba[i] = (uint8_t)((img->rgba[i] * keep) >> 8);
    }
    STOA_LOGD("run", "panel '%s' %.2fx%.2f m at (%.2f %.2f %.2f), %d choices", p->id, p->width,
              p->height, p->center[0], p->center[1], p->center[2], img->choice_count);
    for (int i = 0; i < img->choice_count && i < RUN_MAX_CHOICES; i++) {
        STOA_LOGT("run", "  choice %d: u %.3f..%.3f v %.3f..%.3f", i, img->choice_uvs[i].u0,
                  img->choice_uvs[i].u1, img->choice_uvs[i].v0, img->choice_uvs[i].v1);
        p->choice_uv[i][0] = img->choice_uvs[i].u0;
        p->choice_uv[i][1] = img->choice_uvs[i].v0;
        p->choice_uv[i][2] = img->choice_uvs[i].u1;
        p->choice_uv[i][3] = img->choice_uvs[i].v1;
    }
}

static void place(run_overlay *o, uint32_t node, const float pos[3], const mat3 rot,
                  const float scale[3])
{
    versor q;
    glm_mat3_quat((vec3 *)rot, q);
    stoa_pose_set_local(o->pose, node, pos, q, scale);
}

static void place_panel(run_overlay *o, uint32_t node, const run_panel *p)
{
    mat3 rot;
    vec3 normal;
    glm_vec3_cross((float *)p->right, (float *)p->up, normal);
    glm_vec3_copy((float *)p->right, rot[0]);
    glm_vec3_copy((float *)p->up, rot[1]);
    glm_vec3_copy(normal, rot[2]);
    float scale[3] = {p->width * p->scale, p->height * p->scale, 1.0f};
    place(o, node, p->center, rot, scale);
}

// A thin box from a to b (the box mesh runs from z 0 to -1).
static void place_segment(run_overlay *o, uint32_t node, const float a[3], const float b[3],
                          float thickness)
{
    vec3 d = {b[0] - a[0], b[1] - a[1], b[2] - a[2]};
    float len = glm_vec3_norm(d);
    if (len < 1e-4f)
        return;
    mat3 rot;
    vec3 z, x, y, up = {0, 1, 0};
    glm_vec3_scale(d, -1.0f / len, z); // the box's -Z points along the segment
    if (fabsf(glm_vec3_dot(z, up)) > 0.99f)
        glm_vec3_copy((vec3){1, 0, 0}, up);
    glm_vec3_crossn(up, z, x);
    glm_vec3_cross(z, x, y);
    glm_vec3_copy(x, rot[0]);
    glm_vec3_copy(y, rot[1]);
    glm_vec3_copy(z, rot[2]);
    float scale[3] = {thickness, thickness, len};
    place(o, node, a, rot, scale);
}

static void place_cube(run_overlay *o, uint32_t node, const float pos[3], float size)
{
    mat3 rot = GLM_MAT3_IDENTITY_INIT;
    float scale[3] = {size, size, size};
    place(o, node, pos, rot, scale);
}

// Above the node's posed bounds, bobbing gently.
static void place_arrow(run_overlay *o, const stoa_pose *scene_pose, const stoa_scene *scene,
                        int32_t node, double t)
{
    const float *m = stoa_pose_world(scene_pose, (uint32_t)node);
    float top = m[13];
    const stoa_node *n = &scene->nodes[node];
    for (uint32_t i = 0; i < n->mesh_count; i++) {
        const stoa_mesh *mesh = &scene->meshes[n->meshes[i]];
        for (int c = 0; c < 8; c++) {
            float p[3] = {c & 1 ? mesh->bounds_max[0] : mesh->bounds_min[0],
                          c & 2 ? mesh->bounds_max[1] : mesh->bounds_min[1],
                          c & 4 ? mesh->bounds_max[2] : mesh->bounds_min[2]};
            float y = m[1] * p[0] + m[5] * p[1] + m[9] * p[2] + m[13];
            top = y > top ? y : top;
        }
    }
    float k = o->arrow_scale > 0 ? o->arrow_scale : 1.0f; // run_tabletop.c
    float pos[3] = {m[12], top + k * (0.25f + 0.08f * (float)sin(t * 3.0)), m[14]};
    mat3 rot = GLM_MAT3_IDENTITY_INIT;
    float scale[3] = {0.25f * k, 0.4f * k, 0.25f * k};
    place(o, OV_NODE_ARROW, pos, rot, scale);
}

// A learner who faces away from the arrow's node (over 35 degrees from where
// they look) sees the arrow at the edge of the view instead, its tip turned
// towards the node: they turn until the arrow over the node takes over.
static bool place_edge_arrow(run_overlay *o, const stoa_pose *scene_pose, const run_lesson *rl,
                             double t)
{
    const float *m = stoa_pose_world(scene_pose, (uint32_t)rl->arrow_node);
    vec3 pos, d, f;
    if (!run_layout_edge_arrow(rl->head_world, rl->head_forward, &m[12], pos, d))
        return false;
    glm_vec3_normalize_to((float *)rl->head_forward, f);
    float bob = 0.03f * (float)sin(t * 5.0); // along its own axis: it keeps pointing at the node
    for (int i = 0; i < 3; i++)
        pos[i] += d[i] * bob;
    mat3 rot;
    vec3 y, x, z;
    glm_vec3_negate_to(d, y); // the pyramid's tip is its -Y: towards the node
    glm_vec3_cross(y, f, x);  // its faces turned to the learner as far as the tip allows
    if (glm_vec3_norm(x) < 1e-3f)
        glm_vec3_cross(y, (vec3){0, 1, 0}, x);
    glm_vec3_normalize(x);
    glm_vec3_cross(x, y, z);
    glm_vec3_copy(x, rot[0]);
    glm_vec3_copy(y, rot[1]);
    glm_vec3_copy(z, rot[2]);
    float scale[3] = {0.08f, 0.14f, 0.08f};
    place(o, OV_NODE_ARROW, pos, rot, scale);
    return true;
}

stoa_result run_overlay_update(run_overlay *o, stoa_gfx_device *device,
                               stoa_gfx_renderer *renderer, run_lesson *rl,
                               const stoa_interact_output *io, const stoa_pose *scene_pose,
                               double time_s, stoa_error *err)
{
    (void)device;
    stoa_result r = run_overlay_job_step(o, renderer, rl, err);
    if (!o->pose) // no overlay yet: its first pictures are on their way
        return r;
    stoa_pose_reset(o->pose); // everything hidden (scale 0) until placed
    for (int i = 0; i < RUN_MAX_PANELS; i++)
        if (o->shown[i])
            place_panel(o, OV_NODE_PANEL0 + (uint32_t)i, &rl->panels[i]);
    for (int h = 0; h < 2; h++)
        if (io->lasers[h].visible)
            place_segment(o, OV_NODE_LASER_L + (uint32_t)h, io->lasers[h].origin,
                          io->lasers[h].end, 0.006f);
    run_hands_place(&o->hands, o->pose, OV_NODE_COUNT); // the controllers, at the lasers' start
    // The reticle grows while a dwell builds up.
    place_cube(o, OV_NODE_RETICLE, io->gaze.position,
               0.015f + 0.02f * io->gaze.dwell_progress);
    for (uint32_t i = 0; io->arc.active && i < io->arc.point_count && i < OV_ARC_NODES; i++)
        place_cube(o, OV_NODE_ARC0 + i, io->arc.points[i], io->arc.valid ? 0.05f : 0.03f);
    if (rl && rl->scene && rl->arrow_node >= 0 && !place_edge_arrow(o, scene_pose, rl, time_s))
        place_arrow(o, scene_pose, rl->scene, rl->arrow_node, time_s);
    stoa_pose_update(o->pose);
    return r;
}
