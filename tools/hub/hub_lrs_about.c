// SPDX-License-Identifier: Apache-2.0
// About (Communication 2.8), Activities (2.5) and Agents (2.4).
//
// What the LRS knows of activities and agents comes from the statements it
// stored. Rather than scan every statement for each question (or hook into
// the store path), a fold reads the statements stored since it last ran,
// in seq order, and keeps two small tables: each activity's canonical
// definition (language maps merged, other properties from the latest
// statement: Data 2.4.4.1's "the LRS updates its internal definition") and
// each agent's names. The hub's housekeeping thread folds in the background
// (hub_lrs_fold_step, a bounded time each second: a hub upgraded with 1M
// statements catches up without any request waiting for it), and each GET
// first folds what is new since, so an answer reflects every statement
// stored before it once the background has caught up. A name remembers the last
// statement it came from and is only shown while that statement is still
// stored: deleting a learner (hub_class_delete_learner) takes their names
// out of Person objects too.
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hub_lrs_doc.h"

#define FOLD_CHUNK 500 // statements per transaction; db_mu is released between chunks
#define HUB_LRS_FOLD_REQUEST_CHUNKS 4 // a request folds at most 2,000 statements (the background the rest)

static pthread_mutex_t g_fold_mu = PTHREAD_MUTEX_INITIALIZER; // one fold at a time keeps seq order

#define FOLD_SLOTS 2048 // activities kept in memory during a chunk (a power of two)

// An activity's definition while a chunk is folded: read from the table at
// its first mention, merged in memory, written once at the chunk's end if
// a statement added to it (most repeat what is known).
typedef struct act_slot {
    char *id;
    cJSON *def;
    bool dirty;
} act_slot;

typedef struct fold_ctx {
    sqlite3_stmt *get_def, *put_def, *put_name;
    int64_t seq;
    act_slot *acts; // FOLD_SLOTS, open addressing
    size_t used;
} fold_ctx;

// Language maps merge by language; other properties are replaced. true when
// `into` changed.
static bool merge_definition(cJSON *into, const cJSON *def)
{
    bool changed = false;
    for (const cJSON *m = def->child; m; m = m->next) {
        cJSON *old = cJSON_GetObjectItemCaseSensitive(into, m->string);
        bool lang_map = strcmp(m->string, "name") == 0 || strcmp(m->string, "description") == 0;
        if (lang_map && cJSON_IsObject(old) && cJSON_IsObject(m)) {
            changed |= merge_definition(old, m); // one level: a language map's values are strings
            continue;
        }
        if (old && cJSON_Compare(old, m, true))
            continue;
        cJSON *copy = cJSON_Duplicate(m, true);
        if (!copy)
            continue;
        if (old)
            cJSON_ReplaceItemInObjectCaseSensitive(into, m->string, copy);
        else
            cJSON_AddItemToObject(into, m->string, copy);
        changed = true;
    }
    return changed;
}

static void flush_activities(fold_ctx *f)
{
    for (size_t i = 0; i < FOLD_SLOTS; i++) {
        act_slot *a = &f->acts[i];
        char *s = a->id && a->dirty ? cJSON_PrintUnformatted(a->def) : NULL;
        if (s) {
            sqlite3_reset(f->put_def);
            sqlite3_bind_text(f->put_def, 1, a->id, -1, SQLITE_STATIC);
            sqlite3_bind_text(f->put_def, 2, s, -1, SQLITE_STATIC);
            sqlite3_step(f->put_def);
        }
        free(s), free(a->id);
        cJSON_Delete(a->def);
        *a = (act_slot){0};
    }
    f->used = 0;
}

static act_slot *activity_slot(fold_ctx *f, const char *id)
{
    if (f->used >= FOLD_SLOTS * 3 / 4)
        flush_activities(f);
    uint32_t h = 2166136261u; // FNV-1a
    for (const unsigned char *p = (const unsigned char *)id; *p; p++)
        h = (h ^ *p) * 16777619u;
    for (size_t i = h & (FOLD_SLOTS - 1);; i = (i + 1) & (FOLD_SLOTS - 1)) {
        act_slot *a = &f->acts[i];
        if (a->id && strcmp(a->id, id) == 0)
            return a;
        if (a->id)
            continue;
        sqlite3_reset(f->get_def);
        sqlite3_bind_text(f->get_def, 1, id, -1, SQLITE_STATIC);
        if (sqlite3_step(f->get_def) == SQLITE_ROW)
            stoa_json_parse_str((const char *)sqlite3_column_text(f->get_def, 0),
                                HUB_JSON_POLICY(HUB_MAX_BODY), &a->def, &(stoa_error){0});
        if (!a->def)
            a->def = cJSON_CreateObject();
        a->id = strdup(id);
        if (!a->id || !a->def) {
            free(a->id);
            cJSON_Delete(a->def);
            *a = (act_slot){0};
            return NULL;
        }
        f->used++;
        return a;
    }
}

