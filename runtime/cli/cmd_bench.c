// SPDX-License-Identifier: Apache-2.0
// `stoa bench load [--repeat N] [--generated|--samples] [FILES...]`: Stoa's import + GPU upload
// against Assimp's own bare import of the same file with the same
// post-processing flags (stoa_scene_import_flags), median of N runs each.
// Columns: assimp = aiImportFile alone; load = stoa_scene_load (which also
// decodes every image, work Assimp's bare import does not do); upload =
// stoa_gfx_scene_create; stoa = load + upload; ratio = stoa / assimp.
// The deferred path (stoa_scene_load_desc.defer_textures and .defer_lods, as
// `stoa run` loads) adds: first = deferred load + upload, when the scene can
// be drawn at full detail (textures still decoding show neutral stand-ins;
// levels of detail still being made); ratio = first / assimp; all = from the
// start of that deferred load until every texture is decoded
// (stoa_scene_textures_ready waiting) and uploaded
// (stoa_gfx_scene_update_textures) and the levels of detail are on the GPU. A last line splits the (normal) load
// time by the stages stoa_scene_load reports.
// The baked scene cache (stoa_scene_cache.h) adds: cached = stoa_scene_load
// from a valid cache file (in a fresh folder made for the run, filled by one
// load before timing); ratio = assimp / cached (how many times faster);
// cached+up = that load + upload. The deferred runs start each time with no
// cache file, as a first load in class does. --json prints one JSON object
// per line and file (medians, ms), then one with the totals and the load
// average. --stages adds a table of where the first loads spent their time,
// per file and stage (bench_stages.c; the scene module's stage timers).
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
// This file includes Assimp's C API, the one place outside runtime/scene that
// does: a benchmark against Assimp has to call it. No Assimp type goes
// anywhere else.
#include <assimp/cimport.h>
#include <assimp/scene.h>
#include <cjson/cJSON.h>
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bench_files.h"
#include "bench_stages.h"
#include "core/stoa_json.h"
#include "gfx/stoa_gfx.h"
#include "scene/stoa_scene.h"
#include "scene/stoa_scene_cache.h"
#include "stoa_cli.h"

#define MAX_REPEAT 101

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec * 1e-6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

// Time spent in each stage that stoa_scene_load reports through its progress
// callback ("geometry", "textures", ...), summed over runs. The names are the
// scene module's; whatever it reports is shown.
#define MAX_STAGES 12

typedef struct stage_clock {
    const char *name[MAX_STAGES];
    double ms[MAX_STAGES];
    uint32_t count;
    const char *current; // stage running now, NULL between loads
    double since;
} stage_clock;

static void stage_add(stage_clock *c, const char *name, double ms)
{
    uint32_t i = 0;
    while (i < c->count && strcmp(c->name[i], name) != 0)
        i++;
    if (i == MAX_STAGES)
        return;
    if (i == c->count)
        c->name[c->count++] = name;
    c->ms[i] += ms;
}

static void on_progress(void *user, float fraction, const char *stage)
{
    (void)fraction;
    stage_clock *c = user;
    double t = now_ms();
    if (c->current)
        stage_add(c, c->current, t - c->since);
    c->current = stage && strcmp(stage, "done") != 0 ? stage : NULL;
    c->since = t;
}

typedef struct timing {
    double assimp, load, upload; // medians, ms
    double first, all;           // deferred path: drawable, every texture in
    double cached, cached_up;    // from the baked scene cache: load, load + upload
} timing;

// The run's cache folder (a fresh temporary one) and whether --json is on.
static char g_cache_dir[PATH_MAX];
static bool g_json;
// --stages: the first loads' stage timers, summed per file (bench_stages.c).
static bool g_stages;
static bench_stage_row g_stage_row;

static void remove_cache_files(void)
{
    DIR *d = g_cache_dir[0] ? opendir(g_cache_dir) : NULL;
    struct dirent *e;
    while (d && (e = readdir(d))) {
        char p[PATH_MAX + 300];
        snprintf(p, sizeof p, "%s/%s", g_cache_dir, e->d_name);
        if (strstr(e->d_name, ".stoabake"))
            unlink(p);
    }
    if (d)
        closedir(d);
}

