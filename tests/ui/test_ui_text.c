// SPDX-License-Identifier: Apache-2.0
// UTF-8 decoding, font fallback, line breaking (Latin and CJK) and the glyph
// cache, measured on the laid-out glyphs.
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "stoa_test.h"
#include "ui/stoa_ui.h"

static stoa_ui_fonts *open_fonts(void)
{
    stoa_ui_fonts *f = NULL;
    stoa_error err = {0};
    stoa_result r = stoa_ui_fonts_create(&(stoa_ui_fonts_desc){0}, &f, &err);
    CHECK_MSG(r == STOA_OK, "%s", err.message);
    return f;
}

static stoa_ui_layout lay(stoa_ui_fonts *f, const char *text, int max_w)
{
    stoa_ui_layout l = {0};
    stoa_error err = {0};
    stoa_result r =
        stoa_ui_layout_text(f, &(stoa_ui_text_desc){.text = text, .max_width_px = max_w}, &l, &err);
    CHECK_MSG(r == STOA_OK, "%s", err.message);
    return l;
}

static uint32_t line_cp(const stoa_ui_layout *l, uint32_t line, uint32_t k)
{
    return l->glyphs[l->lines[line].first + k].codepoint;
}

STOA_TEST(utf8_decodes_valid_sequences)
{
    const char *s = "a\xC3\xA9\xE6\x96\xAF\xF0\x9F\x98\x80";
    size_t pos = 0, len = strlen(s);
    CHECK(stoa_ui_utf8_next(s, len, &pos) == 'a');
    CHECK(stoa_ui_utf8_next(s, len, &pos) == 0xE9);
    CHECK(stoa_ui_utf8_next(s, len, &pos) == 0x65AF);
    CHECK(stoa_ui_utf8_next(s, len, &pos) == 0x1F600);
    CHECK(pos == len);
}

STOA_TEST(utf8_replaces_malformed_sequences)
{
    struct {
        const char *s;
        uint32_t first;
        size_t pos;
    } cases[] = {
        {"\xC3", 0xFFFD, 1},             // truncated
        {"\xC0\xAF", 0xFFFD, 1},         // overlong lead byte
        {"\xE0\x80\xAF", 0xFFFD, 3},     // overlong three-byte
        {"\xED\xA0\x80", 0xFFFD, 3},     // surrogate
        {"\xF4\x90\x80\x80", 0xFFFD, 4}, // above U+10FFFF
        {"\xF8\x88\x80\x80", 0xFFFD, 1}, // five-byte form
        {"\x80", 0xFFFD, 1},             // stray continuation
        {"\xE6\x96"
         "A",
         0xFFFD, 2}, // cut short: 'A' must survive
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t pos = 0, len = strlen(cases[i].s);
        uint32_t cp = stoa_ui_utf8_next(cases[i].s, len, &pos);
        CHECK_MSG(cp == cases[i].first && pos == cases[i].pos, "case %zu: U+%04X at %zu", i,
                  (unsigned)cp, pos);
    }
    size_t pos = 2;
    CHECK(stoa_ui_utf8_next("\xE6\x96"
                            "A",
                            3, &pos) == 'A');
}

STOA_TEST(layout_survives_malformed_and_random_bytes)
{
    stoa_ui_fonts *f = open_fonts();
    stoa_ui_layout l = lay(f, "ok \xFF\xFE bad \xE6\x96 end", 0);
    int replacements = 0;
    for (uint32_t i = 0; i < l.glyph_count; i++)
        replacements += l.glyphs[i].codepoint == 0xFFFD;
    CHECK(replacements == 3);
    stoa_ui_layout_fini(&l);
    srand(42);
    char buf[97];
    for (int n = 0; n < 500; n++) {
        for (int i = 0; i < 96; i++)
            buf[i] = (char)(1 + rand() % 255);
        buf[96] = 0;
        stoa_ui_layout r = {0};
        CHECK(stoa_ui_layout_text(f, &(stoa_ui_text_desc){.text = buf, .max_width_px = 120}, &r,
                                  NULL) == STOA_OK);
        for (uint32_t k = 0; k < r.line_count; k++)
            CHECK(r.lines[k].width <= 120);
        stoa_ui_layout_fini(&r);
    }
    stoa_ui_fonts_destroy(&f);
    CHECK(f == NULL);
}

