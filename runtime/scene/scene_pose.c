// SPDX-License-Identifier: Apache-2.0
// The scene at a point in time: local TRS, world and joint matrices, morph
// weights; and animation sampling (step, linear/slerp, cubic spline).
#include <cglm/cglm.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "scene_internal.h"

struct stoa_pose {
    const stoa_scene *scene;
    float *t, *r, *s;        // node_count * 3 / 4 / 3
    float *world;            // node_count * 16
    float *joints;           // all skins' joint matrices, back to back
    uint32_t *joint_offset;  // per skin, in matrices
    float *weights;          // morph weights, back to back
    uint32_t *weight_offset; // per node
    uint32_t *weight_count;  // per node (0 = none)
};

void scene_trs_matrix(const float t[3], const float r[4], const float s[3], float out[16])
{
    mat4 m;
    versor q = {r[0], r[1], r[2], r[3]};
    glm_quat_mat4(q, m);
    for (int c = 0; c < 3; c++)
        for (int k = 0; k < 3; k++)
            m[c][k] *= s[c];
    m[3][0] = t[0];
    m[3][1] = t[1];
    m[3][2] = t[2];
    memcpy(out, m, sizeof m);
}

void scene_mat_mul(const float a[16], const float b[16], float out[16])
{
    mat4 ma, mb, mo;
    memcpy(ma, a, sizeof ma);
    memcpy(mb, b, sizeof mb);
    glm_mat4_mul(ma, mb, mo);
    memcpy(out, mo, sizeof mo);
}

void scene_mat_point(const float m[16], const float p[3], float out[3])
{
    float x = p[0], y = p[1], z = p[2];
    out[0] = m[0] * x + m[4] * y + m[8] * z + m[12];
    out[1] = m[1] * x + m[5] * y + m[9] * z + m[13];
    out[2] = m[2] * x + m[6] * y + m[10] * z + m[14];
}

bool stoa_pose_copy(stoa_pose *dst, const stoa_pose *src)
{
    if (!dst || !src || dst->scene != src->scene)
        return false;
    const stoa_scene *sc = src->scene;
    size_t n = sc->node_count ? sc->node_count : 1;
    memcpy(dst->t, src->t, n * 3 * sizeof(float));
    memcpy(dst->r, src->r, n * 4 * sizeof(float));
    memcpy(dst->s, src->s, n * 3 * sizeof(float));
    memcpy(dst->world, src->world, n * 16 * sizeof(float));
    size_t nj = 0, nw = 0;
    for (uint32_t i = 0; i < sc->skin_count; i++)
        nj += sc->skins[i].joint_count;
    for (uint32_t i = 0; i < sc->node_count; i++)
        nw += src->weight_count[i];
    if (nj && dst->joints && src->joints)
        memcpy(dst->joints, src->joints, nj * 16 * sizeof(float));
    if (nw && dst->weights && src->weights)
        memcpy(dst->weights, src->weights, nw * sizeof(float));
    return true;
}

stoa_pose *stoa_pose_create(const stoa_scene *scene)
{
    if (!scene)
        return NULL;
    stoa_pose *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    size_t n = scene->node_count ? scene->node_count : 1;
    p->scene = scene;
    p->t = malloc(n * 3 * sizeof(float));
    p->r = malloc(n * 4 * sizeof(float));
    p->s = malloc(n * 3 * sizeof(float));
    p->world = calloc(n * 16, sizeof(float));
    p->joint_offset = calloc(scene->skin_count + 1, sizeof(uint32_t));
    p->weight_offset = calloc(n, sizeof(uint32_t));
    p->weight_count = calloc(n, sizeof(uint32_t));
    uint32_t nj = 0, nw = 0;
    for (uint32_t i = 0; p->joint_offset && i < scene->skin_count; i++) {
        p->joint_offset[i] = nj;
        nj += scene->skins[i].joint_count;
    }
    for (uint32_t i = 0; p->weight_count && i < scene->node_count; i++) {
        const stoa_node *node = &scene->nodes[i];
        p->weight_offset[i] = nw;
        // glTF morph weights belong to the mesh, i.e. to all its primitives.
        for (uint32_t k = 0; k < node->mesh_count; k++) {
            uint32_t c = scene->meshes[node->meshes[k]].morph_target_count;
            if (c > p->weight_count[i])
                p->weight_count[i] = c;
        }
        nw += p->weight_count[i];
    }
    p->joints = calloc((size_t)(nj ? nj : 1) * 16, sizeof(float));
    p->weights = calloc(nw ? nw : 1, sizeof(float));
    if (!p->t || !p->r || !p->s || !p->world || !p->joint_offset || !p->weight_offset ||
        !p->weight_count || !p->joints || !p->weights) {
        stoa_pose_destroy(&p);
        return NULL;
    }
    stoa_pose_reset(p);
    stoa_pose_update(p);
    return p;
}

