// SPDX-License-Identifier: Apache-2.0
// The Statements resource's side of the database (docs/lrs.md): the query
// index (xidx: one row per (kind, key, statement) — agent, verb, activity,
// registration, each "direct" and "related"), voiding, and the queries,
// which walk one index range in seq order and test the other filters by
// primary-key look-ups, so a page costs the same at 1M statements as at 1K.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hub_internal.h"
#include "hub_lrs.h"

// Version 4 (issue 14): the index, voiding, and the index of the statements
// stored before (filled once, by the hub that migrates).
static const char k_migrate_v4[] =
    "CREATE TABLE IF NOT EXISTS xidx(kind TEXT NOT NULL, key TEXT NOT NULL, seq INTEGER NOT NULL,"
    "  PRIMARY KEY(kind, key, seq)) WITHOUT ROWID;"
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

static bool fill_index(sqlite3 *db)
{
    sqlite3_stmt *sel = NULL, *ins = NULL;
    bool ok = sqlite3_prepare_v2(db, "SELECT seq, json FROM statements", -1, &sel, NULL) == SQLITE_OK &&
              sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO xidx(kind,key,seq) VALUES(?1,?2,?3)", -1, &ins,
                                 NULL) == SQLITE_OK;
    while (ok && sqlite3_step(sel) == SQLITE_ROW) {
        cJSON *st = cJSON_Parse((const char *)sqlite3_column_text(sel, 1));
        cJSON *keys = st ? hub_statement_index_keys(st) : NULL;
        const cJSON *k;
        cJSON_ArrayForEach(k, keys) {
            sqlite3_reset(ins);
            sqlite3_bind_text(ins, 1, k->valuestring, 1, SQLITE_STATIC);
            sqlite3_bind_text(ins, 2, k->valuestring + 1, -1, SQLITE_STATIC);
            sqlite3_bind_int64(ins, 3, sqlite3_column_int64(sel, 0));
            ok = ok && sqlite3_step(ins) == SQLITE_DONE;
        }
        cJSON_Delete(keys);
        cJSON_Delete(st);
    }
    sqlite3_finalize(sel);
    sqlite3_finalize(ins);
    return ok;
}

bool hub_db_xapi_migrate(sqlite3 *db, char **msg)
{
    sqlite3_stmt *st = NULL;
    bool have = sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE name='xidx'", -1, &st, NULL) == SQLITE_OK &&
                sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    if (have)
        return true;
    bool ok = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, msg) == SQLITE_OK &&
              sqlite3_exec(db, k_migrate_v4, NULL, NULL, msg) == SQLITE_OK && fill_index(db) &&
              sqlite3_exec(db, "COMMIT", NULL, NULL, msg) == SQLITE_OK;
    if (!ok)
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    return ok;
}

bool hub_db_xapi_prepare(stoa_hub *hub, hub_xapi_stmts *x)
{
    x->ins = hub_db_prep(hub, "INSERT OR IGNORE INTO xidx(kind,key,seq) VALUES(?1,?2,?3)");
    // Communication 2.1.3 "Filter Conditions for StatementRefs": a statement
    // targeting another matches the filters its target matches (recursively:
    // the target's rows already include its own target's).
    x->inherit = hub_db_prep(hub, "INSERT OR IGNORE INTO xidx(kind,key,seq) SELECT kind, key, ?1 FROM xidx"
                                  " WHERE seq = (SELECT seq FROM statements WHERE id=?2)");
    // Data 2.3.2: a statement is voided iff a voiding statement targets it
    // and it is not itself a voiding statement (either may arrive first).
    x->void_target = hub_db_prep(hub, "UPDATE statements SET voided=1 WHERE id=?1 AND voids IS NULL");
    // By seq (the row just written, a hot page), not by its random UUID.
    x->void_self = hub_db_prep(hub, "UPDATE statements SET voided=1 WHERE seq=?2 AND EXISTS"
                                    " (SELECT 1 FROM statements v WHERE v.voids=?1)");
    return x->ins && x->inherit && x->void_target && x->void_self;
}

