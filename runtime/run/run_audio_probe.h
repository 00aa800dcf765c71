// SPDX-License-Identifier: Apache-2.0
// What the learner hears, measured (tests): with STOA_AUDIO_PROBE=FILE the
// lesson's audio is OpenAL Soft's loopback device (HRTF on) instead of the
// sound card, rendered each update for the lesson time that passed, and one
// JSON line a frame goes to FILE: {"t","yaw","l","r","narration"} — lesson
// seconds, the head's world yaw (radians, 0 = looking down -Z, positive =
// turned left), the RMS of the left and right channels, and whether a
// narration is playing; "ui" lists the interface sounds started since the
// line before, each with where it plays ("right@x,y,z"; run_ui_sound.c).
// The same for a headset (`stoa run`) and a desktop
// (`stoa play`): tests/play/test_play_audio.py turns the desktop camera.
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "audio/stoa_audio.h"

typedef struct run_audio_probe {
    FILE *out;
    int64_t last_ns;
    float *buf;
    int cap; // frames
    char ui[256]; // interface sounds started since the last line (run_ui_sound.c)
} run_audio_probe;

// Whether STOA_AUDIO_PROBE asks for a probe (the audio device to make: LOOPBACK).
bool run_audio_probe_wanted(void);
// Opens the probe's file (appended); false with a warning when it cannot be.
bool run_audio_probe_open(run_audio_probe *p);
// Renders what played since the last call and writes its line.
void run_audio_probe_frame(run_audio_probe *p, stoa_audio *a, int64_t now_ns,
                           const float head_forward[3]);
void run_audio_probe_close(run_audio_probe *p);
