// SPDX-License-Identifier: Apache-2.0
// Private to runtime/gfx: what each frame draws of a scene. Per draw, which
// views see it (frustum culling over a BVH of the draws' world bounds, both
// eyes in one walk: gfx_cull.c), which level of detail it draws (projected
// error with hysteresis: gfx_lod.c), and the draw lists of each pass
// (gfx_batch.c). The pure functions here are unit-tested without a device.
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "gfx/stoa_gfx.h"
#include "scene/stoa_scene.h"

struct stoa_gfx_scene;

// ---- frusta (gfx_cull.c) ----------------------------------------------------------
// Left, right, bottom, top and near planes (a, b, c, d: a x + b y + c z + d
// >= 0 inside) of a Vulkan clip space (depth 0..1) from view_proj
// (column-major). The far plane is left out: it may be at infinity.
#define GFX_FRUSTUM_PLANES 5
void gfx_frustum_planes(const float view_proj[16], float out[GFX_FRUSTUM_PLANES][4]);
// 0: the box is outside, 1: it crosses the frustum, 2: it is wholly inside.
// Conservative: a box near a frustum corner may be reported as crossing.
int gfx_box_in_frustum(const float planes[GFX_FRUSTUM_PLANES][4], const float mn[3],
                       const float mx[3]);
// World bounds of a mesh-space box under a column-major matrix.
void gfx_box_transform(const float m[16], const float mn[3], const float mx[3], float out_mn[3],
                       float out_mx[3]);

// A BVH over boxes (the draws' world bounds), built once by median split;
// refit when the boxes move, walked for every view at once.
typedef struct gfx_cull_bvh {
    uint32_t box_count, node_count;
    float (*node_min)[3], (*node_max)[3];
    uint32_t *node_first; // leaf: first slot in order; inner: right child (left = index + 1)
    uint32_t *node_count_; // boxes in a leaf; 0 for an inner node
    uint32_t *order;       // box index per leaf slot
} gfx_cull_bvh;

bool gfx_cull_bvh_build(gfx_cull_bvh *b, uint32_t count, const float (*mn)[3],
                        const float (*mx)[3]);
// The nodes' bounds from the boxes' (same count and order as at build).
void gfx_cull_bvh_refit(gfx_cull_bvh *b, const float (*mn)[3], const float (*mx)[3]);
// out_mask[i] |= 1 << v for every view v whose frustum box i may touch
// (view_count <= 8); counts boxes tested into *out_tests when not NULL.
void gfx_cull_bvh_run(const gfx_cull_bvh *b, const float (*mn)[3], const float (*mx)[3],
                      const float (*planes)[GFX_FRUSTUM_PLANES][4], uint32_t view_count,
                      uint8_t *out_mask);
void gfx_cull_bvh_free(gfx_cull_bvh *b);

// ---- levels of detail (gfx_lod.c) -------------------------------------------------
// Screen error allowed, in pixels, before a finer level is drawn; a coarser
// one is taken only below GFX_LOD_HYSTERESIS times that, so that a node at
// the edge does not flicker between two levels.
#define GFX_LOD_PIXELS 1.0f
#define GFX_LOD_HYSTERESIS 0.75f
// The level to draw (0 = the mesh itself, k = its k-th coarser level) given
// errors[k - 1], the mesh-space error of level k (ascending), px_per_unit
// (pixels one mesh-space unit covers at the node's nearest point, in the
// view that sees it largest) and the level drawn last frame.
uint32_t gfx_lod_pick(const float *errors, uint32_t levels, float px_per_unit,
                      float threshold_px, uint32_t current);
// Pixels one world unit covers at distance d in a view of height_px with
// projection proj (the vertical focal length): |proj[5]| * height / 2 / d.
float gfx_lod_px_per_unit(const float proj[16], uint32_t height_px, float distance);

// ---- one scene's selection state ---------------------------------------------------
typedef struct gfx_select {
    uint32_t draw_count;
    float (*local_min)[3], (*local_max)[3]; // per draw, mesh space
    bool *cullable;                         // per draw: neither skinned nor morphed
    float (*world_min)[3], (*world_max)[3]; // per draw, this frame
    gfx_cull_bvh bvh;
    bool bvh_ok;
    // Levels: mesh m's are lod_*[mesh_lod_first[m] .. mesh_lod_first[m + 1]).
    uint32_t mesh_count;
    uint32_t *mesh_lod_first; // NULL when no mesh has levels
    uint32_t lod_count;
    uint32_t *lod_first_index, *lod_index_count; // into the scene's index buffer
    float *lod_error;
    // This frame, per draw:
    uint8_t *mask;  // bit v: drawn in view v
    uint8_t *level; // level drawn (kept for hysteresis)
    uint32_t *first_index, *index_count;
    uint32_t *list; // gfx_batch.c: one pass's draws
    stoa_gfx_scene_stats stats; // since the scene was made (frame thread only)
} gfx_select;

// Index-buffer entries the scene's levels take (after the meshes' own).
uint64_t gfx_lod_index_total(const stoa_scene *sc);
// Made with the scene once its draw list is built: copies the levels'
// indices to idst (the index buffer from index first_free on, rebased to the
// mesh's vertices), the draws' bounds, and builds the BVH. Draws refer to
// meshes by index (gfx_draw.mesh).
stoa_result gfx_select_init(struct stoa_gfx_scene *s, const stoa_scene *sc, uint32_t *idst,
                            uint32_t first_free, stoa_error *err);
// The levels part of gfx_select_init, into sel (which no frame reads yet).
stoa_result gfx_select_levels(gfx_select *sel, const stoa_scene *sc, uint32_t *idst,
                              uint32_t first_free, stoa_error *err);
stoa_result gfx_select_finish(struct stoa_gfx_scene *s, const stoa_scene *sc, stoa_error *err);
void gfx_select_free(gfx_select *sel);

// Per frame, before the passes: which views see each draw, its level.
// No-op returning false (everything drawn as before) when the scene has no
// selection state or both culling and levels are off.
void gfx_select_frame(struct stoa_gfx_scene *s, const stoa_pose *pose,
                      const stoa_gfx_view *views, uint32_t view_count, uint32_t height_px,
                      const stoa_gfx_render_options *opt);
// Records draws list[0 .. n) (one material and variant, bound by the
// caller, none skinned or morphed) as one vkCmdDrawIndexedIndirect: model
// matrices and commands in the frame ring, copies of one mesh at one level
// as one command's instances (gl_InstanceIndex counts from its firstInstance).
stoa_result gfx_batch_record(stoa_gfx_renderer *r, VkCommandBuffer cmd,
                             const struct stoa_gfx_scene *s, const stoa_pose *pose,
                             const uint32_t *list, uint32_t n, int32_t view_base,
                             const float tint[4], stoa_error *err);
// The draws [begin, end) of the scene drawn in a pass over views view_bits,
// in draw order, into sel->list: their count.
uint32_t gfx_batch_pass(const struct stoa_gfx_scene *s, uint32_t begin, uint32_t end,
                        uint32_t view_bits);
