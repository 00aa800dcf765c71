// SPDX-License-Identifier: Apache-2.0
// Taking in lesson runs: per learner and concept the answers (time and
// right/wrong), per run a small record, per question the first tries and
// the choices picked. Nothing here grows with the number of statements.
#include <stdlib.h>
#include <string.h>

#include "eval_internal.h"

#define NPOS ((size_t)-1)

static bool grow(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return true;
    size_t n = *cap ? *cap * 2 : 8;
    while (n < need)
        n *= 2;
    void *q = realloc(*p, n * size);
    if (!q)
        return false;
    memset((char *)q + *cap * size, 0, (n - *cap) * size);
    *p = q;
    *cap = n;
    return true;
}

size_t ev_concept_index(stoa_eval *e, const char *id)
{
    for (size_t i = 0; i < e->n_concepts; i++)
        if (strcmp(e->concepts[i].id, id) == 0)
            return i;
    if (!grow((void **)&e->concepts, &e->cap_concepts, e->n_concepts + 1, sizeof *e->concepts))
        return NPOS;
    ev_concept_rt *c = &e->concepts[e->n_concepts];
    if (!(c->id = ev_strdup(id)))
        return NPOS;
    c->cur = ev_curriculum_find(e->cur, id);
    c->params = stoa_bkt_defaults();
    return e->n_concepts++;
}

stoa_result stoa_eval_create(const stoa_eval_desc *desc, stoa_eval **out, stoa_error *err)
{
    *out = NULL;
    stoa_eval *e = calloc(1, sizeof *e);
    if (!e)
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "evaluation: out of memory");
    if (desc)
        e->desc = *desc;
    if (!(e->desc.mastered > 0 && e->desc.mastered < 1))
        e->desc.mastered = 0.95;
    if (!(e->desc.recent_days > 0))
        e->desc.recent_days = 14;
    e->cur = e->desc.curriculum;
    e->first_t = INT64_MAX;
    e->last_t = INT64_MIN;
    for (size_t i = 0; i < stoa_eval_curriculum_concept_count(e->cur); i++)
        if (ev_concept_index(e, stoa_eval_curriculum_concept_id(e->cur, i)) == NPOS) {
            stoa_eval_destroy(&e);
            return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "evaluation: out of memory");
        }
    *out = e;
    return STOA_OK;
}

void stoa_eval_destroy(stoa_eval **pe)
{
    if (!pe || !*pe)
        return;
    stoa_eval *e = *pe;
    for (size_t i = 0; i < e->n_concepts; i++)
        free(e->concepts[i].id);
    for (size_t i = 0; i < e->n_learners; i++) {
        ev_learner *l = &e->learners[i];
        for (size_t k = 0; k < l->n_cells; k++)
            free(l->cells[k].obs);
        free(l->cells), free(l->runs), free(l->id), free(l->name);
    }
    for (size_t i = 0; i < e->n_items; i++) {
        ev_item *it = &e->items[i];
        free(it->id), free(it->name), free(it->type), free(it->concepts), free(it->first);
        for (int k = 0; k < EV_MAX_RESPONSES; k++)
            free(it->responses[k]);
    }
    for (size_t i = 0; i < e->n_lessons; i++)
        free(e->lessons[i].iri), free(e->lessons[i].name), free(e->lessons[i].concepts);
    for (size_t i = 0; i < e->n_names; i++)
        free(e->names[i].account), free(e->names[i].name);
    free(e->names);
    free(e->concepts), free(e->learners), free(e->items), free(e->lessons);
    free(e);
    *pe = NULL;
}

static const char *known_name(const stoa_eval *e, const char *account)
{
    for (size_t i = e->n_names; i-- > 0;)
        if (strcmp(e->names[i].account, account) == 0)
            return e->names[i].name;
    return NULL;
}

stoa_result stoa_eval_set_learner_name(stoa_eval *e, const char *account, const char *name,
                                       stoa_error *err)
{
    if (!account || !*account || !name || !*name)
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT,
                              "evaluation: a learner's name needs an account and a name");
    char *a = ev_strdup(account), *n = ev_strdup(name);
    if (!a || !n || !grow((void **)&e->names, &e->cap_names, e->n_names + 1, sizeof *e->names)) {
        free(a), free(n);
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "evaluation: out of memory");
    }
    e->names[e->n_names].account = a;
    e->names[e->n_names++].name = n;
    for (size_t i = 0; i < e->n_learners; i++) {
        if (strcmp(e->learners[i].id, account) != 0)
            continue;
        char *copy = ev_strdup(name);
        if (!copy)
            return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "evaluation: out of memory");
        free(e->learners[i].name);
        e->learners[i].name = copy;
    }
    return STOA_OK;
}

