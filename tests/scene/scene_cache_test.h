// SPDX-License-Identifier: Apache-2.0
// Shared by the scene-cache tests: a log sink that keeps the messages of a
// load (g_log), a load through the cache that checks its outcome, the one
// cache file a folder holds, and its key memos (which may hold a copy of a
// small cache file: a hit then reads the copy, not the file).
#pragma once

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "core/stoa_log.h"
#include "scene/stoa_scene_cache.h"
#include "scene/stoa_scene_texfmt.h"
#include "stoa_test.h"

static char g_log[8192];
static stoa_log_level g_log_min = STOA_LOG_WARN; // the least level kept

__attribute__((unused)) static void sink(void *user, const char *module, stoa_log_level level,
                                         const char *message)
{
    (void)user, (void)module;
    if (level >= g_log_min && strlen(g_log) + strlen(message) + 2 < sizeof g_log) {
        strcat(g_log, message);
        strcat(g_log, "\n");
    }
}

// path loaded with d (waiting for its cache writer); want < 0: any outcome.
__attribute__((unused)) static stoa_scene *sct_load(const char *path, const stoa_scene_load_desc *d,
                                                    int want)
{
    stoa_scene *s = NULL;
    stoa_error err = {0};
    CHECK_MSG(stoa_scene_load(path, d, &s, &err) == STOA_OK, "%s: %s", path, err.message);
    if (!s)
        return NULL;
    stoa_scene_cache_wait(s);
    if (want >= 0)
        CHECK_MSG(stoa_scene_cache_outcome_of(s) == (stoa_scene_cache_outcome)want,
                  "outcome %d, expected %d: %s", (int)stoa_scene_cache_outcome_of(s), want, g_log);
    return s;
}

// sct_load for RGBA8 textures through the cache folder cache_dir (NULL: no cache).
__attribute__((unused)) static stoa_scene *sct_load_rgba8(const char *path, const char *cache_dir,
                                                          int want)
{
    stoa_scene_load_desc d = {.use_cache = cache_dir != NULL,
                              .cache_dir = cache_dir,
                              .texture_target = STOA_TEXTURE_TARGET_RGBA8};
    return sct_load(path, &d, want);
}

// sct_load with the log kept in g_log (emptied first).
__attribute__((unused)) static stoa_scene *sct_load_logged(const char *path,
                                                           const stoa_scene_load_desc *d, int want)
{
    g_log[0] = 0;
    stoa_log_set_sink(sink, NULL);
    stoa_scene *s = sct_load(path, d, want);
    stoa_log_set_sink(NULL, NULL);
    return s;
}

// The one cache file in dir (path into out); false when there is none.
__attribute__((unused)) static bool sct_cache_file(const char *dir, char *out, size_t size)
{
    char cmd[4300];
    snprintf(cmd, sizeof cmd, "ls %s/*.stoabake 2>/dev/null | head -1", dir);
    FILE *p = popen(cmd, "r");
    out[0] = 0;
    if (p && fgets(out, (int)size, p))
        out[strcspn(out, "\n")] = 0;
    if (p)
        pclose(p);
    return out[0] != 0;
}

// The one key memo in dir (path into out); false when there is none.
__attribute__((unused)) static bool sct_memo_file(const char *dir, char *out, size_t size)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    out[0] = 0;
    while (d && (e = readdir(d)))
        if (strstr(e->d_name, ".memo"))
            snprintf(out, size, "%s/%s", dir, e->d_name);
    if (d)
        closedir(d);
    return out[0] != 0;
}

// Runs `cmd_fmt` (one %s: dir) through the shell.
__attribute__((unused)) static void sct_shell(const char *cmd_fmt, const char *dir)
{
    char cmd[4300];
    snprintf(cmd, sizeof cmd, cmd_fmt, dir);
    CHECK_MSG(system(cmd) == 0, "%s", cmd);
}

// Removes dir's key memos: the next load reads the cache file itself, not
// the copy a memo may hold (and writes a memo without a copy).
__attribute__((unused)) static void sct_drop_memos(const char *dir)
{
    sct_shell("rm -f %s/*.memo", dir);
}

// Dates dir's key memos age_s seconds back, as a cache file whose scene
// was last used then (a hit on a memo's copy touches both when old).
__attribute__((unused)) static void sct_age_memos(const char *dir, int64_t age_s)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    struct timespec t[2] = {{.tv_nsec = UTIME_OMIT}, {.tv_sec = time(NULL) - age_s}};
    while (d && (e = readdir(d))) {
        char p[4400];
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        size_t n = strlen(e->d_name);
        if (n > 5 && !strcmp(e->d_name + n - 5, ".memo"))
            CHECK(utimensat(AT_FDCWD, p, t, 0) == 0);
    }
    CHECK(d != NULL);
    if (d)
        closedir(d);
}

// path's cache file in `cache` (d->cache_dir) has one damaged texel chunk:
// a load is a hit (the texels are not read), exactly one texture fails its
// first-use check, logged, and the file is removed; the next load imports
// and rebuilds it, and the one after is a hit with every texture whole.
__attribute__((unused)) static void sct_texel_damage_found(const char *path,
                                                           const stoa_scene_load_desc *d,
                                                           const char *cache)
{
    char file[4200];
    stoa_scene *s = sct_load(path, d, STOA_SCENE_CACHE_HIT);
    g_log[0] = 0;
    stoa_log_set_sink(sink, NULL);
    uint32_t bad = 0;
    for (uint32_t i = 0; s && i < s->texture_count; i++)
        bad += !stoa_scene_texture_check(s, i);
    stoa_log_set_sink(NULL, NULL);
    CHECK_MSG(bad == 1, "%u textures failed their check", bad);
    CHECK_CONTAINS(g_log, "rejected (texture");
    CHECK(!sct_cache_file(cache, file, sizeof file)); // removed
    stoa_scene_destroy(&s);
    s = sct_load(path, d, STOA_SCENE_CACHE_MISS);
    stoa_scene_destroy(&s);
    s = sct_load(path, d, STOA_SCENE_CACHE_HIT);
    for (uint32_t i = 0; s && i < s->texture_count; i++)
        CHECK(stoa_scene_texture_check(s, i));
    stoa_scene_destroy(&s);
}
