// SPDX-License-Identifier: Apache-2.0
// Shader modules, descriptor and pipeline layouts, render passes and the
// pipeline cache. Pipelines differ only in fixed-function state (blending,
// culling, winding), so a handful per render pass covers every material.
#include <stdlib.h>
#include <string.h>

#include "gfx_internal.h"

static const uint32_t k_pbr_vert[] =
#include "pbr_vert.spv.h"
    ;
static const uint32_t k_pbr_mv_vert[] =
#include "pbr_mv_vert.spv.h"
    ;
static const uint32_t k_pbr_frag[] =
#include "pbr_frag.spv.h"
    ;

static stoa_result make_module(stoa_gfx_renderer *r, const uint32_t *code, size_t size,
                               VkShaderModule *out, stoa_error *err)
{
    VkShaderModuleCreateInfo info = {
        .sType = VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO,
        .codeSize = size,
        .pCode = code,
    };
    return GFX_VK(err, vkCreateShaderModule(r->dev->h.device, &info, NULL, out));
}

static stoa_result make_set_layout(stoa_gfx_renderer *r, const VkDescriptorSetLayoutBinding *b,
                                   uint32_t n, VkDescriptorSetLayout *out, stoa_error *err)
{
    VkDescriptorSetLayoutCreateInfo info = {
        .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO,
        .bindingCount = n,
        .pBindings = b,
    };
    return GFX_VK(err, vkCreateDescriptorSetLayout(r->dev->h.device, &info, NULL, out));
}

static stoa_result make_layouts(stoa_gfx_renderer *r, stoa_error *err)
{
    const VkShaderStageFlags vf = VK_SHADER_STAGE_VERTEX_BIT | VK_SHADER_STAGE_FRAGMENT_BIT;
    VkDescriptorSetLayoutBinding frame[] = {
        {0, VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER_DYNAMIC, 1, vf, NULL},
        {1, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, VK_SHADER_STAGE_VERTEX_BIT, NULL},
        // The sky's specular cube and the sun's shadow map (gfx_env.h).
        {2, VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, 1, VK_SHADER_STAGE_FRAGMENT_BIT, NULL},
        {3, VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, 1, VK_SHADER_STAGE_FRAGMENT_BIT, NULL},
    };
    VkDescriptorSetLayoutBinding scene[] = {
        {0, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, VK_SHADER_STAGE_VERTEX_BIT, NULL},
    };
    VkDescriptorSetLayoutBinding material[1 + GFX_TEX_SLOTS] = {
        {0, VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER, 1, VK_SHADER_STAGE_FRAGMENT_BIT, NULL},
    };
    for (uint32_t i = 0; i < GFX_TEX_SLOTS; i++)
        material[1 + i] = (VkDescriptorSetLayoutBinding){
            1 + i, VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, 1, VK_SHADER_STAGE_FRAGMENT_BIT,
            NULL};
    stoa_result res = make_set_layout(r, frame, 4, &r->frame_layout, err);
    if (res >= 0)
        res = make_set_layout(r, scene, 1, &r->scene_layout, err);
    if (res >= 0)
        res = make_set_layout(r, material, 1 + GFX_TEX_SLOTS, &r->material_layout, err);
    if (res < 0)
        return res;
    VkDescriptorSetLayout sets[] = {r->frame_layout, r->scene_layout, r->material_layout};
    VkPushConstantRange push = {vf, 0, sizeof(gfx_push)};
    VkPipelineLayoutCreateInfo info = {
        .sType = VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO,
        .setLayoutCount = 3,
        .pSetLayouts = sets,
        .pushConstantRangeCount = 1,
        .pPushConstantRanges = &push,
    };
    return GFX_VK(err, vkCreatePipelineLayout(r->dev->h.device, &info, NULL, &r->layout));
}

stoa_result gfx_pipeline_init(stoa_gfx_renderer *r, stoa_error *err)
{
    stoa_result res = make_layouts(r, err);
    if (res >= 0)
        res = gfx_cache_init(r, err);
    if (res >= 0)
        res = make_module(r, k_pbr_vert, sizeof k_pbr_vert, &r->vert, err);
    if (res >= 0 && r->dev->h.multiview)
        res = make_module(r, k_pbr_mv_vert, sizeof k_pbr_mv_vert, &r->vert_mv, err);
    if (res >= 0)
        res = make_module(r, k_pbr_frag, sizeof k_pbr_frag, &r->frag, err);
    return res;
}

