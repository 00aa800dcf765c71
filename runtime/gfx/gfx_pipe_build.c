// SPDX-License-Identifier: Apache-2.0
// One builder for the renderer's graphics pipelines (gfx_internal.h): the
// scene's PBR variants (gfx_pipeline.c), the sky (gfx_env.c) and the sun's
// shadow pass (gfx_shadow.c) differ only in the few fields of
// gfx_pipe_desc; the fixed state they share (triangle lists, one dynamic
// viewport and scissor, the renderer's layout and cache) is written here once.
#include "gfx_internal.h"

stoa_result gfx_pipe_build(stoa_gfx_renderer *r, const gfx_pipe_desc *d, VkPipeline *out,
                           stoa_error *err)
{
    VkPipelineShaderStageCreateInfo stages[2] = {
        {VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO, NULL, 0, VK_SHADER_STAGE_VERTEX_BIT,
         d->vert, "main", NULL},
        {VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO, NULL, 0,
         VK_SHADER_STAGE_FRAGMENT_BIT, d->frag, "main", NULL},
    };
    VkPipelineVertexInputStateCreateInfo vertex = {
        .sType = VK_STRUCTURE_TYPE_PIPELINE_VERTEX_INPUT_STATE_CREATE_INFO,
    };
    VkVertexInputBindingDescription bindings[GFX_STREAM_COUNT];
    VkVertexInputAttributeDescription attributes[GFX_STREAM_COUNT];
    if (d->scene_vertices) {
        gfx_vertex_input(d->vertex_format, bindings, attributes);
        vertex.vertexBindingDescriptionCount = GFX_STREAM_COUNT;
        vertex.pVertexBindingDescriptions = bindings;
        vertex.vertexAttributeDescriptionCount = GFX_STREAM_COUNT;
        vertex.pVertexAttributeDescriptions = attributes;
    }
    VkPipelineInputAssemblyStateCreateInfo ia = {
        .sType = VK_STRUCTURE_TYPE_PIPELINE_INPUT_ASSEMBLY_STATE_CREATE_INFO,
        .topology = VK_PRIMITIVE_TOPOLOGY_TRIANGLE_LIST,
    };
    VkPipelineViewportStateCreateInfo vp = {
        .sType = VK_STRUCTURE_TYPE_PIPELINE_VIEWPORT_STATE_CREATE_INFO,
        .viewportCount = 1,
        .scissorCount = 1,
    };
    VkPipelineRasterizationStateCreateInfo rs = {
        .sType = VK_STRUCTURE_TYPE_PIPELINE_RASTERIZATION_STATE_CREATE_INFO,
        .polygonMode = VK_POLYGON_MODE_FILL,
        .cullMode = d->cull,
        .frontFace = d->front,
        .depthBiasEnable = d->depth_bias ? VK_TRUE : VK_FALSE,
        .depthBiasConstantFactor = d->depth_bias,
        .depthBiasSlopeFactor = d->depth_bias_slope,
        .lineWidth = 1.0f,
    };
    VkPipelineMultisampleStateCreateInfo ms = {
        .sType = VK_STRUCTURE_TYPE_PIPELINE_MULTISAMPLE_STATE_CREATE_INFO,
        .rasterizationSamples = (VkSampleCountFlagBits)(d->samples ? d->samples : 1),
    };
    VkPipelineDepthStencilStateCreateInfo ds = {
        .sType = VK_STRUCTURE_TYPE_PIPELINE_DEPTH_STENCIL_STATE_CREATE_INFO,
        .depthTestEnable = VK_TRUE,
        .depthWriteEnable = d->depth_write ? VK_TRUE : VK_FALSE,
        .depthCompareOp = VK_COMPARE_OP_LESS_OR_EQUAL,
    };
    // Straight alpha over the target (the scene's blended materials).
    VkPipelineColorBlendAttachmentState cb = {
        .blendEnable = d->blend ? VK_TRUE : VK_FALSE,
        .srcColorBlendFactor = VK_BLEND_FACTOR_SRC_ALPHA,
        .dstColorBlendFactor = VK_BLEND_FACTOR_ONE_MINUS_SRC_ALPHA,
        .colorBlendOp = VK_BLEND_OP_ADD,
        .srcAlphaBlendFactor = VK_BLEND_FACTOR_ONE,
        .dstAlphaBlendFactor = VK_BLEND_FACTOR_ONE_MINUS_SRC_ALPHA,
        .alphaBlendOp = VK_BLEND_OP_ADD,
        .colorWriteMask = 0xf,
    };
    VkPipelineColorBlendStateCreateInfo blend = {
        .sType = VK_STRUCTURE_TYPE_PIPELINE_COLOR_BLEND_STATE_CREATE_INFO,
        .attachmentCount = d->depth_only ? 0 : 1,
        .pAttachments = d->depth_only ? NULL : &cb,
    };
    VkDynamicState dyn[] = {VK_DYNAMIC_STATE_VIEWPORT, VK_DYNAMIC_STATE_SCISSOR};
    VkPipelineDynamicStateCreateInfo dynamic = {
        .sType = VK_STRUCTURE_TYPE_PIPELINE_DYNAMIC_STATE_CREATE_INFO,
        .dynamicStateCount = 2,
        .pDynamicStates = dyn,
    };
    VkGraphicsPipelineCreateInfo info = {
        .sType = VK_STRUCTURE_TYPE_GRAPHICS_PIPELINE_CREATE_INFO,
        .stageCount = d->frag ? 2 : 1,
        .pStages = stages,
        .pVertexInputState = &vertex,
        .pInputAssemblyState = &ia,
        .pViewportState = &vp,
        .pRasterizationState = &rs,
        .pMultisampleState = &ms,
        .pDepthStencilState = &ds,
        .pColorBlendState = &blend,
        .pDynamicState = &dynamic,
        .layout = r->layout,
        .renderPass = d->pass,
    };
    return GFX_VK(err, vkCreateGraphicsPipelines(r->dev->h.device, r->cache, 1, &info, NULL, out));
}
