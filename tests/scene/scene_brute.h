// SPDX-License-Identifier: Apache-2.0
// An independent brute-force ray cast for checking the BVH: every triangle
// of every mesh instance, in world space.
#pragma once

#include <math.h>

#include "scene/stoa_scene.h"

static inline float brute(const stoa_scene *s, const stoa_pose *pose, const float o[3], const float d[3])
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

