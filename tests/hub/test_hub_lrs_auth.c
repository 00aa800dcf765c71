// SPDX-License-Identifier: Apache-2.0
// xAPI credentials made in the panel (docs/lrs.md): named, scoped (read,
// write, mine), revocable; the authority of what they store is theirs
// (xAPI Data 2.4.9 "The LRS SHOULD overwrite the authority on all
// Statements it stores, based on the credentials used"); a headset's token
// still reads only its own records.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "hub_test_util.h"
#include "stoa_test.h"

static stoa_hub *g_hub;
static int g_port;
static char g_panel[512];

static void setup(void)
{
    if (g_hub)
        return;
    char dir[256], cookie[128], csrf[65];
    test_temp_dir(dir);
    g_hub = test_hub_start(dir, &g_port);
    test_login(g_port, TEST_PASSWORD, cookie, csrf);
    snprintf(g_panel, sizeof g_panel, "Cookie: %s\r\nX-CSRF-Token: %s\r\nOrigin: http://127.0.0.1:%d\r\n", cookie,
             csrf, g_port);
}

// Makes a credential; fills the Basic headers for it. Returns the key's status.
static int make(const char *body, char key[64], char headers[300])
{
    char *out = NULL;
    int s = test_http(g_port, "POST", "/api/xapi-credentials/new", g_panel, body, strlen(body), &out, NULL, 0);
    cJSON *j = out ? cJSON_Parse(out) : NULL;
    const char *k = cJSON_GetStringValue(cJSON_GetObjectItem(j, "key"));
    const char *sec = cJSON_GetStringValue(cJSON_GetObjectItem(j, "secret"));
    if (s == 200 && k && sec) {
        snprintf(key, 64, "%s", k);
        test_basic_auth(k, sec, TEST_XAPI_VERSION, headers, 300);
    }
    cJSON_Delete(j);
    free(out);
    return s;
}

static int xapi(const char *headers, const char *method, const char *path, const char *body, char **out)
{
    return test_http(g_port, method, path, headers, body, body ? strlen(body) : 0, out, NULL, 0);
}

STOA_TEST(scoped_credentials_and_authority)
{
    setup();
    CHECK(g_hub != NULL);
    char rk[64], rh[300], wk[64], wh[300], mk[64], mh[300], *out = NULL;
    CHECK(make("{\"name\":\"Analytics\",\"read\":true}", rk, rh) == 200);
    CHECK(make("{\"name\":\"Quiz app\",\"write\":true}", wk, wh) == 200);
    CHECK(make("{\"name\":\"Web course\",\"read\":true,\"write\":true,\"mine\":true}", mk, mh) == 200);
    char xk[64], xh[300];
    CHECK(make("{\"name\":\"\",\"read\":true}", xk, xh) == 400); // a name is needed
    char id1[37], id2[37], path[128];
    test_uuid(id1), test_uuid(id2);
    char *s1 = test_statement(id1, NULL, 1), *s2 = test_statement(id2, NULL, 2);
    CHECK(xapi(rh, "POST", "/xapi/statements", s1, &out) == 403); // read only
    free(out);
    CHECK(xapi(wh, "POST", "/xapi/statements", s1, &out) == 200);
    free(out);
    CHECK(xapi(wh, "GET", "/xapi/statements", NULL, &out) == 403); // write only
    free(out);
    CHECK(xapi(mh, "POST", "/xapi/statements", s2, &out) == 200);
    free(out);
    // The authority is the credential's Agent.
    snprintf(path, sizeof path, "/xapi/statements?statementId=%s", id1);
    CHECK(xapi(rh, "GET", path, NULL, &out) == 200);
    cJSON *j = cJSON_Parse(out ? out : "");
    const cJSON *auth = cJSON_GetObjectItem(j, "authority");
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetObjectItem(auth, "account"), "name")), wk);
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(auth, "name")), "Quiz app");
    cJSON_Delete(j);
    free(out);
    // "mine": reads only what it stored.
    CHECK(xapi(mh, "GET", path, NULL, &out) == 404);
    free(out);
    CHECK(xapi(mh, "GET", "/xapi/statements", NULL, &out) == 200);
    CHECK(out && strstr(out, id2) && !strstr(out, id1));
    free(out);
    // The panel lists them (secrets never again) with what each stored.
    CHECK(test_http(g_port, "GET", "/api/xapi-credentials", g_panel, NULL, 0, &out, NULL, 0) == 200);
    CHECK(out && strstr(out, "Quiz app") && !strstr(out, "secret"));
    j = cJSON_Parse(out ? out : "");
    int id = (int)cJSON_GetNumberValue(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "credentials"), 1), "id"));
    cJSON_Delete(j);
    free(out);
    // Revoked: refused at once.
    char body[64];
    snprintf(body, sizeof body, "{\"id\":%d}", id);
    CHECK(test_http(g_port, "POST", "/api/xapi-credentials/revoke", g_panel, body, strlen(body), &out, NULL, 0) == 200);
    free(out);
    CHECK(xapi(wh, "POST", "/xapi/statements", s2, &out) == 401);
    free(out);
    // Only the instructor manages them.
    CHECK(test_http(g_port, "GET", "/api/xapi-credentials", rh, NULL, 0, &out, NULL, 0) == 401);
    free(out);
    free(s1), free(s2);
}

STOA_TEST(a_headset_reads_only_its_own_records)
{
    setup();
    char token[65] = "", headers[300], *out = NULL, path[400];
    CHECK(test_join(g_port, stoa_hub_join_code(g_hub), "Headset A", token) == 200);
    snprintf(headers, sizeof headers, "Authorization: Bearer %s\r\nX-Experience-API-Version: 1.0.3\r\n", token);
    CHECK(xapi(headers, "GET", "/xapi/statements", NULL, &out) == 200);
    CHECK(out && strstr(out, "\"statements\":[]"));
    free(out);
    snprintf(path, sizeof path, "/xapi/statements?agent=%%7B%%22account%%22%%3A%%7B%%22homePage%%22%%3A%%22https%%3A%%2F%%2Fstoa.dev%%2Faccounts%%22%%2C%%22name%%22%%3A%%22learner-07%%22%%7D%%7D");
    CHECK(xapi(headers, "GET", path, NULL, &out) == 200);
    CHECK(out && strstr(out, "\"statements\":[]"));
    free(out);
}

STOA_TEST(zz_teardown)
{
    stoa_hub_destroy(&g_hub);
    CHECK(g_hub == NULL);
}

STOA_TEST_MAIN()
