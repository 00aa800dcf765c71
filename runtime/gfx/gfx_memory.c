// SPDX-License-Identifier: Apache-2.0
// Device memory: a few large VkDeviceMemory blocks (64 MiB, or one
// allocation's size when larger), sub-allocated first-fit from a free list.
//
// Each block keeps its free ranges sorted by offset and coalesced (no two
// touch). An allocation takes the first range that holds it once aligned;
// the alignment gap before it and the rest after it stay free. Freeing puts
// the range back and merges it with its neighbours, so memory a panel or a
// scene let go is reused at once by the next one (the lesson runtime makes
// and drops overlay scenes all the time), not only when a whole block
// empties. Cost: O(free ranges of the block) per call; blocks hold few
// ranges because neighbours merge. (TLSF would make the search O(1) with
// size classes; at Stoa's allocation rates, a few per second, first-fit is
// enough and simpler to check.) An empty block is given back unless it is
// the only spare of its kind. Buffers and optimal images live in different
// blocks, which sidesteps bufferImageGranularity.
#include <stdlib.h>
#include <string.h>

#include "core/stoa_log.h"
#include "gfx_internal.h"

#define BLOCK_SIZE ((VkDeviceSize)64 << 20)

static int32_t find_type(const stoa_gfx_device *dev, uint32_t bits, VkMemoryPropertyFlags want)
{
    for (uint32_t i = 0; i < dev->mem_props.memoryTypeCount; i++)
        if ((bits & (1u << i)) && (dev->mem_props.memoryTypes[i].propertyFlags & want) == want)
            return (int32_t)i;
    return -1;
}

static int32_t choose_type(const stoa_gfx_device *dev, uint32_t bits, gfx_mem_usage usage)
{
    const VkMemoryPropertyFlags local = VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT;
    const VkMemoryPropertyFlags host =
        VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
    int32_t t = -1;
    switch (usage) {
    case GFX_MEM_GPU:
        t = find_type(dev, bits, local);
        break;
    case GFX_MEM_UPLOAD:
        t = find_type(dev, bits, host);
        break;
    case GFX_MEM_READBACK:
        t = find_type(dev, bits, host | VK_MEMORY_PROPERTY_HOST_CACHED_BIT);
        if (t < 0)
            t = find_type(dev, bits, host);
        break;
    case GFX_MEM_GPU_MAPPED:
        t = find_type(dev, bits, local | host);
        break;
    }
    if (t < 0 && usage == GFX_MEM_GPU)
        t = find_type(dev, bits, 0);
    return t;
}

static stoa_result new_block(stoa_gfx_device *dev, uint32_t type, bool linear, VkDeviceSize size,
                             int32_t *out, stoa_error *err)
{
    int32_t slot = -1;
    for (int32_t i = 0; i < GFX_MAX_BLOCKS && slot < 0; i++)
        if (!dev->blocks[i].memory)
            slot = i;
    if (slot < 0)
        return stoa_error_set(err, STOA_ERROR_LIMIT, "gfx: more than %d memory blocks",
                              GFX_MAX_BLOCKS);
    VkMemoryAllocateInfo info = {
        .sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO,
        .allocationSize = size,
        .memoryTypeIndex = type,
    };
    gfx_block *b = &dev->blocks[slot];
    memset(b, 0, sizeof *b);
    b->free = malloc(4 * sizeof *b->free);
    if (!b->free)
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "gfx: out of memory");
    b->free_cap = 4;
    stoa_result res = GFX_VK(err, vkAllocateMemory(dev->h.device, &info, NULL, &b->memory));
    if (res < 0) {
        free(b->free);
        memset(b, 0, sizeof *b);
        return res;
    }
    b->size = size;
    b->free[0] = (gfx_range){0, size};
    b->free_count = 1;
    b->live = 0;
    b->type = type;
    b->linear = linear;
    b->mapped = NULL;
    if (dev->mem_props.memoryTypes[type].propertyFlags & VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT) {
        res = GFX_VK(err, vkMapMemory(dev->h.device, b->memory, 0, VK_WHOLE_SIZE, 0, &b->mapped));
        if (res < 0) {
            vkFreeMemory(dev->h.device, b->memory, NULL);
            free(b->free);
            memset(b, 0, sizeof *b);
            return res;
        }
    }
    *out = slot;
    return STOA_OK;
}

