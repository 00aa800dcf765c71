// SPDX-License-Identifier: Apache-2.0
// One batch of textures that arrived after their scene was uploaded
// (stoa_scene_load_desc.defer_textures): prepared on any thread (images,
// staging, pixels and mip levels, recorded copies, and the descriptor pool
// and sets the materials will draw with), committed on the renderer's
// thread, which creates no GPU object there (a submit that does not wait,
// pointers swapped, the former pool deferred, the fade started). gfx_stream.c
// runs it on a worker; stoa_gfx_scene_update_textures (gfx_pending.c) runs
// both halves in one call.
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gfx_scene_internal.h"

struct stoa_gfx_tex_batch {
    VkCommandPool pool;
    VkCommandBuffer cmd;
    gfx_staging st;
    uint32_t n;               // entries in which / tex
    uint32_t *which;          // scene texture indices
    gfx_texture *tex;         // their images (empty: the decode failed, drawn white)
    gfx_material_binds binds; // every material's sets, as they are once tex is in
};

// Pending here, and the stoa_scene is done with it (pixels, or a failure).
static bool arrived(const stoa_gfx_scene *gs, const stoa_scene *sc, uint32_t i)
{
    return gs->tex_pending[i] && !sc->textures[i].pending;
}

void gfx_tex_batch_discard(stoa_gfx_scene *gs, stoa_gfx_tex_batch **bp)
{
    stoa_gfx_tex_batch *b = *bp;
    if (!b)
        return;
    stoa_gfx_device *dev = gs->r->dev;
    for (uint32_t k = 0; b->tex && k < b->n; k++)
        gfx_texture_destroy(dev, &b->tex[k]);
    if (b->pool) // never submitted: nothing waits on it
        vkDestroyCommandPool(dev->h.device, b->pool, NULL);
    gfx_buffer_destroy(dev, &b->st.buffer);
    gfx_material_binds_discard(dev, &b->binds);
    free(b->which);
    free(b->tex);
    free(b);
    *bp = NULL;
}

// The sets the materials draw with once b is installed, made here (off the
// renderer's thread): the scene's textures with b's in their place, b's no
// longer pending.
static stoa_result prepare_binds(const stoa_gfx_scene *gs, const stoa_scene *sc,
                                 stoa_gfx_tex_batch *b, stoa_error *err)
{
    gfx_texture *after = malloc((gs->texture_count + 1) * sizeof *after);
    bool *pending = malloc((gs->texture_count + 1) * sizeof *pending);
    stoa_result res = after && pending
                          ? STOA_OK
                          : stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "gfx: out of memory");
    if (res >= 0) {
        memcpy(after, gs->textures, gs->texture_count * sizeof *after);
        memcpy(pending, gs->tex_pending, gs->texture_count * sizeof *pending);
        for (uint32_t k = 0; k < b->n; k++) {
            after[b->which[k]] = b->tex[k];
            pending[b->which[k]] = false;
        }
        res = gfx_material_binds_prepare(gs, sc, after, pending, &b->binds, err);
    }
    free(after);
    free(pending);
    return res;
}

