// SPDX-License-Identifier: Apache-2.0
// Interaction: gaze, laser pointers, select, grab, zones, teleport and snap
// turn, as pure logic. It knows no OpenXR and no Vulkan: runtime/xr (or the
// desktop preview, or a test) feeds it one stoa_interact_frame per frame --
// poses, button states, the time and the scene's current pose and BVH -- and
// gets back a stoa_interact_output: timestamped events plus what the renderer
// draws (laser segments, gaze reticle, teleport arc) and what the caller
// applies (grabbed nodes' transforms, the learner's rig, haptic pulses).
//
//   stoa_interact *ia = NULL;
//   stoa_interact_create(scene, &(stoa_interact_desc){ .gaze_dwell_s = 3 }, &ia, &err);
//   stoa_interact_set_node_named(ia, "Statue", &(stoa_interact_node_desc){
//       .flags = STOA_INTERACT_GRABBABLE });
//   stoa_interact_set_node_named(ia, "Zone_Door", &(stoa_interact_node_desc){
//       .flags = STOA_INTERACT_ZONE });
//   each frame:
//     const stoa_interact_output *out = stoa_interact_update(ia, &frame);
//     for (i < out->event_count) lesson_feed(out->events[i]);
//     if (out->grabs[h].active) stoa_pose_set_local(pose, out->grabs[h].node, ...);
//   stoa_interact_destroy(&ia);
//
// Lifetimes and ownership
// - stoa_interact_create allocates everything the module will ever need; the
//   caller frees it with stoa_interact_destroy(&ia), which NULLs the pointer.
//   stoa_interact_update allocates nothing.
// - The scene passed to create is borrowed: it must outlive the module. The
//   pose and BVH in each frame are borrowed for the duration of that call.
// - The output (and its events array) belongs to the module and stays valid
//   until the next stoa_interact_update or destroy.
// - Not thread-safe: one thread drives one module.
//
// Spaces and conventions
// - Tracking space: where OpenXR reports poses (STAGE when standing: floor at
//   y = 0; LOCAL when seated: origin near the head at recentre).
// - World space: the scene's space. The rig maps tracking to world:
//       world = rig.position + Ry(rig.yaw) * (tracking + (0, h, 0))
//   where h = seated_eye_height_m in seated mode and 0 when standing. The
//   module owns the rig: teleport and snap turn change it, the caller may set
//   it (a lesson's "teleport the learner"), and every output carries it so the
//   renderer builds its views from it.
// - Right-handed, +Y up, metres. Quaternions are x, y, z, w; an all-zero
//   quaternion is read as identity so zero-initialised poses are valid.
//   A pose's ray (head gaze, eye gaze, controller aim) points along its -Z.
// - Yaw is in radians, counter-clockwise seen from above (a left turn is +).
// - Times are nanoseconds on one monotonic timeline (the frame's or the
//   injected clock's).
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "core/stoa_clock.h"
#include "core/stoa_result.h"
#include "scene/stoa_scene.h"

#define STOA_INTERACT_MAX_ARC_POINTS 64
#define STOA_INTERACT_DEFAULT_MAX_EVENTS 64

typedef struct stoa_interact stoa_interact;

typedef enum stoa_interact_hand {
    STOA_INTERACT_LEFT = 0,
    STOA_INTERACT_RIGHT = 1,
    STOA_INTERACT_HAND_COUNT = 2,
    STOA_INTERACT_NO_HAND = -1, // in events that no hand caused (gaze, zones)
} stoa_interact_hand;

typedef enum stoa_interact_mode {
    STOA_INTERACT_STANDING = 0, // the default: real head height over a real floor
    STOA_INTERACT_SEATED = 1,   // adds seated_eye_height_m to the head's height
} stoa_interact_mode;

// ---- which nodes do what ------------------------------------------------------

typedef enum stoa_interact_flags {
    // Gaze, hover, dwell and select resolve to this node.
    STOA_INTERACT_PICKABLE = 1u << 0,
    // Squeeze picks it up (implies PICKABLE).
    STOA_INTERACT_GRABBABLE = 1u << 1,
    // A teleport arc may land on it (its surface must still face up enough).
    STOA_INTERACT_WALKABLE = 1u << 2,
    // Its world bounds are a zone: the head entering/leaving it and a grabbed
    // node released inside it raise events. Rays pass through zone meshes, so
    // an invisible zone box never hides what stands in it.
    STOA_INTERACT_ZONE = 1u << 3,
    // Rays pass through it (helper geometry such as spawn markers).
    STOA_INTERACT_RAY_TRANSPARENT = 1u << 4,
} stoa_interact_flags;

typedef struct stoa_interact_node_desc {
    uint32_t flags; // stoa_interact_flags, or-ed; 0 removes the registration
    float dwell_s;  // gaze dwell threshold for this node; 0 = the global one
} stoa_interact_node_desc;

// Called once per node by stoa_interact_create when set in the descriptor;
// returns the node's flags (0 = nothing). When a classify callback is given,
// mesh nodes are no longer pickable by default: the callback decides.
typedef uint32_t (*stoa_interact_classify_fn)(void *user, const stoa_scene *scene, uint32_t node);

