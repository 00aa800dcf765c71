// SPDX-License-Identifier: Apache-2.0
// Locomotion that does not make people sick: teleport along a ballistic arc
// and snap turns, both on one thumbstick (the right one unless left-handed).
#include <math.h>
#include <string.h>

#include "interact_internal.h"

#define DEG_TO_RAD 0.017453292519943295f

float interact_rig_height(const stoa_interact *ia)
{
    return ia->desc.mode == STOA_INTERACT_SEATED ? ia->desc.seated_eye_height_m : 0.0f;
}

static void yaw_rotate(float yaw, const float v[3], float out[3])
{
    float c = cosf(yaw), s = sinf(yaw);
    float x = v[0], z = v[2];
    out[0] = c * x + s * z;
    out[1] = v[1];
    out[2] = -s * x + c * z;
}

static void quat_mul(const float a[4], const float b[4], float out[4])
{
    float r[4] = {
        a[3] * b[0] + a[0] * b[3] + a[1] * b[2] - a[2] * b[1],
        a[3] * b[1] - a[0] * b[2] + a[1] * b[3] + a[2] * b[0],
        a[3] * b[2] + a[0] * b[1] - a[1] * b[0] + a[2] * b[3],
        a[3] * b[3] - a[0] * b[0] - a[1] * b[1] - a[2] * b[2],
    };
    memcpy(out, r, sizeof r);
}

void interact_rig_apply(const stoa_interact_rig *rig, float height, const stoa_interact_pose *in,
                        stoa_interact_pose *out)
{
    float p[3] = {in->position[0], in->position[1] + height, in->position[2]};
    float r[3];
    yaw_rotate(rig->yaw, p, r);
    float q_in[4], q_yaw[4] = {0, sinf(rig->yaw * 0.5f), 0, cosf(rig->yaw * 0.5f)};
    interact_quat_norm(in->orientation, q_in);
    stoa_interact_pose w;
    for (int k = 0; k < 3; k++)
        w.position[k] = rig->position[k] + r[k];
    quat_mul(q_yaw, q_in, w.orientation);
    *out = w;
}

// Moves the rig so the head's floor point is `floor`, keeping the yaw.
static void put_head_on(stoa_interact *ia, const float head_tracking[3], const float floor[3])
{
    float h[3] = {head_tracking[0], 0, head_tracking[2]}, r[3];
    yaw_rotate(ia->rig.yaw, h, r);
    ia->rig.position[0] = floor[0] - r[0];
    ia->rig.position[1] = floor[1];
    ia->rig.position[2] = floor[2] - r[2];
}

void stoa_interact_place_head(stoa_interact *ia, const float floor_point[3], float face_yaw)
{
    if (!ia || !floor_point)
        return;
    if (!isnan(face_yaw)) {
        // The head's own yaw in tracking space adds to the rig's; subtract it
        // so the learner ends up facing face_yaw.
        float f[3];
        interact_pose_forward(&ia->last_head, f);
        float head_yaw = (f[0] == 0 && f[2] == 0) ? 0 : atan2f(-f[0], -f[2]);
        ia->rig.yaw = face_yaw - head_yaw;
    }
    put_head_on(ia, ia->last_head.position, floor_point);
}

static bool landing_ok(const stoa_interact *ia, const stoa_ray_hit *hit, const float dir[3])
{
    float n[3];
    if (!interact_hit_normal(ia, hit, dir, n))
        return false;
    if (n[1] < cosf(ia->desc.max_slope_deg * DEG_TO_RAD))
        return false;
    return ia->walkable_count == 0 ||
           stoa_interact_resolve(ia, hit->node, STOA_INTERACT_WALKABLE) >= 0;
}

