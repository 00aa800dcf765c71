// SPDX-License-Identifier: Apache-2.0
// The xAPI 1.0.3 Statements resource (/xapi/statements): POST, PUT, GET by
// statementId and by since/registration, so that tools speaking xAPI can
// read the class's statements. A statement is stored once, by its UUID.
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hub_internal.h"

#define XAPI_HEADERS "X-Experience-API-Version: 1.0.3\r\n"
#define XAPI_MAX_BATCH 1000

static void xapi_error(struct mg_connection *c, int status, const char *message)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "error", message);
    hub_send_json(c, status, o, XAPI_HEADERS);
    cJSON_Delete(o);
}

// Stores one statement or an array; all or nothing. Answers itself.
// put_id: the statementId of a PUT (NULL for POST).
static void store(stoa_hub *hub, struct mg_connection *c, cJSON *body, const char *put_id)
{
    bool array = cJSON_IsArray(body);
    size_t n = array ? (size_t)cJSON_GetArraySize(body) : 1;
    if (n == 0 || n > XAPI_MAX_BATCH || (put_id && array)) {
        xapi_error(c, 400, put_id ? "PUT takes one statement" : "between 1 and 1000 statements");
        return;
    }
    hub_prepared *p = calloc(n, sizeof *p);
    const char **ids = calloc(n, sizeof *ids), **canon = calloc(n, sizeof *canon);
    const char **regs = calloc(n, sizeof *regs);
    hub_store_result *res = calloc(n, sizeof *res);
    size_t ready = 0;
    char why[400] = "out of memory";
    if (p && ids && canon && regs && res) {
        for (; ready < n; ready++) {
            cJSON *st = array ? cJSON_GetArrayItem(body, (int)ready) : body;
            if (put_id && cJSON_IsObject(st) && !cJSON_GetObjectItemCaseSensitive(st, "id"))
                cJSON_AddStringToObject(st, "id", put_id);
            if (!hub_statement_prepare(st, !put_id, &p[ready], why, sizeof why))
                break;
            if (put_id && strcasecmp(p[ready].id, put_id) != 0) {
                snprintf(why, sizeof why, "id: differs from statementId");
                free(p[ready].canon);
                break;
            }
            ids[ready] = p[ready].id;
            canon[ready] = p[ready].canon;
            regs[ready] = p[ready].registration[0] ? p[ready].registration : NULL;
        }
    }
    if (ready < n) {
        char msg[460];
        snprintf(msg, sizeof msg, "statement %zu: %s", ready, why);
        xapi_error(c, 400, msg);
    } else if (!hub_db_store(hub, n, ids, canon, regs, 0, true, res)) {
        xapi_error(c, 503, "the database failed; try again");
    } else {
        size_t conflicts = 0;
        for (size_t i = 0; i < n; i++)
            conflicts += res[i] == HUB_CONFLICT;
        if (conflicts) {
            xapi_error(c, 409, "a different statement with this id is already stored");
        } else if (put_id) {
            hub_send_text(c, 204, "text/plain", "", 0, XAPI_HEADERS);
        } else {
            cJSON *out = cJSON_CreateArray();
            for (size_t i = 0; i < n; i++)
                cJSON_AddItemToArray(out, cJSON_CreateString(ids[i]));
            hub_send_json(c, 200, out, XAPI_HEADERS);
            cJSON_Delete(out);
        }
        for (size_t i = 0; i < n && !conflicts; i++) {
            if (res[i] != HUB_STORED)
                continue;
            cJSON *st = cJSON_Parse(canon[i]);
            hub_roster_statement(hub, 0, st);
            cJSON_Delete(st);
        }
    }
    for (size_t i = 0; i < ready && p; i++)
        free(p[i].canon);
    free(p), free(ids), free(canon), free(regs), free(res);
}

typedef struct collect {
    cJSON *arr;
    int n;
} collect;

static void add_row(void *user, int64_t seq, const char *json, int64_t stored_ns)
{
    (void)seq;
    collect *col = user;
    cJSON *st = hub_statement_stored(json, stored_ns);
    if (st)
        cJSON_AddItemToArray(col->arr, st), col->n++;
}

