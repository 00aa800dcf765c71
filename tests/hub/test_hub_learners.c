// SPDX-License-Identifier: Apache-2.0
// Authorization by data: two learners on two headsets. Everything headset B
// tries against learner A's record — her actor, her registration, her run,
// reading her statements, over the WebSocket and over xAPI with its token —
// is refused, and both records and reports stay as they were. Then
// revocation (panel and command line) and xAPI key rotation take effect at
// once.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "hub_test_util.h"
#include "stoa_test.h"

static stoa_hub *g_hub;
static int g_port;
static char g_dir[256], g_cookie[128], g_csrf[65], g_xauth[300];

typedef struct headset {
    char name[32], learner[32], token[65], reg[37], auth[200];
    int fd;
} headset;
static headset A = {"headset A", "ana"}, B = {"headset B", "bo"};

static void key_header(const char *key, char out[300])
{
    test_basic_auth("xapi", key, TEST_XAPI_VERSION, out, 300);
}

static int hello(const char *token, char *answer, size_t size)
{
    int fd = test_ws_open(g_port);
    char msg[160];
    snprintf(msg, sizeof msg, "{\"t\":\"hello\",\"token\":\"%s\"}", token);
    test_ws_send(fd, 0x81, msg, strlen(msg), 0);
    if (test_ws_recv(fd, answer, size, 5000) != 1) {
        answer[0] = 0;
    }
    return fd;
}

// Sends statements as `actor` in `reg` over h's socket; returns the ack text.
static void send_st(headset *h, const char *reg, const char *actor, int n, char ids[][37], char *ack, size_t size)
{
    char msg[65536];
    size_t len = (size_t)snprintf(msg, sizeof msg, "{\"t\":\"st\",\"items\":[");
    for (int i = 0; i < n; i++) {
        test_uuid(ids[i]);
        char *st = test_statement_as(ids[i], reg, i, actor);
        len += (size_t)snprintf(msg + len, sizeof msg - len, "%s%s", i ? "," : "", st);
        free(st);
    }
    len += (size_t)snprintf(msg + len, sizeof msg - len, "]}");
    test_ws_send(h->fd, 0x81, msg, len, 0);
    if (!test_ws_recv_until(h->fd, "\"ack\"", ack, size, 5000))
        ack[0] = 0;
}

static char *get(const char *path, const char *headers, int *status)
{
    char *out = NULL;
    *status = test_http(g_port, "GET", path, headers, NULL, 0, &out, NULL, 0);
    return out;
}

// A's statements as the xAPI key sees them (the record).
static char *record_of(const char *reg)
{
    char path[200];
    int s;
    snprintf(path, sizeof path, "/xapi/statements?registration=%s&limit=0&ascending=true", reg);
    char *out = get(path, g_xauth, &s);
    cJSON *j = cJSON_Parse(out ? out : "");
    char *text = cJSON_PrintUnformatted(cJSON_GetObjectItem(j, "statements"));
    cJSON_Delete(j);
    free(out);
    return text;
}

static char g_run[37];

STOA_TEST(two_learners_launch_and_record)
{
    test_temp_dir(g_dir);
    g_hub = test_hub_start(g_dir, &g_port);
    CHECK(test_login(g_port, TEST_PASSWORD, g_cookie, g_csrf) == 200);
    key_header(test_xapi_key(g_hub), g_xauth);
    char answer[65536];
    headset *hs[2] = {&A, &B};
    for (int k = 0; k < 2; k++) {
        CHECK(test_join(g_port, stoa_hub_join_code(g_hub), hs[k]->name, hs[k]->token) == 200);
        snprintf(hs[k]->auth, sizeof hs[k]->auth, "Authorization: Bearer %s\r\nX-Experience-API-Version: 1.0.3\r\n",
                 hs[k]->token);
        hs[k]->fd = hello(hs[k]->token, answer, sizeof answer);
        CHECK(strstr(answer, "welcome") != NULL);
    }
    // The teacher launches a lesson: each headset gets its own registration.
    char headers[300], *out = NULL;
    snprintf(headers, sizeof headers, "Cookie: %s\r\nX-CSRF-Token: %s\r\n", g_cookie, g_csrf);
    const char *cmd = "{\"cmd\":\"launch\",\"lesson\":\"stoa-poikile.yaml\"}";
    CHECK(test_http(g_port, "POST", "/api/command", headers, cmd, strlen(cmd), &out, NULL, 0) == 200);
    cJSON *j = cJSON_Parse(out ? out : "");
    const char *run = cJSON_GetStringValue(cJSON_GetObjectItem(j, "run"));
    snprintf(g_run, sizeof g_run, "%s", run ? run : "");
    cJSON_Delete(j);
    free(out);
    for (int k = 0; k < 2; k++) {
        CHECK_MSG(test_ws_recv_until(hs[k]->fd, "launch", answer, sizeof answer, 15000), "headset %d: %s (command: %s)", k, answer, g_run);
        j = cJSON_Parse(answer);
        const char *reg = cJSON_GetStringValue(cJSON_GetObjectItem(j, "registration"));
        snprintf(hs[k]->reg, sizeof hs[k]->reg, "%s", reg ? reg : "");
        cJSON_Delete(j);
        char ids[8][37];
        send_st(hs[k], hs[k]->reg, hs[k]->learner, 8, ids, answer, sizeof answer);
        CHECK_MSG(strstr(answer, ids[7]) && strstr(answer, "\"rejected\":[]"), "%s", answer);
    }
    CHECK(strcmp(A.reg, B.reg) != 0 && strlen(A.reg) == 36);
}

