// SPDX-License-Identifier: Apache-2.0
// PNG decoding with libspng (zlib's inflate: about twice stb_image's speed on
// large textures). Chunk CRCs are not checked, as stb_image did not: a file
// that loaded before still loads. scene_images.c falls back to stb_image for
// whatever libspng refuses.
#include <spng.h>
#include <stdio.h>
#include <stdlib.h>

#include "scene_internal.h"

bool scene_png_decode(const uint8_t *bytes, size_t size, uint32_t max_dim, uint8_t **rgba,
                      uint32_t *w, uint32_t *h, char *why, size_t why_size)
{
    *rgba = NULL;
    spng_ctx *ctx = spng_ctx_new(0);
    if (!ctx) {
        snprintf(why, why_size, "out of memory");
        return false;
    }
    struct spng_ihdr ihdr;
    size_t out_size = 0;
    int e = spng_set_crc_action(ctx, SPNG_CRC_USE, SPNG_CRC_USE);
    if (!e)
        e = spng_set_image_limits(ctx, max_dim, max_dim);
    if (!e)
        e = spng_set_png_buffer(ctx, bytes, size);
    if (!e)
        e = spng_get_ihdr(ctx, &ihdr);
    if (!e)
        e = spng_decoded_image_size(ctx, SPNG_FMT_RGBA8, &out_size);
    uint8_t *out = e ? NULL : malloc(out_size);
    if (!e && !out)
        e = SPNG_EMEM;
    if (!e)
        e = spng_decode_image(ctx, out, out_size, SPNG_FMT_RGBA8, SPNG_DECODE_TRNS);
    spng_ctx_free(ctx);
    if (e || out_size != (size_t)ihdr.width * ihdr.height * 4) {
        free(out);
        snprintf(why, why_size, "corrupt PNG: %s", e ? spng_strerror(e) : "size mismatch");
        return false;
    }
    *rgba = out;
    *w = ihdr.width;
    *h = ihdr.height;
    return true;
}
