// SPDX-License-Identifier: Apache-2.0
// Vertex streams quantised for the GPU (issue 18): smaller copies of a
// scene's vertex data that the renderer uploads instead of the floats, where
// the error stays under a stated bound. The scene's own float arrays are
// untouched (picking, BVH, physics and lesson zones keep reading them).
//
//   stream     GPU format               error bound (else the stream stays float)
//   position   16-bit UNORM x4 (w 0)    <= STOA_QUANT_POSITION_BOUND (1/4 mm) per axis
//              on a power-of-two grid   in metres: the mesh's units times the largest
//              relative to the mesh's   scale of a node drawing it at rest (1 when
//              bounds                   skinned): meshes up to 32 m across at scale 1
//   normal     8-bit SNORM x4 (w 0)     <= STOA_QUANT_NORMAL_BOUND_DEG between the float
//   tangent    8-bit SNORM x4 (w +-1)   direction and the decoded one
//   uv0, uv1   16-bit UNORM x2          every coordinate in [0, 1] (error <= 2^-17)
//   colour     8-bit UNORM x4           every channel in [0, 1] (error <= 1/510)
//
// The decision is per scene and per stream (a stream is quantised for every
// mesh or for none), because the vertex format is part of the renderer's
// pipeline: one mesh over the bound keeps that stream float for its scene.
// Position = offset + scale * (u / 65535), the same scale on the three axes
// (so the renderer can fold it into the model matrix without bending
// normals); the grid step scale / 65535 is a power of two and the offset a
// multiple of it, so that tiles of a scan which share border vertices and
// have the same step quantise them to the same point.
//
// Lifetimes: stoa_scene_quantise allocates a stoa_scene_quant the caller
// frees with stoa_scene_quant_destroy. stoa_scene_quant_baked returns the one
// a cached load read from the baked file (owned by the scene, arrays in its
// mapping), or NULL.
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "scene/stoa_scene.h"

#define STOA_QUANT_POSITION_BOUND 0.00025f // metres (mesh units)
#define STOA_QUANT_NORMAL_BOUND_DEG 0.5f

enum {
    STOA_QUANT_POSITION = 1u << 0,
    STOA_QUANT_NORMAL = 1u << 1, // normals and tangents
    STOA_QUANT_UV = 1u << 2,     // both UV sets
    STOA_QUANT_COLOR = 1u << 3,
    STOA_QUANT_ALL = 0xfu,
};

typedef struct stoa_mesh_quant {
    float offset[3];     // position = offset + scale * (positions[i] / 65535)
    float scale;         // 0 when positions is NULL
    uint16_t *positions; // vertex_count * 4, or NULL (stream not quantised)
    int8_t *normals;     // vertex_count * 4, or NULL
    int8_t *tangents;    // vertex_count * 4 (w = +-127), or NULL (none or not quantised)
    uint16_t *uv0, *uv1; // vertex_count * 2, or NULL
    uint8_t *colors;     // vertex_count * 4, or NULL
} stoa_mesh_quant;

typedef struct stoa_scene_quant {
    uint32_t flags; // STOA_QUANT_* streams quantised for every mesh
    uint32_t mesh_count;
    stoa_mesh_quant *meshes;
    // Largest errors measured over the quantised streams (decoded against
    // the floats): metres (at the rest pose's node scales), degrees, UV units.
    float position_error, normal_error_deg, uv_error;
    char reason[192]; // why a wanted stream stayed float; "" when none did
    bool owned;       // arrays malloc'd (else in a cache mapping)
    // stoa_scene_quantise: per mesh, the mesh whose arrays it shares (its
    // twin, stoa_scene_mesh_twins; itself when it owns them), or NULL.
    uint32_t *twin_of;
} stoa_scene_quant;

// Quantises the streams in `want` (STOA_QUANT_*) that meet their bounds for
// every mesh. STOA_ERROR_OUT_OF_MEMORY is the only failure.
stoa_result stoa_scene_quantise(const stoa_scene *scene, uint32_t want, stoa_scene_quant **out,
                                stoa_error *err);
// The same, with the scene's stoa_scene_mesh_twins when the caller has them
// already (NULL: found here).
stoa_result stoa_scene_quantise_twins(const stoa_scene *scene, uint32_t want, const uint32_t *twins,
                                      stoa_scene_quant **out, stoa_error *err);
void stoa_scene_quant_destroy(stoa_scene_quant **q);
const stoa_scene_quant *stoa_scene_quant_baked(const stoa_scene *scene);

// Per mesh, the first mesh with the same vertex data and indices (every
// stream equal byte for byte; itself when none; a mesh with morph targets is
// always itself): work on a mesh's vertices can be done once per twin.
// The caller frees the array (mesh_count entries); NULL when out of memory.
uint32_t *stoa_scene_mesh_twins(const stoa_scene *scene);

// One mesh's positions (n * 3 floats) onto the grid described above; out:
// n * 4. Returns false (out untouched past what it wrote) when a coordinate
// is not finite or the largest error would exceed `bound`; *max_error is
// the error found (or needed).
bool stoa_quant_positions(const float *p, uint32_t n, float bound, uint16_t *out, float offset[3],
                          float *scale, float *max_error);
// Unit vectors (n * 3, or n * 4 with w a sign when `with_w`) to 8-bit SNORM
// x4; returns the largest angle in degrees (zero vectors stay zero).
float stoa_quant_directions(const float *v, uint32_t n, bool with_w, int8_t *out);
// Values (n * comps) in [0, 1] to UNORM with `bits` 8 or 16; false when one
// lies outside (or is not finite). *max_error: the largest error.
bool stoa_quant_unorm(const float *v, size_t count, int bits, void *out, float *max_error);
