// SPDX-License-Identifier: Apache-2.0
// Launch time: from process start to the first frame submitted with tracked
// views, logged once per process ("launch: first tracked frame ..."), which
// `stoa bench launch` reads. "Process start" is the moment this constructor
// runs: after the dynamic loader, before main.
#include <stdbool.h>
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
