// SPDX-License-Identifier: Apache-2.0
// Fuzzing the whole import path: bytes -> file -> stoa_scene_load -> pose,
// animation, BVH, raycast -> destroy (odd-sized inputs with deferred textures,
// some destroyed mid-decode). Two builds of this one file:
//
//  - libFuzzer (cmake -DSTOA_FUZZ=ON with clang; target fuzz_scene_load):
//      ./fuzz_scene_load -max_total_time=600 CORPUS_DIR
//    with copies of self-contained corpus files (.glb, data-URI .gltf) in
//    CORPUS_DIR as seeds, and LSAN_OPTIONS=suppressions=tests/scene/lsan.supp.
//  - replay (always built; ctest runs it): with tests/fuzz/fuzz_replay.c,
//    the driver every harness shares, it feeds every file named on the
//    command line, then --mutate N deterministic mutations of each, so that
//    every build and the ASan CI pass exercise the error paths without
//    libFuzzer.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/stoa_log.h"
#include "scene/stoa_scene.h"

static char g_dir[256];

static void remove_dir(void)
{
    rmdir(g_dir);
}

static void quiet(void *user, const char *module, stoa_log_level level, const char *message)
{
    (void)user, (void)module, (void)level, (void)message;
}

static void init_once(void)
{
    if (g_dir[0])
        return;
    const char *tmp = getenv("TMPDIR");
    snprintf(g_dir, sizeof g_dir, "%s/stoa-fuzz-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(g_dir)) {
        perror("mkdtemp");
        exit(2);
    }
    atexit(remove_dir);
    stoa_log_set_sink(quiet, NULL);
}

static void exercise(const stoa_scene *s)
{
    stoa_pose *pose = stoa_pose_create(s);
    if (!pose)
        return;
    for (uint32_t a = 0; a < s->animation_count && a < 4; a++)
        stoa_pose_apply_animation(pose, a, s->animations[a].duration * 0.37f);
    stoa_pose_update(pose);
    stoa_bvh *bvh = stoa_bvh_build(s, pose);
    stoa_ray_hit hit;
    float o[3] = {0, 0, 10}, d[3] = {0.01f, -0.02f, -1};
    stoa_scene_raycast(bvh, o, d, 0, &hit);
    stoa_bvh_destroy(&bvh);
    stoa_pose_destroy(&pose);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    init_once();
    char path[320];
    bool glb = size >= 4 && memcmp(data, "glTF", 4) == 0;
    snprintf(path, sizeof path, "%s/input.%s", g_dir, glb ? "glb" : "gltf");
    FILE *f = fopen(path, "wb");
    if (!f)
        return 0;
    fwrite(data, 1, size, f);
    fclose(f);
    stoa_scene *s = NULL;
    stoa_error err = {0};
    // Odd sizes load with deferred textures: every other one of those is
    // destroyed with its decodes still running, the rest collected first.
    stoa_scene_load_desc desc = {.defer_textures = size % 2 == 1};
    if (stoa_scene_load(path, &desc, &s, &err) == STOA_OK) {
        if (desc.defer_textures && size % 4 == 1 && stoa_scene_textures_ready(s, true) != 0)
            abort(); // waiting leaves nothing pending
        exercise(s);
        stoa_scene_destroy(&s);
    } else if (!strstr(err.message, path)) {
        fprintf(stderr, "error without the file name: %s\n", err.message);
        abort(); // every error must name the file
    }
    unlink(path);
    return 0;
}
