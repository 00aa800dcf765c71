// SPDX-License-Identifier: Apache-2.0
// The baked scene cache's fast hit path (scene_cache_load.c, _memo.c,
// _check.c): still nothing damaged or stale is used. DATA is hashed per
// 16 KiB chunk and a load checks the chunks below the texels only: a
// flipped geometry byte rejects the file at load, a flipped texel byte
// fails that texture's first-use check (and removes the file); a small file
// read whole rather than mapped is rejected when truncated or grown; the key
// memo is named by the absolute path as given, so the same relative name in
// another working folder is another scene; a hit touches (LRU) only a file
// not used in the last minute; a cache folder removed under a running
// process is made again; the floor under a hit counts the hit's calls.
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/stoa_file.h"
#include "core/stoa_log.h"
#include "scene/stoa_scene_cache.h"
#include "scene/stoa_scene_texfmt.h"
#include "scene_cache_compare.h"
#include "scene_cache_test.h"
#include "scene_test_util.h"

#define CHUNK 16384u // CACHE_CHUNK (runtime/scene/scene_cache.h, format 8)
#define DATA_AT 4096u

// The section `id` of a cache file's bytes: offset and size; false if none.
static bool section(const uint8_t *b, size_t n, const char id[4], uint64_t *at, uint64_t *size)
{
    uint32_t count;
    if (n < DATA_AT)
        return false;
    memcpy(&count, b + 32, 4);
    for (uint32_t i = 0; i < count && 64 + (i + 1) * 32 <= DATA_AT; i++) {
        const uint8_t *e = b + 64 + i * 32;
        if (memcmp(e, id, 4) == 0) {
            memcpy(at, e + 8, 8);
            memcpy(size, e + 16, 8);
            return *at <= n && *size <= n - *at;
        }
    }
    return false;
}

// The cache file of the textured model (RGBA8) in a fresh folder: its bytes,
// where its texels begin in DATA (META's last field) and DATA's size.
static uint8_t *textured_file(char *cache, size_t csize, char *file, size_t fsize, size_t *n,
                              uint64_t *lazy_from, uint64_t *data_size)
{
    char path[1024];
    stoa_test_model(path, sizeof path, "textured/textured.gltf");
    tu_mkdtemp(cache, csize, "cachefast");
    stoa_scene *s = sct_load_rgba8(path, cache, STOA_SCENE_CACHE_MISS);
    stoa_scene_destroy(&s);
    CHECK(sct_cache_file(cache, file, fsize));
    sct_drop_memos(cache); // the file is read, not a memo's copy of it
    uint8_t *b = (uint8_t *)tu_read(file, n);
    uint64_t meta = 0, meta_size = 0, data = 0;
    bool ok = b && section(b, *n, "META", &meta, &meta_size) && meta_size >= 8 &&
              section(b, *n, "DATA", &data, data_size) && data == DATA_AT;
    CHECK(ok);
    if (ok)
        memcpy(lazy_from, b + meta + meta_size - 8, 8);
    return b;
}

STOA_TEST(geometry_flip_is_rejected_at_load)
{
    char cache[256], file[4200], path[1024];
    size_t n = 0;
    uint64_t lazy = 0, data = 0;
    uint8_t *b = textured_file(cache, sizeof cache, file, sizeof file, &n, &lazy, &data);
    CHECK(lazy > 0 && lazy <= data);
    if (b && lazy > 0) {
        b[DATA_AT + lazy - 1] ^= 0x20; // the last byte before the texels
        CHECK(tu_write(file, b, n) == 0);
    }
    free(b);
    stoa_test_model(path, sizeof path, "textured/textured.gltf");
    stoa_scene_load_desc d = {
        .use_cache = true, .cache_dir = cache, .texture_target = STOA_TEXTURE_TARGET_RGBA8};
    stoa_scene *s = sct_load_logged(path, &d, STOA_SCENE_CACHE_REJECTED);
    CHECK_CONTAINS(g_log, "DATA: checksum mismatch");
    stoa_scene_destroy(&s);
    s = sct_load_rgba8(path, cache, STOA_SCENE_CACHE_HIT); // rebuilt by the load that rejected it
    stoa_scene_destroy(&s);
    tu_rmdir(cache);
}

