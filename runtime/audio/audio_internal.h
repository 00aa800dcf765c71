// SPDX-License-Identifier: Apache-2.0
// Private to runtime/audio: the OpenAL-facing state behind stoa_audio.h.
// Nothing outside this folder may include it (OpenAL types stay here).
#pragma once

#include <AL/al.h>
#include <AL/alc.h>
#include <AL/alext.h>
#include <stdint.h>

#include "stoa_audio.h"

#define AUDIO_LOG "audio"
#define AUDIO_PATH_MAX 4096
#define AUDIO_MAX_VOICES 64
#define AUDIO_MAX_EVENTS 256
// Longest clip we decode into memory: narration is short, and this keeps a
// hostile file from asking for gigabytes.
#define AUDIO_MAX_SECONDS 600.0

// Converts a pending AL error into a stoa_result (logged, and written into
// err when non-NULL) naming the call, file and line. Usable on void calls:
//   if (AUDIO_AL(err, alSourcePlay(src)) < 0) ...
stoa_result audio_al_check(stoa_error *err, const char *call, const char *file, int line);
#define AUDIO_AL(err, call) ((call), audio_al_check((err), #call, __FILE__, __LINE__))

// ---- decoding (audio_decode.c; libsndfile, no OpenAL) -------------------

typedef struct audio_pcm {
    int16_t *samples; // mono, malloc'd; audio_pcm_fini frees
    int64_t frames;
    int sample_rate;
    int file_channels; // channels in the file before the downmix
} audio_pcm;

// Decodes the whole file to mono 16-bit. Errors name the file.
stoa_result audio_decode_mono16(const char *path, audio_pcm *out, stoa_error *err);
void audio_pcm_fini(audio_pcm *pcm);
// Reads only the header: duration and channel count.
stoa_result audio_probe(const char *path, double *out_duration_s, int *out_channels,
                        stoa_error *err);

// ---- clip cache (audio_clip.c) ------------------------------------------

typedef struct audio_clip {
    char *path;    // resolved path, the cache key
    ALuint buffer; // 0 when no OpenAL device (SILENT)
    double duration_s;
} audio_clip;

typedef struct audio_clip_cache {
    audio_clip *items;
    int count, cap;
} audio_clip_cache;

// Finds or loads `rel` (confined to a->base_dir) and copies the entry into
// *out_clip; its path and buffer stay owned by the cache until
// audio_clip_cache_fini. Errors name the file.
stoa_result audio_clip_get(stoa_audio *a, const char *rel, audio_clip *out_clip, stoa_error *err);
void audio_clip_cache_fini(audio_clip_cache *cache);

// ---- voices: OpenAL sources in use (audio_voice.c) -----------------------

typedef struct audio_voice {
    bool used;
    uint16_t generation;
    ALuint source;
    stoa_audio_place place;
    float gain;
    bool duck;      // ambience lowered under narration
    bool narration; // owned by the narration queue, not by a sound id
} audio_voice;

// Starts `clip` on a free voice; *out_index is its slot.
stoa_result audio_voice_start(stoa_audio *a, const audio_clip *clip, const stoa_audio_place *place,
                              float gain, bool loop, bool duck, bool narration, int *out_index,
                              stoa_error *err);
void audio_voice_release(stoa_audio *a, int index);
bool audio_voice_stopped(stoa_audio *a, int index);
uint32_t audio_voice_id(const stoa_audio *a, int index);
// Pulls node positions, applies the duck level, reaps ended one-shots.
void audio_voices_update(stoa_audio *a);

// ---- narration queue (audio_narration.c) ----------------------------------

typedef struct audio_narration {
    uint32_t id;
    uint64_t user_tag;
    audio_clip clip; // buffer 0 with duration = reading time when silent
    bool silent;     // no playable audio: plays on the clock
    stoa_audio_place place;
    float gain;
    int voice;      // slot while playing through OpenAL, else -1
    int64_t end_ns; // clock-played narration: when it ends
} audio_narration;

// Finishes the current narration when it ended, starts the next one.
void audio_narration_update(stoa_audio *a);
void audio_narration_fini(stoa_audio *a);

// ---- events and the device's health (audio_update.c) ---------------------

// Whether sources can be heard: a context exists and the device was not
// lost (an unplugged headset turns the session SILENT, see audio_update.c).
bool audio_audible(const stoa_audio *a);

void audio_push_event(stoa_audio *a, stoa_audio_event_type type, const audio_narration *n,
                      bool skipped);

struct stoa_audio {
    stoa_audio_device_kind kind;
    ALCdevice *device;
    ALCcontext *context;
    LPALCRENDERSAMPLESSOFT render_samples;
    int sample_rate;
    bool hrtf;

    char base_dir[AUDIO_PATH_MAX]; // "" = paths used as given
    float duck_gain, duck_fade_s, duck_level;
    stoa_audio_node_position_fn node_position;
    void *node_position_user;

    int64_t now_ns; // time of the latest update
    bool updated_once;

    audio_clip_cache clips;
    audio_voice voices[AUDIO_MAX_VOICES];

    audio_narration *queue; // queue[0] plays when `playing`
    int queue_count, queue_cap;
    bool playing;
    uint32_t next_narration_id;

    stoa_audio_event events[AUDIO_MAX_EVENTS];
    int event_head, event_count;
};
