// SPDX-License-Identifier: Apache-2.0
// Entry actions ("on_enter"): a list of one-key maps, e.g. `- narrate: {...}`.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lesson_parse.h"

#define COUNT(a) ((uint32_t)(sizeof(a) / sizeof((a)[0])))

static const char *const k_actions[] = {"narrate", "show_panel", "hide_panel", "highlight",
                                        "unhighlight", "show", "hide", "play",
                                        "stop", "teleport", "set", "add",
                                        "score", "quiz", "end", "passthrough"};

static const char *const k_narrate[] = {"id", "audio", "at", "text"};
static const char *const k_panel[] = {"id", "text", "at", "keep"};
static const char *const k_highlight[] = {"node", "arrow", "keep"};
static const char *const k_play[] = {"animation", "loop"};
static const char *const k_score[] = {"points", "feedback"};
static const char *const k_quiz[] = {"id", "question", "choices", "correct", "score", "feedback"};
static const char *const k_end[] = {"pass_score"};

// `at: learner` (the default) places a narration at the learner's head and a
// panel in front of the learner; any other value names a node.
static void parse_at(lp *p, yaml_node_t *map, stoa_lesson_step *s)
{
    yaml_node_t *at = lp_get(p, map, "at");
    const char *v;
    if (at && lp_string(p, at, "at", &v) && strcmp(v, "learner") != 0) {
        s->node = v;
        s->node_loc = lp_loc(at);
    }
}

static bool id_used(lp *p, const char *id, stoa_lesson_step_kind kind, const stoa_lesson_state *cur,
                    uint32_t cur_steps)
{
    const stoa_lesson *L = p->lesson;
    for (uint32_t s = 0; s <= p->state_index && s < L->state_count; s++) {
        const stoa_lesson_state *st = &L->states[s];
        uint32_t n = st == cur ? cur_steps : st->step_count;
        for (uint32_t i = 0; i < n; i++)
            if (st->steps[i].kind == kind && st->steps[i].id && strcmp(st->steps[i].id, id) == 0)
                return true;
    }
    return false;
}

static void parse_narrate(lp *p, yaml_node_t *n, stoa_lesson_step *s, stoa_lesson_state *st,
                          uint32_t index, uint32_t ordinal)
{
    if (!lp_keys(p, n, "narrate", k_narrate, COUNT(k_narrate)))
        return;
    yaml_node_t *v;
    if ((v = lp_get(p, n, "id")) && lp_string(p, v, "id", &s->id) &&
        id_used(p, s->id, STOA_LESSON_STEP_NARRATE, st, index))
        lp_error(p, lp_loc(v), "duplicate-id", "narration id '%s' is used twice", s->id);
    if (!s->id) {
        char buf[200];
        snprintf(buf, sizeof buf, "%s#%u", p->state, ordinal);
        s->id = lesson_arena_strdup(p->arena, buf);
    }
    // Without `audio` the subtitle stays up for its reading time and the
    // narration "finishes" then (lint notes it; tools/narration makes one).
    if ((v = lp_get(p, n, "audio")) && lp_text(p, v, "audio", &s->audio)) {
        for (uint32_t i = 0; i < s->audio.count; i++) {
            char out[4096];
            stoa_error perr = {0};
            if (stoa_lesson_resolve_path("lessons/x.yaml", s->audio.entries[i].value, out,
                                         sizeof out, &perr) != STOA_OK)
                lp_error(p, lp_loc(v), "unsafe-path",
                         "audio '%s' is not a relative path inside the lesson's folder",
                         s->audio.entries[i].value);
        }
    }
    if ((v = lp_need(p, n, "text", "narrate")))
        lp_text(p, v, "text", &s->text);
    parse_at(p, n, s);
}

static void parse_panel(lp *p, yaml_node_t *n, stoa_lesson_step *s, uint32_t ordinal)
{
    if (!lp_keys(p, n, "show_panel", k_panel, COUNT(k_panel)))
        return;
    yaml_node_t *v;
    if ((v = lp_get(p, n, "id")))
        lp_string(p, v, "id", &s->id);
    if (!s->id) {
        char buf[200];
        snprintf(buf, sizeof buf, "%s#panel%u", p->state, ordinal);
        s->id = lesson_arena_strdup(p->arena, buf);
    }
    if ((v = lp_need(p, n, "text", "show_panel")))
        lp_text(p, v, "text", &s->text);
    if ((v = lp_get(p, n, "keep")))
        lp_bool(p, v, "keep", &s->keep);
    parse_at(p, n, s);
}

