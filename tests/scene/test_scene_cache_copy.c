// SPDX-License-Identifier: Apache-2.0
// The key memo's copy of a small cache file (scene_cache_memo.c): the
// writer adds it, a hit reads it instead of the file (one file opened, not
// two), and it is checked as the file is: a damaged copy is rejected and
// the file read instead; `stoa bake` writes a removed file back from it; a copy whose texels are
// damaged fails that texture's first use and goes with its file; a copy lives no longer than its
// file (pruning removes it); a file over 64 KiB gets a copy without its texels, not a whole one.
#define _GNU_SOURCE // memmem
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/stoa_log.h"
#include "scene/stoa_scene_cache.h"
#include "scene/stoa_scene_texfmt.h"
#include "scene_cache_test.h"
#include "scene_test_util.h"

static off_t size_of(const char *file)
{
    struct stat st;
    return stat(file, &st) == 0 ? st.st_size : -1;
}

// A fresh folder with model's cache file and its memo (paths into file and
// memo): a miss, then the writer's copy in the memo.
static void baked(const char *model, char *cache, size_t csize, char *path, size_t psize,
                  char *file, char *memo)
{
    stoa_test_model(path, psize, model);
    tu_mkdtemp(cache, csize, "cachecopy");
    stoa_scene *s = sct_load_rgba8(path, cache, STOA_SCENE_CACHE_MISS);
    stoa_scene_destroy(&s);
    CHECK(sct_cache_file(cache, file, 4200));
    CHECK(sct_memo_file(cache, memo, 4400));
}

// Flips the byte `from` bytes into the copy of the cache file in `memo`.
static void flip_copy(const char *memo, size_t from)
{
    size_t n = 0;
    uint8_t *b = (uint8_t *)tu_read(memo, &n);
    uint8_t *copy = b ? memmem(b, n, "STOABAKE", 8) : NULL;
    CHECK_MSG(copy && (size_t)(copy - b) + from < n, "%s holds no copy", memo);
    if (copy && (size_t)(copy - b) + from < n) {
        copy[from] ^= 0x20;
        CHECK(tu_write(memo, b, n) == 0);
    }
    free(b);
}

STOA_TEST(a_small_file_is_copied_and_a_hit_reads_the_copy)
{
    char cache[256], path[1024], file[4200], memo[4400];
    baked("box/box.glb", cache, sizeof cache, path, sizeof path, file, memo);
    CHECK_MSG(size_of(memo) > size_of(file), "memo %lld bytes, file %lld: no copy",
              (long long)size_of(memo), (long long)size_of(file));
    // The file gone, the copy still serves: the hit did not open the file.
    size_t n = 0, m = 0;
    char *before = tu_read(file, &n);
    CHECK(unlink(file) == 0);
    stoa_scene *s = sct_load_rgba8(path, cache, STOA_SCENE_CACHE_HIT);
    CHECK(s && s->mesh_count > 0 && s->meshes[0].vertex_count > 0);
    stoa_scene_destroy(&s);
    // `stoa bake` (and the hub, which sends the file) gets the file back.
    char out[4200];
    stoa_scene_cache_outcome o;
    stoa_error err = {0};
    CHECK_MSG(stoa_scene_bake(path, cache, out, sizeof out, &o, &err) == STOA_OK, "%s",
              err.message);
    char *after = tu_read(file, &m);
    CHECK(o == STOA_SCENE_CACHE_HIT && !strcmp(out, file));
    CHECK_MSG(before && after && n == m && !memcmp(before, after, n), "%s not written back", file);
    free(before);
    free(after);
    CHECK(unlink(file) == 0);
    // Pruning drops a copy whose file is gone; the next load imports again.
    stoa_scene_cache_usage u;
    CHECK(stoa_scene_cache_prune(cache, (uint64_t)1 << 30, NULL, &u, &err) == STOA_OK);
    CHECK_MSG(access(memo, F_OK) != 0, "%s outlived its file", memo);
    s = sct_load_rgba8(path, cache, STOA_SCENE_CACHE_MISS);
    stoa_scene_destroy(&s);
    tu_rmdir(cache);
}

// The prune after each write reads every memo only when it removed a cache
// file: another scene's write under the cap leaves a copy whose file was
// removed by hand (it still serves hits); an explicit prune drops it.
STOA_TEST(a_write_that_removes_nothing_leaves_other_memos_alone)
{
    char cache[256], path[1024], other[1024], file[4200], memo[4400];
    baked("box/box.glb", cache, sizeof cache, path, sizeof path, file, memo);
    CHECK(unlink(file) == 0);
    setenv("STOA_SCENE_CACHE_MAX", "1G", 1);
    stoa_test_model(other, sizeof other, "nodes/nodes.gltf");
    stoa_scene *s = sct_load_rgba8(other, cache, STOA_SCENE_CACHE_MISS); // written, then pruned
    stoa_scene_destroy(&s);
    unsetenv("STOA_SCENE_CACHE_MAX");
    CHECK_MSG(access(memo, F_OK) == 0, "the write's prune read and dropped %s", memo);
    s = sct_load_rgba8(path, cache, STOA_SCENE_CACHE_HIT); // from the copy
    stoa_scene_destroy(&s);
    stoa_scene_cache_usage u;
    stoa_error err = {0};
    CHECK(stoa_scene_cache_prune(cache, (uint64_t)1 << 30, NULL, &u, &err) == STOA_OK);
    CHECK_MSG(access(memo, F_OK) != 0, "%s outlived its file", memo);
    tu_rmdir(cache);
}

