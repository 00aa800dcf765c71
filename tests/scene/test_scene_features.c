// SPDX-License-Identifier: Apache-2.0
// What Stoa keeps that Assimp alone would lose or that later issues rely on,
// on Stoa's own generated models (tools/testmodels): mesh mapping, BVH
// picking (also of a posed skin), cubic splines, load progress, lights.
// Interpolation, morphs, skins, cameras and materials are checked against
// the generator's manifest in test_scene_generated.c.
#include <math.h>

#include "scene/stoa_scene.h"
#include "scene_test_util.h"
#include "stoa_test.h"
#include "scene_brute.h"

static stoa_scene *load(const char *rel)
{
    char p[4096];
    stoa_test_model(p, sizeof p, rel);
    stoa_scene *s = NULL;
    stoa_error err = {0};
    stoa_result r = stoa_scene_load(p, NULL, &s, &err);
    CHECK_MSG(r == STOA_OK, "%s", err.message);
    return s;
}

STOA_TEST(mesh_order_follows_the_file)
{
    char dir[4096], p[4300], from[4096];
    tu_mkdtemp(dir, sizeof dir, "meshorder");
    stoa_test_model(from, sizeof from, "box/box.bin");
    snprintf(p, sizeof p, "%s/box.bin", dir);
    CHECK(tu_copy(from, p) == 0);
    stoa_test_model(from, sizeof from, "box/box.gltf");
    char *file;
    cJSON *j = tu_gltf_json(from, &file, NULL, NULL);
    free(file);
    // accessors[0] is the box's POSITION (VEC3 float, 24): a 3-vertex
    // triangle made of the first positions is mesh 1.
    cJSON *acc = cJSON_Duplicate(tu_at(j, "accessors", 0), 1);
    cJSON_ReplaceItemInObject(acc, "count", cJSON_CreateNumber(3));
    cJSON_DeleteItemFromObject(acc, "min");
    cJSON_DeleteItemFromObject(acc, "max");
    cJSON_AddItemToArray(cJSON_GetObjectItem(j, "accessors"), acc);
    int tri_acc = tu_len(j, "accessors") - 1;
    cJSON *mesh1 = cJSON_Parse("{\"name\":\"tri\",\"primitives\":[{\"attributes\":{}}]}");
    cJSON_AddNumberToObject(cJSON_GetObjectItem(tu_at(mesh1, "primitives", 0), "attributes"),
                            "POSITION", tri_acc);
    cJSON_AddItemToArray(cJSON_GetObjectItem(j, "meshes"), mesh1);
    // Node 0 (root) gets mesh 0 (the box), its child node 1 gets mesh 1.
    cJSON_DeleteItemFromObject(tu_at(j, "nodes", 0), "mesh");
    cJSON_AddNumberToObject(tu_at(j, "nodes", 0), "mesh", 0);
    cJSON_DeleteItemFromObject(tu_at(j, "nodes", 1), "mesh");
    cJSON_AddNumberToObject(tu_at(j, "nodes", 1), "mesh", 1);
    cJSON_ReplaceItemInObject(tu_at(j, "nodes", 0), "name", cJSON_CreateString("root_box"));
    cJSON_ReplaceItemInObject(tu_at(j, "nodes", 1), "name", cJSON_CreateString("child_tri"));
    snprintf(p, sizeof p, "%s/order.gltf", dir);
    char *text = j ? cJSON_Print(j) : NULL;
    CHECK(text && tu_write(p, text, strlen(text)) == 0);
    free(text);
    cJSON_Delete(j);
    stoa_scene *s = NULL;
    stoa_error err = {0};
    CHECK_MSG(stoa_scene_load(p, NULL, &s, &err) == STOA_OK, "%s", err.message);
    if (s) {
        int32_t root = stoa_scene_find_node(s, "root_box"),
                child = stoa_scene_find_node(s, "child_tri");
        CHECK(root == 0 && child == 1);
        bool shape = root == 0 && child == 1 && s->nodes[root].mesh_count == 1 &&
                     s->nodes[child].mesh_count == 1;
        CHECK(shape);
        CHECK(shape && s->meshes[s->nodes[root].meshes[0]].vertex_count == 24);
        CHECK(shape && s->meshes[s->nodes[child].meshes[0]].vertex_count == 3);
        CHECK(s->triangle_count == 13);
    }
    stoa_scene_destroy(&s);
    tu_rmdir(dir);
}

