// SPDX-License-Identifier: Apache-2.0
// Limits that other addresses cannot walk around: login and join rate
// limits (fixed windows per address plus one budget for all), a teacher
// that a cross-site page or other machines cannot lock out, a roster that
// fake or unused devices cannot fill, admission by the teacher, and the
// per-headset statement quota with its clear error.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "hub_test_util.h"
#include "stoa_test.h"

static stoa_hub *start(const stoa_hub_desc *extra, int *port, char dir[256])
{
    char listen[64], lessons[1024];
    const char *src = getenv("STOA_SOURCE_DIR");
    snprintf(lessons, sizeof lessons, "%s/scenes/agora/lessons", src ? src : ".");
    test_temp_dir(dir);
    *port = test_free_port();
    snprintf(listen, sizeof listen, "127.0.0.1:%d", *port);
    stoa_hub_desc d = *extra;
    d.listen = listen, d.data_dir = dir, d.lessons_dir = lessons, d.password = TEST_PASSWORD;
    stoa_hub *hub = NULL;
    stoa_error err = {0};
    CHECK(stoa_hub_create(&d, &hub, &err) == STOA_OK);
    return hub;
}

// The limits count in fixed minutes from each limit's first use
// (hub_rate_ok): a sequence that must fit in one window starts a limit's
// first use on a fresh hub, and takes seconds. One that took longer than a
// window (a machine far too slow) fails with a message saying so.
static double seconds_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static int post_from(int port, const char *src, const char *path, const char *extra, const char *body)
{
    char req[1024], *out = NULL;
    int n = snprintf(req, sizeof req, "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n%s"
                                      "Content-Length: %zu\r\n\r\n%s", path, extra ? extra : "", strlen(body), body);
    int s = test_http_raw_from(port, src, req, (size_t)n, &out);
    free(out);
    return s;
}

STOA_TEST(rate_limits_cannot_be_reset_by_other_addresses)
{
    char dir[256], src[32], cookie[128], csrf[65];
    int port;
    stoa_hub *hub = start(&(stoa_hub_desc){0}, &port, dir);
    const char *wrong = "{\"password\":\"wrong\"}";
    struct timespec t0; // the login limit's first use is the next request
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int s = 0, n = 0;
    while (n < 10 && (s = post_from(port, "127.0.7.1", "/api/login", NULL, wrong)) != 429)
        n++;
    CHECK_MSG(s == 429 && n == 5, "%d attempts before %d", n, s);
    // Forty other addresses later, the first is still counted.
    for (int i = 0; i < 40; i++) {
        snprintf(src, sizeof src, "127.0.8.%d", 1 + i);
        post_from(port, src, "/api/session", NULL, "{}");
        post_from(port, src, "/api/login", NULL, wrong);
    }
    s = post_from(port, "127.0.7.1", "/api/login", NULL, wrong);
    CHECK_MSG(s == 429, "the first address again: %d", s);
    // All other machines together had 30 guesses this minute: a new address gets none.
    s = post_from(port, "127.0.9.99", "/api/login", NULL, wrong);
    CHECK_MSG(s == 429, "a new address: %d", s);
    // A page on another site (in the teacher's own browser) cannot use up her attempts...
    for (int i = 0; i < 10; i++) {
        CHECK(post_from(port, "127.0.0.1", "/api/login", "Origin: http://evil.example\r\n", wrong) == 403);
        char req[256], *out = NULL;
        int len = snprintf(req, sizeof req, "POST /api/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\n"
                                            "Content-Length: %zu\r\n\r\n%s", strlen(wrong), wrong);
        CHECK(test_http_raw(port, req, (size_t)len, &out) == 415);
        free(out);
    }
    // ... and the other machines' guesses do not lock her out on the hub's own machine.
    CHECK(test_login(port, TEST_PASSWORD, cookie, csrf) == 200);
    CHECK_MSG(seconds_since(&t0) < 50, "the login sequence took %.0f s: more than one window", seconds_since(&t0));
    // Join-code guesses: 30 a minute per address, 300 for all together
    // (the join limit's first use is the next request).
    clock_gettime(CLOCK_MONOTONIC, &t0);
    n = 0;
    while (n < 40 && (s = post_from(port, "127.0.10.1", "/api/join", NULL, "{\"code\":\"AAAAAA\"}")) != 429)
        n++;
    CHECK_MSG(n == 30, "%d join guesses from one address", n);
    int ok = 0;
    for (int i = 0; i < 290; i++) {
        snprintf(src, sizeof src, "127.0.%d.%d", 11 + i / 200, 1 + i % 200);
        ok += post_from(port, src, "/api/join", NULL, "{\"code\":\"AAAAAA\"}") == 403;
    }
    CHECK_MSG(ok <= 300 - 30, "%d wrong guesses answered across 290 addresses", ok);
    CHECK_MSG(seconds_since(&t0) < 50, "the join sequence took %.0f s: more than one window", seconds_since(&t0));
    stoa_hub_destroy(&hub);
}

