// SPDX-License-Identifier: Apache-2.0
// Text panels, quiz panels and subtitle strips for VR, drawn on the CPU with
// FreeType into RGBA bitmaps. The GPU side (gfx/xr) uploads the bitmap as a
// texture on a world-space quad; nothing here knows about Vulkan or OpenXR.
//
//   stoa_ui_fonts *fonts = NULL;
//   stoa_ui_fonts_create(&(stoa_ui_fonts_desc){0}, &fonts, &err);
//   stoa_ui_panel_image img = {0};
//   stoa_ui_panel_render(fonts, &(stoa_ui_panel_desc){
//       .title = "Quiz", .body = "Who taught in the Stoa Poikile?",
//       .choices = {"Zeno", "Plato"}, .choice_count = 2}, &img, &err);
//   ... upload img.rgba (img.width x img.height), size the quad img.width_m x img.height_m,
//   ... hit-test a controller ray: stoa_ui_panel_hit_test(&img, u, v)
//   stoa_ui_panel_image_fini(&img);
//   stoa_ui_fonts_destroy(&fonts);
//
// Image format (every image this module returns):
//   8-bit RGBA, rows top to bottom, stride width * 4, colours sRGB-encoded and
//   PREMULTIPLIED by alpha (so bilinear filtering and mipmaps have no dark
//   fringes). Upload as R8G8B8A8_SRGB, blend with (ONE, ONE_MINUS_SRC_ALPHA).
// Panel coordinates: pixels with (0,0) at the top-left; uv = (x / width,
//   y / height), so v grows downwards like the image rows.
//
// Threads: a stoa_ui_fonts and everything rendered with it belong to one
// thread at a time (FreeType faces and the glyph cache are not locked).
// See docs/panels.md for the sizes chosen and why.
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/stoa_result.h"

// ---- fonts and the glyph cache ----------------------------------------------

// Faces, in fallback order: a glyph comes from the first face that has it.
typedef enum stoa_ui_face {
    STOA_UI_FACE_SANS = 0,  // DejaVu Sans: Latin, Greek, Cyrillic, symbols
    STOA_UI_FACE_SANS_BOLD, // DejaVu Sans Bold (titles)
    STOA_UI_FACE_CJK,       // WenQuanYi Micro Hei: Chinese (no bold: emboldened)
    STOA_UI_FACE_COUNT,
} stoa_ui_face;

typedef struct stoa_ui_fonts_desc {
    // Folder searched first for DejaVuSans.ttf, DejaVuSans-Bold.ttf and
    // wqy-microhei.ttc. NULL: $STOA_FONT_DIR, then the Debian font folders.
    const char *font_dir;
    // Glyphs kept in the cache before it is emptied (0 = 4096).
    uint32_t cache_capacity;
} stoa_ui_fonts_desc;

typedef struct stoa_ui_fonts stoa_ui_fonts;

// Opens FreeType and the faces. DejaVu Sans is required (error naming every
// path tried); a missing bold face falls back to emboldened regular and a
// missing CJK face to boxes, each with a warning. Free with destroy.
stoa_result stoa_ui_fonts_create(const stoa_ui_fonts_desc *desc, stoa_ui_fonts **out_fonts,
                                 stoa_error *err);
void stoa_ui_fonts_destroy(stoa_ui_fonts **fonts);

bool stoa_ui_fonts_has_face(const stoa_ui_fonts *fonts, stoa_ui_face face);
// Path of the file a face was loaded from, or NULL. Owned by fonts.
const char *stoa_ui_fonts_face_path(const stoa_ui_fonts *fonts, stoa_ui_face face);

// Which face draws codepoint cp (bold: the title chain), and its glyph index
// there. When no face has it: the first face of the chain and glyph 0 (the
// "notdef" box), returning false.
bool stoa_ui_fonts_lookup(stoa_ui_fonts *fonts, uint32_t cp, bool bold, stoa_ui_face *out_face,
                          uint32_t *out_glyph);

// A rasterised glyph: 8-bit coverage, rows top to bottom, stride = width.
typedef struct stoa_ui_glyph_bitmap {
    const uint8_t *coverage; // owned by the cache; valid until the next glyph request
    int width, height;
    int left, top;        // pen to bitmap's left edge; baseline to its top row (up)
    int32_t advance_26_6; // horizontal advance, 1/64 px, unhinted
} stoa_ui_glyph_bitmap;

