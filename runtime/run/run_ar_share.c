// SPDX-License-Identifier: Apache-2.0
// Placing together (docs/ar.md, "Placing together"): the teacher's "place
// together" from the hub puts every tabletop headset's model at one physical
// spot.
//
//   shared anchor  where the runtime persists anchors in a store the room's
//                  headsets share (XR_MSFT_spatial_anchor_persistence), the
//                  class's spot is the anchor "stoa.class.LESSON_ID": a
//                  headset whose store has it puts the model there; one
//                  that has none and is placed publishes its own placement
//                  under that name; one not placed yet waits for it (or
//                  publishes the placement its learner makes). For a while
//                  after each change the anchor is read again, so that two
//                  headsets that published at once end at the one the store
//                  kept.
//   marker         without a shared store, the model is picked up and the
//                  learner (or the teacher walking round) aims at the
//                  teacher's marker and pulls the trigger; the hint panel
//                  says so (run_ar_hint.c).
// The hub hears where each headset is (run_hub.placement): placing, marker,
// waiting, placed or shared.
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/stoa_log.h"
#include "run_session.h"

#define SHARE_CHECK_S 20.0 // the class's anchor is read again for this long after a change
#define SHARE_POLL_S 0.5

static int64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void keep_checking(run_tabletop *t)
{
    t->share_until_ns = mono_ns() + (int64_t)(SHARE_CHECK_S * 1e9);
    t->share_poll_ns = 0;
}

// The model at the class's anchor, located now.
static void adopt(run_session *s, const float p[3], const float q[4])
{
    run_tabletop *t = &s->ar.table;
    // The yaw of the anchor's +Z (placements are turned about +Y only).
    float fx = 2.0f * (q[0] * q[2] + q[3] * q[1]), fz = 1.0f - 2.0f * (q[0] * q[0] + q[1] * q[1]);
    float yaw = atan2f(fx, fz);
    float d =
        sqrtf((p[0] - t->pos[0]) * (p[0] - t->pos[0]) + (p[1] - t->pos[1]) * (p[1] - t->pos[1]) +
              (p[2] - t->pos[2]) * (p[2] - t->pos[2]));
    bool news = !t->placed || !t->shared || d > 0.001f || fabsf(yaw - t->yaw) > 0.001f;
    memcpy(t->pos, p, sizeof t->pos);
    t->yaw = yaw;
    t->surface_y = p[1];
    t->anchored = true;
    t->from_store = false;
    if (!news)
        return;
    t->placed = t->aimed = t->shared = true;
    t->rebuild = true;
    t->version++;
    keep_checking(t);
    STOA_LOGI("run",
              "tabletop: placed together with the class (spatial anchor %s) at (%.2f, %.2f, "
              "%.2f) m, facing %.0f deg, 1:%.0f",
              t->share_name, p[0], p[1], p[2], yaw * 57.29578f, 1.0 / t->scale);
    printf("stoa run: tabletop placed together at (%.3f, %.3f, %.3f) facing %.1f\n", p[0], p[1],
           p[2], yaw * 57.29578f);
    fflush(stdout);
}

// The class's anchor from the store, when it has one: true when the model
// stands there now.
static bool follow(run_session *s)
{
    run_tabletop *t = &s->ar.table;
    float p[3], q[4];
    if (!run_xr_anchor_load(s, t->share_name))
        return false;
    if (!run_xr_anchor_locate(s, p, q))
        return false; // not located this frame: the next check tries again
    adopt(s, p, q);
    return true;
}

