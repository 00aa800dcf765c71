// SPDX-License-Identifier: Apache-2.0
// Tabletop mode (docs/ar.md, "Tabletop"): in AR, a lesson with `tabletop:
// {scale, node}` shows its scene (or one node of it) small, standing on a
// real surface. The placement is one root transform applied to the posed
// scene, so everything that reads node positions from the pose (picking,
// gaze, zones, grabbing, narration and panels at nodes, the highlight, the
// simulated learner's world file) works at any scale without knowing.
//
//   placing   the model follows the right controller's ray where it meets
//             the surface: a detected plane when the headset reports planes
//             (XR_EXT_plane_detection), else a table height (0.75 m; the
//             left stick up/down raises or lowers it, 0..1.2 m). It faces
//             the learner. Right trigger: put it there. The lesson waits.
//   placed    hold the left grip: left stick x turns it, y scales it (x2 per
//             second, 1/4 to 4 times the lesson's scale, at most 1:1);
//             left grip + left trigger: pick it up and place it again.
// The learner's rig stays where the headset is (no teleport or snap turn):
// one walks around the table.
#include <cglm/cglm.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/stoa_log.h"
#include "run_session.h"

#define TABLE_Y 0.75f
#define PRESS 0.75f

static bool under(const stoa_scene *sc, uint32_t node, uint32_t i)
{
    for (int32_t n = (int32_t)i, d = 0; n >= 0 && d < 256; n = sc->nodes[n].parent, d++)
        if ((uint32_t)n == node)
            return true;
    return false;
}

// The model's point that stands on the surface: the centre of its rest
// bounds in x and z, their bottom in y.
static void rest_anchor(run_session *s, run_tabletop *t)
{
    const stoa_scene *sc = s->scene;
    stoa_pose_reset(s->pose);
    stoa_pose_update(s->pose);
    float mn[3] = {FLT_MAX, FLT_MAX, FLT_MAX}, mx[3] = {-FLT_MAX, -FLT_MAX, -FLT_MAX};
    for (uint32_t i = 0; i < sc->node_count; i++) {
        if (!t->keep[i] || (t->node >= 0 && !under(sc, (uint32_t)t->node, i)))
            continue;
        if (strncmp(sc->nodes[i].name, "Zone_", 5) == 0) // invisible helpers
            continue;
        const float *m = stoa_pose_world(s->pose, i);
        for (uint32_t k = 0; k < sc->nodes[i].mesh_count; k++) {
            const stoa_mesh *me = &sc->meshes[sc->nodes[i].meshes[k]];
            for (int c = 0; c < 8; c++) {
                float p[3] = {c & 1 ? me->bounds_max[0] : me->bounds_min[0],
                              c & 2 ? me->bounds_max[1] : me->bounds_min[1],
                              c & 4 ? me->bounds_max[2] : me->bounds_min[2]};
                for (int a = 0; a < 3; a++) {
                    float w = m[a] * p[0] + m[4 + a] * p[1] + m[8 + a] * p[2] + m[12 + a];
                    mn[a] = fminf(mn[a], w);
                    mx[a] = fmaxf(mx[a], w);
                }
            }
        }
    }
    if (mn[0] > mx[0]) { // no mesh: the node's (or the world's) origin
        const float *w = t->node >= 0 ? stoa_pose_world(s->pose, (uint32_t)t->node) : NULL;
        for (int a = 0; a < 3; a++)
            mn[a] = mx[a] = w ? w[12 + a] : 0.0f;
    }
    t->anchor[0] = 0.5f * (mn[0] + mx[0]);
    t->anchor[1] = mn[1];
    t->anchor[2] = 0.5f * (mn[2] + mx[2]);
    t->size = fmaxf(mx[0] - mn[0], mx[2] - mn[2]);
}

