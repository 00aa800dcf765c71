// SPDX-License-Identifier: Apache-2.0
// `stoa bench load [--repeat N] [--generated|--samples] [FILES...]`: Stoa's
// import + GPU upload against Assimp's own bare import of the same file with
// the same post-processing flags (stoa_scene_import_flags), median of N runs
// each.
//
// Columns: assimp = aiImportFile alone; load = stoa_scene_load (which also
// decodes every image, work Assimp's bare import does not do); upload =
// stoa_gfx_scene_create until the device has done its copies; stoa = load +
// upload; ratio = stoa / assimp.
//
// The deferred path (stoa_scene_load_desc.defer_textures, .defer_lods and
// .hold_background, as `stoa run` loads) adds: first = deferred load +
// upload, until a frame drawing the scene at full detail could be submitted
// (textures still decoding show neutral stand-ins; levels of detail still
// being made; the upload is on the queue, not waited for: gfx_upload.c, a
// frame submitted after it is ordered after its copies); ratio = first /
// assimp; all = from the start of that deferred load until every texture is
// decoded (stoa_scene_textures_ready waiting) and uploaded
// (stoa_gfx_scene_update_textures) and the levels of detail are on the GPU.
// --stages shows the device's wait after first apart (up_gpu).
//
// The baked scene cache (stoa_scene_cache.h) adds: cached = stoa_scene_load
// from a valid cache file (in a fresh folder made for the run, filled by one
// load before timing); ratio = assimp / cached (how many times faster);
// cached+up = that load + upload (copies done). The deferred runs start each
// time with no cache file, as a first load in class does.
//
// floor = the system calls every hit of the file makes, timed alone as
// many times (stoa_scene_cache_hit_floor: the key memo's read and a stat of
// each file the scene is made of); x max = assimp / floor: what no hit on
// this machine can pass, however little else it does.
//
// A last line splits the (normal) load time by the stages stoa_scene_load
// reports. --json prints one JSON object per line and file (medians, ms),
// then one with the totals and the load average. --stages adds a table of
// where the first loads spent their time, per file and stage
// (bench_stages.c; the scene module's stage timers).
//
// Without FILES it benches Stoa's generated test models (tools/testmodels,
// every model in their manifest.json but the refused ones), found through
// $STOA_TESTMODELS, else testmodels/ beside the `stoa` binary (the build
// folder), else ./testmodels; then the Khronos sample corpus (its
// MANIFEST.tsv) when it is there: $STOA_GLTF_SAMPLES, else
// ../shared/gltf-samples. --generated or --samples keeps to one set. After
// the generated set come their compressed variants when the variants test
// has made them ($STOA_GLTF_VARIANTS, else test-output/gltf-variants beside
// the binary).
//
// The timed loads themselves are in bench_load_time.c.
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench_files.h"
#include "bench_load.h"
#include "bench_stages.h"
#include "gfx/stoa_gfx.h"
#include "stoa_cli.h"

// One line: the load column split by stage (means per run, summed over the
// files). Images decode on worker threads from the start of "geometry";
// "textures" is the wait for whatever decoding is left.
static void print_stages(const bench_stage_clock *c, int repeat)
{
    if (c->count == 0)
        return;
    printf("load by stage (ms):");
    for (uint32_t i = 0; i < c->count; i++)
        printf(" %s %.2f%s", c->name[i], c->ms[i] / repeat, i + 1 < c->count ? "," : "\n");
}

static void print_header(const bench_load_ctx *ctx)
{
    if (ctx->json)
        return;
    printf("columns (ms, median of runs): assimp = Assimp's bare import; load = stoa_scene_load "
           "(waits for every image); upload = stoa_gfx_scene_create; stoa = load + upload; "
           "ratio = stoa / assimp;\n  deferred (.defer_textures, no cache file): first = load + "
           "upload until drawable (a frame drawing it could be submitted: the upload is on the "
           "queue, not waited for), textures as stand-ins; ratio = first / assimp; all = until "
           "every texture is decoded and uploaded;\n  cached = stoa_scene_load from the baked "
           "scene cache; x = assimp / cached (times faster); cached+up = with the upload;\n"
           "  floor = a hit's own system calls alone (the key memo read, a stat per source "
           "file); x max = assimp / floor (no hit here can be faster)\n");
    printf("%-40s %9s %9s %9s %9s %6s %9s %6s %9s %8s %7s %9s %8s %7s\n", "file", "assimp", "load",
           "upload", "stoa", "ratio", "first", "ratio", "all", "cached", "x", "cached+up", "floor",
           "x max");
}

