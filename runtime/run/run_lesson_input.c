// SPDX-License-Identifier: Apache-2.0
// What the learner does, as the lesson and the trace hear it: interaction
// events become lesson events and statements; a controller ray or a steady
// gaze on a quiz choice answers the quiz.
#include <math.h>
#include <string.h>

#include "core/stoa_log.h"
#include "run_lesson.h"
#include "run_attention.h"
#include "run_panels.h"
#include "run_survey.h"
#include "run_task.h"
#include "run_ui_sound.h"

#define QUIZ_GAZE_S 2.0
#define PRESS 0.75f


static const char *name_of(const run_lesson *rl, int32_t node)
{
    return node >= 0 && (uint32_t)node < rl->scene->node_count ? rl->scene->nodes[node].name
                                                                : NULL;
}

// Whether the current state lists node as one the learner should attend to.
static bool key_node(const run_lesson *rl, const char *name)
{
    const stoa_lesson_state *s = rl->machine ? stoa_lesson_machine_state(rl->machine) : NULL;
    for (uint32_t i = 0; s && name && i < s->key_node_count; i++)
        if (!strcmp(s->key_nodes[i], name))
            return true;
    return false;
}

static void trace_gaze_leave(run_lesson *rl, int64_t now)
{
    const char *name = name_of(rl, rl->gaze_node);
    if (name && now > rl->gaze_since_ns) {
        stoa_trace_names none = {0};
        stoa_trace_gaze_dwell(rl->trace, name, none, key_node(rl, name), now - rl->gaze_since_ns,
                              now - rl->display0_ns);
    }
    rl->gaze_node = -1;
}

static void node_statement(run_lesson *rl, stoa_trace_node_verb verb, const char *name,
                           int64_t now)
{
    stoa_trace_names none = {0};
    stoa_trace_node_event(rl->trace, verb, name, none, key_node(rl, name), now - rl->display0_ns);
}

static void one_event(run_lesson *rl, const stoa_interact_event *e, uint32_t ignore_select)
{
    const char *node = name_of(rl, e->node), *zone = name_of(rl, e->zone);
    stoa_lesson_event le = {0};
    int64_t now = rl->now_ns;
    switch (e->type) {
    case STOA_INTERACT_GAZE_ENTER:
        trace_gaze_leave(rl, now);
        rl->gaze_node = e->node;
        rl->gaze_since_ns = e->time_ns;
        return;
    case STOA_INTERACT_HOVER_ENTER: run_ui_sound(rl, RUN_SOUND_HOVER, (int32_t)e->node, NULL); return;
    case STOA_INTERACT_GAZE_LEAVE: trace_gaze_leave(rl, e->time_ns); return;
    case STOA_INTERACT_GAZE_DWELL:
        le = (stoa_lesson_event){.kind = STOA_LESSON_EV_GAZE, .node = node, .seconds = e->value};
        break;
    case STOA_INTERACT_SELECT:
        if (e->hand >= 0 && (ignore_select & (1u << e->hand)))
            return; // the press went to a panel in front of the node
        node_statement(rl, STOA_TRACE_INTERACTED, node, now);
        run_ui_sound(rl, RUN_SOUND_SELECT, (int32_t)e->node, NULL);
        le = (stoa_lesson_event){.kind = STOA_LESSON_EV_SELECT, .node = node};
        break;
    case STOA_INTERACT_GRAB:
        node_statement(rl, STOA_TRACE_GRABBED, node, now);
        le = (stoa_lesson_event){.kind = STOA_LESSON_EV_GRAB, .node = node};
        break;
    case STOA_INTERACT_RELEASE:
        node_statement(rl, STOA_TRACE_RELEASED, node, now);
        le = (stoa_lesson_event){.kind = STOA_LESSON_EV_RELEASE, .node = node};
        break;
    case STOA_INTERACT_PLACE:
        le = (stoa_lesson_event){.kind = STOA_LESSON_EV_PLACE, .node = node, .zone = zone};
        break;
    case STOA_INTERACT_ZONE_ENTER:
        le = (stoa_lesson_event){.kind = STOA_LESSON_EV_ENTER_ZONE, .node = zone, .zone = zone};
        break;
    case STOA_INTERACT_ZONE_LEAVE:
        le = (stoa_lesson_event){.kind = STOA_LESSON_EV_LEAVE_ZONE, .node = zone, .zone = zone};
        break;
    case STOA_INTERACT_TELEPORT:
        stoa_trace_teleported(rl->trace, e->point, now - rl->display0_ns);
        return;
    default: return;
    }
    if (le.node || le.zone)
        run_lesson_feed(rl, &le);
}

static void answer(run_lesson *rl, run_panel *quiz, int32_t choice)
{
    if (quiz->answered || choice < 0)
        return;
    if (run_survey_answer(rl, quiz, choice))
        return;
    stoa_lesson_event le = {.kind = STOA_LESSON_EV_ANSWER,
                            .id = quiz->quiz->id,
                            .choices = STOA_LESSON_CHOICE((uint32_t)choice)};
    STOA_LOGI("run", "quiz '%s': the learner chose %d", quiz->quiz->id, choice);
    run_lesson_feed(rl, &le);
}

