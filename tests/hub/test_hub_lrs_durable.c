// SPDX-License-Identifier: Apache-2.0
// Storing with the WAL checkpoint in its own thread (hub_db_ckpt.c,
// docs/lrs.md "Benchmark"): the thread copies the WAL back while requests
// go on, what it copies is what was stored, and a statement the hub
// acknowledged is still there after the hub is killed mid-way (SIGKILL,
// no shutdown), each once.
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <sqlite3.h>

#include "hub_internal.h"
#include "hub_test_util.h"
#include "stoa_test.h"

#define BATCH 50

// A batch of BATCH statements; their ids into ids (BATCH * 37 bytes).
static char *batch(int first, char *ids)
{
    size_t cap = BATCH * 800 + 4, n = 0;
    char *body = malloc(cap);
    body[n++] = '[';
    for (int i = 0; i < BATCH; i++) {
        char *id = ids + i * 37;
        test_uuid(id);
        n += (size_t)snprintf(body + n, cap - n,
                              "%s{\"id\":\"%s\",\"actor\":{\"mbox\":\"mailto:l%d@example.org\"},"
                              "\"verb\":{\"id\":\"http://example.org/v%d\"},"
                              "\"object\":{\"id\":\"http://example.org/a%d\"}}",
                              i ? "," : "", id, (first + i) % 7, (first + i) % 3, first + i);
    }
    body[n++] = ']';
    body[n] = 0;
    return body;
}

static int post(int port, const char *auth, const char *body)
{
    char *out = NULL;
    int s = test_http(port, "POST", "/xapi/statements", auth, body, strlen(body), &out, NULL, 0);
    free(out);
    return s;
}

static long long count(const char *dir, const char *sql)
{
    char path[400];
    snprintf(path, sizeof path, "%s/hub.sqlite", dir);
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    long long n = -1;
    if (sqlite3_open(path, &db) == SQLITE_OK && sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

STOA_TEST(checkpoints_run_beside_the_requests)
{
    char dir[256], auth[400], ids[BATCH * 37];
    int port = 0;
    test_temp_dir(dir);
    stoa_hub *hub = test_hub_start(dir, &port);
    CHECK(hub != NULL);
    if (!hub)
        return;
    test_xapi_auth(hub, NULL, auth, sizeof auth);
    CHECK(hub_db_ckpt_runs(hub, 16) == 0); // a small WAL threshold: every few batches
    for (int b = 0; b < 40; b++) {
        char *body = batch(b * BATCH, ids);
        CHECK(post(port, auth, body) == 200);
        free(body);
    }
    int64_t runs = 0;
    for (int i = 0; i < 600 && (runs = hub_db_ckpt_runs(hub, 0)) == 0; i++)
        test_sleep_ms(50);
    CHECK_MSG(runs > 0, "the checkpoint thread copied the WAL back (%lld times)", (long long)runs);
    // The last batch reads back, by id and by a filter.
    char path[200], *out = NULL;
    snprintf(path, sizeof path, "/xapi/statements?statementId=%s", ids + (BATCH - 1) * 37);
    CHECK(test_http(port, "GET", path, auth, NULL, 0, &out, NULL, 0) == 200);
    CHECK(out && strstr(out, ids + (BATCH - 1) * 37));
    free(out), out = NULL;
    CHECK(test_http(port, "GET", "/xapi/statements?limit=500&verb=http%3A%2F%2Fexample.org%2Fv1"
                                       "&agent=%7B%22mbox%22%3A%22mailto%3Al1%40example.org%22%7D", auth, NULL, 0,
                    &out, NULL, 0) == 200);
    cJSON *j = out ? cJSON_Parse(out) : NULL;
    int v1 = 0;
    for (int i = 0; i < 40 * BATCH; i++)
        v1 += i % 3 == 1 && i % 7 == 1;
    CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(j, "statements")) == v1);
    cJSON_Delete(j);
    free(out);
    stoa_hub_destroy(&hub);
    CHECK(count(dir, "SELECT count(*) FROM statements") == 40 * BATCH);
    CHECK(count(dir, "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check <> 'ok'") == 0);
}

// The child stores batches and tells the parent each acknowledged id; it
// is killed right after an acknowledgement, its checkpoint thread maybe
// half-way through copying the WAL back.
static void child(const char *dir, int fd, int batches)
{
    char auth[400], ids[BATCH * 37];
    int port = 0;
    stoa_hub *hub = test_hub_start(dir, &port);
    if (!hub)
        _exit(2);
    test_xapi_auth(hub, NULL, auth, sizeof auth);
    hub_db_ckpt_runs(hub, 16);
    for (int b = 0; b < batches; b++) {
        char *body = batch(b * BATCH, ids);
        if (post(port, auth, body) != 200)
            _exit(3);
        free(body);
        if (write(fd, ids, sizeof ids) != (ssize_t)sizeof ids)
            _exit(4);
    }
    kill(getpid(), SIGKILL);
    _exit(5);
}

STOA_TEST(acknowledged_statements_survive_a_kill)
{
    char dir[256];
    test_temp_dir(dir);
    int fds[2];
    CHECK(pipe(fds) == 0);
    const int batches = 30;
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        child(dir, fds[1], batches);
    }
    close(fds[1]);
    char *acked = calloc((size_t)batches * BATCH, 37);
    size_t got = 0, want = (size_t)batches * BATCH * 37;
    ssize_t r;
    while (got < want && (r = read(fds[0], acked + got, want - got)) > 0)
        got += (size_t)r;
    close(fds[0]);
    int status = 0;
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK_MSG(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "the hub was killed (status %d)", status);
    CHECK(got == want);
    // Every acknowledged statement is there, once, and the store is whole.
    CHECK(count(dir, "SELECT count(*) FROM statements") == batches * BATCH);
    CHECK(count(dir, "SELECT count(DISTINCT id) FROM statements") == batches * BATCH);
    CHECK(count(dir, "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check <> 'ok'") == 0);
    int port = 0;
    char auth[400];
    stoa_hub *hub = test_hub_start(dir, &port);
    CHECK(hub != NULL);
    if (hub) {
        test_xapi_auth(hub, NULL, auth, sizeof auth);
        for (int i = 0; i < batches * BATCH; i += 37) { // a sample, by id
            char path[200], *out = NULL;
            snprintf(path, sizeof path, "/xapi/statements?statementId=%s", acked + (size_t)i * 37);
            CHECK_MSG(test_http(port, "GET", path, auth, NULL, 0, &out, NULL, 0) == 200, "%s", path);
            free(out);
        }
        stoa_hub_destroy(&hub);
    }
    free(acked);
}

STOA_TEST_MAIN()
