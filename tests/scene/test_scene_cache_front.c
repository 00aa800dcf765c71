// SPDX-License-Identifier: Apache-2.0
// The key memo's copy of a cache file over 64 KiB without its texels (its
// header page and geometry, and all after DATA: scene_cache_copy_plan; a
// hit reads the same copy from a larger file itself): a hit builds the scene from
// the copy and opens no cache file; the file is mapped on the first use of
// a texture, after its header is found to be the copy's, and its texels
// are checked then as any file's are; the buffer a large copy is read into
// is kept for the next hit. A file removed or written again
// meanwhile leaves that scene's textures out (logged; the copy goes, a
// rewritten file stays); `stoa bake` bakes a removed file again (a front
// has no texels to write back); a texture array among the geometry, or
// geometry among the texels, is refused.
#define _GNU_SOURCE // memmem
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/stoa_log.h"
#include "scene/stoa_scene_cache.h"
#include "scene_cache_compare.h"
#include "scene_cache_test.h"
#include "scene_test_util.h"

#define MODEL "textured/textured-128.gltf" // a 128x128 texture: a cache file of ~105 KiB

// Where the tail a copy of cache bytes f (n of them) keeps starts: DATA's
// end, or n (no tail) when every section is in the header's page (EAGR
// there); 0 when there is no DATA.
static uint64_t tail_from(const uint8_t *f, size_t n)
{
    uint32_t count;
    uint64_t end = 0;
    bool eagr = false;
    memcpy(&count, f + 32, 4);
    for (uint32_t i = 0; i < count && 64 + 32 * (i + 1) <= n; i++) {
        uint64_t off, size;
        memcpy(&off, f + 64 + 32 * i + 8, 8);
        memcpy(&size, f + 64 + 32 * i + 16, 8);
        if (!memcmp(f + 64 + 32 * i, "DATA", 4))
            end = off + size <= n ? off + size : 0;
        eagr |= !memcmp(f + 64 + 32 * i, "EAGR", 4);
    }
    return end && eagr ? n : end;
}

// A fresh folder with MODEL's cache file and its memo, which holds the
// file's copy without its texels: the file's first `front` bytes, fewer
// than all, then (when some section is too large for the header's page)
// all after DATA: those sections, and CHNK.
static size_t baked(char *cache, size_t csize, char *path, size_t psize, char *file, char *memo)
{
    stoa_test_model(path, psize, MODEL);
    tu_mkdtemp(cache, csize, "cachefront");
    stoa_scene *s = sct_load_rgba8(path, cache, STOA_SCENE_CACHE_MISS);
    stoa_scene_destroy(&s);
    CHECK(sct_cache_file(cache, file, 4200));
    CHECK(sct_memo_file(cache, memo, 4400));
    size_t n = 0, m = 0;
    uint8_t *f = (uint8_t *)tu_read(file, &n), *b = (uint8_t *)tu_read(memo, &m);
    uint8_t *copy = b ? memmem(b, m, "STOABAKE", 8) : NULL;
    size_t have = copy ? m - (size_t)(copy - b) : 0;
    uint64_t end = f ? tail_from(f, n) : 0, tail = end ? n - end : 0;
    size_t front = have > tail ? have - (size_t)tail : 0;
    CHECK_MSG(n > (64u << 10), "%s: %zu bytes, not over 64 KiB", file, n);
    CHECK_MSG(copy && end && front > 4096 && have < n && !memcmp(copy, f, front) &&
                  !memcmp(copy + front, f + end, (size_t)tail),
              "%s holds no copy of the front and tail of %s (%zu of %zu bytes; the tail %llu)",
              memo, file, have, n, (unsigned long long)tail);
    free(f);
    free(b);
    return front;
}

