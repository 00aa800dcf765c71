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

// New descriptor sets for the scene and every material (in a new pool),
// bound to what the textures are now; the former pool goes through the
// frame-fenced queue, so frames in flight keep theirs. On failure the scene
// keeps its former sets.
stoa_result gfx_materials_rebind(stoa_gfx_scene *s, const stoa_scene *sc, stoa_error *err);

// Rewrites the texture bindings of material i's descriptor set (i ==
// scene material count: the default material). The set must not be in use.
stoa_result gfx_material_write_images(stoa_gfx_scene *s, const stoa_scene *sc, uint32_t i,
                                      stoa_error *err);

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
