// SPDX-License-Identifier: Apache-2.0
// Private to runtime/gfx: the structs behind the public handles and the
// helpers the files of the module share.
//
//   gfx_device.c     instance, physical device, device, validation messenger
//   gfx_memory.c     sub-allocation from a few large VkDeviceMemory blocks,
//                    buffers, images, one-shot command buffers
//   gfx_texture.c    textures with mip maps, samplers
//   gfx_mips.c       mip levels made on the CPU (box filter, sRGB-aware)
//   gfx_renderer.c   the renderer object, per-frame ring buffers
//   gfx_pipeline.c   shader modules, layouts, render passes, pipeline cache
//   gfx_target.c     render targets, framebuffers
//   gfx_readback.c   reading targets back, PNG files
//   gfx_scene.c      stoa_scene -> GPU buffers, draw lists (+ gfx_material.c)
//   gfx_frame.c      per-frame data: views, lights, joints, morph weights
//   gfx_render.c     recording the draws
//   gfx_math.c       projections, look-at, framing
#pragma once

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gfx/stoa_gfx.h"
#include "scene/stoa_scene.h"

#define GFX_MODULE "gfx"
#define GFX_MAX_VIEWS 4
#define GFX_MAX_LIGHTS 8
#define GFX_MAX_BLOCKS 256
#define GFX_MAX_FRAMES 4
#define GFX_TEX_SLOTS 5 // base colour, metallic-roughness, normal, occlusion, emissive

// Converts a VkResult at the module edge: records the call, file and line.
stoa_result gfx_vk_check(VkResult r, const char *call, const char *file, int line,
                         stoa_error *err);
#define GFX_VK(err, call) gfx_vk_check((call), #call, __FILE__, __LINE__, (err))

// ---- memory ------------------------------------------------------------------

// A free range of a block (gfx_memory.c).
typedef struct gfx_range {
    VkDeviceSize offset, size;
} gfx_range;

typedef struct gfx_block {
    VkDeviceMemory memory;
    VkDeviceSize size;
    gfx_range *free;   // free ranges, sorted by offset, never adjacent (coalesced)
    uint32_t free_count, free_cap;
    uint32_t live;     // allocations not yet freed; the block is freed at 0
    uint32_t type;     // memory type index
    bool linear;       // buffers/linear images vs optimal images (granularity)
    void *mapped;      // persistently mapped when host visible
} gfx_block;

typedef struct gfx_alloc {
    VkDeviceMemory memory;
    VkDeviceSize offset;
    VkDeviceSize size;
    void *mapped; // NULL when not host visible
    int32_t block; // -1 = nothing allocated
} gfx_alloc;

typedef enum gfx_mem_usage {
    GFX_MEM_GPU = 0,   // device local
    GFX_MEM_UPLOAD,    // host visible, coherent (staging, per-frame data)
    GFX_MEM_READBACK,  // host visible, cached when possible
    GFX_MEM_GPU_MAPPED // device local and host visible if the device has it (UMA)
} gfx_mem_usage;

// How textures reach the device, chosen per texture by gfx_texture_path.
typedef enum gfx_tex_path {
    GFX_TEX_BLIT = 0, // staging copy of level 0, the mip chain made by vkCmdBlitImage
    GFX_TEX_CPU,      // every level made on the CPU, copied from staging
    GFX_TEX_HOST,     // CPU device (lavapipe): a linear image written in place, no copies
} gfx_tex_path;

// What the device offers for one RGBA8 format (gfx_texture.c).
typedef struct gfx_tex_caps {
    bool known;
    bool blit; // optimal tiling: BLIT_SRC, BLIT_DST and linear filtering
    bool host; // CPU device, linear tiling sampled with mips, host-visible local memory
    bool host_writable; // such linear images may also be transfer destinations
    uint32_t host_max_mips, host_max_extent;
} gfx_tex_caps;

// ---- device ------------------------------------------------------------------

struct stoa_gfx_device {
    stoa_gfx_device_handles h;
    bool owns_instance, owns_device;
    VkDebugUtilsMessengerEXT messenger;
    VkPhysicalDeviceProperties props;
    VkPhysicalDeviceMemoryProperties mem_props;
    VkCommandPool pool; // one-shot commands (uploads, readback, render_now)
    VkFence fence;
    // Scene uploads run on loader threads while the frame thread frees what
    // finished frames let go: the block table is shared, behind this lock.
    pthread_mutex_t mem_lock;
    gfx_block blocks[GFX_MAX_BLOCKS];
    gfx_tex_caps tex_caps[2]; // [0] UNORM, [1] sRGB; filled when the device is made
    bool multi_draw; // multiDrawIndirect and drawIndirectFirstInstance enabled (gfx_batch.c)
    // Block-compressed textures enabled and sampled (gfx_texture_blocks.c);
    // STOA_GFX_TEXTURE_COMPRESSION=off turns both off.
    bool tex_bc, tex_astc;
};