STOA_TEST(headset_b_cannot_touch_learner_a)
{
    char answer[65536], ids[4][37], *out;
    int s;
    char *record_a = record_of(A.reg), *record_b = record_of(B.reg);
    char report_path[128];
    snprintf(report_path, sizeof report_path, "/api/report?run=%s", g_run);
    char headers[300];
    snprintf(headers, sizeof headers, "Cookie: %s\r\n", g_cookie);
    char *report_before = get(report_path, headers, &s);
    CHECK(s == 200);
    // 1. Her actor in her registration.
    send_st(&B, A.reg, A.learner, 2, ids, answer, sizeof answer);
    CHECK_MSG(strstr(answer, "another headset") && !strstr(answer, "\"ids\":[\""), "%s", answer);
    // 2. Her actor in B's own registration (a learner signs in on one headset at a time).
    send_st(&B, B.reg, A.learner, 2, ids, answer, sizeof answer);
    CHECK_MSG(strstr(answer, "another learner") || strstr(answer, "another headset"), "%s", answer);
    CHECK(!strstr(answer, "\"ids\":[\""));
    // 3. B's actor in her registration.
    send_st(&B, A.reg, B.learner, 2, ids, answer, sizeof answer);
    CHECK_MSG(strstr(answer, "another headset") && !strstr(answer, "\"ids\":[\""), "%s", answer);
    // 4. A fresh registration as her: refused, she is signed in on A.
    char fresh[37];
    test_uuid(fresh);
    send_st(&B, fresh, A.learner, 2, ids, answer, sizeof answer);
    CHECK_MSG(strstr(answer, "signed in on another headset") && !strstr(answer, "\"ids\":[\""), "%s", answer);
    // 5. No registration at all.
    send_st(&B, NULL, B.learner, 1, ids, answer, sizeof answer);
    CHECK(strstr(answer, "registration") && !strstr(answer, "\"ids\":[\""));
    // 6. The same through xAPI with B's token.
    char id[37];
    test_uuid(id);
    char *st = test_statement_as(id, A.reg, 9, A.learner);
    CHECK(test_http(g_port, "POST", "/xapi/statements", B.auth, st, strlen(st), &out, NULL, 0) == 403);
    free(out);
    char put[128];
    snprintf(put, sizeof put, "/xapi/statements?statementId=%s", id);
    CHECK(test_http(g_port, "PUT", put, B.auth, st, strlen(st), &out, NULL, 0) == 403);
    free(out);
    free(st);
    // 7. Reading: only its own.
    out = get("/xapi/statements?limit=0", B.auth, &s);
    CHECK(s == 200 && out && !strstr(out, A.reg) && strstr(out, B.reg));
    free(out);
    char path[200];
    snprintf(path, sizeof path, "/xapi/statements?registration=%s", A.reg);
    out = get(path, B.auth, &s);
    CHECK(s == 200 && out && !strstr(out, A.learner));
    free(out);
    cJSON *ra = cJSON_Parse(record_a);
    const char *a_id = cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetArrayItem(ra, 0), "id"));
    snprintf(path, sizeof path, "/xapi/statements?statementId=%s", a_id ? a_id : "");
    out = get(path, B.auth, &s);
    CHECK(s == 404);
    free(out);
    // 8. A status that points at her run or registration changes nothing.
    char status[400];
    snprintf(status, sizeof status, "{\"t\":\"status\",\"registration\":\"%s\",\"launched_as\":\"%s\",\"lesson\":\"x\"}",
             fresh, A.reg);
    test_ws_send(B.fd, 0x81, status, strlen(status), 0);
    snprintf(status, sizeof status, "{\"t\":\"status\",\"registration\":\"%s\",\"lesson\":\"x\"}", A.reg);
    test_ws_send(B.fd, 0x81, status, strlen(status), 0);
    test_ws_send(B.fd, 0x81, "{\"t\":\"ping\"}", 12, 0);
    CHECK(test_ws_recv_until(B.fd, "pong", answer, sizeof answer, 5000));
    // Her record and report, and B's, are as they were.
    char *after_a = record_of(A.reg), *after_b = record_of(B.reg);
    CHECK(record_a && after_a && strcmp(record_a, after_a) == 0);
    CHECK(record_b && after_b && strcmp(record_b, after_b) == 0);
    char *report_after = get(report_path, headers, &s);
    CHECK(s == 200 && report_before && report_after && strcmp(report_before, report_after) == 0);
    CHECK(report_after && strstr(report_after, A.learner) && strstr(report_after, B.learner));
    cJSON_Delete(ra);
    free(record_a), free(record_b), free(after_a), free(after_b), free(report_before), free(report_after);
}

