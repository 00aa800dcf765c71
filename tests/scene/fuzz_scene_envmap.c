// SPDX-License-Identifier: Apache-2.0
// Fuzzing the environment image reader (scene_envmap.c): bytes -> a file ->
// stoa_scene_env_image_load (PNG/JPEG/WebP/.hdr, 2:1 checks, resampling) ->
// checks -> free. Replayed by ctest with tests/fuzz/fuzz_replay.c over
// tests/fuzz/corpus/envmap (a 16x8 PNG and .hdr) and their mutations.
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scene/stoa_scene.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[256];
    const char *tmp = getenv("TMPDIR");
    snprintf(path, sizeof path, "%s/stoa-fuzz-envmap-%d.img", tmp && tmp[0] ? tmp : "/tmp",
             (int)getpid());
    FILE *f = fopen(path, "wb");
    if (!f)
        abort();
    if (size && fwrite(data, 1, size, f) != size)
        abort();
    fclose(f);
    stoa_scene_env_image img;
    stoa_error err = {0};
    stoa_result r = stoa_scene_env_image_load(path, 1.0f, &img, &err);
    remove(path);
    if (r < 0) {
        if (img.rgb || !strstr(err.message, "stoa-fuzz-envmap"))
            abort(); // a failure names the file and hands back nothing
        return 0;
    }
    if (img.width != STOA_SCENE_ENV_WIDTH || img.height != STOA_SCENE_ENV_HEIGHT || !img.rgb)
        abort();
    for (size_t i = 0; i < (size_t)img.width * img.height * 3; i++)
        if (!isfinite(img.rgb[i]) || img.rgb[i] < 0.0f || img.rgb[i] > 65504.0f)
            abort(); // what the renderer sums must be finite and in half range
    free(img.rgb);
    return 0;
}
