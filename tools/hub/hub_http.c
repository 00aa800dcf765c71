// SPDX-License-Identifier: Apache-2.0
// HTTP plumbing over civetweb: bounded bodies, JSON answers, static files.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/stoa_file.h"
#include "core/stoa_path.h"
#include "hub_internal.h"

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
    case 302: return "Found";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 413: return "Payload Too Large";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Status";
    }
}

char *hub_read_body(struct mg_connection *c, size_t limit, size_t *out_len)
{
    const struct mg_request_info *ri = mg_get_request_info(c);
    if (ri->content_length > (long long)limit) {
        hub_send_error(c, 413, "request body too large");
        return NULL;
    }
    // content_length -1 = chunked or unknown: read up to the limit + 1.
    size_t cap = ri->content_length >= 0 ? (size_t)ri->content_length : limit + 1;
    char *buf = malloc(cap + 1);
    if (!buf) {
        hub_send_error(c, 500, "out of memory");
        return NULL;
    }
    size_t len = 0;
    while (len < cap) {
        int r = mg_read(c, buf + len, cap - len);
        if (r <= 0)
            break;
        len += (size_t)r;
    }
    if (len > limit) {
        free(buf);
        hub_send_error(c, 413, "request body too large");
        return NULL;
    }
    if (ri->content_length >= 0 && len != (size_t)ri->content_length) {
        free(buf);
        hub_send_error(c, 400, "request body shorter than its Content-Length");
        return NULL;
    }
    buf[len] = 0;
    *out_len = len;
    return buf;
}

void hub_send_text(struct mg_connection *c, int status, const char *type, const char *body,
                   size_t len, const char *extra_headers)
{
    mg_printf(c,
              "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n%s%s%s"
              "Connection: close\r\n\r\n",
              status, status_text(status), type, len, k_common_headers,
              extra_headers && strstr(extra_headers, "Content-Security-Policy") ? "" : k_default_csp,
              extra_headers ? extra_headers : "");
    if (len)
        mg_write(c, body, len);
}

void hub_send_json(struct mg_connection *c, int status, const cJSON *body, const char *extra_headers)
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

void hub_send_error(struct mg_connection *c, int status, const char *message)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "error", message);
    hub_send_json(c, status, o, NULL);
    cJSON_Delete(o);
}

bool hub_query_var(struct mg_connection *c, const char *name, char *out, size_t size)
{
    const char *q = mg_get_request_info(c)->query_string;
    if (!q)
        return false;
    int n = mg_get_var(q, strlen(q), name, out, size);
    // An escaped NUL ("%00") would cut the value short: refuse it instead.
    return n >= 0 && (size_t)n == strlen(out);
}

const char *hub_method(struct mg_connection *c)
{
    return mg_get_request_info(c)->request_method;
}

const char *hub_remote(struct mg_connection *c)
{
    return mg_get_request_info(c)->remote_addr;
}

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

void hub_serve_file(struct mg_connection *c, const char *path, const char *type, const char *headers)
{
    uint8_t *data = NULL;
    size_t size = 0;
    stoa_error err = {0};
    if (stoa_file_read(path, 64u << 20, &data, &size, &err) != STOA_OK) {
        hub_send_error(c, 404, "not found");
        return;
    }
    hub_send_text(c, 200, type ? type : mime_for(path), (const char *)data, size, headers);
    free(data);
}

void hub_serve_panel_file(stoa_hub *hub, struct mg_connection *c, const char *name)
{
    char path[2048];
    stoa_error err = {0};
    if (stoa_path_confine(hub->panel_dir, name, path, sizeof path, &err) != STOA_OK) {
        hub_send_error(c, 404, "not found");
        return;
    }
    hub_serve_file(c, path, mime_for(path), NULL);
}
