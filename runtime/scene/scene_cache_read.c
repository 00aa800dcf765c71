// SPDX-License-Identifier: Apache-2.0
// The baked scene cache's hit path: a cache file read (small) or mapped,
// checked and built into a scene; the texels checked on first use
// (stoa_scene_texture_check); stoa_scene_cache_parse. Kept to about ten
// system calls a hit (docs/performance.md, "The cached hit path").
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/stoa_log.h"
#include "scene/stoa_scene_texfmt.h"
#include "core/stoa_file.h"
#include "scene_cache.h"

// Takes `bytes` (mapped, or heap: the block `alloc` when it lies inside
// one, else bytes itself) into a new scene; on failure frees them. `size`
// bytes of a file of file_size: fewer when they are a memo's copy of the
// file's front, whose texels are then mapped on first use (scene_baked.texels).
// buffer_size: not 0 when bytes is a copy buffer (scene_copy_buffer_take).
static stoa_result from_bytes(uint8_t *bytes, size_t size, size_t file_size, bool mapped,
                              uint8_t *alloc, size_t buffer_size, uint64_t key, bool check_hashes,
                              stoa_scene **out, stoa_error *err)
{
    stoa_scene *s = calloc(1, sizeof *s);
    struct scene_baked *b = malloc(sizeof *b);
    if (b) { // all but the 4 KiB file name zeroed (a hit's largest memset)
        memset(b, 0, offsetof(struct scene_baked, file));
        b->file[0] = 0;
    }
    if (!s || !b) {
        free(s);
        free(b);
        if (mapped)
            munmap(bytes, size);
        else if (buffer_size)
            scene_copy_buffer_give(bytes, buffer_size);
        else
            free(alloc ? alloc : bytes);
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "out of memory");
    }
    b->bytes = bytes;
    b->size = size;
    b->mapped = mapped;
    b->alloc = alloc;
    b->buffer_size = buffer_size;
    b->outcome = STOA_SCENE_CACHE_HIT;
    s->baked = b;
    const cache_section *table;
    uint32_t count;
    cache_span span;
    stoa_result r =
        scene_cache_check(bytes, size, file_size, key, check_hashes, &table, &count, &span, err);
    if (r >= 0 && size < file_size) { // no access until the file is mapped there
        void *t =
            mmap(NULL, file_size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (t == MAP_FAILED)
            r = stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "cannot reserve %zu bytes",
                               file_size);
        else
            b->texels = t, b->texels_size = file_size;
    }
    uint64_t chnk = 0;
    for (uint32_t i = 0; r >= 0 && i < count; i++) {
        if (table[i].id == CACHE_DATA) {
            b->data = bytes + table[i].offset;
            b->data_size = table[i].size;
            b->chunk_count = (b->data_size + CACHE_CHUNK - 1) / CACHE_CHUNK;
        } else if (table[i].id == CACHE_CHNK) { // in the whole file, or a copy's tail
            chnk = table[i].offset;
            b->chunk_hashes = cache_span_at(&span, chnk, table[i].size);
        } else if (table[i].id == CACHE_EAGR) {
            b->eager_hashes = bytes + table[i].offset;
            b->eager_count = table[i].size / 8;
        }
    }
    if (r >= 0) {
        b->trust_data = !check_hashes;
        b->has_lock = pthread_mutex_init(&b->lock, NULL) == 0;
        if (!b->has_lock || !(b->chunk_state = calloc(b->chunk_count + 1, 1)))
            r = stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "out of memory");
    }
    if (r >= 0)
        r = scene_cache_build(s, &span, table, count, err);
    uint64_t eager = (b->lazy_from + CACHE_CHUNK - 1) / CACHE_CHUNK;
    if (r >= 0 && !b->chunk_hashes && b->eager_count < eager) // a copy without a tail
        r = stoa_error_set(err, STOA_ERROR_PARSE, "EAGR: %llu chunk checksums for %llu chunks",
                           (unsigned long long)b->eager_count, (unsigned long long)eager);
    // Everything but a large scene's texels now; those on first use.
    if (r >= 0 && check_hashes && !scene_cache_check_chunks(b, 0, eager))
        r = stoa_error_set(err, STOA_ERROR_PARSE, "DATA: checksum mismatch");
    if (r >= 0 && b->texels) { // checked from the copy; the texels from the mapping, later
        b->data = b->texels + CACHE_DATA_OFFSET;
        if (!b->chunk_hashes) // (else from the copy's tail)
            b->chunk_hashes = b->texels + chnk;
    }
    if (r < 0) {
        stoa_scene_destroy(&s);
        return r;
    }
    *out = s;
    return STOA_OK;
}