STOA_TEST(latin_wraps_at_spaces_within_width)
{
    stoa_ui_fonts *f = open_fonts();
    const char *text = "The Stoa Poikile, the Painted Porch on the north side of the Agora of "
                       "Athens, gave its name to the Stoics, because Zeno of Citium taught there.";
    stoa_ui_layout l = lay(f, text, 400);
    CHECK(l.line_count >= 4);
    uint32_t ink = 0;
    for (uint32_t i = 0; i < l.line_count; i++) {
        CHECK_MSG(l.lines[i].width <= 400, "line %u is %d px", i, l.lines[i].width);
        CHECK(l.lines[i].count > 0);
        CHECK(line_cp(&l, i, 0) != ' ');
        CHECK(line_cp(&l, i, l.lines[i].count - 1) != ' ');
        if (i + 1 < l.line_count) // a word break, not a character break
            CHECK(l.glyphs[l.lines[i].first + l.lines[i].count].codepoint == ' ');
        for (uint32_t k = 0; k < l.lines[i].count; k++)
            ink += line_cp(&l, i, k) != ' ';
    }
    uint32_t expected = 0;
    for (const char *p = text; *p; p++)
        expected += *p != ' ';
    CHECK(ink == expected); // nothing lost or duplicated at the breaks
    CHECK(l.height == (int32_t)l.line_count * l.line_height);
    CHECK(l.line_height >= 28 && l.line_height <= 40);
    stoa_ui_layout_fini(&l);
    stoa_ui_fonts_destroy(&f);
}

STOA_TEST(long_word_breaks_inside_and_explicit_newlines_count)
{
    stoa_ui_fonts *f = open_fonts();
    stoa_ui_layout l = lay(f, "Pneumonoultramicroscopicsilicovolcanoconiosis", 150);
    CHECK(l.line_count >= 3);
    for (uint32_t i = 0; i < l.line_count; i++)
        CHECK(l.lines[i].width <= 150);
    stoa_ui_layout_fini(&l);
    l = lay(f, "one\ntwo\n\nfour", 0);
    CHECK(l.line_count == 4);
    CHECK(l.line_count == 4 && l.lines[2].count == 0 && line_cp(&l, 3, 0) == 'f');
    CHECK(l.lines[1].baseline - l.lines[0].baseline == l.line_height);
    stoa_ui_layout_fini(&l);
    // Paragraph spacing opens a gap after each '\n' only, not after a wrap.
    CHECK(stoa_ui_layout_text(f,
                              &(stoa_ui_text_desc){.text = "a long first paragraph here\nsecond",
                                                   .max_width_px = 150,
                                                   .paragraph_spacing = 0.5f},
                              &l, NULL) == STOA_OK);
    uint32_t n = l.line_count;
    CHECK_MSG(n >= 3, "%u lines", n);
    if (n >= 3) {
        CHECK(!l.lines[0].paragraph_end && l.lines[n - 2].paragraph_end);
        CHECK(line_cp(&l, n - 1, 0) == 's');
        CHECK(l.lines[1].baseline - l.lines[0].baseline == l.line_height);
        int32_t gap = l.lines[n - 1].baseline - l.lines[n - 2].baseline - l.line_height;
        CHECK_MSG(gap >= l.line_height / 2 && gap <= (l.line_height + 1) / 2, "gap %d", gap);
        CHECK(l.height == (int32_t)n * l.line_height + gap);
    }
    stoa_ui_layout_fini(&l);
    stoa_ui_fonts_destroy(&f);
}

STOA_TEST(cjk_wraps_between_characters_with_kinsoku)
{
    stoa_ui_fonts *f = open_fonts();
    // The first 16 characters fit exactly; a naive break would start line 2
    // with '。', so the last ideograph must move down with it.
    stoa_ui_layout head = lay(f, "斯多亚学派因芝诺在画廊讲学而得名", 0);
    CHECK(head.line_count == 1 && head.glyph_count == 16);
    int w = head.width;
    stoa_ui_layout l = lay(f, "斯多亚学派因芝诺在画廊讲学而得名。", w);
    CHECK(l.line_count == 2);
    if (l.line_count == 2) {
        CHECK(l.lines[0].count == 15);
        CHECK(line_cp(&l, 1, 0) == 0x540D); // 名
        CHECK(line_cp(&l, 1, 1) == 0x3002); // 。
    }
    stoa_ui_layout_fini(&l);
    stoa_ui_layout_fini(&head);

    const char *para = "斯多亚学派，又称斯多葛学派，是古希腊的哲学流派。芝诺在雅典的彩绘柱廊"
                       "（斯多亚）讲学，学派因此得名。他们认为，德性是唯一的善。";
    for (int max_w = 90; max_w <= 300; max_w += 13) {
        l = lay(f, para, max_w);
        CHECK(l.line_count >= 3);
        for (uint32_t i = 0; i < l.line_count; i++) {
            uint32_t first = line_cp(&l, i, 0), last = line_cp(&l, i, l.lines[i].count - 1);
            CHECK_MSG(first != 0xFF0C && first != 0x3002 && first != 0xFF09 && first != 0x3001,
                      "width %d line %u starts with U+%04X", max_w, i, (unsigned)first);
            CHECK_MSG(last != 0xFF08, "width %d line %u ends with an opening bracket", max_w, i);
            CHECK_MSG(l.lines[i].width <= max_w, "width %d line %u is %d", max_w, i,
                      l.lines[i].width);
        }
        stoa_ui_layout_fini(&l);
    }
    stoa_ui_fonts_destroy(&f);
}

