// SPDX-License-Identifier: Apache-2.0
// A small glTF 2.0 binary writer: one buffer, one bufferView per accessor,
// embedded JPEG images; the JSON through cJSON. Same bytes on every run.
#include <float.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hg.h"

enum { ARRAY_BUFFER = 34962, ELEMENT_ARRAY_BUFFER = 34963, FLOAT = 5126, USHORT = 5123,
       UINT = 5125 };

static cJSON *arr(cJSON *root, const char *key)
{
    cJSON *a = cJSON_GetObjectItemCaseSensitive(root, key);
    if (!a)
        a = cJSON_AddArrayToObject(root, key);
    return a;
}

static int push(cJSON *a, cJSON *item)
{
    cJSON_AddItemToArray(a, item);
    return cJSON_GetArraySize(a) - 1;
}

void hg_glb_init(hg_glb *g)
{
    memset(g, 0, sizeof *g);
    g->root = cJSON_CreateObject();
    cJSON *asset = cJSON_AddObjectToObject(g->root, "asset");
    cJSON_AddStringToObject(asset, "version", "2.0");
    cJSON_AddStringToObject(asset, "generator", "Stoa tools/scenegen/heavy (stoa_heavygen)");
}

static int view(hg_glb *g, const void *data, size_t len, int target)
{
    size_t at = (g->len + 3) & ~(size_t)3;
    if (at + len > g->cap) {
        size_t cap = g->cap ? g->cap : (1u << 20);
        while (cap < at + len)
            cap *= 2;
        g->bin = realloc(g->bin, cap);
        if (!g->bin)
            abort();
        g->cap = cap;
    }
    memset(g->bin + g->len, 0, at - g->len);
    memcpy(g->bin + at, data, len);
    g->len = at + len;
    cJSON *v = cJSON_CreateObject();
    cJSON_AddNumberToObject(v, "buffer", 0);
    cJSON_AddNumberToObject(v, "byteOffset", (double)at);
    cJSON_AddNumberToObject(v, "byteLength", (double)len);
    if (target)
        cJSON_AddNumberToObject(v, "target", target);
    return push(arr(g->root, "bufferViews"), v);
}

static int accessor(hg_glb *g, int v, int ctype, uint32_t count, const char *type)
{
    cJSON *a = cJSON_CreateObject();
    cJSON_AddNumberToObject(a, "bufferView", v);
    cJSON_AddNumberToObject(a, "componentType", ctype);
    cJSON_AddNumberToObject(a, "count", count);
    cJSON_AddStringToObject(a, "type", type);
    return push(arr(g->root, "accessors"), a);
}

static int floats(hg_glb *g, const float *f, uint32_t count, int comps, const char *type,
                  int target, int minmax)
{
    int v = view(g, f, (size_t)count * comps * sizeof(float), target);
    int a = accessor(g, v, FLOAT, count, type);
    if (minmax) {
        double lo[4] = {DBL_MAX, DBL_MAX, DBL_MAX, DBL_MAX}, hi[4] = {-DBL_MAX, -DBL_MAX, -DBL_MAX, -DBL_MAX};
        for (uint32_t i = 0; i < count; i++)
            for (int c = 0; c < comps; c++) {
                double x = f[(size_t)i * comps + c];
                lo[c] = x < lo[c] ? x : lo[c];
                hi[c] = x > hi[c] ? x : hi[c];
            }
        cJSON *acc = cJSON_GetArrayItem(arr(g->root, "accessors"), a);
        cJSON_AddItemToObject(acc, "min", cJSON_CreateDoubleArray(lo, comps));
        cJSON_AddItemToObject(acc, "max", cJSON_CreateDoubleArray(hi, comps));
    }
    return a;
}

