// SPDX-License-Identifier: Apache-2.0
// Triggers: a list of maps, each with one trigger key and `goto`
// (except `random`, whose branches carry their own targets).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lesson_parse.h"

#define COUNT(a) ((uint32_t)(sizeof(a) / sizeof((a)[0])))

static const char *const k_trigger_keys[] = {
    "gaze",  "select",             "grab", "release",    "place",     "enter_zone", "leave_zone",
    "timer", "narration_finished", "quiz", "instructor", "condition", "random",     "goto",
    "task"};
static const char *const k_gaze[] = {"node", "seconds"};
static const char *const k_place[] = {"node", "zone"};
static const char *const k_quiz[] = {"id", "answer", "choice"};
static const char *const k_branch[] = {"goto", "weight"};

enum { GAZE_DEFAULT_SECONDS = 2 };

static void parse_node(lp *p, yaml_node_t *v, const char *field, stoa_lesson_trigger *t)
{
    t->node_loc = lp_loc(v);
    lp_string(p, v, field, &t->node);
}

static void parse_gaze(lp *p, yaml_node_t *v, stoa_lesson_trigger *t)
{
    t->seconds = GAZE_DEFAULT_SECONDS;
    if (v && v->type == YAML_SCALAR_NODE) {
        parse_node(p, v, "gaze", t);
        return;
    }
    if (!lp_keys(p, v, "gaze", k_gaze, COUNT(k_gaze)))
        return;
    yaml_node_t *x;
    if ((x = lp_need(p, v, "node", "gaze")))
        parse_node(p, x, "node", t);
    if ((x = lp_get(p, v, "seconds")) && lp_number(p, x, "seconds", &t->seconds) &&
        t->seconds < 0)
        lp_error(p, lp_loc(x), "range", "'seconds' must not be negative");
}

static void parse_place(lp *p, yaml_node_t *v, stoa_lesson_trigger *t)
{
    if (!lp_keys(p, v, "place", k_place, COUNT(k_place)))
        return;
    yaml_node_t *x;
    if ((x = lp_need(p, v, "node", "place")))
        parse_node(p, x, "node", t);
    if ((x = lp_need(p, v, "zone", "place"))) {
        t->zone_loc = lp_loc(x);
        lp_string(p, x, "zone", &t->zone);
    }
}

// The quiz a trigger means when it names none: the state's only quiz.
static const char *only_quiz(const stoa_lesson_state *st, bool *ambiguous)
{
    const char *id = NULL;
    *ambiguous = false;
    for (uint32_t i = 0; i < st->step_count; i++) {
        if (st->steps[i].kind != STOA_LESSON_STEP_QUIZ)
            continue;
        if (id)
            *ambiguous = true;
        id = st->steps[i].id;
    }
    return id;
}

static bool parse_answer(lp *p, yaml_node_t *x, stoa_lesson_trigger *t)
{
    const char *a = x && x->type == YAML_SCALAR_NODE ? (const char *)x->data.scalar.value : "";
    if (strcmp(a, "right") == 0)
        t->match = STOA_LESSON_ANSWER_RIGHT;
    else if (strcmp(a, "wrong") == 0)
        t->match = STOA_LESSON_ANSWER_WRONG;
    else if (strcmp(a, "any") == 0)
        t->match = STOA_LESSON_ANSWER_ANY;
    else {
        lp_error(p, lp_loc(x), "type", "'answer' must be right, wrong or any, not '%.60s'", a);
        return false;
    }
    return true;
}

