// SPDX-License-Identifier: Apache-2.0
// The lesson-run log: session order, the current state, question timers and
// pose samples, and the common envelope every statement shares.
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/stoa_log.h"
#include "trace_stmt.h"

#define MAX_OPEN_QUESTIONS 16
#define SAMPLE_FLUSH_NS (5 * 1000000000LL)

typedef struct open_question {
    char *iri;
    int64_t shown_at;
} open_question;

struct stoa_trace_log {
    stoa_trace_writer *writer;
    stoa_clock *clock;
    int64_t start_mono, start_unix;
    char registration[STOA_UUID_STR_LEN + 1];
    char path[4096];
    char *lesson_id, *lesson_iri, *home_page, *language;
    char *device_type; // context.extensions.device-type, or NULL
    cJSON *lesson_activity, *actor, *instructor;

    bool launched, initialized, terminated, suspended;
    int64_t initialized_at;

    char *state_iri;
    cJSON *state_activity; // the current state's object, reused by `tracked`
    cJSON *state_concepts; // array of strings, or NULL
    int64_t state_entered_at;

    open_question questions[MAX_OPEN_QUESTIONS];
    size_t next_question;

    cJSON *samples; // array of sample arrays, or NULL
    int64_t last_sample_at, first_sample_at;
    int64_t sample_interval_ns;
};

void stoa_trace_default_dir(char *out, size_t out_size)
{
    const char *xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
    if (xdg && xdg[0] == '/')
        snprintf(out, out_size, "%s/stoa/traces", xdg);
    else if (home && *home)
        snprintf(out, out_size, "%s/.local/state/stoa/traces", home);
    else
        snprintf(out, out_size, "./stoa-traces");
}

// File-name-safe copy of an id: UTF-8 kept, '/', spaces and controls -> '-'.
static void name_part(const char *s, char *out, size_t cap)
{
    size_t n = 0;
    for (; s && *s && n + 1 < cap; s++) {
        unsigned char c = (unsigned char)*s;
        bool ok = c >= 0x80 || (c > 0x20 && c != '/' && c != '\\' && c != ':' && c != 0x7f);
        out[n++] = ok ? (char)c : '-';
    }
    if (s && *s) { // cut short: drop the last, maybe partial, character
        while (n > 0 && ((unsigned char)out[n - 1] & 0xC0) == 0x80)
            n--;
        if (n > 0 && ((unsigned char)out[n - 1] & 0xC0) == 0xC0)
            n--;
    }
    out[n] = '\0';
}

static void make_path(stoa_trace_log *log, const char *dir, const char *learner)
{
    char lesson[48], who[48], stamp[32];
    name_part(log->lesson_id, lesson, sizeof lesson);
    name_part(learner, who, sizeof who);
    time_t secs = (time_t)(log->start_unix / 1000000000LL);
    struct tm tm;
    gmtime_r(&secs, &tm);
    strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
    for (int i = 0; i < 100; i++) {
        snprintf(log->path, sizeof log->path, i ? "%s/%s_%s_%s_%.8s-%d.jsonl" : "%s/%s_%s_%s_%.8s.jsonl",
                 dir, stamp, lesson, who, log->registration, i);
        if (access(log->path, F_OK) != 0)
            return; // never reuse (and so never rewrite) an existing log
    }
}

int64_t stoa_trace_now(stoa_trace_log *log)
{
    return stoa_clock_now(log->clock);
}

