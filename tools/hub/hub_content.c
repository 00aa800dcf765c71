// SPDX-License-Identifier: Apache-2.0
// A lesson's files besides the lesson itself (its scene and narration audio)
// for `launch`'s "files", and GET /api/headset/content/<sha256>: the hub
// serves a file only when a lesson of its library names it, found by the
// SHA-256 of its bytes (docs/hub.md, "The class-period protocol").
//
// Paths are relative to the lesson file's folder, resolved and confined by
// the lesson library (stoa_lesson_resolve_path). A path that climbs out of
// the folder ("../agora.glb", the layout of scenes/NAME/lessons/) is not
// listed: the protocol's paths have no "..", so such a file must already be
// on the headset, as before.
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/stoa_file.h"
#include "hub_internal.h"
#include "lesson/stoa_lesson.h"

#define HUB_MAX_CONTENT_FILE (32ull << 20) // one scene or sound: what hub_serve_file sends (32 MiB)
#define HUB_CONTENT_CACHE 512             // hashes remembered (path, size, mtime)

typedef struct content_entry {
    char sha[65];
    char path[1100];
    int64_t size, mtime_ns;
} content_entry;

static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static content_entry g_cache[HUB_CONTENT_CACHE];
static int g_n, g_next;

static int64_t mtime_of(const struct stat *st)
{
    return (int64_t)st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec;
}

// The file's hash, from the cache when its size and time are unchanged.
static bool hash_file(const char *path, char sha[65], int64_t *out_size)
{
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) || (uint64_t)st.st_size > HUB_MAX_CONTENT_FILE)
        return false;
    pthread_mutex_lock(&g_mu);
    for (int i = 0; i < g_n; i++) {
        content_entry *e = &g_cache[i];
        if (strcmp(e->path, path) == 0 && e->size == (int64_t)st.st_size && e->mtime_ns == mtime_of(&st)) {
            memcpy(sha, e->sha, 65);
            *out_size = e->size;
            pthread_mutex_unlock(&g_mu);
            return true;
        }
    }
    pthread_mutex_unlock(&g_mu);
    uint8_t *data = NULL;
    size_t size = 0;
    stoa_error err = {0};
    if (stoa_file_read(path, HUB_MAX_CONTENT_FILE, &data, &size, &err) != STOA_OK)
        return false;
    hub_sha256_hex(data, size, sha);
    free(data);
    *out_size = (int64_t)size;
    pthread_mutex_lock(&g_mu);
    content_entry *e = g_n < HUB_CONTENT_CACHE ? &g_cache[g_n++] : &g_cache[g_next++ % HUB_CONTENT_CACHE];
    memcpy(e->sha, sha, 65);
    snprintf(e->path, sizeof e->path, "%s", path);
    e->size = (int64_t)size;
    e->mtime_ns = mtime_of(&st);
    pthread_mutex_unlock(&g_mu);
    return true;
}

// false: the lesson names a file that the protocol's paths cannot carry
// (outside its folder, e.g. "../agora.glb"): the headset must hold it.
static bool add_file(cJSON *arr, const char *lesson_path, const char *rel)
{
    if (!rel || !*rel)
        return true;
    if (rel[0] == '/' || strstr(rel, "..") || strlen(rel) > 512)
        return false;
    const cJSON *it;
    cJSON_ArrayForEach(it, arr) if (strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(it, "path")), rel) == 0) return true;
    char full[1100], sha[65];
    int64_t size = 0;
    stoa_error err = {0};
    if (stoa_lesson_resolve_path(lesson_path, rel, full, sizeof full, &err) != STOA_OK || !hash_file(full, sha, &size))
        return true; // a missing file: stoa lint's to report, the launch fails on the headset
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "path", rel);
    cJSON_AddStringToObject(o, "sha256", sha);
    cJSON_AddNumberToObject(o, "size", (double)size);
    cJSON_AddItemToArray(arr, o);
    return true;
}

cJSON *hub_lesson_files(stoa_hub *hub, const char *name, bool *out_complete)
{
    bool complete = true;
    char path[2300];
    snprintf(path, sizeof path, "%s/%s", hub->lessons_dir, name);
    stoa_lesson *l = NULL;
    stoa_error err = {0};
    if (stoa_lesson_load_file(path, &l, NULL, &err) != STOA_OK)
        return cJSON_CreateArray();
    cJSON *arr = cJSON_CreateArray();
    complete = add_file(arr, path, l->scene) && complete;
    for (uint32_t s = 0; s < l->state_count; s++)
        for (uint32_t k = 0; k < l->states[s].step_count; k++) {
            const stoa_lesson_text *a = &l->states[s].steps[k].audio;
            for (uint32_t i = 0; i < a->count; i++)
                complete = add_file(arr, path, a->entries[i].value) && complete;
        }
    stoa_lesson_destroy(&l);
    if (out_complete)
        *out_complete = complete;
    return arr;
}

// The path of a library file with this hash: the cache first, then every
// lesson's files listed afresh (which fills the cache).
static bool find_content(stoa_hub *hub, const char *sha, char *out, size_t size)
{
    for (int pass = 0; pass < 2; pass++) {
        pthread_mutex_lock(&g_mu);
        for (int i = 0; i < g_n; i++)
            if (strcmp(g_cache[i].sha, sha) == 0) {
                snprintf(out, size, "%s", g_cache[i].path);
                pthread_mutex_unlock(&g_mu);
                // Only while a library lesson still names it: listed again below.
                cJSON *lessons = hub_lessons_list(hub);
                bool named = false;
                const cJSON *l;
                cJSON_ArrayForEach(l, lessons) {
                    cJSON *files = hub_lesson_files(hub, cJSON_GetStringValue(cJSON_GetObjectItem(l, "file")), NULL);
                    const cJSON *f;
                    cJSON_ArrayForEach(f, files) named = named ||
                        strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(f, "sha256")), sha) == 0;
                    cJSON_Delete(files);
                }
                cJSON_Delete(lessons);
                return named;
            }
        pthread_mutex_unlock(&g_mu);
        if (pass == 0) {
            cJSON *lessons = hub_lessons_list(hub);
            const cJSON *l;
            cJSON_ArrayForEach(l, lessons) cJSON_Delete(hub_lesson_files(hub, cJSON_GetStringValue(cJSON_GetObjectItem(l, "file")), NULL));
            cJSON_Delete(lessons);
        }
    }
    return false;
}

void hub_handle_content(stoa_hub *hub, hub_req *c, const char *sha)
{
    if (hub_device_from_bearer(hub, c) <= 0) {
        hub_send_error(c, 401, "device token required");
        return;
    }
    if (strlen(sha) != 64 || strspn(sha, "0123456789abcdef") != 64) {
        hub_send_error(c, 400, "expected a SHA-256 in lower-case hex");
        return;
    }
    char path[1100];
    if (!find_content(hub, sha, path, sizeof path)) {
        hub_send_error(c, 404, "no lesson of the library has this file");
        return;
    }
    hub_serve_file(c, path, "application/octet-stream", NULL);
}
