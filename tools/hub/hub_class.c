// SPDX-License-Identifier: Apache-2.0
// Class rosters and sign-in (issue 11, docs/hub.md "Named learners").
// A learner is a row of `roster` with a random UUID v4 (`learner_id`) made
// when they are added; traces carry only that id, names stay here. Several
// classes share one hub; the panel's current class (setting class_current)
// is the one the headsets' lobbies list. `signins` says which learner is on
// which headset (one headset per learner, one learner per headset).
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hub_internal.h"

#define HUB_PIN_TRIES 5                                // wrong PINs per learner ...
#define HUB_PIN_WINDOW_NS (5LL * 60 * 1000000000LL)    // ... within five minutes

bool hub_class_create(stoa_hub *hub, const char *title, char out_id[37])
{
    hub_uuid(out_id);
    int64_t now = hub_now_ns();
    const void *args[] = {out_id, title, &now};
    pthread_mutex_lock(&hub->db_mu);
    bool ok = hub_db_exec(hub, "INSERT INTO classes(id,title,created_ns) VALUES(?1,?2,?3)", "tti", args, NULL, NULL);
    pthread_mutex_unlock(&hub->db_mu);
    return ok;
}

bool hub_class_exists(stoa_hub *hub, const char *class_id)
{
    bool row = false;
    const void *args[] = {class_id};
    pthread_mutex_lock(&hub->db_mu);
    hub_db_exec(hub, "SELECT 1 FROM classes WHERE id=?1", "t", args, NULL, &row);
    pthread_mutex_unlock(&hub->db_mu);
    return row;
}

cJSON *hub_class_list(stoa_hub *hub)
{
    cJSON *arr = cJSON_CreateArray();
    pthread_mutex_lock(&hub->db_mu);
    sqlite3_stmt *st = hub_db_prep(hub, "SELECT c.id, c.title, c.archived, (SELECT count(*) FROM roster r"
                                        " WHERE r.class_id = c.id AND r.archived = 0) FROM classes c"
                                        " ORDER BY c.archived, c.title");
    while (st && sqlite3_step(st) == SQLITE_ROW) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "id", (const char *)sqlite3_column_text(st, 0));
        cJSON_AddStringToObject(o, "title", (const char *)sqlite3_column_text(st, 1));
        cJSON_AddBoolToObject(o, "archived", sqlite3_column_int(st, 2) != 0);
        cJSON_AddNumberToObject(o, "learners", sqlite3_column_int(st, 3));
        cJSON_AddItemToArray(arr, o);
    }
    sqlite3_finalize(st);
    pthread_mutex_unlock(&hub->db_mu);
    return arr;
}

cJSON *hub_class_learners(stoa_hub *hub, const char *class_id, bool archived_too)
{
    cJSON *arr = cJSON_CreateArray();
    pthread_mutex_lock(&hub->db_mu);
    sqlite3_stmt *st = hub_db_prep(hub, "SELECT r.learner_id, r.name, r.number, r.pin_hash IS NOT NULL, r.archived,"
                                        " s.device_id FROM roster r LEFT JOIN signins s ON s.learner_id = r.learner_id"
                                        " WHERE r.class_id=?1 AND (?2 OR r.archived = 0)"
                                        " ORDER BY r.archived, r.number, r.name");
    if (st) {
        sqlite3_bind_text(st, 1, class_id, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 2, archived_too);
    }
    while (st && sqlite3_step(st) == SQLITE_ROW) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "learner_id", (const char *)sqlite3_column_text(st, 0));
        cJSON_AddStringToObject(o, "name", (const char *)sqlite3_column_text(st, 1));
        cJSON_AddStringToObject(o, "number", (const char *)sqlite3_column_text(st, 2));
        cJSON_AddBoolToObject(o, "pin", sqlite3_column_int(st, 3) != 0);
        cJSON_AddBoolToObject(o, "archived", sqlite3_column_int(st, 4) != 0);
        if (sqlite3_column_type(st, 5) != SQLITE_NULL)
            cJSON_AddNumberToObject(o, "device", (double)sqlite3_column_int64(st, 5));
        cJSON_AddItemToArray(arr, o);
    }
    sqlite3_finalize(st);
    pthread_mutex_unlock(&hub->db_mu);
    return arr;
}

