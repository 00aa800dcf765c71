// SPDX-License-Identifier: Apache-2.0
// One lesson run -> its JSON: timeline, time per state (pauses excluded),
// answers and time to answer, attention per node, idle periods.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_internal.h"
#include "trace_internal.h"

typedef struct span {
    int64_t a, b; // offsets from the run's start, ns
} span;

typedef struct run_ctx {
    const rp_run *run;
    const cJSON *choices; // desc->choice_texts
    int64_t t0, end;
    span *pauses;
    size_t n_pauses;
} run_ctx;

static int64_t overlap(const span *s, int64_t a, int64_t b)
{
    int64_t lo = s->a > a ? s->a : a, hi = s->b < b ? s->b : b;
    return hi > lo ? hi - lo : 0;
}

// Time between two offsets with the pauses taken out.
static int64_t active_between(const run_ctx *c, int64_t a, int64_t b)
{
    int64_t d = b - a;
    for (size_t i = 0; i < c->n_pauses; i++)
        d -= overlap(&c->pauses[i], a, b);
    return d > 0 ? d : 0;
}

static void find_bounds(run_ctx *c)
{
    const rp_run *r = c->run;
    c->t0 = r->events[0].t;
    c->end = r->events[r->n_events - 1].t;
    for (size_t i = 0; i < r->n_events; i++)
        if (r->events[i].kind == RP_INITIALIZED) {
            c->t0 = r->events[i].t;
            break;
        }
    c->pauses = calloc(r->n_events, sizeof *c->pauses);
    int64_t since = -1;
    for (size_t i = 0; i < r->n_events && c->pauses; i++) {
        const rp_event *e = &r->events[i];
        if (e->kind == RP_SUSPENDED && since < 0)
            since = e->t - c->t0;
        else if (e->kind == RP_RESUMED && since >= 0) {
            c->pauses[c->n_pauses++] = (span){since, e->t - c->t0};
            since = -1;
        }
    }
    if (since >= 0 && c->pauses) // suspended and never resumed
        c->pauses[c->n_pauses++] = (span){since, c->end - c->t0};
}

static cJSON *add_str(cJSON *o, const char *k, const char *v)
{
    return cJSON_AddStringToObject(o, k, v ? v : "");
}

// States: the timeline and the per-state totals, in order of first entry.
static void add_states(const run_ctx *c, cJSON *out)
{
    const rp_run *r = c->run;
    cJSON *timeline = cJSON_AddArrayToObject(out, "timeline");
    cJSON *states = cJSON_AddArrayToObject(out, "states");
    const rp_event *cur = NULL;
    const char *last_id = NULL;
    for (size_t i = 0; i <= r->n_events; i++) {
        const rp_event *e = i < r->n_events ? &r->events[i] : NULL;
        bool ends = !e || e->kind == RP_STATE || e->kind == RP_TERMINATED;
        if (!ends)
            continue;
        if (cur) {
            int64_t a = cur->t - c->t0, b = (e ? e->t : c->end) - c->t0;
            cJSON *seg = cJSON_CreateObject();
            add_str(seg, "state", cur->iri);
            add_str(seg, "name", cur->name);
            cJSON_AddNumberToObject(seg, "start_s", rp_secs(a));
            cJSON_AddNumberToObject(seg, "end_s", rp_secs(b));
            cJSON_AddItemToArray(timeline, seg);
            cJSON *st = NULL, *it;
            cJSON_ArrayForEach(it, states) if (strcmp(cJSON_GetObjectItem(it, "id")->valuestring,
                                                      cur->iri) == 0) st = it;
            if (!st) {
                st = cJSON_CreateObject();
                add_str(st, "id", cur->iri);
                add_str(st, "name", cur->name);
                cJSON_AddNumberToObject(st, "visits", 0);
                cJSON_AddNumberToObject(st, "time_s", 0);
                cJSON_AddNumberToObject(st, "first_entered_s", rp_secs(a));
                cJSON_AddItemToArray(states, st);
            }
            cJSON *v = cJSON_GetObjectItem(st, "visits"), *t = cJSON_GetObjectItem(st, "time_s");
            cJSON_SetNumberValue(v, v->valuedouble + 1);
            cJSON_SetNumberValue(t, rp_secs((int64_t)(t->valuedouble * 1e9 + 0.5) +
                                            active_between(c, a, b)));
            last_id = cur->iri;
        }
        cur = e && e->kind == RP_STATE ? e : NULL;
    }
    if (last_id)
        add_str(out, "last_state", last_id);
}

static cJSON *find_by(cJSON *arr, const char *key, const char *value)
{
    cJSON *it;
    cJSON_ArrayForEach(it, arr)
    {
        const cJSON *v = cJSON_GetObjectItem(it, key);
        if (cJSON_IsString(v) && strcmp(v->valuestring, value) == 0)
            return it;
    }
    return NULL;
}

