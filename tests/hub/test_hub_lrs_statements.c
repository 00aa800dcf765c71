// SPDX-License-Identifier: Apache-2.0
// The hub as an xAPI 1.0.3 LRS, Statements resource (docs/lrs.md): what it
// stores for what it is sent, voiding, the statement comparison behind 409,
// HEAD and the alternate request syntax. Each check cites the requirement
// (xAPI-Communication.md / xAPI-Data.md section). Queries: test_hub_lrs_query.c.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <sodium.h>

#include "hub_test_util.h"
#include "stoa_test.h"

static stoa_hub *g_hub;
static int g_port;
static char g_auth[256], g_basic[160];

static void setup(void)
{
    if (g_hub)
        return;
    char dir[256];
    test_temp_dir(dir);
    g_hub = test_hub_start(dir, &g_port);
    char cred[128];
    snprintf(cred, sizeof cred, "xapi:%s", test_xapi_key(g_hub));
    sodium_bin2base64(g_basic, sizeof g_basic, (const unsigned char *)cred, strlen(cred),
                      sodium_base64_VARIANT_ORIGINAL); // the alternate syntax's Authorization field
    test_xapi_auth(g_hub, NULL, g_auth, sizeof g_auth);
}

static int req(const char *method, const char *path, const char *body, char **out)
{
    return test_http(g_port, method, path, g_auth, body, body ? strlen(body) : 0, out, NULL, 0);
}

// GET path: the parsed answer (NULL unless 200).
static cJSON *get_json(const char *path)
{
    char *out = NULL;
    int s = req("GET", path, NULL, &out);
    cJSON *j = s == 200 && out ? cJSON_Parse(out) : NULL;
    free(out);
    return j;
}

static cJSON *get_by_id(const char *param, const char *id)
{
    char path[200];
    snprintf(path, sizeof path, "/xapi/statements?%s=%s", param, id);
    return get_json(path);
}

static const char *str_at(const cJSON *j, const char *a, const char *b)
{
    const cJSON *o = cJSON_GetObjectItemCaseSensitive(j, a);
    return cJSON_GetStringValue(b ? cJSON_GetObjectItemCaseSensitive(o, b) : o);
}

#define ST(id, extra)                                                                                   \
    "{\"id\":\"" id "\",\"actor\":{\"mbox\":\"mailto:ana@example.org\"},"                               \
    "\"verb\":{\"id\":\"http://example.org/verbs/tried\",\"display\":{\"en\":\"tried\"}},"                \
    "\"object\":{\"id\":\"http://example.org/act/1\",\"definition\":{}}" extra "}"

STOA_TEST(stores_what_the_spec_allows_and_sets_what_the_lrs_sets)
{
    setup();
    CHECK(g_hub != NULL);
    char *out = NULL;
    // Data 2.4.7: timestamp optional, "the LRS populates it with the same
    // value it would use with Stored"; empty definition/extensions valid.
    const char *st = ST("11111111-1111-4111-8111-111111111111",
                        ",\"context\":{\"contextActivities\":{\"parent\":{\"id\":\"http://example.org/course\"}},"
                        "\"extensions\":{}},\"authority\":{\"mbox\":\"mailto:someone@else.org\"}");
    CHECK_MSG(req("POST", "/xapi/statements", st, &out) == 200, "%s", out ? out : "");
    free(out);
    cJSON *j = get_by_id("statementId", "11111111-1111-4111-8111-111111111111");
    CHECK(j != NULL);
    CHECK(str_at(j, "timestamp", NULL) && str_at(j, "stored", NULL));
    CHECK_STR(str_at(j, "timestamp", NULL), str_at(j, "stored", NULL));
    // Data 2.4.10 "If they lack a version, the version MUST be set to 1.0.0."
    CHECK_STR(str_at(j, "version", NULL), "1.0.0");
    // Data 2.4.9 "The LRS MUST ensure that all Statements stored have an
    // authority" — overwritten from the credential (SHOULD).
    const cJSON *auth = cJSON_GetObjectItem(j, "authority");
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetObjectItem(auth, "account"), "name")), "xapi-key");
    // Data 2.4.6.2 "The LRS MUST return every value in the contextActivities
    // Object as an array, even if it arrived as a single Activity Object."
    const cJSON *parent = cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "context"),
                                                                  "contextActivities"), "parent");
    CHECK(cJSON_IsArray(parent) && cJSON_GetArraySize(parent) == 1);
    cJSON_Delete(j);
}

