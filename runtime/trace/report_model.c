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
    {"/teleported", RP_ACTION},   {"/tracked", RP_TRACKED},
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
    for (size_t i = 0; i < set->n_runs; i++)
        if (strcmp(set->runs[i].registration, reg) == 0)
            return &set->runs[i];
    if (set->n_runs == set->cap_runs) {
        size_t cap = set->cap_runs ? set->cap_runs * 2 : 8;
        rp_run *r = realloc(set->runs, cap * sizeof *r);
        if (!r)
            return NULL;
        set->runs = r;
        set->cap_runs = cap;
    }
    rp_run *run = &set->runs[set->n_runs++];
    *run = (rp_run){.file = file, .statements = cJSON_CreateArray()};
    return run;
}

static void fill_event(rp_event *ev, const cJSON *st, int line, const char *language)
{
    const cJSON *obj = OBJ(st, "object"), *def = OBJ(obj, "definition");
    const cJSON *res = OBJ(st, "result");
    *ev = (rp_event){.line = line, .success = -1, .dur = -1};
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
}

typedef struct read_ctx {
    rp_set *set;
    const char *path;
    int statements, skipped;
    bool torn;
} read_ctx;

static void count_problem(void *user, const char *where, const char *message)
{
    (void)where;
    (void)message;
    (*(int *)user)++;
}

static void on_statement(void *user, int line, const cJSON *st)
{
    read_ctx *c = user;
    int problems = 0;
    stoa_trace_check_statement(st, count_problem, &problems);
    if (problems > 0) {
        c->skipped++;
        rp_warn(c->set, "%s:%d: invalid statement skipped (see `stoa trace check`)", c->path, line);
        return;
    }
    if (stoa_trace_id_set_add(c->set->seen_ids, str_at(st, "id"), line)) {
        c->skipped++;
        return; // the same statement from another copy of the log
    }
    rp_run *run = run_for(c->set, c->path, st);
    if (!run)
        return;
    if (run->n_events == run->cap_events) {
        size_t cap = run->cap_events ? run->cap_events * 2 : 64;
        rp_event *e = realloc(run->events, cap * sizeof *e);
        if (!e)
            return;
        run->events = e;
        run->cap_events = cap;
    }
    cJSON *copy = cJSON_Duplicate(st, true);
    cJSON_AddItemToArray(run->statements, copy);
    rp_event *ev = &run->events[run->n_events++];
    fill_event(ev, copy, line, c->set->desc->language);
    c->statements++;
    if (!run->registration) {
        const cJSON *actor = OBJ(copy, "actor"), *acc = OBJ(actor, "account");
        const cJSON *lesson = lesson_activity(copy);
        run->registration = str_at(OBJ(copy, "context"), "registration");
        if (!run->registration)
            run->registration = c->path;
        run->learner_key = str_at(acc, "name") ? str_at(acc, "name") : str_at(actor, "mbox");
        if (!run->learner_key)
            run->learner_key = "unknown";
        run->learner_name = str_at(actor, "name") ? str_at(actor, "name") : run->learner_key;
        run->lesson_iri = str_at(lesson, "id") ? str_at(lesson, "id") : "unknown";
        run->lesson_name = rp_pick_name(OBJ(OBJ(lesson, "definition"), "name"),
                                        c->set->desc->language, run->lesson_iri);
    }
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
    stoa_trace_read_desc d = {.on_statement = on_statement, .on_bad_line = on_bad_line,
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
    for (size_t i = 0; i < set->n_runs; i++)
        qsort(set->runs[i].events, set->runs[i].n_events, sizeof(rp_event), by_time);
    return STOA_OK;
}

void rp_set_fini(rp_set *set)
{
    for (size_t i = 0; i < set->n_runs; i++) {
        cJSON_Delete(set->runs[i].statements);
        free(set->runs[i].events);
    }
    free(set->runs);
    stoa_trace_id_set_destroy(&set->seen_ids);
    cJSON_Delete(set->files);
    *set = (rp_set){0};
}