stoa_result stoa_trace_log_create(const stoa_trace_log_desc *desc, stoa_trace_log **out_log,
                                  stoa_error *err)
{
    *out_log = NULL;
    if (!desc || !desc->lesson_id || !*desc->lesson_id)
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT, "trace: the lesson has no id");
    if (desc->registration && !stoa_trace_parse_uuid(desc->registration))
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT,
                              "trace: registration '%s' is not a UUID", desc->registration);
    if (desc->language && !stoa_trace_parse_lang_tag(desc->language))
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT,
                              "trace: language '%s' is not an RFC 5646 tag", desc->language);
    if (desc->lesson_iri && !stoa_trace_parse_iri(desc->lesson_iri))
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT,
                              "trace: lesson IRI '%s' is not an absolute IRI", desc->lesson_iri);
    stoa_trace_log *log = calloc(1, sizeof *log);
    if (!log)
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "trace: out of memory");
    log->clock = desc->clock ? desc->clock : stoa_clock_monotonic();
    log->start_mono = stoa_clock_now(log->clock);
    log->start_unix = desc->start_unix_ns ? desc->start_unix_ns : stoa_time_unix_ns();
    log->sample_interval_ns =
        (desc->pose_sample_interval_ms > 0 ? desc->pose_sample_interval_ms : 500) * 1000000LL;
    if (desc->registration)
        snprintf(log->registration, sizeof log->registration, "%s", desc->registration);
    else
        stoa_trace_uuid_v4(log->registration);

    char anon[32];
    snprintf(anon, sizeof anon, "anonymous-%.8s", log->registration);
    const char *learner = desc->learner_account && *desc->learner_account ? desc->learner_account
                                                                          : anon;
    log->lesson_id = strdup(desc->lesson_id);
    log->lesson_iri = desc->lesson_iri ? strdup(desc->lesson_iri)
                                       : stoa_trace_iri_join(STOA_XAPI_NS "lessons/", desc->lesson_id);
    log->home_page = strdup(desc->account_home_page && stoa_trace_parse_iri(desc->account_home_page)
                                ? desc->account_home_page
                                : "https://stoa.dev/accounts");
    log->language = desc->language ? strdup(desc->language) : NULL;
    log->device_type = desc->device_type ? strdup(desc->device_type) : NULL;
    log->actor = stoa_trace_json_agent(log->home_page, learner, desc->learner_name);
    if (desc->instructor_account && *desc->instructor_account)
        log->instructor =
            stoa_trace_json_agent(log->home_page, desc->instructor_account, desc->instructor_name);
    log->lesson_activity = stoa_trace_json_activity(&(stoa_trace_activity_desc){
        .iri = log->lesson_iri, .type_iri = STOA_ACT_LESSON, .names = desc->lesson_names,
        .fallback_name = desc->lesson_id});

    char dir[4096];
    if (desc->traces_dir)
        snprintf(dir, sizeof dir, "%s", desc->traces_dir);
    else
        stoa_trace_default_dir(dir, sizeof dir);
    if (desc->file_path)
        snprintf(log->path, sizeof log->path, "%s", desc->file_path);
    else
        make_path(log, dir, learner);

    stoa_trace_writer_desc wd = desc->writer;
    wd.path = log->path;
    stoa_result r = STOA_ERROR_OUT_OF_MEMORY;
    if (log->lesson_id && log->lesson_iri && log->home_page && log->actor && log->lesson_activity)
        r = stoa_trace_writer_create(&wd, &log->writer, err);
    else
        stoa_error_set(err, r, "trace: out of memory");
    if (r != STOA_OK) {
        log->terminated = true; // nothing to close
        stoa_trace_log_destroy(&log);
        return r;
    }
    *out_log = log;
    return STOA_OK;
}

const char *stoa_trace_log_path(const stoa_trace_log *log)
{
    return log->path;
}

const char *stoa_trace_log_registration(const stoa_trace_log *log)
{
    return log->registration;
}

stoa_trace_writer *stoa_trace_log_writer(stoa_trace_log *log)
{
    return log->writer;
}

