// SPDX-License-Identifier: Apache-2.0
// Private to runtime/scene: the baked scene cache's file layout, hash and
// the pieces of stoa_scene_cache.h.
//
// Layout (little-endian; docs/scene-cache.md):
//   0     header (64 bytes, cache_header)
//   64    section table: section_count entries of cache_section (at most 32)
//   4096  DATA: vertex, index and texel arrays, each 16-byte aligned; hashed
//         per 16 KiB chunk (the CHNK section holds one hash per chunk)
//   ...   the other sections: streams of fields in a fixed order per section
// New arrays (e.g. levels of detail) go in new sections: a reader skips an
// unknown section unless its REQUIRED flag is set, and rejects the file then.
#pragma once

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scene/stoa_scene.h"
#include "scene/stoa_scene_cache.h"
#include "scene/stoa_scene_texfmt.h"
#include "scene_internal.h"

#define CACHE_MAGIC "STOABAKE"
#define CACHE_ENDIAN 0x01020304u
#define CACHE_DATA_OFFSET 4096u
#define CACHE_MAX_SECTIONS 32u
// Small, so that a load checks little more than the bytes it uses: the
// chunk where the texels begin is checked whole (format 7; 1 MiB before).
#define CACHE_CHUNK ((size_t)1 << 14)
// DATA is written in runs of this many bytes (a whole number of chunks):
// large writes leave the page cache in large folios, which a mapping
// faults in many times faster than the small ones 16 KiB writes leave.
#define CACHE_WRITE_RUN ((size_t)1 << 20)
#define CACHE_SECTION_REQUIRED 1u

#define CACHE_ID(a, b, c, d) ((uint32_t)(a) | (uint32_t)(b) << 8 | (uint32_t)(c) << 16 | (uint32_t)(d) << 24)
enum {
    CACHE_META = CACHE_ID('M', 'E', 'T', 'A'),
    CACHE_NODE = CACHE_ID('N', 'O', 'D', 'E'),
    CACHE_MESH = CACHE_ID('M', 'E', 'S', 'H'),
    CACHE_MATL = CACHE_ID('M', 'A', 'T', 'L'),
    CACHE_TEXR = CACHE_ID('T', 'E', 'X', 'R'),
    CACHE_SKIN = CACHE_ID('S', 'K', 'I', 'N'),
    CACHE_CAMR = CACHE_ID('C', 'A', 'M', 'R'),
    CACHE_LITE = CACHE_ID('L', 'I', 'T', 'E'),
    CACHE_ANIM = CACHE_ID('A', 'N', 'I', 'M'),
    CACHE_WARN = CACHE_ID('W', 'A', 'R', 'N'),
    CACHE_DATA = CACHE_ID('D', 'A', 'T', 'A'),
    CACHE_CHNK = CACHE_ID('C', 'H', 'N', 'K'),
    CACHE_LODS = CACHE_ID('L', 'O', 'D', 'S'), // levels of detail (format 2)
    CACHE_QVTX = CACHE_ID('Q', 'V', 'T', 'X'), // quantised vertex streams (format 4)
    // The hashes of the chunks before lazy_from (CHNK's first entries), in
    // the header's page with the other sections when they fit (format 8):
    // a load then reads nothing after DATA. Optional.
    CACHE_EAGR = CACHE_ID('E', 'A', 'G', 'R'),
};

typedef struct cache_header {
    char magic[8];
    uint32_t version;
    uint32_t endian;
    uint64_t key;
    uint64_t file_size;
    uint32_t section_count;
    uint32_t chunk_size;
    uint64_t table_hash;  // of the section table
    uint64_t reserved;    // 0
    uint64_t header_hash; // of the 56 bytes before it
} cache_header;

typedef struct cache_section {
    uint32_t id;
    uint32_t flags;
    uint64_t offset;
    uint64_t size;
    uint64_t hash; // of the section's bytes (DATA: 0, see CHNK)
} cache_section;

