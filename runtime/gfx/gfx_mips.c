// SPDX-License-Identifier: Apache-2.0
// Mip levels made on the CPU: where blits are missing (a format without
// BLIT/linear-filter support) and on CPU devices such as lavapipe, where a
// blit is CPU work anyway and a plain 2x2 box filter here costs a fraction of
// the driver's generic blitter (which also needs a copy to a staging image).
// A scene's textures are filled on a few threads. The work is memory bound
// (level 0 is a copy), so level 1 is made in the same pass as that copy.
// The box filter itself is stoa_scene_mip_halve (scene_bake_mips.c), which
// the baked scene cache uses too; a texture read from the cache brings its
// chain (gfx_texture_desc.mips) and is only copied here.
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gfx_internal.h"
#include "scene/stoa_scene_cache.h"

uint32_t gfx_mip_count(uint32_t w, uint32_t h)
{
    uint32_t n = 1;
    while (w > 1 || h > 1) {
        w = w > 1 ? w / 2 : 1;
        h = h > 1 ? h / 2 : 1;
        n++;
    }
    return n;
}

VkDeviceSize gfx_mip_chain_bytes(uint32_t w, uint32_t h)
{
    VkDeviceSize n = 0;
    for (uint32_t i = gfx_mip_count(w, h); i-- > 0;) {
        n += ((VkDeviceSize)w * h * 4 + 15) & ~(VkDeviceSize)15;
        w = w > 1 ? w / 2 : 1;
        h = h > 1 ? h / 2 : 1;
    }
    return n;
}

void gfx_mip_halve(const uint8_t *src, uint32_t w, uint32_t h, size_t src_pitch, uint8_t *dst,
                   size_t dst_pitch, bool srgb)
{
    stoa_scene_mip_halve(src, w, h, src_pitch, dst, dst_pitch, srgb);
}

// ---- filling textures ----------------------------------------------------------------

#define MAX_FILL_THREADS 8
#define PARALLEL_BYTES ((size_t)4 << 20) // below this a thread costs more than it saves

static void copy_rows(uint8_t *dst, size_t dst_pitch, const uint8_t *src, uint32_t w, uint32_t h)
{
    size_t row = (size_t)w * 4;
    if (dst_pitch == row) {
        memcpy(dst, src, row * h);
        return;
    }
    for (uint32_t y = 0; y < h; y++)
        memcpy(dst + y * dst_pitch, src + y * row, row);
}

// Level 0 copied and level 1 made in the same pass, two rows at a time, so
// that the source is read from memory once (memory bandwidth is what these
// loops wait on).
static void copy_and_halve(const gfx_texture_desc *d, uint8_t *dst0, size_t pitch0, uint8_t *dst1,
                           size_t pitch1)
{
    uint32_t w = d->width, h = d->height;
    size_t row = (size_t)w * 4;
    for (uint32_t y = 0; y < h; y += 2) {
        const uint8_t *src = d->rgba + y * row;
        uint32_t rows = h - y < 2 ? h - y : 2;
        copy_rows(dst0 + y * pitch0, pitch0, src, w, rows);
        if (rows == 2 || h == 1)
            gfx_mip_halve(src, w, rows, row, dst1 + (y / 2) * pitch1, pitch1, d->srgb);
    }
}

// Levels 2.. from level 1 in two scratch buffers taken in turn (each level
// is no larger than the one before), each then copied to its destination.
static bool fill_via_scratch(const gfx_tex_fill *f)
{
    const gfx_texture_desc *d = &f->src;
    uint32_t w = d->width > 1 ? d->width / 2 : 1, h = d->height > 1 ? d->height / 2 : 1;
    size_t l1 = (size_t)w * h * 4;
    uint8_t *scratch = malloc(2 * l1);
    if (!scratch)
        return false;
    copy_and_halve(d, f->dst[0], f->pitch[0], scratch, (size_t)w * 4);
    copy_rows(f->dst[1], f->pitch[1], scratch, w, h);
    for (uint32_t i = 2; i < f->levels; i++) {
        const uint8_t *src = scratch + (i % 2 ? l1 : 0);
        uint8_t *out = scratch + (i % 2 ? 0 : l1);
        uint32_t nw = w > 1 ? w / 2 : 1, nh = h > 1 ? h / 2 : 1;
        gfx_mip_halve(src, w, h, (size_t)w * 4, out, (size_t)nw * 4, d->srgb);
        copy_rows(f->dst[i], f->pitch[i], out, nw, nh);
        w = nw;
        h = nh;
    }
    free(scratch);
    return true;
}