// The scene's stat changes and its bytes do not (a touch, files sent
// again): the key is computed again and the memo written again with its
// copy kept, so hits go on reading the memo alone. (The stat the memo
// recorded is changed instead of the file's: a touch would change the
// file's ctime, and a memo waits 2 s after a change.)
STOA_TEST(a_touched_scene_keeps_its_copy)
{
    char cache[256], path[1024], file[4200], memo[4400];
    baked("box/box.glb", cache, sizeof cache, path, sizeof path, file, memo);
    size_t n = 0;
    uint8_t *b = (uint8_t *)tu_read(memo, &n);
    CHECK(b && n > 40);
    if (b && n > 40) {
        b[32] ^= 1; // the scene's mtime as the memo has it (after the size)
        CHECK(tu_write(memo, b, n) == 0);
    }
    free(b);
    stoa_scene *s = sct_load_rgba8(path, cache, STOA_SCENE_CACHE_HIT); // the file; the memo anew
    stoa_scene_destroy(&s);
    CHECK_MSG(size_of(memo) > size_of(file), "memo of %lld bytes: the copy was lost",
              (long long)size_of(memo));
    CHECK(unlink(file) == 0); // the next hit reads the copy alone
    s = sct_load_rgba8(path, cache, STOA_SCENE_CACHE_HIT);
    stoa_scene_destroy(&s);
    tu_rmdir(cache);
}

STOA_TEST(a_damaged_copy_is_rejected_and_the_file_read)
{
    char cache[256], path[1024], file[4200], memo[4400];
    baked("box/box.glb", cache, sizeof cache, path, sizeof path, file, memo);
    flip_copy(memo, 4096 + 8); // DATA's first bytes: geometry, checked at load
    stoa_scene_load_desc d = {
        .use_cache = true, .cache_dir = cache, .texture_target = STOA_TEXTURE_TARGET_RGBA8};
    stoa_scene *s = sct_load_logged(path, &d, STOA_SCENE_CACHE_HIT); // from the file
    CHECK_CONTAINS(g_log, "rejected");
    CHECK_CONTAINS(g_log, "DATA: checksum mismatch");
    CHECK(s && s->mesh_count > 0);
    stoa_scene_destroy(&s);
    s = sct_load_logged(path, &d, STOA_SCENE_CACHE_HIT);
    CHECK_MSG(!strstr(g_log, "rejected"), "rejected again: %s", g_log);
    stoa_scene_destroy(&s);
    tu_rmdir(cache);
}

STOA_TEST(damaged_texels_in_a_copy_fail_on_first_use)
{
    char cache[256], path[1024], file[4200], memo[4400];
    baked("textured/textured.gltf", cache, sizeof cache, path, sizeof path, file, memo);
    off_t n = size_of(file);
    CHECK_MSG(n > 0 && n <= (64 << 10), "textured.gltf's cache file: %lld bytes", (long long)n);
    flip_copy(memo, (size_t)n - 1); // the last texel byte: not read by a load
    stoa_scene_load_desc d = {
        .use_cache = true, .cache_dir = cache, .texture_target = STOA_TEXTURE_TARGET_RGBA8};
    sct_texel_damage_found(path, &d, cache); // the copy and its file go, then rebuilt
    tu_rmdir(cache);
}

// A copy without its texels instead (test_scene_cache_front checks its bytes).
STOA_TEST(a_large_file_gets_no_whole_copy)
{
    char cache[256], path[1024], file[4200], memo[4400];
    baked("large/large.glb", cache, sizeof cache, path, sizeof path, file, memo);
    CHECK_MSG(size_of(file) > (1 << 20), "large.glb's cache file: %lld bytes",
              (long long)size_of(file));
    size_t m = 0;
    char *b = tu_read(memo, &m);
    CHECK_MSG(b && memmem(b, m, "STOABAKE", 8) && m <= (64 << 10) + 4096 &&
                  (long long)m < size_of(file) / 2,
              "memo of %zu bytes: no copy without the texels (the file: %lld bytes)", m,
              (long long)size_of(file));
    free(b);
    tu_rmdir(cache);
}

STOA_TEST_MAIN()
