// SPDX-License-Identifier: Apache-2.0
// The learner's pictures for the teacher's live view, for any front-end
// (run_view.h, "Pictures"): the front-end calls run_view_pics_frame once a
// frame and run_view_pics_tap inside the frame's command buffer; a picker
// thread polls the snapshot's event and hands the pixels to the net thread
// (which encodes and sends them) as soon as the GPU is done, not a frame
// later. The frame thread never waits: it only try-locks the picker's
// mutex, and a snapshot that finds it busy is recorded a frame later.
// Nor does it make the snapshot's ring (buffers, events) when the teacher
// opens a view or changes its size: the picker makes it, and a later frame
// swaps it in.
#include "run_view.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/stoa_clock.h"
#include "core/stoa_log.h"
#include "run_hub.h"

#define PICK_POLL_NS 2000000L // the picker looks at the pending snapshot every 2 ms
#define PICK_SLOW_AFTER_S 5.0 // ... then, after this long (a GPU far behind), every 50 ms
#define PICK_SLOW_POLL_NS 50000000L
#define PICK_GIVE_UP_S 120.0 // its frame never reached the GPU (a failed submit): stop

struct run_view_pics {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pthread_t thread;
    bool stop;
    stoa_net *net;       // where pictures go (the frame thread sets it each frame)
    stoa_gfx_snap *snap; // v->snap, as the picker sees it
    uint32_t width, height;
    uint64_t pending_user; // the newest recorded snapshot's tag, 0 = none waits
    double pending_since;  // when it was recorded (stoa_time_seconds)
    uint64_t rec_user[4];  // the last snapshots' tags and when their frames were recorded (unix ms)
    int64_t rec_ms[4];
    unsigned rec_next;
    uint64_t sent;
    // A ring of another size asked of the picker (make_w 0: none), and the
    // one it made for the frame thread to take.
    stoa_gfx_device *dev;
    uint32_t make_w, make_h;
    VkFormat make_format;
    stoa_gfx_snap *made;
    uint32_t made_w, made_h;
    uint32_t failed_w, failed_h; // a size the picker could not make (not asked again)
};

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

// The picker, mutex held: makes the ring asked for, unlocked meanwhile.
static void make_ring(run_view_pics *p)
{
    stoa_gfx_snap_desc d = {.width = p->make_w, .height = p->make_h, .format = p->make_format};
    stoa_gfx_device *dev = p->dev;
    p->make_w = 0;
    pthread_mutex_unlock(&p->mu);
    stoa_gfx_snap *snap = NULL;
    stoa_error err = {0};
    if (stoa_gfx_snap_create(dev, &d, &snap, &err) < 0)
        STOA_LOGW("run", "live view: %s", err.message);
    pthread_mutex_lock(&p->mu);
    stoa_gfx_snap_destroy(&p->made); // an older size, never taken: never used
    p->made = snap;
    p->made_w = d.width, p->made_h = d.height;
    if (!snap)
        p->failed_w = d.width, p->failed_h = d.height;
}