static void dir_of(const float a[3], const float b[3], float out[3])
{
    float d[3] = {b[0] - a[0], b[1] - a[1], b[2] - a[2]};
    float len = sqrtf(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
    for (int i = 0; i < 3; i++)
        out[i] = len > 1e-6f ? d[i] / len : 0.0f;
}

// Controller rays and gaze against the open quiz panel. Returns the hands
// whose trigger press the panel took.
static uint32_t quiz_input(run_lesson *rl, const stoa_interact_output *io,
                           const stoa_interact_frame *in)
{
    run_panel *quiz = run_panels_quiz(rl);
    // A survey panel answers only once its picture is up: before that the
    // learner sees nothing and its choices are not where they will be drawn.
    // (Lesson quizzes keep answering at once, as their scripted tests expect.)
    if (quiz && !quiz->drawn && run_survey_owns(rl, quiz))
        quiz = NULL;
    uint32_t taken = 0;
    int32_t hovered = -1;
    for (int h = 0; quiz && h < 2; h++) {
        const stoa_interact_laser *l = &io->lasers[h];
        float v = in->hands[h].select_pressed ? 1.0f : in->hands[h].select_value;
        bool pressed = v >= PRESS && rl->select_prev[h] < PRESS;
        rl->select_prev[h] = v;
        if (!l->visible)
            continue;
        float dir[3], reach = sqrtf((l->end[0] - l->origin[0]) * (l->end[0] - l->origin[0]) +
                                    (l->end[1] - l->origin[1]) * (l->end[1] - l->origin[1]) +
                                    (l->end[2] - l->origin[2]) * (l->end[2] - l->origin[2]));
        dir_of(l->origin, l->end, dir);
        int32_t choice;
        float t = run_panels_hit(quiz, l->origin, dir, &choice);
        if (t < 0 || (l->hit && t > reach + 1e-3f))
            continue; // the panel is behind what the laser already hits
        if (choice >= 0)
            hovered = choice;
        if (pressed) {
            taken |= 1u << h;
            answer(rl, quiz, choice);
        }
    }
    // A steady gaze on one choice answers too (hands-free learners).
    float gdir[3];
    dir_of(io->gaze.origin, io->gaze.position, gdir);
    int32_t gchoice = -1;
    if (quiz && !quiz->answered && run_panels_hit(quiz, io->gaze.origin, gdir, &gchoice) > 0 &&
        gchoice >= 0) {
        if (gchoice != rl->quiz_gaze_choice) {
            rl->quiz_gaze_choice = gchoice;
            rl->quiz_gaze_since_ns = rl->now_ns;
        } else if ((rl->now_ns - rl->quiz_gaze_since_ns) * 1e-9 >= QUIZ_GAZE_S) {
            answer(rl, quiz, gchoice);
        }
        if (hovered < 0)
            hovered = gchoice;
    } else {
        rl->quiz_gaze_choice = -1;
    }
    if (quiz && quiz->hovered != hovered) {
        quiz->hovered = hovered;
        quiz->version++;
    }
    return taken;
}

// Acting, or moving the head by more than a small step, counts as activity.
static void track_activity(run_lesson *rl, const stoa_interact_output *io, int64_t now_ns)
{
    const float *h = io->head_world.position;
    float dx = h[0] - rl->activity_anchor[0], dy = h[1] - rl->activity_anchor[1],
          dz = h[2] - rl->activity_anchor[2];
    bool acted = false;
    for (uint32_t i = 0; i < io->event_count && !acted; i++)
        acted = io->events[i].type != STOA_INTERACT_GAZE_LEAVE &&
                io->events[i].type != STOA_INTERACT_HOVER_LEAVE;
    if (acted || dx * dx + dy * dy + dz * dz > 0.15f * 0.15f || rl->last_activity_ns == 0) {
        rl->last_activity_ns = now_ns;
        memcpy(rl->activity_anchor, h, sizeof rl->activity_anchor);
    }
}

double run_lesson_idle_s(const run_lesson *rl)
{
    return rl->last_activity_ns ? (double)(rl->now_ns - rl->last_activity_ns) * 1e-9 : 0.0;
}

uint32_t run_lesson_input(run_lesson *rl, const stoa_interact_output *io,
                          const stoa_interact_frame *in, int64_t now_ns)
{
    if (!rl->machine)
        return 0;
    rl->now_ns = now_ns;
    memcpy(rl->head_world, io->head_world.position, sizeof rl->head_world);
    if (rl->layout_reanchor) { // the first pose after a teleport: the column follows the learner
        rl->layout_set = false;
        rl->layout_reanchor = false;
    }
    // The listener is the learner's head, every frame.
    stoa_audio_set_listener(rl->audio, io->head_world.position, io->head_world.orientation);
    dir_of(io->gaze.origin, io->gaze.position, rl->head_forward);
    track_activity(rl, io, now_ns);
    run_attention_tick(rl, now_ns);
    uint32_t taken = quiz_input(rl, io, in) | rl->select_taken; // the hand button's too
    rl->select_taken = 0;
    for (uint32_t i = 0; i < io->event_count; i++) {
        one_event(rl, &io->events[i], taken);
        if (io->events[i].type == STOA_INTERACT_RELEASE)
            run_task_put_down(rl, io, i, name_of(rl, io->events[i].node));
    }
    stoa_trace_pose_sample(rl->trace, io->head_world.position, io->head_world.orientation,
                           name_of(rl, io->gaze.target), now_ns - rl->display0_ns);
    return taken;
}
