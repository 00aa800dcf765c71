// SPDX-License-Identifier: Apache-2.0
// The simulated camera image (xrsim_camera.h). The classroom is a box of
// 8 m x 3 m x 8 m in STAGE coordinates (x -4..4, y 0..3, z -5..3; the start
// pose at the origin looks along -Z at the front wall): a wooden floor, a
// ceiling with light panels, a whiteboard on the front wall, a window on the
// left wall, a door on the right wall, and a table 1.2 m x 0.8 m with its
// top at 0.75 m, 1 m in front of the start pose. Each pixel casts one ray;
// nothing is random, so every run sees the same room.
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// stb_image declares static functions it never defines when STATIC is set.
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wimplicit-fallthrough"
#define STB_IMAGE_STATIC
#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_PNG
#define STBI_ONLY_JPEG
#include <stb_image.h>
#pragma GCC diagnostic pop

#include "xrsim_camera.h"

// ---- sRGB ------------------------------------------------------------------
static float g_dec[256];
static uint8_t g_enc[65536]; // linear in 1/65535 steps -> sRGB
static bool g_lut_ready;

static void lut_init(void)
{
    if (g_lut_ready)
        return;
    for (int i = 0; i < 256; i++) {
        double s = i / 255.0;
        g_dec[i] = (float)(s <= 0.04045 ? s / 12.92 : pow((s + 0.055) / 1.055, 2.4));
    }
    for (int i = 0; i < 65536; i++) {
        double l = i / 65535.0;
        double s = l <= 0.0031308 ? 12.92 * l : 1.055 * pow(l, 1 / 2.4) - 0.055;
        g_enc[i] = (uint8_t)lround(s * 255.0);
    }
    g_lut_ready = true;
}

float xrsim_srgb_to_linear(uint8_t v)
{
    lut_init();
    return g_dec[v];
}

uint8_t xrsim_linear_to_srgb(float v)
{
    lut_init();
    if (!(v > 0))
        return 0;
    return v >= 1 ? 255 : g_enc[(int)(v * 65535.0f + 0.5f)];
}

// ---- the classroom -------------------------------------------------------------
typedef struct box {
    float lo[3], hi[3];
    uint8_t top[3], side[3]; // sRGB
} box;

// The table: top 1.2 x 0.8 x 0.03 m at 0.72..0.75 m, four legs.
static const box k_boxes[] = {
    {{-0.6f, 0.72f, -1.4f}, {0.6f, 0.75f, -0.6f}, {196, 150, 98}, {140, 100, 62}},
    {{-0.57f, 0, -1.37f}, {-0.52f, 0.72f, -1.32f}, {70, 70, 74}, {70, 70, 74}},
    {{0.52f, 0, -1.37f}, {0.57f, 0.72f, -1.32f}, {70, 70, 74}, {70, 70, 74}},
    {{-0.57f, 0, -0.68f}, {-0.52f, 0.72f, -0.63f}, {70, 70, 74}, {70, 70, 74}},
    {{0.52f, 0, -0.68f}, {0.57f, 0.72f, -0.63f}, {70, 70, 74}, {70, 70, 74}},
};
static const float k_room_lo[3] = {-4, 0, -5}, k_room_hi[3] = {4, 3, 3};

static void set(float rgb[3], uint8_t r, uint8_t g, uint8_t b)
{
    rgb[0] = xrsim_srgb_to_linear(r), rgb[1] = xrsim_srgb_to_linear(g),
    rgb[2] = xrsim_srgb_to_linear(b);
}

static bool in(float v, float lo, float hi)
{
    return v >= lo && v <= hi;
}

