// SPDX-License-Identifier: Apache-2.0
// Runs -> learners -> lessons: per learner summaries, learner x concept
// mastery and the class view (distributions, stuck states, missed questions).
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/stoa_clock.h"
#include "core/stoa_stats.h"
#include "report_internal.h"
#include "trace_internal.h"

#define GET(o, k) cJSON_GetObjectItemCaseSensitive(o, k)

static double num(const cJSON *o, const char *k)
{
    const cJSON *v = GET(o, k);
    return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

static const char *str(const cJSON *o, const char *k)
{
    const cJSON *v = GET(o, k);
    return cJSON_IsString(v) ? v->valuestring : "";
}

static double r4(double v)
{
    return round(v * 1e4) / 1e4;
}

// {count, mean, median, min, max} of values (sorted in place).
static cJSON *summary(double *v, size_t n)
{
    cJSON *s = cJSON_CreateObject();
    cJSON_AddNumberToObject(s, "count", (double)n);
    if (n == 0)
        return s;
    double median = stoa_median(v, n), sum = 0; // sorts v
    for (size_t i = 0; i < n; i++)
        sum += v[i];
    cJSON_AddNumberToObject(s, "mean", r4(sum / (double)n));
    cJSON_AddNumberToObject(s, "median", r4(median));
    cJSON_AddNumberToObject(s, "min", r4(v[0]));
    cJSON_AddNumberToObject(s, "max", r4(v[n - 1]));
    return s;
}

static cJSON *find_by(cJSON *arr, const char *key, const char *value)
{
    cJSON *it;
    cJSON_ArrayForEach(it, arr) if (strcmp(str(it, key), value) == 0) return it;
    return NULL;
}

static void add_to(cJSON *o, const char *k, double d)
{
    cJSON *v = GET(o, k);
    if (v)
        cJSON_SetNumberValue(v, v->valuedouble + d);
    else
        cJSON_AddNumberToObject(o, k, d);
}

static int by_started(const void *a, const void *b)
{
    return strcmp(str(*(cJSON *const *)a, "started"), str(*(cJSON *const *)b, "started"));
}

// A learner: runs in time order, then the summary over all of them.
static cJSON *learner_json(const rp_set *set, const char *lesson, const char *key)
{
    cJSON *l = cJSON_CreateObject();
    cJSON *runs = cJSON_CreateArray();
    const char *name = key;
    for (size_t i = 0; i < set->n_runs; i++) {
        const rp_run *r = &set->runs[i];
        if (!r->excluded && strcmp(r->lesson_iri, lesson) == 0 && strcmp(r->learner_key, key) == 0) {
            cJSON_AddItemToArray(runs, cJSON_Duplicate(r->json, true));
            name = r->learner_name;
        }
    }
    int n = cJSON_GetArraySize(runs);
    cJSON **sorted = calloc((size_t)n, sizeof *sorted);
    int k = 0;
    for (cJSON *it = runs->child; it && sorted; it = it->next)
        sorted[k++] = it;
    if (sorted)
        qsort(sorted, (size_t)n, sizeof *sorted, by_started);
    cJSON *ordered = cJSON_CreateArray();
    for (int i = 0; i < n && sorted; i++)
        cJSON_AddItemReferenceToArray(ordered, sorted[i]);

    cJSON_AddStringToObject(l, "account", key);
    cJSON_AddStringToObject(l, "name", name);
    // The seat of the latest run that says (a desktop seat is named in the report).
    const char *device = NULL;
    for (int i = 0; i < n && sorted; i++)
        if (GET(sorted[i], "device"))
            device = str(sorted[i], "device");
    if (device)
        cJSON_AddStringToObject(l, "device", device);
    cJSON_AddNumberToObject(l, "attempts", n);
    bool completed = false, passed = false, failed = false, scored = false;
    double best = -2, time_s = 0, idle_s = 0;
    cJSON *states = cJSON_CreateArray(), *questions = cJSON_CreateArray();
    cJSON *concepts = cJSON_CreateObject(), *attention = cJSON_CreateArray();
    const cJSON *run;
    cJSON_ArrayForEach(run, ordered)
    {
        completed |= cJSON_IsTrue(GET(run, "completed"));
        passed |= strcmp(str(run, "result"), "passed") == 0;
        failed |= strcmp(str(run, "result"), "failed") == 0;
        const cJSON *sc = GET(run, "score");
        if (cJSON_IsNumber(GET(sc, "scaled")) && num(sc, "scaled") > best) {
            best = num(sc, "scaled");
            scored = true;
        }
        time_s += num(run, "duration_s");
        idle_s += num(run, "idle_s");
        const cJSON *s;
        cJSON_ArrayForEach(s, GET(run, "states"))
        {
            cJSON *t = find_by(states, "id", str(s, "id"));
            if (!t) {
                t = cJSON_CreateObject();
                cJSON_AddStringToObject(t, "id", str(s, "id"));
                cJSON_AddStringToObject(t, "name", str(s, "name"));
                cJSON_AddItemToArray(states, t);
            }
            add_to(t, "time_s", num(s, "time_s"));
            add_to(t, "visits", num(s, "visits"));
        }
        cJSON_ArrayForEach(s, GET(run, "attention"))
        {
            cJSON *t = find_by(attention, "node", str(s, "node"));
            if (!t) {
                t = cJSON_CreateObject();
                cJSON_AddStringToObject(t, "node", str(s, "node"));
                cJSON_AddStringToObject(t, "name", str(s, "name"));
                cJSON_AddBoolToObject(t, "key", cJSON_IsTrue(GET(s, "key")));
                cJSON_AddItemToArray(attention, t);
            }
            add_to(t, "dwell_s", num(s, "dwell_s"));
            add_to(t, "looks", num(s, "looks"));
        }
        // Questions: the first answer ever given counts as "first try";
        // every answer counts toward concept mastery.
        cJSON_ArrayForEach(s, GET(run, "questions"))
        {
            const cJSON *answers = GET(s, "answers");
            if (cJSON_GetArraySize(answers) == 0)
                continue;
            cJSON *t = find_by(questions, "id", str(s, "id"));
            if (!t) {
                t = cJSON_CreateObject();
                cJSON_AddStringToObject(t, "id", str(s, "id"));
                cJSON_AddStringToObject(t, "name", str(s, "name"));
                cJSON_AddBoolToObject(t, "first_try_correct", cJSON_IsTrue(GET(s, "first_try_correct")));
                cJSON_AddBoolToObject(t, "correct", false);
                if (GET(s, "time_to_answer_s"))
                    cJSON_AddNumberToObject(t, "time_to_answer_s", num(s, "time_to_answer_s"));
                cJSON_AddItemToArray(questions, t);
            }
            add_to(t, "attempts", num(s, "attempts"));
            cJSON_ReplaceItemInObject(t, "correct", cJSON_CreateBool(cJSON_IsTrue(GET(s, "correct"))));
            const cJSON *a, *c;
            cJSON_ArrayForEach(a, answers)
            {
                cJSON_ArrayForEach(c, GET(s, "concepts"))
                {
                    if (!cJSON_IsString(c))
                        continue;
                    cJSON *cell = GET(concepts, c->valuestring);
                    if (!cell)
                        cell = cJSON_AddObjectToObject(concepts, c->valuestring);
                    add_to(cell, "answers", 1);
                    add_to(cell, "right", cJSON_IsTrue(GET(a, "success")) ? 1 : 0);
                }
            }
        }
    }
    cJSON *cell;
    cJSON_ArrayForEach(cell, concepts)
        cJSON_AddNumberToObject(cell, "mastery", r4(num(cell, "right") / num(cell, "answers")));
    cJSON_ArrayForEach(cell, states) cJSON_SetNumberValue(GET(cell, "time_s"), r4(num(cell, "time_s")));
    cJSON_ArrayForEach(cell, attention) cJSON_SetNumberValue(GET(cell, "dwell_s"), r4(num(cell, "dwell_s")));
    cJSON_AddBoolToObject(l, "completed", completed);
    cJSON_AddStringToObject(l, "result", passed ? "passed" : failed ? "failed" : "none");
    if (scored)
        cJSON_AddNumberToObject(l, "score_scaled", best);
    cJSON_AddNumberToObject(l, "time_s", r4(time_s));
    cJSON_AddNumberToObject(l, "idle_s", r4(idle_s));
    int right = 0;
    cJSON_ArrayForEach(cell, questions) right += cJSON_IsTrue(GET(cell, "first_try_correct"));
    cJSON_AddNumberToObject(l, "questions_answered", cJSON_GetArraySize(questions));
    cJSON_AddNumberToObject(l, "questions_right_first_try", right);
    cJSON_AddItemToObject(l, "states", states);
    cJSON_AddItemToObject(l, "questions", questions);
    cJSON_AddItemToObject(l, "attention", attention);
    cJSON_AddItemToObject(l, "concepts", concepts);
    cJSON *runs_sorted = cJSON_CreateArray();
    for (int i = 0; i < n && sorted; i++)
        cJSON_AddItemToArray(runs_sorted, cJSON_Duplicate(sorted[i], true));
    cJSON_AddItemToObject(l, "runs", runs_sorted);
    free(sorted);
    cJSON_Delete(ordered);
    cJSON_Delete(runs);
    return l;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(str(*(cJSON *const *)a, "name"), str(*(cJSON *const *)b, "name"));
}

static void sort_array(cJSON *arr, int (*cmp)(const void *, const void *))
{
    int n = cJSON_GetArraySize(arr);
    if (n < 2)
        return;
    cJSON **v = calloc((size_t)n, sizeof *v);
    if (!v)
        return;
    int i = 0;
    while (arr->child)
        v[i++] = cJSON_DetachItemViaPointer(arr, arr->child);
    qsort(v, (size_t)n, sizeof *v, cmp);
    for (i = 0; i < n; i++)
        cJSON_AddItemToArray(arr, v[i]);
    free(v);
}

static int by_missed(const void *a, const void *b)
{
    const cJSON *x = *(cJSON *const *)a, *y = *(cJSON *const *)b;
    double rx = num(x, "wrong_first_try_rate"), ry = num(y, "wrong_first_try_rate");
    if (rx != ry)
        return rx > ry ? -1 : 1;
    return num(y, "wrong_answers") > num(x, "wrong_answers") ? 1 : -1;
}

static void class_states(cJSON *cls, cJSON *learners)
{
    cJSON *states = cJSON_AddArrayToObject(cls, "states");
    const cJSON *l, *s;
    cJSON_ArrayForEach(l, learners) cJSON_ArrayForEach(s, GET(l, "states"))
    {
        if (find_by(states, "id", str(s, "id")))
            continue;
        cJSON *t = cJSON_CreateObject();
        cJSON_AddStringToObject(t, "id", str(s, "id"));
        cJSON_AddStringToObject(t, "name", str(s, "name"));
        cJSON_AddItemToArray(states, t);
    }
    int nl = cJSON_GetArraySize(learners);
    double *v = calloc((size_t)nl + 1, sizeof *v);
    cJSON *t;
    cJSON_ArrayForEach(t, states)
    {
        size_t n = 0;
        cJSON_ArrayForEach(l, learners)
        {
            const cJSON *ls = find_by(GET(l, "states"), "id", str(t, "id"));
            if (ls && v)
                v[n++] = num(ls, "time_s");
        }
        cJSON_AddNumberToObject(t, "learners", (double)n);
        cJSON *sum = summary(v, n);
        cJSON_AddItemToObject(t, "time_s", sum);
        double med = num(sum, "median");
        // Stuck: the run ended here unfinished, or far longer than the class.
        cJSON *stuck = cJSON_AddArrayToObject(t, "stuck");
        cJSON_ArrayForEach(l, learners)
        {
            const cJSON *last = cJSON_GetArrayItem(GET(l, "runs"), cJSON_GetArraySize(GET(l, "runs")) - 1);
            const cJSON *ls = find_by(GET(l, "states"), "id", str(t, "id"));
            bool ended_here = last && !cJSON_IsTrue(GET(last, "completed")) &&
                              strcmp(str(last, "last_state"), str(t, "id")) == 0;
            bool slow = ls && n >= 3 && num(ls, "time_s") > 2 * med && num(ls, "time_s") > med + 30;
            if (ended_here || slow)
                cJSON_AddItemToArray(stuck, cJSON_CreateString(str(l, "name")));
        }
    }
    free(v);
}

static void class_questions(cJSON *cls, cJSON *learners)
{
    cJSON *qs = cJSON_AddArrayToObject(cls, "questions");
    const cJSON *l, *q;
    cJSON_ArrayForEach(l, learners) cJSON_ArrayForEach(q, GET(l, "questions"))
    {
        cJSON *t = find_by(qs, "id", str(q, "id"));
        if (!t) {
            t = cJSON_CreateObject();
            cJSON_AddStringToObject(t, "id", str(q, "id"));
            cJSON_AddStringToObject(t, "name", str(q, "name"));
            cJSON_AddNumberToObject(t, "learners", 0);
            cJSON_AddNumberToObject(t, "answers", 0);
            cJSON_AddNumberToObject(t, "wrong_answers", 0);
            cJSON_AddNumberToObject(t, "wrong_first_try", 0);
            cJSON_AddNumberToObject(t, "time_to_answer_total", 0);
            cJSON_AddItemToArray(qs, t);
        }
        add_to(t, "learners", 1);
        add_to(t, "answers", num(q, "attempts"));
        // Wrong answers: every attempt before the right one, or all of them.
        double wrong = num(q, "attempts") - (cJSON_IsTrue(GET(q, "correct")) ? 1 : 0);
        add_to(t, "wrong_answers", wrong);
        add_to(t, "wrong_first_try", cJSON_IsTrue(GET(q, "first_try_correct")) ? 0 : 1);
        add_to(t, "time_to_answer_total", num(q, "time_to_answer_s"));
    }
    cJSON *t;
    cJSON_ArrayForEach(t, qs)
    {
        double n = num(t, "learners");
        cJSON_AddNumberToObject(t, "wrong_first_try_rate", r4(num(t, "wrong_first_try") / n));
        cJSON_AddNumberToObject(t, "mean_time_to_answer_s", r4(num(t, "time_to_answer_total") / n));
        cJSON_DeleteItemFromObject(t, "time_to_answer_total");
    }
    sort_array(qs, by_missed);
}

static cJSON *lesson_json(const rp_set *set, const rp_run *first)
{
    cJSON *les = cJSON_CreateObject();
    cJSON_AddStringToObject(les, "id", first->lesson_iri);
    cJSON_AddStringToObject(les, "name", first->lesson_name);
    cJSON *learners = cJSON_AddArrayToObject(les, "learners");
    for (size_t i = 0; i < set->n_runs; i++) {
        const rp_run *r = &set->runs[i];
        if (!r->excluded && strcmp(r->lesson_iri, first->lesson_iri) == 0 &&
            !find_by(learners, "account", r->learner_key))
            cJSON_AddItemToArray(learners, learner_json(set, first->lesson_iri, r->learner_key));
    }
    sort_array(learners, by_name);
    int nl = cJSON_GetArraySize(learners);
    double *scores = calloc((size_t)nl + 1, sizeof *scores), *times = calloc((size_t)nl + 1, sizeof *times);
    size_t ns = 0, nt = 0;
    int completed = 0, passed = 0, failed = 0;
    int hist[10] = {0};
    cJSON *concepts = cJSON_AddArrayToObject(les, "concepts");
    cJSON *cls_concepts = cJSON_CreateObject();
    const cJSON *l, *c;
    cJSON_ArrayForEach(l, learners)
    {
        completed += cJSON_IsTrue(GET(l, "completed"));
        passed += strcmp(str(l, "result"), "passed") == 0;
        failed += strcmp(str(l, "result"), "failed") == 0;
        if (times)
            times[nt++] = num(l, "time_s");
        if (GET(l, "score_scaled") && scores) {
            double s = num(l, "score_scaled");
            scores[ns++] = s;
            int bin = (int)floor(s * 10);
            hist[bin < 0 ? 0 : bin > 9 ? 9 : bin]++;
        }
        cJSON_ArrayForEach(c, GET(l, "concepts"))
        {
            cJSON *cell = GET(cls_concepts, c->string);
            if (!cell)
                cell = cJSON_AddObjectToObject(cls_concepts, c->string);
            add_to(cell, "answers", num(c, "answers"));
            add_to(cell, "right", num(c, "right"));
        }
    }
    cJSON *cell;
    cJSON_ArrayForEach(cell, cls_concepts)
    {
        cJSON_AddItemToArray(concepts, cJSON_CreateString(cell->string));
        cJSON_AddNumberToObject(cell, "mastery", r4(num(cell, "right") / num(cell, "answers")));
    }
    cJSON *cls = cJSON_AddObjectToObject(les, "class");
    cJSON_AddNumberToObject(cls, "learners", nl);
    cJSON_AddNumberToObject(cls, "completed", completed);
    cJSON_AddNumberToObject(cls, "passed", passed);
    cJSON_AddNumberToObject(cls, "failed", failed);
    cJSON *sc = summary(scores, ns);
    cJSON_AddItemToObject(sc, "histogram", cJSON_CreateIntArray(hist, 10));
    cJSON_AddItemToObject(cls, "score_scaled", sc);
    cJSON_AddItemToObject(cls, "time_s", summary(times, nt));
    cJSON_AddItemToObject(cls, "concepts", cls_concepts);
    class_states(cls, learners);
    class_questions(cls, learners);
    free(scores);
    free(times);
    return les;
}

struct stoa_report_builder {
    stoa_report_desc desc;
    rp_set set;
};

stoa_result stoa_report_begin(const stoa_report_desc *desc, stoa_report_builder **out, stoa_error *err)
{
    *out = calloc(1, sizeof **out);
    if (!*out)
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "report: out of memory");
    if (desc)
        (*out)->desc = *desc;
    (*out)->set = (rp_set){.desc = &(*out)->desc, .files = cJSON_CreateArray()};
    return STOA_OK;
}

