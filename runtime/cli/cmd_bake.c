// SPDX-License-Identifier: Apache-2.0
// `stoa bake [--cache-dir DIR] [--max-size SIZE] SCENE|LESSON|FOLDER...`:
// fills the baked scene cache ahead of time (stoa_scene_cache.h), so that a
// lesson library's first load in class maps a cache file instead of
// importing. A lesson bakes the scene it names; a folder bakes every
// .gltf/.glb and lesson (.yaml) in it. `stoa bake --prune [--max-size SIZE]`
// trims the cache folder to its cap by hand, least recently used first.
#include <dirent.h>
#include <limits.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "core/stoa_clock.h"
#include "core/stoa_path.h"
#include "lesson/stoa_lesson.h"
#include "lesson/stoa_lesson_check.h"
#include "gfx/stoa_gfx.h"
#include "gfx/stoa_gfx_probe.h"
#include "scene/stoa_scene_cache.h"
#include "scene/stoa_scene_texfmt.h"
#include "stoa_cli.h"

#define MAX_DEPTH 8

#define MAX_SEEN 1024

typedef struct bake_run {
    const char *cache_dir;
    stoa_texture_target target; // resolved
    int baked, fresh, failed;
    uint64_t bytes; // of the cache files of this run
    char *seen[MAX_SEEN]; // real paths of the scenes baked (lessons share scenes)
    int seen_count;
} bake_run;

// Whether path was baked already in this run; remembers it otherwise.
static bool seen(bake_run *b, const char *path)
{
    char real[PATH_MAX];
    if (!realpath(path, real))
        return false;
    for (int i = 0; i < b->seen_count; i++)
        if (strcmp(b->seen[i], real) == 0)
            return true;
    if (b->seen_count < MAX_SEEN)
        b->seen[b->seen_count++] = strdup(real);
    return false;
}

static void usage(FILE *f)
{
    fprintf(f, "usage: stoa bake [--cache-dir DIR] [--max-size SIZE] [--format auto|rgba8|bc|astc]\n"
               "                 SCENE.gltf|SCENE.glb|LESSON.yaml|FOLDER...\n"
               "       stoa bake --prune [--cache-dir DIR] [--max-size SIZE]\n\n"
               "Imports each scene once and writes its baked cache file (scene arrays, vertex\n"
               "data, textures with mip chains), so that info, render, preview, run and play\n"
               "load it without importing. A lesson bakes its scene; a folder bakes every\n"
               "scene and lesson in it. The cache folder is DIR, else $STOA_SCENE_CACHE, else\n"
               "$XDG_CACHE_HOME/stoa/scenes (~/.cache/stoa/scenes). Exits 1 if any failed.\n\n"
               "The folder is kept under a size cap, least recently used files out first:\n"
               "SIZE (e.g. 4G, 500M, off), else $STOA_SCENE_CACHE_MAX, else 4G. --prune\n"
               "trims it now and prints what is left.\n\n"
               "--format: the GPU texture format of the baked textures (docs/scene-cache.md):\n"
               "rgba8 (any device), bc (BC7: desktop GPUs), astc (ASTC: standalone headsets);\n"
               "auto (default): $STOA_TEXTURE_FORMAT, else what this machine's Vulkan device\n"
               "samples (ASTC, else BC, else RGBA8). Loads use the file of their device's format.\n");
}

// "auto" asks this machine's Vulkan device (stoa_gfx_probe_texture_target:
// no logical device made) unless $STOA_TEXTURE_FORMAT says.
static stoa_texture_target resolve_target(stoa_texture_target t)
{
    stoa_texture_target env;
    if (t != STOA_TEXTURE_TARGET_AUTO ||
        (stoa_texture_target_parse(getenv("STOA_TEXTURE_FORMAT"), &env) &&
         env != STOA_TEXTURE_TARGET_AUTO))
        return stoa_texture_target_resolve(t);
    if (!stoa_gfx_probe_texture_target(false))
        fprintf(stderr, "stoa bake: no Vulkan device: textures baked as RGBA8\n");
    return stoa_texture_target_resolve(t);
}

static void bake_scene(bake_run *b, const char *path)
{
    char file[4096];
    stoa_scene_cache_outcome o;
    stoa_error err = {0};
    if (seen(b, path))
        return;
    int64_t t0 = stoa_clock_now(stoa_clock_monotonic());
    if (stoa_scene_bake_for(path, b->cache_dir, b->target, file, sizeof file, &o, &err) < 0) {
        fprintf(stderr, "stoa bake: %s\n", err.message);
        b->failed++;
        return;
    }
    b->baked++;
    b->fresh += o != STOA_SCENE_CACHE_HIT;
    struct stat st;
    b->bytes += stat(file, &st) == 0 ? (uint64_t)st.st_size : 0;
    printf("%s: %s %s (textures %s, %.0f ms)\n", path,
           o == STOA_SCENE_CACHE_HIT ? "already baked" : "baked", file,
           stoa_texture_target_name(b->target),
           (double)(stoa_clock_now(stoa_clock_monotonic()) - t0) / 1e6);
}

