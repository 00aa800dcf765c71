// SPDX-License-Identifier: Apache-2.0
// Baked scene files for headsets (docs/hub.md, "Baked scenes"): the hub
// bakes a lesson's scene once, on the first launch or content request that
// names it, into <data>/bakes (stoa_scene_bake, on a thread of its own at a
// low priority, so that requests never wait for it), and from then on a
// launch lists the file in `bakes` beside the lesson's files, with the
// format string a headset compares with its own (stoa_scene_cache_format)
// and the cache key. The bake is kept under the key a headset computes
// (stoa_scene_cache_key_of: the scene file and every buffer and image it
// names): when that key changes (the scene, its .bin or an image edited or
// uploaded), the old file is no longer offered and the scene is baked
// again. The headset checks every byte, as it does its own files.
//
// The bakes are the hub's own (stoa_hub.bakes, made on first use): two hubs
// in one process share nothing. stoa_hub_destroy waits for running bakes.
#include <inttypes.h>
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
    char scene[2400]; // the scene file's full path
    uint64_t key;     // of its content: the baked file's once ready, the bake's own before
    char file[4096];  // the cache file
    char sha[65];
    int64_t file_size;
    bool busy, ready, failed;
} bake_entry;

struct hub_bakes {
    pthread_mutex_t mu;
    pthread_cond_t idle; // signalled when a bake ends (hub_bake_free waits for all)
    int running;
    bake_entry e[HUB_BAKES];
    int n, next;
    char dir[1100]; // <data>/bakes
};

typedef struct bake_job {
    hub_bakes *b;
    char scene[2400];
} bake_job;

