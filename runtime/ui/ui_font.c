// SPDX-License-Identifier: Apache-2.0
// Finding and opening the faces, per-glyph fallback and the glyph cache.
#include "ui_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_SYNTHESIS_H

#include "core/stoa_log.h"

typedef struct ui_cache_entry {
    uint64_t key; // 0 = empty slot (real keys always have bit 63 set)
    uint8_t *coverage;
    int width, height, left, top;
    int32_t advance;
} ui_cache_entry;

struct stoa_ui_fonts {
    FT_Library library;
    FT_Face faces[STOA_UI_FACE_COUNT];
    char *paths[STOA_UI_FACE_COUNT];
    int current_size[STOA_UI_FACE_COUNT]; // FT_Set_Pixel_Sizes is not free
    ui_cache_entry *slots;
    uint32_t slot_count, entry_count, capacity;
    stoa_ui_cache_stats stats;
};

static const char *const face_files[STOA_UI_FACE_COUNT] = {"DejaVuSans.ttf", "DejaVuSans-Bold.ttf",
                                                           "wqy-microhei.ttc"};

// Debian first (fonts-dejavu-core, fonts-wqy-microhei), then other layouts.
static const char *const default_dirs[] = {
    "/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/truetype/wqy",
    "/usr/share/fonts/dejavu",          "/usr/share/fonts/dejavu-sans-fonts",
    "/usr/share/fonts/wqy-microhei",    "/usr/share/fonts/TTF",
    "/usr/local/share/fonts",
};

// Finds `file` in the override folder only, or else in the default folders;
// on failure appends every path tried to `tried`.
static char *find_font(const char *override_dir, const char *file, char *tried, size_t tried_size)
{
    const char *one[1] = {override_dir};
    const char *const *dirs = override_dir ? one : default_dirs;
    size_t n = override_dir ? 1 : sizeof default_dirs / sizeof default_dirs[0];
    char path[1024];
    for (size_t i = 0; i < n; i++) {
        int n_path = snprintf(path, sizeof path, "%s/%s", dirs[i], file);
        if (n_path > 0 && (size_t)n_path < sizeof path && access(path, R_OK) == 0)
            return strdup(path);
        size_t used = strlen(tried);
        // A long list is cut, not an error: the message still names the first paths.
        if (snprintf(tried + used, tried_size - used, "%s%s", used ? ", " : "", path) < 0)
            break;
    }
    return NULL;
}

static stoa_result open_face(stoa_ui_fonts *f, stoa_ui_face face, const char *dir, stoa_error *err)
{
    char tried[700] = "", fc[1024];
    f->paths[face] = find_font(dir, face_files[face], tried, sizeof tried);
    // Installed elsewhere: fontconfig knows (not with an explicit folder,
    // which tests use to see a font missing).
    if (!f->paths[face] && !dir && ui_fontconfig_find(face, fc, sizeof fc))
        f->paths[face] = strdup(fc);
    if (!f->paths[face]) {
        if (face == STOA_UI_FACE_SANS)
            return stoa_error_set(err, STOA_ERROR_NOT_FOUND,
                                  "ui: font %s not found; tried %s (install fonts-dejavu-core "
                                  "or set STOA_FONT_DIR)",
                                  face_files[face], tried);
        STOA_LOGW("ui", "font %s not found (tried %s); %s", face_files[face], tried,
                  face == STOA_UI_FACE_CJK ? "Chinese text will show boxes"
                                           : "titles use emboldened regular");
        return STOA_OK;
    }
    if (FT_New_Face(f->library, f->paths[face], 0, &f->faces[face]) != 0) {
        f->faces[face] = NULL;
        if (face == STOA_UI_FACE_SANS)
            return stoa_error_set(err, STOA_ERROR_PARSE, "ui: FreeType cannot open font %s",
                                  f->paths[face]);
        STOA_LOGW("ui", "FreeType cannot open font %s; ignoring it", f->paths[face]);
        free(f->paths[face]);
        f->paths[face] = NULL;
    }
    return STOA_OK;
}

