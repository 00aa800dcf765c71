// SPDX-License-Identifier: Apache-2.0
// `stoa bench load [--repeat N] [FILES...]`: Stoa's import + GPU upload
// against Assimp's own bare import of the same file with the same
// post-processing flags (stoa_scene_import_flags), median of N runs each.
// Columns: assimp = aiImportFile alone; load = stoa_scene_load (which also
// decodes every image, work Assimp's bare import does not do); upload =
// stoa_gfx_scene_create; stoa = load + upload; ratio = stoa / assimp.
// The deferred path (stoa_scene_load_desc.defer_textures) adds: first =
// deferred load + upload, when the scene can be drawn (textures still
// decoding show neutral stand-ins); ratio = first / assimp; all = from the
// start of that deferred load until every texture is decoded
// (stoa_scene_textures_ready waiting) and uploaded
// (stoa_gfx_scene_update_textures). A last line splits the (normal) load
// time by the stages stoa_scene_load reports.
//
// This file includes Assimp's C API, the one place outside runtime/scene that
// does: a benchmark against Assimp has to call it. No Assimp type goes
// anywhere else.
#include <assimp/cimport.h>
#include <assimp/scene.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "gfx/stoa_gfx.h"
#include "scene/stoa_scene.h"
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

static bool is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

// $STOA_GLTF_SAMPLES, else ../shared/gltf-samples beside the source tree
// (seen from the working folder or from the build folder holding `stoa`).
static bool find_samples(char *out, size_t size)
{
    const char *env = getenv("STOA_GLTF_SAMPLES");
    if (env && is_dir(env)) {
        snprintf(out, size, "%s", env);
        return true;
    }
    const char *dir = stoa_cli_exe_dir();
    const char *candidates[] = {"../shared/gltf-samples", "%s/../../shared/gltf-samples",
                                "%s/../shared/gltf-samples"};
    for (size_t i = 0; i < 3; i++) {
        snprintf(out, size, candidates[i], dir);
        if (is_dir(out))
            return true;
    }
    return false;
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
} timing;

// One deferred load: ms until the scene is drawable (*first) and until every
// texture is decoded and on the GPU (*all), both from the start of the load.
static stoa_result time_deferred(stoa_gfx_renderer *r, const char *path, double *first,
                                 double *all, stoa_error *err)
{
    stoa_scene *scene = NULL;
    stoa_gfx_scene *gs = NULL;
    stoa_scene_load_desc desc = {.defer_textures = true};
    double t0 = now_ms();
    stoa_result res = stoa_scene_load(path, &desc, &scene, err);
    if (res >= 0)
        res = stoa_gfx_scene_create(r, scene, &gs, err);
    double t1 = now_ms();
    if (res >= 0) {
        stoa_scene_textures_ready(scene, true);
        res = stoa_gfx_scene_update_textures(r, gs, scene, err);
    }
    double t2 = now_ms();
    stoa_gfx_scene_destroy(&gs);
    stoa_scene_destroy(&scene);
    *first = t1 - t0;
    *all = t2 - t0;
    return res;
}

static int bench_file(stoa_gfx_renderer *r, const char *path, int repeat, timing *out,
                      stage_clock *stages)
{
    double a[MAX_REPEAT], l[MAX_REPEAT], u[MAX_REPEAT], f[MAX_REPEAT], w[MAX_REPEAT];
    stage_clock warm = {0};
    for (int i = -1; i < repeat; i++) { // run -1 warms the page cache
        double t0 = now_ms();
        const struct aiScene *ai = aiImportFile(path, stoa_scene_import_flags());
        double t1 = now_ms();
        if (!ai) {
            fprintf(stderr, "stoa bench: Assimp cannot import %s: %s\n", path, aiGetErrorString());
            return 1;
        }
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
        double first = 0, all = 0;
        if (res >= 0)
            res = time_deferred(r, path, &first, &all, &err);
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
        }
    }
    out->assimp = median(a, repeat);
    out->load = median(l, repeat);
    out->upload = median(u, repeat);
    out->first = median(f, repeat);
    out->all = median(w, repeat);
    return 0;
}

