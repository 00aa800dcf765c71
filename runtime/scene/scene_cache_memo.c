// SPDX-License-Identifier: Apache-2.0
// The baked scene cache's key memo (see scene_cache.h). One small file per
// scene path and options, "<dir>/src-<hash>.memo":
//   "STOAMEMO", u32 version, u64 key, u32 count, then count entries of
//   u64 size, i64 mtime_ns, i64 ctime_ns, u64 inode, u64 device, u32 length, path
//   then u64 bake_key, u64 bake_size, zeros to a multiple of 16, and
//   bake_size bytes: a copy of the cache file (key bake_key) when it is
//   small (SCENE_CACHE_INLINE_MAX), so that a hit reads one file, not two;
//   0 and 0 and none until the writer adds it (scene_cache_memo_attach);
//   a memo written again for the same key keeps the copy it had.
// The first entry is the scene file. Read with every bound checked; any
// doubt (a missing, short or odd memo, any file changed) means no memo. The
// copy is checked as the cache file is (its header, sections and chunks).
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/stoa_file.h"
#include "scene_cache.h"

// 2: named by the absolute path as given; 3: a copy of a small cache file;
// 4: or of a larger one's front (its header page and geometry); 5: its
// name and key hashed with XXH3.
#define MEMO_VERSION 5u
#define MEMO_MAX_BYTES ((size_t)1 << 20)

typedef scene_cache_stat memo_stat;

bool scene_cache_stat_of(const char *path, memo_stat *out)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return false;
    *out = (memo_stat){(uint64_t)st.st_size,
                       (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec,
                       (int64_t)st.st_ctim.tv_sec * 1000000000 + st.st_ctim.tv_nsec,
                       (uint64_t)st.st_ino, (uint64_t)st.st_dev};
    return true;
}

// The scene's absolute name as given (the working folder before a relative
// one): no realpath, whose readlink per folder costs more than the rest of
// a hit. Another spelling of the same file only gets a memo of its own; what
// the memo vouches for is the stat of exactly this name.
static bool absolute(const char *path, char *out, size_t size)
{
    if (path[0] == '/')
        return scene_cat(out, size, path, NULL, NULL);
    if (!getcwd(out, size))
        return false;
    return scene_cat(out, size, out, strlen(out) > 1 ? "/" : "", path);
}

static bool memo_path(const char *dir, const char *path, bool tangents, char *out, size_t size,
                      char *real)
{
    if (!absolute(path, real, PATH_MAX))
        return false;
    uint64_t h = scene_hash64(real, strlen(real), MEMO_VERSION + (tangents ? 7 : 0));
    return scene_cache_name(out, size, dir, "src-", h, ".memo");
}

// The memo's bytes in the heap (to free), *n of them, and its modification
// time (its last use: stoa_scene_cache_touch); NULL when there is none.
static uint8_t *memo_read(const char *file, size_t *n, int64_t *mtime_ns)
{
    struct stat st;
    int fd = stoa_file_open_regular(file, &st); // never a FIFO's wait
    if (fd < 0)
        return NULL;
    uint8_t *b = NULL;
    if (st.st_size >= 24 && (uint64_t)st.st_size <= MEMO_MAX_BYTES &&
        (b = malloc((size_t)st.st_size)) &&
        pread(fd, b, (size_t)st.st_size, 0) != (ssize_t)st.st_size) {
        free(b); // shorter than its stat said (truncated meanwhile)
        b = NULL;
    }
    close(fd);
    *n = (size_t)st.st_size;
    *mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
    return b;
}

