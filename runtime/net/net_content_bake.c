// SPDX-License-Identifier: Apache-2.0
// A launch's baked scene (docs/hub.md, "Baked scenes"): fetched like the
// lesson's files (by SHA-256, into the content cache) when made for this
// headset's cache format and not in its scene cache yet, and laid out
// beside the scene, where the scene loader checks it in full before use.
// Runs on the net thread.
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/stoa_log.h"
#include "net_internal.h"

#define NET_MAX_FILE (1ull << 30) // as net_content.c
#define NET_MAX_FILES 256

static bool is_key(const char *s)
{
    return s && strlen(s) == 16 && strspn(s, "0123456789abcdef") == 16;
}

void net_content_bakes(stoa_net *net, const char *lesson_sha, const cJSON *bakes,
                       stoa_net_command *cmd)
{
    if (!net->bake_format[0] || !cJSON_IsArray(bakes) || cmd->error[0] || !cmd->lesson_path[0])
        return;
    char root[1100], dir[1200], dest[2048], have[1300], err[512];
    snprintf(root, sizeof root, "%s-lessons", net->cache_dir);
    snprintf(dir, sizeof dir, "%s/%.16s", root, lesson_sha);
    int count = 0;
    const cJSON *b;
    cJSON_ArrayForEach(b, bakes)
    {
        if (++count > NET_MAX_FILES)
            break;
        const char *path = cJSON_GetStringValue(cJSON_GetObjectItem(b, "path"));
        const char *sha = cJSON_GetStringValue(cJSON_GetObjectItem(b, "sha256"));
        const char *format = cJSON_GetStringValue(cJSON_GetObjectItem(b, "format"));
        const char *key = cJSON_GetStringValue(cJSON_GetObjectItem(b, "key"));
        double sz = cJSON_GetNumberValue(cJSON_GetObjectItem(b, "size"));
        size_t pl = path ? strlen(path) : 0;
        if (!format || strcmp(format, net->bake_format) != 0) {
            STOA_LOGI("net", "baked scene %s: made for %s, this headset reads %s; not fetched",
                      path ? path : "?", format ? format : "?", net->bake_format);
            continue;
        }
        if (!net_safe_rel(dir, path, dest, sizeof dest) || pl < 9 ||
            strcmp(path + pl - 9, ".stoabake") || !net_is_sha(sha) || !is_key(key) || !(sz > 0) ||
            sz > (double)NET_MAX_FILE || sz > (double)net->cache_max) {
            STOA_LOGW("net", "baked scene %s: refused (path, hash, key or size)",
                      path ? path : "?");
            continue;
        }
        snprintf(have, sizeof have, "%s/%s.stoabake", net->scene_cache_dir, key);
        if (access(have, F_OK) == 0) {
            STOA_LOGI("net", "baked scene %s: already in the scene cache (key %s)", path, key);
            continue;
        }
        bool had = net_content_cached(net, sha, (uint64_t)sz, true);
        pthread_mutex_lock(&net->mu);
        net->transfer_done = 0;
        net->transfer_total = had ? 0 : (uint64_t)sz;
        net->transferring = !had;
        pthread_mutex_unlock(&net->mu);
        char target[300];
        snprintf(target, sizeof target, "/api/headset/content/%s", sha);
        err[0] = 0;
        bool ok = (had || net_fetch_content(net, target, sha, (uint64_t)sz, err, sizeof err)) &&
                  net_content_place(net, sha, dest);
        pthread_mutex_lock(&net->mu);
        net->transferring = false;
        net->status_dirty = true;
        pthread_mutex_unlock(&net->mu);
        if (ok)
            STOA_LOGI("net", "baked scene %s: %s (%.0f bytes, key %s)", path,
                      had ? "from the content cache" : "fetched from the hub", sz, key);
        else
            unlink(dest); // an older one laid out here is not used either
        if (!ok)
            STOA_LOGW("net", "baked scene %s: not had (%s); the scene is imported", path,
                      err[0] ? err : "cannot lay it out");
    }
}
