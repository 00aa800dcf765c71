// SPDX-License-Identifier: Apache-2.0
// `stoa report` on traces with known answers: three scripted learners
// (one with two attempts, one with a pause and a real name mapped by the
// instructor), every number of the JSON checked against hand-worked values.
// The HTML it writes is the input of the browser test.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "stoa_test.h"
#include "trace/stoa_trace.h"
#include "trace/stoa_trace_report.h"
#include "trace_test_util.h"

#define S 1000000000LL
#define DAY (86400LL * S)
#define T0 (1795860000LL * S) // 2026-11-28T09:20:00Z

static const stoa_trace_text k_lesson[] = {{"zh-CN", "雅典的广场"}, {"en", "The Agora of Athens"}};
static const stoa_trace_text k_intro[] = {{"zh-CN", "开场"}, {"en", "Welcome"}};
static const stoa_trace_text k_stoa[] = {{"zh-CN", "柱廊"}, {"en", "The painted stoa"}};
static const stoa_trace_text k_vote[] = {{"zh-CN", "投票"}, {"en", "The vote"}};
static const stoa_trace_text k_end[] = {{"zh-CN", "结束"}, {"en", "Farewell"}};
static const stoa_trace_text k_q1[] = {{"zh-CN", "柱廊是做什么用的？"}, {"en", "What was a stoa for?"}};
static const stoa_trace_text k_q2[] = {{"zh-CN", "谁可以投票？"}, {"en", "Who could vote?"}};
static const stoa_trace_text k_column[] = {{"zh-CN", "多立克柱"}, {"en", "Doric column"}};
static const stoa_trace_text k_statue[] = {{"zh-CN", "雕像"}, {"en", "Statue"}};
static const char *const k_arch[] = {"architecture"};
static const char *const k_demo[] = {"democracy"};
#define N(a) ((stoa_trace_names){a, sizeof a / sizeof *a})

typedef struct script {
    stoa_trace_log *log;
    stoa_fake_clock clock;
    int64_t base;
} script;

static void start(script *s, const char *dir, const char *account, const char *real_name,
                  int64_t start_unix, const char *file)
{
    char path[700];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    stoa_fake_clock_init(&s->clock, 5 * S);
    s->base = 5 * S;
    stoa_error err;
    CHECK(stoa_trace_log_create(&(stoa_trace_log_desc){.file_path = path, .lesson_id = "agora",
                                                       .lesson_names = N(k_lesson),
                                                       .language = "zh-CN",
                                                       .learner_account = account,
                                                       .learner_name = real_name,
                                                       .clock = &s->clock.base,
                                                       .start_unix_ns = start_unix},
                                &s->log, &err) == STOA_OK);
    stoa_trace_launched(s->log, s->base);
    stoa_trace_initialized(s->log, s->base);
}

// Script time in seconds from the start of the run.
static int64_t at(script *s, double sec)
{
    s->clock.t_ns = s->base + (int64_t)(sec * 1e9);
    return s->clock.t_ns;
}

static void state(script *s, double t, const char *id, stoa_trace_names n, const char *const *c)
{
    stoa_trace_state_entered(s->log, id, n, c, c ? 1 : 0, at(s, t));
}

static void answer(script *s, double t, const char *q, stoa_trace_names n, const char *resp, bool ok)
{
    stoa_trace_answered(s->log, &(stoa_trace_answer){.question_id = q, .names = n, .response = resp,
                                                      .correct_response = "a", .success = ok},
                        at(s, t));
}

static void finish(script *s, double t, double raw, bool passed)
{
    stoa_trace_completed(s->log, at(s, t));
    stoa_trace_scored(s->log, raw, 0, 10, passed, at(s, t));
    stoa_trace_terminated(s->log, at(s, t));
    stoa_trace_log_destroy(&s->log);
}

