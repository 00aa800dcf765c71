// SPDX-License-Identifier: Apache-2.0
// The xAPI Statements resource: POST/PUT/GET round trips, 409 on a
// conflicting id, 400 on an invalid statement, the version header.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "hub_test_util.h"
#include "stoa_test.h"

static stoa_hub *g_hub;
static int g_port;
static char g_auth[256];

static void setup(void)
{
    if (g_hub)
        return;
    char dir[256];
    test_temp_dir(dir);
    g_hub = test_hub_start(dir, &g_port);
    test_xapi_auth(g_hub, NULL, g_auth, sizeof g_auth);
}

static int xapi(const char *method, const char *path, const char *body, char **out)
{
    return test_http(g_port, method, path, g_auth, body, body ? strlen(body) : 0, out, NULL, 0);
}

STOA_TEST(post_get_round_trip)
{
    setup();
    CHECK(g_hub != NULL);
    char id[37], reg[37], path[256], *out = NULL;
    test_uuid(id), test_uuid(reg);
    char *st = test_statement(id, reg, 1);
    CHECK(xapi("POST", "/xapi/statements", st, &out) == 200);
    CHECK(out && strstr(out, id));
    free(out);
    snprintf(path, sizeof path, "/xapi/statements?statementId=%s", id);
    CHECK(xapi("GET", path, NULL, &out) == 200);
    cJSON *j = cJSON_Parse(out);
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(j, "id")), id);
    CHECK(cJSON_GetStringValue(cJSON_GetObjectItem(j, "stored")) != NULL);
    cJSON_Delete(j);
    free(out);
    // The same statement again is not a conflict and not a second copy.
    CHECK(xapi("POST", "/xapi/statements", st, &out) == 200);
    free(out);
    snprintf(path, sizeof path, "/xapi/statements?registration=%s", reg);
    CHECK(xapi("GET", path, NULL, &out) == 200);
    j = cJSON_Parse(out);
    CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(j, "statements")) == 1);
    cJSON_Delete(j);
    free(out);
    free(st);
}

STOA_TEST(put_and_conflict)
{
    setup();
    char id[37], path[256], *out = NULL;
    test_uuid(id);
    char *st = test_statement(id, NULL, 2), *other = test_statement(id, NULL, 3);
    snprintf(path, sizeof path, "/xapi/statements?statementId=%s", id);
    CHECK(xapi("PUT", path, st, &out) == 204);
    free(out);
    CHECK(xapi("PUT", path, st, &out) == 204); // idempotent
    free(out);
    CHECK(xapi("PUT", path, other, &out) == 409);
    free(out);
    CHECK(xapi("POST", "/xapi/statements", other, &out) == 409);
    free(out);
    CHECK(xapi("GET", path, NULL, &out) == 200);
    CHECK(out && strstr(out, "/nodes/n2") && !strstr(out, "/nodes/n3"));
    free(out);
    // A PUT whose body names another id is refused.
    char id2[37];
    test_uuid(id2);
    snprintf(path, sizeof path, "/xapi/statements?statementId=%s", id2);
    CHECK(xapi("PUT", path, st, &out) == 400);
    free(out);
    free(st), free(other);
}

STOA_TEST(array_is_all_or_nothing)
{
    setup();
    char a[37], b[37], path[256], *out = NULL, body[4096];
    test_uuid(a), test_uuid(b);
    char *sa = test_statement(a, NULL, 4), *sb = test_statement(b, NULL, 5);
    snprintf(body, sizeof body, "[%s,{\"id\":\"%s\",\"verb\":{}}]", sa, b);
    CHECK(xapi("POST", "/xapi/statements", body, &out) == 400);
    free(out);
    snprintf(path, sizeof path, "/xapi/statements?statementId=%s", a);
    CHECK(xapi("GET", path, NULL, &out) == 404);
    free(out);
    snprintf(body, sizeof body, "[%s,%s]", sa, sb);
    CHECK(xapi("POST", "/xapi/statements", body, &out) == 200);
    CHECK(out && strstr(out, a) && strstr(out, b));
    free(out);
    free(sa), free(sb);
}

STOA_TEST(invalid_statements_are_400)
{
    setup();
    char *out = NULL;
    const char *bad[] = {"{", "[]", "42", "{\"id\":\"not-a-uuid\"}",
                         "{\"actor\":{\"mbox\":\"x\"},\"verb\":{\"id\":\"nope\"},\"object\":{}}",
                         "{\"actor\":null}"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        int s = xapi("POST", "/xapi/statements", bad[i], &out);
        CHECK_MSG(s == 400, "%s -> %d %s", bad[i], s, out ? out : "");
        free(out);
    }
    // A statement without an id gets one.
    char id[37], *st = test_statement("x", NULL, 6);
    test_uuid(id);
    char *p = strstr(st, "\"id\":\"x\",");
    memmove(p, p + 9, strlen(p + 9) + 1);
    CHECK(xapi("POST", "/xapi/statements", st, &out) == 200);
    cJSON *j = cJSON_Parse(out ? out : "");
    CHECK(cJSON_GetArraySize(j) == 1);
    cJSON_Delete(j);
    free(out), free(st);
}

