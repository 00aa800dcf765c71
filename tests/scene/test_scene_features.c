// SPDX-License-Identifier: Apache-2.0
// What Stoa keeps that Assimp alone would lose or that later issues rely on:
// interpolation modes, cubic splines, morph and skin poses, orthographic
// cameras, samplers, unlit and emissive strength, mesh mapping, BVH picking.
#include <math.h>

#include "scene/stoa_scene.h"
#include "scene_test_util.h"
#include "stoa_test.h"

static stoa_scene *load(const char *rel)
{
    char p[4096];
    snprintf(p, sizeof p, "%s/%s", tu_samples(), rel);
    stoa_scene *s = NULL;
    stoa_error err = {0};
    stoa_result r = stoa_scene_load(p, NULL, &s, &err);
    CHECK_MSG(r == STOA_OK, "%s", err.message);
    return s;
}

static const stoa_anim_channel *channel_of(const stoa_scene *s, const char *anim)
{
    int32_t a = stoa_scene_find_animation(s, anim);
    CHECK_MSG(a >= 0, "no animation '%s'", anim);
    return a >= 0 && s->animations[a].channel_count ? &s->animations[a].channels[0] : NULL;
}

STOA_TEST(interpolation_modes_from_the_file)
{
    stoa_scene *s = load("InterpolationTest/glTF/InterpolationTest.gltf");
    if (!s)
        return;
    const stoa_anim_channel *step = channel_of(s, "Step Scale");
    const stoa_anim_channel *lin = channel_of(s, "Linear Scale");
    const stoa_anim_channel *cub = channel_of(s, "CubicSpline Scale");
    CHECK(step && step->interp == STOA_INTERP_STEP);
    CHECK(lin && lin->interp == STOA_INTERP_LINEAR);
    CHECK(cub && cub->interp == STOA_INTERP_CUBIC);
    stoa_pose *pose = stoa_pose_create(s);
    // Halfway between the first two keys of each channel.
    if (step && lin && cub && pose && step->key_count > 1 && lin->key_count > 1 &&
        cub->key_count > 1) {
        float t = (step->times[0] + step->times[1]) / 2;
        stoa_pose_reset(pose);
        stoa_pose_apply_animation(pose, (uint32_t)stoa_scene_find_animation(s, "Step Scale"), t);
        stoa_pose_update(pose);
        const float *w = stoa_pose_world(pose, (uint32_t)step->node);
        float sx = sqrtf(w[0] * w[0] + w[1] * w[1] + w[2] * w[2]);
        float parent_sx = 1;
        if (s->nodes[step->node].parent >= 0) {
            const float *pw = stoa_pose_world(pose, (uint32_t)s->nodes[step->node].parent);
            parent_sx = sqrtf(pw[0] * pw[0] + pw[1] * pw[1] + pw[2] * pw[2]);
        }
        CHECK_NEAR(sx / parent_sx, step->values[0], 1e-4);

        t = (lin->times[0] + lin->times[1]) / 2;
        stoa_pose_reset(pose);
        stoa_pose_apply_animation(pose, (uint32_t)stoa_scene_find_animation(s, "Linear Scale"), t);
        stoa_pose_update(pose);
        w = stoa_pose_world(pose, (uint32_t)lin->node);
        sx = sqrtf(w[0] * w[0] + w[1] * w[1] + w[2] * w[2]);
        CHECK_NEAR(sx / parent_sx, (lin->values[0] + lin->values[3]) / 2, 1e-4);

        // Cubic: Hermite with the file's tangents, computed here independently.
        float t0 = cub->times[0], t1 = cub->times[1], dt = t1 - t0, u = 0.25f;
        t = t0 + u * dt;
        const float *k0 = cub->values, *k1 = cub->values + 9; // [in, value, out] x 3 comps
        float v0 = k0[3], b0 = k0[6], a1 = k1[0], v1 = k1[3];
        float want = (2 * u * u * u - 3 * u * u + 1) * v0 + (u * u * u - 2 * u * u + u) * dt * b0 +
                     (-2 * u * u * u + 3 * u * u) * v1 + (u * u * u - u * u) * dt * a1;
        stoa_pose_reset(pose);
        stoa_pose_apply_animation(pose, (uint32_t)stoa_scene_find_animation(s, "CubicSpline Scale"),
                                  t);
        stoa_pose_update(pose);
        w = stoa_pose_world(pose, (uint32_t)cub->node);
        sx = sqrtf(w[0] * w[0] + w[1] * w[1] + w[2] * w[2]);
        CHECK_NEAR(sx / parent_sx, want, 1e-3);
        // And it is not what linear interpolation would give.
        CHECK(fabsf(want - (v0 + (v1 - v0) * u)) > 1e-3f);
    }
    stoa_pose_destroy(&pose);
    CHECK(pose == NULL);
    stoa_scene_destroy(&s);
}

