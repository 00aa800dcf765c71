// SPDX-License-Identifier: Apache-2.0
// The document resources of xAPI 1.0.3 (Communication 2.2, 2.3, 2.6, 2.7)
// and their concurrency rules (3.1). Each check names the requirement it
// proves (docs/lrs-documents.md maps them).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <openssl/evp.h>
#include <sqlite3.h>

#include "lrs_test_util.h"
#include "stoa_test.h"

static const char k_agent[] =
    "{\"objectType\":\"Agent\",\"mbox\":\"mailto:ada@example.com\",\"name\":\"Ada\"}";
static const char k_act[] = "http://example.com/activities/lrs-docs";
#define JSON_TYPE "Content-Type: application/json\r\n"

static lrs_answer put(const char *path, const char *type_line, const char *extra, const char *body)
{
    char h[512];
    snprintf(h, sizeof h, "%s%s", type_line, extra ? extra : "");
    return lrs_req("PUT", path, NULL, h, body, strlen(body), false);
}

static lrs_answer post(const char *path, const char *type_line, const char *body)
{
    return lrs_req("POST", path, NULL, type_line, body, strlen(body), false);
}

static lrs_answer get(const char *path)
{
    return lrs_req("GET", path, NULL, NULL, NULL, 0, false);
}

static char *state_path(const char *state_id, const char *reg)
{
    return reg ? lrs_path("activities/state", "activityId", k_act, "agent", k_agent, "stateId",
                          state_id, "registration", reg, NULL)
               : lrs_path("activities/state", "activityId", k_act, "agent", k_agent, "stateId",
                          state_id, NULL);
}

STOA_TEST(state_put_get_delete)
{
    CHECK(lrs_setup() > 0);
    char *p = state_path("bookmark", NULL), h[128];
    lrs_answer a = put(p, "Content-Type: text/plain\r\n", NULL, "page 12");
    CHECK_MSG(a.status == 204,
              "2.3.s3 / 2.2.s4.b2: PUT for an activity and agent never seen returns 204, got %d",
              a.status);
    lrs_free(&a);
    a = get(p);
    CHECK_MSG(a.status == 200, "2.3.s3: GET with stateId returns 200, got %d", a.status);
    CHECK_STR(a.body, "page 12");
    CHECK_MSG(strncmp(lrs_header(&a, "Content-Type", h, sizeof h), "text/plain", 10) == 0,
              "1.5.b1: documents keep their content type, got %s", h);
    CHECK_MSG(lrs_header(&a, "Last-Modified", h, sizeof h)[0],
              "2.2.s6.b1: Last-Modified on a single document");
    CHECK_CONTAINS(lrs_header(&a, "X-Experience-API-Version", h, sizeof h), "1.0.3"); // 3.3.s3.b1
    lrs_free(&a);
    // 3.1.s3: the State Resource permits a PUT without concurrency headers over an existing
    // document.
    a = put(p, "Content-Type: text/plain\r\n", NULL, "page 13");
    CHECK_MSG(a.status == 204, "3.1.s3: State PUT without headers overwrites, got %d", a.status);
    lrs_free(&a);
    a = lrs_req("DELETE", p, NULL, NULL, NULL, 0, false);
    CHECK_MSG(a.status == 204, "2.3.s3: DELETE returns 204, got %d", a.status);
    lrs_free(&a);
    a = get(p);
    CHECK_MSG(a.status == 404, "3.2.s2.b4: a deleted document is 404, got %d", a.status);
    lrs_free(&a);
    free(p);
}

