// SPDX-License-Identifier: Apache-2.0
// xAPI credentials the instructor makes in the panel (docs/lrs.md): HTTP
// Basic key:secret pairs, each named and scoped — read, write, and "mine"
// (reads only the statements it stored itself) — and revocable. The
// secret is shown once and kept only as its SHA-256 (it is 128 random
// bits: nothing to guess, so a fast hash is enough). A statement stored
// with one gets it as its authority (xAPI Data 2.4.9).
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "hub_internal.h"
#include "hub_lrs.h"

#define CRED_MAX 64 // credentials kept (revoked ones included)

bool hub_xapi_cred_check(stoa_hub *hub, const char *key, const char *secret, hub_xapi_cred *out)
{
    memset(out, 0, sizeof *out);
    if (strncmp(key, "lrs-", 4) != 0 || strlen(key) > 40)
        return false;
    char hash[65];
    hub_sha256_hex(secret, strlen(secret), hash);
    bool found = false;
    pthread_mutex_lock(&hub->db_mu);
    sqlite3_stmt *st = hub_db_prep(hub, "SELECT id, name, secret_hash, scope FROM xapi_credentials"
                                        " WHERE key=?1 AND revoked_ns IS NULL");
    if (st) {
        sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW) {
            const char *h = (const char *)sqlite3_column_text(st, 2);
            found = h && strlen(h) == 64 && sodium_memcmp(h, hash, 64) == 0;
            if (found) {
                out->id = sqlite3_column_int64(st, 0);
                snprintf(out->name, sizeof out->name, "%s", (const char *)sqlite3_column_text(st, 1));
                snprintf(out->key, sizeof out->key, "%s", key);
                const char *scope = (const char *)sqlite3_column_text(st, 3);
                out->read = strstr(scope, "read") != NULL;
                out->write = strstr(scope, "write") != NULL;
                out->mine = strstr(scope, "mine") != NULL;
            }
        }
        sqlite3_finalize(st);
    }
    pthread_mutex_unlock(&hub->db_mu);
    sodium_memzero(hash, sizeof hash);
    return found;
}

cJSON *hub_xapi_cred_authority(stoa_hub *hub, const hub_xapi_cred *cred)
{
    cJSON *a = cJSON_CreateObject(), *acc = cJSON_CreateObject();
    cJSON_AddStringToObject(a, "objectType", "Agent");
    cJSON_AddStringToObject(a, "name", cred->name);
    cJSON_AddStringToObject(acc, "homePage", hub->url[0] ? hub->url : "http://localhost/");
    cJSON_AddStringToObject(acc, "name", cred->key);
    cJSON_AddItemToObject(a, "account", acc);
    return a;
}

static void list(stoa_hub *hub, hub_req *c)
{
    cJSON *o = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(o, "credentials");
    pthread_mutex_lock(&hub->db_mu);
    sqlite3_stmt *st = hub_db_prep(hub, "SELECT id, name, key, scope, created_ns, revoked_ns IS NOT NULL,"
                                        " (SELECT count(*) FROM statements s WHERE s.cred_id = c.id)"
                                        " FROM xapi_credentials c ORDER BY id");
    while (st && sqlite3_step(st) == SQLITE_ROW) {
        cJSON *e = cJSON_CreateObject();
        char iso[32];
        cJSON_AddNumberToObject(e, "id", (double)sqlite3_column_int64(st, 0));
        cJSON_AddStringToObject(e, "name", (const char *)sqlite3_column_text(st, 1));
        cJSON_AddStringToObject(e, "key", (const char *)sqlite3_column_text(st, 2));
        cJSON_AddStringToObject(e, "scope", (const char *)sqlite3_column_text(st, 3));
        hub_format_iso(sqlite3_column_int64(st, 4), iso);
        cJSON_AddStringToObject(e, "created", iso);
        cJSON_AddBoolToObject(e, "revoked", sqlite3_column_int(st, 5) != 0);
        cJSON_AddNumberToObject(e, "stored", (double)sqlite3_column_int64(st, 6));
        cJSON_AddItemToArray(arr, e);
    }
    sqlite3_finalize(st);
    pthread_mutex_unlock(&hub->db_mu);
    hub_send_json(c, 200, o, NULL);
    cJSON_Delete(o);
}

