// SPDX-License-Identifier: Apache-2.0
// The document as Assimp must see it once Stoa has changed buffer bytes
// (decoded EXT_meshopt_compression views): the JSON as it is now, with each
// buffer named "stoa-buffer-N.bin", which the confined file system of
// scene_assimp_io.c serves from memory. Images keep their own URIs.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scene_internal.h"

stoa_result scene_doc_for_assimp(scene_doc *doc, stoa_error *err)
{
    if (doc->assimp_json)
        return STOA_OK;
    uint32_t nb = scene_json_count(doc->root, "buffers");
    for (uint32_t i = 0; i < nb; i++) {
        stoa_result r = scene_doc_buffer(doc, i, err);
        if (r < 0)
            return r;
    }
    cJSON *copy = cJSON_Duplicate(doc->root, true);
    if (!copy)
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "%s: out of memory", doc->path);
    for (uint32_t i = 0; i < nb; i++) {
        cJSON *b = scene_json_at(copy, "buffers", i);
        char uri[32];
        snprintf(uri, sizeof uri, "stoa-buffer-%u.bin", i);
        scene_json_index_forget(); // items are freed below: no index may outlive one
        cJSON_DeleteItemFromObjectCaseSensitive(b, "uri");
        cJSON_DeleteItemFromObjectCaseSensitive(b, "extensions");
        cJSON_AddStringToObject(b, "uri", uri);
        cJSON_ReplaceItemInObjectCaseSensitive(
            b, "byteLength", cJSON_CreateNumber((double)doc->buffers[i].size));
    }
    // Skins without inverseBindMatrices get explicit identity matrices
    // (glTF's default), which Assimp 5.2.5 needs: it dereferences NULL
    // without them (found by fuzzing).
    uint32_t ns = scene_json_count(copy, "skins"), total = 0;
    for (uint32_t k = 0; k < ns; k++) {
        cJSON *sk = scene_json_at(copy, "skins", k);
        if (!cJSON_GetObjectItemCaseSensitive(sk, "inverseBindMatrices"))
            total += scene_json_count(sk, "joints");
    }
    if (total > 0) {
        doc->extra_size = (size_t)total * 64;
        doc->extra = calloc(1, doc->extra_size);
        cJSON *bufs = cJSON_GetObjectItemCaseSensitive(copy, "buffers");
        if (!doc->extra || !bufs) {
            scene_json_index_forget();
            cJSON_Delete(copy);
            return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "%s: out of memory", doc->path);
        }
        for (uint32_t j = 0; j < total; j++)
            for (int d = 0; d < 4; d++)
                ((float *)doc->extra)[j * 16 + d * 5] = 1.0f;
        cJSON *b = cJSON_CreateObject();
        cJSON_AddStringToObject(b, "uri", "stoa-extra.bin");
        cJSON_AddNumberToObject(b, "byteLength", (double)doc->extra_size);
        cJSON_AddItemToArray(bufs, b);
        int buffer = cJSON_GetArraySize(bufs) - 1;
        if (!cJSON_GetObjectItemCaseSensitive(copy, "bufferViews"))
            cJSON_AddItemToObject(copy, "bufferViews", cJSON_CreateArray());
        if (!cJSON_GetObjectItemCaseSensitive(copy, "accessors"))
            cJSON_AddItemToObject(copy, "accessors", cJSON_CreateArray());
        cJSON *views = cJSON_GetObjectItemCaseSensitive(copy, "bufferViews");
        cJSON *accs = cJSON_GetObjectItemCaseSensitive(copy, "accessors");
        size_t off = 0;
        for (uint32_t k = 0; k < ns; k++) {
            cJSON *sk = scene_json_at(copy, "skins", k);
            uint32_t nj = scene_json_count(sk, "joints");
            if (cJSON_GetObjectItemCaseSensitive(sk, "inverseBindMatrices") || nj == 0)
                continue;
            cJSON *v = cJSON_CreateObject();
            cJSON_AddNumberToObject(v, "buffer", buffer);
            cJSON_AddNumberToObject(v, "byteOffset", (double)off);
            cJSON_AddNumberToObject(v, "byteLength", (double)nj * 64);
            cJSON_AddItemToArray(views, v);
            cJSON *a = cJSON_CreateObject();
            cJSON_AddNumberToObject(a, "bufferView", cJSON_GetArraySize(views) - 1);
            cJSON_AddNumberToObject(a, "componentType", 5126);
            cJSON_AddNumberToObject(a, "count", nj);
            cJSON_AddStringToObject(a, "type", "MAT4");
            cJSON_AddItemToArray(accs, a);
            cJSON_AddNumberToObject(sk, "inverseBindMatrices", cJSON_GetArraySize(accs) - 1);
            off += (size_t)nj * 64;
        }
    }
    // Nothing left for Assimp to decode: the extension is no longer required.
    cJSON *req = cJSON_GetObjectItemCaseSensitive(copy, "extensionsRequired");
    for (int k = cJSON_GetArraySize(req) - 1; k >= 0; k--) {
        cJSON *e = cJSON_GetArrayItem(req, k);
        if (cJSON_IsString(e) && strcmp(e->valuestring, "EXT_meshopt_compression") == 0) {
            scene_json_index_forget();
            cJSON_DeleteItemFromArray(req, k);
        }
    }
    doc->assimp_json = cJSON_PrintUnformatted(copy);
    scene_json_index_forget(); // the copy's arrays may have indexes
    cJSON_Delete(copy);
    if (!doc->assimp_json)
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "%s: out of memory", doc->path);
    return STOA_OK;
}

void scene_doc_check_assimp_needs(scene_doc *doc)
{
    uint32_t ns = scene_json_count(doc->root, "skins");
    for (uint32_t k = 0; k < ns; k++)
        if (!cJSON_GetObjectItemCaseSensitive(scene_json_at(doc->root, "skins", k),
                                              "inverseBindMatrices"))
            doc->rewritten = true;
}

bool scene_doc_virtual_buffer(const scene_doc *doc, const char *rel, const uint8_t **data,
                              size_t *size)
{
    if (doc->assimp_json && doc->extra && strcmp(rel, "stoa-extra.bin") == 0) {
        *data = doc->extra;
        *size = doc->extra_size;
        return true;
    }
    unsigned n;
    char tail[8];
    if (!doc->assimp_json || sscanf(rel, "stoa-buffer-%u.bi%1s", &n, tail) != 2 ||
        strcmp(tail, "n") != 0 || n >= doc->buffer_count || !doc->buffers[n].data)
        return false;
    *data = doc->buffers[n].data;
    *size = doc->buffers[n].size;
    return true;
}
