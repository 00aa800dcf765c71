// SPDX-License-Identifier: Apache-2.0
// Attention to narration in `stoa run` (docs/traces.md, "Attention to
// narration"): while a narration placed at a node plays, how long the
// learner faces that node; when it finishes or is cut short (the learner
// moved on, the instructor skipped), a `listened` statement says so.
// Internal to `stoa run`.
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "run_lesson.h"

// Facing = the gaze direction within this angle of the direction to the node.
#define RUN_ATTENTION_DEGREES 30.0f

// A narration asked for (node < 0: at the learner, no source to face).
void run_attention_start(run_lesson *rl, uint32_t audio_id, const char *lesson_id, int32_t node);
// The audio started playing it (queued narrations wait their turn).
void run_attention_playing(run_lesson *rl, uint32_t audio_id);
// Every frame, after the head pose is known (rl->head_world, head_forward).
void run_attention_tick(run_lesson *rl, int64_t now_ns);
// A narration ended: finished, or cut short (skipped: the learner moved on,
// the instructor skipped). Writes its statement once, if it ever played.
void run_attention_end(run_lesson *rl, uint32_t audio_id, bool finished);
// Narrations still playing when the session closes are not judged.
void run_attention_free(run_lesson *rl);