_Static_assert(sizeof(cache_header) == 64, "cache header layout");
_Static_assert(sizeof(cache_section) == 32, "cache section layout");
_Static_assert(CACHE_WRITE_RUN % CACHE_CHUNK == 0, "DATA is written in whole chunks");

// The scene's link to its cache: the bytes its arrays may point into, and
// the writer of a new cache file.
struct scene_baked {
    uint8_t *bytes; // a copy (cache_span: in a copy buffer, the heap or a memo's), or a mapping
    size_t size;
    bool mapped;
    uint8_t *alloc;       // when not NULL, the heap block `bytes` lies in (a memo's copy)
    size_t buffer_size; // when not 0, bytes is a copy buffer of this size (scene_copy_buffer_take)
    char *memo;           // the memo the scene came from (a copy in it), else NULL
    uint64_t content_key; // the key without the texture target (the memo's)
    bool tangents;        // .no_generated_tangents (the memo's name)
    stoa_scene_cache_outcome outcome;
    pthread_t writer;
    bool writing;
    // Set when the scene is destroyed while its file is being written: the
    // writer encodes no more textures (the rest stay RGBA8 in the file).
    atomic_bool hurry;
    uint64_t key;
    uint32_t texture_target; // the resolved stoa_texture_target the file is for
    // Checking DATA per chunk: chunks below lazy_from at load, the rest on
    // first use. state: 0 unchecked, 1 good, 2 damaged; guarded by lock.
    const uint8_t *data, *chunk_hashes;
    uint64_t data_size, lazy_from, chunk_count;
    // EAGR (format 8): the hashes of the first eager_count chunks, read
    // instead of CHNK's for those (in the header's page: no read after DATA).
    const uint8_t *eager_hashes;
    uint64_t eager_count;
    uint8_t *chunk_state;
    bool trust_data; // stoa_scene_cache_parse without hash checks (fuzzing)
    bool has_lock;
    pthread_mutex_t lock;
    bool damaged_logged;
    // A scene read from a memo's copy of its file's front (the header page
    // and the geometry: scene_cache_copy_plan) has its texels here: an
    // address range the size of the file, reserved with no access, where
    // the file is mapped on first use of a texture (scene_cache_check_chunks,
    // after checking that its header is the copy's). gone: that failed (the
    // file was removed or written again meanwhile); the textures are left out.
    uint8_t *texels;
    size_t texels_size;
    bool texels_mapped, texels_gone;
    // The quantised vertex streams read from the file (QVTX, format 4;
    // stoa_scene_quant_baked), arrays in the mapping; NULL when none.
    struct stoa_scene_quant *quant;
    // The block a hit's nodes, meshes, materials, textures, skins, cameras,
    // lights and animations lie in (scene_cache_build.c); NULL otherwise.
    void *arrays;
    // Last: a hit zeroes the fields before it, and only the first byte of this.
    char file[4096]; // the cache file to write
};

// A fast 64-bit hash (not cryptographic: it catches damage, not forgery).
uint64_t scene_hash64(const void *data, size_t size, uint64_t seed);
// The largest copy a hit reads (and a kept buffer's size): a larger one (a
// heavy scan's geometry) is mapped, so that it is not held twice, in the
// page cache and in the process.
#define SCENE_COPY_READ_MAX ((size_t)64 << 20)
// A buffer of at least `need` bytes to read a cache file's copy into
// (scene_cache_buffer.c): the one kept from an earlier hit when large
// enough, else a fresh mapping of whole 2 MiB pages; *size: its size. NULL
// when out of memory.
uint8_t *scene_copy_buffer_take(size_t need, size_t *size);
// Gives it back when its scene goes: kept for the next hit (the larger of
// it and the one kept, up to SCENE_COPY_READ_MAX), else unmapped.
void scene_copy_buffer_give(uint8_t *p, size_t size);
// The largest of n indices (0 when n is 0): vectorised where the CPU can.
uint32_t scene_index_max(const uint32_t *p, uint32_t n);

