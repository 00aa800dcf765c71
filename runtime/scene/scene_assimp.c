// SPDX-License-Identifier: Apache-2.0
// The only file that sees Assimp: a confined file system for it, and the
// conversion of its meshes into stoa_mesh.
#include <assimp/cfileio.h>
#include <assimp/cimport.h>
#include <assimp/postprocess.h>
#include <assimp/scene.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/stoa_file.h"
#include "core/stoa_log.h"
#include "core/stoa_path.h"
#include "scene_internal.h"

// ---- a file system that cannot leave the scene's folder ----------------------

typedef struct mem_file {
    const uint8_t *data;
    uint8_t *owned;
    size_t size, pos;
} mem_file;

typedef struct io_ctx {
    scene_doc *doc;
    const char *virtual_path; // the rewritten document's name, or NULL
    char refused[768]; // first path Assimp asked for and did not get
} io_ctx;

static size_t mf_read(struct aiFile *f, char *buf, size_t size, size_t count)
{
    mem_file *m = (mem_file *)f->UserData;
    if (size == 0)
        return 0;
    size_t n = (m->size - m->pos) / size;
    if (n > count)
        n = count;
    memcpy(buf, m->data + m->pos, n * size);
    m->pos += n * size;
    return n;
}

static size_t mf_write(struct aiFile *f, const char *b, size_t s, size_t c)
{
    (void)f, (void)b, (void)s, (void)c;
    return 0; // read-only
}

static size_t mf_tell(struct aiFile *f)
{
    return ((mem_file *)f->UserData)->pos;
}

static size_t mf_size(struct aiFile *f)
{
    return ((mem_file *)f->UserData)->size;
}

static void mf_flush(struct aiFile *f)
{
    (void)f;
}

static enum aiReturn mf_seek(struct aiFile *f, size_t off, enum aiOrigin origin)
{
    mem_file *m = (mem_file *)f->UserData;
    size_t base = origin == aiOrigin_SET ? 0 : origin == aiOrigin_CUR ? m->pos : m->size;
    if (off > m->size - base)
        return aiReturn_FAILURE;
    m->pos = base + off;
    return aiReturn_SUCCESS;
}

static void io_refuse(io_ctx *io, const char *path, const char *why)
{
    if (!io->refused[0])
        snprintf(io->refused, sizeof io->refused, "'%.300s' %.400s", path, why);
}

// Assimp asks for the scene file by the name it was given and for buffers as
// "<folder of the scene>/<uri>"; anything else is refused.
static struct aiFile *io_open(struct aiFileIO *fio, const char *path, const char *mode)
{
    io_ctx *io = (io_ctx *)fio->UserData;
    scene_doc *doc = io->doc;
    if (!mode || mode[0] != 'r') {
        io_refuse(io, path, "(write access refused)");
        return NULL;
    }
    mem_file *m = calloc(1, sizeof *m);
    struct aiFile *f = calloc(1, sizeof *f);
    if (!m || !f)
        goto fail;
    if (io->virtual_path && strcmp(path, io->virtual_path) == 0) {
        m->data = (const uint8_t *)doc->assimp_json;
        m->size = strlen(doc->assimp_json);
    } else if (!io->virtual_path && strcmp(path, doc->path) == 0) {
        m->data = doc->file;
        m->size = doc->file_size;
    } else {
        const char *slash = strrchr(doc->path, '/');
        size_t plen = slash ? (size_t)(slash - doc->path) + 1 : 0;
        const char *rel = path;
        if (plen) {
            if (strncmp(path, doc->path, plen) != 0) {
                io_refuse(io, path, "is outside the scene's folder");
                goto fail;
            }
            rel = path + plen;
        }
        if (io->virtual_path && scene_doc_virtual_buffer(doc, rel, &m->data, &m->size))
            goto done;
        char full[PATH_MAX];
        stoa_error perr = {0};
        if (stoa_path_confine(doc->dir, rel, full, sizeof full, &perr) < 0) {
            io_refuse(io, path, perr.message);
            goto fail;
        }
        if (stoa_file_read(full, 0, &m->owned, &m->size, &perr) < 0) {
            io_refuse(io, path, perr.message);
            goto fail;
        }
        m->data = m->owned;
    }
done:
    *f = (struct aiFile){mf_read, mf_write, mf_tell, mf_size, mf_seek, mf_flush, (aiUserData)m};
    return f;
fail:
    free(m);
    free(f);
    return NULL;
}

static void io_close(struct aiFileIO *fio, struct aiFile *f)
{
    (void)fio;
    if (!f)
        return;
    mem_file *m = (mem_file *)f->UserData;
    free(m->owned);
    free(m);
    free(f);
}

uint32_t stoa_scene_import_flags(void)
{
    return scene_assimp_flags(false);
}