STOA_TEST(invalid_statements_name_the_field)
{
    setup();
    char *out = NULL;
    struct { const char *body, *field; } bad[] = {
        {ST("22222222-2222-4222-8222-222222222221", ",\"timestamp\":\"2008-09-15T15:53:00.601-00:00\""), "timestamp"},
        {"{\"actor\":{\"mbox\":\"mailto:nobody\"},\"verb\":{\"id\":\"http://e.org/v\"},\"object\":{\"id\":\"http://e.org/a\"}}", "actor.mbox"},
        {ST("22222222-2222-4222-8222-222222222222", ",\"version\":\"2.0.0\""), "version"},
        {ST("22222222-2222-4222-8222-222222222223", ",\"authority\":{\"objectType\":\"Group\",\"member\":[]}"), "authority"},
        // Communication 1.5.1: over application/json every attachment needs a fileUrl.
        {ST("22222222-2222-4222-8222-222222222224", ",\"attachments\":[{\"usageType\":\"http://e.org/u\",\"display\":{\"en\":\"x\"},"
            "\"contentType\":\"text/plain\",\"length\":1,\"sha2\":\"" "672fa5fa658017f1b72d65036f13379c6ab05d4ab3b6664908d8acf0b6a0c634" "\"}]"), "fileUrl"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char headers[1024] = "";
        int s = test_http(g_port, "POST", "/xapi/statements", g_auth, bad[i].body, strlen(bad[i].body), &out,
                          headers, sizeof headers);
        CHECK_MSG(s == 400, "%zu: %d %s", i, s, out ? out : "");
        CHECK_CONTAINS(out ? out : "", bad[i].field);
        // Communication 2.1.3: Consistent-Through "on all responses".
        CHECK(strstr(headers, "X-Experience-API-Consistent-Through:") != NULL);
        free(out);
    }
}

STOA_TEST(voiding)
{
    setup();
    char *out = NULL;
    const char *target = ST("33333333-3333-4333-8333-333333333331", "");
    CHECK(req("POST", "/xapi/statements", target, &out) == 200);
    free(out);
    const char *voiding = "{\"id\":\"33333333-3333-4333-8333-333333333332\",\"actor\":{\"mbox\":\"mailto:t@example.org\"},"
                          "\"verb\":{\"id\":\"http://adlnet.gov/expapi/verbs/voided\"},"
                          "\"object\":{\"objectType\":\"StatementRef\",\"id\":\"33333333-3333-4333-8333-333333333331\"}}";
    CHECK(req("POST", "/xapi/statements", voiding, &out) == 200);
    free(out);
    // Communication 2.1.4 "The LRS MUST not return any Statement which has
    // been voided, unless that Statement has been requested by voidedStatementId."
    CHECK(req("GET", "/xapi/statements?statementId=33333333-3333-4333-8333-333333333331", NULL, &out) == 404);
    free(out);
    cJSON *j = get_by_id("voidedStatementId", "33333333-3333-4333-8333-333333333331");
    CHECK(j && strcmp(str_at(j, "id", NULL), "33333333-3333-4333-8333-333333333331") == 0);
    cJSON_Delete(j);
    CHECK(req("GET", "/xapi/statements?voidedStatementId=33333333-3333-4333-8333-333333333332", NULL, &out) == 404);
    free(out);
    // "... MUST still return any Statements targeting the voided Statement"
    // (StatementRef filter rule): the voiding one matches the target's activity.
    j = get_json("/xapi/statements?activity=http%3A%2F%2Fexample.org%2Fact%2F1");
    char *text = j ? cJSON_PrintUnformatted(j) : NULL;
    CHECK(text && strstr(text, "33333333-3333-4333-8333-333333333332") &&
          !strstr(text, "\"id\":\"33333333-3333-4333-8333-333333333331\",\"actor\""));
    free(text);
    cJSON_Delete(j);
    // Data 2.3.2: a voiding statement cannot be voided.
    const char *again = "{\"actor\":{\"mbox\":\"mailto:t@example.org\"},"
                        "\"verb\":{\"id\":\"http://adlnet.gov/expapi/verbs/voided\"},"
                        "\"object\":{\"objectType\":\"StatementRef\",\"id\":\"33333333-3333-4333-8333-333333333332\"}}";
    CHECK(req("POST", "/xapi/statements", again, &out) == 400);
    free(out);
    // "SHOULD NOT* reject the request on the grounds of the Object of that
    // voiding Statement not being present": the target, arriving later, is voided.
    const char *early = "{\"id\":\"33333333-3333-4333-8333-333333333334\",\"actor\":{\"mbox\":\"mailto:t@example.org\"},"
                        "\"verb\":{\"id\":\"http://adlnet.gov/expapi/verbs/voided\"},"
                        "\"object\":{\"objectType\":\"StatementRef\",\"id\":\"33333333-3333-4333-8333-333333333335\"}}";
    CHECK(req("POST", "/xapi/statements", early, &out) == 200);
    free(out);
    CHECK(req("POST", "/xapi/statements", ST("33333333-3333-4333-8333-333333333335", ""), &out) == 200);
    free(out);
    CHECK(req("GET", "/xapi/statements?statementId=33333333-3333-4333-8333-333333333335", NULL, &out) == 404);
    free(out);
    CHECK(req("GET", "/xapi/statements?voidedStatementId=33333333-3333-4333-8333-333333333335", NULL, &out) == 200);
    free(out);
    // Data 2.3.2: the object of a voiding statement MUST be a StatementRef.
    const char *bad = "{\"actor\":{\"mbox\":\"mailto:t@example.org\"},"
                      "\"verb\":{\"id\":\"http://adlnet.gov/expapi/verbs/voided\"},\"object\":{\"id\":\"http://e.org/a\"}}";
    CHECK(req("POST", "/xapi/statements", bad, &out) == 400);
    free(out);
}

STOA_TEST(same_id_compares_by_the_spec)
{
    setup();
    char *out = NULL, path[128];
    snprintf(path, sizeof path, "/xapi/statements?statementId=44444444-4444-4444-8444-444444444444");
    const char *st = ST("44444444-4444-4444-8444-444444444444", ",\"timestamp\":\"2026-01-01T10:00:00.000Z\"");
    CHECK(req("PUT", path, st, &out) == 204);
    free(out);
    // Data 2.3.1: id case, timestamp zone, verb display and activity
    // definitions are not part of the immutable statement: 204 again.
    const char *same = "{\"id\":\"44444444-4444-4444-8444-444444444444\",\"actor\":{\"mbox\":\"mailto:ana@example.org\"},"
                       "\"verb\":{\"id\":\"http://example.org/verbs/tried\",\"display\":{\"fr\":\"essayé\"}},"
                       "\"object\":{\"id\":\"http://example.org/act/1\"},\"timestamp\":\"2026-01-01T11:00:00+01:00\"}";
    CHECK_MSG(req("PUT", path, same, &out) == 204, "%s", out ? out : "");
    free(out);
    // Communication 2.1.1: a different statement with that id: 409.
    const char *other = ST("44444444-4444-4444-8444-444444444444", ",\"result\":{\"success\":true}");
    CHECK(req("PUT", path, other, &out) == 409);
    free(out);
    // Communication 2.1.2: the same id twice in one batch: 400.
    char batch[2048];
    snprintf(batch, sizeof batch, "[%s,%s]", ST("44444444-4444-4444-8444-444444444445", ""),
             ST("44444444-4444-4444-8444-444444444445", ""));
    CHECK(req("POST", "/xapi/statements", batch, &out) == 400);
    free(out);
}

STOA_TEST(head_and_alternate_syntax)
{
    setup();
    char *out = NULL, headers[1024] = "";
    // Communication 1.1: HEAD as GET, without the body.
    CHECK(test_http(g_port, "HEAD", "/xapi/statements?limit=1", g_auth, NULL, 0, &out, headers, sizeof headers) == 200);
    CHECK(strstr(headers, "X-Experience-API-Consistent-Through:") != NULL);
    CHECK(!out || !*out);
    free(out);
    // Communication 1.3: POST ?method=PUT with the headers and the content
    // as form fields.
    char form[4096], *enc_auth = g_basic;
    const char *st = ST("55555555-5555-4555-8555-555555555555", "");
    char enc[2048];
    size_t o = 0;
    for (const char *p = st; *p && o + 4 < sizeof enc; p++)
        o += (size_t)(strchr("{}\":,/ ", *p) || *p == '@' ? snprintf(enc + o, 4, "%%%02X", (unsigned char)*p)
                                                          : snprintf(enc + o, 2, "%c", *p));
    snprintf(form, sizeof form,
             "statementId=55555555-5555-4555-8555-555555555555&Authorization=Basic%%20%s"
             "&X-Experience-API-Version=1.0.3&Content-Type=application%%2Fjson&content=%s", enc_auth, enc);
    const char *h = "Content-Type: application/x-www-form-urlencoded\r\n";
    int s = test_http(g_port, "POST", "/xapi/statements?method=PUT", h, form, strlen(form), &out, NULL, 0);
    CHECK_MSG(s == 204, "%d %s", s, out ? out : "");
    free(out);
    snprintf(form, sizeof form, "statementId=55555555-5555-4555-8555-555555555555&Authorization=Basic%%20%s"
                                "&X-Experience-API-Version=1.0.3", enc_auth);
    CHECK(test_http(g_port, "POST", "/xapi/statements?method=GET", h, form, strlen(form), &out, NULL, 0) == 200);
    CHECK(out && strstr(out, "55555555-5555-4555-8555-555555555555"));
    free(out);
    // "The LRS MUST reject ... any extra information in the query string other than method."
    CHECK(test_http(g_port, "POST", "/xapi/statements?method=GET&limit=1", h, form, strlen(form), &out, NULL, 0) == 400);
    free(out);
}

STOA_TEST(zz_teardown)
{
    stoa_hub_destroy(&g_hub);
    CHECK(g_hub == NULL);
}

STOA_TEST_MAIN()
