// SPDX-License-Identifier: Apache-2.0
// Save and restore mid-step, and seeded random branches.
#include <stdlib.h>

#include "lesson_rig.h"

static const char *k_lesson =
    LESSON_HDR "variables: {tries: 0}\nstates:\n"
               "  a:\n    on_enter:\n"
               "      - narrate: {id: n1, audio: 1.wav, text: one, at: Statue}\n"
               "      - narrate: {id: n2, audio: 2.wav, text: two}\n"
               "      - show_panel: {id: p, text: P}\n"
               "      - show_panel: {id: k, text: K, keep: true}\n"
               "      - highlight: Statue\n"
               "      - hide: Door\n"
               "      - play: DoorOpen\n"
               "      - play: {animation: ExhibitSpin, loop: true}\n"
               "      - quiz: {id: q, question: Q, choices: [x, y, z], correct: 2}\n"
               "      - add: {tries: 1}\n"
               "      - score: 1\n"
               "    triggers:\n"
               "      - quiz: right\n        goto: r\n"
               "      - timer: 30\n        goto: r\n"
               "      - enter_zone: Zone_Door\n        goto: r\n"
               "  r:\n    on_enter: [score: 1]\n"
               "    triggers:\n"
               "      - random: [{goto: x, weight: 1}, {goto: y, weight: 1}, {goto: z, weight: 1}]\n"
               "  x: {on_enter: [end: completed]}\n"
               "  y: {on_enter: [end: completed]}\n"
               "  z: {on_enter: [end: completed]}\n";

// Brings a machine into the middle of state a: one narration done, 12 s in,
// a wrong answer given, paused once for 5 s.
static void drive_mid_step(rig *r)
{
    rig_tick(r, 4);
    rig_ev(r, EV(NARRATION_DONE, .id = "n1"));
    rig_ev(r, EV(ANSWER, .id = "q", .choices = 1));
    rig_ev(r, EV(PAUSE));
    rig_tick(r, 5);
    rig_ev(r, EV(RESUME));
    rig_tick(r, 8);
}

STOA_TEST(save_restore_mid_step_behaves_identically)
{
    rig a, b;
    if (!rig_init(&a, k_lesson, 99) || !rig_init(&b, k_lesson, 12345))
        return;
    drive_mid_step(&a);
    char blob[4096];
    size_t len = 0;
    CHECK(stoa_lesson_machine_save(a.m, a.clock.t_ns, blob, sizeof blob, &len) == STOA_OK);
    CHECK(len == strlen(blob) && len < 1024);
    CHECK_CONTAINS(blob, "elapsed_ns 12000000000\n");
    CHECK_CONTAINS(blob, "var tries 1\n");
    CHECK_CONTAINS(blob, "quiz q 1 1\n");

    // b lives on another clock (another process after a crash).
    stoa_fake_clock_advance(&b.clock, 777000000000);
    stoa_error err = {0};
    stoa_lesson_out_clear(&b.out);
    CHECK(stoa_lesson_machine_restore(b.m, blob, len, b.clock.t_ns, &b.out, &err) == STOA_OK);
    CHECK_STR(rig_line(&b),
              "state_entered:a hide_node:Door complete_animation:DoorOpen "
              "play_animation:ExhibitSpin show_panel:p show_panel:k highlight:Statue "
              "show_arrow:Statue quiz:q narrate:n2");
    CHECK(b.out.items[0].resumed);
    CHECK_NEAR(stoa_lesson_machine_elapsed(b.m, b.clock.t_ns), 12, 1e-6);
    CHECK(stoa_lesson_machine_quiz_attempts(b.m, "q") == 1);
    CHECK(stoa_lesson_machine_score(b.m) == 1);

    // A second save of the restored machine is the same blob.
    char blob2[4096];
    size_t len2 = 0;
    CHECK(stoa_lesson_machine_save(b.m, b.clock.t_ns, blob2, sizeof blob2, &len2) == STOA_OK);
    CHECK_STR(blob2, blob);

    // From here on, the same events give the same actions, random draw included.
    const char *steps[] = {"tick 10", "narr n2", "tick 7.5", "tick 0.5", NULL};
    for (int i = 0; steps[i]; i++) {
        char la[2048], lb[2048];
        if (strncmp(steps[i], "tick", 4) == 0) {
            double s = atof(steps[i] + 5);
            snprintf(la, sizeof la, "%s", rig_tick(&a, s));
            snprintf(lb, sizeof lb, "%s", rig_tick(&b, s));
        } else {
            snprintf(la, sizeof la, "%s", rig_ev(&a, EV(NARRATION_DONE, .id = "n2")));
            snprintf(lb, sizeof lb, "%s", rig_ev(&b, EV(NARRATION_DONE, .id = "n2")));
        }
        CHECK_STR(la, lb);
    }
    CHECK_STR(rig_state(&a), rig_state(&b));
    CHECK(stoa_lesson_machine_ended(a.m) && stoa_lesson_machine_ended(b.m));
    CHECK(stoa_lesson_machine_score(b.m) == 2);
    rig_fini(&a);
    rig_fini(&b);
}

