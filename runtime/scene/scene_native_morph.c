// SPDX-License-Identifier: Apache-2.0
// Morph targets and skins on the direct geometry path. Morph targets are the
// file's own deltas (Assimp stores base + delta, and the Assimp path
// subtracts the base again, which loses the low bits); a skinned mesh gets
// room for JOINTS_0/WEIGHTS_0, which scene_attrs.c fills from the accessors
// as it does for Assimp's meshes.
#include <stdio.h>
#include <stdlib.h>

#include "scene_native.h"

bool scene_native_mesh_skinned(const scene_doc *doc, uint32_t mesh)
{
    const cJSON *n;
    cJSON_ArrayForEach(n, scene_json_arr(doc->root, "nodes"))
    {
        if (scene_json_int(n, "mesh", -1) == (int64_t)mesh && scene_json_int(n, "skin", -1) >= 0)
            return true;
    }
    return false;
}

// target[name] as nv * 3 floats into *out (left NULL when absent).
static stoa_result delta(scene_doc *doc, const cJSON *target, const char *name, uint32_t nv,
                         float **out, const char *where, stoa_error *err)
{
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(target, name);
    if (!cJSON_IsNumber(a))
        return STOA_OK;
    uint32_t count = 0, nc = 0;
    stoa_result r = scene_accessor_floats(doc, (uint32_t)a->valuedouble, out, &count, &nc, err);
    if (r < 0)
        return r;
    if (count != nv || nc != 3) {
        free(*out);
        *out = NULL;
        return stoa_error_set(err, STOA_ERROR_PARSE,
                              "%s: %s: morph target %s has %u values of %u components; the "
                              "primitive has %u vertices (VEC3 expected)",
                              doc->path, where, name, count, nc, nv);
    }
    return STOA_OK;
}

stoa_result scene_native_morphs(scene_doc *doc, const cJSON *jm, const cJSON *prim, stoa_mesh *m,
                                const char *where, stoa_error *err)
{
    const cJSON *targets = scene_json_arr(prim, "targets"), *t;
    uint32_t nt = scene_json_count(prim, "targets"), nv = m->vertex_count;
    if (!nt)
        return STOA_OK;
    m->morph_targets = calloc(nt, sizeof *m->morph_targets);
    m->default_weights = calloc(nt, sizeof *m->default_weights);
    if (!m->morph_targets || !m->default_weights)
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "%s: out of memory", doc->path);
    m->morph_target_count = nt;
    scene_json_floats(jm, "weights", m->default_weights, nt); // the rest stay 0
    uint32_t k = 0;
    stoa_result r = STOA_OK;
    cJSON_ArrayForEach(t, targets)
    {
        stoa_morph_target *mt = &m->morph_targets[k++];
        if ((r = delta(doc, t, "POSITION", nv, &mt->positions, where, err)) < 0 ||
            (r = delta(doc, t, "NORMAL", nv, &mt->normals, where, err)) < 0 ||
            (m->tangents && (r = delta(doc, t, "TANGENT", nv, &mt->tangents, where, err)) < 0))
            return r;
        if (!mt->positions && !(mt->positions = calloc((size_t)nv * 3 + 1, sizeof(float))))
            return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "%s: out of memory", doc->path);
    }
    return STOA_OK;
}
