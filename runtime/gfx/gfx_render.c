// SPDX-License-Identifier: Apache-2.0
// Recording a frame: one multiview pass for all views, or one pass per view;
// opaque and masked draws first (grouped by pipeline and material), then
// blended draws back to front.
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gfx_cull.h"
#include "gfx_env.h"
#include "gfx_internal.h"
#include "scene/stoa_scene.h"

typedef struct render_ctx {
    stoa_gfx_renderer *r;
    stoa_gfx_target *t;
    const stoa_gfx_scene *s;
    const stoa_pose *pose;
    const stoa_gfx_render_options *opt;
    VkCommandBuffer cmd;
    VkRenderPass pass;
    bool multiview;
    uint32_t ubo_offset;
    int32_t view_base;
    uint32_t view_bits; // the views this pass draws (bit v: view v)
    VkPipeline bound_pipeline;
    uint32_t bound_material;
} render_ctx;

static float det3(const float m[16])
{
    return m[0] * (m[5] * m[10] - m[9] * m[6]) - m[4] * (m[1] * m[10] - m[9] * m[2]) +
           m[8] * (m[1] * m[6] - m[5] * m[2]);
}

static float srgb_encode(float c)
{
    c = c < 0.0f ? 0.0f : c > 1.0f ? 1.0f : c;
    return c <= 0.0031308f ? c * 12.92f : 1.055f * powf(c, 1.0f / 2.4f) - 0.055f;
}

// The node or one of its ancestors is in the highlight list.
static bool highlighted(const render_ctx *c, uint32_t node)
{
    const stoa_gfx_render_options *o = c->opt;
    for (int32_t n = (int32_t)node; n >= 0 && o->highlight_count; n = c->s->node_parent[n])
        for (uint32_t i = 0; i < o->highlight_count; i++)
            if (o->highlight_nodes[i] == (uint32_t)n)
                return true;
    return false;
}

// Opaque draws list[k+1..] that can join draw list[k] in one instanced draw
// call: the same primitive at the same level of detail, the same material,
// neither skinned nor morphed, the same handedness and highlight.
// EXT_mesh_gpu_instancing's instances (expanded into nodes by runtime/scene)
// and any other copies of a mesh qualify. list: this pass's visible draws.
static uint32_t instance_run(render_ctx *c, const uint32_t *list, uint32_t k, uint32_t end)
{
    const gfx_select *sel = c->s->select;
    uint32_t i = list[k];
    const gfx_draw *d = &c->s->draws[i];
    if (d->skin >= 0 || d->morph_targets)
        return 1;
    bool mirrored = det3(gfx_frame_world(c->s, c->pose, d->node)) < 0.0f;
    bool glow = c->opt->highlight_count && highlighted(c, d->node);
    uint32_t n = 1;
    for (uint32_t j = k + 1; j < end && n < GFX_MAX_INSTANCES; j++, n++) {
        const gfx_draw *e = &c->s->draws[list[j]];
        if (sel->first_index[list[j]] != sel->first_index[i] ||
            sel->index_count[list[j]] != sel->index_count[i] ||
            e->vertex_base != d->vertex_base || e->material != d->material ||
            e->variant != d->variant || e->skin >= 0 || e->morph_targets ||
            (det3(gfx_frame_world(c->s, c->pose, e->node)) < 0.0f) != mirrored ||
            (c->opt->highlight_count && highlighted(c, e->node)) != glow)
            break;
    }
    return n;
}

// Binds the pipeline of a variant and draw d's material, where not bound yet.
static stoa_result bind_for(render_ctx *c, const gfx_draw *d, uint32_t variant, stoa_error *err)
{
    VkPipeline pipeline;
    stoa_result res = gfx_pipeline_get(c->r, c->pass, c->t->desc.samples, c->multiview, variant,
                                       c->r->recording, &pipeline, err);
    if (res < 0)
        return res;
    if (pipeline != c->bound_pipeline) {
        vkCmdBindPipeline(c->cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, pipeline);
        c->bound_pipeline = pipeline;
    }
    if (d->material != c->bound_material) {
        vkCmdBindDescriptorSets(c->cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, c->r->layout, 2, 1,
                                &c->s->material_sets[d->material], 0, NULL);
        c->bound_material = d->material;
    }
    return STOA_OK;
}

