// SPDX-License-Identifier: Apache-2.0
// Meshes whose vertex data and indices are equal (stoa_scene_mesh_twins in
// stoa_scene_quant.h). glTF files often draw one primitive's accessors under
// several materials (MetalRoughSpheresNoTextures: one sphere, 98 times); the
// quantiser and the upload then do the work once. Found by a hash of the
// counts and a sample of the data, confirmed by comparing every array, so
// the cost is one pass over the twins' bytes (memcmp) and a few reads of the
// others'.
#include <stdlib.h>
#include <string.h>

#include "scene/stoa_scene_quant.h"

static uint64_t mix(uint64_t h, uint64_t v)
{
    h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
    return h * 0xff51afd7ed558ccdull;
}

static uint64_t sample(uint64_t h, const void *p, size_t bytes)
{
    if (!p)
        return mix(h, 1);
    const uint8_t *b = p;
    // The first and last 64 bytes and 14 words between.
    uint64_t w = 0;
    for (size_t k = 0; k < 16 && bytes >= 8; k++) {
        size_t at = k == 0 ? 0 : k == 15 ? bytes - 8 : (bytes - 8) / 15 * k;
        memcpy(&w, b + at, 8);
        h = mix(h, w);
    }
    for (size_t k = 0; k < bytes && k < 8; k++)
        h = mix(h, b[k]);
    return h;
}

static uint64_t mesh_key(const stoa_mesh *m)
{
    size_t n = m->vertex_count;
    uint64_t h = mix(mix(0, n), m->index_count);
    h = sample(h, m->positions, n * 12);
    h = sample(h, m->normals, n * 12);
    h = sample(h, m->tangents, n * 16);
    h = sample(h, m->uv0, n * 8);
    h = sample(h, m->uv1, n * 8);
    h = sample(h, m->colors, n * 16);
    h = sample(h, m->joints, n * 8);
    h = sample(h, m->weights, n * 16);
    return sample(h, m->indices, (size_t)m->index_count * 4);
}

static bool same_array(const void *a, const void *b, size_t bytes)
{
    if (!a || !b)
        return a == b;
    return a == b || memcmp(a, b, bytes) == 0;
}

static bool same_mesh(const stoa_mesh *a, const stoa_mesh *b)
{
    size_t n = a->vertex_count;
    return a->vertex_count == b->vertex_count && a->index_count == b->index_count &&
           !a->morph_target_count && !b->morph_target_count &&
           same_array(a->positions, b->positions, n * 12) &&
           same_array(a->normals, b->normals, n * 12) &&
           same_array(a->tangents, b->tangents, n * 16) && same_array(a->uv0, b->uv0, n * 8) &&
           same_array(a->uv1, b->uv1, n * 8) && same_array(a->colors, b->colors, n * 16) &&
           same_array(a->joints, b->joints, n * 8) && same_array(a->weights, b->weights, n * 16) &&
           same_array(a->indices, b->indices, (size_t)a->index_count * 4);
}

uint32_t *stoa_scene_mesh_twins(const stoa_scene *sc)
{
    uint32_t n = sc->mesh_count, size = 16;
    while (size < 2u * n && size < (1u << 30))
        size *= 2;
    uint32_t *first = malloc(((size_t)n + 1) * sizeof *first);
    uint32_t *next = malloc(((size_t)n + 1) * sizeof *next);
    uint64_t *key = malloc(((size_t)n + 1) * sizeof *key);
    uint32_t *head = malloc((size_t)size * sizeof *head);
    if (!first || !next || !key || !head) {
        free(first);
        free(next);
        free(key);
        free(head);
        return NULL;
    }
    memset(head, 0xff, (size_t)size * sizeof *head);
    for (uint32_t i = 0; i < n; i++) {
        const stoa_mesh *m = &sc->meshes[i];
        first[i] = i;
        if (m->morph_target_count || !m->vertex_count)
            continue; // morphed meshes keep their own deltas: never twins
        key[i] = mesh_key(m);
        uint32_t slot = (uint32_t)(key[i] >> 32) & (size - 1);
        for (uint32_t r = head[slot]; r != UINT32_MAX; r = next[r])
            if (key[r] == key[i] && same_mesh(&sc->meshes[r], m)) {
                first[i] = r;
                break;
            }
        if (first[i] == i) {
            next[i] = head[slot];
            head[slot] = i;
        }
    }
    free(next);
    free(key);
    free(head);
    return first;
}
