// SPDX-License-Identifier: Apache-2.0
// Per-frame data of one render call: views, lights, joint matrices and morph
// weights, written into the current frame slot's ring buffer. This is the
// CPU work a frame costs beyond recording the draws, so it copies what the
// pose already computed and computes little itself.
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gfx_env.h"
#include "scene/stoa_scene.h"

const float *gfx_frame_world(const stoa_gfx_scene *s, const stoa_pose *pose, uint32_t node)
{
    const float *w = pose ? stoa_pose_world(pose, node) : NULL;
    return w ? w : s->rest_world + (size_t)node * 16;
}

static void camera_position(const float v[16], float out[4])
{
    for (int i = 0; i < 3; i++)
        out[i] = -(v[i * 4 + 0] * v[12] + v[i * 4 + 1] * v[13] + v[i * 4 + 2] * v[14]);
    out[3] = 1.0f;
}

static void normalize3(float v[3])
{
    float n = sqrtf(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
    if (n > 1e-12f)
        for (int i = 0; i < 3; i++)
            v[i] /= n;
}

// A warm key light from the upper left front (as seen from the default 3/4
// view), a cool fill from the right and an ambient term, so that the faces of
// a shape read apart without any scene lights.
static void default_rig(gfx_frame_ubo *u)
{
    static const float dirs[2][3] = {{0.35f, -0.8f, -0.5f}, {-0.8f, -0.1f, 0.25f}};
    static const float colors[2][3] = {{3.0f, 2.9f, 2.7f}, {0.55f, 0.62f, 0.75f}};
    for (int i = 0; i < 2; i++) {
        memcpy(u->light_dir[i], dirs[i], sizeof dirs[i]);
        normalize3(u->light_dir[i]);
        memcpy(u->light_color[i], colors[i], sizeof colors[i]);
        u->light_pos[i][3] = 0.0f;
    }
    u->ambient[0] = 0.22f;
    u->ambient[1] = 0.23f;
    u->ambient[2] = 0.26f;
    u->ambient[3] = 2.0f;
}

static void scene_lights(gfx_frame_ubo *u, const stoa_gfx_scene *s, const stoa_pose *pose)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < s->light_count && n < GFX_MAX_LIGHTS; i++) {
        const stoa_light *l = &s->lights[i];
        if (l->node < 0 || (uint32_t)l->node >= s->node_count)
            continue;
        const float *w = gfx_frame_world(s, pose, (uint32_t)l->node);
        u->light_pos[n][0] = w[12];
        u->light_pos[n][1] = w[13];
        u->light_pos[n][2] = w[14];
        u->light_pos[n][3] = (float)l->type;
        u->light_dir[n][0] = -w[8];
        u->light_dir[n][1] = -w[9];
        u->light_dir[n][2] = -w[10];
        normalize3(u->light_dir[n]);
        u->light_dir[n][3] = l->range;
        for (int c = 0; c < 3; c++)
            u->light_color[n][c] = l->color[c] * l->intensity;
        float ci = cosf(l->inner_cone), co = cosf(l->outer_cone);
        float scale = 1.0f / fmaxf(ci - co, 1e-3f);
        u->light_cone[n][0] = scale;
        u->light_cone[n][1] = -co * scale;
        n++;
    }
    u->ambient[0] = u->ambient[1] = u->ambient[2] = 0.12f;
    u->ambient[3] = (float)n;
}

static stoa_result grow_scratch(stoa_gfx_renderer *r, const stoa_gfx_scene *s, stoa_error *err)
{
    if (s->draw_count > r->draw_cap) {
        uint32_t cap = s->draw_count;
        int32_t *wb = realloc(r->weight_base, cap * sizeof *wb);
        if (wb)
            r->weight_base = wb;
        uint32_t *order = realloc(r->blend_order, cap * sizeof *order);
        if (order)
            r->blend_order = order;
        float *depth = realloc(r->blend_depth, cap * sizeof *depth);
        if (depth)
            r->blend_depth = depth;
        if (!wb || !order || !depth)
            return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "gfx: out of memory");
        r->draw_cap = cap;
    }
    if (s->skin_count > r->skin_cap) {
        int32_t *jb = realloc(r->joint_base, s->skin_count * sizeof *jb);
        if (!jb)
            return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "gfx: out of memory");
        r->joint_base = jb;
        r->skin_cap = s->skin_count;
    }
    return STOA_OK;
}

