// SPDX-License-Identifier: Apache-2.0
// Small geometry: poses, boxes, node bounds, hit normals.
#include <cglm/cglm.h>
#include <float.h>
#include <math.h>
#include <string.h>

#include "interact_internal.h"

void interact_quat_norm(const float in[4], float out[4])
{
    float len2 = in[0] * in[0] + in[1] * in[1] + in[2] * in[2] + in[3] * in[3];
    if (!(len2 > 1e-12f) || !isfinite(len2)) {
        out[0] = out[1] = out[2] = 0;
        out[3] = 1;
        return;
    }
    float inv = 1.0f / sqrtf(len2);
    for (int i = 0; i < 4; i++)
        out[i] = in[i] * inv;
}

void interact_quat_rotate(const float q[4], const float v[3], float out[3])
{
    versor qn;
    vec3 vv = {v[0], v[1], v[2]};
    interact_quat_norm(q, qn);
    glm_quat_rotatev(qn, vv, out);
}

void interact_pose_matrix(const stoa_interact_pose *p, float out[16])
{
    versor q;
    mat4 m;
    interact_quat_norm(p->orientation, q);
    glm_quat_mat4(q, m);
    m[3][0] = p->position[0];
    m[3][1] = p->position[1];
    m[3][2] = p->position[2];
    memcpy(out, m, sizeof m);
}

void interact_pose_forward(const stoa_interact_pose *p, float out[3])
{
    static const float minus_z[3] = {0, 0, -1};
    interact_quat_rotate(p->orientation, minus_z, out);
}

void interact_box_empty(float min[3], float max[3])
{
    for (int i = 0; i < 3; i++) {
        min[i] = FLT_MAX;
        max[i] = -FLT_MAX;
    }
}

void interact_box_grow(const float m[16], const float min[3], const float max[3], float out_min[3],
                       float out_max[3])
{
    for (int c = 0; c < 8; c++) {
        float p[3] = {(c & 1) ? max[0] : min[0], (c & 2) ? max[1] : min[1],
                      (c & 4) ? max[2] : min[2]};
        for (int k = 0; k < 3; k++) {
            float w = m[k] * p[0] + m[4 + k] * p[1] + m[8 + k] * p[2] + m[12 + k];
            out_min[k] = fminf(out_min[k], w);
            out_max[k] = fmaxf(out_max[k], w);
        }
    }
}

bool interact_box_contains(const float min[3], const float max[3], const float p[3], float margin)
{
    for (int k = 0; k < 3; k++)
        if (p[k] < min[k] - margin || p[k] > max[k] + margin)
            return false;
    return true;
}

bool interact_is_ancestor(const stoa_scene *scene, uint32_t anc, uint32_t node)
{
    int32_t n = (int32_t)node;
    while (n >= 0) {
        if ((uint32_t)n == anc)
            return true;
        if ((uint32_t)n < anc) // parents come first: we passed it
            return false;
        n = scene->nodes[n].parent;
    }
    return false;
}

static const float *world_moved(const float *world, const float *delta, float out[16])
{
    if (!delta)
        return world;
    mat4 a, b, c;
    memcpy(a, delta, sizeof a);
    memcpy(b, world, sizeof b);
    glm_mat4_mul(a, b, c);
    memcpy(out, c, sizeof c);
    return out;
}

void interact_node_bounds(const stoa_interact *ia, uint32_t node, const float *delta,
                          float out_min[3], float out_max[3])
{
    static const float unit_min[3] = {-1, -1, -1}, unit_max[3] = {1, 1, 1};
    const stoa_scene *s = ia->scene;
    interact_box_empty(out_min, out_max);
    bool any = false;
    float moved[16];
    // Descendants have larger indices than their ancestors.
    for (uint32_t i = node; i < s->node_count; i++) {
        if (s->nodes[i].mesh_count == 0 || !interact_is_ancestor(s, node, i))
            continue;
        const float *w = world_moved(stoa_pose_world(ia->pose, i), delta, moved);
        for (uint32_t k = 0; k < s->nodes[i].mesh_count; k++) {
            const stoa_mesh *mesh = &s->meshes[s->nodes[i].meshes[k]];
            interact_box_grow(w, mesh->bounds_min, mesh->bounds_max, out_min, out_max);
            any = true;
        }
    }
    if (!any)
        interact_box_grow(world_moved(stoa_pose_world(ia->pose, node), delta, moved), unit_min,
                          unit_max, out_min, out_max);
}

static void mat_point(const float m[16], const float p[3], float out[3])
{
    for (int k = 0; k < 3; k++)
        out[k] = m[k] * p[0] + m[4 + k] * p[1] + m[8 + k] * p[2] + m[12 + k];
}

bool interact_hit_normal(const stoa_interact *ia, const stoa_ray_hit *hit, const float dir[3],
                         float out_n[3])
{
    const stoa_scene *s = ia->scene;
    if (hit->mesh < 0 || (uint32_t)hit->mesh >= s->mesh_count || hit->node < 0)
        return false;
    const stoa_mesh *mesh = &s->meshes[hit->mesh];
    if ((uint64_t)hit->triangle * 3 + 2 >= mesh->index_count)
        return false;
    const float *w = stoa_pose_world(ia->pose, (uint32_t)hit->node);
    vec3 p[3];
    for (int v = 0; v < 3; v++) {
        uint32_t idx = mesh->indices[hit->triangle * 3 + v];
        if (idx >= mesh->vertex_count)
            return false;
        mat_point(w, &mesh->positions[idx * 3], p[v]);
    }
    vec3 e1, e2, n;
    glm_vec3_sub(p[1], p[0], e1);
    glm_vec3_sub(p[2], p[0], e2);
    glm_vec3_cross(e1, e2, n);
    float len = glm_vec3_norm(n);
    if (!(len > 1e-12f))
        return false;
    glm_vec3_scale(n, 1.0f / len, n);
    // Winding may be either way (double-sided floors): face the ray.
    if (n[0] * dir[0] + n[1] * dir[1] + n[2] * dir[2] > 0)
        glm_vec3_negate(n);
    memcpy(out_n, n, sizeof n);
    return true;
}