stoa_result gfx_tex_batch_prepare(stoa_gfx_scene *gs, const stoa_scene *sc,
                                  stoa_gfx_tex_batch **out, stoa_error *err)
{
    *out = NULL;
    if (gs->pending_count == 0 || sc->texture_count != gs->texture_count)
        return STOA_OK;
    uint32_t n = 0;
    for (uint32_t i = 0; i < gs->texture_count; i++)
        n += arrived(gs, sc, i);
    if (n == 0)
        return STOA_OK;
    stoa_gfx_device *dev = gs->r->dev;
    stoa_gfx_tex_batch *b = calloc(1, sizeof *b);
    bool *srgb = gfx_textures_srgb(sc);
    gfx_tex_fill *fills = calloc(n, sizeof *fills);
    if (b) {
        b->st.buffer.alloc.block = -1;
        b->which = calloc(n, sizeof *b->which);
        b->tex = calloc(n, sizeof *b->tex);
    }
    stoa_result res = b && srgb && fills && b->which && b->tex
                          ? STOA_OK
                          : stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "gfx: out of memory");
    VkDeviceSize bytes = 256;
    for (uint32_t i = 0; res >= 0 && i < gs->texture_count; i++)
        if (arrived(gs, sc, i)) {
            b->which[b->n++] = i;
            const stoa_texture *t = &sc->textures[i];
            if (t->rgba)
                bytes += gfx_texture_staging_bytes(dev, t->width, t->height, srgb[i]) + 16;
        }
    if (res >= 0)
        res = gfx_buffer_create(dev, bytes, VK_BUFFER_USAGE_TRANSFER_SRC_BIT, GFX_MEM_UPLOAD,
                                &b->st.buffer, err);
    if (res >= 0)
        res = gfx_own_commands_begin(dev, &b->pool, &b->cmd, err);
    uint32_t nfill = 0;
    for (uint32_t k = 0; res >= 0 && k < b->n; k++) {
        const stoa_texture *t = &sc->textures[b->which[k]];
        if (!t->rgba || t->width == 0 || t->height == 0)
            continue; // failed to decode (logged by the scene): drawn white
        gfx_texture_desc d = {t->rgba, t->width, t->height, srgb[b->which[k]],
                              .no_mips = t->sampler.min_filter == 9728 ||
                                         t->sampler.min_filter == 9729};
        res = gfx_texture_create(dev, b->cmd, &b->st, &d, &b->tex[k], &fills[nfill], err);
        nfill += res >= 0;
    }
    if (res >= 0)
        res = gfx_tex_fill_run_all(dev, fills, nfill, err);
    if (res >= 0)
        res = prepare_binds(gs, sc, b, err);
    free(fills);
    free(srgb);
    if (res < 0) {
        if (b)
            gfx_tex_batch_discard(gs, &b);
        return res;
    }
    *out = b;
    return STOA_OK;
}

// Whether material m (scene_count: the default) still waits for a texture.
static bool material_waiting(const stoa_gfx_scene *gs, const stoa_scene *sc, uint32_t m)
{
    if (m >= sc->material_count)
        return false;
    const stoa_material *mat = &sc->materials[m];
    const stoa_texture_ref *refs[5] = {&mat->base_color_tex, &mat->metallic_roughness_tex,
                                       &mat->normal_tex, &mat->occlusion_tex, &mat->emissive_tex};
    for (int k = 0; k < 5; k++)
        if (refs[k]->texture >= 0 && (uint32_t)refs[k]->texture < gs->texture_count &&
            gs->tex_pending[refs[k]->texture])
            return true;
    return false;
}

stoa_result gfx_tex_batch_commit(stoa_gfx_scene *gs, const stoa_scene *sc,
                                 stoa_gfx_tex_batch **bp, stoa_error *err)
{
    stoa_gfx_tex_batch *b = *bp;
    if (!b)
        return STOA_OK;
    bool fade = gs->fade_s > 0.0f;
    if (fade && !gs->fade_start) {
        gs->fade_start = malloc(gs->material_count * sizeof *gs->fade_start);
        for (uint32_t m = 0; gs->fade_start && m < gs->material_count; m++)
            gs->fade_start[m] = -1.0;
        fade = gs->fade_start != NULL;
    }
    bool *was = calloc(gs->material_count, sizeof *was);
    for (uint32_t m = 0; was && m < gs->material_count; m++)
        was[m] = material_waiting(gs, sc, m);
    // The copies go first: frames recorded after this submit see the images.
    stoa_result res = gfx_upload_submit(gs->r, b->pool, b->cmd, &b->st.buffer, err);
    b->pool = VK_NULL_HANDLE; // taken over (freed once the next frame is done)
    if (res < 0) { // nothing installed: the images and sets go with the batch
        free(was);
        gfx_tex_batch_discard(gs, bp);
        return res;
    }
    for (uint32_t k = 0; k < b->n; k++) {
        uint32_t i = b->which[k];
        gs->textures[i] = b->tex[k];
        memset(&b->tex[k], 0, sizeof b->tex[k]);
        gs->tex_pending[i] = false;
        gs->pending_count--;
    }
    // Frames in flight sample through the current sets: the batch's own
    // replace them, the former pool is deferred (no wait, nothing made).
    gfx_material_binds_install(gs, &b->binds);
    gfx_count_texture_batch();
    for (uint32_t m = 0; fade && was && m < gs->material_count; m++)
        if (was[m] && !material_waiting(gs, sc, m))
            gs->fade_start[m] = NAN; // starts at the next clock
    free(was);
    gfx_tex_batch_discard(gs, bp); // what was not taken over
    return res;
}
