// SPDX-License-Identifier: Apache-2.0
// What a glTF says to Stoa in its own `extras` (docs/environment.md,
// docs/ar.md), read from the JSON directly: Assimp 5.2.5 does not expose
// the root's or the scenes' extras.
//
//   asset.extras.stoa / scenes[n].extras.stoa (the scene's win, key by key):
//     "sky": "18:30" | "off" | {"time": "18:30", "shadows": "high"}
//     "environment": "sky.jpg" | {"image": "sky.hdr", "intensity": 1.5}
//   nodes[i].extras.stoa:
//     "environment": true   (environment-only: hidden over the real room in AR)
//
// Bounded: the JSON at most 64 MiB (the .glb's JSON chunk only, the binary
// chunk is not read), depth 64, 4096 marked nodes; every error names the
// file and the field. Unknown keys under "stoa" are errors (a typo would
// otherwise pass silently); other extras are left alone.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/stoa_json.h"
#include "core/stoa_path.h"
#include "stoa_scene.h"

#define EXTRAS_MAX_JSON ((size_t)64 << 20)
#define GLB_MAGIC 0x46546C67u
#define GLB_CHUNK_JSON 0x4E4F534Au

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

typedef struct ctx {
    const char *path;
    char dir[4096];
    stoa_scene_extras *out;
    stoa_error *err;
} ctx;

static stoa_result bad(ctx *c, const char *field, const char *what)
{
    return stoa_error_set(c->err, STOA_ERROR_PARSE, "%s: %s: %s", c->path, field, what);
}

// H:MM or HH:MM, 00:00 .. 24:00 (as stoa_gfx_sky_parse_time, which the
// scene module cannot call: gfx sits above it).
static bool time_ok(const char *t)
{
    size_t n = strlen(t);
    if (n != 4 && n != 5)
        return false;
    const char *m = t + n - 3;
    for (const char *p = t; *p; p++)
        if (p != m && (*p < '0' || *p > '9'))
            return false;
    if (*m != ':')
        return false;
    int h = atoi(t), min = atoi(m + 1);
    return h <= 24 && min <= 59 && (h < 24 || min == 0);
}

static stoa_result sky_time(ctx *c, const cJSON *v, const char *field)
{
    if (!cJSON_IsString(v) || !(strcmp(v->valuestring, "off") == 0 || time_ok(v->valuestring)))
        return bad(c, field, "wants a time of day \"HH:MM\" (00:00 to 24:00) or \"off\"");
    snprintf(c->out->sky_time, sizeof c->out->sky_time, "%s", v->valuestring);
    return STOA_OK;
}

static stoa_result read_sky(ctx *c, const cJSON *v, const char *base)
{
    char field[96];
    snprintf(field, sizeof field, "%s.sky", base);
    if (cJSON_IsString(v))
        return sky_time(c, v, field);
    if (!cJSON_IsObject(v))
        return bad(c, field, "wants \"HH:MM\", \"off\" or {\"time\": .., \"shadows\": ..}");
    for (const cJSON *k = v->child; k; k = k->next) {
        char sub[128];
        snprintf(sub, sizeof sub, "%s.%s", field, k->string);
        stoa_result r = STOA_OK;
        if (strcmp(k->string, "time") == 0) {
            r = sky_time(c, k, sub);
        } else if (strcmp(k->string, "shadows") == 0) {
            static const char *const words[] = {"off", "low", "high", "auto"};
            bool ok = false;
            for (int i = 0; i < 4 && cJSON_IsString(k); i++)
                ok |= strcmp(k->valuestring, words[i]) == 0;
            if (!ok)
                return bad(c, sub, "wants \"off\", \"low\", \"high\" or \"auto\"");
            snprintf(c->out->sky_shadows, sizeof c->out->sky_shadows, "%s", k->valuestring);
        } else {
            return bad(c, sub, "unknown key (time, shadows)");
        }
        if (r < 0)
            return r;
    }
    return STOA_OK;
}

