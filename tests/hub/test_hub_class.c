// SPDX-License-Identifier: Apache-2.0
// Issue 11, the hub's side: each bug the issue lists, at its cause, and the
// class roster with sign-in. Raw WebSocket headsets speak the class-period
// protocol (docs/hub.md) to a hub in this process:
//  - a launch that never got a record leaves no run; a run the teacher did
//    not launch is filed and has a report; a report of a run without
//    records is a readable page;
//  - a headset switched to another lesson cannot file it under the earlier
//    launch (neither by rebinding nor by writing into its registration);
//  - "Sent to N" does not count a headset whose reports stopped;
//  - devices: online first, by name; rename; remove revokes the token;
//  - rosters: CSV import (BOM, quotes, Chinese, numbers; errors by line),
//    assignment from the panel (the headset hears `signin`, the launch
//    carries the learner), self sign-in with a PIN (attempts limited), and
//    a headset writes only for its learner;
//  - launch carries the lesson's files; the content endpoint serves only
//    library files to headsets.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <sodium.h>

#include "core/stoa_file.h"
#include "hub_test_util.h"
#include "stoa_test.h"

static stoa_hub *g_hub;
static int g_port;
static char g_dir[256], g_lessons[300], g_headers[400];

typedef struct hs {
    char name[32], token[65], reg[37];
    int fd, id;
} hs;

static void join(hs *h, const char *name)
{
    snprintf(h->name, sizeof h->name, "%s", name);
    h->id = test_headset_join(g_port, stoa_hub_join_code(g_hub), name, h->token, &h->fd);
    CHECK_MSG(h->id >= 0, "%s joins", name);
}

static void status(hs *h, const char *extra)
{
    char msg[600];
    snprintf(msg, sizeof msg, "{\"t\":\"status\",\"phase\":\"lobby\",\"progress\":0%s}", extra ? extra : "");
    test_ws_send_text(h->fd, msg);
    // Taken by another worker than the panel's request: let it land first
    // (a real headset reports four times a second).
    test_sleep_ms(150);
}

// POST to the panel's API; returns the status, the body in *out (caller frees).
static int post(const char *path, const char *body, char **out)
{
    char *o = NULL;
    int s = test_http(g_port, "POST", path, g_headers, body, strlen(body), &o, NULL, 0);
    if (out)
        *out = o;
    else
        free(o);
    return s;
}

static int get(const char *path, char **out, char *headers, size_t hsize)
{
    return test_http(g_port, "GET", path, g_headers, NULL, 0, out, headers, hsize);
}

// Launches a library lesson on the given headsets; returns the "sent" count.
static int launch(const char *lesson, const hs *const *on, int n, char run[37])
{
    char body[300], *out = NULL;
    int k = snprintf(body, sizeof body, "{\"cmd\":\"launch\",\"lesson\":\"%s\",\"targets\":[", lesson);
    for (int i = 0; i < n; i++)
        k += snprintf(body + k, sizeof body - (size_t)k, "%s%d", i ? "," : "", on[i]->id);
    snprintf(body + k, sizeof body - (size_t)k, "]}");
    CHECK(post("/api/command", body, &out) == 200);
    cJSON *j = cJSON_Parse(out ? out : "");
    int sent = (int)cJSON_GetNumberValue(cJSON_GetObjectItem(j, "sent"));
    if (run)
        snprintf(run, 37, "%s", cJSON_GetStringValue(cJSON_GetObjectItem(j, "run")) ? cJSON_GetStringValue(cJSON_GetObjectItem(j, "run")) : "");
    cJSON_Delete(j);
    free(out);
    return sent;
}

// Reads the launch command a headset got; its registration goes to h->reg.
static cJSON *take_launch(hs *h)
{
    char answer[65536];
    CHECK_MSG(test_ws_recv_until(h->fd, "\"launch\"", answer, sizeof answer, 5000), "%s: no launch", h->name);
    cJSON *j = cJSON_Parse(answer);
    snprintf(h->reg, sizeof h->reg, "%s", cJSON_GetStringValue(cJSON_GetObjectItem(j, "registration")) ? cJSON_GetStringValue(cJSON_GetObjectItem(j, "registration")) : "");
    return j;
}

// n statements of `lesson` (its id) in `reg` as `account`; returns the ack.
static void write_st(hs *h, const char *reg, const char *lesson, const char *account, int n, char *ack, size_t size)
{
    char msg[32768];
    size_t len = (size_t)snprintf(msg, sizeof msg, "{\"t\":\"st\",\"items\":[");
    for (int i = 0; i < n; i++) {
        char id[37];
        test_uuid(id);
        char object[300];
        bool answer = i == n - 1;
        if (answer)
            snprintf(object, sizeof object, "https://stoa.dev/xapi/lessons/%s/questions/stoics-name", lesson);
        else
            snprintf(object, sizeof object, "https://stoa.dev/xapi/lessons/%s/states/s%d", lesson, i);
        len += (size_t)snprintf(msg + len, sizeof msg - len,
            "%s{\"id\":\"%s\",\"actor\":{\"objectType\":\"Agent\",\"account\":{\"homePage\":\"http://127.0.0.1/\","
            "\"name\":\"%s\"}},\"verb\":{\"id\":\"http://adlnet.gov/expapi/verbs/%s\",\"display\":{\"en\":\"x\"}},"
            "\"object\":{\"objectType\":\"Activity\",\"id\":\"%s\"},%s"
            "\"context\":{\"registration\":\"%s\",\"contextActivities\":{\"parent\":[{\"objectType\":\"Activity\","
            "\"id\":\"https://stoa.dev/xapi/lessons/%s\"}]}},\"timestamp\":\"2026-12-02T10:0%d:00Z\"}",
            i ? "," : "", id, account, answer ? "answered" : "experienced", object,
            answer ? "\"result\":{\"response\":\"a\",\"success\":true}," : "", reg, lesson, i % 10);
    }
    len += (size_t)snprintf(msg + len, sizeof msg - len, "]}");
    test_ws_send_text(h->fd, msg);
    CHECK(test_ws_recv_until(h->fd, "\"ack\"", ack, size, 5000));
}

