// SPDX-License-Identifier: Apache-2.0
// Panels and subtitle strips rendered to images, checked by measurement, and
// written as PNGs to <build>/tests/ui/ (ui_*.png: the texture with straight
// alpha; ui_*_preview.png: the same over a scene-like backdrop, for people).
#include <stdlib.h>
#include <string.h>

#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb_image_write.h>

#include "stoa_test.h"
#include "ui/stoa_ui.h"

static stoa_ui_fonts *open_fonts(void)
{
    stoa_ui_fonts *f = NULL;
    stoa_error err = {0};
    stoa_result r = stoa_ui_fonts_create(NULL, &f, &err);
    CHECK_MSG(r == STOA_OK, "%s", err.message);
    return f;
}

static void out_path(char *buf, size_t size, const char *name)
{
    const char *dir = getenv("STOA_BUILD_DIR");
    snprintf(buf, size, "%s/tests/ui/%s", dir ? dir : ".", name);
}

// Writes the texture (straight alpha) and a preview composited over a
// blue-grey gradient, which is roughly what a learner sees behind it.
static void write_pngs(const char *name, const stoa_ui_panel_image *img)
{
    size_t n = (size_t)img->width * (size_t)img->height;
    int margin = 24, pw = img->width + 2 * margin, ph = img->height + 2 * margin;
    uint8_t *straight = malloc(n * 4), *preview = malloc((size_t)pw * (size_t)ph * 3);
    memcpy(straight, img->rgba, n * 4);
    stoa_ui_unpremultiply(straight, n);
    char path[1024], file[256];
    snprintf(file, sizeof file, "ui_%s.png", name);
    out_path(path, sizeof path, file);
    CHECK_MSG(stbi_write_png(path, img->width, img->height, 4, straight, img->width * 4), "%s",
              path);
    for (int y = 0; y < ph; y++)
        for (int x = 0; x < pw; x++) {
            uint8_t *o = preview + ((size_t)y * (size_t)pw + (size_t)x) * 3;
            float t = (float)y / (float)ph;
            float bg[3] = {120 + 60 * t, 140 + 40 * t, 160 - 20 * t};
            int ix = x - margin, iy = y - margin;
            const uint8_t *s = NULL;
            if (ix >= 0 && iy >= 0 && ix < img->width && iy < img->height)
                s = img->rgba + ((size_t)iy * (size_t)img->width + (size_t)ix) * 4;
            for (int k = 0; k < 3; k++) // premultiplied "over"
                o[k] = (uint8_t)(s ? s[k] + bg[k] * (1 - s[3] / 255.0f) : bg[k]);
        }
    snprintf(file, sizeof file, "ui_%s_preview.png", name);
    out_path(path, sizeof path, file);
    CHECK_MSG(stbi_write_png(path, pw, ph, 3, preview, pw * 3), "%s", path);
    free(straight);
    free(preview);
}

// Pixels in r brighter than the panel background: text ink.
static int ink_pixels(const stoa_ui_panel_image *img, stoa_ui_rect r)
{
    int n = 0;
    for (int y = r.y; y < r.y + r.h && y < img->height; y++)
        for (int x = r.x; x < r.x + r.w && x < img->width; x++)
            n += img->rgba[((size_t)y * (size_t)img->width + (size_t)x) * 4] > 128;
    return n;
}

static long rect_diff(const stoa_ui_panel_image *a, const stoa_ui_panel_image *b, stoa_ui_rect r)
{
    long d = 0;
    for (int y = r.y; y < r.y + r.h; y++)
        for (int x = r.x; x < r.x + r.w; x++)
            for (int k = 0; k < 4; k++) {
                size_t i = ((size_t)y * (size_t)a->width + (size_t)x) * 4 + (size_t)k;
                d += labs((long)a->rgba[i] - (long)b->rgba[i]);
            }
    return d;
}

static const stoa_ui_panel_desc english = {
    .title = "The Painted Stoa",
    .body = "In the Agora of Athens stood the Stoa Poikile, a long colonnade decorated with "
            "paintings of famous battles. Around 300 BC, Zeno of Citium taught there, and his "
            "followers became known as the Stoics.\nWhy are they called Stoics?",
    .choices = {"Because they taught in a stoa", "Because they were stoic in battle",
                "After a king named Stoikos", "Because they painted porches"},
    .choice_count = 4,
    .choice_states = {STOA_UI_CHOICE_CORRECT, STOA_UI_CHOICE_NORMAL, STOA_UI_CHOICE_WRONG,
                      STOA_UI_CHOICE_HOVERED},
    .footer = "Correct! The Stoa Poikile gave the school its name.",
    .footer_tone = STOA_UI_TONE_POSITIVE,
};