static void parse_highlight(lp *p, yaml_node_t *n, stoa_lesson_step *s)
{
    s->arrow = true;
    if (n && n->type == YAML_SCALAR_NODE) {
        s->node_loc = lp_loc(n);
        lp_string(p, n, "highlight", &s->node);
        return;
    }
    if (!lp_keys(p, n, "highlight", k_highlight, COUNT(k_highlight)))
        return;
    yaml_node_t *v;
    if ((v = lp_need(p, n, "node", "highlight"))) {
        s->node_loc = lp_loc(v);
        lp_string(p, v, "node", &s->node);
    }
    if ((v = lp_get(p, n, "arrow")))
        lp_bool(p, v, "arrow", &s->arrow);
    if ((v = lp_get(p, n, "keep")))
        lp_bool(p, v, "keep", &s->keep);
}

static void parse_play(lp *p, yaml_node_t *n, stoa_lesson_step *s)
{
    if (n && n->type == YAML_SCALAR_NODE) {
        s->node_loc = lp_loc(n);
        lp_string(p, n, "play", &s->animation);
        return;
    }
    if (!lp_keys(p, n, "play", k_play, COUNT(k_play)))
        return;
    yaml_node_t *v;
    if ((v = lp_need(p, n, "animation", "play"))) {
        s->node_loc = lp_loc(v);
        lp_string(p, v, "animation", &s->animation);
    }
    if ((v = lp_get(p, n, "loop")))
        lp_bool(p, v, "loop", &s->loop);
}

static void parse_vars(lp *p, yaml_node_t *n, stoa_lesson_step *s, const char *field)
{
    if (!n || n->type != YAML_MAPPING_NODE || lp_len(n) == 0) {
        lp_error(p, lp_loc(n), "type", "'%s' must be a map from variable name to value", field);
        return;
    }
    uint32_t len = lp_len(n);
    const char **names = lesson_arena_alloc(p->arena, len * sizeof *names);
    stoa_lesson_loc *locs = lesson_arena_alloc(p->arena, len * sizeof *locs);
    double *values = lesson_arena_alloc(p->arena, len * sizeof *values);
    if (!names || !locs || !values)
        return;
    for (uint32_t i = 0; i < len; i++) {
        const char *name = lp_key_of(p, n, i);
        yaml_node_t *k = lp_node(p, n->data.mapping.pairs.start[i].key);
        yaml_node_t *v = lp_value_of(p, n, i);
        locs[i] = lp_loc(k);
        if (!name || !*name || strcmp(name, "score") == 0 || strcmp(name, "elapsed") == 0) {
            lp_error(p, lp_loc(k), "bad-name",
                     "'%s' cannot be %s here (use the score action for the score)",
                     name ? name : "?", field);
            continue;
        }
        const char *sv = v && v->type == YAML_SCALAR_NODE ? (const char *)v->data.scalar.value : "";
        bool b;
        if (strcmp(field, "set") == 0 && (strcmp(sv, "true") == 0 || strcmp(sv, "false") == 0)) {
            lp_bool(p, v, name, &b);
            values[i] = b;
        } else if (!lp_number(p, v, name, &values[i])) {
            continue;
        }
        names[i] = lesson_arena_strdup(p->arena, name);
        lp_var(p, names[i], 0);
    }
    s->name_count = len;
    s->names = names;
    s->name_locs = locs;
    s->values = values;
}

static void parse_score(lp *p, yaml_node_t *n, stoa_lesson_step *s)
{
    if (n && n->type == YAML_SCALAR_NODE) {
        lp_number(p, n, "score", &s->points);
        return;
    }
    if (!lp_keys(p, n, "score", k_score, COUNT(k_score)))
        return;
    yaml_node_t *v;
    if ((v = lp_need(p, n, "points", "score")))
        lp_number(p, v, "points", &s->points);
    if ((v = lp_get(p, n, "feedback")))
        lp_text(p, v, "feedback", &s->text);
}

static uint32_t parse_correct(lp *p, yaml_node_t *v, const stoa_lesson_quiz *q)
{
    uint32_t mask = 0;
    uint32_t len = v->type == YAML_SEQUENCE_NODE ? lp_len(v) : 1;
    for (uint32_t i = 0; i < len; i++) {
        yaml_node_t *item = v->type == YAML_SEQUENCE_NODE ? lp_item(p, v, i) : v;
        double d;
        if (!lp_number(p, item, "correct", &d))
            continue;
        if (d < 0 || d >= q->choice_count || d != (double)(uint32_t)d) {
            lp_error(p, lp_loc(item), "quiz-correct",
                     "quiz '%s': correct choice %g does not exist (choices are numbered 0 to %u)",
                     q->id, d, q->choice_count ? q->choice_count - 1 : 0);
            continue;
        }
        mask |= 1u << (uint32_t)d;
    }
    return mask;
}