static void write_class(const char *dir)
{
    script s;
    // learner-a: passes, 9/10; looks at the key column twice (4 s + 6 s).
    start(&s, dir, "learner-a", NULL, T0, "a.jsonl");
    state(&s, 0, "intro", N(k_intro), NULL);
    stoa_trace_gaze_dwell(s.log, "column", N(k_column), true, 4 * S, at(&s, 5));
    state(&s, 10, "stoa", N(k_stoa), k_arch);
    stoa_trace_question_shown(s.log, "q1", N(k_q1), at(&s, 12));
    answer(&s, 20, "q1", N(k_q1), "a", true);
    stoa_trace_gaze_dwell(s.log, "column", N(k_column), true, 6 * S, at(&s, 26));
    state(&s, 30, "vote", N(k_vote), k_demo);
    stoa_trace_question_shown(s.log, "q2", N(k_q2), at(&s, 31));
    answer(&s, 36, "q2", N(k_q2), "b", false);
    answer(&s, 40, "q2", N(k_q2), "c", true);
    state(&s, 45, "end", N(k_end), NULL);
    finish(&s, 50, 9, true);

    // 李明 (learner-b, the instructor mapped a real name): a 20 s pause in the stoa.
    start(&s, dir, "learner-b", "李明", T0 + 60 * S, "b.jsonl");
    state(&s, 0, "intro", N(k_intro), NULL);
    state(&s, 10, "stoa", N(k_stoa), k_arch);
    stoa_trace_question_shown(s.log, "q1", N(k_q1), at(&s, 12));
    answer(&s, 27, "q1", N(k_q1), "b", false);
    answer(&s, 30, "q1", N(k_q1), "a", true);
    stoa_trace_suspended(s.log, STOA_TRACE_PAUSED, at(&s, 35));
    stoa_trace_resumed(s.log, at(&s, 55));
    state(&s, 60, "vote", N(k_vote), k_demo);
    stoa_trace_question_shown(s.log, "q2", N(k_q2), at(&s, 61));
    answer(&s, 65, "q2", N(k_q2), "c", true);
    stoa_trace_gaze_dwell(s.log, "statue", N(k_statue), false, 3 * S, at(&s, 70));
    state(&s, 75, "end", N(k_end), NULL);
    finish(&s, 80, 6, false);

    // learner-c, attempt 1: idles 70 s in the stoa, answers wrong, leaves.
    start(&s, dir, "learner-c", NULL, T0 + DAY, "c1.jsonl");
    state(&s, 0, "intro", N(k_intro), NULL);
    state(&s, 10, "stoa", N(k_stoa), k_arch);
    stoa_trace_question_shown(s.log, "q1", N(k_q1), at(&s, 12));
    answer(&s, 70, "q1", N(k_q1), "c", false);
    stoa_trace_gaze_dwell(s.log, "column", N(k_column), true, 3 * S, at(&s, 75));
    stoa_trace_terminated(s.log, at(&s, 75));
    stoa_trace_log_destroy(&s.log);
    // learner-c, attempt 2, a day later: passes with 7/10.
    start(&s, dir, "learner-c", NULL, T0 + 2 * DAY, "c2.jsonl");
    state(&s, 0, "intro", N(k_intro), NULL);
    state(&s, 5, "stoa", N(k_stoa), k_arch);
    stoa_trace_question_shown(s.log, "q1", N(k_q1), at(&s, 6));
    answer(&s, 10, "q1", N(k_q1), "a", true);
    state(&s, 15, "vote", N(k_vote), k_demo);
    stoa_trace_question_shown(s.log, "q2", N(k_q2), at(&s, 16));
    answer(&s, 20, "q2", N(k_q2), "b", false);
    answer(&s, 25, "q2", N(k_q2), "a", false);
    answer(&s, 28, "q2", N(k_q2), "c", true);
    state(&s, 30, "end", N(k_end), NULL);
    finish(&s, 30, 7, true);

    // A crash mid-write leaves a torn last line on c1: it must be skipped.
    char path[700];
    snprintf(path, sizeof path, "%s/c1.jsonl", dir);
    FILE *f = fopen(path, "a");
    fputs("{\"id\":\"0b7e2f6a-1c3d-4e5f-8a9b", f);
    fclose(f);
}

