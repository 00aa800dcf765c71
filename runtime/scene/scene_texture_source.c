// SPDX-License-Identifier: Apache-2.0
// Which image a texture shows, and WebP decoding (EXT_texture_webp, with
// Debian's libwebp). KHR_texture_basisu has no decoder Debian 12 packages:
// such a texture shows its plain "source" when it has one (the extension's
// fallback) and a placeholder with a warning otherwise (scene_material.c).
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <turbojpeg.h>
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

// JPEG through libjpeg-turbo (Debian's libturbojpeg): faster than stb_image,
// and it refuses malformed Huffman tables that stb_image 2.27 indexes past
// its arrays (found by fuzzing mutated JPEG textures under UBSan).
bool scene_is_jpeg(const uint8_t *bytes, size_t size)
{
    return size >= 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF;
}

bool scene_jpeg_decode(const uint8_t *bytes, size_t size, uint32_t max_dim, uint8_t **rgba,
                       uint32_t *w, uint32_t *h, char *why, size_t why_size)
{
    tjhandle tj = tjInitDecompress();
    if (!tj) {
        snprintf(why, why_size, "out of memory");
        return false;
    }
    int iw = 0, ih = 0, sub = 0, space = 0;
    bool ok = false;
    if (size > ULONG_MAX ||
        tjDecompressHeader3(tj, bytes, (unsigned long)size, &iw, &ih, &sub, &space) != 0) {
        snprintf(why, why_size, "corrupt JPEG image: %.200s", tjGetErrorStr2(tj));
    } else if (iw < 1 || ih < 1 || (uint32_t)iw > max_dim || (uint32_t)ih > max_dim) {
        snprintf(why, why_size, "image is %dx%d (limit %u)", iw, ih, max_dim);
    } else {
        uint8_t *out = malloc((size_t)iw * (size_t)ih * 4);
        if (!out) {
            snprintf(why, why_size, "out of memory");
        } else if (tjDecompress2(tj, bytes, (unsigned long)size, out, iw, iw * 4, ih, TJPF_RGBA,
                                 TJFLAG_ACCURATEDCT | TJFLAG_LIMITSCANS) != 0 &&
                   tjGetErrorCode(tj) == TJERR_FATAL) {
            snprintf(why, why_size, "corrupt JPEG image: %.200s", tjGetErrorStr2(tj));
            free(out);
        } else {
            // A warning (e.g. a truncated file) still gives a picture, as viewers show it.
            *rgba = out;
            *w = (uint32_t)iw;
            *h = (uint32_t)ih;
            ok = true;
        }
    }
    tjDestroy(tj);
    return ok;
}