static void note_activity(fold_ctx *f, const cJSON *act)
{
    const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(act, "id"));
    const cJSON *def = cJSON_GetObjectItemCaseSensitive(act, "definition");
    if (!id || !cJSON_IsObject(def) || !def->child)
        return;
    act_slot *a = activity_slot(f, id);
    if (a && merge_definition(a->def, def))
        a->dirty = true;
}

static void note_agent(fold_ctx *f, const cJSON *agent)
{
    const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(agent, "name"));
    const char *why;
    char key[HUB_LRS_ID_MAX + 600];
    // Groups' members are agents too; an identified group is looked at as an agent would be.
    const cJSON *members = cJSON_GetObjectItemCaseSensitive(agent, "member");
    for (const cJSON *m = cJSON_IsArray(members) ? members->child : NULL; m; m = m->next)
        note_agent(f, m);
    cJSON *probe = cJSON_Duplicate(agent, true);
    if (!probe)
        return;
    cJSON_DeleteItemFromObjectCaseSensitive(probe, "member");
    cJSON_DeleteItemFromObjectCaseSensitive(probe, "objectType");
    if (name && hub_lrs_agent_key(probe, key, sizeof key, &why)) {
        sqlite3_reset(f->put_name);
        sqlite3_bind_text(f->put_name, 1, key, -1, SQLITE_STATIC);
        sqlite3_bind_text(f->put_name, 2, name, -1, SQLITE_STATIC);
        sqlite3_bind_int64(f->put_name, 3, f->seq);
        sqlite3_step(f->put_name);
    }
    cJSON_Delete(probe);
}

static void note_context(fold_ctx *f, const cJSON *ctx)
{
    const cJSON *ca = cJSON_GetObjectItemCaseSensitive(ctx, "contextActivities");
    for (const cJSON *kind = cJSON_IsObject(ca) ? ca->child : NULL; kind; kind = kind->next) {
        if (cJSON_IsObject(kind)) // 1.0.3 allows one object where an array is meant
            note_activity(f, kind);
        for (const cJSON *a = cJSON_IsArray(kind) ? kind->child : NULL; a; a = a->next)
            note_activity(f, a);
    }
    const cJSON *who[] = {cJSON_GetObjectItemCaseSensitive(ctx, "instructor"),
                          cJSON_GetObjectItemCaseSensitive(ctx, "team")};
    for (size_t i = 0; i < 2; i++)
        if (cJSON_IsObject(who[i]))
            note_agent(f, who[i]);
}

static void note_statement(fold_ctx *f, const cJSON *st, bool sub)
{
    note_agent(f, cJSON_GetObjectItemCaseSensitive(st, "actor"));
    const cJSON *obj = cJSON_GetObjectItemCaseSensitive(st, "object");
    const char *type = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj, "objectType"));
    if (!type || strcmp(type, "Activity") == 0)
        note_activity(f, obj);
    else if (strcmp(type, "Agent") == 0 || strcmp(type, "Group") == 0)
        note_agent(f, obj);
    else if (strcmp(type, "SubStatement") == 0 && !sub)
        note_statement(f, obj, true);
    note_context(f, cJSON_GetObjectItemCaseSensitive(st, "context"));
}