// The cache key of an opened document: its file, every buffer and image
// file it names, the format and Assimp versions and the load options.
// The files a key was made of besides the scene file (for the memo).
#define SCENE_CACHE_MAX_DEPS 64
typedef struct scene_cache_stat {
    uint64_t size;
    int64_t mtime_ns, ctime_ns;
    uint64_t ino, dev;
} scene_cache_stat;
// Each file's stat is taken before its bytes are read: a file changed while
// it is hashed then differs from its memo next time.
typedef struct scene_cache_deps {
    char path[SCENE_CACHE_MAX_DEPS + 1][PATH_MAX]; // [0]: the scene file
    scene_cache_stat st[SCENE_CACHE_MAX_DEPS + 1];
    uint32_t count;
    bool incomplete; // too many files, or one could not be stat'ed: no memo
} scene_cache_deps;
bool scene_cache_stat_of(const char *path, scene_cache_stat *out);
// out = a, then b and c when not NULL; false (out "") when that does not
// fit. The hit path's strings: snprintf showed in its profile.
bool scene_cat(char *out, size_t size, const char *a, const char *b, const char *c);
// "<dir>/<prefix><v as 16 lower-case hex digits><suffix>" (a cache file's
// or memo's name); false when it does not fit.
bool scene_cache_name(char *out, size_t size, const char *dir, const char *prefix, uint64_t v,
                      const char *suffix);
uint64_t scene_cache_key(scene_doc *doc, bool no_generated_tangents, scene_cache_deps *deps);

// The key memo (scene_cache_memo.c): a scene's key is remembered with the
// size, times and inode of every file it was made of, so that a load whose
// files are all unchanged skips reading and hashing them (as ccache's direct
// mode and git's index do). Any change to any of them recomputes the key.
// A memo also keeps a copy of its scene's cache file when that is at most
// SCENE_CACHE_INLINE_MAX bytes (the size a hit reads rather than maps): a
// hit then opens one file instead of two (docs/performance.md).
#define SCENE_CACHE_INLINE_MAX (64u << 10)
typedef struct scene_cache_inline {
    uint8_t *alloc;       // the memo's buffer (to free, or given to the scene)
    const uint8_t *bytes; // the copy of the cache file in it, 16-byte aligned
    size_t size;          // 0: none
    uint64_t bake_key;    // the key of the cache file copied
    int64_t mtime_ns;     // the memo's (its last use)
    char memo[PATH_MAX + 64];
} scene_cache_inline;
// *key, and into *inl (when not NULL) the copy when there is one.
bool scene_cache_memo_get(const char *dir, const char *path, bool no_generated_tangents,
                          uint64_t *key, scene_cache_inline *inl);
void scene_cache_memo_put(const char *dir, const char *path, bool no_generated_tangents,
                          uint64_t key, const scene_cache_deps *deps);
// The memo of `path`: its file name, its size (at most 1 MiB, as any memo
// read) and the files it vouches for (as a hit stats them: out->path[0] the
// scene file's absolute name), without a stat; false when there is no
// well-formed memo.
bool scene_cache_memo_sources(const char *dir, const char *path, bool no_generated_tangents,
                              char *file, size_t file_size, scene_cache_deps *out,
                              size_t *memo_size);
// Whether the memo file holds a copy of a cache file, and its key: a copy
// lives no longer than its file (stoa_scene_cache_prune removes the memo).
bool scene_cache_memo_copy_key(const char *memo_file, uint64_t *bake_key);
// Adds to the memo of `path` (content key `key`) a copy of the cache file
// `bake` (key bake_key) just written; nothing when there is no such memo or
// the file is larger than SCENE_CACHE_INLINE_MAX.
void scene_cache_memo_attach(const char *dir, const char *path, bool no_generated_tangents,
                             uint64_t key, uint64_t bake_key, const uint8_t *bake,
                             size_t bake_size);
// The same from the scene file's bytes alone; *needs_doc when the file may
// name other files (then scene_cache_key, which reads them, is the key).
// The key of a file baked for a texture target: the content key and the
// target (stoa_texture_target, resolved), so that files for different GPU
// formats have different names and none is read for another target.
uint64_t scene_cache_key_target(uint64_t content_key, uint32_t target);
uint64_t scene_cache_key_file(const uint8_t *file, size_t size, bool no_generated_tangents,
                              bool *needs_doc);

