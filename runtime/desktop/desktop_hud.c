// SPDX-License-Identifier: Apache-2.0
#include "desktop_hud.h"

#include <stdlib.h>
#include <string.h>

#include "core/stoa_log.h"

// Colours: 0xRRGGBBAA. The box is opaque: the bitmap is copied, not blended.
#define HUD_PANEL 0x181A1EFFu
#define HUD_INK 0xEBEBE1FFu
#define HUD_BAR_BG 0x3C4046FFu
#define HUD_BAR_FG 0x5AAAFFFFu

bool desktop_hud_init(desktop_hud *hud, uint32_t max_chars, uint32_t max_lines, int size_px,
                      bool bgra)
{
    memset(hud, 0, sizeof *hud);
    hud->size_px = size_px > 0 ? size_px : 14;
    hud->pad = hud->size_px / 3 > 2 ? hud->size_px / 3 : 2;
    stoa_error err = {0};
    if (stoa_ui_fonts_create(NULL, &hud->fonts, &err) < 0)
        STOA_LOGW("desktop", "the HUD shows no text: %s", err.message);
    hud->pitch = hud->fonts ? stoa_ui_lines_pitch(hud->fonts, hud->size_px) : hud->size_px;
    // About 0.6 em per Latin character (DejaVu Sans averages less).
    hud->width = max_chars * (uint32_t)hud->size_px * 3 / 5 + 2 * (uint32_t)hud->pad;
    hud->height =
        max_lines * (uint32_t)hud->pitch + 3 * (uint32_t)hud->pad + (uint32_t)hud->size_px / 2;
    hud->bgra = bgra;
    hud->pixels = calloc((size_t)hud->width * hud->height, 4);
    return hud->pixels != NULL;
}

void desktop_hud_fini(desktop_hud *hud)
{
    stoa_ui_fonts_destroy(&hud->fonts);
    free(hud->pixels);
    memset(hud, 0, sizeof *hud);
}

static void fill(desktop_hud *hud, int x0, int y0, int x1, int y1, uint32_t rgba)
{
    x0 = x0 < 0 ? 0 : x0, y0 = y0 < 0 ? 0 : y0;
    x1 = x1 > (int)hud->width ? (int)hud->width : x1;
    y1 = y1 > (int)hud->height ? (int)hud->height : y1;
    const uint8_t px[4] = {(uint8_t)(rgba >> 24), (uint8_t)(rgba >> 16), (uint8_t)(rgba >> 8),
                           (uint8_t)rgba};
    for (int y = y0; y < y1; y++)
        for (int x = x0; x < x1; x++)
            memcpy(hud->pixels + ((size_t)y * hud->width + (size_t)x) * 4, px, 4);
}

void desktop_hud_draw(desktop_hud *hud, const char *const *lines, uint32_t line_count,
                      float progress, uint32_t max_width)
{
    uint32_t max_w = max_width && max_width < hud->width ? max_width : hud->width;
    fill(hud, 0, 0, (int)hud->width, (int)hud->height, HUD_PANEL);
    int used_w = 0, used_h = 0;
    if (hud->fonts && line_count) {
        stoa_error err = {0};
        if (stoa_ui_lines_draw(hud->fonts,
                               &(stoa_ui_lines_desc){.lines = lines,
                                                     .line_count = line_count,
                                                     .size_px = hud->size_px,
                                                     .padding_px = hud->pad,
                                                     .max_width_px = (int)max_w,
                                                     .color = HUD_INK},
                               hud->pixels, (int)hud->width, (int)hud->height, &used_w, &used_h,
                               &err) < 0)
            STOA_LOGW("desktop", "HUD: %s", err.message);
    } else if (line_count) {
        used_h = (int)line_count * hud->pitch + 2 * hud->pad;
    }
    if (progress >= 0.0f) {
        int y0 = (used_h > hud->pad ? used_h : hud->pad * 2) - hud->pad / 2;
        int y1 = y0 + hud->size_px / 3 + 1;
        int x0 = hud->pad, x1 = (int)max_w - hud->pad;
        fill(hud, x0, y0, x1, y1, HUD_BAR_BG);
        float p = progress > 1.0f ? 1.0f : progress;
        fill(hud, x0, y0, x0 + (int)((float)(x1 - x0) * p), y1, HUD_BAR_FG);
        used_w = (int)max_w;
        used_h = y1 + hud->pad;
    }
    hud->used_width = (uint32_t)used_w < max_w ? (uint32_t)used_w : max_w;
    hud->used_height = (uint32_t)used_h < hud->height ? (uint32_t)used_h : hud->height;
    if (hud->bgra) // the renderer draws RGBA; the swapchain may want B, G, R, A
        for (size_t i = 0; i < (size_t)hud->width * hud->used_height; i++) {
            uint8_t *p = hud->pixels + i * 4, r = p[0];
            p[0] = p[2], p[2] = r;
        }
}

uint32_t desktop_hud_lit_pixels(const desktop_hud *hud)
{
    uint32_t n = 0;
    for (uint32_t y = 0; y < hud->used_height; y++)
        for (uint32_t x = 0; x < hud->used_width; x++)
            n += hud->pixels[((size_t)y * hud->width + x) * 4 + 1] > 200;
    return n;
}
