// SPDX-License-Identifier: Apache-2.0
// Vertex attributes read from the glTF accessors themselves instead of from
// Assimp. Assimp 5.2.5 decodes normalised-integer TEXCOORD_n and WEIGHTS_0
// as if they were floats (garbage UVs, wrong skin weights) and gives a VEC3
// COLOR_0 an alpha of 0; Stoa's own accessor reader decodes every component
// type glTF allows (3.11), sparse accessors included. Found by the
// generated test models (tools/testmodels, tests/scene/test_scene_generated.c).
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "scene_internal.h"

// The accessor named by attributes[name] as floats with `want` components,
// or NULL when absent or not one value per vertex (then Assimp's data stays).
static float *attr(scene_doc *doc, const cJSON *prim, const char *name, uint32_t vertices,
                   uint32_t *out_components, stoa_error *err, stoa_result *r)
{
    cJSON *attrs = cJSON_GetObjectItemCaseSensitive(prim, "attributes");
    cJSON *a = cJSON_GetObjectItemCaseSensitive(attrs, name);
    if (!cJSON_IsNumber(a) || a->valuedouble < 0)
        return NULL;
    float *f = NULL;
    uint32_t count = 0;
    *r = scene_accessor_floats(doc, (uint32_t)a->valuedouble, &f, &count, out_components, err);
    if (*r < 0)
        return NULL;
    if (count != vertices) {
        free(f);
        return NULL;
    }
    return f;
}

static void replace(float **slot, float *f)
{
    free(*slot);
    *slot = f;
}

// True when attributes[name] is stored as integers (KHR_mesh_quantization).
static bool quantized(scene_doc *doc, const cJSON *prim, const char *name)
{
    cJSON *a = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(prim, "attributes"),
                                                name);
    if (!cJSON_IsNumber(a) || a->valuedouble < 0)
        return false;
    cJSON *acc = scene_json_at(doc->root, "accessors", (uint32_t)a->valuedouble);
    return scene_json_int(acc, "componentType", 5126) != 5126;
}

stoa_result scene_mesh_attrs_from_gltf(scene_doc *doc, const cJSON *prim, stoa_mesh *m,
                                       stoa_error *err)
{
    // A Draco-compressed primitive's accessors hold no data of their own;
    // Assimp decoded the stream, so its attributes stand.
    if (cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(prim, "extensions"),
                                         "KHR_draco_mesh_compression"))
        return STOA_OK;
    stoa_result r = STOA_OK;
    uint32_t n = m->vertex_count, nc = 0;
    float *f;
    // Quantized geometry: Assimp reads integer POSITION, NORMAL and TANGENT
    // data as floats.
    static const struct {
        const char *name;
        uint32_t comps;
    } geo[] = {{"POSITION", 3}, {"NORMAL", 3}, {"TANGENT", 4}};
    for (int g = 0; g < 3 && r == STOA_OK; g++) {
        if (!quantized(doc, prim, geo[g].name))
            continue;
        f = attr(doc, prim, geo[g].name, n, &nc, err, &r);
        if (!f || nc != geo[g].comps) {
            free(f);
            continue;
        }
        float **slot = g == 0 ? &m->positions : g == 1 ? &m->normals : &m->tangents;
        if (g == 1) // normalised integers are not unit length after rounding
            for (uint32_t i = 0; i < n; i++) {
                float *v = f + (size_t)i * 3, l = sqrtf(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
                for (int c = 0; l > 0 && c < 3; c++)
                    v[c] /= l;
            }
        replace(slot, f);
    }
    if ((f = attr(doc, prim, "TEXCOORD_0", n, &nc, err, &r)) && nc == 2)
        replace(&m->uv0, f);
    else
        free(f);
    if (r == STOA_OK && (f = attr(doc, prim, "TEXCOORD_1", n, &nc, err, &r)) && nc == 2)
        replace(&m->uv1, f);
    else
        free(f);
    if (r == STOA_OK && (f = attr(doc, prim, "COLOR_0", n, &nc, err, &r)) && (nc == 3 || nc == 4)) {
        float *rgba = malloc((size_t)n * 4 * sizeof *rgba);
        for (uint32_t i = 0; rgba && i < n; i++)
            for (uint32_t c = 0; c < 4; c++)
                rgba[i * 4 + c] = c < nc ? f[i * nc + c] : 1.0f; // glTF: VEC3 is opaque
        free(f);
        if (rgba)
            replace(&m->colors, rgba);
    } else {
        free(f);
    }
    if (r < 0 || !m->joints || !m->weights)
        return r;
    float *j = attr(doc, prim, "JOINTS_0", n, &nc, err, &r);
    uint32_t wc = 0;
    float *w = r == STOA_OK && j && nc == 4 ? attr(doc, prim, "WEIGHTS_0", n, &wc, err, &r) : NULL;
    if (j && w && wc == 4) {
        for (uint32_t i = 0; i < n; i++) {
            float *ws = w + (size_t)i * 4, sum = ws[0] + ws[1] + ws[2] + ws[3];
            for (int c = 0; c < 4; c++) {
                m->joints[(size_t)i * 4 + c] = (uint16_t)j[(size_t)i * 4 + c];
                m->weights[(size_t)i * 4 + c] =
                    sum > 0 ? ws[c] / sum : (c == 0 ? 1.0f : 0.0f);
            }
        }
    }
    free(j);
    free(w);
    return r;
}
