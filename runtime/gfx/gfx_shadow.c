// SPDX-License-Identifier: Apache-2.0
// The sun's shadow map: one depth pass per frame from the sun, before the
// eyes' passes (both eyes sample the same map), over an orthographic box
// that holds the scene's bounds near the viewer. Opaque and masked draws
// cast (masks as solid), blended ones do not. High quality draws the whole
// 2048x2048 map; low draws its 1024x1024 corner. The PBR shader filters it
// with a compare sampler (pbr.frag: 1 or 9 bilinear taps).
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gfx_env.h"

static const uint32_t k_shadow_vert[] =
#include "shadow_vert.spv.h"
    ;

#define SHADOW_REACH 60.0f // metres around the viewer the box keeps at most

static VkFormat pick_format(stoa_gfx_renderer *r, bool *linear)
{
    static const VkFormat formats[] = {VK_FORMAT_D16_UNORM, VK_FORMAT_D32_SFLOAT};
    const VkFormatFeatureFlags need =
        VK_FORMAT_FEATURE_DEPTH_STENCIL_ATTACHMENT_BIT | VK_FORMAT_FEATURE_SAMPLED_IMAGE_BIT;
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < 2; i++) {
            VkFormatProperties p;
            vkGetPhysicalDeviceFormatProperties(r->dev->h.physical_device, formats[i], &p);
            VkFormatFeatureFlags f = p.optimalTilingFeatures;
            bool lin = (f & VK_FORMAT_FEATURE_SAMPLED_IMAGE_FILTER_LINEAR_BIT) != 0;
            if ((f & need) == need && (lin || pass == 1)) {
                *linear = lin;
                return formats[i];
            }
        }
    *linear = false;
    return VK_FORMAT_D32_SFLOAT;
}

static stoa_result make_pass(stoa_gfx_renderer *r, gfx_env *e, stoa_error *err)
{
    VkAttachmentDescription att = {
        .format = e->shadow_format,
        .samples = VK_SAMPLE_COUNT_1_BIT,
        .loadOp = VK_ATTACHMENT_LOAD_OP_CLEAR,
        .storeOp = VK_ATTACHMENT_STORE_OP_STORE,
        .stencilLoadOp = VK_ATTACHMENT_LOAD_OP_DONT_CARE,
        .stencilStoreOp = VK_ATTACHMENT_STORE_OP_DONT_CARE,
        .initialLayout = VK_IMAGE_LAYOUT_UNDEFINED,
        .finalLayout = VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL,
    };
    VkAttachmentReference ref = {0, VK_IMAGE_LAYOUT_DEPTH_STENCIL_ATTACHMENT_OPTIMAL};
    VkSubpassDescription sub = {
        .pipelineBindPoint = VK_PIPELINE_BIND_POINT_GRAPHICS,
        .pDepthStencilAttachment = &ref,
    };
    const VkPipelineStageFlags tests =
        VK_PIPELINE_STAGE_EARLY_FRAGMENT_TESTS_BIT | VK_PIPELINE_STAGE_LATE_FRAGMENT_TESTS_BIT;
    // Before: the last frame's eyes sampled the map. After: this frame's will.
    VkSubpassDependency deps[2] = {
        {VK_SUBPASS_EXTERNAL, 0, VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT, tests, 0,
         VK_ACCESS_DEPTH_STENCIL_ATTACHMENT_READ_BIT | VK_ACCESS_DEPTH_STENCIL_ATTACHMENT_WRITE_BIT,
         0},
        {0, VK_SUBPASS_EXTERNAL, tests, VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT,
         VK_ACCESS_DEPTH_STENCIL_ATTACHMENT_WRITE_BIT, VK_ACCESS_SHADER_READ_BIT, 0},
    };
    VkRenderPassCreateInfo info = {
        .sType = VK_STRUCTURE_TYPE_RENDER_PASS_CREATE_INFO,
        .attachmentCount = 1,
        .pAttachments = &att,
        .subpassCount = 1,
        .pSubpasses = &sub,
        .dependencyCount = 2,
        .pDependencies = deps,
    };
    stoa_result res =
        GFX_VK(err, vkCreateRenderPass(r->dev->h.device, &info, NULL, &e->shadow_pass));
    if (res < 0)
        return res;
    VkFramebufferCreateInfo fb = {
        .sType = VK_STRUCTURE_TYPE_FRAMEBUFFER_CREATE_INFO,
        .renderPass = e->shadow_pass,
        .attachmentCount = 1,
        .pAttachments = &e->shadow_view,
        .width = GFX_SHADOW_SIZE,
        .height = GFX_SHADOW_SIZE,
        .layers = 1,
    };
    return GFX_VK(err, vkCreateFramebuffer(r->dev->h.device, &fb, NULL, &e->shadow_fb));
}

