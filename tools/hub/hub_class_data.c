// SPDX-License-Identifier: Apache-2.0
// A class's learners in and out: the CSV import, one learner's export (their
// data, for a privacy request) and deletion with everything that records
// them. A learner's records are found by their registrations: the ones a
// launch made for them and the ones whose statements name their learner id
// as the actor's account (the hub keeps that in `registrations.actor` as
// "account HOME ID"); statements without a registration (written over xAPI
// by a tool) are found by the account in their text.
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hub_internal.h"
#include "hub_lrs_doc.h"

#define HUB_MAX_IMPORT_ROWS 2000

// The registrations of a learner, as SQL over ?1 = learner_id.
#define LEARNER_REGS                                                                                    \
    "(SELECT registration FROM registrations WHERE substr(actor, -37) = ' ' || ?1"                      \
    " UNION SELECT registration FROM launches WHERE learner_id = ?1)"
#define LEARNER_STATEMENTS                                                                              \
    "(registration IN " LEARNER_REGS " OR (registration IS NULL AND"                                    \
    " instr(json, '\"name\":\"' || ?1 || '\"') > 0))"

static void add_error(cJSON *errors, int line, const char *why)
{
    if (cJSON_GetArraySize(errors) >= 100) // enough to fix the file by
        return;
    cJSON *e = cJSON_CreateObject();
    cJSON_AddNumberToObject(e, "line", line);
    cJSON_AddStringToObject(e, "why", why);
    cJSON_AddItemToArray(errors, e);
}

// Which column holds what: by a header row, else name, number, pin.
static bool header(const cJSON *rec, int col[3])
{
    static const char *const names[3][4] = {{"name", "姓名", "名字", "learner"},
                                            {"number", "学号", "no", "id"},
                                            {"pin", "密码", "pin code", ""}};
    bool any = false;
    col[0] = col[1] = col[2] = -1;
    for (int i = 0; i < cJSON_GetArraySize(rec); i++) {
        char f[64];
        snprintf(f, sizeof f, "%s", cJSON_GetArrayItem(rec, i)->valuestring);
        for (char *p = f; *p; p++)
            *p = (char)tolower((unsigned char)*p);
        for (int k = 0; k < 3; k++)
            for (int m = 0; m < 4; m++)
                if (names[k][m][0] && strcmp(f, names[k][m]) == 0 && col[k] < 0)
                    col[k] = i, any = true;
    }
    if (!any || col[0] < 0)
        col[0] = 0, col[1] = 1, col[2] = 2;
    return any;
}

static const char *field(const cJSON *rec, int col)
{
    const cJSON *f = col >= 0 ? cJSON_GetArrayItem(rec, col) : NULL;
    return f ? f->valuestring : "";
}

typedef struct row {
    char name[HUB_NAME_MAX + 1], number[HUB_NAME_MAX + 1], pin[8];
} row;

cJSON *hub_class_import_csv(stoa_hub *hub, const char *class_id, const char *text, size_t len)
{
    cJSON *out = cJSON_CreateObject(), *errors = cJSON_CreateArray();
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) // a spreadsheet's byte-order mark
        text += 3, len -= 3;
    row *rows = calloc(HUB_MAX_IMPORT_ROWS, sizeof *rows);
    cJSON *known = hub_class_learners(hub, class_id, true);
    size_t pos = 0, n = 0;
    int col[3] = {0, 1, 2};
    for (int rec_no = 0; rows && pos < len; rec_no++) {
        int line = 1;
        for (size_t i = 0; i < pos; i++)
            line += text[i] == '\n';
        const char *why = NULL;
        cJSON *rec = hub_csv_next(text, len, &pos, &why);
        if (!rec) {
            if (why)
                add_error(errors, line, why);
            continue;
        }
        bool blank = cJSON_GetArraySize(rec) == 1 && !cJSON_GetArrayItem(rec, 0)->valuestring[0];
        if (blank || (rec_no == 0 && header(rec, col))) {
            cJSON_Delete(rec);
            continue;
        }
        const char *name = field(rec, col[0]), *number = field(rec, col[1]), *pin = field(rec, col[2]);
        char msg[160];
        row *r = n < HUB_MAX_IMPORT_ROWS ? &rows[n] : NULL;
        if (!r)
            add_error(errors, line, "more than 2000 learners in one file");
        else if (strlen(name) > HUB_NAME_MAX || strlen(number) > HUB_NAME_MAX)
            add_error(errors, line, "a name or number longer than 64 bytes");
        else if (!hub_class_pin_ok(pin))
            add_error(errors, line, "pin: four digits, or empty");
        else {
            hub_clean_name(name, r->name);
            hub_clean_name(number, r->number);
            snprintf(r->pin, sizeof r->pin, "%s", pin);
            bool dup = false;
            for (size_t k = 0; k < n && r->number[0] && !dup; k++)
                dup = strcmp(rows[k].number, r->number) == 0;
            const cJSON *l;
            cJSON_ArrayForEach(l, known) dup = dup || (r->number[0] &&
                strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(l, "number")), r->number) == 0);
            snprintf(msg, sizeof msg, "number %.64s is there twice (in the file or the class)", r->number);
            if (!r->name[0])
                add_error(errors, line, "name: empty");
            else if (dup)
                add_error(errors, line, msg);
            else
                n++;
        }
        cJSON_Delete(rec);
    }
    // Nothing is added unless every row is right: the teacher fixes the file
    // and imports it again, without doubles.
    int added = 0;
    for (size_t i = 0; rows && i < n && cJSON_GetArraySize(errors) == 0; i++) {
        char id[37];
        if (hub_class_add_learner(hub, class_id, rows[i].name, rows[i].number, rows[i].pin, id))
            added++;
        else
            add_error(errors, 0, "the database failed");
    }
    if (!rows)
        add_error(errors, 0, "out of memory");
    free(rows);
    cJSON_Delete(known);
    cJSON_AddNumberToObject(out, "added", added);
    cJSON_AddItemToObject(out, "errors", errors);
    return out;
}

