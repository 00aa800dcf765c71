// SPDX-License-Identifier: Apache-2.0
// The baked scene cache's size cap (stoa_scene_cache_prune): least recently
// used files out first, a hit moves its file to the back, the file just
// written and a live writer's temporary file are never taken, a dead
// writer's is; a scene whose mapped file is removed under it stays whole;
// loads through the cache keep the folder under $STOA_SCENE_CACHE_MAX.
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "scene/stoa_scene_cache.h"
#include "scene_cache_test.h"
#include "scene_test_util.h"

static void put_file(const char *dir, const char *name, size_t size, int64_t age_s)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    char *bytes = calloc(1, size ? size : 1);
    CHECK(bytes && tu_write(path, bytes, size) == 0);
    free(bytes);
    struct timespec t[2] = {{.tv_nsec = UTIME_OMIT}, {.tv_sec = time(NULL) - age_s}};
    CHECK(utimensat(AT_FDCWD, path, t, 0) == 0);
}

static bool has(const char *dir, const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return access(path, F_OK) == 0;
}

static void age(const char *file, int64_t age_s)
{
    struct timespec t[2] = {{.tv_nsec = UTIME_OMIT}, {.tv_sec = time(NULL) - age_s}};
    CHECK(utimensat(AT_FDCWD, file, t, 0) == 0);
}

STOA_TEST(parse_size)
{
    uint64_t v = 1;
    CHECK(stoa_scene_cache_parse_size("4G", &v) && v == (uint64_t)4 << 30);
    CHECK(stoa_scene_cache_parse_size("500M", &v) && v == (uint64_t)500 << 20);
    CHECK(stoa_scene_cache_parse_size("1.5GiB", &v) && v == (uint64_t)3 << 29);
    CHECK(stoa_scene_cache_parse_size("12345", &v) && v == 12345);
    CHECK(stoa_scene_cache_parse_size("64k", &v) && v == 65536);
    CHECK(stoa_scene_cache_parse_size("off", &v) && v == 0);
    CHECK(!stoa_scene_cache_parse_size("", &v));
    CHECK(!stoa_scene_cache_parse_size("-1G", &v));
    CHECK(!stoa_scene_cache_parse_size("4X", &v));
    CHECK(!stoa_scene_cache_parse_size("4GBs", &v));
    CHECK(!stoa_scene_cache_parse_size("lots", &v));
    unsetenv("STOA_SCENE_CACHE_MAX");
    CHECK(stoa_scene_cache_max() == STOA_SCENE_CACHE_DEFAULT_MAX);
    setenv("STOA_SCENE_CACHE_MAX", "2M", 1);
    CHECK(stoa_scene_cache_max() == (uint64_t)2 << 20);
    setenv("STOA_SCENE_CACHE_MAX", "nonsense", 1);
    CHECK(stoa_scene_cache_max() == STOA_SCENE_CACHE_DEFAULT_MAX);
    unsetenv("STOA_SCENE_CACHE_MAX");
}

