// SPDX-License-Identifier: Apache-2.0
// The renderer's environment objects (gfx_env.h): the specular cube and
// its sampler, the frame set bindings, the environment part of the frame
// block, and the sky drawn behind the scene (a full-screen triangle at the
// far plane, after the opaque draws so that only uncovered pixels shade).
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gfx_env.h"

static const uint32_t k_sky_vert[] =
#include "sky_vert.spv.h"
    ;
static const uint32_t k_sky_mv_vert[] =
#include "sky_mv_vert.spv.h"
    ;
static const uint32_t k_sky_frag[] =
#include "sky_frag.spv.h"
    ;

stoa_result gfx_env_module(stoa_gfx_renderer *r, const uint32_t *code, size_t size,
                           VkShaderModule *out, stoa_error *err)
{
    VkShaderModuleCreateInfo info = {
        .sType = VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO,
        .codeSize = size,
        .pCode = code,
    };
    return GFX_VK(err, vkCreateShaderModule(r->dev->h.device, &info, NULL, out));
}

static stoa_result make_cube(stoa_gfx_renderer *r, gfx_env *e, stoa_error *err)
{
    VkImageCreateInfo info = {
        .sType = VK_STRUCTURE_TYPE_IMAGE_CREATE_INFO,
        .flags = VK_IMAGE_CREATE_CUBE_COMPATIBLE_BIT,
        .imageType = VK_IMAGE_TYPE_2D,
        .format = VK_FORMAT_R16G16B16A16_SFLOAT,
        .extent = {GFX_ENV_CUBE, GFX_ENV_CUBE, 1},
        .mipLevels = GFX_ENV_MIPS,
        .arrayLayers = 6,
        .samples = VK_SAMPLE_COUNT_1_BIT,
        .tiling = VK_IMAGE_TILING_OPTIMAL,
        .usage = VK_IMAGE_USAGE_SAMPLED_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT,
        .initialLayout = VK_IMAGE_LAYOUT_UNDEFINED,
    };
    stoa_result res = gfx_image_create(r->dev, &info, &e->cube, err);
    if (res < 0)
        return res;
    VkImageViewCreateInfo view = {
        .sType = VK_STRUCTURE_TYPE_IMAGE_VIEW_CREATE_INFO,
        .image = e->cube.image,
        .viewType = VK_IMAGE_VIEW_TYPE_CUBE,
        .format = info.format,
        .subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, GFX_ENV_MIPS, 0, 6},
    };
    res = GFX_VK(err, vkCreateImageView(r->dev->h.device, &view, NULL, &e->cube_view));
    if (res < 0)
        return res;
    VkSamplerCreateInfo s = {
        .sType = VK_STRUCTURE_TYPE_SAMPLER_CREATE_INFO,
        .magFilter = VK_FILTER_LINEAR,
        .minFilter = VK_FILTER_LINEAR,
        .mipmapMode = VK_SAMPLER_MIPMAP_MODE_LINEAR,
        .addressModeU = VK_SAMPLER_ADDRESS_MODE_CLAMP_TO_EDGE,
        .addressModeV = VK_SAMPLER_ADDRESS_MODE_CLAMP_TO_EDGE,
        .addressModeW = VK_SAMPLER_ADDRESS_MODE_CLAMP_TO_EDGE,
        .maxLod = (float)GFX_ENV_MIPS,
    };
    return GFX_VK(err, vkCreateSampler(r->dev->h.device, &s, NULL, &e->cube_sampler));
}

// Both images into the layout the frame sets name (the cube cleared to black).
static stoa_result first_layouts(stoa_gfx_renderer *r, gfx_env *e, stoa_error *err)
{
    VkCommandBuffer cmd;
    stoa_result res = gfx_oneshot_begin(r->dev, &cmd, err);
    if (res < 0)
        return res;
    VkImageMemoryBarrier b[2] = {
        {
            .sType = VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER,
            .dstAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT,
            .oldLayout = VK_IMAGE_LAYOUT_UNDEFINED,
            .newLayout = VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL,
            .srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
            .dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
            .image = e->cube.image,
            .subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, GFX_ENV_MIPS, 0, 6},
        },
        {
            .sType = VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER,
            .dstAccessMask = VK_ACCESS_SHADER_READ_BIT,
            .oldLayout = VK_IMAGE_LAYOUT_UNDEFINED,
            .newLayout = VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL,
            .srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
            .dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
            .image = e->shadow.image,
            .subresourceRange = {VK_IMAGE_ASPECT_DEPTH_BIT, 0, 1, 0, 1},
        }};
    vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT,
                         VK_PIPELINE_STAGE_TRANSFER_BIT | VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT, 0,
                         0, NULL, 0, NULL, 2, b);
    VkClearColorValue black = {{0, 0, 0, 1}};
    vkCmdClearColorImage(cmd, e->cube.image, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, &black, 1,
                         &b[0].subresourceRange);
    b[0].srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
    b[0].dstAccessMask = VK_ACCESS_SHADER_READ_BIT;
    b[0].oldLayout = VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL;
    b[0].newLayout = VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL;
    vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT,
                         0, 0, NULL, 0, NULL, 1, b);
    return gfx_oneshot_end_submit(r->dev, cmd, err);
}

