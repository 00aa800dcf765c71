// SPDX-License-Identifier: Apache-2.0
// Spatial audio: narration placed in the scene or at the learner's head,
// ambient loops ducked under narration, a listener that follows the head.
// Backed by OpenAL Soft with HRTF; no OpenAL type appears in this header.
//
// Life of a frame (learner runtime):
//
//   stoa_audio_set_listener(a, head_pos, head_quat);
//   stoa_audio_set_node_position(a, node, world_pos);   // for nodes with sound
//   stoa_audio_update(a, now_ns);                        // fades, queue, events
//   while (stoa_audio_poll_event(a, &ev)) { ... }        // "narration finished"
//
// Devices. STOA_AUDIO_DEVICE_DEFAULT opens the system's output; when there is
// none (a machine without a sound card) it logs one warning and runs
// silently: narration still "plays" on the clock for its true length, so
// "finished" events arrive as if heard and a lesson never stalls.
// STOA_AUDIO_DEVICE_LOOPBACK renders on demand into memory with
// stoa_audio_render() (tests, headless capture): time only passes for the
// audio when the caller renders.
//
// Files. Paths are relative to desc.base_dir (confined to it, see
// stoa_path_confine) or used as given when base_dir is NULL. WAV, OGG Vorbis
// and FLAC are decoded with libsndfile and cached by path; positional sources
// are mono, so multi-channel files are downmixed (with a warning).
// A missing or corrupt file is an error naming the file; narration then
// falls back to the subtitle's reading time (see stoa_audio_narrate).
//
// Ownership: stoa_audio_create allocates, stoa_audio_destroy frees
// everything (sources, buffers, the device) and NULLs the pointer. Strings
// passed in descriptors are copied; nothing returned needs freeing.
// Not thread-safe: call everything from one thread (the frame loop).
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/stoa_result.h"

typedef struct stoa_audio stoa_audio;

typedef enum stoa_audio_device_kind {
    STOA_AUDIO_DEVICE_DEFAULT = 0, // system output, silent fallback when none
    STOA_AUDIO_DEVICE_LOOPBACK,    // render on demand (stoa_audio_render)
    STOA_AUDIO_DEVICE_SILENT,      // no OpenAL at all; clips play on the clock
} stoa_audio_device_kind;

// Asks the caller where a scene node is now, in world metres (y up, -z
// forward, as glTF and OpenXR). Return false when the node is unknown: the
// source keeps its last position. Called from stoa_audio_update only.
typedef bool (*stoa_audio_node_position_fn)(void *user, uint32_t node, float out_position[3]);

typedef struct stoa_audio_desc {
    stoa_audio_device_kind device;
    const char *device_name; // DEFAULT only; NULL = the system default
    bool disable_hrtf;       // HRTF is on unless this is set
    int sample_rate;         // LOOPBACK: 0 = 48000 (stereo float output)
    const char *base_dir;    // folder audio paths are relative to; NULL = as given
    float duck_gain;         // ambience gain while narration plays; 0 = 0.3
    float duck_fade_s;       // time to fade down or back up; 0 = 0.3 s
    stoa_audio_node_position_fn node_position; // optional pull of node positions
    void *node_position_user;
} stoa_audio_desc;

// Creates the audio system. Fails only on bad arguments, out of memory or an
// explicit LOOPBACK that OpenAL cannot provide; a missing output device with
// DEFAULT is not an error (see above).
stoa_result stoa_audio_create(const stoa_audio_desc *desc, stoa_audio **out_audio, stoa_error *err);
void stoa_audio_destroy(stoa_audio **audio);

// The kind of device actually in use (DEFAULT falls back to SILENT, at
// creation when there is no output, or later when the output is lost).
stoa_audio_device_kind stoa_audio_device_in_use(const stoa_audio *a);
// Whether OpenAL reports HRTF as enabled on the device.
bool stoa_audio_hrtf_enabled(const stoa_audio *a);

// ---- listener and nodes -----------------------------------------------------

// Head pose: position in metres and orientation as a unit quaternion
// (x, y, z, w; cglm's versor layout). NULL orientation = identity.
void stoa_audio_set_listener(stoa_audio *a, const float position[3],
                             const float orientation_xyzw[4]);

// Moves every source attached to `node` (push style; alternatively give
// desc.node_position and the positions are pulled in stoa_audio_update).
void stoa_audio_set_node_position(stoa_audio *a, uint32_t node, const float position[3]);

// Where a sound sits. Zero = at the learner's head (head-locked).
typedef enum stoa_audio_anchor {
    STOA_AUDIO_AT_HEAD = 0, // follows the head, no direction
    STOA_AUDIO_AT_NODE,     // moves with a scene node
    STOA_AUDIO_AT_POSITION, // fixed world position
} stoa_audio_anchor;

