// SPDX-License-Identifier: Apache-2.0
// The lesson machine: creation, queries, and entering and leaving states.
// Trigger evaluation and events are in lesson_machine_events.c, save and
// restore in lesson_save.c.
#include <stdlib.h>
#include <string.h>

#include "core/stoa_log.h"
#include "lesson_machine_internal.h"

#define NS_PER_S 1000000000.0

static stoa_lesson_action g_dropped; // target for emits past the caller's capacity

bool stoa_lesson_out_init_queue(stoa_lesson_out *out, uint32_t initial, uint32_t limit)
{
    stoa_lesson_out_init(out, calloc(initial ? initial : 1, sizeof *out->items),
                         initial ? initial : 1);
    out->limit = limit > out->capacity ? limit : out->capacity + 1;
    return out->items != NULL;
}

void stoa_lesson_out_fini(stoa_lesson_out *out)
{
    if (out->limit)
        free(out->items);
    memset(out, 0, sizeof *out);
}

// A queue list doubles up to its limit; a caller's array stays as it is.
static bool out_grow(stoa_lesson_out *out)
{
    if (out->capacity >= out->limit)
        return false;
    uint32_t cap = out->capacity * 2 < out->limit ? out->capacity * 2 : out->limit;
    stoa_lesson_action *grown = realloc(out->items, cap * sizeof *grown);
    if (!grown)
        return false;
    out->items = grown;
    out->capacity = cap;
    return true;
}

stoa_lesson_action *lm_emit(stoa_lesson_machine *m, stoa_lesson_action_type type)
{
    stoa_lesson_action *a = &g_dropped;
    if (m->out && (m->out->count < m->out->capacity || out_grow(m->out)))
        a = &m->out->items[m->out->count++];
    else if (m->out)
        m->out->dropped++;
    if (m->out && m->out->count > m->out->peak)
        m->out->peak = m->out->count;
    memset(a, 0, sizeof *a);
    a->type = type;
    a->trigger = -1;
    a->state = m->state >= 0 ? &m->lesson->states[m->state] : NULL;
    return a;
}

