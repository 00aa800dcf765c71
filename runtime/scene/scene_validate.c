// SPDX-License-Identifier: Apache-2.0
// Structural checks of a glTF document before Assimp reads it. Assimp 5.2.5
// trusts indices, byte ranges and URIs more than a runtime fed by content
// authors can afford; every fault here is reported with the JSON field.
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/stoa_path.h"
#include "scene_internal.h"
#include "scene_validate.h"

// Morph target vertices over the whole file (targets x vertices, each
// target counted one vertex more): every one becomes at least a float3
// delta on either path, so a few bytes of "targets": [{}, {}, ...] must not
// make gigabytes. 2^24 is 192 MB of position deltas; a 50 000-vertex face
// with 52 blend shapes is 2.6 M.
#define MAX_MORPH_VERTICES ((int64_t)1 << 24)

stoa_result scene_vcheck_index(vctx *c, const cJSON *obj, const char *key, uint32_t n,
                               const char *where, const char *what, bool required)
{
    cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!v) {
        if (required)
            FAIL(STOA_ERROR_PARSE, "%s: %s.%s is missing", c->doc->path, where, key);
        return STOA_OK;
    }
    if (!cJSON_IsNumber(v) || v->valuedouble != floor(v->valuedouble) || v->valuedouble < 0 ||
        v->valuedouble >= n)
        FAIL(STOA_ERROR_PARSE, "%s: %s.%s = %g is out of range (the file has %u %s)", c->doc->path,
             where, key, cJSON_IsNumber(v) ? v->valuedouble : -1.0, n, what);
    return STOA_OK;
}

static uint32_t comp_size(int64_t ct)
{
    switch (ct) {
    case 5120:
    case 5121:
        return 1;
    case 5122:
    case 5123:
        return 2;
    case 5125:
    case 5126:
        return 4;
    default:
        return 0;
    }
}

static uint32_t type_comps(const char *t)
{
    static const struct {
        const char *n;
        uint32_t c;
    } k[] = {{"SCALAR", 1}, {"VEC2", 2}, {"VEC3", 3}, {"VEC4", 4},
             {"MAT2", 4},   {"MAT3", 9}, {"MAT4", 16}};
    for (size_t i = 0; t && i < sizeof k / sizeof k[0]; i++)
        if (strcmp(t, k[i].n) == 0)
            return k[i].c;
    return 0;
}

static stoa_result check_buffers(vctx *c)
{
    for (uint32_t i = 0; i < c->n_buffers; i++) {
        cJSON *b = scene_json_at(c->doc->root, "buffers", i);
        int64_t len = scene_json_int(b, "byteLength", -1);
        if (len < 1 || len == INT64_MAX)
            FAIL(STOA_ERROR_PARSE, "%s: buffers[%u].byteLength is missing or invalid", c->doc->path,
                 i);
        size_t have;
        stoa_result r = scene_doc_buffer_size(c->doc, i, &have, c->err);
        if (r < 0)
            return r;
        if ((uint64_t)len > have)
            FAIL(STOA_ERROR_PARSE,
                 "%s: buffers[%u]: byteLength %lld but only %zu bytes are there%s", c->doc->path, i,
                 (long long)len, have, scene_json_str(b, "uri") ? "" : " (truncated .glb?)");
    }
    return STOA_OK;
}

static stoa_result check_views(vctx *c)
{
    char where[64];
    for (uint32_t i = 0; i < c->n_views; i++) {
        cJSON *v = scene_json_at(c->doc->root, "bufferViews", i);
        snprintf(where, sizeof where, "bufferViews[%u]", i);
        stoa_result r = scene_vcheck_index(c, v, "buffer", c->n_buffers, where, "buffers", true);
        if (r < 0)
            return r;
        int64_t off = scene_json_int(v, "byteOffset", 0), len = scene_json_int(v, "byteLength", -1);
        int64_t blen = scene_json_int(
            scene_json_at(c->doc->root, "buffers", (uint32_t)scene_json_int(v, "buffer", 0)),
            "byteLength", 0);
        if (off < 0 || len < 1 || len == INT64_MAX || off == INT64_MAX || off + len > blen)
            FAIL(STOA_ERROR_PARSE,
                 "%s: %s: byteOffset %lld + byteLength %lld is outside its buffer (%lld bytes)",
                 c->doc->path, where, (long long)off, (long long)len, (long long)blen);
        int64_t stride = scene_json_int(v, "byteStride", 0);
        if (stride != 0 && (stride < 4 || stride > 252 || stride % 4))
            FAIL(STOA_ERROR_PARSE, "%s: %s.byteStride %lld is not 4..252 and a multiple of 4",
                 c->doc->path, where, (long long)stride);
    }
    return STOA_OK;
}

