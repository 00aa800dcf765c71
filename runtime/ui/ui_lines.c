// SPDX-License-Identifier: Apache-2.0
// Rows of text on a window (the desktop preview's and play mode's heads-up
// display): the panels' layout and glyphs, so Chinese state names and Greek
// words look as they do on a panel. One layout per row, cut with "…" at the
// width; every row on the same pitch and baseline offset.
#include "ui_internal.h"

#define LINES_DEFAULT_PX 14

// The tallest ascender and deepest descender of the faces a row may use.
static void row_metrics(stoa_ui_fonts *fonts, int size_px, int32_t *out_asc, int32_t *out_desc)
{
    *out_asc = 0, *out_desc = 0;
    const stoa_ui_face faces[] = {STOA_UI_FACE_SANS, STOA_UI_FACE_CJK};
    for (size_t i = 0; i < sizeof faces / sizeof faces[0]; i++) {
        if (!stoa_ui_fonts_has_face(fonts, faces[i]))
            continue;
        int32_t a, d;
        ui_fonts_metrics(fonts, faces[i], size_px, &a, &d);
        *out_asc = a > *out_asc ? a : *out_asc;
        *out_desc = d < *out_desc ? d : *out_desc;
    }
}

int stoa_ui_lines_pitch(stoa_ui_fonts *fonts, int size_px)
{
    if (!fonts)
        return 0;
    size_px = size_px > 0 ? size_px : LINES_DEFAULT_PX;
    int32_t asc, desc;
    row_metrics(fonts, size_px, &asc, &desc);
    return (int)((asc - desc + 63) / 64);
}

stoa_result stoa_ui_lines_draw(stoa_ui_fonts *fonts, const stoa_ui_lines_desc *desc, uint8_t *rgba,
                               int width, int height, int *out_width, int *out_height,
                               stoa_error *err)
{
    if (out_width)
        *out_width = 0;
    if (out_height)
        *out_height = 0;
    if (!fonts || !desc || !rgba || width <= 0 || height <= 0 || (desc->line_count && !desc->lines))
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT,
                              "ui: lines need fonts, rows and a canvas");
    int size = desc->size_px > 0 ? desc->size_px : LINES_DEFAULT_PX;
    int pad = desc->padding_px > 0 ? desc->padding_px : size / 3;
    int max_w = desc->max_width_px > 0 && desc->max_width_px < width ? desc->max_width_px : width;
    uint32_t color = desc->color ? desc->color : stoa_ui_theme_default().text;
    int32_t asc26, desc26;
    row_metrics(fonts, size, &asc26, &desc26);
    int pitch = (int)((asc26 - desc26 + 63) / 64), asc = (int)((asc26 + 63) / 64);
    ui_canvas cv = {rgba, width, height};
    int used_w = 0, used_h = 0;
    stoa_result r = STOA_OK;
    for (uint32_t i = 0; i < desc->line_count && r == STOA_OK; i++) {
        int top = pad + (int)i * pitch;
        if (top >= height)
            break;
        used_h = top + pitch + pad;
        const char *text = desc->lines[i];
        if (!text || !*text || max_w <= 2 * pad)
            continue;
        stoa_ui_layout l = {0};
        r = stoa_ui_layout_text(
            fonts,
            &(stoa_ui_text_desc){
                .text = text, .size_px = size, .max_width_px = max_w - 2 * pad, .max_lines = 1},
            &l, err);
        if (r == STOA_OK && l.line_count) {
            // The layout's baseline comes from the faces this row uses; all
            // rows share the tallest one's.
            ui_draw_line(&cv, fonts, &l, 0, pad, top + asc - l.ascender, color);
            int w = l.lines[0].width + 2 * pad;
            used_w = w > used_w ? w : used_w;
        }
        stoa_ui_layout_fini(&l);
    }
    if (out_width)
        *out_width = used_w < width ? used_w : width;
    if (out_height)
        *out_height = used_h < height ? used_h : height;
    return r;
}