STOA_TEST(restore_keeps_pause_and_zones)
{
    rig a, b;
    if (!rig_init(&a, k_lesson, 1) || !rig_init(&b, k_lesson, 1))
        return;
    rig_tick(&a, 3);
    rig_ev(&a, EV(PAUSE));
    rig_tick(&a, 50);
    char blob[4096];
    size_t len;
    CHECK(stoa_lesson_machine_save(a.m, a.clock.t_ns, blob, sizeof blob, &len) == STOA_OK);
    stoa_error err = {0};
    stoa_lesson_out_clear(&b.out);
    CHECK(stoa_lesson_machine_restore(b.m, blob, len, b.clock.t_ns, &b.out, &err) == STOA_OK);
    CHECK(stoa_lesson_machine_paused(b.m));
    CHECK(b.out.items[b.out.count - 1].type == STOA_LESSON_ACT_PAUSED);
    CHECK_NEAR(stoa_lesson_machine_elapsed(b.m, b.clock.t_ns + 1000000000), 3, 1e-6);
    rig_fini(&a);
    rig_fini(&b);

    // A learner standing in a zone is still in it after restore.
    if (!rig_init(&a, LESSON_HDR "states:\n  a:\n    triggers: [{select: Door, goto: b}]\n"
                                 "  b:\n    triggers: [{enter_zone: Zone_Door, goto: c}]\n"
                                 "  c: {on_enter: [end: completed]}\n", 1))
        return;
    rig_ev(&a, EV(ENTER_ZONE, .node = "Zone_Door"));
    CHECK(stoa_lesson_machine_save(a.m, a.clock.t_ns, blob, sizeof blob, &len) == STOA_OK);
    CHECK_CONTAINS(blob, "zone Zone_Door\n");
    stoa_lesson_machine *m2;
    CHECK(stoa_lesson_machine_create(a.lesson, NULL, &m2, &err) == STOA_OK);
    CHECK(stoa_lesson_machine_restore(m2, blob, len, 5, NULL, &err) == STOA_OK);
    stoa_lesson_event e = {.kind = STOA_LESSON_EV_SELECT, .node = "Door"};
    stoa_lesson_machine_handle_event(m2, &e, 6, NULL);
    CHECK_STR(stoa_lesson_machine_state(m2)->name, "c");
    stoa_lesson_machine_destroy(&m2);
    rig_fini(&a);
}

STOA_TEST(restore_rejects_bad_blobs_and_leaves_machine_alone)
{
    rig a;
    if (!rig_init(&a, k_lesson, 1))
        return;
    rig_tick(&a, 2);
    char blob[4096];
    size_t len;
    CHECK(stoa_lesson_machine_save(a.m, a.clock.t_ns, blob, sizeof blob, &len) == STOA_OK);
    char small[16];
    size_t need = 0;
    CHECK(stoa_lesson_machine_save(a.m, a.clock.t_ns, small, sizeof small, &need) ==
          STOA_ERROR_LIMIT);
    CHECK(need == len);

    struct {
        const char *from, *to, *msg;
    } edits[] = {
        {"stoa-lesson-save 1", "stoa-lesson-save 2", "not a saved lesson state"},
        {"lesson t", "lesson other", "saved from another lesson"},
        {"state a ", "state nowhere ", "unknown state"},
        {"var tries", "var nope", "unknown variable"},
        {"quiz q ", "quiz zz ", "unknown quiz"},
        {"end\n", "", "truncated"},
        {"rng ", "rgn ", "unknown line"},
    };
    for (size_t i = 0; i < sizeof edits / sizeof edits[0]; i++) {
        char bad[4096];
        const char *at = strstr(blob, edits[i].from);
        CHECK_MSG(at != NULL, "%s", edits[i].from);
        if (!at)
            continue;
        snprintf(bad, sizeof bad, "%.*s%s%s", (int)(at - blob), blob, edits[i].to,
                 at + strlen(edits[i].from));
        stoa_error err = {0};
        stoa_lesson_out_clear(&a.out);
        CHECK(stoa_lesson_machine_restore(a.m, bad, strlen(bad), a.clock.t_ns, &a.out, &err) ==
              STOA_ERROR_PARSE);
        CHECK_CONTAINS(err.message, edits[i].msg);
        CHECK(a.out.count == 0);
    }
    CHECK_STR(rig_state(&a), "a");
    CHECK_NEAR(stoa_lesson_machine_elapsed(a.m, a.clock.t_ns), 2, 1e-6);
    stoa_error err = {0};
    CHECK(stoa_lesson_machine_restore(a.m, "", 0, 0, NULL, &err) == STOA_ERROR_PARSE);
    rig_fini(&a);
}

