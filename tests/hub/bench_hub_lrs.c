// SPDX-License-Identifier: Apache-2.0
// The LRS benchmark (docs/lrs.md; not a ctest, not in CI): statements/s
// stored over HTTP one at a time and in batches of 100, then query latency
// by agent and by verb once the store holds STOA_BENCH_N statements
// (default 1,000,000), and the database's size.
//
//   STOA_BENCH_N=1000000 build/tests/hub/bench_hub_lrs
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#include <sqlite3.h>

#include "hub_internal.h"
#include "hub_test_util.h"

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static double cpu_s(void)
{
    struct rusage r;
    getrusage(RUSAGE_SELF, &r);
    return (double)(r.ru_utime.tv_sec + r.ru_stime.tv_sec) + (double)(r.ru_utime.tv_usec + r.ru_stime.tv_usec) / 1e6;
}

static int g_port;
static stoa_hub *g_hub;

// The CPU time of the last post_batches() per statement: the whole process
// (client, hub, checkpoint thread) and the checkpoint thread's part. On a
// shared machine the rate follows the load; these follow the work.
static double g_cpu_us, g_ckpt_us;
static char g_auth[300];

static size_t statement(char *out, size_t cap, long n)
{
    char id[37];
    test_uuid(id);
    return (size_t)snprintf(out, cap,
        "{\"id\":\"%s\",\"actor\":{\"mbox\":\"mailto:learner-%ld@example.org\"},"
        "\"verb\":{\"id\":\"http://example.org/verbs/v%ld\",\"display\":{\"en\":\"did\"}},"
        "\"object\":{\"id\":\"http://example.org/activities/a%ld\"},"
        "\"context\":{\"contextActivities\":{\"parent\":[{\"id\":\"http://example.org/course\"}]}},"
        "\"result\":{\"success\":true,\"score\":{\"scaled\":0.5}},\"timestamp\":\"2026-01-01T00:00:00Z\"}", id, n % 1000, n % 20, n % 5000);
}

static double post_batches(long count, int batch)
{
    size_t cap = (size_t)batch * 600 + 16;
    char *body = malloc(cap), *out = NULL;
    double t0 = now_s(), c0 = cpu_s(), k0 = hub_db_ckpt_cpu(g_hub);
    for (long done = 0; done < count; done += batch) {
        size_t n = 0;
        if (batch > 1)
            body[n++] = '[';
        for (int i = 0; i < batch; i++) {
            if (i)
                body[n++] = ',';
            n += statement(body + n, cap - n, done + i);
        }
        if (batch > 1)
            body[n++] = ']';
        int s = test_http(g_port, "POST", "/xapi/statements", g_auth, body, n, &out, NULL, 0);
        free(out);
        if (s != 200) {
            fprintf(stderr, "POST answered %d\n", s);
            exit(1);
        }
    }
    free(body);
    double dt = now_s() - t0;
    g_cpu_us = (cpu_s() - c0) / (double)count * 1e6;
    g_ckpt_us = (hub_db_ckpt_cpu(g_hub) - k0) / (double)count * 1e6;
    return (double)count / dt;
}

static void query(const char *label, const char *path)
{
    char *out = NULL;
    double best = 1e9, sum = 0;
    for (int i = 0; i < 20; i++) {
        double t0 = now_s();
        int s = test_http(g_port, "GET", path, g_auth, NULL, 0, &out, NULL, 0);
        double dt = now_s() - t0;
        free(out);
        if (s != 200) {
            fprintf(stderr, "%s answered %d\n", path, s);
            exit(1);
        }
        best = dt < best ? dt : best;
        sum += dt;
    }
    printf("query %-28s mean %.1f ms, best %.1f ms (20 runs)\n", label, sum / 20 * 1e3, best * 1e3);
}

