// SPDX-License-Identifier: Apache-2.0
// The renderer object: layouts and pipelines (gfx_pipeline.c), per-frame ring
// buffers with their descriptor sets, the sampler cache and a 1x1 white
// texture that fills the texture slots a material leaves empty.
#include <stdlib.h>
#include <string.h>

#include "gfx_env.h"

#define DEFAULT_FRAME_BYTES (4u << 20)

static stoa_result create_frames(stoa_gfx_renderer *r, stoa_error *err)
{
    VkDevice d = r->dev->h.device;
    VkDescriptorPoolSize sizes[] = {
        {VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER_DYNAMIC, GFX_MAX_FRAMES},
        {VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, GFX_MAX_FRAMES},
        {VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, 2 * GFX_MAX_FRAMES}, // gfx_env_write_set
    };
    VkDescriptorPoolCreateInfo pool = {
        .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO,
        .maxSets = GFX_MAX_FRAMES,
        .poolSizeCount = 3,
        .pPoolSizes = sizes,
    };
    stoa_result res = GFX_VK(err, vkCreateDescriptorPool(d, &pool, NULL, &r->frame_pool));
    for (uint32_t i = 0; i < r->frames_in_flight && res >= 0; i++) {
        gfx_frame_slot *f = &r->frames[i];
        res = gfx_buffer_create(r->dev, r->frame_bytes,
                                VK_BUFFER_USAGE_UNIFORM_BUFFER_BIT |
                                    VK_BUFFER_USAGE_STORAGE_BUFFER_BIT |
                                    VK_BUFFER_USAGE_INDIRECT_BUFFER_BIT, // gfx_batch.c
                                GFX_MEM_UPLOAD, &f->ring, err);
        if (res < 0)
            break;
        f->mapped = f->ring.alloc.mapped;
        VkDescriptorSetAllocateInfo alloc = {
            .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO,
            .descriptorPool = r->frame_pool,
            .descriptorSetCount = 1,
            .pSetLayouts = &r->frame_layout,
        };
        res = GFX_VK(err, vkAllocateDescriptorSets(d, &alloc, &f->set));
        if (res < 0)
            break;
        VkDescriptorBufferInfo ubo = {f->ring.buffer, 0, sizeof(gfx_frame_ubo)};
        VkDescriptorBufferInfo ring = {f->ring.buffer, 0, VK_WHOLE_SIZE};
        VkWriteDescriptorSet writes[2] = {
            {VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET, NULL, f->set, 0, 0, 1,
             VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER_DYNAMIC, NULL, &ubo, NULL},
            {VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET, NULL, f->set, 1, 0, 1,
             VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, NULL, &ring, NULL},
        };
        vkUpdateDescriptorSets(d, 2, writes, 0, NULL);
        gfx_env_write_set(r, f->set);
    }
    return res;
}

static stoa_result create_white(stoa_gfx_renderer *r, stoa_error *err)
{
    static const uint8_t white[4] = {255, 255, 255, 255};
    const gfx_texture_desc d = {white, 1, 1, false};
    gfx_staging st = {0};
    stoa_result res = gfx_buffer_create(r->dev, 16, VK_BUFFER_USAGE_TRANSFER_SRC_BIT,
                                        GFX_MEM_UPLOAD, &st.buffer, err);
    if (res < 0)
        return res;
    VkCommandBuffer cmd;
    res = gfx_oneshot_begin(r->dev, &cmd, err);
    if (res >= 0) {
        res = gfx_texture_create(r->dev, cmd, &st, &d, &r->white, NULL, err);
        stoa_result sub = gfx_oneshot_end_submit(r->dev, cmd, err);
        if (res >= 0)
            res = sub;
    }
    gfx_buffer_destroy(r->dev, &st.buffer);
    if (res >= 0)
        res = gfx_sampler_get(r, 9729, 9729, 10497, 10497, &r->white_sampler, err);
    return res;
}

