// SPDX-License-Identifier: Apache-2.0
#include "desktop_hud.h"
#include "stoa_test.h"

STOA_TEST(hud_draws_text_and_progress)
{
    desktop_hud hud;
    CHECK(desktop_hud_init(&hud, 32, 2, 2, true));
    const char *none[] = {""};
    desktop_hud_draw(&hud, none, 1, -1.0f);
    CHECK(desktop_hud_lit_pixels(&hud) == 0);
    const char *lines[] = {"16.67 ms/frame", "orbit"};
    desktop_hud_draw(&hud, lines, 2, -1.0f);
    uint32_t text = desktop_hud_lit_pixels(&hud);
    CHECK(text > 100);
    // Longer text lights more pixels.
    const char *more[] = {"16.67 ms/frame  60 fps", "orbit | all animations"};
    desktop_hud_draw(&hud, more, 2, -1.0f);
    CHECK(desktop_hud_lit_pixels(&hud) > text);
    // A progress bar adds blue pixels in its row (BGRA: blue is byte 0).
    desktop_hud_draw(&hud, lines, 2, 0.5f);
    uint32_t blue = 0;
    for (size_t i = 0; i < (size_t)hud.width * hud.height; i++)
        blue += hud.pixels[i * 4] == 255 && hud.pixels[i * 4 + 2] == 90;
    CHECK(blue > 0);
    desktop_hud_fini(&hud);
}

STOA_TEST_MAIN()
