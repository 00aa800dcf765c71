// SPDX-License-Identifier: Apache-2.0
// Quantised vertex streams on the GPU (runtime/scene/stoa_scene_quant.h):
// the vertex input formats of each scene vertex format, which of them the
// device can read from a vertex buffer, writing a mesh's streams, and the
// dequantisation of positions: folded into the model matrix (so batched
// and instanced draws, whose matrices come from the frame ring, need nothing
// more; a morphed mesh's position deltas are divided by its scale at
// upload), and for a skinned draw, which has no model matrix, put in the
// model's column 0 and applied by the vertex shader before the joints. The
// push constants do not grow. The scale is the same on every axis, so
// normals are not bent by it: the fragment shader normalises them.
#include <stdlib.h>
#include <string.h>

#include "gfx_scene_internal.h"
#include "scene/stoa_scene_quant.h"

// Per stream: the float format and size, the quantised ones and the
// STOA_QUANT_* bit that selects them (0: never quantised).
static const struct {
    VkFormat f32;
    uint32_t f32_size;
    VkFormat q;
    uint32_t q_size;
    uint32_t bit;
} k_stream[GFX_STREAM_COUNT] = {
    {VK_FORMAT_R32G32B32_SFLOAT, 12, VK_FORMAT_R16G16B16A16_UNORM, 8, STOA_QUANT_POSITION},
    {VK_FORMAT_R32G32B32_SFLOAT, 12, VK_FORMAT_R8G8B8A8_SNORM, 4, STOA_QUANT_NORMAL},
    {VK_FORMAT_R32G32B32A32_SFLOAT, 16, VK_FORMAT_R8G8B8A8_SNORM, 4, STOA_QUANT_NORMAL},
    {VK_FORMAT_R32G32_SFLOAT, 8, VK_FORMAT_R16G16_UNORM, 4, STOA_QUANT_UV},
    {VK_FORMAT_R32G32_SFLOAT, 8, VK_FORMAT_R16G16_UNORM, 4, STOA_QUANT_UV},
    {VK_FORMAT_R32G32B32A32_SFLOAT, 16, VK_FORMAT_R8G8B8A8_UNORM, 4, STOA_QUANT_COLOR},
    {VK_FORMAT_R16G16B16A16_UINT, 8, VK_FORMAT_R16G16B16A16_UINT, 8, 0},
    {VK_FORMAT_R32G32B32A32_SFLOAT, 16, VK_FORMAT_R32G32B32A32_SFLOAT, 16, 0},
};

uint32_t gfx_stream_stride(uint32_t vfmt, uint32_t stream)
{
    return (k_stream[stream].bit & vfmt) ? k_stream[stream].q_size : k_stream[stream].f32_size;
}

void gfx_vertex_input(uint32_t vfmt, VkVertexInputBindingDescription b[GFX_STREAM_COUNT],
                      VkVertexInputAttributeDescription a[GFX_STREAM_COUNT])
{
    for (uint32_t k = 0; k < GFX_STREAM_COUNT; k++) {
        bool q = k_stream[k].bit & vfmt;
        b[k] = (VkVertexInputBindingDescription){k, gfx_stream_stride(vfmt, k),
                                                 VK_VERTEX_INPUT_RATE_VERTEX};
        a[k] = (VkVertexInputAttributeDescription){k, k, q ? k_stream[k].q : k_stream[k].f32, 0};
    }
}

uint32_t gfx_quant_supported(stoa_gfx_device *dev)
{
    uint32_t ok = STOA_QUANT_ALL;
    for (uint32_t k = 0; k < GFX_STREAM_COUNT; k++) {
        if (!k_stream[k].bit)
            continue;
        VkFormatProperties p;
        vkGetPhysicalDeviceFormatProperties(dev->h.physical_device, k_stream[k].q, &p);
        if (!(p.bufferFeatures & VK_FORMAT_FEATURE_VERTEX_BUFFER_BIT))
            ok &= ~k_stream[k].bit;
    }
    return ok;
}

uint32_t gfx_quant_wanted(stoa_gfx_device *dev)
{
    const char *env = getenv("STOA_GFX_QUANT");
    uint32_t want = STOA_QUANT_ALL;
    if (env && env[0] && strcmp(env, "on") != 0) {
        want = 0;
        want |= strstr(env, "position") ? STOA_QUANT_POSITION : 0;
        want |= strstr(env, "normal") ? STOA_QUANT_NORMAL : 0;
        want |= strstr(env, "uv") ? STOA_QUANT_UV : 0;
        want |= strstr(env, "colo") ? STOA_QUANT_COLOR : 0;
    }
    return want ? want & gfx_quant_supported(dev) : 0;
}

