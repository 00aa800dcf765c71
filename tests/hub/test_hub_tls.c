// SPDX-License-Identifier: Apache-2.0
// The hub with a certificate serves HTTPS/WSS; a headset that is given the
// hub's certificate connects and streams, one given another certificate
// refuses the hub. Certificates are made with the openssl command (skipped
// when there is none).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "hub_test_util.h"
#include "net/stoa_net.h"
#include "stoa_test.h"

static bool make_cert(const char *dir, const char *name)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd,
             "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 "
             "-addext subjectAltName=IP:127.0.0.1 -keyout %s/%s.key -out %s/%s.crt >/dev/null 2>&1 && "
             "cat %s/%s.crt %s/%s.key > %s/%s.pem",
             dir, name, dir, name, dir, name, dir, name, dir, name);
    return system(cmd) == 0;
}

static bool connected_within(stoa_net *net, int ms)
{
    for (int t = 0; t < ms; t += 50) {
        stoa_net_info info;
        stoa_net_get_info(net, &info);
        if (info.connected)
            return true;
        test_sleep_ms(50);
    }
    return false;
}

STOA_TEST(tls_hub_and_headset)
{
    if (system("openssl version >/dev/null 2>&1") != 0) {
        printf("skipped: no openssl command to make certificates\n");
        exit(77); // ctest's SKIP_RETURN_CODE: reported as skipped, never as passed
    }
    char dir[256], pem[300], crt[300], other[300], token[300], url[64], listen[64];
    test_temp_dir(dir);
    CHECK(make_cert(dir, "hub") && make_cert(dir, "other"));
    snprintf(pem, sizeof pem, "%s/hub.pem", dir);
    snprintf(crt, sizeof crt, "%s/hub.crt", dir);
    snprintf(other, sizeof other, "%s/other.crt", dir);
    int port = test_free_port();
    snprintf(listen, sizeof listen, "127.0.0.1:%d", port);
    stoa_hub *hub = NULL;
    stoa_error err = {0};
    CHECK(stoa_hub_create(&(stoa_hub_desc){.listen = listen, .data_dir = dir, .cert_file = pem,
                                          .password = TEST_PASSWORD}, &hub, &err) == STOA_OK);
    if (!hub) {
        fprintf(stderr, "%s\n", err.message);
        return;
    }
    CHECK(strncmp(stoa_hub_url(hub), "https://", 8) == 0);
    snprintf(url, sizeof url, "https://127.0.0.1:%d", port);
    snprintf(token, sizeof token, "%s/token", dir);
    stoa_net *net = NULL;
    CHECK(stoa_net_create(&(stoa_net_desc){.hub_url = url, .join_code = stoa_hub_join_code(hub),
                                           .token_path = token, .hub_cert = crt}, &net, &err) == STOA_OK);
    CHECK(connected_within(net, 20000));
    char id[37];
    test_uuid(id);
    char *st = test_statement(id, NULL, 1);
    CHECK(stoa_net_send_statement(net, st));
    free(st);
    CHECK(stoa_net_flush(net, 20000) == STOA_OK);
    stoa_net_destroy(&net, 0);
    // A hub that does not show the expected certificate is not joined.
    snprintf(token, sizeof token, "%s/token2", dir);
    CHECK(stoa_net_create(&(stoa_net_desc){.hub_url = url, .join_code = stoa_hub_join_code(hub),
                                           .token_path = token, .hub_cert = other}, &net, &err) == STOA_OK);
    CHECK(!connected_within(net, 3000));
    stoa_net_destroy(&net, 0);
    // Plain HTTP to the TLS port gets nowhere.
    char *out = NULL;
    CHECK(test_http(port, "GET", "/api/session", NULL, NULL, 0, &out, NULL, 0) != 200);
    free(out);
    stoa_hub_destroy(&hub);
}

// Is this statement in that hub's database (read-only, beside the running hub)?
static bool stored_in(const char *data_dir, const char *id)
{
    char path[400];
    snprintf(path, sizeof path, "%s/hub.sqlite", data_dir);
    sqlite3 *db = NULL;
    bool found = false;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK) {
        sqlite3_stmt *st = NULL;
        if (sqlite3_prepare_v2(db, "SELECT 1 FROM statements WHERE id=?1", -1, &st, NULL) == SQLITE_OK) {
            sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
            found = sqlite3_step(st) == SQLITE_ROW;
        }
        sqlite3_finalize(st);
    }
    sqlite3_close(db);
    return found;
}

// A classroom hub forwarding to `url`, trusting ca (NULL = the system's CAs):
// posts one statement and says whether the LRS got it within ms.
static bool forwarded(const char *url, const char *auth, const char *ca, const char *lrs_dir, int ms)
{
    char dir[256], listen[64], id[37], headers[300], *out = NULL;
    test_temp_dir(dir);
    int port = test_free_port();
    snprintf(listen, sizeof listen, "127.0.0.1:%d", port);
    stoa_hub *hub = NULL;
    stoa_error err = {0};
    CHECK(stoa_hub_create(&(stoa_hub_desc){.listen = listen, .data_dir = dir, .password = TEST_PASSWORD,
                                          .forward_url = url, .forward_auth = auth, .forward_ca = ca},
                          &hub, &err) == STOA_OK);
    if (!hub)
        return false;
    test_xapi_auth(hub, NULL, headers, sizeof headers);
    test_uuid(id);
    char *st = test_statement(id, NULL, 1);
    CHECK(test_http(port, "POST", "/xapi/statements", headers, st, strlen(st), &out, NULL, 0) == 200);
    free(out);
    free(st);
    bool got = false;
    for (int t = 0; t < ms && !got; t += 100) {
        got = stored_in(lrs_dir, id);
        if (!got)
            test_sleep_ms(100);
    }
    stoa_hub_destroy(&hub);
    return got;
}

// The forwarder verifies the LRS's certificate before it sends credentials:
// with the school's CA it forwards; with another CA, or the system's CAs
// for a self-signed LRS, it does not.
STOA_TEST(lrs_certificate_is_verified)
{
    if (system("openssl version >/dev/null 2>&1") != 0) {
        printf("skipped: no openssl command to make certificates\n");
        exit(77);
    }
    char dir[256], pem[300], crt[300], other[300], listen[64], url[128], auth[80];
    test_temp_dir(dir);
    CHECK(make_cert(dir, "lrs") && make_cert(dir, "other"));
    snprintf(pem, sizeof pem, "%s/lrs.pem", dir);
    snprintf(crt, sizeof crt, "%s/lrs.crt", dir);
    snprintf(other, sizeof other, "%s/other.crt", dir);
    int port = test_free_port();
    snprintf(listen, sizeof listen, "127.0.0.1:%d", port);
    stoa_hub *lrs = NULL;
    stoa_error err = {0};
    CHECK(stoa_hub_create(&(stoa_hub_desc){.listen = listen, .data_dir = dir, .cert_file = pem,
                                          .password = TEST_PASSWORD}, &lrs, &err) == STOA_OK);
    if (!lrs)
        return;
    snprintf(url, sizeof url, "https://127.0.0.1:%d/xapi/", port);
    snprintf(auth, sizeof auth, "xapi:%s", test_xapi_key(lrs));
    CHECK(forwarded(url, auth, crt, dir, 10000));
    CHECK(!forwarded(url, auth, other, dir, 2500));
    CHECK(!forwarded(url, auth, NULL, dir, 2500));
    stoa_hub_destroy(&lrs);
}

STOA_TEST_MAIN()