uint64_t lm_rng_next(uint64_t *s)
{
    // splitmix64: tiny, full-period, and its whole state is one integer,
    // which makes save/restore of the generator trivial.
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

double lm_elapsed(const stoa_lesson_machine *m)
{
    if (!m->started)
        return 0;
    int64_t t = (m->paused ? m->pause_start_ns : m->now) - m->entered_ns;
    return t > 0 ? (double)t / NS_PER_S : 0;
}

int32_t lm_quiz_index(const stoa_lesson *L, const char *id)
{
    for (uint32_t i = 0; id && i < L->quiz_count; i++)
        if (strcmp(L->quizzes[i]->id, id) == 0)
            return (int32_t)i;
    return -1;
}

lm_flag *lm_flag_find(lm_flags *f, const char *name)
{
    for (uint32_t i = 0; name && i < f->count; i++)
        if (strcmp(f->items[i].name, name) == 0)
            return &f->items[i];
    return NULL;
}

static void flag_add(lm_flags *f, const char *name, int8_t value)
{
    if (name && !lm_flag_find(f, name))
        f->items[f->count++] = (lm_flag){.name = name, .value = value};
}

// Every zone, toggled node and animation the lesson names, so that the
// machine's tables are sized once and hold pointers into the lesson.
static bool collect_names(stoa_lesson_machine *m)
{
    const stoa_lesson *L = m->lesson;
    uint32_t zones = 0, nodes = 0, anims = 0;
    for (uint32_t s = 0; s < L->state_count; s++) {
        const stoa_lesson_state *st = &L->states[s];
        if (st->step_count > m->max_steps)
            m->max_steps = st->step_count;
        for (uint32_t i = 0; i < st->trigger_count; i++)
            zones += st->triggers[i].kind == STOA_LESSON_TRIG_ENTER_ZONE ||
                     st->triggers[i].kind == STOA_LESSON_TRIG_LEAVE_ZONE;
        for (uint32_t i = 0; i < st->step_count; i++) {
            const stoa_lesson_step *sp = &st->steps[i];
            if (sp->kind == STOA_LESSON_STEP_SHOW_NODES || sp->kind == STOA_LESSON_STEP_HIDE_NODES)
                nodes += sp->name_count;
            anims += sp->kind == STOA_LESSON_STEP_PLAY || sp->kind == STOA_LESSON_STEP_STOP;
        }
    }
    m->zones.items = calloc(zones + 1, sizeof(lm_flag));
    m->nodes.items = calloc(nodes + 1, sizeof(lm_flag));
    m->anims.items = calloc(anims + 1, sizeof(lm_flag));
    m->narr = calloc(m->max_steps + 1, 1);
    if (!m->zones.items || !m->nodes.items || !m->anims.items || !m->narr)
        return false;
    for (uint32_t s = 0; s < L->state_count; s++) {
        const stoa_lesson_state *st = &L->states[s];
        for (uint32_t i = 0; i < st->trigger_count; i++)
            if (st->triggers[i].kind == STOA_LESSON_TRIG_ENTER_ZONE ||
                st->triggers[i].kind == STOA_LESSON_TRIG_LEAVE_ZONE)
                flag_add(&m->zones, st->triggers[i].node, 0);
        for (uint32_t i = 0; i < st->step_count; i++) {
            const stoa_lesson_step *sp = &st->steps[i];
            if (sp->kind == STOA_LESSON_STEP_SHOW_NODES || sp->kind == STOA_LESSON_STEP_HIDE_NODES)
                for (uint32_t k = 0; k < sp->name_count; k++)
                    flag_add(&m->nodes, sp->names[k], -1);
            if (sp->kind == STOA_LESSON_STEP_PLAY || sp->kind == STOA_LESSON_STEP_STOP)
                flag_add(&m->anims, sp->animation, 0);
        }
    }
    return true;
}

void lm_reset_progress(stoa_lesson_machine *m)
{
    const stoa_lesson *L = m->lesson;
    for (uint32_t i = 0; i < L->var_count; i++)
        m->vars[i] = L->var_initial[i];
    m->score = 0;
    memset(m->quiz_attempts, 0, (L->quiz_count + 1) * sizeof *m->quiz_attempts);
    memset(m->quiz_last, 0, (L->quiz_count + 1) * sizeof *m->quiz_last);
    for (uint32_t i = 0; i < m->zones.count; i++)
        m->zones.items[i].value = 0;
    for (uint32_t i = 0; i < m->nodes.count; i++)
        m->nodes.items[i].value = -1;
    for (uint32_t i = 0; i < m->anims.count; i++)
        m->anims.items[i].value = 0;
    m->shown_count = 0;
    m->ended = false;
    m->outcome = STOA_LESSON_OUTCOME_NONE;
}

stoa_result stoa_lesson_machine_create(const stoa_lesson *lesson,
                                       const stoa_lesson_machine_desc *desc,
                                       stoa_lesson_machine **out_machine, stoa_error *err)
{
    if (!out_machine)
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT, "no output pointer");
    *out_machine = NULL;
    if (!lesson || lesson->start_index < 0 || lesson->state_count == 0)
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT,
                              "stoa_lesson_machine_create: the lesson has no start state");
    stoa_lesson_machine *m = calloc(1, sizeof *m);
    if (!m)
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "out of memory");
    m->lesson = lesson;
    m->state = -1;
    m->rng = desc ? desc->seed : 0;
    m->vars = calloc(lesson->var_count + 1, sizeof *m->vars);
    m->quiz_attempts = calloc(lesson->quiz_count + 1, sizeof *m->quiz_attempts);
    m->quiz_last = calloc(lesson->quiz_count + 1, sizeof *m->quiz_last);
    if (!m->vars || !m->quiz_attempts || !m->quiz_last || !collect_names(m)) {
        stoa_lesson_machine_destroy(&m);
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "out of memory");
    }
    lm_reset_progress(m);
    *out_machine = m;
    return STOA_OK;
}

void stoa_lesson_machine_destroy(stoa_lesson_machine **pm)
{
    if (!pm || !*pm)
        return;
    stoa_lesson_machine *m = *pm;
    free(m->vars);
    free(m->quiz_attempts);
    free(m->quiz_last);
    free(m->narr);
    free(m->zones.items);
    free(m->nodes.items);
    free(m->anims.items);
    free(m->shown);
    free(m);
    *pm = NULL;
}

// ---- shown things -------------------------------------------------------------