// This headset's placement becomes the class's.
static void publish(run_session *s)
{
    run_tabletop *t = &s->ar.table;
    float q[4] = {0.0f, sinf(t->yaw * 0.5f), 0.0f, cosf(t->yaw * 0.5f)};
    stoa_error err = {0};
    if (run_xr_anchor_set(s, t->pos, q, t->share_name, &err) < 0) {
        STOA_LOGW("run", "tabletop: the class's anchor could not be set: %s", err.message);
        return;
    }
    t->anchored = t->shared = true;
    keep_checking(t);
    STOA_LOGI("run",
              "tabletop: placed together: this placement is the class's (spatial anchor %s) "
              "at (%.2f, %.2f, %.2f) m, facing %.0f deg",
              t->share_name, t->pos[0], t->pos[1], t->pos[2], t->yaw * 57.29578f);
    printf("stoa run: tabletop placed together at (%.3f, %.3f, %.3f) facing %.1f (published)\n",
           t->pos[0], t->pos[1], t->pos[2], t->yaw * 57.29578f);
    fflush(stdout);
}

static void start(run_session *s)
{
    run_tabletop *t = &s->ar.table;
    const stoa_lesson *l = s->lesson_on ? s->lesson.lesson : NULL;
    if (!t->active || !l) {
        STOA_LOGI("run", "place together: no model to place here (not a tabletop lesson in AR)");
        return;
    }
    snprintf(t->share_name, sizeof t->share_name, "stoa.class.%s", l->id ? l->id : "lesson");
    t->adjusting = false;
    if (run_xr_on(s) && run_xr_has_anchor_store(s)) {
        t->share = RUN_SHARE_ANCHOR;
        t->shared = false;
        keep_checking(t);
        if (follow(s))
            return;
        if (t->placed)
            publish(s);
        else
            STOA_LOGI("run",
                      "tabletop: placing together: waiting for the class's spot (%s), or "
                      "this learner's placement sets it",
                      t->share_name);
        return;
    }
    // No shared anchors: the teacher's marker, aimed at on each headset.
    t->share = RUN_SHARE_MARKER;
    t->placed = t->aimed = t->shared = false;
    STOA_LOGI("run", "tabletop: placing together without shared anchors: aim at the teacher's "
                     "marker and pull the trigger");
    printf("stoa run: tabletop marker mode\n");
    fflush(stdout);
}

void run_ar_share_frame(run_session *s)
{
    run_tabletop *t = &s->ar.table;
    if (s->hub.place_together) {
        s->hub.place_together = false;
        start(s);
    }
    if (t->share == RUN_SHARE_ANCHOR && run_xr_on(s)) {
        int64_t now = mono_ns();
        bool checking = !t->placed || now < t->share_until_ns;
        if (checking && now >= t->share_poll_ns) {
            t->share_poll_ns = now + (int64_t)(SHARE_POLL_S * 1e9);
            follow(s);
        }
    }
    const char *p = NULL;
    if (t->active)
        p = t->placed                      ? (t->shared ? "shared" : "placed")
            : t->share == RUN_SHARE_MARKER ? "marker"
            : t->share == RUN_SHARE_ANCHOR ? "waiting"
                                           : "placing";
    s->hub.placement = p;
}

bool run_ar_share_placed(run_session *s)
{
    run_tabletop *t = &s->ar.table;
    if (t->share == RUN_SHARE_MARKER) {
        t->share = RUN_SHARE_NONE;
        STOA_LOGI("run", "tabletop: placed at the teacher's marker");
        printf("stoa run: tabletop placed at the marker (%.3f, %.3f, %.3f) facing %.1f\n",
               t->pos[0], t->pos[1], t->pos[2], t->yaw * 57.29578f);
        fflush(stdout);
        return false; // then as any placement (kept as this headset's anchor)
    }
    if (t->share != RUN_SHARE_ANCHOR || !run_xr_on(s))
        return false;
    if (!follow(s)) { // someone placed first: theirs; else this one is the class's
        t->placed = true;
        t->rebuild = true;
        publish(s);
    }
    return true;
}

void run_ar_share_leave(run_session *s)
{
    run_tabletop *t = &s->ar.table;
    if (t->share == RUN_SHARE_NONE && !t->shared)
        return;
    STOA_LOGI("run", "tabletop: moved by hand: no longer at the class's spot");
    t->share = RUN_SHARE_NONE;
    t->shared = false;
}
