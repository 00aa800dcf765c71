// SPDX-License-Identifier: Apache-2.0
// Private to the direct geometry path (scene_native*.c): what it computes
// where the file leaves it out, and the attributes Assimp would turn into
// something else (bones, absolute morph targets). scene_assimp.c uses its
// tangents where Assimp made its own from UVs it misread.
#pragma once

#include "scene_internal.h"

// Flat normals (glTF 3.7.2.1) into out (nv * 3): each triangle's face normal
// on its three corners. False when a vertex is shared by triangles that face
// different ways: glTF wants the vertex split there, which would change the
// vertex count, so such a primitive is left to Assimp.
bool scene_native_flat_normals(const float *pos, uint32_t nv, const uint32_t *idx, uint32_t ni,
                               float *out);

// Tangents (nv * 4) for a UV-mapped primitive without TANGENT: per vertex,
// the area-weighted sum of its triangles' dP/du, made perpendicular to the
// normal; w = +1 where the UV map keeps its orientation (glTF's bitangent,
// cross(N, T) * w, points towards decreasing v), -1 where it is mirrored.
// Vertices in no usable triangle get some unit vector perpendicular to N.
stoa_result scene_native_tangents(const float *pos, const float *nrm, const float *uv, uint32_t nv,
                                  const uint32_t *idx, uint32_t ni, float **out);

// A file's own TANGENT as Stoa keeps it: xyz as stored, w made +1 or -1.
void scene_native_tangent_signs(const float *nrm, float *tan, uint32_t nv);

// Morph targets of `prim` (of glTF mesh jm) as the file's deltas, with the
// mesh's default weights; TANGENT deltas only where m has tangents.
stoa_result scene_native_morphs(scene_doc *doc, const cJSON *jm, const cJSON *prim, stoa_mesh *m,
                                const char *where, stoa_error *err);

// Whether any node gives glTF mesh `mesh` a skin (Assimp then makes bones,
// and Stoa's mesh carries JOINTS_0/WEIGHTS_0).
bool scene_native_mesh_skinned(const scene_doc *doc, uint32_t mesh);