// "a[,]c" -> "text a; text c" when the question's choices are known.
static bool choice_text(const cJSON *choices, const char *iri, const char *resp, char *out, size_t size)
{
    const cJSON *list = choices && iri ? cJSON_GetObjectItemCaseSensitive(choices, iri) : NULL;
    if (!cJSON_IsArray(list) || !resp)
        return false;
    size_t n = 0;
    out[0] = 0;
    for (const char *r = resp; *r; r++) {
        const cJSON *ch = *r >= 'a' && *r <= 'z' ? cJSON_GetArrayItem(list, *r - 'a') : NULL;
        if (!cJSON_IsString(ch))
            continue;
        int w = snprintf(out + n, size - n, "%s%s", n ? "; " : "", ch->valuestring);
        if (w < 0 || n + (size_t)w >= size)
            break;
        n += (size_t)w;
    }
    return n > 0;
}

static void add_questions(const run_ctx *c, cJSON *out)
{
    const rp_run *r = c->run;
    cJSON *qs = cJSON_AddArrayToObject(out, "questions");
    for (size_t i = 0; i < r->n_events; i++) {
        const rp_event *e = &r->events[i];
        if ((e->kind != RP_ANSWERED && e->kind != RP_QUESTION_SHOWN) || !e->iri)
            continue;
        cJSON *q = find_by(qs, "id", e->iri);
        if (!q) {
            q = cJSON_CreateObject();
            add_str(q, "id", e->iri);
            add_str(q, "name", e->name);
            cJSON_AddItemToObject(q, "concepts", cJSON_CreateArray());
            cJSON_AddNumberToObject(q, "attempts", 0);
            cJSON_AddBoolToObject(q, "correct", false);
            cJSON_AddBoolToObject(q, "first_try_correct", false);
            cJSON_AddItemToObject(q, "answers", cJSON_CreateArray());
            cJSON_AddItemToArray(qs, q);
        }
        if (e->kind != RP_ANSWERED)
            continue;
        if (e->concepts && !cJSON_GetArraySize(cJSON_GetObjectItem(q, "concepts")))
            cJSON_ReplaceItemInObject(q, "concepts", cJSON_Duplicate(e->concepts, true));
        cJSON *answers = cJSON_GetObjectItem(q, "answers");
        bool first = cJSON_GetArraySize(answers) == 0;
        cJSON *a = cJSON_CreateObject();
        char text[1024];
        if (choice_text(c->choices, e->iri, e->response, text, sizeof text)) {
            add_str(a, "response", text);
            add_str(a, "response_ids", e->response);
        } else {
            add_str(a, "response", e->response);
        }
        cJSON_AddBoolToObject(a, "success", e->success == 1);
        if (e->dur >= 0)
            cJSON_AddNumberToObject(a, "time_s", rp_secs(e->dur));
        cJSON_AddNumberToObject(a, "at_s", rp_secs(e->t - c->t0));
        cJSON_AddItemToArray(answers, a);
        cJSON_SetNumberValue(cJSON_GetObjectItem(q, "attempts"), cJSON_GetArraySize(answers));
        cJSON_ReplaceItemInObject(q, "correct", cJSON_CreateBool(e->success == 1));
        if (first) {
            cJSON_ReplaceItemInObject(q, "first_try_correct", cJSON_CreateBool(e->success == 1));
            if (e->dur >= 0)
                cJSON_AddNumberToObject(q, "time_to_answer_s", rp_secs(e->dur));
        }
    }
}

static void add_attention(const run_ctx *c, cJSON *out)
{
    const rp_run *r = c->run;
    cJSON *att = cJSON_AddArrayToObject(out, "attention");
    for (size_t i = 0; i < r->n_events; i++) {
        const rp_event *e = &r->events[i];
        if (e->kind != RP_GAZED || !e->iri || e->dur < 0)
            continue;
        cJSON *n = find_by(att, "node", e->iri);
        if (!n) {
            n = cJSON_CreateObject();
            add_str(n, "node", e->iri);
            add_str(n, "name", e->name);
            cJSON_AddBoolToObject(n, "key", e->key);
            cJSON_AddNumberToObject(n, "dwell_s", 0);
            cJSON_AddNumberToObject(n, "looks", 0);
            cJSON_AddItemToArray(att, n);
        }
        cJSON *d = cJSON_GetObjectItem(n, "dwell_s"), *l = cJSON_GetObjectItem(n, "looks");
        cJSON_SetNumberValue(d, rp_secs((int64_t)(d->valuedouble * 1e9 + 0.5) + e->dur));
        cJSON_SetNumberValue(l, l->valuedouble + 1);
    }
}

static int by_start(const void *a, const void *b)
{
    const span *x = a, *y = b;
    return x->a < y->a ? -1 : x->a > y->a;
}

