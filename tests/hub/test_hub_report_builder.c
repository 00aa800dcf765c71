// SPDX-License-Identifier: Apache-2.0
// The hang of test_hub_class in the sanitizer CI job: the hub built a
// report in a fork() of itself while a bake thread held one of the
// allocator's locks. The copy waited for that lock forever; the report
// request waited for the copy (up to 120 s); and the copy held every socket
// of the hub, so headsets the hub then closed as idle never saw the end of
// their connection. The builder is now a fresh program (hub_report_build.c).
//  - every report is built by a process that has only stdin, stdout and
//    stderr: none of the hub's sockets or database files (its note);
//  - reports are answered while bakes of changing scenes start and end, and
//    the headset hears every launch meanwhile (on the old code, an ASan
//    build hung within tens of such rounds).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "hub_test_util.h"
#include "stoa_test.h"

#define ROUNDS 8

static stoa_hub *g_hub;
static int g_port, g_fd = -1, g_id;
static char g_dir[256], g_lessons[300], g_note[320], g_headers[400], g_reg[37];

// A shell command; the test stops early when it fails (no library, no test).
static bool sh(const char *fmt, const char *a, const char *b)
{
    char cmd[1200];
    snprintf(cmd, sizeof cmd, fmt, a, b);
    return system(cmd) == 0;
}

STOA_TEST(start)
{
    test_temp_dir(g_dir);
    snprintf(g_lessons, sizeof g_lessons, "%s/lessons", g_dir);
    snprintf(g_note, sizeof g_note, "%s/builders.txt", g_dir);
    CHECK(mkdir(g_lessons, 0700) == 0);
    const char *src = getenv("STOA_SOURCE_DIR") ? getenv("STOA_SOURCE_DIR") : ".";
    // The sample lesson with its scene beside it: a launch bakes the scene.
    CHECK(sh("sed 's#\\.\\./agora\\.glb#agora.glb#; s#\\.\\./narration/#narration/#' '%s/scenes/agora/lessons/stoa-poikile.yaml'"
             " > '%s/stoa-poikile.yaml'", src, g_lessons));
    CHECK(sh("cp '%s/scenes/agora/agora.glb' '%s/agora.glb'", src, g_lessons));
    CHECK(sh("mkdir -p '%2$s/narration' && cp '%1$s'/scenes/agora/narration/*.wav '%2$s/narration/'", src, g_lessons));
    setenv("STOA_HUB_TEST_BUILDER_NOTE", g_note, 1); // read by the builder only
    char data[300];
    snprintf(data, sizeof data, "%s/hub", g_dir);
    g_hub = test_hub_start_desc(&(stoa_hub_desc){.lessons_dir = g_lessons}, data, &g_port);
    CHECK(g_hub != NULL);
    char cookie[128], csrf[65], token[65];
    CHECK(g_hub && test_login(g_port, TEST_PASSWORD, cookie, csrf) == 200);
    snprintf(g_headers, sizeof g_headers, "Cookie: %s\r\nX-CSRF-Token: %s\r\nOrigin: http://127.0.0.1:%d\r\n", cookie,
             csrf, g_port);
    g_id = g_hub ? test_headset_join(g_port, stoa_hub_join_code(g_hub), "Headset 1", token, &g_fd) : -1;
    CHECK(g_id >= 0);
    test_uuid(g_reg); // the headset's own run: its report changes with every statement
}

STOA_TEST(reports_are_answered_while_bakes_come_and_go)
{
    const char *src = getenv("STOA_SOURCE_DIR") ? getenv("STOA_SOURCE_DIR") : ".";
    // Four scenes, four keys: every launch starts a bake (the agora's is the longest).
    static const char *const scenes[] = {"scenes/bridge/bridge.glb", "scenes/agora/agora.glb",
                                         "scenes/classroom/classroom.glb", "assets/controllers/controllers.glb"};
    for (int round = 0; round < ROUNDS && g_fd >= 0 && stoa_test_failed_checks == 0; round++) {
        char id[37], msg[8192], ack[4096], *out = NULL;
        test_uuid(id);
        char *st = test_statement(id, g_reg, round);
        snprintf(msg, sizeof msg, "{\"t\":\"st\",\"items\":[%s]}", st);
        free(st);
        test_ws_send_text(g_fd, msg);
        CHECK_MSG(test_ws_recv_until(g_fd, "\"ack\"", ack, sizeof ack, 20000), "round %d: no ack", round);
        test_ws_send_text(g_fd, "{\"t\":\"status\",\"phase\":\"lobby\",\"progress\":0}");
        char from[600];
        snprintf(from, sizeof from, "%s/%s", src, scenes[round % 4]);
        CHECK(sh("cp '%s' '%s/agora.glb'", from, g_lessons));
        char body[200];
        snprintf(body, sizeof body, "{\"cmd\":\"launch\",\"lesson\":\"stoa-poikile.yaml\",\"targets\":[%d]}", g_id);
        // Sent to the headset unless its status has not landed yet; either way it is answered.
        CHECK_MSG(test_http(g_port, "POST", "/api/command", g_headers, body, strlen(body), &out, NULL, 0) == 200,
                  "round %d: the launch was not answered", round);
        bool sent = out && strstr(out, "\"sent\":1");
        free(out);
        char got[65536];
        CHECK_MSG(!sent || test_ws_recv_until(g_fd, "\"launch\"", got, sizeof got, 10000),
                  "round %d: the headset did not hear the launch", round);
        char path[200];
        snprintf(path, sizeof path, "/api/report?run=%s", g_reg);
        CHECK_MSG(test_http(g_port, "GET", path, g_headers, NULL, 0, &out, NULL, 0) == 200,
                  "round %d: the report was not answered (a builder stuck on a lock of the hub?)", round);
        CHECK_MSG(out && strstr(out, "<html"), "round %d: not a report page", round);
        free(out);
    }
}

STOA_TEST(every_builder_is_a_fresh_program_without_the_hubs_descriptors)
{
    // One line per build (each round added a statement): "PID: 0 1 2", no more.
    FILE *f = fopen(g_note, "r");
    CHECK_MSG(f != NULL, "no builder wrote its note: the report was not built by a fresh builder program");
    char line[512];
    int builds = 0;
    while (f && fgets(line, sizeof line, f)) {
        builds++;
        const char *fds = strchr(line, ':');
        bool only_std = fds != NULL;
        for (char *p = fds ? (char *)fds + 1 : NULL, *end; p && *p && *p != '\n'; p = end) {
            long fd = strtol(p, &end, 10);
            only_std = only_std && end != p && fd <= 2;
            if (end == p)
                break;
        }
        CHECK_MSG(only_std, "a report builder started with descriptors of the hub open: %s", line);
    }
    if (f)
        fclose(f);
    CHECK_MSG(builds == ROUNDS, "%d builders for %d reports", builds, ROUNDS);
}

STOA_TEST(stop)
{
    if (g_fd >= 0)
        close(g_fd);
    stoa_hub_destroy(&g_hub); // waits for the bakes still running
    unsetenv("STOA_HUB_TEST_BUILDER_NOTE");
}

STOA_TEST_MAIN()
