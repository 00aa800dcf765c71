// SPDX-License-Identifier: Apache-2.0
#define _GNU_SOURCE // strcasestr
#include "hub_test_util.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include <cjson/cJSON.h>

void test_sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

int test_free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    int port = 0;
    if (bind(fd, (struct sockaddr *)&a, sizeof a) == 0 && getsockname(fd, (struct sockaddr *)&a, &len) == 0)
        port = ntohs(a.sin_port);
    close(fd);
    return port;
}

void test_temp_dir(char out[256])
{
    snprintf(out, 256, "/tmp/stoa-hub-test-XXXXXX");
    if (!mkdtemp(out))
        out[0] = 0;
}

stoa_hub *test_hub_start(const char *data_dir, int *out_port)
{
    return test_hub_start_desc(&(stoa_hub_desc){0}, data_dir, out_port);
}

stoa_hub *test_hub_start_desc(const stoa_hub_desc *desc, const char *data_dir, int *out_port)
{
    char listen[64], lessons[1024];
    const char *src = getenv("STOA_SOURCE_DIR");
    snprintf(lessons, sizeof lessons, "%s/scenes/agora/lessons", src ? src : ".");
    for (int attempt = 0; attempt < 5; attempt++) {
        int port = *out_port ? *out_port : test_free_port();
        snprintf(listen, sizeof listen, "127.0.0.1:%d", port);
        stoa_hub *hub = NULL;
        stoa_error err = {0};
        stoa_hub_desc d = *desc;
        d.listen = listen, d.data_dir = data_dir, d.password = TEST_PASSWORD;
        if (!d.lessons_dir)
            d.lessons_dir = lessons;
        if (stoa_hub_create(&d, &hub, &err) == STOA_OK) {
            *out_port = port;
            return hub;
        }
        fprintf(stderr, "hub start: %s\n", err.message);
        test_sleep_ms(200);
    }
    return NULL;
}

int test_connect_from(int port, const char *source)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in src = {.sin_family = AF_INET};
    if (fd < 0 || inet_pton(AF_INET, source, &src.sin_addr) != 1 ||
        bind(fd, (struct sockaddr *)&src, sizeof src) != 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        close(fd);
        return -1;
    }
    struct timeval tv = {10, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    return fd;
}

static int connect_port(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    struct timeval tv = {10, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    return fd;
}

bool test_send_all(int fd, const void *data, size_t len)
{
    const char *p = data;
    while (len) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        if (n <= 0)
            return false;
        p += n, len -= (size_t)n;
    }
    return true;
}

int test_http_raw_from(int port, const char *source, const void *data, size_t len, char **out_answer)
{
    *out_answer = NULL;
    int fd = source ? test_connect_from(port, source) : connect_port(port);
    if (fd < 0)
        return 0;
    test_send_all(fd, data, len); // the hub may answer (413) before reading it all
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    for (ssize_t r; buf && (r = recv(fd, buf + n, cap - n, 0)) > 0;) {
        n += (size_t)r;
        if (n == cap) {
            char *g = realloc(buf, cap * 2 + 1);
            if (!g)
                break;
            buf = g, cap *= 2;
        }
    }
    close(fd);
    if (!buf)
        return 0;
    buf[n] = 0;
    *out_answer = buf;
    int status = 0;
    sscanf(buf, "HTTP/1.%*d %d", &status);
    return status;
}

int test_http_raw(int port, const void *data, size_t len, char **out_answer)
{
    return test_http_raw_from(port, NULL, data, len, out_answer);
}

int test_http(int port, const char *method, const char *path, const char *headers,
              const char *body, size_t body_len, char **out_body, char *out_headers, size_t hsize)
{
    // Room for the head whatever the path and headers (a long query, many
    // headers): the body is copied after what snprintf wrote.
    size_t cap = body_len + strlen(method) + strlen(path) + (headers ? strlen(headers) : 0) + 256;
    char *req = malloc(cap);
    // A body is JSON unless the test says otherwise.
    bool typed = headers && strcasestr(headers, "Content-Type:");
    int n = snprintf(req, cap, "%s %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nConnection: close\r\n"
                               "Content-Length: %zu\r\n%s%s\r\n", method, path, port, body_len,
                     body_len && !typed ? "Content-Type: application/json\r\n" : "", headers ? headers : "");
    if (body_len)
        memcpy(req + n, body, body_len);
    char *answer = NULL;
    int status = test_http_raw(port, req, (size_t)n + body_len, &answer);
    free(req);
    if (out_body)
        *out_body = NULL;
    if (!answer)
        return status;
    char *sep = strstr(answer, "\r\n\r\n");
    if (out_headers && hsize) {
        size_t hl = sep ? (size_t)(sep - answer) : strlen(answer);
        snprintf(out_headers, hsize, "%.*s", (int)hl, answer);
    }
    if (out_body)
        *out_body = strdup(sep ? sep + 4 : "");
    free(answer);
    return status;
}

