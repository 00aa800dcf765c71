// SPDX-License-Identifier: Apache-2.0
// The LRS's bounds are hub options (stoa hub --lrs-document-max,
// --lrs-statements-limit; docs/lrs-documents.md): a document up to the
// configured size is kept, one byte more is a 413 (Communication 3.2.s3.b11),
// a GET page holds at most the configured limit and says `more`
// (Communication 2.1.3), and About states both.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "hub_test_util.h"
#include "stoa_test.h"

static int g_port;
static char g_auth[400];

static stoa_hub *start(size_t doc_max, int limit)
{
    char listen[64], lessons[1024], dir[256];
    const char *src = getenv("STOA_SOURCE_DIR");
    snprintf(lessons, sizeof lessons, "%s/scenes/agora/lessons", src ? src : ".");
    test_temp_dir(dir);
    g_port = test_free_port();
    snprintf(listen, sizeof listen, "127.0.0.1:%d", g_port);
    stoa_hub *hub = NULL;
    stoa_error err = {0};
    CHECK(stoa_hub_create(&(stoa_hub_desc){.listen = listen, .data_dir = dir, .lessons_dir = lessons,
                                           .password = TEST_PASSWORD, .lrs_document_max = doc_max,
                                           .lrs_statements_limit = limit},
                          &hub, &err) == STOA_OK);
    if (hub)
        test_xapi_auth(hub, NULL, g_auth, sizeof g_auth);
    return hub;
}

static const char k_state[] = "/xapi/activities/state?activityId=http%3A%2F%2Fexample.org%2Fa"
                              "&agent=%7B%22mbox%22%3A%22mailto%3Aa%40example.org%22%7D&stateId=big";

static int put_doc(size_t n)
{
    char *body = malloc(n + 1), *out = NULL;
    memset(body, 'x', n);
    body[n] = 0;
    int s = test_http(g_port, "PUT", k_state, g_auth, body, n, &out, NULL, 0);
    free(out);
    free(body);
    return s;
}

static double about(const char *ext)
{
    char *out = NULL;
    CHECK(test_http(g_port, "GET", "/xapi/about", "", NULL, 0, &out, NULL, 0) == 200);
    cJSON *j = out ? cJSON_Parse(out) : NULL;
    double v = cJSON_GetNumberValue(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "extensions"), ext));
    cJSON_Delete(j);
    free(out);
    return v;
}

STOA_TEST(document_size_is_an_option)
{
    stoa_hub *hub = start(600 * 1024, 0);
    CHECK(hub != NULL);
    CHECK_MSG(put_doc(600 * 1024) == 204, "a document of exactly --lrs-document-max is kept");
    char *out = NULL;
    CHECK(test_http(g_port, "GET", k_state, g_auth, NULL, 0, &out, NULL, 0) == 200);
    CHECK(out && strlen(out) == 600 * 1024);
    free(out);
    CHECK_MSG(put_doc(600 * 1024 + 1) == 413, "3.2.s3.b11: one byte more is 413");
    CHECK(about("https://stoa.dev/xapi/about/document-max-bytes") == 600 * 1024);
    CHECK(about("https://stoa.dev/xapi/about/statements-limit") == 500); // the default
    stoa_hub_destroy(&hub);
    // Smaller than the default too; the default itself is 256 KiB.
    hub = start(1000, 0);
    CHECK(put_doc(1000) == 204 && put_doc(1001) == 413);
    stoa_hub_destroy(&hub);
    hub = start(0, 0);
    CHECK(about("https://stoa.dev/xapi/about/document-max-bytes") == 262144);
    CHECK(put_doc(262144) == 204 && put_doc(262145) == 413);
    stoa_hub_destroy(&hub);
}

STOA_TEST(statements_limit_is_an_option)
{
    stoa_hub *hub = start(0, 3);
    CHECK(hub != NULL);
    for (int i = 0; i < 5; i++) {
        char id[37], *st = NULL, *out = NULL;
        test_uuid(id);
        st = test_statement(id, NULL, i);
        CHECK(test_http(g_port, "POST", "/xapi/statements", g_auth, st, strlen(st), &out, NULL, 0) == 200);
        free(st), free(out);
    }
    CHECK(about("https://stoa.dev/xapi/about/statements-limit") == 3);
    const char *paths[] = {"/xapi/statements?limit=10", "/xapi/statements?limit=0", "/xapi/statements"};
    for (int i = 0; i < 3; i++) {
        char *out = NULL;
        CHECK(test_http(g_port, "GET", paths[i], g_auth, NULL, 0, &out, NULL, 0) == 200);
        cJSON *j = out ? cJSON_Parse(out) : NULL;
        CHECK_MSG(cJSON_GetArraySize(cJSON_GetObjectItem(j, "statements")) == 3, "%s: capped at the limit", paths[i]);
        CHECK(cJSON_GetStringValue(cJSON_GetObjectItem(j, "more"))[0] != 0);
        cJSON_Delete(j);
        free(out);
    }
    // Communication 2.1.3: Last-Modified (SHOULD*) on a StatementResult too:
    // the latest `stored` of the page; X-Experience-API-Consistent-Through on it.
    char *out = NULL, headers[4096], want[64];
    CHECK(test_http(g_port, "GET", "/xapi/statements?ascending=true&limit=2", g_auth, NULL, 0, &out, headers,
                    sizeof headers) == 200);
    cJSON *j = out ? cJSON_Parse(out) : NULL;
    const char *stored = cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "statements"), 1), "stored"));
    CHECK(stored != NULL);
    snprintf(want, sizeof want, "Last-Modified: %s\r\n", stored ? stored : "?");
    CHECK_MSG(strstr(headers, want) != NULL, "2.1.3: Last-Modified of a StatementResult is its latest stored (%s)",
              headers);
    CHECK(strstr(headers, "X-Experience-API-Consistent-Through: ") != NULL);
    cJSON_Delete(j);
    free(out);
    stoa_hub_destroy(&hub);
}

STOA_TEST_MAIN()