// Samples the parabola and casts each segment until it hits something.
static void compute_arc(stoa_interact *ia, const stoa_interact_pose *aim)
{
    stoa_interact_arc *arc = &ia->out.arc;
    float dir[3];
    interact_pose_forward(aim, dir);
    const float *o = aim->position;
    float v[3] = {dir[0] * ia->desc.teleport_speed, dir[1] * ia->desc.teleport_speed,
                  dir[2] * ia->desc.teleport_speed};
    arc->active = true;
    arc->valid = false;
    arc->hit_node = -1;
    memcpy(arc->points[0], o, sizeof arc->points[0]);
    arc->point_count = 1;
    for (uint32_t k = 1; k < ia->desc.arc_max_points; k++) {
        float t = (float)k * ia->desc.arc_step_s;
        float *prev = arc->points[k - 1], *p = arc->points[k];
        for (int c = 0; c < 3; c++)
            p[c] = o[c] + v[c] * t;
        p[1] -= 0.5f * ia->desc.gravity * t * t;
        float seg[3] = {p[0] - prev[0], p[1] - prev[1], p[2] - prev[2]};
        float len = sqrtf(seg[0] * seg[0] + seg[1] * seg[1] + seg[2] * seg[2]);
        arc->point_count = k + 1;
        stoa_ray_hit hit;
        if (len > 0 && interact_cast(ia, prev, seg, len, false, &hit)) {
            memcpy(p, hit.point, sizeof hit.point);
            memcpy(arc->target, hit.point, sizeof arc->target);
            arc->hit_node = hit.node;
            arc->valid = landing_ok(ia, &hit, seg);
            return;
        }
    }
}

static void teleport(stoa_interact *ia, const stoa_interact_frame *frame)
{
    const stoa_interact_arc *arc = &ia->out.arc;
    put_head_on(ia, frame->head.position, arc->target);
    int32_t walk = stoa_interact_resolve(ia, arc->hit_node, STOA_INTERACT_WALKABLE);
    interact_emit(ia, STOA_INTERACT_TELEPORT, ia->now,
                  ia->desc.left_handed ? STOA_INTERACT_LEFT : STOA_INTERACT_RIGHT,
                  walk >= 0 ? walk : arc->hit_node, -1, arc->target, 0);
}

static void snap_turn(stoa_interact *ia, const stoa_interact_frame *frame, float delta)
{
    stoa_interact_pose before, after;
    float height = interact_rig_height(ia);
    interact_rig_apply(&ia->rig, height, &frame->head, &before);
    ia->rig.yaw += delta;
    interact_rig_apply(&ia->rig, height, &frame->head, &after);
    // Turn about the head, not the tracking origin, so the view does not slide.
    for (int k = 0; k < 3; k++)
        ia->rig.position[k] += before.position[k] - after.position[k];
    interact_emit(ia, STOA_INTERACT_SNAP_TURN, ia->now,
                  ia->desc.left_handed ? STOA_INTERACT_LEFT : STOA_INTERACT_RIGHT, -1, -1,
                  before.position, delta);
}

void interact_update_locomotion(stoa_interact *ia, const stoa_interact_frame *frame)
{
    const stoa_interact_desc *d = &ia->desc;
    const stoa_interact_hand_input *in =
        &frame->hands[d->left_handed ? STOA_INTERACT_LEFT : STOA_INTERACT_RIGHT];
    if (!in->active) {
        ia->teleport_active = ia->turn_latched = false;
        return;
    }
    float x = in->thumbstick[0], y = in->thumbstick[1];
    float mag = sqrtf(x * x + y * y);

    if (!d->no_teleport && !ia->teleport_active && y >= d->stick_engage && fabsf(x) < y)
        ia->teleport_active = true;
    if (ia->teleport_active) {
        stoa_interact_pose aim;
        interact_rig_apply(&ia->rig, interact_rig_height(ia), &in->aim, &aim);
        compute_arc(ia, &aim);
        if (mag < d->stick_release) {
            ia->teleport_active = false;
            ia->out.arc.active = false; // nothing left to draw
            if (ia->out.arc.valid)
                teleport(ia, frame);
        }
        return;
    }

    if (d->no_snap_turn)
        return;
    if (ia->turn_latched) {
        ia->turn_latched = fabsf(x) >= d->stick_release;
    } else if (fabsf(x) >= d->stick_engage && fabsf(x) > fabsf(y)) {
        ia->turn_latched = true;
        snap_turn(ia, frame, (x > 0 ? -1.0f : 1.0f) * d->snap_turn_deg * DEG_TO_RAD);
    }
}