// Writes scene (every texture ready) to `file` through a temporary file and
// a rename.
// target: the stoa_texture_target (resolved) the textures are encoded for.
stoa_result scene_cache_write(const stoa_scene *scene, uint64_t key, uint32_t target,
                              const char *file, stoa_error *err);
// After a hit on `scene->baked->file` for target: when the file has
// textures RGBA8 that the target encodes (a hurried writer left them),
// starts a writer that encodes them and writes the file again with the
// blocks it has (scene_cache_complete.c). The scene is drawn meanwhile as it
// is: RGBA8, right, just not compressed. Returns whether a writer started.
bool scene_cache_complete_later(stoa_scene *scene, uint32_t target);
// After scene's cache file (baked->file) was written, by its writer or a
// completion: a small one is copied into the scene's memo, replacing the
// copy of what was there, so that the next hit reads the memo alone and
// gets what the file holds (scene_cache_memo.c).
void scene_cache_attach_to_memo(const stoa_scene *scene);
// The role that picks texture i's GPU format (stoa_texfmt_for) in a file.
stoa_texture_role scene_cache_texture_role(const stoa_scene *scene, uint32_t i);
// Texels a hurried writer still encodes (scene_cache_write.c).
uint64_t scene_cache_hurry_pixels(void);

// Maps b->file over b->texels when its header is the copy's (once; under
// b->lock); false when it is gone or another file now (texels_gone).
bool scene_cache_map_texels(struct scene_baked *b);
// Checks DATA chunks [first, end) that are still unchecked (on a few threads
// when there are many); false when one is damaged.
bool scene_cache_check_chunks(struct scene_baked *b, uint64_t first, uint64_t end);
// A cache file's bytes in memory: the whole file, or a copy of it without
// the texels: its front (the header's page and the geometry: DATA up to
// lazy_from) followed at once by its tail (everything after DATA: the
// sections too large for the header's page, and CHNK). A hit reads such a
// copy (from a memo, or with two reads of the file) rather than mapping the
// file; the texels are mapped on first use (scene_baked.texels).
typedef struct cache_span {
    const uint8_t *p;
    uint64_t front;     // the file's bytes [0, front) are p[0, front)
    uint64_t tail_from; // and its bytes [tail_from, size) follow them
    uint64_t size;      // the file's size (front == size: the whole file)
} cache_span;

// The bytes [off, off + len) of the file in the span; NULL when they are not
// all in it (in the left-out texels, or past the end).
static inline const uint8_t *cache_span_at(const cache_span *c, uint64_t off, uint64_t len)
{
    if (off <= c->front && len <= c->front - off)
        return c->p + off;
    if (off >= c->tail_from && off <= c->size && len <= c->size - off)
        return c->p + c->front + (off - c->tail_from);
    return NULL;
}

// Checks header, table and the hashes of every section but DATA (whose
// chunks scene_cache_check_chunks checks); returns the sections and where
// the bytes lie (*out_span). `size` bytes are there of a file of
// file_size: fewer for a copy (see cache_span: which part is its tail
// follows from DATA's end in the table), which must then hold every
// section but DATA.
stoa_result scene_cache_check(const uint8_t *bytes, size_t size, size_t file_size,
                              uint64_t expect_key, bool check_hashes,
                              const cache_section **out_table, uint32_t *out_count,
                              cache_span *out_span, stoa_error *err);
// The copy of a cache file a hit reads (cache_span): its front's and tail's
// sizes (*front, and file_size - *tail_from; the whole file, front ==
// tail_from == file_size, when it has no texels to leave out), from the
// file's first CACHE_DATA_OFFSET bytes (`page`: the header and table,
// checked, and META, which the writer always puts there); false when the
// page is bad (the file is then mapped, and its check says why).
bool scene_cache_copy_plan(const uint8_t *page, size_t file_size, uint64_t *front,
                           uint64_t *tail_from);
