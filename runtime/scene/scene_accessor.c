// SPDX-License-Identifier: Apache-2.0
// Accessor reads for the data Stoa takes from the JSON side (animation keys,
// inverse bind matrices). Ranges were checked by scene_validate.
#include <stdlib.h>
#include <string.h>

#include "scene_internal.h"

static uint32_t comps_of(const char *t)
{
    if (!t)
        return 0;
    if (!strcmp(t, "SCALAR"))
        return 1;
    if (!strcmp(t, "VEC2"))
        return 2;
    if (!strcmp(t, "VEC3"))
        return 3;
    if (!strcmp(t, "VEC4") || !strcmp(t, "MAT2"))
        return 4;
    if (!strcmp(t, "MAT3"))
        return 9;
    if (!strcmp(t, "MAT4"))
        return 16;
    return 0;
}

static float read_comp(const uint8_t *p, int64_t ct, bool norm)
{
    switch (ct) {
    case 5120: {
        int8_t v;
        memcpy(&v, p, 1);
        return norm ? (v < -127 ? -1.f : v / 127.f) : v;
    }
    case 5121:
        return norm ? p[0] / 255.f : p[0];
    case 5122: {
        int16_t v;
        memcpy(&v, p, 2);
        return norm ? (v < -32767 ? -1.f : v / 32767.f) : v;
    }
    case 5123: {
        uint16_t v;
        memcpy(&v, p, 2);
        return norm ? v / 65535.f : v;
    }
    case 5125: {
        uint32_t v;
        memcpy(&v, p, 4);
        return (float)v;
    }
    default: {
        float v;
        memcpy(&v, p, 4);
        return v;
    }
    }
}

static uint32_t csize(int64_t ct)
{
    return ct == 5120 || ct == 5121 ? 1 : ct == 5122 || ct == 5123 ? 2 : 4;
}

static uint32_t read_uint(const uint8_t *p, int64_t ct)
{
    return (uint32_t)read_comp(p, ct, false);
}

static stoa_result view_ptr(scene_doc *doc, int64_t view, int64_t off, const uint8_t **out,
                            int64_t *stride, stoa_error *err)
{
    cJSON *v = scene_json_at(doc->root, "bufferViews", (uint32_t)view);
    uint32_t b = (uint32_t)scene_json_int(v, "buffer", 0);
    stoa_result r = scene_doc_buffer(doc, b, err);
    if (r < 0)
        return r;
    *out = doc->buffers[b].data + scene_json_int(v, "byteOffset", 0) + off;
    if (stride)
        *stride = scene_json_int(v, "byteStride", 0);
    return STOA_OK;
}

static stoa_result apply_sparse(scene_doc *doc, const cJSON *sp, int64_t ct, bool norm,
                                uint32_t count, uint32_t nc, float *out, stoa_error *err)
{
    cJSON *ind = cJSON_GetObjectItemCaseSensitive(sp, "indices");
    cJSON *val = cJSON_GetObjectItemCaseSensitive(sp, "values");
    int64_t n = scene_json_int(sp, "count", 0), ict = scene_json_int(ind, "componentType", 5125);
    const uint8_t *ip, *vp;
    stoa_result r;
    if ((r = view_ptr(doc, scene_json_int(ind, "bufferView", 0),
                      scene_json_int(ind, "byteOffset", 0), &ip, NULL, err)) < 0 ||
        (r = view_ptr(doc, scene_json_int(val, "bufferView", 0),
                      scene_json_int(val, "byteOffset", 0), &vp, NULL, err)) < 0)
        return r;
    for (int64_t k = 0; k < n; k++) {
        uint32_t at = read_uint(ip + k * csize(ict), ict);
        if (at >= count)
            return stoa_error_set(err, STOA_ERROR_PARSE,
                                  "%s: sparse index %u out of range (count %u)", doc->path, at,
                                  count);
        for (uint32_t c = 0; c < nc; c++)
            out[(size_t)at * nc + c] = read_comp(vp + (k * nc + c) * csize(ct), ct, norm);
    }
    return STOA_OK;
}