// One load + upload through the cache; *load and *up in ms. The scene must
// come from its cache file (a miss is an error: the file was made first).
static stoa_result time_cached(stoa_gfx_renderer *r, const char *path, double *load, double *up,
                               stoa_error *err)
{
    stoa_scene *scene = NULL;
    stoa_gfx_scene *gs = NULL;
    stoa_scene_load_desc desc = {.use_cache = true, .cache_dir = g_cache_dir};
    double t0 = now_ms();
    stoa_result res = stoa_scene_load(path, &desc, &scene, err);
    double t1 = now_ms();
    if (res >= 0 && stoa_scene_cache_outcome_of(scene) != STOA_SCENE_CACHE_HIT)
        res = stoa_error_set(err, STOA_ERROR_STATE, "%s: not loaded from the scene cache", path);
    if (res >= 0)
        res = stoa_gfx_scene_create(r, scene, &gs, err);
    double t2 = now_ms();
    stoa_gfx_scene_destroy(&gs);
    stoa_scene_destroy(&scene);
    *load = t1 - t0;
    *up = t2 - t0;
    return res;
}

// One deferred load: ms until the scene is drawable (*first) and until every
// texture is decoded and on the GPU (*all), both from the start of the load.
static stoa_result time_deferred(stoa_gfx_renderer *r, const char *path, double *first,
                                 double *all, stoa_error *err)
{
    stoa_scene *scene = NULL;
    stoa_gfx_scene *gs = NULL;
    stoa_scene_load_desc desc = {.defer_textures = true, .defer_lods = true, .use_cache = true,
                                 .cache_dir = g_cache_dir};
    remove_cache_files(); // a first load: no cache file yet
    if (g_stages)
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
    if (g_stages) {
        bench_stages_stop(&g_stage_row);
        g_stage_row.upload[0] += u1 - u0;
        g_stage_row.upload[1] += u2 - u1;
        g_stage_row.upload[2] += t1 - u2;
        g_stage_row.first += t1 - t0;
        g_stage_row.runs++;
    }
    *first = t1 - t0;
    *all = t2 - t0;
    return res;
}

static int bench_file(stoa_gfx_renderer *r, const char *path, int repeat, timing *out,
                      stage_clock *stages)
{
    double a[MAX_REPEAT], l[MAX_REPEAT], u[MAX_REPEAT], f[MAX_REPEAT], w[MAX_REPEAT];
    double c[MAX_REPEAT], cu[MAX_REPEAT];
    stage_clock warm = {0};
    for (int i = -1; i < repeat; i++) { // run -1 warms the page cache
        if (i == 0)
            g_stage_row = (bench_stage_row){0}; // the warm-up run is not counted
        double t0 = now_ms();
        const struct aiScene *ai = aiImportFile(path, stoa_scene_import_flags());
        double t1 = now_ms();
        // Assimp alone cannot read every file Stoa can (EXT_meshopt_compression):
        // no baseline then, shown as n/a.
        if (!ai && i < 0)
            fprintf(stderr, "stoa bench: Assimp alone cannot import %s (%s): no baseline\n",
                    path, aiGetErrorString());
        if (!ai)
            t1 = t0 - 1;
        aiReleaseImport(ai);
        stoa_error err = {0};
        stoa_scene *scene = NULL;
        stoa_gfx_scene *gs = NULL;
        stage_clock *clock = i >= 0 ? stages : &warm;
        stoa_scene_load_desc desc = {.progress = on_progress, .progress_user = clock};
        double t2 = now_ms();
        stoa_result res = stoa_scene_load(path, &desc, &scene, &err);
        clock->current = NULL; // a failed load does not report "done"
        double t3 = now_ms();
        if (res >= 0)
            res = stoa_gfx_scene_create(r, scene, &gs, &err);
        double t4 = now_ms();
        stoa_gfx_scene_destroy(&gs);
        stoa_scene_destroy(&scene);
        double first = 0, all = 0, cached = 0, cached_up = 0;
        if (res >= 0)
            res = time_deferred(r, path, &first, &all, &err);
        if (res >= 0 && i < 0) { // the cache file the cached runs read
            res = stoa_scene_bake(path, g_cache_dir, NULL, 0, NULL, &err);
        }
        if (res >= 0)
            res = time_cached(r, path, &cached, &cached_up, &err);
        if (res < 0) {
            fprintf(stderr, "stoa bench: %s\n", err.message);
            return 1;
        }
        if (i >= 0) {
            a[i] = t1 - t0;
            l[i] = t3 - t2;
            u[i] = t4 - t3;
            f[i] = first;
            w[i] = all;
            c[i] = cached;
            cu[i] = cached_up;
        }
    }
    out->assimp = median(a, repeat);
    out->load = median(l, repeat);
    out->upload = median(u, repeat);
    out->first = median(f, repeat);
    out->all = median(w, repeat);
    out->cached = median(c, repeat);
    out->cached_up = median(cu, repeat);
    remove_cache_files();
    return 0;
}