void hub_db_xapi_finalize(hub_xapi_stmts *x)
{
    sqlite3_finalize(x->ins);
    sqlite3_finalize(x->inherit);
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
        sqlite3_bind_text(x->ins, 1, k->valuestring, 1, SQLITE_STATIC);
        sqlite3_bind_text(x->ins, 2, k->valuestring + 1, -1, SQLITE_STATIC);
        sqlite3_bind_int64(x->ins, 3, seq);
        ok = ok && step_done(x->ins);
    }
    if (ok && p->ref[0]) {
        sqlite3_reset(x->inherit);
        sqlite3_bind_int64(x->inherit, 1, seq);
        sqlite3_bind_text(x->inherit, 2, p->ref, -1, SQLITE_STATIC);
        ok = step_done(x->inherit);
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

char *hub_db_xapi_get(stoa_hub *hub, const char *id, bool voided, int64_t device_id, int64_t cred_id,
                      int64_t *out_stored_ns)
{
    char *out = NULL;
    pthread_mutex_lock(&hub->db_mu);
    sqlite3_stmt *st = hub_db_prep(hub, "SELECT json, stored_ns FROM statements WHERE id=?1"
                                        " AND (?2 = 0 OR device_id = ?2) AND voided=?3"
                                        " AND (?4 = 0 OR cred_id = ?4)");
    if (st) {
        sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, device_id);
        sqlite3_bind_int(st, 3, voided);
        sqlite3_bind_int64(st, 4, cred_id);
        if (sqlite3_step(st) == SQLITE_ROW) {
            out = strdup((const char *)sqlite3_column_text(st, 0));
            *out_stored_ns = sqlite3_column_int64(st, 1);
        }
        sqlite3_finalize(st);
    }
    pthread_mutex_unlock(&hub->db_mu);
    return out;
}

// The seq bounds of stored time: statements stored after since_ns start
// past the last seq stored at or before it (seq grows with stored time:
// both are taken under db_mu in one transaction).
static int64_t seq_at(stoa_hub *hub, int64_t ns)
{
    int64_t seq = 0;
    const void *args[] = {&ns};
    hub_db_exec(hub, "SELECT coalesce(max(seq), 0) FROM statements WHERE stored_ns <= ?1", "i", args, &seq, NULL);
    return seq;
}

int64_t hub_db_xapi_query(stoa_hub *hub, const hub_xapi_filter *f, hub_db_row_fn fn, void *user)
{
    int64_t last = 0;
    char sql[1400];
    pthread_mutex_lock(&hub->db_mu);
    int64_t lo = f->since_ns ? seq_at(hub, f->since_ns) : 0;
    int64_t hi = f->until_ns ? seq_at(hub, f->until_ns) + 1 : INT64_MAX;
    if (f->cursor > 0 && f->ascending && f->cursor > lo)
        lo = f->cursor;
    if (f->cursor > 0 && !f->ascending && f->cursor < hi)
        hi = f->cursor;
    // Only fixed text goes into the SQL; every value is bound.
    int n = 0;
    if (f->nkeys == 0) {
        n = snprintf(sql, sizeof sql, "SELECT s.seq, s.json, s.stored_ns FROM statements s WHERE s.seq > ?1"
                                      " AND s.seq < ?2 AND s.voided = 0 AND (?3 = 0 OR s.device_id = ?3)"
                                      " AND (?21 = 0 OR s.cred_id = ?21)");
    } else {
        n = snprintf(sql, sizeof sql, "SELECT s.seq, s.json, s.stored_ns FROM xidx i JOIN statements s"
                                      " ON s.seq = i.seq WHERE i.kind = ?5 AND i.key = ?6 AND i.seq > ?1"
                                      " AND i.seq < ?2 AND s.voided = 0 AND (?3 = 0 OR s.device_id = ?3)"
                                      " AND (?21 = 0 OR s.cred_id = ?21)");
        for (int k = 1; k < f->nkeys; k++)
            n += snprintf(sql + n, sizeof sql - (size_t)n,
                          " AND EXISTS (SELECT 1 FROM xidx j WHERE j.kind = ?%d AND j.key = ?%d AND j.seq = s.seq)",
                          5 + 2 * k, 6 + 2 * k);
    }
    snprintf(sql + n, sizeof sql - (size_t)n, " ORDER BY %s LIMIT ?4",
             f->nkeys ? (f->ascending ? "i.seq ASC" : "i.seq DESC") : (f->ascending ? "s.seq ASC" : "s.seq DESC"));
    sqlite3_stmt *st = hub_db_prep(hub, sql);
    if (st) {
        sqlite3_bind_int64(st, 1, lo);
        sqlite3_bind_int64(st, 2, hi);
        sqlite3_bind_int64(st, 3, f->device_id);
        sqlite3_bind_int(st, 4, f->limit);
        sqlite3_bind_int64(st, 21, f->cred_id);
        for (int k = 0; k < f->nkeys; k++) {
            sqlite3_bind_text(st, 5 + 2 * k, &f->kind[k], 1, SQLITE_STATIC);
            sqlite3_bind_text(st, 6 + 2 * k, f->key[k], -1, SQLITE_STATIC);
        }
        while (sqlite3_step(st) == SQLITE_ROW) {
            int64_t seq = sqlite3_column_int64(st, 0);
            if (!fn(user, seq, (const char *)sqlite3_column_text(st, 1), sqlite3_column_int64(st, 2)))
                break;
            last = seq;
        }
        sqlite3_finalize(st);
    }
    pthread_mutex_unlock(&hub->db_mu);
    return last;
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
