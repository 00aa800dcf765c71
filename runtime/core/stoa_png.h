// SPDX-License-Identifier: Apache-2.0
// One bounded PNG decoder (libspng) for every module that reads PNG files
// from outside: the scene's textures and environment images, the panels'
// icons. Chunk CRCs are not checked (stb_image did not, and a file that
// loaded before still loads).
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

// The limits of one decode: a side longer than max_dim is refused before any
// pixel is made; max_chunk bounds each ancillary chunk (0: libspng's default).
typedef struct stoa_png_limits {
    uint32_t max_dim;
    size_t max_chunk;
} stoa_png_limits;

// What went wrong, for the caller's message.
typedef enum { STOA_PNG_OK, STOA_PNG_TOO_LARGE, STOA_PNG_BAD, STOA_PNG_NO_MEMORY } stoa_png_status;

// Decodes bytes to tightly packed RGBA8 (straight alpha, tRNS applied) into
// a malloc'd *rgba. On failure *rgba is NULL and why (if given) says why.
stoa_png_status stoa_png_decode(const uint8_t *bytes, size_t size, stoa_png_limits lim,
                                uint8_t **rgba, uint32_t *w, uint32_t *h, char *why,
                                size_t why_size);