stoa_result gfx_mem_alloc(stoa_gfx_device *dev, const VkMemoryRequirements *req,
                          gfx_mem_usage usage, bool linear, gfx_alloc *out, stoa_error *err);
void gfx_mem_free(stoa_gfx_device *dev, gfx_alloc *a);
void gfx_mem_fini(stoa_gfx_device *dev);

typedef struct gfx_buffer {
    VkBuffer buffer;
    gfx_alloc alloc;
    VkDeviceSize size;
} gfx_buffer;

stoa_result gfx_buffer_create(stoa_gfx_device *dev, VkDeviceSize size, VkBufferUsageFlags usage,
                              gfx_mem_usage mem, gfx_buffer *out, stoa_error *err);
void gfx_buffer_destroy(stoa_gfx_device *dev, gfx_buffer *b);

typedef struct gfx_image {
    VkImage image;
    gfx_alloc alloc;
} gfx_image;

stoa_result gfx_image_create(stoa_gfx_device *dev, const VkImageCreateInfo *info, gfx_image *out,
                             stoa_error *err);
// The same in memory of the given kind (gfx_image_create uses GFX_MEM_GPU).
stoa_result gfx_image_create_in(stoa_gfx_device *dev, const VkImageCreateInfo *info,
                                gfx_mem_usage mem, gfx_image *out, stoa_error *err);
void gfx_image_destroy(stoa_gfx_device *dev, gfx_image *img);
stoa_result gfx_view_create(stoa_gfx_device *dev, VkImage image, VkFormat format,
                            VkImageAspectFlags aspect, uint32_t base_layer, uint32_t layers,
                            uint32_t mips, VkImageView *out, stoa_error *err);

// One-shot commands on the device's pool: begin, record, then end_submit
// (submits, waits on the fence, frees the command buffer). The renderer's
// thread only (the pool is externally synchronised).
stoa_result gfx_oneshot_begin(stoa_gfx_device *dev, VkCommandBuffer *out, stoa_error *err);
stoa_result gfx_oneshot_end_submit(stoa_gfx_device *dev, VkCommandBuffer cmd, stoa_error *err);
// A command buffer in a transient pool of its own, so that any thread may
// record it (a scene upload on a loader thread). Destroying the pool frees it.
stoa_result gfx_own_commands_begin(stoa_gfx_device *dev, VkCommandPool *out_pool,
                                   VkCommandBuffer *out_cmd, stoa_error *err);

// ---- textures ------------------------------------------------------------------

// Fills dev->tex_caps for both formats (at device creation: read-only after,
// so loader threads may read them).
void gfx_texture_caps_init(stoa_gfx_device *dev);

typedef struct gfx_texture {
    gfx_image image;
    VkImageView view_srgb;   // for base colour and emissive
    VkImageView view_linear; // for data (normals, metallic-roughness, occlusion)
    uint32_t mips;
    uint32_t width, height;
    bool srgb;     // levels averaged in linear light
    bool writable; // TRANSFER_DST: stoa_gfx_scene_write_texture can replace its pixels
    uint32_t format; // stoa_texfmt: RGBA8 or a block format
} gfx_texture;

typedef struct gfx_texture_desc {
    const uint8_t *rgba; // width*height*4 bytes, row 0 first; read during the call
    uint32_t width, height;
    // Colour (sampled through view_srgb): mip levels are averaged in linear
    // light. Data textures are averaged as stored.
    bool srgb;
    // Level 0 only: every sampler of the texture filters without mip maps
    // (glTF min filter NEAREST or LINEAR), so a chain would never be read.
    bool no_mips;
    // Levels 1.. of the full chain, made with this `srgb` (a baked scene
    // texture: stoa_texture.mips), packed tightly; NULL = made here.
    const uint8_t *mips;
    // A chain in a GPU format (a stoa_texfmt, stoa_texture.blocks; rgba
    // NULL): every level, packed, copied as it is (gfx_texture_blocks.c).
    uint32_t format;
    const uint8_t *blocks;
} gfx_texture_desc;

