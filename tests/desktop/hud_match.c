// SPDX-License-Identifier: Apache-2.0
#include "hud_match.h"

#include <stdlib.h>
#include <string.h>

// The HUD's colours' green (runtime/desktop/desktop_hud.c: box 0x181A1E, text 0xEBEBE1).
#define BOX_G 0x1A
#define INK_G 0xEB

bool hud_template_make(stoa_ui_fonts *fonts, const char *text, int size_px, hud_template *out)
{
    memset(out, 0, sizeof *out);
    stoa_ui_layout l = {0};
    if (stoa_ui_layout_text(fonts, &(stoa_ui_text_desc){.text = text, .size_px = size_px}, &l,
                            NULL) != STOA_OK ||
        l.line_count != 1)
        return false;
    // A canvas with room round the layout for bearings, then cropped to the ink.
    int cw = l.width + 4 * size_px, ch = l.line_height + 4 * size_px, ox = 2 * size_px,
        oy = 2 * size_px;
    float *canvas = calloc((size_t)cw * (size_t)ch, sizeof *canvas);
    bool ok = canvas != NULL;
    for (uint32_t i = 0; ok && i < l.glyph_count; i++) {
        const stoa_ui_glyph *g = &l.glyphs[i];
        stoa_ui_glyph_bitmap bm;
        if (stoa_ui_fonts_glyph(fonts, g->face, g->glyph, size_px, g->embolden, &bm) != STOA_OK)
            ok = false;
        for (int y = 0; ok && bm.coverage && y < bm.height; y++)
            for (int x = 0; x < bm.width; x++) {
                int px = ox + g->x + bm.left + x, py = oy + l.lines[0].baseline - bm.top + y;
                if (px < 0 || py < 0 || px >= cw || py >= ch)
                    continue;
                float c = canvas[(size_t)py * (size_t)cw + (size_t)px] +
                          (float)bm.coverage[(size_t)y * (size_t)bm.width + (size_t)x] / 255.0f;
                canvas[(size_t)py * (size_t)cw + (size_t)px] = c > 1.0f ? 1.0f : c;
            }
    }
    stoa_ui_layout_fini(&l);
    int x0 = cw, y0 = ch, x1 = -1, y1 = -1;
    for (int y = 0; ok && y < ch; y++)
        for (int x = 0; x < cw; x++)
            if (canvas[(size_t)y * (size_t)cw + (size_t)x] > 0.0f) {
                x0 = x < x0 ? x : x0, x1 = x > x1 ? x : x1;
                y0 = y < y0 ? y : y0, y1 = y > y1 ? y : y1;
            }
    if (!ok || x1 < 0) {
        free(canvas);
        return false;
    }
    out->width = x1 - x0 + 1, out->height = y1 - y0 + 1;
    out->coverage = malloc((size_t)out->width * (size_t)out->height * sizeof *out->coverage);
    for (int y = 0; out->coverage && y < out->height; y++)
        memcpy(out->coverage + (size_t)y * (size_t)out->width,
               canvas + (size_t)(y0 + y) * (size_t)cw + (size_t)x0,
               (size_t)out->width * sizeof *canvas);
    free(canvas);
    return out->coverage != NULL;
}

void hud_template_fini(hud_template *t)
{
    free(t->coverage);
    memset(t, 0, sizeof *t);
}

hud_match hud_match_find(const hud_template *t, const uint8_t *pixels, int channels, int width,
                         int height, int x0, int y0, int x1, int y1)
{
    hud_match best = {0, 0, 0.0f};
    x1 = x1 > width - t->width + 1 ? width - t->width + 1 : x1;
    y1 = y1 > height - t->height + 1 ? height - t->height + 1 : y1;
    for (int y = y0 < 0 ? 0 : y0; y < y1; y++)
        for (int x = x0 < 0 ? 0 : x0; x < x1; x++) {
            float lo = 0.0f, hi = 0.0f;
            for (int ty = 0; ty < t->height; ty++) {
                const uint8_t *row =
                    pixels + ((size_t)(y + ty) * (size_t)width + (size_t)x) * (size_t)channels + 1;
                const float *tr = t->coverage + (size_t)ty * (size_t)t->width;
                for (int tx = 0; tx < t->width; tx++) {
                    float ink = (float)(row[(size_t)tx * (size_t)channels] - BOX_G) /
                                (float)(INK_G - BOX_G);
                    ink = ink < 0.0f ? 0.0f : ink > 1.0f ? 1.0f : ink;
                    lo += ink < tr[tx] ? ink : tr[tx];
                    hi += ink > tr[tx] ? ink : tr[tx];
                }
            }
            float s = hi > 0.0f ? lo / hi : 0.0f;
            if (s > best.score)
                best = (hud_match){x, y, s};
        }
    return best;
}
