// SPDX-License-Identifier: Apache-2.0
// View and projection matrices for Vulkan's clip space (y down, depth 0..1),
// column-major like cglm.
#include <math.h>
#include <string.h>

#include "gfx_internal.h"

void stoa_gfx_projection_fov(float angle_left, float angle_right, float angle_up,
                             float angle_down, float znear, float zfar, float out[16])
{
    float l = tanf(angle_left), r = tanf(angle_right);
    float u = tanf(angle_up), d = tanf(angle_down);
    float w = r - l;
    float h = d - u; // negative: Vulkan's y points down
    memset(out, 0, 16 * sizeof *out);
    out[0] = 2.0f / w;
    out[5] = 2.0f / h;
    out[8] = (r + l) / w;
    out[9] = (u + d) / h;
    out[11] = -1.0f;
    if (zfar <= znear) { // infinite far plane
        out[10] = -1.0f;
        out[14] = -znear;
    } else {
        out[10] = -zfar / (zfar - znear);
        out[14] = -(zfar * znear) / (zfar - znear);
    }
}

void stoa_gfx_projection_perspective(float yfov, float aspect, float znear, float zfar,
                                     float out[16])
{
    float half = yfov * 0.5f;
    float tx = atanf(tanf(half) * aspect);
    stoa_gfx_projection_fov(-tx, tx, half, -half, znear, zfar, out);
}

static void normalize3(float v[3])
{
    float n = sqrtf(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
    if (n > 0) {
        v[0] /= n;
        v[1] /= n;
        v[2] /= n;
    }
}

static void cross3(const float a[3], const float b[3], float out[3])
{
    out[0] = a[1] * b[2] - a[2] * b[1];
    out[1] = a[2] * b[0] - a[0] * b[2];
    out[2] = a[0] * b[1] - a[1] * b[0];
}

void stoa_gfx_look_at(const float eye[3], const float target[3], const float up[3],
                      float out[16])
{
    float f[3] = {target[0] - eye[0], target[1] - eye[1], target[2] - eye[2]};
    normalize3(f);
    float s[3], u[3];
    cross3(f, up, s);
    normalize3(s);
    cross3(s, f, u);
    memset(out, 0, 16 * sizeof *out);
    for (int i = 0; i < 3; i++) {
        out[i * 4 + 0] = s[i];
        out[i * 4 + 1] = u[i];
        out[i * 4 + 2] = -f[i];
    }
    out[12] = -(s[0] * eye[0] + s[1] * eye[1] + s[2] * eye[2]);
    out[13] = -(u[0] * eye[0] + u[1] * eye[1] + u[2] * eye[2]);
    out[14] = f[0] * eye[0] + f[1] * eye[1] + f[2] * eye[2];
    out[15] = 1.0f;
}

void stoa_gfx_view_frame_bounds(const float bmin[3], const float bmax[3], float azimuth,
                                float elevation, float yfov, float aspect, stoa_gfx_view *out)
{
    float c[3], r = 0.0f;
    for (int i = 0; i < 3; i++) {
        float lo = bmin[i], hi = bmax[i];
        if (!(lo <= hi) || !isfinite(lo) || !isfinite(hi))
            lo = hi = 0.0f; // empty or broken bounds: look at the origin
        c[i] = 0.5f * (lo + hi);
        r += (hi - lo) * (hi - lo) * 0.25f;
    }
    r = sqrtf(r);
    if (r < 1e-4f)
        r = 1.0f;
    if (aspect <= 0.0f)
        aspect = 1.0f;
    if (elevation > 1.5f)
        elevation = 1.5f; // straight down would leave look_at without a side axis
    if (elevation < -1.5f)
        elevation = -1.5f;
    float half = 0.5f * yfov;
    float half_x = atanf(tanf(half) * aspect);
    float fit = sinf(half < half_x ? half : half_x);
    float dist = r / fit * 1.02f;
    float dir[3] = {sinf(azimuth) * cosf(elevation), sinf(elevation),
                    cosf(azimuth) * cosf(elevation)};
    float eye[3] = {c[0] + dir[0] * dist, c[1] + dir[1] * dist, c[2] + dir[2] * dist};
    const float up[3] = {0.0f, 1.0f, 0.0f};
    stoa_gfx_look_at(eye, c, up, out->view);
    float znear = dist - r * 1.5f;
    if (znear < dist * 0.01f)
        znear = dist * 0.01f;
    stoa_gfx_projection_perspective(yfov, aspect, znear, dist + r * 1.5f, out->projection);
}
