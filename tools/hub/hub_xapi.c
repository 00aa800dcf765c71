// SPDX-License-Identifier: Apache-2.0
// The xAPI 1.0.3 Statements resource (/xapi/statements): POST, PUT, GET by
// statementId and by since/registration, so that tools speaking xAPI can
// read the class's statements. A statement is stored once, by its UUID.
//
// Who may do what (docs/hub.md): the xAPI key reads and writes everything,
// the instructor's session reads everything, a headset's token reads and
// writes only its own records (hub_db_store's rules). It is the one
// resource meant to be used across origins: it answers CORS for requests
// that carry their own credentials, never with cookies.
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hub_internal.h"

#define XAPI_CORS "Access-Control-Allow-Origin: *\r\n" \
                  "Access-Control-Expose-Headers: X-Experience-API-Version, X-Experience-API-Consistent-Through\r\n"
#define XAPI_HEADERS "X-Experience-API-Version: 1.0.3\r\n" XAPI_CORS
#define XAPI_MAX_BATCH 1000
#define XAPI_MAX_ANSWER (4u << 20) // a GET page stops here (and says "more")

static void xapi_error(hub_req *c, int status, const char *message)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "error", message);
    hub_send_json(c, status, o, XAPI_HEADERS);
    cJSON_Delete(o);
}

// Stores one statement or an array; all or nothing. Answers itself.
// put_id: the statementId of a PUT (NULL for POST).
static void store(stoa_hub *hub, hub_req *c, cJSON *body, const char *put_id, int64_t device_id)
{
    bool array = cJSON_IsArray(body);
    size_t n = array ? (size_t)cJSON_GetArraySize(body) : 1;
    if (n == 0 || n > XAPI_MAX_BATCH || (put_id && array)) {
        xapi_error(c, 400, put_id ? "PUT takes one statement" : "between 1 and 1000 statements");
        return;
    }
    hub_prepared *p = calloc(n, sizeof *p);
    hub_store_result *res = calloc(n, sizeof *res);
    const char **why = calloc(n, sizeof *why);
    size_t ready = 0;
    char reason[400] = "out of memory";
    int64_t quota;
    pthread_mutex_lock(&hub->mu);
    quota = hub->device_quota;
    pthread_mutex_unlock(&hub->mu);
    if (p && res && why) {
        cJSON *st = array ? body->child : body;
        for (; ready < n && st; ready++, st = st->next) {
            if (put_id && cJSON_IsObject(st) && !cJSON_GetObjectItemCaseSensitive(st, "id"))
                cJSON_AddStringToObject(st, "id", put_id);
            if (!hub_statement_prepare(st, !put_id, &p[ready], reason, sizeof reason))
                break;
            if (put_id && strcasecmp(p[ready].id, put_id) != 0) {
                snprintf(reason, sizeof reason, "id: differs from statementId");
                hub_prepared_free(&p[ready]);
                break;
            }
        }
    }
    if (ready < n) {
        char msg[460];
        snprintf(msg, sizeof msg, "statement %zu: %s", ready, reason);
        xapi_error(c, 400, msg);
    } else if (!hub_db_store(hub, n, p, device_id, quota, true, res, why)) {
        xapi_error(c, 503, "the database failed; try again");
    } else {
        size_t conflicts = 0, refused = 0, first_refused = 0;
        for (size_t i = 0; i < n; i++) {
            conflicts += res[i] == HUB_CONFLICT;
            if (res[i] == HUB_REFUSED && !refused++)
                first_refused = i;
        }
        if (refused) {
            char msg[460];
            snprintf(msg, sizeof msg, "statement %zu: %s", first_refused, why[first_refused]);
            xapi_error(c, 403, msg);
        } else if (conflicts) {
            xapi_error(c, 409, "a different statement with this id is already stored");
        } else if (put_id) {
            hub_send_text(c, 204, "text/plain", "", 0, XAPI_HEADERS);
        } else {
            cJSON *out = cJSON_CreateArray();
            for (size_t i = 0; i < n; i++)
                cJSON_AddItemToArray(out, cJSON_CreateString(p[i].id));
            hub_send_json(c, 200, out, XAPI_HEADERS);
            cJSON_Delete(out);
        }
        cJSON *st = array ? body->child : body;
        for (size_t i = 0; i < n && st && !conflicts && !refused; i++, st = array ? st->next : NULL)
            if (res[i] == HUB_STORED)
                hub_roster_statement(hub, device_id, st);
    }
    for (size_t i = 0; i < ready && p; i++)
        hub_prepared_free(&p[i]);
    free(p), free(res), free(why);
}

// A GET page is assembled as text from the stored canonical JSON: nothing
// stored is parsed again, and the page stops at XAPI_MAX_ANSWER bytes.
typedef struct page {
    char *buf;
    size_t len, cap;
    int n;
    bool full;
} page;

static bool add_row(void *user, int64_t seq, const char *json, int64_t stored_ns)
{
    (void)seq;
    page *pg = user;
    char *st = hub_statement_stored_text(json, stored_ns);
    if (!st)
        return true;
    size_t l = strlen(st);
    if (pg->n > 0 && pg->len + l + 1 > XAPI_MAX_ANSWER) {
        free(st);
        pg->full = true;
        return false;
    }
    if (pg->len + l + 2 > pg->cap) {
        size_t cap = (pg->cap + l + 2) * 2;
        char *g = realloc(pg->buf, cap);
        if (!g) {
            free(st);
            pg->full = true;
            return false;
        }
        pg->buf = g, pg->cap = cap;
    }
    if (pg->n++)
        pg->buf[pg->len++] = ',';
    memcpy(pg->buf + pg->len, st, l);
    pg->len += l;
    free(st);
    return true;
}

