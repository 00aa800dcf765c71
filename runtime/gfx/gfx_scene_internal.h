// SPDX-License-Identifier: Apache-2.0
// Private to the scene upload files of runtime/gfx (gfx_scene.c, gfx_material.c).
#pragma once

#include "gfx_internal.h"
#include "scene/stoa_scene.h"

// One upload: a staging buffer and the command buffer recording the copies.
typedef struct gfx_upload {
    stoa_gfx_device *dev;
    VkCommandPool pool; // the upload's own: it may be recorded on a loader thread
    VkCommandBuffer cmd;
    gfx_staging staging;
    bool mapped_ok; // device-local memory is host visible: write in place
    bool *tex_srgb; // per scene texture: sampled as colour by some material
    // Texture pixels still to write (stoa_gfx_scene_upload_fill), when the
    // upload is split; otherwise written during gfx_materials_upload.
    bool defer_fills;
    gfx_tex_fill *fills;
    uint32_t fill_count;
    // The quantised vertex streams uploaded (gfx_quant.c): the baked file's
    // or quant_own, made for this upload and freed at its end.
    const struct stoa_scene_quant *quant;
    struct stoa_scene_quant *quant_own;
    // Per mesh, the twin whose vertices and indices it draws
    // (stoa_scene_mesh_twins: equal data, uploaded once); NULL after the
    // geometry is written.
    uint32_t *twin;
} gfx_upload;

// Creates a buffer that the upload can fill (host visible when possible).
stoa_result gfx_upload_buffer(gfx_upload *u, VkDeviceSize size, VkBufferUsageFlags usage,
                              gfx_buffer *out, stoa_error *err);
// Where to write `size` bytes that must end up at the start of dst: dst's own
// mapping, or a staging range whose copy into dst is recorded. NULL when the
// staging buffer is too small.
void *gfx_upload_place(gfx_upload *u, gfx_buffer *dst, VkDeviceSize size);

// Which of the scene's textures some material samples as colour (base
// colour, emissive): a calloc'd array of texture_count + 1 flags, or NULL.
bool *gfx_textures_srgb(const stoa_scene *sc);

// gfx_quant.c: writes mesh m's streams at vertex `first` of each stream
// (q: its quantised streams, used for the streams in vfmt), and sets a
// draw's dequantisation.
struct stoa_mesh_quant;
void gfx_write_mesh_streams(uint8_t *const base[GFX_STREAM_COUNT], uint32_t vfmt,
                            const stoa_mesh *m, const struct stoa_mesh_quant *q, uint32_t first);
void gfx_draw_set_dequant(gfx_draw *d, uint32_t vfmt, const struct stoa_mesh_quant *q);
// What a mesh's morph position deltas are multiplied by on the GPU (1 / its
// position scale when quantised, else 1).
float gfx_morph_scale(uint32_t vfmt, const struct stoa_mesh_quant *q);

stoa_result gfx_materials_upload(stoa_gfx_scene *s, const stoa_scene *sc, gfx_upload *u,
                                 stoa_error *err);
void gfx_materials_destroy(stoa_gfx_scene *s);
uint32_t gfx_material_variant(const stoa_gfx_scene *s, uint32_t material);

// A descriptor pool with the scene's set and one set per material, made
// and written on any thread (the pool is used by that thread alone until
// installed), bound to `textures` (texture_count entries, the images each
// scene texture will have) and `pending` (which still wait: their
// materials sample stand-ins; NULL: none). Reads s's layouts, buffers and
// stand-ins, which do not change after the upload. On failure *out is empty.
typedef struct gfx_material_binds {
    VkDescriptorPool pool;
    VkDescriptorSet scene_set;
    VkDescriptorSet *material_sets; // material_count, calloc'd
} gfx_material_binds;
stoa_result gfx_material_binds_prepare(const stoa_gfx_scene *s, const stoa_scene *sc,
                                       const gfx_texture *textures, const bool *pending,
                                       gfx_material_binds *out, stoa_error *err);
// The renderer's thread, between frames: s draws with b's sets from now on;
// the former pool goes through the frame-fenced queue (frames in flight
// keep theirs). Creates nothing. Takes b over (empties it).
void gfx_material_binds_install(stoa_gfx_scene *s, gfx_material_binds *b);
// Frees binds that were never installed.
void gfx_material_binds_discard(stoa_gfx_device *dev, gfx_material_binds *b);

// ---- gfx_pending.c: textures still decoding ----------------------------------------
// Flags the scene's pending textures and, when there are any, creates the
// stand-ins (flat normal, black) with u's command buffer.
stoa_result gfx_pending_init(stoa_gfx_scene *s, const stoa_scene *sc, gfx_upload *u,
                             stoa_error *err);
// Staging bytes gfx_pending_init may take.
VkDeviceSize gfx_pending_staging_bytes(stoa_gfx_device *dev);
// What a pending texture's slot samples meanwhile: white for base colour,
// metallic-roughness and occlusion (the factors alone), a flat normal, black
// emission. slot is the material's texture binding (0 base .. 4 emissive).
VkImageView gfx_pending_view(const stoa_gfx_scene *s, uint32_t slot);
void gfx_pending_destroy(stoa_gfx_scene *s);

// ---- gfx_stream_batch.c: textures that arrived, in one upload ----------------------
typedef struct stoa_gfx_tex_batch stoa_gfx_tex_batch;
// Any thread, while the renderer's thread leaves gs's texture state alone:
// images, staging and recorded copies for the textures of sc that arrived
// since gs was made, and a descriptor pool and sets bound as they will be
// once those are in (*out NULL when none did). Touches nothing a frame
// reads; the batch's pool and command pool are used by this thread alone
// until the commit.
stoa_result gfx_tex_batch_prepare(stoa_gfx_scene *gs, const stoa_scene *sc,
                                  stoa_gfx_tex_batch **out, stoa_error *err);
// The renderer's thread, between frames, creating no GPU object: submits the
// copies (no wait), installs the images and the batch's descriptor sets (the
// former pool deferred) and starts the fade of each material whose last
// texture this was. Frees the batch.
stoa_result gfx_tex_batch_commit(stoa_gfx_scene *gs, const stoa_scene *sc,
                                 stoa_gfx_tex_batch **batch, stoa_error *err);
void gfx_tex_batch_discard(stoa_gfx_scene *gs, stoa_gfx_tex_batch **batch);
