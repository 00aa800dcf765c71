// SPDX-License-Identifier: Apache-2.0
// The three document resources of xAPI 1.0.3 (Communication 2.2, 2.3, 2.6,
// 2.7) with the concurrency rules of 3.1: documents of any content type,
// kept with it; an ETag (the quoted SHA-1 of the content) on every GET;
// If-Match / If-None-Match on PUT, POST and DELETE (412 when they fail); a
// PUT without either header over an existing profile document is a 409.
// A State PUT without them overwrites: 3.1.s3 says the State Resource
// permits PUT, POST and DELETE without concurrency headers.
//
// POST merges JSON objects (2.2.s7): the posted object's top-level
// properties replace the stored one's; anything but two JSON objects of
// type application/json is a 400 and changes nothing (2.2.s8.b1).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "hub_lrs_doc.h"

static bool is_json_type(const char *type)
{
    if (!type)
        return false;
    while (*type == ' ')
        type++;
    size_t n = strcspn(type, ";");
    while (n && (type[n - 1] == ' ' || type[n - 1] == '\t'))
        n--;
    return n == 16 && strncasecmp(type, "application/json", 16) == 0;
}

// RFC 7231's IMF-fixdate, without the locale's names.
static void http_date(int64_t unix_ns, char out[40])
{
    static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    time_t t = (time_t)(unix_ns / 1000000000LL);
    struct tm tm;
    gmtime_r(&t, &tm);
    snprintf(out, 40, "%s, %02d %s %04d %02d:%02d:%02d GMT", days[tm.tm_wday % 7], tm.tm_mday,
             months[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

// Does a header's list of entity tags ("a", W/"b", ...) name this one?
static bool etag_listed(const char *list, const char *etag)
{
    const char *p = list;
    size_t el = strlen(etag);
    while (p && *p) {
        while (*p == ' ' || *p == ',')
            p++;
        if (strncmp(p, "W/", 2) == 0)
            p += 2;
        size_t n = strcspn(p, ",");
        size_t t = n;
        while (t && p[t - 1] == ' ')
            t--;
        const char *v = p;
        if (t >= 2 && v[0] == '"' && v[t - 1] == '"')
            v++, t -= 2;
        if (t == el && strncasecmp(v, etag, el) == 0)
            return true;
        p += n;
    }
    return false;
}

// The precondition of a write (3.1.s4.b5-b8). Returns 0 when it may go on,
// with *expect what the transaction must still find (NULL = anything), or
// the status to answer.
static int precondition(hub_lrs_req *r, hub_lrs_kind kind, const hub_lrs_doc *cur, bool exists,
                        const char **expect)
{
    const char *im = hub_header(r->c, "If-Match"), *inm = hub_header(r->c, "If-None-Match");
    *expect = NULL;
    if (im) {
        if (!exists || (strcmp(im, "*") != 0 && !etag_listed(im, cur->etag)))
            return 412;
        *expect = cur->etag;
    }
    if (inm) {
        if (exists && (strcmp(inm, "*") == 0 || etag_listed(inm, cur->etag)))
            return 412;
        *expect = exists ? cur->etag : "";
    }
    if (!im && !inm && exists && strcmp(r->method, "PUT") == 0 && kind != HUB_LRS_STATE)
        return 409;
    return 0;
}

static stoa_result parse_object(const char *text, size_t len, size_t max, cJSON **out, stoa_error *err)
{
    stoa_result res = stoa_json_parse(text, len,
                                      &(stoa_json_policy){.max_bytes = max,
                                                          .max_depth = HUB_LRS_DOC_DEPTH,
                                                          .max_nodes = HUB_JSON_NODES},
                                      out, err);
    if (res == STOA_OK && !cJSON_IsObject(*out)) {
        cJSON_Delete(*out);
        *out = NULL;
        return stoa_error_set(err, STOA_ERROR_PARSE, "not a JSON object");
    }
    return res;
}

static void get_one(hub_lrs_req *r, const hub_lrs_addr *a)
{
    hub_lrs_doc d;
    int found = hub_lrs_doc_get(r->hub, a, &d);
    if (found < 0) {
        hub_lrs_error(r->c, 503, "the database failed; try again");
    } else if (!found) {
        hub_lrs_error(r->c, 404, "no document with this %s here", r->id_name);
    } else {
        char extra[160], date[40];
        http_date(d.updated_ns, date);
        snprintf(extra, sizeof extra, "ETag: \"%s\"\r\nLast-Modified: %s\r\n", d.etag, date);
        hub_lrs_send(r->c, 200, d.type, d.content, d.len, extra);
    }
    hub_lrs_doc_free(&d);
}

static void get_ids(hub_lrs_req *r, const hub_lrs_addr *a)
{
    int64_t latest = 0;
    cJSON *ids = hub_lrs_doc_ids(r->hub, a, r->since ? r->since_ns : INT64_MIN, &latest);
    char *s = ids ? cJSON_PrintUnformatted(ids) : NULL;
    cJSON_Delete(ids);
    if (!s) {
        hub_lrs_error(r->c, 503, "the database failed; try again");
        return;
    }
    char extra[160] = "", etag[41], date[40];
    hub_lrs_sha1_hex(s, strlen(s), etag);
    http_date(latest, date);
    // 2.2.s6.b2: Last-Modified of the newest document listed (when any is).
    snprintf(extra, sizeof extra, "ETag: \"%s\"\r\n%s%s%s", etag, latest ? "Last-Modified: " : "",
             latest ? date : "", latest ? "\r\n" : "");
    hub_lrs_send(r->c, 200, "application/json; charset=utf-8", s, strlen(s), extra);
    free(s);
}

// PUT and POST.
static void write_doc(hub_lrs_req *r, hub_lrs_kind kind, const hub_lrs_addr *a)
{
    hub_req *c = r->c;
    if (c->body_len > r->hub->lrs_doc_max) { // 3.2.s3.b11
        hub_lrs_error(c, 413, "a document is at most %zu bytes (stoa hub --lrs-document-max)", r->hub->lrs_doc_max);
        return;
    }
    const char *type = hub_header(c, "Content-Type");
    if (!type || !*type)
        type = "application/octet-stream";
    if (strlen(type) >= sizeof((hub_lrs_doc *)0)->type) {
        hub_lrs_error(c, 400, "Content-Type: longer than 255 bytes");
        return;
    }
    bool post = strcmp(r->method, "POST") == 0;
    cJSON *posted = NULL, *stored = NULL;
    stoa_error err = {0};
    if (post && is_json_type(type) &&
        parse_object(c->body, c->body_len, r->hub->lrs_doc_max, &posted, &err) != STOA_OK) {
        hub_lrs_error(c, 400,
                      "the posted document is application/json but not a JSON object: %.200s",
                      err.message);
        return;
    }
    hub_lrs_doc cur;
    int exists = hub_lrs_doc_get(r->hub, a, &cur);
    const char *expect = NULL;
    int status = exists < 0 ? 503 : precondition(r, kind, &cur, exists == 1, &expect);
    char *merged = NULL;
    if (status == 0 && post && exists == 1) {
        // 2.2.s8.b1: both JSON objects of type application/json, or a 400 and no change.
        if (!posted || !is_json_type(cur.type) ||
            parse_object(cur.content, cur.len, r->hub->lrs_doc_max, &stored, &err) != STOA_OK) {
            status = 400;
        } else {
            for (cJSON *m = posted->child; m; m = m->next) {
                cJSON *copy = cJSON_Duplicate(m, true);
                if (!copy || (cJSON_HasObjectItem(stored, m->string)
                                  ? !cJSON_ReplaceItemInObjectCaseSensitive(stored, m->string, copy)
                                  : !cJSON_AddItemToObject(stored, m->string, copy))) {
                    cJSON_Delete(copy);
                    status = 503;
                    break;
                }
            }
            merged = status ? NULL : cJSON_PrintUnformatted(stored);
            status = status ? status : merged ? 0 : 503;
            type = "application/json";
        }
    }
    if (status == 0) {
        const char *body = merged ? merged : c->body;
        size_t len = merged ? strlen(merged) : c->body_len;
        if (merged && len > r->hub->lrs_doc_max)
            status = 413;
        else {
            int w = hub_lrs_doc_put(r->hub, a, expect, type, body, len);
            status = w == 1 ? 204 : w == 0 ? 412 : 503;
        }
    }
    if (status == 204)
        hub_lrs_send(c, 204, "text/plain", "", 0, NULL);
    else if (status == 409)
        hub_lrs_error(
            c, 409,
            "this document already exists: GET it, then PUT again with If-Match set to its"
            " ETag (or If-None-Match: * to create only)");
    else if (status == 412)
        hub_lrs_error(c, 412, "If-Match / If-None-Match: the stored document is not the one named");
    else if (status == 400)
        hub_lrs_error(
            c, 400,
            posted ? "POST merges JSON: the stored document is not an application/json object"
                   : "POST merges JSON: the posted document is not application/json");
    else if (status == 413)
        hub_lrs_error(c, 413, "the merged document would exceed %zu bytes (stoa hub --lrs-document-max)",
                      r->hub->lrs_doc_max);
    else
        hub_lrs_error(c, 503, "the database failed; try again");
    free(merged);
    cJSON_Delete(posted);
    cJSON_Delete(stored);
    if (exists == 1)
        hub_lrs_doc_free(&cur);
}

static void delete_doc(hub_lrs_req *r, hub_lrs_kind kind, const hub_lrs_addr *a)
{
    const char *expect = NULL;
    int status = 0;
    if (a->id) {
        hub_lrs_doc cur;
        int exists = hub_lrs_doc_get(r->hub, a, &cur);
        status = exists < 0 ? 503 : precondition(r, kind, &cur, exists == 1, &expect);
        if (exists == 1)
            hub_lrs_doc_free(&cur);
    }
    if (status == 0) {
        int d = hub_lrs_doc_delete(r->hub, a, expect);
        status = d == 1 ? 204 : d == 0 ? 412 : 503;
    }
    if (status == 204)
        hub_lrs_send(r->c, 204, "text/plain", "", 0, NULL);
    else if (status == 412)
        hub_lrs_error(r->c, 412,
                      "If-Match / If-None-Match: the stored document is not the one named");
    else
        hub_lrs_error(r->c, 503, "the database failed; try again");
}

void hub_lrs_documents(hub_lrs_req *r, hub_lrs_kind kind)
{
    hub_lrs_addr a = {
        .kind = kind,
        .activity = kind == HUB_LRS_AGENT_PROFILE ? "" : r->activity_id,
        .agent = kind == HUB_LRS_ACTIVITY_PROFILE ? "" : r->agent_key,
        .registration = r->registration ? r->registration : "",
        .id = r->doc_id,
    };
    if (strcmp(r->method, "GET") == 0) {
        if (r->doc_id)
            get_one(r, &a);
        else
            get_ids(r, &a);
    } else if (strcmp(r->method, "DELETE") == 0) {
        // Without a registration, deleting all of a State context covers every registration.
        if (!r->doc_id && !r->registration)
            a.registration = NULL;
        delete_doc(r, kind, &a);
    } else {
        write_doc(r, kind, &a);
    }
}
