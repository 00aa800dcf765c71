// SPDX-License-Identifier: Apache-2.0
// The heads-up display of the preview and of play mode: rows of text (frame
// time, camera mode, load progress, errors; the author's overlay) drawn on
// the CPU by the panels' text renderer (runtime/ui: FreeType, the Latin and
// Chinese faces) into a BGRA/RGBA bitmap that is copied into the swapchain
// image's top-left corner. No pipeline.
//
// Lifetimes: init allocates the bitmap and opens its own fonts (a
// stoa_ui_fonts belongs to one thread; the HUD's is the window's thread's);
// fini frees both. Without fonts (no DejaVu Sans: `stoa doctor` says so) the
// HUD is only its dark box and the progress bar, with one warning.
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "ui/stoa_ui.h"

typedef struct desktop_hud {
    uint32_t width, height;           // of the bitmap, pixels
    uint32_t used_width, used_height; // the box the last draw filled (the rest is not shown)
    uint8_t *pixels;                  // width*height*4, owned
    bool bgra;                        // byte order of the target format
    int size_px, pad, pitch;          // text size, margin, row pitch
    stoa_ui_fonts *fonts;             // owned; NULL when no font could be opened
} desktop_hud;

// Allocates a bitmap for up to `max_lines` rows of about `max_chars` Latin
// characters in text of `size_px` pixels (0 = 14). False only when out of memory.
bool desktop_hud_init(desktop_hud *hud, uint32_t max_chars, uint32_t max_lines, int size_px,
                      bool bgra);
void desktop_hud_fini(desktop_hud *hud);

// Draws the rows on a dark box sized to them (used_width x used_height); a
// row wider than max_width (0 = the bitmap's width: pass the window's) ends
// with "…". A progress bar in [0,1] is drawn under the text when progress >= 0
// (the box then takes the whole width).
void desktop_hud_draw(desktop_hud *hud, const char *const *lines, uint32_t line_count,
                      float progress, uint32_t max_width);

// Number of lit (text) pixels in the box shown, for tests.
uint32_t desktop_hud_lit_pixels(const desktop_hud *hud);
