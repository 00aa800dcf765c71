// SPDX-License-Identifier: Apache-2.0
// The teacher's live view of this headset, the learner's raised hand and
// attention at a glance (docs/hub.md, "Live views, hands and attention";
// docs/learner-runtime.md). The state lives here, in the session, with what
// every front-end shares (the hand, attention, the "watched" sign, the
// pictures); the status fields go out through run_hub.c. The front-ends
// hook the pictures into their frames: runtime/headset/headset_view.c (the
// left eye), runtime/play/play_view.c (the desktop's window).
//
// Pictures: while the hub says a panel watches (stoa_net_get_view_want),
// every 1/fps s the picture's centre is recorded into the frame's own
// command buffer (a blit into a small image and a copy into host-visible
// memory, runtime/gfx's snapshots); a picker thread polls the copy's event
// and, as soon as the GPU has got there, hands the pixels to the net thread,
// which encodes and sends them (run_view_pics.c, for every front-end: the
// headset's eye, the desktop's window). The frame thread never waits for
// the device for it; what it spends is measured (run_view_cpu_us).
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "gfx/stoa_gfx.h"
#include "net/stoa_net.h"

typedef struct run_lesson run_lesson;
typedef struct run_hub run_hub;
typedef struct run_view_pics run_view_pics; // the picker thread (run_view_pics.c)

#define RUN_VIEW_CROP 0.6f       // the picture shows this share of the eye's width, centred
#define RUN_VIEW_HAND_HOLD_S 1.0 // holding the menu button this long raises (or lowers) the hand

typedef struct run_view {
    stoa_gfx_snap *snap;   // made for the size the hub asked for; NULL when nobody watches
    stoa_gfx_device *device; // the snap's device
    stoa_gfx_snap *retired;  // the ring of the size before, freed a few frames later
    int retired_frames;
    uint32_t width, height;
    bool armed;            // the next frame's command buffer records a snapshot
    int64_t next_ns;       // when the next picture is due (wall clock)
    stoa_net_view_want want; // as last asked of the net module
    int64_t want_next_ns;    // when to ask again
    bool watched, indicator; // the hub wants pictures; the learner's sign shows
    uint32_t told_width; // the width the log last named
    VkFormat format;       // of the eye, as the last frame's tap saw it (0 = not yet)
    uint64_t user;         // what the armed snapshot carries: drawn time and gaze (packed)
    // the hand: the menu button held, the lobby or lesson panel's button
    bool hand;
    int64_t menu_since_ns; // the menu button went down (0 = up)
    bool menu_used;        // this press already toggled the hand
    int attention;         // as stoa_net_status.attention
    // the panel button (run_hand.c): where it is shown, with which label
    run_lesson *hand_panels;
    bool hand_shown;
    float hand_select_prev[2];
    // the added CPU time on the frame thread, microseconds per frame
    double *cpu_us;
    uint32_t cpu_count, cpu_cap;
    double frame_us; // this frame's so far
    uint64_t sent, skipped;
    run_view_pics *pics; // started with the first picture asked for
} run_view;

// Once per frame, from any front-end: the hand (menu_down: a controller's
// menu button, or a desktop's key, held RUN_VIEW_HAND_HOLD_S raises or
// lowers it), the teacher's answer lowering it, attention (the gaze on the
// state's key nodes), and both for the hub's status. rl: the lesson playing
// (NULL: the lobby).
void run_view_common(run_view *v, run_hub *hub, run_lesson *rl, bool menu_down, int64_t now_ns);
// What the hub asks for (want): the learner's "watched" sign on `panels`
// (the run_lesson whose panels the overlay shows) and the log lines.
void run_view_watched(run_view *v, run_lesson *panels, const stoa_net_view_want *want);
// The learner raised or lowered the hand (a panel's button); the teacher
// answered (a message or "look here": the hand goes down).
void run_view_set_hand(run_view *v, bool up);
// Before the headset's device is destroyed (teardown, a rebuild): frees the
// GPU side. The device must be idle.
void run_view_release_gpu(run_view *v);
void run_view_free(run_view *v);
// Pictures (run_view_pics.c). Once per frame, before the frame's command
// buffer is recorded: follows what the hub asks for, arms the next snapshot
// (gaze: where the learner looks in the picture, 0..1 from the top left),
// and runs run_view_watched. dev: the device the frame is drawn on.
void run_view_pics_frame(run_view *v, stoa_gfx_device *dev, run_hub *hub, run_lesson *panels, bool has_gaze,
                         const float gaze[2]);
// Inside the frame's command buffer, once the picture the learner sees is
// drawn (image: in `layout`, left so): records the armed snapshot.
void run_view_pics_tap(run_view *v, VkCommandBuffer cmd, VkImage image, uint32_t width, uint32_t height,
                       VkFormat format, VkImageLayout layout);
// Stops the picker thread (before the hub's connection goes).
void run_view_pics_stop(run_view *v);
void run_view_pics_release_gpu(run_view *v);
// Prints what the live view cost (pictures, the added CPU time per frame)
// when any picture was sent.
void run_view_report(const run_view *v);
// Median and 99th percentile of the added CPU time per frame (µs), over the
// frames that had any; false when none.
bool run_view_cpu_us(const run_view *v, double *out_median, double *out_p99);