// First fit: the first free range holding `size` at an `align`ed offset.
// The gap before and the rest after stay free. False when none holds it (or
// when out of memory for one more range).
static bool take(gfx_block *b, VkDeviceSize size, VkDeviceSize align, VkDeviceSize *out)
{
    for (uint32_t i = 0; i < b->free_count; i++) {
        gfx_range r = b->free[i];
        VkDeviceSize o = (r.offset + align - 1) / align * align;
        if (o + size > r.offset + r.size)
            continue;
        VkDeviceSize before = o - r.offset, after = r.offset + r.size - (o + size);
        if (before && after) { // one range becomes two
            if (b->free_count == b->free_cap) {
                gfx_range *grown = realloc(b->free, 2 * b->free_cap * sizeof *grown);
                if (!grown)
                    return false;
                b->free = grown;
                b->free_cap *= 2;
            }
            memmove(&b->free[i + 2], &b->free[i + 1], (b->free_count - i - 1) * sizeof *b->free);
            b->free[i] = (gfx_range){r.offset, before};
            b->free[i + 1] = (gfx_range){o + size, after};
            b->free_count++;
        } else if (before) {
            b->free[i].size = before;
        } else if (after) {
            b->free[i] = (gfx_range){o + size, after};
        } else {
            memmove(&b->free[i], &b->free[i + 1], (b->free_count - i - 1) * sizeof *b->free);
            b->free_count--;
        }
        *out = o;
        return true;
    }
    return false;
}

// Puts [offset, offset + size) back, merged with the ranges it touches.
static void give_back(gfx_block *b, VkDeviceSize offset, VkDeviceSize size)
{
    uint32_t i = 0;
    while (i < b->free_count && b->free[i].offset < offset)
        i++;
    bool join_prev = i > 0 && b->free[i - 1].offset + b->free[i - 1].size == offset;
    bool join_next = i < b->free_count && offset + size == b->free[i].offset;
    if (join_prev && join_next) {
        b->free[i - 1].size += size + b->free[i].size;
        memmove(&b->free[i], &b->free[i + 1], (b->free_count - i - 1) * sizeof *b->free);
        b->free_count--;
    } else if (join_prev) {
        b->free[i - 1].size += size;
    } else if (join_next) {
        b->free[i].offset = offset;
        b->free[i].size += size;
    } else {
        if (b->free_count == b->free_cap) {
            gfx_range *grown = realloc(b->free, 2 * b->free_cap * sizeof *grown);
            if (!grown) // the range is lost until the block empties
                return;
            b->free = grown;
            b->free_cap *= 2;
        }
        memmove(&b->free[i + 1], &b->free[i], (b->free_count - i) * sizeof *b->free);
        b->free[i] = (gfx_range){offset, size};
        b->free_count++;
    }
}

static stoa_result mem_alloc_locked(stoa_gfx_device *dev, const VkMemoryRequirements *req,
                                   gfx_mem_usage usage, bool linear, gfx_alloc *out,
                                   stoa_error *err)
{
    int32_t type = choose_type(dev, req->memoryTypeBits, usage);
    if (type < 0)
        return stoa_error_set(err, STOA_ERROR_UNSUPPORTED, "gfx: no suitable memory type");
    VkDeviceSize align = req->alignment ? req->alignment : 1;
    // nonCoherentAtomSize keeps mapped ranges of neighbours apart.
    if (dev->props.limits.nonCoherentAtomSize > align)
        align = dev->props.limits.nonCoherentAtomSize;
    int32_t found = -1;
    VkDeviceSize offset = 0;
    for (int32_t i = 0; i < GFX_MAX_BLOCKS && found < 0; i++) {
        gfx_block *b = &dev->blocks[i];
        if (!b->memory || b->type != (uint32_t)type || b->linear != linear)
            continue;
        if (take(b, req->size, align, &offset))
            found = i;
    }
    if (found < 0) {
        VkDeviceSize size = req->size > BLOCK_SIZE ? req->size : BLOCK_SIZE;
        stoa_result res = new_block(dev, (uint32_t)type, linear, size, &found, err);
        if (res < 0)
            return res;
        if (!take(&dev->blocks[found], req->size, align, &offset))
            return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "gfx: out of memory");
    }
    gfx_block *b = &dev->blocks[found];
    b->live++;
    out->memory = b->memory;
    out->offset = offset;
    out->size = req->size;
    out->mapped = b->mapped ? (uint8_t *)b->mapped + offset : NULL;
    out->block = found;
    return STOA_OK;
}

// Loader threads allocate for the scenes they upload while the frame thread
// frees what finished frames let go. The lock is held for a free-list walk
// (and, rarely, a new block's vkAllocateMemory), never across a GPU wait.
stoa_result gfx_mem_alloc(stoa_gfx_device *dev, const VkMemoryRequirements *req,
                          gfx_mem_usage usage, bool linear, gfx_alloc *out, stoa_error *err)
{
    memset(out, 0, sizeof *out);
    out->block = -1;
    pthread_mutex_lock(&dev->mem_lock);
    stoa_result res = mem_alloc_locked(dev, req, usage, linear, out, err);
    pthread_mutex_unlock(&dev->mem_lock);
    return res;
}

