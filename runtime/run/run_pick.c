// SPDX-License-Identifier: Apache-2.0
// The picking BVH rebuilt off the frame thread. When the learner puts a
// grabbed node down somewhere new, rays must find it there: a worker builds a
// new BVH from a still copy of the pose (the frame thread keeps posing the
// live one) and the frame thread swaps it in when it is ready, a few frames
// later. Hidden nodes need no rebuild (stoa_bvh_set_hidden).
#include <stdlib.h>

#include "core/stoa_log.h"
#include "run_session.h"

static void *build_main(void *arg)
{
    run_pick *p = arg;
    p->built = stoa_bvh_build(stoa_pose_scene(p->pose), p->pose);
    atomic_store(&p->done, 1);
    return NULL;
}

void run_pick_rebuild(run_session *s)
{
    run_pick *p = &s->pick;
    if (p->busy) {
        p->again = true; // moved again meanwhile: one more after this one
        return;
    }
    if (!p->pose || stoa_pose_scene(p->pose) != s->scene) {
        stoa_pose_destroy(&p->pose);
        p->pose = stoa_pose_create(s->scene);
    }
    if (!p->pose || !stoa_pose_copy(p->pose, s->pose))
        return; // out of memory: rays keep the old BVH
    atomic_store(&p->done, 0);
    p->again = false;
    if (pthread_create(&p->thread, NULL, build_main, p) != 0) {
        STOA_LOGW("run", "no thread for the picking BVH: rays keep the old one");
        return;
    }
    p->busy = true;
}

// The worker's BVH (joined) swapped in.
static void take_built(run_session *s)
{
    run_pick *p = &s->pick;
    pthread_join(p->thread, NULL);
    p->busy = false;
    if (p->built && stoa_pose_scene(p->pose) == s->scene) {
        stoa_bvh_destroy(&s->bvh);
        s->bvh = p->built;
        s->hidden_version = ~s->hidden_version; // hide the lesson's hidden nodes in it
    } else {
        stoa_bvh_destroy(&p->built);
    }
    p->built = NULL;
    if (p->again)
        run_pick_rebuild(s);
}

void run_pick_poll(run_session *s)
{
    run_pick *p = &s->pick;
    if (p->busy && atomic_load(&p->done))
        take_built(s);
}

void run_pick_wait(run_session *s)
{
    if (s->pick.busy)
        take_built(s);
}

void run_pick_cancel(run_session *s)
{
    run_pick *p = &s->pick;
    if (p->busy)
        pthread_join(p->thread, NULL);
    stoa_bvh_destroy(&p->built);
    stoa_pose_destroy(&p->pose);
    p->busy = p->again = false;
}
