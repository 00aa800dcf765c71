// SPDX-License-Identifier: Apache-2.0
// Light from the sky, computed on the CPU when the sky changes (a few ms):
//   - irradiance as nine spherical-harmonic coefficients (divided by pi, so
//     that the shader's diffuse term is albedo * SH(n)), projected from a
//     64x32 latitude-longitude grid of the sky;
//   - a cube of 64x64 faces with 7 mips: mip 0 the sky itself (the sky
//     shader draws it), mips 1-2 box-filtered from the level above, mips 3-6
//     the grid convolved with a GGX lobe of roughness mip/6 (N = V = R), for
//     the specular term sampled at lod = roughness * 6.
// The levels go into a staging buffer as RGBA16F (made by whoever bakes,
// a loader thread too: gfx_sky_bake.c); the next render after the renderer
// takes it copies them into the cube (gfx_ibl_record_upload).
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gfx_env.h"

#define PI_F 3.14159265f
#define GRID_W 64
#define GRID_H 32

static uint16_t half_from_float(float f)
{
    union {
        float f;
        uint32_t u;
    } v = {f};
    uint32_t sign = (v.u >> 16) & 0x8000u;
    int32_t exp = (int32_t)((v.u >> 23) & 0xffu) - 127 + 15;
    uint32_t mant = v.u & 0x7fffffu;
    if (!(f == f))
        return 0x7e00;
    if (exp >= 31)
        return (uint16_t)(sign | 0x7c00u); // too large: infinity (never for a sky)
    if (exp <= 0) {
        if (exp < -10)
            return (uint16_t)sign;
        mant |= 0x800000u;
        return (uint16_t)(sign | (mant >> (uint32_t)(14 - exp)));
    }
    return (uint16_t)(sign | ((uint32_t)exp << 10) | (mant >> 13));
}

// The direction through texel (x, y) of cube face f (Vulkan's face order
// +X -X +Y -Y +Z -Z; rows run down the face).
static void cube_dir(int f, uint32_t x, uint32_t y, uint32_t n, float out[3])
{
    float u = 2.0f * ((float)x + 0.5f) / (float)n - 1.0f;
    float v = 2.0f * ((float)y + 0.5f) / (float)n - 1.0f;
    float d[6][3] = {{1, -v, -u}, {-1, -v, u}, {u, 1, v}, {u, -1, -v}, {u, -v, 1}, {-u, -v, -1}};
    float len = sqrtf(d[f][0] * d[f][0] + d[f][1] * d[f][1] + d[f][2] * d[f][2]);
    for (int i = 0; i < 3; i++)
        out[i] = d[f][i] / len;
}

typedef struct grid {
    float dir[GRID_W * GRID_H][3];
    float rgb[GRID_W * GRID_H][3];
    float area[GRID_W * GRID_H]; // solid angle
} grid;

// The mean radiance over grid cell (y, x), from 8 x 8 directions in it.
static void cell_mean(const gfx_sky_model *m, int y, int x, float out[3])
{
    float sum[3] = {0, 0, 0}, wsum = 0.0f;
    for (int j = 0; j < 8; j++) {
        float theta = PI_F * ((float)y + ((float)j + 0.5f) / 8.0f) / GRID_H;
        for (int i = 0; i < 8; i++) {
            float phi = 2.0f * PI_F * ((float)x + ((float)i + 0.5f) / 8.0f) / GRID_W;
            float d[3] = {sinf(theta) * cosf(phi), cosf(theta), sinf(theta) * sinf(phi)}, c[3];
            gfx_sky_model_radiance(m, d, c);
            for (int k = 0; k < 3; k++)
                sum[k] += c[k] * sinf(theta);
            wsum += sinf(theta);
        }
    }
    for (int k = 0; k < 3; k++)
        out[k] = wsum > 0.0f ? sum[k] / wsum : 0.0f;
}

static void grid_fill(const gfx_sky_model *m, grid *g)
{
    for (int y = 0; y < GRID_H; y++) {
        float theta = PI_F * ((float)y + 0.5f) / GRID_H; // from the zenith
        float area = (2.0f * PI_F / GRID_W) * (PI_F / GRID_H) * sinf(theta);
        for (int x = 0; x < GRID_W; x++) {
            int i = y * GRID_W + x;
            float phi = 2.0f * PI_F * ((float)x + 0.5f) / GRID_W;
            g->dir[i][0] = sinf(theta) * cosf(phi);
            g->dir[i][1] = cosf(theta);
            g->dir[i][2] = sinf(theta) * sinf(phi);
            g->area[i] = area;
            if (m->env) // a picture has detail (a sun) finer than a cell: its mean
                cell_mean(m, y, x, g->rgb[i]);
            else
                gfx_sky_model_radiance(m, g->dir[i], g->rgb[i]);
        }
    }
}

static void sh_basis(const float d[3], float y[9])
{
    float x = d[0], yy = d[1], z = d[2];
    y[0] = 0.282095f;
    y[1] = 0.488603f * yy;
    y[2] = 0.488603f * z;
    y[3] = 0.488603f * x;
    y[4] = 1.092548f * x * yy;
    y[5] = 1.092548f * yy * z;
    y[6] = 0.315392f * (3.0f * z * z - 1.0f);
    y[7] = 1.092548f * x * z;
    y[8] = 0.546274f * (x * x - yy * yy);
}