int test_login(int port, const char *password, char cookie[128], char csrf[65])
{
    char body[256], headers[2048], *answer = NULL;
    snprintf(body, sizeof body, "{\"password\":\"%s\"}", password);
    int status = test_http(port, "POST", "/api/login", "Content-Type: application/json\r\n", body,
                           strlen(body), &answer, headers, sizeof headers);
    cookie[0] = csrf[0] = 0;
    const char *c = strstr(headers, "stoa_session=");
    if (c)
        snprintf(cookie, 128, "%.77s", c);
    cJSON *j = cJSON_Parse(answer ? answer : "");
    const char *t = cJSON_GetStringValue(cJSON_GetObjectItem(j, "csrf"));
    if (t)
        snprintf(csrf, 65, "%s", t);
    cJSON_Delete(j);
    free(answer);
    return status;
}

int test_join(int port, const char *code, const char *name, char token[65])
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "code", code);
    cJSON_AddStringToObject(o, "device", name);
    char *body = cJSON_PrintUnformatted(o), *answer = NULL;
    cJSON_Delete(o);
    int status = test_http(port, "POST", "/api/join", NULL, body, strlen(body), &answer, NULL, 0);
    free(body);
    cJSON *j = cJSON_Parse(answer ? answer : "");
    const char *t = cJSON_GetStringValue(cJSON_GetObjectItem(j, "token"));
    snprintf(token, 65, "%s", t ? t : "");
    cJSON_Delete(j);
    free(answer);
    return status;
}

int test_ws_open(int port)
{
    return test_ws_open_from(port, NULL);
}

