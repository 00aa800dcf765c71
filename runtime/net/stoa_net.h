// SPDX-License-Identifier: Apache-2.0
// The headset side of the classroom hub (tools/hub, docs/hub.md).
//
//   stoa_net *net;
//   stoa_net_create(&(stoa_net_desc){.hub_url = "http://192.168.1.10:8480",
//       .join_code = "K7Q2XM", .token_path = "/home/l/.local/state/stoa/hub-token",
//       .device_name = "headset 07"}, &net, &err);
//   each frame:
//     stoa_net_send_status(net, &(stoa_net_status){.lesson_id = ..., .progress = 0.4});
//     stoa_net_send_statement(net, line);        // every trace line, as written to the log
//     stoa_net_command cmd;
//     while (stoa_net_poll_command(net, &cmd)) ... act on cmd ...
//   stoa_net_destroy(&net);
//
// All network work runs on the module's own thread: every call here only
// copies into a queue under a mutex and returns (no I/O, no waiting), so it
// is safe from the frame loop. The thread joins with the code (once: the
// device token it gets is kept in token_path and used from then on),
// connects a WebSocket, reconnects by itself with back-off when the hub or
// the network goes away, and sends statements in order until the hub
// acknowledges each by id. An unacknowledged statement is sent again after
// a reconnect; the hub stores each id once, so nothing is lost and nothing
// is doubled. Statements queued in a run that crashed are in that run's
// local log: stoa_net_resend_log() queues them again.
//
// Pure C (civetweb's client, libsodium for SHA-256): no Vulkan, no OpenXR.
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/stoa_result.h"

typedef struct stoa_net_desc {
    const char *hub_url;     // "http://HOST:PORT" (https:// for a hub with a certificate)
    const char *join_code;   // needed only until a token is stored; NULL = use the token
    const char *token_path;  // where the device token lives (created 0600); required
    const char *device_name; // shown in the panel; NULL = the host name
    const char *lesson_dir;  // where lessons sent by the hub are cached; NULL = none fetched
    // https:// only: the hub's certificate (PEM) that the connection must
    // present; NULL = any certificate (encrypted, but not authenticated).
    const char *hub_cert;
    size_t max_queue;        // statements kept for resending; 0 = 100000
    // Files a launch lists (`files`, fetched by SHA-256) are kept here,
    // content-addressed, least recently used first out (net_content.c).
    // NULL = $XDG_CACHE_HOME/stoa/content (~/.cache/stoa/content).
    const char *cache_dir;
    uint64_t cache_max_bytes; // 0 = 2 GiB
    // A launch's baked scene (`bakes`, docs/hub.md "Baked scenes") is fetched
    // and laid out beside the scene ("<scene>.stoabake", which the scene
    // loader checks and takes into its cache) when its `format` is this
    // string (stoa_scene_cache_format) and scene_cache_dir has no file of
    // its key yet. NULL: baked scenes are not fetched (the scene is imported).
    const char *bake_format;
    const char *scene_cache_dir;
} stoa_net_desc;

// What the panel shows for this headset; strings are copied.
typedef struct stoa_net_status {
    const char *lesson_id;    // NULL/"" = no lesson running
    const char *state;        // current state id
    const char *state_title;  // in the learner's language
    const char *registration; // the run's UUID (the trace's context.registration)
    // The registration of the hub's launch command when the lesson went on
    // under its own (restarted in place): the hub files it under that launch.
    const char *launched_as;
    double progress;          // 0..1
    double score;
    double idle_s;            // seconds since the learner last did anything
    double fps;
    double expected_s;        // the state's expected_seconds (0 = none)
    bool paused;
    // The last thing that went wrong that the instructor should know of
    // (a launched lesson that could not start); NULL/"" = none.
    const char *error;
    // The class period (docs/hub.md, "Headset protocol"): "lobby",
    // "loading", "lesson" or "result"; NULL = not sent.
    const char *phase;
    const char *learner_id; // the learner signed in here; NULL/"" = none
    // Phase "result": how the lesson that just ended went.
    bool has_result, completed;
    int success;       // -1 = unknown (null), 0, 1
    bool has_score;
    double result_score;
    double message_s;  // seconds the teacher's message stays up from now (0 = none shown)
    // Live views (docs/hub.md, "Live views, hands and attention"):
    bool hand;         // the learner's hand is raised
    int attention;     // the gaze is on one of the state's key nodes: 1, elsewhere: -1; 0 = not known (not sent)
    const char *seat;  // "desktop" for `stoa play`; NULL/"" = a headset (not sent)
    // Tabletop AR (docs/ar.md, "Placing together"): "placing", "marker",
    // "waiting", "placed" or "shared"; NULL = no model to place (not sent).
    const char *placement;
    // The transfer of a launch's files ({"done","total"}) is added by the
    // net thread itself while it fetches them.
} stoa_net_status;

