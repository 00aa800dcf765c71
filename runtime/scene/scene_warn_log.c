// SPDX-License-Identifier: Apache-2.0
// A scene's warnings go to the log once per process: a scene loaded again
// (a lesson reloaded, the hub switching back, a cached reload) has nothing
// new to say the second time. Every warning stays in scene->warnings
// (`stoa info` lists them all).
#include <pthread.h>
#include <string.h>

#include "core/stoa_log.h"
#include "scene_cache.h"

// Hashes of (path, warning) logged; when the table is full, every warning
// is logged again (never one lost).
#define SEEN_SLOTS 4096u

static uint64_t g_seen[SEEN_SLOTS];
static uint32_t g_seen_count;
static pthread_mutex_t g_seen_mu = PTHREAD_MUTEX_INITIALIZER;

// Whether (path, warning) is new to this process (then remembered).
static bool first_time(const char *path, const char *warning)
{
    uint64_t h = scene_hash64(warning, strlen(warning), scene_hash64(path, strlen(path), 0x5741));
    h |= 1; // 0: an empty slot
    bool fresh = true;
    pthread_mutex_lock(&g_seen_mu);
    for (uint32_t i = (uint32_t)h % SEEN_SLOTS, n = 0; n < SEEN_SLOTS;
         i = (i + 1) % SEEN_SLOTS, n++) {
        if (g_seen[i] == h) {
            fresh = false;
            break;
        }
        if (g_seen[i] == 0) {
            if (g_seen_count < SEEN_SLOTS / 4 * 3) {
                g_seen[i] = h;
                g_seen_count++;
            }
            break;
        }
    }
    pthread_mutex_unlock(&g_seen_mu);
    return fresh;
}

void scene_log_warnings(const char *path, const stoa_scene *s, uint32_t from)
{
    path = path ? path : "(scene)";
    for (uint32_t i = from; i < s->warning_count; i++)
        if (s->warnings[i] && first_time(path, s->warnings[i]))
            STOA_LOGW("scene", "%s: %s", path, s->warnings[i]);
}