static void get(stoa_hub *hub, struct mg_connection *c)
{
    char id[64], since[64] = "", reg[64] = "", limit_s[16] = "", asc[8] = "", cursor[24] = "";
    if (hub_query_var(c, "statementId", id, sizeof id)) {
        int64_t stored;
        for (char *p = id; *p; p++) // ids are stored in lower case
            *p = (char)(*p >= 'A' && *p <= 'F' ? *p + 32 : *p);
        char *json = hub_is_uuid(id) ? hub_db_get_statement(hub, id, &stored) : NULL;
        cJSON *st = json ? hub_statement_stored(json, stored) : NULL;
        free(json);
        if (!hub_is_uuid(id))
            xapi_error(c, 400, "statementId: not a UUID");
        else if (!st)
            xapi_error(c, 404, "no statement with this id");
        else
            hub_send_json(c, 200, st, XAPI_HEADERS);
        cJSON_Delete(st);
        return;
    }
    int64_t since_ns = 0, after = 0;
    bool has_since = hub_query_var(c, "since", since, sizeof since);
    bool has_reg = hub_query_var(c, "registration", reg, sizeof reg);
    hub_query_var(c, "ascending", asc, sizeof asc);
    if ((has_since && !hub_parse_iso(since, &since_ns)) || (has_reg && !hub_is_uuid(reg))) {
        xapi_error(c, 400, has_reg && !hub_is_uuid(reg) ? "registration: not a UUID"
                                                        : "since: not an ISO 8601 timestamp");
        return;
    }
    int limit = 100;
    if (hub_query_var(c, "limit", limit_s, sizeof limit_s))
        limit = atoi(limit_s);
    if (limit <= 0 || limit > 500)
        limit = 500; // xAPI: 0 = the server's maximum
    if (hub_query_var(c, "cursor", cursor, sizeof cursor))
        after = strtoll(cursor, NULL, 10);
    bool ascending = strcmp(asc, "true") == 0;
    collect col = {cJSON_CreateArray(), 0};
    int64_t last = hub_db_query(hub, since_ns, has_reg ? reg : NULL, after, limit, ascending, add_row, &col);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "statements", col.arr);
    char more[400] = "";
    if (col.n == limit) {
        char enc[200] = "";
        for (size_t i = 0, o2 = 0; has_since && since[i] && o2 + 4 < sizeof enc; i++)
            o2 += (size_t)(since[i] == '+' ? snprintf(enc + o2, 4, "%%2B")
                                           : snprintf(enc + o2, 2, "%c", since[i]));
        snprintf(more, sizeof more, "/xapi/statements?limit=%d&ascending=%s&cursor=%" PRId64 "%s%s%s%s",
                 limit, ascending ? "true" : "false", last, has_since ? "&since=" : "", enc,
                 has_reg ? "&registration=" : "", has_reg ? reg : "");
    }
    cJSON_AddStringToObject(o, "more", more);
    char headers[160], now[32];
    hub_format_iso(hub_now_ns(), now);
    snprintf(headers, sizeof headers, XAPI_HEADERS "X-Experience-API-Consistent-Through: %s\r\n", now);
    hub_send_json(c, 200, o, headers);
    cJSON_Delete(o);
}

static int xapi_handler(struct mg_connection *c, void *user)
{
    stoa_hub *hub = user;
    const char *m = hub_method(c);
    const char *version = mg_get_header(c, "X-Experience-API-Version");
    if (!version || strncmp(version, "1.0", 3) != 0 || (version[3] && version[3] != '.')) {
        xapi_error(c, 400, "X-Experience-API-Version: 1.0.x required");
        return 400;
    }
    bool read_only = strcmp(m, "GET") == 0;
    if (!hub_xapi_authorized(hub, c, read_only)) {
        xapi_error(c, 401, "authorization required (Basic xapi:<key> or a device token)");
        return 401;
    }
    if (read_only) {
        get(hub, c);
        return 200;
    }
    if (strcmp(m, "POST") != 0 && strcmp(m, "PUT") != 0) {
        xapi_error(c, 405, "method not allowed");
        return 405;
    }
    char put_id[64] = "";
    bool is_put = strcmp(m, "PUT") == 0;
    if (is_put && (!hub_query_var(c, "statementId", put_id, sizeof put_id) || !hub_is_uuid(put_id))) {
        xapi_error(c, 400, "PUT needs statementId=<UUID>");
        return 400;
    }
    size_t len;
    char *body = hub_read_body(c, HUB_MAX_BODY, &len);
    if (!body)
        return 413;
    cJSON *j = cJSON_ParseWithLength(body, len);
    free(body);
    if (!j)
        xapi_error(c, 400, "the body is not JSON");
    else
        store(hub, c, j, is_put ? put_id : NULL);
    cJSON_Delete(j);
    return 200;
}

void hub_xapi_register(stoa_hub *hub)
{
    mg_set_request_handler(hub->ctx, "/xapi/statements$", xapi_handler, hub);
}
