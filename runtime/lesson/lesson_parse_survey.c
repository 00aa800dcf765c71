// SPDX-License-Identifier: Apache-2.0
// The end-of-lesson survey: a few 1-5 scale questions and at most one
// choice question (docs/lesson-format.md, "Surveys").
#include <string.h>

#include "lesson_parse.h"

#define SURVEY_MAX 8
static const char *const k_item_keys[] = {"id", "question", "scale", "choices", "low", "high"};
#define COUNT(a) ((uint32_t)(sizeof(a) / sizeof((a)[0])))

static void parse_item(lp *p, yaml_node_t *n, stoa_lesson_survey_item *it, uint32_t *choice_items)
{
    it->loc = lp_loc(n);
    if (!lp_keys(p, n, "a survey question", k_item_keys, COUNT(k_item_keys)))
        return;
    yaml_node_t *v;
    if ((v = lp_need(p, n, "id", "a survey question")))
        lp_string(p, v, "id", &it->id);
    if ((v = lp_need(p, n, "question", "a survey question")))
        lp_text(p, v, "question", &it->question);
    yaml_node_t *scale = lp_get(p, n, "scale"), *choices = lp_get(p, n, "choices");
    if (!scale == !choices) {
        lp_error(p, it->loc, "survey-kind",
                 "survey question '%s' needs either 'scale: 5' (1 to 5) or 'choices: [...]'",
                 it->id ? it->id : "?");
        return;
    }
    double points = 0;
    if (scale && lp_number(p, scale, "scale", &points) && points != 5)
        lp_error(p, lp_loc(scale), "survey-scale", "a survey scale runs from 1 to 5: write 'scale: 5'");
    if ((v = lp_get(p, n, "low")))
        lp_text(p, v, "low", &it->low);
    if ((v = lp_get(p, n, "high")))
        lp_text(p, v, "high", &it->high);
    if (!choices)
        return;
    if (++*choice_items > 1)
        lp_error(p, lp_loc(choices), "survey-choices", "a survey has at most one choice question");
    uint32_t len = lp_len(choices);
    if (choices->type != YAML_SEQUENCE_NODE || len < 2 || len > 6) {
        lp_error(p, lp_loc(choices), "survey-choices", "'choices' must be a list of 2 to 6 texts");
        return;
    }
    stoa_lesson_text *c = lesson_arena_alloc(p->arena, len * sizeof *c);
    if (!c)
        return;
    for (uint32_t i = 0; i < len; i++)
        lp_text(p, lp_item(p, choices, i), "choices", &c[i]);
    it->choices = c;
    it->choice_count = len;
}

void lp_parse_survey(lp *p, yaml_node_t *n, stoa_lesson *L)
{
    if (!n)
        return;
    uint32_t len = lp_len(n);
    if (n->type != YAML_SEQUENCE_NODE || len == 0 || len > SURVEY_MAX) {
        lp_error(p, lp_loc(n), "survey", "'survey' must be a list of 1 to %d questions", SURVEY_MAX);
        return;
    }
    stoa_lesson_survey_item *items = lesson_arena_alloc(p->arena, len * sizeof *items);
    if (!items)
        return;
    uint32_t choice_items = 0;
    for (uint32_t i = 0; i < len; i++) {
        parse_item(p, lp_item(p, n, i), &items[i], &choice_items);
        for (uint32_t k = 0; k < i; k++)
            if (items[i].id && items[k].id && strcmp(items[i].id, items[k].id) == 0)
                lp_error(p, items[i].loc, "duplicate-id", "survey question '%s' appears twice",
                         items[i].id);
    }
    L->survey = items;
    L->survey_count = len;
}
