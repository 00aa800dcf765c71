// SPDX-License-Identifier: Apache-2.0
// Fuzzing the reader of a glTF's Stoa extras (scene_extras.c): bytes (a
// .gltf's JSON or a .glb) -> stoa_scene_extras_parse -> checks -> fini.
// Replayed by ctest with tests/fuzz/fuzz_replay.c (corpus
// tests/fuzz/corpus/extras plus a .glb test model, then deterministic
// mutations); the same file builds for libFuzzer with -DSTOA_LIBFUZZER.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scene/stoa_scene.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    stoa_scene_extras x;
    stoa_error err = {0};
    stoa_result r = stoa_scene_extras_parse("/scenes/fuzz/scene.gltf", data, size, &x, &err);
    if (r < 0) {
        // A failure says where, empty-handed.
        if (!strstr(err.message, "scene.gltf") && r != STOA_ERROR_OUT_OF_MEMORY)
            abort();
        if (x.env_node_count || x.env_nodes || x.sky_time[0])
            abort();
        return 0;
    }
    // What it hands back is what the format allows.
    if (x.environment[0] && strncmp(x.environment, "/scenes/fuzz/", 13) != 0)
        abort(); // confined to the scene's folder
    if (x.environment[0] && !(x.environment_intensity > 0.0f && x.environment_intensity <= 100.0f))
        abort();
    if (x.env_node_count > STOA_SCENE_EXTRAS_MAX_NODES)
        abort();
    for (uint32_t i = 0; i < x.env_node_count; i++)
        if (!x.env_nodes[i] || !x.env_nodes[i][0])
            abort();
    size_t t = strlen(x.sky_time);
    if (t && strcmp(x.sky_time, "off") != 0 && (t < 4 || x.sky_time[t - 3] != ':'))
        abort();
    stoa_scene_extras_fini(&x);
    return 0;
}