static cJSON *learner_row(stoa_hub *hub, const char *id)
{
    cJSON *o = NULL;
    sqlite3_stmt *st = hub_db_prep(hub, "SELECT r.name, r.number, r.archived, r.created_ns, c.title FROM roster r"
                                        " LEFT JOIN classes c ON c.id = r.class_id WHERE r.learner_id=?1");
    if (st) {
        sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW) {
            char iso[32];
            o = cJSON_CreateObject();
            cJSON_AddStringToObject(o, "learner_id", id);
            cJSON_AddStringToObject(o, "name", (const char *)sqlite3_column_text(st, 0));
            cJSON_AddStringToObject(o, "number", (const char *)sqlite3_column_text(st, 1));
            cJSON_AddBoolToObject(o, "archived", sqlite3_column_int(st, 2) != 0);
            hub_format_iso(sqlite3_column_int64(st, 3), iso);
            cJSON_AddStringToObject(o, "added", iso);
            const char *title = (const char *)sqlite3_column_text(st, 4);
            cJSON_AddStringToObject(o, "class", title ? title : "");
        }
        sqlite3_finalize(st);
    }
    return o;
}

cJSON *hub_class_export_learner(stoa_hub *hub, const char *id)
{
    pthread_mutex_lock(&hub->db_mu);
    cJSON *learner = learner_row(hub, id), *out = NULL;
    if (learner) {
        out = cJSON_CreateObject();
        cJSON_AddItemToObject(out, "learner", learner);
        cJSON *runs = cJSON_AddArrayToObject(out, "runs");
        cJSON *sts = cJSON_AddArrayToObject(out, "statements");
        sqlite3_stmt *st = hub_db_prep(hub, "SELECT DISTINCT r.id, r.lesson, r.started_ns, r.registration FROM runs r"
                                            " WHERE r.registration IN " LEARNER_REGS " ORDER BY r.started_ns");
        if (st)
            sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
        while (st && sqlite3_step(st) == SQLITE_ROW) {
            cJSON *r = cJSON_CreateObject();
            char iso[32];
            hub_format_iso(sqlite3_column_int64(st, 2), iso);
            cJSON_AddStringToObject(r, "run", (const char *)sqlite3_column_text(st, 0));
            cJSON_AddStringToObject(r, "lesson", (const char *)sqlite3_column_text(st, 1));
            cJSON_AddStringToObject(r, "started", iso);
            cJSON_AddStringToObject(r, "registration", (const char *)sqlite3_column_text(st, 3));
            cJSON_AddItemToArray(runs, r);
        }
        sqlite3_finalize(st);
        st = hub_db_prep(hub, "SELECT json, stored_ns FROM statements WHERE " LEARNER_STATEMENTS " ORDER BY seq");
        if (st)
            sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
        while (st && sqlite3_step(st) == SQLITE_ROW) {
            char *text = hub_statement_stored_text((const char *)sqlite3_column_text(st, 0), sqlite3_column_int64(st, 1));
            cJSON *one = NULL;
            stoa_error err = {0};
            // Our own stored rows, read back with the bounded reader all the same.
            if (text && stoa_json_parse(text, strlen(text), HUB_JSON_POLICY(HUB_MAX_BODY), &one, &err) == STOA_OK)
                cJSON_AddItemToArray(sts, one);
            free(text);
        }
        sqlite3_finalize(st);
        hub_lrs_export_documents(hub, id, cJSON_AddArrayToObject(out, "documents")); // hub_lrs_doc.h
    }
    pthread_mutex_unlock(&hub->db_mu);
    return out;
}

