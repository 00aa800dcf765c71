// SPDX-License-Identifier: Apache-2.0
// `stoa bench frame [SCENE...]`: CPU time per frame in Stoa's own code on the
// simulated headset — input, interaction, lesson, posing, overlay placement
// and command recording, not waiting for the GPU — median and 99th
// percentile, with multiview and with two passes, measured in the same run;
// then what the GPU was given per eye: draw calls, draws (mesh instances)
// and triangles, with culling and levels of detail against everything at
// full detail, and the frames over twice the median (hitches).
// STOA_GFX_CULL=off / STOA_GFX_LOD=off turn either off for a comparison run.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/stoa_log.h"
#include "core/stoa_path.h"
#include "headset/headset_loop.h"
#include "stoa_cli.h"

typedef struct draw_figures {
    char file[40], label[12];
    double calls, draws, tris, full; // per eye per frame
    uint32_t hitches, measured;
    uint32_t streamed, stream_hitches; // frames while textures streamed in, hitches among them
    uint64_t vertex_bytes, geometry_bytes; // the scene's buffers on the GPU
    uint32_t quantised;                    // STOA_QUANT_* streams (stoa_scene_quant.h)
} draw_figures;

static draw_figures g_figs[64];
static uint32_t g_fig_count;

static int cmp_us(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

// Frames whose CPU time (the frame thread's clock) is over twice the median
// (the first ten left out, as run_session_report does); *in_span: how many
// of them lie in frames [from, to).
static uint32_t hitches(const run_session *s, uint32_t from, uint32_t to, uint32_t *in_span)
{
    uint32_t skip = s->cpu_count > 20 ? 10 : 0, n = s->cpu_count - skip, count = 0;
    double *v = n ? malloc(n * sizeof *v) : NULL;
    *in_span = 0;
    if (!v)
        return 0;
    for (uint32_t i = 0; i < n; i++)
        v[i] = s->cpu_us[skip + i][0]; // pairs of (CPU, wall)
    qsort(v, n, sizeof *v, cmp_us);
    double median = v[(n - 1) / 2];
    for (uint32_t i = skip; i < s->cpu_count; i++) {
        bool hitch = s->cpu_us[i][0] > 2.0 * median;
        count += hitch;
        *in_span += hitch && i >= from && i < to;
    }
    free(v);
    return count;
}

static void keep_figures(const run_session *s, const char *path, const char *label)
{
    // The lesson's scene alone (not the overlay drawn over it), since it was made.
    stoa_gfx_scene_stats st = stoa_gfx_scene_stats_get(s->gscene);
    if (g_fig_count >= sizeof g_figs / sizeof g_figs[0])
        return;
    draw_figures *f = &g_figs[g_fig_count++];
    snprintf(f->file, sizeof f->file, "%s", stoa_path_basename(path));
    snprintf(f->label, sizeof f->label, "%s", label);
    double views = (double)st.views_drawn;
    if (views > 0) {
        f->calls = (double)st.draw_calls / (double)st.renders;
        if (!strcmp(label, "two-pass"))
            f->calls /= 2.0; // a pass per eye; multiview's one pass draws both
        f->draws = (double)st.draws_visible / views;
        f->tris = (double)st.triangles_drawn / views;
        f->full = (double)st.triangles_full / views;
    }
    // Textures still streaming when the run ended: its frames to the end.
    uint32_t from = s->stream_span[0] > 10 ? s->stream_span[0] : 10,
             to = s->stream_span[1] < s->cpu_count ? s->stream_span[1] : s->cpu_count;
    f->streamed = to > from ? to - from : 0;
    f->hitches = hitches(s, from, to, &f->stream_hitches);
    f->vertex_bytes =
        stoa_gfx_scene_vertex_bytes(s->gscene, &f->quantised, &f->geometry_bytes);
    f->measured = s->cpu_count > 20 ? s->cpu_count - 10 : s->cpu_count;
}

static void print_figures(void)
{
    printf("\nWhat the GPU is given, per eye and frame (mean over the run)\n");
    printf("%-36s %-10s %8s %8s %11s %11s %7s %8s %10s\n", "file", "stereo", "calls", "draws",
           "triangles", "full", "factor", "hitches", "streaming");
    for (uint32_t i = 0; i < g_fig_count; i++) {
        const draw_figures *f = &g_figs[i];
        printf("%-36s %-10s %8.1f %8.1f %11.0f %11.0f %6.1fx %4u/%-4u %4u/%-4u\n", f->file,
               f->label, f->calls, f->draws, f->tris, f->full,
               f->tris > 0 ? f->full / f->tris : 0.0, f->hitches, f->measured,
               f->stream_hitches, f->streamed);
    }
    printf("calls: draw calls recorded (multiview: one call draws both eyes); draws: mesh\n"
           "instances drawn; triangles: at the level of detail each took; full: every draw in\n"
           "every eye at full detail (no culling, no levels); factor: full / triangles;\n"
           "hitches: frames over 2x the median; streaming: hitches / frames measured while\n"
           "textures streamed in, to the end of the run when they still were (--stream: no\n"
           "scene cache)\n");
    printf("\nThe scene's geometry on the GPU (STOA_GFX_QUANT=off: floats)\n");
    printf("%-36s %-10s %12s %14s %s\n", "file", "stereo", "vertex MiB", "geometry MiB",
           "quantised");
    for (uint32_t i = 0; i < g_fig_count; i++) {
        const draw_figures *f = &g_figs[i];
        uint32_t q = f->quantised;
        printf("%-36s %-10s %12.3f %14.3f %s%s%s%s%s\n", f->file, f->label,
               f->vertex_bytes / 1048576.0, f->geometry_bytes / 1048576.0,
               q & 1 ? "position " : "", q & 2 ? "normal " : "", q & 4 ? "uv " : "",
               q & 8 ? "colour" : "", q ? "" : "none");
    }
    printf("vertex: every vertex stream; geometry: vertex, index and morph-target buffers\n");
}

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
    stoa_result r = headset_open(&s, &opt, &err);
    if (r >= 0)
        r = headset_loop(&s, NULL, &err);
    if (r < 0) {
        fprintf(stderr, "stoa bench frame: %s: %s\n", path, err.message);
        run_session_fini(&s);
        return 1;
    }
    // The first frames fill caches: left out (run_session_report).
    run_frame_report rep = run_session_report(&s);
    keep_figures(&s, path, label);
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
    // --stream: no scene cache, so that the textures decode and stream in
    // while the frames are measured (run_stream.c), as at a first load.
    for (int i = 1; i < argc && argv[i][0] == '-'; i++)
        if (!strcmp(argv[i], "--stream"))
            setenv("STOA_SCENE_CACHE", "off", 1);
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
    print_figures();
    printf("idle: device-idle waits on the frame path (must be 0); pools: descriptor pools the frame thread made;\n"
           "pipes: pipelines compiled while a frame was recorded (0 once prepared)\n");
    printf("aim: under 1 ms median for the sample scene (11.1 ms is the whole frame at 90 Hz)\n");
    return rc;
}
