// SPDX-License-Identifier: Apache-2.0
// Launch time: from process start to the first frame submitted with tracked
// views, logged once per process ("launch: first tracked frame ..."), which
// `stoa bench launch` reads. "Process start" is the moment this constructor
// runs: after the dynamic loader, before main.
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/stoa_log.h"
#include "run_session.h"
#include "scene/stoa_scene_cache.h"

static struct timespec g_start;
static bool g_logged;

__attribute__((constructor)) static void launch_start(void)
{
    clock_gettime(CLOCK_MONOTONIC, &g_start);
}

double run_launch_ms(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - g_start.tv_sec) * 1e3 + (double)(now.tv_nsec - g_start.tv_nsec) * 1e-6;
}

// STOA_LAUNCH_TRACE=1: where launch time goes, one line per step on stderr
// (`stoa bench launch --trace` sets it and sums the steps).
void run_launch_mark(const char *what)
{
    static double last;
    static int on = -1;
    if (on < 0) {
        const char *v = getenv("STOA_LAUNCH_TRACE");
        on = v && *v && strcmp(v, "0") != 0;
    }
    if (!on || g_logged)
        return;
    double now = run_launch_ms();
    fprintf(stderr, "launch-trace: %-28s %8.1f ms (+%.1f)\n", what, now, now - last);
    last = now;
}

void run_launch_frame_submitted(const stoa_scene *scene, bool tracked)
{
    if (g_logged || !tracked)
        return;
    g_logged = true;
    static const char *const outcome[] = {"unused", "hit", "miss", "rejected"};
    stoa_scene_cache_outcome o = stoa_scene_cache_outcome_of(scene);
    STOA_LOGI("run", "launch: first tracked frame submitted %.1f ms after process start (scene "
                     "cache: %s)",
              run_launch_ms(), outcome[o <= STOA_SCENE_CACHE_REJECTED ? o : 0]);
}
