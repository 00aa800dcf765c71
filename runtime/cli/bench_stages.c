// SPDX-License-Identifier: Apache-2.0
// The stage table of `stoa bench load --stages` (see bench_stages.h).
#include "bench_stages.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct kept {
    char name[48];
    bench_stage_row row;
} kept;

static kept *g_rows;
static int g_count, g_cap;

void bench_stages_start(void)
{
    stoa_scene_stages_reset();
    stoa_scene_stages_enable(true);
}

void bench_stages_stop(bench_stage_row *row)
{
    for (int s = 0; s < STOA_SCENE_STAGE_COUNT; s++)
        row->scene[s] += stoa_scene_stage_ms((stoa_scene_stage)s);
    stoa_scene_stages_enable(false);
}

void bench_stages_keep(const char *name, const bench_stage_row *row)
{
    if (g_count == g_cap) {
        int cap = g_cap ? g_cap * 2 : 64;
        kept *grown = realloc(g_rows, (size_t)cap * sizeof *grown);
        if (!grown)
            return; // a row fewer in a benchmark's table
        g_rows = grown;
        g_cap = cap;
    }
    kept *k = &g_rows[g_count++];
    snprintf(k->name, sizeof k->name, "%s", name);
    k->row = *row;
}

static void print_one(const char *name, const bench_stage_row *r)
{
    double n = r->runs > 0 ? r->runs : 1;
    printf("%-34.34s", name);
    for (int s = 0; s < STOA_SCENE_STAGE_COUNT; s++)
        printf(" %8.2f", r->scene[s] / n);
    printf(" %8.2f %8.2f %8.2f %8.2f %8.2f\n", r->upload[0] / n, r->upload[1] / n,
           r->upload[2] / n, r->first / n, r->gpu / n);
}

void bench_stages_print(void)
{
    if (!g_count)
        return;
    printf("first load by stage (ms, mean per run; no cache file, textures deferred; "
           "cache_write runs on a background thread after the first frame;\n"
           "up_end submits the upload without waiting; up_gpu = the wait, after first, until "
           "the device has done its copies):\n%-34s",
           "file");
    for (int s = 0; s < STOA_SCENE_STAGE_COUNT; s++)
        printf(" %8.8s", stoa_scene_stage_name((stoa_scene_stage)s));
    printf(" %8s %8s %8s %8s %8s\n", "up_begin", "up_fill", "up_end", "first", "up_gpu");
    bench_stage_row total = {0};
    for (int i = 0; i < g_count; i++) {
        const bench_stage_row *r = &g_rows[i].row;
        print_one(g_rows[i].name, r);
        double n = r->runs > 0 ? r->runs : 1;
        for (int s = 0; s < STOA_SCENE_STAGE_COUNT; s++)
            total.scene[s] += r->scene[s] / n;
        for (int u = 0; u < 3; u++)
            total.upload[u] += r->upload[u] / n;
        total.first += r->first / n;
        total.gpu += r->gpu / n;
    }
    total.runs = 1;
    print_one("total", &total);
    free(g_rows);
    g_rows = NULL;
    g_count = g_cap = 0;
}