static cJSON *context_for(stoa_trace_log *log, bool object_is_state)
{
    cJSON *ctx = cJSON_CreateObject();
    cJSON_AddStringToObject(ctx, "registration", log->registration);
    cJSON *ca = cJSON_AddObjectToObject(ctx, "contextActivities");
    cJSON_AddItemToArray(cJSON_AddArrayToObject(ca, "parent"),
                         cJSON_Duplicate(log->lesson_activity, true));
    if (log->state_iri && !object_is_state) {
        cJSON *g = cJSON_CreateObject();
        cJSON_AddStringToObject(g, "objectType", "Activity");
        cJSON_AddStringToObject(g, "id", log->state_iri);
        cJSON_AddItemToArray(cJSON_AddArrayToObject(ca, "grouping"), g);
    }
    if (log->instructor)
        cJSON_AddItemToObject(ctx, "instructor", cJSON_Duplicate(log->instructor, true));
    cJSON_AddStringToObject(ctx, "platform", "Stoa");
    if (log->language)
        cJSON_AddStringToObject(ctx, "language", log->language);
    cJSON *ext = cJSON_CreateObject();
    if (log->state_iri)
        cJSON_AddStringToObject(ext, STOA_EXT_STATE, log->state_iri);
    if (log->device_type)
        cJSON_AddStringToObject(ext, STOA_EXT_DEVICE_TYPE, log->device_type);
    if (log->state_concepts && cJSON_GetArraySize(log->state_concepts) > 0)
        cJSON_AddItemToObject(ext, STOA_EXT_CONCEPTS, cJSON_Duplicate(log->state_concepts, true));
    if (log->samples) {
        cJSON_AddItemToObject(ext, STOA_EXT_POSE_SAMPLES, log->samples);
        log->samples = NULL;
    }
    if (ext->child)
        cJSON_AddItemToObject(ctx, "extensions", ext);
    else
        cJSON_Delete(ext);
    return ctx;
}

// Wraps object/result into a statement and queues it. Takes ownership of
// object and result.
static bool emit(stoa_trace_log *log, stoa_trace_verb verb, cJSON *object, cJSON *result,
                 cJSON *ctx_ext, unsigned flags, int64_t now_ns)
{
    char id[STOA_UUID_STR_LEN + 1], ts[40];
    stoa_trace_uuid_v4(id);
    stoa_trace_format_timestamp(log->start_unix + (now_ns - log->start_mono), ts, sizeof ts);
    cJSON *st = cJSON_CreateObject();
    cJSON_AddStringToObject(st, "id", id);
    cJSON_AddItemToObject(st, "actor", cJSON_Duplicate(log->actor, true));
    cJSON_AddItemToObject(st, "verb", stoa_trace_json_verb(verb));
    const cJSON *oid = cJSON_GetObjectItemCaseSensitive(object, "id");
    bool is_state = log->state_iri && cJSON_IsString(oid) && strcmp(oid->valuestring, log->state_iri) == 0;
    cJSON_AddItemToObject(st, "object", object);
    if (result)
        cJSON_AddItemToObject(st, "result", result);
    cJSON *ctx = context_for(log, is_state);
    if (ctx_ext) {
        cJSON *ext = cJSON_GetObjectItemCaseSensitive(ctx, "extensions");
        if (!ext)
            ext = cJSON_AddObjectToObject(ctx, "extensions");
        for (cJSON *e = ctx_ext->child; e;) {
            cJSON *next = e->next;
            cJSON_AddItemToObject(ext, e->string, cJSON_DetachItemViaPointer(ctx_ext, e));
            e = next;
        }
        cJSON_Delete(ctx_ext);
    }
    cJSON_AddItemToObject(st, "context", ctx);
    cJSON_AddStringToObject(st, "timestamp", ts);
    cJSON_AddStringToObject(st, "version", "1.0.3");
    char *line = cJSON_PrintUnformatted(st);
    cJSON_Delete(st);
    if (!line)
        return false;
    bool ok = stoa_trace_writer_append(log->writer, line, strlen(line), flags);
    free(line);
    return ok;
}

static cJSON *lesson_object(stoa_trace_log *log)
{
    return cJSON_Duplicate(log->lesson_activity, true);
}

static bool session_verb(stoa_trace_log *log, stoa_trace_verb verb, cJSON *result, cJSON *ext,
                         int64_t now_ns)
{
    return emit(log, verb, lesson_object(log), result, ext, STOA_TRACE_SYNC_NOW, now_ns);
}

bool stoa_trace_launched(stoa_trace_log *log, int64_t now_ns)
{
    if (log->launched || log->terminated)
        return false;
    log->launched = true;
    return session_verb(log, STOA_VERB_LAUNCHED, NULL, NULL, now_ns);
}

bool stoa_trace_initialized(stoa_trace_log *log, int64_t now_ns)
{
    if (log->initialized || log->terminated)
        return false;
    if (!log->launched)
        stoa_trace_launched(log, now_ns);
    log->initialized = true;
    log->initialized_at = now_ns;
    return session_verb(log, STOA_VERB_INITIALIZED, NULL, NULL, now_ns);
}

