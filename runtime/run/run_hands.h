// SPDX-License-Identifier: Apache-2.0
// The controller and hand models of the headset's overlay (run_hands.c):
// assets/controllers/controllers.glb (tools/scenegen/controllers.py), one
// model per kind of interaction profile, drawn at each hand's aim pose (the
// laser starts at the model's tip) with the pressed parts lit. Internal to
// `stoa run`.
#pragma once

#include <stdbool.h>

#include "interact/stoa_interact.h"
#include "scene/stoa_scene.h"

#define RUN_HAND_MODELS 3 // controller, simple, hand
#define RUN_HAND_PARTS 4  // body, trigger, grip, stick
#define RUN_HAND_SLOTS (RUN_HAND_MODELS * RUN_HAND_PARTS)

typedef struct run_hands {
    stoa_scene *models;                 // NULL: no models (lasers only)
    uint32_t part_count;                // parts the file has, <= RUN_HAND_SLOTS
    uint32_t part_mesh[RUN_HAND_SLOTS]; // mesh of models
    uint8_t part_model[RUN_HAND_SLOTS], part_kind[RUN_HAND_SLOTS];
    // This frame (the frame thread's): set by run_hands_set.
    bool active[2];
    int model[2];
    float world[2][16]; // world from the hand's aim space
    bool lit[2][RUN_HAND_PARTS];
} run_hands;

// Loads the models (path NULL or missing: none, with a warning).
void run_hands_load(run_hands *h, const char *path);
void run_hands_fini(run_hands *h);
// Which model an OpenXR interaction profile path gets (0 controller with
// trigger, grip and thumbstick; 1 khr/simple_controller; 2 a hand).
int run_hands_model_of(const char *profile);
// This frame's hands: poses in tracking space, buttons, the profiles' paths.
void run_hands_set(run_hands *h, const stoa_interact_frame *in, const float world_from_tracking[16],
                   const char *const profiles[2]);

// Overlay scene layout: 2 meshes per part (plain and lit), 4 materials,
// 2 nodes per part per hand, appended after the overlay's own.
uint32_t run_hands_mesh_count(const run_hands *h);
uint32_t run_hands_node_count(const run_hands *h);
#define RUN_HANDS_MATERIALS 4
// Fills meshes [mesh0, ...), materials [mat0, +4) and nodes [node0, ...) of
// s (allocated and zeroed by the caller). False when out of memory.
bool run_hands_build(const run_hands *h, stoa_scene *s, uint32_t mesh0, uint32_t mat0,
                     uint32_t node0);
// Places this frame's parts (nodes from node0) in the overlay's pose.
void run_hands_place(const run_hands *h, stoa_pose *pose, uint32_t node0);
