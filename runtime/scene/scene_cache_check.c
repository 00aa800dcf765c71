// SPDX-License-Identifier: Apache-2.0
// Checking a baked scene cache file before anything in it is used: header,
// version, key, size, section table, and the hash of every section and of
// every chunk of DATA (on a few threads: the texels are most of the file).
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#include "scene_cache.h"

#define MAX_CHECKERS 4
// A thread is started for each this many bytes to check (at most MAX_CHECKERS).
#define BYTES_PER_CHECKER ((uint64_t)4 << 20)

static const uint32_t k_known[] = {CACHE_META, CACHE_NODE, CACHE_MESH, CACHE_MATL,
                                   CACHE_TEXR, CACHE_SKIN, CACHE_CAMR, CACHE_LITE,
                                   CACHE_ANIM, CACHE_WARN, CACHE_DATA, CACHE_CHNK,
                                   CACHE_LODS, CACHE_QVTX};

#define K_KNOWN (sizeof k_known / sizeof *k_known)

// id's index in k_known, K_KNOWN for EAGR (optional: the only one), -1
// for an id this Stoa does not know.
static int known(uint32_t id)
{
    if (id == CACHE_EAGR)
        return (int)K_KNOWN;
    for (size_t i = 0; i < K_KNOWN; i++)
        if (k_known[i] == id)
            return (int)i;
    return -1;
}

typedef struct chunk_check {
    struct scene_baked *b;
    uint64_t end;
    atomic_uint_fast64_t next;
    atomic_bool bad;
} chunk_check;

// Each thread takes a run of chunks of about 1 MiB at a time: threads do
// not fault in the same pages, nor write neighbouring chunk_state bytes.
#define RUN (((size_t)1 << 20) / CACHE_CHUNK)

static void *check_chunks(void *arg)
{
    chunk_check *c = arg;
    struct scene_baked *b = c->b;
    for (uint64_t first; !atomic_load(&c->bad) && (first = atomic_fetch_add(&c->next, RUN)) < c->end;) {
        for (uint64_t i = first; i < first + RUN && i < c->end; i++) {
            if (b->chunk_state[i] != 0) {
                if (b->chunk_state[i] == 2)
                    atomic_store(&c->bad, true);
                continue;
            }
            uint64_t at = i * CACHE_CHUNK;
            uint64_t n = b->data_size - at < CACHE_CHUNK ? b->data_size - at : CACHE_CHUNK;
            if (b->lazy_from > at && b->lazy_from < at + n)
                n = b->lazy_from - at; // the geometry's last chunk: the padding after is unread
            uint64_t want;
            memcpy(&want, (i < b->eager_count ? b->eager_hashes : b->chunk_hashes) + i * 8, 8);
            bool good = scene_hash64(b->data + at, n, 0) == want;
            b->chunk_state[i] = good ? 1 : 2; // each index is this thread's alone
            if (!good)
                atomic_store(&c->bad, true);
        }
    }
    return NULL;
}

bool scene_cache_check_chunks(struct scene_baked *b, uint64_t first, uint64_t end)
{
    end = end < b->chunk_count ? end : b->chunk_count;
    if (first >= end)
        return true;
    chunk_check c = {.b = b, .end = end};
    atomic_init(&c.next, first);
    atomic_init(&c.bad, false);
    uint64_t want = (end - first) / (BYTES_PER_CHECKER / CACHE_CHUNK); // few: this thread
    if (want > 0) { // sysconf reads /sys each time: once per process
        static atomic_long cores;
        long c = atomic_load(&cores);
        if (c == 0)
            atomic_store(&cores, c = sysconf(_SC_NPROCESSORS_ONLN));
        want = c - 1 < (long)want ? (c > 1 ? (uint64_t)c - 1 : 0) : want;
        want = want < MAX_CHECKERS ? want : MAX_CHECKERS;
    }
    pthread_t t[MAX_CHECKERS];
    uint32_t started = 0;
    pthread_mutex_lock(&b->lock);
    if (b->texels && end > (b->lazy_from + CACHE_CHUNK - 1) / CACHE_CHUNK &&
        !scene_cache_map_texels(b)) { // a memo's copy: its file mapped now, or gone
        pthread_mutex_unlock(&b->lock);
        return false;
    }
    while (started < want && pthread_create(&t[started], NULL, check_chunks, &c) == 0)
        started++;
    check_chunks(&c);
    for (uint32_t i = 0; i < started; i++)
        pthread_join(t[i], NULL);
    pthread_mutex_unlock(&b->lock);
    return !atomic_load(&c.bad);
}