#define GET(o, k) cJSON_GetObjectItemCaseSensitive(o, k)
#define NUM(o, k) (cJSON_IsNumber(GET(o, k)) ? GET(o, k)->valuedouble : -999.0)
#define EXPECT(o, k, v) CHECK_MSG(fabs(NUM(o, k) - (v)) < 1e-3, "%s = %g, want %g", k, NUM(o, k), (double)(v))

static cJSON *by(const cJSON *arr, const char *key, const char *suffix)
{
    cJSON *it;
    cJSON_ArrayForEach(it, arr)
    {
        const cJSON *v = GET(it, key);
        size_t n = cJSON_IsString(v) ? strlen(v->valuestring) : 0, m = strlen(suffix);
        if (n >= m && strcmp(v->valuestring + n - m, suffix) == 0)
            return it;
    }
    return NULL;
}

static void check_states(const cJSON *states, const double want[4], const double visits[4])
{
    const char *ids[] = {"/intro", "/stoa", "/vote", "/end"};
    for (int i = 0; i < 4; i++) {
        const cJSON *s = by(states, "id", ids[i]);
        CHECK_MSG(s != NULL, "state %s", ids[i]);
        if (s && want[i] >= 0) {
            EXPECT(s, "time_s", want[i]);
            EXPECT(s, "visits", visits[i]);
        }
    }
}

static void check_question(const cJSON *qs, const char *id, double attempts, bool correct,
                           bool first, double time_to_answer)
{
    const cJSON *q = by(qs, "id", id);
    CHECK_MSG(q != NULL, "question %s", id);
    if (!q)
        return;
    EXPECT(q, "attempts", attempts);
    CHECK(cJSON_IsTrue(GET(q, "correct")) == correct);
    CHECK(cJSON_IsTrue(GET(q, "first_try_correct")) == first);
    EXPECT(q, "time_to_answer_s", time_to_answer);
}

static void check_concept(const cJSON *concepts, const char *c, double answers, double right)
{
    const cJSON *cell = GET(concepts, c);
    CHECK_MSG(cell != NULL, "concept %s", c);
    EXPECT(cell, "answers", answers);
    EXPECT(cell, "right", right);
    EXPECT(cell, "mastery", right / answers);
}

