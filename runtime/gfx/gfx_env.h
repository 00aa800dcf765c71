// SPDX-License-Identifier: Apache-2.0
// Private to runtime/gfx: the renderer's environment, a procedural sky
// (gfx_sky.c), the light from it (gfx_ibl.c: SH9 irradiance and a
// prefiltered specular cube) and the sun's shadow map (gfx_shadow.c).
// Everything is made with the renderer, so that the frame descriptor sets
// always point at the same cube and shadow map; a new sky only rewrites
// their contents.
#pragma once

#include "gfx_internal.h"

#define GFX_ENV_CUBE 64      // texels along a face of mip 0
#define GFX_ENV_MIPS 7       // 64 .. 1
#define GFX_SHADOW_SIZE 2048 // the high quality map; low uses a 1024 corner
#define GFX_SKY_PIPES 16

// The sky model's state for one sky (gfx_sky.c).
typedef struct gfx_sky_model {
    float sun[3];          // towards the sun
    float light[3];        // the sun as a directional light (rgb * intensity)
    float disk[3];         // radiance of the sun's disk in the sky
    float sky_sun[3];      // sunlight reaching the air that scatters it
    float tau_r[3], tau_m; // optical depths at the zenith: Rayleigh, Mie
    float night[3];        // what remains of the sky at night
    float multiple[3];     // multiple scattering, a blue that outlasts the sun
    float ground[3];       // radiance of the ground below the horizon
    // An environment image instead (stoa_gfx_sky.env_rgb): only while
    // stoa_gfx_renderer_set_sky computes the light from it; NULL after.
    const float *env;
    uint32_t env_w, env_h;
} gfx_sky_model;

void gfx_sky_model_make(const stoa_gfx_sky *sky, gfx_sky_model *out);
void gfx_sky_model_radiance(const gfx_sky_model *m, const float dir[3], float out[3]);

typedef struct gfx_sky_pipe {
    VkRenderPass pass;
    uint32_t samples;
    bool multiview;
    VkPipeline pipeline;
} gfx_sky_pipe;

typedef struct gfx_env {
    bool on;
    bool computed; // the image-based light is for the sky of `key` (kept while the sky is off)
    uint64_t key;  // stoa_gfx_sky_key of the sky the light was computed for
    bool image; // the sky is an environment image: no sun, the scene's lights stay
    stoa_gfx_sky sky;
    gfx_sky_model model;
    float sh[9][4]; // irradiance / pi, rgb, as SH9 coefficients (gfx_ibl.c)
    // The specular cube: mip 0 is the sky, lower mips the sky seen through
    // rougher GGX lobes. RGBA16F.
    gfx_image cube;
    VkImageView cube_view;
    VkSampler cube_sampler;
    gfx_buffer staging; // a new sky's levels, waiting for the next render
    bool upload;
    // The sun's shadow map, D32 (or D16), sampled with a compare sampler.
    VkFormat shadow_format;
    gfx_image shadow;
    VkImageView shadow_view;
    VkSampler shadow_sampler;
    VkRenderPass shadow_pass;
    VkFramebuffer shadow_fb;
    VkShaderModule shadow_vert, sky_vert, sky_vert_mv, sky_frag;
    VkPipeline shadow_pipeline[16]; // per scene vertex format (STOA_QUANT_* bits)
    float shadow_vp[16]; // of the last shadow pass (renders drawn over reuse it)
    bool shadow_valid;
    uint32_t sky_pipe_count;
    gfx_sky_pipe sky_pipes[GFX_SKY_PIPES];
} gfx_env;

// gfx_sky.c: made with the renderer (before its frame sets), freed with it.
stoa_result gfx_env_init(stoa_gfx_renderer *r, stoa_error *err);
void gfx_env_fini(stoa_gfx_renderer *r);
// Points bindings 2 (cube) and 3 (shadow map) of a frame set at them.
void gfx_env_write_set(stoa_gfx_renderer *r, VkDescriptorSet set);
// Fills the environment part of the frame block: the sun as light 0, SH,
// the shadow matrix (gfx_frame_prepare, after the lights).
void gfx_env_frame(stoa_gfx_renderer *r, const stoa_gfx_scene *s, const stoa_pose *pose,
                   const stoa_gfx_view *views, uint32_t view_count,
                   const stoa_gfx_render_options *opt, gfx_frame_ubo *u);
// Before the render passes: a new sky's upload and the shadow pass.
stoa_result gfx_env_before_passes(stoa_gfx_renderer *r, VkCommandBuffer cmd,
                                  const stoa_gfx_scene *s, const stoa_pose *pose,
                                  const stoa_gfx_render_options *opt, uint32_t ubo_offset,
                                  stoa_error *err);
// Inside a render pass, after the opaque draws: the sky where nothing was drawn.
stoa_result gfx_sky_draw(stoa_gfx_renderer *r, VkCommandBuffer cmd, VkRenderPass pass,
                         uint32_t samples, bool multiview, int32_t view_base, stoa_error *err);
// The sky's and the shadow pass's pipelines, made ahead (stoa_gfx_prepare).
stoa_result gfx_env_prepare(stoa_gfx_renderer *r, VkRenderPass pass, uint32_t samples,
                            bool multiview, stoa_error *err);

stoa_result gfx_env_module(stoa_gfx_renderer *r, const uint32_t *code, size_t size,
                           VkShaderModule *out, stoa_error *err);

// gfx_ibl.c: the SH of the model and the cube's levels in a new staging
// buffer (any thread; the model's image only read here).
stoa_result gfx_ibl_bake(stoa_gfx_device *dev, const gfx_sky_model *model, float sh[9][4],
                         gfx_buffer *staging, stoa_error *err);
// Records the staged levels' copy into the cube (then frees the staging).
void gfx_ibl_record_upload(stoa_gfx_renderer *r, VkCommandBuffer cmd);

// gfx_shadow.c
stoa_result gfx_shadow_init(stoa_gfx_renderer *r, stoa_error *err);
void gfx_shadow_fini(stoa_gfx_renderer *r);
stoa_result gfx_shadow_pipeline(stoa_gfx_renderer *r, stoa_error *err);
// The shadow pipeline of a scene vertex format (gfx_shadow_pipeline: the
// float one); gfx_shadow_prepare compiles it when the sky casts shadows.
stoa_result gfx_shadow_pipeline_for(stoa_gfx_renderer *r, uint32_t vfmt, stoa_error *err);
stoa_result gfx_shadow_prepare(stoa_gfx_renderer *r, uint32_t vfmt, stoa_error *err);
// The sun's view-projection for the scene and views into out (false: none).
bool gfx_shadow_matrix(stoa_gfx_renderer *r, const stoa_gfx_scene *s, const stoa_gfx_view *views,
                       uint32_t view_count, const float sun[3], float out[16]);
stoa_result gfx_shadow_record(stoa_gfx_renderer *r, VkCommandBuffer cmd, const stoa_gfx_scene *s,
                              const stoa_pose *pose, uint32_t ubo_offset, stoa_error *err);
