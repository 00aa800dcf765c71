// SPDX-License-Identifier: Apache-2.0
// A mapped cache file's eager pages (the header's page, the sections, the
// geometry and, when the sections lie after DATA, the tail) mapped in one
// call before a hit reads them all, rather than a page fault per run of
// pages. Where a fault is dear (a guest whose hypervisor shadows its page
// tables) this saves a tenth of a large mapped hit. Advisory:
// read before the file is checked, so every bound is clamped and any error
// ignored; the texels are left to fault in as they are uploaded.
#include <string.h>
#include <sys/mman.h>

#include "scene_cache.h"

static void populate(uint8_t *bytes, size_t size, uint64_t from, uint64_t to)
{
#ifdef MADV_POPULATE_READ
    from &= ~(uint64_t)4095;
    to = to < size ? to : size;
    if (from < to)
        madvise(bytes + from, (size_t)(to - from), MADV_POPULATE_READ); // Linux 5.14
#else
    (void)bytes, (void)size, (void)from, (void)to;
#endif
}

void scene_cache_populate(uint8_t *bytes, size_t size)
{
    cache_header h;
    if (size < CACHE_DATA_OFFSET)
        return;
    memcpy(&h, bytes, sizeof h);
    if (h.section_count > CACHE_MAX_SECTIONS)
        return;
    uint64_t data_end = CACHE_DATA_OFFSET, lazy_from = 0;
    for (uint32_t i = 0; i < h.section_count; i++) {
        cache_section s;
        memcpy(&s, bytes + sizeof h + i * sizeof s, sizeof s);
        if (s.id == CACHE_DATA && s.offset <= size && s.size <= size - s.offset)
            data_end = s.offset + s.size;
        else if (s.id == CACHE_META && s.size >= 8 && s.offset <= size && s.size <= size - s.offset)
            memcpy(&lazy_from, bytes + s.offset + s.size - 8, 8); // its last field
    }
    populate(bytes, size, 0, CACHE_DATA_OFFSET + (lazy_from < size ? lazy_from : size));
    if (data_end > CACHE_DATA_OFFSET + lazy_from)
        populate(bytes, size, data_end, size); // sections after DATA, and CHNK
}
