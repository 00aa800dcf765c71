// SPDX-License-Identifier: Apache-2.0
// EXT_meshopt_compression (glTF extension registry): buffer views whose data
// is stored compressed in another buffer. Each compressed view is decoded
// with meshoptimizer (Debian's libmeshoptimizer) into the view's own place
// in its buffer — typically a "fallback" buffer that has a byteLength but no
// data of its own — and the extension is then removed from the view, so that
// everything after this step (validation, Stoa's accessor reader, Assimp)
// sees plain glTF. Every range, count, stride, mode and filter is checked
// against the extension's rules before anything is decoded.
#include <meshoptimizer.h>
#include <stdlib.h>
#include <string.h>

#include "scene_internal.h"

#define EXT "EXT_meshopt_compression"

typedef struct mo_view {
    uint32_t index;      // bufferViews[index]
    uint32_t src_buffer; // where the compressed bytes are
    int64_t src_offset, src_length;
    uint32_t dst_buffer; // the view's own buffer, where decoded bytes go
    int64_t dst_offset, dst_length;
    int64_t count, stride;
    int mode;   // 0 ATTRIBUTES, 1 TRIANGLES, 2 INDICES
    int filter; // 0 NONE, 1 OCTAHEDRAL, 2 QUATERNION, 3 EXPONENTIAL
} mo_view;

static int name_index(const char *s, const char *const *names, int n)
{
    for (int i = 0; s && i < n; i++)
        if (strcmp(s, names[i]) == 0)
            return i;
    return -1;
}

static stoa_result read_view(scene_doc *doc, uint32_t i, const cJSON *v, const cJSON *e,
                             mo_view *out, stoa_error *err)
{
    static const char *const modes[] = {"ATTRIBUTES", "TRIANGLES", "INDICES"};
    static const char *const filters[] = {"NONE", "OCTAHEDRAL", "QUATERNION", "EXPONENTIAL"};
    uint32_t nb = scene_json_count(doc->root, "buffers");
    mo_view m = {.index = i};
    int64_t src = scene_json_int(e, "buffer", -1), dst = scene_json_int(v, "buffer", -1);
    m.src_offset = scene_json_int(e, "byteOffset", 0);
    m.src_length = scene_json_int(e, "byteLength", -1);
    m.dst_offset = scene_json_int(v, "byteOffset", 0);
    m.dst_length = scene_json_int(v, "byteLength", -1);
    m.count = scene_json_int(e, "count", -1);
    m.stride = scene_json_int(e, "byteStride", -1);
    m.mode = name_index(scene_json_str(e, "mode"), modes, 3);
    const char *f = scene_json_str(e, "filter");
    m.filter = f ? name_index(f, filters, 4) : 0;
    const char *bad = NULL;
    if (src < 0 || src >= nb || dst < 0 || dst >= nb)
        bad = "buffer is not a buffer index";
    else if (m.mode < 0)
        bad = "mode is not ATTRIBUTES, TRIANGLES or INDICES";
    else if (m.filter < 0)
        bad = "filter is not NONE, OCTAHEDRAL, QUATERNION or EXPONENTIAL";
    else if (m.count < 1 || m.count > (1 << 28) || m.stride < 1 || m.stride > 256)
        bad = "count or byteStride is out of range";
    else if (m.mode == 0 && m.stride % 4)
        bad = "ATTRIBUTES need a byteStride that is a multiple of 4";
    else if (m.mode != 0 && m.stride != 2 && m.stride != 4)
        bad = "TRIANGLES and INDICES need a byteStride of 2 or 4";
    else if (m.mode == 1 && m.count % 3)
        bad = "TRIANGLES need a count that is a multiple of 3";
    else if (m.filter && m.mode != 0)
        bad = "filters apply to ATTRIBUTES only";
    else if ((m.filter == 1 && m.stride != 4 && m.stride != 8) ||
             (m.filter == 2 && m.stride != 8))
        bad = "the filter does not allow this byteStride";
    else if (m.count * m.stride != m.dst_length)
        bad = "count * byteStride is not the view's byteLength";
    else if (m.src_offset < 0 || m.src_length < 1 ||
             m.src_offset + m.src_length >
                 scene_json_int(scene_json_at(doc->root, "buffers", (uint32_t)src), "byteLength", 0))
        bad = "the compressed range is outside its buffer";
    else if (m.dst_offset < 0 ||
             m.dst_offset + m.dst_length >
                 scene_json_int(scene_json_at(doc->root, "buffers", (uint32_t)dst), "byteLength", 0))
        bad = "the view is outside its buffer";
    if (bad)
        return stoa_error_set(err, STOA_ERROR_PARSE, "%s: bufferViews[%u]." EXT ": %s", doc->path,
                              i, bad);
    m.src_buffer = (uint32_t)src;
    m.dst_buffer = (uint32_t)dst;
    *out = m;
    return STOA_OK;
}