static void check_learners(const cJSON *learners)
{
    CHECK(cJSON_GetArraySize(learners) == 3);
    const cJSON *a = cJSON_GetArrayItem(learners, 0), *c = cJSON_GetArrayItem(learners, 1),
                *b = cJSON_GetArrayItem(learners, 2); // sorted by name: learner-a, learner-c, 李明
    CHECK_STR(GET(a, "name")->valuestring, "learner-a");
    CHECK_STR(GET(c, "name")->valuestring, "learner-c");
    CHECK_STR(GET(b, "name")->valuestring, "李明");
    CHECK_STR(GET(b, "account")->valuestring, "learner-b");

    EXPECT(a, "attempts", 1);
    CHECK(cJSON_IsTrue(GET(a, "completed")));
    CHECK_STR(GET(a, "result")->valuestring, "passed");
    EXPECT(a, "score_scaled", 0.9);
    EXPECT(a, "time_s", 50);
    EXPECT(a, "idle_s", 0);
    EXPECT(a, "questions_answered", 2);
    EXPECT(a, "questions_right_first_try", 1);
    check_states(GET(a, "states"), (double[]){10, 20, 15, 5}, (double[]){1, 1, 1, 1});
    check_question(GET(a, "questions"), "/q1", 1, true, true, 8);
    check_question(GET(a, "questions"), "/q2", 2, true, false, 5);
    check_concept(GET(a, "concepts"), "architecture", 1, 1);
    check_concept(GET(a, "concepts"), "democracy", 2, 1);
    const cJSON *col = by(GET(a, "attention"), "node", "/column");
    CHECK(col && cJSON_IsTrue(GET(col, "key")));
    EXPECT(col, "dwell_s", 10);
    EXPECT(col, "looks", 2);

    EXPECT(b, "attempts", 1);
    CHECK_STR(GET(b, "result")->valuestring, "failed");
    EXPECT(b, "score_scaled", 0.6);
    EXPECT(b, "time_s", 60); // 80 s minus the 20 s pause
    EXPECT(b, "idle_s", 0);
    EXPECT(b, "questions_right_first_try", 1);
    check_states(GET(b, "states"), (double[]){10, 30, 15, 5}, (double[]){1, 1, 1, 1});
    check_question(GET(b, "questions"), "/q1", 2, true, false, 15);
    check_question(GET(b, "questions"), "/q2", 1, true, true, 4);
    check_concept(GET(b, "concepts"), "architecture", 2, 1);
    check_concept(GET(b, "concepts"), "democracy", 1, 1);
    const cJSON *statue = by(GET(b, "attention"), "node", "/statue");
    CHECK(statue && !cJSON_IsTrue(GET(statue, "key")));
    EXPECT(statue, "dwell_s", 3);
    const cJSON *brun = cJSON_GetArrayItem(GET(b, "runs"), 0);
    EXPECT(brun, "suspended_s", 20);
    EXPECT(brun, "duration_s", 60);

    EXPECT(c, "attempts", 2);
    CHECK(cJSON_IsTrue(GET(c, "completed")));
    CHECK_STR(GET(c, "result")->valuestring, "passed");
    EXPECT(c, "score_scaled", 0.7);
    EXPECT(c, "time_s", 105);
    EXPECT(c, "idle_s", 70);
    EXPECT(c, "questions_right_first_try", 0);
    check_states(GET(c, "states"), (double[]){15, 75, 15, 0}, (double[]){2, 2, 1, 1});
    check_question(GET(c, "questions"), "/q1", 2, true, false, 58);
    check_question(GET(c, "questions"), "/q2", 3, true, false, 4);
    check_concept(GET(c, "concepts"), "architecture", 2, 1);
    check_concept(GET(c, "concepts"), "democracy", 3, 1);
    const cJSON *r1 = cJSON_GetArrayItem(GET(c, "runs"), 0), *r2 = cJSON_GetArrayItem(GET(c, "runs"), 1);
    CHECK(!cJSON_IsTrue(GET(r1, "completed")) && cJSON_IsTrue(GET(r2, "completed")));
    CHECK_STR(GET(r1, "result")->valuestring, "none");
    CHECK(GET(r1, "last_state") && strstr(GET(r1, "last_state")->valuestring, "/stoa"));
    const cJSON *idle = cJSON_GetArrayItem(GET(r1, "idle"), 0);
    CHECK(cJSON_GetArraySize(GET(r1, "idle")) == 1);
    EXPECT(idle, "start_s", 0);
    EXPECT(idle, "end_s", 70);
    EXPECT(idle, "duration_s", 70);
    EXPECT(GET(r2, "score"), "raw", 7);
    EXPECT(GET(r2, "score"), "max", 10);
}

