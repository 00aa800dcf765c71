// SPDX-License-Identifier: Apache-2.0
// Panels: title, body, quiz choices and a feedback footer composed into one
// premultiplied RGBA image, plus the choices' rectangles for hit testing.
#include "ui_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

stoa_ui_theme stoa_ui_theme_default(void)
{
    // Dark slate behind light text (contrast ~14:1), a warm gold accent; state
    // colours differ in hue AND the choices carry a mark (✓ ✗), so feedback
    // does not rest on colour alone.
    return (stoa_ui_theme){
        .background = 0x121821EB,
        .border = 0xFFFFFF2E,
        .title = 0xFFFFFFFF,
        .accent = 0xE8B45AFF,
        .text = 0xE6EAF0FF,
        .muted = 0xA9B3C2FF,
        .positive = 0x6BDB97FF,
        .negative = 0xFF8373FF,
        .choice_fill = {0xFFFFFF12, 0xFFFFFF2B, 0x3D7FD466, 0x2E9E5875, 0xC9433675},
        .choice_border = {0xFFFFFF3D, 0xE8B45AFF, 0x73B3FFFF, 0x6BDB97FF, 0xFF8373FF},
        .badge_text = 0x121821FF,
    };
}

typedef struct ui_choice_plan {
    stoa_ui_layout text, badge, mark;
    stoa_ui_rect rect;
    stoa_ui_choice_state state;
} ui_choice_plan;

typedef struct ui_panel_plan {
    stoa_ui_panel_desc d;
    stoa_ui_theme theme;
    stoa_ui_layout title, body, footer;
    int title_y, rule_y, body_y, footer_y;
    ui_choice_plan choices[STOA_UI_MAX_CHOICES];
    int width, height;
    int corner_px;      // the corner icon's size; 0 = none
    int footer_icon_px; // the footer's right/wrong icon; 0 = none
    int icon_count;     // icons drawn, and where (copied to the image)
    stoa_ui_rect icon_rects[STOA_UI_MAX_CHOICES + 2];
    stoa_ui_icon_id icon_ids[STOA_UI_MAX_CHOICES + 2];
} ui_panel_plan;

enum { UI_RULE_W = 72, UI_RULE_H = 4, UI_CHOICE_GAP = 14, UI_CHOICE_PAD = 14 };

static void plan_fini(ui_panel_plan *p)
{
    stoa_ui_layout_fini(&p->title);
    stoa_ui_layout_fini(&p->body);
    stoa_ui_layout_fini(&p->footer);
    for (int i = 0; i < STOA_UI_MAX_CHOICES; i++) {
        stoa_ui_layout_fini(&p->choices[i].text);
        stoa_ui_layout_fini(&p->choices[i].badge);
        stoa_ui_layout_fini(&p->choices[i].mark);
    }
}

// Draws an icon of the desc's set and notes where; false when it lacks it.
static bool put_icon(ui_canvas *cv, ui_panel_plan *p, stoa_ui_icon_id id, int x, int y, int size,
                     uint32_t tint)
{
    if (p->icon_count >= STOA_UI_MAX_CHOICES + 2 ||
        !ui_draw_icon(cv, p->d.icons, id, x, y, size, tint))
        return false;
    p->icon_rects[p->icon_count] = (stoa_ui_rect){x, y, size, size};
    p->icon_ids[p->icon_count++] = id;
    return true;
}

static stoa_ui_icon_id tone_icon(const ui_panel_plan *p)
{
    stoa_ui_icon_id id = p->d.footer_tone == STOA_UI_TONE_POSITIVE   ? STOA_UI_ICON_RIGHT
                         : p->d.footer_tone == STOA_UI_TONE_NEGATIVE ? STOA_UI_ICON_WRONG
                                                                     : STOA_UI_ICON_NONE;
    return stoa_ui_icons_has(p->d.icons, id) ? id : STOA_UI_ICON_NONE;
}

static bool has_text(const char *s)
{
    return s && *s;
}

static stoa_result lay(stoa_ui_fonts *fonts, const char *text, int size, bool bold, int max_w,
                       float spacing, stoa_ui_layout *out, stoa_error *err)
{
    return stoa_ui_layout_text(fonts,
                               &(stoa_ui_text_desc){.text = text,
                                                    .size_px = size,
                                                    .bold = bold,
                                                    .max_width_px = max_w,
                                                    .line_spacing = spacing},
                               out, err);
}