void gfx_pipeline_fini(stoa_gfx_renderer *r)
{
    VkDevice d = r->dev->h.device;
    for (uint32_t i = r->pipeline_count; i-- > 0;)
        vkDestroyPipeline(d, r->pipelines[i].pipeline, NULL);
    free(r->pipelines);
    r->pipelines = NULL;
    r->pipeline_count = r->pipeline_cap = 0;
    gfx_cache_fini(r);
    for (uint32_t i = r->pass_count; i-- > 0;)
        vkDestroyRenderPass(d, r->passes[i].pass, NULL);
    free(r->passes);
    r->passes = NULL;
    r->pass_count = r->pass_cap = 0;
    if (r->frag)
        vkDestroyShaderModule(d, r->frag, NULL);
    if (r->vert_mv)
        vkDestroyShaderModule(d, r->vert_mv, NULL);
    if (r->vert)
        vkDestroyShaderModule(d, r->vert, NULL);
    if (r->layout)
        vkDestroyPipelineLayout(d, r->layout, NULL);
    if (r->material_layout)
        vkDestroyDescriptorSetLayout(d, r->material_layout, NULL);
    if (r->scene_layout)
        vkDestroyDescriptorSetLayout(d, r->scene_layout, NULL);
    if (r->frame_layout)
        vkDestroyDescriptorSetLayout(d, r->frame_layout, NULL);
}