stoa_result stoa_report_add_file(stoa_report_builder *b, const char *path, stoa_error *err)
{
    return rp_read_file(&b->set, path, err);
}

void stoa_report_add_statement(stoa_report_builder *b, const char *source, int line, const cJSON *st,
                               int *statements, int *skipped)
{
    rp_add_statement(&b->set, source, line, st, statements, skipped);
}

void stoa_report_end_source(stoa_report_builder *b, const char *source, int statements, int skipped)
{
    cJSON *f = cJSON_CreateObject();
    cJSON_AddStringToObject(f, "path", source);
    cJSON_AddNumberToObject(f, "statements", statements);
    cJSON_AddNumberToObject(f, "skipped", skipped);
    cJSON_AddBoolToObject(f, "torn_last_line", false);
    cJSON_AddItemToArray(b->set.files, f);
    rp_finish_all(&b->set);
}

void stoa_report_abort(stoa_report_builder **b)
{
    if (!b || !*b)
        return;
    rp_set_fini(&(*b)->set);
    free(*b);
    *b = NULL;
}

cJSON *stoa_report_finish(stoa_report_builder **pb)
{
    stoa_report_builder *b = *pb;
    rp_set *set = &b->set;
    rp_finish_all(set);
    cJSON *rep = cJSON_CreateObject();
    cJSON_AddStringToObject(rep, "generator", "stoa report");
    char now[40];
    stoa_trace_format_timestamp(stoa_time_unix_ns(), now, sizeof now);
    cJSON_AddStringToObject(rep, "generated_at", set->desc->generated_at ? set->desc->generated_at : now);
    if (set->desc->language) // the HTML's headings and labels follow it (report_lang.c)
        cJSON_AddStringToObject(rep, "language", set->desc->language);
    cJSON_AddNumberToObject(rep, "idle_threshold_s",
                            set->desc->idle_threshold_s > 0 ? set->desc->idle_threshold_s : 30);
    cJSON_AddItemToObject(rep, "files", set->files);
    set->files = NULL;
    cJSON *lessons = cJSON_AddArrayToObject(rep, "lessons");
    for (size_t i = 0; i < set->n_runs; i++)
        if (!set->runs[i].excluded && !find_by(lessons, "id", set->runs[i].lesson_iri))
            cJSON_AddItemToArray(lessons, lesson_json(set, &set->runs[i]));
    stoa_report_abort(pb);
    return rep;
}

stoa_result stoa_report_build(const char *const *paths, size_t count, const stoa_report_desc *desc,
                              cJSON **out_report, stoa_error *err)
{
    *out_report = NULL;
    stoa_report_builder *b;
    stoa_result r = stoa_report_begin(desc, &b, err);
    for (size_t i = 0; r == STOA_OK && i < count; i++)
        r = stoa_report_add_file(b, paths[i], err);
    if (r != STOA_OK) {
        stoa_report_abort(&b);
        return r;
    }
    *out_report = stoa_report_finish(&b);
    return STOA_OK;
}
