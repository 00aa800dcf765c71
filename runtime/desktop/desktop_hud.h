// SPDX-License-Identifier: Apache-2.0
// The preview's heads-up display: a few lines of text (frame time, camera
// mode, animation, load progress, errors) rasterised on the CPU with
// stb_easy_font into a small BGRA/RGBA bitmap that is copied into the
// swapchain image's top-left corner. No pipeline, no font files.
#pragma once

#include <stdbool.h>
#include <stdint.h>

typedef struct desktop_hud {
    uint32_t width, height; // of the bitmap, pixels
    uint8_t *pixels;        // width*height*4, owned
    bool bgra;              // byte order of the target format
    uint32_t scale;         // pixels per stb_easy_font unit
} desktop_hud;

// Allocates a bitmap for up to `max_lines` lines of `max_chars` characters at
// `scale` (integer pixel scale of stb_easy_font's ~7 px glyphs).
bool desktop_hud_init(desktop_hud *hud, uint32_t max_chars, uint32_t max_lines, uint32_t scale,
                      bool bgra);
void desktop_hud_fini(desktop_hud *hud);

// Clears to a translucent-looking dark panel and draws the lines. A progress
// bar in [0,1] is drawn under the text when progress >= 0.
void desktop_hud_draw(desktop_hud *hud, const char *const *lines, uint32_t line_count,
                      float progress);

// Number of lit (text) pixels, for tests.
uint32_t desktop_hud_lit_pixels(const desktop_hud *hud);
