// SPDX-License-Identifier: Apache-2.0
// The document as Assimp must see it once Stoa has changed buffer bytes
// (decoded EXT_meshopt_compression views): the JSON as it is now, with each
// buffer named "stoa-buffer-N.bin", which the confined file system of
// scene_assimp.c serves from memory. Images keep their own URIs.
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
        cJSON_DeleteItemFromObjectCaseSensitive(b, "uri");
        cJSON_DeleteItemFromObjectCaseSensitive(b, "extensions");
        cJSON_AddStringToObject(b, "uri", uri);
        cJSON_ReplaceItemInObjectCaseSensitive(
            b, "byteLength", cJSON_CreateNumber((double)doc->buffers[i].size));
    }
    // Nothing left for Assimp to decode: the extension is no longer required.
    cJSON *req = cJSON_GetObjectItemCaseSensitive(copy, "extensionsRequired");
    for (int k = cJSON_GetArraySize(req) - 1; k >= 0; k--) {
        cJSON *e = cJSON_GetArrayItem(req, k);
        if (cJSON_IsString(e) && strcmp(e->valuestring, "EXT_meshopt_compression") == 0)
            cJSON_DeleteItemFromArray(req, k);
    }
    doc->assimp_json = cJSON_PrintUnformatted(copy);
    cJSON_Delete(copy);
    if (!doc->assimp_json)
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "%s: out of memory", doc->path);
    return STOA_OK;
}

bool scene_doc_virtual_buffer(const scene_doc *doc, const char *rel, const uint8_t **data,
                              size_t *size)
{
    unsigned n;
    char tail[8];
    if (!doc->assimp_json || sscanf(rel, "stoa-buffer-%u.bi%1s", &n, tail) != 2 ||
        strcmp(tail, "n") != 0 || n >= doc->buffer_count || !doc->buffers[n].data)
        return false;
    *data = doc->buffers[n].data;
    *size = doc->buffers[n].size;
    return true;
}
