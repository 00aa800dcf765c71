// SPDX-License-Identifier: Apache-2.0
// Rays into the scene: gaze with dwell, laser pointers, hover and select.
#include <math.h>
#include <string.h>

#include "interact_internal.h"

// Moves the origin this far past a transparent surface so the next cast
// does not hit it again.
#define PASS_EPSILON 1e-4f

// Whether `node` is, or hangs below, a node a hand holds.
static bool held(const stoa_interact *ia, int32_t node)
{
    for (int h = 0; h < STOA_INTERACT_HAND_COUNT; h++) {
        if (!ia->hands[h].grabbing)
            continue;
        for (int32_t n = node, depth = 0; n >= 0 && (uint32_t)n < ia->scene->node_count && depth < 256;
             n = ia->scene->nodes[n].parent, depth++)
            if ((uint32_t)n == ia->hands[h].grab_node)
                return true;
    }
    return false;
}

bool interact_cast(const stoa_interact *ia, const float origin[3], const float dir[3],
                   float max_distance, bool skip_held, stoa_ray_hit *out_hit)
{
    if (!ia->bvh)
        return false;
    float len = sqrtf(dir[0] * dir[0] + dir[1] * dir[1] + dir[2] * dir[2]);
    if (!(len > 1e-9f))
        return false;
    float d[3] = {dir[0] / len, dir[1] / len, dir[2] / len};
    float o[3] = {origin[0], origin[1], origin[2]};
    float travelled = 0;
    for (int pass = 0; pass < INTERACT_MAX_PASS_THROUGH; pass++) {
        stoa_ray_hit hit;
        if (!stoa_scene_raycast(ia->bvh, o, d, max_distance - travelled, &hit))
            return false;
        bool transparent = hit.node >= 0 && (uint32_t)hit.node < ia->scene->node_count &&
                           (ia->nodes[hit.node].transparent || (skip_held && held(ia, hit.node)));
        if (!transparent) {
            hit.distance += travelled;
            *out_hit = hit;
            return true;
        }
        float step = hit.distance + PASS_EPSILON;
        travelled += step;
        if (travelled >= max_distance)
            return false;
        for (int k = 0; k < 3; k++)
            o[k] += d[k] * step;
    }
    return false;
}

static void ray_end(const float o[3], const float d[3], float dist, float out[3])
{
    for (int k = 0; k < 3; k++)
        out[k] = o[k] + d[k] * dist;
}

static void gaze_switch(stoa_interact *ia, int32_t target, const float point[3])
{
    if (target == ia->gaze_target)
        return;
    if (ia->gaze_target >= 0)
        interact_emit(ia, STOA_INTERACT_GAZE_LEAVE, ia->now, STOA_INTERACT_NO_HAND, ia->gaze_target,
                      -1, NULL, 0);
    if (target >= 0)
        interact_emit(ia, STOA_INTERACT_GAZE_ENTER, ia->now, STOA_INTERACT_NO_HAND, target, -1,
                      point, 0);
    ia->gaze_target = target;
    ia->gaze_start_ns = ia->now;
    ia->dwell_fired = false;
}

void interact_update_gaze(stoa_interact *ia, const stoa_interact_pose *gaze_world)
{
    stoa_interact_reticle *r = &ia->out.gaze;
    float dir[3];
    interact_pose_forward(gaze_world, dir);
    memcpy(r->origin, gaze_world->position, sizeof r->origin);
    stoa_ray_hit hit;
    r->hit = interact_cast(ia, gaze_world->position, dir, ia->desc.gaze_max_m, false, &hit);
    ray_end(gaze_world->position, dir, r->hit ? hit.distance : ia->desc.reticle_distance_m,
            r->position);
    int32_t target = r->hit ? stoa_interact_resolve(ia, hit.node, STOA_INTERACT_PICKABLE) : -1;
    gaze_switch(ia, target, r->position);

    r->target = target;
    r->dwell_s = r->dwell_threshold_s = r->dwell_progress = 0;
    if (target < 0)
        return;
    float threshold = interact_dwell_threshold(ia, target);
    int64_t threshold_ns = (int64_t)((double)threshold * 1e9 + 0.5);
    int64_t looked = ia->now - ia->gaze_start_ns;
    if (!ia->dwell_fired && looked >= threshold_ns) {
        // Stamped when the threshold was crossed, not at this (later) frame.
        interact_emit(ia, STOA_INTERACT_GAZE_DWELL, ia->gaze_start_ns + threshold_ns,
                      STOA_INTERACT_NO_HAND, target, -1, r->position, threshold);
        ia->dwell_fired = true;
    }
    r->dwell_s = (float)((double)looked * 1e-9);
    r->dwell_threshold_s = threshold;
    r->dwell_progress = ia->dwell_fired ? 1.0f : fminf(1.0f, r->dwell_s / threshold);
}