// Opaque draws list[k+1..] that can share draw list[k]'s pipeline, material
// and push constants in one indirect draw (gfx_batch.c): every mesh of a
// material at once, whatever its level. Skinned and morphed draws never.
static uint32_t batch_run(render_ctx *c, const uint32_t *list, uint32_t k, uint32_t end)
{
    const gfx_draw *d = &c->s->draws[list[k]];
    if (d->skin >= 0 || d->morph_targets)
        return 1;
    bool mirrored = det3(gfx_frame_world(c->s, c->pose, d->node)) < 0.0f;
    bool glow = c->opt->highlight_count && highlighted(c, d->node);
    uint32_t n = 1;
    for (uint32_t j = k + 1; j < end && n < GFX_MAX_INSTANCES; j++, n++) {
        const gfx_draw *e = &c->s->draws[list[j]];
        if (e->material != d->material || e->variant != d->variant || e->skin >= 0 ||
            e->morph_targets || e->has_tangents != d->has_tangents ||
            (det3(gfx_frame_world(c->s, c->pose, e->node)) < 0.0f) != mirrored ||
            (c->opt->highlight_count && highlighted(c, e->node)) != glow)
            break;
    }
    return n;
}

// draws[list[k .. k + n)] in one indirect draw call (gfx_batch_record).
static stoa_result draw_batch(render_ctx *c, const uint32_t *list, uint32_t k, uint32_t n,
                              stoa_error *err)
{
    const gfx_draw *d = &c->s->draws[list[k]];
    const float *world = gfx_frame_world(c->s, c->pose, d->node);
    uint32_t variant = d->variant | (det3(world) < 0.0f ? GFX_VARIANT_MIRRORED : 0);
    stoa_result res = bind_for(c, d, variant, err);
    if (res < 0)
        return res;
    bool glow = c->opt->highlight_count && highlighted(c, d->node);
    float tint[4];
    for (int i = 0; i < 4; i++)
        tint[i] = glow ? c->opt->highlight_color[i] : 0.0f;
    return gfx_batch_record(c->r, c->cmd, c->s, c->pose, list + k, n, c->view_base, tint, err);
}

