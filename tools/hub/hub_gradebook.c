// SPDX-License-Identifier: Apache-2.0
// The gradebook: one row per learner and run, for a run (?run=ID) or a
// class (?class=ID: every run of its learners), as CSV (UTF-8 with a BOM, so
// that spreadsheet programs read Chinese names right) or XLSX. Columns:
// learner, number, lesson, date, completion, score, time, answers — each
// answer with the text of the choices picked, in the teacher's language
// where the lesson has it (the lesson file of the library says which text
// a response's letter stands for).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hub_internal.h"
#include "lesson/stoa_lesson.h"

#define GB_MAX_ROWS 5000
#define VERB(x) "http://adlnet.gov/expapi/verbs/" x

typedef struct tally {
    int64_t first_ns, last_ns;
    bool completed, passed, failed;
    double score;
    bool scored;
    cJSON *answers; // [[question id, response]] in order
} tally;

static bool count_row(void *user, int64_t seq, const char *json, int64_t stored_ns)
{
    (void)seq, (void)stored_ns;
    tally *t = user;
    cJSON *st = NULL;
    stoa_error err = {0};
    if (stoa_json_parse(json, strlen(json), HUB_JSON_POLICY(HUB_MAX_BODY), &st, &err) != STOA_OK)
        return true;
    int64_t ts = 0;
    if (hub_parse_iso(cJSON_GetStringValue(cJSON_GetObjectItem(st, "timestamp")), &ts)) {
        if (!t->first_ns || ts < t->first_ns)
            t->first_ns = ts;
        if (ts > t->last_ns)
            t->last_ns = ts;
    }
    const char *verb = cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetObjectItem(st, "verb"), "id"));
    const cJSON *res = cJSON_GetObjectItem(st, "result");
    if (verb && strcmp(verb, VERB("completed")) == 0)
        t->completed = true;
    if (verb && strcmp(verb, VERB("passed")) == 0)
        t->passed = true;
    if (verb && strcmp(verb, VERB("failed")) == 0)
        t->failed = true;
    if (cJSON_IsTrue(cJSON_GetObjectItem(res, "completion")))
        t->completed = true;
    const cJSON *score = cJSON_GetObjectItem(res, "score");
    if (cJSON_IsNumber(cJSON_GetObjectItem(score, "scaled"))) {
        t->score = 100 * cJSON_GetObjectItem(score, "scaled")->valuedouble;
        t->scored = true;
    }
    const char *resp = cJSON_GetStringValue(cJSON_GetObjectItem(res, "response"));
    const char *obj = cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetObjectItem(st, "object"), "id"));
    if (verb && strcmp(verb, VERB("answered")) == 0 && resp && obj) {
        cJSON *pair = cJSON_CreateArray();
        cJSON_AddItemToArray(pair, cJSON_CreateString(obj));
        cJSON_AddItemToArray(pair, cJSON_CreateString(resp));
        cJSON_AddItemToArray(t->answers, pair);
    }
    cJSON_Delete(st);
    return true;
}

// The library lesson with this id (parsed; caller destroys), or NULL.
static stoa_lesson *lesson_by_id(stoa_hub *hub, const cJSON *lessons, const char *id)
{
    const cJSON *l;
    cJSON_ArrayForEach(l, lessons) {
        if (strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(l, "id")), id) != 0)
            continue;
        char path[2300];
        snprintf(path, sizeof path, "%s/%s", hub->lessons_dir, cJSON_GetStringValue(cJSON_GetObjectItem(l, "file")));
        stoa_lesson *out = NULL;
        stoa_error err = {0};
        return stoa_lesson_load_file(path, &out, NULL, &err) == STOA_OK ? out : NULL;
    }
    return NULL;
}

static const char *text_in(const stoa_lesson_text *t, const char *lang)
{
    const char *s = stoa_lesson_text_get(t, lang);
    return s ? s : t->count ? t->entries[0].value : "";
}

