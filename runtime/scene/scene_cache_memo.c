// SPDX-License-Identifier: Apache-2.0
// The baked scene cache's key memo (see scene_cache.h). One small file per
// scene path and options, "<dir>/src-<hash>.memo":
//   "STOAMEMO", u32 version, u64 key, u32 count, then count entries of
//   u64 size, i64 mtime_ns, i64 ctime_ns, u64 inode, u64 device, u32 length, path
// The first entry is the scene file. Read with every bound checked; any
// doubt (a missing, short or odd memo, any file changed) means no memo.
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

#define MEMO_VERSION 2u // 2: named by the absolute path as given, not realpath
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
        return snprintf(out, size, "%s", path) < (int)size;
    if (!getcwd(out, size))
        return false;
    size_t n = strlen(out);
    return snprintf(out + n, size - n, "%s%s", n > 1 ? "/" : "", path) < (int)(size - n);
}

static bool memo_path(const char *dir, const char *path, bool tangents, char *out, size_t size,
                      char *real)
{
    if (!absolute(path, real, PATH_MAX))
        return false;
    uint64_t h = scene_hash64(real, strlen(real), MEMO_VERSION + (tangents ? 7 : 0));
    return snprintf(out, size, "%s/src-%016llx.memo", dir, (unsigned long long)h) < (int)size;
}

// The memo's bytes: one read into `stack` (a memo is a few hundred bytes),
// else from the heap (*heap, to free); NULL when there is none.
static const uint8_t *memo_read(const char *file, uint8_t *stack, size_t stack_size,
                                uint8_t **heap, size_t *n)
{
    *heap = NULL;
    struct stat st;
    int fd = stoa_file_open_regular(file, &st); // never a FIFO's wait
    if (fd < 0)
        return NULL;
    ssize_t got = read(fd, stack, stack_size);
    close(fd);
    if (got < 0)
        return NULL;
    if ((size_t)got < stack_size) {
        *n = (size_t)got;
        return stack;
    }
    stoa_error e = {0};
    if (stoa_file_read(file, MEMO_MAX_BYTES, heap, n, &e) < 0)
        return NULL;
    return *heap;
}

bool scene_cache_memo_get(const char *dir, const char *path, bool tangents, uint64_t *key)
{
    char file[PATH_MAX + 64], real[PATH_MAX];
    uint8_t stack[4096], *heap = NULL;
    const uint8_t *b = NULL;
    size_t n = 0;
    if (!memo_path(dir, path, tangents, file, sizeof file, real) ||
        !(b = memo_read(file, stack, sizeof stack, &heap, &n)))
        return false;
    uint32_t version, count;
    size_t at = 24;
    bool ok = n >= at && memcmp(b, "STOAMEMO", 8) == 0;
    if (ok) {
        memcpy(&version, b + 8, 4);
        memcpy(key, b + 12, 8);
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
            ok = (i > 0 || strcmp(p, real) == 0) && scene_cache_stat_of(p, &have) &&
                 memcmp(&want, &have, sizeof want) == 0;
        }
    }
    free(heap);
    return ok && at == n;
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
    stoa_error e = {0};
    if (!oom)
        stoa_file_write_atomic(file, b, n, &e);
    free(b);
}