int hg_glb_image(hg_glb *g, const char *name, const uint8_t *jpeg, size_t len)
{
    int v = view(g, jpeg, len, 0);
    cJSON *img = cJSON_CreateObject();
    cJSON_AddStringToObject(img, "name", name);
    cJSON_AddNumberToObject(img, "bufferView", v);
    cJSON_AddStringToObject(img, "mimeType", "image/jpeg");
    int i = push(arr(g->root, "images"), img);
    if (cJSON_GetArraySize(arr(g->root, "samplers")) == 0) {
        cJSON *s = cJSON_CreateObject();
        cJSON_AddNumberToObject(s, "magFilter", 9729);
        cJSON_AddNumberToObject(s, "minFilter", 9987);
        push(arr(g->root, "samplers"), s);
    }
    cJSON *t = cJSON_CreateObject();
    cJSON_AddStringToObject(t, "name", name);
    cJSON_AddNumberToObject(t, "sampler", 0);
    cJSON_AddNumberToObject(t, "source", i);
    return push(arr(g->root, "textures"), t);
}

int hg_glb_material(hg_glb *g, const char *name, int base_tex, int normal_tex, float roughness)
{
    cJSON *m = cJSON_CreateObject();
    cJSON_AddStringToObject(m, "name", name);
    cJSON *pbr = cJSON_AddObjectToObject(m, "pbrMetallicRoughness");
    if (base_tex >= 0)
        cJSON_AddNumberToObject(cJSON_AddObjectToObject(pbr, "baseColorTexture"), "index", base_tex);
    cJSON_AddNumberToObject(pbr, "metallicFactor", 0);
    cJSON_AddNumberToObject(pbr, "roughnessFactor", roughness);
    if (normal_tex >= 0)
        cJSON_AddNumberToObject(cJSON_AddObjectToObject(m, "normalTexture"), "index", normal_tex);
    return push(arr(g->root, "materials"), m);
}

int hg_glb_mesh(hg_glb *g, const char *name, const hg_mesh *m, int material)
{
    cJSON *attrs = cJSON_CreateObject();
    cJSON_AddNumberToObject(attrs, "POSITION", floats(g, m->pos, m->vcount, 3, "VEC3", ARRAY_BUFFER, 1));
    cJSON_AddNumberToObject(attrs, "NORMAL", floats(g, m->nrm, m->vcount, 3, "VEC3", ARRAY_BUFFER, 0));
    cJSON_AddNumberToObject(attrs, "TANGENT", floats(g, m->tan, m->vcount, 4, "VEC4", ARRAY_BUFFER, 0));
    cJSON_AddNumberToObject(attrs, "TEXCOORD_0", floats(g, m->uv, m->vcount, 2, "VEC2", ARRAY_BUFFER, 0));
    int idx;
    if (m->vcount <= 65535) {
        uint16_t *s = malloc((size_t)m->icount * 2 + 2);
        if (!s)
            abort();
        for (uint32_t i = 0; i < m->icount; i++)
            s[i] = (uint16_t)m->idx[i];
        idx = accessor(g, view(g, s, (size_t)m->icount * 2, ELEMENT_ARRAY_BUFFER), USHORT, m->icount,
                       "SCALAR");
        free(s);
    } else {
        idx = accessor(g, view(g, m->idx, (size_t)m->icount * 4, ELEMENT_ARRAY_BUFFER), UINT,
                       m->icount, "SCALAR");
    }
    cJSON *prim = cJSON_CreateObject();
    cJSON_AddItemToObject(prim, "attributes", attrs);
    cJSON_AddNumberToObject(prim, "indices", idx);
    cJSON_AddNumberToObject(prim, "material", material);
    cJSON *mesh = cJSON_CreateObject();
    cJSON_AddStringToObject(mesh, "name", name);
    cJSON_AddItemToArray(cJSON_AddArrayToObject(mesh, "primitives"), prim);
    return push(arr(g->root, "meshes"), mesh);
}

static cJSON *vec(const float *v, int n)
{
    cJSON *a = cJSON_CreateArray();
    for (int i = 0; i < n; i++)
        cJSON_AddItemToArray(a, cJSON_CreateNumber((double)v[i]));
    return a;
}

