// SPDX-License-Identifier: Apache-2.0
// Open addressing with FNV-1a: a class's logs hold hundreds of thousands
// of ids, too many for a list.
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stoa_trace_read.h"

typedef struct slot {
    char *id;
    int line;
} slot;

struct stoa_trace_id_set {
    slot *slots;
    size_t cap, count; // cap is a power of two
};

static uint64_t fnv1a(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

stoa_trace_id_set *stoa_trace_id_set_create(void)
{
    stoa_trace_id_set *s = calloc(1, sizeof *s);
    if (s && !(s->slots = calloc(s->cap = 1024, sizeof *s->slots))) {
        free(s);
        return NULL;
    }
    return s;
}

void stoa_trace_id_set_destroy(stoa_trace_id_set **ps)
{
    if (!ps || !*ps)
        return;
    for (size_t i = 0; i < (*ps)->cap; i++)
        free((*ps)->slots[i].id);
    free((*ps)->slots);
    free(*ps);
    *ps = NULL;
}

static slot *find(slot *slots, size_t cap, const char *id)
{
    size_t i = (size_t)fnv1a(id) & (cap - 1);
    while (slots[i].id && strcmp(slots[i].id, id) != 0)
        i = (i + 1) & (cap - 1);
    return &slots[i];
}

static bool grow(stoa_trace_id_set *s)
{
    size_t cap = s->cap * 2;
    slot *slots = calloc(cap, sizeof *slots);
    if (!slots)
        return false;
    for (size_t i = 0; i < s->cap; i++)
        if (s->slots[i].id)
            *find(slots, cap, s->slots[i].id) = s->slots[i];
    free(s->slots);
    s->slots = slots;
    s->cap = cap;
    return true;
}

int stoa_trace_id_set_add(stoa_trace_id_set *s, const char *id, int line)
{
    if (!s || !id)
        return 0;
    if ((s->count + 1) * 2 > s->cap && !grow(s))
        return 0;
    slot *sl = find(s->slots, s->cap, id);
    if (sl->id)
        return sl->line > 0 ? sl->line : 1;
    if (!(sl->id = strdup(id)))
        return 0;
    sl->line = line;
    s->count++;
    return 0;
}
