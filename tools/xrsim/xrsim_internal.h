// SPDX-License-Identifier: Apache-2.0
// xrsim: Stoa's simulated headset, an OpenXR runtime loaded by the standard
// loader. This header is private to the runtime's own files.
//
// Ownership: the loader owns nothing of ours. Every handle given to the app
// (instance, session, space, swapchain, action set, action) is a heap object
// registered in the handle table (xrsim_handle.c) while it lives, so a stale
// or foreign handle is answered with XR_ERROR_HANDLE_INVALID instead of being
// dereferenced. Children are freed with their parent, as the spec says.
#pragma once

#define XR_USE_GRAPHICS_API_VULKAN
#define XR_USE_TIMESPEC
#define XR_EXTENSION_PROTOTYPES
#include <time.h>
#include <vulkan/vulkan.h>
#include <openxr/openxr.h>
#include <openxr/openxr_platform.h>
#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

#include "xr/stoa_openxr_ext.h"
#include "xrsim_camera.h"
#include "xrsim_math.h"
#include "xrsim_openxr11.h"
#include "xrsim_script.h"
#include "xrsim_summary.h"

#define XRSIM_LOG "xrsim"
#define XRSIM_MAX_EVENTS 64
#define XRSIM_MAX_IMAGES 3
#define XRSIM_MAX_SUBACTIONS 8
#define XRSIM_MAX_BINDINGS 512
#define XRSIM_MAX_LAYERS 16
#define XRSIM_MAX_ATTACHED 16

typedef enum xrsim_type {
    XRSIM_INSTANCE = 1,
    XRSIM_SESSION,
    XRSIM_SPACE,
    XRSIM_SWAPCHAIN,
    XRSIM_ACTION_SET,
    XRSIM_ACTION,
    XRSIM_PASSTHROUGH,       // XR_FB_passthrough (xrsim_passthrough.c)
    XRSIM_PASSTHROUGH_LAYER,
    XRSIM_PLANE_DETECTOR,    // XR_EXT_plane_detection (xrsim_plane.c)
    XRSIM_ANCHOR,            // XR_MSFT_spatial_anchor (xrsim_anchor.c)
    XRSIM_ANCHOR_STORE,      // XR_MSFT_spatial_anchor_persistence
} xrsim_type;

// ---- handle table (xrsim_handle.c) -----------------------------------------
void xrsim_handle_add(void *obj, xrsim_type type);
// Unregisters and frees an object. The memory is kept a while (up to
// XRSIM_GRAVEYARD objects) so that malloc cannot hand the same address to a
// new object at once: a stale handle must read as invalid, not as the new one.
void xrsim_handle_release(void *obj);
bool xrsim_handle_live(const void *obj, xrsim_type type);
// Copies up to cap live objects of a type into out; returns how many.
size_t xrsim_handle_collect(xrsim_type type, void **out, size_t cap);

// ---- the runtime's lock (xrsim_lock.c) ----------------------------------------
// XRSIM_API_LOCK(); as the first statement of an entry point holds the lock
// until the function returns (GCC/Clang cleanup attribute).
int xrsim_api_lock(void);
void xrsim_api_unlock_scope(int *held);
#define XRSIM_API_LOCK()                                                                           \
    __attribute__((cleanup(xrsim_api_unlock_scope))) int xrsim_api_held_ = xrsim_api_lock();       \
    (void)xrsim_api_held_
// Waits (lock released meanwhile) for xrsim_api_frame_signal or the
// deadline (CLOCK_MONOTONIC ns); false on time-out. Call with the lock held once.
bool xrsim_api_frame_wait(int64_t deadline_mono_ns);
void xrsim_api_frame_signal(void);
int64_t xrsim_mono_ns(void);

// ---- configuration of the simulated headset --------------------------------
typedef struct xrsim_config {
    uint32_t eye_width, eye_height;
    double refresh_hz;
    XrFovf fov[2];
    float ipd_m;
    int64_t frames_limit;   // 0: no limit
    int64_t capture_every;  // frames between captures
    char capture_dir[1024]; // empty: no capture
    char summary_path[1024];
    bool realtime;
    bool fast; // STOA_XRSIM_FAST=1: xrWaitFrame never sleeps (clock runs ahead)
} xrsim_config;

void xrsim_config_from_env(xrsim_config *cfg);
// Eye size and refresh rate from the environment, over script values.
void xrsim_config_apply_env_display(xrsim_config *cfg);

