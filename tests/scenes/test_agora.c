// SPDX-License-Identifier: Apache-2.0
// The sample scene scenes/agora/agora.glb as the runtime loads it: the named
// nodes lessons rely on, the animations and their durations, the sun and the
// overview camera, a floor at y = 0 under the spawn point, a hinged door and
// an exhibit that spins about its own axis.
#include <stdio.h>
#include <stdlib.h>

#include "scene/stoa_scene.h"
#include "stoa_test.h"

static const char *const NAMED_NODES[] = {
    "Floor",     "Steps",     "Platform",    "Column_01",   "Column_02", "Column_03",
    "Column_04", "Column_05", "Column_06",   "Column_07",   "Column_08", "Entablature",
    "Roof",      "BackWall",  "Statue",      "Pedestal",    "Inscription", "Door",
    "Exhibit",   "Plinth",    "Spawn",       "Zone_Statue", "Zone_Door", "Sun",
    "OverviewCamera",
};

static stoa_scene *load_agora(void)
{
    const char *src = getenv("STOA_SOURCE_DIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/scenes/agora/agora.glb", src ? src : ".");
    stoa_scene *scene = NULL;
    stoa_error err = {0};
    stoa_result r = stoa_scene_load(path, &(stoa_scene_load_desc){0}, &scene, &err);
    CHECK_MSG(r >= 0 && scene, "loading %s failed", path);
    return scene;
}

// Column-major: the translation sits in elements 12..14.
static void world_position(const stoa_pose *pose, int32_t node, float out[3])
{
    const float *m = stoa_pose_world(pose, (uint32_t)node);
    out[0] = m[12];
    out[1] = m[13];
    out[2] = m[14];
}

// World-space bounds of one node's meshes at the pose.
static void node_bounds(const stoa_scene *scene, const stoa_pose *pose, int32_t node, float mn[3],
                        float mx[3])
{
    const float *m = stoa_pose_world(pose, (uint32_t)node);
    for (int k = 0; k < 3; k++) {
        mn[k] = 1e30f;
        mx[k] = -1e30f;
    }
    const stoa_node *n = &scene->nodes[node];
    for (uint32_t i = 0; i < n->mesh_count; i++) {
        const stoa_mesh *mesh = &scene->meshes[n->meshes[i]];
        for (int c = 0; c < 8; c++) {
            float p[3] = {c & 1 ? mesh->bounds_max[0] : mesh->bounds_min[0],
                          c & 2 ? mesh->bounds_max[1] : mesh->bounds_min[1],
                          c & 4 ? mesh->bounds_max[2] : mesh->bounds_min[2]};
            for (int k = 0; k < 3; k++) {
                float w = m[k] * p[0] + m[4 + k] * p[1] + m[8 + k] * p[2] + m[12 + k];
                mn[k] = w < mn[k] ? w : mn[k];
                mx[k] = w > mx[k] ? w : mx[k];
            }
        }
    }
}

STOA_TEST(every_named_node_exists)
{
    stoa_scene *scene = load_agora();
    if (!scene)
        return;
    for (size_t i = 0; i < sizeof NAMED_NODES / sizeof NAMED_NODES[0]; i++)
        CHECK_MSG(stoa_scene_find_node(scene, NAMED_NODES[i]) >= 0, "no node %s", NAMED_NODES[i]);
    CHECK(stoa_scene_find_node(scene, "Column_09") < 0); // eight columns, no more
    stoa_scene_destroy(&scene);
}

STOA_TEST(content_counts_and_textures)
{
    stoa_scene *scene = load_agora();
    if (!scene)
        return;
    CHECK(scene->material_count == 9);
    CHECK(scene->texture_count == 13);
    for (uint32_t i = 0; i < scene->texture_count; i++) {
        CHECK_MSG(!scene->textures[i].placeholder, "texture %u is a placeholder", i);
        CHECK(scene->textures[i].width >= 256 && scene->textures[i].height >= 256);
    }
    CHECK_MSG(scene->warning_count == 0, "%u warnings, first: %s", scene->warning_count,
              scene->warning_count ? scene->warnings[0] : "");
    CHECK(scene->triangle_count > 10000);
    // the paving is 30 x 20 m
    CHECK_NEAR(scene->bounds_min[0], -15.0, 0.5);
    CHECK_NEAR(scene->bounds_max[0], 15.0, 0.5);
    stoa_scene_destroy(&scene);
}

