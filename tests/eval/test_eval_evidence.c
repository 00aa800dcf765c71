// SPDX-License-Identifier: Apache-2.0
// Evidence beyond quiz answers (docs/curriculum-format.md, "Evidence"):
// task steps in BKT and the skill dimension (right first time, errors,
// order), attention to narration in engagement, and display names.
#include <math.h>

#include "eval/stoa_eval.h"
#include "stoa_test.h"

#define SEC 1000000000LL

static const cJSON *get(const cJSON *o, const char *k)
{
    return cJSON_GetObjectItemCaseSensitive(o, k);
}

static const cJSON *learner(const cJSON *a, const char *id)
{
    const cJSON *l;
    cJSON_ArrayForEach(l, get(a, "learners")) if (!strcmp(get(l, "account")->valuestring, id)) return l;
    return NULL;
}

// One run: a quiz answered right, then a two-step task: step 1 done out of
// order first (an order error), then wrong again, then right; step 2 right.
static void task_run(stoa_eval *ev, const char *who, double narration_score, size_t narrations)
{
    const char *cs[] = {"handling"};
    const char *q = "https://s/lessons/l/questions/q1", *s1 = "https://s/lessons/l/tasks/t/steps/1",
               *s2 = "https://s/lessons/l/tasks/t/steps/2";
    stoa_eval_answer a[] = {
        {.question = q, .concepts = cs, .concept_count = 1, .response = "a", .success = true, .t_ns = 1 * SEC},
        {.question = s1, .concepts = cs, .concept_count = 1, .response = "select[.]Bell", .success = false,
         .t_ns = 2 * SEC, .interaction_type = "performance", .task_step = true, .order_error = true},
        {.question = s1, .concepts = cs, .concept_count = 1, .response = "place[.]Brick", .success = false,
         .t_ns = 3 * SEC, .interaction_type = "performance", .task_step = true},
        {.question = s1, .concepts = cs, .concept_count = 1, .response = "place[.]Brick@Wall", .success = true,
         .t_ns = 4 * SEC, .interaction_type = "performance", .task_step = true},
        {.question = s2, .concepts = cs, .concept_count = 1, .response = "select[.]Bell", .success = true,
         .t_ns = 5 * SEC, .interaction_type = "performance", .task_step = true},
    };
    stoa_error err = {0};
    CHECK(stoa_eval_add_run(ev, &(stoa_eval_run){.learner = who, .learner_name = "from-trace", .lesson = "https://s/lessons/l",
                                                 .start_ns = 0, .end_ns = 100 * SEC, .duration_s = 100,
                                                 .idle_s = 0, .key_dwell_s = 25, .completed = true,
                                                 .narration_score = narration_score, .narrations = narrations,
                                                 .answers = a, .answer_count = 5},
                            &err) == STOA_OK);
}

STOA_TEST(task_steps_in_skill_and_mastery)
{
    stoa_eval *ev = NULL;
    stoa_error err = {0};
    CHECK(stoa_eval_create(&(stoa_eval_desc){.no_fit = true}, &ev, &err) == STOA_OK);
    task_run(ev, "x", 0, 0);
    cJSON *an = stoa_eval_analyse(ev, 0);
    const cJSON *x = learner(an, "x");
    CHECK(x != NULL);
    if (x) {
        const cJSON *run = cJSON_GetArrayItem(get(x, "runs"), 0);
        CHECK(get(run, "task_steps")->valueint == 2);
        CHECK(get(run, "task_steps_right_first_time")->valueint == 1);
        CHECK(get(run, "task_errors")->valueint == 2);
        CHECK(get(run, "order_errors")->valueint == 1);
        CHECK(get(run, "answers")->valueint == 3);          // first tries: q1, step 1, step 2
        CHECK(get(run, "errors")->valueint == 2);
        // skill = right first time / (first tries + later errors) = 2 / (3 + 1)
        CHECK_NEAR(get(get(x, "dimensions"), "skill")->valuedouble, 0.5, 1e-9);
        // BKT sees the first try of each: right, wrong, right (defaults)
        stoa_bkt_params p = stoa_bkt_defaults();
        double m = stoa_bkt_update(&p, stoa_bkt_update(&p, stoa_bkt_update(&p, p.prior, true), false), true);
        const cJSON *h = get(get(x, "concepts"), "handling");
        CHECK(get(h, "observations")->valueint == 3);
        CHECK_NEAR(get(h, "mastery")->valuedouble, round(m * 1e4) / 1e4, 1e-9);
        // engagement without narration: 1/2 active + 1/2 key gaze (25 s of 1/4 of 100 s)
        CHECK_NEAR(get(get(x, "dimensions"), "engagement")->valuedouble, 1.0, 1e-9);
        CHECK(cJSON_IsNull(get(run, "narration_attention")));
    }
    cJSON_Delete(an);
    stoa_eval_destroy(&ev);
}

STOA_TEST(attention_to_narration_in_engagement)
{
    stoa_eval *ev = NULL;
    stoa_error err = {0};
    CHECK(stoa_eval_create(&(stoa_eval_desc){.no_fit = true}, &ev, &err) == STOA_OK);
    task_run(ev, "y", 1.0, 4); // four narrations, scores summing to 1: mean 0.25
    cJSON *an = stoa_eval_analyse(ev, 0);
    const cJSON *y = learner(an, "y");
    if (y) {
        const cJSON *run = cJSON_GetArrayItem(get(y, "runs"), 0);
        CHECK_NEAR(get(run, "narration_attention")->valuedouble, 0.25, 1e-9);
        // (active 1 + key gaze 1 + narration 0.25) / 3
        CHECK_NEAR(get(get(y, "dimensions"), "engagement")->valuedouble, round(2.25 / 3 * 1e4) / 1e4, 1e-9);
    }
    CHECK(y != NULL);
    cJSON_Delete(an);
    stoa_eval_destroy(&ev);
}

STOA_TEST(display_names)
{
    stoa_eval *ev = NULL;
    stoa_error err = {0};
    CHECK(stoa_eval_create(&(stoa_eval_desc){.no_fit = true}, &ev, &err) == STOA_OK);
    CHECK(stoa_eval_set_learner_name(ev, "a1", "Li Wei", &err) == STOA_OK); // before the runs
    task_run(ev, "a1", 0, 0);
    task_run(ev, "a2", 0, 0);
    task_run(ev, "a3", 0, 0);
    CHECK(stoa_eval_set_learner_name(ev, "a2", "Wang Fang", &err) == STOA_OK); // after
    CHECK(stoa_eval_set_learner_name(ev, "", "x", &err) < 0);
    cJSON *an = stoa_eval_analyse(ev, 0);
    const cJSON *l1 = learner(an, "a1"), *l2 = learner(an, "a2"), *l3 = learner(an, "a3");
    CHECK(l1 && l2 && l3);
    if (l1 && l2 && l3) {
        CHECK_STR(get(l1, "name")->valuestring, "Li Wei");
        CHECK_STR(get(l2, "name")->valuestring, "Wang Fang");
        CHECK_STR(get(l3, "name")->valuestring, "from-trace"); // no mapping: the trace's
    }
    cJSON_Delete(an);
    stoa_eval_destroy(&ev);
}

STOA_TEST_MAIN()
