// SPDX-License-Identifier: Apache-2.0
// The real room's surfaces and anchors for tabletop mode (docs/ar.md):
// the height of a detected plane under the learner's ray, and the placement
// kept as a spatial anchor.
#include <cglm/cglm.h>
#include <math.h>

#include "core/stoa_log.h"
#include "run_session.h"

// The nearest upward plane the right controller's ray meets inside its
// extents (tracking space = world in tabletop mode).
bool run_ar_plane_height(run_session *s, const stoa_interact_hand_input *aim, float *out_y)
{
    if (!s->xr || !aim->active || !stoa_xr_has_planes(s->xr))
        return false;
    stoa_xr_plane planes[16];
    uint32_t n = stoa_xr_planes(s->xr, planes, 16);
    versor hq = {aim->aim.orientation[0], aim->aim.orientation[1], aim->aim.orientation[2],
                 aim->aim.orientation[3]};
    vec3 d = {0, 0, -1};
    glm_quat_rotatev(hq, d, d);
    float best = INFINITY, best_y = 0;
    for (uint32_t i = 0; i < n; i++) {
        const stoa_xr_plane *p = &planes[i];
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
    (void)s; // spatial anchors: not yet (the placement lasts the session)
}