// A staging buffer filled front to back (16-byte aligned pieces).
typedef struct gfx_staging {
    gfx_buffer buffer; // GFX_MEM_UPLOAD, TRANSFER_SRC
    VkDeviceSize used;
} gfx_staging;

// Reserves `size` bytes of st: their offset, or -1 when st is too small.
int64_t gfx_staging_take(gfx_staging *st, VkDeviceSize size);

// The upload path for this texture (see gfx_tex_path): host where the device
// allows it, else blit, else cpu. STOA_GFX_TEXTURES=blit or =cpu in the
// environment forces that path (blit only where the format supports it).
gfx_tex_path gfx_texture_path(stoa_gfx_device *dev, uint32_t width, uint32_t height, bool srgb);
// Staging bytes gfx_texture_create will take for such a texture (0 on the host path).
VkDeviceSize gfx_texture_staging_bytes(stoa_gfx_device *dev, uint32_t width, uint32_t height,
                                       bool srgb);

#define GFX_MAX_MIPS 16

// The CPU side of one texture upload: level 0 copied from the pixels and the
// levels below made from it (gfx_mips.c), into mapped memory that the
// recorded commands read. Thread-safe (touches no Vulkan object but a
// flush); every fill must have run before that command buffer is submitted.
typedef struct gfx_tex_fill {
    gfx_texture_desc src;
    uint32_t levels; // levels to write: all, or 1 where blits make the rest
    uint8_t *dst[GFX_MAX_MIPS];
    size_t pitch[GFX_MAX_MIPS]; // bytes between rows
    bool slow_read;             // dst may be write-combined: make levels elsewhere
    VkDeviceMemory flush_memory; // not host coherent: flushed from flush_offset
    VkDeviceSize flush_offset;
} gfx_tex_fill;

// Creates the image with its full mip chain and records into cmd what the
// path needs (copies, blits, layout changes); the texture is ready once cmd
// has run, in SHADER_READ_ONLY_OPTIMAL. Takes staging space from st. With
// fill NULL the CPU work is done here; otherwise *fill describes it, for
// gfx_tex_fill_run_all to do (with other textures' fills, in parallel).
stoa_result gfx_texture_create(stoa_gfx_device *dev, VkCommandBuffer cmd, gfx_staging *st,
                               const gfx_texture_desc *desc, gfx_texture *out, gfx_tex_fill *fill,
                               stoa_error *err);
void gfx_texture_destroy(stoa_gfx_device *dev, gfx_texture *t);
// Takes staging space for f->levels levels of f->src (RGBA8 rows, or whole
// levels of a block format), fills f->dst and f->pitch and the copies.
stoa_result gfx_tex_stage_levels(gfx_staging *st, gfx_tex_fill *f, VkBufferImageCopy *copies,
                                 stoa_error *err);

// ---- block-compressed textures (gfx_texture_blocks.c) ---------------------------------

// The Vulkan format of a stoa_texfmt block format (UNDEFINED for RGBA8).
VkFormat gfx_block_format(uint32_t format, bool srgb);
// Which compression features to enable: those the device has and samples
// with linear filtering, unless STOA_GFX_TEXTURE_COMPRESSION=off.
void gfx_texture_blocks_features(VkPhysicalDevice pd, const VkPhysicalDeviceFeatures *avail,
                                 VkPhysicalDeviceFeatures *enable);
bool gfx_texture_blocks_supported(const stoa_gfx_device *dev, uint32_t format);
// Registers the enabled block formats as the scene cache's "auto" target
// (stoa_texture_target_set_device) — except on a CPU device (lavapipe),
// which samples blocks slower than RGBA8 (each texel fetch decodes its
// block in software: a BC7 scene renders several times slower) and has no
// VRAM to save; STOA_GFX_TEXTURE_COMPRESSION=on registers them there too.
void gfx_texture_blocks_register(VkPhysicalDevice pd, bool bc, bool astc);
VkDeviceSize gfx_texture_blocks_staging_bytes(uint32_t format, uint32_t width, uint32_t height);
// Creates t's image and views and records the copies of its levels from st;
// f (src set, t->mips set) gets the staging destinations.
stoa_result gfx_texture_plan_blocks(stoa_gfx_device *dev, VkCommandBuffer cmd, gfx_staging *st,
                                    gfx_texture *t, gfx_tex_fill *f, stoa_error *err);
// The fill of a block texture: each level's bytes copied as they are.
void gfx_texture_fill_blocks(const gfx_tex_fill *f);
// Level 0 of a block texture decoded to RGBA8 (malloc'ed; NULL on failure),
// for a device that does not sample its format.
uint8_t *gfx_texture_blocks_decode(const gfx_texture_desc *d);

