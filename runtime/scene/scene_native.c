// SPDX-License-Identifier: Apache-2.0
// Geometry read straight from the glTF accessors, without Assimp: triangle
// lists with POSITION, NORMAL (or none: flat normals), TANGENT (or none:
// scene_native_gen.c makes them where there are UVs, as Assimp's
// CalcTangentSpace does), TEXCOORD_0/1, COLOR_0, JOINTS_0/WEIGHTS_0 and
// morph targets, indexed by any index type or not at all, any component
// type glTF and KHR_mesh_quantization allow, sparse accessors included.
// tests/scene/test_scene_native.c loads every corpus file both ways: the
// same scene, byte for byte, but for generated tangents (compared by angle)
// and morph deltas (Assimp's pass through base + delta). Left to Assimp:
// Draco and other primitive extensions, points, lines, strips and fans,
// attributes Stoa has no slot for, docs rewritten for meshopt, and
// primitives without NORMAL whose shared vertices would need splitting.
// STOA_SCENE_NATIVE=off always takes Assimp (for comparisons).
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scene_native.h"

#define MAX_NATIVE_VERTICES (1u << 24) // indices read as floats stay exact

static const cJSON *attr_of(const cJSON *prim, const char *name)
{
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(prim, "attributes"), name);
    return cJSON_IsNumber(a) ? a : NULL;
}

// The attributes the direct path reads (others, but application-specific
// "_NAME" ones, go to Assimp); morph targets may move only the first three.
static bool known_attr(const char *name, bool target)
{
    static const char *k_names[] = {"POSITION",   "NORMAL",  "TANGENT",  "TEXCOORD_0",
                                    "TEXCOORD_1", "COLOR_0", "JOINTS_0", "WEIGHTS_0"};
    for (int i = 0; i < (target ? 3 : 8); i++)
        if (!strcmp(name, k_names[i]))
            return true;
    return !target && name[0] == '_';
}

static stoa_result read_indices(scene_doc *doc, const cJSON *prim, stoa_mesh *m, stoa_error *err);

// A primitive without NORMAL whose shared vertices cannot hold one flat
// normal each would need its vertices split: Assimp keeps it.
static bool flat_normals_fit(scene_doc *doc, const cJSON *prim)
{
    if (!cJSON_GetObjectItemCaseSensitive(prim, "indices"))
        return true; // every vertex in one triangle
    stoa_mesh m = {0};
    uint32_t nc = 0;
    stoa_error err = {0};
    bool fits = false;
    if (scene_accessor_floats(doc, (uint32_t)attr_of(prim, "POSITION")->valuedouble, &m.positions,
                              &m.vertex_count, &nc, &err) == STOA_OK &&
        nc == 3 && read_indices(doc, prim, &m, &err) == STOA_OK) {
        float *n = malloc((size_t)(m.vertex_count ? m.vertex_count : 1) * 3 * sizeof *n);
        fits = n &&
               scene_native_flat_normals(m.positions, m.vertex_count, m.indices, m.index_count, n);
        free(n);
    }
    free(m.positions);
    free(m.indices);
    return fits;
}

static bool prim_ok(scene_doc *doc, const cJSON *prim)
{
    const cJSON *a, *t;
    if (scene_json_int(prim, "mode", 4) != 4 ||
        cJSON_GetObjectItemCaseSensitive(prim, "extensions"))
        return false;
    cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(prim, "attributes"))
    {
        if (!known_attr(a->string, false))
            return false;
    }
    cJSON_ArrayForEach(t, scene_json_arr(prim, "targets"))
    {
        cJSON_ArrayForEach(a, t)
        {
            if (!known_attr(a->string, true))
                return false;
        }
    }
    const cJSON *pos = attr_of(prim, "POSITION");
    bool normal = attr_of(prim, "NORMAL") != NULL;
    // What Assimp would pair differently: a second UV set without a first,
    // a tangent without a normal, joints without weights.
    if (!pos || (attr_of(prim, "TEXCOORD_1") && !attr_of(prim, "TEXCOORD_0")) ||
        (attr_of(prim, "TANGENT") && !normal) ||
        !attr_of(prim, "JOINTS_0") != !attr_of(prim, "WEIGHTS_0"))
        return false;
    const cJSON *acc = scene_json_at(doc->root, "accessors", (uint32_t)pos->valuedouble);
    if (scene_json_int(acc, "count", -1) > (int64_t)MAX_NATIVE_VERTICES)
        return false;
    return normal || flat_normals_fit(doc, prim);
}

