// SPDX-License-Identifier: Apache-2.0
// What hub_view.c (pictures, watching, the budget) and hub_view_push.c (the
// panel's WebSocket that pictures are pushed on) share. Everything here is
// under the hub's mu.
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hub_internal.h"

typedef struct hub_view_slot {
    int64_t device;
    uint64_t conn;            // the connection the last instruction went to
    unsigned char *jpeg;
    size_t len;
    uint32_t w, h;
    uint64_t seq;
    int64_t drawn_ms, received_ns;
    int64_t rec_ms, ready_ms, enc_ms, hub_ms; // the stages' unix times: recorded, picked up, encoded, received here
    double interval_ns;       // between pictures received (moving average), for X-Stoa-Next
    bool has_gaze;
    double gaze[2];
    int64_t thumb_until_ns, large_until_ns;
    bool told_on;             // what the headset was last told
    uint32_t told_width;
    double told_fps;
    double avg_wire;          // bytes a picture costs on the wire (moving average)
} hub_view_slot;

typedef struct hub_view_panel hub_view_panel; // hub_view_push.c

struct hub_views {
    bool loaded, enabled;
    double budget;            // bytes a second
    hub_view_slot *slots;
    int n, cap;
    uint64_t wire_total;      // picture bytes received since start
    uint64_t rate_total;      // wire_total at the last rate update
    int64_t rate_ns;
    double rate;              // bytes a second, measured
    hub_view_panel *panels;   // panels watching over /ws/panel
    int panel_n;
    int64_t panel_tags;       // panels opened: the next one's tag is -(panel_tags + 1)
    uint64_t pushed_total;    // picture bytes pushed to panels
};

// mu held. The device's slot, made when missing (NULL: out of memory, or
// views not loaded yet).
hub_view_slot *hub_view_slot_of(stoa_hub *hub, int64_t device, bool make);
// mu NOT held: the settings are read once.
void hub_view_load(stoa_hub *hub);
// mu held: a panel looks at this device (thumbnail or large) for the next
// few seconds; true when it was not watched so (the caller then calls
// hub_view_apply after unlocking, so that the headset hears it at once).
bool hub_view_mark_watched(hub_views *v, hub_view_slot *s, bool large, int64_t now);
// mu NOT held: fits the rates into the budget and tells headsets what changed.
void hub_view_apply(stoa_hub *hub);

// hub_view_push.c. mu NOT held: a new picture of this device is in; the
// panels that watch it get it now.
void hub_view_push_new(stoa_hub *hub, int64_t device);
// mu held: frees the panels' records (the connections close with the server).
void hub_view_push_free(hub_views *v);