// ---- CPU mip levels (gfx_mips.c) ----------------------------------------------------

uint32_t gfx_mip_count(uint32_t width, uint32_t height);
// Total bytes of every level of an RGBA8 chain, each level 16-byte aligned.
VkDeviceSize gfx_mip_chain_bytes(uint32_t width, uint32_t height);
// Writes level n+1 (max(w/2,1) x max(h/2,1)) from level n (w x h); each pixel
// is the mean of a 2x2 box (an odd last row or column is left out). Rows
// are src_pitch and dst_pitch bytes apart. sRGB: colour averaged in linear
// light, alpha as stored.
void gfx_mip_halve(const uint8_t *src, uint32_t w, uint32_t h, size_t src_pitch, uint8_t *dst,
                   size_t dst_pitch, bool srgb);
// Runs the fills on up to a few worker threads (those with much to do), then
// flushes non-coherent memory. Fails only when out of memory.
stoa_result gfx_tex_fill_run_all(stoa_gfx_device *dev, gfx_tex_fill *fills, uint32_t count,
                                 stoa_error *err);

// ---- renderer ----------------------------------------------------------------

typedef struct gfx_pass_key {
    VkFormat color, depth;
    uint32_t samples;
    uint32_t view_mask; // 0 = no multiview
    VkImageLayout initial, final;
    bool store; // depth and MSAA colour stored at the end
    bool load;  // contents loaded at the start instead of cleared
} gfx_pass_key;

typedef struct gfx_pass {
    gfx_pass_key key;
    VkRenderPass pass;
} gfx_pass;

// Fixed-function state that a material needs: a pipeline per combination.
enum {
    GFX_VARIANT_BLEND = 1u << 0,
    GFX_VARIANT_DOUBLE_SIDED = 1u << 1,
    GFX_VARIANT_MIRRORED = 1u << 2, // negative determinant: front face flips
    GFX_VARIANT_COUNT = 8,
};

typedef struct gfx_pipeline {
    VkRenderPass pass;
    uint32_t variant;
    bool multiview;
    VkPipeline pipeline;
} gfx_pipeline;

typedef struct gfx_frame_slot {
    gfx_buffer ring;
    uint8_t *mapped;
    VkDeviceSize used;
    VkDescriptorSet set;
} gfx_frame_slot;

// A scene or buffer waiting for the frames that used it (gfx_defer.c).
typedef struct gfx_grave {
    uint64_t serial; // the renderer's frame serial when it was let go
    stoa_gfx_scene *scene;
    gfx_buffer buffer;
    VkCommandPool pool; // an upload's own (gfx_own_commands_begin)
    VkDescriptorPool descriptors; // a scene's former descriptor sets (gfx_pending.c)
} gfx_grave;

typedef struct gfx_sampler {
    int mag, min, wrap_s, wrap_t;
    VkSampler sampler;
} gfx_sampler;

struct stoa_gfx_renderer {
    stoa_gfx_device *dev;
    uint32_t frames_in_flight;
    uint32_t frame_bytes;
    VkDescriptorSetLayout frame_layout, scene_layout, material_layout;
    VkPipelineLayout layout;
    VkShaderModule vert, vert_mv, frag;
    VkDescriptorPool frame_pool;
    gfx_frame_slot frames[GFX_MAX_FRAMES];
    uint32_t frame; // index of the current slot
    uint32_t pass_count, pass_cap;
    gfx_pass *passes;
    uint32_t pipeline_count, pipeline_cap;
    gfx_pipeline *pipelines;
    // A loader thread makes a switched scene's pipelines while the frame
    // thread looks up its own: the table is looked up and grown under this.
    pthread_mutex_t pipeline_lock;
    uint32_t sampler_count, sampler_cap;
    gfx_sampler *samplers;
    pthread_mutex_t sampler_lock; // scene uploads on loader threads share the samplers
    gfx_texture white; // stands in for a texture slot a material leaves empty
    VkSampler white_sampler;
    // Scratch for one render call, grown as scenes need.
    uint32_t draw_cap, skin_cap;
    int32_t *weight_base; // per draw, vec4 index in the ring (-1 = none)
    uint32_t *blend_order;
    float *blend_depth;
    int32_t *joint_base; // per skin, vec4 index in the ring
    // Deferred destruction (gfx_defer.c).
    uint64_t serial;     // stoa_gfx_begin_frame calls so far
    bool caller_frames;  // stoa_gfx_render has recorded into a caller's command buffer
    bool recording;      // inside stoa_gfx_render (pipelines made here are stalls)
    bool fault_full;     // this frame's ring says it is full (gfx_fault.c, tests)
    gfx_grave *graves;
    uint32_t grave_count, grave_cap;
    // Uploads submitted before any frame of the caller's (gfx_upload.c):
    // each with its own fence, freed once it signals; behind upload_lock.
    pthread_mutex_t upload_lock;
    struct gfx_inflight *inflight;
    uint32_t inflight_count, inflight_cap;
    VkFence *spare_fences; // signalled and reset, for the next upload
    uint32_t spare_count, spare_cap;
    VkPipelineCache cache; // kept between runs (gfx_pipeline.c)
    struct gfx_env *env;   // sky, environment light, shadow map (gfx_env.h)
};

