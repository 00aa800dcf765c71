// SPDX-License-Identifier: Apache-2.0
// Fuzzing the baked scene cache reader: bytes -> stoa_scene_cache_parse
// (with the hash checks off, so that mutations reach the parser; every bound
// must hold without them) -> pose, animation, BVH, raycast, levels of
// detail, quantised vertex streams -> destroy. The
// same bytes with the hash checks on must never parse where a mutation
// broke a hash. Two builds, as fuzz_scene_load.c:
//  - libFuzzer (-DSTOA_FUZZ=ON with clang): ./fuzz_scene_cache CORPUS_DIR,
//    seeded with files from `stoa bake --cache-dir CORPUS_DIR MODELS...`;
//  - replay (ctest test_scene_cache_fuzz_replay): bakes Stoa's test models,
//    then feeds each file and --mutate N deterministic mutations of it.
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/stoa_log.h"
#include "scene/stoa_scene.h"
#include "scene/stoa_scene_cache.h"
#include "scene/stoa_scene_quant.h"

static void quiet(void *user, const char *module, stoa_log_level level, const char *message)
{
    (void)user, (void)module, (void)level, (void)message;
}

static void exercise(const stoa_scene *s)
{
    stoa_pose *pose = stoa_pose_create(s);
    if (!pose)
        return;
    for (uint32_t a = 0; a < s->animation_count && a < 4; a++)
        stoa_pose_apply_animation(pose, a, s->animations[a].duration * 0.37f);
    stoa_pose_update(pose);
    float lo[3], hi[3];
    stoa_pose_bounds(pose, lo, hi);
    stoa_bvh *bvh = stoa_bvh_build(s, pose);
    stoa_ray_hit hit;
    float o[3] = {0, 0, 10}, d[3] = {0.01f, -0.02f, -1};
    stoa_scene_raycast(bvh, o, d, 0, &hit);
    stoa_bvh_destroy(&bvh);
    stoa_pose_destroy(&pose);
    // Every name readable, every texture's pixels and chain in bounds.
    volatile size_t sum = 0;
    for (uint32_t i = 0; i < s->node_count; i++)
        sum += strlen(s->nodes[i].name);
    // Every level of detail's indices name vertices of its mesh.
    volatile float lod_sum = 0.0f;
    for (uint32_t m = 0; s->mesh_lod_first && m < s->mesh_count; m++)
        for (uint32_t l = s->mesh_lod_first[m]; l < s->mesh_lod_first[m + 1]; l++) {
            const stoa_mesh_lod *lod = &s->lods[l];
            if (lod->mesh != m)
                abort();
            for (uint32_t k = 0; k < lod->index_count; k++)
                lod_sum += s->meshes[m].positions[lod->indices[k] * 3];
        }
    for (uint32_t i = 0; i < s->texture_count; i++)
        if (s->textures[i].rgba)
            sum +=
                s->textures[i].rgba[(size_t)s->textures[i].width * s->textures[i].height * 4 - 1];
    // Every quantised stream as long as its mesh (what the renderer copies).
    const stoa_scene_quant *q = stoa_scene_quant_baked(s);
    for (uint32_t m = 0; q && m < q->mesh_count && m < s->mesh_count; m++) {
        const stoa_mesh_quant *mq = &q->meshes[m];
        size_t n = s->meshes[m].vertex_count;
        if (!n)
            continue;
        sum += mq->positions ? mq->positions[n * 4 - 1] : 0;
        sum += mq->normals ? (uint8_t)mq->normals[n * 4 - 1] : 0;
        sum += mq->tangents ? (uint8_t)mq->tangents[n * 4 - 1] : 0;
        sum += mq->uv0 ? mq->uv0[n * 2 - 1] : 0;
        sum += mq->uv1 ? mq->uv1[n * 2 - 1] : 0;
        sum += mq->colors ? mq->colors[n * 4 - 1] : 0;
    }
    (void)sum;
    (void)lod_sum;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    stoa_log_set_sink(quiet, NULL);
    stoa_scene *s = NULL;
    stoa_error err = {0};
    if (stoa_scene_cache_parse(data, size, 0, false, &s, &err) == STOA_OK) {
        exercise(s);
        stoa_scene_destroy(&s);
    } else if (!err.message[0]) {
        abort(); // a rejection always says why
    }
    if (stoa_scene_cache_parse(data, size, 0, true, &s, &err) == STOA_OK) {
        exercise(s);
        stoa_scene_destroy(&s);
    }
    return 0;
}
