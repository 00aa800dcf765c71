// SPDX-License-Identifier: Apache-2.0
// The xAPI 1.0.3 Statements resource (/xapi/statements): PUT, POST, GET
// and HEAD, and the alternate request syntax (POST ?method=...), per
// Communication 2.1 (docs/lrs.md). GET answers are built in hub_xapi_get.c.
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
#include <strings.h>

#include "hub_internal.h"
#include "hub_lrs.h"
#include "hub_xapi.h"

void hub_xapi_send(hub_req *c, int status, const char *type, const char *body, size_t len, const char *extra)
{
    // Communication 2.1.3: "X-Experience-API-Consistent-Through ... on all
    // responses to Statements Resource requests" (errors included). A
    // statement is readable once its store has committed, so "now" is true.
    char headers[1024], now[32];
    hub_format_iso(hub_now_ns(), now);
    snprintf(headers, sizeof headers, XAPI_HEADERS "X-Experience-API-Consistent-Through: %s\r\n%s", now,
             extra ? extra : "");
    hub_send_text(c, status, type, body, len, headers);
}

void hub_xapi_refusal_headers(void *user, const hub_http_head *h, char *out, size_t size)
{
    (void)user;
    // The server's own refusals (a body over the limit: 413; busy: 503)
    // are answers to xAPI requests too: the version and, for Statements,
    // Consistent-Through (Communication 2.1.3 "on all responses").
    if (strncmp(h->path, "/xapi/", 6) != 0)
        return;
    char now[32];
    hub_format_iso(hub_now_ns(), now);
    if (strcmp(h->path, "/xapi/statements") == 0)
        snprintf(out, size, XAPI_HEADERS "X-Experience-API-Consistent-Through: %s\r\n", now);
    else
        snprintf(out, size, "X-Experience-API-Version: 1.0.3\r\n");
}

void hub_xapi_error(hub_req *c, int status, const char *message)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "error", message);
    char *s = cJSON_PrintUnformatted(o);
    hub_xapi_send(c, status, "application/json; charset=utf-8", s ? s : "{}", s ? strlen(s) : 2, NULL);
    free(s);
    cJSON_Delete(o);
}

cJSON *hub_xapi_authority(stoa_hub *hub, int64_t device_id)
{
    // Data 2.4.9: the authority is the credential that stored the statement.
    char name[48];
    if (device_id > 0)
        snprintf(name, sizeof name, "headset-%" PRId64, device_id);
    else
        snprintf(name, sizeof name, "xapi-key");
    cJSON *a = cJSON_CreateObject(), *acc = cJSON_CreateObject();
    cJSON_AddStringToObject(a, "objectType", "Agent");
    cJSON_AddStringToObject(a, "name", device_id > 0 ? "Stoa headset" : "Stoa hub xAPI key");
    cJSON_AddStringToObject(acc, "homePage", hub->url[0] ? hub->url : "http://localhost/");
    cJSON_AddStringToObject(acc, "name", name);
    cJSON_AddItemToObject(a, "account", acc);
    return a;
}

// Communication 1.5.1/1.5.2: over application/json every attachment needs
// a fileUrl; over multipart/mixed one without must match a part by its
// SHA-2 ("It MUST not do so any other way"). A signature attachment's part
// is a JWS checked against the statement (Data 2.6). used[i]: part i
// matched.
static const char *check_attachments(const cJSON *st, const hub_xapi_parts *parts, bool *used)
{
    const cJSON *a;
    cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(st, "attachments")) {
        const char *sha2 = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(a, "sha2"));
        const char *usage = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(a, "usageType"));
        const char *type = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(a, "contentType"));
        const hub_xapi_part *part = sha2 ? hub_xapi_parts_find(parts, sha2) : NULL;
        bool signature = usage && strcmp(usage, HUB_SIGNATURE_USAGE) == 0;
        if (!part && (signature || !cJSON_GetObjectItemCaseSensitive(a, "fileUrl")))
            return !parts ? "attachments: an attachment without fileUrl needs multipart/mixed with its data"
                          : "attachments: no part has this attachment's sha2 (and it has no fileUrl)";
        if (part)
            used[part - parts->part] = true;
        if (signature) {
            if (!type || strcmp(type, "application/octet-stream") != 0)
                return "attachments: a signature's contentType must be application/octet-stream";
            const char *why = hub_xapi_check_signature(st, part);
            if (why)
                return why;
        }
    }
    return NULL;
}