static stoa_result read_environment(ctx *c, const cJSON *v, const char *base)
{
    char field[96];
    snprintf(field, sizeof field, "%s.environment", base);
    const cJSON *image = v;
    float intensity = 1.0f;
    if (cJSON_IsObject(v)) {
        image = NULL;
        for (const cJSON *k = v->child; k; k = k->next) {
            if (strcmp(k->string, "image") == 0) {
                image = k;
            } else if (strcmp(k->string, "intensity") == 0) {
                if (!cJSON_IsNumber(k) || !(k->valuedouble > 0.0 && k->valuedouble <= 100.0))
                    return bad(c, field, "intensity wants a number above 0, at most 100");
                intensity = (float)k->valuedouble;
            } else {
                char sub[128];
                snprintf(sub, sizeof sub, "%s.%s", field, k->string);
                return bad(c, sub, "unknown key (image, intensity)");
            }
        }
    }
    if (!cJSON_IsString(image) || !image->valuestring[0])
        return bad(c, field, "wants an image file name beside the glTF, or {\"image\": .., "
                             "\"intensity\": ..}");
    stoa_error perr = {0};
    if (stoa_path_confine(c->dir, image->valuestring, c->out->environment,
                          sizeof c->out->environment, &perr) < 0)
        return stoa_error_set(c->err, STOA_ERROR_UNSAFE_PATH, "%s: %s: %s", c->path, field,
                              perr.message);
    snprintf(c->out->environment_field, sizeof c->out->environment_field, "%s", field);
    c->out->environment_intensity = intensity;
    return STOA_OK;
}

// One "stoa" object of the asset or the scene.
static stoa_result read_stoa(ctx *c, const cJSON *extras, const char *base)
{
    const cJSON *stoa = cJSON_IsObject(extras) ? cJSON_GetObjectItemCaseSensitive(extras, "stoa")
                                               : NULL;
    if (!stoa)
        return STOA_OK;
    char field[64];
    snprintf(field, sizeof field, "%s.extras.stoa", base);
    if (!cJSON_IsObject(stoa))
        return bad(c, field, "wants an object");
    for (const cJSON *k = stoa->child; k; k = k->next) {
        stoa_result r;
        if (strcmp(k->string, "sky") == 0)
            r = read_sky(c, k, field);
        else if (strcmp(k->string, "environment") == 0)
            r = read_environment(c, k, field);
        else {
            char sub[128];
            snprintf(sub, sizeof sub, "%s.%s", field, k->string);
            r = bad(c, sub, "unknown key (sky, environment)");
        }
        if (r < 0)
            return r;
    }
    return STOA_OK;
}

static stoa_result read_nodes(ctx *c, const cJSON *root)
{
    const cJSON *nodes = cJSON_GetObjectItemCaseSensitive(root, "nodes");
    if (!cJSON_IsArray(nodes))
        return STOA_OK;
    uint32_t i = 0;
    for (const cJSON *n = nodes->child; n; n = n->next, i++) {
        const cJSON *extras = cJSON_IsObject(n) ? cJSON_GetObjectItemCaseSensitive(n, "extras")
                                                : NULL;
        const cJSON *stoa = cJSON_IsObject(extras)
                                ? cJSON_GetObjectItemCaseSensitive(extras, "stoa") : NULL;
        if (!stoa)
            continue;
        char field[96];
        snprintf(field, sizeof field, "nodes[%u].extras.stoa", i);
        if (!cJSON_IsObject(stoa))
            return bad(c, field, "wants an object");
        for (const cJSON *k = stoa->child; k; k = k->next) {
            char sub[128];
            snprintf(sub, sizeof sub, "%s.%s", field, k->string);
            if (strcmp(k->string, "environment") != 0)
                return bad(c, sub, "unknown key (environment)");
            if (!cJSON_IsBool(k))
                return bad(c, sub, "wants true or false");
            if (cJSON_IsFalse(k))
                continue;
            const cJSON *name = cJSON_GetObjectItemCaseSensitive(n, "name");
            if (!cJSON_IsString(name) || !name->valuestring[0])
                return bad(c, sub, "marks a node without a name (lessons and AR find nodes "
                                   "by name)");
            stoa_scene_extras *x = c->out;
            if (x->env_node_count == STOA_SCENE_EXTRAS_MAX_NODES)
                return stoa_error_set(c->err, STOA_ERROR_LIMIT,
                                      "%s: %s: more than %d environment-only nodes", c->path, sub,
                                      STOA_SCENE_EXTRAS_MAX_NODES);
            char **grown = realloc(x->env_nodes, (x->env_node_count + 1) * sizeof *grown);
            char *copy = grown ? strdup(name->valuestring) : NULL;
            if (grown)
                x->env_nodes = grown;
            if (!copy)
                return stoa_error_set(c->err, STOA_ERROR_OUT_OF_MEMORY, "out of memory");
            x->env_nodes[x->env_node_count++] = copy;
        }
    }
    return STOA_OK;
}

