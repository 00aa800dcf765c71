// SPDX-License-Identifier: Apache-2.0
// The learner's headset through OpenXR: instance, session lifecycle, stereo
// swapchains, frame loop, controller actions and haptics. OpenXR's types
// never leave runtime/xr; callers see plain poses, buttons and a gfx device.
//
// Lifetimes: stoa_xr_create makes the XrInstance, the Vulkan device (created
// the way the runtime asks: XR_KHR_vulkan_enable2, else XR_KHR_vulkan_enable)
// and a renderer; stoa_xr_destroy(&xr) tears them down in reverse. Scenes
// uploaded with stoa_xr_renderer() must be destroyed before the stoa_xr.
//
// Frame loop (one thread):
//   stoa_xr_poll(xr, &status)           every frame: events, session state
//   if status.session_running:
//     stoa_xr_begin_frame(xr, &frame)   xrWaitFrame + xrBeginFrame, poses, input
//     stoa_xr_end_frame(xr, &frame, scene, pose, opts)   renders if shouldRender
// Session loss: status.session_lost is set once; stoa_xr keeps polling for
// the runtime and brings a new session up by itself (status.session_running
// goes true again). Instance loss: status.instance_lost; the caller destroys
// its gfx scenes and the stoa_xr, and creates everything again. Either way the
// caller's own state (lesson progress) is untouched.
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "core/stoa_result.h"
#include "gfx/stoa_gfx.h"

typedef struct stoa_xr stoa_xr;

typedef struct stoa_xr_desc {
    const char *app_name;        // NULL = "Stoa"
    stoa_gfx_stereo_mode stereo; // AUTO: multiview when the device has it
    uint32_t msaa;               // 0/1 = none (then depth is submitted to the
                                 // compositor when it supports depth layers)
    bool force_vulkan1;          // use XR_KHR_vulkan_enable even if enable2 exists
    // For a desktop mirror window on the same device: extra Vulkan
    // extensions and a surface hook (see stoa_gfx_device_hooks.create_surface).
    const char *const *instance_extensions;
    uint32_t instance_extension_count;
    const char *const *device_extensions;
    uint32_t device_extension_count;
    VkResult (*create_surface)(void *user, VkInstance instance, VkSurfaceKHR *out_surface);
    void *surface_user;
} stoa_xr_desc;

// Fails with STOA_ERROR_NOT_FOUND and a one-sentence message when no OpenXR
// runtime is installed or active.
stoa_result stoa_xr_create(const stoa_xr_desc *desc, stoa_xr **out_xr, stoa_error *err);
void stoa_xr_destroy(stoa_xr **xr);

stoa_gfx_device *stoa_xr_device(stoa_xr *xr);
stoa_gfx_renderer *stoa_xr_renderer(stoa_xr *xr);
// "name of runtime version", e.g. "Stoa xrsim 0.1.0".
const char *stoa_xr_runtime_name(const stoa_xr *xr);

typedef struct stoa_xr_status {
    bool session_running; // between xrBeginSession and xrEndSession
    bool focused;         // the app has input focus
    bool visible;
    bool should_exit;     // EXITING, or an exit asked for that has nothing left to end
    // The runtime took the learner's attention away after the session had
    // been FOCUSED: a system menu (VISIBLE, SYNCHRONIZED), the headset taken
    // off (STOPPING, IDLE). Stoa pauses the lesson while this holds.
    bool system_paused;
    bool session_lost;    // set on the poll that saw LOSS_PENDING
    bool instance_lost;   // the instance is gone: recreate stoa_xr
    bool recentred;       // reference space changed (recentre) this poll
    bool profile_changed; // the interaction profile of a hand changed
} stoa_xr_status;

stoa_result stoa_xr_poll(stoa_xr *xr, stoa_xr_status *out_status, stoa_error *err);

typedef struct stoa_xr_pose {
    float position[3];
    float orientation[4]; // x, y, z, w
    bool valid;
} stoa_xr_pose;

typedef enum stoa_xr_hand_id { STOA_XR_LEFT = 0, STOA_XR_RIGHT = 1 } stoa_xr_hand_id;

typedef struct stoa_xr_hand {
    bool active; // the controller is tracked and bound
    stoa_xr_pose aim, grip;
    float select; // trigger 0..1
    float squeeze;
    bool menu;
    float thumbstick[2]; // x right, y forward
    char profile[96];    // current interaction profile path, "" if none
} stoa_xr_hand;

