// SPDX-License-Identifier: Apache-2.0
// The hub's SQLite database. Every query is a prepared statement with bound
// parameters: nothing a client sends is ever pasted into SQL text.
//
// WAL with synchronous=NORMAL: a committed transaction survives the hub
// being killed (the WAL is in the OS's hands); only a power cut can lose
// the last commits, and headsets keep their own logs first (docs/hub.md).
//
// Who owns what (authorization by data, docs/hub.md): `registrations` says
// which headset a registration belongs to (the one the hub launched it on,
// or the first to name it) and whose learner it records; `learners` says on
// which headset a learner is signed in (the last to write as them, held for
// HUB_LEARNER_HOLD_NS after its last statement).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hub_internal.h"
#include "hub_lrs.h"

static const char k_schema[] =
    "PRAGMA journal_mode=WAL;"
    "PRAGMA synchronous=NORMAL;"
    "PRAGMA busy_timeout=5000;"
    "PRAGMA cache_size=-65536;" // 64 MiB: the query index and the id index stay in memory at 1M statements
    // Checkpoint after 32 MiB of WAL, not 4: an index page that many commits
    // dirty is copied back (and fsynced) once. Each commit is as durable.
    "PRAGMA wal_autocheckpoint=8192;"
    "PRAGMA journal_size_limit=33554432;"
    "CREATE TABLE IF NOT EXISTS settings(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS devices(id INTEGER PRIMARY KEY, name TEXT NOT NULL,"
    "  token_hash TEXT UNIQUE NOT NULL, joined_ns INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS statements(seq INTEGER PRIMARY KEY, id TEXT UNIQUE NOT NULL,"
    "  registration TEXT, device_id INTEGER, stored_ns INTEGER NOT NULL, json TEXT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS statements_reg ON statements(registration);"
    "CREATE INDEX IF NOT EXISTS statements_stored ON statements(stored_ns);"
    "CREATE INDEX IF NOT EXISTS statements_device ON statements(device_id);"
    "CREATE TABLE IF NOT EXISTS runs(id TEXT NOT NULL, lesson TEXT NOT NULL,"
    "  started_ns INTEGER NOT NULL, device_id INTEGER, registration TEXT PRIMARY KEY);"
    "CREATE INDEX IF NOT EXISTS runs_id ON runs(id);"
    "CREATE TABLE IF NOT EXISTS registrations(registration TEXT PRIMARY KEY,"
    "  device_id INTEGER NOT NULL, actor TEXT, created_ns INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS learners(actor TEXT PRIMARY KEY, device_id INTEGER NOT NULL,"
    "  last_ns INTEGER NOT NULL);"
    // Issue 11: launches (a run's row is made by its first record), class
    // rosters with named learners, and who is signed in on which headset.
    "CREATE TABLE IF NOT EXISTS launches(registration TEXT PRIMARY KEY, run TEXT NOT NULL,"
    "  lesson TEXT NOT NULL, device_id INTEGER NOT NULL, learner_id TEXT, created_ns INTEGER NOT NULL);"
    "CREATE INDEX IF NOT EXISTS launches_run ON launches(run);"
    "CREATE TABLE IF NOT EXISTS classes(id TEXT PRIMARY KEY, title TEXT NOT NULL,"
    "  created_ns INTEGER NOT NULL, archived INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE IF NOT EXISTS roster(learner_id TEXT PRIMARY KEY, class_id TEXT NOT NULL,"
    "  name TEXT NOT NULL, number TEXT NOT NULL DEFAULT '', pin_hash TEXT,"
    "  archived INTEGER NOT NULL DEFAULT 0, created_ns INTEGER NOT NULL);"
    "CREATE INDEX IF NOT EXISTS roster_class ON roster(class_id);"
    "CREATE TABLE IF NOT EXISTS signins(device_id INTEGER PRIMARY KEY, learner_id TEXT UNIQUE NOT NULL,"
    "  since_ns INTEGER NOT NULL);";

