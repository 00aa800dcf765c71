// SPDX-License-Identifier: Apache-2.0
// `stoa report` for a lesson run, made from the hub's stored statements:
// they are written out as one JSON Lines log per run (streamed from the
// database, a page at a time) and handed to runtime/trace's report library
// in a builder process with bounded memory and time (hub_report_build.c), so
// that no log, however large, can take the hub down with it. A report is built once per change
// of its run (its newest statement and count are the key) and one at a time.
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/stoa_file.h"
#include "hub_internal.h"
#include "trace/stoa_trace_report.h"

typedef struct dump {
    FILE *f;
    size_t n;
    const cJSON *names; // {learner_id: name}: the roster's names of this run's learners
    cJSON *choices;     // {question IRI: [choice text...]} of the library's lessons
} dump;

// The report's copy of a statement names the learner (xAPI's Agent "name"):
// this file is the hub's own, behind the teacher's login; the stored
// statement and every trace keep only the learner id.
// An answer shows the text of the choices picked, not their letters: the
// response "a[,]c" of a library lesson's question becomes "text a; text c".
static bool choice_text(const cJSON *choices, cJSON *st)
{
    const char *obj = cJSON_GetStringValue(
        cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(st, "object"), "id"));
    cJSON *res = cJSON_GetObjectItemCaseSensitive(st, "result");
    const char *resp = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(res, "response"));
    const cJSON *list = obj ? cJSON_GetObjectItemCaseSensitive(choices, obj) : NULL;
    if (!list || !resp)
        return false;
    char text[1024] = "";
    size_t n = 0;
    for (const char *r = resp; *r; r++) {
        const cJSON *c = *r >= 'a' && *r <= 'z' ? cJSON_GetArrayItem(list, *r - 'a') : NULL;
        if (!c)
            continue;
        int w = snprintf(text + n, sizeof text - n, "%s%s", n ? "; " : "", c->valuestring);
        if (w < 0 || n + (size_t)w >= sizeof text)
            break;
        n += (size_t)w;
    }
    if (!n)
        return false;
    cJSON_ReplaceItemInObjectCaseSensitive(res, "response", cJSON_CreateString(text));
    return true;
}

static bool write_row(void *user, int64_t seq, const char *json, int64_t stored_ns)
{
    (void)seq, (void)stored_ns;
    dump *d = user;
    cJSON *st = NULL;
    stoa_error err = {0};
    const char *name = NULL;
    if ((d->names->child || d->choices->child) &&
        stoa_json_parse(json, strlen(json), HUB_JSON_POLICY(HUB_MAX_BODY), &st, &err) == STOA_OK) {
        cJSON *actor = cJSON_GetObjectItemCaseSensitive(st, "actor");
        const char *acc = cJSON_GetStringValue(
            cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(actor, "account"), "name"));
        name = acc ? cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(d->names, acc)) : NULL;
        if (name) {
            cJSON_DeleteItemFromObjectCaseSensitive(actor, "name");
            cJSON_AddStringToObject(actor, "name", name);
        }
    }
    bool answer = st && choice_text(d->choices, st);
    char *named = name || answer ? cJSON_PrintUnformatted(st) : NULL;
    fputs(named ? named : json, d->f);
    fputc('\n', d->f);
    free(named);
    cJSON_Delete(st);
    d->n++;
    return true;
}

stoa_result hub_report_make(stoa_hub *hub, const char *run_id, const char *lang, char *out_path, size_t size,
                            stoa_error *err)
{
    if (!hub_is_uuid(run_id)) // the run id names a folder: only a UUID may
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT, "not a run id");
    // One build at a time; a second request waits for the first (and then
    // finds its result) instead of writing the same files at once.
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 20;
    if (pthread_mutex_timedlock(&hub->report_mu, &until) != 0)
        return stoa_error_set(err, STOA_TIMEOUT, "another report is being built; try again in a moment");
    stoa_result res = STOA_OK;
    cJSON *regs = hub_db_run_registrations(hub, run_id);
    int64_t seq = 0, count = 0;
    char dir[1200], log[1300], key_path[1300], key[160], names_sha[65];
    cJSON *names = hub_class_run_names(hub, run_id);
    char *names_text = cJSON_PrintUnformatted(names);
    hub_sha256_hex(names_text ? names_text : "", names_text ? strlen(names_text) : 0, names_sha);
    free(names_text);
    if (!regs) {
        res = stoa_error_set(err, STOA_ERROR_NOT_FOUND, "no such run");
        goto out;
    }
    if (!hub_db_run_watermark(hub, run_id, &seq, &count)) {
        res = stoa_error_set(err, STOA_ERROR_IO, "the database failed");
        goto out;
    }
    if (count == 0) {
        res = stoa_error_set(err, STOA_ERROR_NOT_FOUND, "this run has no statements yet");
        goto out;
    }
    snprintf(dir, sizeof dir, "%s/%s", hub->reports_dir, run_id);
    // One page per language the panel speaks (the tag names a file: only these two).
    const char *language = lang && strcmp(lang, "zh-CN") == 0 ? "zh-CN" : "en";
    snprintf(out_path, size, "%s/report-%s.html", dir, language);
    snprintf(key_path, sizeof key_path, "%s/built-%s", dir, language);
    // A renamed learner changes the report too: the names are part of the key.
    snprintf(key, sizeof key, "%" PRId64 " %" PRId64 " %s\n", seq, count, names_sha);
    uint8_t *have = NULL;
    size_t have_len = 0;
    stoa_error ignored = {0};
    if (stoa_file_read(key_path, sizeof key, &have, &have_len, &ignored) == STOA_OK && have_len == strlen(key) &&
        memcmp(have, key, have_len) == 0 && stoa_file_mtime_ns(out_path) != 0) {
        free(have);
        goto out; // nothing changed since it was built
    }
    free(have);
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        fprintf(stderr, "stoa hub: %s: %s\n", dir, strerror(errno));
        res = stoa_error_set(err, STOA_ERROR_IO, "cannot write the report");
        goto out;
    }
    snprintf(log, sizeof log, "%s/statements.jsonl", dir);
    dump d = {fopen(log, "w"), 0, names, hub_report_choices(hub, language)};
    if (!d.f) {
        cJSON_Delete(d.choices);
        fprintf(stderr, "stoa hub: %s: %s\n", log, strerror(errno));
        res = stoa_error_set(err, STOA_ERROR_IO, "cannot write the report");
        goto out;
    }
    const cJSON *r;
    cJSON_ArrayForEach(r, regs) {
        int64_t after = 0;
        for (int guard = 0; guard < 100000; guard++) { // pages of 1000, bounded
            size_t before = d.n;
            after = hub_db_query(hub, 0, r->valuestring, 0, after, 1000, true, write_row, &d);
            if (d.n - before < 1000)
                break;
        }
    }
    bool written = fclose(d.f) == 0;
    cJSON_Delete(d.choices);
    if (!written) {
        res = stoa_error_set(err, STOA_ERROR_IO, "cannot write the report");
        goto out;
    }
    if ((res = hub_report_run_builder(log, out_path, language, err)) == STOA_OK)
        stoa_file_write_atomic(key_path, key, strlen(key), &ignored);