stoa_result gfx_env_init(stoa_gfx_renderer *r, stoa_error *err)
{
    gfx_env *e = calloc(1, sizeof *e);
    if (!e)
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "gfx: out of memory");
    e->cube.alloc.block = -1;
    e->shadow.alloc.block = -1;
    e->staging.alloc.block = -1;
    r->env = e;
    stoa_result res = make_cube(r, e, err);
    if (res >= 0)
        res = gfx_shadow_init(r, err);
    if (res >= 0)
        res = first_layouts(r, e, err);
    if (res >= 0)
        res = gfx_env_module(r, k_sky_vert, sizeof k_sky_vert, &e->sky_vert, err);
    if (res >= 0 && r->dev->h.multiview)
        res = gfx_env_module(r, k_sky_mv_vert, sizeof k_sky_mv_vert, &e->sky_vert_mv, err);
    if (res >= 0)
        res = gfx_env_module(r, k_sky_frag, sizeof k_sky_frag, &e->sky_frag, err);
    return res;
}

void gfx_env_fini(stoa_gfx_renderer *r)
{
    gfx_env *e = r->env;
    if (!e)
        return;
    VkDevice d = r->dev->h.device;
    for (uint32_t i = 0; i < e->sky_pipe_count; i++)
        vkDestroyPipeline(d, e->sky_pipes[i].pipeline, NULL);
    VkShaderModule mods[] = {e->sky_vert, e->sky_vert_mv, e->sky_frag};
    for (int i = 0; i < 3; i++)
        if (mods[i])
            vkDestroyShaderModule(d, mods[i], NULL);
    gfx_shadow_fini(r);
    if (e->staging.buffer)
        gfx_buffer_destroy(r->dev, &e->staging);
    if (e->cube_sampler)
        vkDestroySampler(d, e->cube_sampler, NULL);
    if (e->cube_view)
        vkDestroyImageView(d, e->cube_view, NULL);
    if (e->cube.image)
        gfx_image_destroy(r->dev, &e->cube);
    free(e);
    r->env = NULL;
}

void gfx_env_write_set(stoa_gfx_renderer *r, VkDescriptorSet set)
{
    gfx_env *e = r->env;
    VkDescriptorImageInfo cube = {e->cube_sampler, e->cube_view,
                                  VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL};
    VkDescriptorImageInfo shadow = {e->shadow_sampler, e->shadow_view,
                                    VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL};
    VkWriteDescriptorSet w[2] = {
        {VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET, NULL, set, 2, 0, 1,
         VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, &cube, NULL, NULL},
        {VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET, NULL, set, 3, 0, 1,
         VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, &shadow, NULL, NULL},
    };
    vkUpdateDescriptorSets(r->dev->h.device, 2, w, 0, NULL);
}

