// SPDX-License-Identifier: Apache-2.0
// The baked scene cache (stoa_scene_cache.h): a scene read back from its
// cache file equals a fresh import; an edited scene or texture gets a new
// cache file; a truncated, flipped, foreign-version or foreign-key file is
// rejected with a log line naming why and then rebuilt; two loads writing
// the same cache file at once leave a valid file. STOA_ON_SAMPLES: the same
// round trip over every file of the Khronos corpus (MANIFEST.tsv).
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/stoa_log.h"
#include "scene/stoa_scene_cache.h"
#include "scene_cache_compare.h"
#include "scene_cache_test.h"
#include "scene_test_util.h"

static stoa_scene *load(const char *path, const char *cache_dir)
{
    stoa_scene_load_desc d = {.use_cache = cache_dir != NULL, .cache_dir = cache_dir};
    return sct_load(path, &d, -1);
}

// A miss (an import, which writes the cache file), then a hit: the hit
// equals the import. Stoa's own models also compare a load without the cache.
static void round_trip(const char *path, const char *dir, bool plain_too)
{
    stoa_scene *miss = load(path, dir), *hit = load(path, dir);
    stoa_scene *fresh = plain_too ? load(path, NULL) : NULL;
    if (miss && hit) {
        CHECK_MSG(stoa_scene_cache_outcome_of(miss) == STOA_SCENE_CACHE_MISS, "%s: not a miss",
                  path);
        CHECK_MSG(stoa_scene_cache_outcome_of(hit) == STOA_SCENE_CACHE_HIT, "%s: no cache hit",
                  path);
        if (fresh)
            sc_scene_same(fresh, miss, path);
        sc_scene_same(miss, hit, path);
        // Baked mips: level 1 is the box filter of level 0.
        for (uint32_t i = 0; i < hit->texture_count; i++) {
            const stoa_texture *t = &hit->textures[i];
            if (!t->rgba || (t->width < 2 && t->height < 2))
                continue;
            CHECK_MSG(t->mips != NULL, "%s: texture %u has no baked mips", path, i);
            uint32_t w = t->width > 1 ? t->width / 2 : 1, h = t->height > 1 ? t->height / 2 : 1;
            uint8_t *l1 = malloc((size_t)w * h * 4);
            stoa_scene_mip_halve(t->rgba, t->width, t->height, t->width * 4ul, l1, w * 4ul,
                                 t->mips_srgb);
            CHECK_MSG(t->mips && !memcmp(l1, t->mips, (size_t)w * h * 4), "%s: mip 1 of %u", path,
                      i);
            free(l1);
        }
    }
    stoa_scene_destroy(&fresh);
    stoa_scene_destroy(&miss);
    stoa_scene_destroy(&hit);
}

STOA_TEST(round_trip_equals_fresh_load)
{
#ifdef STOA_ON_SAMPLES
    const char *root = tu_samples();
    char manifest[1024], line[2048];
    snprintf(manifest, sizeof manifest, "%s/MANIFEST.tsv", root);
    FILE *f = fopen(manifest, "r");
    CHECK(f != NULL);
    int files = 0;
    while (f && fgets(line, sizeof line, f)) {
        char *main_file = strchr(line, '\t') ? strchr(strchr(line, '\t') + 1, '\t') : NULL;
        if (!main_file || strncmp(line, "model\t", 6) == 0 || strstr(line, "\tno\t"))
            continue;
        main_file++;
        main_file[strcspn(main_file, "\t\n")] = 0;
        char path[2048], dir[256];
        snprintf(path, sizeof path, "%s/%s", root, main_file);
        tu_mkdtemp(dir, sizeof dir, "cache");
        round_trip(path, dir, false);
        tu_rmdir(dir);
        files++;
    }
    if (f)
        fclose(f);
    CHECK(files > 20);
#else
    static const char *const models[] = {"box/box.glb",
                                         "textured/textured.gltf",
                                         "skin/skin.glb",
                                         "morph/morph.gltf",
                                         "jpeg/jpeg.gltf",
                                         "attributes/attributes.gltf",
                                         "interpolation/interpolation.gltf",
                                         "nodes/nodes.gltf"};
    for (size_t i = 0; i < sizeof models / sizeof *models; i++) {
        char path[1024], dir[256];
        stoa_test_model(path, sizeof path, models[i]);
        struct stat st;
        if (stat(path, &st) != 0)
            continue; // a model another generator version names differently
        tu_mkdtemp(dir, sizeof dir, "cache");
        round_trip(path, dir, true);
        tu_rmdir(dir);
    }
#endif
}

