// SPDX-License-Identifier: Apache-2.0
// The hub under attack from the class network (loopback here; source
// addresses 127.0.x.y stand for other machines). Each class of issue 10 is
// sent in several shapes: deep JSON on every route, silent and slow
// connections, memory on demand, limits walked around from other addresses,
// a roster filled with fakes, non-canonical statements, cross-site and
// rebinding requests. Then: the hub is alive, answers the panel within
// 100 ms, its peak memory stayed under HUB_TEST_RSS_BOUND, and every
// statement it acknowledged before, during and after reads back unchanged.
// Runs in-process so that the sanitizer build checks the hub's own code.
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "hub_test_util.h"
#include "stoa_test.h"

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif
// The stated bound (docs/hub.md): the in-flight budget (64 MiB), one
// Argon2id (64 MiB), the workers' parse trees, SQLite and the process.
// AddressSanitizer's quarantine and shadow multiply it.
#ifdef UNDER_ASAN
#define HUB_TEST_RSS_BOUND_MB 1536
#else
#define HUB_TEST_RSS_BOUND_MB 320
#endif

static stoa_hub *g_hub;
static int g_port;
static char g_dir[256], g_cookie[128], g_csrf[65], g_token[65], g_xauth[300], g_reg[37];

typedef struct acked {
    char id[37];
    char *text; // as sent
} acked;
static acked g_acked[2048];
static int g_nacked;

static void remember(const char *id, const char *text)
{
    if (g_nacked < 2048) {
        snprintf(g_acked[g_nacked].id, 37, "%.36s", id);
        g_acked[g_nacked++].text = strdup(text);
    }
}

static void setup(void)
{
    if (g_hub)
        return;
    test_temp_dir(g_dir);
    char listen[64], lessons[1024];
    const char *src = getenv("STOA_SOURCE_DIR");
    snprintf(lessons, sizeof lessons, "%s/scenes/agora/lessons", src ? src : ".");
    g_port = test_free_port();
    snprintf(listen, sizeof listen, "127.0.0.1:%d", g_port);
    stoa_error err = {0};
    CHECK(stoa_hub_create(&(stoa_hub_desc){.listen = listen, .data_dir = g_dir, .lessons_dir = lessons,
                                          .password = TEST_PASSWORD, .header_timeout_ms = 2000,
                                          .body_timeout_ms = 3000, .hello_timeout_ms = 2000,
                                          .idle_timeout_ms = 6000}, &g_hub, &err) == STOA_OK);
    CHECK(test_login(g_port, TEST_PASSWORD, g_cookie, g_csrf) == 200);
    CHECK(test_join(g_port, stoa_hub_join_code(g_hub), "good headset", g_token) == 200);
    test_xapi_auth(g_hub, NULL, g_xauth, sizeof g_xauth);
    test_uuid(g_reg);
}

static int64_t ms_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

// The panel's poll: status and milliseconds.
static int panel(int64_t *out_ms)
{
    char headers[256], *out = NULL;
    snprintf(headers, sizeof headers, "Cookie: %s\r\n", g_cookie);
    int64_t t0 = ms_now();
    int s = test_http(g_port, "GET", "/api/state", headers, NULL, 0, &out, NULL, 0);
    *out_ms = ms_now() - t0;
    free(out);
    return s;
}

// Good traffic: statements by the xAPI key, remembered when acknowledged.
static void good_xapi(int n)
{
    for (int i = 0; i < n; i++) {
        char id[37], reg[37], *out = NULL;
        test_uuid(id), test_uuid(reg);
        char *st = test_statement_as(id, reg, i, "xapi-learner");
        if (test_http(g_port, "POST", "/xapi/statements", g_xauth, st, strlen(st), &out, NULL, 0) == 200 &&
            out && strstr(out, id))
            remember(id, st);
        free(out);
        free(st);
    }
}

