// SPDX-License-Identifier: Apache-2.0
// stoa run SCENE: the learner's runtime on an OpenXR headset (or, with
// --sim, on the simulated headset tools/xrsim).
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/stoa_path.h"
#include "gfx/stoa_gfx.h"
#include "gfx/stoa_gfx_probe.h"
#include "cli_session_opts.h"
#include "headset/headset_loop.h"
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
            "usage: stoa run LESSON|SCENE [--sim] [--traces DIR] [--lang LANG] [--learner NAME]\n"
            "                [--seed N] [--events FILE] [--stereo auto|multiview|multipass]\n"
            "                [--msaa N] [--seated] [--vulkan1] [--max-seconds S]\n"
            "                [--grab NODE[,NODE...]] [--dwell SECONDS] [--mirror] [--ar|--vr]\n"
            "                [--hub URL --join CODE [--device NAME]]\n"
            "                [--sky HH:MM|off|IMAGE] [--shadows off|low|high|auto]\n"
            "       stoa run [LESSON] --hub URL [--join CODE] [--device NAME] [--cache-max MIB] ...\n"
            "Plays a lesson (.yaml) or shows a scene (.gltf/.glb) on the headset through\n"
            "OpenXR. Lessons write the learner's trace (xAPI, JSON Lines) under --traces\n"
            "(default: a per-user folder, printed at start). --sim uses Stoa's simulated headset\n"
            "(its STOA_XRSIM_* variables apply: see docs/xrsim.md). --events writes every\n"
            "interaction event as a JSON line. --mirror shows the left eye in a desktop\n"
            "window (closing it ends the session). --grab lets the learner pick those nodes up\n"
            "(lessons say this themselves). --hub reports to the classroom hub (`stoa hub`)\n"
            "and takes the instructor's commands; --join CODE is needed the first time only.\n"
            "With --hub the headset waits in the lobby (the LESSON's scene dimmed, or a calm\n"
            "scene) until the teacher launches a lesson, shows the result at its end and goes\n"
            "back to the lobby; it does not exit. --cache-max bounds the cache of lesson files\n"
            "sent by the hub (default 2048 MiB).\n"
            "--ar shows the lesson over the real room (passthrough or a see-through display),\n"
            "--vr in VR, whatever the lesson's `presentation` says (docs/ar.md).\n"
            "Ctrl-C ends the session cleanly.\n");
}

static void remove_sim_world(void)
{
    const char *w = getenv("STOA_XRSIM_WORLD");
    if (w && *w)
        remove(w);
}

// Points the OpenXR loader at xrsim's manifest, built or installed with this
// binary (cli_paths.c).
int stoa_cli_use_sim(void)
{
    char path[4096];
    if (!stoa_cli_sim_manifest_path(path, sizeof path)) {
        fprintf(stderr, "stoa run: the simulated headset is not built (%s is missing)\n", path);
        return -1;
    }
    setenv("XR_RUNTIME_JSON", path, 1);
    // A script's learner actions ("select: Door") need to know where things
    // are: the session publishes it there for xrsim (run_simworld.c).
    const char *script = getenv("STOA_XRSIM_SCRIPT"), *world = getenv("STOA_XRSIM_WORLD");
    if (script && *script && !(world && *world)) {
        static char file[256];
        const char *tmp = getenv("TMPDIR");
        snprintf(file, sizeof file, "%s/stoa-sim-world-%ld", tmp && *tmp ? tmp : "/tmp",
                 (long)getpid());
        setenv("STOA_XRSIM_WORLD", file, 1);
        atexit(remove_sim_world);
    }
    return 0;
}

static int parse(int argc, char **argv, run_options *o, bool *sim)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(a, "--sim")) {
            *sim = true;
        } else if (stoa_cli_session_option(argc, argv, &i, o)) {
            continue;
        } else if (!strcmp(a, "--cache-max") && v) {
            char *end = NULL;
            unsigned long long mib = strtoull(argv[++i], &end, 10);
            if (!end || *end || mib == 0 || mib > (1ull << 24)) {
                fprintf(stderr, "stoa run: --cache-max wants a size in MiB (1 to 16777216)\n");
                return 2;
            }
            o->hub.cache_max_bytes = mib << 20;
        } else if (!strcmp(a, "--mirror")) {
            o->mirror = true;
        } else if (!strcmp(a, "--seated")) {
            o->seated = true;
        } else if (!strcmp(a, "--vulkan1")) {
            o->force_vulkan1 = true;
        } else if (!strcmp(a, "--msaa") && v) {
            o->msaa = (uint32_t)strtoul(argv[++i], NULL, 10);
        } else if (!strcmp(a, "--grab") && v) {
            o->grab_nodes = argv[++i];
        } else if (!strcmp(a, "--stereo") && v) {
            i++;
            if (!strcmp(v, "multiview"))
                o->stereo = STOA_GFX_STEREO_MULTIVIEW;
            else if (!strcmp(v, "multipass"))
                o->stereo = STOA_GFX_STEREO_MULTIPASS;
            else if (strcmp(v, "auto")) {
                fprintf(stderr, "stoa run: --stereo wants auto, multiview or multipass\n");
                return 2;
            }
        } else if (a[0] == '-' || o->scene_path) {
            fprintf(stderr, "stoa run: unexpected argument '%s'\n", a);
            usage(stderr);
            return 2;
        } else {
            o->scene_path = a;
        }
    }
    if (!o->scene_path && o->hub.url) {
        // A headset in a class needs no lesson to start: it waits in the lobby.
        static char lobby[4096];
        if (!run_lobby_scene_path(lobby, sizeof lobby)) {
            fprintf(stderr, "stoa run: cannot write the lobby scene under the cache folder\n");
            return 1;
        }
        o->scene_path = lobby;
        return -1;
    }
    if (!o->scene_path) {
        usage(stderr);
        return 2;
    }
    const char *ext = strrchr(o->scene_path, '.');
    if (ext && (!strcmp(ext, ".yaml") || !strcmp(ext, ".yml"))) {
        static char lesson_dir[4096];
        o->lesson_path = o->scene_path;
        o->lesson.lesson_path = o->scene_path;
        stoa_path_dirname(o->scene_path, lesson_dir, sizeof lesson_dir);
        o->hub.lesson_dir = lesson_dir; // lessons the hub launches land beside it
    }
    return -1;
}

