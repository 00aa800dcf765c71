// SPDX-License-Identifier: Apache-2.0
// Statements from a headset (stoa_net) reach the hub exactly once, whatever
// the network does: the connection is cut mid-stream (twice), and the hub
// is killed with SIGKILL and restarted. Each time, the hub ends with every
// statement of the headset's local log, once, and the headset reconnects
// by itself.
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "hub_test_util.h"
#include "net/stoa_net.h"
#include "stoa_test.h"
#include "tcp_proxy.h"

// The ids stored for a registration, via the xAPI resource (all pages).
static cJSON *stored_ids(int port, const char *xapi_key, const char *reg)
{
    char headers[400], path[512];
    test_basic_auth("xapi", xapi_key, TEST_XAPI_VERSION, headers, sizeof headers);
    snprintf(path, sizeof path, "/xapi/statements?registration=%s&limit=500&ascending=true", reg);
    cJSON *ids = cJSON_CreateArray();
    for (int page = 0; page < 100 && path[0]; page++) {
        char *out = NULL;
        if (test_http(port, "GET", path, headers, NULL, 0, &out, NULL, 0) != 200) {
            free(out);
            break;
        }
        cJSON *j = cJSON_Parse(out);
        free(out);
        const cJSON *st;
        cJSON_ArrayForEach(st, cJSON_GetObjectItem(j, "statements"))
            cJSON_AddItemToArray(ids, cJSON_CreateString(cJSON_GetStringValue(cJSON_GetObjectItem(st, "id"))));
        const char *more = cJSON_GetStringValue(cJSON_GetObjectItem(j, "more"));
        snprintf(path, sizeof path, "%s", more ? more : "");
        cJSON_Delete(j);
    }
    return ids;
}

// Every id of the local log is stored exactly once, and nothing else is.
static void check_exactly_once(const cJSON *stored, char (*local)[37], int n)
{
    CHECK_MSG(cJSON_GetArraySize(stored) == n, "stored %d, local log %d", cJSON_GetArraySize(stored), n);
    int missing = 0, doubled = 0;
    for (int i = 0; i < n; i++) {
        int seen = 0;
        const cJSON *s;
        cJSON_ArrayForEach(s, stored) seen += strcmp(s->valuestring, local[i]) == 0;
        missing += seen == 0;
        doubled += seen > 1;
    }
    CHECK_MSG(missing == 0 && doubled == 0, "missing %d, doubled %d", missing, doubled);
}

static bool wait_connected(stoa_net *net, int timeout_ms)
{
    for (int t = 0; t < timeout_ms; t += 20) {
        stoa_net_info info;
        stoa_net_get_info(net, &info);
        if (info.connected)
            return true;
        test_sleep_ms(20);
    }
    return false;
}

// Sends statement i (also "written" to the local log: the ids array).
static void send_one(stoa_net *net, const char *reg, char (*local)[37], int i)
{
    test_uuid(local[i]);
    char *st = test_statement(local[i], reg, i);
    CHECK(stoa_net_send_statement(net, st));
    free(st);
}

STOA_TEST(cut_network_mid_stream_exactly_once)
{
    char dir[256], token_path[300], hub_url[64], reg[37];
    int hub_port = 0, proxy_port = 0;
    test_temp_dir(dir);
    stoa_hub *hub = test_hub_start(dir, &hub_port);
    tcp_proxy *proxy = tcp_proxy_start(hub_port, &proxy_port);
    CHECK(hub && proxy);
    snprintf(token_path, sizeof token_path, "%s/token", dir);
    snprintf(hub_url, sizeof hub_url, "http://127.0.0.1:%d", proxy_port);
    stoa_net *net = NULL;
    stoa_error err = {0};
    CHECK(stoa_net_create(&(stoa_net_desc){.hub_url = hub_url, .join_code = stoa_hub_join_code(hub),
                                           .token_path = token_path, .device_name = "cut"},
                          &net, &err) == STOA_OK);
    CHECK(net && wait_connected(net, 20000));
    enum { N = 600 };
    static char local[N][37];
    test_uuid(reg);
    for (int i = 0; i < N; i++) {
        send_one(net, reg, local, i);
        if (i % 20 == 0)
            test_sleep_ms(5); // a stream, not one burst
        if (i == 200 || i == 400) {
            // The second cut hits the re-established connection, not the back-off.
            for (int t = 0; i == 400 && t < 1000; t++) {
                stoa_net_info info;
                stoa_net_get_info(net, &info);
                if (info.reconnects >= 1 && info.connected)
                    break;
                test_sleep_ms(20);
            }
            tcp_proxy_cut(proxy); // in flight: statements and acks lost on the wire
        }
    }
    CHECK(stoa_net_flush(net, 60000) == STOA_OK);
    stoa_net_info info;
    stoa_net_get_info(net, &info);
    CHECK_MSG(info.reconnects >= 2, "reconnects %u", info.reconnects);
    CHECK(info.rejected == 0);
    cJSON *stored = stored_ids(hub_port, test_xapi_key(hub), reg);
    check_exactly_once(stored, local, N);
    cJSON_Delete(stored);
    // The token was kept: a second headset process joins without a code.
    stoa_net_destroy(&net, 1000);
    CHECK(stoa_net_create(&(stoa_net_desc){.hub_url = hub_url, .token_path = token_path}, &net, &err) == STOA_OK);
    CHECK(net && wait_connected(net, 20000));
    stoa_net_destroy(&net, 0);
    tcp_proxy_stop(&proxy);
    stoa_hub_destroy(&hub);
}

