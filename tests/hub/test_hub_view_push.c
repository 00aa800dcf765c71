// SPDX-License-Identifier: Apache-2.0
// Issue 16, pictures pushed to the panel (docs/hub.md, "Live views:
// pictures pushed to the panel"), with raw WebSockets for two headsets and
// one panel, and a hub in this process:
//  - /ws/panel needs the instructor's session and the hub's own origin;
//  - a watch message makes the headset send (256 px; 720 px for the large
//    view) and each new picture of a watched headset comes on the panel's
//    socket as one binary message (header + the JPEG byte for byte), at
//    once, without the panel asking; an unwatched headset's never does, and
//    a picture is sent once, not again on the next watch message (but
//    again when its headset moves to the large view);
//  - GET /api/view still answers beside it;
//  - a bad message (hostile ones: deep nesting, too many ids, wrong types,
//    binary) closes only that panel; after logout the next watch message
//    closes it.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "hub_test_util.h"
#include "stoa_test.h"

static stoa_hub *g_hub;
static int g_port;
static char g_dir[256], g_headers[400], g_cookie[128], g_csrf[65];

typedef struct hs {
    char token[65];
    int fd, id;
} hs;
static hs A, B;

// "/9j/4AAQSkZJRgABAQ==" is FF D8 FF E0 00 10 'JFIF' 00 01 01: a JPEG's start.
#define JPEG_B64 "/9j/4AAQSkZJRgABAQ=="

static void join(hs *h, const char *name)
{
    h->id = test_headset_join(g_port, stoa_hub_join_code(g_hub), name, h->token, &h->fd);
    CHECK_MSG(h->id >= 0, "%s joins", name);
    test_ws_send_text(h->fd, "{\"t\":\"status\",\"phase\":\"lobby\",\"progress\":0}");
}

// The view instruction a headset got (false when none came within ms).
static bool told(hs *h, bool *on, int *width, int ms)
{
    char msg[4096];
    if (!test_ws_recv_until(h->fd, "\"t\":\"view\"", msg, sizeof msg, ms))
        return false;
    cJSON *j = cJSON_Parse(msg);
    *on = cJSON_IsTrue(cJSON_GetObjectItem(j, "on"));
    *width = (int)cJSON_GetNumberValue(cJSON_GetObjectItem(j, "width"));
    cJSON_Delete(j);
    return true;
}

static void picture(hs *h, int w, double gx)
{
    char msg[512];
    snprintf(msg, sizeof msg, "{\"t\":\"view\",\"w\":%d,\"h\":%d,\"drawn\":1700000000000,\"rec\":1700000000001,"
             "\"ready\":1700000000020,\"enc\":1700000000025,\"gaze\":[%.2f,0.75],\"jpeg\":\"%s\"}",
             w, w * 3 / 4, gx, JPEG_B64);
    test_ws_send_text(h->fd, msg);
}

// The next pushed picture within ms: its header (parsed) and whether the
// JPEG came byte for byte. NULL: none came.
static cJSON *pushed(int fd, int ms, bool *jpeg_ok)
{
    static char buf[65536];
    int op = test_ws_recv(fd, buf, sizeof buf, ms);
    if (op != 2)
        return NULL;
    const unsigned char *u = (const unsigned char *)buf;
    size_t n = (size_t)u[0] << 24 | (size_t)u[1] << 16 | (size_t)u[2] << 8 | u[3];
    if (n == 0 || n > 1000)
        return NULL;
    static const unsigned char start[] = {0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 'J', 'F', 'I', 'F'};
    *jpeg_ok = memcmp(u + 4 + n, start, sizeof start) == 0;
    char head[1001];
    memcpy(head, buf + 4, n), head[n] = 0;
    return cJSON_Parse(head);
}

static int open_panel(const char *headers)
{
    int status = 0, fd = test_ws_open_path(g_port, "/ws/panel", headers, &status);
    return fd >= 0 ? fd : -status;
}