stoa_result stoa_ui_fonts_create(const stoa_ui_fonts_desc *desc, stoa_ui_fonts **out_fonts,
                                 stoa_error *err)
{
    if (!out_fonts)
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT, "ui: out_fonts is NULL");
    *out_fonts = NULL;
    stoa_ui_fonts_desc d = desc ? *desc : (stoa_ui_fonts_desc){0};
    const char *dir = d.font_dir;
    if (!dir || !*dir)
        dir = getenv("STOA_FONT_DIR");
    if (dir && !*dir)
        dir = NULL;
    stoa_ui_fonts *f = calloc(1, sizeof *f);
    if (!f)
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "ui: out of memory");
    f->capacity = d.cache_capacity ? d.cache_capacity : 4096;
    if (FT_Init_FreeType(&f->library) != 0) {
        free(f);
        return stoa_error_set(err, STOA_ERROR_UNSUPPORTED, "ui: FreeType failed to start");
    }
    for (int i = 0; i < STOA_UI_FACE_COUNT; i++) {
        stoa_result r = open_face(f, (stoa_ui_face)i, dir, err);
        if (r != STOA_OK) {
            stoa_ui_fonts_destroy(&f);
            return r;
        }
    }
    *out_fonts = f;
    return STOA_OK;
}

static void cache_clear(stoa_ui_fonts *f)
{
    for (uint32_t i = 0; i < f->slot_count; i++)
        free(f->slots[i].coverage);
    free(f->slots);
    f->slots = NULL;
    f->slot_count = f->entry_count = 0;
}

void stoa_ui_fonts_destroy(stoa_ui_fonts **fonts)
{
    if (!fonts || !*fonts)
        return;
    stoa_ui_fonts *f = *fonts;
    cache_clear(f);
    for (int i = 0; i < STOA_UI_FACE_COUNT; i++) {
        if (f->faces[i])
            FT_Done_Face(f->faces[i]);
        free(f->paths[i]);
    }
    FT_Done_FreeType(f->library);
    free(f);
    *fonts = NULL;
}

bool stoa_ui_fonts_has_face(const stoa_ui_fonts *fonts, stoa_ui_face face)
{
    return fonts && face >= 0 && face < STOA_UI_FACE_COUNT && fonts->faces[face];
}

const char *stoa_ui_fonts_face_path(const stoa_ui_fonts *fonts, stoa_ui_face face)
{
    return stoa_ui_fonts_has_face(fonts, face) ? fonts->paths[face] : NULL;
}

bool ui_fonts_resolve(stoa_ui_fonts *f, uint32_t cp, bool bold, stoa_ui_face *out_face,
                      uint32_t *out_glyph, bool *out_embolden)
{
    // The bold chain falls through to faces without a bold cut, emboldened.
    static const stoa_ui_face regular[] = {STOA_UI_FACE_SANS, STOA_UI_FACE_CJK};
    static const stoa_ui_face heavy[] = {STOA_UI_FACE_SANS_BOLD, STOA_UI_FACE_SANS,
                                         STOA_UI_FACE_CJK};
    const stoa_ui_face *chain = bold ? heavy : regular;
    size_t n = bold ? 3 : 2;
    for (size_t i = 0; i < n; i++) {
        FT_Face face = f->faces[chain[i]];
        FT_UInt g = face ? FT_Get_Char_Index(face, cp) : 0;
        if (g) {
            *out_face = chain[i];
            *out_glyph = g;
            *out_embolden = bold && chain[i] != STOA_UI_FACE_SANS_BOLD;
            return true;
        }
    }
    *out_face =
        bold && f->faces[STOA_UI_FACE_SANS_BOLD] ? STOA_UI_FACE_SANS_BOLD : STOA_UI_FACE_SANS;
    *out_glyph = 0;
    *out_embolden = bold && *out_face != STOA_UI_FACE_SANS_BOLD;
    return false;
}

