// SPDX-License-Identifier: Apache-2.0
// The bridge from the report's runs to the evaluation (eval/stoa_eval.h):
// a finished run becomes one stoa_eval_run with its answers in order.
#include <stdlib.h>
#include <string.h>

#include "eval/stoa_eval.h"
#include "report_internal.h"

static size_t count_strings(const cJSON *a)
{
    size_t n = 0;
    const cJSON *c;
    cJSON_ArrayForEach(c, a) n += cJSON_IsString(c);
    return n;
}

static void add_unique(const char **arr, size_t *n, const char *s)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp(arr[i], s) == 0)
            return;
    arr[(*n)++] = s;
}

void rp_eval_feed(const rp_set *set, const rp_run *run, const cJSON *json)
{
    stoa_eval *ev = set->desc->eval;
    if (!ev || !run->n_events || !json)
        return;
    size_t n_answers = 0, n_strings = 0;
    for (size_t i = 0; i < run->n_events; i++) {
        n_answers += run->events[i].kind == RP_ANSWERED;
        n_strings += count_strings(run->events[i].concepts);
    }
    stoa_eval_answer *answers = calloc(n_answers + 1, sizeof *answers);
    const char **strings = calloc(n_strings + 1, sizeof *strings); // each answer's concepts
    const char **lesson_concepts = calloc(n_strings + 1, sizeof *lesson_concepts);
    if (!answers || !strings || !lesson_concepts) {
        free(answers), free(strings), free(lesson_concepts);
        rp_warn(set, "%s: out of memory; run left out of the evaluation", run->file);
        return;
    }
    size_t a = 0, s = 0, nl = 0, narrations = 0;
    double narration = 0;
    int64_t start = run->events[0].t;
    bool started = false;
    for (size_t i = 0; i < run->n_events; i++) {
        const rp_event *e = &run->events[i];
        if (e->kind == RP_INITIALIZED && !started)
            start = e->t, started = true;
        const cJSON *c;
        if (e->kind == RP_STATE || e->kind == RP_ANSWERED)
            cJSON_ArrayForEach(c, e->concepts) if (cJSON_IsString(c) && !e->survey)
                add_unique(lesson_concepts, &nl, c->valuestring);
        if (e->kind == RP_LISTENED && e->completion >= 0) {
            // heard to the end counts whole, cut short half; facing the
            // source (when it has one) scales it (docs/curriculum-format.md)
            narration += (e->attention >= 0 ? e->attention : 1.0) * (e->completion ? 1.0 : 0.5);
            narrations++;
        }
        if (e->kind != RP_ANSWERED || !e->iri)
            continue;
        stoa_eval_answer *x = &answers[a++];
        *x = (stoa_eval_answer){.question = e->iri, .question_name = e->name,
                                .concepts = strings + s, .response = e->response ? e->response : "",
                                .success = e->success == 1, .t_ns = e->t, .survey = e->survey,
                                .interaction_type = e->interaction_type,
                                .task_step = e->interaction_type && strcmp(e->interaction_type, "performance") == 0,
                                .order_error = e->task_error && strcmp(e->task_error, "order") == 0};
        cJSON_ArrayForEach(c, e->concepts) if (cJSON_IsString(c)) strings[s++] = c->valuestring;
        x->concept_count = (size_t)(strings + s - x->concepts);
    }
    const cJSON *res = cJSON_GetObjectItemCaseSensitive(json, "result"), *score = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(json, "score"), "scaled");
    double key_dwell = 0;
    const cJSON *att;
    cJSON_ArrayForEach(att, cJSON_GetObjectItemCaseSensitive(json, "attention")) if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(att, "key")))
        key_dwell += cJSON_GetObjectItemCaseSensitive(att, "dwell_s")->valuedouble;
    const char *result = cJSON_IsString(res) ? res->valuestring : "none";
    stoa_eval_run r = {
        .learner = run->learner_key, .learner_name = run->learner_name, .lesson = run->lesson_iri,
        .lesson_name = run->lesson_name, .lesson_concepts = lesson_concepts,
        .lesson_concept_count = nl, .start_ns = start, .end_ns = run->events[run->n_events - 1].t,
        .duration_s = cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(json, "duration_s")),
        .idle_s = cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(json, "idle_s")),
        .completed = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(json, "completed")),
        .outcome = strcmp(result, "passed") == 0   ? STOA_EVAL_PASSED
                   : strcmp(result, "failed") == 0 ? STOA_EVAL_FAILED
                                                   : STOA_EVAL_NONE,
        .has_score = cJSON_IsNumber(score), .score_scaled = cJSON_IsNumber(score) ? score->valuedouble : 0,
        .key_dwell_s = key_dwell, .answers = answers, .answer_count = a,
        .narration_score = narration, .narrations = narrations};
    stoa_error err = {0};
    if (stoa_eval_add_run(ev, &r, &err) != STOA_OK)
        rp_warn(set, "%s: %s", run->file, err.message);
    free(answers), free(strings), free(lesson_concepts);
}
