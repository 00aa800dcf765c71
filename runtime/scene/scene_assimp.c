// SPDX-License-Identifier: Apache-2.0
// The conversion of Assimp's meshes into stoa_mesh, for the files the direct
// path (scene_native.c) does not read: Draco streams, points and lines,
// anything scene_native_ok turns away. scene_assimp_io.c runs the import.
#include <assimp/cimport.h>
#include <assimp/scene.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scene_assimp.h"
#include "scene_native.h"

// ---- meshes -----------------------------------------------------------------------

static float *dup_vec3(const struct aiVector3D *v, uint32_t n)
{
    float *out = malloc((size_t)n * 3 * sizeof *out);
    for (uint32_t i = 0; out && i < n; i++) {
        out[i * 3 + 0] = v[i].x;
        out[i * 3 + 1] = v[i].y;
        out[i * 3 + 2] = v[i].z;
    }
    return out;
}

static float *dup_uv(const struct aiVector3D *v, uint32_t n)
{
    float *out = malloc((size_t)n * 2 * sizeof *out);
    for (uint32_t i = 0; out && i < n; i++) {
        out[i * 2 + 0] = v[i].x;
        out[i * 2 + 1] = v[i].y;
    }
    return out;
}

// glTF's bitangent is cross(N, T.xyz) * T.w and points up the image, towards
// decreasing v (glTF's UV origin is top-left). Assimp's bitangents differ by
// where they come from:
// - a TANGENT attribute: its glTF importer sets B = cross(N, T) * w, so the
//   sign of dot(cross(N, T), B) is w;
// - CalcTangentSpace: B points along increasing v of the UVs Assimp hands
//   back (glTF's, once FlipUVs has undone the importer's V flip), i.e. down
//   the image, so w is the opposite sign. NormalTangentTest shows the
//   difference (tests/gfx, tests/scene).
static float handedness(const struct aiMesh *am, uint32_t i, bool generated)
{
    if (!am->mBitangents)
        return 1.0f;
    struct aiVector3D t = am->mTangents[i], n = am->mNormals[i], b = am->mBitangents[i];
    float cx = n.y * t.z - n.z * t.y, cy = n.z * t.x - n.x * t.z, cz = n.x * t.y - n.y * t.x;
    bool along_b = cx * b.x + cy * b.y + cz * b.z >= 0;
    return along_b != generated ? 1.0f : -1.0f;
}

static float *tangents4(const struct aiMesh *am, bool generated)
{
    uint32_t n = am->mNumVertices;
    float *out = malloc((size_t)n * 4 * sizeof *out);
    for (uint32_t i = 0; out && i < n; i++) {
        out[i * 4 + 0] = am->mTangents[i].x;
        out[i * 4 + 1] = am->mTangents[i].y;
        out[i * 4 + 2] = am->mTangents[i].z;
        out[i * 4 + 3] = handedness(am, i, generated);
    }
    return out;
}

// Assimp stores weights per bone; the GPU wants the four strongest per vertex.
static bool convert_bones(const struct aiMesh *am, stoa_mesh *m)
{
    size_t n = m->vertex_count;
    m->joints = calloc(n * 4, sizeof *m->joints);
    m->weights = calloc(n * 4, sizeof *m->weights);
    if (!m->joints || !m->weights)
        return false;
    for (uint32_t b = 0; b < am->mNumBones; b++) {
        const struct aiBone *bone = am->mBones[b];
        for (uint32_t k = 0; k < bone->mNumWeights; k++) {
            uint32_t v = bone->mWeights[k].mVertexId;
            float w = bone->mWeights[k].mWeight;
            if (v >= n || !(w > 0))
                continue;
            float *ws = m->weights + (size_t)v * 4;
            uint16_t *js = m->joints + (size_t)v * 4;
            int weakest = 0;
            for (int s = 1; s < 4; s++)
                if (ws[s] < ws[weakest])
                    weakest = s;
            if (w > ws[weakest]) {
                ws[weakest] = w;
                js[weakest] = (uint16_t)b;
            }
        }
    }
    for (size_t v = 0; v < n; v++) {
        float *ws = m->weights + v * 4, sum = ws[0] + ws[1] + ws[2] + ws[3];
        for (int s = 0; s < 4; s++)
            ws[s] = sum > 0 ? ws[s] / sum : (s == 0 ? 1.0f : 0.0f);
    }
    return true;
}

static float *delta3(const struct aiVector3D *abs, const float *base, uint32_t n)
{
    float *out = malloc((size_t)n * 3 * sizeof *out);
    for (uint32_t i = 0; out && i < n; i++) {
        out[i * 3 + 0] = abs[i].x - base[i * 3 + 0];
        out[i * 3 + 1] = abs[i].y - base[i * 3 + 1];
        out[i * 3 + 2] = abs[i].z - base[i * 3 + 2];
    }
    return out;
}