static const stoa_ui_panel_desc chinese = {
    .title = "斯多亚学派",
    .body = "斯多亚学派因芝诺在画廊讲学而得名。",
    .choices = {"因为他们在柱廊讲学", "因为他们在战场上很坚忍", "以一位国王的名字命名"},
    .choice_count = 3,
    .choice_states = {STOA_UI_CHOICE_SELECTED},
    .footer = "请选择一个答案。",
};

STOA_TEST(english_panel_shows_text_and_has_quad_size)
{
    stoa_ui_fonts *f = open_fonts();
    stoa_ui_panel_image img = {0};
    stoa_error err = {0};
    CHECK_MSG(stoa_ui_panel_render(f, &english, &img, &err) == STOA_OK, "%s", err.message);
    CHECK(img.width == 800 && img.height > 300 && img.height < 1400);
    CHECK_NEAR(img.width_m, 0.8, 1e-6);
    CHECK_NEAR(img.height_m, img.height / 1000.0, 1e-6);
    stoa_ui_rect b = img.body_rect;
    CHECK(b.x >= 0 && b.y > 40 && b.w <= 800 - 2 * 36 && b.h >= 5 * 30);
    int ink = ink_pixels(&img, b);
    CHECK_MSG(ink > b.w * b.h / 30 && ink < b.w * b.h / 3, "ink %d in %dx%d", ink, b.w, b.h);
    // Above the title: padding only, no ink; the corner is cut round.
    CHECK(ink_pixels(&img, (stoa_ui_rect){36, 4, 700, 20}) == 0);
    CHECK(img.rgba[3] == 0);
    size_t mid = ((size_t)(img.height / 2) * 800 + 10) * 4;
    CHECK(img.rgba[mid + 3] > 200); // dark translucent background
    CHECK(img.rgba[mid] < 40);
    write_pngs("panel_en", &img);
    stoa_ui_panel_image_fini(&img);
    CHECK(img.rgba == NULL);
    stoa_ui_fonts_destroy(&f);
}

STOA_TEST(chinese_panel_draws_real_glyphs)
{
    stoa_ui_fonts *f = open_fonts();
    stoa_ui_panel_image img = {0};
    stoa_error err = {0};
    CHECK_MSG(stoa_ui_panel_render(f, &chinese, &img, &err) == STOA_OK, "%s", err.message);
    CHECK(ink_pixels(&img, img.body_rect) > img.body_rect.w * img.body_rect.h / 25);
    write_pngs("panel_zh", &img);
    stoa_ui_panel_image_fini(&img);

    // Every character has a real glyph in the CJK face, and none of them
    // rasterises like the notdef box of either face.
    stoa_ui_layout l = {0};
    CHECK(stoa_ui_layout_text(f, &(stoa_ui_text_desc){.text = chinese.body}, &l, NULL) == STOA_OK);
    stoa_ui_glyph_bitmap box_cjk, box_sans;
    CHECK(stoa_ui_fonts_glyph(f, STOA_UI_FACE_CJK, 0, 28, false, &box_cjk) == STOA_OK);
    long box_cjk_ink = 0;
    for (int i = 0; i < box_cjk.width * box_cjk.height; i++)
        box_cjk_ink += box_cjk.coverage[i];
    CHECK(stoa_ui_fonts_glyph(f, STOA_UI_FACE_SANS, 0, 28, false, &box_sans) == STOA_OK);
    long inks[32] = {0}, min_ink = 1L << 30, max_ink = 0;
    for (uint32_t i = 0; i < l.glyph_count && i < 32; i++) {
        const stoa_ui_glyph *g = &l.glyphs[i];
        CHECK(g->face == STOA_UI_FACE_CJK && g->glyph != 0);
        stoa_ui_glyph_bitmap bm;
        CHECK(stoa_ui_fonts_glyph(f, g->face, g->glyph, 28, false, &bm) == STOA_OK);
        for (int p = 0; p < bm.width * bm.height; p++)
            inks[i] += bm.coverage[p];
        if (g->codepoint == 0x3002)
            continue; // 。 is small by design
        CHECK(inks[i] != box_cjk_ink);
        min_ink = inks[i] < min_ink ? inks[i] : min_ink;
        max_ink = inks[i] > max_ink ? inks[i] : max_ink;
    }
    // Boxes would all carry the same ink; real characters differ a lot (学 vs 画).
    CHECK_MSG(max_ink > min_ink * 3 / 2, "ink %ld..%ld", min_ink, max_ink);
    stoa_ui_layout_fini(&l);
    stoa_ui_fonts_destroy(&f);
}

