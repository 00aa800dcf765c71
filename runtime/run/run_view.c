// SPDX-License-Identifier: Apache-2.0
// The teacher's live view, the raised hand and attention at a glance (run_view.h).
#include "run_view.h"

#include <cglm/cglm.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/stoa_clock.h"
#include "core/stoa_log.h"
#include "run_hub.h"
#include "run_lesson.h"
#include "run_panels.h"

#define WATCHED_PANEL "hub-watched"

static int64_t unix_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

// The drawn time and the gaze point travel with the snapshot in its 64-bit
// `user` value: milliseconds (41 bits), a flag and the point in 10+10 bits.
static uint64_t pack(int64_t ms, bool has_gaze, const float g[2])
{
    uint64_t u = (uint64_t)(g[0] < 0 ? 0 : g[0] > 1 ? 1023 : g[0] * 1023.0f);
    uint64_t w = (uint64_t)(g[1] < 0 ? 0 : g[1] > 1 ? 1023 : g[1] * 1023.0f);
    return ((uint64_t)ms << 21) | ((uint64_t)has_gaze << 20) | (u << 10) | w;
}

static void unpack(uint64_t user, stoa_net_view_meta *m)
{
    m->drawn_unix_ms = (int64_t)(user >> 21);
    m->has_gaze = (user >> 20) & 1;
    m->gaze[0] = (float)((user >> 10) & 1023) / 1023.0f;
    m->gaze[1] = (float)(user & 1023) / 1023.0f;
}

// Called inside the frame's command buffer (stoa_xr_set_tap).
static void tap(void *user, VkCommandBuffer cmd, VkImage image, uint32_t width, uint32_t height, VkFormat format)
{
    run_view *v = user;
    double t0 = stoa_time_seconds();
    v->format = format;
    if (v->armed && v->snap) {
        if (stoa_gfx_snap_record(v->snap, cmd, image, width, height, VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL,
                                 RUN_VIEW_CROP, v->user))
            v->armed = false;
        else
            v->skipped++;
    }
    v->frame_us += (stoa_time_seconds() - t0) * 1e6;
}

// Where the learner looks, in the picture (0..1 from the top left): the
// gaze (eye tracking, else the head's forward) 2 m out, seen by the left eye,
// then the centre crop. false when it falls outside.
static bool gaze_point(const stoa_xr_frame *f, uint32_t pw, uint32_t ph, float out[2])
{
    const stoa_xr_pose *g = f->eye_gaze_valid ? &f->eye_gaze : &f->head;
    const stoa_xr_pose *e = &f->eyes[0];
    if (!g->valid || !e->valid)
        return false;
    versor qg = {g->orientation[0], g->orientation[1], g->orientation[2], g->orientation[3]};
    versor qe = {e->orientation[0], e->orientation[1], e->orientation[2], e->orientation[3]}, qi;
    vec3 fwd = {0, 0, -2.0f}, p, d;
    glm_quat_rotatev(qg, fwd, p);
    glm_vec3_add(p, (float *)g->position, p);
    glm_vec3_sub(p, (float *)e->position, d);
    glm_quat_inv(qe, qi);
    glm_quat_rotatev(qi, d, d);
    if (d[2] > -1e-3f)
        return false;
    float x = d[0] / -d[2], y = d[1] / -d[2];
    float tl = tanf(f->fov[0][0]), tr = tanf(f->fov[0][1]), tu = tanf(f->fov[0][2]), td = tanf(f->fov[0][3]);
    float u = (x - tl) / (tr - tl), w = (tu - y) / (tu - td); // of the whole eye
    // The crop: RUN_VIEW_CROP of the eye's width, centred, the picture's aspect.
    float cw = RUN_VIEW_CROP, ch = RUN_VIEW_CROP * (float)ph / (float)pw;
    float eye_aspect = (tr - tl) / (tu - td); // width / height of the eye's image, near enough
    ch *= eye_aspect;
    if (ch > 1.0f) {
        cw /= ch;
        ch = 1.0f;
    }
    out[0] = (u - (1.0f - cw) / 2) / cw;
    out[1] = (w - (1.0f - ch) / 2) / ch;
    return out[0] >= 0 && out[0] <= 1 && out[1] >= 0 && out[1] <= 1;
}

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

static void hand_button(run_view *v, const stoa_xr_frame *f, int64_t now_ns)
{
    bool down = f->hands[0].menu || f->hands[1].menu;
    if (!down) {
        v->menu_since_ns = 0;
        v->menu_used = false;
        return;
    }
    if (!v->menu_since_ns)
        v->menu_since_ns = now_ns;
    if (!v->menu_used && (double)(now_ns - v->menu_since_ns) * 1e-9 >= RUN_VIEW_HAND_HOLD_S) {
        run_view_set_hand(v, !v->hand);
        v->menu_used = true;
    }
}

static void note_cpu(run_view *v)
{
    if (v->frame_us <= 0)
        return;
    if (v->cpu_count == v->cpu_cap) {
        uint32_t cap = v->cpu_cap ? v->cpu_cap * 2 : 1024;
        double *grown = realloc(v->cpu_us, cap * sizeof *grown);
        if (!grown)
            return;
        v->cpu_us = grown, v->cpu_cap = cap;
    }
    v->cpu_us[v->cpu_count++] = v->frame_us;
}