// Where the record of count entries ends (the byte after), or 0 when it is
// malformed; the first entry's path must be `real` (any when NULL);
// `stat_check`: each file's stat must equal its entry's; `out` (when not
// NULL) gets each entry's path and stat.
static size_t parse_entries(const uint8_t *b, size_t n, const char *real, bool stat_check,
                            scene_cache_deps *out)
{
    uint32_t version, count;
    size_t at = 24;
    bool ok = n >= at && memcmp(b, "STOAMEMO", 8) == 0;
    if (ok) {
        memcpy(&version, b + 8, 4);
        memcpy(&count, b + 20, 4);
        ok = version == MEMO_VERSION && count >= 1 && count <= SCENE_CACHE_MAX_DEPS + 1;
    }
    for (uint32_t i = 0; ok && i < count; i++) {
        memo_stat want, have;
        uint32_t len;
        ok = n - at >= sizeof want + 4;
        if (ok) {
            memcpy(&want, b + at, sizeof want);
            memcpy(&len, b + at + sizeof want, 4);
            at += sizeof want + 4;
            ok = len > 0 && len < PATH_MAX && n - at >= len;
        }
        char p[PATH_MAX];
        if (ok) {
            memcpy(p, b + at, len);
            p[len] = 0;
            at += len;
            ok = (i > 0 || !real || strcmp(p, real) == 0) &&
                 (!stat_check ||
                  (scene_cache_stat_of(p, &have) && memcmp(&want, &have, sizeof want) == 0));
        }
        if (ok && out) {
            memcpy(out->path[i], p, len + 1);
            out->st[i] = want;
            out->count = i + 1;
        }
    }
    return ok ? at : 0;
}

// The part after a record ending at `at`: bake[0] the copy's key, bake[1]
// its size, *start where it begins; false when that part is malformed.
static bool copy_part(const uint8_t *b, size_t n, size_t at, uint64_t bake[2], size_t *start)
{
    if (n - at < 16)
        return false;
    memcpy(bake, b + at, 16);
    *start = (at + 16 + 15) & ~(size_t)15;
    return *start <= n && bake[1] == n - *start && (bake[1] == 0) == (bake[0] == 0);
}

bool scene_cache_memo_get(const char *dir, const char *path, bool tangents, uint64_t *key,
                          scene_cache_inline *inl)
{
    char file[PATH_MAX + 64], real[PATH_MAX];
    uint8_t *b = NULL;
    size_t n = 0, at = 0;
    int64_t mtime_ns = 0;
    if (inl) { // field by field: its 4 KiB name need not be zeroed
        inl->alloc = NULL;
        inl->bytes = NULL;
        inl->size = 0;
        inl->memo[0] = 0;
    }
    uint64_t bake[2]; // key, size
    if (!memo_path(dir, path, tangents, file, sizeof file, real) ||
        !(b = memo_read(file, &n, &mtime_ns)) || !(at = parse_entries(b, n, real, true, NULL)) ||
        !copy_part(b, n, at, bake, &at)) {
        free(b);
        return false;
    }
    memcpy(key, b + 12, 8);
    if (inl && bake[1]) { // the copy goes to the caller with the buffer
        inl->alloc = b;
        inl->bytes = b + at;
        inl->size = (size_t)bake[1];
        inl->bake_key = bake[0];
        inl->mtime_ns = mtime_ns;
        scene_cat(inl->memo, sizeof inl->memo, file, NULL, NULL);
        b = NULL;
    }
    free(b);
    return true;
}

static void put(uint8_t **b, size_t *n, size_t *cap, const void *v, size_t len, bool *oom)
{
    if (*oom || *n + len > *cap) {
        size_t c = *cap ? *cap * 2 : 1024;
        while (c < *n + len)
            c *= 2;
        uint8_t *g = *oom ? NULL : realloc(*b, c);
        if (!g) {
            *oom = true;
            return;
        }
        *b = g;
        *cap = c;
    }
    memcpy(*b + *n, v, len);
    *n += len;
}

