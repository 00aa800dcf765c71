// SPDX-License-Identifier: Apache-2.0
// EXT_mesh_gpu_instancing (glTF extension registry): a node that draws its
// mesh once per instance, with per-instance TRANSLATION, ROTATION and SCALE
// accessors applied before the node's own transform. Stoa expands each
// instance into a child node of its own ("<node> #k"), so every part of Stoa
// (picking, bounds, the renderer, lessons naming nodes) sees ordinary nodes.
// Runs after Assimp's import (which ignores the extension) and before the
// node tree is built.
#include <stdio.h>
#include <stdlib.h>

#include "scene_internal.h"

#define EXT "EXT_mesh_gpu_instancing"
#define MAX_INSTANCES (1u << 20) // over the whole file

// The accessor of attributes[name] as `comps` floats per instance, or NULL.
static stoa_result instance_attr(scene_doc *doc, const cJSON *attrs, const char *name,
                                 uint32_t comps, uint32_t *count, float **out, stoa_error *err,
                                 uint32_t node)
{
    *out = NULL;
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(attrs, name);
    if (!a)
        return STOA_OK;
    int64_t acc = cJSON_IsNumber(a) ? (int64_t)a->valuedouble : -1;
    if (acc < 0 || acc >= scene_json_count(doc->root, "accessors"))
        return stoa_error_set(err, STOA_ERROR_PARSE,
                              "%s: nodes[%u]." EXT ".attributes.%s is not an accessor index",
                              doc->path, node, name);
    uint32_t n = 0, nc = 0;
    stoa_result r = scene_accessor_floats(doc, (uint32_t)acc, out, &n, &nc, err);
    if (r < 0)
        return r;
    if (nc != comps || (*count && n != *count)) {
        free(*out);
        *out = NULL;
        return stoa_error_set(err, STOA_ERROR_PARSE,
                              "%s: nodes[%u]." EXT ".attributes.%s has %u values of %u "
                              "components; want %u of %u",
                              doc->path, node, name, n, nc, *count ? *count : n, comps);
    }
    *count = n;
    return STOA_OK;
}

static cJSON *floats(const float *v, int n)
{
    cJSON *a = cJSON_CreateArray();
    for (int i = 0; a && i < n; i++)
        cJSON_AddItemToArray(a, cJSON_CreateNumber(v[i]));
    return a;
}

stoa_result scene_expand_instancing(scene_doc *doc, stoa_error *err)
{
    cJSON *nodes = cJSON_GetObjectItemCaseSensitive(doc->root, "nodes");
    uint32_t nn = scene_json_size(nodes), total = 0;
    for (uint32_t g = 0; g < nn; g++) {
        cJSON *jn = scene_json_item(nodes, g);
        cJSON *ext = cJSON_GetObjectItemCaseSensitive(jn, "extensions");
        cJSON *inst = cJSON_GetObjectItemCaseSensitive(ext, EXT);
        if (!inst)
            continue;
        cJSON *attrs = cJSON_GetObjectItemCaseSensitive(inst, "attributes");
        int64_t mesh = scene_json_int(jn, "mesh", -1);
        if (mesh < 0)
            return stoa_error_set(err, STOA_ERROR_PARSE, "%s: nodes[%u]." EXT " needs a mesh",
                                  doc->path, g);
        uint32_t count = 0;
        float *t = NULL, *r = NULL, *s = NULL;
        stoa_result res = instance_attr(doc, attrs, "TRANSLATION", 3, &count, &t, err, g);
        if (res == STOA_OK)
            res = instance_attr(doc, attrs, "ROTATION", 4, &count, &r, err, g);
        if (res == STOA_OK)
            res = instance_attr(doc, attrs, "SCALE", 3, &count, &s, err, g);
        if (res == STOA_OK && (count == 0 || total + count > MAX_INSTANCES))
            res = stoa_error_set(err, count ? STOA_ERROR_LIMIT : STOA_ERROR_PARSE,
                                 "%s: nodes[%u]." EXT ": %u instances (the limit is %u a file)",
                                 doc->path, g, count, MAX_INSTANCES);
        cJSON *children = cJSON_GetObjectItemCaseSensitive(jn, "children");
        if (res == STOA_OK && !children) {
            children = cJSON_CreateArray();
            cJSON_AddItemToObject(jn, "children", children);
        }
        const char *base = scene_json_str(jn, "name");
        for (uint32_t k = 0; res == STOA_OK && k < count; k++) {
            cJSON *c = cJSON_CreateObject();
            char name[160];
            snprintf(name, sizeof name, "%.128s #%u", base ? base : "instance", k);
            cJSON_AddStringToObject(c, "name", name);
            cJSON_AddNumberToObject(c, "mesh", (double)mesh);
            if (t)
                cJSON_AddItemToObject(c, "translation", floats(t + (size_t)k * 3, 3));
            if (r)
                cJSON_AddItemToObject(c, "rotation", floats(r + (size_t)k * 4, 4));
            if (s)
                cJSON_AddItemToObject(c, "scale", floats(s + (size_t)k * 3, 3));
            cJSON_AddItemToArray(nodes, c);
            cJSON_AddItemToArray(children, cJSON_CreateNumber(nn + total + k));
        }
        free(t);
        free(r);
        free(s);
        if (res < 0)
            return res;
        total += count;
        scene_json_index_forget(); // items are freed below: no index may outlive one
        cJSON_DeleteItemFromObjectCaseSensitive(jn, "mesh");
        cJSON_DeleteItemFromObjectCaseSensitive(ext, EXT);
    }
    return STOA_OK;
}
