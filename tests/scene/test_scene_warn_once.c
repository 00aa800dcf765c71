// SPDX-License-Identifier: Apache-2.0
// A scene's warnings are logged once per process and scene file
// (scene_warn_log.c): a reload, cached or not, keeps them in
// scene->warnings but logs nothing new; another file with the same warning
// is logged.
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/stoa_log.h"
#include "scene/stoa_scene.h"
#include "scene/stoa_scene_cache.h"
#include "scene_cache_test.h"
#include "scene_test_util.h"

// How many times `what` is in g_log.
static int count_in_log(const char *what)
{
    int n = 0;
    for (const char *p = g_log; (p = strstr(p, what)); p += strlen(what))
        n++;
    return n;
}

static void load_counting(const char *path, const char *cache, int want_logged)
{
    stoa_scene_load_desc d = {.use_cache = cache != NULL,
                              .cache_dir = cache,
                              .texture_target = STOA_TEXTURE_TARGET_RGBA8};
    stoa_scene *s = sct_load_logged(path, &d, -1);
    CHECK(s && s->warning_count == 1);
    CHECK_CONTAINS(s && s->warning_count ? s->warnings[0] : "", "2 scenes");
    CHECK_MSG(count_in_log("2 scenes") == want_logged, "%s: logged %d times, expected %d: %s", path,
              count_in_log("2 scenes"), want_logged, g_log);
    stoa_scene_destroy(&s);
}

STOA_TEST(a_warning_is_logged_once_per_file)
{
    char path[1024], copy[1100], cache[256], dir[256];
    stoa_test_model(path, sizeof path, "scenes/scenes.gltf");
    tu_mkdtemp(cache, sizeof cache, "warnonce");
    load_counting(path, cache, 1); // a miss: imported, logged
    load_counting(path, cache, 0); // a hit: the same warning, not again
    load_counting(path, NULL, 0);  // no cache: still the same file
    // Another file saying the same: logged (its own folder, its .bin beside it).
    tu_mkdtemp(dir, sizeof dir, "warnonce-copy");
    char cmd[3000];
    snprintf(cmd, sizeof cmd, "cp '%.1000s' \"$(dirname '%.1000s')\"/*.bin '%s'/", path, path, dir);
    CHECK(system(cmd) == 0);
    snprintf(copy, sizeof copy, "%s/scenes.gltf", dir);
    load_counting(copy, NULL, 1);
    tu_rmdir(dir);
    tu_rmdir(cache);
}

STOA_TEST_MAIN()