stoa_result gfx_shadow_init(stoa_gfx_renderer *r, stoa_error *err)
{
    gfx_env *e = r->env;
    bool linear;
    e->shadow_format = pick_format(r, &linear);
    VkImageCreateInfo info = {
        .sType = VK_STRUCTURE_TYPE_IMAGE_CREATE_INFO,
        .imageType = VK_IMAGE_TYPE_2D,
        .format = e->shadow_format,
        .extent = {GFX_SHADOW_SIZE, GFX_SHADOW_SIZE, 1},
        .mipLevels = 1,
        .arrayLayers = 1,
        .samples = VK_SAMPLE_COUNT_1_BIT,
        .tiling = VK_IMAGE_TILING_OPTIMAL,
        .usage = VK_IMAGE_USAGE_DEPTH_STENCIL_ATTACHMENT_BIT | VK_IMAGE_USAGE_SAMPLED_BIT,
        .initialLayout = VK_IMAGE_LAYOUT_UNDEFINED,
    };
    stoa_result res = gfx_image_create(r->dev, &info, &e->shadow, err);
    if (res >= 0)
        res = gfx_view_create(r->dev, e->shadow.image, e->shadow_format, VK_IMAGE_ASPECT_DEPTH_BIT,
                              0, 1, 1, &e->shadow_view, err);
    if (res < 0)
        return res;
    VkFilter filter = linear ? VK_FILTER_LINEAR : VK_FILTER_NEAREST;
    VkSamplerCreateInfo s = {
        .sType = VK_STRUCTURE_TYPE_SAMPLER_CREATE_INFO,
        .magFilter = filter,
        .minFilter = filter,
        .mipmapMode = VK_SAMPLER_MIPMAP_MODE_NEAREST,
        .addressModeU = VK_SAMPLER_ADDRESS_MODE_CLAMP_TO_BORDER,
        .addressModeV = VK_SAMPLER_ADDRESS_MODE_CLAMP_TO_BORDER,
        .addressModeW = VK_SAMPLER_ADDRESS_MODE_CLAMP_TO_BORDER,
        .compareEnable = VK_TRUE,
        .compareOp = VK_COMPARE_OP_LESS_OR_EQUAL,
        .borderColor = VK_BORDER_COLOR_FLOAT_OPAQUE_WHITE,
    };
    res = GFX_VK(err, vkCreateSampler(r->dev->h.device, &s, NULL, &e->shadow_sampler));
    if (res >= 0)
        res = make_pass(r, e, err);
    if (res >= 0)
        res = gfx_env_module(r, k_shadow_vert, sizeof k_shadow_vert, &e->shadow_vert, err);
    return res;
}

void gfx_shadow_fini(stoa_gfx_renderer *r)
{
    gfx_env *e = r->env;
    VkDevice d = r->dev->h.device;
    for (int i = 16; i-- > 0;)
        if (e->shadow_pipeline[i])
            vkDestroyPipeline(d, e->shadow_pipeline[i], NULL);
    if (e->shadow_vert)
        vkDestroyShaderModule(d, e->shadow_vert, NULL);
    if (e->shadow_fb)
        vkDestroyFramebuffer(d, e->shadow_fb, NULL);
    if (e->shadow_pass)
        vkDestroyRenderPass(d, e->shadow_pass, NULL);
    if (e->shadow_sampler)
        vkDestroySampler(d, e->shadow_sampler, NULL);
    if (e->shadow_view)
        vkDestroyImageView(d, e->shadow_view, NULL);
    if (e->shadow.image)
        gfx_image_destroy(r->dev, &e->shadow);
}

// Made once per renderer: the shadow pass has one render pass of its own.
stoa_result gfx_shadow_pipeline(stoa_gfx_renderer *r, stoa_error *err)
{
    return gfx_shadow_pipeline_for(r, 0, err);
}

stoa_result gfx_shadow_prepare(stoa_gfx_renderer *r, uint32_t vfmt, stoa_error *err)
{
    if (!r->env || !r->env->on || r->env->sky.shadows == STOA_GFX_SHADOWS_OFF)
        return STOA_OK;
    return gfx_shadow_pipeline_for(r, vfmt, err);
}

