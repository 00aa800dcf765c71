// SPDX-License-Identifier: Apache-2.0
// The LRS's own tables (hub_lrs_doc.h). Documents are addressed by kind,
// activity, agent (its Inverse Functional Identifier as one string),
// registration and id, with "" for the parts a kind has not, so that one
// primary key serves all three resources and every list is a key prefix.
// A precondition (If-Match / If-None-Match) is checked in the transaction
// that writes, so two clients racing with the same ETag cannot both win.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <sodium.h>

#include "hub_lrs_doc.h"

// Only new tables: a database made by an older hub gains them and nothing
// else changes (CREATE ... IF NOT EXISTS is the whole migration).
static const char k_lrs_schema[] =
    "CREATE TABLE IF NOT EXISTS lrs_documents(kind INTEGER NOT NULL, activity TEXT NOT NULL,"
    "  agent TEXT NOT NULL, registration TEXT NOT NULL, doc_id TEXT NOT NULL, content_type TEXT "
    "NOT NULL,"
    "  content BLOB NOT NULL, etag TEXT NOT NULL, updated_ns INTEGER NOT NULL,"
    "  PRIMARY KEY(kind, activity, agent, registration, doc_id));"
    // Activities and agents as statements describe them (hub_lrs_about.c's fold).
    "CREATE TABLE IF NOT EXISTS lrs_activities(id TEXT PRIMARY KEY, definition TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS lrs_agent_names(agent TEXT NOT NULL, name TEXT NOT NULL, seq "
    "INTEGER NOT NULL,"
    "  PRIMARY KEY(agent, name));";

stoa_result hub_lrs_db_open(stoa_hub *hub, stoa_error *err)
{
    char *msg = NULL;
    pthread_mutex_lock(&hub->db_mu);
    bool ok = sqlite3_exec(hub->db, k_lrs_schema, NULL, NULL, &msg) == SQLITE_OK;
    pthread_mutex_unlock(&hub->db_mu);
    if (!ok)
        stoa_error_set(err, STOA_ERROR_IO, "%s/hub.sqlite: the LRS tables: %s", hub->data_dir,
                       msg ? msg : "failed");
    sqlite3_free(msg);
    return ok ? STOA_OK : STOA_ERROR_IO;
}

void hub_lrs_sha1_hex(const void *data, size_t len, char out[41])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int ml = 0;
    out[0] = 0;
    if (EVP_Digest(data, len, md, &ml, EVP_sha1(), NULL) != 1 || ml != 20)
        return;
    for (unsigned i = 0; i < 20; i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
}

static void bind_addr(sqlite3_stmt *st, const hub_lrs_addr *a)
{
    sqlite3_bind_int(st, 1, (int)a->kind);
    sqlite3_bind_text(st, 2, a->activity ? a->activity : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, a->agent ? a->agent : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, a->registration ? a->registration : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, a->id ? a->id : "", -1, SQLITE_STATIC);
}

#define WHERE_ONE " WHERE kind=?1 AND activity=?2 AND agent=?3 AND registration=?4 AND doc_id=?5"

