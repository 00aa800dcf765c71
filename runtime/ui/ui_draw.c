// SPDX-License-Identifier: Apache-2.0
// Software drawing into a premultiplied RGBA canvas: anti-aliased rounded
// rectangles (from a signed distance) and glyph coverage, both blended
// "source over".
#include "ui_internal.h"

#include <math.h>

void ui_blend(ui_canvas *c, int x, int y, uint32_t color, float coverage)
{
    if (x < 0 || y < 0 || x >= c->width || y >= c->height || coverage <= 0.0f)
        return;
    float a = (float)(color & 0xFF) / 255.0f * (coverage > 1.0f ? 1.0f : coverage);
    uint8_t *p = c->rgba + ((size_t)y * (size_t)c->width + (size_t)x) * 4;
    float src[3] = {(float)(color >> 24), (float)((color >> 16) & 0xFF),
                    (float)((color >> 8) & 0xFF)};
    for (int i = 0; i < 3; i++)
        p[i] = (uint8_t)(src[i] * a + (float)p[i] * (1.0f - a) + 0.5f);
    p[3] = (uint8_t)(255.0f * a + (float)p[3] * (1.0f - a) + 0.5f);
}

// Signed distance from (px, py) to a rounded rectangle; negative inside.
static float rounded_rect_sdf(float px, float py, float cx, float cy, float hx, float hy, float r)
{
    float qx = fabsf(px - cx) - (hx - r), qy = fabsf(py - cy) - (hy - r);
    float ox = qx > 0 ? qx : 0, oy = qy > 0 ? qy : 0;
    float inside = fmaxf(qx, qy);
    return sqrtf(ox * ox + oy * oy) + (inside < 0 ? inside : 0) - r;
}

static float clamp01(float v)
{
    return v < 0 ? 0 : v > 1 ? 1 : v;
}

void ui_draw_rounded_rect(ui_canvas *c, float x, float y, float w, float h, float radius,
                          uint32_t fill, uint32_t border, float border_px)
{
    if (w <= 0 || h <= 0)
        return;
    float hx = w * 0.5f, hy = h * 0.5f, cx = x + hx, cy = y + hy;
    radius = fminf(radius, fminf(hx, hy));
    int x0 = (int)floorf(x), y0 = (int)floorf(y), x1 = (int)ceilf(x + w), y1 = (int)ceilf(y + h);
    x0 = x0 < 0 ? 0 : x0, y0 = y0 < 0 ? 0 : y0;
    x1 = x1 > c->width ? c->width : x1, y1 = y1 > c->height ? c->height : y1;
    for (int py = y0; py < y1; py++) {
        for (int px = x0; px < x1; px++) {
            float d = rounded_rect_sdf((float)px + 0.5f, (float)py + 0.5f, cx, cy, hx, hy, radius);
            float outer = clamp01(0.5f - d);
            if (outer <= 0)
                continue;
            float inner = border_px > 0 ? clamp01(0.5f - (d + border_px)) : outer;
            ui_blend(c, px, py, fill, inner);
            if (border_px > 0)
                ui_blend(c, px, py, border, outer - inner);
        }
    }
}

static void draw_glyph(ui_canvas *c, const stoa_ui_glyph_bitmap *bm, int ox, int oy, uint32_t color)
{
    for (int y = 0; y < bm->height; y++)
        for (int x = 0; x < bm->width; x++) {
            uint8_t cov = bm->coverage[(size_t)y * (size_t)bm->width + (size_t)x];
            if (cov)
                ui_blend(c, ox + x, oy + y, color, (float)cov / 255.0f);
        }
}

void ui_draw_line(ui_canvas *c, stoa_ui_fonts *fonts, const stoa_ui_layout *layout, uint32_t line,
                  int x, int y, uint32_t color)
{
    if (line >= layout->line_count)
        return;
    const stoa_ui_line *l = &layout->lines[line];
    for (uint32_t i = l->first; i < l->first + l->count; i++) {
        const stoa_ui_glyph *g = &layout->glyphs[i];
        stoa_ui_glyph_bitmap bm;
        if (stoa_ui_fonts_glyph(fonts, g->face, g->glyph, layout->size_px, g->embolden, &bm) !=
                STOA_OK ||
            !bm.coverage)
            continue;
        draw_glyph(c, &bm, x + g->x + bm.left, y + l->baseline - bm.top, color);
    }
}

void ui_draw_layout(ui_canvas *c, stoa_ui_fonts *fonts, const stoa_ui_layout *layout, int x, int y,
                    uint32_t color)
{
    for (uint32_t l = 0; l < layout->line_count; l++)
        ui_draw_line(c, fonts, layout, l, x, y, color);
}

void stoa_ui_unpremultiply(uint8_t *rgba, size_t pixel_count)
{
    if (!rgba)
        return;
    for (size_t i = 0; i < pixel_count; i++) {
        uint8_t *p = rgba + i * 4;
        if (p[3] == 0 || p[3] == 255)
            continue;
        for (int k = 0; k < 3; k++) {
            unsigned v = ((unsigned)p[k] * 255u + p[3] / 2u) / p[3];
            p[k] = (uint8_t)(v > 255 ? 255 : v);
        }
    }
}
