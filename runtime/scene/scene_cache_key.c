// SPDX-License-Identifier: Apache-2.0
// The baked scene cache's hash, key and folder.
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <xxhash.h>
#if defined(__x86_64__)
#include <xxh_x86dispatch.h> // XXH3_64bits_withSeed: the run-time pick
#endif

#include "core/stoa_file.h"
#include "core/stoa_path.h"
#include "scene/stoa_scene_version.h"
#include "scene_cache.h"

// XXH3 (Debian's libxxhash): the hash of every key, section and chunk. On
// x86-64 the library picks its widest vector code at run time (AVX-512 or
// AVX2: 50-70 GB/s here, against 20 GB/s for the scalar hash of format 8),
// and a hit hashes all of a scene's geometry (docs/performance.md).
uint64_t scene_hash64(const void *data, size_t size, uint64_t seed)
{
    return XXH3_64bits_withSeed(data, size, seed);
}

static uint64_t hash_str(const char *s, uint64_t h)
{
    return scene_hash64(s, strlen(s) + 1, h);
}

// A referenced file: its name and bytes (a missing file hashes as missing,
// so that its later arrival changes the key).
static uint64_t hash_file(scene_doc *doc, const char *uri, uint64_t h, scene_cache_deps *deps)
{
    h = hash_str(uri, h);
    if (strncmp(uri, "data:", 5) == 0)
        return h; // part of the scene file's bytes
    char full[PATH_MAX];
    stoa_error e = {0};
    uint8_t *bytes = NULL;
    size_t size = 0;
    scene_cache_stat st;
    bool confined = stoa_path_confine(doc->dir, uri, full, sizeof full, &e) >= 0;
    if (deps && (!confined || deps->count > SCENE_CACHE_MAX_DEPS ||
                 !scene_cache_stat_of(full, &deps->st[deps->count])))
        deps->incomplete = true; // a missing file: no memo (its arrival must be seen)
    else if (deps)
        st = deps->st[deps->count];
    if (!confined || stoa_file_read(full, 0, &bytes, &size, &e) < 0)
        return hash_str("(missing)", h);
    h = scene_hash64(bytes, size, h);
    free(bytes);
    if (deps && !deps->incomplete && deps->count <= SCENE_CACHE_MAX_DEPS) {
        deps->st[deps->count] = st;
        snprintf(deps->path[deps->count++], PATH_MAX, "%s", full);
    }
    return h;
}

// Whether the scene file may name other files (a "uri" key anywhere in it).
static bool names_files(const uint8_t *p, size_t n)
{
    static const char k[] = "\"uri\"";
    for (size_t i = 0; i + 5 <= n; i++) {
        const uint8_t *q = memchr(p + i, '"', n - i);
        if (!q || (size_t)(q - p) + 5 > n)
            return false;
        i = (size_t)(q - p);
        if (memcmp(q, k, 5) == 0)
            return true;
    }
    return false;
}

uint64_t scene_cache_key_file(const uint8_t *file, size_t size, bool no_generated_tangents,
                              bool *needs_doc)
{
    uint64_t h = hash_str("stoa scene cache", STOA_SCENE_CACHE_VERSION);
    h = hash_str(stoa_scene_assimp_version(), h);
    h = scene_hash64(&(uint8_t){no_generated_tangents}, 1, h);
    h = scene_hash64(file, size, h);
    *needs_doc = names_files(file, size);
    return h ? h : 1;
}

uint64_t scene_cache_key_target(uint64_t key, uint32_t target)
{
    uint64_t h = scene_hash64(&target, sizeof target, key);
    return h ? h : 1;
}