// ---- options ------------------------------------------------------------------

typedef struct stoa_interact_rig {
    float position[3]; // world position of the tracking origin (before h)
    float yaw;         // radians
} stoa_interact_rig;

// Zero-initialise; every 0 means the default in brackets.
typedef struct stoa_interact_desc {
    stoa_clock *clock;   // when set, time comes from it, not frame->time_ns
    uint32_t max_events; // events kept per frame [64]; more are counted as dropped
    stoa_interact_mode mode;
    float seated_eye_height_m; // [1.6]: seated learners see the scene from
                               // standing eye height, as it was authored
    bool left_handed;          // the teleport/snap-turn stick is the left one [right]
    stoa_interact_rig rig;     // the learner's starting rig

    stoa_interact_classify_fn classify; // see above; NULL = every mesh node pickable
    void *classify_user;
    bool only_registered; // no default pickability for unregistered mesh nodes

    float gaze_dwell_s;       // [2.0] global dwell threshold
    float gaze_max_m;         // [20] gaze ray length
    float reticle_distance_m; // [2] where the reticle floats when the gaze hits nothing
    float pointer_max_m;      // [10] laser length
    float grip_reach_m;       // [0.05] how far outside a node's bounds the grip still grabs it

    float press_threshold;   // [0.75] trigger/squeeze value that counts as pressed
    float release_threshold; // [0.5]  ... and as released again (hysteresis)
    float stick_engage;      // [0.7]  thumbstick deflection that starts a teleport/turn
    float stick_release;     // [0.35] ... and that ends it

    float snap_turn_deg; // [30]
    bool no_snap_turn;
    bool no_teleport;
    float teleport_speed;    // [7 m/s] launch speed of the arc
    float gravity;           // [9.81 m/s^2]
    float arc_step_s;        // [0.05] time between arc samples
    uint32_t arc_max_points; // [32], at most STOA_INTERACT_MAX_ARC_POINTS
    float max_slope_deg;     // [30] steepest surface the arc may land on

    float haptic_select_amplitude; // [0.5]
    float haptic_select_s;         // [0.04]
    float haptic_grab_amplitude;   // [0.8]
    float haptic_grab_s;           // [0.08]
} stoa_interact_desc;

// ---- per-frame input -------------------------------------------------------------

typedef struct stoa_interact_pose {
    float position[3];
    float orientation[4]; // x, y, z, w
} stoa_interact_pose;

typedef struct stoa_interact_hand_input {
    bool active;             // controller present and tracked this frame
    stoa_interact_pose aim;  // tracking space; the laser goes along -Z
    stoa_interact_pose grip; // tracking space; where a grabbed node is held
    float select_value;      // trigger 0..1
    bool select_pressed;     // trigger click, for controllers without a value
    float grab_value;        // squeeze 0..1
    bool grab_pressed;
    bool menu_pressed;
    float thumbstick[2]; // x right, y forward, each -1..1
} stoa_interact_hand_input;

typedef struct stoa_interact_frame {
    int64_t time_ns;             // ignored when the descriptor has a clock
    stoa_interact_pose head;     // tracking space; gaze along -Z
    bool eye_gaze_valid;         // use eye_gaze instead of the head for the reticle
    stoa_interact_pose eye_gaze; // tracking space
    stoa_interact_hand_input hands[STOA_INTERACT_HAND_COUNT];
    const stoa_pose *pose; // the scene as posed now (world matrices); required
    const stoa_bvh *bvh;   // built over that pose; NULL = nothing can be hit
} stoa_interact_frame;

// ---- per-frame output ------------------------------------------------------------

typedef enum stoa_interact_event_type {
    STOA_INTERACT_EVENT_NONE = 0,
    STOA_INTERACT_GAZE_ENTER, // node: the gazed target
    STOA_INTERACT_GAZE_LEAVE,
    STOA_INTERACT_GAZE_DWELL,  // once per continuous look; value = threshold (s);
                               // time = the moment the threshold was crossed
    STOA_INTERACT_HOVER_ENTER, // hand's laser reached node
    STOA_INTERACT_HOVER_LEAVE,
    STOA_INTERACT_SELECT,     // trigger pressed while pointing at node; point = hit
    STOA_INTERACT_GRAB,       // squeeze on a grabbable node
    STOA_INTERACT_RELEASE,    // point = the node's world bounds centre
    STOA_INTERACT_PLACE,      // released inside zone `zone`; follows its RELEASE
    STOA_INTERACT_ZONE_ENTER, // the head entered zone node `zone` (node = zone too)
    STOA_INTERACT_ZONE_LEAVE,
    STOA_INTERACT_TELEPORT,  // point = landing point, node = the surface's node
    STOA_INTERACT_SNAP_TURN, // value = yaw change in radians (+ = left)
    STOA_INTERACT_MENU,      // menu button pressed
} stoa_interact_event_type;

typedef struct stoa_interact_event {
    stoa_interact_event_type type;
    int64_t time_ns;
    stoa_interact_hand hand; // STOA_INTERACT_NO_HAND for gaze and zones
    int32_t node;            // the resolved interactive node, -1 when none
    int32_t zone;            // PLACE/ZONE_*: the zone node, else -1
    float point[3];          // world space, see the type
    float value;             // see the type, else 0
} stoa_interact_event;

