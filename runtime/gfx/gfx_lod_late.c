// SPDX-License-Identifier: Apache-2.0
// Levels of detail that arrive after the scene was uploaded (a stoa_scene
// loaded with .defer_lods): a new index buffer holding the meshes' indices
// and then the levels' replaces the scene's, and the selection learns the
// levels. The old buffer goes through the frame-fenced queue, as a texture
// batch's descriptor pool does; nothing waits for the device.
// Two halves, as a texture batch (gfx_stream_batch.c): prepared on any thread
// (the buffer, its staging, the recorded copy, the levels' arrays), committed
// on the renderer's thread, which creates no GPU object there (a submit that
// does not wait, pointers swapped). stoa_gfx_lods_start runs the first half
// on a worker; stoa_gfx_scene_add_lods runs both in one call.
#include <pthread.h>
#include <stdatomic.h>
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

struct stoa_gfx_lods {
    gfx_upload u;
    gfx_buffer nb;
    gfx_select *levels; // only its level arrays are used
    // The worker (stoa_gfx_lods_start):
    stoa_gfx_renderer *r;
    const stoa_gfx_scene *gs;
    const stoa_scene *sc;
    pthread_t thread;
    bool running;
    atomic_bool finished;
    stoa_result result;
    stoa_error err;
};

static void lods_free(stoa_gfx_renderer *r, stoa_gfx_lods *l, bool submitted)
{
    if (!submitted) { // never submitted: nothing on the device uses them
        if (l->u.pool)
            vkDestroyCommandPool(r->dev->h.device, l->u.pool, NULL);
        gfx_buffer_destroy(r->dev, &l->u.staging.buffer);
        gfx_buffer_destroy(r->dev, &l->nb);
    }
    gfx_select_free(l->levels);
    free(l);
}

// Any thread: the new index buffer (the meshes' indices, then the levels'),
// filled or with its copy recorded, and the levels' arrays. gs is only read
// (its draw layout, fixed once it was made). 0 with *out NULL: nothing to add.
static stoa_result lods_prepare(stoa_gfx_renderer *r, const stoa_gfx_scene *gs,
                                const stoa_scene *sc, stoa_gfx_lods **out, stoa_error *err)
{
    *out = NULL;
    const gfx_select *sel = gs->select;
    if (!sel || sel->mesh_lod_first || !sc->lod_count || !sc->lods || !sc->mesh_lod_first)
        return STOA_OK; // has them already, or there are none
    if (sel->mesh_count != sc->mesh_count)
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT,
                              "gfx: add_lods: not the scene the GPU copy was made from");
    // The meshes' indices as upload_geometry laid them: twins (equal
    // meshes) share the range of the first, which comes before theirs.
    uint64_t mesh_indices = 0;
    for (uint32_t i = 0; i < sc->mesh_count; i++)
        if (gs->mesh_first_index[i] >= mesh_indices)
            mesh_indices = (uint64_t)gs->mesh_first_index[i] + sc->meshes[i].index_count;
    uint64_t total = mesh_indices + gfx_lod_index_total(sc);
    if (total > UINT32_MAX / 4)
        return stoa_error_set(err, STOA_ERROR_LIMIT, "gfx: scene geometry is too large");
    stoa_gfx_lods *l = calloc(1, sizeof *l);
    if (l)
        l->levels = calloc(1, sizeof *l->levels);
    if (!l || !l->levels) {
        free(l);
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "gfx: out of memory for levels");
    }
    l->u = (gfx_upload){.dev = r->dev, .mapped_ok = host_visible_device_memory(r->dev)};
    l->u.staging.buffer.alloc.block = -1;
    l->nb = (gfx_buffer){.alloc.block = -1};
    VkDeviceSize staging = l->u.mapped_ok ? 256 : total * 4 + 256;
    stoa_result res = gfx_buffer_create(r->dev, staging, VK_BUFFER_USAGE_TRANSFER_SRC_BIT,
                                        GFX_MEM_UPLOAD, &l->u.staging.buffer, err);
    if (res >= 0)
        res = gfx_own_commands_begin(r->dev, &l->u.pool, &l->u.cmd, err);
    if (res >= 0)
        res = gfx_upload_buffer(&l->u, total * 4, VK_BUFFER_USAGE_INDEX_BUFFER_BIT, &l->nb, err);
    uint32_t *idst = res >= 0 ? gfx_upload_place(&l->u, &l->nb, total * 4) : NULL;
    if (res >= 0 && !idst)
        res = stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "gfx: out of memory for levels");
    for (uint32_t i = 0, end = 0; res >= 0 && i < sc->mesh_count; i++) // twins: once
        if (gs->mesh_first_index[i] >= end) {
            memcpy(idst + gs->mesh_first_index[i], sc->meshes[i].indices,
                   (size_t)sc->meshes[i].index_count * 4);
            end = gs->mesh_first_index[i] + sc->meshes[i].index_count;
        }
    if (res >= 0)
        res = gfx_select_levels(l->levels, sc, idst + mesh_indices, (uint32_t)mesh_indices, err);
    if (res >= 0 && l->u.cmd) { // copies (if any) before the index reads of later frames
        VkMemoryBarrier b = {.sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER,
                             .srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT,
                             .dstAccessMask = VK_ACCESS_INDEX_READ_BIT};
        vkCmdPipelineBarrier(l->u.cmd, VK_PIPELINE_STAGE_TRANSFER_BIT,
                             VK_PIPELINE_STAGE_VERTEX_INPUT_BIT, 0, 1, &b, 0, NULL, 0, NULL);
    }
    if (res < 0) {
        lods_free(r, l, false);
        return res;
    }
    *out = l;
    return STOA_OK;
}

