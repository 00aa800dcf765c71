// SPDX-License-Identifier: Apache-2.0
// The simulated camera image of the real room, as a video-passthrough
// headset shows it behind the app's layers (and a see-through display lets
// it through): a built-in procedural classroom, ray-cast per pixel from
// each eye's pose, or a flat colour, or an equirectangular image file
// (docs/xrsim.md, "AR"). Colours are returned in linear light.
//
// Ownership: xrsim_camera_init fills caller-owned storage and may allocate
// the image; xrsim_camera_fini frees it. A zeroed camera is the classroom.
#pragma once

#include <openxr/openxr.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xrsim_script.h"

typedef struct xrsim_camera {
    xrsim_camera_kind kind;
    float color[3];  // XRSIM_CAMERA_COLOR, linear
    uint8_t *pixels; // XRSIM_CAMERA_IMAGE: RGB, sRGB-encoded
    int width, height;
} xrsim_camera;

// Largest image accepted for camera.image (pixels).
#define XRSIM_CAMERA_MAX_PIXELS (8192 * 4096)

// False with "FILE: why" in err when the image cannot be used.
bool xrsim_camera_init(xrsim_camera *cam, const xrsim_script_ar *ar, char *err, size_t err_size);
void xrsim_camera_fini(xrsim_camera *cam);
// Linear RGB seen from `eye` (STAGE) along `dir` (STAGE, need not be unit length).
void xrsim_camera_sample(const xrsim_camera *cam, XrVector3f eye, XrVector3f dir, float rgb[3]);

// sRGB <-> linear light (IEC 61966-2-1), 8-bit sRGB; the encoding rounds
// to the nearest code (an exact round trip for every 8-bit value).
float xrsim_srgb_to_linear(uint8_t v);
uint8_t xrsim_linear_to_srgb(float v);
