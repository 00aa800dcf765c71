// SPDX-License-Identifier: Apache-2.0
// The xrsim script: a timeline of head and controller poses, input changes
// and session events, read from YAML or JSON (YAML's flow style is JSON).
// Format: docs/xrsim.md. Times `t` are seconds since the session's first frame.
//
// Ownership: xrsim_script_load fills caller-owned storage; xrsim_script_fini
// frees what load allocated. A zeroed script is valid and means "no script".
#pragma once

#include <openxr/openxr.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum xrsim_track { XRSIM_TRACK_HEAD = 0, XRSIM_TRACK_LEFT, XRSIM_TRACK_RIGHT, XRSIM_TRACKS } xrsim_track;

typedef struct xrsim_pose_key {
    double t;
    XrPosef pose;
} xrsim_pose_key;

typedef enum xrsim_event_kind {
    XRSIM_EV_INPUT = 1,
    XRSIM_EV_RECENTRE,
    XRSIM_EV_EXIT,
    XRSIM_EV_LOSE_SESSION,
    XRSIM_EV_LOSE_INSTANCE,
    XRSIM_EV_HOLD, // hold the session at `hold` (below)
    XRSIM_EV_WAIT, // `wait_for: FILE`: the timeline stops here until FILE exists (path)
    // Learner actions, resolved against the app's world when they fire
    // (xrsim_learner.c; docs/xrsim.md, "Learner actions").
    XRSIM_EV_LOOK_AT, // target: the head turns to the node
    XRSIM_EV_SELECT,  // target: the hand points at the node, pulls the trigger
    XRSIM_EV_GRAB,    // target (+ zone): squeeze on the node (carry it into zone, let go)
    XRSIM_EV_ANSWER,  // choice: point at choice N of the quiz on show, pull the trigger
    XRSIM_EV_TELEPORT, // target, or `point` when has_point: the teleport arc lands there
    XRSIM_EV_DRIFT,    // the tracking drifts against the room: it moves by `point`, turns by x degrees
} xrsim_event_kind;

typedef struct xrsim_script_event {
    double t;
    xrsim_event_kind kind;
    char path[1024]; // XRSIM_EV_INPUT: /user/hand/<side>/input/<identifier>; XRSIM_EV_WAIT: the file
    float x, y;
    XrSessionState hold; // XRSIM_EV_HOLD: IDLE..FOCUSED, or 0 = let go
    int line;
    char target[128];  // learner actions: a node's name
    char zone[128];    // XRSIM_EV_GRAB: "" = only grab (hold it until a later release)
    int32_t choice;    // XRSIM_EV_ANSWER
    xrsim_track hand;  // XRSIM_TRACK_RIGHT unless `hand: left`
    double seconds;    // how long the action lasts (0 = its default)
    uint32_t tries;    // learner actions: times it found nothing yet (it tries again)
    bool has_point;    // XRSIM_EV_TELEPORT to `point` (STAGE) instead of a node
    float point[3];
} xrsim_script_event;

// A simulated real-world plane (XR_EXT_plane_detection): a rectangle in
// STAGE coordinates, centred at `position`; horizontal planes face up (or
// down for a ceiling), vertical planes face +Z turned by `yaw`.
typedef struct xrsim_script_plane {
    float position[3];
    float yaw_deg;
    float width, depth;  // extents along the plane's X and its Y (Z for horizontal planes)
    int32_t semantic;    // XrPlaneDetectorSemanticTypeEXT
    int32_t orientation; // XrPlaneDetectorOrientationEXT
} xrsim_script_plane;

#define XRSIM_MAX_PLANES 16
#define XRSIM_MAX_BLEND_MODES 3

typedef enum xrsim_camera_kind {
    XRSIM_CAMERA_CLASSROOM = 0, // the built-in procedural classroom
    XRSIM_CAMERA_COLOR,         // one flat sRGB colour
    XRSIM_CAMERA_IMAGE,         // an equirectangular image file
} xrsim_camera_kind;

// What the simulated headset offers for AR (docs/xrsim.md, "AR").
typedef struct xrsim_script_ar {
    uint32_t blend_count; // 0: not given (OPAQUE, ALPHA_BLEND)
    XrEnvironmentBlendMode blend[XRSIM_MAX_BLEND_MODES];
    int passthrough;      // 0 not given, 1 on, -1 off (XR_FB_passthrough)
    xrsim_camera_kind camera;
    uint8_t camera_color[3];  // XRSIM_CAMERA_COLOR: sRGB
    char camera_image[1024];  // XRSIM_CAMERA_IMAGE
    bool planes_given;        // false: the default floor and table
    uint32_t plane_count;
    xrsim_script_plane planes[XRSIM_MAX_PLANES];
    char anchor_store[1024];  // "" : STOA_XRSIM_ANCHOR_STORE or none
    bool no_anchor_store;     // anchors.persistence: false (no XR_MSFT_spatial_anchor_persistence)
} xrsim_script_ar;

typedef struct xrsim_script {
    bool loaded;
    xrsim_script_ar ar;
    xrsim_pose_key *keys[XRSIM_TRACKS];
    uint32_t key_count[XRSIM_TRACKS];
    xrsim_script_event *events; // sorted by t (stable)
    uint32_t event_count;
    int64_t frames;      // 0: not given
    char profile[128];   // "": the runtime picks among the app's suggestions
    uint32_t eye_width, eye_height; // 0: not given
    double refresh_hz;   // 0: not given
    float ipd_m;         // 0: not given
    // `hold: STATE`: sessions go no further than STATE (IDLE, READY,
    // SYNCHRONIZED, VISIBLE) until an event lets go. 0: not given.
    XrSessionState hold;
} xrsim_script;

// Parses `file`. On failure returns false and writes "file:line: message" to err.
bool xrsim_script_load(xrsim_script *s, const char *file, char *err, size_t err_size);
void xrsim_script_fini(xrsim_script *s);

// `wait_for: FILE` released at script time t: a FILE that holds a script
// replaces what follows t (its own t = 0 is t here; tracks it does not give
// keep their keys). An empty FILE only lets the timeline go on. The events
// before `cursor` stay (inputs hold their values). False and err: FILE is
// not a valid script (the timeline goes on unchanged).
bool xrsim_script_splice(xrsim_script *s, uint32_t cursor, double t, const char *file, char *err,
                         size_t err_size);

// Pose of a track at time t, interpolated between keys (lerp + slerp), held
// before the first key and after the last; `fallback` when the track is empty.
XrPosef xrsim_script_pose(const xrsim_script *s, xrsim_track track, double t, XrPosef fallback);

// Value of an input at time t (the last XRSIM_EV_INPUT on `identifier_path`
// at or before t). False when the script never sets it.
bool xrsim_script_input(const xrsim_script *s, const char *identifier_path, double t, float *x,
                        float *y);

// Adds, while the script runs, a pose key (dropping the track's keys in
// (t_from, key.t]) or an input event at t (after every event already there
// at t); false when out of memory. For learner actions (xrsim_learner.c).
bool xrsim_script_add_key(xrsim_script *s, xrsim_track track, double t_from, xrsim_pose_key key);
bool xrsim_script_add_input(xrsim_script *s, double t, const char *path, float x, float y);
// Adds a copy of `e` at its time e->t (after every event already there).
bool xrsim_script_add_event(xrsim_script *s, const xrsim_script_event *e);
