// SPDX-License-Identifier: Apache-2.0
// Issue 16, the hub's side of live views (docs/hub.md, "Live views, hands
// and attention"), with raw WebSocket headsets and a hub in this process:
//  - a headset is told to send pictures only once the panel fetches its
//    view, the other one is not; the large view asks for 720 px, 10/s;
//  - the newest picture comes back byte for byte with its gaze point; a
//    picture that is not a JPEG, too big or not base64 is dropped and the
//    connection goes on;
//  - the budget slows the rates; views off stops them and keeps nothing;
//  - the view needs the instructor's session; a bad setting is refused;
//  - status "hand" and "attention" reach /api/state, hands keep their order.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "hub_test_util.h"
#include "net/stoa_net.h"
#include "stoa_test.h"

static stoa_hub *g_hub;
static int g_port;
static char g_dir[256], g_headers[400];

typedef struct hs {
    char token[65];
    int fd, id;
} hs;
static hs A, B;

static void join(hs *h, const char *name)
{
    h->id = test_headset_join(g_port, stoa_hub_join_code(g_hub), name, h->token, &h->fd);
    CHECK_MSG(h->id >= 0, "%s joins", name);
}

static void status(hs *h, const char *extra)
{
    char msg[400];
    snprintf(msg, sizeof msg, "{\"t\":\"status\",\"phase\":\"lobby\",\"progress\":0%s}", extra ? extra : "");
    test_ws_send_text(h->fd, msg);
    test_sleep_ms(150); // another worker takes it: let it land
}

static int get(const char *path, char **out, char *headers, size_t hsize)
{
    return test_http(g_port, "GET", path, g_headers, NULL, 0, out, headers, hsize);
}

static int post(const char *path, const char *body)
{
    char *o = NULL;
    int s = test_http(g_port, "POST", path, g_headers, body, strlen(body), &o, NULL, 0);
    free(o);
    return s;
}

// The view instruction a headset got: on, width, fps (false when none came).
static bool told(hs *h, bool *on, int *width, double *fps, int ms)
{
    char msg[4096];
    if (!test_ws_recv_until(h->fd, "\"t\":\"view\"", msg, sizeof msg, ms))
        return false;
    cJSON *j = cJSON_Parse(msg);
    *on = cJSON_IsTrue(cJSON_GetObjectItem(j, "on"));
    *width = (int)cJSON_GetNumberValue(cJSON_GetObjectItem(j, "width"));
    *fps = cJSON_GetNumberValue(cJSON_GetObjectItem(j, "fps"));
    cJSON_Delete(j);
    return true;
}

// "/9j/4AAQSkZJRgABAQ==" is FF D8 FF E0 00 10 'JFIF' 00 01 01: a JPEG's start.
#define JPEG_B64 "/9j/4AAQSkZJRgABAQ=="

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
    char cookie[128], csrf[65];
    CHECK(test_login(g_port, TEST_PASSWORD, cookie, csrf) == 200);
    snprintf(g_headers, sizeof g_headers, "Cookie: %s\r\nX-CSRF-Token: %s\r\nOrigin: http://127.0.0.1:%d\r\n", cookie,
             csrf, g_port);
    join(&A, "Headset A");
    join(&B, "Headset B");
    status(&A, NULL), status(&B, NULL);
}

