// SPDX-License-Identifier: Apache-2.0
// A cache file written while its scene was closed (a short process under a
// GPU texture target, such as one `stoa render`) keeps RGBA8 for what was
// not encoded yet. Such a file is right, and each later load that maps it
// completes it on its writer thread (scene_cache_complete.c): the scene it
// draws meanwhile is the same image, the completed file holds what a whole
// bake holds, a short process neither waits nor writes, and a whole file is
// never written again. STOA_SCENE_CACHE_HURRY_PIXELS=0 makes a hurried writer
// keep every texture it had not finished (instead of encoding up to a
// megapixel more).
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "scene/stoa_scene_cache.h"
#include "scene/stoa_scene_texfmt.h"
#include "scene_cache_test.h"
#include "scene_test_util.h"

static const stoa_scene_load_desc *bc(const char *dir)
{
    static stoa_scene_load_desc d;
    d = (stoa_scene_load_desc){
        .use_cache = true, .cache_dir = dir, .texture_target = STOA_TEXTURE_TARGET_BC};
    return &d;
}

// Textures of s still RGBA8 (not placeholders); every texture's bytes checked.
static uint32_t rgba8_count(const stoa_scene *s)
{
    uint32_t n = 0;
    for (uint32_t i = 0; s && i < s->texture_count; i++) {
        CHECK_MSG(stoa_scene_texture_check(s, i), "texture %u damaged", i);
        n += s->textures[i].rgba && !s->textures[i].placeholder &&
             s->textures[i].gpu_format == STOA_TEXFMT_RGBA8;
    }
    return n;
}

// Level 0 of texture i of s (RGBA8 or decoded blocks) against ref's, in dB.
static double psnr_of(const stoa_scene *s, const stoa_scene *ref, uint32_t i)
{
    const stoa_texture *t = &s->textures[i], *r = &ref->textures[i];
    size_t n = (size_t)t->width * t->height * 4;
    uint8_t *px = malloc(n);
    if (!px || t->width != r->width || t->height != r->height || !r->rgba) {
        free(px);
        return 0.0;
    }
    if (t->blocks)
        CHECK(stoa_texfmt_decode_level(t->gpu_format, t->blocks, t->width, t->height, false, px));
    else
        memcpy(px, t->rgba, n);
    double se = 0.0;
    for (size_t k = 0; k < n; k++)
        se += (double)((int)px[k] - r->rgba[k]) * ((int)px[k] - r->rgba[k]);
    free(px);
    return se == 0.0 ? 99.0 : 10.0 * log10(255.0 * 255.0 * (double)n / se);
}

// A first load closed at once: its writer is hurried and, with no allowance,
// leaves every texture RGBA8 in the file (its name into file).
static void hurried_write(const char *path, const char *dir, char *file, size_t size)
{
    stoa_scene *s = NULL;
    stoa_error err = {0};
    CHECK_MSG(stoa_scene_load(path, bc(dir), &s, &err) == STOA_OK, "%s", err.message);
    stoa_scene_destroy(&s);
    CHECK(sct_cache_file(dir, file, size));
}

static stoa_scene *hurried_first_write(const char *path, const char *dir, uint32_t *out_left)
{
    char file[4200];
    hurried_write(path, dir, file, sizeof file);
    stoa_scene *s = sct_load(path, bc(dir), STOA_SCENE_CACHE_HIT);
    *out_left = rgba8_count(s);
    return s;
}

// The next load that maps the file draws what it holds (the right image)
// and completes the file behind it; the load after gets every texture in
// the target's format, the very blocks a whole bake writes, and writes nothing.
STOA_TEST(a_later_load_completes_the_file)
{
    char dir[256], path[1024], file[4200];
    tu_mkdtemp(dir, sizeof dir, "cache-complete");
    stoa_test_model(path, sizeof path, "large/large.glb");
    stoa_scene *ref = NULL;
    stoa_error err = {0};
    CHECK_MSG(stoa_scene_load(path, &(stoa_scene_load_desc){0}, &ref, &err) == STOA_OK, "%s",
              err.message);
    uint32_t left = 0;
    stoa_scene *s = hurried_first_write(path, dir, &left); // waited: completed
    printf("complete: the hurried write left %u of %u textures RGBA8\n", left,
           s ? s->texture_count : 0);
    CHECK_MSG(left > 0, "a writer hurried at once with no allowance left textures RGBA8");
    for (uint32_t i = 0; s && ref && i < s->texture_count; i++)
        CHECK_MSG(psnr_of(s, ref, i) > 35.0, "texture %u drawn right meanwhile (%.1f dB)", i,
                  psnr_of(s, ref, i));
    stoa_scene_destroy(&s);
    CHECK(sct_cache_file(dir, file, sizeof file));
    struct stat before, after;
    CHECK(stat(file, &before) == 0);
    // What a bake that nobody hurried writes, in a folder of its own.
    char whole_dir[256];
    tu_mkdtemp(whole_dir, sizeof whole_dir, "cache-complete-whole");
    CHECK_MSG(stoa_scene_bake_for(path, whole_dir, STOA_TEXTURE_TARGET_BC, NULL, 0, NULL, &err) ==
                  STOA_OK,
              "%s", err.message);
    stoa_scene *whole = sct_load(path, bc(whole_dir), STOA_SCENE_CACHE_HIT);
    s = sct_load(path, bc(dir), STOA_SCENE_CACHE_HIT);
    CHECK_MSG(s && rgba8_count(s) == 0, "completed: every texture in its GPU format (%u left)",
              rgba8_count(s));
    for (uint32_t i = 0; s && whole && i < s->texture_count; i++) {
        const stoa_texture *t = &s->textures[i], *w = &whole->textures[i];
        // Checked (and mapped) on first use, as the renderer does.
        CHECK(stoa_scene_texture_check(s, i) && stoa_scene_texture_check(whole, i));
        CHECK(t->gpu_format == STOA_TEXFMT_BC7 && t->gpu_format == w->gpu_format);
        CHECK_MSG(t->blocks && w->blocks && t->blocks_size == w->blocks_size &&
                      !memcmp(t->blocks, w->blocks, t->blocks_size),
                  "texture %u: the same blocks as a whole bake's", i);
    }
    stoa_scene_destroy(&whole);
    stoa_scene_destroy(&s);
    tu_rmdir(whole_dir);
    CHECK(stat(file, &after) == 0);
    CHECK_MSG(before.st_ino == after.st_ino, // (its times: a hit touches it, for the LRU)
              "a whole file is not written again");
    stoa_scene_destroy(&ref);
    tu_rmdir(dir);
}