// Version 3: a device can be removed from the panel (its token revoked, its
// card gone); runs without a record (launches that never reached their
// headset, from hubs before this one) are dropped.
static const char k_migrate_v3[] =
    "ALTER TABLE devices ADD COLUMN removed INTEGER NOT NULL DEFAULT 0;"
    "DELETE FROM runs WHERE NOT EXISTS (SELECT 1 FROM statements s WHERE s.registration = runs.registration);";

// Version 2 (this hub): devices gain admission, revocation, first use and a
// statement count; registrations are filled from what was stored before.
static const char k_migrate_v2[] =
    "ALTER TABLE devices ADD COLUMN admitted INTEGER NOT NULL DEFAULT 1;"
    "ALTER TABLE devices ADD COLUMN revoked_ns INTEGER;"
    "ALTER TABLE devices ADD COLUMN used_ns INTEGER;"
    "ALTER TABLE devices ADD COLUMN stored INTEGER NOT NULL DEFAULT 0;"
    "UPDATE devices SET used_ns = joined_ns,"
    "  stored = (SELECT count(*) FROM statements s WHERE s.device_id = devices.id);"
    "INSERT OR IGNORE INTO registrations(registration, device_id, actor, created_ns)"
    "  SELECT registration, device_id, NULL, started_ns FROM runs WHERE device_id IS NOT NULL;"
    "INSERT OR IGNORE INTO registrations(registration, device_id, actor, created_ns)"
    "  SELECT registration, min(device_id), NULL, min(stored_ns) FROM statements"
    "  WHERE device_id IS NOT NULL AND registration IS NOT NULL GROUP BY registration;";

static bool has_column(sqlite3 *db, const char *table, const char *column)
{
    char sql[128];
    snprintf(sql, sizeof sql, "PRAGMA table_info(%s)", table); // our own table names only
    sqlite3_stmt *st = NULL;
    bool found = false;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK)
        while (!found && sqlite3_step(st) == SQLITE_ROW)
            found = strcmp((const char *)sqlite3_column_text(st, 1), column) == 0;
    sqlite3_finalize(st);
    return found;
}

stoa_result hub_db_open_path(const char *data_dir, sqlite3 **out, stoa_error *err)
{
    char path[1100];
    snprintf(path, sizeof path, "%s/hub.sqlite", data_dir);
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                        NULL) != SQLITE_OK) {
        stoa_error_set(err, STOA_ERROR_IO, "%s: cannot open database: %s", path,
                       db ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close_v2(db);
        return STOA_ERROR_IO;
    }
    char *msg = NULL;
    bool ok = sqlite3_exec(db, k_schema, NULL, NULL, &msg) == SQLITE_OK;
    if (ok && !has_column(db, "devices", "admitted")) {
        ok = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, &msg) == SQLITE_OK &&
             sqlite3_exec(db, k_migrate_v2, NULL, NULL, &msg) == SQLITE_OK &&
             sqlite3_exec(db, "COMMIT", NULL, NULL, &msg) == SQLITE_OK;
        if (!ok)
            sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    }
    if (ok && !has_column(db, "devices", "removed")) {
        ok = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, &msg) == SQLITE_OK &&
             sqlite3_exec(db, k_migrate_v3, NULL, NULL, &msg) == SQLITE_OK &&
             sqlite3_exec(db, "COMMIT", NULL, NULL, &msg) == SQLITE_OK;
        if (!ok)
            sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    }
    if (ok)
        ok = hub_db_xapi_migrate(db, &msg);
    if (!ok) {
        stoa_error_set(err, STOA_ERROR_IO, "%s: %s", path, msg ? msg : "schema failed");
        sqlite3_free(msg);
        sqlite3_close_v2(db);
        return STOA_ERROR_IO;
    }
    *out = db;
    return STOA_OK;
}

stoa_result hub_db_open(stoa_hub *hub, stoa_error *err)
{
    return hub_db_open_path(hub->data_dir, &hub->db, err);
}

void hub_db_close(stoa_hub *hub)
{
    if (hub->db)
        sqlite3_close_v2(hub->db);
    hub->db = NULL;
}

