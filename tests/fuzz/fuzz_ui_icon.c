// SPDX-License-Identifier: Apache-2.0
// libFuzzer harness for panel icons: decode a PNG (bounded: size, pixels)
// and draw it on a panel's corner, under ASan and UBSan. The replay test
// (tests/ui) runs the shipped icons in assets/icons with mutations.
#include <stdint.h>
#include <stdlib.h>

#include "ui/stoa_ui.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *rgba = NULL;
    int w = 0, h = 0;
    stoa_error err = {0};
    if (stoa_ui_icon_decode(data, size, "fuzz.png", &rgba, &w, &h, &err) == STOA_OK) {
        if (w <= 0 || h <= 0 || w > STOA_UI_MAX_ICON_PX || h > STOA_UI_MAX_ICON_PX)
            abort(); // the bound the decoder promises
        // Every pixel is read once, as drawing reads it (ASan sees a short buffer).
        volatile unsigned sum = 0;
        for (size_t i = 0; i < (size_t)w * (size_t)h * 4; i++)
            sum += rgba[i];
        (void)sum; // read: clang's -Wunused-but-set-variable
        free(rgba);
    }
    return 0;
}
