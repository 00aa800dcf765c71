// SPDX-License-Identifier: Apache-2.0
// Every model in ../shared/gltf-samples/MANIFEST.tsv loads, and what Stoa
// reports matches what the file's own JSON says (read here with cJSON,
// independently of runtime/scene).
#include <math.h>

#include "scene/stoa_scene.h"
#include "scene_test_util.h"
#include "stoa_test.h"

typedef struct expect {
    int nodes, meshes, cameras, lights;
    long long triangles;
    uint8_t *node_seen, *mesh_used;
} expect;

static long long prim_triangles(const cJSON *root, const cJSON *prim)
{
    int mode = tu_int(prim, "mode", 4);
    int acc = cJSON_GetObjectItem(prim, "indices")
                  ? tu_int(prim, "indices", 0)
                  : tu_int(cJSON_GetObjectItem(prim, "attributes"), "POSITION", 0);
    long long n = tu_int(tu_at(root, "accessors", acc), "count", 0);
    if (mode == 4)
        return n / 3;
    if (mode == 5 || mode == 6)
        return n >= 3 ? n - 2 : 0;
    return 0;
}

static void walk(const cJSON *root, int n, expect *e)
{
    if (e->node_seen[n])
        return;
    e->node_seen[n] = 1;
    e->nodes++;
    const cJSON *node = tu_at(root, "nodes", n), *c;
    int mesh = tu_int(node, "mesh", -1);
    if (mesh >= 0) {
        const cJSON *prims = cJSON_GetObjectItem(tu_at(root, "meshes", mesh), "primitives"), *p;
        cJSON_ArrayForEach(p, prims)
        {
            e->triangles += prim_triangles(root, p);
            if (!e->mesh_used[mesh] && tu_int(p, "mode", 4) >= 4)
                e->meshes++;
        }
        e->mesh_used[mesh] = 1;
    }
    e->cameras += cJSON_GetObjectItem(node, "camera") != NULL;
    const cJSON *ext = cJSON_GetObjectItem(node, "extensions");
    e->lights += cJSON_GetObjectItem(ext, "KHR_lights_punctual") != NULL;
    cJSON_ArrayForEach(c, cJSON_GetObjectItem(node, "children")) walk(root, c->valueint, e);
}

// Raw float data of accessor `acc` (non-sparse, float); NULL when not simple.
static const float *raw_floats(const cJSON *root, int acc, const char *dir, const uint8_t *bin,
                               char **owned, int *stride_floats)
{
    const cJSON *a = tu_at(root, "accessors", acc);
    if (tu_int(a, "componentType", 0) != 5126 || !cJSON_GetObjectItem(a, "bufferView") ||
        cJSON_GetObjectItem(a, "sparse"))
        return NULL;
    const cJSON *v = tu_at(root, "bufferViews", tu_int(a, "bufferView", 0));
    const cJSON *b = tu_at(root, "buffers", tu_int(v, "buffer", 0));
    const cJSON *uri = cJSON_GetObjectItem(b, "uri");
    const uint8_t *data = bin;
    *owned = NULL;
    if (cJSON_IsString(uri)) {
        if (strncmp(uri->valuestring, "data:", 5) == 0)
            return NULL;
        char path[8300];
        snprintf(path, sizeof path, "%.4000s/%.4000s", dir, uri->valuestring);
        *owned = tu_read(path, NULL);
        data = (const uint8_t *)*owned;
    }
    if (!data)
        return NULL;
    const char *type = cJSON_GetObjectItem(a, "type")->valuestring;
    int comps = !strcmp(type, "VEC2") ? 2 : !strcmp(type, "VEC3") ? 3 : 4;
    int stride = tu_int(v, "byteStride", comps * 4);
    *stride_floats = stride / 4;
    return (const float *)(data + tu_int(v, "byteOffset", 0) + tu_int(a, "byteOffset", 0));
}

// The first primitive of the lowest-numbered mesh in use is Stoa's mesh 0:
// its positions and first UV set must be the file's, unchanged (this is
// what catches a flipped V or a mis-mapped mesh).
static void check_first_mesh(const char *file, const cJSON *root, const expect *e,
                             const stoa_scene *s, const char *dir, const uint8_t *bin)
{
    int m = 0;
    while (m < tu_len(root, "meshes") && !e->mesh_used[m])
        m++;
    const cJSON *prim = tu_at(tu_at(root, "meshes", m), "primitives", 0);
    if (!prim || tu_int(prim, "mode", 4) != 4 || s->mesh_count == 0)
        return;
    const cJSON *attrs = cJSON_GetObjectItem(prim, "attributes");
    int pos = tu_int(attrs, "POSITION", 0);
    CHECK_MSG((int)s->meshes[0].vertex_count == tu_int(tu_at(root, "accessors", pos), "count", -1),
              "%s: mesh 0 vertex count", file);
    const char *keys[] = {"POSITION", "TEXCOORD_0"};
    for (int k = 0; k < 2; k++) {
        if (!cJSON_GetObjectItem(attrs, keys[k]))
            continue;
        char *owned = NULL;
        int stride = 0;
        const float *raw = raw_floats(root, tu_int(attrs, keys[k], 0), dir, bin, &owned, &stride);
        const float *mine = k == 0 ? s->meshes[0].positions : s->meshes[0].uv0;
        int comps = k == 0 ? 3 : 2;
        CHECK_MSG(mine != NULL, "%s: mesh 0 lacks %s", file, keys[k]);
        for (uint32_t i = 0; raw && mine && i < s->meshes[0].vertex_count && i < 64; i++)
            for (int c = 0; c < comps; c++)
                CHECK_MSG(fabsf(raw[i * stride + c] - mine[i * comps + c]) < 1e-5f,
                          "%s: %s[%u].%d = %g, file says %g", file, keys[k], i, c,
                          mine[i * comps + c], raw[i * stride + c]);
        free(owned);
    }
}