// "Question: choice text; ..." — a response "a[,]c" names choices by letter.
static void answers_text(const tally *t, const stoa_lesson *l, const char *lang, char *out, size_t size)
{
    size_t n = 0;
    out[0] = 0;
    const cJSON *pair;
    cJSON_ArrayForEach(pair, t->answers) {
        const char *obj = cJSON_GetArrayItem(pair, 0)->valuestring, *resp = cJSON_GetArrayItem(pair, 1)->valuestring;
        const char *qid = strrchr(obj, '/') ? strrchr(obj, '/') + 1 : obj;
        const stoa_lesson_quiz *q = NULL;
        char seg[300];
        for (uint32_t s = 0; l && !q && s < l->state_count; s++)
            for (uint32_t k = 0; !q && k < l->states[s].step_count; k++) {
                const stoa_lesson_quiz *c = l->states[s].steps[k].quiz;
                if (l->states[s].steps[k].kind == STOA_LESSON_STEP_QUIZ && c && c->id &&
                    hub_iri_segment(c->id, seg, sizeof seg) && strcmp(seg, qid) == 0)
                    q = c;
            }
        char picked[600] = "";
        size_t pn = 0;
        for (const char *r = resp; *r; r++) {
            if (*r < 'a' || *r > 'z')
                continue;
            uint32_t i = (uint32_t)(*r - 'a');
            const char *choice = q && i < q->choice_count ? text_in(&q->choices[i], lang) : NULL;
            char one[8] = {*r, 0};
            int w = snprintf(picked + pn, sizeof picked - pn, "%s%s", pn ? " + " : "", choice ? choice : one);
            pn = w > 0 && pn + (size_t)w < sizeof picked ? pn + (size_t)w : pn;
        }
        int w = snprintf(out + n, size - n, "%s%s: %s", n ? "; " : "", q ? text_in(&q->question, lang) : qid,
                         picked[0] ? picked : resp);
        if (w < 0 || n + (size_t)w >= size)
            break;
        n += (size_t)w;
    }
}

static void add_cell(cJSON *row, const char *s) { cJSON_AddItemToArray(row, cJSON_CreateString(s ? s : "")); }

// Rows of the gradebook (header first) for a run or a class.
static cJSON *gradebook_rows(stoa_hub *hub, const char *run, const char *cls, const char *lang)
{
    bool zh = strncmp(lang, "zh", 2) == 0;
    static const char *const head_en[] = {"Learner", "Number", "Lesson", "Date", "Completion", "Score", "Time (min)",
                                          "Answers"};
    static const char *const head_zh[] = {"学生", "学号", "课程", "日期", "完成情况", "得分", "用时（分钟）", "答案"};
    cJSON *rows = cJSON_CreateArray(), *head = cJSON_CreateArray();
    for (int i = 0; i < 8; i++)
        add_cell(head, zh ? head_zh[i] : head_en[i]);
    cJSON_AddItemToArray(rows, head);
    cJSON *found = cJSON_CreateArray();
    pthread_mutex_lock(&hub->db_mu);
    sqlite3_stmt *st = hub_db_prep(hub,
        "SELECT r.registration, r.lesson, r.started_ns, ro.name, ro.number, g.actor FROM runs r"
        " LEFT JOIN launches l ON l.registration = r.registration"
        " LEFT JOIN registrations g ON g.registration = r.registration"
        " LEFT JOIN roster ro ON ro.learner_id = coalesce(l.learner_id, substr(g.actor, -36))"
        " WHERE (?1 IS NULL OR r.id = ?1) AND (?2 IS NULL OR ro.class_id = ?2)"
        " ORDER BY r.started_ns, ro.number, ro.name LIMIT ?3");
    if (st) {
        run ? sqlite3_bind_text(st, 1, run, -1, SQLITE_STATIC) : sqlite3_bind_null(st, 1);
        cls ? sqlite3_bind_text(st, 2, cls, -1, SQLITE_STATIC) : sqlite3_bind_null(st, 2);
        sqlite3_bind_int(st, 3, GB_MAX_ROWS);
    }
    while (st && sqlite3_step(st) == SQLITE_ROW) {
        cJSON *f = cJSON_CreateObject();
        const char *actor = (const char *)sqlite3_column_text(st, 5);
        const char *name = (const char *)sqlite3_column_text(st, 3);
        // Not on a roster: the pseudonymous account stands for the learner.
        const char *who = name ? name : actor && strrchr(actor, ' ') ? strrchr(actor, ' ') + 1 : "?";
        cJSON_AddStringToObject(f, "registration", (const char *)sqlite3_column_text(st, 0));
        cJSON_AddStringToObject(f, "lesson", (const char *)sqlite3_column_text(st, 1));
        cJSON_AddNumberToObject(f, "started", (double)sqlite3_column_int64(st, 2));
        cJSON_AddStringToObject(f, "name", who);
        cJSON_AddStringToObject(f, "number", name ? (const char *)sqlite3_column_text(st, 4) : "");
        cJSON_AddItemToArray(found, f);
    }
    sqlite3_finalize(st);
    pthread_mutex_unlock(&hub->db_mu);
    cJSON *lessons = hub_lessons_list(hub);
    const cJSON *f;
    cJSON_ArrayForEach(f, found) {
        tally t = {.answers = cJSON_CreateArray()};
        int64_t after = 0;
        for (int guard = 0; guard < 1000; guard++) {
            int64_t last = hub_db_query(hub, 0, cJSON_GetStringValue(cJSON_GetObjectItem(f, "registration")), 0, after,
                                        1000, true, count_row, &t);
            if (last == 0)
                break;
            after = last;
        }
        const char *lesson_id = cJSON_GetStringValue(cJSON_GetObjectItem(f, "lesson"));
        stoa_lesson *l = lesson_by_id(hub, lessons, lesson_id);
        cJSON *row = cJSON_CreateArray();
        char date[32], num[32], answers[4096];
        hub_format_iso((int64_t)cJSON_GetNumberValue(cJSON_GetObjectItem(f, "started")), date);
        date[16] = 0; // YYYY-MM-DDTHH:MM (UTC)
        date[10] = ' ';
        add_cell(row, cJSON_GetStringValue(cJSON_GetObjectItem(f, "name")));
        add_cell(row, cJSON_GetStringValue(cJSON_GetObjectItem(f, "number")));
        add_cell(row, l ? text_in(&l->title, lang) : lesson_id);
        add_cell(row, strcat(date, " UTC"));
        add_cell(row, t.passed      ? (zh ? "通过" : "passed")
                      : t.failed    ? (zh ? "未通过" : "failed")
                      : t.completed ? (zh ? "已完成" : "completed")
                                    : (zh ? "未完成" : "not completed"));
        snprintf(num, sizeof num, "%.0f", t.score);
        add_cell(row, t.scored ? num : "");
        snprintf(num, sizeof num, "%.1f", t.last_ns > t.first_ns ? (t.last_ns - t.first_ns) / 6e10 : 0.0);
        add_cell(row, num);
        answers_text(&t, l, lang, answers, sizeof answers);
        add_cell(row, answers);
        cJSON_AddItemToArray(rows, row);
        stoa_lesson_destroy(&l);
        cJSON_Delete(t.answers);
    }
    cJSON_Delete(lessons);
    cJSON_Delete(found);
    return rows;
}

