// SPDX-License-Identifier: Apache-2.0
// The end-of-lesson survey in the headset (docs/lesson-format.md, "Surveys"):
// one question at a time on the quiz panel, answered by ray or gaze like a
// quiz, recorded as xAPI `answered` statements marked as survey answers.
// Internal to `stoa run`.
#pragma once

#include <stdbool.h>

#include "run_lesson.h"

// When the lesson ends: starts the survey, if the lesson has one.
void run_survey_start(run_lesson *rl);
// Every frame after the end: puts the first question up once the learner
// stands still (after a last teleport); true while a question waits for its
// answer (the session stays open for it, at most RUN_SURVEY_MAX_S).
bool run_survey_tick(run_lesson *rl);
// An answer on `panel`: true when it was the survey's (recorded; next shown).
bool run_survey_answer(run_lesson *rl, run_panel *panel, int32_t choice);
// Whether `panel` shows a survey question.
bool run_survey_owns(const run_lesson *rl, const run_panel *panel);
void run_survey_free(run_lesson *rl);

#define RUN_SURVEY_MAX_S 120
