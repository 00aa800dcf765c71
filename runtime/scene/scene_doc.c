// SPDX-License-Identifier: Apache-2.0
// Reading a glTF document: the file, the .glb container, the JSON, buffers.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/stoa_file.h"
#include "core/stoa_json.h"
#include "core/stoa_path.h"
#include "scene_internal.h"

#define GLB_MAGIC 0x46546C67u      // "glTF"
#define GLB_CHUNK_JSON 0x4E4F534Au // "JSON"
#define GLB_CHUNK_BIN 0x004E4942u  // "BIN\0"

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

// ---- JSON helpers ---------------------------------------------------------------

cJSON *scene_json_arr(const cJSON *obj, const char *key)
{
    cJSON *a = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsArray(a) ? a : NULL;
}

uint32_t scene_json_count(const cJSON *obj, const char *key)
{
    return scene_json_size(scene_json_arr(obj, key));
}

cJSON *scene_json_at(const cJSON *obj, const char *key, uint32_t i)
{
    return scene_json_item(scene_json_arr(obj, key), i);
}

double scene_json_num(const cJSON *obj, const char *key, double def)
{
    cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsNumber(v) ? v->valuedouble : def;
}

int64_t scene_json_int(const cJSON *obj, const char *key, int64_t def)
{
    cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!cJSON_IsNumber(v))
        return def;
    double d = v->valuedouble;
    // Out-of-range numbers become an index no array has, so range checks catch them.
    if (!(d >= -2147483648.0 && d <= 4294967295.0))
        return INT64_MAX;
    return (int64_t)d;
}

const char *scene_json_str(const cJSON *obj, const char *key)
{
    cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

uint32_t scene_json_floats(const cJSON *obj, const char *key, float *out, uint32_t n)
{
    cJSON *a = scene_json_arr(obj, key), *v;
    uint32_t i = 0;
    if (!a)
        return 0;
    cJSON_ArrayForEach(v, a)
    {
        if (i >= n || !cJSON_IsNumber(v))
            break;
        out[i++] = (float)v->valuedouble;
    }
    return i;
}

// ---- data URIs ------------------------------------------------------------------

static int b64val(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+' || c == '-')
        return 62;
    if (c == '/' || c == '_')
        return 63;
    return -1;
}

static const char *data_uri_payload(const char *uri)
{
    if (strncmp(uri, "data:", 5) != 0)
        return NULL;
    const char *comma = strchr(uri, ',');
    if (!comma || comma - uri < 7 || strncmp(comma - 7, ";base64", 7) != 0)
        return NULL;
    return comma + 1;
}

size_t scene_data_uri_size(const char *uri)
{
    const char *p = data_uri_payload(uri);
    if (!p)
        return 0;
    size_t n = 0;
    for (; *p; p++)
        if (b64val((unsigned char)*p) >= 0)
            n++;
    return n / 4 * 3 + (n % 4 >= 2 ? n % 4 - 1 : 0);
}

bool scene_data_uri_decode(const char *uri, uint8_t **out, size_t *out_size)
{
    const char *p = data_uri_payload(uri);
    if (!p)
        return false;
    size_t cap = scene_data_uri_size(uri);
    uint8_t *buf = malloc(cap ? cap : 1);
    if (!buf)
        return false;
    size_t n = 0;
    uint32_t acc = 0;
    int bits = 0;
    for (; *p; p++) {
        int v = b64val((unsigned char)*p);
        if (v < 0)
            continue; // padding, whitespace
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (n < cap)
                buf[n++] = (uint8_t)(acc >> bits);
        }
    }
    *out = buf;
    *out_size = n;
    return true;
}

// ---- the document -------------------------------------------------------------------

static void line_col(const char *text, const char *at, int *line, int *col)
{
    *line = 1;
    *col = 1;
    for (const char *p = text; p < at && *p; p++) {
        if (*p == '\n') {
            (*line)++;
            *col = 1;
        } else {
            (*col)++;
        }
    }
}

