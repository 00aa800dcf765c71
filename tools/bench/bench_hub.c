// SPDX-License-Identifier: Apache-2.0
// Benchmark of the classroom hub (not a test): HEADSETS simulated headsets
// (stoa_net clients in this process) each send PER_SECOND statements for
// SECONDS to a hub running as its own process (`stoa hub`'s code). Prints
// the latency from headset to stored (send call -> the row's stored time in
// the hub's database: median, p99, max) and the hub's CPU use.
//
//   bench_hub [HEADSETS=30] [PER_SECOND=20] [SECONDS=20]
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "hub_test_util.h"
#include "net/stoa_net.h"

static int64_t wall_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

// utime + stime of a process, in seconds.
static double cpu_seconds(pid_t pid)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    char *p = strrchr(buf, ')'); // fields after the command name
    unsigned long ut = 0, st = 0;
    if (p)
        sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st);
    return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    int heads = argc > 1 ? atoi(argv[1]) : 30, rate = argc > 2 ? atoi(argv[2]) : 20;
    int seconds = argc > 3 ? atoi(argv[3]) : 20;
    if (heads < 1 || heads > 250 || rate < 1 || rate > 1000 || seconds < 1 || seconds > 600) {
        fprintf(stderr, "usage: bench_hub [HEADSETS 1..250] [PER_SECOND] [SECONDS]\n");
        return 2;
    }
    char dir[256], code[8], url[64], db[300];
    int port = 0;
    test_temp_dir(dir);
    stoa_hub *hub = test_hub_start(dir, &port); // makes the data folder, then goes
    if (!hub)
        return 1;
    snprintf(code, sizeof code, "%s", stoa_hub_join_code(hub));
    stoa_hub_destroy(&hub);
    char listen[64];
    snprintf(listen, sizeof listen, "127.0.0.1:%d", port);
    pid_t pid = fork();
    if (pid == 0) {
        if (!freopen("/dev/null", "w", stdout))
            _exit(126);
        execl(HUB_DRIVER, HUB_DRIVER, "--listen", listen, "--data", dir, "--no-browser",
              "--joins-per-minute", "1000", (char *)NULL);
        _exit(127);
    }
    for (int t = 0; t < 200; t++) {
        char *out = NULL;
        int s = test_http(port, "GET", "/api/session", NULL, NULL, 0, &out, NULL, 0);
        free(out);
        if (s == 200)
            break;
        test_sleep_ms(100);
    }
    snprintf(url, sizeof url, "http://127.0.0.1:%d", port);
    stoa_net **nets = calloc((size_t)heads, sizeof *nets);
    for (int i = 0; i < heads; i++) {
        char token[300], name[32];
        snprintf(token, sizeof token, "%s/token%d", dir, i);
        snprintf(name, sizeof name, "bench %d", i);
        stoa_error err = {0};
        if (stoa_net_create(&(stoa_net_desc){.hub_url = url, .join_code = code, .token_path = token,
                                             .device_name = name}, &nets[i], &err) != STOA_OK) {
            fprintf(stderr, "bench_hub: %s\n", err.message);
            return 1;
        }
    }
    for (int t = 0, up = 0; t < 600 && up < heads; t++, test_sleep_ms(100)) {
        up = 0;
        for (int i = 0; i < heads; i++) {
            stoa_net_info info;
            stoa_net_get_info(nets[i], &info);
            up += info.connected;
        }
        if (t == 599 || up == heads)
            fprintf(stderr, "bench_hub: %d of %d headsets connected after %.1f s\n", up, heads, t / 10.0);
    }
    size_t per = (size_t)rate * (size_t)seconds, total = per * (size_t)heads;
    int64_t *sent = calloc(total, sizeof *sent);
    int64_t start = wall_ns(), period = 1000000000LL / rate;
    double cpu0 = cpu_seconds(pid);
    for (size_t k = 0; k < per; k++) { // one statement per headset per period, staggered
        for (int i = 0; i < heads; i++) {
            int64_t due = start + (int64_t)k * period + period * i / heads;
            int64_t now = wall_ns();
            if (due > now)
                test_sleep_ms((int)((due - now) / 1000000));
            char id[37], reg[37], learner[32];
            snprintf(id, sizeof id, "%08x-0000-4000-8000-%012zx", (unsigned)i, k);
            // Each headset writes in its own registration as its own learner (docs/hub.md).
            snprintf(reg, sizeof reg, "%08x-0000-4000-8000-00000000beef", (unsigned)i);
            snprintf(learner, sizeof learner, "bench-learner-%d", i);
            char *st = test_statement_as(id, reg, (int)k, learner);
            sent[(size_t)i * per + k] = wall_ns();
            stoa_net_send_statement(nets[i], st);
            free(st);
        }
    }
    for (int i = 0; i < heads; i++)
        stoa_net_flush(nets[i], 60000);
    double elapsed = (double)(wall_ns() - start) / 1e9, cpu = cpu_seconds(pid) - cpu0;
    for (int i = 0; i < heads; i++)
        stoa_net_destroy(&nets[i], 0);
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);

    snprintf(db, sizeof db, "%s/hub.sqlite", dir);
    sqlite3 *h = NULL;
    sqlite3_stmt *q = NULL;
    int64_t *lat = calloc(total, sizeof *lat);
    size_t n = 0;
    if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(h, "SELECT id, stored_ns FROM statements", -1, &q, NULL) == SQLITE_OK) {
        while (sqlite3_step(q) == SQLITE_ROW && n < total) {
            unsigned i = 0;
            size_t k = 0;
            if (sscanf((const char *)sqlite3_column_text(q, 0), "%8x-0000-4000-8000-%12zx", &i, &k) == 2 &&
                i < (unsigned)heads && k < per)
                lat[n++] = sqlite3_column_int64(q, 1) - sent[(size_t)i * per + k];
        }
    }
    sqlite3_finalize(q);
    sqlite3_close(h);
    qsort(lat, n, sizeof *lat, cmp_i64);
    printf("bench_hub: %d headsets x %d statements/s for %d s on %ld CPU cores\n", heads, rate, seconds,
           sysconf(_SC_NPROCESSORS_ONLN));
    printf("  stored %zu of %zu (%s)\n", n, total, n == total ? "all, once each" : "MISSING");
    if (n) {
        printf("  latency headset -> stored: median %.2f ms, p99 %.2f ms, max %.2f ms\n", lat[n / 2] / 1e6,
               lat[n * 99 / 100] / 1e6, lat[n - 1] / 1e6);
    }
    printf("  hub CPU: %.2f s in %.1f s = %.1f%% of one core (%.0f statements/s)\n", cpu, elapsed,
           100 * cpu / elapsed, total / elapsed);
    free(lat), free(sent), free(nets);
    return n == total ? 0 : 1;
}
