// SPDX-License-Identifier: Apache-2.0
// Hostile input: wrong and missing tokens, oversized and malformed
// WebSocket messages and HTTP bodies, SQL metacharacters and script tags in
// names, path traversal in lesson names, too many logins. Each is refused
// with a clear status, and a well-behaved headset keeps being served.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "hub_test_util.h"
#include "stoa_test.h"

static stoa_hub *g_hub;
static int g_port;
static char g_cookie[128], g_csrf[65], g_token[65];

static void setup(void)
{
    if (g_hub)
        return;
    char dir[256];
    test_temp_dir(dir);
    // Short deadlines for a request's head and body (defaults 10 s and 30 s):
    // a body shorter than it says and garbage instead of HTTP are then
    // answered by the hub within a second, instead of by the client's own
    // 10-second timeout (which the checks also accept).
    g_hub = test_hub_start_desc(&(stoa_hub_desc){.header_timeout_ms = 1000, .body_timeout_ms = 1000}, dir, &g_port);
    CHECK(test_login(g_port, TEST_PASSWORD, g_cookie, g_csrf) == 200);
    CHECK(test_join(g_port, stoa_hub_join_code(g_hub), "good headset", g_token) == 200);
}

// A good headset: hello, then one statement acknowledged.
static bool good_headset_served(void)
{
    int fd = test_ws_open(g_port);
    if (fd < 0)
        return false;
    char msg[2048], id[37];
    snprintf(msg, sizeof msg, "{\"t\":\"hello\",\"token\":\"%s\"}", g_token);
    test_ws_send(fd, 0x81, msg, strlen(msg), 0);
    bool ok = test_ws_recv(fd, msg, sizeof msg, 5000) == 1 && strstr(msg, "welcome");
    test_uuid(id);
    char *st = test_statement(id, NULL, 1);
    snprintf(msg, sizeof msg, "{\"t\":\"st\",\"items\":[%s]}", st);
    free(st);
    test_ws_send(fd, 0x81, msg, strlen(msg), 0);
    ok = ok && test_ws_recv(fd, msg, sizeof msg, 5000) == 1 && strstr(msg, id);
    close(fd);
    return ok;
}

// Opens a socket, says hello with token, sends `first` frame; returns the
// hub's first answer text ("" when it closed without one).
static void ws_exchange(const char *token, unsigned char op, const char *payload, size_t len,
                        unsigned long long announced, char *answer, size_t size)
{
    answer[0] = 0;
    int fd = test_ws_open(g_port);
    CHECK(fd >= 0);
    if (fd < 0)
        return;
    char msg[256];
    if (token) {
        snprintf(msg, sizeof msg, "{\"t\":\"hello\",\"token\":\"%s\"}", token);
        test_ws_send(fd, 0x81, msg, strlen(msg), 0);
        if (test_ws_recv(fd, answer, size, 5000) != 1 || !strstr(answer, "welcome")) {
            close(fd);
            return;
        }
        answer[0] = 0;
    }
    test_ws_send(fd, op, payload, len, announced);
    if (test_ws_recv(fd, answer, size, 5000) < 0)
        answer[0] = 0;
    close(fd);
}

STOA_TEST(wrong_and_missing_device_tokens)
{
    setup();
    char answer[4096];
    const char *bad = "0000000000000000000000000000000000000000000000000000000000000000";
    ws_exchange(NULL, 0x81, "{\"t\":\"hello\",\"token\":\"0000\"}", 28, 0, answer, sizeof answer);
    CHECK(strstr(answer, "bad_token") != NULL);
    char hello[128];
    snprintf(hello, sizeof hello, "{\"t\":\"hello\",\"token\":\"%s\"}", bad);
    ws_exchange(NULL, 0x81, hello, strlen(hello), 0, answer, sizeof answer);
    CHECK(strstr(answer, "bad_token") != NULL);
    ws_exchange(NULL, 0x81, "{\"t\":\"hello\"}", 13, 0, answer, sizeof answer);
    CHECK(strstr(answer, "bad_token") != NULL);
    // Statements before a hello are refused.
    ws_exchange(NULL, 0x81, "{\"t\":\"st\",\"items\":[]}", 21, 0, answer, sizeof answer);
    CHECK(strstr(answer, "hello_first") != NULL);
    // The lesson download needs a device token.
    char *out = NULL;
    CHECK(test_http(g_port, "GET", "/api/headset/lesson?name=stoa-poikile.yaml", NULL, NULL, 0, &out, NULL, 0) == 401);
    free(out);
    char auth[128];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s\r\n", bad);
    CHECK(test_http(g_port, "GET", "/api/headset/lesson?name=stoa-poikile.yaml", auth, NULL, 0, &out, NULL, 0) == 401);
    free(out);
    CHECK(good_headset_served());
}

