// SPDX-License-Identifier: Apache-2.0
// The fonts Stoa draws panels with, for `stoa doctor`: the files it loads
// for Latin (and Greek) text and for Chinese, and what fontconfig offers for
// each, with the FreeType and fontconfig versions.
#pragma once

#include <stdbool.h>

typedef struct stoa_ui_font_probe {
    char latin[1024];        // the file Stoa loads for Latin text ("" = none: no panel can draw)
    char cjk[1024];          // the file for Chinese ("" = boxes instead)
    char error[1024];        // why latin is empty
    char freetype_version[32];
    char fontconfig_version[32];
} stoa_ui_font_probe;

// Always fills out; returns whether Latin text can be drawn.
bool stoa_ui_probe_fonts(stoa_ui_font_probe *out);
