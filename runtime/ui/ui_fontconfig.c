// SPDX-License-Identifier: Apache-2.0
// Fonts through fontconfig, when Debian's usual folders do not hold them (an
// installed system with its fonts elsewhere): the file fontconfig picks for a
// family, or for a language, checked to have a glyph the face is for.
#include <stdio.h>
#include <string.h>

#include <fontconfig/fontconfig.h>
#include <ft2build.h>
#include FT_FREETYPE_H

#include "ui_internal.h"
#include "stoa_ui_probe.h"

static bool match(const char *pattern, FcChar32 must_have, char *out, size_t size)
{
    if (!FcInit())
        return false;
    FcPattern *p = FcNameParse((const FcChar8 *)pattern);
    if (!p)
        return false;
    FcConfigSubstitute(NULL, p, FcMatchPattern);
    FcDefaultSubstitute(p);
    FcResult res = FcResultNoMatch;
    FcPattern *m = FcFontMatch(NULL, p, &res);
    FcPatternDestroy(p);
    bool ok = false;
    FcChar8 *file = NULL;
    FcCharSet *cs = NULL;
    if (m && FcPatternGetString(m, FC_FILE, 0, &file) == FcResultMatch &&
        FcPatternGetCharSet(m, FC_CHARSET, 0, &cs) == FcResultMatch && FcCharSetHasChar(cs, must_have)) {
        int n = snprintf(out, size, "%s", (const char *)file);
        ok = n > 0 && (size_t)n < size;
    }
    if (m)
        FcPatternDestroy(m);
    return ok;
}

bool ui_fontconfig_find(stoa_ui_face face, char *out, size_t size)
{
    switch (face) {
    case STOA_UI_FACE_SANS: // Greek too: the sample lessons quote inscriptions
        return match("DejaVu Sans:style=Book", 0x03A3, out, size) ||
               match("sans-serif:lang=el", 0x03A3, out, size);
    case STOA_UI_FACE_SANS_BOLD:
        return match("DejaVu Sans:style=Bold", 0x03A3, out, size);
    case STOA_UI_FACE_CJK:
        return match("WenQuanYi Micro Hei", 0x4E2D, out, size) ||
               match("sans-serif:lang=zh-cn", 0x4E2D, out, size);
    default:
        return false;
    }
}

bool stoa_ui_probe_fonts(stoa_ui_font_probe *o)
{
    memset(o, 0, sizeof *o);
    int v = FcGetVersion();
    snprintf(o->fontconfig_version, sizeof o->fontconfig_version, "%d.%d.%d", v / 10000,
             v / 100 % 100, v % 100);
    FT_Library lib;
    if (FT_Init_FreeType(&lib) == 0) {
        FT_Int a, b, c;
        FT_Library_Version(lib, &a, &b, &c);
        snprintf(o->freetype_version, sizeof o->freetype_version, "%d.%d.%d", a, b, c);
        FT_Done_FreeType(lib);
    }
    stoa_ui_fonts *fonts = NULL;
    stoa_error err = {0};
    if (stoa_ui_fonts_create(NULL, &fonts, &err) != STOA_OK) {
        snprintf(o->error, sizeof o->error, "%s", err.message);
        return false;
    }
    const char *latin = stoa_ui_fonts_face_path(fonts, STOA_UI_FACE_SANS);
    const char *cjk = stoa_ui_fonts_face_path(fonts, STOA_UI_FACE_CJK);
    snprintf(o->latin, sizeof o->latin, "%s", latin ? latin : "");
    snprintf(o->cjk, sizeof o->cjk, "%s", cjk ? cjk : "");
    stoa_ui_fonts_destroy(&fonts);
    return o->latin[0] != 0;
}