STOA_TEST(state_registration_ids_since_delete_all)
{
    CHECK(lrs_setup() > 0);
    const char *reg = "1c8ba3d4-6b05-4bbb-9e49-2b04c2d44e8a";
    char *p1 = state_path("s1", reg), *p2 = state_path("s2", reg), *p3 = state_path("s3", NULL);
    lrs_answer a = put(p1, JSON_TYPE, NULL, "{\"a\":1}");
    CHECK(a.status == 204);
    lrs_free(&a);
    a = get(p1);
    char lm[64];
    lrs_header(&a, "Last-Modified", lm, sizeof lm);
    lrs_free(&a);
    test_sleep_ms(20);
    char since[80];
    {
        // A timestamp between the two writes (ISO 8601, UTC, ms).
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        struct tm tm;
        gmtime_r(&ts.tv_sec, &tm);
        snprintf(since, sizeof since, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900,
                 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                 (long)(ts.tv_nsec / 1000000) % 1000);
    }
    test_sleep_ms(20);
    a = put(p2, JSON_TYPE, NULL, "{\"b\":2}");
    CHECK(a.status == 204);
    lrs_free(&a);
    a = put(p3, JSON_TYPE, NULL, "{\"c\":3}");
    CHECK(a.status == 204);
    lrs_free(&a);
    // The same stateId without the registration is another document.
    char *p1_noreg = state_path("s1", NULL);
    a = get(p1_noreg);
    CHECK_MSG(a.status == 404, "2.3.s3: registration is part of the state's context, got %d",
              a.status);
    lrs_free(&a);
    char *ids = lrs_path("activities/state", "activityId", k_act, "agent", k_agent, "registration",
                         reg, NULL);
    a = get(ids);
    CHECK_MSG(a.status == 200 && a.body && strstr(a.body, "\"s1\"") && strstr(a.body, "\"s2\"") &&
                  !strstr(a.body, "\"s3\""),
              "2.3.s4: ids of the context (with registration): %s", a.body ? a.body : "");
    lrs_free(&a);
    char *since_p = lrs_path("activities/state", "activityId", k_act, "agent", k_agent,
                             "registration", reg, "since", since, NULL);
    a = get(since_p);
    CHECK_MSG(a.status == 200 && a.body && strcmp(a.body, "[\"s2\"]") == 0,
              "2.3.s4.table1.row4: since is exclusive and filters by update time: %s",
              a.body ? a.body : "");
    lrs_free(&a);
    // DELETE without stateId: every document of the context (2.3.s5).
    a = lrs_req("DELETE", ids, NULL, NULL, NULL, 0, false);
    CHECK_MSG(a.status == 204, "2.3.s5: multiple DELETE returns 204, got %d", a.status);
    lrs_free(&a);
    a = get(ids);
    CHECK_MSG(a.status == 200 && a.body && strcmp(a.body, "[]") == 0, "2.3.s5: all deleted: %s",
              a.body);
    lrs_free(&a);
    a = get(p3);
    CHECK_MSG(a.status == 200, "2.3.s5: another registration's state stays, got %d", a.status);
    lrs_free(&a);
    free(p1), free(p2), free(p3), free(p1_noreg), free(ids), free(since_p);
}