// The sun as light 0; the scene's directional lights (outdoor suns of
// their own) give way to it, its point and spot lights stay.
static void sun_light(const gfx_env *e, const stoa_gfx_scene *s, const stoa_gfx_render_options *opt,
                      gfx_frame_ubo *u)
{
    uint32_t count = (s->light_count == 0 || opt->default_lights) ? 0 : (uint32_t)u->ambient[3];
    uint32_t kept = 0;
    float pos[GFX_MAX_LIGHTS][4], dir[GFX_MAX_LIGHTS][4], col[GFX_MAX_LIGHTS][4],
        cone[GFX_MAX_LIGHTS][4];
    for (uint32_t i = 0; i < count && kept + 1 < GFX_MAX_LIGHTS; i++) {
        if (u->light_pos[i][3] == 0.0f)
            continue;
        memcpy(pos[kept], u->light_pos[i], 16);
        memcpy(dir[kept], u->light_dir[i], 16);
        memcpy(col[kept], u->light_color[i], 16);
        memcpy(cone[kept], u->light_cone[i], 16);
        kept++;
    }
    memset(u->light_pos, 0, sizeof u->light_pos);
    memset(u->light_dir, 0, sizeof u->light_dir);
    memset(u->light_color, 0, sizeof u->light_color);
    memset(u->light_cone, 0, sizeof u->light_cone);
    for (int c = 0; c < 3; c++) {
        u->light_dir[0][c] = -e->model.sun[c];
        u->light_color[0][c] = e->model.light[c];
    }
    memcpy(u->light_pos + 1, pos, kept * 16);
    memcpy(u->light_dir + 1, dir, kept * 16);
    memcpy(u->light_color + 1, col, kept * 16);
    memcpy(u->light_cone + 1, cone, kept * 16);
    u->ambient[3] = (float)(kept + 1);
}

// Under an environment image the scene's lights (or the default rig) stay
// as they are; its first directional light moves to light 0, which casts
// the shadows. false when it has none.
static bool image_sun(gfx_frame_ubo *u, float sun[3])
{
    uint32_t count = (uint32_t)u->ambient[3];
    for (uint32_t i = 0; i < count && i < GFX_MAX_LIGHTS; i++) {
        if (u->light_pos[i][3] != 0.0f)
            continue;
        float (*arrays[4])[4] = {u->light_pos, u->light_dir, u->light_color, u->light_cone};
        for (int a = 0; a < 4; a++) {
            float t[4];
            memcpy(t, arrays[a][0], 16);
            memcpy(arrays[a][0], arrays[a][i], 16);
            memcpy(arrays[a][i], t, 16);
        }
        float len = sqrtf(u->light_dir[0][0] * u->light_dir[0][0] +
                          u->light_dir[0][1] * u->light_dir[0][1] +
                          u->light_dir[0][2] * u->light_dir[0][2]);
        for (int c = 0; c < 3; c++)
            sun[c] = len > 0.0f ? -u->light_dir[0][c] / len : (float)(c == 1);
        return u->light_color[0][0] + u->light_color[0][1] + u->light_color[0][2] > 1e-3f;
    }
    sun[0] = sun[2] = 0.0f;
    sun[1] = 1.0f;
    return false;
}

void gfx_env_frame(stoa_gfx_renderer *r, const stoa_gfx_scene *s, const stoa_pose *pose,
                   const stoa_gfx_view *views, uint32_t view_count,
                   const stoa_gfx_render_options *opt, gfx_frame_ubo *u)
{
    (void)pose;
    gfx_env *e = r->env;
    if (!e || !e->on)
        return;
    float sun[3];
    bool lit;
    if (e->image) {
        lit = image_sun(u, sun);
    } else {
        sun_light(e, s, opt, u);
        memcpy(sun, e->model.sun, sizeof sun);
        lit = e->model.light[0] + e->model.light[1] + e->model.light[2] > 1e-3f;
    }
    memcpy(u->sh, e->sh, sizeof u->sh);
    u->sky[0] = 1.0f;
    u->sky[3] = (float)(GFX_ENV_MIPS - 1);
    memcpy(u->sun, sun, 12);
    u->sun[3] = cosf(0.9f * 3.14159265f / 180.0f);
    memcpy(u->sun_disk, e->model.disk, 12); // zero under an image
    if (e->sky.shadows == STOA_GFX_SHADOWS_OFF || !lit) {
        e->shadow_valid = false;
        return;
    }
    if (!opt->no_clear) // drawn over: the shadow map of the render before
        e->shadow_valid = gfx_shadow_matrix(r, s, views, view_count, sun, e->shadow_vp);
    if (!e->shadow_valid)
        return;
    float size = e->sky.shadows == STOA_GFX_SHADOWS_HIGH ? GFX_SHADOW_SIZE : GFX_SHADOW_SIZE / 2;
    u->sky[1] = (float)e->sky.shadows;
    u->sky[2] = 1.0f / GFX_SHADOW_SIZE;
    u->sun_disk[3] = size / GFX_SHADOW_SIZE;
    memcpy(u->shadow_vp, e->shadow_vp, sizeof u->shadow_vp);
}

