// SPDX-License-Identifier: Apache-2.0
// The controller and hand models of the headset's overlay (run_hands.c) on
// the committed assets/controllers/controllers.glb: every part found, the
// model each interaction profile gets, the model placed at the aim pose
// (where the laser starts) with the pressed parts swapped for their lit
// copies, nothing drawn without a headset's profiles.
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run_hands.h"
#include "stoa_test.h"

static void load(run_hands *h)
{
    char path[1024];
    const char *src = getenv("STOA_SOURCE_DIR");
    snprintf(path, sizeof path, "%s/assets/controllers/controllers.glb", src ? src : ".");
    run_hands_load(h, path);
}

STOA_TEST(every_part_of_the_three_models_is_found)
{
    run_hands h;
    load(&h);
    CHECK(h.models != NULL);
    CHECK_MSG(h.part_count == 9, "%u parts", h.part_count); // 4 + 2 + 3
    uint32_t per_model[RUN_HAND_MODELS] = {0};
    for (uint32_t k = 0; k < h.part_count; k++)
        per_model[h.part_model[k]]++;
    CHECK(per_model[0] == 4 && per_model[1] == 2 && per_model[2] == 3);
    run_hands_fini(&h);
    run_hands_load(&h, "/nonexistent/controllers.glb"); // lasers only, no crash
    CHECK(h.models == NULL && h.part_count == 0);
    run_hands_load(&h, NULL);
    CHECK(h.part_count == 0);
}

STOA_TEST(each_profile_gets_its_model)
{
    CHECK(run_hands_model_of("/interaction_profiles/oculus/touch_controller") == 0);
    CHECK(run_hands_model_of("/interaction_profiles/valve/index_controller") == 0);
    CHECK(run_hands_model_of("/interaction_profiles/htc/vive_controller") == 0);
    CHECK(run_hands_model_of("/interaction_profiles/microsoft/motion_controller") == 0);
    CHECK(run_hands_model_of("/interaction_profiles/khr/simple_controller") == 1);
    CHECK(run_hands_model_of("/interaction_profiles/ext/hand_interaction_ext") == 2);
    CHECK(run_hands_model_of("") == 2 && run_hands_model_of(NULL) == 2);
}

static bool hidden(const stoa_pose *p, uint32_t node)
{
    const float *w = stoa_pose_world(p, node);
    return w[0] == 0.0f && w[5] == 0.0f && w[10] == 0.0f;
}

STOA_TEST(the_model_stands_at_the_aim_pose_with_pressed_parts_lit)
{
    run_hands h;
    load(&h);
    if (!h.part_count) {
        CHECK(false);
        return;
    }
    stoa_scene *s = calloc(1, sizeof *s);
    s->node_count = run_hands_node_count(&h);
    s->mesh_count = run_hands_mesh_count(&h);
    s->material_count = RUN_HANDS_MATERIALS;
    s->nodes = calloc(s->node_count, sizeof *s->nodes);
    s->meshes = calloc(s->mesh_count, sizeof *s->meshes);
    s->materials = calloc(s->material_count, sizeof *s->materials);
    CHECK(run_hands_build(&h, s, 0, 0, 0));
    CHECK(s->materials[3].emissive[2] > 0.5f); // the lit copy glows
    stoa_pose *pose = stoa_pose_create(s);
    CHECK(pose != NULL);
    stoa_interact_frame in = {0};
    in.hands[1].active = true; // the right hand: trigger in, at (0.2, 1.3, -0.4)
    in.hands[1].aim = (stoa_interact_pose){{0.2f, 1.3f, -0.4f}, {0, 0, 0, 1}};
    in.hands[1].select_value = 1.0f;
    float rig[16] = {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 5, 0, 0, 1}; // tracking 5 m along +X
    const char *profiles[2] = {"", "/interaction_profiles/oculus/touch_controller"};
    run_hands_set(&h, &in, rig, profiles);
    CHECK(!h.active[0] && h.active[1] && h.model[1] == 0);
    stoa_pose_reset(pose);
    run_hands_place(&h, pose, 0);
    stoa_pose_update(pose);
    uint32_t shown = 0, lit = 0;
    for (uint32_t k = 0; k < h.part_count; k++)
        for (int l = 0; l < 2; l++) {
            uint32_t left = 2 * k + (uint32_t)l, right = 2 * h.part_count + 2 * k + (uint32_t)l;
            CHECK(hidden(pose, left));
            if (hidden(pose, right))
                continue;
            shown++;
            lit += l;
            CHECK(h.part_model[k] == 0);
            CHECK_MSG(l == (h.part_kind[k] == 1), "part %u lit %d", h.part_kind[k], l);
            const float *w = stoa_pose_world(pose, right);
            CHECK(fabsf(w[12] - 5.2f) < 1e-5f && fabsf(w[13] - 1.3f) < 1e-5f &&
                  fabsf(w[14] + 0.4f) < 1e-5f);
        }
    CHECK_MSG(shown == 4 && lit == 1, "%u parts shown, %u lit", shown, lit);
    // The tip of the body is the aim pose's origin: the laser starts there.
    for (uint32_t k = 0; k < h.part_count; k++)
        if (h.part_model[k] == 0 && h.part_kind[k] == 0)
            CHECK(fabsf(s->meshes[2 * k].bounds_min[2]) < 1e-3f);
    // A desktop (no profiles) shows no hands.
    run_hands_set(&h, &in, rig, NULL);
    CHECK(!h.active[1]);
    stoa_pose_destroy(&pose);
    stoa_scene_destroy(&s);
    run_hands_fini(&h);
}

STOA_TEST_MAIN()