static void parse_quiz(lp *p, yaml_node_t *n, stoa_lesson_step *s)
{
    if (!lp_keys(p, n, "quiz", k_quiz, COUNT(k_quiz)))
        return;
    stoa_lesson_quiz *q = lesson_arena_alloc(p->arena, sizeof *q);
    if (!q)
        return;
    q->loc = lp_loc(n);
    s->quiz = q;
    yaml_node_t *v;
    if ((v = lp_need(p, n, "id", "quiz")) && lp_string(p, v, "id", &q->id)) {
        for (uint32_t i = 0; i < p->quiz_count; i++)
            if (strcmp(p->quizzes[i]->id, q->id) == 0)
                lp_error(p, lp_loc(v), "duplicate-id", "quiz id '%s' is used twice", q->id);
    }
    if (!q->id)
        q->id = "?";
    s->id = q->id;
    if ((v = lp_need(p, n, "question", "quiz")))
        lp_text(p, v, "question", &q->question);
    if ((v = lp_need(p, n, "choices", "quiz"))) {
        uint32_t len = lp_len(v);
        if (v->type != YAML_SEQUENCE_NODE) {
            lp_error(p, lp_loc(v), "type", "'choices' must be a list, not %s", lp_kind(v));
        } else if (len < 2 || len > 6) {
            lp_error(p, lp_loc(v), "quiz-choices",
                     "quiz '%s' has %u choices; a quiz has 2 to 6", q->id, len);
        } else {
            stoa_lesson_text *c = lesson_arena_alloc(p->arena, len * sizeof *c);
            if (c) {
                for (uint32_t i = 0; i < len; i++)
                    lp_text(p, lp_item(p, v, i), "choices", &c[i]);
                q->choices = c;
                q->choice_count = len;
            }
        }
    }
    yaml_node_t *correct = lp_get(p, n, "correct");
    if (correct && q->choice_count)
        q->correct = parse_correct(p, correct, q);
    if (q->choice_count && !q->correct &&
        (!correct || (correct->type == YAML_SEQUENCE_NODE && lp_len(correct) == 0)))
        lp_error(p, correct ? lp_loc(correct) : lp_loc(n), "quiz-no-correct",
                 "quiz '%s' has no correct answer (add 'correct: N', choices numbered from 0)",
                 q->id);
    lp_parse_quiz_outcomes(p, n, q);
    if (p->quiz_count == p->quiz_cap) {
        uint32_t cap = p->quiz_cap ? p->quiz_cap * 2 : 8;
        const stoa_lesson_quiz **qs = realloc(p->quizzes, cap * sizeof *qs);
        if (!qs)
            return;
        p->quizzes = qs;
        p->quiz_cap = cap;
    }
    p->quizzes[p->quiz_count++] = q;
}

static void parse_end(lp *p, yaml_node_t *n, stoa_lesson_step *s)
{
    if (n && n->type == YAML_SCALAR_NODE) {
        const char *v = (const char *)n->data.scalar.value;
        if (strcmp(v, "completed") == 0)
            s->outcome = STOA_LESSON_OUTCOME_COMPLETED;
        else if (strcmp(v, "passed") == 0)
            s->outcome = STOA_LESSON_OUTCOME_PASSED;
        else if (strcmp(v, "failed") == 0)
            s->outcome = STOA_LESSON_OUTCOME_FAILED;
        else
            lp_error(p, lp_loc(n), "type",
                     "'end' must be completed, passed, failed or {pass_score: N}, not '%.60s'", v);
        return;
    }
    if (!lp_keys(p, n, "end", k_end, COUNT(k_end)))
        return;
    yaml_node_t *v = lp_need(p, n, "pass_score", "end");
    if (v && lp_number(p, v, "pass_score", &s->pass_score))
        s->by_score = true;
}

