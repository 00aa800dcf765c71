// SPDX-License-Identifier: Apache-2.0
// CPU evaluation of posed geometry, for bounds and picking (the renderer
// skins on the GPU; picking needs the same triangles the learner sees).
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "scene_internal.h"

void scene_instance_positions(const stoa_pose *pose, uint32_t node, uint32_t mesh, float *out)
{
    const stoa_scene *sc = stoa_pose_scene(pose);
    const stoa_mesh *m = &sc->meshes[mesh];
    size_t n = m->vertex_count;
    memcpy(out, m->positions, n * 3 * sizeof(float));
    uint32_t nw = 0;
    const float *w = stoa_pose_morph_weights(pose, node, &nw);
    for (uint32_t t = 0; w && t < m->morph_target_count && t < nw; t++) {
        if (w[t] == 0)
            continue;
        const float *d = m->morph_targets[t].positions;
        for (size_t i = 0; i < n * 3; i++)
            out[i] += w[t] * d[i];
    }
    const float *joints =
        m->skin >= 0 && m->joints ? stoa_pose_joint_matrices(pose, (uint32_t)m->skin) : NULL;
    if (!joints) {
        const float *world = stoa_pose_world(pose, node);
        for (size_t i = 0; i < n; i++)
            scene_mat_point(world, out + i * 3, out + i * 3);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        float p[3] = {out[i * 3], out[i * 3 + 1], out[i * 3 + 2]}, acc[3] = {0, 0, 0}, q[3];
        for (int k = 0; k < 4; k++) {
            float wt = m->weights[i * 4 + k];
            if (wt == 0)
                continue;
            scene_mat_point(joints + (size_t)m->joints[i * 4 + k] * 16, p, q);
            for (int c = 0; c < 3; c++)
                acc[c] += wt * q[c];
        }
        memcpy(out + i * 3, acc, sizeof acc);
    }
}

void stoa_pose_bounds(const stoa_pose *pose, float out_min[3], float out_max[3])
{
    const stoa_scene *sc = stoa_pose_scene(pose);
    uint32_t maxv = 0;
    for (uint32_t i = 0; i < sc->mesh_count; i++)
        if (sc->meshes[i].vertex_count > maxv)
            maxv = sc->meshes[i].vertex_count;
    float *buf = malloc((size_t)(maxv ? maxv : 1) * 3 * sizeof(float));
    bool any = false;
    for (int k = 0; k < 3; k++) {
        out_min[k] = INFINITY;
        out_max[k] = -INFINITY;
    }
    for (uint32_t ni = 0; buf && ni < sc->node_count; ni++) {
        const stoa_node *node = &sc->nodes[ni];
        for (uint32_t k = 0; k < node->mesh_count; k++) {
            const stoa_mesh *m = &sc->meshes[node->meshes[k]];
            scene_instance_positions(pose, ni, node->meshes[k], buf);
            const float *v = buf;
            for (uint32_t i = 0; i < m->vertex_count; i++, v += 3)
                for (int c = 0; c < 3; c++) {
                    out_min[c] = v[c] < out_min[c] ? v[c] : out_min[c];
                    out_max[c] = v[c] > out_max[c] ? v[c] : out_max[c];
                }
            any |= m->vertex_count > 0;
        }
    }
    free(buf);
    if (!any)
        for (int k = 0; k < 3; k++)
            out_min[k] = out_max[k] = 0;
}

void scene_compute_bounds(stoa_scene *scene)
{
    stoa_pose *pose = stoa_pose_create(scene);
    if (!pose)
        return;
    stoa_pose_bounds(pose, scene->bounds_min, scene->bounds_max);
    stoa_pose_destroy(&pose);
}