// Draws draws[list[k]] and, when instances > 1, the next instances - 1 draws
// of the list (the same primitive) in one instanced call (model matrices in
// the ring), at the level of detail gfx_select_frame chose.
static stoa_result draw_one(render_ctx *c, const uint32_t *list, uint32_t k, uint32_t instances,
                            stoa_error *err)
{
    uint32_t index = list[k];
    const gfx_draw *d = &c->s->draws[index];
    const float *world = gfx_frame_world(c->s, c->pose, d->node);
    bool skinned = d->skin >= 0 && !c->opt->no_skinning;
    uint32_t variant = d->variant;
    if (!skinned && det3(world) < 0.0f)
        variant |= GFX_VARIANT_MIRRORED;
    stoa_result res = bind_for(c, d, variant, err);
    if (res < 0)
        return res;
    gfx_push push;
    float folded[16];
    gfx_draw_push_model(c->s, c->pose, d, skinned, push.model);
    push.joint_base = skinned ? c->r->joint_base[d->skin] : -1;
    int32_t wb = c->r->weight_base[index];
    push.weight_base = wb >= 0 ? wb : 0;
    push.morph_count = wb >= 0 ? (int32_t)d->morph_targets : 0;
    push.vertex_base = d->vertex_base;
    push.morph_base = d->morph_base >= 0 ? d->morph_base : 0;
    push.vertex_count = (int32_t)d->vertex_count;
    push.flags = (d->has_tangents ? 1 : 0) | (d->has_morph_normals ? 2 : 0);
    if (instances > 1) {
        VkDeviceSize off;
        float *m = gfx_frame_alloc(c->r, (VkDeviceSize)instances * 64, 16, &off);
        if (!m)
            return stoa_error_set(err, STOA_ERROR_LIMIT, "gfx: frame ring buffer is full");
        for (uint32_t j = 0; j < instances; j++)
            memcpy(m + (size_t)j * 16,
                   gfx_draw_model(c->s, c->pose, &c->s->draws[list[k + j]], folded), 64);
        push.flags |= 4;
        push.weight_base = (int32_t)(off / 16);
        push.morph_count = 0;
        gfx_count_instanced_draw(instances);
    }
    push.view_base = c->view_base;
    bool glow = c->opt->highlight_count && highlighted(c, d->node);
    for (int i = 0; i < 4; i++)
        push.tint[i] = glow ? c->opt->highlight_color[i] : 0.0f;
    const float fade[4] = {gfx_material_fade(c->s, d->material), 0, 0, 0};
    memcpy(push.fade, fade, sizeof push.fade);
    vkCmdPushConstants(c->cmd, c->r->layout,
                       VK_SHADER_STAGE_VERTEX_BIT | VK_SHADER_STAGE_FRAGMENT_BIT, 0, sizeof push,
                       &push);
    vkCmdDrawIndexed(c->cmd, c->s->select->index_count[index], instances,
                     c->s->select->first_index[index], d->vertex_base, 0);
    gfx_count_draw_call();
    c->s->select->stats.draw_calls++;
    return STOA_OK;
}

// Blended draws sorted far to near from the views' mean camera position.
static void sort_blended(render_ctx *c, const stoa_gfx_view *views, uint32_t view_count)
{
    const stoa_gfx_scene *s = c->s;
    float eye[3] = {0, 0, 0};
    for (uint32_t v = 0; v < view_count; v++)
        for (int i = 0; i < 3; i++) {
            const float *m = views[v].view;
            eye[i] -= (m[i * 4] * m[12] + m[i * 4 + 1] * m[13] + m[i * 4 + 2] * m[14]) /
                      (float)view_count;
        }
    uint32_t n = s->draw_count - s->opaque_count;
    for (uint32_t k = 0; k < n; k++) {
        const gfx_draw *d = &s->draws[s->opaque_count + k];
        const float *w = gfx_frame_world(s, c->pose, d->node);
        float p[3];
        for (int i = 0; i < 3; i++)
            p[i] = w[i] * d->center[0] + w[4 + i] * d->center[1] + w[8 + i] * d->center[2] +
                   w[12 + i] - eye[i];
        c->r->blend_depth[k] = p[0] * p[0] + p[1] * p[1] + p[2] * p[2];
        uint32_t j = k;
        // Insertion sort: the list is short and nearly sorted frame to frame.
        while (j > 0 && c->r->blend_depth[c->r->blend_order[j - 1]] < c->r->blend_depth[k]) {
            c->r->blend_order[j] = c->r->blend_order[j - 1];
            j--;
        }
        c->r->blend_order[j] = k;
    }
}