static void sh_project(const grid *g, float sh[9][4])
{
    memset(sh, 0, 9 * 4 * sizeof(float));
    for (int i = 0; i < GRID_W * GRID_H; i++) {
        float y[9];
        sh_basis(g->dir[i], y);
        for (int k = 0; k < 9; k++)
            for (int c = 0; c < 3; c++)
                sh[k][c] += g->rgb[i][c] * y[k] * g->area[i];
    }
    // Irradiance convolution (pi, 2pi/3, pi/4 per band), then / pi.
    static const float band[9] = {1.0f,  2.0f / 3.0f, 2.0f / 3.0f, 2.0f / 3.0f, 0.25f,
                                  0.25f, 0.25f,       0.25f,       0.25f};
    for (int k = 0; k < 9; k++)
        for (int c = 0; c < 3; c++)
            sh[k][c] *= band[k];
}

static void ggx_texel(const grid *g, const float n[3], float rough, float out[3])
{
    float a = rough * rough, a2 = a * a;
    float sum[3] = {0, 0, 0}, wsum = 0.0f;
    for (int i = 0; i < GRID_W * GRID_H; i++) {
        const float *l = g->dir[i];
        float nl = n[0] * l[0] + n[1] * l[1] + n[2] * l[2];
        if (nl <= 0.0f)
            continue;
        // N = V: the half vector's cosine with N is sqrt((1 + N.L) / 2).
        float nh2 = 0.5f * (1.0f + nl);
        float d = nh2 * (a2 - 1.0f) + 1.0f;
        float w = a2 / (PI_F * d * d) * nl * g->area[i];
        for (int c = 0; c < 3; c++)
            sum[c] += g->rgb[i][c] * w;
        wsum += w;
    }
    for (int c = 0; c < 3; c++)
        out[c] = wsum > 0.0f ? sum[c] / wsum : 0.0f;
}

stoa_result gfx_ibl_bake(stoa_gfx_device *dev, const gfx_sky_model *model, float sh[9][4],
                         gfx_buffer *staging, stoa_error *err)
{
    grid *g = malloc(sizeof *g);
    float *levels = malloc(sizeof(float) * 4 * 6 * GFX_ENV_CUBE * GFX_ENV_CUBE * 2);
    if (!g || !levels) {
        free(g);
        free(levels);
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "gfx: out of memory");
    }
    grid_fill(model, g);
    sh_project(g, sh);
    // Every level, face after face, as float RGBA: level offsets in texels.
    size_t offset[GFX_ENV_MIPS], texels = 0;
    for (uint32_t m = 0; m < GFX_ENV_MIPS; m++) {
        uint32_t n = GFX_ENV_CUBE >> m;
        offset[m] = texels;
        texels += (size_t)6 * n * n;
    }
    for (uint32_t m = 0; m < GFX_ENV_MIPS; m++) {
        uint32_t n = GFX_ENV_CUBE >> m, up = n * 2;
        for (int f = 0; f < 6; f++)
            for (uint32_t y = 0; y < n; y++)
                for (uint32_t x = 0; x < n; x++) {
                    float *px = levels + 4 * (offset[m] + ((size_t)f * n + y) * n + x);
                    float d[3];
                    cube_dir(f, x, y, n, d);
                    if (m == 0) {
                        gfx_sky_model_radiance(model, d, px);
                    } else if (m <= 2) {
                        const float *src = levels + 4 * (offset[m - 1] + (size_t)f * up * up);
                        for (int c = 0; c < 3; c++)
                            px[c] = 0.25f * (src[4 * ((2 * y) * up + 2 * x) + c] +
                                             src[4 * ((2 * y) * up + 2 * x + 1) + c] +
                                             src[4 * ((2 * y + 1) * up + 2 * x) + c] +
                                             src[4 * ((2 * y + 1) * up + 2 * x + 1) + c]);
                    } else {
                        ggx_texel(g, d, (float)m / (GFX_ENV_MIPS - 1), px);
                    }
                    px[3] = 1.0f;
                }
    }
    free(g);
    stoa_result res = gfx_buffer_create(dev, texels * 8, VK_BUFFER_USAGE_TRANSFER_SRC_BIT,
                                        GFX_MEM_UPLOAD, staging, err);
    if (res >= 0) {
        uint16_t *dst = staging->alloc.mapped;
        for (size_t i = 0; i < texels * 4; i++)
            dst[i] = half_from_float(levels[i]);
    }
    free(levels);
    return res;
}

void gfx_ibl_record_upload(stoa_gfx_renderer *r, VkCommandBuffer cmd)
{
    gfx_env *e = r->env;
    if (!e->upload || !e->staging.buffer)
        return;
    VkBufferImageCopy copies[GFX_ENV_MIPS];
    VkDeviceSize off = 0;
    for (uint32_t m = 0; m < GFX_ENV_MIPS; m++) {
        uint32_t n = GFX_ENV_CUBE >> m;
        copies[m] = (VkBufferImageCopy){
            .bufferOffset = off,
            .imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, m, 0, 6},
            .imageExtent = {n, n, 1},
        };
        off += (VkDeviceSize)6 * n * n * 8;
    }
    VkImageMemoryBarrier b = {
        .sType = VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER,
        .srcAccessMask = VK_ACCESS_SHADER_READ_BIT,
        .dstAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT,
        .oldLayout = VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL,
        .newLayout = VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL,
        .srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
        .dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
        .image = e->cube.image,
        .subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, GFX_ENV_MIPS, 0, 6},
    };
    vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT,
                         0, 0, NULL, 0, NULL, 1, &b);
    vkCmdCopyBufferToImage(cmd, e->staging.buffer, e->cube.image,
                           VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, GFX_ENV_MIPS, copies);
    b.srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
    b.dstAccessMask = VK_ACCESS_SHADER_READ_BIT;
    b.oldLayout = VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL;
    b.newLayout = VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL;
    vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT,
                         0, 0, NULL, 0, NULL, 1, &b);
    gfx_defer_buffer(r, &e->staging);
    e->upload = false;
}
