// SPDX-License-Identifier: Apache-2.0
// HTTP plumbing: the request dispatcher (Host allow-list, Origin checks,
// CORS only for the xAPI resource), JSON bodies, answers, static files.
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/stoa_file.h"
#include "hub_internal.h"
#include "hub_lrs_doc.h"

// Sent with every answer: no framing, no sniffing, and a panel that may only
// run its own scripts (names from headsets are data, never markup).
static const char k_common_headers[] =
    "X-Content-Type-Options: nosniff\r\n"
    "X-Frame-Options: DENY\r\n"
    "Referrer-Policy: no-referrer\r\n"
    "Cache-Control: no-store\r\n";
static const char k_default_csp[] =
    "Content-Security-Policy: default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'\r\n";

static const char *status_text(int status)
{
    switch (status) {
    case 200: return "OK";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 413: return "Payload Too Large";
    case 415: return "Unsupported Media Type";
    case 421: return "Misdirected Request";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Status";
    }
}

void hub_send_text(hub_req *c, int status, const char *type, const char *body, size_t len,
                   const char *extra_headers)
{
    char head[2048];
    int n = snprintf(head, sizeof head,
                     "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n%s%s%s"
                     "Connection: close\r\n\r\n",
                     status, status_text(status), type, len, k_common_headers,
                     extra_headers && strstr(extra_headers, "Content-Security-Policy") ? "" : k_default_csp,
                     extra_headers ? extra_headers : "");
    if (n < 0 || (size_t)n >= sizeof head)
        n = snprintf(head, sizeof head, "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n"
                                        "Connection: close\r\n\r\n"), len = 0;
    hub_server_respond(c, head, (size_t)n, body, len);
}

void hub_send_json(hub_req *c, int status, const cJSON *body, const char *extra_headers)
{
    char *s = body ? cJSON_PrintUnformatted(body) : NULL;
    if (body && !s) {
        hub_send_text(c, 500, "application/json", "{\"error\":\"out of memory\"}", 25, NULL);
        return;
    }
    hub_send_text(c, status, "application/json; charset=utf-8", s ? s : "", s ? strlen(s) : 0,
                  extra_headers);
    free(s);
}

void hub_send_error(hub_req *c, int status, const char *message)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "error", message);
    hub_send_json(c, status, o, NULL);
    cJSON_Delete(o);
}

cJSON *hub_read_json(hub_req *c, size_t limit)
{
    const char *type = hub_header(c, "Content-Type");
    size_t tl = type ? strcspn(type, ";") : 0;
    while (tl && (type[tl - 1] == ' ' || type[tl - 1] == '\t'))
        tl--;
    // JSON only: a cross-site page can send text/plain or a form without
    // asking first, never application/json.
    if (!type || tl != 16 || strncasecmp(type, "application/json", 16) != 0) {
        hub_send_error(c, 415, "the body must be JSON (Content-Type: application/json)");
        return NULL;
    }
    if (c->body_len > limit) {
        hub_send_error(c, 413, "request body too large");
        return NULL;
    }
    cJSON *j = NULL;
    stoa_error err = {0};
    stoa_result r = stoa_json_parse(c->body, c->body_len, HUB_JSON_POLICY(limit), &j, &err);
    if (r != STOA_OK) {
        char msg[300];
        snprintf(msg, sizeof msg, "the body is not acceptable JSON: %.200s", err.message);
        hub_send_error(c, r == STOA_ERROR_LIMIT ? 413 : 400, msg);
        return NULL;
    }
    return j;
}

bool hub_query_var(hub_req *c, const char *name, char *out, size_t size)
{
    return hub_query_get(c->head.query, name, out, size);
}

const char *hub_method(hub_req *c) { return c->head.method; }
const char *hub_remote(hub_req *c) { return c->remote; }
const char *hub_header(hub_req *c, const char *name) { return hub_http_header_get(&c->head, name); }

static const char *mime_for(const char *name)
{
    const char *dot = strrchr(name, '.');
    if (!dot)
        return "application/octet-stream";
    if (strcmp(dot, ".html") == 0)
        return "text/html; charset=utf-8";
    if (strcmp(dot, ".css") == 0)
        return "text/css; charset=utf-8";
    if (strcmp(dot, ".js") == 0)
        return "text/javascript; charset=utf-8";
    if (strcmp(dot, ".svg") == 0)
        return "image/svg+xml";
    if (strcmp(dot, ".png") == 0)
        return "image/png";
    return "application/octet-stream";
}

