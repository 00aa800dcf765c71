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
    // Each statement that refers to another takes on its target's rows,
    // whichever came first (a chain of n references needs n rounds).
    for (int round = 0; ok && round < 16; round++) {
        ok = sqlite3_exec(db, "INSERT OR IGNORE INTO xhash(h, seq) SELECT x.h, r.seq FROM statements r"
                              " JOIN statements t ON t.id = r.ref JOIN xhash x ON x.seq = t.seq"
                              " WHERE r.ref IS NOT NULL", NULL, NULL, NULL) == SQLITE_OK;
        if (sqlite3_changes(db) == 0)
            break;
    }
    return ok;
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
    // Communication 2.1.3 "Filter Conditions for StatementRefs": a statement
    // targeting another matches the filters its target matches (recursively:
    // the target's rows already include its own target's).
    x->inherit = hub_db_prep(hub, "INSERT OR IGNORE INTO xhash(h,seq) SELECT h, ?1 FROM xhash"
                                  " WHERE seq = (SELECT seq FROM statements WHERE id=?2)");
    x->set_ref = hub_db_prep(hub, "UPDATE statements SET ref=?2 WHERE seq=?1");
    // ... and when the target comes after them: the statements that refer
    // to it (and to those, ...) take on its rows now.
    x->spread = hub_db_prep(hub, "WITH RECURSIVE r(seq, id) AS (SELECT seq, id FROM statements WHERE ref=?2"
                                 " UNION SELECT s.seq, s.id FROM statements s JOIN r ON s.ref = r.id)"
                                 " INSERT OR IGNORE INTO xhash(h, seq) SELECT x.h, r.seq FROM xhash x, r"
                                 " WHERE x.seq = ?1");
    // Data 2.3.2: a statement is voided iff a voiding statement targets it
    // and it is not itself a voiding statement (either may arrive first).
    x->void_target = hub_db_prep(hub, "UPDATE statements SET voided=1 WHERE id=?1 AND voids IS NULL");
    // By seq (the row just written, a hot page), not by its random UUID.
    x->void_self = hub_db_prep(hub, "UPDATE statements SET voided=1 WHERE seq=?2 AND EXISTS"
                                    " (SELECT 1 FROM statements v WHERE v.voids=?1)");
    return x->ins && x->inherit && x->set_ref && x->spread && x->void_target && x->void_self;
}

void hub_db_xapi_finalize(hub_xapi_stmts *x)
{
    sqlite3_finalize(x->ins);
    sqlite3_finalize(x->inherit);
    sqlite3_finalize(x->set_ref);
    sqlite3_finalize(x->spread);
    sqlite3_finalize(x->void_target);
    sqlite3_finalize(x->void_self);
    memset(x, 0, sizeof *x);
}

static bool step_done(sqlite3_stmt *st) { return sqlite3_step(st) == SQLITE_DONE; }

bool hub_db_xapi_index(hub_xapi_stmts *x, int64_t seq, const hub_prepared *p)
{
    bool ok = true;
    const cJSON *k;
    cJSON_ArrayForEach(k, p->keys) {
        sqlite3_reset(x->ins);
        sqlite3_bind_int64(x->ins, 1, hub_xidx_hash(k->valuestring[0], k->valuestring + 1));
        sqlite3_bind_int64(x->ins, 2, seq);
        ok = ok && step_done(x->ins);
    }
    if (ok && p->ref[0]) {
        sqlite3_reset(x->set_ref);
        sqlite3_bind_int64(x->set_ref, 1, seq);
        sqlite3_bind_text(x->set_ref, 2, p->ref, -1, SQLITE_STATIC);
        sqlite3_reset(x->inherit);
        sqlite3_bind_int64(x->inherit, 1, seq);
        sqlite3_bind_text(x->inherit, 2, p->ref, -1, SQLITE_STATIC);
        ok = step_done(x->set_ref) && step_done(x->inherit);
    }
    if (ok) {
        sqlite3_reset(x->spread);
        sqlite3_bind_int64(x->spread, 1, seq);
        sqlite3_bind_text(x->spread, 2, p->id, -1, SQLITE_STATIC);
        ok = step_done(x->spread);
    }
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