static void setup(void)
{
    test_temp_dir(g_dir);
    char data[300], listen[64];
    snprintf(data, sizeof data, "%s/hub", g_dir);
    g_port = test_free_port();
    snprintf(listen, sizeof listen, "127.0.0.1:%d", g_port);
    stoa_error err = {0};
    CHECK(stoa_hub_create(&(stoa_hub_desc){.listen = listen, .data_dir = data, .password = TEST_PASSWORD},
                          &g_hub, &err) == STOA_OK);
    CHECK(test_login(g_port, TEST_PASSWORD, g_cookie, g_csrf) == 200);
    snprintf(g_headers, sizeof g_headers, "Cookie: %s\r\nX-CSRF-Token: %s\r\nOrigin: http://127.0.0.1:%d\r\n",
             g_cookie, g_csrf, g_port);
    join(&A, "Headset A");
    join(&B, "Headset B");
}

static void who_may_open(void)
{
    char other[300];
    CHECK(open_panel(NULL) == -401);
    snprintf(other, sizeof other, "Cookie: %s\r\nOrigin: http://evil.example\r\n", g_cookie);
    CHECK(open_panel(other) == -403);
}

static void pictures_pushed(void)
{
    char msg[256], *out = NULL;
    bool on = false, ok = false;
    int width = 0;
    int p = open_panel(g_headers);
    CHECK(p >= 0);
    snprintf(msg, sizeof msg, "{\"t\":\"watch\",\"thumbs\":[%d],\"large\":0}", A.id);
    test_ws_send_text(p, msg);
    CHECK(told(&A, &on, &width, 5000) && on && width == 256);
    CHECK(!told(&B, &on, &width, 300)); // nobody watches B
    picture(&A, 256, 0.25);
    cJSON *h = pushed(p, 5000, &ok);
    CHECK(h && ok);
    CHECK(cJSON_GetNumberValue(cJSON_GetObjectItem(h, "device")) == A.id);
    CHECK(cJSON_GetNumberValue(cJSON_GetObjectItem(h, "seq")) == 1);
    CHECK(cJSON_GetNumberValue(cJSON_GetObjectItem(h, "w")) == 256);
    CHECK(cJSON_GetNumberValue(cJSON_GetObjectItem(h, "drawn")) == 1700000000000.0);
    const cJSON *st = cJSON_GetObjectItem(h, "stages");
    CHECK(cJSON_GetArraySize(st) == 4 && cJSON_GetNumberValue(cJSON_GetArrayItem(st, 0)) == 1700000000001.0 &&
          cJSON_GetNumberValue(cJSON_GetArrayItem(st, 3)) > 1700000000025.0);
    CHECK(cJSON_GetNumberValue(cJSON_GetArrayItem(cJSON_GetObjectItem(h, "gaze"), 0)) == 0.25);
    cJSON_Delete(h);
    // An unwatched headset's picture does not come; the same picture does
    // not come twice (the next watch message finds nothing new).
    picture(&B, 256, 0.5);
    test_ws_send_text(p, msg);
    CHECK(pushed(p, 400, &ok) == NULL);
    // The fetch beside it (scripts, a panel without its socket).
    char path[64];
    snprintf(path, sizeof path, "/api/view?device=%d", A.id);
    CHECK(test_http(g_port, "GET", path, g_headers, NULL, 0, &out, NULL, 0) == 200);
    free(out);
    // The large view: its canvas gets the newest picture at once, 720 px
    // are asked, and those are pushed too.
    snprintf(msg, sizeof msg, "{\"t\":\"watch\",\"thumbs\":[],\"large\":%d}", A.id);
    test_ws_send_text(p, msg);
    h = pushed(p, 5000, &ok);
    CHECK(h && ok && cJSON_GetNumberValue(cJSON_GetObjectItem(h, "seq")) == 1);
    cJSON_Delete(h);
    CHECK(told(&A, &on, &width, 5000) && on && width == 720);
    picture(&A, 720, 0.5);
    h = pushed(p, 5000, &ok);
    CHECK(h && ok && cJSON_GetNumberValue(cJSON_GetObjectItem(h, "seq")) == 2 &&
          cJSON_GetNumberValue(cJSON_GetObjectItem(h, "w")) == 720);
    cJSON_Delete(h);
    // Watching B now: its newest picture comes at once (it was in before).
    snprintf(msg, sizeof msg, "{\"t\":\"watch\",\"thumbs\":[%d],\"large\":0}", B.id);
    test_ws_send_text(p, msg);
    h = pushed(p, 5000, &ok);
    CHECK(h && ok && cJSON_GetNumberValue(cJSON_GetObjectItem(h, "device")) == B.id);
    cJSON_Delete(h);
    // Nonsense closes this panel, and only it.
    char buf[512];
    test_ws_send_text(p, "{\"t\":\"watch\",\"thumbs\":\"all\"}");
    CHECK(test_ws_recv_until(p, "bad_watch", buf, sizeof buf, 5000));
    close(p);
    test_ws_send_text(A.fd, "{\"t\":\"ping\"}");
    CHECK(test_ws_recv_until(A.fd, "pong", buf, sizeof buf, 5000));
}

