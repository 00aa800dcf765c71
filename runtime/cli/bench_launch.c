// SPDX-License-Identifier: Apache-2.0
// `stoa bench launch [--repeat N] [LESSON|SCENE]`: time from process start to
// the first frame submitted with tracked views, of `stoa run --sim` (the
// line "launch: first tracked frame submitted N ms" it logs: run_launch.c),
// cold (the baked scene cache emptied before each run) and warm (the cache
// file there). Eyes are 1832x1920 unless STOA_XRSIM_EYE_SIZE says otherwise.
// Each run gets its own fresh cache folder for the cold case; medians.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/stoa_clock.h"
#include "stoa_cli.h"

#define MAX_RUNS 51
#define LINE_MAX_LEN 4096
#define RUN_LIMIT_S 120 // a run's launch line comes by then (it stops itself at 60 s)

// Whether dir holds a finished cache file (not a writer's temporary one).
static bool has_cache_file(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    bool found = false;
    while (d && !found && (e = readdir(d))) {
        size_t n = strlen(e->d_name);
        found = n > 9 && strcmp(e->d_name + n - 9, ".stoabake") == 0;
    }
    if (d)
        closedir(d);
    return found;
}

static void empty_cache(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        char p[PATH_MAX + 300];
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        if (e->d_name[0] != '.')
            unlink(p);
    }
    if (d)
        closedir(d);
}