static stoa_result plan_choice(stoa_ui_fonts *fonts, ui_panel_plan *p, int i, int y,
                               stoa_error *err)
{
    ui_choice_plan *c = &p->choices[i];
    int size = p->d.choice_px, pad = p->d.padding_px;
    int badge = size * 3 / 2, mark_w = size * 3 / 2;
    int inner_w = p->width - 2 * pad, cols = p->d.choice_columns > 1 ? p->d.choice_columns : 1;
    int cell_w = (inner_w - (cols - 1) * UI_CHOICE_GAP) / cols;
    int text_w = cols > 1 ? cell_w - 2 * UI_CHOICE_PAD
                          : inner_w - 2 * UI_CHOICE_PAD - badge - UI_CHOICE_PAD - mark_w;
    const char *text = p->d.choices[i] ? p->d.choices[i] : "";
    stoa_ui_choice_state st = p->d.choice_states[i];
    c->state =
        st >= STOA_UI_CHOICE_NORMAL && st <= STOA_UI_CHOICE_WRONG ? st : STOA_UI_CHOICE_NORMAL;
    char letter[2] = {(char)('A' + i), 0};
    const char *mark = c->state == STOA_UI_CHOICE_CORRECT ? "\xE2\x9C\x94" // ✔
                       : c->state == STOA_UI_CHOICE_WRONG ? "\xE2\x9C\x98" // ✘
                                                          : "";
    stoa_result r = lay(fonts, text, size, false, text_w, 1.1f, &c->text, err);
    if (r == STOA_OK)
        r = lay(fonts, letter, size * 4 / 5, true, 0, 1.0f, &c->badge, err);
    if (r == STOA_OK)
        r = lay(fonts, mark, size, true, 0, 1.0f, &c->mark, err);
    if (r != STOA_OK)
        return r;
    int h = c->text.height + 2 * UI_CHOICE_PAD;
    int min_h = badge + 2 * 10;
    c->rect = (stoa_ui_rect){pad + (i % cols) * (cell_w + UI_CHOICE_GAP), y,
                             cols > 1 ? cell_w : inner_w, h > min_h ? h : min_h};
    return STOA_OK;
}

static stoa_result plan_panel(stoa_ui_fonts *fonts, ui_panel_plan *p, stoa_error *err)
{
    const stoa_ui_panel_desc *d = &p->d;
    int pad = d->padding_px, content_w = p->width - 2 * pad, y = pad;
    stoa_result r = STOA_OK;
    // The corner icon takes the top-right; the first text block wraps before it.
    p->corner_px = stoa_ui_icons_has(d->icons, d->icon) ? d->title_px * 3 / 2 : 0;
    int head_w = content_w - (p->corner_px ? p->corner_px + 16 : 0);
    if (has_text(d->title)) {
        r = lay(fonts, d->title, d->title_px, true, head_w, 1.05f, &p->title, err);
        p->title_y = y;
        y += p->title.height + 10;
        p->rule_y = y;
        y += UI_RULE_H + 22;
    }
    if (r == STOA_OK && has_text(d->body)) {
        // Half a line between paragraphs: a lesson text reads as blocks, not a wall.
        r = stoa_ui_layout_text(
            fonts,
            &(stoa_ui_text_desc){.text = d->body,
                                 .size_px = d->body_px,
                                 .max_width_px = has_text(d->title) ? content_w : head_w,
                                 .line_spacing = 1.25f,
                                 .paragraph_spacing = 0.5f},
            &p->body, err);
        p->body_y = y;
        y += p->body.height;
    }
    if (d->choice_count > 0)
        y += 26;
    int cols = d->choice_columns > 1 ? d->choice_columns : 1, row_h = 0;
    for (int i = 0; r == STOA_OK && i < d->choice_count; i++) {
        r = plan_choice(fonts, p, i, y, err);
        row_h = p->choices[i].rect.h > row_h ? p->choices[i].rect.h : row_h;
        if (i % cols == cols - 1 ||
            i == d->choice_count - 1) { // a grid row is as tall as its tallest cell
            for (int j = i - i % cols; j <= i; j++)
                p->choices[j].rect.h = row_h;
            y += row_h + UI_CHOICE_GAP;
            row_h = 0;
        }
    }
    if (r == STOA_OK && has_text(d->footer)) {
        y += d->choice_count ? 8 : 22;
        p->footer_icon_px = tone_icon(p) ? d->footer_px * 3 / 2 : 0;
        int icon_w = p->footer_icon_px ? p->footer_icon_px + 12 : 0;
        r = lay(fonts, d->footer, d->footer_px, d->footer_tone != STOA_UI_TONE_NEUTRAL,
                content_w - icon_w, 1.1f, &p->footer, err);
        p->footer_y = y;
        y += p->footer.height > p->footer_icon_px ? p->footer.height : p->footer_icon_px;
    } else if (d->choice_count) {
        y -= UI_CHOICE_GAP;
    }
    p->height = y + pad;
    if (p->corner_px && p->height < 2 * pad + p->corner_px)
        p->height = 2 * pad + p->corner_px;
    return r;
}

