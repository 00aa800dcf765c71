// SPDX-License-Identifier: Apache-2.0
// A state's task in `stoa run`: each move the lesson machine judged
// (TASK_STEP) written to the learner's trace as an `answered` statement of
// interaction type `performance` (docs/traces.md, "Task steps"), and a
// put-down outside every zone handed to the machine as a place with no zone.
// Internal to `stoa run`.
#pragma once

#include "run_lesson.h"

// Writes one judged task move to the trace.
void run_task_step(run_lesson *rl, const stoa_lesson_action *a, int64_t trace_ns);
// Writes the whole task's result (TASK_DONE): time to finish, errors, and
// success (no errors, within the time limit) as an `answered` statement on
// .../tasks/<id> (docs/traces.md, "Task steps").
void run_task_done(run_lesson *rl, const stoa_lesson_action *a, int64_t trace_ns);
// After a RELEASE of `node` (event index i of this frame's output): when no
// PLACE of the same node follows it in the frame, the learner put it down
// outside every zone: the machine hears a PLACE with no zone (task moves
// such as `place: {node: X}` judge it; place triggers never hold on it).
void run_task_put_down(run_lesson *rl, const stoa_interact_output *io, uint32_t i, const char *node);