static void json_row(const char *name, const bench_timing *t, bool total)
{
    printf("{\"%s\": \"", total ? "total" : "file");
    for (const char *p = name; *p; p++) {
        if ((unsigned char)*p < 0x20) // a control character in a file name: still one JSON line
            printf("\\u%04x", (unsigned)(unsigned char)*p);
        else
            printf(*p == '"' || *p == '\\' ? "\\%c" : "%c", *p);
    }
    printf("\", \"assimp_ms\": %.3f, \"load_ms\": %.3f, \"upload_ms\": %.3f, "
           "\"first_frame_ms\": %.3f, \"all_textures_ms\": %.3f, \"cached_ms\": %.3f, "
           "\"cached_upload_ms\": %.3f, \"hit_floor_ms\": %.4f, \"hit_floor_calls\": %u}\n",
           t->assimp, t->load, t->upload, t->first, t->all, t->cached, t->cached_up,
           t->floor > 0 ? t->floor : 0.0, t->floor_calls); // 0: none (no key memo)
}

static void print_row(const bench_load_ctx *ctx, const char *name, const bench_timing *t,
                      bool total)
{
    if (ctx->json) {
        json_row(name, t, total);
        return;
    }
    double stoa = t->load + t->upload;
    char a[16] = "n/a", r1[16] = "n/a", r2[16] = "n/a", r3[16] = "n/a", r4[16] = "n/a",
         fl[16] = "n/a"; // no floor: the scene has no key memo (a file changed in the last 2 s)
    if (t->floor > 0)
        snprintf(fl, sizeof fl, "%.4f", t->floor);
    if (t->assimp >= 0) { // else no Assimp baseline for this file
        snprintf(a, sizeof a, "%.2f", t->assimp);
        snprintf(r1, sizeof r1, "%.2f", t->assimp > 0 ? stoa / t->assimp : 0.0);
        snprintf(r2, sizeof r2, "%.2f", t->assimp > 0 ? t->first / t->assimp : 0.0);
        snprintf(r3, sizeof r3, "%.1f", t->cached > 0 ? t->assimp / t->cached : 0.0);
        if (t->floor > 0)
            snprintf(r4, sizeof r4, "%.1f", t->assimp / t->floor);
    }
    printf("%-40.40s %9s %9.2f %9.2f %9.2f %6s %9.2f %6s %9.2f %8.3f %7s %9.2f %8s %7s\n", name, a,
           t->load, t->upload, stoa, r1, t->first, r2, t->all, t->cached, r3, t->cached_up, fl, r4);
}

// Benches each file of one set, prints a row per file and the set's total.
static int bench_set(bench_load_ctx *ctx, const file_list *files, const char *total_name,
                     bool skip_failures)
{
    bench_timing total = {0};
    for (int i = 0; i < files->count; i++) {
        bench_timing t;
        if (bench_load_file(ctx, files->path[i], &t) != 0) {
            if (!skip_failures)
                return 1;
            // --json: stdout is JSON lines only, so the note goes with the other notes.
            fprintf(ctx->json ? stderr : stdout, "  (skipped %s: it does not load)\n",
                    files->path[i]);
            continue;
        }
        const char *name = strrchr(files->path[i], '/');
        print_row(ctx, name ? name + 1 : files->path[i], &t, false);
        if (ctx->stages)
            bench_stages_keep(name ? name + 1 : files->path[i], &ctx->stage_row);
        total.assimp = total.assimp < 0 || t.assimp < 0 ? -1 : total.assimp + t.assimp;
        total.load += t.load;
        total.upload += t.upload;
        total.first += t.first;
        total.all += t.all;
        total.cached += t.cached;
        total.cached_up += t.cached_up;
        // A set's floor only when every file has one (else n/a, as assimp).
        total.floor = total.floor < 0 || t.floor <= 0 ? -1 : total.floor + t.floor;
        total.floor_calls += t.floor_calls;
    }
    if (files->count > 0)
        print_row(ctx, total_name, &total, true);
    return 0;
}

enum { SET_GENERATED = 1, SET_SAMPLES = 2 };

// Fills the default sets (see the top of the file) that `want` asks for.
static int default_sets(int want, file_list *gen, file_list *smp, char *gen_root, char *smp_root)
{
    if (want & SET_GENERATED) {
        if (!bench_find_testmodels(gen_root, PATH_MAX)) {
            fprintf(stderr,
                    "stoa bench: no generated test models at %s: build the "
                    "`testmodels` target or set STOA_TESTMODELS\n",
                    gen_root);
            return 1;
        }
        if (bench_testmodel_files(gen_root, gen) != 0)
            return 1;
    }
    if (want & SET_SAMPLES) {
        if (!bench_find_samples(smp_root, PATH_MAX)) {
            if (want != (SET_GENERATED | SET_SAMPLES)) {
                fprintf(stderr, "stoa bench: no Khronos sample corpus: set STOA_GLTF_SAMPLES "
                                "or put ../shared/gltf-samples beside the repository\n");
                return 1;
            }
            // By default the samples are an extra: say so and go on without them.
            fprintf(stderr, "stoa bench: no Khronos sample corpus (STOA_GLTF_SAMPLES or "
                            "../shared/gltf-samples): the generated set only\n");
            return 0;
        }
        return bench_sample_files(smp_root, smp);
    }
    return 0;
}