// Colour of the room's inside at point p on the face with inward normal axis `axis`, sign.
static void room_color(const float p[3], int axis, float sign, float rgb[3])
{
    const float x = p[0], y = p[1], z = p[2];
    if (axis == 1 && sign > 0) { // floor: planks 0.2 m wide along z, joints
        int plank = (int)floorf((x + 4) / 0.2f);
        float along = z + (plank % 3) * 0.7f;
        bool joint = fmodf(x + 4, 0.2f) < 0.008f || fmodf(along + 10, 2.1f) < 0.01f;
        uint8_t t = (uint8_t)(plank % 2 ? 0 : 12);
        return joint ? set(rgb, 90, 62, 40) : set(rgb, 150 - t, 108 - t, 68 - t);
    }
    if (axis == 1) { // ceiling with light panels on a 1.2 m grid
        bool panel = fmodf(x + 4.3f, 1.2f) < 0.6f && fmodf(z + 5.3f, 1.2f) < 0.6f;
        return panel ? set(rgb, 252, 252, 240) : set(rgb, 214, 214, 208);
    }
    if (y < 0.1f) // skirting board
        return set(rgb, 88, 88, 92);
    if (axis == 2 && sign > 0) { // front wall (z = -5): the whiteboard
        if (in(x, -1.53f, 1.53f) && in(y, 0.87f, 2.13f)) {
            if (!in(x, -1.5f, 1.5f) || !in(y, 0.9f, 2.1f))
                return set(rgb, 130, 130, 136); // frame
            // Three lines of "writing" and a red underline.
            for (int row = 0; row < 3; row++) {
                float ry = 1.85f - row * 0.25f, len = 2.2f - row * 0.6f;
                if (in(y, ry, ry + 0.05f) && in(x, -1.3f, -1.3f + len) &&
                    fmodf(x + 1.3f, 0.16f) < 0.12f)
                    return set(rgb, 30, 50, 150);
            }
            if (in(y, 1.2f, 1.22f) && in(x, -1.3f, 0.2f))
                return set(rgb, 200, 30, 30);
            return set(rgb, 246, 246, 246);
        }
        return set(rgb, 182, 206, 182); // pale green
    }
    if (axis == 0 && sign > 0) { // left wall (x = -4): the window
        if (in(z, -4.05f, -0.95f) && in(y, 0.95f, 2.45f)) {
            bool bar = !in(z, -4.0f, -1.0f) || !in(y, 1.0f, 2.4f) || fabsf(z + 2.5f) < 0.03f ||
                       fabsf(y - 1.7f) < 0.03f;
            if (bar)
                return set(rgb, 240, 240, 240);
            if (y < 1.25f) // trees on the horizon
                return set(rgb, 70, 130, 60);
            float u = (y - 1.25f) / 1.15f; // sky, lighter near the horizon
            return set(rgb, (uint8_t)(170 - 60 * u), (uint8_t)(205 - 40 * u), 240);
        }
        return set(rgb, 226, 216, 190);
    }
    if (axis == 0) { // right wall (x = 4): the door
        if (in(z, -4.5f, -3.5f) && y < 2.1f) {
            bool handle = in(z, -3.65f, -3.58f) && in(y, 0.98f, 1.04f);
            return handle ? set(rgb, 210, 200, 120) : set(rgb, 120, 80, 50);
        }
        return set(rgb, 226, 216, 190);
    }
    return set(rgb, 214, 200, 170); // back wall
}

// Shading by face, so that edges read in a picture: light from above-left.
static float shade(int axis, float sign)
{
    static const float k[3][2] = {{0.80f, 0.92f}, {0.70f, 1.0f}, {0.86f, 0.95f}};
    return k[axis][sign > 0];
}

