// SPDX-License-Identifier: Apache-2.0
// Frame-fenced deferred destruction and in-place texture updates, so that
// nothing on the frame path waits for the device to go idle.
//
// The renderer numbers its frames (stoa_gfx_begin_frame). The caller's
// contract, the same that lets the per-frame ring buffers be reused, is that
// by the begin_frame of frame N the GPU has finished frame
// N - frames_in_flight. So a scene or buffer let go while frame N was the
// last begun is freed at the begin_frame of frame N + frames_in_flight (or
// when the renderer goes), never earlier, never with a device-idle wait. An
// upload submitted between frames N and N + 1 is done once N + 1 is.
// (sokol_gfx and Monado's compositor defer destruction the same way.)
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "core/stoa_log.h"
#include "gfx_internal.h"
#include "gfx_scene_internal.h"

enum { ST_IDLE, ST_POOLS, ST_PIPES, ST_PIPES_DRAW, ST_FREED, ST_WRITES, ST_DRAWS, ST_INST_DRAWS,
       ST_INSTANCES, ST_FRAME_POOLS, ST_FRAME_OBJECTS, ST_TEX_BATCHES, ST_UPLOADS_UNWAITED,
       ST_UPLOAD_WAITS, ST_COUNT };
static atomic_uint_fast64_t g_stats[ST_COUNT];
// Whether this thread is on the frame path now (stoa_gfx_frame_scope).
static _Thread_local bool t_frame_scope;

void gfx_stat_add(int which)
{
    atomic_fetch_add(&g_stats[which], 1);
}

void gfx_count_idle_wait(void) { gfx_stat_add(ST_IDLE); }
void gfx_count_draw_call(void) { gfx_stat_add(ST_DRAWS); }
void gfx_count_instanced_draw(uint32_t instances)
{
    gfx_stat_add(ST_INST_DRAWS);
    atomic_fetch_add(&g_stats[ST_INSTANCES], instances);
}
void gfx_count_texture_batch(void) { gfx_stat_add(ST_TEX_BATCHES); }
void gfx_count_upload(bool waited_on_destroy)
{
    gfx_stat_add(waited_on_destroy ? ST_UPLOAD_WAITS : ST_UPLOADS_UNWAITED);
}
void gfx_count_descriptor_pool(void)
{
    gfx_stat_add(ST_POOLS);
    if (t_frame_scope)
        gfx_stat_add(ST_FRAME_POOLS);
    gfx_count_object();
}
void gfx_count_object(void)
{
    if (t_frame_scope)
        gfx_stat_add(ST_FRAME_OBJECTS);
}
void stoa_gfx_frame_scope(bool on)
{
    t_frame_scope = on;
}
void gfx_count_pipeline(bool while_recording)
{
    gfx_count_object();
    gfx_stat_add(ST_PIPES);
    if (while_recording)
        gfx_stat_add(ST_PIPES_DRAW);
}

stoa_gfx_stats stoa_gfx_stats_get(void)
{
    stoa_gfx_stats out = {
        .device_idle_waits = atomic_load(&g_stats[ST_IDLE]),
        .descriptor_pools = atomic_load(&g_stats[ST_POOLS]),
        .pipelines_created = atomic_load(&g_stats[ST_PIPES]),
        .pipelines_while_recording = atomic_load(&g_stats[ST_PIPES_DRAW]),
        .deferred_frees = atomic_load(&g_stats[ST_FREED]),
        .texture_writes = atomic_load(&g_stats[ST_WRITES]),
        .draw_calls = atomic_load(&g_stats[ST_DRAWS]),
        .instanced_draws = atomic_load(&g_stats[ST_INST_DRAWS]),
        .instances_drawn = atomic_load(&g_stats[ST_INSTANCES]),
        .frame_descriptor_pools = atomic_load(&g_stats[ST_FRAME_POOLS]),
        .frame_objects = atomic_load(&g_stats[ST_FRAME_OBJECTS]),
        .texture_batches = atomic_load(&g_stats[ST_TEX_BATCHES]),
        .uploads_unwaited = atomic_load(&g_stats[ST_UPLOADS_UNWAITED]),
        .upload_waits_on_destroy = atomic_load(&g_stats[ST_UPLOAD_WAITS]),
    };
    gfx_batch_stats(&out);
    return out;
}

static stoa_result grave_push(stoa_gfx_renderer *r, const gfx_grave *g)
{
    if (r->grave_count == r->grave_cap) {
        uint32_t cap = r->grave_cap ? r->grave_cap * 2 : 16;
        gfx_grave *grown = realloc(r->graves, cap * sizeof *grown);
        if (!grown)
            return STOA_ERROR_OUT_OF_MEMORY;
        r->graves = grown;
        r->grave_cap = cap;
    }
    r->graves[r->grave_count++] = *g;
    return STOA_OK;
}