STOA_TEST(morph_targets_change_shape_over_time)
{
    stoa_scene *s = load("AnimatedMorphCube/glTF/AnimatedMorphCube.gltf");
    if (!s)
        return;
    CHECK(s->mesh_count == 1 && s->meshes[0].morph_target_count == 2);
    CHECK(s->animation_count == 1 && s->animations[0].channel_count == 1);
    CHECK(s->animations[0].channels[0].path == STOA_ANIM_WEIGHTS);
    stoa_pose *pose = stoa_pose_create(s);
    float dur = s->animations[0].duration, mn0[3], mx0[3], mn1[3], mx1[3];
    CHECK(dur > 0);
    uint32_t n = 0;
    stoa_pose_apply_animation(pose, 0, 0);
    stoa_pose_update(pose);
    const float *w = stoa_pose_morph_weights(pose, 0, &n);
    CHECK(n == 2 && w);
    float w0[2] = {w ? w[0] : 0, w ? w[1] : 0};
    stoa_pose_bounds(pose, mn0, mx0);
    stoa_pose_apply_animation(pose, 0, dur * 0.25f);
    stoa_pose_update(pose);
    w = stoa_pose_morph_weights(pose, 0, &n);
    CHECK(w && (fabsf(w[0] - w0[0]) > 0.1f || fabsf(w[1] - w0[1]) > 0.1f));
    stoa_pose_bounds(pose, mn1, mx1);
    float diff = 0;
    for (int k = 0; k < 3; k++)
        diff += fabsf(mn1[k] - mn0[k]) + fabsf(mx1[k] - mx0[k]);
    CHECK_MSG(diff > 1e-3f, "bounds did not change: %g", diff);
    stoa_pose_destroy(&pose);
    stoa_scene_destroy(&s);
}

STOA_TEST(skinning_moves_cesium_man)
{
    stoa_scene *s = load("CesiumMan/glTF-Binary/CesiumMan.glb");
    if (!s)
        return;
    CHECK(s->skin_count == 1 && s->skins[0].joint_count == 19);
    CHECK(s->mesh_count == 1 && s->meshes[0].skin == 0 && s->meshes[0].joints &&
          s->meshes[0].weights);
    stoa_pose *pose = stoa_pose_create(s);
    stoa_pose_apply_animation(pose, 0, 0.0f);
    stoa_pose_update(pose);
    float a[19 * 16];
    memcpy(a, stoa_pose_joint_matrices(pose, 0), sizeof a);
    stoa_pose_apply_animation(pose, 0, 1.0f);
    stoa_pose_update(pose);
    const float *b = stoa_pose_joint_matrices(pose, 0);
    float diff = 0;
    for (int i = 0; i < 19 * 16; i++)
        diff += fabsf(a[i] - b[i]);
    CHECK_MSG(diff > 0.1f, "joint matrices barely moved: %g", diff);
    // A skinned figure stands about 1.5 m tall (Y up after the root's rotation).
    float mn[3], mx[3];
    stoa_pose_bounds(pose, mn, mx);
    CHECK_NEAR(mx[1] - mn[1], 1.5, 0.3);
    stoa_pose_destroy(&pose);
    stoa_scene_destroy(&s);
}

