// SPDX-License-Identifier: Apache-2.0
// The Statements resource's side of the database (docs/lrs.md): the schema
// (versions 4 and 5), the query index (xhash: one row per (hash of kind and
// key, statement) — agent, verb, activity, registration, each "direct" and
// "related"), voiding, and attachment data. The queries are in
// hub_db_xapi_query.c.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hub_internal.h"
#include "hub_lrs.h"

// Version 4 (issue 14): voiding, credentials, attachments.
static const char k_migrate_v4[] =
    "ALTER TABLE statements ADD COLUMN voided INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE statements ADD COLUMN voids TEXT;"
    "CREATE INDEX IF NOT EXISTS statements_voids ON statements(voids) WHERE voids IS NOT NULL;"
    // Credentials made in the panel (hub_xapi_cred.c); which one stored what.
    "CREATE TABLE IF NOT EXISTS xapi_credentials(id INTEGER PRIMARY KEY, name TEXT NOT NULL,"
    "  key TEXT UNIQUE NOT NULL, secret_hash TEXT NOT NULL, scope TEXT NOT NULL, created_ns INTEGER NOT NULL,"
    "  revoked_ns INTEGER);"
    "ALTER TABLE statements ADD COLUMN cred_id INTEGER;"
    "CREATE INDEX IF NOT EXISTS statements_cred ON statements(cred_id) WHERE cred_id IS NOT NULL;"
    // Attachment data received over multipart/mixed, once per SHA-2.
    "CREATE TABLE IF NOT EXISTS xapi_attachments(sha2 TEXT PRIMARY KEY, type TEXT NOT NULL, data BLOB NOT NULL);";

// Version 5: the query index holds 64-bit hashes of its keys (xhash; the
// text index xidx of version 4 was a third of the store at 1M statements),
// and every StatementRef's target id is kept (ref) so that a target stored
// after the statements that refer to it still passes its filters on to them.
static const char k_migrate_v5[] =
    "CREATE TABLE IF NOT EXISTS xhash(h INTEGER NOT NULL, seq INTEGER NOT NULL,"
    "  PRIMARY KEY(h, seq)) WITHOUT ROWID;"
    "ALTER TABLE statements ADD COLUMN ref TEXT;"
    "CREATE INDEX IF NOT EXISTS statements_ref ON statements(ref) WHERE ref IS NOT NULL;"
    "UPDATE statements SET ref = lower(json_extract(json, '$.object.id'))"
    "  WHERE CASE WHEN json_valid(json) THEN json_extract(json, '$.object.objectType') END = 'StatementRef';";

static bool has_table(sqlite3 *db, const char *name)
{
    sqlite3_stmt *st = NULL;
    bool have = sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE name=?1", -1, &st, NULL) == SQLITE_OK &&
                sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    return have;
}

static bool fill_refs(sqlite3 *db);

// The index of the statements stored before: from version 4's text index
// when there is one (its rows already include the StatementRef targets'),
// else from each statement.
static bool fill_index(sqlite3 *db, bool from_xidx)
{
    sqlite3_stmt *sel = NULL, *ins = NULL;
    bool ok = sqlite3_prepare_v2(db, from_xidx ? "SELECT seq, kind, key FROM xidx" : "SELECT seq, json FROM statements",
                                 -1, &sel, NULL) == SQLITE_OK &&
              sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO xhash(h,seq) VALUES(?1,?2)", -1, &ins, NULL) == SQLITE_OK;
    while (ok && sqlite3_step(sel) == SQLITE_ROW) {
        int64_t seq = sqlite3_column_int64(sel, 0);
        if (from_xidx) {
            const char *kind = (const char *)sqlite3_column_text(sel, 1);
            if (hub_xidx_stored_kind(kind[0]) != kind[0])
                continue; // its related row is there too
            sqlite3_reset(ins);
            sqlite3_bind_int64(ins, 1, hub_xidx_hash(kind[0], (const char *)sqlite3_column_text(sel, 2)));
            sqlite3_bind_int64(ins, 2, seq);
            ok = sqlite3_step(ins) == SQLITE_DONE;
            continue;
        }
        cJSON *st = cJSON_Parse((const char *)sqlite3_column_text(sel, 1));
        cJSON *keys = st ? hub_statement_index_keys(st) : NULL;
        const cJSON *k;
        cJSON_ArrayForEach(k, keys) {
            if (hub_xidx_stored_kind(k->valuestring[0]) != k->valuestring[0])
                continue;
            sqlite3_reset(ins);
            sqlite3_bind_int64(ins, 1, hub_xidx_hash(k->valuestring[0], k->valuestring + 1));
            sqlite3_bind_int64(ins, 2, seq);
            ok = ok && sqlite3_step(ins) == SQLITE_DONE;
        }
        cJSON_Delete(keys);
        cJSON_Delete(st);
    }
    sqlite3_finalize(sel);
    sqlite3_finalize(ins);
    return ok && fill_refs(db);
}

