// SPDX-License-Identifier: Apache-2.0
// A state's task (docs/lesson-format.md, "Tasks"): the steps the learner
// must do (select, grab, release, place), in order unless `order: any`,
// and the wrong moves that count as errors, each tied to concepts.
#include <stdio.h>
#include <string.h>

#include "lesson_parse.h"

#define COUNT(a) ((uint32_t)(sizeof(a) / sizeof((a)[0])))

static const char *const k_task[] = {"id", "title", "steps", "wrong", "order", "concepts",
                                       "time_limit"};
static const char *const k_move[] = {"select", "grab", "release", "place"};
static const char *const k_place[] = {"node", "zone"};

const char *stoa_lesson_move_kind_str(stoa_lesson_move_kind k)
{
    return k >= STOA_LESSON_MOVE_SELECT && k <= STOA_LESSON_MOVE_PLACE ? k_move[k - 1] : "?";
}

static void parse_place(lp *p, yaml_node_t *v, stoa_lesson_move *mv, bool wrong)
{
    if (!lp_keys(p, v, "place", k_place, COUNT(k_place)))
        return;
    yaml_node_t *x;
    if ((x = lp_need(p, v, "node", "place"))) {
        mv->node_loc = lp_loc(x);
        lp_string(p, x, "node", &mv->node);
    }
    // A wrong place may leave the zone out: put down anywhere else.
    if ((x = wrong ? lp_get(p, v, "zone") : lp_need(p, v, "zone", "place"))) {
        mv->zone_loc = lp_loc(x);
        lp_string(p, x, "zone", &mv->zone);
    }
}

static void parse_move(lp *p, yaml_node_t *n, stoa_lesson_move *mv, bool wrong)
{
    mv->loc = lp_loc(n);
    if (!lp_keys(p, n, "a task step", k_move, COUNT(k_move)))
        return;
    if (lp_len(n) != 1) {
        lp_error(p, mv->loc, "conflict", "a task step is one of select, grab, release or place");
        return;
    }
    const char *kind = lp_key_of(p, n, 0);
    yaml_node_t *v = lp_value_of(p, n, 0);
    for (uint32_t i = 0; kind && i < COUNT(k_move); i++)
        if (strcmp(kind, k_move[i]) == 0)
            mv->kind = (stoa_lesson_move_kind)(i + 1);
    if (mv->kind == STOA_LESSON_MOVE_PLACE) {
        parse_place(p, v, mv, wrong);
    } else if (mv->kind) {
        mv->node_loc = lp_loc(v);
        lp_string(p, v, kind, &mv->node);
    }
}

static bool same_move(const stoa_lesson_move *a, const stoa_lesson_move *b)
{
    return a->kind == b->kind && a->node && b->node && strcmp(a->node, b->node) == 0 &&
           (a->kind != STOA_LESSON_MOVE_PLACE ||
            (a->zone && b->zone && strcmp(a->zone, b->zone) == 0));
}

static const stoa_lesson_move *parse_moves(lp *p, yaml_node_t *v, const char *field,
                                           uint32_t min, uint32_t *out_count, bool wrong)
{
    uint32_t len = lp_len(v);
    if (v->type != YAML_SEQUENCE_NODE || len < min || len > STOA_LESSON_TASK_MAX_STEPS) {
        lp_error(p, lp_loc(v), "task-steps", "'%s' must be a list of %u to %d moves", field, min,
                 STOA_LESSON_TASK_MAX_STEPS);
        return NULL;
    }
    stoa_lesson_move *mv = lesson_arena_alloc(p->arena, (len ? len : 1) * sizeof *mv);
    if (!mv)
        return NULL;
    for (uint32_t i = 0; i < len; i++) {
        yaml_node_t *item = lp_item(p, v, i);
        if (!lp_spend(p, item))
            return NULL;
        parse_move(p, item, &mv[i], wrong);
        for (uint32_t k = 0; k < i; k++)
            if (same_move(&mv[i], &mv[k]))
                lp_error(p, mv[i].loc, "duplicate-key", "'%s' lists the same move twice", field);
    }
    *out_count = len;
    return mv;
}

void lp_parse_task(lp *p, yaml_node_t *n, stoa_lesson_state *st)
{
    char where[160];
    snprintf(where, sizeof where, "the task of state '%s'", st->name);
    if (!lp_keys(p, n, where, k_task, COUNT(k_task)))
        return;
    stoa_lesson_task *t = lesson_arena_alloc(p->arena, sizeof *t);
    if (!t)
        return;
    t->loc = lp_loc(n);
    yaml_node_t *v;
    if ((v = lp_need(p, n, "id", "a task")) && lp_string(p, v, "id", &t->id)) {
        for (uint32_t i = 0; i < p->task_count; i++)
            if (strcmp(p->task_ids[i], t->id) == 0)
                lp_error(p, lp_loc(v), "duplicate-id", "task id '%s' is used twice", t->id);
        if (p->task_count < COUNT(p->task_ids))
            p->task_ids[p->task_count++] = t->id;
    }
    if ((v = lp_get(p, n, "title")))
        lp_text(p, v, "title", &t->title);
    if ((v = lp_need(p, n, "steps", "a task")))
        t->steps = parse_moves(p, v, "steps", 1, &t->step_count, false);
    if ((v = lp_get(p, n, "wrong")))
        t->wrong = parse_moves(p, v, "wrong", 1, &t->wrong_count, true);
    for (uint32_t w = 0; w < t->wrong_count; w++)
        for (uint32_t s = 0; s < t->step_count; s++)
            if (same_move(&t->wrong[w], &t->steps[s]))
                lp_error(p, t->wrong[w].loc, "conflict",
                         "task '%s': a wrong move is also one of its steps", t->id ? t->id : "?");
    const char *order = NULL;
    if ((v = lp_get(p, n, "order")) && lp_string(p, v, "order", &order)) {
        if (strcmp(order, "any") == 0)
            t->any_order = true;
        else if (strcmp(order, "strict") != 0)
            lp_error(p, lp_loc(v), "type", "'order' is 'strict' (the default) or 'any', not '%s'",
                     order);
    }
    if ((v = lp_get(p, n, "concepts")))
        lp_names(p, v, "concepts", &t->concept_count, &t->concepts, NULL);
    // Time to finish counts for success (the TASK_DONE action, docs/lesson-format.md).
    if ((v = lp_get(p, n, "time_limit")) && lp_number(p, v, "time_limit", &t->time_limit) &&
        !(t->time_limit > 0 && t->time_limit <= 3600)) {
        lp_error(p, lp_loc(v), "range", "'time_limit' is seconds, more than 0 and at most 3600");
        t->time_limit = 0;
    }
    st->task = t;
}
