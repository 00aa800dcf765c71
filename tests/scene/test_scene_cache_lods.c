// SPDX-License-Identifier: Apache-2.0
// Levels of detail in the baked scene cache (format 2, LODS section): a
// cached load of the heavy test scene has the same levels as a fresh import
// without making them; a scene loaded with .no_lods still writes them; a
// forged level (an index past its mesh's vertices, a NaN error, offsets out
// of order) is rejected by the parser even with hashes off, and a flipped
// byte in a level's indices by the hashes, then the file is rebuilt.
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/stoa_log.h"
#include "scene/stoa_scene_cache.h"
#include "scene_cache_compare.h"
#include "scene_cache_test.h"
#include "scene_test_util.h"

static stoa_scene *load(const char *dir, bool no_lods, stoa_scene_cache_outcome want)
{
    stoa_scene_load_desc d = {.use_cache = dir != NULL, .cache_dir = dir, .no_lods = no_lods};
    return sct_load(STOA_HEAVY_SMALL, &d, (int)want);
}

STOA_TEST(levels_come_from_the_cache)
{
    char dir[256];
    tu_mkdtemp(dir, sizeof dir, "lods");
    stoa_scene *fresh = load(NULL, false, STOA_SCENE_CACHE_UNUSED);
    stoa_scene *miss = load(dir, false, STOA_SCENE_CACHE_MISS);
    stoa_scene *hit = load(dir, false, STOA_SCENE_CACHE_HIT);
    stoa_scene *bare = load(dir, true, STOA_SCENE_CACHE_HIT);
    CHECK(fresh && fresh->lod_count > 10);
    if (fresh && miss && hit) {
        sc_scene_same(fresh, miss, "miss");
        sc_scene_same(fresh, hit, "hit");
    }
    CHECK(bare && bare->lod_count == 0 && !bare->lods && !bare->mesh_lod_first);
    stoa_scene_destroy(&bare);
    stoa_scene_destroy(&hit);
    stoa_scene_destroy(&miss);
    tu_rmdir(dir);
    // Written from a scene that had none (.no_lods): the file has them,
    // made by the writer, the same as an import makes.
    tu_mkdtemp(dir, sizeof dir, "lods");
    stoa_scene *none = load(dir, true, STOA_SCENE_CACHE_MISS);
    CHECK(none && none->lod_count == 0);
    stoa_scene_destroy(&none);
    hit = load(dir, false, STOA_SCENE_CACHE_HIT);
    if (fresh && hit)
        sc_scene_same(fresh, hit, "levels written for a .no_lods load");
    stoa_scene_destroy(&hit);
    stoa_scene_destroy(&fresh);
    tu_rmdir(dir);
}

// .defer_lods (a first load in `stoa run`): the scene comes back without
// waiting for the levels; once stoa_scene_lods_ready says so it has the same
// levels as a load that made them, and the cache file written meanwhile
// holds them (a hit equals a fresh import, without simplifying). A scene
// destroyed while its levels are still being made stops them cleanly.
STOA_TEST(levels_made_after_the_load_are_the_same_and_reach_the_cache)
{
    char dir[256];
    tu_mkdtemp(dir, sizeof dir, "lods");
    stoa_scene *fresh = load(NULL, false, STOA_SCENE_CACHE_UNUSED);
    stoa_scene *s = NULL;
    stoa_error err = {0};
    stoa_scene_load_desc d = {.use_cache = true, .cache_dir = dir, .defer_lods = true};
    CHECK_MSG(stoa_scene_load(STOA_HEAVY_SMALL, &d, &s, &err) == STOA_OK, "%s", err.message);
    CHECK(s && stoa_scene_cache_outcome_of(s) == STOA_SCENE_CACHE_MISS);
    CHECK(stoa_scene_lods_ready(s, true));
    CHECK(stoa_scene_lods_ready(s, false)); // stays ready
    if (fresh && s)
        sc_scene_same(fresh, s, "levels made after the load");
    stoa_scene_destroy(&s); // waits for the writer
    stoa_scene *hit = load(dir, false, STOA_SCENE_CACHE_HIT);
    if (fresh && hit)
        sc_scene_same(fresh, hit, "levels in the cache written after a .defer_lods load");
    CHECK(stoa_scene_lods_ready(hit, false)); // a hit has them at once
    stoa_scene_destroy(&hit);
    tu_rmdir(dir);
    // Destroyed at once, no cache: the thread is stopped (ASan/LSan: nothing leaks).
    d = (stoa_scene_load_desc){.defer_lods = true};
    CHECK(stoa_scene_load(STOA_HEAVY_SMALL, &d, &s, &err) == STOA_OK);
    stoa_scene_destroy(&s);
    // Asked for no levels: none come.
    d = (stoa_scene_load_desc){.defer_lods = true, .no_lods = true};
    CHECK(stoa_scene_load(STOA_HEAVY_SMALL, &d, &s, &err) == STOA_OK);
    CHECK(s && stoa_scene_lods_ready(s, true) && s->lod_count == 0);
    stoa_scene_destroy(&s);
    stoa_scene_destroy(&fresh);
}