const stoa_lesson_step *lm_shown_step(const stoa_lesson_machine *m, const lm_shown *s)
{
    return &m->lesson->states[s->state].steps[s->step];
}

bool lm_shown_add(stoa_lesson_machine *m, lm_shown_kind kind, uint32_t state, uint32_t step)
{
    if (m->shown_count == m->shown_cap) {
        uint32_t cap = m->shown_cap ? m->shown_cap * 2 : 16;
        lm_shown *s = realloc(m->shown, cap * sizeof *s);
        if (!s) {
            STOA_LOGE("lesson", "out of memory tracking shown panels");
            return false;
        }
        m->shown = s;
        m->shown_cap = cap;
    }
    m->shown[m->shown_count++] = (lm_shown){kind, state, step};
    return true;
}

static void shown_remove(stoa_lesson_machine *m, uint32_t i)
{
    memmove(&m->shown[i], &m->shown[i + 1], (m->shown_count - i - 1) * sizeof *m->shown);
    m->shown_count--;
}

// Finds a shown panel by id or a highlight by node.
static int32_t shown_find(const stoa_lesson_machine *m, lm_shown_kind kind, const char *key)
{
    for (uint32_t i = 0; i < m->shown_count; i++) {
        const stoa_lesson_step *s = lm_shown_step(m, &m->shown[i]);
        const char *k = kind == LM_SHOWN_HIGHLIGHT ? s->node : s->id;
        if (m->shown[i].kind == kind && k && key && strcmp(k, key) == 0)
            return (int32_t)i;
    }
    return -1;
}

void lm_emit_shown(stoa_lesson_machine *m, const lm_shown *sh)
{
    const stoa_lesson_step *s = lm_shown_step(m, sh);
    stoa_lesson_action *a;
    switch (sh->kind) {
    case LM_SHOWN_PANEL:
        a = lm_emit(m, STOA_LESSON_ACT_SHOW_PANEL);
        a->id = s->id;
        a->node = s->node;
        a->text = &s->text;
        break;
    case LM_SHOWN_HIGHLIGHT:
        lm_emit(m, STOA_LESSON_ACT_HIGHLIGHT)->node = s->node;
        if (s->arrow)
            lm_emit(m, STOA_LESSON_ACT_SHOW_ARROW)->node = s->node;
        break;
    case LM_SHOWN_QUIZ:
        a = lm_emit(m, STOA_LESSON_ACT_QUIZ);
        a->id = s->quiz->id;
        a->quiz = s->quiz;
        a->text = &s->quiz->question;
        break;
    }
}

static void emit_unshown(stoa_lesson_machine *m, const lm_shown *sh)
{
    const stoa_lesson_step *s = lm_shown_step(m, sh);
    switch (sh->kind) {
    case LM_SHOWN_PANEL: lm_emit(m, STOA_LESSON_ACT_HIDE_PANEL)->id = s->id; break;
    case LM_SHOWN_HIGHLIGHT:
        if (s->arrow)
            lm_emit(m, STOA_LESSON_ACT_HIDE_ARROW)->node = s->node;
        lm_emit(m, STOA_LESSON_ACT_UNHIGHLIGHT)->node = s->node;
        break;
    case LM_SHOWN_QUIZ: {
        stoa_lesson_action *a = lm_emit(m, STOA_LESSON_ACT_HIDE_QUIZ);
        a->id = s->quiz->id;
        a->quiz = s->quiz;
        break;
    }
    }
}

// ---- entry actions ----------------------------------------------------------

static void set_node(stoa_lesson_machine *m, const char *node, bool visible)
{
    lm_flag *f = lm_flag_find(&m->nodes, node);
    if (f)
        f->value = visible;
    lm_emit(m, visible ? STOA_LESSON_ACT_SHOW_NODE : STOA_LESSON_ACT_HIDE_NODE)->node = node;
}

static void run_vars(stoa_lesson_machine *m, const stoa_lesson_step *s, bool add)
{
    for (uint32_t k = 0; k < s->name_count; k++) {
        int32_t v = stoa_lesson_find_var(m->lesson, s->names[k]);
        if (v < 0)
            continue;
        m->vars[v] = add ? m->vars[v] + s->values[k] : s->values[k];
        stoa_lesson_action *a = lm_emit(m, STOA_LESSON_ACT_VARIABLE);
        a->variable = m->lesson->var_names[v];
        a->value = m->vars[v];
    }
}