// A buffer marked as the extension's fallback has no data: it becomes a
// zeroed block of its byteLength, to be filled by decoding.
static bool is_fallback(const cJSON *b)
{
    const cJSON *e = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(b, "extensions"), EXT);
    return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(e, "fallback"));
}

static stoa_result writable_buffer(scene_doc *doc, uint32_t i, stoa_error *err)
{
    scene_buffer *b = &doc->buffers[i];
    if (b->owned && b->data == b->owned)
        return STOA_OK;
    cJSON *jb = scene_json_at(doc->root, "buffers", i);
    int64_t len = scene_json_int(jb, "byteLength", 0);
    if (len < 1 || len > (int64_t)1 << 31)
        return stoa_error_set(err, STOA_ERROR_LIMIT, "%s: buffers[%u].byteLength %lld is too large",
                              doc->path, i, (long long)len);
    uint8_t *mem = calloc(1, (size_t)len);
    if (!mem)
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "%s: out of memory", doc->path);
    if (!is_fallback(jb)) {
        stoa_result r = scene_doc_buffer(doc, i, err);
        if (r < 0) {
            free(mem);
            return r;
        }
        memcpy(mem, b->data, b->size < (size_t)len ? b->size : (size_t)len);
    }
    free(b->owned);
    b->owned = mem;
    b->data = mem;
    b->size = (size_t)len;
    b->sized = true;
    doc->rewritten = true;
    return STOA_OK;
}

static stoa_result decode_view(scene_doc *doc, const mo_view *m, stoa_error *err)
{
    stoa_result r = scene_doc_buffer(doc, m->src_buffer, err);
    if (r < 0)
        return r;
    const scene_buffer *sb = &doc->buffers[m->src_buffer];
    if ((size_t)(m->src_offset + m->src_length) > sb->size)
        return stoa_error_set(err, STOA_ERROR_PARSE,
                              "%s: bufferViews[%u]." EXT ": the compressed range is outside its buffer",
                              doc->path, m->index);
    const unsigned char *in = sb->data + m->src_offset;
    // Decode into scratch first: src and dst may be the same buffer.
    uint8_t *tmp = malloc((size_t)m->dst_length);
    if (!tmp)
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "%s: out of memory", doc->path);
    int rc = m->mode == 0 ? meshopt_decodeVertexBuffer(tmp, (size_t)m->count, (size_t)m->stride, in,
                                                       (size_t)m->src_length)
             : m->mode == 1 ? meshopt_decodeIndexBuffer(tmp, (size_t)m->count, (size_t)m->stride, in,
                                                        (size_t)m->src_length)
                            : meshopt_decodeIndexSequence(tmp, (size_t)m->count, (size_t)m->stride,
                                                          in, (size_t)m->src_length);
    if (rc != 0) {
        free(tmp);
        return stoa_error_set(err, STOA_ERROR_PARSE,
                              "%s: bufferViews[%u]." EXT ": the compressed data is corrupt (%d)",
                              doc->path, m->index, rc);
    }
    if (m->filter == 1)
        meshopt_decodeFilterOct(tmp, (size_t)m->count, (size_t)m->stride);
    else if (m->filter == 2)
        meshopt_decodeFilterQuat(tmp, (size_t)m->count, (size_t)m->stride);
    else if (m->filter == 3)
        meshopt_decodeFilterExp(tmp, (size_t)m->count, (size_t)m->stride);
    r = writable_buffer(doc, m->dst_buffer, err);
    if (r == STOA_OK)
        memcpy(doc->buffers[m->dst_buffer].owned + m->dst_offset, tmp, (size_t)m->dst_length);
    free(tmp);
    return r;
}

stoa_result scene_meshopt_decode(scene_doc *doc, stoa_error *err)
{
    uint32_t nv = scene_json_count(doc->root, "bufferViews");
    stoa_result r = STOA_OK;
    for (uint32_t i = 0; i < nv && r == STOA_OK; i++) {
        cJSON *v = scene_json_at(doc->root, "bufferViews", i);
        cJSON *exts = cJSON_GetObjectItemCaseSensitive(v, "extensions");
        cJSON *e = cJSON_GetObjectItemCaseSensitive(exts, EXT);
        if (!e)
            continue;
        mo_view m = {0};
        r = read_view(doc, i, v, e, &m, err);
        if (r == STOA_OK)
            r = decode_view(doc, &m, err);
        if (r == STOA_OK) {
            scene_json_index_forget(); // items are freed below: no index may outlive one
            cJSON_DeleteItemFromObjectCaseSensitive(exts, EXT);
        }
    }
    // Fallback buffers no view decoded into still need bytes to be valid.
    uint32_t nb = scene_json_count(doc->root, "buffers");
    for (uint32_t i = 0; i < nb && r == STOA_OK; i++)
        if (is_fallback(scene_json_at(doc->root, "buffers", i)) && !doc->buffers[i].data)
            r = writable_buffer(doc, i, err);
    return r;
}
