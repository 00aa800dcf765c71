// SPDX-License-Identifier: Apache-2.0
// A test room built in memory (no file, no Assimp) and a scripted timeline
// that feeds stoa_interact frame by frame, the way runtime/xr will.
//
// The room (metres, world = tracking space while the rig is at rest):
//   Floor      40 x 40 slab, top at y = 0
//   Wall       20 wide, 4 high, its front face at z = -9.9
//   Statue     an empty at (-2, 0, -4) whose child Statue_mesh is a
//              0.6 x 2 x 0.6 box standing on the floor
//   Lamp       0.5 m cube centred at (2, 1.5, -4)
//   Vase       0.3 m cube centred at (0, 1, -2)
//   Zone_A     box x 4..6, y 0..3, z -1..1
//   Sign       0.5 m cube centred at (5, 1.5, -3), behind Zone_A seen from +z
// The fixture owns everything; fixture_fini frees it.
#pragma once

#include "interact/stoa_interact.h"

#define FIXTURE_LOG_MAX 4096
#define FIXTURE_DT_NS 10000000 // 100 Hz: frame times are exact in ns

typedef struct fixture {
    stoa_scene *scene;
    stoa_pose *pose;
    stoa_bvh *bvh;
    stoa_interact *ia;
    stoa_interact_frame frame; // the script edits this between steps
    int64_t t;                 // time of the next frame
    const stoa_interact_output *out;
    stoa_interact_event log[FIXTURE_LOG_MAX]; // every event of every frame
    uint32_t log_count;
    uint32_t haptic_count[STOA_INTERACT_HAND_COUNT];
    stoa_interact_haptic last_haptic[STOA_INTERACT_HAND_COUNT];
    bool own_scene; // built in memory (freed by the fixture) vs loaded
} fixture;

// Builds the room; desc may be NULL.
void fixture_init(fixture *f, const stoa_interact_desc *desc);
// Loads a glTF file instead; returns false (and leaves f empty) on failure.
bool fixture_init_file(fixture *f, const char *path, const stoa_interact_desc *desc);
void fixture_fini(fixture *f);

// One frame at f->t, then t += FIXTURE_DT_NS. Applies grabbed nodes' output
// transforms to the pose (and rebuilds the BVH) as a renderer would.
const stoa_interact_output *fixture_step(fixture *f);
// Steps until `seconds` of timeline have passed.
void fixture_run(fixture *f, double seconds);

int32_t fixture_node(const fixture *f, const char *name);
void fixture_register(fixture *f, const char *name, uint32_t flags, float dwell_s);
// Events of a type (and node, -1 = any) logged since init.
uint32_t fixture_count(const fixture *f, stoa_interact_event_type type, int32_t node);
// The n-th such event, or NULL.
const stoa_interact_event *fixture_find(const fixture *f, stoa_interact_event_type type,
                                        uint32_t n);

// A pose at `from` looking at `to` (-Z towards it, no roll).
void fixture_look_at(stoa_interact_pose *p, const float from[3], const float to[3]);
// A pose at `from` looking along yaw/pitch in degrees (yaw 0 = -Z, + = left).
void fixture_look_dir(stoa_interact_pose *p, const float from[3], float yaw_deg, float pitch_deg);