// ---- gfx_cache.c: the pipeline cache file ----------------------------------------
stoa_result gfx_cache_init(stoa_gfx_renderer *r, stoa_error *err);
void gfx_cache_fini(stoa_gfx_renderer *r);

// ---- gfx_defer.c ----------------------------------------------------------------
// One colour-image layout transition of mips [mip, mip + mips) (gfx_texture.c).
void gfx_image_barrier(VkCommandBuffer cmd, VkImage image, uint32_t mip, uint32_t mips,
                       VkImageLayout from, VkImageLayout to, VkAccessFlags src_access,
                       VkAccessFlags dst_access, VkPipelineStageFlags src, VkPipelineStageFlags dst);
void gfx_count_idle_wait(void);
// gfx_fault.c: counts a begun frame; true when it must find its ring full.
bool gfx_fault_begin_frame(void);
void gfx_count_draw_call(void);
void gfx_count_instanced_draw(uint32_t instances);
// Copies of one mesh drawn by one instanced call at most (gfx_render.c).
#define GFX_MAX_INSTANCES 1024u
void gfx_count_descriptor_pool(void);
void gfx_count_texture_batch(void); // a batch of streamed textures installed
// A GPU object (buffer, image, descriptor pool, sampler, command pool,
// pipeline) created: counted as the frame path's when this thread is inside
// stoa_gfx_frame_scope.
void gfx_count_object(void);
void gfx_count_pipeline(bool while_recording);
// Frees the scene once no frame in flight can use it (now, when the caller
// never recorded frames of its own).
void gfx_defer_scene(stoa_gfx_renderer *r, stoa_gfx_scene *s);
// Destroys the descriptor pool once no frame in flight can use its sets.
void gfx_defer_descriptor_pool(stoa_gfx_renderer *r, VkDescriptorPool pool);
// Takes b over (b is zeroed) and frees it once this frame is done.
void gfx_defer_buffer(stoa_gfx_renderer *r, gfx_buffer *b);
// Ends and submits an upload's one-shot command buffer, and never waits
// for it (gfx_upload.c). The command buffer's pool and the staging buffer
// (taken over, zeroed) are freed: while the caller records frames of its
// own, once the next frame is done (that frame is submitted after the
// upload, on the same queue); before any such frame, once the upload's own
// fence signals (gfx_uploads_reap). Either way a frame submitted after it
// on the queue is ordered after its copies by the upload's own barriers.
// cmd belongs to pool (gfx_own_commands_begin), which is destroyed with it.
stoa_result gfx_upload_submit(stoa_gfx_renderer *r, VkCommandPool pool, VkCommandBuffer cmd,
                              gfx_buffer *staging, stoa_error *err);
// Frees the uploads submitted before any frame that have finished; with
// wait, waits for every one first (before their destinations are freed
// outside the frame-fenced queue, and at teardown).
void gfx_uploads_reap(stoa_gfx_renderer *r, bool wait);
void gfx_count_upload(bool waited_on_destroy); // stoa_gfx_stats.uploads_unwaited / _waits_on_destroy
void gfx_uploads_fini(stoa_gfx_renderer *r);
// The frame-fenced half of gfx_upload_submit: pool and staging (taken over)
// go once the frame after the last begun one is done.
void gfx_defer_upload(stoa_gfx_renderer *r, VkCommandPool pool, gfx_buffer *staging);
// Frees what the finished frames let go (all: everything; the device is idle).
void gfx_defer_collect(stoa_gfx_renderer *r, bool all);
void gfx_defer_fini(stoa_gfx_renderer *r);
// The scene's queued texture writes, recorded into cmd before its render pass.
void gfx_scene_record_writes(stoa_gfx_renderer *r, stoa_gfx_scene *gs, VkCommandBuffer cmd);
void gfx_scene_drop_writes(stoa_gfx_scene *gs);
// Frees a scene at once (stoa_gfx_scene_destroy defers to this).
void gfx_scene_free(stoa_gfx_scene *s);