// Hostile watch messages: each closes only its own panel with an error,
// never the hub; ids that are not headsets are ignored.
static void hostile_watch(void)
{
    static char deep[3000], many[4000];
    memset(deep, '[', 1500);
    snprintf(deep + 1500, sizeof deep - 1500, "]");
    int n = snprintf(many, sizeof many, "{\"t\":\"watch\",\"thumbs\":[");
    for (int i = 0; i < 300; i++)
        n += snprintf(many + n, sizeof many - (size_t)n, "%s%d", i ? "," : "", i + 1);
    snprintf(many + n, sizeof many - (size_t)n, "]}");
    const char *bad[] = {deep, many, "{\"t\":\"watch\"}", "{\"t\":\"watch\",\"thumbs\":[],\"large\":\"1\"}",
                         "{\"t\":\"hello\",\"token\":\"x\"}", "not json", "{\"t\":\"watch\",\"thumbs\":{}}"};
    char buf[512];
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int p = open_panel(g_headers);
        CHECK(p >= 0);
        test_ws_send_text(p, bad[i]);
        CHECK_MSG(test_ws_recv_until(p, "\"t\":\"error\"", buf, sizeof buf, 5000), "hostile message %zu", i);
        close(p);
    }
    // Odd ids (not headsets, huge, negative, fractions, strings) are let be.
    int p = open_panel(g_headers);
    CHECK(p >= 0);
    test_ws_send_text(p, "{\"t\":\"watch\",\"thumbs\":[424242,1e300,-5,0.5,\"x\",null,[1]],\"large\":-1}");
    test_ws_send(p, 0x82, "\x01\x02", 2, 0); // binary: refused
    CHECK(test_ws_recv_until(p, "text_messages_only", buf, sizeof buf, 5000));
    close(p);
    test_ws_send_text(A.fd, "{\"t\":\"ping\"}");
    CHECK(test_ws_recv_until(A.fd, "pong", buf, sizeof buf, 5000));
}

static void logout_stops_it(void)
{
    char msg[256], buf[512], *out = NULL;
    bool ok = false;
    int p = open_panel(g_headers);
    CHECK(p >= 0);
    snprintf(msg, sizeof msg, "{\"t\":\"watch\",\"thumbs\":[%d],\"large\":0}", A.id);
    test_ws_send_text(p, msg);
    cJSON *h = pushed(p, 5000, &ok); // A's newest, at once
    CHECK(h != NULL);
    cJSON_Delete(h);
    CHECK(test_http(g_port, "POST", "/api/logout", g_headers, "{}", 2, &out, NULL, 0) == 200);
    free(out);
    test_ws_send_text(p, msg);
    CHECK(test_ws_recv_until(p, "log_in_first", buf, sizeof buf, 5000));
    close(p);
    CHECK(open_panel(g_headers) == -401);
}

// One hub, the steps in order.
STOA_TEST(pictures_pushed_to_the_panel)
{
    setup();
    who_may_open();
    pictures_pushed();
    hostile_watch();
    logout_stops_it();
    close(A.fd), close(B.fd);
    stoa_hub_destroy(&g_hub);
}

STOA_TEST_MAIN()
