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
} xrsim_event_kind;

typedef struct xrsim_script_event {
    double t;
    xrsim_event_kind kind;
    char path[1024]; // XRSIM_EV_INPUT: /user/hand/<side>/input/<identifier>; XRSIM_EV_WAIT: the file
    float x, y;
    XrSessionState hold; // XRSIM_EV_HOLD: IDLE..FOCUSED, or 0 = let go
    int line;
} xrsim_script_event;

typedef struct xrsim_script {
    bool loaded;
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
