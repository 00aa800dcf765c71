// SPDX-License-Identifier: Apache-2.0
// The checker rejects each class of invalid statement, one test per class,
// each starting from a statement it accepts (so every test can fail).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stoa_test.h"
#include "trace/stoa_trace_report.h"
#include "trace_test_util.h"

static void ignore_warning(void *user, const char *message)
{
    (void)user;
    (void)message;
}

static const char *k_valid =
    "{\"id\":\"6f1c2b8e-3a4d-4e5f-9a0b-1c2d3e4f5a6b\","
    "\"actor\":{\"objectType\":\"Agent\",\"account\":{\"homePage\":\"https://stoa.dev/accounts\","
    "\"name\":\"learner-07\"}},"
    "\"verb\":{\"id\":\"http://adlnet.gov/expapi/verbs/answered\",\"display\":{\"en-US\":\"answered\"}},"
    "\"object\":{\"objectType\":\"Activity\",\"id\":\"https://stoa.dev/xapi/lessons/agora/questions/q1\","
    "\"definition\":{\"name\":{\"zh-CN\":\"问题一\"},\"type\":\"http://adlnet.gov/expapi/activities/cmi.interaction\","
    "\"interactionType\":\"choice\"}},"
    "\"result\":{\"success\":true,\"response\":\"a\",\"duration\":\"PT1M2.345S\","
    "\"score\":{\"scaled\":0.5,\"raw\":5,\"min\":0,\"max\":10}},"
    "\"context\":{\"registration\":\"0b7e2f6a-1c3d-4e5f-8a9b-0c1d2e3f4a5b\",\"platform\":\"Stoa\","
    "\"language\":\"zh-CN\",\"contextActivities\":{\"parent\":[{\"id\":\"https://stoa.dev/xapi/lessons/agora\"}]},"
    "\"extensions\":{\"https://stoa.dev/xapi/extensions/state\":\"x\"}},"
    "\"timestamp\":\"2026-11-28T10:12:38.123Z\"}";

// Parses k_valid, applies `edit` (a JSON path and a new JSON value, or NULL
// to delete) and returns the checker's first problem ("" when none).
static int check_edit(const char *path, const char *value, char *problem, size_t cap)
{
    cJSON *st = cJSON_Parse(k_valid);
    cJSON *parent = st;
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    char *key = buf, *dot;
    while ((dot = strchr(key, '.'))) {
        *dot = '\0';
        parent = cJSON_GetObjectItemCaseSensitive(parent, key);
        key = dot + 1;
    }
    if (value && cJSON_GetObjectItemCaseSensitive(parent, key))
        cJSON_ReplaceItemInObjectCaseSensitive(parent, key, cJSON_Parse(value));
    else if (value)
        cJSON_AddItemToObject(parent, key, cJSON_Parse(value));
    else
        cJSON_DeleteItemFromObjectCaseSensitive(parent, key);
    int n = tt_check(st, problem, cap);
    cJSON_Delete(st);
    return n;
}

#define EXPECT_INVALID(path, value, where_and_what)                                                \
    do {                                                                                           \
        char p_[512];                                                                              \
        CHECK(check_edit(path, value, p_, sizeof p_) > 0);                                         \
        CHECK_CONTAINS(p_, where_and_what);                                                        \
    } while (0)

STOA_TEST(valid_statement_passes)
{
    char p[512];
    cJSON *st = cJSON_Parse(k_valid);
    CHECK(st != NULL);
    CHECK_MSG(tt_check(st, p, sizeof p) == 0, "%s", p);
    cJSON_Delete(st);
}

STOA_TEST(rejects_missing_actor) { EXPECT_INVALID("actor", NULL, "actor: missing"); }
STOA_TEST(rejects_missing_verb) { EXPECT_INVALID("verb", NULL, "verb: missing"); }
STOA_TEST(rejects_missing_object) { EXPECT_INVALID("object", NULL, "object: missing"); }

STOA_TEST(rejects_bad_uuid)
{
    EXPECT_INVALID("id", "\"6f1c2b8e-3a4d-4e5f-9a0b-1c2d3e4f5a6\"", "id: \"6f1c2b8e");
    EXPECT_INVALID("context.registration", "\"not-a-uuid\"", "context.registration: ");
}

STOA_TEST(rejects_bad_timestamp)
{
    EXPECT_INVALID("timestamp", "\"2026-11-28 10:12:38\"", "timestamp: ");
    EXPECT_INVALID("timestamp", "\"2026-13-28T10:12:38Z\"", "not an ISO 8601 date-time");
}

STOA_TEST(rejects_bad_duration)
{
    EXPECT_INVALID("result.duration", "\"62.3 seconds\"", "result.duration: ");
    EXPECT_INVALID("result.duration", "\"PT\"", "not an ISO 8601 duration");
}

STOA_TEST(rejects_scaled_out_of_range)
{
    EXPECT_INVALID("result.score.scaled", "1.5", "result.score.scaled: 1.5 is outside -1..1");
}

STOA_TEST(rejects_raw_above_max)
{
    EXPECT_INVALID("result.score.raw", "11", "result.score.raw: 11 is above max 10");
}

STOA_TEST(rejects_bad_display_tag) { EXPECT_INVALID("verb.display", "{\"en_US\":\"x\"}", "verb.display: "); }

STOA_TEST(rejects_null_values)
{
    EXPECT_INVALID("result.response", "null", "result.response: null value");
    EXPECT_INVALID("actor", "null", "actor: null value");
}