#ifdef STOA_ON_SAMPLES
// A large scene's texels are checked on first use: a flipped texel byte is
// found by stoa_scene_texture_check, logged, the file removed and rebuilt.
STOA_TEST(damaged_texels_found_on_first_use)
{
    char path[2048], cache[256], file[4200];
    snprintf(path, sizeof path, "%s/DamagedHelmet/glTF-Binary/DamagedHelmet.glb", tu_samples());
    tu_mkdtemp(cache, sizeof cache, "cache");
    stoa_scene *s = load(path, cache);
    stoa_scene_destroy(&s);
    CHECK(sct_cache_file(cache, file, sizeof file));
    size_t n;
    uint8_t *bytes = (uint8_t *)tu_read(file, &n);
    CHECK(bytes && n > (64u << 20));
    if (bytes) {
        bytes[n / 2] ^= 0x04; // among the texels
        CHECK(tu_write(file, bytes, n) == 0);
    }
    free(bytes);
    stoa_scene_load_desc d = {.use_cache = true, .cache_dir = cache};
    sct_texel_damage_found(path, &d, cache); // geometry checked at load, texels on first use
    tu_rmdir(cache);
}
#else
// A copy of the textured model in a fresh folder: scene path into out.
static void textured_copy(char *dir, size_t dsize, char *out, size_t size)
{
    char src[1024], from[1200], to[1200];
    tu_mkdtemp(dir, dsize, "cachesrc");
    static const char *const files[] = {"textured.gltf", "textured.bin", "quadrants.png"};
    for (int i = 0; i < 3; i++) {
        stoa_test_model(src, sizeof src, "textured");
        snprintf(from, sizeof from, "%s/%s", src, files[i]);
        snprintf(to, sizeof to, "%s/%s", dir, files[i]);
        CHECK(tu_copy(from, to) == 0);
    }
    snprintf(out, size, "%s/textured.gltf", dir);
}

STOA_TEST(edited_texture_or_gltf_is_a_new_cache)
{
    char src[256], path[1300], cache[256], png[1300];
    textured_copy(src, sizeof src, path, sizeof path);
    tu_mkdtemp(cache, sizeof cache, "cache");
    stoa_scene *a = load(path, cache);
    stoa_scene_destroy(&a);
    // A different picture under the same name.
    char other[1024];
    stoa_test_model(other, sizeof other, "jpeg/photo.jpg");
    snprintf(png, sizeof png, "%s/quadrants.png", src);
    CHECK(tu_copy(other, png) == 0);
    stoa_scene *b = load(path, cache), *fresh = load(path, NULL);
    if (b && fresh) {
        CHECK(stoa_scene_cache_outcome_of(b) == STOA_SCENE_CACHE_MISS);
        sc_scene_same(fresh, b, "edited texture");
    }
    stoa_scene_destroy(&b);
    stoa_scene_destroy(&fresh);
    // An edited glTF (a node renamed).
    size_t n;
    char *json = tu_read(path, &n);
    char *name = json ? strstr(json, "\"name\"") : NULL;
    CHECK(name != NULL);
    if (name) {
        char *q = strchr(name + 7, '"');
        if (q && q[1] != '"')
            q[1] = q[1] == 'Z' ? 'Y' : 'Z';
        CHECK(tu_write(path, json, n) == 0);
    }
    free(json);
    b = load(path, cache);
    fresh = load(path, NULL);
    if (b && fresh) {
        CHECK(stoa_scene_cache_outcome_of(b) == STOA_SCENE_CACHE_MISS);
        sc_scene_same(fresh, b, "edited glTF");
    }
    stoa_scene_destroy(&b);
    stoa_scene_destroy(&fresh);
    b = load(path, cache);
    CHECK(b && stoa_scene_cache_outcome_of(b) == STOA_SCENE_CACHE_HIT);
    stoa_scene_destroy(&b);
    tu_rmdir(cache);
    tu_rmdir(src);
}