// cmi5 order: everything lies between initialized and terminated.
static bool in_session(stoa_trace_log *log, const char *what, int64_t now_ns)
{
    if (log->terminated) {
        STOA_LOGW("trace", "%s: '%s' after terminated is not recorded", log->path, what);
        return false;
    }
    if (!log->initialized)
        stoa_trace_initialized(log, now_ns);
    return true;
}

bool stoa_trace_suspended(stoa_trace_log *log, stoa_trace_suspend_reason reason, int64_t now_ns)
{
    if (!in_session(log, "suspended", now_ns) || log->suspended)
        return false;
    log->suspended = true;
    cJSON *ext = cJSON_CreateObject();
    cJSON_AddStringToObject(ext, STOA_EXT_REASON,
                            reason == STOA_TRACE_SESSION_LOST ? "session-lost" : "paused");
    return session_verb(log, STOA_VERB_SUSPENDED, NULL, ext, now_ns);
}

bool stoa_trace_resumed(stoa_trace_log *log, int64_t now_ns)
{
    if (!in_session(log, "resumed", now_ns) || !log->suspended)
        return false;
    log->suspended = false;
    return session_verb(log, STOA_VERB_RESUMED, NULL, NULL, now_ns);
}

bool stoa_trace_terminated(stoa_trace_log *log, int64_t now_ns)
{
    if (!in_session(log, "terminated", now_ns))
        return false;
    cJSON *res = cJSON_CreateObject();
    stoa_trace_json_add_duration(res, now_ns - log->initialized_at);
    bool ok = session_verb(log, STOA_VERB_TERMINATED, res, NULL, now_ns);
    log->terminated = true;
    return ok;
}

bool stoa_trace_completed(stoa_trace_log *log, int64_t now_ns)
{
    if (!in_session(log, "completed", now_ns))
        return false;
    cJSON *res = cJSON_CreateObject();
    cJSON_AddBoolToObject(res, "completion", true);
    stoa_trace_json_add_duration(res, now_ns - log->initialized_at);
    return session_verb(log, STOA_VERB_COMPLETED, res, NULL, now_ns);
}

bool stoa_trace_scored(stoa_trace_log *log, double raw, double min, double max, bool passed,
                       int64_t now_ns)
{
    if (!(min < max) || !(raw >= min && raw <= max) || !isfinite(raw)) {
        STOA_LOGW("trace", "%s: score %g outside %g..%g is not recorded", log->path, raw, min, max);
        return false;
    }
    if (!in_session(log, passed ? "passed" : "failed", now_ns))
        return false;
    cJSON *res = cJSON_CreateObject();
    cJSON *score = cJSON_AddObjectToObject(res, "score");
    cJSON_AddNumberToObject(score, "scaled", round((raw - min) / (max - min) * 1e4) / 1e4);
    cJSON_AddNumberToObject(score, "raw", raw);
    cJSON_AddNumberToObject(score, "min", min);
    cJSON_AddNumberToObject(score, "max", max);
    cJSON_AddBoolToObject(res, "success", passed);
    stoa_trace_json_add_duration(res, now_ns - log->initialized_at);
    return session_verb(log, passed ? STOA_VERB_PASSED : STOA_VERB_FAILED, res, NULL, now_ns);
}

static char *child_iri(stoa_trace_log *log, const char *kind, const char *id)
{
    char prefix[4200];
    snprintf(prefix, sizeof prefix, "%s/%s/", log->lesson_iri, kind);
    return stoa_trace_iri_join(prefix, id);
}