static stoa_result split_glb(scene_doc *doc, const char **json, size_t *json_size, stoa_error *err)
{
    const uint8_t *f = doc->file;
    size_t n = doc->file_size;
    if (n < 20)
        return stoa_error_set(err, STOA_ERROR_PARSE,
                              "%s: truncated .glb (%zu bytes, header needs 20)", doc->path, n);
    if (rd32(f) != GLB_MAGIC)
        return stoa_error_set(err, STOA_ERROR_PARSE, "%s: not a .glb file (no 'glTF' magic)",
                              doc->path);
    if (rd32(f + 4) != 2)
        return stoa_error_set(err, STOA_ERROR_UNSUPPORTED,
                              "%s: .glb container version %u (Stoa reads 2)", doc->path,
                              rd32(f + 4));
    uint32_t total = rd32(f + 8);
    if (total > n)
        return stoa_error_set(err, STOA_ERROR_PARSE,
                              "%s: truncated .glb: header says %u bytes, file has %zu", doc->path,
                              total, n);
    size_t off = 12;
    *json = NULL;
    for (int chunk = 0; off + 8 <= total; chunk++) {
        uint32_t len = rd32(f + off), type = rd32(f + off + 4);
        if (len > total - off - 8)
            return stoa_error_set(
                err, STOA_ERROR_PARSE,
                "%s: truncated .glb: chunk %d at byte %zu claims %u bytes, %zu left", doc->path,
                chunk, off, len, total - off - 8);
        if (chunk == 0 && type != GLB_CHUNK_JSON)
            return stoa_error_set(err, STOA_ERROR_PARSE, "%s: .glb first chunk is not JSON",
                                  doc->path);
        if (chunk == 0) {
            *json = (const char *)f + off + 8;
            *json_size = len;
        } else if (type == GLB_CHUNK_BIN && !doc->glb_bin) {
            doc->glb_bin = f + off + 8;
            doc->glb_bin_size = len;
        }
        off += 8 + (size_t)len;
    }
    if (!*json)
        return stoa_error_set(err, STOA_ERROR_PARSE, "%s: .glb has no JSON chunk", doc->path);
    return STOA_OK;
}

static stoa_result parse_json(scene_doc *doc, const char *json, size_t size, stoa_error *err)
{
    // The bounded reader (core/stoa_json.h): no recursion, depth 64, so
    // neither this pre-flight nor Assimp's own parser after it sees a file
    // nested thousands deep. Repeated names are kept (glTF tools write them);
    // 1e999 is read as infinity so that the checks below name its field.
    size_t at = 0;
    stoa_error jerr = {0};
    stoa_json_parse_at(json, size, &(stoa_json_policy){.max_bytes = size + 1, .flags = STOA_JSON_ALLOW_DUPLICATE_KEYS | STOA_JSON_ALLOW_OVERFLOW},
                       &doc->root, &jerr, &at);
    if (!doc->root) {
        int line, col;
        line_col(json, json + (at <= size ? at : 0), &line, &col);
        const char *what = strstr(jerr.message, ": ") ? strstr(jerr.message, ": ") + 2 : jerr.message;
        return stoa_error_set(err, STOA_ERROR_PARSE, "%s:%d:%d: broken JSON%s (%.120s)", doc->path, line, col,
                              doc->is_glb ? " in the .glb JSON chunk" : "", what);
    }
    if (!cJSON_IsObject(doc->root))
        return stoa_error_set(err, STOA_ERROR_PARSE, "%s: not glTF: the JSON is not an object",
                              doc->path);
    cJSON *asset = cJSON_GetObjectItemCaseSensitive(doc->root, "asset");
    const char *ver = scene_json_str(asset, "version");
    if (!cJSON_IsObject(asset) || !ver)
        return stoa_error_set(err, STOA_ERROR_PARSE, "%s: not glTF: no asset.version", doc->path);
    if (ver[0] != '2' || (ver[1] != '.' && ver[1] != '\0'))
        return stoa_error_set(err, STOA_ERROR_UNSUPPORTED,
                              "%s: asset.version is '%.32s'; Stoa reads glTF 2.x", doc->path, ver);
    return STOA_OK;
}

stoa_result scene_doc_open(scene_doc *doc, const char *path, size_t max_size, stoa_error *err)
{
    memset(doc, 0, sizeof *doc);
    doc->path = path;
    stoa_path_dirname(path, doc->dir, sizeof doc->dir);
    uint64_t t = scene_stage_begin();
    stoa_result r = stoa_file_read(path, max_size, &doc->file, &doc->file_size, err);
    scene_stage_end(STOA_SCENE_STAGE_READ, t);
    if (r < 0)
        return r;
    const char *json = (const char *)doc->file;
    size_t json_size = doc->file_size;
    doc->is_glb = doc->file_size >= 4 && rd32(doc->file) == GLB_MAGIC;
    if (!doc->is_glb && strcmp(stoa_path_ext(path), "glb") == 0)
        return stoa_error_set(err, STOA_ERROR_PARSE, "%s: not a .glb file (no 'glTF' magic)", path);
    if (doc->is_glb && (r = split_glb(doc, &json, &json_size, err)) < 0)
        return r;
    if (!doc->is_glb) {
        if (json_size >= 3 && memcmp(json, "\xEF\xBB\xBF", 3) == 0) {
            json += 3; // a UTF-8 byte-order mark, which cJSON does not skip
            json_size -= 3;
        }
        size_t i = 0;
        while (i < json_size &&
               (json[i] == ' ' || json[i] == '\t' || json[i] == '\r' || json[i] == '\n'))
            i++;
        if (i == json_size || json[i] != '{')
            return stoa_error_set(err, STOA_ERROR_PARSE,
                                  "%s: not a glTF file (neither glTF JSON nor a .glb)", path);
    }
    t = scene_stage_begin();
    r = parse_json(doc, json, json_size, err);
    scene_stage_end(STOA_SCENE_STAGE_JSON, t);
    if (r < 0)
        return r;
    doc->buffer_count = scene_json_count(doc->root, "buffers");
    doc->buffers = calloc(doc->buffer_count ? doc->buffer_count : 1, sizeof *doc->buffers);
    if (!doc->buffers)
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "%s: out of memory", path);
    int64_t sc = scene_json_int(doc->root, "scene", -1);
    uint32_t nscenes = scene_json_count(doc->root, "scenes");
    doc->default_scene = sc >= 0 ? (int32_t)(sc < INT32_MAX ? sc : INT32_MAX) : (nscenes ? 0 : -1);
    return STOA_OK;
}