int test_ws_open_from(int port, const char *source)
{
    int fd = source ? test_connect_from(port, source) : connect_port(port);
    if (fd < 0)
        return -1;
    char req[512];
    int n = snprintf(req, sizeof req,
                     "GET /ws/headset HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUpgrade: websocket\r\n"
                     "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                     "Sec-WebSocket-Version: 13\r\n\r\n", port);
    test_send_all(fd, req, (size_t)n);
    char buf[1024];
    size_t got = 0;
    while (got < sizeof buf - 1) { // read the 101 answer byte by byte: frames follow it
        ssize_t r = recv(fd, buf + got, 1, 0);
        if (r <= 0)
            break;
        got++;
        buf[got] = 0;
        if (got >= 4 && memcmp(buf + got - 4, "\r\n\r\n", 4) == 0)
            break;
    }
    if (!strstr(buf, " 101 ")) {
        close(fd);
        return -1;
    }
    return fd;
}

int test_ws_open_path(int port, const char *path, const char *headers, int *status)
{
    int fd = connect_port(port);
    if (fd < 0)
        return -1;
    char req[2048];
    int n = snprintf(req, sizeof req,
                     "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUpgrade: websocket\r\n"
                     "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                     "Sec-WebSocket-Version: 13\r\n%s\r\n", path, port, headers ? headers : "");
    test_send_all(fd, req, (size_t)n);
    char buf[2048];
    size_t got = 0;
    buf[0] = 0;
    while (got < sizeof buf - 1) { // the answer's head byte by byte: frames follow it
        ssize_t r = recv(fd, buf + got, 1, 0);
        if (r <= 0)
            break;
        buf[++got] = 0;
        if (got >= 4 && memcmp(buf + got - 4, "\r\n\r\n", 4) == 0)
            break;
    }
    if (status)
        *status = got > 12 ? atoi(buf + 9) : 0;
    if (!strstr(buf, " 101 ")) {
        close(fd);
        return -1;
    }
    return fd;
}

bool test_ws_send(int fd, unsigned char first, const void *data, size_t len, unsigned long long announced)
{
    unsigned long long L = announced ? announced : len;
    unsigned char h[14];
    size_t hl = 0;
    h[hl++] = first;
    if (L < 126) {
        h[hl++] = (unsigned char)(0x80 | L);
    } else if (L < 65536) {
        h[hl++] = 0x80 | 126;
        h[hl++] = (unsigned char)(L >> 8), h[hl++] = (unsigned char)L;
    } else {
        h[hl++] = 0x80 | 127;
        for (int i = 7; i >= 0; i--)
            h[hl++] = (unsigned char)(L >> (8 * i));
    }
    unsigned char mask[4] = {0x12, 0x34, 0x56, 0x78};
    memcpy(h + hl, mask, 4), hl += 4;
    unsigned char *buf = malloc(hl + len);
    memcpy(buf, h, hl);
    for (size_t i = 0; i < len; i++)
        buf[hl + i] = ((const unsigned char *)data)[i] ^ mask[i % 4];
    bool ok = test_send_all(fd, buf, hl + len);
    free(buf);
    return ok;
}

static bool recv_n(int fd, void *out, size_t n, int timeout_ms)
{
    char *p = out;
    while (n) {
        struct pollfd pf = {fd, POLLIN, 0};
        if (poll(&pf, 1, timeout_ms) <= 0)
            return false;
        ssize_t r = recv(fd, p, n, 0);
        if (r <= 0)
            return false;
        p += r, n -= (size_t)r;
    }
    return true;
}

int test_ws_recv(int fd, char *out, size_t size, int timeout_ms)
{
    unsigned char h[2];
    if (!recv_n(fd, h, 2, timeout_ms))
        return -1;
    unsigned long long len = h[1] & 0x7f;
    if (len == 126 || len == 127) {
        unsigned char e[8];
        size_t k = len == 126 ? 2 : 8;
        if (!recv_n(fd, e, k, timeout_ms))
            return -1;
        len = 0;
        for (size_t i = 0; i < k; i++)
            len = len << 8 | e[i];
    }
    if (len >= size)
        return -1;
    if (!recv_n(fd, out, (size_t)len, timeout_ms))
        return -1;
    out[len] = 0;
    return (h[0] & 0x0f) == 8 ? -1 : h[0] & 0x0f;
}

void test_uuid(char out[37])
{
    static unsigned counter;
    unsigned r1 = (unsigned)rand(), r2 = (unsigned)rand(), k = counter++;
    snprintf(out, 37, "%08x-%04x-4%03x-8%03x-%012llx", r1, (r2 >> 8) & 0xffff, k & 0xfff,
             (unsigned)getpid() & 0xfff, (unsigned long long)time(NULL) * 4096ULL + k);
}

const char *test_xapi_key(stoa_hub *hub)
{
    static _Thread_local char key[64];
    stoa_hub_xapi_key(hub, key);
    return key;
}

char *test_basic_auth(const char *user, const char *secret, const char *extra, char *out, size_t size)
{
    char cred[256], b64[sodium_base64_ENCODED_LEN(sizeof cred, sodium_base64_VARIANT_ORIGINAL)];
    int n = snprintf(cred, sizeof cred, "%s:%s", user, secret);
    out[0] = 0;
    if (n < 0 || (size_t)n >= sizeof cred)
        return out;
    sodium_bin2base64(b64, sizeof b64, (const unsigned char *)cred, (size_t)n, sodium_base64_VARIANT_ORIGINAL);
    n = snprintf(out, size, "Authorization: Basic %s\r\n%s", b64, extra ? extra : "");
    if (n < 0 || (size_t)n >= size)
        out[0] = 0;
    return out;
}

char *test_xapi_auth(stoa_hub *hub, const char *extra, char *out, size_t size)
{
    char more[512];
    snprintf(more, sizeof more, TEST_XAPI_VERSION "%s", extra ? extra : "");
    return test_basic_auth("xapi", test_xapi_key(hub), more, out, size);
}

char *test_statement(const char *id, const char *registration, int n)
{
    return test_statement_as(id, registration, n, "learner-test");
}

char *test_statement_as(const char *id, const char *registration, int n, const char *learner)
{
    cJSON *st = cJSON_CreateObject();
    cJSON_AddStringToObject(st, "id", id);
    cJSON *actor = cJSON_AddObjectToObject(st, "actor");
    cJSON_AddStringToObject(actor, "objectType", "Agent");
    cJSON *acc = cJSON_AddObjectToObject(actor, "account");
    cJSON_AddStringToObject(acc, "homePage", "https://stoa.dev/accounts");
    cJSON_AddStringToObject(acc, "name", learner);
    cJSON *verb = cJSON_AddObjectToObject(st, "verb");
    cJSON_AddStringToObject(verb, "id", "https://stoa.dev/xapi/verbs/gazed");
    cJSON_AddStringToObject(cJSON_AddObjectToObject(verb, "display"), "en-US", "gazed at");
    cJSON *obj = cJSON_AddObjectToObject(st, "object");
    cJSON_AddStringToObject(obj, "objectType", "Activity");
    char iri[128];
    snprintf(iri, sizeof iri, "https://stoa.dev/xapi/lessons/test/nodes/n%d", n);
    cJSON_AddStringToObject(obj, "id", iri);
    if (registration)
        cJSON_AddStringToObject(cJSON_AddObjectToObject(st, "context"), "registration", registration);
    cJSON_AddStringToObject(st, "timestamp", "2026-11-28T10:12:38.123Z");
    char *s = cJSON_PrintUnformatted(st);
    cJSON_Delete(st);
    return s;
}

void test_ws_send_text(int fd, const char *text)
{
    test_ws_send(fd, 0x81, text, strlen(text), 0);
}

bool test_ws_recv_until(int fd, const char *want, char *out, size_t size, int ms)
{
    for (int i = 0; i < 60; i++) {
        if (test_ws_recv(fd, out, size, ms) < 0)
            return false;
        if (strstr(out, want))
            return true;
    }
    return false;
}

int test_headset_join(int port, const char *code, const char *name, char token[65], int *out_fd)
{
    char answer[4096], msg[200];
    *out_fd = -1;
    if (test_join(port, code, name, token) != 200)
        return -1;
    *out_fd = test_ws_open(port);
    snprintf(msg, sizeof msg, "{\"t\":\"hello\",\"token\":\"%s\"}", token);
    test_ws_send_text(*out_fd, msg);
    if (!test_ws_recv_until(*out_fd, "welcome", answer, sizeof answer, 5000))
        return -1;
    cJSON *j = cJSON_Parse(answer);
    int id = (int)cJSON_GetNumberValue(cJSON_GetObjectItem(j, "device_id"));
    cJSON_Delete(j);
    return id;
}