// Appends the MANIFEST's files that Assimp can read to *files.
static int manifest_files(char ***files, int *count)
{
    char root[PATH_MAX], path[PATH_MAX + 32], line[4096];
    if (!find_samples(root, sizeof root)) {
        fprintf(stderr, "stoa bench: no sample corpus: set STOA_GLTF_SAMPLES\n");
        return 1;
    }
    snprintf(path, sizeof path, "%s/MANIFEST.tsv", root);
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "stoa bench: cannot read %s\n", path);
        return 1;
    }
    bool header = true;
    while (fgets(line, sizeof line, f)) {
        if (header) {
            header = false;
            continue;
        }
        char *fields[8] = {0};
        int n = 0;
        for (char *p = line; p && n < 8; n++) {
            fields[n] = p;
            p = strchr(p, '\t');
            if (p)
                *p++ = '\0';
        }
        if (n < 7 || strncmp(fields[6], "yes", 3) != 0)
            continue;
        char **grown = realloc(*files, (size_t)(*count + 1) * sizeof *grown);
        if (!grown)
            break;
        *files = grown;
        size_t len = strlen(root) + strlen(fields[2]) + 2;
        (*files)[*count] = malloc(len);
        if ((*files)[*count]) {
            snprintf((*files)[*count], len, "%s/%s", root, fields[2]);
            (*count)++;
        }
    }
    fclose(f);
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
    printf("columns (ms, median of runs): assimp = Assimp's bare import; load = stoa_scene_load "
           "(waits for every image); upload = stoa_gfx_scene_create; stoa = load + upload; "
           "ratio = stoa / assimp;\n  deferred (.defer_textures): first = load + upload until "
           "drawable, textures as stand-ins; ratio = first / assimp; all = until every texture "
           "is decoded and uploaded\n");
    printf("%-44s %10s %10s %10s %10s %7s %10s %7s %10s\n", "file", "assimp", "load", "upload",
           "stoa", "ratio", "first", "ratio", "all");
}

static void print_row(const char *name, const timing *t)
{
    double stoa = t->load + t->upload;
    printf("%-44.44s %10.2f %10.2f %10.2f %10.2f %7.2f %10.2f %7.2f %10.2f\n", name, t->assimp,
           t->load, t->upload, stoa, t->assimp > 0 ? stoa / t->assimp : 0.0, t->first,
           t->assimp > 0 ? t->first / t->assimp : 0.0, t->all);
}

static int bench_load(int argc, char **argv)
{
    int repeat = 5;
    char **files = NULL;
    int count = 0, rc = 0;
    for (int i = 1; i < argc && rc == 0; i++) {
        if (strcmp(argv[i], "--repeat") == 0 && i + 1 < argc) {
            repeat = atoi(argv[++i]);
            if (repeat < 1 || repeat > MAX_REPEAT) {
                fprintf(stderr, "stoa bench: --repeat wants 1..%d\n", MAX_REPEAT);
                rc = 2;
            }
        } else {
            char **grown = realloc(files, (size_t)(count + 1) * sizeof *grown);
            if (!grown || !(grown[count] = strdup(argv[i])))
                rc = 1;
            files = grown ? grown : files;
            count += rc == 0;
        }
    }
    if (rc == 0 && count == 0)
        rc = manifest_files(&files, &count);
    stoa_error err = {0};
    stoa_gfx_device *dev = NULL;
    stoa_gfx_renderer *r = NULL;
    stoa_gfx_device_desc dd = {.headless = true, .validation = STOA_GFX_VALIDATION_OFF};
    if (rc == 0 && (stoa_gfx_device_create(&dd, &dev, &err) < 0 ||
                    stoa_gfx_renderer_create(dev, NULL, &r, &err) < 0)) {
        fprintf(stderr, "stoa bench: %s\n", err.message);
        rc = 1;
    }
    if (rc == 0)
        print_header();
    timing total = {0};
    stage_clock stages = {0};
    for (int i = 0; i < count && rc == 0; i++) {
        timing t;
        if (bench_file(r, files[i], repeat, &t, &stages) != 0) {
            rc = 1;
            break;
        }
        const char *name = strrchr(files[i], '/');
        print_row(name ? name + 1 : files[i], &t);
        total.assimp += t.assimp;
        total.load += t.load;
        total.upload += t.upload;
        total.first += t.first;
        total.all += t.all;
    }
    if (rc == 0 && count > 0)
        print_row("total", &total);
    if (rc == 0 && count > 0)
        print_stages(&stages, repeat);
    stoa_gfx_renderer_destroy(&r);
    stoa_gfx_device_destroy(&dev);
    for (int i = 0; i < count; i++)
        free(files[i]);
    free(files);
    return rc;
}

int stoa_cmd_bench(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "load") == 0)
        return bench_load(argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "frame") == 0)
        return stoa_bench_frame(argc - 1, argv + 1);
    FILE *f = argc >= 2 && strcmp(argv[1], "--help") == 0 ? stdout : stderr;
    fprintf(f, "usage: stoa bench load [--repeat N] [FILES...]\n"
               "       stoa bench frame [SCENE_OR_LESSON...]\n"
               "  Times Assimp's bare import of each file (default: the sample corpus\n"
               "  MANIFEST) against Stoa's import + GPU upload; medians of N runs.\n");
    return f == stdout ? 0 : 2;
}
