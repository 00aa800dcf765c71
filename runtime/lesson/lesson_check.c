// SPDX-License-Identifier: Apache-2.0
// The validator behind `stoa lint`: checks of a parsed lesson that need the
// whole graph, the scene or the lesson's folder. No I/O of its own.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lesson/stoa_lesson_check.h"
#include "lesson_internal.h"

typedef struct ck {
    const stoa_lesson *L;
    const stoa_lesson_check_desc *desc;
    stoa_lesson_diags *diags;
    uint32_t errors;
} ck;

#define ERR(c, loc, code, ...)                                                                     \
    do {                                                                                           \
        stoa_lesson_diags_add((c)->diags, STOA_LESSON_SEV_ERROR, (loc), (code), __VA_ARGS__);      \
        (c)->errors++;                                                                             \
    } while (0)
#define WARN(c, loc, code, ...)                                                                    \
    stoa_lesson_diags_add((c)->diags, STOA_LESSON_SEV_WARNING, (loc), (code), __VA_ARGS__)
#define NOTE(c, loc, code, ...)                                                                    \
    stoa_lesson_diags_add((c)->diags, STOA_LESSON_SEV_NOTE, (loc), (code), __VA_ARGS__)

// ---- the state graph ---------------------------------------------------------

static void mark_from(const stoa_lesson *L, int32_t s, uint8_t *seen)
{
    // Iterative: a lesson may have many states and recursion depth is not ours to spend.
    int32_t *stack = malloc((L->state_count + 1) * sizeof *stack);
    uint32_t top = 0;
    if (!stack || s < 0)
        goto out;
    seen[s] = 1;
    stack[top++] = s;
    while (top) {
        const stoa_lesson_state *st = &L->states[stack[--top]];
        for (uint32_t t = 0; t <= st->trigger_count; t++) {
            const stoa_lesson_trigger *tr = t < st->trigger_count ? &st->triggers[t] : NULL;
            uint32_t n = tr ? (tr->branch_count ? tr->branch_count : 1) : 1;
            for (uint32_t b = 0; b < n; b++) {
                int32_t to = !tr ? st->skip_index
                             : tr->branch_count ? tr->branches[b].target_index
                                                : tr->target_index;
                if (to >= 0 && !seen[to]) {
                    seen[to] = 1;
                    stack[top++] = to;
                }
            }
        }
    }
out:
    free(stack);
}

static bool state_leads_to(const stoa_lesson_state *st, const uint8_t *good)
{
    if (st->skip_index >= 0 && good[st->skip_index])
        return true;
    for (uint32_t t = 0; t < st->trigger_count; t++) {
        const stoa_lesson_trigger *tr = &st->triggers[t];
        if (tr->target_index >= 0 && good[tr->target_index])
            return true;
        for (uint32_t b = 0; b < tr->branch_count; b++)
            if (tr->branches[b].target_index >= 0 && tr->branches[b].weight > 0 &&
                good[tr->branches[b].target_index])
                return true;
    }
    return false;
}

static void check_graph(ck *c)
{
    const stoa_lesson *L = c->L;
    uint8_t *reach = calloc(L->state_count + 1, 1), *ends = calloc(L->state_count + 1, 1);
    if (!reach || !ends)
        goto out;
    mark_from(L, L->start_index, reach);
    bool any_end = false;
    for (uint32_t s = 0; s < L->state_count; s++)
        any_end |= ends[s] = L->states[s].ends;
    // Backward closure: a state reaches an end when a target of it does.
    for (bool grew = true; grew;) {
        grew = false;
        for (uint32_t s = 0; s < L->state_count; s++)
            if (!ends[s] && state_leads_to(&L->states[s], ends))
                ends[s] = grew = true;
    }
    const char *start = L->start ? L->start : "?";
    if (!any_end)
        ERR(c, L->states[0].loc, "no-end",
            "no state ends the lesson: add an 'end' action to the last state");
    for (uint32_t s = 0; s < L->state_count; s++) {
        const stoa_lesson_state *st = &L->states[s];
        if (!reach[s])
            WARN(c, st->loc, "unreachable", "state '%s' cannot be reached from start state '%s'",
                 st->name, start);
        else if (any_end && !ends[s])
            ERR(c, st->loc, "no-end", "state '%s' cannot reach an end of the lesson", st->name);
    }
out:
    free(reach);
    free(ends);
}

// ---- triggers that can never fire ----------------------------------------------

