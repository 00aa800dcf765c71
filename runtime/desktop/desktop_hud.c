// SPDX-License-Identifier: Apache-2.0
#include "desktop_hud.h"

#include <stdlib.h>
#include <string.h>

// stb_easy_font has only static functions and a few unused ones.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wsign-compare"
#include <stb_easy_font.h>
#pragma GCC diagnostic pop

#define LINE_PX 10 // stb_easy_font line height in its own units
#define MARGIN 4

bool desktop_hud_init(desktop_hud *hud, uint32_t max_chars, uint32_t max_lines, uint32_t scale,
                      bool bgra)
{
    memset(hud, 0, sizeof *hud);
    if (scale == 0)
        scale = 2;
    hud->width = (max_chars * 6 + 2 * MARGIN) * scale;
    hud->height = (max_lines * LINE_PX + 2 * MARGIN + 8) * scale;
    hud->bgra = bgra;
    hud->pixels = calloc((size_t)hud->width * hud->height, 4);
    hud->scale = scale;
    return hud->pixels != NULL;
}

void desktop_hud_fini(desktop_hud *hud)
{
    free(hud->pixels);
    memset(hud, 0, sizeof *hud);
}

static void fill(desktop_hud *hud, int x0, int y0, int x1, int y1, const uint8_t rgb[3])
{
    if (x0 < 0)
        x0 = 0;
    if (y0 < 0)
        y0 = 0;
    if (x1 > (int)hud->width)
        x1 = (int)hud->width;
    if (y1 > (int)hud->height)
        y1 = (int)hud->height;
    for (int y = y0; y < y1; y++) {
        uint8_t *row = hud->pixels + ((size_t)y * hud->width) * 4;
        for (int x = x0; x < x1; x++) {
            uint8_t *p = row + (size_t)x * 4;
            p[0] = hud->bgra ? rgb[2] : rgb[0];
            p[1] = rgb[1];
            p[2] = hud->bgra ? rgb[0] : rgb[2];
            p[3] = 255;
        }
    }
}

void desktop_hud_draw(desktop_hud *hud, const char *const *lines, uint32_t line_count,
                      float progress)
{
    static const uint8_t panel[3] = {24, 26, 30}, ink[3] = {235, 235, 225},
                         bar_bg[3] = {60, 64, 70}, bar_fg[3] = {90, 170, 255};
    fill(hud, 0, 0, (int)hud->width, (int)hud->height, panel);
    static char vbuf[64 * 1024];
    const int scale_i = (int)hud->scale;
    for (uint32_t l = 0; l < line_count; l++) {
        int n = stb_easy_font_print(0, 0, (char *)lines[l], NULL, vbuf, sizeof vbuf);
        const float *v = (const float *)vbuf;
        for (int q = 0; q < n; q++) {
            // Each quad is 4 vertices of (x, y, z, rgba) = 16 bytes.
            const float *a = v + q * 16, *c = v + q * 16 + 8;
            int x0 = (int)((a[0] + MARGIN) * scale_i), y0 = (int)((a[1] + MARGIN + l * LINE_PX) * scale_i);
            int x1 = (int)((c[0] + MARGIN) * scale_i), y1 = (int)((c[1] + MARGIN + l * LINE_PX) * scale_i);
            fill(hud, x0, y0, x1, y1, ink);
        }
    }
    if (progress >= 0.0f) {
        int y0 = (int)((line_count * LINE_PX + MARGIN + 2) * scale_i);
        int y1 = y0 + 4 * scale_i;
        int x0 = MARGIN * scale_i, x1 = (int)hud->width - MARGIN * scale_i;
        fill(hud, x0, y0, x1, y1, bar_bg);
        float p = progress > 1.0f ? 1.0f : progress;
        fill(hud, x0, y0, x0 + (int)((float)(x1 - x0) * p), y1, bar_fg);
    }
}

uint32_t desktop_hud_lit_pixels(const desktop_hud *hud)
{
    uint32_t n = 0;
    for (size_t i = 0; i < (size_t)hud->width * hud->height; i++)
        n += hud->pixels[i * 4 + 1] > 200;
    return n;
}
