// SPDX-License-Identifier: Apache-2.0
// The lesson over the real room (docs/ar.md): which environment blend mode
// a session gets (run_ar_pick.c: what the headset offers, what the lesson
// and the command line ask), and what AR changes in a frame (run_ar.c): a
// transparent clear, the lesson's environment-only nodes hidden, the fade
// between the room and the scene (`passthrough:` actions).
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "core/stoa_result.h"
#include "lesson/stoa_lesson.h"

// An environment blend mode (OpenXR's numbers).
typedef enum run_blend {
    RUN_BLEND_OPAQUE = 1,   // VR: the scene fills the view
    RUN_BLEND_ADDITIVE = 2, // see-through display: light adds to the room, black is clear
    RUN_BLEND_ALPHA = 3,    // video passthrough: premultiplied alpha over the camera image
} run_blend;
const char *run_blend_name(run_blend b); // "OPAQUE", "ADDITIVE", "ALPHA_BLEND"

// A surface the headset detected (tracking space).
typedef struct run_plane {
    float position[3];
    float orientation[4]; // x, y, z, w: +Z is the plane's normal
    float width, height;  // its extents along its own X and Y (metres)
    bool floor;
} run_plane;

// What AR asks of the headset (run_front_ops.xr; the headset front-end
// answers with runtime/xr, so that this module needs no OpenXR). `user` is
// the session's front_user. Each answers "none" while no headset is up.
typedef struct run_xr_ops {
    bool (*on)(void *user); // a headset is up
    uint32_t (*blend_modes)(void *user, run_blend out[3]); // in its order of preference
    bool (*has_fb_passthrough)(void *user);
    const char *(*runtime_name)(void *user);
    stoa_result (*set_blend)(void *user, run_blend blend, bool fb_passthrough, stoa_error *err);
    void (*set_passthrough_opacity)(void *user, float opacity);
    bool (*has_planes)(void *user);
    uint32_t (*planes)(void *user, run_plane *out, uint32_t max);
    bool (*has_anchors)(void *user);
    bool (*has_anchor_store)(void *user);
    stoa_result (*anchor_set)(void *user, const float position[3], const float orientation[4],
                              const char *name, stoa_error *err);
    bool (*anchor_load)(void *user, const char *name);
    bool (*anchor_locate)(void *user, float position[3], float orientation[4]);
} run_xr_ops;

// --ar / --vr: what the command line asks, over the lesson's presentation.
typedef enum run_present {
    RUN_PRESENT_LESSON = 0, // as the lesson says (a bare scene: VR)
    RUN_PRESENT_VR,
    RUN_PRESENT_AR,
} run_present;

typedef struct run_ar_choice {
    run_blend blend;
    bool fb_passthrough; // OPAQUE with XR_FB_passthrough's layer under the scene
    bool ar;             // shown over the room: transparent clear, environment hidden
    char note[240];      // why, for the log ("" when nothing to say)
} run_ar_choice;

// Picks the mode (pure: no headset needed). offered: the headset's modes in
// its order of preference. `what`: the lesson's file name, for messages.
// A lesson that can only be AR (or --ar) on a headset that shows only VR:
// STOA_ERROR_UNSUPPORTED and a message saying why and what to do.
stoa_result run_ar_pick(const run_blend *offered, uint32_t count, bool has_fb,
                        stoa_lesson_presentation want, run_present force, const char *what,
                        const char *headset, run_ar_choice *out, stoa_error *err);

// Tabletop mode (run_tabletop.c): where the model stands on a real surface.
typedef struct run_tabletop {
    bool active;          // the lesson asks for it and the session is AR
    bool placed;          // the learner has put it down (the lesson plays)
    bool aimed;           // the ray has met the surface at least once
    bool on_plane;        // the surface is a plane the headset detected
    bool trigger_was, ltrigger_was, adjusting, rebuild;
    int32_t node;         // the lesson's tabletop node, -1 = the whole scene
    bool *keep;           // nodes shown: the node, its ancestors and descendants
    float anchor[3];      // the model's point on the surface (scene units)
    float size;           // its larger horizontal extent (scene units)
    float pos[3];         // where that point stands (tracking space, metres)
    float yaw, scale, base_scale;
    float surface_y;      // the surface's height
    uint32_t version;     // changes as the placement moves
    // The placement as a spatial anchor (run_ar_anchor.c).
    bool anchor_tried;    // the store was asked for this lesson's anchor
    bool anchored;        // the headset holds an anchor for the placement
    bool from_store;      // ...kept from an earlier session: placed once located
    char anchor_name[128];
    // Placing together (run_ar_share.c): the teacher asked the class to put
    // the model at one physical spot.
    int share;            // RUN_SHARE_NONE, _ANCHOR (the class's anchor), _MARKER
    bool shared;          // placed at the class's anchor (this headset's or another's)
    int64_t share_until_ns, share_poll_ns; // checking the class's anchor again (monotonic)
    char share_name[128]; // "stoa.class.LESSON_ID"
    // The hint panel while placing (run_ar_hint.c): what it says now.
    int hint_shown;       // 0 none, else 1 + the hint's kind
} run_tabletop;

