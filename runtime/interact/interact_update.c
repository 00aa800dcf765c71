// SPDX-License-Identifier: Apache-2.0
// One frame: locomotion first (it moves the rig), then everything that
// looks at the world through the moved rig.
#include <string.h>

#include "interact_internal.h"

static void reset_output(stoa_interact *ia, int64_t now)
{
    stoa_interact_output *o = &ia->out;
    memset(o, 0, sizeof *o);
    o->time_ns = now;
    o->events = ia->events;
    o->gaze.target = -1;
    o->arc.hit_node = -1;
    for (int h = 0; h < STOA_INTERACT_HAND_COUNT; h++) {
        o->lasers[h].hit_node = o->lasers[h].target = -1;
        o->grabs[h].node = -1;
    }
}

const stoa_interact_output *stoa_interact_update(stoa_interact *ia,
                                                 const stoa_interact_frame *frame)
{
    if (!ia)
        return NULL;
    int64_t now = ia->desc.clock ? stoa_clock_now(ia->desc.clock) : frame ? frame->time_ns : 0;
    reset_output(ia, now);
    stoa_interact_output *o = &ia->out;
    if (!frame) {
        o->rig = ia->rig;
        return o;
    }
    ia->now = now;
    ia->pose = frame->pose;
    ia->bvh = frame->pose ? frame->bvh : NULL; // hits need the pose's matrices
    ia->last_head = frame->head;

    interact_update_locomotion(ia, frame);

    float height = interact_rig_height(ia);
    interact_rig_apply(&ia->rig, height, &frame->head, &o->head_world);
    if (ia->pose) {
        interact_zones_update_bounds(ia);
        interact_zones_update_head(ia, o->head_world.position);
    }

    stoa_interact_pose gaze;
    interact_rig_apply(&ia->rig, height, frame->eye_gaze_valid ? &frame->eye_gaze : &frame->head,
                       &gaze);
    interact_update_gaze(ia, &gaze);

    for (int h = 0; h < STOA_INTERACT_HAND_COUNT; h++) {
        const stoa_interact_hand_input *in = &frame->hands[h];
        stoa_interact_pose aim, grip;
        interact_rig_apply(&ia->rig, height, &in->aim, &aim);
        interact_rig_apply(&ia->rig, height, &in->grip, &grip);
        interact_update_pointer(ia, (stoa_interact_hand)h, in, &aim);
        interact_update_select(ia, (stoa_interact_hand)h, in);
        if (ia->pose)
            interact_update_grab(ia, (stoa_interact_hand)h, in, &grip);
    }

    o->rig = ia->rig;
    ia->pose = NULL;
    ia->bvh = NULL;
    return o;
}