static stoa_result record_pass(render_ctx *c, VkFramebuffer fb, stoa_error *err)
{
    const stoa_gfx_target *t = c->t;
    VkClearValue clears[3];
    memset(clears, 0, sizeof clears);
    for (int i = 0; i < 4; i++) {
        float v = c->opt->clear_color[i];
        clears[0].color.float32[i] = (t->encode_srgb && i < 3) ? srgb_encode(v) : v;
    }
    clears[1].depthStencil.depth = 1.0f;
    VkRenderPassBeginInfo begin = {
        .sType = VK_STRUCTURE_TYPE_RENDER_PASS_BEGIN_INFO,
        .renderPass = c->pass,
        .framebuffer = fb,
        .renderArea = {{0, 0}, {t->desc.width, t->desc.height}},
        .clearValueCount = 1 + (t->desc.depth_format ? 1 : 0) + (t->desc.samples > 1 ? 1 : 0),
        .pClearValues = clears,
    };
    vkCmdBeginRenderPass(c->cmd, &begin, VK_SUBPASS_CONTENTS_INLINE);
    VkViewport vp = {0, 0, (float)t->desc.width, (float)t->desc.height, 0.0f, 1.0f};
    VkRect2D scissor = {{0, 0}, {t->desc.width, t->desc.height}};
    vkCmdSetViewport(c->cmd, 0, 1, &vp);
    vkCmdSetScissor(c->cmd, 0, 1, &scissor);
    const stoa_gfx_scene *s = c->s;
    VkDescriptorSet sets[2] = {c->r->frames[c->r->frame].set, s->scene_set};
    vkCmdBindDescriptorSets(c->cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, c->r->layout, 0, 2, sets, 1,
                            &c->ubo_offset);
    VkBuffer bufs[GFX_STREAM_COUNT];
    for (int i = 0; i < GFX_STREAM_COUNT; i++)
        bufs[i] = s->vertices.buffer;
    vkCmdBindVertexBuffers(c->cmd, 0, GFX_STREAM_COUNT, bufs, s->stream_offset);
    vkCmdBindIndexBuffer(c->cmd, s->indices.buffer, 0, VK_INDEX_TYPE_UINT32);
    c->bound_pipeline = VK_NULL_HANDLE;
    c->bound_material = UINT32_MAX;
    stoa_result res = STOA_OK;
    // What this pass's views see (gfx_select_frame chose it for the frame).
    const uint32_t *list = s->select->list;
    uint32_t count = gfx_batch_pass(s, 0, s->opaque_count, c->view_bits);
    static int env_batch = -1; // read once: a benchmark's switch
    if (env_batch < 0)
        env_batch = getenv("STOA_GFX_NO_BATCH") == NULL;
    bool batch = c->r->dev->multi_draw && !c->opt->no_batch && env_batch;
    for (uint32_t k = 0; k < count && res >= 0;) {
        uint32_t n = batch ? batch_run(c, list, k, count) : 1;
        if (n > 1) {
            res = draw_batch(c, list, k, n, err);
        } else {
            n = instance_run(c, list, k, count);
            res = draw_one(c, list, k, n, err);
        }
        k += n;
    }
    if (res >= 0 && !c->opt->no_clear) { // the sky where nothing opaque was drawn
        res = gfx_sky_draw(c->r, c->cmd, c->pass, t->desc.samples, c->multiview, c->view_base,
                           err);
        c->bound_pipeline = VK_NULL_HANDLE;
    }
    // Blended draws stay one by one, in their back-to-front order.
    for (uint32_t k = 0; k < s->draw_count - s->opaque_count && res >= 0; k++) {
        uint32_t i = s->opaque_count + c->r->blend_order[k];
        if (s->select->mask[i] & c->view_bits)
            res = draw_one(c, &i, 0, 1, err);
    }
    vkCmdEndRenderPass(c->cmd);
    return res;
}

static stoa_result check_args(stoa_gfx_renderer *r, VkCommandBuffer cmd, stoa_gfx_target *t,
                              uint32_t image_index, const stoa_gfx_view *views,
                              uint32_t view_count, const stoa_gfx_scene *s,
                              const stoa_pose *pose, stoa_error *err)
{
    if (!r || !cmd || !t || !views || !s)
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT, "gfx: render: NULL argument");
    if (t->r != r || s->r != r)
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT,
                              "gfx: render: target or scene made by another renderer");
    if (view_count != t->desc.layers)
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT,
                              "gfx: render: %u views for a target with %u layers", view_count,
                              t->desc.layers);
    if (pose) {
        // A pose of another scene would index past this one's arrays.
        const stoa_scene *ps = stoa_pose_scene(pose);
        bool same = ps && ps->node_count == s->node_count && ps->skin_count == s->skin_count;
        for (uint32_t k = 0; same && k < s->skin_count; k++)
            same = ps->skins[k].joint_count == s->skin_joint_count[k];
        if (!same)
            return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT,
                                  "gfx: render: the pose belongs to another scene");
    }
    if (image_index >= t->image_count)
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT,
                              "gfx: render: image %u of %u", image_index, t->image_count);
    return STOA_OK;
}