// A later process that ends before the completion starts (one `stoa
// render`): it leaves the file as it was and does not wait for an encoder.
STOA_TEST(a_short_process_leaves_the_file_alone)
{
    setenv("STOA_SCENE_CACHE_COMPLETE_DELAY_MS", "60000", 1);
    char dir[256], path[1024], file[4200];
    tu_mkdtemp(dir, sizeof dir, "cache-complete-short");
    stoa_test_model(path, sizeof path, "large/large.glb");
    hurried_write(path, dir, file, sizeof file);
    stoa_scene *s = NULL;
    stoa_error err = {0};
    struct stat before, after;
    CHECK(stat(file, &before) == 0);
    for (int round = 0; round < 3; round++) {
        CHECK(stoa_scene_load(path, bc(dir), &s, &err) == STOA_OK);
        CHECK(stoa_scene_cache_outcome_of(s) == STOA_SCENE_CACHE_HIT);
        CHECK(rgba8_count(s) > 0);
        stoa_scene_destroy(&s); // within the delay: the completion gives up at once
    }
    CHECK(stat(file, &after) == 0);
    CHECK_MSG(before.st_ino == after.st_ino, "the file is not written again");
    tu_rmdir(dir);
    setenv("STOA_SCENE_CACHE_COMPLETE_DELAY_MS", "0", 1);
}

// A partial file whose RGBA8 texels were damaged on disk: the completion
// reads them, catches it, and writes nothing (damage is never written again
// under fresh hashes); the file is removed and the next load imports anew.
STOA_TEST(damage_is_not_carried_into_the_completed_file)
{
    char dir[256], path[1024], file[4200];
    tu_mkdtemp(dir, sizeof dir, "cache-complete-damage");
    stoa_test_model(path, sizeof path, "large/large.glb");
    hurried_write(path, dir, file, sizeof file); // every texture RGBA8
    stoa_scene *s = NULL;
    stoa_error err = {0};
    stoa_scene *ref = NULL;
    CHECK(stoa_scene_load(path, &(stoa_scene_load_desc){0}, &ref, &err) == STOA_OK);
    size_t size = 0;
    char *bytes = tu_read(file, &size);
    const stoa_texture *t = ref ? &ref->textures[ref->texture_count - 1] : NULL;
    long at = -1; // the last texture's texels, somewhere in the file
    for (size_t i = 0; t && bytes && at < 0 && i + 256 <= size; i++)
        if (!memcmp(bytes + i, t->rgba + 4096, 256))
            at = (long)i;
    CHECK_MSG(at > 0, "the texture's texels are in the file");
    if (at > 0) {
        bytes[at + 100] ^= 0x5A;
        CHECK(tu_write(file, bytes, size) == 0);
    }
    free(bytes);
    stoa_scene_destroy(&ref);
    g_log[0] = 0;
    stoa_log_set_sink(sink, NULL);
    s = sct_load(path, bc(dir), STOA_SCENE_CACHE_HIT); // waits for the completion
    stoa_log_set_sink(NULL, NULL);
    CHECK_MSG(strstr(g_log, "DATA checksum mismatch") != NULL, "the damage is reported: %s", g_log);
    stoa_scene_destroy(&s);
    CHECK_MSG(!sct_cache_file(dir, file, sizeof file), "the damaged file is gone, none written");
    s = sct_load(path, bc(dir), STOA_SCENE_CACHE_MISS);
    stoa_scene_destroy(&s);
    tu_rmdir(dir);
}

// A small file (its copy in the key memo, which a hit reads instead of the
// file): the completed file replaces the copy too, so that the load after
// gets the completed textures and completes nothing again.
STOA_TEST(a_small_file_is_completed_in_its_memo_copy_too)
{
    char dir[256], path[1024];
    tu_mkdtemp(dir, sizeof dir, "cache-complete-copy");
    stoa_test_model(path, sizeof path, "textured/textured.gltf");
    uint32_t left = 0;
    stoa_scene *s = hurried_first_write(path, dir, &left); // from the copy; completed
    CHECK_MSG(left > 0, "a writer hurried at once with no allowance left textures RGBA8");
    stoa_scene_destroy(&s);
    s = sct_load(path, bc(dir), STOA_SCENE_CACHE_HIT);
    CHECK_MSG(s && rgba8_count(s) == 0, "completed: %u textures still RGBA8", rgba8_count(s));
    stoa_scene_destroy(&s);
    tu_rmdir(dir);
}

int main(int argc, char **argv)
{
    setenv("STOA_SCENE_CACHE_HURRY_PIXELS", "0", 1);
    setenv("STOA_SCENE_CACHE_COMPLETE_DELAY_MS", "0", 1); // a short process's, made longer
    return stoa_test_main(argc, argv);
}