// Reads that copy of the file open as fd into dst (front + file_size -
// tail_from bytes); page: its first CACHE_DATA_OFFSET bytes when already
// read, else NULL. False when the file is shorter (truncated meanwhile).
bool scene_cache_read_copy(int fd, const uint8_t *page, uint64_t front, uint64_t tail_from,
                           uint64_t file_size, uint8_t *dst);
// Builds the scene from checked bytes (scene->baked already set to them).
stoa_result scene_cache_build(stoa_scene *scene, const cache_span *span, const cache_section *table,
                              uint32_t count, stoa_error *err);

// Maps and checks a cache file (scene_cache_load.c): STOA_ERROR_NOT_FOUND
// when there is none; another error when it is bad.
stoa_result scene_cache_read_file(const char *file, uint64_t key, stoa_scene **out,
                                  stoa_error *err);
// The same from the copy in a memo (scene_cache_memo_get), taking its buffer
// (inl->alloc is NULL after): no file opened.
stoa_result scene_cache_read_inline(scene_cache_inline *inl, uint64_t key, stoa_scene **out,
                                    stoa_error *err);
// On a miss: "<path>.stoabake" beside the scene, when made from the same
// content (key) and whole, checked in full and taken into the cache as
// `file` (scene_cache_sidecar.c). STOA_ERROR_NOT_FOUND: none, or for other content.
stoa_result scene_cache_from_sidecar(const char *path, const char *file, uint64_t key,
                                     stoa_scene **out);
// The key in the header of "<path>.stoabake"; false when there is none.
bool scene_cache_sidecar_key(const char *path, uint64_t *out_key);
// After a cache file was written: trims its folder to the cap
// (scene_cache_evict.c), keeping that file.
void scene_cache_after_write(const char *file);

// Logs warnings [from, warning_count) of s, loaded from path, each once per
// process (scene_warn_log.c).
void scene_log_warnings(const char *path, const stoa_scene *s, uint32_t from);
// Frees p unless it points into the scene's cache bytes.
void scene_free_owned(stoa_scene *scene, void *p);
// Tells a running writer to stop encoding textures into GPU formats (those
// left are written RGBA8), so that destroying the scene does not wait for a
// bake nobody in this process will use; called by stoa_scene_destroy.
void scene_cache_hurry(stoa_scene *scene);

// Joins the writer and unmaps; called by stoa_scene_destroy.
void scene_baked_destroy(stoa_scene *scene);
// The load through the cache (scene_cache_load.c); stoa_scene_load calls it
// when desc->use_cache. Returns 1 when it did not handle the load.
stoa_result scene_cache_load(const char *path, const stoa_scene_load_desc *desc,
                             stoa_scene **out_scene, stoa_error *err);
// The hit path (scene_cache_read.c): the cache file for *key in `dir` read
// and checked into *s; when there is none, a baked file beside the scene
// ("<path>.stoabake"): one made for RGBA8 (the hub bakes with no device) is
// used under its own key when the device's format has none (*key and
// *target then say RGBA8), and a whole one is taken into the cache.
// STOA_ERROR_NOT_FOUND: neither. *mtime_ns: the file's last use
// (INT64_MAX: taken into the cache just now).
stoa_result scene_cache_find(const char *dir, const char *path, uint64_t content_key,
                             uint64_t *key, uint32_t *target, char *file, size_t file_size,
                             stoa_scene **s, int64_t *mtime_ns, stoa_error *err);
// After a hit: stoa_scene_cache_touch unless the file was used within the
// last minute (a reload in a loop writes no inode each time).
void scene_cache_touch_if_old(const char *file, int64_t mtime_ns);
// The cache folder's name (stoa_scene_cache_dir's choice) without making
// it: a hit needs no call to see that it is there (scene_cache_key.c).
bool scene_cache_dir_name(const char *dir, char *out, size_t out_size);
// Makes the folder `path` and its parents as needed (edits and restores
// `path` on the way); true when it is there.
bool scene_cache_make_dir(char *path);
// After a deferred load's last texture arrived: starts the pending write.
void scene_cache_textures_done(stoa_scene *scene);