stoa_result stoa_gfx_render(stoa_gfx_renderer *renderer, VkCommandBuffer cmd,
                            stoa_gfx_target *target, uint32_t image_index,
                            const stoa_gfx_view *views, uint32_t view_count,
                            const stoa_gfx_scene *scene, const stoa_pose *pose,
                            const stoa_gfx_render_options *options, stoa_error *err)
{
    static const stoa_gfx_render_options zero;
    stoa_result res =
        check_args(renderer, cmd, target, image_index, views, view_count, scene, pose, err);
    if (res < 0)
        return res;
    const stoa_gfx_render_options *opt = options ? options : &zero;
    bool multiview = view_count > 1 && target->pass_multiview &&
                     (opt->stereo == STOA_GFX_STEREO_MULTIVIEW ||
                      (opt->stereo == STOA_GFX_STEREO_AUTO && renderer->dev->h.multiview_auto));
    if (view_count > 1 && opt->stereo == STOA_GFX_STEREO_MULTIVIEW && !multiview)
        return stoa_error_set(err, STOA_ERROR_UNSUPPORTED,
                              "gfx: multiview was asked for but the device lacks it");
    if (opt->highlight_count && !opt->highlight_nodes)
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT,
                              "gfx: render: highlight_count without highlight_nodes");
    if (opt->no_clear && !target->pass_single_load)
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT,
                              "gfx: render: no_clear needs a target made with keep_contents");
    // From here on the scene may be drawn by a frame the caller submits:
    // destroying it must wait for that frame (gfx_defer.c).
    renderer->caller_frames = true;
    // Pixels written in place since the last frame: copied before the pass.
    // (The write queue is bookkeeping, not the scene's content.)
    if (scene->write_count)
        gfx_scene_record_writes(renderer, (stoa_gfx_scene *)scene, cmd);
    render_ctx c = {.r = renderer, .t = target, .s = scene, .pose = pose, .opt = opt, .cmd = cmd};
    renderer->recording = true;
    res = gfx_frame_prepare(renderer, scene, pose, views, view_count, opt, target->encode_srgb,
                            &c.ubo_offset, err);
    if (res < 0)
        return res;
    sort_blended(&c, views, view_count);
    // Culling for every view at once and levels of detail, once a frame.
    gfx_select_frame((stoa_gfx_scene *)scene, pose, views, view_count, target->desc.height, opt);
    res = gfx_env_before_passes(renderer, cmd, scene, pose, opt, c.ubo_offset, err);
    if (res < 0) {
        renderer->recording = false;
        return res;
    }
    const gfx_target_image *im = &target->images[image_index];
    c.multiview = multiview;
    if (multiview) {
        c.pass = opt->no_clear ? target->pass_multiview_load : target->pass_multiview;
        c.view_bits = (1u << view_count) - 1;
        res = record_pass(&c, im->fb_multiview, err);
    } else {
        c.pass = opt->no_clear ? target->pass_single_load : target->pass_single;
        for (uint32_t v = 0; v < view_count && res >= 0; v++) {
            c.view_base = (int32_t)v;
            c.view_bits = 1u << v;
            res = record_pass(&c, im->fb_layer[v], err);
        }
    }
    renderer->recording = false;
    if (res >= 0)
        target->rendered = true;
    return res;
}