stoa_result gfx_pipeline_init(stoa_gfx_renderer *r, stoa_error *err);
void gfx_pipeline_fini(stoa_gfx_renderer *r);
stoa_result gfx_render_pass_get(stoa_gfx_renderer *r, const gfx_pass_key *key,
                                VkRenderPass *out, stoa_error *err);
// What the renderer's graphics pipelines differ in (gfx_pipe_build.c);
// zero is the default (no culling, counter-clockwise front, 1 sample, no
// depth writes, no blending, no vertex input, no bias, one colour target).
typedef struct gfx_pipe_desc {
    VkShaderModule vert, frag; // frag VK_NULL_HANDLE: a depth-only pass
    VkRenderPass pass;
    uint32_t samples;
    bool scene_vertices; // the scene's vertex streams (gfx_vertex_input)
    uint32_t vertex_format; // their STOA_QUANT_* quantised streams (gfx_quant.c)
    VkCullModeFlags cull;
    VkFrontFace front;
    bool depth_write, blend, depth_only;
    float depth_bias, depth_bias_slope;
} gfx_pipe_desc;
stoa_result gfx_pipe_build(stoa_gfx_renderer *r, const gfx_pipe_desc *d, VkPipeline *out,
                           stoa_error *err);
// Any thread (the table is locked; the pipeline is compiled outside the
// lock). `recording`: asked for while a frame is recorded (counted apart).
stoa_result gfx_pipeline_get(stoa_gfx_renderer *r, VkRenderPass pass, uint32_t samples,
                             bool multiview, uint32_t variant, bool recording, VkPipeline *out,
                             stoa_error *err);
// stoa_gfx_prepare for a pass taken before (any thread).
stoa_result gfx_prepare_scene(stoa_gfx_renderer *r, const stoa_gfx_scene *scene,
                              const stoa_gfx_pass_info *info, stoa_error *err);
stoa_result gfx_sampler_get(stoa_gfx_renderer *r, int mag, int min, int wrap_s, int wrap_t,
                            VkSampler *out, stoa_error *err);

// ---- targets -----------------------------------------------------------------

typedef struct gfx_target_image {
    VkImage color;         // the caller's or own.image
    VkImage depth;         // the caller's, own depth, or VK_NULL_HANDLE
    VkImageView color_array;            // all layers
    VkImageView color_layer[GFX_MAX_VIEWS];
    VkImageView depth_array;
    VkImageView depth_layer[GFX_MAX_VIEWS];
    VkFramebuffer fb_multiview;           // all layers, multiview pass
    VkFramebuffer fb_layer[GFX_MAX_VIEWS]; // one layer each, plain pass
} gfx_target_image;

struct stoa_gfx_target {
    stoa_gfx_renderer *r;
    stoa_gfx_target_desc desc; // normalised (defaults filled, pointers cleared)
    bool own_color, own_depth;
    gfx_image own_color_image; // when own_color (image 0)
    gfx_image depth_image;     // when own_depth: shared by every image index
    gfx_image msaa_image;      // when samples > 1
    VkImageView msaa_array, msaa_layer[GFX_MAX_VIEWS];
    VkRenderPass pass_multiview; // VK_NULL_HANDLE when layers == 1 or no multiview
    VkRenderPass pass_single;
    VkRenderPass pass_multiview_load; // the same, drawing over (keep_contents)
    VkRenderPass pass_single_load;
    uint32_t image_count;
    gfx_target_image *images;
    bool encode_srgb; // UNORM colour: the shader encodes
    bool rendered;
};

// ---- scenes ------------------------------------------------------------------

typedef struct gfx_draw {
    uint32_t node;
    uint32_t mesh;
    uint32_t material; // index into the scene's material sets (last = default)
    uint32_t variant;  // GFX_VARIANT_* without MIRRORED (decided per frame)
    int32_t skin;
    uint32_t first_index, index_count;
    int32_t vertex_base;
    uint32_t vertex_count;
    uint32_t morph_targets;
    int32_t morph_base;       // vec4 index into the morph buffer, -1 = none
    uint32_t default_weights; // index into mesh_weights
    bool has_tangents, has_morph_normals;
    float center[3]; // mesh-space centre of the bounds, for sorting blended draws
    // Quantised positions: mesh position = xyz + w * stored (0, 0, 0, 1 for
    // floats), folded into the model matrix (gfx_draw_model).
    float dequant[4];
} gfx_draw;