// Attachments: 0 colour (multisampled or the target), 1 depth, 2 resolve.
static stoa_result create_render_pass(stoa_gfx_renderer *r, const gfx_pass_key *k,
                                      VkRenderPass *out, stoa_error *err)
{
    bool msaa = k->samples > 1;
    bool depth = k->depth != VK_FORMAT_UNDEFINED;
    VkAttachmentDescription att[3];
    uint32_t n = 0;
    VkAttachmentLoadOp load = k->load ? VK_ATTACHMENT_LOAD_OP_LOAD : VK_ATTACHMENT_LOAD_OP_CLEAR;
    VkAttachmentStoreOp keep = k->store ? VK_ATTACHMENT_STORE_OP_STORE
                                        : VK_ATTACHMENT_STORE_OP_DONT_CARE;
    VkImageLayout msaa_in = k->load ? VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL
                                    : VK_IMAGE_LAYOUT_UNDEFINED;
    att[n++] = (VkAttachmentDescription){
        .format = k->color,
        .samples = (VkSampleCountFlagBits)k->samples,
        .loadOp = load,
        .storeOp = msaa ? keep : VK_ATTACHMENT_STORE_OP_STORE,
        .stencilLoadOp = VK_ATTACHMENT_LOAD_OP_DONT_CARE,
        .stencilStoreOp = VK_ATTACHMENT_STORE_OP_DONT_CARE,
        .initialLayout = msaa ? msaa_in : k->load ? k->final : k->initial,
        .finalLayout = msaa ? VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL : k->final,
    };
    if (depth)
        att[n++] = (VkAttachmentDescription){
            .format = k->depth,
            .samples = (VkSampleCountFlagBits)k->samples,
            .loadOp = load,
            .storeOp = keep,
            .stencilLoadOp = VK_ATTACHMENT_LOAD_OP_DONT_CARE,
            .stencilStoreOp = VK_ATTACHMENT_STORE_OP_DONT_CARE,
            .initialLayout = k->load ? VK_IMAGE_LAYOUT_DEPTH_STENCIL_ATTACHMENT_OPTIMAL
                                     : VK_IMAGE_LAYOUT_UNDEFINED,
            .finalLayout = VK_IMAGE_LAYOUT_DEPTH_STENCIL_ATTACHMENT_OPTIMAL,
        };
    if (msaa)
        att[n++] = (VkAttachmentDescription){
            .format = k->color,
            .samples = VK_SAMPLE_COUNT_1_BIT,
            .loadOp = VK_ATTACHMENT_LOAD_OP_DONT_CARE,
            .storeOp = VK_ATTACHMENT_STORE_OP_STORE,
            .stencilLoadOp = VK_ATTACHMENT_LOAD_OP_DONT_CARE,
            .stencilStoreOp = VK_ATTACHMENT_STORE_OP_DONT_CARE,
            .initialLayout = k->load ? k->final : k->initial,
            .finalLayout = k->final,
        };
    VkAttachmentReference color_ref = {0, VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL};
    VkAttachmentReference depth_ref = {1, VK_IMAGE_LAYOUT_DEPTH_STENCIL_ATTACHMENT_OPTIMAL};
    VkAttachmentReference resolve_ref = {depth ? 2 : 1, VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL};
    VkSubpassDescription sub = {
        .pipelineBindPoint = VK_PIPELINE_BIND_POINT_GRAPHICS,
        .colorAttachmentCount = 1,
        .pColorAttachments = &color_ref,
        .pResolveAttachments = msaa ? &resolve_ref : NULL,
        .pDepthStencilAttachment = depth ? &depth_ref : NULL,
    };
    const VkPipelineStageFlags attach = VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT |
                                        VK_PIPELINE_STAGE_EARLY_FRAGMENT_TESTS_BIT |
                                        VK_PIPELINE_STAGE_LATE_FRAGMENT_TESTS_BIT;
    const VkAccessFlags attach_write = VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT |
                                       VK_ACCESS_DEPTH_STENCIL_ATTACHMENT_WRITE_BIT;
    // Before: earlier passes, copies (readback, a caller's overlay blit) and
    // the previous frame's use of the shared depth/MSAA images. After: the
    // caller may copy, sample or draw over the result (a UI pass), or present.
    const VkPipelineStageFlags after_stages = VK_PIPELINE_STAGE_TRANSFER_BIT |
                                              VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT |
                                              VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT;
    const VkAccessFlags after_access =
        VK_ACCESS_TRANSFER_READ_BIT | VK_ACCESS_TRANSFER_WRITE_BIT | VK_ACCESS_SHADER_READ_BIT |
        VK_ACCESS_COLOR_ATTACHMENT_READ_BIT | VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT;
    VkSubpassDependency deps[2] = {
        {VK_SUBPASS_EXTERNAL, 0, attach | VK_PIPELINE_STAGE_TRANSFER_BIT, attach,
         attach_write | VK_ACCESS_TRANSFER_WRITE_BIT,
         attach_write | VK_ACCESS_COLOR_ATTACHMENT_READ_BIT |
             VK_ACCESS_DEPTH_STENCIL_ATTACHMENT_READ_BIT,
         0},
        {0, VK_SUBPASS_EXTERNAL, VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT, after_stages,
         VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT, after_access, 0},
    };
    uint32_t mask = k->view_mask;
    VkRenderPassMultiviewCreateInfo mv = {
        .sType = VK_STRUCTURE_TYPE_RENDER_PASS_MULTIVIEW_CREATE_INFO,
        .subpassCount = 1,
        .pViewMasks = &mask,
        .correlationMaskCount = 1,
        .pCorrelationMasks = &mask,
    };
    VkRenderPassCreateInfo info = {
        .sType = VK_STRUCTURE_TYPE_RENDER_PASS_CREATE_INFO,
        .pNext = mask ? &mv : NULL,
        .attachmentCount = n,
        .pAttachments = att,
        .subpassCount = 1,
        .pSubpasses = &sub,
        .dependencyCount = 2,
        .pDependencies = deps,
    };
    return GFX_VK(err, vkCreateRenderPass(r->dev->h.device, &info, NULL, out));
}

stoa_result gfx_render_pass_get(stoa_gfx_renderer *r, const gfx_pass_key *key, VkRenderPass *out,
                                stoa_error *err)
{
    for (uint32_t i = 0; i < r->pass_count; i++)
        if (memcmp(&r->passes[i].key, key, sizeof *key) == 0) {
            *out = r->passes[i].pass;
            return STOA_OK;
        }
    if (r->pass_count == r->pass_cap) {
        uint32_t cap = r->pass_cap ? r->pass_cap * 2 : 4;
        gfx_pass *grown = realloc(r->passes, cap * sizeof *grown);
        if (!grown)
            return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "gfx: out of memory");
        r->passes = grown;
        r->pass_cap = cap;
    }
    gfx_pass *p = &r->passes[r->pass_count];
    memset(p, 0, sizeof *p);
    p->key = *key;
    stoa_result res = create_render_pass(r, key, &p->pass, err);
    if (res < 0)
        return res;
    r->pass_count++;
    *out = p->pass;
    return STOA_OK;
}

