// SPDX-License-Identifier: Apache-2.0
// Layout of the overlay scene (internal to `stoa run`).
#pragma once

#include <stdbool.h>

#include "run_hands.h"
#include "run_lesson.h"
#include "scene/stoa_scene.h"
#include "ui/stoa_ui.h"

#define OV_ARC_NODES 32
enum {
    OV_NODE_PANEL0 = 0,
    OV_NODE_LASER_L = RUN_MAX_PANELS,
    OV_NODE_LASER_R,
    OV_NODE_RETICLE,
    OV_NODE_ARROW,
    OV_NODE_ARC0,
    OV_NODE_COUNT = OV_NODE_ARC0 + OV_ARC_NODES,
};
enum {
    OV_MESH_LASER = RUN_MAX_PANELS,
    OV_MESH_RETICLE,
    OV_MESH_ARROW,
    OV_MESH_ARC,
    OV_MESH_COUNT,
};
enum {
    OV_MAT_LASER = RUN_MAX_PANELS,
    OV_MAT_RETICLE,
    OV_MAT_ARROW,
    OV_MAT_ARC,
    OV_MATERIAL_COUNT,
};

// Builds the overlay scene with the given panel pictures (premultiplied, as
// runtime/ui makes them; stored straight), and the controller models after
// the OV_* nodes, meshes and materials (hands may be NULL). Free with
// stoa_scene_destroy.
stoa_scene *overlay_scene_build(const stoa_ui_panel_image *images, const bool *shown,
                                const run_hands *hands);
bool overlay_scene_ok(const stoa_scene *s);

// Pieces for other scenes made in memory (runtime/play/play_marks.c): a copied
// string, a mesh's arrays, its bounds, a unit box (z from z0 to z1), an
// unlit double-sided material (blended when a < 1), a node hidden until placed.
char *run_ov_dup(const char *s);
bool run_ov_mesh_alloc(stoa_mesh *m, const char *name, uint32_t verts, uint32_t idx,
                       int32_t material);
void run_ov_bounds(stoa_mesh *m);
bool run_ov_box(stoa_mesh *m, const char *name, int32_t material, float z0, float z1);
void run_ov_solid(stoa_material *mat, const char *name, float r, float g, float b, float a);
void run_ov_node(stoa_node *n, const char *name, int32_t mesh);
