// SPDX-License-Identifier: Apache-2.0
// Private to runtime/scene: the baked scene cache's field readers and
// writers, shared by the files that read and write its sections
// (scene_cache_build.c, scene_cache_write.c, scene_cache_lods.c).
//
// Reading: a section is a stream of fields; every read is bounded by the
// section's bytes and every array reference must lie in DATA with exactly
// the size its count implies. The first failure is kept (r->why) and every
// later read returns zeros. Writing: fields into a growing buffer, arrays
// into DATA (16-byte aligned, hashed per CACHE_CHUNK) with a reference in the field
// stream.
#pragma once

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scene_cache.h"

typedef struct rd {
    const uint8_t *p; // the section
    size_t n, at;
    uint8_t *data; // DATA
    uint64_t data_size;
    // Once META is read (scene_cache_limit_refs): every array but texels
    // ends at or before eager_end (lazy_from: the bytes a load checks), and
    // texels start at or after tex_from and are read through tex_data (the
    // same DATA, or where a memo's copy will map the file: scene_cache_read.c).
    uint64_t eager_end, tex_from;
    uint8_t *tex_data;
    bool bad;
    char why[160];
} rd;

static inline void fail(rd *r, const char *why)
{
    if (!r->bad)
        snprintf(r->why, sizeof r->why, "%s", why);
    r->bad = true;
}

static inline void get(rd *r, void *out, size_t n)
{
    if (r->bad || n > r->n - r->at) {
        fail(r, "record runs past the section's end");
        memset(out, 0, n);
        return;
    }
    memcpy(out, r->p + r->at, n);
    r->at += n;
}

static inline uint32_t get_u32(rd *r)
{
    uint32_t v;
    get(r, &v, 4);
    return v;
}

static inline int32_t get_i32(rd *r)
{
    int32_t v;
    get(r, &v, 4);
    return v;
}

static inline bool get_u8(rd *r)
{
    uint8_t v;
    get(r, &v, 1);
    if (v > 1)
        fail(r, "flag is neither 0 nor 1");
    return v == 1;
}

static inline void get_f32s(rd *r, float *out, size_t n)
{
    get(r, out, n * sizeof *out);
}

static inline char *get_str(rd *r)
{
    uint32_t len = get_u32(r);
    if (r->bad || len >= r->n - r->at || r->p[r->at + len] != 0) {
        fail(r, "string runs past the section's end");
        return NULL; // the scene is destroyed: no name is read
    }
    char *s = (char *)(r->p + r->at);
    r->at += (size_t)len + 1;
    return s;
}

// An array in DATA of exactly `size` bytes, or NULL when absent (then
// `required` fails it).
static inline void *get_ref(rd *r, size_t size, bool required)
{
    uint64_t ref[2];
    get(r, ref, sizeof ref);
    if (r->bad)
        return NULL;
    if (ref[0] == UINT64_MAX && ref[1] == 0) {
        if (required)
            fail(r, "a required array is absent");
        return NULL;
    }
    if (ref[0] % 16 || ref[0] > r->data_size || ref[1] > r->data_size - ref[0] || ref[1] != size) {
        fail(r, "array outside DATA or of the wrong size");
        return NULL;
    }
    if (ref[0] + ref[1] > r->eager_end) {
        fail(r, "array among the texels (after lazy_from)");
        return NULL;
    }
    return r->data + ref[0];
}

// A texture's array in DATA: as get_ref, but among the texels (from
// tex_from on), which are checked on first use, not at load.
static inline void *get_tex_ref(rd *r, size_t size)
{
    uint64_t eager_end = r->eager_end;
    r->eager_end = r->data_size;
    uint8_t *p = get_ref(r, size, false);
    r->eager_end = eager_end;
    if (!p)
        return NULL;
    uint64_t at = (uint64_t)(p - r->data);
    if (at < r->tex_from) {
        fail(r, "texels among the geometry (before lazy_from)");
        return NULL;
    }
    return r->tex_data + at;
}

// The largest of n indices at p. The answers for the last few arrays are
// kept: twin meshes and their levels share one array (scene_cache_write.c),
// scanned once however many meshes draw it.
typedef struct index_max_seen {
    const uint32_t *p[8];
    uint32_t n[8], max[8], next;
} index_max_seen;

static inline uint32_t index_max(index_max_seen *seen, const uint32_t *p, uint32_t n)
{
    for (int k = 0; k < 8; k++)
        if (seen->p[k] == p && seen->n[k] == n)
            return seen->max[k];
    uint32_t worst = scene_index_max(p, n);
    uint32_t k = seen->next++ % 8;
    seen->p[k] = p;
    seen->n[k] = n;
    seen->max[k] = worst;
    return worst;
}

// A count of records of at least `min_bytes` each that must fit in the rest.
static inline bool count_fits(rd *r, uint64_t count, size_t min_bytes)
{
    if (r->bad || count > (r->n - r->at) / min_bytes) {
        fail(r, "count larger than its section");
        return false;
    }
    return true;
}

typedef struct wbuf {
    uint8_t *p;
    size_t n, cap;
    bool oom;
} wbuf;