// ---- AR configuration (xrsim_ar.c) --------------------------------------------
// Fills in the defaults of a video-passthrough headset where the script is silent.
void xrsim_ar_resolve(const xrsim_script_ar *given, xrsim_script_ar *ar);
bool xrsim_ar_blend_offered(const xrsim_script_ar *ar, XrEnvironmentBlendMode mode);
// The AR configuration from STOA_XRSIM_SCRIPT before an instance exists
// (the extension list depends on it); defaults when the script is bad.
void xrsim_ar_from_env(xrsim_script_ar *ar);

// ---- objects -----------------------------------------------------------------
typedef struct xrsim_instance xrsim_instance;
typedef struct xrsim_session xrsim_session;

typedef struct xrsim_binding {
    XrPath profile;
    struct xrsim_action *action;
    XrPath path;
} xrsim_binding;

struct xrsim_instance {
    char app_name[XR_MAX_APPLICATION_NAME_SIZE];
    int api_minor; // the instance's OpenXR version: 1.0 or 1.1
    bool ext_vk1, ext_vk2, ext_timespec, ext_depth;
    bool ext_passthrough, ext_planes, ext_anchor, ext_anchor_store; // AR extensions
    bool gfx_reqs_queried;
    bool loss_pending, lost;
    xrsim_config cfg;
    xrsim_script script;
    xrsim_script_ar ar; // the script's AR keys with the defaults filled in (xrsim_ar.c)
    xrsim_camera camera; // the real room behind the display (captures)
    xrsim_summary summary;

    XrEventDataBuffer events[XRSIM_MAX_EVENTS];
    uint32_t event_head, event_count;

    char **paths; // paths[i] is the string of XrPath i + 1
    uint32_t path_count, path_cap;

    xrsim_session *session;
    struct xrsim_action_set **sets;
    uint32_t set_count;
    xrsim_binding bindings[XRSIM_MAX_BINDINGS];
    uint32_t binding_count;

    // Vulkan objects we created for the app (XR_KHR_vulkan_enable2).
    VkInstance vk_instance;
    PFN_vkGetInstanceProcAddr vk_gipa;
    VkPhysicalDevice vk_phys;
    // The script's timeline runs on over sessions (a recovered session does
    // not replay the loss), and over instances after an instance loss.
    struct xrsim_timeline {
        int64_t clock_ns; // simulated display clock, monotonic
        int64_t t0_ns;    // display time of the first frame (script t = 0)
        uint32_t cursor;  // next script event to fire
        XrSessionState hold; // the script's hold (0 = none): states stop there
        // `wait_for`: the script's clock stands at wait_t while waiting;
        // paused_ns is how long it stood, over every wait so far.
        bool waiting;
        double wait_t;
        int64_t paused_ns;
        // The real room in STAGE: identity until the script's `do: drift`
        // moves the tracking against it (the camera image, planes and
        // anchors go with the room; reference spaces do not).
        XrPosef room;
    } timeline;
};

typedef struct xrsim_vk {
    VkInstance instance;
    VkPhysicalDevice phys;
    VkDevice device;
    uint32_t family, index;
    VkQueue queue;
    VkCommandPool pool;
    VkPhysicalDeviceMemoryProperties mem_props;
    PFN_vkGetPhysicalDeviceImageFormatProperties vkGetPhysicalDeviceImageFormatProperties;
#define XRSIM_VK_DEVICE_FNS(X)                                                                     \
    X(vkGetDeviceQueue) X(vkCreateImage) X(vkDestroyImage) X(vkGetImageMemoryRequirements)          \
    X(vkAllocateMemory) X(vkFreeMemory) X(vkBindImageMemory) X(vkCreateBuffer) X(vkDestroyBuffer)   \
    X(vkGetBufferMemoryRequirements) X(vkBindBufferMemory) X(vkMapMemory) X(vkUnmapMemory)          \
    X(vkCreateCommandPool) X(vkDestroyCommandPool) X(vkAllocateCommandBuffers)                      \
    X(vkFreeCommandBuffers) X(vkBeginCommandBuffer) X(vkEndCommandBuffer)                          \
    X(vkCmdPipelineBarrier) X(vkCmdCopyImageToBuffer) X(vkQueueSubmit) X(vkQueueWaitIdle)
#define XRSIM_VK_DECL(name) PFN_##name name;
    XRSIM_VK_DEVICE_FNS(XRSIM_VK_DECL)
#undef XRSIM_VK_DECL
} xrsim_vk;

