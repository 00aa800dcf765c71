// SPDX-License-Identifier: Apache-2.0
// Statement building: formats, and a whole scripted session whose every
// statement must pass the xAPI checker.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stoa_test.h"
#include "trace/stoa_trace.h"
#include "trace_internal.h"
#include "trace_test_util.h"

#define MS 1000000LL
#define S 1000000000LL

STOA_TEST(uuid_v4_is_well_formed_and_fresh)
{
    char a[37], b[37];
    stoa_trace_uuid_v4(a);
    stoa_trace_uuid_v4(b);
    CHECK(stoa_trace_parse_uuid(a));
    CHECK(a[14] == '4');
    CHECK(strchr("89ab", a[19]) != NULL);
    CHECK(strcmp(a, b) != 0);
}

STOA_TEST(timestamp_is_utc_with_milliseconds)
{
    char ts[40];
    // 2026-11-28T10:12:38.123Z = 1795860758 s
    stoa_trace_format_timestamp(1795860758LL * S + 123456789LL, ts, sizeof ts);
    CHECK_STR(ts, "2026-11-28T10:12:38.123Z");
    int64_t back = 0;
    CHECK(stoa_trace_parse_timestamp(ts, &back));
    CHECK(back == 1795860758LL * S + 123 * MS);
    CHECK(stoa_trace_parse_timestamp("2026-11-28T11:12:38.5+01:00", &back));
    CHECK(back == 1795860758LL * S + 500 * MS);
    CHECK(!stoa_trace_parse_timestamp("2026-11-28T10:12:38", NULL));  // no zone
    CHECK(!stoa_trace_parse_timestamp("2026-02-30T10:12:38Z", NULL)); // no such day
    CHECK(!stoa_trace_parse_timestamp("2026-11-28 10:12:38Z", NULL));
}

STOA_TEST(duration_is_iso8601)
{
    char d[48];
    stoa_trace_format_duration(62345 * MS, d, sizeof d);
    CHECK_STR(d, "PT1M2.345S");
    stoa_trace_format_duration(0, d, sizeof d);
    CHECK_STR(d, "PT0S");
    stoa_trace_format_duration(2500 * MS, d, sizeof d);
    CHECK_STR(d, "PT2.5S");
    stoa_trace_format_duration(3603 * S, d, sizeof d);
    CHECK_STR(d, "PT1H3S");
    int64_t ns = 0;
    CHECK(stoa_trace_parse_duration("PT1M2.345S", &ns) && ns == 62345 * MS);
    CHECK(stoa_trace_parse_duration("P1DT2H", &ns) && ns == 26 * 3600 * S);
    CHECK(!stoa_trace_parse_duration("PT", NULL));
    CHECK(!stoa_trace_parse_duration("P", NULL));
    CHECK(!stoa_trace_parse_duration("PT1.5M2S", NULL)); // fraction not last
    CHECK(!stoa_trace_parse_duration("PT2S1M", NULL));   // out of order
    CHECK(!stoa_trace_parse_duration("1M", NULL));
}

STOA_TEST(language_tags_and_iris)
{
    const char *good[] = {"en", "en-US", "zh-Hans-CN", "el", "de-CH-1901", "x-klingon", "und",
                          "sr-Latn-RS", "es-419"};
    for (size_t i = 0; i < sizeof good / sizeof *good; i++)
        CHECK_MSG(stoa_trace_parse_lang_tag(good[i]), "%s", good[i]);
    const char *bad[] = {"", "e", "en_US", "english-language-tag", "en-", "-en", "zh-Hans-"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        CHECK_MSG(!stoa_trace_parse_lang_tag(bad[i]), "%s", bad[i]);
    CHECK(stoa_trace_parse_iri("https://stoa.dev/xapi/verbs/gazed"));
    CHECK(stoa_trace_parse_iri("urn:uuid:1234"));
    CHECK(!stoa_trace_parse_iri("stoa.dev/relative"));
    CHECK(!stoa_trace_parse_iri("https://stoa.dev/with space"));
    char *iri = stoa_trace_iri_join("https://x.org/states/", "柱廊 1");
    CHECK_STR(iri, "https://x.org/states/%E6%9F%B1%E5%BB%8A%201");
    CHECK(stoa_trace_parse_iri(iri));
    free(iri);
}

static const stoa_trace_text k_lesson_names[] = {{"zh-CN", "雅典的广场"}, {"en", "The Agora"}};
static const stoa_trace_text k_state_names[] = {{"zh-CN", "柱廊"}, {"en", "The stoa"}};
static const char *const k_concepts[] = {"architecture", "democracy"};

static stoa_trace_log *open_log(const char *dir, stoa_fake_clock *clock, const char *file)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    stoa_fake_clock_init(clock, 1000 * S);
    stoa_trace_log *log = NULL;
    stoa_error err = {0};
    stoa_result r = stoa_trace_log_create(
        &(stoa_trace_log_desc){.file_path = path, .lesson_id = "agora",
                               .lesson_names = {k_lesson_names, 2}, .language = "zh-CN",
                               .learner_account = "learner-07", .instructor_account = "teacher-1",
                               .clock = &clock->base, .start_unix_ns = 1795860758LL * S},
        &log, &err);
    CHECK_MSG(r == STOA_OK, "%s", err.message);
    return log;
}

