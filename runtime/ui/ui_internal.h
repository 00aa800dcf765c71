// SPDX-License-Identifier: Apache-2.0
// Shared between the files of runtime/ui; not part of the public API.
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stoa_ui.h"

// ---- character classes used by line breaking (ui_utf8.c) ---------------------
bool ui_is_space(uint32_t cp);
// Ideographs, kana, hangul and fullwidth forms: a line may break between two.
bool ui_is_cjk(uint32_t cp);
// Closing punctuation that must not start a line (kinsoku).
bool ui_no_line_start(uint32_t cp);
// Opening punctuation that must not end a line.
bool ui_no_line_end(uint32_t cp);

// ---- drawing into a premultiplied RGBA canvas (ui_draw.c) -------------------
typedef struct ui_canvas {
    uint8_t *rgba;
    int width, height;
} ui_canvas;

// Fills a rounded rectangle (anti-aliased) with `fill` and draws a border of
// `border_px` inside its edge in `border`; colours 0xRRGGBBAA straight alpha.
void ui_draw_rounded_rect(ui_canvas *c, float x, float y, float w, float h, float radius,
                          uint32_t fill, uint32_t border, float border_px);
// Blends color (straight alpha) at one pixel with coverage 0..1.
void ui_blend(ui_canvas *c, int x, int y, uint32_t color, float coverage);
// Draws an icon (ui_icon.c) as a size x size square at (x, y) in `tint`;
// false when the set lacks it (nothing drawn).
bool ui_draw_icon(ui_canvas *c, const stoa_ui_icons *icons, stoa_ui_icon_id id, int x, int y,
                  int size, uint32_t tint);
// Draws a laid-out text with its top-left at (x, y).
void ui_draw_layout(ui_canvas *c, stoa_ui_fonts *fonts, const stoa_ui_layout *layout, int x, int y,
                    uint32_t color);
// Draws one line of the layout at horizontal offset x (for centring).
void ui_draw_line(ui_canvas *c, stoa_ui_fonts *fonts, const stoa_ui_layout *layout, uint32_t line,
                  int x, int y, uint32_t color);

// ---- font internals (ui_font.c) ---------------------------------------------
// Face and glyph for cp in the regular or bold chain; *out_embolden tells
// whether the face lacks a bold cut and must be thickened.
bool ui_fonts_resolve(stoa_ui_fonts *fonts, uint32_t cp, bool bold, stoa_ui_face *out_face,
                      uint32_t *out_glyph, bool *out_embolden);
// Kerning between two glyphs of one face, in 1/64 px (0 without a kern table).
int32_t ui_fonts_kerning(stoa_ui_fonts *fonts, stoa_ui_face face, uint32_t left, uint32_t right,
                         int size_px);
// Ascender (up, positive) and descender (down, negative) in 1/64 px.
void ui_fonts_metrics(stoa_ui_fonts *fonts, stoa_ui_face face, int size_px, int32_t *out_asc,
                      int32_t *out_desc);

// fontconfig's file for a face, when the usual folders lack it (ui_fontconfig.c).
bool ui_fontconfig_find(stoa_ui_face face, char *out, size_t size);
