// SPDX-License-Identifier: Apache-2.0
// Geometry read straight from the glTF accessors, without Assimp, for the
// files where that gives exactly what Assimp's import gives (compared byte
// for byte by tests/scene/test_scene_native.c): every primitive Assimp would
// import is a plain triangle list with POSITION and NORMAL and nothing that
// Assimp computes or converts (no TEXCOORD_0, so no generated tangents; no
// TANGENT, skin, morph target or Draco stream). Large scans exported without
// textures are such files, and Assimp's import is most of their first load.
// STOA_SCENE_NATIVE=off always takes Assimp (for comparisons).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scene_internal.h"

#define MAX_NATIVE_VERTICES (1u << 24) // indices read as floats stay exact

static const cJSON *attr_of(const cJSON *prim, const char *name)
{
    return cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(prim, "attributes"),
                                            name);
}

static bool prim_ok(scene_doc *doc, const cJSON *prim)
{
    const cJSON *attrs = cJSON_GetObjectItemCaseSensitive(prim, "attributes"), *a;
    if (scene_json_int(prim, "mode", 4) != 4 || cJSON_GetObjectItemCaseSensitive(prim, "targets") ||
        cJSON_GetObjectItemCaseSensitive(prim, "extensions"))
        return false;
    if (!cJSON_IsNumber(attr_of(prim, "POSITION")) || !cJSON_IsNumber(attr_of(prim, "NORMAL")))
        return false;
    cJSON_ArrayForEach(a, attrs) // only these (colours and second UVs Stoa reads itself)
    {
        if (strcmp(a->string, "POSITION") && strcmp(a->string, "NORMAL") &&
            strcmp(a->string, "COLOR_0"))
            return false;
    }
    for (int i = 0; i < 2; i++) { // float, not sparse, within the exact range
        const cJSON *acc =
            scene_json_at(doc->root, "accessors",
                          (uint32_t)attr_of(prim, i ? "NORMAL" : "POSITION")->valuedouble);
        if (scene_json_int(acc, "componentType", 0) != 5126 ||
            cJSON_GetObjectItemCaseSensitive(acc, "sparse") ||
            scene_json_int(acc, "count", -1) > (int64_t)MAX_NATIVE_VERTICES)
            return false;
    }
    return true;
}

bool scene_native_ok(scene_doc *doc, const int32_t *mesh_rank)
{
    const char *env = getenv("STOA_SCENE_NATIVE");
    if (doc->rewritten || (env && (!strcmp(env, "off") || !strcmp(env, "0"))))
        return false;
    uint32_t nm = scene_json_count(doc->root, "meshes");
    for (uint32_t m = 0; m < nm; m++) {
        if (mesh_rank[m] < 0)
            continue; // not imported either way
        const cJSON *p, *jm = scene_json_at(doc->root, "meshes", m);
        cJSON_ArrayForEach(p, scene_json_arr(jm, "primitives"))
        {
            if (!prim_ok(doc, p))
                return false;
        }
    }
    return true;
}

// Assimp's name: the mesh's name (or its id, "meshes_N"), "-p" appended when
// the mesh has several primitives.
static char *mesh_name(const cJSON *jm, uint32_t m, uint32_t p, uint32_t np)
{
    const char *n = scene_json_str(jm, "name");
    char id[32], buf[600];
    snprintf(id, sizeof id, "meshes_%u", m);
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

stoa_result scene_native_mesh(scene_doc *doc, uint32_t mesh, uint32_t p, stoa_mesh *m,
                              const char *where, stoa_error *err)
{
    const cJSON *jm = scene_json_at(doc->root, "meshes", mesh);
    const cJSON *prim = scene_json_at(jm, "primitives", p);
    uint32_t np = scene_json_count(jm, "primitives"), count = 0, nc = 0, ncount = 0, nnc = 0;
    m->name = mesh_name(jm, mesh, p, np);
    int64_t mat = scene_json_int(prim, "material", -1);
    m->material =
        mat >= 0 && mat < (int64_t)scene_json_count(doc->root, "materials") ? (int32_t)mat : -1;
    m->skin = -1;
    stoa_result r = scene_accessor_floats(doc, (uint32_t)attr_of(prim, "POSITION")->valuedouble,
                                          &m->positions, &count, &nc, err);
    if (r == STOA_OK)
        r = scene_accessor_floats(doc, (uint32_t)attr_of(prim, "NORMAL")->valuedouble, &m->normals,
                                  &ncount, &nnc, err);
    if (r < 0)
        return r;
    if (!m->name || nc != 3 || nnc != 3 || ncount != count)
        return stoa_error_set(err, STOA_ERROR_PARSE, "%s: %s: bad POSITION or NORMAL", doc->path,
                              where);
    m->vertex_count = count;
    // As Assimp: the file's normals as they are (not normalised).
    return read_indices(doc, prim, m, err);
}