static cJSON *state(void)
{
    char *out = NULL;
    CHECK(get("/api/state", &out, NULL, 0) == 200);
    cJSON *j = cJSON_Parse(out ? out : "");
    free(out);
    return j;
}

static const cJSON *run_in(const cJSON *st, const char *run)
{
    const cJSON *r;
    cJSON_ArrayForEach(r, cJSON_GetObjectItem(st, "runs")) if (strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(r, "run")), run) == 0) return r;
    return NULL;
}

static hs A, B, C;

// JSON for a failure message: "(none)" for NULL (printf's "%s" of NULL is
// undefined: the sanitizer build stopped the test at the first failed check).
static const char *show(const cJSON *j)
{
    static char buf[4096];
    char *s = j ? cJSON_PrintUnformatted(j) : NULL;
    snprintf(buf, sizeof buf, "%s", s ? s : "(none)");
    free(s);
    return buf;
}

STOA_TEST(start)
{
    // A library of its own: the sample lesson with its scene and narration
    // beside it (a launch lists them as files).
    test_temp_dir(g_dir);
    snprintf(g_lessons, sizeof g_lessons, "%s/lessons", g_dir);
    mkdir(g_lessons, 0700);
    const char *src = getenv("STOA_SOURCE_DIR") ? getenv("STOA_SOURCE_DIR") : ".";
    char cmd[2000];
    snprintf(cmd, sizeof cmd,
             "sed 's#\\.\\./agora\\.glb#agora.glb#; s#\\.\\./narration/#narration/#' '%s/scenes/agora/lessons/stoa-poikile.yaml'"
             " > '%s/stoa-poikile.yaml' && cp '%s/scenes/agora/lessons/zeno-zh.yaml' '%s/' && head -c 5000 '%s/scenes/agora/agora.glb'"
             " > '%s/agora.glb' && mkdir -p '%s/narration' && cp '%s'/scenes/agora/narration/*.wav '%s/narration/'",
             src, g_lessons, src, g_lessons, src, g_lessons, g_lessons, src, g_lessons);
    CHECK(system(cmd) == 0);
    // zeno-zh.yaml names "../agora.glb" and "../narration/": the library's
    // own tree above lessons/ (other bytes than lessons/agora.glb).
    snprintf(cmd, sizeof cmd, "head -c 7000 '%s/scenes/agora/agora.glb' > '%s/agora.glb' && mkdir -p '%s/narration' && "
             "cp '%s'/scenes/agora/narration/statue.wav '%s'/scenes/agora/narration/end.wav '%s/narration/'",
             src, g_dir, g_dir, src, src, g_dir);
    CHECK(system(cmd) == 0);
    char data[300], listen[64];
    snprintf(data, sizeof data, "%s/hub", g_dir);
    g_port = test_free_port();
    snprintf(listen, sizeof listen, "127.0.0.1:%d", g_port);
    stoa_error err = {0};
    CHECK(stoa_hub_create(&(stoa_hub_desc){.listen = listen, .data_dir = data, .lessons_dir = g_lessons,
                                           .password = TEST_PASSWORD}, &g_hub, &err) == STOA_OK);
    char cookie[128], csrf[65];
    CHECK(test_login(g_port, TEST_PASSWORD, cookie, csrf) == 200);
    snprintf(g_headers, sizeof g_headers, "Cookie: %s\r\nX-CSRF-Token: %s\r\nOrigin: http://127.0.0.1:%d\r\n"
             "X-Experience-API-Version: 1.0.3\r\n", cookie,
             csrf, g_port);
    join(&A, "Headset 2");
    join(&B, "Headset 1");
    join(&C, "Headset 3");
    status(&A, NULL), status(&B, NULL), status(&C, NULL);
    test_sleep_ms(100);
}

// hub_content.c: lesson files parsed so far (once per change of a lesson).
uint64_t hub_content_parses(void);

static const cJSON *file_at(const cJSON *list, const char *path)
{
    const cJSON *f;
    cJSON_ArrayForEach(f, list) if (strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(f, "path")), path) == 0) return f;
    return NULL;
}

