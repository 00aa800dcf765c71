// SPDX-License-Identifier: Apache-2.0
// The headset's layout manager (runtime/cli/run_layout.c) and the lobby's
// sign-in (run_class.c), without a headset: panels in front of the learner
// never overlap, the teacher's message stands on top and goes after its
// time; picking a name and typing a PIN asks the hub for that learner.
#include <math.h>
#include <string.h>

#include "run_class.h"
#include "run_panels.h"
#include "stoa_test.h"

// run_panels.c asks where a node is for panels at a node; none here.
const float *run_lesson_node_world(const run_lesson *rl, int32_t node)
{
    (void)rl, (void)node;
    return NULL;
}

static void setup(run_lesson *rl)
{
    memset(rl, 0, sizeof *rl);
    rl->arrow_node = -1;
    rl->head_world[1] = 1.7f;
    rl->head_forward[2] = -1.0f;
}

// Vertical extent of a panel in its (shared) plane.
static void extent(const run_panel *p, float *lo, float *hi)
{
    float h = p->height * p->scale * 0.5f;
    *lo = p->center[1] - h;
    *hi = p->center[1] + h;
}

static bool overlap(const run_panel *a, const run_panel *b)
{
    float al, ah, bl, bh;
    extent(a, &al, &ah);
    extent(b, &bl, &bh);
    float dx = a->center[0] - b->center[0], dz = a->center[2] - b->center[2];
    bool same_plane = fabsf(dx) < 1e-4f && fabsf(dz) < 1e-4f;
    bool wide = fabsf(dx) * 2 < a->width + b->width; // side by side would not overlap
    return same_plane && wide && al < bh && bl < ah;
}

STOA_TEST(message_pause_lesson_and_subtitle_never_overlap)
{
    run_lesson rl;
    setup(&rl);
    run_panel *lesson = run_panels_show_text(&rl, "facts", "The Stoa Poikile", -1);
    run_panels_subtitle(&rl, "Zeno taught here.");
    run_panel *pause = run_panels_show_text(&rl, "hub-pause", "Look at the teacher", -1);
    run_panel *msg = run_panels_show_text(&rl, "hub-message", "Take your time.", -1);
    run_panel *sub = run_panels_find(&rl, "subtitle");
    CHECK(sub != NULL);
    // Before the layout manager each stood where it was shown: the message
    // and the pause panel at the very same place (the bug).
    CHECK(overlap(msg, pause));
    msg->until_ns = 10 * 1000000000LL;
    run_layout_arrange(&rl, 1000000000LL);
    run_panel *all[] = {msg, pause, lesson, sub};
    for (int i = 0; i < 4; i++)
        for (int j = i + 1; j < 4; j++)
            CHECK_MSG(!overlap(all[i], all[j]), "%s overlaps %s", all[i]->id, all[j]->id);
    // Top to bottom: the teacher's message, the pause, the lesson, the subtitle.
    CHECK(msg->center[1] > pause->center[1]);
    CHECK(pause->center[1] > lesson->center[1]);
    CHECK(lesson->center[1] > sub->center[1]);
    // A panel grown once drawn (its real size) still does not overlap.
    lesson->height = 0.9f;
    run_layout_arrange(&rl, 2000000000LL);
    for (int i = 0; i < 4; i++)
        for (int j = i + 1; j < 4; j++)
            CHECK_MSG(!overlap(all[i], all[j]), "after growing: %s overlaps %s", all[i]->id,
                      all[j]->id);
    // The message goes once its time is up; the others stay.
    run_layout_arrange(&rl, 11 * 1000000000LL);
    CHECK(!msg->visible);
    CHECK(pause->visible && lesson->visible && sub->visible);
}

STOA_TEST(the_newest_message_replaces_the_last_and_stays_on_top)
{
    run_lesson rl;
    setup(&rl);
    run_panels_show_text(&rl, "facts", "A lesson panel", -1);
    run_panels_show_text(&rl, "hub-message", "First", -1);
    run_panel *m = run_panels_show_text(&rl, "hub-message", "Second", -1);
    int count = 0;
    for (int i = 0; i < RUN_MAX_PANELS; i++)
        count += rl.panels[i].visible && !strcmp(rl.panels[i].id, "hub-message");
    CHECK(count == 1);
    CHECK_STR(m->text, "Second");
    run_layout_arrange(&rl, 1);
    CHECK(m->center[1] > run_panels_find(&rl, "facts")->center[1]);
    CHECK(run_layout_message_s("short") >= 8.0);
    CHECK(run_layout_message_s("") <= 30.0);
}

static stoa_net_class *roster(uint32_t n)
{
    static stoa_net_class c;
    memset(&c, 0, sizeof c);
    c.count = n;
    for (uint32_t i = 0; i < n; i++) {
        snprintf(c.learners[i].learner_id, sizeof c.learners[i].learner_id,
                 "00000000-0000-4000-8000-%012u", i);
        snprintf(c.learners[i].name, sizeof c.learners[i].name, i == 1 ? "李伟" : "Learner %u", i);
        c.learners[i].pin = i == 1;
    }
    return &c;
}

STOA_TEST(picking_a_name_and_typing_a_pin_asks_the_hub)
{
    run_class *c = calloc(1, sizeof *c);
    run_class_init(c, "Headset 07", "zh-CN");
    run_class_enter(c, RUN_PHASE_LOBBY);
    run_class_set_roster(c, roster(12));
    // Learner 0 has no PIN: picked at once.
    run_class_choose(c, "lobby-pick", 0);
    CHECK(c->want_signin);
    CHECK_STR(c->want_id, "00000000-0000-4000-8000-000000000000");
    CHECK_STR(c->want_pin, "");
    c->want_signin = false;
    // 李伟 has one: the keypad, four digits (one erased on the way), then the request.
    run_class_choose(c, "lobby-pick", 1);
    CHECK(!c->want_signin && c->typing == 1);
    int keys[] = {0, 1, 9 /* erase */, 1, 2, 3};
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
        run_class_choose(c, "lobby-pick", keys[i]);
    CHECK(c->want_signin);
    CHECK_STR(c->want_id, "00000000-0000-4000-8000-000000000001");
    CHECK_STR(c->want_pin, "1234");
    // A refused PIN says why and clears what was typed.
    run_class_refused(c, "bad_pin");
    CHECK(c->notice[0] != 0 && c->pin[0] == 0);
    // A long class is paged: the choice after the page's names is "more".
    c->typing = -1;
    run_class_choose(c, "lobby-pick", RUN_CLASS_PAGE);
    CHECK(c->page == RUN_CLASS_PAGE);
    run_class_choose(c, "lobby-pick", RUN_CLASS_PAGE);
    run_class_choose(c, "lobby-pick", 2); // the third page holds learners 10 and 11: "more" wraps
    CHECK(c->page == 0);
    // Signed in: the one button signs out.
    run_class_signin(c, "00000000-0000-4000-8000-000000000003", "Learner 3", "3");
    run_class_choose(c, "lobby-pick", 0);
    CHECK(c->want_signout);
    run_class_fini(c);
    free(c);
}

STOA_TEST_MAIN()