stoa_result scene_accessor_floats(scene_doc *doc, uint32_t acc, float **out, uint32_t *out_count,
                                  uint32_t *out_components, stoa_error *err)
{
    cJSON *a = scene_json_at(doc->root, "accessors", acc);
    int64_t ct = scene_json_int(a, "componentType", 5126);
    uint32_t nc = comps_of(scene_json_str(a, "type"));
    uint32_t count = (uint32_t)scene_json_int(a, "count", 0);
    bool norm = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(a, "normalized"));
    size_t total = (size_t)count * nc;
    // Every element is written below when there is a view (zeros otherwise).
    bool view = cJSON_GetObjectItemCaseSensitive(a, "bufferView") != NULL;
    float *f =
        view ? malloc((total ? total : 1) * sizeof *f) : calloc(total ? total : 1, sizeof *f);
    if (!f)
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "%s: out of memory", doc->path);
    stoa_result r = STOA_OK;
    if (view) {
        const uint8_t *p = NULL;
        int64_t stride = 0;
        r = view_ptr(doc, scene_json_int(a, "bufferView", 0), scene_json_int(a, "byteOffset", 0),
                     &p, &stride, err);
        if (stride == 0 || r < 0)
            stride = (int64_t)csize(ct) * nc;
        // Matrices of 1- and 2-byte components pad each column to 4 bytes;
        // Stoa only reads float matrices, so plain packing is enough here.
        if (r == STOA_OK && ct == 5126 && stride == (int64_t)nc * 4) // packed floats: a copy
            memcpy(f, p, total * sizeof *f);
        else
            for (uint32_t i = 0; r == STOA_OK && i < count; i++)
                for (uint32_t c = 0; c < nc; c++)
                    f[(size_t)i * nc + c] = read_comp(p + i * stride + c * csize(ct), ct, norm);
    }
    cJSON *sp = cJSON_GetObjectItemCaseSensitive(a, "sparse");
    if (r == STOA_OK && sp)
        r = apply_sparse(doc, sp, ct, norm, count, nc, f, err);
    if (r < 0) {
        free(f);
        return r;
    }
    *out = f;
    *out_count = count;
    *out_components = nc;
    return STOA_OK;
}

stoa_result scene_accessor_indices(scene_doc *doc, uint32_t acc, uint32_t **out,
                                   uint32_t *out_count, stoa_error *err)
{
    cJSON *a = scene_json_at(doc->root, "accessors", acc);
    int64_t ct = scene_json_int(a, "componentType", 0);
    if ((ct != 5121 && ct != 5123 && ct != 5125) || comps_of(scene_json_str(a, "type")) != 1 ||
        cJSON_GetObjectItemCaseSensitive(a, "sparse") ||
        !cJSON_GetObjectItemCaseSensitive(a, "bufferView"))
        return 1;
    uint32_t count = (uint32_t)scene_json_int(a, "count", 0);
    const uint8_t *p = NULL;
    int64_t stride = 0;
    stoa_result r = view_ptr(doc, scene_json_int(a, "bufferView", 0),
                             scene_json_int(a, "byteOffset", 0), &p, &stride, err);
    if (r < 0)
        return r;
    if (stride == 0)
        stride = csize(ct);
    uint32_t *u = malloc((size_t)(count ? count : 1) * sizeof *u);
    if (!u)
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "%s: out of memory", doc->path);
    if (ct == 5125 && stride == 4) {
        memcpy(u, p, (size_t)count * 4);
    } else if (ct == 5123) {
        for (uint32_t i = 0; i < count; i++) {
            uint16_t v;
            memcpy(&v, p + (size_t)i * stride, 2);
            u[i] = v;
        }
    } else {
        for (uint32_t i = 0; i < count; i++)
            u[i] = read_uint(p + (size_t)i * stride, ct);
    }
    *out = u;
    *out_count = count;
    return STOA_OK;
}