// CSV: every field quoted; a field a spreadsheet would run as a formula
// (=, +, -, @ first) gets a leading apostrophe, so that a name stays a name.
static char *to_csv(const cJSON *rows, size_t *out_len)
{
    size_t cap = 4, n = 0;
    const cJSON *row, *cell;
    cJSON_ArrayForEach(row, rows) cJSON_ArrayForEach(cell, row) cap += 2 * strlen(cell->valuestring) + 8;
    char *s = malloc(cap);
    if (!s)
        return NULL;
    memcpy(s, "\xEF\xBB\xBF", 3);
    n = 3;
    cJSON_ArrayForEach(row, rows) {
        bool first = true;
        cJSON_ArrayForEach(cell, row) {
            const char *v = cell->valuestring;
            if (!first)
                s[n++] = ',';
            first = false;
            s[n++] = '"';
            if (strchr("=+-@", v[0]) && v[0])
                s[n++] = '\'';
            for (; *v; v++) {
                if (*v == '"')
                    s[n++] = '"';
                s[n++] = *v;
            }
            s[n++] = '"';
        }
        s[n++] = '\r';
        s[n++] = '\n';
    }
    *out_len = n;
    return s;
}

void hub_handle_gradebook(stoa_hub *hub, hub_req *c)
{
    if (!hub_require_instructor(hub, c, false))
        return;
    char run[64] = "", cls[64] = "", format[8] = "csv", lang[16] = "en";
    bool by_run = hub_query_var(c, "run", run, sizeof run), by_class = hub_query_var(c, "class", cls, sizeof cls);
    hub_query_var(c, "format", format, sizeof format);
    hub_query_var(c, "lang", lang, sizeof lang);
    if (by_run == by_class || !hub_is_uuid(by_run ? run : cls)) {
        hub_send_error(c, 400, "expected run=ID or class=ID");
        return;
    }
    if (strcmp(format, "csv") != 0 && strcmp(format, "xlsx") != 0) {
        hub_send_error(c, 400, "format: csv or xlsx");
        return;
    }
    cJSON *rows = gradebook_rows(hub, by_run ? run : NULL, by_class ? cls : NULL, lang);
    char head[200];
    snprintf(head, sizeof head, "Content-Disposition: attachment; filename=\"gradebook-%.8s.%s\"\r\n",
             by_run ? run : cls, format);
    uint8_t *data = NULL;
    size_t len = 0;
    bool ok;
    if (strcmp(format, "csv") == 0)
        ok = (data = (uint8_t *)to_csv(rows, &len)) != NULL;
    else
        ok = hub_xlsx_write(rows, "Gradebook", &data, &len);
    cJSON_Delete(rows);
    if (!ok) {
        hub_send_error(c, 503, "out of memory");
        return;
    }
    hub_send_text(c, 200,
                  strcmp(format, "csv") == 0 ? "text/csv; charset=utf-8"
                                             : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                  (const char *)data, len, head);
    free(data);
}
