// SPDX-License-Identifier: Apache-2.0
// Text layout: UTF-8 to positioned glyphs, with per-glyph font fallback,
// kerning, greedy line breaking with a basic kinsoku rule, and truncation.
#include "ui_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define UI_ELLIPSIS 0x2026u

typedef struct ui_item {
    stoa_ui_glyph g;
    int32_t x26, adv26; // pen position and advance in 1/64 px
} ui_item;

typedef struct ui_breaker {
    stoa_ui_fonts *fonts;
    ui_item *items;
    uint32_t count;
    int size_px;
    int32_t max26; // wrap width in 1/64 px, 0 = none
} ui_breaker;

static stoa_result fill_item(stoa_ui_fonts *fonts, uint32_t cp, bool bold, int size_px, ui_item *it)
{
    it->g.codepoint = cp;
    ui_fonts_resolve(fonts, cp, bold, &it->g.face, &it->g.glyph, &it->g.embolden);
    stoa_ui_glyph_bitmap bm;
    stoa_result r =
        stoa_ui_fonts_glyph(fonts, it->g.face, it->g.glyph, size_px, it->g.embolden, &bm);
    if (r != STOA_OK)
        return r;
    it->adv26 = cp == '\n' ? 0 : bm.advance_26_6;
    return STOA_OK;
}

// Decodes the text into items; '\r' and other C0 controls except '\n' are
// dropped and tabs become spaces. One extra slot is kept for an ellipsis.
static stoa_result decode(stoa_ui_fonts *fonts, const stoa_ui_text_desc *d, int size_px,
                          ui_item **out_items, uint32_t *out_count, stoa_error *err)
{
    size_t len = strlen(d->text);
    uint32_t n = 0;
    for (size_t pos = 0; pos < len; n++) {
        stoa_ui_utf8_next(d->text, len, &pos);
        if (n >= STOA_UI_MAX_GLYPHS)
            return stoa_error_set(err, STOA_ERROR_LIMIT, "ui: text longer than %d characters",
                                  STOA_UI_MAX_GLYPHS);
    }
    ui_item *items = calloc((size_t)n + 1, sizeof *items);
    if (!items)
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "ui: out of memory");
    uint32_t count = 0;
    for (size_t pos = 0; pos < len;) {
        uint32_t cp = stoa_ui_utf8_next(d->text, len, &pos);
        if (cp == '\t')
            cp = ' ';
        if ((cp < 0x20 && cp != '\n') || cp == 0x7F)
            continue;
        stoa_result r = fill_item(fonts, cp, d->bold, size_px, &items[count]);
        if (r != STOA_OK) {
            free(items);
            return stoa_error_set(err, r, "ui: cannot rasterise U+%04X", (unsigned)cp);
        }
        count++;
    }
    *out_items = items;
    *out_count = count;
    return STOA_OK;
}

// May a line break between items i-1 and i?
static bool can_break_before(const ui_item *items, uint32_t i)
{
    uint32_t a = items[i - 1].g.codepoint, b = items[i].g.codepoint;
    if (ui_is_space(b) || ui_no_line_start(b) || ui_no_line_end(a))
        return false;
    if (ui_is_space(a))
        return true;
    return ui_is_cjk(a) || ui_is_cjk(b);
}

static int32_t kern(ui_breaker *b, uint32_t prev, uint32_t i)
{
    const stoa_ui_glyph *p = &b->items[prev].g, *g = &b->items[i].g;
    if (p->face != g->face || p->embolden != g->embolden)
        return 0;
    return ui_fonts_kerning(b->fonts, g->face, p->glyph, g->glyph, b->size_px);
}