// A baked chain (levels 1.. packed tightly after each other): copies only.
static void fill_baked(const gfx_tex_fill *f)
{
    const gfx_texture_desc *d = &f->src;
    copy_rows(f->dst[0], f->pitch[0], d->rgba, d->width, d->height);
    const uint8_t *src = d->mips;
    uint32_t w = d->width, h = d->height;
    for (uint32_t i = 1; i < f->levels; i++) {
        w = w > 1 ? w / 2 : 1;
        h = h > 1 ? h / 2 : 1;
        copy_rows(f->dst[i], f->pitch[i], src, w, h);
        src += (size_t)w * h * 4;
    }
}

static bool fill_one(const gfx_tex_fill *f)
{
    const gfx_texture_desc *d = &f->src;
    if (d->blocks) {
        gfx_texture_fill_blocks(f);
        return true;
    }
    if (d->mips && f->levels >= 2) {
        fill_baked(f);
        return true;
    }
    if (f->levels < 2) {
        copy_rows(f->dst[0], f->pitch[0], d->rgba, d->width, d->height);
        return true;
    }
    if (f->slow_read)
        return fill_via_scratch(f);
    copy_and_halve(d, f->dst[0], f->pitch[0], f->dst[1], f->pitch[1]);
    uint32_t w = d->width > 1 ? d->width / 2 : 1, h = d->height > 1 ? d->height / 2 : 1;
    for (uint32_t i = 2; i < f->levels; i++) {
        gfx_mip_halve(f->dst[i - 1], w, h, f->pitch[i - 1], f->dst[i], f->pitch[i], d->srgb);
        w = w > 1 ? w / 2 : 1;
        h = h > 1 ? h / 2 : 1;
    }
    return true;
}

typedef struct fill_queue {
    gfx_tex_fill *fills;
    uint32_t count;
    atomic_uint next;
    atomic_bool failed;
} fill_queue;

static void *fill_worker(void *arg)
{
    fill_queue *q = arg;
    for (uint32_t i; (i = atomic_fetch_add(&q->next, 1)) < q->count;)
        if (!fill_one(&q->fills[i]))
            atomic_store(&q->failed, true);
    return NULL;
}

static uint32_t helper_threads(const gfx_tex_fill *fills, uint32_t count)
{
    size_t bytes = 0;
    for (uint32_t i = 0; i < count; i++)
        bytes += fills[i].src.blocks ? fills[i].pitch[0] // a block texture's level 0
                                     : (size_t)fills[i].src.width * fills[i].src.height * 4;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    if (bytes < PARALLEL_BYTES || count < 2 || cores < 2)
        return 0;
    uint32_t n = (uint32_t)cores - 1;
    n = n < count - 1 ? n : count - 1;
    return n < MAX_FILL_THREADS ? n : MAX_FILL_THREADS;
}

stoa_result gfx_tex_fill_run_all(stoa_gfx_device *dev, gfx_tex_fill *fills, uint32_t count,
                                 stoa_error *err)
{
    fill_queue q = {.fills = fills, .count = count};
    atomic_init(&q.next, 0);
    atomic_init(&q.failed, false);
    pthread_t threads[MAX_FILL_THREADS];
    uint32_t started = 0, want = helper_threads(fills, count);
    while (started < want && pthread_create(&threads[started], NULL, fill_worker, &q) == 0)
        started++;
    fill_worker(&q); // this thread works too, and alone if no thread started
    for (uint32_t i = 0; i < started; i++)
        pthread_join(threads[i], NULL);
    for (uint32_t i = 0; i < count; i++) {
        if (!fills[i].flush_memory)
            continue;
        VkMappedMemoryRange range = {VK_STRUCTURE_TYPE_MAPPED_MEMORY_RANGE, NULL,
                                     fills[i].flush_memory, fills[i].flush_offset, VK_WHOLE_SIZE};
        vkFlushMappedMemoryRanges(dev->h.device, 1, &range);
    }
    if (atomic_load(&q.failed))
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "gfx: out of memory for mip maps");
    return STOA_OK;
}