stoa_result stoa_gfx_renderer_create(stoa_gfx_device *device, const stoa_gfx_renderer_desc *desc,
                                     stoa_gfx_renderer **out_renderer, stoa_error *err)
{
    static const stoa_gfx_renderer_desc zero;
    if (!out_renderer || !device)
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT, "gfx: renderer needs a device");
    *out_renderer = NULL;
    if (!desc)
        desc = &zero;
    if (desc->frames_in_flight > GFX_MAX_FRAMES)
        return stoa_error_set(err, STOA_ERROR_LIMIT, "gfx: at most %d frames in flight",
                              GFX_MAX_FRAMES);
    stoa_gfx_renderer *r = calloc(1, sizeof *r);
    if (!r)
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "gfx: out of memory");
    r->dev = device;
    pthread_mutex_init(&r->sampler_lock, NULL);
    pthread_mutex_init(&r->pipeline_lock, NULL);
    pthread_mutex_init(&r->upload_lock, NULL); // gfx_upload.c
    r->frames_in_flight = desc->frames_in_flight ? desc->frames_in_flight : 2;
    r->frame_bytes = desc->frame_buffer_bytes ? desc->frame_buffer_bytes : DEFAULT_FRAME_BYTES;
    for (uint32_t i = 0; i < GFX_MAX_FRAMES; i++)
        r->frames[i].ring.alloc.block = -1;
    stoa_result res = gfx_pipeline_init(r, err);
    if (res >= 0)
        res = gfx_env_init(r, err);
    if (res >= 0)
        res = create_frames(r, err);
    if (res >= 0)
        res = create_white(r, err);
    if (res < 0) {
        stoa_gfx_renderer_destroy(&r);
        return res;
    }
    r->frame = r->frames_in_flight - 1;
    *out_renderer = r;
    return STOA_OK;
}

void stoa_gfx_renderer_destroy(stoa_gfx_renderer **renderer)
{
    if (!renderer || !*renderer)
        return;
    stoa_gfx_renderer *r = *renderer;
    VkDevice d = r->dev->h.device;
    if (r->grave_count) { // teardown, not a frame: waiting is fine here
        gfx_count_idle_wait();
        vkDeviceWaitIdle(d);
    }
    gfx_defer_fini(r);
    for (uint32_t i = r->sampler_count; i-- > 0;)
        vkDestroySampler(d, r->samplers[i].sampler, NULL);
    free(r->samplers);
    pthread_mutex_destroy(&r->sampler_lock);
    free(r->weight_base);
    free(r->blend_order);
    free(r->blend_depth);
    free(r->joint_base);
    gfx_texture_destroy(r->dev, &r->white);
    gfx_env_fini(r);
    for (uint32_t i = r->frames_in_flight; i-- > 0;)
        gfx_buffer_destroy(r->dev, &r->frames[i].ring);
    if (r->frame_pool)
        vkDestroyDescriptorPool(d, r->frame_pool, NULL);
    gfx_pipeline_fini(r);
    pthread_mutex_destroy(&r->pipeline_lock);
    free(r);
    *renderer = NULL;
}

void stoa_gfx_begin_frame(stoa_gfx_renderer *renderer)
{
    if (!renderer)
        return;
    renderer->frame = (renderer->frame + 1) % renderer->frames_in_flight;
    renderer->frames[renderer->frame].used = 0;
    renderer->serial++;
    renderer->fault_full = gfx_fault_begin_frame();
    if (renderer->grave_count)
        gfx_defer_collect(renderer, false);
}

void *gfx_frame_alloc(stoa_gfx_renderer *r, VkDeviceSize size, VkDeviceSize align,
                      VkDeviceSize *out_offset)
{
    gfx_frame_slot *f = &r->frames[r->frame];
    VkDeviceSize o = (f->used + align - 1) / align * align;
    if (o + size > f->ring.size || r->fault_full)
        return NULL;
    f->used = o + size;
    *out_offset = o;
    return f->mapped + o;
}