STOA_TEST(raycast_hits_the_box)
{
    stoa_scene *s = load("box/box.gltf");
    if (!s)
        return;
    stoa_pose *pose = stoa_pose_create(s);
    stoa_bvh *bvh = stoa_bvh_build(s, pose);
    CHECK(bvh != NULL);
    stoa_ray_hit hit = {0};
    // The box is 1 m on a side around the origin.
    CHECK(stoa_scene_raycast(bvh, (float[]){0.1f, 0.2f, 5}, (float[]){0, 0, -2}, 100, &hit));
    CHECK_NEAR(hit.distance, 4.5, 1e-4);
    CHECK_NEAR(hit.point[2], 0.5, 1e-4);
    CHECK_NEAR(hit.point[0], 0.1, 1e-4);
    CHECK(hit.node >= 0 && s->nodes[hit.node].mesh_count == 1 &&
          hit.mesh == (int32_t)s->nodes[hit.node].meshes[0]);
    CHECK(
        !stoa_scene_raycast(bvh, (float[]){0, 0, 5}, (float[]){0, 0, -1}, 4.0f, &hit)); // too short
    CHECK(!stoa_scene_raycast(bvh, (float[]){0, 0, 5}, (float[]){0, 0, 1}, 100, &hit)); // away
    CHECK(!stoa_scene_raycast(bvh, (float[]){2, 0, 5}, (float[]){0, 0, -1}, 100, &hit)); // beside
    stoa_bvh_destroy(&bvh);
    CHECK(bvh == NULL);
    stoa_pose_destroy(&pose);
    stoa_scene_destroy(&s);
}