static int ws_hello(int port, const char *token, char *answer, size_t size)
{
    int fd = test_ws_open(port);
    char msg[160];
    snprintf(msg, sizeof msg, "{\"t\":\"hello\",\"token\":\"%s\"}", token);
    test_ws_send(fd, 0x81, msg, strlen(msg), 0);
    if (test_ws_recv(fd, answer, size, 5000) != 1)
        answer[0] = 0;
    return fd;
}

static int roster_count(int port, const char *cookie, const char *name)
{
    char headers[256], *out = NULL;
    snprintf(headers, sizeof headers, "Cookie: %s\r\n", cookie);
    test_http(port, "GET", "/api/state", headers, NULL, 0, &out, NULL, 0);
    cJSON *j = cJSON_Parse(out ? out : "");
    int n = 0;
    const cJSON *h;
    cJSON_ArrayForEach(h, cJSON_GetObjectItem(j, "headsets"))
        n += !name || strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(h, "name")), name) == 0;
    cJSON_Delete(j);
    free(out);
    return n;
}

STOA_TEST(roster_cannot_be_filled_by_fakes)
{
    char dir[256], cookie[128], csrf[65], token[65], answer[4096], src[32];
    int port;
    stoa_hub *hub = start(&(stoa_hub_desc){.max_headsets = 10, .join_per_minute = 200}, &port, dir);
    CHECK(test_login(port, TEST_PASSWORD, cookie, csrf) == 200);
    // 120 tokens that are never used take no place (joins are limited to
    // 300 a minute for all addresses together: this stays under it).
    for (int i = 0; i < 120; i++) {
        snprintf(src, sizeof src, "127.0.20.%d", 1 + i % 2);
        char body[64];
        snprintf(body, sizeof body, "{\"code\":\"%s\",\"device\":\"fake\"}", stoa_hub_join_code(hub));
        post_from(port, src, "/api/join", NULL, body);
    }
    // Ten fakes that said hello and left: their places go to whoever comes.
    for (int i = 0; i < 10; i++) {
        char t[65];
        CHECK(test_join(port, stoa_hub_join_code(hub), "fake that left", t) == 200);
        close(ws_hello(port, t, answer, sizeof answer));
    }
    test_sleep_ms(300);
    CHECK(test_join(port, stoa_hub_join_code(hub), "real headset", token) == 200);
    int real = ws_hello(port, token, answer, sizeof answer);
    CHECK(strstr(answer, "welcome") != NULL);
    CHECK(roster_count(port, cookie, "real headset") == 1);
    CHECK(roster_count(port, cookie, NULL) <= 10);
    char headers[300], *out = NULL;
    snprintf(headers, sizeof headers, "Cookie: %s\r\nX-CSRF-Token: %s\r\n", cookie, csrf);
    CHECK(test_http(port, "POST", "/api/command", headers, "{\"cmd\":\"message\",\"text\":\"hi\"}", 29, &out, NULL, 0) == 200);
    CHECK(out && strstr(out, "\"sent\":1"));
    free(out);
    CHECK(test_ws_recv(real, answer, sizeof answer, 5000) == 1 && strstr(answer, "\"message\""));
    // When every place is held by a connected headset, the next one hears why.
    int held[10], nheld = 0;
    for (int i = 0; i < 9; i++) {
        char t[65];
        test_join(port, stoa_hub_join_code(hub), "present", t);
        held[nheld++] = ws_hello(port, t, answer, sizeof answer);
    }
    CHECK(test_join(port, stoa_hub_join_code(hub), "late", token) == 200);
    int late = ws_hello(port, token, answer, sizeof answer);
    CHECK_MSG(strstr(answer, "roster_full") != NULL, "%s", answer);
    close(late);
    for (int i = 0; i < nheld; i++)
        close(held[i]);
    close(real);
    stoa_hub_destroy(&hub);
}