static void parse_step(lp *p, const char *kind, yaml_node_t *v, stoa_lesson_step *s,
                       stoa_lesson_state *st, uint32_t index, uint32_t *narrations,
                       uint32_t *panels)
{
    if (strcmp(kind, "narrate") == 0) {
        s->kind = STOA_LESSON_STEP_NARRATE;
        parse_narrate(p, v, s, st, index, ++*narrations);
    } else if (strcmp(kind, "show_panel") == 0) {
        s->kind = STOA_LESSON_STEP_SHOW_PANEL;
        parse_panel(p, v, s, ++*panels);
    } else if (strcmp(kind, "hide_panel") == 0) {
        s->kind = STOA_LESSON_STEP_HIDE_PANEL;
        lp_string(p, v, "hide_panel", &s->id);
    } else if (strcmp(kind, "highlight") == 0) {
        s->kind = STOA_LESSON_STEP_HIGHLIGHT;
        parse_highlight(p, v, s);
    } else if (strcmp(kind, "unhighlight") == 0 || strcmp(kind, "teleport") == 0) {
        s->kind = kind[0] == 'u' ? STOA_LESSON_STEP_UNHIGHLIGHT : STOA_LESSON_STEP_TELEPORT;
        s->node_loc = lp_loc(v);
        lp_string(p, v, kind, &s->node);
    } else if (strcmp(kind, "show") == 0 || strcmp(kind, "hide") == 0) {
        s->kind = kind[0] == 's' ? STOA_LESSON_STEP_SHOW_NODES : STOA_LESSON_STEP_HIDE_NODES;
        lp_names(p, v, kind, &s->name_count, &s->names, &s->name_locs);
    } else if (strcmp(kind, "play") == 0) {
        s->kind = STOA_LESSON_STEP_PLAY;
        parse_play(p, v, s);
    } else if (strcmp(kind, "stop") == 0) {
        s->kind = STOA_LESSON_STEP_STOP;
        s->node_loc = lp_loc(v);
        lp_string(p, v, "stop", &s->animation);
    } else if (strcmp(kind, "set") == 0 || strcmp(kind, "add") == 0) {
        s->kind = kind[0] == 's' ? STOA_LESSON_STEP_SET : STOA_LESSON_STEP_ADD;
        parse_vars(p, v, s, kind);
    } else if (strcmp(kind, "score") == 0) {
        s->kind = STOA_LESSON_STEP_SCORE;
        parse_score(p, v, s);
    } else if (strcmp(kind, "quiz") == 0) {
        s->kind = STOA_LESSON_STEP_QUIZ;
        parse_quiz(p, v, s);
    } else if (strcmp(kind, "end") == 0) {
        s->kind = STOA_LESSON_STEP_END;
        parse_end(p, v, s);
        st->ends = true;
    } else if (strcmp(kind, "passthrough") == 0) {
        s->kind = STOA_LESSON_STEP_PASSTHROUGH;
        lp_parse_passthrough(p, v, s);
    }
}

bool lp_parse_steps(lp *p, yaml_node_t *n, stoa_lesson_state *st)
{
    if (n->type != YAML_SEQUENCE_NODE) {
        lp_error(p, lp_loc(n), "type", "'on_enter' must be a list of actions, not %s", lp_kind(n));
        return false;
    }
    uint32_t len = lp_len(n);
    stoa_lesson_step *steps = lesson_arena_alloc(p->arena, (len ? len : 1) * sizeof *steps);
    if (!steps)
        return false;
    st->steps = steps;
    uint32_t narrations = 0, panels = 0;
    for (uint32_t i = 0; i < len; i++) {
        yaml_node_t *item = lp_item(p, n, i);
        if (!lp_spend(p, item))
            return false;
        stoa_lesson_step *s = &steps[st->step_count];
        s->loc = lp_loc(item);
        if (!item || item->type != YAML_MAPPING_NODE || lp_len(item) != 1) {
            lp_error(p, lp_loc(item), "type",
                     "an action is a map with one key, such as 'narrate:' or 'show_panel:'");
            continue;
        }
        const char *kind = lp_key_of(p, item, 0);
        yaml_node_t *k = lp_node(p, item->data.mapping.pairs.start[0].key);
        bool known = false;
        for (uint32_t j = 0; kind && j < COUNT(k_actions) && !known; j++)
            known = strcmp(kind, k_actions[j]) == 0;
        if (!known) {
            const char *sug = kind ? stoa_lesson_suggest(kind, k_actions, COUNT(k_actions)) : NULL;
            if (sug)
                lp_error(p, lp_loc(k), "unknown-key", "unknown action '%s'; did you mean '%s'?",
                         kind, sug);
            else
                lp_error(p, lp_loc(k), "unknown-key", "unknown action '%s'", kind ? kind : "?");
            continue;
        }
        st->step_count++;
        parse_step(p, kind, lp_value_of(p, item, 0), s, st, st->step_count - 1, &narrations,
                   &panels);
    }
    return true;
}