// A 4-digit PIN, or "" for none. Hashed with libsodium's Argon2id at its
// smallest cost: 10^4 PINs are no secret against an offline search anyway;
// what protects them is the hub's limit on attempts (HUB_PIN_TRIES).
bool hub_class_pin_ok(const char *pin)
{
    if (!pin || !*pin)
        return true;
    if (strlen(pin) != 4)
        return false;
    for (int i = 0; i < 4; i++)
        if (pin[i] < '0' || pin[i] > '9')
            return false;
    return true;
}

static bool pin_hash(const char *pin, char out[crypto_pwhash_STRBYTES])
{
    return crypto_pwhash_str_alg(out, pin, strlen(pin), crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN,
                                 crypto_pwhash_ALG_ARGON2ID13) == 0;
}

bool hub_class_add_learner(stoa_hub *hub, const char *class_id, const char *name, const char *number,
                           const char *pin, char out_id[37])
{
    char hash[crypto_pwhash_STRBYTES] = "";
    if (pin && *pin && !pin_hash(pin, hash))
        return false;
    hub_uuid(out_id);
    int64_t now = hub_now_ns();
    const void *args[] = {out_id, class_id, name, number ? number : "", hash[0] ? hash : NULL, &now};
    pthread_mutex_lock(&hub->db_mu);
    bool ok = hub_db_exec(hub, "INSERT INTO roster(learner_id,class_id,name,number,pin_hash,created_ns)"
                               " VALUES(?1,?2,?3,?4,?5,?6)", "ttttti", args, NULL, NULL);
    pthread_mutex_unlock(&hub->db_mu);
    return ok;
}

bool hub_class_edit_learner(stoa_hub *hub, const char *learner_id, const char *name, const char *number,
                            const char *pin, int archived)
{
    char hash[crypto_pwhash_STRBYTES] = "";
    if (pin && *pin && !pin_hash(pin, hash))
        return false;
    int64_t arch = archived, pin_mode = !pin ? 0 : *pin ? 1 : 2; // keep, set, remove
    const void *args[] = {learner_id, name, number, hash, &pin_mode, &arch};
    pthread_mutex_lock(&hub->db_mu);
    bool ok = hub_db_exec(hub, "UPDATE roster SET name=coalesce(?2,name), number=coalesce(?3,number),"
                               " pin_hash=CASE ?5 WHEN 0 THEN pin_hash WHEN 1 THEN ?4 ELSE NULL END,"
                               " archived=CASE WHEN ?6 < 0 THEN archived ELSE ?6 END WHERE learner_id=?1",
                          "ttttii", args, NULL, NULL) && sqlite3_changes(hub->db) == 1;
    if (ok && archived > 0) // an archived learner is signed out everywhere
        hub_db_exec(hub, "DELETE FROM signins WHERE learner_id=?1", "t", args, NULL, NULL);
    pthread_mutex_unlock(&hub->db_mu);
    return ok;
}

bool hub_class_name(stoa_hub *hub, const char *learner_id, char *name, size_t name_size, char *number,
                    size_t number_size)
{
    bool found = false;
    pthread_mutex_lock(&hub->db_mu);
    sqlite3_stmt *st = hub_db_prep(hub, "SELECT name, number FROM roster WHERE learner_id=?1");
    if (st) {
        sqlite3_bind_text(st, 1, learner_id, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW) {
            found = true;
            if (name)
                snprintf(name, name_size, "%s", (const char *)sqlite3_column_text(st, 0));
            if (number)
                snprintf(number, number_size, "%s", (const char *)sqlite3_column_text(st, 1));
        }
        sqlite3_finalize(st);
    }
    pthread_mutex_unlock(&hub->db_mu);
    return found;
}

