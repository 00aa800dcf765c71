// SPDX-License-Identifier: Apache-2.0
// The learner's session inside `stoa run`: the scene, the headset, the
// interaction module, and (from the lessons issue on) the lesson, audio and
// trace. Glue only: every piece of logic lives in its module.
#pragma once

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>

#include "core/stoa_result.h"
#include "gfx/stoa_gfx.h"
#include "gfx/stoa_gfx_arrive.h"
#include "interact/stoa_interact.h"
#include "scene/stoa_scene.h"
#include "run_ar.h"
#include "run_class.h"
#include "run_hub.h"
#include "run_lesson.h"
#include "run_overlay.h"
#include "run_view.h"

// Who drives the session: the headset's frame loop (runtime/headset, OpenXR)
// or the desktop's play mode (runtime/play, a GLFW window). Both call
// run_session_step each frame: one lesson machine, interaction and UI. This
// module knows neither: what it needs of the front-end goes through
// run_front_ops (the module graph stays one way: headset and play use run).
typedef enum run_front {
    RUN_FRONT_HEADSET = 0,
    RUN_FRONT_DESKTOP,
} run_front;

typedef struct run_options {
    run_front front;
    const char *scene_path;
    const char *events_path;     // JSON Lines of interaction events, or NULL
    stoa_gfx_stereo_mode stereo; // AUTO, MULTIVIEW or MULTIPASS
    uint32_t msaa;
    bool seated;
    bool force_vulkan1;
    double max_seconds; // > 0: ask the runtime to exit after this long
    const char *grab_nodes; // comma-separated node names the learner may pick up
    float dwell_s;          // gaze dwell threshold, 0 = the interaction default
    bool mirror;            // show the left eye in a desktop window (the headset front-end)
    // A lesson (.yaml) instead of a bare scene: scene_path is then the
    // lesson's; these go to run_lesson.
    const char *lesson_path;
    run_lesson_desc lesson;
    run_hub_options hub; // --hub/--join: the classroom hub (run_hub.c)
    run_present present; // --ar / --vr over the lesson's presentation (run_ar.c)
    // --sky HH:MM|off and --shadows off|low|high (run_sky.c); NULL: the
    // lesson's sky, else 10:30 with low shadows.
    const char *sky;
    const char *shadows;
    // assets/controllers/controllers.glb: the hands' models (run_hands.c);
    // NULL = lasers only.
    const char *controllers_path;
    // The panel icons' folder (share/stoa/icons; $STOA_ICONS_DIR overrides);
    // NULL or missing = the panels' marks stay glyphs, with a warning.
    const char *icons_dir;
} run_options;

typedef struct run_session run_session;

// What the shared session asks of its front-end; any may be NULL.
typedef struct run_front_ops {
    // Pipelines for a scene just swapped in (the frame thread; overlay: the
    // overlay's pass). NULL: the front-end makes them when first drawn.
    stoa_result (*prepare)(void *user, const stoa_gfx_scene *scene, bool overlay, stoa_error *err);
    // The render pass a loader makes a new scene's pipelines for.
    stoa_result (*pass_info)(void *user, stoa_gfx_pass_info *out, stoa_error *err);
    // The lesson ended (without a hub): end the front-end's session too.
    void (*request_exit)(void *user);
    // run_session_fini, after the workers stopped: the GPU copies
    // (run_session_release_gpu) and the front-end's device go. NULL:
    // run_session_fini releases the GPU copies itself.
    void (*release)(void *user);
    // AR: blend modes, passthrough, planes, anchors (run_ar_xr.c); NULL on
    // a desktop.
    const run_xr_ops *xr;
} run_front_ops;

// The picking BVH rebuilt on a worker (run_pick.c).
typedef struct run_pick {
    bool busy, again;
    pthread_t thread;
    atomic_int done;
    stoa_pose *pose;  // a still copy of the scene's pose for the worker
    stoa_bvh *built;  // the worker's result
} run_pick;