// Good traffic from the good headset: hello, n statements, the ack.
static bool good_headset(int n)
{
    int fd = test_ws_open(g_port);
    if (fd < 0)
        return false;
    char msg[65536], hello[160];
    snprintf(hello, sizeof hello, "{\"t\":\"hello\",\"token\":\"%s\"}", g_token);
    test_ws_send(fd, 0x81, hello, strlen(hello), 0);
    bool ok = test_ws_recv(fd, msg, sizeof msg, 5000) == 1 && strstr(msg, "welcome");
    char ids[16][37], *sts[16];
    size_t len = (size_t)snprintf(msg, sizeof msg, "{\"t\":\"st\",\"items\":[");
    for (int i = 0; i < n && i < 16; i++) {
        test_uuid(ids[i]);
        sts[i] = test_statement_as(ids[i], g_reg, i, "good-learner");
        len += (size_t)snprintf(msg + len, sizeof msg - len, "%s%s", i ? "," : "", sts[i]);
    }
    len += (size_t)snprintf(msg + len, sizeof msg - len, "]}");
    test_ws_send(fd, 0x81, msg, len, 0);
    ok = ok && test_ws_recv(fd, msg, sizeof msg, 5000) == 1 && strstr(msg, "\"ack\"");
    for (int i = 0; i < n && i < 16; i++) {
        if (ok && strstr(msg, ids[i]) && !strstr(msg, "rejected\":[{"))
            remember(ids[i], sts[i]);
        else
            ok = false;
        free(sts[i]);
    }
    close(fd);
    return ok;
}

static char *nested(const char *open, const char *close, int depth, const char *core)
{
    size_t ol = strlen(open), cl = strlen(close);
    char *s = malloc((ol + cl) * (size_t)depth + strlen(core) + 1), *p = s;
    for (int i = 0; i < depth; i++)
        memcpy(p, open, ol), p += ol;
    p += sprintf(p, "%s", core);
    for (int i = 0; i < depth; i++)
        memcpy(p, close, cl), p += cl;
    *p = 0;
    return s;
}

static int post(const char *path, const char *headers, const char *body, char **out)
{
    return test_http(g_port, "POST", path, headers, body, strlen(body), out, NULL, 0);
}

STOA_TEST(deep_json_on_every_route)
{
    setup();
    good_xapi(5);
    CHECK(good_headset(4));
    char *arrays = nested("[", "]", 800, "1"), *objects = nested("{\"a\":", "}", 800, "1");
    char *mixed = nested("[{\"x\":", "}]", 400, "null");
    const char *shapes[] = {arrays, objects, mixed};
    char panel_h[300], *out = NULL;
    snprintf(panel_h, sizeof panel_h, "Cookie: %s\r\nX-CSRF-Token: %s\r\n", g_cookie, g_csrf);
    for (int k = 0; k < 3; k++) {
        int s;
        s = post("/api/login", NULL, shapes[k], &out);
        CHECK_MSG(s == 413 || s == 400 || s == 429, "login %d", s);
        free(out);
        s = post("/api/join", NULL, shapes[k], &out);
        CHECK_MSG(s == 413 || s == 400 || s == 429, "join %d", s);
        free(out);
        s = post("/api/command", panel_h, shapes[k], &out);
        CHECK_MSG(s == 413 || s == 400, "command %d", s);
        free(out);
        s = post("/xapi/statements", g_xauth, shapes[k], &out);
        CHECK_MSG(s == 413 || s == 400, "xapi %d", s);
        free(out);
        // A WebSocket message before the hello, and one after it.
        char answer[4096];
        int fd = test_ws_open(g_port);
        test_ws_send(fd, 0x81, shapes[k], strlen(shapes[k]), 0);
        CHECK(test_ws_recv(fd, answer, sizeof answer, 5000) == 1 && strstr(answer, "\"error\""));
        close(fd);
    }
    // A valid statement whose extension nests 600 deep: refused, never stored.
    char id[37];
    test_uuid(id);
    char *st = test_statement_as(id, g_reg, 1, "x");
    char *deep_ext = nested("{\"e\":", "}", 600, "1");
    size_t need = strlen(st) + strlen(deep_ext) + 200;
    char *evil = malloc(need);
    snprintf(evil, need, "%.*s,\"result\":{\"extensions\":{\"https://x.example/e\":%s}}}", (int)(strlen(st) - 1), st,
             deep_ext);
    int s = post("/xapi/statements", g_xauth, evil, &out);
    CHECK_MSG(s == 400 || s == 413, "deep extension: %d %s", s, out ? out : "");
    free(out);
    // Just under the reader's limit but over the statement's: 400 too.
    free(deep_ext);
    deep_ext = nested("{\"e\":", "}", 30, "1");
    snprintf(evil, need, "%.*s,\"result\":{\"extensions\":{\"https://x.example/e\":%s}}}", (int)(strlen(st) - 1), st,
             deep_ext);
    CHECK(post("/xapi/statements", g_xauth, evil, &out) == 400);
    CHECK(out && strstr(out, "nested deeper"));
    free(out);
    // Every unfiltered read still works (nothing stored can break it).
    CHECK(test_http(g_port, "GET", "/xapi/statements?limit=0", g_xauth, NULL, 0, &out, NULL, 0) == 200);
    free(out);
    free(arrays), free(objects), free(mixed), free(st), free(deep_ext), free(evil);
    int64_t ms;
    CHECK(panel(&ms) == 200);
    good_xapi(5);
}