// The renderer's thread: submits without waiting and swaps; creates nothing.
static stoa_result lods_commit(stoa_gfx_renderer *r, stoa_gfx_scene *gs, stoa_gfx_lods *l,
                               stoa_error *err)
{
    stoa_result res = gfx_upload_submit(r, l->u.pool, l->u.cmd, &l->u.staging.buffer, err);
    // The pool and staging now belong to the queue's graves (even on failure).
    l->u.pool = VK_NULL_HANDLE;
    if (res < 0) {                   // the scene keeps its buffer and draws at full detail
        gfx_defer_buffer(r, &l->nb); // the copy into it may have been submitted
        lods_free(r, l, true);
        return res;
    }
    gfx_select *sel = gs->select, *fresh = l->levels;
    sel->mesh_lod_first = fresh->mesh_lod_first;
    sel->lod_first_index = fresh->lod_first_index;
    sel->lod_index_count = fresh->lod_index_count;
    sel->lod_error = fresh->lod_error;
    sel->lod_count = fresh->lod_count;
    fresh->mesh_lod_first = fresh->lod_first_index = fresh->lod_index_count = NULL;
    fresh->lod_error = NULL;
    gfx_defer_buffer(r, &gs->indices); // frames in flight still read it
    gs->indices = l->nb;
    lods_free(r, l, true);
    return 1; // added
}

stoa_result stoa_gfx_scene_add_lods(stoa_gfx_renderer *r, stoa_gfx_scene *s, const stoa_scene *sc,
                                    stoa_error *err)
{
    if (!r || !s || !sc)
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT, "gfx: add_lods: NULL argument");
    stoa_gfx_lods *l = NULL;
    stoa_result res = lods_prepare(r, s, sc, &l, err);
    if (res < 0 || !l)
        return res;
    return lods_commit(r, s, l, err);
}

static void *lods_main(void *arg)
{
    stoa_gfx_lods *job = arg;
    stoa_gfx_lods *l = NULL;
    job->result = lods_prepare(job->r, job->gs, job->sc, &l, &job->err);
    if (l) { // the prepared halves move into the job
        job->u = l->u;
        job->nb = l->nb;
        job->levels = l->levels;
        free(l);
    }
    atomic_store(&job->finished, true);
    return NULL;
}

stoa_result stoa_gfx_lods_start(stoa_gfx_renderer *r, stoa_gfx_scene *gs, const stoa_scene *sc,
                                stoa_gfx_lods **out, stoa_error *err)
{
    *out = NULL;
    if (!r || !gs || !sc || !gs->select || gs->select->mesh_lod_first || !sc->lod_count)
        return STOA_OK; // nothing to add
    stoa_gfx_lods *job = calloc(1, sizeof *job);
    if (!job)
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "gfx: out of memory");
    job->r = r, job->gs = gs, job->sc = sc;
    job->u.staging.buffer.alloc.block = -1;
    job->nb.alloc.block = -1;
    if (pthread_create(&job->thread, NULL, lods_main, job) != 0) {
        free(job);
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "gfx: cannot start a levels thread");
    }
    job->running = true;
    *out = job;
    return STOA_OK;
}

stoa_result stoa_gfx_lods_poll(stoa_gfx_lods **jobp, stoa_error *err)
{
    stoa_gfx_lods *job = jobp ? *jobp : NULL;
    if (!job || !atomic_load(&job->finished))
        return STOA_OK;
    pthread_join(job->thread, NULL);
    job->running = false;
    *jobp = NULL;
    if (job->result < 0) {
        if (err)
            *err = job->err;
        stoa_result res = job->result;
        lods_free(job->r, job, false);
        return res;
    }
    if (!job->levels) { // nothing was needed after all
        free(job);
        return STOA_OK;
    }
    return lods_commit(job->r, (stoa_gfx_scene *)job->gs, job, err);
}

void stoa_gfx_lods_destroy(stoa_gfx_lods **jobp)
{
    stoa_gfx_lods *job = jobp ? *jobp : NULL;
    if (!job)
        return;
    if (job->running)
        pthread_join(job->thread, NULL);
    lods_free(job->r, job, false);
    *jobp = NULL;
}
