// SPDX-License-Identifier: Apache-2.0
// ASTC through Debian's libastcenc (Arm's encoder, 4.2). C++ only because
// astcenc.h includes <cstddef>; the functions are plain C to the rest of
// runtime/scene (scene_texfmt.c). LDR profiles only: sRGB for colour,
// linear for data and normal maps; the "fast" preset (bake time matters for
// a lesson library, and the 6x6 blocks' error is the format's, not the
// search's).
#include <astcenc.h>

#include <cstdint>
#include <cstring>

#include "scene_texfmt_internal.h"

namespace
{

astcenc_context *make_context(uint32_t bx, uint32_t by, bool srgb, unsigned threads,
                              bool decode_only)
{
    astcenc_config config;
    std::memset(&config, 0, sizeof config);
    unsigned flags = decode_only ? ASTCENC_FLG_DECOMPRESS_ONLY : 0;
    if (astcenc_config_init(srgb ? ASTCENC_PRF_LDR_SRGB : ASTCENC_PRF_LDR, bx, by, 1,
                            ASTCENC_PRE_FAST, flags, &config) != ASTCENC_SUCCESS)
        return nullptr;
    astcenc_context *ctx = nullptr;
    if (astcenc_context_alloc(&config, threads ? threads : 1, &ctx) != ASTCENC_SUCCESS)
        return nullptr;
    return ctx;
}

} // namespace

extern "C" void *scene_astc_context(uint32_t bx, uint32_t by, bool srgb, unsigned threads,
                                    bool decode_only)
{
    return make_context(bx, by, srgb, threads, decode_only);
}

extern "C" void scene_astc_context_free(void *ctx)
{
    if (ctx)
        astcenc_context_free(static_cast<astcenc_context *>(ctx));
}

extern "C" bool scene_astc_encode(void *ctx, const uint8_t *rgba, uint32_t w, uint32_t h,
                                  uint8_t *out, size_t out_size, unsigned thread_index)
{
    void *rows = const_cast<uint8_t *>(rgba);
    astcenc_image image = {w, h, 1, ASTCENC_TYPE_U8, &rows};
    astcenc_swizzle swz = {ASTCENC_SWZ_R, ASTCENC_SWZ_G, ASTCENC_SWZ_B, ASTCENC_SWZ_A};
    return astcenc_compress_image(static_cast<astcenc_context *>(ctx), &image, &swz, out, out_size,
                                  thread_index) == ASTCENC_SUCCESS;
}

extern "C" void scene_astc_reset(void *ctx)
{
    astcenc_compress_reset(static_cast<astcenc_context *>(ctx));
}

extern "C" bool scene_astc_decode(void *ctx, const uint8_t *blocks, size_t size, uint32_t w,
                                  uint32_t h, uint8_t *out_rgba)
{
    void *rows = out_rgba;
    astcenc_image image = {w, h, 1, ASTCENC_TYPE_U8, &rows};
    astcenc_swizzle swz = {ASTCENC_SWZ_R, ASTCENC_SWZ_G, ASTCENC_SWZ_B, ASTCENC_SWZ_A};
    bool ok = astcenc_decompress_image(static_cast<astcenc_context *>(ctx), blocks, size, &image,
                                       &swz, 0) == ASTCENC_SUCCESS;
    astcenc_decompress_reset(static_cast<astcenc_context *>(ctx));
    return ok;
}