typedef struct held {
    int fds[512];
    int n;
} held;

static void hold_close(held *h)
{
    for (int i = 0; i < h->n; i++)
        if (h->fds[i] >= 0)
            close(h->fds[i]);
    h->n = 0;
}

// true when the hub closed the socket (read gives end of stream or an error) within ms.
static bool closed_by_hub(int fd, int ms)
{
    char buf[4096];
    struct timeval tv = {ms / 1000, (ms % 1000) * 1000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    for (int i = 0; i < 64; i++) {
        ssize_t r = recv(fd, buf, sizeof buf, 0);
        if (r == 0 || (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK))
            return true;
        if (r < 0)
            return false;
    }
    return false;
}

STOA_TEST(silent_and_slow_connections_hold_no_worker)
{
    setup();
    static held ws, slow;
    char src[32];
    // 300 silent WebSockets from ten "machines", 40 half-sent heads, 20 bodies
    // dribbled a byte at a time.
    for (int i = 0; i < 300; i++) {
        snprintf(src, sizeof src, "127.0.1.%d", 1 + i % 10);
        ws.fds[ws.n++] = test_ws_open_from(g_port, src);
    }
    int opened = 0;
    for (int i = 0; i < 300; i++)
        opened += ws.fds[i] >= 0;
    CHECK_MSG(opened == 300, "%d of 300 opened", opened);
    for (int i = 0; i < 40; i++) {
        snprintf(src, sizeof src, "127.0.2.%d", 1 + i % 4);
        int fd = test_connect_from(g_port, src);
        test_send_all(fd, "GET / HTTP/1.1\r\nHost: x", 23);
        slow.fds[slow.n++] = fd;
    }
    for (int i = 0; i < 20; i++) {
        snprintf(src, sizeof src, "127.0.3.%d", 1 + i % 4);
        int fd = test_connect_from(g_port, src);
        const char *h = "POST /xapi/statements HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                        "Content-Length: 5000\r\n\r\n[";
        test_send_all(fd, h, strlen(h));
        slow.fds[slow.n++] = fd;
    }
    // Meanwhile the class goes on.
    int64_t ms = 0, worst = 0;
    for (int i = 0; i < 5; i++) {
        CHECK(panel(&ms) == 200);
        worst = ms > worst ? ms : worst;
    }
    CHECK_MSG(worst < 1000, "panel took %lld ms with 360 idle connections", (long long)worst);
    CHECK(good_headset(4));
    good_xapi(5);
    // The deadlines: hello (2 s), head (2 s), body (3 s) close them, not the
    // clients (each socket is waited for until 10 s after the attack began).
    int64_t until = ms_now() + 10000;
    int closed = 0, slow_opened = 0;
    for (int i = 0; i < ws.n; i++)
        closed += ws.fds[i] >= 0 && closed_by_hub(ws.fds[i], (int)(until - ms_now() > 200 ? until - ms_now() : 200));
    CHECK_MSG(closed == opened, "hello deadline closed %d of %d", closed, opened);
    closed = 0;
    for (int i = 0; i < slow.n; i++) {
        slow_opened += slow.fds[i] >= 0;
        closed += slow.fds[i] >= 0 && closed_by_hub(slow.fds[i], (int)(until - ms_now() > 200 ? until - ms_now() : 200));
    }
    CHECK_MSG(closed == slow_opened && slow_opened == 60, "header/body deadline closed %d of %d", closed, slow_opened);
    hold_close(&ws);
    hold_close(&slow);
    // One address cannot hold more than its share (32).
    int from_one[40], accepted = 0;
    for (int i = 0; i < 40; i++)
        from_one[i] = test_connect_from(g_port, "127.0.4.1");
    test_sleep_ms(300);
    for (int i = 0; i < 40; i++)
        accepted += from_one[i] >= 0 && !closed_by_hub(from_one[i], 50);
    CHECK_MSG(accepted <= 32, "one address holds %d connections", accepted);
    for (int i = 0; i < 40; i++)
        if (from_one[i] >= 0)
            close(from_one[i]);
    CHECK(panel(&ms) == 200);
}

static void *login_storm(void *arg)
{
    char cookie[128], csrf[65], *out = NULL, src[32];
    int i = (int)(intptr_t)arg;
    snprintf(src, sizeof src, "127.0.5.%d", 1 + i);
    const char *body = "{\"password\":\"wrong horse battery\"}";
    char req[512];
    int n = snprintf(req, sizeof req, "POST /api/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                                      "Content-Length: %zu\r\n\r\n%s", strlen(body), body);
    test_http_raw_from(g_port, src, req, (size_t)n, &out);
    free(out);
    (void)cookie, (void)csrf;
    return NULL;
}

STOA_TEST(memory_on_demand_is_refused)
{
    setup();
    char answer[4096];
    // Frames announcing 256 MiB (and more) are refused from their header.
    for (int i = 0; i < 8; i++) {
        int fd = test_ws_open(g_port);
        unsigned long long sizes[] = {256ull << 20, 1ull << 40, 300 * 1024, 1ull << 62};
        test_ws_send(fd, 0x81, "{\"t\":", 5, sizes[i % 4]);
        CHECK(test_ws_recv(fd, answer, sizeof answer, 3000) == 1 && strstr(answer, "too_large"));
        close(fd);
    }
    // Forty logins at once: one Argon2id at a time, the queue says "busy" past 8.
    pthread_t t[40];
    for (int i = 0; i < 40; i++)
        pthread_create(&t[i], NULL, login_storm, (void *)(intptr_t)i);
    for (int i = 0; i < 40; i++)
        pthread_join(t[i], NULL);
    // Bodies at the limit from many connections at once: the in-flight budget holds.
    size_t big = 250 * 1024;
    char *body = malloc(big + 1);
    memset(body, ' ', big);
    body[0] = '[', body[big - 1] = ']';
    body[big] = 0;
    int fds[64];
    char head[512];
    int hl = snprintf(head, sizeof head, "POST /xapi/statements HTTP/1.1\r\nHost: 127.0.0.1\r\n%sContent-Type: application/json\r\n"
                                         "Content-Length: %zu\r\n\r\n", g_xauth, big);
    for (int i = 0; i < 64; i++) {
        char src[32];
        snprintf(src, sizeof src, "127.0.6.%d", 1 + i % 8);
        fds[i] = test_connect_from(g_port, src);
        test_send_all(fds[i], head, (size_t)hl);
        test_send_all(fds[i], body, big - 1); // all but the last byte: held in flight
    }
    good_xapi(3);
    for (int i = 0; i < 64; i++) {
        test_send_all(fds[i], "]", 1);
        close(fds[i]);
    }
    free(body);
    int64_t ms;
    CHECK(panel(&ms) == 200);
    CHECK(good_headset(4));
}

STOA_TEST(non_canonical_statements_are_refused)
{
    setup();
    char id[37], reg[37], *out = NULL;
    test_uuid(id), test_uuid(reg);
    char *st = test_statement_as(id, reg, 1, "canon");
    size_t n = strlen(st) + 200;
    char *bad = malloc(n);
    const char *tails[] = {
        ",\"id\":\"%s\"}",                          // duplicate id
        ",\"result\":{\"response\":\"caf\xc3\"}}",  // invalid UTF-8
        ",\"result\":{\"score\":{\"raw\":1e999}}}", // a number that does not fit
        ",\"result\":{\"extensions\":{\"https://x.example/n\":9007199254740993}}}", // nor this one
        ",\"result\":{\"score\":{\"raw\":44444444444444043.44}}}", // prints as ...040
        ",\"result\":{\"response\":\"a\\u0000b\"}}",               // \u0000
        ",\"result\":{\"response\":\"\\ud800\"}}",                 // a lone surrogate
    };
    for (size_t k = 0; k < sizeof tails / sizeof *tails; k++) {
        char other[37], tail[200];
        test_uuid(other);
        snprintf(tail, sizeof tail, tails[k], other);
        snprintf(bad, n, "%.*s%s", (int)(strlen(st) - 1), st, tail);
        int s = post("/xapi/statements", g_xauth, bad, &out);
        CHECK_MSG(s == 400, "case %zu: %d %s", k, s, out ? out : "");
        free(out);
    }
    char path[128];
    snprintf(path, sizeof path, "/xapi/statements?statementId=%s", id);
    CHECK(test_http(g_port, "GET", path, g_xauth, NULL, 0, &out, NULL, 0) == 404); // nothing half-stored
    free(out);
    // An id with \u0000 cannot be cut short into another one.
    snprintf(bad, n, "{\"id\\u0000\":1}");
    CHECK(post("/xapi/statements", g_xauth, bad, &out) == 400);
    free(out);
    free(bad), free(st);
    // Lesson names are decoded once: %252D stays "%2D", not "-".
    char auth[128];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s\r\n", g_token);
    CHECK(test_http(g_port, "GET", "/api/headset/lesson?name=stoa%252Dpoikile.yaml", auth, NULL, 0, &out, NULL, 0) == 404);
    // Errors name the lesson, never a folder of the hub's machine.
    CHECK(out && !strstr(out, "/scenes/") && !strstr(out, g_dir) && strstr(out, "not in the library"));
    free(out);
    CHECK(test_http(g_port, "GET", "/api/headset/lesson?name=stoa-poikile.yaml", auth, NULL, 0, &out, NULL, 0) == 200);
    free(out);
    good_xapi(2);
}

STOA_TEST(cross_site_and_rebinding_requests_are_refused)
{
    setup();
    char *out = NULL, headers[1024];
    // CORS: the panel's API answers no preflight; the xAPI resource does.
    CHECK(test_http(g_port, "OPTIONS", "/api/login", "Origin: http://evil.example\r\n", NULL, 0, &out, headers,
                    sizeof headers) == 403);
    CHECK(!strstr(headers, "Access-Control-Allow-Origin"));
    free(out);
    CHECK(test_http(g_port, "OPTIONS", "/xapi/statements", "Origin: http://lrs.example\r\n", NULL, 0, &out, headers,
                    sizeof headers) == 204);
    CHECK(strstr(headers, "Access-Control-Allow-Origin: *") != NULL);
    free(out);
    // A page elsewhere cannot log in, join, command, or open the headset socket.
    const char *json = "{\"password\":\"x\"}";
    CHECK(post("/api/login", "Origin: http://evil.example\r\n", json, &out) == 403);
    free(out);
    CHECK(post("/api/login", "Content-Type: text/plain\r\n", json, &out) == 415);
    free(out);
    CHECK(post("/api/join", "Content-Type: application/x-www-form-urlencoded\r\n", "code=ABCDEF", &out) == 415);
    free(out);
    snprintf(headers, sizeof headers, "Cookie: %s\r\nX-CSRF-Token: %s\r\nOrigin: http://evil.example\r\n", g_cookie, g_csrf);
    CHECK(post("/api/command", headers, "{\"cmd\":\"pause\"}", &out) == 403);
    free(out);
    char req[512];
    int n = snprintf(req, sizeof req,
                     "GET /ws/headset HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nOrigin: http://evil.example\r\nUpgrade: websocket\r\n"
                     "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
                     g_port);
    CHECK(test_http_raw(g_port, req, (size_t)n, &out) == 403);
    free(out);
    // DNS rebinding: a name the hub does not go by.
    n = snprintf(req, sizeof req, "GET /api/session HTTP/1.1\r\nHost: evil.example:%d\r\n\r\n", g_port);
    CHECK(test_http_raw(g_port, req, (size_t)n, &out) == 421);
    free(out);
    // The teacher's own page still works, and so does her login.
    snprintf(headers, sizeof headers, "Origin: http://127.0.0.1:%d\r\n", g_port);
    char cookie[128], csrf[65];
    CHECK(test_login(g_port, TEST_PASSWORD, cookie, csrf) == 200);
}

STOA_TEST(zz_after_the_attack)
{
    setup();
    good_xapi(5);
    CHECK(good_headset(4));
    int64_t ms = 0, worst = 0, times[10];
    for (int i = 0; i < 10; i++) {
        CHECK(panel(&ms) == 200);
        times[i] = ms;
        worst = ms > worst ? ms : worst;
    }
    int below = 0;
    for (int i = 0; i < 10; i++)
        below += times[i] < 100;
    // Within 100 ms, nine times out of ten at least (a shared CI machine may
    // deschedule the test itself once); never anywhere near a timeout.
    CHECK_MSG(below >= 9 && worst < 1000, "the panel answered within 100 ms %d times of 10, worst %lld ms", below,
              (long long)worst);
    // Every acknowledged statement reads back as it was sent.
    int same = 0;
    for (int i = 0; i < g_nacked; i++) {
        char path[128], *out = NULL;
        snprintf(path, sizeof path, "/xapi/statements?statementId=%.36s", g_acked[i].id);
        if (test_http(g_port, "GET", path, g_xauth, NULL, 0, &out, NULL, 0) == 200) {
            cJSON *got = cJSON_Parse(out), *sent = cJSON_Parse(g_acked[i].text);
            // The LRS sets stored, authority and version (xAPI Data 2.4.8-2.4.10).
            cJSON_DeleteItemFromObject(got, "stored");
            cJSON_DeleteItemFromObject(got, "authority");
            if (!cJSON_GetObjectItem(sent, "version"))
                cJSON_DeleteItemFromObject(got, "version");
            same += cJSON_Compare(got, sent, 1);
            cJSON_Delete(got);
            cJSON_Delete(sent);
        }
        free(out);
    }
    CHECK_MSG(same == g_nacked && g_nacked >= 40, "%d of %d acknowledged statements read back unchanged", same, g_nacked);
    // Peak memory of this whole process (the hub and the attackers).
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long hwm_kb = 0;
    while (f && fgets(line, sizeof line, f))
        sscanf(line, "VmHWM: %ld kB", &hwm_kb);
    if (f)
        fclose(f);
    printf("after the attack: panel %lld ms (worst of 10), %d statements read back, peak RSS %ld MiB (bound %d)\n",
           (long long)worst, same, hwm_kb / 1024, HUB_TEST_RSS_BOUND_MB);
    CHECK_MSG(hwm_kb > 0 && hwm_kb / 1024 < HUB_TEST_RSS_BOUND_MB, "peak RSS %ld MiB", hwm_kb / 1024);
    for (int i = 0; i < g_nacked; i++)
        free(g_acked[i].text);
    stoa_hub_destroy(&g_hub);
}

STOA_TEST_MAIN()
