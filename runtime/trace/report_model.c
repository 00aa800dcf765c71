// SPDX-License-Identifier: Apache-2.0
// Reading logs into runs: statements are checked, deduplicated by id
// (a log sent twice counts once) and turned into events.
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_internal.h"
#include "trace/stoa_trace_check.h"
#include "trace/stoa_trace_read.h"
#include "trace_internal.h"

void rp_warn(const rp_set *set, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (set->desc->on_warning)
        set->desc->on_warning(set->desc->user, msg);
    else
        fprintf(stderr, "stoa report: warning: %s\n", msg);
}

double rp_secs(int64_t ns)
{
    return round((double)ns / 1e6) / 1e3;
}

const char *rp_pick_name(const cJSON *map, const char *language, const char *fallback)
{
    if (!cJSON_IsObject(map) || !map->child)
        return fallback;
    if (language) {
        size_t n = strlen(language);
        for (const cJSON *e = map->child; e; e = e->next)
            if (cJSON_IsString(e) && strcmp(e->string, language) == 0)
                return e->valuestring;
        for (const cJSON *e = map->child; e; e = e->next) // "zh" finds "zh-CN"
            if (cJSON_IsString(e) && strncmp(e->string, language, n) == 0 && e->string[n] == '-')
                return e->valuestring;
    }
    return cJSON_IsString(map->child) ? map->child->valuestring : fallback;
}

static const struct {
    const char *suffix;
    rp_kind kind;
} g_verbs[] = {
    {"/launched", RP_LAUNCHED},   {"/initialized", RP_INITIALIZED}, {"/suspended", RP_SUSPENDED},
    {"/resumed", RP_RESUMED},     {"/terminated", RP_TERMINATED},   {"/experienced", RP_STATE},
    {"/answered", RP_ANSWERED},   {"/completed", RP_COMPLETED},     {"/passed", RP_PASSED},
    {"/failed", RP_FAILED},       {"/gazed", RP_GAZED},             {"/interacted", RP_ACTION},
    {"/grabbed", RP_ACTION},      {"/released", RP_ACTION},         {"/pointed", RP_ACTION},
    {"/teleported", RP_ACTION},   {"/tracked", RP_TRACKED},       {"/listened", RP_LISTENED},
};

static rp_kind kind_of(const char *verb_iri, const char *object_type)
{
    size_t n = strlen(verb_iri);
    for (size_t i = 0; i < sizeof g_verbs / sizeof *g_verbs; i++) {
        size_t m = strlen(g_verbs[i].suffix);
        if (n >= m && strcmp(verb_iri + n - m, g_verbs[i].suffix) == 0) {
            if (g_verbs[i].kind == RP_STATE && object_type &&
                strcmp(object_type, "http://adlnet.gov/expapi/activities/cmi.interaction") == 0)
                return RP_QUESTION_SHOWN;
            return g_verbs[i].kind;
        }
    }
    return RP_OTHER;
}