stoa_result gfx_shadow_pipeline_for(stoa_gfx_renderer *r, uint32_t vfmt, stoa_error *err)
{
    gfx_env *e = r->env;
    vfmt &= 15;
    pthread_mutex_lock(&r->pipeline_lock);
    bool have = e->shadow_pipeline[vfmt] != VK_NULL_HANDLE;
    pthread_mutex_unlock(&r->pipeline_lock);
    if (have)
        return STOA_OK;
    // Both faces cast (thin walls, double-sided leaves); the bias keeps lit
    // faces from shadowing themselves.
    gfx_pipe_desc d = {
        .vert = e->shadow_vert,
        .pass = e->shadow_pass,
        .scene_vertices = true,
        .vertex_format = vfmt,
        .depth_write = true,
        .depth_only = true,
        .depth_bias = 2.0f,
        .depth_bias_slope = 2.0f,
    };
    gfx_count_pipeline(r->recording);
    VkPipeline p;
    stoa_result res = gfx_pipe_build(r, &d, &p, err);
    if (res < 0)
        return res;
    pthread_mutex_lock(&r->pipeline_lock);
    bool raced = e->shadow_pipeline[vfmt] != VK_NULL_HANDLE;
    if (!raced)
        e->shadow_pipeline[vfmt] = p;
    pthread_mutex_unlock(&r->pipeline_lock);
    if (raced)
        vkDestroyPipeline(r->dev->h.device, p, NULL);
    return STOA_OK;
}

static void cross3(const float a[3], const float b[3], float out[3])
{
    out[0] = a[1] * b[2] - a[2] * b[1];
    out[1] = a[2] * b[0] - a[0] * b[2];
    out[2] = a[0] * b[1] - a[1] * b[0];
}

