// SPDX-License-Identifier: Apache-2.0
// Subtitle strips: one or two centred lines on a dark strip that shrinks to
// the text, for narration subtitles.
#include "ui_internal.h"

#include <stdlib.h>

stoa_result stoa_ui_label_render(stoa_ui_fonts *fonts, const stoa_ui_label_desc *desc,
                                 stoa_ui_panel_image *out, stoa_error *err)
{
    if (!out)
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT, "ui: label out is NULL");
    *out = (stoa_ui_panel_image){0};
    if (!fonts || !desc || !desc->text)
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT, "ui: label needs fonts and text");
    int size = desc->size_px ? desc->size_px : 30;
    int max_w = desc->max_width_px ? desc->max_width_px : 1000;
    int pad = desc->padding_px ? desc->padding_px : 16;
    int pad_x = pad * 3 / 2; // wider at the sides: a strip, not a box
    float px_per_m = desc->px_per_m > 0 ? desc->px_per_m : 1000.0f;
    if (pad < 0 || max_w > STOA_UI_MAX_PANEL_PX || max_w <= 2 * pad_x + size)
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT,
                              "ui: label width %d px too small or too large", max_w);
    stoa_ui_theme theme = desc->theme ? *desc->theme : stoa_ui_theme_default();
    stoa_ui_layout l = {0};
    stoa_result r =
        stoa_ui_layout_text(fonts,
                            &(stoa_ui_text_desc){.text = desc->text,
                                                 .size_px = size,
                                                 .max_width_px = max_w - 2 * pad_x,
                                                 .max_lines = desc->max_lines ? desc->max_lines : 2,
                                                 .line_spacing = 1.1f},
                            &l, err);
    if (r != STOA_OK)
        return r;
    int w = l.width + 2 * pad_x, h = l.height + 2 * pad;
    w = w < 2 * pad_x + size ? 2 * pad_x + size : w;
    if (h > STOA_UI_MAX_PANEL_PX) {
        r = stoa_error_set(err, STOA_ERROR_LIMIT, "ui: label %d px tall", h);
    } else if (!(out->rgba = calloc((size_t)w * (size_t)h, 4))) {
        r = stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "ui: out of memory");
    } else {
        out->width = w, out->height = h;
        out->width_m = (float)w / px_per_m, out->height_m = (float)h / px_per_m;
        out->body_rect = (stoa_ui_rect){pad_x, pad, l.width, l.height};
        ui_canvas cv = {out->rgba, w, h};
        // Darker than panels: subtitles float over the scene, not over a panel.
        uint32_t strip = (theme.background & 0xFFFFFF00u) | 0xD0u;
        ui_draw_rounded_rect(&cv, 0, 0, (float)w, (float)h, (float)pad, strip, 0, 0);
        for (uint32_t i = 0; i < l.line_count; i++)
            ui_draw_line(&cv, fonts, &l, i, (w - l.lines[i].width) / 2, pad, theme.title);
    }
    stoa_ui_layout_fini(&l);
    return r;
}