// A statement larger than a message stays in the local log only: it must
// not make the headset reconnect forever, nor hold back the next ones.
STOA_TEST(oversized_statement_is_not_sent)
{
    char dir[256], token_path[300], hub_url[64], id[37];
    int port = 0;
    test_temp_dir(dir);
    stoa_hub *hub = test_hub_start(dir, &port);
    snprintf(token_path, sizeof token_path, "%s/token", dir);
    snprintf(hub_url, sizeof hub_url, "http://127.0.0.1:%d", port);
    stoa_net *net = NULL;
    stoa_error err = {0};
    CHECK(hub && stoa_net_create(&(stoa_net_desc){.hub_url = hub_url, .join_code = stoa_hub_join_code(hub),
                                                  .token_path = token_path}, &net, &err) == STOA_OK);
    CHECK(net && wait_connected(net, 20000));
    size_t big = 200 * 1024;
    char *huge = malloc(big + 100);
    test_uuid(id);
    int n = snprintf(huge, big + 100, "{\"id\":\"%s\",\"pad\":\"", id);
    memset(huge + n, 'x', big);
    strcpy(huge + n + big, "\"}");
    CHECK(stoa_net_send_statement(net, huge));
    free(huge);
    char reg[37];
    test_uuid(id), test_uuid(reg);
    char *st = test_statement(id, reg, 1); // a headset writes only in registrations of its runs
    CHECK(stoa_net_send_statement(net, st));
    free(st);
    CHECK(stoa_net_flush(net, 20000) == STOA_OK);
    stoa_net_info info;
    stoa_net_get_info(net, &info);
    CHECK(info.rejected == 1 && info.acked == 1 && info.reconnects == 0);
    stoa_net_destroy(&net, 0);
    stoa_hub_destroy(&hub);
}

static pid_t spawn_hub(const char *dir, int port)
{
    char listen[64], lessons[512];
    snprintf(listen, sizeof listen, "127.0.0.1:%d", port);
    snprintf(lessons, sizeof lessons, "%s/scenes/agora/lessons", getenv("STOA_SOURCE_DIR") ? getenv("STOA_SOURCE_DIR") : ".");
    pid_t pid = fork();
    if (pid == 0) {
        if (!freopen("/dev/null", "w", stdout))
            _exit(126);
        execl(HUB_DRIVER, HUB_DRIVER, "--listen", listen, "--data", dir, "--lessons", lessons,
              "--no-browser", (char *)NULL);
        _exit(127);
    }
    for (int t = 0; t < 200; t++) { // up within 20 s
        char *out = NULL;
        int s = test_http(port, "GET", "/api/session", NULL, NULL, 0, &out, NULL, 0);
        free(out);
        if (s == 200)
            break;
        test_sleep_ms(100);
    }
    return pid;
}

STOA_TEST(hub_killed_and_restarted_loses_nothing)
{
    char dir[256], token_path[300], hub_url[64], reg[37], code[8], key[40];
    int port = 0;
    test_temp_dir(dir);
    stoa_hub *hub = test_hub_start(dir, &port); // creates the data: code, key, password
    CHECK(hub != NULL);
    snprintf(code, sizeof code, "%s", stoa_hub_join_code(hub));
    snprintf(key, sizeof key, "%s", test_xapi_key(hub));
    stoa_hub_destroy(&hub);
    pid_t pid = spawn_hub(dir, port);
    snprintf(token_path, sizeof token_path, "%s/token", dir);
    snprintf(hub_url, sizeof hub_url, "http://127.0.0.1:%d", port);
    stoa_net *net = NULL;
    stoa_error err = {0};
    CHECK(stoa_net_create(&(stoa_net_desc){.hub_url = hub_url, .join_code = code,
                                           .token_path = token_path, .device_name = "kill"},
                          &net, &err) == STOA_OK);
    CHECK(net && wait_connected(net, 20000));
    enum { N = 400 };
    static char local[N][37];
    test_uuid(reg);
    for (int i = 0; i < N; i++) {
        send_one(net, reg, local, i);
        if (i % 20 == 0)
            test_sleep_ms(5);
        if (i == 200) {
            kill(pid, SIGKILL);
            waitpid(pid, NULL, 0);
        }
        if (i == 300)
            pid = spawn_hub(dir, port);
    }
    CHECK(stoa_net_flush(net, 60000) == STOA_OK);
    stoa_net_info info;
    stoa_net_get_info(net, &info);
    CHECK(info.reconnects >= 1 && info.connected);
    cJSON *stored = stored_ids(port, key, reg);
    check_exactly_once(stored, local, N);
    cJSON_Delete(stored);
    stoa_net_destroy(&net, 0);
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
}

STOA_TEST_MAIN()
