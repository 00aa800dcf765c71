// SPDX-License-Identifier: Apache-2.0
// `stoa bench load` (bench_load.c: the command, its sets and its output;
// bench_load_time.c: the timed loads of one file). What each column measures
// is said at the top of bench_load.c and in the command's column help.
#pragma once

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "bench_stages.h"
#include "gfx/stoa_gfx.h"

#define BENCH_MAX_REPEAT 101

// Medians of the runs of one file, ms (a total when summed over files).
typedef struct bench_timing {
    double assimp, load, upload; // assimp < 0: Assimp alone cannot read the file
    double first, all;           // deferred path: drawable, every texture in
    double cached, cached_up;    // from the baked scene cache: load, load + upload
    double floor;                // a hit's own system calls alone (stoa_scene_cache_hit_floor)
    uint32_t floor_calls;        // how many (per hit)
} bench_timing;

// Time spent in each stage that stoa_scene_load reports through its progress
// callback ("geometry", "textures", ...), summed over runs. The names are the
// scene module's; whatever it reports is shown.
#define BENCH_MAX_STAGES 12

typedef struct bench_stage_clock {
    const char *name[BENCH_MAX_STAGES];
    double ms[BENCH_MAX_STAGES];
    uint32_t count;
    const char *current; // stage running now, NULL between loads
    double since;
} bench_stage_clock;

typedef struct bench_load_ctx {
    stoa_gfx_renderer *r;
    int repeat;
    bool json;                 // --json
    bool stages;               // --stages: the first loads' stage timers (bench_stages.c)
    char cache_dir[PATH_MAX];  // the run's cache folder (a fresh temporary one)
    bench_stage_row stage_row; // this file's first loads (--stages)
    bench_stage_clock clock;   // the load column by stage, over every file
} bench_load_ctx;

// Benches one file (a warm-up run, then ctx->repeat timed runs); 0 or 1 (the
// message printed on stderr).
int bench_load_file(bench_load_ctx *ctx, const char *path, bench_timing *out);
// Removes the .stoabake files of the run's cache folder.
void bench_load_remove_cache_files(const bench_load_ctx *ctx);