static void mem_free_locked(stoa_gfx_device *dev, gfx_alloc *a)
{
    gfx_block *b = &dev->blocks[a->block];
    if (b->live > 0)
        give_back(b, a->offset, a->size);
    if (b->live > 0 && --b->live == 0) {
        b->free[0] = (gfx_range){0, b->size}; // all of it, whatever was lost
        b->free_count = 1;
        // Keep one empty block per kind: the next scene (a reload, the next
        // lesson) reuses it without the cost of fresh pages.
        bool spare = false;
        for (int32_t i = 0; i < GFX_MAX_BLOCKS && !spare; i++) {
            const gfx_block *o = &dev->blocks[i];
            spare = i != a->block && o->memory && o->live == 0 && o->type == b->type &&
                    o->linear == b->linear;
        }
        if (spare) {
            if (b->mapped)
                vkUnmapMemory(dev->h.device, b->memory);
            vkFreeMemory(dev->h.device, b->memory, NULL);
            free(b->free);
            memset(b, 0, sizeof *b);
        }
    }
}

void gfx_mem_free(stoa_gfx_device *dev, gfx_alloc *a)
{
    if (!a || a->block < 0 || a->block >= GFX_MAX_BLOCKS || !a->memory)
        return;
    pthread_mutex_lock(&dev->mem_lock);
    mem_free_locked(dev, a);
    pthread_mutex_unlock(&dev->mem_lock);
    memset(a, 0, sizeof *a);
    a->block = -1;
}

void gfx_mem_fini(stoa_gfx_device *dev)
{
    for (int32_t i = 0; i < GFX_MAX_BLOCKS; i++) {
        gfx_block *b = &dev->blocks[i];
        if (!b->memory)
            continue;
        if (b->live)
            STOA_LOGW(GFX_MODULE, "memory block %d still holds %u allocations at device destroy",
                      i, b->live);
        if (b->mapped)
            vkUnmapMemory(dev->h.device, b->memory);
        vkFreeMemory(dev->h.device, b->memory, NULL);
        free(b->free);
        memset(b, 0, sizeof *b);
    }
}

stoa_result gfx_buffer_create(stoa_gfx_device *dev, VkDeviceSize size, VkBufferUsageFlags usage,
                              gfx_mem_usage mem, gfx_buffer *out, stoa_error *err)
{
    memset(out, 0, sizeof *out);
    out->alloc.block = -1;
    VkBufferCreateInfo info = {
        .sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO,
        .size = size ? size : 16,
        .usage = usage,
        .sharingMode = VK_SHARING_MODE_EXCLUSIVE,
    };
    gfx_count_object();
    stoa_result res = GFX_VK(err, vkCreateBuffer(dev->h.device, &info, NULL, &out->buffer));
    if (res < 0)
        return res;
    VkMemoryRequirements req;
    vkGetBufferMemoryRequirements(dev->h.device, out->buffer, &req);
    res = gfx_mem_alloc(dev, &req, mem, true, &out->alloc, err);
    if (res >= 0)
        res = GFX_VK(err, vkBindBufferMemory(dev->h.device, out->buffer, out->alloc.memory,
                                             out->alloc.offset));
    if (res < 0) {
        gfx_buffer_destroy(dev, out);
        return res;
    }
    out->size = info.size;
    return STOA_OK;
}

void gfx_buffer_destroy(stoa_gfx_device *dev, gfx_buffer *b)
{
    if (b->buffer)
        vkDestroyBuffer(dev->h.device, b->buffer, NULL);
    gfx_mem_free(dev, &b->alloc);
    memset(b, 0, sizeof *b);
    b->alloc.block = -1;
}

int64_t gfx_staging_take(gfx_staging *st, VkDeviceSize size)
{
    VkDeviceSize o = (st->used + 15) & ~(VkDeviceSize)15;
    if (!st->buffer.alloc.mapped || o + size > st->buffer.size)
        return -1;
    st->used = o + size;
    return (int64_t)o;
}

stoa_result gfx_image_create(stoa_gfx_device *dev, const VkImageCreateInfo *info, gfx_image *out,
                             stoa_error *err)
{
    return gfx_image_create_in(dev, info, GFX_MEM_GPU, out, err);
}

stoa_result gfx_image_create_in(stoa_gfx_device *dev, const VkImageCreateInfo *info,
                                gfx_mem_usage mem, gfx_image *out, stoa_error *err)
{
    memset(out, 0, sizeof *out);
    out->alloc.block = -1;
    gfx_count_object();
    stoa_result res = GFX_VK(err, vkCreateImage(dev->h.device, info, NULL, &out->image));
    if (res < 0)
        return res;
    VkMemoryRequirements req;
    vkGetImageMemoryRequirements(dev->h.device, out->image, &req);
    bool linear = info->tiling == VK_IMAGE_TILING_LINEAR;
    res = gfx_mem_alloc(dev, &req, mem, linear, &out->alloc, err);
    if (res >= 0)
        res = GFX_VK(err, vkBindImageMemory(dev->h.device, out->image, out->alloc.memory,
                                            out->alloc.offset));
    if (res < 0)
        gfx_image_destroy(dev, out);
    return res;
}

