// SPDX-License-Identifier: Apache-2.0
// Which headsets a command goes to ("Sent to N", hub_api.c). On a loaded
// machine a real headset's frames, and with them its status reports, stop
// for tens of seconds (a scene loading at a few per cent of a core), while
// its network thread still pings every 5 s: test_hub_panel_browser_sim
// failed with "No headset is online to receive it" and three headsets
// online. A headset is a target while it sends anything; one that sends
// nothing at all (an older headset flushing its log) is not, nor is one
// that said "leaving". The hub's silence bound is 3 s here (10 s in use).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "hub_test_util.h"
#include "stoa_test.h"

#define SILENT_MS 3000

static stoa_hub *g_hub;
static int g_port;
static char g_headers[400];

static int launch_all(void)
{
    const char *body = "{\"cmd\":\"launch\",\"lesson\":\"stoa-poikile.yaml\"}";
    char *out = NULL;
    CHECK(test_http(g_port, "POST", "/api/command", g_headers, body, strlen(body), &out, NULL, 0) == 200);
    cJSON *j = cJSON_Parse(out ? out : "");
    int sent = cJSON_IsNumber(cJSON_GetObjectItem(j, "sent")) ? (int)cJSON_GetNumberValue(cJSON_GetObjectItem(j, "sent")) : -1;
    cJSON_Delete(j);
    free(out);
    return sent;
}

static void status(int fd, const char *phase)
{
    char msg[200];
    snprintf(msg, sizeof msg, "{\"t\":\"status\",\"phase\":\"%s\",\"progress\":0}", phase);
    test_ws_send_text(fd, msg);
}

STOA_TEST(a_headset_whose_frames_stop_but_that_pings_is_still_a_target)
{
    char dir[256], token[65];
    test_temp_dir(dir);
    g_hub = test_hub_start_desc(&(stoa_hub_desc){.silent_ms = SILENT_MS}, dir, &g_port);
    CHECK(g_hub != NULL);
    if (!g_hub)
        return;
    char cookie[128], csrf[65];
    CHECK(test_login(g_port, TEST_PASSWORD, cookie, csrf) == 200);
    snprintf(g_headers, sizeof g_headers, "Cookie: %s\r\nX-CSRF-Token: %s\r\nOrigin: http://127.0.0.1:%d\r\n", cookie,
             csrf, g_port);
    int live = -1, loading = -1, mute = -1;
    CHECK(test_headset_join(g_port, stoa_hub_join_code(g_hub), "Live", token, &live) >= 0);
    CHECK(test_headset_join(g_port, stoa_hub_join_code(g_hub), "Loading", token, &loading) >= 0);
    CHECK(test_headset_join(g_port, stoa_hub_join_code(g_hub), "Mute", token, &mute) >= 0);
    status(live, "lobby"), status(loading, "lobby"), status(mute, "lobby");
    test_sleep_ms(200);
    CHECK_MSG(launch_all() == 3, "three headsets that just reported");
    // One and a half bounds: "Live" reports, "Loading" only pings (its frames
    // stopped), "Mute" sends nothing.
    for (int i = 0; i < 3 * SILENT_MS / 2 / 250; i++) {
        status(live, "lesson");
        test_ws_send_text(loading, "{\"t\":\"ping\"}");
        test_sleep_ms(250);
    }
    CHECK_MSG(launch_all() == 2, "a headset loading a scene (pings, no status) was left out, or a mute one counted");
    // Its frames go on: it reports again, as does the mute one; then "Loading" quits.
    status(loading, "lesson"), status(mute, "lobby");
    test_sleep_ms(200);
    CHECK_MSG(launch_all() == 3, "headsets that report again are targets again");
    status(loading, "leaving");
    test_ws_send_text(loading, "{\"t\":\"ping\"}"); // flushing its log: it still pings
    test_sleep_ms(200);
    CHECK_MSG(launch_all() == 2, "a headset that said it is leaving counted as sent");
    close(live), close(loading), close(mute);
    stoa_hub_destroy(&g_hub);
}

STOA_TEST_MAIN()