// Stores one statement or an array; all or nothing. Answers itself.
// put_id: the statementId of a PUT (NULL for POST).
static void store(stoa_hub *hub, hub_req *c, cJSON *body, const char *put_id, int64_t device_id,
                  const hub_xapi_cred *cred, const hub_xapi_parts *parts)
{
    bool used[HUB_XAPI_MAX_PARTS] = {true};
    bool array = cJSON_IsArray(body);
    size_t n = array ? (size_t)cJSON_GetArraySize(body) : 1;
    if (n == 0 || n > HUB_XAPI_MAX_BATCH || (put_id && array)) {
        hub_xapi_error(c, 400, put_id ? "PUT takes one statement" : "between 1 and 1000 statements");
        return;
    }
    hub_prepared *p = calloc(n, sizeof *p);
    hub_store_result *res = calloc(n, sizeof *res);
    const char **why = calloc(n, sizeof *why);
    size_t ready = 0;
    char reason[400] = "out of memory";
    int status = 400;
    int64_t quota;
    pthread_mutex_lock(&hub->mu);
    quota = hub->device_quota;
    pthread_mutex_unlock(&hub->mu);
    cJSON *authority = cred ? hub_xapi_cred_authority(hub, cred) : hub_xapi_authority(hub, device_id);
    if (p && res && why && authority) {
        cJSON *st = array ? body->child : body;
        for (; ready < n && st; ready++, st = st->next) {
            if (put_id && cJSON_IsObject(st) && !cJSON_GetObjectItemCaseSensitive(st, "id"))
                cJSON_AddStringToObject(st, "id", put_id);
            const char *nourl = cJSON_IsObject(st) ? check_attachments(st, parts, used) : NULL;
            if (nourl) {
                snprintf(reason, sizeof reason, "%s", nourl);
                break;
            }
            if (!hub_statement_prepare(st, !put_id, authority, &p[ready], reason, sizeof reason))
                break;
            p[ready].cred_id = cred ? cred->id : 0;
            if (put_id && strcasecmp(p[ready].id, put_id) != 0) {
                snprintf(reason, sizeof reason, "id: differs from statementId");
                hub_prepared_free(&p[ready]);
                break;
            }
            // Communication 2.1.2: "a batch of Statements containing two or
            // more Statements with the same id ... reject the batch (400)".
            bool twice = false;
            for (size_t j = 0; j < ready && !twice; j++)
                twice = strcmp(p[j].id, p[ready].id) == 0;
            // Data 2.3.2: a voiding statement cannot be voided; refused here
            // (the conformance suite allows refusing it) rather than ignored.
            int target_voids = p[ready].voiding ? hub_db_xapi_is_voiding(hub, p[ready].ref) : 0;
            for (size_t j = 0; j < ready && p[ready].voiding && !target_voids; j++)
                target_voids = p[j].voiding && strcmp(p[j].id, p[ready].ref) == 0;
            if (twice || target_voids) {
                snprintf(reason, sizeof reason, "%s",
                         twice ? "id: the same id twice in one batch"
                               : target_voids < 0 ? "the database failed; try again"
                                                  : "object.id: a voiding statement cannot be voided");
                status = target_voids < 0 ? 503 : 400;
                hub_prepared_free(&p[ready]);
                break;
            }
        }
    }
    for (int i = 1; ready == n && parts && i < parts->n; i++)
        if (!used[i]) {
            snprintf(reason, sizeof reason, "attachments: part %d matches no attachment of any statement", i);
            ready = n - 1; // the whole request is refused
            hub_prepared_free(&p[ready]);
            break;
        }
    if (ready < n) {
        char msg[460];
        snprintf(msg, sizeof msg, "statement %zu: %s", ready, reason);
        hub_xapi_error(c, status, msg);
    } else if (!hub_db_store(hub, n, p, device_id, quota, true, res, why)) {
        hub_xapi_error(c, 503, "the database failed; try again");
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
            hub_xapi_error(c, 403, msg);
        } else if (conflicts) {
            hub_xapi_error(c, 409, "a different statement with this id is already stored");
        } else if (put_id) {
            hub_xapi_send(c, 204, "text/plain", "", 0, NULL);
        } else {
            cJSON *out = cJSON_CreateArray();
            for (size_t i = 0; i < n; i++)
                cJSON_AddItemToArray(out, cJSON_CreateString(p[i].id));
            char *s = cJSON_PrintUnformatted(out);
            hub_xapi_send(c, 200, "application/json; charset=utf-8", s ? s : "[]", s ? strlen(s) : 2, NULL);
            free(s);
            cJSON_Delete(out);
        }
        // The data stays with the hub, once per hash, for attachments=true
        // and for the school's LRS (forwarding).
        for (int i = 1; parts && i < parts->n && !conflicts && !refused; i++)
            hub_db_xapi_put_attachment(hub, &parts->part[i]);
        cJSON *st = array ? body->child : body;
        for (size_t i = 0; i < n && st && !conflicts && !refused; i++, st = array ? st->next : NULL)
            if (res[i] == HUB_STORED)
                hub_roster_statement(hub, device_id, st);
    }
    for (size_t i = 0; i < ready && p; i++)
        hub_prepared_free(&p[i]);
    cJSON_Delete(authority);
    free(p), free(res), free(why);
}