static bool migrate(sqlite3 *db, const char *sql, bool fill, bool from_xidx, char **msg)
{
    bool ok = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, msg) == SQLITE_OK &&
              sqlite3_exec(db, sql, NULL, NULL, msg) == SQLITE_OK && (!fill || fill_index(db, from_xidx)) &&
              (!from_xidx || sqlite3_exec(db, "DROP TABLE xidx", NULL, NULL, msg) == SQLITE_OK) &&
              sqlite3_exec(db, "COMMIT", NULL, NULL, msg) == SQLITE_OK;
    if (!ok)
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    return ok;
}

bool hub_db_xapi_migrate(sqlite3 *db, char **msg)
{
    // Version 4 made xidx (dropped by 5); a store without it and without
    // xhash is older than both.
    bool v4 = has_table(db, "xidx"), v5 = has_table(db, "xhash");
    if (!v4 && !v5 && !migrate(db, k_migrate_v4, false, false, msg))
        return false;
    if (!v5 && !migrate(db, k_migrate_v5, true, v4, msg))
        return false;
    return true;
}

bool hub_db_xapi_prepare(stoa_hub *hub, hub_xapi_stmts *x)
{
    x->ins = hub_db_prep(hub, "INSERT OR IGNORE INTO xhash(h,seq) VALUES(?1,?2)");
    x->target = hub_db_prep(hub, "SELECT json FROM statements WHERE id=?1");
    x->set_ref = hub_db_prep(hub, "UPDATE statements SET ref=?2 WHERE seq=?1");
    x->referrers = hub_db_prep(hub, "SELECT seq, id FROM statements WHERE ref=?1");
    // Data 2.3.2: a statement is voided iff a voiding statement targets it
    // and it is not itself a voiding statement (either may arrive first).
    x->void_target = hub_db_prep(hub, "UPDATE statements SET voided=1 WHERE id=?1 AND voids IS NULL");
    // By seq (the row just written, a hot page), not by its random UUID.
    x->void_self = hub_db_prep(hub, "UPDATE statements SET voided=1 WHERE seq=?2 AND EXISTS"
                                    " (SELECT 1 FROM statements v WHERE v.voids=?1)");
    return x->ins && x->target && x->set_ref && x->referrers && x->void_target && x->void_self;
}

void hub_db_xapi_finalize(hub_xapi_stmts *x)
{
    sqlite3_finalize(x->ins);
    sqlite3_finalize(x->target);
    sqlite3_finalize(x->set_ref);
    sqlite3_finalize(x->referrers);
    sqlite3_finalize(x->void_target);
    sqlite3_finalize(x->void_self);
    memset(x, 0, sizeof *x);
}

static bool step_done(sqlite3_stmt *st) { return sqlite3_step(st) == SQLITE_DONE; }

// A statement's index rows as hashes (a growing array).
typedef struct hashes {
    int64_t *h;
    size_t n, cap;
} hashes;

static bool add_keys(hashes *hs, const cJSON *keys)
{
    const cJSON *k;
    cJSON_ArrayForEach(k, keys) {
        if (hub_xidx_stored_kind(k->valuestring[0]) != k->valuestring[0])
            continue; // stored as the related kind (which every direct key has too)
        if (hs->n == hs->cap) {
            size_t cap = hs->cap ? hs->cap * 2 : 32;
            int64_t *g = realloc(hs->h, cap * sizeof *g);
            if (!g)
                return false;
            hs->h = g, hs->cap = cap;
        }
        hs->h[hs->n++] = hub_xidx_hash(k->valuestring[0], k->valuestring + 1);
    }
    return true;
}