// The material each node's first primitive uses, and the mean sRGB colour of
// that material's base colour texture as the generator draws it: catches a
// material or texture mapped to the wrong node (an index mix-up on import).
static const struct {
    const char *node, *material;
    float mean[3];
} LOOKS[] = {
    {"Floor", "Limestone", {0.756f, 0.699f, 0.585f}},
    {"Column_04", "Marble", {0.898f, 0.879f, 0.842f}},
    {"Roof", "RoofTiles", {0.581f, 0.300f, 0.184f}},
    {"BackWall", "PaintedPlaster", {0.683f, 0.543f, 0.475f}},
    {"Door", "Wood", {0.411f, 0.256f, 0.140f}},
    {"Statue", "Bronze", {0.723f, 0.554f, 0.349f}},
    {"Exhibit", "PaintedTerracotta", {0.478f, 0.274f, 0.151f}},
};

STOA_TEST(nodes_wear_their_materials)
{
    stoa_scene *scene = load_agora();
    if (!scene)
        return;
    for (size_t i = 0; i < sizeof LOOKS / sizeof LOOKS[0]; i++) {
        int32_t n = stoa_scene_find_node(scene, LOOKS[i].node);
        if (n < 0 || scene->nodes[n].mesh_count == 0) {
            CHECK_MSG(0, "%s has no mesh", LOOKS[i].node);
            continue;
        }
        int32_t m = scene->meshes[scene->nodes[n].meshes[0]].material;
        CHECK_MSG(m >= 0, "%s has no material", LOOKS[i].node);
        if (m < 0)
            continue;
        CHECK_STR(scene->materials[m].name, LOOKS[i].material);
        int32_t t = scene->materials[m].base_color_tex.texture;
        CHECK_MSG(t >= 0, "%s: no base colour texture", LOOKS[i].material);
        if (t < 0)
            continue;
        const stoa_texture *tex = &scene->textures[t];
        double sum[3] = {0, 0, 0};
        size_t px = (size_t)tex->width * tex->height;
        for (size_t p = 0; p < px; p++)
            for (int k = 0; k < 3; k++)
                sum[k] += tex->rgba[p * 4 + k];
        for (int k = 0; k < 3; k++)
            CHECK_NEAR(sum[k] / px / 255.0, LOOKS[i].mean[k], 0.03);
    }
    stoa_scene_destroy(&scene);
}

STOA_TEST(animations_have_documented_durations)
{
    stoa_scene *scene = load_agora();
    if (!scene)
        return;
    int32_t door = stoa_scene_find_animation(scene, "DoorOpen");
    int32_t spin = stoa_scene_find_animation(scene, "ExhibitSpin");
    CHECK(door >= 0 && spin >= 0);
    if (door >= 0) {
        CHECK_NEAR(scene->animations[door].duration, 2.0, 1e-4);
        CHECK(scene->animations[door].channel_count == 1);
        CHECK(scene->animations[door].channels[0].node == stoa_scene_find_node(scene, "Door"));
    }
    if (spin >= 0) {
        CHECK_NEAR(scene->animations[spin].duration, 8.0, 1e-4);
        CHECK(scene->animations[spin].channels[0].node == stoa_scene_find_node(scene, "Exhibit"));
        CHECK(scene->animations[spin].channels[0].key_count >= 5);
    }
    stoa_scene_destroy(&scene);
}

