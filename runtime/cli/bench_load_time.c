// SPDX-License-Identifier: Apache-2.0
// The timed loads of one file for `stoa bench load` (bench_load.h): Assimp's
// bare import, Stoa's normal load + upload, a deferred first load with no
// cache file, and a load from the baked scene cache.
//
// This file includes Assimp's C API, the one place outside runtime/scene that
// does: a benchmark against Assimp has to call it. No Assimp type goes
// anywhere else.
#include <assimp/cimport.h>
#include <assimp/scene.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench_load.h"
#include "core/stoa_clock.h"
#include "core/stoa_stats.h"
#include "scene/stoa_scene.h"
#include "scene/stoa_scene_cache.h"

static double now_ms(void)
{
    return stoa_time_seconds() * 1e3;
}

static double median(double *v, int n)
{
    return stoa_median(v, (size_t)n);
}

static void stage_add(bench_stage_clock *c, const char *name, double ms)
{
    uint32_t i = 0;
    while (i < c->count && strcmp(c->name[i], name) != 0)
        i++;
    if (i == BENCH_MAX_STAGES)
        return;
    if (i == c->count)
        c->name[c->count++] = name;
    c->ms[i] += ms;
}

static void on_progress(void *user, float fraction, const char *stage)
{
    (void)fraction;
    bench_stage_clock *c = user;
    double t = now_ms();
    if (c->current)
        stage_add(c, c->current, t - c->since);
    c->current = stage && strcmp(stage, "done") != 0 ? stage : NULL;
    c->since = t;
}

void bench_load_remove_cache_files(const bench_load_ctx *ctx)
{
    DIR *d = ctx->cache_dir[0] ? opendir(ctx->cache_dir) : NULL;
    struct dirent *e;
    while (d && (e = readdir(d))) {
        char p[PATH_MAX + 300];
        snprintf(p, sizeof p, "%s/%s", ctx->cache_dir, e->d_name);
        if (strstr(e->d_name, ".stoabake") || strstr(e->d_name, ".memo"))
            unlink(p); // a memo may hold a copy of a small cache file
    }
    if (d)
        closedir(d);
}

// The two columns whose ratio is the aim (Assimp's bare import, the load
// from the cache) take well under a millisecond for most files. A lone run
// that short, after the heavier runs before it, measures the caches and the
// clock speed those left more than itself; so each of the two is run in a
// row until IN_A_ROW_MS have passed (at least MIN_IN_A_ROW runs, at most
// MAX_IN_A_ROW) and the median of those runs kept, as a benchmark harness
// does: both the same way, neither favoured.
#define IN_A_ROW_MS 20.0
#define MIN_IN_A_ROW 3
#define MAX_IN_A_ROW 1000

static bool row_done(int n, double since)
{
    return n >= MAX_IN_A_ROW || (n >= MIN_IN_A_ROW && now_ms() - since >= IN_A_ROW_MS);
}

// The median of loads through the cache in a row (ms), then one load +
// upload (*up, ms), then the floor under those hits (as many rounds of
// their system calls alone: *hit_floor ms, 0 when the scene has no key memo).
// The scene must come from its cache file (a miss is an error: the file was
// made first).
static stoa_result time_cached(bench_load_ctx *ctx, const char *path, double *load, double *up,
                               double *hit_floor, uint32_t *calls, stoa_error *err)
{
    stoa_scene *scene = NULL;
    stoa_gfx_scene *gs = NULL;
    stoa_scene_load_desc desc = {.use_cache = true, .cache_dir = ctx->cache_dir};
    static double runs[MAX_IN_A_ROW];
    stoa_result res = STOA_OK;
    int n = 0;
    for (double since = now_ms(); res >= 0 && !row_done(n, since); n++) {
        double a = now_ms();
        res = stoa_scene_load(path, &desc, &scene, err);
        runs[n] = now_ms() - a;
        if (res >= 0 && stoa_scene_cache_outcome_of(scene) != STOA_SCENE_CACHE_HIT)
            res =
                stoa_error_set(err, STOA_ERROR_STATE, "%s: not loaded from the scene cache", path);
        stoa_scene_destroy(&scene);
    }
    double t0 = now_ms();
    if (res >= 0)
        res = stoa_scene_load(path, &desc, &scene, err);
    if (res >= 0)
        res = stoa_gfx_scene_create(ctx->r, scene, &gs, err);
    stoa_gfx_renderer_finish_uploads(ctx->r); // the copies done, as before uploads were waited for
    double t2 = now_ms();
    stoa_gfx_scene_destroy(&gs);
    stoa_scene_destroy(&scene);
    *load = median(runs, n);
    *up = t2 - t0;
    *hit_floor = 0; // stays 0 without a key memo (nothing timed)
    *calls = 0;
    if (res >= 0)
        stoa_scene_cache_hit_floor(path, ctx->cache_dir, false, n, hit_floor, calls);
    return res;
}

// The median of Assimp's bare imports in a row (ms); -1 when Assimp cannot
// import the file.
static double time_assimp(const char *path)
{
    static double runs[MAX_IN_A_ROW];
    int n = 0;
    for (double since = now_ms(); !row_done(n, since); n++) {
        double t0 = now_ms();
        const struct aiScene *ai = aiImportFile(path, stoa_scene_import_flags());
        runs[n] = now_ms() - t0;
        if (!ai)
            return -1;
        aiReleaseImport(ai);
    }
    return median(runs, n);
}