typedef struct stoa_audio_place {
    stoa_audio_anchor anchor;
    uint32_t node;     // AT_NODE
    float position[3]; // AT_POSITION; AT_NODE: start position until updated
} stoa_audio_place;

// ---- narration ----------------------------------------------------------------

typedef struct stoa_audio_narration_desc {
    const char *path; // audio file; NULL = subtitle only (reading time)
    const char *text; // subtitle text, for the reading-time fallback
    stoa_audio_place place;
    float gain;        // 0 = 1.0
    uint64_t user_tag; // echoed in events (e.g. the lesson's action id)
} stoa_audio_narration_desc;

// Queues a narration; queued clips play one after another, in order.
// Always sets *out_id (ids are never reused, 0 is never an id) and always
// queues: when the file is missing, corrupt or cannot be played, the clip is
// queued as silent with the reading time of desc.text and the function
// returns the error (naming the file) so the caller can log it and show the
// subtitle. A "finished" event follows either way.
stoa_result stoa_audio_narrate(stoa_audio *a, const stoa_audio_narration_desc *desc,
                               uint32_t *out_id, stoa_error *err);

// Stops narration `id` now (0 = the one playing) or drops it from the queue;
// it reports FINISHED with skipped = true at the next poll. Unknown or
// already finished ids are ignored (STOA_ERROR_NOT_FOUND, nothing happens).
stoa_result stoa_audio_skip_narration(stoa_audio *a, uint32_t id);
// Skips the playing narration and everything queued, each reported skipped.
void stoa_audio_stop_all_narration(stoa_audio *a);
// True while a narration plays or waits in the queue.
bool stoa_audio_narration_busy(const stoa_audio *a);

// Seconds a reader needs for `text` (UTF-8): words for spaced scripts, code
// points for CJK, plus a short lead; never below 2 s. NULL or "" gives 2 s.
double stoa_audio_estimate_reading_s(const char *text);

// ---- ambient loops and other sounds -----------------------------------------------

typedef struct stoa_audio_sound_desc {
    const char *path;
    stoa_audio_place place;
    float gain;   // 0 = 1.0
    bool loop;    // ambient loops: true
    bool no_duck; // ambience is ducked under narration unless set
} stoa_audio_sound_desc;

// Starts a sound; *out_id is a generation-counted handle, never 0 for a
// playing sound. A missing or corrupt file returns the error naming the file
// (also logged); nothing plays. In SILENT mode it succeeds with *out_id = 0.
// One-shots (loop = false) release themselves when they end.
stoa_result stoa_audio_play(stoa_audio *a, const stoa_audio_sound_desc *desc, uint32_t *out_id,
                            stoa_error *err);
// Stops and releases a sound; a stale or unknown id is ignored.
void stoa_audio_stop(stoa_audio *a, uint32_t id);

// ---- frame update and events ------------------------------------------------

// Advances fades, starts queued narration and detects clips that ended.
// now_ns must not go backwards (an injected clock; see core/stoa_clock.h).
void stoa_audio_update(stoa_audio *a, int64_t now_ns);

typedef enum stoa_audio_event_type {
    STOA_AUDIO_EVENT_NONE = 0,
    STOA_AUDIO_EVENT_NARRATION_STARTED,
    STOA_AUDIO_EVENT_NARRATION_FINISHED, // played to its end, or skipped
} stoa_audio_event_type;

typedef struct stoa_audio_event {
    stoa_audio_event_type type;
    uint32_t narration_id;
    uint64_t user_tag;
    int64_t time_ns; // the update time at which it happened
    bool skipped;    // FINISHED by skip/stop rather than by reaching its end
    bool silent;     // the clip had no playable audio (reading-time fallback)
} stoa_audio_event;

// Pops the oldest event; false when none is left. Events queue up to a fixed
// limit (256); beyond it the oldest are dropped with a warning.
bool stoa_audio_poll_event(stoa_audio *a, stoa_audio_event *out_event);

// ---- loopback rendering and file checks -------------------------------------

// LOOPBACK only: renders `frames` frames of interleaved stereo float
// (left, right) into out. Anything else returns STOA_ERROR_UNSUPPORTED.
stoa_result stoa_audio_render(stoa_audio *a, float *out, int frames);
int stoa_audio_sample_rate(const stoa_audio *a);

// Checks that `path` decodes (header and all frames) without a device: for
// `stoa lint` and asset checks. Optional outputs may be NULL.
stoa_result stoa_audio_check_file(const char *path, double *out_duration_s, int *out_channels,
                                  stoa_error *err);