static void get(stoa_hub *hub, hub_req *c, int64_t device_id)
{
    char id[64], since[64] = "", reg[64] = "", limit_s[16] = "", asc[8] = "", cursor[24] = "";
    if (hub_query_var(c, "statementId", id, sizeof id)) {
        int64_t stored;
        for (char *p = id; *p; p++) // ids are stored in lower case
            *p = (char)(*p >= 'A' && *p <= 'F' ? *p + 32 : *p);
        if (!hub_is_uuid(id)) {
            xapi_error(c, 400, "statementId: not a UUID");
            return;
        }
        char *json = hub_db_get_statement(hub, id, device_id, &stored);
        char *st = json ? hub_statement_stored_text(json, stored) : NULL;
        free(json);
        if (!st)
            xapi_error(c, 404, "no statement with this id");
        else
            hub_send_text(c, 200, "application/json; charset=utf-8", st, strlen(st), XAPI_HEADERS);
        free(st);
        return;
    }
    int64_t since_ns = 0, after = 0;
    bool has_since = hub_query_var(c, "since", since, sizeof since);
    bool has_reg = hub_query_var(c, "registration", reg, sizeof reg);
    hub_query_var(c, "ascending", asc, sizeof asc);
    for (char *p = reg; *p; p++)
        *p = (char)(*p >= 'A' && *p <= 'F' ? *p + 32 : *p);
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
    page pg = {0};
    int64_t last = hub_db_query(hub, since_ns, has_reg ? reg : NULL, device_id, after, limit, ascending, add_row, &pg);
    char more[400] = "";
    if (pg.n == limit || pg.full) {
        char enc[200] = "";
        for (size_t i = 0, o2 = 0; has_since && since[i] && o2 + 4 < sizeof enc; i++)
            o2 += (size_t)(since[i] == '+' ? snprintf(enc + o2, 4, "%%2B")
                                           : snprintf(enc + o2, 2, "%c", since[i]));
        snprintf(more, sizeof more, "/xapi/statements?limit=%d&ascending=%s&cursor=%" PRId64 "%s%s%s%s",
                 limit, ascending ? "true" : "false", last, has_since ? "&since=" : "", enc,
                 has_reg ? "&registration=" : "", has_reg ? reg : "");
    }
    size_t cap = pg.len + sizeof more + 64;
    char *out = malloc(cap);
    if (!out) {
        free(pg.buf);
        xapi_error(c, 503, "out of memory");
        return;
    }
    int n = snprintf(out, cap, "{\"statements\":[%.*s],\"more\":\"%s\"}", (int)pg.len, pg.buf ? pg.buf : "", more);
    free(pg.buf);
    char headers[512], now[32];
    hub_format_iso(hub_now_ns(), now);
    snprintf(headers, sizeof headers, XAPI_HEADERS "X-Experience-API-Consistent-Through: %s\r\n", now);
    hub_send_text(c, 200, "application/json; charset=utf-8", out, (size_t)n, headers);
    free(out);
}

void hub_xapi_handle(stoa_hub *hub, hub_req *c)
{
    const char *m = hub_method(c);
    if (strcmp(m, "OPTIONS") == 0) { // a preflight: what a cross-origin xAPI client may send
        hub_send_text(c, 204, "text/plain", "", 0,
                      XAPI_CORS "Access-Control-Allow-Methods: GET, POST, PUT\r\n"
                      "Access-Control-Allow-Headers: Authorization, Content-Type, X-Experience-API-Version\r\n"
                      "Access-Control-Max-Age: 600\r\n");
        return;
    }
    const char *version = hub_header(c, "X-Experience-API-Version");
    if (!version || strncmp(version, "1.0", 3) != 0 || (version[3] && version[3] != '.')) {
        xapi_error(c, 400, "X-Experience-API-Version: 1.0.x required");
        return;
    }
    bool read_only = strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0;
    int64_t device_id = 0;
    hub_xapi_who who = hub_xapi_authorized(hub, c, &device_id);
    if (who == HUB_XAPI_NOBODY || (who == HUB_XAPI_INSTRUCTOR && !read_only)) {
        xapi_error(c, 401, "authorization required (Basic xapi:<key> or a device token)");
        return;
    }
    // A session cookie works only from the panel's own pages.
    if (who == HUB_XAPI_INSTRUCTOR && !hub_origin_ok(hub, c)) {
        xapi_error(c, 403, "cross-origin request refused");
        return;
    }
    if (read_only) {
        get(hub, c, device_id);
        return;
    }
    if (strcmp(m, "POST") != 0 && strcmp(m, "PUT") != 0) {
        xapi_error(c, 405, "method not allowed");
        return;
    }
    char put_id[64] = "";
    bool is_put = strcmp(m, "PUT") == 0;
    if (is_put && (!hub_query_var(c, "statementId", put_id, sizeof put_id) || !hub_is_uuid(put_id))) {
        xapi_error(c, 400, "PUT needs statementId=<UUID>");
        return;
    }
    cJSON *j = hub_read_json(c, HUB_MAX_BODY);
    if (!j)
        return;
    store(hub, c, j, is_put ? put_id : NULL, device_id);
    cJSON_Delete(j);
}