// One deferred load: ms until the scene is drawable (*first: a frame drawing
// it could be submitted; its upload is submitted, not waited for) and until
// every texture is decoded and on the GPU (*all), both from the start of the
// load.
static stoa_result time_deferred(bench_load_ctx *ctx, const char *path, double *first, double *all,
                                 stoa_error *err)
{
    stoa_scene *scene = NULL;
    stoa_gfx_scene *gs = NULL;
    stoa_gfx_renderer *r = ctx->r;
    // As `stoa run` loads: its background work held until the first frame.
    stoa_scene_load_desc desc = {.defer_textures = true,
                                 .defer_lods = true,
                                 .use_cache = true,
                                 .cache_dir = ctx->cache_dir,
                                 .hold_background = true};
    bench_load_remove_cache_files(ctx); // a first load: no cache file yet
    if (ctx->stages)
        bench_stages_start();
    double t0 = now_ms();
    stoa_result res = stoa_scene_load(path, &desc, &scene, err);
    // stoa_gfx_scene_create's three steps, timed apart for --stages.
    stoa_gfx_upload *up = NULL;
    double u0 = now_ms();
    if (res >= 0)
        res = stoa_gfx_scene_upload_begin(r, scene, &up, err);
    double u1 = now_ms();
    if (up)
        stoa_gfx_scene_upload_fill(up, err);
    double u2 = now_ms();
    if (up)
        res = stoa_gfx_scene_upload_end(&up, &gs, err);
    double t1 = now_ms();
    stoa_scene_release_background(scene); // as stoa run does after its first frame
    // A frame could be submitted now (the upload is on the queue before it);
    // how long the device takes to do the copies is shown apart (--stages).
    stoa_gfx_renderer_finish_uploads(r);
    double g1 = now_ms();
    if (res >= 0) {
        stoa_scene_textures_ready(scene, true);
        res = stoa_gfx_scene_update_textures(r, gs, scene, err);
    }
    if (res >= 0) { // and the levels of detail, as stoa run takes them
        stoa_scene_lods_ready(scene, true);
        res = stoa_gfx_scene_add_lods(r, gs, scene, err);
    }
    double t2 = now_ms();
    stoa_gfx_scene_destroy(&gs);
    stoa_scene_destroy(&scene); // waits for the cache writer
    if (ctx->stages) {
        bench_stages_stop(&ctx->stage_row);
        ctx->stage_row.upload[0] += u1 - u0;
        ctx->stage_row.upload[1] += u2 - u1;
        ctx->stage_row.upload[2] += t1 - u2;
        ctx->stage_row.first += t1 - t0;
        ctx->stage_row.gpu += g1 - t1;
        ctx->stage_row.runs++;
    }
    *first = t1 - t0;
    *all = t2 - t0;
    return res;
}

int bench_load_file(bench_load_ctx *ctx, const char *path, bench_timing *out)
{
    int repeat = ctx->repeat;
    double a[BENCH_MAX_REPEAT], l[BENCH_MAX_REPEAT], u[BENCH_MAX_REPEAT], f[BENCH_MAX_REPEAT],
        w[BENCH_MAX_REPEAT], c[BENCH_MAX_REPEAT], cu[BENCH_MAX_REPEAT], fl[BENCH_MAX_REPEAT];
    bench_stage_clock warm = {0};
    for (int i = -1; i < repeat; i++) { // run -1 warms the page cache
        if (i == 0)
            ctx->stage_row = (bench_stage_row){0}; // the warm-up run is not counted
        double assimp = time_assimp(path);
        // Assimp alone cannot read every file Stoa can (EXT_meshopt_compression):
        // no baseline then, shown as n/a.
        if (assimp < 0 && i < 0)
            fprintf(stderr, "stoa bench: Assimp alone cannot import %s (%s): no baseline\n", path,
                    aiGetErrorString());
        stoa_error err = {0};
        stoa_scene *scene = NULL;
        stoa_gfx_scene *gs = NULL;
        bench_stage_clock *clock = i >= 0 ? &ctx->clock : &warm;
        stoa_scene_load_desc desc = {.progress = on_progress, .progress_user = clock};
        double t2 = now_ms();
        stoa_result res = stoa_scene_load(path, &desc, &scene, &err);
        clock->current = NULL; // a failed load does not report "done"
        double t3 = now_ms();
        if (res >= 0)
            res = stoa_gfx_scene_create(ctx->r, scene, &gs, &err);
        stoa_gfx_renderer_finish_uploads(ctx->r); // upload: until the device has done it
        double t4 = now_ms();
        stoa_gfx_scene_destroy(&gs);
        stoa_scene_destroy(&scene);
        double first = 0, all = 0, cached = 0, cached_up = 0, hit_floor = 0;
        if (res >= 0)
            res = time_deferred(ctx, path, &first, &all, &err);
        if (res >= 0 && i < 0) // the cache file the cached runs read
            res = stoa_scene_bake(path, ctx->cache_dir, NULL, 0, NULL, &err);
        if (res >= 0)
            res = time_cached(ctx, path, &cached, &cached_up, &hit_floor, &out->floor_calls, &err);
        if (res < 0) {
            fprintf(stderr, "stoa bench: %s\n", err.message);
            return 1;
        }
        if (i >= 0) {
            a[i] = assimp;
            l[i] = t3 - t2;
            u[i] = t4 - t3;
            f[i] = first;
            w[i] = all;
            c[i] = cached;
            cu[i] = cached_up;
            fl[i] = hit_floor;
        }
    }
    out->assimp = median(a, repeat);
    out->load = median(l, repeat);
    out->upload = median(u, repeat);
    out->first = median(f, repeat);
    out->all = median(w, repeat);
    out->cached = median(c, repeat);
    out->cached_up = median(cu, repeat);
    out->floor = median(fl, repeat);
    bench_load_remove_cache_files(ctx);
    return 0;
}
