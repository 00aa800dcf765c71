// SPDX-License-Identifier: Apache-2.0
// GET /xapi/statements as an xAPI 1.0.3 LRS answers it (Communication
// 2.1.3): every filter applied (and a filter nothing matches returns
// nothing), parameters checked, `more` pages stable while statements keep
// arriving, formats. Each check cites its requirement.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <sqlite3.h>

#include "hub_lrs.h"
#include "hub_test_util.h"
#include "stoa_test.h"

static stoa_hub *g_hub;
static int g_port;
static char g_auth[300], g_dir[256];

static void setup(void)
{
    if (g_hub)
        return;
    test_temp_dir(g_dir);
    g_hub = test_hub_start(g_dir, &g_port);
    if (g_hub)
        test_xapi_auth(g_hub, "Accept-Language: fr, en;q=0.5\r\n", g_auth, sizeof g_auth);
}

static int req(const char *method, const char *path, const char *body, char **out)
{
    return test_http(g_port, method, path, g_auth, body, body ? strlen(body) : 0, out, NULL, 0);
}

// The ids a query returns, in order, as one string "i1 i2 ..."; status in *st.
static void ids_of(const char *path, int *status, char *ids, size_t cap, char *more, size_t mcap)
{
    char *out = NULL;
    *status = req("GET", path, NULL, &out);
    ids[0] = 0;
    if (more)
        more[0] = 0;
    cJSON *j = out ? cJSON_Parse(out) : NULL;
    const cJSON *s;
    cJSON_ArrayForEach(s, cJSON_GetObjectItem(j, "statements")) {
        size_t n = strlen(ids);
        snprintf(ids + n, cap - n, "%s%s", n ? " " : "", cJSON_GetStringValue(cJSON_GetObjectItem(s, "id")));
    }
    if (more)
        snprintf(more, mcap, "%s", cJSON_GetStringValue(cJSON_GetObjectItem(j, "more")) ? cJSON_GetStringValue(cJSON_GetObjectItem(j, "more")) : "");
    cJSON_Delete(j);
    free(out);
}

// Statement n: actor agent-(n%3), verb v(n%2), object act-(n%4), context
// parent "course", registration R for n < 4.
static void post_n(int n)
{
    char body[1024], *out = NULL;
    snprintf(body, sizeof body,
             "{\"id\":\"aaaaaaaa-0000-4000-8000-%012d\",\"actor\":{\"mbox\":\"mailto:agent-%d@example.org\"},"
             "\"verb\":{\"id\":\"http://example.org/verbs/v%d\",\"display\":{\"en\":\"done\",\"fr\":\"fait\"}},"
             "\"object\":{\"id\":\"http://example.org/act-%d\",\"definition\":{\"name\":{\"en\":\"Act\",\"fr\":\"Acte\"}}},"
             "\"context\":{%s\"contextActivities\":{\"parent\":[{\"id\":\"http://example.org/course\"}]}}}",
             n, n % 3, n % 2, n % 4, n < 4 ? "\"registration\":\"bbbbbbbb-0000-4000-8000-000000000001\"," : "");
    CHECK(req("POST", "/xapi/statements", body, &out) == 200);
    free(out);
}