static void run_end(stoa_lesson_machine *m, const stoa_lesson_step *s)
{
    m->ended = true;
    m->outcome = s->outcome;
    if (s->by_score)
        m->outcome = m->score >= s->pass_score ? STOA_LESSON_OUTCOME_PASSED
                                               : STOA_LESSON_OUTCOME_FAILED;
    stoa_lesson_action *a = lm_emit(m, STOA_LESSON_ACT_ENDED);
    a->outcome = m->outcome;
    a->total = m->score;
    a->value = s->pass_score;
}

static void run_step(stoa_lesson_machine *m, uint32_t i)
{
    const stoa_lesson_step *s = &m->lesson->states[m->state].steps[i];
    stoa_lesson_action *a;
    int32_t found;
    switch (s->kind) {
    case STOA_LESSON_STEP_NARRATE:
        m->narr[i] = LM_NARR_PLAYING;
        a = lm_emit(m, STOA_LESSON_ACT_NARRATE);
        a->id = s->id;
        a->node = s->node;
        a->audio = &s->audio;
        a->text = &s->text;
        break;
    case STOA_LESSON_STEP_SHOW_PANEL:
        // Showing a panel id again replaces it.
        if ((found = shown_find(m, LM_SHOWN_PANEL, s->id)) >= 0)
            shown_remove(m, (uint32_t)found);
        lm_shown_add(m, LM_SHOWN_PANEL, (uint32_t)m->state, i);
        lm_emit_shown(m, &m->shown[m->shown_count - 1]);
        break;
    case STOA_LESSON_STEP_HIGHLIGHT:
        if ((found = shown_find(m, LM_SHOWN_HIGHLIGHT, s->node)) >= 0)
            shown_remove(m, (uint32_t)found);
        lm_shown_add(m, LM_SHOWN_HIGHLIGHT, (uint32_t)m->state, i);
        lm_emit_shown(m, &m->shown[m->shown_count - 1]);
        break;
    case STOA_LESSON_STEP_QUIZ:
        lm_shown_add(m, LM_SHOWN_QUIZ, (uint32_t)m->state, i);
        lm_emit_shown(m, &m->shown[m->shown_count - 1]);
        break;
    case STOA_LESSON_STEP_HIDE_PANEL:
    case STOA_LESSON_STEP_UNHIGHLIGHT: {
        bool panel = s->kind == STOA_LESSON_STEP_HIDE_PANEL;
        found = shown_find(m, panel ? LM_SHOWN_PANEL : LM_SHOWN_HIGHLIGHT, panel ? s->id : s->node);
        if (found >= 0) {
            emit_unshown(m, &m->shown[found]);
            shown_remove(m, (uint32_t)found);
        } else {
            // Not shown by this lesson run; hide it anyway, harmlessly.
            a = lm_emit(m, panel ? STOA_LESSON_ACT_HIDE_PANEL : STOA_LESSON_ACT_UNHIGHLIGHT);
            a->id = s->id;
            a->node = s->node;
        }
        break;
    }
    case STOA_LESSON_STEP_SHOW_NODES:
    case STOA_LESSON_STEP_HIDE_NODES:
        for (uint32_t k = 0; k < s->name_count; k++)
            set_node(m, s->names[k], s->kind == STOA_LESSON_STEP_SHOW_NODES);
        break;
    case STOA_LESSON_STEP_PLAY:
    case STOA_LESSON_STEP_STOP: {
        bool play = s->kind == STOA_LESSON_STEP_PLAY;
        lm_flag *f = lm_flag_find(&m->anims, s->animation);
        if (f) {
            f->value = play ? (s->loop ? 1 : 2) : 0;
            f->this_state = play;
        }
        a = lm_emit(m, play ? STOA_LESSON_ACT_PLAY_ANIMATION : STOA_LESSON_ACT_STOP_ANIMATION);
        a->animation = s->animation;
        a->loop = s->loop;
        break;
    }
    case STOA_LESSON_STEP_TELEPORT: lm_emit(m, STOA_LESSON_ACT_TELEPORT)->node = s->node; break;
    case STOA_LESSON_STEP_SET: run_vars(m, s, false); break;
    case STOA_LESSON_STEP_ADD: run_vars(m, s, true); break;
    case STOA_LESSON_STEP_SCORE:
        m->score += s->points;
        a = lm_emit(m, STOA_LESSON_ACT_SCORE);
        a->value = s->points;
        a->total = m->score;
        a->text = &s->text;
        break;
    case STOA_LESSON_STEP_END: run_end(m, s); break;
    case STOA_LESSON_STEP_PASSTHROUGH:
        a = lm_emit(m, STOA_LESSON_ACT_PASSTHROUGH);
        a->value = s->room_to;
        a->total = s->room_seconds;
        break;
    }
}