void hub_serve_file(hub_req *c, const char *path, const char *type, const char *headers)
{
    // Streamed: the server reads it a chunk at a time as the client takes
    // it (hub_server_respond_file), so a scene of any size costs 64 KiB.
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        if (fd >= 0)
            close(fd);
        hub_send_error(c, 404, "not found");
        return;
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK); // a FIFO was not waited on; a file is read plainly
    char head[2048];
    int n = snprintf(head, sizeof head,
                     "HTTP/1.1 200 OK\r\nContent-Type: %s\r\nContent-Length: %lld\r\n%s%s%s"
                     "Connection: close\r\n\r\n",
                     type ? type : mime_for(path), (long long)st.st_size, k_common_headers,
                     headers && strstr(headers, "Content-Security-Policy") ? "" : k_default_csp,
                     headers ? headers : "");
    if (n < 0 || (size_t)n >= sizeof head) {
        close(fd);
        hub_send_error(c, 500, "answer head too long");
        return;
    }
    hub_server_respond_file(c, head, (size_t)n, fd, (uint64_t)st.st_size);
}

void hub_serve_panel_file(stoa_hub *hub, hub_req *c, const char *name)
{
    // The panel is a flat folder: a plain file name, already decoded once.
    if (!name[0] || name[0] == '.' || strchr(name, '/') || strchr(name, '\\')) {
        hub_send_error(c, 404, "not found");
        return;
    }
    char path[2200];
    snprintf(path, sizeof path, "%s/%s", hub->panel_dir, name);
    hub_serve_file(c, path, mime_for(path), NULL);
}

// ---- Host and Origin ------------------------------------------------------------

// Splits "host[:port]" / "[v6][:port]" into a lower-case host and a port (0 = none).
static bool split_host(const char *in, size_t len, char *host, size_t size, int *port)
{
    *port = 0;
    const char *end = in + len, *colon = NULL;
    if (len && in[0] == '[') {
        const char *rb = memchr(in, ']', len);
        if (!rb)
            return false;
        colon = rb + 1 < end && rb[1] == ':' ? rb + 1 : NULL;
        if (rb + 1 != end && !colon)
            return false;
        end = rb + 1;
    } else {
        colon = memchr(in, ':', len);
        if (colon)
            end = colon;
    }
    if (colon) {
        const char *p = colon + 1, *pe = in + len;
        if (p == pe || pe - p > 5)
            return false;
        for (; p < pe; p++) {
            if (!isdigit((unsigned char)*p))
                return false;
            *port = *port * 10 + (*p - '0');
        }
    }
    size_t hl = (size_t)(end - in);
    if (hl == 0 || hl >= size)
        return false;
    for (size_t i = 0; i < hl; i++)
        host[i] = (char)tolower((unsigned char)in[i]);
    host[hl] = 0;
    return true;
}

static bool is_ip_literal(const char *h)
{
    if (h[0] == '[')
        return h[strlen(h) - 1] == ']' && strspn(h + 1, "0123456789abcdef:.") == strlen(h) - 2;
    int parts = 0;
    for (const char *p = h; *p;) {
        size_t n = strspn(p, "0123456789");
        if (n == 0 || n > 3)
            return false;
        parts++;
        p += n;
        if (*p == '.')
            p++;
        else if (*p)
            return false;
    }
    return parts == 4;
}

bool hub_host_allowed(stoa_hub *hub, const char *host_header)
{
    char host[256];
    int port;
    // The name is what matters (a port forward or proxy may change the port).
    if (!host_header || !split_host(host_header, strlen(host_header), host, sizeof host, &port))
        return false;
    // An address typed as digits cannot be a rebound name; names must be known.
    if (is_ip_literal(host) || strcmp(host, "localhost") == 0 || strcmp(host, hub->host_name) == 0)
        return true;
    char dotted[300];
    snprintf(dotted, sizeof dotted, "%s.local", hub->host_name);
    if (strcmp(host, dotted) == 0)
        return true;
    char needle[260];
    snprintf(needle, sizeof needle, ",%s,", host);
    return strstr(hub->allowed_hosts, needle) != NULL;
}

