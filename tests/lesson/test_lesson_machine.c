// SPDX-License-Identifier: Apache-2.0
// The lesson machine: every action and trigger, transition order, timers on
// a fake clock, and the instructor's pause, resume, skip, goto, restart, end.
#include "lesson_rig.h"

STOA_TEST(entry_actions_in_order)
{
    rig r;
    if (!rig_init(&r, LESSON_HDR "variables: {n: 5}\nstates:\n"
                                 "  a:\n"
                                 "    on_enter:\n"
                                 "      - narrate: {id: n1, audio: a.wav, text: hi, at: Statue}\n"
                                 "      - show_panel: {id: p1, text: panel}\n"
                                 "      - highlight: Statue\n"
                                 "      - highlight: {node: Door, arrow: false}\n"
                                 "      - hide: [Door, Roof]\n"
                                 "      - show: Roof\n"
                                 "      - play: DoorOpen\n"
                                 "      - teleport: Spawn\n"
                                 "      - set: {flag: true}\n"
                                 "      - add: {n: 2}\n"
                                 "      - score: {points: 3, feedback: good}\n"
                                 "      - quiz: {id: q, question: Q?, choices: [x, y], correct: 1}\n"
                                 "      - stop: DoorOpen\n"
                                 "      - unhighlight: Door\n"
                                 "      - hide_panel: p1\n"
                                 "    triggers: [{select: Door, goto: z}]\n"
                                 "  z: {on_enter: [end: completed]}\n",
                  1))
        return;
    CHECK(r.last == STOA_OK);
    CHECK_STR(rig_line(&r),
              "state_entered:a narrate:n1 show_panel:p1 highlight:Statue show_arrow:Statue "
              "highlight:Door hide_node:Door hide_node:Roof show_node:Roof "
              "play_animation:DoorOpen teleport:Spawn variable:flag variable:n score "
              "quiz:q stop_animation:DoorOpen unhighlight:Door hide_panel:p1");
    const stoa_lesson_action *a = &r.out.items[1];
    CHECK_STR(a->node, "Statue");
    CHECK_STR(stoa_lesson_text_get(a->audio, "en"), "a.wav");
    CHECK_STR(stoa_lesson_text_get(a->text, "en"), "hi");
    CHECK(r.out.items[2].node == NULL); // panel in front of the learner
    CHECK_NEAR(r.out.items[12].value, 7, 1e-9);
    const stoa_lesson_action *s = rig_find(&r, STOA_LESSON_ACT_SCORE);
    CHECK(s && s->value == 3 && s->total == 3);
    CHECK_STR(stoa_lesson_text_get(s->text, "en"), "good");
    CHECK(stoa_lesson_machine_var(r.m, "flag", 0) == 1);
    CHECK(stoa_lesson_machine_var(r.m, "n", 0) == 7);
    CHECK(stoa_lesson_machine_score(r.m) == 3);
    const stoa_lesson_action *q = rig_find(&r, STOA_LESSON_ACT_QUIZ);
    CHECK(q && q->quiz && q->quiz->choice_count == 2 && q->quiz->correct == 2);
    // Leaving: narration stopped, quiz and highlight hidden, then exited.
    CHECK_STR(rig_ev(&r, EV(SELECT, .node = "Door")),
              "stop_narration:n1 hide_quiz:q hide_arrow:Statue unhighlight:Statue "
              "state_exited:a state_entered:z ended:completed");
    CHECK(stoa_lesson_machine_ended(r.m));
    CHECK(stoa_lesson_machine_outcome(r.m) == STOA_LESSON_OUTCOME_COMPLETED);
    rig_fini(&r);
}

#define TWO_STATES(trigger)                                                                        \
    LESSON_HDR "states:\n  a:\n    triggers:\n      - " trigger "\n        goto: b\n"             \
               "  b: {on_enter: [end: completed]}\n"