// Checks that `count` elements of `esize` bytes at `off` (stride `stride`)
// fit in bufferView `view`.
static stoa_result check_range(vctx *c, const char *where, int64_t view, int64_t off, int64_t count,
                               int64_t esize, int64_t stride)
{
    cJSON *v = scene_json_at(c->doc->root, "bufferViews", (uint32_t)view);
    int64_t vlen = scene_json_int(v, "byteLength", 0);
    if (stride == 0)
        stride = esize;
    if (off < 0 || off == INT64_MAX || off + (count - 1) * stride + esize > vlen)
        FAIL(STOA_ERROR_PARSE,
             "%s: %s: %lld elements of %lld bytes at offset %lld (stride %lld) overrun "
             "bufferViews[%lld] (%lld bytes)",
             c->doc->path, where, (long long)count, (long long)esize, (long long)off,
             (long long)stride, (long long)view, (long long)vlen);
    return STOA_OK;
}

static stoa_result check_sparse(vctx *c, const cJSON *sp, const char *where, int64_t count,
                                int64_t esize)
{
    char w[96];
    int64_t n = scene_json_int(sp, "count", -1);
    if (n < 1 || n > count)
        FAIL(STOA_ERROR_PARSE, "%s: %s.sparse.count %lld is not 1..%lld", c->doc->path, where,
             (long long)n, (long long)count);
    cJSON *ind = cJSON_GetObjectItemCaseSensitive(sp, "indices");
    cJSON *val = cJSON_GetObjectItemCaseSensitive(sp, "values");
    snprintf(w, sizeof w, "%s.sparse.indices", where);
    stoa_result r = scene_vcheck_index(c, ind, "bufferView", c->n_views, w, "bufferViews", true);
    if (r < 0)
        return r;
    int64_t ict = scene_json_int(ind, "componentType", 0);
    if (ict != 5121 && ict != 5123 && ict != 5125)
        FAIL(STOA_ERROR_PARSE, "%s: %s.componentType must be an unsigned integer type",
             c->doc->path, w);
    int64_t isz = comp_size(ict);
    if ((r = check_range(c, w, scene_json_int(ind, "bufferView", 0),
                         scene_json_int(ind, "byteOffset", 0), n, isz, 0)) < 0)
        return r;
    snprintf(w, sizeof w, "%s.sparse.values", where);
    if ((r = scene_vcheck_index(c, val, "bufferView", c->n_views, w, "bufferViews", true)) < 0)
        return r;
    return check_range(c, w, scene_json_int(val, "bufferView", 0),
                       scene_json_int(val, "byteOffset", 0), n, esize, 0);
}

