// SPDX-License-Identifier: Apache-2.0
// The curriculum part of `stoa lint` (lint_curriculum.c).
#pragma once

#include <stdbool.h>

#include "eval/stoa_eval.h"
#include "lesson/stoa_lesson.h"

// The file starts a line with `stoa_curriculum:` (docs/curriculum-format.md).
bool stoa_lint_is_curriculum(const char *path);
// Lints a curriculum and the lessons its `file:` entries name; exit status.
int stoa_lint_curriculum(const char *path, bool allow_warnings);
// Prints the parse error and returns NULL when the curriculum is bad.
stoa_eval_curriculum *stoa_lint_load_curriculum(const char *path);
// Prints a warning per state concept the curriculum does not know; the count.
int stoa_lint_lesson_concepts(const stoa_lesson *l, const char *lesson_path,
                              const stoa_eval_curriculum *c, const char *curriculum_path);