// Rasterises (or finds in the cache) a glyph at size_px; `embolden` thickens
// outlines for faces without a bold cut.
stoa_result stoa_ui_fonts_glyph(stoa_ui_fonts *fonts, stoa_ui_face face, uint32_t glyph,
                                int size_px, bool embolden, stoa_ui_glyph_bitmap *out);

typedef struct stoa_ui_cache_stats {
    uint64_t hits, misses; // glyph requests answered from / added to the cache
    uint32_t entries;
    uint32_t clears; // times the cache was full and emptied
} stoa_ui_cache_stats;
void stoa_ui_fonts_cache_stats(const stoa_ui_fonts *fonts, stoa_ui_cache_stats *out);

// ---- UTF-8 ------------------------------------------------------------------

// Decodes one codepoint at s[*pos] (len bytes in all) and advances *pos by at
// least one byte. Malformed, overlong, surrogate or truncated sequences give
// U+FFFD and skip only the bytes that were part of the bad sequence.
uint32_t stoa_ui_utf8_next(const char *s, size_t len, size_t *pos);

// ---- text layout ------------------------------------------------------------

#define STOA_UI_MAX_GLYPHS 16384 // per layout; longer texts fail with STOA_ERROR_LIMIT

typedef struct stoa_ui_text_desc {
    const char *text;        // UTF-8; '\n' starts a new line
    int size_px;             // 0 = 28
    bool bold;               // bold chain (titles)
    int max_width_px;        // wrap width; 0 = no wrapping
    int max_lines;           // 0 = unlimited; else the last line ends with "…"
    float line_spacing;      // multiple of the fonts' line height; 0 = 1.0
    float paragraph_spacing; // extra space after each '\n', in line heights; 0 = none
} stoa_ui_text_desc;

typedef struct stoa_ui_glyph {
    uint32_t codepoint;
    uint32_t glyph; // index in `face`
    stoa_ui_face face;
    bool embolden;
    int32_t x;       // pen position in px from the layout's left edge
    int32_t advance; // px, rounded
} stoa_ui_glyph;

typedef struct stoa_ui_line {
    uint32_t first, count; // glyphs[first .. first+count), trailing spaces dropped
    int32_t width;         // px from the left edge to the end of the last advance
    int32_t baseline;      // px from the layout's top edge
    bool paragraph_end;    // the line ended at a '\n'
} stoa_ui_line;

// Filled by stoa_ui_layout_text; free its arrays with stoa_ui_layout_fini.
typedef struct stoa_ui_layout {
    stoa_ui_glyph *glyphs;
    uint32_t glyph_count;
    stoa_ui_line *lines;
    uint32_t line_count;
    int32_t width, height; // widest line; last line's bottom (lines + paragraph gaps)
    int32_t line_height, ascender;
    int size_px;
    bool truncated; // max_lines cut the text
} stoa_ui_layout;

// Lays out text: per-glyph font fallback, kerning, wrapping at spaces for
// alphabetic scripts and between CJK characters (never before closing
// punctuation such as ，。、）」, never after opening punctuation), and a
// character break for a word wider than the line.
stoa_result stoa_ui_layout_text(stoa_ui_fonts *fonts, const stoa_ui_text_desc *desc,
                                stoa_ui_layout *out, stoa_error *err);
void stoa_ui_layout_fini(stoa_ui_layout *layout);

// ---- icons ------------------------------------------------------------------

// The panel icons of assets/icons (make_icons.py): white shapes on
// transparency, tinted when drawn.
typedef enum stoa_ui_icon_id {
    STOA_UI_ICON_NONE = 0,
    STOA_UI_ICON_PLAY,  // play.png
    STOA_UI_ICON_PAUSE, // pause.png: the teacher paused the lesson
    STOA_UI_ICON_HAND,  // hand.png: the raise-my-hand button
    STOA_UI_ICON_RIGHT, // right.png: a right answer (tick)
    STOA_UI_ICON_WRONG, // wrong.png: a wrong answer (cross)
    STOA_UI_ICON_COUNT,
} stoa_ui_icon_id;