static void check_class(const cJSON *les)
{
    const cJSON *cls = GET(les, "class");
    EXPECT(cls, "learners", 3);
    EXPECT(cls, "completed", 3);
    EXPECT(cls, "passed", 2);
    EXPECT(cls, "failed", 1);
    const cJSON *sc = GET(cls, "score_scaled");
    EXPECT(sc, "count", 3);
    EXPECT(sc, "mean", (0.9 + 0.6 + 0.7) / 3);
    EXPECT(sc, "median", 0.7);
    EXPECT(sc, "min", 0.6);
    EXPECT(sc, "max", 0.9);
    const int hist[10] = {0, 0, 0, 0, 0, 0, 1, 1, 0, 1};
    for (int i = 0; i < 10; i++)
        CHECK_MSG(cJSON_GetArrayItem(GET(sc, "histogram"), i)->valueint == hist[i], "bin %d", i);
    const cJSON *t = GET(cls, "time_s");
    EXPECT(t, "median", 60);
    EXPECT(t, "mean", (50 + 60 + 105) / 3.0);
    EXPECT(t, "min", 50);
    EXPECT(t, "max", 105);
    check_concept(GET(cls, "concepts"), "architecture", 5, 3);
    check_concept(GET(cls, "concepts"), "democracy", 6, 3);
    CHECK(cJSON_GetArraySize(GET(les, "concepts")) == 2);

    const cJSON *stoa = by(GET(cls, "states"), "id", "/stoa");
    EXPECT(stoa, "learners", 3);
    EXPECT(GET(stoa, "time_s"), "median", 30);
    EXPECT(GET(stoa, "time_s"), "mean", (20 + 30 + 75) / 3.0);
    EXPECT(GET(stoa, "time_s"), "max", 75);
    CHECK(cJSON_GetArraySize(GET(stoa, "stuck")) == 1); // learner-c: 75 s > 2 x 30 s
    CHECK_STR(cJSON_GetArrayItem(GET(stoa, "stuck"), 0)->valuestring, "learner-c");
    const cJSON *intro = by(GET(cls, "states"), "id", "/intro");
    EXPECT(GET(intro, "time_s"), "median", 10);
    EXPECT(GET(intro, "time_s"), "max", 15);
    CHECK(cJSON_GetArraySize(GET(intro, "stuck")) == 0);

    const cJSON *qs = GET(cls, "questions");
    CHECK(cJSON_GetArraySize(qs) == 2);
    const cJSON *q2 = cJSON_GetArrayItem(qs, 0), *q1 = cJSON_GetArrayItem(qs, 1);
    CHECK(strstr(GET(q2, "id")->valuestring, "/q2") != NULL); // tie on rate: more wrong answers first
    EXPECT(q1, "learners", 3);
    EXPECT(q1, "answers", 5);
    EXPECT(q1, "wrong_answers", 2);
    EXPECT(q1, "wrong_first_try", 2);
    EXPECT(q1, "wrong_first_try_rate", 2 / 3.0);
    EXPECT(q1, "mean_time_to_answer_s", (8 + 15 + 58) / 3.0);
    EXPECT(q2, "answers", 6);
    EXPECT(q2, "wrong_answers", 3);
    EXPECT(q2, "wrong_first_try", 2);
    EXPECT(q2, "mean_time_to_answer_s", (5 + 4 + 4) / 3.0);
}

typedef struct warnings {
    int torn;
} warnings;

static void on_warning(void *user, const char *message)
{
    if (strstr(message, "torn last line"))
        ((warnings *)user)->torn++;
}

STOA_TEST(report_numbers_match_the_script)
{
    char dir[512];
    tt_make_temp_dir(dir, sizeof dir, "report");
    write_class(dir);
    char paths[5][700];
    const char *names[] = {"a.jsonl", "b.jsonl", "c1.jsonl", "c2.jsonl", "a.jsonl"};
    const char *list[5];
    for (int i = 0; i < 5; i++) { // a.jsonl twice: the copy must count once
        snprintf(paths[i], sizeof paths[i], "%s/%s", dir, names[i]);
        list[i] = paths[i];
    }
    warnings w = {0};
    cJSON *rep = NULL;
    stoa_error err;
    CHECK(stoa_report_build(list, 5, &(stoa_report_desc){.on_warning = on_warning, .user = &w},
                            &rep, &err) == STOA_OK);
    if (!rep)
        return;
    CHECK(w.torn == 1);
    const cJSON *files = GET(rep, "files");
    CHECK(cJSON_IsTrue(GET(cJSON_GetArrayItem(files, 2), "torn_last_line")));
    EXPECT(cJSON_GetArrayItem(files, 4), "statements", 0); // all duplicates
    CHECK(NUM(cJSON_GetArrayItem(files, 4), "skipped") == NUM(cJSON_GetArrayItem(files, 0), "statements"));
    CHECK(cJSON_GetArraySize(GET(rep, "lessons")) == 1);
    const cJSON *les = cJSON_GetArrayItem(GET(rep, "lessons"), 0);
    CHECK_STR(GET(les, "name")->valuestring, "雅典的广场");
    check_learners(GET(les, "learners"));
    check_class(les);
    cJSON_Delete(rep);
}