STOA_TEST(a_lesson_beyond_its_folder_carries_its_tree)
{
    // Before: no "files" and nothing else, so a headset without the scene
    // could not play the sample lessons.
    const hs *a[] = {&A};
    char run[37], path[200], hdr[300], head[2048] = "", *out = NULL;
    CHECK(launch("zeno-zh.yaml", a, 1, run) == 1);
    cJSON *la = take_launch(&A);
    CHECK_MSG(!cJSON_GetObjectItem(la, "files"), "an older headset gets no files it cannot lay out");
    const cJSON *layout = cJSON_GetObjectItem(la, "layout"), *files = cJSON_GetObjectItem(layout, "files");
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(layout, "lesson")), "lessons/zeno-zh.yaml");
    CHECK_MSG(cJSON_GetArraySize(files) == 3, "%s", show(files));
    CHECK(file_at(files, "narration/statue.wav") && file_at(files, "narration/end.wav"));
    const cJSON *glb = file_at(files, "agora.glb");
    CHECK(glb && cJSON_GetNumberValue(cJSON_GetObjectItem(glb, "size")) == 7000);
    // The content endpoint serves the tree's file, by its hash.
    snprintf(path, sizeof path, "/api/headset/content/%s", glb ? cJSON_GetStringValue(cJSON_GetObjectItem(glb, "sha256")) : "");
    snprintf(hdr, sizeof hdr, "Authorization: Bearer %s\r\n", A.token);
    CHECK(test_http(g_port, "GET", path, hdr, NULL, 0, &out, head, sizeof head) == 200);
    CHECK_MSG(strstr(head, "ength: 7000\r\n"), "%s", head);
    free(out);
    uint64_t parses = hub_content_parses(); // the whole library is known now
    cJSON_Delete(la);
    // Launches and content requests do not parse the library again...
    CHECK(launch("zeno-zh.yaml", a, 1, run) == 1);
    cJSON_Delete(take_launch(&A));
    CHECK(test_http(g_port, "GET", path, hdr, NULL, 0, &out, NULL, 0) == 200);
    free(out);
    CHECK_MSG(hub_content_parses() == parses, "parsed %llu times more",
              (unsigned long long)(hub_content_parses() - parses));
    // ...until the lesson changes.
    char lesson[400];
    snprintf(lesson, sizeof lesson, "%s/zeno-zh.yaml", g_lessons);
    CHECK(utimensat(AT_FDCWD, lesson, (struct timespec[2]){{0, UTIME_OMIT}, {12345, 0}}, 0) == 0);
    CHECK(launch("zeno-zh.yaml", a, 1, run) == 1);
    cJSON_Delete(take_launch(&A));
    CHECK(hub_content_parses() == parses + 1);
}

STOA_TEST(no_run_without_records_and_a_run_not_launched_is_filed)
{
    char run[37], ack[65536];
    const hs *ab[] = {&A, &B};
    status(&A, NULL), status(&B, NULL);
    CHECK(launch("stoa-poikile.yaml", ab, 2, run) == 2);
    cJSON *la = take_launch(&A), *lb = take_launch(&B);
    // The launch carries the lesson's files, content-addressed.
    const cJSON *files = cJSON_GetObjectItem(la, "files");
    CHECK_MSG(cJSON_GetArraySize(files) >= 2, "files: %s", show(files));
    const char *sha = cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetArrayItem(files, 0), "sha256"));
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetArrayItem(files, 0), "path")), "agora.glb");
    char path[200], hdr[300], *out = NULL;
    snprintf(path, sizeof path, "/api/headset/content/%s", sha);
    snprintf(hdr, sizeof hdr, "Authorization: Bearer %s\r\n", A.token);
    CHECK(test_http(g_port, "GET", path, hdr, NULL, 0, &out, NULL, 0) == 200);
    free(out);
    CHECK(test_http(g_port, "GET", path, "", NULL, 0, &out, NULL, 0) == 401); // a device token is needed
    free(out);
    snprintf(path, sizeof path, "/api/headset/content/%064d", 0); // not a library file
    CHECK(test_http(g_port, "GET", path, hdr, NULL, 0, &out, NULL, 0) == 404);
    free(out);
    cJSON_Delete(la), cJSON_Delete(lb);
    // A's first record makes the run; B never writes: the run counts one learner.
    cJSON *st = state();
    CHECK_MSG(run_in(st, run) == NULL, "a run with zero records is listed");
    cJSON_Delete(st);
    write_st(&A, A.reg, "agora.stoa-poikile", "pseudo-a", 4, ack, sizeof ack);
    CHECK_MSG(strstr(ack, "\"rejected\":[]"), "%s", ack);
    st = state();
    const cJSON *r = run_in(st, run);
    CHECK(r && cJSON_GetNumberValue(cJSON_GetObjectItem(r, "learners")) == 1);
    CHECK(r && cJSON_GetNumberValue(cJSON_GetObjectItem(r, "statements")) == 4);
    cJSON_Delete(st);
    // C starts a lesson on its own: its run is filed and has a report.
    char own[37];
    test_uuid(own);
    write_st(&C, own, "agora.zeno-zh", "pseudo-c", 3, ack, sizeof ack);
    CHECK_MSG(strstr(ack, "\"rejected\":[]"), "%s", ack);
    st = state();
    CHECK_MSG(run_in(st, own) != NULL, "the run C started itself is not listed");
    cJSON_Delete(st);
    snprintf(path, sizeof path, "/api/report?run=%s", own);
    char headers[4096];
    CHECK(get(path, &out, headers, sizeof headers) == 200);
    CHECK_CONTAINS(headers, "text/html");
    CHECK_MSG(out && !strstr(out, "<span>passed</span>"), "a lesson without a pass rule reports \"0 / N passed\"");
    free(out);
    // In the teacher's language: headings, labels and durations.
    snprintf(path, sizeof path, "/api/report?run=%s&lang=zh-CN", own);
    CHECK(get(path, &out, NULL, 0) == 200);
    CHECK_MSG(out && strstr(out, "<h2>每名学生</h2>") && strstr(out, "名学生") && strstr(out, " 秒") &&
              !strstr(out, "<h2>Learners</h2>"), "the report is not in Chinese");
    free(out);
    // A run without records (never filed) answers a page, not JSON.
    char none[37];
    test_uuid(none);
    snprintf(path, sizeof path, "/api/report?run=%s", none);
    CHECK(get(path, &out, headers, sizeof headers) == 404);
    CHECK_CONTAINS(headers, "text/html");
    CHECK(out && strstr(out, "<html") && !strstr(out, "{\"error\""));
    free(out);
}