STOA_TEST(filters_are_applied)
{
    setup();
    CHECK(g_hub != NULL);
    for (int i = 0; i < 12; i++)
        post_n(i);
    char ids[8192];
    int s;
    // The symptom: a verb no statement has returns nothing.
    ids_of("/xapi/statements?verb=http%3A%2F%2Fexample.org%2Fverbs%2Fnone", &s, ids, sizeof ids, NULL, 0);
    CHECK(s == 200 && ids[0] == 0);
    ids_of("/xapi/statements?verb=http%3A%2F%2Fexample.org%2Fverbs%2Fv1&ascending=true", &s, ids, sizeof ids, NULL, 0);
    CHECK_STR(ids, "aaaaaaaa-0000-4000-8000-000000000001 aaaaaaaa-0000-4000-8000-000000000003 "
                   "aaaaaaaa-0000-4000-8000-000000000005 aaaaaaaa-0000-4000-8000-000000000007 "
                   "aaaaaaaa-0000-4000-8000-000000000009 aaaaaaaa-0000-4000-8000-000000000011");
    // agent: "the specified Agent ... is the Actor or Object"; combined with verb.
    ids_of("/xapi/statements?agent=%7B%22mbox%22%3A%22mailto%3Aagent-1%40example.org%22%7D"
           "&verb=http%3A%2F%2Fexample.org%2Fverbs%2Fv0", &s, ids, sizeof ids, NULL, 0);
    CHECK_STR(ids, "aaaaaaaa-0000-4000-8000-000000000010 aaaaaaaa-0000-4000-8000-000000000004");
    // activity: the Object only, unless related_activities (context too).
    ids_of("/xapi/statements?activity=http%3A%2F%2Fexample.org%2Fcourse", &s, ids, sizeof ids, NULL, 0);
    CHECK(s == 200 && ids[0] == 0);
    ids_of("/xapi/statements?activity=http%3A%2F%2Fexample.org%2Fcourse&related_activities=true&limit=3", &s, ids,
           sizeof ids, NULL, 0);
    CHECK_STR(ids, "aaaaaaaa-0000-4000-8000-000000000011 aaaaaaaa-0000-4000-8000-000000000010 "
                   "aaaaaaaa-0000-4000-8000-000000000009");
    ids_of("/xapi/statements?activity=http%3A%2F%2Fexample.org%2Fact-2", &s, ids, sizeof ids, NULL, 0);
    CHECK_STR(ids, "aaaaaaaa-0000-4000-8000-000000000010 aaaaaaaa-0000-4000-8000-000000000006 "
                   "aaaaaaaa-0000-4000-8000-000000000002");
    ids_of("/xapi/statements?registration=bbbbbbbb-0000-4000-8000-000000000001&ascending=true&activity="
           "http%3A%2F%2Fexample.org%2Fact-1", &s, ids, sizeof ids, NULL, 0);
    CHECK_STR(ids, "aaaaaaaa-0000-4000-8000-000000000001");
    // until: "stored at or before"; since in the future: nothing.
    ids_of("/xapi/statements?until=2000-01-01T00:00:00Z", &s, ids, sizeof ids, NULL, 0);
    CHECK(s == 200 && ids[0] == 0);
    ids_of("/xapi/statements?since=2200-01-01T00:00:00Z", &s, ids, sizeof ids, NULL, 0);
    CHECK(s == 200 && ids[0] == 0);
    // related_agents: the authority (the xAPI key's Agent) is related.
    ids_of("/xapi/statements?agent=%7B%22account%22%3A%7B%22homePage%22%3A%22http%3A%2F%2Fnowhere%2F%22%2C%22name"
           "%22%3A%22xapi-key%22%7D%7D&related_agents=true", &s, ids, sizeof ids, NULL, 0);
    CHECK(s == 200 && ids[0] == 0); // another homePage: another Agent
}

STOA_TEST(more_links_are_stable_under_writes)
{
    setup();
    char ids[8192], more[600], all[16384] = "";
    int s, pages = 0;
    ids_of("/xapi/statements?verb=http%3A%2F%2Fexample.org%2Fverbs%2Fv0&limit=2", &s, ids, sizeof ids, more, sizeof more);
    snprintf(all, sizeof all, "%s", ids);
    while (s == 200 && more[0] && pages++ < 10) {
        post_n(100 + pages * 2); // a newer v0 statement between pages
        ids_of(more, &s, ids, sizeof ids, more, sizeof more);
        size_t n = strlen(all);
        snprintf(all + n, sizeof all - n, "%s%s", ids[0] && n ? " " : "", ids);
    }
    // Every v0 statement stored before the first page, once, newest first;
    // none of those written meanwhile.
    CHECK_STR(all, "aaaaaaaa-0000-4000-8000-000000000010 aaaaaaaa-0000-4000-8000-000000000008 "
                   "aaaaaaaa-0000-4000-8000-000000000006 aaaaaaaa-0000-4000-8000-000000000004 "
                   "aaaaaaaa-0000-4000-8000-000000000002 aaaaaaaa-0000-4000-8000-000000000000");
}