bool scene_cache_map_texels(struct scene_baked *b)
{
    if (b->texels_mapped || b->texels_gone)
        return b->texels_mapped;
    struct stat st;
    uint8_t head[sizeof(cache_header)];
    int fd = stoa_file_open_regular(b->file, &st);
    // The file the copy was made of: the same header (key, size, and the
    // hash of the section table, which holds every section's hash).
    b->texels_mapped = fd >= 0 && (uint64_t)st.st_size == b->texels_size &&
                       pread(fd, head, sizeof head, 0) == (ssize_t)sizeof head &&
                       memcmp(head, b->bytes, sizeof head) == 0 &&
                       mmap(b->texels, b->texels_size, PROT_READ | PROT_WRITE,
                            MAP_PRIVATE | MAP_FIXED, fd, 0) != MAP_FAILED;
    if (fd >= 0)
        close(fd);
    if (!b->texels_mapped) // a failed MAP_FIXED may have unmapped the range: kept reserved
        mmap(b->texels, b->texels_size, PROT_NONE,
             MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0);
    b->texels_gone = !b->texels_mapped;
    return b->texels_mapped;
}

static bool range_ok(struct scene_baked *b, const uint8_t *p, size_t size)
{
    if (!p || size == 0)
        return true;
    uint64_t at = (uint64_t)(p - b->data);
    return scene_cache_check_chunks(b, at / CACHE_CHUNK,
                                    (at + size + CACHE_CHUNK - 1) / CACHE_CHUNK);
}

bool stoa_scene_texture_check(const stoa_scene *s, uint32_t i)
{
    if (!s || i >= s->texture_count)
        return false;
    struct scene_baked *b = s->baked;
    const stoa_texture *t = &s->textures[i];
    if (!b || !b->chunk_state || b->trust_data || (!t->rgba && !t->blocks))
        return true;
    size_t level0 = (size_t)t->width * t->height * 4, chain = 0;
    for (uint32_t w = t->width, h = t->height; t->mips && (w > 1 || h > 1);) {
        w = w > 1 ? w / 2 : 1;
        h = h > 1 ? h / 2 : 1;
        chain += (size_t)w * h * 4;
    }
    if (!t->rgba)
        level0 = 0;
    if (range_ok(b, t->rgba, level0) && range_ok(b, t->mips, chain) &&
        range_ok(b, t->blocks, t->blocks_size))
        return true;
    pthread_mutex_lock(&b->lock);
    if (!b->damaged_logged && b->texels_gone) {
        // Read from a memo's copy of the file's front, and the file removed
        // or written again since: the copy goes, the file (if any) stays.
        STOA_LOGW("scene",
                  "%s: texture %u left out: the scene cache %s is gone or was written again "
                  "since %s copied its front; the next load reads the file",
                  s->path, i, b->file, b->memo ? b->memo : "the memo");
        if (b->memo)
            unlink(b->memo);
        b->damaged_logged = true;
    } else if (!b->damaged_logged) {
        STOA_LOGW("scene",
                  "%s: scene cache %s rejected (texture %u: DATA checksum mismatch); "
                  "the texture is left out and the next load rebuilds the cache",
                  s->path, b->file, i);
        unlink(b->file);
        if (b->memo) // the copy in the memo it came from: the same bytes
            unlink(b->memo);
        b->damaged_logged = true;
    }
    pthread_mutex_unlock(&b->lock);
    return false;
}

