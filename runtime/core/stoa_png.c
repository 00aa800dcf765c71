// SPDX-License-Identifier: Apache-2.0
// The bounded PNG decoder (stoa_png.h).
#include "stoa_png.h"

#include <spng.h>
#include <stdio.h>
#include <stdlib.h>

stoa_png_status stoa_png_decode(const uint8_t *bytes, size_t size, stoa_png_limits lim,
                                uint8_t **rgba, uint32_t *w, uint32_t *h, char *why,
                                size_t why_size)
{
    *rgba = NULL;
    spng_ctx *ctx = spng_ctx_new(0);
    if (!ctx) {
        if (why)
            snprintf(why, why_size, "out of memory");
        return STOA_PNG_NO_MEMORY;
    }
    struct spng_ihdr ihdr = {0};
    size_t out_size = 0;
    int e = spng_set_crc_action(ctx, SPNG_CRC_USE, SPNG_CRC_USE);
    if (!e)
        e = spng_set_image_limits(ctx, lim.max_dim, lim.max_dim);
    if (!e && lim.max_chunk)
        e = spng_set_chunk_limits(ctx, lim.max_chunk, lim.max_chunk);
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
    if (e || ihdr.width == 0 || out_size != (size_t)ihdr.width * ihdr.height * 4) {
        free(out);
        bool large = e == SPNG_EWIDTH || e == SPNG_EHEIGHT || e == SPNG_EUSER_WIDTH ||
                     e == SPNG_EUSER_HEIGHT;
        if (why && large)
            snprintf(why, why_size, "larger than %ux%u px", lim.max_dim, lim.max_dim);
        else if (why)
            snprintf(why, why_size, "corrupt PNG: %s", e ? spng_strerror(e) : "size mismatch");
        return e == SPNG_EMEM ? STOA_PNG_NO_MEMORY : large ? STOA_PNG_TOO_LARGE : STOA_PNG_BAD;
    }
    *rgba = out;
    *w = ihdr.width;
    *h = ihdr.height;
    return STOA_PNG_OK;
}