typedef struct data_out {
    int fd;
    uint64_t pos;   // bytes of DATA so far
    uint8_t *chunk; // the run being filled (CACHE_WRITE_RUN bytes)
    size_t fill;
    wbuf hashes; // one uint64_t per chunk
    bool failed;
    // Where the geometry ends when texels follow (0: not yet): the chunk
    // holding it is hashed up to there, the padding after it not.
    uint64_t eager_end;
    // stoa_scene_mesh_twins of the scene written (NULL: none found): each
    // mesh's first equal mesh, whose arrays and levels a twin refers to.
    const uint32_t *twin;
} data_out;

static inline void put(wbuf *b, const void *v, size_t n)
{
    if (b->oom)
        return;
    if (b->n + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->n + n)
            cap *= 2;
        uint8_t *grown = realloc(b->p, cap);
        if (!grown) {
            b->oom = true;
            return;
        }
        b->p = grown;
        b->cap = cap;
    }
    memcpy(b->p + b->n, v, n);
    b->n += n;
}

static inline void put_u32(wbuf *b, uint32_t v)
{
    put(b, &v, 4);
}

static inline void put_i32(wbuf *b, int32_t v)
{
    put(b, &v, 4);
}

static inline void put_f32s(wbuf *b, const float *v, size_t n)
{
    put(b, v, n * sizeof *v);
}

static inline void put_u8(wbuf *b, bool v)
{
    put(b, &(uint8_t){v ? 1 : 0}, 1);
}

static inline void put_str(wbuf *b, const char *s)
{
    s = s ? s : "";
    uint32_t n = (uint32_t)strlen(s);
    put_u32(b, n);
    put(b, s, (size_t)n + 1);
}

static inline void flush_chunk(data_out *d)
{
    if (d->fill == 0)
        return;
    for (size_t at = 0; at < d->fill; at += CACHE_CHUNK) { // fill starts on a chunk
        size_t n = d->fill - at < CACHE_CHUNK ? d->fill - at : CACHE_CHUNK;
        uint64_t from = d->pos - d->fill + at; // the chunk's offset in DATA
        if (d->eager_end > from && d->eager_end < from + n)
            n = (size_t)(d->eager_end - from); // scene_cache_chunk_bytes
        uint64_t h = scene_hash64(d->chunk + at, n, 0);
        put(&d->hashes, &h, 8);
    }
    uint64_t at = CACHE_DATA_OFFSET + d->pos - d->fill;
    size_t done = 0;
    while (!d->failed && done < d->fill) {
        ssize_t w = pwrite(d->fd, d->chunk + done, d->fill - done, (off_t)(at + done));
        if (w <= 0)
            d->failed = true;
        else
            done += (size_t)w;
    }
    d->fill = 0;
}

static inline void data_bytes(data_out *d, const uint8_t *p, size_t n)
{
    while (n > 0) {
        size_t take = CACHE_WRITE_RUN - d->fill < n ? CACHE_WRITE_RUN - d->fill : n;
        if (p)
            memcpy(d->chunk + d->fill, p, take);
        else
            memset(d->chunk + d->fill, 0, take);
        d->fill += take;
        d->pos += take;
        n -= take;
        if (p)
            p += take;
        if (d->fill == CACHE_WRITE_RUN)
            flush_chunk(d);
    }
}

// A reference to an array in DATA: offset (UINT64_MAX for NULL) and size,
// also kept in kept[2]. An array whose bytes equal `same` (an array written
// before, referenced by same_ref) is referenced again rather than written
// twice: a twin mesh's arrays and levels (stoa_scene_mesh_twins) take no
// room of their own. same NULL: written.
static inline void put_ref_kept(wbuf *b, data_out *d, const void *p, size_t size, const void *same,
                                const uint64_t same_ref[2], uint64_t kept[2])
{
    if (p && same && same_ref[1] == size && (p == same || memcmp(p, same, size) == 0)) {
        memcpy(kept, same_ref, 16);
        put(b, kept, 16);
        return;
    }
    kept[0] = UINT64_MAX;
    kept[1] = 0;
    if (p) {
        data_bytes(d, NULL, (16 - d->pos % 16) % 16);
        kept[0] = d->pos;
        kept[1] = size;
        data_bytes(d, p, size);
    }
    put(b, kept, 16);
}

static inline void put_ref(wbuf *b, data_out *d, const void *p, size_t size)
{
    uint64_t kept[2];
    put_ref_kept(b, d, p, size, NULL, NULL, kept);
}

// The LODS section (scene_cache_lods.c); read after the meshes.
void scene_cache_write_lods(const stoa_scene *scene, wbuf *b, data_out *d);
void scene_cache_read_lods(rd *r, stoa_scene *scene);
// The QVTX section (scene_cache_quant.c): the quantised vertex streams,
// written after the levels; read after the meshes into scene->baked->quant.
void scene_cache_write_quant(const stoa_scene *scene, wbuf *b, data_out *d);
void scene_cache_read_quant(rd *r, stoa_scene *scene);