static void check_structure(const char *file, const stoa_scene *s)
{
    for (uint32_t i = 0; i < s->node_count; i++)
        CHECK_MSG(s->nodes[i].parent < (int32_t)i, "%s: node %u parent %d", file, i,
                  s->nodes[i].parent);
    for (uint32_t m = 0; m < s->mesh_count; m++) {
        const stoa_mesh *mesh = &s->meshes[m];
        CHECK_MSG(mesh->index_count % 3 == 0, "%s: mesh %u", file, m);
        uint32_t bad = 0;
        for (uint32_t i = 0; i < mesh->index_count; i++)
            bad += mesh->indices[i] >= mesh->vertex_count;
        CHECK_MSG(bad == 0, "%s: mesh %u has %u out-of-range indices", file, m, bad);
        CHECK_MSG(mesh->normals != NULL, "%s: mesh %u has no normals", file, m);
        for (uint32_t i = 0; mesh->weights && i < mesh->vertex_count; i++) {
            const float *w = mesh->weights + i * 4;
            CHECK_MSG(fabsf(w[0] + w[1] + w[2] + w[3] - 1) < 1e-3f, "%s: weights of vertex %u",
                      file, i);
            if (fabsf(w[0] + w[1] + w[2] + w[3] - 1) >= 1e-3f)
                break;
        }
    }
    for (int k = 0; k < 3; k++)
        CHECK_MSG(isfinite(s->bounds_min[k]) && s->bounds_min[k] <= s->bounds_max[k],
                  "%s: bounds axis %d: %g..%g", file, k, s->bounds_min[k], s->bounds_max[k]);
}

static void check_file(const char *rel)
{
    char path[4096], dir[4096];
    snprintf(path, sizeof path, "%s/%s", tu_samples(), rel);
    snprintf(dir, sizeof dir, "%s", path);
    *strrchr(dir, '/') = '\0';
    stoa_scene *s = NULL;
    stoa_error err = {0};
    stoa_result r = stoa_scene_load(path, NULL, &s, &err);
    CHECK_MSG(r == STOA_OK && s, "%s: %s", rel, err.message);
    if (!s)
        return;
    char *file;
    const uint8_t *bin = NULL;
    size_t bin_size = 0;
    cJSON *root = tu_gltf_json(path, &file, &bin, &bin_size);
    CHECK_MSG(root != NULL, "%s: test could not parse the JSON", rel);
    if (root) {
        int nn = tu_len(root, "nodes");
        expect e = {.node_seen = calloc((size_t)nn + 1, 1),
                    .mesh_used = calloc((size_t)tu_len(root, "meshes") + 1, 1)};
        const cJSON *c;
        int sc = tu_int(root, "scene", 0);
        cJSON_ArrayForEach(c, cJSON_GetObjectItem(tu_at(root, "scenes", sc), "nodes"))
            walk(root, c->valueint, &e);
        CHECK_MSG((int)s->node_count == e.nodes, "%s: nodes %u, file %d", rel, s->node_count,
                  e.nodes);
        CHECK_MSG((int)s->mesh_count == e.meshes, "%s: meshes %u, file %d", rel, s->mesh_count,
                  e.meshes);
        CHECK_MSG((long long)s->triangle_count == e.triangles, "%s: triangles %llu, file %lld", rel,
                  (unsigned long long)s->triangle_count, e.triangles);
        CHECK_MSG((int)s->material_count == tu_len(root, "materials"), "%s: materials", rel);
        CHECK_MSG((int)s->texture_count == tu_len(root, "textures"), "%s: textures", rel);
        CHECK_MSG((int)s->animation_count == tu_len(root, "animations"), "%s: animations", rel);
        CHECK_MSG((int)s->skin_count == tu_len(root, "skins"), "%s: skins", rel);
        CHECK_MSG((int)s->camera_count == e.cameras, "%s: cameras", rel);
        CHECK_MSG((int)s->light_count == e.lights, "%s: lights", rel);
        for (uint32_t t = 0; t < s->texture_count; t++)
            CHECK_MSG(!s->textures[t].placeholder, "%s: texture %u is a placeholder", rel, t);
        check_first_mesh(rel, root, &e, s, dir, bin);
        free(e.node_seen);
        free(e.mesh_used);
    }
    check_structure(rel, s);
    cJSON_Delete(root);
    free(file);
    stoa_scene_destroy(&s);
    CHECK(s == NULL);
}

STOA_TEST(every_manifest_file_loads_and_matches_its_json)
{
    char mpath[4096];
    snprintf(mpath, sizeof mpath, "%s/MANIFEST.tsv", tu_samples());
    char *manifest = tu_read(mpath, NULL);
    CHECK_MSG(manifest != NULL, "cannot read %s", mpath);
    if (!manifest)
        return;
    int files = 0;
    char *save = NULL;
    for (char *line = strtok_r(manifest, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *f1 = strchr(line, '\t'), *f2 = f1 ? strchr(f1 + 1, '\t') : NULL;
        char *f3 = f2 ? strchr(f2 + 1, '\t') : NULL;
        if (!f3 || strncmp(line, "model\t", 6) == 0)
            continue;
        *f3 = '\0';
        check_file(f2 + 1);
        files++;
    }
    CHECK(files >= 30);
    printf("checked %d corpus files\n", files);
    free(manifest);
}

STOA_TEST_MAIN()