#define STOA_UI_MAX_ICON_PX 256        // either side; larger icons fail with STOA_ERROR_LIMIT
#define STOA_UI_MAX_ICON_BYTES 1048576 // per file

typedef struct stoa_ui_icons stoa_ui_icons;

// Loads NAME.png for every icon above from dir (assets/icons in the source
// tree, share/stoa/icons installed). All or nothing: a missing, oversized or
// unreadable file fails with an error naming that file. Free with destroy.
stoa_result stoa_ui_icons_load(const char *dir, stoa_ui_icons **out_icons, stoa_error *err);
void stoa_ui_icons_destroy(stoa_ui_icons **icons);
bool stoa_ui_icons_has(const stoa_ui_icons *icons, stoa_ui_icon_id id);
const char *stoa_ui_icon_name(stoa_ui_icon_id id); // "hand"; "none" out of range
// Decodes one icon PNG held in memory (bounded as above) into premultiplied
// RGBA that the caller frees; name is used in errors. For tests and fuzzing.
stoa_result stoa_ui_icon_decode(const uint8_t *bytes, size_t size, const char *name,
                                uint8_t **out_rgba, int *out_w, int *out_h, stoa_error *err);

// ---- panels -----------------------------------------------------------------

// A quiz has 2..6; a keypad (the lobby's PIN panel) has 12.
#define STOA_UI_MAX_CHOICES 12

typedef enum stoa_ui_choice_state {
    STOA_UI_CHOICE_NORMAL = 0,
    STOA_UI_CHOICE_HOVERED,  // ray or gaze on it
    STOA_UI_CHOICE_SELECTED, // picked, not yet judged
    STOA_UI_CHOICE_CORRECT,  // judged right (green, check mark)
    STOA_UI_CHOICE_WRONG,    // judged wrong (red, cross)
} stoa_ui_choice_state;

typedef enum stoa_ui_tone {
    STOA_UI_TONE_NEUTRAL = 0,
    STOA_UI_TONE_POSITIVE, // e.g. "Correct!"
    STOA_UI_TONE_NEGATIVE, // e.g. "Not quite"
} stoa_ui_tone;

// Colours as 0xRRGGBBAA, straight alpha. Start from stoa_ui_theme_default().
typedef struct stoa_ui_theme {
    uint32_t background, border, title, accent, text, muted;
    uint32_t positive, negative;
    uint32_t choice_fill[5], choice_border[5]; // by stoa_ui_choice_state
    uint32_t badge_text;
} stoa_ui_theme;
stoa_ui_theme stoa_ui_theme_default(void);

typedef struct stoa_ui_panel_desc {
    const char *title; // optional, bold and larger
    const char *body;  // optional
    const char *choices[STOA_UI_MAX_CHOICES];
    int choice_count; // 0..12 buttons: a quiz has 2..6, one works as "Continue"
    // 0 or 1: one choice per row with a letter badge (a quiz); more: a grid
    // of that many columns, labels centred, no badge (a keypad).
    int choice_columns;
    stoa_ui_choice_state choice_states[STOA_UI_MAX_CHOICES];
    const char *footer; // optional feedback line
    stoa_ui_tone footer_tone;
    int width_px;                                // 0 = 800
    int title_px, body_px, choice_px, footer_px; // 0 = 40, 28, 28, 26
    int padding_px;                              // 0 = 36
    float px_per_m;                              // 0 = 1000 (1 px = 1 mm)
    const stoa_ui_theme *theme;                  // NULL = stoa_ui_theme_default()
    // Icons (stoa_ui_icons_load); NULL = none. With icons, a judged choice
    // shows the right/wrong icon in place of its mark (✔ ✘) and a positive or
    // negative footer starts with the right/wrong icon.
    const stoa_ui_icons *icons;
    stoa_ui_icon_id icon; // in the top-right corner (title and body wrap before it)
    uint32_t icon_color;  // 0xRRGGBBAA; 0 = positive/negative for right/wrong, else the accent
    // In place of a choice's letter badge (the raise-my-hand button).
    stoa_ui_icon_id choice_icons[STOA_UI_MAX_CHOICES];
} stoa_ui_panel_desc;

