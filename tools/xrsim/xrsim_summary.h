// SPDX-License-Identifier: Apache-2.0
// What the app did, accumulated over an instance's life and written as JSON
// at exit (STOA_XRSIM_SUMMARY). Plain data, caller-owned, no allocation.
#pragma once

#include <openxr/openxr.h>
#include <stdbool.h>
#include <stdint.h>

#define XRSIM_SUMMARY_MAX_STATES 256
#define XRSIM_SUMMARY_MAX_ERRORS 64
#define XRSIM_SUMMARY_MAX_HAPTICS 256
#define XRSIM_SUMMARY_MAX_LAYERS 16

typedef struct xrsim_summary_error {
    char function[64];
    XrResult result;
    char why[160];
    uint32_t count;
} xrsim_summary_error;

typedef struct xrsim_summary_haptic {
    double t; // script seconds
    char action[136];
    char subaction[128];
    float amplitude, frequency;
    int64_t duration_ns;
    bool stop;
} xrsim_summary_haptic;

typedef struct xrsim_summary {
    uint32_t sessions;
    uint64_t frames_waited, frames_submitted, frames_late, frames_dropped;
    uint64_t frames_with_layers[XRSIM_SUMMARY_MAX_LAYERS + 1]; // index: layer count
    // xrWaitFrame's own pacing: how late after the display period began it
    // let the app go, over the waits that slept (docs/xrsim.md, "Frame timing").
    uint64_t wake_sleeps;
    int64_t wake_late_sum_ns, wake_late_max_ns;
    uint64_t end_frames; // time spent in xrEndFrame, lock wait included
    int64_t end_frame_sum_ns, end_frame_max_ns;
    uint32_t captures;
    XrSessionState states[XRSIM_SUMMARY_MAX_STATES];
    uint32_t state_count;
    xrsim_summary_error errors[XRSIM_SUMMARY_MAX_ERRORS];
    uint32_t error_count;
    xrsim_summary_haptic haptics[XRSIM_SUMMARY_MAX_HAPTICS];
    uint32_t haptic_count;
    bool no_end_frame;           // FOCUSED, frames waited, xrEndFrame never came
    uint64_t no_end_frame_waits; // longest such run
    bool session_lost, instance_lost;
    uint32_t registry_violations; // results xrsim gave that the registry forbids (xrsim bugs)
    uint32_t learner_actions, learner_actions_failed; // the script's (xrsim_learner.c)
    // AR (docs/xrsim.md, "AR"): frames by environment blend mode (index: the
    // XrEnvironmentBlendMode, 1..3), frames with a passthrough layer, plane
    // detections begun, anchors made (created or loaded) and persisted.
    uint64_t frames_by_blend[4];
    uint64_t frames_with_passthrough;
    uint32_t plane_detections, anchors_created, anchors_persisted;
    char exit_reason[64];
} xrsim_summary;

void xrsim_summary_state(xrsim_summary *s, XrSessionState state);
void xrsim_summary_error_add(xrsim_summary *s, const char *fn, XrResult r, const char *why);
void xrsim_summary_haptic_add(xrsim_summary *s, const xrsim_summary_haptic *h);
// Writes the JSON file; false (and a log line) when it cannot.
bool xrsim_summary_write(const xrsim_summary *s, const char *path);
