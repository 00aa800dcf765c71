// SPDX-License-Identifier: Apache-2.0
// The buffer a hit reads a cache file's copy into (scene_cache_read.c): whole
// 2 MiB pages (transparent huge pages where the kernel gives them), and one
// kept when its scene goes, for the next hit to read into. Where a page
// fault is dear (a guest whose hypervisor shadows its page tables: ~10 µs a
// 4 KiB page here), the heap's fresh pages made a process's first hit of
// a large scene cost three times mapping the file; a huge page faults once
// per 2 MiB, and a kept buffer not at all (docs/performance.md). Memory,
// not data: every hit reads and checks the file again.
#include <pthread.h>
#include <stdint.h>
#include <sys/mman.h>

#include "scene_cache.h"

#define PAGE_2M ((size_t)2 << 20)

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static uint8_t *g_kept;
static size_t g_kept_size;

uint8_t *scene_copy_buffer_take(size_t need, size_t *size)
{
    pthread_mutex_lock(&g_lock);
    uint8_t *p = g_kept && g_kept_size >= need ? g_kept : NULL;
    if (p) {
        *size = g_kept_size;
        g_kept = NULL;
        g_kept_size = 0;
    }
    pthread_mutex_unlock(&g_lock);
    if (p)
        return p;
    size_t n = (need + PAGE_2M - 1) / PAGE_2M * PAGE_2M; // whole huge pages (the kernel aligns)
    if (n < need)
        return NULL;
    p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return NULL;
#ifdef MADV_HUGEPAGE
    madvise(p, n, MADV_HUGEPAGE); // advisory: "madvise" is the usual setting
#endif
    *size = n;
    return p;
}

void scene_copy_buffer_give(uint8_t *p, size_t size)
{
    if (!p)
        return;
    pthread_mutex_lock(&g_lock);
    if (size <= SCENE_COPY_READ_MAX && size > g_kept_size) { // the larger of the two is kept
        uint8_t *old = g_kept;
        size_t old_size = g_kept_size;
        g_kept = p;
        g_kept_size = size;
        p = old;
        size = old_size;
    }
    pthread_mutex_unlock(&g_lock);
    if (p)
        munmap(p, size);
}