typedef struct stoa_interact_laser {
    bool visible;     // the hand is active
    float origin[3];  // world space
    float end[3];     // the hit point, or origin + pointer_max_m along the ray
    bool hit;         // something was hit (possibly not interactive)
    int32_t hit_node; // the mesh node hit, -1
    int32_t target;   // what it resolves to (pickable ancestor), -1
} stoa_interact_laser;

typedef struct stoa_interact_reticle {
    float origin[3];   // world space start of the gaze ray
    float position[3]; // hit point, or reticle_distance_m along the ray
    bool hit;
    int32_t target;          // gazed interactive node, -1
    float dwell_s;           // how long the target has been looked at
    float dwell_threshold_s; // its threshold
    float dwell_progress;    // 0..1 for a progress ring; 1 once the dwell fired
} stoa_interact_reticle;

typedef struct stoa_interact_arc {
    bool active;          // the teleport stick is held forward
    bool valid;           // it lands on a walkable surface
    uint32_t point_count; // sampled parabola, the last point is the landing point when hit
    float points[STOA_INTERACT_MAX_ARC_POINTS][3];
    float target[3];  // landing point (meaningful when valid)
    int32_t hit_node; // mesh node under the landing point, -1
} stoa_interact_arc;

// Apply with stoa_pose_set_local whenever active. Still active in the frame
// of the release, carrying the final transform; inactive from the next.
typedef struct stoa_interact_grab {
    bool active;
    int32_t node;
    // New local TRS for stoa_pose_set_local (relative to the node's parent as
    // posed in this frame's pose) and the world matrix it gives.
    float translation[3];
    float rotation[4];
    float scale[3];
    float world[16];
} stoa_interact_grab;

typedef struct stoa_interact_haptic {
    bool requested;  // start a pulse on this hand now
    float amplitude; // 0..1
    int64_t duration_ns;
} stoa_interact_haptic;

typedef struct stoa_interact_output {
    int64_t time_ns;
    uint32_t event_count;
    const stoa_interact_event *events; // event_count, in the order they happened
    uint32_t events_dropped;           // over max_events this frame
    stoa_interact_rig rig;             // after this frame's teleport/turn
    stoa_interact_pose head_world;
    stoa_interact_reticle gaze;
    stoa_interact_laser lasers[STOA_INTERACT_HAND_COUNT];
    stoa_interact_grab grabs[STOA_INTERACT_HAND_COUNT];
    stoa_interact_haptic haptics[STOA_INTERACT_HAND_COUNT];
    stoa_interact_arc arc;
} stoa_interact_output;

// ---- API ------------------------------------------------------------------------

// desc may be NULL (all defaults). Fails with STOA_ERROR_INVALID_ARGUMENT on a
// NULL scene or out-of-range option, naming it in err.
stoa_result stoa_interact_create(const stoa_scene *scene, const stoa_interact_desc *desc,
                                 stoa_interact **out_ia, stoa_error *err);
void stoa_interact_destroy(stoa_interact **ia);

// Registers (or with flags 0 unregisters) a node. A ray hit on any mesh below
// it resolves to the nearest registered ancestor with the matching flag: a hit
// on the Statue's mesh child reports "Statue". Allocates nothing per frame;
// call between frames.
stoa_result stoa_interact_set_node(stoa_interact *ia, uint32_t node,
                                   const stoa_interact_node_desc *nd);
// Same, by node name; STOA_ERROR_NOT_FOUND when no node has that name.
stoa_result stoa_interact_set_node_named(stoa_interact *ia, const char *name,
                                         const stoa_interact_node_desc *nd);
uint32_t stoa_interact_node_flags(const stoa_interact *ia, uint32_t node);
// The interactive node a ray hit on `hit_node` resolves to for `flag`
// (PICKABLE, GRABBABLE or WALKABLE), or -1.
int32_t stoa_interact_resolve(const stoa_interact *ia, int32_t hit_node, uint32_t flag);

void stoa_interact_set_mode(stoa_interact *ia, stoa_interact_mode mode);
void stoa_interact_set_rig(stoa_interact *ia, const stoa_interact_rig *rig);
stoa_interact_rig stoa_interact_get_rig(const stoa_interact *ia);
// Moves the rig so that the head (as last seen) stands over floor_point and,
// when face_yaw is not NaN, looks towards that yaw. For lesson teleports.
void stoa_interact_place_head(stoa_interact *ia, const float floor_point[3], float face_yaw);
// Tracking-space pose to world through the current rig (for view matrices).
void stoa_interact_to_world(const stoa_interact *ia, const stoa_interact_pose *tracking,
                            stoa_interact_pose *out_world);

// Runs one frame. Never NULL for a valid module; frame->pose is required (a
// NULL pose gives an output with no picking, grabs or zones).
const stoa_interact_output *stoa_interact_update(stoa_interact *ia,
                                                 const stoa_interact_frame *frame);

const char *stoa_interact_event_name(stoa_interact_event_type type);