// The texels of every texture of s (after its check) equal those of the
// same cache file read whole.
static void texels_match_the_file(stoa_scene *s, const char *file)
{
    size_t n = 0;
    uint8_t *f = (uint8_t *)tu_read(file, &n);
    stoa_scene *whole = NULL;
    stoa_error err = {0};
    CHECK_MSG(f && stoa_scene_cache_parse(f, n, 0, true, &whole, &err) == STOA_OK, "%s",
              err.message);
    CHECK(whole && s->texture_count == whole->texture_count && s->texture_count > 0);
    for (uint32_t i = 0; whole && i < s->texture_count; i++) {
        const stoa_texture *a = &s->textures[i], *b = &whole->textures[i];
        size_t level0 = (size_t)a->width * a->height * 4;
        CHECK_MSG(stoa_scene_texture_check(s, i), "texture %u fails its check", i);
        CHECK_MSG(a->rgba && b->rgba && a->width == b->width && !memcmp(a->rgba, b->rgba, level0) &&
                      a->mips && b->mips && !memcmp(a->mips, b->mips, level0 / 4),
                  "texture %u differs from the file's", i);
    }
    stoa_scene_destroy(&whole);
    free(f);
}

STOA_TEST(a_hit_builds_from_the_front_and_maps_the_texels_on_first_use)
{
    char cache[256], path[1024], file[4200], memo[4400], away[4300];
    baked(cache, sizeof cache, path, sizeof path, file, memo);
    stoa_scene *s = sct_load_rgba8(path, cache, STOA_SCENE_CACHE_HIT);
    CHECK(s && s->mesh_count == 1 && s->meshes[0].vertex_count == 24);
    if (s)
        texels_match_the_file(s, file);
    stoa_scene_destroy(&s);
    // The file away from load to first use: the hit did not open it, and
    // the texture is left out, logged; the copy goes, nothing else.
    snprintf(away, sizeof away, "%s.away", file);
    s = sct_load_rgba8(path, cache, STOA_SCENE_CACHE_HIT);
    CHECK(s && s->mesh_count == 1);
    CHECK(rename(file, away) == 0);
    g_log[0] = 0;
    stoa_log_set_sink(sink, NULL);
    CHECK(s && !stoa_scene_texture_check(s, 0));
    CHECK(s && !stoa_scene_texture_check(s, 0)); // logged once
    stoa_log_set_sink(NULL, NULL);
    CHECK_CONTAINS(g_log, "texture 0 left out");
    CHECK_CONTAINS(g_log, "is gone or was written again");
    CHECK_MSG(!strstr(strstr(g_log, "left out") + 1, "left out"), "logged twice: %s", g_log);
    CHECK_MSG(access(memo, F_OK) != 0, "%s kept its copy", memo);
    stoa_scene_destroy(&s);
    CHECK(rename(away, file) == 0);
    s = sct_load_rgba8(path, cache, STOA_SCENE_CACHE_HIT); // the file itself
    if (s)
        texels_match_the_file(s, file);
    stoa_scene_destroy(&s);
    tu_rmdir(cache);
}

STOA_TEST(a_file_written_again_is_not_read_through_an_old_copy)
{
    char cache[256], path[1024], file[4200], memo[4400];
    baked(cache, sizeof cache, path, sizeof path, file, memo);
    stoa_scene *s = sct_load_rgba8(path, cache, STOA_SCENE_CACHE_HIT);
    // Another file under the name (its header differs: here, its reserved field).
    size_t n = 0;
    uint8_t *b = (uint8_t *)tu_read(file, &n);
    CHECK(b && n > 64);
    if (b && n > 64) {
        b[48] ^= 1;
        CHECK(unlink(file) == 0 && tu_write(file, b, n) == 0);
    }
    free(b);
    g_log[0] = 0;
    stoa_log_set_sink(sink, NULL);
    CHECK(s && !stoa_scene_texture_check(s, 0));
    stoa_log_set_sink(NULL, NULL);
    CHECK_CONTAINS(g_log, "left out");
    CHECK_MSG(access(file, F_OK) == 0, "%s removed: not this scene's to judge", file);
    CHECK_MSG(access(memo, F_OK) != 0, "%s kept its copy", memo);
    stoa_scene_destroy(&s);
    tu_rmdir(cache);
}

static uint8_t *first_ref(uint8_t *f, size_t n, const char *id_name);

