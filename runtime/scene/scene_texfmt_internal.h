// SPDX-License-Identifier: Apache-2.0
// Private to runtime/scene: the C face of the ASTC shim (scene_astc.cpp),
// used by scene_texfmt.c. A context is made for one block size and profile;
// encode is called by `threads` threads at once, each with its own index,
// then reset before the next image (astcenc's rules).
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

void *scene_astc_context(uint32_t bx, uint32_t by, bool srgb, unsigned threads, bool decode_only);
void scene_astc_context_free(void *ctx);
bool scene_astc_encode(void *ctx, const uint8_t *rgba, uint32_t w, uint32_t h, uint8_t *out,
                       size_t out_size, unsigned thread_index);
void scene_astc_reset(void *ctx);
bool scene_astc_decode(void *ctx, const uint8_t *blocks, size_t size, uint32_t w, uint32_t h,
                       uint8_t *out_rgba);

#ifdef __cplusplus
}
#endif
