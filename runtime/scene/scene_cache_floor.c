// SPDX-License-Identifier: Apache-2.0
// stoa_scene_cache_hit_floor (stoa_scene_cache.h): the system calls a hit
// cannot do without, timed alone, so that a benchmark can show how fast any
// hit could be on this machine (docs/performance.md). The calls are the
// hit's own (scene_cache_memo_get's): the memo opened as a regular file
// (open, fstat), read whole with one pread and closed, then each source
// stat'ed by scene_cache_stat_of; the memo is read into one buffer made
// before the rounds (a heap block per round would time the allocator).
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/stoa_clock.h"
#include "core/stoa_file.h"
#include "core/stoa_stats.h"
#include "scene/stoa_scene_cache.h"
#include "scene_cache.h"

#define FLOOR_MAX_RUNS 4096

// One round: the hit's calls, the memo read into buf (size bytes); false
// when one failed (the memo went or changed size).
static bool round_of(const char *path, const char *file, uint8_t *buf, size_t size,
                     const scene_cache_deps *src)
{
    char cwd[PATH_MAX];
    if (path[0] != '/' && !getcwd(cwd, sizeof cwd)) // the memo's name (absolute)
        return false;
    struct stat st;
    int fd = stoa_file_open_regular(file, &st);
    if (fd < 0)
        return false;
    bool ok = (size_t)st.st_size == size && pread(fd, buf, size, 0) == (ssize_t)size;
    close(fd);
    for (uint32_t i = 0; i < src->count; i++) {
        scene_cache_stat s;
        ok = scene_cache_stat_of(src->path[i], &s) && ok;
    }
    return ok;
}

bool stoa_scene_cache_hit_floor(const char *path, const char *cache_dir, bool no_generated_tangents,
                                int runs, double *median_ms, uint32_t *calls)
{
    char dir[3900], file[PATH_MAX + 64];
    scene_cache_deps *src = calloc(1, sizeof *src);
    runs = runs < 1 ? 1 : runs > FLOOR_MAX_RUNS ? FLOOR_MAX_RUNS : runs;
    double *t = malloc(sizeof *t * (size_t)runs);
    size_t size = 0; // the memo's, as read for its sources (bounded there)
    uint8_t *buf = NULL;
    bool ok =
        src && t && scene_cache_dir_name(cache_dir, dir, sizeof dir) &&
        scene_cache_memo_sources(dir, path, no_generated_tangents, file, sizeof file, src, &size) &&
        (buf = malloc(size));
    stoa_clock *clock = stoa_clock_monotonic();
    for (int i = 0; ok && i < runs; i++) {
        int64_t a = stoa_clock_now(clock);
        ok = round_of(path, file, buf, size, src);
        t[i] = (double)(stoa_clock_now(clock) - a) / 1e6;
    }
    free(buf);
    if (ok) {
        *median_ms = stoa_median(t, (size_t)runs);
        *calls = (path[0] != '/') + 4 + src->count; // open, fstat, pread, close
    }
    free(t);
    free(src);
    return ok;
}