void scene_cache_memo_put(const char *dir, const char *path, bool tangents, uint64_t key,
                          const scene_cache_deps *deps)
{
    char file[PATH_MAX + 64], real[PATH_MAX];
    if (deps->incomplete || deps->count == 0 ||
        !memo_path(dir, path, tangents, file, sizeof file, real))
        return;
    // A file changed within the last two seconds may change again within its
    // timestamp's granularity without its stat showing it: no memo then.
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    int64_t now_ns = (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
    for (uint32_t i = 0; i < deps->count; i++)
        if (now_ns - deps->st[i].mtime_ns < 2000000000 || now_ns - deps->st[i].ctime_ns < 2000000000)
            return;
    uint8_t *b = NULL;
    size_t n = 0, cap = 0;
    bool oom = false;
    uint32_t version = MEMO_VERSION, count = deps->count;
    put(&b, &n, &cap, "STOAMEMO", 8, &oom);
    put(&b, &n, &cap, &version, 4, &oom);
    put(&b, &n, &cap, &key, 8, &oom);
    put(&b, &n, &cap, &count, 4, &oom);
    for (uint32_t i = 0; i < count; i++) {
        const char *p = i == 0 ? real : deps->path[i];
        uint32_t len = (uint32_t)strlen(p);
        put(&b, &n, &cap, &deps->st[i], sizeof deps->st[i], &oom);
        put(&b, &n, &cap, &len, 4, &oom);
        put(&b, &n, &cap, p, len, &oom);
    }
    // The copy the memo had, for the same content (its files' stats
    // changed, not their bytes: a touch, files sent again): kept, so that
    // hits go on reading one file. Checked when read, as any copy is.
    uint8_t *old = NULL;
    size_t old_n = 0, at = 0, start = 0;
    int64_t mtime_ns;
    uint64_t had, bake[2] = {0, 0}; // none: the writer adds one (scene_cache_memo_attach)
    bool keep = (old = memo_read(file, &old_n, &mtime_ns)) &&
                (at = parse_entries(old, old_n, real, false, NULL)) &&
                (memcpy(&had, old + 12, 8), had == key) &&
                copy_part(old, old_n, at, bake, &start) && bake[1] <= SCENE_CACHE_INLINE_MAX;
    if (!keep)
        bake[0] = bake[1] = 0;
    uint64_t zeros[2] = {0, 0};
    put(&b, &n, &cap, bake, sizeof bake, &oom);
    put(&b, &n, &cap, zeros, (16 - n % 16) % 16, &oom);
    if (bake[1])
        put(&b, &n, &cap, old + start, (size_t)bake[1], &oom);
    free(old);
    stoa_error e = {0};
    if (!oom)
        stoa_file_write_replace(file, b, n, &e);
    free(b);
}

void scene_cache_memo_attach(const char *dir, const char *path, bool tangents, uint64_t key,
                             uint64_t bake_key, const uint8_t *bake, size_t bake_size)
{
    char file[PATH_MAX + 64], real[PATH_MAX];
    uint8_t *b = NULL;
    size_t n = 0, at = 0;
    int64_t mtime_ns;
    uint64_t had;
    // The memo as it is (its files not stat'ed again: the writer's scene was
    // made of them), for the same content; its record kept, the copy replaced.
    if (bake_size == 0 || bake_size > SCENE_CACHE_INLINE_MAX ||
        !memo_path(dir, path, tangents, file, sizeof file, real) ||
        !(b = memo_read(file, &n, &mtime_ns)) || !(at = parse_entries(b, n, real, false, NULL)) ||
        (memcpy(&had, b + 12, 8), had != key)) {
        free(b);
        return;
    }
    size_t start = (at + 16 + 15) & ~(size_t)15, total = start + bake_size;
    uint8_t *out = calloc(1, total);
    if (out) {
        memcpy(out, b, at);
        uint64_t head[2] = {bake_key, bake_size};
        memcpy(out + at, head, 16);
        memcpy(out + start, bake, bake_size);
        stoa_error e = {0};
        stoa_file_write_replace(file, out, total, &e);
    }
    free(out);
    free(b);
}

bool scene_cache_memo_copy_key(const char *memo_file, uint64_t *bake_key)
{
    size_t n = 0, at;
    int64_t mtime_ns;
    uint8_t *b = memo_read(memo_file, &n, &mtime_ns);
    uint64_t head[2] = {0, 0};
    // The first entry's path is the scene's: any, here (no stat). The copy
    // part read as a load reads it (copy_part), so that pruning and loads
    // agree on which memos hold a copy.
    if (!b || !(at = parse_entries(b, n, NULL, false, NULL)) || !copy_part(b, n, at, head, &at))
        head[0] = head[1] = 0;
    free(b);
    *bake_key = head[0];
    return head[1] != 0;
}

bool scene_cache_memo_sources(const char *dir, const char *path, bool tangents, char *file,
                              size_t file_size, scene_cache_deps *out, size_t *memo_size)
{
    char real[PATH_MAX];
    size_t n = 0;
    int64_t mtime_ns;
    uint8_t *b = NULL;
    out->count = 0;
    bool ok = memo_path(dir, path, tangents, file, file_size, real) &&
              (b = memo_read(file, &n, &mtime_ns)) && parse_entries(b, n, real, false, out) != 0;
    *memo_size = n;
    free(b);
    return ok;
}