static bool insert_all(hub_xapi_stmts *x, const hashes *hs, int64_t seq)
{
    bool ok = true;
    for (size_t i = 0; ok && i < hs->n; i++) {
        sqlite3_reset(x->ins);
        sqlite3_bind_int64(x->ins, 1, hs->h[i]);
        sqlite3_bind_int64(x->ins, 2, seq);
        ok = step_done(x->ins);
    }
    return ok;
}

#define REF_CHAIN 16     // StatementRef targets followed from one statement
#define REF_SPREAD 1000  // statements a newly stored target passes its rows on to

// Communication 2.1.3 "Filter Conditions for StatementRefs": a statement
// targeting another matches the filters its target matches, recursively.
// The target's rows (its own keys, and its targets') are read from the
// targets' texts, whichever were stored.
static bool add_targets(hub_xapi_stmts *x, const char *ref, hashes *hs)
{
    char cur[37];
    snprintf(cur, sizeof cur, "%s", ref);
    for (int depth = 0; depth < REF_CHAIN && cur[0]; depth++) {
        sqlite3_reset(x->target);
        sqlite3_bind_text(x->target, 1, cur, -1, SQLITE_TRANSIENT);
        int rc = sqlite3_step(x->target);
        if (rc != SQLITE_ROW)
            return rc == SQLITE_DONE;
        cJSON *st = cJSON_Parse((const char *)sqlite3_column_text(x->target, 0)); // the hub's own text
        cJSON *keys = st ? hub_statement_index_keys(st) : NULL;
        bool ok = keys && add_keys(hs, keys);
        cJSON_Delete(keys);
        const cJSON *obj = cJSON_GetObjectItemCaseSensitive(st, "object");
        const char *type = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj, "objectType"));
        const char *next = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj, "id"));
        cur[0] = 0;
        if (type && strcmp(type, "StatementRef") == 0 && hub_is_uuid(next))
            for (int i = 0; i <= 36; i++)
                cur[i] = (char)(next[i] >= 'A' && next[i] <= 'F' ? next[i] + 32 : next[i]);
        cJSON_Delete(st);
        if (!ok)
            return false;
    }
    return true;
}

// ... and when a target is stored after the statements that refer to it,
// they (and what refers to them, breadth first) take on its rows now.
static bool spread(hub_xapi_stmts *x, const char *id, const hashes *hs)
{
    sqlite3_reset(x->referrers);
    sqlite3_bind_text(x->referrers, 1, id, -1, SQLITE_TRANSIENT);
    int first = sqlite3_step(x->referrers);
    sqlite3_reset(x->referrers);
    if (first != SQLITE_ROW) // almost always: nothing refers to it
        return first == SQLITE_DONE;
    char (*queue)[37] = malloc(REF_SPREAD * sizeof *queue);
    if (!queue)
        return false;
    size_t head = 0, tail = 0;
    snprintf(queue[tail++], 37, "%s", id);
    bool ok = true;
    while (ok && head < tail) {
        sqlite3_reset(x->referrers);
        sqlite3_bind_text(x->referrers, 1, queue[head++], -1, SQLITE_TRANSIENT);
        int64_t seqs[64];
        int n = 0, rc;
        while (n < 64 && (rc = sqlite3_step(x->referrers)) == SQLITE_ROW) {
            seqs[n++] = sqlite3_column_int64(x->referrers, 0);
            if (tail < REF_SPREAD)
                snprintf(queue[tail++], 37, "%s", (const char *)sqlite3_column_text(x->referrers, 1));
        }
        sqlite3_reset(x->referrers);
        for (int i = 0; ok && i < n; i++)
            ok = insert_all(x, hs, seqs[i]);
    }
    free(queue);
    return ok;
}

bool hub_db_xapi_index(hub_xapi_stmts *x, int64_t seq, const hub_prepared *p)
{
    hashes hs = {0};
    bool ok = add_keys(&hs, p->keys);
    if (ok && p->ref[0]) {
        sqlite3_reset(x->set_ref);
        sqlite3_bind_int64(x->set_ref, 1, seq);
        sqlite3_bind_text(x->set_ref, 2, p->ref, -1, SQLITE_STATIC);
        ok = step_done(x->set_ref) && add_targets(x, p->ref, &hs);
    }
    ok = ok && insert_all(x, &hs, seq) && spread(x, p->id, &hs);
    free(hs.h);
    sqlite3_stmt *v = p->voiding ? x->void_target : x->void_self;
    sqlite3_reset(v);
    sqlite3_bind_text(v, 1, p->voiding ? p->ref : p->id, -1, SQLITE_STATIC);
    if (!p->voiding)
        sqlite3_bind_int64(v, 2, seq);
    return ok && step_done(v);
}