sqlite3_stmt *hub_db_prep(stoa_hub *hub, const char *sql)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(hub->db, sql, -1, &st, NULL) != SQLITE_OK) {
        fprintf(stderr, "stoa hub: sql: %s\n", sqlite3_errmsg(hub->db));
        return NULL;
    }
    return st;
}

// One statement with bound text/int parameters ("t" text, "i" int64), run to
// completion (db_mu held by the caller). Returns the first column of the
// first row as int64 in *out (when out), and whether it succeeded.
bool hub_db_exec(stoa_hub *hub, const char *sql, const char *types, const void *const *args, int64_t *out,
                  bool *had_row)
{
    sqlite3_stmt *st = hub_db_prep(hub, sql);
    if (!st)
        return false;
    for (int i = 0; types[i]; i++) {
        if (types[i] == 't') {
            if (args[i])
                sqlite3_bind_text(st, i + 1, args[i], -1, SQLITE_STATIC);
            else
                sqlite3_bind_null(st, i + 1);
        } else {
            sqlite3_bind_int64(st, i + 1, *(const int64_t *)args[i]);
        }
    }
    int rc = sqlite3_step(st);
    if (had_row)
        *had_row = rc == SQLITE_ROW;
    if (rc == SQLITE_ROW && out)
        *out = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE;
}