// Idle: stretches with no learner action (answer, select, grab, release,
// point, teleport, gaze) of at least the threshold, pauses not counted.
static void add_idle(const run_ctx *c, cJSON *out, double threshold_s)
{
    const rp_run *r = c->run;
    span *acts = calloc(r->n_events + 2, sizeof *acts);
    size_t n = 0;
    for (size_t i = 0; acts && i < r->n_events; i++) {
        const rp_event *e = &r->events[i];
        int64_t t = e->t - c->t0;
        if (e->kind == RP_ANSWERED || e->kind == RP_ACTION)
            acts[n++] = (span){t, t};
        else if (e->kind == RP_GAZED)
            acts[n++] = (span){t - (e->dur > 0 ? e->dur : 0), t};
    }
    if (acts) {
        acts[n++] = (span){c->end - c->t0, c->end - c->t0};
        qsort(acts, n, sizeof *acts, by_start);
    }
    cJSON *idle = cJSON_AddArrayToObject(out, "idle");
    int64_t covered = 0, total = 0;
    for (size_t i = 0; i < n; i++) {
        int64_t gap = active_between(c, covered, acts[i].a);
        if (acts[i].a > covered && gap >= (int64_t)(threshold_s * 1e9)) {
            cJSON *p = cJSON_CreateObject();
            cJSON_AddNumberToObject(p, "start_s", rp_secs(covered));
            cJSON_AddNumberToObject(p, "end_s", rp_secs(acts[i].a));
            cJSON_AddNumberToObject(p, "duration_s", rp_secs(gap));
            cJSON_AddItemToArray(idle, p);
            total += gap;
        }
        if (acts[i].b > covered)
            covered = acts[i].b;
    }
    cJSON_AddNumberToObject(out, "idle_s", rp_secs(total));
    free(acts);
}

static void add_session(const run_ctx *c, cJSON *out)
{
    const rp_run *r = c->run;
    char ts[40];
    stoa_trace_format_timestamp(c->t0, ts, sizeof ts);
    add_str(out, "started", ts);
    stoa_trace_format_timestamp(c->end, ts, sizeof ts);
    add_str(out, "ended", ts);
    int64_t paused = 0;
    cJSON *sus = cJSON_AddArrayToObject(out, "suspended");
    for (size_t i = 0; i < c->n_pauses; i++) {
        paused += c->pauses[i].b - c->pauses[i].a;
        cJSON *p = cJSON_CreateObject();
        cJSON_AddNumberToObject(p, "start_s", rp_secs(c->pauses[i].a));
        cJSON_AddNumberToObject(p, "end_s", rp_secs(c->pauses[i].b));
        cJSON_AddItemToArray(sus, p);
    }
    cJSON_AddNumberToObject(out, "duration_s", rp_secs(c->end - c->t0 - paused));
    cJSON_AddNumberToObject(out, "suspended_s", rp_secs(paused));
    bool completed = false, terminated = false;
    const rp_event *judged = NULL;
    for (size_t i = 0; i < r->n_events; i++) {
        completed |= r->events[i].kind == RP_COMPLETED;
        terminated |= r->events[i].kind == RP_TERMINATED;
        if (r->events[i].kind == RP_PASSED || r->events[i].kind == RP_FAILED)
            judged = &r->events[i];
    }
    cJSON_AddBoolToObject(out, "completed", completed);
    cJSON_AddBoolToObject(out, "terminated", terminated);
    add_str(out, "result", !judged ? "none" : judged->kind == RP_PASSED ? "passed" : "failed");
    if (judged && judged->score)
        cJSON_AddItemToObject(out, "score", cJSON_Duplicate(judged->score, true));
}

cJSON *rp_run_json(const rp_set *set, const rp_run *run)
{
    cJSON *out = cJSON_CreateObject();
    add_str(out, "file", run->file);
    add_str(out, "registration", run->registration);
    if (run->device[0])
        add_str(out, "device", run->device);
    if (run->n_events == 0)
        return out;
    run_ctx c = {.run = run, .choices = set->desc->choice_texts};
    find_bounds(&c);
    add_session(&c, out);
    add_states(&c, out);
    add_questions(&c, out);
    add_attention(&c, out);
    double th = set->desc->idle_threshold_s > 0 ? set->desc->idle_threshold_s : 30;
    add_idle(&c, out, th);
    free(c.pauses);
    return out;
}

char *stoa_report_question_iri(const char *lesson_id, const char *question_id)
{
    char *lesson = stoa_trace_iri_join(STOA_XAPI_NS "lessons/", lesson_id);
    if (!lesson)
        return NULL;
    size_t n = strlen(lesson) + 16;
    char *prefix = malloc(n);
    char *iri = prefix && snprintf(prefix, n, "%s/questions/", lesson) > 0
                    ? stoa_trace_iri_join(prefix, question_id)
                    : NULL;
    free(prefix);
    free(lesson);
    return iri;
}