static const char *k_random =
    LESSON_HDR "states:\n"
               "  a:\n    triggers:\n"
               "      - random: [{goto: x, weight: 3}, {goto: y}]\n"
               "  x:\n    triggers: [{random: [{goto: a2, weight: 1}, {goto: y, weight: 1}]}]\n"
               "  a2:\n    triggers: [{random: [{goto: x2}, {goto: y}]}]\n"
               "  x2: {on_enter: [end: completed]}\n"
               "  y: {on_enter: [end: completed]}\n";

static void path_of(uint64_t seed, char *out, size_t size)
{
    rig r;
    out[0] = '\0';
    if (!rig_init(&r, k_random, seed))
        return;
    snprintf(out, size, "%s", rig_line(&r));
    rig_fini(&r);
}

STOA_TEST(random_same_seed_same_path)
{
    char p1[2048], p2[2048];
    int differs = 0;
    for (uint64_t seed = 0; seed < 50; seed++) {
        path_of(seed, p1, sizeof p1);
        path_of(seed, p2, sizeof p2);
        CHECK_STR(p1, p2);
        char p3[2048];
        path_of(seed + 1000, p3, sizeof p3);
        differs += strcmp(p1, p3) != 0;
    }
    CHECK(differs > 5); // the seed matters
}

STOA_TEST(random_distribution_follows_weights)
{
    int x = 0, n = 4000;
    for (int seed = 0; seed < n; seed++) {
        rig r;
        if (!rig_init(&r, LESSON_HDR "states:\n  a:\n    triggers:\n"
                                     "      - random: [{goto: x, weight: 3}, {goto: y, weight: 1}]\n"
                                     "  x: {on_enter: [end: completed]}\n"
                                     "  y: {on_enter: [end: completed]}\n",
                      (uint64_t)seed * 7919u))
            return;
        x += strcmp(rig_state(&r), "x") == 0;
        rig_fini(&r);
    }
    CHECK_NEAR((double)x / n, 0.75, 0.03);
}

STOA_TEST(restore_continues_the_random_stream)
{
    // Save before a random draw, restore elsewhere: the same branch is drawn.
    const char *yaml = LESSON_HDR "states:\n  a:\n    triggers: [{select: Door, goto: r}]\n"
                                  "  r:\n    triggers: [{random: [{goto: x}, {goto: y}]}]\n"
                                  "  x: {on_enter: [end: completed]}\n"
                                  "  y: {on_enter: [end: completed]}\n";
    for (uint64_t seed = 1; seed < 20; seed++) {
        rig a, b;
        if (!rig_init(&a, yaml, seed) || !rig_init(&b, yaml, seed + 100))
            return;
        char blob[2048];
        size_t len;
        stoa_error err = {0};
        CHECK(stoa_lesson_machine_save(a.m, a.clock.t_ns, blob, sizeof blob, &len) == STOA_OK);
        CHECK(stoa_lesson_machine_restore(b.m, blob, len, b.clock.t_ns, NULL, &err) == STOA_OK);
        rig_ev(&a, EV(SELECT, .node = "Door"));
        rig_ev(&b, EV(SELECT, .node = "Door"));
        CHECK_STR(rig_state(&a), rig_state(&b));
        rig_fini(&a);
        rig_fini(&b);
    }
}

STOA_TEST_MAIN()