static void classroom(XrVector3f eye, XrVector3f dir, float rgb[3])
{
    const float o[3] = {eye.x, eye.y, eye.z}, d[3] = {dir.x, dir.y, dir.z};
    // The room: the nearest wall the ray leaves through.
    float best = INFINITY;
    int axis = 2;
    float sign = 1;
    for (int a = 0; a < 3; a++) {
        if (d[a] == 0)
            continue;
        float wall = d[a] > 0 ? k_room_hi[a] : k_room_lo[a];
        float t = (wall - o[a]) / d[a];
        if (t > 0 && t < best)
            best = t, axis = a, sign = d[a] > 0 ? -1.0f : 1.0f;
    }
    const box *hit = NULL;
    for (size_t i = 0; i < sizeof k_boxes / sizeof k_boxes[0]; i++) {
        const box *b = &k_boxes[i];
        float t0 = 0, t1 = best;
        int ax = -1;
        float sg = 1;
        for (int a = 0; a < 3 && t0 <= t1; a++) {
            if (d[a] == 0) {
                if (o[a] < b->lo[a] || o[a] > b->hi[a])
                    t0 = INFINITY;
                continue;
            }
            float ta = (b->lo[a] - o[a]) / d[a], tb = (b->hi[a] - o[a]) / d[a];
            float near = fminf(ta, tb), far = fmaxf(ta, tb);
            if (near > t0)
                t0 = near, ax = a, sg = d[a] > 0 ? -1.0f : 1.0f;
            t1 = fminf(t1, far);
        }
        if (ax >= 0 && t0 <= t1 && t0 < best)
            best = t0, hit = b, axis = ax, sign = sg;
    }
    if (!isfinite(best)) {
        set(rgb, 0, 0, 0);
        return;
    }
    if (hit) {
        const uint8_t *c = axis == 1 && sign > 0 ? hit->top : hit->side;
        set(rgb, c[0], c[1], c[2]);
    } else {
        float p[3] = {o[0] + best * d[0], o[1] + best * d[1], o[2] + best * d[2]};
        room_color(p, axis, sign, rgb);
    }
    float s = shade(axis, sign);
    for (int i = 0; i < 3; i++)
        rgb[i] *= s;
}

// ---- the camera ---------------------------------------------------------------------
bool xrsim_camera_init(xrsim_camera *cam, const xrsim_script_ar *ar, char *err, size_t err_size)
{
    memset(cam, 0, sizeof *cam);
    cam->kind = ar->camera;
    for (int i = 0; i < 3; i++)
        cam->color[i] = xrsim_srgb_to_linear(ar->camera_color[i]);
    if (cam->kind != XRSIM_CAMERA_IMAGE)
        return true;
    int w, h, n;
    if (!stbi_info(ar->camera_image, &w, &h, &n)) {
        snprintf(err, err_size, "camera.image: %s: not a PNG or JPEG image (%s)", ar->camera_image,
                 stbi_failure_reason());
        return false;
    }
    if (w < 2 || h < 1 || (int64_t)w * h > XRSIM_CAMERA_MAX_PIXELS) {
        snprintf(err, err_size, "camera.image: %s: %dx%d is outside 2x1 .. %d pixels",
                 ar->camera_image, w, h, XRSIM_CAMERA_MAX_PIXELS);
        return false;
    }
    cam->pixels = stbi_load(ar->camera_image, &cam->width, &cam->height, &n, 3);
    if (!cam->pixels) {
        snprintf(err, err_size, "camera.image: %s: cannot decode (%s)", ar->camera_image,
                 stbi_failure_reason());
        return false;
    }
    return true;
}

void xrsim_camera_fini(xrsim_camera *cam)
{
    stbi_image_free(cam->pixels);
    memset(cam, 0, sizeof *cam);
}

void xrsim_camera_sample(const xrsim_camera *cam, XrVector3f eye, XrVector3f dir, float rgb[3])
{
    switch (cam->kind) {
    case XRSIM_CAMERA_COLOR:
        memcpy(rgb, cam->color, sizeof cam->color);
        return;
    case XRSIM_CAMERA_IMAGE: {
        // Equirectangular: u = 0 behind (+Z), 0.5 ahead (-Z), growing to the right.
        float len = sqrtf(dir.x * dir.x + dir.y * dir.y + dir.z * dir.z);
        float u = 0.5f + atan2f(dir.x, -dir.z) / (2.0f * (float)M_PI);
        float v = acosf(fmaxf(-1.0f, fminf(1.0f, dir.y / len))) / (float)M_PI;
        int x = (int)(u * (float)cam->width), y = (int)(v * (float)cam->height);
        x = x < 0 ? 0 : x >= cam->width ? cam->width - 1 : x;
        y = y < 0 ? 0 : y >= cam->height ? cam->height - 1 : y;
        const uint8_t *p = cam->pixels + ((size_t)y * (size_t)cam->width + (size_t)x) * 3;
        set(rgb, p[0], p[1], p[2]);
        return;
    }
    default:
        classroom(eye, dir, rgb);
    }
}
