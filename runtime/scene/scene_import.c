// SPDX-License-Identifier: Apache-2.0
// The geometry of a glTF document as stoa_mesh, in glTF order: which meshes
// Assimp would import (its lazy walk), then either the direct read of every
// primitive (scene_native.c) or Assimp's import (scene_assimp.c), and what
// every mesh gets either way (scene_finish_mesh).
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/stoa_log.h"
#include "scene_internal.h"

// Over all vertices, as glTF's accessor min/max; cheaper than via indices.
static void mesh_bounds(stoa_mesh *m)
{
    float mn[3] = {INFINITY, INFINITY, INFINITY}, mx[3] = {-INFINITY, -INFINITY, -INFINITY};
    const float *p = m->positions;
    for (uint32_t i = 0; i < m->vertex_count; i++, p += 3)
        for (int k = 0; k < 3; k++) {
            mn[k] = p[k] < mn[k] ? p[k] : mn[k];
            mx[k] = p[k] > mx[k] ? p[k] : mx[k];
        }
    for (int k = 0; k < 3; k++) {
        m->bounds_min[k] = m->vertex_count ? mn[k] : 0;
        m->bounds_max[k] = m->vertex_count ? mx[k] : 0;
    }
}

static bool finite_positions(const stoa_mesh *m)
{
    for (size_t i = 0; i < (size_t)m->vertex_count * 3; i++)
        if (!isfinite(m->positions[i]))
            return false;
    return true;
}

// What every mesh gets, however it was read: Stoa's own attribute reads,
// the positions' check, the bounds.
stoa_result scene_finish_mesh(scene_doc *doc, const cJSON *prim, stoa_mesh *m, const char *where,
                              stoa_error *err)
{
    stoa_result r = scene_mesh_attrs_from_gltf(doc, prim, m, err);
    if (r < 0)
        return r;
    if (!finite_positions(m))
        return stoa_error_set(err, STOA_ERROR_PARSE, "%s: %s: POSITION holds NaN or infinity",
                              doc->path, where);
    mesh_bounds(m);
    return STOA_OK;
}

// Assimp's glTF reader loads objects lazily, in the order the default scene,
// then the skins, then the animations first reach them (a node's children
// before its own mesh), and imports only those meshes. This replays that
// walk to learn which Assimp mesh holds which glTF mesh; convert_mesh's
// vertex-count check catches any disagreement.
typedef struct lazy_order {
    const cJSON *root;
    uint8_t *node_seen;
    int32_t *mesh_rank; // glTF mesh -> position in Assimp's mesh list, -1 = not loaded
    uint32_t ranked;
    uint32_t node_count;
} lazy_order;

static void lazy_node(lazy_order *o, uint32_t n, uint32_t depth)
{
    if (n >= o->node_count || o->node_seen[n] || depth > o->node_count)
        return;
    o->node_seen[n] = 1;
    const cJSON *jn = scene_json_at(o->root, "nodes", n), *ch; // constant time: scene_json_index.c
    cJSON_ArrayForEach(ch, scene_json_arr(jn, "children"))
        lazy_node(o, (uint32_t)ch->valuedouble, depth + 1);
    int64_t m = scene_json_int(jn, "mesh", -1);
    if (m >= 0 && o->mesh_rank[m] < 0)
        o->mesh_rank[m] = (int32_t)o->ranked++;
}

static void lazy_walk(scene_doc *doc, lazy_order *o)
{
    const cJSON *it, *ch;
    cJSON *scn = doc->default_scene >= 0
                     ? scene_json_at(doc->root, "scenes", (uint32_t)doc->default_scene)
                     : NULL;
    cJSON_ArrayForEach(it, scene_json_arr(scn, "nodes")) lazy_node(o, (uint32_t)it->valuedouble, 0);
    cJSON_ArrayForEach(it, scene_json_arr(doc->root, "skins"))
    {
        cJSON_ArrayForEach(ch, scene_json_arr(it, "joints"))
            lazy_node(o, (uint32_t)ch->valuedouble, 0);
    }
    cJSON_ArrayForEach(it, scene_json_arr(doc->root, "animations"))
    {
        cJSON_ArrayForEach(ch, scene_json_arr(it, "channels"))
        {
            cJSON *tg = cJSON_GetObjectItemCaseSensitive(ch, "target");
            if (cJSON_GetObjectItemCaseSensitive(tg, "node"))
                lazy_node(o, (uint32_t)scene_json_int(tg, "node", 0), 0);
        }
    }
}