static stoa_result create_pipeline(stoa_gfx_renderer *r, VkRenderPass pass, uint32_t samples,
                                   bool multiview, uint32_t variant, VkPipeline *out,
                                   stoa_error *err)
{
    bool blend = variant & GFX_VARIANT_BLEND;
    // The projection flips y, which keeps glTF's counter-clockwise front faces
    // counter-clockwise on screen; a mirrored node transform flips them.
    gfx_pipe_desc d = {
        .vert = multiview ? r->vert_mv : r->vert,
        .frag = r->frag,
        .pass = pass,
        .samples = samples,
        .scene_vertices = true,
        .vertex_format = variant >> GFX_VARIANT_VFMT_SHIFT,
        .cull = (variant & GFX_VARIANT_DOUBLE_SIDED) ? VK_CULL_MODE_NONE : VK_CULL_MODE_BACK_BIT,
        .front = (variant & GFX_VARIANT_MIRRORED) ? VK_FRONT_FACE_CLOCKWISE
                                                  : VK_FRONT_FACE_COUNTER_CLOCKWISE,
        .depth_write = !blend,
        .blend = blend,
    };
    return gfx_pipe_build(r, &d, out, err);
}

static bool pipeline_find(const stoa_gfx_renderer *r, VkRenderPass pass, bool multiview,
                          uint32_t variant, VkPipeline *out)
{
    for (uint32_t i = 0; i < r->pipeline_count; i++) {
        const gfx_pipeline *p = &r->pipelines[i];
        if (p->pass == pass && p->variant == variant && p->multiview == multiview) {
            *out = p->pipeline;
            return true;
        }
    }
    return false;
}

// The frame thread looks up while a loader thread may be compiling a new
// scene's pipelines, so the lock is held for the table only, never across
// vkCreateGraphicsPipelines (the VkPipelineCache is made without
// VK_PIPELINE_CACHE_CREATE_EXTERNALLY_SYNCHRONIZED_BIT: it locks itself).
// Two threads that both miss compile the same pipeline; the second to
// insert keeps the first's and destroys its own.
stoa_result gfx_pipeline_get(stoa_gfx_renderer *r, VkRenderPass pass, uint32_t samples,
                             bool multiview, uint32_t variant, bool recording, VkPipeline *out,
                             stoa_error *err)
{
    pthread_mutex_lock(&r->pipeline_lock);
    bool found = pipeline_find(r, pass, multiview, variant, out);
    pthread_mutex_unlock(&r->pipeline_lock);
    if (found)
        return STOA_OK;
    VkPipeline pipeline;
    gfx_count_pipeline(recording);
    stoa_result res = create_pipeline(r, pass, samples, multiview, variant, &pipeline, err);
    if (res < 0)
        return res;
    pthread_mutex_lock(&r->pipeline_lock);
    if (pipeline_find(r, pass, multiview, variant, out)) {
        pthread_mutex_unlock(&r->pipeline_lock);
        vkDestroyPipeline(r->dev->h.device, pipeline, NULL);
        return STOA_OK;
    }
    if (r->pipeline_count == r->pipeline_cap) {
        uint32_t cap = r->pipeline_cap ? r->pipeline_cap * 2 : 16;
        gfx_pipeline *grown = realloc(r->pipelines, cap * sizeof *grown);
        if (!grown) {
            pthread_mutex_unlock(&r->pipeline_lock);
            vkDestroyPipeline(r->dev->h.device, pipeline, NULL);
            return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "gfx: out of memory");
        }
        r->pipelines = grown;
        r->pipeline_cap = cap;
    }
    r->pipelines[r->pipeline_count++] = (gfx_pipeline){pass, variant, multiview, pipeline};
    pthread_mutex_unlock(&r->pipeline_lock);
    *out = pipeline;
    return STOA_OK;
}
