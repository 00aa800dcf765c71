// SPDX-License-Identifier: Apache-2.0
// The baked scene cache: what stoa_scene_load makes of a glTF, kept in one
// file per scene so that the next load maps it instead of importing again.
//
// A cache file holds the scene's arrays (nodes, meshes with their vertex and
// index data laid out for upload, materials, skins, cameras, lights,
// animations, warnings) and every texture with its full mip chain already
// made, as 8-bit RGBA or in the GPU block format of the file's texture
// target (BC7, ASTC: stoa_scene_texfmt.h). It is named by a 64-bit hash of
// the scene file, of every file it refers to (buffers, images), of the
// format version, Assimp's version and the texture target: an edited scene
// or texture, or another GPU format, simply has another name.
// Loading maps the file (copy-on-write) and points the scene's arrays into
// the mapping; nothing is decoded or converted. Every byte is checked first
// (header, section table, per-section and per-MiB hashes, every count, size,
// offset and index): a damaged, truncated or foreign file is rejected with
// a log line and rebuilt, never trusted. Files are written to a temporary
// name and renamed, so that concurrent writers and readers never see half a
// file. Format: docs/scene-cache.md.
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/stoa_result.h"
#include "scene/stoa_scene.h"

// Bump whenever the importer's output or the file layout changes: older
// files are then ignored (and replaced on the next load).
// 2: levels of detail (LODS); 3: GPU texture formats (TEXR); 4: quantised
// vertex streams (QVTX); 5: both; 6: geometry read without Assimp for most
// files (scene_native.c: its own generated tangents); 7: DATA hashed per
// 16 KiB, not per MiB; 8: the sections in the header's page when they fit
// (with EAGR, the geometry's chunk hashes), the last geometry chunk hashed
// up to lazy_from only, the texels from the next chunk on; 9: every hash
// XXH3 (libxxhash), not Stoa's own.
#define STOA_SCENE_CACHE_VERSION 9u

// The cache folder: `dir` when non-empty; else $STOA_SCENE_CACHE ("off":
// no cache, returns false); else $XDG_CACHE_HOME/stoa/scenes, else
// ~/.cache/stoa/scenes. The folder is created when missing.
bool stoa_scene_cache_dir(const char *dir, char *out, size_t out_size);

typedef enum stoa_scene_cache_outcome {
    STOA_SCENE_CACHE_UNUSED = 0, // no cache (off, or no folder)
    STOA_SCENE_CACHE_HIT,        // loaded from a valid cache file
    STOA_SCENE_CACHE_MISS,       // imported; the cache file is being written
    STOA_SCENE_CACHE_REJECTED,   // a cache file was there but damaged or stale: imported
} stoa_scene_cache_outcome;

// How the scene was loaded (STOA_SCENE_CACHE_UNUSED for a scene loaded
// without .use_cache).
stoa_scene_cache_outcome stoa_scene_cache_outcome_of(const stoa_scene *scene);

// Bakes ahead of time: loads `path` through the cache in `cache_dir` (NULL:
// as stoa_scene_cache_dir) and waits until its cache file is written and
// valid. out_file (may be NULL) gets the file's path; out_outcome whether
// it was already there (HIT) or made now.
stoa_result stoa_scene_bake(const char *path, const char *cache_dir, char *out_file,
                            size_t out_file_size, stoa_scene_cache_outcome *out_outcome,
                            stoa_error *err);

// The same for a GPU texture target (a stoa_texture_target,
// stoa_scene_texfmt.h; 0 = auto): stoa_scene_bake bakes for auto.
stoa_result stoa_scene_bake_for(const char *path, const char *cache_dir, uint32_t texture_target,
                                char *out_file, size_t out_file_size,
                                stoa_scene_cache_outcome *out_outcome, stoa_error *err);

// The cache key of the scene at `path` as a load through the cache folder
// `cache_dir` (NULL: as stoa_scene_cache_dir) computes it: from the scene
// file's bytes, every buffer and image it names and this Stoa's format,
// for the texture target stoa_scene_bake bakes for (auto).
// From the key memo when none of those files changed since, else by reading
// them (and remembered). A hub compares it with the key of a file it baked
// (tools/hub/hub_bake.c): when they differ, the scene or a file it names changed.
stoa_result stoa_scene_cache_key_of(const char *path, const char *cache_dir, uint64_t *out_key,
                                    stoa_error *err);

