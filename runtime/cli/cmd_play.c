// SPDX-License-Identifier: Apache-2.0
// stoa play LESSON: the lesson in a desktop window (runtime/play/play.c).
// Only options here: the session is stoa_run's.
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/stoa_path.h"
#include "gfx/stoa_gfx.h"
#include "cli_session_opts.h"
#include "play/play.h"
#include "stoa_cli.h"

static volatile int g_stop;

static void on_signal(int sig)
{
    (void)sig;
    g_stop = 1;
}

static void usage(FILE *f)
{
    fprintf(f,
            "usage: stoa play LESSON [--traces DIR] [--lang LANG] [--learner NAME] [--seed N]\n"
            "                 [--max-seconds S] [--size WxH] [--msaa N] [--events FILE] [--dwell SECONDS]\n"
            "                 [--overlay] [--no-reload] [--speed X] [--hub URL --join CODE [--device NAME]]\n"
            "                 [--sky HH:MM|off|IMAGE] [--shadows off|low|high|auto]\n"
            "Plays a lesson (.yaml) for one learner in a desktop window: the same lesson\n"
            "machine, panels, narration and trace as on a headset (the trace's context says\n"
            "device-type \"desktop\"). Mouse: look around; the centre reticle is the laser:\n"
            "left button selects (and clicks panels and quiz answers), right button grabs.\n"
            "W/A/S/D or the arrows walk, Shift faster, T held shows the teleport arc (let go\n"
            "to land). F1 or Tab: the author's overlay (state, triggers, variables, the nodes\n"
            "the lesson names lit); F2: lesson time x1/x2/x4/x8 (--speed X starts at X: timers,\n"
            "narration and reading times, dwell); F5: restart; PageUp/PageDown\n"
            "then Enter: jump to a state. The lesson reloads when its file changes, resuming\n"
            "at the same state. Esc or closing the window ends the session. --hub/--join\n"
            "joins a class as a desktop seat (--device names it; default desktop-HOST).\n");
}

static int parse(int argc, char **argv, play_options *o)
{
    run_options *r = &o->run;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return 0;
        } else if (stoa_cli_session_option(argc, argv, &i, r)) {
            continue;
        } else if (!strcmp(a, "--size") && v) {
            if (!stoa_cli_parse_size(argv[++i], &o->width, &o->height)) {
                fprintf(stderr, "stoa play: --size wants WxH, got '%s'\n", v);
                return 2;
            }
        } else if (!strcmp(a, "--msaa") && v) {
            o->msaa = (uint32_t)strtoul(argv[++i], NULL, 10);
        } else if (!strcmp(a, "--overlay")) {
            o->overlay = true;
        } else if (!strcmp(a, "--speed") && v) {
            char *end = NULL;
            o->speed = strtod(argv[++i], &end);
            if (!end || *end || !(o->speed >= 0.25 && o->speed <= 16.0)) {
                fprintf(stderr, "stoa play: --speed wants a number from 0.25 to 16, got '%s'\n", v);
                return 2;
            }
        } else if (!strcmp(a, "--no-reload")) {
            o->no_reload = true;
        } else if (a[0] == '-' || r->scene_path) {
            fprintf(stderr, "stoa play: unexpected argument '%s'\n", a);
            usage(stderr);
            return 2;
        } else {
            r->scene_path = a;
        }
    }
    const char *ext = r->scene_path ? strrchr(r->scene_path, '.') : NULL;
    if (!ext || (strcmp(ext, ".yaml") && strcmp(ext, ".yml"))) {
        fprintf(stderr, "stoa play: give a lesson file (.yaml); `stoa preview` shows a scene\n");
        usage(stderr);
        return 2;
    }
    static char lesson_dir[4096];
    r->lesson_path = r->scene_path;
    r->lesson.lesson_path = r->scene_path;
    stoa_path_dirname(r->scene_path, lesson_dir, sizeof lesson_dir);
    r->hub.lesson_dir = lesson_dir; // lessons the hub launches land beside it
    static char sounds[4096]; // the interface sounds (share/stoa/sounds)
    if (stoa_cli_data_path("sounds", sounds, sizeof sounds))
        r->lesson.sounds_dir = sounds;
    static char icons[4096]; // the panels' icons (share/stoa/icons)
    if (stoa_cli_data_path("icons", icons, sizeof icons))
        r->icons_dir = icons;
    static char device[300];
    if (r->hub.url && !r->hub.device_name) {
        // The roster tells a desktop seat from a headset by its name.
        char host[256] = "";
        const char *h = getenv("HOSTNAME");
        snprintf(host, sizeof host, "%s", h && h[0] ? h : "host");
        FILE *f = fopen("/etc/hostname", "r");
        if (f) {
            if (fgets(host, sizeof host, f))
                host[strcspn(host, "\r\n")] = '\0';
            fclose(f);
        }
        snprintf(device, sizeof device, "desktop-%s", host[0] ? host : "host");
        r->hub.device_name = device;
    }
    return -1;
}

int stoa_cmd_play(int argc, char **argv)
{
    play_options opt = {0};
    int rc = parse(argc, argv, &opt);
    if (rc >= 0)
        return rc;
    struct sigaction sa = {0};
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    play_summary sum;
    stoa_error err = {0};
    stoa_result r = play_run(&opt, &g_stop, &sum, &err);
    if (r < 0) {
        fprintf(stderr, "stoa play: %s (%s)\n", err.message, stoa_result_str(r));
        return 1;
    }
    printf("stoa play: %llu frames, %u interaction events, %u reloads, last state %s%s\n",
           (unsigned long long)sum.frames, sum.events, sum.reloads,
           sum.last_state[0] ? sum.last_state : "-", sum.ended ? " (the lesson ended)" : "");
    printf("stoa play: frame path: %llu GPU objects created, %llu of them stepping the session "
           "(the rest: pipelines made when first drawn)\n",
           (unsigned long long)sum.frame_objects, (unsigned long long)sum.step_objects);
    if (stoa_gfx_validation_requested() && stoa_gfx_validation_message_count() > 0) {
        fprintf(stderr, "stoa play: %u Vulkan validation messages\n",
                stoa_gfx_validation_message_count());
        return 1;
    }
    return 0;
}