STOA_TEST(texel_flip_fails_the_texture_on_first_use)
{
    char cache[256], file[4200], path[1024];
    size_t n = 0;
    uint64_t lazy = 0, data = 0;
    uint8_t *b = textured_file(cache, sizeof cache, file, sizeof file, &n, &lazy, &data);
    // The last texel byte lies in a chunk past the geometry's (the texels
    // start on a chunk of their own): a load does not read it.
    CHECK_MSG(data > 0 && (data - 1) / CHUNK > lazy / CHUNK,
              "texels from %llu to %llu: too few for a chunk of their own",
              (unsigned long long)lazy, (unsigned long long)data);
    if (b && data > 0) {
        b[DATA_AT + data - 1] ^= 0x01;
        CHECK(tu_write(file, b, n) == 0);
    }
    free(b);
    stoa_test_model(path, sizeof path, "textured/textured.gltf");
    stoa_scene_load_desc d = {
        .use_cache = true, .cache_dir = cache, .texture_target = STOA_TEXTURE_TARGET_RGBA8};
    sct_texel_damage_found(path, &d, cache);
    tu_rmdir(cache);
}

// Format 8: the sections but CHNK lie in the header's page with EAGR (the
// geometry's chunk hashes), so that a load reads nothing after DATA: the
// copy of those hashes is what a load checks (damage to it rejects the
// file), and CHNK's entries are read only for the texels, on first use.
STOA_TEST(sections_lie_in_the_header_page)
{
    char cache[256], file[4200], path[1024];
    size_t n = 0;
    uint64_t lazy = 0, data = 0, at = 0, size = 0, chnk = 0, chnk_size = 0;
    uint8_t *b = textured_file(cache, sizeof cache, file, sizeof file, &n, &lazy, &data);
    static const char *const front[] = {"META", "NODE", "MESH", "MATL", "TEXR", "SKIN", "CAMR",
                                        "LITE", "ANIM", "WARN", "LODS", "QVTX", "EAGR"};
    for (size_t i = 0; b && i < sizeof front / sizeof *front; i++)
        CHECK_MSG(section(b, n, front[i], &at, &size) && at + size <= DATA_AT,
                  "%s at %llu (%llu bytes): not in the header's page", front[i],
                  (unsigned long long)at, (unsigned long long)size);
    CHECK(b && section(b, n, "EAGR", &at, &size) && size == (lazy + CHUNK - 1) / CHUNK * 8);
    CHECK(b && section(b, n, "CHNK", &chnk, &chnk_size) && chnk >= DATA_AT + data);
    stoa_test_model(path, sizeof path, "textured/textured.gltf");
    stoa_scene_load_desc d = {
        .use_cache = true, .cache_dir = cache, .texture_target = STOA_TEXTURE_TARGET_RGBA8};
    if (b && chnk && size) {
        b[chnk] ^= 0x01; // CHNK's hash of chunk 0: EAGR's is the one read
        CHECK(tu_write(file, b, n) == 0);
        stoa_scene *s = sct_load_logged(path, &d, STOA_SCENE_CACHE_HIT);
        stoa_scene_destroy(&s);
        b[chnk] ^= 0x01;
        b[at] ^= 0x01; // EAGR's own
        CHECK(tu_write(file, b, n) == 0);
        s = sct_load_logged(path, &d, STOA_SCENE_CACHE_REJECTED);
        CHECK_CONTAINS(g_log, "EAGR: checksum mismatch");
        stoa_scene_destroy(&s);
    }
    free(b);
    tu_rmdir(cache);
}

// box.glb's cache file is read whole (under 64 KiB), not mapped.
STOA_TEST(small_file_truncated_or_grown_is_rejected)
{
    char path[1024], cache[256], file[4200];
    stoa_test_model(path, sizeof path, "box/box.glb");
    for (int grow = 0; grow < 2; grow++) {
        tu_mkdtemp(cache, sizeof cache, "cachefast");
        stoa_scene *s = sct_load_rgba8(path, cache, STOA_SCENE_CACHE_MISS);
        stoa_scene_destroy(&s);
        CHECK(sct_cache_file(cache, file, sizeof file));
        sct_drop_memos(cache); // the file is read, not a memo's copy of it
        size_t n = 0;
        uint8_t *b = (uint8_t *)tu_read(file, &n);
        CHECK_MSG(b && n < (64u << 10), "box.glb's cache file has %zu bytes", n);
        uint8_t *c = b ? realloc(b, n + 1) : NULL;
        if (c) {
            c[n] = 0;
            CHECK(tu_write(file, c, grow ? n + 1 : n - 1) == 0);
        }
        free(c ? c : b);
        stoa_scene_load_desc d = {
            .use_cache = true, .cache_dir = cache, .texture_target = STOA_TEXTURE_TARGET_RGBA8};
        s = sct_load_logged(path, &d, STOA_SCENE_CACHE_REJECTED);
        CHECK_CONTAINS(g_log, "truncated or grown");
        stoa_scene_destroy(&s);
        s = sct_load_rgba8(path, cache, STOA_SCENE_CACHE_HIT);
        stoa_scene_destroy(&s);
        tu_rmdir(cache);
    }
}