// The files a scene names besides itself, as its key counts them: each
// "uri" of its glTF buffers and images that is not a data: URI, as written
// there (relative to the scene's folder), passed to `each` in order. A .glb
// that names none gives none. What a hub must send beside the scene so
// that a headset has the same content (and computes the same key).
stoa_result stoa_scene_file_uris(const char *path, void (*each)(void *user, const char *uri),
                                 void *user, stoa_error *err);

// Waits until a cache file being written for this scene (after a MISS) is
// on disk. Destroying the scene waits too.
void stoa_scene_cache_wait(stoa_scene *scene);

// Whether texture i's pixels (and baked mips) may be used: true for a scene
// not from the cache and for pixels already checked. A large cached scene's
// texels are checked here, on first use, not at load (so that `stoa info`
// and the first frame do not read every texel twice); the renderer calls it
// before each upload. When the bytes are damaged it logs it, removes the
// cache file (the next load rebuilds it) and returns false: the texture is
// then drawn as if it had no image. Call from one thread at a time.
bool stoa_scene_texture_check(const stoa_scene *scene, uint32_t i);

// The floor under a cache hit of `path`, for benchmarks (`stoa bench
// load`): the system calls every hit makes whatever Stoa does around them,
// timed alone: getcwd for a relative path, the key memo's open, fstat,
// pread and close, and a stat of each file the scene is made of (the scene
// file, its buffers and images). Median of `runs` rounds (ms) in
// *median_ms, and in *calls how many calls a round makes. false (nothing
// timed) when the scene has no key memo in cache_dir (NULL: as
// stoa_scene_cache_dir): load it through the cache first.
bool stoa_scene_cache_hit_floor(const char *path, const char *cache_dir, bool no_generated_tangents,
                                int runs, double *median_ms, uint32_t *calls);

// For tests and fuzzing: parses cache bytes (a copy of a file) as a scene.
// check_hashes = false skips the hash checks so that a fuzzer reaches the
// parser; every bound is still checked. expect_key 0 accepts any key.
stoa_result stoa_scene_cache_parse(const uint8_t *bytes, size_t size, uint64_t expect_key,
                                   bool check_hashes, stoa_scene **out_scene, stoa_error *err);

// What a cache file made here fits: "stoabake-<format version> assimp-<version>".
// A headset takes the hub's baked files only when it is the same string
// (then the key, checked at load, can match).
void stoa_scene_cache_format(char *out, size_t size);

// The cache's size cap (docs/scene-cache.md, "Size and eviction"): after
// each write, least recently used files go until the folder fits. A load
// that hits marks its file used (its modification time). The cap is
// $STOA_SCENE_CACHE_MAX (bytes, or with a K/M/G/T suffix in binary units;
// "off" or 0: no cap), else STOA_SCENE_CACHE_DEFAULT_MAX.
#define STOA_SCENE_CACHE_DEFAULT_MAX ((uint64_t)4 << 30)
uint64_t stoa_scene_cache_max(void);
// "4G", "500M", "1.5G", "123456", "off" (0) -> bytes; false when not a size.
bool stoa_scene_cache_parse_size(const char *text, uint64_t *out);
// Marks a cache file used now (its place in the least-recently-used order).
void stoa_scene_cache_touch(const char *file);

typedef struct stoa_scene_cache_usage {
    uint64_t files, bytes;                 // what is left
    uint64_t removed_files, removed_bytes; // what was removed
} stoa_scene_cache_usage;

// Trims the cache folder `dir` to at most max_bytes (0: no trimming, just
// count), least recently used first, never `keep` (a cache file's path or
// name; may be NULL). Safe beside other processes: a mapped file stays
// readable after removal, a file used again since it was listed stays, a
// writer's temporary file stays unless untouched for a day. out may be NULL.
stoa_result stoa_scene_cache_prune(const char *dir, uint64_t max_bytes, const char *keep,
                                   stoa_scene_cache_usage *out, stoa_error *err);

// One 2x2 box-filter step of a mip chain (8-bit RGBA; sRGB colour averaged
// in linear light, alpha and data averaged as stored). Shared with the
// renderer's own mip maker, so that baked and fresh chains are identical.
void stoa_scene_mip_halve(const uint8_t *src, uint32_t w, uint32_t h, size_t src_pitch,
                          uint8_t *dst, size_t dst_pitch, bool srgb);
