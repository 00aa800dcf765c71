// SPDX-License-Identifier: Apache-2.0
// stoa_scene_load_desc.hold_background (scene_gate.c): a load's background
// work (image decodes, levels of detail, the cache writer) does nothing
// until stoa_scene_release_background, a wait for it, or the scene's
// destruction; then everything arrives as without the hold. A hold nobody
// releases still ends (at most 2 s after the load). Destroying a scene
// whose threads are held is clean (ASan/LSan in the sanitizer build).
#include <stdio.h>
#include <time.h>

#include "scene/stoa_scene.h"
#include "scene_cache_test.h"
#include "scene_test_util.h"
#include "stoa_test.h"

static void nap_ms(long ms)
{
    nanosleep(&(struct timespec){ms / 1000, (ms % 1000) * 1000000L}, NULL);
}

static stoa_scene *load(const char *rel, const stoa_scene_load_desc *d)
{
    char p[4096];
    stoa_test_model(p, sizeof p, rel);
    stoa_scene *s = NULL;
    stoa_error err = {0};
    CHECK_MSG(stoa_scene_load(p, d, &s, &err) == STOA_OK, "%s: %s", rel, err.message);
    return s;
}

// Held: a tiny PNG (decoded in a millisecond when let go) stays pending
// and no cache file is written, however long the owner polls; released:
// both arrive.
STOA_TEST(held_work_waits_for_the_release)
{
    char dir[256];
    tu_mkdtemp(dir, sizeof dir, "hold");
    stoa_scene_load_desc d = {
        .defer_textures = true, .use_cache = true, .cache_dir = dir, .hold_background = true};
    stoa_scene *s = load("textured/textured.gltf", &d);
    if (!s)
        return;
    CHECK(s->texture_count == 1 && s->textures[0].pending);
    char file[4096];
    for (int i = 0; i < 10; i++) { // 200 ms of polls, well inside the 2 s limit
        nap_ms(20);
        CHECK_MSG(stoa_scene_textures_ready(s, false) == 1, "decoded while held (poll %d)", i);
    }
    CHECK_MSG(!sct_cache_file(dir, file, sizeof file), "cache written while held: %s", file);
    stoa_scene_release_background(s);
    stoa_scene_release_background(s); // again: nothing happens
    uint32_t left = 1;
    for (int i = 0; i < 2000 && left; i++) { // the owner polls, as a frame loop does
        left = stoa_scene_textures_ready(s, false);
        if (left)
            nap_ms(5);
    }
    CHECK_MSG(left == 0, "the texture never arrived after the release");
    CHECK(s->textures[0].rgba && !s->textures[0].pending && !s->textures[0].placeholder);
    stoa_scene_cache_wait(s);
    CHECK_MSG(sct_cache_file(dir, file, sizeof file), "no cache file after the release");
    stoa_scene_destroy(&s);
    tu_rmdir(dir);
}

// A scene without textures: its cache writer starts at the end of the load
// and is held the same; waiting for it (stoa_scene_cache_wait) lets it go.
STOA_TEST(a_wait_lets_the_held_writer_go)
{
    char dir[256], file[4096];
    tu_mkdtemp(dir, sizeof dir, "hold");
    stoa_scene_load_desc d = {
        .use_cache = true, .cache_dir = dir, .hold_background = true, .defer_lods = true};
    stoa_scene *s = load("box/box.gltf", &d);
    if (!s)
        return;
    nap_ms(150);
    CHECK_MSG(!sct_cache_file(dir, file, sizeof file), "cache written while held: %s", file);
    stoa_scene_cache_wait(s);
    CHECK_MSG(sct_cache_file(dir, file, sizeof file), "no cache file after the wait");
    CHECK(stoa_scene_lods_ready(s, true));
    stoa_scene_destroy(&s);
    tu_rmdir(dir);
}

// Nobody releases: the texture still arrives (the gate's time limit), by
// polling alone.
STOA_TEST(an_unreleased_hold_ends_by_itself)
{
    stoa_scene_load_desc d = {.defer_textures = true, .hold_background = true};
    stoa_scene *s = load("jpeg/jpeg.gltf", &d);
    if (!s)
        return;
    uint32_t left = s->texture_count;
    for (int i = 0; i < 6000 && left; i++) { // up to 30 s: the limit is 2 s
        left = stoa_scene_textures_ready(s, false);
        if (left)
            nap_ms(5);
    }
    CHECK_MSG(left == 0, "%u textures never arrived without a release", left);
    stoa_scene_destroy(&s);
}

// Destroyed while everything is held: the threads are let go, see the
// cancel and are joined (no 2 s wait is needed, none is asserted).
STOA_TEST(destroy_while_held_is_clean)
{
    char dir[256];
    tu_mkdtemp(dir, sizeof dir, "hold");
    stoa_scene_load_desc d = {.defer_textures = true,
                              .defer_lods = true,
                              .use_cache = true,
                              .cache_dir = dir,
                              .hold_background = true};
    for (int k = 0; k < 3; k++) {
        stoa_scene *s = load(k == 0 ? "large/large.glb" : "jpeg/jpeg.gltf", &d);
        stoa_scene_destroy(&s);
        CHECK(s == NULL);
    }
    tu_rmdir(dir);
}

STOA_TEST_MAIN()
