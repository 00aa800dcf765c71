// SPDX-License-Identifier: Apache-2.0
// An xAPI LRS reader (stoa_net_lrs.h) on civetweb's client.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <civetweb.h>
#include <sodium.h>

#include "core/stoa_json.h"
#include "net/stoa_net_lrs.h"

typedef struct lrs_url {
    char host[256], path[2048];
    int port;
    bool tls;
} lrs_url;

static bool parse(const char *url, lrs_url *u)
{
    const char *p;
    if (strncmp(url, "http://", 7) == 0)
        p = url + 7, u->tls = false, u->port = 80;
    else if (strncmp(url, "https://", 8) == 0)
        p = url + 8, u->tls = true, u->port = 443;
    else
        return false;
    size_t hl = strcspn(p, ":/");
    if (hl == 0 || hl >= sizeof u->host)
        return false;
    memcpy(u->host, p, hl);
    u->host[hl] = 0;
    p += hl;
    if (*p == ':') {
        char *end;
        long port = strtol(p + 1, &end, 10);
        if (port <= 0 || port > 65535 || (*end && *end != '/'))
            return false;
        u->port = (int)port;
        p = end;
    }
    snprintf(u->path, sizeof u->path, "%s", *p ? p : "/");
    return strlen(p) < sizeof u->path - 32;
}

// Appends a query parameter, percent-encoding the value.
static void add_query(char *q, size_t cap, const char *key, const char *value)
{
    size_t n = strlen(q);
    n += (size_t)snprintf(q + n, cap > n ? cap - n : 0, "%s%s=", strchr(q, '?') ? "&" : "?", key);
    for (const unsigned char *v = (const unsigned char *)value; *v && n + 4 < cap; v++) {
        if ((*v >= 'A' && *v <= 'Z') || (*v >= 'a' && *v <= 'z') || (*v >= '0' && *v <= '9') ||
            strchr("-._~", *v))
            q[n++] = (char)*v;
        else
            n += (size_t)snprintf(q + n, cap - n, "%%%02X", *v);
    }
    q[n < cap ? n : cap - 1] = 0;
}

static int get_page(const stoa_net_lrs_desc *d, const lrs_url *u, const char *target, char **out,
                    size_t *out_len, stoa_error *err)
{
    char ebuf[256] = "", auth[600] = "";
    if (d->basic_auth) {
        char b64[560];
        if (strlen(d->basic_auth) > 400)
            return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT, "LRS credentials too long"), -1;
        sodium_bin2base64(b64, sizeof b64, (const unsigned char *)d->basic_auth, strlen(d->basic_auth),
                          sodium_base64_VARIANT_ORIGINAL);
        snprintf(auth, sizeof auth, "Authorization: Basic %s\r\n", b64);
    }
    struct mg_client_options o = {.host = u->host, .port = u->port, .host_name = u->host,
                                  .server_cert = d->server_cert};
    struct mg_connection *c = u->tls ? mg_connect_client_secure(&o, ebuf, sizeof ebuf)
                                     : mg_connect_client(u->host, u->port, 0, ebuf, sizeof ebuf);
    if (!c)
        return stoa_error_set(err, STOA_ERROR_IO, "cannot reach the LRS at %s:%d: %s", u->host, u->port,
                              ebuf), -1;
    mg_printf(c, "GET %s HTTP/1.1\r\nHost: %s:%d\r\nX-Experience-API-Version: 1.0.3\r\n%s"
                 "Accept: application/json\r\nConnection: close\r\n\r\n",
              target, u->host, u->port, auth);
    int status = -1;
    if (mg_get_response(c, ebuf, sizeof ebuf, d->timeout_ms > 0 ? d->timeout_ms : 30000) >= 0) {
        status = mg_get_response_info(c)->status_code;
        size_t max = d->max_page_bytes ? d->max_page_bytes : (256u << 20), cap = 65536, len = 0;
        char *buf = malloc(cap + 1);
        int r = 1;
        while (buf && r > 0) {
            if (len == cap) {
                if (cap >= max) {
                    free(buf);
                    buf = NULL;
                    stoa_error_set(err, STOA_ERROR_LIMIT, "LRS page larger than %zu bytes", max);
                    status = -1;
                    break;
                }
                cap *= 2;
                char *nb = realloc(buf, cap + 1);
                if (!nb) {
                    free(buf);
                    buf = NULL;
                    break;
                }
                buf = nb;
            }
            r = mg_read(c, buf + len, cap - len);
            if (r > 0)
                len += (size_t)r;
        }
        if (buf)
            buf[len] = 0;
        *out = buf;
        *out_len = len;
    } else {
        stoa_error_set(err, STOA_ERROR_IO, "no answer from the LRS at %s:%d: %s", u->host, u->port, ebuf);
    }
    mg_close_connection(c);
    return status;
}

