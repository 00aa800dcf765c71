// SPDX-License-Identifier: Apache-2.0
// Baked scene files for headsets (docs/hub.md, "Baked scenes"): the hub
// bakes a lesson's scene once, on the first launch or content request that
// names it, into <data>/bakes (stoa_scene_bake, on a thread of its own at a
// low priority, so that requests never wait for it), and from then on a
// launch lists the file in `bakes` beside the lesson's files, with the
// format string a headset compares with its own (stoa_scene_cache_format)
// and the cache key. A scene edited since (size, modification time) is
// baked again. The headset checks every byte, as it does its own files.
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "core/stoa_log.h"
#include "hub_internal.h"
#include "scene/stoa_scene_cache.h"

#define HUB_BAKES 64

typedef struct bake_entry {
    char scene[2400];       // the scene file's full path
    int64_t size, mtime_ns; // of the scene when it was baked
    char file[4096];        // the cache file
    char sha[65], key[17];
    int64_t file_size;
    bool busy, ready, failed;
} bake_entry;

static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static bake_entry g_bakes[HUB_BAKES];
static int g_n, g_next;

static int64_t mtime_ns(const struct stat *st)
{
    return (int64_t)st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec;
}

typedef struct bake_job {
    char scene[2400], dir[1100];
    int64_t size, mtime_ns;
} bake_job;

static void *baker(void *arg)
{
    bake_job *job = arg;
    setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 10); // below the requests
    char file[4096] = "", sha[65] = "";
    int64_t size = 0;
    stoa_error err = {0};
    stoa_scene_cache_outcome o;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    // The hub's own folder and cap: the library's bakes stay whole.
    bool ok = stoa_scene_bake(job->scene, job->dir, file, sizeof file, &o, &err) == STOA_OK &&
              hub_sha256_file(file, HUB_MAX_CONTENT_FILE, sha, &size);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    const char *base = strrchr(file, '/');
    pthread_mutex_lock(&g_mu);
    for (int i = 0; i < g_n; i++) {
        bake_entry *e = &g_bakes[i];
        if (strcmp(e->scene, job->scene) != 0 || !e->busy)
            continue;
        e->busy = false;
        e->ready = ok && base && strlen(base) == 26;
        e->failed = !e->ready;
        if (e->ready) {
            snprintf(e->file, sizeof e->file, "%s", file);
            snprintf(e->key, sizeof e->key, "%.16s", base + 1);
            memcpy(e->sha, sha, 65);
            e->file_size = size;
        }
    }
    pthread_mutex_unlock(&g_mu);
    if (ok)
        STOA_LOGI("hub", "baked %s for headsets: %s (%.0f ms)", job->scene, file,
                  (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
    else
        STOA_LOGW("hub", "%s: not baked for headsets (%s); they import it themselves", job->scene,
                  err.message[0] ? err.message : "its file could not be hashed");
    free(job);
    return NULL;
}

// The entry for scene (g_mu held): its bake when ready and current; else
// a bake is started (once; a failed one is not tried again until the
// scene changes) and NULL returned.
static bake_entry *entry_for(stoa_hub *hub, const char *scene)
{
    struct stat st;
    if (stat(scene, &st) != 0 || !S_ISREG(st.st_mode) || strlen(scene) >= sizeof g_bakes[0].scene)
        return NULL;
    bake_entry *e = NULL;
    for (int i = 0; i < g_n && !e; i++)
        if (strcmp(g_bakes[i].scene, scene) == 0)
            e = &g_bakes[i];
    bool current = e && e->size == (int64_t)st.st_size && e->mtime_ns == mtime_ns(&st);
    struct stat bst;
    if (current && e->ready && stat(e->file, &bst) == 0 && (int64_t)bst.st_size == e->file_size)
        return e;
    if (current && (e->busy || e->failed))
        return NULL;
    if (!e)
        e = g_n < HUB_BAKES ? &g_bakes[g_n++] : &g_bakes[g_next++ % HUB_BAKES];
    if (e->busy) // an entry being reused while its bake runs: wait for it
        return NULL;
    bake_job *job = calloc(1, sizeof *job);
    if (!job)
        return NULL;
    memset(e, 0, sizeof *e);
    snprintf(e->scene, sizeof e->scene, "%s", scene);
    e->size = (int64_t)st.st_size;
    e->mtime_ns = mtime_ns(&st);
    e->busy = true;
    *job = (bake_job){.size = e->size, .mtime_ns = e->mtime_ns};
    snprintf(job->scene, sizeof job->scene, "%s", scene);
    snprintf(job->dir, sizeof job->dir, "%s/bakes", hub->data_dir);
    pthread_t t;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    if (pthread_create(&t, &attr, baker, job) != 0) {
        e->busy = false;
        e->failed = true;
        free(job);
    }
    pthread_attr_destroy(&attr);
    return NULL;
}

cJSON *hub_bake_item(stoa_hub *hub, const char *scene, const char *rel)
{
    char format[128];
    stoa_scene_cache_format(format, sizeof format);
    pthread_mutex_lock(&g_mu);
    bake_entry *e = entry_for(hub, scene);
    cJSON *o = NULL;
    if (e) {
        char path[600];
        snprintf(path, sizeof path, "%s.stoabake", rel);
        o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "path", path);
        cJSON_AddStringToObject(o, "sha256", e->sha);
        cJSON_AddNumberToObject(o, "size", (double)e->file_size);
        cJSON_AddStringToObject(o, "format", format);
        cJSON_AddStringToObject(o, "key", e->key);
    }
    pthread_mutex_unlock(&g_mu);
    return o;
}

bool hub_bake_find(const char *sha, char *out, size_t size)
{
    bool found = false;
    pthread_mutex_lock(&g_mu);
    for (int i = 0; i < g_n && !found; i++)
        if (g_bakes[i].ready && strcmp(g_bakes[i].sha, sha) == 0)
            found = snprintf(out, size, "%s", g_bakes[i].file) < (int)size;
    pthread_mutex_unlock(&g_mu);
    return found;
}