typedef struct xrsim_swapchain {
    xrsim_session *session;
    XrSwapchainCreateInfo info;
    VkFormat format;
    VkImageLayout layout; // the layout the app must hand images back in
    bool is_depth;
    VkImage images[XRSIM_MAX_IMAGES];
    VkDeviceMemory memory[XRSIM_MAX_IMAGES];
    uint32_t image_count;
    uint32_t acquired[XRSIM_MAX_IMAGES]; // FIFO of acquired, not yet released
    uint32_t acquired_count;
    bool waited;            // the oldest acquired image has been waited on
    int32_t last_released;  // -1 until an image was released
    uint32_t next_index;
} xrsim_swapchain;

typedef enum xrsim_space_kind {
    XRSIM_SPACE_REFERENCE,
    XRSIM_SPACE_ACTION,
    XRSIM_SPACE_ANCHOR, // XR_MSFT_spatial_anchor (xrsim_anchor.c)
} xrsim_space_kind;

typedef struct xrsim_space {
    xrsim_session *session;
    xrsim_space_kind kind;
    XrReferenceSpaceType ref_type;
    struct xrsim_action *action;
    XrPath subaction;
    XrPosef offset;
    struct xrsim_anchor *anchor; // XRSIM_SPACE_ANCHOR; anchor_pose once it is destroyed
    XrPosef anchor_pose;
} xrsim_space;

// One eye of the last submitted projection layer, kept for the final capture.
typedef struct xrsim_capture_eye {
    xrsim_swapchain *swapchain;
    int32_t image_index;
    XrRect2Di rect;
    uint32_t array_index;
    XrPosef pose; // the view's pose in STAGE at the frame's display time
    XrFovf fov;
} xrsim_capture_eye;

// How a captured frame is composited (xrsim_capture.c): the environment
// blend mode, the projection layer's flags, and the passthrough layers
// (XR_FB_passthrough) below and above it, each reduced to one opacity
// (layers of one image over each other: 1 - (1 - a1)(1 - a2)...).
typedef struct xrsim_composition {
    XrEnvironmentBlendMode blend;
    XrCompositionLayerFlags proj_flags;
    float passthrough_below, passthrough_above; // 0: none
    bool has_passthrough; // a passthrough layer was submitted (running or not)
} xrsim_composition;

struct xrsim_session {
    xrsim_instance *instance;
    XrSessionState state;
    bool running;        // between xrBeginSession and xrEndSession
    bool exit_requested; // STOPPING is on its way or passed; EXITING follows
    bool held_stop;      // stopped by a hold at IDLE/READY: IDLE follows, not EXITING
    // A loss goes in two steps (spec §2.9 "Session loss", §9.3 LOSS_PENDING):
    // from the script's lose_session until the app has polled the
    // LOSS_PENDING state event, calls still work and answer
    // XR_SESSION_LOSS_PENDING where the registry allows it (loss_pending);
    // after that every call but destroy is XR_ERROR_SESSION_LOST (lost).
    bool loss_pending;
    bool lost;
    xrsim_vk vk;

    int64_t predicted_ns;     // display time handed out by the last xrWaitFrame
    int64_t wake_ns;          // CLOCK_MONOTONIC when the last xrWaitFrame was let go
    int64_t period_ns;
    int64_t real_start_ns;    // CLOCK_MONOTONIC at the first xrWaitFrame
    uint64_t frames_waited, frames_begun, frames_ended;
    bool frame_waited;        // a xrWaitFrame not yet matched by xrBeginFrame
    bool frame_begun;         // a xrBeginFrame not yet matched by xrEndFrame
    uint32_t waits_without_end; // consecutive waits while FOCUSED, no xrEndFrame
    bool reported_no_end_frame;

    // Recentring moves LOCAL: its origin in STAGE coordinates.
    XrPosef local_origin;

    // Actions.
    bool sets_attached;
    struct xrsim_action_set *attached[XRSIM_MAX_ATTACHED];
    uint32_t attached_count;
    XrPath current_profile;
    XrPath pending_profile; // chosen at attach, made current by xrSyncActions
    bool profile_event_sent;

    xrsim_capture_eye last_eyes[2];
    xrsim_composition last_comp;
    bool last_layer_valid, last_layer_captured;
    uint64_t last_layer_frame;
    int64_t last_layer_time;
};

// ---- results and checks (xrsim_instance.c) -----------------------------------
// Records a misuse by the app in the summary and returns the result.
XrResult xrsim_app_error(xrsim_instance *inst, const char *function, XrResult result,
                         const char *why);
