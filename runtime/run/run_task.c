// SPDX-License-Identifier: Apache-2.0
#include "run_task.h"

#include <stdio.h>
#include <string.h>

#include "core/stoa_log.h"

// "place[.]Exhibit@Zone_Statue": xAPI's performance form, step_id[.]answer.
// zone is only given for places.
static void describe(char *out, size_t size, stoa_lesson_move_kind kind, const char *node,
                     const char *zone)
{
    // a place outside every zone has no "@zone"
    snprintf(out, size, "%s[.]%s%s%s", stoa_lesson_move_kind_str(kind), node ? node : "",
             zone ? "@" : "", zone ? zone : "");
}

void run_task_step(run_lesson *rl, const stoa_lesson_action *a, int64_t trace_ns)
{
    const stoa_lesson_task *t = a->task;
    if (!t || a->step >= t->step_count)
        return;
    const stoa_lesson_move *due = &t->steps[a->step];
    char response[256], correct[256];
    describe(response, sizeof response, a->move,
             a->node, a->zone);
    describe(correct, sizeof correct, due->kind, due->node, due->zone);
    stoa_trace_text names[8];
    const stoa_lesson_text *title = t->title.count ? &t->title : &a->state->title;
    stoa_trace_answer ans = {
        .question_id = t->id,
        .names = run_lesson_names(rl, title, names, 8),
        .interaction_type = "performance",
        .response = response,
        .correct_response = correct,
        .success = a->correct,
        .concepts = t->concept_count ? (const char *const *)t->concepts : NULL,
        .concept_count = t->concept_count,
        .task_step = a->step + 1,
        .task_error = a->task_result == STOA_LESSON_TASK_ORDER   ? "order"
                      : a->task_result == STOA_LESSON_TASK_WRONG ? "wrong"
                                                                 : NULL,
    };
    stoa_trace_answered(rl->trace, &ans, trace_ns);
    STOA_LOGI("run", "task '%s' step %u: %s (%s)", t->id, a->step + 1, response,
              a->correct ? "right" : ans.task_error);
    if (!rl->quiet) {
        printf("stoa run: task %s step %u %s\n", t->id, a->step + 1,
               a->correct ? "right" : ans.task_error);
        fflush(stdout);
    }
}

void run_task_done(run_lesson *rl, const stoa_lesson_action *a, int64_t trace_ns)
{
    const stoa_lesson_task *t = a->task;
    if (!t)
        return;
    uint32_t errors = a->total > 0 ? (uint32_t)a->total : 0;
    bool over = t->time_limit > 0 && a->value > t->time_limit;
    const char *response = errors ? "errors" : over ? "over-time" : "done";
    stoa_trace_text names[8];
    const stoa_lesson_text *title = t->title.count ? &t->title : &a->state->title;
    stoa_trace_answer ans = {
        .question_id = t->id,
        .names = run_lesson_names(rl, title, names, 8),
        .interaction_type = "other",
        .response = response,
        .correct_response = "done",
        .success = a->correct,
        .concepts = t->concept_count ? (const char *const *)t->concepts : NULL,
        .concept_count = t->concept_count,
        .has_score = true,
        .score_raw = a->step,
        .score_max = t->step_count,
        .task_done = true,
        .task_errors = errors,
        .time_limit_s = t->time_limit,
    };
    stoa_trace_answered(rl->trace, &ans, trace_ns);
    STOA_LOGI("run", "task '%s' done in %.1f s, %u errors (%s)", t->id, a->value, errors, response);
    if (!rl->quiet) {
        printf("stoa run: task %s done in %.1f s, %u errors, %u of %u steps right first: %s\n", t->id,
               a->value, errors, a->step, t->step_count, response);
        fflush(stdout);
    }
}

void run_task_put_down(run_lesson *rl, const stoa_interact_output *io, uint32_t i, const char *node)
{
    const stoa_interact_event *rel = &io->events[i];
    for (uint32_t k = i + 1; k < io->event_count; k++)
        if (io->events[k].type == STOA_INTERACT_PLACE && io->events[k].node == rel->node)
            return;
    stoa_lesson_event le = {.kind = STOA_LESSON_EV_PLACE, .node = node, .zone = NULL};
    if (node)
        run_lesson_feed(rl, &le);
}