void stoa_pose_destroy(stoa_pose **pose)
{
    if (!pose || !*pose)
        return;
    stoa_pose *p = *pose;
    free(p->t);
    free(p->r);
    free(p->s);
    free(p->world);
    free(p->joints);
    free(p->joint_offset);
    free(p->weights);
    free(p->weight_offset);
    free(p->weight_count);
    free(p);
    *pose = NULL;
}

const stoa_scene *stoa_pose_scene(const stoa_pose *p)
{
    return p->scene;
}

void stoa_pose_reset(stoa_pose *p)
{
    const stoa_scene *sc = p->scene;
    for (uint32_t i = 0; i < sc->node_count; i++) {
        memcpy(p->t + i * 3, sc->nodes[i].translation, 3 * sizeof(float));
        memcpy(p->r + i * 4, sc->nodes[i].rotation, 4 * sizeof(float));
        memcpy(p->s + i * 3, sc->nodes[i].scale, 3 * sizeof(float));
        const stoa_node *node = &sc->nodes[i];
        float *w = p->weights + p->weight_offset[i];
        memset(w, 0, p->weight_count[i] * sizeof(float));
        for (uint32_t k = 0; k < node->mesh_count; k++) {
            const stoa_mesh *m = &sc->meshes[node->meshes[k]];
            if (m->morph_target_count)
                memcpy(w, m->default_weights, m->morph_target_count * sizeof(float));
        }
    }
}

