// SPDX-License-Identifier: Apache-2.0
// What the simulated headset offers for AR, from the script's AR keys and
// the defaults of a video-passthrough headset (docs/xrsim.md, "AR").
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xrsim_internal.h"

void xrsim_ar_resolve(const xrsim_script_ar *given, xrsim_script_ar *ar)
{
    *ar = *given;
    if (!ar->blend_count) { // a video-passthrough headset: VR first, then AR
        ar->blend[0] = XR_ENVIRONMENT_BLEND_MODE_OPAQUE;
        ar->blend[1] = XR_ENVIRONMENT_BLEND_MODE_ALPHA_BLEND;
        ar->blend_count = 2;
    }
    if (!ar->passthrough) // on where the headset has cameras to pass through
        ar->passthrough =
            xrsim_ar_blend_offered(ar, XR_ENVIRONMENT_BLEND_MODE_ALPHA_BLEND) ? 1 : -1;
    if (!ar->planes_given) {
        // The classroom's floor, and its table: 1.2 m x 0.8 m, 0.75 m high,
        // 1 m in front of the start pose (STAGE origin, looking along -Z).
        ar->plane_count = 2;
        ar->planes[0] = (xrsim_script_plane){{0, 0, -1},
                                             0,
                                             8,
                                             8,
                                             XR_PLANE_DETECTOR_SEMANTIC_TYPE_FLOOR_EXT,
                                             XR_PLANE_DETECTOR_ORIENTATION_HORIZONTAL_UPWARD_EXT};
        ar->planes[1] = (xrsim_script_plane){{0, 0.75f, -1},
                                             0,
                                             1.2f,
                                             0.8f,
                                             XR_PLANE_DETECTOR_SEMANTIC_TYPE_PLATFORM_EXT,
                                             XR_PLANE_DETECTOR_ORIENTATION_HORIZONTAL_UPWARD_EXT};
        ar->planes_given = true;
    }
    const char *store = getenv("STOA_XRSIM_ANCHOR_STORE");
    if (!ar->anchor_store[0] && store && store[0])
        snprintf(ar->anchor_store, sizeof ar->anchor_store, "%s", store);
}

bool xrsim_ar_blend_offered(const xrsim_script_ar *ar, XrEnvironmentBlendMode mode)
{
    for (uint32_t i = 0; i < ar->blend_count; i++)
        if (ar->blend[i] == mode)
            return true;
    return false;
}

void xrsim_ar_from_env(xrsim_script_ar *ar)
{
    static xrsim_script script; // large: not on the stack
    memset(&script, 0, sizeof script);
    const char *file = getenv("STOA_XRSIM_SCRIPT");
    char err[512];
    if (file && file[0] && !xrsim_script_load(&script, file, err, sizeof err))
        memset(&script, 0, sizeof script); // xrCreateInstance reports it
    xrsim_ar_resolve(&script.ar, ar);
    xrsim_script_fini(&script);
}