static stoa_result write_joints(stoa_gfx_renderer *r, const stoa_gfx_scene *s,
                                const stoa_pose *pose, stoa_error *err)
{
    for (uint32_t k = 0; k < s->skin_count; k++) {
        uint32_t n = s->skin_joint_count[k];
        VkDeviceSize off;
        float *dst = gfx_frame_alloc(r, (VkDeviceSize)n * 64 + 16, 16, &off);
        if (!dst)
            return stoa_error_set(err, STOA_ERROR_LIMIT, "gfx: frame ring buffer is full");
        r->joint_base[k] = (int32_t)(off / 16);
        const float *posed = pose ? stoa_pose_joint_matrices(pose, k) : NULL;
        if (posed) {
            memcpy(dst, posed, (size_t)n * 64);
            continue;
        }
        for (uint32_t j = 0; j < n; j++) {
            uint32_t o = s->skin_joint_offset[k] + j;
            uint32_t node = s->skin_joints[o];
            const float *w = node < s->node_count ? s->rest_world + (size_t)node * 16
                                                  : s->rest_world;
            gfx_mat4_mul(w, s->inverse_bind + (size_t)o * 16, dst + (size_t)j * 16);
        }
    }
    return STOA_OK;
}

static stoa_result write_weights(stoa_gfx_renderer *r, const stoa_gfx_scene *s,
                                 const stoa_pose *pose, bool disabled, stoa_error *err)
{
    for (uint32_t i = 0; i < s->draw_count; i++) {
        const gfx_draw *d = &s->draws[i];
        r->weight_base[i] = -1;
        if (!d->morph_targets || d->morph_base < 0 || disabled)
            continue;
        uint32_t count = 0;
        const float *w = pose ? stoa_pose_morph_weights(pose, d->node, &count) : NULL;
        if (!w) {
            w = s->mesh_weights + d->default_weights;
            count = d->morph_targets;
        }
        if (count > d->morph_targets)
            count = d->morph_targets;
        VkDeviceSize off;
        float *dst = gfx_frame_alloc(r, ((VkDeviceSize)d->morph_targets + 3) / 4 * 16, 16, &off);
        if (!dst)
            return stoa_error_set(err, STOA_ERROR_LIMIT, "gfx: frame ring buffer is full");
        memset(dst, 0, ((size_t)d->morph_targets + 3) / 4 * 16);
        memcpy(dst, w, count * sizeof(float));
        r->weight_base[i] = (int32_t)(off / 16);
    }
    return STOA_OK;
}

stoa_result gfx_frame_prepare(stoa_gfx_renderer *r, const stoa_gfx_scene *s,
                              const stoa_pose *pose, const stoa_gfx_view *views,
                              uint32_t view_count, const stoa_gfx_render_options *opt,
                              bool encode_srgb, uint32_t *out_ubo_offset, stoa_error *err)
{
    stoa_result res = grow_scratch(r, s, err);
    if (res < 0)
        return res;
    VkDeviceSize off;
    gfx_frame_ubo *u = gfx_frame_alloc(r, sizeof *u,
                                       r->dev->props.limits.minUniformBufferOffsetAlignment, &off);
    if (!u)
        return stoa_error_set(err, STOA_ERROR_LIMIT, "gfx: frame ring buffer is full");
    memset(u, 0, sizeof *u);
    for (uint32_t i = 0; i < view_count; i++) {
        gfx_mat4_mul(views[i].projection, views[i].view, u->view_proj[i]);
        camera_position(views[i].view, u->camera_pos[i]);
    }
    if (s->light_count == 0 || opt->default_lights)
        default_rig(u);
    else
        scene_lights(u, s, pose);
    u->params[0] = opt->exposure > 0.0f ? opt->exposure : 1.0f;
    u->params[1] = encode_srgb ? 1.0f : 0.0f;
    gfx_env_frame(r, s, pose, views, view_count, opt, u);
    *out_ubo_offset = (uint32_t)off;
    res = write_joints(r, s, pose, err);
    if (res >= 0)
        res = write_weights(r, s, pose, opt->no_morphing, err);
    return res;
}