STOA_TEST(admission_by_the_teacher)
{
    char dir[256], cookie[128], csrf[65], token[65], answer[4096];
    int port;
    stoa_hub *hub = start(&(stoa_hub_desc){.admit_by_teacher = true}, &port, dir);
    CHECK(test_login(port, TEST_PASSWORD, cookie, csrf) == 200);
    CHECK(test_join(port, stoa_hub_join_code(hub), "new headset", token) == 200);
    close(ws_hello(port, token, answer, sizeof answer));
    CHECK(strstr(answer, "waiting_for_teacher") != NULL);
    CHECK(roster_count(port, cookie, NULL) == 0);
    char headers[300], *out = NULL;
    snprintf(headers, sizeof headers, "Cookie: %s\r\n", cookie);
    test_http(port, "GET", "/api/state", headers, NULL, 0, &out, NULL, 0);
    cJSON *j = cJSON_Parse(out ? out : "");
    const cJSON *w = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "waiting"), 0);
    CHECK(w && strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(w, "name")), "new headset") == 0);
    char body[64];
    snprintf(body, sizeof body, "{\"device\":%d}", (int)cJSON_GetNumberValue(cJSON_GetObjectItem(w, "id")));
    cJSON_Delete(j);
    free(out);
    snprintf(headers, sizeof headers, "Cookie: %s\r\nX-CSRF-Token: %s\r\n", cookie, csrf);
    CHECK(test_http(port, "POST", "/api/device/admit", headers, body, strlen(body), &out, NULL, 0) == 200);
    free(out);
    close(ws_hello(port, token, answer, sizeof answer));
    CHECK(strstr(answer, "welcome") != NULL);
    stoa_hub_destroy(&hub);
}

STOA_TEST(statement_quota_per_headset)
{
    char dir[256], token[65], answer[65536], reg[37];
    int port;
    stoa_hub *hub = start(&(stoa_hub_desc){.device_quota = 5}, &port, dir);
    CHECK(test_join(port, stoa_hub_join_code(hub), "busy headset", token) == 200);
    int fd = ws_hello(port, token, answer, sizeof answer);
    test_uuid(reg);
    char msg[65536];
    size_t len = (size_t)snprintf(msg, sizeof msg, "{\"t\":\"st\",\"items\":[");
    for (int i = 0; i < 8; i++) {
        char id[37];
        test_uuid(id);
        char *st = test_statement_as(id, reg, i, "busy");
        len += (size_t)snprintf(msg + len, sizeof msg - len, "%s%s", i ? "," : "", st);
        free(st);
    }
    len += (size_t)snprintf(msg + len, sizeof msg - len, "]}");
    test_ws_send(fd, 0x81, msg, len, 0);
    CHECK(test_ws_recv(fd, answer, sizeof answer, 5000) == 1);
    cJSON *j = cJSON_Parse(answer);
    CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(j, "ids")) == 5);
    CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(j, "rejected")) == 3);
    CHECK_CONTAINS(answer, "quota");
    cJSON_Delete(j);
    close(fd);
    stoa_hub_destroy(&hub);
}

STOA_TEST_MAIN()