stoa_result gfx_env_before_passes(stoa_gfx_renderer *r, VkCommandBuffer cmd,
                                  const stoa_gfx_scene *s, const stoa_pose *pose,
                                  const stoa_gfx_render_options *opt, uint32_t ubo_offset,
                                  stoa_error *err)
{
    gfx_env *e = r->env;
    if (!e || !e->on)
        return STOA_OK;
    gfx_ibl_record_upload(r, cmd);
    if (opt->no_clear || !e->shadow_valid)
        return STOA_OK;
    return gfx_shadow_record(r, cmd, s, pose, ubo_offset, err);
}

static stoa_result make_sky_pipeline(stoa_gfx_renderer *r, VkRenderPass pass, uint32_t samples,
                                     bool multiview, VkPipeline *out, stoa_error *err)
{
    gfx_env *e = r->env;
    // At the far plane, where nothing was drawn; no depth written.
    gfx_pipe_desc d = {
        .vert = multiview ? e->sky_vert_mv : e->sky_vert,
        .frag = e->sky_frag,
        .pass = pass,
        .samples = samples,
    };
    return gfx_pipe_build(r, &d, out, err);
}

static bool sky_find(gfx_env *e, VkRenderPass pass, bool multiview, VkPipeline *out)
{
    for (uint32_t i = 0; i < e->sky_pipe_count; i++)
        if (e->sky_pipes[i].pass == pass && e->sky_pipes[i].multiview == multiview) {
            *out = e->sky_pipes[i].pipeline;
            return true;
        }
    return false;
}

// As gfx_pipeline_get: the table under the renderer's pipeline lock.
static stoa_result sky_pipeline(stoa_gfx_renderer *r, VkRenderPass pass, uint32_t samples,
                                bool multiview, bool recording, VkPipeline *out, stoa_error *err)
{
    gfx_env *e = r->env;
    pthread_mutex_lock(&r->pipeline_lock);
    bool found = sky_find(e, pass, multiview, out);
    pthread_mutex_unlock(&r->pipeline_lock);
    if (found)
        return STOA_OK;
    gfx_count_pipeline(recording);
    VkPipeline p;
    stoa_result res = make_sky_pipeline(r, pass, samples, multiview, &p, err);
    if (res < 0)
        return res;
    pthread_mutex_lock(&r->pipeline_lock);
    if (sky_find(e, pass, multiview, out) || e->sky_pipe_count == GFX_SKY_PIPES) {
        bool had = sky_find(e, pass, multiview, out);
        pthread_mutex_unlock(&r->pipeline_lock);
        vkDestroyPipeline(r->dev->h.device, p, NULL);
        return had ? STOA_OK
                   : stoa_error_set(err, STOA_ERROR_LIMIT, "gfx: more than %d sky pipelines",
                                    GFX_SKY_PIPES);
    }
    e->sky_pipes[e->sky_pipe_count++] = (gfx_sky_pipe){pass, samples, multiview, p};
    pthread_mutex_unlock(&r->pipeline_lock);
    *out = p;
    return STOA_OK;
}

stoa_result gfx_sky_draw(stoa_gfx_renderer *r, VkCommandBuffer cmd, VkRenderPass pass,
                         uint32_t samples, bool multiview, int32_t view_base, stoa_error *err)
{
    if (!r->env || !r->env->on)
        return STOA_OK;
    VkPipeline p;
    stoa_result res = sky_pipeline(r, pass, samples, multiview, r->recording, &p, err);
    if (res < 0)
        return res;
    vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, p);
    gfx_push push;
    memset(&push, 0, sizeof push);
    push.view_base = view_base;
    vkCmdPushConstants(cmd, r->layout, VK_SHADER_STAGE_VERTEX_BIT | VK_SHADER_STAGE_FRAGMENT_BIT, 0,
                       sizeof push, &push);
    vkCmdDraw(cmd, 6, 1, 0, 0);
    gfx_count_draw_call();
    return STOA_OK;
}

stoa_result gfx_env_prepare(stoa_gfx_renderer *r, VkRenderPass pass, uint32_t samples,
                            bool multiview, stoa_error *err)
{
    if (!r->env || !r->env->on)
        return STOA_OK;
    VkPipeline p;
    stoa_result res = sky_pipeline(r, pass, samples, multiview, false, &p, err);
    if (res >= 0 && r->env->sky.shadows != STOA_GFX_SHADOWS_OFF)
        res = gfx_shadow_pipeline(r, err);
    return res;
}
