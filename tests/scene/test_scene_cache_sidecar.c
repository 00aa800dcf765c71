// SPDX-License-Identifier: Apache-2.0
// A baked file beside the scene ("<scene>.stoabake", as the hub sends one
// with a lesson's files): taken into the cache when it was made from the
// same content, after every byte is checked (texels too); a damaged one is
// rejected, the scene imported and baked here; one made for other content
// is left alone.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/stoa_log.h"
#include "scene/stoa_scene_cache.h"
#include "scene_cache_compare.h"
#include "scene_cache_test.h"
#include "scene_test_util.h"

static stoa_scene *load(const char *path, const char *dir, stoa_scene_cache_outcome want)
{
    stoa_scene_load_desc d = {.use_cache = dir != NULL, .cache_dir = dir};
    g_log[0] = 0;
    g_log_min = STOA_LOG_INFO; // the sidecar's choices are logged at info
    stoa_log_set_sink(sink, NULL);
    stoa_scene *s = sct_load(path, &d, -1);
    stoa_log_set_sink(NULL, NULL);
    CHECK_MSG(stoa_scene_cache_outcome_of(s) == want, "outcome %d, expected %d: %s",
              (int)stoa_scene_cache_outcome_of(s), (int)want, g_log);
    return s;
}

static void copy(const char *from, const char *to)
{
    size_t n = 0;
    char *b = tu_read(from, &n);
    CHECK(b && tu_write(to, b, n) == 0);
    free(b);
}

STOA_TEST(baked_file_beside_the_scene)
{
    char src[1024], dir[256], scene[600], side[700], other[600], file[4200];
    tu_mkdtemp(dir, sizeof dir, "sidecar");
    stoa_test_model(src, sizeof src, "large/large.glb");
    snprintf(scene, sizeof scene, "%s/large.glb", dir);
    copy(src, scene);
    snprintf(side, sizeof side, "%s.stoabake", scene);
    // Baked elsewhere (the hub): its cache file shipped beside the scene.
    snprintf(other, sizeof other, "%s/hub", dir);
    stoa_scene_cache_outcome o;
    stoa_error err = {0};
    CHECK(stoa_scene_bake(scene, other, file, sizeof file, &o, &err) == STOA_OK);
    copy(file, side);
    stoa_scene *fresh = load(scene, NULL, STOA_SCENE_CACHE_UNUSED);

    char cache[600];
    snprintf(cache, sizeof cache, "%s/headset", dir);
    stoa_scene *s = load(scene, cache, STOA_SCENE_CACHE_HIT);
    CHECK_CONTAINS(g_log, "took the baked file");
    CHECK(!strstr(g_log, "importing"));
    if (s && fresh)
        sc_scene_same(fresh, s, "from the baked file");
    for (uint32_t i = 0; s && i < s->texture_count; i++)
        CHECK(stoa_scene_texture_check(s, i));
    stoa_scene_destroy(&s);
    // Now in the cache itself: the next load is a plain hit.
    unlink(side);
    s = load(scene, cache, STOA_SCENE_CACHE_HIT);
    CHECK(!strstr(g_log, "took the baked file"));
    stoa_scene_destroy(&s);

    // Damaged in its texels (which a cache's own file checks on first use):
    // rejected at once, imported and baked here.
    size_t n = 0;
    uint8_t *b = (uint8_t *)tu_read(file, &n);
    CHECK(b && n > 8192);
    if (b) {
        b[n - 8192] ^= 0x01; // texels lie at the end of DATA, before the small sections
        CHECK(tu_write(side, b, n) == 0);
    }
    free(b);
    snprintf(cache, sizeof cache, "%s/headset2", dir);
    s = load(scene, cache, STOA_SCENE_CACHE_MISS);
    CHECK_CONTAINS(g_log, "rejected");
    CHECK_CONTAINS(g_log, "importing and baking here");
    if (s && fresh)
        sc_scene_same(fresh, s, "imported after a damaged baked file");
    stoa_scene_destroy(&s);
    s = load(scene, cache, STOA_SCENE_CACHE_HIT); // baked here
    stoa_scene_destroy(&s);

    // Made for other content (another scene's file): left alone.
    char box[1024], boxfile[4200];
    stoa_test_model(box, sizeof box, "box/box.glb");
    CHECK(stoa_scene_bake(box, other, boxfile, sizeof boxfile, &o, &err) == STOA_OK);
    copy(boxfile, side);
    snprintf(cache, sizeof cache, "%s/headset3", dir);
    s = load(scene, cache, STOA_SCENE_CACHE_MISS);
    CHECK_CONTAINS(g_log, "made for other content");
    CHECK(s && fresh && s->texture_count == fresh->texture_count);
    stoa_scene_destroy(&s);
    stoa_scene_destroy(&fresh);
    tu_rmdir(dir);
}

STOA_TEST_MAIN()