static void views_follow_the_panel(void)
{
    char path[128], *out = NULL, headers[2048];
    bool on = false;
    int width = 0;
    double fps = 0;
    snprintf(path, sizeof path, "/api/view?device=%d", A.id);
    CHECK(get(path, &out, NULL, 0) == 404); // no picture yet
    free(out);
    CHECK(told(&A, &on, &width, &fps, 3000) && on && width == 256 && fps == 2.0);
    CHECK(!told(&B, &on, &width, &fps, 300)); // nobody watches B
    char msg[512];
    snprintf(msg, sizeof msg, "{\"t\":\"view\",\"w\":256,\"h\":192,\"seq\":1,\"drawn\":1700000000000,"
             "\"rec\":1700000000001,\"ready\":1700000000020,\"enc\":1700000000025,"
             "\"gaze\":[0.25,0.75],\"jpeg\":\"%s\"}", JPEG_B64);
    test_ws_send_text(A.fd, msg);
    test_sleep_ms(200);
    headers[0] = 0;
    CHECK(get(path, &out, headers, sizeof headers) == 200);
    // (test_http's body is a C string: the bytes before the JPEG's first 0.)
    CHECK(out && (unsigned char)out[0] == 0xff && (unsigned char)out[1] == 0xd8 && (unsigned char)out[3] == 0xe0);
    free(out);
    CHECK(strstr(headers, "image/jpeg") && strstr(headers, "X-Stoa-Gaze: 0.2500,0.7500") &&
          strstr(headers, "X-Stoa-Drawn: 1700000000000") && strstr(headers, "no-store"));
    // The stages' times come through (the hub's own arrival time last), and
    // after a second picture the hub says when it expects the next.
    CHECK(strstr(headers, "X-Stoa-Stages: 1700000000001,1700000000020,1700000000025,") != NULL);
    CHECK(strstr(headers, "X-Stoa-Next:") == NULL);
    test_ws_send_text(A.fd, msg);
    test_sleep_ms(200);
    headers[0] = 0;
    CHECK(get(path, &out, headers, sizeof headers) == 200);
    free(out);
    const char *next = strstr(headers, "X-Stoa-Next: ");
    CHECK(next && atoi(next + 13) >= 0 && atoi(next + 13) <= 10000);
    // Bad pictures are dropped; the connection and the last picture stay.
    test_ws_send_text(A.fd, "{\"t\":\"view\",\"w\":256,\"h\":192,\"jpeg\":\"aGVsbG8gd29ybGQ=\"}"); // not a JPEG
    test_ws_send_text(A.fd, "{\"t\":\"view\",\"w\":99999,\"h\":192,\"jpeg\":\"" JPEG_B64 "\"}");
    test_ws_send_text(A.fd, "{\"t\":\"view\",\"w\":256,\"h\":192,\"jpeg\":\"%%%%not base64\"}");
    test_ws_send_text(A.fd, "{\"t\":\"view\",\"w\":256,\"h\":192}");
    status(&A, NULL);
    headers[0] = 0;
    CHECK(get(path, &out, headers, sizeof headers) == 200);
    free(out);
    CHECK(strstr(headers, "X-Stoa-Seq: 2\r\n") != NULL);
    // The panel's poll before the first picture: 204, not an error.
    char pb[128];
    snprintf(pb, sizeof pb, "/api/view?device=%d&from=panel", B.id);
    CHECK(get(pb, &out, NULL, 0) == 204);
    free(out);
    CHECK(told(&B, &on, &width, &fps, 3000) && on && width == 256);
    // Without a session, and for a device that does not exist.
    CHECK(test_http(g_port, "GET", path, "", NULL, 0, &out, NULL, 0) == 401);
    free(out);
    CHECK(get("/api/view?device=424242", &out, NULL, 0) == 404);
    free(out);
    CHECK(get("/api/view?device=abc", &out, NULL, 0) == 400);
    free(out);
}

