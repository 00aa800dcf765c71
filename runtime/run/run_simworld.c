// SPDX-License-Identifier: Apache-2.0
// The simulated learner's view of the world: where the scene's nodes and
// the shown quiz's choices are, in tracking (STAGE) coordinates, for the
// xrsim script's learner actions ("select: Door", "answer: 0", …;
// docs/xrsim.md, "Learner actions").
//
// Why a file: xrsim is an OpenXR runtime and OpenXR has no way for an app to
// tell its runtime what the scene holds. The two share a process today, but
// nothing in OpenXR lets xrsim reach the app's memory, and a file works the
// same if xrsim ever runs apart (or for the desktop front-end). xrsim reads
// it only when a learner action fires. Written only when STOA_XRSIM_WORLD
// names the file (`stoa run --sim` sets it when a script is given), every
// few frames, atomically (write, then rename), so a reader never sees half.
//
//   stoa-sim-world 1
//   t <display time, ns>
//   node <TAB> NAME <TAB> x <TAB> y <TAB> z     centre of its world bounds
//   choice <TAB> N <TAB> x <TAB> y <TAB> z      the quiz on show, choice N
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/stoa_log.h"
#include "run_hand.h"
#include "run_panels.h"
#include "run_session.h"
#include "run_simworld.h"

#define PUBLISH_EVERY 4 // frames; xrsim resolves an action 0.1 s before it acts

static void grow(const float m[16], const float mn[3], const float mx[3], float bmin[3],
                 float bmax[3])
{
    for (int c = 0; c < 8; c++) {
        float p[3] = {c & 1 ? mx[0] : mn[0], c & 2 ? mx[1] : mn[1], c & 4 ? mx[2] : mn[2]};
        for (int k = 0; k < 3; k++) {
            float w = m[k] * p[0] + m[4 + k] * p[1] + m[8 + k] * p[2] + m[12 + k];
            bmin[k] = fminf(bmin[k], w);
            bmax[k] = fmaxf(bmax[k], w);
        }
    }
}

static bool below(const stoa_scene *sc, uint32_t node, uint32_t i)
{
    for (int32_t n = (int32_t)i, d = 0; n >= 0 && d < 256; n = sc->nodes[n].parent, d++)
        if ((uint32_t)n == node)
            return true;
    return false;
}

// Centre of the world bounds of `node` and its descendants (stored after
// it); a node without any mesh: its origin.
static void node_centre(const stoa_scene *sc, const stoa_pose *pose, uint32_t node, float out[3])
{
    float mn[3] = {FLT_MAX, FLT_MAX, FLT_MAX}, mx[3] = {-FLT_MAX, -FLT_MAX, -FLT_MAX};
    bool any = false;
    for (uint32_t i = node; i < sc->node_count; i++) {
        if (sc->nodes[i].mesh_count == 0 || !below(sc, node, i))
            continue;
        for (uint32_t k = 0; k < sc->nodes[i].mesh_count; k++) {
            const stoa_mesh *m = &sc->meshes[sc->nodes[i].meshes[k]];
            grow(stoa_pose_world(pose, i), m->bounds_min, m->bounds_max, mn, mx);
            any = true;
        }
    }
    const float *w = stoa_pose_world(pose, node);
    for (int k = 0; k < 3; k++)
        out[k] = any ? 0.5f * (mn[k] + mx[k]) : w[12 + k];
}

// world = rig.position + Ry(yaw) * (tracking + (0, h, 0)), inverted.
static void to_tracking(const run_session *s, const float w[3], float out[3])
{
    stoa_interact_rig rig = stoa_interact_get_rig(s->interact);
    float d[3] = {w[0] - rig.position[0], w[1] - rig.position[1], w[2] - rig.position[2]};
    float c = cosf(rig.yaw), sn = sinf(rig.yaw);
    out[0] = c * d[0] - sn * d[2];
    out[1] = d[1] - (s->opt->seated ? 1.6f : 0.0f);
    out[2] = sn * d[0] + c * d[2];
}

static bool plain_name(const char *n)
{
    if (!n || !*n)
        return false;
    for (; *n; n++)
        if (*n == '\t' || *n == '\n' || *n == '\r')
            return false;
    return true;
}

void run_simworld_frame(run_session *s, int64_t display_ns)
{
    const char *path = getenv("STOA_XRSIM_WORLD");
    if (!path || !*path || !s->scene || !s->pose || !s->interact || s->frames % PUBLISH_EVERY)
        return;
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f) {
        if (!s->simworld_warned)
            STOA_LOGW("run", "STOA_XRSIM_WORLD: cannot write %s", tmp);
        s->simworld_warned = true;
        return;
    }
    fprintf(f, "stoa-sim-world 1\nt %lld\n", (long long)display_ns);
    const stoa_scene *sc = s->scene;
    for (uint32_t n = 0; n < sc->node_count; n++) {
        if (!plain_name(sc->nodes[n].name))
            continue;
        float w[3], t[3];
        node_centre(sc, s->pose, n, w);
        to_tracking(s, w, t);
        fprintf(f, "node\t%s\t%.4f\t%.4f\t%.4f\n", sc->nodes[n].name, t[0], t[1], t[2]);
    }
    float hb[3], ht[3];
    if (run_hand_point(s, hb)) { // the "raise my hand" button: select: hand-button
        to_tracking(s, hb, ht);
        fprintf(f, "node\thand-button\t%.4f\t%.4f\t%.4f\n", ht[0], ht[1], ht[2]);
    }
    run_lesson *rl = run_period_panels(s);
    run_panel *q = rl ? run_panels_quiz(rl) : NULL;
    for (uint32_t i = 0; q && q->drawn && !q->answered && i < q->choice_count; i++) {
        // The centre of choice i's rectangle (u right, v down) on the panel.
        const float *uv = q->choice_uv[i];
        float x = (0.5f * (uv[0] + uv[2]) - 0.5f) * q->width * q->scale;
        float y = (0.5f - 0.5f * (uv[1] + uv[3])) * q->height * q->scale;
        float w[3], t[3];
        for (int k = 0; k < 3; k++)
            w[k] = q->center[k] + q->right[k] * x + q->up[k] * y;
        to_tracking(s, w, t);
        fprintf(f, "choice\t%u\t%.4f\t%.4f\t%.4f\n", i, t[0], t[1], t[2]);
    }
    bool ok = fclose(f) == 0;
    if (!ok || rename(tmp, path) != 0)
        remove(tmp);
}