bool stoa_trace_state_entered(stoa_trace_log *log, const char *state_id, stoa_trace_names names,
                              const char *const *concepts, size_t concept_count, int64_t now_ns)
{
    if (!state_id || !*state_id || !in_session(log, "state", now_ns))
        return false;
    char *iri = child_iri(log, "states", state_id);
    if (!iri)
        return false;
    free(log->state_iri);
    log->state_iri = iri;
    cJSON_Delete(log->state_concepts);
    log->state_concepts = NULL;
    if (concept_count > 0) {
        log->state_concepts = cJSON_CreateArray();
        for (size_t i = 0; i < concept_count; i++)
            if (concepts[i] && *concepts[i])
                cJSON_AddItemToArray(log->state_concepts, cJSON_CreateString(concepts[i]));
    }
    log->state_entered_at = now_ns;
    cJSON *obj = stoa_trace_json_activity(&(stoa_trace_activity_desc){
        .iri = iri, .type_iri = STOA_ACT_STATE, .names = names, .fallback_name = state_id,
        .concepts = concepts, .concept_count = concept_count});
    cJSON_Delete(log->state_activity);
    log->state_activity = cJSON_Duplicate(obj, true);
    return emit(log, STOA_VERB_EXPERIENCED, obj, NULL, NULL, STOA_TRACE_SYNC_NOW, now_ns);
}

bool stoa_trace_question_shown(stoa_trace_log *log, const char *question_id,
                               stoa_trace_names names, int64_t now_ns)
{
    if (!question_id || !*question_id || !in_session(log, "question", now_ns))
        return false;
    char *iri = child_iri(log, "questions", question_id);
    if (!iri)
        return false;
    open_question *q = &log->questions[log->next_question++ % MAX_OPEN_QUESTIONS];
    free(q->iri);
    q->iri = strdup(iri);
    q->shown_at = now_ns;
    cJSON *obj = stoa_trace_json_activity(&(stoa_trace_activity_desc){
        .iri = iri, .type_iri = STOA_ACT_QUESTION, .names = names, .fallback_name = question_id,
        .interaction_type = "choice"});
    free(iri);
    return emit(log, STOA_VERB_EXPERIENCED, obj, NULL, NULL, 0, now_ns);
}

static int64_t question_started(stoa_trace_log *log, const char *iri)
{
    for (size_t i = 0; i < MAX_OPEN_QUESTIONS; i++)
        if (log->questions[i].iri && strcmp(log->questions[i].iri, iri) == 0)
            return log->questions[i].shown_at;
    return log->state_entered_at ? log->state_entered_at : log->initialized_at;
}

static const char *const g_interaction_types[] = {
    "true-false", "choice", "fill-in", "long-fill-in", "matching", "performance",
    "sequencing", "likert", "numeric", "other", NULL};

bool stoa_trace_answered(stoa_trace_log *log, const stoa_trace_answer *a, int64_t now_ns)
{
    if (!a || !a->question_id || !*a->question_id || !in_session(log, "answered", now_ns))
        return false;
    const char *type = "choice";
    for (int i = 0; a->interaction_type && g_interaction_types[i]; i++)
        if (strcmp(a->interaction_type, g_interaction_types[i]) == 0)
            type = a->interaction_type;
    char *iri = child_iri(log, a->task_step || a->task_done ? "tasks" : "questions", a->question_id);
    if (iri && a->task_step) {
        char *step = malloc(strlen(iri) + 24);
        if (step)
            sprintf(step, "%s/steps/%u", iri, a->task_step);
        free(iri);
        iri = step;
    }
    if (!iri)
        return false;
    const char *const *concepts = a->concepts;
    size_t n_concepts = a->concept_count;
    const char *state_concepts[32];
    if (a->survey) {
        concepts = NULL;
        n_concepts = 0;
    } else if (!concepts && log->state_concepts) {
        n_concepts = 0;
        const cJSON *c;
        cJSON_ArrayForEach(c, log->state_concepts) if (n_concepts < 32)
            state_concepts[n_concepts++] = c->valuestring;
        concepts = state_concepts;
    }
    cJSON *obj = stoa_trace_json_activity(&(stoa_trace_activity_desc){
        .iri = iri, .type_iri = STOA_ACT_QUESTION, .names = a->names,
        .fallback_name = a->question_id, .concepts = concepts, .concept_count = n_concepts,
        .interaction_type = type, .correct_response = a->correct_response, .survey = a->survey});
    cJSON *res = cJSON_CreateObject();
    if (!a->survey)
        cJSON_AddBoolToObject(res, "success", a->success);
    cJSON_AddStringToObject(res, "response", a->response ? a->response : "");
    stoa_trace_json_add_duration(res, now_ns - question_started(log, iri));
    if (a->has_score) {
        cJSON *score = cJSON_AddObjectToObject(res, "score");
        cJSON_AddNumberToObject(score, "raw", a->score_raw);
        if (a->score_max > 0 && a->score_raw >= 0 && a->score_raw <= a->score_max) {
            cJSON_AddNumberToObject(score, "min", 0);
            cJSON_AddNumberToObject(score, "max", a->score_max);
            cJSON_AddNumberToObject(score, "scaled", a->score_raw / a->score_max);
        }
    }
    cJSON *ext = NULL;
    if (a->task_done) {
        ext = cJSON_AddObjectToObject(res, "extensions");
        cJSON_AddNumberToObject(ext, STOA_EXT_TASK_ERRORS, a->task_errors);
        if (a->time_limit_s > 0)
            cJSON_AddNumberToObject(ext, STOA_EXT_TIME_LIMIT, a->time_limit_s);
    }
    if (a->task_step && a->task_error)
        cJSON_AddStringToObject(ext = cJSON_AddObjectToObject(res, "extensions"),
                                STOA_EXT_TASK_ERROR, a->task_error);
    if (a->feedback && *a->feedback)
        cJSON_AddStringToObject(ext ? ext : cJSON_AddObjectToObject(res, "extensions"),
                                STOA_EXT_FEEDBACK, a->feedback);
    free(iri);
    return emit(log, STOA_VERB_ANSWERED, obj, res, NULL, STOA_TRACE_SYNC_NOW, now_ns);
}