static void large_view_and_budget(void)
{
    char path[128], *out = NULL;
    bool on = false;
    int width = 0;
    double fps = 0;
    snprintf(path, sizeof path, "/api/view?device=%d&size=large", A.id);
    CHECK(get(path, &out, NULL, 0) == 200);
    free(out);
    CHECK(told(&A, &on, &width, &fps, 3000) && on && width == 720 && fps == 10.0);
    // A picture of 24 KB on the wire (the hub looks only at its start), then a
    // budget it does not fit: the large view slows down.
    size_t n = 24000;
    char *big = malloc(n + 200);
    int k = snprintf(big, 200, "{\"t\":\"view\",\"w\":720,\"h\":540,\"seq\":2,\"jpeg\":\"%s", "/9j/4AAQ");
    memset(big + k, 'A', n);
    memcpy(big + k + n, "\"}", 3);
    test_ws_send_text(A.fd, big);
    free(big);
    test_sleep_ms(200);
    CHECK(post("/api/views", "{\"budget\":100000}") == 200);
    CHECK(told(&A, &on, &width, &fps, 3000) && on && width == 720 && fps < 10.0);
    CHECK(get("/api/views", &out, NULL, 0) == 200);
    CHECK(out && strstr(out, "\"budget\":100000"));
    free(out);
    CHECK(post("/api/views", "{\"budget\":5}") == 422);
    CHECK(post("/api/views", "{\"enabled\":\"no\"}") == 422);
    CHECK(post("/api/views", "{\"budget\":4000000}") == 200);
}

static void views_off_stop_and_keep_nothing(void)
{
    char path[128], *out = NULL;
    bool on = true;
    int width = 0;
    double fps = 0;
    CHECK(post("/api/views", "{\"enabled\":false}") == 200);
    for (int i = 0; i < 4 && on; i++) // (the budget's last change may come first)
        if (!told(&A, &on, &width, &fps, 3000))
            break;
    CHECK(!on);
    snprintf(path, sizeof path, "/api/view?device=%d", A.id);
    CHECK(get(path, &out, NULL, 0) == 404);
    free(out);
    test_ws_send_text(A.fd, "{\"t\":\"view\",\"w\":256,\"h\":192,\"jpeg\":\"" JPEG_B64 "\"}"); // sent anyway: not kept
    // The hub answers a ping after the picture (one connection, in order):
    // only then may the views go on again, or the picture could come after.
    test_ws_send_text(A.fd, "{\"t\":\"ping\"}");
    char pong[4096];
    CHECK(test_ws_recv_until(A.fd, "\"t\":\"pong\"", pong, sizeof pong, 3000));
    CHECK(post("/api/views", "{\"enabled\":true}") == 200);
    CHECK(test_http(g_port, "GET", path, g_headers, NULL, 0, &out, NULL, 0) == 404);
    free(out);
    CHECK(get("/api/views", &out, NULL, 0) == 200);
    CHECK(out && strstr(out, "\"enabled\":true"));
    free(out);
}

static void hands_and_attention_in_the_state(void)
{
    char *out = NULL;
    status(&B, ",\"hand\":true,\"attention\":false");
    test_sleep_ms(1100);
    status(&A, ",\"hand\":true,\"attention\":true");
    status(&B, ",\"hand\":true,\"attention\":false"); // still up: its time is kept
    CHECK(get("/api/state", &out, NULL, 0) == 200);
    cJSON *j = cJSON_Parse(out ? out : "");
    double hand[2] = {-1, -1};
    int att[2] = {-1, -1};
    const cJSON *h;
    cJSON_ArrayForEach(h, cJSON_GetObjectItem(j, "headsets")) {
        int k = (int)cJSON_GetNumberValue(cJSON_GetObjectItem(h, "id")) == A.id ? 0 : 1;
        const cJSON *hs_ = cJSON_GetObjectItem(h, "hand_s"), *a = cJSON_GetObjectItem(h, "attention");
        hand[k] = cJSON_IsNumber(hs_) ? hs_->valuedouble : -1;
        att[k] = cJSON_IsBool(a) ? cJSON_IsTrue(a) : -1;
    }
    cJSON_Delete(j);
    free(out);
    CHECK(hand[0] >= 0 && hand[1] > hand[0] + 0.5); // B's went up first
    CHECK(att[0] == 1 && att[1] == 0);
    status(&B, NULL); // down, attention unknown
    CHECK(get("/api/state", &out, NULL, 0) == 200);
    j = cJSON_Parse(out ? out : "");
    cJSON_ArrayForEach(h, cJSON_GetObjectItem(j, "headsets"))
        if ((int)cJSON_GetNumberValue(cJSON_GetObjectItem(h, "id")) == B.id)
            CHECK(!cJSON_GetObjectItem(h, "hand_s") && !cJSON_GetObjectItem(h, "attention"));
    cJSON_Delete(j);
    free(out);
}