static stoa_result check_accessors(vctx *c)
{
    char where[64];
    for (uint32_t i = 0; i < c->n_accessors; i++) {
        cJSON *a = scene_json_at(c->doc->root, "accessors", i);
        snprintf(where, sizeof where, "accessors[%u]", i);
        uint32_t cs = comp_size(scene_json_int(a, "componentType", 0));
        uint32_t nc = type_comps(scene_json_str(a, "type"));
        int64_t count = scene_json_int(a, "count", -1);
        if (!cs)
            FAIL(STOA_ERROR_PARSE, "%s: %s.componentType is missing or invalid", c->doc->path,
                 where);
        if (!nc)
            FAIL(STOA_ERROR_PARSE, "%s: %s.type is missing or invalid", c->doc->path, where);
        if (count < 1 || count > (1 << 28))
            FAIL(STOA_ERROR_PARSE, "%s: %s.count is missing or out of range", c->doc->path, where);
        stoa_result r =
            scene_vcheck_index(c, a, "bufferView", c->n_views, where, "bufferViews", false);
        if (r < 0)
            return r;
        // Matrix columns are padded to 4 bytes (glTF 3.6.2.4).
        int64_t esize = (int64_t)cs * nc;
        if (cs == 1 && (nc == 4 || nc == 9) && strcmp(scene_json_str(a, "type"), "VEC4") != 0)
            esize = nc == 4 ? 8 : 12;
        else if (cs == 2 && nc == 9)
            esize = 24;
        if (cJSON_GetObjectItemCaseSensitive(a, "bufferView")) {
            int64_t view = scene_json_int(a, "bufferView", 0);
            int64_t stride = scene_json_int(
                scene_json_at(c->doc->root, "bufferViews", (uint32_t)view), "byteStride", 0);
            if ((r = check_range(c, where, view, scene_json_int(a, "byteOffset", 0), count, esize,
                                 stride)) < 0)
                return r;
        }
        cJSON *sp = cJSON_GetObjectItemCaseSensitive(a, "sparse");
        if (sp && (r = check_sparse(c, sp, where, count, esize)) < 0)
            return r;
    }
    return STOA_OK;
}

int64_t scene_vacc_count(vctx *c, int64_t acc)
{
    return scene_json_int(scene_json_at(c->doc->root, "accessors", (uint32_t)acc), "count", 0);
}

// Every attribute of a primitive (and of its morph targets) valid and as long
// as POSITION, so Assimp never indexes past a shorter one.
static stoa_result check_attributes(vctx *c, const cJSON *attrs, const char *where, int64_t *count)
{
    cJSON *at;
    char w[128];
    cJSON_ArrayForEach(at, attrs)
    {
        snprintf(w, sizeof w, "%s.attributes", where);
        stoa_result r =
            scene_vcheck_index(c, attrs, at->string, c->n_accessors, w, "accessors", true);
        if (r < 0)
            return r;
        r = scene_vcheck_attr_type(c, w, at->string, (int64_t)at->valuedouble,
                                   strstr(where, "targets") != NULL);
        if (r < 0)
            return r;
        int64_t n = scene_vacc_count(c, (int64_t)at->valuedouble);
        if (*count < 0)
            *count = n;
        else if (n != *count)
            FAIL(STOA_ERROR_PARSE, "%s: %s.%s has %lld elements but POSITION has %lld",
                 c->doc->path, w, at->string, (long long)n, (long long)*count);
    }
    return STOA_OK;
}