bool hub_class_signed_in(stoa_hub *hub, int64_t device_id, char out_learner[40])
{
    bool row = false;
    out_learner[0] = 0;
    pthread_mutex_lock(&hub->db_mu);
    sqlite3_stmt *st = hub_db_prep(hub, "SELECT learner_id FROM signins WHERE device_id=?1");
    if (st) {
        sqlite3_bind_int64(st, 1, device_id);
        if ((row = sqlite3_step(st) == SQLITE_ROW))
            snprintf(out_learner, 40, "%s", (const char *)sqlite3_column_text(st, 0));
        sqlite3_finalize(st);
    }
    pthread_mutex_unlock(&hub->db_mu);
    return row;
}

// Wrong PINs per learner in this window (mu held).
static hub_pin_try *pin_try(stoa_hub *hub, const char *learner_id)
{
    int64_t now = hub_mono_ns();
    hub_pin_try *free_slot = NULL;
    for (int i = 0; i < HUB_PIN_SLOTS; i++) {
        hub_pin_try *t = &hub->pin_tries[i];
        if (t->learner[0] && now - t->since_ns > HUB_PIN_WINDOW_NS)
            t->learner[0] = 0;
        if (strcmp(t->learner, learner_id) == 0)
            return t;
        if (!t->learner[0] && !free_slot)
            free_slot = t;
    }
    if (!free_slot) // full: the oldest window makes room
        for (int i = 0; i < HUB_PIN_SLOTS; i++)
            if (!free_slot || hub->pin_tries[i].since_ns < free_slot->since_ns)
                free_slot = &hub->pin_tries[i];
    snprintf(free_slot->learner, sizeof free_slot->learner, "%s", learner_id);
    free_slot->count = 0;
    free_slot->since_ns = now;
    return free_slot;
}