static cJSON *node_object(stoa_trace_log *log, const char *node_id, stoa_trace_names names,
                          bool key_node)
{
    char *iri = child_iri(log, "nodes", node_id);
    if (!iri)
        return NULL;
    cJSON *obj = stoa_trace_json_activity(&(stoa_trace_activity_desc){
        .iri = iri, .type_iri = STOA_ACT_NODE, .names = names, .fallback_name = node_id,
        .key_node = key_node});
    free(iri);
    return obj;
}

bool stoa_trace_node_event(stoa_trace_log *log, stoa_trace_node_verb verb, const char *node_id,
                           stoa_trace_names names, bool key_node, int64_t now_ns)
{
    static const stoa_trace_verb map[] = {STOA_VERB_INTERACTED, STOA_VERB_GRABBED,
                                          STOA_VERB_RELEASED, STOA_VERB_POINTED};
    if (!node_id || !*node_id || (unsigned)verb > STOA_TRACE_POINTED ||
        !in_session(log, "node event", now_ns))
        return false;
    cJSON *obj = node_object(log, node_id, names, key_node);
    return obj && emit(log, map[verb], obj, NULL, NULL, 0, now_ns);
}

bool stoa_trace_gaze_dwell(stoa_trace_log *log, const char *node_id, stoa_trace_names names,
                           bool key_node, int64_t dwell_ns, int64_t now_ns)
{
    if (!node_id || !*node_id || !in_session(log, "gaze", now_ns))
        return false;
    cJSON *obj = node_object(log, node_id, names, key_node);
    if (!obj)
        return false;
    cJSON *res = cJSON_CreateObject();
    stoa_trace_json_add_duration(res, dwell_ns);
    return emit(log, STOA_VERB_GAZED, obj, res, NULL, 0, now_ns);
}

bool stoa_trace_narration(stoa_trace_log *log, const char *narration_id, stoa_trace_names names,
                          const char *source_node, double attention, bool finished,
                          int64_t played_ns, int64_t now_ns)
{
    if (!narration_id || !*narration_id || !in_session(log, "narration", now_ns))
        return false;
    char *iri = child_iri(log, "narrations", narration_id);
    if (!iri)
        return false;
    cJSON *obj = stoa_trace_json_activity(&(stoa_trace_activity_desc){
        .iri = iri, .type_iri = STOA_ACT_NARRATION, .names = names, .fallback_name = narration_id});
    free(iri);
    cJSON *res = cJSON_CreateObject();
    cJSON_AddBoolToObject(res, "completion", finished);
    stoa_trace_json_add_duration(res, played_ns > 0 ? played_ns : 0);
    if (source_node) {
        double a = attention < 0 ? 0 : attention > 1 ? 1 : attention;
        cJSON_AddNumberToObject(cJSON_AddObjectToObject(res, "extensions"), STOA_EXT_ATTENTION,
                                round(a * 1000) / 1000);
    }
    return emit(log, STOA_VERB_LISTENED, obj, res, NULL, 0, now_ns);
}

