// SPDX-License-Identifier: Apache-2.0
// GET /xapi/statements from the database (docs/lrs.md): one statement by
// id, and the filtered queries. A query walks one range of the hashed index
// (xhash) in seq order and tests the other filters by primary-key look-ups,
// so a page costs about the same at 1M statements as at 1K; each candidate
// is then checked against the filter's texts (a hash collision, or a row
// an older hub wrote for another key, never reaches the answer).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hub_internal.h"
#include "hub_lrs.h"

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

static bool has_key(const cJSON *keys, char kind, const char *key)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, keys) if (e->valuestring[0] == kind && strcmp(e->valuestring + 1, key) == 0) return true;
    return false;
}

#define REF_DEPTH 16 // StatementRef chains followed when checking a candidate

// The filter keys (bit k = f->key[k]) that neither the statement nor the
// statements it targets (Communication 2.1.3, recursively) have. db_mu held.
static unsigned missing(stoa_hub *hub, const char *json, const hub_xapi_filter *f, unsigned need, int depth)
{
    cJSON *st = cJSON_Parse(json); // the hub's own canonical text
    cJSON *keys = st ? hub_statement_index_keys(st) : NULL;
    for (int k = 0; keys && k < f->nkeys; k++)
        if ((need & (1u << k)) && has_key(keys, f->kind[k], f->key[k]))
            need &= ~(1u << k);
    cJSON_Delete(keys);
    const cJSON *obj = cJSON_GetObjectItemCaseSensitive(st, "object");
    const char *type = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj, "objectType"));
    const char *ref = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj, "id"));
    if (need && depth < REF_DEPTH && type && strcmp(type, "StatementRef") == 0 && hub_is_uuid(ref)) {
        char low[37];
        for (int i = 0; i < 36; i++)
            low[i] = (char)(ref[i] >= 'A' && ref[i] <= 'F' ? ref[i] + 32 : ref[i]);
        low[36] = 0;
        sqlite3_stmt *t = hub_db_prep(hub, "SELECT json FROM statements WHERE id=?1");
        char *target = NULL;
        if (t) {
            sqlite3_bind_text(t, 1, low, -1, SQLITE_STATIC);
            if (sqlite3_step(t) == SQLITE_ROW)
                target = strdup((const char *)sqlite3_column_text(t, 0));
            sqlite3_finalize(t);
        }
        if (target)
            need = missing(hub, target, f, need, depth + 1);
        free(target);
    }
    cJSON_Delete(st);
    return need;
}

int64_t hub_db_xapi_query(stoa_hub *hub, const hub_xapi_filter *f, hub_db_row_fn fn, void *user, bool *more)
{
    int64_t last = 0;
    char sql[1400];
    *more = false;
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
        n = snprintf(sql, sizeof sql, "SELECT s.seq, s.json, s.stored_ns FROM xhash i JOIN statements s"
                                      " ON s.seq = i.seq WHERE i.h = ?5 AND i.seq > ?1"
                                      " AND i.seq < ?2 AND s.voided = 0 AND (?3 = 0 OR s.device_id = ?3)"
                                      " AND (?21 = 0 OR s.cred_id = ?21)");
        for (int k = 1; k < f->nkeys; k++)
            n += snprintf(sql + n, sizeof sql - (size_t)n,
                          " AND EXISTS (SELECT 1 FROM xhash j WHERE j.h = ?%d AND j.seq = s.seq)", 5 + k);
    }
    snprintf(sql + n, sizeof sql - (size_t)n, " ORDER BY %s LIMIT ?4",
             f->nkeys ? (f->ascending ? "i.seq ASC" : "i.seq DESC") : (f->ascending ? "s.seq ASC" : "s.seq DESC"));
    sqlite3_stmt *st = hub_db_prep(hub, sql);
    if (st) {
        sqlite3_bind_int64(st, 1, lo);
        sqlite3_bind_int64(st, 2, hi);
        sqlite3_bind_int64(st, 3, f->device_id);
        sqlite3_bind_int64(st, 21, f->cred_id);
        for (int k = 0; k < f->nkeys; k++)
            sqlite3_bind_int64(st, 5 + k, hub_xidx_hash(hub_xidx_stored_kind(f->kind[k]), f->key[k]));
        // Candidates looked at for one page: a direct filter walks the
        // related rows, so some are dropped; past the budget the page ends
        // early (with `more`), so that no request walks the whole store.
        int budget = f->nkeys ? f->limit * 20 + 1000 : f->limit, seen = 0, given = 0;
        sqlite3_bind_int(st, 4, budget);
        unsigned all = (1u << f->nkeys) - 1;
        while (given < f->limit && sqlite3_step(st) == SQLITE_ROW) {
            int64_t seq = sqlite3_column_int64(st, 0);
            const char *json = (const char *)sqlite3_column_text(st, 1);
            seen++;
            if (f->nkeys && missing(hub, json, f, all, 0) != 0) {
                last = seq;
                continue;
            }
            if (!fn(user, seq, json, sqlite3_column_int64(st, 2))) {
                *more = true; // the page is full
                break;
            }
            given++;
            last = seq;
        }
        *more = *more || given == f->limit || seen == budget;
        sqlite3_finalize(st);
    }
    pthread_mutex_unlock(&hub->db_mu);
    return last;
}
