// SPDX-License-Identifier: Apache-2.0
// Private to runtime/interact: the module's state and the steps of one
// frame (interact_update.c calls them in order).
#pragma once

#include "interact/stoa_interact.h"

#define INTERACT_LOG "interact"
// Rays pass through transparent nodes (zones): at most this many in a row.
#define INTERACT_MAX_PASS_THROUGH 8

typedef struct interact_node {
    uint32_t flags;    // as registered (or classified)
    float dwell_s;     // 0 = global
    bool default_pick; // a mesh node, pickable when nothing registered claims it
    // Nearest ancestor-or-self registered with the flag, -1 when none.
    int32_t pick, grab, walk;
    bool transparent; // itself or an ancestor is a zone / ray-transparent
} interact_node;

typedef struct interact_zone {
    uint32_t node;
    float min[3], max[3]; // world bounds this frame
    bool has_mesh;        // false: a unit cube under the node's transform
    bool head_inside;
} interact_zone;

// A mesh node that counts towards zone `slot`'s bounds.
typedef struct interact_zone_mesh {
    uint32_t node;
    uint32_t slot;
} interact_zone_mesh;

typedef struct interact_hand_state {
    bool select_down, grab_down, menu_down;
    int32_t hover; // resolved target under the laser, -1
    float hover_point[3];
    int32_t ray_grab; // grabbable node under the laser, -1
    bool grabbing;
    uint32_t grab_node;
    float grab_offset[16]; // grip^-1 * node world, fixed at grab time
    float grip_world[16];  // this frame
    float grip_pos[3];
} interact_hand_state;

struct stoa_interact {
    const stoa_scene *scene;
    stoa_interact_desc desc; // defaults filled in
    interact_node *nodes;    // scene->node_count
    uint32_t walkable_count; // nodes registered WALKABLE; 0 = any flat surface

    interact_zone *zones; // capacity scene->node_count
    uint32_t zone_count;
    interact_zone_mesh *zone_meshes;
    uint32_t zone_mesh_count, zone_mesh_cap;

    stoa_interact_event *events; // desc.max_events
    stoa_interact_output out;

    stoa_interact_rig rig;
    stoa_interact_pose last_head; // tracking space, for place_head

    int32_t gaze_target;
    int64_t gaze_start_ns;
    bool dwell_fired;

    interact_hand_state hands[STOA_INTERACT_HAND_COUNT];
    bool teleport_active;
    bool turn_latched;

    // Valid during stoa_interact_update only.
    int64_t now;
    const stoa_pose *pose;
    const stoa_bvh *bvh;
};

// ---- interact.c ------------------------------------------------------------------
void interact_emit(stoa_interact *ia, stoa_interact_event_type type, int64_t t,
                   stoa_interact_hand hand, int32_t node, int32_t zone, const float point[3],
                   float value);
float interact_dwell_threshold(const stoa_interact *ia, int32_t node);

// ---- interact_math.c ---------------------------------------------------------------
// Unit quaternion; an all-zero (or non-finite) input gives identity.
void interact_quat_norm(const float in[4], float out[4]);
void interact_quat_rotate(const float q[4], const float v[3], float out[3]);
void interact_pose_matrix(const stoa_interact_pose *p, float out[16]);
void interact_pose_forward(const stoa_interact_pose *p, float out[3]);
// out_min/max grow to hold the 8 corners of box (min, max) under matrix m.
void interact_box_grow(const float m[16], const float min[3], const float max[3], float out_min[3],
                       float out_max[3]);
void interact_box_empty(float min[3], float max[3]);
bool interact_box_contains(const float min[3], const float max[3], const float p[3], float margin);
// World bounds of a node and everything below it (unit cube when meshless),
// with every world matrix first moved by delta (NULL = as posed).
void interact_node_bounds(const stoa_interact *ia, uint32_t node, const float *delta,
                          float out_min[3], float out_max[3]);
// World-space face normal of the hit triangle, facing against dir.
bool interact_hit_normal(const stoa_interact *ia, const stoa_ray_hit *hit, const float dir[3],
                         float out_n[3]);
bool interact_is_ancestor(const stoa_scene *scene, uint32_t anc, uint32_t node);

// ---- interact_pick.c ---------------------------------------------------------------
// Nearest hit that is not on a transparent node.
// skip_held: also pass through nodes a hand holds (lasers).
bool interact_cast(const stoa_interact *ia, const float origin[3], const float dir[3],
                   float max_distance, bool skip_held, stoa_ray_hit *out_hit);
void interact_update_gaze(stoa_interact *ia, const stoa_interact_pose *gaze_world);
void interact_update_pointer(stoa_interact *ia, stoa_interact_hand h,
                             const stoa_interact_hand_input *in, const stoa_interact_pose *aim);
void interact_update_select(stoa_interact *ia, stoa_interact_hand h,
                            const stoa_interact_hand_input *in);

// ---- interact_grab.c ---------------------------------------------------------------
void interact_update_grab(stoa_interact *ia, stoa_interact_hand h,
                          const stoa_interact_hand_input *in, const stoa_interact_pose *grip);
void interact_release(stoa_interact *ia, stoa_interact_hand h, bool check_zones);

// ---- interact_zone.c ---------------------------------------------------------------
stoa_result interact_zones_rebuild(stoa_interact *ia);
void interact_zones_update_bounds(stoa_interact *ia);
void interact_zones_update_head(stoa_interact *ia, const float head[3]);
// The zone (node index) whose bounds hold p, -1 when none; the smallest wins.
int32_t interact_zone_at(const stoa_interact *ia, const float p[3]);

// ---- interact_locomotion.c -----------------------------------------------------------
void interact_update_locomotion(stoa_interact *ia, const stoa_interact_frame *frame);
void interact_rig_apply(const stoa_interact_rig *rig, float height, const stoa_interact_pose *in,
                        stoa_interact_pose *out);
float interact_rig_height(const stoa_interact *ia);