// Index values past the vertex count: Assimp 5.2.5 imports them silently.
static stoa_result check_index_values(vctx *c, const cJSON *prim, int64_t vertices,
                                      const char *where)
{
    uint32_t acc = (uint32_t)scene_json_int(prim, "indices", 0);
    cJSON *a = scene_json_at(c->doc->root, "accessors", acc);
    int64_t ct = scene_json_int(a, "componentType", 0), count = scene_json_int(a, "count", 0);
    uint32_t max = 0;
    if (cJSON_GetObjectItemCaseSensitive(a, "sparse") ||
        !cJSON_GetObjectItemCaseSensitive(a, "bufferView")) {
        float *f;
        uint32_t n, nc;
        stoa_result r = scene_accessor_floats(c->doc, acc, &f, &n, &nc, c->err);
        if (r < 0)
            return r;
        for (uint32_t i = 0; i < n; i++)
            max = f[i] > max ? (uint32_t)f[i] : max;
        free(f);
    } else {
        cJSON *v = scene_json_at(c->doc->root, "bufferViews",
                                 (uint32_t)scene_json_int(a, "bufferView", 0));
        uint32_t b = (uint32_t)scene_json_int(v, "buffer", 0);
        stoa_result r = scene_doc_buffer(c->doc, b, c->err);
        if (r < 0)
            return r;
        const uint8_t *p = c->doc->buffers[b].data + scene_json_int(v, "byteOffset", 0) +
                           scene_json_int(a, "byteOffset", 0);
        int64_t size = comp_size(ct), stride = scene_json_int(v, "byteStride", 0);
        if (stride == 0)
            stride = size;
        for (int64_t i = 0; i < count; i++, p += stride) {
            uint32_t x = p[0];
            if (size == 2)
                x |= (uint32_t)p[1] << 8;
            else if (size == 4)
                x |= (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
            max = x > max ? x : max;
        }
    }
    if ((int64_t)max >= vertices)
        FAIL(STOA_ERROR_PARSE, "%s: %s: index %u is past the %lld vertices", c->doc->path, where,
             max, (long long)vertices);
    return STOA_OK;
}

static stoa_result check_meshes(vctx *c)
{
    char where[96];
    int64_t morph_vertices = 0;
    for (uint32_t m = 0; m < c->n_meshes; m++) {
        cJSON *mesh = scene_json_at(c->doc->root, "meshes", m);
        uint32_t np = scene_json_count(mesh, "primitives");
        if (np == 0)
            FAIL(STOA_ERROR_PARSE, "%s: meshes[%u] has no primitives", c->doc->path, m);
        for (uint32_t p = 0; p < np; p++) {
            cJSON *prim = scene_json_at(mesh, "primitives", p);
            snprintf(where, sizeof where, "meshes[%u].primitives[%u]", m, p);
            cJSON *attrs = cJSON_GetObjectItemCaseSensitive(prim, "attributes");
            if (!cJSON_IsObject(attrs) || !cJSON_GetObjectItemCaseSensitive(attrs, "POSITION"))
                FAIL(STOA_ERROR_PARSE, "%s: %s has no POSITION attribute", c->doc->path, where);
            int64_t count = scene_vacc_count(c, scene_json_int(attrs, "POSITION", 0));
            stoa_result r =
                scene_vcheck_index(c, attrs, "POSITION", c->n_accessors, where, "accessors", true);
            if (r < 0 || (r = check_attributes(c, attrs, where, &count)) < 0)
                return r;
            if ((r = scene_vcheck_index(c, prim, "indices", c->n_accessors, where, "accessors",
                                        false)) < 0 ||
                (r = scene_vcheck_index(c, prim, "material", c->n_materials, where, "materials",
                                        false)) < 0)
                return r;
            if (cJSON_GetObjectItemCaseSensitive(prim, "indices")) {
                int64_t ct =
                    scene_json_int(scene_json_at(c->doc->root, "accessors",
                                                 (uint32_t)scene_json_int(prim, "indices", 0)),
                                   "componentType", 0);
                if (ct != 5121 && ct != 5123 && ct != 5125)
                    FAIL(STOA_ERROR_PARSE, "%s: %s.indices must be unsigned byte/short/int",
                         c->doc->path, where);
                if ((r = check_index_values(c, prim, count, where)) < 0)
                    return r;
            }
            int64_t mode = scene_json_int(prim, "mode", 4);
            if (mode < 0 || mode > 6)
                FAIL(STOA_ERROR_PARSE, "%s: %s.mode %lld is not 0..6", c->doc->path, where,
                     (long long)mode);
            uint32_t nt = scene_json_count(prim, "targets");
            morph_vertices += (int64_t)nt * (count + 1);
            if (morph_vertices > MAX_MORPH_VERTICES)
                FAIL(STOA_ERROR_LIMIT,
                     "%s: %s: %u morph targets of %lld vertices take the file past %lld morph "
                     "target vertices",
                     c->doc->path, where, nt, (long long)count, (long long)MAX_MORPH_VERTICES);
            uint32_t t = 0;
            const cJSON *target;
            cJSON_ArrayForEach(target, scene_json_arr(prim, "targets"))
            { // one walk of the list (scene_json_at per target walks it again)
                char tw[128];
                snprintf(tw, sizeof tw, "%s.targets[%u]", where, t++);
                if ((r = check_attributes(c, target, tw, &count)) < 0)
                    return r;
            }
        }
    }
    return STOA_OK;
}

static stoa_result check_finite(vctx *c, const cJSON *node, const char *key, uint32_t n,
                                const char *where)
{
    cJSON *a = cJSON_GetObjectItemCaseSensitive(node, key);
    if (!a)
        return STOA_OK;
    if (!cJSON_IsArray(a) || (uint32_t)cJSON_GetArraySize(a) != n)
        FAIL(STOA_ERROR_PARSE, "%s: %s.%s must be an array of %u numbers", c->doc->path, where, key,
             n);
    uint32_t i = 0;
    cJSON *v;
    cJSON_ArrayForEach(v, a)
    {
        if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || fabs(v->valuedouble) > 1e30)
            FAIL(STOA_ERROR_PARSE,
                 "%s: %s.%s[%u] is not a finite number (NaN or infinite transform)", c->doc->path,
                 where, key, i);
        i++;
    }
    return STOA_OK;
}