static void *baker(void *arg)
{
    bake_job *job = arg;
    hub_bakes *b = job->b;
    setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 10); // below the requests
    char file[4096] = "", sha[65] = "";
    int64_t size = 0;
    stoa_error err = {0};
    stoa_scene_cache_outcome o;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    // The hub's own folder and cap: the library's bakes stay whole.
    bool ok = stoa_scene_bake(job->scene, b->dir, file, sizeof file, &o, &err) == STOA_OK &&
              hub_sha256_file(file, HUB_MAX_CONTENT_FILE, sha, &size);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    const char *base = strrchr(file, '/');
    uint64_t key = 0;
    ok = ok && base && strlen(base) == 26 && sscanf(base + 1, "%16" SCNx64, &key) == 1;
    pthread_mutex_lock(&b->mu);
    for (int i = 0; i < b->n; i++) {
        bake_entry *e = &b->e[i];
        if (strcmp(e->scene, job->scene) != 0 || !e->busy)
            continue;
        e->busy = false;
        e->ready = ok;
        e->failed = !ok;
        if (ok) { // the key of what was baked (a file changed meanwhile: another key, baked next
                  // time)
            snprintf(e->file, sizeof e->file, "%s", file);
            e->key = key;
            memcpy(e->sha, sha, 65);
            e->file_size = size;
        }
    }
    b->running--;
    pthread_cond_broadcast(&b->idle);
    pthread_mutex_unlock(&b->mu);
    if (ok)
        STOA_LOGI("hub", "baked %s for headsets: %s (%.0f ms)", job->scene, file,
                  (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
    else
        STOA_LOGW("hub", "%s: not baked for headsets (%s); they import it themselves", job->scene,
                  err.message[0] ? err.message : "its file could not be hashed");
    free(job);
    return NULL;
}

static hub_bakes *bakes_of(stoa_hub *hub)
{
    pthread_mutex_lock(&hub->mu);
    if (!hub->bakes && (hub->bakes = calloc(1, sizeof *hub->bakes))) {
        pthread_mutex_init(&hub->bakes->mu, NULL);
        pthread_cond_init(&hub->bakes->idle, NULL);
        snprintf(hub->bakes->dir, sizeof hub->bakes->dir, "%s/bakes", hub->data_dir);
    }
    hub_bakes *b = hub->bakes;
    pthread_mutex_unlock(&hub->mu);
    return b;
}

void hub_bake_free(stoa_hub *hub)
{
    hub_bakes *b = hub->bakes;
    if (!b)
        return;
    pthread_mutex_lock(&b->mu);
    while (b->running > 0) // a bake cannot be stopped halfway: it ends first
        pthread_cond_wait(&b->idle, &b->mu);
    pthread_mutex_unlock(&b->mu);
    pthread_mutex_destroy(&b->mu);
    pthread_cond_destroy(&b->idle);
    free(b);
    hub->bakes = NULL;
}

// The entry for scene (b->mu held), whose content has this key now: its
// bake when ready and of this key; else a bake is started (once; a failed
// one is not tried again until the content changes) and NULL returned.
static bake_entry *entry_for(hub_bakes *b, const char *scene, uint64_t key)
{
    bake_entry *e = NULL;
    for (int i = 0; i < b->n && !e; i++)
        if (strcmp(b->e[i].scene, scene) == 0)
            e = &b->e[i];
    if (e && e->busy) // its bake runs; what it made is compared next time
        return NULL;
    bool current = e && e->key == key;
    struct stat bst;
    if (current && e->ready && stat(e->file, &bst) == 0 && (int64_t)bst.st_size == e->file_size)
        return e;
    if (current && e->failed)
        return NULL;
    if (!e)
        e = b->n < HUB_BAKES ? &b->e[b->n++] : &b->e[b->next++ % HUB_BAKES];
    if (e->busy) // an entry being reused while its bake runs: wait for it
        return NULL;
    bake_job *job = calloc(1, sizeof *job);
    if (!job)
        return NULL;
    memset(e, 0, sizeof *e);
    snprintf(e->scene, sizeof e->scene, "%s", scene);
    e->key = key;
    e->busy = true;
    *job = (bake_job){.b = b};
    snprintf(job->scene, sizeof job->scene, "%s", scene);
    pthread_t t;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    if (pthread_create(&t, &attr, baker, job) != 0) {
        e->busy = false;
        e->failed = true;
        free(job);
    } else {
        b->running++;
    }
    pthread_attr_destroy(&attr);
    return NULL;
}

cJSON *hub_bake_item(stoa_hub *hub, const char *scene, const char *rel)
{
    hub_bakes *b = bakes_of(hub);
    struct stat st;
    if (!b || stat(scene, &st) != 0 || !S_ISREG(st.st_mode) ||
        strlen(scene) >= sizeof b->e[0].scene)
        return NULL;
    // The key as the headset will compute it: from the memo when no file
    // changed (a few stat calls), else read and hashed, outside the lock.
    uint64_t key = 0;
    stoa_error err = {0};
    if (stoa_scene_cache_key_of(scene, b->dir, &key, &err) != STOA_OK)
        return NULL;
    char format[128];
    stoa_scene_cache_format(format, sizeof format);
    pthread_mutex_lock(&b->mu);
    bake_entry *e = entry_for(b, scene, key);
    cJSON *o = NULL;
    if (e) {
        char path[600], hex[17];
        snprintf(path, sizeof path, "%s.stoabake", rel);
        snprintf(hex, sizeof hex, "%016" PRIx64, e->key);
        o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "path", path);
        cJSON_AddStringToObject(o, "sha256", e->sha);
        cJSON_AddNumberToObject(o, "size", (double)e->file_size);
        cJSON_AddStringToObject(o, "format", format);
        cJSON_AddStringToObject(o, "key", hex);
    }
    pthread_mutex_unlock(&b->mu);
    return o;
}

bool hub_bake_find(stoa_hub *hub, const char *sha, char *out, size_t size)
{
    hub_bakes *b = bakes_of(hub);
    bool found = false;
    if (!b)
        return false;
    pthread_mutex_lock(&b->mu);
    for (int i = 0; i < b->n && !found; i++)
        if (b->e[i].ready && strcmp(b->e[i].sha, sha) == 0)
            found = snprintf(out, size, "%s", b->e[i].file) < (int)size;
    pthread_mutex_unlock(&b->mu);
    return found;
}