int hub_db_xapi_is_voiding(stoa_hub *hub, const char *id)
{
    int64_t n = 0;
    bool row = false;
    const void *args[] = {id};
    pthread_mutex_lock(&hub->db_mu);
    bool ok = hub_db_exec(hub, "SELECT voids IS NOT NULL FROM statements WHERE id=?1", "t", args, &n, &row);
    pthread_mutex_unlock(&hub->db_mu);
    return !ok ? -1 : row && n;
}

bool hub_db_xapi_put_attachment(stoa_hub *hub, const hub_xapi_part *part)
{
    char low[sizeof part->sha2];
    size_t i = 0;
    for (; part->sha2[i] && i + 1 < sizeof low; i++)
        low[i] = (char)(part->sha2[i] >= 'A' && part->sha2[i] <= 'F' ? part->sha2[i] + 32 : part->sha2[i]);
    low[i] = 0;
    pthread_mutex_lock(&hub->db_mu);
    sqlite3_stmt *st = hub_db_prep(hub, "INSERT OR IGNORE INTO xapi_attachments(sha2,type,data) VALUES(?1,?2,?3)");
    bool ok = st != NULL;
    if (st) {
        sqlite3_bind_text(st, 1, low, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, part->type[0] ? part->type : "application/octet-stream", -1, SQLITE_STATIC);
        sqlite3_bind_blob(st, 3, part->data, (int)part->len, SQLITE_STATIC);
        ok = sqlite3_step(st) == SQLITE_DONE;
        sqlite3_finalize(st);
    }
    pthread_mutex_unlock(&hub->db_mu);
    return ok;
}

void *hub_db_xapi_get_attachment(stoa_hub *hub, const char *sha2, size_t *len, char **type)
{
    void *out = NULL;
    *type = NULL;
    char low[160];
    size_t i = 0;
    for (; sha2[i] && i + 1 < sizeof low; i++)
        low[i] = (char)(sha2[i] >= 'A' && sha2[i] <= 'F' ? sha2[i] + 32 : sha2[i]);
    low[i] = 0;
    pthread_mutex_lock(&hub->db_mu);
    sqlite3_stmt *st = hub_db_prep(hub, "SELECT data, type FROM xapi_attachments WHERE sha2=?1");
    if (st) {
        sqlite3_bind_text(st, 1, low, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW) {
            *len = (size_t)sqlite3_column_bytes(st, 0);
            out = malloc(*len + 1);
            *type = strdup((const char *)sqlite3_column_text(st, 1));
            if (out && *type) {
                memcpy(out, sqlite3_column_blob(st, 0), *len);
            } else {
                free(out), free(*type);
                out = NULL, *type = NULL;
            }
        }
        sqlite3_finalize(st);
    }
    pthread_mutex_unlock(&hub->db_mu);
    return out;
}

// The migration's part of the above: each statement that refers to another
// takes on its target's rows, whichever was stored first.
static bool fill_refs(sqlite3 *db)
{
    hub_xapi_stmts x = {0};
    sqlite3_stmt *sel = NULL;
    bool ok = sqlite3_prepare_v2(db, "SELECT seq, ref FROM statements WHERE ref IS NOT NULL", -1, &sel, NULL) ==
                  SQLITE_OK &&
              sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO xhash(h,seq) VALUES(?1,?2)", -1, &x.ins, NULL) ==
                  SQLITE_OK &&
              sqlite3_prepare_v2(db, "SELECT json FROM statements WHERE id=?1", -1, &x.target, NULL) == SQLITE_OK;
    while (ok && sqlite3_step(sel) == SQLITE_ROW) {
        hashes hs = {0};
        const char *ref = (const char *)sqlite3_column_text(sel, 1);
        ok = ref && strlen(ref) == 36 ? add_targets(&x, ref, &hs) && insert_all(&x, &hs, sqlite3_column_int64(sel, 0))
                                     : true;
        free(hs.h);
    }
    sqlite3_finalize(sel);
    hub_db_xapi_finalize(&x);
    return ok;
}