// glTF nodes form a forest: no node has two parents, none is its own ancestor.
static stoa_result check_node_tree(vctx *c)
{
    int32_t *parent = malloc((c->n_nodes ? c->n_nodes : 1) * sizeof *parent);
    if (!parent)
        FAIL(STOA_ERROR_OUT_OF_MEMORY, "%s: out of memory", c->doc->path);
    for (uint32_t i = 0; i < c->n_nodes; i++)
        parent[i] = -1;
    stoa_result r = STOA_OK;
    for (uint32_t i = 0; i < c->n_nodes && r == STOA_OK; i++) {
        cJSON *ch, *node = scene_json_at(c->doc->root, "nodes", i);
        uint32_t k = 0;
        cJSON_ArrayForEach(ch, scene_json_arr(node, "children"))
        {
            uint32_t j = (uint32_t)ch->valuedouble;
            if (parent[j] >= 0 || j == i) {
                r = stoa_error_set(c->err, STOA_ERROR_PARSE,
                                   "%s: nodes[%u].children[%u]: node %u %s", c->doc->path, i, k, j,
                                   j == i ? "is its own child (node cycle)"
                                          : "already has a parent (node cycle or shared node)");
                break;
            }
            parent[j] = (int32_t)i;
            k++;
        }
    }
    // With one parent each, a cycle is a chain that never reaches a root.
    for (uint32_t i = 0; i < c->n_nodes && r == STOA_OK; i++) {
        uint32_t steps = 0;
        for (int32_t p = parent[i]; p >= 0; p = parent[p])
            if (++steps > c->n_nodes) {
                r = stoa_error_set(c->err, STOA_ERROR_PARSE,
                                   "%s: nodes[%u] is part of a node cycle (it is its own ancestor)",
                                   c->doc->path, i);
                break;
            }
    }
    free(parent);
    return r;
}

static stoa_result check_nodes(vctx *c)
{
    char where[64];
    for (uint32_t i = 0; i < c->n_nodes; i++) {
        cJSON *node = scene_json_at(c->doc->root, "nodes", i), *ch;
        snprintf(where, sizeof where, "nodes[%u]", i);
        if (!cJSON_IsObject(node))
            FAIL(STOA_ERROR_PARSE, "%s: %s is not an object", c->doc->path, where);
        stoa_result r;
        if ((r = scene_vcheck_index(c, node, "mesh", c->n_meshes, where, "meshes", false)) < 0 ||
            (r = scene_vcheck_index(c, node, "camera", c->n_cameras, where, "cameras", false)) <
                0 ||
            (r = scene_vcheck_index(c, node, "skin", c->n_skins, where, "skins", false)) < 0 ||
            (r = check_finite(c, node, "matrix", 16, where)) < 0 ||
            (r = check_finite(c, node, "translation", 3, where)) < 0 ||
            (r = check_finite(c, node, "rotation", 4, where)) < 0 ||
            (r = check_finite(c, node, "scale", 3, where)) < 0)
            return r;
        cJSON *ext = cJSON_GetObjectItemCaseSensitive(node, "extensions");
        cJSON *lp = cJSON_GetObjectItemCaseSensitive(ext, "KHR_lights_punctual");
        if (lp && (r = scene_vcheck_index(c, lp, "light", c->n_lights, where, "lights", true)) < 0)
            return r;
        cJSON *children = cJSON_GetObjectItemCaseSensitive(node, "children");
        if (children && !cJSON_IsArray(children))
            FAIL(STOA_ERROR_PARSE, "%s: %s.children is not an array", c->doc->path, where);
        uint32_t k = 0;
        cJSON_ArrayForEach(ch, children)
        {
            if (!cJSON_IsNumber(ch) || ch->valuedouble < 0 || ch->valuedouble >= c->n_nodes ||
                ch->valuedouble != floor(ch->valuedouble))
                FAIL(STOA_ERROR_PARSE,
                     "%s: %s.children[%u] is not a node index (the file has %u nodes)",
                     c->doc->path, where, k, c->n_nodes);
            k++;
        }
    }
    return check_node_tree(c);
}

