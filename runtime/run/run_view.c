// SPDX-License-Identifier: Apache-2.0
// The raised hand, attention at a glance and the "watched" sign, for any
// front-end (run_view.h); the pictures are run_view_pics.c's.
#include "run_view.h"
#include "core/stoa_stats.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run_hub.h"
#include "run_lesson.h"
#include "run_panels.h"

#define WATCHED_PANEL "hub-watched"

// The gaze on one of the current state's key nodes (within the narration
// attention's angle): 1, elsewhere -1, no key nodes or no lesson 0.
static int attention(const run_lesson *rl)
{
    const stoa_lesson_state *st = rl && rl->machine ? stoa_lesson_machine_state(rl->machine) : NULL;
    if (!st || st->key_node_count == 0 || !rl->scene)
        return 0;
    float lim = cosf(30.0f * 3.14159265f / 180.0f);
    for (uint32_t k = 0; k < st->key_node_count; k++) {
        const float *m = run_lesson_node_world(rl, stoa_scene_find_node(rl->scene, st->key_nodes[k]));
        if (!m)
            continue;
        float d[3] = {m[12] - rl->head_world[0], m[13] - rl->head_world[1], m[14] - rl->head_world[2]};
        float len = sqrtf(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
        if (len < 1e-3f ||
            (d[0] * rl->head_forward[0] + d[1] * rl->head_forward[1] + d[2] * rl->head_forward[2]) / len >= lim)
            return 1;
    }
    return -1;
}

void run_view_common(run_view *v, run_hub *hub, run_lesson *rl, bool menu_down, int64_t now_ns)
{
    if (!menu_down) {
        v->menu_since_ns = 0;
        v->menu_used = false;
    } else {
        if (!v->menu_since_ns)
            v->menu_since_ns = now_ns;
        if (!v->menu_used && (double)(now_ns - v->menu_since_ns) * 1e-9 >= RUN_VIEW_HAND_HOLD_S) {
            run_view_set_hand(v, !v->hand);
            v->menu_used = true;
        }
    }
    if (hub && hub->answered) {
        hub->answered = false;
        run_view_set_hand(v, false);
    }
    v->attention = attention(rl);
    if (hub) {
        hub->hand = v->hand;
        hub->attention = v->attention;
    }
}

void run_view_watched(run_view *v, run_lesson *panels, const stoa_net_view_want *want)
{
    // The learner sees that the teacher watches.
    if (panels && want->on != v->indicator) {
        bool zh = panels->lang && strncmp(panels->lang, "zh", 2) == 0;
        if (want->on)
            run_panels_show_text(panels, WATCHED_PANEL, zh ? "● 老师正在看你的画面" : "● Your teacher sees your view", -1);
        else
            run_panels_hide(panels, WATCHED_PANEL);
        v->indicator = want->on;
    }
    if (want->on != v->watched || (want->on && want->width != v->told_width)) { // for the log and the tests
        if (want->on)
            printf("stoa run: live view on: %u px, %.1f a second\n", want->width, want->fps);
        else
            printf("stoa run: live view off\n");
        fflush(stdout);
        v->told_width = want->width;
    }
    v->watched = want->on;
}

void run_view_set_hand(run_view *v, bool up)
{
    if (v->hand != up) {
        printf("stoa run: hand %s\n", up ? "raised" : "lowered");
        fflush(stdout);
    }
    v->hand = up;
}

void run_view_release_gpu(run_view *v)
{
    run_view_pics_release_gpu(v);
}

void run_view_free(run_view *v)
{
    run_view_release_gpu(v);
    free(v->cpu_us);
    memset(v, 0, sizeof *v);
}

bool run_view_cpu_us(const run_view *v, double *out_median, double *out_p99)
{
    if (!v->cpu_count)
        return false;
    double *c = malloc(v->cpu_count * sizeof *c);
    if (!c)
        return false;
    memcpy(c, v->cpu_us, v->cpu_count * sizeof *c);
    stoa_sort_doubles(c, v->cpu_count);
    *out_median = c[v->cpu_count / 2];
    *out_p99 = c[(uint32_t)((double)(v->cpu_count - 1) * 0.99)];
    free(c);
    return true;
}

void run_view_report(const run_view *v)
{
    double med = 0, p99 = 0;
    if (!v->sent || !run_view_cpu_us(v, &med, &p99))
        return;
    printf("stoa run: live view: %llu pictures sent, %llu snapshots skipped; added CPU time per frame "
           "on the frame thread: median %.1f us, p99 %.1f us over %u frames\n",
           (unsigned long long)v->sent, (unsigned long long)v->skipped, med, p99, v->cpu_count);
    fflush(stdout);
}
