// SPDX-License-Identifier: Apache-2.0
// The real room's surfaces and anchors for tabletop mode (docs/ar.md):
// the height of a detected plane under the learner's ray, and the placement
// kept as a spatial anchor.
#include <cglm/cglm.h>
#include <math.h>
#include <string.h>

#include "core/stoa_log.h"
#include "run_ar_keep.h"
#include "run_session.h"

// The nearest upward plane the right controller's ray meets inside its
// extents (tracking space = world in tabletop mode).
bool run_ar_plane_height(run_session *s, const stoa_interact_hand_input *aim, float *out_y)
{
    if (!run_xr_on(s) || !aim->active || !run_xr_has_planes(s))
        return false;
    run_plane planes[16];
    uint32_t n = run_xr_planes(s, planes, 16);
    versor hq = {aim->aim.orientation[0], aim->aim.orientation[1], aim->aim.orientation[2],
                 aim->aim.orientation[3]};
    vec3 d = {0, 0, -1};
    glm_quat_rotatev(hq, d, d);
    float best = INFINITY, best_y = 0;
    for (uint32_t i = 0; i < n; i++) {
        const run_plane *p = &planes[i];
        versor q = {p->orientation[0], p->orientation[1], p->orientation[2], p->orientation[3]};
        vec3 normal = {0, 0, 1};
        glm_quat_rotatev(q, normal, normal);
        if (normal[1] < 0.9f || d[1] > -0.02f)
            continue; // not a level surface facing up, or a ray that never comes down
        float k = (p->position[1] - aim->aim.position[1]) / d[1];
        if (k < 0 || k >= best)
            continue;
        vec3 hit = {aim->aim.position[0] + k * d[0], p->position[1], aim->aim.position[2] + k * d[2]};
        vec3 rel = {hit[0] - p->position[0], hit[1] - p->position[1], hit[2] - p->position[2]};
        versor inv;
        glm_quat_inv(q, inv);
        glm_quat_rotatev(inv, rel, rel); // into the plane's own X, Y
        if (fabsf(rel[0]) <= p->width * 0.5f && fabsf(rel[1]) <= p->height * 0.5f) {
            best = k;
            best_y = p->position[1];
        }
    }
    if (best == INFINITY)
        return false;
    *out_y = best_y;
    return true;
}

void run_ar_anchor_placed(run_session *s)
{
    run_tabletop *t = &s->ar.table;
    if (!run_xr_on(s) || !run_xr_has_anchors(s))
        return; // the placement lasts the session, in the tracking space
    float q[4] = {0.0f, sinf(t->yaw * 0.5f), 0.0f, cosf(t->yaw * 0.5f)};
    const char *name = run_xr_has_anchor_store(s) ? t->anchor_name : NULL;
    stoa_error err = {0};
    if (run_xr_anchor_set(s, t->pos, q, name, &err) < 0) {
        STOA_LOGW("run", "tabletop: no spatial anchor: %s", err.message);
        return;
    }
    t->anchored = true;
    STOA_LOGI("run", "tabletop: kept as a spatial anchor%s%s", name ? ", persisted as " : "",
              name ? name : "");
    // The anchor keeps the pose (and so the turn); the size the learner
    // chose is kept beside it, under its name.
    if (name && run_ar_keep_save(name, t->scale, t->yaw * 57.29578f))
        STOA_LOGI("run", "tabletop: scale 1:%.0f kept for %s", 1.0 / t->scale, name);
}

void run_ar_anchor_frame(run_session *s)
{
    run_tabletop *t = &s->ar.table;
    if (!t->active || !run_xr_on(s) || !run_xr_has_anchors(s))
        return;
    if (!t->anchor_tried) {
        t->anchor_tried = true;
        if (run_xr_anchor_load(s, t->anchor_name))
            t->anchored = t->from_store = true;
    }
    if (!t->anchored || t->adjusting || (!t->placed && !t->from_store))
        return;
    float p[3], q[4];
    if (!run_xr_anchor_locate(s, p, q))
        return; // not located now: the model stays where it was last
    versor vq = {q[0], q[1], q[2], q[3]};
    vec3 f = {0, 0, 1};
    glm_quat_rotatev(vq, f, f);
    float yaw = atan2f(f[0], f[2]);
    float moved = sqrtf((p[0] - t->pos[0]) * (p[0] - t->pos[0]) +
                        (p[1] - t->pos[1]) * (p[1] - t->pos[1]) +
                        (p[2] - t->pos[2]) * (p[2] - t->pos[2]));
    if (!t->placed) {
        memcpy(t->pos, p, sizeof t->pos);
        t->yaw = yaw;
        run_ar_kept kept;
        if (run_ar_keep_load(t->anchor_name, &kept)) // the learner's own size, within the bounds
            t->scale =
                fminf(fminf(1.0f, t->base_scale * 4.0f), fmaxf(t->base_scale * 0.25f, kept.scale));
        t->placed = t->rebuild = true;
        t->from_store = false;
        t->version++;
        STOA_LOGI("run", "tabletop: placed where it was kept (spatial anchor %s) at (%.2f, %.2f, "
                         "%.2f) m, facing %.0f deg, 1:%.0f",
                  t->anchor_name, p[0], p[1], p[2], yaw * 57.29578f, 1.0 / t->scale);
        return;
    }
    if (moved > 0.001f || fabsf(yaw - t->yaw) > 0.001f) { // the runtime's view of the room improved
        memcpy(t->pos, p, sizeof t->pos);
        t->yaw = yaw;
        t->version++;
        t->rebuild |= moved > 0.01f;
    }
}