stoa_result stoa_net_lrs_read(const stoa_net_lrs_desc *d, int *out_pages, stoa_error *err)
{
    lrs_url u = {0};
    if (out_pages)
        *out_pages = 0;
    if (!d->url || !parse(d->url, &u))
        return stoa_error_set(err, STOA_ERROR_INVALID_ARGUMENT,
                              "LRS address '%s': want http(s)://HOST[:PORT]/PATH", d->url ? d->url : "");
    if (sodium_init() < 0)
        return stoa_error_set(err, STOA_ERROR_UNSUPPORTED, "libsodium cannot start");
    char target[4096];
    size_t pl = strlen(u.path);
    while (pl > 1 && u.path[pl - 1] == '/')
        u.path[--pl] = 0;
    bool has = pl >= 11 && strcmp(u.path + pl - 11, "/statements") == 0;
    snprintf(target, sizeof target, "%s%s", strcmp(u.path, "/") == 0 ? "" : u.path, has ? "" : "/statements");
    add_query(target, sizeof target, "ascending", "true");
    add_query(target, sizeof target, "limit", "500");
    if (d->since)
        add_query(target, sizeof target, "since", d->since);
    if (d->until)
        add_query(target, sizeof target, "until", d->until);
    for (int page = 0; page < 1000000; page++) {
        char *body = NULL;
        size_t len = 0;
        int status = get_page(d, &u, target, &body, &len, err);
        if (status < 0) {
            free(body);
            return err && err->code ? err->code : STOA_ERROR_IO;
        }
        // Another program's answer: the bounded reader (a page of statements
        // may be large, their nesting may not be deep).
        cJSON *j = NULL;
        stoa_error jerr = {0};
        stoa_json_policy pol = {.max_bytes = len + 1, .max_depth = 64,
                                .flags = STOA_JSON_ALLOW_DUPLICATE_KEYS};
        if (status == 200 && stoa_json_parse(body, len, &pol, &j, &jerr) != STOA_OK)
            j = NULL;
        if (!j) {
            stoa_error_set(err, status == 401 || status == 403 ? STOA_ERROR_INVALID_ARGUMENT : STOA_ERROR_IO,
                           "LRS %s:%d%s: HTTP %d%s%.200s", u.host, u.port, target, status,
                           status == 200 ? ", not JSON: " : ": ", body ? body : "");
            free(body);
            return err ? err->code : STOA_ERROR_IO;
        }
        free(body);
        const cJSON *st, *arr = cJSON_GetObjectItemCaseSensitive(j, "statements");
        if (!cJSON_IsArray(arr)) {
            cJSON_Delete(j);
            return stoa_error_set(err, STOA_ERROR_PARSE, "LRS %s: the answer has no 'statements' list", d->url);
        }
        bool go = true;
        cJSON_ArrayForEach(st, arr) if (go) go = d->on_statement(d->user, st);
        if (out_pages)
            (*out_pages)++;
        const char *more = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "more"));
        // `more` is a URL relative to the LRS's host (xAPI 1.0.3, 4.2) or absolute.
        bool next = go && more && *more;
        if (next && (strncmp(more, "http://", 7) == 0 || strncmp(more, "https://", 8) == 0)) {
            lrs_url m = {0};
            if (!parse(more, &m) || strcmp(m.host, u.host) != 0 || m.port != u.port) {
                cJSON_Delete(j);
                return stoa_error_set(err, STOA_ERROR_PARSE, "LRS %s: 'more' points elsewhere: %.200s",
                                      d->url, more);
            }
            snprintf(target, sizeof target, "%s", m.path);
        } else if (next) {
            if (more[0] != '/' || strlen(more) >= sizeof target) {
                cJSON_Delete(j);
                return stoa_error_set(err, STOA_ERROR_PARSE, "LRS %s: bad 'more' link", d->url);
            }
            snprintf(target, sizeof target, "%s", more);
        }
        cJSON_Delete(j);
        if (!next)
            return STOA_OK;
    }
    return stoa_error_set(err, STOA_ERROR_LIMIT, "LRS %s: more than a million pages", d->url);
}
