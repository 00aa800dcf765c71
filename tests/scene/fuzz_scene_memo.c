// SPDX-License-Identifier: Apache-2.0
// Fuzzing the scene cache's key memo (scene_cache_memo.c): its record (the
// key, each source file's stat and path) and the copy of a small cache file
// it may hold. Each input is written as the memo of one scene
// (STOA_FUZZ_MEMO_SCENE) in a cache folder (STOA_FUZZ_MEMO_DIR), then the
// scene is loaded through the cache: whatever the bytes, the load succeeds
// (from the memo's copy, the cache file or an import) with a whole scene,
// and nothing is read out of bounds, nor when the cache is pruned or the
// floor under a hit reads the memo's record (its paths); a texture
// whose check passes has its texels there (a copy of a larger file's front
// maps the file then). Replay (ctest test_scene_memo_fuzz_replay, and
// _front for such a copy): seeded with the memos `stoa bake` writes for
// the same scene; libFuzzer with -DSTOA_FUZZ=ON as fuzz_scene_cache.c.
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/stoa_log.h"
#include "scene/stoa_scene.h"
#include "scene/stoa_scene_cache.h"
#include "scene/stoa_scene_texfmt.h"

static void quiet(void *user, const char *module, stoa_log_level level, const char *message)
{
    (void)user, (void)module, (void)level, (void)message;
}

static char g_dir[256], g_memo[600];
static const char *g_scene;

static stoa_scene *load(void)
{
    stoa_scene *s = NULL;
    stoa_error err = {0};
    stoa_scene_load_desc d = {
        .use_cache = true, .cache_dir = g_dir, .texture_target = STOA_TEXTURE_TARGET_RGBA8};
    if (stoa_scene_load(g_scene, &d, &s, &err) < 0) {
        fprintf(stderr, "fuzz_scene_memo: %s: %s\n", g_scene, err.message);
        abort(); // the scene itself is fine: a memo must never fail its load
    }
    stoa_scene_cache_wait(s);
    return s;
}

// The cache folder, and the memo's name in it (from a first load).
static void setup(void)
{
    g_scene = getenv("STOA_FUZZ_MEMO_SCENE");
    const char *dir = getenv("STOA_FUZZ_MEMO_DIR"); // else a new folder, left behind
    snprintf(g_dir, sizeof g_dir, "%s", dir ? dir : "/tmp/stoa-fuzz-memo-XXXXXX");
    if (!g_scene || (!dir && !mkdtemp(g_dir))) {
        fprintf(stderr, "fuzz_scene_memo: set STOA_FUZZ_MEMO_SCENE to a scene file\n");
        abort();
    }
    stoa_log_set_sink(quiet, NULL);
    stoa_scene *s = load();
    stoa_scene_destroy(&s);
    DIR *d = opendir(g_dir);
    struct dirent *e;
    while (d && (e = readdir(d)))
        if (strstr(e->d_name, ".memo"))
            snprintf(g_memo, sizeof g_memo, "%s/%s", g_dir, e->d_name);
    if (d)
        closedir(d);
    if (!g_memo[0]) {
        fprintf(stderr, "fuzz_scene_memo: no key memo written for %s\n", g_scene);
        abort();
    }
}

static void put_memo(const uint8_t *data, size_t size)
{
    FILE *f = fopen(g_memo, "wb");
    if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!g_scene)
        setup();
    put_memo(data, size);
    stoa_scene *s = load();
    volatile float sum = 0;
    for (uint32_t m = 0; m < s->mesh_count; m++)
        for (uint32_t v = 0; v < s->meshes[m].vertex_count * 3; v++)
            sum += s->meshes[m].positions[v];
    for (uint32_t t = 0; t < s->texture_count; t++) { // a checked texture's texels are there
        const stoa_texture *x = &s->textures[t];
        if (stoa_scene_texture_check(s, t) && x->rgba)
            sum += x->rgba[0] + x->rgba[(size_t)x->width * x->height * 4 - 1];
        else if (stoa_scene_texture_check(s, t) && x->blocks)
            sum += x->blocks[0] + x->blocks[x->blocks_size - 1];
    }
    (void)sum; // read: clang's -Wunused-but-set-variable
    if (s->node_count == 0 || s->mesh_count == 0)
        abort();
    stoa_scene_destroy(&s);
    // Pruning reads each memo too (for its copy's key): the same bytes.
    put_memo(data, size);
    stoa_scene_cache_usage u;
    stoa_error err = {0};
    stoa_scene_cache_prune(g_dir, (uint64_t)1 << 40, NULL, &u, &err);
    // The floor under a hit (stoa bench load) reads its record's paths.
    put_memo(data, size);
    double ms;
    uint32_t calls;
    stoa_scene_cache_hit_floor(g_scene, g_dir, false, 1, &ms, &calls);
    return 0;
}