int stoa_bench_load(int argc, char **argv)
{
    bench_load_ctx ctx = {.repeat = 5};
    int want = 0;
    file_list files = {0}, gen = {0}, smp = {0}, var = {0};
    int rc = 0;
    for (int i = 1; i < argc && rc == 0; i++) {
        if (strcmp(argv[i], "--repeat") == 0 && i + 1 < argc) {
            ctx.repeat = atoi(argv[++i]);
            if (ctx.repeat < 1 || ctx.repeat > BENCH_MAX_REPEAT) {
                fprintf(stderr, "stoa bench: --repeat wants 1..%d\n", BENCH_MAX_REPEAT);
                rc = 2;
            }
        } else if (strcmp(argv[i], "--json") == 0) {
            ctx.json = true;
        } else if (strcmp(argv[i], "--stages") == 0) {
            ctx.stages = true;
        } else if (strcmp(argv[i], "--generated") == 0) {
            want |= SET_GENERATED;
        } else if (strcmp(argv[i], "--samples") == 0) {
            want |= SET_SAMPLES;
        } else if (argv[i][0] == '-') {
            fprintf(stderr, "stoa bench: unknown option %s\n", argv[i]);
            rc = 2;
        } else {
            rc = bench_list_add(&files, NULL, argv[i]);
        }
    }
    if (rc == 0 && want && files.count > 0) {
        fprintf(stderr, "stoa bench: --generated/--samples choose the default sets; not with "
                        "FILES\n");
        rc = 2;
    }
    char gen_root[PATH_MAX], smp_root[PATH_MAX], var_root[PATH_MAX];
    if (rc == 0 && files.count == 0)
        rc =
            default_sets(want ? want : SET_GENERATED | SET_SAMPLES, &gen, &smp, gen_root, smp_root);
    if (rc == 0 && files.count == 0 && (!want || (want & SET_GENERATED)))
        rc = bench_variant_files(var_root, &var);
    stoa_error err = {0};
    stoa_gfx_device *dev = NULL;
    stoa_gfx_device_desc dd = {.headless = true, .validation = STOA_GFX_VALIDATION_OFF};
    if (rc == 0 && (stoa_gfx_device_create(&dd, &dev, &err) < 0 ||
                    stoa_gfx_renderer_create(dev, NULL, &ctx.r, &err) < 0)) {
        fprintf(stderr, "stoa bench: %s\n", err.message);
        rc = 1;
    }
    snprintf(ctx.cache_dir, sizeof ctx.cache_dir, "%s/stoa-bench-cache-XXXXXX",
             getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (rc == 0 && !mkdtemp(ctx.cache_dir)) {
        fprintf(stderr, "stoa bench: cannot make a cache folder %s\n", ctx.cache_dir);
        rc = 1;
    }
    if (rc == 0)
        print_header(&ctx);
    if (rc == 0)
        rc = bench_set(&ctx, &files, "total", false);
    if (rc == 0 && gen.count > 0) {
        if (!ctx.json)
            printf("generated test models (%d files in %s):\n", gen.count, gen_root);
        rc = bench_set(&ctx, &gen, "total generated", false);
    }
    if (rc == 0 && var.count > 0) {
        if (!ctx.json)
            printf("their compressed variants (%d files in %s):\n", var.count, var_root);
        rc = bench_set(&ctx, &var, "total variants", true);
    }
    if (rc == 0 && smp.count > 0) {
        if (!ctx.json)
            printf("Khronos sample models (%d files in %s):\n", smp.count, smp_root);
        rc = bench_set(&ctx, &smp, "total samples", false);
    }
    if (rc == 0 && !ctx.json)
        print_stages(&ctx.clock, ctx.repeat);
    if (rc == 0 && !ctx.json)
        bench_stages_print();
    double loadavg[3] = {0};
    if (rc == 0 && getloadavg(loadavg, 3) > 0)
        printf(ctx.json ? "{\"load_average\": %.2f}\n" : "load average at the end: %.2f\n",
               loadavg[0]);
    bench_load_remove_cache_files(&ctx);
    if (ctx.cache_dir[0])
        rmdir(ctx.cache_dir);
    stoa_gfx_renderer_destroy(&ctx.r);
    stoa_gfx_device_destroy(&dev);
    bench_list_free(&files);
    bench_list_free(&gen);
    bench_list_free(&smp);
    bench_list_free(&var);
    return rc;
}
