// SPDX-License-Identifier: Apache-2.0
// What a Vulkan device offers of what Stoa's renderer uses, for `stoa
// doctor`: multiview (stereo in one pass), the colour, texture, depth and
// vertex formats, and the versions of the loader, API and driver. A pure
// query of an existing stoa_gfx_device; nothing is created.
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "gfx/stoa_gfx.h"

typedef struct stoa_gfx_probe_result {
    char device_name[256];
    char driver[520];          // driver name and info (Vulkan 1.2), else the vendor id
    char api_version[32];      // of the physical device
    char loader_version[32];   // vkEnumerateInstanceVersion
    bool multiview;            // enabled on the device
    bool multiview_auto;       // AUTO stereo draws both eyes in one pass
    uint32_t max_views;
    char depth_format[32];     // the one Stoa picks ("" = none usable)
    // Formats Stoa needs and the device lacks (space separated, "" = none).
    char missing[256];
} stoa_gfx_probe_result;

// Always fills out; returns false when a format Stoa needs is missing.
bool stoa_gfx_probe(const stoa_gfx_device *device, stoa_gfx_probe_result *out);

// Before any device exists: asks the Vulkan device the renderer would pick
// (a bare instance, features and format properties; no logical device)
// which block formats it samples, and registers them for the scene cache's
// "auto" texture target (stoa_texture_target_set_device), so that a scene
// loaded before the renderer's device is baked for the same format as one
// loaded after it. Nothing to ask when $STOA_TEXTURE_FORMAT names a target.
// false when there is no usable Vulkan device (auto stays RGBA8).
// keep: the probe's instance is kept until stoa_gfx_probe_release, so that
// the Vulkan drivers it loaded (for lavapipe, LLVM: about 20 ms here) stay
// loaded for the renderer's instance made next, not loaded twice.
bool stoa_gfx_probe_texture_target(bool keep);
void stoa_gfx_probe_release(void);