STOA_TEST(a_switched_lesson_is_not_filed_under_the_earlier_launch)
{
    char run1[37], run2[37], ack[65536], reg1[37], msg[400];
    const hs *a[] = {&A};
    status(&A, NULL);
    CHECK(launch("stoa-poikile.yaml", a, 1, run1) == 1);
    cJSON_Delete(take_launch(&A));
    snprintf(reg1, sizeof reg1, "%s", A.reg);
    write_st(&A, reg1, "agora.stoa-poikile", "pseudo-a", 3, ack, sizeof ack);
    CHECK(strstr(ack, "\"rejected\":[]") != NULL);
    CHECK(launch("zeno-zh.yaml", a, 1, run2) == 1);
    cJSON_Delete(take_launch(&A));
    // The headset kept the first launch's registration: its status says so.
    snprintf(msg, sizeof msg, ",\"registration\":\"%s\",\"launched_as\":\"%s\",\"lesson\":\"agora.zeno-zh\"", reg1, A.reg);
    status(&A, msg);
    write_st(&A, reg1, "agora.zeno-zh", "pseudo-a", 7, ack, sizeof ack);
    CHECK_MSG(strstr(ack, "another lesson") != NULL, "the new lesson's statements were filed under launch 1: %s", ack);
    cJSON *st = state();
    const cJSON *r1 = run_in(st, run1);
    CHECK(r1 && cJSON_GetNumberValue(cJSON_GetObjectItem(r1, "statements")) == 3);
    CHECK_MSG(run_in(st, run2) == NULL, "launch 2 has a run without records");
    cJSON_Delete(st);
    // Written under launch 2's own registration, they are filed there.
    write_st(&A, A.reg, "agora.zeno-zh", "pseudo-a", 7, ack, sizeof ack);
    CHECK(strstr(ack, "\"rejected\":[]") != NULL);
    st = state();
    const cJSON *r2 = run_in(st, run2);
    CHECK(r2 && cJSON_GetNumberValue(cJSON_GetObjectItem(r2, "statements")) == 7);
    cJSON_Delete(st);
}

STOA_TEST(sent_counts_only_headsets_that_are_there)
{
    const hs *all[] = {&A, &B, &C};
    status(&A, NULL), status(&B, NULL), status(&C, NULL);
    test_sleep_ms(100);
    CHECK(launch("stoa-poikile.yaml", all, 3, NULL) == 3);
    // C is slow (no report for 3 s: a loaded machine, a long frame): it is
    // still there, and still a target.
    for (int i = 0; i < 6; i++) {
        status(&A, NULL), status(&B, NULL);
        test_sleep_ms(500);
    }
    CHECK_MSG(launch("stoa-poikile.yaml", all, 3, NULL) == 3, "a slow headset was left out");
    // C quits: it says "leaving" and keeps its socket open to flush its log.
    test_ws_send_text(C.fd, "{\"t\":\"status\",\"phase\":\"leaving\",\"progress\":0}");
    test_sleep_ms(150);
    CHECK_MSG(launch("stoa-poikile.yaml", all, 3, NULL) == 2, "a headset that went counted as sent");
    status(&C, NULL);
    test_sleep_ms(100);
}

// Tabletop AR (docs/ar.md, "Placing together"): "place_together" reaches
// the headsets as a command; the "placement" each reports shows in the
// state, and only the five words the hub knows.
STOA_TEST(place_together_and_placement)
{
    char *out = NULL, got[8192];
    char body[100];
    snprintf(body, sizeof body, "{\"cmd\":\"place_together\",\"targets\":[%d]}", A.id);
    CHECK(post("/api/command", body, &out) == 200);
    CHECK(out && strstr(out, "\"sent\":1"));
    free(out);
    CHECK(test_ws_recv_until(A.fd, "\"cmd\":\"place_together\"", got, sizeof got, 5000));
    status(&A, ",\"placement\":\"shared\"");
    status(&B, ",\"placement\":\"<b>everywhere</b>\"");
    cJSON *st = state();
    int seen = 0;
    const cJSON *h;
    cJSON_ArrayForEach(h, cJSON_GetObjectItem(st, "headsets")) {
        int id = (int)cJSON_GetNumberValue(cJSON_GetObjectItem(h, "id"));
        const char *p = cJSON_GetStringValue(cJSON_GetObjectItem(h, "placement"));
        if (id == A.id) {
            seen++;
            CHECK(p && strcmp(p, "shared") == 0);
        }
        if (id == B.id) {
            seen++;
            CHECK(p == NULL);
        }
    }
    CHECK(seen == 2);
    cJSON_Delete(st);
    status(&A, NULL); // no tabletop model: no placement
    st = state();
    cJSON_ArrayForEach(h, cJSON_GetObjectItem(st, "headsets")) {
        if ((int)cJSON_GetNumberValue(cJSON_GetObjectItem(h, "id")) == A.id)
            CHECK(!cJSON_GetObjectItem(h, "placement"));
    }
    cJSON_Delete(st);
}

