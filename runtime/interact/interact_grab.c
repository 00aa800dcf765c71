// SPDX-License-Identifier: Apache-2.0
// Grab, carry and release: the held node keeps the offset to the grip it
// had when grabbed, so it moves and turns rigidly with the hand.
#include <cglm/cglm.h>
#include <math.h>
#include <float.h>
#include <string.h>

#include "interact_internal.h"

static void haptic(stoa_interact *ia, stoa_interact_hand h)
{
    ia->out.haptics[h] = (stoa_interact_haptic){
        .requested = true,
        .amplitude = ia->desc.haptic_grab_amplitude,
        .duration_ns =
            llround((double)ia->desc.haptic_grab_s * 1e6) * 1000, // whole µs: 0.04f is not exact
    };
}

// The grabbable node whose bounds hold the grip; the smallest wins so a
// small object on a large grabbable table is the one picked up.
static int32_t grip_target(const stoa_interact *ia, const float grip[3])
{
    int32_t best = -1;
    float best_volume = FLT_MAX;
    for (uint32_t i = 0; i < ia->scene->node_count; i++) {
        if (!(ia->nodes[i].flags & STOA_INTERACT_GRABBABLE))
            continue;
        float mn[3], mx[3];
        interact_node_bounds(ia, i, NULL, mn, mx);
        if (!interact_box_contains(mn, mx, grip, ia->desc.grip_reach_m))
            continue;
        float v = (mx[0] - mn[0]) * (mx[1] - mn[1]) * (mx[2] - mn[2]);
        if (v < best_volume) {
            best_volume = v;
            best = (int32_t)i;
        }
    }
    return best;
}

static void start_grab(stoa_interact *ia, stoa_interact_hand h, uint32_t node)
{
    interact_hand_state *hs = &ia->hands[h];
    stoa_interact_hand other = h == STOA_INTERACT_LEFT ? STOA_INTERACT_RIGHT : STOA_INTERACT_LEFT;
    if (ia->hands[other].grabbing && ia->hands[other].grab_node == node)
        interact_release(ia, other, false); // hand-over: the new hand takes it
    mat4 grip_inv, node_world, offset;
    memcpy(grip_inv, hs->grip_world, sizeof grip_inv);
    glm_mat4_inv(grip_inv, grip_inv);
    memcpy(node_world, stoa_pose_world(ia->pose, node), sizeof node_world);
    glm_mat4_mul(grip_inv, node_world, offset);
    memcpy(hs->grab_offset, offset, sizeof offset);
    hs->grabbing = true;
    hs->grab_node = node;
    interact_emit(ia, STOA_INTERACT_GRAB, ia->now, h, (int32_t)node, -1, node_world[3], 0);
    haptic(ia, h);
}

// Fills out.grabs[h] with where the held node is now.
static void carry(stoa_interact *ia, stoa_interact_hand h)
{
    interact_hand_state *hs = &ia->hands[h];
    stoa_interact_grab *g = &ia->out.grabs[h];
    mat4 grip, offset, world, parent_inv, local, rot;
    memcpy(grip, hs->grip_world, sizeof grip);
    memcpy(offset, hs->grab_offset, sizeof offset);
    glm_mat4_mul(grip, offset, world);
    int32_t parent = ia->scene->nodes[hs->grab_node].parent;
    if (parent >= 0) {
        memcpy(parent_inv, stoa_pose_world(ia->pose, (uint32_t)parent), sizeof parent_inv);
        glm_mat4_inv(parent_inv, parent_inv);
    } else {
        glm_mat4_identity(parent_inv);
    }
    glm_mat4_mul(parent_inv, world, local);
    vec4 t;
    vec3 s;
    versor q;
    glm_decompose(local, t, rot, s);
    glm_mat4_quat(rot, q);
    g->active = true;
    g->node = (int32_t)hs->grab_node;
    memcpy(g->translation, t, sizeof g->translation);
    memcpy(g->rotation, q, sizeof g->rotation);
    memcpy(g->scale, s, sizeof g->scale);
    memcpy(g->world, world, sizeof g->world);
}

void interact_release(stoa_interact *ia, stoa_interact_hand h, bool check_zones)
{
    interact_hand_state *hs = &ia->hands[h];
    if (!hs->grabbing)
        return;
    hs->grabbing = false;
    uint32_t node = hs->grab_node;
    // The pose may still hold last frame's transform: move the bounds by the
    // difference between where the node is now and where the pose has it.
    float delta[16];
    const stoa_interact_grab *g = &ia->out.grabs[h];
    if (g->active && g->node == (int32_t)node) {
        mat4 posed_inv, now, d;
        memcpy(posed_inv, stoa_pose_world(ia->pose, node), sizeof posed_inv);
        glm_mat4_inv(posed_inv, posed_inv);
        memcpy(now, g->world, sizeof now);
        glm_mat4_mul(now, posed_inv, d);
        memcpy(delta, d, sizeof delta);
    }
    float mn[3], mx[3], centre[3];
    interact_node_bounds(ia, node, g->active ? delta : NULL, mn, mx);
    for (int k = 0; k < 3; k++)
        centre[k] = 0.5f * (mn[k] + mx[k]);
    interact_emit(ia, STOA_INTERACT_RELEASE, ia->now, h, (int32_t)node, -1, centre, 0);
    if (!check_zones)
        return;
    int32_t zone = interact_zone_at(ia, centre);
    if (zone >= 0)
        interact_emit(ia, STOA_INTERACT_PLACE, ia->now, h, (int32_t)node, zone, centre, 0);
}

void interact_update_grab(stoa_interact *ia, stoa_interact_hand h,
                          const stoa_interact_hand_input *in, const stoa_interact_pose *grip)
{
    interact_hand_state *hs = &ia->hands[h];
    ia->out.grabs[h] = (stoa_interact_grab){.node = -1};
    bool was = hs->grab_down;
    if (!in->active)
        hs->grab_down = false;
    else if (in->grab_pressed || in->grab_value >= ia->desc.press_threshold)
        hs->grab_down = true;
    else if (in->grab_value < ia->desc.release_threshold)
        hs->grab_down = false;

    if (in->active) {
        interact_pose_matrix(grip, hs->grip_world);
        memcpy(hs->grip_pos, grip->position, sizeof hs->grip_pos);
    }
    if (hs->grab_down && !was && !hs->grabbing) {
        int32_t target = grip_target(ia, hs->grip_pos);
        if (target < 0)
            target = hs->ray_grab;
        if (target >= 0)
            start_grab(ia, h, (uint32_t)target);
    }
    // A tracking loss drops the node where it was last carried.
    if (hs->grabbing && in->active)
        carry(ia, h);
    if (hs->grabbing && !hs->grab_down)
        interact_release(ia, h, true);
}