void run_view_frame(run_view *v, stoa_xr *xr, run_hub *hub, run_lesson *rl, run_lesson *panels,
                    const stoa_xr_frame *f, int64_t now_ns)
{
    note_cpu(v); // the last frame's, its tap included
    v->frame_us = 0;
    stoa_net *net = hub ? hub->net : NULL;
    hand_button(v, f, now_ns);
    if (hub && hub->answered) {
        hub->answered = false;
        run_view_set_hand(v, false);
    }
    v->attention = attention(rl);
    if (hub) {
        hub->hand = v->hand;
        hub->attention = v->attention;
    }
    if (!net || !xr)
        return;
    double t0 = stoa_time_seconds();
    stoa_xr_set_tap(xr, tap, v);
    stoa_gfx_device *dev = stoa_xr_device(xr);
    if (v->retired && --v->retired_frames <= 0)
        stoa_gfx_snap_destroy(&v->retired);
    // What the hub wants changes a few times a minute: asked ten times a
    // second, not every frame (the net module's lock is shared with its thread).
    int64_t wall_ns = (int64_t)(stoa_time_seconds() * 1e9);
    if (wall_ns >= v->want_next_ns) {
        stoa_net_get_view_want(net, &v->want);
        v->want_next_ns = wall_ns + 100000000LL;
    }
    stoa_net_view_want want = v->want;
    // A picture the GPU has finished goes to the net thread (a copy).
    // One copy, straight from the mapped snapshot into the net thread's
    // buffer; the channel order is the net thread's business.
    uint64_t user = 0;
    bool bgra = false;
    const uint8_t *pixels = v->snap ? stoa_gfx_snap_map(v->snap, &user, &bgra) : NULL;
    if (pixels) {
        stoa_net_view_meta meta;
        unpack(user, &meta);
        meta.bgra = bgra;
        if (stoa_net_send_view(net, pixels, v->width, v->height, &meta))
            v->sent++;
    }
    uint32_t w = want.width & ~3u, h = (want.width * 3 / 4) & ~3u;
    if (want.on && v->format && (!v->snap || v->width != w || v->height != h)) {
        // A new size (the large view opened or closed): the old ring is
        // destroyed a few frames later, when no frame in flight can use it
        // any more (runtime/xr waits for the frame two back before each).
        if (v->snap) {
            stoa_gfx_snap_destroy(&v->retired); // older still: long done
            v->retired = v->snap;
            v->retired_frames = 4;
            v->snap = NULL;
        }
        stoa_error err = {0};
        if (stoa_gfx_snap_create(dev, &(stoa_gfx_snap_desc){.width = w, .height = h, .format = v->format},
                                            &v->snap, &err) >= 0) {
            v->device = dev;
            v->width = w, v->height = h;
        } else {
            STOA_LOGW("run", "live view: %s", err.message);
        }
    }
    // Pictures are paced by the wall clock: the teacher's rates are in real
    // seconds, whatever the display clock does (xrsim's fast clock).
    if (want.on && v->snap && wall_ns >= v->next_ns) {
        float g[2] = {0.5f, 0.5f};
        bool has = gaze_point(f, v->width, v->height, g);
        v->user = pack(unix_ms(), has, g);
        v->armed = true;
        v->next_ns = wall_ns + (int64_t)(1e9 / want.fps);
    }
    if (!want.on)
        v->armed = false;
    // The learner sees that the teacher watches.
    if (panels && want.on != v->indicator) {
        bool zh = panels->lang && strncmp(panels->lang, "zh", 2) == 0;
        if (want.on)
            run_panels_show_text(panels, WATCHED_PANEL, zh ? "● 老师正在看你的画面" : "● Your teacher sees your view", -1);
        else
            run_panels_hide(panels, WATCHED_PANEL);
        v->indicator = want.on;
    }
    if (want.on != v->watched || (want.on && want.width != v->told_width)) { // for the log and the tests
        if (want.on)
            printf("stoa run: live view on: %u px, %.1f a second\n", want.width, want.fps);
        else
            printf("stoa run: live view off\n");
        fflush(stdout);
        v->told_width = want.width;
    }
    v->watched = want.on;
    v->frame_us += (stoa_time_seconds() - t0) * 1e6;
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
    stoa_gfx_snap_destroy(&v->snap);
    stoa_gfx_snap_destroy(&v->retired);
    v->device = NULL;
    v->armed = false;
}

void run_view_free(run_view *v)
{
    run_view_release_gpu(v);
    free(v->cpu_us);
    memset(v, 0, sizeof *v);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

bool run_view_cpu_us(const run_view *v, double *out_median, double *out_p99)
{
    if (!v->cpu_count)
        return false;
    double *c = malloc(v->cpu_count * sizeof *c);
    if (!c)
        return false;
    memcpy(c, v->cpu_us, v->cpu_count * sizeof *c);
    qsort(c, v->cpu_count, sizeof *c, cmp_double);
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
