// SPDX-License-Identifier: Apache-2.0
// What the active OpenXR runtime offers, for `stoa doctor`: which manifest
// the loader would use, whether its library exists and loads, and the
// headset it sees (form factor, stereo view configuration, blend modes,
// extensions). Creates and destroys its own XrInstance; no session, no
// Vulkan device. OpenXR's types stay inside runtime/xr.
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "core/stoa_result.h"

typedef enum stoa_xr_probe_stage {
    STOA_XR_PROBE_NO_MANIFEST = 0, // no XR_RUNTIME_JSON, no active_runtime.json
    STOA_XR_PROBE_BAD_MANIFEST,    // the manifest cannot be read or names no library
    STOA_XR_PROBE_NO_LIBRARY,      // its library_path points nowhere
    STOA_XR_PROBE_NO_INSTANCE,     // the loader or runtime refused (see error)
    STOA_XR_PROBE_NO_SYSTEM,       // no head-mounted display
    STOA_XR_PROBE_NO_VULKAN,       // neither XR_KHR_vulkan_enable2 nor _enable
    STOA_XR_PROBE_OK,
} stoa_xr_probe_stage;

typedef struct stoa_xr_probe_result {
    stoa_xr_probe_stage stage;    // how far it got
    char manifest[1024];          // the manifest the loader reads ("" = none)
    bool manifest_from_env;       // it came from XR_RUNTIME_JSON
    char library[1024];           // its library_path, resolved ("" = unknown)
    char error[2400];             // why it stopped short of OK
    char runtime[160];            // "name major.minor.patch"
    char system_name[256];        // the headset's name
    bool stereo;                  // PRIMARY_STEREO view configuration
    uint32_t eye_width, eye_height; // recommended image size per eye
    char blend_modes[64];         // e.g. "opaque additive alpha"
    bool vulkan2;                 // XR_KHR_vulkan_enable2 (else enable, when stage OK)
    uint32_t extension_count;
    char extensions[4096];        // space separated
    char api_version[32];         // the OpenXR headers Stoa was built with
} stoa_xr_probe_result;

// Fills out (always); returns STOA_OK when stage is STOA_XR_PROBE_OK, else
// STOA_ERROR_NOT_FOUND or STOA_ERROR_XR with the same text as out->error.
stoa_result stoa_xr_probe(stoa_xr_probe_result *out, stoa_error *err);
const char *stoa_xr_probe_stage_name(stoa_xr_probe_stage stage);
