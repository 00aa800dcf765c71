// SPDX-License-Identifier: Apache-2.0
// The layout manager of the panels in front of the learner (run_panels.h).
// Before it, the teacher's message, the pause panel and the lesson's own
// panel were each put 1.5 m ahead at nearly the same height and drew over
// one another. Now they share one anchor and stand in a column, ordered by
// what matters most, with a gap between them; panels at a node are left
// where the lesson put them.
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/stoa_clock.h"
#include "run_panels.h"

#define LAYOUT_GAP_M 0.04f
#define LAYOUT_DISTANCE_M 1.5f

// Lower ranks stand higher: the teacher first, then the lesson, subtitles last.
static int rank(const run_panel *p)
{
    if (!strcmp(p->id, "hub-message"))
        return 0;
    if (!strcmp(p->id, "hub-pause"))
        return 1;
    if (p->kind == RUN_PANEL_SUBTITLE)
        return 3;
    return 2;
}

static int cmp(const void *a, const void *b)
{
    const run_panel *x = *(const run_panel *const *)a, *y = *(const run_panel *const *)b;
    int rx = rank(x), ry = rank(y);
    if (rx != ry)
        return rx - ry;
    // Within a rank, the newest on top.
    return (y->shown_seq > x->shown_seq) - (y->shown_seq < x->shown_seq);
}

double run_layout_message_s(const char *text)
{
    // Long enough to read twice at a slow pace: 8 s, plus a second per 12
    // characters (bytes: a Chinese character counts as 3), at most 30 s.
    double s = 8.0 + (double)strlen(text ? text : "") / 12.0;
    return s > 30.0 ? 30.0 : s;
}

static void set_anchor(run_lesson *rl)
{
    float f[3] = {rl->head_forward[0], 0.0f, rl->head_forward[2]};
    float len = sqrtf(f[0] * f[0] + f[2] * f[2]);
    if (len < 1e-3f)
        f[0] = 0.0f, f[2] = -1.0f, len = 1.0f;
    for (int i = 0; i < 3; i += 2)
        rl->layout_center[i] = rl->head_world[i] + f[i] / len * LAYOUT_DISTANCE_M;
    rl->layout_center[1] = rl->head_world[1];
    // right = forward x up, level
    rl->layout_right[0] = -f[2] / len;
    rl->layout_right[1] = 0.0f;
    rl->layout_right[2] = f[0] / len;
    rl->layout_set = true;
}

int64_t run_layout_clock_ns(void)
{
    return (int64_t)(stoa_time_seconds() * 1e9);
}

void run_layout_arrange(run_lesson *rl, int64_t now_ns)
{
    run_panel *col[RUN_MAX_PANELS];
    int n = 0;
    for (int i = 0; i < RUN_MAX_PANELS; i++) {
        run_panel *p = &rl->panels[i];
        if (p->visible && p->until_ns > 0 && now_ns >= p->until_ns) {
            p->visible = false; // the teacher's message has had its time
            p->version++;
        }
        if (p->visible && p->front)
            col[n++] = p;
    }
    if (n == 0) {
        rl->layout_set = false; // the next panel stands where the learner then looks
        return;
    }
    if (!rl->layout_set)
        set_anchor(rl);
    qsort(col, (size_t)n, sizeof *col, cmp);
    float total = 0.0f;
    for (int i = 0; i < n; i++)
        total += col[i]->height * col[i]->scale + (i ? LAYOUT_GAP_M : 0.0f);
    // The column's middle a little below the eyes, where reading is easiest.
    float top = rl->layout_center[1] - 0.15f + total * 0.5f;
    for (int i = 0; i < n; i++) {
        run_panel *p = col[i];
        float h = p->height * p->scale;
        p->center[0] = rl->layout_center[0];
        p->center[1] = top - h * 0.5f;
        p->center[2] = rl->layout_center[2];
        memcpy(p->right, rl->layout_right, sizeof p->right);
        p->up[0] = p->up[2] = 0.0f;
        p->up[1] = 1.0f;
        top -= h + LAYOUT_GAP_M;
    }
}