STOA_TEST(damaged_texels_in_the_file_fail_on_first_use)
{
    char cache[256], path[1024], file[4200], memo[4400];
    baked(cache, sizeof cache, path, sizeof path, file, memo);
    size_t n = 0;
    uint8_t *b = (uint8_t *)tu_read(file, &n);
    uint8_t *ref = b ? first_ref(b, n, "TEXR") : NULL;
    uint64_t texels = 0;
    if (ref)
        memcpy(&texels, ref, 8);
    CHECK(ref && 4096 + texels + 5000 < n);
    if (ref && 4096 + texels + 5000 < n) { // a texel of the level-0 image
        b[4096 + texels + 5000] ^= 0x40;
        CHECK(tu_write(file, b, n) == 0);
    }
    free(b);
    stoa_scene_load_desc d = {
        .use_cache = true, .cache_dir = cache, .texture_target = STOA_TEXTURE_TARGET_RGBA8};
    sct_texel_damage_found(path, &d, cache); // the file and the copy go, then rebuilt
    tu_rmdir(cache);
}

STOA_TEST(bake_makes_a_removed_file_again)
{
    char cache[256], path[1024], file[4200], memo[4400], out[4200];
    baked(cache, sizeof cache, path, sizeof path, file, memo);
    size_t n = 0, m = 0;
    char *before = tu_read(file, &n);
    CHECK(unlink(file) == 0);
    stoa_error err = {0};
    stoa_scene_cache_outcome o;
    CHECK_MSG(stoa_scene_bake(path, cache, out, sizeof out, &o, &err) == STOA_OK, "%s",
              err.message);
    char *after = tu_read(file, &m);
    CHECK_MSG(!strcmp(out, file) && after && n == m, "%s not made again (%zu bytes, was %zu)", file,
              m, n);
    stoa_scene *s = sct_load_rgba8(path, cache, STOA_SCENE_CACHE_HIT);
    if (s)
        texels_match_the_file(s, file);
    stoa_scene_destroy(&s);
    free(before);
    free(after);
    tu_rmdir(cache);
}

// The first array reference (offset, size) in section `id` of cache bytes
// f, after the first record's name and two counts (TEXR: texture 0's
// level 0 after its width and height; MESH: mesh 0's positions after its
// vertex and index counts): where it is in f; NULL when not found.
static uint8_t *first_ref(uint8_t *f, size_t n, const char *id_name)
{
    uint32_t count;
    memcpy(&count, f + 32, 4);
    for (uint32_t i = 0; i < count && 64 + 32 * (i + 1) <= n; i++) {
        uint32_t id;
        uint64_t off;
        memcpy(&id, f + 64 + 32 * i, 4);
        memcpy(&off, f + 64 + 32 * i + 8, 8);
        uint32_t len;
        if (memcmp(&id, id_name, 4) || off + 4 > n)
            continue;
        memcpy(&len, f + off, 4); // the name, then its NUL, width and height
        return off + 4 + len + 1 + 8 + 16 <= n ? f + off + 4 + len + 1 + 8 : NULL;
    }
    return NULL;
}

static void refused_with(uint8_t *f, size_t n, const char *why)
{
    stoa_scene *s = NULL;
    stoa_error err = {0};
    CHECK_MSG(stoa_scene_cache_parse(f, n, 0, false, &s, &err) < 0, "accepted: %s", why);
    CHECK_CONTAINS(err.message, why);
    stoa_scene_destroy(&s);
}

STOA_TEST(texels_among_the_geometry_and_geometry_among_texels_are_refused)
{
    char cache[256], path[1024], file[4200], memo[4400];
    baked(cache, sizeof cache, path, sizeof path, file, memo);
    size_t n = 0;
    uint8_t *f = (uint8_t *)tu_read(file, &n);
    uint8_t *tex = f ? first_ref(f, n, "TEXR") : NULL, *pos = f ? first_ref(f, n, "MESH") : NULL;
    CHECK(tex && pos);
    if (tex && pos) {
        uint64_t texels, size, positions, zero = 0;
        memcpy(&texels, tex, 8);
        memcpy(&size, tex + 8, 8);
        memcpy(&positions, pos, 8);
        CHECK_MSG(size == 128 * 128 * 4, "texture 0's level 0: %llu bytes",
                  (unsigned long long)size);
        stoa_scene *s = NULL;
        stoa_error err = {0};
        CHECK_MSG(stoa_scene_cache_parse(f, n, 0, false, &s, &err) == STOA_OK, "%s", err.message);
        stoa_scene_destroy(&s);
        memcpy(tex, &zero, 8); // level 0 at the start of DATA, over the geometry
        refused_with(f, n, "texels among the geometry");
        memcpy(tex, &texels, 8);
        memcpy(pos, &texels, 8); // the positions where the texels are
        refused_with(f, n, "array among the texels");
        memcpy(pos, &positions, 8);
    }
    free(f);
    tu_rmdir(cache);
}

