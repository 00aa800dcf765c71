// SPDX-License-Identifier: Apache-2.0
// PNG textures through the shared decoder (core/stoa_png.c: libspng, about
// twice stb_image's speed on large textures). scene_images.c falls back to
// stb_image for whatever libspng refuses.
#include "core/stoa_png.h"
#include "scene_internal.h"

bool scene_png_decode(const uint8_t *bytes, size_t size, uint32_t max_dim, uint8_t **rgba,
                      uint32_t *w, uint32_t *h, char *why, size_t why_size)
{
    return stoa_png_decode(bytes, size, (stoa_png_limits){.max_dim = max_dim}, rgba, w, h, why,
                           why_size) == STOA_PNG_OK;
}