// The request as xAPI sees it: the normal syntax, or the alternate one
// (Communication 1.3) whose form fields stand for headers and parameters.
typedef struct xreq {
    const char *method, *query, *auth, *version, *type;
    const char *body;
    size_t body_len;
    char *form;          // the decoded form (alternate syntax), freed at the end
    char *fields[4];     // Authorization, X-Experience-API-Version, Content-Type, content
} xreq;

static const char *const k_form_headers[] = {"Authorization", "X-Experience-API-Version", "Content-Type", "content"};

// Reads the alternate syntax's form; false (answered) when it is not one.
static bool read_form(hub_req *c, xreq *x, char *method, size_t msize)
{
    const char *type = hub_header(c, "Content-Type");
    if (!type || strncasecmp(type, "application/x-www-form-urlencoded", 33) != 0) {
        hub_xapi_error(c, 415, "the alternate request syntax sends application/x-www-form-urlencoded");
        return false;
    }
    if (c->head.query && strchr(c->head.query, '&')) {
        // "The LRS MUST reject ... any extra information in the query
        // string other than method" (Communication 1.3).
        hub_xapi_error(c, 400, "method: the alternate syntax allows no other query parameter");
        return false;
    }
    x->form = malloc(c->body_len + 1);
    if (!x->form) {
        hub_xapi_error(c, 503, "out of memory");
        return false;
    }
    memcpy(x->form, c->body, c->body_len);
    x->form[c->body_len] = 0;
    if (strlen(x->form) != c->body_len) {
        hub_xapi_error(c, 400, "the form holds a NUL byte");
        return false;
    }
    for (int i = 0; i < 4; i++) {
        size_t cap = c->body_len + 1;
        x->fields[i] = malloc(cap);
        if (x->fields[i] && !hub_query_get(x->form, k_form_headers[i], x->fields[i], cap)) {
            free(x->fields[i]);
            x->fields[i] = NULL;
        }
    }
    x->method = method;
    (void)msize;
    x->auth = x->fields[0] ? x->fields[0] : hub_header(c, "Authorization");
    x->version = x->fields[1] ? x->fields[1] : hub_header(c, "X-Experience-API-Version");
    x->type = x->fields[2];
    x->body = x->fields[3];
    x->body_len = x->fields[3] ? strlen(x->fields[3]) : 0;
    // The other fields are the query string's parameters.
    x->query = x->form;
    return true;
}

static void xreq_free(xreq *x)
{
    free(x->form);
    for (int i = 0; i < 4; i++)
        free(x->fields[i]);
}

// The statements of a request: its JSON body, or the first part of a
// multipart/mixed one (*parts then filled; not in the alternate syntax,
// which cannot carry binary data).
static cJSON *read_statements(hub_req *c, const xreq *x, hub_xapi_parts **parts)
{
    const char *type = x->type;
    size_t tl = type ? strcspn(type, ";") : 0;
    while (tl && (type[tl - 1] == ' ' || type[tl - 1] == '\t'))
        tl--;
    const char *json = x->body ? x->body : "";
    size_t json_len = x->body_len;
    if (type && tl == 15 && strncasecmp(type, "multipart/mixed", 15) == 0 && !x->form) {
        *parts = malloc(sizeof **parts);
        const char *why = *parts ? hub_xapi_parts_parse(type, x->body, x->body_len, *parts) : "out of memory";
        if (why) {
            hub_xapi_error(c, 400, why);
            return NULL;
        }
        json = (*parts)->part[0].data;
        json_len = (*parts)->part[0].len;
    } else if (!type || tl != 16 || strncasecmp(type, "application/json", 16) != 0) {
        hub_xapi_error(c, 415, "the body must be application/json or multipart/mixed");
        return NULL;
    } else if (x->body_len > HUB_MAX_BODY) {
        hub_xapi_error(c, 413, "a JSON body is at most 256 KiB (attachments go in multipart/mixed parts)");
        return NULL;
    }
    cJSON *j = NULL;
    stoa_error err = {0};
    stoa_result r = stoa_json_parse(json, json_len, HUB_JSON_POLICY(HUB_MAX_BODY), &j, &err);
    if (r != STOA_OK) {
        char msg[300];
        snprintf(msg, sizeof msg, "the body is not acceptable JSON: %.200s", err.message);
        hub_xapi_error(c, r == STOA_ERROR_LIMIT ? 413 : 400, msg);
        return NULL;
    }
    return j;
}

