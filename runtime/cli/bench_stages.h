// SPDX-License-Identifier: Apache-2.0
// `stoa bench load --stages` (bench_stages.c): where a first load (no cache
// file, textures deferred) spends its time, per file and stage, from the
// scene module's stage timers and the upload's three calls.
#pragma once

#include "scene/stoa_scene.h"

typedef struct bench_stage_row {
    double scene[STOA_SCENE_STAGE_COUNT]; // stoa_scene_stage_ms, summed over runs
    double upload[3];                     // upload begin, fill, end (summed)
    double first;                         // first-frame time (summed)
    double gpu; // after first: waiting until the device has done the upload (summed)
    int runs;
} bench_stage_row;

// Around one timed first load: turns the scene's timers on and empties them;
// then adds what they hold to *row and turns them off.
void bench_stages_start(void);
void bench_stages_stop(bench_stage_row *row);
// Keeps a file's row (the name is copied) / prints every row kept and their
// total (means per run, ms), then forgets them.
void bench_stages_keep(const char *name, const bench_stage_row *row);
void bench_stages_print(void);