STOA_TEST(revocation_and_key_rotation_take_effect_at_once)
{
    char answer[4096], *out = NULL, headers[300], body[64];
    // The panel revokes B: its socket closes, its token stops working.
    snprintf(headers, sizeof headers, "Cookie: %s\r\nX-CSRF-Token: %s\r\n", g_cookie, g_csrf);
    int s;
    char *list = get("/api/devices", headers, &s);
    cJSON *root = cJSON_Parse(list ? list : "");
    cJSON *devs = cJSON_GetObjectItem(root, "devices");
    int64_t b_id = 0;
    const cJSON *d;
    cJSON_ArrayForEach(d, devs) if (strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(d, "name")), B.name) == 0)
        b_id = (int64_t)cJSON_GetNumberValue(cJSON_GetObjectItem(d, "id"));
    free(list);
    snprintf(body, sizeof body, "{\"device\":%lld}", (long long)b_id);
    CHECK(test_http(g_port, "POST", "/api/device/revoke", headers, body, strlen(body), &out, NULL, 0) == 200);
    free(out);
    bool closed = false;
    for (int i = 0; i < 10 && !closed; i++)
        closed = test_ws_recv(B.fd, answer, sizeof answer, 1000) < 0;
    CHECK(closed);
    close(B.fd);
    int fd = hello(B.token, answer, sizeof answer);
    CHECK(strstr(answer, "bad_token") != NULL);
    close(fd);
    out = get("/xapi/statements", B.auth, &s);
    CHECK(s == 401);
    free(out);
    // The command line revokes A while the hub runs: within about a second.
    stoa_error err = {0};
    CHECK(stoa_hub_admin_revoke_device(g_dir, A.name, &err) == STOA_OK);
    closed = false;
    for (int i = 0; i < 30 && !closed; i++)
        closed = test_ws_recv(A.fd, answer, sizeof answer, 200) < 0;
    CHECK(closed);
    close(A.fd);
    // Her record stays.
    char *rec = record_of(A.reg);
    CHECK(rec && strstr(rec, A.learner));
    free(rec);
    // The xAPI key: rotated from the panel, the old one is refused at once.
    char old[300];
    snprintf(old, sizeof old, "%s", g_xauth);
    CHECK(test_http(g_port, "POST", "/api/xapi-key", headers, "{}", 2, &out, NULL, 0) == 200);
    cJSON *j = cJSON_Parse(out ? out : "");
    const char *nk = cJSON_GetStringValue(cJSON_GetObjectItem(j, "xapi_key"));
    key_header(nk ? nk : "", g_xauth);
    cJSON_Delete(j);
    free(out);
    out = get("/xapi/statements", old, &s);
    CHECK(s == 401);
    free(out);
    out = get("/xapi/statements", g_xauth, &s);
    CHECK(s == 200);
    free(out);
    // ... and from the command line.
    char key[64];
    CHECK(stoa_hub_admin_rotate_xapi_key(g_dir, key, &err) == STOA_OK);
    snprintf(old, sizeof old, "%s", g_xauth);
    s = 200;
    for (int i = 0; i < 30 && s != 401; i++) {
        out = get("/xapi/statements", old, &s);
        free(out);
        if (s != 401)
            test_sleep_ms(100);
    }
    CHECK(s == 401);
    key_header(key, g_xauth);
    out = get("/xapi/statements", g_xauth, &s);
    CHECK(s == 200);
    free(out);
    cJSON_Delete(root);
    stoa_hub_destroy(&g_hub);
}

STOA_TEST_MAIN()
