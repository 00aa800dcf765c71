// SPDX-License-Identifier: Apache-2.0
// Plain geometry is read without Assimp (scene_native.c) only where that
// gives exactly what Assimp's import gives: every corpus file without images
// loaded both ways (STOA_SCENE_NATIVE=off forces Assimp) makes
// the same scene, byte for byte; and the plain files did take the direct
// path (its debug line), the large untextured MetalRoughSpheres among them.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/stoa_log.h"
#include "scene_cache_compare.h"
#include "scene_test_util.h"

static int g_native;      // "geometry read without Assimp" lines
static char g_last[4096]; // the last file that took it

static void sink(void *user, const char *module, stoa_log_level level, const char *message)
{
    (void)user, (void)module, (void)level;
    if (strstr(message, "geometry read without Assimp")) {
        g_native++;
        snprintf(g_last, sizeof g_last, "%s", message);
    }
}

static stoa_scene *load(const char *path, bool assimp)
{
    if (assimp)
        setenv("STOA_SCENE_NATIVE", "off", 1);
    else
        unsetenv("STOA_SCENE_NATIVE");
    stoa_scene *s = NULL;
    stoa_error err = {0};
    stoa_scene_load_desc d = {.no_lods = true};
    CHECK_MSG(stoa_scene_load(path, &d, &s, &err) == STOA_OK, "%s: %s", path, err.message);
    return s;
}

// Loads path both ways; whether the direct path was taken.
static bool same_both_ways(const char *path)
{
    stoa_scene *a = load(path, true);
    int before = g_native;
    stoa_scene *n = load(path, false);
    bool native = g_native > before;
    if (a && n)
        sc_scene_same(a, n, path);
    stoa_scene_destroy(&a);
    stoa_scene_destroy(&n);
    return native;
}

STOA_TEST(the_direct_path_reads_what_assimp_reads)
{
    setenv("STOA_LOG_SCENE", "debug", 1); // before the module's level is first read
    stoa_log_set_sink(sink, NULL);
    char mpath[4096];
    snprintf(mpath, sizeof mpath, "%s/MANIFEST.tsv", tu_samples());
    char *manifest = tu_read(mpath, NULL);
    CHECK_MSG(manifest != NULL, "cannot read %s", mpath);
    if (!manifest)
        return;
    int files = 0, native = 0;
    bool spheres = false;
    char *save = NULL;
    for (char *line = strtok_r(manifest, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *f1 = strchr(line, '\t'), *f2 = f1 ? strchr(f1 + 1, '\t') : NULL;
        char *f3 = f2 ? strchr(f2 + 1, '\t') : NULL;
        if (!f3 || strncmp(line, "model\t", 6) == 0)
            continue;
        *f3 = '\0';
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", tu_samples(), f2 + 1);
        // Files with images have UVs, which the direct path never takes
        // (Assimp generates their tangents): not loaded, to keep the test short.
        char *text = tu_read(path, NULL);
        bool images = text && strstr(text, "\"images\"");
        free(text);
        if (images)
            continue;
        bool took = same_both_ways(path);
        native += took;
        spheres |= took && strstr(path, "MetalRoughSpheresNoTextures");
        files++;
    }
    free(manifest);
    printf("%d corpus files without images, %d read without Assimp\n", files, native);
    CHECK(files >= 15);
    CHECK_MSG(native >= 3 && spheres, "%d files took the direct path (spheres: %d)", native,
              (int)spheres);
    CHECK(native < files); // skinned, morphed, untriangulated files still go through Assimp
}

STOA_TEST_MAIN()