// Positions items from `start` until a forced or wrapped break. Sets *end
// (exclusive, before trailing spaces) and returns where the next line starts.
static uint32_t break_line(ui_breaker *b, uint32_t start, uint32_t *end, bool *wrapped)
{
    ui_item *it = b->items;
    int32_t pen = 0;
    uint32_t last_break = start, prev = UINT32_MAX, i;
    *wrapped = false;
    for (i = start; i < b->count; i++) {
        if (it[i].g.codepoint == '\n')
            break;
        if (i > start && can_break_before(it, i))
            last_break = i;
        int32_t x = pen + (prev != UINT32_MAX ? kern(b, prev, i) : 0);
        bool overflow = b->max26 && !ui_is_space(it[i].g.codepoint) && x + it[i].adv26 > b->max26;
        if (overflow && i > start) {
            *wrapped = true;
            if (last_break > start) {
                i = last_break;
            } else if (ui_no_line_start(it[i].g.codepoint) && i - 1 > start) {
                i--; // a word wider than the line: break inside it, kinsoku still holds
            }
            break;
        }
        it[i].x26 = x;
        pen = x + it[i].adv26;
        prev = i;
    }
    uint32_t e = i;
    while (e > start && ui_is_space(it[e - 1].g.codepoint))
        e--;
    *end = e;
    if (i < b->count && it[i].g.codepoint == '\n')
        return i + 1;
    if (*wrapped)
        while (i < b->count && ui_is_space(it[i].g.codepoint))
            i++;
    return i;
}

static int32_t line_end26(const ui_item *items, uint32_t first, uint32_t end)
{
    return end > first ? items[end - 1].x26 + items[end - 1].adv26 : 0;
}

// Ends a cut line with "…", dropping glyphs until it fits the wrap width.
static void add_ellipsis(ui_breaker *b, stoa_ui_line *line, bool bold)
{
    ui_item ell = {0};
    if (fill_item(b->fonts, UI_ELLIPSIS, bold, b->size_px, &ell) != STOA_OK)
        return;
    uint32_t end = line->first + line->count;
    while (end > line->first &&
           ((b->max26 && line_end26(b->items, line->first, end) + ell.adv26 > b->max26) ||
            ui_is_space(b->items[end - 1].g.codepoint)))
        end--;
    // Cut at a word boundary rather than inside a word ("after hi…"), unless
    // that would drop more than half the line; CJK can be cut anywhere.
    uint32_t cut = end;
    if (cut < line->first + line->count && !ui_is_space(b->items[cut].g.codepoint) &&
        !ui_is_cjk(b->items[cut].g.codepoint)) {
        while (cut > line->first && !ui_is_space(b->items[cut - 1].g.codepoint) &&
               !ui_is_cjk(b->items[cut - 1].g.codepoint))
            cut--;
        while (cut > line->first && ui_is_space(b->items[cut - 1].g.codepoint))
            cut--;
        if (cut - line->first >= (end - line->first) / 2)
            end = cut;
    }
    ell.x26 = line_end26(b->items, line->first, end);
    b->items[end] = ell; // items past a cut line are never used again
    line->count = end + 1 - line->first;
}

static stoa_result break_lines(ui_breaker *b, const stoa_ui_text_desc *d, stoa_ui_line **out,
                               uint32_t *out_count, bool *truncated)
{
    stoa_ui_line *lines = calloc((size_t)b->count + 1, sizeof *lines);
    if (!lines)
        return STOA_ERROR_OUT_OF_MEMORY;
    uint32_t n = 0, start = 0;
    *truncated = false;
    do {
        uint32_t end;
        bool wrapped;
        uint32_t next = break_line(b, start, &end, &wrapped);
        lines[n++] = (stoa_ui_line){.first = start,
                                    .count = end - start,
                                    .paragraph_end = next < b->count && next > 0 &&
                                                     b->items[next - 1].g.codepoint == '\n'};
        start = next;
        if (d->max_lines > 0 && n == (uint32_t)d->max_lines && start < b->count) {
            *truncated = true;
            add_ellipsis(b, &lines[n - 1], d->bold);
            break;
        }
    } while (start < b->count);
    *out = lines;
    *out_count = n;
    return STOA_OK;
}

// Line height from every face the text uses, so a line of Chinese in a Latin
// paragraph does not collide with its neighbours.
static void measure(stoa_ui_fonts *fonts, const ui_item *items, uint32_t count, int size_px,
                    bool bold, int32_t *asc, int32_t *desc)
{
    bool used[STOA_UI_FACE_COUNT] = {0};
    used[bold && stoa_ui_fonts_has_face(fonts, STOA_UI_FACE_SANS_BOLD) ? STOA_UI_FACE_SANS_BOLD
                                                                       : STOA_UI_FACE_SANS] = true;
    for (uint32_t i = 0; i < count; i++)
        used[items[i].g.face] = true;
    *asc = 0, *desc = 0;
    for (int f = 0; f < STOA_UI_FACE_COUNT; f++) {
        if (!used[f])
            continue;
        int32_t a, de;
        ui_fonts_metrics(fonts, (stoa_ui_face)f, size_px, &a, &de);
        *asc = a > *asc ? a : *asc;
        *desc = de < *desc ? de : *desc;
    }
}