STOA_TEST(prune_least_recently_used)
{
    char dir[256];
    tu_mkdtemp(dir, sizeof dir, "evict");
    // Four 100 KiB files used 40, 30, 20 and 10 minutes ago.
    put_file(dir, "00000000000000a1.stoabake", 102400, 2400);
    put_file(dir, "00000000000000a2.stoabake", 102400, 1800);
    put_file(dir, "00000000000000a3.stoabake", 102400, 1200);
    put_file(dir, "00000000000000a4.stoabake", 102400, 600);
    put_file(dir, "00000000000000b1.stoabake.tmp.Xy12Ab", 500000, 60);        // a writer now
    put_file(dir, "00000000000000b2.stoabake.tmp.Zz99Qq", 500000, 2 * 86400); // a dead writer
    put_file(dir, "src-0123456789abcdef.memo", 100, 5000);                    // not a bake
    put_file(dir, "src-0123456789abcdef.memo.tmp.Qw12Er", 100, 2 * 86400);    // a dead memo writer
    put_file(dir, "src-0123456789abcdef.memo.tmp.Ty34Ui", 100, 60);           // a memo writer now
    put_file(dir, "notes.txt", 300000, 9000);                                 // not ours
    stoa_scene_cache_usage u;
    stoa_error err = {0};
    CHECK(stoa_scene_cache_prune(dir, 0, NULL, &u, &err) == STOA_OK); // count only
    CHECK(u.files == 4 && u.bytes == 409600 && u.removed_files == 2); // the dead writers'
    CHECK(!has(dir, "00000000000000b2.stoabake.tmp.Zz99Qq"));
    CHECK(!has(dir, "src-0123456789abcdef.memo.tmp.Qw12Er"));
    CHECK(has(dir, "src-0123456789abcdef.memo.tmp.Ty34Ui"));
    CHECK(has(dir, "00000000000000b1.stoabake.tmp.Xy12Ab"));
    // a1 was used again (a hit): now a2 is the oldest.
    char a1[512];
    snprintf(a1, sizeof a1, "%s/00000000000000a1.stoabake", dir);
    stoa_scene_cache_touch(a1);
    CHECK(stoa_scene_cache_prune(dir, 250000, NULL, &u, &err) == STOA_OK);
    CHECK_MSG(u.files == 2 && u.bytes == 204800 && u.removed_files == 2, "%llu files, %llu bytes",
              (unsigned long long)u.files, (unsigned long long)u.bytes);
    CHECK(has(dir, "00000000000000a1.stoabake") && has(dir, "00000000000000a4.stoabake"));
    CHECK(!has(dir, "00000000000000a2.stoabake") && !has(dir, "00000000000000a3.stoabake"));
    CHECK(has(dir, "00000000000000b1.stoabake.tmp.Xy12Ab") && has(dir, "notes.txt") &&
          has(dir, "src-0123456789abcdef.memo"));
    // A cap below one file: everything goes but the file kept (one just written).
    CHECK(stoa_scene_cache_prune(dir, 1000, "00000000000000a4.stoabake", &u, &err) == STOA_OK);
    CHECK(u.files == 1 && has(dir, "00000000000000a4.stoabake") &&
          !has(dir, "00000000000000a1.stoabake"));
    CHECK(stoa_scene_cache_prune("/nonexistent/stoa-cache", 1, NULL, &u, &err) < 0);
    tu_rmdir(dir);
}

// A memo whose first path says it runs on past the file's end: pruning,
// which reads each memo for its copy's key, reads no byte beyond the file
// (ASan) and leaves the memo, whose copy it cannot name.
STOA_TEST(prune_reads_a_short_memo_in_bounds)
{
    char dir[256], path[512];
    tu_mkdtemp(dir, sizeof dir, "evict-memo");
    uint8_t m[24 + 40 + 4 + 8] = "STOAMEMO";
    uint32_t version = 3, count = 1, len = 4000; // a path of 4000 bytes, 8 of them here
    memcpy(m + 8, &version, 4);
    memcpy(m + 20, &count, 4);
    memcpy(m + 24 + 40, &len, 4);
    memcpy(m + 24 + 40 + 4, "/a/b.glb", 8);
    snprintf(path, sizeof path, "%s/src-0123456789abcdef.memo", dir);
    CHECK(tu_write(path, m, sizeof m) == 0);
    stoa_scene_cache_usage u;
    stoa_error err = {0};
    CHECK(stoa_scene_cache_prune(dir, (uint64_t)1 << 30, NULL, &u, &err) == STOA_OK);
    CHECK(has(dir, "src-0123456789abcdef.memo"));
    tu_rmdir(dir);
}

static stoa_scene *load(const char *model, const char *dir, stoa_scene_cache_outcome want)
{
    char path[1024];
    stoa_test_model(path, sizeof path, model);
    stoa_scene *s = NULL;
    stoa_error err = {0};
    stoa_scene_load_desc d = {.use_cache = true, .cache_dir = dir, .no_lods = true};
    CHECK_MSG(stoa_scene_load(path, &d, &s, &err) == STOA_OK, "%s: %s", path, err.message);
    stoa_scene_cache_wait(s);
    CHECK_MSG(stoa_scene_cache_outcome_of(s) == want, "%s: outcome %d, expected %d", model,
              (int)stoa_scene_cache_outcome_of(s), (int)want);
    return s;
}