// A copy too large for a memo (the agora's ~870 KiB of geometry): a hit
// reads it from the file itself (its front and tail, two reads), not
// mapping the file; the texels are mapped on first use and equal the
// file's, and a file moved away before that leaves the textures out.
STOA_TEST(a_large_copy_is_read_from_the_file)
{
    char cache[256], file[4200], memo[4400], away[4300];
    tu_mkdtemp(cache, sizeof cache, "cachefrontbig");
    stoa_scene *s = sct_load_rgba8(STOA_AGORA, cache, STOA_SCENE_CACHE_MISS);
    stoa_scene_destroy(&s);
    CHECK(sct_cache_file(cache, file, sizeof file));
    CHECK(sct_memo_file(cache, memo, sizeof memo));
    struct stat st;
    CHECK_MSG(stat(memo, &st) == 0 && st.st_size < 4096, "%s holds a copy", memo);
    s = sct_load_rgba8(STOA_AGORA, cache, STOA_SCENE_CACHE_HIT);
    CHECK(s && s->texture_count > 0 && s->mesh_count > 10);
    if (s)
        texels_match_the_file(s, file);
    stoa_scene_destroy(&s);
    s = sct_load_rgba8(STOA_AGORA, cache, STOA_SCENE_CACHE_HIT);
    snprintf(away, sizeof away, "%s.away", file);
    CHECK(rename(file, away) == 0);
    g_log[0] = 0;
    stoa_log_set_sink(sink, NULL);
    CHECK(s && !stoa_scene_texture_check(s, 0));
    stoa_log_set_sink(NULL, NULL);
    CHECK_CONTAINS(g_log, "is gone or was written again");
    stoa_scene_destroy(&s);
    CHECK(rename(away, file) == 0);
    tu_rmdir(cache);
}

// The buffer a large copy is read into is kept when its scene goes and the
// next hit reads into it (the same geometry address), while a scene still
// alive keeps its own (another address, and its bytes unchanged by the
// second read); every hit equals an import, textures aside (not yet used).
STOA_TEST(a_copy_buffer_is_kept_for_the_next_hit)
{
    char cache[256];
    tu_mkdtemp(cache, sizeof cache, "cachefrontbuf");
    stoa_scene *fresh = sct_load_rgba8(STOA_AGORA, NULL, STOA_SCENE_CACHE_UNUSED);
    stoa_scene *s = sct_load_rgba8(STOA_AGORA, cache, STOA_SCENE_CACHE_MISS);
    stoa_scene_destroy(&s);
    s = sct_load_rgba8(STOA_AGORA, cache, STOA_SCENE_CACHE_HIT);
    const void *first = s && s->mesh_count ? s->meshes[0].positions : NULL;
    stoa_scene_destroy(&s);
    // Kept: still mapped after its scene went (msync fails on unmapped pages).
    void *page = (void *)((uintptr_t)first & ~(uintptr_t)4095);
    CHECK_MSG(first && msync(page, 4096, MS_ASYNC) == 0, "the buffer was unmapped");
    s = sct_load_rgba8(STOA_AGORA, cache, STOA_SCENE_CACHE_HIT);
    CHECK_MSG(first && s && s->mesh_count && s->meshes[0].positions == first,
              "the second hit read into another buffer (%p, then %p)", first,
              s && s->mesh_count ? (const void *)s->meshes[0].positions : NULL);
    stoa_scene *t = sct_load_rgba8(STOA_AGORA, cache, STOA_SCENE_CACHE_HIT);
    CHECK_MSG(s && t && t->mesh_count && t->meshes[0].positions != s->meshes[0].positions,
              "two live scenes share a buffer");
    for (int k = 0; k < 2 && fresh; k++) {
        stoa_scene *x = k ? t : s;
        CHECK(x && sc_scene_same_by(fresh, x, k ? "second live hit" : "first live hit",
                                    sc_mesh_same_cmp, NULL, false));
    }
    stoa_scene_destroy(&t);
    stoa_scene_destroy(&s);
    stoa_scene_destroy(&fresh);
    tu_rmdir(cache);
}

STOA_TEST_MAIN()