stoa_result run_tabletop_start(run_session *s, stoa_error *err)
{
    run_tabletop *t = &s->ar.table;
    free(t->keep);
    memset(t, 0, sizeof *t);
    const stoa_lesson *l = s->lesson_on ? s->lesson.lesson : NULL;
    if (!l || l->tabletop_scale <= 0 || !s->ar.choice.ar || !s->scene)
        return STOA_OK;
    const stoa_scene *sc = s->scene;
    t->node = l->tabletop_node ? stoa_scene_find_node(sc, l->tabletop_node) : -1;
    if (l->tabletop_node && t->node < 0)
        return stoa_error_set(err, STOA_ERROR_NOT_FOUND, "%s: tabletop node '%s' is not in the scene",
                              l->file_name, l->tabletop_node);
    t->keep = calloc(sc->node_count ? sc->node_count : 1, sizeof *t->keep);
    if (!t->keep)
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "out of memory");
    for (uint32_t i = 0; i < sc->node_count; i++) // the node, its ancestors and descendants
        t->keep[i] = t->node < 0 || under(sc, (uint32_t)t->node, i) ||
                     under(sc, i, (uint32_t)t->node);
    rest_anchor(s, t);
    t->active = true;
    t->base_scale = t->scale = (float)l->tabletop_scale;
    t->surface_y = TABLE_Y;
    t->pos[1] = TABLE_Y;
    t->pos[2] = -1.0f;
    snprintf(t->anchor_name, sizeof t->anchor_name, "stoa.tabletop.%s", l->id ? l->id : "lesson");
    // A headset's own placement is its own, even where the room's headsets
    // share one store (the class's spot is run_ar_share.c's anchor).
    if (s->opt->hub.url && s->opt->hub.device_name)
        snprintf(t->anchor_name + strlen(t->anchor_name), sizeof t->anchor_name - strlen(t->anchor_name),
                 ".%s", s->opt->hub.device_name);
    STOA_LOGI("run", "tabletop: %s at 1:%.0f (%.2f m across); aim at a surface and pull the "
                     "right trigger",
              t->node >= 0 ? l->tabletop_node : "the scene", 1.0 / t->scale, t->size * t->scale);
    return STOA_OK;
}

static void aim_dir(const stoa_interact_pose *p, float d[3])
{
    versor q = {p->orientation[0], p->orientation[1], p->orientation[2], p->orientation[3]};
    vec3 f = {0, 0, -1};
    glm_quat_rotatev(q, f, f);
    memcpy(d, f, sizeof f);
}

// Where the right hand's ray meets the surface (tracking space = world:
// the rig is the identity in tabletop mode).
static bool ray_hit(const run_tabletop *t, const stoa_interact_hand_input *h, float out[3])
{
    float d[3];
    aim_dir(&h->aim, d);
    if (d[1] > -0.02f)
        return false; // level or upward: never meets a surface below
    float k = (t->surface_y - h->aim.position[1]) / d[1];
    if (k < 0 || k > 10.0f)
        return false;
    for (int a = 0; a < 3; a++)
        out[a] = h->aim.position[a] + k * d[a];
    return true;
}

void run_tabletop_input(run_session *s, const stoa_interact_frame *in, double dt)
{
    run_tabletop *t = &s->ar.table;
    if (!t->active) {
        run_ar_share_frame(s); // a "place together" here says there is nothing to place
        return;
    }
    // The learner walks around the model: the headset's own space, always.
    stoa_interact_rig rig = {{0, 0, 0}, 0.0f};
    stoa_interact_set_rig(s->interact, &rig);
    run_ar_anchor_frame(s); // kept from before, or moved with the room
    run_ar_share_frame(s);  // the teacher's "place together"
    const stoa_interact_hand_input *r = &in->hands[1], *l = &in->hands[0];
    bool trig = r->select_value > PRESS, ltrig = l->select_value > PRESS;
    bool grip = l->grab_value > PRESS;
    if (!t->placed) {
        t->on_plane = run_ar_plane_height(s, r, &t->surface_y);
        if (!t->on_plane && l->active && fabsf(l->thumbstick[1]) > 0.3f) // the table height by hand
            t->surface_y = fminf(1.2f, fmaxf(0.0f, t->surface_y + l->thumbstick[1] * (float)dt * 0.5f));
        float hit[3];
        if (r->active && ray_hit(t, r, hit)) {
            memcpy(t->pos, hit, sizeof hit);
            t->yaw = atan2f(in->head.position[0] - hit[0], in->head.position[2] - hit[2]);
            t->version++;
            t->aimed = true;
        }
        if (trig && !t->trigger_was && t->aimed && !run_ar_share_placed(s)) {
            t->placed = true;
            t->rebuild = true;
            STOA_LOGI("run", "tabletop: placed at (%.2f, %.2f, %.2f) m, facing %.0f deg, 1:%.0f%s",
                      t->pos[0], t->pos[1], t->pos[2], t->yaw * 57.29578f, 1.0 / t->scale,
                      t->on_plane ? " (on a detected plane)" : "");
            run_ar_anchor_placed(s);
        }
    } else if (grip) {
        if (ltrig && !t->ltrigger_was) {
            t->placed = t->aimed = false; // place it again
            run_ar_share_leave(s);
            STOA_LOGI("run", "tabletop: picked up to be placed again");
        }
        float x = fabsf(l->thumbstick[0]) > 0.2f ? l->thumbstick[0] : 0.0f;
        float y = fabsf(l->thumbstick[1]) > 0.2f ? l->thumbstick[1] : 0.0f;
        if (x != 0.0f || y != 0.0f) {
            t->yaw -= x * (float)dt * 1.5708f; // 90 deg/s, stick right turns clockwise
            float sc = t->scale * powf(2.0f, y * (float)dt);
            t->scale = fminf(fminf(1.0f, t->base_scale * 4.0f), fmaxf(t->base_scale * 0.25f, sc));
            t->version++;
            if (!t->adjusting)
                run_ar_share_leave(s);
            t->adjusting = true;
        }
    }
    if (t->placed && t->adjusting && !grip) { // let go: rays see it where it is now
        t->adjusting = false;
        t->rebuild = true;
        run_ar_anchor_placed(s);
    }
    t->trigger_was = trig;
    t->ltrigger_was = ltrig;
}