STOA_TEST(cameras_keep_orthographic_fields)
{
    stoa_scene *s = load("Cameras/glTF/Cameras.gltf");
    if (!s)
        return;
    CHECK(s->camera_count == 2);
    int persp = 0, ortho = 0;
    for (uint32_t i = 0; i < s->camera_count; i++) {
        const stoa_camera *c = &s->cameras[i];
        CHECK(c->node >= 0 && s->nodes[c->node].camera == (int32_t)i);
        if (c->type == STOA_CAMERA_PERSPECTIVE) {
            persp++;
            CHECK_NEAR(c->yfov, 0.7, 1e-6);
        } else {
            ortho++;
            CHECK_NEAR(c->xmag, 1.0, 1e-6);
            CHECK_NEAR(c->ymag, 1.0, 1e-6);
            CHECK_NEAR(c->zfar, 100, 1e-4);
        }
    }
    CHECK(persp == 1 && ortho == 1);
    stoa_scene_destroy(&s);
}

STOA_TEST(materials_and_samplers)
{
    stoa_scene *s = load("TextureSettingsTest/glTF/TextureSettingsTest.gltf");
    int clamp_t = 0, mirror = 0;
    for (uint32_t i = 0; s && i < s->texture_count; i++) {
        clamp_t += s->textures[i].sampler.wrap_t == 33071;
        mirror += s->textures[i].sampler.wrap_t == 33648 || s->textures[i].sampler.wrap_s == 33648;
        CHECK(s->textures[i].width > 0 && s->textures[i].rgba);
    }
    CHECK(clamp_t > 0 && mirror > 0);
    stoa_scene_destroy(&s);

    s = load("UnlitTest/glTF/UnlitTest.gltf");
    int unlit = 0;
    for (uint32_t i = 0; s && i < s->material_count; i++)
        unlit += s->materials[i].unlit;
    CHECK(unlit > 0);
    stoa_scene_destroy(&s);

    s = load("AlphaBlendModeTest/glTF/AlphaBlendModeTest.gltf");
    int mask = 0, blend = 0, opaque = 0, double_sided = 0;
    for (uint32_t i = 0; s && i < s->material_count; i++) {
        mask += s->materials[i].alpha_mode == STOA_ALPHA_MASK;
        blend += s->materials[i].alpha_mode == STOA_ALPHA_BLEND;
        opaque += s->materials[i].alpha_mode == STOA_ALPHA_OPAQUE;
        double_sided += s->materials[i].double_sided;
    }
    CHECK(mask > 0 && blend > 0 && opaque > 0);
    stoa_scene_destroy(&s);

    // Assimp 5.2.5 ignores KHR_materials_emissive_strength; Stoa applies it.
    s = load("EmissiveStrengthTest/glTF/EmissiveStrengthTest.gltf");
    float max_e = 0;
    for (uint32_t i = 0; s && i < s->material_count; i++)
        for (int k = 0; k < 3; k++)
            max_e = fmaxf(max_e, s->materials[i].emissive[k]);
    CHECK_MSG(max_e > 1.5f, "strongest emissive %g", max_e);
    stoa_scene_destroy(&s);

    s = load("Box/glTF/Box.gltf");
    CHECK(s && s->material_count == 1);
    if (s) {
        CHECK_NEAR(s->materials[0].base_color[0], 0.8, 1e-6);
        CHECK_NEAR(s->materials[0].base_color[1], 0.0, 1e-6);
        CHECK(s->meshes[0].material == 0);
    }
    stoa_scene_destroy(&s);
}

