// SPDX-License-Identifier: Apache-2.0
// Levels of detail that arrive after the scene was uploaded (a stoa_scene
// loaded with .defer_lods): a new index buffer holding the meshes' indices
// and then the levels' replaces the scene's, and the selection learns the
// levels. The old buffer goes through the frame-fenced queue, as a texture
// batch's descriptor pool does; nothing waits for the device.
#include <stdlib.h>
#include <string.h>

#include "gfx_cull.h"
#include "gfx_scene_internal.h"

static bool host_visible_device_memory(const stoa_gfx_device *dev)
{
    const VkPhysicalDeviceMemoryProperties *mp = &dev->mem_props;
    VkMemoryPropertyFlags want = VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT |
                                 VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT |
                                 VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
    for (uint32_t i = 0; i < mp->memoryTypeCount; i++)
        if ((mp->memoryTypes[i].propertyFlags & want) == want)
            return true;
    return false;
}

// Fills the new buffer (through u) and the selection's level arrays.
static stoa_result fill(stoa_gfx_scene *s, const stoa_scene *sc, gfx_upload *u, gfx_buffer *nb,
                        uint64_t mesh_indices, uint64_t total, stoa_error *err)
{
    stoa_result res = gfx_upload_buffer(u, total * 4, VK_BUFFER_USAGE_INDEX_BUFFER_BIT, nb, err);
    uint32_t *idst = res >= 0 ? gfx_upload_place(u, nb, total * 4) : NULL;
    if (res >= 0 && !idst)
        res = stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "gfx: out of memory for levels");
    for (uint32_t i = 0; res >= 0 && i < sc->mesh_count; i++) // as upload_geometry laid them
        memcpy(idst + s->mesh_first_index[i], sc->meshes[i].indices,
               (size_t)sc->meshes[i].index_count * 4);
    // gfx_select_init makes a new selection; only its levels are kept.
    gfx_select *old = s->select, *fresh = NULL;
    if (res >= 0) {
        res = gfx_select_init(s, sc, idst + mesh_indices, (uint32_t)mesh_indices, err);
        fresh = s->select;
        s->select = old;
    }
    if (res >= 0) {
        old->mesh_lod_first = fresh->mesh_lod_first;
        old->lod_first_index = fresh->lod_first_index;
        old->lod_index_count = fresh->lod_index_count;
        old->lod_error = fresh->lod_error;
        old->lod_count = fresh->lod_count;
        fresh->mesh_lod_first = fresh->lod_first_index = fresh->lod_index_count = NULL;
        fresh->lod_error = NULL;
    }
    gfx_select_free(fresh);
    if (res >= 0 && u->cmd) { // copies (if any) before the index reads of later frames
        VkMemoryBarrier b = {.sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER,
                             .srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT,
                             .dstAccessMask = VK_ACCESS_INDEX_READ_BIT};
        vkCmdPipelineBarrier(u->cmd, VK_PIPELINE_STAGE_TRANSFER_BIT,
                             VK_PIPELINE_STAGE_VERTEX_INPUT_BIT, 0, 1, &b, 0, NULL, 0, NULL);
    }
    return res;
}

stoa_result stoa_gfx_scene_add_lods(stoa_gfx_renderer *r, stoa_gfx_scene *s, const stoa_scene *sc,
                                    stoa_error *err)
{
    if (!r || !s || !sc)
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT, "gfx: add_lods: NULL argument");
    gfx_select *sel = s->select;
    if (!sel || sel->mesh_lod_first || !sc->lod_count || !sc->lods || !sc->mesh_lod_first)
        return STOA_OK; // has them already, or there are none
    if (sel->mesh_count != sc->mesh_count)
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT,
                              "gfx: add_lods: not the scene the GPU copy was made from");
    uint64_t mesh_indices = 0;
    for (uint32_t i = 0; i < sc->mesh_count; i++)
        mesh_indices += sc->meshes[i].index_count;
    uint64_t total = mesh_indices + gfx_lod_index_total(sc);
    if (total > UINT32_MAX / 4)
        return stoa_error_set(err, STOA_ERROR_LIMIT, "gfx: scene geometry is too large");
    gfx_upload u = {.dev = r->dev, .mapped_ok = host_visible_device_memory(r->dev)};
    u.staging.buffer.alloc.block = -1;
    gfx_buffer nb = {.alloc.block = -1};
    VkDeviceSize staging = u.mapped_ok ? 256 : total * 4 + 256;
    stoa_result res = gfx_buffer_create(r->dev, staging, VK_BUFFER_USAGE_TRANSFER_SRC_BIT,
                                        GFX_MEM_UPLOAD, &u.staging.buffer, err);
    if (res >= 0)
        res = gfx_own_commands_begin(r->dev, &u.pool, &u.cmd, err);
    if (res >= 0)
        res = fill(s, sc, &u, &nb, mesh_indices, total, err);
    if (u.cmd) {
        stoa_error serr = {0};
        stoa_result sub = gfx_upload_submit(r, u.pool, u.cmd, &u.staging.buffer, &serr);
        if (res >= 0 && sub < 0) {
            res = sub;
            if (err)
                *err = serr;
        }
    } else if (u.pool) {
        vkDestroyCommandPool(r->dev->h.device, u.pool, NULL);
    }
    gfx_buffer_destroy(r->dev, &u.staging.buffer); // (given to the queue by the submit)
    if (res < 0) { // the scene keeps its buffer and draws at full detail
        free(sel->mesh_lod_first);
        free(sel->lod_first_index);
        free(sel->lod_index_count);
        free(sel->lod_error);
        sel->mesh_lod_first = sel->lod_first_index = sel->lod_index_count = NULL;
        sel->lod_error = NULL;
        sel->lod_count = 0;
        gfx_defer_buffer(r, &nb); // a copy into it may have been submitted
        return res;
    }
    gfx_defer_buffer(r, &s->indices); // frames in flight still read it
    s->indices = nb;
    return 1; // added
}