static void *picker(void *arg)
{
    run_view_pics *p = arg;
    pthread_mutex_lock(&p->mu);
    while (!p->stop) {
        if (p->make_w && p->dev) {
            make_ring(p);
            continue;
        }
        if (!p->pending_user || !p->snap || !p->net) {
            pthread_cond_wait(&p->cv, &p->mu);
            continue;
        }
        uint64_t user = 0;
        bool bgra = false;
        const uint8_t *px = stoa_gfx_snap_map(p->snap, &user, &bgra);
        if (px) {
            stoa_net_view_meta meta = {0};
            unpack(user, &meta);
            meta.bgra = bgra;
            meta.ready_unix_ms = unix_ms();
            for (int i = 0; i < 4; i++)
                if (p->rec_user[i] == user)
                    meta.recorded_unix_ms = p->rec_ms[i];
            // The copy is made under the lock: the slot may be recorded
            // into again once it is let go (the frame thread skips then).
            if (stoa_net_send_view(p->net, px, p->width, p->height, &meta))
                p->sent++;
            if (user == p->pending_user)
                p->pending_user = 0;
            continue;
        }
        // A GPU seconds behind (30 lavapipe headsets on two cores) still
        // finishes the frame: its picture is taken then, not given up on
        // (a snapshot given up on was sent later, when a newer one was
        // recorded, with its old time: pictures minutes old).
        double waited = stoa_time_seconds() - p->pending_since;
        if (waited > PICK_GIVE_UP_S)
            p->pending_user = 0;
        pthread_mutex_unlock(&p->mu);
        nanosleep(
            &(struct timespec){0, waited > PICK_SLOW_AFTER_S ? PICK_SLOW_POLL_NS : PICK_POLL_NS},
            NULL);
        pthread_mutex_lock(&p->mu);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

static run_view_pics *pics_start(run_view *v)
{
    if (v->pics)
        return v->pics;
    run_view_pics *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    if (pthread_create(&p->thread, NULL, picker, p) != 0) {
        pthread_cond_destroy(&p->cv);
        pthread_mutex_destroy(&p->mu);
        free(p);
        return NULL;
    }
    v->pics = p;
    return p;
}

void run_view_pics_stop(run_view *v)
{
    run_view_pics *p = v->pics;
    if (!p)
        return;
    pthread_mutex_lock(&p->mu);
    p->stop = true;
    pthread_cond_signal(&p->cv);
    pthread_mutex_unlock(&p->mu);
    pthread_join(p->thread, NULL);
    stoa_gfx_snap_destroy(&p->made); // never taken: never used
    v->sent += p->sent;
    pthread_cond_destroy(&p->cv);
    pthread_mutex_destroy(&p->mu);
    free(p);
    v->pics = NULL;
}

void run_view_pics_tap(run_view *v, VkCommandBuffer cmd, VkImage image, uint32_t width,
                       uint32_t height, VkFormat format, VkImageLayout layout)
{
    double t0 = stoa_time_seconds();
    v->format = format;
    run_view_pics *p = v->pics;
    if (v->armed && v->snap && p && pthread_mutex_trylock(&p->mu) == 0) {
        if (stoa_gfx_snap_record(v->snap, cmd, image, width, height, layout, RUN_VIEW_CROP,
                                 v->user)) {
            v->armed = false;
            p->pending_user = v->user;
            p->pending_since = stoa_time_seconds();
            p->rec_user[p->rec_next % 4] = v->user;
            p->rec_ms[p->rec_next++ % 4] = unix_ms();
            pthread_cond_signal(&p->cv);
        } else {
            v->skipped++;
            // Every slot holds a snapshot not read yet: the picker takes
            // the finished ones (and so frees their slots) if it had
            // stopped looking; without this the ring stayed full for good.
            if (!p->pending_user && p->rec_next) {
                p->pending_user = p->rec_user[(p->rec_next - 1) % 4];
                p->pending_since = stoa_time_seconds();
                pthread_cond_signal(&p->cv);
            }
        }
        pthread_mutex_unlock(&p->mu);
    }
    v->frame_us += (stoa_time_seconds() - t0) * 1e6;
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

// A new size (the large view opened or closed): the picker makes its ring
// (asked here, p->mu held); once made, a later frame takes it, and the old
// ring is destroyed a few frames later, when no frame in flight can use it.
static void resize(run_view *v, run_view_pics *p, stoa_gfx_device *dev, uint32_t w, uint32_t h)
{
    if (p->made && p->made_w == w && p->made_h == h) {
        if (v->snap) {
            stoa_gfx_snap_destroy(&v->retired); // older still: long done
            v->retired = v->snap;
            v->retired_frames = 4;
        }
        v->snap = p->made;
        p->made = NULL;
        v->device = dev;
        v->width = w, v->height = h;
        p->snap = v->snap;
        p->width = v->width, p->height = v->height;
        p->pending_user = 0;
        return;
    }
    if ((p->make_w == w && p->make_h == h) || (p->failed_w == w && p->failed_h == h))
        return; // asked already, or it could not be made
    p->dev = dev;
    p->make_w = w, p->make_h = h, p->make_format = v->format;
    pthread_cond_signal(&p->cv);
}

void run_view_pics_frame(run_view *v, stoa_gfx_device *dev, run_hub *hub, run_lesson *panels,
                         bool has_gaze, const float gaze[2])
{
    note_cpu(v); // the last frame's, its tap included
    v->frame_us = 0;
    stoa_net *net = hub ? hub->net : NULL;
    if (!net || !dev)
        return;
    double t0 = stoa_time_seconds();
    run_view_pics *p = pics_start(v);
    // What the hub wants changes a few times a minute: asked ten times a
    // second, not every frame (the net module's lock is shared with its thread).
    int64_t wall_ns = (int64_t)(stoa_time_seconds() * 1e9);
    if (wall_ns >= v->want_next_ns) {
        stoa_net_get_view_want(net, &v->want);
        v->want_next_ns = wall_ns + 100000000LL;
    }
    stoa_net_view_want want = v->want;
    uint32_t w = want.width & ~3u, h = (want.width * 3 / 4) & ~3u;
    if (p && pthread_mutex_trylock(&p->mu) == 0) { // busy: the picker copies; next frame
        p->net = net;
        if (v->retired && --v->retired_frames <= 0)
            stoa_gfx_snap_destroy(&v->retired);
        if (want.on && v->format && (!v->snap || v->width != w || v->height != h))
            resize(v, p, dev, w, h);
        pthread_mutex_unlock(&p->mu);
    }
    // Pictures are paced by the wall clock: the teacher's rates are in real
    // seconds, whatever the display clock does (xrsim's fast clock).
    if (want.on && v->snap && wall_ns >= v->next_ns) {
        float g[2] = {gaze[0], gaze[1]};
        v->user = pack(unix_ms(), has_gaze, g);
        v->armed = true;
        v->next_ns = wall_ns + (int64_t)(1e9 / want.fps);
    }
    if (!want.on)
        v->armed = false;
    run_view_watched(v, panels, &want);
    v->frame_us += (stoa_time_seconds() - t0) * 1e6;
}

void run_view_pics_release_gpu(run_view *v)
{
    run_view_pics_stop(v);
    stoa_gfx_snap_destroy(&v->snap);
    stoa_gfx_snap_destroy(&v->retired);
    v->device = NULL;
    v->armed = false;
}