int main(void)
{
    long total = getenv("STOA_BENCH_N") ? atol(getenv("STOA_BENCH_N")) : 1000000;
    // STOA_BENCH_FIRST: the statements of the "first" batched phase (100,000).
    long first = getenv("STOA_BENCH_FIRST") ? atol(getenv("STOA_BENCH_FIRST")) / 100 * 100 : 100000;
    char dir[256];
    test_temp_dir(dir);
    stoa_hub *hub = test_hub_start(dir, &g_port);
    if (!hub)
        return 1;
    g_hub = hub;
    test_xapi_auth(hub, NULL, g_auth, sizeof g_auth);
    setvbuf(stdout, NULL, _IOLBF, 0);
    printf("single statements: %.0f statements/s (2000 POSTs)\n", post_batches(2000, 1));
    double rate = post_batches(first, 100);
    printf("batches of 100:    %.0f statements/s (first %ld; cpu %.0f us a statement, checkpoint thread %.0f)\n", rate,
           first, g_cpu_us, g_ckpt_us);
    // The rest in steps of 100,000, each rate printed: how storing slows as the store grows.
    double t0 = now_s();
    long done = 2000 + first;
    while (done + 100 <= total) {
        long step = total - done < 100000 ? (total - done) / 100 * 100 : 100000;
        rate = post_batches(step, 100);
        done += step;
        printf("  batches of 100 up to %ld: %.0f statements/s (cpu %.0f us a statement, checkpoint thread %.0f)\n",
               done, rate, g_cpu_us, g_ckpt_us);
    }
    printf("filled to %ld statements in %.0f s\n", total, now_s() - t0);
    query("by agent (limit 100)", "/xapi/statements?limit=100&agent=%7B%22mbox%22%3A%22mailto%3Alearner-7%40example.org%22%7D");
    query("by verb (limit 100)", "/xapi/statements?limit=100&verb=http%3A%2F%2Fexample.org%2Fverbs%2Fv3");
    query("by agent+verb (limit 100)", "/xapi/statements?limit=100&verb=http%3A%2F%2Fexample.org%2Fverbs%2Fv7"
                                       "&agent=%7B%22mbox%22%3A%22mailto%3Alearner-7%40example.org%22%7D");
    query("by activity (limit 100)", "/xapi/statements?limit=100&activity=http%3A%2F%2Fexample.org%2Factivities%2Fa42");
    char path[400];
    struct stat sb;
    long long bytes = 0;
    const char *parts[] = {"hub.sqlite", "hub.sqlite-wal"};
    for (int i = 0; i < 2; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, parts[i]);
        if (stat(path, &sb) == 0)
            bytes += sb.st_size;
    }
    printf("database: %.1f MiB (%s)\n", (double)bytes / 1048576.0, dir);
    stoa_hub_destroy(&hub);
    // A hub upgraded with this store: nothing folded for Activities/Agents
    // yet. The first requests must not wait for the whole fold (the
    // housekeeping thread does it in the background).
    sqlite3 *db = NULL;
    snprintf(path, sizeof path, "%s/hub.sqlite", dir);
    if (sqlite3_open(path, &db) != SQLITE_OK ||
        sqlite3_exec(db, "DELETE FROM settings WHERE key='lrs_fold_seq'; DELETE FROM lrs_activities;"
                         "DELETE FROM lrs_agent_names;", NULL, NULL, NULL) != SQLITE_OK) {
        fprintf(stderr, "cannot reset the fold: %s\n", sqlite3_errmsg(db));
        return 1;
    }
    hub = test_hub_start(dir, &g_port);
    g_hub = hub;
    if (!hub)
        return 1;
    t0 = now_s();
    test_xapi_auth(hub, NULL, g_auth, sizeof g_auth);
    char *out = NULL;
    int s = test_http(g_port, "GET", "/xapi/activities?activityId=http%3A%2F%2Fexample.org%2Factivities%2Fa42", g_auth,
                      NULL, 0, &out, NULL, 0);
    printf("after an upgrade: first Activities GET %d in %.0f ms\n", s, (now_s() - t0) * 1e3);
    free(out);
    double t1 = now_s();
    s = test_http(g_port, "GET", "/xapi/agents?agent=%7B%22mbox%22%3A%22mailto%3Alearner-7%40example.org%22%7D",
                  g_auth, NULL, 0, &out, NULL, 0);
    printf("after an upgrade: first Agents GET %d in %.0f ms\n", s, (now_s() - t1) * 1e3);
    free(out);
    for (;;) { // the background's catch-up, read beside the hub (WAL readers do not block it)
        sqlite3_stmt *st = NULL;
        long long folded = 0, last = -1;
        if (sqlite3_prepare_v2(db, "SELECT (SELECT CAST(value AS INTEGER) FROM settings WHERE key='lrs_fold_seq'),"
                                   " (SELECT max(seq) FROM statements)", -1, &st, NULL) == SQLITE_OK &&
            sqlite3_step(st) == SQLITE_ROW) {
            folded = sqlite3_column_int64(st, 0);
            last = sqlite3_column_int64(st, 1);
        }
        sqlite3_finalize(st);
        if (folded >= last)
            break;
        test_sleep_ms(200);
    }
    printf("after an upgrade: folded in the background in %.1f s\n", now_s() - t0);
    sqlite3_close(db);
    stoa_hub_destroy(&hub);
    return 0;
}