STOA_TEST(version_header_and_auth)
{
    setup();
    char *out = NULL, headers[1024], id[37];
    test_uuid(id);
    char *st = test_statement(id, NULL, 7);
    // No version header: 400, whatever else is right.
    char no_version[256];
    snprintf(no_version, sizeof no_version, "%.*s", (int)(strstr(g_auth, "X-Experience") - g_auth), g_auth);
    CHECK(test_http(g_port, "POST", "/xapi/statements", no_version, st, strlen(st), &out, NULL, 0) == 400);
    free(out);
    CHECK(test_http(g_port, "GET", "/xapi/statements", "X-Experience-API-Version: 2.0.0\r\n", NULL, 0,
                    &out, NULL, 0) == 400);
    free(out);
    // No credentials / wrong key: 401.
    CHECK(test_http(g_port, "POST", "/xapi/statements", "X-Experience-API-Version: 1.0.3\r\n", st,
                    strlen(st), &out, NULL, 0) == 401);
    free(out);
    CHECK(test_http(g_port, "GET", "/xapi/statements",
                    "X-Experience-API-Version: 1.0.3\r\nAuthorization: Basic eGFwaTp3cm9uZw==\r\n", NULL, 0,
                    &out, NULL, 0) == 401);
    free(out);
    CHECK(test_http(g_port, "GET", "/xapi/statements", g_auth, NULL, 0, &out, headers, sizeof headers) == 200);
    CHECK(strstr(headers, "X-Experience-API-Version: 1.0.3") != NULL);
    CHECK(strstr(headers, "X-Experience-API-Consistent-Through") != NULL);
    free(out);
    free(st);
}

STOA_TEST(since_filters_by_stored_time)
{
    setup();
    char id[37], *out = NULL;
    test_uuid(id);
    char *st = test_statement(id, NULL, 8);
    CHECK(xapi("POST", "/xapi/statements", st, &out) == 200);
    free(out);
    CHECK(xapi("GET", "/xapi/statements?since=2999-01-01T00:00:00Z", NULL, &out) == 200);
    cJSON *j = cJSON_Parse(out ? out : "");
    CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(j, "statements")) == 0);
    cJSON_Delete(j);
    free(out);
    CHECK(xapi("GET", "/xapi/statements?since=2000-01-01T00:00:00.000%2B02:00&limit=2", NULL, &out) == 200);
    j = cJSON_Parse(out ? out : "");
    CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(j, "statements")) == 2);
    CHECK(strlen(cJSON_GetStringValue(cJSON_GetObjectItem(j, "more"))) > 0);
    cJSON_Delete(j);
    free(out);
    CHECK(xapi("GET", "/xapi/statements?since=yesterday", NULL, &out) == 400);
    free(out);
    free(st);
}

// A second hub stands in for the school's LRS: statements stored by the
// first arrive there, once, in order, with nothing else to do.
STOA_TEST(forwards_to_the_schools_lrs)
{
    setup();
    char dir[256], lrs_dir[256], url[128], auth[64], listen[64];
    char lrs_headers[400];
    int lrs_port = 0;
    test_temp_dir(lrs_dir);
    stoa_hub *lrs = test_hub_start(lrs_dir, &lrs_port);
    CHECK(lrs != NULL);
    snprintf(url, sizeof url, "http://127.0.0.1:%d/xapi/", lrs_port);
    snprintf(auth, sizeof auth, "xapi:%s", test_xapi_key(lrs));
    test_temp_dir(dir);
    int port = test_free_port();
    snprintf(listen, sizeof listen, "127.0.0.1:%d", port);
    stoa_hub *hub = NULL;
    stoa_error err = {0};
    CHECK(stoa_hub_create(&(stoa_hub_desc){.listen = listen, .data_dir = dir, .password = TEST_PASSWORD,
                                          .forward_url = url, .forward_auth = auth}, &hub, &err) == STOA_OK);
    // Post into the classroom hub (its own key).
    char headers[300], ids[5][37], body[8192] = "[";
    test_xapi_auth(hub, NULL, headers, sizeof headers);
    for (int i = 0; i < 5; i++) {
        test_uuid(ids[i]);
        char *st = test_statement(ids[i], NULL, 20 + i);
        strcat(body, i ? "," : "");
        strcat(body, st);
        free(st);
    }
    strcat(body, "]");
    char *out = NULL;
    CHECK(test_http(port, "POST", "/xapi/statements", headers, body, strlen(body), &out, NULL, 0) == 200);
    free(out);
    // Wait (bounded) until the LRS has each.
    int found = 0;
    for (int t = 0; t < 200 && found < 5; t++) {
        found = 0;
        for (int i = 0; i < 5; i++) {
            char path[128];
            snprintf(path, sizeof path, "/xapi/statements?statementId=%.36s", ids[i]);
            test_xapi_auth(lrs, NULL, lrs_headers, sizeof lrs_headers);
            found += test_http(lrs_port, "GET", path, lrs_headers, NULL, 0, &out, NULL, 0) == 200;
            free(out);
        }
        if (found < 5)
            test_sleep_ms(100);
    }
    CHECK_MSG(found == 5, "%d of 5 forwarded", found);
    stoa_hub_destroy(&hub);
    stoa_hub_destroy(&lrs);
}

STOA_TEST(zz_teardown)
{
    stoa_hub_destroy(&g_hub);
    CHECK(g_hub == NULL);
}

STOA_TEST_MAIN()