void lm_enter(stoa_lesson_machine *m, int32_t state)
{
    m->state = state;
    m->entered_ns = m->now;
    m->pause_start_ns = m->now;
    m->overdue_sent = false;
    m->task_done = 0; // a state entered again starts its task over
    memset(m->task_tries, 0, sizeof m->task_tries);
    memset(m->narr, 0, m->max_steps + 1);
    for (uint32_t i = 0; i < m->anims.count; i++)
        m->anims.items[i].this_state = false;
    lm_emit(m, STOA_LESSON_ACT_STATE_ENTERED);
    const stoa_lesson_state *st = &m->lesson->states[state];
    for (uint32_t i = 0; i < st->step_count && !m->ended; i++)
        run_step(m, i);
}

void lm_exit(stoa_lesson_machine *m, stoa_lesson_cause cause, int32_t trigger)
{
    if (m->state < 0)
        return;
    const stoa_lesson_state *st = &m->lesson->states[m->state];
    for (uint32_t i = 0; i < st->step_count; i++) {
        if (m->narr[i] == LM_NARR_PLAYING) {
            lm_emit(m, STOA_LESSON_ACT_STOP_NARRATION)->id = st->steps[i].id;
            m->narr[i] = LM_NARR_DONE;
        }
    }
    // Restart clears everything; otherwise what is marked keep stays.
    for (uint32_t i = m->shown_count; i-- > 0;) {
        const stoa_lesson_step *s = lm_shown_step(m, &m->shown[i]);
        if (s->keep && cause != STOA_LESSON_CAUSE_RESTART)
            continue;
        emit_unshown(m, &m->shown[i]);
        shown_remove(m, i);
    }
    stoa_lesson_action *a = lm_emit(m, STOA_LESSON_ACT_STATE_EXITED);
    a->cause = cause;
    a->trigger = trigger;
    a->value = lm_elapsed(m);
}

// ---- queries ------------------------------------------------------------------

const stoa_lesson_state *stoa_lesson_machine_state(const stoa_lesson_machine *m)
{
    return m && m->state >= 0 ? &m->lesson->states[m->state] : NULL;
}

bool stoa_lesson_machine_paused(const stoa_lesson_machine *m)
{
    return m && m->paused;
}

bool stoa_lesson_machine_ended(const stoa_lesson_machine *m)
{
    return m && m->ended;
}

stoa_lesson_outcome stoa_lesson_machine_outcome(const stoa_lesson_machine *m)
{
    return m ? m->outcome : STOA_LESSON_OUTCOME_NONE;
}

double stoa_lesson_machine_score(const stoa_lesson_machine *m)
{
    return m ? m->score : 0;
}

double stoa_lesson_machine_elapsed(const stoa_lesson_machine *m, int64_t now_ns)
{
    if (!m)
        return 0;
    stoa_lesson_machine tmp = *m;
    tmp.now = now_ns;
    return lm_elapsed(&tmp);
}

double stoa_lesson_machine_var(const stoa_lesson_machine *m, const char *name, int64_t now_ns)
{
    if (!m || !name)
        return 0;
    if (strcmp(name, "score") == 0)
        return m->score;
    if (strcmp(name, "elapsed") == 0)
        return stoa_lesson_machine_elapsed(m, now_ns);
    int32_t v = stoa_lesson_find_var(m->lesson, name);
    return v >= 0 ? m->vars[v] : 0;
}

uint32_t stoa_lesson_machine_quiz_attempts(const stoa_lesson_machine *m, const char *quiz_id)
{
    int32_t q = m ? lm_quiz_index(m->lesson, quiz_id) : -1;
    return q >= 0 ? m->quiz_attempts[q] : 0;
}