const char *xrsim_result_str(XrResult r);
const char *xrsim_state_str(XrSessionState s);

// Instance-level validity, including loss. Returns XR_SUCCESS or an error.
XrResult xrsim_check_instance(XrInstance instance, const char *fn);
// Session validity (and its instance's loss); sets *out when valid. A
// session whose loss is pending is valid, and the calling entry point's
// XR_SUCCESS becomes XR_SESSION_LOSS_PENDING where its registry entry has it
// (xrsim_result_check).
XrResult xrsim_check_session(XrSession session, const char *fn, xrsim_session **out);
// Marks the current call (this thread) as made on a session being lost.
void xrsim_result_note_loss_pending(void);

// XR_SUCCESS for the view configuration xrsim has (PRIMARY_STEREO), else
// the unsupported or invalid-value error (xrsim_system.c).
XrResult xrsim_check_view_config(xrsim_instance *inst, XrViewConfigurationType t, const char *fn);

// Buffer size idiom (two calls): copies n items of size sz.
XrResult xrsim_fill(xrsim_instance *inst, const char *fn, uint32_t cap, uint32_t *count_out,
                    void *dst, const void *src, uint32_t n, size_t sz);
XrResult xrsim_fill_string(xrsim_instance *inst, const char *fn, uint32_t cap,
                           uint32_t *count_out, char *dst, const char *src);

// ---- events (xrsim_event.c) ----------------------------------------------------
void xrsim_event_push(xrsim_instance *inst, const void *event, size_t size);
// Drops queued events that name a session being destroyed.
void xrsim_event_purge_session(xrsim_instance *inst, XrSession session);

// ---- paths (xrsim_path.c) --------------------------------------------------------
XrPath xrsim_path_intern(xrsim_instance *inst, const char *s);
const char *xrsim_path_str(xrsim_instance *inst, XrPath p); // NULL when unknown
void xrsim_paths_free(xrsim_instance *inst);

// ---- session (xrsim_session.c) ---------------------------------------------------
// The one place that changes a session's state: queues the event and assigns.
void xrsim_session_set_state(xrsim_session *s, XrSessionState state);
// Walks FOCUSED/VISIBLE/SYNCHRONIZED down to STOPPING (an exit was asked for).
void xrsim_session_request_stop(xrsim_session *s, const char *why);
// The script's hold (docs/xrsim.md): whether the session may go on to
// `next`, and the steps down when a new hold is below the present state.
bool xrsim_session_may_enter(const xrsim_session *s, XrSessionState next);
void xrsim_session_set_hold(xrsim_session *s, XrSessionState hold);
void xrsim_session_lose(xrsim_session *s);
void xrsim_session_free(xrsim_session *s);

// ---- vulkan (xrsim_vulkan.c) ------------------------------------------------------
XrResult xrsim_vk_init(xrsim_instance *inst, const XrGraphicsBindingVulkanKHR *binding,
                       xrsim_vk *vk);
void xrsim_vk_fini(xrsim_vk *vk);
// Records and runs one command buffer on the app's queue, waiting for it.
typedef void (*xrsim_vk_record_fn)(xrsim_vk *vk, VkCommandBuffer cb, void *user);
bool xrsim_vk_run(xrsim_vk *vk, xrsim_vk_record_fn fn, void *user);
int32_t xrsim_vk_memory_type(const xrsim_vk *vk, uint32_t bits, VkMemoryPropertyFlags flags);

// ---- spaces (xrsim_space.c) --------------------------------------------------------
// Pose of the head / a controller in STAGE coordinates at display time t.
XrPosef xrsim_head_pose(xrsim_session *s, int64_t t);
// Pose of a space in STAGE coordinates; false when it is not tracked now.
bool xrsim_space_stage_pose(xrsim_space *sp, int64_t t, XrPosef *out);
void xrsim_space_recentre(xrsim_session *s, int64_t t);
bool xrsim_pose_valid(const XrPosef *p); // unit quaternion, finite position
XrResult xrsim_space_new(xrsim_session *s, xrsim_space tmpl, XrSpace *out);
// STAGE pose of an anchor space's anchor (xrsim_anchor.c).
XrPosef xrsim_anchor_space_base(xrsim_space *sp);
void xrsim_spaces_free_for(xrsim_session *s);

// ---- swapchains (xrsim_swapchain.c) ---------------------------------------------------
void xrsim_swapchains_free_for(xrsim_session *s);