static void create(stoa_hub *hub, hub_req *c)
{
    cJSON *j = hub_read_json(c, HUB_MAX_SMALL_BODY);
    if (!j)
        return;
    char name[HUB_NAME_MAX + 1];
    const char *given = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "name"));
    hub_clean_name(given ? given : "", name);
    bool rd = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "read"));
    bool wr = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "write"));
    bool mine = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "mine"));
    cJSON_Delete(j);
    if (!name[0] || (!rd && !wr)) {
        hub_send_error(c, 400, !name[0] ? "name: missing" : "read/write: give at least one");
        return;
    }
    char scope[32], key[40], secret[40], hash[65];
    snprintf(scope, sizeof scope, "%s%s%s", rd ? "read " : "", wr ? "write " : "", mine ? "mine" : "");
    char rnd[17];
    hub_random_hex(rnd, 8);
    snprintf(key, sizeof key, "lrs-%s", rnd);
    hub_random_hex(secret, 16);
    hub_sha256_hex(secret, strlen(secret), hash);
    int64_t now = hub_now_ns(), count = 0;
    const void *args[] = {name, key, hash, scope, &now};
    pthread_mutex_lock(&hub->db_mu);
    hub_db_exec(hub, "SELECT count(*) FROM xapi_credentials", "", NULL, &count, NULL);
    bool ok = count < CRED_MAX &&
              hub_db_exec(hub, "INSERT INTO xapi_credentials(name,key,secret_hash,scope,created_ns)"
                               " VALUES(?1,?2,?3,?4,?5)", "tttti", args, NULL, NULL);
    pthread_mutex_unlock(&hub->db_mu);
    if (!ok) {
        hub_send_error(c, count >= CRED_MAX ? 409 : 500,
                       count >= CRED_MAX ? "too many credentials (revoked ones count)" : "cannot store");
        return;
    }
    fprintf(stderr, "stoa hub: xAPI credential \"%s\" (%s) made from the panel\n", name, scope);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "key", key);
    cJSON_AddStringToObject(o, "secret", secret); // shown once, never again
    cJSON_AddStringToObject(o, "scope", scope);
    hub_send_json(c, 200, o, NULL);
    cJSON_Delete(o);
    sodium_memzero(secret, sizeof secret);
}

void hub_api_xapi_credentials(stoa_hub *hub, hub_req *c)
{
    if (hub_require_instructor(hub, c, false))
        list(hub, c);
}

void hub_api_xapi_credential_new(stoa_hub *hub, hub_req *c)
{
    if (hub_require_instructor(hub, c, true))
        create(hub, c);
}

void hub_api_xapi_credential_revoke(stoa_hub *hub, hub_req *c)
{
    if (!hub_require_instructor(hub, c, true))
        return;
    cJSON *j = hub_read_json(c, HUB_MAX_SMALL_BODY);
    if (!j)
        return;
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(j, "id");
    int64_t v = cJSON_IsNumber(id) ? (int64_t)id->valuedouble : 0, now = hub_now_ns();
    cJSON_Delete(j);
    const void *args[] = {&v, &now};
    bool found = false;
    pthread_mutex_lock(&hub->db_mu);
    bool ok = hub_db_exec(hub, "UPDATE xapi_credentials SET revoked_ns=?2 WHERE id=?1 AND revoked_ns IS NULL"
                               " RETURNING id", "ii", args, NULL, &found);
    pthread_mutex_unlock(&hub->db_mu);
    if (!ok || !found) {
        hub_send_error(c, ok ? 404 : 500, ok ? "no such credential (or revoked already)" : "cannot store");
        return;
    }
    hub_send_text(c, 200, "application/json", "{\"revoked\":true}", 16, NULL);
}