STOA_TEST(mixed_script_falls_back_per_glyph)
{
    stoa_ui_fonts *f = open_fonts();
    CHECK(stoa_ui_fonts_has_face(f, STOA_UI_FACE_CJK));
    stoa_ui_layout l = lay(f, "Stoa 斯多亚 Στοά", 0);
    CHECK(l.glyph_count == 13);
    for (uint32_t i = 0; i < l.glyph_count; i++) {
        const stoa_ui_glyph *g = &l.glyphs[i];
        bool cjk = g->codepoint >= 0x4E00 && g->codepoint <= 0x9FFF;
        CHECK_MSG(g->glyph != 0, "U+%04X has no glyph", (unsigned)g->codepoint);
        CHECK(g->face == (cjk ? STOA_UI_FACE_CJK : STOA_UI_FACE_SANS));
        if (i > 0)
            CHECK(g->x > l.glyphs[i - 1].x); // pen moves on across the face change
    }
    stoa_ui_layout_fini(&l);
    stoa_ui_face face;
    uint32_t glyph;
    CHECK(stoa_ui_fonts_lookup(f, 'S', true, &face, &glyph) && face == STOA_UI_FACE_SANS_BOLD);
    CHECK(stoa_ui_fonts_lookup(f, 0x65AF, true, &face, &glyph) && face == STOA_UI_FACE_CJK);
    CHECK(!stoa_ui_fonts_lookup(f, 0xE000, false, &face, &glyph) && glyph == 0); // private use
    stoa_ui_fonts_destroy(&f);
}

STOA_TEST(kerning_tightens_pairs)
{
    stoa_ui_fonts *f = open_fonts();
    stoa_ui_layout av = lay(f, "AV", 0), ax = lay(f, "AH", 0);
    stoa_ui_glyph_bitmap a;
    CHECK(av.glyph_count == 2 && ax.glyph_count == 2);
    CHECK(stoa_ui_fonts_glyph(f, av.glyphs[0].face, av.glyphs[0].glyph, 28, false, &a) == STOA_OK);
    // "V" tucks under "A" by more than half a pixel; "H" does not.
    CHECK_MSG(av.glyphs[1].x * 64 < a.advance_26_6 - 32, "V at %d px, A advance %d/64",
              av.glyphs[1].x, a.advance_26_6);
    CHECK(ax.glyphs[1].x * 64 >= a.advance_26_6 - 32);
    stoa_ui_layout_fini(&av);
    stoa_ui_layout_fini(&ax);
    stoa_ui_fonts_destroy(&f);
}

