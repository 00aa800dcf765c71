// SPDX-License-Identifier: Apache-2.0
// The report builder (hub_report.c): runtime/trace's report library in a
// process of its own, with bounded memory and time, so that no log, however
// large, can take the hub down with it.
//
// It is a fresh program, not a fork of the hub: posix_spawn runs this very
// executable (/proc/self/exe) again, with only stdin, stdout and stderr
// open, and the constructor below builds the report before anything else
// starts, then _exits. A plain fork() copied the hub's memory as it was at
// that instant, other threads' locks included: when a bake thread held an
// allocator lock (ASan's, in the CI hang), the child waited for it forever,
// the request waited up to REPORT_SECONDS, and the child kept every socket
// and database file of the hub open meanwhile, so connections the hub had
// closed never ended for their clients (docs/hub.md, limits table, "reports").
#define _GNU_SOURCE // posix_spawn_file_actions_addclosefrom_np (glibc 2.34)
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hub_internal.h"
#include "trace/stoa_trace_report.h"

#define REPORT_MEMORY (1ull << 30) // address space of the builder
#define REPORT_SECONDS 120         // wall clock for one build
#define BUILDER_NAME "stoa-hub-report"
#define ENV_LOG "STOA_HUB_REPORT_LOG" // set only in the builder's environment
#define ENV_HTML "STOA_HUB_REPORT_HTML"
#define ENV_LANG "STOA_HUB_REPORT_LANG"

#if defined(__SANITIZE_ADDRESS__)
#define HUB_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HUB_ASAN 1
#endif
#endif

extern char **environ;

static void quiet(void *user, const char *message)
{
    (void)user, (void)message;
}

typedef struct child_job {
    const char *log, *html, *language;
    int status;
} child_job;

static void *build_main(void *arg)
{
    child_job *j = arg;
    const char *paths[1] = {j->log};
    cJSON *report = NULL;
    stoa_error err = {0};
    if (stoa_report_build(paths, 1, &(stoa_report_desc){.on_warning = quiet, .language = j->language}, &report,
                          &err) != STOA_OK)
        j->status = 3;
    else
        j->status = stoa_report_write_html(report, j->html, &err) == STOA_OK ? 0 : 4;
    cJSON_Delete(report);
    return NULL;
}

// Tests: the builder appends "PID: FD FD ...\n" (the descriptors it was
// started with) to the file $STOA_HUB_TEST_BUILDER_NOTE names.
static void note_descriptors(const char *note)
{
    char line[512];
    int n = snprintf(line, sizeof line, "%d:", (int)getpid());
    DIR *d = opendir("/proc/self/fd");
    struct dirent *e;
    while (d && (e = readdir(d)) && n < (int)sizeof line - 16)
        if (e->d_name[0] != '.' && atoi(e->d_name) != dirfd(d))
            n += snprintf(line + n, sizeof line - (size_t)n, " %s", e->d_name);
    if (d)
        closedir(d);
    n += snprintf(line + n, sizeof line - (size_t)n, "\n");
    int fd = open(note, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd >= 0) {
        ssize_t w = write(fd, line, (size_t)n);
        (void)w;
        close(fd);
    }
}

// In the builder, before main: build and write, then _exit (no atexit
// handlers, no tests of a test binary, no leak report). The build runs on a
// thread with a full-size stack (this process has no other thread).
__attribute__((constructor)) static void hub_report_builder(void)
{
    const char *log = getenv(ENV_LOG), *html = getenv(ENV_HTML), *language = getenv(ENV_LANG);
    if (!log || !html || !language)
        return;
    if (getenv("STOA_HUB_TEST_BUILDER_NOTE"))
        note_descriptors(getenv("STOA_HUB_TEST_BUILDER_NOTE"));
#ifndef HUB_ASAN // the sanitizer's shadow memory does not fit an address-space limit
    struct rlimit as = {REPORT_MEMORY, REPORT_MEMORY};
    setrlimit(RLIMIT_AS, &as);
#endif
    struct rlimit cpu = {REPORT_SECONDS, REPORT_SECONDS};
    setrlimit(RLIMIT_CPU, &cpu);
    // Stopped at its CPU limit (SIGXCPU dumps core by default), it leaves no
    // core file of up to REPORT_MEMORY in the hub's folder: that is a limit
    // doing its work, not a crash.
    struct rlimit core = {0, 0};
    setrlimit(RLIMIT_CORE, &core);
    child_job j = {log, html, language, 5};
    pthread_attr_t attr;
    pthread_t t;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 16u << 20);
    if (pthread_create(&t, &attr, build_main, &j) == 0)
        pthread_join(t, NULL);
    else
        build_main(&j);
    _exit(j.status);
}

// The builder's environment: the hub's (sanitizer options, STOA_LOG...) less
// any builder variables it had, plus this build's. Caller frees.
static char **builder_env(const char *log, const char *html, const char *language)
{
    size_t n = 0;
    while (environ && environ[n])
        n++;
    char **env = calloc(n + 4, sizeof *env);
    if (!env)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (strncmp(environ[i], "STOA_HUB_REPORT_", 16) != 0)
            env[k++] = environ[i];
    const char *names[3] = {ENV_LOG, ENV_HTML, ENV_LANG}, *values[3] = {log, html, language};
    for (int i = 0; i < 3; i++) {
        size_t len = strlen(names[i]) + strlen(values[i]) + 2;
        if (!(env[k] = malloc(len))) {
            for (size_t f = k - (size_t)i; f < k; f++)
                free(env[f]);
            free(env);
            return NULL;
        }
        snprintf(env[k++], len, "%s=%s", names[i], values[i]);
    }
    return env;
}

stoa_result hub_report_run_builder(const char *log, const char *html, const char *language, stoa_error *err)
{
    char **env = builder_env(log, html, language);
    if (!env)
        return stoa_error_set(err, STOA_ERROR_OUT_OF_MEMORY, "cannot start the report builder");
    char *argv[] = {BUILDER_NAME, NULL};
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addclosefrom_np(&fa, 3); // none of the hub's sockets or files
    posix_spawnattr_init(&attr);
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&attr, &none); // a worker's mask is not the builder's
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
    pid_t pid = -1;
    int rc = posix_spawn(&pid, "/proc/self/exe", &fa, &attr, argv, env);
    posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&fa);
    size_t n = 0;
    while (env[n])
        n++;
    for (size_t i = n - 3; i < n; i++)
        free(env[i]);
    free(env);
    if (rc != 0)
        return stoa_error_set(err, STOA_ERROR_IO, "cannot start the report builder: %s", strerror(rc));
    int status = 0;
    struct timespec t0, now;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        pid_t w = waitpid(pid, &status, WNOHANG);
        if (w == pid)
            break;
        if (w < 0 && errno != EINTR) {
            status = -1;
            break;
        }
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (now.tv_sec - t0.tv_sec > REPORT_SECONDS) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            return stoa_error_set(err, STOA_TIMEOUT, "the report took too long to build");
        }
        struct timespec ts = {0, 20 * 1000000L};
        nanosleep(&ts, NULL);
    }
    if (status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return STOA_OK;
    return stoa_error_set(err, STOA_ERROR_LIMIT, "the report could not be built within its limits (%s)",
                          status != -1 && WIFSIGNALED(status) ? "stopped" : "failed");
}