static stoa_result finish(ui_breaker *b, const stoa_ui_text_desc *d, stoa_ui_line *lines,
                          uint32_t line_count, stoa_ui_layout *out)
{
    int32_t asc, desc;
    measure(b->fonts, b->items, b->count, b->size_px, d->bold, &asc, &desc);
    float spacing = d->line_spacing > 0 ? d->line_spacing : 1.0f;
    out->line_height = (int32_t)((float)(asc - desc) * spacing / 64.0f + 0.5f);
    out->ascender = (asc + 63) / 64;
    out->size_px = b->size_px;
    uint32_t glyph_count = 0;
    for (uint32_t l = 0; l < line_count; l++) {
        uint32_t end = lines[l].first + lines[l].count;
        glyph_count = end > glyph_count ? end : glyph_count;
    }
    out->glyphs = calloc((size_t)glyph_count + 1, sizeof *out->glyphs);
    if (!out->glyphs)
        return STOA_ERROR_OUT_OF_MEMORY;
    for (uint32_t i = 0; i < glyph_count; i++) {
        out->glyphs[i] = b->items[i].g;
        out->glyphs[i].x = (b->items[i].x26 + 32) >> 6;
        out->glyphs[i].advance = (b->items[i].adv26 + 32) >> 6;
    }
    out->glyph_count = glyph_count;
    int32_t y = 0,
            gap = (int32_t)((float)out->line_height * fmaxf(d->paragraph_spacing, 0.0f) + 0.5f);
    for (uint32_t l = 0; l < line_count; l++) {
        int32_t w26 = line_end26(b->items, lines[l].first, lines[l].first + lines[l].count);
        lines[l].width = (w26 + 63) >> 6;
        lines[l].baseline = y + out->ascender;
        y += out->line_height + (lines[l].paragraph_end ? gap : 0);
        out->width = lines[l].width > out->width ? lines[l].width : out->width;
    }
    out->lines = lines;
    out->line_count = line_count;
    out->height =
        line_count ? lines[line_count - 1].baseline - out->ascender + out->line_height : 0;
    return STOA_OK;
}

stoa_result stoa_ui_layout_text(stoa_ui_fonts *fonts, const stoa_ui_text_desc *desc,
                                stoa_ui_layout *out, stoa_error *err)
{
    if (!out)
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT, "ui: layout out is NULL");
    *out = (stoa_ui_layout){0};
    if (!fonts || !desc || !desc->text)
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT, "ui: layout needs fonts and text");
    int size_px = desc->size_px ? desc->size_px : 28;
    if (size_px < 4 || size_px > 512 || desc->max_width_px < 0 || desc->max_lines < 0)
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT,
                              "ui: text size %d px or wrap width %d px out of range", size_px,
                              desc->max_width_px);
    ui_breaker b = {.fonts = fonts, .size_px = size_px, .max26 = desc->max_width_px * 64};
    stoa_result r = decode(fonts, desc, size_px, &b.items, &b.count, err);
    if (r != STOA_OK)
        return r;
    stoa_ui_line *lines = NULL;
    uint32_t line_count = 0;
    r = break_lines(&b, desc, &lines, &line_count, &out->truncated);
    if (r == STOA_OK)
        r = finish(&b, desc, lines, line_count, out);
    free(b.items);
    if (r != STOA_OK) {
        free(lines);
        out->lines = NULL;
        stoa_ui_layout_fini(out);
        return stoa_error_set(err, r, "ui: out of memory laying out text");
    }
    return STOA_OK;
}

void stoa_ui_layout_fini(stoa_ui_layout *layout)
{
    if (!layout)
        return;
    free(layout->glyphs);
    free(layout->lines);
    *layout = (stoa_ui_layout){0};
}