STOA_TEST(every_statement_of_a_session_passes_the_checker)
{
    char dir[512];
    tt_make_temp_dir(dir, sizeof dir, "stmt");
    stoa_fake_clock c;
    stoa_trace_log *log = open_log(dir, &c, "run.jsonl");
    if (!log)
        return;
    stoa_trace_names sn = {k_state_names, 2}, none = {0};
    float pos[3] = {1, 1.6f, -2}, rot[4] = {0, 0, 0, 1};
    stoa_trace_launched(log, c.t_ns);
    stoa_fake_clock_advance(&c, 1500 * MS);
    stoa_trace_initialized(log, c.t_ns);
    CHECK(stoa_trace_state_entered(log, "stoa", sn, k_concepts, 2, c.t_ns));
    for (int i = 0; i < 30; i++) { // 6 s of samples at 5 Hz
        stoa_trace_pose_sample(log, pos, rot, i % 2 ? "column" : NULL, c.t_ns);
        stoa_fake_clock_advance(&c, 200 * MS);
    }
    CHECK(stoa_trace_gaze_dwell(log, "column", none, true, 2750 * MS, c.t_ns));
    for (int v = STOA_TRACE_INTERACTED; v <= STOA_TRACE_POINTED; v++)
        CHECK(stoa_trace_node_event(log, (stoa_trace_node_verb)v, "amphora", none, false, c.t_ns));
    CHECK(stoa_trace_teleported(log, pos, c.t_ns));
    CHECK(stoa_trace_question_shown(log, "q1", none, c.t_ns));
    stoa_fake_clock_advance(&c, 62345 * MS);
    CHECK(stoa_trace_answered(log, &(stoa_trace_answer){.question_id = "q1", .response = "b",
                                                         .correct_response = "a"}, c.t_ns));
    stoa_fake_clock_advance(&c, 4 * S);
    CHECK(stoa_trace_answered(log, &(stoa_trace_answer){.question_id = "q1", .response = "a",
                                                         .success = true}, c.t_ns));
    CHECK(stoa_trace_suspended(log, STOA_TRACE_SESSION_LOST, c.t_ns));
    stoa_fake_clock_advance(&c, 10 * S);
    CHECK(stoa_trace_resumed(log, c.t_ns));
    CHECK(stoa_trace_completed(log, c.t_ns));
    CHECK(stoa_trace_scored(log, 7, 0, 10, true, c.t_ns));
    CHECK(!stoa_trace_scored(log, 11, 0, 10, true, c.t_ns)); // raw above max: refused
    CHECK(stoa_trace_terminated(log, c.t_ns));
    CHECK(!stoa_trace_state_entered(log, "late", sn, NULL, 0, c.t_ns)); // after terminated
    char path[4200];
    snprintf(path, sizeof path, "%s", stoa_trace_log_path(log));
    stoa_trace_log_destroy(&log);
    CHECK(log == NULL);

    bool torn = true;
    cJSON *all = tt_read_log(path, &torn);
    CHECK(all && !torn);
    if (!all)
        return;
    int n = cJSON_GetArraySize(all);
    // launched, initialized, experienced state, tracked, gazed, 4 node verbs,
    // teleported, experienced question, 2 answered, suspended, resumed,
    // completed, passed, terminated.
    CHECK_MSG(n == 18, "got %d statements", n);
    const char *expect_first[] = {"launched", "initialized", "experienced"};
    for (int i = 0; i < 3 && i < n; i++)
        CHECK_STR(tt_verb(cJSON_GetArrayItem(all, i)), expect_first[i]);
    CHECK_STR(tt_verb(cJSON_GetArrayItem(all, n - 1)), "terminated");
    char problem[512];
    int tracked = 0, samples = 0;
    const cJSON *st;
    cJSON_ArrayForEach(st, all)
    {
        CHECK_MSG(tt_check(st, problem, sizeof problem) == 0, "%s in %s", problem, tt_verb(st));
        const cJSON *ctx = cJSON_GetObjectItem(st, "context");
        CHECK_STR(cJSON_GetObjectItem(ctx, "platform")->valuestring, "Stoa");
        CHECK(cJSON_GetObjectItem(ctx, "instructor") != NULL);
        const cJSON *ps = cJSON_GetObjectItem(cJSON_GetObjectItem(ctx, "extensions"),
                                              "https://stoa.dev/xapi/extensions/pose-samples");
        samples += cJSON_GetArraySize(ps);
        tracked += strcmp(tt_verb(st), "was tracked in") == 0;
        // The pseudonym is the only identity: no real name was mapped.
        CHECK(cJSON_GetObjectItem(cJSON_GetObjectItem(st, "actor"), "name") == NULL);
    }
    CHECK(tracked == 1);
    // Calls every 200 ms, kept when 500 ms have passed: t = 0, 0.6 ... 5.4 s.
    CHECK_MSG(samples == 10, "samples %d", samples);
    char *text = cJSON_PrintUnformatted(all);
    CHECK_CONTAINS(text, "\"timestamp\":\"2026-11-28T10:12:38.000Z\"");
    CHECK_CONTAINS(text, "\"duration\":\"PT1M2.345S\""); // time to answer q1
    CHECK_CONTAINS(text, "\"duration\":\"PT2.75S\"");    // gaze dwell
    CHECK_CONTAINS(text, "雅典的广场");
    CHECK_CONTAINS(text, "\"scaled\":0.7");
    CHECK_CONTAINS(text, "\"session-lost\"");
    CHECK_CONTAINS(text, "\"https://stoa.dev/xapi/extensions/concepts\":[\"architecture\",\"democracy\"]");
    free(text);
    cJSON_Delete(all);
}

