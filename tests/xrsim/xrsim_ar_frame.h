// SPDX-License-Identifier: Apache-2.0
// AR test helper: one frame with a projection layer whose pixels the test
// chooses (an R8G8B8A8_UNORM swapchain, both eyes side by side), optional
// layers before and after it, and the capture read back. For
// test_xrsim_ar*.c. Linear-light helpers mirror the sRGB definition.
#pragma once

#include <stdint.h>

#include "xrsim_test_app.h"

#ifndef ARF_EYE_W // overridable to look at bigger pictures by hand
#define ARF_EYE_W 64
#define ARF_EYE_H 32
#endif

typedef struct arf_frame {
    // In: the layer's texels, RGBA UNORM (linear), ARF_EYE_W x ARF_EYE_H,
    // the same for both eyes; the projection layer's flags; blend mode;
    // layers to put before / after the projection layer (may be NULL).
    uint8_t texels[ARF_EYE_H][ARF_EYE_W][4];
    XrCompositionLayerFlags flags;
    XrEnvironmentBlendMode blend;
    const XrCompositionLayerBaseHeader *before, *after;
    // Views from xrLocateViews (true) or identity poses, 90° fov (false).
    bool located_views;
    // Out: the capture (RGB, 2 * ARF_EYE_W wide), NULL on failure; free().
    uint8_t *png;
    int png_w, png_h;
    XrView views[2];
} arf_frame;

// Begins the session, creates the swapchain and LOCAL space, runs until
// FOCUSED (a->session must exist, capture folder set by arf_env).
void arf_begin(tapp *a, XrSpace *local);
// Sets STOA_XRSIM_CAPTURE (and CAPTURE_EVERY=1) under a->dir.
void arf_env(tapp *a);
// Submits one frame and reads the newest capture. True when it worked.
bool arf_submit(tapp *a, XrSpace local, arf_frame *f);
// The captured sRGB pixel of eye e (0 left) at (x, y).
const uint8_t *arf_px(const arf_frame *f, int eye, int x, int y);

double arf_srgb_to_linear(double s255);
double arf_linear_to_srgb(double l); // 0..255, not rounded