// Assimp's glTF importer stores morph targets as absolute attributes; glTF
// and the renderer want deltas.
static bool convert_morphs(const struct aiMesh *am, stoa_mesh *m)
{
    uint32_t nt = am->mNumAnimMeshes, n = m->vertex_count;
    m->morph_targets = calloc(nt, sizeof *m->morph_targets);
    m->default_weights = calloc(nt, sizeof *m->default_weights);
    if (!m->morph_targets || !m->default_weights)
        return false;
    m->morph_target_count = nt;
    float *base_t = NULL;
    if (am->mTangents)
        base_t = dup_vec3(am->mTangents, n);
    for (uint32_t t = 0; t < nt; t++) {
        const struct aiAnimMesh *a = am->mAnimMeshes[t];
        stoa_morph_target *mt = &m->morph_targets[t];
        m->default_weights[t] = a->mWeight;
        if (a->mNumVertices != n)
            return free(base_t), false;
        mt->positions = a->mVertices ? delta3(a->mVertices, m->positions, n)
                                     : calloc((size_t)n * 3, sizeof(float));
        if (a->mNormals)
            mt->normals = delta3(a->mNormals, m->normals, n);
        if (a->mTangents && base_t)
            mt->tangents = delta3(a->mTangents, base_t, n);
        if (!mt->positions)
            return free(base_t), false;
    }
    free(base_t);
    return true;
}

static bool convert_indices(const struct aiMesh *am, stoa_mesh *m)
{
    uint32_t tris = 0;
    for (uint32_t f = 0; f < am->mNumFaces; f++)
        tris += am->mFaces[f].mNumIndices == 3;
    m->indices = malloc((size_t)(tris ? tris : 1) * 3 * sizeof *m->indices);
    if (!m->indices)
        return false;
    for (uint32_t f = 0; f < am->mNumFaces; f++) {
        const struct aiFace *face = &am->mFaces[f];
        if (face->mNumIndices != 3)
            continue;
        for (int k = 0; k < 3; k++) {
            if (face->mIndices[k] >= m->vertex_count)
                return false;
            m->indices[m->index_count++] = face->mIndices[k];
        }
    }
    return true;
}

// The primitive's material from the JSON: an index into scene->materials,
// which scene_material.c builds in the file's order. Assimp's
// mMaterialIndex is not: its glTF reader numbers materials in the order it
// first loads them, and adds a default material of its own.
static int32_t prim_material(scene_doc *doc, const cJSON *prim)
{
    int64_t mat = scene_json_int(prim, "material", -1);
    return mat >= 0 && mat < scene_json_count(doc->root, "materials") ? (int32_t)mat : -1;
}

static bool prim_has_tangents(const cJSON *prim)
{
    cJSON *attrs = cJSON_GetObjectItemCaseSensitive(prim, "attributes");
    return cJSON_GetObjectItemCaseSensitive(attrs, "TANGENT") != NULL;
}

// Whether the UVs Stoa keeps (scene_finish_mesh reads them from the file)
// are not the ones Assimp made its tangents from: Assimp 5.2.5 reads
// normalised-integer UVs as floats and misreads accessors without a view.
static bool uvs_moved(const float *assimp_uv, const float *uv, uint32_t n)
{
    for (size_t i = 0; assimp_uv && uv && i < (size_t)n * 2; i++)
        if (!(fabsf(assimp_uv[i] - uv[i]) <= 1e-4f)) // Assimp's flip and unflip round
            return true;
    return false;
}