// The key memo: files older than two seconds get one; an edit after it is
// still seen (its size, time or inode changed), and the scene is imported.
STOA_TEST(key_memo_sees_edits)
{
    char src[256], path[1300], cache[256], png[1300], memo[4200];
    textured_copy(src, sizeof src, path, sizeof path);
    tu_mkdtemp(cache, sizeof cache, "cache");
    usleep(2200 * 1000); // older than the memo's two-second guard
    stoa_scene *a = load(path, cache);
    CHECK(a && stoa_scene_cache_outcome_of(a) == STOA_SCENE_CACHE_MISS);
    stoa_scene_destroy(&a);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "ls %s/*.memo 2>/dev/null | head -1", cache);
    FILE *p = popen(cmd, "r");
    memo[0] = 0;
    if (p && fgets(memo, sizeof memo, p))
        memo[strcspn(memo, "\n")] = 0;
    if (p)
        pclose(p);
    CHECK_MSG(memo[0] != 0, "no key memo written");
    a = load(path, cache);
    CHECK(a && stoa_scene_cache_outcome_of(a) == STOA_SCENE_CACHE_HIT);
    stoa_scene_destroy(&a);
    char other[1024];
    stoa_test_model(other, sizeof other, "jpeg/photo.jpg");
    snprintf(png, sizeof png, "%s/quadrants.png", src);
    CHECK(tu_copy(other, png) == 0);
    stoa_scene *b = load(path, cache), *fresh = load(path, NULL);
    CHECK(b && stoa_scene_cache_outcome_of(b) == STOA_SCENE_CACHE_MISS);
    if (b && fresh)
        sc_scene_same(fresh, b, "edited texture after a memo");
    stoa_scene_destroy(&b);
    stoa_scene_destroy(&fresh);
    tu_rmdir(cache);
    tu_rmdir(src);
}

typedef void (*damage_fn)(uint8_t *bytes, size_t *size);

static void truncate_half(uint8_t *b, size_t *n)
{
    (void)b;
    *n /= 2;
}
static void flip_geometry(uint8_t *b, size_t *n)
{
    (void)n;
    b[4096 + 8] ^= 0x10; // DATA's first bytes: geometry, checked at load
}
static void flip_section(uint8_t *b, size_t *n)
{
    // META's first byte (the table: 32-byte entries from byte 64 of id,
    // flags, offset, size, hash). Not CHNK, the last section: its hashes
    // are checked with their chunks, the texels' on first use.
    for (size_t at = 64; at + 32 <= 4096 && at + 32 <= *n; at += 32) {
        uint64_t off;
        memcpy(&off, b + at + 8, 8);
        if (!memcmp(b + at, "META", 4) && off < *n)
            b[off] ^= 0x01;
    }
}
static void other_version(uint8_t *b, size_t *n)
{
    (void)n;
    b[8] += 1;
}
static void flip_table(uint8_t *b, size_t *n)
{
    (void)n;
    b[64 + 9] ^= 0x40; // the first section's offset
}

