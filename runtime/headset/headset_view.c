// SPDX-License-Identifier: Apache-2.0
// The teacher's live view of this headset: snapshots of the left eye, sent
// through the hub (headset_view.h).
#include "headset_view.h"

#include <cglm/cglm.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/stoa_clock.h"
#include "core/stoa_log.h"
#include "run/run_hub.h"
#include "run/run_lesson.h"

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

void headset_view_frame(run_view *v, stoa_xr *xr, run_hub *hub, run_lesson *rl, run_lesson *panels,
                        const stoa_xr_frame *f, int64_t now_ns)
{
    note_cpu(v); // the last frame's, its tap included
    v->frame_us = 0;
    stoa_net *net = hub ? hub->net : NULL;
    run_view_common(v, hub, rl, f->hands[0].menu || f->hands[1].menu, now_ns);
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
    run_view_watched(v, panels, &want);
    v->frame_us += (stoa_time_seconds() - t0) * 1e6;
}