STOA_TEST(trigger_gaze_needs_dwell_on_the_node)
{
    rig r;
    if (!rig_init(&r, TWO_STATES("gaze: {node: Statue, seconds: 2}"), 1))
        return;
    CHECK_STR(rig_ev(&r, EV(GAZE, .node = "Statue", .seconds = 1.5)), "");
    CHECK_STR(rig_ev(&r, EV(GAZE, .node = "Door", .seconds = 9)), "");
    CHECK_STR(rig_state(&r), "a");
    CHECK_STR(rig_ev(&r, EV(GAZE, .node = "Statue", .seconds = 2.0)),
              "state_exited:a state_entered:b ended:completed");
    CHECK(r.out.items[0].cause == STOA_LESSON_CAUSE_TRIGGER && r.out.items[0].trigger == 0);
    rig_fini(&r);
}

STOA_TEST(trigger_select_grab_release)
{
    const char *kinds[] = {"select", "grab", "release"};
    stoa_lesson_event_kind evs[] = {STOA_LESSON_EV_SELECT, STOA_LESSON_EV_GRAB,
                                    STOA_LESSON_EV_RELEASE};
    for (int i = 0; i < 3; i++) {
        char yaml[512];
        snprintf(yaml, sizeof yaml,
                 LESSON_HDR "states:\n  a:\n    triggers:\n      - %s: Exhibit\n        goto: b\n"
                            "  b: {on_enter: [end: completed]}\n",
                 kinds[i]);
        rig r;
        if (!rig_init(&r, yaml, 1))
            return;
        // The other two kinds of event on the same node do nothing.
        for (int j = 0; j < 3; j++)
            if (j != i)
                rig_ev(&r, (stoa_lesson_event){.kind = evs[j], .node = "Exhibit"});
        CHECK_STR(rig_state(&r), "a");
        rig_ev(&r, (stoa_lesson_event){.kind = evs[i], .node = "Door"});
        CHECK_STR(rig_state(&r), "a");
        rig_ev(&r, (stoa_lesson_event){.kind = evs[i], .node = "Exhibit"});
        CHECK_STR(rig_state(&r), "b");
        rig_fini(&r);
    }
}

STOA_TEST(trigger_place_needs_node_and_zone)
{
    rig r;
    if (!rig_init(&r, TWO_STATES("place: {node: Exhibit, zone: Zone_Statue}"), 1))
        return;
    rig_ev(&r, EV(PLACE, .node = "Exhibit", .zone = "Zone_Door"));
    rig_ev(&r, EV(PLACE, .node = "Door", .zone = "Zone_Statue"));
    CHECK_STR(rig_state(&r), "a");
    rig_ev(&r, EV(PLACE, .node = "Exhibit", .zone = "Zone_Statue"));
    CHECK_STR(rig_state(&r), "b");
    rig_fini(&r);
}

STOA_TEST(trigger_enter_zone_holds_while_inside)
{
    rig r;
    if (!rig_init(&r, LESSON_HDR "states:\n"
                                 "  a:\n    triggers: [{select: Door, goto: b}]\n"
                                 "  b:\n    triggers: [{enter_zone: Zone_Door, goto: c}]\n"
                                 "  c:\n    triggers: [{leave_zone: Zone_Door, goto: d}]\n"
                                 "  d: {on_enter: [end: completed]}\n",
                  1))
        return;
    // Entered while in state a: b's trigger holds as soon as b is entered.
    rig_ev(&r, EV(ENTER_ZONE, .node = "Zone_Door"));
    CHECK_STR(rig_state(&r), "a");
    CHECK_STR(rig_ev(&r, EV(SELECT, .node = "Door")),
              "state_exited:a state_entered:b state_exited:b state_entered:c");
    rig_ev(&r, EV(LEAVE_ZONE, .node = "Zone_Statue"));
    CHECK_STR(rig_state(&r), "c");
    rig_ev(&r, EV(LEAVE_ZONE, .node = "Zone_Door"));
    CHECK_STR(rig_state(&r), "d");
    rig_fini(&r);
}

