// SPDX-License-Identifier: Apache-2.0
#include "lrs_test_util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>


static stoa_hub *g_hub;
static int g_port;
static char g_auth[256];

int lrs_setup(void)
{
    if (g_hub)
        return g_port;
    char dir[256];
    test_temp_dir(dir);
    g_hub = test_hub_start(dir, &g_port);
    if (!g_hub)
        return 0;
    test_basic_auth("xapi", test_xapi_key(g_hub), NULL, g_auth, sizeof g_auth);
    return g_port;
}

stoa_hub *lrs_hub(void)
{
    return g_hub;
}
const char *lrs_key_auth(void)
{
    return g_auth;
}

lrs_answer lrs_req(const char *method, const char *path, const char *auth, const char *extra,
                   const char *body, size_t body_len, bool no_version)
{
    lrs_answer a = {0};
    size_t hl = strlen(auth ? auth : g_auth) + (extra ? strlen(extra) : 0) + 64;
    char *h = malloc(hl);
    snprintf(h, hl, "%s%s%s", auth ? auth : g_auth,
             no_version ? "" : "X-Experience-API-Version: 1.0.3\r\n", extra ? extra : "");
    a.status =
        test_http(g_port, method, path, h, body, body_len, &a.body, a.headers, sizeof a.headers);
    free(h);
    return a;
}

void lrs_free(lrs_answer *a)
{
    free(a->body);
    a->body = NULL;
}

const char *lrs_header(const lrs_answer *a, const char *name, char *out, size_t size)
{
    out[0] = 0;
    size_t nl = strlen(name);
    for (const char *p = a->headers; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
        if (strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
            const char *v = p + nl + 1;
            while (*v == ' ')
                v++;
            size_t n = strcspn(v, "\r\n");
            snprintf(out, size, "%.*s", (int)(n < size ? n : size - 1), v);
            break;
        }
    }
    return out;
}

char *lrs_enc(const char *s)
{
    char *out = malloc(strlen(s) * 3 + 1), *o = out;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr("-._~", *p))
            *o++ = (char)*p;
        else
            o += sprintf(o, "%%%02X", *p);
    }
    *o = 0;
    return out;
}

char *lrs_path(const char *resource, ...)
{
    size_t cap = 256 + strlen(resource);
    va_list ap;
    va_start(ap, resource);
    for (const char *k; (k = va_arg(ap, const char *));)
        cap += strlen(k) + strlen(va_arg(ap, const char *)) * 3 + 2;
    va_end(ap);
    char *out = malloc(cap);
    int n = snprintf(out, cap, "/xapi/%s", resource);
    va_start(ap, resource);
    bool first = true;
    for (const char *k; (k = va_arg(ap, const char *));) {
        char *v = lrs_enc(va_arg(ap, const char *));
        n += snprintf(out + n, cap - (size_t)n, "%c%s=%s", first ? '?' : '&', k, v);
        free(v);
        first = false;
    }
    va_end(ap);
    return out;
}