typedef enum stoa_net_command_kind {
    STOA_NET_CMD_NONE = 0,
    STOA_NET_CMD_LAUNCH,    // lesson, lesson_id, sha256, registration (+ lesson_path when fetched)
    STOA_NET_CMD_PAUSE,     // dim the view, show "look at the teacher"
    STOA_NET_CMD_RESUME,
    STOA_NET_CMD_SKIP,      // leave the current state as the lesson's skip_to says
    STOA_NET_CMD_GOTO,      // state
    STOA_NET_CMD_RESTART,
    STOA_NET_CMD_END,
    STOA_NET_CMD_LOOK_HERE, // node: an arrow to it for every learner
    STOA_NET_CMD_MESSAGE,   // text: a broadcast message
    STOA_NET_CMD_SIGNIN,    // learner_id, text = the name, number: a learner signed in here
    STOA_NET_CMD_SIGNOUT,   // back to no learner
    STOA_NET_CMD_SIGNIN_REFUSED, // learner_id, text = why ({"t":"signin_refused"})
    STOA_NET_CMD_PLACE_TOGETHER, // tabletop AR: the class's model at one physical spot (docs/ar.md)
} stoa_net_command_kind;

typedef struct stoa_net_command {
    stoa_net_command_kind kind;
    char lesson[256];       // file name in the hub's library
    char lesson_id[128];
    char sha256[65];
    char lesson_path[1024]; // the fetched lesson file (checked by hash), "" when not fetched
    char registration[40];
    char state[256];
    char node[256];
    char text[512];
    char learner_id[40];    // launch: the learner the run is for; signin: who signed in
    char number[32];        // signin: the learner's number in the class
    // launch: why the lesson or one of its files could not be fetched
    // (lesson_path is then ""); the headset stays where it is and says so.
    char error[256];
    // launch: the lesson's files fetched from the hub for it, and those the
    // content cache already held (nothing is sent twice).
    uint32_t files_fetched, files_cached;
    uint64_t bytes_fetched;
} stoa_net_command;

// The class roster the lobby lists for self sign-in ({"t":"class"}).
#define STOA_NET_MAX_LEARNERS 512
typedef struct stoa_net_learner {
    char learner_id[40];
    char name[128];
    bool pin; // a 4-digit PIN is asked
} stoa_net_learner;
typedef struct stoa_net_class {
    char class_id[64];
    char title[128];
    uint32_t count; // 0 = no self sign-in
    stoa_net_learner learners[STOA_NET_MAX_LEARNERS];
} stoa_net_class;

typedef struct stoa_net_info {
    bool connected;      // joined and the WebSocket is up
    int64_t device_id;   // 0 until joined
    size_t queued;       // statements not yet acknowledged
    uint64_t acked;      // acknowledged by the hub since create
    uint64_t rejected;   // refused by the hub as invalid (they stay in the local log)
    uint64_t dropped;    // over max_queue: only in the local log
    uint32_t reconnects;
    char last_error[256];
} stoa_net_info;

typedef struct stoa_net stoa_net;

