// SPDX-License-Identifier: Apache-2.0
// `stoa hub`: the classroom hub (tools/hub) on the instructor's desktop.
#include <ifaddrs.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli_hub_service.h"
#include "stoa_cli.h"
#include "stoa_hub.h"

static volatile sig_atomic_t g_hub_stop;

static void on_hub_signal(int sig)
{
    (void)sig;
    g_hub_stop = 1;
}

static int usage(FILE *f)
{
    fprintf(f,
            "usage: stoa hub [--listen ADDR:PORT] [--data DIR] [--lessons DIR] [--cert PEM]\n"
            "                [--reset-password] [--new-code] [--forward URL] [--no-browser]\n"
            "The classroom hub: headsets join it with `stoa run --hub URL --join CODE`, the\n"
            "instructor runs the class from the control panel in a browser.\n"
            "  --listen ADDR:PORT  where to listen (default 0.0.0.0:8480, the classroom network)\n"
            "  --data DIR          database and reports (default ./stoa-hub)\n"
            "  --lessons DIR       the lesson library (default DIR/lessons)\n"
            "  --cert PEM          certificate + private key: serve HTTPS\n"
            "  --reset-password    choose a new instructor password (STOA_HUB_PASSWORD, or generated)\n"
            "  --new-code          give the class a new join code\n"
            "  --joins-per-minute N  headsets that may join per minute from one address (default 30)\n"
            "  --forward URL       also send every statement to the school's LRS (its xAPI endpoint);\n"
            "                      credentials USER:PASSWORD in STOA_HUB_FORWARD_AUTH\n"
            "The instructor password is printed on the first start; set STOA_HUB_PASSWORD to\n"
            "choose it instead.\n"
            CLI_HUB_SERVICE_USAGE);
    return f == stdout ? 0 : 2;
}

// The first IPv4 address that is not loopback: what headsets in the room use.
static void lan_address(char *out, size_t size)
{
    struct ifaddrs *list = NULL, *a;
    snprintf(out, size, "%s", "");
    if (getifaddrs(&list) != 0)
        return;
    for (a = list; a; a = a->ifa_next) {
        if (!a->ifa_addr || a->ifa_addr->sa_family != AF_INET)
            continue;
        const struct sockaddr_in *in = (const struct sockaddr_in *)(const void *)a->ifa_addr;
        if ((ntohl(in->sin_addr.s_addr) >> 24) == 127)
            continue;
        inet_ntop(AF_INET, &in->sin_addr, out, (socklen_t)size);
        break;
    }
    freeifaddrs(list);
}

static void open_browser(const char *url)
{
    if (!getenv("DISPLAY") && !getenv("WAYLAND_DISPLAY"))
        return;
    pid_t pid = fork();
    if (pid == 0) {
        execlp("xdg-open", "xdg-open", url, (char *)NULL);
        _exit(127);
    }
}

int stoa_cmd_hub(int argc, char **argv)
{
    stoa_hub_desc desc = {.password = getenv("STOA_HUB_PASSWORD"),
                          .forward_auth = getenv("STOA_HUB_FORWARD_AUTH")};
    bool browser = true;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool has = i + 1 < argc;
        if (strcmp(a, "--config") == 0 && has) { // the service's file: cli_hub_service.c
            cli_hub_service_set_config(argv[++i]);
            continue;
        }
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)
            return usage(stdout);
        else if (strcmp(a, "--listen") == 0 && has)
            desc.listen = argv[++i];
        else if (strcmp(a, "--data") == 0 && has)
            desc.data_dir = argv[++i];
        else if (strcmp(a, "--lessons") == 0 && has)
            desc.lessons_dir = argv[++i];
        else if (strcmp(a, "--panel") == 0 && has)
            desc.panel_dir = argv[++i];
        else if (strcmp(a, "--cert") == 0 && has)
            desc.cert_file = argv[++i];
        else if (strcmp(a, "--reset-password") == 0)
            desc.reset_password = true;
        else if (strcmp(a, "--new-code") == 0)
            desc.new_join_code = true;
        else if (strcmp(a, "--forward") == 0 && has)
            desc.forward_url = argv[++i];
        else if (strcmp(a, "--joins-per-minute") == 0 && has)
            desc.join_per_minute = atoi(argv[++i]);
        else if (strcmp(a, "--no-browser") == 0)
            browser = false;
        else {
            fprintf(stderr, "stoa hub: unknown option '%s'\n", a);
            return usage(stderr);
        }
    }
    struct sigaction sa = {0};
    sa.sa_handler = on_hub_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    signal(SIGCHLD, SIG_IGN); // the browser opener is not waited for

    stoa_hub *hub = NULL;
    stoa_error err = {0};
    if (cli_hub_service_prepare(&desc, &browser) != 0)
        return 1;
    if (stoa_hub_create(&desc, &hub, &err) != STOA_OK) {
        fprintf(stderr, "stoa hub: %s\n", err.message);
        return 1;
    }
    char lan[64];
    lan_address(lan, sizeof lan);
    const char *url = stoa_hub_url(hub);
    printf("stoa hub: control panel  %s\n", url);
    if (lan[0] && strstr(url, "127.0.0.1"))
        printf("stoa hub: headsets join  %s://%s:%s --join %s\n", strncmp(url, "https", 5) ? "http" : "https",
               lan, strrchr(url, ':') + 1, stoa_hub_join_code(hub));
    printf("stoa hub: class join code %s\n", stoa_hub_join_code(hub));
    if (cli_hub_service_start(hub) && stoa_hub_new_password(hub))
        printf("stoa hub: instructor password %s  (shown once; --reset-password to change)\n",
               stoa_hub_new_password(hub));
    printf("stoa hub: xAPI  %sxapi/statements  (Basic auth xapi:%s)\n", url, stoa_hub_xapi_key(hub));
    fflush(stdout);
    if (browser)
        open_browser(url);
    while (!g_hub_stop) {
        struct timespec ts = {0, 200 * 1000000L};
        nanosleep(&ts, NULL);
    }
    cli_hub_service_stop(hub); // tells the headsets; destroy lets requests in flight commit
    stoa_hub_destroy(&hub);
    stoa_cli_note(5, "stoa hub: stopped");
    return 0;
}