static void grave_free(stoa_gfx_renderer *r, gfx_grave *g)
{
    if (g->scene)
        gfx_scene_free(g->scene);
    if (g->buffer.buffer)
        gfx_buffer_destroy(r->dev, &g->buffer);
    if (g->pool) // and the upload's command buffer with it
        vkDestroyCommandPool(r->dev->h.device, g->pool, NULL);
    if (g->descriptors) // and its sets
        vkDestroyDescriptorPool(r->dev->h.device, g->descriptors, NULL);
    gfx_stat_add(ST_FREED);
}

void gfx_defer_scene(stoa_gfx_renderer *r, stoa_gfx_scene *s)
{
    if (!r->caller_frames) { // no frame of a caller's can hold it: free now,
        gfx_uploads_reap(r, true); // once no upload still writes into it
        gfx_scene_free(s);
        return;
    }
    gfx_grave g = {.serial = r->serial, .scene = s};
    if (grave_push(r, &g) < 0) {
        // Out of memory for the list: waiting is the only safe way left.
        STOA_LOGW(GFX_MODULE, "out of memory deferring a scene's destruction: waiting for the device");
        gfx_count_idle_wait();
        vkDeviceWaitIdle(r->dev->h.device);
        gfx_scene_free(s);
    }
}

void gfx_defer_descriptor_pool(stoa_gfx_renderer *r, VkDescriptorPool pool)
{
    gfx_grave g = {.serial = r->serial, .descriptors = pool};
    if (!r->caller_frames || grave_push(r, &g) < 0) {
        if (r->caller_frames) { // out of memory for the list: waiting is what is left
            gfx_count_idle_wait();
            vkDeviceWaitIdle(r->dev->h.device);
        }
        vkDestroyDescriptorPool(r->dev->h.device, pool, NULL);
    }
}

void gfx_defer_buffer(stoa_gfx_renderer *r, gfx_buffer *b)
{
    gfx_grave g = {.serial = r->serial, .buffer = *b};
    if (grave_push(r, &g) < 0) {
        gfx_count_idle_wait();
        vkDeviceWaitIdle(r->dev->h.device);
        gfx_buffer_destroy(r->dev, b);
    }
    memset(b, 0, sizeof *b);
    b->alloc.block = -1;
}

void gfx_defer_upload(stoa_gfx_renderer *r, VkCommandPool pool, gfx_buffer *staging)
{
    // Submitted after the last begun frame: it is done once the next one is.
    gfx_grave g = {.serial = r->serial + 1, .buffer = *staging, .pool = pool};
    memset(staging, 0, sizeof *staging);
    staging->alloc.block = -1;
    if (grave_push(r, &g) < 0) {
        gfx_count_idle_wait();
        vkDeviceWaitIdle(r->dev->h.device);
        grave_free(r, &g);
    }
}

void gfx_defer_collect(stoa_gfx_renderer *r, bool all)
{
    gfx_uploads_reap(r, all);
    uint32_t kept = 0;
    for (uint32_t i = 0; i < r->grave_count; i++) {
        gfx_grave *g = &r->graves[i];
        if (all || r->serial >= g->serial + r->frames_in_flight)
            grave_free(r, g);
        else
            r->graves[kept++] = *g;
    }
    r->grave_count = kept;
}

void gfx_defer_fini(stoa_gfx_renderer *r)
{
    gfx_defer_collect(r, true);
    gfx_uploads_fini(r);
    free(r->graves);
    r->graves = NULL;
    r->grave_count = r->grave_cap = 0;
}

uint32_t stoa_gfx_renderer_deferred_count(const stoa_gfx_renderer *r)
{
    return r ? r->grave_count : 0;
}

// ---- textures updated in place -------------------------------------------------------

// A texture's new pixels in a staging buffer, waiting to be queued.
struct stoa_gfx_texture_write {
    const stoa_gfx_scene *gs;
    gfx_tex_write w;
};

