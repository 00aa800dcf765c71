// SPDX-License-Identifier: Apache-2.0
// Keeping the baked scene cache under its size cap: least recently used
// out first. A hit sets its file's modification time to now (so the time
// is the order of use, as for the headset's content cache); after each
// write, and on `stoa bake --prune`, files are removed oldest first until
// the folder fits. Safe beside other processes: a file another process has
// mapped stays readable after it is unlinked (Linux keeps the inode), a
// file used again between the listing and the removal (its time moved) is
// kept, and a writer's temporary file is never taken unless nothing has
// written to it for a day (a writer that crashed).
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/stoa_log.h"
#include "scene_cache.h"

#define STALE_TMP_NS (24LL * 3600 * 1000000000LL)

bool stoa_scene_cache_parse_size(const char *text, uint64_t *out)
{
    if (!text || !*text)
        return false;
    if (!strcmp(text, "off") || !strcmp(text, "none") || !strcmp(text, "unlimited")) {
        *out = 0;
        return true;
    }
    char *end = NULL;
    errno = 0;
    double v = strtod(text, &end);
    if (errno || end == text || !(v >= 0) || v > 1e18)
        return false;
    static const char units[] = "KMGT";
    const char *u = *end ? strchr(units, toupper((unsigned char)*end)) : NULL;
    if (*end &&
        (!u || (end[1] && strcmp(end + 1, "B") && strcmp(end + 1, "iB") && strcmp(end + 1, "b"))))
        return false;
    for (const char *k = units; u && k <= u; k++)
        v *= 1024.0;
    if (v > 1.8e19)
        return false;
    *out = (uint64_t)v;
    return true;
}

uint64_t stoa_scene_cache_max(void)
{
    const char *env = getenv("STOA_SCENE_CACHE_MAX");
    uint64_t v;
    if (!env || !*env)
        return STOA_SCENE_CACHE_DEFAULT_MAX;
    if (stoa_scene_cache_parse_size(env, &v))
        return v;
    STOA_LOGW("scene", "STOA_SCENE_CACHE_MAX=%s is not a size (e.g. 4G, 500M, off); using %llu MiB",
              env, (unsigned long long)(STOA_SCENE_CACHE_DEFAULT_MAX >> 20));
    return STOA_SCENE_CACHE_DEFAULT_MAX;
}

void stoa_scene_cache_touch(const char *file)
{
    // The modification time is the order of use; a read-only folder keeps its order.
    struct timespec t[2] = {{.tv_nsec = UTIME_OMIT}, {.tv_nsec = UTIME_NOW}};
    utimensat(AT_FDCWD, file, t, 0);
}

typedef struct entry {
    char name[40];
    uint64_t size;
    int64_t used_ns;
    bool gone;
} entry;

static int64_t mtime_ns(const struct stat *st)
{
    return (int64_t)st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec;
}

// "<16 hex>.stoabake"
static bool is_bake(const char *name)
{
    return strlen(name) == 25 && strspn(name, "0123456789abcdef") == 16 &&
           !strcmp(name + 16, ".stoabake");
}

// "<16 hex>.stoabake.tmp.XXXXXX" (scene_cache_write.c)
// or "src-<16 hex>.memo.tmp.XXXXXX" (a key memo's, stoa_file_write_replace)
static bool is_temp(const char *name)
{
    size_t n = strlen(name);
    return (n > 30 && strspn(name, "0123456789abcdef") == 16 &&
            !strncmp(name + 16, ".stoabake.tmp.", 14)) ||
           (n > 30 && !strncmp(name, "src-", 4) && strspn(name + 4, "0123456789abcdef") == 16 &&
            !strncmp(name + 20, ".memo.tmp.", 10));
}

// A key memo holding a copy of a cache file that is gone (removed here or
// before) goes too: a copy lives no longer than its file, so the copies add
// at most the small files' share again to the cap (scene_cache_memo.c).
// It reads every memo in the folder: the prune after a write runs it only
// when that prune removed a cache file (a file removed by hand leaves its
// copy until then, or until `stoa bake --prune`, which always runs it).
static void drop_orphan_copies(DIR *d, const char *dir)
{
    rewinddir(d);
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len != 25 || strncmp(e->d_name, "src-", 4) || strcmp(e->d_name + 20, ".memo"))
            continue;
        char memo[4200], bake[4200];
        uint64_t key;
        snprintf(memo, sizeof memo, "%s/%s", dir, e->d_name);
        if (!scene_cache_memo_copy_key(memo, &key))
            continue;
        snprintf(bake, sizeof bake, "%016llx.stoabake", (unsigned long long)key);
        struct stat st;
        if (fstatat(dirfd(d), bake, &st, 0) != 0 && errno == ENOENT)
            unlinkat(dirfd(d), e->d_name, 0);
    }
}