STOA_TEST(parameters_are_checked)
{
    setup();
    const char *bad[] = {
        "/xapi/statements?Verb=http%3A%2F%2Fe.org%2Fv", // wrong case
        "/xapi/statements?colour=red",                  // unknown
        "/xapi/statements?limit=1&limit=2",             // twice
        "/xapi/statements?limit=abc",
        "/xapi/statements?limit=-1",
        "/xapi/statements?verb=not-an-iri",
        "/xapi/statements?agent=%7B%7D",
        "/xapi/statements?format=full",
        "/xapi/statements?ascending=yes",
        "/xapi/statements?since=2008-09-15T15:53:00-00:00",
        // A value that does not decode is refused, not ignored (an unfiltered answer).
        "/xapi/statements?verb=%zz",
        "/xapi/statements?statementId=%ff%fe",
        // "MUST reject ... statementId or voidedStatementId ... and also any
        // other parameter besides attachments or format"; and both together.
        "/xapi/statements?statementId=aaaaaaaa-0000-4000-8000-000000000001&limit=1",
        ("/xapi/statements?statementId=aaaaaaaa-0000-4000-8000-000000000001"
         "&voidedStatementId=aaaaaaaa-0000-4000-8000-000000000002"),
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char *out = NULL, headers[1024] = "";
        int s = test_http(g_port, "GET", bad[i], g_auth, NULL, 0, &out, headers, sizeof headers);
        CHECK_MSG(s == 400, "%s -> %d %s", bad[i], s, out ? out : "");
        CHECK(strstr(headers, "X-Experience-API-Consistent-Through:") != NULL);
        free(out);
    }
    // limit is capped at the stated maximum (About says HUB_XAPI_LIMIT_MAX).
    char ids[65536];
    int s;
    ids_of("/xapi/statements?limit=100000&format=ids", &s, ids, sizeof ids, NULL, 0);
    CHECK(s == 200 && ids[0]);
}

STOA_TEST(formats)
{
    setup();
    char *out = NULL;
    // format=ids: "only include minimum information necessary ... to identify them".
    CHECK(req("GET", "/xapi/statements?statementId=aaaaaaaa-0000-4000-8000-000000000001&format=ids", NULL, &out) == 200);
    CHECK(out && !strstr(out, "display") && !strstr(out, "definition") && strstr(out, "http://example.org/verbs/v1"));
    free(out);
    // format=canonical: one language per map, chosen by Accept-Language (fr first).
    CHECK(req("GET", "/xapi/statements?statementId=aaaaaaaa-0000-4000-8000-000000000001&format=canonical", NULL, &out) == 200);
    CHECK(out && strstr(out, "\"fr\":\"fait\"") && !strstr(out, "\"en\":\"done\"") && strstr(out, "Acte"));
    free(out);
    // exact: as stored, both languages.
    CHECK(req("GET", "/xapi/statements?statementId=aaaaaaaa-0000-4000-8000-000000000001", NULL, &out) == 200);
    CHECK(out && strstr(out, "\"fr\":\"fait\"") && strstr(out, "\"en\":\"done\""));
    free(out);
    // attachments=true: "the LRS MUST use the multipart response format".
    char headers[1024] = "";
    CHECK(test_http(g_port, "GET", "/xapi/statements?limit=1&attachments=true", g_auth, NULL, 0, &out, headers,
                    sizeof headers) == 200);
    CHECK(strstr(headers, "multipart/mixed; boundary=") != NULL);
    free(out);
}

// A store made before the index (schema 3) is indexed when a new hub first
// opens it: its statements answer verb queries and can be voided.
// Statement `id` by `actor` (an mbox) with verb v, object a StatementRef to `ref`.
static void post_ref(const char *id, const char *actor, const char *verb, const char *ref)
{
    char body[700], *out = NULL;
    snprintf(body, sizeof body,
             "{\"id\":\"%s\",\"actor\":{\"mbox\":\"mailto:%s\"},\"verb\":{\"id\":\"http://example.org/verbs/%s\"},"
             "\"object\":{\"objectType\":\"StatementRef\",\"id\":\"%s\"}}", id, actor, verb, ref);
    CHECK(req("POST", "/xapi/statements", body, &out) == 200);
    free(out);
}