static void parse_quiz(lp *p, yaml_node_t *v, stoa_lesson_trigger *t, const stoa_lesson_state *st)
{
    if (v && v->type == YAML_SCALAR_NODE) {
        parse_answer(p, v, t);
    } else if (lp_keys(p, v, "quiz trigger", k_quiz, COUNT(k_quiz))) {
        yaml_node_t *x;
        if ((x = lp_get(p, v, "id")))
            lp_string(p, x, "id", &t->id);
        yaml_node_t *ans = lp_get(p, v, "answer"), *ch = lp_get(p, v, "choice");
        double d;
        if (ans && ch)
            lp_error(p, lp_loc(ch), "conflict", "a quiz trigger has 'answer' or 'choice', not both");
        else if (ans)
            parse_answer(p, ans, t);
        else if (ch && lp_number(p, ch, "choice", &d)) {
            if (d < 0 || d > 5 || d != (double)(uint32_t)d)
                lp_error(p, lp_loc(ch), "range", "'choice' must be a choice number from 0 to 5");
            t->match = STOA_LESSON_ANSWER_CHOICE;
            t->choice = d >= 0 && d <= 5 ? (uint32_t)d : 0;
        }
    }
    if (!t->id) {
        bool ambiguous;
        t->id = only_quiz(st, &ambiguous);
        if (ambiguous)
            lp_error(p, lp_loc(v), "ambiguous-quiz",
                     "state '%s' asks more than one quiz: name the quiz with 'id'", st->name);
    }
}

static void parse_random(lp *p, yaml_node_t *v, stoa_lesson_trigger *t)
{
    if (!v || v->type != YAML_SEQUENCE_NODE || lp_len(v) == 0) {
        lp_error(p, lp_loc(v), "type", "'random' must be a list of {goto: STATE, weight: N}");
        return;
    }
    uint32_t len = lp_len(v);
    stoa_lesson_branch *b = lesson_arena_alloc(p->arena, len * sizeof *b);
    if (!b)
        return;
    double total = 0;
    for (uint32_t i = 0; i < len; i++) {
        yaml_node_t *item = lp_item(p, v, i);
        b[i].weight = 1;
        b[i].target_index = -1;
        b[i].loc = lp_loc(item);
        if (!lp_keys(p, item, "a random branch", k_branch, COUNT(k_branch)))
            continue;
        yaml_node_t *x;
        if ((x = lp_need(p, item, "goto", "a random branch"))) {
            b[i].loc = lp_loc(x);
            lp_string(p, x, "goto", &b[i].target);
        }
        if ((x = lp_get(p, item, "weight")) && lp_number(p, x, "weight", &b[i].weight) &&
            b[i].weight < 0)
            lp_error(p, lp_loc(x), "range", "'weight' must not be negative");
        total += b[i].weight > 0 ? b[i].weight : 0;
    }
    if (total <= 0)
        lp_error(p, lp_loc(v), "range", "a random trigger needs a branch with weight above 0");
    t->branches = b;
    t->branch_count = len;
}

static void parse_condition(lp *p, yaml_node_t *v, stoa_lesson_trigger *t)
{
    if (!lp_string(p, v, "condition", &t->expr_text))
        return;
    size_t off = 0;
    char msg[200];
    t->expr = lesson_expr_parse(p->arena, t->expr_text, &off, msg, sizeof msg);
    if (!t->expr)
        lp_error(p, lp_loc_in(v, off), "expression", "condition '%.120s': %s", t->expr_text, msg);
}