STOA_TEST(post_merges_json_objects)
{
    CHECK(lrs_setup() > 0);
    char *p = state_path("merge", NULL);
    lrs_answer a = post(p, JSON_TYPE, "{\"x\":\"foo\",\"y\":\"bar\",\"o\":{\"k\":1,\"l\":2}}");
    CHECK_MSG(a.status == 204, "2.2.s7: POST of a new document stores it (as PUT), got %d",
              a.status);
    lrs_free(&a);
    a = post(p, JSON_TYPE, "{\"x\":\"bash\",\"z\":\"faz\",\"o\":{\"k\":3}}");
    CHECK_MSG(a.status == 204, "2.2.s8.b2: a merge returns 204, got %d", a.status);
    lrs_free(&a);
    a = get(p);
    cJSON *j = cJSON_Parse(a.body);
    CHECK_MSG(j && strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(j, "x")), "bash") == 0 &&
                  strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(j, "y")), "bar") == 0 &&
                  strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(j, "z")), "faz") == 0,
              "2.2.s7.b2: posted properties replace, others stay: %s", a.body);
    cJSON *o = cJSON_GetObjectItem(j, "o");
    CHECK_MSG(o && cJSON_GetArraySize(o) == 1 && cJSON_GetObjectItem(o, "k")->valueint == 3,
              "2.2.s7: only top-level properties merge (o replaced whole): %s", a.body);
    cJSON_Delete(j);
    lrs_free(&a);
    // 2.2.s8.b1: a posted non-JSON type, a posted non-object, invalid JSON: 400, no change.
    const char *bad[][2] = {{"Content-Type: text/plain\r\n", "{\"x\":1}"},
                            {JSON_TYPE, "[1,2]"},
                            {JSON_TYPE, "{\"x\":"},
                            {JSON_TYPE, "\"text\""}};
    for (size_t i = 0; i < 4; i++) {
        a = post(p, bad[i][0], bad[i][1]);
        CHECK_MSG(a.status == 400, "2.2.s8.b1: POST %s -> 400, got %d", bad[i][1], a.status);
        lrs_free(&a);
    }
    a = get(p);
    CHECK_MSG(a.body && strstr(a.body, "\"bash\"") && !strstr(a.body, "\"x\":1"),
              "2.2.s8.b1: not updated");
    lrs_free(&a);
    // The stored document is not JSON: a JSON POST over it is a 400 too.
    char *p2 = state_path("plain", NULL);
    a = put(p2, "Content-Type: text/plain\r\n", NULL, "not json");
    lrs_free(&a);
    a = post(p2, JSON_TYPE, "{\"x\":1}");
    CHECK_MSG(a.status == 400, "2.2.s8.b1: stored document not application/json -> 400, got %d",
              a.status);
    lrs_free(&a);
    a = get(p2);
    CHECK_STR(a.body, "not json");
    lrs_free(&a);
    free(p), free(p2);
}

static void sha1_hex(const char *s, char out[41])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned ml = 0;
    EVP_Digest(s, strlen(s), md, &ml, EVP_sha1(), NULL);
    for (unsigned i = 0; i < 20; i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
}

// Activity Profile and Agent Profile: the concurrency rules of 3.1.
static void profile_concurrency(const char *path)
{
    const char *doc = "{\"level\":1}";
    lrs_answer a = put(path, JSON_TYPE, "If-None-Match: *\r\n", doc);
    CHECK_MSG(a.status == 204, "3.1.s4.b6: If-None-Match: * creates when absent, got %d", a.status);
    lrs_free(&a);
    a = get(path);
    char etag[64], want[44], sha[41];
    sha1_hex(doc, sha);
    snprintf(want, sizeof want, "\"%s\"", sha);
    lrs_header(&a, "ETag", etag, sizeof etag);
    CHECK_MSG(strcmp(etag, want) == 0,
              "3.1.s4.b1/b2/b4: ETag is the quoted lower-case SHA-1: %s vs %s", etag, want);
    lrs_free(&a);
    a = put(path, JSON_TYPE, "If-None-Match: *\r\n", "{\"level\":2}");
    CHECK_MSG(a.status == 412,
              "3.1.s4.b6/b9: If-None-Match: * over an existing document -> 412, got %d", a.status);
    lrs_free(&a);
    a = put(path, JSON_TYPE, NULL, "{\"level\":3}");
    CHECK_MSG(a.status == 409,
              "3.1.s4.b13: PUT without either header over an existing document -> 409, got %d",
              a.status);
    CHECK_MSG(a.body && strstr(a.body, "If-Match"), "3.1.s4.b14: the 409 explains what to do: %s",
              a.body);
    lrs_free(&a);
    a = put(path, JSON_TYPE, "If-Match: \"0000000000000000000000000000000000000000\"\r\n",
            "{\"level\":4}");
    CHECK_MSG(a.status == 412, "3.1.s4.b5/b9: a stale If-Match -> 412, got %d", a.status);
    lrs_free(&a);
    a = get(path);
    CHECK_MSG(a.body && strcmp(a.body, doc) == 0,
              "3.1.s4.b10/b15: refused PUTs changed nothing: %s", a.body);
    lrs_free(&a);
    char im[80];
    snprintf(im, sizeof im, "If-Match: %s\r\n", want);
    a = put(path, JSON_TYPE, im, "{\"level\":5}");
    CHECK_MSG(a.status == 204, "3.1.s4.b5: the current ETag in If-Match -> 204, got %d", a.status);
    lrs_free(&a);
    // The old ETag no longer matches a DELETE either (3.1.s4.b7, a SHOULD).
    a = lrs_req("DELETE", path, NULL, im, NULL, 0, false);
    CHECK_MSG(a.status == 412, "3.1.s4.b7/b11: DELETE with a stale If-Match -> 412, got %d",
              a.status);
    lrs_free(&a);
    a = lrs_req("DELETE", path, NULL, NULL, NULL, 0, false);
    CHECK_MSG(a.status == 204, "2.6.s3/2.7.s3: DELETE returns 204, got %d", a.status);
    lrs_free(&a);
}