// Index of the last key at or before t (keys ascending, count >= 1).
static uint32_t find_key(const float *times, uint32_t n, float t)
{
    uint32_t lo = 0, hi = n - 1;
    while (lo < hi) {
        uint32_t mid = (lo + hi + 1) / 2;
        if (times[mid] <= t)
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo;
}

static void slerp(const float *a, const float *b, float u, float *out)
{
    versor qa = {a[0], a[1], a[2], a[3]}, qb = {b[0], b[1], b[2], b[3]}, q;
    glm_quat_slerp(qa, qb, u, q); // takes the short way round
    memcpy(out, q, sizeof q);
}

static void sample(const stoa_anim_channel *ch, float t, float *out)
{
    uint32_t n = ch->key_count, c = ch->components;
    bool cubic = ch->interp == STOA_INTERP_CUBIC;
    uint32_t stride = cubic ? 3 * c : c, vo = cubic ? c : 0; // value within a cubic key
    uint32_t k = find_key(ch->times, n, t);
    const float *v0 = ch->values + (size_t)k * stride + vo;
    if (n == 1 || t <= ch->times[0] || k == n - 1 || ch->interp == STOA_INTERP_STEP) {
        memcpy(out, t <= ch->times[0] ? ch->values + vo : v0, c * sizeof(float));
        return;
    }
    const float *v1 = ch->values + (size_t)(k + 1) * stride + vo;
    float dt = ch->times[k + 1] - ch->times[k];
    float u = dt > 0 ? (t - ch->times[k]) / dt : 0;
    if (cubic) {
        // Hermite spline (glTF appendix C): out-tangent of k, in-tangent of k+1.
        const float *b0 = v0 + c, *a1 = v1 - c;
        float u2 = u * u, u3 = u2 * u;
        float h00 = 2 * u3 - 3 * u2 + 1, h10 = u3 - 2 * u2 + u, h01 = -2 * u3 + 3 * u2,
              h11 = u3 - u2;
        for (uint32_t i = 0; i < c; i++)
            out[i] = h00 * v0[i] + h10 * dt * b0[i] + h01 * v1[i] + h11 * dt * a1[i];
    } else if (ch->path == STOA_ANIM_ROTATION) {
        slerp(v0, v1, u, out);
        return;
    } else {
        for (uint32_t i = 0; i < c; i++)
            out[i] = v0[i] + (v1[i] - v0[i]) * u;
    }
    if (ch->path == STOA_ANIM_ROTATION) {
        float len = sqrtf(out[0] * out[0] + out[1] * out[1] + out[2] * out[2] + out[3] * out[3]);
        for (int i = 0; len > 0 && i < 4; i++)
            out[i] /= len;
    }
}

void stoa_pose_apply_animation(stoa_pose *p, uint32_t anim, float t)
{
    const stoa_scene *sc = p->scene;
    if (anim >= sc->animation_count)
        return;
    const stoa_animation *a = &sc->animations[anim];
    if (!(t >= 0))
        t = 0;
    if (t > a->duration)
        t = a->duration;
    float tmp[4];
    for (uint32_t i = 0; i < a->channel_count; i++) {
        const stoa_anim_channel *ch = &a->channels[i];
        uint32_t node = (uint32_t)ch->node;
        if (ch->key_count == 0)
            continue;
        switch (ch->path) {
        case STOA_ANIM_TRANSLATION:
            sample(ch, t, p->t + node * 3);
            break;
        case STOA_ANIM_ROTATION:
            sample(ch, t, p->r + node * 4);
            break;
        case STOA_ANIM_SCALE:
            sample(ch, t, p->s + node * 3);
            break;
        case STOA_ANIM_WEIGHTS: {
            uint32_t have = p->weight_count[node];
            float *w = p->weights + p->weight_offset[node];
            float *buf = ch->components <= 4 ? tmp : malloc(ch->components * sizeof(float));
            if (!buf)
                break;
            sample(ch, t, buf);
            memcpy(w, buf, (have < ch->components ? have : ch->components) * sizeof(float));
            if (buf != tmp)
                free(buf);
            break;
        }
        }
    }
}

void stoa_pose_set_local(stoa_pose *p, uint32_t node, const float t[3], const float r[4],
                         const float s[3])
{
    if (node >= p->scene->node_count)
        return;
    if (t)
        memcpy(p->t + node * 3, t, 3 * sizeof(float));
    if (r)
        memcpy(p->r + node * 4, r, 4 * sizeof(float));
    if (s)
        memcpy(p->s + node * 3, s, 3 * sizeof(float));
}

void stoa_pose_update(stoa_pose *p)
{
    const stoa_scene *sc = p->scene;
    float local[16];
    for (uint32_t i = 0; i < sc->node_count; i++) {
        scene_trs_matrix(p->t + i * 3, p->r + i * 4, p->s + i * 3, local);
        int32_t parent = sc->nodes[i].parent;
        if (parent >= 0)
            scene_mat_mul(p->world + (size_t)parent * 16, local, p->world + (size_t)i * 16);
        else
            memcpy(p->world + (size_t)i * 16, local, sizeof local);
    }
    for (uint32_t s = 0; s < sc->skin_count; s++) {
        const stoa_skin *skin = &sc->skins[s];
        for (uint32_t j = 0; j < skin->joint_count; j++)
            scene_mat_mul(p->world + (size_t)skin->joints[j] * 16,
                          skin->inverse_bind + (size_t)j * 16,
                          p->joints + ((size_t)p->joint_offset[s] + j) * 16);
    }
}

const float *stoa_pose_world(const stoa_pose *p, uint32_t node)
{
    return node < p->scene->node_count ? p->world + (size_t)node * 16 : NULL;
}

const float *stoa_pose_joint_matrices(const stoa_pose *p, uint32_t skin)
{
    return skin < p->scene->skin_count ? p->joints + (size_t)p->joint_offset[skin] * 16 : NULL;
}

const float *stoa_pose_morph_weights(const stoa_pose *p, uint32_t node, uint32_t *out_count)
{
    uint32_t n = node < p->scene->node_count ? p->weight_count[node] : 0;
    if (out_count)
        *out_count = n;
    return n ? p->weights + p->weight_offset[node] : NULL;
}
