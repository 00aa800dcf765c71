// SPDX-License-Identifier: Apache-2.0
// The evaluation model on hand-made runs: ready and weak concepts, the
// recommendations (prerequisites first, nothing passed recently), item
// difficulty and the choices picked.
#include "eval/stoa_eval.h"
#include "stoa_test.h"

#define DAY 86400000000000LL

static const char *k_curriculum = "stoa_curriculum: 1\n"
                                   "concepts:\n  a: A\n  b: {name: B, requires: [a]}\n  c: {name: C, requires: [b]}\n"
                                   "lessons:\n  l1: {title: One, teaches: [a]}\n  l2: {title: Two, teaches: [b]}\n"
                                   "  l3: {title: Three, teaches: [c]}\n";

static void add(stoa_eval *ev, const char *learner, const char *lesson, const char *concept, const bool *ok,
                int n, int64_t t0, stoa_eval_outcome outcome)
{
    stoa_eval_answer ans[16];
    char ids[16][16];
    const char *cs[1] = {concept};
    for (int i = 0; i < n; i++) {
        snprintf(ids[i], sizeof ids[i], "%s-q%d", concept, i);
        ans[i] = (stoa_eval_answer){.question = ids[i], .concepts = cs, .concept_count = 1,
                                    .response = ok[i] ? "a" : "b", .success = ok[i], .t_ns = t0 + i * 1000000000LL};
    }
    stoa_error err = {0};
    CHECK(stoa_eval_add_run(ev, &(stoa_eval_run){.learner = learner, .lesson = lesson, .start_ns = t0,
                                                 .end_ns = t0 + 60000000000LL, .duration_s = 60, .completed = true,
                                                 .outcome = outcome, .answers = ans, .answer_count = (size_t)n},
                            &err) == STOA_OK);
}

static const cJSON *learner(const cJSON *a, const char *id)
{
    const cJSON *l;
    cJSON_ArrayForEach(l, cJSON_GetObjectItem(a, "learners")) if (!strcmp(cJSON_GetObjectItem(l, "account")->valuestring, id)) return l;
    return NULL;
}

static bool in(const cJSON *arr, const char *s)
{
    const cJSON *v;
    cJSON_ArrayForEach(v, arr) if (cJSON_IsString(v) && !strcmp(v->valuestring, s)) return true;
    return false;
}

STOA_TEST(map_and_recommendations)
{
    stoa_eval_curriculum *c = NULL;
    stoa_error err = {0};
    CHECK(stoa_eval_curriculum_parse(k_curriculum, strlen(k_curriculum), "c.yaml", &c, &err) == STOA_OK);
    stoa_eval *ev = NULL;
    CHECK(stoa_eval_create(&(stoa_eval_desc){.curriculum = c}, &ev, &err) == STOA_OK);
    bool right[8] = {1, 1, 1, 1, 1, 1, 1, 1}, wrong[8] = {0};
    int64_t t0 = 1000 * DAY;
    // x masters a (l1); y fails a; z masters a and passed l2 yesterday without mastering b
    add(ev, "x", "https://stoa.dev/xapi/lessons/l1", "a", right, 8, t0, STOA_EVAL_PASSED);
    add(ev, "y", "https://stoa.dev/xapi/lessons/l1", "a", wrong, 8, t0, STOA_EVAL_FAILED);
    add(ev, "z", "https://stoa.dev/xapi/lessons/l1", "a", right, 8, t0, STOA_EVAL_PASSED);
    add(ev, "z", "https://stoa.dev/xapi/lessons/l2", "b", wrong, 2, t0 + 20 * DAY, STOA_EVAL_PASSED);
    cJSON *a = stoa_eval_analyse(ev, t0 + 21 * DAY);
    CHECK(a != NULL);
    const cJSON *x = learner(a, "x"), *y = learner(a, "y"), *z = learner(a, "z");
    CHECK(x && y && z);
    if (!x || !y || !z)
        goto out;
    const cJSON *xc = cJSON_GetObjectItem(x, "concepts");
    CHECK(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetObjectItem(xc, "a"), "mastered")));
    CHECK(in(cJSON_GetObjectItem(x, "ready"), "b"));  // a mastered, b not yet
    CHECK(!in(cJSON_GetObjectItem(x, "ready"), "c")); // b not mastered
    const cJSON *r0 = cJSON_GetArrayItem(cJSON_GetObjectItem(x, "recommendations"), 0);
    CHECK(r0 && !strcmp(cJSON_GetObjectItem(r0, "lesson")->valuestring, "l2"));
    CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(x, "recommendations")) == 1); // not l1 (mastered), not l3
    CHECK(in(cJSON_GetObjectItem(y, "weakest"), "a"));
    r0 = cJSON_GetArrayItem(cJSON_GetObjectItem(y, "recommendations"), 0);
    CHECK(r0 && !strcmp(cJSON_GetObjectItem(r0, "lesson")->valuestring, "l1"));
    CHECK(r0 && !strcmp(cJSON_GetObjectItem(r0, "reason")->valuestring, "y has not mastered A; One teaches it."));
    // z passed l2 a day ago: weak in b, yet l2 is not offered again so soon
    CHECK(in(cJSON_GetObjectItem(z, "weakest"), "b"));
    CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(z, "recommendations")) == 0);
    // item a-q0: 2 of 3 learners right on the first try; b picked once
    const cJSON *it;
    cJSON_ArrayForEach(it, cJSON_GetObjectItem(a, "items")) if (strstr(cJSON_GetObjectItem(it, "id")->valuestring, "a-q0"))
    {
        CHECK(fabs(cJSON_GetObjectItem(it, "difficulty")->valuedouble - 2.0 / 3) < 1e-3);
        const cJSON *resp;
        cJSON_ArrayForEach(resp, cJSON_GetObjectItem(it, "responses")) if (!strcmp(cJSON_GetObjectItem(resp, "response")->valuestring, "b"))
            CHECK(cJSON_GetObjectItem(resp, "count")->valuedouble == 1 && cJSON_IsFalse(cJSON_GetObjectItem(resp, "correct")));
    }
    // with fewer than 10 learners the defaults stay
    CHECK(cJSON_IsFalse(cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(a, "concepts"), 0), "bkt"), "fitted")));
out:
    cJSON_Delete(a);
    stoa_eval_destroy(&ev);
    stoa_eval_curriculum_destroy(&c);
}

STOA_TEST_MAIN()