STOA_TEST(activity_profile)
{
    CHECK(lrs_setup() > 0);
    char *p = lrs_path("activities/profile", "activityId", k_act, "profileId", "settings", NULL);
    profile_concurrency(p);
    lrs_answer a = put(p, "Content-Type: image/png\r\n", "If-None-Match: *\r\n", "\x89PNG");
    CHECK(a.status == 204);
    lrs_free(&a);
    char *ids = lrs_path("activities/profile", "activityId", k_act, NULL);
    a = get(ids);
    CHECK_MSG(a.status == 200 && a.body && strcmp(a.body, "[\"settings\"]") == 0,
              "2.7.s4: the ids: %s", a.body);
    char h[64];
    CHECK_MSG(lrs_header(&a, "Last-Modified", h, sizeof h)[0],
              "2.2.s6.b2: Last-Modified on a list");
    lrs_free(&a);
    free(p), free(ids);
}

STOA_TEST(agent_profile)
{
    CHECK(lrs_setup() > 0);
    char *p = lrs_path("agents/profile", "agent", k_agent, "profileId", "prefs", NULL);
    profile_concurrency(p);
    // The same agent written another way (members in another order) is the same agent.
    char *p2 = lrs_path("agents/profile", "agent", "{\"mbox\":\"mailto:ada@example.com\"}",
                        "profileId", "prefs", NULL);
    lrs_answer a = put(p, JSON_TYPE, "If-None-Match: *\r\n", "{\"theme\":\"dark\"}");
    CHECK(a.status == 204);
    lrs_free(&a);
    a = get(p2);
    CHECK_MSG(a.status == 200 && a.body && strstr(a.body, "dark"),
              "2.6.s3: an agent is its Inverse Functional Identifier, got %d", a.status);
    lrs_free(&a);
    char *ids = lrs_path("agents/profile", "agent", k_agent, NULL);
    a = get(ids);
    CHECK_MSG(a.status == 200 && a.body && strcmp(a.body, "[\"prefs\"]") == 0,
              "2.6.s4: the ids: %s", a.body);
    lrs_free(&a);
    free(p), free(p2), free(ids);
}

STOA_TEST(head_and_size)
{
    CHECK(lrs_setup() > 0);
    char *p = state_path("head", NULL);
    lrs_answer a = put(p, JSON_TYPE, NULL, "{\"n\":1}");
    lrs_free(&a);
    a = lrs_req("HEAD", p, NULL, NULL, NULL, 0, false);
    char etag[64];
    CHECK_MSG(a.status == 200 && (!a.body || !a.body[0]) &&
                  lrs_header(&a, "ETag", etag, sizeof etag)[0],
              "1.1.s3.b1: HEAD answers as GET without the body (status %d)", a.status);
    lrs_free(&a);
    // 3.2.s3.b11: a document over the hub's limit is 413 (the server refuses it from
    // Content-Length).
    size_t big = (256u << 10) + 1;
    char *body = malloc(big + 1);
    memset(body, 'a', big);
    body[big] = 0;
    a = lrs_req("PUT", p, NULL, "Content-Type: text/plain\r\n", body, big, false);
    CHECK_MSG(a.status == 413, "3.2.s3.b11: a document over the limit -> 413, got %d", a.status);
    lrs_free(&a);
    free(body), free(p);
}