static size_t learner_index(stoa_eval *e, const char *id, const char *name)
{
    if (known_name(e, id))
        name = known_name(e, id);
    for (size_t i = e->n_learners; i-- > 0;)
        if (strcmp(e->learners[i].id, id) == 0)
            return i;
    if (!grow((void **)&e->learners, &e->cap_learners, e->n_learners + 1, sizeof *e->learners))
        return NPOS;
    ev_learner *l = &e->learners[e->n_learners];
    l->id = ev_strdup(id);
    l->name = ev_strdup(name ? name : id);
    if (!l->id || !l->name)
        return NPOS;
    return e->n_learners++;
}

static bool add_unique(size_t **arr, size_t *n, size_t v)
{
    for (size_t i = 0; i < *n; i++)
        if ((*arr)[i] == v)
            return true;
    size_t *a = realloc(*arr, (*n + 1) * sizeof *a);
    if (!a)
        return false;
    a[(*n)++] = v;
    *arr = a;
    return true;
}

static size_t lesson_index(stoa_eval *e, const stoa_eval_run *r)
{
    for (size_t i = 0; i < e->n_lessons; i++)
        if (strcmp(e->lessons[i].iri, r->lesson) == 0)
            return i;
    if (!grow((void **)&e->lessons, &e->cap_lessons, e->n_lessons + 1, sizeof *e->lessons))
        return NPOS;
    ev_lesson_seen *l = &e->lessons[e->n_lessons];
    l->iri = ev_strdup(r->lesson);
    l->name = ev_strdup(r->lesson_name ? r->lesson_name : r->lesson);
    l->cur = ev_curriculum_find_lesson(e->cur, r->lesson);
    return l->iri && l->name ? e->n_lessons++ : NPOS;
}

static ev_item *item_for(stoa_eval *e, const stoa_eval_answer *a, size_t lesson)
{
    for (size_t i = 0; i < e->n_items; i++)
        if (strcmp(e->items[i].id, a->question) == 0)
            return &e->items[i];
    if (!grow((void **)&e->items, &e->cap_items, e->n_items + 1, sizeof *e->items))
        return NULL;
    ev_item *it = &e->items[e->n_items];
    it->id = ev_strdup(a->question);
    it->name = ev_strdup(a->question_name ? a->question_name : a->question);
    it->type = ev_strdup(a->interaction_type ? a->interaction_type : "choice");
    it->survey = a->survey;
    it->lesson = lesson;
    if (!it->id || !it->name || !it->type)
        return NULL;
    e->n_items++;
    return it;
}

static void count_response(ev_item *it, const char *resp, bool ok)
{
    it->answers++;
    for (int k = 0; k < EV_MAX_RESPONSES; k++) {
        if (!it->responses[k]) {
            if (!(it->responses[k] = ev_strdup(resp)))
                break;
        }
        if (strcmp(it->responses[k], resp) == 0) {
            it->counts[k]++;
            it->right_counts[k] += ok;
            return;
        }
    }
    it->other++; // more distinct responses than we keep (free-text answers)
}

static bool add_obs(ev_learner *l, size_t concept, int64_t t, bool ok)
{
    if (concept >= l->n_cells) {
        ev_cell *c = realloc(l->cells, (concept + 1) * sizeof *c);
        if (!c)
            return false;
        memset(c + l->n_cells, 0, (concept + 1 - l->n_cells) * sizeof *c);
        l->cells = c;
        l->n_cells = concept + 1;
    }
    ev_cell *c = &l->cells[concept];
    if (c->n == STOA_EVAL_MAX_OBS) { // let the oldest quarter go
        uint32_t drop = 0, oldest_keep = STOA_EVAL_MAX_OBS / 4;
        // observations arrive nearly in order: find and drop the oldest ones
        for (uint32_t k = 0; k < oldest_keep; k++) {
            uint32_t min = k;
            for (uint32_t j = k + 1; j < c->n; j++)
                if (c->obs[j].t < c->obs[min].t)
                    min = j;
            ev_obs tmp = c->obs[k];
            c->obs[k] = c->obs[min];
            c->obs[min] = tmp;
            drop++;
        }
        memmove(c->obs, c->obs + drop, (c->n - drop) * sizeof *c->obs);
        c->n -= drop;
        c->dropped = true;
    }
    if (c->n == c->cap) {
        uint32_t cap = c->cap ? c->cap * 2 : 8;
        ev_obs *o = realloc(c->obs, cap * sizeof *o);
        if (!o)
            return false;
        c->obs = o;
        c->cap = cap;
    }
    c->obs[c->n++] = (ev_obs){t, ok};
    return true;
}