static stoa_result convert_mesh(scene_doc *doc, const cJSON *prim, const struct aiMesh *am,
                                stoa_mesh *m, const char *where, stoa_error *err)
{
    uint32_t n = am->mNumVertices;
    m->name = scene_strdup(am->mName.data);
    m->vertex_count = n;
    m->material = prim_material(doc, prim);
    m->skin = -1;
    m->positions = dup_vec3(am->mVertices, n);
    m->normals = am->mNormals ? dup_vec3(am->mNormals, n) : calloc((size_t)n * 3, sizeof(float));
    if (am->mTangents && am->mNormals)
        m->tangents = tangents4(am, !prim_has_tangents(prim));
    if (am->mTextureCoords[0])
        m->uv0 = dup_uv(am->mTextureCoords[0], n);
    if (am->mTextureCoords[1])
        m->uv1 = dup_uv(am->mTextureCoords[1], n);
    if (am->mColors[0]) {
        m->colors = malloc((size_t)n * 4 * sizeof(float));
        if (m->colors)
            memcpy(m->colors, am->mColors[0], (size_t)n * 4 * sizeof(float));
    }
    if (!m->positions || !m->normals || !convert_indices(am, m) ||
        (am->mNumBones && !convert_bones(am, m)) || (am->mNumAnimMeshes && !convert_morphs(am, m)))
        return stoa_error_set(err, STOA_ERROR_PARSE, "%s: %s: bad vertex, index or morph data",
                              doc->path, where);
    // Tangents Assimp made from UVs it misread stay wrong when
    // scene_finish_mesh puts the file's UVs back: they are made again, as the
    // direct path makes them.
    float *assimp_uv = NULL;
    if (m->tangents && m->uv0 && !prim_has_tangents(prim) &&
        (assimp_uv = malloc((size_t)n * 2 * sizeof *assimp_uv)))
        memcpy(assimp_uv, m->uv0, (size_t)n * 2 * sizeof *assimp_uv);
    stoa_result r = scene_finish_mesh(doc, prim, m, where, err);
    bool moved = r == STOA_OK && uvs_moved(assimp_uv, m->uv0, n);
    free(assimp_uv);
    if (moved) {
        float *t = NULL;
        if (scene_native_tangents(m->positions, m->normals, m->uv0, n, m->indices, m->index_count,
                                  &t) < 0)
            return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "%s: out of memory", doc->path);
        free(m->tangents);
        m->tangents = t;
    }
    return r;
}

static int64_t prim_vertex_count(scene_doc *doc, const cJSON *prim)
{
    cJSON *attrs = cJSON_GetObjectItemCaseSensitive(prim, "attributes");
    cJSON *acc =
        scene_json_at(doc->root, "accessors", (uint32_t)scene_json_int(attrs, "POSITION", 0));
    return scene_json_int(acc, "count", -1);
}

stoa_result scene_assimp_meshes(scene_doc *doc, stoa_scene *scene, const int32_t *mesh_rank,
                                const uint32_t *ai_first, uint32_t total, uint32_t *first,
                                uint32_t *prims, stoa_error *err)
{
    const struct aiScene *ai = NULL;
    uint64_t t = scene_stage_begin();
    stoa_result r = scene_assimp_run(doc, &ai, err);
    scene_stage_end(STOA_SCENE_STAGE_ASSIMP, t);
    if (r < 0)
        return r;
    t = scene_stage_begin();
    uint32_t nm = scene_json_count(doc->root, "meshes");
    scene->meshes = calloc(ai->mNumMeshes ? ai->mNumMeshes : 1, sizeof *scene->meshes);
    if (!scene->meshes) {
        r = stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "%s: out of memory", doc->path);
        goto done;
    }
    if (ai->mNumMeshes != total) {
        r = stoa_error_set(
            err, STOA_ERROR_UNSUPPORTED,
            "%s: Assimp made %u meshes of the %u glTF primitives in use; cannot map them",
            doc->path, ai->mNumMeshes, total);
        goto done;
    }
    for (uint32_t m = 0; m < nm && r == STOA_OK; m++) {
        first[m] = scene->mesh_count;
        if (mesh_rank[m] < 0)
            continue; // not reachable from the scene: Assimp did not load it
        cJSON *jm = scene_json_at(doc->root, "meshes", m);
        uint32_t np = scene_json_count(jm, "primitives");
        for (uint32_t p = 0; p < np && r == STOA_OK; p++) {
            const struct aiMesh *am = ai->mMeshes[ai_first[m] + p];
            const cJSON *prim = scene_json_at(jm, "primitives", p);
            char where[64];
            snprintf(where, sizeof where, "meshes[%u].primitives[%u]", m, p);
            int64_t mode = scene_json_int(prim, "mode", 4);
            int64_t nv = prim_vertex_count(doc, prim);
            if (mode < 4) {
                scene_warn(scene, "%s: points/lines are not drawn; primitive dropped", where);
                continue;
            }
            if (am->mNumVertices != (uint32_t)nv && mode == 4) {
                r = stoa_error_set(err, STOA_ERROR_UNSUPPORTED,
                                   "%s: %s: Assimp's mesh has %u vertices, POSITION has %lld; "
                                   "cannot map Assimp's meshes",
                                   doc->path, where, am->mNumVertices, (long long)nv);
                break;
            }
            r = convert_mesh(doc, prim, am, &scene->meshes[scene->mesh_count++], where, err);
            prims[m]++;
        }
    }
done:
    scene_stage_end(STOA_SCENE_STAGE_CONVERT, t);
    aiReleaseImport(ai);
    return r;
}