STOA_TEST(max_lines_cuts_with_an_ellipsis)
{
    stoa_ui_fonts *f = open_fonts();
    stoa_ui_layout l = {0};
    CHECK(stoa_ui_layout_text(
              f,
              &(stoa_ui_text_desc){.text = "Zeno taught in the painted porch; his students "
                                           "walked and argued there for many, many years.",
                                   .max_width_px = 300,
                                   .max_lines = 2},
              &l, NULL) == STOA_OK);
    CHECK(l.line_count == 2 && l.truncated);
    if (l.line_count == 2) {
        CHECK(line_cp(&l, 1, l.lines[1].count - 1) == 0x2026);
        CHECK(l.lines[1].width <= 300);
    }
    stoa_ui_layout_fini(&l);
    stoa_ui_fonts_destroy(&f);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

STOA_TEST(glyph_cache_serves_the_second_layout)
{
    stoa_ui_fonts *f = open_fonts();
    const char *text = "Virtue is the only good. 德性是唯一的善。 Στωικοί — the Stoics.";
    stoa_ui_cache_stats s0, s1, s2;
    stoa_ui_fonts_cache_stats(f, &s0);
    double t0 = now_s();
    stoa_ui_layout a = lay(f, text, 300);
    double t1 = now_s();
    stoa_ui_fonts_cache_stats(f, &s1);
    stoa_ui_layout b = lay(f, text, 300);
    double t2 = now_s();
    stoa_ui_fonts_cache_stats(f, &s2);
    printf("first layout %.3f ms (%llu misses), second %.3f ms (%llu hits)\n", (t1 - t0) * 1e3,
           (unsigned long long)(s1.misses - s0.misses), (t2 - t1) * 1e3,
           (unsigned long long)(s2.hits - s1.hits));
    CHECK(s0.entries == 0 && s1.misses > 20);
    CHECK(s2.misses == s1.misses); // nothing rasterised again
    CHECK(s2.hits - s1.hits >= b.glyph_count);
    CHECK(a.line_count == b.line_count && a.width == b.width);
    stoa_ui_layout_fini(&a);
    stoa_ui_layout_fini(&b);
    stoa_ui_fonts_destroy(&f);

    // A tiny cache empties itself instead of growing, and layout still works.
    stoa_ui_fonts *small = NULL;
    CHECK(stoa_ui_fonts_create(&(stoa_ui_fonts_desc){.cache_capacity = 8}, &small, NULL) ==
          STOA_OK);
    stoa_ui_layout c = lay(small, text, 300);
    stoa_ui_fonts_cache_stats(small, &s2);
    CHECK(s2.clears > 0 && s2.entries <= 8 && c.line_count >= 2);
    stoa_ui_layout_fini(&c);
    stoa_ui_fonts_destroy(&small);
}

STOA_TEST(missing_fonts_name_the_paths_tried)
{
    stoa_ui_fonts *f = NULL;
    stoa_error err = {0};
    CHECK(stoa_ui_fonts_create(&(stoa_ui_fonts_desc){.font_dir = "/nonexistent-stoa-fonts"}, &f,
                               &err) == STOA_ERROR_NOT_FOUND);
    CHECK(f == NULL);
    CHECK_CONTAINS(err.message, "/nonexistent-stoa-fonts/DejaVuSans.ttf");
    CHECK_CONTAINS(err.message, "STOA_FONT_DIR");

    // The environment override is searched alone: only DejaVu there, so
    // Chinese falls back to the notdef box instead of failing.
    setenv("STOA_FONT_DIR", "/usr/share/fonts/truetype/dejavu", 1);
    CHECK(stoa_ui_fonts_create(NULL, &f, &err) == STOA_OK);
    unsetenv("STOA_FONT_DIR");
    CHECK(stoa_ui_fonts_has_face(f, STOA_UI_FACE_SANS_BOLD));
    CHECK(!stoa_ui_fonts_has_face(f, STOA_UI_FACE_CJK));
    CHECK(stoa_ui_fonts_face_path(f, STOA_UI_FACE_CJK) == NULL);
    stoa_ui_layout l = lay(f, "斯", 0);
    CHECK(l.glyph_count == 1 && l.glyphs[0].glyph == 0);
    stoa_ui_layout_fini(&l);
    stoa_ui_fonts_destroy(&f);
}

STOA_TEST(bad_arguments_are_errors_not_crashes)
{
    stoa_ui_fonts *f = open_fonts();
    stoa_ui_layout l = {0};
    CHECK(stoa_ui_layout_text(NULL, &(stoa_ui_text_desc){.text = "x"}, &l, NULL) ==
          STOA_ERROR_INVALID_ARGUMENT);
    CHECK(stoa_ui_layout_text(f, &(stoa_ui_text_desc){0}, &l, NULL) == STOA_ERROR_INVALID_ARGUMENT);
    CHECK(stoa_ui_layout_text(f, &(stoa_ui_text_desc){.text = "x", .size_px = 5000}, &l, NULL) ==
          STOA_ERROR_INVALID_ARGUMENT);
    CHECK(stoa_ui_layout_text(f, &(stoa_ui_text_desc){.text = "x", .max_width_px = -1}, &l, NULL) ==
          STOA_ERROR_INVALID_ARGUMENT);
    size_t n = STOA_UI_MAX_GLYPHS + 10;
    char *big = malloc(n + 1);
    memset(big, 'a', n);
    big[n] = 0;
    stoa_error err = {0};
    CHECK(stoa_ui_layout_text(f, &(stoa_ui_text_desc){.text = big}, &l, &err) == STOA_ERROR_LIMIT);
    CHECK_CONTAINS(err.message, "longer than");
    free(big);
    CHECK(l.glyphs == NULL && l.lines == NULL);
    l = lay(f, "", 100);
    CHECK(l.line_count == 1 && l.width == 0);
    stoa_ui_layout_fini(&l);
    stoa_ui_layout_fini(NULL);
    stoa_ui_fonts_destroy(&f);
    stoa_ui_fonts_destroy(&f);
    stoa_ui_fonts_destroy(NULL);
}

STOA_TEST_MAIN()