static const char *str_at(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

#define OBJ(o, k) cJSON_GetObjectItemCaseSensitive(o, k)

// The lesson a statement belongs to: its parent activity, or itself.
static const cJSON *lesson_activity(const cJSON *st)
{
    const cJSON *parent = OBJ(OBJ(OBJ(st, "context"), "contextActivities"), "parent");
    if (cJSON_IsArray(parent))
        parent = parent->child;
    if (cJSON_IsObject(parent))
        return parent;
    return OBJ(st, "object");
}

static rp_run *run_for(rp_set *set, const char *file, const cJSON *st)
{
    const char *reg = str_at(OBJ(st, "context"), "registration");
    if (!reg)
        reg = file; // no registration: one run per file
    // A log holds one run after another: try the previous statement's first,
    // then the index of every registration seen (an LRS interleaves runs).
    if (set->last && strcmp(set->runs[set->last - 1].registration, reg) == 0)
        return &set->runs[set->last - 1];
    if (!set->run_index && !(set->run_index = stoa_trace_id_set_create()))
        return NULL;
    if (set->n_runs == set->cap_runs) { // room first: the index must name a real run
        size_t cap = set->cap_runs ? set->cap_runs * 2 : 8;
        rp_run *r = realloc(set->runs, cap * sizeof *r);
        if (!r)
            return NULL;
        set->runs = r;
        set->cap_runs = cap;
    }
    int known = stoa_trace_id_set_add(set->run_index, reg, (int)set->n_runs + 1);
    if (known > 0) {
        set->last = (size_t)known;
        return &set->runs[known - 1];
    }
    rp_run *run = &set->runs[set->n_runs++];
    *run = (rp_run){.file = file, .statements = cJSON_CreateArray(), .ids = stoa_trace_id_set_create()};
    run->registration = reg; // until the first statement is kept (below)
    set->last = set->n_runs;
    return run;
}

static void fill_event(rp_event *ev, const cJSON *st, int line, const char *language)
{
    const cJSON *obj = OBJ(st, "object"), *def = OBJ(obj, "definition");
    const cJSON *res = OBJ(st, "result");
    *ev = (rp_event){.line = line, .success = -1, .dur = -1, .attention = -1, .completion = -1};
    stoa_trace_parse_timestamp(str_at(st, "timestamp"), &ev->t);
    ev->kind = kind_of(str_at(OBJ(st, "verb"), "id"), str_at(def, "type"));
    ev->iri = str_at(obj, "id");
    ev->name = rp_pick_name(OBJ(def, "name"), language, ev->iri);
    const cJSON *c = OBJ(OBJ(def, "extensions"), STOA_EXT_CONCEPTS);
    if (!cJSON_IsArray(c))
        c = OBJ(OBJ(OBJ(st, "context"), "extensions"), STOA_EXT_CONCEPTS);
    ev->concepts = cJSON_IsArray(c) ? c : NULL;
    ev->key = cJSON_IsTrue(OBJ(OBJ(def, "extensions"), STOA_EXT_KEY_NODE));
    const cJSON *s = OBJ(res, "success");
    if (cJSON_IsBool(s))
        ev->success = cJSON_IsTrue(s);
    ev->response = str_at(res, "response");
    const char *d = str_at(res, "duration");
    if (d && !stoa_trace_parse_duration(d, &ev->dur))
        ev->dur = -1;
    ev->score = cJSON_IsObject(OBJ(res, "score")) ? OBJ(res, "score") : NULL;
    ev->interaction_type = str_at(def, "interactionType");
    ev->survey = cJSON_IsTrue(OBJ(OBJ(def, "extensions"), STOA_EXT_SURVEY));
    ev->task_error = str_at(OBJ(res, "extensions"), STOA_EXT_TASK_ERROR);
    const cJSON *att = OBJ(OBJ(res, "extensions"), STOA_EXT_ATTENTION), *done = OBJ(res, "completion");
    if (cJSON_IsNumber(att) && att->valuedouble >= 0 && att->valuedouble <= 1)
        ev->attention = att->valuedouble;
    if (cJSON_IsBool(done))
        ev->completion = cJSON_IsTrue(done);
}


static void count_problem(void *user, const char *where, const char *message)
{
    (void)where;
    (void)message;
    (*(int *)user)++;
}

typedef struct read_ctx {
    rp_set *set;
    const char *path;
    int statements, skipped;
    bool torn;
} read_ctx;

void rp_add_statement(rp_set *set, const char *source, int line, const cJSON *st, int *statements,
                      int *skipped)
{
    rp_take_statement(set, source, line, cJSON_Duplicate(st, true), statements, skipped);
}

void rp_take_statement(rp_set *set, const char *source, int line, cJSON *st, int *statements,
                       int *skipped)
{
    if (!st)
        return;
    int problems = 0;
    stoa_trace_check_statement(st, count_problem, &problems);
    if (problems > 0) {
        (*skipped)++;
        rp_warn(set, "%s:%d: invalid statement skipped (see `stoa trace check`)", source, line);
        cJSON_Delete(st);
        return;
    }
    rp_run *run = run_for(set, source, st);
    if (!run) {
        cJSON_Delete(st);
        return;
    }
    // A finished run seen again is a copy of its log (the same statements
    // sent twice): it counts once. Within a run, ids are checked one by one.
    if (run->done || stoa_trace_id_set_add(run->ids, str_at(st, "id"), line)) {
        (*skipped)++;
        cJSON_Delete(st);
        return;
    }
    if (run->n_events == run->cap_events) {
        size_t cap = run->cap_events ? run->cap_events * 2 : 64;
        rp_event *e = realloc(run->events, cap * sizeof *e);
        if (!e) {
            cJSON_Delete(st);
            return;
        }
        run->events = e;
        run->cap_events = cap;
    }
    cJSON *copy = st;
    cJSON_AddItemToArray(run->statements, copy);
    rp_event *ev = &run->events[run->n_events++];
    fill_event(ev, copy, line, set->desc->language);
    (*statements)++;
    if (run->n_events == 1) {
        const cJSON *actor = OBJ(copy, "actor"), *acc = OBJ(actor, "account");
        const cJSON *lesson = lesson_activity(copy);
        run->registration = str_at(OBJ(copy, "context"), "registration");
        if (!run->registration)
            run->registration = source;
        run->learner_key = str_at(acc, "name") ? str_at(acc, "name") : str_at(actor, "mbox");
        if (!run->learner_key)
            run->learner_key = "unknown";
        run->learner_name = str_at(actor, "name") ? str_at(actor, "name") : run->learner_key;
        run->lesson_iri = str_at(lesson, "id") ? str_at(lesson, "id") : "unknown";
        run->lesson_name = rp_pick_name(OBJ(OBJ(lesson, "definition"), "name"),
                                        set->desc->language, run->lesson_iri);
        // Which seat the learner had: a headset or a desktop (`stoa play`).
        const char *dev = str_at(OBJ(OBJ(copy, "context"), "extensions"),
                                 "https://stoa.dev/xapi/extensions/device-type");
        snprintf(run->device, sizeof run->device, "%s", dev ? dev : "");
    }
    if (ev->kind == RP_TERMINATED) // always a run's last statement
        rp_finish_run(set, run);
}

static void on_statement(void *user, int line, cJSON *st)
{
    read_ctx *c = user;
    rp_take_statement(c->set, c->path, line, st, &c->statements, &c->skipped);
}

static void on_bad_line(void *user, int line, const char *message)
{
    read_ctx *c = user;
    c->skipped++;
    rp_warn(c->set, "%s:%d: %s; line skipped", c->path, line, message);
}

static void on_torn(void *user, int line, size_t bytes)
{
    read_ctx *c = user;
    c->torn = true;
    rp_warn(c->set, "%s:%d: torn last line (%zu bytes, the run was interrupted) skipped", c->path,
            line, bytes);
}

static int by_time(const void *a, const void *b)
{
    const rp_event *x = a, *y = b;
    if (x->t != y->t)
        return x->t < y->t ? -1 : 1;
    return x->line - y->line; // stable: the log's own order breaks ties
}

stoa_result rp_read_file(rp_set *set, const char *path, stoa_error *err)
{
    read_ctx c = {.set = set, .path = path};
    stoa_trace_read_desc d = {.on_statement_owned = on_statement, .on_bad_line = on_bad_line,
                              .on_torn_tail = on_torn, .user = &c};
    stoa_result r = stoa_trace_read_file(path, &d, NULL, err);
    if (r != STOA_OK)
        return r;
    cJSON *f = cJSON_CreateObject();
    cJSON_AddStringToObject(f, "path", path);
    cJSON_AddNumberToObject(f, "statements", c.statements);
    cJSON_AddNumberToObject(f, "skipped", c.skipped);
    cJSON_AddBoolToObject(f, "torn_last_line", c.torn);
    cJSON_AddItemToArray(set->files, f);
    rp_finish_all(set); // a run's statements are all in its one file
    return STOA_OK;
}

// Keeps copies of the strings that pointed into the statements.
static bool own_strings(rp_run *r)
{
    const char **fields[] = {&r->registration, &r->learner_key, &r->learner_name, &r->lesson_iri,
                             &r->lesson_name};
    size_t total = 0;
    for (size_t i = 0; i < 5; i++)
        total += strlen(*fields[i]) + 1;
    char *p = r->owned = malloc(total);
    if (!p)
        return false;
    for (size_t i = 0; i < 5; i++) {
        size_t n = strlen(*fields[i]) + 1;
        memcpy(p, *fields[i], n);
        *fields[i] = p;
        p += n;
    }
    return true;
}

static bool excluded(const rp_set *set, const rp_run *r)
{
    const stoa_report_desc *d = set->desc;
    int64_t start = r->events[0].t;
    for (size_t i = 0; i < r->n_events; i++)
        if (r->events[i].kind == RP_INITIALIZED) {
            start = r->events[i].t;
            break;
        }
    return (d->from_ns && start < d->from_ns) || (d->to_ns && start >= d->to_ns) ||
           (d->learner && strcmp(d->learner, r->learner_key) != 0);
}

void rp_finish_run(rp_set *set, rp_run *r)
{
    if (r->done)
        return;
    r->done = true;
    if (r->n_events > 0) {
        qsort(r->events, r->n_events, sizeof(rp_event), by_time);
        r->excluded = excluded(set, r);
        if (!r->excluded) {
            r->json = rp_run_json(set, r);
            rp_eval_feed(set, r, r->json);
        }
    }
    if (r->n_events == 0 || !own_strings(r)) {
        r->excluded = true; // nothing to show (or no memory to show it)
        r->registration = "";
    }
    cJSON_Delete(r->statements);
    r->statements = NULL;
    free(r->events);
    r->events = NULL;
    r->cap_events = 0;
    stoa_trace_id_set_destroy(&r->ids);
}

void rp_finish_all(rp_set *set)
{
    for (size_t i = 0; i < set->n_runs; i++)
        rp_finish_run(set, &set->runs[i]);
}

void rp_set_fini(rp_set *set)
{
    for (size_t i = 0; i < set->n_runs; i++) {
        cJSON_Delete(set->runs[i].statements);
        cJSON_Delete(set->runs[i].json);
        free(set->runs[i].events);
        free(set->runs[i].owned);
        stoa_trace_id_set_destroy(&set->runs[i].ids);
    }
    free(set->runs);
    stoa_trace_id_set_destroy(&set->run_index);
    cJSON_Delete(set->files);
    *set = (rp_set){0};
}