char *hub_db_get_setting(stoa_hub *hub, const char *key)
{
    char *out = NULL;
    pthread_mutex_lock(&hub->db_mu);
    sqlite3_stmt *st = hub_db_prep(hub, "SELECT value FROM settings WHERE key=?1");
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
    sqlite3_stmt *st = hub_db_prep(hub, "INSERT INTO settings(key,value) VALUES(?1,?2)"
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

int64_t hub_db_add_device(stoa_hub *hub, const char *name, const char *token_hash, bool admitted)
{
    int64_t id = 0;
    pthread_mutex_lock(&hub->db_mu);
    sqlite3_stmt *st = hub_db_prep(hub, "INSERT INTO devices(name,token_hash,joined_ns,admitted) VALUES(?1,?2,?3,?4)");
    if (st) {
        sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, token_hash, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, hub_now_ns());
        sqlite3_bind_int(st, 4, admitted);
        if (sqlite3_step(st) == SQLITE_DONE)
            id = sqlite3_last_insert_rowid(hub->db);
        sqlite3_finalize(st);
    }
    pthread_mutex_unlock(&hub->db_mu);
    return id;
}

bool hub_db_find_device(stoa_hub *hub, const char *token_hash, hub_device_row *out)
{
    bool found = false;
    memset(out, 0, sizeof *out);
    pthread_mutex_lock(&hub->db_mu);
    sqlite3_stmt *st = hub_db_prep(hub, "SELECT id, name, admitted, stored FROM devices"
                                 " WHERE token_hash=?1 AND revoked_ns IS NULL");
    if (st) {
        sqlite3_bind_text(st, 1, token_hash, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW) {
            found = true;
            out->id = sqlite3_column_int64(st, 0);
            snprintf(out->name, sizeof out->name, "%s", (const char *)sqlite3_column_text(st, 1));
            out->admitted = sqlite3_column_int(st, 2) != 0;
            out->stored_total = sqlite3_column_int64(st, 3);
        }
        sqlite3_finalize(st);
    }
    pthread_mutex_unlock(&hub->db_mu);
    return found;
}

void hub_db_device_used(stoa_hub *hub, int64_t id)
{
    int64_t now = hub_now_ns();
    const void *args[] = {&id, &now};
    pthread_mutex_lock(&hub->db_mu);
    hub_db_exec(hub, "UPDATE devices SET used_ns=?2 WHERE id=?1 AND used_ns IS NULL", "ii", args, NULL, NULL);
    pthread_mutex_unlock(&hub->db_mu);
}

bool hub_db_device_exists(stoa_hub *hub, int64_t id)
{
    bool row = false;
    const void *args[] = {&id};
    pthread_mutex_lock(&hub->db_mu);
    hub_db_exec(hub, "SELECT 1 FROM devices WHERE id=?1 AND revoked_ns IS NULL", "i", args, NULL, &row);
    pthread_mutex_unlock(&hub->db_mu);
    return row;
}

bool hub_db_admit_device(stoa_hub *hub, int64_t id)
{
    int64_t now = hub_now_ns();
    const void *args[] = {&id, &now};
    pthread_mutex_lock(&hub->db_mu);
    bool ok = hub_db_exec(hub, "UPDATE devices SET admitted=1, used_ns=coalesce(used_ns, ?2)"
                         " WHERE id=?1 AND revoked_ns IS NULL", "ii", args, NULL, NULL) &&
              sqlite3_changes(hub->db) == 1;
    pthread_mutex_unlock(&hub->db_mu);
    return ok;
}

bool hub_db_revoke_device(stoa_hub *hub, int64_t id)
{
    int64_t now = hub_now_ns();
    const void *args[] = {&id, &now};
    pthread_mutex_lock(&hub->db_mu);
    bool ok = sqlite3_exec(hub->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK;
    // The token's hash goes: nothing can match it again. The row stays for the records.
    ok = ok && hub_db_exec(hub, "UPDATE devices SET revoked_ns=?2, token_hash='revoked:'||id"
                          " WHERE id=?1 AND revoked_ns IS NULL", "ii", args, NULL, NULL);
    bool changed = ok && sqlite3_changes(hub->db) == 1;
    ok = ok && hub_db_exec(hub, "DELETE FROM learners WHERE device_id=?1", "i", args, NULL, NULL);
    ok = ok && sqlite3_exec(hub->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK;
    if (!ok)
        sqlite3_exec(hub->db, "ROLLBACK", NULL, NULL, NULL);
    pthread_mutex_unlock(&hub->db_mu);
    return ok && changed;
}

bool hub_db_rename_device(stoa_hub *hub, int64_t id, const char *name)
{
    const void *args[] = {&id, name};
    pthread_mutex_lock(&hub->db_mu);
    bool ok = hub_db_exec(hub, "UPDATE devices SET name=?2 WHERE id=?1 AND removed=0", "it", args, NULL, NULL) &&
              sqlite3_changes(hub->db) == 1;
    pthread_mutex_unlock(&hub->db_mu);
    return ok;
}

bool hub_db_remove_device(stoa_hub *hub, int64_t id)
{
    hub_db_revoke_device(hub, id); // false when revoked already: it can still be removed
    const void *args[] = {&id};
    pthread_mutex_lock(&hub->db_mu);
    bool ok = hub_db_exec(hub, "UPDATE devices SET removed=1 WHERE id=?1 AND removed=0", "i", args, NULL, NULL) &&
              sqlite3_changes(hub->db) == 1;
    hub_db_exec(hub, "DELETE FROM signins WHERE device_id=?1", "i", args, NULL, NULL);
    pthread_mutex_unlock(&hub->db_mu);
    return ok;
}

int hub_db_expire_unused(stoa_hub *hub)
{
    int64_t before = hub_now_ns() - HUB_UNUSED_TOKEN_TTL_NS;
    const void *args[] = {&before};
    pthread_mutex_lock(&hub->db_mu);
    int n = hub_db_exec(hub, "DELETE FROM devices WHERE used_ns IS NULL AND revoked_ns IS NULL"
                       " AND joined_ns < ?1", "i", args, NULL, NULL) ? sqlite3_changes(hub->db) : 0;
    pthread_mutex_unlock(&hub->db_mu);
    return n;
}

// ---- statements -----------------------------------------------------------------------

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
    // Communication 2.1.1/2.1.2: the same statement again is no conflict,
    // "same" as Data 2.3.1's Statement Comparison Requirements say.
    return have && hub_statement_same(have, canon) ? HUB_DUPLICATE : HUB_CONFLICT;
}

typedef struct authz {
    sqlite3_stmt *reg_get, *reg_add, *reg_actor, *learner_get, *learner_put, *launch_get, *roster_has;
    char signed_in[40]; // the roster learner signed in on this headset ("" = none)
} authz;

// Named learners (issue 11): a launch made for a learner records only them,
// and only the launch's lesson; a headset's own registration records its
// signed-in learner; nobody writes as a roster learner who is not signed in
// on this headset. NULL = yes.
static const char *authorize_learner(authz *a, const hub_prepared *p)
{
    sqlite3_reset(a->roster_has);
    sqlite3_bind_text(a->roster_has, 1, p->account, -1, SQLITE_STATIC);
    bool named = p->account[0] && sqlite3_step(a->roster_has) == SQLITE_ROW;
    sqlite3_reset(a->launch_get);
    sqlite3_bind_text(a->launch_get, 1, p->registration, -1, SQLITE_STATIC);
    if (sqlite3_step(a->launch_get) == SQLITE_ROW) {
        const char *lesson = (const char *)sqlite3_column_text(a->launch_get, 0);
        const char *learner = (const char *)sqlite3_column_text(a->launch_get, 1);
        char seg[400];
        bool other_lesson = p->lesson[0] && lesson && hub_iri_segment(lesson, seg, sizeof seg) &&
                            strcmp(seg, p->lesson) != 0;
        if (other_lesson)
            return "context.registration: this registration belongs to a launch of another lesson";
        if (learner ? strcmp(learner, p->account) != 0 : named)
            return "actor: this launch was made for another learner";
        return NULL;
    }
    if (named && strcmp(a->signed_in, p->account) != 0)
        return "actor: this learner is not signed in on this headset";
    return NULL;
}

// May this device write this (new) statement? Records a first use of a
// registration or learner. NULL = yes, else why not.
static const char *authorize(stoa_hub *hub, authz *a, int64_t device_id, const hub_prepared *p, int64_t now,
                             bool *failed)
{
    (void)hub;
    if (!p->registration[0])
        return "context.registration: a headset writes only in the registrations of its runs";
    sqlite3_reset(a->reg_get);
    sqlite3_bind_text(a->reg_get, 1, p->registration, -1, SQLITE_STATIC);
    int rc = sqlite3_step(a->reg_get);
    if (rc == SQLITE_ROW) {
        if (sqlite3_column_int64(a->reg_get, 0) != device_id)
            return "context.registration: this registration belongs to another headset";
        const char *actor = (const char *)sqlite3_column_text(a->reg_get, 1);
        if (actor && strcmp(actor, p->actor) != 0)
            return "actor: this registration records another learner";
        const char *named = authorize_learner(a, p);
        if (named)
            return named;
        if (!actor) {
            sqlite3_reset(a->reg_actor);
            sqlite3_bind_text(a->reg_actor, 1, p->registration, -1, SQLITE_STATIC);
            sqlite3_bind_text(a->reg_actor, 2, p->actor, -1, SQLITE_STATIC);
            *failed = *failed || sqlite3_step(a->reg_actor) != SQLITE_DONE;
        }
    } else if (rc == SQLITE_DONE) { // first use: it becomes this headset's
        const char *named = authorize_learner(a, p);
        if (named)
            return named;
        sqlite3_reset(a->reg_add);
        sqlite3_bind_text(a->reg_add, 1, p->registration, -1, SQLITE_STATIC);
        sqlite3_bind_int64(a->reg_add, 2, device_id);
        sqlite3_bind_text(a->reg_add, 3, p->actor, -1, SQLITE_STATIC);
        sqlite3_bind_int64(a->reg_add, 4, now);
        *failed = *failed || sqlite3_step(a->reg_add) != SQLITE_DONE;
    } else {
        *failed = true;
        return "the database failed";
    }
    // The learner: signed in on one headset at a time.
    sqlite3_reset(a->learner_get);
    sqlite3_bind_text(a->learner_get, 1, p->actor, -1, SQLITE_STATIC);
    if (sqlite3_step(a->learner_get) == SQLITE_ROW) {
        int64_t holder = sqlite3_column_int64(a->learner_get, 0), last = sqlite3_column_int64(a->learner_get, 1);
        bool revoked = sqlite3_column_type(a->learner_get, 2) != SQLITE_NULL;
        if (holder != device_id && !revoked && now - last < HUB_LEARNER_HOLD_NS)
            return "actor: this learner is signed in on another headset";
    }
    sqlite3_reset(a->learner_put);
    sqlite3_bind_text(a->learner_put, 1, p->actor, -1, SQLITE_STATIC);
    sqlite3_bind_int64(a->learner_put, 2, device_id);
    sqlite3_bind_int64(a->learner_put, 3, now);
    *failed = *failed || sqlite3_step(a->learner_put) != SQLITE_DONE;
    return NULL;
}

bool hub_db_store(stoa_hub *hub, size_t n, const hub_prepared *p, int64_t device_id, int64_t quota,
                  bool all_or_nothing, hub_store_result *results, const char **why)
{
    bool ok = true;
    for (size_t i = 0; i < n; i++)
        why[i] = NULL;
    pthread_mutex_lock(&hub->db_mu);
    sqlite3_stmt *sel = hub_db_prep(hub, "SELECT json FROM statements WHERE id=?1");
    sqlite3_stmt *ins = hub_db_prep(hub, "INSERT INTO statements(id,registration,device_id,stored_ns,json,voids,"
                                  "cred_id) VALUES(?1,?2,?3,?4,?5,?6,?7)");
    hub_xapi_stmts x = {0};
    bool x_ok = hub_db_xapi_prepare(hub, &x);
    authz a = {0};
    if (device_id > 0) {
        a.reg_get = hub_db_prep(hub, "SELECT device_id, actor FROM registrations WHERE registration=?1");
        a.reg_add = hub_db_prep(hub, "INSERT INTO registrations(registration,device_id,actor,created_ns) VALUES(?1,?2,?3,?4)");
        a.reg_actor = hub_db_prep(hub, "UPDATE registrations SET actor=?2 WHERE registration=?1 AND actor IS NULL");
        a.learner_get = hub_db_prep(hub, "SELECT l.device_id, l.last_ns, d.revoked_ns FROM learners l"
                                  " LEFT JOIN devices d ON d.id = l.device_id WHERE l.actor=?1");
        a.learner_put = hub_db_prep(hub, "INSERT INTO learners(actor,device_id,last_ns) VALUES(?1,?2,?3)"
                                  " ON CONFLICT(actor) DO UPDATE SET device_id=excluded.device_id,"
                                  " last_ns=excluded.last_ns");
        a.launch_get = hub_db_prep(hub, "SELECT lesson, learner_id FROM launches WHERE registration=?1");
        a.roster_has = hub_db_prep(hub, "SELECT 1 FROM roster WHERE learner_id=?1");
        sqlite3_stmt *who = hub_db_prep(hub, "SELECT learner_id FROM signins WHERE device_id=?1");
        if (who) {
            sqlite3_bind_int64(who, 1, device_id);
            if (sqlite3_step(who) == SQLITE_ROW)
                snprintf(a.signed_in, sizeof a.signed_in, "%s", (const char *)sqlite3_column_text(who, 0));
            sqlite3_finalize(who);
        }
    }
    bool prepared = sel && ins && x_ok && (device_id <= 0 || (a.reg_get && a.reg_add && a.reg_actor && a.learner_get &&
                                                      a.learner_put && a.launch_get && a.roster_has));
    if (!prepared || sqlite3_exec(hub->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
        ok = false;
        goto out;
    }
    int64_t now = hub_now_ns(), have = 0, fresh = 0;
    if (device_id > 0) {
        const void *args[] = {&device_id};
        hub_db_exec(hub, "SELECT stored FROM devices WHERE id=?1", "i", args, &have, NULL);
    }
    bool spoiled = false, failed = false;
    for (size_t i = 0; i < n; i++) {
        results[i] = existing(sel, p[i].id, p[i].canon);
        // A second copy inside the same batch is a duplicate of the first.
        for (size_t j = 0; j < i && results[i] == HUB_STORED; j++)
            if (strcmp(p[j].id, p[i].id) == 0 && results[j] != HUB_REFUSED)
                results[i] = hub_statement_same(p[j].canon, p[i].canon) ? HUB_DUPLICATE : HUB_CONFLICT;
        if (results[i] == HUB_STORE_FAILED)
            failed = true;
        if (results[i] == HUB_STORED && device_id > 0) {
            if (quota > 0 && have + fresh >= quota)
                why[i] = "quota: this headset has stored all the statements the hub allows one headset"
                         " (stoa hub --device-quota)";
            else
                why[i] = authorize(hub, &a, device_id, &p[i], now, &failed);
            if (why[i])
                results[i] = HUB_REFUSED;
            else
                fresh++;
        }
        spoiled = spoiled || results[i] == HUB_CONFLICT || results[i] == HUB_REFUSED;
    }
    for (size_t i = 0; !failed && i < n && !(all_or_nothing && spoiled); i++) {
        if (results[i] != HUB_STORED)
            continue;
        sqlite3_reset(ins);
        sqlite3_bind_text(ins, 1, p[i].id, -1, SQLITE_STATIC);
        if (p[i].registration[0])
            sqlite3_bind_text(ins, 2, p[i].registration, -1, SQLITE_STATIC);
        else
            sqlite3_bind_null(ins, 2);
        if (device_id > 0)
            sqlite3_bind_int64(ins, 3, device_id);
        else
            sqlite3_bind_null(ins, 3);
        sqlite3_bind_int64(ins, 4, now);
        // Data 2.4.7: a missing timestamp is set to the value of "stored".
        char *stamped = p[i].stamp ? hub_statement_stored_text_as(p[i].canon, "timestamp", now) : NULL;
        sqlite3_bind_text(ins, 5, stamped ? stamped : p[i].canon, -1, SQLITE_TRANSIENT);
        free(stamped);
        if (p[i].voiding)
            sqlite3_bind_text(ins, 6, p[i].ref, -1, SQLITE_STATIC);
        else
            sqlite3_bind_null(ins, 6);
        if (p[i].cred_id > 0)
            sqlite3_bind_int64(ins, 7, p[i].cred_id);
        else
            sqlite3_bind_null(ins, 7);
        failed = sqlite3_step(ins) != SQLITE_DONE || !hub_db_xapi_index(&x, sqlite3_last_insert_rowid(hub->db), &p[i]);
        // The run's row comes with its first record (once per registration in a batch).
        bool filed = false;
        for (size_t j = 0; j < i && !filed; j++)
            filed = results[j] == HUB_STORED && strcmp(p[j].registration, p[i].registration) == 0;
        if (!failed && device_id > 0 && p[i].registration[0] && !filed)
            failed = !hub_db_file_run(hub, p[i].registration, device_id, p[i].lesson, now);
    }
    if (!failed && device_id > 0 && fresh && !(all_or_nothing && spoiled)) {
        const void *args[] = {&device_id, &fresh};
        failed = !hub_db_exec(hub, "UPDATE devices SET stored = stored + ?2 WHERE id=?1", "ii", args, NULL, NULL);
    }
    if (!failed && !(all_or_nothing && spoiled)) {
        ok = sqlite3_exec(hub->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK;
    } else {
        sqlite3_exec(hub->db, "ROLLBACK", NULL, NULL, NULL);
        ok = !failed;
        for (size_t i = 0; i < n && all_or_nothing && ok; i++)
            if (results[i] == HUB_STORED)
                results[i] = HUB_NOT_STORED;
    }
    if (!ok)
        for (size_t i = 0; i < n; i++)
            results[i] = HUB_STORE_FAILED;
out:
    sqlite3_finalize(sel);
    sqlite3_finalize(ins);
    hub_db_xapi_finalize(&x);
    sqlite3_finalize(a.reg_get);
    sqlite3_finalize(a.reg_add);
    sqlite3_finalize(a.reg_actor);
    sqlite3_finalize(a.learner_get);
    sqlite3_finalize(a.learner_put);
    sqlite3_finalize(a.launch_get);
    sqlite3_finalize(a.roster_has);
    pthread_mutex_unlock(&hub->db_mu);
    return ok;
}

char *hub_db_get_statement(stoa_hub *hub, const char *id, int64_t device_id, int64_t *out_stored_ns)
{
    char *out = NULL;
    pthread_mutex_lock(&hub->db_mu);
    sqlite3_stmt *st = hub_db_prep(hub, "SELECT json, stored_ns FROM statements WHERE id=?1"
                                 " AND (?2 = 0 OR device_id = ?2)");
    if (st) {
        sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, device_id);
        if (sqlite3_step(st) == SQLITE_ROW) {
            out = strdup((const char *)sqlite3_column_text(st, 0));
            *out_stored_ns = sqlite3_column_int64(st, 1);
        }
        sqlite3_finalize(st);
    }
    pthread_mutex_unlock(&hub->db_mu);
    return out;
}

int64_t hub_db_query(stoa_hub *hub, int64_t since_ns, const char *registration, int64_t device_id,
                     int64_t after, int limit, bool ascending, hub_db_row_fn fn, void *user)
{
    int64_t last = 0;
    pthread_mutex_lock(&hub->db_mu);
    sqlite3_stmt *st = hub_db_prep(hub, ascending
        ? "SELECT seq, json, stored_ns FROM statements WHERE stored_ns > ?1"
          " AND (?2 IS NULL OR registration = ?2) AND (?5 = 0 OR device_id = ?5)"
          " AND seq > ?3 ORDER BY seq ASC LIMIT ?4"
        : "SELECT seq, json, stored_ns FROM statements WHERE stored_ns > ?1"
          " AND (?2 IS NULL OR registration = ?2) AND (?5 = 0 OR device_id = ?5)"
          " AND (?3 = 0 OR seq < ?3) ORDER BY seq DESC LIMIT ?4");
    if (st) {
        sqlite3_bind_int64(st, 1, since_ns);
        if (registration)
            sqlite3_bind_text(st, 2, registration, -1, SQLITE_STATIC);
        else
            sqlite3_bind_null(st, 2);
        sqlite3_bind_int64(st, 3, after);
        sqlite3_bind_int(st, 4, limit);
        sqlite3_bind_int64(st, 5, device_id);
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

int64_t hub_db_count(stoa_hub *hub, int64_t device_id)
{
    int64_t n = -1;
    const void *args[] = {&device_id};
    pthread_mutex_lock(&hub->db_mu);
    hub_db_exec(hub, "SELECT count(*) FROM statements WHERE ?1 = 0 OR device_id = ?1", "i", args, &n, NULL);
    pthread_mutex_unlock(&hub->db_mu);
    return n;
}

cJSON *hub_db_list_devices(stoa_hub *hub)
{
    cJSON *arr = cJSON_CreateArray();
    pthread_mutex_lock(&hub->db_mu);
    sqlite3_stmt *st = hub_db_prep(hub, "SELECT id, name, admitted, revoked_ns, used_ns, stored, joined_ns FROM devices"
                                 " WHERE removed=0 ORDER BY name, id");
    if (st) {
        while (sqlite3_step(st) == SQLITE_ROW) {
            cJSON *o = cJSON_CreateObject();
            char iso[32];
            cJSON_AddNumberToObject(o, "id", (double)sqlite3_column_int64(st, 0));
            cJSON_AddStringToObject(o, "name", (const char *)sqlite3_column_text(st, 1));
            cJSON_AddBoolToObject(o, "admitted", sqlite3_column_int(st, 2) != 0);
            cJSON_AddBoolToObject(o, "revoked", sqlite3_column_type(st, 3) != SQLITE_NULL);
            cJSON_AddBoolToObject(o, "used", sqlite3_column_type(st, 4) != SQLITE_NULL);
            cJSON_AddNumberToObject(o, "stored", (double)sqlite3_column_int64(st, 5));
            hub_format_iso(sqlite3_column_int64(st, 6), iso);
            cJSON_AddStringToObject(o, "joined", iso);
            cJSON_AddItemToArray(arr, o);
        }
        sqlite3_finalize(st);
    }
    pthread_mutex_unlock(&hub->db_mu);
    return arr;
}
