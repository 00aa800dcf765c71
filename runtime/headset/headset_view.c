// SPDX-License-Identifier: Apache-2.0
// The teacher's live view of this headset: snapshots of the left eye, sent
// through the hub (headset_view.h).
#include "headset_view.h"

#include <cglm/cglm.h>
#include <math.h>

#include "core/stoa_clock.h"
#include "run/run_hub.h"

// Called inside the frame's command buffer (stoa_xr_set_tap): the eye is
// still the app's, COLOR_ATTACHMENT_OPTIMAL.
static void tap(void *user, VkCommandBuffer cmd, VkImage image, uint32_t width, uint32_t height, VkFormat format)
{
    run_view_pics_tap(user, cmd, image, width, height, format, VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL);
}

// Where the learner looks, in the picture (0..1 from the top left): the
// gaze (eye tracking, else the head's forward) 2 m out, seen by the left eye,
// then the centre crop. false when it falls outside.
static bool gaze_point(const stoa_xr_frame *f, uint32_t pw, uint32_t ph, float out[2])
{
    const stoa_xr_pose *g = f->eye_gaze_valid ? &f->eye_gaze : &f->head;
    const stoa_xr_pose *e = &f->eyes[0];
    if (!g->valid || !e->valid)
        return false;
    versor qg = {g->orientation[0], g->orientation[1], g->orientation[2], g->orientation[3]};
    versor qe = {e->orientation[0], e->orientation[1], e->orientation[2], e->orientation[3]}, qi;
    vec3 fwd = {0, 0, -2.0f}, p, d;
    glm_quat_rotatev(qg, fwd, p);
    glm_vec3_add(p, (float *)g->position, p);
    glm_vec3_sub(p, (float *)e->position, d);
    glm_quat_inv(qe, qi);
    glm_quat_rotatev(qi, d, d);
    if (d[2] > -1e-3f)
        return false;
    float x = d[0] / -d[2], y = d[1] / -d[2];
    float tl = tanf(f->fov[0][0]), tr = tanf(f->fov[0][1]), tu = tanf(f->fov[0][2]), td = tanf(f->fov[0][3]);
    float u = (x - tl) / (tr - tl), w = (tu - y) / (tu - td); // of the whole eye
    // The crop: RUN_VIEW_CROP of the eye's width, centred, the picture's aspect.
    float cw = RUN_VIEW_CROP, ch = RUN_VIEW_CROP * (float)ph / (float)pw;
    float eye_aspect = (tr - tl) / (tu - td); // width / height of the eye's image, near enough
    ch *= eye_aspect;
    if (ch > 1.0f) {
        cw /= ch;
        ch = 1.0f;
    }
    out[0] = (u - (1.0f - cw) / 2) / cw;
    out[1] = (w - (1.0f - ch) / 2) / ch;
    return out[0] >= 0 && out[0] <= 1 && out[1] >= 0 && out[1] <= 1;
}

void headset_view_frame(run_view *v, stoa_xr *xr, run_hub *hub, run_lesson *rl, run_lesson *panels,
                        const stoa_xr_frame *f, int64_t now_ns)
{
    run_view_common(v, hub, rl, f->hands[0].menu || f->hands[1].menu, now_ns);
    if (!xr)
        return;
    double t0 = stoa_time_seconds();
    stoa_xr_set_tap(xr, tap, v);
    // The picture is 4:3 whatever its width (run_view_pics.c).
    float g[2] = {0.5f, 0.5f};
    bool has = hub && hub->net && v->want.on && gaze_point(f, 4, 3, g); // only while watched
    double gaze_us = (stoa_time_seconds() - t0) * 1e6;
    run_view_pics_frame(v, stoa_xr_device(xr), hub, panels, has, g); // starts this frame's count
    v->frame_us += gaze_us;
}