stoa_result stoa_gfx_render_now(stoa_gfx_renderer *renderer, stoa_gfx_target *target,
                                const stoa_gfx_view *views, uint32_t view_count,
                                const stoa_gfx_scene *scene, const stoa_pose *pose,
                                const stoa_gfx_render_options *options, stoa_error *err)
{
    if (!renderer)
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT, "gfx: render: NULL renderer");
    VkCommandBuffer cmd;
    stoa_result res = gfx_oneshot_begin(renderer->dev, &cmd, err);
    if (res < 0)
        return res;
    stoa_gfx_begin_frame(renderer);
    // This frame is waited for below: it alone never makes destruction wait.
    bool caller_frames = renderer->caller_frames;
    res = stoa_gfx_render(renderer, cmd, target, 0, views, view_count, scene, pose, options, err);
    renderer->caller_frames = caller_frames;
    stoa_result sub = gfx_oneshot_end_submit(renderer->dev, cmd, err);
    return res < 0 ? res : sub;
}

stoa_result stoa_gfx_target_pass_info(stoa_gfx_renderer *renderer, const stoa_gfx_target *target,
                                      stoa_gfx_stereo_mode stereo, bool no_clear,
                                      stoa_gfx_pass_info *out, stoa_error *err)
{
    if (!renderer || !target || !out || target->r != renderer)
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT, "gfx: pass info: bad arguments");
    bool multiview = target->desc.layers > 1 && target->pass_multiview &&
                     (stereo == STOA_GFX_STEREO_MULTIVIEW ||
                      (stereo == STOA_GFX_STEREO_AUTO && renderer->dev->h.multiview_auto));
    *out = (stoa_gfx_pass_info){
        .pass = multiview ? (no_clear ? target->pass_multiview_load : target->pass_multiview)
                          : (no_clear ? target->pass_single_load : target->pass_single),
        .samples = target->desc.samples,
        .multiview = multiview,
    };
    return STOA_OK;
}

// Any thread: touches the scene's draw list and the (locked) pipeline table.
stoa_result gfx_prepare_scene(stoa_gfx_renderer *renderer, const stoa_gfx_scene *scene,
                              const stoa_gfx_pass_info *info, stoa_error *err)
{
    // Which variants the draws use, with the winding flipped where the rest
    // pose mirrors a node (decided per frame: an animation that mirrors a
    // node later compiles that one pipeline then, and is counted).
    bool used[GFX_VARIANT_COUNT] = {false};
    for (uint32_t i = 0; i < scene->draw_count; i++) {
        const gfx_draw *d = &scene->draws[i];
        bool mirrored = det3(scene->rest_world + (size_t)d->node * 16) < 0.0f;
        used[(d->variant | (mirrored ? GFX_VARIANT_MIRRORED : 0)) & (GFX_VARIANT_COUNT - 1)] = true;
    }
    stoa_result res = info->pass ? gfx_env_prepare(renderer, info->pass, info->samples,
                                                   info->multiview, err)
                                 : STOA_OK;
    if (res >= 0 && info->pass && scene->vertex_format)
        res = gfx_shadow_prepare(renderer, scene->vertex_format, err);
    for (uint32_t v = 0; v < GFX_VARIANT_COUNT && res >= 0 && info->pass; v++) {
        VkPipeline pipeline;
        if (used[v])
            res = gfx_pipeline_get(renderer, info->pass, info->samples, info->multiview,
                                   v | scene->vertex_format << GFX_VARIANT_VFMT_SHIFT, false,
                                   &pipeline, err);
    }
    return res;
}

stoa_result stoa_gfx_prepare(stoa_gfx_renderer *renderer, stoa_gfx_target *target,
                             const stoa_gfx_scene *scene, stoa_gfx_stereo_mode stereo,
                             bool no_clear, stoa_error *err)
{
    if (!renderer || !target || !scene || scene->r != renderer)
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT, "gfx: prepare: bad arguments");
    stoa_gfx_pass_info info;
    stoa_result res = stoa_gfx_target_pass_info(renderer, target, stereo, no_clear, &info, err);
    return res < 0 ? res : gfx_prepare_scene(renderer, scene, &info, err);
}