bool scene_native_ok(scene_doc *doc, const int32_t *mesh_rank)
{
    const char *env = getenv("STOA_SCENE_NATIVE");
    if (doc->rewritten || (env && (!strcmp(env, "off") || !strcmp(env, "0"))))
        return false;
    uint32_t m = 0;
    const cJSON *jm, *p;
    cJSON_ArrayForEach(jm, scene_json_arr(doc->root, "meshes"))
    {
        if (mesh_rank[m++] < 0)
            continue; // not imported either way
        cJSON_ArrayForEach(p, scene_json_arr(jm, "primitives"))
        {
            if (!prim_ok(doc, p))
                return false;
        }
    }
    return true;
}

// Assimp's name: the mesh's name (or its id, "meshes[N]"), "-p" appended when
// the mesh has several primitives.
static char *mesh_name(const cJSON *jm, uint32_t m, uint32_t p, uint32_t np)
{
    const char *n = scene_json_str(jm, "name");
    char id[32], buf[600];
    snprintf(id, sizeof id, "meshes[%u]", m);
    if (!n || !n[0])
        n = id;
    if (np > 1)
        snprintf(buf, sizeof buf, "%.500s-%u", n, p);
    else
        snprintf(buf, sizeof buf, "%.500s", n);
    return scene_strdup(buf);
}

static stoa_result read_indices(scene_doc *doc, const cJSON *prim, stoa_mesh *m, stoa_error *err)
{
    const cJSON *ji = cJSON_GetObjectItemCaseSensitive(prim, "indices");
    uint32_t n = m->vertex_count, count = n, nc = 1;
    float *f = NULL;
    if (cJSON_IsNumber(ji)) {
        uint32_t *u = NULL;
        stoa_result r = scene_accessor_indices(doc, (uint32_t)ji->valuedouble, &u, &count, err);
        if (r == STOA_OK) { // the usual case, read as integers
            count = count / 3 * 3;
            for (uint32_t i = 0; i < count; i++)
                if (u[i] >= n) {
                    free(u);
                    return stoa_error_set(err, STOA_ERROR_PARSE,
                                          "%s: index %u is past the %u vertices", doc->path, i, n);
                }
            m->indices = u;
            m->index_count = count;
            return STOA_OK;
        }
        if (r == 1)
            r = scene_accessor_floats(doc, (uint32_t)ji->valuedouble, &f, &count, &nc, err);
        if (r < 0)
            return r;
    }
    count = count / 3 * 3; // whole triangles, as Assimp's faces
    m->indices = malloc((size_t)(count ? count : 1) * sizeof *m->indices);
    if (!m->indices) {
        free(f);
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "%s: out of memory", doc->path);
    }
    for (uint32_t i = 0; i < count; i++) {
        float v = f ? f[(size_t)i * nc] : (float)i;
        if (!(v >= 0) || v >= (float)n) {
            free(f);
            return stoa_error_set(err, STOA_ERROR_PARSE, "%s: index %u is past the %u vertices",
                                  doc->path, i, n);
        }
        m->indices[i] = (uint32_t)v;
    }
    m->index_count = count;
    free(f);
    return STOA_OK;
}

