// SPDX-License-Identifier: Apache-2.0
#include "run_survey.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/stoa_log.h"
#include "run_panels.h"

typedef struct run_survey {
    uint32_t next;                       // the question on show
    bool shown;                          // the first question is up
    int64_t started_ns;
    stoa_lesson_quiz quiz;               // the panel's view of the question
    stoa_lesson_text choices[6];
    stoa_lesson_text_entry entries[6];
    char labels[6][200];
} run_survey;

static void show(run_lesson *rl)
{
    run_survey *s = rl->survey;
    const stoa_lesson_survey_item *it = &rl->lesson->survey[s->next];
    bool scale = it->choice_count == 0;
    uint32_t n = scale ? 5 : it->choice_count;
    for (uint32_t i = 0; i < n && i < 6; i++) {
        if (scale) { // "1 · boring" ... "5 · fascinating"
            const char *label = i == 0 ? stoa_lesson_text_get(&it->low, rl->lang)
                                : i == 4 ? stoa_lesson_text_get(&it->high, rl->lang) : "";
            snprintf(s->labels[i], sizeof s->labels[i], "%u%s%s", i + 1, *label ? " · " : "", label);
        } else {
            snprintf(s->labels[i], sizeof s->labels[i], "%s", stoa_lesson_text_get(&it->choices[i], rl->lang));
        }
        s->entries[i] = (stoa_lesson_text_entry){.lang = NULL, .value = s->labels[i]};
        s->choices[i] = (stoa_lesson_text){.count = 1, .entries = &s->entries[i]};
    }
    s->quiz = (stoa_lesson_quiz){.id = it->id, .question = it->question, .choice_count = n,
                                 .choices = s->choices, .loc = it->loc};
    run_panels_show_quiz(rl, &s->quiz);
    stoa_trace_text names[8];
    stoa_trace_question_shown(rl->trace, it->id, run_lesson_names(rl, &it->question, names, 8),
                              rl->now_ns - rl->display0_ns);
}

void run_survey_start(run_lesson *rl)
{
    if (!rl->lesson->survey_count || rl->survey)
        return;
    if (!(rl->survey = calloc(1, sizeof(run_survey))))
        return;
    rl->survey->started_ns = rl->now_ns;
}

bool run_survey_tick(run_lesson *rl)
{
    run_survey *s = rl->survey;
    if (!s || s->next >= rl->lesson->survey_count)
        return false;
    // A last state often teleports the learner: the panel goes up in front
    // of where they stand after it, half a second after the end.
    if (!s->shown && !rl->teleport_pending && rl->now_ns - s->started_ns > 500000000LL) {
        s->shown = true;
        show(rl);
    }
    return rl->now_ns - s->started_ns < (int64_t)RUN_SURVEY_MAX_S * 1000000000LL;
}

bool run_survey_answer(run_lesson *rl, run_panel *panel, int32_t choice)
{
    run_survey *s = rl->survey;
    if (!s || !s->shown || panel->quiz != &s->quiz || s->next >= rl->lesson->survey_count || choice < 0)
        return false;
    const stoa_lesson_survey_item *it = &rl->lesson->survey[s->next];
    // a scale answers "1".."5"; a choice "a".."f", as quiz answers do
    char response[2] = {(char)(it->choice_count ? 'a' + choice : '1' + choice), 0};
    stoa_trace_text names[8];
    stoa_trace_answered(rl->trace,
                        &(stoa_trace_answer){.question_id = it->id,
                                             .names = run_lesson_names(rl, &it->question, names, 8),
                                             .interaction_type = it->choice_count ? "choice" : "likert",
                                             .response = response, .survey = true},
                        rl->now_ns - rl->display0_ns);
    STOA_LOGI("run", "survey '%s': the learner chose %s", it->id, response);
    run_panels_hide(rl, it->id);
    if (++s->next < rl->lesson->survey_count)
        show(rl);
    return true;
}

bool run_survey_owns(const run_lesson *rl, const run_panel *panel)
{
    return rl->survey && panel && panel->quiz == &rl->survey->quiz;
}

void run_survey_free(run_lesson *rl)
{
    free(rl->survey);
    rl->survey = NULL;
}