// A lesson the hub launched, loading on a worker thread (run_content.c).
typedef struct run_switch {
    bool busy;             // the worker runs or has results to take
    pthread_t thread;
    atomic_int done;       // set by the worker when it has finished
    char path[4096];
    char registration[40];
    char learner[40];       // the actor's account name ("" = the pseudonym)
    char current_scene[4096];
    bool same_scene;
    stoa_result result;
    stoa_error err;
    // The new scene's GPU copy, made on the worker for this renderer (the
    // frame thread only submits it: stoa_gfx_scene_upload_end).
    stoa_gfx_renderer *renderer;
    stoa_gfx_upload *upload;
    // The headset's render pass, taken when the switch starts: the worker
    // makes the new scene's pipelines for it (stoa_gfx_scene_upload_prepare).
    stoa_gfx_pass_info pass;
    uint64_t sky_key; // the sky on the headset when the switch started (run_sky_key)
    // What the worker makes (lesson, scene, pose, BVH, interaction), in a
    // session of its own on the heap; the frame thread takes the pieces over.
    run_session *scratch;
} run_switch;

struct run_session {
    const run_options *opt;
    stoa_scene *scene;
    stoa_pose *pose;
    stoa_bvh *bvh;
    stoa_interact *interact;
    const run_front_ops *front;   // who drives the session (set by the front-end)
    void *front_user;
    stoa_gfx_renderer *renderer;  // the front-end's, for GPU copies of scenes
    stoa_gfx_scene *gscene;
    // gscene's textures and levels of detail still arriving (run_stream.c;
    // run_stream_stop resets it for the next gscene).
    stoa_gfx_arrivals arrive;
    // cpu_count when textures began / finished streaming in (UINT32_MAX: not yet).
    uint32_t stream_span[2];
    FILE *events;
    double anim_time;
    int64_t last_display_ns;
    uint64_t frames;
    uint32_t event_count;
    uint32_t session_losses;
    bool grabbing;
    bool simworld_warned; // run_simworld.c could not write its file (said once)
    run_lesson lesson; // used when opt->lesson_path is set
    run_lesson_desc lesson_desc; // the lesson now played (a hub launch may change it)
    char switch_path[4096];      // storage for a lesson the hub launched
    char switch_registration[40];
    char switch_learner[40];
    run_class cls;     // the class period with --hub: lobby, result, sign-in (run_class.c)
    bool in_class;     // --hub: lessons come from launches, the session outlives them
    run_lesson *drawn_panels; // whose panels the overlay showed last frame
    run_hub hub;       // classroom hub connection (run_hub.c); idle without --hub
    run_view view;     // the teacher's live view, the hand, attention (run_view.c)
    run_switch sw;     // a launched lesson loading on a worker
    pthread_t retire_thread; // frees what the last switch let go (run_content.c)
    bool retiring;
    run_pick pick;     // the picking BVH rebuilt on a worker
    run_overlay overlay;
    uint32_t *highlights; // node indices for the renderer
    bool lesson_on;
    bool exit_requested;
    bool paused_by_loss; // the lesson waits for the headset to come back
    // Nodes a learner has moved keep their place across frames (the
    // animation pass resets the pose every frame).
    bool *moved;
    float (*moved_trs)[10];
    // Per-frame time in Stoa's own code (µs): pairs of the frame thread's
    // CPU time and the wall-clock time of the same span (which adds time
    // spent descheduled on a busy machine).
    double (*cpu_us)[2];
    uint32_t cpu_count, cpu_cap;
    // What the frame path did that could stall it, and what went wrong and
    // was survived (docs/learner-runtime.md, "Errors").
    stoa_gfx_stats gfx_at_start; // at the first frame
    stoa_gfx_stats gfx_at_end;   // when the loop ended (before teardown)
    uint64_t recovery_idle_waits; // device-idle waits while rebuilding after a loss
    uint32_t frames_skipped;      // frames dropped on an error, the session going on
    uint32_t instance_rebuilds;   // OpenXR instance / Vulkan device made again
    uint32_t launches_failed;     // hub launches that could not start
    uint32_t hidden_version;      // of the lesson's hidden nodes, as the BVH has them
    run_ar ar;                    // AR: blend mode, environment hidden, room fade (run_ar.c)
    struct run_sky *sky_state;    // the resolved sky and the scene's extras (run_sky.c)
};

