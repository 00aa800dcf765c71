// SPDX-License-Identifier: Apache-2.0
// Which image a texture shows, and WebP decoding (EXT_texture_webp, with
// Debian's libwebp). KHR_texture_basisu has no decoder Debian 12 packages:
// such a texture shows its plain "source" when it has one (the extension's
// fallback) and a placeholder with a warning otherwise (scene_material.c).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <webp/decode.h>

#include "scene_internal.h"

int64_t scene_texture_source(const cJSON *texture)
{
    const cJSON *ext = cJSON_GetObjectItemCaseSensitive(texture, "extensions");
    const cJSON *webp = cJSON_GetObjectItemCaseSensitive(ext, "EXT_texture_webp");
    int64_t src = scene_json_int(webp, "source", -1);
    return src >= 0 ? src : scene_json_int(texture, "source", -1);
}

bool scene_is_webp(const uint8_t *bytes, size_t size)
{
    return size >= 12 && memcmp(bytes, "RIFF", 4) == 0 && memcmp(bytes + 8, "WEBP", 4) == 0;
}

bool scene_webp_decode(const uint8_t *bytes, size_t size, uint32_t max_dim, uint8_t **rgba,
                       uint32_t *w, uint32_t *h, char *why, size_t why_size)
{
    int iw = 0, ih = 0;
    if (!WebPGetInfo(bytes, size, &iw, &ih)) {
        snprintf(why, why_size, "corrupt WebP image");
        return false;
    }
    if (iw < 1 || ih < 1 || (uint32_t)iw > max_dim || (uint32_t)ih > max_dim) {
        snprintf(why, why_size, "image is %dx%d (limit %u)", iw, ih, max_dim);
        return false;
    }
    size_t stride = (size_t)iw * 4, total = stride * (size_t)ih;
    uint8_t *out = malloc(total);
    if (!out) {
        snprintf(why, why_size, "out of memory");
        return false;
    }
    if (!WebPDecodeRGBAInto(bytes, size, out, total, (int)stride)) {
        free(out);
        snprintf(why, why_size, "corrupt WebP image");
        return false;
    }
    *rgba = out;
    *w = (uint32_t)iw;
    *h = (uint32_t)ih;
    return true;
}