STOA_TEST(sun_and_overview_camera)
{
    stoa_scene *scene = load_agora();
    if (!scene)
        return;
    int32_t sun = stoa_scene_find_node(scene, "Sun");
    int32_t cam = stoa_scene_find_node(scene, "OverviewCamera");
    CHECK(scene->light_count == 1 && scene->camera_count == 1);
    if (scene->light_count == 1) {
        CHECK(scene->lights[0].type == STOA_LIGHT_DIRECTIONAL);
        CHECK(scene->lights[0].node == sun);
        CHECK(scene->lights[0].intensity > 0.0f);
    }
    if (scene->camera_count == 1) {
        CHECK(scene->cameras[0].type == STOA_CAMERA_PERSPECTIVE);
        CHECK(scene->cameras[0].node == cam);
        CHECK(scene->cameras[0].yfov > 0.3f && scene->cameras[0].yfov < 1.6f);
    }
    stoa_scene_destroy(&scene);
}

STOA_TEST(spawn_stands_on_the_floor)
{
    stoa_scene *scene = load_agora();
    if (!scene)
        return;
    int32_t spawn = stoa_scene_find_node(scene, "Spawn");
    int32_t floor = stoa_scene_find_node(scene, "Floor");
    if (spawn < 0 || floor < 0) {
        CHECK(spawn >= 0 && floor >= 0);
        stoa_scene_destroy(&scene);
        return;
    }
    stoa_pose *pose = stoa_pose_create(scene);
    stoa_pose_update(pose);
    float s[3], fmin[3], fmax[3];
    world_position(pose, spawn, s);
    node_bounds(scene, pose, floor, fmin, fmax);
    CHECK(s[0] > fmin[0] && s[0] < fmax[0] && s[2] > fmin[2] && s[2] < fmax[2]);
    CHECK_NEAR(s[1], 0.0, 1e-4);
    CHECK_NEAR(fmax[1], 0.0, 1e-4); // the paving's top is y = 0
    CHECK(s[2] > -4.0f);             // in front of the stoa (which lies toward -Z)

    stoa_bvh *bvh = stoa_bvh_build(scene, pose);
    stoa_ray_hit hit = {0};
    float origin[3] = {s[0], 10.0f, s[2]}, down[3] = {0.0f, -1.0f, 0.0f};
    CHECK(bvh && stoa_scene_raycast(bvh, origin, down, 100.0f, &hit));
    CHECK(hit.node == floor);
    CHECK_NEAR(hit.point[1], 0.0, 1e-3);
    CHECK_NEAR(hit.distance, 10.0, 1e-3);
    stoa_bvh_destroy(&bvh);
    stoa_pose_destroy(&pose);
    stoa_scene_destroy(&scene);
}

STOA_TEST(door_swings_on_its_hinge)
{
    stoa_scene *scene = load_agora();
    if (!scene)
        return;
    stoa_pose *pose = stoa_pose_create(scene);
    int32_t door = stoa_scene_find_node(scene, "Door");
    int32_t anim = stoa_scene_find_animation(scene, "DoorOpen");
    if (door < 0 || anim < 0) {
        CHECK(door >= 0 && anim >= 0);
    } else {
        float closed[3], open[3];
        stoa_pose_reset(pose);
        stoa_pose_update(pose);
        world_position(pose, door, closed);
        const float *m = stoa_pose_world(pose, (uint32_t)door);
        CHECK_NEAR(m[0], 1.0, 1e-4); // closed: the leaf runs along +X
        // the origin is the hinge: the leaf starts there and spans the opening
        CHECK_NEAR(closed[0], -0.79, 0.02);
        const stoa_node *dn = &scene->nodes[door];
        CHECK(dn->mesh_count == 1);
        if (dn->mesh_count == 1) {
            CHECK_NEAR(scene->meshes[dn->meshes[0]].bounds_min[0], 0.0, 1e-4);
            CHECK_NEAR(scene->meshes[dn->meshes[0]].bounds_max[0], 1.58, 0.02);
        }
        stoa_pose_apply_animation(pose, (uint32_t)anim, 2.0f);
        stoa_pose_update(pose);
        world_position(pose, door, open);
        m = stoa_pose_world(pose, (uint32_t)door);
        // open: the leaf's +X has swung 100 degrees about +Y into the hall (+Z)
        CHECK_NEAR(m[0], -0.1736, 1e-3);
        CHECK_NEAR(m[2], 0.9848, 1e-3);
        for (int k = 0; k < 3; k++)
            CHECK_NEAR(open[k], closed[k], 1e-5); // the pivot is the hinge: it stays put
    }
    stoa_pose_destroy(&pose);
    stoa_scene_destroy(&scene);
}

