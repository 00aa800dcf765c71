// SPDX-License-Identifier: Apache-2.0
// The LRS's bounds are hub options (stoa hub --lrs-document-max,
// --lrs-statements-limit; docs/lrs-documents.md): a document up to the
// configured size is kept, one byte more is a 413 (Communication 3.2.s3.b11),
// a GET page holds at most the configured limit and says `more`
// (Communication 2.1.3), and About states both. Also: Last-Modified on a
// StatementResult, and the background fold that Activities/Agents read.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <sqlite3.h>

#include "hub_test_util.h"
#include "stoa_test.h"

static int g_port;
static char g_auth[400], g_dir[256];

static stoa_hub *start(size_t doc_max, int limit)
{
    char listen[64], lessons[1024], *dir = g_dir;
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
    // The server's own refusal (a body over the limit, refused before it is
    // read) is an answer to a Statements request too: Consistent-Through on it.
    const char big[] = "POST /xapi/statements HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                       "X-Experience-API-Version: 1.0.3\r\nContent-Length: 999999999\r\n\r\n";
    char *answer = NULL;
    CHECK(test_http_raw(g_port, big, strlen(big), &answer) == 413);
    CHECK_MSG(answer && strstr(answer, "X-Experience-API-Consistent-Through: ") &&
                  strstr(answer, "X-Experience-API-Version: 1.0.3"),
              "2.1.3: Consistent-Through on all responses, the server's 413 too: %s", answer ? answer : "");
    free(answer);
    stoa_hub_destroy(&hub);
}

// lrs_fold_seq and the last seq, read beside the running hub.
static void fold_state(long long *folded, long long *last)
{
    char path[400];
    snprintf(path, sizeof path, "%s/hub.sqlite", g_dir);
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    *folded = 0, *last = -1;
    if (sqlite3_open(path, &db) == SQLITE_OK &&
        sqlite3_prepare_v2(db, "SELECT coalesce((SELECT CAST(value AS INTEGER) FROM settings WHERE"
                               " key='lrs_fold_seq'), 0), (SELECT max(seq) FROM statements)", -1, &st, NULL) ==
            SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
        *folded = sqlite3_column_int64(st, 0);
        *last = sqlite3_column_int64(st, 1);
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
}

STOA_TEST(activities_are_folded_in_the_background)
{
    // What Activities and Agents answer from is folded by the hub's
    // housekeeping, without any request (a hub upgraded with many statements
    // catches up before anyone asks).
    stoa_hub *hub = start(0, 0);
    CHECK(hub != NULL);
    char body[16384] = "[";
    for (int i = 0; i < 20; i++) {
        char id[37], *st;
        test_uuid(id);
        st = test_statement(id, NULL, i);
        snprintf(body + strlen(body), sizeof body - strlen(body), "%s%s", i ? "," : "", st);
        free(st);
    }
    strcat(body, "]");
    char *out = NULL;
    CHECK(test_http(g_port, "POST", "/xapi/statements", g_auth, body, strlen(body), &out, NULL, 0) == 200);
    free(out);
    long long folded = 0, last = -1;
    for (int tries = 0; tries < 600 && (last < 0 || folded < last); tries++) { // up to 60 s on a loaded machine
        test_sleep_ms(100);
        fold_state(&folded, &last);
    }
    CHECK_MSG(last > 0 && folded == last, "folded %lld of %lld without a request", folded, last);
    stoa_hub_destroy(&hub);
}

STOA_TEST_MAIN()