typedef struct lods_at {
    uint64_t section;   // LODS in the file
    uint64_t first_ref; // its mesh_lod_first array, in the file
    uint64_t level0;    // level 0's record, in the file
    uint64_t indices0;  // level 0's indices, in the file
} lods_at;

// Where the LODS section and its first level lie (layout: scene_cache.h).
static bool find_lods(const uint8_t *b, size_t n, lods_at *at)
{
    uint32_t count;
    memcpy(&count, b + 32, 4); // header: magic, version, endian, key, file size, count
    for (uint32_t i = 0; i < count && 64 + 32 * (i + 1) <= n; i++) {
        const uint8_t *e = b + 64 + 32 * i;
        if (memcmp(e, "LODS", 4) != 0)
            continue;
        uint64_t off, ref[2];
        memcpy(&off, e + 8, 8);
        at->section = off;
        memcpy(ref, b + off + 4, 16);
        at->first_ref = 4096 + ref[0];
        at->level0 = off + 4 + 16;
        memcpy(ref, b + at->level0 + 12, 16);
        at->indices0 = 4096 + ref[0];
        return true;
    }
    return false;
}

static void expect_rejected(const uint8_t *bytes, size_t n, const char *why)
{
    stoa_scene *s = NULL;
    stoa_error err = {0};
    CHECK(stoa_scene_cache_parse(bytes, n, 0, false, &s, &err) < 0);
    CHECK_CONTAINS(err.message, why);
    stoa_scene_destroy(&s);
}

STOA_TEST(forged_levels_are_rejected)
{
    char dir[256], file[600];
    tu_mkdtemp(dir, sizeof dir, "lods");
    stoa_scene *s = load(dir, false, STOA_SCENE_CACHE_MISS);
    stoa_scene_destroy(&s);
    CHECK(sct_cache_file(dir, file, sizeof file));
    size_t n = 0;
    uint8_t *good = (uint8_t *)tu_read(file, &n), *b = malloc(n);
    lods_at at;
    CHECK(good && b && find_lods(good, n, &at));
    if (!good || !b || !find_lods(good, n, &at)) {
        free(good), free(b);
        return;
    }
    stoa_error err = {0};
    CHECK(stoa_scene_cache_parse(good, n, 0, false, &s, &err) == STOA_OK && s && s->lod_count > 10);
    stoa_scene_destroy(&s);
    uint32_t big = 0xfffffff0u, one = 1;
    float nan = NAN;
    memcpy(b, good, n);
    memcpy(b + at.indices0, &big, 4);
    expect_rejected(b, n, "LODS: level of detail index past its mesh's vertices");
    memcpy(b, good, n);
    memcpy(b + at.level0 + 8, &nan, 4);
    expect_rejected(b, n, "LODS: level of detail error not finite");
    memcpy(b, good, n);
    memcpy(b + at.first_ref, &one, 4);
    expect_rejected(b, n, "LODS: level offsets do not run from 0");
    memcpy(b, good, n);
    memcpy(b + at.level0, &big, 4); // level 0 claims another mesh
    expect_rejected(b, n, "LODS: level of detail of another mesh");
    // With the hashes: a flipped byte in a level's indices is damage; the
    // load rejects the file, imports and writes it again.
    memcpy(b, good, n);
    uint32_t index; // another vertex of the same mesh: in bounds, so only the hash sees it
    memcpy(&index, b + at.indices0, 4);
    index = index ? 0 : 1;
    memcpy(b + at.indices0, &index, 4);
    CHECK(stoa_scene_cache_parse(b, n, 0, false, &s, &err) == STOA_OK);
    stoa_scene_destroy(&s);
    CHECK(stoa_scene_cache_parse(b, n, 0, true, &s, &err) < 0);
    CHECK_CONTAINS(err.message, "DATA: checksum mismatch");
    CHECK(tu_write(file, b, n) == 0);
    g_log[0] = 0;
    stoa_log_set_sink(sink, NULL);
    s = load(dir, false, STOA_SCENE_CACHE_REJECTED);
    stoa_log_set_sink(NULL, NULL);
    CHECK_CONTAINS(g_log, "rejected (DATA: checksum mismatch)");
    stoa_scene_destroy(&s);
    s = load(dir, false, STOA_SCENE_CACHE_HIT);
    CHECK(s && s->lod_count > 10);
    stoa_scene_destroy(&s);
    free(good);
    free(b);
    tu_rmdir(dir);
}

STOA_TEST_MAIN()