hub_signin_result hub_class_sign_in(stoa_hub *hub, int64_t device_id, const char *learner_id, const char *pin,
                                    bool by_teacher)
{
    char cls[40] = "", hash[crypto_pwhash_STRBYTES] = "";
    bool row = false, archived = true;
    int64_t holder = 0;
    pthread_mutex_lock(&hub->db_mu);
    sqlite3_stmt *st = hub_db_prep(hub, "SELECT class_id, pin_hash, archived, (SELECT device_id FROM signins s"
                                        " WHERE s.learner_id = r.learner_id) FROM roster r WHERE learner_id=?1");
    if (st) {
        sqlite3_bind_text(st, 1, learner_id, -1, SQLITE_STATIC);
        if ((row = sqlite3_step(st) == SQLITE_ROW)) {
            snprintf(cls, sizeof cls, "%s", (const char *)sqlite3_column_text(st, 0));
            if (sqlite3_column_type(st, 1) != SQLITE_NULL)
                snprintf(hash, sizeof hash, "%s", (const char *)sqlite3_column_text(st, 1));
            archived = sqlite3_column_int(st, 2) != 0;
            holder = sqlite3_column_int64(st, 3);
        }
        sqlite3_finalize(st);
    }
    pthread_mutex_unlock(&hub->db_mu);
    if (!row || archived)
        return HUB_SIGNIN_UNKNOWN;
    if (!by_teacher) {
        char *current = hub_db_get_setting(hub, "class_current");
        bool listed = current && strcmp(current, cls) == 0;
        free(current);
        if (!listed)
            return HUB_SIGNIN_UNKNOWN;
        // A learner on another headset that is still connected stays there;
        // the teacher can move them (by_teacher).
        pthread_mutex_lock(&hub->mu);
        hub_device *d = holder && holder != device_id ? hub_roster_find(hub, holder) : NULL;
        bool elsewhere = d && d->conn;
        hub_pin_try *t = hash[0] ? pin_try(hub, learner_id) : NULL;
        bool locked = t && t->count >= HUB_PIN_TRIES;
        pthread_mutex_unlock(&hub->mu);
        if (elsewhere)
            return HUB_SIGNIN_ELSEWHERE;
        if (locked)
            return HUB_SIGNIN_TOO_MANY;
        if (hash[0] && (!pin || crypto_pwhash_str_verify(hash, pin, strlen(pin)) != 0)) {
            pthread_mutex_lock(&hub->mu);
            pin_try(hub, learner_id)->count++;
            pthread_mutex_unlock(&hub->mu);
            return HUB_SIGNIN_BAD_PIN;
        }
    }
    int64_t now = hub_now_ns();
    const void *args[] = {&device_id, learner_id, &now};
    pthread_mutex_lock(&hub->db_mu);
    bool ok = sqlite3_exec(hub->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK;
    ok = ok && hub_db_exec(hub, "DELETE FROM signins WHERE device_id=?1 OR learner_id=?2", "it", args, NULL, NULL);
    ok = ok && hub_db_exec(hub, "INSERT INTO signins(device_id,learner_id,since_ns) VALUES(?1,?2,?3)", "iti", args,
                           NULL, NULL);
    // A learner signed in here is this headset's from now on: the hold of the
    // headset they wrote on before (HUB_LEARNER_HOLD_NS) passes to this one.
    ok = ok && hub_db_exec(hub, "UPDATE learners SET device_id=?1, last_ns=?3 WHERE substr(actor, -37) = ' ' || ?2",
                           "iti", args, NULL, NULL);
    ok = ok && sqlite3_exec(hub->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK;
    if (!ok)
        sqlite3_exec(hub->db, "ROLLBACK", NULL, NULL, NULL);
    pthread_mutex_unlock(&hub->db_mu);
    return ok ? HUB_SIGNIN_OK : HUB_SIGNIN_FAILED;
}

int64_t hub_class_sign_out(stoa_hub *hub, int64_t device_id, const char *learner_id)
{
    int64_t was = 0;
    bool row = false;
    const void *args[] = {&device_id, learner_id};
    pthread_mutex_lock(&hub->db_mu);
    if (learner_id)
        hub_db_exec(hub, "SELECT device_id FROM signins WHERE learner_id=?2", "it", args, &was, &row);
    else
        was = device_id, row = true;
    hub_db_exec(hub, "DELETE FROM signins WHERE device_id=?1 OR learner_id=?2", "it", args, NULL, NULL);
    pthread_mutex_unlock(&hub->db_mu);
    return row ? was : 0;
}

const char *hub_signin_why(hub_signin_result r)
{
    switch (r) {
    case HUB_SIGNIN_BAD_PIN: return "bad_pin";
    case HUB_SIGNIN_ELSEWHERE: return "signed_in_elsewhere";
    case HUB_SIGNIN_TOO_MANY: return "too_many_attempts";
    case HUB_SIGNIN_FAILED: return "failed";
    default: return "unknown_learner";
    }
}

cJSON *hub_class_run_names(stoa_hub *hub, const char *run_id)
{
    cJSON *o = cJSON_CreateObject();
    pthread_mutex_lock(&hub->db_mu);
    sqlite3_stmt *st = hub_db_prep(hub,
        "SELECT learner_id, name FROM roster WHERE learner_id IN (SELECT substr(g.actor, -36) FROM registrations g"
        " WHERE g.registration IN (SELECT registration FROM runs WHERE id=?1))"
        " OR learner_id IN (SELECT learner_id FROM launches WHERE run=?1)");
    if (st)
        sqlite3_bind_text(st, 1, run_id, -1, SQLITE_STATIC);
    while (st && sqlite3_step(st) == SQLITE_ROW)
        cJSON_AddStringToObject(o, (const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1));
    sqlite3_finalize(st);
    pthread_mutex_unlock(&hub->db_mu);
    return o;
}

cJSON *hub_class_names(stoa_hub *hub)
{
    cJSON *o = cJSON_CreateObject();
    pthread_mutex_lock(&hub->db_mu);
    sqlite3_stmt *st = hub_db_prep(hub, "SELECT learner_id, name FROM roster");
    while (st && sqlite3_step(st) == SQLITE_ROW)
        cJSON_AddStringToObject(o, (const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1));
    sqlite3_finalize(st);
    pthread_mutex_unlock(&hub->db_mu);
    return o;
}