enum { GFX_STREAM_POSITION = 0, GFX_STREAM_NORMAL, GFX_STREAM_TANGENT, GFX_STREAM_UV0,
       GFX_STREAM_UV1, GFX_STREAM_COLOR, GFX_STREAM_JOINTS, GFX_STREAM_WEIGHTS,
       GFX_STREAM_COUNT };
// The vertex streams every scene pipeline reads, float or quantised
// (gfx_quant.c). A scene's vertex format (STOA_QUANT_* bits of the streams
// it uploaded quantised) is part of its draws' pipeline variant, from bit
// GFX_VARIANT_VFMT_SHIFT.
enum { GFX_VARIANT_VFMT_SHIFT = 3 };
void gfx_vertex_input(uint32_t vfmt, VkVertexInputBindingDescription b[GFX_STREAM_COUNT],
                      VkVertexInputAttributeDescription a[GFX_STREAM_COUNT]);
uint32_t gfx_stream_stride(uint32_t vfmt, uint32_t stream);
// The STOA_QUANT_* streams whose quantised format the device reads from
// vertex buffers.
uint32_t gfx_quant_supported(stoa_gfx_device *dev);
// Those of them STOA_GFX_QUANT allows: unset or "on" all; "off" none; else
// the streams it names ("position,normal,uv,color").
uint32_t gfx_quant_wanted(stoa_gfx_device *dev);
// Draw d's model matrix with its dequantisation folded in (tmp holds it),
// or its node's world matrix when its positions are floats.
const float *gfx_draw_model(const stoa_gfx_scene *s, const stoa_pose *pose, const gfx_draw *d,
                            float tmp[16]);
// The push constants' model of draw d: gfx_draw_model's, or for a skinned
// draw (no model matrix: its joints place it) the dequantisation in column 0.
void gfx_draw_push_model(const stoa_gfx_scene *s, const stoa_pose *pose, const gfx_draw *d,
                         bool skinned, float out[16]);

typedef struct gfx_tex_write {
    uint32_t texture;
    gfx_buffer staging; // every level, tightly packed
    uint32_t levels;
    VkBufferImageCopy copies[GFX_MAX_MIPS];
} gfx_tex_write;

struct stoa_gfx_scene {
    stoa_gfx_renderer *r;
    uint32_t node_count, skin_count, light_count, joint_total;
    int32_t *node_parent; // parents come first (stoa_scene's order)
    float *rest_world; // node_count * 16: world matrices of the rest pose
    uint32_t *skin_joint_count;
    uint32_t *skin_joint_offset; // into skin_joints / inverse_bind
    uint32_t *skin_joints;       // node indices
    float *inverse_bind;         // 16 per joint
    stoa_light *lights;          // copies (name NULL)
    uint32_t *mesh_first_vertex, *mesh_first_index;
    int32_t *mesh_morph_base;
    float *mesh_weights; // default morph weights of every mesh, back to back
    gfx_buffer vertices; // every stream of every mesh, one region per stream
    VkDeviceSize stream_offset[GFX_STREAM_COUNT];
    uint32_t vertex_format;    // STOA_QUANT_* streams uploaded quantised
    VkDeviceSize vertex_bytes; // the vertex streams' size on the GPU
    gfx_buffer indices;
    gfx_buffer morphs; // vec4 deltas
    gfx_buffer materials_ubo;
    uint32_t texture_count;
    gfx_texture *textures;
    // Textures still decoding when the scene was made (stoa_texture.pending):
    // drawn with neutral 1x1 stand-ins until stoa_gfx_scene_update_textures.
    bool *tex_pending;      // texture_count + 1 flags
    uint32_t pending_count;
    gfx_texture stand_in[2]; // GFX_STAND_IN_NORMAL, GFX_STAND_IN_BLACK
    // Fading textures in (gfx_stream.c): per material, the scene clock when
    // its textures were installed (NAN: at the next clock), or -1: shown.
    double *fade_start;     // material_count entries, NULL = none fading
    double fade_clock;      // seconds, the caller's (stoa_gfx_scene_fade_clock)
    float fade_s;           // fade duration; 0 = textures pop in
    VkDescriptorPool pool;
    VkDescriptorSet scene_set;
    uint32_t material_count; // scene materials + 1 default
    VkDescriptorSet *material_sets;
    uint32_t *material_flags; // GFX_MAT_* bits
    uint32_t draw_count;
    gfx_draw *draws; // opaque and mask first (sorted by variant, material), blend last
    uint32_t opaque_count;
    float bounds_min[3], bounds_max[3]; // world, rest pose (the sun's shadow box)
    gfx_tex_write *writes; // stoa_gfx_scene_write_texture, recorded by the next render
    uint32_t write_count, write_cap;
    struct gfx_select *select; // culling and levels of detail (gfx_cull.h)
};
// Fills the culling / level-of-detail figures of stoa_gfx_stats (gfx_batch.c).
void gfx_batch_stats(stoa_gfx_stats *out);

