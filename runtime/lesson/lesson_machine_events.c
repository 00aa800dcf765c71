// SPDX-License-Identifier: Apache-2.0
// Triggers, events, time and instructor commands.
#include <string.h>

#include "core/stoa_log.h"
#include "lesson_machine_internal.h"

enum { LM_MAX_CHAIN = 64 };

static bool str_eq(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

static double var_lookup(void *user, int32_t var)
{
    stoa_lesson_machine *m = user;
    if (var == LX_BUILTIN_SCORE)
        return m->score;
    if (var == LX_BUILTIN_ELAPSED)
        return lm_elapsed(m);
    return var >= 0 && (uint32_t)var < m->lesson->var_count ? m->vars[var] : 0;
}

static bool narration_done(const stoa_lesson_machine *m, const char *id)
{
    const stoa_lesson_state *st = &m->lesson->states[m->state];
    uint32_t narrations = 0;
    for (uint32_t i = 0; i < st->step_count; i++) {
        if (st->steps[i].kind != STOA_LESSON_STEP_NARRATE)
            continue;
        if (id && !str_eq(st->steps[i].id, id))
            continue;
        narrations++;
        if (m->narr[i] != LM_NARR_DONE)
            return false;
    }
    return narrations > 0;
}

static bool answer_matches(const stoa_lesson_machine *m, const stoa_lesson_trigger *t,
                           const stoa_lesson_event *ev)
{
    if (!ev || ev->kind != STOA_LESSON_EV_ANSWER || !str_eq(ev->id, t->id))
        return false;
    int32_t q = lm_quiz_index(m->lesson, t->id);
    if (q < 0)
        return false;
    bool right = ev->choices == m->lesson->quizzes[q]->correct;
    switch (t->match) {
    case STOA_LESSON_ANSWER_ANY: return true;
    case STOA_LESSON_ANSWER_RIGHT: return right;
    case STOA_LESSON_ANSWER_WRONG: return !right;
    case STOA_LESSON_ANSWER_CHOICE: return (ev->choices >> t->choice) & 1u;
    }
    return false;
}

static bool event_is(const stoa_lesson_event *ev, stoa_lesson_event_kind kind, const char *node)
{
    return ev && ev->kind == kind && str_eq(ev->node, node);
}

static bool holds(stoa_lesson_machine *m, const stoa_lesson_trigger *t,
                  const stoa_lesson_event *ev)
{
    lm_flag *zone;
    switch (t->kind) {
    case STOA_LESSON_TRIG_GAZE:
        return event_is(ev, STOA_LESSON_EV_GAZE, t->node) && ev->seconds >= t->seconds;
    case STOA_LESSON_TRIG_SELECT: return event_is(ev, STOA_LESSON_EV_SELECT, t->node);
    case STOA_LESSON_TRIG_GRAB: return event_is(ev, STOA_LESSON_EV_GRAB, t->node);
    case STOA_LESSON_TRIG_RELEASE: return event_is(ev, STOA_LESSON_EV_RELEASE, t->node);
    case STOA_LESSON_TRIG_PLACE:
        return event_is(ev, STOA_LESSON_EV_PLACE, t->node) && str_eq(ev->zone, t->zone);
    case STOA_LESSON_TRIG_ENTER_ZONE:
        zone = lm_flag_find(&m->zones, t->node);
        return zone && zone->value == 1;
    case STOA_LESSON_TRIG_LEAVE_ZONE: return event_is(ev, STOA_LESSON_EV_LEAVE_ZONE, t->node);
    case STOA_LESSON_TRIG_TIMER: return lm_elapsed(m) >= t->seconds;
    case STOA_LESSON_TRIG_NARRATION_DONE: return narration_done(m, t->id);
    case STOA_LESSON_TRIG_QUIZ: return answer_matches(m, t, ev);
    case STOA_LESSON_TRIG_INSTRUCTOR:
        return ev && ev->kind == STOA_LESSON_EV_COMMAND && str_eq(ev->id, t->id);
    case STOA_LESSON_TRIG_CONDITION: return lesson_expr_eval(t->expr, var_lookup, m) != 0;
    case STOA_LESSON_TRIG_RANDOM: return true;
    case STOA_LESSON_TRIG_TASK_DONE: return lm_task_done(m);
    }
    return false;
}

static int32_t pick_branch(stoa_lesson_machine *m, const stoa_lesson_trigger *t)
{
    double total = 0;
    for (uint32_t i = 0; i < t->branch_count; i++)
        total += t->branches[i].weight > 0 ? t->branches[i].weight : 0;
    if (total <= 0)
        return -1;
    double r = (double)(lm_rng_next(&m->rng) >> 11) * 0x1.0p-53 * total;
    int32_t last = -1;
    for (uint32_t i = 0; i < t->branch_count; i++) {
        if (t->branches[i].weight <= 0)
            continue;
        last = t->branches[i].target_index;
        if (r < t->branches[i].weight)
            return last;
        r -= t->branches[i].weight;
    }
    return last; // rounding left r at the very top
}

static int32_t trigger_target(stoa_lesson_machine *m, const stoa_lesson_trigger *t)
{
    return t->kind == STOA_LESSON_TRIG_RANDOM ? pick_branch(m, t) : t->target_index;
}

static int32_t first_holding(stoa_lesson_machine *m, const stoa_lesson_event *ev)
{
    const stoa_lesson_state *st = &m->lesson->states[m->state];
    for (uint32_t i = 0; i < st->trigger_count; i++)
        if (holds(m, &st->triggers[i], ev))
            return (int32_t)i;
    return -1;
}

static void go(stoa_lesson_machine *m, int32_t target, stoa_lesson_cause cause, int32_t trigger)
{
    if (target < 0 || (uint32_t)target >= m->lesson->state_count)
        return;
    lm_exit(m, cause, trigger);
    lm_enter(m, target);
}

static bool take(stoa_lesson_machine *m, int32_t trigger)
{
    const stoa_lesson_trigger *t = &m->lesson->states[m->state].triggers[trigger];
    int32_t target = trigger_target(m, t);
    if (target < 0)
        return false;
    go(m, target, STOA_LESSON_CAUSE_TRIGGER, trigger);
    return true;
}

void lm_settle(stoa_lesson_machine *m)
{
    for (int n = 0; n < LM_MAX_CHAIN; n++) {
        if (m->ended || m->paused)
            return;
        int32_t t = first_holding(m, NULL);
        if (t < 0 || !take(m, t))
            return;
    }
    STOA_LOGW("lesson", "%s: state '%s': more than %d transitions at once (a trigger loop?)",
              m->lesson->file_name, m->lesson->states[m->state].name, LM_MAX_CHAIN);
}

static stoa_result finish_call(stoa_lesson_machine *m)
{
    stoa_result r = m->out && m->out->dropped ? STOA_ERROR_LIMIT : STOA_OK;
    m->out = NULL;
    return r;
}

static void begin_call(stoa_lesson_machine *m, int64_t now, stoa_lesson_out *out)
{
    m->now = now;
    m->out = out;
}

stoa_result stoa_lesson_machine_start(stoa_lesson_machine *m, int64_t now_ns,
                                      stoa_lesson_out *out)
{
    if (!m)
        return STOA_ERROR_INVALID_ARGUMENT;
    begin_call(m, now_ns, out);
    if (m->started && m->state >= 0)
        lm_exit(m, STOA_LESSON_CAUSE_RESTART, -1);
    m->started = true;
    m->paused = false;
    lm_reset_progress(m);
    lm_enter(m, m->lesson->start_index);
    lm_settle(m);
    return finish_call(m);
}

static void skip(stoa_lesson_machine *m)
{
    const stoa_lesson_state *st = &m->lesson->states[m->state];
    if (m->ended)
        return;
    int32_t target = st->skip_index, trigger = -1;
    if (target < 0 && st->trigger_count > 0) {
        trigger = 0;
        target = trigger_target(m, &st->triggers[0]);
    }
    if (target < 0)
        return;
    // Fast-forward: what the step started is brought to its end.
    for (uint32_t i = 0; i < st->step_count; i++) {
        if (m->narr[i] == LM_NARR_PLAYING) {
            lm_emit(m, STOA_LESSON_ACT_STOP_NARRATION)->id = st->steps[i].id;
            m->narr[i] = LM_NARR_DONE;
        }
    }
    for (uint32_t i = 0; i < m->anims.count; i++) {
        lm_flag *f = &m->anims.items[i];
        if (!f->this_state || f->value == 0)
            continue;
        if (f->value == 1) {
            lm_emit(m, STOA_LESSON_ACT_STOP_ANIMATION)->animation = f->name;
            f->value = 0;
        } else {
            lm_emit(m, STOA_LESSON_ACT_COMPLETE_ANIMATION)->animation = f->name;
        }
    }
    go(m, target, STOA_LESSON_CAUSE_SKIP, trigger);
}

static void instructor_end(stoa_lesson_machine *m)
{
    if (m->ended)
        return;
    lm_exit(m, STOA_LESSON_CAUSE_END, -1);
    m->ended = true;
    m->outcome = STOA_LESSON_OUTCOME_ABORTED;
    stoa_lesson_action *a = lm_emit(m, STOA_LESSON_ACT_ENDED);
    a->outcome = m->outcome;
    a->total = m->score;
}

static void restart(stoa_lesson_machine *m)
{
    lm_exit(m, STOA_LESSON_CAUSE_RESTART, -1);
    lm_reset_progress(m);
    lm_emit(m, STOA_LESSON_ACT_RESTARTED);
    lm_enter(m, m->lesson->start_index);
}

// Learner events change what the machine knows before triggers look at it.
static bool absorb(stoa_lesson_machine *m, const stoa_lesson_event *ev)
{
    lm_flag *f;
    const stoa_lesson_state *st = &m->lesson->states[m->state];
    switch (ev->kind) {
    case STOA_LESSON_EV_ENTER_ZONE:
    case STOA_LESSON_EV_LEAVE_ZONE:
        if ((f = lm_flag_find(&m->zones, ev->node)))
            f->value = ev->kind == STOA_LESSON_EV_ENTER_ZONE;
        return true;
    case STOA_LESSON_EV_NARRATION_DONE:
        for (uint32_t i = 0; i < st->step_count; i++)
            if (m->narr[i] == LM_NARR_PLAYING && str_eq(st->steps[i].id, ev->id))
                m->narr[i] = LM_NARR_DONE;
        return true;
    case STOA_LESSON_EV_ANSWER: {
        // Only the quiz on show can be answered.
        int32_t q = lm_quiz_index(m->lesson, ev->id);
        bool shown = false;
        for (uint32_t i = 0; i < m->shown_count && !shown; i++)
            shown = m->shown[i].kind == LM_SHOWN_QUIZ &&
                    str_eq(lm_shown_step(m, &m->shown[i])->id, ev->id);
        if (q < 0 || !shown) {
            STOA_LOGD("lesson", "answer to quiz '%s' that is not on show: ignored",
                      ev->id ? ev->id : "(null)");
            return false;
        }
        const stoa_lesson_quiz *quiz = m->lesson->quizzes[q];
        m->quiz_attempts[q]++;
        m->quiz_last[q] = ev->choices;
        stoa_lesson_action *a = lm_emit(m, STOA_LESSON_ACT_QUIZ_ANSWERED);
        a->id = quiz->id;
        a->quiz = quiz;
        a->choices = ev->choices;
        a->correct = ev->choices == quiz->correct;
        a->value = m->quiz_attempts[q];
        // The quiz's own score and feedback: points count at the first
        // attempt only (retrying never farms points), feedback every time.
        const stoa_lesson_text *fb = stoa_lesson_quiz_feedback(quiz, ev->choices);
        double pts = m->quiz_attempts[q] == 1 ? stoa_lesson_quiz_points(quiz, ev->choices) : 0;
        a->total = pts;
        a->text = fb;
        if (quiz->has_points || fb) {
            m->score += pts;
            stoa_lesson_action *s = lm_emit(m, STOA_LESSON_ACT_SCORE);
            s->id = quiz->id;
            s->quiz = quiz;
            s->value = pts;
            s->total = m->score;
            s->text = fb;
        }
        return true;
    }
    case STOA_LESSON_EV_SELECT:
    case STOA_LESSON_EV_GRAB:
    case STOA_LESSON_EV_RELEASE:
    case STOA_LESSON_EV_PLACE:
        lm_task_event(m, ev);
        return true;
    default: return true;
    }
}

static void handle_instructor(stoa_lesson_machine *m, const stoa_lesson_event *ev)
{
    switch (ev->kind) {
    case STOA_LESSON_EV_PAUSE:
        if (!m->paused) {
            m->paused = true;
            m->pause_start_ns = m->now;
            lm_emit(m, STOA_LESSON_ACT_PAUSED);
        }
        break;
    case STOA_LESSON_EV_RESUME:
        if (m->paused) {
            m->entered_ns += m->now - m->pause_start_ns;
            m->paused = false;
            lm_emit(m, STOA_LESSON_ACT_RESUMED);
        }
        break;
    case STOA_LESSON_EV_SKIP: skip(m); break;
    case STOA_LESSON_EV_RESTART: restart(m); break;
    case STOA_LESSON_EV_END: instructor_end(m); break;
    default: break;
    }
}

stoa_result stoa_lesson_machine_handle_event(stoa_lesson_machine *m,
                                             const stoa_lesson_event *ev, int64_t now_ns,
                                             stoa_lesson_out *out)
{
    if (!m || !ev)
        return STOA_ERROR_INVALID_ARGUMENT;
    if (!m->started)
        return STOA_OK;
    begin_call(m, now_ns, out);
    switch (ev->kind) {
    case STOA_LESSON_EV_GOTO: {
        int32_t target = stoa_lesson_find_state(m->lesson, ev->id);
        if (target < 0) {
            m->out = NULL;
            return STOA_ERROR_NOT_FOUND;
        }
        if (m->ended) {
            m->ended = false;
            m->outcome = STOA_LESSON_OUTCOME_NONE;
        }
        go(m, target, STOA_LESSON_CAUSE_GOTO, -1);
        lm_settle(m);
        return finish_call(m);
    }
    case STOA_LESSON_EV_PAUSE:
    case STOA_LESSON_EV_RESUME:
    case STOA_LESSON_EV_SKIP:
    case STOA_LESSON_EV_RESTART:
    case STOA_LESSON_EV_END:
        handle_instructor(m, ev);
        lm_settle(m);
        return finish_call(m);
    case STOA_LESSON_EV_TICK: m->out = NULL; return stoa_lesson_machine_update(m, now_ns, out);
    default: break;
    }
    if (m->paused || m->ended || !absorb(m, ev))
        return finish_call(m);
    int32_t t = first_holding(m, ev);
    if (t >= 0 && take(m, t))
        lm_settle(m);
    return finish_call(m);
}

stoa_result stoa_lesson_machine_update(stoa_lesson_machine *m, int64_t now_ns,
                                       stoa_lesson_out *out)
{
    if (!m)
        return STOA_ERROR_INVALID_ARGUMENT;
    if (!m->started || m->paused || m->ended)
        return STOA_OK;
    begin_call(m, now_ns, out);
    const stoa_lesson_state *st = &m->lesson->states[m->state];
    if (st->expected_seconds > 0 && !m->overdue_sent && lm_elapsed(m) >= st->expected_seconds) {
        m->overdue_sent = true;
        lm_emit(m, STOA_LESSON_ACT_OVERDUE)->value = st->expected_seconds;
    }
    lm_settle(m);
    return finish_call(m);
}

const char *stoa_lesson_action_type_str(stoa_lesson_action_type t)
{
    static const char *const names[] = {
        "?",           "state_entered", "state_exited", "narrate",      "stop_narration",
        "show_panel",  "hide_panel",    "highlight",    "unhighlight",  "show_arrow",
        "hide_arrow",  "show_node",     "hide_node",    "play_animation", "stop_animation",
        "complete_animation", "teleport", "variable",   "score",        "quiz",
        "hide_quiz",   "quiz_answered", "paused",       "resumed",      "restarted",
        "overdue",     "ended",         "task_step",    "passthrough",
        "task_done"};
    return (unsigned)t < sizeof names / sizeof names[0] ? names[t] : "?";
}
