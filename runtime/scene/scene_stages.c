// SPDX-License-Identifier: Apache-2.0
// Stage timers of stoa_scene_load, for `stoa bench load --stages` and
// STOA_SCENE_STAGES=1: wall time summed per stage over every load of the
// process, off (two relaxed loads) unless turned on. Several threads may add
// at once (the cache writer, level-of-detail workers), hence atomics.
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "scene_internal.h"

static atomic_int g_on = -1; // -1: not decided yet (read STOA_SCENE_STAGES once)
static atomic_ullong g_ns[STOA_SCENE_STAGE_COUNT];
// Stages do not nest: one that starts inside another on the same thread
// (the cache key reads the document too) is counted in the outer one.
static _Thread_local int t_open;

static const char *const k_names[STOA_SCENE_STAGE_COUNT] = {
    [STOA_SCENE_STAGE_KEY] = "key",           [STOA_SCENE_STAGE_READ] = "read",
    [STOA_SCENE_STAGE_JSON] = "json",         [STOA_SCENE_STAGE_VALIDATE] = "validate",
    [STOA_SCENE_STAGE_MESHOPT] = "meshopt",   [STOA_SCENE_STAGE_ASSIMP] = "assimp",
    [STOA_SCENE_STAGE_CONVERT] = "convert",   [STOA_SCENE_STAGE_BUILD] = "build",
    [STOA_SCENE_STAGE_LODS] = "lods",         [STOA_SCENE_STAGE_LODS_BG] = "lods_bg",
    [STOA_SCENE_STAGE_WRITE] = "cache_write",
};

static bool on(void)
{
    int v = atomic_load_explicit(&g_on, memory_order_relaxed);
    if (v < 0) {
        const char *e = getenv("STOA_SCENE_STAGES");
        v = e && e[0] && strcmp(e, "0") != 0;
        atomic_store(&g_on, v);
    }
    return v;
}

void stoa_scene_stages_enable(bool enable)
{
    atomic_store(&g_on, enable ? 1 : 0);
}

void stoa_scene_stages_reset(void)
{
    for (int i = 0; i < STOA_SCENE_STAGE_COUNT; i++)
        atomic_store(&g_ns[i], 0);
}

double stoa_scene_stage_ms(stoa_scene_stage stage)
{
    if ((unsigned)stage >= STOA_SCENE_STAGE_COUNT)
        return 0.0;
    return (double)atomic_load(&g_ns[stage]) * 1e-6;
}

const char *stoa_scene_stage_name(stoa_scene_stage stage)
{
    return (unsigned)stage < STOA_SCENE_STAGE_COUNT ? k_names[stage] : "?";
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec + 1; // never 0 when on
}

uint64_t scene_stage_begin(void)
{
    if (!on() || t_open)
        return 0;
    t_open = 1;
    return now_ns();
}

void scene_stage_end(stoa_scene_stage stage, uint64_t begun)
{
    if (!begun || (unsigned)stage >= STOA_SCENE_STAGE_COUNT)
        return;
    t_open = 0;
    uint64_t now = now_ns();
    if (now > begun)
        atomic_fetch_add(&g_ns[stage], now - begun);
}