static double r3(float v)
{
    return isfinite(v) ? round((double)v * 1000.0) / 1000.0 : 0.0;
}

bool stoa_trace_teleported(stoa_trace_log *log, const float position[3], int64_t now_ns)
{
    if (!in_session(log, "teleported", now_ns))
        return false;
    char name[96], id[96];
    snprintf(name, sizeof name, "(%.2f, %.2f, %.2f)", r3(position[0]), r3(position[1]),
             r3(position[2]));
    snprintf(id, sizeof id, "%.2f_%.2f_%.2f", r3(position[0]), r3(position[1]), r3(position[2]));
    char *iri = child_iri(log, "places", id);
    if (!iri)
        return false;
    cJSON *obj = stoa_trace_json_activity(&(stoa_trace_activity_desc){
        .iri = iri, .type_iri = STOA_ACT_PLACE, .fallback_name = name});
    free(iri);
    cJSON *ext = cJSON_CreateObject();
    cJSON *p = cJSON_AddArrayToObject(ext, STOA_EXT_POSITION);
    for (int i = 0; i < 3; i++)
        cJSON_AddItemToArray(p, cJSON_CreateNumber(r3(position[i])));
    return emit(log, STOA_VERB_TELEPORTED, obj, NULL, ext, 0, now_ns);
}

void stoa_trace_pose_sample(stoa_trace_log *log, const float position[3],
                            const float orientation_xyzw[4], const char *gaze_node,
                            int64_t now_ns)
{
    if (!log->initialized || log->terminated ||
        (log->last_sample_at && now_ns - log->last_sample_at < log->sample_interval_ns))
        return;
    log->last_sample_at = now_ns;
    if (!log->samples) {
        log->samples = cJSON_CreateArray();
        log->first_sample_at = now_ns;
    }
    cJSON *s = cJSON_CreateArray();
    cJSON_AddItemToArray(s, cJSON_CreateNumber((double)((now_ns - log->initialized_at) / 1000000)));
    for (int i = 0; i < 3; i++)
        cJSON_AddItemToArray(s, cJSON_CreateNumber(r3(position[i])));
    for (int i = 0; i < 4; i++)
        cJSON_AddItemToArray(s, cJSON_CreateNumber(r3(orientation_xyzw[i])));
    cJSON_AddItemToArray(s, cJSON_CreateString(gaze_node ? gaze_node : ""));
    cJSON_AddItemToArray(log->samples, s);
    if (now_ns - log->first_sample_at >= SAMPLE_FLUSH_NS) {
        cJSON *obj = log->state_activity ? cJSON_Duplicate(log->state_activity, true)
                                         : lesson_object(log);
        emit(log, STOA_VERB_TRACKED, obj, NULL, NULL, STOA_TRACE_LOW_PRIORITY, now_ns);
    }
}

void stoa_trace_log_destroy(stoa_trace_log **plog)
{
    if (!plog || !*plog)
        return;
    stoa_trace_log *log = *plog;
    if (log->initialized && !log->terminated && log->writer)
        stoa_trace_terminated(log, stoa_clock_now(log->clock));
    stoa_trace_writer_destroy(&log->writer);
    for (size_t i = 0; i < MAX_OPEN_QUESTIONS; i++)
        free(log->questions[i].iri);
    cJSON_Delete(log->samples);
    cJSON_Delete(log->state_concepts);
    cJSON_Delete(log->state_activity);
    cJSON_Delete(log->lesson_activity);
    cJSON_Delete(log->actor);
    cJSON_Delete(log->instructor);
    free(log->state_iri);
    free(log->lesson_id);
    free(log->lesson_iri);
    free(log->home_page);
    free(log->language);
    free(log->device_type);
    free(log);
    *plog = NULL;
}