static const cache_section *find(const cache_section *table, uint32_t n, uint32_t id)
{
    for (uint32_t i = 0; i < n; i++)
        if (table[i].id == id)
            return &table[i];
    return NULL;
}

#define BAD(...) stoa_error_set(err, STOA_ERROR_PARSE, __VA_ARGS__)

static stoa_result check_table(const cache_span *span, size_t size, const cache_section *table,
                               uint32_t n, bool check_hashes, stoa_error *err)
{
    uint64_t table_end = sizeof(cache_header) + (uint64_t)n * sizeof(cache_section);
    uint32_t seen = 0; // a bit per known section (a hit checks every table: no quadratic find)
    const cache_section *data = NULL, *chnk = NULL;
    for (uint32_t i = 0; i < n; i++) {
        const cache_section *s = &table[i];
        // In the header's page after the table (format 8), or from DATA on.
        bool front = s->id != CACHE_DATA && s->offset >= table_end &&
                     s->offset <= CACHE_DATA_OFFSET && s->size <= CACHE_DATA_OFFSET - s->offset;
        if (s->offset % 16 || (!front && s->offset < CACHE_DATA_OFFSET) || s->offset > size ||
            s->size > size - s->offset)
            return BAD("section %u lies outside the file (offset %llu, %llu bytes)", i,
                       (unsigned long long)s->offset, (unsigned long long)s->size);
        int k = known(s->id);
        if (k >= 0 ? (seen >> k & 1u) != 0 : find(table, i, s->id) != NULL)
            return BAD("section %u repeats an earlier one", i);
        seen |= k >= 0 ? 1u << k : 0;
        data = s->id == CACHE_DATA ? s : data;
        chnk = s->id == CACHE_CHNK ? s : chnk;
        const uint8_t *at = cache_span_at(span, s->offset, s->size);
        if (s->id != CACHE_DATA && s->id != CACHE_CHNK && !at) // (CHNK: EAGR's, in a front)
            return BAD("section %.4s lies in the texels a copy leaves out", (const char *)&s->id);
        if (k < 0 && (s->flags & CACHE_SECTION_REQUIRED))
            return BAD("section %u (%.4s) is needed and unknown to this Stoa", i,
                       (const char *)&s->id);
        // DATA is checked by its chunks, and CHNK with them: a damaged
        // chunk hash fails its chunk's check like damaged data does, so
        // hashing all of CHNK here (32 KiB for 64 MiB of texels) adds nothing.
        if (check_hashes && s->id != CACHE_DATA && s->id != CACHE_CHNK &&
            scene_hash64(at, s->size, 0) != s->hash)
            return BAD("section %.4s: checksum mismatch", (const char *)&s->id);
    }
    for (size_t k = 0; k < K_KNOWN; k++)
        if (!(seen >> k & 1u))
            return BAD("section %.4s is missing", (const char *)&k_known[k]);
    uint64_t chunks = (data->size + CACHE_CHUNK - 1) / CACHE_CHUNK;
    if (data->offset != CACHE_DATA_OFFSET || chnk->size != chunks * 8)
        return BAD("DATA (%llu bytes) and its %llu chunk checksums disagree",
                   (unsigned long long)data->size, (unsigned long long)(chnk->size / 8));
    return STOA_OK;
}

// Where a copy of `have` bytes of a file of `size` lies (cache_span): with
// EAGR (every section in the header's page) its front alone, else its
// front and a tail of all after DATA; false when DATA is not in the table
// or the copy cannot hold the header's page and that tail.
static bool span_of(const uint8_t *bytes, size_t have, size_t size, const cache_section *table,
                    uint32_t n, cache_span *span)
{
    *span = (cache_span){bytes, have, size, size};
    if (have == size || find(table, n, CACHE_EAGR))
        return true;
    for (uint32_t i = 0; i < n; i++)
        if (table[i].id == CACHE_DATA) {
            uint64_t end = table[i].offset + table[i].size; // checked against size below
            if (table[i].offset > size || table[i].size > size - table[i].offset ||
                size - end > have - CACHE_DATA_OFFSET)
                return false;
            span->front = have - (size - end);
            span->tail_from = end;
            return true;
        }
    return false;
}