// The LRS tables are a migration that keeps an older hub's database working:
// a database without them (as every hub before issue 14 left it) opens, its
// statements stay, and the new resources work on it, the Activities resource
// included for statements stored before the tables existed.
STOA_TEST(migration_keeps_old_databases)
{
    char dir[256], path[300], id[37];
    test_temp_dir(dir);
    int port = 0;
    stoa_hub *hub = test_hub_start(dir, &port);
    CHECK(hub != NULL);
    if (!hub)
        return;
    test_uuid(id);
    char st[600], key_auth[200];
    snprintf(st, sizeof st,
             "{\"id\":\"%s\",\"actor\":{\"mbox\":\"mailto:m@example.com\"},\"verb\":{\"id\":"
             "\"http://adlnet.gov/expapi/verbs/experienced\"},\"object\":{\"id\":\"http://"
             "example.com/old\","
             "\"definition\":{\"name\":{\"en\":\"old\"}}},\"timestamp\":\"2026-01-01T00:00:00Z\"}",
             id);
    test_xapi_auth(hub, NULL, key_auth, sizeof key_auth);
    CHECK(test_http(port, "POST", "/xapi/statements", key_auth, st, strlen(st), NULL, NULL, 0) ==
          200);
    stoa_hub_destroy(&hub);
    // Make it an old hub's database: none of the LRS tables.
    sqlite3 *db = NULL;
    snprintf(path, sizeof path, "%s/hub.sqlite", dir);
    CHECK(sqlite3_open(path, &db) == SQLITE_OK);
    CHECK(sqlite3_exec(
              db,
              "DROP TABLE lrs_documents; DROP TABLE lrs_activities; DROP TABLE lrs_agent_names;"
              " DELETE FROM settings WHERE key='lrs_fold_seq';",
              NULL, NULL, NULL) == SQLITE_OK);
    sqlite3_close(db);
    hub = test_hub_start(dir, &port);
    CHECK_MSG(hub != NULL, "issue 14: a database without the LRS tables opens");
    if (!hub)
        return;
    test_xapi_auth(hub, NULL, key_auth, sizeof key_auth);
    char p[200], *out = NULL;
    snprintf(p, sizeof p, "/xapi/statements?statementId=%s", id);
    CHECK_MSG(test_http(port, "GET", p, key_auth, NULL, 0, &out, NULL, 0) == 200 && out &&
                  strstr(out, id),
              "issue 14: the old statements stay");
    free(out);
    cJSON *sj = cJSON_Parse(st);
    const char *act =
        cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetObjectItem(sj, "object"), "id"));
    char *ap = lrs_path("activities", "activityId", act, NULL);
    CHECK_MSG(test_http(port, "GET", ap, key_auth, NULL, 0, &out, NULL, 0) == 200 && out &&
                  strstr(out, "definition"),
              "2.5.s1: statements stored before the tables are folded in: %s", out ? out : "");
    free(out);
    char *sp = lrs_path("activities/state", "activityId", act, "agent",
                        "{\"mbox\":\"mailto:m@example.com\"}", "stateId", "s", NULL);
    CHECK_MSG(test_http(port, "PUT", sp, key_auth, "{}", 2, NULL, NULL, 0) == 204,
              "2.3.s3: State works after the migration");
    free(ap), free(sp);
    cJSON_Delete(sj);
    stoa_hub_destroy(&hub);
}

STOA_TEST_MAIN()