int hg_glb_node(hg_glb *g, const char *name, int mesh, const float t[3], const float r[4],
                const float s[3])
{
    cJSON *n = cJSON_CreateObject();
    cJSON_AddStringToObject(n, "name", name);
    if (mesh >= 0)
        cJSON_AddNumberToObject(n, "mesh", mesh);
    if (t)
        cJSON_AddItemToObject(n, "translation", vec(t, 3));
    if (r)
        cJSON_AddItemToObject(n, "rotation", vec(r, 4));
    if (s)
        cJSON_AddItemToObject(n, "scale", vec(s, 3));
    return push(arr(g->root, "nodes"), n);
}

void hg_glb_child(hg_glb *g, int parent, int child)
{
    cJSON *p = cJSON_GetArrayItem(arr(g->root, "nodes"), parent);
    push(arr(p, "children"), cJSON_CreateNumber(child));
}

void hg_glb_instances(hg_glb *g, int node, uint32_t count, const float *t, const float *r,
                      const float *s)
{
    cJSON *a = cJSON_CreateObject();
    cJSON_AddNumberToObject(a, "TRANSLATION", floats(g, t, count, 3, "VEC3", 0, 0));
    cJSON_AddNumberToObject(a, "ROTATION", floats(g, r, count, 4, "VEC4", 0, 0));
    cJSON_AddNumberToObject(a, "SCALE", floats(g, s, count, 3, "VEC3", 0, 0));
    cJSON *n = cJSON_GetArrayItem(arr(g->root, "nodes"), node);
    cJSON *ext = cJSON_AddObjectToObject(cJSON_AddObjectToObject(n, "extensions"),
                                         "EXT_mesh_gpu_instancing");
    cJSON_AddItemToObject(ext, "attributes", a);
    cJSON *used = arr(g->root, "extensionsUsed");
    if (cJSON_GetArraySize(used) == 0)
        push(used, cJSON_CreateString("EXT_mesh_gpu_instancing"));
}

int hg_glb_write(hg_glb *g, const int *roots, int root_count, const char *path)
{
    cJSON *scene = cJSON_CreateObject();
    cJSON_AddStringToObject(scene, "name", "Heavy ruin");
    cJSON_AddItemToObject(scene, "nodes", cJSON_CreateIntArray(roots, root_count));
    push(arr(g->root, "scenes"), scene);
    cJSON_AddNumberToObject(g->root, "scene", 0);
    size_t bin_len = (g->len + 3) & ~(size_t)3;
    cJSON *buf = cJSON_CreateObject();
    cJSON_AddNumberToObject(buf, "byteLength", (double)bin_len);
    push(arr(g->root, "buffers"), buf);
    char *json = cJSON_PrintUnformatted(g->root);
    if (!json)
        return -1;
    size_t jlen = strlen(json), jpad = (jlen + 3) & ~(size_t)3;
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "wb");
    if (!f) {
        free(json);
        return -1;
    }
    uint32_t head[3] = {0x46546C67u, 2, (uint32_t)(12 + 8 + jpad + 8 + bin_len)};
    uint32_t jh[2] = {(uint32_t)jpad, 0x4E4F534Au}, bh[2] = {(uint32_t)bin_len, 0x004E4942u};
    static const char spaces[4] = "    ";
    static const uint8_t zeros[4] = {0};
    int ok = fwrite(head, 4, 3, f) == 3 && fwrite(jh, 4, 2, f) == 2 &&
             fwrite(json, 1, jlen, f) == jlen && fwrite(spaces, 1, jpad - jlen, f) == jpad - jlen &&
             fwrite(bh, 4, 2, f) == 2 && fwrite(g->bin, 1, g->len, f) == g->len &&
             fwrite(zeros, 1, bin_len - g->len, f) == bin_len - g->len;
    ok = fclose(f) == 0 && ok;
    free(json);
    if (!ok || rename(tmp, path) != 0) {
        remove(tmp);
        return -1;
    }
    return 0;
}

void hg_glb_free(hg_glb *g)
{
    cJSON_Delete(g->root);
    free(g->bin);
    memset(g, 0, sizeof *g);
}