// Folds up to `chunks` chunks of the statements stored since the last fold
// (g_fold_mu is taken per chunk, so a request waits for at most one chunk
// of the background's). 1: all folded, 0: more left, -1: the database failed.
static int fold(stoa_hub *hub, int chunks)
{
    bool ok = true, more = true;
    act_slot *acts = calloc(FOLD_SLOTS, sizeof *acts);
    if (!acts)
        return -1;
    while (ok && more && chunks-- > 0) {
        pthread_mutex_lock(&g_fold_mu);
        pthread_mutex_lock(&hub->db_mu);
        fold_ctx f = {
            .acts = acts,
            .get_def = hub_db_prep(hub, "SELECT definition FROM lrs_activities WHERE id=?1"),
            .put_def = hub_db_prep(
                hub, "INSERT OR REPLACE INTO lrs_activities(id, definition) VALUES(?1,?2)"),
            .put_name = hub_db_prep(
                hub, "INSERT INTO lrs_agent_names(agent, name, seq) VALUES(?1,?2,?3)"
                     " ON CONFLICT(agent, name) DO UPDATE SET seq=max(seq, excluded.seq)"),
        };
        sqlite3_stmt *rows =
            hub_db_prep(hub, "SELECT seq, json FROM statements WHERE seq > "
                             "coalesce((SELECT CAST(value AS INTEGER) FROM settings"
                             " WHERE key='lrs_fold_seq'), 0) ORDER BY seq LIMIT ?1");
        sqlite3_stmt *mark =
            hub_db_prep(hub, "INSERT INTO settings(key, value) VALUES('lrs_fold_seq', ?1)"
                             " ON CONFLICT(key) DO UPDATE SET value=excluded.value");
        ok = f.get_def && f.put_def && f.put_name && rows && mark &&
             sqlite3_exec(hub->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK;
        int n = 0;
        if (ok) {
            sqlite3_bind_int(rows, 1, FOLD_CHUNK);
            int rc;
            while ((rc = sqlite3_step(rows)) == SQLITE_ROW) {
                f.seq = sqlite3_column_int64(rows, 0);
                cJSON *st = NULL;
                const char *json = (const char *)sqlite3_column_text(rows, 1);
                if (json && stoa_json_parse_str(json, HUB_JSON_POLICY(HUB_MAX_BODY), &st,
                                                &(stoa_error){0}) == STOA_OK)
                    note_statement(&f, st, false);
                cJSON_Delete(st);
                n++;
            }
            flush_activities(&f);
            ok = rc == SQLITE_DONE;
            if (ok && n) {
                char v[24];
                snprintf(v, sizeof v, "%" PRId64, f.seq);
                sqlite3_bind_text(mark, 1, v, -1, SQLITE_TRANSIENT);
                ok = sqlite3_step(mark) == SQLITE_DONE;
            }
            ok = ok && sqlite3_exec(hub->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK;
            if (!ok)
                sqlite3_exec(hub->db, "ROLLBACK", NULL, NULL, NULL);
        }
        sqlite3_finalize(f.get_def), sqlite3_finalize(f.put_def), sqlite3_finalize(f.put_name);
        sqlite3_finalize(rows), sqlite3_finalize(mark);
        pthread_mutex_unlock(&hub->db_mu);
        pthread_mutex_unlock(&g_fold_mu);
        more = n == FOLD_CHUNK;
    }
    free(acts);
    return !ok ? -1 : more ? 0 : 1;
}

int hub_lrs_fold_step(stoa_hub *hub, int64_t budget_ns)
{
    int64_t t0 = hub_mono_ns();
    int r;
    while ((r = fold(hub, 1)) == 0 && hub_mono_ns() - t0 < budget_ns)
        ;
    return r;
}

// Before Activities/Agents answer: what is new since the background's last
// step (at most a second's worth), so the answer reflects every statement
// stored before it. A store far behind (a hub upgraded with many statements,
// before the background has caught up) is not folded here: the request
// answers from what is folded so far instead of waiting for all of it.
static bool fold_for_request(stoa_hub *hub)
{
    return fold(hub, HUB_LRS_FOLD_REQUEST_CHUNKS) >= 0;
}

static void send_object(hub_lrs_req *r, cJSON *o)
{
    char *s = o ? cJSON_PrintUnformatted(o) : NULL;
    if (!s) {
        hub_lrs_error(r->c, 503, "out of memory");
        return;
    }
    char etag[41], extra[64];
    hub_lrs_sha1_hex(s, strlen(s), etag);
    snprintf(extra, sizeof extra, "ETag: \"%s\"\r\n", etag);
    hub_lrs_send(r->c, 200, "application/json; charset=utf-8", s, strlen(s), extra);
    free(s);
}

void hub_lrs_about(hub_lrs_req *r)
{
    cJSON *o = cJSON_CreateObject();
    cJSON *v = cJSON_AddArrayToObject(o, "version");
    cJSON_AddItemToArray(v, cJSON_CreateString(HUB_LRS_VERSION));
    // What a client may want to know before it asks (the bounds it will meet).
    cJSON *ext = cJSON_AddObjectToObject(o, "extensions");
    cJSON_AddNumberToObject(ext, "https://stoa.dev/xapi/about/statements-limit", r->hub->lrs_limit);
    cJSON_AddNumberToObject(ext, "https://stoa.dev/xapi/about/statements-per-request", 1000);
    cJSON_AddNumberToObject(ext, "https://stoa.dev/xapi/about/document-max-bytes",
                            (double)r->hub->lrs_doc_max);
    send_object(r, o);
    cJSON_Delete(o);
}

void hub_lrs_activities(hub_lrs_req *r)
{
    if (!fold_for_request(r->hub)) {
        hub_lrs_error(r->c, 503, "the database failed; try again");
        return;
    }
    cJSON *def = NULL;
    pthread_mutex_lock(&r->hub->db_mu);
    sqlite3_stmt *st = hub_db_prep(r->hub, "SELECT definition FROM lrs_activities WHERE id=?1");
    if (st) {
        sqlite3_bind_text(st, 1, r->activity_id, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW)
            stoa_json_parse_str((const char *)sqlite3_column_text(st, 0),
                                HUB_JSON_POLICY(HUB_MAX_BODY), &def, &(stoa_error){0});
        sqlite3_finalize(st);
    }
    pthread_mutex_unlock(&r->hub->db_mu);
    // 2.5.s2.b1: an activity without a known definition is still an Activity object.
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "objectType", "Activity");
    cJSON_AddStringToObject(o, "id", r->activity_id);
    if (def)
        cJSON_AddItemToObject(o, "definition", def);
    send_object(r, o);
    cJSON_Delete(o);
}

static void add_unique(cJSON *arr, const char *s)
{
    for (const cJSON *e = arr->child; e; e = e->next)
        if (cJSON_IsString(e) && strcmp(e->valuestring, s) == 0)
            return;
    cJSON_AddItemToArray(arr, cJSON_CreateString(s));
}

void hub_lrs_agents(hub_lrs_req *r)
{
    if (!fold_for_request(r->hub)) {
        hub_lrs_error(r->c, 503, "the database failed; try again");
        return;
    }
    // 2.4.s5: every property an array; 2.4.s3.b3: at least what was asked about.
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "objectType", "Person");
    cJSON *names = cJSON_CreateArray();
    const char *asked = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(r->agent, "name"));
    if (asked)
        add_unique(names, asked);
    pthread_mutex_lock(&r->hub->db_mu);
    sqlite3_stmt *st =
        hub_db_prep(r->hub, "SELECT n.name FROM lrs_agent_names n WHERE n.agent=?1 AND EXISTS"
                            " (SELECT 1 FROM statements s WHERE s.seq = n.seq) ORDER BY n.seq DESC"
                            " LIMIT 100");
    if (st) {
        sqlite3_bind_text(st, 1, r->agent_key, -1, SQLITE_STATIC);
        while (sqlite3_step(st) == SQLITE_ROW)
            add_unique(names, (const char *)sqlite3_column_text(st, 0));
        sqlite3_finalize(st);
    }
    pthread_mutex_unlock(&r->hub->db_mu);
    // A learner of the hub's rosters: the name the teacher gave them.
    const cJSON *acc = cJSON_GetObjectItemCaseSensitive(r->agent, "account");
    const char *learner = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(acc, "name"));
    char roster_name[200], number[64];
    if (learner &&
        hub_class_name(r->hub, learner, roster_name, sizeof roster_name, number, sizeof number) &&
        roster_name[0])
        add_unique(names, roster_name);
    if (names->child)
        cJSON_AddItemToObject(o, "name", names);
    else
        cJSON_Delete(names);
    static const char *const ifis[] = {"mbox", "mbox_sha1sum", "openid", "account"};
    for (size_t i = 0; i < 4; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(r->agent, ifis[i]);
        if (v)
            cJSON_AddItemToArray(cJSON_AddArrayToObject(o, ifis[i]), cJSON_Duplicate(v, true));
    }
    send_object(r, o);
    cJSON_Delete(o);
}
