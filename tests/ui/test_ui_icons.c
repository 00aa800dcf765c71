// SPDX-License-Identifier: Apache-2.0
// Panel icons (assets/icons): loading is bounded and names the bad file; a
// quiz's judged choices and feedback, the raise-my-hand button and a corner
// icon (the teacher's pause) are drawn where the image says, in their tint,
// and not drawn without icons. PNGs go to <build>/tests/ui/ui_icons_*.png.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb_image_write.h>

#include "stoa_test.h"
#include "ui/stoa_ui.h"

static stoa_ui_icons *load_icons(void)
{
    char dir[1024];
    const char *src = getenv("STOA_SOURCE_DIR");
    snprintf(dir, sizeof dir, "%s/assets/icons", src ? src : ".");
    stoa_ui_icons *icons = NULL;
    stoa_error err = {0};
    CHECK_MSG(stoa_ui_icons_load(dir, &icons, &err) == STOA_OK, "%s", err.message);
    return icons;
}

static void write_png(const char *name, const stoa_ui_panel_image *img)
{
    size_t n = (size_t)img->width * (size_t)img->height;
    uint8_t *straight = malloc(n * 4);
    memcpy(straight, img->rgba, n * 4);
    stoa_ui_unpremultiply(straight, n);
    char path[1024];
    const char *dir = getenv("STOA_BUILD_DIR");
    snprintf(path, sizeof path, "%s/tests/ui/ui_icons_%s.png", dir ? dir : ".", name);
    CHECK_MSG(stbi_write_png(path, img->width, img->height, 4, straight, img->width * 4), "%s",
              path);
    free(straight);
}

// Pixels inside r that are near `rgb` (straight) and mostly opaque.
static int tinted(const stoa_ui_panel_image *img, stoa_ui_rect r, uint32_t rgba)
{
    int n = 0;
    for (int y = r.y; y < r.y + r.h; y++)
        for (int x = r.x; x < r.x + r.w; x++) {
            if (x < 0 || y < 0 || x >= img->width || y >= img->height)
                continue;
            const uint8_t *p = img->rgba + ((size_t)y * (size_t)img->width + (size_t)x) * 4;
            if (p[3] < 200)
                continue;
            int d = 0;
            for (int k = 0; k < 3; k++) {
                int want = (int)((rgba >> (24 - 8 * k)) & 0xFF) * p[3] / 255; // premultiplied
                d += abs(p[k] - want);
            }
            n += d < 60;
        }
    return n;
}

static int find(const stoa_ui_panel_image *img, stoa_ui_icon_id id, stoa_ui_rect *out)
{
    int count = 0;
    for (int i = 0; i < img->icon_count; i++)
        if (img->icon_ids[i] == id) {
            *out = img->icon_rects[i];
            count++;
        }
    return count;
}

STOA_TEST(icons_load_bounded_and_named)
{
    stoa_ui_icons *icons = load_icons();
    for (int id = STOA_UI_ICON_PLAY; id < STOA_UI_ICON_COUNT; id++)
        CHECK_MSG(stoa_ui_icons_has(icons, (stoa_ui_icon_id)id), "%s", stoa_ui_icon_name(id));
    CHECK(!stoa_ui_icons_has(icons, STOA_UI_ICON_NONE));
    CHECK_STR(stoa_ui_icon_name(STOA_UI_ICON_HAND), "hand");
    stoa_ui_icons_destroy(&icons);
    CHECK(icons == NULL);

    stoa_error err = {0};
    CHECK(stoa_ui_icons_load("/nonexistent-stoa-icons", &icons, &err) == STOA_ERROR_NOT_FOUND);
    CHECK_CONTAINS(err.message, "/nonexistent-stoa-icons/play.png");
    CHECK(icons == NULL);

    // Too large in pixels, and not a PNG: each named.
    int len = 0;
    uint8_t *px = calloc(300 * 300, 4);
    unsigned char *png = stbi_write_png_to_mem(px, 300 * 4, 300, 300, 4, &len);
    uint8_t *rgba = NULL;
    int w = 0, h = 0;
    CHECK(stoa_ui_icon_decode(png, (size_t)len, "big.png", &rgba, &w, &h, &err) ==
          STOA_ERROR_LIMIT);
    CHECK_CONTAINS(err.message, "big.png");
    CHECK(rgba == NULL);
    STBIW_FREE(png);
    png = stbi_write_png_to_mem(px, 16 * 4, 16, 16, 4, &len);
    stoa_result cut = stoa_ui_icon_decode(png, (size_t)len - 20, "cut.png", &rgba, &w, &h, &err);
    CHECK_MSG(cut == STOA_ERROR_PARSE, "%d %s", cut, err.message);
    CHECK_CONTAINS(err.message, "cut.png");
    CHECK(stoa_ui_icon_decode((const uint8_t *)"GIF89a", 6, "x.gif", &rgba, &w, &h, &err) ==
          STOA_ERROR_PARSE);
    CHECK(stoa_ui_icon_decode(png, (size_t)len, "ok.png", &rgba, &w, &h, &err) == STOA_OK);
    CHECK(w == 16 && h == 16 && rgba);
    free(rgba);
    STBIW_FREE(png);
    free(px);
}