STOA_TEST(trigger_timer_on_fake_clock)
{
    rig r;
    if (!rig_init(&r, TWO_STATES("timer: 10"), 1))
        return;
    CHECK_STR(rig_tick(&r, 9.5), "");
    CHECK_NEAR(stoa_lesson_machine_elapsed(r.m, r.clock.t_ns), 9.5, 1e-6);
    CHECK_STR(rig_tick(&r, 0.5), "state_exited:a state_entered:b ended:completed");
    CHECK_NEAR(r.out.items[0].value, 10.0, 1e-6); // time spent in a
    rig_fini(&r);
}

STOA_TEST(trigger_narration_finished_by_id_and_all)
{
    rig r;
    if (!rig_init(&r, LESSON_HDR "states:\n"
                                 "  a:\n    on_enter:\n"
                                 "      - narrate: {id: one, audio: 1.wav, text: t}\n"
                                 "      - narrate: {audio: 2.wav, text: t}\n"
                                 "    triggers: [{narration_finished: all, goto: b}]\n"
                                 "  b:\n    on_enter: [narrate: {id: three, audio: 3.wav, text: t}]\n"
                                 "    triggers: [{narration_finished: three, goto: c}]\n"
                                 "  c: {on_enter: [end: completed]}\n",
                  1))
        return;
    CHECK(r.out.items[2].type == STOA_LESSON_ACT_NARRATE);
    CHECK_STR(r.out.items[2].id, "a#2"); // unnamed narrations get "<state>#<n>"
    CHECK_STR(rig_ev(&r, EV(NARRATION_DONE, .id = "one")), "");
    CHECK_STR(rig_ev(&r, EV(NARRATION_DONE, .id = "three")), ""); // not this state's
    CHECK_STR(rig_ev(&r, EV(NARRATION_DONE, .id = "a#2")),
              "state_exited:a state_entered:b narrate:three");
    CHECK_STR(rig_ev(&r, EV(NARRATION_DONE, .id = "three")),
              "state_exited:b state_entered:c ended:completed");
    rig_fini(&r);
}

static const char *k_quiz_lesson =
    LESSON_HDR "states:\n"
               "  a:\n    on_enter:\n"
               "      - quiz: {id: q, question: Q, choices: [w, x, y, z], correct: [1, 2]}\n"
               "    triggers:\n"
               "      - quiz: {choice: 3}\n        goto: three\n"
               "      - quiz: right\n        goto: right\n"
               "      - quiz: {id: q, answer: wrong}\n        goto: wrong\n"
               "  right: {on_enter: [end: passed]}\n"
               "  wrong: {on_enter: [end: failed]}\n"
               "  three: {on_enter: [end: failed]}\n";

STOA_TEST(trigger_quiz_right_wrong_choice)
{
    rig r;
    if (!rig_init(&r, k_quiz_lesson, 1))
        return;
    // Only one of the two right choices: wrong.
    CHECK_STR(rig_ev(&r, EV(ANSWER, .id = "q", .choices = STOA_LESSON_CHOICE(1))),
              "quiz_answered:q hide_quiz:q state_exited:a state_entered:wrong ended:failed");
    CHECK(r.out.items[0].correct == false && r.out.items[0].value == 1);
    rig_fini(&r);

    if (!rig_init(&r, k_quiz_lesson, 1))
        return;
    rig_ev(&r, EV(ANSWER, .id = "q", .choices = STOA_LESSON_CHOICE(1) | STOA_LESSON_CHOICE(2)));
    CHECK(r.out.items[0].correct);
    CHECK_STR(rig_state(&r), "right");
    CHECK(stoa_lesson_machine_quiz_attempts(r.m, "q") == 1);
    rig_fini(&r);

    // The choice trigger comes first: it wins even though the answer is wrong.
    if (!rig_init(&r, k_quiz_lesson, 1))
        return;
    rig_ev(&r, EV(ANSWER, .id = "q", .choices = STOA_LESSON_CHOICE(3)));
    CHECK_STR(rig_state(&r), "three");
    rig_fini(&r);
}