// run_stream.c: the scene's textures stream in while frames are drawn, and
// its levels of detail, once made, reach its GPU copy (stoa_gfx_arrivals).
// run_stream_frame: the frame thread, once per frame, before drawing;
// run_stream_stop: before gscene or scene is destroyed or replaced.
void run_stream_frame(run_session *s, stoa_gfx_renderer *renderer, int64_t now_ns);
void run_stream_stop(run_session *s);

// run_content.c: the scene and lesson the session shows.
stoa_result run_content_load(run_session *s, stoa_error *err);
void run_content_drop_scene(run_session *s);
// Starts loading the lesson at `path` (fetched from the hub) and, when it
// differs, its scene, on a worker thread; the current lesson goes on.
// learner: the actor's account name (a signed-in learner's id), "" or NULL
// for the pseudonym.
stoa_result run_content_switch_lesson(run_session *s, const char *path, const char *registration,
                                      const char *learner, stoa_error *err);
// Between frames: once the worker is done, uploads the new scene, ends the
// current lesson and plays the new one (*out_switched). A lesson or scene
// that failed to load leaves everything as it was and returns the error.
stoa_result run_content_switch_poll(run_session *s, bool *out_switched, stoa_error *err);
// Waits for a worker still loading and throws its work away.
void run_content_switch_cancel(run_session *s);
// Waits for what a switch let go to be freed (the old trace's last write).
void run_content_retire_wait(run_session *s);
// Ends *lesson off the frame thread, as a switch ends the lesson it replaces
// (its trace's last write and sync, its audio; the hub offered its log
// again); *lesson is zeroed at once (`stoa play` reloading an edited lesson).
void run_content_retire_lesson(run_session *s, run_lesson *lesson);

// run_period.c: the lesson's place in the session. Without a hub the lesson
// given plays and the session ends a little after it. With a hub the session
// starts in the lobby; each launch plays a new run; its end shows the result,
// then the lobby again, the session kept.
stoa_result run_period_init(run_session *s, stoa_error *err); // after run_content_load
void run_period_switch(run_session *s); // a launch: between frames
void run_period_frame(run_session *s, const stoa_interact_output *out, const stoa_interact_frame *in,
                      int64_t now_ns);
// The panels the overlay draws this frame (the lesson's or the lobby's), or NULL.
run_lesson *run_period_panels(run_session *s);
bool run_period_dimmed(const run_session *s); // the lobby or a pause: the scene dims

// run_lobby_scene.c: writes the calm lobby scene (glTF) into the cache
// folder and gives its path; false when it cannot be written.
bool run_lobby_scene_path(char *out, size_t size);

// run_pick.c: after a grabbed node is put down, a new BVH is built on a
// worker from a copy of the pose; poll swaps it in once per frame; cancel
// (before the scene goes) waits for the worker and drops its work. The
// first scene's BVH is built the same way, while OpenXR and the renderer
// start; wait (the first frame step, when there is no BVH yet) waits for
// it and swaps it in.
void run_pick_rebuild(run_session *s);
void run_pick_poll(run_session *s);
void run_pick_wait(run_session *s);
void run_pick_cancel(run_session *s);

// The frame path's figures for a report line (run_session.c): device-idle
// waits, descriptor pools and GPU objects the frame thread created (loader
// threads' left out: stoa_gfx_frame_scope) and pipelines compiled while
// recording, from the first frame to the end of the loop (recovery after a
// lost device left out), and Stoa's CPU time per frame (after the first 10
// frames; switching lessons in included): median, p99, max.
typedef struct run_frame_report {
    uint64_t idle_waits, descriptor_pools, frame_objects, pipelines_while_recording,
        deferred_frees;
    uint64_t texture_batches; // streamed textures installed between frames (run_stream.c)
    uint32_t frames_measured;
    double median_ms, p99_ms, max_ms;               // the frame thread's CPU time
    double wall_median_ms, wall_p99_ms, wall_max_ms; // the same, by the wall clock
} run_frame_report;
run_frame_report run_session_report(const run_session *s);