static const stoa_lesson_step *state_step(const stoa_lesson_state *st, stoa_lesson_step_kind kind,
                                          const char *id)
{
    for (uint32_t i = 0; i < st->step_count; i++)
        if (st->steps[i].kind == kind && (!id || (st->steps[i].id && strcmp(st->steps[i].id, id) == 0)))
            return &st->steps[i];
    return NULL;
}

static bool always_holds(const stoa_lesson_trigger *t)
{
    return t->kind == STOA_LESSON_TRIG_RANDOM || (t->kind == STOA_LESSON_TRIG_TIMER && t->seconds <= 0) ||
           (t->kind == STOA_LESSON_TRIG_CONDITION && lesson_expr_constant_true(t->expr));
}

static bool same_str(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

// True when `early` holds for every event that makes `late` hold.
static bool catches(const stoa_lesson_trigger *early, const stoa_lesson_trigger *late)
{
    if (early->kind != late->kind || !same_str(early->node, late->node) ||
        !same_str(early->zone, late->zone) || !same_str(early->id, late->id))
        return false;
    switch (late->kind) {
    case STOA_LESSON_TRIG_GAZE: return early->seconds <= late->seconds;
    case STOA_LESSON_TRIG_SELECT:
    case STOA_LESSON_TRIG_GRAB:
    case STOA_LESSON_TRIG_RELEASE:
    case STOA_LESSON_TRIG_PLACE:
    case STOA_LESSON_TRIG_ENTER_ZONE:
    case STOA_LESSON_TRIG_LEAVE_ZONE:
    case STOA_LESSON_TRIG_INSTRUCTOR:
    case STOA_LESSON_TRIG_TASK_DONE:
    case STOA_LESSON_TRIG_NARRATION_DONE: return true;
    case STOA_LESSON_TRIG_TIMER: return early->seconds <= late->seconds;
    case STOA_LESSON_TRIG_QUIZ:
        return early->match == STOA_LESSON_ANSWER_ANY ||
               (early->match == late->match && early->choice == late->choice);
    default: return false;
    }
}

typedef struct var_ck {
    ck *c;
    const stoa_lesson_trigger *t;
} var_ck;

static bool var_written(const stoa_lesson *L, const char *name)
{
    for (uint32_t i = 0; i < L->declared_var_count; i++)
        if (strcmp(L->var_names[i], name) == 0)
            return true;
    for (uint32_t s = 0; s < L->state_count; s++)
        for (uint32_t i = 0; i < L->states[s].step_count; i++) {
            const stoa_lesson_step *sp = &L->states[s].steps[i];
            if (sp->kind != STOA_LESSON_STEP_SET && sp->kind != STOA_LESSON_STEP_ADD)
                continue;
            for (uint32_t k = 0; k < sp->name_count; k++)
                if (sp->names[k] && strcmp(sp->names[k], name) == 0)
                    return true;
        }
    return false;
}

static void check_var(void *user, lesson_expr_node *n)
{
    var_ck *v = user;
    if (!var_written(v->c->L, n->name))
        WARN(v->c, v->t->loc, "never-set",
             "condition reads variable '%s', which is never declared or set", n->name);
}

static void check_trigger(ck *c, const stoa_lesson_state *st, uint32_t i)
{
    const stoa_lesson_trigger *t = &st->triggers[i];
    for (uint32_t j = 0; j < i; j++) {
        if (always_holds(&st->triggers[j])) {
            WARN(c, t->loc, "never-fires",
                 "trigger can never fire: trigger %u above it always holds", j + 1);
            return;
        }
        if (catches(&st->triggers[j], t)) {
            WARN(c, t->loc, "never-fires",
                 "trigger can never fire: trigger %u above it catches the same event", j + 1);
            return;
        }
    }
    const stoa_lesson_step *s;
    switch (t->kind) {
    case STOA_LESSON_TRIG_QUIZ:
        if (!t->id || !(s = state_step(st, STOA_LESSON_STEP_QUIZ, t->id))) {
            WARN(c, t->loc, "never-fires", "quiz trigger can never fire: state '%s' asks no quiz%s%s%s",
                 st->name, t->id ? " '" : "", t->id ? t->id : "", t->id ? "'" : "");
        } else if (t->match == STOA_LESSON_ANSWER_CHOICE && s->quiz &&
                   t->choice >= s->quiz->choice_count) {
            WARN(c, t->loc, "never-fires",
                 "quiz trigger can never fire: quiz '%s' has no choice %u (choices are 0 to %u)",
                 t->id, t->choice, s->quiz->choice_count - 1);
        }
        break;
    case STOA_LESSON_TRIG_NARRATION_DONE:
        if (!state_step(st, STOA_LESSON_STEP_NARRATE, t->id)) {
            if (t->id)
                WARN(c, t->loc, "never-fires",
                     "narration_finished can never fire: state '%s' has no narration '%s'",
                     st->name, t->id);
            else
                WARN(c, t->loc, "never-fires",
                     "narration_finished can never fire: state '%s' narrates nothing", st->name);
        }
        break;
    case STOA_LESSON_TRIG_CONDITION: {
        var_ck v = {c, t};
        lesson_expr_each_var(t->expr, check_var, &v);
        break;
    }
    default: break;
    }
}

// ---- scene, assets, translations ---------------------------------------------------

static void check_name(ck *c, const char *name, stoa_lesson_loc loc, bool animation)
{
    const stoa_lesson_check_desc *d = c->desc;
    if (!name || !d || !d->has_scene)
        return;
    const char *const *list = animation ? d->animations : d->nodes;
    uint32_t n = animation ? d->animation_count : d->node_count;
    for (uint32_t i = 0; i < n; i++)
        if (list[i] && strcmp(list[i], name) == 0)
            return;
    const char *what = animation ? "animation" : "node";
    const char *code = animation ? "unknown-animation" : "unknown-node";
    const char *s = list ? stoa_lesson_suggest(name, list, n) : NULL;
    if (s)
        ERR(c, loc, code, "the scene has no %s '%s'; did you mean '%s'?", what, name, s);
    else
        ERR(c, loc, code, "the scene has no %s '%s'", what, name);
}

static void check_text(ck *c, const stoa_lesson_text *t, const char *field, bool audio)
{
    const stoa_lesson *L = c->L;
    if (t->count == 0 || L->language_count == 0)
        return;
    // A plain string is in the lesson's first language (audio: in every language).
    if (t->count == 1 && !t->entries[0].lang) {
        if (!audio && L->language_count > 1)
            ERR(c, t->loc, "missing-translation",
                "'%s' is a plain string (%s only); give it as a map with %s", field,
                L->languages[0], L->languages[1]);
        return;
    }
    for (uint32_t l = 0; l < L->language_count; l++) {
        bool found = false;
        for (uint32_t i = 0; i < t->count && !found; i++)
            found = t->entries[i].lang && lesson_lang_eq(t->entries[i].lang, L->languages[l]);
        if (!found)
            ERR(c, t->loc, "missing-translation", "'%s' has no '%s' %s", field, L->languages[l],
                audio ? "audio" : "translation");
    }
    for (uint32_t i = 0; i < t->count; i++) {
        bool declared = false;
        for (uint32_t l = 0; l < L->language_count && !declared; l++)
            declared = lesson_lang_eq(t->entries[i].lang, L->languages[l]);
        if (!declared)
            WARN(c, t->loc, "undeclared-language",
                 "'%s' has language '%s', which the lesson does not declare in 'languages'",
                 field, t->entries[i].lang);
    }
}

// A narration without a recording in some language is not an error: its
// subtitle is shown for its reading time. Say which, so an author knows
// what to record (or to generate with tools/narration/narrate).
static void check_audio(ck *c, const stoa_lesson_step *s)
{
    const stoa_lesson *L = c->L;
    if (s->audio.count == 0) {
        NOTE(c, s->text.loc.line ? s->text.loc : s->loc, "no-recording",
             "narration '%s' has no recording: its subtitle is shown for its reading time",
             s->id ? s->id : "?");
    } else if (!(s->audio.count == 1 && !s->audio.entries[0].lang)) {
        for (uint32_t l = 0; l < L->language_count; l++) {
            const char *v = stoa_lesson_audio_get(&s->audio, L->languages[l]);
            if (!v)
                NOTE(c, s->audio.loc, "no-recording",
                     "narration '%s' has no '%s' recording: its subtitle is shown for its "
                     "reading time",
                     s->id ? s->id : "?", L->languages[l]);
        }
        for (uint32_t i = 0; i < s->audio.count; i++) {
            bool declared = false;
            for (uint32_t l = 0; l < L->language_count && !declared; l++)
                declared = lesson_lang_eq(s->audio.entries[i].lang, L->languages[l]);
            if (!declared)
                WARN(c, s->audio.loc, "undeclared-language",
                     "'audio' has language '%s', which the lesson does not declare in 'languages'",
                     s->audio.entries[i].lang);
        }
    }
    if (!c->desc || !c->desc->asset_exists)
        return;
    for (uint32_t i = 0; i < s->audio.count; i++)
        if (!c->desc->asset_exists(c->desc->user, s->audio.entries[i].value))
            ERR(c, s->audio.loc, "missing-audio", "audio file '%s' does not exist",
                s->audio.entries[i].value);
}

static void check_step(ck *c, const stoa_lesson_step *s)
{
    check_name(c, s->node, s->node_loc, false);
    switch (s->kind) {
    case STOA_LESSON_STEP_NARRATE:
        check_audio(c, s);
        check_text(c, &s->text, "text", false);
        break;
    case STOA_LESSON_STEP_SHOW_PANEL: check_text(c, &s->text, "text", false); break;
    case STOA_LESSON_STEP_SCORE: check_text(c, &s->text, "feedback", false); break;
    case STOA_LESSON_STEP_SHOW_NODES:
    case STOA_LESSON_STEP_HIDE_NODES:
        for (uint32_t k = 0; k < s->name_count; k++)
            check_name(c, s->names[k], s->name_locs[k], false);
        break;
    case STOA_LESSON_STEP_PLAY:
    case STOA_LESSON_STEP_STOP: check_name(c, s->animation, s->node_loc, true); break;
    case STOA_LESSON_STEP_QUIZ:
        if (s->quiz) {
            check_text(c, &s->quiz->question, "question", false);
            for (uint32_t k = 0; k < s->quiz->choice_count; k++) {
                check_text(c, &s->quiz->choices[k], "choices", false);
                if (s->quiz->choice_feedback)
                    check_text(c, &s->quiz->choice_feedback[k], "feedback", false);
            }
            check_text(c, &s->quiz->feedback_right, "feedback", false);
            check_text(c, &s->quiz->feedback_wrong, "feedback", false);
        }
        break;
    default: break;
    }
}

// `whole`: the lesson parsed without error, so its graph can be checked
// too; a partial lesson (stoa_lesson_parse_desc.keep_partial) may have
// unresolved targets, whose graph problems would only echo the parse errors.
static uint32_t check(const stoa_lesson *L, const stoa_lesson_check_desc *desc,
                      stoa_lesson_diags *diags, bool whole)
{
    ck c = {L, desc, diags, 0};
    if (!L || L->state_count == 0)
        return 0;
    if (whole)
        check_graph(&c);
    check_text(&c, &L->title, "title", false);
    check_text(&c, &L->description, "description", false);
    for (uint32_t k = 0; k < L->environment_count; k++) // AR: hidden over the room
        check_name(&c, L->environment[k], L->environment_locs[k], false);
    check_name(&c, L->tabletop_node, L->tabletop_node_loc, false);
    for (uint32_t s = 0; s < L->state_count; s++) {
        const stoa_lesson_state *st = &L->states[s];
        check_text(&c, &st->title, "title", false);
        for (uint32_t k = 0; k < st->key_node_count; k++)
            check_name(&c, st->key_nodes[k], st->key_node_locs[k], false);
        for (uint32_t i = 0; i < st->step_count; i++)
            check_step(&c, &st->steps[i]);
        for (uint32_t i = 0; st->task && i < st->task->step_count + st->task->wrong_count; i++) {
            const stoa_lesson_move *mv = i < st->task->step_count
                                             ? &st->task->steps[i]
                                             : &st->task->wrong[i - st->task->step_count];
            check_name(&c, mv->node, mv->node_loc, false);
            check_name(&c, mv->zone, mv->zone_loc, false);
        }
        if (st->task)
            check_text(&c, &st->task->title, "title", false);
        for (uint32_t i = 0; i < st->trigger_count; i++) {
            const stoa_lesson_trigger *t = &st->triggers[i];
            check_name(&c, t->node, t->node_loc, false);
            check_name(&c, t->zone, t->zone_loc, false);
            if (whole)
                check_trigger(&c, st, i);
        }
    }
    return c.errors;
}

uint32_t stoa_lesson_check(const stoa_lesson *L, const stoa_lesson_check_desc *desc,
                           stoa_lesson_diags *diags)
{
    return check(L, desc, diags, true);
}

uint32_t stoa_lesson_check_partial(const stoa_lesson *L, const stoa_lesson_check_desc *desc,
                                   stoa_lesson_diags *diags)
{
    return check(L, desc, diags, false);
}