void gfx_image_destroy(stoa_gfx_device *dev, gfx_image *img)
{
    if (img->image)
        vkDestroyImage(dev->h.device, img->image, NULL);
    gfx_mem_free(dev, &img->alloc);
    memset(img, 0, sizeof *img);
    img->alloc.block = -1;
}

stoa_result gfx_view_create(stoa_gfx_device *dev, VkImage image, VkFormat format,
                            VkImageAspectFlags aspect, uint32_t base_layer, uint32_t layers,
                            uint32_t mips, VkImageView *out, stoa_error *err)
{
    VkImageViewCreateInfo info = {
        .sType = VK_STRUCTURE_TYPE_IMAGE_VIEW_CREATE_INFO,
        .image = image,
        .viewType = layers > 1 ? VK_IMAGE_VIEW_TYPE_2D_ARRAY : VK_IMAGE_VIEW_TYPE_2D,
        .format = format,
        .subresourceRange = {aspect, 0, mips, base_layer, layers},
    };
    return GFX_VK(err, vkCreateImageView(dev->h.device, &info, NULL, out));
}

stoa_result gfx_oneshot_begin(stoa_gfx_device *dev, VkCommandBuffer *out, stoa_error *err)
{
    VkCommandBufferAllocateInfo info = {
        .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO,
        .commandPool = dev->pool,
        .level = VK_COMMAND_BUFFER_LEVEL_PRIMARY,
        .commandBufferCount = 1,
    };
    stoa_result res = GFX_VK(err, vkAllocateCommandBuffers(dev->h.device, &info, out));
    if (res < 0)
        return res;
    VkCommandBufferBeginInfo begin = {
        .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
        .flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT,
    };
    res = GFX_VK(err, vkBeginCommandBuffer(*out, &begin));
    if (res < 0) {
        vkFreeCommandBuffers(dev->h.device, dev->pool, 1, out);
        *out = VK_NULL_HANDLE;
    }
    return res;
}

stoa_result gfx_oneshot_end_submit(stoa_gfx_device *dev, VkCommandBuffer cmd, stoa_error *err)
{
    stoa_result res = GFX_VK(err, vkEndCommandBuffer(cmd));
    if (res >= 0) {
        VkSubmitInfo submit = {
            .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
            .commandBufferCount = 1,
            .pCommandBuffers = &cmd,
        };
        res = GFX_VK(err, vkQueueSubmit(dev->h.queue, 1, &submit, dev->fence));
        if (res >= 0) {
            res = GFX_VK(err, vkWaitForFences(dev->h.device, 1, &dev->fence, VK_TRUE, UINT64_MAX));
            vkResetFences(dev->h.device, 1, &dev->fence);
        }
    }
    vkFreeCommandBuffers(dev->h.device, dev->pool, 1, &cmd);
    return res;
}

stoa_result gfx_own_commands_begin(stoa_gfx_device *dev, VkCommandPool *out_pool,
                                   VkCommandBuffer *out_cmd, stoa_error *err)
{
    *out_pool = VK_NULL_HANDLE;
    *out_cmd = VK_NULL_HANDLE;
    VkCommandPoolCreateInfo pi = {
        .sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO,
        .flags = VK_COMMAND_POOL_CREATE_TRANSIENT_BIT,
        .queueFamilyIndex = dev->h.queue_family,
    };
    gfx_count_object();
    stoa_result res = GFX_VK(err, vkCreateCommandPool(dev->h.device, &pi, NULL, out_pool));
    if (res < 0)
        return res;
    VkCommandBufferAllocateInfo info = {
        .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO,
        .commandPool = *out_pool,
        .level = VK_COMMAND_BUFFER_LEVEL_PRIMARY,
        .commandBufferCount = 1,
    };
    res = GFX_VK(err, vkAllocateCommandBuffers(dev->h.device, &info, out_cmd));
    VkCommandBufferBeginInfo begin = {
        .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
        .flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT,
    };
    if (res >= 0)
        res = GFX_VK(err, vkBeginCommandBuffer(*out_cmd, &begin));
    if (res < 0) {
        vkDestroyCommandPool(dev->h.device, *out_pool, NULL);
        *out_pool = VK_NULL_HANDLE;
        *out_cmd = VK_NULL_HANDLE;
    }
    return res;
}