// The stored report of a run is made again from what is left (and the old
// one, which held the learner's records, is gone at once).
static void drop_report(stoa_hub *hub, const char *run)
{
    static const char *const files[] = {"statements.jsonl", "report-en.html", "built-en", "report-zh-CN.html",
                                        "built-zh-CN"};
    char path[1400];
    if (!hub_is_uuid(run))
        return;
    for (size_t i = 0; i < 5; i++) {
        snprintf(path, sizeof path, "%s/%s/%s", hub->reports_dir, run, files[i]);
        unlink(path);
    }
}

cJSON *hub_class_delete_learner(stoa_hub *hub, const char *id)
{
    cJSON *out = NULL;
    pthread_mutex_lock(&hub->report_mu); // no report is being built from these rows meanwhile
    pthread_mutex_lock(&hub->db_mu);
    cJSON *learner = learner_row(hub, id);
    bool ok = learner && sqlite3_exec(hub->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK;
    int64_t counts[3] = {0};
    const void *args[] = {id};
    cJSON *runs = cJSON_CreateArray();
    sqlite3_stmt *st = ok ? hub_db_prep(hub, "SELECT DISTINCT id FROM runs WHERE registration IN " LEARNER_REGS) : NULL;
    if (st)
        sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    while (st && sqlite3_step(st) == SQLITE_ROW)
        cJSON_AddItemToArray(runs, cJSON_CreateString((const char *)sqlite3_column_text(st, 0)));
    sqlite3_finalize(st);
    static const char *const steps[] = {
        "DELETE FROM statements WHERE " LEARNER_STATEMENTS,
        "DELETE FROM runs WHERE registration IN " LEARNER_REGS,
        "DELETE FROM registrations WHERE registration IN " LEARNER_REGS,
        "DELETE FROM launches WHERE registration IN " LEARNER_REGS,
        "DELETE FROM learners WHERE substr(actor, -37) = ' ' || ?1",
        "DELETE FROM signins WHERE learner_id = ?1",
        "DELETE FROM roster WHERE learner_id = ?1",
        // Their LRS documents and the names statements gave them (hub_lrs_doc.h).
        "DELETE FROM lrs_documents WHERE substr(agent, 1, 8) = 'account ' AND substr(agent, -37) = ' ' || ?1",
        "DELETE FROM lrs_agent_names WHERE substr(agent, 1, 8) = 'account ' AND substr(agent, -37) = ' ' || ?1",
    };
    for (size_t i = 0; ok && i < sizeof steps / sizeof *steps; i++) {
        ok = hub_db_exec(hub, steps[i], "t", args, NULL, NULL);
        if (i < 3)
            counts[i] = sqlite3_changes(hub->db);
    }
    if (ok)
        ok = sqlite3_exec(hub->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK;
    else if (learner)
        sqlite3_exec(hub->db, "ROLLBACK", NULL, NULL, NULL);
    pthread_mutex_unlock(&hub->db_mu);
    if (ok) {
        const cJSON *r;
        cJSON_ArrayForEach(r, runs) drop_report(hub, r->valuestring);
        out = cJSON_CreateObject();
        cJSON *d = cJSON_AddObjectToObject(out, "deleted");
        cJSON_AddItemToObject(d, "learner", learner);
        learner = NULL;
        cJSON_AddNumberToObject(d, "statements", (double)counts[0]);
        cJSON_AddNumberToObject(d, "runs", (double)counts[1]);
        cJSON_AddNumberToObject(d, "registrations", (double)counts[2]);
        cJSON_AddItemToObject(d, "run_ids", runs);
        runs = NULL;
    }
    pthread_mutex_unlock(&hub->report_mu);
    cJSON_Delete(learner);
    cJSON_Delete(runs);
    return out;
}