STOA_TEST(choices_do_not_overlap_and_hit_test_maps_uvs)
{
    stoa_ui_fonts *f = open_fonts();
    stoa_ui_panel_image img = {0};
    CHECK(stoa_ui_panel_render(f, &english, &img, NULL) == STOA_OK);
    CHECK(img.choice_count == 4);
    for (int i = 0; i < img.choice_count; i++) {
        stoa_ui_rect r = img.choice_rects[i];
        CHECK(r.x >= 0 && r.y >= 0 && r.x + r.w <= img.width && r.y + r.h <= img.height);
        CHECK(r.h >= 48 && r.w > 600);
        CHECK(r.y >= img.body_rect.y + img.body_rect.h);
        if (i > 0)
            CHECK(r.y >= img.choice_rects[i - 1].y + img.choice_rects[i - 1].h + 8);
        stoa_ui_uv_rect uv = img.choice_uvs[i];
        CHECK_NEAR(uv.u0, (double)r.x / img.width, 1e-6);
        CHECK_NEAR(uv.v1, (double)(r.y + r.h) / img.height, 1e-6);
        CHECK(stoa_ui_panel_hit_test(&img, (uv.u0 + uv.u1) / 2, (uv.v0 + uv.v1) / 2) == i);
        CHECK(stoa_ui_panel_hit_test(&img, uv.u0 + 0.001f, uv.v0 + 0.001f) == i);
        // Just above each button: the gap or the body, never a choice.
        CHECK(stoa_ui_panel_hit_test(&img, 0.5f, uv.v0 - 2.0f / img.height) == -1);
    }
    CHECK(stoa_ui_panel_hit_test(&img, 0.5f, 0.05f) == -1);
    CHECK(stoa_ui_panel_hit_test(&img, 0.01f, 0.5f) == -1);
    CHECK(stoa_ui_panel_hit_test(&img, -0.2f, 0.8f) == -1);
    CHECK(stoa_ui_panel_hit_test(&img, 0.5f, 1.5f) == -1);
    CHECK(stoa_ui_panel_hit_test(&img, 0.0f / 0.0f, 0.5f) == -1);
    CHECK(stoa_ui_panel_hit_test(NULL, 0.5f, 0.5f) == -1);
    stoa_ui_panel_image_fini(&img);
    stoa_ui_fonts_destroy(&f);
}

STOA_TEST(choice_states_change_only_their_button)
{
    stoa_ui_fonts *f = open_fonts();
    stoa_ui_panel_image imgs[5] = {{0}};
    for (int s = 0; s < 5; s++) {
        stoa_ui_panel_desc d = english;
        memset(d.choice_states, 0, sizeof d.choice_states);
        d.choice_states[1] = (stoa_ui_choice_state)s;
        d.footer = "Not quite: think about where Zeno taught.";
        d.footer_tone = STOA_UI_TONE_NEGATIVE;
        CHECK(stoa_ui_panel_render(f, &d, &imgs[s], NULL) == STOA_OK);
    }
    stoa_ui_rect r1 = imgs[0].choice_rects[1], r0 = imgs[0].choice_rects[0];
    // The top border row and a fill row near the bottom, right of the text:
    // the button itself must change, not only its badge or mark.
    stoa_ui_rect border = {r1.x + 40, r1.y + 1, r1.w - 80, 1};
    stoa_ui_rect fill = {r1.x + r1.w / 2, r1.y + r1.h - 7, r1.w / 2 - 60, 1};
    for (int a = 0; a < 5; a++) {
        CHECK(imgs[a].height == imgs[0].height);
        CHECK(rect_diff(&imgs[a], &imgs[0], r0) == 0);
        for (int b = a + 1; b < 5; b++) { // every state looks different from every other
            CHECK_MSG(rect_diff(&imgs[a], &imgs[b], r1) > (long)r1.w * r1.h / 4,
                      "states %d and %d: %ld", a, b, rect_diff(&imgs[a], &imgs[b], r1));
            CHECK_MSG(rect_diff(&imgs[a], &imgs[b], border) > 20L * border.w,
                      "states %d and %d share a border colour", a, b);
            CHECK_MSG(rect_diff(&imgs[a], &imgs[b], fill) > 8L * fill.w,
                      "states %d and %d share a fill colour", a, b);
        }
    }
    write_pngs("states_wrong", &imgs[STOA_UI_CHOICE_WRONG]);
    for (int s = 0; s < 5; s++)
        stoa_ui_panel_image_fini(&imgs[s]);
    stoa_ui_fonts_destroy(&f);
}

