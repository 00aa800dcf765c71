// SPDX-License-Identifier: Apache-2.0
// hud_find PICTURE.png SIZE_PX X0 Y0 X1 Y1 TEXT...
// Looks for each TEXT, as the panels' renderer draws it at SIZE_PX, in a
// screenshot's HUD (top-left corners searched in [X0,X1) x [Y0,Y1)) and
// prints one line per text: "score S at X Y size W H: TEXT". Exit 0; 1 on a bad
// argument or picture; 77 (skipped) when the Chinese face is missing.
#include <stdio.h>
#include <stdlib.h>

#include "core/stoa_file.h"
#include "core/stoa_png.h"
#include "hud_match.h"

int main(int argc, char **argv)
{
    if (argc < 8) {
        fprintf(stderr, "usage: hud_find PICTURE.png SIZE_PX X0 Y0 X1 Y1 TEXT...\n");
        return 1;
    }
    stoa_ui_fonts *fonts = NULL;
    stoa_error err = {0};
    if (stoa_ui_fonts_create(NULL, &fonts, &err) < 0) {
        fprintf(stderr, "hud_find: %s\n", err.message);
        return 1;
    }
    if (!stoa_ui_fonts_has_face(fonts, STOA_UI_FACE_CJK)) {
        printf("skipped: no Chinese font (wqy-microhei)\n");
        stoa_ui_fonts_destroy(&fonts);
        return 77;
    }
    uint8_t *bytes = NULL, *rgba = NULL;
    size_t size = 0;
    uint32_t w = 0, h = 0;
    char why[200] = "";
    if (stoa_file_read(argv[1], 64u << 20, &bytes, &size, &err) < 0 ||
        stoa_png_decode(bytes, size, (stoa_png_limits){.max_dim = 8192}, &rgba, &w, &h, why,
                        sizeof why) != STOA_PNG_OK) {
        fprintf(stderr, "hud_find: cannot read %s: %s%s\n", argv[1], err.message, why);
        free(bytes);
        stoa_ui_fonts_destroy(&fonts);
        return 1;
    }
    int px = atoi(argv[2]), x0 = atoi(argv[3]), y0 = atoi(argv[4]), x1 = atoi(argv[5]),
        y1 = atoi(argv[6]);
    int rc = 0;
    for (int i = 7; i < argc; i++) {
        hud_template t;
        if (!hud_template_make(fonts, argv[i], px, &t)) {
            fprintf(stderr, "hud_find: cannot rasterise '%s'\n", argv[i]);
            rc = 1;
            continue;
        }
        hud_match m = hud_match_find(&t, rgba, 4, (int)w, (int)h, x0, y0, x1, y1);
        printf("score %.3f at %d %d size %d %d: %s\n", m.score, m.x, m.y, t.width, t.height,
               argv[i]);
        hud_template_fini(&t);
    }
    free(rgba);
    free(bytes);
    stoa_ui_fonts_destroy(&fonts);
    return rc;
}
