// SPDX-License-Identifier: Apache-2.0
// UTF-8 decoding and the few Unicode classes line breaking needs. A small
// subset of UAX #14 on purpose: spaces, CJK and kinsoku punctuation.
#include "ui_internal.h"

#define UI_REPLACEMENT 0xFFFDu

static bool is_cont(unsigned char b)
{
    return (b & 0xC0) == 0x80;
}

uint32_t stoa_ui_utf8_next(const char *s, size_t len, size_t *pos)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = *pos;
    if (!s || i >= len) {
        *pos = i + 1;
        return UI_REPLACEMENT;
    }
    unsigned char b0 = p[i];
    int need;
    uint32_t cp, min;
    if (b0 < 0x80) {
        *pos = i + 1;
        return b0;
    } else if (b0 >= 0xC2 && b0 <= 0xDF) {
        need = 1, cp = b0 & 0x1F, min = 0x80;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        need = 2, cp = b0 & 0x0F, min = 0x800;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        need = 3, cp = b0 & 0x07, min = 0x10000;
    } else {
        *pos = i + 1; // stray continuation byte, C0/C1 or F5..FF
        return UI_REPLACEMENT;
    }
    size_t j = i + 1;
    for (int k = 0; k < need; k++, j++) {
        if (j >= len || !is_cont(p[j])) {
            *pos = j; // truncated: resume at the byte that broke the sequence
            return UI_REPLACEMENT;
        }
        cp = (cp << 6) | (p[j] & 0x3F);
    }
    *pos = j;
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return UI_REPLACEMENT;
    return cp;
}

bool ui_is_space(uint32_t cp)
{
    return cp == ' ' || cp == '\t' || cp == 0x3000 || cp == 0xA0;
}

bool ui_is_cjk(uint32_t cp)
{
    return (cp >= 0x2E80 && cp <= 0x2FFF) || // radicals
           (cp >= 0x3000 && cp <= 0x303F) || // CJK punctuation
           (cp >= 0x3040 && cp <= 0x30FF) || // kana
           (cp >= 0x3400 && cp <= 0x4DBF) || // extension A
           (cp >= 0x4E00 && cp <= 0x9FFF) || // unified ideographs
           (cp >= 0xAC00 && cp <= 0xD7AF) || // hangul
           (cp >= 0xF900 && cp <= 0xFAFF) || // compatibility ideographs
           (cp >= 0xFF00 && cp <= 0xFFEF) || // fullwidth forms
           (cp >= 0x20000 && cp <= 0x3FFFF); // extensions B..
}

bool ui_no_line_start(uint32_t cp)
{
    static const uint32_t set[] = {
        0x3001, 0x3002, 0xFF0C, 0xFF0E, 0xFF1A, 0xFF1B, 0xFF01, 0xFF1F, // 、。，．：；！？
        0xFF09, 0x300D, 0x300F, 0x3011, 0x3009, 0x300B, 0x3015, 0x3017, // ）」』】〉》〕〗
        0xFF3D, 0xFF5D, 0x201D, 0x2019, 0x30FC, 0x2026, 0x00B7, 0x30FB, // ］｝”’ー…·・
        ',',    '.',    ';',    ':',    '!',    '?',    ')',    ']',    '}',
    };
    for (size_t i = 0; i < sizeof set / sizeof set[0]; i++)
        if (set[i] == cp)
            return true;
    return false;
}

bool ui_no_line_end(uint32_t cp)
{
    static const uint32_t set[] = {
        0xFF08, 0x300C, 0x300E, 0x3010, 0x3008, 0x300A, 0x3014, 0x3016, // （「『【〈《〔〖
        0xFF3B, 0xFF5B, 0x201C, 0x2018, '(',    '[',    '{',
    };
    for (size_t i = 0; i < sizeof set / sizeof set[0]; i++)
        if (set[i] == cp)
            return true;
    return false;
}
