// SPDX-License-Identifier: Apache-2.0
// Textures that were still decoding when the scene was uploaded (a
// stoa_scene loaded with .defer_textures). Their material slots sample a
// neutral 1x1 stand-in, chosen per slot so that the material looks as its
// factors alone say: white for base colour, metallic-roughness and
// occlusion, a flat normal, black emission. stoa_gfx_scene_update_textures
// uploads the real pixels and points the descriptors at them.
#include <stdlib.h>

#include "gfx_scene_internal.h"

static const uint8_t k_stand_in_rgba[2][4] = {
    [GFX_STAND_IN_NORMAL] = {128, 128, 255, 255},
    [GFX_STAND_IN_BLACK] = {0, 0, 0, 255},
};

VkDeviceSize gfx_pending_staging_bytes(stoa_gfx_device *dev)
{
    return 2 * (gfx_texture_staging_bytes(dev, 1, 1, false) + 16);
}

stoa_result gfx_pending_init(stoa_gfx_scene *s, const stoa_scene *sc, gfx_upload *u,
                             stoa_error *err)
{
    s->tex_pending = calloc(sc->texture_count + 1, sizeof *s->tex_pending);
    if (!s->tex_pending)
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "gfx: out of memory");
    for (uint32_t i = 0; i < sc->texture_count; i++) {
        s->tex_pending[i] = sc->textures[i].pending && !sc->textures[i].rgba;
        s->pending_count += s->tex_pending[i];
    }
    stoa_result res = STOA_OK;
    for (uint32_t k = 0; k < 2 && s->pending_count && res >= 0; k++) {
        const gfx_texture_desc d = {k_stand_in_rgba[k], 1, 1, false};
        res = gfx_texture_create(u->dev, u->cmd, &u->staging, &d, &s->stand_in[k], NULL, err);
    }
    return res;
}

VkImageView gfx_pending_view(const stoa_gfx_scene *s, uint32_t slot)
{
    if (slot == 2)
        return s->stand_in[GFX_STAND_IN_NORMAL].view_linear;
    if (slot == 4)
        return s->stand_in[GFX_STAND_IN_BLACK].view_linear;
    return s->r->white.view_linear;
}

void gfx_pending_destroy(stoa_gfx_scene *s)
{
    for (uint32_t k = 2; k-- > 0;)
        gfx_texture_destroy(s->r->dev, &s->stand_in[k]);
    free(s->tex_pending);
    s->tex_pending = NULL;
}

// Textures pending here whose pixels the stoa_scene now has.
static uint32_t count_arrived(const stoa_gfx_scene *gs, const stoa_scene *sc)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < gs->texture_count; i++)
        n += gs->tex_pending[i] && !sc->textures[i].pending && sc->textures[i].rgba;
    return n;
}

// One command buffer for every arrived texture, submitted without waiting
// while the caller records frames (gfx_upload_submit). The new images were
// in no frame's descriptor set yet.
static stoa_result upload_arrived(stoa_gfx_scene *gs, const stoa_scene *sc, uint32_t n,
                                  stoa_error *err)
{
    stoa_gfx_device *dev = gs->r->dev;
    bool *srgb = gfx_textures_srgb(sc);
    gfx_tex_fill *fills = calloc(n, sizeof *fills);
    uint32_t *which = calloc(n, sizeof *which);
    gfx_staging st = {.buffer.alloc.block = -1};
    VkDeviceSize bytes = 256;
    for (uint32_t i = 0, k = 0; srgb && which && i < gs->texture_count; i++)
        if (gs->tex_pending[i] && !sc->textures[i].pending && sc->textures[i].rgba) {
            which[k++] = i;
            bytes += gfx_texture_staging_bytes(dev, sc->textures[i].width,
                                               sc->textures[i].height, srgb[i]) + 16;
        }
    stoa_result res = srgb && fills && which
                          ? gfx_buffer_create(dev, bytes, VK_BUFFER_USAGE_TRANSFER_SRC_BIT,
                                              GFX_MEM_UPLOAD, &st.buffer, err)
                          : stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "gfx: out of memory");
    VkCommandPool pool = VK_NULL_HANDLE;
    VkCommandBuffer cmd = VK_NULL_HANDLE;
    bool recording = false;
    if (res >= 0)
        recording = (res = gfx_own_commands_begin(dev, &pool, &cmd, err)) >= 0;
    uint32_t made = 0;
    for (; res >= 0 && made < n; made++) {
        const stoa_texture *t = &sc->textures[which[made]];
        gfx_texture_desc d = {t->rgba, t->width, t->height, srgb[which[made]]};
        res = gfx_texture_create(dev, cmd, &st, &d, &gs->textures[which[made]], &fills[made],
                                 err);
    }
    if (res >= 0)
        res = gfx_tex_fill_run_all(dev, fills, made, err);
    if (recording) {
        stoa_error serr = {0};
        stoa_result sub = gfx_upload_submit(gs->r, pool, cmd, &st.buffer, &serr);
        if (res >= 0 && sub < 0) {
            res = sub;
            if (err)
                *err = serr;
        }
    }
    for (uint32_t k = 0; res >= 0 && k < n; k++) {
        gs->tex_pending[which[k]] = false;
        gs->pending_count--;
    }
    gfx_buffer_destroy(dev, &st.buffer);
    free(which);
    free(fills);
    free(srgb);
    return res;
}

stoa_result stoa_gfx_scene_update_textures(stoa_gfx_renderer *r, stoa_gfx_scene *gs,
                                           const stoa_scene *sc, stoa_error *err)
{
    if (!r || !gs || !sc || gs->r != r)
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT,
                              "gfx: update_textures needs the scene's renderer");
    if (gs->pending_count == 0)
        return STOA_OK;
    if (sc->texture_count != gs->texture_count)
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT,
                              "gfx: update_textures: not the stoa_scene this scene was made from");
    uint32_t n = count_arrived(gs, sc);
    if (n == 0)
        return STOA_OK;
    // Frames still in flight sample the stand-ins through the current
    // descriptor sets: new sets are made, the old ones deferred (no wait).
    stoa_result res = upload_arrived(gs, sc, n, err);
    if (res >= 0)
        res = gfx_materials_rebind(gs, sc, err);
    return res;
}

uint32_t stoa_gfx_scene_pending_textures(const stoa_gfx_scene *gs)
{
    return gs ? gs->pending_count : 0;
}
