// SPDX-License-Identifier: Apache-2.0
// The interaction module on scenes loaded from real glTF files: Stoa's own
// generated box (a mesh node under a root, as the Khronos Box) and the agora
// sample scene.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "interact_fixture.h"
#include "stoa_test.h"

static bool sample_path(char *out, size_t n, const char *env, const char *rel)
{
    const char *dir = getenv(env);
    if (!dir)
        return false;
    snprintf(out, n, "%s/%s", dir, rel);
    FILE *fp = fopen(out, "rb");
    if (fp)
        fclose(fp);
    return fp != NULL;
}

STOA_TEST(box_sample_mesh_resolves_to_registered_root)
{
    char path[1024];
    CHECK_MSG(sample_path(path, sizeof path, "STOA_TESTMODELS", "box/box.glb"),
              "STOA_TESTMODELS not set or box.glb missing");
    fixture f;
    if (!fixture_init_file(&f, path, NULL)) {
        CHECK(!"Box.glb loads");
        return;
    }
    int32_t mesh_node = -1, root = -1;
    for (uint32_t i = 0; i < f.scene->node_count; i++) {
        if (f.scene->nodes[i].mesh_count)
            mesh_node = (int32_t)i;
        if (f.scene->nodes[i].parent < 0)
            root = (int32_t)i;
    }
    CHECK(mesh_node >= 0 && root >= 0 && mesh_node != root);
    // The 1 m cube at the origin, seen from 3 m in front.
    fixture_look_dir(&f.frame.head, (float[3]){0, 0, 3}, 0, 0);
    fixture_step(&f);
    CHECK(f.out->gaze.hit && f.out->gaze.target == mesh_node);
    CHECK_NEAR(f.out->gaze.position[2], 0.5, 1e-3);
    stoa_interact_set_node(f.ia, (uint32_t)root,
                           &(stoa_interact_node_desc){.flags = STOA_INTERACT_PICKABLE});
    fixture_step(&f);
    CHECK(f.out->gaze.target == root);
    CHECK(fixture_count(&f, STOA_INTERACT_GAZE_LEAVE, mesh_node) == 1);
    CHECK(fixture_count(&f, STOA_INTERACT_GAZE_ENTER, root) == 1);
    fixture_fini(&f);
}

// Centre and half-size of a node's world bounds, computed here from the
// pose (independently of the module).
static void node_box(const fixture *f, int32_t node, float c[3], float half[3])
{
    float mn[3] = {1e30f, 1e30f, 1e30f}, mx[3] = {-1e30f, -1e30f, -1e30f};
    for (uint32_t i = (uint32_t)node; i < f->scene->node_count; i++) {
        int32_t a = (int32_t)i;
        while (a >= 0 && a != node)
            a = f->scene->nodes[a].parent;
        if (a != node)
            continue;
        const float *w = stoa_pose_world(f->pose, i);
        for (uint32_t k = 0; k < f->scene->nodes[i].mesh_count; k++) {
            const stoa_mesh *m = &f->scene->meshes[f->scene->nodes[i].meshes[k]];
            for (uint32_t v = 0; v < m->vertex_count; v++) {
                const float *p = &m->positions[v * 3];
                for (int j = 0; j < 3; j++) {
                    float x = w[j] * p[0] + w[4 + j] * p[1] + w[8 + j] * p[2] + w[12 + j];
                    mn[j] = x < mn[j] ? x : mn[j];
                    mx[j] = x > mx[j] ? x : mx[j];
                }
            }
        }
    }
    for (int j = 0; j < 3; j++) {
        c[j] = 0.5f * (mn[j] + mx[j]);
        half[j] = 0.5f * (mx[j] - mn[j]);
    }
}

STOA_TEST(agora_statue_zone_and_floor)
{
    char path[1024];
    if (!sample_path(path, sizeof path, "STOA_SOURCE_DIR", "scenes/agora/agora.glb")) {
        printf("agora.glb not generated yet: skipped\n");
        return;
    }
    fixture f;
    // The door is 16 m down the colonnade from the spawn point.
    if (!fixture_init_file(&f, path, &(stoa_interact_desc){.pointer_max_m = 30})) {
        CHECK(!"agora.glb loads");
        return;
    }
    int32_t statue = fixture_node(&f, "Statue"), zone = fixture_node(&f, "Zone_Statue");
    if (statue < 0 || zone < 0) {
        fixture_fini(&f);
        return;
    }
    fixture_register(&f, "Statue", STOA_INTERACT_GRABBABLE, 1.0f);
    fixture_register(&f, "Zone_Statue", STOA_INTERACT_ZONE, 0);
    fixture_register(&f, "Zone_Door", STOA_INTERACT_ZONE, 0);
    fixture_register(&f, "Floor", STOA_INTERACT_WALKABLE, 0);
    float c[3], half[3];
    node_box(&f, statue, c, half);
    // Eyes 0.4 m in front of the statue's bounds, looking at its centre.
    float eye[3] = {c[0], c[1], c[2] + half[2] + 0.4f};
    fixture_look_at(&f.frame.head, eye, c);
    fixture_run(&f, 1.2);
    CHECK(fixture_count(&f, STOA_INTERACT_GAZE_DWELL, statue) == 1);
    float zc[3], zh[3];
    node_box(&f, zone, zc, zh);
    CHECK(zh[0] > 0.1f && zh[2] > 0.1f);
    f.frame.head.position[0] = zc[0]; // step into the zone's centre
    f.frame.head.position[2] = zc[2];
    fixture_step(&f);
    CHECK(fixture_count(&f, STOA_INTERACT_ZONE_ENTER, zone) == 1);

    // From the spawn point, the right hand points down the colonnade at the
    // door (through Zone_Door, which rays ignore) and pulls the trigger.
    int32_t door = fixture_node(&f, "Door"), floor = fixture_node(&f, "Floor");
    fixture_register(&f, "Door", STOA_INTERACT_PICKABLE, 0);
    const float *spawn = stoa_pose_world(f.pose, (uint32_t)fixture_node(&f, "Spawn")) + 12;
    float dc[3], dh[3];
    node_box(&f, door, dc, dh);
    stoa_interact_hand_input *r = &f.frame.hands[STOA_INTERACT_RIGHT];
    r->active = true;
    fixture_look_at(&r->aim, (float[3]){spawn[0] + 0.2f, 1.2f, spawn[2]}, dc);
    fixture_look_dir(&f.frame.head, (float[3]){spawn[0], 1.6f, spawn[2]}, 0, 0);
    fixture_step(&f);
    CHECK(f.out->lasers[STOA_INTERACT_RIGHT].target == door);
    r->select_value = 1;
    fixture_step(&f);
    CHECK(fixture_count(&f, STOA_INTERACT_SELECT, door) == 1);
    r->select_value = 0;

    // Then teleports a few metres ahead onto the floor.
    fixture_look_dir(&r->aim, (float[3]){spawn[0] + 0.2f, 1.2f, spawn[2]}, 0, -30);
    r->thumbstick[1] = 1;
    fixture_step(&f);
    CHECK(f.out->arc.valid && f.out->arc.hit_node == floor);
    r->thumbstick[1] = 0;
    fixture_step(&f);
    CHECK(fixture_count(&f, STOA_INTERACT_TELEPORT, floor) == 1);
    CHECK(f.out->head_world.position[2] < spawn[2] - 1);
    fixture_fini(&f);
}

STOA_TEST_MAIN()