// ---- frames (xrsim_frame.c) ------------------------------------------------------------
// Script time (seconds since the first frame) of a display time.
double xrsim_script_time(const xrsim_session *s, int64_t t);
// A learner action of the script fires at script time t (xrsim_learner.c).
void xrsim_learner_fire(xrsim_instance *inst, const xrsim_script_event *e, double t);
// Checks one composition layer of xrEndFrame (xrsim_layer.c).
XrResult xrsim_layer_check(xrsim_session *s, const XrCompositionLayerBaseHeader *layer);

// ---- XR_FB_passthrough (xrsim_passthrough.c) -------------------------------------------
// Checks a XrCompositionLayerPassthroughFB of xrEndFrame; *opacity is what
// it shows of the camera image now (0 when it or its passthrough is paused).
XrResult xrsim_passthrough_layer_check(xrsim_session *s, const XrCompositionLayerBaseHeader *l,
                                       float *opacity);
void xrsim_passthrough_free_for(xrsim_session *s);

// ---- XR_MSFT_spatial_anchor(_persistence) (xrsim_anchor.c, xrsim_anchor_store.c) --------
typedef struct xrsim_anchor {
    xrsim_session *session;
    XrPosef pose; // in the room's coordinates (timeline.room): where it was made
} xrsim_anchor;
// A new anchor at `pose` (STAGE).
XrResult xrsim_anchor_new(xrsim_session *s, XrPosef pose, XrSpatialAnchorMSFT *out);
void xrsim_anchors_free_for(xrsim_session *s);
void xrsim_anchor_stores_free_for(xrsim_session *s);

// ---- XR_EXT_plane_detection (xrsim_plane.c) ----------------------------------------------
void xrsim_planes_free_for(xrsim_session *s);
// Fills XrSystemPlaneDetectionPropertiesEXT in xrGetSystemProperties' chain.
void xrsim_planes_system_properties(const xrsim_instance *inst, XrSystemProperties *p);

// ---- capture (xrsim_capture.c) -----------------------------------------------------------
// Reads back both eyes and writes DIR/frame_NNNNNN_TTTTns.png. False on failure.
bool xrsim_capture_eyes(xrsim_session *s, const xrsim_capture_eye eyes[2],
                        const xrsim_composition *comp, uint64_t frame, int64_t display_time);
// Captures the last submitted frame if it was not captured yet ("always the last").
void xrsim_capture_last(xrsim_session *s);

// ---- actions (xrsim_action.c, xrsim_profile.c) ----------------------------------------------
typedef struct xrsim_action_set {
    xrsim_instance *instance;
    char name[XR_MAX_ACTION_SET_NAME_SIZE];
    char localized[XR_MAX_LOCALIZED_ACTION_SET_NAME_SIZE];
    uint32_t priority;
    bool attached;
    bool active; // in the last xrSyncActions
    struct xrsim_action **actions;
    uint32_t action_count;
} xrsim_action_set;

// Cached state of one action for one subaction slot (0: all, 1..: listed).
typedef struct xrsim_action_value {
    bool active;
    float x, y;
    bool changed;
    XrTime last_change;
} xrsim_action_value;

typedef struct xrsim_action {
    xrsim_action_set *set;
    char name[XR_MAX_ACTION_NAME_SIZE];
    char localized[XR_MAX_LOCALIZED_ACTION_NAME_SIZE];
    XrActionType type;
    XrPath subactions[XRSIM_MAX_SUBACTIONS];
    uint32_t subaction_count;
    xrsim_action_value values[XRSIM_MAX_SUBACTIONS + 1];
} xrsim_action;

// Interaction profiles the simulated controllers can pretend to be.
bool xrsim_profile_known(const char *profile, int minor);
// True when `path` (e.g. /user/hand/left/input/trigger/value) exists on `profile`.
bool xrsim_profile_has_path(const char *profile, const char *path, int minor);
// Preferred order when picking among the app's suggested profiles.
const char *xrsim_profile_preferred(uint32_t i, int minor);

// Reads an input of a simulated controller; `path` is a full input path.
// Returns false when the controller has no such input.
bool xrsim_input_read(xrsim_session *s, const char *path, int64_t t, float *x, float *y);
// Index of a subaction path in the action's list, or -1.
int xrsim_action_subaction_slot(const xrsim_action *a, XrPath p);
// Which hand drives a pose action now (current profile's bindings); false
// when the action is not bound or its set is not active.
bool xrsim_action_pose_source(xrsim_session *s, xrsim_action *a, XrPath subaction,
                              xrsim_track *hand);
void xrsim_action_set_free(xrsim_action_set *set);
