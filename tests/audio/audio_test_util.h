// SPDX-License-Identifier: Apache-2.0
// Shared helpers for the audio tests: tiny sound files written with
// libsndfile, a loopback device, and per-channel energy of rendered audio.
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "audio/stoa_audio.h"

#define TEST_RATE 48000

typedef enum test_format { TEST_WAV, TEST_OGG, TEST_FLAC } test_format;

// A fresh folder for this test run's files (under the build folder when
// ctest runs us, else /tmp). Returned path lives until exit.
const char *test_dir(void);
// test_dir()/name, in a static rotating buffer (valid for a few calls).
const char *test_path(const char *name);

// Writes a sine (amplitude 0 = silence) of `seconds` to `name` in test_dir.
// channels > 1 repeat the same sine in every channel. Returns the full path.
const char *write_tone(const char *name, test_format fmt, int channels, int rate, double seconds,
                       double freq_hz, double amplitude);
// Writes broadband noise (fixed seed), mono: interaural level differences
// are largest at high frequencies, so this pans more clearly than a sine.
const char *write_noise(const char *name, int rate, double seconds, double amplitude);
// Writes `size` pseudo-random bytes (a "corrupt" file).
const char *write_garbage(const char *name, int size);

// A loopback device at TEST_RATE with HRTF as asked; base_dir = test_dir().
stoa_audio *make_loopback(bool hrtf);

// Renders `seconds` of audio; out_l/out_r get each channel's RMS.
void render_rms(stoa_audio *a, double seconds, double *out_l, double *out_r);

// Renders in 10 ms blocks, advancing a simulated clock by the samples
// rendered and calling stoa_audio_update after each block, for `seconds`.
// *clock_ns is the running clock. Events are collected into `events`
// (up to max) and their count returned via *count.
void run_clock(stoa_audio *a, int64_t *clock_ns, double seconds, stoa_audio_event *events, int max,
               int *count);

// Captured log lines (warn and above) since the last capture_logs_reset().
void capture_logs_reset(void);
const char *captured_logs(void);