static void normalize3(float v[3])
{
    float n = sqrtf(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
    for (int i = 0; i < 3 && n > 0.0f; i++)
        v[i] /= n;
}

bool gfx_shadow_matrix(stoa_gfx_renderer *r, const stoa_gfx_scene *s, const stoa_gfx_view *views,
                       uint32_t view_count, const float sun[3], float out[16])
{
    (void)r;
    float lo[3], hi[3], eye[3] = {0, 0, 0};
    for (uint32_t v = 0; v < view_count; v++)
        for (int i = 0; i < 3; i++) {
            const float *m = views[v].view;
            eye[i] -= (m[i * 4] * m[12] + m[i * 4 + 1] * m[13] + m[i * 4 + 2] * m[14]) /
                      (float)view_count;
        }
    for (int i = 0; i < 3; i++) {
        if (!(s->bounds_max[i] >= s->bounds_min[i]))
            return false; // an empty scene
        lo[i] = fmaxf(s->bounds_min[i], eye[i] - SHADOW_REACH);
        hi[i] = fminf(s->bounds_max[i], eye[i] + SHADOW_REACH);
        if (lo[i] > hi[i]) { // the viewer far outside: the whole scene
            lo[i] = s->bounds_min[i];
            hi[i] = s->bounds_max[i];
        }
    }
    // The sun's basis: z towards the sun, x and y across its rays.
    float z[3] = {sun[0], sun[1], sun[2]}, x[3], y[3];
    normalize3(z);
    float up[3] = {0.0f, 1.0f, 0.0f};
    if (fabsf(z[1]) > 0.99f)
        up[1] = 0.0f, up[2] = 1.0f;
    cross3(up, z, x);
    normalize3(x);
    cross3(z, x, y);
    float mn[3] = {1e30f, 1e30f, 1e30f}, mx[3] = {-1e30f, -1e30f, -1e30f};
    for (int c = 0; c < 8; c++) {
        float p[3] = {(c & 1) ? hi[0] : lo[0], (c & 2) ? hi[1] : lo[1], (c & 4) ? hi[2] : lo[2]};
        float q[3] = {x[0] * p[0] + x[1] * p[1] + x[2] * p[2],
                      y[0] * p[0] + y[1] * p[1] + y[2] * p[2],
                      z[0] * p[0] + z[1] * p[1] + z[2] * p[2]};
        for (int i = 0; i < 3; i++)
            mn[i] = fminf(mn[i], q[i]), mx[i] = fmaxf(mx[i], q[i]);
    }
    // A square in the sun's plane, its centre snapped to whole texels so
    // that the edges of shadows keep still while the viewer moves.
    float half = 0.5f * fmaxf(mx[0] - mn[0], mx[1] - mn[1]) + 0.05f;
    float texel = 2.0f * half / (GFX_SHADOW_SIZE / 2);
    float cx = floorf(0.5f * (mn[0] + mx[0]) / texel) * texel;
    float cy = floorf(0.5f * (mn[1] + mx[1]) / texel) * texel;
    float znear = mn[2] - 1.0f, zfar = mx[2] + 1.0f; // along z (towards the sun)
    // clip.x = (x.p - cx) / half, clip.y likewise, depth 0 nearest the sun.
    memset(out, 0, 16 * sizeof *out);
    for (int i = 0; i < 3; i++) {
        out[i * 4 + 0] = x[i] / half;
        out[i * 4 + 1] = y[i] / half;
        out[i * 4 + 2] = -z[i] / (zfar - znear);
    }
    out[12] = -cx / half;
    out[13] = -cy / half;
    out[14] = zfar / (zfar - znear);
    out[15] = 1.0f;
    return true;
}

stoa_result gfx_shadow_record(stoa_gfx_renderer *r, VkCommandBuffer cmd, const stoa_gfx_scene *s,
                              const stoa_pose *pose, uint32_t ubo_offset, stoa_error *err)
{
    gfx_env *e = r->env;
    stoa_result res = gfx_shadow_pipeline_for(r, s->vertex_format, err);
    if (res < 0)
        return res;
    uint32_t size = e->sky.shadows == STOA_GFX_SHADOWS_HIGH ? GFX_SHADOW_SIZE : GFX_SHADOW_SIZE / 2;
    VkClearValue clear = {.depthStencil = {1.0f, 0}};
    VkRenderPassBeginInfo begin = {
        .sType = VK_STRUCTURE_TYPE_RENDER_PASS_BEGIN_INFO,
        .renderPass = e->shadow_pass,
        .framebuffer = e->shadow_fb,
        .renderArea = {{0, 0}, {size, size}},
        .clearValueCount = 1,
        .pClearValues = &clear,
    };
    vkCmdBeginRenderPass(cmd, &begin, VK_SUBPASS_CONTENTS_INLINE);
    VkViewport vp = {0, 0, (float)size, (float)size, 0.0f, 1.0f};
    VkRect2D scissor = {{0, 0}, {size, size}};
    vkCmdSetViewport(cmd, 0, 1, &vp);
    vkCmdSetScissor(cmd, 0, 1, &scissor);
    vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS,
                      e->shadow_pipeline[s->vertex_format & 15]);
    VkDescriptorSet sets[2] = {r->frames[r->frame].set, s->scene_set};
    vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, r->layout, 0, 2, sets, 1,
                            &ubo_offset);
    VkBuffer bufs[GFX_STREAM_COUNT];
    for (int i = 0; i < GFX_STREAM_COUNT; i++)
        bufs[i] = s->vertices.buffer;
    vkCmdBindVertexBuffers(cmd, 0, GFX_STREAM_COUNT, bufs, s->stream_offset);
    vkCmdBindIndexBuffer(cmd, s->indices.buffer, 0, VK_INDEX_TYPE_UINT32);
    for (uint32_t i = 0; i < s->opaque_count;) {
        const gfx_draw *d = &s->draws[i];
        // Copies of one unskinned, unmorphed primitive go in one call.
        uint32_t n = 1;
        while (d->skin < 0 && !d->morph_targets && i + n < s->opaque_count &&
               n < GFX_MAX_INSTANCES && s->draws[i + n].first_index == d->first_index &&
               s->draws[i + n].index_count == d->index_count &&
               s->draws[i + n].vertex_base == d->vertex_base && s->draws[i + n].skin < 0 &&
               !s->draws[i + n].morph_targets)
            n++;
        gfx_push push;
        memset(&push, 0, sizeof push);
        float folded[16];
        gfx_draw_push_model(s, pose, d, d->skin >= 0, push.model);
        push.joint_base = d->skin >= 0 ? r->joint_base[d->skin] : -1;
        int32_t wb = r->weight_base[i];
        push.weight_base = wb >= 0 ? wb : 0;
        push.morph_count = wb >= 0 ? (int32_t)d->morph_targets : 0;
        push.vertex_base = d->vertex_base;
        push.morph_base = d->morph_base >= 0 ? d->morph_base : 0;
        push.vertex_count = (int32_t)d->vertex_count;
        push.flags = d->has_morph_normals ? 2 : 0;
        if (n > 1) {
            VkDeviceSize off;
            float *m = gfx_frame_alloc(r, (VkDeviceSize)n * 64, 16, &off);
            if (!m) {
                vkCmdEndRenderPass(cmd);
                return stoa_error_set(err, STOA_ERROR_LIMIT, "gfx: frame ring buffer is full");
            }
            for (uint32_t k = 0; k < n; k++)
                memcpy(m + (size_t)k * 16, gfx_draw_model(s, pose, &s->draws[i + k], folded), 64);
            push.flags |= 4;
            push.weight_base = (int32_t)(off / 16);
            push.morph_count = 0;
        }
        vkCmdPushConstants(cmd, r->layout,
                           VK_SHADER_STAGE_VERTEX_BIT | VK_SHADER_STAGE_FRAGMENT_BIT, 0,
                           sizeof push, &push);
        vkCmdDrawIndexed(cmd, d->index_count, n, d->first_index, d->vertex_base, 0);
        i += n;
    }
    vkCmdEndRenderPass(cmd);
    return STOA_OK;
}