STOA_TEST(malformed_and_oversized_websocket_messages)
{
    setup();
    char answer[4096];
    ws_exchange(g_token, 0x81, "{not json", 9, 0, answer, sizeof answer);
    CHECK(strstr(answer, "malformed") != NULL);
    ws_exchange(g_token, 0x82, "\x01\x02", 2, 0, answer, sizeof answer); // binary
    CHECK(strstr(answer, "text_messages_only") != NULL);
    ws_exchange(g_token, 0x01, "{\"t\":", 5, 0, answer, sizeof answer); // a fragment
    CHECK(strstr(answer, "text_messages_only") != NULL);
    ws_exchange(g_token, 0x81, "{\"t\":\"launch_missiles\"}", 23, 0, answer, sizeof answer);
    CHECK(strstr(answer, "unknown_message") != NULL);
    ws_exchange(g_token, 0x81, "{\"t\":\"st\",\"items\":{}}", 21, 0, answer, sizeof answer);
    CHECK(strstr(answer, "bad_batch") != NULL);
    size_t big = 300 * 1024;
    char *huge = malloc(big);
    memset(huge, ' ', big);
    huge[0] = '{', huge[big - 1] = '}';
    ws_exchange(g_token, 0x81, huge, big, 0, answer, sizeof answer);
    CHECK(strstr(answer, "too_large") != NULL);
    free(huge);
    // A frame that announces 4 GiB and then stops: the hub must not wait on
    // it forever nor fall over.
    ws_exchange(g_token, 0x81, "{}", 2, 1ULL << 32, answer, sizeof answer);
    // An invalid statement is refused by id; the connection stays.
    ws_exchange(g_token, 0x81, "{\"t\":\"st\",\"items\":[{\"id\":\"x\"}]}", 31, 0, answer, sizeof answer);
    CHECK(strstr(answer, "rejected") && strstr(answer, "\"why\""));
    CHECK(good_headset_served());
}

STOA_TEST(oversized_and_malformed_http_bodies)
{
    setup();
    char *out = NULL, headers[300];
    size_t big = 2u << 20;
    char *huge = malloc(big);
    memset(huge, 'a', big);
    snprintf(headers, sizeof headers, "Cookie: %s\r\nX-CSRF-Token: %s\r\n", g_cookie, g_csrf);
    CHECK(test_http(g_port, "POST", "/api/command", headers, huge, big, &out, NULL, 0) == 413);
    free(out);
    CHECK(test_http(g_port, "POST", "/api/command", headers, "{\"cmd\":", 7, &out, NULL, 0) == 400);
    free(out);
    CHECK(test_http(g_port, "POST", "/api/join", NULL, "[1,2", 4, &out, NULL, 0) == 400);
    free(out);
    free(huge);
    // A body shorter than it says.
    const char *liar = "POST /api/join HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{}";
    CHECK(test_http_raw(g_port, liar, strlen(liar), &out) >= 400 || out == NULL || out[0] == 0);
    free(out);
    // Garbage instead of HTTP.
    CHECK(test_http_raw(g_port, "\x16\x03\x01garbage\r\n\r\n", 13, &out) != 200);
    free(out);
    CHECK(good_headset_served());
}

STOA_TEST(csrf_and_session_required)
{
    setup();
    char *out = NULL, headers[300];
    const char *cmd = "{\"cmd\":\"pause\"}";
    CHECK(test_http(g_port, "POST", "/api/command", NULL, cmd, strlen(cmd), &out, NULL, 0) == 401);
    free(out);
    snprintf(headers, sizeof headers, "Cookie: %s\r\n", g_cookie);
    CHECK(test_http(g_port, "POST", "/api/command", headers, cmd, strlen(cmd), &out, NULL, 0) == 403);
    free(out);
    snprintf(headers, sizeof headers, "Cookie: %s\r\nX-CSRF-Token: %.63sX\r\n", g_cookie, g_csrf);
    CHECK(test_http(g_port, "POST", "/api/command", headers, cmd, strlen(cmd), &out, NULL, 0) == 403);
    free(out);
    snprintf(headers, sizeof headers, "Cookie: %s\r\nX-CSRF-Token: %s\r\n", g_cookie, g_csrf);
    CHECK(test_http(g_port, "POST", "/api/command", headers, cmd, strlen(cmd), &out, NULL, 0) == 200);
    free(out);
    CHECK(test_http(g_port, "GET", "/api/state", NULL, NULL, 0, &out, NULL, 0) == 401);
    free(out);
}

