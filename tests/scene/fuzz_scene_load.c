// SPDX-License-Identifier: Apache-2.0
// Fuzzing the whole import path: bytes -> file -> stoa_scene_load -> pose,
// animation, BVH, raycast -> destroy (odd-sized inputs with deferred textures,
// some destroyed mid-decode). Two builds of this one file:
//
//  - libFuzzer (cmake -DSTOA_FUZZ=ON with clang; target fuzz_scene_load):
//      ./fuzz_scene_load -max_total_time=600 CORPUS_DIR
//    with copies of self-contained corpus files (.glb, data-URI .gltf) in
//    CORPUS_DIR as seeds, and LSAN_OPTIONS=suppressions=tests/scene/lsan.supp.
//  - replay (always built; ctest runs it): feeds every file named on the
//    command line, then --mutate N deterministic mutations of each (bit
//    flips, byte stamps, truncations, digit swaps), so that every build and
//    the ASan CI pass exercise the error paths without libFuzzer.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/stoa_log.h"
#include "scene/stoa_scene.h"

static char g_dir[256];

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

#ifndef STOA_LIBFUZZER
static uint32_t g_rng = 0x5eed;
static uint32_t rnd(void)
{
    g_rng = g_rng * 1664525u + 1013904223u;
    return g_rng >> 8;
}

static void mutate(uint8_t *d, size_t *n, size_t cap)
{
    if (*n == 0)
        return;
    switch (rnd() % 6) {
    case 0: // flip bits
        for (int i = 0; i < 1 + (int)(rnd() % 4); i++)
            d[rnd() % *n] ^= (uint8_t)(1u << (rnd() % 8));
        break;
    case 1: { // stamp an extreme 32-bit value
        size_t at = rnd() % *n;
        static const uint32_t v[] = {0, 0xffffffffu, 0x7fffffffu, 0x80000000u, 0x10000u};
        uint32_t x = v[rnd() % 5];
        for (size_t k = 0; k < 4 && at + k < *n; k++)
            d[at + k] = (uint8_t)(x >> (8 * k));
        break;
    }
    case 2: // truncate
        *n = rnd() % *n;
        break;
    case 3: // JSON: change a digit, e.g. an index or a count
        for (int tries = 0; tries < 64; tries++) {
            size_t at = rnd() % *n;
            if (d[at] >= '0' && d[at] <= '9') {
                d[at] = (uint8_t)("0123456789"[rnd() % 10]);
                break;
            }
        }
        break;
    case 4: { // JSON: grow a number (huge counts and offsets)
        for (int tries = 0; tries < 64; tries++) {
            size_t at = rnd() % *n;
            if (d[at] >= '0' && d[at] <= '9' && *n + 3 <= cap) {
                memmove(d + at + 3, d + at, *n - at);
                memcpy(d + at, "999", 3);
                *n += 3;
                break;
            }
        }
        break;
    }
    default: { // duplicate a slice over another place
        size_t a = rnd() % *n, b = rnd() % *n, len = rnd() % 64;
        if (a + len > *n)
            len = *n - a;
        if (b + len > *n)
            len = *n - b;
        memmove(d + b, d + a, len);
        break;
    }
    }
}

static uint8_t *read_all(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *d = malloc((size_t)len + 1);
    if (d && fread(d, 1, (size_t)len, f) != (size_t)len) {
        free(d);
        d = NULL;
    }
    fclose(f);
    *n = (size_t)len;
    return d;
}

int main(int argc, char **argv)
{
    int mutations = 0, files = 0;
    long runs = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--mutate") == 0 && i + 1 < argc) {
            mutations = atoi(argv[++i]);
            continue;
        }
        size_t n;
        uint8_t *seed = read_all(argv[i], &n);
        if (!seed) {
            fprintf(stderr, "cannot read %s\n", argv[i]);
            return 1;
        }
        files++;
        LLVMFuzzerTestOneInput(seed, n);
        runs++;
        size_t cap = n + 4096;
        uint8_t *buf = malloc(cap);
        for (int m = 0; buf && m < mutations; m++) {
            size_t len = n;
            memcpy(buf, seed, n);
            for (int k = 0; k < 1 + (int)(rnd() % 3); k++)
                mutate(buf, &len, cap);
            LLVMFuzzerTestOneInput(buf, len);
            runs++;
        }
        free(buf);
        free(seed);
    }
    rmdir(g_dir);
    printf("fuzz replay: %d seed files, %ld runs, no crash\n", files, runs);
    return files > 0 ? 0 : 1;
}
#endif