// A quiz's own score and feedback (issue 15): no state per outcome. The
// wrong answer stays in the state (no trigger for it) and is retried; points
// count at the first attempt only, feedback every time; `pass_score` then
// judges the total.
STOA_TEST(quiz_score_and_feedback_without_extra_states)
{
    rig r;
    if (!rig_init(&r, LESSON_HDR "states:\n"
                                 "  a:\n    on_enter:\n"
                                 "      - quiz: {id: q, question: Q, choices: [x, y, z], correct: 0,\n"
                                 "               score: [3, -1, 1], feedback: [Yes, No, Almost]}\n"
                                 "      - quiz: {id: r, question: R, choices: [x, y], correct: 1,\n"
                                 "               score: 2, feedback: {right: Good, wrong: Bad}}\n"
                                 "    triggers: [{quiz: {id: r, answer: any}, goto: z}]\n"
                                 "  z: {on_enter: [end: {pass_score: 4}]}\n",
                  1))
        return;
    CHECK_STR(rig_ev(&r, EV(ANSWER, .id = "q", .choices = STOA_LESSON_CHOICE(1))),
              "quiz_answered:q score");
    CHECK(r.out.items[0].total == -1 && !strcmp(r.out.items[0].text->entries[0].value, "No"));
    CHECK(r.out.items[1].value == -1 && r.out.items[1].total == -1);
    CHECK(!strcmp(r.out.items[1].text->entries[0].value, "No"));
    // Right at the second attempt: feedback, but no points.
    rig_ev(&r, EV(ANSWER, .id = "q", .choices = STOA_LESSON_CHOICE(0)));
    CHECK(r.out.items[1].value == 0 && !strcmp(r.out.items[1].text->entries[0].value, "Yes"));
    CHECK(stoa_lesson_machine_score(r.m) == -1);
    // Several choices: the sum of their points, the first chosen's feedback.
    CHECK(stoa_lesson_quiz_points(r.lesson->quizzes[0], 5) == 4);
    CHECK(!strcmp(stoa_lesson_quiz_feedback(r.lesson->quizzes[0], 6)->entries[0].value, "No"));
    // A right answer to r: 2 points, its "right" feedback; the trigger then
    // leaves for z, where -1 + 2 < 4 fails.
    CHECK_STR(rig_ev(&r, EV(ANSWER, .id = "r", .choices = STOA_LESSON_CHOICE(1))),
              "quiz_answered:r score hide_quiz:r hide_quiz:q state_exited:a state_entered:z "
              "ended:failed");
    CHECK(r.out.items[1].value == 2 && !strcmp(r.out.items[1].text->entries[0].value, "Good"));
    CHECK(stoa_lesson_machine_score(r.m) == 1);
    rig_fini(&r);
}

STOA_TEST(quiz_answers_only_count_for_the_quiz_on_show)
{
    rig r;
    if (!rig_init(&r, LESSON_HDR "states:\n"
                                 "  a:\n    triggers: [{select: Door, goto: b}]\n"
                                 "  b:\n    on_enter: [quiz: {id: q, question: Q, choices: [x, y], correct: 0}]\n"
                                 "    triggers: [{quiz: right, goto: c}]\n"
                                 "  c: {on_enter: [end: completed]}\n",
                  1))
        return;
    CHECK_STR(rig_ev(&r, EV(ANSWER, .id = "q", .choices = 1)), "");
    CHECK(stoa_lesson_machine_quiz_attempts(r.m, "q") == 0);
    rig_ev(&r, EV(SELECT, .node = "Door"));
    CHECK_STR(rig_ev(&r, EV(ANSWER, .id = "q", .choices = 2)), "quiz_answered:q");
    CHECK_STR(rig_ev(&r, EV(ANSWER, .id = "nope", .choices = 1)), "");
    rig_ev(&r, EV(ANSWER, .id = "q", .choices = 1));
    CHECK_STR(rig_state(&r), "c");
    CHECK(stoa_lesson_machine_quiz_attempts(r.m, "q") == 2);
    rig_fini(&r);
}