// Only the first answer to each question in a run is evidence of knowledge:
// a retry right after "wrong" has fewer choices left and would read as
// learning. Retries still count as errors and in the item analysis.
stoa_result stoa_eval_add_run(stoa_eval *e, const stoa_eval_run *r, stoa_error *err)
{
    if (!r->learner || !*r->learner || !r->lesson || !*r->lesson)
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT,
                              "evaluation: a run needs a learner and a lesson");
    size_t li = learner_index(e, r->learner, r->learner_name), les = lesson_index(e, r);
    if (li == NPOS || les == NPOS)
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "evaluation: out of memory");
    ev_learner *l = &e->learners[li];
    if (!grow((void **)&l->runs, &l->cap_runs, l->n_runs + 1, sizeof *l->runs))
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "evaluation: out of memory");
    ev_run_rec *rec = &l->runs[l->n_runs++];
    *rec = (ev_run_rec){.lesson = les, .start = r->start_ns, .end = r->end_ns,
                        .duration_s = r->duration_s, .idle_s = r->idle_s,
                        .key_dwell_s = r->key_dwell_s, .expected_s = r->expected_s,
                        .score = r->score_scaled, .completed = r->completed,
                        .has_score = r->has_score, .outcome = r->outcome,
                        .narration_score = r->narration_score, .narrations = (int)r->narrations};
    if (r->start_ns < e->first_t)
        e->first_t = r->start_ns;
    if (r->end_ns > e->last_t)
        e->last_t = r->end_ns;
    ev_lesson_seen *ls = &e->lessons[les];
    for (size_t k = 0; k < r->lesson_concept_count; k++) {
        size_t ci = ev_concept_index(e, r->lesson_concepts[k]);
        if (ci == NPOS || !add_unique(&ls->concepts, &ls->n_concepts, ci))
            return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "evaluation: out of memory");
    }
    for (size_t i = 0; i < r->answer_count; i++) {
        const stoa_eval_answer *a = &r->answers[i];
        if (!a->question)
            continue;
        ev_item *it = item_for(e, a, les);
        if (!it)
            return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "evaluation: out of memory");
        bool first_in_run = true;
        for (size_t j = 0; j < i; j++)
            if (r->answers[j].question && strcmp(r->answers[j].question, a->question) == 0)
                first_in_run = false;
        count_response(it, a->response ? a->response : "", a->success);
        if (a->survey) {
            if (strcmp(it->type, "likert") == 0 && a->response) {
                int v = atoi(a->response);
                if (v >= 1 && v <= 5)
                    l->likert_sum += (v - 1) / 4.0, l->likert_n++;
            }
            continue;
        }
        if (a->task_step) {
            rec->step_errors += !a->success;
            rec->order_errors += a->order_error;
        }
        if (!first_in_run) {
            rec->wrong_answers += !a->success;
            continue;
        }
        rec->first_answers++;
        rec->first_right += a->success;
        rec->wrong_answers += !a->success;
        rec->steps += a->task_step;
        rec->steps_right_first += a->task_step && a->success;
        if (it->n_first < e->n_learners) {
            int8_t *f = realloc(it->first, e->cap_learners);
            if (!f)
                return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "evaluation: out of memory");
            memset(f + it->n_first, -1, e->cap_learners - it->n_first);
            it->first = f;
            it->n_first = e->cap_learners;
        }
        if (it->first[li] < 0) // the first try ever, across runs
            it->first[li] = a->success;
        for (size_t k = 0; k < a->concept_count; k++) {
            size_t ci = ev_concept_index(e, a->concepts[k]);
            if (ci == NPOS || !add_unique(&it->concepts, &it->n_concepts, ci) ||
                !add_unique(&ls->concepts, &ls->n_concepts, ci) || !add_obs(l, ci, a->t_ns, a->success))
                return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "evaluation: out of memory");
        }
    }
    return STOA_OK;
}
