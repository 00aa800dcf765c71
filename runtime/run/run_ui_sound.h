// SPDX-License-Identifier: Apache-2.0
// Interface sounds (assets/README.md): select, hover, right, wrong, panel
// open and a teacher's message, played through the audio module at their
// source (the node, the panel) so they come from where the thing is. The
// files are assets/sounds/NAME.wav, installed as share/stoa/sounds; the
// folder comes from run_lesson_desc.sounds_dir, or $STOA_SOUNDS_DIR. No
// folder, no sound: nothing else changes.
#pragma once

#include "run_lesson.h"

typedef enum run_sound {
    RUN_SOUND_SELECT = 0,
    RUN_SOUND_HOVER,
    RUN_SOUND_RIGHT,
    RUN_SOUND_WRONG,
    RUN_SOUND_PANEL,
    RUN_SOUND_MESSAGE,
    RUN_SOUND_COUNT
} run_sound;

const char *run_sound_name(run_sound s); // "select", ..., the file's name without .wav
// Plays s at the node (node >= 0), else at the world position (pos), else
// at the learner's head. Counts what it played (run_lesson.sounds_played).
void run_ui_sound(run_lesson *rl, run_sound s, int32_t node, const float *pos);
