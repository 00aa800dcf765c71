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
#include "run_session.h"
#include "stoa_cli.h"

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double percentile(double *v, uint32_t n, double p)
{
    if (n == 0)
        return 0.0;
    qsort(v, n, sizeof *v, cmp_double);
    uint32_t i = (uint32_t)(p * (double)(n - 1) + 0.5);
    return v[i < n ? i : n - 1];
}

static int bench_one(const char *path, stoa_gfx_stereo_mode mode, const char *label)
{
    run_options opt = {.scene_path = path, .stereo = mode};
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
    // The first frames compile pipelines and fill caches: leave them out.
    uint32_t skip = s.cpu_count > 20 ? 10 : 0;
    double *v = s.cpu_us + skip;
    uint32_t n = s.cpu_count - skip;
    double med = percentile(v, n, 0.5), p99 = percentile(v, n, 0.99);
    printf("%-44s %-10s %6u %10.3f %10.3f\n", stoa_path_basename(path), label, n, med / 1000.0,
           p99 / 1000.0);
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
    printf("%-44s %-10s %6s %10s %10s\n", "file", "stereo", "frames", "median ms", "p99 ms");
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
    printf("aim: under 1 ms median for the sample scene (11.1 ms is the whole frame at 90 Hz)\n");
    return rc;
}