out:
    cJSON_Delete(regs);
    cJSON_Delete(names);
    pthread_mutex_unlock(&hub->report_mu);
    return res;
}

void hub_report_problem_page(hub_req *c, int status, hub_problem what, const char *lang, const char *detail)
{
    bool zh = strncmp(lang, "zh", 2) == 0;
    const char *title = zh ? "报告" : "Report";
    const char *text = what == HUB_PROBLEM_NO_RECORDS
        ? (zh ? "这次课还没有任何学习记录：头显还没有开始这节课，或者它的记录还在路上。请稍后刷新。"
              : "This run has no records yet: the headset has not started the lesson, or its records are "
                "still on their way. Refresh this page in a moment.")
        : (zh ? "无法生成这份报告。" : "This report could not be made.");
    char page[2048];
    // detail is the hub's own message (never a path); escaped all the same.
    char safe[300];
    size_t k = 0;
    for (const char *p = detail ? detail : ""; *p && k + 6 < sizeof safe; p++) {
        const char *e = *p == '<' ? "&lt;" : *p == '>' ? "&gt;" : *p == '&' ? "&amp;" : *p == '"' ? "&quot;" : NULL;
        if (e) {
            memcpy(safe + k, e, strlen(e));
            k += strlen(e);
        } else {
            safe[k++] = *p;
        }
    }
    safe[k] = 0;
    int n = snprintf(page, sizeof page,
                     "<!DOCTYPE html><html lang=\"%s\"><head><meta charset=\"utf-8\"><title>%s</title>"
                     "<style>body{font:16px system-ui,sans-serif;margin:3em auto;max-width:40em;color:#222}"
                     "p.detail{color:#666;font-size:14px}</style></head><body><h1>%s</h1><p class=\"problem\">%s</p>"
                     "<p class=\"detail\">%s</p></body></html>",
                     zh ? "zh-CN" : "en", title, title, text, what == HUB_PROBLEM_FAILED ? safe : "");
    hub_send_text(c, status, "text/html; charset=utf-8", page, (size_t)n,
                  "Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'\r\n");
}

cJSON *hub_report_choices(stoa_hub *hub, const char *lang)
{
    cJSON *out = cJSON_CreateObject(), *lessons = hub_lessons_list(hub);
    const cJSON *l, *q, *c;
    cJSON_ArrayForEach(l, lessons) {
        char seg[300];
        if (!hub_iri_segment(cJSON_GetStringValue(cJSON_GetObjectItem(l, "id")), seg, sizeof seg))
            continue;
        cJSON_ArrayForEach(q, cJSON_GetObjectItem(l, "quizzes")) {
            char iri[800];
            snprintf(iri, sizeof iri, "https://stoa.dev/xapi/lessons/%s/questions/%s", seg,
                     cJSON_GetStringValue(cJSON_GetObjectItem(q, "iri_id")));
            cJSON *texts = cJSON_CreateArray();
            cJSON_ArrayForEach(c, cJSON_GetObjectItem(q, "choices")) {
                const char *t = cJSON_GetStringValue(cJSON_GetObjectItem(c, lang));
                if (!t && strncmp(lang, "zh", 2) == 0)
                    t = cJSON_GetStringValue(cJSON_GetObjectItem(c, "zh"));
                if (!t)
                    t = cJSON_GetStringValue(cJSON_GetObjectItem(c, "en"));
                if (!t)
                    t = c->child ? cJSON_GetStringValue(c->child) : "?";
                cJSON_AddItemToArray(texts, cJSON_CreateString(t ? t : "?"));
            }
            if (!cJSON_GetObjectItemCaseSensitive(out, iri))
                cJSON_AddItemToObject(out, iri, texts);
            else
                cJSON_Delete(texts);
        }
    }
    cJSON_Delete(lessons);
    return out;
}
