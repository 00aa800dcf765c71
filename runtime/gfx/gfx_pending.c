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
    free(s->fade_start);
    s->fade_start = NULL;
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
    // Both halves of a streamed batch (gfx_stream_batch.c) here, in turn.
    stoa_gfx_tex_batch *b = NULL;
    stoa_result res = gfx_tex_batch_prepare(gs, sc, &b, err);
    if (res >= 0 && b)
        res = gfx_tex_batch_commit(gs, sc, &b, err);
    return res;
}

uint32_t stoa_gfx_scene_pending_textures(const stoa_gfx_scene *gs)
{
    return gs ? gs->pending_count : 0;
}
