// SPDX-License-Identifier: Apache-2.0
// The HUD's bitmap: rows of text on a box sized to them, a progress bar,
// and Chinese drawn as the panels' renderer draws it (it used to be an
// ASCII-only font that turned each UTF-8 byte into a wrong glyph).
#include <stdio.h>
#include <string.h>

#include "desktop_hud.h"
#include "hud_match.h"
#include "stoa_test.h"

STOA_TEST(hud_draws_text_and_progress)
{
    desktop_hud hud;
    CHECK(desktop_hud_init(&hud, 32, 2, 14, true));
    CHECK(hud.fonts != NULL);
    const char *none[] = {""};
    desktop_hud_draw(&hud, none, 1, -1.0f, 0);
    CHECK(desktop_hud_lit_pixels(&hud) == 0);
    const char *lines[] = {"16.67 ms/frame", "orbit"};
    desktop_hud_draw(&hud, lines, 2, -1.0f, 0);
    uint32_t text = desktop_hud_lit_pixels(&hud);
    CHECK(text > 50);
    // The box shown is as wide as the text and two rows high.
    uint32_t w = hud.used_width, h = hud.used_height;
    CHECK(w > 60 && w < hud.width);
    CHECK(h == 2 * (uint32_t)hud.pitch + 2 * (uint32_t)hud.pad);
    // Longer text lights more pixels, in a wider box.
    const char *more[] = {"16.67 ms/frame  60 fps", "orbit | all animations"};
    desktop_hud_draw(&hud, more, 2, -1.0f, 0);
    CHECK(desktop_hud_lit_pixels(&hud) > text);
    CHECK(hud.used_width > w);
    // A row wider than the window ends inside it.
    const char *wide[] = {"drag: look  wheel: zoom  tab: fly  space: pause  n: anim  f: frame"};
    desktop_hud_draw(&hud, wide, 1, -1.0f, 120);
    CHECK(hud.used_width <= 120 && hud.used_width > 60);
    // A progress bar adds blue pixels under the text (BGRA: blue is byte 0).
    desktop_hud_draw(&hud, lines, 2, 0.5f, 0);
    uint32_t blue = 0;
    for (size_t i = 0; i < (size_t)hud.width * hud.used_height; i++)
        blue += hud.pixels[i * 4] == 255 && hud.pixels[i * 4 + 2] == 90;
    CHECK(blue > 0);
    desktop_hud_fini(&hud);
}

// Where `text` is found in the HUD's bitmap after drawing `rows`.
static hud_match find(desktop_hud *hud, const char *const *rows, uint32_t n, const char *text)
{
    desktop_hud_draw(hud, rows, n, -1.0f, 0);
    hud_template t;
    CHECK(hud_template_make(hud->fonts, text, hud->size_px, &t));
    // A row's ink starts near the left margin (after any leading spaces).
    hud_match m = hud_match_find(&t, hud->pixels, 4, (int)hud->width, (int)hud->used_height, 0, 0,
                                 2 * hud->size_px, (int)hud->used_height);
    hud_template_fini(&t);
    printf("'%s': score %.3f at %d %d\n", text, m.score, m.x, m.y);
    return m;
}

STOA_TEST(hud_draws_chinese_as_the_panels_do)
{
    desktop_hud hud;
    CHECK(desktop_hud_init(&hud, 60, 4, 14, false));
    CHECK(stoa_ui_fonts_has_face(hud.fonts, STOA_UI_FACE_CJK));
    // zeno-zh.yaml's state and trigger rows, as play_author.c writes them.
    const char *rows[] = {"lesson agora.zeno-zh  (watching the file)",
                          "state: 芝诺  (3.2 s)  score 0.0", "   select Statue -> 名字"};
    hud_match m = find(&hud, rows, 3, "state: 芝诺");
    CHECK_MSG(m.score > 0.9f, "score %.3f", m.score);
    // Row 1, at the left margin.
    CHECK(m.x >= hud.pad - 1 && m.x <= hud.pad + 2);
    CHECK(m.y > hud.pad + hud.pitch - 2 && m.y < hud.pad + 2 * hud.pitch);
    m = find(&hud, rows, 3, "   select Statue -> 名字"); // from the row's start: same subpixels
    CHECK_MSG(m.score > 0.9f, "score %.3f", m.score);
    // The match tells names apart: another state's name in the same place scores low.
    const char *other[] = {"lesson agora.zeno-zh  (watching the file)", "state: 结束  (3.2 s)"};
    m = find(&hud, other, 2, "state: 芝诺");
    CHECK_MSG(m.score < 0.75f, "score %.3f", m.score);
    // Greek too (the stoa's inscription).
    const char *greek[] = {"var στοά = 1"};
    m = find(&hud, greek, 1, "var στοά = 1");
    CHECK_MSG(m.score > 0.9f, "score %.3f", m.score);
    desktop_hud_fini(&hud);
}

STOA_TEST_MAIN()
