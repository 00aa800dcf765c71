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
#include <sys/wait.h>
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
            "                [--reset-password] [--new-code] [--forward URL] [--no-browser] ...\n"
            "       stoa hub [--data DIR] --list-devices | --revoke-device ID|NAME |\n"
            "                --admit-device ID|NAME | --rotate-xapi-key\n"
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
            "  --forward-ca PEM    trust this CA (the school's own) for an https LRS instead of the\n"
            "                      system's; the LRS's certificate is always verified\n"
            "  --allow-host NAME[,NAME]  host names the hub answers to besides addresses,\n"
            "                      localhost and this machine's name (DNS rebinding defence)\n"
            "  --admit-by-teacher  new headsets wait in the panel until the teacher admits them\n"
            "  --max-headsets N    places in the roster (default 500)\n"
            "  --device-quota N    statements one headset may store (default 200000)\n"
            "  --max-connections N, --max-connections-per-address N  (default 1024, 32)\n"
            "  --lrs-document-max BYTES  largest xAPI State/Profile document (default 262144)\n"
            "  --lrs-statements-limit N  most statements in one xAPI GET page (default 500)\n"
            "Administration of DIR (a running hub follows within a second):\n"
            "  --list-devices      the headsets that joined\n"
            "  --revoke-device ID|NAME  the headset's token stops working; its socket closes\n"
            "  --admit-device ID|NAME   admit a waiting headset\n"
            "  --rotate-xapi-key   replace the xAPI key (printed)\n"
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

static pid_t open_browser(const char *url)
{
    if (!getenv("DISPLAY") && !getenv("WAYLAND_DISPLAY"))
        return 0;
    pid_t pid = fork();
    if (pid == 0) {
        execlp("xdg-open", "xdg-open", url, (char *)NULL);
        _exit(127);
    }
    return pid > 0 ? pid : 0;
}

static int admin(const char *data_dir, const char *what, const char *arg)
{
    stoa_error err = {0};
    stoa_result r;
    if (strcmp(what, "--list-devices") == 0) {
        r = stoa_hub_admin_list_devices(data_dir, stdout, &err);
    } else if (strcmp(what, "--revoke-device") == 0) {
        if ((r = stoa_hub_admin_revoke_device(data_dir, arg, &err)) == STOA_OK)
            printf("stoa hub: headset %s revoked\n", arg);
    } else if (strcmp(what, "--admit-device") == 0) {
        if ((r = stoa_hub_admin_admit_device(data_dir, arg, &err)) == STOA_OK)
            printf("stoa hub: headset %s admitted\n", arg);
    } else {
        char key[64];
        if ((r = stoa_hub_admin_rotate_xapi_key(data_dir, key, &err)) == STOA_OK)
            printf("stoa hub: new xAPI key %s (Basic auth xapi:%s); the old one stops working now\n", key, key);
    }
    if (r != STOA_OK) {
        fprintf(stderr, "stoa hub: %s\n", err.message);
        return 1;
    }
    return 0;
}

int stoa_cmd_hub(int argc, char **argv)
{
    stoa_hub_desc desc = {.password = getenv("STOA_HUB_PASSWORD"),
                          .forward_auth = getenv("STOA_HUB_FORWARD_AUTH")};
    bool browser = true;
    const char *admin_what = NULL, *admin_arg = NULL;
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
        else if (strcmp(a, "--forward-ca") == 0 && has)
            desc.forward_ca = argv[++i];
        else if (strcmp(a, "--allow-host") == 0 && has)
            desc.allowed_hosts = argv[++i];
        else if (strcmp(a, "--admit-by-teacher") == 0)
            desc.admit_by_teacher = true;
        else if (strcmp(a, "--max-headsets") == 0 && has)
            desc.max_headsets = atoi(argv[++i]);
        else if (strcmp(a, "--device-quota") == 0 && has)
            desc.device_quota = atoll(argv[++i]);
        else if (strcmp(a, "--lrs-document-max") == 0 && has)
            desc.lrs_document_max = (size_t)strtoull(argv[++i], NULL, 10);
        else if (strcmp(a, "--lrs-statements-limit") == 0 && has)
            desc.lrs_statements_limit = atoi(argv[++i]);
        else if (strcmp(a, "--max-connections") == 0 && has)
            desc.max_connections = atoi(argv[++i]);
        else if (strcmp(a, "--max-connections-per-address") == 0 && has)
            desc.max_connections_per_address = atoi(argv[++i]);
        else if (strcmp(a, "--list-devices") == 0 || strcmp(a, "--rotate-xapi-key") == 0)
            admin_what = a;
        else if ((strcmp(a, "--revoke-device") == 0 || strcmp(a, "--admit-device") == 0) && has)
            admin_what = a, admin_arg = argv[++i];
        else if (strcmp(a, "--no-browser") == 0)
            browser = false;
        else {
            fprintf(stderr, "stoa hub: unknown option '%s'\n", a);
            return usage(stderr);
        }
    }
    if (admin_what)
        return admin(desc.data_dir ? desc.data_dir : "stoa-hub", admin_what, admin_arg);
    struct sigaction sa = {0};
    sa.sa_handler = on_hub_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

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
    // The room's address only when the listener serves it: a hub on
    // 127.0.0.1 (or one address) is joined at that address.
    if (lan[0] && stoa_hub_serves_all_interfaces(hub))
        printf("stoa hub: headsets join  %s://%s:%s --join %s\n", strncmp(url, "https", 5) ? "http" : "https",
               lan, strrchr(url, ':') + 1, stoa_hub_join_code(hub));
    else
        printf("stoa hub: headsets join  %.*s --join %s\n", (int)strlen(url) - 1, url, stoa_hub_join_code(hub));
    printf("stoa hub: class join code %s\n", stoa_hub_join_code(hub));
    if (cli_hub_service_start(hub) && stoa_hub_new_password(hub))
        printf("stoa hub: instructor password %s  (shown once; --reset-password to change)\n",
               stoa_hub_new_password(hub));
    char key[64];
    stoa_hub_xapi_key(hub, key);
    printf("stoa hub: xAPI  %sxapi/statements  (Basic auth xapi:%s)\n", url, key);
    fflush(stdout);
    pid_t opener = browser ? open_browser(url) : 0;
    while (!g_hub_stop) {
        struct timespec ts = {0, 200 * 1000000L};
        nanosleep(&ts, NULL);
        if (opener > 0 && waitpid(opener, NULL, WNOHANG) == opener) // only this child: reports have their own
            opener = 0;
    }
    cli_hub_service_stop(hub); // tells the headsets; destroy lets requests in flight commit
    stoa_hub_destroy(&hub);
    stoa_cli_note(5, "stoa hub: stopped");
    return 0;
}