STOA_TEST(devices_sorted_renamed_removed)
{
    cJSON *st = state();
    const cJSON *h = cJSON_GetObjectItem(st, "headsets");
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetArrayItem(h, 0), "name")), "Headset 1");
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetArrayItem(h, 1), "name")), "Headset 2");
    cJSON_Delete(st);
    char body[200];
    snprintf(body, sizeof body, "{\"device\":%d,\"name\":\"Aaa front row\"}", C.id);
    CHECK(post("/api/device/rename", body, NULL) == 200);
    st = state();
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(st, "headsets"), 0), "name")),
              "Aaa front row");
    cJSON_Delete(st);
    // An offline headset goes below the online ones whatever its name.
    hs D;
    join(&D, "AAA gone");
    test_ws_send_text(D.fd, "{\"t\":\"status\",\"phase\":\"lesson\",\"lesson\":\"agora.stoa-poikile\",\"progress\":0.33}");
    test_sleep_ms(100);
    close(D.fd);
    test_sleep_ms(300);
    st = state();
    h = cJSON_GetObjectItem(st, "headsets");
    const cJSON *gone = cJSON_GetArrayItem(h, cJSON_GetArraySize(h) - 1);
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(gone, "name")), "AAA gone");
    // Offline, its card shows where it stopped.
    CHECK(!cJSON_IsTrue(cJSON_GetObjectItem(gone, "connected")));
    CHECK_NEAR(cJSON_GetNumberValue(cJSON_GetObjectItem(gone, "progress")), 0.33, 1e-9);
    cJSON_Delete(st);
    snprintf(body, sizeof body, "{\"device\":%d}", D.id);
    CHECK(post("/api/device/remove", body, NULL) == 200);
    st = state();
    h = cJSON_GetObjectItem(st, "headsets");
    CHECK(cJSON_GetArraySize(h) == 3);
    cJSON_Delete(st);
    char *out = NULL;
    CHECK(get("/api/devices", &out, NULL, 0) == 200);
    CHECK(out && !strstr(out, "AAA gone"));
    free(out);
    int fd = test_ws_open(g_port);
    char msg[200], answer[512];
    snprintf(msg, sizeof msg, "{\"t\":\"hello\",\"token\":\"%s\"}", D.token);
    test_ws_send_text(fd, msg);
    CHECK(test_ws_recv_until(fd, "bad_token", answer, sizeof answer, 5000)); // its token is revoked
    close(fd);
}

static char g_class[37], g_ana[37], g_li[37];

static const char *learner_id(const cJSON *learners, const char *name, char out[37])
{
    const cJSON *l;
    cJSON_ArrayForEach(l, learners) if (strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(l, "name")), name) == 0)
        snprintf(out, 37, "%s", cJSON_GetStringValue(cJSON_GetObjectItem(l, "learner_id")));
    return out;
}

STOA_TEST(roster_import_and_errors_by_line)
{
    char *out = NULL;
    CHECK(post("/api/class/create", "{\"title\":\"7B\"}", &out) == 200);
    cJSON *j = cJSON_Parse(out ? out : "");
    snprintf(g_class, sizeof g_class, "%s", cJSON_GetStringValue(cJSON_GetObjectItem(j, "id")));
    cJSON_Delete(j);
    free(out);
    // Errors by line, and nothing added.
    char body[1200];
    snprintf(body, sizeof body, "{\"class_id\":\"%s\",\"csv\":\"name,number,pin\\nAna,1,12\\n\\\"Bo,2\\n\"}", g_class);
    CHECK(post("/api/class/import", body, &out) == 422);
    CHECK_MSG(out && strstr(out, "\"line\":2") && strstr(out, "\"line\":3") && strstr(out, "\"added\":0"), "%s", out);
    free(out);
    // UTF-8 with a BOM, a quoted field with a comma and a doubled quote, Chinese.
    snprintf(body, sizeof body,
             "{\"class_id\":\"%s\",\"csv\":\"\\ufeff姓名,学号,PIN\\r\\nAna,1,\\r\\n\\\"Li Wei 李伟\\\",2,1234\\r\\n"
             "\\\"Sam \\\"\\\"the\\\"\\\", Jr\\\",3,\\r\\n\"}", g_class);
    CHECK(post("/api/class/import", body, &out) == 200);
    CHECK_MSG(out && strstr(out, "\"added\":3"), "%s", out);
    free(out);
    CHECK(get("/api/classes", &out, NULL, 0) == 200);
    j = cJSON_Parse(out ? out : "");
    free(out);
    const cJSON *ls = cJSON_GetObjectItem(j, "learners");
    CHECK(cJSON_GetArraySize(ls) == 3);
    learner_id(ls, "Ana", g_ana);
    learner_id(ls, "Li Wei 李伟", g_li);
    char sam[37] = "";
    learner_id(ls, "Sam \"the\", Jr", sam);
    CHECK(strlen(g_ana) == 36 && strlen(g_li) == 36 && strlen(sam) == 36);
    CHECK(g_ana[14] == '4'); // UUID v4
    cJSON_Delete(j);
}

