// SPDX-License-Identifier: Apache-2.0
// The hub's SQLite database. Every query is a prepared statement with bound
// parameters: nothing a client sends is ever pasted into SQL text.
//
// WAL with synchronous=NORMAL: a committed transaction survives the hub
// being killed (the WAL is in the OS's hands); only a power cut can lose
// the last commits, and headsets keep their own logs first (docs/hub.md).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hub_internal.h"

static const char k_schema[] =
    "PRAGMA journal_mode=WAL;"
    "PRAGMA synchronous=NORMAL;"
    "PRAGMA busy_timeout=5000;"
    "CREATE TABLE IF NOT EXISTS settings(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS devices(id INTEGER PRIMARY KEY, name TEXT NOT NULL,"
    "  token_hash TEXT UNIQUE NOT NULL, joined_ns INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS statements(seq INTEGER PRIMARY KEY, id TEXT UNIQUE NOT NULL,"
    "  registration TEXT, device_id INTEGER, stored_ns INTEGER NOT NULL, json TEXT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS statements_reg ON statements(registration);"
    "CREATE INDEX IF NOT EXISTS statements_stored ON statements(stored_ns);"
    "CREATE TABLE IF NOT EXISTS runs(id TEXT NOT NULL, lesson TEXT NOT NULL,"
    "  started_ns INTEGER NOT NULL, device_id INTEGER, registration TEXT PRIMARY KEY);"
    "CREATE INDEX IF NOT EXISTS runs_id ON runs(id);";

stoa_result hub_db_open(stoa_hub *hub, stoa_error *err)
{
    char path[1100];
    snprintf(path, sizeof path, "%s/hub.sqlite", hub->data_dir);
    if (sqlite3_open_v2(path, &hub->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                                            SQLITE_OPEN_FULLMUTEX, NULL) != SQLITE_OK) {
        stoa_error_set(err, STOA_ERROR_IO, "%s: cannot open database: %s", path,
                       hub->db ? sqlite3_errmsg(hub->db) : "out of memory");
        hub_db_close(hub);
        return STOA_ERROR_IO;
    }
    char *msg = NULL;
    if (sqlite3_exec(hub->db, k_schema, NULL, NULL, &msg) != SQLITE_OK) {
        stoa_error_set(err, STOA_ERROR_IO, "%s: %s", path, msg ? msg : "schema failed");
        sqlite3_free(msg);
        hub_db_close(hub);
        return STOA_ERROR_IO;
    }
    return STOA_OK;
}

void hub_db_close(stoa_hub *hub)
{
    if (hub->db)
        sqlite3_close_v2(hub->db);
    hub->db = NULL;
}

static sqlite3_stmt *prep(stoa_hub *hub, const char *sql)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(hub->db, sql, -1, &st, NULL) != SQLITE_OK) {
        fprintf(stderr, "stoa hub: sql: %s\n", sqlite3_errmsg(hub->db));
        return NULL;
    }
    return st;
}

char *hub_db_get_setting(stoa_hub *hub, const char *key)
{
    char *out = NULL;
    pthread_mutex_lock(&hub->db_mu);
    sqlite3_stmt *st = prep(hub, "SELECT value FROM settings WHERE key=?1");
    if (st) {
        sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW)
            out = strdup((const char *)sqlite3_column_text(st, 0));
        sqlite3_finalize(st);
    }
    pthread_mutex_unlock(&hub->db_mu);
    return out;
}

bool hub_db_set_setting(stoa_hub *hub, const char *key, const char *value)
{
    bool ok = false;
    pthread_mutex_lock(&hub->db_mu);
    sqlite3_stmt *st = prep(hub, "INSERT INTO settings(key,value) VALUES(?1,?2)"
                                 " ON CONFLICT(key) DO UPDATE SET value=excluded.value");
    if (st) {
        sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
        ok = sqlite3_step(st) == SQLITE_DONE;
        sqlite3_finalize(st);
    }
    pthread_mutex_unlock(&hub->db_mu);
    return ok;
}

int64_t hub_db_add_device(stoa_hub *hub, const char *name, const char *token_hash)
{
    int64_t id = 0;
    pthread_mutex_lock(&hub->db_mu);
    sqlite3_stmt *st = prep(hub, "INSERT INTO devices(name,token_hash,joined_ns) VALUES(?1,?2,?3)");
    if (st) {
        sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, token_hash, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, hub_now_ns());
        if (sqlite3_step(st) == SQLITE_DONE)
            id = sqlite3_last_insert_rowid(hub->db);
        sqlite3_finalize(st);
    }
    pthread_mutex_unlock(&hub->db_mu);
    return id;
}

int64_t hub_db_find_device(stoa_hub *hub, const char *token_hash, char name[HUB_NAME_MAX + 1])
{
    int64_t id = 0;
    pthread_mutex_lock(&hub->db_mu);
    sqlite3_stmt *st = prep(hub, "SELECT id, name FROM devices WHERE token_hash=?1");
    if (st) {
        sqlite3_bind_text(st, 1, token_hash, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW) {
            id = sqlite3_column_int64(st, 0);
            snprintf(name, HUB_NAME_MAX + 1, "%s", (const char *)sqlite3_column_text(st, 1));
        }
        sqlite3_finalize(st);
    }
    pthread_mutex_unlock(&hub->db_mu);
    return id;
}