stoa_result stoa_scene_cache_parse(const uint8_t *bytes, size_t size, uint64_t expect_key,
                                   bool check_hashes, stoa_scene **out_scene, stoa_error *err)
{
    *out_scene = NULL;
    uint8_t *copy = malloc(size ? size : 1);
    if (!copy)
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "out of memory");
    memcpy(copy, bytes, size);
    stoa_result r =
        from_bytes(copy, size, size, false, NULL, 0, expect_key, check_hashes, out_scene, err);
    if (r >= 0 && !((*out_scene)->path = scene_strdup("(cache bytes)"))) {
        stoa_scene_destroy(out_scene);
        r = stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "out of memory");
    }
    return r;
}

// A cache file this small is read into the heap whole.
#define READ_BELOW (64u << 10)

static bool pread_all(int fd, uint8_t *p, uint64_t n, uint64_t at)
{
    return n == 0 || pread(fd, p, (size_t)n, (off_t)at) == (ssize_t)n;
}

bool scene_cache_read_copy(int fd, const uint8_t *page, uint64_t front, uint64_t tail_from,
                           uint64_t file_size, uint8_t *dst)
{
    uint64_t have = page && front >= CACHE_DATA_OFFSET ? CACHE_DATA_OFFSET : 0;
    if (have)
        memcpy(dst, page, have);
    return pread_all(fd, dst + have, front - have, have) &&
           pread_all(fd, dst + front, file_size - tail_from, tail_from);
}

// A larger file's copy (cache_span: without its texels, or all of a file
// with none) read into a copy buffer (*buffer_size), *have bytes; NULL when
// its first page is bad or the copy is over SCENE_COPY_READ_MAX. Where a page fault is dear (a
// guest whose hypervisor shadows its page tables), two reads into a buffer the process keeps cost a
// fraction of mapping the file and faulting its geometry in (docs/performance.md).
static uint8_t *read_copy(int fd, size_t size, size_t *have, size_t *buffer_size)
{
    uint8_t page[CACHE_DATA_OFFSET];
    uint64_t front, tail_from;
    if (!pread_all(fd, page, sizeof page, 0) ||
        !scene_cache_copy_plan(page, size, &front, &tail_from))
        return NULL;
    size_t n = (size_t)(front + (size - tail_from));
    uint8_t *b = n <= SCENE_COPY_READ_MAX ? scene_copy_buffer_take(n, buffer_size) : NULL;
    if (b && !scene_cache_read_copy(fd, page, front, tail_from, size, b)) {
        scene_copy_buffer_give(b, *buffer_size); // shorter than its stat said (truncated meanwhile)
        b = NULL;
    }
    if (b) // (else the caller maps all of the file)
        *have = n;
    return b;
}

// STOA_ERROR_NOT_FOUND when there is no file; another error when it is bad.
// *mtime_ns: the file's modification time (its last use, scene_cache_evict.c).
static stoa_result read_file(const char *file, uint64_t key, stoa_scene **out, int64_t *mtime_ns,
                             stoa_error *err)
{
    struct stat st;
    int fd = stoa_file_open_regular(file, &st); // a FIFO or folder: refused, never waited on
    if (fd < 0)
        return stoa_error_set(err, errno == ENOENT ? STOA_ERROR_NOT_FOUND : STOA_ERROR_IO, "%s",
                              errno == EINVAL ? "not a regular file" : strerror(errno));
    void *bytes = MAP_FAILED;
    bool mapped = true;
    size_t size = (size_t)st.st_size, have = size, buffer_size = 0;
    if (st.st_size > 0 && st.st_size < READ_BELOW) {
        mapped = false;
        bytes = malloc(size);
        if (bytes && !pread_all(fd, bytes, size, 0)) { // truncated meanwhile, or failed
            free(bytes);
            bytes = MAP_FAILED;
        }
    } else if (st.st_size > 0 && (bytes = read_copy(fd, size, &have, &buffer_size))) {
        mapped = false;
    } else if (st.st_size > 0) { // a huge copy, or a bad first page (its check says why)
        bytes = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    }
    close(fd);
    if (bytes == MAP_FAILED || !bytes)
        return stoa_error_set(err, STOA_ERROR_PARSE, "empty or unreadable (%lld bytes)",
                              (long long)st.st_size);
    *mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
    stoa_result r = from_bytes(bytes, have, size, mapped, NULL, buffer_size, key, true, out, err);
    if (r >= 0) // where a copy's texels are mapped from (scene_cache_map_texels)
        scene_cat((*out)->baked->file, sizeof(*out)->baked->file, file, NULL, NULL);
    return r;
}