// One line: the load column split by stage (means per run, summed over the
// files). Images decode on worker threads from the start of "geometry";
// "textures" is the wait for whatever decoding is left.
static void print_stages(const stage_clock *c, int repeat)
{
    if (c->count == 0)
        return;
    printf("load by stage (ms):");
    for (uint32_t i = 0; i < c->count; i++)
        printf(" %s %.2f%s", c->name[i], c->ms[i] / repeat, i + 1 < c->count ? "," : "\n");
}

static void print_header(void)
{
    if (g_json)
        return;
    printf("columns (ms, median of runs): assimp = Assimp's bare import; load = stoa_scene_load "
           "(waits for every image); upload = stoa_gfx_scene_create; stoa = load + upload; "
           "ratio = stoa / assimp;\n  deferred (.defer_textures, no cache file): first = load + "
           "upload until drawable, textures as stand-ins; ratio = first / assimp; all = until "
           "every texture is decoded and uploaded;\n  cached = stoa_scene_load from the baked "
           "scene cache; x = assimp / cached (times faster); cached+up = with the upload\n");
    printf("%-40s %9s %9s %9s %9s %6s %9s %6s %9s %8s %7s %9s\n", "file", "assimp", "load",
           "upload", "stoa", "ratio", "first", "ratio", "all", "cached", "x", "cached+up");
}

static void json_row(const char *name, const timing *t, bool total)
{
    printf("{\"%s\": \"", total ? "total" : "file");
    for (const char *p = name; *p; p++)
        printf(*p == '"' || *p == '\\' ? "\\%c" : "%c", *p);
    printf("\", \"assimp_ms\": %.3f, \"load_ms\": %.3f, \"upload_ms\": %.3f, "
           "\"first_frame_ms\": %.3f, \"all_textures_ms\": %.3f, \"cached_ms\": %.3f, "
           "\"cached_upload_ms\": %.3f}\n",
           t->assimp, t->load, t->upload, t->first, t->all, t->cached, t->cached_up);
}

static void print_row(const char *name, const timing *t, bool total)
{
    if (g_json) {
        json_row(name, t, total);
        return;
    }
    double stoa = t->load + t->upload;
    char a[16] = "n/a", r1[16] = "n/a", r2[16] = "n/a", r3[16] = "n/a";
    if (t->assimp >= 0) { // else no Assimp baseline for this file
        snprintf(a, sizeof a, "%.2f", t->assimp);
        snprintf(r1, sizeof r1, "%.2f", t->assimp > 0 ? stoa / t->assimp : 0.0);
        snprintf(r2, sizeof r2, "%.2f", t->assimp > 0 ? t->first / t->assimp : 0.0);
        snprintf(r3, sizeof r3, "%.1f", t->cached > 0 ? t->assimp / t->cached : 0.0);
    }
    printf("%-40.40s %9s %9.2f %9.2f %9.2f %6s %9.2f %6s %9.2f %8.3f %7s %9.2f\n", name, a,
           t->load, t->upload, stoa, r1, t->first, r2, t->all, t->cached, r3, t->cached_up);
}

// Benches each file of one set, prints a row per file and the set's total.
static int bench_set(stoa_gfx_renderer *r, const file_list *files, int repeat,
                     const char *total_name, stage_clock *stages, bool skip_failures)
{
    timing total = {0};
    for (int i = 0; i < files->count; i++) {
        timing t;
        if (bench_file(r, files->path[i], repeat, &t, stages) != 0) {
            if (!skip_failures)
                return 1;
            printf("  (skipped %s: it does not load)\n", files->path[i]);
            continue;
        }
        const char *name = strrchr(files->path[i], '/');
        print_row(name ? name + 1 : files->path[i], &t, false);
        if (g_stages)
            bench_stages_keep(name ? name + 1 : files->path[i], &g_stage_row);
        total.assimp = total.assimp < 0 || t.assimp < 0 ? -1 : total.assimp + t.assimp;
        total.load += t.load;
        total.upload += t.upload;
        total.first += t.first;
        total.all += t.all;
        total.cached += t.cached;
        total.cached_up += t.cached_up;
    }
    if (files->count > 0)
        print_row(total_name, &total, true);
    return 0;
}

enum { SET_GENERATED = 1, SET_SAMPLES = 2 };