STOA_TEST(out_of_order_calls_are_repaired_and_destroy_terminates)
{
    char dir[512];
    tt_make_temp_dir(dir, sizeof dir, "order");
    stoa_fake_clock c;
    stoa_trace_log *log = open_log(dir, &c, "order.jsonl");
    if (!log)
        return;
    stoa_trace_state_entered(log, "first", (stoa_trace_names){0}, NULL, 0, c.t_ns);
    stoa_fake_clock_advance(&c, 3 * S);
    char path[4200];
    snprintf(path, sizeof path, "%s", stoa_trace_log_path(log));
    stoa_trace_log_destroy(&log);
    cJSON *all = tt_read_log(path, NULL);
    CHECK(all && cJSON_GetArraySize(all) == 4);
    const char *want[] = {"launched", "initialized", "experienced", "terminated"};
    for (int i = 0; all && i < 4; i++)
        CHECK_STR(tt_verb(cJSON_GetArrayItem(all, i)), want[i]);
    char *text = cJSON_PrintUnformatted(all);
    CHECK_CONTAINS(text, "\"duration\":\"PT3S\"");
    free(text);
    cJSON_Delete(all);
}

STOA_TEST(default_file_names_are_unique_per_run)
{
    char dir[512];
    tt_make_temp_dir(dir, sizeof dir, "names");
    stoa_trace_log *a = NULL, *b = NULL;
    stoa_error err;
    stoa_trace_log_desc d = {.traces_dir = dir, .lesson_id = "雅典 agora/1",
                             .learner_account = "learner-07"};
    CHECK(stoa_trace_log_create(&d, &a, &err) == STOA_OK);
    CHECK(stoa_trace_log_create(&d, &b, &err) == STOA_OK);
    if (a && b) {
        CHECK(strcmp(stoa_trace_log_path(a), stoa_trace_log_path(b)) != 0);
        CHECK_CONTAINS(stoa_trace_log_path(a), "_雅典-agora-1_learner-07_");
        CHECK(strcmp(stoa_trace_log_registration(a), stoa_trace_log_registration(b)) != 0);
    }
    stoa_trace_log_destroy(&a);
    stoa_trace_log_destroy(&b);
    // A name ending in Chinese keeps its last character; a long one is cut
    // at a character boundary.
    d.lesson_id = "雅典";
    d.learner_account = "学生学生学生学生学生学生学生学生学生学生学生学生学生学生学生学生"; // 48 chars
    CHECK(stoa_trace_log_create(&d, &a, &err) == STOA_OK);
    if (a) {
        CHECK_CONTAINS(stoa_trace_log_path(a), "_雅典_学生");
        const char *who = strstr(stoa_trace_log_path(a), "_学生");
        CHECK(who && strlen(who) - strlen("_") - strlen(".jsonl") - 9 == 45); // 15 CJK = 45 bytes
    }
    stoa_trace_log_destroy(&a);
    char def[4096];
    setenv("XDG_STATE_HOME", "/x/state", 1);
    stoa_trace_default_dir(def, sizeof def);
    CHECK_STR(def, "/x/state/stoa/traces");
    unsetenv("XDG_STATE_HOME");
    setenv("HOME", "/home/h", 1);
    stoa_trace_default_dir(def, sizeof def);
    CHECK_STR(def, "/home/h/.local/state/stoa/traces");
}

STOA_TEST_MAIN()