// attributes[name] as floats, `comps` per vertex, one per vertex.
static stoa_result read_attr(scene_doc *doc, const cJSON *prim, const char *name, uint32_t comps,
                             stoa_mesh *m, float **out, const char *where, stoa_error *err)
{
    uint32_t count = 0, nc = 0;
    stoa_result r = scene_accessor_floats(doc, (uint32_t)attr_of(prim, name)->valuedouble, out,
                                          &count, &nc, err);
    if (r < 0)
        return r;
    if (count != m->vertex_count || nc != comps)
        return stoa_error_set(err, STOA_ERROR_PARSE,
                              "%s: %s: %s has %u values of %u components; %u of %u expected",
                              doc->path, where, name, count, nc, m->vertex_count, comps);
    return STOA_OK;
}

static stoa_result oom(scene_doc *doc, stoa_error *err)
{
    return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "%s: out of memory", doc->path);
}

// Normals and tangents as the Assimp path would have them (GenNormals,
// CalcTangentSpace, its handedness of a file's TANGENT).
static stoa_result normals_tangents(scene_doc *doc, const cJSON *prim, stoa_mesh *m,
                                    const char *where, stoa_error *err)
{
    uint32_t n = m->vertex_count;
    stoa_result r;
    if (attr_of(prim, "NORMAL")) {
        if ((r = read_attr(doc, prim, "NORMAL", 3, m, &m->normals, where, err)) < 0)
            return r;
    } else {
        if (!(m->normals = malloc((size_t)(n ? n : 1) * 3 * sizeof(float))))
            return oom(doc, err);
        // scene_native_ok saw that they fit; a degenerate triangle sets none.
        scene_native_flat_normals(m->positions, n, m->indices, m->index_count, m->normals);
    }
    if (attr_of(prim, "TANGENT")) {
        if ((r = read_attr(doc, prim, "TANGENT", 4, m, &m->tangents, where, err)) < 0)
            return r;
        scene_native_tangent_signs(m->normals, m->tangents, n);
    } else if (attr_of(prim, "TEXCOORD_0") && !doc->no_generated_tangents) {
        // The UVs stay for scene_finish_mesh, which reads them again as it
        // does for Assimp's meshes.
        if ((r = read_attr(doc, prim, "TEXCOORD_0", 2, m, &m->uv0, where, err)) < 0)
            return r;
        if (scene_native_tangents(m->positions, m->normals, m->uv0, n, m->indices, m->index_count,
                                  &m->tangents) < 0)
            return oom(doc, err);
    }
    return STOA_OK;
}

stoa_result scene_native_mesh(scene_doc *doc, const scene_native_prim *at, stoa_mesh *m,
                              const char *where, stoa_error *err)
{
    const cJSON *jm = at->mesh, *prim = at->prim;
    uint32_t mesh = at->mesh_index, count = 0, nc = 0;
    m->name = mesh_name(jm, mesh, at->prim_index, at->prim_count);
    int64_t mat = scene_json_int(prim, "material", -1); // scene_validate: a materials index
    m->material = mat >= 0 && mat <= INT32_MAX ? (int32_t)mat : -1;
    m->skin = -1; // scene_build_nodes gives it the skin of its node
    if (!m->name)
        return oom(doc, err);
    stoa_result r = scene_accessor_floats(doc, (uint32_t)attr_of(prim, "POSITION")->valuedouble,
                                          &m->positions, &count, &nc, err);
    if (r < 0)
        return r;
    if (nc != 3)
        return stoa_error_set(err, STOA_ERROR_PARSE, "%s: %s: POSITION is not VEC3", doc->path,
                              where);
    m->vertex_count = count;
    if ((r = read_indices(doc, prim, m, err)) < 0 ||
        (r = normals_tangents(doc, prim, m, where, err)) < 0 ||
        (r = scene_native_morphs(doc, jm, prim, m, where, err)) < 0)
        return r;
    // As Assimp makes bones only for a mesh some node skins.
    if (attr_of(prim, "JOINTS_0") && scene_native_mesh_skinned(doc, mesh)) {
        m->joints = calloc((size_t)(count ? count : 1) * 4, sizeof *m->joints);
        m->weights = calloc((size_t)(count ? count : 1) * 4, sizeof *m->weights);
        if (!m->joints || !m->weights)
            return oom(doc, err);
    }
    return STOA_OK;
}