static void draw_choice(ui_canvas *cv, stoa_ui_fonts *fonts, ui_panel_plan *p,
                        const ui_choice_plan *c, int index)
{
    const stoa_ui_theme *t = &p->theme;
    const stoa_ui_rect *r = &c->rect;
    static const float border_px[] = {2, 3, 4, 4, 4};
    ui_draw_rounded_rect(cv, (float)r->x, (float)r->y, (float)r->w, (float)r->h, 14,
                         t->choice_fill[c->state], t->choice_border[c->state], border_px[c->state]);
    int size = p->d.choice_px, badge = size * 3 / 2;
    int bx = r->x + UI_CHOICE_PAD, by = r->y + (r->h - badge) / 2;
    bool plain = c->state == STOA_UI_CHOICE_NORMAL;
    if (p->d.choice_columns > 1) { // a key: its label centred, no letter
        ui_draw_layout(cv, fonts, &c->text, r->x + (r->w - c->text.width) / 2,
                       r->y + (r->h - c->text.height) / 2, t->text);
        return;
    }
    ui_draw_rounded_rect(cv, (float)bx, (float)by, (float)badge, (float)badge, (float)badge / 2,
                         plain ? 0xFFFFFF2E : t->choice_border[c->state], 0, 0);
    int inset = badge / 6, tx = bx + badge + UI_CHOICE_PAD;
    if (put_icon(cv, p, p->d.choice_icons[index], bx + inset, by + inset, badge - 2 * inset,
                 plain ? t->text : t->badge_text)) {
        ui_draw_layout(cv, fonts, &c->text, tx, r->y + (r->h - c->text.height) / 2, t->text);
        return; // an icon button (the raised hand): no letter, no mark
    }
    // Centre the capital letter on its cap height (about 0.73 em in DejaVu).
    int letter_base = by + badge / 2 + (c->badge.size_px * 73 / 100) / 2;
    ui_draw_line(cv, fonts, &c->badge, 0, bx + (badge - c->badge.width) / 2,
                 letter_base - c->badge.lines[0].baseline, plain ? t->text : t->badge_text);
    ui_draw_layout(cv, fonts, &c->text, tx, r->y + (r->h - c->text.height) / 2, t->text);
    if (c->mark.width > 0) {
        bool right = c->state == STOA_UI_CHOICE_CORRECT;
        uint32_t col = right ? t->positive : t->negative;
        int mark = size * 3 / 2; // the width plan_choice keeps for it
        if (put_icon(cv, p, right ? STOA_UI_ICON_RIGHT : STOA_UI_ICON_WRONG,
                     r->x + r->w - UI_CHOICE_PAD - mark, r->y + (r->h - mark) / 2, mark, col))
            return;
        ui_draw_layout(cv, fonts, &c->mark, r->x + r->w - UI_CHOICE_PAD - c->mark.width,
                       r->y + (r->h - c->mark.height) / 2, col);
    }
}

static void draw_panel(ui_canvas *cv, stoa_ui_fonts *fonts, ui_panel_plan *p)
{
    const stoa_ui_theme *t = &p->theme;
    int pad = p->d.padding_px;
    ui_draw_rounded_rect(cv, 0, 0, (float)p->width, (float)p->height, 28, t->background, t->border,
                         2);
    if (p->title.line_count) {
        ui_draw_layout(cv, fonts, &p->title, pad, p->title_y, t->title);
        ui_draw_rounded_rect(cv, (float)pad, (float)p->rule_y, UI_RULE_W, UI_RULE_H, 2, t->accent,
                             0, 0);
    }
    if (p->body.line_count)
        ui_draw_layout(cv, fonts, &p->body, pad, p->body_y, t->text);
    for (int i = 0; i < p->d.choice_count; i++)
        draw_choice(cv, fonts, p, &p->choices[i], i);
    if (p->corner_px)
        put_icon(cv, p, p->d.icon, p->width - pad - p->corner_px, pad, p->corner_px,
                 p->d.icon_color                   ? p->d.icon_color
                 : p->d.icon == STOA_UI_ICON_RIGHT ? t->positive
                 : p->d.icon == STOA_UI_ICON_WRONG ? t->negative
                                                   : t->accent);
    if (p->footer.line_count) {
        uint32_t col = p->d.footer_tone == STOA_UI_TONE_POSITIVE   ? t->positive
                       : p->d.footer_tone == STOA_UI_TONE_NEGATIVE ? t->negative
                                                                   : t->muted;
        int fx = pad, fi = p->footer_icon_px;
        if (fi) { // beside the first line, centred on it
            int first_h = p->footer.line_height;
            put_icon(cv, p, tone_icon(p), pad, p->footer_y + (first_h - fi) / 2, fi, col);
            fx += fi + 12;
        }
        ui_draw_layout(cv, fonts, &p->footer, fx, p->footer_y, col);
    }
}