STOA_TEST(statement_refs_match_their_targets_filters_in_any_order)
{
    setup();
    CHECK(g_hub != NULL);
    // Communication 2.1.3 "Filter Conditions for StatementRefs": a statement
    // targeting another matches the filters (not time or limit) its target
    // matches, recursively: c -> b -> a. Stored c, b, then a (targets last).
    post_ref("cccccccc-0000-4000-8000-00000000000c", "ref-c@example.org", "refers", "CCCCCCCC-0000-4000-8000-00000000000B");
    post_ref("cccccccc-0000-4000-8000-00000000000b", "ref-b@example.org", "refers", "cccccccc-0000-4000-8000-00000000000a");
    char body[600], *out = NULL, ids[2048];
    snprintf(body, sizeof body,
             "{\"id\":\"cccccccc-0000-4000-8000-00000000000a\",\"actor\":{\"mbox\":\"mailto:ref-a@example.org\"},"
             "\"verb\":{\"id\":\"http://example.org/verbs/ref-target\"},"
             "\"object\":{\"id\":\"http://example.org/ref-activity\"},"
             "\"context\":{\"registration\":\"dddddddd-0000-4000-8000-000000000001\"}}");
    CHECK(req("POST", "/xapi/statements", body, &out) == 200);
    free(out);
    int s;
    const char *all = "cccccccc-0000-4000-8000-00000000000c cccccccc-0000-4000-8000-00000000000b "
                      "cccccccc-0000-4000-8000-00000000000a"; // in stored order
    ids_of("/xapi/statements?activity=http%3A%2F%2Fexample.org%2Fref-activity&ascending=true", &s, ids, sizeof ids,
           NULL, 0);
    CHECK(s == 200);
    CHECK_STR(ids, all); // 2.1.3 StatementRefs: activity reaches through the chain
    ids_of("/xapi/statements?verb=http%3A%2F%2Fexample.org%2Fverbs%2Fref-target&ascending=true", &s, ids, sizeof ids,
           NULL, 0);
    CHECK_STR(ids, all); // verb
    ids_of("/xapi/statements?agent=%7B%22mbox%22%3A%22mailto%3Aref-a%40example.org%22%7D&ascending=true", &s, ids,
           sizeof ids, NULL, 0);
    CHECK_STR(ids, all); // agent
    ids_of("/xapi/statements?registration=dddddddd-0000-4000-8000-000000000001&ascending=true", &s, ids, sizeof ids,
           NULL, 0);
    CHECK_STR(ids, all); // registration
    // Each filter is met by the statement or by its target: b's own actor
    // with a's verb (and c, which targets b).
    ids_of("/xapi/statements?agent=%7B%22mbox%22%3A%22mailto%3Aref-b%40example.org%22%7D"
           "&verb=http%3A%2F%2Fexample.org%2Fverbs%2Fref-target&ascending=true", &s, ids, sizeof ids, NULL, 0);
    CHECK_STR(ids, "cccccccc-0000-4000-8000-00000000000c cccccccc-0000-4000-8000-00000000000b");
    // The target does not take on the filters of what refers to it.
    ids_of("/xapi/statements?agent=%7B%22mbox%22%3A%22mailto%3Aref-c%40example.org%22%7D&ascending=true", &s, ids,
           sizeof ids, NULL, 0);
    CHECK_STR(ids, "cccccccc-0000-4000-8000-00000000000c");
    // Stored first, target later, in one batch too (target second).
    CHECK(req("POST", "/xapi/statements",
              "[{\"id\":\"cccccccc-0000-4000-8000-0000000000e2\",\"actor\":{\"mbox\":\"mailto:ref-e@example.org\"},"
              "\"verb\":{\"id\":\"http://example.org/verbs/refers\"},"
              "\"object\":{\"objectType\":\"StatementRef\",\"id\":\"cccccccc-0000-4000-8000-0000000000e1\"}},"
              "{\"id\":\"cccccccc-0000-4000-8000-0000000000e1\",\"actor\":{\"mbox\":\"mailto:ref-e@example.org\"},"
              "\"verb\":{\"id\":\"http://example.org/verbs/batch-target\"},\"object\":{\"id\":\"http://example.org/x\"}}]",
              &out) == 200);
    free(out);
    ids_of("/xapi/statements?verb=http%3A%2F%2Fexample.org%2Fverbs%2Fbatch-target&ascending=true", &s, ids,
           sizeof ids, NULL, 0);
    CHECK_STR(ids, "cccccccc-0000-4000-8000-0000000000e2 cccccccc-0000-4000-8000-0000000000e1");
}