uint32_t scene_assimp_flags(bool no_generated_tangents)
{
    if (no_generated_tangents)
        return aiProcess_Triangulate | aiProcess_GenNormals | aiProcess_FlipUVs |
               aiProcess_ValidateDataStructure;
    // No SortByPType / SplitLargeMeshes / OptimizeMeshes: they reorder meshes,
    // and Stoa maps Assimp's meshes back to glTF primitives by order.
    // FlipUVs undoes the V flip that Assimp's glTF importer applies, giving
    // glTF's top-left UV origin, which Vulkan shares.
    return aiProcess_Triangulate | aiProcess_GenNormals | aiProcess_CalcTangentSpace |
           aiProcess_FlipUVs | aiProcess_ValidateDataStructure;
}

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

static stoa_result finish_mesh(scene_doc *doc, const cJSON *prim, stoa_mesh *m, const char *where,
                               stoa_error *err);

// `prim` is the glTF primitive that Assimp's mesh `am` was made from.
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
    return finish_mesh(doc, prim, m, where, err);
}

// What every mesh gets, however it was read: Stoa's own attribute reads,
// the positions' check, the bounds.
static stoa_result finish_mesh(scene_doc *doc, const cJSON *prim, stoa_mesh *m, const char *where,
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

// ---- the import ---------------------------------------------------------------------

static stoa_result run_assimp(scene_doc *doc, const struct aiScene **out, stoa_error *err)
{
    io_ctx io = {.doc = doc};
    struct aiFileIO fio = {io_open, io_close, (aiUserData)&io};
    char virtual_path[PATH_MAX + 32];
    if (doc->rewritten) {
        stoa_result r = scene_doc_for_assimp(doc, err);
        if (r < 0)
            return r;
        // Beside the scene, so relative image URIs resolve as before.
        snprintf(virtual_path, sizeof virtual_path, "%s.stoa-decoded.gltf", doc->path);
        io.virtual_path = virtual_path;
    }
    const struct aiScene *ai = aiImportFileEx(io.virtual_path ? io.virtual_path : doc->path,
                                              scene_assimp_flags(doc->no_generated_tangents), &fio);
    if (!ai) {
        if (io.refused[0])
            return stoa_error_set(err, STOA_ERROR_UNSAFE_PATH, "%s: refused to read %s", doc->path,
                                  io.refused);
        return stoa_error_set(err, STOA_ERROR_PARSE, "%s: glTF import failed: %.700s", doc->path,
                              aiGetErrorString());
    }
    *out = ai;
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
    const cJSON *jn = scene_json_at(o->root, "nodes", n), *ch;
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

static int64_t prim_vertex_count(scene_doc *doc, const cJSON *prim)
{
    cJSON *attrs = cJSON_GetObjectItemCaseSensitive(prim, "attributes");
    cJSON *acc =
        scene_json_at(doc->root, "accessors", (uint32_t)scene_json_int(attrs, "POSITION", 0));
    return scene_json_int(acc, "count", -1);
}

// The loop below, reading each primitive with scene_native_mesh.
static stoa_result native_meshes(scene_doc *doc, stoa_scene *scene, const lazy_order *o,
                                 uint32_t *first, uint32_t *prims, uint32_t total,
                                 stoa_error *err)
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
        uint32_t np = scene_json_count(jm, "primitives");
        for (uint32_t p = 0; p < np && r == STOA_OK; p++) {
            char where[64];
            snprintf(where, sizeof where, "meshes[%u].primitives[%u]", m, p);
            stoa_mesh *sm = &scene->meshes[scene->mesh_count++];
            r = scene_native_mesh(doc, m, p, sm, where, err);
            if (r == STOA_OK)
                r = finish_mesh(doc, scene_json_at(jm, "primitives", p), sm, where, err);
            prims[m]++;
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
    const struct aiScene *ai = NULL;
    stoa_result r = STOA_OK;
    uint64_t t = 0; // stage timer
    if (!o.node_seen || !o.mesh_rank || !first || !prims || !ai_first) {
        r = stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "%s: out of memory", doc->path);
        goto done;
    }
    for (uint32_t m = 0; m < nm; m++)
        o.mesh_rank[m] = -1;
    lazy_walk(doc, &o);
    // Assimp index of each loaded mesh's first primitive, in rank order.
    uint32_t total = 0;
    for (uint32_t rank = 0; rank < o.ranked; rank++)
        for (uint32_t m = 0; m < nm; m++)
            if (o.mesh_rank[m] == (int32_t)rank) {
                ai_first[m] = total;
                total += scene_json_count(scene_json_at(doc->root, "meshes", m), "primitives");
            }
    // Plain files are read without Assimp (scene_native.c), to the same result.
    bool native = scene_native_ok(doc, o.mesh_rank);
    t = scene_stage_begin();
    r = native ? STOA_OK : run_assimp(doc, &ai, err);
    scene_stage_end(STOA_SCENE_STAGE_ASSIMP, t);
    if (r < 0)
        goto done;
    t = scene_stage_begin();
    if (native) {
        STOA_LOGD("scene", "%s: geometry read without Assimp", doc->path);
        r = native_meshes(doc, scene, &o, first, prims, total, err);
        goto done;
    }
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
        if (o.mesh_rank[m] < 0)
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
    scene_stage_end(STOA_SCENE_STAGE_CONVERT, t); // 0 (nothing) before the convert starts
    if (ai)
        aiReleaseImport(ai);
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