stoa_result scene_cache_read_inline(scene_cache_inline *inl, uint64_t key, stoa_scene **out,
                                    stoa_error *err)
{
    uint8_t *alloc = inl->alloc;
    inl->alloc = NULL; // the scene's now, or freed
    // A copy of the whole file, or of its front (the header says the size).
    uint64_t file_size = inl->size;
    if (inl->size >= sizeof(cache_header))
        memcpy(&file_size, inl->bytes + offsetof(cache_header, file_size), 8);
    file_size = file_size > inl->size && file_size <= SIZE_MAX ? file_size : inl->size;
    stoa_result r = from_bytes((uint8_t *)inl->bytes, inl->size, (size_t)file_size, false, alloc, 0,
                               key, true, out, err);
    if (r >= 0 && !((*out)->baked->memo = scene_strdup(inl->memo))) {
        stoa_scene_destroy(out);
        r = stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "out of memory");
    }
    return r;
}

stoa_result scene_cache_read_file(const char *file, uint64_t key, stoa_scene **out, stoa_error *err)
{
    int64_t mtime_ns;
    return read_file(file, key, out, &mtime_ns, err);
}

// A hit moves its file to the front of the least-recently-used order
// (stoa_scene_cache_touch) unless it was used this recently: a reload in a
// loop writes no inode each time.
#define TOUCH_AFTER_NS (60LL * 1000000000LL)

void scene_cache_touch_if_old(const char *file, int64_t mtime_ns)
{
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    int64_t now_ns = (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
    if (now_ns - mtime_ns >= TOUCH_AFTER_NS || now_ns < mtime_ns)
        stoa_scene_cache_touch(file);
}

// The cache file for `key` in `dir`; on none, a baked file beside the scene
// ("<path>.stoabake"): one made for RGBA8 (the hub bakes with no device, so
// for RGBA8; every device draws it) is used under its own key when the
// device's format has no file (*key and *target then say RGBA8).
stoa_result scene_cache_find(const char *dir, const char *path, uint64_t content_key, uint64_t *key,
                             uint32_t *target, char *file, size_t file_size, stoa_scene **s,
                             int64_t *mtime_ns, stoa_error *err)
{
    scene_cache_name(file, file_size, dir, "", *key, ".stoabake");
    stoa_result r = read_file(file, *key, s, mtime_ns, err);
    uint64_t rgba8_key = scene_cache_key_target(content_key, STOA_TEXTURE_TARGET_RGBA8), side;
    if (r == STOA_ERROR_NOT_FOUND && *target != STOA_TEXTURE_TARGET_RGBA8 &&
        scene_cache_sidecar_key(path, &side) && side == rgba8_key) {
        *key = rgba8_key;
        *target = STOA_TEXTURE_TARGET_RGBA8;
        scene_cache_name(file, file_size, dir, "", *key, ".stoabake");
        r = read_file(file, *key, s, mtime_ns, err);
    }
    if (r == STOA_ERROR_NOT_FOUND) { // a rejected one logged why: still a miss here
        stoa_result side = scene_cache_from_sidecar(path, file, *key, s);
        *mtime_ns = INT64_MAX; // taken into the cache just now: no touch
        r = side >= 0 ? side : r;
    }
    return r;
}