stoa_result stoa_gfx_texture_write_prepare(stoa_gfx_renderer *r, const stoa_gfx_scene *gs,
                                           uint32_t texture, const uint8_t *rgba, uint32_t width,
                                           uint32_t height, stoa_gfx_texture_write **out,
                                           stoa_error *err)
{
    if (out)
        *out = NULL;
    if (!r || !gs || gs->r != r || !rgba || !out || texture >= gs->texture_count)
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT, "gfx: no texture %u to write",
                              texture);
    // Only what never changes after the scene was made is read here.
    const gfx_texture *t = &gs->textures[texture];
    if (!t->image.image || t->width != width || t->height != height)
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT,
                              "gfx: texture %u is %ux%u, not %ux%u: make a new scene", texture,
                              t->width, t->height, width, height);
    if (!t->writable)
        return stoa_error_set(err, STOA_ERROR_UNSUPPORTED,
                              "gfx: texture %u cannot be written in place on this device", texture);
    stoa_gfx_texture_write *tw = calloc(1, sizeof *tw);
    if (!tw)
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "gfx: out of memory");
    tw->gs = gs;
    gfx_tex_write *w = &tw->w;
    w->texture = texture;
    stoa_result res = gfx_buffer_create(r->dev, gfx_mip_chain_bytes(width, height),
                                        VK_BUFFER_USAGE_TRANSFER_SRC_BIT, GFX_MEM_UPLOAD,
                                        &w->staging, err);
    if (res < 0) {
        free(tw);
        return res;
    }
    // Every level on the CPU (as the CPU upload path does), tightly packed.
    uint8_t *base = w->staging.alloc.mapped;
    VkDeviceSize o = 0;
    uint32_t lw = width, lh = height;
    for (uint32_t i = 0; i < t->mips; i++) {
        uint8_t *dst = base + o;
        if (i == 0) {
            memcpy(dst, rgba, (size_t)width * height * 4);
        } else {
            const VkBufferImageCopy *prev = &w->copies[i - 1];
            gfx_mip_halve(base + prev->bufferOffset, prev->imageExtent.width,
                          prev->imageExtent.height, (size_t)prev->imageExtent.width * 4, dst,
                          (size_t)lw * 4, t->srgb);
        }
        w->copies[i] = (VkBufferImageCopy){
            .bufferOffset = o,
            .imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, i, 0, 1},
            .imageExtent = {lw, lh, 1},
        };
        o = (o + (VkDeviceSize)lw * lh * 4 + 15) & ~(VkDeviceSize)15;
        lw = lw > 1 ? lw / 2 : 1;
        lh = lh > 1 ? lh / 2 : 1;
    }
    w->levels = t->mips;
    *out = tw;
    return STOA_OK;
}

stoa_result stoa_gfx_texture_write_queue(stoa_gfx_scene *gs, stoa_gfx_texture_write **write,
                                         stoa_error *err)
{
    stoa_gfx_texture_write *tw = write ? *write : NULL;
    if (!gs || !tw || tw->gs != gs) {
        stoa_gfx_texture_write_discard(gs ? gs->r : NULL, write);
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT,
                              "gfx: a texture write queued to another scene than its own");
    }
    if (gs->write_count == gs->write_cap) {
        uint32_t cap = gs->write_cap ? gs->write_cap * 2 : 4;
        gfx_tex_write *grown = realloc(gs->writes, cap * sizeof *grown);
        if (!grown) {
            stoa_gfx_texture_write_discard(gs->r, write);
            return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "gfx: out of memory");
        }
        gs->writes = grown;
        gs->write_cap = cap;
    }
    gs->writes[gs->write_count++] = tw->w;
    free(tw);
    *write = NULL;
    gfx_stat_add(ST_WRITES);
    return STOA_OK;
}

void stoa_gfx_texture_write_discard(stoa_gfx_renderer *r, stoa_gfx_texture_write **write)
{
    if (!write || !*write)
        return;
    stoa_gfx_texture_write *tw = *write;
    // Never recorded: no frame holds its staging buffer.
    gfx_buffer_destroy(r ? r->dev : tw->gs->r->dev, &tw->w.staging);
    free(tw);
    *write = NULL;
}

stoa_result stoa_gfx_scene_write_texture(stoa_gfx_renderer *r, stoa_gfx_scene *gs,
                                         uint32_t texture, const uint8_t *rgba, uint32_t width,
                                         uint32_t height, stoa_error *err)
{
    stoa_gfx_texture_write *tw = NULL;
    stoa_result res = stoa_gfx_texture_write_prepare(r, gs, texture, rgba, width, height, &tw, err);
    return res < 0 ? res : stoa_gfx_texture_write_queue(gs, &tw, err);
}

void gfx_scene_record_writes(stoa_gfx_renderer *r, stoa_gfx_scene *gs, VkCommandBuffer cmd)
{
    for (uint32_t i = 0; i < gs->write_count; i++) {
        gfx_tex_write *w = &gs->writes[i];
        gfx_texture *t = &gs->textures[w->texture];
        // Earlier frames may still sample the image: the barrier orders the
        // copy after them (submission order on the one queue).
        gfx_image_barrier(cmd, t->image.image, 0, t->mips, VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL,
                      VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, VK_ACCESS_SHADER_READ_BIT,
                      VK_ACCESS_TRANSFER_WRITE_BIT, VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT,
                      VK_PIPELINE_STAGE_TRANSFER_BIT);
        vkCmdCopyBufferToImage(cmd, w->staging.buffer, t->image.image,
                               VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, w->levels, w->copies);
        gfx_image_barrier(cmd, t->image.image, 0, t->mips, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL,
                      VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL, VK_ACCESS_TRANSFER_WRITE_BIT,
                      VK_ACCESS_SHADER_READ_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT,
                      VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT);
        gfx_defer_buffer(r, &w->staging); // read by this frame's copy
    }
    gs->write_count = 0;
}

void gfx_scene_drop_writes(stoa_gfx_scene *gs)
{
    for (uint32_t i = 0; i < gs->write_count; i++)
        gfx_buffer_destroy(gs->r->dev, &gs->writes[i].staging); // never recorded
    free(gs->writes);
    gs->writes = NULL;
    gs->write_count = gs->write_cap = 0;
}
