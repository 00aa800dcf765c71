// SPDX-License-Identifier: Apache-2.0
// `stoa hub` under systemd: see cli_hub_service.h. SIGHUP is taken by a
// thread of its own with sigwait (blocked everywhere else), so a reload runs
// outside any signal handler and cmd_hub.c's main loop stays as it is.
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli_hub_service.h"
#include "stoa_cli.h"
#include "stoa_hub_service.h"

static struct {
    const char *config_path;
    stoa_hub_config config; // desc points into it while the hub runs
    char panel[4096];
    bool journal, hup_blocked, thread_started;
    volatile bool stopping;
    pthread_t thread;
    stoa_hub *hub;
} g_svc;

void cli_hub_service_set_config(const char *path) { g_svc.config_path = path; }

int cli_hub_service_prepare(stoa_hub_desc *desc, bool *browser)
{
    g_svc.journal = stoa_cli_journal_init();
    if (g_svc.config_path) {
        stoa_error err = {0};
        if (stoa_hub_config_read(g_svc.config_path, &g_svc.config, &err) != STOA_OK) {
            stoa_cli_note(3, "stoa hub: %s", err.message);
            return 1;
        }
        stoa_hub_config_apply(&g_svc.config, desc);
        if (g_svc.config.browser == 0) // "browser = yes" cannot undo --no-browser
            *browser = false;
    }
    if (!desc->panel_dir && stoa_cli_data_path("panel/index.html", g_svc.panel, sizeof g_svc.panel)) {
        *strrchr(g_svc.panel, '/') = '\0';
        desc->panel_dir = g_svc.panel;
    }
    sigset_t hup;
    sigemptyset(&hup);
    sigaddset(&hup, SIGHUP);
    g_svc.hup_blocked = pthread_sigmask(SIG_BLOCK, &hup, NULL) == 0;
    return 0;
}

static void *reload_thread(void *arg)
{
    (void)arg;
    sigset_t hup;
    sigemptyset(&hup);
    sigaddset(&hup, SIGHUP);
    for (;;) {
        int sig = 0;
        if (sigwait(&hup, &sig) != 0 || g_svc.stopping)
            return NULL;
        int skipped = 0, n = stoa_hub_reload_lessons(g_svc.hub, &skipped);
        stoa_cli_note(skipped ? 4 : 6, "stoa hub: lesson library read again: %d lesson%s%s", n,
                      n == 1 ? "" : "s", skipped ? " (some skipped, see above)" : "");
    }
}

// A service's output is kept in the journal, readable by more people than the
// instructor: there a new password goes to a file only the hub's user reads.
static void password_to_file(stoa_hub *hub)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/instructor-password", stoa_hub_data_dir(hub));
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    bool ok = fd >= 0 && dprintf(fd, "%s\n", stoa_hub_new_password(hub)) > 0;
    if (fd >= 0)
        ok = close(fd) == 0 && ok;
    if (ok)
        stoa_cli_note(5, "stoa hub: instructor password written to %s (read it, then delete it)", path);
    else
        stoa_cli_note(3, "stoa hub: cannot write the instructor password to %s; restart with "
                         "--reset-password and STOA_HUB_PASSWORD set",
                      path);
}

bool cli_hub_service_start(stoa_hub *hub)
{
    g_svc.hub = hub;
    g_svc.stopping = false;
    if (g_svc.hup_blocked)
        g_svc.thread_started = pthread_create(&g_svc.thread, NULL, reload_thread, NULL) == 0;
    if (g_svc.journal && stoa_hub_new_password(hub)) {
        password_to_file(hub);
        return false;
    }
    return true;
}

void cli_hub_service_stop(stoa_hub *hub)
{
    if (g_svc.thread_started) {
        g_svc.stopping = true;
        pthread_kill(g_svc.thread, SIGHUP);
        pthread_join(g_svc.thread, NULL);
        g_svc.thread_started = false;
    }
    int told = stoa_hub_say_goodbye(hub);
    stoa_cli_note(5, "stoa hub: stopping (%d headset%s told)", told, told == 1 ? "" : "s");
}
