// SPDX-License-Identifier: Apache-2.0
// "Look here": the teacher points every learner at a node (run_lesson.h).
#include "run_lesson.h"

void run_lesson_look_here(run_lesson *rl, int32_t node)
{
    rl->arrow_node = node;
}