stoa_result scene_cache_check(const uint8_t *bytes, size_t have, size_t size, uint64_t expect_key,
                              bool check_hashes, const cache_section **out_table,
                              uint32_t *out_count, cache_span *out_span, stoa_error *err)
{
    cache_header h;
    if (size < CACHE_DATA_OFFSET || have < CACHE_DATA_OFFSET || have > size)
        return BAD("truncated (%zu bytes)", have);
    memcpy(&h, bytes, sizeof h);
    if (memcmp(h.magic, CACHE_MAGIC, 8) != 0)
        return BAD("not a Stoa scene cache file");
    if (h.version != STOA_SCENE_CACHE_VERSION || h.endian != CACHE_ENDIAN)
        return BAD("format version %u (this Stoa reads %u)", h.version, STOA_SCENE_CACHE_VERSION);
    if (check_hashes && scene_hash64(&h, offsetof(cache_header, header_hash), 0) != h.header_hash)
        return BAD("header checksum mismatch");
    if (expect_key && h.key != expect_key)
        return BAD("made from other content (key %016llx, expected %016llx)",
                   (unsigned long long)h.key, (unsigned long long)expect_key);
    if (h.file_size != size)
        return BAD("%zu bytes where the header says %llu (truncated or grown)", size,
                   (unsigned long long)h.file_size);
    if (h.section_count == 0 || h.section_count > CACHE_MAX_SECTIONS ||
        h.chunk_size != CACHE_CHUNK)
        return BAD("bad section count %u or chunk size %u", h.section_count, h.chunk_size);
    const cache_section *table = (const cache_section *)(bytes + sizeof h);
    if (check_hashes && scene_hash64(table, h.section_count * sizeof *table, 0) != h.table_hash)
        return BAD("section table checksum mismatch");
    cache_span span;
    if (!span_of(bytes, have, size, table, h.section_count, &span))
        return BAD("a copy of %zu bytes cannot hold the header's page and all after DATA", have);
    stoa_result r = check_table(&span, size, table, h.section_count, check_hashes, err);
    if (r < 0)
        return r;
    *out_table = table;
    *out_count = h.section_count;
    *out_span = span;
    return STOA_OK;
}

bool scene_cache_copy_plan(const uint8_t *page, size_t file_size, uint64_t *front,
                           uint64_t *tail_from)
{
    cache_header h;
    memcpy(&h, page, sizeof h);
    const cache_section *table = (const cache_section *)(page + sizeof h);
    if (file_size < CACHE_DATA_OFFSET || memcmp(h.magic, CACHE_MAGIC, 8) != 0 ||
        h.version != STOA_SCENE_CACHE_VERSION || h.file_size != file_size || h.section_count == 0 ||
        h.section_count > CACHE_MAX_SECTIONS ||
        scene_hash64(&h, offsetof(cache_header, header_hash), 0) != h.header_hash ||
        scene_hash64(table, h.section_count * sizeof *table, 0) != h.table_hash)
        return false;
    const cache_section *data = find(table, h.section_count, CACHE_DATA);
    const cache_section *meta = find(table, h.section_count, CACHE_META);
    if (!data || !meta || data->offset != CACHE_DATA_OFFSET ||
        data->size > file_size - CACHE_DATA_OFFSET || meta->size < 8 ||
        meta->offset > CACHE_DATA_OFFSET - 8 || meta->size > CACHE_DATA_OFFSET - meta->offset)
        return false; // META in the page (the writer puts it there) holds lazy_from
    uint64_t lazy_from;
    memcpy(&lazy_from, page + meta->offset + meta->size - 8, 8); // META's last field
    lazy_from = lazy_from < data->size ? lazy_from : data->size;
    *front = CACHE_DATA_OFFSET + lazy_from;
    // With EAGR every section is in the page (the geometry's chunk hashes
    // too): no tail. Else the sections after DATA, and CHNK.
    *tail_from = find(table, h.section_count, CACHE_EAGR) ? file_size : data->offset + data->size;
    if (*front + (file_size - *tail_from) >= file_size) // no texels to leave out: all of it
        *front = *tail_from = file_size;
    return true;
}