// Fills the default sets (see the top of the file) that `want` asks for.
static int default_sets(int want, file_list *gen, file_list *smp, char *gen_root,
                        char *smp_root)
{
    if (want & SET_GENERATED) {
        if (!bench_find_testmodels(gen_root, PATH_MAX)) {
            fprintf(stderr, "stoa bench: no generated test models at %s: build the "
                            "`testmodels` target or set STOA_TESTMODELS\n", gen_root);
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

static int bench_load(int argc, char **argv)
{
    int repeat = 5, want = 0;
    file_list files = {0}, gen = {0}, smp = {0}, var = {0};
    int rc = 0;
    for (int i = 1; i < argc && rc == 0; i++) {
        if (strcmp(argv[i], "--repeat") == 0 && i + 1 < argc) {
            repeat = atoi(argv[++i]);
            if (repeat < 1 || repeat > MAX_REPEAT) {
                fprintf(stderr, "stoa bench: --repeat wants 1..%d\n", MAX_REPEAT);
                rc = 2;
            }
        } else if (strcmp(argv[i], "--json") == 0) {
            g_json = true;
        } else if (strcmp(argv[i], "--stages") == 0) {
            g_stages = true;
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
        rc = default_sets(want ? want : SET_GENERATED | SET_SAMPLES, &gen, &smp, gen_root,
                          smp_root);
    if (rc == 0 && files.count == 0 && (!want || (want & SET_GENERATED)))
        rc = bench_variant_files(var_root, &var);
    stoa_error err = {0};
    stoa_gfx_device *dev = NULL;
    stoa_gfx_renderer *r = NULL;
    stoa_gfx_device_desc dd = {.headless = true, .validation = STOA_GFX_VALIDATION_OFF};
    if (rc == 0 && (stoa_gfx_device_create(&dd, &dev, &err) < 0 ||
                    stoa_gfx_renderer_create(dev, NULL, &r, &err) < 0)) {
        fprintf(stderr, "stoa bench: %s\n", err.message);
        rc = 1;
    }
    snprintf(g_cache_dir, sizeof g_cache_dir, "%s/stoa-bench-cache-XXXXXX",
             getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (rc == 0 && !mkdtemp(g_cache_dir)) {
        fprintf(stderr, "stoa bench: cannot make a cache folder %s\n", g_cache_dir);
        rc = 1;
    }
    if (rc == 0)
        print_header();
    stage_clock stages = {0};
    if (rc == 0)
        rc = bench_set(r, &files, repeat, "total", &stages, false);
    if (rc == 0 && gen.count > 0) {
        if (!g_json)
            printf("generated test models (%d files in %s):\n", gen.count, gen_root);
        rc = bench_set(r, &gen, repeat, "total generated", &stages, false);
    }
    if (rc == 0 && var.count > 0) {
        if (!g_json)
            printf("their compressed variants (%d files in %s):\n", var.count, var_root);
        rc = bench_set(r, &var, repeat, "total variants", &stages, true);
    }
    if (rc == 0 && smp.count > 0) {
        if (!g_json)
            printf("Khronos sample models (%d files in %s):\n", smp.count, smp_root);
        rc = bench_set(r, &smp, repeat, "total samples", &stages, false);
    }
    if (rc == 0 && !g_json)
        print_stages(&stages, repeat);
    if (rc == 0 && !g_json)
        bench_stages_print();
    double loadavg[3] = {0};
    if (rc == 0 && getloadavg(loadavg, 3) > 0)
        printf(g_json ? "{\"load_average\": %.2f}\n" : "load average at the end: %.2f\n",
               loadavg[0]);
    remove_cache_files();
    if (g_cache_dir[0])
        rmdir(g_cache_dir);
    stoa_gfx_renderer_destroy(&r);
    stoa_gfx_device_destroy(&dev);
    bench_list_free(&files);
    bench_list_free(&gen);
    bench_list_free(&smp);
    bench_list_free(&var);
    return rc;
}

int stoa_cmd_bench(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "load") == 0)
        return bench_load(argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "frame") == 0)
        return stoa_bench_frame(argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "launch") == 0)
        return stoa_bench_launch(argc - 1, argv + 1);
    FILE *f = argc >= 2 && strcmp(argv[1], "--help") == 0 ? stdout : stderr;
    fprintf(f, "usage: stoa bench load [--repeat N] [--json] [--stages] [--generated|--samples] "
               "[FILES...]\n"
               "       stoa bench frame [--stream] [SCENE_OR_LESSON...]\n"
               "       stoa bench launch [--repeat N] [LESSON|SCENE]\n"
               "  Times Assimp's bare import of each file against Stoa's import + GPU\n"
               "  upload; medians of N runs. Without FILES: Stoa's generated test models\n"
               "  ($STOA_TESTMODELS, else testmodels/ beside the stoa binary), then the\n"
               "  Khronos sample corpus when it is there ($STOA_GLTF_SAMPLES, else\n"
               "  ../shared/gltf-samples); --generated or --samples picks one set.\n");
    return f == stdout ? 0 : 2;
}