typedef struct stoa_ui_rect {
    int x, y, w, h; // panel pixels, top-left origin
} stoa_ui_rect;

typedef struct stoa_ui_uv_rect {
    float u0, v0, u1, v1; // normalised 0..1, v down
} stoa_ui_uv_rect;

// Filled by stoa_ui_panel_render / stoa_ui_label_render; the caller owns it
// and frees rgba with stoa_ui_panel_image_fini.
typedef struct stoa_ui_panel_image {
    int width, height;
    uint8_t *rgba; // premultiplied, see the top of this file
    int choice_count;
    stoa_ui_rect choice_rects[STOA_UI_MAX_CHOICES];
    stoa_ui_uv_rect choice_uvs[STOA_UI_MAX_CHOICES];
    stoa_ui_rect body_rect;  // where the body text was drawn (empty if none)
    // Where icons were drawn (the corner icon, a badge, a mark, the footer's),
    // and which; icon_count 0 when none was.
    int icon_count;
    stoa_ui_rect icon_rects[STOA_UI_MAX_CHOICES + 2];
    stoa_ui_icon_id icon_ids[STOA_UI_MAX_CHOICES + 2];
    float width_m, height_m; // physical size of the quad at the desc's px_per_m
} stoa_ui_panel_image;

#define STOA_UI_MAX_PANEL_PX 4096 // either side; larger panels fail with STOA_ERROR_LIMIT

stoa_result stoa_ui_panel_render(stoa_ui_fonts *fonts, const stoa_ui_panel_desc *desc,
                                 stoa_ui_panel_image *out, stoa_error *err);
void stoa_ui_panel_image_fini(stoa_ui_panel_image *image);

// The choice under (u, v), or -1 for none / outside the panel.
int stoa_ui_panel_hit_test(const stoa_ui_panel_image *image, float u, float v);

// ---- subtitle labels --------------------------------------------------------

typedef struct stoa_ui_label_desc {
    const char *text;           // UTF-8
    int size_px;                // 0 = 30
    int max_width_px;           // 0 = 1000; the strip shrinks to the text
    int max_lines;              // 0 = 2; longer text ends with "…"
    int padding_px;             // 0 = 16
    float px_per_m;             // 0 = 1000
    const stoa_ui_theme *theme; // NULL = default (text on a dark strip)
} stoa_ui_label_desc;

// A subtitle strip: one or two centred lines on a dark rounded strip.
// choice_count in the result is 0.
stoa_result stoa_ui_label_render(stoa_ui_fonts *fonts, const stoa_ui_label_desc *desc,
                                 stoa_ui_panel_image *out, stoa_error *err);

// Converts premultiplied RGBA to straight alpha (for PNG files), in place.
void stoa_ui_unpremultiply(uint8_t *rgba, size_t pixel_count);

// ---- lines of text on a window (the desktop's heads-up display) --------------

typedef struct stoa_ui_lines_desc {
    const char *const *lines; // UTF-8, one row each, left-aligned; NULL = an empty row
    uint32_t line_count;
    int size_px;      // 0 = 14
    int padding_px;   // around the text; 0 = size_px / 3
    int max_width_px; // a longer line ends with "…"; 0 = the canvas's width
    uint32_t color;   // 0xRRGGBBAA, straight; 0 = the theme's text colour
} stoa_ui_lines_desc;

// Pixels from one row's top to the next's: the same for every row, whichever
// faces (Latin, Chinese) a row uses, so rows line up as a list.
int stoa_ui_lines_pitch(stoa_ui_fonts *fonts, int size_px);

// Draws the rows into the caller's canvas (width x height, premultiplied like
// every image here, top-left origin; what is there stays under the text):
// row i's top at padding + i * pitch. Rows past the canvas are not drawn.
// *out_width / *out_height (may be NULL): the box the text took, padding
// included, at most the canvas. Fails only on bad arguments or a row longer
// than STOA_UI_MAX_GLYPHS.
stoa_result stoa_ui_lines_draw(stoa_ui_fonts *fonts, const stoa_ui_lines_desc *desc,
                               uint8_t *rgba, int width, int height, int *out_width,
                               int *out_height, stoa_error *err);