// The placement as a matrix: world = T(pos) Ry(yaw) S(scale) T(-anchor) scene.
static void placement(const run_tabletop *t, mat4 out)
{
    glm_mat4_identity(out);
    glm_translate(out, (vec3){t->pos[0], t->pos[1], t->pos[2]});
    glm_rotate_y(out, t->yaw, out);
    glm_scale_uni(out, t->scale);
    glm_translate(out, (vec3){-t->anchor[0], -t->anchor[1], -t->anchor[2]});
}

void run_tabletop_apply(run_session *s)
{
    run_tabletop *t = &s->ar.table;
    // The highlight's arrow at the model's scale (a fifth of life size at
    // least, a tenth at most: 2.5 cm over a 1:50 model).
    s->overlay.arrow_scale = t->active ? fminf(1.0f, fmaxf(0.1f, t->scale * 5.0f)) : 0.0f;
    if (!t->active)
        return;
    const stoa_scene *sc = s->scene;
    stoa_pose_update(s->pose); // root worlds = their locals, as posed this frame
    mat4 p;
    placement(t, p);
    static const float zero[3] = {0, 0, 0};
    for (uint32_t n = 0; n < sc->node_count; n++) {
        const stoa_node *node = &sc->nodes[n];
        if (!t->keep[n]) {
            stoa_pose_set_local(s->pose, n, node->translation, node->rotation, zero);
            continue;
        }
        // Roots only (children follow); a node the learner moved already
        // has its place in the placed world.
        if (node->parent >= 0 || (s->moved && s->moved[n]))
            continue;
        mat4 w, placed, rot;
        memcpy(w, stoa_pose_world(s->pose, n), sizeof w);
        if (glm_vec3_norm2(w[0]) < 1e-12f || glm_vec3_norm2(w[1]) < 1e-12f ||
            glm_vec3_norm2(w[2]) < 1e-12f)
            continue; // hidden (scale 0): nothing to place, nothing to decompose
        glm_mat4_mul(p, w, placed);
        vec4 tr;
        vec3 scl;
        glm_decompose(placed, tr, rot, scl);
        versor q;
        glm_mat4_quat(rot, q);
        stoa_pose_set_local(s->pose, n, tr, q, scl);
    }
}

bool run_tabletop_waiting(const run_session *s)
{
    return s->ar.table.active && !s->ar.table.placed;
}

bool run_tabletop_take_rebuild(run_session *s)
{
    bool r = s->ar.table.rebuild;
    s->ar.table.rebuild = false;
    return r;
}

void run_tabletop_free(run_tabletop *t)
{
    free(t->keep);
    memset(t, 0, sizeof *t);
}