static void put(uint8_t *dst, const void *src, size_t bytes)
{
    if (src)
        memcpy(dst, src, bytes);
    else
        memset(dst, 0, bytes);
}

void gfx_write_mesh_streams(uint8_t *const base[GFX_STREAM_COUNT], uint32_t vfmt,
                            const stoa_mesh *m, const stoa_mesh_quant *q, uint32_t first)
{
    size_t n = m->vertex_count;
    uint8_t *dst[GFX_STREAM_COUNT];
    for (uint32_t k = 0; k < GFX_STREAM_COUNT; k++)
        dst[k] = base[k] + (size_t)first * gfx_stream_stride(vfmt, k);
    bool qp = vfmt & STOA_QUANT_POSITION, qn = vfmt & STOA_QUANT_NORMAL;
    bool qu = vfmt & STOA_QUANT_UV, qc = vfmt & STOA_QUANT_COLOR;
    put(dst[GFX_STREAM_POSITION], qp ? (const void *)q->positions : m->positions,
        n * (qp ? 8 : 12));
    put(dst[GFX_STREAM_NORMAL], qn ? (const void *)q->normals : m->normals, n * (qn ? 4 : 12));
    put(dst[GFX_STREAM_TANGENT], qn ? (const void *)q->tangents : m->tangents, n * (qn ? 4 : 16));
    put(dst[GFX_STREAM_UV0], qu ? (const void *)q->uv0 : m->uv0, n * (qu ? 4 : 8));
    put(dst[GFX_STREAM_UV1], qu ? (const void *)q->uv1 : m->uv1, n * (qu ? 4 : 8));
    if (qc && q->colors)
        memcpy(dst[GFX_STREAM_COLOR], q->colors, n * 4);
    else if (qc)
        memset(dst[GFX_STREAM_COLOR], 255, n * 4);
    else if (m->colors)
        memcpy(dst[GFX_STREAM_COLOR], m->colors, n * 16);
    else
        for (size_t i = 0; i < n * 4; i++)
            ((float *)dst[GFX_STREAM_COLOR])[i] = 1.0f;
    put(dst[GFX_STREAM_JOINTS], m->joints, n * 8);
    put(dst[GFX_STREAM_WEIGHTS], m->weights, n * 16);
}

void gfx_draw_set_dequant(gfx_draw *d, uint32_t vfmt, const stoa_mesh_quant *q)
{
    bool on = (vfmt & STOA_QUANT_POSITION) && q;
    d->dequant[0] = on ? q->offset[0] : 0.0f;
    d->dequant[1] = on ? q->offset[1] : 0.0f;
    d->dequant[2] = on ? q->offset[2] : 0.0f;
    d->dequant[3] = on ? q->scale : 1.0f;
}

float gfx_morph_scale(uint32_t vfmt, const stoa_mesh_quant *q)
{
    return (vfmt & STOA_QUANT_POSITION) && q && q->scale > 0 ? 1.0f / q->scale : 1.0f;
}

const float *gfx_draw_model(const stoa_gfx_scene *s, const stoa_pose *pose, const gfx_draw *d,
                            float tmp[16])
{
    const float *world = gfx_frame_world(s, pose, d->node);
    const float *q = d->dequant;
    if (q[0] == 0.0f && q[1] == 0.0f && q[2] == 0.0f && q[3] == 1.0f)
        return world;
    // world * translate(q.xyz) * scale(q.w), written out (on the frame
    // path for every quantised draw): columns 0-2 scaled, column 3 moved.
    for (int c = 0; c < 3; c++)
        for (int r = 0; r < 4; r++)
            tmp[c * 4 + r] = world[c * 4 + r] * q[3];
    for (int r = 0; r < 4; r++)
        tmp[12 + r] = world[r] * q[0] + world[4 + r] * q[1] + world[8 + r] * q[2] + world[12 + r];
    return tmp;
}

void gfx_draw_push_model(const stoa_gfx_scene *s, const stoa_pose *pose, const gfx_draw *d,
                         bool skinned, float out[16])
{
    if (skinned) {
        memset(out, 0, 16 * sizeof(float));
        memcpy(out, d->dequant, 4 * sizeof(float));
        return;
    }
    float tmp[16];
    memcpy(out, gfx_draw_model(s, pose, d, tmp), 16 * sizeof(float));
}

uint64_t stoa_gfx_scene_vertex_bytes(const stoa_gfx_scene *scene, uint32_t *out_quantised,
                                     uint64_t *out_geometry)
{
    if (out_quantised)
        *out_quantised = scene ? scene->vertex_format : 0;
    if (out_geometry)
        *out_geometry = scene ? scene->vertices.size + scene->indices.size + scene->morphs.size : 0;
    return scene ? scene->vertex_bytes : 0;
}