static int64_t mtime_of(const char *file)
{
    struct stat st;
    CHECK(stat(file, &st) == 0);
    return (int64_t)st.st_mtim.tv_sec;
}

static void set_age(const char *file, int64_t age_s)
{
    struct timespec t[2] = {{.tv_nsec = UTIME_OMIT}, {.tv_sec = time(NULL) - age_s}};
    CHECK(utimensat(AT_FDCWD, file, t, 0) == 0);
}

STOA_TEST(hit_touches_a_file_not_used_in_the_last_minute)
{
    char path[1024], cache[256], file[4200];
    stoa_test_model(path, sizeof path, "box/box.glb");
    tu_mkdtemp(cache, sizeof cache, "cachefast");
    stoa_scene *s = sct_load_rgba8(path, cache, STOA_SCENE_CACHE_MISS);
    stoa_scene_destroy(&s);
    CHECK(sct_cache_file(cache, file, sizeof file));
    set_age(file, 7200); // the memo, with its copy of the file, goes with it
    sct_age_memos(cache, 7200);
    s = sct_load_rgba8(path, cache, STOA_SCENE_CACHE_HIT);
    stoa_scene_destroy(&s);
    CHECK_MSG(time(NULL) - mtime_of(file) < 600, "a hit on a 2-hour-old file did not touch it");
    set_age(file, 10);
    sct_age_memos(cache, 10);
    int64_t before = mtime_of(file);
    s = sct_load_rgba8(path, cache, STOA_SCENE_CACHE_HIT);
    stoa_scene_destroy(&s);
    CHECK_MSG(mtime_of(file) == before, "a hit on a file used 10 s ago touched it");
    tu_rmdir(cache);
}

STOA_TEST(removed_cache_folder_is_made_again)
{
    char path[1024], cache[256], dir[300], file[4200];
    stoa_test_model(path, sizeof path, "box/box.glb");
    tu_mkdtemp(cache, sizeof cache, "cachefast");
    snprintf(dir, sizeof dir, "%s/a/b", cache);
    stoa_scene *s = sct_load_rgba8(path, dir, STOA_SCENE_CACHE_MISS);
    stoa_scene_destroy(&s);
    s = sct_load_rgba8(path, dir, STOA_SCENE_CACHE_HIT);
    stoa_scene_destroy(&s);
    tu_rmdir(cache); // the whole tree, under this process
    s = sct_load_rgba8(path, dir, STOA_SCENE_CACHE_MISS);
    stoa_scene_destroy(&s);
    CHECK(sct_cache_file(dir, file, sizeof file));
    s = sct_load_rgba8(path, dir, STOA_SCENE_CACHE_HIT);
    stoa_scene_destroy(&s);
    tu_rmdir(cache);
}

