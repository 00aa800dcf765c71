// SPDX-License-Identifier: Apache-2.0
// Internal to runtime/xr: the OpenXR handles behind stoa_xr.
#pragma once

#define XR_USE_GRAPHICS_API_VULKAN
#include <vulkan/vulkan.h>
#include <openxr/openxr.h>
#include <openxr/openxr_platform.h>

#include "stoa_openxr_ext.h" // XR_EXT_plane_detection (newer than Debian's headers)

#include "core/stoa_log.h"
#include "stoa_xr.h"

#define XR_MAX_IMAGES 8

// Converts a VkResult of a call made here (fences, command buffers, submit).
#define XR_VK(call)                                                                                \
    do {                                                                                           \
        stoa_result xr_vr_ = stoa_gfx_vk_result((call), #call, err);                               \
        if (xr_vr_ < 0)                                                                            \
            return xr_vr_;                                                                         \
    } while (0)

// The stoa_result a failed XrResult stands for: SESSION_LOST, INSTANCE_LOST
// and the state errors each have their own code (callers act on the code,
// never on the message).
stoa_result xr_result_code(XrResult r);
// Converts an XrResult into a stoa error naming the call, file and line.
stoa_result xr_check(XrInstance instance, XrResult r, const char *call, const char *file,
                     int line, stoa_error *err);
#define XR_CHECK(xr, call)                                                                         \
    do {                                                                                           \
        XrResult xr_r_ = (call);                                                                   \
        if (XR_FAILED(xr_r_))                                                                      \
            return xr_check((xr)->instance, xr_r_, #call, __FILE__, __LINE__, err);                \
    } while (0)

typedef struct xr_swapchain {
    XrSwapchain handle;
    int64_t format;
    uint32_t image_count;
    VkImage images[XR_MAX_IMAGES];
} xr_swapchain;

typedef struct xr_actions {
    XrActionSet set;
    XrAction aim, grip, select, squeeze, menu, thumbstick, haptic, eye_gaze;
    XrPath hand_paths[2];
    XrSpace aim_space[2], grip_space[2], eye_space;
    bool attached;
} xr_actions;

// Environment blend modes the system offers, the one frames are submitted
// with, and XR_FB_passthrough's objects when the runtime has it (xr_blend.c).
typedef struct xr_blend {
    XrEnvironmentBlendMode offered[4]; // in the runtime's order of preference
    uint32_t count;
    XrEnvironmentBlendMode mode;       // what xrEndFrame is given
    bool has_fb;                       // XR_FB_passthrough enabled on the instance
    bool fb_on;                        // the passthrough layer goes under the scene
    float fb_opacity;                  // its textureOpacityFactor
    float fb_opacity_set;              // the last one given to the runtime (-1: none)
    XrPassthroughFB fb;                // per session
    XrPassthroughLayerFB fb_layer;
    PFN_xrCreatePassthroughFB create;
    PFN_xrDestroyPassthroughFB destroy;
    PFN_xrCreatePassthroughLayerFB create_layer;
    PFN_xrDestroyPassthroughLayerFB destroy_layer;
    PFN_xrPassthroughLayerSetStyleFB set_style;
} xr_blend;

// XR_EXT_plane_detection (xr_planes.c): one detector per session, its last
// results kept between detections.
#define XR_MAX_PLANES 16
typedef struct xr_planes {
    bool has;      // enabled on the instance and the system detects planes
    bool begun;    // a detection is under way
    bool failed;   // said once
    XrPlaneDetectorEXT detector;
    stoa_xr_plane found[XR_MAX_PLANES];
    uint32_t count;
    PFN_xrCreatePlaneDetectorEXT create;
    PFN_xrDestroyPlaneDetectorEXT destroy;
    PFN_xrBeginPlaneDetectionEXT begin;
    PFN_xrGetPlaneDetectionStateEXT state;
    PFN_xrGetPlaneDetectionsEXT get;
} xr_planes;

// XR_MSFT_spatial_anchor (+ _persistence) (xr_anchor.c): one anchor, the
// tabletop placement's, per session.
typedef struct xr_anchor {
    bool has, has_store;
    XrSpatialAnchorMSFT anchor;
    XrSpace space;
    XrSpatialAnchorStoreConnectionMSFT store;
    PFN_xrCreateSpatialAnchorMSFT create;
    PFN_xrCreateSpatialAnchorSpaceMSFT create_space;
    PFN_xrDestroySpatialAnchorMSFT destroy;
    PFN_xrCreateSpatialAnchorStoreConnectionMSFT store_open;
    PFN_xrDestroySpatialAnchorStoreConnectionMSFT store_close;
    PFN_xrPersistSpatialAnchorMSFT persist;
    PFN_xrUnpersistSpatialAnchorMSFT unpersist;
    PFN_xrCreateSpatialAnchorFromPersistedNameMSFT load;
} xr_anchor;

struct stoa_xr {
    stoa_xr_desc desc;
    XrInstance instance;
    XrSystemId system;
    char runtime_name[160];
    bool vulkan2;           // XR_KHR_vulkan_enable2 in use (else enable)
    bool has_depth_layer;   // XR_KHR_composition_layer_depth
    bool has_eye_gaze;      // XR_EXT_eye_gaze_interaction (and the system supports it)
    bool has_hand_tracking; // XR_EXT_hand_tracking
    XrViewConfigurationView view_config[2];

    stoa_gfx_device *device;
    stoa_gfx_renderer *renderer;

    XrSession session;
    XrSessionState state;
    bool running;
    bool exit_requested;
    XrSpace app_space, view_space;
    bool app_space_is_stage;
    xr_actions actions;

    xr_swapchain color, depth;
    stoa_gfx_target *target;
    uint32_t last_image;
    bool rendered_once;
    VkCommandPool pool;
    VkCommandBuffer cmd[2];
    VkFence fence[2];
    uint32_t frame_slot;

    XrFrameState frame_state;
    XrView views[2];
    uint64_t frames_begun;
    stoa_xr_mirror_fn mirror;
    void *mirror_user;
    stoa_xr_mirror_fn tap;
    void *tap_user;
    double record_us;
    double record_cpu_us; // the same span on this thread's CPU clock
    float world_from_tracking[16];
    bool session_lost_pending; // recreate the session on the next polls
    bool loss_unreported;      // the next poll says session_lost
    bool focused_once;         // this session has been FOCUSED (see status.system_paused)
    bool exit_sent;            // xrRequestExitSession succeeded: EXITING will follow
    double exit_asked_s;       // stoa_time_seconds() of the exit request
    xr_blend blend;            // environment blend modes and passthrough (xr_blend.c)
    xr_planes planes;          // the room's surfaces (xr_planes.c)
    xr_anchor anchor;          // the placement kept in the room (xr_anchor.c)
};

// xr_instance.c
stoa_result xr_instance_create(stoa_xr *xr, stoa_error *err);
stoa_result xr_device_create(stoa_xr *xr, stoa_error *err); // the gfx device through the runtime
// xr_session.c
stoa_result xr_session_create(stoa_xr *xr, stoa_error *err);
void xr_session_destroy(stoa_xr *xr);
// xr_actions.c
stoa_result xr_actions_create(stoa_xr *xr, stoa_error *err);     // per instance
stoa_result xr_actions_attach(stoa_xr *xr, stoa_error *err);     // per session
void xr_actions_destroy_spaces(stoa_xr *xr);
stoa_result xr_actions_sync(stoa_xr *xr, XrTime time, stoa_xr_frame *frame, stoa_error *err);
void xr_actions_profiles(stoa_xr *xr, stoa_xr_frame *frame);
// xr_swapchain.c
stoa_result xr_swapchains_create(stoa_xr *xr, stoa_error *err);
void xr_swapchains_destroy(stoa_xr *xr);
stoa_result xr_render_views(stoa_xr *xr, const stoa_xr_draw *draws, uint32_t draw_count,
                            stoa_error *err);

// A frame call answered XR_ERROR_SESSION_LOST: drop the session (as on
// LOSS_PENDING) and return STOA_TIMEOUT so the caller just skips the frame.
stoa_result xr_session_lost(stoa_xr *xr);

// xr_anchor.c
stoa_result xr_anchor_init(stoa_xr *xr, stoa_error *err); // per instance
void xr_anchor_session_destroy(stoa_xr *xr);
// xr_planes.c
stoa_result xr_planes_init(stoa_xr *xr, stoa_error *err); // per instance (system known)
void xr_planes_session_destroy(stoa_xr *xr);
// xr_blend.c
stoa_result xr_blend_init(stoa_xr *xr, stoa_error *err);          // per instance (system known)
stoa_result xr_blend_session_create(stoa_xr *xr, stoa_error *err); // passthrough objects
void xr_blend_session_destroy(stoa_xr *xr);
// The layers a frame goes out with, under the projection layer (FB
// passthrough): fills *pt, returns how many (0 or 1); and the projection
// layer's flags for the current mode.
uint32_t xr_blend_under_layers(stoa_xr *xr, XrCompositionLayerPassthroughFB *pt);
XrCompositionLayerFlags xr_blend_projection_flags(const stoa_xr *xr);

void xr_pose_from(const XrPosef *p, bool valid, stoa_xr_pose *out);