static stoa_result parse_root(ctx *c, const cJSON *root)
{
    if (!cJSON_IsObject(root))
        return bad(c, "(root)", "the glTF JSON is not an object");
    stoa_result r = read_stoa(c, cJSON_GetObjectItemCaseSensitive(
                                     cJSON_GetObjectItemCaseSensitive(root, "asset"), "extras"),
                              "asset");
    const cJSON *scenes = cJSON_GetObjectItemCaseSensitive(root, "scenes");
    const cJSON *which = cJSON_GetObjectItemCaseSensitive(root, "scene");
    int index = cJSON_IsNumber(which) && which->valuedouble >= 0 && which->valuedouble < 1e6
                    ? (int)which->valuedouble : 0;
    const cJSON *scene = cJSON_IsArray(scenes) ? cJSON_GetArrayItem(scenes, index) : NULL;
    if (r >= 0 && cJSON_IsObject(scene)) {
        char base[32];
        snprintf(base, sizeof base, "scenes[%d]", index);
        r = read_stoa(c, cJSON_GetObjectItemCaseSensitive(scene, "extras"), base);
    }
    return r >= 0 ? read_nodes(c, root) : r;
}

stoa_result stoa_scene_extras_parse(const char *path, const uint8_t *bytes, size_t size,
                                    stoa_scene_extras *out, stoa_error *err)
{
    memset(out, 0, sizeof *out);
    out->environment_intensity = 1.0f;
    ctx c = {.path = path ? path : "(scene)", .out = out, .err = err};
    stoa_path_dirname(c.path, c.dir, sizeof c.dir);
    const char *json = (const char *)bytes;
    size_t len = size;
    if (size >= 4 && rd32(bytes) == GLB_MAGIC) {
        if (size < 20 || rd32(bytes + 16) != GLB_CHUNK_JSON || rd32(bytes + 12) > size - 20)
            return bad(&c, ".glb", "no complete JSON chunk after the header");
        json = (const char *)bytes + 20;
        len = rd32(bytes + 12);
    }
    cJSON *root = NULL;
    stoa_error jerr = {0};
    stoa_json_policy policy = {.max_bytes = EXTRAS_MAX_JSON,
                               .flags = STOA_JSON_ALLOW_DUPLICATE_KEYS | STOA_JSON_ALLOW_OVERFLOW};
    if (stoa_json_parse(json, len, &policy, &root, &jerr) < 0)
        return stoa_error_set(err, STOA_ERROR_PARSE, "%s: broken JSON (%s)", c.path, jerr.message);
    stoa_result r = parse_root(&c, root);
    cJSON_Delete(root);
    if (r < 0) { // all or nothing: half of a sky is not what the author meant
        stoa_scene_extras_fini(out);
        memset(out, 0, sizeof *out);
        out->environment_intensity = 1.0f;
    }
    return r;
}

stoa_result stoa_scene_extras_read(const char *path, stoa_scene_extras *out, stoa_error *err)
{
    memset(out, 0, sizeof *out);
    FILE *f = fopen(path, "rb");
    if (!f)
        return stoa_error_set(err, STOA_ERROR_IO, "%s: cannot open", path);
    uint8_t head[20];
    size_t got = fread(head, 1, sizeof head, f);
    size_t want;
    if (got >= 4 && rd32(head) == GLB_MAGIC) // the JSON chunk only, never the binary
        want = got == 20 ? 20 + (size_t)rd32(head + 12) : got;
    else {
        fseek(f, 0, SEEK_END);
        long end = ftell(f);
        want = end > 0 ? (size_t)end : 0;
    }
    if (want > EXTRAS_MAX_JSON + 20) {
        fclose(f);
        return stoa_error_set(err, STOA_ERROR_LIMIT, "%s: glTF JSON over %zu MiB", path,
                              EXTRAS_MAX_JSON >> 20);
    }
    uint8_t *buf = malloc(want + 1);
    size_t have = 0;
    if (buf) {
        memcpy(buf, head, got < want ? got : want);
        have = got < want ? got : want;
        if (have < want && fseek(f, (long)have, SEEK_SET) == 0)
            have += fread(buf + have, 1, want - have, f);
    }
    fclose(f);
    if (!buf)
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "out of memory");
    stoa_result r = stoa_scene_extras_parse(path, buf, have, out, err);
    free(buf);
    return r;
}

void stoa_scene_extras_fini(stoa_scene_extras *x)
{
    if (!x)
        return;
    for (uint32_t i = 0; i < x->env_node_count; i++)
        free(x->env_nodes[i]);
    free(x->env_nodes);
    x->env_nodes = NULL;
    x->env_node_count = 0;
}