STOA_TEST(rejects_relative_iri_and_bad_language)
{
    EXPECT_INVALID("verb.id", "\"answered\"", "verb.id: \"answered\" is not an absolute IRI");
    EXPECT_INVALID("context.language", "\"zh_CN\"", "context.language: ");
    EXPECT_INVALID("object.definition.name", "{\"zh_CN\":\"问题\"}", "not an RFC 5646");
}

STOA_TEST(rejects_wrong_types_and_unknown_properties)
{
    EXPECT_INVALID("result.success", "\"yes\"", "result.success: must be a boolean");
    EXPECT_INVALID("result.score.raw", "\"5\"", "result.score.raw: must be a number");
    EXPECT_INVALID("verb.colour", "\"red\"", "unknown property \"colour\"");
}

STOA_TEST(rejects_agents_with_two_or_no_identifiers)
{
    EXPECT_INVALID("actor.mbox", "\"mailto:a@b.org\"", "exactly one");
    EXPECT_INVALID("actor.account", NULL, "needs one identifier");
}

static char *write_file(const char *dir, const char *name, const char *text)
{
    static char path[600];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
    return path;
}

STOA_TEST(cli_reports_file_and_line_and_exit_status)
{
    char dir[512], cmd[2048], *out = NULL;
    tt_make_temp_dir(dir, sizeof dir, "check");
    cJSON *bad = cJSON_Parse(k_valid);
    cJSON_ReplaceItemInObject(cJSON_GetObjectItem(cJSON_GetObjectItem(bad, "result"), "score"),
                              "scaled", cJSON_CreateNumber(-2));
    cJSON_ReplaceItemInObject(bad, "id", cJSON_CreateString("7f1c2b8e-3a4d-4e5f-9a0b-1c2d3e4f5a6b"));
    char *bad_line = cJSON_PrintUnformatted(bad);
    char text[8192];
    snprintf(text, sizeof text, "%s\n%s\n", k_valid, bad_line);
    char *path = write_file(dir, "bad.jsonl", text);
    snprintf(cmd, sizeof cmd, "%s trace check %s", STOA_TRACE_CLI, path);
    CHECK(tt_run(cmd, &out) == 1);
    char want[700];
    snprintf(want, sizeof want, "%s:2: result.score.scaled: -2 is outside -1..1", path);
    CHECK_CONTAINS(out, want);
    CHECK_CONTAINS(out, "2 statements, 1 invalid");
    free(out);

    // A torn last line is a warning, not an error; a duplicate id is an error.
    snprintf(text, sizeof text, "%s\n{\"id\":\"6f1c2b8e-3a4d", k_valid);
    path = write_file(dir, "torn.jsonl", text);
    snprintf(cmd, sizeof cmd, "%s trace check %s", STOA_TRACE_CLI, path);
    CHECK(tt_run(cmd, &out) == 0);
    CHECK_CONTAINS(out, "torn.jsonl:2: warning: torn last line");
    free(out);
    snprintf(text, sizeof text, "%s\n%s\n", k_valid, k_valid);
    path = write_file(dir, "dup.jsonl", text);
    snprintf(cmd, sizeof cmd, "%s trace check %s", STOA_TRACE_CLI, path);
    CHECK(tt_run(cmd, &out) == 1);
    CHECK_CONTAINS(out, "dup.jsonl:2: id: 6f1c2b8e-3a4d-4e5f-9a0b-1c2d3e4f5a6b was already used on line 1");
    free(out);
    free(bad_line);
    cJSON_Delete(bad);
}

// Bad input never crashes: mutated statements go through the checker and,
// written to a log, through the report (run this under ASan).
STOA_TEST(mutated_statements_never_crash_checker_or_report)
{
    static const char alphabet[] = "{}[]\":,0123456789.-eEtfnul x\\";
    unsigned seed = 12345;
    size_t len = strlen(k_valid);
    char dir[512], path[700];
    tt_make_temp_dir(dir, sizeof dir, "mutate");
    snprintf(path, sizeof path, "%s/mutated.jsonl", dir);
    FILE *f = fopen(path, "w");
    int parsed = 0, rejected = 0;
    for (int i = 0; i < 3000; i++) {
        char *m = strdup(k_valid);
        for (int k = 0; k < 1 + i % 3; k++) {
            seed = seed * 1103515245u + 12345u;
            size_t at = (seed >> 8) % len;
            seed = seed * 1103515245u + 12345u;
            if (seed % 4 == 0)
                memmove(m + at, m + at + 1, len - at); // delete a byte
            else
                m[at] = alphabet[(seed >> 8) % (sizeof alphabet - 1)];
        }
        cJSON *st = cJSON_Parse(m);
        if (st) {
            parsed++;
            rejected += tt_check(st, NULL, 0) > 0;
            cJSON_Delete(st);
        }
        fprintf(f, "%s\n", m);
        free(m);
    }
    fprintf(f, "%s\n", k_valid);
    fclose(f);
    CHECK(parsed > 100 && rejected > 50); // the mutations did reach the checker
    cJSON *rep = NULL;
    stoa_error err;
    const char *paths[] = {path};
    CHECK(stoa_report_build(paths, 1, &(stoa_report_desc){.on_warning = ignore_warning}, &rep,
                            &err) == STOA_OK);
    CHECK(rep && cJSON_GetArraySize(cJSON_GetObjectItem(rep, "lessons")) >= 1);
    cJSON_Delete(rep);
}

STOA_TEST_MAIN()