static uint64_t file_size(const char *dir)
{
    stoa_scene_cache_usage u;
    stoa_error err = {0};
    CHECK(stoa_scene_cache_prune(dir, 0, NULL, &u, &err) == STOA_OK);
    return u.bytes;
}

static void bake(const char *model, const char *dir, char *out, size_t size)
{
    char path[1024];
    stoa_test_model(path, sizeof path, model);
    stoa_scene_cache_outcome o;
    stoa_error err = {0};
    CHECK_MSG(stoa_scene_bake(path, dir, out, size, &o, &err) == STOA_OK, "%s", err.message);
    CHECK(o == STOA_SCENE_CACHE_MISS);
}

// Loads keep the folder under the cap, least recently used out first.
STOA_TEST(loads_keep_the_cap)
{
    char dir[256], box[600], skin[600], cmd[700];
    tu_mkdtemp(dir, sizeof dir, "evict");
    bake("box/box.glb", dir, box, sizeof box);
    bake("skin/skin.glb", dir, skin, sizeof skin);
    CHECK(strcmp(box, skin) != 0 && access(box, F_OK) == 0 && access(skin, F_OK) == 0);
    uint64_t both = file_size(dir);
    // Room for the two: a third file pushes out the least recently used.
    // box was used last (a hit), so skin goes.
    char cap[32];
    snprintf(cap, sizeof cap, "%llu", (unsigned long long)both + 1024);
    setenv("STOA_SCENE_CACHE_MAX", cap, 1);
    age(box, 600);
    age(skin, 300);
    sct_age_memos(dir, 600); // box's memo holds a copy of its file: used with it
    stoa_scene *s = load("box/box.glb", dir, STOA_SCENE_CACHE_HIT); // touched: now the newest
    stoa_scene_destroy(&s);
    s = load("nodes/nodes.gltf", dir, STOA_SCENE_CACHE_MISS);
    stoa_scene_destroy(&s);
    CHECK_MSG(access(skin, F_OK) != 0, "the least recently used file %s is still there", skin);
    CHECK(access(box, F_OK) == 0);
    CHECK(file_size(dir) <= both + 1024);
    // No cap: nothing goes.
    setenv("STOA_SCENE_CACHE_MAX", "off", 1);
    s = load("skin/skin.glb", dir, STOA_SCENE_CACHE_MISS);
    stoa_scene_destroy(&s);
    CHECK(access(skin, F_OK) == 0 && access(box, F_OK) == 0);
    unsetenv("STOA_SCENE_CACHE_MAX");
    snprintf(cmd, sizeof cmd, "ls %s | grep -c tmp", dir);
    FILE *p = popen(cmd, "r");
    char out[32] = "";
    CHECK(p && fgets(out, sizeof out, p) && atoi(out) == 0);
    if (p)
        pclose(p);
    tu_rmdir(dir);
}

// A file removed while another scene has it mapped: that scene stays whole.
STOA_TEST(mapped_file_removed)
{
    char dir[256];
    tu_mkdtemp(dir, sizeof dir, "evict");
    stoa_scene *s = load("skin/skin.glb", dir, STOA_SCENE_CACHE_MISS);
    stoa_scene_destroy(&s);
    s = load("skin/skin.glb", dir, STOA_SCENE_CACHE_HIT);
    stoa_scene_cache_usage u;
    stoa_error err = {0};
    CHECK(stoa_scene_cache_prune(dir, 1, NULL, &u, &err) == STOA_OK);
    CHECK(u.files == 0 && u.removed_files == 1);
    double sum = 0;
    for (uint32_t m = 0; s && m < s->mesh_count; m++)
        for (uint32_t v = 0; v < s->meshes[m].vertex_count * 3; v++)
            sum += s->meshes[m].positions[v];
    for (uint32_t t = 0; s && t < s->texture_count; t++)
        CHECK(stoa_scene_texture_check(s, t));
    CHECK(sum == sum && s && s->node_count > 0);
    stoa_scene_destroy(&s);
    s = load("skin/skin.glb", dir, STOA_SCENE_CACHE_MISS); // made again
    stoa_scene_destroy(&s);
    tu_rmdir(dir);
}

STOA_TEST_MAIN()