STOA_TEST(sql_and_script_in_names_are_data)
{
    setup();
    char token[65], *out = NULL, headers[300];
    const char *evil = "Robert'); DROP TABLE devices;-- <script>alert(1)</script>";
    CHECK(test_join(g_port, stoa_hub_join_code(g_hub), evil, token) == 200);
    // Connect it so it appears in the roster.
    int fd = test_ws_open(g_port);
    char msg[512];
    snprintf(msg, sizeof msg, "{\"t\":\"hello\",\"token\":\"%s\"}", token);
    test_ws_send(fd, 0x81, msg, strlen(msg), 0);
    CHECK(test_ws_recv(fd, msg, sizeof msg, 5000) == 1);
    snprintf(headers, sizeof headers, "Cookie: %s\r\n", g_cookie);
    CHECK(test_http(g_port, "GET", "/api/state", headers, NULL, 0, &out, NULL, 0) == 200);
    cJSON *j = cJSON_Parse(out ? out : "");
    bool found = false;
    const cJSON *h;
    cJSON_ArrayForEach(h, cJSON_GetObjectItem(j, "headsets"))
        found = found || strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(h, "name")), evil) == 0;
    CHECK(found); // stored and returned verbatim, as JSON data (the panel renders it as text)
    cJSON_Delete(j);
    free(out);
    close(fd);
    // The devices table is still there: the good headset is still known.
    CHECK(good_headset_served());
    // The panel is served with a policy that runs no inline script.
    CHECK(test_http(g_port, "GET", "/", NULL, NULL, 0, &out, headers, sizeof headers) == 200);
    CHECK(strstr(headers, "script-src 'self'") != NULL);
    free(out);
}

STOA_TEST(path_traversal_in_lesson_names)
{
    setup();
    char *out = NULL, headers[300];
    snprintf(headers, sizeof headers, "Authorization: Bearer %s\r\n", g_token);
    const char *bad[] = {"../../../../etc/passwd", "..%2F..%2Fetc%2Fpasswd", "/etc/passwd",
                         "%2e%2e/secret.yaml", "lessons/../../x.yaml", "..", "stoa-poikile.yaml%00.txt"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char path[300];
        snprintf(path, sizeof path, "/api/headset/lesson?name=%s", bad[i]);
        int s = test_http(g_port, "GET", path, headers, NULL, 0, &out, NULL, 0);
        CHECK_MSG(s == 400 || s == 404, "%s -> %d", bad[i], s);
        CHECK(!out || !strstr(out, "root:"));
        free(out);
    }
    CHECK(test_http(g_port, "GET", "/api/headset/lesson?name=stoa-poikile.yaml", headers, NULL, 0, &out, NULL, 0) == 200);
    CHECK(out && strstr(out, "stoa_lesson"));
    free(out);
    // The panel's static files are confined too.
    CHECK(test_http(g_port, "GET", "/panel/../../hub.c", NULL, NULL, 0, &out, NULL, 0) == 404);
    free(out);
    CHECK(test_http(g_port, "GET", "/panel/%2e%2e/hub.c", NULL, NULL, 0, &out, NULL, 0) == 404);
    free(out);
    // And launching one on the headsets.
    snprintf(headers, sizeof headers, "Cookie: %s\r\nX-CSRF-Token: %s\r\n", g_cookie, g_csrf);
    const char *launch = "{\"cmd\":\"launch\",\"lesson\":\"../../etc/passwd\"}";
    CHECK(test_http(g_port, "POST", "/api/command", headers, launch, strlen(launch), &out, NULL, 0) == 400);
    free(out);
}

STOA_TEST(too_many_logins_and_joins)
{
    setup();
    char cookie[128], csrf[65], token[65];
    int status = 0;
    for (int i = 0; i < 10 && status != 429; i++)
        status = test_login(g_port, "wrong password", cookie, csrf);
    CHECK(status == 429);
    // Even the right password waits out the minute: no guessing around it.
    CHECK(test_login(g_port, TEST_PASSWORD, cookie, csrf) == 429);
    status = 0;
    for (int i = 0; i < 40 && status != 429; i++)
        status = test_join(g_port, "AAAAAA", "guess", token);
    CHECK(status == 429);
    CHECK(good_headset_served());
}

STOA_TEST(zz_teardown)
{
    stoa_hub_destroy(&g_hub);
}

STOA_TEST_MAIN()