// runtime/net's side: the want, a picture encoded (a gradient, BGRA as a
// BGRA swapchain gives it) and served; after views off the want goes.
static void headset_library(void)
{
    char url[64], token_path[320], *out = NULL, headers[2048];
    snprintf(url, sizeof url, "http://127.0.0.1:%d", g_port);
    snprintf(token_path, sizeof token_path, "%s/net-token", g_dir);
    stoa_net *net = NULL;
    stoa_error err = {0};
    CHECK(stoa_net_create(&(stoa_net_desc){.hub_url = url, .join_code = stoa_hub_join_code(g_hub),
                                           .token_path = token_path, .device_name = "Headset N"}, &net, &err) == STOA_OK);
    stoa_net_info info = {0};
    for (int i = 0; i < 100 && !info.connected; i++, test_sleep_ms(50))
        stoa_net_get_info(net, &info);
    CHECK(info.connected);
    stoa_net_send_status(net, &(stoa_net_status){.phase = "lobby"});
    test_sleep_ms(400);
    char path[128];
    snprintf(path, sizeof path, "/api/view?device=%lld&from=panel", (long long)info.device_id);
    CHECK(get(path, &out, NULL, 0) == 204);
    free(out);
    stoa_net_view_want want = {0};
    for (int i = 0; i < 100 && !want.on; i++, test_sleep_ms(50))
        stoa_net_get_view_want(net, &want);
    CHECK(want.on && want.width == 256 && want.fps == 2.0);
    uint32_t w = 256, h = 192;
    uint8_t *px = malloc((size_t)w * h * 4);
    for (uint32_t y = 0; y < h; y++)
        for (uint32_t x = 0; x < w; x++) {
            uint8_t *p = px + ((size_t)y * w + x) * 4;
            p[0] = (uint8_t)x, p[1] = (uint8_t)y, p[2] = 200, p[3] = 255;
        }
    CHECK(stoa_net_send_view(net, px, w, h, &(stoa_net_view_meta){.drawn_unix_ms = 1234, .recorded_unix_ms = 1250,
                                                                  .ready_unix_ms = 1300, .has_gaze = true,
                                                                  .gaze = {0.5f, 0.5f}, .bgra = true}));
    CHECK(!stoa_net_send_view(net, px, 4096, 4096, NULL)); // too big: refused
    free(px);
    int status = 0;
    for (int i = 0; i < 60 && status != 200; i++, test_sleep_ms(50)) {
        headers[0] = 0;
        status = get(path, &out, headers, sizeof headers);
        free(out);
    }
    CHECK(status == 200 && strstr(headers, "X-Stoa-Size: 256x192") && strstr(headers, "X-Stoa-Drawn: 1234"));
    CHECK(strstr(headers, "X-Stoa-Stages: 1250,1300,") != NULL); // the encode's and the hub's times follow
    uint64_t sent = 0, bytes = 0;
    stoa_net_view_counts(net, &sent, &bytes);
    CHECK(sent == 1 && bytes > 300);
    CHECK(post("/api/views", "{\"enabled\":false}") == 200);
    for (int i = 0; i < 100 && want.on; i++, test_sleep_ms(50))
        stoa_net_get_view_want(net, &want);
    CHECK(!want.on);
    CHECK(post("/api/views", "{\"enabled\":true}") == 200);
    stoa_net_destroy(&net, 500);
}

// One hub, the steps in order (each leaves the state the next starts from).
STOA_TEST(live_views)
{
    setup();
    views_follow_the_panel();
    large_view_and_budget();
    views_off_stop_and_keep_nothing();
    hands_and_attention_in_the_state();
    headset_library();
    close(A.fd), close(B.fd);
    stoa_hub_destroy(&g_hub);
}

STOA_TEST_MAIN()