// Assimp reads meshes lazily (a node's children before its own mesh); the
// loader must still give each node its own mesh.
STOA_TEST(mesh_order_follows_the_file)
{
    char dir[4096], p[4300], from[4096];
    tu_mkdtemp(dir, sizeof dir, "meshorder");
    snprintf(from, sizeof from, "%s/Box/glTF/Box0.bin", tu_samples());
    snprintf(p, sizeof p, "%s/Box0.bin", dir);
    CHECK(tu_copy(from, p) == 0);
    snprintf(from, sizeof from, "%s/Box/glTF/Box.gltf", tu_samples());
    char *file;
    cJSON *j = tu_gltf_json(from, &file, NULL, NULL);
    free(file);
    // accessors[1] is Box's NORMAL (VEC3 float, 24) and [2] POSITION: a
    // 3-vertex triangle made of the first positions is mesh 1.
    cJSON *acc = cJSON_Duplicate(tu_at(j, "accessors", 2), 1);
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
    cJSON_AddStringToObject(tu_at(j, "nodes", 0), "name", "root_box");
    cJSON_AddStringToObject(tu_at(j, "nodes", 1), "name", "child_tri");
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
    stoa_scene *s = load("Box/glTF/Box.gltf");
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

// Independent brute force: every triangle of every instance, world space.
static float brute(const stoa_scene *s, const stoa_pose *pose, const float o[3], const float d[3])
{
    float best = INFINITY;
    for (uint32_t n = 0; n < s->node_count; n++)
        for (uint32_t k = 0; k < s->nodes[n].mesh_count; k++) {
            const stoa_mesh *m = &s->meshes[s->nodes[n].meshes[k]];
            const float *w = stoa_pose_world(pose, n);
            for (uint32_t t = 0; t < m->index_count; t += 3) {
                float v[3][3];
                for (int i = 0; i < 3; i++) {
                    const float *p = m->positions + m->indices[t + i] * 3;
                    for (int c = 0; c < 3; c++)
                        v[i][c] = w[c] * p[0] + w[4 + c] * p[1] + w[8 + c] * p[2] + w[12 + c];
                }
                float e1[3], e2[3], s0[3];
                for (int c = 0; c < 3; c++) {
                    e1[c] = v[1][c] - v[0][c];
                    e2[c] = v[2][c] - v[0][c];
                    s0[c] = o[c] - v[0][c];
                }
                float pv[3] = {d[1] * e2[2] - d[2] * e2[1], d[2] * e2[0] - d[0] * e2[2],
                               d[0] * e2[1] - d[1] * e2[0]};
                float det = e1[0] * pv[0] + e1[1] * pv[1] + e1[2] * pv[2];
                if (fabsf(det) < 1e-12f)
                    continue;
                float u = (s0[0] * pv[0] + s0[1] * pv[1] + s0[2] * pv[2]) / det;
                float q[3] = {s0[1] * e1[2] - s0[2] * e1[1], s0[2] * e1[0] - s0[0] * e1[2],
                              s0[0] * e1[1] - s0[1] * e1[0]};
                float vv = (d[0] * q[0] + d[1] * q[1] + d[2] * q[2]) / det;
                float tt = (e2[0] * q[0] + e2[1] * q[1] + e2[2] * q[2]) / det;
                if (u >= 0 && vv >= 0 && u + vv <= 1 && tt >= 0 && tt < best)
                    best = tt;
            }
        }
    return best;
}

STOA_TEST(bvh_agrees_with_brute_force)
{
    const char *files[] = {"Duck/glTF-Binary/Duck.glb",
                           "OrientationTest/glTF/OrientationTest.gltf"};
    for (int f = 0; f < 2; f++) {
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
    stoa_scene *s = load("CesiumMan/glTF/CesiumMan.gltf");
    if (!s)
        return;
    stoa_pose *pose = stoa_pose_create(s);
    stoa_pose_apply_animation(pose, 0, 0.5f);
    stoa_pose_update(pose);
    float mn[3], mx[3];
    stoa_pose_bounds(pose, mn, mx);
    stoa_bvh *bvh = stoa_bvh_build(s, pose);
    float o[3] = {(mn[0] + mx[0]) / 2, (mn[1] + mx[1]) / 2, mx[2] + 2};
    stoa_ray_hit hit;
    bool got = stoa_scene_raycast(bvh, o, (float[]){0, 0, -1}, 0, &hit);
    CHECK(got);
    CHECK(got && hit.point[2] <= mx[2] + 1e-4f && hit.point[2] >= mn[2] - 1e-4f);
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
    snprintf(p, sizeof p, "%s/BoxTextured/glTF/BoxTextured.gltf", tu_samples());
    progress_log log = {.monotonic = true};
    stoa_scene_load_desc desc = {.progress = on_progress, .progress_user = &log};
    stoa_scene *s = NULL;
    stoa_error err = {0};
    CHECK(stoa_scene_load(p, &desc, &s, &err) == STOA_OK);
    CHECK(log.calls >= 4 && log.monotonic && log.last == 1.0f);
    // BoxTextured has UVs but no TANGENT attribute: generated by default...
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
    snprintf(from, sizeof from, "%s/Box/glTF/Box0.bin", tu_samples());
    snprintf(p, sizeof p, "%s/Box0.bin", dir);
    CHECK(tu_copy(from, p) == 0);
    snprintf(from, sizeof from, "%s/Box/glTF/Box.gltf", tu_samples());
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