// One `stoa run --sim PATH`: the logged launch time in ms, or -1. The run is
// asked to stop (SIGTERM, as Ctrl-C) once the line is seen and its cache
// file is written, so that the warm runs find it.
static double one_run(const char *exe, const char *path, const char *cache, const char *traces,
                      char *cache_state, size_t state_size)
{
    snprintf(cache_state, state_size, "?"); // a run that never logs its launch line
    int fds[2];
    if (pipe(fds) != 0)
        return -1;
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    if (pid == 0) {
        dup2(fds[1], 2);
        int null = open("/dev/null", O_WRONLY);
        if (null >= 0)
            dup2(null, 1);
        close(fds[0]);
        close(fds[1]);
        setenv("STOA_SCENE_CACHE", cache, 1);
        setenv("STOA_XRSIM_EYE_SIZE", getenv("STOA_XRSIM_EYE_SIZE") ? getenv("STOA_XRSIM_EYE_SIZE") : "1832x1920", 1);
        execl(exe, exe, "run", "--sim", "--max-seconds", "60", "--traces", traces, path,
              (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    // The run's stderr, read as it comes; once the launch line is seen, the
    // run goes on until its cache file is there (its background work starts
    // after the first frame: a run stopped at once would leave none, and
    // the warm runs would be cold), at most 30 s more, then it is stopped.
    // A run that is stuck (no launch line within RUN_LIMIT_S, its own
    // --max-seconds notwithstanding, or still there 30 s after SIGTERM) is
    // killed, so that the bench always ends.
    char buf[LINE_MAX_LEN * 2];
    size_t have = 0;
    double ms = -1, start = stoa_time_seconds(), seen = 0, stopped = 0; // stopped: SIGTERM's time
    bool killed = false;
    for (;;) {
        struct pollfd pfd = {.fd = fds[0], .events = POLLIN};
        int pr = poll(&pfd, 1, 50);
        if (pr > 0) {
            ssize_t n = read(fds[0], buf + have, sizeof buf - 1 - have);
            if (n <= 0)
                break; // the run ended
            have += (size_t)n;
            buf[have] = 0;
            char *nl;
            while ((nl = memchr(buf, '\n', have)) || have == sizeof buf - 1) {
                size_t len = nl ? (size_t)(nl - buf) + 1 : have;
                char line[LINE_MAX_LEN * 2];
                memcpy(line, buf, len);
                line[len] = 0;
                memmove(buf, buf + len, have - len);
                have -= len;
                const char *at = strstr(line, "launch: first tracked frame submitted ");
                if (at && ms < 0) {
                    ms = atof(at + strlen("launch: first tracked frame submitted "));
                    const char *c = strstr(at, "scene cache: ");
                    snprintf(cache_state, state_size, "%.*s",
                             c ? (int)strcspn(c + 13, ")\n") : 1, c ? c + 13 : "?");
                    seen = stoa_time_seconds();
                }
            }
        } else if (pr < 0 && errno != EINTR) {
            kill(pid, SIGKILL); // cannot read it any more: it must not be waited for unbounded
            break;
        }
        double now = stoa_time_seconds();
        if (!stopped && ((ms >= 0 && (has_cache_file(cache) || now - seen > 30)) ||
                         now - start > RUN_LIMIT_S)) {
            kill(pid, SIGTERM);
            stopped = now;
        } else if (stopped && !killed && now - stopped > 30) {
            kill(pid, SIGKILL);
            killed = true;
        }
    }
    close(fds[0]);
    int status;
    waitpid(pid, &status, 0);
    return ms;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int stoa_bench_launch(int argc, char **argv)
{
    int repeat = 3;
    const char *path = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--repeat") && i + 1 < argc)
            repeat = atoi(argv[++i]);
        else if (argv[i][0] != '-' && !path)
            path = argv[i];
        else {
            fprintf(stderr, "usage: stoa bench launch [--repeat N] [LESSON|SCENE]\n");
            return 2;
        }
    }
    if (repeat < 1 || repeat > MAX_RUNS) {
        fprintf(stderr, "stoa bench launch: --repeat wants 1..%d\n", MAX_RUNS);
        return 2;
    }
    char lesson[PATH_MAX], exe[PATH_MAX + 8], cache[PATH_MAX], traces[PATH_MAX + 16];
    if (!path) {
        if (!stoa_cli_data_path("scenes/agora/lessons/stoa-poikile.yaml", lesson, sizeof lesson)) {
            snprintf(lesson, sizeof lesson, "%s/../scenes/agora/lessons/stoa-poikile.yaml",
                     stoa_cli_exe_dir());
            if (access(lesson, R_OK) != 0) {
                fprintf(stderr, "stoa bench launch: no sample lesson found: name one\n");
                return 2;
            }
        }
        path = lesson;
    }
    snprintf(exe, sizeof exe, "%s/stoa", stoa_cli_exe_dir());
    snprintf(cache, sizeof cache, "%s/stoa-launch-cache-XXXXXX",
             getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(cache)) {
        fprintf(stderr, "stoa bench launch: cannot make %s\n", cache);
        return 1;
    }
    snprintf(traces, sizeof traces, "%s.traces", cache); // the runs' learner traces, removed
    mkdir(traces, 0700);
    double cold[MAX_RUNS], warm[MAX_RUNS];
    char state[32];
    int rc = 0;
    printf("launch of `stoa run --sim %s` (eyes %s): ms from process start to the first frame "
           "submitted with tracked views\n",
           path, getenv("STOA_XRSIM_EYE_SIZE") ? getenv("STOA_XRSIM_EYE_SIZE") : "1832x1920");
    for (int i = 0; i < repeat && rc == 0; i++) {
        empty_cache(cache);
        cold[i] = one_run(exe, path, cache, traces, state, sizeof state);
        printf("  cold %d: %.1f ms (scene cache: %s)\n", i + 1, cold[i], state);
        rc = cold[i] < 0;
    }
    for (int i = 0; i < repeat && rc == 0; i++) {
        warm[i] = one_run(exe, path, cache, traces, state, sizeof state);
        printf("  warm %d: %.1f ms (scene cache: %s)\n", i + 1, warm[i], state);
        rc = warm[i] < 0 || strcmp(state, "hit") != 0;
    }
    empty_cache(cache);
    rmdir(cache);
    empty_cache(traces);
    rmdir(traces);
    if (rc) {
        fprintf(stderr, "stoa bench launch: a run logged no launch time (or missed the cache)\n");
        return 1;
    }
    qsort(cold, (size_t)repeat, sizeof *cold, cmp);
    qsort(warm, (size_t)repeat, sizeof *warm, cmp);
    double la[1] = {0};
    getloadavg(la, 1);
    printf("median: cold %.1f ms, warm %.1f ms (load average %.2f)\n", cold[repeat / 2],
           warm[repeat / 2], la[0]);
    return 0;
}