STOA_TEST(cli_writes_html_csv_and_json)
{
    char dir[512], cmd[4096], *out = NULL;
    tt_make_temp_dir(dir, sizeof dir, "report-cli");
    write_class(dir);
    // The browser test reads this folder.
    const char *build = getenv("STOA_BUILD_DIR");
    char outdir[700];
    snprintf(outdir, sizeof outdir, "%s/trace-report", build ? build : dir);
    snprintf(cmd, sizeof cmd, "%s report %s/a.jsonl %s/b.jsonl %s/c1.jsonl %s/c2.jsonl --out %s",
             STOA_TRACE_CLI, dir, dir, dir, dir, outdir);
    CHECK(tt_run(cmd, &out) == 0);
    CHECK_CONTAINS(out, "c1.jsonl:");
    CHECK_CONTAINS(out, "torn last line");
    free(out);
    char path[800];
    snprintf(path, sizeof path, "%s/report.json", outdir);
    cJSON *rep = NULL;
    FILE *f = fopen(path, "r");
    if (f) {
        static char buf[1 << 20];
        size_t n = fread(buf, 1, sizeof buf - 1, f);
        buf[n] = '\0';
        fclose(f);
        rep = cJSON_Parse(buf);
    }
    CHECK(rep != NULL);
    if (rep)
        check_learners(GET(cJSON_GetArrayItem(GET(rep, "lessons"), 0), "learners"));
    cJSON_Delete(rep);
    snprintf(cmd, sizeof cmd, "cat %s/learners.csv", outdir);
    CHECK(tt_run(cmd, &out) == 0);
    CHECK_CONTAINS(out, "\xEF\xBB\xBFlesson,learner,attempts");
    CHECK_CONTAINS(out, "雅典的广场,李明,1,true,failed,0.6,60,0,2,1,learner-b");
    CHECK_CONTAINS(out, "雅典的广场,learner-c,2,true,passed,0.7,105,70,2,0,learner-c");
    free(out);
    snprintf(cmd, sizeof cmd, "cat %s/concepts.csv %s/answers.csv %s/states.csv %s/attention.csv",
             outdir, outdir, outdir, outdir);
    CHECK(tt_run(cmd, &out) == 0);
    CHECK_CONTAINS(out, "雅典的广场,learner-c,democracy,3,1,0.3333");
    CHECK_CONTAINS(out, "雅典的广场,learner-c,2,谁可以投票？,3,c,true,12");
    CHECK_CONTAINS(out, "雅典的广场,李明,柱廊,30,1");
    CHECK_CONTAINS(out, "雅典的广场,learner-a,多立克柱,true,10,2");
    free(out);
    snprintf(cmd, sizeof cmd, "grep -c -e '<script' -e 'http://' -e '@import' %s/report.html",
             outdir);
    CHECK(tt_run(cmd, &out) == 1); // grep finds nothing: no scripts, no fetches
    free(out);
}