typedef struct stoa_xr_frame {
    bool should_render;
    int64_t display_time_ns;     // predicted display time (XrTime)
    int64_t display_period_ns;
    uint64_t index;              // frames begun so far
    stoa_xr_pose head;           // in the tracking space (STAGE or LOCAL)
    stoa_xr_pose eyes[2];
    float fov[2][4];             // left, right, up, down angles (radians)
    stoa_xr_hand hands[2];
    bool eye_gaze_valid;
    stoa_xr_pose eye_gaze;
} stoa_xr_frame;

stoa_result stoa_xr_begin_frame(stoa_xr *xr, stoa_xr_frame *out_frame, stoa_error *err);

// The tracking space -> world transform the views are rendered with (the
// learner's place in the scene: teleport, snap turn). float[16] column-major.
void stoa_xr_set_world_from_tracking(stoa_xr *xr, const float m[16]);

// One scene to draw in a frame. Later draws go over earlier ones (with
// their depth): the lesson's panels and the lasers over the scene.
typedef struct stoa_xr_draw {
    const stoa_gfx_scene *scene;
    const stoa_pose *pose;
    stoa_gfx_render_options options; // no_clear is set for every draw after the first
} stoa_xr_draw;

// Renders the draws for both eyes (when frame->should_render) and submits.
stoa_result stoa_xr_end_frame(stoa_xr *xr, const stoa_xr_frame *frame, const stoa_xr_draw *draws,
                              uint32_t draw_count, stoa_error *err);

// Compiles now the pipelines drawing scene on the headset needs (see
// stoa_gfx_prepare), so the first frame that shows it does not stall.
// `over`: drawn over the first draw (stoa_xr_draw index > 0). Without a
// session (lost) there is nothing to prepare for: STOA_OK.
stoa_result stoa_xr_prepare(stoa_xr *xr, const stoa_gfx_scene *scene, bool over,
                            stoa_error *err);

// The render pass stoa_xr_prepare would make pipelines for, for a loader
// thread's stoa_gfx_scene_upload_prepare (taken on the frame thread). Without
// a session: STOA_OK and out->pass VK_NULL_HANDLE (nothing to prepare).
stoa_result stoa_xr_pass_info(stoa_xr *xr, bool over, stoa_gfx_pass_info *out, stoa_error *err);

// CPU time the last end_frame spent recording draw commands, microseconds
// (not waiting for the GPU): for `stoa bench frame`.
double stoa_xr_last_record_us(const stoa_xr *xr);
// The same recording's CPU time on the calling thread (not time descheduled).
double stoa_xr_last_record_cpu_us(const stoa_xr *xr);

// The left eye of the last rendered frame, for a desktop mirror (may be NULL
// until a frame has been rendered). Valid until the next end_frame.
stoa_gfx_target *stoa_xr_last_target(stoa_xr *xr, uint32_t *out_image_index);

// Called inside each frame's command buffer after the eyes are drawn, while
// the swapchain image is still the app's (COLOR_ATTACHMENT_OPTIMAL, which it
// must be left in): a desktop mirror copies the left eye (layer 0) here.
typedef void (*stoa_xr_mirror_fn)(void *user, VkCommandBuffer cmd, VkImage image, uint32_t width,
                                  uint32_t height, VkFormat format);
void stoa_xr_set_mirror(stoa_xr *xr, stoa_xr_mirror_fn fn, void *user);
// A second such hook, called after the mirror's: the teacher's live view of
// this headset records its snapshot of the left eye here (run_view.c).
void stoa_xr_set_tap(stoa_xr *xr, stoa_xr_mirror_fn fn, void *user);

void stoa_xr_haptic(stoa_xr *xr, stoa_xr_hand_id hand, float amplitude, float seconds);
// Asks to end the session (Ctrl-C, lesson over); the loop keeps polling until
// status.should_exit. What happens depends on the session's state, as the
// OpenXR specification's lifecycle gives it:
//   running (READY once begun, SYNCHRONIZED, VISIBLE, FOCUSED):
//       xrRequestExitSession; the runtime goes to STOPPING, where
//       xrEndSession is called, then IDLE and EXITING: should_exit.
//   STOPPING: xrEndSession as on any stop; should_exit at IDLE (or EXITING).
//   UNKNOWN, IDLE, READY not yet begun: no running session to end
//       (xrRequestExitSession would fail with XR_ERROR_SESSION_NOT_RUNNING):
//       should_exit on the next poll; stoa_xr_destroy destroys the session.
//   LOSS_PENDING, session lost: nothing to end: should_exit on the next poll.
//   EXITING: should_exit.
// A runtime that has not let the session go within STOA_XR_EXIT_TIMEOUT_S of
// the request is left anyway (should_exit, with a warning): Ctrl-C never hangs.
#define STOA_XR_EXIT_TIMEOUT_S 5.0
void stoa_xr_request_exit(stoa_xr *xr);
// The session's state as OpenXR names it ("IDLE", "FOCUSED", ...; "NONE"
// while there is no session): for logs and tests.
const char *stoa_xr_state_name(const stoa_xr *xr);

