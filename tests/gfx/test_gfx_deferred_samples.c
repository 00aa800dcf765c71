// SPDX-License-Identifier: Apache-2.0
// Deferred texture decoding on two Khronos sample models with large images
// (DamagedHelmet: its images inside a .glb; Avocado: PNG files beside a
// .gltf): an extra beside test_gfx_deferred, skipped with the reason when the
// samples ($STOA_GLTF_SAMPLES or ../shared/gltf-samples) are not there.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gfx_test_util.h"
#include "stoa_test.h"

static void deferred_renders_like_normal(const char *rel, const char *name)
{
    stoa_scene *normal = gt_load_sample(rel);
    stoa_scene *deferred =
        gt_load_sample_desc(rel, &(stoa_scene_load_desc){.defer_textures = true});
    CHECK_MSG(normal && deferred, "%s", rel);
    gt_check_deferred(normal, deferred, name);
    stoa_scene_destroy(&deferred);
    stoa_scene_destroy(&normal);
}

STOA_TEST(deferred_helmet_renders_with_stand_ins_then_textures)
{
    deferred_renders_like_normal("DamagedHelmet/glTF-Binary/DamagedHelmet.glb", "helmet");
}

STOA_TEST(deferred_avocado_renders_with_stand_ins_then_textures)
{
    deferred_renders_like_normal("Avocado/glTF/Avocado.gltf", "avocado");
}

int main(int argc, char **argv)
{
    stoa_test_require_samples(); // exits with the skip code when they are not there
    return gt_test_main(argc, argv); // the validation messages too
}
