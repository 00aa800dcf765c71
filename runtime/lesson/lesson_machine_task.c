// SPDX-License-Identifier: Apache-2.0
// Tasks: the learner's select, grab, release and place moves in a state
// with a `task`, judged against its steps and its wrong moves
// (docs/lesson-format.md, "Tasks"). Each judged move becomes one TASK_STEP
// action, which the runtime writes to the trace as evaluation evidence.
#include <string.h>

#include "lesson_machine_internal.h"

static bool str_eq(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

static stoa_lesson_move_kind move_of(stoa_lesson_event_kind k)
{
    switch (k) {
    case STOA_LESSON_EV_SELECT: return STOA_LESSON_MOVE_SELECT;
    case STOA_LESSON_EV_GRAB: return STOA_LESSON_MOVE_GRAB;
    case STOA_LESSON_EV_RELEASE: return STOA_LESSON_MOVE_RELEASE;
    case STOA_LESSON_EV_PLACE: return STOA_LESSON_MOVE_PLACE;
    default: return 0;
    }
}

// A step matches exactly; a wrong `place` without a zone matches a place of
// that node anywhere (the right places were tried first).
static bool matches(const stoa_lesson_move *mv, const stoa_lesson_event *ev, bool wrong)
{
    if (mv->kind != move_of(ev->kind) || !str_eq(mv->node, ev->node))
        return false;
    if (mv->kind != STOA_LESSON_MOVE_PLACE)
        return true;
    return mv->zone ? str_eq(mv->zone, ev->zone) : wrong;
}

bool lm_task_done(const stoa_lesson_machine *m)
{
    const stoa_lesson_task *t = m->state >= 0 ? m->lesson->states[m->state].task : NULL;
    return t && t->step_count > 0 && m->task_done == (1u << t->step_count) - 1;
}

static int32_t first_open(const stoa_lesson_machine *m, const stoa_lesson_task *t)
{
    for (uint32_t i = 0; i < t->step_count; i++)
        if (!(m->task_done & (1u << i)))
            return (int32_t)i;
    return -1;
}

// Every step is done: how it went as a whole, for evaluation (time to
// finish, errors, steps right at the first try).
static void task_finished(stoa_lesson_machine *m, const stoa_lesson_task *t)
{
    uint32_t moves = 0, first_try = 0;
    for (uint32_t i = 0; i < t->step_count; i++) {
        moves += m->task_tries[i];
        first_try += m->task_tries[i] == 1;
    }
    double seconds = lm_elapsed(m);
    stoa_lesson_action *a = lm_emit(m, STOA_LESSON_ACT_TASK_DONE);
    a->id = t->id;
    a->task = t;
    a->value = seconds;
    a->total = (double)(moves - t->step_count);
    a->step = first_try;
    a->correct = moves == t->step_count && (t->time_limit <= 0 || seconds <= t->time_limit);
}

void lm_task_event(stoa_lesson_machine *m, const stoa_lesson_event *ev)
{
    const stoa_lesson_task *t = m->lesson->states[m->state].task;
    int32_t due = t ? first_open(m, t) : -1;
    if (due < 0)
        return; // no task, or it is done: moves are no longer evidence
    int32_t step = -1;
    stoa_lesson_task_result res = STOA_LESSON_TASK_WRONG;
    for (uint32_t i = 0; i < t->step_count && step < 0; i++) {
        if (!matches(&t->steps[i], ev, false))
            continue;
        if (m->task_done & (1u << i))
            return; // done already: doing it again is neither right nor wrong
        if (t->any_order || (int32_t)i == due) {
            step = (int32_t)i;
            res = STOA_LESSON_TASK_RIGHT;
        } else {
            step = due; // a later step first: an error on the step that was due
            res = STOA_LESSON_TASK_ORDER;
        }
    }
    for (uint32_t i = 0; i < t->wrong_count && step < 0; i++)
        if (matches(&t->wrong[i], ev, true))
            step = due;
    if (step < 0)
        return; // a move the task does not judge
    if (res == STOA_LESSON_TASK_RIGHT)
        m->task_done |= 1u << step;
    if (m->task_tries[step] < UINT8_MAX)
        m->task_tries[step]++;
    stoa_lesson_action *a = lm_emit(m, STOA_LESSON_ACT_TASK_STEP);
    a->id = t->id;
    a->task = t;
    a->step = (uint32_t)step;
    a->task_result = res;
    a->correct = res == STOA_LESSON_TASK_RIGHT;
    a->value = m->task_tries[step];
    a->node = ev->node;
    a->zone = ev->zone;
    a->move = move_of(ev->kind);
    if (res == STOA_LESSON_TASK_RIGHT && lm_task_done(m))
        task_finished(m, t);
}