STOA_TEST(sign_in_and_write_only_for_the_learner)
{
    char body[300], answer[65536], ack[65536], run[37];
    // The class reaches the lobbies.
    CHECK(test_ws_recv_until(A.fd, "Li Wei 李伟", answer, sizeof answer, 5000));
    CHECK_CONTAINS(answer, "\"t\":\"class\"");
    // The teacher signs Ana in on A.
    snprintf(body, sizeof body, "{\"device\":%d,\"learner_id\":\"%s\"}", A.id, g_ana);
    CHECK(post("/api/learner/assign", body, NULL) == 200);
    CHECK(test_ws_recv_until(A.fd, "\"signin\"", answer, sizeof answer, 5000));
    CHECK_CONTAINS(answer, "\"name\":\"Ana\"");
    const hs *a[] = {&A};
    status(&A, NULL);
    CHECK(launch("stoa-poikile.yaml", a, 1, run) == 1);
    cJSON *l = take_launch(&A);
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(l, "learner_id")), g_ana);
    cJSON_Delete(l);
    write_st(&A, A.reg, "agora.stoa-poikile", g_li, 2, ack, sizeof ack); // as another learner
    CHECK_MSG(strstr(ack, "another learner"), "%s", ack);
    write_st(&A, A.reg, "agora.stoa-poikile", g_ana, 3, ack, sizeof ack);
    CHECK_MSG(strstr(ack, "\"rejected\":[]"), "%s", ack);
    // B signs Li Wei in itself: a wrong PIN is refused, then the right one.
    snprintf(body, sizeof body, "{\"t\":\"signin\",\"learner_id\":\"%s\",\"pin\":\"0000\"}", g_li);
    test_ws_send_text(B.fd, body);
    CHECK(test_ws_recv_until(B.fd, "signin_refused", answer, sizeof answer, 5000));
    CHECK_CONTAINS(answer, "bad_pin");
    snprintf(body, sizeof body, "{\"t\":\"signin\",\"learner_id\":\"%s\",\"pin\":\"1234\"}", g_li);
    test_ws_send_text(B.fd, body);
    CHECK(test_ws_recv_until(B.fd, "\"signin\"", answer, sizeof answer, 5000));
    // Ana is on A (connected): C cannot sign her in.
    snprintf(body, sizeof body, "{\"t\":\"signin\",\"learner_id\":\"%s\"}", g_ana);
    test_ws_send_text(C.fd, body);
    CHECK(test_ws_recv_until(C.fd, "signin_refused", answer, sizeof answer, 5000));
    CHECK_CONTAINS(answer, "signed_in_elsewhere");
    // A registration B starts itself records only B's learner.
    char own[37];
    test_uuid(own);
    write_st(&B, own, "agora.stoa-poikile", g_ana, 2, ack, sizeof ack);
    CHECK_MSG(strstr(ack, "not signed in"), "%s", ack);
    write_st(&B, own, "agora.stoa-poikile", g_li, 2, ack, sizeof ack);
    CHECK_MSG(strstr(ack, "\"rejected\":[]"), "%s", ack);
    // B signs out; five wrong PINs for Li Wei on C: then even the right one waits.
    test_ws_send_text(B.fd, "{\"t\":\"signout\"}");
    CHECK(test_ws_recv_until(B.fd, "\"signout\"", answer, sizeof answer, 5000));
    for (int i = 0; i < 5; i++) {
        snprintf(body, sizeof body, "{\"t\":\"signin\",\"learner_id\":\"%s\",\"pin\":\"99%02d\"}", g_li, i);
        test_ws_send_text(C.fd, body);
        CHECK(test_ws_recv_until(C.fd, "signin_refused", answer, sizeof answer, 5000));
    }
    snprintf(body, sizeof body, "{\"t\":\"signin\",\"learner_id\":\"%s\",\"pin\":\"1234\"}", g_li);
    test_ws_send_text(C.fd, body);
    CHECK(test_ws_recv_until(C.fd, "signin_refused", answer, sizeof answer, 5000));
    CHECK_CONTAINS(answer, "too_many_attempts");
    // The report names the learner; the trace does not.
    char path[200], *out = NULL;
    snprintf(path, sizeof path, "/api/report?run=%s", run);
    CHECK(get(path, &out, NULL, 0) == 200);
    CHECK_MSG(out && strstr(out, "Ana"), "the report does not name Ana");
    CHECK_MSG(out && strstr(out, "Because Zeno taught in the Stoa Poikile"), "the report shows answers as letters");
    free(out);
    snprintf(path, sizeof path, "/xapi/statements?registration=%s", A.reg);
    CHECK(get(path, &out, NULL, 0) == 200);
    CHECK(out && !strstr(out, "Ana") && strstr(out, g_ana));
    free(out);
}