STOA_TEST(subtitle_label_is_a_short_strip)
{
    stoa_ui_fonts *f = open_fonts();
    stoa_ui_panel_image one = {0}, two = {0}, zh = {0};
    CHECK(stoa_ui_label_render(f, &(stoa_ui_label_desc){.text = "Welcome to the Agora."}, &one,
                               NULL) == STOA_OK);
    CHECK(one.width < 600 && one.height < 80 && one.choice_count == 0);
    CHECK(ink_pixels(&one, one.body_rect) > 200);
    CHECK(stoa_ui_label_render(
              f,
              &(stoa_ui_label_desc){
                  .text = "Zeno of Citium taught here, under the paintings of the Painted "
                          "Porch, and his students walked and argued in this colonnade for "
                          "many years after him; the school outlived its founder by centuries."},
              &two, NULL) == STOA_OK);
    CHECK(two.width <= 1000 && two.height > one.height + 25 && two.height < 2 * one.height + 10);
    CHECK(stoa_ui_label_render(f,
                               &(stoa_ui_label_desc){.text = "斯多亚学派因芝诺在画廊讲学而得名。"},
                               &zh, NULL) == STOA_OK);
    CHECK(ink_pixels(&zh, zh.body_rect) > 500);
    write_pngs("label_en", &two);
    write_pngs("label_zh", &zh);
    stoa_ui_panel_image_fini(&one);
    stoa_ui_panel_image_fini(&two);
    stoa_ui_panel_image_fini(&zh);
    stoa_ui_fonts_destroy(&f);
}

STOA_TEST(panel_sizes_and_bad_input)
{
    stoa_ui_fonts *f = open_fonts();
    stoa_ui_panel_image img = {0};
    stoa_error err = {0};
    CHECK(stoa_ui_panel_render(f, &(stoa_ui_panel_desc){.body = "x", .px_per_m = 500}, &img,
                               NULL) == STOA_OK);
    CHECK_NEAR(img.width_m, 1.6, 1e-6);
    stoa_ui_panel_image_fini(&img);
    CHECK(stoa_ui_panel_render(f, &(stoa_ui_panel_desc){.choice_count = STOA_UI_MAX_CHOICES + 1}, &img, &err) ==
          STOA_ERROR_INVALID_ARGUMENT);
    CHECK(stoa_ui_panel_render(f, &(stoa_ui_panel_desc){.width_px = 50}, &img, NULL) ==
          STOA_ERROR_INVALID_ARGUMENT);
    CHECK(stoa_ui_panel_render(NULL, &english, &img, NULL) == STOA_ERROR_INVALID_ARGUMENT);
    CHECK(img.rgba == NULL);
    // Missing choice text and out-of-range states draw as empty, normal buttons.
    CHECK(stoa_ui_panel_render(f,
                               &(stoa_ui_panel_desc){.choice_count = 2, .choice_states = {99, -3}},
                               &img, NULL) == STOA_OK);
    CHECK(img.choice_count == 2);
    stoa_ui_panel_image_fini(&img);
    // A body too long for any panel is a limit error, not a 40 000 px image.
    size_t n = 15000;
    char *big = malloc(n + 1);
    for (size_t i = 0; i < n; i++)
        big[i] = i % 6 == 5 ? ' ' : 'w';
    big[n] = 0;
    CHECK(stoa_ui_panel_render(f, &(stoa_ui_panel_desc){.body = big}, &img, &err) ==
          STOA_ERROR_LIMIT);
    CHECK_CONTAINS(err.message, "px tall");
    CHECK(img.rgba == NULL);
    free(big);
    stoa_ui_fonts_destroy(&f);
}

STOA_TEST_MAIN()