enum { RUN_SHARE_NONE = 0, RUN_SHARE_ANCHOR, RUN_SHARE_MARKER };

typedef struct run_ar {
    run_ar_choice choice;
    bool *env;          // per scene node: environment-only (hidden over the room)
    uint32_t env_count; // nodes in env (the scene's node count)
    bool *hidden;       // the lesson's hidden nodes or env's, for picking
    uint32_t version;   // changes when what AR hides changes
    bool env_hidden;    // env nodes hidden now
    // How much of the room shows where the scene is clear: 1 in AR, 0 in
    // VR; a `passthrough:` action fades it from `from` to `to`.
    float room, from, to;
    int64_t fade_start_ns;
    double fade_s;
    uint32_t room_version; // of the lesson's passthrough actions taken
    run_tabletop table;
} run_ar;

typedef struct run_session run_session;
struct stoa_scene;

// run_ar_xr.c: the headset's AR calls through run_front_ops.xr; on the
// desktop (no ops, or no headset up) each answers "none".
bool run_xr_on(const run_session *s);
uint32_t run_xr_blend_modes(run_session *s, run_blend out[3]);
bool run_xr_has_fb_passthrough(run_session *s);
const char *run_xr_runtime_name(run_session *s);
stoa_result run_xr_set_blend(run_session *s, run_blend blend, bool fb, stoa_error *err);
void run_xr_set_passthrough_opacity(run_session *s, float opacity);
bool run_xr_has_planes(run_session *s);
uint32_t run_xr_planes(run_session *s, run_plane *out, uint32_t max);
bool run_xr_has_anchors(run_session *s);
bool run_xr_has_anchor_store(run_session *s);
stoa_result run_xr_anchor_set(run_session *s, const float position[3], const float orientation[4],
                              const char *name, stoa_error *err);
bool run_xr_anchor_load(run_session *s, const char *name);
bool run_xr_anchor_locate(run_session *s, float position[3], float orientation[4]);

// Chooses and sets the headset's mode for the lesson (or bare scene) the
// session plays: after the headset is made, and after a lesson switch.
stoa_result run_ar_start(run_session *s, stoa_error *err);
// The scene changed (or the lesson): which nodes are environment-only.
stoa_result run_ar_scene(run_session *s, stoa_error *err);
// A `passthrough: {to, seconds}` action: fade the room in (to 1) or out (0).
void run_ar_fade(run_ar *ar, float to, double seconds, int64_t now_ns);
// Each frame: the fade's progress; hides environment nodes in `pose` while
// the room shows; the clear colour (premultiplied: transparent where the
// room shows).
void run_ar_frame(run_session *s, int64_t now_ns, float clear[4]);
// The nodes picking must skip: the lesson's hidden ones and, in AR, the
// environment's. NULL when none.
const bool *run_ar_hidden(run_session *s, const bool *lesson_hidden);
void run_ar_free(run_ar *ar);

struct stoa_interact_frame;
struct stoa_interact_hand_input;
// run_tabletop.c (see there for the learner's controls).
stoa_result run_tabletop_start(run_session *s, stoa_error *err); // after run_ar_scene
// Before interaction: the learner places, turns and scales the model.
void run_tabletop_input(run_session *s, const struct stoa_interact_frame *in, double dt);
// After posing: the placement as the scene's root transform.
void run_tabletop_apply(run_session *s);
bool run_tabletop_waiting(const run_session *s); // placing: the lesson waits
bool run_tabletop_take_rebuild(run_session *s);  // placed or moved: rebuild picking
void run_tabletop_free(run_tabletop *t);
// run_ar_anchor.c: the surface under the right controller's ray when the
// headset detects planes; the placement kept as a spatial anchor.
bool run_ar_plane_height(run_session *s, const struct stoa_interact_hand_input *aim,
                         float *out_y);
void run_ar_anchor_placed(run_session *s);
// Each tabletop frame: the anchor kept from an earlier session places the
// model; the anchor's location this frame moves it with the room.
void run_ar_anchor_frame(run_session *s);

// run_ar_share.c, placing together (docs/ar.md): each frame, the teacher's
// "place together" (run_hub.place_together) is taken, the class's anchor
// followed and what the hub is told (run_hub.placement) set.
void run_ar_share_frame(run_session *s);
// The learner pulled the trigger to place the model: true when that placed
// it (at the class's anchor, or as the class's anchor).
bool run_ar_share_placed(run_session *s);
// The learner moved the model by hand: it is no longer at the class's spot.
void run_ar_share_leave(run_session *s);
struct stoa_interact_output;
// run_ar_hint.c: the hint panel while placing (gone once placed); while the
// lesson waits for the placement, the lesson's panels are arranged here.
void run_ar_hint_frame(run_session *s, const struct stoa_interact_output *out, bool waiting);

struct stoa_ui_panel_image;
// run_ar_panel.c: a panel picture (premultiplied) put on an opaque backing
// plate of its own shape, so that the room never shows through its text.
void run_ar_panel_plate(struct stoa_ui_panel_image *img);
