// SPDX-License-Identifier: Apache-2.0
// Finds a text in a picture of the HUD: the text is rasterised by the
// panels' renderer (runtime/ui's public layout and glyph API, not the HUD's
// code) into a coverage template, and slid over a region of the picture,
// whose ink is read from the green channel between the HUD's box and text
// colours. The score is the weighted Jaccard index of the two coverages
// (1: the same pixels; a different font or wrong glyphs score far lower).
// Used by test_hud (the bitmap) and hud_find (a screenshot).
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "ui/stoa_ui.h"

typedef struct hud_template {
    int width, height; // the ink's bounding box
    float *coverage;   // width*height, 0..1, owned (hud_template_fini)
} hud_template;

bool hud_template_make(stoa_ui_fonts *fonts, const char *text, int size_px, hud_template *out);
void hud_template_fini(hud_template *t);

typedef struct hud_match {
    int x, y;    // the template's top-left in the picture
    float score; // 0..1
} hud_match;

// pixels: width x height, `channels` bytes a pixel (3 or 4), green at +1.
// Searches top-left corners in [x0, x1) x [y0, y1).
hud_match hud_match_find(const hud_template *t, const uint8_t *pixels, int channels, int width,
                         int height, int x0, int y0, int x1, int y1);