STOA_TEST(exhibit_spins_about_its_axis)
{
    stoa_scene *scene = load_agora();
    if (!scene)
        return;
    stoa_pose *pose = stoa_pose_create(scene);
    int32_t ex = stoa_scene_find_node(scene, "Exhibit");
    int32_t anim = stoa_scene_find_animation(scene, "ExhibitSpin");
    if (ex < 0 || anim < 0) {
        CHECK(ex >= 0 && anim >= 0);
    } else {
        float rest[3], half[3];
        stoa_pose_update(pose);
        world_position(pose, ex, rest);
        float expected[][2] = {{2.0f, 0.0f}, {4.0f, -1.0f}, {6.0f, 0.0f}, {8.0f, 1.0f}};
        for (int i = 0; i < 4; i++) { // the node's +X after a quarter, half, ... turn
            stoa_pose_reset(pose);
            stoa_pose_apply_animation(pose, (uint32_t)anim, expected[i][0]);
            stoa_pose_update(pose);
            const float *m = stoa_pose_world(pose, (uint32_t)ex);
            CHECK_NEAR(m[0], expected[i][1], 1e-3);
            CHECK_NEAR(m[5], 1.0, 1e-3); // stays upright
        }
        stoa_pose_reset(pose);
        stoa_pose_apply_animation(pose, (uint32_t)anim, 4.0f);
        stoa_pose_update(pose);
        world_position(pose, ex, half);
        for (int k = 0; k < 3; k++)
            CHECK_NEAR(half[k], rest[k], 1e-5);
    }
    stoa_pose_destroy(&pose);
    stoa_scene_destroy(&scene);
}

STOA_TEST(zones_are_invisible_volumes_around_their_things)
{
    stoa_scene *scene = load_agora();
    if (!scene)
        return;
    stoa_pose *pose = stoa_pose_create(scene);
    stoa_pose_update(pose);
    const char *zones[][2] = {{"Zone_Statue", "Statue"}, {"Zone_Door", "Door"}};
    for (int z = 0; z < 2; z++) {
        int32_t zone = stoa_scene_find_node(scene, zones[z][0]);
        int32_t thing = stoa_scene_find_node(scene, zones[z][1]);
        if (zone < 0 || thing < 0 || scene->nodes[zone].mesh_count != 1) {
            CHECK_MSG(0, "zone %s is not one mesh node", zones[z][0]);
            continue;
        }
        const stoa_mesh *mesh = &scene->meshes[scene->nodes[zone].meshes[0]];
        CHECK(mesh->material >= 0);
        if (mesh->material >= 0) {
            const stoa_material *mat = &scene->materials[mesh->material];
            CHECK(mat->alpha_mode == STOA_ALPHA_BLEND);
            CHECK_NEAR(mat->base_color[3], 0.0, 1e-6);
        }
        float mn[3], mx[3], p[3];
        node_bounds(scene, pose, zone, mn, mx);
        world_position(pose, thing, p);
        // the Statue's origin is at its feet, the Door's at its hinge: both
        // must lie within (x, z) of their zone; a learner's head fits (2.5 m)
        CHECK(p[0] >= mn[0] && p[0] <= mx[0] && p[2] >= mn[2] - 0.01f && p[2] <= mx[2] + 0.01f);
        CHECK(mx[1] - mn[1] >= 2.0f);
    }
    stoa_pose_destroy(&pose);
    stoa_scene_destroy(&scene);
}

STOA_TEST_MAIN()