bool hub_origin_ok(stoa_hub *hub, hub_req *c)
{
    const char *origin = hub_header(c, "Origin");
    if (!origin) // not a browser (headsets, xAPI tools): nothing to check
        return true;
    const char *scheme = hub->tls ? "https://" : "http://";
    size_t sl = strlen(scheme);
    if (strncasecmp(origin, scheme, sl) != 0)
        return false;
    char oh[256], hh[256];
    int op, hp;
    const char *rest = origin + sl;
    if (!split_host(rest, strlen(rest), oh, sizeof oh, &op) || !c->head.host ||
        !split_host(c->head.host, strlen(c->head.host), hh, sizeof hh, &hp))
        return false;
    int dflt = hub->tls ? 443 : 80;
    return strcmp(oh, hh) == 0 && (op ? op : dflt) == (hp ? hp : dflt);
}

// ---- the dispatcher -----------------------------------------------------------------

size_t hub_body_limit(void *user, const hub_http_head *h)
{
    stoa_hub *hub = user;
    if (strcmp(h->path, "/xapi/statements") == 0)
        return HUB_MAX_XAPI_BODY; // multipart/mixed with attachment data (JSON alone: HUB_MAX_BODY)
    if (strncmp(h->path, "/xapi/", 6) == 0) // documents (or their alternate-syntax form, encoded: up to 3x)
        return hub->lrs_doc_max > HUB_MAX_BODY ? 3 * hub->lrs_doc_max + 4096 : HUB_MAX_BODY;
    if (strcmp(h->path, "/api/command") == 0)
        return HUB_MAX_COMMAND_BODY;
    if (strcmp(h->path, "/api/class/import") == 0)
        return HUB_MAX_IMPORT_BODY;
    if (strcmp(h->path, "/api/lessons/upload") == 0)
        return HUB_MAX_UPLOAD_BODY;
    if (strncmp(h->path, "/api/", 5) == 0)
        return HUB_MAX_SMALL_BODY;
    return 0;
}

bool hub_is_slow(void *user, const hub_http_head *h)
{
    (void)user;
    return strcmp(h->path, "/api/login") == 0 && strcmp(h->method, "POST") == 0;
}

static void panel(stoa_hub *hub, hub_req *c)
{
    const char *m = hub_method(c), *path = c->head.path;
    if (strcmp(m, "GET") != 0 && strcmp(m, "HEAD") != 0) {
        hub_send_error(c, 405, "method not allowed");
        return;
    }
    if (strcmp(path, "/") == 0)
        hub_serve_panel_file(hub, c, "index.html");
    else if (strncmp(path, "/panel/", 7) == 0)
        hub_serve_panel_file(hub, c, path + 7);
    else
        hub_send_error(c, 404, "not found");
}

void hub_on_request(void *user, hub_request *c)
{
    stoa_hub *hub = user;
    const char *path = c->head.path, *m = hub_method(c);
    if (!hub_host_allowed(hub, c->head.host)) {
        hub_send_error(c, 421, "this hub does not answer to that host name (see --allow-host)");
        return;
    }
    bool changes = strcmp(m, "GET") != 0 && strcmp(m, "HEAD") != 0 && strcmp(m, "OPTIONS") != 0;
    if (strcmp(path, "/xapi/statements") == 0) {
        hub_xapi_handle(hub, c); // meant to be cross-origin: its own CORS answers
        return;
    }
    if (strncmp(path, "/xapi/", 6) == 0) { hub_lrs_route(hub, c); return; } // the other LRS resources (hub_lrs_doc.h)
    if (strcmp(m, "OPTIONS") == 0) { // no CORS for the panel's API: a preflight gets nothing
        hub_send_error(c, 403, "cross-origin requests are not allowed here");
        return;
    }
    bool ws = strcmp(path, "/ws/headset") == 0 || strcmp(path, "/ws/panel") == 0;
    if ((changes || ws) && !hub_origin_ok(hub, c)) {
        hub_send_error(c, 403, "cross-origin request refused");
        return;
    }
    if (strcmp(path, "/ws/headset") == 0)
        hub_ws_open(hub, c);
    else if (strcmp(path, "/ws/panel") == 0)
        hub_view_panel_open(hub, c); // live views pushed (issue 16)
    else if (strncmp(path, "/api/", 5) == 0)
        hub_api_route(hub, c);
    else if (strncmp(path, "/evaluation/", 12) == 0)
        hub_eval_pages(hub, c);
    else
        panel(hub, c);
}
