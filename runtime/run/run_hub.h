// SPDX-License-Identifier: Apache-2.0
// `stoa run --hub URL --join CODE`: the running lesson reports to the
// classroom hub and obeys its commands (runtime/net, docs/hub.md). Glue
// only; the hook calls sit in run_session.c.
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "core/stoa_result.h"
#include "net/stoa_net.h"

typedef struct run_lesson run_lesson;
typedef struct run_class run_class;

typedef struct run_hub_options {
    const char *url;        // NULL = no hub
    const char *join_code;  // needed until the headset has a device token
    const char *token_path; // NULL = $XDG_STATE_HOME/stoa/hub-token
    const char *device_name; // NULL = the host name
    // Where lessons the hub launches are kept (its library mirrored by file
    // name, checked by hash): the folder of the lesson `stoa run` started
    // with, so that their relative scene and audio paths resolve as there.
    const char *lesson_dir;
    uint64_t cache_max_bytes; // the content cache's bound; 0 = 2 GiB (stoa_net)
    const char *seat;         // "desktop" from `stoa play` (the panel says so); NULL = a headset
} run_hub_options;

typedef struct run_hub {
    stoa_net *net;
    // The trace log being streamed, by path: a new run's log object may
    // reuse the old one's memory, so a pointer says nothing about the file.
    char followed[4096];
    int64_t last_ns, last_active_ns;
    double fps;
    bool switch_pending;          // a launched lesson waits to replace the current one
    char switch_path[1024];
    char switch_registration[40];
    char switch_learner[40];      // the launch's learner_id ("" = the one signed in)
    char error[512]; // told to the hub with each status until cleared
    const char *seat; // run_hub_options.seat
    uint32_t launches_failed; // launches whose files could not be fetched
    double last_progress; // of the last lesson, kept in the result and the lobby
    double message_s; // how long the teacher's last message stays up
    struct stoa_net_class *roster; // scratch for the class roster (heap)
    bool hand;     // the learner's hand is up (run_view.c)
    int attention; // on the state's key nodes (run_view.c; stoa_net_status.attention)
    bool answered; // the teacher sent this headset a message or "look here": the hand goes down
    bool place_together;   // the teacher asked for the model at one spot (run_ar_share.c)
    const char *placement; // tabletop AR: what the hub is told (stoa_net_status.placement)
} run_hub;

// Starts the hub connection (joining happens in the background).
stoa_result run_hub_start(run_hub *h, const run_hub_options *o, stoa_error *err);
// Once per frame: streams the trace, reports status, applies commands.
// rl may be NULL (no lesson playing: the lobby, a bare scene); cls is the
// class period (lobby, sign-in; its panels take the teacher's messages when
// no lesson plays).
void run_hub_frame(run_hub *h, run_lesson *rl, run_class *cls, int64_t now_ns);
// A lesson the instructor launched: its fetched file, the launch's
// registration and learner ("" = none named). True once per launch; every
// launch is a new run, even of the lesson playing.
bool run_hub_take_switch(run_hub *h, const char **out_path, const char **out_registration,
                         const char **out_learner);

// A launched lesson could not start: the instructor is told (sent with every
// status until the next launch succeeds) and the headset stays where it was.
void run_hub_launch_failed(run_hub *h, const char *message);
// The launched lesson is playing: the error is cleared.
void run_hub_launch_done(run_hub *h);

// A headset switched off mid-lesson may have written statements the hub
// never acknowledged: the three newest trace logs are offered again at
// start (the hub stores each statement id once). traces_dir NULL = default.
void run_hub_resend_recent(run_hub *h, const char *traces_dir);

// Gives the hub up to 3 s to acknowledge the last statements, then stops.
void run_hub_stop(run_hub *h);