void scene_doc_close(scene_doc *doc)
{
    for (uint32_t i = 0; doc->buffers && i < doc->buffer_count; i++)
        free(doc->buffers[i].owned);
    free(doc->buffers);
    scene_json_index_forget(); // no index outlives its array (an address reused)
    cJSON_Delete(doc->root);
    free(doc->file);
    free(doc->assimp_json);
    free(doc->extra);
    memset(doc, 0, sizeof *doc);
}

static stoa_result buffer_file(scene_doc *doc, uint32_t i, const char *uri, char *out,
                               size_t out_size, stoa_error *err)
{
    stoa_error perr = {0};
    if (stoa_path_confine(doc->dir, uri, out, out_size, &perr) < 0)
        return stoa_error_set(err, STOA_ERROR_UNSAFE_PATH, "%s: buffers[%u].uri: %s", doc->path, i,
                              perr.message);
    return STOA_OK;
}

stoa_result scene_doc_buffer_size(scene_doc *doc, uint32_t i, size_t *out, stoa_error *err)
{
    scene_buffer *b = &doc->buffers[i];
    if (!b->sized) {
        cJSON *jb = scene_json_at(doc->root, "buffers", i);
        const char *uri = scene_json_str(jb, "uri");
        if (!uri) {
            if (i != 0 || !doc->is_glb || !doc->glb_bin)
                return stoa_error_set(err, STOA_ERROR_PARSE,
                                      "%s: buffers[%u] has no uri and there is no .glb BIN chunk",
                                      doc->path, i);
            b->size = doc->glb_bin_size;
        } else if (strncmp(uri, "data:", 5) == 0) {
            if (!strstr(uri, ";base64,"))
                return stoa_error_set(err, STOA_ERROR_PARSE,
                                      "%s: buffers[%u].uri is a data URI without base64", doc->path,
                                      i);
            b->size = scene_data_uri_size(uri);
        } else {
            char full[PATH_MAX];
            stoa_result r = buffer_file(doc, i, uri, full, sizeof full, err);
            if (r < 0)
                return r;
            struct stat st;
            if (stat(full, &st) != 0 || !S_ISREG(st.st_mode))
                return stoa_error_set(err, STOA_ERROR_NOT_FOUND,
                                      "%s: buffers[%u]: file '%s' is missing", doc->path, i, full);
            b->size = (size_t)st.st_size;
        }
        b->sized = true;
    }
    *out = b->size;
    return STOA_OK;
}

stoa_result scene_doc_buffer(scene_doc *doc, uint32_t i, stoa_error *err)
{
    scene_buffer *b = &doc->buffers[i];
    if (b->data)
        return STOA_OK;
    size_t size;
    stoa_result r = scene_doc_buffer_size(doc, i, &size, err);
    if (r < 0)
        return r;
    const char *uri = scene_json_str(scene_json_at(doc->root, "buffers", i), "uri");
    if (!uri) {
        b->data = doc->glb_bin;
    } else if (strncmp(uri, "data:", 5) == 0) {
        if (!scene_data_uri_decode(uri, &b->owned, &b->size))
            return stoa_error_set(err, STOA_ERROR_PARSE, "%s: buffers[%u]: bad data URI", doc->path,
                                  i);
        b->data = b->owned;
    } else {
        char full[PATH_MAX];
        if ((r = buffer_file(doc, i, uri, full, sizeof full, err)) < 0)
            return r;
        stoa_error ferr = {0};
        size_t n;
        if (stoa_file_read(full, 0, &b->owned, &n, &ferr) < 0)
            return stoa_error_set(err, ferr.code, "%s: buffers[%u]: %s", doc->path, i,
                                  ferr.message);
        b->size = n;
        b->data = b->owned;
    }
    return STOA_OK;
}