// Issue 11: `stoa report --lang zh-CN` gives a report whose headings, labels
// and durations are Chinese, not only the lesson's name.
STOA_TEST(cli_report_in_chinese)
{
    char dir[512], cmd[4096], *out = NULL;
    tt_make_temp_dir(dir, sizeof dir, "report-zh");
    write_class(dir);
    snprintf(cmd, sizeof cmd, "%s report %s/a.jsonl %s/b.jsonl --lang zh-CN --out %s/out", STOA_TRACE_CLI, dir, dir,
             dir);
    CHECK(tt_run(cmd, &out) == 0);
    free(out);
    snprintf(cmd, sizeof cmd, "cat %s/out/report.html", dir);
    CHECK(tt_run(cmd, &out) == 0);
    CHECK_CONTAINS(out, "<html lang=\"zh-CN\">");
    CHECK_CONTAINS(out, "<h2>每名学生</h2>");
    CHECK_CONTAINS(out, "<span>名学生</span>");
    CHECK_CONTAINS(out, " 秒");
    CHECK(out && !strstr(out, "<h2>Learners</h2>") && !strstr(out, "median time in the lesson"));
    free(out);
}

// Issue 11: with the lessons at hand (--lessons DIR), an answer reads as its
// choices' text, not the letters the trace keeps (before: "c").
STOA_TEST(cli_report_answers_as_choice_text)
{
    char dir[512], cmd[4096], *out = NULL;
    tt_make_temp_dir(dir, sizeof dir, "report-choices");
    write_class(dir);
    char lessons[700], path[800];
    snprintf(lessons, sizeof lessons, "%s/library/agora/lessons", dir);
    snprintf(cmd, sizeof cmd, "mkdir -p %s && echo 'not: [a lesson' > %s/../curriculum.yaml", lessons, lessons);
    CHECK(tt_run(cmd, &out) == 0);
    free(out);
    snprintf(path, sizeof path, "%s/agora.yaml", lessons);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (!f)
        return;
    fputs("stoa_lesson: 1\nid: agora\ntitle: {en: The Agora of Athens, zh-CN: 雅典的广场}\n"
          "languages: [zh-CN, en]\nscene: agora.glb\nstart: s\nstates:\n  s:\n    on_enter:\n"
          "      - quiz:\n          id: q1\n          question: {en: What was a stoa for?, zh-CN: 柱廊是做什么用的？}\n"
          "          choices:\n            - {en: Talking, zh-CN: 聊天}\n            - {en: Sleeping, zh-CN: 睡觉}\n"
          "            - {en: Fighting, zh-CN: 打仗}\n          correct: 0\n"
          "    triggers:\n      - quiz: right\n        goto: v\n  v:\n    on_enter:\n"
          "      - quiz:\n          id: q2\n          question: {en: Who could vote?, zh-CN: 谁可以投票？}\n"
          "          choices:\n            - {en: Everyone, zh-CN: 所有人}\n            - {en: Slaves, zh-CN: 奴隶}\n"
          "            - {en: Citizens, zh-CN: 公民}\n          correct: 2\n"
          "    triggers:\n      - quiz: right\n        goto: e\n  e:\n    on_enter:\n      - end: completed\n", f);
    fclose(f);
    snprintf(cmd, sizeof cmd, "%s report %s/a.jsonl %s/b.jsonl %s/c1.jsonl %s/c2.jsonl --lessons %s/library --out %s/out",
             STOA_TRACE_CLI, dir, dir, dir, dir, dir, dir);
    CHECK(tt_run(cmd, &out) == 0);
    free(out);
    snprintf(cmd, sizeof cmd, "cat %s/out/answers.csv %s/out/report.html", dir, dir);
    CHECK(tt_run(cmd, &out) == 0);
    CHECK_CONTAINS(out, "雅典的广场,learner-c,2,谁可以投票？,3,公民,true,12");
    CHECK_CONTAINS(out, "睡觉");
    free(out);
    snprintf(cmd, sizeof cmd, "%s report %s/a.jsonl --lessons %s/nowhere --out %s/out2", STOA_TRACE_CLI, dir, dir, dir);
    CHECK(tt_run(cmd, &out) != 0); // a folder that is not there is said, not ignored
    CHECK_CONTAINS(out, "--lessons");
    free(out);
}

STOA_TEST_MAIN()