// Validates the desc and starts the thread; joining and connecting happen
// there (see stoa_net_get_info). Errors: missing/bad hub_url or token_path,
// no stored token and no join code.
stoa_result stoa_net_create(const stoa_net_desc *desc, stoa_net **out_net, stoa_error *err);
// Tries for up to flush_ms to get queued statements acknowledged, then
// stops the thread and frees. *net becomes NULL.
void stoa_net_destroy(stoa_net **net, int flush_ms);

void stoa_net_send_status(stoa_net *net, const stoa_net_status *status);
// One xAPI statement (a JSON object with an "id"), e.g. one trace-log line
// (a trailing newline is fine). Copied. false when it is not one (bad JSON,
// no id) or the queue is full.
bool stoa_net_send_statement(stoa_net *net, const char *json_line);
// Follows a trace log as it grows (the way `stoa run` uses this module: the
// log is written first, then each complete line is sent). Replaces the file
// followed before; NULL stops following. Read on the net thread from the
// start of the file (the hub ignores what it already has).
void stoa_net_follow_log(stoa_net *net, const char *log_path);
// Queues every statement of a trace log (a previous run's): returns how many.
size_t stoa_net_resend_log(stoa_net *net, const char *log_path);
// The newest class roster, once per {"t":"class"} message: true and *out
// filled (out is large: keep it on the heap), false when none came since.
bool stoa_net_take_class(stoa_net *net, stoa_net_class *out);
// The learner picked a name (and typed a PIN, "" when none) in the lobby:
// {"t":"signin",...} to the hub, which answers with signin or signin_refused.
void stoa_net_send_signin(stoa_net *net, const char *learner_id, const char *pin);
void stoa_net_send_signout(stoa_net *net);
// Takes the oldest command that arrived; false when none.
bool stoa_net_poll_command(stoa_net *net, stoa_net_command *out);
void stoa_net_get_info(stoa_net *net, stoa_net_info *out);
// Waits (up to timeout_ms) until every queued statement is acknowledged
// (and a followed log was read to its end).
// For tools and tests, not the frame loop. STOA_OK or STOA_TIMEOUT.
stoa_result stoa_net_flush(stoa_net *net, int timeout_ms);

const char *stoa_net_command_name(stoa_net_command_kind kind); // "launch", ...

// ---- live views (net_view.c) ------------------------------------------------
// What the hub asks for ({"t":"view","on","width","fps"}): the teacher's
// panel is watching this headset. Off after a disconnect.
typedef struct stoa_net_view_want {
    bool on;
    uint32_t width; // of the picture, pixels (the hub's choice, clamped 64..1024)
    double fps;     // pictures a second (clamped 0.1..15)
} stoa_net_view_want;
void stoa_net_get_view_want(stoa_net *net, stoa_net_view_want *out);
typedef struct stoa_net_view_meta {
    int64_t drawn_unix_ms; // when the frame it shows was drawn (for the latency)
    bool has_gaze;
    float gaze[2];         // where the learner looks in the picture, 0..1 from the top left
    bool bgra;             // the pixels are B, G, R, A (a BGRA swapchain's)
    int64_t recorded_unix_ms; // when the frame's commands (the snapshot's with them) were recorded (0 = not known)
    int64_t ready_unix_ms; // when the GPU's copy was picked up (0 = not known)
} stoa_net_view_meta;
// One picture (8-bit RGBA, or BGRA with meta->bgra, row 0 at the top), copied: the net thread encodes
// it as JPEG (libjpeg-turbo) and sends it after status, commands' answers and
// statements (a picture never goes before a statement waiting to be sent).
// A newer picture replaces one not sent yet. false when it is refused (too
// big, out of memory).
bool stoa_net_send_view(stoa_net *net, const uint8_t *rgba, uint32_t width, uint32_t height,
                        const stoa_net_view_meta *meta);
// Pictures sent and bytes of JPEG in them since create.
void stoa_net_view_counts(stoa_net *net, uint64_t *out_sent, uint64_t *out_bytes);
