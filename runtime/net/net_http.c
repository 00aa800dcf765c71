// SPDX-License-Identifier: Apache-2.0
// The two plain HTTP requests of a headset: joining with the class code
// (POST /api/join -> device token) and fetching a lesson file the hub
// launched (GET /api/headset/lesson, checked by SHA-256).
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "core/stoa_file.h"
#include "core/stoa_json.h"
#include "core/stoa_path.h"
#include "net_internal.h"

#define NET_HTTP_TIMEOUT_MS 5000
#define NET_MAX_LESSON (4u << 20)

bool net_load_token(stoa_net *net)
{
    uint8_t *data = NULL;
    size_t size = 0;
    stoa_error err = {0};
    net->token[0] = 0;
    if (stoa_file_read(net->token_path, 4096, &data, &size, &err) != STOA_OK)
        return false;
    size_t n = strspn((const char *)data, "0123456789abcdef");
    if (n == 64)
        memcpy(net->token, data, 64), net->token[64] = 0;
    free(data);
    return net->token[0] != 0;
}

void net_forget_token(stoa_net *net)
{
    net->token[0] = 0;
    unlink(net->token_path);
}

static bool save_token(stoa_net *net)
{
    char tmp[1100];
    snprintf(tmp, sizeof tmp, "%s.tmp", net->token_path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600); // a secret: owner only
    if (fd < 0)
        return false;
    bool ok = write(fd, net->token, 64) == 64 && write(fd, "\n", 1) == 1 && fsync(fd) == 0;
    ok = close(fd) == 0 && ok;
    return ok && rename(tmp, net->token_path) == 0;
}

// Sends one request, reads the whole answer (at most max bytes). Returns the
// HTTP status (0 when the hub could not be reached); *out_body is malloc'd.
static int request(stoa_net *net, const char *head, const char *body, char **out_body,
                   size_t *out_len, size_t max, char sha_hdr[65])
{
    char ebuf[256] = "";
    *out_body = NULL;
    struct mg_client_options o = {.host = net->host, .port = net->port, .host_name = net->host,
                                  .server_cert = net->hub_cert[0] ? net->hub_cert : NULL};
    struct mg_connection *c = net->tls ? mg_connect_client_secure(&o, ebuf, sizeof ebuf)
                                       : mg_connect_client(net->host, net->port, 0, ebuf, sizeof ebuf);
    if (!c) {
        net_set_error(net, "cannot reach the hub at %s:%d: %s", net->host, net->port, ebuf);
        return 0;
    }
    mg_printf(c, "%s", head);
    if (body)
        mg_write(c, body, strlen(body));
    int status = 0;
    if (mg_get_response(c, ebuf, sizeof ebuf, NET_HTTP_TIMEOUT_MS) >= 0) {
        const struct mg_response_info *ri = mg_get_response_info(c);
        status = ri->status_code;
        for (int i = 0; sha_hdr && i < ri->num_headers; i++)
            if (strcasecmp(ri->http_headers[i].name, "X-Stoa-SHA256") == 0)
                snprintf(sha_hdr, 65, "%s", ri->http_headers[i].value);
        char *buf = malloc(max + 1);
        size_t len = 0;
        int r;
        while (buf && len < max && (r = mg_read(c, buf + len, max - len)) > 0)
            len += (size_t)r;
        if (buf)
            buf[len] = 0;
        *out_body = buf;
        *out_len = len;
    } else {
        net_set_error(net, "no answer from the hub: %s", ebuf);
    }
    mg_close_connection(c);
    return status;
}

bool net_join(stoa_net *net)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "code", net->join_code);
    cJSON_AddStringToObject(o, "device", net->name);
    char *body = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    if (!body)
        return false;
    char head[512];
    snprintf(head, sizeof head,
             "POST /api/join HTTP/1.1\r\nHost: %s:%d\r\nContent-Type: application/json\r\n"
             "Content-Length: %zu\r\nConnection: close\r\n\r\n",
             net->host, net->port, strlen(body));
    char *answer = NULL;
    size_t len = 0;
    int status = request(net, head, body, &answer, &len, 4096, NULL);
    free(body);
    cJSON *j = NULL;
    stoa_error jerr = {0};
    if (status == 200 && answer)
        stoa_json_parse(answer, len, &(stoa_json_policy){.max_bytes = 4096, .max_depth = 4}, &j, &jerr);
    const char *token = cJSON_GetStringValue(cJSON_GetObjectItem(j, "token"));
    bool ok = token && strlen(token) == 64;
    if (ok) {
        memcpy(net->token, token, 65);
        if (!save_token(net))
            net_set_error(net, "joined, but cannot save the device token in %s", net->token_path);
    } else if (status) {
        net_set_error(net, "the hub refused to join (HTTP %d%s%s)", status, answer ? ": " : "",
                      answer ? answer : "");
    }
    cJSON_Delete(j);
    free(answer);
    return ok;
}

static bool file_has_hash(const char *path, const char *sha256)
{
    uint8_t *data = NULL;
    size_t size = 0;
    stoa_error err = {0};
    if (stoa_file_read(path, NET_MAX_LESSON, &data, &size, &err) != STOA_OK)
        return false;
    unsigned char h[crypto_hash_sha256_BYTES];
    char hex[65];
    crypto_hash_sha256(h, data, size);
    sodium_bin2hex(hex, sizeof hex, h, sizeof h);
    free(data);
    return strcmp(hex, sha256) == 0;
}

bool net_fetch_lesson(stoa_net *net, const char *lesson, const char *sha256, char *out_path, size_t size)
{
    stoa_error err = {0};
    // The hub names the file; it still must not leave lesson_dir.
    if (!net->lesson_dir[0] || strchr(lesson, '/') ||
        stoa_path_confine(net->lesson_dir, lesson, out_path, size, &err) != STOA_OK) {
        out_path[0] = 0;
        return false;
    }
    if (file_has_hash(out_path, sha256))
        return true;
    char enc[800], head[1400];
    mg_url_encode(lesson, enc, sizeof enc);
    snprintf(head, sizeof head,
             "GET /api/headset/lesson?name=%s HTTP/1.1\r\nHost: %s:%d\r\n"
             "Authorization: Bearer %s\r\nConnection: close\r\n\r\n",
             enc, net->host, net->port, net->token);
    char *body = NULL;
    size_t len = 0;
    int status = request(net, head, NULL, &body, &len, NET_MAX_LESSON, NULL);
    bool ok = false;
    if (status == 200 && body) {
        unsigned char h[crypto_hash_sha256_BYTES];
        char hex[65];
        crypto_hash_sha256(h, (const unsigned char *)body, len);
        sodium_bin2hex(hex, sizeof hex, h, sizeof h);
        ok = strcmp(hex, sha256) == 0 && stoa_file_write_atomic(out_path, body, len, &err) == STOA_OK;
        if (!ok)
            net_set_error(net, "lesson %s: %s", lesson, err.code ? err.message : "hash mismatch");
    } else {
        net_set_error(net, "lesson %s: the hub answered HTTP %d", lesson, status);
    }
    free(body);
    if (!ok)
        out_path[0] = 0;
    return ok;
}

// For net_check.c: one request the way the headset makes them.
int net_request(stoa_net *net, const char *head, const char *body, char **out_body, size_t *out_len,
                size_t max, char sha_hdr[65])
{
    return request(net, head, body, out_body, out_len, max, sha_hdr);
}
