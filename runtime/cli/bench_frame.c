// SPDX-License-Identifier: Apache-2.0
// `stoa bench frame [SCENE...]`: CPU time per frame in Stoa's own code on the
// simulated headset — input, interaction, lesson, posing, overlay placement
// and command recording, not waiting for the GPU — median and 99th
// percentile, with multiview and with two passes, measured in the same run.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/stoa_log.h"
#include "core/stoa_path.h"
#include "run/run_session.h"
#include "stoa_cli.h"

static int bench_one(const char *path, stoa_gfx_stereo_mode mode, const char *label)
{
    run_options opt = {.scene_path = path, .stereo = mode};
    opt.shadows = getenv("STOA_BENCH_SHADOWS"); // off|low|high|auto: the sun's shadow map (run_sky.c)
    static char models[4096]; // the controllers drawn, as `stoa run` does
    if (stoa_cli_data_path("assets/controllers/controllers.glb", models, sizeof models))
        opt.controllers_path = models;
    const char *ext = strrchr(path, '.');
    if (ext && (!strcmp(ext, ".yaml") || !strcmp(ext, ".yml"))) {
        opt.lesson_path = path;
        opt.lesson.lesson_path = path;
        opt.lesson.quiet = true;
        opt.lesson.traces_dir = "/tmp/stoa-bench-traces"; // not the learner's own folder
    }
    run_session s;
    stoa_error err = {0};
    stoa_result r = run_session_init(&s, &opt, &err);
    if (r >= 0)
        r = run_session_loop(&s, NULL, &err);
    if (r < 0) {
        fprintf(stderr, "stoa bench frame: %s: %s\n", path, err.message);
        run_session_fini(&s);
        return 1;
    }
    // The first frames fill caches: left out (run_session_report).
    run_frame_report rep = run_session_report(&s);
    printf("%-36s %-10s %6u %9.3f %9.3f %9.3f %5llu %5llu %5llu\n", stoa_path_basename(path), label,
           rep.frames_measured, rep.median_ms, rep.p99_ms, rep.max_ms,
           (unsigned long long)rep.idle_waits, (unsigned long long)rep.descriptor_pools,
           (unsigned long long)rep.pipelines_while_recording);
    run_session_fini(&s);
    return 0;
}

int stoa_bench_frame(int argc, char **argv)
{
    const char *frames = getenv("STOA_BENCH_FRAMES");
    static char def_scene[4096];
    if (!stoa_cli_data_path("scenes/agora/agora.glb", def_scene, sizeof def_scene))
        snprintf(def_scene, sizeof def_scene, "%s/../scenes/agora/agora.glb", stoa_cli_exe_dir());
    if (stoa_cli_use_sim() != 0)
        return 1;
    setenv("STOA_XRSIM_FRAMES", frames ? frames : "300", 1);
    if (!getenv("STOA_XRSIM_EYE_SIZE"))
        setenv("STOA_XRSIM_EYE_SIZE", "512x512", 1);
    setenv("STOA_LOG", "warn", 0);
    setenv("STOA_AUDIO_SILENT", "1", 0);
    printf("Stoa's own CPU time per frame (input, interaction, posing, recording; not GPU waits)\n");
    printf("%-36s %-10s %6s %9s %9s %9s %5s %5s %5s\n", "file", "stereo", "frames", "median ms",
           "p99 ms", "max ms", "idle", "pools", "pipes");
    int rc = 0;
    int first = 1;
    while (first < argc && argv[first][0] == '-')
        first++;
    const char *const *files = (const char *const *)(argv + first);
    int count = argc - first;
    if (count == 0) {
        static const char *one[1];
        one[0] = def_scene;
        files = one;
        count = 1;
    }
    for (int i = 0; i < count; i++) {
        rc |= bench_one(files[i], STOA_GFX_STEREO_MULTIVIEW, "multiview");
        rc |= bench_one(files[i], STOA_GFX_STEREO_MULTIPASS, "two-pass");
    }
    printf("idle: device-idle waits on the frame path (must be 0); pools: descriptor pools the frame thread made;\n"
           "pipes: pipelines compiled while a frame was recorded (0 once prepared)\n");
    printf("aim: under 1 ms median for the sample scene (11.1 ms is the whole frame at 90 Hz)\n");
    return rc;
}