// One scene a front-end draws this frame (the first clears the image).
typedef struct run_draw {
    const stoa_gfx_scene *scene; // NULL: skip
    const stoa_pose *pose;
    stoa_gfx_render_options options;
} run_draw;

// One frame of the session, the same whatever drives it.
typedef struct run_step {
    stoa_gfx_device *device;     // in: where the overlay's GPU copy lives
    stoa_gfx_renderer *renderer; // in
    const char *profiles[2];     // in: the hands' interaction profiles (headset; NULL on a desktop)
    // out:
    float world_from_tracking[16]; // the rig (teleports move it)
    run_draw draws[2];             // the scene, then the overlay (panels, lasers, reticle)
    const stoa_interact_output *out; // this frame's interaction (haptics for a headset)
    stoa_result overlay_result;    // < 0: the overlay could not be made (draws[1] is empty)
    double split_ms[4];            // pose+input, lesson, hub, picking (slow-frame log)
} run_step;

// Poses the scene (dt seconds on), runs interaction on `in` (poses in
// tracking space; pose and bvh are filled here), the lesson or the lobby,
// the hub, and the overlay, and says what to draw. now_ns is the frame's
// display time on the session's clock. Returns the overlay's result (the
// frame can be shown without it).
stoa_result run_session_step(run_session *s, stoa_interact_frame *in, double dt, int64_t now_ns,
                             run_step *st, stoa_error *err);

// Loads the content, starts the hub connection and the class period. The
// front-end then sets s->front, s->renderer and makes s->gscene
// (runtime/headset, runtime/play).
// The session's sky from the options and the lesson (run_sky.c); err names
// the option. run_sky_frame sets it on the renderer (each frame; cheap: a
// switched lesson's sky comes resolved and baked, run_sky_prepare).
stoa_result run_sky_resolve(const run_options *o, const stoa_lesson *L, stoa_gfx_sky *out,
                            stoa_error *err);
void run_sky_frame(run_session *s, stoa_gfx_renderer *renderer);
// The current scene's glTF extras (read once per scene; NULL without a
// scene): its sky and the nodes it marks environment-only (run_ar.c).
const stoa_scene_extras *run_sky_extras(run_session *s);
void run_sky_fini(run_session *s);
// A lesson switch's loader (run_content.c), on its thread: the scratch
// session's sky resolved (extras, image) and its light baked for renderer
// unless it is current_key's (run_sky_key of the session on the headset).
void run_sky_prepare(run_session *scratch, stoa_gfx_renderer *renderer, uint64_t current_key);
uint64_t run_sky_key(run_session *s);
// The frame thread, at the swap: the scratch session's sky becomes s's (the
// old one goes with the scratch session).
void run_sky_take(run_session *s, run_session *scratch);
// A bake not yet handed to the renderer, freed before the renderer goes.
void run_sky_release_gpu(run_session *s);

stoa_result run_session_init(run_session *s, const run_options *opt, stoa_error *err);
void run_session_fini(run_session *s);

// ---- run_launch.c: launch time ------------------------------------------------
// Milliseconds since the process started (before main).
double run_launch_ms(void);
void run_launch_mark(const char *what); // STOA_LAUNCH_TRACE=1: a step of the launch, timed
// Logs "launch: first tracked frame submitted N ms after process start" the
// first time a frame with tracked views is submitted.
void run_launch_frame_submitted(const stoa_scene *scene, bool tracked);
// Frees the GPU copies (scene, overlay, live-view snapshots); the device
// must be idle (front-ends' teardown and recovery).
void run_session_release_gpu(run_session *s);
// Stoa's own time of one frame (µs), for run_session_report: the frame
// thread's CPU time and the same span by the wall clock.
void run_session_record_cpu(run_session *s, double cpu_us, double wall_us);
// The front-end's session ends (the lesson ended without a hub).
void run_session_request_exit(run_session *s);
