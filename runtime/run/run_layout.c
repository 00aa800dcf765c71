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
        } else if (p->visible && p->until_ns > 0) {
            // Its last second fades it out (a new picture per step), so the
            // learner sees it going instead of it vanishing mid-sentence.
            double left = (double)(p->until_ns - now_ns) * 1e-9;
            float fade = left >= RUN_LAYOUT_FADE_S
                             ? 0.0f
                             : ceilf((float)(1.0 - left / RUN_LAYOUT_FADE_S) * RUN_LAYOUT_FADE_STEPS) /
                                   RUN_LAYOUT_FADE_STEPS;
            if (fade != p->fade) {
                p->fade = fade;
                p->version++;
            }
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

static float dot3(const float a[3], const float b[3])
{
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

static bool unit3(float v[3])
{
    float n = sqrtf(dot3(v, v));
    if (n < 1e-6f)
        return false;
    for (int i = 0; i < 3; i++)
        v[i] /= n;
    return true;
}

bool run_layout_edge_arrow(const float head[3], const float forward[3], const float node_pos[3],
                           float out_pos[3], float out_dir[3])
{
    float f[3] = {forward[0], forward[1], forward[2]};
    float to[3] = {node_pos[0] - head[0], node_pos[1] - head[1], node_pos[2] - head[2]};
    if (!unit3(f) || !unit3(to) || dot3(f, to) > cosf(35.0f * (float)M_PI / 180.0f))
        return false;
    // It stands 1 m ahead, 0.38 m off towards the node across the view...
    float d[3];
    for (int i = 0; i < 3; i++)
        d[i] = to[i] - f[i] * dot3(to, f);
    if (!unit3(d)) { // right behind: off to the right
        d[0] = -f[2], d[1] = 0.0f, d[2] = f[0];
        if (!unit3(d))
            d[0] = 1.0f, d[1] = d[2] = 0.0f;
    }
    for (int i = 0; i < 3; i++)
        out_pos[i] = head[i] + f[i] + d[i] * 0.38f;
    // ...and its tip points at the node from where it stands, not along the
    // view's edge (which is off by atan(1 / (distance - 0.38)): 21 degrees at 3 m).
    for (int i = 0; i < 3; i++)
        out_dir[i] = node_pos[i] - out_pos[i];
    if (!unit3(out_dir))
        memcpy(out_dir, d, sizeof d);
    return true;
}