STOA_TEST(gradebook_csv_and_xlsx)
{
    char path[300], *out = NULL, headers[4096];
    snprintf(path, sizeof path, "/api/gradebook?class=%s&format=csv", g_class);
    CHECK(get(path, &out, headers, sizeof headers) == 200);
    CHECK(out && memcmp(out, "\xEF\xBB\xBF", 3) == 0);
    CHECK_CONTAINS(out, "\"Ana\",\"1\",\"The Painted Stoa");
    CHECK_CONTAINS(out, "\"Li Wei 李伟\",\"2\"");
    CHECK_MSG(strstr(out, "Because Zeno taught in the Stoa Poikile"), "answers as letters: %s", out);
    free(out);
    snprintf(path, sizeof path, "/api/gradebook?class=%s&format=xlsx&lang=zh-CN", g_class);
    // Binary: read raw (the helper's body is a C string).
    char req[1000], *answer = NULL;
    int n = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n%s\r\n", path, g_port, g_headers);
    CHECK(test_http_raw(g_port, req, (size_t)n, &answer) == 200);
    char *cl = answer ? strstr(answer, "Content-Length: ") : NULL, *sep = answer ? strstr(answer, "\r\n\r\n") : NULL;
    int len = cl ? atoi(cl + 16) : 0;
    out = answer;
    char file[400];
    snprintf(file, sizeof file, "%s/gradebook.xlsx", g_dir);
    FILE *f = fopen(file, "wb");
    CHECK(f && sep && len > 0 && fwrite(sep + 4, 1, (size_t)len, f) == (size_t)len);
    fclose(f);
    free(out);
    // Read back as a spreadsheet program would: the ZIP, then the sheet's XML.
    char cmd[1200];
    snprintf(cmd, sizeof cmd,
             "python3 -c \"import zipfile,sys,xml.etree.ElementTree as E;z=zipfile.ZipFile(sys.argv[1]);"
             "assert z.testzip() is None;ns={'m':'http://schemas.openxmlformats.org/spreadsheetml/2006/main'};"
             "rows=[[''.join(t.text or '' for t in c.iter('{%%s}t'%%ns['m'])) or (c.findtext('m:v',namespaces=ns) or '')"
             " for c in r] for r in E.fromstring(z.read('xl/worksheets/sheet1.xml')).iter('{%%s}row'%%ns['m'])];"
             "names=[r[0] for r in rows[1:]];"
             "assert rows[0][0]=='学生',rows[0];assert 'Li Wei 李伟' in names and 'Ana' in names,names;"
             "assert any('因为芝诺' in r[-1] for r in rows[1:]),rows\" '%s'", file);
    int rc = system(cmd);
    if (rc != 0 && system("python3 -c 'import zipfile' 2>/dev/null") != 0)
        printf("python3 is missing: the XLSX was not read back\n");
    else
        CHECK_MSG(rc == 0, "the XLSX did not read back");
}

// Builds an upload body (kind: good, escape, unlinted) with tar and base64;
// returns the JSON text (caller frees).
static char *archive_body(const char *kind)
{
    char cmd[3000], file[400];
    snprintf(file, sizeof file, "%s/upload-%s.json", g_dir, kind);
    const char *src = getenv("STOA_SOURCE_DIR") ? getenv("STOA_SOURCE_DIR") : ".";
    bool escape = strcmp(kind, "escape") == 0, unlinted = strcmp(kind, "unlinted") == 0;
    snprintf(cmd, sizeof cmd,
             "set -e; d='%s/archive-%s'; mkdir -p \"$d/scene\" \"$d/narration\"; cd \"$d\";"
             " sed 's/id: agora.stoa-poikile/id: agora.uploaded/; s#\\.\\./agora\\.glb#scene/agora.glb#;"
             " s#\\.\\./narration/#narration/#' '%s/scenes/agora/lessons/stoa-poikile.yaml' > uploaded.yaml;"
             " head -c 400 '%s/scenes/agora/agora.glb' > scene/agora.glb; cp '%s'/scenes/agora/narration/*.wav narration/;"
             " %s %s printf '{\"name\":\"a.tgz\",\"data\":\"%%s\"}' \"$(base64 -w0 a.tgz)\" > '%s'",
             g_dir, kind, src, src, src, unlinted ? "rm scene/agora.glb;" : "",
             escape ? "tar -czPf a.tgz --transform 's,^,../,' uploaded.yaml;"
                    : "tar -czf a.tgz uploaded.yaml scene narration;",
             file);
    if (system(cmd) != 0)
        return NULL;
    uint8_t *text = NULL;
    size_t len = 0;
    stoa_error err = {0};
    if (stoa_file_read(file, 64u << 20, &text, &len, &err) != STOA_OK)
        return NULL;
    return (char *)text;
}

STOA_TEST(lesson_archive_upload_is_checked)
{
    char *body = archive_body("escape"), *out = NULL;
    CHECK(body != NULL);
    CHECK(post("/api/lessons/upload", body ? body : "{}", &out) == 422);
    CHECK_MSG(out && strstr(out, "outside the lesson"), "%s", out);
    free(body), free(out);
    body = archive_body("unlinted");
    CHECK(post("/api/lessons/upload", body ? body : "{}", &out) == 422);
    CHECK_MSG(out && strstr(out, "agora.glb"), "%s", out);
    free(body), free(out);
    body = archive_body("good");
    CHECK(post("/api/lessons/upload", body ? body : "{}", &out) == 200);
    CHECK_MSG(out && strstr(out, "uploaded.yaml") && strstr(out, "scene/agora.glb"), "%s", out);
    free(body), free(out);
    CHECK(get("/api/lessons", &out, NULL, 0) == 200);
    CHECK(out && strstr(out, "agora.uploaded") && strstr(out, "\"concepts\"") && strstr(out, "zh-CN"));
    free(out);
    const hs *b[] = {&B};
    status(&B, NULL);
    CHECK(launch("uploaded.yaml", b, 1, NULL) == 1);
    cJSON *l = take_launch(&B);
    char *files = cJSON_PrintUnformatted(cJSON_GetObjectItem(l, "files"));
    CHECK_MSG(files && strstr(files, "\"path\":\"scene/agora.glb\""), "%s", files ? files : "(none)");
    free(files);
    cJSON_Delete(l);
}