// Two folders with a scene of the same name and other content: loaded by
// that relative name from each folder as the working folder, each is its own
// scene, also once both have key memos.
STOA_TEST(memo_of_a_relative_name_is_per_working_folder)
{
    char src[2][256], cache[256], model[1024], from[1200], to[1300], cwd[4096];
    static const char *const files[] = {"textured.gltf", "textured.bin"};
    CHECK(getcwd(cwd, sizeof cwd) != NULL);
    tu_mkdtemp(cache, sizeof cache, "cachefast");
    for (int k = 0; k < 2; k++) {
        tu_mkdtemp(src[k], sizeof src[k], "cachefastsrc");
        for (int i = 0; i < 2; i++) {
            stoa_test_model(model, sizeof model, "textured");
            snprintf(from, sizeof from, "%s/%s", model, files[i]);
            snprintf(to, sizeof to, "%s/%s", src[k], files[i]);
            CHECK(tu_copy(from, to) == 0);
        }
        stoa_test_model(model, sizeof model, k ? "jpeg/photo.jpg" : "textured/quadrants.png");
        snprintf(to, sizeof to, "%s/quadrants.png", src[k]);
        CHECK(tu_copy(model, to) == 0);
    }
    usleep(2200 * 1000); // older than the memo's two-second guard
    stoa_scene *fresh[2] = {NULL, NULL};
    for (int round = 0; round < 2; round++)
        for (int k = 0; k < 2; k++) {
            CHECK(chdir(src[k]) == 0);
            if (!fresh[k])
                fresh[k] = sct_load_rgba8("textured.gltf", NULL, STOA_SCENE_CACHE_UNUSED);
            stoa_scene *s = sct_load_rgba8("textured.gltf", cache,
                                           round ? STOA_SCENE_CACHE_HIT : STOA_SCENE_CACHE_MISS);
            if (s && fresh[k])
                sc_scene_same(fresh[k], s, k ? "second folder" : "first folder");
            stoa_scene_destroy(&s);
        }
    char memos[300];
    snprintf(memos, sizeof memos, "ls %s/*.memo | wc -l", cache);
    FILE *p = popen(memos, "r");
    CHECK(p && fgets(memos, sizeof memos, p) && atoi(memos) == 2);
    if (p)
        pclose(p);
    // The floor under a hit (stoa bench load): the memo's open, fstat, pread
    // and close, a stat of each of the three files, and getcwd for the
    // relative name; none without a memo.
    double ms = 0;
    uint32_t calls = 0;
    char abs_name[300], empty[256];
    CHECK(stoa_scene_cache_hit_floor("textured.gltf", cache, false, 9, &ms, &calls));
    CHECK(calls == 8 && ms > 0);
    snprintf(abs_name, sizeof abs_name, "%s/textured.gltf", src[1]);
    CHECK(stoa_scene_cache_hit_floor(abs_name, cache, false, 1, &ms, &calls) && calls == 7);
    tu_mkdtemp(empty, sizeof empty, "cachefastempty");
    CHECK(!stoa_scene_cache_hit_floor("textured.gltf", empty, false, 1, &ms, &calls));
    tu_rmdir(empty);
    CHECK(chdir(cwd) == 0);
    for (int k = 0; k < 2; k++) {
        stoa_scene_destroy(&fresh[k]);
        tu_rmdir(src[k]);
    }
    tu_rmdir(cache);
}

// A FIFO where the cache file, its key memo or a baked file beside the scene
// should be: refused at once (a plain open would wait for a writer forever),
// and the scene is imported again.
STOA_TEST(fifos_are_refused_not_waited_on)
{
    char path[1024], cache[256], file[4200], memo[4400], copy[600], side[700];
    stoa_test_model(path, sizeof path, "box/box.glb");
    tu_mkdtemp(cache, sizeof cache, "cachefifo");
    stoa_scene *s = sct_load_rgba8(path, cache, STOA_SCENE_CACHE_MISS);
    stoa_scene_destroy(&s);
    CHECK(sct_cache_file(cache, file, sizeof file));
    DIR *d = opendir(cache);
    struct dirent *e;
    memo[0] = 0;
    while (d && (e = readdir(d)))
        if (strstr(e->d_name, ".memo"))
            snprintf(memo, sizeof memo, "%s/%s", cache, e->d_name);
    if (d)
        closedir(d);
    CHECK_MSG(memo[0], "no key memo in %s", cache);
    CHECK(unlink(file) == 0 && mkfifo(file, 0600) == 0);
    CHECK(unlink(memo) == 0 && mkfifo(memo, 0600) == 0);
    time_t t0 = time(NULL);
    s = sct_load_rgba8(path, cache, STOA_SCENE_CACHE_REJECTED); // not a cache file: imported
    stoa_scene_destroy(&s);
    struct stat st;
    CHECK(stat(file, &st) == 0 && S_ISREG(st.st_mode)); // and written again in its place
    // Beside a copy of the scene, as a lesson folder could hold it.
    snprintf(copy, sizeof copy, "%s/box.glb", cache);
    uint8_t *bytes = NULL;
    size_t n = 0;
    stoa_error err = {0};
    CHECK(stoa_file_read(path, 0, &bytes, &n, &err) == STOA_OK);
    CHECK(stoa_file_write_atomic(copy, bytes, n, &err) == STOA_OK);
    free(bytes);
    snprintf(side, sizeof side, "%s.stoabake", copy);
    CHECK(mkfifo(side, 0600) == 0);
    s = sct_load_rgba8(copy, cache, STOA_SCENE_CACHE_HIT); // same content: the cache's file
    stoa_scene_destroy(&s);
    CHECK(time(NULL) - t0 < 20);
    tu_rmdir(cache);
}

STOA_TEST_MAIN()