void hub_xapi_handle(stoa_hub *hub, hub_req *c)
{
    const char *m = hub_method(c);
    if (strcmp(m, "OPTIONS") == 0) { // a preflight: what a cross-origin xAPI client may send
        hub_send_text(c, 204, "text/plain", "", 0,
                      XAPI_CORS "Access-Control-Allow-Methods: GET, HEAD, POST, PUT\r\n"
                      "Access-Control-Allow-Headers: Authorization, Content-Type, X-Experience-API-Version\r\n"
                      "Access-Control-Max-Age: 600\r\n");
        return;
    }
    xreq x = {.method = m, .query = c->head.query, .auth = hub_header(c, "Authorization"),
              .version = hub_header(c, "X-Experience-API-Version"), .type = hub_header(c, "Content-Type"),
              .body = c->body, .body_len = c->body_len};
    char alt[16] = "";
    if (hub_query_var(c, "method", alt, sizeof alt)) {
        if (strcmp(m, "POST") != 0 || (strcmp(alt, "GET") != 0 && strcmp(alt, "PUT") != 0 &&
                                       strcmp(alt, "POST") != 0 && strcmp(alt, "HEAD") != 0)) {
            hub_xapi_error(c, 400, "method: the alternate syntax is POST ?method=GET|HEAD|PUT|POST");
            return;
        }
        if (!read_form(c, &x, alt, sizeof alt)) {
            xreq_free(&x);
            return;
        }
    }
    // Communication 3.3: requests without a 1.0.x version are refused.
    const char *version = x.version;
    if (!version || strncmp(version, "1.0", 3) != 0 || (version[3] && version[3] != '.')) {
        hub_xapi_error(c, 400, "X-Experience-API-Version: 1.0.x required");
        xreq_free(&x);
        return;
    }
    bool read_only = strcmp(x.method, "GET") == 0 || strcmp(x.method, "HEAD") == 0;
    hub_lrs_caller who;
    if (!hub_lrs_authorize(hub, c, x.auth, !read_only, x.form != NULL, &who)) {
        hub_xapi_error(c, who.status, who.why);
        xreq_free(&x);
        return;
    }
    int64_t device_id = who.device_id;
    const hub_xapi_cred *cred = who.has_cred ? &who.cred : NULL;
    if (read_only) {
        hub_xapi_get(hub, c, x.query, x.form != NULL, device_id, cred && cred->mine ? cred->id : 0);
        xreq_free(&x);
        return;
    }
    if (strcmp(x.method, "POST") != 0 && strcmp(x.method, "PUT") != 0) {
        hub_xapi_error(c, 405, "method not allowed");
        xreq_free(&x);
        return;
    }
    char put_id[64] = "";
    bool is_put = strcmp(x.method, "PUT") == 0;
    if (!hub_xapi_params_ok(c, x.query, is_put ? "statementId" : "", x.form != NULL)) {
        xreq_free(&x);
        return;
    }
    if (is_put && (!hub_query_get(x.query, "statementId", put_id, sizeof put_id) || !hub_is_uuid(put_id))) {
        hub_xapi_error(c, 400, "statementId: PUT needs statementId=<UUID>");
        xreq_free(&x);
        return;
    }
    hub_xapi_parts *parts = NULL;
    cJSON *j = read_statements(c, &x, &parts);
    if (j)
        store(hub, c, j, is_put ? put_id : NULL, device_id, cred, parts);
    cJSON_Delete(j);
    free(parts);
    xreq_free(&x);
}
