// SPDX-License-Identifier: Apache-2.0
// Copies of one mesh are drawn by one instanced draw call: the generated
// colonnade (eight nodes sharing a column mesh and its material) and its
// EXT_mesh_gpu_instancing form, which runtime/scene expands into nodes. The
// picture equals one drawn a copy at a time (each copy in its own scene).
#include <stdlib.h>
#include <string.h>

#include "gfx_test_util.h"
#include "stoa_test.h"

static gt_render_desc front(void)
{
    gt_render_desc d = {.w = 160, .h = 120, .azimuth = 0.0f, .elevation = 0.2f};
    d.options.clear_color[3] = 1.0f;
    return d;
}

STOA_TEST(eight_columns_take_one_draw_call)
{
    stoa_scene *s = gt_load("colonnade/colonnade.gltf");
    CHECK_MSG(s != NULL, "colonnade/colonnade.gltf did not load");
    if (!s)
        return;
    gt_render_desc d = front();
    gt_image img = {0};
    stoa_gfx_stats s0 = stoa_gfx_stats_get();
    CHECK(gt_render(s, &d, &img));
    stoa_gfx_stats s1 = stoa_gfx_stats_get();
    // One pass, one call for the eight columns.
    CHECK_MSG(s1.draw_calls - s0.draw_calls == 1, "%llu draw calls",
              (unsigned long long)(s1.draw_calls - s0.draw_calls));
    CHECK(s1.instanced_draws - s0.instanced_draws == 1);
    CHECK(s1.instances_drawn - s0.instances_drawn == 8);
    gt_save(&img, "instancing-colonnade");

    // The same columns drawn one at a time: the scene with every mesh node but
    // one emptied, rendered once per column and composited.
    gt_image sum = {0};
    for (uint32_t k = 0; k < s->node_count; k++) {
        if (!s->nodes[k].mesh_count)
            continue;
        uint32_t keep = k;
        uint32_t *saved = calloc(s->node_count, sizeof *saved);
        for (uint32_t n = 0; n < s->node_count; n++) {
            saved[n] = s->nodes[n].mesh_count;
            if (n != keep)
                s->nodes[n].mesh_count = 0;
        }
        gt_image one = {0};
        CHECK(gt_render(s, &d, &one));
        for (uint32_t n = 0; n < s->node_count; n++)
            s->nodes[n].mesh_count = saved[n];
        free(saved);
        if (!sum.rgba) {
            sum = one;
            continue;
        }
        // Composite: a pixel that is not the clear colour in `one` is a column.
        for (size_t p = 0; one.rgba && p < (size_t)one.w * one.h; p++)
            if (memcmp(one.rgba + p * 4, one.rgba, 3) != 0)
                memcpy(sum.rgba + p * 4, one.rgba + p * 4, 4);
        gt_free(&one);
    }
    CHECK_MSG(gt_max_diff(&img, &sum, 2, "instancing-vs-one-by-one") <= 2,
              "instanced picture differs from the columns drawn one by one");
    gt_free(&sum);
    gt_free(&img);
    stoa_scene_destroy(&s);
}

STOA_TEST(cleanup)
{
    CHECK(gt_shutdown() == 0);
}

STOA_TEST_MAIN()