STOA_TEST(index_rows_are_checked_against_the_statement)
{
    setup();
    CHECK(g_hub != NULL);
    // The index holds 64-bit hashes; a row whose statement does not have the
    // key (what a collision would give) is left out, and the page still
    // says "more" when the index filled it.
    char path[400], ids[2048], more[512];
    sqlite3 *db = NULL;
    snprintf(path, sizeof path, "%s/hub.sqlite", g_dir);
    CHECK(sqlite3_open(path, &db) == SQLITE_OK);
    char sql[300];
    // Every statement gets a row under the hash of verb v1 (as if every key collided with it).
    snprintf(sql, sizeof sql, "INSERT OR IGNORE INTO xhash(h, seq) SELECT %lld, seq FROM statements",
             (long long)hub_xidx_hash(HUB_IDX_VERB, "http://example.org/verbs/v1"));
    CHECK(sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK);
    snprintf(sql, sizeof sql, "INSERT INTO xhash(h, seq) SELECT %lld, seq FROM statements",
             (long long)hub_xidx_hash(HUB_IDX_VERB, "http://example.org/verbs/collides"));
    CHECK(sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK);
    sqlite3_close(db);
    int s;
    ids_of("/xapi/statements?verb=http%3A%2F%2Fexample.org%2Fverbs%2Fcollides&limit=2", &s, ids, sizeof ids, more,
           sizeof more);
    CHECK(s == 200 && ids[0] == 0);
    CHECK(more[0] == 0); // every candidate was looked at: the store has no more
    char *out = NULL;
    CHECK(req("GET", "/xapi/statements?verb=http%3A%2F%2Fexample.org%2Fverbs%2Fv1&limit=3", NULL, &out) == 200);
    cJSON *j = out ? cJSON_Parse(out) : NULL;
    const cJSON *st;
    int n = 0;
    cJSON_ArrayForEach(st, cJSON_GetObjectItem(j, "statements")) {
        n++;
        CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetObjectItem(st, "verb"), "id")),
                  "http://example.org/verbs/v1");
    }
    CHECK(n == 3);
    CHECK(cJSON_GetStringValue(cJSON_GetObjectItem(j, "more"))[0] != 0);
    cJSON_Delete(j);
    free(out);
}

// Stores one statement with a hub, takes its database back to an older
// schema (`older` SQL), and opens it with this hub: the index is rebuilt.
static void upgrade_from(const char *older)
{
    char dir[256], path[400];
    test_temp_dir(dir);
    int port = 0;
    stoa_hub *hub = test_hub_start(dir, &port);
    CHECK(hub != NULL);
    int saved = g_port;
    g_port = port;
    char auth[300];
    memcpy(auth, g_auth, sizeof auth);
    test_xapi_auth(hub, NULL, g_auth, sizeof g_auth);
    post_n(1);
    stoa_hub_destroy(&hub);
    snprintf(path, sizeof path, "%s/hub.sqlite", dir);
    sqlite3 *db = NULL;
    CHECK(sqlite3_open(path, &db) == SQLITE_OK);
    CHECK(sqlite3_exec(db, older, NULL, NULL, NULL) == SQLITE_OK);
    sqlite3_close(db);
    hub = test_hub_start(dir, &port);
    CHECK(hub != NULL);
    test_xapi_auth(hub, NULL, g_auth, sizeof g_auth);
    char ids[1024];
    int s;
    ids_of("/xapi/statements?verb=http%3A%2F%2Fexample.org%2Fverbs%2Fv1", &s, ids, sizeof ids, NULL, 0);
    CHECK_STR(ids, "aaaaaaaa-0000-4000-8000-000000000001");
    ids_of("/xapi/statements?verb=http%3A%2F%2Fexample.org%2Fverbs%2Fv0", &s, ids, sizeof ids, NULL, 0);
    CHECK(s == 200 && ids[0] == 0);
    stoa_hub_destroy(&hub);
    g_port = saved;
    memcpy(g_auth, auth, sizeof auth);
}

STOA_TEST(old_stores_are_indexed_on_upgrade)
{
    setup();
    // Schema 3: no index, no voiding columns.
    upgrade_from("DROP TABLE xhash; DROP TABLE xapi_credentials; DROP TABLE xapi_attachments;"
                 "DROP INDEX statements_voids; DROP INDEX statements_cred; DROP INDEX statements_ref;"
                 "ALTER TABLE statements DROP COLUMN voided; ALTER TABLE statements DROP COLUMN voids;"
                 "ALTER TABLE statements DROP COLUMN cred_id; ALTER TABLE statements DROP COLUMN ref;");
    // Schema 4: the index as texts (xidx), no ref column.
    upgrade_from("DROP TABLE xhash; DROP INDEX statements_ref; ALTER TABLE statements DROP COLUMN ref;"
                 "CREATE TABLE xidx(kind TEXT NOT NULL, key TEXT NOT NULL, seq INTEGER NOT NULL,"
                 "  PRIMARY KEY(kind, key, seq)) WITHOUT ROWID;"
                 "INSERT INTO xidx VALUES('v', 'http://example.org/verbs/v1', 1);");
}

STOA_TEST(zz_teardown)
{
    stoa_hub_destroy(&g_hub);
    CHECK(g_hub == NULL);
}

STOA_TEST_MAIN()