static int by_use(const void *a, const void *b)
{
    const entry *x = a, *y = b;
    return (x->used_ns > y->used_ns) - (x->used_ns < y->used_ns);
}

static const char *base_name(const char *path)
{
    const char *s = path ? strrchr(path, '/') : NULL;
    return s ? s + 1 : path;
}

// stoa_scene_cache_prune; `sweep`: drop orphan copies even when no cache
// file was removed.
static stoa_result prune(const char *dir, uint64_t max_bytes, const char *keep, bool sweep,
                         stoa_scene_cache_usage *out, stoa_error *err)
{
    stoa_scene_cache_usage u = {0};
    DIR *d = opendir(dir);
    if (!d)
        return stoa_error_set(err, STOA_ERROR_IO, "%s: %s", dir, strerror(errno));
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    int64_t now_ns = (int64_t)now.tv_sec * 1000000000LL + now.tv_nsec;
    entry *files = NULL;
    size_t n = 0, cap = 0, removed_bakes = 0;
    const char *kept = base_name(keep);
    struct dirent *e;
    stoa_result r = STOA_OK;
    while ((e = readdir(d))) {
        bool bake = is_bake(e->d_name), temp = !bake && is_temp(e->d_name);
        struct stat st;
        if ((!bake && !temp) || fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
            !S_ISREG(st.st_mode))
            continue;
        if (temp) { // a live writer's: never; a dead one's (a day untouched): yes
            if (now_ns - mtime_ns(&st) > STALE_TMP_NS && unlinkat(dirfd(d), e->d_name, 0) == 0) {
                u.removed_files++;
                u.removed_bytes += (uint64_t)st.st_size;
            }
            continue;
        }
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            entry *g = realloc(files, cap * sizeof *g);
            if (!g) {
                r = stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "out of memory");
                break;
            }
            files = g;
        }
        snprintf(files[n].name, sizeof files[n].name, "%.39s", e->d_name); // is_bake: 25 long
        files[n].size = (uint64_t)st.st_size;
        files[n].used_ns = mtime_ns(&st);
        files[n].gone = false;
        u.bytes += files[n++].size;
    }
    if (r >= 0 && max_bytes) {
        if (n) // qsort of no array: undefined (UBSan)
            qsort(files, n, sizeof *files, by_use);
        for (size_t i = 0; i < n && u.bytes > max_bytes; i++) {
            struct stat st;
            if (kept && !strcmp(files[i].name, kept))
                continue;
            // Used again since it was listed (another process's hit): it stays.
            if (fstatat(dirfd(d), files[i].name, &st, 0) != 0 || mtime_ns(&st) != files[i].used_ns)
                continue;
            if (unlinkat(dirfd(d), files[i].name, 0) == 0) {
                u.bytes -= files[i].size;
                u.removed_files++;
                u.removed_bytes += files[i].size;
                files[i].gone = true;
                removed_bakes++;
            }
        }
    }
    for (size_t i = 0; i < n; i++)
        u.files += !files[i].gone;
    if (r >= 0 && max_bytes && (sweep || removed_bakes))
        drop_orphan_copies(d, dir);
    closedir(d);
    free(files);
    if (out)
        *out = u;
    return r;
}

stoa_result stoa_scene_cache_prune(const char *dir, uint64_t max_bytes, const char *keep,
                                   stoa_scene_cache_usage *out, stoa_error *err)
{
    return prune(dir, max_bytes, keep, true, out, err);
}

void scene_cache_after_write(const char *file)
{
    uint64_t max = stoa_scene_cache_max();
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", file);
    char *slash = strrchr(dir, '/');
    if (!max || !slash)
        return;
    *slash = 0;
    stoa_scene_cache_usage u;
    stoa_error e = {0};
    if (prune(dir, max, file, false, &u, &e) < 0)
        STOA_LOGW("scene", "scene cache %s: not trimmed: %s", dir, e.message);
    else if (u.removed_files)
        STOA_LOGI("scene",
                  "scene cache %s: removed %llu least recently used file(s), %.1f MiB "
                  "(cap %.0f MiB, STOA_SCENE_CACHE_MAX)",
                  dir, (unsigned long long)u.removed_files, (double)u.removed_bytes / 1048576.0,
                  (double)max / 1048576.0);
}