STOA_TEST(trigger_instructor_command_and_condition)
{
    rig r;
    if (!rig_init(&r, LESSON_HDR "variables: {visited_door: false}\nstates:\n"
                                 "  a:\n    triggers:\n"
                                 "      - condition: score >= 3 && visited_door\n        goto: c\n"
                                 "      - instructor: next\n        goto: b\n"
                                 "  b:\n    on_enter: [set: {visited_door: true}, score: 2]\n"
                                 "    triggers: [{select: Door, goto: a}]\n"
                                 "  c: {on_enter: [end: completed]}\n",
                  1))
        return;
    CHECK_STR(rig_ev(&r, EV(COMMAND, .id = "other")), "");
    rig_ev(&r, EV(COMMAND, .id = "next"));
    CHECK_STR(rig_state(&r), "b");
    rig_ev(&r, EV(SELECT, .node = "Door")); // score 2: condition false in a
    CHECK_STR(rig_state(&r), "a");
    rig_ev(&r, EV(COMMAND, .id = "next")); // score 4 and visited: a moves on by itself
    CHECK_STR(rig_ev(&r, EV(SELECT, .node = "Door")),
              "state_exited:b state_entered:a state_exited:a state_entered:c ended:completed");
    rig_fini(&r);
}

STOA_TEST(first_trigger_that_holds_wins)
{
    rig r;
    if (!rig_init(&r, LESSON_HDR "states:\n"
                                 "  a:\n    triggers:\n"
                                 "      - timer: 5\n        goto: b\n"
                                 "      - timer: 3\n        goto: c\n"
                                 "  b:\n    triggers:\n"
                                 "      - select: Door\n        goto: c\n"
                                 "      - select: Door\n        goto: a\n"
                                 "  c: {on_enter: [end: completed]}\n",
                  1))
        return;
    rig_tick(&r, 2);
    CHECK_STR(rig_state(&r), "a");
    rig_tick(&r, 4); // both hold at 6 s: the first listed wins, not the first to expire
    CHECK_STR(rig_state(&r), "b");
    rig_ev(&r, EV(SELECT, .node = "Door"));
    CHECK_STR(rig_state(&r), "c");
    rig_fini(&r);
}

STOA_TEST(random_branch_and_end_by_score)
{
    rig r;
    if (!rig_init(&r, LESSON_HDR "states:\n"
                                 "  a:\n    on_enter: [score: 2]\n"
                                 "    triggers:\n"
                                 "      - random: [{goto: pass, weight: 1}, {goto: fail, weight: 0}]\n"
                                 "  pass: {on_enter: [end: {pass_score: 2}]}\n"
                                 "  fail: {on_enter: [end: {pass_score: 3}]}\n",
                  42))
        return;
    CHECK_STR(rig_line(&r), "state_entered:a score state_exited:a state_entered:pass ended:passed");
    rig_fini(&r);
}

STOA_TEST(panels_and_highlights_marked_keep_survive_the_state)
{
    rig r;
    if (!rig_init(&r, LESSON_HDR "states:\n"
                                 "  a:\n    on_enter:\n"
                                 "      - show_panel: {id: k, text: kept, keep: true}\n"
                                 "      - show_panel: {id: t, text: transient, at: Statue}\n"
                                 "      - highlight: {node: Door, keep: true, arrow: false}\n"
                                 "    triggers: [{select: Door, goto: b}]\n"
                                 "  b:\n    on_enter: [hide_panel: k]\n"
                                 "    triggers: [{select: Door, goto: c}]\n"
                                 "  c: {on_enter: [end: completed]}\n",
                  1))
        return;
    CHECK_STR(rig_ev(&r, EV(SELECT, .node = "Door")),
              "hide_panel:t state_exited:a state_entered:b hide_panel:k");
    CHECK_STR(rig_ev(&r, EV(SELECT, .node = "Door")),
              "state_exited:b state_entered:c ended:completed");
    rig_fini(&r);
}