STOA_TEST(quiz_feedback_shows_right_and_wrong_icons)
{
    stoa_ui_fonts *f = NULL;
    CHECK(stoa_ui_fonts_create(NULL, &f, NULL) == STOA_OK);
    stoa_ui_icons *icons = load_icons();
    stoa_ui_theme t = stoa_ui_theme_default();
    stoa_ui_panel_desc d = {
        .title = "Quiz",
        .body = "Why does the bridge have four small arches?",
        .choices = {"Less weight, and flood water passes", "Decoration", "To hold the railing"},
        .choice_count = 3,
        .choice_states = {STOA_UI_CHOICE_CORRECT, STOA_UI_CHOICE_WRONG},
        .footer = "Right: lighter, and the flood goes through.",
        .footer_tone = STOA_UI_TONE_POSITIVE,
        .icons = icons};
    stoa_ui_panel_image img = {0}, plain = {0}, open = {0};
    CHECK(stoa_ui_panel_render(f, &d, &img, NULL) == STOA_OK);
    write_png("quiz", &img);
    stoa_ui_rect right, wrong;
    CHECK(find(&img, STOA_UI_ICON_RIGHT, &right) == 2); // the right choice's mark + the footer
    CHECK(find(&img, STOA_UI_ICON_WRONG, &wrong) == 1);
    // The wrong mark sits at the right end of choice B, in the negative tint.
    stoa_ui_rect b = img.choice_rects[1];
    CHECK(wrong.x > b.x + b.w / 2 && wrong.x + wrong.w <= b.x + b.w && wrong.y >= b.y &&
          wrong.y + wrong.h <= b.y + b.h);
    int red = tinted(&img, wrong, t.negative);
    CHECK_MSG(red > wrong.w * wrong.h / 20, "%d red pixels in the cross", red);
    CHECK(tinted(&img, wrong, t.positive) == 0);
    // The footer's icon (the last right one) is green, left of the footer text.
    CHECK(right.x == 36 && right.y > b.y + b.h);
    int green = tinted(&img, right, t.positive);
    CHECK_MSG(green > right.w * right.h / 20, "%d green pixels in the tick", green);

    // Without icons: glyph marks, nothing recorded; the cross's box holds
    // far fewer red pixels than the icon (a thin glyph).
    d.icons = NULL;
    CHECK(stoa_ui_panel_render(f, &d, &plain, NULL) == STOA_OK);
    CHECK(plain.icon_count == 0);
    // Not answered yet: no right/wrong icon.
    d.icons = icons;
    d.choice_states[0] = d.choice_states[1] = STOA_UI_CHOICE_NORMAL;
    d.footer = NULL;
    CHECK(stoa_ui_panel_render(f, &d, &open, NULL) == STOA_OK);
    CHECK(open.icon_count == 0);
    CHECK(tinted(&open, wrong, t.negative) == 0);
    stoa_ui_panel_image_fini(&img);
    stoa_ui_panel_image_fini(&plain);
    stoa_ui_panel_image_fini(&open);
    stoa_ui_icons_destroy(&icons);
    stoa_ui_fonts_destroy(&f);
}

STOA_TEST(hand_button_and_pause_corner)
{
    stoa_ui_fonts *f = NULL;
    CHECK(stoa_ui_fonts_create(NULL, &f, NULL) == STOA_OK);
    stoa_ui_icons *icons = load_icons();
    stoa_ui_theme t = stoa_ui_theme_default();
    stoa_ui_panel_image hand = {0}, pause = {0}, none = {0};
    CHECK(stoa_ui_panel_render(f,
                               &(stoa_ui_panel_desc){.choices = {"Raise my hand"},
                                                     .choice_count = 1,
                                                     .width_px = 450,
                                                     .icons = icons,
                                                     .choice_icons = {STOA_UI_ICON_HAND}},
                               &hand, NULL) == STOA_OK);
    write_png("hand", &hand);
    stoa_ui_rect r;
    CHECK(find(&hand, STOA_UI_ICON_HAND, &r) == 1 && hand.icon_count == 1);
    stoa_ui_rect c = hand.choice_rects[0];
    CHECK(r.x > c.x && r.x + r.w < c.x + c.w / 3 && r.y > c.y && r.y + r.h < c.y + c.h);
    int ink = tinted(&hand, r, t.text);
    CHECK_MSG(ink > r.w * r.h / 20, "%d pixels in the hand", ink);

    stoa_ui_panel_desc pd = {
        .body = "Look at the teacher", .icons = icons, .icon = STOA_UI_ICON_PAUSE};
    CHECK(stoa_ui_panel_render(f, &pd, &pause, NULL) == STOA_OK);
    write_png("pause", &pause);
    CHECK(find(&pause, STOA_UI_ICON_PAUSE, &r) == 1);
    CHECK(r.x + r.w == pause.width - 36 && r.y == 36 && pause.height >= 36 * 2 + r.h);
    int gold = tinted(&pause, r, t.accent);
    CHECK_MSG(gold > r.w * r.h / 10, "%d gold pixels in the pause icon", gold);
    // The pause sign's two bars leave a gap down the middle.
    stoa_ui_rect mid = {r.x + r.w / 2 - 1, r.y + r.h / 3, 2, r.h / 3};
    CHECK(tinted(&pause, mid, t.accent) == 0);
    // The body wraps before the icon.
    CHECK(pause.body_rect.x + pause.body_rect.w <= r.x);
    pd.icon = STOA_UI_ICON_NONE;
    CHECK(stoa_ui_panel_render(f, &pd, &none, NULL) == STOA_OK);
    CHECK(none.icon_count == 0 && tinted(&none, r, t.accent) == 0);
    stoa_ui_panel_image_fini(&hand);
    stoa_ui_panel_image_fini(&pause);
    stoa_ui_panel_image_fini(&none);
    stoa_ui_icons_destroy(&icons);
    stoa_ui_fonts_destroy(&f);
}

STOA_TEST_MAIN()