// ---- the real room: environment blend modes and passthrough (xr_blend.c) ----
// The values are OpenXR's XrEnvironmentBlendMode.
typedef enum stoa_xr_blend {
    STOA_XR_BLEND_OPAQUE = 1,   // VR: the scene fills the view
    STOA_XR_BLEND_ADDITIVE = 2, // see-through display: light adds to the room, black is clear
    STOA_XR_BLEND_ALPHA = 3,    // video passthrough: premultiplied alpha over the camera image
} stoa_xr_blend;

// The modes the headset offers, in its order of preference; returns how
// many (1..3).
uint32_t stoa_xr_blend_modes(const stoa_xr *xr, stoa_xr_blend out[3]);
// The runtime has XR_FB_passthrough (the room through a layer under the
// scene, with the OPAQUE mode).
bool stoa_xr_has_fb_passthrough(const stoa_xr *xr);
// Frames go out in `mode` from the next one on; `mode` must be offered
// (else STOA_ERROR_UNSUPPORTED). fb_passthrough (OPAQUE only, when the
// runtime has it): XR_FB_passthrough's layer is submitted under the scene.
// In every mode but plain OPAQUE the projection layer carries premultiplied
// alpha (XR_COMPOSITION_LAYER_BLEND_TEXTURE_SOURCE_ALPHA_BIT): the caller
// clears to transparent black and draws premultiplied colour (gfx does:
// straight-alpha blending onto a transparent clear gives premultiplied).
stoa_result stoa_xr_set_blend(stoa_xr *xr, stoa_xr_blend mode, bool fb_passthrough,
                              stoa_error *err);
stoa_xr_blend stoa_xr_get_blend(const stoa_xr *xr);
bool stoa_xr_fb_passthrough_on(const stoa_xr *xr);
// XR_FB_passthrough's opacity (0..1; 1 at first): how much of the room the
// layer under the scene shows.
void stoa_xr_set_passthrough_opacity(stoa_xr *xr, float opacity);
const char *stoa_xr_blend_name(stoa_xr_blend mode); // "OPAQUE", "ADDITIVE", "ALPHA_BLEND"

// ---- the room's surfaces: XR_EXT_plane_detection (xr_planes.c) ----------------
typedef struct stoa_xr_plane {
    float position[3];    // tracking space
    float orientation[4]; // x, y, z, w: +Z is the plane's normal
    float width, height;  // its extents along its own X and Y (metres)
    bool floor;           // the runtime says it is the floor
} stoa_xr_plane;

// The runtime detects planes (XR_EXT_plane_detection, and the system can).
bool stoa_xr_has_planes(const stoa_xr *xr);
// The horizontal, upward-facing planes found so far (tables, the floor),
// at most `max`: the first call starts detecting, each later one takes a
// finished detection and starts the next. Between stoa_xr_begin_frame and
// stoa_xr_end_frame. Returns how many (0 without plane detection).
uint32_t stoa_xr_planes(stoa_xr *xr, stoa_xr_plane *out, uint32_t max);

// ---- the placement kept in the room: XR_MSFT_spatial_anchor (xr_anchor.c) ----
// One anchor per session (the tabletop model's). Poses in tracking space;
// orientation x, y, z, w.
bool stoa_xr_has_anchors(const stoa_xr *xr);      // XR_MSFT_spatial_anchor
bool stoa_xr_has_anchor_store(const stoa_xr *xr); // ..._persistence
// Puts the anchor at the pose (replacing the one before), between
// begin_frame and end_frame; with `name` and a store, it is also kept there
// under that name for later sessions.
stoa_result stoa_xr_anchor_set(stoa_xr *xr, const float position[3], const float orientation[4],
                               const char *name, stoa_error *err);
// The anchor kept under `name` by an earlier session, made this session's:
// false when the store has none (or there is no store).
bool stoa_xr_anchor_load(stoa_xr *xr, const char *name);
// Where the anchor is at this frame's display time: false when there is
// none or the runtime cannot locate it now.
bool stoa_xr_anchor_locate(stoa_xr *xr, float position[3], float orientation[4]);