static const char *k_steer =
    LESSON_HDR "states:\n"
               "  a:\n    title: A\n    concepts: [x, y]\n    weight: 2\n"
               "    expected_seconds: 30\n    on_enter:\n"
               "      - narrate: {id: n, audio: a.wav, text: t}\n"
               "      - play: DoorOpen\n"
               "      - play: {animation: ExhibitSpin, loop: true}\n"
               "      - set: {v: 1}\n"
               "    triggers:\n"
               "      - timer: 60\n        goto: b\n"
               "  b:\n    skip_to: d\n    on_enter: [narrate: {id: nb, audio: b.wav, text: t}]\n"
               "    triggers: [{select: Door, goto: c}]\n"
               "  c: {on_enter: [end: completed]}\n"
               "  d: {on_enter: [end: failed]}\n";

STOA_TEST(pause_stops_timers_and_learner_events)
{
    rig r;
    if (!rig_init(&r, k_steer, 1))
        return;
    rig_tick(&r, 20);
    CHECK_STR(rig_ev(&r, EV(PAUSE)), "paused");
    CHECK(stoa_lesson_machine_paused(r.m));
    CHECK_STR(rig_tick(&r, 100), "");
    CHECK_NEAR(stoa_lesson_machine_elapsed(r.m, r.clock.t_ns), 20, 1e-6);
    CHECK_STR(rig_ev(&r, EV(PAUSE)), ""); // already paused
    CHECK_STR(rig_ev(&r, EV(RESUME)), "resumed");
    CHECK_STR(rig_tick(&r, 9), "");
    CHECK_STR(rig_tick(&r, 1), "overdue:a"); // 30 s expected, pauses excluded
    CHECK_NEAR(r.out.items[0].value, 30, 1e-9);
    CHECK_STR(rig_tick(&r, 5), ""); // the alert is sent once
    CHECK_STR(rig_tick(&r, 25), "stop_narration:n state_exited:a state_entered:b narrate:nb");
    rig_fini(&r);
}

STOA_TEST(skip_fast_forwards_then_follows_first_trigger)
{
    rig r;
    if (!rig_init(&r, k_steer, 1))
        return;
    CHECK_STR(rig_ev(&r, EV(SKIP)),
              "stop_narration:n complete_animation:DoorOpen stop_animation:ExhibitSpin "
              "state_exited:a state_entered:b narrate:nb");
    const stoa_lesson_action *ex = &r.out.items[3];
    CHECK(ex->cause == STOA_LESSON_CAUSE_SKIP && ex->trigger == 0);
    CHECK(ex->state && ex->state->concept_count == 2 && ex->state->weight == 2);
    // b has skip_to: d rather than its trigger's c.
    CHECK_STR(rig_ev(&r, EV(SKIP)),
              "stop_narration:nb state_exited:b state_entered:d ended:failed");
    CHECK(r.out.items[1].trigger == -1);
    // An ended lesson ignores skip.
    CHECK_STR(rig_ev(&r, EV(SKIP)), "");
    rig_fini(&r);
}

STOA_TEST(goto_restart_and_end)
{
    rig r;
    if (!rig_init(&r, k_steer, 1))
        return;
    CHECK(stoa_lesson_machine_var(r.m, "v", 0) == 1);
    CHECK_STR(rig_ev(&r, EV(GOTO, .id = "nowhere")), "");
    CHECK(r.last == STOA_ERROR_NOT_FOUND);
    CHECK_STR(rig_ev(&r, EV(GOTO, .id = "c")),
              "stop_narration:n state_exited:a state_entered:c ended:completed");
    CHECK(r.out.items[1].cause == STOA_LESSON_CAUSE_GOTO);
    CHECK(stoa_lesson_machine_ended(r.m));
    CHECK_STR(rig_ev(&r, EV(RESTART)),
              "state_exited:c restarted state_entered:a narrate:n play_animation:DoorOpen "
              "play_animation:ExhibitSpin variable:v");
    CHECK(!stoa_lesson_machine_ended(r.m));
    CHECK_STR(rig_ev(&r, EV(END)), "stop_narration:n state_exited:a ended:aborted");
    CHECK(stoa_lesson_machine_outcome(r.m) == STOA_LESSON_OUTCOME_ABORTED);
    CHECK_STR(rig_ev(&r, EV(SELECT, .node = "Door")), "");
    rig_fini(&r);
}

