// SPDX-License-Identifier: Apache-2.0
// Panels over the real room (docs/ar.md, "Panels"): the theme's slate
// background is 92% opaque, which over a dark virtual scene reads well but
// over a bright classroom lets windows and whiteboards show through the
// text. In AR each panel picture is put on a black backing plate of its own
// shape: coverage of half or more becomes fully opaque, the anti-aliased rim
// keeps a soft (doubled) edge. The colours stay as drawn (premultiplied:
// "over black" adds nothing), so the light text keeps its ~14:1 contrast
// whatever is behind. (ADDITIVE displays cannot show black: there only the
// text's light reaches the eye.)
#include <stddef.h>
#include <stdint.h>

#include "run_ar.h"
#include "ui/stoa_ui.h"

void run_ar_panel_plate(struct stoa_ui_panel_image *img)
{
    if (!img || !img->rgba)
        return;
    size_t n = (size_t)img->width * (size_t)img->height;
    for (size_t i = 0; i < n; i++) {
        uint8_t *p = img->rgba + i * 4;
        unsigned a = p[3] * 2u;
        p[3] = (uint8_t)(a > 255 ? 255 : a);
    }
}
