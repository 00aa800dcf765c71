// SPDX-License-Identifier: Apache-2.0
// A minimal OpenXR app for xrsim's unit tests: it goes through the real
// loader (XR_RUNTIME_JSON -> the build's xrsim manifest) and a small Vulkan
// device on lavapipe. Caller-owned struct; tapp_destroy frees everything
// tapp_create/tapp_session made, in reverse order.
#pragma once

#define XR_USE_GRAPHICS_API_VULKAN
#define XR_USE_TIMESPEC
#include <time.h>
#include <vulkan/vulkan.h>
#include <openxr/openxr.h>
#include <openxr/openxr_platform.h>
#include <stdbool.h>

#include <cjson/cJSON.h>

#define TAPP_MAX_STATES 64
#define TAPP_MAX_EXTRA_EXTENSIONS 4

typedef struct tapp {
    XrInstance instance;
    XrSystemId system;
    VkInstance vk_instance;
    VkDebugUtilsMessengerEXT messenger; // with STOA_VALIDATION=1
    VkPhysicalDevice phys;
    VkDevice device;
    uint32_t family;
    VkQueue queue;
    XrSession session;
    char dir[256]; // scratch folder of this test
    XrSessionState states[TAPP_MAX_STATES];
    int state_count;
    XrSessionState state;
    int space_changes, profile_changes, instance_losses;
    XrEventDataReferenceSpaceChangePending last_space_change;
    // Set after tapp_env, before tapp_create: the instance's API version
    // (0: 1.0) and whether XR_KHR_convert_timespec_time is enabled.
    XrVersion api_version;
    bool timespec;
    // More extensions to enable (NULL-terminated unless full).
    const char *extra_extensions[TAPP_MAX_EXTRA_EXTENSIONS];
} tapp;

// Clears every STOA_XRSIM_* variable, points the loader at xrsim and makes a
// fresh scratch folder; `summary` true also sets STOA_XRSIM_SUMMARY there.
void tapp_env(tapp *a, bool summary);
// Writes `yaml` to <dir>/script.yaml and sets STOA_XRSIM_SCRIPT to it.
void tapp_script(tapp *a, const char *yaml);
// Instance (XR_KHR_vulkan_enable2), system, graphics requirements, Vulkan
// instance and device made through xrCreateVulkan*KHR.
XrResult tapp_create(tapp *a);
XrResult tapp_session(tapp *a);
void tapp_destroy_session(tapp *a);
void tapp_destroy(tapp *a);
// Drains the event queue, recording session states; returns the last poll's result.
XrResult tapp_poll(tapp *a);
// Waits, begins and ends one frame with no layers. Returns the first failure.
XrResult tapp_frame(tapp *a, XrFrameState *out);
// Frames until the session reaches `state` (polling between frames) or n frames pass.
bool tapp_run_until(tapp *a, XrSessionState state, int max_frames);
// Parses <dir>/summary.json (after xrDestroyInstance); cJSON_Delete it.
cJSON *tapp_summary(tapp *a);
// True when the summary lists an error from `fn` with result `r`.
bool tapp_summary_has_error(cJSON *summary, const char *fn, const char *result);
XrPath tapp_path(tapp *a, const char *s);