bool stoa_ui_fonts_lookup(stoa_ui_fonts *fonts, uint32_t cp, bool bold, stoa_ui_face *out_face,
                          uint32_t *out_glyph)
{
    stoa_ui_face face;
    uint32_t glyph;
    bool embolden;
    bool found = fonts && ui_fonts_resolve(fonts, cp, bold, &face, &glyph, &embolden);
    if (out_face)
        *out_face = fonts ? face : STOA_UI_FACE_SANS;
    if (out_glyph)
        *out_glyph = fonts ? glyph : 0;
    return found;
}

static bool set_size(stoa_ui_fonts *f, stoa_ui_face face, int size_px)
{
    if (!f->faces[face])
        return false;
    if (f->current_size[face] != size_px) {
        if (FT_Set_Pixel_Sizes(f->faces[face], 0, (FT_UInt)size_px) != 0)
            return false;
        f->current_size[face] = size_px;
    }
    return true;
}

int32_t ui_fonts_kerning(stoa_ui_fonts *f, stoa_ui_face face, uint32_t left, uint32_t right,
                         int size_px)
{
    if (!left || !right || !f->faces[face] || !FT_HAS_KERNING(f->faces[face]))
        return 0;
    if (!set_size(f, face, size_px))
        return 0;
    FT_Vector k;
    if (FT_Get_Kerning(f->faces[face], left, right, FT_KERNING_UNFITTED, &k) != 0)
        return 0;
    return (int32_t)k.x;
}

void ui_fonts_metrics(stoa_ui_fonts *f, stoa_ui_face face, int size_px, int32_t *out_asc,
                      int32_t *out_desc)
{
    if (!set_size(f, face, size_px)) {
        *out_asc = size_px * 64 * 4 / 5; // a plausible box for a missing face
        *out_desc = -size_px * 64 / 5;
        return;
    }
    *out_asc = (int32_t)f->faces[face]->size->metrics.ascender;
    *out_desc = (int32_t)f->faces[face]->size->metrics.descender;
}

// ---- the cache: open addressing keyed by face, size, emboldening and glyph --

static uint64_t make_key(stoa_ui_face face, uint32_t glyph, int size_px, bool embolden)
{
    return (1ull << 63) | ((uint64_t)face << 56) | ((uint64_t)embolden << 55) |
           ((uint64_t)(size_px & 0xFFFF) << 32) | glyph;
}

static uint32_t slot_of(uint64_t key, uint32_t slot_count)
{
    key ^= key >> 33;
    key *= 0xff51afd7ed558ccdull;
    key ^= key >> 33;
    return (uint32_t)key & (slot_count - 1);
}

static ui_cache_entry *cache_find(stoa_ui_fonts *f, uint64_t key)
{
    if (!f->slot_count)
        return NULL;
    for (uint32_t i = slot_of(key, f->slot_count);; i = (i + 1) & (f->slot_count - 1)) {
        if (f->slots[i].key == key)
            return &f->slots[i];
        if (!f->slots[i].key)
            return NULL;
    }
}

// A free slot for a new key; the cache is emptied when it holds `capacity`
// glyphs, which keeps memory bounded without bookkeeping for LRU order.
static ui_cache_entry *cache_insert(stoa_ui_fonts *f, uint64_t key)
{
    if (f->entry_count >= f->capacity) {
        cache_clear(f);
        f->stats.clears++;
    }
    if (!f->slot_count || (f->entry_count + 1) * 10 > f->slot_count * 7) {
        uint32_t n = f->slot_count ? f->slot_count * 2 : 256;
        ui_cache_entry *slots = calloc(n, sizeof *slots);
        if (!slots)
            return NULL;
        for (uint32_t i = 0; i < f->slot_count; i++) {
            if (!f->slots[i].key)
                continue;
            uint32_t j = slot_of(f->slots[i].key, n);
            while (slots[j].key)
                j = (j + 1) & (n - 1);
            slots[j] = f->slots[i];
        }
        free(f->slots);
        f->slots = slots;
        f->slot_count = n;
    }
    uint32_t i = slot_of(key, f->slot_count);
    while (f->slots[i].key)
        i = (i + 1) & (f->slot_count - 1);
    f->slots[i].key = key;
    f->entry_count++;
    return &f->slots[i];
}

