// SPDX-License-Identifier: Apache-2.0
// stoa preview SCENE: the author's desktop window.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "desktop/stoa_desktop.h"
#include "gfx/stoa_gfx.h"
#include "stoa_cli.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: stoa preview SCENE [--size WxH] [--camera NAME] [--time SECONDS] [--paused]\n"
               "                    [--msaa N] [--exit-after SECONDS]\n"
               "       stoa preview LESSON.yaml [stoa play's options]   (plays it: `stoa play`)\n"
               "Opens a window onto a glTF scene. Mouse: left-drag looks around, right-drag\n"
               "pans, wheel zooms. Keys: Tab orbit/fly (WASD, Q/E, Shift), Space play/pause,\n"
               "N next animation, F frame the scene, Esc quit. The scene reloads when its\n"
               "file changes on disk.\n");
}

static void on_ready(void *user)
{
    (void)user;
    // Tests wait for this line before taking a screenshot.
    printf("preview: ready\n");
    fflush(stdout);
}

static bool is_lesson(const char *path)
{
    const char *ext = strrchr(path, '.');
    return ext && (!strcmp(ext, ".yaml") || !strcmp(ext, ".yml"));
}

int stoa_cmd_preview(int argc, char **argv)
{
    // A lesson is previewed by playing it (the same window and options as `stoa play`).
    for (int i = 1; i < argc; i++)
        if (argv[i][0] != '-' && is_lesson(argv[i]))
            return stoa_cmd_play(argc, argv);
    stoa_desktop_preview_desc d = {.on_ready = on_ready};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(a, "--size") && v) {
            if (!stoa_cli_parse_size(v, &d.width, &d.height)) {
                fprintf(stderr, "stoa preview: --size wants WxH, got '%s'\n", v);
                return 2;
            }
            i++;
        } else if (!strcmp(a, "--camera") && v) {
            d.camera = v;
            i++;
        } else if (!strcmp(a, "--time") && v) {
            d.start_time = strtof(v, NULL);
            i++;
        } else if (!strcmp(a, "--msaa") && v) {
            d.msaa = (uint32_t)strtoul(v, NULL, 10);
            i++;
        } else if (!strcmp(a, "--exit-after") && v) {
            d.exit_after = strtod(v, NULL);
            i++;
        } else if (!strcmp(a, "--paused")) {
            d.start_paused = true;
        } else if (a[0] == '-' || d.scene_path) {
            fprintf(stderr, "stoa preview: unexpected argument '%s'\n", a);
            usage(stderr);
            return 2;
        } else {
            d.scene_path = a;
        }
    }
    if (!d.scene_path) {
        usage(stderr);
        return 2;
    }
    stoa_error err = {0};
    stoa_result r = stoa_desktop_preview_run(&d, &err);
    if (r < 0) {
        fprintf(stderr, "stoa preview: %s\n", err.message);
        return 1;
    }
    if (stoa_gfx_validation_requested() && stoa_gfx_validation_message_count() > 0) {
        fprintf(stderr, "stoa preview: %u Vulkan validation messages\n",
                stoa_gfx_validation_message_count());
        return 1;
    }
    return 0;
}