STOA_TEST(bvh_agrees_with_brute_force)
{
    const char *files[] = {"alpha/alpha.gltf", "samplers/samplers.gltf", "skin/skin.glb"};
    for (int f = 0; f < 3; f++) {
        stoa_scene *s = load(files[f]);
        if (!s)
            continue;
        stoa_pose *pose = stoa_pose_create(s);
        stoa_bvh *bvh = stoa_bvh_build(s, pose);
        float c[3], ext = 0;
        for (int k = 0; k < 3; k++) {
            c[k] = (s->bounds_min[k] + s->bounds_max[k]) / 2;
            ext = fmaxf(ext, s->bounds_max[k] - s->bounds_min[k]);
        }
        unsigned seed = 12345;
        int hits = 0, mismatches = 0;
        for (int i = 0; i < 300; i++) {
            float o[3], target[3], d[3];
            for (int k = 0; k < 3; k++) {
                seed = seed * 1103515245u + 12345u;
                o[k] = c[k] + ext * (((seed >> 8) & 0xffff) / 65535.0f - 0.5f) * 3;
                seed = seed * 1103515245u + 12345u;
                target[k] = c[k] + ext * (((seed >> 8) & 0xffff) / 65535.0f - 0.5f) * 0.5f;
                d[k] = target[k] - o[k];
            }
            float len = sqrtf(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
            for (int k = 0; k < 3; k++)
                d[k] /= len;
            stoa_ray_hit hit;
            bool got = stoa_scene_raycast(bvh, o, d, 0, &hit);
            float want = brute(s, pose, o, d);
            hits += got;
            if (got != isfinite(want) || (got && fabsf(hit.distance - want) > 1e-3f * ext))
                mismatches++;
        }
        CHECK_MSG(mismatches == 0, "%s: %d of 300 rays disagree", files[f], mismatches);
        CHECK_MSG(hits > 30, "%s: only %d hits", files[f], hits);
        stoa_bvh_destroy(&bvh);
        stoa_pose_destroy(&pose);
        stoa_scene_destroy(&s);
    }
}

STOA_TEST(skinned_pick_follows_the_pose)
{
    // The skin bar stands along +Y at rest; "Bend" turns its upper half to
    // lie along -X at t=1 (tools/testmodels/models_anim.py). A ray at
    // (-0.75, 1) misses the bar at rest and hits the bent bar's front face.
    stoa_scene *s = load("skin/skin.glb");
    if (!s)
        return;
    stoa_pose *pose = stoa_pose_create(s);
    stoa_pose_update(pose);
    stoa_bvh *bvh = stoa_bvh_build(s, pose);
    const float o[3] = {-0.75f, 1.0f, 5.0f}, d[3] = {0, 0, -1};
    stoa_ray_hit hit;
    CHECK(!stoa_scene_raycast(bvh, o, d, 0, &hit));
    stoa_bvh_destroy(&bvh);
    stoa_pose_apply_animation(pose, (uint32_t)stoa_scene_find_animation(s, "Bend"), 1.0f);
    stoa_pose_update(pose);
    bvh = stoa_bvh_build(s, pose);
    bool got = stoa_scene_raycast(bvh, o, d, 0, &hit);
    CHECK(got);
    CHECK_NEAR(got ? hit.distance : 0, 4.9, 1e-3); // the bar is 0.2 m thick
    stoa_bvh_destroy(&bvh);
    stoa_pose_destroy(&pose);
    stoa_scene_destroy(&s);
}

// A hand-made scene: one node, one cubic-spline translation channel whose
// tangents are not zero (the corpus's cubic samples mostly have zero tangents).
STOA_TEST(cubic_spline_uses_tangents)
{
    stoa_node node = {.name = "n",
                      .parent = -1,
                      .rotation = {0, 0, 0, 1},
                      .scale = {1, 1, 1},
                      .camera = -1,
                      .light = -1};
    float times[2] = {1, 3};
    // Per key: in-tangent, value, out-tangent (x, y, z each).
    float values[18] = {0, 0, 0, 0, 0, 0, 4, 0, 0, /* key 1 */ -2, 0, 0, 2, 1, 0, 0, 0, 0};
    stoa_anim_channel ch = {.node = 0,
                            .path = STOA_ANIM_TRANSLATION,
                            .interp = STOA_INTERP_CUBIC,
                            .key_count = 2,
                            .times = times,
                            .components = 3,
                            .values = values};
    stoa_animation anim = {.name = "a", .duration = 3, .channel_count = 1, .channels = &ch};
    stoa_scene sc = {.node_count = 1, .nodes = &node, .animation_count = 1, .animations = &anim};
    stoa_pose *pose = stoa_pose_create(&sc);
    CHECK(pose != NULL);
    if (!pose)
        return;
    float u = 0.25f, dt = 2, t = 1 + u * dt;
    float h00 = 2 * u * u * u - 3 * u * u + 1, h10 = u * u * u - 2 * u * u + u;
    float h01 = -2 * u * u * u + 3 * u * u, h11 = u * u * u - u * u;
    float want_x = h00 * 0 + h10 * dt * 4 + h01 * 2 + h11 * dt * -2;
    float want_y = h01 * 1;
    stoa_pose_apply_animation(pose, 0, t);
    stoa_pose_update(pose);
    const float *w = stoa_pose_world(pose, 0);
    CHECK_NEAR(w[12], want_x, 1e-5);
    CHECK_NEAR(w[13], want_y, 1e-5);
    // Before the first key and after the last: clamped to the key values.
    stoa_pose_apply_animation(pose, 0, 0.0f);
    stoa_pose_update(pose);
    CHECK_NEAR(stoa_pose_world(pose, 0)[12], 0, 1e-6);
    stoa_pose_apply_animation(pose, 0, 10.0f);
    stoa_pose_update(pose);
    CHECK_NEAR(stoa_pose_world(pose, 0)[12], 2, 1e-6);
    CHECK_NEAR(stoa_pose_world(pose, 0)[13], 1, 1e-6);
    // STEP holds the earlier key until the next one.
    ch.interp = STOA_INTERP_STEP;
    float step_values[6] = {5, 0, 0, 7, 0, 0};
    ch.values = step_values;
    stoa_pose_apply_animation(pose, 0, 2.9f);
    stoa_pose_update(pose);
    CHECK_NEAR(stoa_pose_world(pose, 0)[12], 5, 1e-6);
    ch.interp = STOA_INTERP_LINEAR;
    stoa_pose_apply_animation(pose, 0, 2.5f);
    stoa_pose_update(pose);
    CHECK_NEAR(stoa_pose_world(pose, 0)[12], 6.5, 1e-5);
    stoa_pose_destroy(&pose);
}

typedef struct progress_log {
    int calls;
    float last;
    bool monotonic;
} progress_log;

static void on_progress(void *user, float fraction, const char *stage)
{
    progress_log *l = user;
    l->monotonic &= fraction >= l->last && stage && *stage;
    l->last = fraction;
    l->calls++;
}

STOA_TEST(progress_and_tangent_options)
{
    char p[4096];
    stoa_test_model(p, sizeof p, "textured/textured.gltf");
    progress_log log = {.monotonic = true};
    stoa_scene_load_desc desc = {.progress = on_progress, .progress_user = &log};
    stoa_scene *s = NULL;
    stoa_error err = {0};
    CHECK(stoa_scene_load(p, &desc, &s, &err) == STOA_OK);
    CHECK(log.calls >= 4 && log.monotonic && log.last == 1.0f);
    // The textured box has UVs but no TANGENT attribute: generated by default...
    CHECK(s && s->meshes[0].tangents != NULL);
    stoa_scene_destroy(&s);
    // ...and not when asked.
    desc = (stoa_scene_load_desc){.no_generated_tangents = true};
    CHECK(stoa_scene_load(p, &desc, &s, &err) == STOA_OK);
    CHECK(s && s->meshes[0].tangents == NULL);
    stoa_scene_destroy(&s);
}

STOA_TEST(punctual_lights)
{
    char dir[4096], p[4300], from[4096];
    tu_mkdtemp(dir, sizeof dir, "lights");
    stoa_test_model(from, sizeof from, "box/box.bin");
    snprintf(p, sizeof p, "%s/box.bin", dir);
    CHECK(tu_copy(from, p) == 0);
    stoa_test_model(from, sizeof from, "box/box.gltf");
    char *file;
    cJSON *j = tu_gltf_json(from, &file, NULL, NULL);
    free(file);
    cJSON *ext = cJSON_Parse("{\"KHR_lights_punctual\": {\"lights\": [{\"name\": \"sun\", "
                             "\"type\": \"directional\", \"intensity\": 3}, {\"name\": \"lamp\", "
                             "\"type\": \"spot\", \"color\": [1, 0.5, 0], \"range\": 7, "
                             "\"spot\": {\"outerConeAngle\": 0.5}}]}}");
    if (j && ext) {
        cJSON_AddItemToObject(j, "extensions", ext);
        cJSON_AddItemToObject(tu_at(j, "nodes", 0), "extensions",
                              cJSON_Parse("{\"KHR_lights_punctual\": {\"light\": 1}}"));
    }
    snprintf(p, sizeof p, "%s/lights.gltf", dir);
    char *text = j ? cJSON_Print(j) : NULL;
    CHECK(text && tu_write(p, text, strlen(text)) == 0);
    free(text);
    cJSON_Delete(j);
    stoa_scene *s = NULL;
    stoa_error err = {0};
    CHECK_MSG(stoa_scene_load(p, NULL, &s, &err) == STOA_OK, "%s", err.message);
    CHECK(s && s->light_count == 1);
    if (s && s->light_count == 1) {
        const stoa_light *l = &s->lights[0];
        CHECK_STR(l->name, "lamp");
        CHECK(l->type == STOA_LIGHT_SPOT);
        CHECK_NEAR(l->color[1], 0.5, 1e-6);
        CHECK_NEAR(l->range, 7, 1e-6);
        CHECK_NEAR(l->outer_cone, 0.5, 1e-6);
        CHECK(l->node == 0 && s->nodes[0].light == 0);
    }
    stoa_scene_destroy(&s);
    tu_rmdir(dir);
}

STOA_TEST_MAIN()