STOA_TEST(evaluation_names_learners)
{
    char *out = NULL;
    CHECK(get("/api/evaluation", &out, NULL, 0) == 200);
    CHECK_MSG(out && strstr(out, "Li Wei 李伟"), "the evaluation shows accounts, not names");
    free(out);
}

// Reads a whole answer from fd: its bytes after the head, counted and hashed.
static int64_t body_sha(int fd, char sha[65])
{
    static char buf[1 << 16];
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    int64_t body = -1;
    char head[4096];
    size_t hl = 0;
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0) {
        size_t off = 0;
        if (body < 0) { // still in the head
            size_t take = (size_t)n < sizeof head - 1 - hl ? (size_t)n : sizeof head - 1 - hl;
            memcpy(head + hl, buf, take);
            head[hl + take] = 0;
            char *end = strstr(head, "\r\n\r\n");
            if (!end) {
                hl += take;
                continue;
            }
            off = (size_t)(end + 4 - head) - hl;
            body = 0;
        }
        crypto_hash_sha256_update(&st, (unsigned char *)buf + off, (unsigned long long)((size_t)n - off));
        body += (int64_t)((size_t)n - off);
    }
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&st, h);
    sodium_bin2hex(sha, 65, h, sizeof h);
    return body;
}

STOA_TEST(a_scene_larger_than_32_mib_is_served_streamed)
{
    // Before: the hub read a served file whole, at most 32 MiB, and listed
    // no larger file. A 48 MiB scene (sparse: no disk, no repository).
    char cmd[800], path[200], req[400];
    snprintf(cmd, sizeof cmd, "truncate -s 48M '%s/big.glb' && printf 'stoa_lesson: 1\\nid: big\\ntitle: {en: Big}\\nlanguages: [en]\\n"
             "scene: big.glb\\nstart: a\\nstates:\\n  a:\\n    on_enter:\\n      - end: completed\\n' > '%s/big.yaml'",
             g_lessons, g_lessons);
    CHECK(system(cmd) == 0);
    const hs *b[] = {&B};
    char run[37];
    CHECK(launch("big.yaml", b, 1, run) == 1);
    cJSON *la = take_launch(&B);
    const cJSON *f = cJSON_GetArrayItem(cJSON_GetObjectItem(la, "files"), 0);
    CHECK_MSG(f && cJSON_GetNumberValue(cJSON_GetObjectItem(f, "size")) == 48.0 * 1048576, "%s", show(la));
    snprintf(path, sizeof path, "/api/headset/content/%s", f ? cJSON_GetStringValue(cJSON_GetObjectItem(f, "sha256")) : "");
    snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nAuthorization: Bearer %s\r\n\r\n", path, g_port, B.token);
    int fd = test_connect_from(g_port, "127.0.0.1");
    CHECK(fd >= 0 && test_send_all(fd, req, strlen(req)));
    char sha[65] = "";
    int64_t got = fd >= 0 ? body_sha(fd, sha) : -1;
    if (fd >= 0)
        close(fd);
    CHECK_MSG(got == 48 * 1048576, "%lld bytes came", (long long)got);
    CHECK_STR(sha, f ? cJSON_GetStringValue(cJSON_GetObjectItem(f, "sha256")) : "?");
    cJSON_Delete(la);
    snprintf(cmd, sizeof cmd, "rm -f '%s/big.glb' '%s/big.yaml'", g_lessons, g_lessons);
    CHECK(system(cmd) == 0);
}

STOA_TEST(export_and_delete_a_learner)
{
    char path[200], *out = NULL, body[200];
    snprintf(path, sizeof path, "/api/learner/export?learner=%s", g_ana);
    CHECK(get(path, &out, NULL, 0) == 200);
    cJSON *j = cJSON_Parse(out ? out : "");
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "learner"), "name")), "Ana");
    CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(j, "statements")) == 3);
    cJSON_Delete(j);
    free(out);
    snprintf(body, sizeof body, "{\"learner_id\":\"%s\"}", g_ana);
    CHECK(post("/api/learner/delete", body, &out) == 200);
    CHECK_MSG(out && strstr(out, "\"statements\":3") && strstr(out, "\"runs\":1"), "%s", out);
    free(out);
    CHECK(get(path, &out, NULL, 0) == 404);
    free(out);
    snprintf(path, sizeof path, "/xapi/statements?registration=%s", A.reg);
    CHECK(get(path, &out, NULL, 0) == 200);
    CHECK(out && !strstr(out, g_ana));
    free(out);
    close(A.fd), close(B.fd), close(C.fd);
    stoa_hub_destroy(&g_hub);
}

STOA_TEST_MAIN()