static void parse_kind(lp *p, const char *kind, yaml_node_t *v, stoa_lesson_trigger *t,
                       const stoa_lesson_state *st)
{
    static const struct {
        const char *key;
        stoa_lesson_trigger_kind kind;
    } simple[] = {{"select", STOA_LESSON_TRIG_SELECT},         {"grab", STOA_LESSON_TRIG_GRAB},
                  {"release", STOA_LESSON_TRIG_RELEASE},       {"enter_zone", STOA_LESSON_TRIG_ENTER_ZONE},
                  {"leave_zone", STOA_LESSON_TRIG_LEAVE_ZONE}};
    for (uint32_t i = 0; i < COUNT(simple); i++) {
        if (strcmp(kind, simple[i].key) == 0) {
            t->kind = simple[i].kind;
            parse_node(p, v, kind, t);
            return;
        }
    }
    if (strcmp(kind, "gaze") == 0) {
        t->kind = STOA_LESSON_TRIG_GAZE;
        parse_gaze(p, v, t);
    } else if (strcmp(kind, "place") == 0) {
        t->kind = STOA_LESSON_TRIG_PLACE;
        parse_place(p, v, t);
    } else if (strcmp(kind, "timer") == 0) {
        t->kind = STOA_LESSON_TRIG_TIMER;
        if (lp_number(p, v, "timer", &t->seconds) && t->seconds < 0)
            lp_error(p, lp_loc(v), "range", "'timer' must not be negative");
    } else if (strcmp(kind, "narration_finished") == 0) {
        t->kind = STOA_LESSON_TRIG_NARRATION_DONE;
        // "all" = every narration of the state has finished.
        if (lp_string(p, v, "narration_finished", &t->id) && strcmp(t->id, "all") == 0)
            t->id = NULL;
        t->node_loc = lp_loc(v);
    } else if (strcmp(kind, "quiz") == 0) {
        t->kind = STOA_LESSON_TRIG_QUIZ;
        parse_quiz(p, v, t, st);
    } else if (strcmp(kind, "instructor") == 0) {
        t->kind = STOA_LESSON_TRIG_INSTRUCTOR;
        lp_string(p, v, "instructor", &t->id);
    } else if (strcmp(kind, "condition") == 0) {
        t->kind = STOA_LESSON_TRIG_CONDITION;
        parse_condition(p, v, t);
    } else if (strcmp(kind, "random") == 0) {
        t->kind = STOA_LESSON_TRIG_RANDOM;
        parse_random(p, v, t);
    } else if (strcmp(kind, "task") == 0) {
        t->kind = STOA_LESSON_TRIG_TASK_DONE;
        const char *what = NULL;
        if (lp_string(p, v, "task", &what) && strcmp(what, "done") != 0)
            lp_error(p, lp_loc(v), "type", "a task trigger is 'task: done', not 'task: %s'", what);
        else if (what && !st->task)
            lp_error(p, lp_loc(v), "no-task", "'task: done' in state '%s', which has no 'task'",
                     st->name);
    }
}

static void parse_trigger(lp *p, yaml_node_t *n, stoa_lesson_trigger *t,
                          const stoa_lesson_state *st)
{
    t->loc = lp_loc(n);
    t->target_index = -1;
    if (!lp_keys(p, n, "a trigger", k_trigger_keys, COUNT(k_trigger_keys)))
        return;
    const char *kind = NULL;
    yaml_node_t *value = NULL;
    for (uint32_t i = 0; i < lp_len(n); i++) {
        const char *k = lp_key_of(p, n, i);
        if (!k || strcmp(k, "goto") == 0)
            continue;
        bool known = false;
        for (uint32_t j = 0; j < COUNT(k_trigger_keys) && !known; j++)
            known = strcmp(k, k_trigger_keys[j]) == 0;
        if (!known)
            continue; // already reported by lp_keys
        if (kind) {
            lp_error(p, lp_loc(lp_node(p, n->data.mapping.pairs.start[i].key)), "conflict",
                     "a trigger has one kind; this one has '%s' and '%s'", kind, k);
            continue;
        }
        kind = k;
        value = lp_value_of(p, n, i);
    }
    if (!kind) {
        lp_error(p, t->loc, "missing-field",
                 "a trigger needs one of gaze, select, grab, release, place, enter_zone, "
                 "leave_zone, timer, narration_finished, quiz, instructor, condition, random, task");
        return;
    }
    parse_kind(p, kind, value, t, st);
    yaml_node_t *go = lp_get(p, n, "goto");
    if (t->kind == STOA_LESSON_TRIG_RANDOM) {
        if (go)
            lp_error(p, lp_loc(go), "conflict",
                     "a random trigger takes its targets from its branches, not 'goto'");
    } else if ((go = lp_need(p, n, "goto", "a trigger"))) {
        t->target_loc = lp_loc(go);
        lp_string(p, go, "goto", &t->target);
    }
}

bool lp_parse_triggers(lp *p, yaml_node_t *n, stoa_lesson_state *st)
{
    if (n->type != YAML_SEQUENCE_NODE) {
        lp_error(p, lp_loc(n), "type", "'triggers' must be a list, not %s", lp_kind(n));
        return false;
    }
    uint32_t len = lp_len(n);
    stoa_lesson_trigger *t = lesson_arena_alloc(p->arena, (len ? len : 1) * sizeof *t);
    if (!t)
        return false;
    st->triggers = t;
    for (uint32_t i = 0; i < len; i++) {
        yaml_node_t *item = lp_item(p, n, i);
        if (!lp_spend(p, item))
            return false;
        parse_trigger(p, item, &t[i], st);
        st->trigger_count++;
    }
    return true;
}
