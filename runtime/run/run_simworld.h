// SPDX-License-Identifier: Apache-2.0
// Publishes node and quiz-choice positions for xrsim's learner actions
// (run_simworld.c); does nothing unless STOA_XRSIM_WORLD names a file.
#pragma once

#include <stdint.h>

typedef struct run_session run_session;

// Once per frame, after the interaction and the lesson have run.
void run_simworld_frame(run_session *s, int64_t display_ns);