static stoa_ui_panel_desc with_defaults(const stoa_ui_panel_desc *in)
{
    stoa_ui_panel_desc d = *in;
    d.width_px = d.width_px ? d.width_px : 800;
    d.title_px = d.title_px ? d.title_px : 40;
    d.body_px = d.body_px ? d.body_px : 28;
    d.choice_px = d.choice_px ? d.choice_px : 28;
    d.footer_px = d.footer_px ? d.footer_px : 26;
    d.padding_px = d.padding_px ? d.padding_px : 36;
    d.px_per_m = d.px_per_m > 0 ? d.px_per_m : 1000.0f;
    return d;
}

// Allocates the image and fills in sizes; rects are added by the caller.
static stoa_result image_alloc(stoa_ui_panel_image *out, int w, int h, float px_per_m,
                               stoa_error *err)
{
    if (h > STOA_UI_MAX_PANEL_PX)
        return stoa_error_set(err, STOA_ERROR_LIMIT,
                              "ui: panel would be %d px tall (limit %d); shorten the text", h,
                              STOA_UI_MAX_PANEL_PX);
    out->rgba = calloc((size_t)w * (size_t)h, 4);
    if (!out->rgba)
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "ui: out of memory");
    out->width = w, out->height = h;
    out->width_m = (float)w / px_per_m, out->height_m = (float)h / px_per_m;
    return STOA_OK;
}

stoa_result stoa_ui_panel_render(stoa_ui_fonts *fonts, const stoa_ui_panel_desc *desc,
                                 stoa_ui_panel_image *out, stoa_error *err)
{
    if (!out)
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT, "ui: panel out is NULL");
    *out = (stoa_ui_panel_image){0};
    if (!fonts || !desc)
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT, "ui: panel needs fonts and desc");
    ui_panel_plan *p = calloc(1, sizeof *p);
    if (!p)
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "ui: out of memory");
    p->d = with_defaults(desc);
    p->theme = desc->theme ? *desc->theme : stoa_ui_theme_default();
    p->width = p->d.width_px;
    int min_w = 2 * p->d.padding_px + 4 * p->d.choice_px + 64;
    stoa_result r = STOA_OK;
    if (p->d.choice_count < 0 || p->d.choice_count > STOA_UI_MAX_CHOICES ||
        p->width > STOA_UI_MAX_PANEL_PX || p->width < min_w || p->d.padding_px < 0)
        r = stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT,
                           "ui: panel of %d px with %d choices (need %d..%d px, 0..%d choices)",
                           p->width, p->d.choice_count, min_w, STOA_UI_MAX_PANEL_PX,
                           STOA_UI_MAX_CHOICES);
    if (r == STOA_OK)
        r = plan_panel(fonts, p, err);
    if (r == STOA_OK)
        r = image_alloc(out, p->width, p->height, p->d.px_per_m, err);
    if (r == STOA_OK) {
        ui_canvas cv = {out->rgba, out->width, out->height};
        draw_panel(&cv, fonts, p);
        out->choice_count = p->d.choice_count;
        for (int i = 0; i < out->choice_count; i++) {
            stoa_ui_rect rc = p->choices[i].rect;
            out->choice_rects[i] = rc;
            out->choice_uvs[i] =
                (stoa_ui_uv_rect){(float)rc.x / (float)out->width, (float)rc.y / (float)out->height,
                                  (float)(rc.x + rc.w) / (float)out->width,
                                  (float)(rc.y + rc.h) / (float)out->height};
        }
        out->icon_count = p->icon_count;
        memcpy(out->icon_rects, p->icon_rects, sizeof out->icon_rects);
        memcpy(out->icon_ids, p->icon_ids, sizeof out->icon_ids);
        if (p->body.line_count)
            out->body_rect =
                (stoa_ui_rect){p->d.padding_px, p->body_y, p->body.width, p->body.height};
    }
    plan_fini(p);
    free(p);
    return r;
}

void stoa_ui_panel_image_fini(stoa_ui_panel_image *image)
{
    if (!image)
        return;
    free(image->rgba);
    *image = (stoa_ui_panel_image){0};
}

int stoa_ui_panel_hit_test(const stoa_ui_panel_image *image, float u, float v)
{
    // NaN fails every comparison, so a ray that missed the quad lands here too.
    if (!image || image->width <= 0 || image->height <= 0 || !(u >= 0.0f && u <= 1.0f) ||
        !(v >= 0.0f && v <= 1.0f))
        return -1;
    float x = u * (float)image->width, y = v * (float)image->height;
    for (int i = 0; i < image->choice_count && i < STOA_UI_MAX_CHOICES; i++) {
        const stoa_ui_rect *r = &image->choice_rects[i];
        if (x >= (float)r->x && x < (float)(r->x + r->w) && y >= (float)r->y &&
            y < (float)(r->y + r->h))
            return i;
    }
    return -1;
}
