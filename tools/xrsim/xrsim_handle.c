// SPDX-License-Identifier: Apache-2.0
// Table of live handles. Linear search: an app holds tens of handles, not
// thousands, and a stale handle must never be dereferenced.
#include <stdlib.h>

#include "xrsim_internal.h"

typedef struct entry {
    const void *obj;
    xrsim_type type;
} entry;

static entry *g_entries;
static size_t g_count, g_cap;

void xrsim_handle_add(void *obj, xrsim_type type)
{
    if (g_count == g_cap) {
        size_t cap = g_cap ? g_cap * 2 : 64;
        entry *e = realloc(g_entries, cap * sizeof *e);
        if (!e)
            return; // the handle will read as invalid; nothing else breaks
        g_entries = e;
        g_cap = cap;
    }
    g_entries[g_count++] = (entry){obj, type};
}

#define XRSIM_GRAVEYARD 4096

static void *g_graveyard[XRSIM_GRAVEYARD];
static size_t g_grave_next;

void xrsim_handle_release(void *obj)
{
    for (size_t i = 0; i < g_count; i++)
        if (g_entries[i].obj == obj) {
            g_entries[i] = g_entries[--g_count];
            break;
        }
    free(g_graveyard[g_grave_next]); // the oldest dead object goes for good
    g_graveyard[g_grave_next] = obj;
    g_grave_next = (g_grave_next + 1) % XRSIM_GRAVEYARD;
}

__attribute__((destructor)) static void xrsim_handles_at_unload(void)
{
    for (size_t i = 0; i < XRSIM_GRAVEYARD; i++)
        free(g_graveyard[i]);
    free(g_entries);
}

bool xrsim_handle_live(const void *obj, xrsim_type type)
{
    if (!obj)
        return false;
    for (size_t i = 0; i < g_count; i++)
        if (g_entries[i].obj == obj)
            return g_entries[i].type == type;
    return false;
}

size_t xrsim_handle_collect(xrsim_type type, void **out, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < g_count && n < cap; i++)
        if (g_entries[i].type == type)
            out[n++] = (void *)g_entries[i].obj;
    return n;
}