static stoa_result check_scenes(vctx *c)
{
    char where[64];
    for (uint32_t s = 0; s < c->n_scenes; s++) {
        cJSON *sc = scene_json_at(c->doc->root, "scenes", s), *n;
        uint32_t k = 0;
        cJSON_ArrayForEach(n, scene_json_arr(sc, "nodes"))
        {
            if (!cJSON_IsNumber(n) || n->valuedouble < 0 || n->valuedouble >= c->n_nodes)
                FAIL(STOA_ERROR_PARSE,
                     "%s: scenes[%u].nodes[%u] is not a node index (the file has %u nodes)",
                     c->doc->path, s, k, c->n_nodes);
            k++;
        }
    }
    (void)where;
    if (cJSON_GetObjectItemCaseSensitive(c->doc->root, "scene"))
        return scene_vcheck_index(c, c->doc->root, "scene", c->n_scenes, "glTF", "scenes", false);
    return STOA_OK;
}

static uint32_t light_count(const cJSON *root)
{
    cJSON *ext = cJSON_GetObjectItemCaseSensitive(root, "extensions");
    return scene_json_count(cJSON_GetObjectItemCaseSensitive(ext, "KHR_lights_punctual"), "lights");
}

stoa_result scene_validate(scene_doc *doc, stoa_error *err)
{
    const cJSON *root = doc->root;
    vctx cx =
             {
                 .doc = doc,
                 .err = err,
                 .n_buffers = doc->buffer_count,
                 .n_views = scene_json_count(root, "bufferViews"),
                 .n_accessors = scene_json_count(root, "accessors"),
                 .n_meshes = scene_json_count(root, "meshes"),
                 .n_nodes = scene_json_count(root, "nodes"),
                 .n_materials = scene_json_count(root, "materials"),
                 .n_textures = scene_json_count(root, "textures"),
                 .n_images = scene_json_count(root, "images"),
                 .n_samplers = scene_json_count(root, "samplers"),
                 .n_skins = scene_json_count(root, "skins"),
                 .n_cameras = scene_json_count(root, "cameras"),
                 .n_scenes = scene_json_count(root, "scenes"),
                 .n_lights = light_count(root),
             },
         *c = &cx;
    stoa_result r;
    if ((r = check_buffers(c)) < 0 || (r = check_views(c)) < 0 || (r = check_accessors(c)) < 0 ||
        (r = check_meshes(c)) < 0 || (r = check_nodes(c)) < 0 || (r = check_scenes(c)) < 0 ||
        (r = scene_vcheck_skins(c)) < 0 || (r = scene_vcheck_images_textures(c)) < 0 ||
        (r = scene_vcheck_materials(c)) < 0)
        return r;
    for (uint32_t a = 0; a < scene_json_count(root, "animations"); a++)
        if ((r = scene_vcheck_animation(c, a)) < 0)
            return r;
    for (uint32_t i = 0; i < c->n_cameras; i++) {
        cJSON *cam = scene_json_at(root, "cameras", i);
        const char *t = scene_json_str(cam, "type");
        if (!t || (strcmp(t, "perspective") && strcmp(t, "orthographic")))
            FAIL(STOA_ERROR_PARSE, "%s: cameras[%u].type must be perspective or orthographic",
                 doc->path, i);
    }
    return STOA_OK;
}