STOA_TEST(paused_machine_can_be_steered_and_stays_paused)
{
    rig r;
    if (!rig_init(&r, k_steer, 1))
        return;
    rig_ev(&r, EV(PAUSE));
    rig_ev(&r, EV(GOTO, .id = "b"));
    CHECK_STR(rig_state(&r), "b");
    CHECK(stoa_lesson_machine_paused(r.m));
    CHECK_STR(rig_ev(&r, EV(SELECT, .node = "Door")), ""); // learner events wait
    rig_ev(&r, EV(RESUME));
    rig_ev(&r, EV(SELECT, .node = "Door"));
    CHECK_STR(rig_state(&r), "c");
    rig_fini(&r);
}

STOA_TEST(full_output_reports_limit_but_moves_on)
{
    rig r;
    if (!rig_init(&r, k_steer, 1))
        return;
    stoa_lesson_action small[2];
    stoa_lesson_out out;
    stoa_lesson_out_init(&out, small, 2);
    stoa_lesson_event e = {.kind = STOA_LESSON_EV_SKIP};
    CHECK(stoa_lesson_machine_handle_event(r.m, &e, r.clock.t_ns, &out) == STOA_ERROR_LIMIT);
    CHECK(out.count == 2 && out.dropped == 4);
    CHECK_STR(rig_state(&r), "b");
    rig_fini(&r);
}

// A queue grows instead of dropping; past its limit it counts, never silently.
STOA_TEST(queue_grows_to_its_limit_then_reports)
{
    rig r;
    if (!rig_init(&r, k_steer, 1))
        return;
    stoa_lesson_out out;
    CHECK(stoa_lesson_out_init_queue(&out, 1, 64));
    stoa_lesson_event e = {.kind = STOA_LESSON_EV_SKIP};
    CHECK(stoa_lesson_machine_handle_event(r.m, &e, r.clock.t_ns, &out) == STOA_OK);
    CHECK(out.count == 6 && out.dropped == 0 && out.capacity >= 6 && out.peak == 6);
    stoa_lesson_out_fini(&out);
    CHECK(stoa_lesson_out_init_queue(&out, 1, 3));
    e.kind = STOA_LESSON_EV_SKIP;
    CHECK(stoa_lesson_machine_handle_event(r.m, &e, r.clock.t_ns, &out) == STOA_ERROR_LIMIT);
    CHECK(out.count == 3 && out.dropped > 0 && out.capacity == 3);
    stoa_lesson_out_fini(&out);
    CHECK(out.items == NULL);
    rig_fini(&r);
}

STOA_TEST(events_before_start_are_ignored)
{
    stoa_lesson *l = parse_ok(k_steer);
    stoa_lesson_machine *m = NULL;
    stoa_error err = {0};
    CHECK(stoa_lesson_machine_create(l, NULL, &m, &err) == STOA_OK);
    stoa_lesson_action buf[8];
    stoa_lesson_out out;
    stoa_lesson_out_init(&out, buf, 8);
    stoa_lesson_event e = {.kind = STOA_LESSON_EV_SKIP};
    CHECK(stoa_lesson_machine_handle_event(m, &e, 0, &out) == STOA_OK && out.count == 0);
    CHECK(stoa_lesson_machine_state(m) == NULL);
    stoa_lesson_machine_destroy(&m);
    CHECK(m == NULL);
    stoa_lesson_destroy(&l);
    CHECK(l == NULL);
}

STOA_TEST_MAIN()