static stoa_result rasterise(stoa_ui_fonts *f, stoa_ui_face face, uint32_t glyph, int size_px,
                             bool embolden, ui_cache_entry *e)
{
    if (!set_size(f, face, size_px))
        return STOA_ERROR_NOT_FOUND;
    FT_Face ft = f->faces[face];
    // Light hinting: vertical only, so unhinted advances stay true and text
    // keeps its designed widths, while stems stay crisp on the pixel grid.
    if (FT_Load_Glyph(ft, glyph, FT_LOAD_TARGET_LIGHT | FT_LOAD_NO_BITMAP) != 0)
        return STOA_ERROR_PARSE;
    if (embolden)
        FT_GlyphSlot_Embolden(ft->glyph);
    if (FT_Render_Glyph(ft->glyph, FT_RENDER_MODE_NORMAL) != 0)
        return STOA_ERROR_PARSE;
    FT_Bitmap *bm = &ft->glyph->bitmap;
    e->width = (int)bm->width;
    e->height = (int)bm->rows;
    e->left = ft->glyph->bitmap_left;
    e->top = ft->glyph->bitmap_top;
    e->advance =
        embolden ? (int32_t)ft->glyph->advance.x : (int32_t)(ft->glyph->linearHoriAdvance >> 10);
    e->coverage = NULL;
    size_t n = (size_t)e->width * (size_t)e->height;
    if (n) {
        e->coverage = malloc(n);
        if (!e->coverage)
            return STOA_ERROR_OUT_OF_MEMORY;
        for (int y = 0; y < e->height; y++)
            memcpy(e->coverage + (size_t)y * (size_t)e->width,
                   bm->buffer + (ptrdiff_t)y * bm->pitch, (size_t)e->width);
    }
    return STOA_OK;
}

stoa_result stoa_ui_fonts_glyph(stoa_ui_fonts *fonts, stoa_ui_face face, uint32_t glyph,
                                int size_px, bool embolden, stoa_ui_glyph_bitmap *out)
{
    if (!fonts || !out || face < 0 || face >= STOA_UI_FACE_COUNT || size_px < 1 || size_px > 1024)
        return STOA_ERROR_INVALID_ARGUMENT;
    uint64_t key = make_key(face, glyph, size_px, embolden);
    ui_cache_entry *e = cache_find(fonts, key);
    if (e) {
        fonts->stats.hits++;
    } else {
        fonts->stats.misses++;
        ui_cache_entry tmp = {0};
        stoa_result r = rasterise(fonts, face, glyph, size_px, embolden, &tmp);
        if (r != STOA_OK) {
            free(tmp.coverage);
            return r;
        }
        e = cache_insert(fonts, key);
        if (!e) {
            free(tmp.coverage);
            return STOA_ERROR_OUT_OF_MEMORY;
        }
        tmp.key = key;
        *e = tmp;
    }
    *out = (stoa_ui_glyph_bitmap){.coverage = e->coverage,
                                  .width = e->width,
                                  .height = e->height,
                                  .left = e->left,
                                  .top = e->top,
                                  .advance_26_6 = e->advance};
    return STOA_OK;
}

void stoa_ui_fonts_cache_stats(const stoa_ui_fonts *fonts, stoa_ui_cache_stats *out)
{
    if (!out)
        return;
    *out = fonts ? fonts->stats : (stoa_ui_cache_stats){0};
    if (fonts)
        out->entries = fonts->entry_count;
}