enum { GFX_STAND_IN_NORMAL = 0, GFX_STAND_IN_BLACK = 1 };

// Material flags, shared with shaders/pbr_common.glsl.
enum {
    GFX_MAT_BASE_TEX = 1u << 0,
    GFX_MAT_MR_TEX = 1u << 1,
    GFX_MAT_NORMAL_TEX = 1u << 2,
    GFX_MAT_OCCLUSION_TEX = 1u << 3,
    GFX_MAT_EMISSIVE_TEX = 1u << 4,
    GFX_MAT_UNLIT = 1u << 5,
    GFX_MAT_MASK = 1u << 6,
    GFX_MAT_BLEND = 1u << 7,
    GFX_MAT_DOUBLE_SIDED = 1u << 8,
};

// Push constants, shared with the shaders (112 bytes; 128 are guaranteed).
typedef struct gfx_push {
    float model[16];
    int32_t joint_base;   // vec4 index into the frame ring, -1 = not skinned
    int32_t weight_base;  // vec4 index into the frame ring
    int32_t morph_count;  // morph targets with weights
    int32_t vertex_base;
    int32_t morph_base;   // vec4 index into the scene's morph buffer
    int32_t vertex_count;
    int32_t flags;        // bit 0: has tangents, bit 1: morph normals, bit 2: instanced
                          // (model matrices in the ring from weight_base)
    int32_t view_base;    // added to gl_ViewIndex (multi-pass path)
    float tint[4];        // added glow: rgb * a (highlighted nodes)
    float fade[4];        // x: the material's textures shown, 0 = stand-ins .. 1 (gfx_stream.c)
} gfx_push;
// The x of gfx_push.fade for material m's draws (1: fully shown; gfx_stream.c).
float gfx_material_fade(const stoa_gfx_scene *s, uint32_t material);

// Frame uniform block, std140, shared with the shaders.
typedef struct gfx_frame_ubo {
    float view_proj[GFX_MAX_VIEWS][16];
    float camera_pos[GFX_MAX_VIEWS][4];
    float light_pos[GFX_MAX_LIGHTS][4];   // xyz, w = type (0 dir, 1 point, 2 spot)
    float light_dir[GFX_MAX_LIGHTS][4];   // xyz direction the light travels, w = range
    float light_color[GFX_MAX_LIGHTS][4]; // rgb * intensity
    float light_cone[GFX_MAX_LIGHTS][4];  // x = scale, y = offset (spot)
    float ambient[4];                     // rgb, w = light count
    float params[4];                      // x exposure, y encode sRGB
    // The sky (gfx_env.h): zero when the renderer has none.
    float sh[9][4];       // irradiance / pi, SH9, rgb
    float shadow_vp[16];  // world -> the sun's shadow clip space
    float sky[4];         // x 1 = sky on, y shadows (0 off, 1 low, 2 high), z texel, w cube mips - 1
    float sun[4];         // xyz towards the sun, w cos of the disk's radius
    float sun_disk[4];    // rgb radiance of the disk, w shadow uv scale
} gfx_frame_ubo;

// Writes the frame uniform block, joint matrices and morph weights of one
// render call into the current frame slot (gfx_frame.c).
stoa_result gfx_frame_prepare(stoa_gfx_renderer *r, const stoa_gfx_scene *s,
                              const stoa_pose *pose, const stoa_gfx_view *views,
                              uint32_t view_count, const stoa_gfx_render_options *opt,
                              bool encode_srgb, uint32_t *out_ubo_offset, stoa_error *err);
const float *gfx_frame_world(const stoa_gfx_scene *s, const stoa_pose *pose, uint32_t node);
void *gfx_frame_alloc(stoa_gfx_renderer *r, VkDeviceSize size, VkDeviceSize align,
                      VkDeviceSize *out_offset);
void gfx_mat4_mul(const float a[16], const float b[16], float out[16]);
