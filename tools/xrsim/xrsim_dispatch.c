// SPDX-License-Identifier: Apache-2.0
// xrGetInstanceProcAddr: the only way the loader and apps reach xrsim.
#include <string.h>

#include "xrsim_api.h"

typedef struct entry {
    const char *name;
    PFN_xrVoidFunction fn;
    int ext; // 0 core, 1 vulkan_enable, 2 vulkan_enable2, 3 convert_timespec_time, 4 core 1.1,
             // 5 FB_passthrough, 6 EXT_plane_detection, 7 MSFT_spatial_anchor, 8 its persistence
} entry;

// Every entry point is handed out through its checking wrapper (xrsim_api.h).
#define E0(name) {#name, (PFN_xrVoidFunction)xrsim_checked_##name, 0},
#define E1(name) {#name, (PFN_xrVoidFunction)xrsim_checked_##name, 1},
#define E2(name) {#name, (PFN_xrVoidFunction)xrsim_checked_##name, 2},
#define E3(name) {#name, (PFN_xrVoidFunction)xrsim_checked_##name, 3},
#define E4(name) {#name, (PFN_xrVoidFunction)xrsim_checked_##name, 4},
#define E5(name) {#name, (PFN_xrVoidFunction)xrsim_checked_##name, 5},
#define E6(name) {#name, (PFN_xrVoidFunction)xrsim_checked_##name, 6},
#define E7(name) {#name, (PFN_xrVoidFunction)xrsim_checked_##name, 7},
#define E8(name) {#name, (PFN_xrVoidFunction)xrsim_checked_##name, 8},
static const entry k_table[] = {
    XRSIM_CORE_FUNCTIONS(E0) XRSIM_VK1_FUNCTIONS(E1) XRSIM_VK2_FUNCTIONS(E2)
        XRSIM_TIMESPEC_FUNCTIONS(E3) XRSIM_CORE11_FUNCTIONS(E4)
            XRSIM_FB_PASSTHROUGH_FUNCTIONS(E5) XRSIM_PLANE_FUNCTIONS(E6)
                XRSIM_ANCHOR_FUNCTIONS(E7) XRSIM_ANCHOR_STORE_FUNCTIONS(E8){NULL, NULL, 0},
};

static const entry *find(const char *name)
{
    for (const entry *e = k_table; e->name; e++)
        if (strcmp(e->name, name) == 0)
            return e;
    return NULL;
}

static bool enabled(const xrsim_instance *inst, int ext)
{
    switch (ext) {
    case 1: return inst->ext_vk1;
    case 2: return inst->ext_vk2;
    case 3: return inst->ext_timespec;
    case 4: return inst->api_minor >= 1;
    case 5: return inst->ext_passthrough;
    case 6: return inst->ext_planes;
    case 7: return inst->ext_anchor;
    case 8: return inst->ext_anchor_store;
    default: return true;
    }
}

XrResult xrsim_xrGetInstanceProcAddr(XrInstance instance, const char *name,
                                     PFN_xrVoidFunction *function)
{
    XRSIM_API_LOCK();
    if (!name || !function)
        return XR_ERROR_VALIDATION_FAILURE;
    *function = NULL;
    const entry *e = find(name);
    if (instance == XR_NULL_HANDLE) {
        // Only these may be asked for before an instance exists.
        if (strcmp(name, "xrEnumerateInstanceExtensionProperties") == 0 ||
            strcmp(name, "xrEnumerateApiLayerProperties") == 0 ||
            strcmp(name, "xrCreateInstance") == 0) {
            *function = e->fn;
            return XR_SUCCESS;
        }
        return XR_ERROR_HANDLE_INVALID;
    }
    if (!xrsim_handle_live(instance, XRSIM_INSTANCE))
        return XR_ERROR_HANDLE_INVALID;
    if (!e || !enabled((const xrsim_instance *)instance, e->ext))
        return XR_ERROR_FUNCTION_UNSUPPORTED;
    *function = e->fn;
    return XR_SUCCESS;
}

XrResult xrsim_xrEnumerateApiLayerProperties(uint32_t cap, uint32_t *count,
                                             XrApiLayerProperties *props)
{
    XRSIM_API_LOCK();
    // Layers belong to the loader; a runtime has none of its own.
    (void)cap;
    (void)props;
    if (!count)
        return XR_ERROR_VALIDATION_FAILURE;
    *count = 0;
    return XR_SUCCESS;
}
