// SPDX-License-Identifier: Apache-2.0
// The alternate request syntax of xAPI 1.0.3 (Communication 1.3) for the
// resources of hub_lrs_doc.c: a POST whose only query parameter is `method`,
// with a form body (application/x-www-form-urlencoded) carrying the
// headers (Authorization, X-Experience-API-Version, Content-Type,
// Content-Length, If-Match, If-None-Match), the parameters, and the
// document as `content`. It is turned into the request it stands for and
// answered by the same code; nothing in it is trusted more than a header
// or query would be (same decoding, same bounds).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hub_lrs_doc.h"

static const char *const k_methods[] = {"GET", "HEAD", "PUT", "POST", "DELETE"};
static const char *const k_headers[] = {"Authorization", "X-Experience-API-Version",
                                        "Content-Type",  "Content-Length",
                                        "If-Match",      "If-None-Match"};

bool hub_lrs_is_alternate(hub_req *c)
{
    return strcmp(hub_method(c), "POST") == 0 && strncmp(c->head.query, "method=", 7) == 0;
}

// Appends name=value, percent-encoding both again (they were decoded once).
static bool add_param(char *q, size_t cap, size_t *len, const char *name, const char *value)
{
    const char *parts[] = {*len ? "&" : "", name, "=", value};
    for (int p = 0; p < 4; p++) {
        for (const unsigned char *s = (const unsigned char *)parts[p]; *s; s++) {
            bool plain = p == 0 || p == 2 || (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
                         (*s >= '0' && *s <= '9') || strchr("-._~", *s);
            if (*len + 4 >= cap)
                return false;
            *len += (size_t)(plain ? snprintf(q + *len, cap - *len, "%c", *s)
                                   : snprintf(q + *len, cap - *len, "%%%02X", *s));
        }
    }
    return true;
}

void hub_lrs_alternate(stoa_hub *hub, hub_req *c)
{
    // 1.3.s3.b3: `method` is the only query parameter.
    char method[16];
    if (strchr(c->head.query, '&') ||
        !hub_query_get(c->head.query, "method", method, sizeof method)) {
        hub_lrs_error(c, 400,
                      "method: the alternate request syntax takes no other query parameter");
        return;
    }
    const char *m = NULL;
    for (size_t i = 0; i < sizeof k_methods / sizeof *k_methods; i++)
        if (strcmp(method, k_methods[i]) == 0)
            m = k_methods[i];
    const char *type = hub_header(c, "Content-Type");
    if (!m || !type || strncasecmp(type, "application/x-www-form-urlencoded", 33) != 0) {
        hub_lrs_error(c, 400,
                      m ? "Content-Type: the alternate request syntax sends a form"
                          " (application/x-www-form-urlencoded)"
                        : "method: not GET, HEAD, PUT, POST or DELETE");
        return;
    }
    hub_req alt = *c;
    alt.head.method = m;
    alt.head.header_count = 0;
    size_t cap = c->body_len * 3 + 16, qlen = 0;
    char *query = malloc(cap), *content = NULL, *decoded = malloc(c->body_len + 1);
    char *values[sizeof k_headers / sizeof *k_headers] = {0};
    bool ok = query && decoded;
    if (ok)
        query[0] = 0;
    // The form: header names become headers, `content` the body, the rest parameters.
    for (const char *p = c->body; ok && *p;) {
        size_t len = strcspn(p, "&"), nl = strcspn(p, "=");
        if (nl > len)
            nl = len;
        char name[64];
        size_t vl = nl < len ? len - nl - 1 : 0;
        if (nl >= sizeof name || !hub_url_decode(p, nl, name, sizeof name) ||
            !hub_url_decode(p + nl + 1, vl, decoded, c->body_len + 1)) {
            hub_lrs_error(c, 400, "the form is not valid URL-encoded UTF-8");
            ok = false;
            break;
        }
        size_t h = 0;
        while (h < sizeof k_headers / sizeof *k_headers && strcasecmp(k_headers[h], name) != 0)
            h++;
        if (strcmp(name, "method") == 0) {
            hub_lrs_error(c, 400, "method: given twice");
            ok = false;
        } else if (strcmp(name, "content") == 0 || h < sizeof k_headers / sizeof *k_headers) {
            char **slot = strcmp(name, "content") == 0 ? &content : &values[h];
            ok = !*slot && (*slot = strdup(decoded));
            if (!ok)
                hub_lrs_error(c, 400, "%s: given twice", name);
        } else if (len) {
            ok = add_param(query, cap, &qlen, name, decoded);
            if (!ok)
                hub_lrs_error(c, 400, "the form's parameters are too long");
        }
        p += len + (p[len] == '&');
    }
    if (ok) {
        // Headers of the request itself stay unless the form names them
        // (1.3.s3.b7: form values are headers); the form's own type goes.
        for (int i = 0; i < c->head.header_count; i++) {
            size_t h = 0;
            while (h < sizeof k_headers / sizeof *k_headers &&
                   strcasecmp(k_headers[h], c->head.headers[i].name) != 0)
                h++;
            bool replaced =
                h < sizeof k_headers / sizeof *k_headers && (values[h] || h == 2 || h == 3);
            if (!replaced)
                alt.head.headers[alt.head.header_count++] = c->head.headers[i];
        }
        for (size_t h = 0; h < sizeof k_headers / sizeof *k_headers; h++)
            if (values[h] && h != 3 && alt.head.header_count < HUB_HTTP_MAX_HEADERS)
                alt.head.headers[alt.head.header_count++] =
                    (hub_http_header){k_headers[h], values[h]};
        alt.head.query = query;
        alt.body = content ? content : "";
        alt.body_len = content ? strlen(content) : 0;
        alt.answered = false;
        hub_lrs_route(hub, &alt);
        c->answered = alt.answered;
    }
    for (size_t h = 0; h < sizeof k_headers / sizeof *k_headers; h++)
        free(values[h]);
    free(query), free(content), free(decoded);
    if (!ok && !c->answered)
        hub_lrs_error(c, 503, "out of memory");
}