// Every primitive of every imported mesh read with scene_native_mesh.
static stoa_result native_meshes(scene_doc *doc, stoa_scene *scene, const lazy_order *o,
                                 uint32_t *first, uint32_t *prims, uint32_t total, stoa_error *err)
{
    uint32_t nm = scene_json_count(doc->root, "meshes");
    scene->meshes = calloc(total ? total : 1, sizeof *scene->meshes);
    if (!scene->meshes)
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "%s: out of memory", doc->path);
    stoa_result r = STOA_OK;
    for (uint32_t m = 0; m < nm && r == STOA_OK; m++) {
        first[m] = scene->mesh_count;
        if (o->mesh_rank[m] < 0)
            continue;
        const cJSON *jm = scene_json_at(doc->root, "meshes", m);
        scene_native_prim at = {
            .mesh = jm, .mesh_index = m, .prim_count = scene_json_count(jm, "primitives")};
        cJSON_ArrayForEach(at.prim, scene_json_arr(jm, "primitives"))
        {
            char where[64];
            snprintf(where, sizeof where, "meshes[%u].primitives[%u]", m, at.prim_index);
            stoa_mesh *sm = &scene->meshes[scene->mesh_count++];
            r = scene_native_mesh(doc, &at, sm, where, err);
            if (r == STOA_OK)
                r = scene_finish_mesh(doc, at.prim, sm, where, err);
            prims[m]++;
            at.prim_index++;
            if (r != STOA_OK)
                break;
        }
    }
    return r;
}

stoa_result scene_import_meshes(scene_doc *doc, stoa_scene *scene, uint32_t **out_first,
                                uint32_t **out_prims, stoa_error *err)
{
    uint32_t nm = scene_json_count(doc->root, "meshes"), nn = scene_json_count(doc->root, "nodes");
    lazy_order o = {doc->root, calloc(nn ? nn : 1, 1), malloc((nm ? nm : 1) * sizeof(int32_t)), 0,
                    nn};
    uint32_t *first = calloc(nm ? nm : 1, sizeof *first),
             *prims = calloc(nm ? nm : 1, sizeof *prims);
    uint32_t *ai_first = calloc(nm ? nm : 1, sizeof *ai_first);
    uint32_t *by_rank = calloc(nm ? nm : 1, sizeof *by_rank);
    stoa_result r = STOA_OK;
    if (!o.node_seen || !o.mesh_rank || !first || !prims || !ai_first || !by_rank) {
        r = stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "%s: out of memory", doc->path);
        goto done;
    }
    for (uint32_t m = 0; m < nm; m++)
        o.mesh_rank[m] = -1;
    lazy_walk(doc, &o);
    // Assimp index of each loaded mesh's first primitive, in rank order.
    uint32_t total = 0;
    for (uint32_t m = 0; m < nm; m++)
        if (o.mesh_rank[m] >= 0)
            by_rank[o.mesh_rank[m]] = m; // ranks are 0..ranked-1, one mesh each
    for (uint32_t rank = 0; rank < o.ranked; rank++) {
        ai_first[by_rank[rank]] = total;
        total += scene_json_count(scene_json_at(doc->root, "meshes", by_rank[rank]), "primitives");
    }
    // Files whose every primitive the direct path reads skip Assimp.
    if (scene_native_ok(doc, o.mesh_rank)) {
        STOA_LOGD("scene", "%s: geometry read without Assimp", doc->path);
        uint64_t t = scene_stage_begin();
        r = native_meshes(doc, scene, &o, first, prims, total, err);
        scene_stage_end(STOA_SCENE_STAGE_CONVERT, t);
    } else {
        r = scene_assimp_meshes(doc, scene, o.mesh_rank, ai_first, total, first, prims, err);
    }
done:
    free(by_rank);
    free(o.node_seen);
    free(o.mesh_rank);
    free(ai_first);
    if (r < 0) {
        free(first);
        free(prims);
        return r;
    }
    *out_first = first;
    *out_prims = prims;
    return STOA_OK;
}