int stoa_cmd_run(int argc, char **argv)
{
    run_options opt = {.lesson.device_type = "headset"}; // the trace's context says so
    bool sim = false;
    int rc = parse(argc, argv, &opt, &sim);
    if (rc >= 0)
        return rc;
    if (sim && stoa_cli_use_sim() != 0)
        return 1;
    static char sounds[4096]; // the interface sounds (share/stoa/sounds)
    if (stoa_cli_data_path("sounds", sounds, sizeof sounds))
        opt.lesson.sounds_dir = sounds;
    static char controllers[4096]; // the hands' models (run_hands.c)
    if (stoa_cli_data_path("assets/controllers/controllers.glb", controllers, sizeof controllers))
        opt.controllers_path = controllers;
    static char icons[4096]; // the panels' icons (share/stoa/icons)
    if (stoa_cli_data_path("icons", icons, sizeof icons))
        opt.icons_dir = icons;
    struct sigaction sa = {0};
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    // The first lesson's scene loads before the headset's device exists:
    // bake it for the format that device will sample (scene cache "auto").
    stoa_gfx_probe_texture_target(true);
    run_session s;
    stoa_error err = {0};
    stoa_result r = headset_open(&s, &opt, &err);
    stoa_gfx_probe_release(); // the renderer's instance has the drivers now
    if (r >= 0)
        r = headset_loop(&s, &g_stop, &err);
    uint64_t frames = s.frames;
    uint32_t events = s.event_count, losses = s.session_losses;
    uint32_t skipped = s.frames_skipped, rebuilds = s.instance_rebuilds,
             failed = s.launches_failed + s.hub.launches_failed, dropped = s.lesson.actions_dropped;
    run_frame_report rep = run_session_report(&s);
    uint32_t panel_rebuilds = s.overlay.rebuilds, panel_writes = s.overlay.writes;
    uint32_t played[6];
    memcpy(played, s.lesson.sounds_played, sizeof played);
    run_session_fini(&s);
    if (r < 0) {
        fprintf(stderr, "stoa run: %s (%s)\n", err.message, stoa_result_str(r));
        return 1;
    }
    printf("stoa run: %llu frames, %u interaction events, %u session losses\n",
           (unsigned long long)frames, events, losses);
    printf("stoa run: survived: %u frames dropped, %u headset rebuilds, %u launches failed, "
           "%u lesson actions over the limit\n",
           skipped, rebuilds, failed, dropped);
    printf("stoa run: frame path: %llu device-idle waits, %llu descriptor pools, %llu GPU objects "
           "created, %llu pipelines compiled while recording, %llu deferred frees, "
           "%llu texture batches streamed in\n",
           (unsigned long long)rep.idle_waits, (unsigned long long)rep.descriptor_pools,
           (unsigned long long)rep.frame_objects,
           (unsigned long long)rep.pipelines_while_recording,
           (unsigned long long)rep.deferred_frees, (unsigned long long)rep.texture_batches);
    printf("stoa run: panels: %u rebuilt, %u updated in place\n", panel_rebuilds, panel_writes);
    printf("stoa run: interface sounds: %u select, %u hover, %u right, %u wrong, %u panel, %u message\n",
           played[0], played[1], played[2], played[3], played[4], played[5]);
    printf("stoa run: frame CPU time over %u frames: median %.3f ms, p99 %.3f ms, max %.3f ms\n",
           rep.frames_measured, rep.median_ms, rep.p99_ms, rep.max_ms);
    printf("stoa run: the same by the wall clock (with time descheduled): median %.3f ms, "
           "p99 %.3f ms, max %.3f ms\n",
           rep.wall_median_ms, rep.wall_p99_ms, rep.wall_max_ms);
    if (stoa_gfx_validation_requested() && stoa_gfx_validation_message_count() > 0) {
        fprintf(stderr, "stoa run: %u Vulkan validation messages\n",
                stoa_gfx_validation_message_count());
        return 1;
    }
    return 0;
}