static void bake_lesson(bake_run *b, const char *path)
{
    stoa_lesson *l = NULL;
    stoa_error err = {0};
    char scene[4096];
    stoa_lesson_diags diags;
    stoa_lesson_diags_init(&diags);
    if (stoa_lesson_load_file(path, &l, &diags, &err) < 0 ||
        stoa_lesson_resolve_path(path, l->scene, scene, sizeof scene, &err) < 0) {
        fprintf(stderr, "stoa bake: %s\n", err.message);
        b->failed++;
    } else {
        bake_scene(b, scene);
    }
    stoa_lesson_destroy(&l);
    stoa_lesson_diags_fini(&diags);
}

static void bake_path(bake_run *b, const char *path, int depth)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        fprintf(stderr, "stoa bake: %s: no such file or folder\n", path);
        b->failed++;
        return;
    }
    const char *ext = stoa_path_ext(path);
    if (!S_ISDIR(st.st_mode)) {
        if (strcmp(ext, "yaml") == 0 || strcmp(ext, "yml") == 0)
            bake_lesson(b, path);
        else
            bake_scene(b, path);
        return;
    }
    DIR *d = depth < MAX_DEPTH ? opendir(path) : NULL;
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char child[4096];
        snprintf(child, sizeof child, "%s/%s", path, e->d_name);
        const char *ce = stoa_path_ext(child);
        struct stat cs;
        if (stat(child, &cs) != 0)
            continue;
        if (S_ISDIR(cs.st_mode))
            bake_path(b, child, depth + 1);
        else if (!strcmp(ce, "gltf") || !strcmp(ce, "glb"))
            bake_scene(b, child);
        else if ((!strcmp(ce, "yaml") || !strcmp(ce, "yml")) && strstr(path, "lessons"))
            bake_lesson(b, child);
    }
    if (d)
        closedir(d);
}

static int prune(const char *cache_dir, uint64_t max)
{
    char dir[4096];
    stoa_scene_cache_usage u;
    stoa_error err = {0};
    if (!stoa_scene_cache_dir(cache_dir, dir, sizeof dir)) {
        fprintf(stderr, "stoa bake: no scene cache folder (STOA_SCENE_CACHE=off, or no HOME)\n");
        return 1;
    }
    if (stoa_scene_cache_prune(dir, max, NULL, &u, &err) < 0) {
        fprintf(stderr, "stoa bake: %s\n", err.message);
        return 1;
    }
    printf("%s: removed %llu file%s (%.1f MiB); %llu left, %.1f MiB (cap %s%.0f MiB)\n", dir,
           (unsigned long long)u.removed_files, u.removed_files == 1 ? "" : "s",
           (double)u.removed_bytes / 1048576.0, (unsigned long long)u.files,
           (double)u.bytes / 1048576.0, max ? "" : "none, ", (double)max / 1048576.0);
    return 0;
}

int stoa_cmd_bake(int argc, char **argv)
{
    bake_run b = {0};
    int first = 1;
    bool do_prune = false;
    uint64_t max = stoa_scene_cache_max();
    for (; first < argc && argv[first][0] == '-'; first++) {
        if (!strcmp(argv[first], "--help") || !strcmp(argv[first], "-h")) {
            usage(stdout);
            return 0;
        }
        if (!strcmp(argv[first], "--cache-dir") && first + 1 < argc) {
            b.cache_dir = argv[++first];
        } else if (!strcmp(argv[first], "--format") && first + 1 < argc) {
            if (!stoa_texture_target_parse(argv[++first], &b.target)) {
                fprintf(stderr, "stoa bake: --format %s: not auto, rgba8, bc or astc\n",
                        argv[first]);
                return 2;
            }
        } else if (!strcmp(argv[first], "--prune")) {
            do_prune = true;
        } else if (!strcmp(argv[first], "--max-size") && first + 1 < argc) {
            if (!stoa_scene_cache_parse_size(argv[++first], &max)) {
                fprintf(stderr, "stoa bake: --max-size %s: not a size (e.g. 4G, 500M, off)\n",
                        argv[first]);
                return 2;
            }
            char text[32]; // the writers trim to it after each file
            snprintf(text, sizeof text, "%llu", (unsigned long long)max);
            setenv("STOA_SCENE_CACHE_MAX", text, 1);
        } else {
            usage(stderr);
            return 2;
        }
    }
    if (do_prune && first >= argc)
        return prune(b.cache_dir, max);
    if (first >= argc || do_prune) {
        usage(stderr);
        return 2;
    }
    b.target = resolve_target(b.target);
    for (int i = first; i < argc; i++)
        bake_path(&b, argv[i], 0);
    for (int i = 0; i < b.seen_count; i++)
        free(b.seen[i]);
    printf("%d scene%s baked (%d new), %d failed\n", b.baked, b.baked == 1 ? "" : "s", b.fresh,
           b.failed);
    if (max && b.bytes > max)
        fprintf(stderr, "stoa bake: warning: these scenes' cache files (%.0f MiB) are more than the "
                        "cache's cap (%.0f MiB): the least recently used were removed; raise "
                        "--max-size or STOA_SCENE_CACHE_MAX\n",
                (double)b.bytes / 1048576.0, (double)max / 1048576.0);
    return b.failed ? 1 : 0;
}