uint64_t scene_cache_key(scene_doc *doc, bool no_generated_tangents, scene_cache_deps *deps)
{
    uint64_t h = hash_str("stoa scene cache", STOA_SCENE_CACHE_VERSION);
    h = hash_str(stoa_scene_assimp_version(), h);
    h = scene_hash64(&(uint8_t){no_generated_tangents}, 1, h);
    h = scene_hash64(doc->file, doc->file_size, h);
    const char *arrays[2] = {"buffers", "images"};
    for (int a = 0; a < 2; a++) {
        cJSON *e;
        cJSON_ArrayForEach(e, scene_json_arr(doc->root, arrays[a]))
        {
            const char *uri = scene_json_str(e, "uri");
            if (uri)
                h = hash_file(doc, uri, h, deps);
        }
    }
    return h ? h : 1; // 0 means "any key" to stoa_scene_cache_parse
}

stoa_result stoa_scene_file_uris(const char *path, void (*each)(void *user, const char *uri),
                                 void *user, stoa_error *err)
{
    scene_doc doc;
    stoa_result r = scene_doc_open(&doc, path, 256u << 20, err); // stoa_scene_load's default bound
    const char *arrays[2] = {"buffers", "images"}; // as scene_cache_key counts them
    for (int a = 0; r >= 0 && a < 2; a++) {
        cJSON *e;
        cJSON_ArrayForEach(e, scene_json_arr(doc.root, arrays[a]))
        {
            const char *uri = scene_json_str(e, "uri");
            if (uri && strncmp(uri, "data:", 5) != 0)
                each(user, uri);
        }
    }
    scene_doc_close(&doc); // as compute_key: also after a failed open
    return r;
}

bool scene_cache_make_dir(char *path)
{
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return true; // the usual case: one call
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = 0;
        int r = mkdir(path, 0700);
        *p = '/';
        if (r != 0 && errno != EEXIST)
            return false;
    }
    return mkdir(path, 0700) == 0 || errno == EEXIST;
}

bool scene_cat(char *out, size_t size, const char *a, const char *b, const char *c)
{
    size_t na = strlen(a), nb = b ? strlen(b) : 0, nc = c ? strlen(c) : 0;
    if (size == 0 || na >= size || nb >= size - na || nc >= size - na - nb) {
        if (size)
            out[0] = 0;
        return false;
    }
    memmove(out, a, na); // out may be a (appending)
    memcpy(out + na, b ? b : "", nb);
    memcpy(out + na + nb, c ? c : "", nc);
    out[na + nb + nc] = 0;
    return true;
}

bool scene_cache_name(char *out, size_t size, const char *dir, const char *prefix, uint64_t v,
                      const char *suffix)
{
    char name[64];
    size_t n = strlen(prefix);
    if (n + 16 + strlen(suffix) >= sizeof name)
        return false;
    memcpy(name, prefix, n);
    for (int i = 15; i >= 0; i--, v >>= 4)
        name[n + (size_t)i] = "0123456789abcdef"[v & 15];
    memcpy(name + n + 16, suffix, strlen(suffix) + 1);
    return scene_cat(out, size, dir, "/", name);
}

bool scene_cache_dir_name(const char *dir, char *out, size_t out_size)
{
    if (dir && dir[0]) // given: no environment read
        return scene_cat(out, out_size, dir, NULL, NULL);
    const char *env = getenv("STOA_SCENE_CACHE");
    const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
    int n;
    if (dir && dir[0])
        n = snprintf(out, out_size, "%s", dir);
    else if (env && strcmp(env, "off") == 0)
        return false;
    else if (env && env[0])
        n = snprintf(out, out_size, "%s", env);
    else if (xdg && xdg[0])
        n = snprintf(out, out_size, "%s/stoa/scenes", xdg);
    else if (home && home[0])
        n = snprintf(out, out_size, "%s/.cache/stoa/scenes", home);
    else
        return false;
    return n > 0 && (size_t)n < out_size;
}

bool stoa_scene_cache_dir(const char *dir, char *out, size_t out_size)
{
    return scene_cache_dir_name(dir, out, out_size) && scene_cache_make_dir(out);
}

void stoa_scene_cache_format(char *out, size_t size)
{
    snprintf(out, size, "stoabake-%u assimp-%s", STOA_SCENE_CACHE_VERSION, stoa_scene_assimp_version());
}