static void hover_switch(stoa_interact *ia, stoa_interact_hand h, int32_t target,
                         const float point[3])
{
    interact_hand_state *hs = &ia->hands[h];
    if (target == hs->hover)
        return;
    if (hs->hover >= 0)
        interact_emit(ia, STOA_INTERACT_HOVER_LEAVE, ia->now, h, hs->hover, -1, NULL, 0);
    if (target >= 0)
        interact_emit(ia, STOA_INTERACT_HOVER_ENTER, ia->now, h, target, -1, point, 0);
    hs->hover = target;
}

void interact_update_pointer(stoa_interact *ia, stoa_interact_hand h,
                             const stoa_interact_hand_input *in, const stoa_interact_pose *aim)
{
    stoa_interact_laser *l = &ia->out.lasers[h];
    interact_hand_state *hs = &ia->hands[h];
    *l = (stoa_interact_laser){.hit_node = -1, .target = -1};
    hs->ray_grab = -1;
    if (!in->active) {
        hover_switch(ia, h, -1, NULL);
        return;
    }
    float dir[3];
    interact_pose_forward(aim, dir);
    l->visible = true;
    memcpy(l->origin, aim->position, sizeof l->origin);
    stoa_ray_hit hit;
    // A held node moves rigidly with the hand, so one grabbed by its laser
    // stays on that laser: it must not hide what the laser points at next.
    l->hit = interact_cast(ia, aim->position, dir, ia->desc.pointer_max_m, true, &hit);
    ray_end(aim->position, dir, l->hit ? hit.distance : ia->desc.pointer_max_m, l->end);
    if (l->hit) {
        l->hit_node = hit.node;
        l->target = stoa_interact_resolve(ia, hit.node, STOA_INTERACT_PICKABLE);
        hs->ray_grab = stoa_interact_resolve(ia, hit.node, STOA_INTERACT_GRABBABLE);
    }
    memcpy(hs->hover_point, l->end, sizeof hs->hover_point);
    hover_switch(ia, h, l->target, l->end);
}

void interact_update_select(stoa_interact *ia, stoa_interact_hand h,
                            const stoa_interact_hand_input *in)
{
    interact_hand_state *hs = &ia->hands[h];
    bool was = hs->select_down;
    if (!in->active)
        hs->select_down = false;
    else if (in->select_pressed || in->select_value >= ia->desc.press_threshold)
        hs->select_down = true;
    else if (in->select_value < ia->desc.release_threshold)
        hs->select_down = false;
    if (hs->select_down && !was && hs->hover >= 0) {
        interact_emit(ia, STOA_INTERACT_SELECT, ia->now, h, hs->hover, -1, hs->hover_point, 0);
        ia->out.haptics[h] = (stoa_interact_haptic){
            .requested = true,
            .amplitude = ia->desc.haptic_select_amplitude,
            .duration_ns = llround((double)ia->desc.haptic_select_s * 1e6) *
                           1000, // whole µs: 0.04f is not exact
        };
    }

    bool menu_was = hs->menu_down;
    hs->menu_down = in->active && in->menu_pressed;
    if (hs->menu_down && !menu_was)
        interact_emit(ia, STOA_INTERACT_MENU, ia->now, h, -1, -1, NULL, 0);
}
