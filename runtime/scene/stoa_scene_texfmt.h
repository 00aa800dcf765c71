// SPDX-License-Identifier: Apache-2.0
// GPU texture formats of the baked scene cache (docs/scene-cache.md,
// "Texture formats"). A cache file is baked for one *target*: RGBA8 for any
// device, BC for desktop GPUs (and lavapipe), ASTC for standalone headsets.
// The target is part of the cache key, so a file baked for BC is never
// read by a load for another target.
//
// Per texture the format follows from the target and the texture's role:
//   target  colour (base colour, emissive; sRGB)   data (ORM)   normal map
//   rgba8   RGBA8                                  RGBA8        RGBA8
//   bc      BC7 (Stoa's mode-6 encoder)            BC7          BC7
//   astc    ASTC 6x6 (astcenc, fast preset)        ASTC 6x6     ASTC 4x4
// Normal maps stay three-channel (no BC5/two-channel reconstruction), so
// the shaders read every format alike; sRGB is a view, not the data.
//
// Compressed chains are made at bake time: the RGBA8 mip chain (the same box
// filter as RGBA8 files, stoa_scene_mip_halve) is encoded level by level,
// edge texels repeated to fill blocks that run past a level's edge. Every
// function here is safe to call from any thread.
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum stoa_texfmt {
    STOA_TEXFMT_RGBA8 = 0, // 4 bytes a texel
    STOA_TEXFMT_BC7,       // 16 bytes a 4x4 block
    STOA_TEXFMT_ASTC_4x4,  // 16 bytes a 4x4 block
    STOA_TEXFMT_ASTC_6x6,  // 16 bytes a 6x6 block
    STOA_TEXFMT_COUNT,
} stoa_texfmt;

typedef enum stoa_texture_target {
    STOA_TEXTURE_TARGET_AUTO = 0, // $STOA_TEXTURE_FORMAT, else the device's best
    STOA_TEXTURE_TARGET_RGBA8,
    STOA_TEXTURE_TARGET_BC,
    STOA_TEXTURE_TARGET_ASTC,
} stoa_texture_target;

typedef enum stoa_texture_role {
    STOA_TEXTURE_ROLE_COLOUR = 0, // sampled as sRGB
    STOA_TEXTURE_ROLE_DATA,       // occlusion-roughness-metallic and other linear data
    STOA_TEXTURE_ROLE_NORMAL,
} stoa_texture_role;

// "rgba8", "bc7", "astc4x4", "astc6x6".
const char *stoa_texfmt_name(stoa_texfmt f);
// "auto", "rgba8", "bc", "astc"; parse returns false for another word.
const char *stoa_texture_target_name(stoa_texture_target t);
bool stoa_texture_target_parse(const char *text, stoa_texture_target *out);

// Block width and height in texels (1 for RGBA8) and bytes a block (4 for RGBA8).
uint32_t stoa_texfmt_block(stoa_texfmt f);
uint32_t stoa_texfmt_block_bytes(stoa_texfmt f);
// Bytes of one w x h level, and of a whole chain (level 0 to 1x1, packed).
size_t stoa_texfmt_level_bytes(stoa_texfmt f, uint32_t w, uint32_t h);
size_t stoa_texfmt_chain_bytes(stoa_texfmt f, uint32_t w, uint32_t h);

// What the renderer's device samples, registered by the renderer when it
// creates a device (the last one wins; nothing registered = RGBA8 only).
void stoa_texture_target_set_device(bool bc, bool astc);
// AUTO -> $STOA_TEXTURE_FORMAT when set to rgba8/bc/astc, else ASTC when the
// registered device samples it, else BC when it does, else RGBA8. Any other
// target is returned as it is.
stoa_texture_target stoa_texture_target_resolve(stoa_texture_target requested);
// The format a texture of this role gets for a (resolved) target.
stoa_texfmt stoa_texfmt_for(stoa_texture_target target, stoa_texture_role role);

// Encodes the full chain of a w x h RGBA8 image (level 0, row 0 first) into
// f: every level from w x h to 1x1, packed, stoa_texfmt_chain_bytes(f, w, h)
// bytes. srgb: colour (mips averaged in linear light, ASTC's sRGB profile).
// Returns a malloc'ed buffer (caller frees) or NULL (out of memory, or an
// encoder error). Uses up to `threads` threads (0: one per core).
uint8_t *stoa_texfmt_encode_chain(stoa_texfmt f, const uint8_t *rgba, uint32_t w, uint32_t h,
                                  bool srgb, uint32_t threads, size_t *out_size);
// The same, giving up (NULL) as soon as stop(user) returns true: it is
// asked before each row of blocks (BC7) or each level (ASTC), from any of
// the encoding threads. The cache writer stops when its scene is destroyed.
uint8_t *stoa_texfmt_encode_chain_until(stoa_texfmt f, const uint8_t *rgba, uint32_t w, uint32_t h,
                                        bool srgb, uint32_t threads, bool (*stop)(void *user),
                                        void *user, size_t *out_size);

// Decodes one level of f (stoa_texfmt_level_bytes(f, w, h) bytes) into
// w*h*4 bytes of RGBA8. false when f has no decoder here or on an error.
// BC7: only mode 6 (what Stoa writes) is decoded; other modes become
// transparent black, never a read outside the block.
bool stoa_texfmt_decode_level(stoa_texfmt f, const uint8_t *blocks, uint32_t w, uint32_t h,
                              bool srgb, uint8_t *out_rgba);

// One BC7 block (mode 6) from 16 RGBA8 texels (row by row), and back.
void stoa_bc7_encode_block(const uint8_t texels[64], uint8_t out[16]);
void stoa_bc7_decode_block(const uint8_t block[16], uint8_t out_texels[64]);
