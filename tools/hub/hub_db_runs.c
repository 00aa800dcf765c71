// SPDX-License-Identifier: Apache-2.0
// Launches and runs. A launch (the teacher's "Start") is remembered in
// `launches`, one row per headset; the run's row in `runs` is made when the
// first statement of that registration is stored (hub_db_store calls
// hub_db_file_run), so a launch that never reached its headset leaves no
// run with zero records behind. A registration a headset started on its own
// becomes a run of its own, so it has a report too.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hub_internal.h"

bool hub_db_add_run(stoa_hub *hub, const char *run_id, const char *lesson, int64_t device_id,
                    const char *registration, const char *learner_id)
{
    int64_t now = hub_now_ns();
    const void *args[] = {registration, run_id, lesson, &device_id, learner_id && *learner_id ? learner_id : NULL,
                          &now};
    pthread_mutex_lock(&hub->db_mu);
    bool ok = sqlite3_exec(hub->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK;
    // The launch is remembered; its run row is made by its first record.
    ok = ok && hub_db_exec(hub, "INSERT INTO launches(registration,run,lesson,device_id,learner_id,created_ns)"
                                " VALUES(?1,?2,?3,?4,?5,?6)", "tttiti", args, NULL, NULL);
    const void *rargs[] = {registration, &device_id, &now};
    ok = ok && hub_db_exec(hub, "INSERT INTO registrations(registration,device_id,actor,created_ns) VALUES(?1,?2,NULL,?3)",
                     "tii", rargs, NULL, NULL);
    ok = ok && sqlite3_exec(hub->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK;
    if (!ok)
        sqlite3_exec(hub->db, "ROLLBACK", NULL, NULL, NULL);
    pthread_mutex_unlock(&hub->db_mu);
    return ok;
}

bool hub_db_file_run(stoa_hub *hub, const char *registration, int64_t device_id, const char *lesson, int64_t now)
{
    const void *args[] = {registration, lesson && *lesson ? lesson : "unknown", &now, &device_id};
    bool ok = hub_db_exec(hub, "INSERT OR IGNORE INTO runs(id,lesson,started_ns,device_id,registration)"
                               " SELECT run, lesson, created_ns, device_id, registration FROM launches"
                               " WHERE registration=?1", "t", args, NULL, NULL);
    // Not launched by the teacher (the headset started it): a run of its own,
    // named by its registration, so that it has a report too.
    return ok && hub_db_exec(hub, "INSERT OR IGNORE INTO runs(id,lesson,started_ns,device_id,registration)"
                                  " SELECT ?1, ?2, ?3, ?4, ?1"
                                  " WHERE NOT EXISTS (SELECT 1 FROM launches WHERE registration=?1)",
                             "ttii", args, NULL, NULL);
}

// db_mu held.
static bool claim(stoa_hub *hub, int64_t device_id, const char *registration)
{
    int64_t now = hub_now_ns(), owner = 0;
    const void *args[] = {registration, &device_id, &now};
    bool row = false;
    return hub_db_exec(hub, "INSERT OR IGNORE INTO registrations(registration,device_id,actor,created_ns)"
                      " VALUES(?1,?2,NULL,?3)", "tii", args, NULL, NULL) &&
           hub_db_exec(hub, "SELECT device_id FROM registrations WHERE registration=?1", "t", args, &owner, &row) &&
           row && owner == device_id;
}

bool hub_db_claim_registration(stoa_hub *hub, int64_t device_id, const char *registration)
{
    pthread_mutex_lock(&hub->db_mu);
    bool ok = claim(hub, device_id, registration);
    pthread_mutex_unlock(&hub->db_mu);
    return ok;
}

bool hub_db_rebind_run(stoa_hub *hub, int64_t device_id, const char *proposed, const char *used)
{
    bool ok = false, row = false, taken = false;
    int64_t owner = 0;
    pthread_mutex_lock(&hub->db_mu);
    if (sqlite3_exec(hub->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK) {
        const void *pa[] = {proposed, &device_id};
        const void *ua[] = {used};
        // Only this headset's own launch, only onto a registration that is its
        // own, and never onto one that another launch (or run) has already:
        // a registration belongs to one launch, so a headset that kept an
        // earlier launch's registration cannot file a new lesson under it.
        ok = hub_db_exec(hub, "SELECT device_id FROM launches WHERE registration=?1", "t", pa, &owner, &row) &&
             row && owner == device_id &&
             hub_db_exec(hub, "SELECT 1 FROM launches WHERE registration=?1 UNION SELECT 1 FROM runs"
                              " WHERE registration=?1", "t", ua, NULL, &taken) && !taken &&
             claim(hub, device_id, used);
        const void *args[] = {proposed, used, &device_id};
        ok = ok && hub_db_exec(hub, "UPDATE launches SET registration=?2 WHERE registration=?1 AND device_id=?3",
                         "tti", args, NULL, NULL);
        if (ok && sqlite3_exec(hub->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK)
            ok = true;
        else
            sqlite3_exec(hub->db, "ROLLBACK", NULL, NULL, NULL), ok = false;
    }
    pthread_mutex_unlock(&hub->db_mu);
    return ok;
}

cJSON *hub_db_list_runs(stoa_hub *hub, int limit)
{
    cJSON *arr = cJSON_CreateArray();
    pthread_mutex_lock(&hub->db_mu);
    sqlite3_stmt *st = hub_db_prep(hub,
        "SELECT r.id, r.lesson, min(r.started_ns), count(*),"
        " (SELECT count(*) FROM statements s WHERE s.registration IN"
        "   (SELECT registration FROM runs WHERE id = r.id))"
        // The roster's names of its learners (unit separator between them).
        ", (SELECT group_concat(ro.name, char(31)) FROM runs r2"
        "   LEFT JOIN launches l ON l.registration = r2.registration"
        "   LEFT JOIN registrations g ON g.registration = r2.registration"
        "   JOIN roster ro ON ro.learner_id = coalesce(l.learner_id, substr(g.actor, -36)) WHERE r2.id = r.id)"
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
            cJSON *names = cJSON_AddArrayToObject(o, "names");
            const char *all = (const char *)sqlite3_column_text(st, 5);
            for (const char *p = all; p && *p;) {
                size_t n = strcspn(p, "\x1f");
                char one[HUB_NAME_MAX + 1];
                snprintf(one, sizeof one, "%.*s", (int)(n < HUB_NAME_MAX ? n : HUB_NAME_MAX), p);
                cJSON_AddItemToArray(names, cJSON_CreateString(one));
                p += n + (p[n] != 0);
            }
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
    sqlite3_stmt *st = hub_db_prep(hub, "SELECT registration FROM runs WHERE id=?1");
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

bool hub_db_run_watermark(stoa_hub *hub, const char *run_id, int64_t *out_seq, int64_t *out_count)
{
    bool ok = false;
    pthread_mutex_lock(&hub->db_mu);
    sqlite3_stmt *st = hub_db_prep(hub, "SELECT coalesce(max(seq),0), count(*) FROM statements WHERE registration IN"
                                 " (SELECT registration FROM runs WHERE id=?1)");
    if (st) {
        sqlite3_bind_text(st, 1, run_id, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW) {
            *out_seq = sqlite3_column_int64(st, 0);
            *out_count = sqlite3_column_int64(st, 1);
            ok = true;
        }
        sqlite3_finalize(st);
    }
    pthread_mutex_unlock(&hub->db_mu);
    return ok;
}

