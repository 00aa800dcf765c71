// SPDX-License-Identifier: Apache-2.0
// Indexed access to the glTF document's JSON arrays. cJSON keeps an array
// as a linked list, so cJSON_GetArrayItem walks i items and
// cJSON_GetArraySize all of them; the import looks accessors, nodes,
// meshes and the rest up by index inside loops, which made a file of
// 20 000 meshes take 15 s (92% in cJSON_GetArrayItem) and a larger one
// unbounded time. A long array gets a vector of its items on first use,
// kept in a few slots shared by every thread. An entry is valid while its
// array's first and last items are those it saw (an append, as
// EXT_mesh_gpu_instancing's nodes, builds it again); arrays are only freed
// with their document, and scene_json_index_forget (scene_doc_close, and
// before any other tree is deleted) drops every entry first, so that an
// address reused by a new array never finds an old vector.
#include <pthread.h>
#include <stdlib.h>

#include "scene_internal.h"

#define INDEX_MIN 64 // shorter arrays are walked
#define INDEX_SLOTS 8

typedef struct json_index {
    const cJSON *array, *first, *last;
    uint32_t n;
    cJSON **items; // NULL: the slot is free
} json_index;

static json_index g_index[INDEX_SLOTS];
static uint32_t g_next;
static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;

void scene_json_index_forget(void)
{
    pthread_mutex_lock(&g_mu);
    for (uint32_t i = 0; i < INDEX_SLOTS; i++) {
        free(g_index[i].items);
        g_index[i] = (json_index){0};
    }
    pthread_mutex_unlock(&g_mu);
}

// The valid entry for a (NULL when none, or out of memory), under g_mu.
static json_index *entry(const cJSON *a)
{
    const cJSON *first = a->child, *last = first ? first->prev : NULL;
    for (uint32_t i = 0; i < INDEX_SLOTS; i++)
        if (g_index[i].items && g_index[i].array == a && g_index[i].first == first &&
            g_index[i].last == last)
            return &g_index[i];
    uint32_t n = 0;
    for (const cJSON *c = first; c; c = c->next)
        n++;
    cJSON **items = malloc((size_t)(n ? n : 1) * sizeof *items);
    if (!items)
        return NULL;
    n = 0;
    for (cJSON *c = a->child; c; c = c->next)
        items[n++] = c;
    json_index *e = &g_index[g_next++ % INDEX_SLOTS];
    free(e->items);
    *e = (json_index){a, first, last, n, items};
    return e;
}

// The first `limit` items walked: *n items seen, the i-th when reached.
static cJSON *walk(const cJSON *a, uint32_t i, uint32_t limit, uint32_t *n)
{
    cJSON *c = a->child;
    uint32_t k = 0;
    for (; c && k < limit && k < i; c = c->next)
        k++;
    *n = k + (c != NULL);
    return k == i ? c : NULL;
}

cJSON *scene_json_item(const cJSON *a, uint32_t i)
{
    if (!cJSON_IsArray(a))
        return NULL;
    uint32_t n;
    if (i < INDEX_MIN)
        return walk(a, i, INDEX_MIN, &n);
    pthread_mutex_lock(&g_mu);
    json_index *e = entry(a);
    cJSON *c = e ? (i < e->n ? e->items[i] : NULL) : NULL;
    pthread_mutex_unlock(&g_mu);
    if (!e) // out of memory for the index: walked
        for (c = a->child; c && i > 0; c = c->next)
            i--;
    return c;
}

uint32_t scene_json_size(const cJSON *a)
{
    if (!cJSON_IsArray(a))
        return 0;
    uint32_t n;
    walk(a, UINT32_MAX, INDEX_MIN, &n); // n: INDEX_MIN + 1 when there are more
    if (n <= INDEX_MIN)
        return n;
    pthread_mutex_lock(&g_mu);
    json_index *e = entry(a);
    uint32_t size = e ? e->n : (uint32_t)cJSON_GetArraySize(a);
    pthread_mutex_unlock(&g_mu);
    return size;
}