// db_mu held. 1 found (etag copied), 0 none, -1 failed.
static int current_etag(stoa_hub *hub, const hub_lrs_addr *a, char etag[41])
{
    sqlite3_stmt *st = hub_db_prep(hub, "SELECT etag FROM lrs_documents" WHERE_ONE);
    if (!st)
        return -1;
    bind_addr(st, a);
    int rc = sqlite3_step(st), found = rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
    if (found == 1)
        snprintf(etag, 41, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return found;
}

int hub_lrs_doc_get(stoa_hub *hub, const hub_lrs_addr *a, hub_lrs_doc *out)
{
    memset(out, 0, sizeof *out);
    pthread_mutex_lock(&hub->db_mu);
    sqlite3_stmt *st = hub_db_prep(
        hub, "SELECT content, content_type, etag, updated_ns FROM lrs_documents" WHERE_ONE);
    int found = -1;
    if (st) {
        bind_addr(st, a);
        int rc = sqlite3_step(st);
        found = rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
        if (found == 1) {
            out->len = (size_t)sqlite3_column_bytes(st, 0);
            out->content = malloc(out->len + 1);
            if (out->content) {
                if (out->len)
                    memcpy(out->content, sqlite3_column_blob(st, 0), out->len);
                out->content[out->len] = 0;
                snprintf(out->type, sizeof out->type, "%s",
                         (const char *)sqlite3_column_text(st, 1));
                snprintf(out->etag, sizeof out->etag, "%s",
                         (const char *)sqlite3_column_text(st, 2));
                out->updated_ns = sqlite3_column_int64(st, 3);
            } else {
                found = -1;
            }
        }
        sqlite3_finalize(st);
    }
    pthread_mutex_unlock(&hub->db_mu);
    return found;
}

void hub_lrs_doc_free(hub_lrs_doc *d)
{
    free(d->content);
    d->content = NULL;
}

// db_mu held, in a transaction: does the stored document meet expect_etag?
static int precondition(stoa_hub *hub, const hub_lrs_addr *a, const char *expect_etag)
{
    if (!expect_etag)
        return 1;
    char etag[41] = "";
    int found = current_etag(hub, a, etag);
    if (found < 0)
        return -1;
    return expect_etag[0] ? found == 1 && strcmp(etag, expect_etag) == 0 : found == 0;
}

static int finish(stoa_hub *hub, int rc)
{
    if (rc == 1 && sqlite3_exec(hub->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        rc = -1;
    if (rc != 1)
        sqlite3_exec(hub->db, "ROLLBACK", NULL, NULL, NULL);
    pthread_mutex_unlock(&hub->db_mu);
    return rc;
}

int hub_lrs_doc_put(stoa_hub *hub, const hub_lrs_addr *a, const char *expect_etag, const char *type,
                    const void *content, size_t len)
{
    char etag[41];
    hub_lrs_sha1_hex(content, len, etag);
    pthread_mutex_lock(&hub->db_mu);
    if (sqlite3_exec(hub->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
        pthread_mutex_unlock(&hub->db_mu);
        return -1;
    }
    int rc = precondition(hub, a, expect_etag);
    if (rc == 1) {
        sqlite3_stmt *st =
            hub_db_prep(hub, "INSERT OR REPLACE INTO lrs_documents(kind, activity, agent,"
                             " registration, doc_id, content_type, content, etag, updated_ns)"
                             " VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9)");
        if (st) {
            bind_addr(st, a);
            sqlite3_bind_text(st, 6, type, -1, SQLITE_STATIC);
            sqlite3_bind_blob(st, 7, len ? content : "", (int)len, SQLITE_STATIC);
            sqlite3_bind_text(st, 8, etag, -1, SQLITE_STATIC);
            sqlite3_bind_int64(st, 9, hub_now_ns());
            rc = sqlite3_step(st) == SQLITE_DONE ? 1 : -1;
            sqlite3_finalize(st);
        } else {
            rc = -1;
        }
    }
    return finish(hub, rc);
}

int hub_lrs_doc_delete(stoa_hub *hub, const hub_lrs_addr *a, const char *expect_etag)
{
    pthread_mutex_lock(&hub->db_mu);
    if (sqlite3_exec(hub->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
        pthread_mutex_unlock(&hub->db_mu);
        return -1;
    }
    int rc = a->id ? precondition(hub, a, expect_etag) : 1;
    if (rc == 1) {
        sqlite3_stmt *st = hub_db_prep(
            hub, a->id ? "DELETE FROM lrs_documents" WHERE_ONE
                 : a->registration
                     ? "DELETE FROM lrs_documents WHERE kind=?1 AND activity=?2 AND agent=?3"
                       " AND registration=?4"
                     : "DELETE FROM lrs_documents WHERE kind=?1 AND activity=?2 AND agent=?3"
                       " AND ?4 = ''");
        if (st) {
            bind_addr(st, a);
            rc = sqlite3_step(st) == SQLITE_DONE ? 1 : -1;
            sqlite3_finalize(st);
        } else {
            rc = -1;
        }
    }
    return finish(hub, rc);
}

cJSON *hub_lrs_doc_ids(stoa_hub *hub, const hub_lrs_addr *a, int64_t since_ns, int64_t *out_latest)
{
    *out_latest = 0;
    cJSON *ids = cJSON_CreateArray();
    bool ok = ids != NULL;
    pthread_mutex_lock(&hub->db_mu);
    // Without a registration, a State list covers every registration (each id once).
    sqlite3_stmt *st = hub_db_prep(hub, "SELECT doc_id, max(updated_ns) FROM lrs_documents"
                                        " WHERE kind=?1 AND activity=?2 AND agent=?3"
                                        " AND (?4 = '' OR registration=?4) AND updated_ns > ?6"
                                        " GROUP BY doc_id ORDER BY doc_id LIMIT ?7");
    if (st && ok) {
        bind_addr(st, a);
        sqlite3_bind_int64(st, 6, since_ns);
        sqlite3_bind_int(st, 7, HUB_LRS_IDS_MAX);
        int rc;
        while (ok && (rc = sqlite3_step(st)) == SQLITE_ROW) {
            cJSON *s = cJSON_CreateString((const char *)sqlite3_column_text(st, 0));
            ok = s && cJSON_AddItemToArray(ids, s);
            if (sqlite3_column_int64(st, 1) > *out_latest)
                *out_latest = sqlite3_column_int64(st, 1);
        }
        ok = ok && rc == SQLITE_DONE;
    } else {
        ok = false;
    }
    sqlite3_finalize(st);
    pthread_mutex_unlock(&hub->db_mu);
    if (!ok) {
        cJSON_Delete(ids);
        return NULL;
    }
    return ids;
}

void hub_lrs_export_documents(stoa_hub *hub, const char *learner_id, cJSON *into)
{
    static const char *const kinds[] = {"", "state", "activity profile", "agent profile"};
    sqlite3_stmt *st =
        into ? hub_db_prep(hub,
                           "SELECT kind, activity, registration, doc_id, content_type, content,"
                           " updated_ns FROM lrs_documents WHERE substr(agent, 1, 8) = 'account '"
                           " AND substr(agent, -37) = ' ' || ?1 ORDER BY kind, activity, doc_id")
             : NULL;
    if (st)
        sqlite3_bind_text(st, 1, learner_id, -1, SQLITE_STATIC);
    while (st && sqlite3_step(st) == SQLITE_ROW) {
        int kind = sqlite3_column_int(st, 0);
        const char *content = sqlite3_column_blob(st, 5);
        size_t len = (size_t)sqlite3_column_bytes(st, 5);
        char iso[32];
        hub_format_iso(sqlite3_column_int64(st, 6), iso);
        cJSON *d = cJSON_CreateObject();
        cJSON_AddStringToObject(d, "resource", kinds[kind >= 1 && kind <= 3 ? kind : 0]);
        if (kind != HUB_LRS_AGENT_PROFILE)
            cJSON_AddStringToObject(d, "activityId", (const char *)sqlite3_column_text(st, 1));
        if (*(const char *)sqlite3_column_text(st, 2))
            cJSON_AddStringToObject(d, "registration", (const char *)sqlite3_column_text(st, 2));
        cJSON_AddStringToObject(d, "id", (const char *)sqlite3_column_text(st, 3));
        cJSON_AddStringToObject(d, "contentType", (const char *)sqlite3_column_text(st, 4));
        cJSON_AddStringToObject(d, "updated", iso);
        // Text as text; anything else (or text with a NUL) as base64.
        char *copy = malloc(len + 1);
        bool text = copy && (!len || (hub_utf8_valid(content, len) && !memchr(content, 0, len)));
        if (copy && text) {
            memcpy(copy, content ? content : "", len);
            copy[len] = 0;
            cJSON_AddStringToObject(d, "content", copy);
        } else if (copy) {
            size_t b64 = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_ORIGINAL);
            char *e = malloc(b64);
            if (e) {
                sodium_bin2base64(e, b64, (const unsigned char *)content, len,
                                  sodium_base64_VARIANT_ORIGINAL);
                cJSON_AddStringToObject(d, "contentBase64", e);
            }
            free(e);
        }
        free(copy);
        cJSON_AddItemToArray(into, d);
    }
    sqlite3_finalize(st);
}