STOA_TEST(damaged_cache_is_rejected_and_rebuilt)
{
    static const struct {
        damage_fn fn;
        const char *why;
    } cases[] = {{truncate_half, "truncated"},
                 {flip_geometry, "DATA: checksum mismatch"},
                 {flip_section, "checksum mismatch"},
                 {other_version, "format version"},
                 {flip_table, "section table checksum"}};
    char path[1024], cache[256], file[4200];
    stoa_test_model(path, sizeof path, "textured/textured.gltf");
    stoa_scene *fresh = load(path, NULL);
    for (size_t c = 0; c < sizeof cases / sizeof *cases && fresh; c++) {
        tu_mkdtemp(cache, sizeof cache, "cache");
        stoa_scene *s = load(path, cache);
        stoa_scene_destroy(&s);
        CHECK(sct_cache_file(cache, file, sizeof file));
        sct_drop_memos(cache); // the file itself is read (test_scene_cache_fast: the copy)
        size_t n;
        uint8_t *bytes = (uint8_t *)tu_read(file, &n);
        CHECK(bytes != NULL);
        if (!bytes)
            break;
        cases[c].fn(bytes, &n);
        CHECK(tu_write(file, bytes, n) == 0);
        free(bytes);
        g_log[0] = 0;
        stoa_log_set_sink(sink, NULL);
        s = load(path, cache);
        stoa_log_set_sink(NULL, NULL);
        CHECK_MSG(s && stoa_scene_cache_outcome_of(s) == STOA_SCENE_CACHE_REJECTED,
                  "case %s: not rejected", cases[c].why);
        CHECK_CONTAINS(g_log, "rejected");
        CHECK_CONTAINS(g_log, cases[c].why);
        if (s)
            sc_scene_same(fresh, s, cases[c].why);
        stoa_scene_destroy(&s);
        s = load(path, cache); // rebuilt by the load that rejected it
        CHECK_MSG(s && stoa_scene_cache_outcome_of(s) == STOA_SCENE_CACHE_HIT,
                  "case %s: not rebuilt", cases[c].why);
        if (s)
            sc_scene_same(fresh, s, cases[c].why);
        stoa_scene_destroy(&s);
        tu_rmdir(cache);
    }
    stoa_scene_destroy(&fresh);
}

typedef struct racer {
    const char *path, *cache;
    stoa_scene *scene;
} racer;

static void *race(void *arg)
{
    racer *r = arg;
    stoa_scene_load_desc d = {.use_cache = true, .cache_dir = r->cache};
    stoa_error err = {0};
    if (stoa_scene_load(r->path, &d, &r->scene, &err) == STOA_OK)
        stoa_scene_cache_wait(r->scene);
    return NULL;
}

STOA_TEST(concurrent_writers_leave_a_valid_file)
{
    char path[1024], cache[256];
    stoa_test_model(path, sizeof path, "textured/textured.glb");
    tu_mkdtemp(cache, sizeof cache, "cache");
    racer r[4];
    pthread_t t[4];
    for (int i = 0; i < 4; i++) {
        r[i] = (racer){path, cache, NULL};
        CHECK(pthread_create(&t[i], NULL, race, &r[i]) == 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        CHECK(r[i].scene != NULL);
        stoa_scene_destroy(&r[i].scene);
    }
    stoa_scene *s = load(path, cache), *fresh = load(path, NULL);
    CHECK(s && stoa_scene_cache_outcome_of(s) == STOA_SCENE_CACHE_HIT);
    if (s && fresh)
        sc_scene_same(fresh, s, "after racing writers");
    stoa_scene_destroy(&s);
    stoa_scene_destroy(&fresh);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "ls %s | grep -c tmp", cache);
    FILE *p = popen(cmd, "r");
    char out[32] = "";
    CHECK(p && fgets(out, sizeof out, p));
    if (p)
        pclose(p);
    CHECK_MSG(atoi(out) == 0, "temporary files left: %s", out);
    tu_rmdir(cache);
}

STOA_TEST(bake_then_hit)
{
    char path[1024], cache[256], file[4200];
    stoa_test_model(path, sizeof path, "skin/skin.glb");
    tu_mkdtemp(cache, sizeof cache, "cache");
    stoa_scene_cache_outcome o = STOA_SCENE_CACHE_UNUSED;
    stoa_error err = {0};
    CHECK(stoa_scene_bake(path, cache, file, sizeof file, &o, &err) == STOA_OK);
    CHECK(o == STOA_SCENE_CACHE_MISS);
    CHECK(strstr(file, cache) == file);
    CHECK(stoa_scene_bake(path, cache, NULL, 0, &o, &err) == STOA_OK);
    CHECK(o == STOA_SCENE_CACHE_HIT);
    tu_rmdir(cache);
}
#endif

STOA_TEST_MAIN()