// Looks the id up; HUB_STORED when absent (the caller inserts).
static hub_store_result existing(sqlite3_stmt *sel, const char *id, const char *canon)
{
    sqlite3_reset(sel);
    sqlite3_bind_text(sel, 1, id, -1, SQLITE_STATIC);
    int rc = sqlite3_step(sel);
    if (rc == SQLITE_DONE)
        return HUB_STORED;
    if (rc != SQLITE_ROW)
        return HUB_STORE_FAILED;
    const char *have = (const char *)sqlite3_column_text(sel, 0);
    return have && strcmp(have, canon) == 0 ? HUB_DUPLICATE : HUB_CONFLICT;
}

bool hub_db_store(stoa_hub *hub, size_t n, const char *const *ids, const char *const *canon,
                  const char *const *registrations, int64_t device_id, bool all_or_nothing,
                  hub_store_result *results)
{
    bool ok = true;
    pthread_mutex_lock(&hub->db_mu);
    sqlite3_stmt *sel = prep(hub, "SELECT json FROM statements WHERE id=?1");
    sqlite3_stmt *ins = prep(hub, "INSERT INTO statements(id,registration,device_id,stored_ns,json)"
                                  " VALUES(?1,?2,?3,?4,?5)");
    if (!sel || !ins || sqlite3_exec(hub->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
        ok = false;
        goto out;
    }
    bool conflict = false;
    for (size_t i = 0; i < n; i++) {
        results[i] = existing(sel, ids[i], canon[i]);
        conflict = conflict || results[i] == HUB_CONFLICT;
        // A second copy inside the same batch is a duplicate of the first.
        for (size_t j = 0; j < i && results[i] == HUB_STORED; j++)
            if (strcmp(ids[j], ids[i]) == 0)
                results[i] = strcmp(canon[j], canon[i]) == 0 ? HUB_DUPLICATE : HUB_CONFLICT;
        conflict = conflict || results[i] == HUB_CONFLICT;
        if (results[i] == HUB_STORE_FAILED)
            ok = false;
    }
    int64_t now = hub_now_ns();
    for (size_t i = 0; ok && i < n && !(all_or_nothing && conflict); i++) {
        if (results[i] != HUB_STORED)
            continue;
        sqlite3_reset(ins);
        sqlite3_bind_text(ins, 1, ids[i], -1, SQLITE_STATIC);
        if (registrations && registrations[i])
            sqlite3_bind_text(ins, 2, registrations[i], -1, SQLITE_STATIC);
        else
            sqlite3_bind_null(ins, 2);
        if (device_id > 0)
            sqlite3_bind_int64(ins, 3, device_id);
        else
            sqlite3_bind_null(ins, 3);
        sqlite3_bind_int64(ins, 4, now);
        sqlite3_bind_text(ins, 5, canon[i], -1, SQLITE_STATIC);
        ok = sqlite3_step(ins) == SQLITE_DONE;
    }
    ok = ok && sqlite3_exec(hub->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK;
    if (!ok) {
        sqlite3_exec(hub->db, "ROLLBACK", NULL, NULL, NULL);
        for (size_t i = 0; i < n; i++)
            results[i] = HUB_STORE_FAILED;
    }
out:
    sqlite3_finalize(sel);
    sqlite3_finalize(ins);
    pthread_mutex_unlock(&hub->db_mu);
    return ok;
}

char *hub_db_get_statement(stoa_hub *hub, const char *id, int64_t *out_stored_ns)
{
    char *out = NULL;
    pthread_mutex_lock(&hub->db_mu);
    sqlite3_stmt *st = prep(hub, "SELECT json, stored_ns FROM statements WHERE id=?1");
    if (st) {
        sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW) {
            out = strdup((const char *)sqlite3_column_text(st, 0));
            *out_stored_ns = sqlite3_column_int64(st, 1);
        }
        sqlite3_finalize(st);
    }
    pthread_mutex_unlock(&hub->db_mu);
    return out;
}

int64_t hub_db_query(stoa_hub *hub, int64_t since_ns, const char *registration, int64_t after,
                     int limit, bool ascending, hub_db_row_fn fn, void *user)
{
    int64_t last = 0;
    pthread_mutex_lock(&hub->db_mu);
    sqlite3_stmt *st = prep(hub, ascending
        ? "SELECT seq, json, stored_ns FROM statements WHERE stored_ns > ?1"
          " AND (?2 IS NULL OR registration = ?2) AND seq > ?3 ORDER BY seq ASC LIMIT ?4"
        : "SELECT seq, json, stored_ns FROM statements WHERE stored_ns > ?1"
          " AND (?2 IS NULL OR registration = ?2) AND (?3 = 0 OR seq < ?3) ORDER BY seq DESC LIMIT ?4");
    if (st) {
        sqlite3_bind_int64(st, 1, since_ns);
        if (registration)
            sqlite3_bind_text(st, 2, registration, -1, SQLITE_STATIC);
        else
            sqlite3_bind_null(st, 2);
        sqlite3_bind_int64(st, 3, after);
        sqlite3_bind_int(st, 4, limit);
        while (sqlite3_step(st) == SQLITE_ROW) {
            last = sqlite3_column_int64(st, 0);
            fn(user, last, (const char *)sqlite3_column_text(st, 1), sqlite3_column_int64(st, 2));
        }
        sqlite3_finalize(st);
    }
    pthread_mutex_unlock(&hub->db_mu);
    return last;
}

int64_t hub_db_count(stoa_hub *hub, int64_t device_id)
{
    int64_t n = -1;
    pthread_mutex_lock(&hub->db_mu);
    sqlite3_stmt *st = prep(hub, "SELECT count(*) FROM statements WHERE ?1 = 0 OR device_id = ?1");
    if (st) {
        sqlite3_bind_int64(st, 1, device_id);
        if (sqlite3_step(st) == SQLITE_ROW)
            n = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
    }
    pthread_mutex_unlock(&hub->db_mu);
    return n;
}

bool hub_db_add_run(stoa_hub *hub, const char *run_id, const char *lesson, int64_t device_id,
                    const char *registration)
{
    bool ok = false;
    pthread_mutex_lock(&hub->db_mu);
    sqlite3_stmt *st = prep(hub, "INSERT INTO runs(id,lesson,started_ns,device_id,registration)"
                                 " VALUES(?1,?2,?3,?4,?5)");
    if (st) {
        sqlite3_bind_text(st, 1, run_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, lesson, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, hub_now_ns());
        sqlite3_bind_int64(st, 4, device_id);
        sqlite3_bind_text(st, 5, registration, -1, SQLITE_STATIC);
        ok = sqlite3_step(st) == SQLITE_DONE;
        sqlite3_finalize(st);
    }
    pthread_mutex_unlock(&hub->db_mu);
    return ok;
}

bool hub_db_rebind_run(stoa_hub *hub, const char *proposed, const char *used)
{
    bool ok = false;
    pthread_mutex_lock(&hub->db_mu);
    sqlite3_stmt *st = prep(hub, "UPDATE OR IGNORE runs SET registration=?2 WHERE registration=?1");
    if (st) {
        sqlite3_bind_text(st, 1, proposed, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, used, -1, SQLITE_STATIC);
        ok = sqlite3_step(st) == SQLITE_DONE;
        sqlite3_finalize(st);
    }
    pthread_mutex_unlock(&hub->db_mu);
    return ok;
}

cJSON *hub_db_list_runs(stoa_hub *hub, int limit)
{
    cJSON *arr = cJSON_CreateArray();
    pthread_mutex_lock(&hub->db_mu);
    sqlite3_stmt *st = prep(hub,
        "SELECT r.id, r.lesson, min(r.started_ns), count(*),"
        " (SELECT count(*) FROM statements s WHERE s.registration IN"
        "   (SELECT registration FROM runs WHERE id = r.id))"
        " FROM runs r GROUP BY r.id ORDER BY min(r.started_ns) DESC LIMIT ?1");
    if (st) {
        sqlite3_bind_int(st, 1, limit);
        while (sqlite3_step(st) == SQLITE_ROW) {
            cJSON *o = cJSON_CreateObject();
            char iso[32];
            hub_format_iso(sqlite3_column_int64(st, 2), iso);
            cJSON_AddStringToObject(o, "run", (const char *)sqlite3_column_text(st, 0));
            cJSON_AddStringToObject(o, "lesson", (const char *)sqlite3_column_text(st, 1));
            cJSON_AddStringToObject(o, "started", iso);
            cJSON_AddNumberToObject(o, "learners", (double)sqlite3_column_int64(st, 3));
            cJSON_AddNumberToObject(o, "statements", (double)sqlite3_column_int64(st, 4));
            cJSON_AddItemToArray(arr, o);
        }
        sqlite3_finalize(st);
    }
    pthread_mutex_unlock(&hub->db_mu);
    return arr;
}

cJSON *hub_db_run_registrations(stoa_hub *hub, const char *run_id)
{
    cJSON *arr = NULL;
    pthread_mutex_lock(&hub->db_mu);
    sqlite3_stmt *st = prep(hub, "SELECT registration FROM runs WHERE id=?1");
    if (st) {
        sqlite3_bind_text(st, 1, run_id, -1, SQLITE_STATIC);
        while (sqlite3_step(st) == SQLITE_ROW) {
            if (!arr)
                arr = cJSON_CreateArray();
            cJSON_AddItemToArray(arr, cJSON_CreateString((const char *)sqlite3_column_text(st, 0)));
        }
        sqlite3_finalize(st);
    }
    pthread_mutex_unlock(&hub->db_mu);
    return arr;
}
