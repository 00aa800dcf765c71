// SPDX-License-Identifier: Apache-2.0
// The same features on the Khronos sample models (an extra: skipped when
// ../shared is absent): interpolation modes, morph and skin poses,
// orthographic cameras, samplers, unlit and emissive strength, BVH picking
// on real content. Stoa's own models cover each feature in
// test_scene_generated.c and test_scene_features.c.
#include <math.h>

#include "scene/stoa_scene.h"
#include "scene_test_util.h"
#include "stoa_test.h"
#include "scene_brute.h"

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
    CHECK(double_sided == 5); // five of its six materials say doubleSided
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

STOA_TEST_MAIN()
